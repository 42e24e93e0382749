//! `render-vtl`: renders an API Gateway mapping template.

use apigw_vtl::{Request, Session};
use serde_json::{json, Value as J};

use crate::args::{Args, CliError};

pub fn render_vtl(argv: &[String]) -> Result<u8, CliError> {
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
    let json_arg = |name: &str| -> Result<Option<J>, CliError> {
        match args.get(name) {
            None => Ok(None),
            Some(_) => serde_json::from_str(&args.text(name)?)
                .map(Some)
                .map_err(|e| format!("{name} is not JSON: {e}").into()),
        }
    };
    let params = json_arg("--params")?;
    let mut request = Request {
        body: body.clone(),
        path_params: apigw_vtl::cases::string_pairs(params.as_ref().and_then(|p| p.get("path"))),
        query: apigw_vtl::cases::string_pairs(params.as_ref().and_then(|p| p.get("querystring"))),
        headers: apigw_vtl::cases::string_pairs(params.as_ref().and_then(|p| p.get("header"))),
        stage_variables: apigw_vtl::cases::string_pairs(json_arg("--stage-variables")?.as_ref()),
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

/// One case of `vtl.json`'s shape, run as API Gateway runs it (PutEvents integrations call a
/// simulated account, so entries get ids and their errors).
fn run_case(case: &J) -> J {
    let mut world = eventbridge_sim::World::new(eventbridge_sim::Account::workshop(), 1);
    let mut backend = eventbridge_sim::PutEventsBackend {
        world: &mut world,
        role: None,
        time: 0,
    };
    match apigw_vtl::cases::run_case(case, &mut backend) {
        Ok(o) if case.get("kind").and_then(|k| k.as_str()) == Some("pipeline") => {
            let headers: serde_json::Map<String, J> = o
                .headers
                .into_iter()
                .map(|(k, v)| (k, J::String(v)))
                .collect();
            json!({"output": o.output, "status": o.status, "headers": headers})
        }
        Ok(o) => json!({"output": o.output}),
        Err(e) => json!({"error": {"message": e.message, "line": e.line, "column": e.column}}),
    }
}

fn cases(file: &str) -> Result<u8, CliError> {
    crate::args::run_jsonl(file, |case| Ok(run_case(case)))
}
