//! The reference evaluator: one pattern against one event, with a verdict tree that explains it.
//!
//! It is deliberately simple (flatten the whole event, test every leaf), so that faster matchers
//! can be checked against it.

use std::collections::HashMap;
use std::hash::{BuildHasher, DefaultHasher, Hasher, RandomState};

use crate::error::Span;
use crate::ignore_case;
use crate::json::{Json, JsonValue};
use crate::near_miss;
use crate::pattern::{AnythingBut, Branch, EventPattern, LeafTest, Op};
use crate::reading;

/// At most this many steps are spent looking for array-consistent assignments per branch.
pub const MAX_CONSISTENCY_STEPS: usize = 100_000;

/// One leaf value of an event, with the array element it sits in.
#[derive(Debug, Clone)]
pub struct FlatLeaf<'a> {
    /// Its path (see [`FlatEvent::path`]).
    pub path: u32,
    /// The value: a string, number, boolean or null.
    pub value: &'a Json,
    /// The innermost array element holding it (an index into [`FlatEvent::elements`]), or
    /// [`OUTSIDE_ARRAYS`].
    pub element: u32,
}

/// [`FlatLeaf::element`] of a value in no array.
pub const OUTSIDE_ARRAYS: u32 = u32::MAX;

/// One element of an event array. Elements form a tree (an element's `parent` is the element
/// of the enclosing array holding its array), so a value deep in nested arrays costs one entry,
/// not a list of all its enclosing arrays: an event of 256 KB holds at most that many elements
/// whatever its nesting.
#[derive(Debug, Clone, Copy)]
pub struct ArrayElement {
    /// The element of the enclosing array, or [`OUTSIDE_ARRAYS`].
    pub parent: u32,
    /// The array's id (see [`FlatEvent::array_path`]).
    pub array: u32,
    /// The element's index in its array, from 0.
    pub index: u32,
    /// How many arrays enclose the element, its own included (1 for an outermost array).
    pub depth: u32,
}

/// An event flattened into leaf values by path.
///
/// A path is the keys from the top of the event joined with `.`, as Ruler names fields, so
/// `{"a.b": 1}` and `{"a": {"b": 2}}` both have values at `a.b`. Paths are kept as a tree (a key
/// and the path it extends), never as whole strings: an event of a long key holding thousands of
/// fields costs one entry per field, not a copy of the long key for each. Looking a path up hashes
/// its text and compares it backwards along the tree.
#[derive(Debug, Default)]
pub struct FlatEvent<'a> {
    /// Every leaf value, in document order.
    pub leaves: Vec<FlatLeaf<'a>>,
    /// The array elements holding values, by the index [`FlatLeaf::element`] gives them.
    pub elements: Vec<ArrayElement>,
    /// Distinct paths, by id.
    paths: Vec<PathNode<'a>>,
    /// (path extended, key) → the path id it makes.
    steps: HashMap<(u32, &'a str), u32>,
    /// The hash of a path's text → the ids of the paths with that hash.
    by_hash: HashMap<u64, Vec<u32>>,
    /// The path of each array, by the id [`ArrayElement::array`] gives it ([`NO_PATH`] for an
    /// array above every key).
    arrays: Vec<u32>,
    hashing: RandomState,
}

/// The parent of a top-level key's path, the path of what no key holds.
const NO_PATH: u32 = u32::MAX;

/// One distinct path of an event.
#[derive(Debug)]
struct PathNode<'a> {
    /// The path this one extends with `.` and `key`, or [`NO_PATH`].
    parent: u32,
    key: &'a str,
    /// The length of the path's text in bytes.
    len: usize,
    /// The hasher after the path's text (extended for the paths below it).
    hasher: DefaultHasher,
    /// Its leaves, by index in [`FlatEvent::leaves`].
    leaves: Vec<usize>,
    /// The first object or array at the path.
    container: Option<&'a Json>,
}

/// A container [`FlatEvent::walk`] is inside: the children left to walk, its path, and the
/// innermost array element holding it (for an array, also its id and its elements' depth).
enum Open<'a> {
    Fields(std::slice::Iter<'a, (String, Span, Json)>, u32, u32),
    Items(
        std::iter::Enumerate<std::slice::Iter<'a, Json>>,
        u32,
        u32,
        u32,
        u32,
    ),
}

impl<'a> FlatEvent<'a> {
    /// Flattens a parsed event.
    pub fn new(event: &'a Json) -> Self {
        let mut flat = FlatEvent::default();
        flat.walk(event);
        flat
    }

    /// The path `parent` extended with `key` (a top-level key's, with [`NO_PATH`]).
    fn extend(&mut self, parent: u32, key: &'a str) -> u32 {
        if let Some(&id) = self.steps.get(&(parent, key)) {
            return id;
        }
        let (mut hasher, len) = match self.paths.get(parent as usize) {
            Some(p) => {
                let mut h = p.hasher.clone();
                h.write(b".");
                (h, p.len + 1 + key.len())
            }
            None => (self.hashing.build_hasher(), key.len()),
        };
        hasher.write(key.as_bytes());
        let digest = hasher.finish();
        // The same text reached another way (`a.b` as one key or two) is the same path.
        let same = self.spelled(digest, len, || {
            key.bytes()
                .rev()
                .chain((parent != NO_PATH).then_some(b'.'))
                .chain(self.rev_bytes(parent))
        });
        let id = match same {
            Some(id) => id,
            None => {
                let id = self.paths.len() as u32;
                self.paths.push(PathNode {
                    parent,
                    key,
                    len,
                    hasher,
                    leaves: Vec::new(),
                    container: None,
                });
                self.by_hash.entry(digest).or_default().push(id);
                id
            }
        };
        self.steps.insert((parent, key), id);
        id
    }

    /// A path and the paths it extends, last key first (none for [`NO_PATH`]).
    fn ancestry(&self, id: u32) -> impl Iterator<Item = &PathNode<'a>> + '_ {
        std::iter::successors(self.paths.get(id as usize), |n| {
            self.paths.get(n.parent as usize)
        })
    }

