//! # eventbridge-sim
//!
//! The EventBridge model of the workshop: an account and region, event buses (default, custom
//! and partner), rules with their event patterns and targets, and routing an event to the rules
//! that match it, with each rule's verdict.
//!
//! ```
//! use eventbridge_sim::{Account, EventBus, Rule, route};
//! let account = Account::workshop();
//! let bus = EventBus::custom("orders");
//! let rule = Rule::new("orders", "orders-catchall", r#"{"source": [{"prefix": ""}]}"#);
//! assert_eq!(rule.arn(&account), "arn:aws:events:us-west-2:123456789012:rule/orders/orders-catchall");
//! let event = r#"{"version":"0","id":"1","detail-type":"New Order","source":"Order Service","account":"123456789012","time":"2020-05-24T07:38:02Z","region":"us-west-2","resources":[],"detail":{}}"#;
//! let routed = route(&bus, std::slice::from_ref(&rule), event).unwrap();
//! assert!(routed[0].verdict.as_ref().unwrap().matched());
//! ```

#![deny(missing_docs)]
pub mod insights;
pub mod lambda;
pub mod model;
pub mod putevents;
pub mod routing;
pub mod schemas;
pub mod world;

pub use model::{Account, BusKind, EventBus, Rule, RuleState, Target, TargetInput};
pub use routing::{route, RuleOutcome};
pub use world::{
    Delivery, Discovery, Dropped, EventRecord, Function, Grant, LogEvent, LogGroup,
    PutEventsBackend, World,
};
