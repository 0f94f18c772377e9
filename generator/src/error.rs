//! Located errors and warnings: every problem names the spec file and where in it.

use std::fmt;

/// Where in a spec a problem sits: a line and column when the parser knows
/// them, otherwise a JSON pointer into the document.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Location {
    /// The spec file as the caller named it.
    pub file: String,
    /// One-based line and column, when known.
    pub line_col: Option<(usize, usize)>,
    /// A JSON pointer (RFC 6901) into the document, when known.
    pub pointer: Option<String>,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some((line, col)) = self.line_col {
            write!(f, ":{line}:{col}")?;
        }
        if let Some(pointer) = &self.pointer {
            write!(f, ": #{pointer}")?;
        }
        Ok(())
    }
}

/// What kind of problem stopped generation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The file could not be read.
    Io,
    /// The text is not YAML or JSON.
    Syntax,
    /// The document is YAML or JSON but not a valid OpenAPI 3.0 document.
    Invalid,
    /// The document is valid but uses something the generator cannot emit.
    Unsupported,
    /// An option given to the generator is unusable (a crate name cargo
    /// refuses); the location names the option.
    Option,
}

/// A generation error, located in the spec.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    /// What kind of problem this is.
    pub kind: ErrorKind,
    /// Where it is.
    pub location: Location,
    /// What was found and what was expected, lowercase, no final period.
    pub message: String,
}

impl Error {
    pub(crate) fn new(kind: ErrorKind, location: Location, message: impl Into<String>) -> Self {
        Error { kind, location, message: message.into() }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.kind {
            ErrorKind::Io => "cannot read spec",
            ErrorKind::Syntax => "syntax error",
            ErrorKind::Invalid => "invalid spec",
            ErrorKind::Unsupported => "unsupported",
            ErrorKind::Option => "invalid option",
        };
        write!(f, "{}: {kind}: {}", self.location, self.message)
    }
}

impl std::error::Error for Error {}

/// A problem the generator worked around; reported, never silent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    /// Where it is.
    pub location: Location,
    /// What was done about it.
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: warning: {}", self.location, self.message)
    }
}

/// Escapes one reference token of a JSON pointer (RFC 6901).
pub fn escape_pointer_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Reads one escaped reference token of a JSON pointer (RFC 6901) back.
pub fn unescape_pointer_token(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// Joins a pointer and a token.
pub fn pointer_join(base: &str, token: &str) -> String {
    format!("{base}/{}", escape_pointer_token(token))
}

/// Appends a relative pointer whose tokens are already escaped (`allOf/0`).
pub fn pointer_path(base: &str, tokens: &str) -> String {
    format!("{base}/{tokens}")
}
