//! Events of awkward shapes at the size limit (about 250 KB each): what parsing, matching and
//! explaining one costs, against serde_json building a `Value` of the same text in the same
//! rounds. A shape that costs far more than parsing it is a bound to look at (each shape here once
//! took seconds or gigabytes: a column counted at every bracket, a path or array list copied per
//! value, a quadratic search for repeated keys).
//!
//! `cargo bench -p ebw-bench --bench shapes`
use std::time::Instant;

use ebw_bench::median;
use event_pattern::compiled::CompiledMatcher;
use event_pattern::{explain, EventPattern, Json};

const HEAD: &str =
    r#""id":"1","account":"1","source":"s","time":"t","region":"r","detail-type":"d","#;

fn event(detail: &str) -> String {
    format!("{{{HEAD}\"detail\":{detail}}}")
}

fn joined(n: usize, f: impl Fn(usize) -> String) -> String {
    (0..n).map(f).collect::<Vec<_>>().join(",")
}

fn shapes() -> Vec<(&'static str, String)> {
    vec![
        (
            "25,000 keys in one object",
            event(&format!(
                "{{{}}}",
                joined(25_000, |i| format!("\"k{i}\":{i}"))
            )),
        ),
        (
            "25,000 members repeating 100 keys",
            event(&format!(
                "{{{}}}",
                joined(25_000, |i| format!("\"k{}\":{i}", i % 100))
            )),
        ),
        (
            "a 100,000-character key holding 15,000 fields",
            event(&format!(
                "{{\"{}\":{{{}}}}}",
                "a".repeat(100_000),
                joined(15_000, |i| format!("\"k{i}\":1"))
            )),
        ),
        (
            "100,000 numbers in 120 nested arrays",
            event(&format!(
                "{{\"a\":{}{}{}}}",
                "[".repeat(120),
                joined(100_000, |_| "1".into()),
                "]".repeat(120)
            )),
        ),
        (
            "an array of 10,000 objects",
            event(&format!(
                "{{\"items\":[{}]}}",
                joined(10_000, |i| format!(
                    "{{\"sku\":\"S{i}\",\"qty\":{}}}",
                    i % 10
                ))
            )),
        ),
        (
            "500 objects of 20 objects, nested in arrays",
            event(&format!(
                "{{\"a\":[{}]}}",
                joined(500, |_| format!(
                    "{{\"b\":[{}]}}",
                    joined(20, |j| format!("{{\"c\":{j},\"d\":{j}}}"))
                ))
            )),
        ),
        (
            "a 240,000-character string",
            event(&format!("{{\"a\":\"{}\"}}", "x".repeat(240_000))),
        ),
        (
            "30,000 strings in an array",
            event(&format!(
                "{{\"a\":[{}]}}",
                joined(30_000, |i| format!("\"s{i}\""))
            )),
        ),
    ]
}

/// Seconds per call of `f`, over at least 0.1 s.
fn time(mut f: impl FnMut()) -> f64 {
    let t = Instant::now();
    let mut n = 0u32;
    while n < 3 || t.elapsed().as_secs_f64() < 0.1 {
        f();
        n += 1;
    }
    t.elapsed().as_secs_f64() / f64::from(n)
}

fn main() {
    // Patterns reaching into the shapes: an array-consistency pair, a wildcard, a missing field
    // (which looks for a near-miss key in the explanation).
    let texts = [
        r#"{"detail": {"items": {"sku": ["S9999"], "qty": [1]}}}"#,
        r#"{"detail": {"a": {"b": {"c": [1], "d": [2]}}}}"#,
        r#"{"detail": {"a": [{"wildcard": "*x*x*y"}]}}"#,
        r#"{"detail": {"kk": [{"exists": false}], "k1": [{"anything-but": 5}]}}"#,
    ];
    let patterns: Vec<EventPattern> = texts
        .iter()
        .filter_map(|t| EventPattern::parse(t).ok())
        .collect();
    let matcher = CompiledMatcher::new(&patterns);
    println!("| shape | bytes | serde_json Value, ms | parse | explain (4 patterns, parse included) | compiled (4 patterns) |");
    println!("|---|---|---|---|---|---|");
    for (name, text) in shapes() {
        let mut ratios = [Vec::new(), Vec::new(), Vec::new()];
        let mut serde_ms = Vec::new();
        for _ in 0..5 {
            let serde = time(|| {
                std::hint::black_box(serde_json::from_str::<serde_json::Value>(&text).ok());
            });
            let parse = time(|| {
                std::hint::black_box(Json::parse(&text).ok());
            });
            let explained = time(|| {
                if let Ok(e) = Json::parse(&text) {
                    for p in &patterns {
                        std::hint::black_box(explain(p, &e));
                    }
                }
            });
            let compiled = time(|| {
                std::hint::black_box(matcher.matching_text(&text).ok());
            });
            serde_ms.push(serde * 1000.0);
            for (r, t) in ratios.iter_mut().zip([parse, explained, compiled]) {
                r.push(t / serde);
            }
        }
        let [p, e, c] = ratios.map(|mut r| median(&mut r));
        println!(
            "| {name} | {} | {:.2} | {p:.2}× | {e:.2}× | {c:.2}× |",
            text.len(),
            median(&mut serde_ms)
        );
    }
    println!(
        "(times are ratios to serde_json building a Value of the same text, medians of 5 rounds)"
    );
}
