//! The interpreter: renders a syntax tree with API Gateway's `$input`, `$util`, `$context` and
//! `$stageVariables`, within limits.

use std::collections::HashMap;

use super::error::VtlError;
use super::parse::{BinOp, Expr, Node, Reference, Step, UnOp};
use super::value::{Origin, Value};
use crate::jsonpath;
use crate::util;

/// API Gateway's limit on `#foreach` iterations.
pub const MAX_FOREACH_ITERATIONS: usize = 1000;
/// The largest output a template may produce (API Gateway's payload limit).
pub const MAX_OUTPUT_BYTES: usize = 10 * 1024 * 1024;
/// The most evaluation steps one rendering may take.
pub const MAX_STEPS: usize = 2_000_000;
/// The largest list a range `[a..b]` may build.
pub const MAX_RANGE: i64 = 100_000;

/// The request a template sees through `$input`.
#[derive(Debug, Clone, Default)]
pub struct InputData {
    /// The body (`$input.body`, `$input.path`, `$input.json`).
    pub body: String,
    /// `$input.params().path`
    pub path_params: Vec<(String, String)>,
    /// `$input.params().querystring`
    pub query: Vec<(String, String)>,
    /// `$input.params().header`
    pub headers: Vec<(String, String)>,
}

enum Flow {
    Normal,
    Break,
    Stop,
}

/// Everything a rendering reads and writes.
pub struct Env<'a> {
    /// The template text (for error positions).
    pub src: &'a str,
    /// `$input`.
    pub input: InputData,
    /// The template's variables (`#set`).
    pub vars: HashMap<String, Value>,
    /// `$context` (with the overrides a template sets).
    pub context: Value,
    /// `$stageVariables`.
    pub stage_variables: Value,
    steps: usize,
    loop_stack: Vec<Value>,
    pos: usize,
}

impl<'a> Env<'a> {
    /// An environment for rendering the template `src`.
    pub fn new(src: &'a str, input: InputData, context: Value, stage_variables: Value) -> Self {
        Env {
            src,
            input,
            vars: HashMap::new(),
            context,
            stage_variables,
            steps: 0,
            loop_stack: Vec::new(),
            pos: 0,
        }
    }

    fn err(&self, message: impl Into<String>) -> VtlError {
        VtlError::at(self.src, self.pos, message)
    }

    fn tick(&mut self) -> Result<(), VtlError> {
        self.steps += 1;
        if self.steps > MAX_STEPS {
            return Err(self.err(format!("the template took more than {MAX_STEPS} steps; it is stopped to keep the page responsive")));
        }
        Ok(())
    }

    /// Renders nodes into `out`.
    pub fn render(&mut self, nodes: &[Node], out: &mut String) -> Result<(), VtlError> {
        self.render_block(nodes, out).map(|_| ())
    }

    fn push_out(&self, out: &mut String, s: &str) -> Result<(), VtlError> {
        if out.len() + s.len() > MAX_OUTPUT_BYTES {
            return Err(self.err(format!(
                "the output is larger than {MAX_OUTPUT_BYTES} bytes (API Gateway's payload limit)"
            )));
        }
        out.push_str(s);
        Ok(())
    }

