//! Our own cases for what the recorded data lacks (`cases.json` beside this file): nested `$or`,
//! wildcard escapes, Unicode case folding, numeric edge cases, arrays, limits, empty keys. Each
//! verdict is checked with the reference evaluator and with the compiled matcher. Also the
//! verdicts of Event Ruler's own `RulerTest` (`ruler_cases.json`), and the rules its
//! `JsonRuleCompilerTest` accepts or refuses (`ruler_checks.json`).

use event_pattern::compiled::CompiledMatcher;
use event_pattern::{matches, EventPattern, Json};

// In the browser (wasm32), the same tests run under wasm-bindgen-test, in Chromium.
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

/// Checks one verdict with the reference evaluator, and with the compiled matcher on the tree
/// and on the text.
fn check_verdict(
    name: &str,
    p: &EventPattern,
    event: &Json,
    text: &str,
    want: bool,
    failures: &mut Vec<String>,
) {
    if matches(p, event) != want {
        failures.push(format!("{name}: want {want}"));
    }
    let m = CompiledMatcher::new(std::slice::from_ref(p));
    let expect: Vec<usize> = if want { vec![0] } else { vec![] };
    if m.matching(event) != expect || m.matching_text(text) != Ok(expect.clone()) {
        failures.push(format!("{name}: the compiled matcher disagrees"));
    }
}

#[test]
fn table_of_pattern_cases() {
    let cases: Vec<serde_json::Value> = serde_json::from_str(include_str!("cases.json")).unwrap();
    let mut failures = Vec::new();
    for c in &cases {
        let name = c["name"].as_str().unwrap();
        let mut pattern = c["pattern"].as_str().unwrap().to_string();
        if pattern == "LONG_PATTERN" {
            pattern = format!("{{\"a\": [\"{}\"]}}", "x".repeat(4090));
        }
        let text = c["event"].as_str().unwrap();
        let event = Json::parse(text).unwrap();
        match (
            EventPattern::parse(&pattern),
            c.get("expected").and_then(|e| e.as_bool()),
            c.get("error").and_then(|e| e.as_str()),
        ) {
            (Ok(p), Some(want), _) => check_verdict(name, &p, &event, text, want, &mut failures),
            (Err(e), _, Some(want)) => {
                // A whole message (it starts as AWS's do) must be the message, suffix and
                // all, or its absence; a fragment must be in it.
                let found = match want.starts_with("Event pattern is not valid.") {
                    true => e.message() == want,
                    false => e.message().contains(want),
                };
                if !found {
                    failures.push(format!(
                        "{name}: want error {want:?}, have {:?}",
                        e.message()
                    ));
                }
            }
            (Ok(_), _, Some(want)) => failures.push(format!(
                "{name}: want error {want:?}, the pattern was accepted"
            )),
            (Err(e), _, _) => failures.push(format!("{name}: unexpected error {}", e.message())),
            (Ok(_), None, None) => failures.push(format!("{name}: case has no expectation")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(cases.len() >= 39);
}

/// Ruler's own expectations (`ruler_cases.json` beside this file): the rules, events and
/// verdicts of Event Ruler's `RulerTest` (`Ruler.matchesRule`), `JsonRuleCompilerTest` and
/// `ByteMachineMultiByteWildcardTest`, the library EventBridge's matching runs on. Events there are any JSON, not only EventBridge's envelope.
#[test]
fn table_of_rulers_own_cases() {
    let cases: Vec<serde_json::Value> =
        serde_json::from_str(include_str!("ruler_cases.json")).unwrap();
    let mut failures = Vec::new();
    for (i, c) in cases.iter().enumerate() {
        let name = format!("{} #{i}", c["test"].as_str().unwrap());
        let text = c["event"].as_str().unwrap();
        let event = Json::parse(text).unwrap();
        let want = c["expected"].as_bool().unwrap();
        match EventPattern::parse(c["rule"].as_str().unwrap()) {
            Ok(p) => check_verdict(&name, &p, &event, text, want, &mut failures),
            Err(e) => failures.push(format!("{name}: unexpected error {}", e.message())),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(cases.len() >= 80);
}

/// What Event Ruler's own `JsonRuleCompilerTest` expects of its rule checker
/// (`ruler_checks.json` beside this file): rules it accepts, rules it refuses, and two of its
/// messages word for word (ours add AWS's `Event pattern is not valid. Reason: ` before them).
#[test]
fn rulers_own_checks_accept_and_refuse_alike() {
    let checks: serde_json::Value =
        serde_json::from_str(include_str!("ruler_checks.json")).unwrap();
    let mut failures = Vec::new();
    let texts = |key: &str| -> Vec<String> {
        checks[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap().to_string())
            .collect()
    };
    for rule in texts("good") {
        if let Err(e) = EventPattern::parse(&rule) {
            failures.push(format!("{rule}: refused ({})", e.message()));
        }
    }
    for rule in texts("bad") {
        if EventPattern::parse(&rule).is_ok() {
            failures.push(format!("{rule}: accepted"));
        }
    }
    for m in checks["messages"].as_array().unwrap() {
        let rule = m["rule"].as_str().unwrap();
        let want = m["message"].as_str().unwrap();
        match EventPattern::parse(rule) {
            Ok(_) => failures.push(format!("{rule}: accepted")),
            Err(e) if !e.message().ends_with(want) => {
                failures.push(format!("{rule}: {:?}, want {want:?}", e.message()))
            }
            Err(_) => {}
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(texts("good").len() + texts("bad").len() >= 150);
}
