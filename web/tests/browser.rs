//! Component tests in a real browser (`wasm-pack test --headless --chrome`).
#![cfg(target_arch = "wasm32")]

use std::time::Duration;

use ebw_web::editor::{Editor, EditorError, MarkKind};
use ebw_web::state::Model;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use workshop::state::WorkshopState;
use yew::prelude::*;

wasm_bindgen_test_configure!(run_in_browser);

fn mount() -> web_sys::Element {
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    root
}

async fn settle() {
    gloo_timers::future::sleep(Duration::from_millis(60)).await;
}

#[wasm_bindgen_test]
async fn renders_the_workshop_diagram_from_the_state() {
    let root = mount();
    let props = ebw_web::AppProps {
        initial: Some(Model::new(WorkshopState::default(), None, None)),
    };
    yew::Renderer::<ebw_web::App>::with_root_and_props(root.clone(), props).render();
    settle().await;
    let text = root.text_content().unwrap_or_default();
    for expected in [
        "orders-catchall",
        "payments-catchall",
        "buildkite-catchall",
        "ordergen-function",
        "Replay all",
    ] {
        assert!(text.contains(expected), "page lacks {expected}");
    }
    assert!(root.query_selector_all(".node.rule").unwrap().length() >= 5);
}

#[derive(Properties, PartialEq)]
struct Wrap {
    marks: Vec<(usize, usize, MarkKind)>,
}