    fn render_block(&mut self, nodes: &[Node], out: &mut String) -> Result<Flow, VtlError> {
        for node in nodes {
            self.tick()?;
            match node {
                Node::Text(t) => self.push_out(out, t)?,
                Node::Ref(r) => {
                    self.pos = r.start;
                    let v = self.reference(r)?;
                    let s = v.render();
                    self.push_out(out, &s)?;
                }
                Node::Set {
                    target,
                    value,
                    start,
                } => {
                    self.pos = *start;
                    let v = self.expr(value)?;
                    self.assign(target, v)?;
                }
                Node::If {
                    branches,
                    otherwise,
                } => {
                    let mut taken = None;
                    for (cond, body) in branches {
                        if self.expr(cond)?.truthy() {
                            taken = Some(body);
                            break;
                        }
                    }
                    if let Some(body) = taken.or(otherwise.as_ref()) {
                        match self.render_block(body, out)? {
                            Flow::Normal => {}
                            other => return Ok(other),
                        }
                    }
                }
                Node::Foreach {
                    var,
                    iterable,
                    body,
                    start,
                } => {
                    self.pos = *start;
                    let items: Vec<Value> = match self.expr(iterable)? {
                        Value::List(l, _) => l.borrow().clone(),
                        Value::Map(m, _) => m.borrow().iter().map(|(_, v)| v.clone()).collect(),
                        Value::Null => Vec::new(),
                        other => vec![other],
                    };
                    if items.len() > MAX_FOREACH_ITERATIONS {
                        return Err(self.err(format!(
                            "#foreach would run {} times; API Gateway allows at most {MAX_FOREACH_ITERATIONS} iterations",
                            items.len()
                        )));
                    }
                    let saved = self.vars.get(var).cloned();
                    let n = items.len();
                    let mut flow = Flow::Normal;
                    for (i, item) in items.into_iter().enumerate() {
                        let state = Value::new_map(Origin::Vtl);
                        if let Value::Map(m, _) = &state {
                            Value::map_put(m, "index", Value::Int(i as i64));
                            Value::map_put(m, "count", Value::Int(i as i64 + 1));
                            Value::map_put(m, "hasNext", Value::Bool(i + 1 < n));
                            Value::map_put(m, "first", Value::Bool(i == 0));
                            Value::map_put(m, "last", Value::Bool(i + 1 == n));
                        }
                        self.loop_stack.push(state);
                        self.vars.insert(var.clone(), item);
                        let f = self.render_block(body, out);
                        self.loop_stack.pop();
                        match f? {
                            Flow::Normal => {}
                            Flow::Break => break,
                            Flow::Stop => {
                                flow = Flow::Stop;
                                break;
                            }
                        }
                    }
                    match saved {
                        Some(v) => {
                            self.vars.insert(var.clone(), v);
                        }
                        None => {
                            self.vars.remove(var);
                        }
                    }
                    if let Flow::Stop = flow {
                        return Ok(Flow::Stop);
                    }
                }
                Node::Break => return Ok(Flow::Break),
                Node::Stop => return Ok(Flow::Stop),
            }
        }
        Ok(Flow::Normal)
    }

    fn root(&self, name: &str) -> Value {
        match name {
            "input" => Value::Input,
            "util" => Value::Util,
            "context" => self.context.clone(),
            "stageVariables" => self.stage_variables.clone(),
            "foreach" => self.loop_stack.last().cloned().unwrap_or(Value::Null),
            "velocityCount" => match self.loop_stack.last() {
                Some(Value::Map(m, _)) => Value::map_get(m, "count"),
                _ => Value::Null,
            },
            _ => self.vars.get(name).cloned().unwrap_or(Value::Null),
        }
    }

    fn reference(&mut self, r: &Reference) -> Result<Value, VtlError> {
        let mut v = self.root(&r.name);
        for step in &r.steps {
            self.tick()?;
            v = self.step(v, step)?;
        }
        Ok(v)
    }

    fn key_of(&mut self, e: &Expr) -> Result<Value, VtlError> {
        self.expr(e)
    }

    fn step(&mut self, v: Value, step: &Step) -> Result<Value, VtlError> {
        match step {
            Step::Prop(name) => Ok(match &v {
                Value::Map(m, _) => Value::map_get(m, name),
                Value::Input if name == "body" => Value::str(self.body_text()),
                _ => Value::Null,
            }),
            Step::Index(e) => {
                let k = self.key_of(e)?;
                Ok(match (&v, &k) {
                    (Value::List(l, _), Value::Int(i)) => {
                        let l = l.borrow();
                        let idx = if *i < 0 { l.len() as i64 + i } else { *i };
                        l.get(idx as usize).cloned().unwrap_or(Value::Null)
                    }
                    (Value::Map(m, _), k) => Value::map_get(m, &k.render()),
                    _ => Value::Null,
                })
            }
            Step::Call(name, args) => {
                let mut vals = Vec::with_capacity(args.len());
                for a in args {
                    vals.push(self.expr(a)?);
                }
                self.call(v, name, vals)
            }
        }
    }

    fn body_text(&self) -> String {
        if self.input.body.is_empty() {
            "{}".to_string()
        } else {
            self.input.body.clone()
        }
    }

