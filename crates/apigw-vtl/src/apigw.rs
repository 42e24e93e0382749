//! API Gateway's side of a mapping template: the request it describes (`$input`, `$context`,
//! `$stageVariables`), and a session that keeps `$context` from the request template to the
//! response template, as API Gateway does.

use crate::vtl::{Env, InputData, Origin, Template, Value, VtlError};

/// What `$context` describes about the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestContext {
    /// `$context.accountId`
    pub account_id: String,
    /// `$context.apiId`
    pub api_id: String,
    /// `$context.httpMethod`
    pub http_method: String,
    /// `$context.resourcePath`
    pub resource_path: String,
    /// `$context.stage`
    pub stage: String,
    /// `$context.requestId`
    pub request_id: String,
    /// `$context.requestTime` (CLF format)
    pub request_time: String,
    /// `$context.requestTimeEpoch` (milliseconds)
    pub request_time_epoch: i64,
    /// `$context.identity.sourceIp`
    pub source_ip: String,
    /// `$context.identity.userAgent`
    pub user_agent: String,
    /// `$context.domainName`
    pub domain_name: String,
}

impl Default for RequestContext {
    fn default() -> Self {
        RequestContext {
            account_id: "123456789012".into(),
            api_id: "a1b2c3d4e5".into(),
            http_method: "POST".into(),
            resource_path: "/payments".into(),
            stage: "production".into(),
            request_id: "c0ffee00-0000-4000-8000-000000000001".into(),
            request_time: "08/Aug/2026:09:30:01 +0000".into(),
            request_time_epoch: 1_786_181_401_000,
            source_ip: "54.187.174.169".into(),
            user_agent: "Stripe/1.0 (+https://stripe.com/docs/webhooks)".into(),
            domain_name: "a1b2c3d4e5.execute-api.us-west-2.amazonaws.com".into(),
        }
    }
}

/// An HTTP request as a mapping template sees it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Request {
    /// The body, as sent.
    pub body: String,
    /// Path parameters.
    pub path_params: Vec<(String, String)>,
    /// Query string parameters.
    pub query: Vec<(String, String)>,
    /// Headers.
    pub headers: Vec<(String, String)>,
    /// `$stageVariables`
    pub stage_variables: Vec<(String, String)>,
    /// What `$context` describes.
    pub context: RequestContext,
}

fn string_map(pairs: &[(String, String)]) -> Value {
    let m = Value::new_map(Origin::Vtl);
    if let Value::Map(mm, _) = &m {
        for (k, v) in pairs {
            Value::map_put(mm, k, Value::str(v.as_str()));
        }
    }
    m
}

fn context_value(r: &Request) -> Value {
    let c = &r.context;
    let m = Value::new_map(Origin::Vtl);
    if let Value::Map(mm, _) = &m {
        let put = |k: &str, v: Value| {
            Value::map_put(mm, k, v);
        };
        put("accountId", Value::str(c.account_id.as_str()));
        put("apiId", Value::str(c.api_id.as_str()));
        put("domainName", Value::str(c.domain_name.as_str()));
        put("httpMethod", Value::str(c.http_method.as_str()));
        put(
            "path",
            Value::str(format!("/{}{}", c.stage, c.resource_path)),
        );
        put("resourcePath", Value::str(c.resource_path.as_str()));
        put("protocol", Value::str("HTTP/1.1"));
        put("requestId", Value::str(c.request_id.as_str()));
        put("extendedRequestId", Value::str(c.request_id.as_str()));
        put("requestTime", Value::str(c.request_time.as_str()));
        put("requestTimeEpoch", Value::Int(c.request_time_epoch));
        put("stage", Value::str(c.stage.as_str()));
        let identity = string_map(&[
            ("sourceIp".to_string(), c.source_ip.clone()),
            ("userAgent".to_string(), c.user_agent.clone()),
        ]);
        put("identity", identity);
        let request_override = Value::new_map(Origin::Vtl);
        if let Value::Map(ro, _) = &request_override {
            for k in ["header", "path", "querystring"] {
                Value::map_put(ro, k, Value::new_map(Origin::Vtl));
            }
        }
        put("requestOverride", request_override);
        let response_override = Value::new_map(Origin::Vtl);
        if let Value::Map(ro, _) = &response_override {
            Value::map_put(ro, "header", Value::new_map(Origin::Vtl));
        }
        put("responseOverride", response_override);
    }
    m
}

/// One request's templates: `$context` (and its overrides) carries from one to the next.
pub struct Session {
    /// The request.
    pub request: Request,
    context: Value,
    stage_variables: Value,
}

impl Session {
    /// A session for one request.
    pub fn new(request: Request) -> Self {
        let context = context_value(&request);
        let stage_variables = string_map(&request.stage_variables);
        Session {
            request,
            context,
            stage_variables,
        }
    }

    /// Renders a template over `body` (the request's, or the integration's response body),
    /// with extra variables already set.
    pub fn render(
        &mut self,
        template: &str,
        body: &str,
        vars: &[(String, Value)],
    ) -> Result<String, VtlError> {
        let t = Template::parse(template)?;
        let input = InputData {
            body: body.to_string(),
            path_params: self.request.path_params.clone(),
            query: self.request.query.clone(),
            headers: self.request.headers.clone(),
        };
        let mut env = Env::new(
            template,
            input,
            self.context.clone(),
            self.stage_variables.clone(),
        );
        for (k, v) in vars {
            env.vars.insert(k.clone(), v.clone());
        }
        let mut out = String::new();
        env.render(&t.nodes, &mut out)?;
        Ok(out)
    }

    fn override_map(&self, which: &str, inner: &str) -> Vec<(String, String)> {
        let Value::Map(m, _) = &self.context else {
            return Vec::new();
        };
        let Value::Map(o, _) = Value::map_get(m, which) else {
            return Vec::new();
        };
        let Value::Map(h, _) = Value::map_get(&o, inner) else {
            return Vec::new();
        };
        let h = h.borrow();
        h.iter().map(|(k, v)| (k.clone(), v.render())).collect()
    }

    /// `$context.requestOverride.header.*` set by the request template.
    pub fn request_header_overrides(&self) -> Vec<(String, String)> {
        self.override_map("requestOverride", "header")
    }

    /// `$context.responseOverride.header.*`.
    pub fn response_header_overrides(&self) -> Vec<(String, String)> {
        self.override_map("responseOverride", "header")
    }

    /// `$context.responseOverride.status`, when set to a number.
    pub fn response_status_override(&self) -> Option<u16> {
        let Value::Map(m, _) = &self.context else {
            return None;
        };
        let Value::Map(o, _) = Value::map_get(m, "responseOverride") else {
            return None;
        };
        match Value::map_get(&o, "status") {
            Value::Int(i) => u16::try_from(i).ok(),
            Value::Str(s) => s.trim().parse().ok(),
            _ => None,
        }
    }
}

/// Renders one template over a request body (the common case), with a fresh context.
///
/// ```
/// use apigw_vtl::{render_template, Request};
/// let req = Request { body: r#"{"type": "payment_intent.created"}"#.into(), ..Default::default() };
/// let out = render_template(r#"{"DetailType": $input.json('$.type')}"#, &req).unwrap();
/// assert_eq!(out, r#"{"DetailType": "payment_intent.created"}"#);
/// ```
pub fn render_template(template: &str, request: &Request) -> Result<String, VtlError> {
    let body = request.body.clone();
    Session::new(request.clone()).render(template, &body, &[])
}
