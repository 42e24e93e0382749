//! Rendering what a target receives, with an X-ray of how each placeholder was filled.

use event_pattern::json::write_string;
use event_pattern::Json;
use serde::Serialize;

use crate::path::Selection;
use crate::target::{placeholders, TargetInput};

/// Values of the predefined variables for one delivery.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct DeliveryContext {
    /// `<aws.events.rule-name>`.
    pub rule_name: String,
    /// `<aws.events.rule-arn>`.
    pub rule_arn: String,
    /// When EventBridge received the event (ISO-8601, UTC).
    pub ingestion_time: String,
}

/// Where a placeholder stands in the template.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum PlaceholderContext {
    /// A JSON template, in a value position: strings get quotes.
    JsonValue,
    /// A JSON template, inside a string literal: text goes in raw, unescaped.
    InsideString,
    /// A text template: plain text, objects lose their quotes.
    Text,
}

/// One variable of the paths map, and what it found in the event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VariableTrace {
    /// The variable's name (its key in `InputPathsMap`).
    pub name: String,
    /// Its JSONPath.
    pub path: String,
    /// The value as compact JSON, or `None` when the path found nothing.
    pub value: Option<String>,
    /// `string`, `number`, `boolean`, `null`, `object`, `array` or `missing`.
    pub json_type: &'static str,
}

/// One placeholder of the template and what replaced it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlaceholderTrace {
    /// The placeholder's name, without brackets.
    pub name: String,
    /// Byte span of `<name>` in the template.
    pub start: usize,
    /// End of that span.
    pub end: usize,
    /// Where it stands, which decides how its value is written.
    pub context: PlaceholderContext,
    /// The text that replaced it.
    pub replacement: String,
}

/// The structured trace of a rendering, for the X-ray view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct XRay {
    /// Every variable of the paths map, in order.
    pub variables: Vec<VariableTrace>,
    /// Every placeholder of the template, in order.
    pub placeholders: Vec<PlaceholderTrace>,
}

/// What the target receives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Outcome {
    /// Delivered: the exact payload text.
    Delivered {
        /// What the target receives, byte for byte.
        payload: String,
        /// How it was made.
        xray: XRay,
    },
    /// Silently dropped by EventBridge (the rendered text is not valid JSON).
    Dropped {
        /// Why, in words.
        reason: String,
        /// The text rendering gave.
        rendered: String,
        /// Where in `rendered` the problem lies, when known.
        offset: Option<usize>,
        /// How it was made.
        xray: XRay,
    },
}

impl Outcome {
    /// The delivered payload, if any.
    pub fn payload(&self) -> Option<&str> {
        match self {
            Outcome::Delivered { payload, .. } => Some(payload),
            Outcome::Dropped { .. } => None,
        }
    }
}

/// `<aws.events.event>`: the envelope without `detail`, `detailType` in camelCase, time = ingestion.
fn event_without_detail(event: &Json, ctx: &DeliveryContext) -> String {
    let mut out = String::from("{");
    let mut first = true;
    let mut put = |k: &str, v: String| {
        if !first {
            out.push(',');
        }
        first = false;
        write_string(k, &mut out);
        out.push(':');
        out.push_str(&v);
    };
    let field = |k: &str| event.get(k).map(|v| v.to_compact());
    let quoted = |s: &str| {
        let mut o = String::new();
        write_string(s, &mut o);
        o
    };
    for (key, from) in [
        ("id", "id"),
        ("account", "account"),
        ("detailType", "detail-type"),
    ] {
        if let Some(v) = field(from) {
            put(key, v);
        }
    }
    put("time", quoted(&ctx.ingestion_time));
    for key in ["source", "region", "resources", "version"] {
        if let Some(v) = field(key) {
            put(key, v);
        }
    }
    out.push('}');
    out
}

