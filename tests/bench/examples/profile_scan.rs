//! A loop to profile the matcher on one workload:
//! `cargo run --release -p ebw-bench --example profile_scan -- <kind|eventbridge> <patterns> <rounds>`
//! (kinds: none, exact, prefix, anything-but, equals-ignore-case, wildcard, mixed). Prints events/s.
use ebw_bench::{city_lot, city_pattern, eb_event, eb_pattern, Rng};
use event_pattern::{compiled::CompiledMatcher, EventPattern};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let kind = args.get(1).map(String::as_str).unwrap_or("exact");
    let n: u64 = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(100);
    let rounds: usize = args.get(3).and_then(|a| a.parse().ok()).unwrap_or(200);
    let mut r = Rng(42);
    let eb = kind == "eventbridge";
    let events: Vec<String> = (0..2000)
        .map(|_| {
            if eb {
                eb_event(&mut r)
            } else {
                city_lot(&mut r)
            }
        })
        .collect();
    let ps: Vec<EventPattern> = (0..n)
        .map(|i| {
            let text = match kind {
                "eventbridge" => eb_pattern(i),
                // A path no event has: the whole event is only validated and skipped.
                "none" => r#"{"zzz": ["x"]}"#.to_string(),
                _ => city_pattern(kind, i),
            };
            EventPattern::parse(&text).unwrap()
        })
        .collect();
    let m = CompiledMatcher::new(&ps);
    let mut matched = 0;
    let t = std::time::Instant::now();
    for _ in 0..rounds {
        for e in &events {
            matched += m.matching_text(e).map(|v| v.len()).unwrap_or(0);
        }
    }
    let secs = t.elapsed().as_secs_f64();
    println!(
        "{kind} × {n}: {:.0} events/s, {matched} matches",
        (rounds * events.len()) as f64 / secs
    );
    // Side by side: serde_json only validating the same events.
    let t = std::time::Instant::now();
    let mut ok = 0;
    for _ in 0..rounds {
        for e in &events {
            ok += serde_json::from_str::<serde::de::IgnoredAny>(e).is_ok() as usize;
        }
    }
    println!(
        "serde_json validate: {:.0} events/s ({ok} valid)",
        (rounds * events.len()) as f64 / t.elapsed().as_secs_f64()
    );
}
