//! The `x-esign-` vendor extensions, documented in `specs/README.md`: one
//! typed shape each, read through [`Lowerer::read`]. Object shapes refuse
//! keys they do not know, so a typo inside an extension is an error rather
//! than a setting silently ignored. What a shape cannot say by itself (that a
//! named parameter exists, say) is checked where the extension is lowered.
//! `x-esign-validate`, `x-esign-api-key-as-username`, `x-esign-string-bool`
//! and `x-esign-retry-safe` are plain booleans, `x-esign-name` a string.
//! The closed choices inside them (a cancel's target, success and outcomes,
//! an acceptor's state, a value's type, a check's name) are the IR's own
//! enums, which derive `Deserialize`: read once, with no mirror here.

use super::Lowerer;
use crate::error::{pointer_join, Error};
pub(super) use crate::ir::{AcceptorState, CancelOutcome, CancelSuccess, ValueType, ViolationRule};
use indexmap::IndexMap;
use serde::de::{self, DeserializeOwned, Deserializer, Unexpected};
use serde::Deserialize;
use serde_json::Value;
use std::fmt;

/// Extensions the generator reads; any other `x-esign-` key is a mistake.
const KNOWN_EXTENSIONS: &[&str] = &[
    "x-esign-values",
    "x-esign-rate-limit",
    "x-esign-warnings",
    "x-esign-api-key-as-username",
    "x-esign-name",
    "x-esign-module",
    "x-esign-envelope",
    "x-esign-string-bool",
    "x-esign-cancel",
    "x-esign-validate",
    "x-esign-exactly-one-of",
    "x-esign-violations",
    "x-esign-group-rules",
    "x-esign-contrast",
    "x-esign-webhooks",
    "x-esign-event",
    "x-esign-event-hash",
    "x-esign-paginated",
    "x-esign-waiters",
    "x-esign-retry",
    "x-esign-retry-safe",
    "x-esign-bulk",
    "x-esign-stream",
    "x-esign-form-style",
];

impl Lowerer<'_> {
    /// Warns about every `x-esign-` key the generator does not know.
    pub(super) fn check_extensions(&mut self, extensions: &IndexMap<String, Value>, pointer: &str) {
        for key in extensions.keys() {
            if key.starts_with("x-esign-") && !KNOWN_EXTENSIONS.contains(&key.as_str()) {
                self.warn(&pointer_join(pointer, key), format!("unknown extension `{key}` ignored"));
            }
        }
    }

    /// Reads the extension `key` of the object at `pointer` as a `T`: `None`
    /// when the object does not have it, an `Invalid` error located at the
    /// key that failed inside the extension when it does not fit.
    pub(super) fn read<T: DeserializeOwned>(
        &self,
        extensions: &IndexMap<String, Value>,
        key: &str,
        pointer: &str,
    ) -> Result<Option<T>, Error> {
        let Some(value) = extensions.get(key) else { return Ok(None) };
        serde_path_to_error::deserialize(value).map(Some).map_err(|err| {
            let mut at = pointer_join(pointer, key);
            for segment in err.path().iter() {
                match segment {
                    serde_path_to_error::Segment::Seq { index } => at = pointer_join(&at, &index.to_string()),
                    serde_path_to_error::Segment::Map { key } => at = pointer_join(&at, key),
                    serde_path_to_error::Segment::Enum { .. } | serde_path_to_error::Segment::Unknown => {}
                }
            }
            let message = err.into_inner().to_string();
            // serde reports a missing key at the object that lacks it.
            if let Some(missing) = message.strip_prefix("missing field `").and_then(|rest| rest.split('`').next()) {
                at = pointer_join(&at, missing);
            }
            self.invalid(&at, message)
        })
    }
}

// ----- values shared by several extensions -----

/// Declares a newtype over text that `valid` accepts; errors say what the
/// text is for.
macro_rules! text {
    ($(#[$doc:meta])* $name:ident, $what:literal, $valid:expr) => {
        $(#[$doc])*
        #[derive(Clone, Debug)]
        pub(super) struct $name(pub String);

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct Visitor;
                impl de::Visitor<'_> for Visitor {
                    type Value = $name;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str($what)
                    }
                    fn visit_str<E: de::Error>(self, text: &str) -> Result<$name, E> {
                        let valid: fn(&str) -> bool = $valid;
                        if valid(text) {
                            Ok($name(text.to_owned()))
                        } else {
                            Err(E::invalid_value(Unexpected::Str(text), &self))
                        }
                    }
                }
                deserializer.deserialize_str(Visitor)
            }
        }
    };
}

