//! The shared runtime of the generated clients: credentials that never print,
//! URL building that keeps every path parameter in one segment, sending, and
//! the one error type every operation returns.
//!
//! This file is copied verbatim by the generator into every crate it emits;
//! edit it in the generator, never in a generated crate.

use std::fmt;

pub use bytes::Bytes;
pub use reqwest;
pub use reqwest::header::HeaderMap;
pub use reqwest::StatusCode;

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

/// Rate-limit state read from response headers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RateLimit {
    /// Requests allowed in the window.
    pub limit: u64,
    /// Requests left in the window.
    pub remaining: u64,
    /// Unix time (seconds) at which the window resets.
    pub reset: u64,
}

/// The names of the headers that carry a [`RateLimit`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimitHeaders {
    /// Requests allowed in the window.
    pub limit: &'static str,
    /// Requests left in the window.
    pub remaining: &'static str,
    /// Unix time at which the window resets.
    pub reset: &'static str,
}

impl RateLimitHeaders {
    /// Reads the rate limit; `None` unless all three headers are present and numeric.
    pub fn read(&self, headers: &HeaderMap) -> Option<RateLimit> {
        let number = |name: &str| headers.get(name)?.to_str().ok()?.trim().parse::<u64>().ok();
        Some(RateLimit { limit: number(self.limit)?, remaining: number(self.remaining)?, reset: number(self.reset)? })
    }
}

/// A response the client could use.
#[derive(Clone, Debug)]
pub struct Response<T, W = serde_json::Value> {
    /// The HTTP status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The rate limit, when the API reports one and the headers are present.
    pub rate_limit: Option<RateLimit>,
    /// Requests sent for this call (more than one after retries).
    pub attempts: u32,
    /// The pauses before each retry.
    pub waits: Vec<std::time::Duration>,
    /// Warnings that came with the body, when the API reports them.
    pub warnings: Vec<W>,
    /// The parsed body.
    pub body: T,
}

impl<T, W> Response<T, W> {
    /// The body, dropping status and headers.
    pub fn into_body(self) -> T {
        self.body
    }
}

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
pub struct TransportError(reqwest::Error, u32);

impl TransportError {
    /// How many attempts were made (more than one after retries).
    pub fn attempts(&self) -> u32 {
        self.1
    }

    /// Whether the request timed out.
    pub fn is_timeout(&self) -> bool {
        self.0.is_timeout()
    }

    /// Whether the connection could not be made.
    pub fn is_connect(&self) -> bool {
        self.0.is_connect()
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "transport error: {}", self.0)?;
        if self.1 > 1 {
            write!(f, " (after {} attempts)", self.1)?;
        }
        let mut source = std::error::Error::source(&self.0);
        while let Some(err) = source {
            write!(f, ": {err}")?;
            source = err.source();
        }
        Ok(())
    }
}

impl std::error::Error for TransportError {}

impl From<reqwest::Error> for TransportError {
    fn from(err: reqwest::Error) -> Self {
        TransportError(err.without_url(), 1)
    }
}

/// Characters left as they are in a path segment: RFC 3986 unreserved.
/// Everything else, `/`, `?`, `#` and `%` included, is percent-encoded.
const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// Appends `value` to `path` as exactly one percent-encoded segment.
///
/// Refuses values that cannot stay one segment: empty, `.` and `..` (which
/// URL parsers resolve however they are encoded).
pub fn push_path_segment(path: &mut String, name: &str, value: &str) -> Result<(), String> {
    if value.is_empty() {
        return Err(format!("path parameter `{name}` is empty"));
    }
    if value == "." || value == ".." {
        return Err(format!("path parameter `{name}` may not be `{value}`"));
    }
    path.extend(percent_encoding::utf8_percent_encode(value, SEGMENT));
    Ok(())
}

/// What a generated client holds: the HTTP client, where to send, and how to
/// authenticate.
#[derive(Clone, Debug)]
pub struct ClientCore {
    http: reqwest::Client,
    base_url: String,
    auth: Auth,
    rate_limit: Option<RateLimitHeaders>,
    retry: RetryPolicy,
    rules: RetryRules,
}

impl ClientCore {
    /// Checks the base URL and builds the core. The URL must be absolute
    /// http(s); a trailing `/` is dropped.
    pub fn new(
        http: reqwest::Client,
        base_url: &str,
        auth: Auth,
        rate_limit: Option<RateLimitHeaders>,
    ) -> Result<Self, BuildError> {
        let parsed = reqwest::Url::parse(base_url).map_err(|err| BuildError(format!("base URL `{base_url}`: {err}")))?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.cannot_be_a_base() {
            return Err(BuildError(format!("base URL `{base_url}` must be an absolute http or https URL")));
        }
        if parsed.query().is_some() || parsed.fragment().is_some() {
            return Err(BuildError(format!("base URL `{base_url}` may not have a query or fragment")));
        }
        Ok(ClientCore {
            http,
            base_url: base_url.trim_end_matches('/').to_owned(),
            auth,
            rate_limit,
            retry: RetryPolicy::default(),
            rules: RetryRules::DEFAULT,
        })
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Sets the retry policy and the spec's rules for what is retried.
    pub fn with_retry(mut self, retry: RetryPolicy, rules: RetryRules) -> Self {
        self.retry = retry;
        self.rules = rules;
        self
    }

    /// The retry policy in force.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.retry
    }

    /// Starts a request to `path` (already encoded) with `query` pairs
    /// (encoded here), authenticated unless `authenticated` is false.
    /// An error is the reason the request cannot be built.
    pub fn request<K: AsRef<str>>(
        &self,
        method: reqwest::Method,
        path: &str,
        query: &[(K, String)],
        authenticated: bool,
    ) -> Result<reqwest::RequestBuilder, String> {
        let mut url = reqwest::Url::parse(&format!("{}{}", self.base_url, path))
            .map_err(|err| format!("cannot build the request URL: {err}"))?;
        let auth = if authenticated { &self.auth } else { &Auth::None };
        if !query.is_empty() || matches!(auth, Auth::Query { .. }) {
            let mut pairs = url.query_pairs_mut();
            for (name, value) in query {
                pairs.append_pair(name.as_ref(), value);
            }
            if let Auth::Query { name, value } = auth {
                pairs.append_pair(name, value.expose());
            }
        }
        let mut builder = self.http.request(method, url);
        builder = match auth {
            Auth::None | Auth::Query { .. } => builder,
            Auth::Basic { username, password } => builder.basic_auth(username.expose(), Some(password.expose())),
            Auth::Bearer(token) => builder.bearer_auth(token.expose()),
            Auth::Header { name, value } => {
                let mut value = reqwest::header::HeaderValue::from_str(value.expose())
                    .map_err(|_| format!("the `{name}` credential is not a valid header value"))?;
                value.set_sensitive(true);
                builder.header(*name, value)
            }
            Auth::Cookie { name, value } => {
                let mut value = reqwest::header::HeaderValue::from_str(&format!("{name}={}", value.expose()))
                    .map_err(|_| format!("the `{name}` cookie is not a valid header value"))?;
                value.set_sensitive(true);
                builder.header(reqwest::header::COOKIE, value)
            }
        };
        Ok(builder)
    }

    /// Sends a request once and reads the whole response.
    pub async fn send(&self, request: reqwest::RequestBuilder) -> Result<RawResponse, TransportError> {
        let request = match self.retry.request_timeout {
            Some(timeout) => request.timeout(timeout),
            None => request,
        };
        let mut response = request.send().await?;
        let status = response.status();
        let headers = std::mem::take(response.headers_mut());
        let body = response.bytes().await?;
        let rate_limit = self.rate_limit.as_ref().and_then(|names| names.read(&headers));
        Ok(RawResponse { status, headers, rate_limit, body, attempts: 1, waits: Vec::new() })
    }

