//! # event-pattern
//!
//! Amazon EventBridge event patterns, exact to AWS: parsing and validation with AWS's own error
//! messages (down to Jackson's `line`/`column`), matching with every operator, and a verdict tree
//! that explains, leaf by leaf, why an event did or did not match.
//!
//! Contents:
//! * [`EventPattern::parse`]: text → validated pattern, or a [`PatternError`] whose
//!   [`message`](PatternError::message) is AWS's full text;
//! * [`PatternError::hint`] ([`advice`]): what to write instead, beside AWS's message;
//! * [`matches()`] and [`explain`]: one pattern against one event;
//! * [`test_event_pattern`]: the `TestEventPattern` API, event validation included;
//! * [`ignore_case`] and [`reading`]: where Ruler (the library EventBridge runs) decides in ways
//!   a person may not expect: `equals-ignore-case` spelling each character in its own lower or
//!   upper case, and a field's values read the way its other tests make Ruler read them;
//! * [`near_miss`]: a value or key one slip of the keyboard from the pattern's, for the
//!   explanation (`close to "PAID": character 4 is "L" in the event, "D" in the pattern`);
//! * [`compiled::CompiledMatcher`]: all rules of a bus compiled into one decision tree, matching
//!   event text in one scan (docs/PATTERNS.md describes it; `make bench` measures it), into a
//!   list or a reused [`compiled::MatchSet`] (faster when events match thousands of rules).
//!
//! ## Should I use this crate?
//! Use it to check patterns offline the way EventBridge would, in tests or CI, or to show a
//! person why a rule did not fire. It is the engine of the EventBridge Workshop playground.
//!
//! ## Example
//! ```
//! use event_pattern::{test_event_pattern, EventPattern, Json, explain};
//!
//! let pattern = r#"{"detail": {"state": [{"anything-but": "stopped"}]}}"#;
//! let event = r#"{"id": "1", "account": "1", "source": "s", "time": "t", "region": "r",
//!                 "detail-type": "d", "detail": {"state": "running"}}"#;
//! assert_eq!(test_event_pattern(pattern, event), Ok(true));
//!
//! let p = EventPattern::parse(r#"{"detail": {"state": ["RUNNING"]}}"#).unwrap();
//! let e = Json::parse(event).unwrap();
//! let verdict = explain(&p, &e);
//! assert!(!verdict.matched());
//! assert!(verdict.summary.contains("case differs"));
//! ```
#![deny(missing_docs)]

pub mod advice;
pub mod cidr;
pub mod compiled;
pub mod error;
pub mod ignore_case;
pub mod jackson;
pub mod json;
pub mod matcher;
pub mod near_miss;
pub mod pattern;
pub mod reading;
#[cfg(test)]
mod test_rng;
// In the browser (wasm32), the unit tests run under wasm-bindgen-test, in Chromium.
#[cfg(all(test, target_arch = "wasm32"))]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
pub mod wildcard;

pub use error::{ErrorCode, Location, PatternError, Span};
pub use json::{Json, JsonValue, MAX_EVENT_DEPTH};
pub use matcher::{explain, matches, matching, BranchVerdict, LeafVerdict, Verdict};
pub use pattern::{AnythingBut, EventPattern, Matcher, Op};

/// The fields `TestEventPattern` requires in an event.
pub const REQUIRED_EVENT_FIELDS: [&str; 6] =
    ["id", "account", "source", "time", "region", "detail-type"];

/// Parses an event the way `TestEventPattern` validates it.
pub fn parse_test_event(event: &str) -> Result<Json, PatternError> {
    let invalid = || PatternError::validation("Parameter Event is not valid.");
    let json = Json::parse(event).map_err(|_| invalid())?;
    match &json.value {
        JsonValue::Object(_) => {}
        _ => return Err(invalid()),
    }
    if REQUIRED_EVENT_FIELDS.iter().any(|f| json.get(f).is_none()) {
        return Err(invalid());
    }
    Ok(json)
}

/// The `TestEventPattern` API: `Ok(true|false)`, or the error AWS returns.
pub fn test_event_pattern(pattern: &str, event: &str) -> Result<bool, PatternError> {
    let p = EventPattern::parse(pattern)?;
    let e = parse_test_event(event)?;
    Ok(matches(&p, &e))
}
