//! A spike, kept to record why the byte scanner stays: validating an event through a structural
//! index, as simdjson does (a first pass over 64-byte blocks finds every quote, bracket, colon,
//! comma and value start at once; a second walks those positions), instead of byte by byte. The
//! byte scanner's steps each wait for the one before (where a string ends decides where the next
//! token is read); the index's positions are found independently of each other, which is what
//! makes simdjson fast on long strings and numbers.
//!
//! `cargo run --profile bench -p ebw-bench --example stage1_spike [eb|city] [rounds] [sse2]`
//! prints events per second of the spike, of its first pass alone, of serde_json validating, and
//! of our matcher skipping the whole event (a pattern on a path no event has), in alternating
//! turns; first it checks the spike's verdict against serde_json's on 20,000 mutated events.
//!
//! Measured (session 19, AMD EPYC, AVX2): on EventBridge-like events the spike runs at
//! 1.64–1.90 M events/s against our 1.90–1.95 M (serde_json 1.35–1.39 M); on city-lots events
//! at 0.97–0.99 M against our 3.23–3.25 M. These events are dense in short tokens (about 150
//! positions in 800 bytes): turning the blocks' bits into positions alone costs about as much as
//! our whole scan, whatever the width of the first pass (with AVX2 it ran at 2.9–3.1 M events/s,
//! with SSE2 2.4–2.5 M), and each number of a coordinate array becomes a position of its own,
//! where `number_arrays` checks 64 bytes of them at a time.
use ebw_bench::sample_events;

#[cfg(target_arch = "x86_64")]
mod spike {
    use std::arch::x86_64::*;

    /// Bits of the 64 bytes at `p`: per byte, whether `f` holds (16 at a time).
    #[inline(always)]
    unsafe fn mask(p: *const u8, f: impl Fn(__m128i) -> __m128i) -> u64 {
        let mut m = 0u64;
        for k in 0..4 {
            let v = _mm_loadu_si128(p.add(16 * k).cast());
            m |= (_mm_movemask_epi8(f(v)) as u32 as u64) << (16 * k);
        }
        m
    }

    /// The five class masks of the 64 bytes at `p` with AVX2 (two loads): backslashes, quotes,
    /// control bytes, whitespace, brackets/colons/commas.
    #[target_feature(enable = "avx2")]
    unsafe fn masks_avx2(p: *const u8) -> (u64, u64, u64, u64, u64) {
        let lo = _mm256_loadu_si256(p.cast());
        let hi = _mm256_loadu_si256(p.add(32).cast());
        macro_rules! m {
            (|$v:ident| $e:expr) => {{
                let $v = lo;
                let a = _mm256_movemask_epi8($e) as u32 as u64;
                let $v = hi;
                a | (_mm256_movemask_epi8($e) as u32 as u64) << 32
            }};
        }
        let set = |c: u8| _mm256_set1_epi8(c as i8);
        let bs = m!(|v| _mm256_cmpeq_epi8(v, set(b'\\')));
        let q = m!(|v| _mm256_cmpeq_epi8(v, set(b'"')));
        let ctrl = m!(|v| _mm256_cmpeq_epi8(_mm256_min_epu8(v, set(0x1f)), v));
        let ws = m!(|v| _mm256_or_si256(
            _mm256_or_si256(
                _mm256_cmpeq_epi8(v, set(b' ')),
                _mm256_cmpeq_epi8(v, set(b'\n'))
            ),
            _mm256_or_si256(
                _mm256_cmpeq_epi8(v, set(b'\t')),
                _mm256_cmpeq_epi8(v, set(b'\r'))
            ),
        ));
        let op = m!(|v| {
            let l = _mm256_or_si256(v, set(0x20));
            _mm256_or_si256(
                _mm256_or_si256(
                    _mm256_cmpeq_epi8(l, set(b'{')),
                    _mm256_cmpeq_epi8(l, set(b'}')),
                ),
                _mm256_or_si256(
                    _mm256_cmpeq_epi8(v, set(b':')),
                    _mm256_cmpeq_epi8(v, set(b',')),
                ),
            )
        });
        (bs, q, ctrl, ws, op)
    }

