//! A streaming JSON tokenizer that reports positions the way Jackson does.
//!
//! EventBridge validates patterns with Ruler's `JsonRuleCompiler`, which pulls tokens from a
//! Jackson `JsonParser` and raises its errors at the parser's *current location*. To reproduce the
//! `line: L, column: C` of AWS's messages, this tokenizer mirrors the two Jackson habits that
//! decide that location:
//!
//! * after a field name, Jackson already reads the first token of the value (a number or literal
//!   completely, a string only up to its opening quote, a bracket completely);
//! * string values are read lazily: the location stays just after the opening quote until the
//!   text is asked for ([`Tokenizer::text`]).

use crate::error::{Location, Span};

/// A JSON token, as Jackson names them.
#[derive(Debug, Clone, PartialEq)]
pub enum Token {
    /// `{`
    StartObject,
    /// `}`
    EndObject,
    /// `[`
    StartArray,
    /// `]`
    EndArray,
    /// An object key, decoded.
    FieldName(String),
    /// A string value; its text is read by [`Tokenizer::text`].
    String,
    /// A number.
    Number {
        /// The lexeme as written.
        text: String,
        /// Written without a fraction or exponent (Jackson's `VALUE_NUMBER_INT`).
        is_int: bool,
    },
    /// `true`
    True,
    /// `false`
    False,
    /// `null`
    Null,
    /// End of input where a token could end (only after the root value).
    Eof,
}

impl Token {
    /// A number of either kind.
    pub fn is_numeric(&self) -> bool {
        matches!(self, Token::Number { .. })
    }
}

/// A syntax error, with the location Jackson would report.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    /// Jackson's message, e.g. `Unrecognized token 'tru': was expecting ...`.
    pub message: String,
    /// Where Jackson reports it.
    pub location: Location,
    /// The text the error is about, for an editor to mark: the offending character or token
    /// (which Jackson 2.17 locates at its start, or just past it), else the last character read.
    pub span: Span,
    /// Whether Jackson's message carries the location: not for its `StreamReadConstraints`
    /// (nesting depth, number length), whose exceptions are raised without one.
    pub located: bool,
}

/// Jackson's message, then where it stands: `Unexpected end-of-input ... at line 1, column 9`.
impl std::fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let at = crate::json::describe_location(&self.location);
        write!(f, "{} at {at}", self.message)
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Ctx {
    /// `start`: where its opening bracket stands (Jackson's "start marker").
    Object {
        expect_name: bool,
        first: bool,
        start: Mark,
    },
    Array {
        first: bool,
        start: Mark,
    },
}

/// A position with its line, turned into a [`Location`] only for a message: counting its column
/// at every bracket would cost the length of the line each time (an event is often one line).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Mark {
    pos: usize,
    line: u32,
    line_start: usize,
}

/// A token reader over one JSON text.
pub struct Tokenizer<'a> {
    src: &'a str,
    bytes: &'a [u8],
    pos: usize,
    line: u32,
    line_start: usize,
    stack: Vec<Ctx>,
    /// A value token read ahead together with its field name.
    pending: Option<(Token, usize)>,
    /// The current token is a string whose content has not been consumed yet.
    string_open: bool,
    string_value: Option<String>,
    token_start: usize,
    name_span: Span,
    max_depth: usize,
    /// Digits allowed in one number, when limited ([`Tokenizer::with_number_limit`]).
    max_number_len: Option<usize>,
    root_done: bool,
}

/// Jackson's default `StreamReadConstraints.maxNumberLength`: digits in one number.
const MAX_NUMBER_LENGTH: usize = 1000;

const EXPECTED_VALUE: &str =
    "(JSON String, Number, Array, Object or token 'null', 'true' or 'false')";

