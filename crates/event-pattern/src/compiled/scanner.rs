//! A byte scanner over JSON text: strict enough to refuse malformed input (everything
//! `Json::parse` refuses), fast enough to skip the parts of an event no pattern mentions.

/// A byte scanner over JSON text: strict enough to refuse malformed input, fast enough to skip.
pub(crate) struct Scanner<'a> {
    pub(crate) b: &'a [u8],
    pub(crate) src: &'a str,
    pub(crate) i: usize,
}

impl<'a> Scanner<'a> {
    #[inline(always)]
    pub(crate) fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    #[inline(always)]
    pub(crate) fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.i += 1;
        }
    }

    /// Skips one value that no pattern mentions, checking its structure as it goes.
    pub(crate) fn skip_value(&mut self, depth: usize) -> Result<(), ()> {
        if depth > crate::json::MAX_EVENT_DEPTH {
            return Err(());
        }
        match self.peek().ok_or(())? {
            b'"' => self.skip_string(),
            b'{' => {
                self.i += 1;
                self.ws();
                if self.peek() == Some(b'}') {
                    self.i += 1;
                    return Ok(());
                }
                loop {
                    self.ws();
                    self.skip_string()?;
                    self.ws();
                    if self.peek() != Some(b':') {
                        return Err(());
                    }
                    self.i += 1;
                    self.ws();
                    self.skip_value(depth + 1)?;
                    self.ws();
                    match self.peek() {
                        Some(b',') => self.i += 1,
                        Some(b'}') => {
                            self.i += 1;
                            return Ok(());
                        }
                        _ => return Err(()),
                    }
                }
            }
            b'[' => {
                self.i += 1;
                self.ws();
                if self.peek() == Some(b']') {
                    self.i += 1;
                    return Ok(());
                }
                loop {
                    self.ws();
                    self.skip_value(depth + 1)?;
                    self.ws();
                    match self.peek() {
                        Some(b',') => self.i += 1,
                        Some(b']') => {
                            self.i += 1;
                            return Ok(());
                        }
                        _ => return Err(()),
                    }
                }
            }
            b't' | b'f' | b'n' => {
                for lit in [&b"true"[..], b"false", b"null"] {
                    if self.b[self.i..].starts_with(lit) {
                        self.i += lit.len();
                        return Ok(());
                    }
                }
                Err(())
            }
            _ => self.number().map(|_| ()),
        }
    }

    /// Skips a string, checking escapes and control characters.
    #[inline]
    pub(crate) fn skip_string(&mut self) -> Result<(), ()> {
        if self.peek() != Some(b'"') {
            return Err(());
        }
        let mut j = self.i + 1;
        let b = self.b;
        while j < b.len() {
            match b[j] {
                b'"' => {
                    self.i = j + 1;
                    return Ok(());
                }
                b'\\' => match b.get(j + 1) {
                    Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => j += 2,
                    Some(b'u')
                        if b.get(j + 2..j + 6)
                            .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)) =>
                    {
                        j += 6
                    }
                    _ => return Err(()),
                },
                c if c < 0x20 => return Err(()),
                _ => j += 1,
            }
        }
        Err(())
    }

    /// A string at `i` (on its opening quote): borrowed when it has no escapes.
    pub(crate) fn string(&mut self) -> Result<std::borrow::Cow<'a, str>, ()> {
        if self.peek() != Some(b'"') {
            return Err(());
        }
        let start = self.i + 1;
        let mut j = start;
        while j < self.b.len() {
            match self.b[j] {
                b'"' => {
                    self.i = j + 1;
                    return self
                        .src
                        .get(start..j)
                        .map(std::borrow::Cow::Borrowed)
                        .ok_or(());
                }
                b'\\' => break,
                c if c < 0x20 => return Err(()),
                _ => j += 1,
            }
        }
        // Escapes: let the strict tokenizer decode this one string.
        let mut t = crate::jackson::Tokenizer::new(&self.src[self.i..]);
        match t.next_token() {
            Ok(crate::jackson::Token::String) => {
                let text = t.text().map_err(|_| ())?;
                self.i += t.offset();
                Ok(std::borrow::Cow::Owned(text))
            }
            _ => Err(()),
        }
    }

    pub(crate) fn number(&mut self) -> Result<&'a str, ()> {
        let start = self.i;
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        let digits = self.i;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.i += 1;
        }
        if self.i == digits || (self.i - digits > 1 && self.b[digits] == b'0') {
            return Err(());
        }
        if self.peek() == Some(b'.') {
            self.i += 1;
            let f = self.i;
            while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                self.i += 1;
            }
            if self.i == f {
                return Err(());
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.i += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.i += 1;
            }
            let e = self.i;
            while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                self.i += 1;
            }
            if self.i == e {
                return Err(());
            }
        }
        self.src.get(start..self.i).ok_or(())
    }
}
