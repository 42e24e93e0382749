//! The `wildcard` operator: `*` matches any run of characters, `\*` and `\\` are literals.
//!
//! Matching is linear in the length of the value: the pattern is split into literal segments at
//! its stars; the first segment must be a prefix, the last a suffix, and the middle ones are found
//! left to right, each at its leftmost place (which is always safe for `*`-only globs).

/// A parsed wildcard pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wildcard {
    /// Literal segments between stars; `segments.len() == stars + 1`.
    segments: Vec<String>,
}

/// Why a wildcard pattern is invalid, with Ruler's message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WildcardError(pub String);

/// The complexity at which a machine is too complex. EventBridge does not publish its limit.
/// Counted as Ruler counts ([`complexity`]), the recorded cases give 11 for the rejected
/// `*:*:*:*:*:event-bus/*`, 7 for the accepted `/Users/*/dir/dir/dir/dir/dir/doc.txt` and 3 for
/// `arn:aws:events:us-east-1:*:event-bus/*`, so AWS's limit lies in 8..=11; we take the most
/// permissive, 11 ("more than 10"), so that no pattern AWS may accept is refused here (see
/// `docs/PATTERNS.md`).
pub const COMPLEXITY_LIMIT: usize = 11;

impl Wildcard {
    /// Parses a decoded pattern string. Positions in errors count UTF-8 bytes with a leading `"`,
    /// as Ruler stores its values.
    pub fn parse(value: &str) -> Result<Wildcard, WildcardError> {
        let mut segments = vec![String::new()];
        let bytes = value.as_bytes();
        let mut i = 0;
        let mut prev_star = false;
        while i < bytes.len() {
            match bytes[i] {
                b'\\' => match bytes.get(i + 1) {
                    Some(b'*') | Some(b'\\') => {
                        if let Some(last) = segments.last_mut() {
                            last.push(bytes[i + 1] as char);
                        }
                        i += 2;
                        prev_star = false;
                        continue;
                    }
                    _ => {
                        return Err(WildcardError(format!(
                            "Invalid escape character at pos {}",
                            i + 1
                        )))
                    }
                },
                b'*' => {
                    if prev_star {
                        return Err(WildcardError(format!(
                            "Consecutive wildcard characters at pos {}",
                            i
                        )));
                    }
                    segments.push(String::new());
                    prev_star = true;
                    i += 1;
                    continue;
                }
                _ => {}
            }
            // Copy one whole UTF-8 character.
            let ch_len = utf8_len(bytes[i]);
            let end = (i + ch_len).min(bytes.len());
            if let (Some(last), Some(s)) = (segments.last_mut(), value.get(i..end)) {
                last.push_str(s);
            }
            i = end;
            prev_star = false;
        }
        Ok(Wildcard { segments })
    }

    /// The literal text before the first star (the whole text when there is none).
    pub fn literal_prefix(&self) -> &str {
        &self.segments[0]
    }

    /// The literal text after the last star (empty without a star: the prefix is the whole).
    pub fn literal_suffix(&self) -> &str {
        match self.segments.len() {
            1 => "",
            n => &self.segments[n - 1],
        }
    }

    /// How many `*` the glob has (unescaped).
    pub fn star_count(&self) -> usize {
        self.segments.len() - 1
    }

    /// True when the whole value matches.
    #[inline]
    pub fn matches(&self, value: &str) -> bool {
        self.first_miss(value).is_none()
    }