text!(
    /// `info.x-esign-module`: the module (and feature) name.
    ModuleName,
    "a module name",
    |text| !text.trim().is_empty()
);

text!(
    /// The name of a response header.
    HeaderName,
    "the name of a response header",
    |text| !text.is_empty()
);

text!(
    /// The name of a body property.
    PropertyName,
    "the name of the body's status property",
    |text| !text.is_empty()
);

/// An HTTP status, from 100 to 599.
#[derive(Clone, Copy, Debug)]
pub(super) struct HttpStatus(pub u16);

impl<'de> Deserialize<'de> for HttpStatus {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl de::Visitor<'_> for Visitor {
            type Value = HttpStatus;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an HTTP status from 100 to 599")
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<HttpStatus, E> {
                match u16::try_from(n) {
                    Ok(status) if (100..=599).contains(&status) => Ok(HttpStatus(status)),
                    _ => Err(E::invalid_value(Unexpected::Unsigned(n), &self)),
                }
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> Result<HttpStatus, E> {
                match u64::try_from(n) {
                    Ok(n) => self.visit_u64(n),
                    Err(_) => Err(E::invalid_value(Unexpected::Signed(n), &self)),
                }
            }
        }
        deserializer.deserialize_u64(Visitor)
    }
}

/// A pause in seconds, not negative.
#[derive(Clone, Copy, Debug)]
pub(super) struct Seconds(pub f64);

impl<'de> Deserialize<'de> for Seconds {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let seconds = f64::deserialize(deserializer)?;
        if seconds >= 0.0 {
            Ok(Seconds(seconds))
        } else {
            Err(de::Error::invalid_value(Unexpected::Float(seconds), &"seconds, not negative"))
        }
    }
}

/// A string, number or boolean, kept as the text it compares as (`7`, `true`).
#[derive(Clone, Debug)]
pub(super) struct Scalar(pub String);

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match Value::deserialize(deserializer)? {
            Value::String(text) => Ok(Scalar(text)),
            value @ (Value::Number(_) | Value::Bool(_)) => Ok(Scalar(value.to_string())),
            Value::Null => Err(de::Error::invalid_type(Unexpected::Unit, &"a string, number or boolean")),
            Value::Array(_) => Err(de::Error::invalid_type(Unexpected::Seq, &"a string, number or boolean")),
            Value::Object(_) => Err(de::Error::invalid_type(Unexpected::Map, &"a string, number or boolean")),
        }
    }
}

/// A regular expression the `regex` crate can run.
#[derive(Clone, Debug)]
pub(super) struct Pattern(pub String);

impl<'de> Deserialize<'de> for Pattern {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let pattern = String::deserialize(deserializer)?;
        match regex::Regex::new(&pattern) {
            Ok(_) => Ok(Pattern(pattern)),
            Err(err) => Err(de::Error::custom(format!("not a valid regular expression: {err}"))),
        }
    }
}

/// A list with at least one item.
fn non_empty<'de, D: Deserializer<'de>, T: Deserialize<'de>>(deserializer: D) -> Result<Vec<T>, D::Error> {
    let items = Vec::<T>::deserialize(deserializer)?;
    if items.is_empty() {
        return Err(de::Error::invalid_length(0, &"at least one item"));
    }
    Ok(items)
}

// ----- top level -----

/// `x-esign-rate-limit`: the response headers that carry the rate limit.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub(super) struct RateLimit {
    pub limit: HeaderName,
    pub remaining: HeaderName,
    pub reset: HeaderName,
}

/// `x-esign-warnings`: a `$ref` to the warnings envelope.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, expecting = "{ $ref: '#/components/schemas/...' } naming the warnings envelope")]
pub(super) struct Warnings {
    #[serde(rename = "$ref")]
    pub reference: String,
}

/// `x-esign-envelope`: a body property and the values that mean success.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub(super) struct Envelope {
    pub field: PropertyName,
    #[serde(deserialize_with = "non_empty")]
    pub success: Vec<Scalar>,
}

/// `x-esign-retry`: what is rate limited and what is unavailable.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub(super) struct Retry {
    #[serde(default)]
    pub rate_limited: Vec<RetryMatch>,
    #[serde(default)]
    pub unavailable: Vec<RetryMatch>,
}

