//! `test-event-pattern` and `match`.

use std::io::Write;
use std::time::Instant;

use event_pattern::{
    explain, parse_test_event, test_event_pattern as aws_test, EventPattern, Json,
};
use serde_json::{json, Value};

use crate::args::{read_value, Args, CliError};

/// The exit code of the AWS CLI for a service error.
const AWS_CLI_ERROR: u8 = 254;

pub fn test_event_pattern(argv: &[String]) -> Result<u8, CliError> {
    let args = Args::parse(
        argv,
        &["--event-pattern", "--event", "--cases"],
        &["--explain"],
    )?;
    if let Some(cases) = args.get("--cases") {
        return run_cases(cases);
    }
    let pattern = args.text("--event-pattern")?;
    let event = args.text("--event")?;
    match aws_test(&pattern, &event) {
        Ok(result) => {
            println!("{{\n    \"Result\": {result}\n}}");
            if args.has("--explain") {
                if let (Ok(p), Ok(e)) = (EventPattern::parse(&pattern), parse_test_event(&event)) {
                    print_explanation(&p, &e);
                }
            }
            Ok(0)
        }
        Err(e) => {
            eprintln!(
                "\nAn error occurred ({}) when calling the TestEventPattern operation: {}",
                e.code().as_str(),
                e.message()
            );
            // Our own words only when asked for an explanation: the rest is the AWS CLI's.
            if let (true, Some(hint)) = (args.has("--explain"), e.hint()) {
                eprintln!("\nHint: {hint}");
            }
            Ok(AWS_CLI_ERROR)
        }
    }
}

fn print_explanation(p: &EventPattern, e: &Json) {
    let v = explain(p, e);
    println!("\n{}", v.summary);
    let many = v.branches.len() > 1;
    for (i, b) in v.branches.iter().enumerate() {
        if many {
            println!(
                "$or branch {} of {}: {}",
                i + 1,
                v.branches.len(),
                if b.matched {
                    "✔ matched"
                } else {
                    "✘ not matched"
                }
            );
        }
        for leaf in &b.leaves {
            let mark = if leaf.passed { "✔" } else { "✘" };
            let ms: Vec<&str> = leaf.matchers.iter().map(|(m, _)| m.as_str()).collect();
            println!(
                "  {mark} {}  [{}]  {}",
                leaf.path,
                ms.join(", "),
                leaf.reason
            );
        }
        if let Some(n) = &b.note {
            println!("  ✘ {n}");
        }
    }
}

fn run_cases(file: &str) -> Result<u8, CliError> {
    crate::args::run_jsonl(file, |case| {
        let text_of = |k: &str| -> Result<String, String> {
            match case.get(k) {
                Some(Value::String(s)) => Ok(s.clone()),
                Some(v) => Ok(v.to_string()),
                None => Err(format!("missing `{k}`")),
            }
        };
        Ok(match aws_test(&text_of("pattern")?, &text_of("event")?) {
            Ok(r) => json!({ "result": r }),
            Err(e) => json!({ "error": { "code": e.code().as_str(), "message": e.message() } }),
        })
    })
}

pub fn match_command(argv: &[String]) -> Result<u8, CliError> {
    let args = Args::parse(
        argv,
        &["--patterns", "--events"],
        &["--stats", "--events-prechecked"],
    )?;
    let rules_text = read_value(&with_file(args.required("--patterns")?))?;
    let events_path = with_file(args.required("--events")?);
    let compile_start = Instant::now();
    let mut rules = Vec::new();
    for (n, line) in rules_text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let v = Json::parse(line).map_err(|e| format!("rules line {}: {e}", n + 1))?;
        let name = v
            .get("name")
            .and_then(Json::as_str)
            .unwrap_or("")
            .to_string();
        // A pattern given as JSON is taken as written: its numbers are not rounded through
        // doubles, and its errors point into its own text.
        let pattern_text = match v.get("pattern") {
            Some(p) => match p.as_str() {
                Some(s) => s.to_string(),
                None => line.get(p.span.start..p.span.end).unwrap_or("").to_string(),
            },
            None => return Err(format!("rules line {}: missing `pattern`", n + 1).into()),
        };
        let p = EventPattern::parse(&pattern_text)
            .map_err(|e| format!("rules line {} (rule `{name}`): {}", n + 1, e.message()))?;
        rules.push((name, p));
    }
    let patterns: Vec<EventPattern> = rules.iter().map(|(_, p)| p.clone()).collect();
    let mut matcher = event_pattern::compiled::CompiledMatcher::new(&patterns);
    // Events known to be valid JSON (recorded from AWS, written by a serializer): the parts no
    // rule mentions are skipped without being checked again.
    matcher.set_text_prechecked(args.has("--events-prechecked"));
    let compile_ms = compile_start.elapsed().as_secs_f64() * 1000.0;
    // Each rule's name as a JSON string, once: a line is then these joined, with no escaping
    // per event.
    let quoted: Vec<String> = rules
        .iter()
        .map(|(name, _)| serde_json::to_string(name).unwrap_or_default())
        .collect();
    let events_text = read_value(&events_path)?;
    let match_start = Instant::now();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut events = 0usize;
    // Reused for every event: the matches, and the output line.
    let mut matched = event_pattern::compiled::MatchSet::default();
    let mut buffer = Vec::new();
    for (n, line) in events_text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        // One scan of the text; only an invalid line is parsed again, for the message.
        matcher
            .matching_text_into(line, &mut matched)
            .map_err(|_| {
                // A line holds one event: its column is what locates the error.
                match Json::parse(line).err() {
                    Some(e) => format!(
                        "events line {}, column {}: {}",
                        n + 1,
                        e.location.column,
                        e.message
                    ),
                    None => format!("events line {}: not valid JSON", n + 1),
                }
            })?;
        events += 1;
        let line = &mut buffer;
        line.clear();
        line.push(b'[');
        for (k, i) in matched.iter().enumerate() {
            if k > 0 {
                line.push(b',');
            }
            line.extend_from_slice(quoted.get(i).map_or(&b"\"\""[..], |q| q.as_bytes()));
        }
        line.extend_from_slice(b"]\n");
        out.write_all(line).map_err(|e| e.to_string())?;
    }
    drop(out);
    let match_ms = match_start.elapsed().as_secs_f64() * 1000.0;
    if args.has("--stats") {
        let eps = if match_ms > 0.0 {
            events as f64 / (match_ms / 1000.0)
        } else {
            0.0
        };
        eprintln!(
            "{}",
            json!({"patterns": rules.len(), "events": events, "compile_ms": compile_ms, "match_ms": match_ms, "events_per_sec": eps})
        );
    }
    Ok(0)
}

fn with_file(p: &str) -> String {
    if p.starts_with("file://") {
        p.to_string()
    } else {
        format!("file://{p}")
    }
}
