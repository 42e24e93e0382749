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

/// The complexity threshold we apply. EventBridge does not publish its threshold. With our count
/// (active NFA positions, a star counting with the position after it), the recorded cases give
/// 13 for the rejected `*:*:*:*:*:event-bus/*`, 8 for the accepted
/// `/Users/*/dir/dir/dir/dir/dir/doc.txt` and 5 for `arn:aws:events:us-east-1:*:event-bus/*`;
/// 10 sits between them (see `docs/PATTERNS.md`).
pub const MAX_COMPLEXITY: usize = 10;

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

    /// The most NFA states a worst-case value keeps active at once, as Ruler's
    /// `MachineComplexityEvaluator` counts them for one pattern (capped at `cap`).
    ///
    /// States are positions in the quoted value `"..."`; a star position loops on every
    /// character. We explore the reachable state sets breadth-first over the characters that
    /// appear in the pattern plus one "other" character, which covers every distinct move.
    pub fn complexity(&self, cap: usize) -> usize {
        // The quoted pattern as items; `None` is a star.
        let mut items: Vec<Option<char>> = vec![Some('"')];
        for (k, seg) in self.segments.iter().enumerate() {
            if k > 0 {
                items.push(None);
            }
            items.extend(seg.chars().map(Some));
        }
        items.push(Some('"'));
        let n = items.len();
        // Sets are sorted lists of active positions; a star can be skipped (epsilon move).
        let close = |set: &mut Vec<usize>| {
            let mut i = 0;
            while i < set.len() {
                let p = set[i];
                if p < n && items[p].is_none() && !set.contains(&(p + 1)) {
                    set.push(p + 1);
                }
                i += 1;
            }
            set.sort_unstable();
            set.dedup();
        };
        let mut alphabet: Vec<char> = items.iter().flatten().copied().collect();
        alphabet.sort_unstable();
        alphabet.dedup();
        alphabet.push('\u{1}');
        let mut start = vec![0usize];
        close(&mut start);
        let mut seen = std::collections::HashSet::new();
        let mut queue = std::collections::VecDeque::new();
        seen.insert(start.clone());
        queue.push_back(start);
        let mut best = 0;
        let mut explored = 0usize;
        while let Some(set) = queue.pop_front() {
            explored += 1;
            if explored > 5_000 {
                return cap;
            }
            let active = set.iter().filter(|p| **p < n).count();
            best = best.max(active);
            if best >= cap {
                return cap;
            }
            for &c in &alphabet {
                let mut next = Vec::with_capacity(set.len() + 1);
                for &p in &set {
                    match items.get(p) {
                        Some(None) => next.push(p),
                        Some(Some(pc)) if *pc == c => next.push(p + 1),
                        _ => {}
                    }
                }
                close(&mut next);
                if !next.is_empty() && seen.insert(next.clone()) {
                    queue.push_back(next);
                }
            }
        }
        best
    }
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

    #[test]
    fn complexity_separates_recorded_cases() {
        let c = |p: &str| Wildcard::parse(p).unwrap().complexity(100);
        assert_eq!(c("*:*:*:*:*:event-bus/*"), 13);
        assert_eq!(c("/Users/*/dir/dir/dir/dir/dir/doc.txt"), 8);
        assert!(c("*:*:*:*:*:event-bus/*") > MAX_COMPLEXITY);
        assert!(c("arn:aws:events:us-east-1:*:event-bus/*") <= MAX_COMPLEXITY);
        assert!(c("/Users/*/dir/dir/dir/dir/dir/doc.txt") <= MAX_COMPLEXITY);
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
