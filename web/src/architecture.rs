//! The architecture view: producers → buses → rules → targets, drawn from the workshop state.

use eventbridge_sim::{BusKind, Rule, Target, TargetInput};
use workshop::{ProducerKind, Workshop};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ArchitectureProps {
    pub workshop: Workshop,
}

fn producer_kind(kind: ProducerKind) -> &'static str {
    match kind {
        ProducerKind::Lambda => "Lambda · PutEvents",
        ProducerKind::ApiGatewayWebhook => "Webhook · API Gateway · VTL",
        ProducerKind::PartnerSource => "Partner event source",
    }
}

fn bus_kind(kind: BusKind) -> &'static str {
    match kind {
        BusKind::Default => "default bus",
        BusKind::Custom => "custom bus",
        BusKind::Partner => "partner bus",
    }
}

/// A target's kind and short name, from its ARN.
fn target_label(t: &Target) -> (&'static str, String) {
    if let Some(idx) = t.arn.find(":log-group:") {
        (
            "CloudWatch Logs",
            t.arn[idx + ":log-group:".len()..].to_string(),
        )
    } else if let Some(idx) = t.arn.find(":function:") {
        ("Lambda", t.arn[idx + ":function:".len()..].to_string())
    } else {
        ("Target", t.arn.clone())
    }
}

fn input_label(input: &TargetInput) -> &'static str {
    match input {
        TargetInput::WholeEvent => "whole event",
        TargetInput::Input(_) => "constant Input",
        TargetInput::InputPath(_) => "InputPath",
        TargetInput::InputTransformer { .. } => "InputTransformer",
    }
}

fn rule_view(rule: &Rule) -> Html {
    let managed = rule
        .managed_by
        .as_ref()
        .map(|m| html! { <span class="badge">{ format!("managed by {m}") }</span> });
    html! {
        <li class="rule" aria-label={format!("rule {}", rule.name)}>
            <div class="rule-head">
                <span class="rule-name">{ &rule.name }</span>
                { for managed }
            </div>
            <pre class="pattern">{ &rule.pattern }</pre>
            <ul class="targets">
                { for rule.targets.iter().map(|t| {
                    let (kind, name) = target_label(t);
                    html! {
                        <li class="target">
                            <span class="target-kind">{ kind }</span>
                            <span class="target-name">{ name }</span>
                            <span class="target-input">{ input_label(&t.input) }</span>
                        </li>
                    }
                }) }
                if rule.targets.is_empty() {
                    <li class="target none">{ "Schema discoverer" }</li>
                }
            </ul>
        </li>
    }
}

/// One lane per bus: its producers on the left, the bus, then its rules and their targets.
#[function_component(Architecture)]
pub fn architecture(props: &ArchitectureProps) -> Html {
    let w = &props.workshop;
    html! {
        <section class="architecture" aria-label="Architecture">
            <h2>{ "Architecture" }</h2>
            <div class="lanes">
                { for w.buses.iter().map(|bus| html! {
                    <div class="lane">
                        <div class="producers">
                            { for w.producers_of(&bus.name).map(|p| html! {
                                <div class="producer" title={p.description.clone()}>
                                    <span class="producer-name">{ &p.name }</span>
                                    <span class="producer-kind">{ producer_kind(p.kind) }</span>
                                </div>
                            }) }
                        </div>
                        <div class="arrow" aria-hidden="true">{ "→" }</div>
                        <div class="bus">
                            <span class="bus-kind">{ bus_kind(bus.kind) }</span>
                            <span class="bus-name">{ &bus.name }</span>
                        </div>
                        <div class="arrow" aria-hidden="true">{ "→" }</div>
                        <ul class="rules">
                            { for w.rules_on(&bus.name).map(rule_view) }
                        </ul>
                    </div>
                }) }
            </div>
        </section>
    }
}
