//! The default workshop, replayed: what each workshop step shows.

use workshop::{replay, Replay, WorkshopState, FORECAST_FUNCTION};

/// What `target` received.
fn payload_of<'r>(r: &'r Replay, target: &str) -> &'r str {
    let delivery = r.deliveries.iter().find(|d| d.target == target);
    &delivery
        .unwrap_or_else(|| panic!("no delivery to {target}"))
        .payload
}

/// The messages of a log group, in order.
fn log_messages<'r>(r: &'r Replay, group: &str) -> Vec<&'r str> {
    let found = r.log_groups.iter().find(|(n, _)| n == group);
    let (_, logs) = found.unwrap_or_else(|| panic!("no log group {group}"));
    logs.events().map(|e| e.message.as_str()).collect()
}

#[test]
fn new_order_reaches_the_log_group_and_the_forecast_function_transformed() {
    let r = replay(&WorkshopState::default(), &["new-order"]);
    assert_eq!(r.producers[0].status, 200);
    assert!(r.producers[0].response.contains("\"FailedEntryCount\":0"));
    let catchall = r
        .deliveries
        .iter()
        .find(|d| d.rule == "orders-catchall")
        .expect("orders-catchall delivery");
    assert!(catchall.payload.contains(r#""detail-type":"New Order","source":"Order Service","account":"123456789012","time":"2020-05-24T07:38:02Z","region":"us-west-2","resources":[],"detail":{"order_id":12345,"order_date":"2020-05-24 07:38:01.979602","items":[{"product_id":"shoe_07","qty":1,"price":40.0}],"customer":{"id":9876543210,"name":"Jane Doe","address":"Some address"}}}"#), "{}", catchall.payload);
    assert_eq!(
        payload_of(&r, "ForecastFunctionNewOrderLambdaTarget"),
        r#"{"order_id": 12345,"order_date": "2020-05-24 07:38:01.979602","items": [{"product_id":"shoe_07","qty":1,"price":40.0}]}"#
    );
    let lines = log_messages(&r, &format!("/aws/lambda/{FORECAST_FUNCTION}"));
    assert!(
        lines.iter().any(|l| l.starts_with(
            "Raw Event: {'order_id': 12345, 'order_date': '2020-05-24 07:38:01.979602'"
        )),
        "{lines:?}"
    );
    assert!(lines.contains(&"New Order: None"));
}

#[test]
fn schema_discovery_names_the_schema_as_aws_does() {
    let r = replay(&WorkshopState::default(), &["new-order"]);
    let s = r
        .schemas
        .iter()
        .find(|s| s.name == "Order-Service@NewOrder")
        .expect("schema");
    assert_eq!(s.versions.len(), 1);
    // Compare with the reference reconstruction; `required` order is not meaningful.
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/reference/samples");
    if let Ok(text) = std::fs::read_to_string(
        dir.join("schema-Order-Service@NewOrder.openapi3.RECONSTRUCTED.json"),
    ) {
        let mut want: serde_json::Value = serde_json::from_str(&text).unwrap();
        let mut have = s.versions[0].content.clone();
        fn sort_required(v: &mut serde_json::Value) {
            match v {
                serde_json::Value::Object(m) => {
                    for (k, x) in m.iter_mut() {
                        if k == "required" {
                            if let serde_json::Value::Array(a) = x {
                                a.sort_by_key(|e| e.to_string());
                            }
                        } else {
                            sort_required(x);
                        }
                    }
                }
                serde_json::Value::Array(a) => a.iter_mut().for_each(sort_required),
                _ => {}
            }
        }
        sort_required(&mut want);
        sort_required(&mut have);
        assert_eq!(have, want);
    }
}

#[test]
fn stripe_events_reach_payments_catchall_and_the_apostrophe_is_lost() {
    let r = replay(
        &WorkshopState::default(),
        &["stripe-created", "stripe-succeeded", "stripe-apostrophe"],
    );
    let types: Vec<&str> = r
        .events
        .iter()
        .filter(|e| e.bus == "payments")
        .map(|e| e.detail_type.as_str())
        .collect();
    assert_eq!(
        types,
        vec!["payment_intent.created", "payment_intent.succeeded"]
    );
    let group = &r
        .log_groups
        .iter()
        .find(|(n, _)| n == "/aws/events/payments-catchall")
        .unwrap()
        .1;
    assert_eq!(group.streams.len(), 2);
    let apostrophe = &r.api_gateway[2];
    assert_eq!(apostrophe.status, 200, "Stripe still gets 200");
    assert_eq!(apostrophe.backend_status, Some(400));
    assert_eq!(
        apostrophe.body,
        r#"{"__type":"com.amazon.coral.service#SerializationException"}"#
    );
    assert!(apostrophe.rendered.as_ref().unwrap().contains(r"Jane\'s"));
}

#[test]
fn buildkite_build_lands_in_buildkite_catchall() {
    let r = replay(&WorkshopState::default(), &["buildkite-build"]);
    let group = &r
        .log_groups
        .iter()
        .find(|(n, _)| n == "/aws/events/buildkite-catchall")
        .unwrap()
        .1;
    let types: Vec<String> = group
        .events()
        .map(|e| {
            serde_json::from_str::<serde_json::Value>(&e.message).unwrap()["detail-type"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(
        types,
        [
            "Build Created",
            "Build Started",
            "Job Scheduled",
            "Job Started",
            "Job Finished",
            "Build Finished"
        ]
    );
    // Partner sources are discovered too, but only on buses with discovery started.
    assert!(r.schemas.is_empty());
}

#[test]
fn replays_are_byte_identical() {
    let s = WorkshopState::default();
    let a = serde_json::to_string(&replay(&s, &[])).unwrap();
    let b = serde_json::to_string(&replay(&s, &[])).unwrap();
    assert_eq!(a, b);
}

#[test]
fn revoking_the_grant_gives_access_denied() {
    let mut s = WorkshopState::default();
    s.grants.retain(|g| g.bus != "orders");
    let r = replay(&s, &["new-order"]);
    assert_eq!(r.producers[0].status, 400);
    assert!(r.producers[0].response.contains("AccessDeniedException"));
    assert!(r.events.is_empty());
}

#[test]
fn pending_partner_source_receives_nothing() {
    let s = WorkshopState {
        partner: workshop::state::PartnerState::Pending,
        ..Default::default()
    };
    let r = replay(&s, &["buildkite-build"]);
    assert!(r.events.is_empty());
    assert!(r.errors[0].contains("Pending"));
}

/// The state with a custom event written for `bus`, replayed.
fn replay_custom(bus: &str, event: &str) -> workshop::Replay {
    let mut state = WorkshopState::default();
    state.custom.bus = bus.into();
    state.custom.event = event.into();
    replay(&state, &["custom"])
}

const WRITTEN: &str = r#"{"source": "Order Service", "detail-type": "New Order", "resources": ["arn:x"],
  "detail": {"z": 1.50, "a": 1e2, "n": -0.0, "big": 12345678901234567890123}}"#;
const AS_WRITTEN: &str = r#""detail":{"z":1.50,"a":1e2,"n":-0.0,"big":12345678901234567890123}}"#;

/// The custom event's detail reaches the bus as written (compacted): its numbers keep their
/// lexemes and its keys their order, as in every other event the simulator carries.
#[test]
fn a_custom_event_keeps_its_number_lexemes_and_key_order_through_put_events() {
    let r = replay_custom("orders", WRITTEN);
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(r.producers[0].status, 200, "{}", r.producers[0].response);
    let event = &r.events[0].event;
    assert!(event.ends_with(AS_WRITTEN), "{event}");
    assert!(event.contains(r#""resources":["arn:x"]"#), "{event}");
    let catchall = r.deliveries.iter().find(|d| d.rule == "orders-catchall");
    assert!(catchall.is_some_and(|d| d.payload.ends_with(AS_WRITTEN)));
}

#[test]
fn a_custom_event_for_the_partner_bus_keeps_its_detail_as_written() {
    let r = replay_custom(workshop::BUILDKITE_SOURCE, WRITTEN);
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    let event = &r.events[0].event;
    assert!(event.ends_with(AS_WRITTEN), "{event}");
    assert!(
        event.contains(r#""detail-type":"New Order","source":"Order Service""#),
        "{event}"
    );
}

/// What PutEvents makes of the entry decides: a detail that is not an object is malformed, and
/// resources that are not a list of strings fail the whole request.
#[test]
fn a_custom_event_goes_through_put_events_validation_as_written() {
    let r = replay_custom(
        "orders",
        r#"{"source": "s", "detail-type": "d", "detail": [1]}"#,
    );
    assert!(
        r.producers[0].response.contains("MalformedDetail"),
        "{}",
        r.producers[0].response
    );
    let r = replay_custom(
        "orders",
        r#"{"source": "s", "detail-type": "d", "detail": {}, "resources": [1]}"#,
    );
    assert_eq!(r.producers[0].status, 400, "{}", r.producers[0].response);
    let r = replay_custom("orders", r#"{"detail-type": "d", "detail": {}}"#);
    assert!(
        r.producers[0]
            .response
            .contains("Source is a required argument"),
        "{}",
        r.producers[0].response
    );
}

#[test]
fn a_custom_event_that_is_not_json_is_reported_with_its_position() {
    let r = replay_custom("orders", "{\"source\": \"s\",\n \"detail\": tru}");
    assert!(r.events.is_empty());
    assert_eq!(r.errors.len(), 1);
    let e = &r.errors[0];
    assert!(
        e.starts_with("the custom event is not valid JSON: Unrecognized token 'tru'"),
        "{e}"
    );
    assert!(e.ends_with("at line 2, column 15"), "{e}");
}

/// A custom event whose `items` hold objects nested `levels` deep in all.
fn nested_event(levels: usize) -> String {
    // The event, `detail`, `items` and the innermost object with `qty` are four levels.
    let inner = "{\"a\":".repeat(levels - 4) + "{\"qty\": 1}" + &"}".repeat(levels - 4);
    format!(
        r#"{{"source": "Order Service", "detail-type": "New Order", "detail": {{"order_id": 7, "items": [{inner}]}}}}"#
    )
}

/// How deep a JSON text nests (brackets inside strings aside: these events have none).
fn nesting(text: &str) -> i32 {
    let mut depth = 0;
    let mut deepest = 0;
    for b in text.bytes() {
        depth += match b {
            b'{' | b'[' => 1,
            b'}' | b']' => -1,
            _ => 0,
        };
        deepest = deepest.max(depth);
    }
    deepest
}

/// An event nests up to 1000 levels, as Jackson lets EventBridge parse it: PutEvents takes a
/// detail that makes the event that deep, and the event goes through every part of the workshop
/// (rules, logs, the forecast function's InputTransformer and its Python log lines, schema
/// discovery). Every walk over the event is a loop, not a recursion, so this needs little stack:
/// 128 KiB in the release build, 256 KiB in the test build.
#[test]
fn an_event_nested_a_thousand_levels_goes_through_the_whole_workshop() {
    let on_small_stack = |bus: &'static str| {
        std::thread::Builder::new()
            .stack_size(256 << 10)
            .spawn(move || replay_custom(bus, &nested_event(1000)))
            .unwrap()
            .join()
            .unwrap()
    };
    // The partner bus takes the event as the partner sends it.
    let partner = on_small_stack(workshop::BUILDKITE_SOURCE);
    assert!(partner.errors.is_empty(), "{:?}", partner.errors);
    assert_eq!(nesting(&partner.events[0].event), 1000);
    let r = on_small_stack("orders");
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert!(
        r.producers[0].response.contains("\"FailedEntryCount\":0"),
        "{}",
        r.producers[0].response
    );
    let event = &r.events[0].event;
    assert_eq!(nesting(event), 1000);
    let forecast = payload_of(&r, "ForecastFunctionNewOrderLambdaTarget");
    assert!(
        forecast.starts_with(r#"{"order_id": 7,"order_date": "","items": [{"a":{"a":"#),
        "{}",
        &forecast[..80]
    );
    assert!(r
        .deliveries
        .iter()
        .any(|d| d.rule == "orders-catchall" && d.payload == *event));
    let lines = log_messages(&r, &format!("/aws/lambda/{FORECAST_FUNCTION}"));
    assert!(lines
        .iter()
        .any(|l| l
            .starts_with("Raw Event: {'order_id': 7, 'order_date': '', 'items': [{'a': {'a': ")));
    assert_eq!(r.discoveries.len(), 1, "{:?}", r.discoveries);
}

/// The custom event is the event as written: one level more, and it is refused with Jackson's
/// message before it is sent.
#[test]
fn an_event_nested_deeper_than_a_thousand_levels_is_refused() {
    let r = replay_custom("orders", &nested_event(1001));
    assert!(r.events.is_empty() && r.producers.is_empty());
    assert_eq!(r.errors.len(), 1);
    assert!(r.errors[0].starts_with("the custom event is not valid JSON: Document nesting depth (1001) exceeds the maximum allowed (1000"), "{}", r.errors[0]);
}
