//! Replaying samples through the simulated account: the whole workshop as a pure function of the
//! state, byte-identical on every run.

use std::borrow::Cow;

use apigw_vtl::{Integration, IntegrationTrace, Request};
use event_pattern::{Json, JsonValue, Span};
use eventbridge_sim::lambda::FunctionKind;
use eventbridge_sim::putevents::{envelope, PutEventsEntry};
use eventbridge_sim::schemas::{Schema, DISCOVERY_SERVICE};
use eventbridge_sim::{Delivery, Discovery, Dropped, EventRecord, Function, World};
use serde::Serialize;

use crate::samples::{self, BUILDKITE_BUILD};
use crate::state::{PartnerState, WorkshopState, APIGW_ROLE, ORDERGEN_ROLE};
use crate::{Workshop, BUILDKITE_SOURCE, FORECAST_FUNCTION};

/// The seed of every replay's id generator.
pub const SEED: u64 = 0x5EED_2020_0524;

/// When the order generator runs (the workshop's sample time).
pub const ORDER_TIME: i64 = 1_590_305_882;
/// Stripe's `created` for the samples; API Gateway calls PutEvents a second later.
pub const STRIPE_CREATED_TIME: i64 = 1_786_181_400;

/// What the order generator Lambda returned.
#[derive(Debug, Clone, Serialize)]
pub struct LambdaResult {
    /// The function's name.
    pub function: String,
    /// The HTTP status of the invocation.
    pub status: u16,
    /// What the function returned (the PutEvents response).
    pub response: String,
}

/// Everything a replay produced.
#[derive(Debug, Clone, Serialize)]
pub struct Replay {
    /// The samples replayed, by name, in order.
    pub samples: Vec<String>,
    /// Every event put on a bus, with each rule's verdict.
    pub events: Vec<EventRecord>,
    /// What each target received.
    pub deliveries: Vec<Delivery>,
    /// Deliveries EventBridge silently dropped, with the reason.
    pub dropped: Vec<Dropped>,
    /// Events schema discovery received, and the schema version each fits.
    pub discoveries: Vec<Discovery>,
    /// Each webhook's way through API Gateway: request, mapping template, PutEvents.
    pub api_gateway: Vec<IntegrationTrace>,
    /// The order generator's invocations.
    pub producers: Vec<LambdaResult>,
    /// CloudWatch Logs groups by name, with their streams.
    pub log_groups: Vec<(String, eventbridge_sim::LogGroup)>,
    /// Schemas discovered on buses with discovery started.
    pub schemas: Vec<Schema>,
    /// Problems with the inputs that stopped a sample (e.g. invalid custom event).
    pub errors: Vec<String>,
}

/// Builds the simulated account from the state.
pub fn world(state: &WorkshopState) -> World {
    let scenario = Workshop::default();
    let mut w = World::new(scenario.account.clone(), SEED);
    w.buses = scenario
        .buses
        .into_iter()
        .filter(|b| b.name != BUILDKITE_SOURCE || state.partner == PartnerState::Active)
        .collect();
    w.rules = state.rules.clone();
    // Schema discovery's managed rule exists only while discovery runs on its bus.
    w.rules.retain(|r| {
        r.managed_by.as_deref() != Some(DISCOVERY_SERVICE) || state.discovery.contains(&r.bus)
    });
    w.discovery = state.discovery.clone();
    w.grants = state.grants.clone();
    w.functions = vec![Function {
        name: FORECAST_FUNCTION.into(),
        kind: FunctionKind::Forecast,
    }];
    w
}

fn order_request(state: &WorkshopState) -> String {
    serde_json::json!({"Entries": [{"Source": "Order Service", "DetailType": "New Order", "Detail": state.order_detail, "EventBusName": "orders"}]}).to_string()
}

fn stripe_request(body: &str) -> Request {
    let mut r = Request {
        body: body.to_string(),
        headers: vec![
            (
                "Content-Type".into(),
                "application/json; charset=utf-8".into(),
            ),
            (
                "Stripe-Signature".into(),
                "t=1786181401,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd"
                    .into(),
            ),
        ],
        ..Default::default()
    };
    r.context.user_agent = "Stripe/1.0 (+https://stripe.com/docs/webhooks)".into();
    r
}

fn stripe_time(body: &str) -> i64 {
    serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v.get("created").and_then(|c| c.as_i64()))
        .unwrap_or(STRIPE_CREATED_TIME)
        + 1
}

