//! The `ebw` binary, run as a user runs it.

use std::process::Command;

const EVENT: &str = r#"{"id":"1","account":"123456789012","source":"Order Service","time":"2020-05-24T07:38:02Z","region":"us-west-2","detail-type":"New Order","detail":{"order_id":12345}}"#;

fn ebw(args: &[&str]) -> (i32, String, String) {
    ebw_with_env(args, &[])
}

/// `ebw` with extra environment variables.
fn ebw_with_env(args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_ebw"))
        .args(args)
        .envs(env.iter().copied())
        .output()
        .expect("ebw runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `ebw test-event-pattern` with a pattern and an event (each text, or `file://path`).
fn test_event_pattern(pattern: &str, event: &str) -> (i32, String, String) {
    ebw(&[
        "test-event-pattern",
        "--event-pattern",
        pattern,
        "--event",
        event,
    ])
}

/// A directory of its own for one test's files.
fn test_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("ebw-cli-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `ebw transform` with `targets` (PutTargets JSON) in a file of `dir`, and `event` as given.
fn transform(dir: &std::path::Path, targets: &str, event: &str) -> (i32, String, String) {
    let target = dir.join("target.json");
    std::fs::write(&target, targets).unwrap();
    let target = format!("file://{}", target.display());
    ebw(&["transform", "--target", &target, "--event", event])
}

#[test]
fn prints_the_aws_cli_result() {
    let (code, out, _) = test_event_pattern(r#"{"source":["Order Service"]}"#, EVENT);
    assert_eq!(code, 0);
    assert_eq!(out, "{\n    \"Result\": true\n}\n");
    let (_, out, _) = test_event_pattern(r#"{"source":["Payments"]}"#, EVENT);
    assert_eq!(out, "{\n    \"Result\": false\n}\n");
}

#[test]
fn invalid_pattern_exits_254_with_the_aws_message() {
    let (code, out, err) = test_event_pattern(r#"{"resources": []}"#, EVENT);
    assert_eq!(code, 254);
    assert!(out.is_empty());
    assert!(err.contains("An error occurred (InvalidEventPatternException) when calling the TestEventPattern operation: Event pattern is not valid. Reason: Empty arrays are not allowed\n at [Source: (String)\"{\"resources\": []}\"; line: 1, column: 17]"), "{err}");
    // The AWS CLI's words only, unless an explanation is asked for: then a hint follows.
    assert!(!err.contains("Hint:"), "{err}");
    let (code, _, err) = ebw(&[
        "test-event-pattern",
        "--event-pattern",
        r#"{"resources": [{"prefx": "arn:"}]}"#,
        "--event",
        EVENT,
        "--explain",
    ]);
    assert_eq!(code, 254);
    assert!(err.ends_with("\nHint: did you mean \"prefix\"?\n"), "{err}");
    let (code, _, err) = test_event_pattern(r#"{"a":["b"]}"#, "[]");
    assert_eq!(code, 254);
    assert!(err.contains("(ValidationException) when calling the TestEventPattern operation: Parameter Event is not valid."));
}

#[test]
fn batch_modes() {
    let dir = test_dir("test");
    let cases = dir.join("cases.jsonl");
    let line1 = serde_json::json!({"pattern": r#"{"source":["Order Service"]}"#, "event": EVENT})
        .to_string();
    let line2 = serde_json::json!({"pattern": r#"{"int": 42}"#, "event": EVENT}).to_string();
    std::fs::write(&cases, format!("{line1}\n{line2}\n")).unwrap();
    let (code, out, _) = ebw(&["test-event-pattern", "--cases", cases.to_str().unwrap()]);
    assert_eq!(code, 0);
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines[0], serde_json::json!({"result": true}));
    assert_eq!(lines[1]["error"]["code"], "InvalidEventPatternException");
    // A line that is not a case stops the batch after the answers before it, naming the line.
    std::fs::write(&cases, format!("{line1}\nnot json\n{line2}\n")).unwrap();
    let (code, out, err) = ebw(&["test-event-pattern", "--cases", cases.to_str().unwrap()]);
    assert_ne!(code, 0);
    assert_eq!(out, "{\"result\":true}\n");
    assert!(err.contains("cases line 2: not a JSON case"), "{err}");

    let rules = dir.join("rules.jsonl");
    // A name with a quote, a backslash and a non-ASCII letter comes out as a JSON string.
    std::fs::write(&rules, "{\"name\":\"orders\",\"pattern\":{\"source\":[\"Order Service\"]}}\n{\"name\":\"none\",\"pattern\":\"{\\\"source\\\":[\\\"x\\\"]}\"}\n{\"name\":\"q\\\"uote\\\\\u{e9}\",\"pattern\":{\"source\":[\"Order Service\"]}}\n").unwrap();
    let events = dir.join("events.jsonl");
    std::fs::write(&events, format!("{EVENT}\n{{\"source\":\"x\"}}\n")).unwrap();
    let run_match = || {
        ebw(&[
            "match",
            "--patterns",
            rules.to_str().unwrap(),
            "--events",
            events.to_str().unwrap(),
            "--stats",
        ])
    };
    let (code, out, err) = run_match();
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, "[\"orders\",\"q\\\"uote\\\\\u{e9}\"]\n[\"none\"]\n");
    let first: Vec<String> = serde_json::from_str(out.lines().next().unwrap()).unwrap();
    assert_eq!(first, ["orders", "q\"uote\\\u{e9}"]);
    let stats: serde_json::Value = serde_json::from_str(err.trim()).unwrap();
    assert_eq!(stats["patterns"], 3);
    assert_eq!(stats["events"], 2);

    // Events said to be valid JSON: the same answers; a part no rule reads (here a broken
    // array under a key no rule names) is then not checked, where otherwise it stops the run.
    std::fs::write(
        &events,
        format!("{EVENT}\n{{\"zzz\": [1 2 {{]], \"source\":\"x\"}}\n"),
    )
    .unwrap();
    let run_prechecked = |prechecked: bool| {
        let mut argv = vec![
            "match",
            "--patterns",
            rules.to_str().unwrap(),
            "--events",
            events.to_str().unwrap(),
        ];
        if prechecked {
            argv.push("--events-prechecked");
        }
        ebw(&argv)
    };
    let (code, out, err) = run_prechecked(true);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, "[\"orders\",\"q\\\"uote\\\\\u{e9}\"]\n[\"none\"]\n");
    let (code, _, err) = run_prechecked(false);
    assert_ne!(code, 0);
    assert!(err.contains("events line 2"), "{err}");

    // An invalid event line stops the run with its line, the column in it, and the parser's
    // message (Jackson's column: just past an unrecognized token).
    std::fs::write(&events, format!("{EVENT}\n{{\"source\": x}}\n")).unwrap();
    let (code, _, err) = run_match();
    assert_ne!(code, 0);
    assert!(
        err.starts_with("ebw: events line 2, column 13: Unrecognized token 'x'"),
        "{err}"
    );

    // A pattern given as JSON is taken as written: AWS's message quotes its own text.
    std::fs::write(
        &rules,
        "{\"name\": \"big\", \"pattern\": {\"a\": [{\"numeric\": [\">\", 1e400]}]}}\n",
    )
    .unwrap();
    let (code, _, err) = run_match();
    assert_ne!(code, 0);
    assert!(
        err.contains("rules line 1 (rule `big`): Event pattern is not valid. Reason: Cannot compare number : 1e400\n at [Source: (String)\"{\"a\": [{\"numeric\": [\">\", 1e400]}]}\"; line: 1, column: 32]"),
        "{err}"
    );
    std::fs::write(&rules, "{\"name\": \"r\", \"pattern\": tru}\n").unwrap();
    let (_, _, err) = run_match();
    assert!(
        err.contains("rules line 1: Unrecognized token 'tru'"),
        "{err}"
    );
}

/// The event reaches the targets as EventBridge serialises it: compact, with its numbers as
/// written (no round trip through doubles).
#[test]
fn transform_keeps_the_events_numbers_as_written() {
    let dir = test_dir("lexemes");
    let targets = r#"[{"Id":"path","Arn":"arn","InputPath":"$.detail"}, {"Id":"all","Arn":"arn"}]"#;
    let event =
        r#"{"source": "s", "detail": {"price": 1.50, "e": 1e2, "big": 12345678901234567890123}}"#;
    let (code, out, err) = transform(&dir, targets, event);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out.lines().collect::<Vec<_>>(),
        [
            r#"path: {"price":1.50,"e":1e2,"big":12345678901234567890123}"#,
            r#"all: {"source":"s","detail":{"price":1.50,"e":1e2,"big":12345678901234567890123}}"#
        ]
    );
    let (_, _, err) = transform(&dir, targets, "{\"a\": tru}");
    assert!(
        err.contains("--event is not JSON: Unrecognized token 'tru'")
            && err.contains("at line 1, column"),
        "{err}"
    );
}

#[test]
fn transform_prints_each_targets_payload_or_why_not() {
    let dir = test_dir("transform");
    let targets = r#"[{"Id":"ok","Arn":"arn","InputTransformer":{"InputPathsMap":{"id":"$.detail.order_id"},"InputTemplate":"{\"id\": <id>}"}},
            {"Id":"dropped","Arn":"arn","InputTransformer":{"InputPathsMap":{"d":"$.detail"},"InputTemplate":"{\"d\": \"<d>\"}"}}]"#;
    let event = dir.join("event.json");
    std::fs::write(&event, EVENT).unwrap();
    let (code, out, _) = transform(&dir, targets, &format!("file://{}", event.display()));
    assert_eq!(code, 0);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], r#"ok: {"id": 12345}"#);
    assert!(
        lines[1].starts_with("dropped: not delivered: the rendered input is not valid JSON"),
        "{}",
        lines[1]
    );

    let cases = dir.join("cases.jsonl");
    let case = serde_json::json!({"input_paths_map": {"a": "$.detail.order_id"}, "input_template": "\"<a> <b>\"", "event": serde_json::from_str::<serde_json::Value>(EVENT).unwrap()});
    std::fs::write(&cases, format!("{case}\n")).unwrap();
    let (_, out, _) = ebw(&["transform", "--cases", cases.to_str().unwrap()]);
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(
        v["error"]["message"],
        "InputTemplate for target target contains invalid placeholder b."
    );
}

#[test]
fn render_vtl_renders_and_reports_errors_with_positions() {
    let (code, out, _) = ebw(&[
        "render-vtl",
        "--template",
        "$input.json('$.type')",
        "--body",
        r#"{"type":"x"}"#,
    ]);
    assert_eq!((code, out.as_str()), (0, "\"x\""));
    let (code, _, err) = ebw(&["render-vtl", "--template", "a\n#if(", "--body", "{}"]);
    assert_eq!(code, 1);
    assert!(err.contains("line 2, column"), "{err}");
}

#[test]
fn replay_is_deterministic_and_logs_insights_queries_it() {
    let (code, a, _) = ebw(&["replay"]);
    assert_eq!(code, 0);
    let (_, b, _) = ebw(&["replay"]);
    assert_eq!(a, b, "byte-identical replays");
    let doc: serde_json::Value = serde_json::from_str(&a).unwrap();
    assert!(doc["log_groups"]["/aws/events/orders-catchall"]
        .as_array()
        .is_some_and(|e| e.len() == 1));
    assert_eq!(doc["schemas"][0]["name"], "Order-Service@NewOrder");
    let (code, out, err) = ebw(&[
        "logs", "insights", "--log-group", "/aws/events/buildkite-catchall",
        "--query", "fields `detail-type` | filter `detail-type` like \"Build\" | sort @timestamp asc | limit 2",
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out,
        "{\"detail-type\":\"Build Created\"}\n{\"detail-type\":\"Build Started\"}\n"
    );
    let (_, out, _) = ebw(&["replay", "--sample", "new-order"]);
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["deliveries"].as_array().unwrap().len(), 2);
    // Schema discovery's rule took the same event too: a new schema, version 1.
    let delivered: serde_json::Value = doc["deliveries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "orders-catchall")
        .and_then(|d| serde_json::from_str(d["payload"].as_str()?).ok())
        .unwrap();
    assert_eq!(
        doc["discoveries"],
        serde_json::json!([{"bus": "orders", "rule": "Schemas-events-event-bus-orders",
            "event_id": delivered["id"], "schema": "Order-Service@NewOrder",
            "version": "1", "change": "NewSchema"}])
    );
}

#[test]
fn each_command_explains_itself_on_help_and_on_a_mistake() {
    // `--help` (or `-h`) anywhere after a command: that command's usage on stdout, exit 0.
    for (args, first) in [
        (
            &["test-event-pattern", "--help"][..],
            "  ebw test-event-pattern --event-pattern",
        ),
        (&["match", "-h"], "  ebw match --patterns"),
        (
            &["transform", "--event", "x", "--help"],
            "  ebw transform --target",
        ),
        (&["logs", "--help"], "  ebw logs insights --log-group"),
    ] {
        let (code, out, err) = ebw(args);
        assert_eq!((code, err.as_str()), (0, ""), "{args:?}");
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.first(), Some(&"usage:"), "{args:?}");
        assert!(lines.get(1).is_some_and(|l| l.starts_with(first)), "{out}");
        let command = format!("  ebw {} ", args[0]);
        assert!(lines[1..].iter().all(|l| l.starts_with(&command)), "{out}");
    }
    // A mistake in the command line: the message, then how the command is written; exit 2.
    let (code, out, err) = ebw(&["transform", "--bogus"]);
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(
        err.starts_with("ebw: unexpected argument `--bogus`\nusage:\n  ebw transform --target"),
        "{err}"
    );
    let (code, _, err) = ebw(&["test-event-pattern", "--event", "{}"]);
    assert_eq!(code, 2);
    assert!(
        err.starts_with("ebw: --event-pattern is required\nusage:\n  ebw test-event-pattern"),
        "{err}"
    );
    // Other failures are not about the command line: no usage after them.
    let (code, _, err) = ebw(&["test-event-pattern", "--cases", "/nonexistent/cases.jsonl"]);
    assert_eq!(code, 2);
    assert!(err.starts_with("ebw: cannot read"), "{err}");
    assert!(!err.contains("usage:"), "{err}");
}

#[test]
fn file_parameters_load_as_the_aws_cli_loads_them() {
    let dir = test_dir("paramfile");
    let d = dir.to_str().unwrap();
    let event = r#"{"id": "1", "account": "1", "source": "s", "time": "t", "region": "r", "detail-type": "d"}"#;
    std::fs::write(dir.join("p.json"), r#"{"source": ["s"]}"#).unwrap();

    // A file that is not there, a directory, bytes that are not text: AWS CLI v2's messages
    // (`Error parsing parameter`, Python's OSError text), after an empty line; exit 252.
    let missing = format!("file://{d}/nope.json");
    let (code, out, err) = test_event_pattern(&missing, event);
    assert_eq!((code, out.as_str()), (252, ""));
    assert_eq!(
        err,
        format!("\nError parsing parameter '--event-pattern': Unable to load paramfile {missing}: [Errno 2] No such file or directory: '{d}/nope.json'\n")
    );
    let folder = format!("file://{d}");
    let (code, _, err) = test_event_pattern("{}", &folder);
    assert_eq!(code, 252);
    assert_eq!(
        err,
        format!("\nError parsing parameter '--event': Unable to load paramfile {folder}: [Errno 21] Is a directory: '{d}'\n")
    );
    std::fs::write(dir.join("binary.json"), b"{\"a\": [\"\xff\"]}").unwrap();
    let binary = format!("file://{d}/binary.json");
    let (code, _, err) = ebw(&["transform", "--target", &binary, "--event", event]);
    assert_eq!(code, 252);
    assert_eq!(
        err,
        format!("\nError parsing parameter '--target': Unable to load paramfile ({d}/binary.json), text contents could not be decoded.  If this is a binary file, please use the fileb:// prefix instead of the file:// prefix.\n")
    );

    // `~` and `$VAR` in the path are expanded, as Python's expanduser and expandvars do.
    for (path, env) in [
        ("file://~/p.json", ("HOME", d)),
        ("file://$EBW_PARAM_DIR/p.json", ("EBW_PARAM_DIR", d)),
        ("file://${EBW_PARAM_DIR}/p.json", ("EBW_PARAM_DIR", d)),
    ] {
        let (code, out, err) = ebw_with_env(
            &[
                "test-event-pattern",
                "--event-pattern",
                path,
                "--event",
                event,
            ],
            &[env],
        );
        assert_eq!((code, err.as_str()), (0, ""), "{path}");
        assert!(out.contains("\"Result\": true"), "{path}: {out}");
    }
    // A variable that is not set, or a name no variable can have, stays as written, and the
    // message names it so.
    for path in [
        "$EBW_NOT_SET_ANYWHERE/p.json",
        "${A=B}/p.json",
        "${}/p.json",
        "${unclosed/p.json",
        "$/p.json",
    ] {
        let value = format!("file://{path}");
        let (code, _, err) = test_event_pattern(&value, event);
        assert_eq!(code, 252, "{path}");
        let tail = format!(": [Errno 2] No such file or directory: '{path}'\n");
        assert!(err.ends_with(&tail), "{err}");
    }

    // Line ends are read in Python's text mode: a pattern written with CRLF is the pattern
    // written with LF, down to the source AWS quotes in its message.
    let broken = "{\n  \"source\": [1,]\n}";
    std::fs::write(dir.join("crlf.json"), broken.replace('\n', "\r\n")).unwrap();
    let crlf = format!("file://{d}/crlf.json");
    let from_file = test_event_pattern(&crlf, event);
    let inline = test_event_pattern(broken, event);
    assert_eq!(from_file.0, 254, "{}", from_file.2);
    assert_eq!(from_file, inline);
}
