//! Cases in the shape of `vtl.json` (a template, or a request template → integration → response
//! template pipeline), run as API Gateway runs them. Shared by the CLI's `--cases` mode and the
//! conformance tests, so both read a case the same way.

use serde_json::Value as J;

use crate::apigw::{Request, Session};
use crate::integration::AwsService;
use crate::vtl::{Value, VtlError};

/// A JSON object of strings as pairs (non-string values as their JSON text).
pub fn string_pairs(v: Option<&J>) -> Vec<(String, String)> {
    v.and_then(|o| o.as_object())
        .map(|o| {
            o.iter()
                .map(|(k, v)| {
                    (
                        k.clone(),
                        v.as_str()
                            .map(String::from)
                            .unwrap_or_else(|| v.to_string()),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The request a case describes: `request_body`, `params` (path, querystring, header),
/// `headers`, `stage_variables`.
pub fn request_of(case: &J) -> Request {
    let params = case.get("params");
    let mut headers = string_pairs(params.and_then(|p| p.get("header")));
    headers.extend(string_pairs(case.get("headers")));
    Request {
        body: case
            .get("request_body")
            .and_then(|b| b.as_str())
            .unwrap_or_default()
            .to_string(),
        path_params: string_pairs(params.and_then(|p| p.get("path"))),
        query: string_pairs(params.and_then(|p| p.get("querystring"))),
        headers,
        stage_variables: string_pairs(case.get("stage_variables")),
        ..Default::default()
    }
}

/// What the caller gets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseOutcome {
    /// The response body.
    pub output: String,
    /// The HTTP status.
    pub status: u16,
    /// The response headers.
    pub headers: Vec<(String, String)>,
}

/// Runs one case. MOCK integrations answer the `statusCode` the request template renders and no
/// body; integrations naming PutEvents call `backend`; any other integration echoes the rendered
/// request. `$context` carries from the request template to the response template.
pub fn run_case(case: &J, backend: &mut dyn AwsService) -> Result<CaseOutcome, VtlError> {
    let request = request_of(case);
    let vars: Vec<(String, Value)> = case
        .get("variables")
        .and_then(|v| v.as_object())
        .map(|o| {
            o.iter()
                .map(|(k, v)| (k.clone(), Value::from_json(v)))
                .collect()
        })
        .unwrap_or_default();
    let s = |k: &str| case.get(k).and_then(|v| v.as_str());
    let mut session = Session::new(request.clone());
    if s("kind") != Some("pipeline") {
        let output = session.render(s("template").unwrap_or_default(), &request.body, &vars)?;
        return Ok(CaseOutcome {
            output,
            status: 200,
            headers: Vec::new(),
        });
    }
    let rendered = session.render(
        s("request_template").unwrap_or_default(),
        &request.body,
        &vars,
    )?;
    let integration = s("integration").unwrap_or_default();
    let (status, backend_body) = if integration == "MOCK" {
        let code = serde_json::from_str::<J>(&rendered)
            .ok()
            .and_then(|v| v.get("statusCode").and_then(|c| c.as_u64()))
            .unwrap_or(200);
        (u16::try_from(code).unwrap_or(200), String::new())
    } else if integration.contains("PutEvents") {
        let mut headers = vec![
            (
                "X-Amz-Target".to_string(),
                "AWSEvents.PutEvents".to_string(),
            ),
            (
                "Content-Type".to_string(),
                "application/x-amz-json-1.1".to_string(),
            ),
        ];
        for (k, v) in session.request_header_overrides() {
            headers.retain(|(hk, _)| !hk.eq_ignore_ascii_case(&k));
            headers.push((k, v));
        }
        backend.call("PutEvents", &headers, &rendered)
    } else {
        (200, rendered)
    };
    let output = match s("response_template") {
        Some(t) => session.render(t, &backend_body, &[])?,
        None => backend_body,
    };
    let status = session.response_status_override().unwrap_or(status);
    Ok(CaseOutcome {
        output,
        status,
        headers: session.response_header_overrides(),
    })
}
