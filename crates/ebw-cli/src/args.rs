//! A small flag parser: `--name value`, `--flag`, and `file://` values as the AWS CLI reads them.

use std::collections::HashMap;

const UNEXPECTED: &str = "unexpected argument";
const NEEDS_VALUE: &str = "needs a value";
const REQUIRED: &str = "is required";

/// The message is about how the command line is written (an unknown, valueless or missing flag),
/// not about what the flags name.
pub fn is_usage_error(message: &str) -> bool {
    message.starts_with(UNEXPECTED) || message.ends_with(NEEDS_VALUE) || message.ends_with(REQUIRED)
}

pub struct Args {
    values: HashMap<String, String>,
    flags: Vec<String>,
}

impl Args {
    /// `value_flags` take a value; `bool_flags` do not. Anything else is an error.
    pub fn parse(
        argv: &[String],
        value_flags: &[&str],
        bool_flags: &[&str],
    ) -> Result<Args, String> {
        let mut values = HashMap::new();
        let mut flags = Vec::new();
        let mut i = 0;
        while i < argv.len() {
            let a = argv[i].as_str();
            if value_flags.contains(&a) {
                let v = argv
                    .get(i + 1)
                    .ok_or_else(|| format!("{a} {NEEDS_VALUE}"))?;
                values.insert(a.to_string(), v.clone());
                i += 2;
            } else if bool_flags.contains(&a) {
                flags.push(a.to_string());
                i += 1;
            } else {
                return Err(format!("{UNEXPECTED} `{a}`"));
            }
        }
        Ok(Args { values, flags })
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(|s| s.as_str())
    }

    pub fn has(&self, name: &str) -> bool {
        self.flags.iter().any(|f| f == name)
    }

    /// The value, read from a file when written `file://path` (as the AWS CLI does).
    pub fn text(&self, name: &str) -> Result<String, String> {
        let v = self.get(name).ok_or_else(|| format!("{name} {REQUIRED}"))?;
        read_value(v)
    }
}

pub fn read_value(v: &str) -> Result<String, String> {
    match v.strip_prefix("file://") {
        Some(path) => std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}")),
        None => Ok(v.to_string()),
    }
}

/// Runs a `--cases FILE.jsonl` batch: one JSON case per non-empty line in, one JSON line out
/// (in order). `f` answers one case; a line that is not JSON stops the batch with its number.
pub fn run_jsonl(
    file: &str,
    mut f: impl FnMut(&serde_json::Value) -> Result<serde_json::Value, String>,
) -> Result<u8, String> {
    use std::io::Write;
    let text = read_value(&format!(
        "file://{}",
        file.strip_prefix("file://").unwrap_or(file)
    ))?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for (n, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let case: serde_json::Value = serde_json::from_str(line)
            .map_err(|e| format!("cases line {}: not a JSON case: {e}", n + 1))?;
        let answer = f(&case).map_err(|e| format!("cases line {}: {e}", n + 1))?;
        writeln!(out, "{answer}").map_err(|e| e.to_string())?;
    }
    Ok(0)
}
