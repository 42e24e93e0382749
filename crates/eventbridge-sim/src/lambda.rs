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
                .unwrap_or_else(|| python_str(payload));
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

fn python_str(s: &str) -> String {
    // Python's repr of a str: single quotes unless the text has one and no double quote.
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::new();
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push(quote);
    out
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
            JsonValue::String(s) => out.push_str(&python_str(s)),
            JsonValue::Array(_) | JsonValue::Object(_) => {}
        },
        Step::Open(_) | Step::Close(_) => out.extend(step.bracket()),
        Step::Key(k) => {
            out.push_str(&python_str(k));
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
        .map(|(k, _, v)| format!("{}: {}", python_str(k), python_repr(v, true)))
        .collect();
    format!("{{{}}}", body.join(",\n "))
}

#[cfg(test)]
mod tests {
    use super::*;

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
