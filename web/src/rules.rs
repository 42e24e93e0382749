//! Editing rules and targets: patterns, target input (with the InputTransformer X-ray), enable,
//! disable, add, remove, and "Copy as" AWS CLI or CloudFormation. Settings for discovery, the
//! partner source and IAM live here too.

use std::rc::Rc;

use eventbridge_sim::world::target_spec;
use eventbridge_sim::{RuleState, TargetInput};
use input_transformer::{render, DeliveryContext, Outcome, PlaceholderContext};
use wasm_bindgen::JsCast;
use workshop::diagnostics::{Field, Problem};
use workshop::state::{PartnerState, APIGW_ROLE, ORDERGEN_ROLE};
use workshop::{export, Workshop};
use yew::prelude::*;

use crate::editor::{Editor, EditorError, Language, MarkKind};
use crate::persist;
use crate::state::{Action, Model};

#[derive(Properties, PartialEq)]
pub struct RulesProps {
    pub model: Rc<Model>,
    pub replay: Option<crate::ReplayRef>,
    pub problems: Rc<Vec<Problem>>,
    pub dispatch: Callback<Action>,
}

pub fn error_of(
    problems: &[Problem],
    field: &Field,
) -> (Option<EditorError>, Vec<(usize, usize, MarkKind)>) {
    match problems.iter().find(|p| p.field == *field) {
        None => (None, Vec::new()),
        Some(p) => (
            Some(EditorError {
                message: p.message.clone(),
                line: p.line,
                column: p.column,
                hint: p.hint.clone(),
            }),
            if p.end > p.start {
                vec![(p.start, p.end, MarkKind::Error)]
            } else {
                Vec::new()
            },
        ),
    }
}

fn input_kind(i: &TargetInput) -> &'static str {
    match i {
        TargetInput::WholeEvent => "whole",
        TargetInput::Input(_) => "input",
        TargetInput::InputPath(_) => "path",
        TargetInput::InputTransformer { .. } => "transformer",
    }
}

#[derive(Properties, PartialEq)]
struct PathsProps {
    paths: Vec<(String, String)>,
    on_change: Callback<Vec<(String, String)>>,
}

/// The InputPathsMap as JSON text; only valid objects of strings reach the state.
#[function_component(PathsEditor)]
fn paths_editor(props: &PathsProps) -> Html {
    let initial = {
        let map: serde_json::Map<String, serde_json::Value> = props
            .paths
            .iter()
            .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
            .collect();
        serde_json::to_string_pretty(&serde_json::Value::Object(map)).unwrap_or_default()
    };
    let text = use_state(|| initial);
    let error = use_state(|| None::<EditorError>);
    let on_change = {
        let (text, error, cb) = (text.clone(), error.clone(), props.on_change.clone());
        Callback::from(move |t: String| {
            text.set(t.clone());
            match serde_json::from_str::<serde_json::Value>(&t) {
                Ok(serde_json::Value::Object(m)) => {
                    let pairs: Option<Vec<(String, String)>> = m
                        .into_iter()
                        .map(|(k, v)| v.as_str().map(|s| (k, s.to_string())))
                        .collect();
                    match pairs {
                        Some(p) => {
                            error.set(None);
                            cb.emit(p);
                        }
                        None => error.set(Some(EditorError {
                            message: "every path must be a string".into(),
                            line: 1,
                            column: 1,
                            hint: None,
                        })),
                    }
                }
                Ok(_) => error.set(Some(EditorError {
                    message: "InputPathsMap must be a JSON object".into(),
                    line: 1,
                    column: 1,
                    hint: None,
                })),
                Err(e) => error.set(Some(EditorError {
                    message: e.to_string(),
                    line: e.line(),
                    column: e.column(),
                    hint: None,
                })),
            }
        })
    };
    html! { <Editor label="InputPathsMap" value={(*text).clone()} on_change={on_change} error={(*error).clone()} rows={4} /> }
}