    /// Sends a request, retrying as the policy and the spec's rules allow:
    /// rate-limited answers wait for `Retry-After` or the rate-limit reset;
    /// unavailable answers, timeouts and connection failures back off
    /// exponentially with jitter. Only `call.retry_safe` calls are retried.
    ///
    /// `build` makes the request; it runs once per attempt, so nothing is
    /// copied unless a retry happens.
    pub async fn send_with_retry<E, B>(&self, build: B, call: CallInfo) -> Result<RawResponse, Error<E>>
    where
        B: Fn() -> Result<reqwest::RequestBuilder, Error<E>>,
    {
        let started = std::time::Instant::now();
        let deadline = self.retry.deadline.map(|d| started + d);
        let mut waits = Vec::new();
        let mut attempt = 1u32;
        loop {
            let retry_possible = call.retry_safe && attempt < self.retry.max_attempts.max(1);
            let mut outcome = self.send(build()?).await;
            match &mut outcome {
                Ok(raw) => {
                    raw.attempts = attempt;
                    raw.waits.clone_from(&waits);
                }
                Err(err) => err.1 = attempt,
            }
            if !retry_possible {
                return outcome.map_err(Error::Transport);
            }
            let (wait, reason, status) = match &outcome {
                Ok(raw) if self.rules.matches(self.rules.rate_limited, raw) => {
                    let wanted = rate_limit_wait(raw);
                    let too_long = wanted > self.retry.max_rate_limit_wait
                        || deadline.is_some_and(|d| std::time::Instant::now() + wanted > d);
                    if too_long {
                        let raw = outcome.unwrap_or_else(|_| unreachable!("matched Ok above"));
                        return Err(Error::Deadline { wanted, response: Box::new(raw) });
                    }
                    (wanted, "rate limited", Some(raw.status.as_u16()))
                }
                Ok(raw) if self.rules.matches(self.rules.unavailable, raw) => {
                    (self.retry.backoff(attempt), "unavailable", Some(raw.status.as_u16()))
                }
                Err(err) if err.0.is_timeout() || err.0.is_connect() || err.0.is_request() || err.0.is_body() => {
                    (self.retry.backoff(attempt), "transport", None)
                }
                _ => return outcome.map_err(Error::Transport),
            };
            if deadline.is_some_and(|d| std::time::Instant::now() + wait > d) {
                return outcome.map_err(Error::Transport);
            }
            if let Some(hook) = &self.retry.on_retry {
                hook(&RetryEvent { method: call.method, path: call.path, attempt, status, reason, wait });
            }
            tokio::time::sleep(wait).await;
            waits.push(wait);
            attempt += 1;
        }
    }
}

/// What a generated method tells the retry loop about its call.
#[derive(Clone, Copy, Debug)]
pub struct CallInfo {
    /// Whether the call may be sent again (the spec marks it, or the method is idempotent).
    pub retry_safe: bool,
    /// The HTTP method, for the retry hook.
    pub method: &'static str,
    /// The path template (no ids, no query), for the retry hook.
    pub path: &'static str,
}

/// When to retry, how often and how long to wait; on by default.
#[derive(Clone)]
pub struct RetryPolicy {
    /// Requests per call at most, the first included (1: never retry).
    pub max_attempts: u32,
    /// The first back-off pause, doubled on each retry (with jitter).
    pub base_delay: std::time::Duration,
    /// The longest back-off pause.
    pub max_delay: std::time::Duration,
    /// The longest wait for a rate limit to reset; asked to wait longer,
    /// the call fails with [`Error::Deadline`].
    pub max_rate_limit_wait: std::time::Duration,
    /// An overall deadline per call, retries and waits included.
    pub deadline: Option<std::time::Duration>,
    /// The timeout of each request.
    pub request_timeout: Option<std::time::Duration>,
    /// Called before each retry's pause. It sees the method, the path
    /// template, the status and the wait: never a credential or an id.
    pub on_retry: Option<RetryHook>,
}

/// A function called before each retry.
pub type RetryHook = std::sync::Arc<dyn Fn(&RetryEvent) + Send + Sync>;

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 5,
            base_delay: std::time::Duration::from_millis(250),
            max_delay: std::time::Duration::from_secs(20),
            max_rate_limit_wait: std::time::Duration::from_secs(3600),
            deadline: None,
            request_timeout: Some(std::time::Duration::from_secs(60)),
            on_retry: None,
        }
    }
}

impl RetryPolicy {
    /// Never retry (the request timeout stays).
    pub fn never() -> Self {
        RetryPolicy { max_attempts: 1, ..RetryPolicy::default() }
    }

    /// The pause before retry number `attempt`: exponential, capped, with
    /// full jitter above half of it.
    pub fn backoff(&self, attempt: u32) -> std::time::Duration {
        let exponential = self.base_delay.saturating_mul(1u32 << attempt.saturating_sub(1).min(16)).min(self.max_delay);
        exponential.mul_f64(0.5 + 0.5 * fastrand::f64())
    }
}

impl fmt::Debug for RetryPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RetryPolicy")
            .field("max_attempts", &self.max_attempts)
            .field("base_delay", &self.base_delay)
            .field("max_delay", &self.max_delay)
            .field("max_rate_limit_wait", &self.max_rate_limit_wait)
            .field("deadline", &self.deadline)
            .field("request_timeout", &self.request_timeout)
            .field("on_retry", &self.on_retry.as_ref().map(|_| "Fn"))
            .finish()
    }
}

/// One retry, as the hook sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryEvent {
    /// The HTTP method.
    pub method: &'static str,
    /// The path template (no ids, no query string).
    pub path: &'static str,
    /// The attempt that failed (1 is the first).
    pub attempt: u32,
    /// Its status, when a response arrived.
    pub status: Option<u16>,
    /// `rate limited`, `unavailable` or `transport`.
    pub reason: &'static str,
    /// The pause before the next attempt.
    pub wait: std::time::Duration,
}

/// A response the spec says to retry: a status, and optionally a JSON
/// pointer into the body with the text it must hold.
#[derive(Clone, Copy, Debug)]
pub struct RetryMatch {
    /// The status.
    pub status: u16,
    /// The pointer and its text, if the status alone is not enough.
    pub pointer: Option<(&'static str, &'static str)>,
}

/// The spec's retry rules (`x-esign-retry`).
#[derive(Clone, Copy, Debug)]
pub struct RetryRules {
    /// Answers that mean "rate limited": wait for the reset, then retry.
    pub rate_limited: &'static [RetryMatch],
    /// Answers that mean "try again later": back off, then retry.
    pub unavailable: &'static [RetryMatch],
}

impl RetryRules {
    /// 429 is rate limited; 502, 503 and 504 are unavailable.
    pub const DEFAULT: RetryRules = RetryRules {
        rate_limited: &[RetryMatch { status: 429, pointer: None }],
        unavailable: &[
            RetryMatch { status: 502, pointer: None },
            RetryMatch { status: 503, pointer: None },
            RetryMatch { status: 504, pointer: None },
        ],
    };

    fn matches(&self, list: &[RetryMatch], raw: &RawResponse) -> bool {
        list.iter().any(|m| {
            m.status == raw.status.as_u16()
                && m.pointer.is_none_or(|(pointer, expected)| {
                    serde_json::from_slice::<serde_json::Value>(&raw.body)
                        .ok()
                        .and_then(|body| body.pointer(pointer).map(value_text))
                        .is_some_and(|text| text == expected)
                })
        })
    }
}

