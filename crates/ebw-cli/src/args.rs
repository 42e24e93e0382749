//! A small flag parser: `--name value`, `--flag`, and `file://` values as the AWS CLI reads them.

use std::collections::HashMap;

/// Why a command failed, by what the person has to change, which decides how it is reported.
#[derive(Debug)]
pub enum CliError {
    /// How the command line is written (an unknown, valueless or missing flag): the command's
    /// usage follows the message (exit 2).
    Usage(String),
    /// A parameter file that cannot be loaded: AWS CLI v2's message, printed as it prints it
    /// (after an empty line) with its exit code for a parameter error, 252.
    Param(String),
    /// Anything else: what a flag names is wrong (exit 2).
    Other(String),
}

impl From<String> for CliError {
    fn from(message: String) -> Self {
        CliError::Other(message)
    }
}

impl From<&str> for CliError {
    fn from(message: &str) -> Self {
        CliError::Other(message.to_string())
    }
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
    ) -> Result<Args, CliError> {
        let mut values = HashMap::new();
        let mut flags = Vec::new();
        let mut i = 0;
        while i < argv.len() {
            let a = argv[i].as_str();
            if value_flags.contains(&a) {
                let v = argv
                    .get(i + 1)
                    .ok_or_else(|| CliError::Usage(format!("{a} needs a value")))?;
                values.insert(a.to_string(), v.clone());
                i += 2;
            } else if bool_flags.contains(&a) {
                flags.push(a.to_string());
                i += 1;
            } else {
                return Err(CliError::Usage(format!("unexpected argument `{a}`")));
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

    /// The value of a flag the command cannot do without.
    pub fn required(&self, name: &str) -> Result<&str, CliError> {
        self.get(name)
            .ok_or_else(|| CliError::Usage(format!("{name} is required")))
    }

    /// The value, read from a file when written `file://path`, as the AWS CLI reads it
    /// ([`param_value`]).
    pub fn text(&self, name: &str) -> Result<String, CliError> {
        param_value(name, self.required(name)?)
    }
}

/// A parameter's value as AWS CLI v2 takes it (`awscli/paramfile.py`): `file://path` is the
/// text of the file, its path with `~` and `$VAR` expanded and its line ends read as Python's
/// text mode reads them (`\r\n` and `\r` become `\n`); any other value is itself. A file it
/// cannot load gives AWS CLI's message, e.g. `Error parsing parameter '--event': Unable to load
/// paramfile file://e.json: [Errno 2] No such file or directory: 'e.json'`.
pub fn param_value(name: &str, value: &str) -> Result<String, CliError> {
    let Some(path) = value.strip_prefix("file://") else {
        return Ok(value.to_string());
    };
    let expanded = expand_vars(&expand_user(path));
    // AWS CLI's `argprocess.ParamError` around paramfile's `ResourceLoadingError`.
    let error = |why: String| CliError::Param(format!("Error parsing parameter '{name}': {why}"));
    let bytes = std::fs::read(&expanded).map_err(|e| {
        error(format!(
            "Unable to load paramfile {value}: {}",
            python_os_error(&e, &expanded)
        ))
    })?;
    let text = String::from_utf8(bytes).map_err(|_| {
        error(format!(
            "Unable to load paramfile ({expanded}), text contents could not be decoded.  If this is a binary file, please use the fileb:// prefix instead of the file:// prefix."
        ))
    })?;
    Ok(universal_newlines(text))
}

/// `os.path.expanduser`, for `~` and `~/...` (another user's `~name` is left as written).
fn expand_user(path: &str) -> String {
    let home = std::env::var("HOME").ok().filter(|h| !h.is_empty());
    match (path.strip_prefix('~'), home) {
        (Some(rest), Some(home)) if rest.is_empty() || rest.starts_with('/') => {
            let joined = format!("{}{rest}", home.trim_end_matches('/'));
            match joined.is_empty() {
                true => "/".to_string(),
                false => joined,
            }
        }
        _ => path.to_string(),
    }
}

/// `os.path.expandvars` on POSIX: `$name` (letters, digits, `_`) and `${name}` become the
/// variable's value; one that is not set is left as written. One pass over the text.
fn expand_vars(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut rest = path;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        // The variable's name, and how many bytes its reference takes after the `$`.
        let (name, written) = match after.strip_prefix('{') {
            Some(braced) => match braced.find('}') {
                Some(end) => (&braced[..end], end + 2),
                None => ("", 0),
            },
            None => {
                let end = after
                    .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .unwrap_or(after.len());
                (&after[..end], end)
            }
        };
        let reference = &rest[at..at + 1 + written];
        // A name the environment cannot hold (empty, or with `=` or NUL, possible in braces)
        // is not looked up.
        let valid = !name.is_empty() && !name.contains(['=', '\0']);
        match valid.then(|| std::env::var(name).ok()).flatten() {
            Some(value) => out.push_str(&value),
            None => out.push_str(reference),
        }
        rest = &rest[at + 1 + written..];
    }
    out.push_str(rest);
    out
}

/// Python's text mode: `\r\n` and a lone `\r` end a line as `\n` does.
fn universal_newlines(text: String) -> String {
    match text.contains('\r') {
        false => text,
        true => text.replace("\r\n", "\n").replace('\r', "\n"),
    }
}

/// Python's `str(OSError)` for a file: `[Errno 2] No such file or directory: 'e.json'`.
fn python_os_error(e: &std::io::Error, path: &str) -> String {
    let shown = e.to_string();
    match e.raw_os_error() {
        // The C library's text, as Python's `strerror` gives it; Rust adds " (os error N)".
        Some(code) => {
            let text = shown
                .strip_suffix(&format!(" (os error {code})"))
                .unwrap_or(&shown);
            format!(
                "[Errno {code}] {text}: {}",
                eventbridge_sim::lambda::python_str_repr(path)
            )
        }
        None => shown,
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
) -> Result<u8, CliError> {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// `expand_vars` on any text made of `$`, braces, `=`, name characters, slashes and
    /// multi-byte characters: it never panics, and with no variable of those names set it gives
    /// the text back unchanged (Python's `expandvars` leaves unknown references as written).
    #[test]
    fn unknown_references_come_back_as_written() {
        const PIECES: [&str; 10] = ["$", "{", "}", "=", "EBW_UNSET_", "x", "/", "é", "_9", "${"];
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        for _ in 0..20_000 {
            let len = next(12);
            let text: String = (0..len).map(|_| PIECES[next(PIECES.len())]).collect();
            assert_eq!(expand_vars(&text), text, "{text:?}");
        }
    }

    #[test]
    fn set_variables_are_expanded_where_python_expands_them() {
        // The variable is this test's own: no other test reads or sets it.
        std::env::set_var("EBW_ARGS_TEST_DIR", "/d");
        for (text, want) in [
            ("$EBW_ARGS_TEST_DIR/p.json", "/d/p.json"),
            ("${EBW_ARGS_TEST_DIR}/p.json", "/d/p.json"),
            ("a$EBW_ARGS_TEST_DIR.b", "a/d.b"),
            ("$EBW_ARGS_TEST_DIRx", "$EBW_ARGS_TEST_DIRx"),
            ("$$EBW_ARGS_TEST_DIR", "$/d"),
            ("${EBW_ARGS_TEST_DIR", "${EBW_ARGS_TEST_DIR"),
        ] {
            assert_eq!(expand_vars(text), want, "{text:?}");
        }
    }
}
