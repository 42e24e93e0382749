//! Jackson's `StreamReadConstraints`, as Ruler's parser keeps them (nesting depth 1000, numbers
//! of 1000 digits), and the stack they need: a pattern as deep as the 4096-character limit allows
//! parses, matches, explains and compiles on a small thread stack (the browser's WASM stack is
//! 1 MiB, and its frames are the release build's, several times smaller than these).

use event_pattern::compiled::CompiledMatcher;
use event_pattern::{explain, matches, EventPattern, Json};

// In the browser (wasm32), the same tests run under wasm-bindgen-test, in Chromium.
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

const DEPTH_LIMIT: &str =
    "exceeds the maximum allowed (1000, from `StreamReadConstraints.getMaxNestingDepth()`)";
const NUMBER_LIMIT: &str =
    "exceeds the maximum allowed (1000, from `StreamReadConstraints.getMaxNumberLength()`)";

fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    on_stack(512 << 10, f)
}

/// Runs `f` on a thread of `bytes` of stack.
#[cfg(not(target_arch = "wasm32"))]
fn on_stack<T: Send + 'static>(bytes: usize, f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(bytes)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap()
}

/// In the browser there are no threads: `f` runs on the module's own stack, the 1 MiB that the
/// workshop's page has too.
#[cfg(target_arch = "wasm32")]
fn on_stack<T>(_bytes: usize, f: impl FnOnce() -> T) -> T {
    f()
}

fn message(pattern: &str) -> String {
    match EventPattern::parse(pattern) {
        Ok(_) => "accepted".into(),
        Err(e) => e.message(),
    }
}

#[test]
fn patterns_nest_as_deep_as_jackson_allows() {
    on_small_stack(|| {
        // 800 levels (with an `$or` at the bottom) fit in 4096 characters.
        let n = 800;
        let text =
            "{\"\":".repeat(n) + r#"{"$or":[{"b":[{"exists":false}]},{"c":[1]}]}"# + &"}".repeat(n);
        assert!(text.len() <= 4096);
        let p = EventPattern::parse(&text).unwrap();
        let event = r#"{"a": {"a": 1}}"#;
        let e = Json::parse(event).unwrap();
        assert!(matches(&p, &e));
        assert!(explain(&p, &e).matched());
        let m = CompiledMatcher::new(std::slice::from_ref(&p));
        assert_eq!(m.matching(&e), vec![0]);
        assert_eq!(m.matching_text(event), Ok(vec![0]));
    });
}

#[test]
fn the_first_container_too_deep_is_reported_without_a_location() {
    let too_deep = message(&"{\"\":".repeat(1001));
    assert_eq!(
        too_deep,
        format!("Event pattern is not valid. Reason: Document nesting depth (1001) {DEPTH_LIMIT}")
    );
    // A thousand levels are allowed: that text only ends too early.
    let deep = message(&"{\"\":".repeat(1000));
    assert!(deep.contains("Unexpected end-of-input"), "{deep}");
    // Arrays count too (the second `[` of a leaf is refused by Ruler, but only after it opened).
    let arrays = message(&("{\"\":".repeat(999) + "[["));
    assert!(arrays.contains("Document nesting depth (1001)"), "{arrays}");
}

