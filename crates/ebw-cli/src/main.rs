//! `ebw`: the EventBridge Workshop engines on the command line.
//!
//! ```text
//! ebw test-event-pattern --event-pattern <json | file://path> --event <json | file://path> [--explain]
//! ebw test-event-pattern --cases FILE.jsonl
//! ebw match --patterns RULES.jsonl --events EVENTS.jsonl [--stats] [--events-prechecked]
//! ebw transform --target file://target.json --event file://event.json
//! ebw render-vtl --template file://t.vtl --body file://body.json
//! ```

use std::io::Write;
use std::process::ExitCode;

mod args;

use args::CliError;
mod patterns;
mod replay;
mod transform;
mod vtl;

fn usage() -> &'static str {
    "usage:
  ebw test-event-pattern --event-pattern <json | file://path> --event <json | file://path> [--explain]
  ebw test-event-pattern --cases FILE.jsonl
  ebw match --patterns RULES.jsonl --events EVENTS.jsonl [--stats] [--events-prechecked]
  ebw transform --target file://target.json --event file://event.json [--rule-name N] [--rule-arn A]
  ebw transform --cases FILE.jsonl
  ebw render-vtl --template file://t.vtl --body file://body.json [--params F] [--context F] [--stage-variables F]
  ebw render-vtl --cases FILE.jsonl
  ebw replay [--state file://state.json] [--sample NAME ...] [--event file://e.json --bus NAME]
  ebw replay --list-samples
  ebw logs insights --log-group NAME --query '...' [--state F] [--sample NAME ...]"
}

/// The usage lines of one command (`logs insights` is the command `logs`); empty for an unknown
/// one.
fn usage_of(command: &str) -> String {
    let prefix = format!("ebw {command} ");
    let lines: Vec<&str> = usage()
        .lines()
        .filter(|l| l.trim_start().starts_with(&prefix))
        .collect();
    match lines.is_empty() {
        true => String::new(),
        false => format!("usage:\n{}", lines.join("\n")),
    }
}

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let Some((command, rest)) = argv.split_first() else {
        eprintln!("{}", usage());
        return ExitCode::from(2);
    };
    // `ebw <command> --help`: that command's usage, as a successful answer.
    let own_usage = usage_of(command);
    if !own_usage.is_empty() && rest.iter().any(|a| a == "--help" || a == "-h") {
        println!("{own_usage}");
        return ExitCode::SUCCESS;
    }
    let result = match command.as_str() {
        "test-event-pattern" => patterns::test_event_pattern(rest),
        "match" => patterns::match_command(rest),
        "transform" => transform::transform(rest),
        "render-vtl" => vtl::render_vtl(rest),
        "replay" => replay::replay(rest),
        "logs" => replay::logs(rest),
        "help" | "--help" | "-h" => {
            println!("{}", usage());
            Ok(0)
        }
        other => Err(format!("unknown command `{other}`\n{}", usage()).into()),
    };
    let _ = std::io::stdout().flush();
    match result {
        Ok(code) => ExitCode::from(code),
        Err(CliError::Param(message)) => {
            eprintln!("\n{message}");
            ExitCode::from(252)
        }
        Err(CliError::Usage(message)) => {
            eprintln!("ebw: {message}");
            if !own_usage.is_empty() {
                eprintln!("{own_usage}");
            }
            ExitCode::from(2)
        }
        Err(CliError::Other(message)) => {
            eprintln!("ebw: {message}");
            ExitCode::from(2)
        }
    }
}
