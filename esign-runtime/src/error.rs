//! What a call returns when it fails: the [`Error`] every operation
//! returns, the [`RawResponse`] it keeps, failures below HTTP
//! ([`TransportError`]) and a client that cannot be built ([`BuildError`]).

use std::fmt;

use bytes::Bytes;
use reqwest::header::HeaderMap;
use reqwest::StatusCode;

use super::client::RateLimit;
use super::url::redact_url_text;

/// A response kept as received: what every error that saw a response holds.
#[derive(Clone)]
pub struct RawResponse {
    /// The HTTP status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The rate limit, when the API reports one and the headers are present.
    pub rate_limit: Option<RateLimit>,
    /// The body, unchanged (for [`Error::ResponseTooLarge`], its first bytes).
    pub body: Bytes,
    /// Requests sent for this call that may have reached the server (more
    /// than one after retries).
    pub attempts: u32,
    /// How many of those lost their answer (timeout, reset connection,
    /// truncated body, 502 or 504): each may have taken effect.
    pub lost_answers: u32,
    /// The pauses before each retry.
    pub waits: Vec<std::time::Duration>,
}

impl RawResponse {
    /// The body as text, with invalid UTF-8 replaced.
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.body)
    }

    /// The wait its `Retry-After` header asks for, in seconds (`120`,
    /// `1.5`) or until an HTTP date (`Sun, 06 Nov 1994 08:49:37 GMT`; one
    /// in the past is no wait), at most
    /// [`RetryPolicy::LONGEST_HEADER_WAIT`](super::RetryPolicy::LONGEST_HEADER_WAIT)
    /// (a year); `None` without one, or when it is neither (negative,
    /// `NaN`, infinite, not ASCII, an obsolete date form). A date is read
    /// against the system clock. Never panics.
    pub fn retry_after(&self) -> Option<std::time::Duration> {
        super::retry::retry_after(&self.headers, super::clock::SharedClock::default().since_epoch())
    }

    /// How long this answer asks to wait when it refuses for the rate
    /// limit: [`Self::retry_after`], else until the reset of its
    /// [`rate_limit`](Self::rate_limit) ([`RateLimit::until_reset`]), else a
    /// second, read against the system clock. At most a year whatever the
    /// headers say; never panics.
    pub fn requested_wait(&self) -> std::time::Duration {
        super::retry::rate_limit_wait(self, super::clock::SharedClock::default().since_epoch())
    }

    /// Whether the body should be read as JSON: the Content-Type says so, or
    /// there is none and the body starts like a JSON object or array.
    pub fn is_json(&self) -> bool {
        match self.headers.get(reqwest::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) {
            Some(ct) => {
                let essence = ct.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
                essence == "application/json" || essence == "text/json" || essence.ends_with("+json")
            }
            None => matches!(self.body.iter().find(|b| !b.is_ascii_whitespace()), Some(b'{' | b'[')),
        }
    }
}

impl fmt::Debug for RawResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // URLs in headers (a redirect's `Location`) are shown with their
        // query values redacted: they can carry a credential.
        struct Headers<'a>(&'a HeaderMap);
        impl fmt::Debug for Headers<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let mut map = f.debug_map();
                for (name, value) in self.0 {
                    if matches!(name.as_str(), "location" | "content-location" | "link" | "refresh") {
                        map.entry(&name, &redact_url_text(&String::from_utf8_lossy(value.as_bytes())));
                    } else {
                        map.entry(&name, value);
                    }
                }
                map.finish()
            }
        }
        f.debug_struct("RawResponse")
            .field("status", &self.status)
            .field("headers", &Headers(&self.headers))
            .field("rate_limit", &self.rate_limit)
            .field("attempts", &self.attempts)
            .field("lost_answers", &self.lost_answers)
            .field("body", &self.text())
            .finish()
    }
}

