//! Where our compiled matcher and the quamina crate disagree on a bench workload, prints a few
//! events with the patterns only one side matched:
//! `cargo run --release -p ebw-bench --features quamina --example disagree -- mixed 100`.
use ebw_bench::{city_lot, city_pattern, Rng};
use event_pattern::{compiled::CompiledMatcher, EventPattern};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let kind = args.get(1).map(String::as_str).unwrap_or("mixed");
    let n: u64 = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(100);
    let mut r = Rng(42);
    let events: Vec<String> = (0..2000).map(|_| city_lot(&mut r)).collect();
    let texts: Vec<String> = (0..n).map(|i| city_pattern(kind, i)).collect();
    let parsed: Vec<EventPattern> = texts
        .iter()
        .map(|p| EventPattern::parse(p).expect("valid pattern"))
        .collect();
    let ours = CompiledMatcher::new(&parsed);
    let mut quamina = quamina::Quamina::<usize>::new();
    for (i, p) in texts.iter().enumerate() {
        quamina
            .add_pattern(i, p)
            .expect("quamina accepts the pattern");
    }
    let mut differing = 0;
    for e in &events {
        let a = ours.matching_text(e).unwrap_or_default();
        let mut b = quamina.matches_for_event(e.as_bytes()).unwrap_or_default();
        b.sort_unstable();
        b.dedup();
        if a == b {
            continue;
        }
        differing += 1;
        if differing <= 3 {
            let street = e
                .split("\"STREET\": ")
                .nth(1)
                .and_then(|s| s.split(',').next());
            let only = |x: &[usize], y: &[usize]| -> Vec<&str> {
                x.iter()
                    .filter(|i| !y.contains(i))
                    .map(|i| texts[*i].as_str())
                    .collect()
            };
            println!(
                "STREET {}: only ours {:?}, only quamina {:?}",
                street.unwrap_or("?"),
                only(&a, &b),
                only(&b, &a)
            );
        }
    }
    println!("{differing} of {} events differ", events.len());
}
