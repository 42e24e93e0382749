//! "Copy as": a rule and its targets as AWS CLI commands and as CloudFormation, correctly escaped.

use eventbridge_sim::world::target_spec;
use eventbridge_sim::Rule;
use serde_json::{json, Value};

/// Quotes a string for a POSIX shell: `'...'` with each `'` written as `'\''`.
pub fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// The PutTargets `--targets` document (the workshop's `target.json`).
pub fn targets_json(rule: &Rule) -> String {
    let targets: Vec<Value> = rule
        .targets
        .iter()
        .map(|t| {
            let spec = target_spec(t);
            let mut v = json!({"Id": t.id, "Arn": t.arn});
            if let Some(i) = spec.input {
                v["Input"] = i.into();
            }
            if let Some(p) = spec.input_path {
                v["InputPath"] = p.into();
            }
            if let Some(tr) = spec.input_transformer {
                let map: serde_json::Map<String, Value> = tr
                    .paths_map
                    .into_iter()
                    .map(|(k, v)| (k, Value::String(v)))
                    .collect();
                v["InputTransformer"] = json!({"InputPathsMap": map, "InputTemplate": tr.template});
            }
            v
        })
        .collect();
    serde_json::to_string_pretty(&targets).unwrap_or_default()
}

/// `put-rule`, `put-targets` and `test-event-pattern` commands for a rule.
/// For a rule a service manages (schema discovery's, which AWS refuses `put-rule` on), the
/// commands are those that make it: starting discovery on its bus.
pub fn aws_cli(rule: &Rule, sample_event: &str) -> String {
    // Compact, with its numbers as written.
    let pattern = event_pattern::Json::parse(&rule.pattern)
        .map(|v| v.to_compact())
        .unwrap_or_else(|_| rule.pattern.clone());
    let mut out = String::new();
    if rule.managed_by.is_some() {
        out.push_str(&format!(
            "# {} is made by schema discovery (AWS refuses put-rule on it): start discovery on its bus.\naws schemas create-discoverer --source-arn {}\n\n",
            rule.name,
            shell_quote(&bus_arn(&rule.bus))
        ));
    } else {
        out.push_str(&format!(
            "aws events put-rule --name {} --event-bus-name {} --event-pattern {}{}\n\n",
            shell_quote(&rule.name),
            shell_quote(&rule.bus),
            shell_quote(&pattern),
            if rule.state == eventbridge_sim::RuleState::Disabled {
                " --state DISABLED"
            } else {
                ""
            }
        ));
    }
    if !rule.targets.is_empty() {
        out.push_str(&format!(
            "cat > target.json <<'EOF'\n{}\nEOF\n",
            targets_json(rule)
        ));
        out.push_str(&format!(
            "aws events put-targets --rule {} --event-bus-name {} --targets file://target.json\n\n",
            shell_quote(&rule.name),
            shell_quote(&rule.bus)
        ));
    }
    out.push_str(&format!(
        "aws events test-event-pattern --event-pattern {} --event {}\n",
        shell_quote(&pattern),
        shell_quote(sample_event)
    ));
    out
}

/// YAML scalar: always double-quoted, with JSON escaping (valid YAML).
fn yq(s: &str) -> String {
    Value::String(s.to_string()).to_string()
}

/// The ARN of one of the workshop's buses (in the workshop's account).
fn bus_arn(name: &str) -> String {
    let w = crate::Workshop::default();
    let bus = w.buses.into_iter().find(|b| b.name == name);
    bus.unwrap_or_else(|| eventbridge_sim::EventBus::custom(name))
        .arn(&w.account)
}

