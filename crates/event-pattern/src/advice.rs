//! What to do about an invalid pattern, in our words, beside AWS's message (which stays exactly
//! AWS's: [`PatternError::message`]). AWS's messages name what the parser met; a person writing a
//! pattern wants to know what to write instead: [`PatternError::hint`].
//!
//! ```
//! use event_pattern::EventPattern;
//! let e = EventPattern::parse(r#"{"source": "aws.ec2"}"#).unwrap_err();
//! assert_eq!(e.reason(), r#""source" must be an object or an array"#);
//! assert_eq!(e.hint(), Some(r#"a field holds a list of values or operators: "source": ["aws.ec2"]"#));
//! let e = EventPattern::parse(r#"{"source": [{"prefx": "aws."}]}"#).unwrap_err();
//! assert_eq!(e.hint(), Some(r#"did you mean "prefix"?"#));
//! ```

use crate::error::PatternError;
use crate::near_miss;

/// The operators EventBridge documents, for "did you mean".
const OPERATORS: [&str; 8] = [
    "prefix",
    "suffix",
    "equals-ignore-case",
    "anything-but",
    "numeric",
    "exists",
    "wildcard",
    "cidr",
];

/// The hint for a machine whose wildcards are too complex: its count (Ruler's, taken up to
/// [`crate::reading::SHOWN_COMPLEXITY`]) and the most EventBridge accepts.
pub(crate) fn too_complex(count: usize) -> String {
    let count = match count {
        c if c >= crate::reading::SHOWN_COMPLEXITY => format!("{c} or more"),
        c => c.to_string(),
    };
    format!(
        "the wildcards of this field count {count} as EventBridge counts them (the most (pattern, prefix) pairs one value can match), and it accepts at most {}: use fewer wildcards here, or fewer stars",
        crate::wildcard::COMPLEXITY_LIMIT - 1
    )
}

/// `e` with a hint, when there is one for it. `text` is the pattern as given.
pub(crate) fn advise(e: PatternError, text: &str) -> PatternError {
    match hint_for(&e, text) {
        Some(h) => e.with_hint(h),
        None => e,
    }
}

/// The operator a mistyped name stands for: the same but for case, dashes and underscores
/// (`anythingBut`, `equals_ignore_case`), or one slip away (`prefx`).
fn operator_like(name: &str) -> Option<&'static str> {
    let norm = |s: &str| -> String {
        s.chars()
            .filter(|c| *c != '-' && *c != '_')
            .flat_map(char::to_lowercase)
            .collect()
    };
    let n = norm(name);
    OPERATORS
        .iter()
        .find(|op| norm(op) == n)
        .or_else(|| {
            OPERATORS
                .iter()
                .find(|op| near_miss::slip(op, name).is_some())
        })
        .copied()
}

fn hint_for(e: &PatternError, text: &str) -> Option<String> {
    let reason = e.reason();
    let spanned = || {
        e.span()
            .and_then(|s| text.get(s.start..s.end))
            .filter(|t| !t.is_empty())
    };
    if let Some(name) = reason.strip_suffix(" must be an object or an array") {
        // The parser marks the whole value (`jackson::scalar_at`).
        let value = spanned().unwrap_or("...");
        return Some(format!(
            "a field holds a list of values or operators: {name}: [{value}]"
        ));
    }
    if let Some(name) = reason.strip_prefix("Unrecognized match type ") {
        return Some(match operator_like(name) {
            Some(op) => format!("did you mean \"{op}\"?"),
            None => format!("the operators are {}", OPERATORS.join(", ")),
        });
    }
    if let Some(name) = reason
        .strip_prefix("Value of ")
        .and_then(|r| r.strip_suffix(" must be numeric"))
    {
        return Some(format!(
            "write the bound after \"{name}\" as a JSON number, without quotes"
        ));
    }
    if let Some(op) = reason.strip_suffix(" match pattern must be a string") {
        return Some(format!(
            "write the value in double quotes: {{\"{op}\": \"...\"}}"
        ));
    }
    // Jackson's syntax errors: the character it met tells the usual slip.
    if let Some(rest) = reason.strip_prefix("Unexpected character (") {
        let met = rest.chars().nth(1);
        return match met {
            Some('\'') => {
                Some("JSON writes strings and names in double quotes (\"), not single".into())
            }
            Some(c @ ('}' | ']'))
                if rest.contains("was expecting double-quote")
                    || rest.contains("expected a valid value") =>
            {
                Some(format!(
                    "JSON allows no comma before \"{c}\", nor an empty item"
                ))
            }
            _ if rest.contains("was expecting comma to separate") => {
                Some("a comma goes between two fields, and between two items of a list".into())
            }
            _ if rest.contains("was expecting a colon") => {
                Some("a colon goes between a field's name and its value: \"name\": [...]".into())
            }
            _ => None,
        };
    }
    if let Some(word) = reason
        .strip_prefix("Unrecognized token '")
        .and_then(|r| r.split('\'').next())
    {
        return Some(match word.to_ascii_lowercase().as_str() {
            w @ ("true" | "false" | "null") => format!("JSON writes {w} in lower case"),
            _ => format!("a string needs double quotes: \"{word}\""),
        });
    }
    if reason.starts_with("Unexpected end-of-input") {
        return Some("the pattern ends before all of its brackets and quotes close".into());
    }
    Some(
        match reason {
            "Empty arrays are not allowed" => "a list needs at least one value or operator; to require that a field is missing, write [{\"exists\": false}]",
            "Empty objects are not allowed" => "an object needs at least one field: add the field to test, or remove the object",
            "Only one key allowed in match expression" => "each {...} in a list holds one operator; write several as separate items: [{\"prefix\": \"a\"}, {\"suffix\": \"b\"}]",
            "Match expression name not found" => "each {...} in a list names one operator: {\"prefix\": \"...\"}",
            "Filter is not an object" => "a pattern is a JSON object: {\"source\": [\"...\"]}",
            _ => return None,
        }
        .to_string(),
    )
}

