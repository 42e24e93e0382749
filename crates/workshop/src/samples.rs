//! The workshop's sample payloads, embedded so the app works offline.

/// The workshop's API Gateway request mapping template (VTL).
pub const MAPPING_TEMPLATE: &str = include_str!("../samples/apigw-mapping-template.vtl");
/// The order generator's PutEvents request.
pub const ORDERS_PUTEVENTS_REQUEST: &str = include_str!("../samples/orders-putevents-request.json");
/// Stripe's `payment_intent.created` webhook body.
pub const STRIPE_CREATED: &str = include_str!("../samples/stripe-payment_intent.created.json");
/// Stripe's `payment_intent.succeeded` webhook body.
pub const STRIPE_SUCCEEDED: &str = include_str!("../samples/stripe-payment_intent.succeeded.json");
/// A `payment_intent.created` webhook whose description has an apostrophe (the
/// workshop's template renders it as `\'`, which is not valid JSON: no event reaches the bus).
pub const STRIPE_APOSTROPHE: &str =
    include_str!("../samples/stripe-payment_intent.created.apostrophe.json");

/// One Buildkite build's events, in the order Buildkite sends them.
pub const BUILDKITE_BUILD: [&str; 6] = [
    include_str!("../samples/buildkite-build-created.json"),
    include_str!("../samples/buildkite-build-started.json"),
    include_str!("../samples/buildkite-job-scheduled.json"),
    include_str!("../samples/buildkite-job-started.json"),
    include_str!("../samples/buildkite-job-finished.json"),
    include_str!("../samples/buildkite-build-finished.json"),
];

/// The order the generator Lambda puts in `Detail` (as Python's `json.dumps` wrote it).
pub fn order_detail() -> String {
    serde_json::from_str::<serde_json::Value>(ORDERS_PUTEVENTS_REQUEST)
        .ok()
        .and_then(|v| {
            v.pointer("/Entries/0/Detail")
                .and_then(|d| d.as_str())
                .map(String::from)
        })
        .unwrap_or_default()
}

/// A sample the user can replay.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct SampleInfo {
    /// Its name in links, the CLI and the JS API.
    pub name: &'static str,
    /// Its label on the page.
    pub label: &'static str,
}

/// Every sample, in the order the page lists them.
pub const SAMPLES: [SampleInfo; 6] = [
    SampleInfo {
        name: "new-order",
        label: "New Order",
    },
    SampleInfo {
        name: "stripe-created",
        label: "Stripe: payment_intent.created",
    },
    SampleInfo {
        name: "stripe-succeeded",
        label: "Stripe: payment_intent.succeeded",
    },
    SampleInfo {
        name: "stripe-apostrophe",
        label: "Stripe: payment with an apostrophe",
    },
    SampleInfo {
        name: "buildkite-build",
        label: "Buildkite: run a build",
    },
    SampleInfo {
        name: "custom",
        label: "Custom event",
    },
];