#[function_component(MarkedEditor)]
fn marked_editor(p: &Wrap) -> Html {
    html! { <Editor label="Pattern" value={r#"{"a": [1]}"#} marks={p.marks.clone()} error={Some(EditorError { message: "bad".into(), line: 1, column: 7, hint: None })} /> }
}

#[wasm_bindgen_test]
async fn editor_marks_spans_and_shows_the_error_position() {
    let root = mount();
    yew::Renderer::<MarkedEditor>::with_root_and_props(
        root.clone(),
        Wrap {
            marks: vec![(2, 3, MarkKind::Highlight)],
        },
    )
    .render();
    settle().await;
    let hl = root
        .query_selector(".mark-highlight")
        .unwrap()
        .expect("a highlighted run");
    assert_eq!(hl.text_content().unwrap(), "a");
    let err = root
        .query_selector(".editor-error")
        .unwrap()
        .unwrap()
        .text_content()
        .unwrap();
    assert_eq!(err, "Line 1, column 7: bad");
    // Text goes in as text: markup in a value is never parsed as HTML.
    assert!(root.query_selector("script").unwrap().is_none());
}

#[wasm_bindgen_test]
fn share_codec_round_trips_in_the_browser() {
    let s = WorkshopState {
        mapping_template: "<script>alert(1)</script> ✓".into(),
        ..Default::default()
    };
    let link = workshop::link::encode(&s);
    assert_eq!(workshop::link::decode(&link).unwrap(), s);
    assert!(workshop::link::decode("#s1.broken!").is_err());
}

#[wasm_bindgen_test]
fn js_api_answers_with_values() {
    let r = ebw_web::js_api::test_event_pattern(
        r#"{"a": ["b"]}"#,
        r#"{"id":"1","account":"1","source":"s","time":"t","region":"r","detail-type":"d","a":"b"}"#,
    );
    let result = js_sys_get(&r, "result");
    assert_eq!(result.as_bool(), Some(true));
    let e = ebw_web::js_api::test_event_pattern(r#"{"a": []}"#, "{}");
    assert!(js_sys_get(&e, "error").is_object());
}

fn js_sys_get(v: &wasm_bindgen::JsValue, key: &str) -> wasm_bindgen::JsValue {
    // serde-wasm-bindgen returns Maps for json! objects.
    if let Some(m) = v.dyn_ref::<js_sys::Map>() {
        return m.get(&key.into());
    }
    js_sys::Reflect::get(v, &key.into()).unwrap_or(wasm_bindgen::JsValue::UNDEFINED)
}

/// The event-pattern engine on wasm32, in the browser: every recorded AWS case.
#[wasm_bindgen_test]
fn pattern_conformance_holds_in_the_browser() {
    let cases: serde_json::Value =
        serde_json::from_str(include_str!("../../../shared/conformance/patterns.json")).unwrap();
    let cases = cases.as_array().unwrap();
    assert_eq!(cases.len(), 197);
    for c in cases {
        let got = event_pattern::test_event_pattern(
            c["pattern_sent"].as_str().unwrap(),
            c["event_sent"].as_str().unwrap(),
        );
        match (&c["expected"], got) {
            (serde_json::Value::Bool(want), Ok(have)) => assert_eq!(*want, have, "{}", c["name"]),
            (serde_json::Value::String(_), Err(e)) => assert_eq!(
                e.message(),
                c["error_message"].as_str().unwrap(),
                "{}",
                c["name"]
            ),
            (want, have) => panic!("{}: want {want}, have {have:?}", c["name"]),
        }
    }
}

/// The compiled matcher on wasm32, where the scanner has no SSE2 and works in eight-byte words
/// and byte loops: it agrees with the reference evaluator on every recorded event (all valid
/// recorded patterns compiled together), and refuses exactly the texts the parser refuses.
#[wasm_bindgen_test]
fn compiled_matcher_agrees_with_the_reference_in_the_browser() {
    use event_pattern::{compiled::CompiledMatcher, EventPattern, Json};
    let cases: serde_json::Value =
        serde_json::from_str(include_str!("../../../shared/conformance/patterns.json")).unwrap();
    let cases = cases.as_array().unwrap();
    let patterns: Vec<EventPattern> = cases
        .iter()
        .filter_map(|c| EventPattern::parse(c["pattern_sent"].as_str()?).ok())
        .collect();
    assert!(patterns.len() > 100, "{}", patterns.len());
    let m = CompiledMatcher::new(&patterns);
    // The same rules, the text taken as valid JSON: on wasm32 the parts no rule reaches are
    // then skipped byte by byte, counting brackets outside strings.
    let mut prechecked = CompiledMatcher::new(&patterns);
    prechecked.set_text_prechecked(true);
    let coordinates = (0..40)
        .map(|i| format!("[-122.{i:06}, 37.{:06}, 0.0, 1e{}]", i * 7919, i % 9))
        .collect::<Vec<_>>()
        .join(",\n ");
    let long = "a string longer than sixteen bytes, with \\u00e9 and \\\" inside";
    let mut events: Vec<String> = cases
        .iter()
        .filter_map(|c| Some(c["event_sent"].as_str()?.to_string()))
        .collect();
    events.push(format!(
        r#"{{"source": "{long}", "detail": {{"c": [[{coordinates}]], "state": "{long}"}}}}"#
    ));
    // Broken copies, one rule each: a leading zero, an exponent without digits, a double sign,
    // a bad escape, a raw control character, an unclosed array, a missing comma.
    let last = events.last().unwrap().clone();
    for (from, to) in [
        ("0.0, 1e3", "00, 1e3"),
        ("1e5]", "1e]"),
        ("[-122.000003", "[--122.000003"),
        ("\\u00e9", "\\u00g9"),
        ("sixteen", "six\tteen"),
        ("1e3]]]", "1e3]]"),
        ("37.015838, 0.0", "37.015838 0.0"),
    ] {
        assert!(last.contains(from), "{from}");
        events.push(last.replacen(from, to, 1));
    }
    // Brackets and quotes inside strings no rule reads, before fields rules do read.
    events.push(
        r#"{"zz": ["]}\"[", {"k": "[[\\"}, "}"], "source": "core.update-account-command", "detail": {"state": "x"}}"#
            .to_string(),
    );
    let tricky = events.last().unwrap().clone();
    let (mut valid, mut invalid) = (0, 0);
    for e in &events {
        match Json::parse(e) {
            Ok(tree) => {
                valid += 1;
                let want = event_pattern::matching(&patterns, &tree);
                assert_eq!(m.matching_text(e), Ok(want.clone()), "{e}");
                assert_eq!(
                    prechecked.matching_text(e),
                    Ok(want.clone()),
                    "prechecked: {e}"
                );
                assert_eq!(m.matching(&tree), want, "{e}");
            }
            Err(_) => {
                invalid += 1;
                assert!(m.matching_text(e).is_err(), "accepted {e}");
            }
        }
    }
    assert!(
        valid > 150 && invalid >= 7,
        "{valid} valid, {invalid} invalid"
    );
    // Some rule reads past the skipped strings (else the event would test little).
    assert!(!prechecked.matching_text(&tricky).unwrap().is_empty());
}

/// The workshop replay on wasm32: the same bytes as natively (checked against a fixed digest of
/// the forecast payload).
#[wasm_bindgen_test]
fn replay_runs_in_the_browser() {
    let r = workshop::replay(&WorkshopState::default(), &["new-order"]);
    let forecast = r
        .deliveries
        .iter()
        .find(|d| d.target == "ForecastFunctionNewOrderLambdaTarget")
        .unwrap();
    assert_eq!(
        forecast.payload,
        r#"{"order_id": 12345,"order_date": "2020-05-24 07:38:01.979602","items": [{"product_id":"shoe_07","qty":1,"price":40.0}]}"#
    );
}

/// An event 1000 levels deep, the most Jackson allows, goes through the whole workshop on the
/// browser's stack, even unoptimized: every walk over an event is a loop.
#[wasm_bindgen_test]
fn the_deepest_event_replays_in_the_browser() {
    let mut state = WorkshopState::default();
    state.custom.bus = "orders".into();
    // The event, `detail`, `items` and the innermost object are four of the 1000 levels.
    let inner = "{\"a\":".repeat(996) + "{\"qty\": 1}" + &"}".repeat(996);
    state.custom.event = format!(
        r#"{{"source": "Order Service", "detail-type": "New Order", "detail": {{"order_id": 7, "items": [{inner}]}}}}"#
    );
    let r = workshop::replay(&state, &["custom"]);
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(r.events.len(), 1);
    let fired: Vec<&str> = r.deliveries.iter().map(|d| d.rule.as_str()).collect();
    assert_eq!(fired.len(), 2, "{fired:?}");
    assert_eq!(r.discoveries.len(), 1);
}

/// The compiled matcher reads a 1000-level event along the deepest path a pattern can name: a
/// dotted key of 1000 segments. Its scan recurses a level at a time.
#[wasm_bindgen_test]
fn the_compiled_matcher_reads_the_deepest_path_in_the_browser() {
    use event_pattern::{compiled::CompiledMatcher, EventPattern};
    let levels = event_pattern::MAX_EVENT_DEPTH;
    let pattern = format!("{{\"{}\": [\"x\"]}}", vec!["a"; levels].join("."));
    let event = "{\"a\":".repeat(levels) + "\"x\"" + &"}".repeat(levels);
    let m = CompiledMatcher::new(&[EventPattern::parse(&pattern).unwrap()]);
    assert_eq!(m.matching_text(&event), Ok(vec![0]));
}

#[wasm_bindgen_test]
fn js_api_explain_transform_render_and_replay() {
    let v = ebw_web::js_api::explain(r#"{"a": ["B"]}"#, r#"{"a": "b"}"#);
    assert_eq!(js_sys_get(&v, "matched").as_bool(), Some(false));
    let target =
        serde_wasm_bindgen::to_value(&serde_json::json!({"Id": "t", "InputPath": "$.detail"}))
            .unwrap();
    let out = ebw_web::js_api::transform(target, r#"{"detail": {"x": 1}}"#, "r", "arn");
    assert!(!out.is_null());
    let r = ebw_web::js_api::render_vtl("$input.json('$.a')", r#"{"a": "z"}"#);
    assert_eq!(
        js_sys_get(&r, "output").as_string().as_deref(),
        Some("\"z\"")
    );
    let e = ebw_web::js_api::render_vtl("#if(", "{}");
    assert!(js_sys_get(&e, "error").is_object());
    let replay = ebw_web::js_api::replay(
        "",
        serde_wasm_bindgen::to_value(&vec!["new-order"]).unwrap(),
    );
    assert!(!replay.is_null());
}

#[wasm_bindgen_test]
async fn verdict_tree_rows_highlight_the_pattern_and_the_event() {
    let mut state = WorkshopState::default();
    state.rules[2].pattern =
        r#"{"source": ["Order Service"], "detail-type": ["new order"]}"#.into();
    let mut model = Model::new(state, None, None);
    model.replayed = vec!["new-order".into()];
    model.selected_rule = Some(workshop::FORECAST_RULE.into());
    let root = mount();
    yew::Renderer::<ebw_web::App>::with_root_and_props(
        root.clone(),
        ebw_web::AppProps {
            initial: Some(model),
        },
    )
    .render();
    settle().await;
    let failing = root
        .query_selector(".leaves tr.fail")
        .unwrap()
        .expect("a failing leaf row");
    assert!(failing.text_content().unwrap().contains("detail-type"));
    failing.dyn_into::<web_sys::HtmlElement>().unwrap().click();
    settle().await;
    let marks: Vec<String> = {
        let list = root.query_selector_all(".verdict .mark-highlight").unwrap();
        (0..list.length())
            .filter_map(|i| list.item(i))
            .filter_map(|n| n.text_content())
            .collect()
    };
    assert!(
        marks.iter().any(|m| m.contains("new order")),
        "pattern leaf highlighted: {marks:?}"
    );
    assert!(
        marks.iter().any(|m| m.contains("New Order")),
        "event value highlighted: {marks:?}"
    );
}