impl<'a> Tokenizer<'a> {
    /// A tokenizer at the start of `src`, with Jackson's default nesting limit.
    pub fn new(src: &'a str) -> Self {
        Tokenizer {
            src,
            bytes: src.as_bytes(),
            pos: 0,
            line: 1,
            line_start: 0,
            stack: Vec::new(),
            pending: None,
            string_open: false,
            string_value: None,
            token_start: 0,
            name_span: Span::default(),
            max_depth: 1000,
            max_number_len: None,
            root_done: false,
        }
    }

    /// Limits how deeply arrays and objects may nest.
    pub fn with_max_depth(mut self, depth: usize) -> Self {
        self.max_depth = depth;
        self
    }

    /// Refuses numbers of more digits than Jackson's default `maxNumberLength` (1000), as
    /// Ruler's parser does for patterns. (Events are not limited: the compiled matcher's
    /// scanner, which checks event text on its own, has no such limit either.)
    pub fn with_number_limit(mut self) -> Self {
        self.max_number_len = Some(MAX_NUMBER_LENGTH);
        self
    }

    /// The byte offset the tokenizer stands at (cheap, unlike [`Tokenizer::location`]).
    pub fn offset(&self) -> usize {
        self.pos
    }

    /// Jackson's current location.
    pub fn location(&self) -> Location {
        self.location_at(self.pos)
    }

    fn location_at(&self, pos: usize) -> Location {
        self.located(Mark {
            pos,
            line: self.line,
            line_start: self.line_start,
        })
    }

    /// The current position, to be located later.
    fn mark(&self) -> Mark {
        Mark {
            pos: self.pos,
            line: self.line,
            line_start: self.line_start,
        }
    }

    fn located(&self, m: Mark) -> Location {
        let line_text = self.src.get(m.line_start..m.pos).unwrap_or("");
        let column = line_text.chars().map(|c| c.len_utf16() as u32).sum::<u32>() + 1;
        Location {
            line: m.line,
            column,
            offset: m.pos,
        }
    }

    /// Byte span of the current token (for strings, once their text was read).
    pub fn token_span(&self) -> Span {
        Span::new(self.token_start, self.pos)
    }

    /// Byte span of the last field name, quotes included.
    pub fn name_span(&self) -> Span {
        self.name_span
    }

    /// An error at the current location (for the caller's own checks, such as a pattern's structure).
    pub fn error(&self, message: impl Into<String>) -> SyntaxError {
        self.error_at(self.pos, message)
    }

    /// An error located at byte `pos`, about the character just before it.
    fn error_at(&self, pos: usize, message: impl Into<String>) -> SyntaxError {
        let before = self
            .src
            .get(..pos)
            .and_then(|r| r.chars().next_back())
            .map_or(0, char::len_utf8);
        self.error_on(Span::new(pos - before, pos), pos, message)
    }

    /// An error about the text `span`, located at byte `located`.
    fn error_on(&self, span: Span, located: usize, message: impl Into<String>) -> SyntaxError {
        SyntaxError {
            message: message.into(),
            location: self.location_at(located),
            span,
            located: true,
        }
    }

    /// A `StreamReadConstraints` error about the text `from..to`: Jackson raises it without a
    /// location (it is still kept, for editors).
    fn constraint(
        &self,
        from: usize,
        to: usize,
        what: &str,
        value: usize,
        limit: usize,
        getter: &str,
    ) -> SyntaxError {
        SyntaxError {
            located: false,
            ..self.error_on(
                Span::new(from, to),
                to,
                format!("{what} ({value}) exceeds the maximum allowed ({limit}, from `StreamReadConstraints.{getter}()`)"),
            )
        }
    }

    /// The character that starts at byte `pos`, as a span (empty at the end of the text).
    fn char_span(&self, pos: usize) -> Span {
        Span::new(pos, pos + self.char_at(pos).map_or(0, char::len_utf8))
    }

