//! A target's input settings as PutTargets takes them, and PutTargets' validation.

use serde::{Deserialize, Serialize};

use crate::path::JsonPath;

/// `InputTemplate` may have at most this many characters.
pub const MAX_TEMPLATE_CHARS: usize = 8192;
/// `Input` may have at most this many characters.
pub const MAX_INPUT_CHARS: usize = 8192;
/// `InputPathsMap` may have at most this many entries.
pub const MAX_PATHS: usize = 100;

/// The predefined variables a template may use without defining them.
pub const PREDEFINED: [&str; 5] = [
    "aws.events.rule-arn",
    "aws.events.rule-name",
    "aws.events.event.ingestion-time",
    "aws.events.event",
    "aws.events.event.json",
];

/// `InputTransformer` as PutTargets takes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct InputTransformerSpec {
    /// `InputPathsMap`, in the order written.
    pub paths_map: Vec<(String, String)>,
    /// `InputTemplate`.
    pub template: String,
}

/// A target's input options, as written in PutTargets (at most one may be set).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct TargetSpec {
    /// The target's `Id`.
    pub id: String,
    /// `Input`: a constant JSON text.
    pub input: Option<String>,
    /// `InputPath`: the part of the event to send.
    pub input_path: Option<String>,
    /// `InputTransformer`.
    pub input_transformer: Option<InputTransformerSpec>,
}

/// A PutTargets validation error, with AWS's code and message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TargetError {
    /// AWS's error code, e.g. `ValidationException`.
    pub code: String,
    /// AWS's message, verbatim.
    pub message: String,
    /// Which field the error concerns (`InputTemplate`, `InputPathsMap.<key>`, ...).
    pub field: String,
    /// Byte span in that field's text, when the error has a position.
    pub span: Option<(usize, usize)>,
}

impl TargetError {
    fn validation(field: &str, message: String) -> Self {
        TargetError {
            code: "ValidationException".into(),
            message,
            field: field.into(),
            span: None,
        }
    }

    fn at(mut self, start: usize, end: usize) -> Self {
        self.span = Some((start, end));
        self
    }
}

/// How a validated target gets its input.
#[derive(Debug, Clone, PartialEq)]
pub enum TargetInput {
    /// No input option: the whole event.
    WholeEvent,
    /// `Input`: this text, as given.
    Constant(String),
    /// `InputPath`: what the path selects.
    Path(JsonPath),
    /// `InputTransformer`: the template filled from the variables.
    Transformer {
        /// The paths map, parsed, in order.
        variables: Vec<(String, JsonPath)>,
        /// The template.
        template: String,
    },
}

fn constraint(field_path: &str, what: &str) -> String {
    format!(
        "1 validation error detected: Value at '{field_path}' failed to satisfy constraint: {what}"
    )
}

/// A `<name>` placeholder found in a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placeholder {
    /// The name between the brackets.
    pub name: String,
    /// Byte span of `<name>`, brackets included.
    pub start: usize,
    /// End of that span.
    pub end: usize,
}

/// Finds every `<name>` whose name is made of variable-name characters.
pub fn placeholders(template: &str) -> Vec<Placeholder> {
    let bytes = template.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'<' {
            let mut j = i + 1;
            while j < bytes.len()
                && (bytes[j].is_ascii_alphanumeric() || matches!(bytes[j], b'_' | b'-' | b'.'))
            {
                j += 1;
            }
            if j > i + 1 && bytes.get(j) == Some(&b'>') {
                out.push(Placeholder {
                    name: template[i + 1..j].to_string(),
                    start: i,
                    end: j + 1,
                });
                i = j + 1;
                continue;
            }
        }
        i += 1;
    }
    out
}

