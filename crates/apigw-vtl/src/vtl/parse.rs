//! Velocity template text → syntax tree, keeping byte spans.

use super::error::VtlError;

/// Blocks and expressions may nest this deep.
pub const MAX_NESTING: usize = 64;

/// A piece of a template.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// Text printed as it is.
    Text(String),
    /// A reference printed (`$x`, `${x}`, `$!x`).
    Ref(Reference),
    /// `#set($x = ...)`.
    Set {
        /// What is set.
        target: Reference,
        /// The value.
        value: Expr,
        /// Byte offset of the `#set`.
        start: usize,
    },
    /// `#if` ... `#elseif` ... `#else` ... `#end`.
    If {
        /// Each condition, in order, with its body.
        branches: Vec<(Expr, Vec<Node>)>,
        /// The `#else` body.
        otherwise: Option<Vec<Node>>,
    },
    /// `#foreach($x in ...)` ... `#end`.
    Foreach {
        /// The loop variable's name.
        var: String,
        /// What is iterated.
        iterable: Expr,
        /// The body.
        body: Vec<Node>,
        /// Byte offset of the `#foreach`.
        start: usize,
    },
    /// `#break`: leaves the loop.
    Break,
    /// `#stop`: ends the rendering.
    Stop,
}

/// `$name.prop.method(args)[index]`, with the `$!` quiet flag.
#[derive(Debug, Clone, PartialEq)]
pub struct Reference {
    /// The variable's name, without `$`.
    pub name: String,
    /// Properties, method calls and indexes, in order.
    pub steps: Vec<Step>,
    /// `$!`: prints nothing when null.
    pub quiet: bool,
    /// Byte span of the reference: start.
    pub start: usize,
    /// Byte span of the reference: end.
    pub end: usize,
}

/// One step of a reference.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// `.name`
    Prop(String),
    /// `.name(args)`
    Call(String, Vec<Expr>),
    /// `[index]`
    Index(Expr),
}

/// An expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// `null`
    Null,
    /// `true`, `false`
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A decimal number.
    Float(f64),
    /// A double-quoted string: interpolated at evaluation time.
    Interp(Vec<Node>),
    /// A single-quoted string: taken as written.
    Str(String),
    /// A reference.
    Ref(Reference),
    /// `[a, b]`
    List(Vec<Expr>),
    /// `[a..b]`
    Range(Box<Expr>, Box<Expr>),
    /// `{k: v}`
    Map(Vec<(Expr, Expr)>),
    /// `!a`, `-a`
    Unary(UnOp, Box<Expr>),
    /// `a op b`
    Binary(BinOp, Box<Expr>, Box<Expr>),
}

/// A unary operator.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum UnOp {
    /// `!` (also `not`)
    Not,
    /// `-`
    Neg,
}

/// A binary operator.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum BinOp {
    /// `||` (also `or`)
    Or,
    /// `&&` (also `and`)
    And,
    /// `==` (also `eq`)
    Eq,
    /// `!=` (also `ne`)
    Ne,
    /// `<` (also `lt`)
    Lt,
    /// `<=` (also `le`)
    Le,
    /// `>` (also `gt`)
    Gt,
    /// `>=` (also `ge`)
    Ge,
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `%`
    Mod,
}

/// Where a block ended: at `#end`, `#else`, `#elseif(...)`, or the end of the text.
enum BlockEnd {
    Eof,
    End,
    Else,
    ElseIf(Expr),
}

/// The template parser (recursive descent, nesting bounded by [`MAX_NESTING`]).
pub struct Parser<'a> {
    src: &'a str,
    b: &'a [u8],
    pos: usize,
    depth: usize,
}

fn ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

