//! The engines as a JavaScript API: plain JS objects in and out, for JS test suites and Web
//! Workers. Every function answers with a value; errors are `{error: {...}}`, never exceptions.

use serde::Serialize;
use serde_json::json;
use wasm_bindgen::prelude::*;

fn to_js<T: Serialize>(v: &T) -> JsValue {
    serde_wasm_bindgen::to_value(v).unwrap_or(JsValue::NULL)
}

/// `testEventPattern(pattern, event)` → `{result: bool}` or `{error: {code, message, hint}}`
/// (`hint`: what to do about it, in our words, or `null`).
#[wasm_bindgen(js_name = testEventPattern)]
pub fn test_event_pattern(pattern: &str, event: &str) -> JsValue {
    match event_pattern::test_event_pattern(pattern, event) {
        Ok(r) => to_js(&json!({"result": r})),
        Err(e) => to_js(
            &json!({"error": {"code": e.code().as_str(), "message": e.message(), "hint": e.hint()}}),
        ),
    }
}

/// `explain(pattern, event)` → the verdict tree, or `{error}`.
#[wasm_bindgen]
pub fn explain(pattern: &str, event: &str) -> JsValue {
    let p = match event_pattern::EventPattern::parse(pattern) {
        Ok(p) => p,
        Err(e) => {
            return to_js(
                &json!({"error": {"code": e.code().as_str(), "message": e.message(), "hint": e.hint()}}),
            )
        }
    };
    match event_pattern::Json::parse(event) {
        Ok(e) => {
            let v = event_pattern::explain(&p, &e);
            to_js(&json!({"matched": v.matched(), "verdict": v}))
        }
        Err(e) => to_js(&json!({"error": {"code": "ValidationException", "message": e.message}})),
    }
}

/// `transform(target, event, ruleName, ruleArn)`: `target` in the PutTargets JSON form.
#[wasm_bindgen]
pub fn transform(target: JsValue, event: &str, rule_name: &str, rule_arn: &str) -> JsValue {
    let t: serde_json::Value = match serde_wasm_bindgen::from_value(target) {
        Ok(v) => v,
        Err(e) => {
            return to_js(&json!({"error": {"code": "InvalidArgument", "message": e.to_string()}}))
        }
    };
    let spec = input_transformer::TargetSpec::from_put_targets_json(&t);
    match spec.validate() {
        Err(e) => to_js(&json!({"error": {"code": e.code, "message": e.message}})),
        Ok(input) => {
            let ctx = input_transformer::DeliveryContext {
                rule_name: rule_name.into(),
                rule_arn: rule_arn.into(),
                ingestion_time: String::new(),
            };
            to_js(&input_transformer::render(&input, event, &ctx))
        }
    }
}

/// `renderVtl(template, body)` → `{output}` or `{error: {message, line, column}}`.
#[wasm_bindgen(js_name = renderVtl)]
pub fn render_vtl(template: &str, body: &str) -> JsValue {
    let req = apigw_vtl::Request {
        body: body.into(),
        ..Default::default()
    };
    match apigw_vtl::render_template(template, &req) {
        Ok(o) => to_js(&json!({"output": o})),
        Err(e) => {
            to_js(&json!({"error": {"message": e.message, "line": e.line, "column": e.column}}))
        }
    }
}

/// `replay(stateJson, samples)`: the compact state JSON (or "" for the workshop's defaults) and
/// an array of sample names (empty: all).
#[wasm_bindgen]
pub fn replay(state_json: &str, samples: JsValue) -> JsValue {
    let state = if state_json.trim().is_empty() {
        workshop::WorkshopState::default()
    } else {
        match workshop::WorkshopState::from_compact_json(state_json) {
            Ok(s) => s,
            Err(e) => return to_js(&json!({"error": {"message": e.0}})),
        }
    };
    let names: Vec<String> = serde_wasm_bindgen::from_value(samples).unwrap_or_default();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    to_js(&workshop::replay(&state, &refs))
}

/// Simulates an internal failure, to check that the page shows its recovery banner and keeps the
/// saved work (used by the end-to-end tests; harmless otherwise).
#[wasm_bindgen(js_name = selfTestPanic)]
pub fn self_test_panic() {
    panic!("self-test: a simulated internal failure");
}