/// How long a rate-limited answer asks to wait: `Retry-After` (seconds),
/// else until the rate-limit reset (Unix time), else a second.
fn rate_limit_wait(raw: &RawResponse) -> std::time::Duration {
    let retry_after = raw
        .headers
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s >= 0.0);
    if let Some(seconds) = retry_after {
        return std::time::Duration::from_secs_f64(seconds);
    }
    if let Some(limit) = raw.rate_limit {
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
        let reset = std::time::Duration::from_secs(limit.reset);
        // The reset is whole seconds: wait just past it.
        return reset.saturating_sub(now) + std::time::Duration::from_millis(50);
    }
    std::time::Duration::from_secs(1)
}

/// Decodes a documented JSON body; a body that does not decode is a
/// [`Error::Decode`] that keeps the response.
pub fn decode_json<T: serde::de::DeserializeOwned, E>(response: RawResponse) -> Result<(T, RawResponse), Error<E>> {
    match serde_json::from_slice::<T>(&response.body) {
        Ok(value) => Ok((value, response)),
        Err(err) => Err(Error::Decode { message: err.to_string(), response: Box::new(response) }),
    }
}

/// An undocumented response, kept whole.
pub fn unexpected<E>(response: RawResponse) -> Error<E> {
    Error::UnexpectedResponse(Box::new(response))
}

/// Turns a documented error response into an [`Error`]: the typed body when
/// it is JSON and decodes, [`Error::Decode`] when it is JSON and does not,
/// [`Error::UnexpectedResponse`] when it is not JSON at all.
pub fn api_error<E: serde::de::DeserializeOwned>(response: RawResponse) -> Error<E> {
    if !response.is_json() {
        return Error::UnexpectedResponse(Box::new(response));
    }
    match serde_json::from_slice::<E>(&response.body) {
        Ok(body) => Error::Api { body, response: Box::new(response) },
        Err(err) => Error::Decode { message: err.to_string(), response: Box::new(response) },
    }
}

/// Reads optional warnings from a successful body; a body without them (or
/// an empty one) has none.
pub fn warnings<T: serde::de::DeserializeOwned>(body: &[u8]) -> Option<T> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return None;
    }
    serde_json::from_slice(body).ok()
}

/// The text of a JSON value where text is needed (a path segment, a
/// header, a query or form value): strings as they are, numbers and
/// booleans as written, `null` as nothing, arrays and objects as JSON.
pub fn value_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// [`value_text`] of any serializable value.
pub fn param_text<T: serde::Serialize + ?Sized>(value: &T) -> Result<String, String> {
    let value = serde_json::to_value(value).map_err(|err| format!("cannot encode a parameter: {err}"))?;
    Ok(value_text(&value))
}

/// Adds a structured query parameter: arrays repeat the name (or join with
/// `,` when not exploded); objects become `key=value` pairs when exploded,
/// `name[key]=value` for `deepObject`, or `name=k1,v1,k2,v2` otherwise.
pub fn push_query<T: serde::Serialize + ?Sized>(
    query: &mut Vec<(String, String)>,
    name: &str,
    value: &T,
    explode: bool,
    deep_object: bool,
) -> Result<(), String> {
    let value = serde_json::to_value(value).map_err(|err| format!("cannot encode query parameter `{name}`: {err}"))?;
    match value {
        serde_json::Value::Null => {}
        serde_json::Value::Array(items) if explode => {
            query.extend(items.iter().map(|item| (name.to_owned(), value_text(item))));
        }
        serde_json::Value::Array(items) => {
            let joined: Vec<String> = items.iter().map(value_text).collect();
            query.push((name.to_owned(), joined.join(",")));
        }
        serde_json::Value::Object(map) if deep_object => {
            query.extend(map.iter().map(|(key, item)| (format!("{name}[{key}]"), value_text(item))));
        }
        serde_json::Value::Object(map) if explode => {
            query.extend(map.iter().map(|(key, item)| (key.clone(), value_text(item))));
        }
        serde_json::Value::Object(map) => {
            let joined: Vec<String> = map.iter().flat_map(|(key, item)| [key.clone(), value_text(item)]).collect();
            query.push((name.to_owned(), joined.join(",")));
        }
        scalar => query.push((name.to_owned(), value_text(&scalar))),
    }
    Ok(())
}

/// `application/x-www-form-urlencoded`: characters other than these are encoded.
const FORM: &percent_encoding::AsciiSet =
    &percent_encoding::NON_ALPHANUMERIC.remove(b'*').remove(b'-').remove(b'.').remove(b'_');

fn form_encode(out: &mut String, text: &str) {
    for chunk in percent_encoding::utf8_percent_encode(text, FORM) {
        out.push_str(&chunk.replace("%20", "+"));
    }
}

/// Encodes an object as `application/x-www-form-urlencoded`: one pair per
/// property, arrays repeating the name, `null` left out.
pub fn form_urlencoded<T: serde::Serialize + ?Sized>(value: &T) -> Result<String, String> {
    let value = serde_json::to_value(value).map_err(|err| format!("cannot encode the form body: {err}"))?;
    let serde_json::Value::Object(map) = value else {
        return Err("a form body must be an object".to_owned());
    };
    let mut out = String::new();
    let mut add = |key: &str, text: String| {
        if !out.is_empty() {
            out.push('&');
        }
        form_encode(&mut out, key);
        out.push('=');
        form_encode(&mut out, &text);
    };
    for (key, item) in &map {
        match item {
            serde_json::Value::Null => {}
            serde_json::Value::Array(items) => items.iter().for_each(|i| add(key, value_text(i))),
            other => add(key, value_text(other)),
        }
    }
    Ok(out)
}

/// A file to upload in a multipart body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FilePart {
    /// The file's contents.
    pub bytes: Bytes,
    /// The file name sent with it, if any.
    pub file_name: Option<String>,
    /// Its media type; otherwise the spec's, otherwise `application/octet-stream`.
    pub content_type: Option<String>,
}

impl FilePart {
    /// A file from its contents.
    pub fn new(bytes: impl Into<Bytes>) -> Self {
        FilePart { bytes: bytes.into(), file_name: None, content_type: None }
    }

    /// Sets the file name.
    pub fn file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = Some(name.into());
        self
    }

    /// Sets the media type.
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    /// The part to send; `default_type` is the spec's encoding, if any.
    #[cfg(feature = "multipart")]
    pub fn to_part(&self, default_type: Option<&str>) -> Result<reqwest::multipart::Part, String> {
        let mut part = reqwest::multipart::Part::stream(self.bytes.clone());
        if let Some(name) = &self.file_name {
            part = part.file_name(name.clone());
        }
        let media = self.content_type.as_deref().or(default_type).unwrap_or("application/octet-stream");
        part.mime_str(media).map_err(|err| format!("media type `{media}`: {err}"))
    }
}

/// A text part; `content_type` is the spec's encoding, if any.
#[cfg(feature = "multipart")]
pub fn text_part(text: String, content_type: Option<&str>) -> Result<reqwest::multipart::Part, String> {
    let part = reqwest::multipart::Part::text(text);
    match content_type {
        Some(media) => part.mime_str(media).map_err(|err| format!("media type `{media}`: {err}")),
        None => Ok(part),
    }
}

/// A part holding a value as JSON.
#[cfg(feature = "multipart")]
pub fn json_part<T: serde::Serialize + ?Sized>(
    value: &T,
    content_type: Option<&str>,
) -> Result<reqwest::multipart::Part, String> {
    let text = serde_json::to_string(value).map_err(|err| format!("cannot encode a multipart part: {err}"))?;
    text_part(text, Some(content_type.unwrap_or("application/json")))
}

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

