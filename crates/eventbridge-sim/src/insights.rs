//! A CloudWatch Logs Insights subset: `fields`, `filter` (`=`, `!=`, `<`, `>`, `like`, `and`,
//! `or`, `not`, parentheses), `sort`, `limit`, over a log group whose messages are JSON events.
//!
//! ```
//! use eventbridge_sim::insights::Query;
//! let q = Query::parse("fields @timestamp, `detail-type` | filter detail.state = \"passed\" | sort @timestamp desc | limit 5").unwrap();
//! assert_eq!(q.limit, Some(5));
//! ```

use serde::Serialize;

use crate::world::LogGroup;
use event_pattern::{Json, JsonValue};

/// Queries longer than this are rejected.
pub const MAX_QUERY_CHARS: usize = 10_000;
/// Insights returns at most this many rows.
pub const MAX_ROWS: usize = 10_000;

/// A value a filter compares with.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Literal {
    /// A quoted string.
    Str(String),
    /// A number.
    Num(f64),
    /// A `/regex/` (with `like`).
    Regex(String),
}

/// A `filter` condition.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Cond {
    /// `field op value`.
    Cmp {
        /// The field: `@timestamp`, `@message` or a dotted path in the JSON message.
        field: String,
        /// `=`, `!=`, `<`, `>` or `like`.
        op: String,
        /// What the field is compared with.
        value: Literal,
    },
    /// Both.
    And(Box<Cond>, Box<Cond>),
    /// Either.
    Or(Box<Cond>, Box<Cond>),
    /// The opposite.
    Not(Box<Cond>),
}

/// A parsed query.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct Query {
    /// The `fields` to show (all of `@timestamp` and `@message` when none).
    pub fields: Vec<String>,
    /// Every `filter`; a row must pass them all.
    pub filters: Vec<Cond>,
    /// `sort field [asc|desc]`: the field, and whether descending.
    pub sort: Option<(String, bool)>,
    /// `limit n`.
    pub limit: Option<usize>,
}

/// A query error with the byte offset it concerns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QueryError {
    /// What is wrong.
    pub message: String,
    /// Byte offset in the query.
    pub offset: usize,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    Field(String),
    Str(String),
    Num(f64),
    Regex(String),
    Sym(String),
}

fn tokenize(q: &str) -> Result<Vec<(Tok, usize)>, QueryError> {
    let b = q.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let err = |offset: usize, m: &str| QueryError {
        message: m.into(),
        offset,
    };
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        match c {
            b'`' => {
                let end = q[i + 1..]
                    .find('`')
                    .map(|e| i + 1 + e)
                    .ok_or_else(|| err(i, "backtick is not closed"))?;
                out.push((Tok::Field(q[i + 1..end].to_string()), start));
                i = end + 1;
            }
            b'"' | b'\'' => {
                let end = q[i + 1..]
                    .find(c as char)
                    .map(|e| i + 1 + e)
                    .ok_or_else(|| err(i, "string is not closed"))?;
                out.push((Tok::Str(q[i + 1..end].to_string()), start));
                i = end + 1;
            }
            b'/' => {
                let end = q[i + 1..]
                    .find('/')
                    .map(|e| i + 1 + e)
                    .ok_or_else(|| err(i, "regular expression is not closed by /"))?;
                out.push((Tok::Regex(q[i + 1..end].to_string()), start));
                i = end + 1;
            }
            b'|' | b',' | b'(' | b')' | b'*' => {
                out.push((Tok::Sym((c as char).to_string()), start));
                i += 1;
            }
            b'=' | b'!' | b'<' | b'>' => {
                let two = q.get(i..i + 2).unwrap_or("");
                let op = if matches!(two, "!=" | "<=" | ">=" | "==") {
                    two
                } else {
                    &q[i..i + 1]
                };
                if op == "!" {
                    return Err(err(i, "expected != "));
                }
                out.push((
                    Tok::Sym(if op == "==" {
                        "=".into()
                    } else {
                        op.to_string()
                    }),
                    start,
                ));
                i += op.len();
            }
            c if c.is_ascii_digit()
                || (c == b'-' && b.get(i + 1).is_some_and(u8::is_ascii_digit)) =>
            {
                i += 1;
                while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'.') {
                    i += 1;
                }
                let n = q[start..i]
                    .parse()
                    .map_err(|_| err(start, "invalid number"))?;
                out.push((Tok::Num(n), start));
            }
            c if c.is_ascii_alphanumeric() || c == b'@' || c == b'_' || c == b'.' || c == b'-' => {
                while i < b.len()
                    && (b[i].is_ascii_alphanumeric() || matches!(b[i], b'@' | b'_' | b'.' | b'-'))
                {
                    i += 1;
                }
                out.push((Tok::Word(q[start..i].to_string()), start));
            }
            _ => return Err(err(i, "unexpected character")),
        }
    }
    Ok(out)
}

