//! The operators of one path at one node of the decision tree, indexed so that a value finds
//! the tests it satisfies without trying every operator: hash maps for exact strings, numbers,
//! prefixes, suffixes, case-folded values and the values `anything-but` excludes; sorted bounds
//! for one-sided numeric ranges; wildcards by their literal head and tail. What no index covers
//! (two-sided ranges, CIDR blocks, the rarer `anything-but` forms) is evaluated once per distinct
//! operator for all the tests that share it.

use std::collections::HashMap;

use super::{Slot, Tally, NO_MORE};
use crate::cidr::Cidr;
use crate::ignore_case;
use crate::matcher::{accepts_leaf, Leaf};
use crate::pattern::{AnythingBut, Op};
use crate::reading::{self, Reading};
use crate::wildcard::Wildcard;

/// A small, fast, non-cryptographic hasher (the FxHash scheme): keys come from patterns and
/// events, and the maps only need speed, not DoS resistance (their size is bounded by the rules).
#[derive(Default, Clone, Copy)]
pub struct FxHasher(u64);

const FX_K: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl std::hash::Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let v = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
            self.0 = (self.0.rotate_left(5) ^ v).wrapping_mul(FX_K);
        }
        // The last bytes (up to seven) as one word: one round instead of one per byte.
        let rest = chunks.remainder();
        if rest.is_empty() {
            return;
        }
        let word = head_word(rest);
        // The length in the top bits: "ab" and "ab\0", "aaaa" and "aaaaa" differ.
        let word = word ^ (rest.len() as u64) << 61;
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(FX_K);
    }
    fn write_u8(&mut self, i: u8) {
        self.write_u64(i as u64);
    }
    fn write_u32(&mut self, i: u32) {
        self.write_u64(i as u64);
    }
    fn write_u64(&mut self, i: u64) {
        self.0 = (self.0.rotate_left(5) ^ i).wrapping_mul(FX_K);
    }
    fn write_usize(&mut self, i: usize) {
        self.write_u64(i as u64);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

pub(crate) type FxMap<K, V> = HashMap<K, V, std::hash::BuildHasherDefault<FxHasher>>;

/// The first eight bytes of `t` as one little-endian word, zeros after a shorter text: two texts
/// of the same length up to eight bytes are equal exactly when their words are. (The hasher's
/// last bytes, and the trie's names compared a word at a time.)
#[inline(always)]
pub(crate) fn head_word(t: &[u8]) -> u64 {
    if let Some(w) = t.first_chunk::<8>() {
        return u64::from_le_bytes(*w);
    }
    match *t {
        [] => 0,
        [a] => a as u64,
        [a, b] => u16::from_le_bytes([a, b]) as u64,
        [a, b, c] => u16::from_le_bytes([a, b]) as u64 | (c as u64) << 16,
        // Four to seven bytes: two reads of four, overlapping, the second shifted into place.
        [a, b, c, d, ..] => {
            let n = t.len();
            let hi = u32::from_le_bytes([t[n - 4], t[n - 3], t[n - 2], t[n - 1]]) as u64;
            u32::from_le_bytes([a, b, c, d]) as u64 | hi << (8 * (n - 4))
        }
    }
}

/// Values by string key, with the key lengths in use, so that a value's heads (or tails) of
/// those lengths can be looked up: prefix and suffix indexes, and the gates of the tree.
pub(crate) struct Keyed<V> {
    map: FxMap<Box<str>, V>,
    lens: Vec<usize>,
}

impl<V> Default for Keyed<V> {
    fn default() -> Self {
        Keyed {
            map: FxMap::default(),
            lens: Vec::new(),
        }
    }
}

impl<V: Default> Keyed<V> {
    pub(crate) fn entry(&mut self, key: String) -> &mut V {
        self.lens.push(key.len());
        self.map.entry(key.into()).or_default()
    }
}

impl<V> Keyed<V> {
    pub(crate) fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    pub(crate) fn get(&self, key: &str) -> Option<&V> {
        self.map.get(key)
    }

    /// The values keyed by a head of `text`.
    pub(crate) fn heads<'a>(&'a self, text: &'a str) -> impl Iterator<Item = &'a V> + 'a {
        self.lens
            .iter()
            .filter_map(move |&n| text.get(..n).and_then(|k| self.map.get(k)))
    }

    /// The values keyed by a tail of `text`.
    pub(crate) fn tails<'a>(&'a self, text: &'a str) -> impl Iterator<Item = &'a V> + 'a {
        self.lens.iter().filter_map(move |&n| {
            let at = text.len().checked_sub(n)?;
            text.get(at..).and_then(|k| self.map.get(k))
        })
    }

    /// Done adding: each length once, shortest first.
    pub(crate) fn seal(&mut self) {
        self.lens.sort_unstable();
        self.lens.dedup();
    }
}

