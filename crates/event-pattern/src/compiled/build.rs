//! Building the decision tree: branches go down gates (on the keys of exact, prefix, suffix and
//! case-folded tests, or on a test several branches share), and whatever a branch has left to
//! test is indexed at the node where it stops.

use std::collections::HashSet;

use super::flatten::PathTrie;
use super::index::{FxHasher, FxMap, Keyed};
use super::{Branch, CompiledMatcher, Gate, GateKind, Node, Scratch, Tables, NO_MORE};
use crate::ignore_case;
use crate::pattern::{EventPattern, LeafTest, Op};
use crate::reading::Reading;

/// Gates on the way from the root to a node, at most.
const MAX_GATE_DEPTH: usize = 8;
/// A test with more keys (values, prefixes, ...) than this is counted, not gated.
const MAX_GATE_VALUES: usize = 16;
/// Shared-test gates per node, at most (each is evaluated, not looked up).
const MAX_SHARED_GATES: usize = 8;

type FxSet<T> = HashSet<T, std::hash::BuildHasherDefault<FxHasher>>;

/// A branch on its way down the tree: the tests it still has.
#[derive(Clone)]
struct Item<'p> {
    pattern: u32,
    tests: Vec<&'p LeafTest>,
    confirm: bool,
}

/// The kind and distinct keys of a test that can serve as a gate: all its matchers exact
/// strings, or all prefixes, all suffixes, all `equals-ignore-case`, or all case-insensitive
/// prefixes (of ASCII values only, keyed in ASCII lower case: `crate::ignore_case`).
fn gate_keys(test: &LeafTest) -> Option<(GateKind, Vec<String>)> {
    if test.reading != Reading::Plain {
        return None;
    }
    let mut kind = None;
    let mut keys: Vec<String> = Vec::new();
    for m in &test.matchers {
        let (k, key) = match &m.op {
            Op::Exact(s) => (GateKind::Exact, s.clone()),
            Op::Prefix {
                value,
                ignore_case: false,
            } => (GateKind::Prefix, value.clone()),
            Op::Prefix {
                value,
                ignore_case: true,
            } => (GateKind::FoldedPrefix, ignore_case::ascii_key(value)?),
            Op::Suffix {
                value,
                ignore_case: false,
            } => (GateKind::Suffix, value.clone()),
            Op::EqualsIgnoreCase(s) => (GateKind::Folded, ignore_case::ascii_key(s)?),
            _ => return None,
        };
        if kind.is_some_and(|x| x != k) {
            return None;
        }
        kind = Some(k);
        if !keys.contains(&key) {
            if keys.len() == MAX_GATE_VALUES {
                return None;
            }
            keys.push(key);
        }
    }
    Some((kind?, keys))
}

struct Builder {
    tables: Tables,
    trie: PathTrie,
    nodes: Vec<Node>,
    /// Per node, while building: path id → position in its index.
    node_paths: Vec<FxMap<u32, usize>>,
    /// Per node, while building: what a branch tests → the branch counting it.
    node_bodies: Vec<FxMap<String, u32>>,
    vetoes: u32,
}

pub(super) fn compile(patterns: &[EventPattern]) -> CompiledMatcher {
    let mut items = Vec::new();
    for (pi, p) in patterns.iter().enumerate() {
        for b in p.branches() {
            items.push(Item {
                pattern: pi as u32,
                tests: b.tests.iter().collect(),
                confirm: b.tests.len() > 1,
            });
        }
    }
    let mut b = Builder {
        tables: Tables::default(),
        trie: PathTrie::default(),
        nodes: Vec::new(),
        node_paths: Vec::new(),
        node_bodies: Vec::new(),
        vetoes: 0,
    };
    b.node(items, 0);
    // Strictly increasing, so that reporting them keeps the matches in order.
    for more in &mut b.tables.also {
        more.sort_unstable();
        more.dedup();
    }
    CompiledMatcher {
        patterns: patterns.to_vec(),
        tables: b.tables,
        trie: b.trie,
        nodes: b.nodes,
        vetoes: b.vetoes,
        text_prechecked: false,
        scratch: std::cell::RefCell::new(Scratch::default()),
    }
}