    /// An error about the character at byte `at`, located at byte `located`: `message` words
    /// it around the character's description ([`describe_char`]).
    fn char_error(
        &self,
        at: usize,
        located: usize,
        message: impl FnOnce(String) -> String,
    ) -> SyntaxError {
        let described = describe_char(self.char_at(at).unwrap_or('\0'));
        self.error_on(self.char_span(at), located, message(described))
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// The character that starts at byte `pos`, if any.
    fn char_at(&self, pos: usize) -> Option<char> {
        self.src.get(pos..).and_then(|r| r.chars().next())
    }

    /// Counts a line break that was just consumed (`\r\n` counts once, at its `\n`).
    fn bump_newline(&mut self, b: u8) {
        if b == b'\n' || (b == b'\r' && self.peek() != Some(b'\n')) {
            self.line += 1;
            self.line_start = self.pos;
        }
    }

    /// Skips white space between tokens as Jackson does: another control character is an
    /// "Illegal character" (located just past it: Jackson 2.17's `_throwInvalidSpace` kept the
    /// parser's position), and a `/` starts a comment, which Jackson's default features refuse
    /// (an unexpected character, located at it).
    fn skip_ws(&mut self) -> Result<(), SyntaxError> {
        while let Some(b) = self.peek() {
            match b {
                b' ' | b'\t' => self.pos += 1,
                b'\n' | b'\r' => {
                    self.pos += 1;
                    self.bump_newline(b);
                }
                b'/' => {
                    return Err(self.unexpected_char(
                        self.pos,
                        "maybe a (non-standard) comment? (not recognized as one since \
                         Feature 'ALLOW_COMMENTS' not enabled for parser)",
                    ))
                }
                0..=0x1f => {
                    return Err(self.char_error(self.pos, self.pos + 1, |c| {
                        format!(
                            "Illegal character ({c}): only regular white space (\\r, \\n, \\t) \
                             is allowed between tokens"
                        )
                    }))
                }
                _ => break,
            }
        }
        Ok(())
    }

    /// Jackson's end of input where its white-space skipping needs more: after a comma, around
    /// a colon.
    fn eof_between(&self, what: &str) -> SyntaxError {
        self.error(format!(
            "Unexpected end-of-input within/between {what} entries"
        ))
    }

    /// The text of the current string token, completing it if needed (moves the location).
    pub fn text(&mut self) -> Result<String, SyntaxError> {
        if self.string_open {
            let s = self.read_string_body(false)?;
            self.string_open = false;
            self.string_value = Some(s);
        }
        Ok(self.string_value.clone().unwrap_or_default())
    }

    fn unexpected_char(&self, pos: usize, what: &str) -> SyntaxError {
        self.char_error(pos, pos, |c| format!("Unexpected character ({c}): {what}"))
    }

    /// In a container, before its next entry: its end (a closing bracket, checked first, as
    /// Jackson's `_closeScope` is), or, after the `first` entry, the comma that must separate
    /// entries (then `None`, past the comma). `what` names the container in Jackson's message.
    fn end_or_comma(&mut self, first: bool, what: &str) -> Result<Option<Token>, SyntaxError> {
        match self.peek() {
            None => return Err(self.eof_error()),
            Some(c @ (b']' | b'}')) => return self.close(c).map(Some),
            _ => {}
        }
        if !first {
            if self.peek() != Some(b',') {
                return Err(self.unexpected_char(
                    self.pos,
                    &format!("was expecting comma to separate {what} entries"),
                ));
            }
            self.pos += 1;
            self.skip_ws()?;
            if self.peek().is_none() {
                return Err(self.eof_between(what));
            }
        }
        Ok(None)
    }

    /// A closing bracket `c` at the current position: the end of the innermost container when it
    /// matches, else Jackson's "Unexpected close marker" naming the container (or the root) and
    /// where it started.
    fn close(&mut self, c: u8) -> Result<Token, SyntaxError> {
        let (matched, kind, start) = match self.stack.last() {
            Some(Ctx::Array { start, .. }) => (c == b']', "Array", Some(*start)),
            Some(Ctx::Object { start, .. }) => (c == b'}', "Object", Some(*start)),
            None => (false, "root", None),
        };
        if !matched {
            // Jackson's root context starts at line 1, column 0.
            let start = start.map_or(
                Location {
                    line: 1,
                    column: 0,
                    offset: 0,
                },
                |m| self.located(m),
            );
            let expected = if c == b']' { '}' } else { ']' };
            return Err(self.error_on(
                self.char_span(self.pos),
                self.pos,
                format!(
                    "Unexpected close marker '{}': expected '{expected}' (for {kind} starting at {})",
                    c as char,
                    crate::error::source_location(self.src, start)
                ),
            ));
        }
        self.token_start = self.pos;
        self.pos += 1;
        self.stack.pop();
        Ok(if c == b']' {
            Token::EndArray
        } else {
            Token::EndObject
        })
    }

    fn eof_error(&self) -> SyntaxError {
        // Jackson names the open container and where it started.
        let what = match self.stack.last() {
            Some(Ctx::Object { start, .. }) => ("Object", self.located(*start)),
            Some(Ctx::Array { start, .. }) => ("Array", self.located(*start)),
            None => return self.error("Unexpected end-of-input: expected a value"),
        };
        let (kind, start) = what;
        self.error(format!(
            "Unexpected end-of-input: expected close marker for {kind} (start marker at {})",
            crate::error::source_location(self.src, start)
        ))
    }

    /// The rest of a string whose opening quote was read: a field `name` or a value (Jackson
    /// words a few errors differently for each).
    fn read_string_body(&mut self, name: bool) -> Result<String, SyntaxError> {
        let mut out = String::new();
        loop {
            // Plain characters in one copy, up to a quote, a backslash or a control character
            // (all ASCII, so the run ends on a character boundary).
            let rest = self.bytes.get(self.pos..).unwrap_or(&[]);
            let run = rest
                .iter()
                .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
                .unwrap_or(rest.len());
            if let Some(plain) = self.src.get(self.pos..self.pos + run) {
                out.push_str(plain);
                self.pos += run;
            }
            let c =
                match self.char_at(self.pos) {
                    Some(c) => c,
                    None if name => return Err(self.error("Unexpected end-of-input in field name")),
                    None => return Err(self.error(
                        "Unexpected end-of-input: was expecting closing quote for a string value",
                    )),
                };
            match c {
                '"' => {
                    self.pos += 1;
                    return Ok(out);
                }
                '\\' => {
                    self.pos += 1;
                    let e = match self.peek() {
                        Some(e) => e,
                        None => {
                            return Err(
                                self.error("Unexpected end-of-input in character escape sequence")
                            )
                        }
                    };
                    self.pos += 1;
                    match e {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let first = self.read_hex4()?;
                            if (0xD800..0xDC00).contains(&first)
                                && self.bytes.get(self.pos) == Some(&b'\\')
                                && self.bytes.get(self.pos + 1) == Some(&b'u')
                            {
                                let save = self.pos;
                                self.pos += 2;
                                let second = self.read_hex4()?;
                                if (0xDC00..0xE000).contains(&second) {
                                    let cp = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00);
                                    out.push(char::from_u32(cp).unwrap_or('\u{FFFD}'));
                                } else {
                                    self.pos = save;
                                    out.push('\u{FFFD}');
                                }
                            } else {
                                out.push(char::from_u32(first).unwrap_or('\u{FFFD}'));
                            }
                        }
                        _ => {
                            // At the escaped character, as Jackson 2.17 locates it.
                            self.pos -= 1;
                            return Err(self.char_error(self.pos, self.pos, |c| {
                                format!("Unrecognized character escape {c}")
                            }));
                        }
                    }
                }
                c if (c as u32) < 0x20 => {
                    let within = if name { "name" } else { "string value" };
                    return Err(self.char_error(self.pos, self.pos, |d| {
                        format!(
                            "Illegal unquoted character ({d}): has to be escaped using backslash \
                             to be included in {within}"
                        )
                    }));
                }
                c => {
                    out.push(c);
                    self.pos += c.len_utf8();
                }
            }
        }
    }

    fn read_hex4(&mut self) -> Result<u32, SyntaxError> {
        let mut v = 0u32;
        for _ in 0..4 {
            let c = match self.char_at(self.pos) {
                Some(c) => c,
                None => {
                    return Err(self.error("Unexpected end-of-input in character escape sequence"))
                }
            };
            let d = match c.to_digit(16) {
                Some(d) => d,
                None => {
                    return Err(self.unexpected_char(
                        self.pos,
                        "expected a hex-digit for character escape sequence",
                    ))
                }
            };
            self.pos += 1;
            v = v * 16 + d;
        }
        Ok(v)
    }

    /// Reads the first token of a value starting at the current position.
    fn read_value_start(&mut self) -> Result<Token, SyntaxError> {
        self.token_start = self.pos;
        let b = match self.peek() {
            Some(b) => b,
            None => return Err(self.eof_error()),
        };
        match b {
            b'"' => {
                self.pos += 1;
                self.string_open = true;
                self.string_value = None;
                Ok(Token::String)
            }
            b'{' => {
                let start = self.mark();
                self.pos += 1;
                self.push(Ctx::Object {
                    expect_name: true,
                    first: true,
                    start,
                })?;
                Ok(Token::StartObject)
            }
            b'[' => {
                let start = self.mark();
                self.pos += 1;
                self.push(Ctx::Array { first: true, start })?;
                Ok(Token::StartArray)
            }
            b'-' | b'0'..=b'9' => self.read_number(),
            // Jackson's value switch: a `}` here ends nothing (closers were handled before);
            // a `]` goes on to its odd-value handling, which expects "a valid value".
            b'}' => Err(self.unexpected_char(self.pos, "expected a value")),
            _ => self.read_word(),
        }
    }

    fn push(&mut self, ctx: Ctx) -> Result<(), SyntaxError> {
        if self.stack.len() >= self.max_depth {
            // Jackson counts the container it is opening: the first one too many is reported.
            let at = self.pos;
            return Err(self.constraint(
                at.saturating_sub(1),
                at,
                "Document nesting depth",
                self.stack.len() + 1,
                self.max_depth,
                "getMaxNestingDepth",
            ));
        }
        self.stack.push(ctx);
        Ok(())
    }

    fn read_word(&mut self) -> Result<Token, SyntaxError> {
        let start = self.pos;
        for (word, tok) in [
            ("true", Token::True),
            ("false", Token::False),
            ("null", Token::Null),
        ] {
            if self.src[start..].starts_with(word) {
                let after = self.char_at(start + word.len());
                if !after.is_some_and(is_ident_part) {
                    self.pos += word.len();
                    return Ok(tok);
                }
            }
        }
        let first = self.char_at(start).unwrap_or('\0');
        match first {
            // Jackson's odd values: the words of non-standard numbers, and a plus sign.
            'N' => return Err(self.non_standard(start, "NaN", 1)),
            'I' => return Err(self.non_standard(start, "Infinity", 1)),
            '+' => return Err(self.plus_sign()),
            _ => {}
        }
        if !is_ident_start(first) {
            return Err(
                self.unexpected_char(start, &format!("expected a valid value {EXPECTED_VALUE}"))
            );
        }
        self.pos = start + first.len_utf8();
        Err(self.invalid_token(start))
    }

    /// Jackson's `_reportInvalidToken`: the token from `from` to the current position and the
    /// identifier characters that follow it, at most 256 characters (then `...`).
    fn invalid_token(&mut self, from: usize) -> SyntaxError {
        let mut token = self.src.get(from..self.pos).unwrap_or("").to_string();
        let mut len = token.chars().count();
        while let Some(c) = self.char_at(self.pos) {
            if !is_ident_part(c) {
                break;
            }
            self.pos += c.len_utf8();
            token.push(c);
            len += 1;
            if len >= 256 {
                token.push_str("...");
                break;
            }
        }
        self.error_on(
            Span::new(from, self.pos),
            self.pos,
            format!("Unrecognized token '{token}': was expecting {EXPECTED_VALUE}"),
        )
    }

    /// Jackson's `_matchToken`: the token that began at `start` must go on as `word` from its
    /// `i`-th character, and no identifier character may follow it.
    fn match_token(&mut self, start: usize, word: &str, i: usize) -> Result<(), SyntaxError> {
        for expected in word.chars().skip(i) {
            match self.char_at(self.pos) {
                Some(c) if c == expected => self.pos += c.len_utf8(),
                _ => return Err(self.invalid_token(start)),
            }
        }
        match self.char_at(self.pos) {
            Some(c) if c >= '0' && c != ']' && c != '}' && is_ident_part(c) => {
                Err(self.invalid_token(start))
            }
            _ => Ok(()),
        }
    }

    /// `NaN`, `Infinity` and their signed forms, which Jackson reads only to refuse (its
    /// `ALLOW_NON_NUMERIC_NUMBERS` is off); anything else that starts alike is an unrecognized
    /// token. The token began at `start`; its first `i` characters were read.
    fn non_standard(&mut self, start: usize, word: &str, i: usize) -> SyntaxError {
        self.pos = start + word.chars().take(i).map(char::len_utf8).sum::<usize>();
        match self.match_token(start, word, i) {
            Err(e) => e,
            Ok(()) => self.error_on(
                Span::new(start, self.pos),
                self.pos,
                format!(
                    "Non-standard token '{word}': enable `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow"
                ),
            ),
        }
    }

    /// After a sign at `start` (`-` or `+`), a character that is not a digit, at the current
    /// position: Jackson's `_handleInvalidNumberStart`. An `I` may begin `-INF` / `-Infinity`
    /// (refused as non-standard); otherwise the error is located at the last character read.
    /// Gives that location, or the error already decided.
    fn after_sign(&mut self, start: usize, sign: char) -> Result<usize, SyntaxError> {
        let at = self.pos;
        if self.bytes.get(at) != Some(&b'I') {
            return Ok(at);
        }
        self.pos += 1;
        match self.bytes.get(self.pos) {
            None => Err(self.error("Unexpected end-of-input in a Number value")),
            Some(b'N') => Err(self.non_standard(start, &format!("{sign}INF"), 3)),
            Some(b'n') => Err(self.non_standard(start, &format!("{sign}Infinity"), 3)),
            Some(_) => Ok(self.pos),
        }
    }

    /// A `+` where a value should be: Jackson refuses the sign itself (its
    /// `ALLOW_LEADING_PLUS_SIGN_FOR_NUMBERS` is off), located at the character after it.
    fn plus_sign(&mut self) -> SyntaxError {
        let start = self.pos;
        self.pos += 1;
        if self.pos >= self.bytes.len() {
            return self.error("Unexpected end-of-input in a Number value");
        }
        match self.after_sign(start, '+') {
            Err(e) => e,
            Ok(at) => self.number_char_error(
                start,
                at,
                "JSON spec does not allow numbers to have plus signs: enable \
                 `JsonReadFeature.ALLOW_LEADING_PLUS_SIGN_FOR_NUMBERS` to allow",
            ),
        }
    }

    /// A number, read the way Jackson 2.17+ reads one (`ReaderBasedJsonParser`), errors and their
    /// locations included. Jackson has two paths: the fast one scans ahead and, on an error,
    /// reports one character before where it left its pointer — at the character that ended the
    /// integer part (or, after a minus sign, at the character that is not a digit); the slow one
    /// (`_parseNumber2`), taken for a number that starts with `0` or that runs into the end of
    /// the text, moves past every character it reads and reports at the offending one (at the
    /// point itself when the text ends after it).
    fn read_number(&mut self) -> Result<Token, SyntaxError> {
        let start = self.pos;
        let b = self.bytes;
        let digit = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
        let int_start = start + (b.get(start) == Some(&b'-')) as usize;
        if int_start > start {
            match self.char_at(int_start) {
                None => {
                    return Err(self.error_at(
                        int_start,
                        "Unexpected end-of-inputNo digit following minus sign",
                    ))
                }
                Some(c) if !c.is_ascii_digit() => {
                    self.pos = int_start;
                    let at = self.after_sign(start, '-')?;
                    return Err(self.number_char_error(
                        at,
                        at,
                        "expected digit (0-9) to follow minus sign, for valid numeric value",
                    ));
                }
                Some(_) => {}
            }
        }
        let mut i = int_start;
        while digit(i) {
            i += 1;
        }
        if i - int_start > 1 && b[int_start] == b'0' {
            return Err(self.error_at(
                int_start + 1,
                "Invalid numeric value: Leading zeroes not allowed",
            ));
        }
        // What ended the integer part: the fast path's errors are located there.
        let int_end = i;
        let slow = b[int_start] == b'0';
        // An offending character at `at`: located at it on the slow path (and at the point
        // when the text ends after it, which sends the fast path to the slow one too), else at
        // what ended the integer part.
        let bad = |this: &Self, at: usize, what: &str| match this.char_at(at) {
            Some(_) if !slow => this.number_char_error(at, int_end, what),
            Some(_) => this.number_char_error(at, at, what),
            None => this.number_char_error(at - 1, at - 1, what),
        };
        let mut is_int = true;
        if b.get(i) == Some(&b'.') {
            is_int = false;
            i += 1;
            let frac = i;
            while digit(i) {
                i += 1;
            }
            if i == frac {
                // At the end of the text the character described is the point itself.
                return Err(bad(self, i, "Decimal point not followed by a digit"));
            }
        }
        if matches!(b.get(i), Some(b'e' | b'E')) {
            is_int = false;
            i += 1;
            if matches!(b.get(i), Some(b'+' | b'-')) {
                i += 1;
            }
            if i >= b.len() {
                return Err(self.error_at(
                    i,
                    "Unexpected end-of-inputexpected a digit for number exponent",
                ));
            }
            let exp = i;
            while digit(i) {
                i += 1;
            }
            if i == exp {
                return Err(bad(self, i, "Exponent indicator not followed by a digit"));
            }
        }
        // Jackson's `resetInt` / `resetFloat` check the digits (not signs, point or `e`)
        // against the number length limit, once the number is read.
        if let Some(limit) = self.max_number_len.filter(|&l| i - int_start > l) {
            let counted = match is_int {
                true => int_end - int_start,
                false => b[int_start..i]
                    .iter()
                    .filter(|c| c.is_ascii_digit())
                    .count(),
            };
            if counted > limit {
                return Err(self.constraint(
                    start,
                    i,
                    "Number value length",
                    counted,
                    limit,
                    "getMaxNumberLength",
                ));
            }
        }
        self.pos = i;
        Ok(Token::Number {
            text: self.src[start..i].to_string(),
            is_int,
        })
    }

    /// Jackson's `reportUnexpectedNumberChar`: the character at `at`, located at `located`.
    fn number_char_error(&self, at: usize, located: usize, what: &str) -> SyntaxError {
        self.char_error(at, located, |c| {
            format!("Unexpected character ({c}) in numeric value: {what}")
        })
    }

    /// Finishes an open string (when the caller skipped its text) before moving on.
    fn finish_open_string(&mut self) -> Result<(), SyntaxError> {
        if self.string_open {
            self.read_string_body(false)?;
            self.string_open = false;
        }
        Ok(())
    }

    /// Reads the next token, with Jackson's look-ahead after field names.
    pub fn next_token(&mut self) -> Result<Token, SyntaxError> {
        if let Some((tok, start)) = self.pending.take() {
            // The look-ahead after a field name: its string, if any, is still open.
            self.token_start = start;
            return Ok(tok);
        }
        self.finish_open_string()?;
        self.string_value = None;
        self.skip_ws()?;
        match self.stack.last().copied() {
            None => {
                if self.root_done {
                    if self.peek().is_some() {
                        return Err(self.unexpected_char(
                            self.pos,
                            "expected end of input after the root value",
                        ));
                    }
                    return Ok(Token::Eof);
                }
                match self.peek() {
                    None => return Err(self.error("No content to map due to end-of-input")),
                    Some(c @ (b']' | b'}')) => return self.close(c),
                    Some(_) => {}
                }
                self.root_done = true;
                self.read_value_start()
            }
            Some(Ctx::Array { first, .. }) => {
                if let Some(end) = self.end_or_comma(first, "Array")? {
                    return Ok(end);
                }
                if let Some(Ctx::Array { first, .. }) = self.stack.last_mut() {
                    *first = false;
                }
                self.read_value_start()
            }
            Some(Ctx::Object { first, .. }) => {
                if let Some(end) = self.end_or_comma(first, "Object")? {
                    return Ok(end);
                }
                if let Some(Ctx::Object {
                    first, expect_name, ..
                }) = self.stack.last_mut()
                {
                    *first = false;
                    *expect_name = false;
                }
                match self.peek() {
                    Some(b'"') => {}
                    None => return Err(self.eof_error()),
                    Some(_) => {
                        return Err(self.unexpected_char(
                            self.pos,
                            "was expecting double-quote to start field name",
                        ))
                    }
                }
                let name_start = self.pos;
                self.pos += 1;
                let name = self.read_string_body(true)?;
                self.name_span = Span::new(name_start, self.pos);
                self.skip_ws()?;
                match self.peek() {
                    Some(b':') => self.pos += 1,
                    None => return Err(self.eof_between("Object")),
                    Some(_) => {
                        return Err(self.unexpected_char(
                            self.pos,
                            "was expecting a colon to separate field name and value",
                        ))
                    }
                }
                self.skip_ws()?;
                if self.peek().is_none() {
                    return Err(self.eof_between("Object"));
                }
                let value_start = self.pos;
                let value = self.read_value_start()?;
                self.pending = Some((value, value_start));
                self.token_start = name_start;
                Ok(Token::FieldName(name))
            }
        }
    }
}

