//! Flattening an event only as far as the patterns need. The paths the patterns mention form a
//! trie of key segments; walking the event (a parsed tree, or its text) follows the trie and
//! collects the leaf values of mentioned paths, while everything else is skipped (text is still
//! checked to be valid JSON as it is skipped, unless it is known to be: `prechecked.rs`).

use super::index::{head_word, FxMap};
use super::scanner::Scanner;
use crate::json::{Json, JsonValue, MAX_EVENT_DEPTH};
use crate::matcher::Leaf;

/// "No value": the end of a path's value list.
const NONE: u32 = u32::MAX;

#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Kind {
    Str,
    Num,
    Bool(bool),
    Null,
}

/// One leaf value of a mentioned path. Strings and number lexemes live in `Collected::text`.
pub(crate) struct Value {
    pid: u32,
    pub(crate) kind: Kind,
    /// Inside an array (array consistency may need the reference evaluator's confirmation).
    pub(crate) in_array: bool,
    start: u32,
    end: u32,
    num: f64,
    /// The next value of the same path.
    next: u32,
    /// Overridden by a later duplicate key (the last occurrence wins, as in the parsed tree).
    dead: bool,
}

/// Where a trie node was last reached from an object key: in which object (numbered as they
/// are scanned), and the values collected under it, so that a later duplicate key in the same
/// object can override them. (A mentioned key leads to one trie node and a node is reached
/// from one key text, so "the same node in the same object" is "the same key".)
#[derive(Clone, Default)]
struct KeySeen {
    object: u32,
    values: std::ops::Range<u32>,
}

/// The values of one event, per path. Reused from event to event (epochs instead of clearing).
#[derive(Default)]
pub(crate) struct Collected {
    text: String,
    values: Vec<Value>,
    head: Vec<u32>,
    seen_epoch: Vec<u32>,
    seen_paths: Vec<u32>,
    /// Live values per path (duplicate keys kill values).
    live: Vec<u32>,
    /// Per trie node.
    keys: Vec<KeySeen>,
    /// The number of the last object scanned (never reused, so no clearing between events).
    objects: u32,
    epoch: u32,
}

impl Collected {
    /// Before an event: room for the trie's paths and nodes, and nothing collected.
    pub(crate) fn begin(&mut self, trie: &PathTrie) {
        let paths = trie.len();
        self.epoch = self.epoch.wrapping_add(1);
        if self.epoch == 0 {
            self.seen_epoch.iter_mut().for_each(|e| *e = 0);
            self.epoch = 1;
        }
        self.seen_epoch.resize(paths, 0);
        self.head.resize(paths, NONE);
        self.live.resize(paths, 0);
        self.keys.resize(trie.nodes.len(), KeySeen::default());
        self.text.clear();
        self.values.clear();
        self.seen_paths.clear();
    }

    fn push(&mut self, pid: u32, kind: Kind, text: &str, num: f64, in_array: bool) {
        let p = pid as usize;
        if self.seen_epoch[p] != self.epoch {
            self.seen_epoch[p] = self.epoch;
            self.head[p] = NONE;
            self.live[p] = 0;
            self.seen_paths.push(pid);
        }
        self.live[p] += 1;
        let start = self.text.len() as u32;
        self.text.push_str(text);
        self.values.push(Value {
            pid,
            kind,
            in_array,
            start,
            end: self.text.len() as u32,
            num,
            next: self.head[p],
            dead: false,
        });
        self.head[p] = self.values.len() as u32 - 1;
    }

    /// Does the event have a leaf value at this path?
    #[inline]
    pub(crate) fn seen(&self, pid: u32) -> bool {
        self.seen_epoch[pid as usize] == self.epoch && self.live[pid as usize] > 0
    }

    /// Numbers a new object to scan, for telling duplicate keys apart.
    fn new_object(&mut self) -> u32 {
        self.objects = self.objects.wrapping_add(1);
        if self.objects == 0 {
            self.keys.iter_mut().for_each(|k| k.object = 0);
            self.objects = 1;
        }
        self.objects
    }