    /// The bytes of a path's text, last first (none for [`NO_PATH`]).
    fn rev_bytes(&self, id: u32) -> impl Iterator<Item = u8> + '_ {
        self.ancestry(id).flat_map(|n| {
            n.key
                .bytes()
                .rev()
                .chain((n.parent != NO_PATH).then_some(b'.'))
        })
    }

    /// The path whose text hashes to `digest`, is `len` bytes long and reads, last byte first,
    /// as `rev` gives it.
    fn spelled<I: Iterator<Item = u8>>(
        &self,
        digest: u64,
        len: usize,
        rev: impl Fn() -> I,
    ) -> Option<u32> {
        self.by_hash
            .get(&digest)?
            .iter()
            .copied()
            .find(|&id| self.paths[id as usize].len == len && self.rev_bytes(id).eq(rev()))
    }

    /// The id of the path with this text.
    fn find(&self, path: &str) -> Option<u32> {
        let mut h = self.hashing.build_hasher();
        h.write(path.as_bytes());
        self.spelled(h.finish(), path.len(), || path.bytes().rev())
    }

    /// The text of a path, by id (empty for an unknown id).
    pub fn path(&self, id: u32) -> String {
        let mut keys: Vec<&str> = self.ancestry(id).map(|n| n.key).collect();
        keys.reverse();
        keys.join(".")
    }

    /// The path of an array, by the id [`ArrayElement::array`] gives it.
    pub fn array_path(&self, array: u32) -> String {
        self.arrays
            .get(array as usize)
            .map_or(String::new(), |&p| self.path(p))
    }

    /// The first object or array at a path, if any.
    pub fn container_at(&self, path: &str) -> Option<&'a Json> {
        self.find(path)
            .and_then(|id| self.paths[id as usize].container)
    }

    /// The texts of the paths holding values or containers whose text is at most `max_len`
    /// bytes long (for suggestions: an event may hold thousands of long paths).
    pub fn paths_up_to(&self, max_len: usize) -> Vec<String> {
        (0..self.paths.len() as u32)
            .filter(|&id| {
                let n = &self.paths[id as usize];
                n.len <= max_len && (!n.leaves.is_empty() || n.container.is_some())
            })
            .map(|id| self.path(id))
            .collect()
    }

    /// Whether the leaf sits inside an array.
    pub fn in_array(&self, leaf: usize) -> bool {
        self.leaves
            .get(leaf)
            .is_some_and(|l| l.element != OUTSIDE_ARRAYS)
    }

    /// The elements holding a leaf, innermost first: (array id, element index).
    pub fn elements_of(&self, leaf: usize) -> impl Iterator<Item = (u32, u32)> + '_ {
        let mut at = self.leaves.get(leaf).map_or(OUTSIDE_ARRAYS, |l| l.element);
        std::iter::from_fn(move || {
            let e = self.elements.get(at as usize)?;
            at = e.parent;
            Some((e.array, e.index))
        })
    }

    /// Whether two leaves sit in the same element of every array they share, and how many
    /// elements were looked at to tell (for bounding searches). Arrays nest, so the arrays two
    /// leaves share are the outermost ones of each; the outermost elements where the two differ
    /// decide: elements of one array (different elements) are inconsistent, elements of two
    /// arrays (so none deeper is shared either) are not.
    pub fn consistent(&self, a: usize, b: usize) -> (bool, usize) {
        let element = |l: usize| self.leaves.get(l).map_or(OUTSIDE_ARRAYS, |l| l.element);
        let up = |e: u32| self.elements.get(e as usize);
        let depth = |e: u32| up(e).map_or(0, |e| e.depth);
        let (mut x, mut y) = (element(a), element(b));
        let mut steps = 0;
        while depth(x) > depth(y) {
            x = up(x).map_or(OUTSIDE_ARRAYS, |e| e.parent);
            steps += 1;
        }
        while depth(y) > depth(x) {
            y = up(y).map_or(OUTSIDE_ARRAYS, |e| e.parent);
            steps += 1;
        }
        let mut differ = None;
        while x != y {
            let (Some(ex), Some(ey)) = (up(x), up(y)) else {
                break;
            };
            differ = Some((ex.array, ey.array));
            x = ex.parent;
            y = ey.parent;
            steps += 1;
        }
        (differ.is_none_or(|(ax, ay)| ax != ay), steps)
    }

    /// Flattens `event` in document order. Not a recursion: events nest 1000 levels deep, and a
    /// frame per level would need more stack than the browser's WASM has to spare.
    fn walk(&mut self, event: &'a Json) {
        let mut open: Vec<Open<'a>> = Vec::new();
        self.visit(event, NO_PATH, OUTSIDE_ARRAYS, &mut open);
        while let Some(top) = open.last_mut() {
            let next = match top {
                Open::Fields(fields, path, element) => fields
                    .next()
                    .map(|(k, _, child)| (child, Err(k), *path, *element)),
                Open::Items(items, path, array, depth, element) => items
                    .next()
                    .map(|(i, child)| (child, Ok((*array, i as u32, *depth)), *path, *element)),
            };
            let Some((child, step, path, element)) = next else {
                open.pop();
                continue;
            };
            match step {
                Err(key) => {
                    let p = self.extend(path, key);
                    self.visit(child, p, element, &mut open);
                }
                Ok((array, index, depth)) => {
                    let here = self.elements.len() as u32;
                    self.elements.push(ArrayElement {
                        parent: element,
                        array,
                        index,
                        depth,
                    });
                    self.visit(child, path, here, &mut open);
                }
            }
        }
    }

    /// Records `v` (a leaf, or a container whose children `open` gets to walk).
    ///
    /// `path` is [`NO_PATH`] above the first key: a scalar there (an event that is a bare
    /// value, or an array of them) is at no field, so it is no leaf. Keys join with `.` as
    /// Ruler's paths do: a root key `""` has the path `""`, and a key `a` inside it `.a`.
    /// `element` is the innermost array element holding `v`.
    fn visit(&mut self, v: &'a Json, path: u32, element: u32, open: &mut Vec<Open<'a>>) {
        let node = path as usize;
        match &v.value {
            JsonValue::Object(fields) => {
                if let Some(n) = self.paths.get_mut(node) {
                    n.container.get_or_insert(v);
                }
                open.push(Open::Fields(fields.iter(), path, element));
            }
            JsonValue::Array(items) => {
                if let Some(n) = self.paths.get_mut(node) {
                    n.container.get_or_insert(v);
                }
                let array = self.arrays.len() as u32;
                self.arrays.push(path);
                let depth = self.elements.get(element as usize).map_or(0, |e| e.depth) + 1;
                open.push(Open::Items(
                    items.iter().enumerate(),
                    path,
                    array,
                    depth,
                    element,
                ));
            }
            _ => {
                let idx = self.leaves.len();
                if let Some(n) = self.paths.get_mut(node) {
                    n.leaves.push(idx);
                    self.leaves.push(FlatLeaf {
                        path,
                        value: v,
                        element,
                    });
                }
            }
        }
    }

    /// The indexes in `leaves` of the values at `path` (none when missing).
    pub fn values_at(&self, path: &str) -> &[usize] {
        self.find(path)
            .map_or(&[][..], |id| &self.paths[id as usize].leaves)
    }
}

fn num_eq(a: f64, b: f64) -> bool {
    a == b
}

/// A leaf value, borrowed: what the matchers look at.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Leaf<'a> {
    /// A string.
    Str(&'a str),
    /// The lexeme as written and its value.
    Num(&'a str, f64),
    /// A boolean.
    Bool(bool),
    /// `null`.
    Null,
    /// An object or array: never a leaf.
    Other,
}

impl<'a> From<&'a JsonValue> for Leaf<'a> {
    fn from(v: &'a JsonValue) -> Self {
        match v {
            JsonValue::String(s) => Leaf::Str(s),
            JsonValue::Number(t, n) => Leaf::Num(t, *n),
            JsonValue::Bool(b) => Leaf::Bool(*b),
            JsonValue::Null => Leaf::Null,
            _ => Leaf::Other,
        }
    }
}

/// Does `op` accept this one leaf value, read as it is? (`exists:false` never accepts a value.)
/// Where another test of the field changes how Ruler reads its values, see
/// [`crate::reading::accepts`].
pub fn accepts_leaf(op: &Op, v: Leaf<'_>) -> bool {
    match (op, v) {
        (Op::Exact(s), Leaf::Str(e)) => s == e,
        (Op::Number { value, text }, Leaf::Num(t, n)) => num_eq(*value, n) || text == t,
        (Op::Bool(b), Leaf::Bool(e)) => *b == e,
        (Op::Null, Leaf::Null) => true,
        (
            Op::Prefix {
                value,
                ignore_case: false,
            },
            Leaf::Str(e),
        ) => e.starts_with(value.as_str()),
        (
            Op::Prefix {
                value,
                ignore_case: true,
            },
            Leaf::Str(e),
        ) => ignore_case::starts_with(value, e),
        (
            Op::Suffix {
                value,
                ignore_case: false,
            },
            Leaf::Str(e),
        ) => e.ends_with(value.as_str()),
        (
            Op::Suffix {
                value,
                ignore_case: true,
            },
            Leaf::Str(e),
        ) => ignore_case::ends_with(value, e),
        (Op::EqualsIgnoreCase(s), Leaf::Str(e)) => ignore_case::equals(s, e),
        (Op::Numeric(r), Leaf::Num(_, n)) => n.is_finite() && r.contains(n),
        (Op::Exists(true), Leaf::Other) => false,
        (Op::Exists(true), _) => true,
        (Op::Wildcard { wildcard, .. }, Leaf::Str(e)) => wildcard.matches(e),
        (Op::Cidr { cidr, .. }, Leaf::Str(e)) => cidr.contains(e),
        // Where a `cidr` stands, no numeric test shares the field (else `reading` refuses it):
        // Ruler walks the number's text through the block's digits.
        (Op::Cidr { cidr, .. }, Leaf::Num(t, _)) => cidr.matches_number_text(t),
        (Op::AnythingBut(_), Leaf::Other) => false,
        (Op::AnythingBut(ab), v) => !excluded_leaf(ab, v),
        _ => false,
    }
}

