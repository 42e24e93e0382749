//! Parsing and validating an event pattern: text → [`EventPattern`].
//!
//! The compiler pulls tokens in the same order as Ruler's `JsonRuleCompiler`, so that every error
//! is raised at the location AWS reports.

use crate::cidr::Cidr;
use crate::error::{PatternError, Span};
use crate::jackson::{SyntaxError, Token, Tokenizer};
use crate::reading::Reading;
use crate::wildcard::Wildcard;

/// Patterns longer than this are rejected, as PutRule does.
pub const MAX_PATTERN_CHARS: usize = 4096;
/// `$or` may expand into at most this many combinations.
pub const MAX_OR_COMBINATIONS: usize = 1000;
/// How deeply a pattern may nest: Jackson's default `StreamReadConstraints` (1000 objects and
/// arrays), which Ruler's parser keeps.
pub const MAX_PATTERN_DEPTH: usize = 1000;

/// One matcher inside a leaf's array.
#[derive(Debug, Clone, PartialEq)]
pub struct Matcher {
    /// What it tests.
    pub op: Op,
    /// Where the matcher stands in the pattern text.
    pub span: Span,
}

/// The closed set of operators.
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    /// `"abc"`: the exact string.
    Exact(String),
    /// `300`: numeric equality (or the same lexeme, for numbers a double cannot hold).
    Number {
        /// The number as a double; NaN when no double holds it exactly (Ruler cannot compare
        /// it), so that only `text` matches.
        value: f64,
        /// The lexeme as written in the pattern.
        text: String,
    },
    /// `true` / `false`: the same boolean.
    Bool(bool),
    /// `null`: a null value (not a missing field).
    Null,
    /// `{"prefix": "ab"}`, or `{"prefix": {"equals-ignore-case": "ab"}}`: strings starting with `value`.
    Prefix {
        /// The prefix.
        value: String,
        /// Each character stands for its lower or upper case ([`crate::ignore_case`]).
        ignore_case: bool,
    },
    /// `{"suffix": "ab"}`, or with `equals-ignore-case`: strings ending with `value`.
    Suffix {
        /// The suffix.
        value: String,
        /// Each character stands for its lower or upper case ([`crate::ignore_case`]).
        ignore_case: bool,
    },
    /// `{"equals-ignore-case": "ab"}`: the same string up to case, each character standing
    /// for its lower or upper case ([`crate::ignore_case`]).
    EqualsIgnoreCase(String),
    /// `{"anything-but": ...}`: any value the exclusion does not cover (see [`AnythingBut`]).
    AnythingBut(AnythingBut),
    /// `{"numeric": [">", 0, "<=", 5]}`: numbers in the range.
    Numeric(NumericRange),
    /// `{"exists": true}`: the field has a leaf value; `false`: it has none.
    Exists(bool),
    /// `{"wildcard": "a*b"}`: strings the glob matches.
    Wildcard {
        /// The glob as written (decoded).
        text: String,
        /// The compiled glob.
        wildcard: Wildcard,
    },
    /// `{"cidr": "10.0.0.0/24"}`: IP address strings inside the block. Also an exact string
    /// that is an IP address (`["10.0.0.1"]`): a block of that one address
    /// ([`Cidr::is_address`]), matching any spelling of it.
    Cidr {
        /// The block as written.
        text: String,
        /// The parsed block.
        cidr: Cidr,
    },
}

/// The forms of `anything-but`.
#[derive(Debug, Clone, PartialEq)]
pub enum AnythingBut {
    /// `"x"` or `["x", "y"]`: any value but these strings (non-strings pass).
    Strings(Vec<String>),
    /// `5` or `[5, 6]`: any value but these numbers (non-numbers pass).
    Numbers(Vec<f64>),
    /// `{"prefix": "x"}`: strings not starting with any of these.
    Prefix(Vec<String>),
    /// `{"suffix": "x"}`: strings not ending with any of these.
    Suffix(Vec<String>),
    /// `{"equals-ignore-case": ...}`: strings equal to none of these up to case.
    EqualsIgnoreCase(Vec<String>),
    /// `{"wildcard": ...}`: strings none of these globs match (each kept with its text).
    Wildcard(Vec<(String, Wildcard)>),
}

