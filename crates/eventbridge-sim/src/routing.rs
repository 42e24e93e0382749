//! Routing one event on a bus to the rules whose patterns match it.

use event_pattern::{explain, EventPattern, Json, PatternError, Verdict};

use crate::model::{EventBus, Rule, RuleState};

/// What happened to one rule for one event.
#[derive(Debug, Clone)]
pub struct RuleOutcome {
    /// The rule's name.
    pub rule: String,
    /// Whether it is enabled (a disabled rule delivers nothing).
    pub enabled: bool,
    /// The verdict, or the pattern's error when the pattern is invalid.
    pub verdict: Result<Verdict, PatternError>,
}

impl RuleOutcome {
    /// True when the rule is enabled and its pattern matched.
    pub fn fires(&self) -> bool {
        self.enabled && self.verdict.as_ref().is_ok_and(|v| v.matched())
    }
}

/// Evaluates every rule of `bus` against the event text. Rules of other buses are skipped.
pub fn route(bus: &EventBus, rules: &[Rule], event: &str) -> Result<Vec<RuleOutcome>, String> {
    let json = Json::parse(event).map_err(|e| e.to_string())?;
    Ok(rules
        .iter()
        .filter(|r| r.bus == bus.name)
        .map(|r| RuleOutcome {
            rule: r.name.clone(),
            enabled: r.state == RuleState::Enabled,
            verdict: EventPattern::parse(&r.pattern).map(|p| explain(&p, &json)),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    const EVENT: &str = r#"{"version":"0","id":"1","detail-type":"New Order","source":"Order Service","account":"123456789012","time":"2020-05-24T07:38:02Z","region":"us-west-2","resources":[],"detail":{"order_id":12345}}"#;

    #[test]
    fn only_enabled_matching_rules_fire() {
        let bus = EventBus::custom("orders");
        let mut off = Rule::new("orders", "off", r#"{"source": ["Order Service"]}"#);
        off.state = RuleState::Disabled;
        let rules = vec![
            Rule::new(
                "orders",
                "forecast",
                r#"{"source": ["Order Service"], "detail-type": ["New Order"]}"#,
            ),
            Rule::new("orders", "other", r#"{"source": ["Payments"]}"#),
            Rule::new("payments", "elsewhere", r#"{"source": ["Order Service"]}"#),
            off,
        ];
        let out = route(&bus, &rules, EVENT).unwrap();
        let fired: Vec<&str> = out
            .iter()
            .filter(|o| o.fires())
            .map(|o| o.rule.as_str())
            .collect();
        assert_eq!(fired, vec!["forecast"]);
        assert_eq!(out.len(), 3);
    }

    #[test]
    fn invalid_pattern_is_reported_not_fired() {
        let bus = EventBus::custom("orders");
        let rules = vec![Rule::new("orders", "bad", r#"{"source": []}"#)];
        let out = route(&bus, &rules, EVENT).unwrap();
        assert!(!out[0].fires());
        assert!(out[0]
            .verdict
            .as_ref()
            .unwrap_err()
            .message()
            .contains("Empty arrays are not allowed"));
    }
}