/// One response `x-esign-retry` matches: a status, and optionally the text
/// at a JSON pointer of its body.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub(super) struct RetryMatch {
    pub status: HttpStatus,
    pub pointer: Option<String>,
    pub equals: Option<String>,
}

/// `x-esign-webhooks`: callback name -> a path item in the OpenAPI 3.1
/// `webhooks` shape. Only what the generator reads is typed; the rest of
/// the path item is OpenAPI's and passes unread.
pub(super) type Webhooks = IndexMap<String, WebhookItem>;

/// A path item of `x-esign-webhooks`.
#[derive(Debug, Deserialize)]
#[serde(expecting = "a path item with a `post` operation")]
pub(super) struct WebhookItem {
    pub post: Option<WebhookPost>,
}

/// The `post` of a callback.
#[derive(Debug, Deserialize)]
pub(super) struct WebhookPost {
    pub summary: Option<String>,
    pub description: Option<String>,
    /// `x-esign-event`: a `$ref` to the payload schema.
    #[serde(rename = "x-esign-event")]
    pub event: Option<String>,
    #[serde(rename = "requestBody")]
    pub request_body: Option<WebhookContent>,
    #[serde(default)]
    pub responses: IndexMap<String, WebhookContent>,
}

/// A request body or response of a callback: its media types.
#[derive(Debug, Deserialize)]
pub(super) struct WebhookContent {
    #[serde(default)]
    pub content: IndexMap<String, WebhookMedia>,
}

/// One media type of a callback body.
#[derive(Debug, Deserialize)]
pub(super) struct WebhookMedia {
    pub schema: Option<WebhookSchema>,
    /// Any JSON, as OpenAPI allows; a string example of the reply is the reply.
    pub example: Option<Value>,
}

/// The schema of a callback body: its properties' `$ref`s.
#[derive(Debug, Deserialize)]
pub(super) struct WebhookSchema {
    #[serde(default)]
    pub properties: IndexMap<String, WebhookProperty>,
}

/// A property of a callback body.
#[derive(Debug, Deserialize)]
pub(super) struct WebhookProperty {
    #[serde(rename = "$ref")]
    pub reference: Option<String>,
}

// ----- on schemas -----

/// `x-esign-values`: enum value -> what the value means.
pub(super) type Values = IndexMap<String, ValueDoc>;

/// One entry of `x-esign-values`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(
    rename_all = "kebab-case",
    deny_unknown_fields,
    expecting = "a mapping with `description` and optional `http-status`, `pattern` and `value-type`"
)]
pub(super) struct ValueDoc {
    #[serde(default)]
    pub description: String,
    pub http_status: Option<HttpStatus>,
    pub pattern: Option<Pattern>,
    pub value_type: Option<ValueType>,
}

/// `x-esign-exactly-one-of`: property names of which exactly one is set.
pub(super) type ExactlyOneOf = Vec<String>;

/// `x-esign-violations`: check -> the API's name for its error.
pub(super) type Violations = IndexMap<RuleName, String>;

/// A key of `x-esign-violations`. Read as text first, so that an unknown
/// check is reported at its key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) struct RuleName(pub ViolationRule);

impl<'de> Deserialize<'de> for RuleName {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::IntoDeserializer;
        let name = String::deserialize(deserializer)?;
        let rule: Result<ViolationRule, de::value::Error> =
            ViolationRule::deserialize(name.as_str().into_deserializer());
        rule.map(RuleName).map_err(de::Error::custom)
    }
}

/// `x-esign-group-rules`: fields of listed types must name a defined group.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub(super) struct GroupRules {
    pub fields: String,
    pub groups: String,
    pub required_for: Vec<String>,
}

/// `x-esign-contrast`: colour contrast rules.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub(super) struct Contrast {
    pub minimum: f64,
    #[serde(default)]
    pub fixed: IndexMap<String, String>,
    #[serde(default)]
    pub inherit: IndexMap<String, String>,
    #[serde(default)]
    pub pairs: IndexMap<String, Vec<String>>,
}

/// `x-esign-event-hash` (on a callback payload schema): how it proves its
/// origin. Algorithm and key are read leniently so that another one is
/// reported as unsupported rather than as a typo.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub(super) struct EventHash {
    pub algorithm: Option<HashAlgorithm>,
    pub key: Option<HashKey>,
    pub message: Vec<String>,
    pub hash: String,
    pub reported_for_app: Option<String>,
    pub reported_for_account: Option<String>,
}

/// `algorithm` of `x-esign-event-hash`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
pub(super) enum HashAlgorithm {
    #[serde(rename = "hmac-sha256")]
    HmacSha256,
    #[serde(other)]
    Other,
}