#[cfg(test)]
mod tests {
    use crate::EventPattern;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    /// Each hint, for the pattern that earns it; AWS's message is left as it was.
    #[test]
    fn hints() {
        for (pattern, hint) in [
            (r#"{"source": "aws.ec2"}"#, Some(r#"a field holds a list of values or operators: "source": ["aws.ec2"]"#)),
            (r#"{"n": 5}"#, Some(r#"a field holds a list of values or operators: "n": [5]"#)),
            (r#"{"a": [{"prefx": "x"}]}"#, Some(r#"did you mean "prefix"?"#)),
            (r#"{"a": [{"anythingBut": "x"}]}"#, Some(r#"did you mean "anything-but"?"#)),
            (r#"{"a": [{"equals_ignore_case": "x"}]}"#, Some(r#"did you mean "equals-ignore-case"?"#)),
            (r#"{"a": [{"regex": "x"}]}"#, Some("the operators are prefix, suffix, equals-ignore-case, anything-but, numeric, exists, wildcard, cidr")),
            (r#"{"a": [{"numeric": [">", "5"]}]}"#, Some(r#"write the bound after ">" as a JSON number, without quotes"#)),
            (r#"{"a": [{"prefix": 5}]}"#, Some(r#"write the value in double quotes: {"prefix": "..."}"#)),
            (r#"{'a': ["x"]}"#, Some("JSON writes strings and names in double quotes (\"), not single")),
            (r#"{"a": ["x"],}"#, Some("JSON allows no comma before \"}\", nor an empty item")),
            (r#"{"a": ["x",]}"#, Some("JSON allows no comma before \"]\", nor an empty item")),
            (r#"{"a": [x]}"#, Some(r#"a string needs double quotes: "x""#)),
            (r#"{"a": ["x"] "b": ["y"]}"#, Some("a comma goes between two fields, and between two items of a list")),
            (r#"{"a": ["x" "y"]}"#, Some("a comma goes between two fields, and between two items of a list")),
            (r#"{"a" ["x"]}"#, Some("a colon goes between a field's name and its value: \"name\": [...]")),
            (r#"{"a": [{"wildcard": "*a*a*a*a*a*a*"}]}"#, Some("the wildcards of this field count 13 as EventBridge counts them (the most (pattern, prefix) pairs one value can match), and it accepts at most 10: use fewer wildcards here, or fewer stars")),
            (r#"{"a": [True]}"#, Some("JSON writes true in lower case")),
            (r#"{"a": ["x"]"#, Some("the pattern ends before all of its brackets and quotes close")),
            (r#"{"a": []}"#, Some("a list needs at least one value or operator; to require that a field is missing, write [{\"exists\": false}]")),
            (r#"{"a": {}}"#, Some("an object needs at least one field: add the field to test, or remove the object")),
            (r#"{"a": [{"prefix": "x", "suffix": "y"}]}"#, Some("each {...} in a list holds one operator; write several as separate items: [{\"prefix\": \"a\"}, {\"suffix\": \"b\"}]")),
            (r#"["x"]"#, Some("a pattern is a JSON object: {\"source\": [\"...\"]}")),
            (r#"{"a": [{"cidr": "10.0.0.0/33"}]}"#, None),
        ] {
            let e = EventPattern::parse(pattern).unwrap_err();
            assert_eq!(e.hint(), hint, "{pattern}: {}", e.message());
            assert!(!e.message().contains(hint.unwrap_or("\u{0}")), "{pattern}");
        }
    }
}
