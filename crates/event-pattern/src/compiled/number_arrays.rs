//! Arrays of numbers (GeoJSON coordinates, series of readings) checked 64 bytes at a time.
//!
//! Byte by byte, such an array costs a dispatch per token: a bracket, a comma, a number, eight
//! tokens for `[-122.4, 37.8, 0.0], `. Here each block of 64 bytes becomes bit masks (one bit per
//! byte: digits, signs, dots, exponents, brackets, commas, whitespace), and JSON's rules for
//! numbers and arrays become a few dozen operations on those masks, with the bits that cross
//! from one block to the next carried over:
//!
//! - a number is a maximal run of number bytes; a `-` may only start it or follow the exponent,
//!   a `+` only follow the exponent; `-`, `+` and `.` are followed by a digit, `.` and `e` are
//!   preceded by one, `e` is followed by a digit or a sign; a run has at most one `.`, at most
//!   one `e`, and no `.` after its `e`; the integer part does not start with `0` and a digit;
//! - what follows a token, whitespace skipped, is allowed: after `[` a number, `[` or `]`; after
//!   a number or a `]`, a `,` or `]`; after a `,`, a number or `[`.
//!
//! "The first byte after X, whitespace skipped" is one addition: adding a bit just after X to
//! the whitespace mask carries it across the whitespace to the next byte that is not. "A second
//! `.` in the same run" is another: adding the dots to the run mask carries the first one to the
//! end of its run, and a later dot in the run then comes out set.
//!
//! The block's masks come from SSE2 loads of 16 bytes, or, where the processor has AVX2 (checked
//! at run time: the baseline x86-64 target does not assume it), from loads of 32 bytes in a copy
//! of the loop compiled with AVX2 and POPCNT, or, where it has AVX-512BW, from one load of the
//! whole block whose comparisons give the 64-bit masks directly (no halves to shift together).
//!
//! Anything else in the array (a string, an object, a literal, a control character), too deep a
//! nesting, or any broken rule, and the answer is "don't know": the scanner then checks the
//! array byte by byte from its start, which decides (and words the error, when there is one).
//! So this path only ever answers for arrays it has proved valid; the scanner stays the
//! definition, and a test checks the two agree.

#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
super::wide::best_loop! {
    /// Where the array that opens at `start` (on its `[`) ends, just past its `]`, when it holds
    /// only numbers and arrays of them, is valid JSON, and nests at most `room` deep; `None` when
    /// it does not or this target has no SSE2 (the caller checks it byte by byte).
    pub(crate) fn number_array_end / number_array_end_avx2 / number_array_end_avx512
        = array_end(b: &[u8], start: usize, room: usize) -> Option<usize>
}

// How [`array_end`] classifies a block: SSE2 (every x86-64 processor), AVX2 or AVX-512BW.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
use super::wide::{block_at, follow_brackets, Brackets, WITH_AVX2, WITH_AVX512};

