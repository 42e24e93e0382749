//! A loop to profile the text scanner: `cargo run --release -p ebw-bench --example profile_scan`.
use ebw_bench::{city_lot, city_pattern, Rng};
use event_pattern::{compiled::CompiledMatcher, EventPattern};

fn main() {
    let mut r = Rng(42);
    let events: Vec<String> = (0..2000).map(|_| city_lot(&mut r)).collect();
    let ps: Vec<EventPattern> = (0..100)
        .map(|i| EventPattern::parse(&city_pattern("exact", i)).unwrap())
        .collect();
    let m = CompiledMatcher::new(&ps);
    let mut n = 0;
    for _ in 0..500 {
        for e in &events {
            n += m.matching_text(e).map(|v| v.len()).unwrap_or(0);
        }
    }
    println!("{n}");
}
