//! Events as JSON trees that remember where each value stands in the text.

use std::collections::HashMap;

use crate::error::{Location, Span};
use crate::jackson::{SyntaxError, Token, Tokenizer};

/// Events may nest this deep. EventBridge allows 1000 levels in `detail`; we stop at 128 so that
/// every recursive walk stays far from the stack's end, in WASM too (docs/SIMULATION.md).
pub const MAX_EVENT_DEPTH: usize = 128;

/// A JSON value with its byte span.
#[derive(Debug, Clone, PartialEq)]
pub struct Json {
    /// The value.
    pub value: JsonValue,
    /// Its bytes in the source text.
    pub span: Span,
}

/// A JSON value; numbers keep their lexeme, objects their key order and key spans.
#[derive(Debug, Clone, PartialEq)]
pub enum JsonValue {
    /// `null`
    Null,
    /// `true` or `false`
    Bool(bool),
    /// The lexeme as written, and its value as a double.
    Number(String, f64),
    /// A string, decoded.
    String(String),
    /// An array.
    Array(Vec<Json>),
    /// Keys in document order, with each key's span; duplicates keep the last.
    Object(Vec<(String, Span, Json)>),
}

impl Json {
    /// Parses one JSON document (strict; nothing but whitespace may follow it).
    pub fn parse(text: &str) -> Result<Json, SyntaxError> {
        let mut tok = Tokenizer::new(text).with_max_depth(MAX_EVENT_DEPTH);
        let first = tok.next_token()?;
        let v = build(&mut tok, first)?;
        match tok.next_token() {
            Ok(Token::Eof) => Ok(v),
            Ok(_) => Err(tok.error("Unexpected content after the end of the JSON value")),
            Err(e) => Err(e),
        }
    }

    /// The value of an object's key (the last, if repeated); `None` for a missing key or a non-object.
    pub fn get(&self, key: &str) -> Option<&Json> {
        match &self.value {
            JsonValue::Object(fields) => fields
                .iter()
                .rev()
                .find(|(k, _, _)| k == key)
                .map(|(_, _, v)| v),
            _ => None,
        }
    }

    /// The text of a string value.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            JsonValue::String(s) => Some(s),
            _ => None,
        }
    }

    /// Compact JSON text of this value (for messages).
    pub fn to_compact(&self) -> String {
        let mut out = String::new();
        write_compact(self, &mut out, write_string);
        out
    }

    /// Compact text with strings and keys unquoted and unescaped, the way InputTransformer text
    /// templates render objects: `{a:1,b:x}`, `[HIGH]`.
    pub fn to_unquoted(&self) -> String {
        let mut out = String::new();
        write_compact(self, &mut out, |s, out| out.push_str(s));
        out
    }
}

/// Compact text; `text` writes each string and key.
fn write_compact(v: &Json, out: &mut String, text: fn(&str, &mut String)) {
    match &v.value {
        JsonValue::Null => out.push_str("null"),
        JsonValue::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        JsonValue::Number(t, _) => out.push_str(t),
        JsonValue::String(s) => text(s, out),
        JsonValue::Array(items) => {
            out.push('[');
            for (i, it) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_compact(it, out, text);
            }
            out.push(']');
        }
        JsonValue::Object(fields) => {
            out.push('{');
            for (i, (k, _, it)) in fields.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                text(k, out);
                out.push(':');
                write_compact(it, out, text);
            }
            out.push('}');
        }
    }
}

/// Writes a JSON string literal.
pub fn write_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Objects up to this many keys find a repeated key by comparing; larger ones through a map.
const LINEAR_KEYS: usize = 16;