/// For each byte of a JSON template, whether it lies inside a string literal.
fn string_regions(template: &str) -> Vec<bool> {
    let mut inside = vec![false; template.len()];
    let mut in_str = false;
    let mut escaped = false;
    for (i, b) in template.bytes().enumerate() {
        if in_str {
            inside[i] = true;
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_str = false;
            }
        } else if b == b'"' {
            in_str = true;
        }
    }
    inside
}

/// Renders the input a target receives for one event. `event_text` is the event as delivered
/// (compact JSON in envelope order).
pub fn render(input: &TargetInput, event_text: &str, ctx: &DeliveryContext) -> Outcome {
    let event = match Json::parse(event_text) {
        Ok(e) => e,
        Err(e) => {
            return Outcome::Dropped {
                reason: format!("the event is not valid JSON: {}", e.message),
                rendered: String::new(),
                offset: Some(e.location.offset),
                xray: XRay::default(),
            }
        }
    };
    match input {
        TargetInput::WholeEvent => Outcome::Delivered {
            payload: event_text.to_string(),
            xray: XRay::default(),
        },
        TargetInput::Constant(text) => Outcome::Delivered {
            payload: text.clone(),
            xray: XRay::default(),
        },
        TargetInput::Path(path) => match path.select(&event) {
            Some(v) => Outcome::Delivered {
                payload: v.to_compact(),
                xray: XRay::default(),
            },
            None => Outcome::Dropped {
                reason: format!("InputPath {} selects nothing in this event", path.text),
                rendered: String::new(),
                offset: None,
                xray: XRay::default(),
            },
        },
        TargetInput::Transformer {
            variables,
            template,
        } => render_template(variables, template, &event, event_text, ctx),
    }
}