    /// The body as JSON, the way API Gateway's permissive parser reads it.
    fn body_json(&self) -> Result<serde_json::Value, VtlError> {
        let text = self.input.body.trim();
        if text.is_empty() {
            return Ok(serde_json::Value::Object(Default::default()));
        }
        match serde_json::from_str(text) {
            Ok(v) => Ok(v),
            Err(e) if text.starts_with('{') || text.starts_with('[') => Err(self.err(format!(
                "Could not process payload: the request body is not valid JSON ({e})"
            ))),
            Err(_) => Ok(serde_json::Value::String(self.input.body.clone())),
        }
    }

    fn select(&self, path: &str) -> Result<Option<serde_json::Value>, VtlError> {
        let body = self.body_json()?;
        let p = jsonpath::JsonPath::parse(path)
            .map_err(|m| self.err(format!("invalid JSONPath `{path}`: {m}")))?;
        Ok(p.select(&body))
    }

    fn call(&mut self, recv: Value, name: &str, args: Vec<Value>) -> Result<Value, VtlError> {
        let arg_str = |i: usize| args.get(i).map(|a| a.render()).unwrap_or_default();
        let arg_int = |i: usize| match args.get(i) {
            Some(Value::Int(n)) => Some(*n),
            Some(Value::Float(f)) => Some(*f as i64),
            Some(Value::Str(s)) => s.trim().parse().ok(),
            _ => None,
        };
        match (&recv, name) {
            (Value::Input, "json") => {
                let path = arg_str(0);
                Ok(Value::str(match self.select(&path)? {
                    Some(v) => v.to_string(),
                    None => "\"\"".to_string(),
                }))
            }
            (Value::Input, "path") => {
                let path = arg_str(0);
                Ok(self
                    .select(&path)?
                    .map(|v| Value::from_json(&v))
                    .unwrap_or(Value::Null))
            }
            (Value::Input, "params") => {
                let pairs = |ps: &Vec<(String, String)>| {
                    let m = Value::new_map(Origin::Vtl);
                    if let Value::Map(mm, _) = &m {
                        for (k, v) in ps {
                            Value::map_put(mm, k, Value::str(v.as_str()));
                        }
                    }
                    m
                };
                if args.is_empty() {
                    let all = Value::new_map(Origin::Vtl);
                    if let Value::Map(m, _) = &all {
                        Value::map_put(m, "path", pairs(&self.input.path_params));
                        Value::map_put(m, "querystring", pairs(&self.input.query));
                        Value::map_put(m, "header", pairs(&self.input.headers));
                    }
                    return Ok(all);
                }
                let key = arg_str(0);
                let found = self
                    .input
                    .path_params
                    .iter()
                    .chain(self.input.query.iter())
                    .find(|(k, _)| *k == key)
                    .or_else(|| {
                        self.input
                            .headers
                            .iter()
                            .find(|(k, _)| k.eq_ignore_ascii_case(&key))
                    })
                    .map(|(_, v)| v.clone())
                    .unwrap_or_default();
                Ok(Value::str(found))
            }
            (Value::Input, "body") => Ok(Value::str(self.body_text())),
            (Value::Util, "escapeJavaScript") => Ok(match args.first() {
                None | Some(Value::Null) => Value::str("null"),
                Some(v) => Value::str(util::escape_javascript(&v.render())),
            }),
            (Value::Util, "parseJson") => {
                let s = arg_str(0);
                serde_json::from_str::<serde_json::Value>(&s)
                    .map(|v| Value::from_json(&v))
                    .map_err(|e| {
                        self.err(format!("$util.parseJson: the text is not valid JSON ({e})"))
                    })
            }
            (Value::Util, "urlEncode") => Ok(match args.first() {
                None | Some(Value::Null) => Value::Null,
                Some(v) => Value::str(util::url_encode(&v.render())),
            }),
            (Value::Util, "urlDecode") => Ok(Value::str(util::url_decode(&arg_str(0)))),
            (Value::Util, "base64Encode") => {
                Ok(Value::str(util::base64_encode(arg_str(0).as_bytes())))
            }
            (Value::Util, "base64Decode") => Ok(Value::str(
                util::base64_decode(&arg_str(0))
                    .map(|b| String::from_utf8_lossy(&b).into_owned())
                    .unwrap_or_default(),
            )),
            (Value::Str(s), _) => self.string_method(s, name, &args, arg_str, arg_int),
            (Value::List(l, _), "size") => Ok(Value::Int(l.borrow().len() as i64)),
            (Value::List(l, _), "isEmpty") => Ok(Value::Bool(l.borrow().is_empty())),
            (Value::List(l, _), "get") => Ok(arg_int(0)
                .and_then(|i| l.borrow().get(i.max(0) as usize).cloned())
                .unwrap_or(Value::Null)),
            (Value::List(l, _), "contains") => {
                let needle = args.first().cloned().unwrap_or(Value::Null);
                Ok(Value::Bool(
                    l.borrow().iter().any(|x| values_equal(x, &needle)),
                ))
            }
            (Value::List(l, _), "add") => {
                l.borrow_mut()
                    .push(args.first().cloned().unwrap_or(Value::Null));
                Ok(Value::Bool(true))
            }
            (Value::Map(m, _), "get") => Ok(Value::map_get(m, &arg_str(0))),
            (Value::Map(m, _), "put") => Ok(Value::map_put(
                m,
                &arg_str(0),
                args.get(1).cloned().unwrap_or(Value::Null),
            )),
            (Value::Map(m, _), "containsKey") => {
                let k = arg_str(0);
                Ok(Value::Bool(m.borrow().iter().any(|(key, _)| *key == k)))
            }
            (Value::Map(m, _), "keySet") => Ok(Value::list(
                m.borrow()
                    .iter()
                    .map(|(k, _)| Value::str(k.as_str()))
                    .collect(),
                Origin::Vtl,
            )),
            (Value::Map(m, _), "values") => Ok(Value::list(
                m.borrow().iter().map(|(_, v)| v.clone()).collect(),
                Origin::Vtl,
            )),
            (Value::Map(m, _), "size") => Ok(Value::Int(m.borrow().len() as i64)),
            (Value::Map(m, _), "isEmpty") => Ok(Value::Bool(m.borrow().is_empty())),
            (Value::Null, _) => Ok(Value::Null),
            (v, "toString") => Ok(Value::str(v.render())),
            (v, "equals") => Ok(Value::Bool(values_equal(
                v,
                args.first().unwrap_or(&Value::Null),
            ))),
            _ => Ok(Value::Null),
        }
    }

