//! How Ruler reads an event's value for a test, which depends on the tests it shares a value
//! machine with.
//!
//! Ruler compiles a pattern into a machine of name states; at each state, each field has one
//! byte machine holding the matchers of every branch that reaches that state with that field
//! (`GenericMachine.addStep`). Before a value goes through a byte machine, Ruler rewrites it
//! (`ByteMachine.transitionOn`):
//!
//! * if the machine holds a numeric test (a number Ruler can compare, `numeric`, or an
//!   `anything-but` number), a number is read as a number. A number the pattern gives that no
//!   double holds exactly (`9007199254740993`) is matched by its text only, so it no longer
//!   matches the event's number; and no string is read as an IP address, so `cidr` tests (and
//!   exact strings that are IP addresses) match nothing;
//! * else, if it holds an IP test (`cidr`, or an exact string that is an IP address), a string
//!   that is an IP address is read as an address: only the IP tests see it, the other string
//!   tests (exact, `prefix`, `suffix`, `wildcard`, `equals-ignore-case`) fail on it, and no
//!   `anything-but` excludes it.
//!
//! When a pattern is parsed, each test learns which machines it shares, by building
//! Ruler's name states the way `addStep` does: the fields of a branch in sorted order (Java's
//! string order), a matcher already in a machine leading where it led before, a new one to where
//! the field's previous matcher led. Branches of one `$or` share machines where they share a
//! start. docs/PATTERNS.md has more examples.
//!
//! The same machines decide when a pattern's wildcards are too complex for Ruler
//! ([`crate::wildcard::complexity_of_patterns`]): the wildcards of one machine count together.
//!
//! ```
//! use event_pattern::reading::Reading;
//! use event_pattern::{test_event_pattern, EventPattern};
//!
//! let pattern = r#"{"ip": [{"cidr": "10.0.0.0/8"}, {"prefix": "192."}]}"#;
//! let p = EventPattern::parse(pattern).unwrap();
//! assert_eq!(p.branches()[0].tests[0].reading, Reading::Addresses);
//! let event = |ip: &str| {
//!     format!(r#"{{"id": "1", "account": "1", "source": "s", "time": "t", "region": "r",
//!                  "detail-type": "d", "ip": "{ip}"}}"#)
//! };
//! // An address is seen only by the cidr; other strings by the prefix too.
//! assert_eq!(test_event_pattern(pattern, &event("10.1.2.3")), Ok(true));
//! assert_eq!(test_event_pattern(pattern, &event("192.168.0.1")), Ok(false));
//! assert_eq!(test_event_pattern(pattern, &event("192.x")), Ok(true));
//! ```

use std::collections::{HashMap, HashSet};

use crate::error::Span;
use crate::pattern::{AnythingBut, Branch, LeafTest, Matcher, Op};
use crate::wildcard::{complexity_of_patterns, Wildcard, COMPLEXITY_LIMIT};

/// How Ruler reads the event's values for one test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum Reading {
    /// As they are.
    #[default]
    Plain,
    /// Numbers as numbers: a numeric test shares the test's machine.
    Numbers,
    /// Strings that are IP addresses as addresses: an IP test, and no numeric test, shares it.
    Addresses,
}

/// Work allowed for building the machine (tests added from a state); past it, each test is
/// read as if it had its machine to itself.
const MAX_STEPS: usize = 200_000;

#[derive(Default)]
struct Machine {
    numeric: bool,
    ip: bool,
    /// Ruler's pattern (as a key) → the name state it leads to.
    next: HashMap<String, usize>,
    /// The wildcard patterns it holds, each once, as Ruler holds them (a `wildcard` matcher's
    /// value; an `anything-but` wildcard list, all its values in one pattern), with the span of
    /// the matcher of the first.
    wildcards: Vec<WildcardPattern>,
    wildcard_span: Option<Span>,
}

impl Machine {
    /// Adds a matcher's wildcard pattern, once: Ruler keeps one pattern for equal ones, and
    /// `$or` branches reaching the machine add theirs again.
    fn add_wildcard(&mut self, m: &Matcher) {
        if let Some(w) = WildcardPattern::of(&m.op) {
            if !self.wildcards.contains(&w) {
                self.wildcards.push(w);
                self.wildcard_span.get_or_insert(m.span);
            }
        }
    }

