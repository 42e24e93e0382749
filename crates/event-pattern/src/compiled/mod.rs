//! The compiled multi-pattern matcher: all rules of a bus in one structure.
//!
//! Every pattern is split into its `$or` branches and every branch into leaf tests (a path and
//! the matchers ORed over its values). The branches then go into a **decision tree**, the way
//! quamina and event-ruler walk an automaton field by field (`build.rs`):
//!
//! - **value gates**: a path's tests of one kind (exact strings first — `"source"`,
//!   `"detail-type"` — then prefixes, suffixes, case-folded values) send each branch to the
//!   child for its key, without that test;
//! - **shared-test gates**: a test several branches share verbatim is evaluated once and leads
//!   to a child holding them;
//! - what a branch has left is indexed per path (`index.rs`) and counted: the branch matches when
//!   all of its remaining tests are satisfied; branches with identical bodies count once.
//!
//! Matching an event collects the values of the mentioned paths only (`flatten.rs`), then visits
//! the root and only the children whose gates the event passes, so rules for other sources or
//! detail types cost nothing.
//!
//! Branches with several tests inside arrays of objects are confirmed by the reference evaluator
//! (array consistency), so the answer always equals [`crate::matches`].
//!
//! Event text is checked to be valid JSON as it is scanned, every byte of it; text already known
//! to be valid can skip that for the parts no pattern reaches
//! ([`CompiledMatcher::set_text_prechecked`], `prechecked.rs`).
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
//! assert_eq!(m.matching_text(r#"{"detail": {"qty": 2}}"#), Ok(vec![1]));
//! ```

mod build;
mod flatten;
mod index;
mod number_arrays;
mod prechecked;
mod scanner;
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
mod wide;

use std::cell::RefCell;

use crate::json::Json;
use crate::matcher::FlatEvent;
use crate::pattern::{EventPattern, Op};
use crate::reading::{self, Reading};
use flatten::{Collected, Kind, PathTrie};
pub use index::FxHasher;
use index::{ButDirect, FxMap, Keyed, PathIndex};

/// A leaf test of a branch at one node: the unit that is counted.
type Slot = u32;

struct Branch {
    pattern: u32,
    /// Further patterns whose branch at this node tests exactly the same (an index into
    /// `Tables::also`, or `NO_MORE`): rules with identical bodies are counted once.
    also: u32,
    /// How many of its tests are counted at its node (gates on the way there are not).
    required: u16,
    /// Several tests in all: array consistency may need the reference's confirmation.
    confirm: bool,
}

#[derive(Default)]
struct Node {
    /// The paths of `index`, in its order: kept apart, so that finding the event's paths among
    /// them reads one short array, not every index.
    index_paths: Vec<u32>,
    /// Counted tests, per path.
    index: Vec<PathIndex>,
    /// Path id → position in `index`, for nodes with many paths (then the event's paths are
    /// looked up instead of every path of the node being checked).
    by_path: Option<FxMap<u32, u32>>,
    /// `exists: false` tests: (path id, slot).
    absent: Vec<(u32, Slot)>,
    /// Branches with nothing left to test once the gates on the way here passed.
    complete: Vec<u32>,
    /// Gates on string values: a value finds the children for the keys it has.
    gates: Vec<Gate>,
    /// Path id → positions in `gates`, for nodes with many gates.
    gates_by_path: Option<FxMap<u32, Vec<u32>>>,
    /// Tests shared by several branches, evaluated once: (path id, matchers, how Ruler reads
    /// the values there, child node).
    tests: Vec<(u32, Vec<Op>, Reading, u32)>,
}

const NO_MORE: u32 = u32::MAX;

/// How a gate finds its keys in a string value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum GateKind {
    /// The value itself (`"abc"`).
    Exact,
    /// Its heads, one per key length in use (`prefix`).
    Prefix,
    /// Its tails (`suffix`).
    Suffix,
    /// The value in ASCII lower case (`equals-ignore-case` of an ASCII value).
    Folded,
    /// The heads of the value in ASCII lower case (`prefix` with `equals-ignore-case`, ASCII).
    FoldedPrefix,
}

/// A gate: the branches that test `pid` with operators of one kind go, without that test, to
/// the child for their set of keys; a key leads to every child whose set holds it.
struct Gate {
    pid: u32,
    kind: GateKind,
    children: Keyed<Box<[u32]>>,
}

impl Gate {
    /// The children for one string value.
    fn children_for(&self, text: &str, mut visit: impl FnMut(u32)) {
        let mut each = |c: &[u32]| c.iter().for_each(|&c| visit(c));
        let k = &self.children;
        match self.kind {
            GateKind::Exact => k.get(text).into_iter().for_each(|c| each(c)),
            GateKind::Prefix => k.heads(text).for_each(|c| each(c)),
            GateKind::Suffix => k.tails(text).for_each(|c| each(c)),
            GateKind::Folded => {
                index::with_ascii_lowered(text, |f| k.get(f).into_iter().for_each(|c| each(c)))
            }
            GateKind::FoldedPrefix => {
                index::with_ascii_lowered(text, |f| k.heads(f).for_each(|c| each(c)))
            }
        }
    }
}

/// The per-test and per-branch tables the counting needs.
#[derive(Default)]
struct Tables {
    branches: Vec<Branch>,
    slot_branch: Vec<u32>,
    also: Vec<Vec<u32>>,
    /// The `anything-but` entries that complete a pattern by a hit alone, per path index that
    /// has some (its `direct`): a long run of them is remembered by where it lies.
    directs: Vec<ButDirect>,
}

/// All patterns of a bus, compiled.
pub struct CompiledMatcher {
    patterns: Vec<EventPattern>,
    tables: Tables,
    trie: PathTrie,
    nodes: Vec<Node>,
    /// How many `anything-but` entries can be vetoed (their ids are `0..vetoes`).
    vetoes: u32,
    /// Event text is known to be valid JSON (see [`CompiledMatcher::set_text_prechecked`]).
    text_prechecked: bool,
    scratch: RefCell<Scratch>,
}

#[derive(Default)]
struct Scratch {
    values: Collected,
    counters: Counters,
}

