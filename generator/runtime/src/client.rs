//! Sending: [`ClientCore`], what every generated client holds, the
//! [`Response`] a call returns, rate-limit headers, and the helpers that
//! turn a raw response into a typed body or an [`Error`].

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::HeaderMap;
use reqwest::StatusCode;

use super::clock::SharedClock;
use super::error::{BuildError, Error, RawResponse, TransportCause, TransportError};
use super::pace::Pacer;
use super::retry::{rate_limit_wait, RetryEvent, RetryPolicy, RetryRules};
use super::secret::Auth;
use super::stream::ByteStream;
use super::url::{redact_url, same_origin};

/// Rate-limit state read from response headers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct RateLimit {
    /// Requests allowed in the window.
    pub limit: u64,
    /// Requests left in the window.
    pub remaining: u64,
    /// Unix time (seconds) at which the window resets.
    pub reset: u64,
}

impl RateLimit {
    /// How long from now until the window resets, just past the reported
    /// second (50 ms): zero plus that margin for a reset in the past, at
    /// most [`RetryPolicy::LONGEST_HEADER_WAIT`] for one
    /// further away (a reset of `u64::MAX` included), by the system clock.
    /// Never panics.
    pub fn until_reset(&self) -> Duration {
        super::retry::until_reset(self.reset, super::clock::SharedClock::default().since_epoch())
    }
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
    /// Reads the rate limit; `None` unless all three headers are present
    /// and whole numbers that fit in a `u64` (a sign, a fraction, text that
    /// is not ASCII: `None`). The reset is kept as sent, however far away;
    /// whatever waits for it goes through [`RateLimit::until_reset`], which
    /// clamps it. Never panics.
    pub fn read(&self, headers: &HeaderMap) -> Option<RateLimit> {
        let number = |name: &str| headers.get(name)?.to_str().ok()?.trim().parse::<u64>().ok();
        Some(RateLimit { limit: number(self.limit)?, remaining: number(self.remaining)?, reset: number(self.reset)? })
    }
}

/// A response the client could use.
///
/// `#[non_exhaustive]`: it gains fields as the client learns more about a
/// call (as it did `lost_answers` and `waits`) without breaking callers.
/// Code that needs one of its own, such as a test of a function that takes
/// a `Response`, starts from [`Response::new`].
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Response<T, W = serde_json::Value> {
    /// The HTTP status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The rate limit, when the API reports one and the headers are present.
    pub rate_limit: Option<RateLimit>,
    /// Requests sent for this call that may have reached the server (more
    /// than one after retries; a connection that could not be made is not
    /// counted).
    pub attempts: u32,
    /// How many of those attempts lost their answer (a timeout, a reset
    /// connection, a truncated body, a 502 or 504 from a gateway): each may
    /// have taken effect. A 410 after such an attempt is this call's own
    /// success (see the cancel operations).
    pub lost_answers: u32,
    /// The pauses before each retry.
    pub waits: Vec<std::time::Duration>,
    /// Warnings that came with the body, when the API reports them.
    pub warnings: Vec<W>,
    /// The parsed body.
    pub body: T,
}

impl<T, W> Response<T, W> {
    /// A response with this status and body, as one attempt answered it
    /// at once: no headers, no rate limit, no lost answer, no wait, no
    /// warning. Set the public fields afterwards for anything else.
    pub fn new(status: StatusCode, body: T) -> Self {
        Response {
            status,
            headers: HeaderMap::new(),
            rate_limit: None,
            attempts: 1,
            lost_answers: 0,
            waits: Vec::new(),
            warnings: Vec::new(),
            body,
        }
    }

    /// The body, dropping status and headers.
    pub fn into_body(self) -> T {
        self.body
    }
}

/// The [`Response`] a generated method returns: what `raw` says of the
/// call, with the parsed body and its warnings.
pub fn response<T, W>(raw: RawResponse, body: T, warnings: Vec<W>) -> Response<T, W> {
    Response {
        status: raw.status,
        headers: raw.headers,
        rate_limit: raw.rate_limit,
        attempts: raw.attempts,
        lost_answers: raw.lost_answers,
        waits: raw.waits,
        warnings,
        body,
    }
}

/// The largest response body a client reads by default: 16 MiB. Larger
/// answers are [`Error::ResponseTooLarge`]; set another cap with
/// `ClientBuilder::max_response_bytes`.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 16 << 20;

/// How many bytes of an over-large body [`Error::ResponseTooLarge`] keeps.
const KEPT_OF_TOO_LARGE: usize = 4096;

/// Which redirects a client follows. Whatever the choice, no request goes
/// to an origin (scheme, host and port) other than the base URL's, so no
/// credential does either: basic, bearer, API keys in a header, the query
/// string or a cookie, a raw `Authorization`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Redirects {
    /// The default: follow redirects within the base URL's origin, at most
    /// 10 in a row. A redirect to any other origin is not followed: the 3xx
    /// answer comes back as it is (`Error::UnexpectedResponse`, with its
    /// `Location` header), and nothing is sent there. Every credential
    /// goes along to the new URL: headers and cookies as they were, an API
    /// key in the query string added to the new URL's query (the client
    /// follows such redirects itself for that; 301, 302 and 303 turn a
    /// request other than GET or HEAD into a GET without a body, 307 and
    /// 308 send it again as it was).
    #[default]
    SameOrigin,
    /// Follow no redirect: every 3xx answer comes back as it is.
    None,
}

