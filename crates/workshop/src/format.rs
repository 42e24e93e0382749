//! The "Format" button: JSON pretty-printed with two-space indents, keeping every number and
//! string exactly as written (no round trip through doubles).

use event_pattern::json::{write_string, Step};
use event_pattern::{Json, JsonValue};

/// Pretty JSON, or `None` when the text is not valid JSON (the editor shows why).
pub fn pretty_json(text: &str) -> Option<String> {
    let j = Json::parse(text).ok()?;
    let mut out = String::new();
    write(&j, &mut out);
    Some(out)
}

/// Two-space indents; an empty object or array stays `{}` or `[]`.
fn write(v: &Json, out: &mut String) {
    let empty = |v: &Json| match &v.value {
        JsonValue::Array(items) => items.is_empty(),
        JsonValue::Object(fields) => fields.is_empty(),
        _ => true,
    };
    let line = |depth: usize, out: &mut String| {
        out.push('\n');
        out.push_str(&"  ".repeat(depth));
    };
    v.walk(false, |step, depth| match step {
        Step::Scalar(v) => out.push_str(&v.to_compact()),
        Step::Open(v) => {
            out.extend(step.bracket());
            if !empty(v) {
                line(depth + 1, out);
            }
        }
        Step::Key(k) => {
            write_string(k, out);
            out.push_str(": ");
        }
        Step::Next => {
            out.push(',');
            line(depth, out);
        }
        Step::Close(v) => {
            if !empty(v) {
                line(depth, out);
            }
            out.extend(step.bracket());
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_lexemes_and_order() {
        assert_eq!(
            pretty_json(r#"{"b":1.50,"a":[12345678901234567890123,{}],"c":"x\"y"}"#).unwrap(),
            "{\n  \"b\": 1.50,\n  \"a\": [\n    12345678901234567890123,\n    {}\n  ],\n  \"c\": \"x\\\"y\"\n}"
        );
        assert!(pretty_json("{").is_none());
    }
}