/// One-sided numeric ranges, sorted by bound.
#[derive(Default)]
struct Bounds {
    /// (bound, open, slot), ascending by bound.
    list: Vec<(f64, bool, Slot)>,
}

impl Bounds {
    /// Lower bounds: every test whose bound lies below `x` (or at it, when closed). Read from
    /// the lowest bound up to the first above `x`: every bound read but that one is hit (no
    /// binary search first, whose reads of a list cold in the cache wait on one another).
    fn below(&self, x: f64, t: &mut Tally<'_>) {
        for &(b, open, slot) in &self.list {
            if b > x {
                break;
            }
            if b < x || !open {
                t.hit(slot);
            }
        }
    }

    /// Upper bounds: every test whose bound lies above `x` (or at it, when closed). Read from
    /// the highest bound down to the first below `x`, likewise.
    fn above(&self, x: f64, t: &mut Tally<'_>) {
        for &(b, open, slot) in self.list.iter().rev() {
            if b < x {
                break;
            }
            if b > x || !open {
                t.hit(slot);
            }
        }
    }

    fn seal(&mut self) {
        self.list.sort_by(|a, b| a.0.total_cmp(&b.0));
    }
}

/// `anything-but` entries that complete a pattern each by a hit alone.
#[derive(Default)]
pub(crate) struct ButDirect {
    ids: Vec<u32>,
    pub(crate) patterns: Vec<u32>,
    /// The patterns are strictly increasing (so are any runs of them).
    pub(crate) increasing: bool,
    /// For many increasing patterns packed closely enough: a bit per pattern, from word
    /// `mask_from` on. A run is then reported as its range of these bits, a word for up to 64
    /// patterns, instead of one by one.
    pub(crate) mask: Box<[u64]>,
    pub(crate) mask_from: usize,
}

/// Below this many patterns, a bit mask costs more than it saves.
const MASK_AT_LEAST: usize = 64;

impl ButDirect {
    /// Builds the bit mask when the patterns are increasing, at least [`MASK_AT_LEAST`], and
    /// take no more words than they have entries (so the mask at most doubles their memory).
    fn seal(&mut self) {
        self.increasing = self.patterns.windows(2).all(|w| w[0] < w[1]);
        let (Some(&first), Some(&last)) = (self.patterns.first(), self.patterns.last()) else {
            return;
        };
        let (from, to) = (first as usize / 64, last as usize / 64);
        if !self.increasing
            || self.patterns.len() < MASK_AT_LEAST
            || to - from >= self.patterns.len()
        {
            return;
        }
        let mut mask = vec![0u64; to - from + 1];
        for &p in &self.patterns {
            if let Some(w) = mask.get_mut(p as usize / 64 - from) {
                *w |= 1 << (p % 64);
            }
        }
        self.mask = mask.into();
        self.mask_from = from;
    }
}

/// Calls `f` with `text` in ASCII lower case (other bytes as they are): on the stack for short
/// text (the common case, once per value looked up), allocating otherwise: the lookup side of
/// `ignore_case::ascii_key`.
pub(crate) fn with_ascii_lowered<R>(text: &str, f: impl FnOnce(&str) -> R) -> R {
    let mut buf = [0u8; 64];
    match ascii_lowercase_into(text.as_bytes(), &mut buf) {
        Some(lowered) => f(std::str::from_utf8(lowered).unwrap_or("")),
        None => f(&text.to_ascii_lowercase()),
    }
}