/// How a client's HTTP side is set up: what the generated `ClientBuilder`
/// collects besides the base URL, the credentials and the retry policy.
///
/// | field | default |
/// |---|---|
/// | [`http`](Self::http) | none: the client builds its own |
/// | [`http_builder`](Self::http_builder) | none |
/// | [`redirects`](Self::redirects) | [`Redirects::SameOrigin`] |
/// | [`max_response_bytes`](Self::max_response_bytes) | 16 MiB ([`DEFAULT_MAX_RESPONSE_BYTES`]) |
///
/// `#[non_exhaustive]`, so a setting added later breaks no caller: start
/// from [`ClientSettings::default()`] and set the fields you change (the
/// generated `ClientBuilder` does).
#[derive(Debug)]
#[non_exhaustive]
pub struct ClientSettings {
    /// A `reqwest::Client` of your own (its proxies, pool, TLS settings).
    ///
    /// Its redirect policy is its own: the client cannot change it. reqwest's
    /// default policy follows up to 10 redirects to any host and drops only
    /// the standard `Authorization` and `Cookie` headers on the way, so an
    /// API key in another header or in the query string would follow a
    /// redirect to another origin. Build it with
    /// `.redirect(reqwest::redirect::Policy::none())`, or give a
    /// `reqwest::ClientBuilder` ([`Self::http_builder`]) instead, which gets
    /// [`Self::redirects`] applied. Either way, an answer whose final URL is
    /// on another origin is never used: it is [`Error::ForeignOrigin`].
    pub http: Option<reqwest::Client>,
    /// A `reqwest::ClientBuilder` of your own: the client sets its redirect
    /// policy ([`Self::redirects`]) on it and builds it. Ignored when
    /// [`Self::http`] is set.
    pub http_builder: Option<reqwest::ClientBuilder>,
    /// Which redirects to follow; default [`Redirects::SameOrigin`].
    pub redirects: Redirects,
    /// The largest response body read into memory; default
    /// [`DEFAULT_MAX_RESPONSE_BYTES`] (16 MiB). Larger answers are
    /// [`Error::ResponseTooLarge`], which keeps the status and the first
    /// bytes.
    pub max_response_bytes: usize,
    /// The wall clock rate-limit resets (Unix seconds) and `Retry-After`
    /// dates are read against; default the system clock. Tests on tokio's
    /// paused clock give a [`TokioClock`](super::TokioClock), so a reset
    /// arrives when the paused wait for it ends.
    pub time_source: SharedClock,
}

impl Default for ClientSettings {
    fn default() -> Self {
        ClientSettings {
            http: None,
            http_builder: None,
            redirects: Redirects::SameOrigin,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            time_source: SharedClock::default(),
        }
    }
}

/// What a generated client holds: the HTTP client, where to send, how to
/// authenticate, and the pacing state its clones share. Cheap to clone.
#[derive(Clone)]
pub struct ClientCore {
    shared: std::sync::Arc<Shared>,
    retry: RetryPolicy,
    rules: RetryRules,
    pub(super) call: CallContext,
}

/// What every clone of a client shares.
struct Shared {
    http: reqwest::Client,
    base_url: String,
    base: reqwest::Url,
    auth: Auth,
    rate_limit: Option<RateLimitHeaders>,
    pacer: Pacer,
    max_response_bytes: usize,
    redirects: Redirects,
    /// Whether `send_once` follows same-origin redirects itself (the
    /// runtime built the HTTP client, and the credential is in the query).
    redirects_by_hand: bool,
    /// Whether the HTTP client is a caller's own (its redirect policy is its own).
    callers_http: bool,
}

/// What a bulk run adds to each of its calls.
#[derive(Clone, Default)]
pub(super) struct CallContext {
    /// The run's deadline.
    pub deadline: Option<tokio::time::Instant>,
    /// Send one request at a time until the rate-limit window is known.
    pub learn_first: bool,
    /// Answers lost before this call (an earlier run's request that may have landed).
    pub prior_lost: u32,
    /// Called right before each request is sent, with its attempt number.
    pub before_send: Option<std::sync::Arc<dyn Fn(u32) + Send + Sync>>,
}

impl fmt::Debug for ClientCore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCore")
            .field("base_url", &self.shared.base_url)
            .field("auth", &self.shared.auth)
            .field("rate_limit", &self.shared.rate_limit)
            .field("redirects", &self.shared.redirects)
            .field("callers_http", &self.shared.callers_http)
            .field("max_response_bytes", &self.shared.max_response_bytes)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

/// How one request ended, before it becomes part of a call's result.
enum Sent {
    Answer(RawResponse),
    /// A 2xx answer of a streamed call: its body left unread, with the
    /// attempt's timeouts.
    Stream {
        response: RawResponse,
        unread: ByteStream,
    },
    Transport(TransportCause),
    TooLarge {
        limit: usize,
        response: RawResponse,
    },
    Foreign {
        origin: String,
        response: RawResponse,
    },
}

impl ClientCore {
    /// Checks the base URL and builds the core around `http`, used as it is
    /// (see [`ClientSettings::http`] for what that means for redirects).
    pub fn new(
        http: reqwest::Client,
        base_url: &str,
        auth: Auth,
        rate_limit: Option<RateLimitHeaders>,
    ) -> Result<Self, BuildError> {
        ClientCore::build(ClientSettings { http: Some(http), ..ClientSettings::default() }, base_url, auth, rate_limit)
    }

