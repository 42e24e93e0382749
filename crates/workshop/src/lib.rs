//! # workshop
//!
//! The scenario of the "Event Driven Architecture" workshop as data: who produces events, the
//! three buses, and the rules and targets the workshop creates on them
//! (`../shared/reference/workshop-instructions.md`). The web app draws this; the simulator runs it.
//!
//! ```
//! let w = workshop::Workshop::default();
//! assert_eq!(w.buses.len(), 3);
//! assert!(w.rules.iter().any(|r| r.name == "orders-catchall"));
//! ```

#![deny(missing_docs)]
pub mod diagnostics;
pub mod export;
pub mod format;
pub mod link;
pub mod replay;
pub mod samples;
pub mod state;

pub use replay::{replay, Replay};
pub use state::WorkshopState;

use eventbridge_sim::{Account, EventBus, Rule, RuleState, Target, TargetInput};
use serde::{Deserialize, Serialize};

/// The Buildkite organisation's partner event source (and so the partner bus's name).
pub const BUILDKITE_SOURCE: &str =
    "aws.partner/buildkite.com/my-org/0f6e2b8a-4c1d-4e9f-a7b3-5d2c8e1f9a64";

/// The Forecast function, as SAM names it.
pub const FORECAST_FUNCTION: &str = "forecast-app-ForecastFunction-1A2B3C4D5E6F";

/// The rule SAM creates for the Forecast function.
pub const FORECAST_RULE: &str = "forecast-app-ForecastFunctionNewOrder-1A2B3C4D5E6F";

/// The catch-all pattern. The 2020 console's "All Events" pattern was not recorded; this is
/// the documented idiom that matches every event (see docs/SIMULATION.md).
pub const CATCH_ALL_PATTERN: &str = r#"{"source": [{"prefix": ""}]}"#;

/// How a producer puts events on its bus.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProducerKind {
    /// A Lambda function calling PutEvents.
    Lambda,
    /// A webhook through an API Gateway REST API whose mapping template builds PutEvents.
    ApiGatewayWebhook,
    /// An EventBridge partner event source.
    PartnerSource,
}

/// Something that sends events to a bus.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Producer {
    /// Its name, as the workshop console shows it.
    pub name: String,
    /// What kind of producer it is.
    pub kind: ProducerKind,
    /// The bus it sends to.
    pub bus: String,
    /// What it is, in the workshop's words.
    pub description: String,
}

/// The whole scenario.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Workshop {
    /// The simulated AWS account and region.
    pub account: Account,
    /// What sends events: the order generator, Stripe through API Gateway, Buildkite.
    pub producers: Vec<Producer>,
    /// The `orders`, `payments` and Buildkite partner buses.
    pub buses: Vec<EventBus>,
    /// The workshop's rules, with their targets.
    pub rules: Vec<Rule>,
}

fn log_group_target(account: &Account, id: &str, group: &str) -> Target {
    Target {
        id: id.into(),
        arn: format!(
            "arn:aws:logs:{}:{}:log-group:{group}",
            account.region, account.id
        ),
        input: TargetInput::WholeEvent,
    }
}

