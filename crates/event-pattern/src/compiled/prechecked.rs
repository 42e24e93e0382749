//! Skipping an object or array of text already known to be valid JSON (see
//! [`super::CompiledMatcher::set_text_prechecked`]): only its brackets are counted, 64 bytes at a
//! time, and its strings stepped over (a bracket inside a string is not one).
//!
//! The checked scanner proves every byte of what it skips (the grammar of each number, the
//! comma after each value): that is most of the work on events whose bulk no pattern mentions,
//! such as GeoJSON coordinates. When the caller already knows the text is valid — it was written
//! by a JSON serializer, or checked once before being matched against several sets of rules —
//! the end of a container is all that matters, and counting brackets finds it: in valid JSON the
//! brackets outside strings balance, and a container ends where its depth comes back to zero.
//!
//! A container the count cannot settle — one whose brackets nest deeper than its room, or that
//! the text ends inside — gets no answer here, and the caller's checked scanner decides, so the
//! nesting limit and unfinished text are judged exactly as without this. On text that is not
//! valid JSON the answer is otherwise unspecified, but the loop always ends (every step moves
//! forward) and never reads out of bounds.

#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
super::wide::best_loop! {
    /// Where the object or array that opens at `start` ends (just past its closing bracket),
    /// when it nests at most `room` deep; `None` when it does not, or the text ends first. The
    /// text must be valid JSON for the answer to mean anything.
    pub(crate) fn container_end / container_end_avx2 / container_end_avx512
        = blocks(b: &[u8], start: usize, room: usize) -> Option<usize>
}

/// [`bytes`], where there is no SSE2 (the browser's WASM).
#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
pub(crate) fn container_end(b: &[u8], start: usize, room: usize) -> Option<usize> {
    bytes(b, start, room)
}

#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
use super::wide::{block_at, follow_brackets, Brackets, WITH_AVX2, WITH_AVX512};

/// One bit per byte of a 64-byte block: quotes, opening brackets (`[` or `{`), closing ones.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
struct Marks {
    quote: u64,
    backslash: u64,
    open: u64,
    close: u64,
}

/// The marks of a 64-byte block, `$lanes` bytes per load, with the `load`, `eq` and `lower`
/// helpers in scope where it is used (SSE2's or AVX2's).
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
macro_rules! marks {
    ($block:expr, $lanes:literal, $load:ident) => {{
        let mut m = Marks {
            quote: 0,
            backslash: 0,
            open: 0,
            close: 0,
        };
        for k in 0..64 / $lanes {
            let Some(v) = $load($block, $lanes * k) else {
                continue;
            };
            let at = |bits: u32| (bits as u64) << ($lanes * k);
            let l = lower(v);
            m.quote |= at(eq(v, b'"'));
            m.backslash |= at(eq(v, b'\\'));
            m.open |= at(eq(l, b'{'));
            m.close |= at(eq(l, b'}'));
        }
        m
    }};
}

#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
impl Marks {
    // `[` and `{` differ only in the bit 0x20, as do `]` and `}`; no other byte gives 0x7B or
    // 0x7D once that bit is set.

    #[inline(always)]
    fn of(block: &[u8; 64]) -> Marks {
        use super::wide::{eq, load16, lower};
        marks!(block, 16, load16)
    }

    #[inline]
    #[target_feature(enable = "avx2")]
    fn of_avx2(block: &[u8; 64]) -> Marks {
        use super::wide::avx2::{eq, load32, lower};
        marks!(block, 32, load32)
    }

    #[inline]
    #[target_feature(enable = "avx512bw")]
    fn of_avx512(block: &[u8; 64]) -> Marks {
        use std::arch::x86_64::*;
        // SAFETY: reads the 64 bytes of `block`.
        let v = unsafe { _mm512_loadu_si512(block.as_ptr().cast()) };
        let l = _mm512_or_si512(v, _mm512_set1_epi8(0x20));
        Marks {
            quote: _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8(b'"' as i8)),
            backslash: _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8(b'\\' as i8)),
            open: _mm512_cmpeq_epi8_mask(l, _mm512_set1_epi8(b'{' as i8)),
            close: _mm512_cmpeq_epi8_mask(l, _mm512_set1_epi8(b'}' as i8)),
        }
    }
}

