//! A loop to profile the matcher on one workload:
//! `cargo run --release -p ebw-bench --example profile_scan -- <kind|eventbridge> <patterns> <rounds>`
//! (kinds: none, exact, prefix, anything-but, equals-ignore-case, wildcard, mixed on city-lots
//! events; eventbridge, distinct-paths, paired-tests, none-eb on EventBridge-like ones; `none` and
//! `none-eb` name a path no event has, so each event is only checked and skipped; `eb-paths` is
//! one rule reading every path the `eventbridge` rules read, each only tested to exist: what
//! scanning and collecting those values costs without evaluating 10,000 rules); `custom` (on
//! city-lots events) and `eb-custom` (on EventBridge-like ones) use the pattern in `EBW_PATTERN`
//! for every rule. Prints events/s.
//! A fourth argument `parsed` matches events parsed beforehand (`matching(&Json)`) instead of text;
//! `set` matches text into a reused set (`matching_text_into`) instead of a list. A further
//! argument `prechecked` takes the text as known to be valid JSON (`set_text_prechecked`), and
//! `grouped` matches the events in order of source and detail type (see below).
use ebw_bench::{eventbridge_kind, median, pattern_for, sample_events};
use event_pattern::compiled::{CompiledMatcher, MatchSet};
use event_pattern::{EventPattern, Json};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let kind = args.get(1).map(String::as_str).unwrap_or("exact");
    let n: u64 = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(100);
    let rounds: usize = args.get(3).and_then(|a| a.parse().ok()).unwrap_or(200);
    let mut events = sample_events(eventbridge_kind(kind));
    // `grouped` (any further argument): the events in order of their text, so that events of
    // one source and detail type come one after another (EventBridge-like events start with
    // their id, so the order is by the text after it): consecutive events then reach the same
    // part of the compiled rules, which stays in cache. Compared with the usual order, it
    // shows what the cache misses of scattered events cost.
    if args.iter().skip(4).any(|a| a == "grouped") {
        let key = |e: &String| e.split_once("\"detail-type\"").map(|(_, r)| r.to_string());
        events.sort_by_key(key);
    }
    let ps: Vec<EventPattern> = (0..n)
        .map(|i| EventPattern::parse(&pattern_for(kind, i)).unwrap())
        .collect();
    let mut m = CompiledMatcher::new(&ps);
    m.set_text_prechecked(args.iter().skip(4).any(|a| a == "prechecked"));
    let mode = args.get(4).map(String::as_str);
    let into_set = mode == Some("set");
    let mut set = MatchSet::default();
    let parsed: Option<Vec<Json>> = (mode == Some("parsed"))
        .then(|| events.iter().filter_map(|e| Json::parse(e).ok()).collect());
    // Ours and serde_json in alternating turns (one pass over the events each), so that a noisy
    // machine slows both alike; the median ratio of the turns is printed last.
    let mut matched = 0;
    let (mut ours, mut serde, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..rounds {
        let t = std::time::Instant::now();
        match &parsed {
            Some(parsed) => {
                for e in parsed {
                    matched += m.matching(e).len();
                }
            }
            None if into_set => {
                for e in &events {
                    if m.matching_text_into(e, &mut set).is_ok() {
                        matched += set.len();
                    }
                }
            }
            None => {
                for e in &events {
                    matched += m.matching_text(e).map(|v| v.len()).unwrap_or(0);
                }
            }
        }
        let a = events.len() as f64 / t.elapsed().as_secs_f64();
        let t = std::time::Instant::now();
        let mut ok = 0;
        for e in &events {
            ok += serde_json::from_str::<serde::de::IgnoredAny>(e).is_ok() as usize;
        }
        assert_eq!(ok, events.len());
        let b = events.len() as f64 / t.elapsed().as_secs_f64();
        ours.push(a);
        serde.push(b);
        ratios.push(a / b);
    }
    println!(
        "{kind} × {n}: {:.0} events/s, {matched} matches; serde_json validate: {:.0} events/s; ours ÷ serde {:.3}",
        median(&mut ours),
        median(&mut serde),
        median(&mut ratios)
    );
}