/// Is the value excluded by an `anything-but`? Values of other types never are.
pub fn excluded_by(ab: &AnythingBut, v: &JsonValue) -> bool {
    excluded_leaf(ab, Leaf::from(v))
}

fn excluded_leaf(ab: &AnythingBut, v: Leaf<'_>) -> bool {
    excluding_index(ab, v).is_some()
}

/// Which entry of an `anything-but` list excludes the value (its index in the list), if one does.
fn excluding_index(ab: &AnythingBut, v: Leaf<'_>) -> Option<usize> {
    match (ab, v) {
        (AnythingBut::Strings(list), Leaf::Str(e)) => list.iter().position(|s| s == e),
        (AnythingBut::Numbers(list), Leaf::Num(_, n)) => list.iter().position(|x| num_eq(*x, n)),
        (AnythingBut::Prefix(list), Leaf::Str(e)) => {
            list.iter().position(|p| e.starts_with(p.as_str()))
        }
        (AnythingBut::Suffix(list), Leaf::Str(e)) => {
            list.iter().position(|p| e.ends_with(p.as_str()))
        }
        (AnythingBut::EqualsIgnoreCase(list), Leaf::Str(e)) => {
            list.iter().position(|s| ignore_case::equals(s, e))
        }
        (AnythingBut::Wildcard(list), Leaf::Str(e)) => list.iter().position(|(_, w)| w.matches(e)),
        _ => None,
    }
}

/// What one leaf test found: the accepted leaves, and whether `exists: false` is among its
/// matchers.
struct FieldOutcome {
    candidates: Vec<usize>,
    /// The test has `exists: false`.
    absence: bool,
    /// The field has no leaf value at all: absence satisfies the test whatever else is chosen.
    absent_ok: bool,
}

fn test_field(test: &LeafTest, flat: &FlatEvent<'_>) -> FieldOutcome {
    let present = flat.values_at(&test.path);
    let candidates: Vec<usize> = present
        .iter()
        .copied()
        .filter(|&i| {
            let v = Leaf::from(&flat.leaves[i].value.value);
            test.matchers
                .iter()
                .any(|m| reading::accepts(&m.op, v, test.reading))
        })
        .collect();
    let absence = test.matchers.iter().any(|m| m.op == Op::Exists(false));
    FieldOutcome {
        candidates,
        absence,
        absent_ok: absence && present.is_empty(),
    }
}

/// How each test of a branch is satisfied, per test: by a leaf value (`Some`), or by its field's
/// absence (`None`).
type Choice = Vec<Option<usize>>;

/// One array-consistent reading of the event for a branch, as Ruler's array-consistent finder
/// (`ACFinder`, which `rulesForJSONEvent` runs) reads it, or `None` when there is none. The
/// values chosen for the tests must sit in the same elements of every array they share. Tests
/// are taken in Ruler's order, paths in Java's string order, and `exists: false` is satisfied
/// when none of the field's values sits in the same elements as the values chosen for the tests
/// before it (`NameState.getNameTransitions` skips the fields that break array consistency): so
/// `{"items": {"sku": ["A"], "tag": [{"exists": false}]}}` matches an event whose item `A` has
/// no tag while another item has one, and the same test on a field sorting before `sku` looks at
/// every item. Past [`MAX_CONSISTENCY_STEPS`] the search stops and accepts, as if the arrays were
/// independent.
fn choose(branch: &Branch, outcomes: &[FieldOutcome], flat: &FlatEvent<'_>) -> Option<Choice> {
    struct Search<'s, 'a> {
        tests: &'s [LeafTest],
        outcomes: &'s [FieldOutcome],
        flat: &'s FlatEvent<'a>,
        order: Vec<usize>,
        choice: Choice,
        /// The chosen values inside arrays, which constrain the tests after them.
        chosen: Vec<usize>,
        steps: usize,
    }
    impl Search<'_, '_> {
        /// Whether the leaf sits in the same elements as the values chosen; Err: out of budget
        /// (walking the elements of deeply nested arrays counts).
        fn fits(&mut self, leaf: usize) -> Result<bool, ()> {
            for i in 0..self.chosen.len() {
                let (ok, walked) = self.flat.consistent(self.chosen[i], leaf);
                self.spend(walked)?;
                if !ok {
                    return Ok(false);
                }
            }
            Ok(true)
        }

        fn spend(&mut self, n: usize) -> Result<(), ()> {
            self.steps += n.max(1);
            if self.steps > MAX_CONSISTENCY_STEPS {
                return Err(());
            }
            Ok(())
        }

        /// Err: out of budget.
        fn go(&mut self, at: usize) -> Result<bool, ()> {
            let Some(&t) = self.order.get(at) else {
                return Ok(true);
            };
            let out = &self.outcomes[t];
            // A value outside every array fits whatever is chosen and constrains nothing.
            if let Some(&c) = out.candidates.iter().find(|&&c| !self.flat.in_array(c)) {
                self.choice[t] = Some(c);
                return self.go(at + 1);
            }
            for &c in &out.candidates {
                self.spend(self.chosen.len())?;
                if self.fits(c)? {
                    self.chosen.push(c);
                    self.choice[t] = Some(c);
                    if self.go(at + 1)? {
                        return Ok(true);
                    }
                    self.chosen.pop();
                }
            }
            if out.absence {
                let present = self.flat.values_at(&self.tests[t].path);
                self.spend(present.len() * self.chosen.len())?;
                let mut any = false;
                for &p in present {
                    if self.fits(p)? {
                        any = true;
                        break;
                    }
                }
                if !any {
                    self.choice[t] = None;
                    return self.go(at + 1);
                }
            }
            Ok(false)
        }
    }
    // A test neither a value nor absence can satisfy: no reading at all.
    if outcomes
        .iter()
        .any(|o| o.candidates.is_empty() && !o.absence)
    {
        return None;
    }
    let mut order: Vec<usize> = (0..branch.tests.len()).collect();
    order.sort_by(|&a, &b| reading::java_order(&branch.tests[a].path, &branch.tests[b].path));
    let mut search = Search {
        tests: &branch.tests,
        outcomes,
        flat,
        order,
        choice: vec![None; branch.tests.len()],
        chosen: Vec::new(),
        steps: 0,
    };
    match search.go(0) {
        Ok(true) | Err(()) => Some(search.choice),
        Ok(false) => None,
    }
}

fn branch_matches(branch: &Branch, flat: &FlatEvent<'_>) -> bool {
    let outcomes: Vec<FieldOutcome> = branch.tests.iter().map(|t| test_field(t, flat)).collect();
    choose(branch, &outcomes, flat).is_some()
}

/// The plain answer for an already flattened event.
pub fn matches_flat(pattern: &EventPattern, flat: &FlatEvent<'_>) -> bool {
    pattern.branches().iter().any(|b| branch_matches(b, flat))
}

/// Does the event match the pattern? The plain answer, without explanation.
pub fn matches(pattern: &EventPattern, event: &Json) -> bool {
    let flat = FlatEvent::new(event);
    pattern.branches().iter().any(|b| branch_matches(b, &flat))
}

