//! Property test: on random patterns and events, the compiled matcher agrees with the reference
//! evaluator. A small seeded generator keeps it deterministic and dependency-free.

use event_pattern::compiled::{CompiledMatcher, MatchSet};
use event_pattern::{matching, EventPattern, Json};

// In the browser (wasm32), the same tests run under wasm-bindgen-test, in Chromium.
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len() as u64) as usize]
    }
}

const KEYS: [&str; 4] = ["a", "b", "c", "d"];
const STRS: [&str; 6] = ["x", "xy", "Xy", "y.png", "", "10.0.0.7"];

/// How a round's patterns are drawn.
#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Any,
    /// Mostly exact values: the decision tree's gates.
    Exact,
    /// Few distinct operators, nested more: tests shared verbatim become gates too.
    Shared,
    /// `exists: false` beside values, nested: in arrays of objects, Ruler looks for an absent
    /// field only in the elements the tests before it matched in.
    Absence,
}

fn matcher(r: &mut Rng, mode: Mode) -> String {
    let s = r.pick(&STRS);
    if mode == Mode::Exact && r.below(3) != 0 {
        return format!("\"{s}\"");
    }
    if mode == Mode::Absence {
        return r
            .pick(&[
                "{\"exists\": false}",
                "{\"exists\": false}",
                "\"x\"",
                "1",
                "{\"prefix\": \"x\"}",
            ])
            .to_string();
    }
    if mode == Mode::Shared {
        return r
            .pick(&[
                "{\"numeric\": [\">\", 1]}",
                "{\"prefix\": \"x\"}",
                "{\"anything-but\": [\"x\"]}",
                "\"xy\"",
            ])
            .to_string();
    }
    match r.below(19) {
        0 => format!("\"{s}\""),
        1 => format!("{}", r.below(4)),
        2 => "null".into(),
        3 => "true".into(),
        4 => format!("{{\"prefix\": \"{}\"}}", r.pick(&["x", "X", "", "10."])),
        5 => format!("{{\"suffix\": \"{}\"}}", r.pick(&[".png", "y"])),
        // Characters whose case mappings are not one to one (`crate::ignore_case`).
        6 => format!(
            "{{\"equals-ignore-case\": \"{}\"}}",
            r.pick(&["XY", "x", "ß", "\u{212A}", "ſ", "SS"])
        ),
        7 => format!(
            "{{\"anything-but\": [\"{}\"]}}",
            r.pick(&["x", "xy", "10.0.0.7"])
        ),
        8 => format!(
            "{{\"anything-but\": {{\"prefix\": \"{}\"}}}}",
            r.pick(&["x", "y"])
        ),
        9 => format!(
            "{{\"numeric\": [\">\", {}, \"<=\", {}]}}",
            r.below(2),
            2 + r.below(3)
        ),
        10 => format!("{{\"exists\": {}}}", r.below(2) == 0),
        11 => format!(
            "{{\"wildcard\": \"{}\"}}",
            r.pick(&["x*", "*png", "*y*", "10.*"])
        ),
        // `0.0.0.0/0` also matches numbers starting 1 to 9 (`Cidr::matches_number_text`).
        12 => format!(
            "{{\"cidr\": \"{}\"}}",
            r.pick(&["10.0.0.0/24", "0.0.0.0/0"])
        ),
        13 => format!(
            "{{\"numeric\": [\"{}\", {}]}}",
            r.pick(&[">", ">=", "<", "<="]),
            r.below(5)
        ),
        14 => format!(
            "{{\"anything-but\": [\"{}\", \"{}\"]}}",
            r.pick(&STRS),
            r.pick(&STRS)
        ),
        15 => format!(
            "{{\"wildcard\": \"{}\"}}",
            r.pick(&["x*y", "X*", "*.png", "x*z*y", "xy"])
        ),
        16 => format!("{{\"anything-but\": {}}}", r.below(3)),
        17 => format!("{{\"anything-but\": \"{}\"}}", r.pick(&STRS)),
        _ => format!(
            "{{\"{}\": {{\"equals-ignore-case\": \"{}\"}}}}",
            r.pick(&["prefix", "prefix", "suffix"]),
            r.pick(&["X", "xY", "ß", "s", "K"])
        ),
    }
}

