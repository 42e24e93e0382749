//! Template errors, with the line and column they concern.

use std::fmt;

/// A parse or render error in a template.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct VtlError {
    /// What is wrong.
    pub message: String,
    /// Byte offset in the template.
    pub offset: usize,
    /// 1-based line and column (in characters).
    pub line: usize,
    /// Column, from 1, in characters.
    pub column: usize,
}

impl VtlError {
    /// An error at a byte offset of `src` (clamped to it), with its line and column.
    pub fn at(src: &str, offset: usize, message: impl Into<String>) -> Self {
        let offset = offset.min(src.len());
        let mut safe = offset;
        while safe > 0 && !src.is_char_boundary(safe) {
            safe -= 1;
        }
        let before = &src[..safe];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
        let column = src[line_start..safe].chars().count() + 1;
        VtlError {
            message: message.into(),
            offset,
            line,
            column,
        }
    }
}

impl fmt::Display for VtlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} (line {}, column {})",
            self.message, self.line, self.column
        )
    }
}

impl std::error::Error for VtlError {}
