//! A Velocity Template Language engine: parse (with positions), then evaluate within limits.

pub mod error;
pub mod eval;
pub mod parse;
pub mod value;

pub use error::VtlError;
pub use eval::{Env, InputData};
pub use parse::Node;
pub use value::{Origin, Value};

/// A parsed template.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    /// The template text.
    pub source: String,
    /// Its syntax tree.
    pub nodes: Vec<Node>,
}

/// Templates may be at most this large.
pub const MAX_TEMPLATE_BYTES: usize = 256 * 1024;

impl Template {
    /// Parses a template of at most [`MAX_TEMPLATE_BYTES`].
    pub fn parse(source: &str) -> Result<Template, VtlError> {
        if source.len() > MAX_TEMPLATE_BYTES {
            return Err(VtlError::at(
                source,
                MAX_TEMPLATE_BYTES,
                format!("the template is larger than {MAX_TEMPLATE_BYTES} bytes"),
            ));
        }
        let nodes = parse::Parser::new(source).parse_template()?;
        Ok(Template {
            source: source.to_string(),
            nodes,
        })
    }
}