impl Builder {
    /// Builds the node for these items and, below it, the children of its gates.
    ///
    /// Gates are chosen in one pass (no rounds that rescan the items, which would be quadratic
    /// in the number of distinct paths): paths are ranked once, and each item goes down the
    /// best-ranked gate it can take.
    fn node(&mut self, items: Vec<Item<'_>>, depth: usize) -> u32 {
        let id = self.nodes.len() as u32;
        self.nodes.push(Node::default());
        self.node_paths.push(FxMap::default());
        self.node_bodies.push(FxMap::default());
        let mut rest = items;
        if depth < MAX_GATE_DEPTH {
            rest = self.value_gates(id, rest, depth);
            rest = self.shared_test_gates(id, rest, depth);
        }
        for item in rest {
            self.count(id, item);
        }
        let node = &mut self.nodes[id as usize];
        for idx in &mut node.index {
            idx.seal(&mut self.tables);
        }
        if node.gates.len() > 16 {
            let mut by_path: FxMap<u32, Vec<u32>> = FxMap::default();
            for (i, g) in node.gates.iter().enumerate() {
                by_path.entry(g.pid).or_default().push(i as u32);
            }
            node.gates_by_path = Some(by_path);
        }
        if node.index.len() > 16 {
            node.by_path = Some(
                node.index_paths
                    .iter()
                    .enumerate()
                    .map(|(i, pid)| (*pid, i as u32))
                    .collect(),
            );
        }
        self.node_paths[id as usize] = FxMap::default();
        self.node_bodies[id as usize] = FxMap::default();
        id
    }