fn object(r: &mut Rng, depth: u32, mode: Mode) -> String {
    let n = 1 + r.below(2);
    let mut fields = Vec::new();
    let mut used = Vec::new();
    for _ in 0..n {
        let k = r.pick(&KEYS);
        if used.contains(&k) {
            continue;
        }
        used.push(k);
        let nest = if matches!(mode, Mode::Shared | Mode::Absence) {
            2
        } else {
            4
        };
        if depth < 2 && r.below(nest) == 0 {
            fields.push(format!("\"{k}\": {}", object(r, depth + 1, mode)));
        } else {
            // Up to three matchers: how Ruler reads a field's values depends on all of them
            // (`event_pattern::reading`).
            let m: Vec<String> = (0..1 + r.below(3)).map(|_| matcher(r, mode)).collect();
            fields.push(format!("\"{k}\": [{}]", m.join(", ")));
        }
    }
    if depth == 0 && r.below(5) == 0 {
        fields.push(format!(
            "\"$or\": [{}, {}]",
            object(r, 2, mode),
            object(r, 2, mode)
        ));
    }
    format!("{{{}}}", fields.join(", "))
}

fn value(r: &mut Rng, depth: u32) -> String {
    match r.below(if depth < 2 { 10 } else { 6 }) {
        0 => format!("\"{}\"", r.pick(&STRS)),
        1 => format!("{}", r.below(5)),
        2 => "2.0".into(),
        3 => "null".into(),
        4 => "true".into(),
        // Brackets and escaped quotes inside strings: not structure, also where skipped.
        5 => format!(
            "\"{}\"",
            r.pick(&[
                "X", "xyz", "a.png", "}]\\\"{[", "[\\\\", "ß", "SS", "ss", "ſ", "\u{212A}", "k",
            ])
        ),
        6 => format!("[{}, {}]", value(r, depth + 1), value(r, depth + 1)),
        7 => "[]".into(),
        // Arrays of objects: where array consistency matters.
        8 => format!(
            "[{}, {}]",
            event_object(r, depth + 1),
            event_object(r, depth + 1)
        ),
        _ => event_object(r, depth + 1),
    }
}

fn event_object(r: &mut Rng, depth: u32) -> String {
    let mut fields = Vec::new();
    for k in KEYS {
        if r.below(3) != 0 {
            fields.push(format!("\"{k}\": {}", value(r, depth)));
        }
    }
    // A duplicate key now and then: the last occurrence wins.
    if r.below(6) == 0 {
        let k = r.pick(&KEYS);
        fields.push(format!("\"{k}\": {}", value(r, depth)));
    }
    format!("{{{}}}", fields.join(", "))
}