/// The success-envelope rule (`x-esign-envelope`): whether a 2xx body's
/// `field` holds one of the `success` values (text compared without regard
/// to case). A body that is not a JSON object, or lacks the field, failed.
pub fn envelope_succeeded(body: &[u8], field: &str, success: &[&str]) -> bool {
    let Ok(serde_json::Value::Object(map)) = serde_json::from_slice::<serde_json::Value>(body) else {
        return false;
    };
    match map.get(field) {
        Some(serde_json::Value::Null) | None => false,
        Some(value) => {
            let text = value_text(value);
            success.iter().any(|s| s.eq_ignore_ascii_case(text.trim()))
        }
    }
}

/// What a provider-neutral cancel acts on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CancelTarget {
    /// A signature request (Dropbox Sign).
    SignatureRequest,
    /// A signing session (Constellation1 eSign).
    Session,
    /// An invitation to sign (Leegality).
    Invitation,
}

/// A provider-neutral cancel request.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CancelRequest {
    /// The id of what to cancel (a signature request id, a session id, a sign URL or its UUID).
    pub id: String,
    /// Where to send the signer afterwards, for providers that take one.
    pub return_url: Option<String>,
}

impl CancelRequest {
    /// A request to cancel `id`.
    pub fn new(id: impl Into<String>) -> Self {
        CancelRequest { id: id.into(), return_url: None }
    }

    /// Sets the return URL.
    pub fn return_url(mut self, url: impl Into<String>) -> Self {
        self.return_url = Some(url.into());
        self
    }
}

/// How a cancel ended.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CancelOutcome {
    /// Canceled now.
    Canceled,
    /// Accepted and queued; the provider confirms later.
    Queued,
    /// The provider refused: the target is in a state that cannot be canceled.
    NotEligible {
        /// The provider's reason.
        reason: String,
    },
    /// The target does not exist (or is already gone).
    NotFound {
        /// The provider's reason.
        reason: String,
    },
    /// Anything else: a refusal the rules do not classify, a transport
    /// failure, an unreadable response.
    Failed {
        /// What went wrong.
        reason: String,
        /// The HTTP status, when a response arrived.
        status: Option<StatusCode>,
    },
}

/// A boxed future, so [`Cancel`] can be used as `dyn Cancel`.
pub type BoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;

/// Cancel a signing request, session or invitation, whatever the provider.
/// Generated clients implement it for their operation marked
/// `x-esign-cancel` in the spec.
pub trait Cancel {
    /// What this provider's cancel acts on.
    fn cancel_target(&self) -> CancelTarget;

    /// Cancels `request.id` and classifies the result.
    fn cancel<'a>(&'a self, request: &'a CancelRequest) -> BoxFuture<'a, CancelOutcome>;
}

/// One failure rule from the spec (`x-esign-cancel.outcomes`).
#[derive(Clone, Copy, Debug)]
pub struct CancelRule {
    /// The status to match, if any.
    pub status: Option<u16>,
    /// A JSON pointer into the body and the text it must equal, if any.
    pub pointer: Option<(&'static str, &'static str)>,
    /// The outcome when the rule matches (`reason` filled in from the response).
    pub outcome: fn(String) -> CancelOutcome,
}

/// Classifies a failed cancel by the spec's rules; `message` points at the
/// provider's human-readable reason in the body.
pub fn cancel_outcome<E: fmt::Debug>(err: &Error<E>, rules: &[CancelRule], message: Option<&str>) -> CancelOutcome {
    let Some(response) = err.response() else {
        return CancelOutcome::Failed { reason: err.to_string(), status: None };
    };
    let body: Option<serde_json::Value> = serde_json::from_slice(&response.body).ok();
    let reason = message
        .and_then(|pointer| body.as_ref()?.pointer(pointer))
        .map(value_text)
        .filter(|text| !text.is_empty())
        .unwrap_or_else(|| err.to_string());
    for rule in rules {
        if rule.status.is_some_and(|status| status != response.status.as_u16()) {
            continue;
        }
        if let Some((pointer, expected)) = rule.pointer {
            let found = body.as_ref().and_then(|b| b.pointer(pointer)).map(value_text);
            if found.as_deref() != Some(expected) {
                continue;
            }
        }
        return (rule.outcome)(reason);
    }
    CancelOutcome::Failed { reason, status: Some(response.status) }
}

/// A value failed a check by regular expression.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PatternError {
    /// What was checked (`ValidationType::numbers_only`).
    pub rule: String,
    /// The expression, when there was one.
    pub pattern: Option<String>,
    /// Why it failed.
    pub reason: String,
}

impl fmt::Display for PatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.pattern {
            Some(p) => write!(f, "{}: {} (pattern `{p}`)", self.rule, self.reason),
            None => write!(f, "{}: {}", self.rule, self.reason),
        }
    }
}

impl std::error::Error for PatternError {}

/// Checks `value` against `pattern`, or else against `custom` anchored to
/// the whole value. Generated `validate` methods call this.
#[cfg(feature = "patterns")]
pub fn check_pattern(
    kind: &str,
    rule: &str,
    value: &str,
    pattern: Option<&str>,
    custom: Option<&str>,
) -> Result<(), PatternError> {
    let rule = format!("{kind}::{rule}");
    let expression = match (pattern, custom) {
        (Some(p), _) => p.to_owned(),
        (None, Some(c)) => format!("^(?:{c})$"),
        (None, None) => {
            return Err(PatternError { rule, pattern: None, reason: "no expression to check against".to_owned() })
        }
    };
    let compiled = regex::Regex::new(&expression).map_err(|err| PatternError {
        rule: rule.clone(),
        pattern: Some(expression.clone()),
        reason: format!("invalid expression: {err}"),
    })?;
    if compiled.is_match(value) {
        Ok(())
    } else {
        Err(PatternError { rule, pattern: Some(expression), reason: format!("`{value}` does not match") })
    }
}

/// The type of value a query field takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ValueType {
    /// Text (`me` may stand for yourself where the documentation says so).
    String,
    /// A date, or a date and time; takes ranges.
    Date,
    /// `true` or `false`.
    Boolean,
    /// A whole number.
    Integer,
}

/// A field a search query can name; generated for enums whose values
/// carry a `value-type` in the spec.
pub trait QueryField {
    /// The field's name in the query.
    fn name(&self) -> &str;
    /// The type of value it takes, when known.
    fn value_type(&self) -> Option<ValueType>;
}

/// A search query that was refused before sending.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchError(pub String);

impl fmt::Display for SearchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid search query: {}", self.0)
    }
}

impl std::error::Error for SearchError {}

#[derive(Clone, Debug, PartialEq, Eq)]
enum SearchPart {
    Clause { field: Option<String>, value: SearchValue },
    And,
    Or,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum SearchValue {
    Text(String),
    Range { from: String, to: String, inclusive: bool },
}

/// Builds a search query (`field:value`, `AND`/`OR`, date ranges) and
/// refuses what the API rejects (a leading wildcard, a value of the wrong
/// type for its field). `to_string()` gives the query to send as the
/// `query` parameter (the client URL-encodes it, so spaces travel as `+`,
/// as in the documentation's URLs); [`SearchQuery::docs_form`] writes it
/// the way the documentation's examples do.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SearchQuery {
    parts: Vec<SearchPart>,
}

impl SearchQuery {
    /// An empty query.
    pub fn new() -> Self {
        SearchQuery::default()
    }