/// The rule as a CloudFormation `AWS::Events::Rule` resource; for a rule a service manages
/// (schema discovery's), the `AWS::EventSchemas::Discoverer` that makes it.
pub fn cloudformation(rule: &Rule) -> String {
    let logical: String = rule
        .name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    if rule.managed_by.is_some() {
        return format!(
            "# {} is made by schema discovery on its bus.\nResources:\n  {logical}Discoverer:\n    Type: AWS::EventSchemas::Discoverer\n    Properties:\n      SourceArn: {}\n",
            rule.name,
            yq(&bus_arn(&rule.bus))
        );
    }
    let mut out = format!(
        "Resources:\n  {logical}Rule:\n    Type: AWS::Events::Rule\n    Properties:\n      Name: {}\n      EventBusName: {}\n      State: {}\n      EventPattern: {}\n",
        yq(&rule.name),
        yq(&rule.bus),
        if rule.state == eventbridge_sim::RuleState::Enabled { "ENABLED" } else { "DISABLED" },
        yq(&rule.pattern)
    );
    if !rule.targets.is_empty() {
        out.push_str("      Targets:\n");
        for t in &rule.targets {
            let spec = target_spec(t);
            out.push_str(&format!(
                "        - Id: {}\n          Arn: {}\n",
                yq(&t.id),
                yq(&t.arn)
            ));
            if let Some(i) = spec.input {
                out.push_str(&format!("          Input: {}\n", yq(&i)));
            }
            if let Some(p) = spec.input_path {
                out.push_str(&format!("          InputPath: {}\n", yq(&p)));
            }
            if let Some(tr) = spec.input_transformer {
                out.push_str("          InputTransformer:\n            InputPathsMap:\n");
                for (k, v) in tr.paths_map {
                    out.push_str(&format!("              {}: {}\n", yq(&k), yq(&v)));
                }
                out.push_str(&format!(
                    "            InputTemplate: {}\n",
                    yq(&tr.template)
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Workshop;

    #[test]
    fn shell_and_yaml_escaping() {
        assert_eq!(shell_quote("it's"), "'it'\\''s'");
        let w = Workshop::default();
        let forecast = w
            .rules
            .iter()
            .find(|r| !r.targets.is_empty() && r.name.starts_with("forecast"))
            .unwrap();
        let cli = aws_cli(forecast, r#"{"source":"Jane's"}"#);
        assert!(
            cli.contains(
                r#"--event-pattern '{"source":["Order Service"],"detail-type":["New Order"]}'"#
            ),
            "{cli}"
        );
        assert!(cli.contains(r#"--event '{"source":"Jane'\''s"}'"#));
        assert!(cli.contains(r#""InputTemplate": "{\"order_id\": <order_id>,\"order_date\": <order_date>,\"items\": <items>}""#));
        let yaml = cloudformation(forecast);
        assert!(yaml.contains("EventPattern: \"{\\\"source\\\": [\\\"Order Service\\\"], \\\"detail-type\\\": [\\\"New Order\\\"]}\""), "{yaml}");
        assert!(yaml.contains("InputTemplate: \"{\\\"order_id\\\": <order_id>"));
    }

    /// Schema discovery's rule is exported as what makes it (a discoverer on its bus), never
    /// as a put-rule AWS would refuse.
    /// The exported pattern is compacted, with its numbers as written.
    #[test]
    fn the_exported_pattern_keeps_its_numbers() {
        let mut rule = Workshop::default().rules[0].clone();
        rule.managed_by = None;
        rule.pattern = r#"{"detail": {"amount": [{"numeric": [">", 1.50, "<=", 1e3]}]}}"#.into();
        let cli = aws_cli(&rule, "{}");
        assert!(
            cli.contains(
                r#"--event-pattern '{"detail":{"amount":[{"numeric":[">",1.50,"<=",1e3]}]}}'"#
            ),
            "{cli}"
        );
    }

    #[test]
    fn a_managed_rule_exports_as_its_discoverer() {
        let w = Workshop::default();
        let rule = w.rules.iter().find(|r| r.managed_by.is_some()).unwrap();
        let cli = aws_cli(rule, "{}");
        assert!(!cli.contains("aws events put-rule"), "{cli}");
        assert!(
            cli.contains("aws schemas create-discoverer --source-arn 'arn:aws:events:us-west-2:123456789012:event-bus/orders'"),
            "{cli}"
        );
        assert!(cli.contains("aws events test-event-pattern"), "{cli}");
        let cfn = cloudformation(rule);
        assert!(!cfn.contains("AWS::Events::Rule"), "{cfn}");
        assert!(cfn.contains("Type: AWS::EventSchemas::Discoverer"), "{cfn}");
        assert!(
            cfn.contains("SourceArn: \"arn:aws:events:us-west-2:123456789012:event-bus/orders\""),
            "{cfn}"
        );
    }
}
