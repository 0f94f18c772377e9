//! How a client's HTTP side is set up: [`ClientSettings`], the
//! [`Redirects`] it follows and the response size cap.

use crate::clock::SharedClock;
#[cfg(doc)]
use crate::error::Error;
use crate::retry::RetryPolicy;

/// The largest response body a client reads by default: 16 MiB. Larger
/// answers are [`Error::ResponseTooLarge`]; set another cap with
/// `ClientBuilder::max_response_bytes`.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 16 << 20;

/// How many bytes of an over-large body [`Error::ResponseTooLarge`] keeps.
pub(crate) const KEPT_OF_TOO_LARGE: usize = 4096;

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
/// | [`time_source`](Self::time_source) | the system clock |
/// | [`retry`](Self::retry) | [`RetryPolicy::default()`] |
///
/// Every choice a caller makes about a client is one of these fields;
/// what the spec says (the rate-limit headers, the retry rules) the
/// generated code passes to [`ClientCore::build`](crate::ClientCore::build)
/// itself.
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
    /// paused clock give a [`TokioClock`](crate::TokioClock), so a reset
    /// arrives when the paused wait for it ends.
    pub time_source: SharedClock,
    /// Retries, waits and timeouts; default [`RetryPolicy::default()`]
    /// ([`RetryPolicy::never()`] turns retries off).
    pub retry: RetryPolicy,
}

impl Default for ClientSettings {
    fn default() -> Self {
        ClientSettings {
            http: None,
            http_builder: None,
            redirects: Redirects::SameOrigin,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            time_source: SharedClock::default(),
            retry: RetryPolicy::default(),
        }
    }
}