    fn string_method(
        &self,
        s: &str,
        name: &str,
        args: &[Value],
        arg_str: impl Fn(usize) -> String,
        arg_int: impl Fn(usize) -> Option<i64>,
    ) -> Result<Value, VtlError> {
        let chars: Vec<char> = s.chars().collect();
        let len = chars.len() as i64;
        let regex = |p: &str| {
            regex_lite::Regex::new(p)
                .map_err(|e| self.err(format!("invalid regular expression `{p}`: {e}")))
        };
        Ok(match name {
            "length" => Value::Int(s.encode_utf16().count() as i64),
            "isEmpty" => Value::Bool(s.is_empty()),
            "toString" => Value::str(s),
            "trim" => Value::str(s.trim()),
            "toLowerCase" => Value::str(s.to_lowercase()),
            "toUpperCase" => Value::str(s.to_uppercase()),
            "substring" => {
                let a = arg_int(0).unwrap_or(0);
                let b = arg_int(1).unwrap_or(len);
                if a < 0 || b > len || a > b {
                    return Err(self.err(format!(
                        "substring({a}, {b}) is out of range for a string of length {len}"
                    )));
                }
                Value::str(chars[a as usize..b as usize].iter().collect::<String>())
            }
            "indexOf" => {
                let needle = arg_str(0);
                Value::Int(
                    s.find(&needle)
                        .map(|b| s[..b].chars().count() as i64)
                        .unwrap_or(-1),
                )
            }
            "lastIndexOf" => {
                let needle = arg_str(0);
                Value::Int(
                    s.rfind(&needle)
                        .map(|b| s[..b].chars().count() as i64)
                        .unwrap_or(-1),
                )
            }
            "charAt" => match arg_int(0) {
                Some(i) if i >= 0 && i < len => Value::str(chars[i as usize].to_string()),
                _ => return Err(self.err("charAt index is out of range")),
            },
            "replace" => Value::str(s.replace(&arg_str(0), &arg_str(1))),
            "replaceAll" => Value::str(
                regex(&arg_str(0))?
                    .replace_all(s, java_replacement(&arg_str(1)).as_str())
                    .into_owned(),
            ),
            "replaceFirst" => Value::str(
                regex(&arg_str(0))?
                    .replace(s, java_replacement(&arg_str(1)).as_str())
                    .into_owned(),
            ),
            "matches" => {
                let p = format!("^(?:{})$", arg_str(0));
                Value::Bool(regex(&p)?.is_match(s))
            }
            "split" => {
                let mut parts: Vec<Value> = regex(&arg_str(0))?.split(s).map(Value::str).collect();
                // Java drops trailing empty strings.
                while parts.len() > 1 && matches!(parts.last(), Some(Value::Str(p)) if p.is_empty())
                {
                    parts.pop();
                }
                Value::list(parts, Origin::Vtl)
            }
            "startsWith" => Value::Bool(s.starts_with(&arg_str(0))),
            "endsWith" => Value::Bool(s.ends_with(&arg_str(0))),
            "contains" => Value::Bool(s.contains(&arg_str(0))),
            "equals" => Value::Bool(
                args.first()
                    .is_some_and(|a| matches!(a, Value::Str(o) if **o == *s)),
            ),
            "equalsIgnoreCase" => Value::Bool(s.to_lowercase() == arg_str(0).to_lowercase()),
            _ => Value::Null,
        })
    }

