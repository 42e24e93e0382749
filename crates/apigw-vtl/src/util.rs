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

/// `$util.urlEncode`: Java's `URLEncoder.encode(s, "UTF-8")`.
pub fn url_encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-' | b'*' | b'_' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// `$util.urlDecode`: `+` is a space, `%XX` a byte; malformed escapes stay as written.
pub fn url_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 3 <= b.len() => {
                let hex = |c: u8| (c as char).to_digit(16);
                match (hex(b[i + 1]), hex(b[i + 2])) {
                    (Some(h), Some(l)) => {
                        out.push((h * 16 + l) as u8);
                        i += 3;
                        continue;
                    }
                    _ => out.push(b'%'),
                }
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B64URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn encode_with(data: &[u8], alphabet: &[u8; 64], pad: bool) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let n = (chunk[0] as u32) << 16
            | (*chunk.get(1).unwrap_or(&0) as u32) << 8
            | *chunk.get(2).unwrap_or(&0) as u32;
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(alphabet[(n >> (18 - 6 * k) & 63) as usize] as char);
            } else if pad {
                out.push('=');
            }
        }
    }
    out
}

/// Standard base64 with `=` padding.
pub fn base64_encode(data: &[u8]) -> String {
    encode_with(data, B64, true)
}

/// URL-safe base64 (`-` and `_`) without padding, for URL fragments.
pub fn base64url_encode(data: &[u8]) -> String {
    encode_with(data, B64URL, false)
}

/// Standard or URL-safe base64 (padding optional, whitespace ignored); `None` for invalid input.
pub fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut acc = 0u32;
    let mut bits = 0;
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b'=' | b' ' | b'\n' | b'\r' | b'\t' => continue,
            _ => return None,
        } as u32;
        acc = acc << 6 | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits & 0xFF) as u8);
        }
    }
    Some(out)
}

#[cfg(test)]
mod more_tests {
    use super::*;

    #[test]
    fn url_and_base64() {
        assert_eq!(url_encode("x=a+b"), "x%3Da%2Bb");
        assert_eq!(
            url_encode("{\"some\": \"value\"}"),
            "%7B%22some%22%3A+%22value%22%7D"
        );
        assert_eq!(url_decode("x=a+b"), "x=a b");
        assert_eq!(url_decode("%41%zz%"), "A%zz%");
        assert_eq!(
            base64_encode(b"{\"message\": \"path1\"}"),
            "eyJtZXNzYWdlIjogInBhdGgxIn0="
        );
        assert_eq!(
            base64_decode("eyJtZXNzYWdlIjogInBhdGgxIn0=").unwrap(),
            b"{\"message\": \"path1\"}"
        );
        assert_eq!(base64_encode(b"ab"), "YWI=");
        assert!(base64_decode("***").is_none());
    }
}
