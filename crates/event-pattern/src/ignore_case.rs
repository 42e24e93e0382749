//! `equals-ignore-case`, as Ruler matches it (also inside `prefix`, `suffix` and
//! `anything-but`).
//!
//! Ruler does not fold the event's text. It turns each character `c` of the pattern's value
//! into a choice of two spellings, `c` in lower case or `c` in upper case (each the whole
//! Unicode mapping of that one character, so `ß` stands for `ß` or `SS`), and the event's text
//! must spell the value with one choice per character, byte for byte. Hence:
//!
//! * `"ß"` matches `"ß"` and `"SS"`, not `"ss"`;
//! * `"k"` matches `"k"` and `"K"`, not the Kelvin sign `"K"` (whose lower case is `k`);
//!   `"s"` does not match the long s `"ſ"`; `"Σ"` matches `"σ"` and `"Σ"`, not the final `"ς"`;
//! * a title-case character stands only for its lower and upper case: `"ǅ"` matches `"ǆ"` and
//!   `"Ǆ"`, not `"ǅ"` itself.
//!
//! Ruler goes through the value by Java `char`s, UTF-16 units, and a character outside the
//! Basic Multilingual Plane is two of them, each of which Java's UTF-8 encoder turns into `?`.
//! Here such a character is one character, with its own lower and upper case (`𐐀` for `𐐀`
//! or `𐐨`), as the reference describes Ruler's folding ("lower+upper case folding of code
//! points"); docs/PATTERNS.md has the details.
//!
//! ```
//! use event_pattern::ignore_case::{ends_with, equals, starts_with};
//!
//! assert!(equals("Straße", "STRASSE"));
//! assert!(!equals("Straße", "strasse"));
//! assert!(starts_with("us-", "US-WEST-2"));
//! assert!(ends_with(".png", "photo.PNG"));
//! ```
//!
//! Matching is linear in the text: no character's lower case is a proper prefix (or suffix) of
//! its upper case or the other way round (a test checks every character), so at each position
//! at most one spelling can fit and there is nothing to backtrack.

/// One spelling of a character: its lower or upper case, UTF-8 (at most three characters).
struct Spelling {
    bytes: [u8; 12],
    len: usize,
}

impl Spelling {
    fn of(chars: impl Iterator<Item = char>) -> Spelling {
        let mut s = Spelling {
            bytes: [0; 12],
            len: 0,
        };
        for c in chars {
            let width = c.len_utf8();
            if let Some(room) = s.bytes.get_mut(s.len..s.len + width) {
                c.encode_utf8(room);
                s.len += width;
            }
        }
        s
    }