fn build(tok: &mut Tokenizer<'_>, first: Token) -> Result<Json, SyntaxError> {
    let start = tok.token_span().start;
    let value = match first {
        Token::Null => JsonValue::Null,
        Token::True => JsonValue::Bool(true),
        Token::False => JsonValue::Bool(false),
        Token::Number { text, .. } => {
            let v = text.parse().unwrap_or(f64::NAN);
            JsonValue::Number(text, v)
        }
        Token::String => JsonValue::String(tok.text()?),
        Token::StartArray => {
            let mut items = Vec::new();
            loop {
                let t = tok.next_token()?;
                if t == Token::EndArray {
                    break;
                }
                items.push(build(tok, t)?);
            }
            JsonValue::Array(items)
        }
        Token::StartObject => {
            // A repeated key keeps its last value, placed last: the earlier one is left empty
            // and dropped at the end. Keys are looked up in a map once the object is large, so
            // an object of 40,000 keys costs no 40,000² comparisons.
            let mut fields: Vec<Option<(String, Span, Json)>> = Vec::new();
            let mut by_key: Option<HashMap<String, usize>> = None;
            loop {
                let t = tok.next_token()?;
                let key = match t {
                    Token::EndObject => break,
                    Token::FieldName(k) => k,
                    _ => return Err(tok.error("Expected a field name")),
                };
                let key_span = tok.name_span();
                let vt = tok.next_token()?;
                let v = build(tok, vt)?;
                let earlier = match &mut by_key {
                    Some(map) => map.insert(key.clone(), fields.len()),
                    None => fields
                        .iter()
                        .position(|f| matches!(f, Some((k, _, _)) if *k == key)),
                };
                if let Some(slot) = earlier.and_then(|i| fields.get_mut(i)) {
                    *slot = None;
                }
                fields.push(Some((key, key_span, v)));
                if by_key.is_none() && fields.len() >= LINEAR_KEYS {
                    let live = fields.iter().enumerate();
                    by_key = Some(
                        live.filter_map(|(i, f)| f.as_ref().map(|(k, _, _)| (k.clone(), i)))
                            .collect(),
                    );
                }
            }
            JsonValue::Object(fields.into_iter().flatten().collect())
        }
        Token::EndArray | Token::EndObject | Token::FieldName(_) | Token::Eof => {
            return Err(tok.error("Unexpected token"))
        }
    };
    Ok(Json {
        value,
        span: Span::new(start, tok.offset()),
    })
}

