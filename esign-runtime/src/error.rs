//! What a call returns when it fails: the [`Error`] every operation
//! returns, the [`RawResponse`] it keeps, failures below HTTP
//! ([`TransportError`]) and a client that cannot be built ([`BuildError`]);
//! the [`ErrorMetadata`] an error body supplies to [`Error`]'s `Display`.

use std::fmt;

use bytes::Bytes;
use reqwest::header::HeaderMap;
use reqwest::StatusCode;

use crate::rate_limit::{requested_wait, retry_after, RateLimit};
use crate::url::redact_url_text;

mod metadata;

pub use metadata::ErrorMetadata;

/// A response kept as received: what every error that saw a response holds.
///
/// `#[non_exhaustive]`: it may learn more of a call without breaking
/// callers. Code that needs one of its own (a test of a function that takes
/// one, a fake transport) starts from [`RawResponse::new`].
#[derive(Clone)]
#[non_exhaustive]
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
    /// A response with this status, headers and body, as one attempt
    /// answered it at once: no rate limit read, no lost answer, no wait.
    /// Set the public fields afterwards for anything else.
    pub fn new(status: StatusCode, headers: HeaderMap, body: impl Into<Bytes>) -> Self {
        RawResponse {
            status,
            headers,
            rate_limit: None,
            body: body.into(),
            attempts: 1,
            lost_answers: 0,
            waits: Vec::new(),
        }
    }

    /// The body as text, with invalid UTF-8 replaced.
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.body)
    }

    /// The wait its `Retry-After` header asks for, in seconds (`120`,
    /// `1.5`) or until an HTTP date (`Sun, 06 Nov 1994 08:49:37 GMT`; one
    /// in the past is no wait), at most
    /// [`RetryPolicy::LONGEST_HEADER_WAIT`](crate::RetryPolicy::LONGEST_HEADER_WAIT)
    /// (a year); `None` without one, or when it is neither (negative,
    /// `NaN`, infinite, not ASCII, an obsolete date form). A date is read
    /// against the system clock. Never panics.
    pub fn retry_after(&self) -> Option<std::time::Duration> {
        retry_after(&self.headers, crate::clock::SharedClock::default().since_epoch())
    }

    /// How long this answer asks to wait when it refuses for the rate
    /// limit: [`Self::retry_after`], else until the reset of its
    /// [`rate_limit`](Self::rate_limit) ([`RateLimit::until_reset`]), else a
    /// second, read against the system clock. At most a year whatever the
    /// headers say; never panics.
    pub fn requested_wait(&self) -> std::time::Duration {
        requested_wait(&self.headers, self.rate_limit, crate::clock::SharedClock::default().since_epoch())
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
    /// [`RetryPolicy::max_rate_limit_wait`](crate::RetryPolicy::max_rate_limit_wait)
    /// (20 s by default, all of the call's rate-limit waits together) or
    /// past its deadline. Returned at once, without waiting; send again at
    /// `retry_at`, or allow longer waits. A wait asked for beyond
    /// [`RetryPolicy::LONGEST_HEADER_WAIT`](crate::RetryPolicy::LONGEST_HEADER_WAIT)
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

impl<E: fmt::Debug + ErrorMetadata> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api { body, response } => {
                write!(f, "the API answered {}", response.status)?;
                // Server text: control characters shown escaped.
                match metadata::summary(body, &response.body) {
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

impl<E: fmt::Debug + ErrorMetadata> std::error::Error for Error<E> {
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

/// A client could not be built: what failed. Its text never repeats a
/// query value or user information of the base URL.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum BuildError {
    /// No base URL: the spec names no server, and none was set
    /// (`ClientBuilder::base_url`).
    NoBaseUrl,
    /// The base URL is not an absolute URL (the parser's reason).
    BaseUrlNotAbsolute(String),
    /// The base URL carries user information (`user:password@`):
    /// credentials go in `ClientBuilder::credentials`.
    BaseUrlUserInfo,
    /// The base URL (as shown: query values redacted) is not an http or
    /// https URL with a host.
    BaseUrlNotHttp(String),
    /// The base URL (as shown: query values redacted) has a query or a
    /// fragment.
    BaseUrlQueryOrFragment(String),
    /// The HTTP client could not be built (reqwest's reason).
    HttpClient(String),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("cannot build the client: ")?;
        match self {
            BuildError::NoBaseUrl => f.write_str("the spec names no server: set one with `ClientBuilder::base_url`"),
            BuildError::BaseUrlNotAbsolute(why) => write!(f, "the base URL is not an absolute URL ({why})"),
            BuildError::BaseUrlUserInfo => f.write_str(
                "the base URL may not carry user information (`user:password@`): give credentials with `ClientBuilder::credentials`",
            ),
            BuildError::BaseUrlNotHttp(shown) => write!(f, "base URL `{shown}` must be an absolute http or https URL"),
            BuildError::BaseUrlQueryOrFragment(shown) => write!(f, "base URL `{shown}` may not have a query or fragment"),
            BuildError::HttpClient(why) => write!(f, "cannot build the HTTP client: {why}"),
        }
    }
}

impl std::error::Error for BuildError {}

/// A callback body that could not be used.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CallbackError {
    /// Larger than the limit given to the parser.
    TooLarge {
        /// The limit, in bytes.
        limit: usize,
    },
    /// Not multipart with the event field, and not JSON.
    Malformed(String),
    /// The event's hash does not match: not sent by the provider, or not for this key.
    Forged,
    /// The key to verify with is empty: an event hashed with the empty key,
    /// which anyone can make, would verify. Nothing is accepted with it.
    EmptyKey,
    /// Its typed form would take more than `budget` bytes of memory: the
    /// body is far denser in values than any the provider sends (a hash
    /// that vouches for a few fields says nothing of the rest).
    TooDense {
        /// The budget, in bytes.
        budget: usize,
    },
}

impl fmt::Display for CallbackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CallbackError::TooLarge { limit } => write!(f, "callback body over {limit} bytes"),
            // It may quote the body or its Content-Type: control characters escaped.
            CallbackError::Malformed(why) => write!(f, "malformed callback: {}", Escaped(why)),
            CallbackError::Forged => f.write_str("callback event hash does not verify"),
            CallbackError::EmptyKey => f.write_str("the key to verify callbacks with is empty"),
            CallbackError::TooDense { budget } => {
                write!(f, "callback would take over {budget} bytes of memory once parsed")
            }
        }
    }
}

impl std::error::Error for CallbackError {}

#[cfg(test)]
pub(crate) mod tests;