/// The block loop; `WITH` is [`WITH_AVX2`] only when called from [`number_array_end_avx2`],
/// [`WITH_AVX512`] only from [`number_array_end_avx512`].
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[inline(always)]
fn array_end<const WITH: u8>(b: &[u8], start: usize, room: usize) -> Option<usize> {
    if b.get(start) != Some(&b'[') {
        return None;
    }
    let mut carry = Carry::default();
    let mut depth = 0usize;
    let mut pos = start;
    // The last block may be short: padded with spaces (an array still open there is
    // unfinished, and the byte-by-byte path reports it).
    let mut padded = [b' '; 64];
    loop {
        let block = block_at(b, pos, &mut padded)?;
        let m = match WITH {
            // SAFETY: only reached through `number_array_end_avx512`, after the check for it.
            WITH_AVX512 => unsafe { Masks::of_avx512(block) },
            // SAFETY: only reached through `number_array_end_avx2`, after the check for AVX2.
            WITH_AVX2 => unsafe { Masks::of_avx2(block) },
            _ => Masks::of(block),
        };
        // Where the depth comes back to zero, if it does in this block.
        let end = match follow_brackets(depth, m.open, m.close, room) {
            Brackets::Open(after) => {
                depth = after;
                None
            }
            Brackets::Closed(bit) => Some(bit),
            Brackets::Refused => return None,
        };
        // Only the array's own bytes count; its closing bracket's follower is the caller's.
        let (region, last) = match end {
            Some(63) => (!0u64, 1u64 << 63),
            Some(bit) => ((1u64 << (bit + 1)) - 1, 1u64 << bit),
            None => (!0u64, 0),
        };
        // Most blocks of coordinates have no exponent, and no exponent's effects come in from
        // the block before: then the exponent's rules are known to hold and are skipped. (An
        // exponent reaching into this block always carries out of the addition of the one
        // before, even one that is that block's last byte: the `e` adds to its own bit.)
        let plain = (m.exp | m.plus) == 0 && carry.exps == 0;
        let bad = if plain {
            carry.check::<true>(&m, last)
        } else {
            carry.check::<false>(&m, last)
        };
        if bad & region != 0 {
            return None;
        }
        if let Some(bit) = end {
            return Some(pos + bit as usize + 1);
        }
        // Past the end of the text with the array still open: unfinished.
        if b.len() <= pos + 64 {
            return None;
        }
        pos += 64;
    }
}

#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
pub(crate) fn number_array_end(_b: &[u8], _start: usize, _room: usize) -> Option<usize> {
    None
}

/// One bit per byte of a block, per class.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[derive(Default)]
struct Masks {
    digit: u64,
    zero: u64,
    minus: u64,
    plus: u64,
    dot: u64,
    exp: u64,
    open: u64,
    close: u64,
    comma: u64,
    space: u64,
}

/// The masks of a 64-byte block, `$lanes` bytes per load, with the `load`, `digits`, `eq`,
/// `lower` and `spaces` helpers in scope where it is used (SSE2's or AVX2's): one list of the
/// classes for both.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
macro_rules! classify {
    ($block:expr, $lanes:literal, $load:ident) => {{
        let mut m = Masks::default();
        for k in 0..64 / $lanes {
            let Some(v) = $load($block, $lanes * k) else {
                continue;
            };
            let at = |bits: u32| (bits as u64) << ($lanes * k);
            m.digit |= at(digits(v));
            m.zero |= at(eq(v, b'0'));
            m.minus |= at(eq(v, b'-'));
            m.plus |= at(eq(v, b'+'));
            m.dot |= at(eq(v, b'.'));
            m.exp |= at(eq(lower(v), b'e'));
            m.open |= at(eq(v, b'['));
            m.close |= at(eq(v, b']'));
            m.comma |= at(eq(v, b','));
            m.space |= at(spaces(v));
        }
        m
    }};
}

#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
impl Masks {
    #[inline(always)]
    fn of(block: &[u8; 64]) -> Masks {
        use super::wide::{digits, eq, load16, lower, spaces};
        classify!(block, 16, load16)
    }

    /// The same masks, 32 bytes at a time.
    #[inline]
    #[target_feature(enable = "avx2")]
    fn of_avx2(block: &[u8; 64]) -> Masks {
        use super::wide::avx2::{digits, eq, load32, lower, spaces};
        classify!(block, 32, load32)
    }

    /// The same masks from one 64-byte load: each comparison gives a class's mask whole.
    #[inline]
    #[target_feature(enable = "avx512bw")]
    fn of_avx512(block: &[u8; 64]) -> Masks {
        use std::arch::x86_64::*;
        // SAFETY: reads the 64 bytes of `block`.
        let v = unsafe { _mm512_loadu_si512(block.as_ptr().cast()) };
        macro_rules! eq {
            ($x:expr, $c:expr) => {
                _mm512_cmpeq_epi8_mask($x, _mm512_set1_epi8($c as i8))
            };
        }
        // Whitespace by one lookup on the low four bits, in each 128-bit lane.
        let spaces = _mm512_broadcast_i32x4(super::wide::spaces_by_low_nibble());
        Masks {
            digit: _mm512_cmplt_epu8_mask(
                _mm512_sub_epi8(v, _mm512_set1_epi8(b'0' as i8)),
                _mm512_set1_epi8(10),
            ),
            zero: eq!(v, b'0'),
            minus: eq!(v, b'-'),
            plus: eq!(v, b'+'),
            dot: eq!(v, b'.'),
            exp: eq!(_mm512_or_si512(v, _mm512_set1_epi8(0x20)), b'e'),
            open: eq!(v, b'['),
            close: eq!(v, b']'),
            comma: eq!(v, b','),
            space: _mm512_cmpeq_epi8_mask(_mm512_shuffle_epi8(spaces, v), v),
        }
    }
}