/// Per-event counting state, reused between events (epochs instead of clearing).
#[derive(Default)]
struct Counters {
    epoch: u32,
    slot_epoch: Vec<u32>,
    branch_state: Vec<BranchState>,
    pattern_epoch: Vec<u32>,
    pending_epoch: Vec<u32>,
    /// Patterns waiting for the reference's confirmation.
    pending: Vec<u32>,
    out: Vec<usize>,
    /// `out` is strictly increasing so far (it then needs no sorting).
    ordered: bool,
    /// A bit per pattern (all zero between events): runs of patterns reported as ranges of
    /// bits (`dense`), and many matches put in order.
    order: Vec<u64>,
    /// A bit per word of `order` (all zero between events): which words an out-of-order list
    /// touched, so that reading them back in order skips the others.
    touched: Vec<u64>,
    /// Some matches of this event are bits in `order`, not entries of `out`.
    dense: bool,
    /// The caller wants the matches as bits (a [`MatchSet`]).
    bits: bool,
    /// For a list: long runs of matches that came out of order with `out`, each strictly
    /// increasing, as (`Tables::directs` entry, from, to) of its patterns; merged with `out` at
    /// the end (cheaper than bits, which cost a step per match to turn back into a list).
    runs: Vec<(u32, u32, u32)>,
    veto: Vec<u32>,
    veto_tag: u32,
    key: String,
    /// Gate values inside arrays on the way to the node being evaluated.
    inherited: u16,
    /// The value being looked up is inside an array.
    in_array: bool,
}

/// A branch's count of satisfied tests in the current event.
#[derive(Default, Clone, Copy)]
struct BranchState {
    epoch: u32,
    count: u16,
    /// How many of them were satisfied by a value inside an array.
    arrays: u16,
}

/// Counting hits: the tables and the counters of one evaluation.
pub(crate) struct Tally<'a> {
    t: &'a Tables,
    c: &'a mut Counters,
}

impl Tables {
    /// Each run starts above the last one's end: together they are one increasing sequence (if
    /// not, they go to bits).
    fn chained(&self, runs: &[(u32, u32, u32)]) -> bool {
        let mut last = None;
        for run in self.runs(runs) {
            if let (Some(l), Some(&first)) = (last, run.first()) {
                if first <= l {
                    return false;
                }
            }
            last = run.last().copied().or(last);
        }
        true
    }

    /// The patterns of runs noted as (`directs` entry, from, to).
    fn runs<'s>(&'s self, runs: &'s [(u32, u32, u32)]) -> impl Iterator<Item = &'s [u32]> + 's {
        runs.iter().map(|&(id, from, to)| {
            self.directs
                .get(id as usize)
                .and_then(|d| d.patterns.get(from as usize..to as usize))
                .unwrap_or(&[])
        })
    }

    /// The pattern a hit on `slot` completes by itself — a one-test branch that needs no
    /// confirmation and shares its body with no other pattern — or `NO_MORE`.
    fn direct(&self, slot: Slot) -> u32 {
        let br = &self.branches[self.slot_branch[slot as usize] as usize];
        if br.required == 1 && !br.confirm && br.also == NO_MORE {
            br.pattern
        } else {
            NO_MORE
        }
    }
}

impl Tally<'_> {
    #[inline]
    pub(crate) fn is_hit(&self, slot: Slot) -> bool {
        self.c.slot_epoch[slot as usize] == self.c.epoch
    }

    /// A test is satisfied; when it was the branch's last one, the branch completes.
    #[inline]
    pub(crate) fn hit(&mut self, slot: Slot) {
        let arrays = self.c.in_array as u16;
        self.hit_counting(slot, arrays);
    }

    /// [`Tally::hit`], counting `arrays` values inside arrays for it (two or more send a
    /// completed branch with several tests to the reference).
    #[inline]
    fn hit_counting(&mut self, slot: Slot, arrays: u16) {
        let b = self.t.slot_branch[slot as usize];
        let br = &self.t.branches[b as usize];
        let required = br.required;
        let c = &mut *self.c;
        if required == 1 {
            // A one-test branch needs no counting: it completes.
            self.complete(b, arrays);
            return;
        }
        let epoch = c.epoch;
        if std::mem::replace(&mut c.slot_epoch[slot as usize], epoch) == epoch {
            return;
        }
        let st = &mut c.branch_state[b as usize];
        if st.epoch != epoch {
            *st = BranchState {
                epoch,
                count: 0,
                arrays: 0,
            };
        }
        st.count += 1;
        st.arrays += arrays;
        if st.count == required {
            let arrays = st.arrays;
            self.complete(b, arrays);
        }
    }

    /// An `exists: false` test whose field the event has, but only inside arrays: Ruler looks
    /// for the field only in the array elements the branch's earlier tests matched in, which
    /// the counting does not follow. Hit, so that a branch whose other tests pass goes to the
    /// reference (array consistency), which decides; a branch of this one test has no earlier
    /// tests, and the field is present.
    pub(crate) fn hit_unsure(&mut self, slot: Slot) {
        let b = self.t.slot_branch[slot as usize];
        if !self.t.branches[b as usize].confirm {
            return;
        }
        self.hit_counting(slot, 2);
    }

    #[inline]
    pub(crate) fn hit_all(&mut self, slots: &[Slot]) {
        for &s in slots {
            self.hit(s);
        }
    }

    /// Hits the `anything-but` entries except the vetoed ones (by id).
    pub(crate) fn hit_unless_vetoed(&mut self, entries: &[(u32, Slot)], vetoes: &[u32]) {
        let c = &mut *self.c;
        c.veto_tag = c.veto_tag.wrapping_add(1);
        if c.veto_tag == 0 {
            c.veto.iter_mut().for_each(|v| *v = 0);
            c.veto_tag = 1;
        }
        let tag = c.veto_tag;
        for &id in vetoes {
            c.veto[id as usize] = tag;
        }
        for &(id, slot) in entries {
            if self.c.veto[id as usize] != tag {
                self.hit(slot);
            }
        }
    }

    /// Patterns `from..to` of `Tables::directs` entry `id`, which match by themselves (each
    /// completed by a single hit, see `Tables::direct`). A long run goes, for a set, to bits (a
    /// range of its mask's bits, when it has one); for a list, when it would put the list out of
    /// order, to the runs merged with the list at the end. Else its patterns are appended to the
    /// list. Duplicates are removed at the end.
    #[inline]
    pub(crate) fn report(&mut self, id: u32, from: usize, to: usize) {
        let tables = self.t;
        let Some(d) = tables.directs.get(id as usize) else {
            return;
        };
        let run = d.patterns.get(from..to).unwrap_or(&[]);
        let c = &mut *self.c;
        match (run.first(), run.last()) {
            (Some(&lo), Some(&hi)) if c.bits && !d.mask.is_empty() && run.len() >= 64 => {
                c.dense = true;
                or_bits(&mut c.order, &d.mask, d.mask_from, lo as usize, hi as usize);
            }
            (Some(&lo), Some(_))
                if !c.bits
                    && d.increasing
                    && run.len() >= 64
                    && (!c.ordered
                        || !c.runs.is_empty()
                        || c.out.last().is_some_and(|&last| last >= lo as usize)) =>
            {
                c.runs.push((id, from as u32, to as u32));
            }
            _ => c.emit_increasing(run, d.increasing),
        }
    }

    /// `head` and `tail` joined, in a reused buffer.
    pub(crate) fn key_buffer(&mut self, head: &str, tail: &str) -> &str {
        let k = &mut self.c.key;
        k.clear();
        k.push_str(head);
        k.push_str(tail);
        k
    }

    /// The branch's tests are all satisfied: its pattern matches, unless array consistency
    /// needs checking first.
    #[inline]
    fn complete(&mut self, b: u32, arrays: u16) {
        let t = self.t;
        let br = &t.branches[b as usize];
        let confirm = br.confirm && arrays.saturating_add(self.c.inherited) >= 2;
        if !confirm {
            // Matched outright: reported as they are (a pattern reported twice is removed when
            // the matches are put in order).
            self.c.emit(br.pattern as usize);
            if br.also != NO_MORE {
                self.c.emit_increasing(&t.also[br.also as usize], true);
            }
            return;
        }
        self.pend(br.pattern);
        if br.also != NO_MORE {
            for &p in &t.also[br.also as usize] {
                self.pend(p);
            }
        }
    }

    /// Queues a pattern for the reference's confirmation (array consistency), once per event.
    fn pend(&mut self, p: u32) {
        let c = &mut *self.c;
        if let Some(e) = c.pending_epoch.get_mut(p as usize) {
            if *e != c.epoch {
                *e = c.epoch;
                c.pending.push(p);
            }
        }
    }
}