/// Every way an operation can fail. `E` is the API's documented error body.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error<E> {
    /// The API answered with its documented error body.
    Api {
        /// The parsed error body.
        body: E,
        /// The response it came in, body kept as received.
        response: Box<RawResponse>,
    },
    /// The API answered with a status or content the spec does not document
    /// for this operation (an HTML page from a proxy, say).
    UnexpectedResponse(Box<RawResponse>),
    /// The response was documented, but its body could not be decoded
    /// (truncated or malformed JSON, a missing field).
    Decode {
        /// What the decoder reported.
        message: String,
        /// The response, body kept as received.
        response: Box<RawResponse>,
    },
    /// The request never got a complete response (connection, TLS, timeout).
    Transport(TransportError),
    /// The request was refused before sending (an empty or `..` path
    /// parameter, a missing base URL).
    InvalidRequest(String),
    /// The rate limit says to wait longer than this call may: past what is
    /// left of
    /// [`RetryPolicy::max_rate_limit_wait`](super::RetryPolicy::max_rate_limit_wait)
    /// (20 s by default, all of the call's rate-limit waits together) or
    /// past its deadline. Returned at once, without waiting; send again at
    /// `retry_at`, or allow longer waits. A wait asked for beyond
    /// [`RetryPolicy::LONGEST_HEADER_WAIT`](super::RetryPolicy::LONGEST_HEADER_WAIT)
    /// (a `Retry-After` of `1e20`, a reset of `2^63`) reads as that.
    RateLimited {
        /// When sending may resume (the window's reset, or `Retry-After`).
        retry_at: std::time::SystemTime,
        /// How long the call would have had to wait.
        wanted: std::time::Duration,
        /// The answer that asked to wait; `None` when the client's own count
        /// of the window (shared by its clones) said so before sending.
        response: Option<Box<RawResponse>>,
        /// Requests sent for this call that may have reached the server.
        attempts: u32,
        /// How many of those lost their answer.
        lost_answers: u32,
    },
    /// The answer's body was larger than the client reads
    /// (`ClientBuilder::max_response_bytes`, 16 MiB by default).
    ResponseTooLarge {
        /// The cap, in bytes.
        limit: usize,
        /// The answer: status and headers, and the body's first bytes (up to 4 KiB).
        response: Box<RawResponse>,
    },
    /// The answer came from another origin than the base URL's: a redirect
    /// that a caller-supplied `reqwest::Client` followed. It is not used
    /// (and the request, credentials included, may have gone there: see
    /// `ClientSettings::http`).
    ForeignOrigin {
        /// The origin it came from (scheme, host and port; no path or query).
        origin: String,
        /// Its status and headers (the body is not read).
        response: Box<RawResponse>,
    },
}

impl<E> Error<E> {
    /// The HTTP status, when a response arrived.
    pub fn status(&self) -> Option<StatusCode> {
        self.response().map(|r| r.status)
    }

    /// The response as received, when one arrived.
    pub fn response(&self) -> Option<&RawResponse> {
        match self {
            Error::Api { response, .. }
            | Error::Decode { response, .. }
            | Error::UnexpectedResponse(response)
            | Error::ResponseTooLarge { response, .. }
            | Error::ForeignOrigin { response, .. } => Some(response),
            Error::RateLimited { response, .. } => response.as_deref(),
            Error::Transport(_) | Error::InvalidRequest(_) => None,
        }
    }

    /// Requests sent for this call that may have reached the server (0 when
    /// nothing was sent: the request was refused before sending, or no
    /// connection could be made).
    pub fn attempts(&self) -> u32 {
        match self {
            Error::Transport(err) => err.attempts(),
            Error::RateLimited { attempts, .. } => *attempts,
            Error::InvalidRequest(_) => 0,
            other => other.response().map_or(0, |r| r.attempts),
        }
    }

    /// How many of this call's attempts lost their answer (each may have
    /// taken effect).
    pub fn lost_answers(&self) -> u32 {
        match self {
            Error::Transport(err) => err.lost_answers(),
            Error::RateLimited { lost_answers, .. } => *lost_answers,
            Error::InvalidRequest(_) => 0,
            other => other.response().map_or(0, |r| r.lost_answers),
        }
    }

    /// The raw body, when a response arrived.
    pub fn raw_body(&self) -> Option<&Bytes> {
        self.response().map(|r| &r.body)
    }

    /// The rate limit the response reported, when it did.
    pub fn rate_limit(&self) -> Option<RateLimit> {
        self.response().and_then(|r| r.rate_limit)
    }

    /// The documented error body, when the API sent one.
    pub fn api_error(&self) -> Option<&E> {
        match self {
            Error::Api { body, .. } => Some(body),
            _ => None,
        }
    }
}