#[function_component(Rules)]
pub fn rules(props: &RulesProps) -> Html {
    let m = &props.model;
    let d = &props.dispatch;
    let scenario = Workshop::default();
    let copy_out = use_state(|| None::<(String, String)>);
    html! {
        <section class="rules-editor" aria-label="Rules and targets">
            { for scenario.buses.iter().map(|bus| {
                let add = {
                    let (d, b) = (d.clone(), bus.name.clone());
                    Callback::from(move |_| d.emit(Action::AddRule(b.clone())))
                };
                html! {
                    <div class="bus-rules">
                        <h3>{ format!("Bus {}", bus.name) }</h3>
                        { for m.workshop.rules.iter().enumerate().filter(|(_, r)| r.bus == bus.name).map(|(i, rule)| {
                            let (err, marks) = error_of(&props.problems, &Field::RulePattern(i));
                            let on_pattern = { let d = d.clone(); Callback::from(move |t: String| d.emit(Action::SetPattern(i, t))) };
                            let toggle = { let d = d.clone(); Callback::from(move |_| d.emit(Action::ToggleRule(i))) };
                            let remove = { let d = d.clone(); Callback::from(move |_| d.emit(Action::RemoveRule(i))) };
                            let add_target = { let d = d.clone(); Callback::from(move |_| d.emit(Action::AddTarget(i))) };
                            let sample_event = props.replay.as_ref().and_then(|r| r.events.iter().rev().find(|e| e.bus == rule.bus)).map(|e| e.event.clone());
                            let cli = {
                                let (rule, out, ev) = (rule.clone(), copy_out.clone(), sample_event.clone().unwrap_or_else(|| "{}".into()));
                                Callback::from(move |_| {
                                    let text = export::aws_cli(&rule, &ev);
                                    persist::copy(&text);
                                    out.set(Some((rule.name.clone(), text)));
                                })
                            };
                            let cfn = {
                                let (rule, out) = (rule.clone(), copy_out.clone());
                                Callback::from(move |_| {
                                    let text = export::cloudformation(&rule);
                                    persist::copy(&text);
                                    out.set(Some((rule.name.clone(), text)));
                                })
                            };
                            let enabled = rule.state == RuleState::Enabled;
                            let managed = rule.managed_by.is_some();
                            html! {
                                <div class={classes!("rule-card", (!enabled).then_some("disabled"))}>
                                    <div class="rule-card-head">
                                        <h4>{ rule.name.clone() }</h4>
                                        <label class="toggle"><input type="checkbox" checked={enabled} onchange={toggle} disabled={managed} />{ if enabled { " Enabled" } else { " Disabled" } }</label>
                                        if !managed {
                                            <button onclick={remove}>{ "Remove rule" }</button>
                                        }
                                        <button onclick={cli}>{ "Copy as AWS CLI" }</button>
                                        <button onclick={cfn}>{ "Copy as CloudFormation" }</button>
                                    </div>
                                    if let Some(desc) = &rule.description {
                                        <p class="desc">{ desc.clone() }</p>
                                    }
                                    if managed {
                                        <p class="managed">{ workshop::state::MANAGED_RULE_REFUSAL }</p>
                                    }
                                    <Editor label={format!("Event pattern of {}", rule.name)} value={rule.pattern.clone()} on_change={(!managed).then_some(on_pattern)} error={err} marks={marks} rows={4} />
                                    if let Some((name, text)) = (*copy_out).clone().filter(|(n, _)| *n == rule.name) {
                                        <details open=true class="copy-as"><summary>{ format!("Copied for {name}") }</summary><pre>{ text }</pre></details>
                                    }
                                    <h5>{ "Targets" }</h5>
                                    if managed && rule.targets.is_empty() {
                                        <p class="desc">{ "The events it matches go to the bus's schema discoverer (see Schemas). Like AWS, the workshop lists no target for it." }</p>
                                    }
                                    { for rule.targets.iter().enumerate().map(|(t, target)| target_view(props, i, t, target, sample_event.as_deref())) }
                                    if !managed {
                                        <button onclick={add_target}>{ "Add target" }</button>
                                    }
                                </div>
                            }
                        }) }
                        <button class="add-rule" onclick={add}>{ format!("Add rule on {}", short_bus(&bus.name)) }</button>
                    </div>
                }
            }) }
            { settings(props) }
        </section>
    }
}

fn short_bus(name: &str) -> String {
    if name.starts_with("aws.partner/") {
        "the Buildkite bus".into()
    } else {
        name.to_string()
    }
}

