//! Accounts, buses, rules and targets, named as AWS names them.

use serde::{Deserialize, Serialize};

/// The account and region every resource lives in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    /// The 12-digit account id.
    pub id: String,
    /// The region, e.g. `us-west-2`.
    pub region: String,
}

impl Account {
    /// The account and region of the workshop's samples.
    pub fn workshop() -> Self {
        Account {
            id: "123456789012".into(),
            region: "us-west-2".into(),
        }
    }
}

/// What kind of bus this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum BusKind {
    /// The account's `default` bus (AWS services' events).
    Default,
    /// A bus the account created.
    Custom,
    /// A partner bus, named after its partner event source.
    Partner,
}

/// An event bus.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventBus {
    /// Its name (for a partner bus, the partner event source's name).
    pub name: String,
    /// What kind of bus.
    pub kind: BusKind,
}

impl EventBus {
    /// A custom bus.
    pub fn custom(name: &str) -> Self {
        EventBus {
            name: name.into(),
            kind: BusKind::Custom,
        }
    }

    /// The bus associated with a partner event source (named after it).
    pub fn partner(source_name: &str) -> Self {
        EventBus {
            name: source_name.into(),
            kind: BusKind::Partner,
        }
    }

    /// `arn:aws:events:<region>:<account>:event-bus/<name>`.
    pub fn arn(&self, account: &Account) -> String {
        format!(
            "arn:aws:events:{}:{}:event-bus/{}",
            account.region, account.id, self.name
        )
    }
}

/// ENABLED or DISABLED.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum RuleState {
    /// Events are matched and delivered.
    Enabled,
    /// The rule is kept, but delivers nothing.
    Disabled,
}

/// How a target gets its input (the three PutTargets options, or the whole event).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum TargetInput {
    /// No input option: the whole event.
    WholeEvent,
    /// `Input`: a constant JSON text.
    Input(String),
    /// `InputPath`: the part of the event a JSONPath selects.
    InputPath(String),
    /// `InputTransformer`: a template filled from the event.
    InputTransformer {
        /// `InputPathsMap`, in the order written.
        paths_map: Vec<(String, String)>,
        /// `InputTemplate`.
        template: String,
    },
}

/// A rule's target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Target {
    /// The target's `Id` within the rule.
    pub id: String,
    /// What it delivers to (a Lambda function, a log group).
    pub arn: String,
    /// What it receives.
    pub input: TargetInput,
}

/// A rule on a bus.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rule {
    /// The bus the rule is on.
    pub bus: String,
    /// The rule's name.
    pub name: String,
    /// The event pattern, as text (checked when events arrive).
    pub pattern: String,
    /// `ENABLED` or `DISABLED`.
    pub state: RuleState,
    /// A description, as PutRule takes it.
    pub description: Option<String>,
    /// Set for rules that a service manages, such as schema discovery's.
    pub managed_by: Option<String>,
    /// Its targets, in order (at most 5).
    pub targets: Vec<Target>,
}

impl Rule {
    /// An enabled rule without targets.
    pub fn new(bus: &str, name: &str, pattern: &str) -> Self {
        Rule {
            bus: bus.into(),
            name: name.into(),
            pattern: pattern.into(),
            state: RuleState::Enabled,
            description: None,
            managed_by: None,
            targets: Vec::new(),
        }
    }

    /// The rule with one more target.
    pub fn with_target(mut self, target: Target) -> Self {
        self.targets.push(target);
        self
    }

    /// Rules on the default bus are `rule/<name>`; on any other bus `rule/<bus>/<name>`.
    pub fn arn(&self, account: &Account) -> String {
        if self.bus == "default" {
            format!(
                "arn:aws:events:{}:{}:rule/{}",
                account.region, account.id, self.name
            )
        } else {
            format!(
                "arn:aws:events:{}:{}:rule/{}/{}",
                account.region, account.id, self.bus, self.name
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arns_follow_aws() {
        let a = Account::workshop();
        assert_eq!(
            Rule::new("default", "r", "{}").arn(&a),
            "arn:aws:events:us-west-2:123456789012:rule/r"
        );
        assert_eq!(
            EventBus::partner("aws.partner/buildkite.com/org/id").arn(&a),
            "arn:aws:events:us-west-2:123456789012:event-bus/aws.partner/buildkite.com/org/id"
        );
        assert_eq!(
            Rule::new("aws.partner/buildkite.com/org/id", "buildkite-catchall", "{}").arn(&a),
            "arn:aws:events:us-west-2:123456789012:rule/aws.partner/buildkite.com/org/id/buildkite-catchall"
        );
    }
}
