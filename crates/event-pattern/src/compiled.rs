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
use std::collections::{HashMap, HashSet};

use crate::json::{Json, JsonValue};
use crate::matcher::{accepts, fold_case, FlatEvent};
use crate::pattern::{EventPattern, Op};

type Slot = u32;

#[derive(Default)]
struct PathIndex {
    exact: HashMap<String, Vec<Slot>>,
    numbers: HashMap<u64, Vec<Slot>>,
    lexemes: HashMap<String, Vec<Slot>>,
    literals: Vec<(Op, Slot)>,
    prefix: HashMap<String, Vec<Slot>>,
    prefix_lens: Vec<usize>,
    prefix_ic: HashMap<String, Vec<Slot>>,
    prefix_ic_lens: Vec<usize>,
    suffix: HashMap<String, Vec<Slot>>,
    suffix_lens: Vec<usize>,
    eic: HashMap<String, Vec<Slot>>,
    any: Vec<Slot>,
    /// Operators without an index: numeric, wildcard, cidr, anything-but, case-folded suffix.
    scan: Vec<(Op, Slot)>,
    has_folded: bool,
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
    paths: HashMap<String, u32>,
    index: Vec<PathIndex>,
    /// Every prefix of an indexed path (to skip the rest of the event).
    prefixes: HashSet<String>,
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
            paths: HashMap::new(),
            index: Vec::new(),
            prefixes: HashSet::new(),
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
                            other => idx.scan.push((other.clone(), slot)),
                        }
                    }
                }
            }
        }
        for idx in &mut m.index {
            for lens in [
                &mut idx.prefix_lens,
                &mut idx.prefix_ic_lens,
                &mut idx.suffix_lens,
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
        let mut p = String::new();
        for (i, part) in path.split('.').enumerate() {
            if i > 0 {
                p.push('.');
            }
            p.push_str(part);
            self.prefixes.insert(p.clone());
        }
        id
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
        s.epoch = s.epoch.wrapping_add(1);
        if s.epoch == 0 {
            s.slot_epoch.iter_mut().for_each(|e| *e = 0);
            s.branch_epoch.iter_mut().for_each(|e| *e = 0);
            s.path_seen.iter_mut().for_each(|e| *e = 0);
            s.epoch = 1;
        }
        s.slot_epoch.resize(self.slots.len(), 0);
        s.branch_epoch.resize(self.branches.len(), 0);
        s.branch_count.resize(self.branches.len(), 0);
        s.branch_array.resize(self.branches.len(), 0);
        s.in_array = 0;
        s.path_seen.resize(self.index.len(), 0);
        s.touched.clear();
        let mut path = String::new();
        self.walk(event, &mut path, s);
        s.in_array = 0;
        for (pid, slot) in &self.absent {
            if s.path_seen[*pid as usize] != s.epoch {
                self.hit(*slot, s);
            }
        }
        let mut out: Vec<usize> = Vec::new();
        let mut flat: Option<FlatEvent<'_>> = None;
        let touched = std::mem::take(&mut s.touched);
        for &b in &touched {
            let br = &self.branches[b as usize];
            if s.branch_count[b as usize] != br.tests {
                continue;
            }
            let p = br.pattern as usize;
            if out.last() == Some(&p) || out.contains(&p) {
                continue;
            }
            if br.confirm && s.branch_array[b as usize] >= 2 {
                let f = flat.get_or_insert_with(|| FlatEvent::new(event));
                if !crate::matcher::matches_flat(&self.patterns[p], f) {
                    continue;
                }
            }
            out.push(p);
        }
        s.touched = touched;
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

    fn walk(&self, v: &Json, path: &mut String, s: &mut Scratch) {
        match &v.value {
            JsonValue::Object(fields) => {
                for (k, _, child) in fields {
                    let len = path.len();
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(k);
                    if self.prefixes.contains(path.as_str()) {
                        self.walk(child, path, s);
                    }
                    path.truncate(len);
                }
            }
            JsonValue::Array(items) => {
                s.in_array += 1;
                for it in items {
                    self.walk(it, path, s);
                }
                s.in_array -= 1;
            }
            leaf => {
                if let Some(&pid) = self.paths.get(path.as_str()) {
                    s.path_seen[pid as usize] = s.epoch;
                    self.leaf(&self.index[pid as usize], leaf, s);
                }
            }
        }
    }

    fn leaf(&self, idx: &PathIndex, v: &JsonValue, s: &mut Scratch) {
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
            JsonValue::String(text) => {
                hits(idx.exact.get(text.as_str()), s);
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
            JsonValue::Number(text, n) => {
                if n.is_finite() {
                    hits(idx.numbers.get(&number_key(*n)), s);
                }
                hits(idx.lexemes.get(text.as_str()), s);
            }
            _ => {
                for (op, slot) in &idx.literals {
                    if accepts(op, v) {
                        self.hit(*slot, s);
                    }
                }
            }
        }
        for (op, slot) in &idx.scan {
            if s.slot_epoch[*slot as usize] != s.epoch && accepts(op, v) {
                self.hit(*slot, s);
            }
        }
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