fn target_view(
    props: &RulesProps,
    i: usize,
    t: usize,
    target: &eventbridge_sim::Target,
    sample_event: Option<&str>,
) -> Html {
    let d = props.dispatch.clone();
    let rule = &props.model.workshop.rules[i];
    let kind = input_kind(&target.input);
    let on_kind = {
        let (d, current) = (d.clone(), target.input.clone());
        Callback::from(move |e: Event| {
            let Some(v) = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok())
                .map(|s| s.value())
            else {
                return;
            };
            let input = match v.as_str() {
                "input" => TargetInput::Input("{\"message\": \"hello\"}".into()),
                "path" => TargetInput::InputPath("$.detail".into()),
                "transformer" => match &current {
                    TargetInput::InputTransformer { .. } => current.clone(),
                    _ => TargetInput::InputTransformer {
                        paths_map: vec![("source".into(), "$.source".into())],
                        template: "{\"source\": <source>}".into(),
                    },
                },
                _ => TargetInput::WholeEvent,
            };
            d.emit(Action::SetTargetInput(i, t, input));
        })
    };
    let remove = {
        let d = d.clone();
        Callback::from(move |_| d.emit(Action::RemoveTarget(i, t)))
    };
    let (err, mut marks) = error_of(&props.problems, &Field::TargetInput { rule: i, target: t });
    // The X-ray: render against the last event on this bus.
    let mut xray_rows = Html::default();
    let mut outcome_view = Html::default();
    if let (Some(event), Ok(input)) = (sample_event, target_spec(target).validate()) {
        let ctx = DeliveryContext {
            rule_name: rule.name.clone(),
            rule_arn: rule.arn(&Workshop::default().account),
            ingestion_time: "".into(),
        };
        let out = render(&input, event, &ctx);
        let xray = match &out {
            Outcome::Delivered { xray, .. } | Outcome::Dropped { xray, .. } => xray.clone(),
        };
        for p in &xray.placeholders {
            marks.push((
                p.start,
                p.end,
                match p.context {
                    PlaceholderContext::JsonValue => MarkKind::JsonValue,
                    PlaceholderContext::InsideString => MarkKind::InsideString,
                    PlaceholderContext::Text => MarkKind::TextTemplate,
                },
            ));
        }
        if !xray.variables.is_empty() {
            xray_rows = html! {
                <table class="xray">
                    <thead><tr><th>{ "Variable" }</th><th>{ "Path" }</th><th>{ "Value" }</th><th>{ "Type" }</th></tr></thead>
                    <tbody>{ for xray.variables.iter().map(|v| html! {
                        <tr class={(v.value.is_none()).then_some("missing")}>
                            <td><code>{ format!("<{}>", v.name) }</code></td>
                            <td><code>{ v.path.clone() }</code></td>
                            <td><code>{ v.value.clone().unwrap_or_else(|| "missing".into()) }</code></td>
                            <td>{ v.json_type }</td>
                        </tr>
                    }) }</tbody>
                </table>
            };
        }
        outcome_view = match out {
            Outcome::Delivered { payload, .. } => {
                html! { <crate::results::Payload title="Received (with the last replayed event)" payload={payload} /> }
            }
            Outcome::Dropped {
                reason, rendered, ..
            } => html! {
                <div class="dropped" role="note"><p>{ format!("Not delivered: {reason}") }</p><pre class="exact">{ rendered }</pre></div>
            },
        };
    }
    let editor = match &target.input {
        TargetInput::WholeEvent => {
            html! { <p class="hint">{ "The target receives the whole event." }</p> }
        }
        TargetInput::Input(text) => {
            let cb = {
                let d = d.clone();
                Callback::from(move |v: String| {
                    d.emit(Action::SetTargetInput(i, t, TargetInput::Input(v)))
                })
            };
            html! { <Editor label="Input (constant JSON)" value={text.clone()} on_change={cb} error={err} marks={marks} rows={3} /> }
        }
        TargetInput::InputPath(p) => {
            let cb = {
                let d = d.clone();
                Callback::from(move |v: String| {
                    d.emit(Action::SetTargetInput(i, t, TargetInput::InputPath(v)))
                })
            };
            html! { <Editor label="InputPath" value={p.clone()} on_change={cb} error={err} marks={marks} language={Language::Text} rows={1} /> }
        }
        TargetInput::InputTransformer {
            paths_map,
            template,
        } => {
            let on_template = {
                let (d, pm) = (d.clone(), paths_map.clone());
                Callback::from(move |v: String| {
                    d.emit(Action::SetTargetInput(
                        i,
                        t,
                        TargetInput::InputTransformer {
                            paths_map: pm.clone(),
                            template: v,
                        },
                    ))
                })
            };
            let on_paths = {
                let (d, tpl) = (d.clone(), template.clone());
                Callback::from(move |pm: Vec<(String, String)>| {
                    d.emit(Action::SetTargetInput(
                        i,
                        t,
                        TargetInput::InputTransformer {
                            paths_map: pm,
                            template: tpl.clone(),
                        },
                    ))
                })
            };
            html! {
                <>
                    <PathsEditor key={format!("{i}-{t}")} paths={paths_map.clone()} on_change={on_paths} />
                    <Editor label="InputTemplate" value={template.clone()} on_change={on_template} error={err} marks={marks} rows={4} />
                    <p class="legend">
                        <span class="mark-json-value">{ "<value>" }</span>{ " JSON value (strings get quotes) · " }
                        <span class="mark-inside-string">{ "<value>" }</span>{ " inside a string (raw, unescaped) · " }
                        <span class="mark-text">{ "<value>" }</span>{ " text template (no quotes)" }
                    </p>
                </>
            }
        }
    };
    html! {
        <div class="target-card">
            <div class="target-head">
                <code>{ target.id.clone() }</code>
                <span class="arn">{ target.arn.clone() }</span>
                <label>{ "Input: " }
                    <select onchange={on_kind} aria-label={format!("Input of target {}", target.id)}>
                        <option value="whole" selected={kind == "whole"}>{ "Whole event" }</option>
                        <option value="input" selected={kind == "input"}>{ "Constant (Input)" }</option>
                        <option value="path" selected={kind == "path"}>{ "Part of the event (InputPath)" }</option>
                        <option value="transformer" selected={kind == "transformer"}>{ "InputTransformer" }</option>
                    </select>
                </label>
                if rule.managed_by.is_none() {
                    <button onclick={remove}>{ "Remove target" }</button>
                }
            </div>
            { editor }
            { xray_rows }
            { outcome_view }
        </div>
    }
}

