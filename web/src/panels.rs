//! The API Gateway trace, the sample editors, log groups with Logs Insights, and the schema
//! registry with its code bindings.

use std::rc::Rc;

use eventbridge_sim::insights::Query;
use eventbridge_sim::schemas::{python_bindings, typescript_bindings};
use wasm_bindgen::JsCast;
use workshop::diagnostics::{Field, Problem};

use yew::prelude::*;

use crate::editor::{Editor, EditorError, Language};
use crate::results::Payload;
use crate::rules::error_of;
use crate::state::{Action, Model, SampleField};

#[derive(Properties, PartialEq)]
pub struct PanelProps {
    pub model: Rc<Model>,
    pub replay: Option<crate::ReplayRef>,
    pub problems: Rc<Vec<Problem>>,
    pub dispatch: Callback<Action>,
}

#[function_component(ApiGateway)]
pub fn api_gateway(props: &PanelProps) -> Html {
    let d = props.dispatch.clone();
    let on_template = Callback::from(move |t: String| d.emit(Action::SetMapping(t)));
    let (err, marks) = error_of(&props.problems, &Field::MappingTemplate);
    let traces = props
        .replay
        .as_ref()
        .map(|r| r.api_gateway.clone())
        .unwrap_or_default();
    html! {
        <section class="apigw" aria-label="API Gateway">
            <p>{ "REST API stripe-api · POST /payments · AWS integration: EventBridge PutEvents with X-Amz-Target AWSEvents.PutEvents. The application/json mapping template:" }</p>
            <Editor label="Mapping template (VTL)" value={props.model.workshop.mapping_template.clone()} on_change={on_template} error={err} marks={marks} language={Language::Vtl} rows={10} />
            if traces.is_empty() {
                <p class="hint">{ "Replay a Stripe sample to follow a webhook through API Gateway." }</p>
            }
            { for traces.iter().enumerate().map(|(i, t)| {
                let entries = t.rendered.as_ref().ok().and_then(|r| serde_json::from_str::<serde_json::Value>(r).ok());
                let results = t.backend_body.as_ref().and_then(|b| serde_json::from_str::<serde_json::Value>(b).ok());
                html! {
                    <article class="trace">
                        <h3>{ format!("Webhook {}: {} {}", i + 1, t.method, t.path) }</h3>
                        // The list numbers the steps; their texts do not number them again.
                        <ol class="steps">
                            <li><Payload title="The webhook request body" payload={t.request_body.clone()} /></li>
                            <li>{ match &t.rendered {
                                Ok(r) => html! { <Payload title="The rendered mapping (the PutEvents request body)" payload={r.clone()} /> },
                                Err(f) => html! { <p class="fail">{ format!("The template failed at line {}, column {}: {}", f.line, f.column, f.message) }</p> },
                            } }</li>
                            <li>
                                <p>{ "PutEvents request: " }{ match &entries {
                                    Some(v) => format!("{} entr{} parsed", v["Entries"].as_array().map(|a| a.len()).unwrap_or(0), if v["Entries"].as_array().map(|a| a.len()) == Some(1) { "y" } else { "ies" }),
                                    None => "the body is not valid JSON, so EventBridge rejects the whole request with a SerializationException".to_string(),
                                } }</p>
                            </li>
                            <li>
                                <p>{ format!("PutEvents answered HTTP {}", t.backend_status.map(|s| s.to_string()).unwrap_or_else(|| "—".into())) }</p>
                                if let Some(entries) = results.as_ref().and_then(|r| r["Entries"].as_array().cloned()) {
                                    <ul>{ for entries.iter().map(|e| html! {
                                        <li class={if e.get("EventId").is_some() { "pass" } else { "fail" }}>{ e.to_string() }</li>
                                    }) }</ul>
                                }
                            </li>
                            <li><p class={if t.backend_status == Some(200) { "pass" } else { "fail" }}>{ format!("Stripe receives HTTP {}: {}", t.status, t.body) }</p></li>
                        </ol>
                    </article>
                }
            }) }
        </section>
    }
}

#[function_component(Events)]
pub fn events(props: &PanelProps) -> Html {
    let w = &props.model.workshop;
    let editor = |label: &str, field: SampleField, f: Field, value: &str| {
        let d = props.dispatch.clone();
        let cb = Callback::from(move |t: String| d.emit(Action::SetSample(field, t)));
        let (err, marks) = error_of(&props.problems, &f);
        html! { <Editor label={label.to_string()} value={value.to_string()} on_change={cb} error={err} marks={marks} rows={8} /> }
    };
    let on_bus = {
        let d = props.dispatch.clone();
        Callback::from(move |e: Event| {
            if let Some(s) = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok())
            {
                d.emit(Action::SetCustomBus(s.value()));
            }
        })
    };
    let send = {
        let d = props.dispatch.clone();
        Callback::from(move |_| d.emit(Action::Replay(vec!["custom".into()])))
    };
    let buses = [
        "orders",
        "payments",
        workshop::BUILDKITE_SOURCE,
        "default",
        "typo-bus",
    ];
    html! {
        <section class="events" aria-label="Sample events">
            <div class="custom">
                <h3>{ "Custom event" }</h3>
                <label>{ "Send to bus " }
                    <select onchange={on_bus} aria-label="Bus for the custom event">
                        { for buses.iter().map(|b| html! { <option value={b.to_string()} selected={w.custom.bus == *b}>{ b.to_string() }</option> }) }
                    </select>
                </label>
                { editor("Custom event (source, detail-type, detail)", SampleField::CustomEvent, Field::CustomEvent, &w.custom.event) }
                <button onclick={send}>{ "Send custom event" }</button>
            </div>
            { editor("New Order: the Detail the order generator sends", SampleField::OrderDetail, Field::OrderDetail, &w.order_detail) }
            { editor("Stripe webhook: payment_intent.created", SampleField::StripeCreated, Field::StripeCreated, &w.stripe_created) }
            { editor("Stripe webhook: payment_intent.succeeded", SampleField::StripeSucceeded, Field::StripeSucceeded, &w.stripe_succeeded) }
            { editor("Stripe webhook with an apostrophe", SampleField::StripeApostrophe, Field::StripeApostrophe, &w.stripe_apostrophe) }
        </section>
    }
}