impl TargetSpec {
    /// A target whose input is an InputTransformer: `InputPathsMap` entries and `InputTemplate`.
    pub fn with_transformer<K: Into<String>, V: Into<String>>(
        id: &str,
        paths_map: impl IntoIterator<Item = (K, V)>,
        template: &str,
    ) -> TargetSpec {
        TargetSpec {
            id: id.into(),
            input_transformer: Some(InputTransformerSpec {
                paths_map: paths_map
                    .into_iter()
                    .map(|(k, v)| (k.into(), v.into()))
                    .collect(),
                template: template.into(),
            }),
            ..Default::default()
        }
    }

    /// Reads a target in the PutTargets JSON form (`Id`, `Arn`, `Input`, `InputPath`,
    /// `InputTransformer` with `InputPathsMap` and `InputTemplate`), as in the workshop's
    /// `target.json`. Fields of the wrong type are treated as absent.
    pub fn from_put_targets_json(v: &serde_json::Value) -> TargetSpec {
        let s = |k: &str| v.get(k).and_then(|x| x.as_str()).map(String::from);
        let transformer = v.get("InputTransformer").map(|t| InputTransformerSpec {
            paths_map: t
                .get("InputPathsMap")
                .and_then(|m| m.as_object())
                .map(|m| {
                    m.iter()
                        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                        .collect()
                })
                .unwrap_or_default(),
            template: t
                .get("InputTemplate")
                .and_then(|x| x.as_str())
                .unwrap_or_default()
                .to_string(),
        });
        TargetSpec {
            id: s("Id").unwrap_or_default(),
            input: s("Input"),
            input_path: s("InputPath"),
            input_transformer: transformer,
        }
    }

