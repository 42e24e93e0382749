//! Near misses: a value or a key that is one slip of the keyboard away from what the pattern
//! asks for, said in words a person can act on.
//!
//! The explanation ([`crate::explain`]) uses it when an exact string fails or a field is missing.
//! A slip is one of: one character missing, one extra, one replaced, two neighbours swapped, or
//! whitespace around the value (EventBridge never trims). Case is not a slip here: the
//! explanation has its own hint for it (`equals-ignore-case`).
//!
//! Finding one is linear in the two texts (a common head, a common tail, and what is left between
//! them), and only values of [`MIN_CHARS`]..=[`MAX_BYTES`] are looked at: shorter ones differ by one
//! character from too many others to be a useful hint, and the work stays bounded whatever the
//! event holds.
//!
//! ```
//! use event_pattern::near_miss::slip;
//! let s = slip("PAYMENT_SUCCEEDED", "PAYMENT_SUCCEDED").unwrap();
//! assert_eq!(s.to_string(), r#"the event lacks the "E" at character 14"#);
//! assert!(slip("PAID", "FAILED").is_none());
//! ```

use std::fmt;

/// Values shorter than this (in characters) are not looked at.
pub const MIN_CHARS: usize = 4;
/// Values longer than this (in bytes) are not looked at.
pub const MAX_BYTES: usize = 1024;

/// How the event's text differs from the pattern's by one slip. Positions count characters from 1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Slip {
    /// The event lacks one of the pattern's characters.
    Missing {
        /// Where it belongs.
        at: usize,
        /// The character.
        ch: char,
    },
    /// The event has a character more than the pattern.
    Extra {
        /// Where it stands in the event.
        at: usize,
        /// The character.
        ch: char,
    },
    /// One character differs.
    Replaced {
        /// Where.
        at: usize,
        /// The pattern's character.
        pattern: char,
        /// The event's character.
        event: char,
    },
    /// Two neighbouring characters are swapped.
    Swapped {
        /// The first of the two.
        at: usize,
    },
    /// The event's text is the pattern's with whitespace around it.
    EventPadded {
        /// Before it.
        leading: bool,
        /// After it.
        trailing: bool,
    },
    /// The pattern's text is the event's with whitespace around it.
    PatternPadded {
        /// Before it.
        leading: bool,
        /// After it.
        trailing: bool,
    },
}

/// A character as a message shows it: quoted, with JSON's escapes.
fn shown(c: char) -> String {
    let mut buf = [0u8; 4];
    let mut out = String::new();
    crate::json::write_string(c.encode_utf8(&mut buf), &mut out);
    out
}

/// "leading whitespace", "trailing whitespace", "whitespace around it".
fn padding(leading: bool, trailing: bool) -> &'static str {
    match (leading, trailing) {
        (true, true) => "whitespace around it",
        (true, false) => "leading whitespace",
        _ => "trailing whitespace",
    }
}

impl fmt::Display for Slip {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Slip::Missing { at, ch } => {
                write!(f, "the event lacks the {} at character {at}", shown(*ch))
            }
            Slip::Extra { at, ch } => {
                write!(f, "the event has an extra {} at character {at}", shown(*ch))
            }
            Slip::Replaced { at, pattern, event } => write!(
                f,
                "character {at} is {} in the event, {} in the pattern",
                shown(*event),
                shown(*pattern)
            ),
            Slip::Swapped { at } => {
                write!(f, "characters {at} and {} are swapped", at + 1)
            }
            Slip::EventPadded { leading, trailing } => write!(
                f,
                "the event's value has {}, and EventBridge never trims",
                padding(*leading, *trailing)
            ),
            Slip::PatternPadded { leading, trailing } => write!(
                f,
                "the pattern's value has {}, and EventBridge never trims",
                padding(*leading, *trailing)
            ),
        }
    }
}