    /// Checks the base URL and builds the core with these settings. The URL
    /// must be absolute http(s), without user information, query or
    /// fragment; a trailing `/` is dropped. Errors never repeat a query
    /// value or user information.
    pub fn build(
        settings: ClientSettings,
        base_url: &str,
        auth: Auth,
        rate_limit: Option<RateLimitHeaders>,
    ) -> Result<Self, BuildError> {
        let parsed = reqwest::Url::parse(base_url)
            .map_err(|err| BuildError(format!("the base URL is not an absolute URL ({err})")))?;
        if !parsed.username().is_empty() || parsed.password().is_some() {
            return Err(BuildError(
                "the base URL may not carry user information (`user:password@`): give credentials with `ClientBuilder::credentials`"
                    .to_owned(),
            ));
        }
        let shown = redact_url(&parsed);
        if !matches!(parsed.scheme(), "http" | "https") || parsed.cannot_be_a_base() || parsed.host_str().is_none() {
            return Err(BuildError(format!("base URL `{shown}` must be an absolute http or https URL")));
        }
        if parsed.query().is_some() || parsed.fragment().is_some() {
            return Err(BuildError(format!("base URL `{shown}` may not have a query or fragment")));
        }
        // A credential in the query is not in a redirect's `Location`, so
        // reqwest would follow without it: such a client follows
        // same-origin redirects itself (`send_once`), adding it again.
        let by_hand = matches!(auth, Auth::Query { .. }) && settings.redirects == Redirects::SameOrigin;
        let policy = if by_hand {
            reqwest::redirect::Policy::none()
        } else {
            redirect_policy(parsed.clone(), settings.redirects)
        };
        let built = |builder: reqwest::ClientBuilder| {
            builder.redirect(policy).build().map_err(|err| BuildError(format!("cannot build the HTTP client: {err}")))
        };
        let (http, callers_http) = match (settings.http, settings.http_builder) {
            (Some(http), _) => (http, true),
            (None, Some(builder)) => (built(builder)?, false),
            (None, None) => (built(reqwest::Client::builder())?, false),
        };
        Ok(ClientCore {
            shared: std::sync::Arc::new(Shared {
                http,
                base_url: base_url.trim_end_matches('/').to_owned(),
                base: parsed,
                auth,
                rate_limit,
                pacer: Pacer::with_clock(settings.time_source),
                max_response_bytes: settings.max_response_bytes,
                redirects: settings.redirects,
                redirects_by_hand: by_hand && !callers_http,
                callers_http,
            }),
            retry: RetryPolicy::default(),
            rules: RetryRules::DEFAULT,
            call: CallContext::default(),
        })
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.shared.base_url
    }

    /// Sets the retry policy and the spec's rules for what is retried. The
    /// copy shares the original's connections and rate-limit window.
    pub fn with_retry(mut self, retry: RetryPolicy, rules: RetryRules) -> Self {
        self.retry = retry;
        self.rules = rules;
        self
    }