    /// After scanning the value of a key of `object` leading to trie node `node`: when the same
    /// key came earlier in that object, the later one overrides what it collected.
    fn key_done(&mut self, node: u32, object: u32, values: std::ops::Range<u32>) {
        let Some(seen) = self.keys.get_mut(node as usize) else {
            return;
        };
        if seen.object == object {
            for i in seen.values.clone() {
                if let Some(v) = self.values.get_mut(i as usize) {
                    if !v.dead {
                        v.dead = true;
                        self.live[v.pid as usize] -= 1;
                    }
                }
            }
        }
        *seen = KeySeen { object, values };
    }

    /// The paths with values, each once.
    pub(crate) fn seen_paths(&self) -> &[u32] {
        &self.seen_paths
    }

    /// The values at a path.
    pub(crate) fn values(&self, pid: u32) -> impl Iterator<Item = &Value> + '_ {
        let mut at = if self.seen(pid) {
            self.head[pid as usize]
        } else {
            NONE
        };
        std::iter::from_fn(move || loop {
            let v = self.values.get(at as usize)?;
            at = v.next;
            if !v.dead {
                return Some(v);
            }
        })
    }

    pub(crate) fn str(&self, v: &Value) -> &str {
        let (start, end) = (v.start as usize, v.end as usize);
        if start > end || end > self.text.len() {
            return "";
        }
        // SAFETY: `start..end` is in bounds (checked above), and both are character boundaries:
        // `push` took them as the length of `text` before and after appending a whole `&str`,
        // and `text` only grows until `begin` clears it together with the values. A checked
        // `get` tests both boundaries again for every value looked up (measured: about 17
        // instructions a value).
        unsafe { self.text.get_unchecked(start..end) }
    }

    pub(crate) fn leaf(&self, v: &Value) -> Leaf<'_> {
        match v.kind {
            Kind::Str => Leaf::Str(self.str(v)),
            Kind::Num => Leaf::Num(self.str(v), v.num),
            Kind::Bool(b) => Leaf::Bool(b),
            Kind::Null => Leaf::Null,
        }
    }
}

/// A child in a node's short list: its name, with the name's first eight bytes as one word
/// (zeros after a shorter name) and its length, compared before any byte of the rest.
struct Few {
    head: u64,
    len: usize,
    name: Box<str>,
    node: u32,
}

/// Children by key: a short list (compared by length and first eight bytes first) or, when
/// long, a map.
#[derive(Default)]
struct TrieNode {
    few: Vec<Few>,
    many: Option<FxMap<Box<str>, u32>>,
    path: Option<u32>,
    /// A bit per byte that may follow a key's opening quote in the text of a key leading to a
    /// child: the first byte of each child's name (a quote or a dot for the empty name), and
    /// a backslash (an escape may spell any name). Other keys are skipped unread.
    heads: [u64; 4],
}

const FEW_CHILDREN: usize = 8;

impl TrieNode {
    // Always inlined, like `PathTrie::child`: a call per key of the event that may lead to a
    // child cost about 40 instructions (704 per event at EventBridge ×10,000).
    #[inline(always)]
    fn get(&self, key: &str) -> Option<u32> {
        if let Some(m) = &self.many {
            return m.get(key).copied();
        }
        // Length and first eight bytes first, as words: most keys of an event differ there, and
        // short keys need nothing more (no memcmp call).
        let (len, head) = (key.len(), head_word(key.as_bytes()));
        self.few
            .iter()
            .find(|c| {
                c.head == head
                    && c.len == len
                    && (len <= 8 || c.name.as_bytes().get(8..) == key.as_bytes().get(8..))
            })
            .map(|c| c.node)
    }

    /// Whether some child's name followed by a dot starts `key` (always, for a node with many
    /// children: then the dotted walk decides).
    #[inline]
    fn may_head(&self, key: &str) -> bool {
        if self.many.is_some() {
            return key.as_bytes().contains(&b'.');
        }
        let key = key.as_bytes();
        self.few
            .iter()
            .any(|c| key.get(c.len) == Some(&b'.') && key.starts_with(c.name.as_bytes()))
    }

