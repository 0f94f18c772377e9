//! The code and message an API error body supplies ([`ErrorMetadata`]), and
//! the one line [`Error`](crate::Error)'s `Display` makes of them.

/// What an API error body says went wrong: the API's error code and its
/// message for people. Generated error body types implement it, reading
/// the fields the generator chose for them; `Error`'s `Display` prints them.
/// Both default to `None`.
pub trait ErrorMetadata {
    /// The API's code for the error (`not_found`), if the body has one.
    fn code(&self) -> Option<&str> {
        None
    }

    /// The API's message for people, if the body has one.
    fn message(&self) -> Option<&str> {
        None
    }
}

/// A JSON string error body is its message.
impl ErrorMetadata for String {
    fn message(&self) -> Option<&str> {
        Some(self)
    }
}

/// A list of error bodies says what its first item says.
impl<T: ErrorMetadata> ErrorMetadata for Vec<T> {
    fn code(&self) -> Option<&str> {
        self.first()?.code()
    }

    fn message(&self) -> Option<&str> {
        self.first()?.message()
    }
}

impl<T: ErrorMetadata + ?Sized> ErrorMetadata for Box<T> {
    fn code(&self) -> Option<&str> {
        (**self).code()
    }

    fn message(&self) -> Option<&str> {
        (**self).message()
    }
}

/// Error bodies whose type says nothing of a code or message: any JSON
/// value, a map, a number or boolean, nothing. Their errors' `Display`
/// reads the raw body generically (see [`summary`]).
macro_rules! says_nothing {
    ($($ty:ty),* $(,)?) => {
        $(impl ErrorMetadata for $ty {})*
    };
}

says_nothing!((), bool, i32, i64, u64, f32, f64, serde_json::Value, bytes::Bytes);

impl<T> ErrorMetadata for std::collections::BTreeMap<String, T> {}

/// The longest code or message an error's one-line text quotes from a body.
const SUMMARY_CHARS: usize = 300;

/// The code and message for `Error::Api`'s one line: what the typed body
/// supplies; when it supplies neither, what [`generic_summary`] reads in the
/// raw body. Each trimmed, cut to [`SUMMARY_CHARS`], and given once when
/// both are the same text.
pub(super) fn summary<E: ErrorMetadata>(body: &E, raw: &[u8]) -> (Option<String>, Option<String>) {
    let text = |t: &str| -> Option<String> {
        let t = t.trim();
        if t.is_empty() {
            return None;
        }
        Some(if t.chars().count() > SUMMARY_CHARS {
            t.chars().take(SUMMARY_CHARS).chain("...".chars()).collect()
        } else {
            t.to_owned()
        })
    };
    let found = match (body.code().and_then(text), body.message().and_then(text)) {
        (None, None) => {
            let (code, message) = generic_summary(raw);
            (code.as_deref().and_then(text), message.as_deref().and_then(text))
        }
        typed => typed,
    };
    match found {
        (Some(code), Some(message)) if code == message => (Some(code), None),
        found => found,
    }
}

/// The fallback for a body whose type supplies no code or message (any
/// JSON value): a code and a message found by names many APIs use
/// (`code`, `error`; `message`, `detail`, ...), in the body's top-level
/// object, an object it holds (`{"error": {...}}`) or the first item of a
/// list it holds (`{"messages": [{...}]}`).
fn generic_summary(body: &[u8]) -> (Option<String>, Option<String>) {
    const CODES: &[&str] = &["code", "error_code", "error", "name", "type", "title"];
    const MESSAGES: &[&str] =
        &["message", "error_message", "detail", "error_description", "description", "msg", "reason"];
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) else { return (None, None) };
    let text = |v: &serde_json::Value| -> Option<String> {
        match v {
            serde_json::Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
            serde_json::Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    };
    let pick = |object: &serde_json::Map<String, serde_json::Value>, keys: &[&str]| {
        keys.iter().find_map(|key| object.get(*key).and_then(text))
    };
    // The object itself, then what it holds, one level deep.
    let mut candidates: Vec<&serde_json::Map<String, serde_json::Value>> = Vec::new();
    if let Some(object) = value.as_object() {
        candidates.push(object);
        for nested in object.values() {
            match nested {
                serde_json::Value::Object(inner) => candidates.push(inner),
                serde_json::Value::Array(items) => {
                    if let Some(serde_json::Value::Object(first)) = items.first() {
                        candidates.push(first);
                    }
                }
                _ => {}
            }
        }
    }
    let code = candidates.iter().find_map(|o| pick(o, CODES));
    let message = candidates.iter().find_map(|o| pick(o, MESSAGES));
    (code, message)
}