    fn push(mut self, field: Option<String>, value: SearchValue) -> Self {
        if matches!(self.parts.last(), Some(SearchPart::Clause { .. })) {
            self.parts.push(SearchPart::And);
        }
        self.parts.push(SearchPart::Clause { field, value });
        self
    }

    fn check_text(value: &str) -> Result<(), SearchError> {
        let trimmed = value.trim();
        if trimmed.is_empty() {
            return Err(SearchError("an empty value".to_owned()));
        }
        if trimmed.starts_with('*') {
            return Err(SearchError(format!("`{trimmed}` starts with a wildcard; leading wildcards are not valid")));
        }
        Ok(())
    }

    fn check_type<F: QueryField>(field: &F, wanted: ValueType) -> Result<(), SearchError> {
        match field.value_type() {
            Some(actual) if actual != wanted => {
                Err(SearchError(format!("`{}` takes a {actual:?} value, not a {wanted:?}", field.name())))
            }
            _ => Ok(()),
        }
    }

    /// A term matched against the default fields.
    pub fn term(self, text: &str) -> Result<Self, SearchError> {
        Self::check_text(text)?;
        Ok(self.push(None, SearchValue::Text(text.trim().to_owned())))
    }

    /// `field:value` for a text field.
    pub fn field<F: QueryField>(self, field: &F, value: &str) -> Result<Self, SearchError> {
        Self::check_type(field, ValueType::String)?;
        Self::check_text(value)?;
        Ok(self.push(Some(field.name().to_owned()), SearchValue::Text(value.trim().to_owned())))
    }

    /// `field:me`, for the fields that accept yourself.
    pub fn me<F: QueryField>(self, field: &F) -> Result<Self, SearchError> {
        self.field(field, "me")
    }

    /// `field:true` or `field:false` for a boolean field.
    pub fn flag<F: QueryField>(self, field: &F, value: bool) -> Result<Self, SearchError> {
        Self::check_type(field, ValueType::Boolean)?;
        Ok(self.push(Some(field.name().to_owned()), SearchValue::Text(value.to_string())))
    }

    /// A date range: `[from TO to]` when `inclusive`, `{from TO to}` otherwise.
    pub fn range<F: QueryField>(self, field: &F, from: &str, to: &str, inclusive: bool) -> Result<Self, SearchError> {
        Self::check_type(field, ValueType::Date)?;
        Self::check_text(from)?;
        Self::check_text(to)?;
        let value = SearchValue::Range { from: from.trim().to_owned(), to: to.trim().to_owned(), inclusive };
        Ok(self.push(Some(field.name().to_owned()), value))
    }

    /// Joins the next clause with `AND` (also the default between clauses).
    pub fn and(mut self) -> Self {
        if matches!(self.parts.last(), Some(SearchPart::Clause { .. })) {
            self.parts.push(SearchPart::And);
        }
        self
    }

    /// Joins the next clause with `OR`.
    pub fn or(mut self) -> Self {
        if matches!(self.parts.last(), Some(SearchPart::Clause { .. })) {
            self.parts.push(SearchPart::Or);
        }
        self
    }

    fn render(&self, space: &str) -> String {
        let mut out = String::new();
        let clauses = self.parts.iter().rposition(|p| matches!(p, SearchPart::Clause { .. })).map_or(0, |i| i + 1);
        for part in &self.parts[..clauses] {
            match part {
                SearchPart::And => out.push_str(" AND "),
                SearchPart::Or => out.push_str(" OR "),
                SearchPart::Clause { field, value } => {
                    if let Some(field) = field {
                        out.push_str(field);
                        out.push(':');
                    }
                    match value {
                        SearchValue::Text(text) => out.push_str(&text.replace(' ', space)),
                        SearchValue::Range { from, to, inclusive } => {
                            let (open, close) = if *inclusive { ('[', ']') } else { ('{', '}') };
                            out.push(open);
                            out.push_str(&from.replace(' ', space));
                            out.push_str(space);
                            out.push_str("TO");
                            out.push_str(space);
                            out.push_str(&to.replace(' ', space));
                            out.push(close);
                        }
                    }
                }
            }
        }
        out
    }

    /// The query as the documentation writes it, spaces inside values and
    /// ranges shown as `+`: `title:Field+Trip+Release AND from:me`,
    /// `created:[2014-01-01+TO+2014-12-31]`.
    pub fn docs_form(&self) -> String {
        self.render("+")
    }
}

impl fmt::Display for SearchQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(" "))
    }
}

/// One problem `validate()` found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// Where: field names and indexes from the checked value (`form_field_rules[0].triggers`).
    pub path: String,
    /// Which check: `pattern`, `min-items`, `max-items`, `not-listed`,
    /// `unknown-property`, `exactly-one-of`, `contrast` or `group`.
    pub rule: &'static str,
    /// What is wrong.
    pub message: String,
    /// The API's name for this error, when the spec maps the check to one.
    pub code: Option<String>,
}

impl Violation {
    /// A violation at `path`.
    pub fn new(path: &str, rule: &'static str, message: String, code: Option<&str>) -> Self {
        Violation { path: path.to_owned(), rule, message, code: code.map(str::to_owned) }
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = if self.path.is_empty() { "(top)" } else { &self.path };
        match &self.code {
            Some(code) => write!(f, "{at}: {code}: {}", self.message),
            None => write!(f, "{at}: {}", self.message),
        }
    }
}

/// Checks a request against the spec before it is sent. Generated for the
/// types of APIs whose spec says `x-esign-validate: true`.
pub trait Validate {
    /// Adds every problem under `at` to `out`.
    fn validate_into(&self, at: &str, out: &mut Vec<Violation>);

    /// Every problem; empty when the value passes.
    fn validate(&self) -> Vec<Violation> {
        let mut out = Vec::new();
        self.validate_into("", &mut out);
        out
    }
}

impl<T: Validate> Validate for Option<T> {
    fn validate_into(&self, at: &str, out: &mut Vec<Violation>) {
        if let Some(value) = self {
            value.validate_into(at, out);
        }
    }
}

impl<T: Validate> Validate for Vec<T> {
    fn validate_into(&self, at: &str, out: &mut Vec<Violation>) {
        for (i, value) in self.iter().enumerate() {
            value.validate_into(&format!("{at}[{i}]"), out);
        }
    }
}

impl<T: Validate> Validate for std::collections::BTreeMap<String, T> {
    fn validate_into(&self, at: &str, out: &mut Vec<Violation>) {
        for (key, value) in self {
            value.validate_into(&join_path(at, key), out);
        }
    }
}

impl<T: Validate + ?Sized> Validate for Box<T> {
    fn validate_into(&self, at: &str, out: &mut Vec<Violation>) {
        (**self).validate_into(at, out);
    }
}

/// `at.field` (or `field` at the top).
pub fn join_path(at: &str, field: &str) -> String {
    if at.is_empty() {
        field.to_owned()
    } else {
        format!("{at}.{field}")
    }
}

/// A string property's `pattern`.
#[cfg(feature = "patterns")]
pub fn check_pattern_at(value: &str, pattern: &str, at: &str, out: &mut Vec<Violation>, code: Option<&str>) {
    let matches = regex::Regex::new(pattern).map(|r| r.is_match(value)).unwrap_or(false);
    if !matches {
        out.push(Violation::new(at, "pattern", format!("`{value}` does not match `{pattern}`"), code));
    }
}

