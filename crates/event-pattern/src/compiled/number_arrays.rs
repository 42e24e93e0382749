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
//! Before that loop, the AVX2 copy tries a shorter one made for arrays as JSON writers print
//! them (no exponent, a space only after a comma): there most rules are about two neighbouring
//! bytes, and two byte-shuffle lookups check them all (see `by_pairs`). On city-lots features
//! it cut the time spent on their coordinates by about 40 %. An array it does not prove valid
//! goes to the loop above, from its start.
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
    if WITH == WITH_AVX2 {
        // SAFETY: only reached through `number_array_end_avx2`, after the check for AVX2.
        if let Some(end) = unsafe { by_pairs::array_end(b, start, room) } {
            return Some(end);
        }
    }
    let mut carry = Carry::default();
    walk_blocks(b, start, room, |block| {
        let m = match WITH {
            // SAFETY: only reached through `number_array_end_avx512`, after the check for it.
            WITH_AVX512 => unsafe { Masks::of_avx512(block) },
            // SAFETY: only reached through `number_array_end_avx2`, after the check for AVX2.
            WITH_AVX2 => unsafe { Masks::of_avx2(block) },
            _ => Masks::of(block),
        };
        // Most blocks of coordinates have no exponent, and no exponent's effects come in from
        // the block before: then the exponent's rules are known to hold and are skipped. (An
        // exponent reaching into this block always carries out of the addition of the one
        // before, even one that is that block's last byte: the `e` adds to its own bit.)
        let plain = (m.exp | m.plus) == 0 && carry.exps == 0;
        let bad = if plain {
            carry.check::<true>(&m)
        } else {
            carry.check::<false>(&m)
        };
        (m.open, m.close, bad)
    })
}

/// `x` moved one byte later, the previous block's top bit coming in at the bottom.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[inline(always)]
fn later(x: u64, prev: u64) -> u64 {
    (x << 1) | (prev >> 63)
}