/// The block loop; `WITH` is [`WITH_AVX2`] only when called from [`container_end_avx2`],
/// [`WITH_AVX512`] only from [`container_end_avx512`].
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[inline(always)]
fn blocks<const WITH: u8>(b: &[u8], start: usize, room: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut pos = start;
    let mut in_string = false;
    let mut padded = [b' '; 64];
    while pos < b.len() {
        let block = block_at(b, pos, &mut padded)?;
        let m = match WITH {
            // SAFETY: only reached through `container_end_avx512`, after the check for it.
            WITH_AVX512 => unsafe { Marks::of_avx512(block) },
            // SAFETY: only reached through `container_end_avx2`, after the check for AVX2.
            WITH_AVX2 => unsafe { Marks::of_avx2(block) },
            _ => Marks::of(block),
        };
        // The brackets that count are those outside strings. Without a backslash in the block,
        // the quotes pair up in order: a byte is inside a string when an odd number of quotes
        // precede or are on it (a prefix XOR), counting from the state the last block left.
        // With one, only the brackets before the first quote count here, and the string is
        // stepped over byte by byte; the next block starts after it.
        let outside = if m.backslash == 0 {
            let carried = if in_string { !0 } else { 0 };
            // Most blocks of a container no pattern reaches hold no string at all.
            let inside = match m.quote {
                0 => carried,
                q => prefix_xor(q) ^ carried,
            };
            in_string = inside >> 63 == 1;
            !inside
        } else if in_string {
            // The last block ended inside a string (with no backslash in it): its rest.
            pos = string_end(b, pos)?;
            in_string = false;
            continue;
        } else {
            match m.quote {
                0 => !0u64,
                q => (1u64 << q.trailing_zeros()) - 1,
            }
        };
        match follow_brackets(depth, m.open & outside, m.close & outside, room) {
            Brackets::Open(after) => depth = after,
            Brackets::Closed(bit) => return Some(pos + bit as usize + 1),
            Brackets::Refused => return None,
        }
        pos = match m.quote {
            q if q != 0 && m.backslash != 0 => {
                string_end(b, pos + q.trailing_zeros() as usize + 1)?
            }
            _ => pos + 64,
        };
    }
    None
}

/// Each bit set when an odd number of bits are set at or below it.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[inline(always)]
fn prefix_xor(mut x: u64) -> u64 {
    for shift in [1, 2, 4, 8, 16, 32] {
        x ^= x << shift;
    }
    x
}

/// Byte by byte, where there is no SSE2 (the browser's WASM).
#[cfg_attr(all(target_arch = "x86_64", target_feature = "sse2"), allow(dead_code))]
fn bytes(b: &[u8], start: usize, room: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut pos = start;
    while let Some(&c) = b.get(pos) {
        match c {
            b'[' | b'{' => {
                depth += 1;
                if depth > room {
                    return None;
                }
            }
            b']' | b'}' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(pos + 1);
                }
            }
            b'"' => {
                pos = string_end(b, pos + 1)?;
                continue;
            }
            _ => {}
        }
        pos += 1;
    }
    None
}