/// An array's `minItems` and `maxItems`.
pub fn check_items(
    len: usize,
    min: Option<usize>,
    max: Option<usize>,
    at: &str,
    out: &mut Vec<Violation>,
    code_min: Option<&str>,
    code_max: Option<&str>,
) {
    if let Some(min) = min.filter(|&min| len < min) {
        out.push(Violation::new(at, "min-items", format!("{len} items, at least {min} required"), code_min));
    }
    if let Some(max) = max.filter(|&max| len > max) {
        out.push(Violation::new(at, "max-items", format!("{len} items, at most {max} allowed"), code_max));
    }
}

/// Properties an object with `additionalProperties: false` does not allow.
pub fn check_unknown_properties<'k>(
    keys: impl Iterator<Item = &'k String>,
    at: &str,
    out: &mut Vec<Violation>,
    code: Option<&str>,
) {
    for key in keys {
        out.push(Violation::new(&join_path(at, key), "unknown-property", format!("`{key}` is not allowed here"), code));
    }
}

/// Exactly one of the named properties is set.
pub fn check_exactly_one(set: &[(&str, bool)], at: &str, out: &mut Vec<Violation>, code: Option<&str>) {
    let count = set.iter().filter(|(_, is_set)| *is_set).count();
    if count != 1 {
        let names: Vec<&str> = set.iter().map(|(n, _)| *n).collect();
        let message = format!("exactly one of {} must be set, found {count}", names.join(", "));
        out.push(Violation::new(at, "exactly-one-of", message, code));
    }
}

/// Colour contrast rules (`x-esign-contrast`), resolved by [`check_contrast`].
#[derive(Clone, Copy, Debug)]
pub struct ContrastRules<'a> {
    /// Element, its value if set, its default.
    pub colors: &'a [(&'a str, Option<&'a str>, Option<&'a str>)],
    /// Elements that cannot be set, with their colour.
    pub fixed: &'a [(&'a str, &'a str)],
    /// Element -> the element it inherits from when unset.
    pub inherit: &'a [(&'a str, &'a str)],
    /// Element -> the elements it must contrast with.
    pub pairs: &'a [(&'a str, &'a [&'a str])],
    /// The minimum contrast ratio.
    pub minimum: f64,
}

/// A six-digit hex colour (`#1A1A1A` or `1A1A1A`) as 0-255 channels.
pub fn parse_hex_color(text: &str) -> Option<[u8; 3]> {
    let hex = text.strip_prefix('#').unwrap_or(text);
    if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let channel = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
    Some([channel(0)?, channel(2)?, channel(4)?])
}

/// WCAG 2 relative luminance of a colour.
pub fn relative_luminance(rgb: [u8; 3]) -> f64 {
    let linear = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.03928 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * linear(rgb[0]) + 0.7152 * linear(rgb[1]) + 0.0722 * linear(rgb[2])
}

/// WCAG 2 contrast ratio of two colours, from 1 to 21.
pub fn contrast_ratio(a: [u8; 3], b: [u8; 3]) -> f64 {
    let (la, lb) = (relative_luminance(a), relative_luminance(b));
    let (light, dark) = if la >= lb { (la, lb) } else { (lb, la) };
    (light + 0.05) / (dark + 0.05)
}

/// Checks every pair of the rules against the effective colours: a set
/// value, else the element it inherits from, else its default, or the fixed
/// colour. Pairs involving a colour that does not parse are skipped (the
/// pattern check reports it).
pub fn check_contrast(rules: &ContrastRules<'_>, at: &str, out: &mut Vec<Violation>, code: Option<&str>) {
    fn effective<'a>(rules: &ContrastRules<'a>, element: &str, depth: usize) -> Option<&'a str> {
        if depth > 8 {
            return None;
        }
        if let Some((_, color)) = rules.fixed.iter().find(|(name, _)| *name == element) {
            return Some(color);
        }
        let (_, set, default) = rules.colors.iter().find(|(name, _, _)| *name == element)?;
        if let Some(set) = set {
            return Some(set);
        }
        match rules.inherit.iter().find(|(name, _)| *name == element) {
            Some((_, from)) => effective(rules, from, depth + 1),
            None => *default,
        }
    }
    for (element, others) in rules.pairs {
        let Some(color) = effective(rules, element, 0).and_then(parse_hex_color) else { continue };
        for other in *others {
            let Some(against) = effective(rules, other, 0).and_then(parse_hex_color) else { continue };
            let ratio = contrast_ratio(color, against);
            if ratio < rules.minimum {
                let message = format!("contrast ratio {ratio:.2} with `{other}` is less than the minimum {}", rules.minimum);
                out.push(Violation::new(&join_path(at, element), "contrast", message, code));
            }
        }
    }
}

/// Fields (any nesting of lists) whose `type` is in `required_for` must
/// name, in `group`, a key of `groups`.
pub fn check_groups(
    fields: &serde_json::Value,
    groups: &serde_json::Value,
    required_for: &[&str],
    at: &str,
    out: &mut Vec<Violation>,
    code: Option<&str>,
) {
    fn walk(value: &serde_json::Value, path: String, found: &mut Vec<(String, serde_json::Value)>) {
        match value {
            serde_json::Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    walk(item, format!("{path}[{i}]"), found);
                }
            }
            serde_json::Value::Object(_) => found.push((path, value.clone())),
            _ => {}
        }
    }
    let mut found = Vec::new();
    walk(fields, String::new(), &mut found);
    for (path, field) in found {
        let kind = field.get("type").and_then(serde_json::Value::as_str).unwrap_or_default();
        if !required_for.contains(&kind) {
            continue;
        }
        let here = format!("{at}{path}");
        match field.get("group").and_then(serde_json::Value::as_str) {
            None => out.push(Violation::new(&here, "group", format!("a `{kind}` field must name its group"), code)),
            Some(group) if groups.get(group).is_none() => out.push(Violation::new(
                &here,
                "group",
                format!("group `{group}` of this `{kind}` field is not defined (with its rule) in the groups"),
                code,
            )),
            Some(_) => {}
        }
    }
}

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
}

impl fmt::Display for CallbackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CallbackError::TooLarge { limit } => write!(f, "callback body over {limit} bytes"),
            CallbackError::Malformed(why) => write!(f, "malformed callback: {why}"),
            CallbackError::Forged => f.write_str("callback event hash does not verify"),
        }
    }
}

impl std::error::Error for CallbackError {}

/// Reads a callback body given its Content-Type: `multipart/form-data` with
/// the event JSON in `field`, or the JSON itself. Bodies over `limit` bytes
/// are refused before parsing.
#[cfg(feature = "webhooks")]
pub async fn callback_json(content_type: &str, body: &[u8], field: &str, limit: usize) -> Result<Vec<u8>, CallbackError> {
    if body.len() > limit {
        return Err(CallbackError::TooLarge { limit });
    }
    let essence = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    if essence == "multipart/form-data" {
        let boundary = multer::parse_boundary(content_type).map_err(|err| CallbackError::Malformed(err.to_string()))?;
        let bytes = Bytes::copy_from_slice(body);
        let stream = futures_util::stream::once(async move { Ok::<Bytes, std::io::Error>(bytes) });
        let constraints = multer::Constraints::new().size_limit(multer::SizeLimit::new().whole_stream(limit as u64));
        let mut multipart = multer::Multipart::with_constraints(stream, boundary, constraints);
        while let Some(part) = multipart.next_field().await.map_err(|err| CallbackError::Malformed(err.to_string()))? {
            if part.name() == Some(field) {
                let data = part.bytes().await.map_err(|err| CallbackError::Malformed(err.to_string()))?;
                return Ok(data.to_vec());
            }
        }
        Err(CallbackError::Malformed(format!("no `{field}` field in the multipart body")))
    } else if essence == "application/json" || essence.ends_with("+json") || essence.is_empty() {
        Ok(body.to_vec())
    } else if essence == "application/x-www-form-urlencoded" {
        let text = std::str::from_utf8(body).map_err(|_| CallbackError::Malformed("body is not UTF-8".to_owned()))?;
        for pair in text.split('&') {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            if key == field {
                let value = value.replace('+', " ");
                let decoded = percent_encoding::percent_decode_str(&value).collect::<Vec<u8>>();
                return Ok(decoded);
            }
        }
        Err(CallbackError::Malformed(format!("no `{field}` field in the form body")))
    } else {
        Err(CallbackError::Malformed(format!("unsupported content type `{content_type}`")))
    }
}