impl Slip {
    /// Where the slip is in the event's text `event` (the value the slip was found in), as a
    /// byte range: the character that differs, is extra, is swapped, or stands where the missing
    /// one belongs (the last one when it belongs at the end), or the whitespace around the value.
    /// `None` when the slip is the pattern's own whitespace.
    ///
    /// ```
    /// use event_pattern::near_miss::slip;
    /// let event = "PAYMENT_SUCCEDED";
    /// let s = slip("PAYMENT_SUCCEEDED", event).unwrap();
    /// assert_eq!(s.event_range(event), Some(13..14)); // the "D" where the second "E" belongs
    /// ```
    pub fn event_range(&self, event: &str) -> Option<std::ops::Range<usize>> {
        // The byte range of characters `from..=to` (counted from 1), the last one if past it.
        let chars = |from: usize, to: usize| {
            let mut it = event.char_indices().skip(from.saturating_sub(1));
            let (start, _) = it.next().or_else(|| event.char_indices().last())?;
            let end = event
                .char_indices()
                .nth(to)
                .map_or(event.len(), |(i, _)| i)
                .max(start + 1);
            Some(start..end.min(event.len()))
        };
        match *self {
            Slip::Missing { at, .. } | Slip::Extra { at, .. } | Slip::Replaced { at, .. } => {
                chars(at, at)
            }
            Slip::Swapped { at } => chars(at, at + 1),
            Slip::EventPadded { leading: true, .. } => {
                Some(0..event.len() - event.trim_start().len())
            }
            Slip::EventPadded { .. } => Some(event.trim_end().len()..event.len()),
            Slip::PatternPadded { .. } => None,
        }
    }
}

/// One slip that keeps `event` from starting with `prefix`: the event's first characters, one
/// more, as many or one fewer than the prefix has, compared whole; an extra or missing character
/// at the very end of that head is no slip (the event only goes on, or stops, there). Whitespace
/// is not looked at.
///
/// ```
/// use event_pattern::near_miss::prefix_slip;
/// let s = prefix_slip("order-", "orders-1").unwrap();
/// assert_eq!(s.to_string(), r#"the event has an extra "s" at character 6"#);
/// assert!(prefix_slip("order-", "invoice-1").is_none());
/// ```
pub fn prefix_slip(prefix: &str, event: &str) -> Option<Slip> {
    let n = prefix.chars().count();
    let head = |len: usize| -> &str {
        let end = event
            .char_indices()
            .nth(len)
            .map_or(event.len(), |(i, _)| i);
        &event[..end]
    };
    [n + 1, n.saturating_sub(1), n].into_iter().find_map(|len| {
        let s = slip(prefix, head(len))?;
        match s {
            Slip::Missing { at, .. } if at == n => None,
            Slip::Extra { at, .. } if at == len => None,
            Slip::EventPadded { .. } | Slip::PatternPadded { .. } => None,
            s => Some(s),
        }
    })
}

/// Whether `outer` is `inner` with whitespace around it: (leading, trailing).
fn padded(outer: &str, inner: &str) -> Option<(bool, bool)> {
    if outer.len() <= inner.len() || inner.is_empty() {
        return None;
    }
    let start = outer.trim_start();
    let leading = start.len() < outer.len();
    let trimmed = start.trim_end();
    (trimmed == inner).then_some((leading, trimmed.len() < start.len()))
}