/// A `numeric` condition: optional lower and upper bounds.
#[derive(Debug, Clone, PartialEq)]
pub struct NumericRange {
    /// The lower bound, and whether it is open (`>` rather than `>=`).
    pub lower: Option<(f64, bool)>,
    /// The upper bound, and whether it is open (`<` rather than `<=`).
    pub upper: Option<(f64, bool)>,
    /// `["=", x]`: exactly `x` (the bounds are then unused).
    pub equals: Option<f64>,
}

impl NumericRange {
    /// Whether `x` satisfies the condition.
    pub fn contains(&self, x: f64) -> bool {
        if let Some(e) = self.equals {
            return x == e;
        }
        if let Some((lo, open)) = self.lower {
            if (open && x <= lo) || (!open && x < lo) {
                return false;
            }
        }
        if let Some((hi, open)) = self.upper {
            if (open && x >= hi) || (!open && x > hi) {
                return false;
            }
        }
        true
    }
}

/// A leaf test: a path and the matchers ORed over its values.
#[derive(Debug, Clone, PartialEq)]
pub struct LeafTest {
    /// Dot-joined path, e.g. `detail.state`.
    pub path: String,
    /// The matchers of the leaf's array; a value passing any of them passes.
    pub matchers: Vec<Matcher>,
    /// The span of the key that names this leaf.
    pub key_span: Span,
    /// How Ruler reads the event's values here, given the tests sharing its machine
    /// ([`crate::reading`]).
    pub reading: Reading,
}

/// One conjunction of leaf tests; `$or` expands a pattern into several.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Branch {
    /// The tests, all of which must pass, one per path.
    pub tests: Vec<LeafTest>,
}

impl Branch {
    fn put(&mut self, test: LeafTest) {
        // The last occurrence of a path wins, as in Ruler's map.
        if let Some(existing) = self.tests.iter_mut().find(|t| t.path == test.path) {
            *existing = test;
        } else {
            self.tests.push(test);
        }
    }
}

/// A validated event pattern.
#[derive(Debug, Clone, PartialEq)]
pub struct EventPattern {
    branches: Vec<Branch>,
    source: String,
}

impl EventPattern {
    /// Parses and validates a pattern, with AWS's error messages.
    ///
    /// ```
    /// use event_pattern::EventPattern;
    /// let p = EventPattern::parse(r#"{"source": ["Order Service"]}"#).unwrap();
    /// assert_eq!(p.branches().len(), 1);
    /// let err = EventPattern::parse(r#"{"int": 42}"#).unwrap_err();
    /// assert!(err.message().starts_with("Event pattern is not valid. Reason: \"int\" must be an object or an array"));
    /// ```
    pub fn parse(text: &str) -> Result<EventPattern, PatternError> {
        let chars = text.chars().count();
        if chars > MAX_PATTERN_CHARS {
            return Err(PatternError::validation(format!(
                "1 validation error detected: Value at 'eventPattern' failed to satisfy constraint: Member must have length less than or equal to {MAX_PATTERN_CHARS}"
            )));
        }
        let mut c = Compiler {
            tok: Tokenizer::new(text)
                .with_max_depth(MAX_PATTERN_DEPTH)
                .with_number_limit(),
            src: text,
        };
        let mut branches = c.compile().map_err(|e| crate::advice::advise(e, text))?;
        // Ruler evaluates the machine it built from the whole pattern: after every other check.
        if let Some(too) = crate::reading::assign(&mut branches) {
            return Err(PatternError::pattern(TOO_COMPLEX, text, None)
                .with_span(too.span)
                .with_hint(crate::advice::too_complex(too.count)));
        }
        Ok(EventPattern {
            branches,
            source: text.to_string(),
        })
    }

    /// The `$or`-expanded conjunctions; the pattern matches when any branch does.
    pub fn branches(&self) -> &[Branch] {
        &self.branches
    }