impl<E: fmt::Debug> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api { response, .. } => {
                write!(f, "the API answered {}", response.status)?;
                // Server text: control characters shown escaped.
                match error_summary(&response.body) {
                    (Some(name), Some(message)) => write!(f, ": {}: {}", Escaped(&name), Escaped(&message)),
                    (Some(text), None) | (None, Some(text)) => write!(f, ": {}", Escaped(&text)),
                    (None, None) => Ok(()),
                }
            }
            Error::UnexpectedResponse(response) => {
                write!(f, "unexpected response {} ({} bytes)", response.status, response.body.len())
            }
            Error::Decode { message, response } => {
                // The decoder's message quotes the body.
                write!(f, "cannot decode the {} response body: {}", response.status, Escaped(message))
            }
            Error::Transport(err) => write!(f, "{err}"),
            Error::InvalidRequest(message) => write!(f, "invalid request: {}", Escaped(message)),
            Error::RateLimited { retry_at, wanted, response, .. } => {
                let at = retry_at.duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_secs();
                match response {
                    Some(response) => write!(f, "rate limited ({})", response.status)?,
                    None => f.write_str("rate limited (the window is spent)")?,
                }
                write!(
                    f,
                    ": sending may resume in {:.1} s (Unix time {at}), later than this call may wait",
                    wanted.as_secs_f64()
                )
            }
            Error::ResponseTooLarge { limit, response } => {
                write!(f, "the {} response body is larger than the {limit} bytes the client reads", response.status)
            }
            Error::ForeignOrigin { origin, response } => {
                write!(
                    f,
                    "the {} answer came from another origin ({}) after a redirect; not used",
                    response.status,
                    Escaped(origin)
                )
            }
        }
    }
}

/// Text from a server (or anything else not written by this crate), shown
/// so it cannot act on a terminal or forge a log line: control characters
/// (C0 including CR, LF and ESC, DEL, C1) and the invisible marks that
/// reorder text on screen (bidirectional overrides and isolates) are
/// written as escapes: `\r`, `\n`, `\t`, `\u{1b}`. Everything else is
/// written as it is.
pub(super) struct Escaped<'a>(pub &'a str);

impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rest = self.0;
        while let Some(at) = rest.find(needs_escape) {
            f.write_str(&rest[..at])?;
            let c = rest[at..].chars().next().unwrap_or_default();
            match c {
                '\r' => f.write_str("\\r")?,
                '\n' => f.write_str("\\n")?,
                '\t' => f.write_str("\\t")?,
                other => write!(f, "\\u{{{:x}}}", u32::from(other))?,
            }
            rest = &rest[at + c.len_utf8()..];
        }
        f.write_str(rest)?;
        Ok(())
    }
}

/// Whether a character is written escaped by [`Escaped`].
fn needs_escape(c: char) -> bool {
    c.is_control() || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// The longest name or message an error's one-line text quotes from a body.
const SUMMARY_CHARS: usize = 300;

/// The error name and message an API error body carries, found by the
/// names APIs commonly give them (`error_name`/`code`/`error`,
/// `error_msg`/`message`/`detail`/...), in the body's top-level object, one
/// nested object (`{"error": {...}}`) or the first item of a list
/// (`{"messages": [{...}]}`); for the one sentence `Display` prints.
fn error_summary(body: &[u8]) -> (Option<String>, Option<String>) {
    const NAMES: &[&str] = &["error_name", "error_code", "code", "error", "name", "type", "title"];
    const MESSAGES: &[&str] =
        &["error_msg", "error_message", "message", "detail", "error_description", "description", "msg", "reason"];
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) else { return (None, None) };
    let text = |v: &serde_json::Value| -> Option<String> {
        let text = match v {
            serde_json::Value::String(s) if !s.trim().is_empty() => s.trim().to_owned(),
            serde_json::Value::Number(n) => n.to_string(),
            _ => return None,
        };
        Some(if text.chars().count() > SUMMARY_CHARS {
            text.chars().take(SUMMARY_CHARS).chain("...".chars()).collect()
        } else {
            text
        })
    };
    let pick = |object: &serde_json::Map<String, serde_json::Value>, keys: &[&str]| {
        keys.iter().find_map(|key| object.get(*key).and_then(text))
    };
    // The object itself, then what it nests, breadth first, one level deep.
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
    let name = candidates.iter().find_map(|o| pick(o, NAMES));
    let message = candidates.iter().find_map(|o| pick(o, MESSAGES));
    match (name, message) {
        (Some(name), Some(message)) if name == message => (Some(name), None),
        found => found,
    }
}

impl<E: fmt::Debug> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport(err) => Some(err),
            _ => None,
        }
    }
}

impl<E> From<TransportError> for Error<E> {
    fn from(err: TransportError) -> Self {
        Error::Transport(err)
    }
}