    /// Can a key whose text starts with `first` (after its quote) lead to a child?
    #[inline(always)]
    fn may_lead(&self, first: u8) -> bool {
        self.heads[(first >> 6) as usize] & (1 << (first & 63)) != 0
    }

    fn insert(&mut self, key: &str, node: u32) {
        // The empty name is reached by the empty key (a quote follows the quote) and by
        // dotted keys with an empty first segment (".a").
        let firsts: &[u8] = match key.as_bytes().first() {
            Some(b) => std::slice::from_ref(b),
            None => b"\".",
        };
        for &b in firsts.iter().chain(b"\\") {
            self.heads[(b >> 6) as usize] |= 1 << (b & 63);
        }
        if let Some(many) = &mut self.many {
            many.insert(key.into(), node);
            return;
        }
        self.few.push(Few {
            head: head_word(key.as_bytes()),
            len: key.len(),
            name: key.into(),
            node,
        });
        if self.few.len() > FEW_CHILDREN {
            self.many = Some(self.few.drain(..).map(|c| (c.name, c.node)).collect());
        }
    }
}

/// The mentioned paths, segment by segment.
pub(crate) struct PathTrie {
    nodes: Vec<TrieNode>,
    paths: FxMap<String, u32>,
}

impl Default for PathTrie {
    fn default() -> Self {
        PathTrie {
            nodes: vec![TrieNode::default()],
            paths: FxMap::default(),
        }
    }
}

impl PathTrie {
    /// The id of a dotted path, adding it when new.
    pub(crate) fn path_id(&mut self, path: &str) -> u32 {
        if let Some(id) = self.paths.get(path) {
            return *id;
        }
        let id = self.paths.len() as u32;
        self.paths.insert(path.to_string(), id);
        let mut node = 0usize;
        for part in path.split('.') {
            node = match self.nodes[node].get(part) {
                Some(n) => n as usize,
                None => {
                    let n = self.nodes.len();
                    self.nodes.push(TrieNode::default());
                    self.nodes[node].insert(part, n as u32);
                    n
                }
            };
        }
        self.nodes[node].path = Some(id);
        id
    }

    pub(crate) fn len(&self) -> usize {
        self.paths.len()
    }

    /// The trie node under `node` for an event key (dotted keys walk several segments).
    #[inline(always)]
    fn child(&self, node: u32, key: &str) -> Option<u32> {
        let trie = &self.nodes[node as usize];
        // A name's first byte starts every key leading to it (the empty name: the empty key or a
        // dot), so the heads of the names rule out most keys of a parsed event at once.
        if !trie.may_lead(key.as_bytes().first().copied().unwrap_or(b'"')) {
            return None;
        }
        if let Some(n) = trie.get(key) {
            return Some(n);
        }
        // A dotted key ("b.c") reaches the path b.c. Segments hold no dots, so a key that is
        // some child's name exactly was found above; otherwise look for dots only when a child
        // names the key's first segment (most keys of an event share no head with the trie's).
        if !trie.may_head(key) {
            return None;
        }
        let mut n = node;
        for part in key.split('.') {
            n = self.nodes[n as usize].get(part)?;
        }
        Some(n)
    }

    fn at_leaf(
        &self,
        node: u32,
        kind: Kind,
        text: &str,
        num: f64,
        arrays: u32,
        col: &mut Collected,
    ) {
        if let Some(pid) = self.nodes[node as usize].path {
            col.push(pid, kind, text, num, arrays > 0);
        }
    }

    /// Reads the string at the scanner (on its opening quote) as a value under `node`.
    #[inline(always)]
    fn string_leaf(
        &self,
        sc: &mut Scanner<'_>,
        node: u32,
        arrays: u32,
        col: &mut Collected,
    ) -> Result<(), ()> {
        let v = sc.string()?;
        self.at_leaf(node, Kind::Str, &v, 0.0, arrays, col);
        Ok(())
    }

