//! Building the decision tree: branches go down gates on exact string values, and whatever a
//! branch has left to test is indexed at the node where it stops.

use std::collections::HashSet;

use super::flatten::PathTrie;
use super::index::{FxHasher, FxMap};
use super::{Branch, CompiledMatcher, Node, Scratch, Tables, NO_MORE};
use crate::pattern::{EventPattern, LeafTest, Op};

/// Gates on the way from the root to a node, at most.
const MAX_GATE_DEPTH: usize = 8;
/// A test with more exact values than this is counted, not gated.
const MAX_GATE_VALUES: usize = 16;
/// A branch is copied once per value of each gate it goes through; this caps the product.
const MAX_COPIES: usize = 64;

type FxSet<T> = HashSet<T, std::hash::BuildHasherDefault<FxHasher>>;

/// A branch on its way down the tree: the tests it still has.
#[derive(Clone)]
struct Item<'p> {
    pattern: u32,
    tests: Vec<&'p LeafTest>,
    confirm: bool,
    copies: usize,
}

impl<'p> Item<'p> {
    /// The distinct exact strings of the test on `path`, when it can serve as a gate.
    fn gate_values(&self, test: &'p LeafTest) -> Option<Vec<&'p str>> {
        let mut values: Vec<&str> = Vec::new();
        for m in &test.matchers {
            match &m.op {
                Op::Exact(s) => {
                    if !values.contains(&s.as_str()) {
                        values.push(s);
                    }
                }
                _ => return None,
            }
        }
        let fits = !values.is_empty()
            && values.len() <= MAX_GATE_VALUES
            && self.copies * values.len() <= MAX_COPIES;
        fits.then_some(values)
    }
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
                copies: 1,
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
    CompiledMatcher {
        patterns: patterns.to_vec(),
        tables: b.tables,
        trie: b.trie,
        nodes: b.nodes,
        vetoes: b.vetoes,
        scratch: std::cell::RefCell::new(Scratch::default()),
    }
}

impl Builder {
    /// Builds the node for these items and, below it, the children of its gates.
    fn node(&mut self, items: Vec<Item<'_>>, depth: usize) -> u32 {
        let id = self.nodes.len() as u32;
        self.nodes.push(Node::default());
        self.node_paths.push(FxMap::default());
        self.node_bodies.push(FxMap::default());
        let mut rest = items;
        // Each round sends at least one item down a gate, so the rounds end.
        while let Some(path) = (depth < MAX_GATE_DEPTH).then(|| best_gate(&rest)).flatten() {
            let mut groups: Vec<(&str, Vec<Item<'_>>)> = Vec::new();
            let mut group_of: FxMap<&str, usize> = FxMap::default();
            let mut counted = Vec::new();
            for item in rest {
                let gate = item
                    .tests
                    .iter()
                    .position(|t| t.path == path)
                    .and_then(|i| item.gate_values(item.tests[i]).map(|v| (i, v)));
                let Some((i, values)) = gate else {
                    counted.push(item);
                    continue;
                };
                let mut down = item.clone();
                down.tests.remove(i);
                down.copies *= values.len();
                for v in values {
                    let g = *group_of.entry(v).or_insert_with(|| {
                        groups.push((v, Vec::new()));
                        groups.len() - 1
                    });
                    groups[g].1.push(down.clone());
                }
            }
            let pid = self.trie.path_id(&path);
            let mut children = FxMap::default();
            for (value, items) in groups {
                let child = self.node(items, depth + 1);
                children.insert(value.into(), child);
            }
            self.nodes[id as usize].gates.push((pid, children));
            rest = counted;
        }
        // Then tests that several items share verbatim (say `"status": [{"anything-but":
        // {"prefix": "REF"}}]`): evaluated once, as a gate to a child holding those items.
        while let Some(key) = (depth < MAX_GATE_DEPTH)
            .then(|| shared_test(&rest))
            .flatten()
        {
            let mut down = Vec::new();
            let mut counted = Vec::new();
            let mut shared: Option<&LeafTest> = None;
            for item in rest {
                match item.tests.iter().position(|t| test_key(t) == key) {
                    Some(i) => {
                        let mut d = item;
                        let t = d.tests.remove(i);
                        shared.get_or_insert(t);
                        down.push(d);
                    }
                    None => counted.push(item),
                }
            }
            rest = counted;
            let Some(test) = shared else {
                break;
            };
            let pid = self.trie.path_id(&test.path);
            let ops = test.matchers.iter().map(|m| m.op.clone()).collect();
            let child = self.node(down, depth + 1);
            self.nodes[id as usize].tests.push((pid, ops, child));
        }
        for item in rest {
            self.count(id, item);
        }
        let node = &mut self.nodes[id as usize];
        for (_, idx) in &mut node.index {
            idx.seal();
        }
        if node.index.len() > 16 {
            node.by_path = Some(
                node.index
                    .iter()
                    .enumerate()
                    .map(|(i, (pid, _))| (*pid, i as u32))
                    .collect(),
            );
        }
        self.node_paths[id as usize] = FxMap::default();
        self.node_bodies[id as usize] = FxMap::default();
        id
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
                node.index.push((pid, Default::default()));
                node.index.len() - 1
            });
            for m in &test.matchers {
                match &m.op {
                    Op::Exists(false) => node.absent.push((pid, slot)),
                    op => node.index[at].1.add(op, slot, &mut self.vetoes),
                }
            }
        }
    }
}

/// A test as text: path and operators.
fn test_key(t: &LeafTest) -> String {
    let mut key = t.path.clone();
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

/// The test most items share verbatim, when at least two do and some item has more to test
/// (`exists: false` tests are left to counting: they concern absent paths).
fn shared_test(items: &[Item<'_>]) -> Option<String> {
    let mut counts: FxMap<String, usize> = FxMap::default();
    for item in items.iter().filter(|i| i.tests.len() > 1) {
        for t in &item.tests {
            if t.matchers.iter().any(|m| m.op == Op::Exists(false)) {
                continue;
            }
            *counts.entry(test_key(t)).or_default() += 1;
        }
    }
    counts
        .into_iter()
        .filter(|(_, n)| *n >= 2)
        .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(&a.0)))
        .map(|(k, _)| k)
}

/// The path whose exact values split the items the most (ties: more items, then the name).
fn best_gate(items: &[Item<'_>]) -> Option<String> {
    let mut stats: FxMap<&str, (FxSet<&str>, usize)> = FxMap::default();
    for item in items {
        for test in &item.tests {
            if let Some(values) = item.gate_values(test) {
                let e = stats.entry(test.path.as_str()).or_default();
                e.0.extend(values);
                e.1 += 1;
            }
        }
    }
    stats
        .into_iter()
        .max_by(|a, b| {
            (a.1 .0.len(), a.1 .1)
                .cmp(&(b.1 .0.len(), b.1 .1))
                .then_with(|| b.0.cmp(a.0))
        })
        .map(|(p, _)| p.to_string())
}
