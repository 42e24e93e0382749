//! Simulated Lambda functions: what each one logs when EventBridge invokes it.

use event_pattern::json::Step;
use event_pattern::{Json, JsonValue};
use serde::{Deserialize, Serialize};

/// The code a simulated function runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FunctionKind {
    /// The workshop's Forecast function: the SAM "EventBridge App" handler generated from the
    /// `Order-Service@NewOrder` schema. It prints `Raw Event: ...` and `New Order: ...`.
    Forecast,
    /// Logs what it received (for targets that users add).
    Echo,
}

/// The log lines of one invocation with `payload`.
pub fn invoke(kind: FunctionKind, payload: &str, request_id: &str) -> Vec<String> {
    let mut lines = vec![format!("START RequestId: {request_id} Version: $LATEST")];
    let json = Json::parse(payload).ok();
    match kind {
        FunctionKind::Forecast => {
            let raw = json
                .as_ref()
                .map(|j| python_repr(j, false))
                .unwrap_or_else(|| python_str_repr(payload));
            lines.push(format!("Raw Event: {raw}"));
            // Marshaller.unmarshall(event, AWSEvent): absent keys stay None, so once an
            // InputTransformer has reshaped the event, `detail` is None.
            let detail = json
                .as_ref()
                .and_then(|j| j.get("detail"))
                .filter(|d| matches!(d.value, JsonValue::Object(_)));
            let shown = match detail {
                Some(d) => pformat(d),
                None => "None".to_string(),
            };
            lines.push(format!("New Order: {shown}"));
        }
        FunctionKind::Echo => lines.push(format!("Received event: {payload}")),
    }
    lines.push(format!("END RequestId: {request_id}"));
    lines
}

/// Python's `repr` of a `str`, as `print(f"...{x!r}")` and `pprint` write it: in single quotes,
/// unless the text holds one and no double quote; backslash, the quote, `\t`, `\n` and `\r`
/// escaped; other characters Python does not print (`str.isprintable`) as `\xNN`, `\uNNNN` or
/// `\UNNNNNNNN`.
///
/// ```
/// use eventbridge_sim::lambda::python_str_repr;
/// assert_eq!(python_str_repr("it's"), r#""it's""#);
/// assert_eq!(python_str_repr("a\u{a0}b\u{2028}"), r"'a\xa0b\u2028'");
/// ```
pub fn python_str_repr(s: &str) -> String {
    let quote = match s.contains('\'') && !s.contains('"') {
        true => '"',
        false => '\'',
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if python_printable(c) => out.push(c),
            c => {
                let code = c as u32;
                let escaped = match code {
                    0..=0xff => format!("\\x{code:02x}"),
                    0x100..=0xffff => format!("\\u{code:04x}"),
                    _ => format!("\\U{code:08x}"),
                };
                out.push_str(&escaped);
            }
        }
    }
    out.push(quote);
    out
}

/// Python's `str.isprintable` for one character: false for control characters (Cc), format
/// characters (Cf), private use (Co), separators other than the ASCII space (Zs, Zl, Zp) and
/// noncharacters. Not covered: code points that are merely unassigned in Python's Unicode
/// version, which Python escapes too (no table of them is kept here).
fn python_printable(c: char) -> bool {
    let code = c as u32;
    let not_printable = matches!(code,
        // Cc
        0x00..=0x1f | 0x7f..=0x9f
        // Zs, Zl, Zp (the ASCII space is printable)
        | 0xa0 | 0x1680 | 0x2000..=0x200a | 0x2028 | 0x2029 | 0x202f | 0x205f | 0x3000
        // Cf
        | 0xad | 0x600..=0x605 | 0x61c | 0x6dd | 0x70f | 0x890..=0x891 | 0x8e2 | 0x180e
        | 0x200b..=0x200f | 0x202a..=0x202e | 0x2060..=0x2064 | 0x2066..=0x206f | 0xfeff
        | 0xfff9..=0xfffb | 0x110bd | 0x110cd | 0x13430..=0x1343f | 0x1bca0..=0x1bca3
        | 0x1d173..=0x1d17a | 0xe0001 | 0xe0020..=0xe007f
        // Co
        | 0xe000..=0xf8ff | 0xf0000..=0xffffd | 0x100000..=0x10fffd
        // noncharacters (Cn)
        | 0xfdd0..=0xfdef
    ) || code & 0xfffe == 0xfffe;
    !not_printable
}

/// Python's float repr: `40.0`, `12345.0`, `1e+16`.
fn python_float(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e16 {
        format!("{f:.1}")
    } else if f.abs() >= 1e16 {
        let s = format!("{f:e}");
        let (m, e) = s.split_once('e').unwrap_or((&s, "0"));
        let e: i32 = e.parse().unwrap_or(0);
        format!("{m}e{}{:02}", if e < 0 { '-' } else { '+' }, e.abs())
    } else {
        format!("{f}")
    }
}