    /// Collects the values of a parsed event.
    pub(crate) fn walk(&self, v: &Json, node: u32, arrays: u32, col: &mut Collected) {
        match &v.value {
            JsonValue::Object(fields) => {
                for (k, _, child) in fields {
                    if let Some(n) = self.child(node, k) {
                        self.walk(child, n, arrays, col);
                    }
                }
            }
            JsonValue::Array(items) => {
                for it in items {
                    self.walk(it, node, arrays + 1, col);
                }
            }
            JsonValue::String(s) => self.at_leaf(node, Kind::Str, s, 0.0, arrays, col),
            JsonValue::Number(t, n) => self.at_leaf(node, Kind::Num, t, *n, arrays, col),
            JsonValue::Bool(b) => self.at_leaf(node, Kind::Bool(*b), "", 0.0, arrays, col),
            JsonValue::Null => self.at_leaf(node, Kind::Null, "", 0.0, arrays, col),
        }
    }

    /// Collects the values of an event given as text, checking that all of it is valid JSON;
    /// or, when the text is `PRECHECKED` (known to be valid), skipping the objects and arrays
    /// no pattern reaches by counting their brackets.
    pub(crate) fn scan<const PRECHECKED: bool>(
        &self,
        text: &str,
        col: &mut Collected,
    ) -> Result<(), ()> {
        prefetch(text.as_bytes());
        let mut sc = Scanner {
            b: text.as_bytes(),
            src: text,
            i: 0,
        };
        sc.ws();
        self.scan_value::<PRECHECKED>(&mut sc, 0, 0, col, 0)?;
        sc.ws();
        if sc.i == sc.b.len() {
            Ok(())
        } else {
            Err(())
        }
    }

    /// Scans one value under a trie node; parts the trie does not reach are only validated (or,
    /// `PRECHECKED`, skipped).
    fn scan_value<const PRECHECKED: bool>(
        &self,
        sc: &mut Scanner<'_>,
        node: u32,
        arrays: u32,
        col: &mut Collected,
        depth: usize,
    ) -> Result<(), ()> {
        // A container at `depth` is nesting level `depth + 1` (the event itself is the first);
        // a scalar adds no level.
        if depth >= MAX_EVENT_DEPTH && matches!(sc.peek(), Some(b'{' | b'[')) {
            return Err(());
        }
        match sc.peek().ok_or(())? {
            b'{' => {
                sc.i += 1;
                sc.ws();
                if sc.peek() == Some(b'}') {
                    sc.i += 1;
                    return Ok(());
                }
                let object = col.new_object();
                let trie = &self.nodes[node as usize];
                // Whitespace is behind: skipped after the `{` above and by `comma` below.
                loop {
                    let child = match sc.b.get(sc.i + 1) {
                        Some(&first) if !trie.may_lead(first) => {
                            sc.skip_string()?;
                            None
                        }
                        _ => self.child(node, &sc.string()?),
                    };
                    sc.colon()?;
                    match child {
                        Some(child) => {
                            let first = col.values.len() as u32;
                            // A string, the usual value, read here: no call into this whole
                            // function for it (a scalar adds no nesting level).
                            if sc.peek() == Some(b'"') {
                                self.string_leaf(sc, child, arrays, col)?;
                            } else {
                                self.scan_value::<PRECHECKED>(sc, child, arrays, col, depth + 1)?;
                            }
                            let values = first..col.values.len() as u32;
                            col.key_done(child, object, values);
                        }
                        // Most skipped values are strings or numbers: no call into the
                        // general skipper.
                        None => match sc.peek() {
                            Some(b'"') => sc.skip_string()?,
                            Some(b'-' | b'0'..=b'9') => sc.skip_number()?,
                            _ if PRECHECKED => sc.skip_prechecked(depth + 1)?,
                            _ => sc.skip_value(depth + 1)?,
                        },
                    }
                    if sc.comma() {
                        continue;
                    }
                    return sc.close(b'}');
                }
            }
            b'[' => {
                sc.i += 1;
                sc.ws();
                if sc.peek() == Some(b']') {
                    sc.i += 1;
                    return Ok(());
                }
                // Whitespace is behind: skipped after the `[` above and by `comma` below.
                loop {
                    self.scan_value::<PRECHECKED>(sc, node, arrays + 1, col, depth + 1)?;
                    if sc.comma() {
                        continue;
                    }
                    return sc.close(b']');
                }
            }
            b'"' => self.string_leaf(sc, node, arrays, col),
            b't' | b'f' | b'n' => {
                let (lit, kind) = match sc.peek() {
                    Some(b't') => ("true", Kind::Bool(true)),
                    Some(b'f') => ("false", Kind::Bool(false)),
                    _ => ("null", Kind::Null),
                };
                if !sc.b[sc.i..].starts_with(lit.as_bytes()) {
                    return Err(());
                }
                sc.i += lit.len();
                self.at_leaf(node, kind, "", 0.0, arrays, col);
                Ok(())
            }
            _ => {
                let text = sc.number()?;
                if self.nodes[node as usize].path.is_some() {
                    let v: f64 = text.parse().map_err(|_| ())?;
                    self.at_leaf(node, Kind::Num, text, v, arrays, col);
                }
                Ok(())
            }
        }
    }
}

