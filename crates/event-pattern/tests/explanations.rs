//! What the explanation says, as data (`explanations.json` beside this file): for each pattern
//! and event that do not match, a text the verdict's summary must hold (`says`) or must not
//! (`does_not_say`). The summary is what the CLI's `--explain` and the workshop's rule card
//! show first.

use event_pattern::{explain, EventPattern, Json};

// In the browser (wasm32), the same tests run under wasm-bindgen-test, in Chromium.
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

#[test]
fn table_of_explanations() {
    let cases: Vec<serde_json::Value> =
        serde_json::from_str(include_str!("explanations.json")).unwrap();
    let mut failures = Vec::new();
    for c in &cases {
        let name = c["name"].as_str().unwrap();
        let pattern = EventPattern::parse(c["pattern"].as_str().unwrap()).unwrap();
        let event = Json::parse(c["event"].as_str().unwrap()).unwrap();
        let verdict = explain(&pattern, &event);
        if verdict.matched() {
            failures.push(format!("{name}: matched"));
            continue;
        }
        let summary = &verdict.summary;
        if let Some(want) = c.get("says").and_then(|s| s.as_str()) {
            if !summary.contains(want) {
                failures.push(format!("{name}: want {want:?} in {summary:?}"));
            }
        }
        if let Some(unwanted) = c.get("does_not_say").and_then(|s| s.as_str()) {
            if summary.contains(unwanted) {
                failures.push(format!("{name}: {unwanted:?} should not be in {summary:?}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(cases.len() >= 40);
}