    /// The retry policy in force.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.retry
    }

    /// The retry rules in force.
    pub fn retry_rules(&self) -> RetryRules {
        self.rules
    }

    /// The wall clock this client (and its clones) reads rate-limit resets
    /// against (bulk runs read journals' windows against it).
    #[cfg(feature = "bulk")]
    pub(super) fn clock(&self) -> &SharedClock {
        self.shared.pacer.clock()
    }

    /// The rate-limit window as this client (and its clones) counts it now:
    /// the last reported window, less the requests sent since. `None` until
    /// an answer reports one, and again once its reset has passed.
    pub fn rate_limit_window(&self) -> Option<RateLimit> {
        self.shared.pacer.window()
    }

    /// Tells the client about a window learned elsewhere (another process,
    /// an earlier run's journal). Kept unless the client knows a newer
    /// window or fewer requests left in the same one.
    pub fn observe_rate_limit(&self, rate: RateLimit) {
        self.shared.pacer.seed(rate);
    }

    /// The largest response body this client reads into memory.
    pub fn max_response_bytes(&self) -> usize {
        self.shared.max_response_bytes
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
        let mut url = reqwest::Url::parse(&format!("{}{}", self.shared.base_url, path))
            .map_err(|err| format!("cannot build the request URL: {err}"))?;
        let auth = if authenticated { &self.shared.auth } else { &Auth::None };
        if !query.is_empty() || matches!(auth, Auth::Query { .. }) {
            let mut pairs = url.query_pairs_mut();
            for (name, value) in query {
                pairs.append_pair(name.as_ref(), value);
            }
            if let Auth::Query { name, value } = auth {
                pairs.append_pair(name, value.expose());
            }
        }
        let mut builder = self.shared.http.request(method, url);
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

    /// Sends a request once and reads its answer: the one place a body is
    /// buffered, up to the size cap. Nothing of it runs past `end` (the
    /// request timeout from now, or the call's deadline if that comes
    /// first), and no read of the body waits longer than the read timeout.
    /// With `stream_success` (a download the spec declares as a file), a
    /// 2xx answer's body is left unread after the origin check, handed over
    /// as a [`ByteStream`] bound by the same `end` and read timeout.
    async fn send_once(&self, request: reqwest::RequestBuilder, stream_success: bool, end: Option<Deadline>) -> Sent {
        let (http, request) = request.build_split();
        let mut request = match request {
            Ok(request) => request,
            Err(err) => return Sent::Transport(TransportCause::Http(err.without_url())),
        };
        let mut hops = 0;
        let mut response = loop {
            // Kept to send again if the answer is a redirect this client
            // follows itself (a streamed body cannot be sent twice: then
            // the redirect comes back as it is, as reqwest does).
            let again = if self.shared.redirects_by_hand { request.try_clone() } else { None };
            let sent = match end {
                Some(end) => match tokio::time::timeout_at(end.at, http.execute(request)).await {
                    Ok(sent) => sent,
                    Err(_) => return Sent::Transport(TransportCause::NoAnswer(end.allowed)),
                },
                None => http.execute(request).await,
            };
            let response = match sent {
                Ok(response) => response,
                Err(err) => return Sent::Transport(TransportCause::Http(err.without_url())),
            };
            match again.and_then(|again| self.redirected(again, &response, hops)) {
                Some(next) => {
                    request = next;
                    hops += 1;
                }
                None => break response,
            }
        };
        let status = response.status();
        let headers = std::mem::take(response.headers_mut());
        let rate_limit = self.shared.rate_limit.as_ref().and_then(|names| names.read(&headers));
        let raw = |body: Bytes| RawResponse {
            status,
            headers,
            rate_limit,
            body,
            attempts: 1,
            lost_answers: 0,
            waits: Vec::new(),
        };
        if !same_origin(response.url(), &self.shared.base) {
            let origin = response.url().origin().ascii_serialization();
            return Sent::Foreign { origin, response: raw(Bytes::new()) };
        }
        let idle = self.retry.read_timeout;
        if stream_success && status.is_success() {
            let mut unread = ByteStream::new(response);
            if let Some(end) = end {
                unread = unread.with_deadline(end.at, end.allowed);
            }
            if let Some(idle) = idle {
                unread = unread.with_read_timeout(idle);
            }
            return Sent::Stream { response: raw(Bytes::new()), unread };
        }
        let limit = self.shared.max_response_bytes;
        match read_body(response, limit, end, idle).await {
            Ok(Ok(body)) => Sent::Answer(raw(body)),
            Ok(Err(first)) => Sent::TooLarge { limit, response: raw(first) },
            Err(cause) => Sent::Transport(cause),
        }
    }

    /// The request to send next when `response` is a redirect this client
    /// follows itself: within the base URL's origin, at most 10 in a row,
    /// with the query credential added to the new URL. 301, 302 and 303
    /// turn anything but GET and HEAD into a GET without a body; 307 and
    /// 308 keep the method and body.
    fn redirected(
        &self,
        mut request: reqwest::Request,
        response: &reqwest::Response,
        hops: u32,
    ) -> Option<reqwest::Request> {
        use reqwest::{header, Method};
        let status = response.status();
        if !matches!(status.as_u16(), 301 | 302 | 303 | 307 | 308) || hops >= 10 {
            return None;
        }
        let location = response.headers().get(header::LOCATION)?.to_str().ok()?;
        let mut url = response.url().join(location).ok()?;
        if !same_origin(&url, &self.shared.base) {
            return None;
        }
        if let Auth::Query { name, value } = &self.shared.auth {
            let kept: Vec<(String, String)> = url
                .query_pairs()
                .filter(|(key, _)| key != name)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            let mut pairs = url.query_pairs_mut();
            pairs.clear();
            for (key, value) in &kept {
                pairs.append_pair(key, value);
            }
            pairs.append_pair(name, value.expose());
        }
        url.set_fragment(None);
        let to_get = match status {
            StatusCode::SEE_OTHER => request.method() != Method::HEAD,
            StatusCode::MOVED_PERMANENTLY | StatusCode::FOUND => {
                !matches!(*request.method(), Method::GET | Method::HEAD)
            }
            _ => false,
        };
        if to_get {
            *request.method_mut() = Method::GET;
            *request.body_mut() = None;
            for name in
                [header::CONTENT_TYPE, header::CONTENT_LENGTH, header::CONTENT_ENCODING, header::TRANSFER_ENCODING]
            {
                request.headers_mut().remove(name);
            }
        }
        *request.url_mut() = url;
        Some(request)
    }

    /// Sends a request, retrying as the policy and the spec's rules allow:
    /// rate-limited answers wait for `Retry-After` or the rate-limit reset
    /// (at most [`RetryPolicy::max_rate_limit_wait`]; longer is
    /// [`Error::RateLimited`] at once); unavailable answers, timeouts and
    /// connection failures back off exponentially with jitter. Only
    /// `call.retry_safe` calls are retried.
    ///
    /// Every request waits for the client's rate-limit window first (shared
    /// by its clones and concurrent calls), and every answer updates it.
    ///
    /// `build` makes the request; it runs once per attempt, so nothing is
    /// copied unless a retry happens.
    pub async fn send_with_retry<E, B>(&self, build: B, call: CallInfo) -> Result<RawResponse, Error<E>>
    where
        B: Fn() -> Result<reqwest::RequestBuilder, Error<E>>,
    {
        self.retry_loop(build, call, false).await.map(|(raw, _)| raw)
    }

    /// Like [`ClientCore::send_with_retry`], but a 2xx answer's body is not
    /// read: it comes back as a [`ByteStream`] (and the raw response's body
    /// is empty). Other answers are read whole, as they are by
    /// `send_with_retry`. The request timeout bounds only the wait for the
    /// response headers.
    pub async fn send_streaming_with_retry<E, B>(
        &self,
        build: B,
        call: CallInfo,
    ) -> Result<(RawResponse, Option<ByteStream>), Error<E>>
    where
        B: Fn() -> Result<reqwest::RequestBuilder, Error<E>>,
    {
        self.retry_loop(build, call, true).await
    }

    /// The retry loop, in a `tracing` span per call when that feature is on
    /// (see [`super::trace`]).
    async fn retry_loop<E, B>(
        &self,
        build: B,
        call: CallInfo,
        stream_success: bool,
    ) -> Result<(RawResponse, Option<ByteStream>), Error<E>>
    where
        B: Fn() -> Result<reqwest::RequestBuilder, Error<E>>,
    {
        #[cfg(feature = "tracing")]
        {
            use tracing::Instrument;
            let span = super::trace::call_span(call);
            let started = std::time::Instant::now();
            let result = self.send_with_retries(build, call, stream_success).instrument(span.clone()).await;
            super::trace::finish(&span, started, result.as_ref().map(|(raw, _)| raw));
            result
        }
        #[cfg(not(feature = "tracing"))]
        self.send_with_retries(build, call, stream_success).await
    }

    async fn send_with_retries<E, B>(
        &self,
        build: B,
        call: CallInfo,
        stream_success: bool,
    ) -> Result<(RawResponse, Option<ByteStream>), Error<E>>
    where
        B: Fn() -> Result<reqwest::RequestBuilder, Error<E>>,
    {
        let started = tokio::time::Instant::now();
        // A deadline no clock holds (`Duration::MAX`) is no deadline.
        let deadline = match (self.retry.deadline.and_then(|d| started.checked_add(d)), self.call.deadline) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let pacer = &self.shared.pacer;
        // What this call may still wait for the rate limit, all its waits
        // together (pacing before a request and `Retry-After` alike).
        let mut rate_budget = self.retry.max_rate_limit_wait;
        let mut waits = Vec::new();
        let mut tries = 0u32;
        let mut attempts = 0u32;
        let mut lost = self.call.prior_lost;
        let mut last_answer: Option<tokio::time::Instant> = None;
        loop {
            let request = build()?;
            let pacing = tokio::time::Instant::now();
            let acquired = pacer.acquire(rate_budget, deadline, self.call.learn_first).await;
            rate_budget = rate_budget.saturating_sub(pacing.elapsed());
            let permit = match acquired {
                Ok(permit) => permit,
                Err(spent) => {
                    return Err(Error::RateLimited {
                        retry_at: std::time::UNIX_EPOCH + spent.resume_at,
                        wanted: spent.wanted,
                        response: None,
                        attempts,
                        lost_answers: lost,
                    })
                }
            };
            #[cfg(feature = "tracing")]
            super::trace::paced(pacing.elapsed());
            if let Some(at) = last_answer {
                waits.push(at.elapsed());
            }
            tries += 1;
            // This attempt's end: its timeout from now, never past the deadline.
            let now = tokio::time::Instant::now();
            let end = Deadline::earliest(
                self.retry.request_timeout.and_then(|t| Some(Deadline { at: now.checked_add(t)?, allowed: t })),
                deadline.map(|at| Deadline { at, allowed: at.saturating_duration_since(now) }),
            );
            if end.is_some_and(|end| end.at <= now) {
                drop(permit);
                return Err(Error::Transport(TransportError(TransportCause::DeadlinePassed, attempts, lost)));
            }
            if let Some(hook) = &self.call.before_send {
                hook(attempts + 1);
            }
            let sent = self.send_once(request, stream_success, end).await;
            last_answer = Some(tokio::time::Instant::now());
            // Whether the request may have reached the server, and whether
            // its answer was lost (so it may have taken effect unseen).
            let (reached, answer_lost) = match &sent {
                Sent::Answer(raw) => (true, matches!(raw.status.as_u16(), 502 | 504)),
                Sent::Transport(TransportCause::Http(err)) => {
                    let reached = !(err.is_connect() || err.is_builder());
                    (reached, reached)
                }
                Sent::Transport(
                    TransportCause::NoAnswer(_) | TransportCause::TimedOut(_) | TransportCause::Stalled(_),
                ) => (true, true),
                Sent::Transport(TransportCause::DeadlinePassed) => (false, false),
                Sent::Stream { .. } | Sent::TooLarge { .. } | Sent::Foreign { .. } => (true, false),
            };
            attempts += u32::from(reached);
            lost += u32::from(answer_lost);
            let refused = matches!(&sent, Sent::Answer(raw) if self.rules.matches(self.rules.rate_limited, raw));
            let (rate, answered) = match &sent {
                Sent::Answer(raw) | Sent::Stream { response: raw, .. } | Sent::TooLarge { response: raw, .. } => {
                    (raw.rate_limit, true)
                }
                // Another origin's rate limit says nothing about this API's.
                Sent::Foreign { .. } | Sent::Transport(_) => (None, false),
            };
            pacer.observe(rate, refused, answered);
            drop(permit);

            let stamp = |raw: &mut RawResponse| {
                raw.attempts = attempts;
                raw.lost_answers = lost;
                raw.waits.clone_from(&waits);
            };
            let outcome = match sent {
                Sent::Transport(cause) => {
                    let err = TransportError(cause, attempts, lost);
                    if !(err.0.is_retryable() && call.retry_safe && tries < self.retry.max_attempts.max(1)) {
                        return Err(Error::Transport(err));
                    }
                    let wait = self.retry.backoff(tries);
                    if deadline.is_some_and(|d| d.saturating_duration_since(tokio::time::Instant::now()) <= wait) {
                        return Err(Error::Transport(err));
                    }
                    self.before_retry(call, tries, None, "transport", wait);
                    tokio::time::sleep(wait).await;
                    continue;
                }
                Sent::Answer(mut raw) => {
                    stamp(&mut raw);
                    raw
                }
                Sent::Stream { mut response, unread } => {
                    stamp(&mut response);
                    return Ok((response, Some(unread)));
                }
                Sent::TooLarge { limit, mut response } => {
                    stamp(&mut response);
                    return Err(Error::ResponseTooLarge { limit, response: Box::new(response) });
                }
                Sent::Foreign { origin, mut response } => {
                    stamp(&mut response);
                    return Err(Error::ForeignOrigin { origin, response: Box::new(response) });
                }
            };
            if !(call.retry_safe && tries < self.retry.max_attempts.max(1)) {
                return Ok((outcome, None));
            }
            let status = Some(outcome.status.as_u16());
            if refused {
                let wanted = rate_limit_wait(&outcome, pacer.clock().since_epoch());
                let too_long = wanted > rate_budget
                    || deadline.is_some_and(|d| d.saturating_duration_since(tokio::time::Instant::now()) < wanted);
                if too_long {
                    return Err(Error::RateLimited {
                        retry_at: pacer.clock().now() + wanted,
                        wanted,
                        response: Some(Box::new(outcome)),
                        attempts,
                        lost_answers: lost,
                    });
                }
                // Every call of this client holds back until then; the next
                // attempt waits in the pacer.
                pacer.block_for(wanted);
                self.before_retry(call, tries, status, "rate limited", wanted);
                continue;
            }
            if !self.rules.matches(self.rules.unavailable, &outcome) {
                return Ok((outcome, None));
            }
            let wait = self.retry.backoff(tries);
            if deadline.is_some_and(|d| d.saturating_duration_since(tokio::time::Instant::now()) <= wait) {
                return Ok((outcome, None));
            }
            self.before_retry(call, tries, status, "unavailable", wait);
            tokio::time::sleep(wait).await;
        }
    }

    fn before_retry(&self, call: CallInfo, attempt: u32, status: Option<u16>, reason: &'static str, wait: Duration) {
        #[cfg(feature = "tracing")]
        super::trace::retry(attempt, status, reason, wait);
        if let Some(hook) = &self.retry.on_retry {
            hook(&RetryEvent { method: call.method, path: call.path, attempt, status, reason, wait });
        }
    }
}

