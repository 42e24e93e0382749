//! Renders a template file over a body file: `cargo run -p apigw-vtl --example render -- t.vtl body.json`.
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(t), Some(b)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: render TEMPLATE BODY");
        std::process::exit(2);
    };
    let template = std::fs::read_to_string(t).unwrap_or_default();
    let body = std::fs::read_to_string(b).unwrap_or_default();
    let req = apigw_vtl::Request {
        body,
        ..Default::default()
    };
    match apigw_vtl::render_template(&template, &req) {
        Ok(out) => print!("{out}"),
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
}
