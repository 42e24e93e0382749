//! Errors that point at the text, rendered exactly as AWS renders them.

use std::fmt;

/// A byte range in a source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// The bytes `start..end`.
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }
}

/// A position in a source text: 1-based line and column (in UTF-16 units, as Jackson counts)
/// and the byte offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Location {
    /// Line, from 1.
    pub line: u32,
    /// Column, from 1, in UTF-16 units.
    pub column: u32,
    /// Byte offset, from 0.
    pub offset: usize,
}

/// Which AWS exception an error maps to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ErrorCode {
    /// The pattern is invalid (PutRule, TestEventPattern).
    InvalidEventPatternException,
    /// The event is invalid (TestEventPattern: `Parameter Event is not valid.`).
    ValidationException,
}

impl ErrorCode {
    /// The name AWS prints, e.g. `InvalidEventPatternException`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidEventPatternException => "InvalidEventPatternException",
            ErrorCode::ValidationException => "ValidationException",
        }
    }
}

/// An invalid pattern or event. [`PatternError::message`] is AWS's full text.
#[derive(Debug, Clone, PartialEq)]
pub struct PatternError {
    inner: Box<Inner>,
}

#[derive(Debug, Clone, PartialEq)]
struct Inner {
    code: ErrorCode,
    reason: String,
    /// Where Jackson stood when the error was raised; `None` when AWS prints no location.
    location: Option<Location>,
    /// AWS prints the location suffix twice for errors re-raised inside a list.
    repeated: bool,
    /// The source text as sent, for the `[Source: ...]` suffix.
    source: String,
    span: Option<Span>,
    /// What to do about it, in our words ([`crate::advice`]).
    hint: Option<String>,
}

/// How many characters of the source Jackson quotes before truncating.
const SOURCE_SNIPPET_CHARS: usize = 500;

impl PatternError {
    pub(crate) fn pattern(
        reason: impl Into<String>,
        source: &str,
        location: Option<Location>,
    ) -> Self {
        PatternError {
            inner: Box::new(Inner {
                code: ErrorCode::InvalidEventPatternException,
                reason: reason.into(),
                location,
                repeated: false,
                source: source.to_string(),
                span: None,
                hint: None,
            }),
        }
    }

    pub(crate) fn validation(message: impl Into<String>) -> Self {
        PatternError {
            inner: Box::new(Inner {
                code: ErrorCode::ValidationException,
                reason: message.into(),
                location: None,
                repeated: false,
                source: String::new(),
                span: None,
                hint: None,
            }),
        }
    }

    pub(crate) fn repeated(mut self) -> Self {
        self.inner.repeated = true;
        self
    }

    pub(crate) fn with_span(mut self, span: Span) -> Self {
        self.inner.span = Some(span);
        self
    }

    pub(crate) fn with_hint(mut self, hint: String) -> Self {
        self.inner.hint = Some(hint);
        self
    }

    /// What to do about it, in our words, where we have some: AWS's [`PatternError::message`]
    /// says what the parser met, this what to write instead (`did you mean "prefix"?`).
    pub fn hint(&self) -> Option<&str> {
        self.inner.hint.as_deref()
    }

    /// Which AWS exception this is.
    pub fn code(&self) -> ErrorCode {
        self.inner.code
    }

    /// The reason alone, without prefix or location.
    pub fn reason(&self) -> &str {
        &self.inner.reason
    }

    /// Where in the text, when AWS reports a position (Jackson's `line: L, column: C`).
    pub fn location(&self) -> Option<Location> {
        self.inner.location
    }

    /// The byte span in the pattern the error concerns, when known.
    pub fn span(&self) -> Option<Span> {
        self.inner.span.or_else(|| {
            self.inner.location.map(|l| {
                let s = l.offset.saturating_sub(1);
                Span::new(s, l.offset)
            })
        })
    }

    /// AWS's full message, including the Jackson location suffix where AWS prints one.
    pub fn message(&self) -> String {
        match self.inner.code {
            ErrorCode::ValidationException => self.inner.reason.clone(),
            ErrorCode::InvalidEventPatternException => {
                let mut m = format!("Event pattern is not valid. Reason: {}", self.inner.reason);
                if let Some(loc) = self.inner.location {
                    let suffix = self.location_suffix(loc);
                    m.push_str(&suffix);
                    if self.inner.repeated {
                        m.push_str(&suffix);
                    }
                }
                m
            }
        }
    }

    fn location_suffix(&self, loc: Location) -> String {
        format!("\n at {}", source_location(&self.inner.source, loc))
    }
}

/// Jackson's description of a place in a text it read from a string:
/// `[Source: (String)"<text>"; line: L, column: C]`, the text cut after 500 characters.
pub(crate) fn source_location(source: &str, loc: Location) -> String {
    let total = source.chars().count();
    let snippet = if total > SOURCE_SNIPPET_CHARS {
        let cut: String = source.chars().take(SOURCE_SNIPPET_CHARS).collect();
        format!(
            "\"{cut}\"[truncated {} chars]",
            total - SOURCE_SNIPPET_CHARS
        )
    } else {
        format!("\"{source}\"")
    };
    format!(
        "[Source: (String){snippet}; line: {}, column: {}]",
        loc.line, loc.column
    )
}

impl fmt::Display for PatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for PatternError {}