    /// When the machine's wildcards are too complex for Ruler: [`TooComplex`].
    fn too_complex(&self) -> Option<TooComplex> {
        let values: Vec<Vec<&Wildcard>> = self
            .wildcards
            .iter()
            .map(|w| w.values.iter().collect())
            .collect();
        let patterns: Vec<&[&Wildcard]> = values.iter().map(Vec::as_slice).collect();
        if patterns.is_empty()
            || complexity_of_patterns(&patterns, COMPLEXITY_LIMIT) < COMPLEXITY_LIMIT
        {
            return None;
        }
        Some(TooComplex {
            span: self.wildcard_span?,
            count: complexity_of_patterns(&patterns, SHOWN_COMPLEXITY),
        })
    }
}

/// A wildcard pattern as Ruler's machine holds it: a `wildcard` matcher's value, or the values
/// of an `anything-but` wildcard (one value or a list: one pattern either way). Two are equal
/// when they are of the same kind with the same values, in any order: a wildcard and an
/// `anything-but` wildcard of the same text are two patterns, as in Ruler.
#[derive(Debug)]
struct WildcardPattern {
    anything_but: bool,
    values: Vec<Wildcard>,
}

impl WildcardPattern {
    fn of(op: &Op) -> Option<WildcardPattern> {
        match op {
            Op::Wildcard { wildcard, .. } => Some(WildcardPattern {
                anything_but: false,
                values: vec![wildcard.clone()],
            }),
            Op::AnythingBut(AnythingBut::Wildcard(list)) => Some(WildcardPattern {
                anything_but: true,
                values: list.iter().map(|(_, w)| w.clone()).collect(),
            }),
            _ => None,
        }
    }
}

impl PartialEq for WildcardPattern {
    fn eq(&self, other: &Self) -> bool {
        // The same set of values (a list may repeat one; the count dedupes them).
        self.anything_but == other.anything_but
            && self.values.iter().all(|v| other.values.contains(v))
            && other.values.iter().all(|v| self.values.contains(v))
    }
}

/// A machine whose wildcards are too complex for Ruler.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TooComplex {
    /// The first wildcard matcher in it.
    pub(crate) span: Span,
    /// Its complexity, counted up to [`SHOWN_COMPLEXITY`] (for the hint).
    pub(crate) count: usize,
}

/// How far a too complex machine's count is taken, to tell a person how far over it is.
pub(crate) const SHOWN_COMPLEXITY: usize = 2 * COMPLEXITY_LIMIT;

/// A machine of each of the test's own matchers (a test with the field's machine to itself).
fn own_machine(test: &LeafTest) -> Machine {
    let mut m = Machine::default();
    for matcher in &test.matchers {
        m.add_wildcard(matcher);
    }
    m
}

#[derive(Default)]
struct Machines {
    /// Per name state: the value machine and the absence matcher of each field.
    states: Vec<HashMap<(String, bool), usize>>,
    machines: Vec<Machine>,
    steps: usize,
    max_steps: usize,
}

/// The patterns Ruler adds for one matcher: keys equal where Ruler's patterns are equal.
fn ruler_patterns(op: &Op) -> Vec<String> {
    match op {
        // The comparable form (when there is one) and the text, as `writeRules` adds them.
        Op::Number { value, text } => {
            let comparable = value.is_finite().then(|| {
                let bits = if *value == 0.0 { 0 } else { value.to_bits() };
                format!("numeric {bits}")
            });
            comparable
                .into_iter()
                .chain([format!("exact {text}")])
                .collect()
        }
        Op::Cidr { cidr, .. } => vec![format!("range {:?}", cidr.block())],
        other => vec![format!("{other:?}")],
    }
}

fn is_numeric(op: &Op) -> bool {
    match op {
        Op::Number { value, .. } => value.is_finite(),
        Op::Numeric(_) | Op::AnythingBut(AnythingBut::Numbers(_)) => true,
        _ => false,
    }
}

/// Java's `String.compareTo`: by UTF-16 units (Ruler's order of fields).
pub(crate) fn java_order(a: &str, b: &str) -> std::cmp::Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