    /// The pattern text as given.
    pub fn source(&self) -> &str {
        &self.source
    }
}

/// Ruler's message for a machine whose wildcards are too complex ([`crate::wildcard::complexity`]).
const TOO_COMPLEX: &str = "Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character";

struct Compiler<'a> {
    tok: Tokenizer<'a>,
    src: &'a str,
}

type Res<T> = Result<T, PatternError>;

/// What [`Compiler::member`] read.
enum Member {
    /// The object's `}`.
    End,
    /// A leaf's array or an `$or`, handled.
    Done,
    /// An object value, to descend into: its full path.
    Object(String),
}

/// Ruler's `Constants.RESERVED_FIELD_NAMES_IN_OR_RELATIONSHIP`: the operator names, the numeric
/// comparisons, and the names it keeps for future operators.
const RESERVED_IN_OR: [&str; 24] = [
    "exactly",
    "equals-ignore-case",
    "prefix",
    "suffix",
    "anything-but",
    "exists",
    "wildcard",
    "numeric",
    "cidr",
    "=",
    "<",
    "<=",
    ">",
    ">=",
    "regex",
    "not-wildcard",
    "not-equals-ignore-case",
    "date-after",
    "date-on-or-after",
    "date-before",
    "date-on-or-before",
    "in-date-range",
    "ip-address-in-range",
    "ip-address-not-in-range",
];

impl<'a> Compiler<'a> {
    fn barf(&self, reason: impl Into<String>) -> PatternError {
        PatternError::pattern(reason, self.src, Some(self.tok.location()))
    }

    fn syntax(&self, e: SyntaxError) -> PatternError {
        let location = e.located.then_some(e.location);
        PatternError::pattern(e.message, self.src, location).with_span(e.span)
    }

    fn next(&mut self) -> Res<Token> {
        self.tok.next_token().map_err(|e| self.syntax(e))
    }

    fn text(&mut self) -> Res<String> {
        self.tok.text().map_err(|e| self.syntax(e))
    }

    /// Jackson's `getText()` of a token that is not a string.
    fn token_text(&mut self, t: &Token) -> Res<String> {
        Ok(match t {
            Token::String => self.text()?,
            Token::Number { text, .. } => text.clone(),
            Token::True => "true".into(),
            Token::False => "false".into(),
            Token::Null => "null".into(),
            Token::StartObject => "{".into(),
            Token::EndObject => "}".into(),
            Token::StartArray => "[".into(),
            Token::EndArray => "]".into(),
            Token::FieldName(n) => n.clone(),
            Token::Eof => String::new(),
        })
    }

    fn compile(&mut self) -> Res<Vec<Branch>> {
        if self.next()? != Token::StartObject {
            return Err(self.barf("Filter is not an object"));
        }
        let mut branches = vec![Branch::default()];
        self.parse_object(&mut branches, None, false)?;
        Ok(branches)
    }

    /// `path`: the keys above, joined with `.` (`None` at the root: a key `""` there has the
    /// path `""`, and a key `a` below it `.a`, as Ruler's paths are).
    ///
    /// Patterns nest as deep as Jackson lets them (1000), so this recursion keeps its frame
    /// small: everything but the descent happens in [`Self::member`], out of line.
    fn parse_object(
        &mut self,
        rules: &mut Vec<Branch>,
        path: Option<&str>,
        in_or: bool,
    ) -> Res<()> {
        let mut fields_present = false;
        loop {
            match self.member(rules, path, in_or)? {
                Member::End => break,
                Member::Done => {}
                Member::Object(full) => self.parse_object(rules, Some(&full), in_or)?,
            }
            fields_present = true;
        }
        if !fields_present {
            return Err(self.barf("Empty objects are not allowed"));
        }
        Ok(())
    }