    fn assign(&mut self, target: &Reference, v: Value) -> Result<(), VtlError> {
        let Some((last, init)) = target.steps.split_last() else {
            if matches!(
                target.name.as_str(),
                "input" | "util" | "context" | "stageVariables"
            ) {
                return Err(self.err(format!("${} cannot be replaced", target.name)));
            }
            self.vars.insert(target.name.clone(), v);
            return Ok(());
        };
        let mut container = self.root(&target.name);
        for s in init {
            container = self.step(container, s)?;
        }
        let key = match last {
            Step::Prop(p) => p.clone(),
            Step::Index(e) => self.key_of(e)?.render(),
            Step::Call(..) => return Err(self.err("cannot assign to a method call")),
        };
        match container {
            Value::Map(m, _) => {
                Value::map_put(&m, &key, v);
                Ok(())
            }
            Value::List(l, _) => {
                let idx: usize = key
                    .parse()
                    .map_err(|_| self.err("a list index must be a number"))?;
                let mut l = l.borrow_mut();
                if idx < l.len() {
                    l[idx] = v;
                    Ok(())
                } else {
                    Err(self.err(format!("list index {idx} is out of range")))
                }
            }
            _ => Ok(()),
        }
    }

    /// Evaluates an expression (counted against the step limit).
    pub fn expr(&mut self, e: &Expr) -> Result<Value, VtlError> {
        self.tick()?;
        Ok(match e {
            Expr::Null => Value::Null,
            Expr::Bool(b) => Value::Bool(*b),
            Expr::Int(i) => Value::Int(*i),
            Expr::Float(f) => Value::Float(*f),
            Expr::Str(s) => Value::str(s.as_str()),
            Expr::Interp(nodes) => {
                let mut out = String::new();
                self.render_block(nodes, &mut out)?;
                Value::str(out)
            }
            Expr::Ref(r) => self.reference(r)?,
            Expr::List(items) => {
                let mut vals = Vec::with_capacity(items.len());
                for it in items {
                    vals.push(self.expr(it)?);
                }
                Value::list(vals, Origin::Vtl)
            }
            Expr::Range(a, b) => {
                let (a, b) = (self.expr(a)?, self.expr(b)?);
                let to_int = |v: &Value| match v {
                    Value::Int(i) => Some(*i),
                    Value::Str(s) => s.trim().parse().ok(),
                    _ => None,
                };
                let (Some(a), Some(b)) = (to_int(&a), to_int(&b)) else {
                    return Ok(Value::Null);
                };
                if (b - a).abs() >= MAX_RANGE {
                    return Err(self.err(format!(
                        "the range [{a}..{b}] has more than {MAX_RANGE} items"
                    )));
                }
                let items: Vec<Value> = if a <= b {
                    (a..=b).map(Value::Int).collect()
                } else {
                    (b..=a).rev().map(Value::Int).collect()
                };
                Value::list(items, Origin::Vtl)
            }
            Expr::Map(entries) => {
                let m = Value::new_map(Origin::Vtl);
                if let Value::Map(mm, _) = &m {
                    for (k, v) in entries {
                        let k = self.expr(k)?.render();
                        let v = self.expr(v)?;
                        Value::map_put(mm, &k, v);
                    }
                }
                m
            }
            Expr::Unary(UnOp::Not, e) => Value::Bool(!self.expr(e)?.truthy()),
            Expr::Unary(UnOp::Neg, e) => match self.expr(e)? {
                Value::Int(i) => Value::Int(i.wrapping_neg()),
                Value::Float(f) => Value::Float(-f),
                _ => Value::Null,
            },
            Expr::Binary(BinOp::And, a, b) => {
                Value::Bool(self.expr(a)?.truthy() && self.expr(b)?.truthy())
            }
            Expr::Binary(BinOp::Or, a, b) => {
                Value::Bool(self.expr(a)?.truthy() || self.expr(b)?.truthy())
            }
            Expr::Binary(op, a, b) => {
                let (a, b) = (self.expr(a)?, self.expr(b)?);
                binary(*op, &a, &b)
            }
        })
    }
}