impl Machines {
    fn new_state(&mut self) -> usize {
        self.states.push(HashMap::new());
        self.states.len() - 1
    }

    /// `addStep`, for one branch: each test from the states the previous one leads to (a loop
    /// with its own stack, not a recursion: a branch may have hundreds of fields). Records the
    /// value machines each test reaches in `reached`.
    fn add_branch(&mut self, tests: &[&LeafTest], reached: &mut [Vec<usize>]) -> Result<(), ()> {
        let mut done: HashSet<(usize, usize)> = HashSet::new();
        let mut todo = vec![(0usize, 0usize)];
        while let Some((state, at)) = todo.pop() {
            let Some(test) = tests.get(at) else {
                continue;
            };
            self.steps += 1;
            if self.steps > self.max_steps {
                return Err(());
            }
            if !done.insert((state, at)) {
                continue;
            }
            let mut last: Option<usize> = None;
            let mut leads = Vec::new();
            for m in &test.matchers {
                let absence = m.op == Op::Exists(false);
                let machine = match self.states[state].get(&(test.path.clone(), absence)) {
                    Some(&m) => m,
                    None => {
                        self.machines.push(Machine::default());
                        let m = self.machines.len() - 1;
                        self.states[state].insert((test.path.clone(), absence), m);
                        m
                    }
                };
                if !absence {
                    if let Some(r) = reached.get_mut(at) {
                        r.push(machine);
                    }
                    let mach = &mut self.machines[machine];
                    mach.numeric |= is_numeric(&m.op);
                    mach.ip |= matches!(m.op, Op::Cidr { .. });
                    mach.add_wildcard(m);
                }
                for key in ruler_patterns(&m.op) {
                    let next = match self.machines[machine].next.get(&key) {
                        Some(&s) => s,
                        None => {
                            let s = match last {
                                Some(s) => s,
                                None => self.new_state(),
                            };
                            self.machines[machine].next.insert(key, s);
                            s
                        }
                    };
                    last = Some(next);
                    if !leads.contains(&next) {
                        leads.push(next);
                    }
                }
            }
            todo.extend(leads.into_iter().rev().map(|s| (s, at + 1)));
        }
        Ok(())
    }

    fn reading(&self, machines: &[usize]) -> Reading {
        let numeric = machines.iter().any(|&m| self.machines[m].numeric);
        let ip = machines.iter().any(|&m| self.machines[m].ip);
        if numeric {
            Reading::Numbers
        } else if ip {
            Reading::Addresses
        } else {
            Reading::Plain
        }
    }
}

/// The reading of a test on its own (its matchers alone share its machine).
fn alone(test: &LeafTest) -> Reading {
    if test.matchers.iter().any(|m| is_numeric(&m.op)) {
        Reading::Numbers
    } else if test
        .matchers
        .iter()
        .any(|m| matches!(m.op, Op::Cidr { .. }))
    {
        Reading::Addresses
    } else {
        Reading::Plain
    }
}

/// Whether reading values as `reading` says can change what `op` accepts.
fn affects(reading: Reading, op: &Op) -> bool {
    match reading {
        Reading::Plain => false,
        Reading::Numbers => {
            matches!(op, Op::Cidr { .. })
                || matches!(op, Op::Number { value, .. } if !value.is_finite())
        }
        Reading::Addresses => matches!(
            op,
            Op::Exact(_)
                | Op::Prefix { .. }
                | Op::Suffix { .. }
                | Op::EqualsIgnoreCase(_)
                | Op::Wildcard { .. }
                | Op::AnythingBut(_)
        ),
    }
}

/// The reading, or [`Reading::Plain`] where it changes nothing for these matchers (so that the
/// compiled matcher indexes them as usual).
fn settle(reading: Reading, test: &LeafTest) -> Reading {
    if test.matchers.iter().any(|m| affects(reading, &m.op)) {
        reading
    } else {
        Reading::Plain
    }
}

/// Whether a test's own matchers give it this reading (rather than another `$or` branch sharing
/// its field's machine).
pub(crate) fn own(test: &LeafTest) -> bool {
    test.reading == Reading::Plain || alone(test) == test.reading
}

