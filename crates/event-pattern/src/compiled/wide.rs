//! Sixteen bytes at a time with SSE2, which every x86-64 processor has; compiled only where the
//! target has it (elsewhere, the browser's WASM included, the scanner's eight-byte words and
//! byte loops do the same work). Also what the two 64-byte block loops share (arrays of numbers,
//! prechecked containers): the choice of their copy, reading a block, following its brackets;
//! and, chosen the same way, the widening copy that writes long runs of matches into a list.

use std::arch::x86_64::*;

/// Which copy of a block loop runs: the loops take one of these as a const parameter, and only
/// the copy compiled with AVX2 (or AVX-512BW), called after the processor was found to have it,
/// is given its constant.
pub(super) const WITH_SSE2: u8 = 0;
pub(super) const WITH_AVX2: u8 = 1;
pub(super) const WITH_AVX512: u8 = 2;

/// Defines a loop's entry `$name`, which runs `$body::<WITH_…>` in the copy compiled for
/// the best instruction set the processor has (checked at run time): `$avx512` compiled with
/// AVX-512BW and POPCNT, `$avx2` with AVX2 and POPCNT, or the baseline with SSE2. The two copies
/// are named so that tests can run each loop on its own.
macro_rules! best_loop {
    ($(#[$doc:meta])* $vis:vis fn $name:ident / $avx2:ident / $avx512:ident
        = $body:ident($($arg:ident: $ty:ty),*) -> $ret:ty) => {
        $(#[$doc])*
        $vis fn $name($($arg: $ty),*) -> $ret {
            if std::is_x86_feature_detected!("avx512bw") && std::is_x86_feature_detected!("popcnt") {
                // SAFETY: the processor has AVX-512BW and POPCNT (checked just above).
                return unsafe { $avx512($($arg),*) };
            }
            if std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("popcnt") {
                // SAFETY: the processor has AVX2 and POPCNT (checked just above).
                return unsafe { $avx2($($arg),*) };
            }
            $body::<{ $crate::compiled::wide::WITH_SSE2 }>($($arg),*)
        }

        /// The loop compiled with AVX2 and POPCNT.
        #[target_feature(enable = "avx2,popcnt")]
        fn $avx2($($arg: $ty),*) -> $ret {
            $body::<{ $crate::compiled::wide::WITH_AVX2 }>($($arg),*)
        }

        /// The loop compiled with AVX-512BW and POPCNT.
        #[target_feature(enable = "avx512bw,popcnt")]
        fn $avx512($($arg: $ty),*) -> $ret {
            $body::<{ $crate::compiled::wide::WITH_AVX512 }>($($arg),*)
        }
    };
}
pub(super) use best_loop;

best_loop! {
    /// Appends `src` to `dst` as `usize`s (a list of matches from runs of them).
    pub(super) fn widen_into / widen_into_avx2 / widen_into_avx512
        = widen(dst: &mut Vec<usize>, src: &[u32]) -> ()
}

/// The widening copy, vectorised by the compiler as wide as the copy it is inlined into allows.
#[inline(always)]
fn widen<const WITH: u8>(dst: &mut Vec<usize>, src: &[u32]) {
    dst.extend(src.iter().map(|&r| r as usize));
}

/// The block of `b` at `pos`: its 64 bytes, or, for a last one that is shorter, its bytes in
/// `padded` after spaces (which neither loop marks); `None` past the end.
#[inline(always)]
pub(super) fn block_at<'a>(
    b: &'a [u8],
    pos: usize,
    padded: &'a mut [u8; 64],
) -> Option<&'a [u8; 64]> {
    match b.get(pos..pos + 64) {
        Some(full) => full.try_into().ok(),
        None => {
            let rest = b.get(pos..)?;
            *padded = [b' '; 64];
            padded.get_mut(..rest.len())?.copy_from_slice(rest);
            Some(padded)
        }
    }
}

