//! The quamina crate's loop alone, for counting its instructions beside ours
//! (`valgrind --tool=callgrind`, the difference between two round counts):
//! `cargo build --profile bench -p ebw-bench --features quamina --example profile_quamina`, then
//! `target/release/examples/profile_quamina <kind> <patterns> <rounds>` (the workloads of
//! `profile_scan`). Prints events/s and matches.
use ebw_bench::{eventbridge_kind, pattern_for, sample_events};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let kind = args.get(1).map(String::as_str).unwrap_or("exact");
    let n: u64 = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(1);
    let rounds: usize = args.get(3).and_then(|a| a.parse().ok()).unwrap_or(100);
    let events = sample_events(eventbridge_kind(kind));
    let mut q = quamina::Quamina::<usize>::new();
    for i in 0..n {
        let p = pattern_for(kind, i);
        if q.add_pattern(i as usize, &p).is_err() {
            eprintln!("quamina refused pattern {i}: {p}");
            return;
        }
    }
    let t = std::time::Instant::now();
    let mut matched = 0;
    for _ in 0..rounds {
        for e in &events {
            matched += q
                .matches_for_event(e.as_bytes())
                .map(|v| v.len())
                .unwrap_or(0);
        }
    }
    let rate = (rounds * events.len()) as f64 / t.elapsed().as_secs_f64();
    println!("quamina {kind} × {n}: {rate:.0} events/s, {matched} matches");
}