/// A failure below HTTP. Its text never includes the URL, which can carry a
/// query-string credential.
#[derive(Debug)]
// The fields are seen by the retry loop in `client`, which counts attempts
// (that may have reached the server) and lost answers.
pub struct TransportError(pub(super) TransportCause, pub(super) u32, pub(super) u32);

/// What went wrong below HTTP.
#[derive(Debug)]
pub(super) enum TransportCause {
    /// The HTTP client failed (connection, timeout, body).
    Http(reqwest::Error),
    /// No response headers arrived within the time the attempt had (the
    /// request timeout, or what was left of the call's deadline).
    NoAnswer(std::time::Duration),
    /// The body did not end within the time the attempt had.
    TimedOut(std::time::Duration),
    /// Nothing of the body arrived for this long (the read timeout).
    Stalled(std::time::Duration),
    /// The call's deadline passed before the next attempt could be sent.
    DeadlinePassed,
}

impl TransportCause {
    /// Whether sending again may help: a timeout, a connection that failed
    /// or broke, a body cut short.
    pub(super) fn is_retryable(&self) -> bool {
        match self {
            TransportCause::Http(err) => {
                err.is_timeout() || err.is_connect() || err.is_request() || err.is_body() || err.is_decode()
            }
            TransportCause::NoAnswer(_) | TransportCause::TimedOut(_) | TransportCause::Stalled(_) => true,
            TransportCause::DeadlinePassed => false,
        }
    }
}

impl TransportError {
    /// How many requests were sent that may have reached the server (0 when
    /// no connection could be made).
    pub fn attempts(&self) -> u32 {
        self.1
    }

    /// How many of those lost their answer (this one included, unless the
    /// connection could not be made): each may have taken effect.
    pub fn lost_answers(&self) -> u32 {
        self.2
    }

    /// Whether the request timed out: no answer or no end of the body in
    /// time, a body that stalled, or the call's deadline.
    pub fn is_timeout(&self) -> bool {
        match &self.0 {
            TransportCause::Http(err) => err.is_timeout(),
            TransportCause::NoAnswer(_)
            | TransportCause::TimedOut(_)
            | TransportCause::Stalled(_)
            | TransportCause::DeadlinePassed => true,
        }
    }

    /// Whether the connection could not be made.
    pub fn is_connect(&self) -> bool {
        match &self.0 {
            TransportCause::Http(err) => err.is_connect(),
            _ => false,
        }
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match &self.0 {
            TransportCause::NoAnswer(wait) => format!("no response within {wait:?}"),
            TransportCause::TimedOut(wait) => format!("the response body did not end within {wait:?}"),
            TransportCause::Stalled(wait) => format!("the response body stalled (nothing for {wait:?})"),
            TransportCause::DeadlinePassed => "the call's deadline passed before it could be sent again".to_owned(),
            TransportCause::Http(err) if err.is_timeout() => "the request timed out".to_owned(),
            TransportCause::Http(err) if err.is_connect() => "the connection could not be made".to_owned(),
            TransportCause::Http(err) if err.is_body() || err.is_decode() => {
                "the response body could not be read whole".to_owned()
            }
            TransportCause::Http(err) if err.is_builder() => "the request could not be built".to_owned(),
            TransportCause::Http(err) if err.is_redirect() => "a redirect could not be followed".to_owned(),
            TransportCause::Http(_) => "the request failed below HTTP".to_owned(),
        };
        write!(f, "transport error: {what}")?;
        if self.1 > 1 {
            write!(f, " (after {} attempts)", self.1)?;
        }
        Ok(())
    }
}

/// The HTTP client's own error is the source (its chain says what the
/// operating system or TLS reported); `Display` stays one sentence.
impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.0 {
            TransportCause::Http(err) => Some(err),
            _ => None,
        }
    }
}

impl From<reqwest::Error> for TransportError {
    fn from(err: reqwest::Error) -> Self {
        TransportError(TransportCause::Http(err.without_url()), 1, 0)
    }
}

/// A client could not be built (a bad or missing base URL).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuildError(pub String);

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot build the client: {}", self.0)
    }
}