impl Counters {
    /// Appends a match, noting whether the matches are still in strictly increasing order.
    #[inline]
    fn emit(&mut self, p: usize) {
        self.ordered &= self.out.last().is_none_or(|&last| last < p);
        self.out.push(p);
    }

    /// Appends matches, `increasing` when they are strictly increasing among themselves.
    #[inline]
    fn emit_increasing(&mut self, run: &[u32], increasing: bool) {
        if let (Some(&last), Some(&first)) = (self.out.last(), run.first()) {
            self.ordered &= last < first as usize;
        }
        self.ordered &= increasing;
        widen_into(&mut self.out, run);
    }
}

impl CompiledMatcher {
    /// Compiles the patterns; results name patterns by their index in `patterns`.
    pub fn new(patterns: &[EventPattern]) -> Self {
        build::compile(patterns)
    }

    /// How many patterns were compiled.
    pub fn len(&self) -> usize {
        self.patterns.len()
    }

    /// No patterns at all (nothing ever matches).
    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    /// Says whether the event text given to [`Self::matching_text`] and
    /// [`Self::matching_text_into`] is already known to be valid JSON: for example written by a
    /// JSON serializer, delivered by AWS, or checked once before being matched against the rules
    /// of several buses. Then the objects and arrays no pattern reaches are skipped by counting
    /// their brackets, without checking what is inside them again (GeoJSON coordinates, say).
    ///
    /// On valid JSON the answers are the same either way. On text that is not, a prechecked
    /// matcher may answer anything (a match, no match or an error), but it never panics and
    /// every loop still ends. Off by default: then every byte of the text is checked.
    ///
    /// ```
    /// use event_pattern::{compiled::CompiledMatcher, EventPattern};
    /// let rule = EventPattern::parse(r#"{"properties": {"STREET": ["MARKET"]}}"#).unwrap();
    /// let mut m = CompiledMatcher::new(&[rule]);
    /// let lot = r#"{"properties": {"STREET": "MARKET"}, "geometry": {"coordinates": [[1, 2]]}}"#;
    /// assert_eq!(m.matching_text(lot), Ok(vec![0]));
    /// m.set_text_prechecked(true);
    /// assert_eq!(m.matching_text(lot), Ok(vec![0]));
    /// // A broken part no rule reaches: checked, an error; prechecked, unspecified.
    /// m.set_text_prechecked(false);
    /// assert!(m.matching_text(r#"{"geometry": [1 2], "properties": {}}"#).is_err());
    /// ```
    pub fn set_text_prechecked(&mut self, prechecked: bool) {
        self.text_prechecked = prechecked;
    }

    /// The indexes of the patterns that match, in increasing order.
    pub fn matching(&self, event: &Json) -> Vec<usize> {
        let mut s = self.scratch.borrow_mut();
        let Scratch { values, counters } = &mut *s;
        counters.bits = false;
        self.evaluate_tree(event, values, counters);
        let flat = (!counters.pending.is_empty()).then(|| FlatEvent::new(event));
        self.resolve(counters, flat.as_ref())
    }

    /// [`Self::matching`] into a set, which is reused: with thousands of matches per event,
    /// a bit per pattern is written much faster than a list of them.
    pub fn matching_into(&self, event: &Json, set: &mut MatchSet) {
        let mut s = self.scratch.borrow_mut();
        let Scratch { values, counters } = &mut *s;
        counters.bits = true;
        self.evaluate_tree(event, values, counters);
        let flat = (!counters.pending.is_empty()).then(|| FlatEvent::new(event));
        self.resolve_into(counters, flat.as_ref(), set);
    }

