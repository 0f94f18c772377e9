//! What a call returns when it fails: the [`Error`] every operation
//! returns, the [`RawResponse`] it keeps, failures below HTTP
//! ([`TransportError`]) and a client that cannot be built ([`BuildError`]).

use std::fmt;

use bytes::Bytes;
use reqwest::header::HeaderMap;
use reqwest::StatusCode;

use super::client::RateLimit;

/// A response kept as received: what every error that saw a response holds.
#[derive(Clone)]
pub struct RawResponse {
    /// The HTTP status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The rate limit, when the API reports one and the headers are present.
    pub rate_limit: Option<RateLimit>,
    /// The body, unchanged.
    pub body: Bytes,
    /// Requests sent for this call (more than one after retries).
    pub attempts: u32,
    /// The pauses before each retry.
    pub waits: Vec<std::time::Duration>,
}

impl RawResponse {
    /// The body as text, with invalid UTF-8 replaced.
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.body)
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
        f.debug_struct("RawResponse")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("rate_limit", &self.rate_limit)
            .field("attempts", &self.attempts)
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
    /// Waiting as the rate limit asks would pass the call's deadline (or
    /// the policy's longest wait); the last response is kept.
    Deadline {
        /// How long the API asked to wait.
        wanted: std::time::Duration,
        /// The response that asked.
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
            | Error::Deadline { response, .. } => Some(response),
            Error::Transport(_) | Error::InvalidRequest(_) => None,
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
            Error::Api { body, response } => write!(f, "the API answered {}: {body:?}", response.status),
            Error::UnexpectedResponse(response) => {
                write!(f, "unexpected response {} ({} bytes)", response.status, response.body.len())
            }
            Error::Decode { message, response } => {
                write!(f, "cannot decode the {} response body: {message}", response.status)
            }
            Error::Transport(err) => write!(f, "{err}"),
            Error::InvalidRequest(message) => write!(f, "invalid request: {message}"),
            Error::Deadline { wanted, response } => write!(
                f,
                "rate limited ({}): waiting {:.1} s would pass the deadline",
                response.status,
                wanted.as_secs_f64()
            ),
        }
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
// The fields are seen by the retry loop in `client`, which counts attempts.
pub struct TransportError(pub(super) TransportCause, pub(super) u32);

/// What went wrong below HTTP.
#[derive(Debug)]
pub(super) enum TransportCause {
    /// The HTTP client failed (connection, timeout, body).
    Http(reqwest::Error),
    /// No response headers arrived in time (streamed calls, whose body has
    /// no overall timeout).
    NoAnswer(std::time::Duration),
}

impl TransportError {
    /// How many attempts were made (more than one after retries).
    pub fn attempts(&self) -> u32 {
        self.1
    }

    /// Whether the request timed out.
    pub fn is_timeout(&self) -> bool {
        match &self.0 {
            TransportCause::Http(err) => err.is_timeout(),
            TransportCause::NoAnswer(_) => true,
        }
    }

    /// Whether the connection could not be made.
    pub fn is_connect(&self) -> bool {
        match &self.0 {
            TransportCause::Http(err) => err.is_connect(),
            TransportCause::NoAnswer(_) => false,
        }
    }

    /// Whether sending again may help: a timeout, a connection that failed
    /// or dropped, a request or body that could not be sent or read.
    pub(super) fn is_retryable(&self) -> bool {
        match &self.0 {
            TransportCause::Http(err) => err.is_timeout() || err.is_connect() || err.is_request() || err.is_body(),
            TransportCause::NoAnswer(_) => true,
        }
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            TransportCause::Http(err) => write!(f, "transport error: {err}")?,
            TransportCause::NoAnswer(wait) => write!(f, "transport error: no response within {wait:?}")?,
        }
        if self.1 > 1 {
            write!(f, " (after {} attempts)", self.1)?;
        }
        if let TransportCause::Http(err) = &self.0 {
            let mut source = std::error::Error::source(err);
            while let Some(err) = source {
                write!(f, ": {err}")?;
                source = err.source();
            }
        }
        Ok(())
    }
}

impl std::error::Error for TransportError {}

impl From<reqwest::Error> for TransportError {
    fn from(err: reqwest::Error) -> Self {
        TransportError(TransportCause::Http(err.without_url()), 1)
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
mod tests {
    use super::*;

    fn raw(status: u16, content_type: Option<&str>, body: &'static str) -> RawResponse {
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
        assert_eq!(err.to_string(), "the API answered 404 Not Found: \"bad\"");
        let err: Error<String> = Error::UnexpectedResponse(Box::new(raw(502, Some("text/html"), "<html>")));
        assert_eq!(err.to_string(), "unexpected response 502 Bad Gateway (6 bytes)");
        let err: Error<String> =
            Error::Decode { message: "EOF while parsing".to_owned(), response: Box::new(raw(200, None, "{")) };
        assert_eq!(err.to_string(), "cannot decode the 200 OK response body: EOF while parsing");
        let err: Error<String> = Error::InvalidRequest("path parameter `id` is empty".to_owned());
        assert_eq!(err.to_string(), "invalid request: path parameter `id` is empty");
        let err: Error<String> =
            Error::Deadline { wanted: std::time::Duration::from_millis(2500), response: Box::new(raw(429, None, "")) };
        assert_eq!(err.to_string(), "rate limited (429 Too Many Requests): waiting 2.5 s would pass the deadline");
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
        let shown = format!("{response:?}");
        assert!(shown.starts_with("RawResponse { status: 200,"), "{shown}");
        assert!(shown.contains("body: \"caf\u{e9} \u{fffd}\""), "{shown}");
    }

    #[test]
    fn transport_errors_count_attempts_and_chain_sources() {
        let mut err = transport_error();
        assert_eq!(err.attempts(), 1);
        assert!(!err.is_timeout() && !err.is_connect());
        let once = err.to_string();
        assert!(once.starts_with("transport error: builder error"), "{once}");
        assert!(!once.contains("attempts"), "{once}");
        err.1 = 3;
        assert!(err.to_string().contains(" (after 3 attempts)"), "{err}");

        let err: Error<()> = transport_error().into();
        assert!(matches!(err, Error::Transport(_)));
        assert!(std::error::Error::source(&err).is_some());
        assert!(err.to_string().starts_with("transport error: "));
        let err: Error<()> = Error::InvalidRequest("x".to_owned());
        assert!(std::error::Error::source(&err).is_none());
    }

    #[test]
    fn build_error_says_what_went_wrong() {
        assert_eq!(BuildError("no base URL".to_owned()).to_string(), "cannot build the client: no base URL");
    }
}