fn render_template(
    variables: &[(String, crate::path::JsonPath)],
    template: &str,
    event: &Json,
    event_text: &str,
    ctx: &DeliveryContext,
) -> Outcome {
    let mut xray = XRay::default();
    let values: Vec<(String, Option<Selection<'_>>)> = variables
        .iter()
        .map(|(name, path)| {
            let v = path.select(event);
            xray.variables.push(VariableTrace {
                name: name.clone(),
                path: path.text.clone(),
                value: v.as_ref().map(|v| v.to_compact()),
                json_type: v.as_ref().map_or("missing", Selection::type_name),
            });
            (name.clone(), v)
        })
        .collect();
    let is_json = template.trim_start().starts_with('{');
    let inside = if is_json {
        string_regions(template)
    } else {
        Vec::new()
    };
    let mut out = String::with_capacity(template.len() + 64);
    let mut last = 0;
    for ph in placeholders(template) {
        out.push_str(&template[last..ph.start]);
        last = ph.end;
        let context = if !is_json {
            PlaceholderContext::Text
        } else if inside.get(ph.start).copied().unwrap_or(false) {
            PlaceholderContext::InsideString
        } else {
            PlaceholderContext::JsonValue
        };
        let quoted = |s: &str| {
            let mut o = String::new();
            write_string(s, &mut o);
            o
        };
        let replacement = match ph.name.as_str() {
            "aws.events.rule-name" | "aws.events.rule-arn" | "aws.events.event.ingestion-time" => {
                let s = match ph.name.as_str() {
                    "aws.events.rule-name" => &ctx.rule_name,
                    "aws.events.rule-arn" => &ctx.rule_arn,
                    _ => &ctx.ingestion_time,
                };
                if context == PlaceholderContext::JsonValue {
                    quoted(s)
                } else {
                    s.clone()
                }
            }
            "aws.events.event" => event_without_detail(event, ctx),
            "aws.events.event.json" => event_text.to_string(),
            name => {
                let v = values
                    .iter()
                    .rev()
                    .find(|(n, _)| n == name)
                    .and_then(|(_, v)| v.as_ref());
                match (context, v) {
                    (PlaceholderContext::JsonValue, None) => "\"\"".to_string(),
                    (_, None) => String::new(),
                    (PlaceholderContext::JsonValue, Some(v)) => v.to_compact(),
                    (PlaceholderContext::InsideString, Some(v)) => match v.as_str() {
                        Some(s) => s.to_string(),
                        None => v.to_compact(),
                    },
                    (PlaceholderContext::Text, Some(v)) => {
                        let mut o = String::new();
                        o.push_str(&v.to_unquoted());
                        o
                    }
                }
            }
        };
        out.push_str(&replacement);
        xray.placeholders.push(PlaceholderTrace {
            name: ph.name.clone(),
            start: ph.start,
            end: ph.end,
            context,
            replacement,
        });
    }
    out.push_str(&template[last..]);
    if is_json {
        if let Err(e) = Json::parse(&out) {
            return Outcome::Dropped {
                reason: format!(
                    "the rendered input is not valid JSON ({} at line {}, column {}), so EventBridge silently delivers nothing to this target",
                    e.message, e.location.line, e.location.column
                ),
                rendered: out,
                offset: Some(e.location.offset),
                xray,
            };
        }
    }
    Outcome::Delivered { payload: out, xray }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::target::TargetSpec;

    const EVENT: &str = r#"{"version":"0","id":"1","detail-type":"New Order","source":"Order Service","account":"123456789012","time":"2020-05-24T07:38:02Z","region":"us-west-2","resources":[],"detail":{"order_id":12345,"note":"say \"hi\" \\ bye","n":null,"items":[{"qty":1,"price":40.0}],"deep":{"a":{"b":{"c":[7,8]}}}}}"#;

    fn render_with(paths: &[(&str, &str)], template: &str) -> Outcome {
        let spec = TargetSpec::with_transformer("t", paths.iter().copied(), template);
        render(
            &spec.validate().unwrap(),
            EVENT,
            &DeliveryContext::default(),
        )
    }

    #[test]
    fn numbers_null_and_arrays_keep_their_json_form() {
        let out = render_with(
            &[
                ("id", "$.detail.order_id"),
                ("n", "$.detail.n"),
                ("items", "$.detail.items"),
            ],
            r#"{"id": <id>, "n": <n>, "items": <items>}"#,
        );
        assert_eq!(
            out.payload(),
            Some(r#"{"id": 12345, "n": null, "items": [{"qty":1,"price":40.0}]}"#)
        );
    }

    #[test]
    fn array_indexes_and_deep_paths() {
        let out = render_with(
            &[
                ("c", "$.detail.deep.a.b.c[1]"),
                ("q", "$.detail.items[0].qty"),
            ],
            r#"{"c": <c>, "q": "<q>"}"#,
        );
        assert_eq!(out.payload(), Some(r#"{"c": 8, "q": "1"}"#));
    }

    #[test]
    fn quotes_and_backslashes_are_escaped_as_values_but_break_strings() {
        let out = render_with(&[("note", "$.detail.note")], r#"{"note": <note>}"#);
        assert_eq!(out.payload(), Some(r#"{"note": "say \"hi\" \\ bye"}"#));
        match render_with(&[("note", "$.detail.note")], r#"{"note": "<note>"}"#) {
            Outcome::Dropped {
                rendered, offset, ..
            } => {
                assert_eq!(rendered, r#"{"note": "say "hi" \ bye"}"#);
                assert!(offset.is_some());
            }
            other => panic!("expected a drop, got {other:?}"),
        }
    }

    #[test]
    fn xray_reports_contexts_and_missing_values() {
        let out = render_with(
            &[("id", "$.detail.order_id"), ("gone", "$.detail.nope")],
            r#"{"a": <id>, "b": "x<id>", "c": <gone>}"#,
        );
        let Outcome::Delivered { payload, xray } = out else {
            panic!("delivered")
        };
        assert_eq!(payload, r#"{"a": 12345, "b": "x12345", "c": ""}"#);
        assert_eq!(xray.variables[1].json_type, "missing");
        let contexts: Vec<PlaceholderContext> =
            xray.placeholders.iter().map(|p| p.context).collect();
        assert_eq!(
            contexts,
            vec![
                PlaceholderContext::JsonValue,
                PlaceholderContext::InsideString,
                PlaceholderContext::JsonValue
            ]
        );
    }
}