    /// One member of an object being parsed: its end, a member handled here (a leaf's array or
    /// an `$or`), or an object to descend into (its full path).
    #[inline(never)]
    fn member(&mut self, rules: &mut Vec<Branch>, path: Option<&str>, in_or: bool) -> Res<Member> {
        let name = match self.next()? {
            Token::EndObject => return Ok(Member::End),
            Token::FieldName(n) => n,
            _ => return Err(self.barf("Expected a field name")),
        };
        let key_span = self.tok.name_span();
        if name == "$or" {
            self.parse_or(rules, path)?;
            return Ok(Member::Done);
        }
        if in_or && RESERVED_IN_OR.contains(&name.as_str()) {
            return Err(self.barf(format!(
                "{name} is Ruler reserved fieldName which cannot be used inside $or."
            )));
        }
        let full = match path {
            None => name.clone(),
            Some(path) => format!("{path}.{name}"),
        };
        match self.next()? {
            Token::StartObject => Ok(Member::Object(full)),
            Token::StartArray => {
                let matchers = self.write_rules()?;
                for r in rules.iter_mut() {
                    r.put(LeafTest {
                        path: full.clone(),
                        matchers: matchers.clone(),
                        key_span,
                        reading: Reading::Plain,
                    });
                }
                Ok(Member::Done)
            }
            // Marked on the whole value, which the hint puts in a list.
            _ => Err(self
                .barf(format!("\"{name}\" must be an object or an array"))
                .with_span(crate::jackson::scalar_at(
                    self.src,
                    self.tok.token_span().start,
                ))),
        }
    }

    fn parse_or(&mut self, rules: &mut Vec<Branch>, path: Option<&str>) -> Res<()> {
        let current = std::mem::take(rules);
        if self.next()? != Token::StartArray {
            return Err(self.barf("It must be an Array followed with $or."));
        }
        let mut count = 0;
        loop {
            match self.next()? {
                Token::EndArray => break,
                Token::StartObject => {
                    count += 1;
                    let mut fork = current.clone();
                    if fork.is_empty() {
                        fork.push(Branch::default());
                    }
                    self.parse_object(&mut fork, path, true)?;
                    if rules.len() + fork.len() > MAX_OR_COMBINATIONS {
                        return Err(self.barf(format!(
                            "The $or relationships in this pattern expand to more than {MAX_OR_COMBINATIONS} combinations"
                        )));
                    }
                    rules.extend(fork);
                }
                _ => {
                    return Err(
                        self.barf("Only JSON object is allowed in array of $or relationship.")
                    )
                }
            }
        }
        if count < 2 {
            return Err(self.barf("There must have at least 2 Objects in $or relationship."));
        }
        Ok(())
    }

    fn write_rules(&mut self) -> Res<Vec<Matcher>> {
        let mut values = Vec::new();
        loop {
            let t = self.next()?;
            let start = self.tok.token_span().start;
            let op = match t {
                Token::EndArray => break,
                Token::StartObject => self.match_expression()?,
                // An IP address literal is matched as an address, in any spelling (Ruler's
                // `CIDR.ipToRangeIfPossible`); any other string exactly.
                Token::String => {
                    let text = self.text()?;
                    match Cidr::address(&text) {
                        Some(cidr) => Op::Cidr { text, cidr },
                        None => Op::Exact(text),
                    }
                }
                // Never refused: a number no double holds is matched by its text alone (Ruler's
                // `JsonRuleCompiler` makes a failed `numericEquals` "survivable" and always adds
                // the exact match of the text).
                Token::Number { text, .. } => Op::Number {
                    value: comparable(&text).unwrap_or(f64::NAN),
                    text,
                },
                Token::True => Op::Bool(true),
                Token::False => Op::Bool(false),
                Token::Null => Op::Null,
                _ => {
                    return Err(
                        self.barf("Match value must be String, number, true, false, or null")
                    )
                }
            };
            let end = self.tok.offset();
            values.push(Matcher {
                op,
                span: Span::new(start, end),
            });
        }
        if values.is_empty() {
            return Err(self.barf("Empty arrays are not allowed"));
        }
        Ok(values)
    }

