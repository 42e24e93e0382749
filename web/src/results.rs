//! Replay results: per event, each rule ✔ or ✘ with its verdict tree, and each target's payload.

use std::rc::Rc;

use event_pattern::Verdict;
use eventbridge_sim::schemas::Discovered;
use workshop::state::WorkshopState;
use yew::prelude::*;

use crate::editor::{Editor, MarkKind};
use crate::persist;
use crate::state::{Action, Highlight, Model};

#[derive(Properties, PartialEq)]
pub struct ResultsProps {
    pub model: Rc<Model>,
    pub replay: Option<crate::ReplayRef>,
    pub dispatch: Callback<Action>,
}

/// Pretty-prints JSON text for reading, numbers as written (the exact bytes are shown beside it).
pub fn pretty(text: &str) -> String {
    workshop::format::pretty_json(text).unwrap_or_else(|| text.to_string())
}

#[derive(Properties, PartialEq)]
pub struct PayloadProps {
    pub title: AttrValue,
    pub payload: AttrValue,
}

/// A payload, pretty and as the exact bytes, with copy buttons.
#[function_component(Payload)]
pub fn payload(props: &PayloadProps) -> Html {
    let exact = props.payload.to_string();
    let pretty_text = pretty(&exact);
    let copy_exact = {
        let t = exact.clone();
        Callback::from(move |_| persist::copy(&t))
    };
    let copy_pretty = {
        let t = pretty_text.clone();
        Callback::from(move |_| persist::copy(&t))
    };
    html! {
        <div class="payload">
            <div class="payload-head">
                <span class="payload-title">{ props.title.clone() }</span>
                <button onclick={copy_pretty}>{ "Copy pretty" }</button>
                <button onclick={copy_exact}>{ "Copy exact bytes" }</button>
            </div>
            <pre class="pretty">{ pretty_text }</pre>
            <details>
                <summary>{ format!("Exact bytes ({} bytes)", exact.len()) }</summary>
                <pre class="exact">{ exact }</pre>
            </details>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct VerdictProps {
    verdict: Verdict,
    pattern: String,
    event: String,
    highlight: Option<Highlight>,
    dispatch: Callback<Action>,
}

#[function_component(VerdictTree)]
fn verdict_tree(props: &VerdictProps) -> Html {
    let v = &props.verdict;
    let many = v.branches.len() > 1;
    let mut pattern_marks = Vec::new();
    let mut event_marks = Vec::new();
    if let Some(h) = &props.highlight {
        pattern_marks.push((h.pattern.0, h.pattern.1, MarkKind::Highlight));
        event_marks.extend(h.event.iter().map(|(s, e)| (*s, *e, MarkKind::Highlight)));
    }
    // A slip a reason names is underlined where it is in the event.
    event_marks.extend(
        v.branches
            .iter()
            .flat_map(|b| &b.leaves)
            .filter_map(|l| l.slip)
            .map(|s| (s.start, s.end, MarkKind::Error)),
    );
    html! {
        <div class="verdict">
            <p class={classes!("summary", if v.matched() { "pass" } else { "fail" })}>
                { if v.matched() { "✔ " } else { "✘ " } }{ v.summary.clone() }
            </p>
            { for v.branches.iter().enumerate().map(|(bi, b)| html! {
                <div class={classes!("branch", if b.matched { "pass" } else { "fail" })}>
                    if many {
                        <p class="branch-head">{ format!("$or branch {} of {}: {}", bi + 1, v.branches.len(), if b.matched { "✔ matched" } else { "✘ not matched" }) }</p>
                    }
                    // The branches of an `$or` share their columns, to be read one under the other.
                    <table class={classes!("leaves", many.then_some("aligned"))}>
                        <thead><tr><th>{ "" }</th><th>{ "Field" }</th><th>{ "Pattern" }</th><th>{ "Event value" }</th><th>{ "Why" }</th></tr></thead>
                        <tbody>
                        { for b.leaves.iter().map(|leaf| {
                            let h = Highlight {
                                pattern: (leaf.key_span.start, leaf.matchers.last().map(|m| m.1.end).unwrap_or(leaf.key_span.end)),
                                event: leaf.values.iter().map(|(_, s)| (s.start, s.end)).collect(),
                            };
                            let onclick = {
                                let (d, h) = (props.dispatch.clone(), h.clone());
                                Callback::from(move |_| d.emit(Action::Highlight(Some(h.clone()))))
                            };
                            // Keyboard users select a row with Enter or Space.
                            let onkeydown = {
                                let d = props.dispatch.clone();
                                Callback::from(move |e: KeyboardEvent| {
                                    if e.key() == "Enter" || e.key() == " " {
                                        e.prevent_default();
                                        d.emit(Action::Highlight(Some(h.clone())));
                                    }
                                })
                            };
                            html! {
                                <tr class={if leaf.passed { "pass" } else { "fail" }} {onclick} {onkeydown} tabindex="0" title="Highlight in the pattern and the event">
                                    <td>{ if leaf.passed { "✔" } else { "✘" } }</td>
                                    <td><code>{ leaf.path.clone() }</code></td>
                                    <td><code>{ leaf.matchers.iter().map(|m| m.0.clone()).collect::<Vec<_>>().join(", ") }</code></td>
                                    <td><code>{ if leaf.values.is_empty() { "(missing)".to_string() } else { leaf.values.iter().map(|v| v.0.clone()).collect::<Vec<_>>().join(", ") } }</code></td>
                                    <td>{ leaf.reason.clone() }</td>
                                </tr>
                            }
                        }) }
                        </tbody>
                    </table>
                    if let Some(n) = &b.note {
                        <p class="note">{ n.clone() }</p>
                    }
                </div>
            }) }
            <div class="side-by-side">
                <Editor label="Pattern" value={props.pattern.clone()} marks={pattern_marks} rows={6} />
                <Editor label="Event" value={props.event.clone()} marks={event_marks} rows={6} />
            </div>
        </div>
    }
}

#[function_component(Results)]
pub fn results(props: &ResultsProps) -> Html {
    let Some(replay) = &props.replay else {
        return html! {
            <section class="results empty" aria-label="Results">
                <p>{ "Replay a sample to see each event's path: which rules match, and the exact payload every target receives." }</p>
            </section>
        };
    };
    let m = &props.model;
    let state: &WorkshopState = &m.workshop;
    let selected = m.selected_event.min(replay.events.len().saturating_sub(1));
    html! {
        <section class="results" aria-label="Results">
            if !replay.errors.is_empty() {
                <div class="errors" role="alert">{ for replay.errors.iter().map(|e| html! { <p>{ e.clone() }</p> }) }</div>
            }
            { for replay.producers.iter().map(|p| html! {
                <p class={classes!("producer-result", if p.status == 200 { "pass" } else { "fail" })}>
                    { format!("{} → PutEvents: HTTP {} ", p.function, p.status) }<code>{ p.response.clone() }</code>
                </p>
            }) }
            { for replay.api_gateway.iter().map(|t| html! {
                <p class={classes!("producer-result", if t.backend_status == Some(200) { "pass" } else { "fail" })}>
                    { format!("Stripe webhook → API Gateway {} {}: PutEvents answered {}, Stripe got HTTP {} ", t.method, t.path, t.backend_status.map(|s| s.to_string()).unwrap_or_else(|| "nothing".into()), t.status) }
                    <code>{ t.body.clone() }</code>
                </p>
            }) }
            if replay.events.is_empty() {
                <p class="none">{ "No event reached a bus." }</p>
            }
            <ol class="event-list">
                { for replay.events.iter().enumerate().map(|(i, e)| {
                    let onclick = {
                        let d = props.dispatch.clone();
                        Callback::from(move |_| d.emit(Action::SelectEvent(i)))
                    };
                    let fired = e.rules.iter().filter(|r| r.matched && r.enabled).count();
                    html! {
                        <li class={classes!((i == selected).then_some("selected"))}>
                            <button {onclick}>{ format!("{} · {} → {} ({} of {} rules matched)", e.detail_type, short_name(&e.source), short_name(&e.bus), fired, e.rules.len()) }</button>
                        </li>
                    }
                }) }
            </ol>
            if let Some(e) = replay.events.get(selected) {
                <article class="event-detail" aria-label="Event">
                    <h3>{ format!("{} on {}", e.detail_type, e.bus) }</h3>
                    <ul class="rule-verdicts">
                        { for e.rules.iter().map(|r| {
                            let name = r.rule.clone();
                            let open = m.selected_rule.as_deref() == Some(r.rule.as_str());
                            let onclick = {
                                let d = props.dispatch.clone();
                                Callback::from(move |_| d.emit(Action::SelectRule(if open { None } else { Some(name.clone()) })))
                            };
                            let mark = if !r.enabled { "⏸" } else if r.matched { "✔" } else { "✘" };
                            // A rule whose pattern is invalid matches nothing: said as such (AWS
                            // would not have accepted the rule at all).
                            let status = if !r.enabled { "disabled" } else if r.matched { "matched" } else if r.error.is_some() { "pattern not valid" } else { "did not match" };
                            let pattern = state.rules.iter().find(|x| x.name == r.rule && x.bus == e.bus).map(|x| x.pattern.clone()).unwrap_or_default();
                            let deliveries: Vec<_> = replay.deliveries.iter().filter(|d| d.event_id == e.id && d.rule == r.rule).collect();
                            let dropped: Vec<_> = replay.dropped.iter().filter(|d| d.event_id == e.id && d.rule == r.rule).collect();
                            let discovered: Vec<_> = replay.discoveries.iter().filter(|d| d.event_id == e.id && d.rule == r.rule).collect();
                            html! {
                                <li class={classes!("rule-verdict", if r.matched && r.enabled { "pass" } else { "fail" })}>
                                    <button class="rule-line" {onclick} aria-expanded={open.to_string()}>
                                        <span class="mark">{ mark }</span>
                                        <span class="name">{ r.rule.clone() }</span>
                                        <span class="status">{ status }</span>
                                        // Closed, the line says why; open, the verdict tree does.
                                        if let Some(v) = r.verdict.as_ref().filter(|v| !v.matched() && !open) {
                                            <span class="why">{ v.summary.clone() }</span>
                                        }
                                    </button>
                                    if let Some(err) = &r.error {
                                        <p class="pattern-error">{ err.clone() }</p>
                                    }
                                    if let Some(h) = &r.hint {
                                        <p class="pattern-hint"><strong>{ "Hint: " }</strong>{ h.clone() }</p>
                                    }
                                    if open {
                                        if let Some(v) = &r.verdict {
                                            <VerdictTree verdict={v.clone()} pattern={pattern} event={pretty_or_exact(&e.event)} highlight={m.highlight.clone()} dispatch={props.dispatch.clone()} />
                                        }
                                    }
                                    { for deliveries.iter().map(|d| html! {
                                        <Payload title={format!("→ {} received", d.target)} payload={d.payload.clone()} />
                                    }) }
                                    { for discovered.iter().map(|d| {
                                        let what = match d.change {
                                            Discovered::NewSchema => format!("a new schema, {} version {}", d.schema, d.version),
                                            Discovered::NewVersion => format!("{} version {}: the event's shape added to the schema", d.schema, d.version),
                                            Discovered::Unchanged => format!("{} version {} already describes it (no new version)", d.schema, d.version),
                                        };
                                        html! { <p class="discovered">{ format!("→ schema discovery on {}: {what}; see Schemas.", d.bus) }</p> }
                                    }) }
                                    { for dropped.iter().map(|d| html! {
                                        <div class="dropped" role="note">
                                            <p>{ format!("→ {}: not delivered. {}", d.target, d.reason) }</p>
                                            if let Some(r) = &d.rendered {
                                                <pre class="exact">{ r.clone() }</pre>
                                            }
                                        </div>
                                    }) }
                                </li>
                            }
                        }) }
                    </ul>
                    <Payload title="The event as EventBridge delivered it" payload={e.event.clone()} />
                </article>
            }
        </section>
    }
}

/// Partner names are long; the list shows their partner and the id's start.
fn short_name(s: &str) -> String {
    match s.strip_prefix("aws.partner/") {
        Some(rest) => {
            let parts: Vec<&str> = rest.split('/').collect();
            format!(
                "aws.partner/{}/…{}",
                parts.first().copied().unwrap_or(""),
                parts
                    .last()
                    .map(|id| &id[id.len().saturating_sub(6)..])
                    .unwrap_or("")
            )
        }
        None => s.to_string(),
    }
}

/// The verdict spans refer to the exact event text, so the event is shown as delivered.
fn pretty_or_exact(event: &str) -> String {
    event.to_string()
}
