//! The matching bench's two baselines, the `quamina` crate and serde_json validating, in a
//! process of their own. Where they share a binary with our matcher, a change to our code moves
//! theirs in memory, and that alone has moved serde_json's speed by up to 9 % (session 19): a
//! ratio to them then shows a gain or a loss that ours never had. Here their code is placed the
//! same whatever ours is.
//!
//! `ebw-baselines DIR [--no-quamina]` reads `DIR/patterns` and `DIR/events` (one per line),
//! compiles the patterns into quamina and checks it on the events once, then prints
//! `ready <quamina state> <compile seconds> <matches>`; then, for each line `serde` or `quamina`
//! on its input, it runs one turn of that engine over the events ([`ebw_bench::turn`]) and prints
//! its events per second. The bench drives it between its own turns.
//!
//! The quamina crate panics on some workloads, and binaries of this workspace abort on a panic
//! (`panic = "abort"`), so a panic cannot be caught here: the process says `compiling` and
//! `checking` before each step, and a bench that reads no more after one of them knows where
//! quamina died, and starts it again with `--no-quamina` for serde_json's turns.
use std::io::{BufRead, Write};
use std::time::{Duration, Instant};

use ebw_bench::turn;

/// quamina's compile gives up past this (several workloads take minutes in it).
const COMPILE_LIMIT: Duration = Duration::from_secs(20);

fn lines(path: &std::path::Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .map(str::to_string)
        .collect()
}

fn main() {
    let dir = std::path::PathBuf::from(std::env::args().nth(1).expect("usage: ebw-baselines DIR"));
    let patterns = lines(&dir.join("patterns"));
    let events = lines(&dir.join("events"));
    let with_quamina = std::env::args().nth(2).as_deref() != Some("--no-quamina");
    let mut out = std::io::stdout().lock();
    let mut say = |line: &str| {
        writeln!(out, "{line}").expect("stdout");
        out.flush().expect("stdout");
    };
    let t = Instant::now();
    let mut q = None;
    if with_quamina {
        say("compiling");
        let mut built = quamina::Quamina::<usize>::new();
        let all_added = patterns
            .iter()
            .enumerate()
            .all(|(i, p)| built.add_pattern(i, p).is_ok() && t.elapsed() <= COMPILE_LIMIT);
        q = all_added.then_some(built);
    }
    let compile = t.elapsed();
    let matches = |e: &str| {
        q.as_ref().map_or(0, |q| {
            q.matches_for_event(e.as_bytes())
                .map(|v| v.len())
                .unwrap_or(0)
        })
    };
    // A first pass, to compare answers (and, if it panics, to die before any turn).
    let (state, matched) = match &q {
        Some(_) => {
            say("checking");
            ("ok", events.iter().map(|e| matches(e)).sum::<usize>())
        }
        None if with_quamina => ("rejected-or-over-limit", 0),
        None => ("not-run", 0),
    };
    say(&format!(
        "ready {state} {} {matched}",
        compile.as_secs_f64()
    ));
    let mut serde = |e: &str| {
        serde_json::from_str::<serde::de::IgnoredAny>(e)
            .map(|_| 1)
            .unwrap_or(0)
    };
    let mut quamina = matches;
    for line in std::io::stdin().lock().lines() {
        let rate = match line.as_deref() {
            Ok("serde") => turn(&events, &mut serde),
            Ok("quamina") if state == "ok" => turn(&events, &mut quamina),
            _ => break,
        };
        say(&rate.to_string());
    }
}