/// The redirect policy of a client the runtime builds: see [`Redirects`].
fn redirect_policy(base: reqwest::Url, redirects: Redirects) -> reqwest::redirect::Policy {
    match redirects {
        Redirects::None => reqwest::redirect::Policy::none(),
        Redirects::SameOrigin => reqwest::redirect::Policy::custom(move |attempt| {
            if !same_origin(attempt.url(), &base) {
                attempt.stop()
            } else if attempt.previous().len() > 10 {
                attempt.error("more than 10 redirects in a row")
            } else {
                attempt.follow()
            }
        }),
    }
}

/// When an attempt must be over: the instant, and how long it was allowed
/// (for the error's text).
#[derive(Clone, Copy, Debug)]
struct Deadline {
    at: tokio::time::Instant,
    allowed: Duration,
}

impl Deadline {
    fn earliest(a: Option<Deadline>, b: Option<Deadline>) -> Option<Deadline> {
        match (a, b) {
            (Some(a), Some(b)) => Some(if b.at < a.at { b } else { a }),
            (a, b) => a.or(b),
        }
    }
}

/// The next piece of a body, within the attempt's end and the read timeout:
/// `Ok(None)` at its end.
pub(super) async fn next_chunk(
    response: &mut reqwest::Response,
    end: Option<(tokio::time::Instant, Duration)>,
    idle: Option<Duration>,
) -> Result<Option<Bytes>, TransportCause> {
    let now = tokio::time::Instant::now();
    let stall = idle.and_then(|idle| Some((now.checked_add(idle)?, idle)));
    let wake = match (end, stall) {
        (Some(end), Some(stall)) => Some(if stall.0 < end.0 {
            (stall.0, TransportCause::Stalled(stall.1))
        } else {
            (end.0, TransportCause::TimedOut(end.1))
        }),
        (Some(end), None) => Some((end.0, TransportCause::TimedOut(end.1))),
        (None, Some(stall)) => Some((stall.0, TransportCause::Stalled(stall.1))),
        (None, None) => None,
    };
    match wake {
        Some((at, cause)) => match tokio::time::timeout_at(at, response.chunk()).await {
            Ok(chunk) => chunk.map_err(|err| TransportCause::Http(err.without_url())),
            Err(_) => Err(cause),
        },
        None => response.chunk().await.map_err(|err| TransportCause::Http(err.without_url())),
    }
}