/// Verifies an event hash: `hash` must be the lowercase hex HMAC-SHA256 of
/// `message` keyed with `key`, compared in constant time.
#[cfg(feature = "webhooks")]
pub fn verify_hmac_sha256(key: &Secret, message: &[u8], hash: &str) -> Result<(), CallbackError> {
    use hmac::Mac;
    let expected = hex::decode(hash.trim()).map_err(|_| CallbackError::Forged)?;
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(key.expose().as_bytes()).map_err(|_| CallbackError::Forged)?;
    mac.update(message);
    mac.verify_slice(&expected).map_err(|_| CallbackError::Forged)
}

/// The text at a JSON pointer of a value, for hashing and matching.
pub fn text_at<T: serde::Serialize>(value: &T, pointer: &str) -> Option<String> {
    let value = serde_json::to_value(value).ok()?;
    value.pointer(pointer).map(value_text)
}

/// How long a waiter may wait, and how it spaces its attempts.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WaitOptions {
    /// Give up after this long.
    pub max_wait: std::time::Duration,
    /// The shortest pause between attempts (the spec's `min-delay` when `None`).
    pub min_delay: Option<std::time::Duration>,
    /// The longest pause between attempts (the spec's `max-delay` when `None`).
    pub max_delay: Option<std::time::Duration>,
}

impl Default for WaitOptions {
    fn default() -> Self {
        WaitOptions { max_wait: std::time::Duration::from_secs(300), min_delay: None, max_delay: None }
    }
}

/// How a wait ended.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum WaitOutcome {
    /// A success acceptor matched.
    Reached {
        /// Requests made.
        attempts: u32,
        /// The status that matched.
        status: u16,
    },
    /// A failure acceptor matched, or an error no acceptor covers.
    Failed {
        /// Requests made.
        attempts: u32,
        /// The status, when a response arrived.
        status: Option<u16>,
        /// What happened.
        reason: String,
    },
    /// `max_wait` passed while retrying.
    TimedOut {
        /// Requests made.
        attempts: u32,
    },
}

/// What an acceptor decides.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AcceptorState {
    /// Done: the state is reached.
    Success,
    /// Try again later.
    Retry,
    /// Done: the state will not be reached.
    Failure,
}

/// Runs a waiter: calls `attempt` until a success or failure acceptor
/// matches the status, backing off exponentially with jitter between the
/// delays, until `options.max_wait`.
#[cfg(feature = "waiters")]
pub async fn wait<F, Fut>(
    mut attempt: F,
    acceptors: &[(u16, AcceptorState)],
    spec_delays: (std::time::Duration, std::time::Duration),
    options: WaitOptions,
) -> WaitOutcome
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<u16, (Option<u16>, String)>>,
{
    let min = options.min_delay.unwrap_or(spec_delays.0);
    let max = options.max_delay.unwrap_or(spec_delays.1).max(min);
    let deadline = tokio::time::Instant::now() + options.max_wait;
    let mut attempts = 0u32;
    loop {
        attempts += 1;
        let (status, reason) = match attempt().await {
            Ok(status) => (Some(status), String::new()),
            Err((status, reason)) => (status, reason),
        };
        let state = status.and_then(|s| acceptors.iter().find(|(code, _)| *code == s).map(|(_, state)| *state));
        match (state, status) {
            (Some(AcceptorState::Success), Some(status)) => return WaitOutcome::Reached { attempts, status },
            (Some(AcceptorState::Failure), _) => {
                return WaitOutcome::Failed { attempts, status, reason: if reason.is_empty() { "failure acceptor matched".to_owned() } else { reason } }
            }
            (Some(AcceptorState::Retry), _) => {}
            // A transport failure is retried; another unmatched error is final.
            (None, None) => {}
            (None, Some(status)) if (200..300).contains(&status) => {}
            (_, status) => return WaitOutcome::Failed { attempts, status, reason },
        }
        let exponential = min.saturating_mul(1u32 << attempts.min(16)).min(max);
        let jittered = min + exponential.saturating_sub(min).mul_f64(fastrand::f64());
        let now = tokio::time::Instant::now();
        if now >= deadline {
            return WaitOutcome::TimedOut { attempts };
        }
        tokio::time::sleep(jittered.min(deadline - now)).await;
        if tokio::time::Instant::now() >= deadline {
            return WaitOutcome::TimedOut { attempts };
        }
    }
}

/// Whom a callback event was reported for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReportedFor {
    /// An API app (an app callback), by its id.
    App(String),
    /// An account (an account callback), by its id.
    Account(String),
    /// The event says neither.
    Unknown,
}

/// How a cancel-and-confirm ended.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfirmOutcome {
    /// The cancellation is confirmed.
    Confirmed {
        /// By the waiter (the request now answers as canceled) or by the event.
        by: ConfirmedBy,
    },
    /// The provider refused the cancel: the request cannot be canceled.
    NotEligible {
        /// The provider's reason.
        reason: String,
    },
    /// Queued, but not confirmed within the time allowed: still pending.
    TimedOut,
    /// The cancel or the confirmation failed.
    Failed {
        /// What went wrong.
        reason: String,
    },
}

/// What confirmed a cancellation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConfirmedBy {
    /// The waiter saw the state reached.
    Waiter,
    /// The callback event arrived.
    Event,
}

/// The outcome of one id in a bulk run.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum BulkOutcome {
    /// Canceled (or removed) now.
    Canceled,
    /// Accepted and queued (Dropbox Sign's cancel): confirmed later.
    Queued,
    /// Already canceled or deleted before this run.
    AlreadyGone {
        /// The provider's reason.
        reason: String,
    },
    /// The provider refused: not eligible.
    NotEligible {
        /// The provider's reason.
        reason: String,
    },
    /// No such id.
    NotFound {
        /// The provider's reason.
        reason: String,
    },
    /// Failed, after the retries the policy allows.
    Failed {
        /// What went wrong.
        reason: String,
        /// The last status, when a response arrived.
        status: Option<u16>,
    },
    /// Not sent: the run's deadline passed first.
    NotAttempted,
}

/// One id and how it ended.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BulkEntry {
    /// The id.
    pub id: String,
    /// Its outcome.
    #[serde(flatten)]
    pub outcome: BulkOutcome,
    /// Requests sent for it (more than one after retries).
    pub attempts: u32,
}

/// Every id of a bulk run with its outcome: as many entries as ids, in the
/// order given. Serializable, so a run can be saved and resumed.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BulkReport {
    /// The entries, one per id.
    pub entries: Vec<BulkEntry>,
}

impl BulkReport {
    /// The ids a resumed run should send again: not attempted, or failed.
    pub fn pending_ids(&self) -> Vec<String> {
        self.entries
            .iter()
            .filter(|e| matches!(e.outcome, BulkOutcome::NotAttempted | BulkOutcome::Failed { .. }))
            .map(|e| e.id.clone())
            .collect()
    }