/// `key` of `x-esign-event-hash`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
pub(super) enum HashKey {
    #[serde(rename = "api-key")]
    ApiKey,
    #[serde(other)]
    Other,
}

// ----- on operations -----

/// `x-esign-cancel` and `x-esign-bulk`: how an operation cancels.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub(super) struct Cancel {
    /// The name of what is canceled (`signature request`).
    pub target: String,
    /// What it is, in a sentence.
    pub target_description: Option<String>,
    pub success: CancelSuccess,
    /// JSON pointer to a failure's reason.
    pub message: Option<String>,
    /// The parameter `CancelRequest::return_url` fills.
    pub return_url: Option<String>,
    /// The parameter the id fills.
    pub id: Option<String>,
    #[serde(default)]
    pub outcomes: Vec<CancelRule>,
    pub confirm: Option<Confirm>,
}

/// One failure rule of `x-esign-cancel`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub(super) struct CancelRule {
    pub status: Option<HttpStatus>,
    pub pointer: Option<String>,
    pub equals: Option<Scalar>,
    pub outcome: CancelOutcome,
}

/// `confirm` of `x-esign-cancel`: a waiter and a callback event.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub(super) struct Confirm {
    /// A waiter of `x-esign-waiters`.
    pub waiter: String,
    /// A `$ref` to the callback payload.
    pub event: String,
    pub event_type_at: String,
    pub event_type: String,
    pub event_id_at: String,
}

/// `x-esign-paginated`: a page-numbered list.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub(super) struct Paginated {
    /// The optional integer page parameter.
    pub page: String,
    /// Documents the page-size parameter; paging does not need it.
    #[allow(dead_code)]
    pub page_size: Option<String>,
    /// The array property of the success body.
    pub items: String,
    /// JSON pointer to the page count.
    pub page_count: String,
}

/// `x-esign-waiters`: waiter name -> waiter.
pub(super) type Waiters = IndexMap<String, Waiter>;

/// One waiter of `x-esign-waiters`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub(super) struct Waiter {
    #[serde(default)]
    pub description: String,
    pub min_delay: Option<Seconds>,
    pub max_delay: Option<Seconds>,
    #[serde(default)]
    pub acceptors: Vec<Acceptor>,
}

/// One acceptor of a waiter.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub(super) struct Acceptor {
    pub state: AcceptorState,
    pub status: HttpStatus,
}

#[cfg(test)]
mod tests {
    use crate::error::ErrorKind;
    use crate::lower::{lower_document, OnUnsupported};

    const HEADER: &str = "openapi: 3.0.3\ninfo:\n  title: t\n  version: '1'\n";

    /// The kind, pointer and message of the error lowering `text` gives.
    fn error_of(text: &str) -> (ErrorKind, String, String) {
        let doc = crate::load::load_str("t.yaml", text).expect("loads");
        let err = lower_document(&doc, "t", OnUnsupported::Fail).expect_err("should not lower");
        (err.kind, err.location.pointer.unwrap_or_default(), err.message)
    }

    fn operation(extension: &str) -> String {
        format!(
            "{HEADER}paths:\n  /things/{{id}}:\n    delete:\n      operationId: deleteThing\n{extension}      parameters:\n        - {{name: id, in: path, required: true, schema: {{type: string}}}}\n      responses:\n        '204': {{description: gone}}\n"
        )
    }

    #[test]
    fn a_wrong_value_points_at_its_key() {
        let (kind, pointer, message) = error_of(&operation("      x-esign-cancel: {target: box, success: later}\n"));
        assert_eq!(kind, ErrorKind::Invalid);
        assert_eq!(pointer, "/paths/~1things~1{id}/delete/x-esign-cancel/success");
        assert!(message.contains("`queued`"), "{message}");
    }

    #[test]
    fn a_missing_key_points_at_the_key() {
        let (kind, pointer, message) = error_of(&operation("      x-esign-cancel: {target: session}\n"));
        assert_eq!(kind, ErrorKind::Invalid);
        assert_eq!(pointer, "/paths/~1things~1{id}/delete/x-esign-cancel/success");
        assert!(message.contains("missing field `success`"), "{message}");
    }

    #[test]
    fn an_unknown_key_is_an_error_at_the_key() {
        let (kind, pointer, _) =
            error_of(&operation("      x-esign-cancel: {target: session, success: canceled, sucess: queued}\n"));
        assert_eq!(kind, ErrorKind::Invalid);
        assert_eq!(pointer, "/paths/~1things~1{id}/delete/x-esign-cancel/sucess");
    }