/// `text` with its ASCII letters in lower case, written to `buf`, eight bytes at a time; `None`
/// when it is longer than `buf`.
fn ascii_lowercase_into<'b>(text: &[u8], buf: &'b mut [u8; 64]) -> Option<&'b [u8]> {
    use super::scanner::{HIGHS, ONES};
    let out = buf.get_mut(..text.len())?;
    let mut words = text.chunks_exact(8);
    let mut outs = out.chunks_exact_mut(8);
    for (w, o) in (&mut words).zip(&mut outs) {
        let w = u64::from_le_bytes(w.try_into().ok()?);
        // Per byte, on its low seven bits (so no carry crosses bytes): its high bit set by the
        // first addition when it is at least `A`, by the second when it is past `Z`; bytes of
        // 0x80 and above (parts of other characters) are left alone.
        let low7 = w & (0x7f * ONES);
        let upper =
            (low7 + (0x80 - b'A' as u64) * ONES) & !(low7 + (0x80 - b'Z' as u64 - 1) * ONES);
        o.copy_from_slice(&(w | ((upper & !w & HIGHS) >> 2)).to_le_bytes());
    }
    for (c, o) in words.remainder().iter().zip(outs.into_remainder()) {
        *o = c.to_ascii_lowercase();
    }
    Some(&buf[..text.len()])
}

fn number_key(f: f64) -> u64 {
    if f == 0.0 {
        0
    } else {
        f.to_bits()
    }
}

/// Which tables of a [`PathIndex`] hold anything (bits of `PathIndex::kinds`, set when sealed):
/// a value looks only in those.
mod has {
    pub(super) const ANY: u32 = 1;
    /// Tables only strings look in: exact values, prefixes, suffixes, wildcards.
    pub(super) const STRINGS: u32 = 1 << 1;
    /// Case-folded values and prefixes (strings).
    pub(super) const FOLDED: u32 = 1 << 2;
    /// CIDR blocks: strings by their address, numbers by their text.
    pub(super) const CIDR: u32 = 1 << 3;
    /// Tables only numbers look in: numeric values, number lexemes, one-sided bounds.
    pub(super) const NUMBERS: u32 = 1 << 4;
    /// `true`, `false`, `null`.
    pub(super) const LITERALS: u32 = 1 << 5;
    /// `anything-but` string lists, counted or direct: every value looks there.
    pub(super) const BUT: u32 = 1 << 6;
    /// Operators evaluated one by one: every value.
    pub(super) const SCAN: u32 = 1 << 7;
}

#[derive(Default)]
pub(crate) struct PathIndex {
    /// Which tables hold anything ([`has`]).
    kinds: u32,
    exact: FxMap<Box<str>, Vec<Slot>>,
    numbers: FxMap<u64, Vec<Slot>>,
    lexemes: FxMap<Box<str>, Vec<Slot>>,
    literals: Vec<(Op, Slot)>,
    prefix: Keyed<Vec<Slot>>,
    prefix_folded: Keyed<Vec<Slot>>,
    suffix: Keyed<Vec<Slot>>,
    folded: FxMap<Box<str>, Vec<Slot>>,
    any: Vec<Slot>,
    /// `anything-but` string lists: every entry `(id, slot)` (ids increasing), and the entries
    /// each value vetoes. Sealing splits the entries in two (below).
    but: Vec<(u32, Slot)>,
    but_vetoes: FxMap<Box<str>, Vec<u32>>,
    /// The entries whose hit alone completes a pattern (see `Tables::direct`): their ids and
    /// patterns, reported as runs between the vetoed ones (with thousands of such rules matching
    /// every event, the answer itself is the work). An entry of `Tables::directs`.
    direct: Option<u32>,
    lower: Bounds,
    upper: Bounds,
    /// CIDR blocks by (IPv6?, mask bits, base), with the (IPv6?, mask bits) shapes in use.
    cidr: FxMap<(bool, u32, u128), Vec<Slot>>,
    cidr_shapes: Vec<(bool, u32)>,
    /// Wildcards by literal head and tail: `(head length, tail length)` shapes in use.
    wild: FxMap<Box<str>, Vec<(Wildcard, Slot)>>,
    wild_shapes: Vec<(usize, usize)>,
    /// Everything else, grouped: identical operators are evaluated once for all their slots.
    scan: Vec<(Op, Reading, Vec<Slot>)>,
    scan_keys: FxMap<String, usize>,
}