/// A buffer for a body read whole, never allowed past `limit`: it grows in
/// steps of `limit / 2^k`, so its capacity never passes the cap (a
/// `Vec`'s own doubling could reach twice it), and a growth step copies at
/// most half the cap.
pub(super) fn grow_within(body: &mut Vec<u8>, more: usize, limit: usize) {
    let needed = body.len().saturating_add(more);
    if needed <= body.capacity() {
        return;
    }
    let mut target = limit.max(needed);
    while target / 2 >= needed && target / 2 >= MIN_BODY_STEP {
        target /= 2;
    }
    body.reserve_exact(target - body.len());
}

/// The smallest step a body buffer grows by (unless the cap is smaller).
const MIN_BODY_STEP: usize = 16 << 10;

/// Reads a body up to `limit` bytes: `Ok(Ok(body))`, or `Ok(Err(first
/// bytes))` as soon as it is known to be larger (declared, or the next
/// piece would pass the cap); the buffer never holds more than the cap.
/// No read waits past `end` or longer than `idle`.
async fn read_body(
    mut response: reqwest::Response,
    limit: usize,
    end: Option<Deadline>,
    idle: Option<Duration>,
) -> Result<Result<Bytes, Bytes>, TransportCause> {
    let end = end.map(|end| (end.at, end.allowed));
    let declared = response.content_length().map(|n| usize::try_from(n).unwrap_or(usize::MAX));
    if declared.is_some_and(|n| n > limit) {
        let first = next_chunk(&mut response, end, idle).await?.unwrap_or_default();
        return Ok(Err(Bytes::copy_from_slice(&first[..first.len().min(KEPT_OF_TOO_LARGE)])));
    }
    let mut body: Vec<u8> = Vec::with_capacity(declared.unwrap_or(0));
    while let Some(chunk) = next_chunk(&mut response, end, idle).await? {
        if body.len().saturating_add(chunk.len()) > limit {
            body.truncate(KEPT_OF_TOO_LARGE);
            let room = KEPT_OF_TOO_LARGE.saturating_sub(body.len()).min(chunk.len());
            body.extend_from_slice(&chunk[..room]);
            body.shrink_to_fit();
            return Ok(Err(Bytes::from(body)));
        }
        grow_within(&mut body, chunk.len(), limit);
        body.extend_from_slice(&chunk);
    }
    Ok(Ok(Bytes::from(body)))
}

