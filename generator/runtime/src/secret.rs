//! Credentials: [`Secret`], a value that never prints, and [`Auth`], how a
//! request carries one.

use std::fmt;

/// A credential: its `Debug` and `Display` never show the value.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a credential.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The credential itself; only for sending it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

impl From<&Secret> for Secret {
    /// A copy, so calls that take `impl Into<Secret>` accept a reference.
    fn from(value: &Secret) -> Self {
        value.clone()
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret(value.to_owned())
    }
}

/// How a request authenticates, in wire terms. The generated `Credentials`
/// types convert into this.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Auth {
    /// Send no credential.
    None,
    /// HTTP basic.
    Basic {
        /// The user name.
        username: Secret,
        /// The password (may be empty).
        password: Secret,
    },
    /// `Authorization: Bearer <token>`.
    Bearer(Secret),
    /// A header sent exactly as given (an API key header, or a raw `Authorization`).
    Header {
        /// The header name.
        name: &'static str,
        /// Its value.
        value: Secret,
    },
    /// A query parameter.
    Query {
        /// The parameter name.
        name: &'static str,
        /// Its value.
        value: Secret,
    },
    /// A cookie.
    Cookie {
        /// The cookie name.
        name: &'static str,
        /// Its value.
        value: Secret,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_value() {
        let secret = Secret::new("hunter2-value");
        assert_eq!(format!("{secret:?}"), "Secret(<redacted>)");
        assert_eq!(format!("{secret:#?}"), "Secret(<redacted>)");
        let auth = Auth::Basic { username: Secret::from("alice-user"), password: Secret::from("hunter2-value") };
        let shown = format!("{auth:?}");
        assert!(!shown.contains("hunter2") && !shown.contains("alice"), "{shown}");
        let shown = format!("{:?}", Auth::Header { name: "X-Api-Key", value: "key-123".into() });
        assert!(shown.contains("X-Api-Key") && !shown.contains("key-123"), "{shown}");
    }

    #[test]
    fn expose_gives_the_value_back() {
        assert_eq!(Secret::new(String::from("abc")).expose(), "abc");
        assert_eq!(Secret::from("abc"), Secret::from(String::from("abc")));
        assert_ne!(Secret::from("abc"), Secret::from("abd"));
        assert_eq!(Secret::from("").expose(), "");
    }
}
