//! `$util` functions of API Gateway mapping templates.

/// `$util.escapeJavaScript`: Apache commons-lang `StringEscapeUtils.escapeJavaScript`.
/// Quotes (both kinds), backslash and `/` get a backslash; control characters get their short
/// escape or `\uXXXX`; characters above U+007F become `\uXXXX` (upper-case hex, UTF-16 units).
///
/// The `'` → `\'` rule is what breaks the workshop's JSON when a Stripe description holds an
/// apostrophe: `\'` is not a valid JSON escape.
pub fn escape_javascript(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\'' => out.push_str("\\'"),
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '/' => out.push_str("\\/"),
            '\u{8}' => out.push_str("\\b"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04X}", c as u32)),
            c if (c as u32) > 0x7f => {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    out.push_str(&format!("\\u{:04X}", unit));
                }
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_like_commons_lang() {
        assert_eq!(escape_javascript("a/b"), "a\\/b");
        assert_eq!(escape_javascript("back\\slash"), "back\\\\slash");
        assert_eq!(escape_javascript("line\nnext\t"), "line\\nnext\\t");
        assert_eq!(escape_javascript("\u{1}"), "\\u0001");
        assert_eq!(escape_javascript("café"), "caf\\u00E9");
        assert_eq!(escape_javascript("😀"), "\\uD83D\\uDE00");
        assert_eq!(escape_javascript("plain text 123"), "plain text 123");
    }
}