/// What one block hands the next: the masks shifted by one byte lose their top bit to it, and
/// the additions their carries.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[derive(Default)]
struct Carry {
    /// The previous block's masks, for their top bits.
    number: u64,
    digit: u64,
    exp: u64,
    sign_or_dot: u64,
    minus_start: u64,
    int_zero: u64,
    open: u64,
    close: u64,
    comma: u64,
    /// Carries of the additions: second dot, second exponent, and the four "next token" ones.
    /// (Each 0 or 1: kept as words, so that the additions compile to an add with carry.)
    dots: u64,
    exps: u64,
    next: [u64; 4],
}

#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
impl Carry {
    /// The bytes of this block that break a rule (`last`: the closing bracket of the array,
    /// whose follower is not checked). Updates the carries for the next block.
    ///
    /// `PLAIN`: the caller saw no `e`, `E` or `+` in the block and no exponent carried in from
    /// the previous one; the exponent's rules then hold by themselves and are not computed.
    #[inline(always)]
    fn check<const PLAIN: bool>(&mut self, m: &Masks, last: u64) -> u64 {
        // `x` moved one byte later, the previous block's top bit coming in at the bottom.
        fn later(x: u64, prev: u64) -> u64 {
            (x << 1) | (prev >> 63)
        }
        fn add(a: u64, b: u64, carry: &mut u64) -> u64 {
            let mut sum = 0;
            *carry = std::arch::x86_64::_addcarry_u64(*carry as u8, a, b, &mut sum) as u64;
            sum
        }
        let number = m.digit | m.minus | m.plus | m.dot | m.exp;
        let starts = number & !later(number, self.number);
        let after_exp = if PLAIN { 0 } else { later(m.exp, self.exp) };
        let sign_or_dot = m.minus | m.plus | m.dot;
        let mut bad = 0;
        // Signs: `-` starts a number or follows `e`; `+` follows `e`; both precede a digit.
        bad |= m.minus & !(starts | after_exp);
        bad |= m.plus & !after_exp;
        bad |= later(sign_or_dot, self.sign_or_dot) & !m.digit;
        // `.` and `e` follow a digit; `e` precedes a digit or a sign.
        bad |= (m.dot | m.exp) & !later(m.digit, self.digit);
        bad |= after_exp & !(m.digit | m.minus | m.plus);
        // One `.` and one `e` per number, the `.` first.
        let dots = add(number, m.dot, &mut self.dots);
        bad |= m.dot & dots;
        if !PLAIN {
            let exps = add(number, m.exp, &mut self.exps);
            bad |= m.exp & exps;
            bad |= m.dot & number & !exps;
        }
        // No leading zero before another digit.
        let minus_start = m.minus & starts;
        let int_start = (starts & m.digit) | (later(minus_start, self.minus_start) & m.digit);
        let int_zero = int_start & m.zero;
        bad |= later(int_zero, self.int_zero) & m.digit;
        // What follows each token, whitespace skipped.
        let ends = later(number, self.number) & !number;
        let closes = m.close & !last;
        let mut next = |after: u64, i: usize| add(after, m.space, &mut self.next[i]) & !m.space;
        let after_open = next(later(m.open, self.open), 0);
        let after_comma = next(later(m.comma, self.comma), 1);
        let after_close = next(later(closes, self.close), 2);
        let after_number = next(ends, 3);
        bad |= after_open & !(starts | m.open | m.close);
        bad |= after_comma & !(starts | m.open);
        bad |= (after_close | after_number) & !(m.comma | m.close);
        // Nothing else may appear.
        bad |= !(number | m.open | m.close | m.comma | m.space);
        *self = Carry {
            number,
            digit: m.digit,
            exp: m.exp,
            sign_or_dot,
            minus_start,
            int_zero,
            open: m.open,
            close: closes,
            comma: m.comma,
            ..*self
        };
        bad
    }
}

