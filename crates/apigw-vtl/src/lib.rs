//! # apigw-vtl
//!
//! API Gateway REST API mapping templates: the Velocity Template Language with API Gateway's
//! `$input`, `$util`, `$context` and `$stageVariables`, and the AWS-service integration that
//! turns a webhook into an EventBridge PutEvents request.
//!
//! ```
//! use apigw_vtl::util::escape_javascript;
//! assert_eq!(escape_javascript("Jane's \"test\""), r#"Jane\'s \"test\""#);
//! ```

#![deny(missing_docs)]
pub mod apigw;
pub mod cases;
pub mod integration;
pub mod jsonpath;
pub mod util;
pub mod vtl;

pub use apigw::{render_template, Request, RequestContext, Session};
pub use integration::{invoke, AwsService, Integration, IntegrationTrace};
pub use vtl::{Template, Value, VtlError};
