//! A byte scanner over JSON text: strict enough to refuse malformed input (everything
//! `Json::parse` refuses), fast enough to skip the parts of an event no pattern mentions.
//!
//! Skipping is where matching spends most of its time (most of an event is mentioned by no
//! pattern), so it is a loop, not a recursion, and it looks at several bytes at a time where it
//! can: sixteen with SSE2 on x86-64 (the `wide` module), else eight in a word, for numbers and
//! for string bodies up to the next quote, backslash or control character; and arrays of numbers
//! go 64 bytes at a time ([`super::number_arrays`], with AVX2 or AVX-512BW where the processor
//! has them).

use std::borrow::Cow;

use crate::json::MAX_EVENT_DEPTH;

use super::number_arrays::number_array_end;
use super::prechecked::container_end;
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
use super::wide;

/// A byte of 1 in each of a word's eight bytes (a byte value times this fills a word with it).
pub(super) const ONES: u64 = 0x0101_0101_0101_0101;
/// The high bit of each of a word's eight bytes.
pub(super) const HIGHS: u64 = 0x8080_8080_8080_8080;

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
pub(super) fn string_stop(b: &[u8], mut i: usize) -> usize {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    while let Some(v) = wide::load16(b, i) {
        let stop = wide::eq(v, b'"') | wide::eq(v, b'\\') | wide::at_most(v, 0x1f);
        if stop != 0 {
            return i + stop.trailing_zeros() as usize;
        }
        i += 16;
    }
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
        // Most calls find no whitespace: one comparison says so (every whitespace byte is at
        // most a space).
        while let Some(&c) = self.b.get(self.i) {
            if c > b' ' || !matches!(c, b' ' | b'\t' | b'\n' | b'\r') {
                return;
            }
            self.i += 1;
        }
    }

    /// Skips one value that no pattern mentions (it sits at nesting `depth`), checking its
    /// structure as it goes.
    pub(crate) fn skip_value(&mut self, depth: usize) -> Result<(), ()> {
        self.skip::<u128>(depth)
    }

    /// [`Self::skip_value`], with the containers it is inside tracked in `L`: 128 bits at most
    /// in the usual skip, and a container nested deeper than that (rare: events nest up to 1000
    /// levels) skipped out of line, with as many bits as it needs.
    #[inline(always)]
    fn skip<L: Levels>(&mut self, depth: usize) -> Result<(), ()> {
        let mut stack = L::default();
        let mut level = 0usize;
        'value: loop {
            match self.peek().ok_or(())? {
                b'"' => self.skip_string()?,
                b'[' if self.number_array(depth + level) => {}
                b'{' | b'[' if level >= L::ROOM => self.skip_deep(depth + level)?,
                b'{' | b'[' => {
                    // This container is nesting level `depth + level + 1`.
                    if depth + level >= MAX_EVENT_DEPTH {
                        return Err(());
                    }
                    let object = self.b[self.i] == b'{';
                    let close = if object { b'}' } else { b']' };
                    self.i += 1;
                    self.ws();
                    if self.peek() == Some(close) {
                        self.i += 1;
                    } else {
                        stack.push(object);
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
                let object = stack.in_object();
                if self.comma() {
                    if object {
                        self.key()?;
                    }
                    continue 'value;
                }
                match self.peek() {
                    Some(b'}') if object => {}
                    Some(b']') if !object => {}
                    _ => return Err(()),
                }
                self.i += 1;
                stack.pop();
                level -= 1;
            }
        }
    }

    /// A container nested deeper than the usual skip tracks.
    #[cold]
    #[inline(never)]
    fn skip_deep(&mut self, depth: usize) -> Result<(), ()> {
        self.skip::<Vec<bool>>(depth)
    }

    /// [`Self::skip_value`] for text known to be valid JSON: an object or array is skipped by
    /// counting its brackets (`prechecked.rs`); anything else, or a container the count cannot
    /// settle (nesting near the limit, text ending early), is skipped as by the checked path.
    #[inline(always)]
    pub(crate) fn skip_prechecked(&mut self, depth: usize) -> Result<(), ()> {
        if let Some(b'{' | b'[') = self.peek() {
            let room = MAX_EVENT_DEPTH.saturating_sub(depth);
            if let Some(end) = container_end(self.b, self.i, room) {
                self.i = end;
                return Ok(());
            }
        }
        self.skip_value(depth)
    }

    /// On an array that holds only numbers (and arrays of them): skips it when checking it 64
    /// bytes at a time proves it valid, and says so; otherwise it is left to the byte loop.
    #[inline(always)]
    fn number_array(&mut self, nesting: usize) -> bool {
        let first = self.b.get(self.i + 1..).and_then(|rest| {
            rest.iter()
                .find(|c| !matches!(c, b' ' | b'\t' | b'\n' | b'\r'))
        });
        if !matches!(first, Some(b'-' | b'0'..=b'9' | b'[')) {
            return false;
        }
        let room = MAX_EVENT_DEPTH.saturating_sub(nesting);
        match number_array_end(self.b, self.i, room) {
            Some(end) => {
                self.i = end;
                true
            }
            None => false,
        }
    }

    /// An object key to skip, its colon, and the space before the value.
    #[inline(always)]
    fn key(&mut self) -> Result<(), ()> {
        self.skip_string()?;
        self.colon()
    }

    /// After a value: whether a comma comes next (whitespace around it skipped; the usual
    /// `", "` in one look). When not, only the whitespace is skipped.
    #[inline(always)]
    pub(crate) fn comma(&mut self) -> bool {
        if self.b.get(self.i..self.i + 2) == Some(b", ") {
            self.i += 2;
        } else {
            self.ws();
            if self.peek() != Some(b',') {
                return false;
            }
            self.i += 1;
        }
        self.ws();
        true
    }

    /// The bracket that closes the container being read (`}` or `]`), whitespace skipped before.
    #[inline(always)]
    pub(crate) fn close(&mut self, bracket: u8) -> Result<(), ()> {
        if self.peek() != Some(bracket) {
            return Err(());
        }
        self.i += 1;
        Ok(())
    }

    /// The colon after a key, with the space around it (the usual `": "` in one look).
    #[inline(always)]
    pub(crate) fn colon(&mut self) -> Result<(), ()> {
        if self.b.get(self.i..self.i + 2) == Some(b": ") {
            self.i += 2;
        } else {
            self.ws();
            if self.peek() != Some(b':') {
                return Err(());
            }
            self.i += 1;
        }
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
    #[inline(always)]
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
    #[inline(always)]
    pub(crate) fn string(&mut self) -> Result<Cow<'a, str>, ()> {
        if self.peek() != Some(b'"') {
            return Err(());
        }
        let start = self.i + 1;
        let j = string_stop(self.b, start);
        match self.b.get(j) {
            Some(b'"') => {
                self.i = j + 1;
                // SAFETY: `start` follows a quote and `j` is one, both ASCII bytes of the valid
                // UTF-8 `src` (`b` is its bytes), so both are character boundaries, and
                // `start <= j < src.len()` (`string_stop` never goes back; `b.get(j)` found the
                // quote). A checked `get` tests both boundaries again for every string read.
                Ok(Cow::Borrowed(unsafe { self.src.get_unchecked(start..j) }))
            }
            Some(b'\\') => self.escaped_string(),
            _ => Err(()),
        }
    }

    /// A string with escapes: the strict tokenizer decodes it (rare, so kept out of line).
    #[cold]
    #[inline(never)]
    fn escaped_string(&mut self) -> Result<Cow<'a, str>, ()> {
        let mut t = crate::jackson::Tokenizer::new(self.src.get(self.i..).ok_or(())?);
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
    pub(crate) fn skip_number(&mut self) -> Result<(), ()> {
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
fn number_end(b: &[u8], i: usize) -> Result<usize, ()> {
    // The usual number (no exponent, ending within sixteen bytes) from one load's masks.
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    if let Some(v) = wide::load16(b, i) {
        // Masks rather than loads of single bytes: no chain of dependent loads per number.
        let (d, dot) = (wide::digits(v), wide::eq(v, b'.'));
        let sign = wide::eq(v, b'-') & 1;
        let int = (!(d >> sign)).trailing_zeros();
        let mut end = sign + int;
        if int == 0 || (int > 1 && (wide::eq(v, b'0') >> sign) & 1 == 1) {
            return Err(());
        }
        if (dot >> end) & 1 == 1 {
            let frac = (!(d >> (end + 1))).trailing_zeros();
            // No digit after the dot is an error only when the dot is not the window's last
            // byte (its digits may follow the window: then the narrow path decides).
            if frac == 0 && end + 1 < 16 {
                return Err(());
            }
            end += 1 + frac;
        }
        // Ends inside the sixteen bytes, with no exponent (that and longer numbers: below).
        if end < 16 && (wide::eq(wide::lower(v), b'e') >> end) & 1 == 0 {
            return Ok(i + end as usize);
        }
    }
    number_end_slow(b, i)
}

#[inline(always)]
fn number_end_slow(b: &[u8], mut i: usize) -> Result<usize, ()> {
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

/// The containers a skip is inside, innermost last: whether each is an object.
trait Levels: Default {
    /// How many it can hold.
    const ROOM: usize;
    fn push(&mut self, object: bool);
    fn pop(&mut self);
    /// Whether the innermost is an object.
    fn in_object(&self) -> bool;
}

/// A bit a level, the innermost lowest.
impl Levels for u128 {
    const ROOM: usize = 128;
    #[inline(always)]
    fn push(&mut self, object: bool) {
        *self = (*self << 1) | object as u128;
    }
    #[inline(always)]
    fn pop(&mut self) {
        *self >>= 1;
    }
    #[inline(always)]
    fn in_object(&self) -> bool {
        *self & 1 == 1
    }
}

impl Levels for Vec<bool> {
    const ROOM: usize = usize::MAX;
    fn push(&mut self, object: bool) {
        Vec::push(self, object);
    }
    fn pop(&mut self) {
        Vec::pop(self);
    }
    fn in_object(&self) -> bool {
        self.last() == Some(&true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

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

    /// The sixteen-byte paths agree with the byte-at-a-time definitions wherever the text ends
    /// and whatever follows, numbers longer than the window and exponents included.
    #[test]
    fn wide_paths_agree_with_the_narrow_ones() {
        let numbers = [
            // The dot as the last byte of the sixteen (found by fuzzing: its digits follow).
            "123456789012345.6",
            "-12345678901234.5",
            "155555555555502.55555555555555550",
            "123456789012345.",
            "12345678901234.5e3",
            "0",
            "-0",
            "7",
            "-12",
            "0.5",
            "-122.418452",
            "37.808",
            "01",
            "-",
            "-.5",
            "1.",
            "1.e3",
            "1e5",
            "1E+5",
            "2.5e-3",
            "1e",
            "00",
            "-01.5",
            "123456789012345",
            "1234567890123456",
            "12345678901234567",
            "-1234567890.12345",
            "-1234567890.123456",
            "3.14159265358979323",
            "9.",
            "1..2",
            "1.2.3",
            "1-2",
            "0x1",
        ];
        let follows = [
            "", ",", ", 5]", "]", "}", " ", "e", "E7", ".", "a", "\"\u{e9}",
        ];
        for n in numbers {
            for f in follows {
                // Text ending right after (the narrow path) or going on (the wide one).
                for tail in ["", "                ", ", 1234567890123456]"] {
                    for pad in 0..18 {
                        let text = format!("{}{n}{f}{tail}", " ".repeat(pad));
                        let b = text.as_bytes();
                        assert_eq!(number_end(b, pad), number_end_slow(b, pad), "{text:?}");
                    }
                }
            }
        }
        let strings = [
            "",
            "a",
            "0123456789abcde",
            "0123456789abcdef",
            "\u{e9}x",
            "\u{7f}\u{80}",
        ];
        for s in strings {
            for stop in ["\"", "\\", "\u{1}", "\u{1f}", ""] {
                for tail in ["", "0123456789abcdefghij\""] {
                    let text = format!("{s}{stop}{tail}");
                    let want = text
                        .bytes()
                        .position(|c| c == b'"' || c == b'\\' || c < 0x20)
                        .unwrap_or(text.len());
                    assert_eq!(string_stop(text.as_bytes(), 0), want, "{text:?}");
                }
            }
        }
    }
}