#[test]
fn compiled_matcher_agrees_with_the_reference() {
    let mut r = Rng(20260524);
    let mut checked = 0;
    for round in 0..200 {
        // Some rounds lean on exact values or on shared tests, so that every kind of gate
        // of the decision tree is used.
        let mode = [
            Mode::Any,
            Mode::Exact,
            Mode::Any,
            Mode::Shared,
            Mode::Absence,
        ][round % 5];
        let patterns: Vec<EventPattern> = (0..20)
            .filter_map(|_| EventPattern::parse(&object(&mut r, 0, mode)).ok())
            .collect();
        let m = CompiledMatcher::new(&patterns);
        let mut prechecked = CompiledMatcher::new(&patterns);
        prechecked.set_text_prechecked(true);
        for _ in 0..20 {
            let text = event_object(&mut r, 0);
            let e = Json::parse(&text).unwrap();
            let want = matching(&patterns, &e);
            let have = m.matching(&e);
            assert_eq!(
                m.matching_text(&text),
                Ok(have.clone()),
                "text scan differs on {text}"
            );
            assert_eq!(
                prechecked.matching_text(&text),
                Ok(have.clone()),
                "prechecked text scan differs on {text}"
            );
            assert_eq!(as_set(&m, &text), have, "set differs on {text}");
            assert_eq!(
                have,
                want,
                "event {text}\npatterns {:?}",
                want.iter()
                    .chain(have.iter())
                    .map(|i| patterns[*i].source())
                    .collect::<Vec<_>>()
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 4000);
}

/// The text scanner is exactly as strict as the parser: on valid events and on random mutations
/// of them (structural bytes, escapes, digits, deep nesting), it errs exactly when
/// `Json::parse` does, and otherwise agrees with the tree walk.
#[test]
fn text_scanner_is_as_strict_as_the_parser() {
    const BITS: [&str; 24] = [
        "{", "}", "[", "]", ",", ":", "\"", "\\", "\\u00e9", "\\x", "-", "0", "01", ".", "e", "E+",
        "1", "tru", "null", " ", "\n", "\u{1}", "é", "[[[[[[[[",
    ];
    let mut r = Rng(7);
    let patterns: Vec<EventPattern> = [
        r#"{"a": ["x"]}"#,
        r#"{"b": [{"numeric": [">", 1]}]}"#,
        r#"{"c": {"d": [{"exists": true}]}}"#,
    ]
    .iter()
    .map(|p| EventPattern::parse(p).unwrap())
    .collect();
    let m = CompiledMatcher::new(&patterns);
    let mut prechecked = CompiledMatcher::new(&patterns);
    prechecked.set_text_prechecked(true);
    let (mut valid, mut invalid) = (0, 0);
    for _ in 0..20_000 {
        let mut text = event_object(&mut r, 0);
        for _ in 0..r.below(3) {
            let at = r.below(text.len() as u64 + 1) as usize;
            let at = (0..=at)
                .rev()
                .find(|i| text.is_char_boundary(*i))
                .unwrap_or(0);
            let bit = BITS[r.below(BITS.len() as u64) as usize];
            match r.below(3) {
                0 => text.insert_str(at, bit),
                1 => {
                    let end = (at + 1..=text.len())
                        .find(|i| text.is_char_boundary(*i))
                        .unwrap_or(text.len());
                    text.replace_range(at..end, bit);
                }
                _ => text.truncate(at),
            }
        }
        let parsed = Json::parse(&text);
        let scanned = m.matching_text(&text);
        // Prechecked, any answer will do on invalid text, but there must be one (no panic).
        let trusting = prechecked.matching_text(&text);
        match parsed {
            Ok(tree) => {
                valid += 1;
                assert_eq!(scanned, Ok(m.matching(&tree)), "{text}");
                assert_eq!(trusting, scanned, "prechecked: {text}");
            }
            Err(_) => {
                invalid += 1;
                assert!(scanned.is_err(), "scanner accepted invalid {text:?}");
            }
        }
    }
    assert!(
        valid > 1000 && invalid > 1000,
        "{valid} valid, {invalid} invalid"
    );
    let deep = |n: usize| format!("{{\"z\": {}1{}}}", "[".repeat(n), "]".repeat(n));
    let max = event_pattern::MAX_EVENT_DEPTH;
    for n in [max - 2, max - 1, max, max + 1, max + 200] {
        assert_eq!(
            Json::parse(&deep(n)).is_ok(),
            m.matching_text(&deep(n)).is_ok(),
            "depth {n}"
        );
        // The nesting limit holds for prechecked text too (what too deep is, is not checked
        // beforehand: it is this limit).
        assert_eq!(
            Json::parse(&deep(n)).is_ok(),
            prechecked.matching_text(&deep(n)).is_ok(),
            "prechecked, depth {n}"
        );
    }
}

/// Skipped values nesting past the 128 levels the skipper's bit stack holds at once (it keeps
/// the outer levels aside, 128 at a time): random mixes of objects and arrays up to the nesting
/// limit, half of them with one closing bracket of the wrong kind, at any depth. The scanner errs
/// exactly when the parser does, in both the checked and the prechecked skip.
#[test]
fn deep_skipped_values_close_as_they_opened() {
    let mut r = Rng(1000);
    let pattern = [EventPattern::parse(r#"{"a": ["x"]}"#).unwrap()];
    let m = CompiledMatcher::new(&pattern);
    let mut prechecked = CompiledMatcher::new(&pattern);
    prechecked.set_text_prechecked(true);
    let max = event_pattern::MAX_EVENT_DEPTH as u64;
    let (mut valid, mut invalid) = (0, 0);
    for _ in 0..400 {
        // The event and the key `skip` around the nested value are one level.
        let levels = 100 + r.below(max - 100 + 2);
        let objects: Vec<bool> = (0..levels).map(|_| r.below(2) == 0).collect();
        let mut text = String::from(r#"{"a": "x", "skip": "#);
        for &object in &objects {
            text.push_str(if object { r#"{"k": "# } else { "[0, " });
        }
        text.push('1');
        let wrong = (r.below(2) == 0).then(|| r.below(levels) as usize);
        for (i, &object) in objects.iter().enumerate().rev() {
            let close = if object { '}' } else { ']' };
            let swapped = if close == '}' { ']' } else { '}' };
            text.push(if wrong == Some(i) { swapped } else { close });
        }
        text.push('}');
        let parsed = Json::parse(&text);
        assert_eq!(
            parsed.is_ok(),
            wrong.is_none() && levels < max,
            "{levels} {wrong:?}"
        );
        let want = parsed.as_ref().ok().map(|_| vec![0]);
        assert_eq!(m.matching_text(&text).ok(), want, "{levels} {wrong:?}");
        if parsed.is_ok() {
            valid += 1;
            assert_eq!(prechecked.matching_text(&text).ok(), want, "{levels}");
        } else {
            invalid += 1;
        }
    }
    assert!(
        valid > 100 && invalid > 200,
        "{valid} valid, {invalid} invalid"
    );
}

/// Rules whose gated tests list many values, overlapping from rule to rule: a value leads to
/// every child whose key set holds it. Answers stay the reference's.
#[test]
fn rules_gated_on_many_overlapping_values_match_as_the_reference() {
    let patterns: Vec<EventPattern> = (0..3000)
        .map(|i| {
            let values: Vec<String> = (0..16).map(|v| format!("\"v{}\"", (i + v) % 40)).collect();
            EventPattern::parse(&format!(
                r#"{{"a": [{}], "b": [{{"prefix": "p{}"}}]}}"#,
                values.join(", "),
                i % 7
            ))
            .unwrap()
        })
        .collect();
    let m = CompiledMatcher::new(&patterns);
    let mut matched = 0;
    for (a, b) in [("v3", "p3x"), ("v39", "p0"), ("v12", "q"), ("v0", "p6")] {
        let text = format!(r#"{{"a": "{a}", "b": "{b}"}}"#);
        let e = Json::parse(&text).unwrap();
        let want = matching(&patterns, &e);
        assert_eq!(m.matching_text(&text), Ok(want.clone()), "{text}");
        matched += want.len();
    }
    assert!(matched > 100, "the events match many rules ({matched})");
}

/// The matches of both set-filling calls, which must agree, as a list.
fn as_set(m: &CompiledMatcher, text: &str) -> Vec<usize> {
    let (mut from_text, mut from_tree) = (MatchSet::default(), MatchSet::default());
    assert!(m.matching_text_into(text, &mut from_text).is_ok(), "{text}");
    m.matching_into(&Json::parse(text).unwrap(), &mut from_tree);
    assert_eq!(from_text, from_tree, "{text}");
    let list: Vec<usize> = from_text.iter().collect();
    assert_eq!(from_text.len(), list.len());
    for i in 0..m.len() + 70 {
        assert_eq!(from_text.contains(i), list.contains(&i), "{i} in {text}");
    }
    assert_eq!(from_text.is_empty(), list.is_empty());
    list
}

/// Many `anything-but` rules that each match by themselves are reported as ranges of bits
/// between the vetoed ones. Mixed with rules that reach the same patterns another way (`$or`),
/// rules counted or confirmed inside arrays of objects, and gates, every answer (list, set, one
/// set reused across events) is the reference's.
#[test]
fn runs_of_anything_but_rules_report_as_the_reference() {
    let patterns: Vec<String> = (0..2000)
        .map(|i| {
            let v = format!("v{}", i % 211);
            match i % 10 {
                0 => {
                    format!(r#"{{"$or": [{{"a": [{{"anything-but": "{v}"}}]}}, {{"b": ["x"]}}]}}"#)
                }
                1 => format!(r#"{{"a": ["{v}"]}}"#),
                2 => format!(r#"{{"a": [{{"anything-but": ["{v}"]}}], "b": ["x"]}}"#),
                3 => format!(r#"{{"items": {{"k": [{{"anything-but": "{v}"}}], "q": [1]}}}}"#),
                4 => format!(
                    r#"{{"source": ["s{}"], "a": [{{"anything-but": "{v}"}}]}}"#,
                    i / 10 % 2
                ),
                5 => format!(r#"{{"items": {{"k": [{{"anything-but": "{v}"}}]}}}}"#),
                _ => format!(r#"{{"a": [{{"anything-but": ["{v}", "w"]}}]}}"#),
            }
        })
        .collect();
    let patterns: Vec<EventPattern> = patterns
        .iter()
        .map(|p| EventPattern::parse(p).unwrap())
        .collect();
    let m = CompiledMatcher::new(&patterns);
    let mut reused = MatchSet::default();
    let mut checked = 0;
    for a in ["v0", "v4", "w", "z", "v210"] {
        for rest in [
            r#""b": "x""#,
            r#""b": "y", "source": "s1""#,
            r#""items": [{"k": "v1", "q": 1}, {"k": "v2", "q": 2}]"#,
            r#""items": [{"k": "v3", "q": 2}, {"k": "v3", "q": 1}], "source": "s0""#,
        ] {
            for a in [format!(r#""{a}""#), format!(r#"["{a}", "v5"]"#)] {
                let text = format!(r#"{{"a": {a}, {rest}}}"#);
                let want = matching(&patterns, &Json::parse(&text).unwrap());
                assert!(want.len() >= 150, "{text} matches many rules");
                assert_eq!(m.matching_text(&text), Ok(want.clone()), "{text}");
                assert_eq!(m.matching(&Json::parse(&text).unwrap()), want, "{text}");
                assert_eq!(as_set(&m, &text), want, "{text}");
                assert!(m.matching_text_into(&text, &mut reused).is_ok());
                assert_eq!(reused.iter().collect::<Vec<_>>(), want, "{text}");
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 40);
    // An invalid event leaves the set as it was and no bits for the next event.
    let before = reused.clone();
    assert!(m.matching_text_into(r#"{"a": "#, &mut reused).is_err());
    assert_eq!(reused, before);
    assert_eq!(
        m.matching_text(r#"{"q": 1}"#),
        Ok(matching(&patterns, &Json::parse(r#"{"q": 1}"#).unwrap()))
    );
}

/// Prefixes and suffixes of several lengths, alone, as gates (with a second test) and
/// case-folded, against values with non-ASCII letters: every answer is the reference's, and the
/// values match plenty of rules.
#[test]
fn prefixes_and_suffixes_of_many_lengths_match_as_the_reference() {
    let mut r = Rng(99);
    let chars = |r: &mut Rng, n: u64| -> String {
        (0..n)
            .map(|_| ["a", "b", "A", "é"][r.below(4) as usize])
            .collect()
    };
    let word = |r: &mut Rng, max: u64| {
        let n = r.below(max + 1);
        chars(r, n)
    };
    // Keys of a few lengths with gaps between them: a head or tail grows by several bytes
    // from one length to the next.
    let key = |r: &mut Rng| {
        let n = [1, 4, 8, 9][r.below(4) as usize];
        chars(r, n)
    };
    let patterns: Vec<EventPattern> = (0..400)
        .map(|i| {
            let (k, k2) = (key(&mut r), key(&mut r));
            let text = match i % 5 {
                0 => format!(r#"{{"a": [{{"prefix": "{k}"}}]}}"#),
                1 => format!(r#"{{"a": [{{"suffix": "{k}"}}]}}"#),
                2 => format!(r#"{{"a": [{{"prefix": {{"equals-ignore-case": "{k}"}}}}]}}"#),
                3 => format!(r#"{{"a": [{{"prefix": "{k}"}}], "b": [{{"suffix": "{k2}"}}]}}"#),
                _ => format!(r#"{{"b": [{{"suffix": "{k}"}}], "c": [{{"prefix": "{k2}"}}]}}"#),
            };
            EventPattern::parse(&text).unwrap()
        })
        .collect();
    let m = CompiledMatcher::new(&patterns);
    let mut matched = 0;
    for _ in 0..300 {
        let text = format!(
            r#"{{"a": "{}", "b": "{}", "c": ["{}", "{}"]}}"#,
            word(&mut r, 14),
            word(&mut r, 14),
            word(&mut r, 14),
            word(&mut r, 14)
        );
        let want = matching(&patterns, &Json::parse(&text).unwrap());
        assert_eq!(m.matching_text(&text), Ok(want.clone()), "{text}");
        assert_eq!(as_set(&m, &text), want, "{text}");
        matched += want.len();
    }
    assert!(matched > 3000, "the values match many rules ({matched})");
}

/// Two or three fields tested inside one array of objects, `exists: false` among them, against
/// elements holding random subsets of the fields: where Ruler looks for an absent field only in
/// the elements the fields before it (in its order) matched in, the compiled matcher must send
/// the branch to the reference, and agree with it.
#[test]
fn absence_inside_arrays_of_objects_agrees() {
    let mut r = Rng(20261206);
    let tests = [
        "{\"exists\": false}",
        "\"x\"",
        "{\"exists\": true}",
        "\"y\"",
    ];
    let mut patterns = Vec::new();
    for _ in 0..60 {
        let mut fields = Vec::new();
        for k in ["a", "b", "c"] {
            if r.below(3) == 0 {
                continue;
            }
            let mut m = Vec::new();
            for _ in 0..1 + r.below(2) {
                m.push(r.pick(&tests));
            }
            fields.push(format!("\"{k}\": [{}]", m.join(", ")));
        }
        if fields.is_empty() {
            continue;
        }
        let inner = fields.join(", ");
        let text = match r.below(3) {
            0 => format!("{{\"d\": {{{inner}}}, \"e\": [\"x\"]}}"),
            _ => format!("{{\"d\": {{{inner}}}}}"),
        };
        patterns.push(EventPattern::parse(&text).unwrap());
    }
    let m = CompiledMatcher::new(&patterns);
    let mut absent_hidden = 0;
    for _ in 0..400 {
        let mut elements = Vec::new();
        for _ in 0..1 + r.below(3) {
            let mut kv = Vec::new();
            for k in ["a", "b", "c"] {
                if r.below(2) == 0 {
                    kv.push(format!("\"{k}\": \"{}\"", r.pick(&["x", "y"])));
                }
            }
            elements.push(format!("{{{}}}", kv.join(", ")));
        }
        let text = format!("{{\"d\": [{}], \"e\": \"x\"}}", elements.join(", "));
        let e = Json::parse(&text).unwrap();
        let want = matching(&patterns, &e);
        assert_eq!(m.matching(&e), want, "{text}");
        assert_eq!(m.matching_text(&text), Ok(want.clone()), "{text}");
        // Count the events where a pattern matches only because an absent field was looked
        // for in one element: the property is about those.
        for (i, p) in patterns.iter().enumerate() {
            let flat_absent = p.branches()[0].tests.iter().any(|t| {
                t.matchers
                    .iter()
                    .all(|mm| mm.op == event_pattern::Op::Exists(false))
                    && text.contains(&format!("\"{}\"", t.path.rsplit('.').next().unwrap_or("")))
            });
            if flat_absent && want.contains(&i) {
                absent_hidden += 1;
            }
        }
    }
    assert!(absent_hidden > 20, "{absent_hidden}");
}