    /// Where matching `value` first fails, the way [`Wildcard::matches`] reads it: the start,
    /// the end, or a middle segment that the rest of the value does not hold (`None`: it matches).
    #[inline]
    fn first_miss<'v>(&self, value: &'v str) -> Option<Miss<'v>> {
        let n = self.segments.len();
        if n == 1 {
            return (value != self.segments[0]).then_some(Miss::Whole);
        }
        let first = &self.segments[0];
        let last = &self.segments[n - 1];
        // An empty end (`*-1*`) is not compared: `memcmp` through the pointer of a string that
        // never allocated takes ~40 ns on some machines (docs/MEASUREMENTS.md).
        if value.len() < first.len() + last.len() {
            return Some(Miss::Short);
        }
        if !(first.is_empty() || value.starts_with(first.as_str())) {
            return Some(Miss::Start);
        }
        if !(last.is_empty() || value.ends_with(last.as_str())) {
            return Some(Miss::End);
        }
        let mut rest = &value[first.len()..value.len() - last.len()];
        for (k, seg) in self.segments[1..n - 1].iter().enumerate() {
            match find(rest, seg) {
                Some(at) => rest = &rest[at + seg.len()..],
                None => return Some(Miss::Middle { star: k + 1, rest }),
            }
        }
        None
    }

    /// Why `value` does not match, in words (`None` when it matches, or when the pattern has no
    /// star and is then an exact comparison).
    ///
    /// ```
    /// use event_pattern::wildcard::Wildcard;
    /// let w = Wildcard::parse("arn:aws:s3:::bucket-*/logs/*").unwrap();
    /// assert_eq!(
    ///     w.why_not("arn:aws:s3:::bucket-a/log/x").as_deref(),
    ///     Some(r#""/logs/" (between the 1st and 2nd *) does not occur in the rest of the value, "a/log/x""#)
    /// );
    /// assert_eq!(w.why_not("arn:aws:s3:::bucket-a/logs/x"), None);
    /// ```
    pub fn why_not(&self, value: &str) -> Option<String> {
        let q = |s: &str| {
            let mut out = String::new();
            crate::json::write_string(s, &mut out);
            out
        };
        let (first, last) = (self.literal_prefix(), self.literal_suffix());
        Some(match self.first_miss(value)? {
            Miss::Whole => return None,
            Miss::Short => format!(
                "the value is shorter than {} and {} together (the text before the first * and after the last)",
                q(first),
                q(last)
            ),
            Miss::Start => format!(
                "the value does not start with {} (the text before the first *)",
                q(first)
            ),
            Miss::End => format!(
                "the value does not end with {} (the text after the last *)",
                q(last)
            ),
            Miss::Middle { star, rest } => {
                let rest = match rest.char_indices().nth(REST_SHOWN) {
                    Some((cut, _)) => format!("{}...", q(&rest[..cut])),
                    None => q(rest),
                };
                format!(
                    "{} (between the {} and {} *) does not occur in the rest of the value, {rest}",
                    q(&self.segments[star]),
                    ordinal(star),
                    ordinal(star + 1)
                )
            }
        })
    }

    /// [`complexity`] of a machine holding this pattern alone.
    pub fn complexity(&self, cap: usize) -> usize {
        complexity(&[self], cap)
    }

    /// The pattern as Ruler's byte machine holds it: the value in quotes, its bytes, [`STAR`]
    /// for each star (an escaped star or backslash is a byte like any other).
    fn tokens(&self) -> Vec<u16> {
        let mut t = vec![u16::from(b'"')];
        for (k, seg) in self.segments.iter().enumerate() {
            if k > 0 {
                t.push(STAR);
            }
            t.extend(seg.bytes().map(u16::from));
        }
        t.push(u16::from(b'"'));
        t
    }
}

/// A star among a pattern's [`Wildcard::tokens`] (bytes are 0..=255).
const STAR: u16 = 256;

/// How many sets of states [`complexity`] may visit before it calls the machine too complex.
pub const MAX_COMPLEXITY_SETS: usize = 20_000;

