//! The whole model of the page and its actions. `reduce` is pure; replay results, verdicts and
//! diagnostics are derived from the model by the engine crates, never stored here.

use std::rc::Rc;

#[cfg(test)]
use eventbridge_sim::RuleState;
use eventbridge_sim::TargetInput;
use workshop::state::{PartnerState, WorkshopState};
use yew::prelude::*;

/// The tabs of the main area.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Results,
    Rules,
    ApiGateway,
    Events,
    Logs,
    Schemas,
}

/// Which sample text an editor changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SampleField {
    OrderDetail,
    StripeCreated,
    StripeSucceeded,
    StripeApostrophe,
    CustomEvent,
}

/// What a clicked verdict row points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Highlight {
    pub pattern: (usize, usize),
    pub event: Vec<(usize, usize)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    pub workshop: WorkshopState,
    /// The samples last replayed; their results are derived from `workshop`.
    pub replayed: Vec<String>,
    pub tab: Tab,
    pub selected_event: usize,
    pub selected_rule: Option<String>,
    pub highlight: Option<Highlight>,
    /// The link fragment last shared (to show "changed since shared").
    pub shared: Option<String>,
    pub notice: Option<String>,
    pub insights_group: String,
    pub insights_query: String,
}

impl Model {
    pub fn new(workshop: WorkshopState, notice: Option<String>, shared: Option<String>) -> Self {
        Model {
            workshop,
            replayed: Vec::new(),
            tab: Tab::Results,
            selected_event: 0,
            selected_rule: None,
            highlight: None,
            shared,
            notice,
            insights_group: "/aws/events/buildkite-catchall".into(),
            insights_query: "fields @timestamp, `detail-type`, detail.build.state | sort @timestamp desc | limit 20".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Replay(Vec<String>),
    /// The last replay again (at first, every sample).
    ReplayAgain,
    Tab(Tab),
    SelectEvent(usize),
    SelectRule(Option<String>),
    Highlight(Option<Highlight>),
    SetPattern(usize, String),
    ToggleRule(usize),
    RemoveRule(usize),
    AddRule(String),
    RenameRule(usize, String),
    AddTarget(usize),
    RemoveTarget(usize, usize),
    SetTargetInput(usize, usize, TargetInput),
    SetMapping(String),
    SetSample(SampleField, String),
    SetCustomBus(String),
    ToggleDiscovery(String),
    SetPartner(PartnerState),
    ToggleGrant(String, String),
    Reset,
    Load(WorkshopState),
    Shared(String),
    Notice(Option<String>),
    SetInsightsGroup(String),
    SetInsightsQuery(String),
}

impl Model {
    /// Replays these samples and shows the results from their first event.
    fn start_replay(&mut self, samples: Vec<String>) {
        self.replayed = samples;
        self.selected_event = 0;
        self.highlight = None;
        self.tab = Tab::Results;
    }
}

impl Reducible for Model {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut m = (*self).clone();
        let w = &mut m.workshop;
        match action {
            Action::Replay(samples) => m.start_replay(samples),
            Action::ReplayAgain => {
                let samples = if m.replayed.is_empty() {
                    workshop::replay::ALL_SAMPLES
                        .iter()
                        .map(|s| s.to_string())
                        .collect()
                } else {
                    m.replayed.clone()
                };
                m.start_replay(samples);
            }
            Action::Tab(t) => m.tab = t,
            Action::SelectEvent(i) => {
                m.selected_event = i;
                m.highlight = None;
            }
            Action::SelectRule(r) => {
                m.selected_rule = r;
                m.highlight = None;
            }
            Action::Highlight(h) => m.highlight = h,
            Action::SetPattern(i, p) => {
                if let Err(why) = w.set_pattern(i, p) {
                    m.notice = Some(why.into());
                }
            }
            Action::ToggleRule(i) => {
                if let Err(why) = w.toggle_rule(i) {
                    m.notice = Some(why.into());
                }
            }
            Action::RemoveRule(i) => w.remove_rule(i),
            Action::AddRule(bus) => w.add_rule(&bus),
            Action::RenameRule(i, name) => {
                if let Err(why) = w.rename_rule(i, name) {
                    m.notice = Some(why.into());
                }
            }
            Action::AddTarget(i) => w.add_target(i),
            Action::RemoveTarget(i, t) => {
                if let Some(r) = w.rules.get_mut(i) {
                    if t < r.targets.len() {
                        r.targets.remove(t);
                    }
                }
            }
            Action::SetTargetInput(i, t, input) => {
                if let Some(target) = w.rules.get_mut(i).and_then(|r| r.targets.get_mut(t)) {
                    target.input = input;
                }
            }
            Action::SetMapping(t) => w.mapping_template = t,
            Action::SetSample(f, text) => match f {
                SampleField::OrderDetail => w.order_detail = text,
                SampleField::StripeCreated => w.stripe_created = text,
                SampleField::StripeSucceeded => w.stripe_succeeded = text,
                SampleField::StripeApostrophe => w.stripe_apostrophe = text,
                SampleField::CustomEvent => w.custom.event = text,
            },
            Action::SetCustomBus(b) => w.custom.bus = b,
            Action::ToggleDiscovery(bus) => {
                if let Some(pos) = w.discovery.iter().position(|b| *b == bus) {
                    w.discovery.remove(pos);
                } else {
                    w.discovery.push(bus);
                }
            }
            Action::SetPartner(p) => w.partner = p,
            Action::ToggleGrant(role, bus) => {
                if let Some(pos) = w.grants.iter().position(|g| g.role == role && g.bus == bus) {
                    w.grants.remove(pos);
                } else {
                    w.grants.push(eventbridge_sim::Grant { role, bus });
                }
            }
            Action::Reset => {
                m.workshop = WorkshopState::default();
                m.replayed.clear();
                m.highlight = None;
                m.notice = Some("The workshop was reset to its defaults.".into());
            }
            Action::Load(s) => m.workshop = s,
            Action::Shared(link) => {
                m.shared = Some(link);
                m.notice =
                    Some("A link to this exact workshop was copied to the clipboard.".into());
            }
            Action::Notice(n) => m.notice = n,
            Action::SetInsightsGroup(g) => m.insights_group = g,
            Action::SetInsightsQuery(q) => m.insights_query = q,
        }
        Rc::new(m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reduce(m: Model, a: Action) -> Model {
        (*Rc::new(m).reduce(a)).clone()
    }

    #[test]
    fn actions_edit_the_workshop() {
        let m = Model::new(WorkshopState::default(), None, None);
        let m = reduce(m, Action::ToggleRule(1));
        assert_eq!(m.workshop.rules[1].state, RuleState::Disabled);
        let n = m.workshop.rules.len();
        let m = reduce(m, Action::AddRule("payments".into()));
        assert_eq!(m.workshop.rules.len(), n + 1);
        // The managed rule cannot be removed, nor changed: the notice says why.
        let m = reduce(m, Action::RemoveRule(0));
        assert_eq!(m.workshop.rules.len(), n + 1);
        let m = reduce(m, Action::ToggleRule(0));
        assert_eq!(m.workshop.rules[0].state, RuleState::Enabled);
        assert_eq!(
            m.notice.as_deref(),
            Some(workshop::state::MANAGED_RULE_REFUSAL)
        );
        let m = reduce(m, Action::SetPattern(0, "{}".into()));
        assert_ne!(m.workshop.rules[0].pattern, "{}");
        // Replaying again: every sample at first, then the last replay.
        let first = reduce(m.clone(), Action::ReplayAgain);
        assert_eq!(first.replayed.len(), workshop::replay::ALL_SAMPLES.len());
        let m = reduce(m, Action::Replay(vec!["new-order".into()]));
        assert_eq!(m.tab, Tab::Results);
        let again = reduce(m.clone(), Action::ReplayAgain);
        assert_eq!(again.replayed, vec!["new-order".to_string()]);
        let m = reduce(m, Action::Reset);
        assert_eq!(m.workshop, WorkshopState::default());
    }
}
