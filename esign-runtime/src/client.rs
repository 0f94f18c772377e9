//! Sending: [`ClientCore`], what every generated client holds, the
//! [`Response`] a call returns, rate-limit headers, and the helpers that
//! turn a raw response into a typed body or an [`Error`].

use reqwest::header::HeaderMap;
use reqwest::StatusCode;

use super::error::{BuildError, Error, RawResponse, TransportCause, TransportError};
use super::retry::{rate_limit_wait, RetryEvent, RetryPolicy, RetryRules};
use super::secret::Auth;
use super::stream::ByteStream;

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
        let parsed =
            reqwest::Url::parse(base_url).map_err(|err| BuildError(format!("base URL `{base_url}`: {err}")))?;
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
        self.send_once(request, false).await.map(|(raw, _)| raw)
    }

    /// Sends a request once. With `stream_success`, a 2xx answer's body is
    /// left unread and handed back as the `reqwest::Response`, and the
    /// request timeout bounds only the wait for the response headers (a
    /// download may take longer than any one timeout); every other answer
    /// is read whole.
    async fn send_once(
        &self,
        request: reqwest::RequestBuilder,
        stream_success: bool,
    ) -> Result<(RawResponse, Option<reqwest::Response>), TransportError> {
        let mut response = match (self.retry.request_timeout, stream_success) {
            (Some(timeout), false) => request.timeout(timeout).send().await?,
            (Some(timeout), true) => match tokio::time::timeout(timeout, request.send()).await {
                Ok(sent) => sent?,
                Err(_) => return Err(TransportError(TransportCause::NoAnswer(timeout), 1)),
            },
            (None, _) => request.send().await?,
        };
        let status = response.status();
        let headers = std::mem::take(response.headers_mut());
        let rate_limit = self.rate_limit.as_ref().and_then(|names| names.read(&headers));
        let (body, unread) = if stream_success && status.is_success() {
            (bytes::Bytes::new(), Some(response))
        } else {
            (response.bytes().await?, None)
        };
        Ok((RawResponse { status, headers, rate_limit, body, attempts: 1, waits: Vec::new() }, unread))
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
        let (raw, unread) = self.retry_loop(build, call, true).await?;
        Ok((raw, unread.map(ByteStream::new)))
    }

    async fn retry_loop<E, B>(
        &self,
        build: B,
        call: CallInfo,
        stream_success: bool,
    ) -> Result<(RawResponse, Option<reqwest::Response>), Error<E>>
    where
        B: Fn() -> Result<reqwest::RequestBuilder, Error<E>>,
    {
        let started = std::time::Instant::now();
        let deadline = self.retry.deadline.map(|d| started + d);
        let mut waits = Vec::new();
        let mut attempt = 1u32;
        loop {
            let retry_possible = call.retry_safe && attempt < self.retry.max_attempts.max(1);
            let mut outcome = self.send_once(build()?, stream_success).await;
            match &mut outcome {
                Ok((raw, _)) => {
                    raw.attempts = attempt;
                    raw.waits.clone_from(&waits);
                }
                Err(err) => err.1 = attempt,
            }
            if !retry_possible {
                return outcome.map_err(Error::Transport);
            }
            let (wait, reason, status) = match &outcome {
                Ok((raw, _)) if self.rules.matches(self.rules.rate_limited, raw) => {
                    let wanted = rate_limit_wait(raw);
                    let too_long = wanted > self.retry.max_rate_limit_wait
                        || deadline.is_some_and(|d| std::time::Instant::now() + wanted > d);
                    if too_long {
                        let (raw, _) = outcome.unwrap_or_else(|_| unreachable!("matched Ok above"));
                        return Err(Error::Deadline { wanted, response: Box::new(raw) });
                    }
                    (wanted, "rate limited", Some(raw.status.as_u16()))
                }
                Ok((raw, _)) if self.rules.matches(self.rules.unavailable, raw) => {
                    (self.retry.backoff(attempt), "unavailable", Some(raw.status.as_u16()))
                }
                Err(err) if err.is_retryable() => (self.retry.backoff(attempt), "transport", None),
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
    use bytes::Bytes;

    const NAMES: RateLimitHeaders =
        RateLimitHeaders { limit: "x-ratelimit-limit", remaining: "x-ratelimit-remaining", reset: "x-ratelimit-reset" };

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
        let err = ClientCore::new(http(), "https://example.com/?key=1", Auth::None, None).unwrap_err();
        assert_eq!(
            err,
            BuildError("base URL `https://example.com/?key=1` may not have a query or fragment".to_owned())
        );
        assert!(ClientCore::new(http(), "https://example.com/#top", Auth::None, None).is_err());
        let core = ClientCore::new(http(), "http://localhost:8080/api//", Auth::None, Some(NAMES)).unwrap();
        assert_eq!(core.base_url(), "http://localhost:8080/api");
    }

    #[test]
    fn retry_settings_are_kept() {
        let core = core(Auth::None);
        assert_eq!(core.retry_policy().max_attempts, RetryPolicy::default().max_attempts);
        let core = core.with_retry(RetryPolicy::never(), RetryRules::DEFAULT);
        assert_eq!(core.retry_policy().max_attempts, 1);
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
    fn into_body_drops_the_rest() {
        let response: Response<u8> = Response {
            status: StatusCode::OK,
            headers: HeaderMap::new(),
            rate_limit: None,
            attempts: 1,
            waits: Vec::new(),
            warnings: Vec::new(),
            body: 7,
        };
        assert_eq!(response.into_body(), 7);
    }
}