    /// Matches an event given as JSON text, scanning it once without building a tree and
    /// skipping every part no pattern mentions. Invalid JSON is an error (use [`Json::parse`]
    /// for its message).
    pub fn matching_text(&self, text: &str) -> Result<Vec<usize>, InvalidEvent> {
        let mut s = self.scratch.borrow_mut();
        let Scratch { values, counters } = &mut *s;
        counters.bits = false;
        let tree = self.evaluate_text(text, values, counters)?;
        let flat = tree.as_ref().map(FlatEvent::new);
        Ok(self.resolve(counters, flat.as_ref()))
    }

    /// [`Self::matching_text`] into a set, which is reused (see [`Self::matching_into`]).
    /// On an error the set is left as it was.
    ///
    /// ```
    /// use event_pattern::{compiled::{CompiledMatcher, MatchSet}, EventPattern};
    /// let patterns: Vec<EventPattern> = [r#"{"a": [{"anything-but": "x"}]}"#, r#"{"a": ["x"]}"#]
    ///     .iter()
    ///     .map(|p| EventPattern::parse(p).unwrap())
    ///     .collect();
    /// let m = CompiledMatcher::new(&patterns);
    /// let mut set = MatchSet::default();
    /// m.matching_text_into(r#"{"a": "y"}"#, &mut set).unwrap();
    /// assert_eq!((set.len(), set.contains(0), set.contains(1)), (1, true, false));
    /// m.matching_text_into(r#"{"a": "x"}"#, &mut set).unwrap();
    /// assert_eq!(set.iter().collect::<Vec<_>>(), vec![1]);
    /// ```
    pub fn matching_text_into(&self, text: &str, set: &mut MatchSet) -> Result<(), InvalidEvent> {
        let mut s = self.scratch.borrow_mut();
        let Scratch { values, counters } = &mut *s;
        counters.bits = true;
        let tree = self.evaluate_text(text, values, counters)?;
        let flat = tree.as_ref().map(FlatEvent::new);
        self.resolve_into(counters, flat.as_ref(), set);
        Ok(())
    }

    fn evaluate_tree(&self, event: &Json, values: &mut Collected, c: &mut Counters) {
        values.begin(&self.trie);
        self.trie.walk(event, 0, 0, values);
        self.evaluate(values, c);
    }

    /// Scans and evaluates the event text; returns its tree when matches wait for the
    /// reference's confirmation (rare: several tests inside arrays of objects).
    #[inline]
    fn evaluate_text(
        &self,
        text: &str,
        values: &mut Collected,
        c: &mut Counters,
    ) -> Result<Option<Json>, InvalidEvent> {
        values.begin(&self.trie);
        let scanned = if self.text_prechecked {
            self.trie.scan::<true>(text, values)
        } else {
            self.trie.scan::<false>(text, values)
        };
        scanned.map_err(|_| InvalidEvent)?;
        self.evaluate(values, c);
        if c.pending.is_empty() {
            return Ok(None);
        }
        Json::parse(text).map(Some).map_err(|_| {
            // Leave no bits of this event for the next one.
            c.order.iter_mut().for_each(|w| *w = 0);
            InvalidEvent
        })
    }

    fn evaluate(&self, values: &Collected, c: &mut Counters) {
        c.epoch = c.epoch.wrapping_add(1);
        if c.epoch == 0 {
            for v in [
                &mut c.slot_epoch,
                &mut c.pattern_epoch,
                &mut c.pending_epoch,
            ] {
                v.iter_mut().for_each(|e| *e = 0);
            }
            c.branch_state
                .iter_mut()
                .for_each(|b| *b = BranchState::default());
            c.epoch = 1;
        }
        c.slot_epoch.resize(self.tables.slot_branch.len(), 0);
        c.branch_state
            .resize(self.tables.branches.len(), BranchState::default());
        c.pattern_epoch.resize(self.patterns.len(), 0);
        c.pending_epoch.resize(self.patterns.len(), 0);
        c.veto.resize(self.vetoes as usize, 0);
        c.order.resize(self.patterns.len().div_ceil(64), 0);
        c.touched.resize(c.order.len().div_ceil(64), 0);
        c.pending.clear();
        c.out.clear();
        c.ordered = true;
        c.dense = false;
        c.runs.clear();
        let mut t = Tally { t: &self.tables, c };
        if !self.nodes.is_empty() {
            self.visit(0, 0, values, &mut t);
        }
    }

