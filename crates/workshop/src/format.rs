//! The "Format" button: JSON pretty-printed with two-space indents, keeping every number and
//! string exactly as written (no round trip through doubles).

use event_pattern::json::write_string;
use event_pattern::{Json, JsonValue};

/// Pretty JSON, or `None` when the text is not valid JSON (the editor shows why).
pub fn pretty_json(text: &str) -> Option<String> {
    let j = Json::parse(text).ok()?;
    let mut out = String::new();
    write(&j, 0, &mut out);
    Some(out)
}

fn write(v: &Json, indent: usize, out: &mut String) {
    let pad = |n: usize, out: &mut String| out.push_str(&"  ".repeat(n));
    match &v.value {
        JsonValue::Array(items) if !items.is_empty() => {
            out.push_str("[\n");
            for (i, it) in items.iter().enumerate() {
                pad(indent + 1, out);
                write(it, indent + 1, out);
                out.push_str(if i + 1 < items.len() { ",\n" } else { "\n" });
            }
            pad(indent, out);
            out.push(']');
        }
        JsonValue::Object(fields) if !fields.is_empty() => {
            out.push_str("{\n");
            for (i, (k, _, it)) in fields.iter().enumerate() {
                pad(indent + 1, out);
                write_string(k, out);
                out.push_str(": ");
                write(it, indent + 1, out);
                out.push_str(if i + 1 < fields.len() { ",\n" } else { "\n" });
            }
            pad(indent, out);
            out.push('}');
        }
        _ => out.push_str(&v.to_compact()),
    }
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
