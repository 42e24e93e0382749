//! The JSONPath subset EventBridge accepts: `$`, dot names (letters, digits, `-`, `_`, `/`),
//! array indexes `[0]` and the wildcard `*`.

use event_pattern::{Json, JsonValue};

/// Paths longer than this are rejected, as the API does.
pub const MAX_PATH_CHARS: usize = 256;

/// One step of a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// `.name`: an object key.
    Name(String),
    /// `[3]`: an array element.
    Index(usize),
    /// `.*` or `[*]`: every element or value.
    Wildcard,
}

/// A parsed path such as `$.detail.items[0]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonPath {
    /// The path as written.
    pub text: String,
    /// Its steps after `$`.
    pub steps: Vec<Step>,
}

/// Why a path is not in the accepted subset, with the byte offset of the problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathError {
    /// What is wrong.
    pub message: String,
    /// Byte offset of the problem in the path.
    pub offset: usize,
}

fn name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '/'
}

impl JsonPath {
    /// Parses a path; at most [`MAX_PATH_CHARS`] characters.
    pub fn parse(text: &str) -> Result<JsonPath, PathError> {
        let err = |offset: usize, message: String| PathError { message, offset };
        if text.chars().count() > MAX_PATH_CHARS {
            return Err(err(
                MAX_PATH_CHARS,
                format!("a path may have at most {MAX_PATH_CHARS} characters"),
            ));
        }
        let bytes = text.as_bytes();
        if bytes.first() != Some(&b'$') {
            return Err(err(0, "a path must start with `$`".into()));
        }
        let mut steps = Vec::new();
        let mut i = 1;
        while i < bytes.len() {
            match bytes[i] {
                b'.' => {
                    let start = i + 1;
                    let mut j = start;
                    if bytes.get(j) == Some(&b'*') {
                        steps.push(Step::Wildcard);
                        i = j + 1;
                        continue;
                    }
                    while j < bytes.len() && name_char(bytes[j] as char) {
                        j += 1;
                    }
                    if j == start {
                        return Err(err(
                            start,
                            "expected a field name after `.` (letters, digits, `-`, `_`)".into(),
                        ));
                    }
                    steps.push(Step::Name(text[start..j].to_string()));
                    i = j;
                }
                b'[' => {
                    let start = i + 1;
                    let close = match text[start..].find(']') {
                        Some(c) => start + c,
                        None => return Err(err(i, "`[` is not closed by `]`".into())),
                    };
                    let inner = &text[start..close];
                    if inner == "*" {
                        steps.push(Step::Wildcard);
                    } else {
                        match inner.parse::<usize>() {
                            Ok(n) if !inner.starts_with('+') => steps.push(Step::Index(n)),
                            _ => {
                                return Err(err(
                                    start,
                                    format!("`[{inner}]` is not supported: use an array index such as [0], or [*]"),
                                ))
                            }
                        }
                    }
                    i = close + 1;
                }
                _ => {
                    let c = text[i..].chars().next().unwrap_or(' ');
                    return Err(err(
                        i,
                        format!("unexpected `{c}`: paths use dot notation such as $.detail.field"),
                    ));
                }
            }
        }
        Ok(JsonPath {
            text: text.to_string(),
            steps,
        })
    }

    /// The value at this path. A wildcard collects the matches into an array (as JSONPath does);
    /// a missing step gives `None`. Nothing is copied: the selection refers to the event.
    pub fn select<'a>(&self, root: &'a Json) -> Option<Selection<'a>> {
        let mut current = vec![root];
        let mut multi = false;
        for step in &self.steps {
            let mut next = Vec::new();
            for v in current {
                match (step, &v.value) {
                    (Step::Name(n), JsonValue::Object(_)) => next.extend(v.get(n)),
                    (Step::Index(i), JsonValue::Array(items)) => next.extend(items.get(*i)),
                    (Step::Wildcard, JsonValue::Array(items)) => {
                        multi = true;
                        next.extend(items);
                    }
                    (Step::Wildcard, JsonValue::Object(fields)) => {
                        multi = true;
                        next.extend(fields.iter().map(|(_, _, c)| c));
                    }
                    _ => {}
                }
            }
            current = next;
        }
        match (multi, current.first()) {
            (_, None) => None,
            (true, Some(_)) => Some(Selection::Many(current)),
            (false, Some(&one)) => Some(Selection::One(one)),
        }
    }
}

/// What a path selects in an event.
#[derive(Debug, Clone, PartialEq)]
pub enum Selection<'a> {
    /// The value at a path without wildcards.
    One(&'a Json),
    /// The values a wildcard matched, in order: they read as an array.
    Many(Vec<&'a Json>),
}

impl Selection<'_> {
    /// Compact JSON text.
    pub fn to_compact(&self) -> String {
        self.write(Json::to_compact)
    }

    /// Compact text with strings and keys unquoted, as text templates render values.
    pub fn to_unquoted(&self) -> String {
        self.write(Json::to_unquoted)
    }

    fn write(&self, text: fn(&Json) -> String) -> String {
        match self {
            Selection::One(v) => text(v),
            Selection::Many(items) => {
                let items: Vec<String> = items.iter().map(|v| text(v)).collect();
                format!("[{}]", items.join(","))
            }
        }
    }

    /// The selected string's text (none for other values).
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Selection::One(v) => v.as_str(),
            Selection::Many(_) => None,
        }
    }

    /// The JSON type's name: `string`, `number`, `boolean`, `null`, `object` or `array`.
    pub fn type_name(&self) -> &'static str {
        match self {
            Selection::One(v) => match v.value {
                JsonValue::String(_) => "string",
                JsonValue::Number(..) => "number",
                JsonValue::Bool(_) => "boolean",
                JsonValue::Null => "null",
                JsonValue::Object(_) => "object",
                JsonValue::Array(_) => "array",
            },
            Selection::Many(_) => "array",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event() -> Json {
        Json::parse(r#"{"detail": {"instance-id": "i-1", "a_b": {"c": [1, 2]}}, "resources": ["r0", "r1"]}"#).unwrap()
    }

    #[test]
    fn selects_names_indexes_and_wildcards() {
        let e = event();
        let sel = |p: &str| {
            JsonPath::parse(p)
                .unwrap()
                .select(&e)
                .map(|v| v.to_compact())
        };
        assert_eq!(sel("$.detail.instance-id").as_deref(), Some("\"i-1\""));
        assert_eq!(sel("$.resources[1]").as_deref(), Some("\"r1\""));
        assert_eq!(sel("$.detail.a_b.c[*]").as_deref(), Some("[1,2]"));
        assert_eq!(sel("$.detail.missing"), None);
        assert_eq!(sel("$.resources[5]"), None);
        assert_eq!(sel("$").map(|s| s.starts_with('{')), Some(true));
    }

    #[test]
    fn rejects_what_eventbridge_does_not_support_with_positions() {
        assert_eq!(JsonPath::parse("detail").unwrap_err().offset, 0);
        assert_eq!(JsonPath::parse("$..detail").unwrap_err().offset, 2);
        assert_eq!(JsonPath::parse("$.a[?(@.x)]").unwrap_err().offset, 4);
        assert_eq!(JsonPath::parse("$.a[0").unwrap_err().offset, 3);
        assert!(JsonPath::parse(&format!("$.{}", "a".repeat(300))).is_err());
    }
}