/// Just past the closing quote of a string, from a byte inside it (not in an escape).
#[inline]
fn string_end(b: &[u8], from: usize) -> Option<usize> {
    let mut j = from;
    loop {
        j = super::scanner::string_stop(b, j);
        match b.get(j)? {
            b'"' => return Some(j + 1),
            // An escape: the byte after the backslash is never the string's end.
            b'\\' => j += 2,
            // A control character (not in valid JSON): stepped over.
            _ => j += 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compiled::scanner::Scanner;
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    use crate::compiled::wide::WITH_SSE2;
    use crate::json::MAX_EVENT_DEPTH;
    use crate::test_rng::Rng;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    /// Every loop this processor can run, each on its own.
    fn every_loop(b: &[u8], start: usize, room: usize) -> Vec<Option<usize>> {
        #[allow(unused_mut)]
        let mut out = vec![bytes(b, start, room)];
        #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
        {
            out.push(blocks::<WITH_SSE2>(b, start, room));
            if std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("popcnt") {
                // SAFETY: checked just above.
                out.push(unsafe { container_end_avx2(b, start, room) });
            }
            if std::is_x86_feature_detected!("avx512bw") && std::is_x86_feature_detected!("popcnt")
            {
                // SAFETY: checked just above.
                out.push(unsafe { container_end_avx512(b, start, room) });
            }
        }
        out
    }

    /// A random valid JSON value, with strings full of brackets, quotes and escapes.
    fn value(r: &mut Rng, depth: usize, out: &mut String) {
        match if depth > 6 { r.below(4) } else { r.below(7) } {
            0 => out.push_str(["0", "-1.5e3", "12345678901234567890", "3.25"][r.below(4)]),
            1 => out.push_str(["true", "false", "null"][r.below(3)]),
            2 | 3 => {
                out.push('"');
                for _ in 0..r.below(40) {
                    let piece = [
                        "[", "]", "{", "}", "\\\"", "\\\\", "a", " ", "é", "\\u005b", ",",
                    ];
                    out.push_str(piece[r.below(piece.len())]);
                }
                out.push('"');
            }
            4 | 5 => {
                out.push('[');
                for k in 0..r.below(6) {
                    if k > 0 {
                        out.push_str(if r.below(2) == 0 { "," } else { " ,\n " });
                    }
                    value(r, depth + 1, out);
                }
                out.push(']');
            }
            _ => {
                out.push('{');
                for k in 0..r.below(5) {
                    if k > 0 {
                        out.push(',');
                    }
                    out.push_str(if r.below(3) == 0 {
                        "\"k]\\\"\": "
                    } else {
                        "\"key\":"
                    });
                    value(r, depth + 1, out);
                }
                out.push('}');
            }
        }
    }

    /// A container somewhere in a block, with something after it that must not be taken for
    /// its end; and where it starts.
    fn placed(r: &mut Rng) -> (String, usize) {
        let mut text = " ".repeat(r.below(70));
        let start = text.len();
        if r.below(2) == 0 {
            text.push('[');
            value(r, 1, &mut text);
            text.push(']');
        } else {
            text.push_str("{\"a\": ");
            value(r, 1, &mut text);
            text.push('}');
        }
        text.push_str([", 1]", "]]]", "}", "\"]\"", ""][r.below(5)]);
        (text, start)
    }

    fn checked(text: &str, start: usize, nesting: usize) -> Option<usize> {
        let mut sc = Scanner {
            b: text.as_bytes(),
            src: text,
            i: start,
        };
        sc.skip_value(nesting).ok().map(|()| sc.i)
    }

    #[test]
    fn ends_where_the_checked_scanner_ends() {
        let mut r = Rng(7);
        for _ in 0..20_000 {
            let (text, start) = placed(&mut r);
            assert!(checked(&text, start, 0).is_some(), "invalid: {text}");
            // Counting brackets is stricter than the checked scanner's nesting by one for an
            // empty innermost container (an empty one is a value, not a level): an answer
            // must agree, and a refusal is left to the checked scanner.
            for nesting in [0, MAX_EVENT_DEPTH - 4, MAX_EVENT_DEPTH - 1] {
                let want = checked(&text, start, nesting);
                let room = MAX_EVENT_DEPTH - nesting;
                for (k, got) in every_loop(text.as_bytes(), start, room)
                    .into_iter()
                    .enumerate()
                {
                    if nesting == 0 {
                        assert!(got.is_some(), "loop {k} refused: {text}");
                    }
                    if got.is_some() {
                        assert_eq!(got, want, "loop {k}, nesting {nesting}: {text}");
                    }
                }
                let mut sc = Scanner {
                    b: text.as_bytes(),
                    src: &text,
                    i: start,
                };
                let skipped = sc.skip_prechecked(nesting).ok().map(|()| sc.i);
                assert_eq!(skipped, want, "nesting {nesting}: {text}");
            }
        }
    }

    #[test]
    fn any_text_ends_the_loop_without_a_panic() {
        let mut r = Rng(11);
        for _ in 0..20_000 {
            let (text, start) = placed(&mut r);
            let mut bytes = text.into_bytes();
            // Break the text: a byte replaced by a bracket, a quote or a backslash, or cut.
            for _ in 0..1 + r.below(3) {
                let at = r.below(bytes.len());
                bytes[at] = b"[]{}\\\"x"[r.below(7)];
            }
            bytes.truncate(bytes.len() - r.below(bytes.len() / 2 + 1));
            for got in every_loop(&bytes, start, MAX_EVENT_DEPTH)
                .into_iter()
                .flatten()
            {
                assert!(got > start && got <= bytes.len());
            }
        }
    }

    #[test]
    fn unfinished_or_too_deep_is_refused() {
        for (text, room) in [
            ("[1, 2", 10),
            ("[\"]\"", 10),
            ("[[[]]]", 2),
            ("{\"a\": {\"b\": [\"}}]\"]}", 10),
            ("", 10),
        ] {
            for (k, got) in every_loop(text.as_bytes(), 0, room).into_iter().enumerate() {
                assert_eq!(got, None, "loop {k}: {text}");
            }
        }
        let deep = format!("{}{}", "[".repeat(100), "]".repeat(100));
        for (k, got) in every_loop(deep.as_bytes(), 0, 100).into_iter().enumerate() {
            assert_eq!(got, Some(200), "loop {k}");
        }
        for (k, got) in every_loop(deep.as_bytes(), 0, 99).into_iter().enumerate() {
            assert_eq!(got, None, "loop {k}");
        }
    }
}
