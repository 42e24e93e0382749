//! `render-vtl`: renders an API Gateway mapping template.

use apigw_vtl::{Request, Session, Value};
use serde_json::{json, Value as J};

use crate::args::Args;

fn pairs(v: Option<&J>) -> Vec<(String, String)> {
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

pub fn render_vtl(argv: &[String]) -> Result<u8, String> {
    let args = Args::parse(
        argv,
        &[
            "--template",
            "--body",
            "--params",
            "--context",
            "--stage-variables",
            "--cases",
        ],
        &[],
    )?;
    if let Some(file) = args.get("--cases") {
        return cases(file);
    }
    let template = args.text("--template")?;
    let body = if args.get("--body").is_some() {
        args.text("--body")?
    } else {
        String::new()
    };
    let json_arg = |name: &str| -> Result<Option<J>, String> {
        match args.get(name) {
            None => Ok(None),
            Some(_) => serde_json::from_str(&args.text(name)?)
                .map(Some)
                .map_err(|e| format!("{name} is not JSON: {e}")),
        }
    };
    let params = json_arg("--params")?;
    let mut request = Request {
        body: body.clone(),
        path_params: pairs(params.as_ref().and_then(|p| p.get("path"))),
        query: pairs(params.as_ref().and_then(|p| p.get("querystring"))),
        headers: pairs(params.as_ref().and_then(|p| p.get("header"))),
        stage_variables: pairs(json_arg("--stage-variables")?.as_ref()),
        ..Default::default()
    };
    if let Some(c) = json_arg("--context")? {
        let s = |k: &str, d: &String| {
            c.get(k)
                .and_then(|v| v.as_str())
                .map(String::from)
                .unwrap_or_else(|| d.clone())
        };
        let ctx = &mut request.context;
        ctx.stage = s("stage", &ctx.stage);
        ctx.http_method = s("httpMethod", &ctx.http_method);
        ctx.resource_path = s("resourcePath", &ctx.resource_path);
        ctx.account_id = s("accountId", &ctx.account_id);
        ctx.request_id = s("requestId", &ctx.request_id);
    }
    match Session::new(request).render(&template, &body, &[]) {
        Ok(out) => {
            print!("{out}");
            Ok(0)
        }
        Err(e) => {
            eprintln!(
                "template error at line {}, column {}: {}",
                e.line, e.column, e.message
            );
            Ok(1)
        }
    }
}

/// One case of `vtl.json`'s shape; the MOCK and echo pipelines are run as API Gateway runs them.
fn run_case(case: &J) -> J {
    let params = case.get("params");
    let mut headers = pairs(params.and_then(|p| p.get("header")));
    headers.extend(pairs(case.get("headers")));
    let body = case
        .get("request_body")
        .and_then(|b| b.as_str())
        .unwrap_or_default()
        .to_string();
    let request = Request {
        body: body.clone(),
        path_params: pairs(params.and_then(|p| p.get("path"))),
        query: pairs(params.and_then(|p| p.get("querystring"))),
        headers,
        stage_variables: pairs(case.get("stage_variables")),
        ..Default::default()
    };
    let vars: Vec<(String, Value)> = case
        .get("variables")
        .and_then(|v| v.as_object())
        .map(|o| {
            o.iter()
                .map(|(k, v)| (k.clone(), Value::from_json(v)))
                .collect()
        })
        .unwrap_or_default();
    let mut session = Session::new(request);
    let s = |k: &str| case.get(k).and_then(|v| v.as_str());
    let result = (|| -> Result<J, apigw_vtl::VtlError> {
        if s("kind") != Some("pipeline") {
            return Ok(
                json!({"output": session.render(s("template").unwrap_or_default(), &body, &vars)?}),
            );
        }
        let rendered = session.render(s("request_template").unwrap_or_default(), &body, &vars)?;
        let mock = s("integration") == Some("MOCK");
        let (status, backend) = if mock {
            let code = serde_json::from_str::<J>(&rendered)
                .ok()
                .and_then(|v| v.get("statusCode").and_then(|c| c.as_u64()))
                .unwrap_or(200);
            (code, String::new())
        } else {
            (200, rendered)
        };
        let output = match s("response_template") {
            Some(t) => session.render(t, &backend, &[])?,
            None => backend,
        };
        let status = session
            .response_status_override()
            .map(u64::from)
            .unwrap_or(status);
        let headers: serde_json::Map<String, J> = session
            .response_header_overrides()
            .into_iter()
            .map(|(k, v)| (k, J::String(v)))
            .collect();
        Ok(json!({"output": output, "status": status, "headers": headers}))
    })();
    result.unwrap_or_else(
        |e| json!({"error": {"message": e.message, "line": e.line, "column": e.column}}),
    )
}

fn cases(file: &str) -> Result<u8, String> {
    crate::args::run_jsonl(file, |case| Ok(run_case(case)))
}