    /// Evaluates one node of the decision tree, then the children whose gate value the event has.
    fn visit(&self, id: u32, inherited: u16, values: &Collected, t: &mut Tally<'_>) {
        let node = &self.nodes[id as usize];
        t.c.inherited = inherited;
        let lookups = |idx: &PathIndex, pid: u32, t: &mut Tally<'_>| {
            for v in values.values(pid) {
                t.c.in_array = v.in_array;
                idx.leaf(values.leaf(v), t);
            }
        };
        match &node.by_path {
            Some(map) => {
                for &pid in values.seen_paths() {
                    if let Some(idx) = map.get(&pid).and_then(|&i| node.index.get(i as usize)) {
                        lookups(idx, pid, t);
                    }
                }
            }
            None => {
                for (&pid, idx) in node.index_paths.iter().zip(&node.index) {
                    if values.seen(pid) {
                        lookups(idx, pid, t);
                    }
                }
            }
        }
        t.c.in_array = false;
        for &(pid, slot) in &node.absent {
            if !values.seen(pid) {
                t.hit(slot);
            } else if values.values(pid).all(|v| v.in_array) {
                t.hit_unsure(slot);
            }
        }
        for &b in &node.complete {
            t.complete(b, 0);
        }
        for (pid, ops, reading, child) in &node.tests {
            // Satisfied by any value; inside arrays only when every satisfying value is.
            let mut satisfied: Option<bool> = None;
            for v in values.values(*pid) {
                let leaf = values.leaf(v);
                if ops.iter().any(|op| reading::accepts(op, leaf, *reading)) {
                    satisfied = Some(satisfied.unwrap_or(true) && v.in_array);
                }
            }
            if let Some(in_array) = satisfied {
                self.visit(*child, inherited + in_array as u16, values, t);
            }
        }
        let gate = |g: &Gate, t: &mut Tally<'_>| {
            for v in values.values(g.pid) {
                if v.kind == Kind::Str {
                    let inherited = inherited + v.in_array as u16;
                    g.children_for(values.str(v), |child| {
                        self.visit(child, inherited, values, t)
                    });
                }
            }
        };
        match &node.gates_by_path {
            Some(map) => {
                for pid in values.seen_paths() {
                    for &g in map.get(pid).into_iter().flatten() {
                        gate(&node.gates[g as usize], t);
                    }
                }
            }
            None => node.gates.iter().for_each(|g| gate(g, t)),
        }
    }

    /// The matches, in increasing order.
    fn resolve(&self, c: &mut Counters, tree: Option<&FlatEvent<'_>>) -> Vec<usize> {
        /// Answers up to this long are copied out of the buffer.
        const COPIED_ANSWER: usize = 256;
        if self.settle(c, tree) {
            let mut out = Vec::new();
            take_bits(&mut c.order, &mut out);
            return out;
        }
        if !c.runs.is_empty() {
            let mut out = Vec::new();
            self.merge_runs_into(c, &mut out);
            return out;
        }
        // A short answer is copied out, into a vector of its size: the buffer keeps its room,
        // and the next event's matches need not grow a fresh one (which allocated again on most
        // events). A long one is handed out whole, not moved once more, and the buffer is made
        // as large again.
        if c.out.len() <= COPIED_ANSWER {
            let out = c.out.clone();
            c.out.clear();
            return out;
        }
        let room = c.out.len();
        std::mem::replace(&mut c.out, Vec::with_capacity(room))
    }

    /// The matches, into `set`.
    fn resolve_into(&self, c: &mut Counters, tree: Option<&FlatEvent<'_>>, set: &mut MatchSet) {
        set.dense = self.settle(c, tree);
        if set.dense {
            // The event's bits go to the set; the set's old words come back emptied (the next
            // evaluation sizes them, all zero).
            std::mem::swap(&mut c.order, &mut set.words);
            c.order.clear();
        } else {
            std::mem::swap(&mut c.out, &mut set.list);
            c.out.clear();
        }
    }

    /// Runs go to bits when they interleave (rare: several long runs from different paths) or
    /// the caller wants bits.
    #[inline(never)]
    fn runs_to_bits(&self, c: &mut Counters) {
        let runs = self.tables.runs(&c.runs);
        set_bits(&mut c.order, runs.flatten().map(|&p| p as usize));
        c.runs.clear();
        c.dense = true;
    }

    /// The matches in `c.out` and `c.runs` merged, into `list` (out of line: only events with
    /// long runs of matches come here).
    #[inline(never)]
    fn merge_runs_into(&self, c: &Counters, list: &mut Vec<usize>) {
        let runs: usize = self.tables.runs(&c.runs).map(<[u32]>::len).sum();
        list.reserve(c.out.len() + runs);
        merge_runs(&c.out, self.tables.runs(&c.runs), list);
    }

    /// Confirms the pending matches on the event's tree, and leaves the matches either as bits
    /// in `c.order` (then returns true: when some came as bits) or in `c.out`, in increasing
    /// order without repeats, together with `c.runs` when there are any (only for a list: to
    /// merge).
    #[inline]
    fn settle(&self, c: &mut Counters, tree: Option<&FlatEvent<'_>>) -> bool {
        let confirms = |p: usize| {
            tree.is_some_and(|flat| {
                self.patterns
                    .get(p)
                    .is_some_and(|pattern| crate::matcher::matches_flat(pattern, flat))
            })
        };
        if !c.runs.is_empty() && (c.bits || !self.tables.chained(&c.runs)) {
            self.runs_to_bits(c);
        }
        if c.dense {
            set_bits(&mut c.order, c.out.iter().copied());
            c.out.clear();
            for &p in &c.pending {
                let p = p as usize;
                if !has_bit(&c.order, p) && confirms(p) {
                    set_bits(&mut c.order, [p]);
                }
            }
            return true;
        }
        if !c.pending.is_empty() {
            for &p in &c.out {
                c.pattern_epoch[p] = c.epoch;
            }
            for &p in &c.pending {
                let p = p as usize;
                if c.pattern_epoch[p] != c.epoch && confirms(p) {
                    c.ordered &= c.out.last().is_none_or(|&last| last < p);
                    c.out.push(p);
                }
            }
        }
        // Usually in order and without repeats already (patterns are indexed in order; the
        // counters noted whether they still are).
        if !c.ordered {
            in_order(&mut c.out, &mut c.order, &mut c.touched);
        }
        false
    }
}

/// The patterns an event matches: what [`CompiledMatcher::matching_into`] and
/// [`CompiledMatcher::matching_text_into`] fill (reuse one set for many events). Few matches are
/// kept as a list; thousands, as a bit per pattern (written much faster than a list of them).
#[derive(Default, Clone)]
pub struct MatchSet {
    /// The matches are the set bits of `words`, else the entries of `list` (in order).
    dense: bool,
    words: Vec<u64>,
    list: Vec<usize>,
}

impl MatchSet {
    /// Pattern `i` matched.
    pub fn contains(&self, i: usize) -> bool {
        match self.dense {
            true => has_bit(&self.words, i),
            false => self.list.binary_search(&i).is_ok(),
        }
    }

    /// How many patterns matched.
    pub fn len(&self) -> usize {
        match self.dense {
            true => count_bits(&self.words),
            false => self.list.len(),
        }
    }

    /// No pattern matched.
    pub fn is_empty(&self) -> bool {
        match self.dense {
            true => self.words.iter().all(|&w| w == 0),
            false => self.list.is_empty(),
        }
    }

    /// The matching patterns, in increasing order.
    pub fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        let (list, words) = match self.dense {
            true => (&[][..], &self.words[..]),
            false => (&self.list[..], &[][..]),
        };
        let bits = words.iter().enumerate().flat_map(|(i, &w)| word_bits(i, w));
        list.iter().copied().chain(bits)
    }
}

