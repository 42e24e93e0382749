//! What one pattern costs against another on the same events, in alternating turns (a noisy
//! machine slows both alike; each goes first in every other round): `EBW_A='<pattern>' EBW_B='<pattern>' cargo run --release -p
//! ebw-bench --example pair_cost -- <eb|city> <rounds>`. Prints the median ns per event of each
//! and of their difference (B − A), so the cost of what B adds (a collected value, a nested
//! object entered, a test) can be read off.
use ebw_bench::{median, sample_events};
use event_pattern::compiled::CompiledMatcher;
use event_pattern::EventPattern;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let eb = args.get(1).map(String::as_str) != Some("city");
    let rounds: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(60);
    let events = sample_events(eb);
    let compile = |var: &str| {
        let text = std::env::var(var).unwrap_or_else(|_| r#"{"zzz": ["x"]}"#.to_string());
        let ps: Vec<EventPattern> = text
            .split('\n')
            .filter(|l| !l.trim().is_empty())
            .map(|l| EventPattern::parse(l).expect("a valid pattern"))
            .collect();
        CompiledMatcher::new(&ps)
    };
    let (a, b) = (compile("EBW_A"), compile("EBW_B"));
    let turn = |m: &CompiledMatcher| {
        let t = std::time::Instant::now();
        let mut n = 0;
        for e in &events {
            n += m.matching_text(e).map(|v| v.len()).unwrap_or(0);
        }
        (t.elapsed().as_secs_f64() * 1e9 / events.len() as f64, n)
    };
    let (mut ta, mut tb, mut d) = (Vec::new(), Vec::new(), Vec::new());
    let (mut na, mut nb) = (0, 0);
    for round in 0..rounds {
        // A first in even rounds, B first in odd ones: whichever runs second is favoured.
        let ((x, n1), (y, n2)) = if round % 2 == 0 {
            let first = turn(&a);
            (first, turn(&b))
        } else {
            let first = turn(&b);
            (turn(&a), first)
        };
        na = n1;
        nb = n2;
        ta.push(x);
        tb.push(y);
        d.push(y - x);
    }
    println!(
        "A {:.1} ns/event ({na} matches), B {:.1} ns/event ({nb} matches), B − A {:.1} ns",
        median(&mut ta),
        median(&mut tb),
        median(&mut d)
    );
}