/// Turns a location into a one-line human description.
pub fn describe_location(l: &Location) -> String {
    format!("line {}, column {}", l.line, l.column)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Strings decode as serde_json decodes them, on random strings of plain runs, escapes of
    /// every kind, surrogate pairs, multi-byte characters and (refused by both) raw control
    /// characters: the plain runs are copied whole, so their ends must fall where they should.
    #[test]
    fn strings_decode_as_serde_json_decodes_them() {
        let pieces = [
            "a",
            "plain text",
            "é",
            "日本",
            "🦀",
            "\\\"",
            "\\\\",
            "\\/",
            "\\b",
            "\\f",
            "\\n",
            "\\r",
            "\\t",
            "\\u0041",
            "\\u00e9",
            "\\ud83e\\udd80",
            "\\u2028",
            "\u{1}",
            "\u{1f}",
            "\u{7f}",
            " ",
        ];
        let mut r = crate::test_rng::Rng(0x2545_f491_4f6c_dd1d);
        let (mut same, mut refused) = (0, 0);
        for _ in 0..5_000 {
            let body: String = (0..r.below(12))
                .map(|_| pieces[r.below(pieces.len())])
                .collect();
            let text = format!("\"{body}\"");
            let ours = Json::parse(&text)
                .ok()
                .and_then(|j| j.as_str().map(String::from));
            let theirs = serde_json::from_str::<String>(&text).ok();
            assert_eq!(ours, theirs, "{text:?}");
            if ours.is_some() {
                same += 1;
            } else {
                refused += 1;
            }
        }
        assert!(
            same > 1000 && refused > 1000,
            "{same} decoded, {refused} refused"
        );
    }

    /// Repeated keys keep the last value, placed where the last one stands, in small objects
    /// (compared) and large ones (looked up), and an object of 40,000 keys parses in linear time.
    #[test]
    fn repeated_keys_keep_the_last_value_in_objects_of_any_size() {
        for n in [3, LINEAR_KEYS - 1, LINEAR_KEYS, LINEAR_KEYS + 1, 100] {
            let mut members: Vec<String> = (0..n).map(|i| format!("\"k{i}\":{i}")).collect();
            // Repeat the first, a middle and the last key, one of them twice.
            members.push("\"k0\":\"a\"".to_string());
            members.push(format!("\"k{}\":\"b\"", n / 2));
            members.push(format!("\"k{}\":\"c\"", n - 1));
            members.push("\"k0\":\"d\"".to_string());
            let j = Json::parse(&format!("{{{}}}", members.join(","))).unwrap();
            let JsonValue::Object(fields) = &j.value else {
                panic!("not an object");
            };
            let keys: Vec<&str> = fields.iter().map(|(k, _, _)| k.as_str()).collect();
            let mut want: Vec<String> = (0..n)
                .filter(|&i| i != 0 && i != n / 2 && i != n - 1)
                .map(|i| format!("k{i}"))
                .collect();
            want.extend([format!("k{}", n / 2), format!("k{}", n - 1), "k0".into()]);
            want.dedup();
            assert_eq!(keys, want, "{n} keys");
            assert_eq!(j.get("k0").unwrap().to_compact(), "\"d\"");
            assert_eq!(j.get(&format!("k{}", n - 1)).unwrap().to_compact(), "\"c\"");
        }
        let members: Vec<String> = (0..40_000).map(|i| format!("\"k{i}\":{i}")).collect();
        let j = Json::parse(&format!("{{{}}}", members.join(","))).unwrap();
        assert_eq!(j.get("k39999").unwrap().to_compact(), "39999");
    }

    #[test]
    fn keeps_spans_and_last_duplicate() {
        let text = r#"{"a": 1, "b": [true, "x"], "a": 2}"#;
        let j = Json::parse(text).unwrap();
        let a = j.get("a").unwrap();
        assert_eq!(&text[a.span.start..a.span.end], "2");
        let b = j.get("b").unwrap();
        assert_eq!(&text[b.span.start..b.span.end], r#"[true, "x"]"#);
        assert_eq!(j.to_compact(), r#"{"b":[true,"x"],"a":2}"#);
    }

    #[test]
    fn rejects_trailing_content_and_deep_nesting() {
        assert!(Json::parse("{} x").is_err());
        let deep = "[".repeat(2000) + &"]".repeat(2000);
        let err = Json::parse(&deep).unwrap_err();
        assert!(
            err.message
                .contains("Document nesting depth (129) exceeds the maximum allowed (128, from `StreamReadConstraints.getMaxNestingDepth()`)"),
            "{}",
            err.message
        );
        let ok = "[".repeat(MAX_EVENT_DEPTH) + &"]".repeat(MAX_EVENT_DEPTH);
        assert!(Json::parse(&ok).is_ok());
    }

    /// An error marks the text it is about (for an editor to underline): the offending
    /// character or token, or the last character when the text ends too early.
    #[test]
    fn errors_mark_the_text_they_are_about() {
        for (text, marked) in [
            ("[1}", "}"),
            (r#"{"a": [1.x]}"#, "x"),
            (r#"{"a": [0.5ex]}"#, "x"),
            ("[tru]", "tru"),
            ("[NaN]", "NaN"),
            ("[+5]", "+"),
            (r#"{"a":1 "b":2}"#, "\""),
            (r#"{"a" 1}"#, "1"),
            (r#"["\q"]"#, "q"),
            (r#"["\u00zz"]"#, "z"),
            ("[\"x\u{1}\"]", "\u{1}"),
            ("[\u{1}]", "\u{1}"),
            ("[1 // c]", "/"),
            (r#"["\é"]"#, "é"),
            (r#"{"a"#, "a"),
            ("[1,", ","),
        ] {
            let e = Json::parse(text).unwrap_err();
            assert_eq!(
                text.get(e.span.start..e.span.end),
                Some(marked),
                "{text}: {}",
                e.message
            );
        }
    }
}
