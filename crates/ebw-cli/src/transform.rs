//! `transform`: what each target receives.

use event_pattern::Json;
use input_transformer::{render, DeliveryContext, Outcome, TargetSpec};
use serde_json::{json, Value};

use crate::args::{Args, CliError};

fn outcome_json(spec: &TargetSpec, event: &str, ctx: &DeliveryContext) -> Value {
    match spec.validate() {
        Err(e) => json!({"error": {"code": e.code, "message": e.message}}),
        Ok(input) => match render(&input, event, ctx) {
            Outcome::Delivered { payload, .. } => json!({"output": payload}),
            Outcome::Dropped { reason, .. } => json!({"dropped": reason}),
        },
    }
}

pub fn transform(argv: &[String]) -> Result<u8, CliError> {
    let args = Args::parse(
        argv,
        &[
            "--target",
            "--event",
            "--rule-name",
            "--rule-arn",
            "--cases",
        ],
        &[],
    )?;
    if let Some(file) = args.get("--cases") {
        return cases(file);
    }
    let targets: Value = serde_json::from_str(&args.text("--target")?)
        .map_err(|e| format!("--target is not JSON: {e}"))?;
    let event_text = args.text("--event")?;
    // Targets receive the event as EventBridge serialises it: compact, keys in order, numbers as
    // written.
    let event = Json::parse(&event_text)
        .map_err(|e| format!("--event is not JSON: {e}"))?
        .to_compact();
    let rule_name = args.get("--rule-name").unwrap_or("my-rule").to_string();
    let ctx = DeliveryContext {
        rule_arn: args
            .get("--rule-arn")
            .map(String::from)
            .unwrap_or_else(|| format!("arn:aws:events:us-west-2:123456789012:rule/{rule_name}")),
        rule_name,
        ingestion_time: "2020-05-24T07:38:02Z".into(),
    };
    let list = match targets {
        Value::Array(a) => a,
        one => vec![one],
    };
    let mut status = 0;
    for t in &list {
        let spec = TargetSpec::from_put_targets_json(t);
        match spec.validate() {
            Err(e) => {
                eprintln!(
                    "An error occurred ({}) when calling the PutTargets operation: {}",
                    e.code, e.message
                );
                status = 254;
            }
            Ok(input) => match render(&input, &event, &ctx) {
                Outcome::Delivered { payload, .. } => println!("{}: {payload}", spec.id),
                Outcome::Dropped { reason, .. } => println!("{}: not delivered: {reason}", spec.id),
            },
        }
    }
    Ok(status)
}

fn cases(file: &str) -> Result<u8, CliError> {
    crate::args::run_jsonl(file, |case| {
        let mut t =
            json!({"Id": case.get("target_id").and_then(|v| v.as_str()).unwrap_or("target")});
        if let Some(p) = case.get("input_path").filter(|v| !v.is_null()) {
            t["InputPath"] = p.clone();
        }
        if let Some(i) = case.get("input").filter(|v| !v.is_null()) {
            t["Input"] = i.clone();
        }
        if let Some(tpl) = case.get("input_template").filter(|v| !v.is_null()) {
            t["InputTransformer"] = json!({"InputPathsMap": case.get("input_paths_map").filter(|v| !v.is_null()).cloned().unwrap_or(json!({})), "InputTemplate": tpl});
        }
        let c = case.get("context").cloned().unwrap_or(Value::Null);
        let s = |k: &str| {
            c.get(k)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_string()
        };
        let ctx = DeliveryContext {
            rule_name: s("rule_name"),
            rule_arn: s("rule_arn"),
            ingestion_time: s("ingestion_time"),
        };
        let event = match case.get("event") {
            Some(Value::String(s)) => s.clone(),
            Some(v) => v.to_string(),
            None => String::new(),
        };
        Ok(outcome_json(
            &TargetSpec::from_put_targets_json(&t),
            &event,
            &ctx,
        ))
    })
}
