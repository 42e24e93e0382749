//! The architecture as an SVG drawn from the state: producers → buses → rules → targets.
//! After a replay the path each event took lights up; rules that did not match are dimmed.

use std::collections::HashSet;

use workshop::{state::WorkshopState, Replay, Workshop};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct DiagramProps {
    pub state: WorkshopState,
    pub replay: Option<crate::ReplayRef>,
    pub on_select_rule: Callback<String>,
}

const ROW: f64 = 44.0;
const COL: [f64; 4] = [8.0, 200.0, 430.0, 700.0];
const WIDTH: [f64; 4] = [170.0, 200.0, 240.0, 250.0];

fn short(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(n - 1).collect::<String>())
    }
}

fn target_name(arn: &str) -> String {
    arn.rsplit([':', '/']).next().unwrap_or(arn).to_string()
}

#[function_component(Diagram)]
pub fn diagram(props: &DiagramProps) -> Html {
    let scenario = Workshop::default();
    let state = &props.state;
    let replay: Option<&Replay> = props.replay.as_ref().map(|r| &*r.0);
    let active_buses: HashSet<&str> = replay
        .map(|r| r.events.iter().map(|e| e.bus.as_str()).collect())
        .unwrap_or_default();
    let fired: HashSet<(&str, &str)> = replay
        .map(|r| {
            r.events
                .iter()
                .flat_map(|e| {
                    e.rules
                        .iter()
                        .filter(|v| v.matched && v.enabled)
                        .map(move |v| (e.bus.as_str(), v.rule.as_str()))
                })
                .collect()
        })
        .unwrap_or_default();
    let delivered: HashSet<(&str, &str)> = replay
        .map(|r| {
            r.deliveries
                .iter()
                .map(|d| (d.rule.as_str(), d.target.as_str()))
                .collect()
        })
        .unwrap_or_default();
    let dropped: HashSet<(&str, &str)> = replay
        .map(|r| {
            r.dropped
                .iter()
                .map(|d| (d.rule.as_str(), d.target.as_str()))
                .collect()
        })
        .unwrap_or_default();

    let mut nodes = Vec::new();
    let mut edges = Vec::new();
    let mut y = 10.0;
    for bus in &scenario.buses {
        let rules: Vec<(usize, &eventbridge_sim::Rule)> = state
            .rules
            .iter()
            .enumerate()
            .filter(|(_, r)| r.bus == bus.name)
            .collect();
        let rows = rules
            .iter()
            .map(|(_, r)| r.targets.len().max(1))
            .sum::<usize>()
            .max(1);
        let lane_h = rows as f64 * ROW;
        let mid = y + lane_h / 2.0 - 16.0;
        let bus_active = active_buses.contains(bus.name.as_str());
        for p in scenario.producers_of(&bus.name) {
            nodes.push(html! {
                <g class={classes!("node", "producer", bus_active.then_some("lit"))}>
                    <title>{ p.description.clone() }</title>
                    <rect x={COL[0].to_string()} y={mid.to_string()} width={WIDTH[0].to_string()} height="32" rx="6" />
                    <text x={(COL[0] + 8.0).to_string()} y={(mid + 20.0).to_string()}>{ short(&p.name, 24) }</text>
                </g>
            });
            edges.push(html! { <line class={classes!("edge", bus_active.then_some("lit"))} x1={(COL[0] + WIDTH[0]).to_string()} y1={(mid + 16.0).to_string()} x2={COL[1].to_string()} y2={(mid + 16.0).to_string()} /> });
        }
        let exists = bus.name != workshop::BUILDKITE_SOURCE
            || state.partner == workshop::state::PartnerState::Active;
        nodes.push(html! {
            <g class={classes!("node", "bus", bus_active.then_some("lit"), (!exists).then_some("missing"))}>
                <title>{ bus.name.clone() }</title>
                <rect x={COL[1].to_string()} y={mid.to_string()} width={WIDTH[1].to_string()} height="32" rx="6" />
                <text x={(COL[1] + 8.0).to_string()} y={(mid + 20.0).to_string()}>{ short(&bus.name, 27) }</text>
            </g>
        });
        let mut ry = y;
        for (_, rule) in rules {
            let h = rule.targets.len().max(1) as f64 * ROW;
            let rmid = ry + h / 2.0 - 16.0;
            let is_fired = fired.contains(&(bus.name.as_str(), rule.name.as_str()));
            let dim = replay.is_some() && bus_active && !is_fired;
            let disabled = rule.state == eventbridge_sim::RuleState::Disabled;
            let name = rule.name.clone();
            let onclick = {
                let (cb, name) = (props.on_select_rule.clone(), name.clone());
                Callback::from(move |_| cb.emit(name.clone()))
            };
            // Keyboard users reach rules with Tab and open them with Enter or Space.
            let onkeydown = {
                let cb = props.on_select_rule.clone();
                Callback::from(move |e: KeyboardEvent| {
                    if e.key() == "Enter" || e.key() == " " {
                        e.prevent_default();
                        cb.emit(name.clone());
                    }
                })
            };
            edges.push(html! { <line class={classes!("edge", is_fired.then_some("lit"))} x1={(COL[1] + WIDTH[1]).to_string()} y1={(mid + 16.0).to_string()} x2={COL[2].to_string()} y2={(rmid + 16.0).to_string()} /> });
            nodes.push(html! {
                <g class={classes!("node", "rule", is_fired.then_some("lit"), dim.then_some("dim"), disabled.then_some("disabled"))} {onclick} {onkeydown} tabindex="0" role="button" aria-label={format!("rule {}", rule.name)}>
                    <title>{ format!("{}{}", rule.name, if disabled { " (disabled)" } else { "" }) }</title>
                    <rect x={COL[2].to_string()} y={rmid.to_string()} width={WIDTH[2].to_string()} height="32" rx="6" />
                    <text x={(COL[2] + 8.0).to_string()} y={(rmid + 20.0).to_string()}>{ format!("{} {}", if is_fired { "✔" } else if dim { "✘" } else { "" }, short(&rule.name, 28)) }</text>
                </g>
            });
            for (k, t) in rule.targets.iter().enumerate() {
                let ty = ry + k as f64 * ROW + ROW / 2.0 - 16.0;
                let lit = delivered.contains(&(rule.name.as_str(), t.id.as_str()));
                let lost = dropped.contains(&(rule.name.as_str(), t.id.as_str()));
                edges.push(html! { <line class={classes!("edge", lit.then_some("lit"), lost.then_some("lost"))} x1={(COL[2] + WIDTH[2]).to_string()} y1={(rmid + 16.0).to_string()} x2={COL[3].to_string()} y2={(ty + 16.0).to_string()} /> });
                nodes.push(html! {
                    <g class={classes!("node", "target", lit.then_some("lit"), lost.then_some("lost"))}>
                        <title>{ t.arn.clone() }</title>
                        <rect x={COL[3].to_string()} y={ty.to_string()} width={WIDTH[3].to_string()} height="32" rx="6" />
                        <text x={(COL[3] + 8.0).to_string()} y={(ty + 20.0).to_string()}>{ short(&target_name(&t.arn), 30) }</text>
                    </g>
                });
            }
            ry += h;
        }
        y += lane_h + 14.0;
    }
    let height = y.max(60.0);
    html! {
        <figure class="diagram">
            <svg viewBox={format!("0 0 960 {height}")} role="img" aria-label="Architecture diagram: producers, buses, rules and targets">
                { for edges }
                { for nodes }
            </svg>
            <figcaption>{ "Producers → event buses → rules → targets. After a replay, the path each event took lights up; rules that did not match are dimmed (click one to see why)." }</figcaption>
        </figure>
    }
}