    /// Value gates: (path, kind) pairs ranked (exact ones first, then by how many distinct keys
    /// their tests have); each item goes down its best-ranked one, to the child for its set of
    /// keys.
    /// Returns the items that take no gate.
    fn value_gates<'p>(&mut self, id: u32, items: Vec<Item<'p>>, depth: usize) -> Vec<Item<'p>> {
        type Site<'p> = (&'p str, GateKind);
        let mut stats: FxMap<Site<'p>, (FxSet<String>, usize)> = FxMap::default();
        // An item with one test left would only reach a child that completes it: counting it
        // here costs the same lookup and no visit.
        for item in items.iter().filter(|i| i.tests.len() > 1) {
            for test in &item.tests {
                if let Some((kind, keys)) = gate_keys(test) {
                    let e = stats.entry((test.path.as_str(), kind)).or_default();
                    e.0.extend(keys);
                    e.1 += 1;
                }
            }
        }
        let mut ranked: Vec<(Site<'p>, usize, usize)> = stats
            .iter()
            .map(|(site, (k, n))| (*site, k.len(), *n))
            .collect();
        // Exact gates first (one lookup per value, and `source`/`detail-type` split best), then
        // by distinct keys, items, and the path.
        let exact = |site: &Site<'_>| site.1 == GateKind::Exact;
        ranked.sort_by(|a, b| (exact(&b.0), b.1, b.2, a.0).cmp(&(exact(&a.0), a.1, a.2, b.0)));
        let rank: FxMap<Site<'p>, usize> =
            ranked.iter().enumerate().map(|(r, e)| (e.0, r)).collect();
        // Per ranked site: the items by their set of keys (so a branch is never copied: a key
        // may lead to several children, one per key set it belongs to).
        let mut groups: Vec<Vec<(Vec<String>, Vec<Item<'p>>)>> = vec![Vec::new(); ranked.len()];
        let mut group_of: FxMap<(usize, Vec<String>), usize> = FxMap::default();
        let mut counted = Vec::new();
        for item in items {
            let best = item
                .tests
                .iter()
                .enumerate()
                .filter(|_| item.tests.len() > 1)
                .filter_map(|(i, t)| {
                    let (kind, keys) = gate_keys(t)?;
                    Some((*rank.get(&(t.path.as_str(), kind))?, i, keys))
                })
                .min_by_key(|g| g.0);
            let Some((r, i, mut keys)) = best else {
                counted.push(item);
                continue;
            };
            keys.sort_unstable();
            let mut down = item;
            down.tests.remove(i);
            let g = *group_of.entry((r, keys.clone())).or_insert_with(|| {
                groups[r].push((keys, Vec::new()));
                groups[r].len() - 1
            });
            groups[r][g].1.push(down);
        }
        for (r, sets) in groups.into_iter().enumerate() {
            if sets.is_empty() {
                continue;
            }
            let ((path, kind), _, _) = ranked[r];
            let pid = self.trie.path_id(path);
            let mut targets: FxMap<String, Vec<u32>> = FxMap::default();
            for (keys, items) in sets {
                let child = self.node(items, depth + 1);
                for key in keys {
                    targets.entry(key).or_default().push(child);
                }
            }
            let mut children = Keyed::default();
            for (key, list) in targets {
                *children.entry(key) = list.into_boxed_slice();
            }
            children.seal();
            self.nodes[id as usize].gates.push(Gate {
                pid,
                kind,
                children,
            });
        }
        counted
    }

    /// Shared-test gates: a test that several items (with more to test) share verbatim, say
    /// `"status": [{"anything-but": {"prefix": "REF"}}]`, is evaluated once and leads to a child
    /// holding those items without it. Tests are ranked by how many items share them; each item
    /// goes down its best-ranked one. `exists: false` tests are left to counting (they concern
    /// absent paths). Returns the items that take no gate.
    fn shared_test_gates<'p>(
        &mut self,
        id: u32,
        items: Vec<Item<'p>>,
        depth: usize,
    ) -> Vec<Item<'p>> {
        let mut key_id: FxMap<String, usize> = FxMap::default();
        let mut counts: Vec<usize> = Vec::new();
        // Per item: (test index, key id) of its eligible tests.
        let mut eligible: Vec<Vec<(usize, usize)>> = Vec::with_capacity(items.len());
        for item in &items {
            let mut mine = Vec::new();
            if item.tests.len() > 1 {
                for (i, t) in item.tests.iter().enumerate() {
                    if t.matchers.iter().any(|m| m.op == Op::Exists(false)) {
                        continue;
                    }
                    let next = key_id.len();
                    let k = *key_id.entry(test_key(t)).or_insert(next);
                    if k == counts.len() {
                        counts.push(0);
                    }
                    counts[k] += 1;
                    mine.push((i, k));
                }
            }
            eligible.push(mine);
        }
        // Each shared-test gate costs an evaluation per value at its path: keep the few best.
        let mut best: Vec<usize> = (0..counts.len()).filter(|k| counts[*k] >= 2).collect();
        best.sort_by(|a, b| counts[*b].cmp(&counts[*a]).then(a.cmp(b)));
        let mut allowed = vec![false; counts.len()];
        for &k in best.iter().take(MAX_SHARED_GATES) {
            allowed[k] = true;
        }
        let mut groups: Vec<Vec<Item<'p>>> = vec![Vec::new(); counts.len()];
        let mut shared_test: Vec<Option<&'p LeafTest>> = vec![None; counts.len()];
        let mut counted = Vec::new();
        for (item, mine) in items.into_iter().zip(eligible) {
            let best = mine
                .into_iter()
                .filter(|(_, k)| allowed[*k])
                .max_by(|a, b| counts[a.1].cmp(&counts[b.1]).then(b.1.cmp(&a.1)));
            match best {
                Some((i, k)) => {
                    let mut down = item;
                    shared_test[k] = Some(down.tests.remove(i));
                    groups[k].push(down);
                }
                None => counted.push(item),
            }
        }
        for (k, down) in groups.into_iter().enumerate() {
            let Some(test) = shared_test[k] else {
                continue;
            };
            if down.len() < 2 {
                // Its fellows took better gates: count it here after all.
                for mut item in down {
                    item.tests.push(test);
                    counted.push(item);
                }
                continue;
            }
            let pid = self.trie.path_id(&test.path);
            let ops = test.matchers.iter().map(|m| m.op.clone()).collect();
            let child = self.node(down, depth + 1);
            self.nodes[id as usize]
                .tests
                .push((pid, ops, test.reading, child));
        }
        counted
    }

    /// Indexes what the item still tests at this node.
    fn count(&mut self, id: u32, item: Item<'_>) {
        let body = body_key(&item);
        if let Some(&b) = self.node_bodies[id as usize].get(&body) {
            let t = &mut self.tables;
            let br = &mut t.branches[b as usize];
            if br.pattern != item.pattern {
                if br.also == NO_MORE {
                    br.also = t.also.len() as u32;
                    t.also.push(Vec::new());
                }
                let more = &mut t.also[br.also as usize];
                if more.last() != Some(&item.pattern) {
                    more.push(item.pattern);
                }
            }
            return;
        }
        let b = self.tables.branches.len() as u32;
        self.node_bodies[id as usize].insert(body, b);
        self.tables.branches.push(Branch {
            pattern: item.pattern,
            also: NO_MORE,
            required: item.tests.len() as u16,
            confirm: item.confirm,
        });
        if item.tests.is_empty() {
            self.nodes[id as usize].complete.push(b);
            return;
        }
        for test in item.tests {
            let slot = self.tables.slot_branch.len() as u32;
            self.tables.slot_branch.push(b);
            let pid = self.trie.path_id(&test.path);
            let node = &mut self.nodes[id as usize];
            let at = *self.node_paths[id as usize].entry(pid).or_insert_with(|| {
                node.index_paths.push(pid);
                node.index.push(Default::default());
                node.index.len() - 1
            });
            for m in &test.matchers {
                match &m.op {
                    Op::Exists(false) => node.absent.push((pid, slot)),
                    op => node.index[at].add(op, test.reading, slot, &mut self.vetoes),
                }
            }
        }
    }
}

/// A test as text: path and operators.
fn test_key(t: &LeafTest) -> String {
    let mut key = format!("{}\u{1}{:?}", t.path, t.reading);
    for m in &t.matchers {
        key.push('\u{1}');
        key.push_str(&format!("{:?}", m.op));
    }
    key
}

/// What an item still tests, as text: items with the same body share one branch.
fn body_key(item: &Item<'_>) -> String {
    let mut tests: Vec<&LeafTest> = item.tests.clone();
    tests.sort_by(|a, b| a.path.cmp(&b.path));
    let mut key = format!("{}", item.confirm as u8);
    for t in tests {
        key.push('\u{0}');
        key.push_str(&test_key(t));
    }
    key
}