fn ident_part(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

impl<'a> Parser<'a> {
    /// A parser at the start of `src`.
    pub fn new(src: &'a str) -> Self {
        Parser {
            src,
            b: src.as_bytes(),
            pos: 0,
            depth: 0,
        }
    }

    fn err(&self, at: usize, message: impl Into<String>) -> VtlError {
        VtlError::at(self.src, at, message)
    }

    /// Parses the whole template.
    pub fn parse_template(mut self) -> Result<Vec<Node>, VtlError> {
        let (nodes, end) = self.parse_block()?;
        match end {
            BlockEnd::Eof => Ok(nodes),
            BlockEnd::End => Err(self.err(
                self.pos.saturating_sub(4),
                "#end without a matching #if or #foreach",
            )),
            BlockEnd::Else | BlockEnd::ElseIf(_) => Err(self.err(
                self.pos.saturating_sub(5),
                "#else or #elseif without a matching #if",
            )),
        }
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    fn at(&self, s: &str) -> bool {
        self.src[self.pos..].starts_with(s)
    }

    /// Is the text before `pos` on this line only spaces/tabs? Returns the line start.
    fn line_start_if_blank(&self, pos: usize) -> Option<usize> {
        let mut i = pos;
        while i > 0 {
            match self.b[i - 1] {
                b' ' | b'\t' => i -= 1,
                b'\n' => return Some(i),
                _ => return None,
            }
        }
        Some(0)
    }

    /// After a directive: if only spaces/tabs remain before a newline, consume them and it.
    /// Returns true when the newline was gobbled.
    fn gobble_newline(&mut self) -> bool {
        let mut i = self.pos;
        while i < self.b.len() && (self.b[i] == b' ' || self.b[i] == b'\t') {
            i += 1;
        }
        if self.src[i..].starts_with("\r\n") {
            self.pos = i + 2;
            true
        } else if i < self.b.len() && self.b[i] == b'\n' {
            self.pos = i + 1;
            true
        } else {
            false
        }
    }

    /// Directive lines: when a directive stands alone on its line, its indentation and its
    /// newline are not output (Velocity's "lines" gobbling; see docs/SIMULATION.md).
    fn trim_indent(out: &mut Vec<Node>, text: &mut String, line_start_blank: bool) {
        if line_start_blank {
            let trimmed = text.trim_end_matches([' ', '\t']).len();
            text.truncate(trimmed);
        }
        if !text.is_empty() {
            out.push(Node::Text(std::mem::take(text)));
        }
    }

    fn parse_block(&mut self) -> Result<(Vec<Node>, BlockEnd), VtlError> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(self.err(
                self.pos,
                format!("blocks nest deeper than {MAX_NESTING} levels"),
            ));
        }
        let mut out = Vec::new();
        let mut text = String::new();
        while self.pos < self.b.len() {
            let c = self.b[self.pos];
            if c == b'\\' && matches!(self.b.get(self.pos + 1), Some(b'$') | Some(b'#')) {
                // An escaped reference or directive is output literally, without the backslash.
                text.push(self.b[self.pos + 1] as char);
                self.pos += 2;
                continue;
            }
            if c == b'$' {
                if let Some(r) = self.try_reference()? {
                    if !text.is_empty() {
                        out.push(Node::Text(std::mem::take(&mut text)));
                    }
                    out.push(Node::Ref(r));
                    continue;
                }
                text.push('$');
                self.pos += 1;
                continue;
            }
            if c == b'#' {
                let start = self.pos;
                let blank_before = self.line_start_if_blank(start).is_some();
                if self.at("##") {
                    while self.pos < self.b.len() && self.b[self.pos] != b'\n' {
                        self.pos += 1;
                    }
                    if blank_before {
                        Self::trim_indent(&mut out, &mut text, true);
                        if self.pos < self.b.len() {
                            self.pos += 1;
                        }
                    }
                    continue;
                }
                if self.at("#*") {
                    match self.src[self.pos + 2..].find("*#") {
                        Some(e) => self.pos = self.pos + 2 + e + 2,
                        None => return Err(self.err(start, "block comment #* is not closed by *#")),
                    }
                    continue;
                }
                if self.at("#[[") {
                    match self.src[self.pos + 3..].find("]]#") {
                        Some(e) => {
                            text.push_str(&self.src[self.pos + 3..self.pos + 3 + e]);
                            self.pos = self.pos + 3 + e + 3;
                        }
                        None => {
                            return Err(self.err(start, "unparsed block #[[ is not closed by ]]#"))
                        }
                    }
                    continue;
                }
                let (name, braced) = self.directive_name();
                let Some(name) = name else {
                    text.push('#');
                    self.pos += 1;
                    continue;
                };
                let handled = match name.as_str() {
                    "set" | "if" | "elseif" | "foreach" => self.peek_paren(),
                    "else" | "end" | "break" | "stop" => true,
                    "macro" | "define" | "include" | "parse" | "evaluate" => {
                        if self.peek_paren() {
                            return Err(self.err(
                                start,
                                format!(
                                    "#{name} is not supported in API Gateway mapping templates"
                                ),
                            ));
                        }
                        false
                    }
                    _ => false,
                };
                if !handled {
                    text.push('#');
                    self.pos = start + 1;
                    continue;
                }
                let _ = braced;
                Self::trim_indent(&mut out, &mut text, blank_before);
                match name.as_str() {
                    "set" => {
                        self.expect_open()?;
                        self.skip_ws();
                        if self.peek() != Some(b'$') {
                            return Err(self.err(
                                self.pos,
                                "#set needs a reference on the left, as in #set($x = 1)",
                            ));
                        }
                        let target = match self.try_reference()? {
                            Some(r) => r,
                            None => {
                                return Err(self.err(
                                    self.pos,
                                    "#set needs a reference on the left, as in #set($x = 1)",
                                ))
                            }
                        };
                        self.skip_ws();
                        if self.peek() != Some(b'=') {
                            return Err(self.err(self.pos, "expected `=` in #set"));
                        }
                        self.pos += 1;
                        let value = self.expr()?;
                        self.expect_close("#set")?;
                        out.push(Node::Set {
                            target,
                            value,
                            start,
                        });
                        if blank_before {
                            self.gobble_newline();
                        }
                    }
                    "if" => {
                        self.expect_open()?;
                        let mut cond = self.expr()?;
                        self.expect_close("#if")?;
                        if blank_before {
                            self.gobble_newline();
                        }
                        let mut branches = Vec::new();
                        let mut otherwise = None;
                        loop {
                            let (body, end) = self.parse_block()?;
                            match end {
                                BlockEnd::Eof => {
                                    return Err(self.err(start, "#if is not closed by #end"))
                                }
                                BlockEnd::End => {
                                    branches.push((cond, body));
                                    break;
                                }
                                BlockEnd::ElseIf(next) => {
                                    branches.push((cond, body));
                                    cond = next;
                                }
                                BlockEnd::Else => {
                                    branches.push((cond, body));
                                    let (body, end) = self.parse_block()?;
                                    match end {
                                        BlockEnd::End => {
                                            otherwise = Some(body);
                                            break;
                                        }
                                        BlockEnd::Eof => {
                                            return Err(self.err(start, "#if is not closed by #end"))
                                        }
                                        _ => {
                                            return Err(self.err(
                                                self.pos,
                                                "#else must be the last branch of #if",
                                            ))
                                        }
                                    }
                                }
                            }
                        }
                        out.push(Node::If {
                            branches,
                            otherwise,
                        });
                    }
                    "foreach" => {
                        self.expect_open()?;
                        self.skip_ws();
                        if self.peek() != Some(b'$') {
                            return Err(self.err(
                                self.pos,
                                "#foreach needs a loop variable, as in #foreach($item in $list)",
                            ));
                        }
                        self.pos += 1;
                        let vstart = self.pos;
                        while self.peek().is_some_and(ident_part) {
                            self.pos += 1;
                        }
                        let var = self.src[vstart..self.pos].to_string();
                        self.skip_ws();
                        if !self.at("in") {
                            return Err(self.err(self.pos, "expected `in` in #foreach"));
                        }
                        self.pos += 2;
                        let iterable = self.expr()?;
                        self.expect_close("#foreach")?;
                        if blank_before {
                            self.gobble_newline();
                        }
                        let (body, end) = self.parse_block()?;
                        match end {
                            BlockEnd::End => {}
                            BlockEnd::Eof => {
                                return Err(self.err(start, "#foreach is not closed by #end"))
                            }
                            _ => {
                                return Err(self.err(self.pos, "#else inside #foreach without #if"))
                            }
                        }
                        out.push(Node::Foreach {
                            var,
                            iterable,
                            body,
                            start,
                        });
                    }
                    "elseif" => {
                        self.expect_open()?;
                        let cond = self.expr()?;
                        self.expect_close("#elseif")?;
                        if blank_before {
                            self.gobble_newline();
                        }
                        self.depth -= 1;
                        return Ok((out, BlockEnd::ElseIf(cond)));
                    }
                    "else" | "end" => {
                        if blank_before {
                            self.gobble_newline();
                        }
                        self.depth -= 1;
                        return Ok((
                            out,
                            if name == "else" {
                                BlockEnd::Else
                            } else {
                                BlockEnd::End
                            },
                        ));
                    }
                    "break" => {
                        out.push(Node::Break);
                        if blank_before {
                            self.gobble_newline();
                        }
                    }
                    _ => {
                        out.push(Node::Stop);
                        if blank_before {
                            self.gobble_newline();
                        }
                    }
                }
                continue;
            }
            // Plain text up to the next special character.
            let next = self.src[self.pos..]
                .find(['$', '#', '\\'])
                .map(|i| self.pos + i)
                .unwrap_or(self.b.len());
            let next = if next == self.pos { self.pos + 1 } else { next };
            let next = next.min(self.b.len());
            // Never split a UTF-8 character.
            let mut end = next;
            while end < self.b.len() && !self.src.is_char_boundary(end) {
                end += 1;
            }
            text.push_str(&self.src[self.pos..end]);
            self.pos = end;
        }
        if !text.is_empty() {
            out.push(Node::Text(text));
        }
        self.depth -= 1;
        Ok((out, BlockEnd::Eof))
    }

    /// Reads `#name` or `#{name}`; leaves pos after the name. Returns None if not a word.
    fn directive_name(&mut self) -> (Option<String>, bool) {
        let start = self.pos;
        let mut i = self.pos + 1;
        let braced = self.b.get(i) == Some(&b'{');
        if braced {
            i += 1;
        }
        let ns = i;
        while i < self.b.len() && self.b[i].is_ascii_alphabetic() {
            i += 1;
        }
        if i == ns {
            return (None, false);
        }
        let name = self.src[ns..i].to_string();
        if braced {
            if self.b.get(i) != Some(&b'}') {
                self.pos = start;
                return (None, false);
            }
            i += 1;
        }
        self.pos = i;
        (Some(name), braced)
    }

    fn peek_paren(&self) -> bool {
        let mut i = self.pos;
        while i < self.b.len() && (self.b[i] == b' ' || self.b[i] == b'\t') {
            i += 1;
        }
        self.b.get(i) == Some(&b'(')
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(|c| c.is_ascii_whitespace()) {
            self.pos += 1;
        }
    }

    fn expect_open(&mut self) -> Result<(), VtlError> {
        self.skip_ws();
        if self.peek() != Some(b'(') {
            return Err(self.err(self.pos, "expected `(`"));
        }
        self.pos += 1;
        Ok(())
    }

    fn expect_close(&mut self, what: &str) -> Result<(), VtlError> {
        self.skip_ws();
        if self.peek() != Some(b')') {
            return Err(self.err(self.pos, format!("expected `)` to close {what}")));
        }
        self.pos += 1;
        Ok(())
    }

    /// Parses `$name...`, `$!name`, `${name...}`, `$!{...}` at pos; None if `$` starts no reference.
    fn try_reference(&mut self) -> Result<Option<Reference>, VtlError> {
        let start = self.pos;
        let mut i = self.pos + 1;
        let quiet = self.b.get(i) == Some(&b'!');
        if quiet {
            i += 1;
        }
        let braced = self.b.get(i) == Some(&b'{');
        if braced {
            i += 1;
        }
        if !self.b.get(i).copied().is_some_and(ident_start) {
            return Ok(None);
        }
        let ns = i;
        while i < self.b.len() && ident_part(self.b[i]) {
            i += 1;
        }
        let name = self.src[ns..i].to_string();
        self.pos = i;
        let steps = self.steps()?;
        if braced {
            if self.peek() != Some(b'}') {
                return Err(self.err(self.pos, "expected `}` to close ${...}"));
            }
            self.pos += 1;
        }
        Ok(Some(Reference {
            name,
            steps,
            quiet,
            start,
            end: self.pos,
        }))
    }

    fn steps(&mut self) -> Result<Vec<Step>, VtlError> {
        let mut steps = Vec::new();
        loop {
            if self.peek() == Some(b'.')
                && self.b.get(self.pos + 1).copied().is_some_and(ident_start)
            {
                let mut i = self.pos + 1;
                let ns = i;
                while i < self.b.len() && ident_part(self.b[i]) {
                    i += 1;
                }
                let name = self.src[ns..i].to_string();
                self.pos = i;
                if self.peek() == Some(b'(') {
                    self.pos += 1;
                    let args = self.args(b')')?;
                    steps.push(Step::Call(name, args));
                } else {
                    steps.push(Step::Prop(name));
                }
            } else if self.peek() == Some(b'[') {
                self.pos += 1;
                self.enter()?;
                let e = self.expr()?;
                self.depth -= 1;
                self.skip_ws();
                if self.peek() != Some(b']') {
                    return Err(self.err(self.pos, "expected `]`"));
                }
                self.pos += 1;
                steps.push(Step::Index(e));
            } else {
                break;
            }
            if steps.len() > 256 {
                return Err(self.err(self.pos, "reference chain is too long"));
            }
        }
        Ok(steps)
    }

    fn enter(&mut self) -> Result<(), VtlError> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(self.err(
                self.pos,
                format!("expressions nest deeper than {MAX_NESTING} levels"),
            ));
        }
        Ok(())
    }

    fn args(&mut self, close: u8) -> Result<Vec<Expr>, VtlError> {
        self.enter()?;
        let mut args = Vec::new();
        self.skip_ws();
        if self.peek() == Some(close) {
            self.pos += 1;
            self.depth -= 1;
            return Ok(args);
        }
        loop {
            args.push(self.expr()?);
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(c) if c == close => {
                    self.pos += 1;
                    break;
                }
                _ => return Err(self.err(self.pos, format!("expected `,` or `{}`", close as char))),
            }
        }
        self.depth -= 1;
        Ok(args)
    }

    /// Parses one expression at the current position.
    pub fn expr(&mut self) -> Result<Expr, VtlError> {
        self.enter()?;
        let e = self.or_expr();
        self.depth -= 1;
        e
    }

    fn word(&self, w: &str) -> bool {
        self.at(w)
            && !self
                .b
                .get(self.pos + w.len())
                .copied()
                .is_some_and(|c| c.is_ascii_alphanumeric())
    }

    fn or_expr(&mut self) -> Result<Expr, VtlError> {
        let mut l = self.and_expr()?;
        loop {
            self.skip_ws();
            if self.at("||") || self.word("or") {
                self.pos += 2;
            } else {
                return Ok(l);
            }
            let r = self.and_expr()?;
            l = Expr::Binary(BinOp::Or, Box::new(l), Box::new(r));
        }
    }

    fn and_expr(&mut self) -> Result<Expr, VtlError> {
        let mut l = self.cmp_expr()?;
        loop {
            self.skip_ws();
            if self.at("&&") {
                self.pos += 2;
            } else if self.word("and") {
                self.pos += 3;
            } else {
                return Ok(l);
            }
            let r = self.cmp_expr()?;
            l = Expr::Binary(BinOp::And, Box::new(l), Box::new(r));
        }
    }

    fn cmp_expr(&mut self) -> Result<Expr, VtlError> {
        let l = self.add_expr()?;
        self.skip_ws();
        let ops: [(&str, BinOp); 12] = [
            ("==", BinOp::Eq),
            ("!=", BinOp::Ne),
            ("<=", BinOp::Le),
            (">=", BinOp::Ge),
            ("<", BinOp::Lt),
            (">", BinOp::Gt),
            ("eq", BinOp::Eq),
            ("ne", BinOp::Ne),
            ("le", BinOp::Le),
            ("ge", BinOp::Ge),
            ("lt", BinOp::Lt),
            ("gt", BinOp::Gt),
        ];
        for (s, op) in ops {
            let is_word = s.as_bytes()[0].is_ascii_alphabetic();
            if (is_word && self.word(s)) || (!is_word && self.at(s)) {
                self.pos += s.len();
                let r = self.add_expr()?;
                return Ok(Expr::Binary(op, Box::new(l), Box::new(r)));
            }
        }
        Ok(l)
    }

    fn add_expr(&mut self) -> Result<Expr, VtlError> {
        let mut l = self.mul_expr()?;
        loop {
            self.skip_ws();
            let op = match self.peek() {
                Some(b'+') => BinOp::Add,
                Some(b'-') => BinOp::Sub,
                _ => return Ok(l),
            };
            self.pos += 1;
            let r = self.mul_expr()?;
            l = Expr::Binary(op, Box::new(l), Box::new(r));
        }
    }

    fn mul_expr(&mut self) -> Result<Expr, VtlError> {
        let mut l = self.unary()?;
        loop {
            self.skip_ws();
            let op = match self.peek() {
                Some(b'*') => BinOp::Mul,
                Some(b'/') => BinOp::Div,
                Some(b'%') => BinOp::Mod,
                _ => return Ok(l),
            };
            self.pos += 1;
            let r = self.unary()?;
            l = Expr::Binary(op, Box::new(l), Box::new(r));
        }
    }

    fn unary(&mut self) -> Result<Expr, VtlError> {
        self.skip_ws();
        if self.peek() == Some(b'!') && self.b.get(self.pos + 1) != Some(&b'=') {
            self.pos += 1;
            self.enter()?;
            let e = self.unary()?;
            self.depth -= 1;
            return Ok(Expr::Unary(UnOp::Not, Box::new(e)));
        }
        if self.word("not") {
            self.pos += 3;
            self.enter()?;
            let e = self.unary()?;
            self.depth -= 1;
            return Ok(Expr::Unary(UnOp::Not, Box::new(e)));
        }
        if self.peek() == Some(b'-')
            && !self.b.get(self.pos + 1).is_some_and(|c| c.is_ascii_digit())
        {
            self.pos += 1;
            self.enter()?;
            let e = self.unary()?;
            self.depth -= 1;
            return Ok(Expr::Unary(UnOp::Neg, Box::new(e)));
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Expr, VtlError> {
        self.skip_ws();
        let start = self.pos;
        match self.peek() {
            None => Err(self.err(start, "expected a value, found the end of the template")),
            Some(b'$') => match self.try_reference()? {
                Some(r) => Ok(Expr::Ref(r)),
                None => Err(self.err(start, "expected a reference after `$`")),
            },
            Some(b'"') => {
                let end = self.src[start + 1..]
                    .find('"')
                    .map(|e| start + 1 + e)
                    .ok_or_else(|| self.err(start, "string is not closed by `\"`"))?;
                let inner = &self.src[start + 1..end];
                let nodes = if inner.contains('$') || inner.contains('#') {
                    let mut p = Parser::new(inner);
                    p.depth = self.depth;
                    p.parse_template()
                        .map_err(|e| self.err(start + 1 + e.offset, e.message))?
                } else {
                    vec![Node::Text(inner.to_string())]
                };
                self.pos = end + 1;
                Ok(Expr::Interp(nodes))
            }
            Some(b'\'') => {
                let end = self.src[start + 1..]
                    .find('\'')
                    .map(|e| start + 1 + e)
                    .ok_or_else(|| self.err(start, "string is not closed by `'`"))?;
                let s = self.src[start + 1..end].to_string();
                self.pos = end + 1;
                Ok(Expr::Str(s))
            }
            Some(b'(') => {
                self.pos += 1;
                let e = self.expr()?;
                self.expect_close("the parenthesis")?;
                Ok(e)
            }
            Some(b'[') => {
                self.pos += 1;
                self.enter()?;
                self.skip_ws();
                if self.peek() == Some(b']') {
                    self.pos += 1;
                    self.depth -= 1;
                    return Ok(Expr::List(Vec::new()));
                }
                let first = self.expr()?;
                self.skip_ws();
                if self.at("..") {
                    self.pos += 2;
                    let last = self.expr()?;
                    self.skip_ws();
                    if self.peek() != Some(b']') {
                        return Err(self.err(self.pos, "expected `]` to close the range"));
                    }
                    self.pos += 1;
                    self.depth -= 1;
                    return Ok(Expr::Range(Box::new(first), Box::new(last)));
                }
                let mut items = vec![first];
                loop {
                    self.skip_ws();
                    match self.peek() {
                        Some(b',') => {
                            self.pos += 1;
                            items.push(self.expr()?);
                        }
                        Some(b']') => {
                            self.pos += 1;
                            break;
                        }
                        _ => return Err(self.err(self.pos, "expected `,` or `]` in the list")),
                    }
                }
                self.depth -= 1;
                Ok(Expr::List(items))
            }
            Some(b'{') => {
                self.pos += 1;
                self.enter()?;
                let mut entries = Vec::new();
                self.skip_ws();
                if self.peek() == Some(b'}') {
                    self.pos += 1;
                    self.depth -= 1;
                    return Ok(Expr::Map(entries));
                }
                loop {
                    let k = self.expr()?;
                    self.skip_ws();
                    if self.peek() != Some(b':') {
                        return Err(self.err(self.pos, "expected `:` in the map"));
                    }
                    self.pos += 1;
                    let v = self.expr()?;
                    entries.push((k, v));
                    self.skip_ws();
                    match self.peek() {
                        Some(b',') => self.pos += 1,
                        Some(b'}') => {
                            self.pos += 1;
                            break;
                        }
                        _ => return Err(self.err(self.pos, "expected `,` or `}` in the map")),
                    }
                }
                self.depth -= 1;
                Ok(Expr::Map(entries))
            }
            Some(c) if c.is_ascii_digit() || c == b'-' => {
                let mut i = start + 1;
                while i < self.b.len() && self.b[i].is_ascii_digit() {
                    i += 1;
                }
                let mut float = false;
                if self.b.get(i) == Some(&b'.')
                    && self.b.get(i + 1).is_some_and(|c| c.is_ascii_digit())
                {
                    float = true;
                    i += 1;
                    while i < self.b.len() && self.b[i].is_ascii_digit() {
                        i += 1;
                    }
                }
                let text = &self.src[start..i];
                self.pos = i;
                if float {
                    text.parse()
                        .map(Expr::Float)
                        .map_err(|_| self.err(start, "invalid number"))
                } else {
                    text.parse()
                        .map(Expr::Int)
                        .map_err(|_| self.err(start, "integer out of range"))
                }
            }
            Some(_) => {
                for (w, e) in [
                    ("true", Expr::Bool(true)),
                    ("false", Expr::Bool(false)),
                    ("null", Expr::Null),
                ] {
                    if self.word(w) {
                        self.pos += w.len();
                        return Ok(e);
                    }
                }
                let c = self.src[start..].chars().next().unwrap_or(' ');
                Err(self.err(start, format!("unexpected `{c}` in an expression")))
            }
        }
    }
}