impl PathIndex {
    /// Adds one operator of the test numbered `slot`, whose values Ruler reads as `reading`
    /// says. `next_veto` numbers `anything-but` entries.
    pub(crate) fn add(&mut self, op: &Op, reading: Reading, slot: Slot, next_veto: &mut u32) {
        if reading != Reading::Plain {
            // Rare (a test sharing its machine with a numeric or IP test): one by one.
            return self.add_scanned(op, reading, slot);
        }
        match op {
            Op::Exact(s) => self.exact.entry(s.as_str().into()).or_default().push(slot),
            Op::Number { value, text } => {
                if value.is_finite() {
                    self.numbers
                        .entry(number_key(*value))
                        .or_default()
                        .push(slot);
                }
                self.lexemes
                    .entry(text.as_str().into())
                    .or_default()
                    .push(slot);
            }
            Op::Bool(_) | Op::Null => self.literals.push((op.clone(), slot)),
            Op::Prefix {
                value,
                ignore_case: false,
            } => self.prefix.entry(value.clone()).push(slot),
            // `equals-ignore-case` values with other characters than ASCII have no key: tested
            // one by one.
            Op::Prefix {
                value,
                ignore_case: true,
            } => match ignore_case::ascii_key(value) {
                Some(key) => self.prefix_folded.entry(key).push(slot),
                None => self.add_scanned(op, reading, slot),
            },
            Op::Suffix {
                value,
                ignore_case: false,
            } => self.suffix.entry(value.clone()).push(slot),
            Op::EqualsIgnoreCase(s) => match ignore_case::ascii_key(s) {
                Some(key) => self.folded.entry(key.into()).or_default().push(slot),
                None => self.add_scanned(op, reading, slot),
            },
            Op::Exists(true) => self.any.push(slot),
            Op::AnythingBut(AnythingBut::Strings(values)) => {
                let id = *next_veto;
                *next_veto += 1;
                self.but.push((id, slot));
                for v in values {
                    let vetoes = self.but_vetoes.entry(v.as_str().into()).or_default();
                    if vetoes.last() != Some(&id) {
                        vetoes.push(id);
                    }
                }
            }
            Op::Numeric(r) if r.equals.is_none() && (r.lower.is_none() != r.upper.is_none()) => {
                if let Some((b, open)) = r.lower {
                    self.lower.list.push((b, open, slot));
                }
                if let Some((b, open)) = r.upper {
                    self.upper.list.push((b, open, slot));
                }
            }
            Op::Wildcard { wildcard, .. }
                if !wildcard.literal_prefix().is_empty()
                    || !wildcard.literal_suffix().is_empty() =>
            {
                let (head, tail) = (wildcard.literal_prefix(), wildcard.literal_suffix());
                self.wild_shapes.push((head.len(), tail.len()));
                self.wild
                    .entry(format!("{head}{tail}").into())
                    .or_default()
                    .push((wildcard.clone(), slot));
            }
            Op::Cidr { cidr, .. } => {
                let (v6, bits, base) = cidr.block();
                self.cidr_shapes.push((v6, bits));
                self.cidr.entry((v6, bits, base)).or_default().push(slot);
            }
            other => self.add_scanned(other, reading, slot),
        }
    }

    /// An operator evaluated once per distinct (operator, reading) for all its slots.
    fn add_scanned(&mut self, op: &Op, reading: Reading, slot: Slot) {
        let key = format!("{op:?}{reading:?}");
        match self.scan_keys.get(&key) {
            Some(&i) => self.scan[i].2.push(slot),
            None => {
                self.scan_keys.insert(key, self.scan.len());
                self.scan.push((op.clone(), reading, vec![slot]));
            }
        }
    }

    /// Done adding: sort what lookups need sorted and drop build-only tables. The entries that
    /// complete a pattern by a hit alone, if any, go to `Tables::directs`.
    pub(crate) fn seal(&mut self, tables: &mut super::Tables) {
        let (mut direct, mut counted) = (ButDirect::default(), Vec::new());
        for &(id, slot) in &self.but {
            match tables.direct(slot) {
                NO_MORE => counted.push((id, slot)),
                pattern => {
                    direct.ids.push(id);
                    direct.patterns.push(pattern);
                }
            }
        }
        direct.seal();
        self.but = counted;
        self.direct = (!direct.ids.is_empty()).then(|| {
            tables.directs.push(direct);
            tables.directs.len() as u32 - 1
        });
        self.scan_keys = FxMap::default();
        self.prefix.seal();
        self.prefix_folded.seal();
        self.suffix.seal();
        self.lower.seal();
        self.upper.seal();
        self.wild_shapes.sort_unstable();
        self.wild_shapes.dedup();
        self.cidr_shapes.sort_unstable();
        self.cidr_shapes.dedup();
        let tables = [
            (!self.any.is_empty(), has::ANY),
            (
                !self.exact.is_empty()
                    || !self.prefix.is_empty()
                    || !self.suffix.is_empty()
                    || !self.wild_shapes.is_empty(),
                has::STRINGS,
            ),
            (
                !self.folded.is_empty() || !self.prefix_folded.is_empty(),
                has::FOLDED,
            ),
            (!self.cidr.is_empty(), has::CIDR),
            (
                !self.numbers.is_empty()
                    || !self.lexemes.is_empty()
                    || !self.lower.list.is_empty()
                    || !self.upper.list.is_empty(),
                has::NUMBERS,
            ),
            (!self.literals.is_empty(), has::LITERALS),
            (!self.but.is_empty() || self.direct.is_some(), has::BUT),
            (!self.scan.is_empty(), has::SCAN),
        ];
        self.kinds = tables.iter().filter(|t| t.0).fold(0, |k, t| k | t.1);
    }