#[function_component(Logs)]
pub fn logs(props: &PanelProps) -> Html {
    let Some(replay) = &props.replay else {
        return html! { <section class="logs" aria-label="Logs"><p class="hint">{ "Replay a sample to fill the log groups." }</p></section> };
    };
    let m = &props.model;
    let on_query = {
        let d = props.dispatch.clone();
        Callback::from(move |t: String| d.emit(Action::SetInsightsQuery(t)))
    };
    let on_group = {
        let d = props.dispatch.clone();
        Callback::from(move |e: Event| {
            if let Some(s) = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok())
            {
                d.emit(Action::SetInsightsGroup(s.value()));
            }
        })
    };
    let (rows, err) = match Query::parse(&m.insights_query) {
        Ok(q) => (
            replay
                .log_groups
                .iter()
                .find(|(n, _)| *n == m.insights_group)
                .map(|(_, g)| q.run(g))
                .unwrap_or_default(),
            None,
        ),
        Err(e) => {
            let (line, column) = workshop::diagnostics::line_col(&m.insights_query, e.offset);
            (
                Vec::new(),
                Some(EditorError {
                    message: e.message,
                    line,
                    column,
                    hint: None,
                }),
            )
        }
    };
    html! {
        <section class="logs" aria-label="Logs">
            <div class="insights">
                <h3>{ "CloudWatch Logs Insights" }</h3>
                <label>{ "Log group " }
                    <select onchange={on_group} aria-label="Log group to query">
                        { for replay.log_groups.iter().map(|(n, _)| html! { <option value={n.clone()} selected={*n == m.insights_group}>{ n.clone() }</option> }) }
                    </select>
                </label>
                <Editor label="Query" value={m.insights_query.clone()} on_change={on_query} error={err} language={Language::Text} rows={2} />
                <table class="insights-rows">
                    <thead><tr>{ for rows.first().into_iter().flatten().map(|(k, _)| html! { <th>{ k.clone() }</th> }) }</tr></thead>
                    <tbody>{ for rows.iter().map(|r| html! { <tr>{ for r.iter().map(|(_, v)| html! { <td><code>{ v.clone() }</code></td> }) }</tr> }) }</tbody>
                </table>
                <p class="hint">{ format!("{} row{}", rows.len(), if rows.len() == 1 { "" } else { "s" }) }</p>
            </div>
            { for replay.log_groups.iter().map(|(name, group)| html! {
                <details class="log-group" open={name.starts_with("/aws/lambda/")}>
                    <summary>{ format!("{name} — {} stream{}", group.streams.len(), if group.streams.len() == 1 { "" } else { "s" }) }</summary>
                    { for group.streams.iter().map(|(s, events)| html! {
                        <div class="stream">
                            <p class="stream-name">{ format!("Log stream {s}") }</p>
                            { for events.iter().map(|e| html! { <pre class="log-event">{ format!("{}  {}", e.timestamp, e.message) }</pre> }) }
                        </div>
                    }) }
                </details>
            }) }
        </section>
    }
}

#[function_component(Schemas)]
pub fn schemas(props: &PanelProps) -> Html {
    let schemas = props
        .replay
        .as_ref()
        .map(|r| r.schemas.clone())
        .unwrap_or_default();
    html! {
        <section class="schemas" aria-label="Schema registry">
            <p>{ "Registry discovered-schemas. Discovery runs on buses where it is started, through its managed rule." }</p>
            if schemas.is_empty() {
                <p class="hint">{ "No schema yet: replay the New Order sample with discovery started on the orders bus." }</p>
            }
            { for schemas.iter().map(|s| html! {
                <article class="schema">
                    <h3>{ s.name.clone() }</h3>
                    <p class="arn">{ s.arn.clone() }</p>
                    { for s.versions.iter().map(|v| {
                        let doc = serde_json::to_string_pretty(&v.content).unwrap_or_default();
                        let py = python_bindings(&s.name, &v.content);
                        let ts = typescript_bindings(&s.name, &v.content);
                        html! {
                            <details open=true>
                                <summary>{ format!("Version {} (OpenApi3)", v.version) }</summary>
                                <pre>{ doc }</pre>
                                <details><summary>{ "Code bindings: Python" }</summary>
                                    { for py.iter().map(|f| html! { <div><p class="file">{ f.path.clone() }</p><pre>{ f.content.clone() }</pre></div> }) }
                                </details>
                                <details><summary>{ "Code bindings: TypeScript" }</summary>
                                    { for ts.iter().map(|f| html! { <div><p class="file">{ f.path.clone() }</p><pre>{ f.content.clone() }</pre></div> }) }
                                </details>
                            </details>
                        }
                    }) }
                </article>
            }) }
        </section>
    }
}
