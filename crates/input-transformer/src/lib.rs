//! # input-transformer
//!
//! What an EventBridge target receives: the whole event, a constant `Input`, the value at an
//! `InputPath`, or an `InputTransformer`'s rendered template.
//!
//! ```
//! use input_transformer::JsonPath;
//! use event_pattern::Json;
//! let event = Json::parse(r#"{"detail": {"items": [{"qty": 1}, {"qty": 2}]}}"#).unwrap();
//! let path = JsonPath::parse("$.detail.items[1].qty").unwrap();
//! assert_eq!(path.select(&event).map(|v| v.to_compact()), Some("2".to_string()));
//! ```

//!
//! Rendering an `InputTransformer`, as a target would receive it:
//!
//! ```
//! use input_transformer::{render, DeliveryContext, TargetSpec};
//! let target = TargetSpec::with_transformer(
//!     "ForecastFunctionNewOrderLambdaTarget",
//!     [("order_id", "$.detail.order_id")],
//!     r#"{"order_id": <order_id>}"#,
//! );
//! let input = target.validate().unwrap();
//! let event = r#"{"detail": {"order_id": 12345}}"#;
//! let out = render(&input, event, &DeliveryContext::default());
//! assert_eq!(out.payload(), Some(r#"{"order_id": 12345}"#));
//! ```

#![deny(missing_docs)]
pub mod path;
pub mod render;
pub mod target;

pub use path::{JsonPath, PathError, Selection};
pub use render::{render, DeliveryContext, Outcome, PlaceholderContext, XRay};
pub use target::{InputTransformerSpec, TargetError, TargetInput, TargetSpec};