/// The indexes of the patterns the event matches, in increasing order, one pattern at a time:
/// the reference answer that [`crate::compiled::CompiledMatcher::matching`] must equal. The
/// event is flattened once for all the patterns.
pub fn matching(patterns: &[EventPattern], event: &Json) -> Vec<usize> {
    let flat = FlatEvent::new(event);
    patterns
        .iter()
        .enumerate()
        .filter(|(_, p)| matches_flat(p, &flat))
        .map(|(i, _)| i)
        .collect()
}

/// The explanation of one match: the answer and, per `$or` branch, per leaf, why.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Verdict {
    matched: bool,
    /// One line a person reads first.
    pub summary: String,
    /// One verdict per `$or` branch (one when the pattern has no `$or`).
    pub branches: Vec<BranchVerdict>,
}

impl Verdict {
    /// Whether the event matches: some branch passed.
    pub fn matched(&self) -> bool {
        self.matched
    }
}

/// The verdict on one `$or` branch: every leaf must pass.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct BranchVerdict {
    /// Whether the branch passed.
    pub matched: bool,
    /// One verdict per leaf test of the branch.
    pub leaves: Vec<LeafVerdict>,
    /// Set when every leaf passed on its own but no single array element satisfied them together.
    pub note: Option<String>,
}

/// The verdict on one leaf test: the path, what the pattern asks, what the event has, and why it passed or not.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct LeafVerdict {
    /// Dot-joined path.
    pub path: String,
    /// The span of the key in the pattern.
    pub key_span: Span,
    /// Each matcher as written in the pattern, with its span.
    pub matchers: Vec<(String, Span)>,
    /// Each value found at the path, as compact JSON, with its span in the event.
    pub values: Vec<(String, Span)>,
    /// Whether some value (or, for `exists: false`, the absence of one) satisfied a matcher.
    pub passed: bool,
    /// Why, in words a person can act on (a near-miss key, a type or case difference...).
    pub reason: String,
    /// Where in the event's text the reason's slip is, when it names one ([`crate::near_miss`]):
    /// the character that differs, is extra or stands where one is missing.
    pub slip: Option<Span>,
}

/// Evaluates and explains. `pattern_text` and `event` must be the texts the pattern and the event
/// were parsed from, so that spans line up.
pub fn explain(pattern: &EventPattern, event: &Json) -> Verdict {
    let flat = FlatEvent::new(event);
    let src = pattern.source();
    let mut branches = Vec::new();
    for branch in pattern.branches() {
        let mut leaves = Vec::new();
        let mut groups = Vec::new();
        let outcomes: Vec<FieldOutcome> =
            branch.tests.iter().map(|t| test_field(t, &flat)).collect();
        let choice = choose(branch, &outcomes, &flat);
        for (ti, (test, out)) in branch.tests.iter().zip(&outcomes).enumerate() {
            // Satisfied by absence within the array elements the tests before it matched in,
            // though the field is present in other elements.
            let absent_within = !out.absent_ok
                && out.absence
                && choice.as_ref().is_some_and(|c| c.get(ti) == Some(&None));
            let passed = !out.candidates.is_empty() || out.absent_ok || absent_within;
            let values: Vec<(String, Span)> = flat
                .values_at(&test.path)
                .iter()
                .map(|&i| (flat.leaves[i].value.to_compact(), flat.leaves[i].value.span))
                .collect();
            let matchers: Vec<(String, Span)> = test
                .matchers
                .iter()
                .map(|m| {
                    (
                        src.get(m.span.start..m.span.end).unwrap_or("").to_string(),
                        m.span,
                    )
                })
                .collect();
            let mut reason = match absent_within {
                true => format!(
                    "`{}` is absent from the array element where the fields before it matched; it is only in other elements, which EventBridge does not look at for exists:false here",
                    test.path
                ),
                false => reason_for(test, &flat, out, passed),
            };
            if let Some(later) = (!passed && out.absence)
                .then(|| absence_sorted_first(branch, test, &flat))
                .flatten()
            {
                reason.push_str(&format!(
                    "; EventBridge looks for an absent field only in the array elements where the fields sorting before it matched, and `{}` sorts before `{later}`, so every element counts",
                    test.path
                ));
            }
            let slip = (!passed).then(|| slip_span(test, &flat)).flatten();
            if !out.candidates.is_empty() {
                groups.push(out.candidates.clone());
            }
            leaves.push(LeafVerdict {
                path: test.path.clone(),
                key_span: test.key_span,
                matchers,
                values,
                passed,
                reason,
                slip,
            });
        }
        let all_leaves = leaves.iter().all(|l| l.passed);
        let consistent = choice.is_some();
        let note = (all_leaves && !consistent).then(|| inconsistency_note(&groups, &flat));
        branches.push(BranchVerdict {
            matched: all_leaves && consistent,
            leaves,
            note,
        });
    }
    let matched = branches.iter().any(|b| b.matched);
    let summary = summarize(&branches, matched);
    Verdict {
        matched,
        summary,
        branches,
    }
}

/// For an `exists: false` test that fails on values found only inside arrays: a field of the
/// branch that sorts after it (in Ruler's order), had it sorted before, the absence would have
/// been looked for in its element only.
fn absence_sorted_first<'b>(
    branch: &'b Branch,
    test: &LeafTest,
    flat: &FlatEvent<'_>,
) -> Option<&'b str> {
    let present = flat.values_at(&test.path);
    if present.is_empty() || present.iter().any(|&i| !flat.in_array(i)) {
        return None;
    }
    branch
        .tests
        .iter()
        .filter(|o| {
            o.path != test.path
                && reading::java_order(&test.path, &o.path) == std::cmp::Ordering::Less
                && o.matchers.iter().any(|m| m.op != Op::Exists(false))
        })
        .map(|o| o.path.as_str())
        .min_by(|a, b| reading::java_order(a, b))
}

/// Why fields that each matched do not match together: where the array they share has their
/// values. `groups` holds, per test, the values that satisfied it.
fn inconsistency_note(groups: &[Vec<usize>], flat: &FlatEvent<'_>) -> String {
    const RULE: &str = "fields tested inside one array of objects must match in the same element";
    let leaf = |i: usize| &flat.leaves[i];
    let inside: Vec<&Vec<usize>> = groups
        .iter()
        .filter(|g| g.iter().all(|&i| flat.in_array(i)))
        .collect();
    // An array every one of those values sits in (the outermost such): the arrays of the first
    // value, kept while every other value sits in them too (one walk up per value).
    let mut shared: Vec<u32> = inside
        .first()
        .and_then(|g| g.first())
        .map_or(Vec::new(), |&i| {
            flat.elements_of(i).map(|(id, _)| id).collect()
        });
    for &j in inside.iter().flat_map(|g| g.iter()) {
        if shared.is_empty() {
            break;
        }
        let mut holding = flat.elements_of(j).map(|(id, _)| id).peekable();
        // Both innermost first, so ids decrease along each: one merge-like pass.
        shared.retain(|&id| {
            while holding.next_if(|&h| h > id).is_some() {}
            holding.peek() == Some(&id)
        });
    }
    // The elements of array `id` each test's values sit in.
    let elements_in = |id: u32| -> Vec<Vec<u32>> {
        inside
            .iter()
            .map(|g| {
                let mut at: Vec<u32> = g
                    .iter()
                    .filter_map(|&i| flat.elements_of(i).find(|&(a, _)| a == id).map(|(_, e)| e))
                    .collect();
                at.sort_unstable();
                at.dedup();
                at
            })
            .collect()
    };
    // The outermost shared array where the values part: not all in one element of it.
    let parted = shared
        .iter()
        .rev()
        .map(|&id| (id, elements_in(id)))
        .find(|(_, at)| {
            !at.first()
                .is_some_and(|first| first.len() == 1 && at.iter().all(|a| a == first))
        });
    let (Some((id, elements)), true) = (parted, inside.len() >= 2) else {
        return format!("each field matched, but not within the same array element: {RULE}");
    };
    let array = flat.array_path(id);
    let parts: Vec<String> = inside
        .iter()
        .zip(&elements)
        .map(|(g, at)| {
            let path = g
                .first()
                .map_or(String::new(), |&i| flat.path(leaf(i).path));
            let name = path
                .strip_prefix(array.as_str())
                .and_then(|p| p.strip_prefix('.'))
                .filter(|_| !array.is_empty())
                .unwrap_or(&path);
            let shown: Vec<String> = at.iter().take(5).map(u32::to_string).collect();
            match (shown.split_last(), at.len()) {
                (Some((one, [])), _) => format!("`{name}` in element {one}"),
                (Some((last, init)), 2..=5) => {
                    format!("`{name}` in elements {} and {last}", init.join(", "))
                }
                _ => format!("`{name}` in elements {}, ...", shown.join(", ")),
            }
        })
        .collect();
    let place = if array.is_empty() {
        "the event's array".to_string()
    } else {
        format!("`{array}`")
    };
    format!(
        "each field matched, but not within the same element of {place}: {} (counting from 0); {RULE}",
        parts.join(", ")
    )
}