/// Ruler's `MachineComplexityEvaluator` for one value machine holding these wildcard patterns
/// (identical ones count once, as Ruler keeps one): the most (pattern, prefix) pairs whose
/// prefix, a glob cut anywhere in the quoted pattern, matches one and the same input, over all
/// inputs — what Ruler's own tests call "the maximum number of matching wildcard rule prefixes"
/// (`MachineComplexityEvaluatorTest`: `"a*bb"` gives 3 on `"abb"`, by `a*`, `a*b` and `a*bb`).
/// Each pattern here is one of Ruler's: for an `anything-but` wildcard list, which Ruler holds as
/// one pattern, see [`complexity_of_patterns`].
///
/// The inputs are explored breadth-first, one set of active states at a time: from each, over
/// the bytes that move one of its states forward and one byte that moves none. Counting stops
/// at `cap` (Ruler stops there too); a machine whose exploration visits more than
/// [`MAX_COMPLEXITY_SETS`] sets below the cap is given the cap as well.
///
/// ```
/// use event_pattern::wildcard::{complexity, Wildcard};
/// let w = |p: &str| Wildcard::parse(p).unwrap();
/// // "aaa" (in quotes) is matched by "*, "*a, "*a*, "*a*a, "*a*a*, "*a*a*a and "*a*a*a*.
/// assert_eq!(w("*a*a*a*").complexity(100), 7);
/// // Two patterns in one machine add up, on the input that suits both best.
/// assert_eq!(complexity(&[&w("a*bc"), &w("a*bcde")], 100), 4);
/// ```
pub fn complexity(patterns: &[&Wildcard], cap: usize) -> usize {
    let mut each: Vec<Vec<&Wildcard>> = Vec::new();
    for &p in patterns {
        if !each.iter().any(|e| e == &[p]) {
            each.push(vec![p]);
        }
    }
    let groups: Vec<&[&Wildcard]> = each.iter().map(Vec::as_slice).collect();
    complexity_of_patterns(&groups, cap)
}

/// [`complexity`] of a machine whose patterns may each hold several values: a plain wildcard is
/// a pattern of one value; an `anything-but` wildcard list (`{"anything-but": {"wildcard":
/// [...]}}`) is one pattern of all its values, as Ruler holds it (one `Patterns` object, its
/// values sharing the machine's states). Each pattern given counts, even one equal to another:
/// give each of Ruler's patterns once (a wildcard and an `anything-but` wildcard of the same text
/// are two).
///
/// Ruler counts, at each state the input has reached, the patterns that state leads to: a state
/// that two values of one list share counts once, where two separate patterns count twice. So,
/// within one pattern, the values' prefixes that are the same text are one state (the machine
/// is a tree of prefixes), and their full matches end in the pattern's one match. Ruler's
/// `MachineComplexityEvaluatorTest` gives 6 for the list `["a*aaa", "aa*aa"]`, where the same
/// two as separate patterns give 7; its corpus gives 7 for a list of four values with leading
/// stars, where the same four as wildcards give 12.
///
/// ```
/// use event_pattern::wildcard::{complexity_of_patterns, Wildcard};
/// let w = |p: &str| Wildcard::parse(p).unwrap();
/// let (a, b) = (w("*kiwi*"), w("*Delta*"));
/// // Two wildcards: 3 each, on an input that finishes both.
/// assert_eq!(complexity_of_patterns(&[&[&a], &[&b]], 100), 6);
/// // One anything-but list of the two: their shared `"*` and their match count once.
/// assert_eq!(complexity_of_patterns(&[&[&a, &b]], 100), 4);
/// ```
pub fn complexity_of_patterns(patterns: &[&[&Wildcard]], cap: usize) -> usize {
    let mut every: Vec<Vec<Vec<u16>>> = Vec::new();
    for values in patterns {
        let mut tokens: Vec<Vec<u16>> = Vec::new();
        for t in values.iter().map(|v| v.tokens()) {
            if !tokens.contains(&t) {
                tokens.push(t);
            }
        }
        if !tokens.is_empty() {
            every.push(tokens);
        }
    }
    complexity_of_tokens(&every, cap)
}