struct P {
    toks: Vec<(Tok, usize)>,
    i: usize,
    len: usize,
    depth: usize,
}

impl P {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.i).map(|t| &t.0)
    }
    fn off(&self) -> usize {
        self.toks.get(self.i).map(|t| t.1).unwrap_or(self.len)
    }
    fn err(&self, m: impl Into<String>) -> QueryError {
        QueryError {
            message: m.into(),
            offset: self.off(),
        }
    }
    fn sym(&self, s: &str) -> bool {
        matches!(self.peek(), Some(Tok::Sym(x)) if x == s)
    }
    fn word(&self, w: &str) -> bool {
        matches!(self.peek(), Some(Tok::Word(x)) if x.eq_ignore_ascii_case(w))
    }
    fn field(&mut self) -> Result<String, QueryError> {
        match self.peek().cloned() {
            Some(Tok::Word(w)) | Some(Tok::Field(w)) => {
                self.i += 1;
                Ok(w)
            }
            _ => Err(self.err("expected a field name")),
        }
    }
    fn cond(&mut self) -> Result<Cond, QueryError> {
        self.depth += 1;
        if self.depth > 32 {
            return Err(self.err("the filter nests too deeply"));
        }
        let mut l = self.and_cond()?;
        while self.word("or") {
            self.i += 1;
            let r = self.and_cond()?;
            l = Cond::Or(Box::new(l), Box::new(r));
        }
        self.depth -= 1;
        Ok(l)
    }
    fn and_cond(&mut self) -> Result<Cond, QueryError> {
        let mut l = self.unary()?;
        while self.word("and") {
            self.i += 1;
            let r = self.unary()?;
            l = Cond::And(Box::new(l), Box::new(r));
        }
        Ok(l)
    }
    fn unary(&mut self) -> Result<Cond, QueryError> {
        if self.word("not") {
            self.i += 1;
            self.depth += 1;
            if self.depth > 32 {
                return Err(self.err("the filter nests too deeply"));
            }
            let c = self.unary()?;
            self.depth -= 1;
            return Ok(Cond::Not(Box::new(c)));
        }
        if self.sym("(") {
            self.i += 1;
            let c = self.cond()?;
            if !self.sym(")") {
                return Err(self.err("expected )"));
            }
            self.i += 1;
            return Ok(c);
        }
        let field = self.field()?;
        let op = match self.peek().cloned() {
            Some(Tok::Sym(s)) if matches!(s.as_str(), "=" | "!=" | "<" | ">" | "<=" | ">=") => s,
            Some(Tok::Word(w)) if w.eq_ignore_ascii_case("like") => "like".into(),
            _ => return Err(self.err("expected =, !=, <, >, <=, >= or like")),
        };
        self.i += 1;
        let value = match self.peek().cloned() {
            Some(Tok::Str(s)) => Literal::Str(s),
            Some(Tok::Num(n)) => Literal::Num(n),
            Some(Tok::Regex(r)) if op == "like" => Literal::Regex(r),
            _ => return Err(self.err("expected a quoted string or a number")),
        };
        self.i += 1;
        Ok(Cond::Cmp { field, op, value })
    }
}