fn settings(props: &RulesProps) -> Html {
    let d = &props.dispatch;
    let w = &props.model.workshop;
    let discovery = w.discovery.iter().any(|b| b == "orders");
    let toggle_discovery = {
        let d = d.clone();
        Callback::from(move |_| d.emit(Action::ToggleDiscovery("orders".into())))
    };
    let partner = |p: PartnerState| {
        let d = d.clone();
        Callback::from(move |_| d.emit(Action::SetPartner(p)))
    };
    let grant = |role: &'static str, bus: &'static str| {
        let d = d.clone();
        Callback::from(move |_| d.emit(Action::ToggleGrant(role.into(), bus.into())))
    };
    let has = |role: &str, bus: &str| w.grants.iter().any(|g| g.role == role && g.bus == bus);
    html! {
        <div class="settings">
            <h3>{ "Account settings" }</h3>
            <label class="toggle"><input type="checkbox" checked={discovery} onchange={toggle_discovery} />{ " Schema discovery on the orders bus" }</label>
            <p>{ format!("Buildkite partner event source: {:?} ", w.partner) }
                <button onclick={partner(PartnerState::Active)} disabled={w.partner == PartnerState::Active}>{ "Associate with an event bus" }</button>
                <button onclick={partner(PartnerState::Pending)} disabled={w.partner == PartnerState::Pending}>{ "Make pending" }</button>
                <button onclick={partner(PartnerState::Deleted)} disabled={w.partner == PartnerState::Deleted}>{ "Delete the source" }</button>
            </p>
            <label class="toggle"><input type="checkbox" checked={has(ORDERGEN_ROLE, "orders")} onchange={grant(ORDERGEN_ROLE, "orders")} />{ format!(" {ORDERGEN_ROLE} may call events:PutEvents on orders") }</label>
            <label class="toggle"><input type="checkbox" checked={has(APIGW_ROLE, "payments")} onchange={grant(APIGW_ROLE, "payments")} />{ format!(" {APIGW_ROLE} may call events:PutEvents on payments") }</label>
        </div>
    }
}