/// [`complexity_of_patterns`] of patterns given as their values' tokens.
fn complexity_of_tokens(patterns: &[Vec<Vec<u16>>], cap: usize) -> usize {
    use std::collections::{HashSet, VecDeque};
    // Each pattern's values as a tree of prefixes, as Ruler's machine shares them: a state is
    // a node, the prefix from its pattern's root to it, matched so far. Whether a prefix is
    // matched depends on the prefix alone, so the values of one pattern that start alike share
    // their nodes, as Ruler's states. A root (nothing matched) does not count; a value's whole
    // text counts as its pattern's match, one for the pattern.
    struct Node {
        /// The last token of the prefix (`u16::MAX` at a root).
        token: u16,
        /// What the node counts as (`NOT_COUNTED` at a root).
        key: u32,
        children: Vec<(u16, u32)>,
    }
    const NOT_COUNTED: u32 = u32::MAX;
    let mut nodes: Vec<Node> = Vec::new();
    let mut roots: Vec<u32> = Vec::new();
    for (p, values) in patterns.iter().enumerate() {
        let root = nodes.len() as u32;
        roots.push(root);
        nodes.push(Node {
            token: u16::MAX,
            key: NOT_COUNTED,
            children: Vec::new(),
        });
        // Keys past the nodes' ids stand for the patterns' matches.
        let matched = u32::MAX - 1 - p as u32;
        for t in values {
            let mut at = root;
            for (j, &token) in t.iter().enumerate() {
                let found = nodes
                    .get(at as usize)
                    .and_then(|n| n.children.iter().find(|c| c.0 == token))
                    .map(|c| c.1);
                at = match found {
                    Some(child) => child,
                    None => {
                        let child = nodes.len() as u32;
                        nodes.push(Node {
                            token,
                            key: child,
                            children: Vec::new(),
                        });
                        if let Some(n) = nodes.get_mut(at as usize) {
                            n.children.push((token, child));
                        }
                        child
                    }
                };
                if j + 1 == t.len() {
                    if let Some(n) = nodes.get_mut(at as usize) {
                        n.key = matched;
                    }
                }
            }
        }
    }
    let node = |at: u32| nodes.get(at as usize);
    // A star may match nothing: from a node, also its child past a star.
    let close = |set: &mut Vec<u32>| {
        let mut i = 0;
        while let Some(&at) = set.get(i) {
            if let Some(&(_, child)) =
                node(at).and_then(|n| n.children.iter().find(|c| c.0 == STAR))
            {
                if !set.contains(&child) {
                    set.push(child);
                }
            }
            i += 1;
        }
        set.sort_unstable();
        set.dedup();
    };
    let mut counted: Vec<u32> = Vec::new();
    let mut count = |set: &[u32]| {
        counted.clear();
        counted.extend(
            set.iter()
                .filter_map(|&at| node(at).map(|n| n.key))
                .filter(|&k| k != NOT_COUNTED),
        );
        counted.sort_unstable();
        counted.dedup();
        counted.len()
    };
    let mut start = roots;
    close(&mut start);
    let mut seen: HashSet<Vec<u32>> = HashSet::new();
    let mut queue = VecDeque::new();
    seen.insert(start.clone());
    queue.push_back(start);
    let mut best = 0;
    while let Some(set) = queue.pop_front() {
        best = best.max(count(&set));
        if best >= cap || seen.len() > MAX_COMPLEXITY_SETS {
            return cap;
        }
        // The bytes that move some state forward, and one that moves none (every other byte
        // leads where it does): the only inputs that lead to different sets from here.
        let mut bytes: Vec<u16> = set
            .iter()
            .filter_map(|&at| node(at))
            .flat_map(|n| n.children.iter().map(|c| c.0))
            .filter(|&t| t < STAR)
            .collect();
        bytes.sort_unstable();
        bytes.dedup();
        if let Some(other) = (0..=255u16).find(|b| bytes.binary_search(b).is_err()) {
            bytes.push(other);
        }
        for &b in &bytes {
            let mut next = Vec::with_capacity(set.len() + 1);
            for n in set.iter().filter_map(|&at| node(at).map(|n| (at, n))) {
                let (at, n) = n;
                // After a star, any byte keeps the star going.
                if n.token == STAR {
                    next.push(at);
                }
                next.extend(n.children.iter().filter(|c| c.0 == b).map(|c| c.1));
            }
            close(&mut next);
            if !next.is_empty() && !seen.contains(&next) {
                seen.insert(next.clone());
                queue.push_back(next);
            }
        }
    }
    best
}

/// Where a value stops matching (see [`Wildcard::first_miss`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Miss<'v> {
    /// No star, and the value is another text.
    Whole,
    /// Too short for the text before the first star and after the last one.
    Short,
    /// It does not start with the text before the first star.
    Start,
    /// It does not end with the text after the last star.
    End,
    /// The segment after star number `star` (from 1) is not in `rest`, what is left of the value.
    Middle { star: usize, rest: &'v str },
}

/// How many characters of the unmatched rest a message shows.
const REST_SHOWN: usize = 60;

