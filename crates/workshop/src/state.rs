//! Everything a user can edit, as one versioned serde state; defaults are omitted when saved.

use eventbridge_sim::{Grant, Rule, RuleState};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::Workshop;

/// The state format's current version.
pub const STATE_VERSION: u32 = 1;
/// A state may hold at most this many rules, targets per rule, and custom events.
pub const MAX_RULES: usize = 300;
/// Targets a rule may have (AWS's limit).
pub const MAX_TARGETS_PER_RULE: usize = 5;
/// The largest text a user may put in any one field.
pub const MAX_FIELD_BYTES: usize = 256 * 1024;

/// The Buildkite partner event source's lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PartnerState {
    /// Created by the partner; the account has not associated it with an event bus yet.
    Pending,
    /// Associated with the partner event bus: events flow.
    Active,
    /// Deleted by the partner: its bus stops receiving events.
    Deleted,
}

/// An event the user writes and sends to any bus.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomEvent {
    /// The bus it is sent to.
    pub bus: String,
    /// `{"source": ..., "detail-type": ..., "detail": {...}}`
    pub event: String,
}

/// The editable workshop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkshopState {
    /// The state format's version ([`STATE_VERSION`]).
    pub version: u32,
    /// The rules, with their patterns and targets.
    pub rules: Vec<Rule>,
    /// Buses with schema discovery started.
    pub discovery: Vec<String>,
    /// The Buildkite partner event source.
    pub partner: PartnerState,
    /// Who may call PutEvents on which bus (the producers' roles).
    pub grants: Vec<Grant>,
    /// The API Gateway request mapping template.
    pub mapping_template: String,
    /// Sample payloads, by sample name, as the user edited them.
    pub order_detail: String,
    /// The `payment_intent.created` webhook.
    pub stripe_created: String,
    /// The `payment_intent.succeeded` webhook.
    pub stripe_succeeded: String,
    /// The webhook with an apostrophe.
    pub stripe_apostrophe: String,
    /// The user's own event.
    pub custom: CustomEvent,
}

/// The order generator's role and the API Gateway integration's role.
pub const ORDERGEN_ROLE: &str = "ordergen-function-role";
/// The API Gateway integration's role.
pub const APIGW_ROLE: &str = "stripe-api-putevents-role";

impl Default for WorkshopState {
    fn default() -> Self {
        let w = Workshop::default();
        WorkshopState {
            version: STATE_VERSION,
            rules: w.rules,
            discovery: vec!["orders".into()],
            partner: PartnerState::Active,
            grants: vec![
                Grant { role: ORDERGEN_ROLE.into(), bus: "orders".into() },
                Grant { role: APIGW_ROLE.into(), bus: "payments".into() },
            ],
            mapping_template: crate::samples::MAPPING_TEMPLATE.into(),
            order_detail: crate::samples::order_detail(),
            stripe_created: crate::samples::STRIPE_CREATED.into(),
            stripe_succeeded: crate::samples::STRIPE_SUCCEEDED.into(),
            stripe_apostrophe: crate::samples::STRIPE_APOSTROPHE.into(),
            custom: CustomEvent {
                bus: "orders".into(),
                event: "{\n  \"source\": \"Order Service\",\n  \"detail-type\": \"New Order\",\n  \"detail\": {\"order_id\": 1, \"items\": []}\n}".into(),
            },
        }
    }
}

/// Why a rule that a service manages (schema discovery's) cannot be changed: AWS refuses
/// PutRule, EnableRule and DisableRule on it with a `ManagedRuleException`.
pub const MANAGED_RULE_REFUSAL: &str = "This rule is managed by schemas.amazonaws.com: AWS refuses to change it (PutRule, EnableRule and DisableRule answer ManagedRuleException). Stopping schema discovery on its bus removes it.";

/// Why a saved state could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateError(pub String);

impl WorkshopState {
    /// The state as JSON with every top-level field that equals the default left out.
    pub fn to_compact_json(&self) -> String {
        let default = serde_json::to_value(WorkshopState::default()).unwrap_or(Value::Null);
        let mut v = serde_json::to_value(self).unwrap_or(Value::Null);
        if let (Value::Object(m), Value::Object(d)) = (&mut v, &default) {
            m.retain(|k, val| k == "version" || d.get(k) != Some(val));
        }
        v.to_string()
    }