impl Query {
    /// Parses a query of at most [`MAX_QUERY_CHARS`] characters.
    pub fn parse(q: &str) -> Result<Query, QueryError> {
        if q.len() > MAX_QUERY_CHARS {
            return Err(QueryError {
                message: format!("a query may have at most {MAX_QUERY_CHARS} characters"),
                offset: MAX_QUERY_CHARS,
            });
        }
        let mut p = P {
            toks: tokenize(q)?,
            i: 0,
            len: q.len(),
            depth: 0,
        };
        let mut query = Query::default();
        loop {
            if p.peek().is_none() {
                break;
            }
            let cmd = match p.peek().cloned() {
                Some(Tok::Word(w)) => w.to_lowercase(),
                _ => return Err(p.err("expected a command: fields, filter, sort or limit")),
            };
            p.i += 1;
            match cmd.as_str() {
                "fields" | "display" => loop {
                    query.fields.push(p.field()?);
                    if p.sym(",") {
                        p.i += 1;
                    } else {
                        break;
                    }
                },
                "filter" => query.filters.push(p.cond()?),
                "sort" => {
                    let f = p.field()?;
                    let desc = if p.word("desc") {
                        p.i += 1;
                        true
                    } else {
                        if p.word("asc") {
                            p.i += 1;
                        }
                        false
                    };
                    query.sort = Some((f, desc));
                }
                "limit" => match p.peek().cloned() {
                    Some(Tok::Num(n)) if n >= 1.0 && n.fract() == 0.0 => {
                        p.i += 1;
                        query.limit = Some((n as usize).min(MAX_ROWS));
                    }
                    _ => return Err(p.err("limit takes a whole number from 1 to 10000")),
                },
                other => {
                    p.i -= 1;
                    return Err(p.err(format!(
                        "unsupported command `{other}`: use fields, filter, sort or limit"
                    )));
                }
            }
            if p.peek().is_none() {
                break;
            }
            if !p.sym("|") {
                return Err(p.err("expected | between commands"));
            }
            p.i += 1;
        }
        Ok(query)
    }

    /// Runs the query over a log group; rows hold the requested fields as text.
    pub fn run(&self, group: &LogGroup) -> Vec<Vec<(String, String)>> {
        let mut rows: Vec<(i64, String, String, Option<Json>)> = group
            .streams
            .iter()
            .flat_map(|(s, evs)| {
                evs.iter().map(move |e| {
                    (
                        e.timestamp,
                        s.clone(),
                        e.message.clone(),
                        Json::parse(&e.message).ok(),
                    )
                })
            })
            .collect();
        let value = |row: &(i64, String, String, Option<Json>), f: &str| -> Option<Json> {
            match f {
                "@timestamp" => Json::parse(&row.0.to_string()).ok(),
                "@message" => Some(Json {
                    value: JsonValue::String(row.2.clone()),
                    span: Default::default(),
                }),
                "@logStream" => Some(Json {
                    value: JsonValue::String(row.1.clone()),
                    span: Default::default(),
                }),
                path => {
                    let mut cur = row.3.as_ref()?;
                    for part in path.split('.') {
                        cur = cur.get(part)?;
                    }
                    Some(cur.clone())
                }
            }
        };
        rows.retain(|r| self.filters.iter().all(|c| eval(c, &|f| value(r, f))));
        if let Some((f, desc)) = &self.sort {
            rows.sort_by(|a, b| {
                let (x, y) = (value(a, f), value(b, f));
                let ord = match (x.as_ref().map(|v| &v.value), y.as_ref().map(|v| &v.value)) {
                    (Some(JsonValue::Number(_, p)), Some(JsonValue::Number(_, q))) => {
                        p.partial_cmp(q).unwrap_or(std::cmp::Ordering::Equal)
                    }
                    _ => text(x.as_ref()).cmp(&text(y.as_ref())),
                };
                if *desc {
                    ord.reverse()
                } else {
                    ord
                }
            });
        }
        rows.truncate(self.limit.unwrap_or(MAX_ROWS));
        let fields = if self.fields.is_empty() {
            vec!["@timestamp".to_string(), "@message".to_string()]
        } else {
            self.fields.clone()
        };
        rows.iter()
            .map(|r| {
                fields
                    .iter()
                    .map(|f| match f.as_str() {
                        // Filters and sorts see milliseconds; the results show a date.
                        "@timestamp" => (f.clone(), shown_timestamp(r.0)),
                        _ => (f.clone(), text(value(r, f).as_ref())),
                    })
                    .collect()
            })
            .collect()
    }
}

/// `@timestamp` as GetQueryResults gives it: `YYYY-MM-DD hh:mm:ss.mmm`, UTC.
fn shown_timestamp(epoch_ms: i64) -> String {
    let c = crate::putevents::Civil::of(epoch_ms.div_euclid(1000));
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}.{:03}",
        c.year,
        c.month,
        c.day,
        c.hour,
        c.minute,
        c.second,
        epoch_ms.rem_euclid(1000)
    )
}

