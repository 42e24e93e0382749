//! Live validation of everything the user edits: each problem with the field it concerns, its
//! position and AWS's message where AWS has one.

use event_pattern::EventPattern;
use eventbridge_sim::world::target_spec;
use serde::Serialize;

use crate::state::WorkshopState;

/// Which editable text a problem is in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Field {
    /// The event pattern of rule N.
    RulePattern(usize),
    /// The input options of target `target` of rule `rule`.
    TargetInput {
        /// The rule, by position.
        rule: usize,
        /// The target, by position in the rule.
        target: usize,
    },
    /// The API Gateway mapping template.
    MappingTemplate,
    /// The order generator's `Detail`.
    OrderDetail,
    /// The `payment_intent.created` webhook.
    StripeCreated,
    /// The `payment_intent.succeeded` webhook.
    StripeSucceeded,
    /// The webhook whose description has an apostrophe.
    StripeApostrophe,
    /// The user's own event.
    CustomEvent,
}

/// One problem.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// Which text.
    pub field: Field,
    /// The message, AWS's wording where AWS has one.
    pub message: String,
    /// 1-based line and column, and the byte span to underline.
    pub line: usize,
    /// Column, from 1.
    pub column: usize,
    /// First byte of the span.
    pub start: usize,
    /// One past its last byte.
    pub end: usize,
    /// What to do about it, in our words, where we have some (AWS's message says what is wrong).
    pub hint: Option<String>,
}

/// Line and column (1-based, in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut o = offset.min(text.len());
    while o > 0 && !text.is_char_boundary(o) {
        o -= 1;
    }
    let before = &text[..o];
    let line = before.matches('\n').count() + 1;
    let start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    (line, text[start..o].chars().count() + 1)
}

fn problem(field: Field, text: &str, message: String, start: usize, end: usize) -> Problem {
    let (line, column) = line_col(text, start);
    let end = end.max(start).min(text.len());
    Problem {
        field,
        message,
        line,
        column,
        start: start.min(text.len()),
        end,
        hint: None,
    }
}

fn json_problem(field: Field, text: &str, require_object: bool) -> Option<Problem> {
    match event_pattern::Json::parse(text) {
        Err(e) => Some(problem(field, text, e.message, e.span.start, e.span.end)),
        Ok(j) if require_object && !matches!(j.value, event_pattern::JsonValue::Object(_)) => Some(
            problem(field, text, "must be a JSON object".into(), 0, text.len()),
        ),
        Ok(_) => None,
    }
}

/// Every problem in the state, in a stable order.
pub fn diagnose(state: &WorkshopState) -> Vec<Problem> {
    let mut out = Vec::new();
    for (i, rule) in state.rules.iter().enumerate() {
        if let Err(e) = EventPattern::parse(&rule.pattern) {
            let span = e.span().unwrap_or_default();
            let mut p = problem(
                Field::RulePattern(i),
                &rule.pattern,
                e.message(),
                span.start,
                span.end,
            );
            if let Some(l) = e.location() {
                p.line = l.line as usize;
                p.column = l.column as usize;
            }
            p.hint = e.hint().map(str::to_string);
            out.push(p);
        }
        for (t, target) in rule.targets.iter().enumerate() {
            if let Err(e) = target_spec(target).validate() {
                let text = match &target.input {
                    eventbridge_sim::TargetInput::InputTransformer { template, .. } => {
                        template.as_str()
                    }
                    eventbridge_sim::TargetInput::Input(s)
                    | eventbridge_sim::TargetInput::InputPath(s) => s.as_str(),
                    eventbridge_sim::TargetInput::WholeEvent => "",
                };
                let (s, en) = e.span.unwrap_or((0, 0));
                out.push(problem(
                    Field::TargetInput { rule: i, target: t },
                    text,
                    e.message,
                    s,
                    en,
                ));
            }
        }
    }
    if let Err(e) = apigw_vtl::Template::parse(&state.mapping_template) {
        out.push(problem(
            Field::MappingTemplate,
            &state.mapping_template,
            e.message,
            e.offset,
            e.offset + 1,
        ));
    }
    let jsons = [
        (Field::OrderDetail, &state.order_detail, true),
        (Field::StripeCreated, &state.stripe_created, false),
        (Field::StripeSucceeded, &state.stripe_succeeded, false),
        (Field::StripeApostrophe, &state.stripe_apostrophe, false),
        (Field::CustomEvent, &state.custom.event, true),
    ];
    for (field, text, object) in jsons {
        if let Some(p) = json_problem(field, text, object) {
            out.push(p);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_state_is_clean_and_errors_have_positions() {
        assert!(diagnose(&WorkshopState::default()).is_empty());
        let mut s = WorkshopState::default();
        s.rules[1].pattern = "{\"source\": []}".into();
        s.custom.event = "{\n  \"source\": x\n}".into();
        let ps = diagnose(&s);
        assert_eq!(ps[0].field, Field::RulePattern(1));
        assert!(ps[0].message.contains("Empty arrays are not allowed"));
        assert_eq!((ps[0].line, ps[0].column), (1, 14));
        assert!(ps[0]
            .hint
            .as_deref()
            .unwrap_or("")
            .contains(r#"[{"exists": false}]"#));
        let custom = ps.iter().find(|p| p.field == Field::CustomEvent).unwrap();
        assert_eq!(custom.line, 2);
        assert!(custom.message.contains("Unrecognized token 'x'"));
    }
}
