//! [`StringBool`]: a boolean written as the string `"True"`/`"False"`, for
//! the schemas a spec marks `x-esign-string-bool` (Constellation1's).

use std::fmt;

/// A boolean the API writes as a string (`"True"`, `"False"`), read
/// case-insensitively; a JSON boolean is accepted too. It is written back
/// as `"True"` or `"False"`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct StringBool(pub bool);

impl fmt::Display for StringBool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0 { "True" } else { "False" })
    }
}

impl From<StringBool> for bool {
    fn from(value: StringBool) -> bool {
        value.0
    }
}

impl serde::Serialize for StringBool {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(if self.0 { "True" } else { "False" })
    }
}

impl<'de> serde::Deserialize<'de> for StringBool {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match serde_json::Value::deserialize(deserializer)? {
            serde_json::Value::Bool(b) => Ok(StringBool(b)),
            serde_json::Value::String(s) if s.trim().eq_ignore_ascii_case("true") => Ok(StringBool(true)),
            serde_json::Value::String(s) if s.trim().eq_ignore_ascii_case("false") => Ok(StringBool(false)),
            other => Err(serde::de::Error::custom(format!("expected \"True\" or \"False\", found {other}"))),
        }
    }
}

impl std::str::FromStr for StringBool {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        match text.trim() {
            t if t.eq_ignore_ascii_case("true") => Ok(StringBool(true)),
            t if t.eq_ignore_ascii_case("false") => Ok(StringBool(false)),
            other => Err(format!("expected True or False, found `{other}`")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_bools_read_either_case_and_json_booleans() {
        let read = |json: &str| serde_json::from_str::<StringBool>(json);
        assert_eq!(read("\"True\"").unwrap(), StringBool(true));
        assert_eq!(read("\" FALSE \"").unwrap(), StringBool(false));
        assert_eq!(read("true").unwrap(), StringBool(true));
        assert_eq!(read("false").unwrap(), StringBool(false));
        assert_eq!(read("\"yes\"").unwrap_err().to_string(), "expected \"True\" or \"False\", found \"yes\"");
        assert!(read("1").is_err());
        assert!(read("null").is_err());
    }

    #[test]
    fn string_bools_write_true_or_false() {
        assert_eq!(serde_json::to_string(&StringBool(true)).unwrap(), "\"True\"");
        assert_eq!(serde_json::to_string(&StringBool(false)).unwrap(), "\"False\"");
        assert_eq!(StringBool(true).to_string(), "True");
        assert!(bool::from(StringBool(true)));
        assert_eq!(StringBool::default(), StringBool(false));
        assert_eq!(" true ".parse::<StringBool>(), Ok(StringBool(true)));
        assert_eq!("False".parse::<StringBool>(), Ok(StringBool(false)));
        assert_eq!("0".parse::<StringBool>(), Err("expected True or False, found `0`".to_owned()));
    }
}