/// Where a block's brackets leave a container: [`follow_brackets`].
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Brackets {
    /// Still open after the block, this deep.
    Open(usize),
    /// Closed at this bit of the block.
    Closed(u32),
    /// Nested past its room, or closed more than it opened.
    Refused,
}

/// Follows a block's brackets (one bit per byte: `opens`, `closes`) from a container `depth`
/// deep. Usually the container neither ends in the block nor nests past its `room`, and counting
/// tells: it stays open while it is deeper than the block closes, and within its room when even
/// all the opening brackets fit. Otherwise the brackets are followed in order.
#[inline(always)]
pub(super) fn follow_brackets(mut depth: usize, opens: u64, closes: u64, room: usize) -> Brackets {
    let (o, c) = (opens.count_ones() as usize, closes.count_ones() as usize);
    if depth > c && depth + o <= room {
        return Brackets::Open(depth + o - c);
    }
    let mut brackets = opens | closes;
    while brackets != 0 {
        let bit = brackets.trailing_zeros();
        brackets &= brackets - 1;
        if opens >> bit & 1 == 1 {
            depth += 1;
            if depth > room {
                return Brackets::Refused;
            }
        } else {
            match depth.checked_sub(1) {
                None => return Brackets::Refused,
                Some(0) => return Brackets::Closed(bit),
                Some(d) => depth = d,
            }
        }
    }
    Brackets::Open(depth)
}

// SAFETY (every `unsafe` below): the intrinsics need SSE2, which this module is compiled
// only with (`target_feature = "sse2"`), and the one load reads 16 bytes of a slice whose
// length was checked.

#[inline(always)]
pub(super) fn load16(b: &[u8], i: usize) -> Option<__m128i> {
    let bytes: &[u8; 16] = b.get(i..i + 16)?.try_into().ok()?;
    Some(unsafe { _mm_loadu_si128(bytes.as_ptr().cast()) })
}

/// One bit per byte equal to `c`.
#[inline(always)]
pub(super) fn eq(v: __m128i, c: u8) -> u32 {
    unsafe { _mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(c as i8))) as u32 }
}

/// One bit per byte at most `c` (unsigned).
#[inline(always)]
pub(super) fn at_most(v: __m128i, c: u8) -> u32 {
    unsafe { _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(c as i8)), v)) as u32 }
}

/// ASCII letters in lower case (and other bytes with bit 5 set).
#[inline(always)]
pub(super) fn lower(v: __m128i) -> __m128i {
    unsafe { _mm_or_si128(v, _mm_set1_epi8(0x20)) }
}

/// One bit per ASCII digit.
#[inline(always)]
pub(super) fn digits(v: __m128i) -> u32 {
    at_most(unsafe { _mm_sub_epi8(v, _mm_set1_epi8(b'0' as i8)) }, 9)
}

/// One bit per JSON whitespace byte (space, tab, line feed, carriage return).
#[inline(always)]
pub(super) fn spaces(v: __m128i) -> u32 {
    eq(v, b' ') | eq(v, b'\t') | eq(v, b'\n') | eq(v, b'\r')
}

/// JSON's whitespace by a byte's low four bits, for a byte shuffle (AVX2, AVX-512BW; SSE2 has
/// none, so [`spaces`] compares four times): each whitespace byte sits at its own low nibble, and
/// 0xFF, which no byte with that nibble equals, elsewhere; a byte with the high bit set looks up
/// 0, which it does not equal either. So a byte is whitespace exactly when it equals what it
/// looks up.
#[inline(always)]
pub(super) fn spaces_by_low_nibble() -> __m128i {
    const TABLE: [u8; 16] = [
        b' ', 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, b'\t', b'\n', 0xFF, 0xFF, b'\r',
        0xFF, 0xFF,
    ];
    bytes16(TABLE)
}

/// Sixteen bytes in a register, the first at the bottom (a table for a byte shuffle).
#[inline(always)]
pub(super) fn bytes16(t: [u8; 16]) -> __m128i {
    let t = u128::from_le_bytes(t);
    unsafe { _mm_set_epi64x((t >> 64) as i64, t as i64) }
}

