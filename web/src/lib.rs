//! # ebw-web
//!
//! The EventBridge Workshop in the browser. This crate only renders the workshop state and
//! dispatches actions; every semantic answer comes from the engine crates.

pub mod architecture;

use yew::prelude::*;

/// Mounts the app on `<body>`.
pub fn start() {
    yew::Renderer::<App>::new().render();
}

/// The whole page.
#[function_component(App)]
pub fn app() -> Html {
    let workshop = use_memo((), |_| workshop::Workshop::default());
    html! {
        <div class="app">
            <header class="masthead">
                <h1>{ "EventBridge Workshop" }</h1>
                <p class="tagline">
                    { "The event-driven architecture workshop on Amazon EventBridge, simulated in your browser: no AWS account needed." }
                </p>
            </header>
            <main>
                <architecture::Architecture workshop={(*workshop).clone()} />
            </main>
        </div>
    }
}