/// One slip that turns `pattern` into `event`, if there is one (equal texts have none).
pub fn slip(pattern: &str, event: &str) -> Option<Slip> {
    if pattern == event || pattern.len().max(event.len()) > MAX_BYTES {
        return None;
    }
    if let Some((leading, trailing)) = padded(event, pattern) {
        return Some(Slip::EventPadded { leading, trailing });
    }
    if let Some((leading, trailing)) = padded(pattern, event) {
        return Some(Slip::PatternPadded { leading, trailing });
    }
    let a: Vec<char> = pattern.chars().collect();
    let b: Vec<char> = event.chars().collect();
    if a.len().min(b.len()) < MIN_CHARS - 1 || a.len().max(b.len()) < MIN_CHARS {
        return None;
    }
    let head = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let room = a.len().min(b.len()) - head;
    let tail = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take(room)
        .take_while(|(x, y)| x == y)
        .count();
    let (ra, rb) = (&a[head..a.len() - tail], &b[head..b.len() - tail]);
    let at = head + 1;
    match (ra, rb) {
        ([ch], []) => Some(Slip::Missing { at, ch: *ch }),
        ([], [ch]) => Some(Slip::Extra { at, ch: *ch }),
        ([p], [e]) => Some(Slip::Replaced {
            at,
            pattern: *p,
            event: *e,
        }),
        ([p0, p1], [e0, e1]) if p0 == e1 && p1 == e0 => Some(Slip::Swapped { at }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    /// Every kind of slip, where it is, and texts that are no slip apart.
    #[test]
    fn slips() {
        for (pattern, event, said) in [
            (
                "PAYMENT_SUCCEEDED",
                "PAYMENT_SUCCEDED",
                Some(r#"the event lacks the "E" at character 14"#),
            ),
            (
                "Order Service",
                "Orders Service",
                Some(r#"the event has an extra "s" at character 6"#),
            ),
            (
                "PAID",
                "PAIL",
                Some(r#"character 4 is "L" in the event, "D" in the pattern"#),
            ),
            (
                "payments",
                "paymetns",
                Some("characters 6 and 7 are swapped"),
            ),
            (
                "Order Service",
                "Order Service ",
                Some("the event's value has trailing whitespace, and EventBridge never trims"),
            ),
            (
                "Order Service",
                "\tOrder Service",
                Some("the event's value has leading whitespace, and EventBridge never trims"),
            ),
            (
                " New Order ",
                "New Order",
                Some("the pattern's value has whitespace around it, and EventBridge never trims"),
            ),
            (
                "naïve",
                "naive",
                Some(r#"character 3 is "i" in the event, "ï" in the pattern"#),
            ),
            (
                "tab\there",
                "tabhere",
                Some(r#"the event lacks the "\t" at character 4"#),
            ),
            // The first and last characters.
            (
                "xorder",
                "order",
                Some(r#"the event lacks the "x" at character 1"#),
            ),
            (
                "order",
                "orders",
                Some(r#"the event has an extra "s" at character 6"#),
            ),
            // Too far apart, equal, or too short to tell.
            ("PAID", "FAILED", None),
            ("abcd", "dcba", None),
            ("same", "same", None),
            ("ab", "ac", None),
            ("abc", "abd", None),
            (
                "abc",
                "abcd",
                Some(r#"the event has an extra "d" at character 4"#),
            ),
            ("", "    ", None),
        ] {
            assert_eq!(
                slip(pattern, event).map(|s| s.to_string()).as_deref(),
                said,
                "{pattern:?} {event:?}"
            );
        }
    }

    /// A slip's place in the event's text: the character it concerns, or the whitespace.
    #[test]
    fn places_in_the_event() {
        for (pattern, event, place) in [
            ("PAYMENT_SUCCEEDED", "PAYMENT_SUCCEDED", Some("D")),
            ("order", "orders", Some("s")),
            ("PAID", "PAIL", Some("L")),
            ("payments", "paymetns", Some("tn")),
            ("Order Service", "Order Service  ", Some("  ")),
            ("Order Service", " Order Service", Some(" ")),
            ("naïve", "nave", Some("v")),
            ("ordersx", "orders", Some("s")),
            ("café", "cafe", Some("e")),
            (" x y z ", "x y z", None),
        ] {
            let s = slip(pattern, event).unwrap();
            let got = s.event_range(event).map(|r| &event[r]);
            assert_eq!(got, place, "{pattern:?} {event:?}");
        }
    }

    /// A slip in the head of a value that a prefix should start.
    #[test]
    fn prefix_slips() {
        for (prefix, event, said) in [
            (
                "order-",
                "orders-1",
                Some(r#"the event has an extra "s" at character 6"#),
            ),
            (
                "order-",
                "ordr-1",
                Some(r#"the event lacks the "e" at character 4"#),
            ),
            (
                "order-",
                "order_1",
                Some(r#"character 6 is "_" in the event, "-" in the pattern"#),
            ),
            (
                "arn:aws:",
                "arn:was:s3",
                Some("characters 5 and 6 are swapped"),
            ),
            ("order-", "invoice-1", None),
            ("order-", "orde", None),
            ("order", "order", None),
        ] {
            assert_eq!(
                prefix_slip(prefix, event).map(|s| s.to_string()).as_deref(),
                said,
                "{prefix:?} {event:?}"
            );
        }
    }

    /// Long texts are not compared (the work stays bounded).
    #[test]
    fn long_texts_are_left_alone() {
        let long = "a".repeat(MAX_BYTES);
        assert!(slip(&long, &format!("{long}b")).is_none());
        assert!(slip(&long[1..], &long).is_some());
    }
}