/// What a generated method tells the retry loop about its call.
#[derive(Clone, Copy, Debug)]
pub struct CallInfo {
    /// The spec's operationId, for traces.
    pub operation: &'static str,
    /// Whether the call may be sent again (the spec marks it, or the method is idempotent).
    pub retry_safe: bool,
    /// The HTTP method, for the retry hook.
    pub method: &'static str,
    /// The path template (no ids, no query), for the retry hook.
    pub path: &'static str,
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

#[cfg(test)]
mod tests {
    use super::*;

    const NAMES: RateLimitHeaders =
        RateLimitHeaders { limit: "x-ratelimit-limit", remaining: "x-ratelimit-remaining", reset: "x-ratelimit-reset" };

    use super::super::error::tests::raw;

    fn core(auth: Auth) -> ClientCore {
        ClientCore::new(reqwest::Client::new(), "https://api.example.com/v3/", auth, None).unwrap()
    }

    fn build(core: &ClientCore, query: &[(&str, String)], authenticated: bool) -> reqwest::Request {
        core.request(reqwest::Method::GET, "/account/a%2Fb", query, authenticated).unwrap().build().unwrap()
    }

    #[test]
    fn rate_limit_needs_all_three_numeric_headers() {
        let mut headers = HeaderMap::new();
        headers.insert("x-ratelimit-limit", "100".parse().unwrap());
        headers.insert("x-ratelimit-remaining", " 7 ".parse().unwrap());
        assert_eq!(NAMES.read(&headers), None);
        headers.insert("x-ratelimit-reset", "1700000000".parse().unwrap());
        assert_eq!(NAMES.read(&headers), Some(RateLimit { limit: 100, remaining: 7, reset: 1_700_000_000 }));
        headers.insert("x-ratelimit-remaining", "many".parse().unwrap());
        assert_eq!(NAMES.read(&headers), None);
    }

    #[test]
    fn base_urls_must_be_absolute_http() {
        let http = reqwest::Client::new;
        for bad in ["not a url", "ftp://example.com", "mailto:someone@example.com", "/v3"] {
            assert!(ClientCore::new(http(), bad, Auth::None, None).is_err(), "{bad}");
        }
        let err = ClientCore::new(http(), "https://example.com/?key=sk_live_1", Auth::None, None).unwrap_err();
        assert_eq!(
            err,
            BuildError("base URL `https://example.com/?key=<redacted>` may not have a query or fragment".to_owned())
        );
        for with_user in
            ["http://sk_live_1:@example.com/v3", "https://user:sk_live_1@example.com", "http://sk_live_1@h"]
        {
            let err = ClientCore::new(http(), with_user, Auth::None, None).unwrap_err();
            assert!(err.0.contains("user information") && !err.0.contains("sk_live_1"), "{err}");
        }
        let err = ClientCore::new(http(), "not a url ?key=sk_live_1", Auth::None, None).unwrap_err();
        assert!(!err.0.contains("sk_live_1"), "{err}");
        assert!(ClientCore::new(http(), "https://example.com/#top", Auth::None, None).is_err());
        let core = ClientCore::new(http(), "http://localhost:8080/api//", Auth::None, Some(NAMES)).unwrap();
        assert_eq!(core.base_url(), "http://localhost:8080/api");
        let shown =
            format!("{:?}", ClientCore::new(http(), "http://h/", Auth::Bearer("sk_live_1".into()), None).unwrap());
        assert!(shown.starts_with("ClientCore { base_url: \"http://h\"") && !shown.contains("sk_live_1"), "{shown}");
    }

    #[test]
    fn retry_settings_are_kept() {
        let core = core(Auth::None);
        assert_eq!(core.retry_policy().max_attempts, RetryPolicy::default().max_attempts);
        let copy = core.clone().with_retry(RetryPolicy::never(), RetryRules::DEFAULT);
        assert_eq!(copy.retry_policy().max_attempts, 1);
        // Copies share the rate-limit window.
        core.observe_rate_limit(RateLimit { limit: 10, remaining: 4, reset: u64::MAX / 2 });
        assert_eq!(copy.rate_limit_window(), Some(RateLimit { limit: 10, remaining: 4, reset: u64::MAX / 2 }));
        let settings = ClientSettings::default();
        assert_eq!((settings.redirects, settings.max_response_bytes), (Redirects::SameOrigin, 16 << 20));
    }