/// Equality as API Gateway's Velocity sees it: numbers numerically, otherwise by printed text
/// (null prints as "", so `$null == ""` holds, as recorded on AWS).
pub fn values_equal(a: &Value, b: &Value) -> bool {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => x == y,
        _ => match (a, b) {
            (Value::Bool(x), Value::Bool(y)) => x == y,
            _ => a.render() == b.render(),
        },
    }
}

fn binary(op: BinOp, a: &Value, b: &Value) -> Value {
    match op {
        BinOp::Eq => Value::Bool(values_equal(a, b)),
        BinOp::Ne => Value::Bool(!values_equal(a, b)),
        BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
            let ord = match (a.as_f64(), b.as_f64()) {
                (Some(x), Some(y)) => x.partial_cmp(&y),
                _ => match (a, b) {
                    (Value::Str(x), Value::Str(y)) => Some(x.cmp(y)),
                    _ => None,
                },
            };
            let Some(ord) = ord else {
                return Value::Bool(false);
            };
            Value::Bool(match op {
                BinOp::Lt => ord.is_lt(),
                BinOp::Le => ord.is_le(),
                BinOp::Gt => ord.is_gt(),
                _ => ord.is_ge(),
            })
        }
        _ => match (a, b) {
            (Value::Int(x), Value::Int(y)) => match op {
                BinOp::Add => Value::Int(x.wrapping_add(*y)),
                BinOp::Sub => Value::Int(x.wrapping_sub(*y)),
                BinOp::Mul => Value::Int(x.wrapping_mul(*y)),
                BinOp::Div if *y != 0 => Value::Int(x.wrapping_div(*y)),
                BinOp::Mod if *y != 0 => Value::Int(x.wrapping_rem(*y)),
                _ => Value::Null,
            },
            _ => match (a.as_f64(), b.as_f64()) {
                (Some(x), Some(y)) => match op {
                    BinOp::Add => Value::Float(x + y),
                    BinOp::Sub => Value::Float(x - y),
                    BinOp::Mul => Value::Float(x * y),
                    BinOp::Div if y != 0.0 => Value::Float(x / y),
                    BinOp::Mod if y != 0.0 => Value::Float(x % y),
                    _ => Value::Null,
                },
                // Velocity 1.7 does no string concatenation with `+`.
                _ => Value::Null,
            },
        },
    }
}

/// Java's replacement syntax (`$1`, `\$`) in regex-lite's (`${1}`, `$$`).
fn java_replacement(r: &str) -> String {
    let mut out = String::new();
    let mut chars = r.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('$') => out.push_str("$$"),
                Some(n) => out.push(n),
                None => {}
            },
            '$' => {
                let mut digits = String::new();
                while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                    digits.push(*d);
                    chars.next();
                }
                if digits.is_empty() {
                    out.push_str("$$");
                } else {
                    out.push_str(&format!("${{{digits}}}"));
                }
            }
            c => out.push(c),
        }
    }
    out
}
