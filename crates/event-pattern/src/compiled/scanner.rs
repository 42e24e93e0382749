//! A byte scanner over JSON text: strict enough to refuse malformed input (everything
//! `Json::parse` refuses), fast enough to skip the parts of an event no pattern mentions.
//!
//! Skipping is where matching spends most of its time (most of an event is mentioned by no
//! pattern), so it is a loop, not a recursion, and it looks at eight bytes at a time where it
//! can: runs of digits, and string bodies up to the next quote, backslash or control character.

use std::borrow::Cow;

use crate::json::MAX_EVENT_DEPTH;

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

#[inline(always)]
fn load8(b: &[u8], i: usize) -> Option<u64> {
    let chunk: [u8; 8] = b.get(i..i + 8)?.try_into().ok()?;
    Some(u64::from_le_bytes(chunk))
}

/// Bytes of `x` equal to zero, flagged in their high bit (exact up to the first one).
#[inline(always)]
fn zero_bytes(x: u64) -> u64 {
    x.wrapping_sub(ONES) & !x & HIGHS
}

/// How many digits start at `i`.
#[inline(always)]
fn digit_run(b: &[u8], mut i: usize) -> usize {
    let start = i;
    while let Some(x) = load8(b, i) {
        let a = x ^ (0x30 * ONES);
        // A byte is a digit when it is 0..=9 after the xor: high nibble clear and no carry
        // into bit 4 when adding 6. Flags above the first non-digit may be wrong; unused.
        let non_digit = (a & (0xF0 * ONES)) | (a.wrapping_add(0x06 * ONES) & (0x10 * ONES));
        if non_digit != 0 {
            return i + (non_digit.trailing_zeros() / 8) as usize - start;
        }
        i += 8;
    }
    while b.get(i).is_some_and(u8::is_ascii_digit) {
        i += 1;
    }
    i - start
}