/// Thirty-two bytes at a time with AVX2, on the processors that have it. The baseline x86-64
/// target does not assume AVX2, so callers check for it at run time
/// (`is_x86_feature_detected!`) before calling into code compiled with it.
pub(super) mod avx2 {
    use std::arch::x86_64::*;

    // SAFETY (every `unsafe` below): these functions are compiled with AVX2 and called only
    // after the processor was found to have it; the one load reads 32 bytes of a slice whose
    // length was checked.

    #[inline]
    #[target_feature(enable = "avx2")]
    pub(in super::super) fn load32(b: &[u8], i: usize) -> Option<__m256i> {
        let bytes: &[u8; 32] = b.get(i..i + 32)?.try_into().ok()?;
        Some(unsafe { _mm256_loadu_si256(bytes.as_ptr().cast()) })
    }

    /// One bit per byte equal to `c`.
    #[inline]
    #[target_feature(enable = "avx2")]
    pub(in super::super) fn eq(v: __m256i, c: u8) -> u32 {
        _mm256_movemask_epi8(_mm256_cmpeq_epi8(v, _mm256_set1_epi8(c as i8))) as u32
    }

    /// ASCII letters in lower case (and other bytes with bit 5 set).
    #[inline]
    #[target_feature(enable = "avx2")]
    pub(in super::super) fn lower(v: __m256i) -> __m256i {
        _mm256_or_si256(v, _mm256_set1_epi8(0x20))
    }

    /// One bit per JSON whitespace byte, by one lookup ([`super::spaces_by_low_nibble`], in
    /// each 128-bit lane).
    #[inline]
    #[target_feature(enable = "avx2")]
    pub(in super::super) fn spaces(v: __m256i) -> u32 {
        let table = _mm256_broadcastsi128_si256(super::spaces_by_low_nibble());
        _mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_shuffle_epi8(table, v), v)) as u32
    }

    /// One bit per ASCII digit.
    #[inline]
    #[target_feature(enable = "avx2")]
    pub(in super::super) fn digits(v: __m256i) -> u32 {
        let d = _mm256_sub_epi8(v, _mm256_set1_epi8(b'0' as i8));
        _mm256_movemask_epi8(_mm256_cmpeq_epi8(
            _mm256_min_epu8(d, _mm256_set1_epi8(9)),
            d,
        )) as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_rng::Rng;

    /// The definition: every bracket in order.
    fn one_by_one(mut depth: usize, opens: u64, closes: u64, room: usize) -> Brackets {
        for bit in 0..64 {
            if opens >> bit & 1 == 1 {
                depth += 1;
                if depth > room {
                    return Brackets::Refused;
                }
            } else if closes >> bit & 1 == 1 {
                match depth.checked_sub(1) {
                    None => return Brackets::Refused,
                    Some(0) => return Brackets::Closed(bit),
                    Some(d) => depth = d,
                }
            }
        }
        Brackets::Open(depth)
    }

    /// Counting and following the brackets agree with the definition: blocks with few and many
    /// brackets, balanced and not, from containers that end in the block, just before it, or
    /// deep; rooms that fit or are exceeded.
    #[test]
    fn brackets_are_followed_as_one_by_one() {
        let mut r = Rng(0x2545_f491_4f6c_dd1d);
        for _ in 0..200_000 {
            let density = [2, 4, 8, 16, 64][r.below(5)];
            let (mut opens, mut closes) = (0u64, 0u64);
            for bit in 0..64 {
                match r.below(density) {
                    0 => opens |= 1 << bit,
                    1 => closes |= 1 << bit,
                    _ => {}
                }
            }
            let depth = r.below(8);
            let room = depth + r.below(12);
            assert_eq!(
                follow_brackets(depth, opens, closes, room),
                one_by_one(depth, opens, closes, room),
                "depth {depth}, room {room}, opens {opens:#x}, closes {closes:#x}"
            );
        }
    }
}