/// Sets [`LeafTest::reading`] on every test of the pattern's branches. Returns, when one is, a
/// machine too complex for Ruler ([`complexity_of_patterns`] reaching
/// [`COMPLEXITY_LIMIT`]): the wildcards of one field's machine count together (a list, or `$or`
/// branches reaching the field the same way), different machines each on their own.
pub(crate) fn assign(branches: &mut [Branch]) -> Option<TooComplex> {
    assign_within(branches, MAX_STEPS)
}

fn assign_within(branches: &mut [Branch], max_steps: usize) -> Option<TooComplex> {
    // One branch: its fields each have a machine of their own (no `$or` shares one).
    if let [only] = branches {
        for t in &mut only.tests {
            t.reading = settle(alone(t), t);
        }
        return only.tests.iter().find_map(|t| own_machine(t).too_complex());
    }
    let mut ms = Machines {
        max_steps,
        ..Machines::default()
    };
    // The start state: 0.
    ms.new_state();
    let mut reached: Vec<Vec<Vec<usize>>> = Vec::with_capacity(branches.len());
    let mut orders: Vec<Vec<usize>> = Vec::with_capacity(branches.len());
    let mut finished = true;
    for b in branches.iter() {
        let mut order: Vec<usize> = (0..b.tests.len()).collect();
        order.sort_by(|&x, &y| java_order(&b.tests[x].path, &b.tests[y].path));
        let tests: Vec<&LeafTest> = order.iter().map(|&i| &b.tests[i]).collect();
        let mut mine = vec![Vec::new(); tests.len()];
        if ms.add_branch(&tests, &mut mine).is_err() {
            finished = false;
            break;
        }
        reached.push(mine);
        orders.push(order);
    }
    for (bi, b) in branches.iter_mut().enumerate() {
        match (finished, reached.get(bi), orders.get(bi)) {
            (true, Some(mine), Some(order)) => {
                for (at, &ti) in order.iter().enumerate() {
                    let t = &mut b.tests[ti];
                    t.reading = settle(ms.reading(&mine[at]), t);
                }
            }
            _ => b
                .tests
                .iter_mut()
                .for_each(|t| t.reading = settle(alone(t), t)),
        }
    }
    if finished {
        ms.machines.iter().find_map(Machine::too_complex)
    } else {
        branches
            .iter()
            .flat_map(|b| &b.tests)
            .find_map(|t| own_machine(t).too_complex())
    }
}

