//! `replay` and `logs insights`: the whole workshop, deterministically.

use eventbridge_sim::insights::Query;
use serde_json::{json, Value};
use workshop::state::{CustomEvent, WorkshopState};
use workshop::{replay as run_replay, Replay};

use crate::args::{param_value, Args, CliError};

fn load_state(args: &Args) -> Result<WorkshopState, CliError> {
    match args.get("--state") {
        None => Ok(WorkshopState::default()),
        Some(_) => WorkshopState::from_compact_json(&args.text("--state")?).map_err(|e| e.0.into()),
    }
}

/// Parses the repeated `--sample` flags (Args keeps the last one, so scan argv).
fn samples(argv: &[String]) -> Vec<String> {
    argv.windows(2)
        .filter(|w| w[0] == "--sample")
        .map(|w| w[1].clone())
        .collect()
}

fn strip_repeated(argv: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < argv.len() {
        if argv[i] == "--sample" {
            i += 2;
        } else {
            out.push(argv[i].clone());
            i += 1;
        }
    }
    out
}

fn run(argv: &[String]) -> Result<(Args, Replay), CliError> {
    let rest = strip_repeated(argv);
    let args = Args::parse(
        &rest,
        &["--state", "--event", "--bus", "--log-group", "--query"],
        &["--list-samples"],
    )?;
    let mut state = load_state(&args)?;
    let mut names = samples(argv);
    if args.get("--event").is_some() {
        let bus = args.get("--bus").ok_or("--event needs --bus")?.to_string();
        state.custom = CustomEvent {
            bus,
            event: args.text("--event")?,
        };
        names.push("custom".into());
    }
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    Ok((args, run_replay(&state, &refs)))
}

pub fn replay(argv: &[String]) -> Result<u8, CliError> {
    if argv.iter().any(|a| a == "--list-samples") {
        for s in workshop::samples::SAMPLES {
            println!("{:<18} {}", s.name, s.label);
        }
        return Ok(0);
    }
    let (_, r) = run(argv)?;
    let log_groups: serde_json::Map<String, Value> = r
        .log_groups
        .iter()
        .map(|(name, g)| {
            let events: Vec<Value> = g
                .streams
                .iter()
                .flat_map(|(s, evs)| evs.iter().map(move |e| json!({"stream": s, "timestamp": e.timestamp, "message": e.message})))
                .collect();
            (name.clone(), Value::Array(events))
        })
        .collect();
    let doc = json!({
        "deliveries": r.deliveries.iter().map(|d| json!({"bus": d.bus, "rule": d.rule, "target": d.target, "payload": d.payload})).collect::<Vec<_>>(),
        "dropped": r.dropped,
        "discoveries": r.discoveries,
        "api_gateway": r.api_gateway,
        "producers": r.producers,
        "log_groups": log_groups,
        "schemas": r.schemas,
        "errors": r.errors,
    });
    println!(
        "{}",
        serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())?
    );
    Ok(if r.errors.is_empty() { 0 } else { 1 })
}

pub fn logs(argv: &[String]) -> Result<u8, CliError> {
    let Some((sub, rest)) = argv.split_first() else {
        return Err(
            "usage: ebw logs insights --log-group NAME --query '...' [--state F] [--sample S ...]"
                .into(),
        );
    };
    if sub != "insights" {
        return Err(format!("unknown logs command `{sub}`").into());
    }
    let (args, r) = run(rest)?;
    let group_name = args.required("--log-group")?;
    let query_text = param_value("--query", args.required("--query")?)?;
    let query = Query::parse(&query_text)
        .map_err(|e| format!("query error at character {}: {}", e.offset + 1, e.message))?;
    let Some((_, group)) = r.log_groups.iter().find(|(n, _)| n == group_name) else {
        let names: Vec<&str> = r.log_groups.iter().map(|(n, _)| n.as_str()).collect();
        return Err(format!(
            "no log group {group_name} after this replay; there are: {}",
            names.join(", ")
        )
        .into());
    };
    for row in query.run(group) {
        let obj: serde_json::Map<String, Value> = row
            .into_iter()
            .map(|(k, v)| (k, Value::String(v)))
            .collect();
        println!("{}", Value::Object(obj));
    }
    Ok(0)
}