fn summarize(branches: &[BranchVerdict], matched: bool) -> String {
    if matched {
        if branches.len() > 1 {
            let i = branches.iter().position(|b| b.matched).unwrap_or(0);
            return format!(
                "matched (through $or branch {} of {})",
                i + 1,
                branches.len()
            );
        }
        return "matched".to_string();
    }
    // The branch that came closest explains the failure best.
    let best = branches
        .iter()
        .min_by_key(|b| b.leaves.iter().filter(|l| !l.passed).count());
    match best {
        Some(b) => match b.leaves.iter().find(|l| !l.passed) {
            Some(l) => format!("failed on `{}`: {}", l.path, l.reason),
            None => format!("failed: {}", b.note.clone().unwrap_or_default()),
        },
        None => "failed".to_string(),
    }
}

fn type_name(v: &JsonValue) -> &'static str {
    match v {
        JsonValue::Null => "null",
        JsonValue::Bool(_) => "a boolean",
        JsonValue::Number(..) => "a number",
        JsonValue::String(_) => "a string",
        JsonValue::Array(_) => "an array",
        JsonValue::Object(_) => "an object",
    }
}

fn reason_for(test: &LeafTest, flat: &FlatEvent<'_>, out: &FieldOutcome, passed: bool) -> String {
    let present = flat.values_at(&test.path);
    let shown: Vec<String> = present
        .iter()
        .take(5)
        .map(|&i| flat.leaves[i].value.to_compact())
        .collect();
    if passed {
        if out.absent_ok {
            return format!("`{}` is absent, as exists:false requires", test.path);
        }
        let Some(&first) = out.candidates.first() else {
            return "matched".to_string();
        };
        let value = &flat.leaves[first].value.value;
        let v = flat.leaves[first].value.to_compact();
        return match surprising_pass(test, value) {
            Some(why) => format!("{v} matched: {why}"),
            None => format!("{v} matched"),
        };
    }
    if present.is_empty() {
        if let Some(c) = flat.container_at(&test.path) {
            return match c.value {
                JsonValue::Array(ref a) if a.is_empty() => format!(
                    "`{}` is an empty array, which holds no value to test",
                    test.path
                ),
                _ => format!(
                    "`{}` is {}; patterns test only leaf values (strings, numbers, booleans, null)",
                    test.path,
                    type_name(&c.value)
                ),
            };
        }
        let mut msg = format!("`{}` is missing from the event", test.path);
        if let Some(near) = near_miss(&test.path, flat) {
            msg.push_str(&format!("; did you mean `{near}`?"));
        }
        return msg;
    }
    if test.matchers.iter().all(|m| m.op == Op::Exists(false)) {
        return format!(
            "exists:false, but `{}` is present ({})",
            test.path,
            shown.join(", ")
        );
    }
    let values: Vec<&JsonValue> = present
        .iter()
        .map(|&i| &flat.leaves[i].value.value)
        .collect();
    let mut hints = Vec::new();
    for m in &test.matchers {
        let h = reading_hint(&m.op, &values, test).or_else(|| hint(&m.op, &values));
        if let Some(h) = h {
            if !hints.contains(&h) {
                hints.push(h);
            }
        }
    }
    let got = if values.len() > 1 {
        format!(
            "none of the {} array elements matched ({})",
            values.len(),
            shown.join(", ")
        )
    } else {
        format!("got {}", shown.join(", "))
    };
    let expected = expectation(test);
    let mut msg = format!("expected {expected}, {got}");
    for h in hints {
        msg.push_str("; ");
        msg.push_str(&h);
    }
    msg
}

fn expectation(test: &LeafTest) -> String {
    let parts: Vec<String> = test.matchers.iter().map(|m| describe_op(&m.op)).collect();
    if parts.len() == 1 {
        parts[0].clone()
    } else {
        format!("one of [{}]", parts.join(", "))
    }
}

/// A string as JSON writes it, quotes and escapes included, for messages.
fn quoted(s: &str) -> String {
    let mut o = String::new();
    crate::json::write_string(s, &mut o);
    o
}