    /// Ruler's `tooManyElements`, which it raises wherever a value or a match expression goes on
    /// past its end (numeric or not).
    fn too_many_elements(&self) -> PatternError {
        self.barf("Too many elements in numeric expression")
    }

    /// An error Ruler raises as a plain exception outside its parser (CIDR, wildcard complexity,
    /// a single `anything-but` number): AWS prints it with no location. It is still marked on
    /// the token it is about, for editors.
    fn unlocated(&self, reason: impl Into<String>) -> PatternError {
        PatternError::pattern(reason, self.src, None).with_span(self.tok.token_span())
    }

    fn expect_end_object(&mut self) -> Res<()> {
        if self.next()? != Token::EndObject {
            return Err(self.barf("Only one key allowed in match expression"));
        }
        Ok(())
    }

    fn match_expression(&mut self) -> Res<Op> {
        let name = match self.next()? {
            Token::FieldName(n) => n,
            _ => return Err(self.barf("Match expression name not found")),
        };
        match name.as_str() {
            "exactly" => {
                if self.next()? != Token::String {
                    return Err(self.barf("exact match pattern must be a string"));
                }
                let v = self.text()?;
                self.expect_end_object()?;
                Ok(Op::Exact(v))
            }
            "prefix" | "suffix" => {
                let is_prefix = name == "prefix";
                let msg = format!("{name} match pattern must be a string");
                let (value, ignore_case) = match self.next()? {
                    Token::String => (self.text()?, false),
                    Token::StartObject => {
                        match self.next()? {
                            Token::FieldName(inner) if inner == "equals-ignore-case" => {}
                            Token::FieldName(inner) => {
                                let kind = if is_prefix { "prefix" } else { "suffix" };
                                return Err(
                                    self.barf(format!("Unsupported {kind} pattern: {inner}"))
                                );
                            }
                            // `{}`: Ruler's `process{Prefix,Suffix}EqualsIgnoreCaseExpression`.
                            _ => {
                                let kind = if is_prefix { "Prefix" } else { "Suffix" };
                                return Err(self.barf(format!("{kind} expression name not found")));
                            }
                        }
                        if self.next()? != Token::String {
                            return Err(
                                self.barf("equals-ignore-case match pattern must be a string")
                            );
                        }
                        let v = self.text()?;
                        self.expect_end_object()?;
                        (v, true)
                    }
                    _ => return Err(self.barf(msg)),
                };
                self.expect_end_object()?;
                Ok(if is_prefix {
                    Op::Prefix { value, ignore_case }
                } else {
                    Op::Suffix { value, ignore_case }
                })
            }
            "equals-ignore-case" => {
                if self.next()? != Token::String {
                    return Err(self.barf("equals-ignore-case match pattern must be a string"));
                }
                let v = self.text()?;
                self.expect_end_object()?;
                Ok(Op::EqualsIgnoreCase(v))
            }
            "numeric" => {
                if self.next()? != Token::StartArray {
                    return Err(self.barf("Value of numeric must be an array."));
                }
                let range = self.numeric()?;
                if self.next()? != Token::EndObject {
                    return Err(self.too_many_elements());
                }
                Ok(Op::Numeric(range))
            }
            "anything-but" => self.anything_but(),
            "exists" => {
                let v = match self.next()? {
                    Token::True => true,
                    Token::False => false,
                    _ => {
                        return Err(self.barf("exists match pattern must be either true or false."))
                    }
                };
                self.expect_end_object()?;
                Ok(Op::Exists(v))
            }
            "cidr" => {
                if self.next()? != Token::String {
                    return Err(self.barf("prefix match pattern must be a string"));
                }
                let text = self.text()?;
                let cidr = Cidr::parse(&text).map_err(|m| self.unlocated(m))?;
                self.expect_end_object()?;
                Ok(Op::Cidr { text, cidr })
            }
            "wildcard" => {
                if self.next()? != Token::String {
                    return Err(self.barf("wildcard match pattern must be a string"));
                }
                let text = self.text()?;
                let wildcard = self.wildcard(&text)?;
                self.expect_end_object()?;
                Ok(Op::Wildcard { text, wildcard })
            }
            _ => Err(self.barf(format!("Unrecognized match type {name}"))),
        }
    }