/// "1st", "2nd", "3rd", "4th", ... "11th", "12th", "13th", "21st".
fn ordinal(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

fn utf8_len(first: u8) -> usize {
    match first {
        0x00..=0x7F => 1,
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        _ => 4,
    }
}

/// Where `needle` first occurs in `hay`. Short needles (the usual middle of a wildcard, `-1`
/// in `*-1*`) are found by their first byte and a comparison: no searcher to set up, and at most
/// [`SHORT_NEEDLE`] byte comparisons per position. Longer ones go to the standard library's
/// two-way search, linear in the value whatever the needle.
fn find(hay: &str, needle: &str) -> Option<usize> {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    let Some((&first, tail)) = n.split_first() else {
        return Some(0);
    };
    if n.len() > SHORT_NEEDLE {
        return hay.find(needle);
    }
    let last_start = h.len().checked_sub(n.len())?;
    let mut at = 0;
    while at <= last_start {
        let k = h.get(at..=last_start)?.iter().position(|&b| b == first)?;
        at += k;
        if h.get(at + 1..at + n.len()) == Some(tail) {
            return Some(at);
        }
        at += 1;
    }
    None
}

/// Needles up to this many bytes are searched for directly.
const SHORT_NEEDLE: usize = 8;

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    /// Each way a value can fail a wildcard is said, and a match is said to fail nowhere.
    #[test]
    fn says_where_a_value_stops_matching() {
        for (pattern, value, why) in [
            (
                "a*z",
                "abc",
                Some(r#"the value does not end with "z" (the text after the last *)"#),
            ),
            (
                "a*z",
                "xyz",
                Some(r#"the value does not start with "a" (the text before the first *)"#),
            ),
            (
                "abc*cba",
                "abcba",
                Some(
                    r#"the value is shorter than "abc" and "cba" together (the text before the first * and after the last)"#,
                ),
            ),
            (
                "*-1*-2*",
                "x-2-1",
                Some(
                    r#""-2" (between the 2nd and 3rd *) does not occur in the rest of the value, """#,
                ),
            ),
            (
                "*-1*",
                "x-2",
                Some(
                    r#""-1" (between the 1st and 2nd *) does not occur in the rest of the value, "x-2""#,
                ),
            ),
            ("*-1*", "x-1", None),
            ("exact", "other", None),
            ("exact", "exact", None),
        ] {
            let w = Wildcard::parse(pattern).unwrap();
            assert_eq!(w.why_not(value).as_deref(), why, "{pattern} {value}");
            assert_eq!(
                w.matches(value),
                why.is_none() && (pattern.contains('*') || pattern == value)
            );
        }
        // A long rest is cut.
        let w = Wildcard::parse("*x*").unwrap();
        let why = w.why_not(&"y".repeat(100)).unwrap();
        assert!(
            why.ends_with(&format!(", \"{}\"...", "y".repeat(REST_SHOWN))),
            "{why}"
        );
        assert_eq!(
            [1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 101, 111].map(ordinal),
            [
                "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "23rd",
                "101st", "111th"
            ]
        );
    }

    #[test]
    fn matches_like_a_glob() {
        let w = Wildcard::parse("arn:aws:events:us-east-1:*:event-bus/*").unwrap();
        assert!(w.matches("arn:aws:events:us-east-1:123:event-bus/orders"));
        assert!(!w.matches("arn:aws:events:us-east-2:123:event-bus/orders"));
        assert!(Wildcard::parse("").unwrap().matches(""));
        assert!(!Wildcard::parse("").unwrap().matches("a"));
        assert!(Wildcard::parse("a*a").unwrap().matches("aa"));
        assert!(!Wildcard::parse("a*a").unwrap().matches("a"));
        assert!(Wildcard::parse("*").unwrap().matches(""));
    }

    #[test]
    fn escapes_are_literals() {
        let w = Wildcard::parse(r"a\*b").unwrap();
        assert!(w.matches("a*b"));
        assert!(!w.matches("axb"));
        assert!(Wildcard::parse(r"a\\*").unwrap().matches(r"a\anything"));
        assert_eq!(
            Wildcard::parse(r"a\b"),
            Err(WildcardError("Invalid escape character at pos 2".into()))
        );
    }

    #[test]
    fn consecutive_stars_report_ruler_position() {
        assert_eq!(
            Wildcard::parse("arn:aws:events:us-east-1:**:event-bus/*"),
            Err(WildcardError(
                "Consecutive wildcard characters at pos 26".into()
            ))
        );
    }

    /// The three cases recorded against AWS: counted as Ruler counts (the value in quotes),
    /// 11 for the rejected one, 7 and 3 for the accepted ones; [`COMPLEXITY_LIMIT`] lies between.
    #[test]
    fn complexity_separates_recorded_cases() {
        let c = |p: &str| Wildcard::parse(p).unwrap().complexity(100);
        assert_eq!(c("*:*:*:*:*:event-bus/*"), 11);
        assert_eq!(c("/Users/*/dir/dir/dir/dir/dir/doc.txt"), 7);
        assert_eq!(c("arn:aws:events:us-east-1:*:event-bus/*"), 3);
        assert!(c("*:*:*:*:*:event-bus/*") >= COMPLEXITY_LIMIT);
        assert!(c("/Users/*/dir/dir/dir/dir/dir/doc.txt") < COMPLEXITY_LIMIT);
    }

    /// The complexities Ruler's own tests expect (`MachineComplexityEvaluatorTest`, on byte
    /// machines holding the values as given, without quotes, and on whole rules, with them; and
    /// `MachineComplexityEvaluatorCorpus`), from `wildcard_complexity.json` beside the crate's
    /// tests: `[complexity, quoted, patterns]`, where a pattern is a wildcard, or a list of the
    /// values of one `anything-but` wildcard list (one pattern in Ruler's machine).
    #[test]
    fn complexity_is_what_rulers_tests_expect() {
        let cases: Vec<(usize, bool, Vec<serde_json::Value>)> =
            serde_json::from_str(include_str!("../tests/wildcard_complexity.json")).unwrap();
        assert!(cases.len() >= 50);
        for (want, quoted, patterns) in cases {
            let groups: Vec<Vec<Wildcard>> = patterns
                .iter()
                .map(|p| match p {
                    serde_json::Value::String(one) => vec![Wildcard::parse(one).unwrap()],
                    values => values
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|v| Wildcard::parse(v.as_str().unwrap()).unwrap())
                        .collect(),
                })
                .collect();
            let got = if quoted {
                let refs: Vec<Vec<&Wildcard>> = groups.iter().map(|g| g.iter().collect()).collect();
                let slices: Vec<&[&Wildcard]> = refs.iter().map(Vec::as_slice).collect();
                complexity_of_patterns(&slices, 1000)
            } else {
                let mut tokens: Vec<Vec<Vec<u16>>> = Vec::new();
                for g in &groups {
                    let mut bare: Vec<Vec<u16>> = g
                        .iter()
                        .map(|w| {
                            let t = w.tokens();
                            t[1..t.len() - 1].to_vec()
                        })
                        .collect();
                    bare.sort_unstable();
                    bare.dedup();
                    if !tokens.contains(&bare) {
                        tokens.push(bare);
                    }
                }
                complexity_of_tokens(&tokens, 1000)
            };
            assert_eq!(got, want, "{patterns:?} (quoted: {quoted})");
        }
    }

    /// Counting stops at the cap, and a machine too large to explore is given the cap.
    #[test]
    fn complexity_is_bounded() {
        let long = Wildcard::parse(&"F*e*a*t*u*r*e*".repeat(290)).unwrap();
        assert_eq!(long.complexity(11), 11);
        let w = Wildcard::parse("*a*a*a*a*a*a*").unwrap();
        assert_eq!(w.complexity(5), 5);
        assert_eq!(w.complexity(100), 13);
        // One anything-but list of 300 values `*xy*`: its values share `"*`, so no set of states
        // counts many at first, and the exploration is what ends it (with the cap: every pair
        // finished leaves its trailing star running, and eleven of them are too many).
        let pairs: Vec<Wildcard> = (0..300u16)
            .map(|i| {
                let letter = |n: u16| char::from(b'a' + (n % 26) as u8);
                let (x, y) = (letter(i), letter(i / 26));
                Wildcard::parse(&format!("*{x}{y}*")).unwrap()
            })
            .collect();
        let list: Vec<&Wildcard> = pairs.iter().collect();
        assert_eq!(complexity_of_patterns(&[&list], 11), 11);
        // Two of them as a list: the shared `"*`, each value's `"*x`, `"*xy` and trailing star,
        // one match, less what no input reaches at once.
        assert_eq!(complexity_of_patterns(&[&list[..2]], 100), 5);
    }

    /// The short-needle search finds what `str::find` finds, for needles of every length around
    /// the cut-over, in values with repeats, near misses and multi-byte characters.
    #[test]
    fn finding_a_segment_agrees_with_the_standard_search() {
        let alphabet = ["a", "b", "-", "1", "\u{e9}", "\u{1f600}"];
        let mut r = crate::test_rng::Rng(0x2545_f491_4f6c_dd1du64);
        let mut next = |n: usize| r.below(n);
        for _ in 0..20_000 {
            let hay: String = (0..next(24))
                .map(|_| alphabet[next(alphabet.len())])
                .collect();
            let needle: String = (0..next(SHORT_NEEDLE + 3))
                .map(|_| alphabet[next(alphabet.len())])
                .collect();
            assert_eq!(find(&hay, &needle), hay.find(&needle), "{hay:?} {needle:?}");
        }
        for (hay, needle) in [
            ("", ""),
            ("", "a"),
            ("a", ""),
            ("aaab", "aab"),
            ("abc", "abcd"),
        ] {
            assert_eq!(find(hay, needle), hay.find(needle), "{hay:?} {needle:?}");
        }
        // Empty first and last segments (`*-1*`) match anywhere the middle does.
        let w = Wildcard::parse("*-1*").unwrap();
        assert!(w.matches("orders-123") && w.matches("-1") && !w.matches("orders-2"));
    }

    /// Random globs against random values, checked against matching by dynamic programming over
    /// the glob's characters (a definition independent of segments and leftmost search).
    #[test]
    fn matching_agrees_with_a_character_by_character_definition() {
        fn by_characters(glob: &str, value: &str) -> bool {
            // `None` is a star; escapes already resolved.
            let mut items: Vec<Option<char>> = Vec::new();
            let mut chars = glob.chars();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => items.push(chars.next()),
                    '*' => items.push(None),
                    c => items.push(Some(c)),
                }
            }
            let v: Vec<char> = value.chars().collect();
            // can[j]: the glob so far matches the first j characters of the value.
            let mut can = vec![false; v.len() + 1];
            can[0] = true;
            for item in items {
                let mut next = vec![false; v.len() + 1];
                for j in 0..=v.len() {
                    next[j] = match item {
                        None => can[j] || (j > 0 && next[j - 1]),
                        Some(c) => j > 0 && can[j - 1] && v[j - 1] == c,
                    };
                }
                can = next;
            }
            can[v.len()]
        }
        let glob_parts = ["a", "b", "-", "1", "*", "\\*", "\\\\", "\u{e9}"];
        let value_parts = ["a", "b", "-", "1", "*", "\\", "\u{e9}", "ab", "-1"];
        let mut r = crate::test_rng::Rng(0x9e37_79b9_7f4a_7c15u64);
        let mut next = |n: usize| r.below(n);
        let mut matched = 0;
        for _ in 0..30_000 {
            let glob: String = (0..next(11))
                .map(|_| glob_parts[next(glob_parts.len())])
                .collect();
            let Ok(w) = Wildcard::parse(&glob) else {
                continue;
            };
            let value: String = (0..next(12))
                .map(|_| value_parts[next(value_parts.len())])
                .collect();
            let want = by_characters(&glob, &value);
            assert_eq!(w.matches(&value), want, "{glob:?} {value:?}");
            matched += want as usize;
        }
        // A middle segment is used up where it is found.
        for (glob, value) in [("*a*a*", "a"), ("x*ab*ab*y", "xaby"), ("*-1*-1*", "-1-1")] {
            let w = Wildcard::parse(glob).unwrap();
            assert_eq!(
                w.matches(value),
                by_characters(glob, value),
                "{glob:?} {value:?}"
            );
        }
        // Both answers occur often enough to mean something.
        assert!(matched > 300, "{matched}");
    }
}