#[test]
fn numbers_of_more_than_a_thousand_digits_are_refused_without_a_location() {
    let digits = |n: usize| "1".repeat(n);
    for (number, counted) in [
        (digits(1001), Some(1001)),
        (format!("-{}", digits(1000)), None),
        (digits(1000), None),
        (format!("1.{}", digits(999)), None),
        (format!("1.{}", digits(1000)), Some(1001)),
        (format!("{}e12", digits(998)), None),
        (format!("{}e123", digits(998)), Some(1001)),
    ] {
        let m = message(&format!(r#"{{"a": [{number}]}}"#));
        match counted {
            Some(n) => assert_eq!(
                m,
                format!(
                    "Event pattern is not valid. Reason: Number value length ({n}) {NUMBER_LIMIT}"
                ),
                "{}",
                &number[..8]
            ),
            None => assert!(!m.contains("Number value length"), "{m}"),
        }
    }
}

/// Events are not limited in their numbers' length: the compiled matcher's scanner, which checks
/// event text on its own, has no such limit, and both must agree on what an event is.
#[test]
fn event_numbers_are_not_limited() {
    let event = format!(r#"{{"a": {}}}"#, "1".repeat(1001));
    assert!(Json::parse(&event).is_ok());
    let p = EventPattern::parse(r#"{"a": [{"exists": true}]}"#).unwrap();
    let m = CompiledMatcher::new(std::slice::from_ref(&p));
    assert_eq!(m.matching_text(&event), Ok(vec![0]));
}

/// As many fields as 4096 characters hold, in one array of objects with `exists: false` among
/// them: the array-consistent search goes field by field (a recursion as deep as the fields),
/// and still fits the small stack, in the debug build too.
#[test]
fn a_branch_of_as_many_fields_as_fit_is_searched_on_a_small_stack() {
    on_small_stack(|| {
        let names: Vec<String> = (0..600).map(|i| format!("{i:03}")).collect();
        let mut fields: Vec<String> = names.iter().map(|n| format!("\"{n}\":[1]")).collect();
        // The last field sorts last: it is looked for in the element the others matched in.
        fields.push(r#""zzz":[{"exists":false}]"#.into());
        let mut text = format!("{{\"a\":{{{}}}}}", fields.join(","));
        while text.len() > 4096 {
            fields.remove(0);
            text = format!("{{\"a\":{{{}}}}}", fields.join(","));
        }
        let p = EventPattern::parse(&text).unwrap();
        assert!(
            p.branches()[0].tests.len() > 400,
            "{}",
            p.branches()[0].tests.len()
        );
        let element: Vec<String> = p.branches()[0]
            .tests
            .iter()
            .filter(|t| !t.path.ends_with("zzz"))
            .map(|t| format!("\"{}\":1", t.path.trim_start_matches("a.")))
            .collect();
        let event = format!("{{\"a\": [{{{}}}, {{\"zzz\": 1}}]}}", element.join(","));
        let e = Json::parse(&event).unwrap();
        assert!(matches(&p, &e));
        assert!(explain(&p, &e).matched());
        let m = CompiledMatcher::new(std::slice::from_ref(&p));
        assert_eq!(m.matching_text(&event), Ok(vec![0]));
    });
}

/// Events nest at most `event_pattern::MAX_EVENT_DEPTH` deep: the compiled matcher, reading the
/// text, refuses exactly the events `Json::parse` refuses, around that depth, whether the deep
/// part lies below a path the rules read (objects down to a string, a number, an empty container,
/// an array) or off it. Patterns reach at most about 818 levels (4096 characters of `{"":`), so
/// near the limit the scanner is always skipping: below the deepest pattern, off it, or in a
/// sibling of a value that matched.
#[test]
fn the_compiled_matcher_refuses_the_events_the_parser_refuses_around_the_depth_limit() {
    // The scan recurses along the paths the patterns name, here 817 levels: it fits 256 KiB,
    // also in the test build (this crate is built at opt-level 1 there: see Cargo.toml).
    on_stack(256 << 10, deepest_events);
}

/// A dotted key names a path of as many levels as it has segments, so one key reaches past the
/// 818 levels nested objects fit in 4096 characters: the scan follows it to the event's limit,
/// recursing a level at a time (about 430 bytes a level in the test build).
#[test]
fn a_dotted_key_reaches_the_deepest_level_on_a_small_stack() {
    on_stack(512 << 10, || {
        let max = event_pattern::MAX_EVENT_DEPTH;
        // The event's levels are its objects; the value at the bottom adds none.
        let path = vec!["a"; max].join(".");
        let pattern = format!("{{\"{path}\": [\"x\"]}}");
        assert!(pattern.len() <= 4096);
        let p = [EventPattern::parse(&pattern).unwrap()];
        let m = CompiledMatcher::new(&p);
        let event = |levels: usize| "{\"a\":".repeat(levels) + "\"x\"" + &"}".repeat(levels);
        let e = Json::parse(&event(max)).unwrap();
        assert!(matches(&p[0], &e));
        assert!(explain(&p[0], &e).matched());
        assert_eq!(m.matching(&e), vec![0]);
        assert_eq!(m.matching_text(&event(max)), Ok(vec![0]));
        assert!(m.matching_text(&event(max + 1)).is_err());
    });
}

fn deepest_events() {
    let max = event_pattern::MAX_EVENT_DEPTH;
    let deepest = (4096 - 5) / 5;
    for depth in [1, 3, deepest - 1, deepest] {
        let pattern = format!("{}[\"x\"]{}", "{\"\":".repeat(depth), "}".repeat(depth));
        let p = [EventPattern::parse(&pattern).unwrap()];
        let m = CompiledMatcher::new(&p);
        let mut prechecked = CompiledMatcher::new(&p);
        prechecked.set_text_prechecked(true);
        let mut matched = 0;
        for levels in max - 2..=max + 2 {
            // The value the pattern reads, with a sibling as deep as the rest of the levels.
            let sibling = format!(
                "{}{{\"\":\"x\",\"b\":{}1{}}}{}",
                "{\"\":".repeat(depth - 1),
                "[".repeat(levels - depth),
                "]".repeat(levels - depth),
                "}".repeat(depth - 1)
            );
            // Each event, with how deep it nests.
            let mut events = vec![(sibling, levels)];
            for (leaf, leaf_levels, other) in [
                ("\"x\"", 0, false),
                ("5", 0, false),
                ("{}", 1, false),
                ("[]", 1, false),
                ("[\"x\", [1, 2]]", 2, false),
                ("\"x\"", 0, true),
                ("[1, {\"b\": 2}]", 2, true),
            ] {
                let key = if other { "\"b\":" } else { "\"\":" };
                let event = format!(
                    "{}{{{key}{leaf}{}",
                    "{\"\":".repeat(levels - 1),
                    "}".repeat(levels)
                );
                events.push((event, levels + leaf_levels));
            }
            for (event, nesting) in &events {
                let what = format!(
                    "pattern {depth} deep, event {levels} deep: {}",
                    &event[event.len().saturating_sub(40)..]
                );
                let parsed = Json::parse(event);
                let scanned = m.matching_text(event);
                assert_eq!(scanned.is_ok(), parsed.is_ok(), "{what}: {scanned:?}");
                assert_eq!(parsed.is_ok(), *nesting <= max, "{what}");
                if let Ok(tree) = parsed {
                    let want = m.matching(&tree);
                    assert_eq!(want, event_pattern::matching(&p, &tree), "{what}");
                    matched += want.len();
                    assert_eq!(scanned.as_ref().ok(), Some(&want), "{what}");
                    // Valid text: taking it as checked changes nothing.
                    assert_eq!(prechecked.matching_text(event).ok(), Some(want), "{what}");
                }
            }
        }
        // The sibling events up to the limit, and nothing else.
        assert_eq!(matched, 3, "pattern {depth} deep");
    }
}