/// From `i` (inside a string), the position of the first quote, backslash or control byte.
#[inline(always)]
fn string_stop(b: &[u8], mut i: usize) -> usize {
    while let Some(x) = load8(b, i) {
        let quote = zero_bytes(x ^ (b'"' as u64 * ONES));
        let backslash = zero_bytes(x ^ (b'\\' as u64 * ONES));
        let control = x.wrapping_sub(0x20 * ONES) & !x & HIGHS;
        let stop = quote | backslash | control;
        if stop != 0 {
            return i + (stop.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while let Some(&c) = b.get(i) {
        if c == b'"' || c == b'\\' || c < 0x20 {
            return i;
        }
        i += 1;
    }
    i
}

/// A byte scanner over JSON text: strict enough to refuse malformed input, fast enough to skip.
pub(crate) struct Scanner<'a> {
    pub(crate) b: &'a [u8],
    pub(crate) src: &'a str,
    pub(crate) i: usize,
}

impl<'a> Scanner<'a> {
    #[inline(always)]
    pub(crate) fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    #[inline(always)]
    pub(crate) fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.i += 1;
        }
    }

    /// Skips one value that no pattern mentions (it sits at nesting `depth`), checking its
    /// structure as it goes. Containers are tracked in a bit stack: 1 for an object.
    pub(crate) fn skip_value(&mut self, depth: usize) -> Result<(), ()> {
        let mut stack: u128 = 0;
        let mut level = 0usize;
        'value: loop {
            if depth + level > MAX_EVENT_DEPTH {
                return Err(());
            }
            match self.peek().ok_or(())? {
                b'"' => self.skip_string()?,
                b'{' | b'[' => {
                    let object = self.b[self.i] == b'{';
                    let close = if object { b'}' } else { b']' };
                    self.i += 1;
                    self.ws();
                    if self.peek() == Some(close) {
                        self.i += 1;
                    } else {
                        if level >= 128 {
                            return Err(());
                        }
                        stack = (stack << 1) | object as u128;
                        level += 1;
                        if object {
                            self.key()?;
                        }
                        continue 'value;
                    }
                }
                b't' => self.literal(b"true")?,
                b'f' => self.literal(b"false")?,
                b'n' => self.literal(b"null")?,
                _ => self.skip_number()?,
            }
            // After a value: close containers, or go on to the next element.
            loop {
                if level == 0 {
                    return Ok(());
                }
                let object = stack & 1 == 1;
                self.ws();
                match self.peek() {
                    Some(b',') => {
                        self.i += 1;
                        self.ws();
                        if object {
                            self.key()?;
                        }
                        continue 'value;
                    }
                    Some(b'}') if object => {}
                    Some(b']') if !object => {}
                    _ => return Err(()),
                }
                self.i += 1;
                stack >>= 1;
                level -= 1;
            }
        }
    }

    /// An object key to skip, its colon, and the space before the value.
    #[inline(always)]
    fn key(&mut self) -> Result<(), ()> {
        self.skip_string()?;
        self.ws();
        if self.peek() != Some(b':') {
            return Err(());
        }
        self.i += 1;
        self.ws();
        Ok(())
    }

    #[inline(always)]
    fn literal(&mut self, lit: &[u8]) -> Result<(), ()> {
        if self.b[self.i..].starts_with(lit) {
            self.i += lit.len();
            Ok(())
        } else {
            Err(())
        }
    }

    /// Skips a string, checking escapes and control characters.
    #[inline]
    pub(crate) fn skip_string(&mut self) -> Result<(), ()> {
        if self.peek() != Some(b'"') {
            return Err(());
        }
        let b = self.b;
        let mut j = self.i + 1;
        loop {
            j = string_stop(b, j);
            match b.get(j) {
                Some(b'"') => {
                    self.i = j + 1;
                    return Ok(());
                }
                Some(b'\\') => match b.get(j + 1) {
                    Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => j += 2,
                    Some(b'u')
                        if b.get(j + 2..j + 6)
                            .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)) =>
                    {
                        j += 6
                    }
                    _ => return Err(()),
                },
                _ => return Err(()),
            }
        }
    }

    /// A string at `i` (on its opening quote): borrowed when it has no escapes.
    pub(crate) fn string(&mut self) -> Result<Cow<'a, str>, ()> {
        if self.peek() != Some(b'"') {
            return Err(());
        }
        let start = self.i + 1;
        let j = string_stop(self.b, start);
        match self.b.get(j) {
            Some(b'"') => {
                self.i = j + 1;
                return self.src.get(start..j).map(Cow::Borrowed).ok_or(());
            }
            Some(b'\\') => {}
            _ => return Err(()),
        }
        // Escapes: let the strict tokenizer decode this one string.
        let mut t = crate::jackson::Tokenizer::new(&self.src[self.i..]);
        match t.next_token() {
            Ok(crate::jackson::Token::String) => {
                let text = t.text().map_err(|_| ())?;
                self.i += t.offset();
                Ok(Cow::Owned(text))
            }
            _ => Err(()),
        }
    }

    #[inline(always)]
    fn skip_number(&mut self) -> Result<(), ()> {
        self.i = number_end(self.b, self.i)?;
        Ok(())
    }

    pub(crate) fn number(&mut self) -> Result<&'a str, ()> {
        let start = self.i;
        self.i = number_end(self.b, start)?;
        self.src.get(start..self.i).ok_or(())
    }
}

/// The end of the number at `i`: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
#[inline(always)]
fn number_end(b: &[u8], mut i: usize) -> Result<usize, ()> {
    if b.get(i) == Some(&b'-') {
        i += 1;
    }
    let n = digit_run(b, i);
    if n == 0 || (n > 1 && b[i] == b'0') {
        return Err(());
    }
    i += n;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let n = digit_run(b, i);
        if n == 0 {
            return Err(());
        }
        i += n;
    }
    if let Some(b'e' | b'E') = b.get(i) {
        i += 1;
        if let Some(b'+' | b'-') = b.get(i) {
            i += 1;
        }
        let n = digit_run(b, i);
        if n == 0 {
            return Err(());
        }
        i += n;
    }
    Ok(i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_at_a_time_helpers_find_the_first_stop() {
        for (text, digits) in [
            ("", 0),
            ("x", 0),
            ("0", 1),
            ("0123456789", 10),
            ("12345678/", 8),
            ("1234567:", 7),
            ("99999999999999999a", 17),
            ("12\u{e9}45678901", 2),
        ] {
            assert_eq!(digit_run(text.as_bytes(), 0), digits, "{text:?}");
        }
        for (text, stop) in [
            ("abc\"", 3),
            ("abcdefghijk\\", 11),
            ("abcdefgh\u{1}", 8),
            ("\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\"", 10),
            ("\u{7f}\u{7f}\u{7f}\u{7f}\u{7f}\u{7f}\u{7f}\u{7f}\"", 8),
            ("no stop", 7),
        ] {
            assert_eq!(string_stop(text.as_bytes(), 0), stop, "{text:?}");
        }
    }
}
