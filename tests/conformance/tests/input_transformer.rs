//! `../shared/conformance/input_transformer.json`: what a target receives, against real AWS.

use conformance::{load_cases, str_field};
use input_transformer::{render, DeliveryContext, InputTransformerSpec, Outcome, TargetSpec};
use serde_json::Value;

const TARGET_ID: &str = "target-under-test";

fn spec_of(case: &Value) -> TargetSpec {
    let paths_map = case
        .get("input_paths_map")
        .and_then(|m| m.as_object())
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string()))
                .collect()
        })
        .unwrap_or_default();
    let template = case.get("input_template").and_then(|t| t.as_str());
    TargetSpec {
        id: TARGET_ID.into(),
        input: case.get("input").and_then(|t| t.as_str()).map(String::from),
        input_path: case
            .get("input_path")
            .and_then(|t| t.as_str())
            .map(String::from),
        input_transformer: template.map(|t| InputTransformerSpec {
            paths_map,
            template: t.to_string(),
        }),
    }
}

/// Removes the paths the recording masked (e.g. `originalEvent.time`) from both sides.
fn unmask(v: &mut Value, masked: &[String]) {
    for path in masked {
        let mut parts: Vec<&str> = path.split('.').collect();
        let Some(last) = parts.pop() else { continue };
        let pointer = format!("/{}", parts.join("/"));
        let target = if parts.is_empty() {
            Some(&mut *v)
        } else {
            v.pointer_mut(&pointer)
        };
        if let Some(o) = target.and_then(|t| t.as_object_mut()) {
            o.remove(last);
        }
    }
}

#[test]
fn every_recorded_transformer_case_matches_aws() {
    let cases = load_cases("input_transformer.json");
    let mut failures = Vec::new();
    let mut ok = 0;
    for case in &cases {
        let name = str_field(case, "name");
        let ctx_v = case.get("context").cloned().unwrap_or(Value::Null);
        let ctx = DeliveryContext {
            rule_name: str_field(&ctx_v, "rule_name").to_string(),
            rule_arn: str_field(&ctx_v, "rule_arn").to_string(),
            ingestion_time: str_field(&ctx_v, "ingestion_time").to_string(),
        };
        // The event as EventBridge serialises it: compact, in the recorded key order.
        let event_text = serde_json::to_string(&case["event"]).unwrap();
        let spec = spec_of(case);
        let validated = spec.validate();
        if let Some(err) = case.get("expected_error").filter(|e| !e.is_null()) {
            let want = str_field(err, "message").replace("<target-id>", TARGET_ID);
            match validated {
                Err(e) if e.message == want && e.code == str_field(err, "code") => ok += 1,
                other => failures.push(format!("{name}: want error {want:?}, have {other:?}")),
            }
            continue;
        }
        let input = match validated {
            Ok(i) => i,
            Err(e) => {
                failures.push(format!("{name}: unexpected error {e:?}"));
                continue;
            }
        };
        let outcome = render(&input, &event_text, &ctx);
        let delivered = case
            .get("expected_delivery")
            .and_then(|d| d.as_bool())
            .unwrap_or(true);
        match (delivered, &outcome) {
            (false, Outcome::Dropped { .. }) => ok += 1,
            (false, Outcome::Delivered { payload, .. }) => {
                failures.push(format!("{name}: want a drop, delivered {payload:?}"))
            }
            (true, Outcome::Dropped { reason, .. }) => {
                failures.push(format!("{name}: want delivery, dropped: {reason}"))
            }
            (true, Outcome::Delivered { payload, .. }) => {
                let parsed = case
                    .get("expected_output_is_parsed_json")
                    .and_then(|b| b.as_bool())
                    .unwrap_or(false);
                if parsed {
                    let masked: Vec<String> = case
                        .get("expected_output_masked_paths")
                        .and_then(|m| m.as_array())
                        .map(|a| {
                            a.iter()
                                .filter_map(|s| s.as_str().map(String::from))
                                .collect()
                        })
                        .unwrap_or_default();
                    let mut want = case["expected_output"].clone();
                    match serde_json::from_str::<Value>(payload) {
                        Ok(mut have) => {
                            unmask(&mut want, &masked);
                            unmask(&mut have, &masked);
                            if have == want {
                                ok += 1;
                            } else {
                                failures.push(format!(
                                    "{name}: parsed output differs\n  want {want}\n  have {have}"
                                ));
                            }
                        }
                        Err(e) => {
                            failures.push(format!("{name}: output is not JSON ({e}): {payload:?}"))
                        }
                    }
                } else {
                    let want = str_field(case, "expected_output");
                    if payload == want {
                        ok += 1;
                    } else {
                        failures.push(format!(
                            "{name}: exact text differs\n  want {want:?}\n  have {payload:?}"
                        ));
                    }
                }
            }
        }
    }
    println!(
        "input_transformer.json: {ok}/{} cases identical",
        cases.len()
    );
    conformance::assert_all_pass(&failures);
}

/// The workshop's own target renders exactly as the reference sample shows.
#[test]
fn workshop_forecast_target_renders_the_reference_sample() {
    let dir = conformance::shared_dir().join("reference/samples");
    let targets: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("orders-forecast-target.json")).unwrap(),
    )
    .unwrap();
    let event =
        std::fs::read_to_string(dir.join("eventbridge-orders-event.new-order.json")).unwrap();
    let event_compact =
        serde_json::to_string(&serde_json::from_str::<Value>(&event).unwrap()).unwrap();
    let want = std::fs::read_to_string(dir.join("orders-forecast-transformed-input.json")).unwrap();
    let spec = TargetSpec::from_put_targets_json(&targets[0]);
    assert!(
        spec.input_transformer.is_some(),
        "the sample target has an InputTransformer"
    );
    let out = render(
        &spec.validate().unwrap(),
        &event_compact,
        &DeliveryContext::default(),
    );
    assert_eq!(out.payload(), Some(want.trim_end()));
}
