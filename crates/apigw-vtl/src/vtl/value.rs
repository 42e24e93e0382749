//! Template values, and how Velocity (as API Gateway runs it) prints them.

use std::cell::RefCell;
use std::rc::Rc;

/// Where a list or map came from: parsed JSON prints differently from VTL literals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Parsed from JSON (`$input.path(...)`, `$util.parseJson`).
    Json,
    /// Written in the template (`[...]`, `{...}`).
    Vtl,
}

/// A list, shared (Velocity lists are mutable and aliased).
pub type List = Rc<RefCell<Vec<Value>>>;
/// A map in insertion order, shared.
pub type Map = Rc<RefCell<Vec<(String, Value)>>>;

/// A value in a template.
#[derive(Debug, Clone)]
pub enum Value {
    /// `null` (or a missing reference).
    Null,
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A decimal number.
    Float(f64),
    /// A string.
    Str(Rc<str>),
    /// A list, and where it came from.
    List(List, Origin),
    /// A map, and where it came from.
    Map(Map, Origin),
    /// `$input`
    Input,
    /// `$util`
    Util,
}

impl Value {
    /// A string value.
    pub fn str(s: impl Into<Rc<str>>) -> Value {
        Value::Str(s.into())
    }

    /// An empty map.
    pub fn new_map(origin: Origin) -> Value {
        Value::Map(Rc::new(RefCell::new(Vec::new())), origin)
    }

    /// A list of these items.
    pub fn list(items: Vec<Value>, origin: Origin) -> Value {
        Value::List(Rc::new(RefCell::new(items)), origin)
    }

    /// Whether this is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// Velocity 1.7 truthiness: null and false are false, everything else is true.
    pub fn truthy(&self) -> bool {
        !matches!(self, Value::Null | Value::Bool(false))
    }

    /// The number, for numbers.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Int(i) => Some(*i as f64),
            Value::Float(f) => Some(*f),
            _ => None,
        }
    }

    /// Converts parsed JSON into template values.
    pub fn from_json(v: &serde_json::Value) -> Value {
        match v {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => match n.as_i64() {
                Some(i) => Value::Int(i),
                None => Value::Float(n.as_f64().unwrap_or(0.0)),
            },
            serde_json::Value::String(s) => Value::str(s.as_str()),
            serde_json::Value::Array(a) => {
                Value::list(a.iter().map(Value::from_json).collect(), Origin::Json)
            }
            serde_json::Value::Object(o) => Value::Map(
                Rc::new(RefCell::new(
                    o.iter()
                        .map(|(k, v)| (k.clone(), Value::from_json(v)))
                        .collect(),
                )),
                Origin::Json,
            ),
        }
    }

    /// Looks a key up in a map (the last entry with that key).
    pub fn map_get(map: &Map, key: &str) -> Value {
        map.borrow()
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .unwrap_or(Value::Null)
    }

    /// Sets a key in a map, returning the previous value (Java's `Map.put`).
    pub fn map_put(map: &Map, key: &str, value: Value) -> Value {
        let mut m = map.borrow_mut();
        if let Some(slot) = m.iter_mut().find(|(k, _)| k == key) {
            return std::mem::replace(&mut slot.1, value);
        }
        m.push((key.to_string(), value));
        Value::Null
    }

    /// What the template prints for this value (`toString()`); null prints nothing.
    pub fn render(&self) -> String {
        let mut out = String::new();
        self.write_display(&mut out);
        out
    }

    fn write_display(&self, out: &mut String) {
        match self {
            Value::Null => {}
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::Int(i) => out.push_str(&i.to_string()),
            Value::Float(f) => out.push_str(&java_double(*f)),
            Value::Str(s) => out.push_str(s),
            Value::List(items, Origin::Json) => {
                let _ = items;
                self.write_json(out);
            }
            Value::List(items, Origin::Vtl) => {
                out.push('[');
                for (i, it) in items.borrow().iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    it.write_java(out);
                }
                out.push(']');
            }
            Value::Map(entries, _) => {
                out.push('{');
                for (i, (k, v)) in entries.borrow().iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    out.push_str(k);
                    out.push('=');
                    v.write_java(out);
                }
                out.push('}');
            }
            Value::Input | Value::Util => out.push_str("{}"),
        }
    }

    /// Java's `String.valueOf` inside a collection: null prints as `null`.
    fn write_java(&self, out: &mut String) {
        match self {
            Value::Null => out.push_str("null"),
            other => other.write_display(out),
        }
    }

    /// Compact JSON text of this value.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        self.write_json(&mut out);
        out
    }

    fn write_json(&self, out: &mut String) {
        match self {
            Value::Null | Value::Input | Value::Util => out.push_str("null"),
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::Int(i) => out.push_str(&i.to_string()),
            Value::Float(f) => out.push_str(&java_double(*f)),
            Value::Str(s) => out.push_str(&serde_json::Value::String(s.to_string()).to_string()),
            Value::List(items, _) => {
                out.push('[');
                for (i, it) in items.borrow().iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    it.write_json(out);
                }
                out.push(']');
            }
            Value::Map(entries, _) => {
                out.push('{');
                for (i, (k, v)) in entries.borrow().iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&serde_json::Value::String(k.clone()).to_string());
                    out.push(':');
                    v.write_json(out);
                }
                out.push('}');
            }
        }
    }
}

/// Java's `Double.toString`: `40.0`, `0.001`, `1.0E7`, `1.5E-4`.
pub fn java_double(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 {
            "Infinity".into()
        } else {
            "-Infinity".into()
        };
    }
    let a = f.abs();
    if a == 0.0 || (1e-3..1e7).contains(&a) {
        let s = format!("{f}");
        if s.contains('.') {
            s
        } else {
            format!("{s}.0")
        }
    } else {
        // Shortest round-trip digits in scientific form, with Java's mantissa and `E`.
        let s = format!("{f:e}");
        let (mantissa, exp) = s.split_once('e').unwrap_or((&s, "0"));
        let mantissa = if mantissa.contains('.') {
            mantissa.to_string()
        } else {
            format!("{mantissa}.0")
        };
        format!("{mantissa}E{exp}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_like_java() {
        assert_eq!(java_double(40.0), "40.0");
        assert_eq!(java_double(1e7), "1.0E7");
        assert_eq!(java_double(0.00015), "1.5E-4");
        assert_eq!(java_double(-2.5), "-2.5");
        let json: serde_json::Value =
            serde_json::from_str(r#"{"a": {"b": 1}, "l": [{"c": "x"}], "s": "t", "n": null}"#)
                .unwrap();
        let v = Value::from_json(&json);
        assert_eq!(v.render(), r#"{a={b=1}, l=[{"c":"x"}], s=t, n=null}"#);
        assert_eq!(
            Value::list(vec![Value::Int(1), Value::str("a")], Origin::Vtl).render(),
            "[1, a]"
        );
    }
}