    /// PutTargets' checks, in AWS's order where it is known.
    pub fn validate(&self) -> Result<TargetInput, TargetError> {
        let set = [
            self.input.is_some(),
            self.input_path.is_some(),
            self.input_transformer.is_some(),
        ]
        .iter()
        .filter(|b| **b)
        .count();
        if set > 1 {
            return Err(TargetError::validation(
                "Target",
                format!(
                    "Only one of Input, InputPath, or InputTransformer must be provided for target {}.",
                    self.id
                ),
            ));
        }
        if let Some(input) = &self.input {
            if input.chars().count() > MAX_INPUT_CHARS {
                return Err(TargetError::validation(
                    "Input",
                    constraint(
                        "targets.1.member.input",
                        &format!("Member must have length less than or equal to {MAX_INPUT_CHARS}"),
                    ),
                ));
            }
            if let Err(e) = event_pattern::Json::parse(input) {
                return Err(TargetError::validation(
                    "Input",
                    format!(
                        "Input for target {} is not valid JSON text: {}",
                        self.id, e.message
                    ),
                )
                .at(e.span.start, e.span.end));
            }
            return Ok(TargetInput::Constant(input.clone()));
        }
        if let Some(p) = &self.input_path {
            let path = JsonPath::parse(p).map_err(|e| {
                TargetError::validation(
                    "InputPath",
                    format!(
                        "InputPath for target {} is not valid: {}",
                        self.id, e.message
                    ),
                )
                .at(e.offset, e.offset + 1)
            })?;
            return Ok(TargetInput::Path(path));
        }
        let Some(t) = &self.input_transformer else {
            return Ok(TargetInput::WholeEvent);
        };
        if t.paths_map.len() > MAX_PATHS {
            return Err(TargetError::validation(
                "InputPathsMap",
                constraint(
                    "targets.1.member.inputTransformer.inputPathsMap",
                    &format!("Member must have length less than or equal to {MAX_PATHS}"),
                ),
            ));
        }
        let n = t.template.chars().count();
        if n == 0 || n > MAX_TEMPLATE_CHARS {
            let what = if n == 0 {
                "Member must have length greater than or equal to 1".to_string()
            } else {
                format!("Member must have length less than or equal to {MAX_TEMPLATE_CHARS}")
            };
            return Err(TargetError::validation(
                "InputTemplate",
                constraint("targets.1.member.inputTransformer.inputTemplate", &what),
            ));
        }
        let mut variables = Vec::new();
        for (key, path) in &t.paths_map {
            let field = format!("InputPathsMap.{key}");
            let key_ok = !key.is_empty()
                && key.len() <= 256
                && key
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
            if !key_ok {
                return Err(TargetError::validation(
                    &field,
                    constraint(
                        "targets.1.member.inputTransformer.inputPathsMap",
                        "Map keys must satisfy constraint: [Member must satisfy regular expression pattern: [A-Za-z0-9\\_\\-]+]",
                    ),
                ));
            }
            if key.starts_with("AWS") || key.starts_with("aws") {
                return Err(TargetError::validation(
                    &field,
                    format!("InputPathsMap key {key} is reserved: keys may not start with 'AWS'."),
                ));
            }
            let parsed = JsonPath::parse(path).map_err(|e| {
                TargetError::validation(
                    &field,
                    format!(
                        "InputPathsMap value for {key} is not a valid path: {}",
                        e.message
                    ),
                )
                .at(e.offset, e.offset + 1)
            })?;
            variables.retain(|(k, _): &(String, JsonPath)| k != key);
            variables.push((key.clone(), parsed));
        }
        for ph in placeholders(&t.template) {
            let defined = PREDEFINED.contains(&ph.name.as_str())
                || variables.iter().any(|(k, _)| *k == ph.name);
            if !defined {
                return Err(TargetError::validation(
                    "InputTemplate",
                    format!(
                        "InputTemplate for target {} contains invalid placeholder {}.",
                        self.id, ph.name
                    ),
                )
                .at(ph.start, ph.end));
            }
        }
        Ok(TargetInput::Transformer {
            variables,
            template: t.template.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn transformer(paths: &[(&str, &str)], template: &str) -> TargetSpec {
        TargetSpec::with_transformer("t1", paths.iter().copied(), template)
    }

    #[test]
    fn finds_placeholders_with_spans() {
        let p =
            placeholders(r#"{"a": <x-1>, "b": "<aws.events.rule-name> <not a placeholder> <>"}"#);
        let names: Vec<&str> = p.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, vec!["x-1", "aws.events.rule-name"]);
        assert_eq!((p[0].start, p[0].end), (6, 11));
    }

    #[test]
    fn rejects_undefined_placeholder_with_its_span() {
        let e = transformer(&[("a", "$.a")], r#""<a> <b>""#)
            .validate()
            .unwrap_err();
        assert_eq!(
            e.message,
            "InputTemplate for target t1 contains invalid placeholder b."
        );
        assert_eq!(e.span, Some((5, 8)));
    }

    #[test]
    fn limits_and_reserved_names() {
        let many: Vec<(String, String)> = (0..101)
            .map(|i| (format!("k{i}"), "$.a".to_string()))
            .collect();
        let spec = TargetSpec::with_transformer("t", many, "\"x\"");
        assert!(spec
            .validate()
            .unwrap_err()
            .message
            .contains("less than or equal to 100"));
        assert!(transformer(&[("AWSkey", "$.a")], "\"x\"")
            .validate()
            .is_err());
        assert!(transformer(&[("a.b", "$.a")], "\"x\"").validate().is_err());
        let long = "x".repeat(MAX_TEMPLATE_CHARS + 1);
        assert!(transformer(&[], &long)
            .validate()
            .unwrap_err()
            .message
            .contains("8192"));
        let e = transformer(&[("a", "$..a")], "\"<a>\"")
            .validate()
            .unwrap_err();
        assert_eq!(e.field, "InputPathsMap.a");
        assert_eq!(e.span, Some((2, 3)));
    }

    #[test]
    fn only_one_option() {
        let mut spec = transformer(&[], "\"x\"");
        spec.input_path = Some("$.detail".into());
        assert_eq!(
            spec.validate().unwrap_err().message,
            "Only one of Input, InputPath, or InputTransformer must be provided for target t1."
        );
    }
}