/// `repr()` of the value json.loads gives. With `typed`, numbers follow the generated model's
/// types (numbers inferred as `number` become floats, integers beyond 32 bits stay ints), and
/// keys come sorted, as `pprint` sorts them.
fn python_repr(v: &Json, typed: bool) -> String {
    let mut out = String::new();
    v.walk(typed, |step, _| match step {
        Step::Scalar(v) => match &v.value {
            JsonValue::Null => out.push_str("None"),
            JsonValue::Bool(b) => out.push_str(if *b { "True" } else { "False" }),
            JsonValue::Number(text, f) => {
                let is_int = !text.contains(['.', 'e', 'E']);
                if is_int && !(typed && text.parse::<i64>().is_ok_and(|i| i32::try_from(i).is_ok()))
                {
                    out.push_str(text);
                } else {
                    out.push_str(&python_float(*f));
                }
            }
            JsonValue::String(s) => out.push_str(&python_str_repr(s)),
            JsonValue::Array(_) | JsonValue::Object(_) => {}
        },
        Step::Open(_) | Step::Close(_) => out.extend(step.bracket()),
        Step::Key(k) => {
            out.push_str(&python_str_repr(k));
            out.push_str(": ");
        }
        Step::Next => out.push_str(", "),
    });
    out
}

/// `pprint.pformat(model.to_dict())`: keys sorted; one key per line when wider than 80.
fn pformat(v: &Json) -> String {
    let flat = python_repr(v, true);
    if flat.chars().count() <= 80 {
        return flat;
    }
    let JsonValue::Object(fields) = &v.value else {
        return flat;
    };
    let mut fields: Vec<_> = fields.iter().collect();
    fields.sort_by(|a, b| a.0.cmp(&b.0));
    let body: Vec<String> = fields
        .iter()
        .map(|(k, _, v)| format!("{}: {}", python_str_repr(k), python_repr(v, true)))
        .collect();
    format!("{{{}}}", body.join(",\n "))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each string with what Python 3 prints for `repr` of it.
    #[test]
    fn strings_repr_as_python_writes_them() {
        for (text, python) in [
            ("plain", r"'plain'"),
            ("it's", r#""it's""#),
            ("say \"hi\"", r#"'say "hi"'"#),
            ("it's \"both\"", r#"'it\'s "both"'"#),
            (
                "back\\slash\ttab\nline\rret",
                r"'back\\slash\ttab\nline\rret'",
            ),
            ("\u{0}\u{1f}\u{7f}", r"'\x00\x1f\x7f'"),
            ("\u{80}\u{9f}", r"'\x80\x9f'"),
            ("a\u{a0}b\u{ad}c", r"'a\xa0b\xadc'"),
            (
                "\u{e9}t\u{e9} \u{3b1} \u{4e2d} \u{1f600}",
                "'\u{e9}t\u{e9} \u{3b1} \u{4e2d} \u{1f600}'",
            ),
            ("\u{2028}\u{2029}\u{3000}", r"'\u2028\u2029\u3000'"),
            ("\u{200b}\u{200d}\u{feff}", r"'\u200b\u200d\ufeff'"),
            ("\u{e000}\u{f8ff}", r"'\ue000\uf8ff'"),
            ("\u{fdd0}\u{fffe}\u{ffff}", r"'\ufdd0\ufffe\uffff'"),
            ("\u{10ffff}\u{e0001}", r"'\U0010ffff\U000e0001'"),
        ] {
            assert_eq!(python_str_repr(text), python, "{text:?}");
        }
    }

    #[test]
    fn forecast_logs_raw_event_and_new_order() {
        let event = r#"{"version":"0","detail-type":"New Order","detail":{"order_id":12345,"items":[{"qty":1,"price":40.0}],"customer":{"id":9876543210,"name":"Jane's"}}}"#;
        let lines = invoke(FunctionKind::Forecast, event, "r1");
        assert_eq!(
            lines[1],
            r#"Raw Event: {'version': '0', 'detail-type': 'New Order', 'detail': {'order_id': 12345, 'items': [{'qty': 1, 'price': 40.0}], 'customer': {'id': 9876543210, 'name': "Jane's"}}}"#
        );
        assert_eq!(lines[2], "New Order: {'customer': {'id': 9876543210, 'name': \"Jane's\"},\n 'items': [{'price': 40.0, 'qty': 1.0}],\n 'order_id': 12345.0}");
    }

    /// `pprint` sorts a dict by its keys, not by their `repr`: `'A'` comes before `"a'"`, although
    /// a double quote sorts before a single one. Untyped, the keys keep their order.
    #[test]
    fn keys_sort_by_their_text_at_every_level() {
        let v = Json::parse(r#"{"a'": {"z": 1, "B": [{"y": null, "x": true}]}, "A": 2}"#).unwrap();
        assert_eq!(
            python_repr(&v, true),
            r#"{'A': 2.0, "a'": {'B': [{'x': True, 'y': None}], 'z': 1.0}}"#
        );
        assert_eq!(
            python_repr(&v, false),
            r#"{"a'": {'z': 1, 'B': [{'y': None, 'x': True}]}, 'A': 2}"#
        );
    }

    #[test]
    fn transformed_input_gives_none() {
        let lines = invoke(
            FunctionKind::Forecast,
            r#"{"order_id": 12345, "items": []}"#,
            "r2",
        );
        assert_eq!(lines[2], "New Order: None");
        assert_eq!(
            lines.first().unwrap(),
            "START RequestId: r2 Version: $LATEST"
        );
    }
}
