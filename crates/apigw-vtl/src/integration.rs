//! The REST API method with an AWS-service integration: a webhook comes in, the mapping
//! template renders the backend request, the backend answers, and API Gateway answers the caller.
//!
//! The backend is a trait, so the EventBridge simulator can plug its PutEvents in.

use serde::Serialize;

use crate::apigw::{Request, Session};

/// An AWS service API that an integration calls.
pub trait AwsService {
    /// Calls `action` with the rendered body and the integration's headers; returns the status
    /// and the response body.
    fn call(&mut self, action: &str, headers: &[(String, String)], body: &str) -> (u16, String);
}

/// The integration as the workshop configures it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Integration {
    /// `POST /payments`.
    pub method: String,
    /// `/payments`.
    pub resource_path: String,
    /// `PutEvents`.
    pub action: String,
    /// Static integration request headers (`X-Amz-Target`, `Content-Type`).
    pub headers: Vec<(String, String)>,
    /// The `application/json` request template.
    pub request_template: String,
}

impl Integration {
    /// The workshop's `/payments` → EventBridge PutEvents integration, with the given template.
    pub fn workshop_payments(template: &str) -> Self {
        Integration {
            method: "POST".into(),
            resource_path: "/payments".into(),
            action: "PutEvents".into(),
            headers: vec![
                ("X-Amz-Target".into(), "AWSEvents.PutEvents".into()),
                ("Content-Type".into(), "application/x-amz-json-1.1".into()),
            ],
            request_template: template.into(),
        }
    }
}

/// Every step of one invocation, for the UI to show the whole path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IntegrationTrace {
    /// The HTTP method called.
    pub method: String,
    /// The path called.
    pub path: String,
    /// The request body, as sent.
    pub request_body: String,
    /// The rendered backend request, or the template error (line, column, message).
    pub rendered: Result<String, TemplateFailure>,
    /// The headers sent to the backend.
    pub backend_headers: Vec<(String, String)>,
    /// The backend's HTTP status, when it was called.
    pub backend_status: Option<u16>,
    /// The backend's response body, when it was called.
    pub backend_body: Option<String>,
    /// What the caller (Stripe) gets.
    pub status: u16,
    /// The response body the caller gets.
    pub body: String,
}

/// A mapping template that failed to render.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TemplateFailure {
    /// What went wrong.
    pub message: String,
    /// Line, from 1.
    pub line: usize,
    /// Column, from 1.
    pub column: usize,
}

/// Runs one request through the integration.
pub fn invoke(
    integration: &Integration,
    request: &Request,
    backend: &mut dyn AwsService,
) -> IntegrationTrace {
    let mut session = Session::new(request.clone());
    let body = request.body.clone();
    let path = format!("/{}{}", request.context.stage, integration.resource_path);
    match session.render(&integration.request_template, &body, &[]) {
        Err(e) => IntegrationTrace {
            method: integration.method.clone(),
            path,
            request_body: body,
            rendered: Err(TemplateFailure {
                message: e.message,
                line: e.line,
                column: e.column,
            }),
            backend_headers: Vec::new(),
            backend_status: None,
            backend_body: None,
            status: 500,
            body: r#"{"message": "Internal server error"}"#.into(),
        },
        Ok(rendered) => {
            let mut headers = integration.headers.clone();
            for (k, v) in session.request_header_overrides() {
                headers.retain(|(hk, _)| !hk.eq_ignore_ascii_case(&k));
                headers.push((k, v));
            }
            let (status, response) = backend.call(&integration.action, &headers, &rendered);
            // The default integration response passes every backend status through as 200.
            let client_status = session.response_status_override().unwrap_or(200);
            IntegrationTrace {
                method: integration.method.clone(),
                path,
                request_body: body,
                rendered: Ok(rendered),
                backend_headers: headers,
                backend_status: Some(status),
                backend_body: Some(response.clone()),
                status: client_status,
                body: response,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Echo(Vec<String>);
    impl AwsService for Echo {
        fn call(
            &mut self,
            action: &str,
            headers: &[(String, String)],
            body: &str,
        ) -> (u16, String) {
            self.0.push(format!("{action} {headers:?}"));
            (400, body.to_string())
        }
    }

    #[test]
    fn caller_gets_200_even_when_the_backend_fails() {
        let integration = Integration::workshop_payments(r#"{"t": $input.json('$.type')}"#);
        let req = Request {
            body: r#"{"type": "x"}"#.into(),
            ..Default::default()
        };
        let mut backend = Echo(Vec::new());
        let trace = invoke(&integration, &req, &mut backend);
        assert_eq!(trace.status, 200);
        assert_eq!(trace.backend_status, Some(400));
        assert_eq!(trace.body, r#"{"t": "x"}"#);
        assert!(backend.0[0].contains("AWSEvents.PutEvents"));
        assert_eq!(trace.path, "/production/payments");
    }

    #[test]
    fn template_errors_are_a_500_with_position() {
        let integration = Integration::workshop_payments("{\n #if(");
        let trace = invoke(&integration, &Request::default(), &mut Echo(Vec::new()));
        assert_eq!(trace.status, 500);
        let failure = trace.rendered.unwrap_err();
        assert_eq!(failure.line, 2);
    }
}