    /// Takes the outcomes of a later run (of some of the same ids) over this one's.
    pub fn merge(&mut self, later: BulkReport) {
        for entry in later.entries {
            match self.entries.iter_mut().find(|e| e.id == entry.id) {
                Some(existing) => *existing = entry,
                None => self.entries.push(entry),
            }
        }
    }

    /// How many entries have each kind of outcome.
    pub fn counts(&self) -> std::collections::BTreeMap<&'static str, usize> {
        let mut counts = std::collections::BTreeMap::new();
        for entry in &self.entries {
            let kind = match entry.outcome {
                BulkOutcome::Canceled => "canceled",
                BulkOutcome::Queued => "queued",
                BulkOutcome::AlreadyGone { .. } => "already_gone",
                BulkOutcome::NotEligible { .. } => "not_eligible",
                BulkOutcome::NotFound { .. } => "not_found",
                BulkOutcome::Failed { .. } => "failed",
                BulkOutcome::NotAttempted => "not_attempted",
            };
            *counts.entry(kind).or_insert(0) += 1;
        }
        counts
    }
}

/// Progress of a bulk run, reported after each id.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BulkProgress {
    /// Ids finished.
    pub done: usize,
    /// Ids in the run.
    pub total: usize,
    /// Ids finished per second so far.
    pub per_second: f64,
    /// Estimated time left at that rate.
    pub remaining: std::time::Duration,
}

/// How a bulk run proceeds.
#[derive(Clone)]
pub struct BulkOptions {
    /// Requests in flight at most.
    pub max_concurrency: usize,
    /// Stop sending after this long; unsent ids are `NotAttempted`.
    pub deadline: Option<std::time::Duration>,
    /// Requests per id at most: rate-limited, unavailable and unreachable
    /// ids are sent again, paced with the rest, until this many.
    pub max_attempts: u32,
    /// Called after each id.
    pub on_progress: Option<ProgressHook>,
}

/// A function called with a bulk run's progress.
pub type ProgressHook = std::sync::Arc<dyn Fn(&BulkProgress) + Send + Sync>;

impl Default for BulkOptions {
    fn default() -> Self {
        BulkOptions { max_concurrency: 8, deadline: None, max_attempts: 5, on_progress: None }
    }
}

impl fmt::Debug for BulkOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BulkOptions")
            .field("max_concurrency", &self.max_concurrency)
            .field("deadline", &self.deadline)
            .field("max_attempts", &self.max_attempts)
            .finish()
    }
}

/// The outcome of one id from a failed call, by the spec's cancel rules: a
/// 410 after a retry means an earlier attempt got through.
pub fn bulk_outcome<E: fmt::Debug>(
    err: &Error<E>,
    rules: &[CancelRule],
    message: Option<&str>,
    success: BulkOutcome,
) -> BulkOutcome {
    let attempts = err.response().map_or(1, |r| r.attempts);
    let status = err.status().map(|s| s.as_u16());
    match cancel_outcome(err, rules, message) {
        CancelOutcome::NotFound { .. } if status == Some(410) && attempts > 1 => success,
        CancelOutcome::NotFound { reason } if status == Some(410) => BulkOutcome::AlreadyGone { reason },
        CancelOutcome::NotFound { reason } => BulkOutcome::NotFound { reason },
        CancelOutcome::NotEligible { reason } => BulkOutcome::NotEligible { reason },
        CancelOutcome::Canceled => BulkOutcome::Canceled,
        CancelOutcome::Queued => BulkOutcome::Queued,
        CancelOutcome::Failed { reason, status } => BulkOutcome::Failed { reason, status: status.map(|s| s.as_u16()) },
    }
}

/// Runs `call` for every id, at most `max_concurrency` at once, pacing by
/// the rate limit the responses report: while the window's remaining
/// requests are spoken for, it waits for the reset instead of sending.
/// `call` should not retry by itself (the generated bulk methods use a
/// single-attempt copy of the client): the run re-sends retryable failures
/// through the same pacing. Every id gets exactly one entry, in order.
#[cfg(feature = "bulk")]
pub async fn run_bulk<F, Fut>(ids: Vec<String>, options: &BulkOptions, call: F) -> BulkReport
where
    F: Fn(String) -> Fut,
    Fut: std::future::Future<Output = (BulkOutcome, u32, Option<RateLimit>)>,
{
    use futures_util::StreamExt;
    let started = tokio::time::Instant::now();
    let deadline = options.deadline.map(|d| started + d);
    let total = ids.len();
    let mut outcomes: Vec<Option<(BulkOutcome, u32)>> = vec![None; total];
    let mut running = futures_util::stream::FuturesUnordered::new();
    // Ids to send, with the attempts they have had; retryable failures go back in.
    let mut queue: std::collections::VecDeque<(usize, u32)> = (0..total).map(|i| (i, 0)).collect();
    let mut done = 0usize;
    // The rate-limit window as last reported: requests left and its reset.
    let mut window: Option<RateLimit> = None;
    loop {
        while running.len() < options.max_concurrency.max(1) && !queue.is_empty() {
            if deadline.is_some_and(|d| tokio::time::Instant::now() >= d) {
                break;
            }
            if let Some(w) = &mut window {
                if w.remaining == 0 {
                    if !running.is_empty() {
                        break; // let the running requests report the new window
                    }
                    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
                    let wait = std::time::Duration::from_secs(w.reset).saturating_sub(now)
                        + std::time::Duration::from_millis(20);
                    if deadline.is_some_and(|d| tokio::time::Instant::now() + wait >= d) {
                        break;
                    }
                    tokio::time::sleep(wait).await;
                    w.remaining = w.limit;
                    w.reset += 1;
                }
                w.remaining -= 1;
            }
            let Some((index, before)) = queue.pop_front() else { break };
            let future = call(ids[index].clone());
            running.push(async move { (index, before, future.await) });
        }
        let Some((index, before, (outcome, attempts, rate))) = running.next().await else { break };
        let attempts = before + attempts;
        if let Some(rate) = rate {
            let in_flight = running.len() as u64;
            window = Some(match window {
                Some(w) if w.reset == rate.reset => {
                    RateLimit { remaining: w.remaining.min(rate.remaining.saturating_sub(in_flight)), ..rate }
                }
                Some(w) if w.reset > rate.reset => w,
                _ => RateLimit { remaining: rate.remaining.saturating_sub(in_flight), ..rate },
            });
        }
        // Rate limited, unavailable or unreachable: send it again later,
        // paced like everything else, while attempts remain.
        let retryable = match &outcome {
            BulkOutcome::Failed { status: None, .. } => true,
            BulkOutcome::Failed { status: Some(429 | 502 | 503 | 504), .. } => true,
            BulkOutcome::Failed { status: Some(403), .. } => rate.is_some_and(|r| r.remaining == 0),
            _ => false,
        };
        if retryable && attempts < options.max_attempts.max(1) {
            queue.push_back((index, attempts));
            continue;
        }
        outcomes[index] = Some((outcome, attempts));
        done += 1;
        if let Some(progress) = &options.on_progress {
            let elapsed = started.elapsed().as_secs_f64().max(1e-9);
            let per_second = done as f64 / elapsed;
            let remaining = std::time::Duration::from_secs_f64((total - done) as f64 / per_second.max(1e-9));
            progress(&BulkProgress { done, total, per_second, remaining });
        }
    }
    let entries = ids
        .into_iter()
        .zip(outcomes)
        .map(|(id, outcome)| {
            let (outcome, attempts) = outcome.unwrap_or((BulkOutcome::NotAttempted, 0));
            BulkEntry { id, outcome, attempts }
        })
        .collect();
    BulkReport { entries }
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