impl std::error::Error for BuildError {}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// A response for unit tests (here and in `client`).
    pub(in super::super) fn raw(status: u16, content_type: Option<&str>, body: &'static str) -> RawResponse {
        let mut headers = HeaderMap::new();
        if let Some(ct) = content_type {
            headers.insert(reqwest::header::CONTENT_TYPE, ct.parse().unwrap());
        }
        RawResponse {
            status: StatusCode::from_u16(status).unwrap(),
            headers,
            rate_limit: None,
            body: Bytes::from_static(body.as_bytes()),
            attempts: 1,
            lost_answers: 0,
            waits: Vec::new(),
        }
    }

    fn transport_error() -> TransportError {
        let err = reqwest::Client::new().get("http://[::1").build().expect_err("the URL does not parse");
        TransportError::from(err)
    }

    #[test]
    fn display_keeps_the_status() {
        let err: Error<String> = Error::Api { body: "bad".to_owned(), response: Box::new(raw(404, None, "{}")) };
        assert_eq!(err.to_string(), "the API answered 404 Not Found");
        let body = r#"{"error": {"error_msg": "Unauthorized api key", "error_name": "unauthorized"}}"#;
        let err: Error<String> = Error::Api { body: "x".to_owned(), response: Box::new(raw(401, None, body)) };
        assert_eq!(err.to_string(), "the API answered 401 Unauthorized: unauthorized: Unauthorized api key");
        let body =
            r#"{"status": 0, "messages": [{"code": "invitation.not.exists", "message": "Invitation not found"}]}"#;
        let err: Error<String> = Error::Api { body: "x".to_owned(), response: Box::new(raw(200, None, body)) };
        assert_eq!(err.to_string(), "the API answered 200 OK: invitation.not.exists: Invitation not found");
        let err: Error<String> =
            Error::Api { body: "x".to_owned(), response: Box::new(raw(422, None, r#"{"detail": "bad field"}"#)) };
        assert_eq!(err.to_string(), "the API answered 422 Unprocessable Entity: bad field");
        // Debug keeps the structure.
        assert!(format!("{err:?}").starts_with("Api {"), "{err:?}");
        let err: Error<String> = Error::UnexpectedResponse(Box::new(raw(502, Some("text/html"), "<html>")));
        assert_eq!(err.to_string(), "unexpected response 502 Bad Gateway (6 bytes)");
        let err: Error<String> =
            Error::Decode { message: "EOF while parsing".to_owned(), response: Box::new(raw(200, None, "{")) };
        assert_eq!(err.to_string(), "cannot decode the 200 OK response body: EOF while parsing");
        let err: Error<String> = Error::InvalidRequest("path parameter `id` is empty".to_owned());
        assert_eq!(err.to_string(), "invalid request: path parameter `id` is empty");
        let err: Error<String> = Error::RateLimited {
            retry_at: std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_700_000_060),
            wanted: std::time::Duration::from_millis(2500),
            response: Some(Box::new(raw(429, None, ""))),
            attempts: 1,
            lost_answers: 0,
        };
        assert_eq!(
            err.to_string(),
            "rate limited (429 Too Many Requests): sending may resume in 2.5 s (Unix time 1700000060), later than this call may wait"
        );
        let err: Error<String> = Error::ResponseTooLarge { limit: 10, response: Box::new(raw(200, None, "0123")) };
        assert_eq!(err.to_string(), "the 200 OK response body is larger than the 10 bytes the client reads");
        let err: Error<String> =
            Error::ForeignOrigin { origin: "http://evil.test:81".to_owned(), response: Box::new(raw(200, None, "")) };
        assert_eq!(
            err.to_string(),
            "the 200 OK answer came from another origin (http://evil.test:81) after a redirect; not used"
        );
    }

    #[test]
    fn accessors_see_the_response_when_there_is_one() {
        let mut response = raw(409, Some("application/json"), "{\"error\":\"conflict\"}");
        response.rate_limit = Some(RateLimit { limit: 10, remaining: 0, reset: 5 });
        let err: Error<String> = Error::Api { body: "conflict".to_owned(), response: Box::new(response) };
        assert_eq!(err.status(), Some(StatusCode::CONFLICT));
        assert_eq!(err.raw_body().map(|b| b.as_ref()), Some(&b"{\"error\":\"conflict\"}"[..]));
        assert_eq!(err.rate_limit().map(|r| r.limit), Some(10));
        assert_eq!(err.api_error().map(String::as_str), Some("conflict"));

        let err: Error<String> = Error::UnexpectedResponse(Box::new(raw(500, None, "")));
        assert_eq!(err.status(), Some(StatusCode::INTERNAL_SERVER_ERROR));
        assert!(err.api_error().is_none());

        let err: Error<String> = Error::InvalidRequest("no".to_owned());
        assert!(err.status().is_none() && err.response().is_none() && err.raw_body().is_none());
        assert!(err.rate_limit().is_none());
        assert_eq!((err.attempts(), err.lost_answers()), (0, 0));

        let mut response = raw(504, None, "");
        (response.attempts, response.lost_answers) = (3, 2);
        let err: Error<String> = Error::UnexpectedResponse(Box::new(response));
        assert_eq!((err.attempts(), err.lost_answers()), (3, 2));
        let err: Error<String> = Error::RateLimited {
            retry_at: std::time::SystemTime::now(),
            wanted: std::time::Duration::from_secs(90),
            response: None,
            attempts: 2,
            lost_answers: 1,
        };
        assert_eq!((err.attempts(), err.lost_answers(), err.status()), (2, 1, None));
    }

    #[test]
    fn json_is_recognized_by_content_type_or_by_its_first_byte() {
        assert!(raw(200, Some("application/json; charset=utf-8"), "x").is_json());
        assert!(raw(200, Some("Application/Problem+JSON"), "x").is_json());
        assert!(raw(200, Some("text/json"), "x").is_json());
        assert!(!raw(200, Some("text/html"), "{}").is_json());
        assert!(raw(200, None, "  \n[1]").is_json());
        assert!(raw(200, None, "{\"a\":1}").is_json());
        assert!(!raw(200, None, "ok").is_json());
        assert!(!raw(200, None, "").is_json());
    }

    #[test]
    fn raw_response_text_and_debug_show_the_body() {
        let mut response = raw(200, None, "");
        response.body = Bytes::from_static(b"caf\xc3\xa9 \xff");
        assert_eq!(response.text(), "caf\u{e9} \u{fffd}");
        response.headers.insert(reqwest::header::LOCATION, "https://h.test/next?api_key=sk_live_9".parse().unwrap());
        let shown = format!("{response:?}");
        assert!(shown.starts_with("RawResponse { status: 200,"), "{shown}");
        assert!(
            shown.contains("\"location\": \"https://h.test/next?api_key=<redacted>\"") && !shown.contains("sk_live_9"),
            "{shown}"
        );
        assert!(shown.contains("body: \"caf\u{e9} \u{fffd}\""), "{shown}");
    }

    #[test]
    fn transport_errors_count_attempts_and_chain_sources() {
        let mut err = transport_error();
        assert_eq!(err.attempts(), 1);
        assert!(!err.is_timeout() && !err.is_connect());
        let once = err.to_string();
        assert_eq!(once, "transport error: the request could not be built");
        let source = std::error::Error::source(&err).expect("the HTTP client's error is the source");
        assert!(source.to_string().contains("builder error"), "{source}");
        assert!(!once.contains("attempts"), "{once}");
        err.1 = 3;
        err.2 = 2;
        assert!(err.to_string().contains(" (after 3 attempts)"), "{err}");
        assert_eq!(err.lost_answers(), 2);

        let err: Error<()> = transport_error().into();
        assert!(matches!(err, Error::Transport(_)));
        assert!(std::error::Error::source(&err).is_some());
        assert!(err.to_string().starts_with("transport error: "));
        let err: Error<()> = Error::InvalidRequest("x".to_owned());
        assert!(std::error::Error::source(&err).is_none());
    }

    #[test]
    fn server_text_is_shown_with_control_characters_escaped() {
        let body = "{\"error\": {\"error_name\": \"bad\\r\\nINFO forged\", \"error_msg\": \"\\u001b[2Jgone\\u0007 \\u009b1m \\u007f \\u202eevil\\ttab\"}}";
        let err: Error<String> = Error::Api { body: "x".to_owned(), response: Box::new(raw(400, None, body)) };
        assert_eq!(
            err.to_string(),
            "the API answered 400 Bad Request: bad\\r\\nINFO forged: \\u{1b}[2Jgone\\u{7} \\u{9b}1m \\u{7f} \\u{202e}evil\\ttab"
        );
        let err: Error<String> = Error::Decode {
            message: "unknown variant `a\nb\u{1b}`".to_owned(),
            response: Box::new(raw(200, None, "")),
        };
        assert_eq!(err.to_string(), "cannot decode the 200 OK response body: unknown variant `a\\nb\\u{1b}`");
        // Text without control characters is unchanged, non-ASCII included.
        assert_eq!(Escaped("caf\u{e9} \u{1f600} a\\b").to_string(), "caf\u{e9} \u{1f600} a\\b");
    }

    #[test]
    fn build_error_says_what_went_wrong() {
        assert_eq!(BuildError("no base URL".to_owned()).to_string(), "cannot build the client: no base URL");
    }
}