impl PartialEq for MatchSet {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

impl Eq for MatchSet {}

impl std::fmt::Debug for MatchSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

/// How many bits are set: with the processor's POPCNT where it has one (checked at run time;
/// the baseline x86-64 target does not assume it, and the portable count takes a dozen
/// operations per word).
fn count_bits(words: &[u64]) -> usize {
    #[cfg(target_arch = "x86_64")]
    if std::is_x86_feature_detected!("popcnt") {
        // SAFETY: the processor has POPCNT (checked just above).
        return unsafe { count_bits_popcnt(words) };
    }
    words.iter().map(|w| w.count_ones() as usize).sum()
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "popcnt")]
fn count_bits_popcnt(words: &[u64]) -> usize {
    words.iter().map(|w| w.count_ones() as usize).sum()
}

fn has_bit(bits: &[u64], p: usize) -> bool {
    bits.get(p / 64).is_some_and(|w| w >> (p % 64) & 1 == 1)
}

/// Sets the bits of `ps` (numbers past the end are ignored). Matches come in runs of
/// neighbours: a word's bits are gathered before it is stored.
fn set_bits(bits: &mut [u64], ps: impl IntoIterator<Item = usize>) {
    let (mut word, mut acc) = (usize::MAX, 0u64);
    for p in ps {
        if p / 64 != word {
            if let Some(w) = bits.get_mut(word) {
                *w |= acc;
            }
            (word, acc) = (p / 64, 0);
        }
        acc |= 1 << (p % 64);
    }
    if let Some(w) = bits.get_mut(word) {
        *w |= acc;
    }
}

/// Appends the numbers of the set bits in increasing order, clearing them (a full word at once:
/// runs of matching neighbours are common).
fn take_bits(bits: &mut [u64], out: &mut Vec<usize>) {
    out.reserve(count_bits(bits));
    for (i, w) in bits.iter_mut().enumerate() {
        let x = std::mem::take(w);
        if x == u64::MAX {
            out.extend(i * 64..i * 64 + 64);
            continue;
        }
        // Pushed (the room is reserved): `extend` over this iterator measured 3 % slower.
        for p in word_bits(i, x) {
            out.push(p);
        }
    }
}

/// The numbers of the bits set in `w`, word `i` of a bit set, in increasing order.
#[inline]
fn word_bits(i: usize, mut w: u64) -> impl Iterator<Item = usize> {
    std::iter::from_fn(move || {
        (w != 0).then(|| {
            let bit = w.trailing_zeros() as usize;
            w &= w - 1;
            i * 64 + bit
        })
    })
}

/// Sets bits `lo..=hi` of `bits` that are set in `mask`, whose first word is word `from` of
/// `bits` (bits outside either are left alone).
fn or_bits(bits: &mut [u64], mask: &[u64], from: usize, lo: usize, hi: usize) {
    let (first, last) = (lo / 64, hi / 64);
    let (Some(dst), Some(src)) = (
        bits.get_mut(first..=last),
        first
            .checked_sub(from)
            .and_then(|f| mask.get(f..=last - from)),
    ) else {
        return;
    };
    let (head, tail) = (u64::MAX << (lo % 64), u64::MAX >> (63 - hi % 64));
    match (dst, src) {
        ([d], [s]) => *d |= s & head & tail,
        ([d0, middle @ .., dn], [s0, inner @ .., sn]) => {
            *d0 |= s0 & head;
            // Whole words in between: a loop the compiler turns into vector ORs.
            for (d, s) in middle.iter_mut().zip(inner) {
                *d |= *s;
            }
            *dn |= sn & tail;
        }
        _ => {}
    }
}

/// Puts pattern numbers in increasing order without repeats: a sort when they are very few
/// (fewer than 8, or than the words of `touched` below), else a bit per pattern (`bits`, all
/// zero, as many words as patterns need) set and read back in order. With thousands of matches,
/// every word is read back; with dozens, only the words they touched, found through a bit per
/// word (`touched`, all zero, a bit per word of `bits`). Both are left zero.
fn in_order(out: &mut Vec<usize>, bits: &mut [u64], touched: &mut [u64]) {
    /// Below this many, sorting costs less than setting and reading bits (timed apart, for
    /// numbers below 10,000: the two cost the same at 6 to 12 numbers, fewer when in random
    /// order, more when in a few increasing runs).
    const SORTED: usize = 8;
    // With millions of patterns the marks span many words too: then few matches are sorted.
    if out.len() < SORTED.max(touched.len()) {
        out.sort_unstable();
        out.dedup();
        return;
    }
    if out.len() >= bits.len() {
        set_bits(bits, out.iter().copied());
        out.clear();
        take_bits(bits, out);
        return;
    }
    for &p in out.iter() {
        let word = p / 64;
        if let (Some(w), Some(t)) = (bits.get_mut(word), touched.get_mut(word / 64)) {
            *w |= 1 << (p % 64);
            *t |= 1 << (word % 64);
        }
    }
    out.clear();
    for (ti, t) in touched.iter_mut().enumerate() {
        let mut words = std::mem::take(t);
        while words != 0 {
            let word = ti * 64 + words.trailing_zeros() as usize;
            words &= words - 1;
            if let Some(w) = bits.get_mut(word) {
                for p in word_bits(word, std::mem::take(w)) {
                    out.push(p);
                }
            }
        }
    }
}