/// Runs one sample by name. Unknown names are reported in `errors`.
pub fn run_sample(
    w: &mut World,
    state: &WorkshopState,
    name: &str,
    producers: &mut Vec<LambdaResult>,
    errors: &mut Vec<String>,
) {
    let integration = Integration::workshop_payments(&state.mapping_template);
    match name {
        "new-order" => {
            let out = w.put_events(Some(ORDERGEN_ROLE), &order_request(state), ORDER_TIME);
            producers.push(LambdaResult {
                function: "ordergen-function".into(),
                status: out.status,
                response: out.body,
            });
        }
        "stripe-created" | "stripe-succeeded" | "stripe-apostrophe" => {
            let body = match name {
                "stripe-created" => &state.stripe_created,
                "stripe-succeeded" => &state.stripe_succeeded,
                _ => &state.stripe_apostrophe,
            };
            w.webhook(
                &integration,
                &stripe_request(body),
                Some(APIGW_ROLE),
                stripe_time(body),
            );
        }
        "buildkite-build" => {
            if state.partner != PartnerState::Active {
                errors.push(format!(
                    "the Buildkite partner event source is {:?}: associate it with an event bus to receive its events",
                    state.partner
                ));
                return;
            }
            for e in BUILDKITE_BUILD {
                let Ok(v) = Json::parse(e) else { continue };
                let time = v.get("time").and_then(Json::as_str).and_then(parse_time);
                let (text, time) = (v.to_compact(), time.unwrap_or(0));
                w.deliver_to_bus(BUILDKITE_SOURCE, &text, time);
            }
        }
        "custom" => match CustomEventJson::read(&state.custom.event) {
            Ok(custom) => {
                let bus = state.custom.bus.as_str();
                if bus == BUILDKITE_SOURCE || bus.starts_with("aws.partner/") {
                    // Partner buses only receive from their partner: deliver the event as the
                    // partner would.
                    let id = format!("custom-{}", w.events.len());
                    let entry = PutEventsEntry {
                        source: custom.string("source"),
                        detail_type: custom.string("detail-type"),
                        ..PutEventsEntry::default()
                    };
                    let event = envelope(
                        &id,
                        &entry,
                        &w.account.id,
                        &w.account.region,
                        "2026-11-28T00:00:00Z",
                        &custom.detail(),
                    );
                    w.deliver_to_bus(bus, &event, 1_795_824_000);
                } else {
                    let out = w.put_events(None, &custom.put_events_request(bus), 1_795_824_000);
                    producers.push(LambdaResult {
                        function: "custom PutEvents".into(),
                        status: out.status,
                        response: out.body,
                    });
                }
            }
            Err(e) => errors.push(e),
        },
        other => errors.push(format!(
            "unknown sample `{other}`; see `ebw replay --list-samples`"
        )),
    }
}

/// The custom event, read with the same parser as every other event (so its nesting limit and its
/// number lexemes are those of the rest of the simulator: `1.50` stays `1.50`).
struct CustomEventJson<'t> {
    text: &'t str,
    event: Json,
}

impl<'t> CustomEventJson<'t> {
    fn read(text: &'t str) -> Result<Self, String> {
        let event =
            Json::parse(text).map_err(|e| format!("the custom event is not valid JSON: {e}"))?;
        Ok(CustomEventJson { text, event })
    }

    /// The text of a top-level string field.
    fn string(&self, key: &str) -> Option<String> {
        self.event.get(key).and_then(Json::as_str).map(String::from)
    }

    /// A top-level field's text as written.
    fn raw(&self, key: &str) -> Option<&'t str> {
        self.event
            .get(key)
            .and_then(|v| self.text.get(v.span.start..v.span.end))
    }

    /// The `detail` object (`{}` when the event has none).
    fn detail(&self) -> Cow<'_, Json> {
        match self.event.get("detail") {
            Some(d) => Cow::Borrowed(d),
            None => Cow::Owned(Json {
                value: JsonValue::Object(Vec::new()),
                span: Span::new(0, 0),
            }),
        }
    }

    /// The PutEvents request that puts this event on `bus`: its `detail` as the entry's `Detail`
    /// text, exactly as written; `resources` as written too, so that PutEvents decides what a
    /// malformed one means.
    fn put_events_request(&self, bus: &str) -> String {
        let q = |s: &str| serde_json::Value::String(s.to_string()).to_string();
        let mut entry = vec![
            format!("\"Detail\":{}", q(self.raw("detail").unwrap_or("{}"))),
            format!("\"EventBusName\":{}", q(bus)),
        ];
        if let Some(source) = self.string("source") {
            entry.push(format!("\"Source\":{}", q(&source)));
        }
        if let Some(detail_type) = self.string("detail-type") {
            entry.push(format!("\"DetailType\":{}", q(&detail_type)));
        }
        if let Some(resources) = self.raw("resources") {
            entry.push(format!("\"Resources\":{resources}"));
        }
        format!("{{\"Entries\":[{{{}}}]}}", entry.join(","))
    }
}

/// `YYYY-MM-DDThh:mm:ssZ` → epoch seconds.
pub fn parse_time(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[10] != b'T' {
        return None;
    }
    let n = |r: std::ops::Range<usize>| s.get(r)?.parse::<i64>().ok();
    let (y, m, d) = (n(0..4)?, n(5..7)?, n(8..10)?);
    let (hh, mm, ss) = (n(11..13)?, n(14..16)?, n(17..19)?);
    // Days from civil (Howard Hinnant's algorithm).
    let y2 = if m <= 2 { y - 1 } else { y };
    let era = y2.div_euclid(400);
    let yoe = y2 - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + hh * 3600 + mm * 60 + ss)
}

/// The default order of "Replay all".
pub const ALL_SAMPLES: [&str; 5] = [
    "new-order",
    "stripe-created",
    "stripe-succeeded",
    "stripe-apostrophe",
    "buildkite-build",
];

/// Replays the named samples (all of them when `names` is empty) on a fresh account.
pub fn replay(state: &WorkshopState, names: &[&str]) -> Replay {
    let mut w = world(state);
    let mut producers = Vec::new();
    let mut errors = Vec::new();
    let names: Vec<&str> = if names.is_empty() {
        ALL_SAMPLES.to_vec()
    } else {
        names.to_vec()
    };
    for n in &names {
        run_sample(&mut w, state, n, &mut producers, &mut errors);
    }
    Replay {
        samples: names.iter().map(|s| s.to_string()).collect(),
        events: w.events,
        deliveries: w.deliveries,
        dropped: w.dropped,
        discoveries: w.discoveries,
        api_gateway: w.api_gateway,
        producers,
        log_groups: w.log_groups.into_iter().collect(),
        schemas: w.schemas.schemas,
        errors,
    }
}

/// The sample list, for `--list-samples` and the UI.
pub fn sample_names() -> Vec<&'static str> {
    samples::SAMPLES.iter().map(|s| s.name).collect()
}