    #[test]
    fn nested_lists_and_maps_extend_the_pointer() {
        let text = operation(
            "      x-esign-cancel:\n        target: session\n        success: canceled\n        outcomes:\n          - {status: 404, outcome: not-found}\n          - {status: 999, outcome: failed}\n",
        );
        let (_, pointer, message) = error_of(&text);
        assert_eq!(pointer, "/paths/~1things~1{id}/delete/x-esign-cancel/outcomes/1/status");
        assert!(message.contains("100 to 599"), "{message}");
        let text = operation("      x-esign-waiters:\n        gone:\n          min-delay: -1\n          acceptors: [{state: success, status: 404}]\n");
        assert_eq!(error_of(&text).1, "/paths/~1things~1{id}/delete/x-esign-waiters/gone/min-delay");
    }

    #[test]
    fn checks_beyond_the_shape_keep_their_kind() {
        let text = format!(
            "{HEADER}paths: {{}}\ncomponents:\n  schemas:\n    Event:\n      type: object\n      x-esign-event-hash: {{algorithm: md5, key: api-key, message: [/a], hash: /b}}\n      properties:\n        a: {{type: string}}\n"
        );
        let (kind, pointer, _) = error_of(&text);
        assert_eq!(kind, ErrorKind::Unsupported);
        assert_eq!(pointer, "/components/schemas/Event/x-esign-event-hash");
        let (kind, pointer, _) = error_of(&operation("      x-esign-retry-safe: 'yes'\n"));
        assert_eq!((kind, pointer.as_str()), (ErrorKind::Invalid, "/paths/~1things~1{id}/delete/x-esign-retry-safe"));
    }

    #[test]
    fn module_names_and_top_level_extensions() {
        let (kind, pointer, _) =
            error_of("openapi: 3.0.3\ninfo:\n  title: t\n  version: '1'\n  x-esign-module: ' '\npaths: {}\n");
        assert_eq!((kind, pointer.as_str()), (ErrorKind::Invalid, "/info/x-esign-module"));
        let (_, pointer, _) =
            error_of(&format!("{HEADER}x-esign-rate-limit: {{limit: a, remaining: b}}\npaths: {{}}\n"));
        assert_eq!(pointer, "/x-esign-rate-limit/reset");
        let (_, pointer, _) = error_of(&format!("{HEADER}x-esign-envelope: {{field: ok, success: []}}\npaths: {{}}\n"));
        assert_eq!(pointer, "/x-esign-envelope/success");
        let (_, pointer, _) = error_of(&format!(
            "{HEADER}x-esign-retry:\n  unavailable:\n    - {{status: 503, pointer: /a}}\npaths: {{}}\n"
        ));
        assert_eq!(pointer, "/x-esign-retry/unavailable/0");
    }

    #[test]
    fn values_keep_their_checks() {
        let schema = |entry: &str| {
            format!("{HEADER}paths: {{}}\ncomponents:\n  schemas:\n    E:\n      type: string\n      enum: [a]\n      x-esign-values:\n{entry}")
        };
        let (_, pointer, message) = error_of(&schema("        a: {pattern: '('}\n"));
        assert_eq!(pointer, "/components/schemas/E/x-esign-values/a/pattern");
        assert!(message.contains("not a valid regular expression"), "{message}");
        let (_, pointer, _) = error_of(&schema("        a: {value-type: colour}\n"));
        assert_eq!(pointer, "/components/schemas/E/x-esign-values/a/value-type");
        let (_, pointer, _) = error_of(&schema("        a: {descripton: typo}\n"));
        assert_eq!(pointer, "/components/schemas/E/x-esign-values/a/descripton");
        let text = format!(
            "{HEADER}paths: {{}}\ncomponents:\n  schemas:\n    O:\n      type: object\n      properties: {{a: {{type: string}}}}\n      x-esign-violations: {{paterns: bad_a}}\n"
        );
        let (_, pointer, message) = error_of(&text);
        assert_eq!(pointer, "/components/schemas/O/x-esign-violations/paterns");
        assert!(message.contains("unknown variant `paterns`"), "{message}");
    }
}

/// `x-esign-form-style` (on a multipart media type): how nested values are named.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub(super) enum FormStyle {
    /// `name[key]`, `name[]`, `name[0]`.
    Brackets,
}
