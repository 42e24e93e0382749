//! Accounts, buses, rules and targets, named as AWS names them.

use serde::{Deserialize, Serialize};

/// The account and region every resource lives in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub id: String,
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
    Default,
    Custom,
    /// A partner bus, named after its partner event source.
    Partner,
}

/// An event bus.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventBus {
    pub name: String,
    pub kind: BusKind,
}

impl EventBus {
    pub fn custom(name: &str) -> Self {
        EventBus {
            name: name.into(),
            kind: BusKind::Custom,
        }
    }

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
    Enabled,
    Disabled,
}

/// How a target gets its input (the three PutTargets options, or the whole event).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum TargetInput {
    WholeEvent,
    Input(String),
    InputPath(String),
    InputTransformer {
        /// `InputPathsMap`, in the order written.
        paths_map: Vec<(String, String)>,
        template: String,
    },
}

/// A rule's target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Target {
    pub id: String,
    pub arn: String,
    pub input: TargetInput,
}

/// A rule on a bus.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rule {
    pub bus: String,
    pub name: String,
    pub pattern: String,
    pub state: RuleState,
    pub description: Option<String>,
    /// Set for rules that a service manages, such as schema discovery's.
    pub managed_by: Option<String>,
    pub targets: Vec<Target>,
}

impl Rule {
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
