//! One function per fuzz target. Each takes arbitrary bytes, must never panic, and checks the
//! invariants that hold for every input (for example, the compiled matcher agreeing with the
//! reference evaluator). `fuzz/fuzz_targets/*.rs` call these; `tests/regressions.rs` replays the
//! stored inputs under `fuzz/regressions/<target>/` in `make test`.

use event_pattern::compiled::CompiledMatcher;
use event_pattern::{EventPattern, Json};

/// Splits an input in two at the first NUL byte (or in the middle).
fn split(data: &[u8]) -> (String, String) {
    let at = data.iter().position(|b| *b == 0).unwrap_or(data.len() / 2);
    let (a, b) = data.split_at(at);
    let b = if b.first() == Some(&0) { &b[1..] } else { b };
    (
        String::from_utf8_lossy(a).into_owned(),
        String::from_utf8_lossy(b).into_owned(),
    )
}

fn text(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}

/// Pattern parsing and validation; errors must render and carry sane positions.
pub fn pattern_parse(data: &[u8]) {
    let t = text(data);
    match EventPattern::parse(&t) {
        Ok(p) => assert!(!p.branches().is_empty()),
        Err(e) => {
            let m = e.message();
            assert!(!m.is_empty());
            if let Some(l) = e.location() {
                assert!(l.offset <= t.len());
            }
        }
    }
}

/// Pattern against an event: `explain` and `matches` agree.
pub fn pattern_match(data: &[u8]) {
    let (p, e) = split(data);
    if let (Ok(p), Ok(e)) = (EventPattern::parse(&p), Json::parse(&e)) {
        let plain = event_pattern::matches(&p, &e);
        let verdict = event_pattern::explain(&p, &e);
        assert_eq!(plain, verdict.matched());
    }
}

/// The compiled matcher against the reference (differential): patterns are the lines before the
/// NUL, the event comes after it. The tree walk and the text scanner are checked, the scanner
/// also with the text taken as valid JSON.
pub fn compiled_vs_reference(data: &[u8]) {
    let (ps, e) = split(data);
    let patterns: Vec<EventPattern> = ps
        .lines()
        .take(16)
        .filter_map(|l| EventPattern::parse(l).ok())
        .collect();
    let m = CompiledMatcher::new(&patterns);
    let mut prechecked = CompiledMatcher::new(&patterns);
    prechecked.set_text_prechecked(true);
    // Text said to be valid JSON: on text that is not, any answer, but no panic.
    let trusting = prechecked.matching_text(&e);
    let Ok(event) = Json::parse(&e) else {
        // The text scanner is exactly as strict as the parser.
        assert!(m.matching_text(&e).is_err(), "scanner accepted {e:?}");
        return;
    };
    let want = event_pattern::matching(&patterns, &event);
    assert_eq!(m.matching(&event), want);
    assert_eq!(m.matching_text(&e), Ok(want.clone()));
    assert_eq!(trusting, Ok(want.clone()));
    let mut set = event_pattern::compiled::MatchSet::default();
    assert!(m.matching_text_into(&e, &mut set).is_ok());
    assert_eq!(set.iter().collect::<Vec<_>>(), want);
}

/// An InputTransformer: template before the NUL, event after; paths map fixed.
pub fn transformer(data: &[u8]) {
    let (template, event) = split(data);
    let spec = input_transformer::TargetSpec::with_transformer(
        "t",
        [("a", "$.detail"), ("b", "$.detail.x[0]"), ("c", "$.source")],
        &template,
    );
    if let Ok(input) = spec.validate() {
        let _ = input_transformer::render(&input, &event, &Default::default());
    }
    let _ = input_transformer::JsonPath::parse(&text(data));
}

/// A VTL template (before the NUL) over a body (after it).
pub fn vtl(data: &[u8]) {
    let (template, body) = split(data);
    let req = apigw_vtl::Request {
        body,
        ..Default::default()
    };
    if let Err(e) = apigw_vtl::render_template(&template, &req) {
        assert!(e.line >= 1 && e.column >= 1);
    }
}

/// A PutEvents request body, through validation and routing.
pub fn putevents(data: &[u8]) {
    let body = text(data);
    if let Ok(entries) = eventbridge_sim::putevents::parse_request(&body) {
        for e in &entries {
            let _ = eventbridge_sim::putevents::validate_entry(e);
        }
    }
    let mut w = workshop::replay::world(&workshop::WorkshopState::default());
    let out = w.put_events(None, &body, 0);
    assert!(out.status == 200 || out.status == 400);
}

/// A custom event through the whole workshop: PutEvents, the rules (the first one's pattern
/// replaced), their targets' inputs, the Forecast function's log lines, schema discovery. The
/// first byte picks the bus; the rest is the event, then, after a NUL, the pattern. Every event
/// that reached a bus is valid JSON, as EventBridge serialises it.
pub fn replay_custom(data: &[u8]) {
    let buses = [
        "orders",
        "payments",
        workshop::BUILDKITE_SOURCE,
        "no-such-bus",
    ];
    let (bus, rest) = match data.split_first() {
        Some((b, rest)) => (buses[usize::from(*b) % buses.len()], rest),
        None => ("orders", data),
    };
    let (event, pattern) = split(rest);
    let mut state = workshop::WorkshopState::default();
    state.custom.bus = bus.into();
    state.custom.event = event;
    if let Some(rule) = state.rules.first_mut().filter(|_| !pattern.is_empty()) {
        rule.pattern = pattern;
    }
    let r = workshop::replay(&state, &["custom"]);
    for e in &r.events {
        assert!(Json::parse(&e.event).is_ok(), "{}", e.event);
    }
}

/// A share link fragment, decoded (and, when valid, re-encoded to the same state).
pub fn share_link(data: &[u8]) {
    let frag = text(data);
    if let Ok(state) = workshop::link::decode(&frag) {
        let again = workshop::link::decode(&workshop::link::encode(&state))
            .expect("re-encoded link decodes");
        assert_eq!(again, state);
    }
}

/// A Logs Insights query over a small log group.
pub fn insights(data: &[u8]) {
    let q = text(data);
    if let Ok(query) = eventbridge_sim::insights::Query::parse(&q) {
        let mut g = eventbridge_sim::LogGroup::default();
        g.append(
            "s",
            eventbridge_sim::LogEvent {
                timestamp: 1,
                message:
                    r#"{"detail-type":"Build Finished","detail":{"build":{"state":"passed"}}}"#
                        .into(),
            },
        );
        g.append(
            "s",
            eventbridge_sim::LogEvent {
                timestamp: 2,
                message: "not json".into(),
            },
        );
        let _ = query.run(&g);
    }
}

/// A fuzz target's body.
pub type Target = fn(&[u8]);

/// Every target, by name (the fuzz targets and the regression replayer use the same names).
pub const TARGETS: [(&str, Target); 9] = [
    ("pattern_parse", pattern_parse),
    ("pattern_match", pattern_match),
    ("compiled_vs_reference", compiled_vs_reference),
    ("transformer", transformer),
    ("vtl", vtl),
    ("putevents", putevents),
    ("share_link", share_link),
    ("insights", insights),
    ("replay_custom", replay_custom),
];
