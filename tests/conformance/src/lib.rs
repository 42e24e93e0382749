//! Helpers for the conformance suites: where the recorded AWS data lives, and how to load it.

use std::path::PathBuf;

/// The `shared/` folder beside the repository (or `$EBW_SHARED`).
pub fn shared_dir() -> PathBuf {
    if let Ok(p) = std::env::var("EBW_SHARED") {
        return PathBuf::from(p);
    }
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    // tests/conformance → repository root → its parent holds shared/.
    here.join("../../../shared")
}

/// Loads one conformance file as a list of JSON case objects. Panics (in tests only) with a
/// clear message when the data is missing: a conformance run must never pass vacuously.
pub fn load_cases(file: &str) -> Vec<serde_json::Value> {
    let path = shared_dir().join("conformance").join(file);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let v: serde_json::Value = serde_json::from_str(&text).expect("conformance file is JSON");
    let cases = v.as_array().cloned().unwrap_or_default();
    assert!(!cases.is_empty(), "{} holds no cases", path.display());
    cases
}

/// A string field of a case, or "".
pub fn str_field<'a>(case: &'a serde_json::Value, key: &str) -> &'a str {
    case.get(key).and_then(|v| v.as_str()).unwrap_or("")
}

/// Fails the test listing every failure, one per line (a conformance run reports all of them).
pub fn assert_all_pass(failures: &[String]) {
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
