//! The compiled multi-pattern matcher: all rules of a bus in one structure.
//!
//! Every pattern is split into its `$or` branches, every branch into leaf tests, and every test's
//! matchers are indexed by path: exact strings, numbers, prefixes, suffixes and case-folded values
//! in hash maps, the rest in short per-path lists. Matching walks only the parts of the event that
//! some pattern mentions, counts the satisfied tests per branch, and reports the patterns with a
//! complete branch. Branches that test several fields inside arrays of objects are confirmed by
//! the reference evaluator (array consistency), so the answer always equals [`crate::matches`].
//!
//! ```
//! use event_pattern::{compiled::CompiledMatcher, EventPattern, Json};
//! let patterns = vec![
//!     EventPattern::parse(r#"{"source": ["Order Service"]}"#).unwrap(),
//!     EventPattern::parse(r#"{"detail": {"qty": [{"numeric": [">", 1]}]}}"#).unwrap(),
//! ];
//! let m = CompiledMatcher::new(&patterns);
//! let e = Json::parse(r#"{"source": "Order Service", "detail": {"qty": 1}}"#).unwrap();
//! assert_eq!(m.matching(&e), vec![0]);
//! ```

use std::cell::RefCell;
use std::collections::HashMap;

use crate::json::{Json, JsonValue};
use crate::matcher::{accepts_leaf, fold_case, FlatEvent, Leaf};
use crate::pattern::{EventPattern, Op};

type Slot = u32;

/// A small, fast, non-cryptographic hasher (the FxHash scheme): keys come from patterns and
/// events, and the maps only need speed, not DoS resistance (their size is bounded by the rules).
#[derive(Default, Clone, Copy)]
pub struct FxHasher(u64);