impl Default for Workshop {
    /// The state at the end of the workshop: every bus, rule and target it creates.
    fn default() -> Self {
        let account = Account::workshop();
        let producers = vec![
            Producer {
                name: "ordergen-function".into(),
                kind: ProducerKind::Lambda,
                bus: "orders".into(),
                description: "Order generator Lambda: calls PutEvents with a New Order".into(),
            },
            Producer {
                name: "Stripe → API Gateway POST /payments".into(),
                kind: ProducerKind::ApiGatewayWebhook,
                bus: "payments".into(),
                description: "Stripe webhooks; a VTL mapping template turns each into PutEvents"
                    .into(),
            },
            Producer {
                name: "Buildkite".into(),
                kind: ProducerKind::PartnerSource,
                bus: BUILDKITE_SOURCE.into(),
                description: "Buildkite partner event source: build, job and agent events".into(),
            },
        ];
        let buses = vec![
            EventBus::custom("orders"),
            EventBus::custom("payments"),
            EventBus::partner(BUILDKITE_SOURCE),
        ];
        let mut discovery = Rule::new(
            "orders",
            "Schemas-events-event-bus-orders",
            r#"{ "source": [ { "prefix": "aws.partner/" }, { "anything-but": { "prefix": "aws." } } ] }"#,
        );
        discovery.description =
            Some("This rule is used to route Events to Schema Discoverer".into());
        discovery.managed_by = Some(eventbridge_sim::schemas::DISCOVERY_SERVICE.into());
        let forecast_target = Target {
            id: "ForecastFunctionNewOrderLambdaTarget".into(),
            arn: format!(
                "arn:aws:lambda:{}:{}:function:{FORECAST_FUNCTION}",
                account.region, account.id
            ),
            input: TargetInput::InputTransformer {
                paths_map: vec![
                    ("order_id".into(), "$.detail.order_id".into()),
                    ("order_date".into(), "$.detail.order_date".into()),
                    ("items".into(), "$.detail.items".into()),
                ],
                template: r#"{"order_id": <order_id>,"order_date": <order_date>,"items": <items>}"#
                    .into(),
            },
        };
        let rules = vec![
            discovery,
            Rule::new("orders", "orders-catchall", CATCH_ALL_PATTERN).with_target(
                log_group_target(
                    &account,
                    "orders-catchall-logs",
                    "/aws/events/orders-catchall",
                ),
            ),
            Rule::new(
                "orders",
                FORECAST_RULE,
                r#"{"source": ["Order Service"], "detail-type": ["New Order"]}"#,
            )
            .with_target(forecast_target),
            Rule::new("payments", "payments-catchall", CATCH_ALL_PATTERN).with_target(
                log_group_target(
                    &account,
                    "payments-catchall-logs",
                    "/aws/events/payments-catchall",
                ),
            ),
            Rule::new(BUILDKITE_SOURCE, "buildkite-catchall", CATCH_ALL_PATTERN).with_target(
                log_group_target(
                    &account,
                    "buildkite-catchall-logs",
                    "/aws/events/buildkite-catchall",
                ),
            ),
        ];
        Workshop {
            account,
            producers,
            buses,
            rules,
        }
    }
}

impl Workshop {
    /// The rules on one bus, in order.
    pub fn rules_on<'a>(&'a self, bus: &'a str) -> impl Iterator<Item = &'a Rule> + 'a {
        self.rules.iter().filter(move |r| r.bus == bus)
    }

    /// The producers that feed one bus.
    pub fn producers_of<'a>(&'a self, bus: &'a str) -> impl Iterator<Item = &'a Producer> + 'a {
        self.producers.iter().filter(move |p| p.bus == bus)
    }

    /// True when every rule is on a bus that exists and every producer feeds one.
    pub fn is_consistent(&self) -> bool {
        let has = |b: &str| self.buses.iter().any(|x| x.name == b);
        self.rules.iter().all(|r| has(&r.bus)) && self.producers.iter().all(|p| has(&p.bus))
    }

    /// Whether a rule is enabled (for display).
    pub fn is_enabled(rule: &Rule) -> bool {
        rule.state == RuleState::Enabled
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_the_workshop() {
        let w = Workshop::default();
        assert!(w.is_consistent());
        let orders: Vec<&str> = w.rules_on("orders").map(|r| r.name.as_str()).collect();
        assert_eq!(
            orders,
            vec![
                "Schemas-events-event-bus-orders",
                "orders-catchall",
                FORECAST_RULE
            ]
        );
        assert_eq!(w.producers_of("payments").count(), 1);
        let forecast = w.rules.iter().find(|r| r.name == FORECAST_RULE).unwrap();
        assert!(matches!(
            forecast.targets[0].input,
            TargetInput::InputTransformer { .. }
        ));
    }

    #[test]
    fn every_rule_pattern_is_valid() {
        for r in &Workshop::default().rules {
            assert!(
                eventbridge_sim::route(
                    &EventBus::custom(&r.bus),
                    std::slice::from_ref(r),
                    r#"{"source":"x"}"#
                )
                .unwrap()[0]
                    .verdict
                    .is_ok(),
                "{}",
                r.name
            );
        }
    }
}