    /// Hits every test of this path that the value satisfies.
    #[inline]
    pub(crate) fn leaf(&self, v: Leaf<'_>, t: &mut Tally<'_>) {
        if v == Leaf::Other {
            return;
        }
        let kinds = self.kinds;
        if kinds & has::ANY != 0 {
            t.hit_all(&self.any);
        }
        // The tables are looked in out of line: inlined, every value would first load the
        // fields of all of them (measured: about 80 instructions per path and event).
        if kinds & !has::ANY != 0 {
            self.tables(v, kinds, t);
        }
    }

    /// [`Self::leaf`] past `exists`: the tables that hold anything.
    #[inline(never)]
    fn tables(&self, v: Leaf<'_>, kinds: u32, t: &mut Tally<'_>) {
        match v {
            Leaf::Str(text) => {
                if kinds & has::STRINGS != 0 {
                    if let Some(l) = self.exact.get(text) {
                        t.hit_all(l);
                    }
                    self.prefix.heads(text).for_each(|l| t.hit_all(l));
                    self.suffix.tails(text).for_each(|l| t.hit_all(l));
                    self.wildcards(text, t);
                }
                if kinds & has::FOLDED != 0 {
                    with_ascii_lowered(text, |f| {
                        if let Some(l) = self.folded.get(f) {
                            t.hit_all(l);
                        }
                        self.prefix_folded.heads(f).for_each(|l| t.hit_all(l));
                    });
                }
                if kinds & has::CIDR != 0 {
                    if let Some((addr, v6)) = crate::cidr::parse_address(text) {
                        for &(shape_v6, bits) in &self.cidr_shapes {
                            if shape_v6 == v6 {
                                let key = (v6, bits, crate::cidr::masked(addr, v6, bits));
                                if let Some(l) = self.cidr.get(&key) {
                                    t.hit_all(l);
                                }
                            }
                        }
                    }
                }
                if kinds & has::BUT != 0 {
                    self.hit_unvetoed(Some(text), t);
                }
            }
            Leaf::Num(text, n) => {
                if kinds & has::NUMBERS != 0 {
                    if n.is_finite() {
                        if let Some(l) = self.numbers.get(&number_key(n)) {
                            t.hit_all(l);
                        }
                        self.lower.below(n, t);
                        self.upper.above(n, t);
                    }
                    if let Some(l) = self.lexemes.get(text) {
                        t.hit_all(l);
                    }
                }
                // Rare: a number at a path with `cidr` tests (`Cidr::matches_number_text`).
                if kinds & has::CIDR != 0 {
                    for (&(v6, bits, base), slots) in &self.cidr {
                        if Cidr::from_block(v6, bits, base).matches_number_text(text) {
                            t.hit_all(slots);
                        }
                    }
                }
                if kinds & has::BUT != 0 {
                    self.hit_unvetoed(None, t);
                }
            }
            _ => {
                if kinds & has::LITERALS != 0 {
                    for (op, slot) in &self.literals {
                        if accepts_leaf(op, v) {
                            t.hit(*slot);
                        }
                    }
                }
                if kinds & has::BUT != 0 {
                    self.hit_unvetoed(None, t);
                }
            }
        }
        if kinds & has::SCAN != 0 {
            for (op, reading, slots) in &self.scan {
                if reading::accepts(op, v, *reading) {
                    t.hit_all(slots);
                }
            }
        }
    }