    fn wildcard(&mut self, text: &str) -> Res<Wildcard> {
        Wildcard::parse(text).map_err(|e| self.barf(e.0))
    }

    /// A `numeric` bound or an `anything-but` number, which must be [`comparable`]; else
    /// Ruler's `Cannot compare number : <text>`, located where the parser stands.
    fn number(&self, text: &str) -> Res<f64> {
        comparable(text).ok_or_else(|| self.barf(format!("Cannot compare number : {text}")))
    }

    fn numeric(&mut self) -> Res<NumericRange> {
        let t = self.next()?;
        if t != Token::String {
            let text = self.token_text(&t)?;
            return Err(self.barf(format!("Invalid member in numeric match: {text}")));
        }
        let op = self.text()?;
        let t = self.next()?;
        // The bounds are taken as text and turned into numbers once the array is closed, as
        // Ruler builds its range (so a bound no double holds is refused after the other checks,
        // located past the `]`).
        let operand = |c: &Self, t: &Token, name: &str| -> Res<String> {
            match t {
                Token::Number { text, .. } => Ok(text.clone()),
                _ => Err(c.barf(format!("Value of {name} must be numeric"))),
            }
        };
        match op.as_str() {
            "=" => {
                let v = operand(self, &t, "equals")?;
                if self.next()? != Token::EndArray {
                    return Err(self.too_many_elements());
                }
                Ok(NumericRange {
                    lower: None,
                    upper: None,
                    equals: Some(self.number(&v)?),
                })
            }
            ">" | ">=" => {
                let lo = operand(self, &t, &op)?;
                let open = op == ">";
                let t = self.next()?;
                if t == Token::EndArray {
                    return Ok(NumericRange {
                        lower: Some((self.number(&lo)?, open)),
                        upper: None,
                        equals: None,
                    });
                }
                if t != Token::String {
                    let text = self.token_text(&t)?;
                    return Err(self.barf(format!("Bad value in numeric range: {text}")));
                }
                let op2 = self.text()?;
                if op2 != "<" && op2 != "<=" {
                    return Err(self.barf(format!("Bad numeric range operator: {op2}")));
                }
                let t = self.next()?;
                let hi = operand(self, &t, &op2)?;
                if self.next()? != Token::EndArray {
                    return Err(self.barf("Too many terms in numeric range expression"));
                }
                let (lo, hi) = (self.number(&lo)?, self.number(&hi)?);
                if lo >= hi {
                    return Err(self.barf("Bottom must be less than top"));
                }
                Ok(NumericRange {
                    lower: Some((lo, open)),
                    upper: Some((hi, op2 == "<")),
                    equals: None,
                })
            }
            "<" | "<=" => {
                let hi = operand(self, &t, &op)?;
                if self.next()? != Token::EndArray {
                    return Err(self.too_many_elements());
                }
                Ok(NumericRange {
                    lower: None,
                    upper: Some((self.number(&hi)?, op == "<")),
                    equals: None,
                })
            }
            _ => Err(self.barf(format!("Unrecognized numeric range operator: {op}"))),
        }
    }