/// Does `op` accept the value `v`, read as `reading` says?
pub fn accepts(op: &Op, v: crate::matcher::Leaf<'_>, reading: Reading) -> bool {
    use crate::matcher::{accepts_leaf, Leaf};
    match reading {
        Reading::Plain => accepts_leaf(op, v),
        Reading::Numbers => match (op, v) {
            // The event's number is read as a number; the pattern's, no double holding it,
            // is only text.
            (Op::Number { value, .. }, Leaf::Num(_, n)) if !value.is_finite() && n.is_finite() => {
                false
            }
            // No string is read as an address.
            (Op::Cidr { .. }, _) => false,
            _ => accepts_leaf(op, v),
        },
        Reading::Addresses => match v {
            Leaf::Str(s) if crate::cidr::parse_address(s).is_some() => match op {
                Op::Cidr { .. } | Op::Exists(true) => accepts_leaf(op, v),
                Op::AnythingBut(_) => true,
                _ => false,
            },
            _ => accepts_leaf(op, v),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::EventPattern;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    /// The readings of a pattern's tests: per branch, (path, reading) in the branch's order.
    fn readings(pattern: &str) -> Vec<Vec<(String, Reading)>> {
        let p = EventPattern::parse(pattern).unwrap();
        p.branches()
            .iter()
            .map(|b| {
                b.tests
                    .iter()
                    .map(|t| (t.path.clone(), t.reading))
                    .collect()
            })
            .collect()
    }

    fn one(path: &str, r: Reading) -> Vec<(String, Reading)> {
        vec![(path.to_string(), r)]
    }

    #[test]
    fn a_test_is_read_as_the_tests_sharing_its_machine_say() {
        use Reading::*;
        // Alone: IP tests and numbers change nothing for themselves.
        assert_eq!(
            readings(r#"{"a": [{"cidr": "10.0.0.0/8"}]}"#),
            [one("a", Plain)]
        );
        assert_eq!(
            readings(r#"{"a": [5, {"numeric": [">", 1]}]}"#),
            [one("a", Plain)]
        );
        // Beside other string tests, an IP test makes the field's addresses IP-only.
        assert_eq!(
            readings(r#"{"a": ["10.0.0.1", {"prefix": "x"}]}"#),
            [one("a", Addresses)]
        );
        // A number beside an IP test: no address reading at all.
        assert_eq!(readings(r#"{"a": ["10.0.0.1", 5]}"#), [one("a", Numbers)]);
        assert_eq!(
            readings(r#"{"a": [9007199254740993, {"anything-but": [1]}]}"#),
            [one("a", Numbers)]
        );
        // A number no double holds is no numeric test: alone it is plain.
        assert_eq!(
            readings(r#"{"a": [9007199254740993, "x"]}"#),
            [one("a", Plain)]
        );
        // Different fields never share a machine.
        assert_eq!(
            readings(r#"{"a": [{"cidr": "10.0.0.0/8"}], "b": [5, "x"]}"#),
            [vec![("a".into(), Plain), ("b".into(), Plain)]]
        );
    }

    #[test]
    fn or_branches_share_machines_where_they_start_alike() {
        use Reading::*;
        // Both branches test `a` first: one machine at the start state.
        assert_eq!(
            readings(r#"{"$or": [{"a": [{"cidr": "10.0.0.0/8"}]}, {"a": [1]}]}"#),
            [one("a", Numbers), one("a", Plain)]
        );
        // `b` after the same `a` value: shared; after different values: not.
        let same = r#"{"$or": [{"a": ["x"], "b": [{"cidr": "10.0.0.0/8"}]}, {"a": ["x"], "b": [{"prefix": "y"}]}]}"#;
        assert_eq!(readings(same)[1][1], ("b".into(), Addresses));
        let apart = r#"{"$or": [{"a": ["x"], "b": [{"cidr": "10.0.0.0/8"}]}, {"a": ["z"], "b": [{"prefix": "y"}]}]}"#;
        assert_eq!(readings(apart)[1][1], ("b".into(), Plain));
        // A branch reaching `b` through a value another branch added first goes the same way:
        // `["z", "x"]` adds z to a new state and finds x where the first branch put it.
        let through = r#"{"$or": [{"a": ["x"], "b": [{"cidr": "10.0.0.0/8"}]}, {"a": ["z", "x"], "b": [{"prefix": "y"}]}]}"#;
        assert_eq!(readings(through)[1][1], ("b".into(), Addresses));
        // Fields go in Java's sorted order: `b` first in both branches here.
        let sorted =
            r#"{"$or": [{"c": ["x"], "b": [{"cidr": "10.0.0.0/8"}]}, {"b": [2], "c": ["y"]}]}"#;
        assert_eq!(readings(sorted)[0][1], ("b".into(), Numbers));
    }

    #[test]
    fn past_its_budget_each_test_is_read_alone() {
        let text = r#"{"$or": [{"a": [{"cidr": "10.0.0.0/8"}]}, {"a": [1, "x"]}]}"#;
        let mut branches = EventPattern::parse(text).unwrap().branches().to_vec();
        assign_within(&mut branches, 1);
        let got: Vec<Reading> = branches.iter().map(|b| b.tests[0].reading).collect();
        assert_eq!(got, [Reading::Plain, Reading::Plain]);
        assign_within(&mut branches, MAX_STEPS);
        let got: Vec<Reading> = branches.iter().map(|b| b.tests[0].reading).collect();
        assert_eq!(got, [Reading::Numbers, Reading::Plain]);
    }

    /// Java orders strings by UTF-16 units: a character above U+FFFF (two units from 0xD800)
    /// sorts before U+E000..U+FFFF, unlike Rust's order of code points.
    #[test]
    fn fields_are_sorted_as_java_sorts_strings() {
        assert!(java_order("\u{10000}", "\u{FFFF}").is_lt());
        assert!("\u{10000}" > "\u{FFFF}");
        assert!(java_order("a", "b").is_lt());
    }
}