/// Follows the blocks of the array that opens at `start` (on its `[`; `None` when there is
/// none): `block` gives each block's opening and closing brackets and the bytes that break a
/// rule (carrying what it needs from block to block). The array's end, just past its `]`, when no byte of the array breaks a
/// rule; `None` when one does, when it nests deeper than `room`, or when the text ends first.
/// Only the array's own bytes count: a rule broken after its `]` (by what follows it) is the
/// caller's business.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[inline(always)]
fn walk_blocks(
    b: &[u8],
    start: usize,
    room: usize,
    mut block: impl FnMut(&[u8; 64]) -> (u64, u64, u64),
) -> Option<usize> {
    if b.get(start) != Some(&b'[') {
        return None;
    }
    let mut depth = 0usize;
    let mut pos = start;
    // The last block may be short: padded with spaces (an array still open there is
    // unfinished, and the byte-by-byte path reports it).
    let mut padded = [b' '; 64];
    loop {
        let (open, close, bad) = block(block_at(b, pos, &mut padded)?);
        // Where the depth comes back to zero, if it does in this block.
        let end = match follow_brackets(depth, open, close, room) {
            Brackets::Open(after) => {
                depth = after;
                None
            }
            Brackets::Closed(bit) => Some(bit),
            Brackets::Refused => return None,
        };
        let region = match end {
            Some(63) | None => !0u64,
            Some(bit) => (1u64 << (bit + 1)) - 1,
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
    /// The bytes of this block that break a rule. Updates the carries for the next block.
    ///
    /// `PLAIN`: the caller saw no `e`, `E` or `+` in the block and no exponent carried in from
    /// the previous one; the exponent's rules then hold by themselves and are not computed.
    #[inline(always)]
    fn check<const PLAIN: bool>(&mut self, m: &Masks) -> u64 {
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
        let mut next = |after: u64, i: usize| add(after, m.space, &mut self.next[i]) & !m.space;
        let after_open = next(later(m.open, self.open), 0);
        let after_comma = next(later(m.comma, self.comma), 1);
        let after_close = next(later(m.close, self.close), 2);
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
            close: m.close,
            comma: m.comma,
            ..*self
        };
        bad
    }
}

/// The usual arrays of numbers in fewer operations, with AVX2 (whose byte shuffle SSE2 lacks):
/// coordinates as JSON writers print them, `[[-122.418452, 37.808, 0.0], [...]]`, with no
/// exponent and whitespace only after commas. Most of the rules are then about two neighbouring
/// bytes, and a byte shuffle checks those for 32 bytes at once:
///
/// - each byte's class is one bit (or none, for a byte this form does not have), found by two
///   lookups, on its high and its low four bits, whose answers are and-ed;
/// - the classes that may follow a byte are found the same way from the byte before it;
/// - a byte whose class is not among those is refused.
///
/// The pairs allowed: after `[`, a number, `[` or `]`; after a digit, a digit, `.`, `,` or `]`;
/// after `-` or `.`, a digit; after `]`, `,` or `]`; after `,` or a space, a space, a number or
/// `[`. So a number is `-?` digits (`.` digits)?, a space only follows a comma, and the tokens
/// come in JSON's order. Two rules span more than two bytes and are kept on bit masks as in
/// [`Carry::check`]: one `.` per number, and no leading `0` before another digit.
///
/// It answers only for arrays it proved valid; for any other (an exponent, a tab or a line
/// feed, a space before a comma, an error) it gives up, and the full loop above decides.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
mod by_pairs {
    use std::arch::x86_64::*;

    // One bit per class. Digits have two bits: `-` and `.` may be followed by a digit (`D1`),
    // and so may `[` (`D2`), but `-`'s low four bits are `]`'s, and `]` may not be followed
    // by one: the two lookups can only tell them apart through different bits.
    const SPACE: u8 = 0x01;
    const COMMA: u8 = 0x02;
    const MINUS: u8 = 0x04;
    const DOT: u8 = 0x08;
    const OPEN: u8 = 0x10;
    const CLOSE: u8 = 0x20;
    const D1: u8 = 0x40;
    /// The top bit, so that a byte mask of digits is one `movemask`.
    const D2: u8 = 0x80;
    const DIGIT: u8 = D1 | D2;

    /// A table by a byte's high four bits: `0x2_` (space and punctuation), `0x3_` (digits),
    /// `0x5_` (brackets); 0 for the others.
    const fn by_high(punctuation: u8, digit: u8, bracket: u8) -> [u8; 16] {
        let mut t = [0; 16];
        t[0x2] = punctuation;
        t[0x3] = digit;
        t[0x5] = bracket;
        t
    }

    /// A table by a byte's low four bits: `0x_0` (a space, a `0`), `0x_1`–`0x_9` (digits),
    /// `0x_B` (`[`), `0x_C` (`,`), `0x_D` (`-`, `]`), `0x_E` (`.`); 0 for the others.
    const fn by_low(zero: u8, digit: u8, open: u8, comma: u8, minus: u8, dot: u8) -> [u8; 16] {
        let mut t = [0; 16];
        t[0x0] = zero;
        let mut i = 1;
        while i <= 9 {
            t[i] = digit;
            i += 1;
        }
        t[0xB] = open;
        t[0xC] = comma;
        t[0xD] = minus;
        t[0xE] = dot;
        t
    }

    /// A byte's class: its two lookups and-ed.
    const CLASS_HIGH: [u8; 16] = by_high(SPACE | COMMA | MINUS | DOT, DIGIT, OPEN | CLOSE);
    const CLASS_LOW: [u8; 16] = by_low(SPACE | DIGIT, DIGIT, OPEN, COMMA, MINUS | CLOSE, DOT);

    /// What may follow a space or a comma, a `-` or a `.`, a `[`, a `]`, a digit.
    const AFTER_SPACE: u8 = SPACE | D1 | MINUS | OPEN;
    const AFTER_SIGN: u8 = D1;
    const AFTER_OPEN: u8 = D2 | MINUS | OPEN | CLOSE;
    const AFTER_CLOSE: u8 = COMMA | CLOSE;
    const AFTER_DIGIT: u8 = D1 | DOT | COMMA | CLOSE;

    /// What may follow a byte: its two lookups and-ed (each byte above gets exactly its set).
    const NEXT_HIGH: [u8; 16] = by_high(
        AFTER_SPACE | AFTER_SIGN,
        AFTER_DIGIT,
        AFTER_OPEN | AFTER_CLOSE,
    );
    const NEXT_LOW: [u8; 16] = by_low(
        AFTER_SPACE | AFTER_DIGIT,
        AFTER_DIGIT,
        AFTER_OPEN,
        AFTER_SPACE,
        AFTER_SIGN | AFTER_CLOSE,
        AFTER_SIGN,
    );

    /// A 16-byte table in both 128-bit lanes, for `_mm256_shuffle_epi8`.
    #[inline]
    #[target_feature(enable = "avx2")]
    fn table(t: [u8; 16]) -> __m256i {
        _mm256_broadcastsi128_si256(super::super::wide::bytes16(t))
    }

    /// The masks of one half block (32 bytes).
    struct Half {
        /// Bytes whose class may not follow the byte before.
        refused: u32,
        digit: u32,
        dot: u32,
        zero: u32,
        open: u32,
        close: u32,
    }

    /// The half block `v`, whose previous 32 bytes are `before`.
    #[inline]
    #[target_feature(enable = "avx2")]
    fn half(v: __m256i, before: __m256i) -> Half {
        let low_four = _mm256_set1_epi8(0x0F);
        let high = |x: __m256i| _mm256_and_si256(_mm256_srli_epi16::<4>(x), low_four);
        // Bytes of 0x80 and above look up 0 in the low tables (the shuffle's rule), and
        // their high four bits look up 0 too.
        let class = _mm256_and_si256(
            _mm256_shuffle_epi8(table(CLASS_HIGH), high(v)),
            _mm256_shuffle_epi8(table(CLASS_LOW), v),
        );
        // Each byte's predecessor: the bytes moved one place up, across the lanes.
        let prev = _mm256_alignr_epi8::<15>(v, _mm256_permute2x128_si256::<0x21>(before, v));
        let next = _mm256_and_si256(
            _mm256_shuffle_epi8(table(NEXT_HIGH), high(prev)),
            _mm256_shuffle_epi8(table(NEXT_LOW), prev),
        );
        let none = _mm256_cmpeq_epi8(_mm256_and_si256(class, next), _mm256_setzero_si256());
        // A class's bits moved to the top of each byte, where `movemask` reads them.
        let bit = |shifted: __m256i| _mm256_movemask_epi8(shifted) as u32;
        Half {
            refused: bit(none),
            digit: bit(class),
            dot: bit(_mm256_slli_epi16::<4>(class)),
            open: bit(_mm256_slli_epi16::<3>(class)),
            close: bit(_mm256_slli_epi16::<2>(class)),
            zero: bit(_mm256_cmpeq_epi8(v, _mm256_set1_epi8(b'0' as i8))),
        }
    }

    /// Where the array that opens at `start` ends, just past its `]`, when it is of the form
    /// described above, valid, and nests at most `room` deep; `None` otherwise.
    ///
    /// # Safety
    /// The processor must have AVX2 and POPCNT.
    #[target_feature(enable = "avx2,popcnt")]
    pub(super) unsafe fn array_end(b: &[u8], start: usize, room: usize) -> Option<usize> {
        use super::later;
        // The byte before the array counts as a comma, after which a `[` may come.
        let mut before = _mm256_set1_epi8(b',' as i8);
        // The previous block's masks (for their top bits) and the addition's carry.
        let (mut dot_before, mut digit_or_dot_before, mut int_zero_before) = (0u64, 0u64, 0u64);
        let mut dots_carry = 0u8;
        super::walk_blocks(b, start, room, |block| {
            // SAFETY: reads the 64 bytes of `block`.
            let (lo, hi) = unsafe {
                (
                    _mm256_loadu_si256(block.as_ptr().cast()),
                    _mm256_loadu_si256(block.as_ptr().add(32).cast()),
                )
            };
            let (a, z) = (half(lo, before), half(hi, lo));
            before = hi;
            let join = |x: u32, y: u32| x as u64 | (y as u64) << 32;
            let (digit, dot) = (join(a.digit, z.digit), join(a.dot, z.dot));
            let mut bad = join(a.refused, z.refused);
            // A second `.` in a number: the digits after a `.`, plus one, carry to the byte
            // after them, which must not be another `.`.
            let mut sum = 0u64;
            dots_carry = _addcarry_u64(dots_carry, digit, later(dot, dot_before), &mut sum);
            bad |= sum & dot;
            // A `0` that starts an integer (not after a digit or a `.`) is not followed by a
            // digit.
            let digit_or_dot = digit | dot;
            let int_zero = join(a.zero, z.zero) & !later(digit_or_dot, digit_or_dot_before);
            bad |= later(int_zero, int_zero_before) & digit;
            (dot_before, digit_or_dot_before, int_zero_before) = (dot, digit_or_dot, int_zero);
            (join(a.open, z.open), join(a.close, z.close), bad)
        })
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

    /// A random array of `numbers` (nested up to `depth`), with one of `around` after each `[`
    /// and each element, and one of `after_comma` after each comma.
    struct Form<'a> {
        numbers: &'a [&'a str],
        around: &'a [&'a str],
        after_comma: &'a [&'a str],
    }

    /// Anything JSON allows around the tokens.
    const ANY_FORM: Form = Form {
        numbers: &NUMBERS,
        around: &SPACES,
        after_comma: &SPACES,
    };

    fn array(r: &mut Rng, form: &Form, depth: usize, out: &mut String) {
        out.push('[');
        out.push_str(form.around[r.below(form.around.len())]);
        let n = if r.below(8) == 0 { 0 } else { 1 + r.below(12) };
        for i in 0..n {
            if i > 0 {
                out.push(',');
                out.push_str(form.after_comma[r.below(form.after_comma.len())]);
            }
            if depth > 1 && r.below(3) != 0 {
                array(r, form, depth - 1, out);
            } else {
                out.push_str(form.numbers[r.below(form.numbers.len())]);
            }
            out.push_str(form.around[r.below(form.around.len())]);
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
            array(&mut r, &ANY_FORM, depth, &mut text);
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

    /// The pair lookups on their own, where the processor has AVX2: what they accept, the
    /// full loop accepts too, ending at the same byte.
    fn by_pairs(b: &[u8], start: usize, room: usize) -> Option<Option<usize>> {
        if !(std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("popcnt")) {
            return None;
        }
        // SAFETY: the processor has AVX2 and POPCNT (checked just above).
        Some(unsafe { super::by_pairs::array_end(b, start, room) })
    }

    /// Every text of up to four bytes from the bytes the pair rules tell apart (and some they
    /// refuse), between `[1` and `]`, placed so that it crosses the edges of the 32-byte
    /// halves and of the blocks: each text the pair lookups accept parses, ends where the
    /// full loop says, and the plain numbers among them are all accepted.
    #[test]
    fn pair_lookups_accept_only_valid_arrays() {
        const BYTES: &[u8] = b"01-.,[] e+x\n";
        let mut texts = vec![Vec::new()];
        for _ in 0..4 {
            let longer: Vec<Vec<u8>> = texts
                .iter()
                .filter(|t| t.len() == texts.last().map_or(0, Vec::len))
                .flat_map(|t| {
                    BYTES.iter().map(move |&c| {
                        let mut t = t.clone();
                        t.push(c);
                        t
                    })
                })
                .collect();
            texts.extend(longer);
        }
        let (mut checked, mut accepted) = (0, 0);
        for (i, middle) in texts.iter().enumerate() {
            // A lead of spaces after a comma moves the middle across the edges.
            for lead in [24 + i % 13, 56 + i % 11] {
                let text = [
                    b"[1,".as_slice(),
                    " ".repeat(lead).as_bytes(),
                    b"[1",
                    middle,
                    b"]] ",
                ]
                .concat();
                let Some(got) = by_pairs(&text, 0, 128) else {
                    return;
                };
                checked += 1;
                let parses = |t: &[u8]| {
                    std::str::from_utf8(t)
                        .ok()
                        .and_then(|t| Json::parse(t).ok())
                        .is_some()
                };
                let valid = parses(&text[..text.len() - 1]);
                if let Some(end) = got {
                    accepted += 1;
                    let shown = String::from_utf8_lossy(&text);
                    assert!(parses(&text[..end]), "accepted {shown:?} up to {end}");
                    assert_eq!(every_loop(&text, 0, 128)[0], got, "{shown:?}");
                }
                let plain = middle.iter().all(|c| b"01.,".contains(c))
                    && !middle.windows(2).any(|w| w == b",," || w == b"..");
                if valid && plain {
                    assert!(
                        got.is_some(),
                        "refused {:?}",
                        String::from_utf8_lossy(&text)
                    );
                }
            }
        }
        assert!(checked > 40_000 && accepted > 500, "{checked} {accepted}");
    }

    /// On random arrays of numbers as writers print them (no exponent, a space or none after
    /// each comma), the pair lookups answer, and answer as the full loop; mutated ones they
    /// either refuse or answer for as the full loop does.
    #[test]
    fn pair_lookups_answer_for_printed_coordinates() {
        // The numbers without an exponent, and spaces only after commas, as writers print
        // coordinates.
        let plain: Vec<&str> = NUMBERS
            .iter()
            .copied()
            .filter(|n| !n.contains(['e', 'E']))
            .collect();
        let printed = Form {
            numbers: &plain,
            around: &[""],
            after_comma: &["", " ", "  "],
        };
        let mut r = Rng(0x0123_4567_89AB_CDEF);
        let (mut answered, mut mutated_answers) = (0, 0);
        for round in 0..20_000 {
            let mut text = String::new();
            let depth = 1 + r.below(4);
            array(&mut r, &printed, depth, &mut text);
            let mutate = round % 2 == 1;
            if mutate {
                let at = r.below(text.len());
                let bit = ["-", ".", "0", "5", ",", "[", "]", " ", "e", "\n"][r.below(10)];
                text.insert_str(at, bit);
            }
            text.push_str(", 5]");
            let room = if r.below(4) == 0 { 1 + r.below(4) } else { 128 };
            let Some(got) = by_pairs(text.as_bytes(), 0, room) else {
                return;
            };
            let full = every_loop(text.as_bytes(), 0, room)[0];
            if !mutate {
                let array = &text[..text.len() - 4];
                let want = (nesting(array) <= room).then_some(array.len());
                assert_eq!(full, want, "{text:?}");
                assert_eq!(got, want, "{text:?} (room {room})");
                answered += got.is_some() as usize;
            } else if got.is_some() {
                mutated_answers += 1;
                assert_eq!(got, full, "{text:?}");
            }
        }
        assert!(
            answered > 5_000 && mutated_answers > 1_000,
            "{answered} {mutated_answers}"
        );
    }
}