/// Near enough Java's `Character.isJavaIdentifierPart`, which Jackson reads a bad token with.
fn is_ident_part(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '$'
}

/// Near enough Java's `Character.isJavaIdentifierStart` (no digits).
fn is_ident_start(c: char) -> bool {
    c.is_alphabetic() || c == '_' || c == '$'
}

/// The JSON scalar that starts at byte `start` of `text`: a string to its closing quote, else up
/// to the next delimiter (the tokenizer reads a string's body only when asked, so its span may
/// hold the opening quote alone).
pub(crate) fn scalar_at(text: &str, start: usize) -> Span {
    let rest = text.get(start..).unwrap_or("");
    let len = if rest.starts_with('"') {
        let mut escaped = false;
        rest.char_indices()
            .skip(1)
            .find(|&(_, c)| {
                let end = c == '"' && !escaped;
                escaped = c == '\\' && !escaped;
                end
            })
            .map_or(rest.len(), |(i, _)| i + 1)
    } else {
        rest.find([',', '}', ']', ' ', '\n', '\r', '\t'])
            .unwrap_or(rest.len())
    };
    Span::new(start, start + len)
}

/// Jackson's way of quoting a character in a message (`_getCharDesc`): `''' (code 39)`, a code
/// above 255 also in hex (`'é' (code 233)` but `'€' (code 8364 / 0x20ac)`), and an ISO control
/// character (U+0000 to U+001F, U+007F to U+009F) by its code alone.
pub fn describe_char(c: char) -> String {
    let code = c as u32;
    if c.is_control() {
        format!("(CTRL-CHAR, code {code})")
    } else if code > 255 {
        format!("'{c}' (code {code} / 0x{code:x})")
    } else {
        format!("'{c}' (code {code})")
    }
}