    fn anything_but(&mut self) -> Res<Op> {
        const NOT_VALUE: &str =
            "Value of anything-but must be an array or single string/number value.";
        let t = self.next()?;
        let op = match t {
            Token::StartObject => {
                let inner = match self.next()? {
                    Token::FieldName(n) => n,
                    _ => return Err(self.barf("Anything-But expression name not found")),
                };
                let op = match inner.as_str() {
                    "equals-ignore-case" => {
                        const MSG: &str = "Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.";
                        match self.next()? {
                            Token::String => AnythingBut::EqualsIgnoreCase(vec![self.text()?]),
                            Token::StartArray => {
                                let mut vals = Vec::new();
                                loop {
                                    match self.next()? {
                                        Token::EndArray => break,
                                        Token::String => vals.push(self.text()?),
                                        _ => return Err(self.barf(MSG).repeated()),
                                    }
                                }
                                AnythingBut::EqualsIgnoreCase(vals)
                            }
                            // Ruler takes only an array, a string or a number here.
                            Token::Number { .. } => return Err(self.barf(MSG)),
                            _ => return Err(self.barf(NOT_VALUE)),
                        }
                    }
                    "prefix" | "suffix" | "wildcard" => {
                        let msg = if inner == "wildcard" {
                            "wildcard match pattern must be a string"
                        } else {
                            "prefix/suffix match pattern must be a string"
                        };
                        let mut vals = Vec::new();
                        let mut in_list = false;
                        match self.next()? {
                            Token::String => vals.push(self.text()?),
                            Token::StartArray => {
                                in_list = true;
                                loop {
                                    match self.next()? {
                                        Token::EndArray => break,
                                        Token::String => vals.push(self.text()?),
                                        _ => return Err(self.barf(msg).repeated()),
                                    }
                                    if inner != "wildcard"
                                        && vals.last().is_some_and(|v| v.is_empty())
                                    {
                                        return Err(self
                                            .barf("Null prefix/suffix not allowed")
                                            .repeated());
                                    }
                                }
                                if vals.is_empty() {
                                    return Err(self.barf("Empty arrays are not allowed"));
                                }
                            }
                            Token::Number { .. } => return Err(self.barf(msg)),
                            // Ruler takes only an array, a string or a number here.
                            _ => return Err(self.barf(NOT_VALUE)),
                        }
                        if !in_list && inner != "wildcard" && vals[0].is_empty() {
                            return Err(self.barf("Null prefix/suffix not allowed"));
                        }
                        match inner.as_str() {
                            "prefix" => AnythingBut::Prefix(vals),
                            "suffix" => AnythingBut::Suffix(vals),
                            _ => {
                                let mut ws = Vec::new();
                                for v in vals {
                                    let w = self.wildcard(&v)?;
                                    ws.push((v, w));
                                }
                                AnythingBut::Wildcard(ws)
                            }
                        }
                    }
                    _ => {
                        return Err(self.barf(format!("Unsupported anything-but pattern: {inner}")))
                    }
                };
                // Ruler closes this object with the same check as the outer one (below).
                if self.next()? != Token::EndObject {
                    return Err(self.too_many_elements());
                }
                op
            }
            Token::StartArray => {
                const MSG: &str = "Inside anything but list, start|null|boolean is not supported.";
                let mut strings = Vec::new();
                let mut numbers = Vec::new();
                loop {
                    match self.next()? {
                        Token::EndArray => break,
                        Token::String => strings.push(self.text()?),
                        // Ruler's `catch` around the list reports a refused number through
                        // its parser: the location once (its parse errors here come out twice).
                        Token::Number { text, .. } => numbers.push(self.number(&text)?),
                        _ => return Err(self.barf(MSG).repeated()),
                    }
                }
                match (strings.is_empty(), numbers.is_empty()) {
                    (false, true) => AnythingBut::Strings(strings),
                    (true, false) => AnythingBut::Numbers(numbers),
                    _ => {
                        return Err(self.barf(
                            "Inside anything but list, either all values are number or string, mixed type is not supported",
                        ))
                    }
                }
            }
            Token::String => AnythingBut::Strings(vec![self.text()?]),
            // Outside any of Ruler's `try` blocks: its `IllegalArgumentException` reaches the
            // caller as it is, with no location (like CIDR errors in the recorded data).
            Token::Number { text, .. } => match comparable(&text) {
                Some(v) => AnythingBut::Numbers(vec![v]),
                None => return Err(self.unlocated(format!("Cannot compare number : {text}"))),
            },
            _ => return Err(self.barf(NOT_VALUE)),
        };
        if self.next()? != Token::EndObject {
            return Err(self.too_many_elements());
        }
        Ok(Op::AnythingBut(op))
    }
}

