//! `../shared/conformance/vtl.json`: API Gateway mapping templates, against real AWS.
//!
//! Cases recorded on AWS must all pass. Cases from an emulator's unit tests are followed too,
//! except `unit_escapeJavaScript_01`: it expects `it's`, but AWS escapes `'` to `\'` (the reason
//! the workshop's apostrophe webhook is lost), so we assert AWS's behaviour instead.

use apigw_vtl::cases::{run_case, CaseOutcome};
use apigw_vtl::Request;
use conformance::{load_cases, str_field};
use serde_json::Value as J;

/// Emulator cases that contradict AWS, with what AWS does instead.
const CONTRADICTS_AWS: &[(&str, &str)] = &[("unit_escapeJavaScript_01", "it\\'s")];

/// PutEvents as EventBridge answers it: a simulated account (ids from a fixed seed).
fn put_events(body: &str) -> (u16, String) {
    let mut world = eventbridge_sim::World::new(eventbridge_sim::Account::workshop(), 1);
    let out = world.put_events(None, body, 0);
    (out.status, out.body)
}

fn run(case: &J) -> Result<CaseOutcome, String> {
    let mut world = eventbridge_sim::World::new(eventbridge_sim::Account::workshop(), 1);
    let mut backend = eventbridge_sim::PutEventsBackend {
        world: &mut world,
        role: None,
        time: 0,
    };
    run_case(case, &mut backend).map_err(|e| e.to_string())
}

/// Replaces `"<uuid:N>"`-style placeholders in the expected JSON by what we produced there.
fn same_json(want: &J, have: &J) -> bool {
    match (want, have) {
        (J::String(w), J::String(_)) if w.starts_with("<uuid:") => true,
        (J::Object(w), J::Object(h)) => {
            w.len() == h.len()
                && w.iter()
                    .all(|(k, v)| h.get(k).is_some_and(|hv| same_json(v, hv)))
        }
        (J::Array(w), J::Array(h)) => {
            w.len() == h.len() && w.iter().zip(h).all(|(a, b)| same_json(a, b))
        }
        _ => want == have,
    }
}

#[test]
fn every_recorded_vtl_case_matches_aws() {
    let cases = load_cases("vtl.json");
    let mut failures = Vec::new();
    let (mut aws_ok, mut aws_total, mut unit_ok, mut unit_total) = (0, 0, 0, 0);
    for case in &cases {
        let name = str_field(case, "name");
        let validated = case
            .get("aws_validated")
            .and_then(|v| v.as_bool())
            .unwrap_or(false);
        if validated {
            aws_total += 1;
        } else {
            unit_total += 1;
        }
        let outcome = match run(case) {
            Ok(o) => o,
            Err(e) => {
                failures.push(format!("{name}: error {e}"));
                continue;
            }
        };
        let mut ok = true;
        let contradiction = CONTRADICTS_AWS
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, aws)| *aws);
        if let Some(want) =
            contradiction.or_else(|| case.get("expected_output").and_then(|o| o.as_str()))
        {
            if outcome.output != want {
                failures.push(format!(
                    "{name}: output\n  want {want:?}\n  have {:?}",
                    outcome.output
                ));
                ok = false;
            }
        }
        if let Some(want) = case.get("expected_json").filter(|j| !j.is_null()) {
            match serde_json::from_str::<J>(&outcome.output) {
                Ok(have) if same_json(want, &have) => {}
                other => {
                    failures.push(format!(
                        "{name}: json\n  want {want}\n  have {other:?} from {:?}",
                        outcome.output
                    ));
                    ok = false;
                }
            }
        }
        if let Some(want) = case.get("expected_status").and_then(|s| s.as_u64()) {
            if u64::from(outcome.status) != want {
                failures.push(format!("{name}: status {} != {want}", outcome.status));
                ok = false;
            }
        }
        if let Some(want) = case.get("expected_headers").and_then(|h| h.as_object()) {
            for (k, v) in want {
                if !outcome
                    .headers
                    .iter()
                    .any(|(hk, hv)| hk == k && Some(hv.as_str()) == v.as_str())
                {
                    failures.push(format!(
                        "{name}: header {k} missing from {:?}",
                        outcome.headers
                    ));
                    ok = false;
                }
            }
        }
        if ok {
            if validated {
                aws_ok += 1;
            } else {
                unit_ok += 1;
            }
        }
    }
    println!(
        "vtl.json: {aws_ok}/{aws_total} AWS-validated cases, {unit_ok}/{unit_total} emulator cases ({} checked against AWS's behaviour instead)",
        CONTRADICTS_AWS.len()
    );
    conformance::assert_all_pass(&failures);
}

/// The workshop template renders both Stripe samples exactly as the reference shows.
#[test]
fn workshop_template_renders_the_reference_requests() {
    let dir = conformance::shared_dir().join("reference/samples");
    let read = |f: &str| std::fs::read_to_string(dir.join(f)).unwrap();
    let template = read("apigw-mapping-template.vtl");
    for (body, want) in [
        (
            "stripe-payment_intent.created.json",
            "apigw-rendered-putevents-request.payment_intent.created.json",
        ),
        (
            "stripe-payment_intent.created.apostrophe.json",
            "apigw-rendered-putevents-request.apostrophe-INVALID.txt",
        ),
    ] {
        let out = apigw_vtl::render_template(
            &template,
            &Request {
                body: read(body),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(out, read(want), "{body}");
    }
    // The apostrophe request is lost at PutEvents: not valid JSON.
    let lost = put_events(&read(
        "apigw-rendered-putevents-request.apostrophe-INVALID.txt",
    ));
    assert_eq!(
        lost,
        (
            400,
            eventbridge_sim::putevents::SERIALIZATION_EXCEPTION_BODY.to_string()
        )
    );
}