    /// Hits the `anything-but` string-list entries a value does not veto (only a string can).
    /// Called only where [`has::BUT`] is set: there are such entries.
    fn hit_unvetoed(&self, text: Option<&str>, t: &mut Tally<'_>) {
        // The ids of the entries naming this value, increasing.
        let vetoes = text
            .and_then(|text| self.but_vetoes.get(text))
            .map_or(&[][..], |v| &v[..]);
        let tables = t.t;
        if let Some((id, d)) = self
            .direct
            .and_then(|id| Some((id, tables.directs.get(id as usize)?)))
        {
            // Runs of patterns between the vetoed entries (few: the ones naming this value).
            let mut from = 0;
            for v in vetoes {
                if let Ok(at) = d.ids.binary_search(v) {
                    t.report(id, from, at);
                    from = at + 1;
                }
            }
            t.report(id, from, d.patterns.len());
        }
        if !self.but.is_empty() {
            t.hit_unless_vetoed(&self.but, vetoes);
        }
    }

    fn wildcards(&self, text: &str, t: &mut Tally<'_>) {
        for &(h, tl) in &self.wild_shapes {
            if h + tl > text.len() {
                continue;
            }
            let (Some(head), Some(tail)) = (text.get(..h), text.get(text.len() - tl..)) else {
                continue;
            };
            let key = t.key_buffer(head, tail);
            if let Some(list) = self.wild.get(key) {
                for (w, slot) in list {
                    if !t.is_hit(*slot) && w.matches(text) {
                        t.hit(*slot);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_rng::Rng;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    /// Every byte of a key counts in its hash, the last few (read as one word, overlapping)
    /// included: keys of every length up to 24 that differ in one byte hash differently.
    #[test]
    fn every_byte_of_a_key_changes_its_hash() {
        use std::hash::Hasher;
        let hash = |s: &[u8]| {
            let mut h = FxHasher::default();
            h.write(s);
            h.finish()
        };
        let mut r = Rng(0x2545_f491_4f6c_dd1d);
        for len in 0..=24 {
            for _ in 0..200 {
                let key: Vec<u8> = (0..len).map(|_| r.below(256) as u8).collect();
                for at in 0..len {
                    let mut other = key.clone();
                    other[at] ^= 1 << r.below(8);
                    assert_ne!(hash(&key), hash(&other), "{key:?} at {at}");
                }
            }
        }
        for (a, b) in [
            (&b"ab"[..], &b"ab\0"[..]),
            (b"aaaa", b"aaaaa"),
            (b"", b"\0"),
        ] {
            assert_ne!(hash(a), hash(b), "{a:?} {b:?}");
        }
    }

    /// The word-at-a-time lower-casing gives `to_ascii_lowercase` on text of every length up to
    /// the buffer (every byte value in every position of a word, non-ASCII characters among
    /// them, whose bytes it must leave alone), and longer text goes to `to_ascii_lowercase`.
    #[test]
    fn lowering_on_the_stack_agrees_with_to_ascii_lowercase() {
        let mut r = Rng(0x5851_f42d_4c95_7f2d);
        let pieces = [
            "A",
            "Z",
            "a",
            "z",
            "@",
            "[",
            "`",
            "{",
            "0",
            " ",
            "\u{7f}",
            "\u{0}",
            "É",
            "ß",
            "İ",
            "K",
            "\u{c1}",
            "\u{da}",
            "\u{1c1}",
            "\u{4c1}",
            "\u{10441}",
        ];
        let mut stack = 0;
        for _ in 0..20_000 {
            let text: String = (0..r.below(70))
                .map(|_| {
                    if r.below(3) == 0 {
                        pieces[r.below(pieces.len())].to_string()
                    } else {
                        char::from(r.below(128) as u8).to_string()
                    }
                })
                .collect();
            let mut buf = [0u8; 64];
            let direct = ascii_lowercase_into(text.as_bytes(), &mut buf).map(<[u8]>::to_vec);
            if let Some(d) = &direct {
                stack += 1;
                assert_eq!(d, text.to_ascii_lowercase().as_bytes(), "{text:?}");
            } else {
                assert!(text.len() > 64, "{text:?}");
            }
            assert_eq!(
                with_ascii_lowered(&text, str::to_string),
                text.to_ascii_lowercase(),
                "{text:?}"
            );
        }
        assert!(stack > 2_000, "{stack}");
        for b in 0u8..=255 {
            let text = String::from(char::from(b)).repeat(9);
            assert_eq!(
                with_ascii_lowered(&text, str::to_string),
                text.to_ascii_lowercase(),
                "{b}"
            );
        }
    }
}
