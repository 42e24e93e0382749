//! The JSONPath that `$input.json` and `$input.path` take (a Jayway subset): `$`, `.name`,
//! `['name']`, `[0]`, `[-1]`, `[*]`, `.*` and `..name`.

use serde_json::Value;

#[derive(Debug, Clone, PartialEq)]
enum Step {
    Name(String),
    Index(i64),
    Wildcard,
    Descend(String),
}

/// A parsed path, as `$input.path` and `$input.json` take them.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonPath {
    steps: Vec<Step>,
}

impl JsonPath {
    /// Parses a path; the error says what is wrong.
    pub fn parse(text: &str) -> Result<JsonPath, String> {
        let t = text.trim();
        let b = t.as_bytes();
        if b.first() != Some(&b'$') {
            return Err("a path must start with `$`".into());
        }
        let mut steps = Vec::new();
        let mut i = 1;
        let name_end = |from: usize| {
            let mut j = from;
            while j < b.len() && b[j] != b'.' && b[j] != b'[' {
                j += 1;
            }
            j
        };
        while i < b.len() {
            match b[i] {
                b'.' if b.get(i + 1) == Some(&b'.') => {
                    let j = name_end(i + 2);
                    if j == i + 2 {
                        return Err("expected a name after `..`".into());
                    }
                    steps.push(Step::Descend(t[i + 2..j].to_string()));
                    i = j;
                }
                b'.' => {
                    if b.get(i + 1) == Some(&b'*') {
                        steps.push(Step::Wildcard);
                        i += 2;
                        continue;
                    }
                    let j = name_end(i + 1);
                    if j == i + 1 {
                        return Err(format!("expected a name after `.` at position {}", i + 1));
                    }
                    steps.push(Step::Name(t[i + 1..j].to_string()));
                    i = j;
                }
                b'[' => {
                    let close = t[i..]
                        .find(']')
                        .map(|c| i + c)
                        .ok_or("`[` is not closed by `]`")?;
                    let inner = t[i + 1..close].trim();
                    if inner == "*" {
                        steps.push(Step::Wildcard);
                    } else if (inner.starts_with('\'') && inner.ends_with('\'')
                        || inner.starts_with('"') && inner.ends_with('"'))
                        && inner.len() >= 2
                    {
                        steps.push(Step::Name(inner[1..inner.len() - 1].to_string()));
                    } else {
                        let n: i64 = inner
                            .parse()
                            .map_err(|_| format!("unsupported selector `[{inner}]`"))?;
                        steps.push(Step::Index(n));
                    }
                    i = close + 1;
                }
                _ => return Err(format!("unexpected `{}` at position {i}", b[i] as char)),
            }
        }
        Ok(JsonPath { steps })
    }

    /// The selected value; a wildcard or deep scan gives the list of matches.
    pub fn select(&self, root: &Value) -> Option<Value> {
        let mut cur = vec![root.clone()];
        let mut multi = false;
        for step in &self.steps {
            let mut next = Vec::new();
            for v in &cur {
                match step {
                    Step::Name(n) => {
                        if let Some(x) = v.as_object().and_then(|o| o.get(n)) {
                            next.push(x.clone());
                        }
                    }
                    Step::Index(i) => {
                        if let Some(a) = v.as_array() {
                            let idx = if *i < 0 { a.len() as i64 + i } else { *i };
                            if let Some(x) = usize::try_from(idx).ok().and_then(|i| a.get(i)) {
                                next.push(x.clone());
                            }
                        }
                    }
                    Step::Wildcard => {
                        multi = true;
                        match v {
                            Value::Array(a) => next.extend(a.iter().cloned()),
                            Value::Object(o) => next.extend(o.values().cloned()),
                            _ => {}
                        }
                    }
                    Step::Descend(n) => {
                        multi = true;
                        descend(v, n, &mut next, 0);
                    }
                }
            }
            cur = next;
        }
        if multi {
            Some(Value::Array(cur))
        } else {
            cur.into_iter().next()
        }
    }
}

fn descend(v: &Value, name: &str, out: &mut Vec<Value>, depth: usize) {
    if depth > 128 {
        return;
    }
    match v {
        Value::Object(o) => {
            if let Some(x) = o.get(name) {
                out.push(x.clone());
            }
            for c in o.values() {
                descend(c, name, out, depth + 1);
            }
        }
        Value::Array(a) => {
            for c in a {
                descend(c, name, out, depth + 1);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selects() {
        let v: Value =
            serde_json::from_str(r#"{"a": {"b-c": [1, {"d": 2}]}, "e": {"d": 3}}"#).unwrap();
        let s = |p: &str| {
            JsonPath::parse(p)
                .unwrap()
                .select(&v)
                .map(|x| x.to_string())
        };
        assert_eq!(s("$['a']['b-c'][0]").as_deref(), Some("1"));
        assert_eq!(s("$.a.b-c[-1].d").as_deref(), Some("2"));
        assert_eq!(s("$..d").as_deref(), Some("[2,3]"));
        assert_eq!(s("$.nope"), None);
        assert!(JsonPath::parse("a.b").is_err());
    }
}
