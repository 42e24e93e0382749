//! How fast matching at 10,000 patterns could be at best, against serde_json validating the same
//! events: `cargo run --profile bench -p ebw-bench --example floors -- [kinds...] [--rounds N]`
//! (kinds as in `profile_scan`; all the bench's workloads when none is given).
//!
//! For each workload it times, in interleaved turns (each engine goes first in turn, so a noisy
//! machine slows all alike), and prints the median events per second of:
//! - `serde`: serde_json validating the text (`IgnoredAny`);
//! - `ours`: the compiled matcher, the text into a list (`matching_text`);
//! - `skip`: the same scanner with one rule on a path no event has: checking the text alone;
//! - `collect`: one rule testing `exists` on every path the workload's rules read: checking the
//!   text and collecting every value those rules need, with one rule to evaluate;
//! - `answer`: writing a list as long as each event's list of matches, in the cheapest way there
//!   is (`0..len` into one reused vector, which the compiler vectorises, and no allocation): what
//!   writing the list costs at least, whatever the matcher does to find its entries.
//!
//! A matcher has to check the text, collect what its rules read and hand out the answer, so
//! `collect` and `answer` together (`1 / (1/collect + 1/answer)` in events per second) are about
//! the best `ours` can do with this scanner and a list for an answer. Not exactly: `collect`
//! includes one rule's evaluation, and its `exists` tests are counted, where a gate on an exact
//! value is only looked up (so `ours` can come out a little above it, as on `exact`). Where the
//! two together are well below serde_json, no faster evaluation of the rules closes the gap.
use ebw_bench::{median, pattern_for, sample_events, turn, CITY_KINDS, EB_SHAPES};
use event_pattern::compiled::CompiledMatcher;
use event_pattern::EventPattern;

/// One engine's work on one event (the number it returns keeps the work from being optimised
/// away).
type Engine<'a> = Box<dyn FnMut(&str) -> usize + 'a>;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let rounds = args
        .iter()
        .position(|a| a == "--rounds")
        .and_then(|i| args.get(i + 1))
        .and_then(|r| r.parse().ok())
        .unwrap_or(7);
    let given: Vec<&str> = args
        .iter()
        .map(String::as_str)
        .take_while(|a| *a != "--rounds")
        .collect();
    let every: Vec<&str> = CITY_KINDS
        .into_iter()
        .chain(["eventbridge"])
        .chain(EB_SHAPES)
        .collect();
    let kinds = if given.is_empty() { &every } else { &given };
    println!(
        "| workload | serde ev/s | ours ÷ serde | skip ÷ serde | collect ÷ serde | answer ÷ serde | collect + answer ÷ serde | matches/event |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    for kind in kinds {
        floors(kind, rounds);
    }
}

fn floors(kind: &str, rounds: usize) {
    let n = 10_000;
    let events = sample_events(ebw_bench::eventbridge_kind(kind));
    let patterns: Vec<EventPattern> = (0..n)
        .map(|i| EventPattern::parse(&pattern_for(kind, i)).expect("the bench's patterns parse"))
        .collect();
    let ours = CompiledMatcher::new(&patterns);
    let none = EventPattern::parse(&pattern_for("none", 0)).expect("a valid pattern");
    let skip = CompiledMatcher::new(&[none]);
    // A pattern over 4,096 characters (every path of `distinct-paths`) is refused: no figure.
    let collect = EventPattern::parse(&every_path(&patterns))
        .ok()
        .map(|p| CompiledMatcher::new(&[p]));
    let lengths: Vec<usize> = events
        .iter()
        .map(|e| ours.matching_text(e).map_or(0, |v| v.len()))
        .collect();
    let per_event = lengths.iter().sum::<usize>() as f64 / events.len() as f64;
    // `turn` goes through the events in order, again and again: the lengths are taken in step.
    let mut next = 0;
    let mut list: Vec<usize> = Vec::new();
    let mut hand_out = move |_: &str| {
        let len = lengths.get(next).copied().unwrap_or(0);
        next = (next + 1) % lengths.len().max(1);
        list.clear();
        list.extend(0..len);
        std::hint::black_box(&list).len()
    };
    let text_into_list = |m: &CompiledMatcher, e: &str| m.matching_text(e).map_or(0, |v| v.len());
    // In this order: serde, ours, skip, collect, answer.
    let mut engines: Vec<Engine<'_>> = vec![
        Box::new(|e| serde_json::from_str::<serde::de::IgnoredAny>(e).is_ok() as usize),
        Box::new(|e| text_into_list(&ours, e)),
        Box::new(|e| text_into_list(&skip, e)),
        Box::new(|e| collect.as_ref().map_or(0, |m| text_into_list(m, e))),
        Box::new(&mut hand_out),
    ];
    let mut turns: Vec<Vec<f64>> = vec![Vec::new(); engines.len()];
    for round in 0..rounds {
        for k in 0..engines.len() {
            let at = (k + round) % engines.len();
            if let (Some(f), Some(t)) = (engines.get_mut(at), turns.get_mut(at)) {
                t.push(turn(&events, f.as_mut()));
            }
        }
    }
    let [serde, ours, skip, collected, answer] =
        match turns.iter_mut().map(|t| median(t)).collect::<Vec<f64>>()[..] {
            [a, b, c, d, e] => [a, b, c, d, e],
            _ => return,
        };
    let cell = |rate: f64| match collect {
        Some(_) => format!("{:.2}", rate / serde),
        None => "—".to_string(),
    };
    println!(
        "| {kind} | {serde:.0} | {:.2} | {:.2} | {} | {:.2} | {} | {per_event:.1} |",
        ours / serde,
        skip / serde,
        cell(collected),
        answer / serde,
        cell(1.0 / (1.0 / collected + 1.0 / answer)),
    );
}

/// One pattern testing `exists: true` on every path the patterns read (dotted keys; the bench's
/// keys have no dots of their own).
fn every_path(patterns: &[EventPattern]) -> String {
    let mut paths: Vec<&str> = patterns
        .iter()
        .flat_map(|p| p.branches())
        .flat_map(|b| &b.tests)
        .map(|t| t.path.as_str())
        .collect();
    paths.sort_unstable();
    paths.dedup();
    let fields: Vec<String> = paths
        .iter()
        .map(|p| format!("{}: [{{\"exists\": true}}]", serde_json::Value::from(*p)))
        .collect();
    format!("{{{}}}", fields.join(", "))
}
