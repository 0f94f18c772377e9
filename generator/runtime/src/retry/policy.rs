//! The caller's [`RetryPolicy`], the spec's [`RetryRules`] and the hook
//! that sees each retry.

use std::fmt;

use reqwest::StatusCode;

use crate::error::RawResponse;
use crate::url::value_text;

/// When to retry, how often and how long to wait; on by default.
///
/// | field | default |
/// |---|---|
/// | [`max_attempts`](Self::max_attempts) | 5 |
/// | [`base_delay`](Self::base_delay) | 250 ms |
/// | [`max_delay`](Self::max_delay) | 20 s |
/// | [`max_rate_limit_wait`](Self::max_rate_limit_wait) | 20 s, all of a call's rate-limit waits together |
/// | [`deadline`](Self::deadline) | 30 s per call |
/// | [`request_timeout`](Self::request_timeout) | 15 s per attempt |
/// | [`read_timeout`](Self::read_timeout) | 10 s per read of a body |
/// | [`on_retry`](Self::on_retry) | none |
///
/// So by default a call is over within 30 s, whatever the server does
/// (answers nothing, trickles a byte at a time, asks again and again to
/// wait): the deadline ends it, shortening the last attempt's timeout to
/// what is left. Without a deadline the worst case is the attempts times
/// the request timeout (5 x 15 s = 75 s) plus the back-off pauses
/// (0.25 + 0.5 + 1 + 2 s at most) plus the rate-limit waits (20 s): about
/// 99 s. 30 s is what a web handler behind a proxy can afford (proxies and
/// load balancers commonly give up at 30 to 60 s); batch work raises it, or
/// sets `deadline` to `None`.
///
/// When the API (or the client's own count of the window, shared by its
/// clones) asks to wait longer than the call has left of
/// `max_rate_limit_wait` or of its deadline, the call fails at once with
/// [`Error::RateLimited`](crate::Error::RateLimited), which says when
/// sending may resume. Bulk runs have their own bounds
/// (`BulkOptions::max_rate_limit_wait`, an hour per id, and no deadline
/// unless the run sets one).
///
/// `#[non_exhaustive]`, so a setting added later breaks no caller: start
/// from [`RetryPolicy::default()`] or [`RetryPolicy::never()`] and set the
/// fields you change.
#[derive(Clone)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Requests per call at most, the first included (1: never retry).
    /// Default 5.
    pub max_attempts: u32,
    /// The first back-off pause, doubled on each retry (with jitter).
    /// Default 250 ms.
    pub base_delay: std::time::Duration,
    /// The longest back-off pause. Default 20 s.
    pub max_delay: std::time::Duration,
    /// The longest a call waits for the rate limit, all its waits together
    /// (before a request, while the client's window is spent, and after a
    /// 429 or another rate-limited answer). Asked to wait past what is
    /// left of it, the call fails at once with
    /// [`Error::RateLimited`](crate::Error::RateLimited). Default 20 s.
    pub max_rate_limit_wait: std::time::Duration,
    /// An overall deadline per call, from its start: retries, waits and
    /// the body included (a streamed body too). A wait that would pass it
    /// is not started, and each attempt's timeout is shortened to what is
    /// left of it. Default 30 s.
    pub deadline: Option<std::time::Duration>,
    /// The timeout of each attempt, from sending to the end of the body
    /// (for a streamed download, the end of the stream). Default 15 s.
    pub request_timeout: Option<std::time::Duration>,
    /// The longest wait for the next piece of a response body, whether it
    /// is read whole or streamed: a connection that stalls fails then, as
    /// a timeout, however long the request timeout. Default 10 s.
    pub read_timeout: Option<std::time::Duration>,
    /// Called before each retry's pause. It sees the method, the path
    /// template, the status and the wait: never a credential or an id.
    /// Default none.
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
            max_rate_limit_wait: std::time::Duration::from_secs(20),
            deadline: Some(std::time::Duration::from_secs(30)),
            request_timeout: Some(std::time::Duration::from_secs(15)),
            read_timeout: Some(std::time::Duration::from_secs(10)),
            on_retry: None,
        }
    }
}

impl RetryPolicy {
    /// The longest wait a response header is read as: a year.
    /// `Retry-After` values and rate-limit resets further away (`1e20`
    /// seconds, a reset of `2^63`) read as this, so no arithmetic on them
    /// can overflow; a wait that long is past every bound a call has, so
    /// it ends as [`Error::RateLimited`](crate::Error::RateLimited) at once.
    pub const LONGEST_HEADER_WAIT: std::time::Duration = crate::rate_limit::LONGEST_HEADER_WAIT;

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
            .field("read_timeout", &self.read_timeout)
            .field("on_retry", &self.on_retry.as_ref().map(|_| "Fn"))
            .finish()
    }
}

/// One retry, as the hook sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryEvent {
    /// The HTTP method.
    pub method: &'static str,
    /// The path template (no ids, no query string).
    pub path: &'static str,
    /// The attempt that failed (1 is the first).
    pub attempt: u32,
    /// Its status, when a response arrived.
    pub status: Option<StatusCode>,
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

    pub(crate) fn matches(&self, list: &[RetryMatch], raw: &RawResponse) -> bool {
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