    /// Reads a compact state: missing fields take their defaults, old versions are migrated.
    pub fn from_compact_json(text: &str) -> Result<WorkshopState, StateError> {
        let v: Value = serde_json::from_str(text)
            .map_err(|e| StateError(format!("the saved state is not valid JSON: {e}")))?;
        let Value::Object(mut m) = v else {
            return Err(StateError("the saved state is not a JSON object".into()));
        };
        let version = m.get("version").and_then(|v| v.as_u64()).unwrap_or(0) as u32;
        if version > STATE_VERSION {
            return Err(StateError(format!("the state is from a newer version ({version}) of the workshop; this one reads up to {STATE_VERSION}")));
        }
        migrate(&mut m, version);
        let Value::Object(mut full) =
            serde_json::to_value(WorkshopState::default()).unwrap_or(Value::Null)
        else {
            return Err(StateError("internal: default state".into()));
        };
        for (k, val) in m {
            full.insert(k, val);
        }
        full.insert("version".into(), Value::from(STATE_VERSION));
        let mut state: WorkshopState = serde_json::from_value(Value::Object(full))
            .map_err(|e| StateError(format!("the saved state has an invalid field: {e}")))?;
        state.check_limits()?;
        state.restore_managed_rules();
        Ok(state)
    }

    /// A rule a service manages is as the service made it, whatever a saved state says (the
    /// workshop never changes it; a hand-made link could).
    fn restore_managed_rules(&mut self) {
        let defaults = WorkshopState::default().rules;
        for rule in self.rules.iter_mut().filter(|r| r.managed_by.is_some()) {
            if let Some(made) = defaults
                .iter()
                .find(|d| d.managed_by == rule.managed_by && d.bus == rule.bus)
            {
                *rule = made.clone();
            }
        }
    }

    /// Whether rule `i` is one a service manages (then it cannot be changed).
    pub fn is_managed(&self, i: usize) -> bool {
        self.rules.get(i).is_some_and(|r| r.managed_by.is_some())
    }

    /// Changes rule `i` as AWS's rule calls would; refused, with [`MANAGED_RULE_REFUSAL`], for a
    /// rule a service manages (a missing rule is left alone).
    fn change_rule(
        &mut self,
        i: usize,
        change: impl FnOnce(&mut Rule),
    ) -> Result<(), &'static str> {
        if self.is_managed(i) {
            return Err(MANAGED_RULE_REFUSAL);
        }
        if let Some(r) = self.rules.get_mut(i) {
            change(r);
        }
        Ok(())
    }

    /// Sets the event pattern of rule `i` (PutRule).
    pub fn set_pattern(&mut self, i: usize, pattern: String) -> Result<(), &'static str> {
        self.change_rule(i, |r| r.pattern = pattern)
    }

    /// Enables a disabled rule `i`, or disables an enabled one (EnableRule, DisableRule).
    pub fn toggle_rule(&mut self, i: usize) -> Result<(), &'static str> {
        self.change_rule(i, |r| {
            r.state = match r.state {
                RuleState::Enabled => RuleState::Disabled,
                _ => RuleState::Enabled,
            }
        })
    }

    /// Renames rule `i`.
    pub fn rename_rule(&mut self, i: usize, name: String) -> Result<(), &'static str> {
        self.change_rule(i, |r| r.name = name)
    }

    /// Enforces the limits on what a state may hold.
    pub fn check_limits(&self) -> Result<(), StateError> {
        if self.rules.len() > MAX_RULES {
            return Err(StateError(format!(
                "a state may hold at most {MAX_RULES} rules; this one has {}",
                self.rules.len()
            )));
        }
        if let Some(r) = self
            .rules
            .iter()
            .find(|r| r.targets.len() > MAX_TARGETS_PER_RULE)
        {
            return Err(StateError(format!(
                "rule {} has {} targets; a rule may have at most {MAX_TARGETS_PER_RULE}",
                r.name,
                r.targets.len()
            )));
        }
        let texts = [
            &self.mapping_template,
            &self.order_detail,
            &self.stripe_created,
            &self.stripe_succeeded,
            &self.stripe_apostrophe,
            &self.custom.event,
        ];
        if texts.iter().any(|t| t.len() > MAX_FIELD_BYTES) {
            return Err(StateError(format!(
                "a field is larger than {MAX_FIELD_BYTES} bytes"
            )));
        }
        Ok(())
    }
}

impl WorkshopState {
    /// Adds a catch-all rule on `bus` with a log group target named after it (up to the limit).
    pub fn add_rule(&mut self, bus: &str) {
        if self.rules.len() >= MAX_RULES {
            return;
        }
        let account = crate::Workshop::default().account;
        let name = format!(
            "my-rule-{}",
            self.rules.iter().filter(|r| r.bus == bus).count() + 1
        );
        let short: String = bus
            .rsplit('/')
            .next()
            .unwrap_or(bus)
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect();
        let target = eventbridge_sim::Target {
            id: format!("{name}-logs"),
            arn: format!(
                "arn:aws:logs:{}:{}:log-group:/aws/events/{short}-{name}",
                account.region, account.id
            ),
            input: eventbridge_sim::TargetInput::WholeEvent,
        };
        self.rules
            .push(Rule::new(bus, &name, crate::CATCH_ALL_PATTERN).with_target(target));
    }

    /// Removes a rule, unless a service manages it (schema discovery's).
    pub fn remove_rule(&mut self, i: usize) {
        if i < self.rules.len() && !self.is_managed(i) {
            self.rules.remove(i);
        }
    }

