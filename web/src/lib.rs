//! # ebw-web
//!
//! The EventBridge Workshop in the browser. This crate only renders the model and dispatches
//! actions; every answer (replays, verdicts, payloads, diagnostics) comes from the engine crates,
//! computed from the model on each change.

pub mod diagram;
pub mod editor;
#[cfg(target_arch = "wasm32")]
pub mod js_api;
pub mod panels;
pub mod persist;
pub mod results;
pub mod rules;
pub mod state;

use std::rc::Rc;

use wasm_bindgen::JsCast;
use yew::prelude::*;

use state::{Action, Model, Tab};

/// A replay shared between components; equal when it is the same computation.
#[derive(Clone, Debug)]
pub struct ReplayRef(pub Rc<workshop::Replay>);

impl PartialEq for ReplayRef {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl std::ops::Deref for ReplayRef {
    type Target = workshop::Replay;
    fn deref(&self) -> &workshop::Replay {
        &self.0
    }
}

/// Mounts the app on `<body>`, then installs the panic banner (after Yew, which sets its own
/// console hook when it starts rendering).
pub fn start() {
    yew::Renderer::<App>::new().render();
    install_panic_hook();
}

/// A panic must never leave a blank page: show a banner that keeps the saved work.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let msg = info.to_string();
        web_sys::console::error_1(&msg.as_str().into());
        let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        let Some(body) = doc.body() else { return };
        if let Ok(banner) = doc.create_element("div") {
            banner.set_class_name("panic-banner");
            let _ = banner.set_attribute("role", "alert");
            // Text only: the message may hold user content.
            banner.set_text_content(Some(&format!(
                "Something went wrong inside the workshop ({msg}). Your work is saved in this browser: reload the page to continue."
            )));
            let _ = body.prepend_with_node_1(&banner);
        }
    }));
}

#[derive(Properties, PartialEq, Default)]
pub struct AppProps {
    /// Start from this model instead of the URL and localStorage (for tests).
    #[prop_or_default]
    pub initial: Option<Model>,
}