    /// Bytes of `v` equal to `a` or `b`.
    #[inline(always)]
    unsafe fn eq2(v: __m128i, a: u8, b: u8) -> __m128i {
        _mm_or_si128(
            _mm_cmpeq_epi8(v, _mm_set1_epi8(a as i8)),
            _mm_cmpeq_epi8(v, _mm_set1_epi8(b as i8)),
        )
    }

    /// Prefix xor: bit i is the xor of bits 0..=i.
    #[inline(always)]
    fn prefix_xor(mut x: u64) -> u64 {
        x ^= x << 1;
        x ^= x << 2;
        x ^= x << 4;
        x ^= x << 8;
        x ^= x << 16;
        x ^= x << 32;
        x
    }

    /// The structural index: positions of brackets, colons, commas (outside strings), opening
    /// quotes and the first byte of every other run of bytes outside strings (numbers, words).
    /// `None` when a string holds a control byte, an escape is invalid, or a string is open at
    /// the end.
    pub fn index(text: &[u8], out: &mut Vec<u32>, avx2: bool) -> Option<()> {
        out.clear();
        let n = text.len();
        let mut buf;
        let mut in_string_carry = 0u64; // all ones when the previous block ended inside a string
        let mut escape_carry = false; // the previous block ended with an unescaped backslash run of odd length
        let mut other_carry = 0u64; // the previous block's last byte was a scalar byte
        let mut at = 0;
        while at < n {
            let p = if at + 64 <= n {
                // SAFETY: 64 bytes from `at` are in `text`.
                unsafe { text.as_ptr().add(at) }
            } else {
                buf = [b' '; 64];
                buf[..n - at].copy_from_slice(&text[at..]);
                buf.as_ptr()
            };
            // SAFETY: `p` points to 64 readable bytes; AVX2 is checked; SSE2 is baseline.
            let (bs, q, ctrl, ws, op) = if avx2 {
                unsafe { masks_avx2(p) }
            } else {
                unsafe {
                    let bs = mask(p, |v| _mm_cmpeq_epi8(v, _mm_set1_epi8(b'\\' as i8)));
                    let q = mask(p, |v| _mm_cmpeq_epi8(v, _mm_set1_epi8(b'"' as i8)));
                    let ctrl = mask(p, |v| {
                        _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1f)), v)
                    });
                    let ws = mask(p, |v| {
                        _mm_or_si128(eq2(v, b' ', b'\n'), eq2(v, b'\t', b'\r'))
                    });
                    let op = mask(p, |v| {
                        let l = _mm_or_si128(v, _mm_set1_epi8(0x20));
                        _mm_or_si128(eq2(l, b'{', b'}'), eq2(v, b':', b','))
                    });
                    (bs, q, ctrl, ws, op)
                }
            };
            // Escaped bytes: rare, so worked out byte by byte where there are backslashes.
            let mut escaped = 0u64;
            if bs != 0 || escape_carry {
                let mut odd = escape_carry;
                for k in 0..64 {
                    if odd {
                        escaped |= 1 << k;
                        odd = false;
                    } else if bs >> k & 1 == 1 {
                        odd = true;
                    }
                }
                escape_carry = odd;
            }
            let quotes = q & !escaped;
            let in_string = prefix_xor(quotes) ^ in_string_carry;
            in_string_carry = ((in_string as i64) >> 63) as u64;
            // Inside a string (after its opening quote): no control byte.
            let interior = in_string & !quotes;
            if ctrl & interior != 0 {
                return None;
            }
            // Escapes inside strings: checked one by one (rare).
            let starts = bs & !escaped & interior;
            if starts != 0 {
                let mut s = starts;
                while s != 0 {
                    let k = s.trailing_zeros() as usize;
                    s &= s - 1;
                    let j = at + k;
                    match text.get(j + 1) {
                        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => {}
                        Some(b'u')
                            if text
                                .get(j + 2..j + 6)
                                .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)) => {}
                        _ => return None,
                    }
                }
            }
            let strings = in_string | quotes;
            let outside = !strings;
            let structural = op & outside;
            let other = outside & !op & !ws;
            let scalar_starts = other & !(other << 1 | other_carry);
            other_carry = other >> 63;
            let opening = quotes & in_string;
            let mut bits = structural | scalar_starts | opening;
            // Padding past the end is spaces: no bits there.
            // Written eight at a time whatever the count (the extra ones are overwritten by the
            // next block's or cut off): no branch per position.
            let count = bits.count_ones() as usize;
            out.reserve(64 + 8);
            let base = out.len();
            // SAFETY: room for 72 more was reserved; at most 64 (+7 past them) are written,
            // and the length is set to the ones that are positions.
            unsafe {
                let dst = out.as_mut_ptr().add(base);
                let mut k = 0;
                while k < count {
                    for u in 0..8 {
                        *dst.add(k + u) = (at as u32).wrapping_add(bits.trailing_zeros());
                        bits &= bits.wrapping_sub(1);
                    }
                    k += 8;
                }
                out.set_len(base + count);
            }
            at += 64;
        }
        (in_string_carry == 0).then_some(())
    }

    /// The end of the number or word starting at `i` (`None` if it is neither).
    fn scalar_end(b: &[u8], i: usize) -> Option<usize> {
        match b.get(i)? {
            b't' => b[i..].starts_with(b"true").then_some(i + 4),
            b'f' => b[i..].starts_with(b"false").then_some(i + 5),
            b'n' => b[i..].starts_with(b"null").then_some(i + 4),
            _ => {
                let mut j = i;
                if b.get(j) == Some(&b'-') {
                    j += 1;
                }
                match b.get(j)? {
                    b'0' => j += 1,
                    b'1'..=b'9' => {
                        while b.get(j).is_some_and(u8::is_ascii_digit) {
                            j += 1;
                        }
                    }
                    _ => return None,
                }
                // One digit or more from `j`: where they end.
                let digits = |j: usize| {
                    let end = j + b[j.min(b.len())..]
                        .iter()
                        .take_while(|c| c.is_ascii_digit())
                        .count();
                    (end > j).then_some(end)
                };
                if b.get(j) == Some(&b'.') {
                    j = digits(j + 1)?;
                }
                if matches!(b.get(j), Some(b'e' | b'E')) {
                    j += 1;
                    if matches!(b.get(j), Some(b'+' | b'-')) {
                        j += 1;
                    }
                    j = digits(j)?;
                }
                Some(j)
            }
        }
    }

    /// Whether the positions `idx` of `b` make one valid JSON value (nesting up to 128).
    pub fn walk(b: &[u8], idx: &[u32]) -> bool {
        // A bit per open container: 1 for an object.
        let mut stack = [0u64; 2];
        let mut depth = 0usize;
        let mut k = 0;
        let at = |k: usize| idx.get(k).map(|&p| p as usize);
        // A scalar must end where the next position is, or at whitespace before it.
        let scalar_ok = |p: usize, next: Option<usize>| -> bool {
            let Some(end) = scalar_end(b, p) else {
                return false;
            };
            let limit = next.unwrap_or(b.len());
            end <= limit
                && b[end..limit]
                    .iter()
                    .all(|c| matches!(c, b' ' | b'\n' | b'\t' | b'\r'))
        };
        'value: loop {
            let Some(p) = at(k) else { return false };
            k += 1;
            match b[p] {
                b'{' | b'[' => {
                    let object = b[p] == b'{';
                    if depth == 128 {
                        return false;
                    }
                    stack[depth / 64] =
                        stack[depth / 64] & !(1 << (depth % 64)) | (object as u64) << (depth % 64);
                    depth += 1;
                    let close = if object { b'}' } else { b']' };
                    match at(k) {
                        Some(q) if b[q] == close => {
                            k += 1;
                        }
                        Some(q) if object => {
                            if b[q] != b'"' || at(k + 1).map(|c| b[c]) != Some(b':') {
                                return false;
                            }
                            k += 2;
                            continue 'value;
                        }
                        Some(_) => continue 'value,
                        None => return false,
                    }
                }
                b'"' => {}
                b'}' | b']' | b':' | b',' => return false,
                _ => {
                    if !scalar_ok(p, at(k)) {
                        return false;
                    }
                }
            }
            // After a value: a comma and the next member or element, or the close.
            loop {
                if depth == 0 {
                    return k == idx.len();
                }
                let object = stack[(depth - 1) / 64] >> ((depth - 1) % 64) & 1 == 1;
                let Some(q) = at(k) else { return false };
                k += 1;
                match b[q] {
                    b',' => {
                        if object {
                            if at(k).map(|c| b[c]) != Some(b'"')
                                || at(k + 1).map(|c| b[c]) != Some(b':')
                            {
                                return false;
                            }
                            k += 2;
                        }
                        continue 'value;
                    }
                    b'}' if object => depth -= 1,
                    b']' if !object => depth -= 1,
                    _ => return false,
                }
            }
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let eb = args.get(1).map(String::as_str) != Some("city");
    let rounds: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(200);
    let events = sample_events(eb);
    #[cfg(target_arch = "x86_64")]
    {
        use ebw_bench::{median, Rng};
        use event_pattern::{compiled::CompiledMatcher, EventPattern};
        let mut idx = Vec::new();
        let avx2 = std::is_x86_feature_detected!("avx2")
            && args.get(3).map(String::as_str) != Some("sse2");
        let valid = |t: &str, idx: &mut Vec<u32>| {
            spike::index(t.as_bytes(), idx, avx2).is_some() && spike::walk(t.as_bytes(), idx)
        };
        // Agreement with serde_json on the events and on mutations of them.
        let mut r = Rng(7);
        let mut checked = 0;
        for e in events.iter().take(500) {
            assert!(valid(e, &mut idx), "{e}");
            for _ in 0..40 {
                let mut b = e.as_bytes().to_vec();
                let at = r.below(b.len() as u64) as usize;
                let bytes = b"{}[]:,\"\\ 0123456789-+.eEtrufalsn\t\x01x";
                match r.below(3) {
                    0 => b[at] = bytes[r.below(bytes.len() as u64) as usize],
                    1 => {
                        b.remove(at);
                    }
                    _ => b.insert(at, bytes[r.below(bytes.len() as u64) as usize]),
                }
                let Ok(t) = String::from_utf8(b) else {
                    continue;
                };
                let theirs = serde_json::from_str::<serde::de::IgnoredAny>(&t).is_ok();
                assert_eq!(valid(&t, &mut idx), theirs, "{t}");
                checked += 1;
            }
        }
        let m = CompiledMatcher::new(&[EventPattern::parse(
            r#"{"no-such-field": [{"exists": true}]}"#,
        )
        .unwrap()]);
        let (mut s, mut j, mut o, mut f) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let mut ok = 0usize;
        for _ in 0..rounds {
            let t = std::time::Instant::now();
            for e in &events {
                ok += valid(e, &mut idx) as usize;
            }
            s.push(events.len() as f64 / t.elapsed().as_secs_f64());
            let t = std::time::Instant::now();
            for e in &events {
                ok += spike::index(e.as_bytes(), &mut idx, avx2).is_some() as usize;
            }
            f.push(events.len() as f64 / t.elapsed().as_secs_f64());
            let t = std::time::Instant::now();
            for e in &events {
                ok += serde_json::from_str::<serde::de::IgnoredAny>(e).is_ok() as usize;
            }
            j.push(events.len() as f64 / t.elapsed().as_secs_f64());
            let t = std::time::Instant::now();
            for e in &events {
                ok += m.matching_text(e).is_ok() as usize;
            }
            o.push(events.len() as f64 / t.elapsed().as_secs_f64());
        }
        assert_eq!(ok, 4 * rounds * events.len());
        println!(
            "{} events, {checked} mutations agree; events/s: spike {:.0} (its first pass alone {:.0}), serde_json {:.0}, our skip {:.0}",
            if eb { "EventBridge" } else { "city-lots" },
            median(&mut s),
            median(&mut f),
            median(&mut j),
            median(&mut o)
        );
    }
    #[cfg(not(target_arch = "x86_64"))]
    println!(
        "the spike needs x86-64 ({} events, {rounds} rounds not run)",
        events.len()
    );
}
