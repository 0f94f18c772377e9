//! The client core: [`ClientCore`], what every generated client holds
//! (settings, building, requests). Its jobs live beside it: the settings
//! (`settings`), redirects (`redirect`), sending one request and reading
//! its answer (`send`); the retry loop that drives the sending is
//! [`crate::retry`]'s.

use std::fmt;

#[cfg(feature = "bulk")]
use crate::clock::SharedClock;
use crate::error::{BuildError, Error, RawResponse};
use crate::pace::Pacer;
use crate::rate_limit::{RateLimit, RateLimitHeaders};
use crate::retry::{Attempts, CallContext, CallInfo, RetryPolicy, RetryRules};
use crate::secret::Auth;
use crate::stream::ByteStream;
use crate::url::redact_url;

mod redirect;
mod send;
mod settings;

pub use settings::{ClientSettings, Redirects, DEFAULT_MAX_RESPONSE_BYTES};

/// What a generated client holds: the HTTP client, where to send, how to
/// authenticate, and the pacing state its clones share. Cheap to clone.
#[derive(Clone)]
pub struct ClientCore {
    shared: std::sync::Arc<Shared>,
    retry: RetryPolicy,
    rules: RetryRules,
    pub(crate) call: CallContext,
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

impl ClientCore {
    /// Checks the base URL and builds the core with these settings and
    /// what the spec says: the headers that carry its rate limit and its
    /// rules for what is retried. The URL must be absolute http(s),
    /// without user information, query or fragment; a trailing `/` is
    /// dropped. Errors never repeat a query value or user information.
    pub fn build(
        settings: ClientSettings,
        base_url: &str,
        auth: Auth,
        rate_limit: Option<RateLimitHeaders>,
        rules: RetryRules,
    ) -> Result<Self, BuildError> {
        let parsed = reqwest::Url::parse(base_url).map_err(|err| BuildError::BaseUrlNotAbsolute(err.to_string()))?;
        if !parsed.username().is_empty() || parsed.password().is_some() {
            return Err(BuildError::BaseUrlUserInfo);
        }
        let shown = redact_url(&parsed);
        if !matches!(parsed.scheme(), "http" | "https") || parsed.cannot_be_a_base() || parsed.host_str().is_none() {
            return Err(BuildError::BaseUrlNotHttp(shown));
        }
        if parsed.query().is_some() || parsed.fragment().is_some() {
            return Err(BuildError::BaseUrlQueryOrFragment(shown));
        }
        // A credential in the query is not in a redirect's `Location`, so
        // reqwest would follow without it: such a client follows
        // same-origin redirects itself (`send_once`), adding it again.
        let by_hand = matches!(auth, Auth::Query { .. }) && settings.redirects == Redirects::SameOrigin;
        let policy = if by_hand {
            reqwest::redirect::Policy::none()
        } else {
            redirect::redirect_policy(parsed.clone(), settings.redirects)
        };
        let built = |builder: reqwest::ClientBuilder| {
            builder.redirect(policy).build().map_err(|err| BuildError::HttpClient(err.to_string()))
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
            retry: settings.retry,
            rules,
            call: CallContext::default(),
        })
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.shared.base_url
    }

    /// This core with another retry policy (the spec's rules stay). The
    /// copy shares the original's connections and rate-limit window.
    pub fn with_retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
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
    pub(crate) fn clock(&self) -> &SharedClock {
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

    /// The retry loop of one call of this client.
    fn attempts(&self, call: CallInfo) -> Attempts<'_> {
        Attempts { policy: &self.retry, rules: self.rules, pacer: &self.shared.pacer, context: &self.call, call }
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
        self.attempts(call).run(build, |request, end| self.send_once(request, false, end)).await.map(|(raw, _)| raw)
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
        self.attempts(call).run(build, |request, end| self.send_once(request, true, end)).await
    }
}

#[cfg(test)]
mod tests;