    /// Adds an echo Lambda target to rule `i` (up to the limit per rule).
    pub fn add_target(&mut self, i: usize) {
        let account = crate::Workshop::default().account;
        if let Some(r) = self
            .rules
            .get_mut(i)
            .filter(|r| r.targets.len() < MAX_TARGETS_PER_RULE)
        {
            let id = format!("echo-{}", r.targets.len() + 1);
            r.targets.push(eventbridge_sim::Target {
                arn: format!(
                    "arn:aws:lambda:{}:{}:function:{}-{id}",
                    account.region, account.id, r.name
                ),
                id,
                input: eventbridge_sim::TargetInput::WholeEvent,
            });
        }
    }
}

/// Upgrades an old state in place. Version 0 (unversioned drafts) named the template `vtl`.
fn migrate(m: &mut serde_json::Map<String, Value>, from: u32) {
    if from == 0 {
        if let Some(t) = m.remove("vtl") {
            m.insert("mapping_template".into(), t);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_omitted_and_restored() {
        let s = WorkshopState::default();
        assert_eq!(s.to_compact_json(), r#"{"version":1}"#);
        assert_eq!(
            WorkshopState::from_compact_json(r#"{"version":1}"#).unwrap(),
            s
        );
        let edited = WorkshopState {
            partner: PartnerState::Pending,
            ..s.clone()
        };
        let text = edited.to_compact_json();
        assert_eq!(text, r#"{"version":1,"partner":"Pending"}"#);
        assert_eq!(WorkshopState::from_compact_json(&text).unwrap(), edited);
    }

    #[test]
    fn limits_on_rules_targets_and_fields() {
        let mut s = WorkshopState::default();
        let r = s.rules[1].clone();
        s.rules = vec![r.clone(); MAX_RULES + 1];
        assert!(s
            .check_limits()
            .unwrap_err()
            .0
            .contains("at most 300 rules"));
        let mut s = WorkshopState::default();
        let t = s.rules[1].targets[0].clone();
        s.rules[1].targets = vec![t; MAX_TARGETS_PER_RULE + 1];
        assert!(s.check_limits().unwrap_err().0.contains("at most 5"));
        let s = WorkshopState {
            mapping_template: "x".repeat(MAX_FIELD_BYTES + 1),
            ..Default::default()
        };
        assert!(s.check_limits().unwrap_err().0.contains("larger than"));
        // A saved state over a limit is refused on load.
        assert!(WorkshopState::from_compact_json(&s.to_compact_json()).is_err());
    }

    #[test]
    fn migrates_and_rejects_bad_states() {
        let old = WorkshopState::from_compact_json(r#"{"vtl": "x"}"#).unwrap();
        assert_eq!(old.mapping_template, "x");
        assert!(WorkshopState::from_compact_json(r#"{"version": 99}"#)
            .unwrap_err()
            .0
            .contains("newer version"));
        assert!(WorkshopState::from_compact_json("[]").is_err());
        assert!(
            WorkshopState::from_compact_json(r#"{"partner": "Sideways"}"#)
                .unwrap_err()
                .0
                .contains("invalid field")
        );
    }

    /// Schema discovery's rule is AWS's to change: edits are refused with the reason (as
    /// PutRule, EnableRule and DisableRule answer ManagedRuleException), other rules take them,
    /// and a hand-made state that changed it opens with the rule as the service made it.
    #[test]
    fn a_managed_rule_refuses_changes() {
        let mut s = WorkshopState::default();
        let managed = s.rules.iter().position(|r| r.managed_by.is_some()).unwrap();
        let other = s.rules.iter().position(|r| r.managed_by.is_none()).unwrap();
        let made = s.rules[managed].clone();
        assert_eq!(
            s.set_pattern(managed, "{}".into()),
            Err(MANAGED_RULE_REFUSAL)
        );
        assert_eq!(s.toggle_rule(managed), Err(MANAGED_RULE_REFUSAL));
        assert_eq!(
            s.rename_rule(managed, "x".into()),
            Err(MANAGED_RULE_REFUSAL)
        );
        assert_eq!(s.rules[managed], made);
        assert_eq!(s.set_pattern(other, "{}".into()), Ok(()));
        assert_eq!(s.toggle_rule(other), Ok(()));
        assert_eq!(s.rename_rule(other, "renamed".into()), Ok(()));
        assert_eq!(
            (
                s.rules[other].pattern.as_str(),
                s.rules[other].state,
                s.rules[other].name.as_str()
            ),
            ("{}", RuleState::Disabled, "renamed")
        );
        let mut forged = WorkshopState::default();
        forged.rules[managed].pattern = r#"{"source": ["x"]}"#.into();
        forged.rules[managed].state = RuleState::Disabled;
        let opened = WorkshopState::from_compact_json(&forged.to_compact_json()).unwrap();
        assert_eq!(opened.rules[managed], made);
    }
}