/// The union of `list` and `runs`, each strictly increasing and each run above the one before,
/// into `merged` (strictly increasing): the stretches of the runs between the entries of `list`
/// are copied whole (the list is usually short, the runs long), found a block of 64 at a time
/// and then within the block. (The caller reserves the room: one allocation.)
fn merge_runs<'r>(list: &[usize], runs: impl Iterator<Item = &'r [u32]>, merged: &mut Vec<usize>) {
    const BLOCK: usize = 64;
    let mut list = list.iter().copied().peekable();
    for run in runs {
        let mut rest = run;
        // The entries of the list up to the run's last pattern.
        while let Some(p) = list.next_if(|&p| rest.last().is_some_and(|&r| r as usize >= p)) {
            let mut below = 0;
            while rest
                .get(below + BLOCK - 1)
                .is_some_and(|&r| (r as usize) < p)
            {
                below += BLOCK;
            }
            let block = rest
                .get(below..rest.len().min(below + BLOCK))
                .unwrap_or(&[]);
            below += block.partition_point(|&r| (r as usize) < p);
            let (stretch, after) = rest.split_at(below.min(rest.len()));
            widen_into(merged, stretch);
            // The run's own copy of `p`, if it has one, gives way to the list's.
            rest = match after.split_first() {
                Some((&r, tail)) if r as usize == p => tail,
                _ => after,
            };
            merged.push(p);
        }
        widen_into(merged, rest);
    }
    merged.extend(list);
}

