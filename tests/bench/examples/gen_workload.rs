//! Writes a generated workload as the CLI's JSONL files, to time `ebw match` end to end:
//! `cargo run --release -p ebw-bench --example gen_workload -- <dir> <patterns> <events>`
//! then `ebw match --patterns <dir>/rules.jsonl --events <dir>/events.jsonl --stats`.
use ebw_bench::{eb_event, eb_pattern, Rng};

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let dir = std::path::PathBuf::from(args.get(1).map(String::as_str).unwrap_or("."));
    let n: u64 = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let events: usize = args.get(3).and_then(|a| a.parse().ok()).unwrap_or(10_000);
    std::fs::create_dir_all(&dir)?;
    let rules: Vec<String> = (0..n)
        .map(|i| {
            serde_json::json!({"name": format!("rule-{i}"), "pattern": eb_pattern(i)}).to_string()
        })
        .collect();
    std::fs::write(dir.join("rules.jsonl"), rules.join("\n") + "\n")?;
    let mut r = Rng(42);
    let lines: Vec<String> = (0..events).map(|_| eb_event(&mut r)).collect();
    std::fs::write(dir.join("events.jsonl"), lines.join("\n") + "\n")?;
    Ok(())
}
