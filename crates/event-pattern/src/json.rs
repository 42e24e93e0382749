//! Events as JSON trees that remember where each value stands in the text.

use std::collections::HashMap;

use crate::error::{Location, Span};
use crate::jackson::{SyntaxError, Token, Tokenizer};

/// Events may nest this deep: Jackson's default `StreamReadConstraints`, which Ruler's parser keeps
/// for patterns and events alike (docs/SIMULATION.md).
pub const MAX_EVENT_DEPTH: usize = 1000;

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
        Json::parse_nested(text, MAX_EVENT_DEPTH)
    }

    /// Parses one JSON document that may nest at most `max_depth` levels (every object and array
    /// is one), with Jackson's message for the first one too deep.
    pub fn parse_nested(text: &str, max_depth: usize) -> Result<Json, SyntaxError> {
        let mut tok = Tokenizer::new(text).with_max_depth(max_depth);
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
    v.walk(false, |step, _| match step {
        Step::Scalar(v) => match &v.value {
            JsonValue::String(s) => text(s, out),
            JsonValue::Number(t, _) => out.push_str(t),
            JsonValue::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            _ => out.push_str("null"),
        },
        Step::Open(_) | Step::Close(_) => out.extend(step.bracket()),
        Step::Key(k) => {
            text(k, out);
            out.push(':');
        }
        Step::Next => out.push(','),
    });
}