/// Asks for the first 2 KiB of an event's text to be brought into the cache before it is read.
#[inline(always)]
fn prefetch(b: &[u8]) {
    #[cfg(target_arch = "x86_64")]
    for at in (0..b.len().min(2048)).step_by(64) {
        // SAFETY: a prefetch only hints at an address (of a byte of `b` here); it reads nothing.
        unsafe {
            std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(
                b.as_ptr().add(at).cast(),
            )
        };
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = b;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_rng::Rng;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    /// A name's word is its first eight bytes (zeros after a shorter one): texts of one length
    /// up to eight bytes have equal words exactly when they are equal, and a node's short list
    /// finds every child by its name, names sharing their first eight bytes among them.
    #[test]
    fn short_lists_find_children_by_length_and_first_eight_bytes() {
        let mut r = Rng(0x9e37_79b9_7f4a_7c15);
        for _ in 0..20_000 {
            let len = r.below(10);
            let a: Vec<u8> = (0..len).map(|_| b"ab\0\xff"[r.below(4)]).collect();
            let mut b = a.clone();
            if len > 0 && r.below(2) == 0 {
                let at = r.below(len);
                b[at] = b"ab\0\xff"[r.below(4)];
            }
            let mut padded = [0u8; 8];
            padded[..len.min(8)].copy_from_slice(&a[..len.min(8)]);
            assert_eq!(head_word(&a), u64::from_le_bytes(padded), "{a:?}");
            if len <= 8 {
                assert_eq!(head_word(&a) == head_word(&b), a == b, "{a:?} {b:?}");
            }
        }
        let names = [
            "",
            "a",
            "id",
            "sku",
            "tier",
            "email",
            "status",
            "currency",
            "customer",
            "customer_id",
            "customer_ip",
            "detail-type",
            "\u{e9}t\u{e9}",
        ];
        let mut node = TrieNode::default();
        for (i, n) in names.iter().take(FEW_CHILDREN).enumerate() {
            node.insert(n, i as u32);
        }
        assert!(node.many.is_none());
        for (i, n) in names.iter().take(FEW_CHILDREN).enumerate() {
            assert_eq!(node.get(n), Some(i as u32), "{n:?}");
        }
        let mut long = TrieNode::default();
        for (i, n) in ["customer", "customer_id", "customer_ip", "customers"]
            .iter()
            .enumerate()
        {
            long.insert(n, i as u32);
        }
        for (key, want) in [
            ("customer", Some(0)),
            ("customer_id", Some(1)),
            ("customer_ip", Some(2)),
            ("customers", Some(3)),
            ("customer_i", None),
            ("customer_iq", None),
            ("custome", None),
            ("", None),
        ] {
            assert_eq!(long.get(key), want, "{key:?}");
        }
    }
}