fn text(v: Option<&Json>) -> String {
    match v.map(|v| &v.value) {
        None => String::new(),
        Some(JsonValue::String(s)) => s.clone(),
        Some(_) => v.map(|v| v.to_compact()).unwrap_or_default(),
    }
}

fn eval(c: &Cond, value: &dyn Fn(&str) -> Option<Json>) -> bool {
    match c {
        Cond::And(a, b) => eval(a, value) && eval(b, value),
        Cond::Or(a, b) => eval(a, value) || eval(b, value),
        Cond::Not(a) => !eval(a, value),
        Cond::Cmp {
            field,
            op,
            value: lit,
        } => {
            let v = value(field);
            let t = text(v.as_ref());
            let num = match v.as_ref().map(|v| &v.value) {
                Some(JsonValue::Number(_, n)) => Some(*n),
                _ => t.parse::<f64>().ok(),
            };
            match (op.as_str(), lit) {
                ("like", Literal::Str(s)) => t.contains(s.as_str()),
                ("like", Literal::Regex(r)) => {
                    regex_lite::Regex::new(r).is_ok_and(|re| re.is_match(&t))
                }
                ("=", Literal::Str(s)) => v.is_some() && t == *s,
                ("!=", Literal::Str(s)) => t != *s,
                ("=", Literal::Num(n)) => num == Some(*n),
                ("!=", Literal::Num(n)) => num != Some(*n),
                ("<", Literal::Num(n)) => num.is_some_and(|x| x < *n),
                (">", Literal::Num(n)) => num.is_some_and(|x| x > *n),
                ("<=", Literal::Num(n)) => num.is_some_and(|x| x <= *n),
                (">=", Literal::Num(n)) => num.is_some_and(|x| x >= *n),
                ("<", Literal::Str(s)) => t.as_str() < s.as_str(),
                (">", Literal::Str(s)) => t.as_str() > s.as_str(),
                _ => false,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::LogEvent;

    fn group() -> LogGroup {
        let mut g = LogGroup::default();
        for (i, (dt, state)) in [
            ("Build Started", "started"),
            ("Build Finished", "passed"),
            ("Job Finished", "finished"),
        ]
        .iter()
        .enumerate()
        {
            g.append(
                &format!("s{i}"),
                LogEvent { timestamp: 1000 * i as i64, message: format!(r#"{{"detail-type":"{dt}","detail":{{"build":{{"state":"{state}","number":{i}}}}}}}"#) },
            );
        }
        g
    }

    #[test]
    fn fields_filter_sort_limit() {
        let q = Query::parse("fields @timestamp, `detail-type`, detail.build.state | filter `detail-type` like \"Build\" and detail.build.number >= 0 | sort @timestamp desc | limit 1").unwrap();
        let rows = q.run(&group());
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0][1], ("detail-type".into(), "Build Finished".into()));
        assert_eq!(rows[0][2].1, "passed");
        assert_eq!(
            rows[0][0],
            ("@timestamp".into(), "1970-01-01 00:00:01.000".into())
        );
        let rows =
            Query::parse("filter detail.build.state != 'passed' or not (detail.build.number = 2)")
                .unwrap()
                .run(&group());
        assert_eq!(rows.len(), 3);
        let rows = Query::parse("filter `detail-type` like /^Job/")
            .unwrap()
            .run(&group());
        assert_eq!(rows.len(), 1);
    }

    /// `@timestamp` shows as a date in UTC with milliseconds, as GetQueryResults gives it.
    #[test]
    fn timestamps_show_as_dates() {
        for (ms, shown) in [
            (1_724_044_578_000, "2024-08-19 05:16:18.000"),
            (1_590_305_882_123, "2020-05-24 07:38:02.123"),
            (951_782_400_007, "2000-02-29 00:00:00.007"),
            (-1, "1969-12-31 23:59:59.999"),
        ] {
            assert_eq!(shown_timestamp(ms), shown, "{ms}");
        }
    }

    #[test]
    fn errors_have_positions() {
        let e = Query::parse("fields a | stats count(*)").unwrap_err();
        assert_eq!(e.offset, 11);
        assert!(e.message.contains("unsupported command `stats`"));
        assert_eq!(Query::parse("filter a = ").unwrap_err().offset, 11);
        assert!(Query::parse("filter `a = 1").is_err());
    }
}