/// One step of [`Json::walk`], in the order a writer writes them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Step<'a> {
    /// A string, number, boolean or null.
    Scalar(&'a Json),
    /// An object or array, before its contents.
    Open(&'a Json),
    /// An object's key, before its value.
    Key(&'a str),
    /// Between two items of the innermost open object or array.
    Next,
    /// An object or array, after its contents.
    Close(&'a Json),
}

impl Step<'_> {
    /// The bracket that opens or closes an object or array (none for the other steps).
    pub fn bracket(self) -> Option<char> {
        let object = |v: &Json| matches!(v.value, JsonValue::Object(_));
        match self {
            Step::Open(v) => Some(if object(v) { '{' } else { '[' }),
            Step::Close(v) => Some(if object(v) { '}' } else { ']' }),
            Step::Scalar(_) | Step::Key(_) | Step::Next => None,
        }
    }
}

/// An object or array [`Json::walk`] is inside, with what is left of it.
enum Inside<'a> {
    Items(std::slice::Iter<'a, Json>),
    Fields(std::slice::Iter<'a, (String, Span, Json)>),
    Sorted(std::vec::IntoIter<&'a (String, Span, Json)>),
}

impl Json {
    /// Walks the value depth first, calling `f` with each [`Step`] and the number of objects and
    /// arrays around it; with `sort_keys`, an object's keys come in code point order (Python's
    /// `pprint`), else in document order. Not a recursion: events nest 1000 levels deep, and a
    /// frame per level would need more stack than the browser's WASM has to spare.
    ///
    /// ```
    /// use event_pattern::json::Step;
    /// use event_pattern::Json;
    ///
    /// let v = Json::parse(r#"{"b": [1, true], "a": null}"#).unwrap();
    /// let mut keys = Vec::new();
    /// v.walk(true, |step, depth| {
    ///     if let Step::Key(k) = step {
    ///         keys.push((k.to_string(), depth));
    ///     }
    /// });
    /// assert_eq!(keys, [("a".to_string(), 1), ("b".to_string(), 1)]);
    /// ```
    pub fn walk<'a>(&'a self, sort_keys: bool, mut f: impl FnMut(Step<'a>, usize)) {
        let mut open: Vec<(Inside<'a>, &'a Json, bool)> = Vec::new();
        let mut next = Some(self);
        loop {
            if let Some(v) = next.take() {
                let inside = match &v.value {
                    JsonValue::Array(items) => Inside::Items(items.iter()),
                    JsonValue::Object(fields) if sort_keys => {
                        let mut sorted: Vec<_> = fields.iter().collect();
                        sorted.sort_by(|a, b| a.0.cmp(&b.0));
                        Inside::Sorted(sorted.into_iter())
                    }
                    JsonValue::Object(fields) => Inside::Fields(fields.iter()),
                    _ => {
                        f(Step::Scalar(v), open.len());
                        continue;
                    }
                };
                f(Step::Open(v), open.len());
                open.push((inside, v, true));
            }
            let depth = open.len();
            let Some((inside, container, first)) = open.last_mut() else {
                return;
            };
            let item = match inside {
                Inside::Items(items) => items.next().map(|v| (None, v)),
                Inside::Fields(fields) => fields.next().map(|(k, _, v)| (Some(k), v)),
                Inside::Sorted(fields) => fields.next().map(|(k, _, v)| (Some(k), v)),
            };
            match item {
                Some((key, v)) => {
                    if !std::mem::replace(first, false) {
                        f(Step::Next, depth);
                    }
                    if let Some(k) = key {
                        f(Step::Key(k), depth);
                    }
                    next = Some(v);
                }
                None => {
                    let container = *container;
                    open.pop();
                    f(Step::Close(container), open.len());
                }
            }
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

/// An object's fields as they are read. A repeated key keeps its last value, placed last: the
/// earlier one is left empty and dropped at the end. Keys are looked up in a map once the object
/// is large, so an object of 40,000 keys costs no 40,000² comparisons.
#[derive(Default)]
struct Fields {
    fields: Vec<Option<(String, Span, Json)>>,
    by_key: Option<HashMap<String, usize>>,
}

impl Fields {
    fn insert(&mut self, key: String, key_span: Span, v: Json) {
        let earlier = match &mut self.by_key {
            Some(map) => map.insert(key.clone(), self.fields.len()),
            None => self
                .fields
                .iter()
                .position(|f| matches!(f, Some((k, _, _)) if *k == key)),
        };
        if let Some(slot) = earlier.and_then(|i| self.fields.get_mut(i)) {
            *slot = None;
        }
        self.fields.push(Some((key, key_span, v)));
        if self.by_key.is_none() && self.fields.len() >= LINEAR_KEYS {
            let live = self.fields.iter().enumerate();
            self.by_key = Some(
                live.filter_map(|(i, f)| f.as_ref().map(|(k, _, _)| (k.clone(), i)))
                    .collect(),
            );
        }
    }
}

/// A container whose end has not been read yet, with where it starts.
enum Open {
    Array(usize, Vec<Json>),
    /// With the key whose value comes next.
    Object(usize, Fields, Option<(String, Span)>),
}

/// Builds the value that starts with `first`. Not a recursion: events nest 1000 levels deep, and
/// a frame per level would need more stack than the browser's WASM has to spare.
fn build(tok: &mut Tokenizer<'_>, first: Token) -> Result<Json, SyntaxError> {
    let mut open: Vec<Open> = Vec::new();
    let mut t = first;
    loop {
        let in_object = matches!(open.last(), Some(Open::Object(_, _, None)));
        if in_object && !matches!(t, Token::FieldName(_) | Token::EndObject) {
            return Err(tok.error("Expected a field name"));
        }
        let start = tok.token_span().start;
        let (start, value) = match t {
            Token::Null => (start, JsonValue::Null),
            Token::True => (start, JsonValue::Bool(true)),
            Token::False => (start, JsonValue::Bool(false)),
            Token::Number { text, .. } => {
                let v = text.parse().unwrap_or(f64::NAN);
                (start, JsonValue::Number(text, v))
            }
            Token::String => (start, JsonValue::String(tok.text()?)),
            Token::StartArray => {
                open.push(Open::Array(start, Vec::new()));
                t = tok.next_token()?;
                continue;
            }
            Token::StartObject => {
                open.push(Open::Object(start, Fields::default(), None));
                t = tok.next_token()?;
                continue;
            }
            Token::FieldName(key) => match open.last_mut() {
                Some(Open::Object(_, _, next)) => {
                    *next = Some((key, tok.name_span()));
                    t = tok.next_token()?;
                    continue;
                }
                _ => return Err(tok.error("Unexpected token")),
            },
            Token::EndArray => match open.pop() {
                Some(Open::Array(start, items)) => (start, JsonValue::Array(items)),
                _ => return Err(tok.error("Unexpected token")),
            },
            Token::EndObject => match open.pop() {
                Some(Open::Object(start, fields, None)) => (
                    start,
                    JsonValue::Object(fields.fields.into_iter().flatten().collect()),
                ),
                _ => return Err(tok.error("Unexpected token")),
            },
            Token::Eof => return Err(tok.error("Unexpected token")),
        };
        let v = Json {
            value,
            span: Span::new(start, tok.offset()),
        };
        match open.last_mut() {
            None => return Ok(v),
            Some(Open::Array(_, items)) => items.push(v),
            Some(Open::Object(_, fields, next)) => match next.take() {
                Some((key, key_span)) => fields.insert(key, key_span, v),
                None => return Err(tok.error("Expected a field name")),
            },
        }
        t = tok.next_token()?;
    }
}

/// Turns a location into a one-line human description.
pub fn describe_location(l: &Location) -> String {
    format!("line {}, column {}", l.line, l.column)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

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
                .contains("Document nesting depth (1001) exceeds the maximum allowed (1000, from `StreamReadConstraints.getMaxNestingDepth()`)"),
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