/// The whole page.
#[function_component(App)]
pub fn app(props: &AppProps) -> Html {
    let initial = props.initial.clone();
    let model = use_reducer(move || {
        initial.unwrap_or_else(|| {
            let (state, notice, shared) = persist::initial();
            // Compare later edits with the link's canonical form, whatever encoder made the link.
            let canonical = shared.as_ref().map(|_| workshop::link::encode(&state));
            let mut m = Model::new(state, notice, canonical);
            if shared.is_some() {
                m.replayed = workshop::replay::ALL_SAMPLES
                    .iter()
                    .map(|s| s.to_string())
                    .collect();
            }
            m
        })
    });
    let dispatch = {
        let model = model.clone();
        Callback::from(move |a: Action| model.dispatch(a))
    };
    // Persistence: one effect, on every change of the workshop.
    {
        let ws = model.workshop.clone();
        use_effect_with(ws, persist::save);
    }
    // Derived results, recomputed when the workshop or the replayed samples change.
    let replay: Option<crate::ReplayRef> = {
        let key = (model.workshop.clone(), model.replayed.clone());
        let r = use_memo(key, |(ws, samples)| {
            if samples.is_empty() {
                None
            } else {
                let names: Vec<&str> = samples.iter().map(String::as_str).collect();
                Some(ReplayRef(Rc::new(workshop::replay(ws, &names))))
            }
        });
        (*r).clone()
    };
    let problems: Rc<Vec<workshop::diagnostics::Problem>> = {
        let r = use_memo(model.workshop.clone(), workshop::diagnostics::diagnose);
        Rc::new((*r).clone())
    };
    let current_link = workshop::link::encode(&model.workshop);
    let changed_since_shared = model.shared.as_ref().is_some_and(|s| *s != current_link);

    let replay_btn = |label: &'static str, names: Vec<&'static str>| {
        let d = dispatch.clone();
        let names: Vec<String> = names.into_iter().map(String::from).collect();
        html! { <button class="replay" onclick={Callback::from(move |_| d.emit(Action::Replay(names.clone())))}>{ label }</button> }
    };
    let share = {
        let (d, ws) = (dispatch.clone(), model.workshop.clone());
        Callback::from(move |_| d.emit(Action::Shared(persist::share(&ws))))
    };
    let reset = {
        let d = dispatch.clone();
        Callback::from(move |_| {
            if persist::confirm("Reset to the workshop's defaults? Your edits will be lost.") {
                d.emit(Action::Reset);
            }
        })
    };
    // Ctrl/Cmd+Enter anywhere on the page (not only inside a focused field) runs the last replay
    // again: one listener on the window.
    {
        let d = dispatch.clone();
        use_effect_with((), move |_| {
            let listener = wasm_bindgen::closure::Closure::<dyn Fn(KeyboardEvent)>::new(
                move |e: KeyboardEvent| {
                    if (e.ctrl_key() || e.meta_key()) && e.key() == "Enter" {
                        e.prevent_default();
                        d.emit(Action::ReplayAgain);
                    }
                },
            );
            let window = web_sys::window();
            if let Some(w) = &window {
                let _ = w
                    .add_event_listener_with_callback("keydown", listener.as_ref().unchecked_ref());
            }
            move || {
                if let Some(w) = window {
                    let _ = w.remove_event_listener_with_callback(
                        "keydown",
                        listener.as_ref().unchecked_ref(),
                    );
                }
            }
        });
    }
    let dismiss = {
        let d = dispatch.clone();
        Callback::from(move |_| d.emit(Action::Notice(None)))
    };
    let tab = |t: Tab, label: &'static str| {
        let d = dispatch.clone();
        let count = match t {
            Tab::Rules => problems
                .iter()
                .filter(|p| {
                    matches!(
                        p.field,
                        workshop::diagnostics::Field::RulePattern(_)
                            | workshop::diagnostics::Field::TargetInput { .. }
                    )
                })
                .count(),
            Tab::ApiGateway => problems
                .iter()
                .filter(|p| p.field == workshop::diagnostics::Field::MappingTemplate)
                .count(),
            Tab::Events => problems
                .iter()
                .filter(|p| {
                    matches!(
                        p.field,
                        workshop::diagnostics::Field::OrderDetail
                            | workshop::diagnostics::Field::StripeCreated
                            | workshop::diagnostics::Field::StripeSucceeded
                            | workshop::diagnostics::Field::StripeApostrophe
                            | workshop::diagnostics::Field::CustomEvent
                    )
                })
                .count(),
            _ => 0,
        };
        html! {
            <button role="tab" aria-selected={(model.tab == t).to_string()} class={classes!("tab", (model.tab == t).then_some("active"))}
                onclick={Callback::from(move |_| d.emit(Action::Tab(t)))}>
                { label }
                if count > 0 { <span class="badge-error">{ format!(" {count} error{}", if count == 1 { "" } else { "s" }) }</span> }
            </button>
        }
    };
    let select_rule = {
        let d = dispatch.clone();
        let replay = replay.clone();
        Callback::from(move |name: String| {
            if let Some(r) = &replay {
                if let Some(i) = r
                    .events
                    .iter()
                    .position(|e| e.rules.iter().any(|v| v.rule == name))
                {
                    d.emit(Action::SelectEvent(i));
                }
            }
            d.emit(Action::SelectRule(Some(name)));
            d.emit(Action::Tab(Tab::Results));
        })
    };
    let panel_props = (
        model.clone(),
        replay.clone(),
        problems.clone(),
        dispatch.clone(),
    );
    let body = match model.tab {
        Tab::Results => {
            html! { <results::Results model={Rc::new((*model).clone())} replay={replay.clone()} dispatch={dispatch.clone()} /> }
        }
        Tab::Rules => {
            html! { <rules::Rules model={Rc::new((*model).clone())} replay={replay.clone()} problems={problems.clone()} dispatch={dispatch.clone()} /> }
        }
        Tab::ApiGateway => {
            html! { <panels::ApiGateway model={Rc::new((*panel_props.0).clone())} replay={panel_props.1.clone()} problems={panel_props.2.clone()} dispatch={panel_props.3.clone()} /> }
        }
        Tab::Events => {
            html! { <panels::Events model={Rc::new((*panel_props.0).clone())} replay={panel_props.1.clone()} problems={panel_props.2.clone()} dispatch={panel_props.3.clone()} /> }
        }
        Tab::Logs => {
            html! { <panels::Logs model={Rc::new((*panel_props.0).clone())} replay={panel_props.1.clone()} problems={panel_props.2.clone()} dispatch={panel_props.3.clone()} /> }
        }
        Tab::Schemas => {
            html! { <panels::Schemas model={Rc::new((*panel_props.0).clone())} replay={panel_props.1.clone()} problems={panel_props.2.clone()} dispatch={panel_props.3.clone()} /> }
        }
    };
    html! {
        <div class="app">
            <header class="masthead">
                <div>
                    <h1>{ "EventBridge Workshop" }</h1>
                    <p class="tagline">{ "The event-driven architecture workshop on Amazon EventBridge, simulated in your browser: no AWS account needed." }</p>
                </div>
                <div class="actions">
                    if changed_since_shared {
                        <span class="changed" title="The workshop differs from the last link you shared">{ "Changed since shared" }</span>
                    }
                    <button onclick={share}>{ "Share" }</button>
                    <button onclick={reset}>{ "Reset to workshop" }</button>
                </div>
            </header>
            if let Some(n) = &model.notice {
                <div class="notice" role="status"><span>{ n.clone() }</span><button onclick={dismiss} aria-label="Dismiss">{ "×" }</button></div>
            }
            <nav class="toolbar" aria-label="Replay samples">
                { replay_btn("New Order", vec!["new-order"]) }
                { replay_btn("Stripe: payment_intent.created", vec!["stripe-created"]) }
                { replay_btn("Stripe: payment_intent.succeeded", vec!["stripe-succeeded"]) }
                { replay_btn("Stripe: payment with an apostrophe", vec!["stripe-apostrophe"]) }
                { replay_btn("Buildkite: run a build", vec!["buildkite-build"]) }
                { replay_btn("Replay all", workshop::replay::ALL_SAMPLES.to_vec()) }
                <span class="hint">{ "Ctrl/Cmd+Enter runs the last replay again (at first, all samples)" }</span>
            </nav>
            <main>
                <diagram::Diagram state={model.workshop.clone()} replay={replay.clone()} on_select_rule={select_rule} />
                <div class="tabs" role="tablist">
                    { tab(Tab::Results, "Results") }
                    { tab(Tab::Rules, "Rules & targets") }
                    { tab(Tab::ApiGateway, "API Gateway") }
                    { tab(Tab::Events, "Sample events") }
                    { tab(Tab::Logs, "Logs") }
                    { tab(Tab::Schemas, "Schemas") }
                </div>
                <div class="tab-body" role="tabpanel">{ body }</div>
            </main>
        </div>
    }
}

/// The text of an input or textarea event's target.
pub fn event_value(e: &Event) -> Option<String> {
    let t = e.target()?;
    if let Ok(i) = t.clone().dyn_into::<web_sys::HtmlInputElement>() {
        return Some(i.value());
    }
    t.dyn_into::<web_sys::HtmlTextAreaElement>()
        .ok()
        .map(|a| a.value())
}