/// Appends `src` to `dst` as `usize`s: a long run in the copy compiled for the widest vectors the
/// processor has, where there is a choice; a short one in place, without the call.
#[inline]
fn widen_into(dst: &mut Vec<usize>, src: &[u32]) {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    {
        /// Runs from this long on go to the widest copy.
        const WIDE_FROM: usize = 16;
        if src.len() >= WIDE_FROM {
            return wide::widen_into(dst, src);
        }
    }
    dst.extend(src.iter().map(|&r| r as usize));
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

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn check(patterns: &[&str], events: &[&str]) {
        let ps: Vec<EventPattern> = patterns
            .iter()
            .map(|p| EventPattern::parse(p).unwrap())
            .collect();
        let m = CompiledMatcher::new(&ps);
        for e in events {
            let j = Json::parse(e).unwrap();
            let want = crate::matching(&ps, &j);
            assert_eq!(m.matching(&j), want, "event {e}");
            assert_eq!(m.matching_text(e), Ok(want.clone()), "scanned event {e}");
        }
    }

    /// Every way of ordering the matches (a sort for very few, bits read back through the words
    /// they touched for dozens, every word for many) gives the numbers in increasing order
    /// without repeats, and leaves the bits clear.
    #[test]
    fn matches_come_out_in_order_without_repeats() {
        let (mut bits, mut touched) = (Vec::new(), Vec::new());
        let mut x = 0x2545_f491_4f6c_dd1du64;
        for n in [1usize, 63, 64, 65, 200, 10_000, 100_000] {
            for len in [0usize, 1, 2, 5, 7, 8, 9, 16, 40, 64, 300, 5_000] {
                let mut out: Vec<usize> = (0..len)
                    .map(|_| {
                        x ^= x << 13;
                        x ^= x >> 7;
                        x ^= x << 17;
                        (x % n as u64) as usize
                    })
                    .collect();
                let mut want = out.clone();
                want.sort_unstable();
                want.dedup();
                bits.resize(n.div_ceil(64), 0);
                touched.resize(bits.len().div_ceil(64), 0);
                in_order(&mut out, &mut bits, &mut touched);
                assert_eq!(out, want, "n {n}, len {len}");
                assert!(bits.iter().chain(&touched).all(|w| *w == 0));
            }
        }
    }

    /// Merging a short list into runs gives their union in increasing order without repeats,
    /// wherever the list's entries fall: before, between and after the runs, on a run's entries
    /// (first, last, at the edges of its blocks of 64) and between them.
    #[test]
    fn merging_runs_with_a_list_gives_their_union() {
        use std::collections::BTreeSet;
        let mut r = crate::test_rng::Rng(0x0bad_5eed_1234_5678);
        let mut merged = Vec::new();
        for _ in 0..3000 {
            // Chained runs: each strictly increasing, each above the one before.
            let mut next = r.below(5) as u32;
            let runs: Vec<Vec<u32>> = (0..r.below(4))
                .map(|_| {
                    let len = [0, 1, 63, 64, 65, 128, 200][r.below(7)];
                    (0..len)
                        .map(|_| {
                            next += 1 + r.below(3) as u32;
                            next
                        })
                        .collect()
                })
                .collect();
            let all: Vec<u32> = runs.iter().flatten().copied().collect();
            let mut list: Vec<usize> = (0..r.below(12))
                .map(|_| match (r.below(3), all.len()) {
                    (0, n) if n > 0 => {
                        // On an entry, often at a block's edge.
                        let at = [0, 62, 63, 64, 127, 128, n - 1][r.below(7)].min(n - 1);
                        all[at] as usize
                    }
                    (1, n) if n > 0 => all[r.below(n)] as usize + 1,
                    _ => r.below(next as usize + 10),
                })
                .collect();
            list.sort_unstable();
            list.dedup();
            let want: BTreeSet<usize> = list
                .iter()
                .copied()
                .chain(all.iter().map(|&p| p as usize))
                .collect();
            merged.clear();
            merge_runs(&list, runs.iter().map(Vec::as_slice), &mut merged);
            assert_eq!(
                merged,
                want.into_iter().collect::<Vec<_>>(),
                "list {list:?}, runs {runs:?}"
            );
        }
    }

    /// A set answers alike whether it holds its matches as a list or as bits, whatever the
    /// other form holds (left over from an earlier event).
    #[test]
    fn a_set_answers_alike_as_a_list_or_as_bits() {
        let list = MatchSet {
            dense: false,
            words: vec![u64::MAX; 2],
            list: vec![1, 64, 70],
        };
        let bits = MatchSet {
            dense: true,
            words: vec![1 << 1, 1 | 1 << 6],
            list: vec![5],
        };
        assert_eq!(list, bits);
        for s in [&list, &bits] {
            assert_eq!((s.len(), s.is_empty()), (3, false));
            assert_eq!(s.iter().collect::<Vec<_>>(), vec![1, 64, 70]);
            assert!(s.contains(1) && s.contains(64) && s.contains(70));
            assert!(!s.contains(5) && !s.contains(0) && !s.contains(127) && !s.contains(10_000));
            assert_eq!(format!("{s:?}"), "{1, 64, 70}");
        }
        let empty = MatchSet {
            dense: true,
            words: vec![0; 3],
            list: vec![2],
        };
        assert!(empty.is_empty() && MatchSet::default().is_empty());
        assert_eq!(
            (empty.len(), empty, MatchSet::default().len()),
            (0, MatchSet::default(), 0)
        );
        assert_ne!(list, MatchSet::default());
    }

    /// A range of a mask ORed in a word at a time sets exactly the mask's bits in the range,
    /// wherever the range starts and ends (one word, two, many) and wherever the mask starts.
    #[test]
    fn ranges_of_a_mask_set_exactly_their_bits() {
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for _ in 0..2000 {
            let from = (next() % 4) as usize;
            let mask: Vec<u64> = (0..1 + next() % 6).map(|_| next()).collect();
            let span = (from + mask.len()) * 64;
            let lo = from * 64 + (next() as usize % (mask.len() * 64));
            let hi = lo + (next() as usize % (span - lo));
            let before: Vec<u64> = (0..from + mask.len() + 1)
                .map(|_| next() & next())
                .collect();
            let mut bits = before.clone();
            or_bits(&mut bits, &mask, from, lo, hi);
            for p in 0..bits.len() * 64 {
                let in_mask = (from * 64..span).contains(&p) && has_bit(&mask, p - from * 64);
                let want = has_bit(&before, p) || ((lo..=hi).contains(&p) && in_mask);
                assert_eq!(has_bit(&bits, p), want, "bit {p}, from {from}, {lo}..={hi}");
            }
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

    /// An event key with dots reaches the dotted path, whether the trie node it meets has few
    /// children (compared one by one) or many (a map), escaped or not; a key that only starts
    /// like a child's name reaches nothing.
    #[test]
    fn dotted_event_keys_reach_their_paths() {
        let mut patterns = vec![
            r#"{"a": {"b": ["x"]}}"#.to_string(),
            r#"{"ab": {"c": ["x"]}}"#.to_string(),
            r#"{"": {"a": ["x"]}}"#.to_string(),
            r#"{"m": {"k.q": ["x"]}}"#.to_string(),
        ];
        // Enough keys under `m` that its trie node keeps them in a map.
        patterns.extend((0..12).map(|i| format!(r#"{{"m": {{"k{i}": ["x"]}}}}"#)));
        let patterns: Vec<&str> = patterns.iter().map(String::as_str).collect();
        check(
            &patterns,
            &[
                r#"{"a.b": "x"}"#,
                r#"{"a.bc": "x", "ab.c": "x"}"#,
                r#"{"a.": "x", "ab": {"c.": "x"}}"#,
                r#"{".a": "x"}"#,
                r#"{"a": {"b": "y"}, "a.b": "x"}"#,
                r#"{"m.k3": "x", "m": {"k.q": "x"}}"#,
                r#"{"m": {"k": {"q": "x"}, "k11": "y"}}"#,
                r#"{"m.k": {"q": "x"}}"#,
                r#"{"b.a": "x", "abc": "x"}"#,
                // Escapes may spell any name.
                r#"{"\u0061.b": "x"}"#,
                r#"{"\u006d": {"k\u0037": "x"}}"#,
                r#"{"\"": "x", "\u0000": "x"}"#,
            ],
        );
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
                // Gated on `items.id`, then counted: array consistency across the gate.
                r#"{"items": {"id": ["1"], "q": [{"numeric": [">", 1]}]}}"#,
                r#"{"items": {"id": ["1", "2"], "k": ["a"]}, "a": ["x"]}"#,
                r#"{"n": [{"numeric": [">=", 3]}], "a": [{"anything-but": ["x", "y"]}]}"#,
                r#"{"a": [{"wildcard": "x*z"}, {"wildcard": "*png"}, {"anything-but": "xyz"}]}"#,
                // Identical bodies share one branch (after the gate on `a`, too).
                r#"{"a": ["x"], "n": [{"numeric": [">=", 3]}]}"#,
                r#"{"n": [{"numeric": [">=", 3]}], "a": ["x"]}"#,
                r#"{"$or": [{"a": ["x"], "n": [{"numeric": [">=", 3]}]}, {"c": [5]}]}"#,
                r#"{"items": {"id": ["1"], "q": [{"numeric": [">", 1]}]}}"#,
                r#"{"c": [5]}"#,
                // A test shared by several patterns is a gate; array consistency across it.
                r#"{"items": {"q": [{"numeric": [">", 1]}], "k": [{"prefix": "a"}]}}"#,
                r#"{"items": {"q": [{"numeric": [">", 1]}], "k": [{"prefix": "b"}]}}"#,
            ],
            &[
                r#"{"a": "x", "b": "pic.png"}"#,
                r#"{"a": "xyz", "n": 3}"#,
                r#"{"a": 300.0, "c": 1}"#,
                r#"{"a": null}"#,
                r#"{"a": true, "c": {"d": 1}}"#,
                r#"{"items": [{"id": "1", "q": 1}, {"id": "2", "q": 2}]}"#,
                r#"{"items": [{"id": "1", "q": 2}]}"#,
                r#"{"items": [{"id": "1", "q": 1}, {"id": "3", "q": 2}]}"#,
                r#"{"items": [{"id": "2", "k": "b"}, {"id": "1", "k": "a"}], "a": "x"}"#,
                r#"{"items": [{"id": "2", "k": "a"}, {"id": "9", "k": "b"}], "a": ["x"]}"#,
                r#"{"n": 3, "a": "z"}"#,
                r#"{"n": [2, 4], "a": ["y", 1]}"#,
                // Duplicate keys: the last occurrence wins, nested ones included.
                r#"{"a": "x", "a": "y"}"#,
                r#"{"a": "y", "a": "x", "c": {"d": 1}, "c": 5}"#,
                r#"{"items": [{"id": "1", "q": 2}], "items": {"id": "2"}}"#,
                r#"{"c": {"d": 1, "d": 2}, "c": {"e": 1}, "a": "x"}"#,
                r#"{"items": [{"q": 2, "k": "x"}, {"q": 0, "k": "a"}]}"#,
                r#"{"items": [{"q": 2, "k": "bx"}, {"q": 0, "k": "a"}]}"#,
                r#"{}"#,
            ],
        );
    }
}