/// A short description of an operator, for messages.
pub fn describe_op(op: &Op) -> String {
    let q = quoted;
    match op {
        Op::Exact(s) => q(s),
        Op::Number { text, .. } => text.clone(),
        Op::Bool(b) => b.to_string(),
        Op::Null => "null".into(),
        Op::Prefix { value, ignore_case } => format!(
            "prefix {}{}",
            q(value),
            if *ignore_case { " (ignoring case)" } else { "" }
        ),
        Op::Suffix { value, ignore_case } => format!(
            "suffix {}{}",
            q(value),
            if *ignore_case { " (ignoring case)" } else { "" }
        ),
        Op::EqualsIgnoreCase(s) => format!("{} ignoring case", q(s)),
        Op::AnythingBut(ab) => {
            let list = |v: &[String]| v.iter().map(|s| q(s)).collect::<Vec<_>>().join(", ");
            match ab {
                AnythingBut::Strings(v) => format!("anything but {}", list(v)),
                AnythingBut::Numbers(v) => format!(
                    "anything but {}",
                    v.iter()
                        .map(|n| n.to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                AnythingBut::Prefix(v) => format!("anything but prefix {}", list(v)),
                AnythingBut::Suffix(v) => format!("anything but suffix {}", list(v)),
                AnythingBut::EqualsIgnoreCase(v) => {
                    format!("anything but {} ignoring case", list(v))
                }
                AnythingBut::Wildcard(v) => format!(
                    "anything but wildcard {}",
                    v.iter().map(|(s, _)| q(s)).collect::<Vec<_>>().join(", ")
                ),
            }
        }
        Op::Numeric(r) => {
            let mut parts = Vec::new();
            if let Some(e) = r.equals {
                parts.push(format!("= {e}"));
            }
            if let Some((lo, open)) = r.lower {
                parts.push(format!("{} {lo}", if open { ">" } else { ">=" }));
            }
            if let Some((hi, open)) = r.upper {
                parts.push(format!("{} {hi}", if open { "<" } else { "<=" }));
            }
            format!("a number {}", parts.join(" and "))
        }
        Op::Exists(true) => "the field to exist".into(),
        Op::Exists(false) => "the field to be absent".into(),
        Op::Wildcard { text, .. } => format!("wildcard {}", q(text)),
        Op::Cidr { text, cidr } if cidr.is_address() => {
            format!("{} (this IP address, in any spelling)", q(text))
        }
        Op::Cidr { text, .. } => format!("an IP address in {text}"),
    }
}

/// Why a value passed where a person may not expect it to: only the matchers that accept it
/// for one of Ruler's reasons below accept it.
fn surprising_pass(test: &LeafTest, value: &JsonValue) -> Option<String> {
    let leaf = Leaf::from(value);
    let accepting: Vec<&Op> = test
        .matchers
        .iter()
        .map(|m| &m.op)
        .filter(|op| reading::accepts(op, leaf, test.reading))
        .collect();
    match (value, accepting.as_slice()) {
        (JsonValue::Number(..), [Op::Cidr { text, .. }, ..])
            if accepting.iter().all(|op| matches!(op, Op::Cidr { .. })) =>
        {
            Some(format!(
                "EventBridge reads no number as an IP address, and walks its text through the range of {text} written in hexadecimal digits, where its first digits fall"
            ))
        }
        (JsonValue::String(s), [Op::AnythingBut(_), ..])
            if test.reading == reading::Reading::Addresses
                && accepting.iter().all(|op| !accepts_leaf(op, leaf)) =>
        {
            Some(format!("{}, which no anything-but excludes", read_as_address(test, s)))
        }
        _ => None,
    }
}

/// Where the test that decides how a field is read stands, for messages.
fn deciding_place(test: &LeafTest) -> &'static str {
    if reading::own(test) {
        "in this list"
    } else {
        "in another $or branch that reaches this field the same way"
    }
}

/// "Where an IP test is on the same field, EventBridge reads `s` as an IP address".
fn read_as_address(test: &LeafTest, s: &str) -> String {
    format!(
        "where an IP test (cidr, or an IP address) is on the same field ({}), EventBridge reads {} as an IP address",
        deciding_place(test),
        quoted(s)
    )
}

/// Why a matcher that would accept a value on its own does not here: Ruler reads the field's
/// values differently because of another test sharing its machine ([`reading`]).
fn reading_hint(op: &Op, values: &[&JsonValue], test: &LeafTest) -> Option<String> {
    let r = test.reading;
    let v = values.iter().find(|v| {
        let leaf = Leaf::from(**v);
        accepts_leaf(op, leaf) && !reading::accepts(op, leaf, r)
    })?;
    let numeric_here = format!(
        "where a numeric test is on the same field ({}), EventBridge",
        deciding_place(test)
    );
    Some(match (r, v) {
        (reading::Reading::Numbers, JsonValue::Number(..)) if matches!(op, Op::Cidr { .. }) => {
            format!("{numeric_here} reads the event's number as a number, which no IP test matches")
        }
        (reading::Reading::Numbers, JsonValue::String(_)) => {
            format!("{numeric_here} reads no string as an IP address, so IP tests never match here")
        }
        (reading::Reading::Numbers, _) => {
            format!("{numeric_here} reads the event's number as a number, so a pattern number more precise than a double, which matches only as written, never matches it")
        }
        (_, JsonValue::String(s)) => {
            format!(
                "{}, and then only IP tests can match it",
                read_as_address(test, s)
            )
        }
        _ => return None,
    })
}

/// An actionable hint when a matcher failed for a reason a person may not expect.
fn hint(op: &Op, values: &[&JsonValue]) -> Option<String> {
    let any_string = values.iter().any(|v| matches!(v, JsonValue::String(_)));
    let any_number = values.iter().any(|v| matches!(v, JsonValue::Number(..)));
    match op {
        Op::Exact(s) => {
            if values
                .iter()
                .any(|v| matches!(v, JsonValue::Number(t, _) if t == s))
            {
                return Some(format!("type differs: the pattern has the string \"{s}\" but the event has the number {s}; write it without quotes"));
            }
            if values
                .iter()
                .any(|v| matches!(v, JsonValue::String(e) if ignore_case::equals(s, e)))
            {
                return Some("case differs: exact matching is case-sensitive; use {\"equals-ignore-case\": ...}".into());
            }
            slip_hint(s, values, Compared::Whole)
        }
        Op::Number { text, value } => {
            if values
                .iter()
                .any(|v| matches!(v, JsonValue::String(e) if e == text))
            {
                return Some(format!("type differs: the pattern has the number {text} but the event has the string \"{text}\"; quote it in the pattern"));
            }
            if !value.is_finite() && any_number {
                return Some(format!("{text} is more precise than a double, so it matches only a number written exactly like this, not another spelling or a near value"));
            }
            None
        }
        Op::Numeric(_) if any_string && !any_number => {
            Some("numeric only matches numbers, and the event has a string".into())
        }
        Op::Prefix { .. } | Op::Suffix { .. } | Op::Wildcard { .. } | Op::EqualsIgnoreCase(_)
            if !any_string =>
        {
            Some("this operator only matches strings".into())
        }
        Op::Prefix {
            value,
            ignore_case: false,
        } => {
            if values
                .iter()
                .any(|v| matches!(v, JsonValue::String(e) if ignore_case::starts_with(value, e)))
            {
                return Some(
                    "case differs: use {\"prefix\": {\"equals-ignore-case\": ...}}".into(),
                );
            }
            slip_hint(value, values, Compared::Head)
        }
        Op::Suffix {
            value,
            ignore_case: false,
        } => {
            if values
                .iter()
                .any(|v| matches!(v, JsonValue::String(e) if ignore_case::ends_with(value, e)))
            {
                return Some(
                    "case differs: use {\"suffix\": {\"equals-ignore-case\": ...}}".into(),
                );
            }
            None
        }
        Op::Wildcard { wildcard, .. } => match (values, whole_text(op)) {
            (_, Some(text)) => slip_hint(text, values, Compared::Whole)
                .map(|h| format!("{h} (a wildcard without * compares the whole value)")),
            ([JsonValue::String(e)], None) => wildcard.why_not(e),
            _ => None,
        },
        Op::EqualsIgnoreCase(s) => spelling_hint(s, values, ignore_case::Anchor::Whole)
            .or_else(|| slip_hint(s, values, Compared::AnyCase)),
        Op::Prefix {
            value,
            ignore_case: true,
        } => spelling_hint(value, values, ignore_case::Anchor::Start),
        Op::Suffix {
            value,
            ignore_case: true,
        } => spelling_hint(value, values, ignore_case::Anchor::End),
        Op::AnythingBut(ab) => {
            if values.iter().all(|v| excluded_by(ab, v)) {
                return Some(match values {
                    [JsonValue::String(e)] => match excluding_entry(ab, e) {
                        Some(entry) => format!("excluded by anything-but: {entry}"),
                        None => "excluded by anything-but".into(),
                    },
                    _ => "excluded by anything-but".into(),
                });
            }
            None
        }
        _ => None,
    }
}

/// Which entry of an `anything-but` list of prefixes, suffixes, case-folded values or
/// wildcards excludes the string `e`, said as a person would check it (`None` for a list of one,
/// which the failure's description already names, and for lists of plain values, where the value
/// itself is the entry).
fn excluding_entry(ab: &AnythingBut, e: &str) -> Option<String> {
    let i = excluding_index(ab, Leaf::Str(e))?;
    let q = quoted;
    match ab {
        AnythingBut::Prefix(list) if list.len() > 1 => list
            .get(i)
            .map(|p| format!("the value starts with {}", q(p))),
        AnythingBut::Suffix(list) if list.len() > 1 => {
            list.get(i).map(|p| format!("the value ends with {}", q(p)))
        }
        AnythingBut::EqualsIgnoreCase(list) if list.len() > 1 => list
            .get(i)
            .map(|s| format!("the value is {} ignoring case", q(s))),
        AnythingBut::Wildcard(list) if list.len() > 1 => list
            .get(i)
            .map(|(text, _)| format!("the value matches the wildcard {}", q(text))),
        _ => None,
    }
}

/// How many of a field's values are compared with a pattern's string for a slip.
const SLIP_VALUES: usize = 64;

/// How a pattern's string is set against a value to find a slip.
#[derive(Clone, Copy)]
enum Compared {
    /// The whole value (an exact string). A value equal up to case has a hint of its own.
    Whole,
    /// The whole value, both in lower case (`equals-ignore-case`).
    AnyCase,
    /// The value's head (`prefix`: [`near_miss::prefix_slip`]).
    Head,
}

/// The first string value (of the first [`SLIP_VALUES`]) one slip from `pattern`'s: its index
/// and the slip.
fn find_slip(
    pattern: &str,
    values: &[&JsonValue],
    how: Compared,
) -> Option<(usize, near_miss::Slip)> {
    values
        .iter()
        .take(SLIP_VALUES)
        .enumerate()
        .find_map(|(k, v)| {
            let JsonValue::String(e) = v else {
                return None;
            };
            match how {
                Compared::Whole if ignore_case::equals(pattern, e) => None,
                Compared::Whole => near_miss::slip(pattern, e),
                Compared::AnyCase => near_miss::slip(&pattern.to_lowercase(), &e.to_lowercase()),
                Compared::Head => near_miss::prefix_slip(pattern, e),
            }
            .map(|slip| (k, slip))
        })
}

/// "close to "PAID": character 4 is ..." when a string value is one slip from `pattern`'s.
fn slip_hint(pattern: &str, values: &[&JsonValue], how: Compared) -> Option<String> {
    let (_, slip) = find_slip(pattern, values, how)?;
    Some(match how {
        Compared::Whole => format!("close to {}: {slip}", quoted(pattern)),
        Compared::AnyCase => format!(
            "close to {}: {slip} (in any case)",
            quoted(&pattern.to_lowercase())
        ),
        Compared::Head => format!("close to the prefix {}: {slip}", quoted(pattern)),
    })
}

/// The text a matcher compares whole, where a slip can be named: an exact string, or a
/// wildcard without a star.
fn whole_text(op: &Op) -> Option<&str> {
    match op {
        Op::Exact(s) => Some(s),
        Op::Wildcard { wildcard, .. } if wildcard.star_count() == 0 => {
            Some(wildcard.literal_prefix())
        }
        _ => None,
    }
}

/// Where, in the event's text, a failing test's value is one slip from a matcher's (the place
/// [`slip_hint`] names). Only a string written without escapes is placed: then its characters
/// stand in the text as they are (an escape always takes more bytes than what it stands for).
fn slip_span(test: &LeafTest, flat: &FlatEvent<'_>) -> Option<Span> {
    let present = flat.values_at(&test.path);
    let values: Vec<&JsonValue> = present
        .iter()
        .map(|&i| &flat.leaves[i].value.value)
        .collect();
    test.matchers.iter().find_map(|m| {
        let (k, slip) = find_slip(whole_text(&m.op)?, &values, Compared::Whole)?;
        let json = flat.leaves[*present.get(k)?].value;
        let JsonValue::String(e) = &json.value else {
            return None;
        };
        if json.span.end.checked_sub(json.span.start)? != e.len() + 2 {
            return None;
        }
        let r = slip.event_range(e)?;
        let start = json.span.start + 1;
        Some(Span {
            start: start + r.start,
            end: start + r.end,
        })
    })
}

/// Why a value equal to the pattern's up to case still fails `equals-ignore-case` (Ruler spells
/// each character of the pattern's value in its own lower or upper case only).
fn spelling_hint(
    pattern: &str,
    values: &[&JsonValue],
    anchor: ignore_case::Anchor,
) -> Option<String> {
    let q = quoted;
    values.iter().find_map(|v| {
        let JsonValue::String(e) = v else { return None };
        let u = ignore_case::unspelled(pattern, e, anchor)?;
        let spellings = if u.lower == u.upper {
            q(&u.lower)
        } else {
            format!("{} or {}", q(&u.lower), q(&u.upper))
        };
        Some(format!(
            "EventBridge lets each character stand only for its own lower or upper case: {} stands for {spellings}, and the event has {} there",
            q(&u.character.to_string()),
            q(&u.found)
        ))
    })
}

/// A path in the event that differs from `path` only by case, dashes or underscores.
fn near_miss(path: &str, flat: &FlatEvent<'_>) -> Option<String> {
    let norm = |s: &str| -> String {
        s.chars()
            .filter(|c| *c != '-' && *c != '_')
            .flat_map(|c| c.to_lowercase())
            .collect()
    };
    let want = norm(path);
    // Longer paths could only be one slip away from a pattern path of over 1 KB.
    let mut candidates = flat.paths_up_to(path.len().max(near_miss::MAX_BYTES) + 1);
    candidates.sort();
    // The same name in another case or spelling of dashes first; else a slip of the keyboard
    // (`detail.stauts`), looked for among a bounded number of paths.
    candidates
        .iter()
        .find(|p| p.as_str() != path && norm(p) == want)
        .or_else(|| {
            candidates
                .iter()
                .take(SLIP_PATHS)
                .find(|p| near_miss::slip(path, p).is_some())
        })
        .map(|p| p.to_string())
}

/// How many of an event's paths are compared with a missing one for a slip.
const SLIP_PATHS: usize = 4096;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{EventPattern, Json};
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    /// A random value of nested objects and arrays, as text.
    fn random_value(r: &mut crate::test_rng::Rng, depth: usize) -> String {
        match if depth == 0 { 0 } else { r.below(4) } {
            0 => r.below(10).to_string(),
            1 => {
                let n = r.below(4);
                let items: Vec<String> = (0..n).map(|_| random_value(r, depth - 1)).collect();
                format!("[{}]", items.join(","))
            }
            _ => {
                let n = 1 + r.below(3);
                let fields: Vec<String> = (0..n)
                    .map(|i| format!("\"k{i}\":{}", random_value(r, depth - 1)))
                    .collect();
                format!("{{{}}}", fields.join(","))
            }
        }
    }

    /// Two leaves are consistent exactly when no array holds them in different elements (the
    /// definition, over every pair of their enclosing elements), on random nestings of arrays
    /// and objects; and the elements a leaf lists are its enclosing arrays, innermost first.
    #[test]
    fn consistency_is_sharing_no_array_in_different_elements() {
        let mut r = crate::test_rng::Rng(0x9e37_79b9_7f4a_7c15);
        let mut inconsistent = 0;
        for _ in 0..300 {
            let text = format!("{{\"a\":{}}}", random_value(&mut r, 6));
            let event = Json::parse(&text).unwrap();
            let flat = FlatEvent::new(&event);
            let n = flat.leaves.len();
            for a in 0..n {
                let ea: Vec<(u32, u32)> = flat.elements_of(a).collect();
                // Innermost first: each array encloses the one before it, so ids decrease.
                assert!(ea.windows(2).all(|w| w[0].0 > w[1].0), "{text}: {ea:?}");
                for b in 0..n {
                    let eb: Vec<(u32, u32)> = flat.elements_of(b).collect();
                    let by_definition = !ea
                        .iter()
                        .any(|(ia, xa)| eb.iter().any(|(ib, xb)| ia == ib && xa != xb));
                    let (got, _) = flat.consistent(a, b);
                    assert_eq!(got, by_definition, "{text}: leaves {a} and {b}");
                    inconsistent += usize::from(!got);
                }
            }
        }
        assert!(
            inconsistent > 100,
            "the events exercise inconsistency: {inconsistent}"
        );
    }

    /// Paths are one whatever the keys that spell them (`a.b` as one key or two), and a path
    /// is found, spelled back and told apart from its neighbours through the tree of keys.
    #[test]
    fn paths_spelled_by_different_keys_are_one() {
        let text = r#"{"a.b": {"c": 1}, "a": {"b.c": 2, "b": {"c": 3, "d": [4, {"e": 5}]}}, "": {"x": 6}}"#;
        let event = Json::parse(text).unwrap();
        let flat = FlatEvent::new(&event);
        let values = |path: &str| -> Vec<String> {
            flat.values_at(path)
                .iter()
                .map(|&i| flat.leaves[i].value.to_compact())
                .collect()
        };
        assert_eq!(values("a.b.c"), ["1", "2", "3"]);
        assert_eq!(values("a.b.d"), ["4"]);
        assert_eq!(values("a.b.d.e"), ["5"]);
        assert_eq!(values(".x"), ["6"]);
        for missing in ["a.b", "a", "a.b.c.", "b.c", "a.bc", "x", ""] {
            assert!(values(missing).is_empty(), "{missing}");
        }
        for (i, leaf) in flat.leaves.iter().enumerate() {
            assert!(flat.values_at(&flat.path(leaf.path)).contains(&i));
        }
        assert!(flat.container_at("a.b").is_some());
        assert!(flat.container_at("a.b.c").is_none());
        assert_eq!(flat.array_path(0), "a.b.d");
    }

    /// A long key holding thousands of fields costs an entry per field, not a copy of the key
    /// for each (a 300 KB event of this shape once took 4 GB and 13 s to flatten).
    #[test]
    fn a_long_key_is_not_copied_into_every_path_below_it() {
        let key = "k".repeat(100_000);
        let fields: Vec<String> = (0..20_000).map(|i| format!("\"f{i}\":{i}")).collect();
        let text = format!("{{\"{key}\":{{{}}}}}", fields.join(","));
        let event = Json::parse(&text).unwrap();
        let flat = FlatEvent::new(&event);
        assert_eq!(flat.leaves.len(), 20_000);
        let last = format!("{key}.f19999");
        assert_eq!(flat.values_at(&last), [19_999]);
        assert_eq!(flat.path(flat.leaves[19_999].path), last);
        assert!(flat.values_at(&format!("{key}.f20000")).is_empty());
        // Suggestions look only at paths short enough to be one slip from a pattern's.
        assert!(flat.paths_up_to(1024).is_empty());
    }

    /// A value deep in nested arrays costs one element, not a copy of all its enclosing
    /// arrays: 100,000 numbers in 120 nested arrays make 100,119 elements.
    #[test]
    fn deeply_nested_arrays_cost_one_element_per_value() {
        let d = 120;
        let numbers = vec!["1"; 100_000].join(",");
        let text = format!("{{\"a\":{}{numbers}{}}}", "[".repeat(d), "]".repeat(d));
        let event = Json::parse(&text).unwrap();
        let flat = FlatEvent::new(&event);
        assert_eq!(flat.leaves.len(), 100_000);
        assert_eq!(flat.elements.len(), 100_000 + d - 1);
        assert_eq!(flat.elements_of(0).count(), d);
        // They differ in the innermost array only: one step tells.
        assert_eq!(flat.consistent(0, 99_999), (false, 1));
    }

    /// `exists: false` satisfied within the array element the tests before it matched in says
    /// so, though the field is present elsewhere; the verdict agrees with `matches`.
    #[test]
    fn absence_within_an_element_is_explained() {
        let p = EventPattern::parse(r#"{"items": {"sku": ["A"], "tag": [{"exists": false}]}}"#)
            .unwrap();
        let e = Json::parse(r#"{"items": [{"sku": "A"}, {"sku": "B", "tag": "x"}]}"#).unwrap();
        let v = explain(&p, &e);
        assert!(v.matched() && matches(&p, &e));
        let tag = &v.branches[0].leaves[1];
        assert!(tag.passed);
        assert!(
            tag.reason
                .contains("absent from the array element where the fields before it matched"),
            "{}",
            tag.reason
        );
        // Sorting before `sku`, the field is looked for in every element.
        let p =
            EventPattern::parse(r#"{"items": {"sku": ["A"], "discount": [{"exists": false}]}}"#)
                .unwrap();
        let e = Json::parse(r#"{"items": [{"sku": "A"}, {"sku": "B", "discount": 5}]}"#).unwrap();
        let v = explain(&p, &e);
        assert!(!v.matched() && !matches(&p, &e));
        assert!(
            v.summary
                .contains("exists:false, but `items.discount` is present")
                && v.summary
                    .contains("`items.discount` sorts before `items.sku`, so every element counts"),
            "{}",
            v.summary
        );
    }

    /// A failing leaf whose reason names a slip marks it in the event's text; a value written
    /// with escapes, a passing leaf or a hint without a slip mark nothing.
    #[test]
    fn slips_are_placed_in_the_event_text() {
        for (pattern, event, marked) in [
            (r#"{"a": ["PAID"]}"#, r#"{"a": "PAIL"}"#, Some("L")),
            (
                r#"{"a": ["order"]}"#,
                r#"{"b": 1, "a": ["x", "orders"]}"#,
                Some("s"),
            ),
            (
                r#"{"a": [{"wildcard": "order"}]}"#,
                r#"{"a": "ordre"}"#,
                Some("re"),
            ),
            (
                r#"{"a": ["New Order"]}"#,
                r#"{"a": "New Order  "}"#,
                Some("  "),
            ),
            (r#"{"a": ["PAID"]}"#, r#"{"a": "PA\u0049L"}"#, None),
            (r#"{"a": ["Paid"]}"#, r#"{"a": "paid"}"#, None),
            (r#"{"a": ["PAID"]}"#, r#"{"a": "FAILED"}"#, None),
            (r#"{"a": [{"prefix": "PAID"}]}"#, r#"{"a": "PAIL"}"#, None),
        ] {
            let p = EventPattern::parse(pattern).unwrap();
            let v = explain(&p, &Json::parse(event).unwrap());
            let slip = v.branches[0].leaves[0].slip;
            assert_eq!(
                slip.map(|s| &event[s.start..s.end]),
                marked,
                "{pattern} {event}"
            );
        }
    }

    /// An exact string that is an IP address says it matches any spelling of the address.
    #[test]
    fn exact_addresses_are_described_as_addresses() {
        for (pattern, address) in [(r#"["10.0.0.1"]"#, true), (r#"["10.0.0.256"]"#, false)] {
            let p = EventPattern::parse(&format!(r#"{{"a": {pattern}}}"#)).unwrap();
            let v = explain(&p, &Json::parse(r#"{"a": "x"}"#).unwrap());
            assert_eq!(
                v.summary.contains("in any spelling"),
                address,
                "{}",
                v.summary
            );
        }
    }

    /// A pass that surprises says why; an ordinary pass does not.
    #[test]
    fn surprising_passes_say_why() {
        for (pattern, event, why) in [
            (
                r#"{"a": [{"cidr": "0.0.0.0/0"}]}"#,
                r#"{"a": 5}"#,
                Some("walks its text through the range of 0.0.0.0/0"),
            ),
            (
                r#"{"a": [{"cidr": "10.0.0.0/8"}, {"anything-but": ["11.0.0.1"]}]}"#,
                r#"{"a": "11.0.0.1"}"#,
                Some("reads \"11.0.0.1\" as an IP address, which no anything-but excludes"),
            ),
            (
                r#"{"a": [{"cidr": "10.0.0.0/8"}]}"#,
                r#"{"a": "10.1.1.1"}"#,
                None,
            ),
            (
                r#"{"a": [{"cidr": "10.0.0.0/8"}, {"anything-but": ["11.0.0.1"]}]}"#,
                r#"{"a": "x"}"#,
                None,
            ),
        ] {
            let p = EventPattern::parse(pattern).unwrap();
            let v = explain(&p, &Json::parse(event).unwrap());
            assert!(v.matched, "{pattern} {event}");
            let reason = &v.branches[0].leaves[0].reason;
            match why {
                Some(w) => assert!(reason.contains(w), "{pattern} {event}: {reason}"),
                None => assert!(!reason.contains(": "), "{pattern} {event}: {reason}"),
            }
        }
    }
}