#[cfg(all(test, target_arch = "x86_64", target_feature = "sse2"))]
mod tests {
    use super::*;
    use crate::compiled::wide::WITH_SSE2;
    use crate::json::Json;

    /// Every loop this processor can run: SSE2 always, AVX2 and AVX-512BW where it has them
    /// (the dispatcher picks the widest; each is checked here on its own).
    fn every_loop(b: &[u8], start: usize, room: usize) -> Vec<Option<usize>> {
        let mut out = vec![array_end::<WITH_SSE2>(b, start, room)];
        if std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("popcnt") {
            // SAFETY: the processor has AVX2 and POPCNT (checked just above).
            out.push(unsafe { number_array_end_avx2(b, start, room) });
        }
        if std::is_x86_feature_detected!("avx512bw") && std::is_x86_feature_detected!("popcnt") {
            // SAFETY: the processor has AVX-512BW and POPCNT (checked just above).
            out.push(unsafe { number_array_end_avx512(b, start, room) });
        }
        out.push(number_array_end(b, start, room));
        out
    }

    use crate::test_rng::Rng;

    const NUMBERS: [&str; 16] = [
        "0",
        "-0",
        "7",
        "-122.418452",
        "37.808",
        "0.0",
        "1e5",
        "-2.5E-3",
        "6.02e+23",
        "10",
        "123456789012345678901234567890",
        "0.000001",
        "-9",
        "3.14159",
        "1E9",
        "42",
    ];
    const SPACES: [&str; 6] = ["", "", " ", "  ", "\n\t", "\r\n    "];

    fn array(r: &mut Rng, depth: usize, out: &mut String) {
        out.push('[');
        out.push_str(SPACES[r.below(SPACES.len())]);
        let n = if r.below(8) == 0 { 0 } else { 1 + r.below(12) };
        for i in 0..n {
            if i > 0 {
                out.push(',');
                out.push_str(SPACES[r.below(SPACES.len())]);
            }
            if depth > 1 && r.below(3) != 0 {
                array(r, depth - 1, out);
            } else {
                out.push_str(NUMBERS[r.below(NUMBERS.len())]);
            }
            out.push_str(SPACES[r.below(SPACES.len())]);
        }
        out.push(']');
    }

    fn nesting(text: &str) -> usize {
        let (mut d, mut max) = (0usize, 0usize);
        for c in text.bytes() {
            match c {
                b'[' => {
                    d += 1;
                    max = max.max(d);
                }
                b']' => d = d.saturating_sub(1),
                _ => {}
            }
        }
        max
    }

    /// Nesting that goes past the room, or an array that ends, in a later block than the first
    /// (where the depth is counted rather than followed bracket by bracket).
    #[test]
    fn counts_depth_across_blocks() {
        for pad in 0..140 {
            for deep in 0..6 {
                let text = format!(
                    "[{}{}1{}] ",
                    "1, ".repeat(pad),
                    "[".repeat(deep),
                    "]".repeat(deep)
                );
                for room in [deep, deep + 1, 128] {
                    let want = (deep < room).then_some(text.len() - 1);
                    for got in every_loop(text.as_bytes(), 0, room) {
                        assert_eq!(got, want, "room {room}: {text:?}");
                    }
                }
            }
        }
    }