impl std::hash::Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let v = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
            self.0 = (self.0.rotate_left(5) ^ v).wrapping_mul(K);
        }
        for &b in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ b as u64).wrapping_mul(K);
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.0 = (self.0.rotate_left(5) ^ i as u64).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn write_u64(&mut self, i: u64) {
        self.0 = (self.0.rotate_left(5) ^ i).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn write_usize(&mut self, i: usize) {
        self.write_u64(i as u64);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

type FxMap<K, V> = HashMap<K, V, std::hash::BuildHasherDefault<FxHasher>>;

#[derive(Default)]
struct PathIndex {
    exact: FxMap<String, Vec<Slot>>,
    numbers: FxMap<u64, Vec<Slot>>,
    lexemes: FxMap<String, Vec<Slot>>,
    literals: Vec<(Op, Slot)>,
    prefix: FxMap<String, Vec<Slot>>,
    prefix_lens: Vec<usize>,
    prefix_ic: FxMap<String, Vec<Slot>>,
    prefix_ic_lens: Vec<usize>,
    suffix: FxMap<String, Vec<Slot>>,
    suffix_lens: Vec<usize>,
    eic: FxMap<String, Vec<Slot>>,
    any: Vec<Slot>,
    /// Operators without an index: numeric, wildcard, cidr, anything-but, case-folded suffix.
    /// Grouped: identical operators on one path are evaluated once for all their slots.
    scan: Vec<(Op, Vec<Slot>)>,
    scan_keys: FxMap<String, usize>,
    /// Wildcards by the literal text before their first star.
    wild: FxMap<String, Vec<(crate::wildcard::Wildcard, Slot)>>,
    wild_lens: Vec<usize>,
    has_folded: bool,
}

#[derive(Default)]
struct TrieNode {
    children: FxMap<Box<str>, u32>,
    path: Option<u32>,
}

struct Branch {
    pattern: u32,
    tests: u16,
    /// Confirm with the reference evaluator (several tests may sit in arrays).
    confirm: bool,
}

/// All patterns of a bus, compiled.
pub struct CompiledMatcher {
    patterns: Vec<EventPattern>,
    branches: Vec<Branch>,
    /// Slot → (branch, test within branch).
    slots: Vec<(u32, u16)>,
    paths: FxMap<String, u32>,
    index: Vec<PathIndex>,
    /// Path segments as a trie, to skip every part of the event no pattern mentions.
    nodes: Vec<TrieNode>,
    /// `exists: false` tests: (path id, slot).
    absent: Vec<(u32, Slot)>,
    scratch: RefCell<Scratch>,
}

#[derive(Default)]
struct Scratch {
    epoch: u32,
    slot_epoch: Vec<u32>,
    branch_epoch: Vec<u32>,
    branch_count: Vec<u16>,
    /// How many of a branch's satisfied tests were satisfied by a value inside an array.
    branch_array: Vec<u16>,
    in_array: u32,
    path_seen: Vec<u32>,
    touched: Vec<u32>,
    pattern_epoch: Vec<u32>,
    pending_confirm: Vec<usize>,
}

fn number_key(f: f64) -> u64 {
    if f == 0.0 {
        0
    } else {
        f.to_bits()
    }
}

impl CompiledMatcher {
    /// Compiles the patterns; results name patterns by their index in `patterns`.
    pub fn new(patterns: &[EventPattern]) -> Self {
        let mut m = CompiledMatcher {
            patterns: patterns.to_vec(),
            branches: Vec::new(),
            slots: Vec::new(),
            paths: FxMap::default(),
            index: Vec::new(),
            nodes: vec![TrieNode::default()],
            absent: Vec::new(),
            scratch: RefCell::new(Scratch::default()),
        };
        for (pi, p) in patterns.iter().enumerate() {
            for b in p.branches() {
                let bid = m.branches.len() as u32;
                m.branches.push(Branch {
                    pattern: pi as u32,
                    tests: b.tests.len() as u16,
                    confirm: b.tests.len() > 1,
                });
                for (ti, test) in b.tests.iter().enumerate() {
                    let slot = m.slots.len() as Slot;
                    m.slots.push((bid, ti as u16));
                    let pid = m.path_id(&test.path);
                    let idx = &mut m.index[pid as usize];
                    for matcher in &test.matchers {
                        match &matcher.op {
                            Op::Exact(s) => idx.exact.entry(s.clone()).or_default().push(slot),
                            Op::Number { value, text } => {
                                if value.is_finite() {
                                    idx.numbers
                                        .entry(number_key(*value))
                                        .or_default()
                                        .push(slot);
                                }
                                idx.lexemes.entry(text.clone()).or_default().push(slot);
                            }
                            Op::Bool(_) | Op::Null => idx.literals.push((matcher.op.clone(), slot)),
                            Op::Prefix {
                                value,
                                ignore_case: false,
                            } => {
                                idx.prefix.entry(value.clone()).or_default().push(slot);
                                idx.prefix_lens.push(value.len());
                            }
                            Op::Prefix {
                                value,
                                ignore_case: true,
                            } => {
                                let f = fold_case(value);
                                idx.prefix_ic_lens.push(f.len());
                                idx.prefix_ic.entry(f).or_default().push(slot);
                                idx.has_folded = true;
                            }
                            Op::Suffix {
                                value,
                                ignore_case: false,
                            } => {
                                idx.suffix.entry(value.clone()).or_default().push(slot);
                                idx.suffix_lens.push(value.len());
                            }
                            Op::EqualsIgnoreCase(s) => {
                                idx.eic.entry(fold_case(s)).or_default().push(slot);
                                idx.has_folded = true;
                            }
                            Op::Exists(true) => idx.any.push(slot),
                            Op::Exists(false) => m.absent.push((pid, slot)),
                            Op::Wildcard { wildcard, .. }
                                if !wildcard.literal_prefix().is_empty() =>
                            {
                                let p = wildcard.literal_prefix().to_string();
                                idx.wild_lens.push(p.len());
                                idx.wild
                                    .entry(p)
                                    .or_default()
                                    .push((wildcard.clone(), slot));
                            }
                            other => {
                                let key = format!("{other:?}");
                                match idx.scan_keys.get(&key) {
                                    Some(&i) => idx.scan[i].1.push(slot),
                                    None => {
                                        idx.scan_keys.insert(key, idx.scan.len());
                                        idx.scan.push((other.clone(), vec![slot]));
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        for idx in &mut m.index {
            idx.scan_keys = FxMap::default();
            for lens in [
                &mut idx.prefix_lens,
                &mut idx.prefix_ic_lens,
                &mut idx.suffix_lens,
                &mut idx.wild_lens,
            ] {
                lens.sort_unstable();
                lens.dedup();
            }
        }
        m
    }

    fn path_id(&mut self, path: &str) -> u32 {
        if let Some(id) = self.paths.get(path) {
            return *id;
        }
        let id = self.index.len() as u32;
        self.paths.insert(path.to_string(), id);
        self.index.push(PathIndex::default());
        let mut node = 0usize;
        for part in path.split('.') {
            node = match self.nodes[node].children.get(part) {
                Some(&n) => n as usize,
                None => {
                    let n = self.nodes.len();
                    self.nodes.push(TrieNode::default());
                    self.nodes[node].children.insert(part.into(), n as u32);
                    n
                }
            };
        }
        self.nodes[node].path = Some(id);
        id
    }

    /// The trie node under `node` for an event key (dotted keys walk several segments).
    fn child(&self, node: u32, key: &str) -> Option<u32> {
        let children = &self.nodes[node as usize].children;
        if children.is_empty() {
            return None;
        }
        if !key.contains('.') {
            return children.get(key).copied();
        }
        let mut n = node;
        for part in key.split('.') {
            n = *self.nodes[n as usize].children.get(part)?;
        }
        Some(n)
    }

    pub fn len(&self) -> usize {
        self.patterns.len()
    }

    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    /// The indexes of the patterns that match, in increasing order.
    pub fn matching(&self, event: &Json) -> Vec<usize> {
        let mut s = self.scratch.borrow_mut();
        let s = &mut *s;
        self.begin(s);
        self.walk(event, 0, s);
        self.finish(s, &mut || Some(FlatEvent::new(event)))
    }

    /// Matches an event given as JSON text, scanning it once without building a tree and
    /// skipping every part no pattern mentions. Invalid JSON is an error (use [`Json::parse`]
    /// for its message).
    pub fn matching_text(&self, text: &str) -> Result<Vec<usize>, InvalidEvent> {
        self.scan_text(text).map_err(|_| InvalidEvent)
    }

    fn scan_text(&self, text: &str) -> Result<Vec<usize>, ()> {
        let mut s = self.scratch.borrow_mut();
        let s = &mut *s;
        self.begin(s);
        let mut sc = Scanner {
            b: text.as_bytes(),
            src: text,
            i: 0,
        };
        sc.ws();
        self.scan_value(&mut sc, Some(0), s, 0)?;
        sc.ws();
        if sc.i != sc.b.len() {
            return Err(());
        }
        let mut tree: Option<Json> = None;
        let out = self.finish(s, &mut || {
            if tree.is_none() {
                tree = Json::parse(text).ok();
            }
            None
        });
        // Confirmation needs the tree; redo those with it (rare: tests inside arrays of objects).
        if s.pending_confirm.is_empty() {
            return Ok(out);
        }
        let Some(tree) = tree.or_else(|| Json::parse(text).ok()) else {
            return Err(());
        };
        let flat = FlatEvent::new(&tree);
        let mut out = out;
        for p in std::mem::take(&mut s.pending_confirm) {
            if crate::matcher::matches_flat(&self.patterns[p], &flat) {
                out.push(p);
            }
        }
        out.sort_unstable();
        out.dedup();
        Ok(out)
    }

    fn begin(&self, s: &mut Scratch) {
        s.epoch = s.epoch.wrapping_add(1);
        if s.epoch == 0 {
            s.slot_epoch.iter_mut().for_each(|e| *e = 0);
            s.branch_epoch.iter_mut().for_each(|e| *e = 0);
            s.path_seen.iter_mut().for_each(|e| *e = 0);
            s.pattern_epoch.iter_mut().for_each(|e| *e = 0);
            s.epoch = 1;
        }
        s.slot_epoch.resize(self.slots.len(), 0);
        s.branch_epoch.resize(self.branches.len(), 0);
        s.branch_count.resize(self.branches.len(), 0);
        s.branch_array.resize(self.branches.len(), 0);
        s.in_array = 0;
        s.path_seen.resize(self.index.len(), 0);
        s.pattern_epoch.resize(self.patterns.len(), 0);
        s.touched.clear();
        s.pending_confirm.clear();
    }

    /// Collects the complete branches. `flat` gives the flattened event when a branch needs the
    /// reference's confirmation; when it gives none, the pattern is left in `pending_confirm`.
    fn finish<'e>(
        &self,
        s: &mut Scratch,
        flat: &mut dyn FnMut() -> Option<FlatEvent<'e>>,
    ) -> Vec<usize> {
        s.in_array = 0;
        for (pid, slot) in &self.absent {
            if s.path_seen[*pid as usize] != s.epoch {
                self.hit(*slot, s);
            }
        }
        let mut out: Vec<usize> = Vec::new();
        let mut cached: Option<Option<FlatEvent<'e>>> = None;
        let touched = std::mem::take(&mut s.touched);
        for &b in &touched {
            let br = &self.branches[b as usize];
            if s.branch_count[b as usize] != br.tests {
                continue;
            }
            let p = br.pattern as usize;
            if s.pattern_epoch[p] == s.epoch {
                continue;
            }
            if br.confirm && s.branch_array[b as usize] >= 2 {
                let f = cached.get_or_insert_with(&mut *flat);
                match f {
                    Some(f) => {
                        if !crate::matcher::matches_flat(&self.patterns[p], f) {
                            continue;
                        }
                    }
                    None => {
                        if !s.pending_confirm.contains(&p) {
                            s.pending_confirm.push(p);
                        }
                        continue;
                    }
                }
            }
            s.pattern_epoch[p] = s.epoch;
            out.push(p);
        }
        s.touched = touched;
        // A pattern confirmed through another branch needs no confirmation.
        s.pending_confirm.retain(|p| s.pattern_epoch[*p] != s.epoch);
        out.sort_unstable();
        out
    }

    fn hit(&self, slot: Slot, s: &mut Scratch) {
        if s.slot_epoch[slot as usize] == s.epoch {
            return;
        }
        s.slot_epoch[slot as usize] = s.epoch;
        let b = self.slots[slot as usize].0 as usize;
        if s.branch_epoch[b] != s.epoch {
            s.branch_epoch[b] = s.epoch;
            s.branch_count[b] = 0;
            s.branch_array[b] = 0;
            s.touched.push(b as u32);
        }
        s.branch_count[b] += 1;
        if s.in_array > 0 {
            s.branch_array[b] += 1;
        }
    }

    fn walk(&self, v: &Json, node: u32, s: &mut Scratch) {
        match &v.value {
            JsonValue::Object(fields) => {
                for (k, _, child) in fields {
                    if let Some(n) = self.child(node, k) {
                        self.walk(child, n, s);
                    }
                }
            }
            JsonValue::Array(items) => {
                s.in_array += 1;
                for it in items {
                    self.walk(it, node, s);
                }
                s.in_array -= 1;
            }
            leaf => self.at_leaf(node, Leaf::from(leaf), s),
        }
    }

    fn at_leaf(&self, node: u32, v: Leaf<'_>, s: &mut Scratch) {
        if let Some(pid) = self.nodes[node as usize].path {
            s.path_seen[pid as usize] = s.epoch;
            self.leaf(&self.index[pid as usize], v, s);
        }
    }

    /// Scans one value; `node` is None for parts no pattern mentions (only validated).
    fn scan_value(
        &self,
        sc: &mut Scanner<'_>,
        node: Option<u32>,
        s: &mut Scratch,
        depth: usize,
    ) -> Result<(), ()> {
        if depth > crate::json::MAX_EVENT_DEPTH {
            return Err(());
        }
        if node.is_none() {
            return sc.skip_value(depth);
        }
        match sc.peek().ok_or(())? {
            b'{' => {
                sc.i += 1;
                sc.ws();
                if sc.peek() == Some(b'}') {
                    sc.i += 1;
                    return Ok(());
                }
                loop {
                    sc.ws();
                    let key = sc.string()?;
                    sc.ws();
                    if sc.peek() != Some(b':') {
                        return Err(());
                    }
                    sc.i += 1;
                    sc.ws();
                    let child = node.and_then(|n| self.child(n, &key));
                    self.scan_value(sc, child, s, depth + 1)?;
                    sc.ws();
                    match sc.peek() {
                        Some(b',') => sc.i += 1,
                        Some(b'}') => {
                            sc.i += 1;
                            return Ok(());
                        }
                        _ => return Err(()),
                    }
                }
            }
            b'[' => {
                sc.i += 1;
                sc.ws();
                if sc.peek() == Some(b']') {
                    sc.i += 1;
                    return Ok(());
                }
                s.in_array += 1;
                loop {
                    sc.ws();
                    self.scan_value(sc, node, s, depth + 1)?;
                    sc.ws();
                    match sc.peek() {
                        Some(b',') => sc.i += 1,
                        Some(b']') => {
                            sc.i += 1;
                            s.in_array -= 1;
                            return Ok(());
                        }
                        _ => return Err(()),
                    }
                }
            }
            b'"' => {
                let v = sc.string()?;
                if let Some(n) = node {
                    self.at_leaf(n, Leaf::Str(&v), s);
                }
                Ok(())
            }
            b't' | b'f' | b'n' => {
                let (lit, leaf) = match sc.peek() {
                    Some(b't') => ("true", Leaf::Bool(true)),
                    Some(b'f') => ("false", Leaf::Bool(false)),
                    _ => ("null", Leaf::Null),
                };
                if !sc.b[sc.i..].starts_with(lit.as_bytes()) {
                    return Err(());
                }
                sc.i += lit.len();
                if let Some(n) = node {
                    self.at_leaf(n, leaf, s);
                }
                Ok(())
            }
            _ => {
                let text = sc.number()?;
                if let Some(n) = node {
                    let v: f64 = text.parse().map_err(|_| ())?;
                    self.at_leaf(n, Leaf::Num(text, v), s);
                }
                Ok(())
            }
        }
    }

    fn leaf(&self, idx: &PathIndex, v: Leaf<'_>, s: &mut Scratch) {
        let hits = |list: Option<&Vec<Slot>>, s: &mut Scratch| {
            if let Some(l) = list {
                for &slot in l {
                    self.hit(slot, s);
                }
            }
        };
        for &slot in &idx.any {
            self.hit(slot, s);
        }
        match v {
            Leaf::Str(text) => {
                hits(idx.exact.get(text), s);
                for &n in &idx.prefix_lens {
                    if let Some(p) = text.get(..n) {
                        hits(idx.prefix.get(p), s);
                    }
                }
                for &n in &idx.suffix_lens {
                    if n <= text.len() {
                        if let Some(p) = text.get(text.len() - n..) {
                            hits(idx.suffix.get(p), s);
                        }
                    }
                }
                for &n in &idx.wild_lens {
                    if let Some(list) = text.get(..n).and_then(|p| idx.wild.get(p)) {
                        for (w, slot) in list {
                            if s.slot_epoch[*slot as usize] != s.epoch && w.matches(text) {
                                self.hit(*slot, s);
                            }
                        }
                    }
                }
                if idx.has_folded {
                    let f = fold_case(text);
                    hits(idx.eic.get(f.as_str()), s);
                    for &n in &idx.prefix_ic_lens {
                        if let Some(p) = f.get(..n) {
                            hits(idx.prefix_ic.get(p), s);
                        }
                    }
                }
            }
            Leaf::Num(text, n) => {
                if n.is_finite() {
                    hits(idx.numbers.get(&number_key(n)), s);
                }
                hits(idx.lexemes.get(text), s);
            }
            _ => {
                for (op, slot) in &idx.literals {
                    if accepts_leaf(op, v) {
                        self.hit(*slot, s);
                    }
                }
            }
        }
        for (op, slots) in &idx.scan {
            if accepts_leaf(op, v) {
                for &slot in slots {
                    self.hit(slot, s);
                }
            }
        }
    }
}

/// The event text is not valid JSON (parse it with [`Json::parse`] for the message and position).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvalidEvent;

impl std::fmt::Display for InvalidEvent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the event is not valid JSON")
    }
}

impl std::error::Error for InvalidEvent {}

/// A byte scanner over JSON text: strict enough to refuse malformed input, fast enough to skip.
struct Scanner<'a> {
    b: &'a [u8],
    src: &'a str,
    i: usize,
}

impl<'a> Scanner<'a> {
    #[inline(always)]
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    #[inline(always)]
    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.i += 1;
        }
    }

    /// Skips one value that no pattern mentions, checking its structure as it goes.
    fn skip_value(&mut self, depth: usize) -> Result<(), ()> {
        if depth > crate::json::MAX_EVENT_DEPTH {
            return Err(());
        }
        match self.peek().ok_or(())? {
            b'"' => self.skip_string(),
            b'{' => {
                self.i += 1;
                self.ws();
                if self.peek() == Some(b'}') {
                    self.i += 1;
                    return Ok(());
                }
                loop {
                    self.ws();
                    self.skip_string()?;
                    self.ws();
                    if self.peek() != Some(b':') {
                        return Err(());
                    }
                    self.i += 1;
                    self.ws();
                    self.skip_value(depth + 1)?;
                    self.ws();
                    match self.peek() {
                        Some(b',') => self.i += 1,
                        Some(b'}') => {
                            self.i += 1;
                            return Ok(());
                        }
                        _ => return Err(()),
                    }
                }
            }
            b'[' => {
                self.i += 1;
                self.ws();
                if self.peek() == Some(b']') {
                    self.i += 1;
                    return Ok(());
                }
                loop {
                    self.ws();
                    self.skip_value(depth + 1)?;
                    self.ws();
                    match self.peek() {
                        Some(b',') => self.i += 1,
                        Some(b']') => {
                            self.i += 1;
                            return Ok(());
                        }
                        _ => return Err(()),
                    }
                }
            }
            b't' | b'f' | b'n' => {
                for lit in [&b"true"[..], b"false", b"null"] {
                    if self.b[self.i..].starts_with(lit) {
                        self.i += lit.len();
                        return Ok(());
                    }
                }
                Err(())
            }
            _ => self.number().map(|_| ()),
        }
    }

    /// Skips a string, checking escapes and control characters.
    #[inline]
    fn skip_string(&mut self) -> Result<(), ()> {
        if self.peek() != Some(b'"') {
            return Err(());
        }
        let mut j = self.i + 1;
        let b = self.b;
        while j < b.len() {
            match b[j] {
                b'"' => {
                    self.i = j + 1;
                    return Ok(());
                }
                b'\\' => match b.get(j + 1) {
                    Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => j += 2,
                    Some(b'u')
                        if b.get(j + 2..j + 6)
                            .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)) =>
                    {
                        j += 6
                    }
                    _ => return Err(()),
                },
                c if c < 0x20 => return Err(()),
                _ => j += 1,
            }
        }
        Err(())
    }

    /// A string at `i` (on its opening quote): borrowed when it has no escapes.
    fn string(&mut self) -> Result<std::borrow::Cow<'a, str>, ()> {
        if self.peek() != Some(b'"') {
            return Err(());
        }
        let start = self.i + 1;
        let mut j = start;
        while j < self.b.len() {
            match self.b[j] {
                b'"' => {
                    self.i = j + 1;
                    return self
                        .src
                        .get(start..j)
                        .map(std::borrow::Cow::Borrowed)
                        .ok_or(());
                }
                b'\\' => break,
                c if c < 0x20 => return Err(()),
                _ => j += 1,
            }
        }
        // Escapes: let the strict tokenizer decode this one string.
        let mut t = crate::jackson::Tokenizer::new(&self.src[self.i..]);
        match t.next_token() {
            Ok(crate::jackson::Token::String) => {
                let text = t.text().map_err(|_| ())?;
                self.i += t.offset();
                Ok(std::borrow::Cow::Owned(text))
            }
            _ => Err(()),
        }
    }

    fn number(&mut self) -> Result<&'a str, ()> {
        let start = self.i;
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        let digits = self.i;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.i += 1;
        }
        if self.i == digits || (self.i - digits > 1 && self.b[digits] == b'0') {
            return Err(());
        }
        if self.peek() == Some(b'.') {
            self.i += 1;
            let f = self.i;
            while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                self.i += 1;
            }
            if self.i == f {
                return Err(());
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.i += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.i += 1;
            }
            let e = self.i;
            while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                self.i += 1;
            }
            if self.i == e {
                return Err(());
            }
        }
        self.src.get(start..self.i).ok_or(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(patterns: &[&str], events: &[&str]) {
        let ps: Vec<EventPattern> = patterns
            .iter()
            .map(|p| EventPattern::parse(p).unwrap())
            .collect();
        let m = CompiledMatcher::new(&ps);
        for e in events {
            let j = Json::parse(e).unwrap();
            let want: Vec<usize> = ps
                .iter()
                .enumerate()
                .filter(|(_, p)| crate::matches(p, &j))
                .map(|(i, _)| i)
                .collect();
            assert_eq!(m.matching(&j), want, "event {e}");
            assert_eq!(m.matching_text(e), Ok(want.clone()), "scanned event {e}");
        }
    }

    #[test]
    fn text_scanning_refuses_malformed_json_and_decodes_escapes() {
        let ps = vec![EventPattern::parse(r#"{"a": ["x\"y"], "b.c": [1]}"#).unwrap()];
        let m = CompiledMatcher::new(&ps);
        assert_eq!(
            m.matching_text(r#"{"a": "x\"y", "b": {"c": 1}}"#),
            Ok(vec![0])
        );
        assert_eq!(m.matching_text(r#"{"a": "x\"y", "b.c": 1.0}"#), Ok(vec![0]));
        for bad in [
            r#"{"a": "x"#,
            r#"{"a": 01}"#,
            r#"{"a" "x"}"#,
            r#"{"a": "x"} extra"#,
            r#"{"a": tru}"#,
            "[",
            "",
        ] {
            assert!(m.matching_text(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn agrees_with_the_reference_on_every_operator() {
        check(
            &[
                r#"{"a": ["x", 300]}"#,
                r#"{"a": [{"prefix": "x"}], "b": [{"suffix": ".png"}]}"#,
                r#"{"a": [{"equals-ignore-case": "X"}]}"#,
                r#"{"a": [{"anything-but": ["x"]}]}"#,
                r#"{"c": [{"exists": false}]}"#,
                r#"{"c": [{"exists": true}]}"#,
                r#"{"n": [{"numeric": [">", 1, "<=", 5]}]}"#,
                r#"{"a": [{"wildcard": "x*z"}]}"#,
                r#"{"$or": [{"a": ["x"]}, {"n": [3.0]}]}"#,
                r#"{"items": {"id": ["1"], "q": [2]}}"#,
                r#"{"a": [null, true]}"#,
                r#"{"a": [{"prefix": {"equals-ignore-case": "XY"}}]}"#,
            ],
            &[
                r#"{"a": "x", "b": "pic.png"}"#,
                r#"{"a": "xyz", "n": 3}"#,
                r#"{"a": 300.0, "c": 1}"#,
                r#"{"a": null}"#,
                r#"{"a": true, "c": {"d": 1}}"#,
                r#"{"items": [{"id": "1", "q": 1}, {"id": "2", "q": 2}]}"#,
                r#"{"items": [{"id": "1", "q": 2}]}"#,
                r#"{}"#,
            ],
        );
    }
}
