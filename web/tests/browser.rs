//! Component tests in a real browser (`wasm-pack test --headless --chrome`).
#![cfg(target_arch = "wasm32")]

use std::time::Duration;

use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

async fn render_app() -> web_sys::Element {
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<ebw_web::App>::with_root(root.clone()).render();
    gloo_timers::future::sleep(Duration::from_millis(50)).await;
    root
}

#[wasm_bindgen_test]
async fn renders_the_workshop_buses_rules_and_targets() {
    let root = render_app().await;
    let text = root.text_content().unwrap_or_default();
    for expected in [
        "orders",
        "payments",
        workshop::BUILDKITE_SOURCE,
        "orders-catchall",
        "payments-catchall",
        "buildkite-catchall",
        "/aws/events/orders-catchall",
        workshop::FORECAST_FUNCTION,
        "InputTransformer",
        "ordergen-function",
    ] {
        assert!(text.contains(expected), "page lacks {expected}: {text}");
    }
    let lanes = root.query_selector_all(".lane").unwrap().length();
    assert_eq!(lanes, 3);
}