    #[test]
    fn requests_carry_the_path_the_query_and_the_credential() {
        let request =
            build(&core(Auth::Bearer("tok".into())), &[("page", "2".to_owned()), ("q", "a b&c".to_owned())], true);
        assert_eq!(request.url().as_str(), "https://api.example.com/v3/account/a%2Fb?page=2&q=a+b%26c");
        assert_eq!(request.headers()[reqwest::header::AUTHORIZATION], "Bearer tok");

        let request = build(&core(Auth::Query { name: "api_key", value: "k&1".into() }), &[], true);
        assert_eq!(request.url().query(), Some("api_key=k%261"));
        let request = build(&core(Auth::Query { name: "api_key", value: "k".into() }), &[], false);
        assert_eq!(request.url().query(), None);

        let request = build(&core(Auth::Basic { username: "user".into(), password: "".into() }), &[], true);
        assert_eq!(request.headers()[reqwest::header::AUTHORIZATION], "Basic dXNlcjo=");

        let request = build(&core(Auth::Header { name: "X-Api-Key", value: "key".into() }), &[], true);
        assert_eq!(request.headers()["x-api-key"], "key");
        assert!(request.headers()["x-api-key"].is_sensitive());

        let request = build(&core(Auth::Cookie { name: "session", value: "s1".into() }), &[], true);
        assert_eq!(request.headers()[reqwest::header::COOKIE], "session=s1");
        assert!(request.headers()[reqwest::header::COOKIE].is_sensitive());

        let request = build(&core(Auth::Bearer("tok".into())), &[], false);
        assert!(request.headers().get(reqwest::header::AUTHORIZATION).is_none());
    }

    #[test]
    fn credentials_that_are_not_header_values_are_refused() {
        let core = core(Auth::Header { name: "X-Api-Key", value: "line\nbreak".into() });
        let err = core.request::<&str>(reqwest::Method::GET, "/", &[], true).unwrap_err();
        assert_eq!(err, "the `X-Api-Key` credential is not a valid header value");
        assert!(!err.contains("line"));
    }

    #[test]
    fn bodies_decode_or_keep_the_response() {
        let (value, response) = decode_json::<Vec<u8>, ()>(raw(200, None, "[1,2]")).unwrap();
        assert_eq!(value, [1, 2]);
        assert_eq!(response.status, StatusCode::OK);
        match decode_json::<Vec<u8>, ()>(raw(200, None, "[1,")) {
            Err(Error::Decode { response, .. }) => assert_eq!(&response.body[..], b"[1,"),
            other => panic!("{other:?}"),
        }
        assert!(matches!(unexpected::<()>(raw(302, None, "")), Error::UnexpectedResponse(r) if r.status == 302));
    }

    #[test]
    fn api_errors_are_typed_when_they_are_json() {
        #[derive(Debug, serde::Deserialize, PartialEq)]
        struct ApiError {
            message: String,
        }
        let err = api_error::<ApiError>(raw(400, Some("application/json"), r#"{"message":"no"}"#));
        assert_eq!(err.api_error(), Some(&ApiError { message: "no".to_owned() }));
        let err = api_error::<ApiError>(raw(400, None, r#"{"other":1}"#));
        assert!(matches!(err, Error::Decode { .. }), "{err:?}");
        let err = api_error::<ApiError>(raw(400, Some("text/html"), r#"{"message":"no"}"#));
        assert!(matches!(err, Error::UnexpectedResponse(_)), "{err:?}");
    }

    #[test]
    fn warnings_are_optional() {
        #[derive(Debug, serde::Deserialize, PartialEq)]
        struct Warned {
            warnings: Vec<String>,
        }
        assert_eq!(warnings::<Warned>(b" \n"), None);
        assert_eq!(warnings::<Warned>(b"{}"), None);
        assert_eq!(warnings::<Warned>(br#"{"warnings":["w"]}"#), Some(Warned { warnings: vec!["w".to_owned()] }));
    }

    #[test]
    fn body_buffers_grow_by_halves_of_the_cap_and_never_past_it() {
        for limit in [1, 1000, 16 << 10, 1_500_000, 16 << 20] {
            let mut body = Vec::new();
            let mut capacities = Vec::new();
            for piece in [1usize, 7, 4096, 16 << 10, 400_000].iter().cycle().take(400) {
                if body.len() + piece > limit {
                    break;
                }
                grow_within(&mut body, *piece, limit);
                body.resize(body.len() + piece, 0);
                assert!(body.capacity() <= limit, "{limit}: {}", body.capacity());
                if capacities.last() != Some(&body.capacity()) {
                    capacities.push(body.capacity());
                }
            }
            // Each step at least doubles, until the cap: few copies.
            for pair in capacities.windows(2) {
                assert!(pair[1] >= 2 * pair[0] || pair[1] == limit, "{limit}: {capacities:?}");
            }
        }
    }

    #[test]
    fn into_body_drops_the_rest() {
        let response: Response<u8> = Response::new(StatusCode::OK, 7);
        assert_eq!((response.attempts, response.lost_answers, response.headers.len()), (1, 0, 0));
        assert_eq!(response.into_body(), 7);
    }
}