    /// Exponents whose parts fall on either side of a block edge (the `e` as a block's last
    /// byte, its sign or digits in the next): every loop agrees, accepts what parses, and
    /// refuses what does not.
    #[test]
    fn exponents_across_block_edges() {
        let numbers = [
            "1e5", "1e-5", "1E+5", "2.5e-3", "1e", "1e,", "1e]", "1e-", "1e-5.5", "1e5e5",
            "1.5e-3.2", "-1e-0", "1e--5", "1e+-5", "1.e5",
        ];
        for number in numbers {
            for pad in 40..90 {
                let text = format!("[0{}, {number}, 7] ", " ".repeat(pad));
                let answers = every_loop(text.as_bytes(), 0, 128);
                assert!(
                    answers.iter().all(|a| *a == answers[0]),
                    "{answers:?} {text:?}"
                );
                let valid = Json::parse(text.trim_end()).is_ok();
                match answers[0] {
                    Some(end) => assert!(valid && end == text.len() - 1, "accepted {text:?}"),
                    None => assert!(!valid, "refused the valid {text:?}"),
                }
            }
        }
    }

    /// Against the parser: whatever the fast path accepts parses, and it accepts every valid
    /// array of numbers nesting within its room (it may not answer for others); on valid
    /// arrays, mutated ones (a byte of a number, a sign, a bracket, whitespace, a quote) and
    /// arrays crossing block edges.
    #[test]
    fn accepts_exactly_the_valid_arrays_of_numbers() {
        const BITS: [&str; 20] = [
            "-", "+", ".", "e", "E", "0", "01", "5", ",", "[", "]", " ", "\n", "\u{1}", "\"", "a",
            "{", "--", "..", "e+",
        ];
        const AFTER: [&str; 4] = ["", "]", ", 5]}", "}   "];
        let mut r = Rng(0x9E37_79B9_7F4A_7C15);
        let (mut accepted, mut valid_cases, mut invalid_cases) = (0, 0, 0);
        for round in 0..30_000 {
            let mut text = String::new();
            let depth = 1 + r.below(4);
            array(&mut r, depth, &mut text);
            for _ in 0..r.below(3) {
                let at = r.below(text.len() + 1);
                let bit = BITS[r.below(BITS.len())];
                match r.below(3) {
                    0 => text.insert_str(at, bit),
                    1 if at < text.len() => text.replace_range(at..at + 1, bit),
                    _ => text.truncate(at.max(1)),
                }
            }
            let array_text = text.clone();
            text.push_str(AFTER[r.below(AFTER.len())]);
            // Sometimes start mid-text, after a prefix the fast path must not look at.
            let lead = if round % 4 == 0 { "{\"a\": " } else { "" };
            let text = format!("{lead}{text}");
            let room = if r.below(5) == 0 { r.below(5) } else { 128 };
            // Every loop this processor can run gives the same answer.
            let answers = every_loop(text.as_bytes(), lead.len(), room);
            let got = answers[0];
            assert!(answers.iter().all(|a| *a == got), "{answers:?} {text:?}");
            let only_number_bytes = array_text
                .bytes()
                .all(|c| b"0123456789-+.eE[], \n\r\t".contains(&c));
            let valid = array_text.starts_with('[')
                && Json::parse(&array_text).is_ok()
                && array_text.trim_end() == array_text;
            if valid {
                valid_cases += 1;
            } else {
                invalid_cases += 1;
            }
            match got {
                Some(end) => {
                    accepted += 1;
                    let claimed = &text[lead.len()..end];
                    assert!(
                        Json::parse(claimed).is_ok(),
                        "accepted {claimed:?} in {text:?}"
                    );
                    assert!(nesting(claimed) <= room, "{claimed:?} nests beyond {room}");
                    if valid {
                        assert_eq!(claimed, array_text, "in {text:?}");
                    }
                }
                None => assert!(
                    !(valid && only_number_bytes && nesting(&array_text) <= room),
                    "refused the valid {array_text:?} (room {room})"
                ),
            }
        }
        // The cases are not all of one kind, and the fast path did answer.
        assert!(
            valid_cases > 10_000 && invalid_cases > 5_000,
            "{valid_cases} {invalid_cases}"
        );
        assert!(accepted > 10_000, "{accepted}");
    }
}