/// A pattern number as Ruler's `ComparableNumber.generate` takes it: its nearest double, which
/// must be finite and, written back in its shortest form, have exactly the value of the text
/// (`BigDecimal.valueOf(d).compareTo(text) == 0`): `0.1` and `1e20` are, `9007199254740993` (a
/// double holds …992) and `1e400` are not.
fn comparable(text: &str) -> Option<f64> {
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() && same_decimal(text, &format!("{v:e}")) => Some(v),
        _ => None,
    }
}

/// Whether two decimal numbers (JSON's grammar, or Rust's `{:e}`) have the same value: both
/// reduced to a sign, their significant digits and the power of ten of the first one. Zero
/// of either sign is one value (as `BigDecimal` compares).
fn same_decimal(a: &str, b: &str) -> bool {
    decimal_parts(a) == decimal_parts(b)
}

/// `(negative, significant digits, exponent)` with the value `0.d1d2… × 10^exponent`, or
/// `None` for zero. An exponent too large to hold saturates (it then matches no double's).
fn decimal_parts(text: &str) -> Option<(bool, String, i64)> {
    let (negative, rest) = match text.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, text),
    };
    let (mantissa, exponent) = match rest.find(['e', 'E']) {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => (rest, "0"),
    };
    let exponent: i64 =
        exponent
            .trim_start_matches('+')
            .parse()
            .unwrap_or(if exponent.starts_with('-') {
                i64::MIN / 2
            } else {
                i64::MAX / 2
            });
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all: String = int.chars().chain(frac.chars()).collect();
    let leading = all.len() - all.trim_start_matches('0').len();
    let digits = all.trim_matches('0');
    if digits.is_empty() {
        return None;
    }
    let point = int.len() as i64 - leading as i64;
    Some((negative, digits.to_string(), exponent.saturating_add(point)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_rng::Rng;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    /// Is the number comparable: accepted as a `numeric` bound? (An exact number is always
    /// accepted: checked below.)
    fn accepted(number: &str) -> bool {
        let bound = EventPattern::parse(&format!(r#"{{"a": [{{"numeric": ["=", {number}]}}]}}"#));
        let exact = EventPattern::parse(&format!(r#"{{"a": [{number}]}}"#));
        assert!(exact.is_ok(), "an exact number is never refused: {number}");
        bound.is_ok()
    }

    /// Ruler's check on pattern numbers, on random doubles of every magnitude: a double's
    /// shortest text is accepted in each of JSON's spellings of it, and a text with one more
    /// significant digit than a double holds is refused (its value is no double's).
    #[test]
    fn numbers_are_accepted_exactly_when_a_double_holds_their_value() {
        let mut r = Rng(0x9e37_79b9_7f4a_7c15);
        let mut refused = 0;
        for _ in 0..5_000 {
            let bits = (r.below(1 << 31) as u64) << 33 | (r.below(1 << 31) as u64) << 2;
            let v = f64::from_bits(bits);
            if !v.is_finite() {
                continue;
            }
            for text in [format!("{v}"), format!("{v:e}"), format!("{v:E}")] {
                assert!(accepted(&text), "{text}");
            }
            // 20 significant digits ending in 1: beyond what any double's value spells.
            let (digits, exp) = {
                let e = format!("{:.18e}", v.abs());
                let (m, x) = e.split_once('e').unwrap();
                (m.replace('.', ""), x.parse::<i32>().unwrap())
            };
            let sign = if v < 0.0 { "-" } else { "" };
            let longer = format!("{sign}{}.{}1e{exp}", &digits[..1], &digits[1..]);
            if v != 0.0 {
                assert!(!accepted(&longer), "{longer}");
                refused += 1;
            }
        }
        assert!(refused > 4_000, "{refused}");
        for (text, ok) in [
            ("0.1", true),
            ("1e20", true),
            ("2e23", true),
            ("5e-324", true),
            ("-0.0", true),
            ("9007199254740992", true),
            ("9007199254740993", false),
            ("1e400", false),
            ("1e-400", false),
            ("1.00000000000000001", false),
        ] {
            assert_eq!(accepted(text), ok, "{text}");
        }
    }
}