    fn get(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

/// The two spellings a character of the pattern stands for: lower case, upper case.
fn spellings(c: char) -> (Spelling, Spelling) {
    (
        Spelling::of(c.to_lowercase()),
        Spelling::of(c.to_uppercase()),
    )
}

/// Walks the characters of `pattern` over `text`, from its start (`forward`) or from its end:
/// the byte where the spelling ends (or, backward, starts), or the first character of `pattern`
/// neither of whose spellings fits, with the byte where it should have.
fn walk(pattern: &str, text: &[u8], forward: bool) -> Result<usize, (char, usize)> {
    let mut at = if forward { 0 } else { text.len() };
    let mut step = |c: char| {
        let (lower, upper) = spellings(c);
        let fits = |s: &[u8]| match forward {
            true => text.get(at..).is_some_and(|rest| rest.starts_with(s)),
            false => text.get(..at).is_some_and(|rest| rest.ends_with(s)),
        };
        let len = [lower.get(), upper.get()]
            .into_iter()
            .find(|s| fits(s))
            .map(<[u8]>::len);
        match len {
            Some(len) if forward => at += len,
            Some(len) => at -= len,
            None => return Err((c, at)),
        }
        Ok(())
    };
    if forward {
        pattern.chars().try_for_each(&mut step)?;
    } else {
        pattern.chars().rev().try_for_each(&mut step)?;
    }
    Ok(at)
}

/// Where the spelling of `pattern` starting at byte 0 of `text` ends, if `text` starts with one.
fn spelled_from_start(pattern: &str, text: &[u8]) -> Option<usize> {
    if pattern.is_ascii() {
        let head = text.get(..pattern.len())?;
        return head
            .eq_ignore_ascii_case(pattern.as_bytes())
            .then_some(pattern.len());
    }
    walk(pattern, text, true).ok()
}

/// Where the spelling of `pattern` ending at the end of `text` starts, if `text` ends with one.
fn spelled_to_end(pattern: &str, text: &[u8]) -> Option<usize> {
    if pattern.is_ascii() {
        let start = text.len().checked_sub(pattern.len())?;
        return text[start..]
            .eq_ignore_ascii_case(pattern.as_bytes())
            .then_some(start);
    }
    walk(pattern, text, false).ok()
}

/// The key a lookup table may file an `equals-ignore-case` value under: its ASCII lower case, for
/// a value made of ASCII only. Such a value stands only for ASCII spellings, so the event's text
/// with its ASCII letters lowered (other bytes as they are) equals the key exactly when the value
/// accepts it (or starts with it, for `prefix`). Other values have no key: test them one by one.
pub(crate) fn ascii_key(value: &str) -> Option<String> {
    value.is_ascii().then(|| value.to_ascii_lowercase())
}

/// `{"equals-ignore-case": pattern}` accepts `text`.
pub fn equals(pattern: &str, text: &str) -> bool {
    spelled_from_start(pattern, text.as_bytes()) == Some(text.len())
}

/// `{"prefix": {"equals-ignore-case": pattern}}` accepts `text`.
pub fn starts_with(pattern: &str, text: &str) -> bool {
    spelled_from_start(pattern, text.as_bytes()).is_some()
}

/// `{"suffix": {"equals-ignore-case": pattern}}` accepts `text`.
pub fn ends_with(pattern: &str, text: &str) -> bool {
    spelled_to_end(pattern, text.as_bytes()).is_some()
}

/// Where a value fails although it equals the pattern's value up to case in the usual sense
/// (both sides folded): the character of the pattern's value that the text does not spell, with
/// its two spellings, and what the text has there. For an explanation: Ruler's rule surprises
/// (`"ß"` does not match `"ss"`). `Anchor` says whether the value must equal the pattern's, start
/// with it or end with it.
#[derive(Debug, Clone, PartialEq)]
pub struct Unspelled {
    /// The character of the pattern's value.
    pub character: char,
    /// Its lower case.
    pub lower: String,
    /// Its upper case.
    pub upper: String,
    /// What the text has in its place.
    pub found: String,
}

/// How a value must relate to the pattern's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    /// Equal (`equals-ignore-case`).
    Whole,
    /// Starting with it (`prefix`).
    Start,
    /// Ending with it (`suffix`).
    End,
}

/// Both sides folded character by character (upper case, then lower case): equal strings here
/// are what a person calls "equal up to case".
fn folded(s: &str) -> String {
    s.chars()
        .flat_map(char::to_uppercase)
        .flat_map(char::to_lowercase)
        .collect()
}

/// See [`Unspelled`]: `None` when the text matches, or when it differs by more than case.
pub fn unspelled(pattern: &str, text: &str, anchor: Anchor) -> Option<Unspelled> {
    let (p, t) = (folded(pattern), folded(text));
    let (fits, naive) = match anchor {
        Anchor::Whole => (equals(pattern, text), t == p),
        Anchor::Start => (starts_with(pattern, text), t.starts_with(&p)),
        Anchor::End => (ends_with(pattern, text), t.ends_with(&p)),
    };
    if fits || !naive {
        return None;
    }
    let forward = anchor != Anchor::End;
    let (c, at) = walk(pattern, text.as_bytes(), forward).err()?;
    let (lower, upper) = (
        c.to_lowercase().collect::<String>(),
        c.to_uppercase().collect::<String>(),
    );
    // What the text has in the place of the character: as many characters as its longer
    // spelling.
    let width = lower.chars().count().max(upper.chars().count());
    let found = if forward {
        text.get(at..).unwrap_or("").chars().take(width).collect()
    } else {
        let head: Vec<char> = text.get(..at).unwrap_or("").chars().collect();
        head[head.len().saturating_sub(width)..].iter().collect()
    };
    Some(Unspelled {
        character: c,
        lower,
        upper,
        found,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn all_chars() -> impl Iterator<Item = char> {
        (0..=0x10FFFFu32).filter_map(char::from_u32)
    }

    /// At each position at most one spelling of a character can fit, so matching never has to
    /// choose (and never backtracks): checked for every character.
    #[test]
    fn no_spelling_is_a_proper_prefix_or_suffix_of_the_other() {
        for c in all_chars() {
            let (lower, upper) = spellings(c);
            let (l, u) = (lower.get(), upper.get());
            if l == u {
                continue;
            }
            assert!(!l.starts_with(u) && !u.starts_with(l), "{c:?}");
            assert!(!l.ends_with(u) && !u.ends_with(l), "{c:?}");
        }
    }

    /// Every spelling of every character fits in a `Spelling` (none is cut short).
    #[test]
    fn every_spelling_fits() {
        for c in all_chars() {
            let lower: String = c.to_lowercase().collect();
            let upper: String = c.to_uppercase().collect();
            let (l, u) = spellings(c);
            assert_eq!(l.get(), lower.as_bytes(), "{c:?}");
            assert_eq!(u.get(), upper.as_bytes(), "{c:?}");
        }
    }

    #[test]
    fn each_character_stands_for_its_lower_and_upper_case_only() {
        let table: &[(&str, &str, bool)] = &[
            ("alice", "ALICE", true),
            ("alice", "aLiCe", true),
            ("alice", "alic", false),
            ("alice", "alicex", false),
            ("", "", true),
            ("", "a", false),
            ("ÉCOLE", "école", true),
            ("ß", "ß", true),
            ("ß", "SS", true),
            ("ß", "ss", false),
            ("ß", "Ss", false),
            ("Straße", "STRASSE", true),
            ("STRASSE", "Straße", false),
            ("k", "\u{212A}", false),
            ("\u{212A}", "k", true),
            ("\u{212A}", "\u{212A}", true),
            ("\u{212A}", "K", false),
            ("s", "ſ", false),
            ("ſ", "S", true),
            ("ſ", "s", false),
            ("ΣΟΦΙΑ", "σοφια", true),
            ("ΣΑΣ", "σας", false),
            ("ς", "Σ", true),
            ("ς", "σ", false),
            ("ǅ", "ǅ", false),
            ("ǅ", "ǆ", true),
            ("ǅ", "Ǆ", true),
            ("İ", "i\u{307}", true),
            ("İ", "i", false),
            ("i", "İ", false),
            ("ﬁ", "FI", true),
            ("ﬁ", "fi", false),
            ("𐐀", "𐐨", true),
            ("😀", "😀", true),
            ("😀", "??", false),
            ("a", "é", false),
            ("é", "a", false),
        ];
        for &(p, t, want) in table {
            assert_eq!(equals(p, t), want, "{p:?} vs {t:?}");
        }
    }

    /// The character a failing value does not spell, and what it has instead, where the two are
    /// equal up to case in the usual sense; nothing otherwise.
    #[test]
    fn the_unspelled_character_is_named() {
        let ss = unspelled("Straße", "strasse", Anchor::Whole).unwrap();
        assert_eq!(
            (
                ss.character,
                ss.lower.as_str(),
                ss.upper.as_str(),
                ss.found.as_str()
            ),
            ('ß', "ß", "SS", "ss")
        );
        let k = unspelled("ok", "o\u{212A}", Anchor::Whole).unwrap();
        assert_eq!((k.character, k.found.as_str()), ('k', "\u{212A}"));
        let end = unspelled("ß", "STRAss", Anchor::End).unwrap();
        assert_eq!((end.character, end.found.as_str()), ('ß', "ss"));
        let start = unspelled("ſt", "STOP", Anchor::Start);
        assert_eq!(start, None, "ſ stands for S");
        let start = unspelled("st", "ſtop", Anchor::Start).unwrap();
        assert_eq!((start.character, start.found.as_str()), ('s', "ſ"));
        // Matches, or differs by more than case: nothing to say.
        assert_eq!(unspelled("Straße", "STRASSE", Anchor::Whole), None);
        assert_eq!(unspelled("abc", "abd", Anchor::Whole), None);
        assert_eq!(unspelled("ß", "sx", Anchor::Start), None);
    }

    #[test]
    fn prefixes_and_suffixes_spell_the_value_at_either_end() {
        assert!(starts_with("STRA", "straße"));
        assert!(starts_with("straß", "STRASSE"));
        assert!(!starts_with("straß", "strasse"));
        assert!(starts_with("", "anything"));
        assert!(starts_with("é", "ÉCOLE"));
        assert!(!starts_with("e", "école"));
        assert!(starts_with("ab", "ABé"));
        assert!(!starts_with("abc", "ab"));
        assert!(!ends_with("SSE", "straße"));
        assert!(ends_with("ße", "STRASSE"));
        assert!(ends_with(".png", "x.PNG"));
        assert!(ends_with("", ""));
        assert!(!ends_with("ab", "b"));
        assert!(ends_with("σ", "ΑΣ"));
        assert!(!ends_with("σ", "ας"));
        assert!(ends_with("é", "CAFÉ"));
    }

    /// Any spelling the pattern allows, built character by character, is accepted; the same text
    /// with one character replaced by one of another case mapping is refused unless it is one too.
    #[test]
    fn every_allowed_spelling_is_accepted() {
        let patterns = [
            "Straße",
            "ǅemal",
            "İstanbul",
            "ΣΟΦΙΑ",
            "ﬁne",
            "k\u{212A}ſ",
            "abc",
        ];
        for p in patterns {
            let chars: Vec<char> = p.chars().collect();
            // Every combination of lower and upper case, one bit per character.
            for mask in 0u32..(1 << chars.len()) {
                let text: String = chars
                    .iter()
                    .enumerate()
                    .map(|(i, c)| {
                        if mask & (1 << i) != 0 {
                            c.to_uppercase().collect::<String>()
                        } else {
                            c.to_lowercase().collect::<String>()
                        }
                    })
                    .collect();
                assert!(equals(p, &text), "{p:?} {text:?}");
                assert!(starts_with(p, &format!("{text}-tail")), "{p:?} {text:?}");
                assert!(ends_with(p, &format!("head-{text}")), "{p:?} {text:?}");
            }
        }
    }
}
