//! Our own cases for what the recorded data lacks (`cases.json` beside this file).

use apigw_vtl::cases::string_pairs;
use apigw_vtl::{Request, Session};
use serde_json::Value;

#[test]
fn table_of_templates() {
    let cases: Vec<Value> = serde_json::from_str(include_str!("cases.json")).unwrap();
    assert!(cases.len() > 30);
    let mut failures = Vec::new();
    for c in &cases {
        let name = c["name"].as_str().unwrap();
        let params = c.get("params");
        let request = Request {
            body: c["body"].as_str().unwrap_or_default().to_string(),
            path_params: string_pairs(params.and_then(|p| p.get("path"))),
            query: string_pairs(params.and_then(|p| p.get("querystring"))),
            headers: string_pairs(params.and_then(|p| p.get("header"))),
            stage_variables: string_pairs(c.get("stage_variables")),
            ..Default::default()
        };
        let body = request.body.clone();
        let got = Session::new(request).render(c["template"].as_str().unwrap(), &body, &[]);
        match (c.get("expected").and_then(|e| e.as_str()), got) {
            (Some(want), Ok(have)) if want == have => {}
            (Some(want), other) => failures.push(format!("{name}: want {want:?}, have {other:?}")),
            (None, Err(e)) => {
                let want = c["error"].as_str().unwrap();
                let (line, col) = (
                    c["line"].as_u64().unwrap() as usize,
                    c["column"].as_u64().unwrap() as usize,
                );
                if !e.message.contains(want) || e.line != line || e.column != col {
                    failures.push(format!(
                        "{name}: want error {want:?} at {line}:{col}, have {e:?}"
                    ));
                }
            }
            (None, Ok(out)) => failures.push(format!("{name}: want an error, rendered {out:?}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn output_and_step_limits_stop_pathological_templates() {
    // 1000 x 1000 nested loops would take a million iterations of output.
    let t = "#foreach($a in [1..1000])#foreach($b in [1..1000])$a$b#end#end";
    let err = apigw_vtl::render_template(t, &Request::default()).unwrap_err();
    assert!(
        err.message.contains("steps") || err.message.contains("output"),
        "{err}"
    );
    // Deep nesting is a parse error, not a stack overflow.
    let deep = "#if(true)".repeat(200) + &"#end".repeat(200);
    assert!(apigw_vtl::render_template(&deep, &Request::default())
        .unwrap_err()
        .message
        .contains("nest deeper"));
    let deep_expr = format!("#set($x = {}1{})", "(".repeat(500), ")".repeat(500));
    assert!(apigw_vtl::render_template(&deep_expr, &Request::default()).is_err());
}

#[test]
fn template_size_is_limited() {
    let big = "x".repeat(apigw_vtl::vtl::MAX_TEMPLATE_BYTES + 1);
    let err = apigw_vtl::render_template(&big, &Request::default()).unwrap_err();
    assert!(err.message.contains("larger than 262144 bytes"), "{err}");
}
