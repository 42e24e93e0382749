//! `ebw`: the EventBridge Workshop engines on the command line.
//!
//! ```text
//! ebw test-event-pattern --event-pattern <json | file://path> --event <json | file://path> [--explain]
//! ebw test-event-pattern --cases FILE.jsonl
//! ebw match --patterns RULES.jsonl --events EVENTS.jsonl [--stats]
//! ```

use std::io::Write;
use std::process::ExitCode;

mod args;
mod patterns;

fn usage() -> &'static str {
    "usage:
  ebw test-event-pattern --event-pattern <json | file://path> --event <json | file://path> [--explain]
  ebw test-event-pattern --cases FILE.jsonl
  ebw match --patterns RULES.jsonl --events EVENTS.jsonl [--stats]"
}

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let Some((command, rest)) = argv.split_first() else {
        eprintln!("{}", usage());
        return ExitCode::from(2);
    };
    let result = match command.as_str() {
        "test-event-pattern" => patterns::test_event_pattern(rest),
        "match" => patterns::match_command(rest),
        "help" | "--help" | "-h" => {
            println!("{}", usage());
            Ok(0)
        }
        other => Err(format!("unknown command `{other}`\n{}", usage())),
    };
    let _ = std::io::stdout().flush();
    match result {
        Ok(code) => ExitCode::from(code),
        Err(message) => {
            eprintln!("ebw: {message}");
            ExitCode::from(2)
        }
    }
}
