//! When and how a call is sent again: the caller's [`RetryPolicy`], the
//! spec's [`RetryRules`], the hook that sees each retry, and how long a
//! rate-limited answer asks to wait.

use std::fmt;

use super::error::RawResponse;
use super::url::value_text;

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
/// [`Error::RateLimited`](super::Error::RateLimited), which says when
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
    /// [`Error::RateLimited`](super::Error::RateLimited). Default 20 s.
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
    /// it ends as [`Error::RateLimited`](super::Error::RateLimited) at once.
    pub const LONGEST_HEADER_WAIT: std::time::Duration = std::time::Duration::from_secs(366 * 24 * 3600);

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

    pub(super) fn matches(&self, list: &[RetryMatch], raw: &RawResponse) -> bool {
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

/// How long after a reported reset sending resumes: the reset is whole
/// seconds, so just past it.
pub(super) const RESET_MARGIN: std::time::Duration = std::time::Duration::from_millis(50);

/// The wait a `Retry-After` header asks for: a number of seconds (`120`,
/// `1.5`) or an HTTP date (`Sun, 06 Nov 1994 08:49:37 GMT`, the IMF-fixdate
/// form servers send; a date in the past is no wait), at most
/// [`RetryPolicy::LONGEST_HEADER_WAIT`]. `None` when there is none or it is
/// neither: negative, `NaN`, infinite, not ASCII, an obsolete date form.
/// Never panics, whatever the text.
/// A date is read against `now` (time since the epoch, from the client's
/// clock).
pub(super) fn retry_after(
    headers: &reqwest::header::HeaderMap,
    now: std::time::Duration,
) -> Option<std::time::Duration> {
    let text = headers.get(reqwest::header::RETRY_AFTER)?.to_str().ok()?.trim();
    retry_after_text(text, now)
}

/// [`retry_after`] of the header's text, at `now` (time since the epoch).
fn retry_after_text(text: &str, now: std::time::Duration) -> Option<std::time::Duration> {
    let longest = RetryPolicy::LONGEST_HEADER_WAIT;
    if let Some(date) = http_date(text) {
        return Some(std::time::Duration::from_secs(date).saturating_sub(now).min(longest));
    }
    let seconds = text.parse::<f64>().ok()?;
    if !seconds.is_finite() || seconds < 0.0 {
        return None;
    }
    // `min` first: `try_from_secs_f64` refuses what a `Duration` cannot hold.
    std::time::Duration::try_from_secs_f64(seconds.min(longest.as_secs_f64())).ok()
}

/// An IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`) as Unix seconds, for
/// years 1970 to 9999; `None` for anything else. Checked arithmetic only.
fn http_date(text: &str) -> Option<u64> {
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    let mut parts = text.split(' ');
    let (weekday, day, month, year, time, zone) =
        (parts.next()?, parts.next()?, parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || zone != "GMT" || !DAYS.iter().any(|d| weekday.strip_suffix(',') == Some(*d)) {
        return None;
    }
    let number = |text: &str, digits: usize| -> Option<u64> {
        (text.len() == digits && text.bytes().all(|b| b.is_ascii_digit())).then(|| text.parse().ok())?
    };
    let (day, year) = (number(day, 2)?, number(year, 4)?);
    let month = MONTHS.iter().position(|m| *m == month)? as u64 + 1;
    let mut clock = time.split(':');
    let (hour, minute, second) = (number(clock.next()?, 2)?, number(clock.next()?, 2)?, number(clock.next()?, 2)?);
    if clock.next().is_some() || year < 1970 || !(1..=31).contains(&day) || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    // Days since the epoch of a proleptic Gregorian date (years from March,
    // so the leap day ends a year).
    let (y, m) = if month <= 2 { (year - 1, month + 9) } else { (year, month - 3) };
    let era = y / 400;
    let year_of_era = y % 400;
    let day_of_year = (153 * m + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    let days = (era * 146_097 + day_of_era).checked_sub(719_468)?;
    days.checked_mul(86_400)?.checked_add(hour * 3600 + minute * 60 + second)
}

/// How long from `now` (time since the Unix epoch) until a reset at Unix
/// time `reset`, plus the margin: at most [`RetryPolicy::LONGEST_HEADER_WAIT`], zero
/// plus the margin for a reset in the past. Checked arithmetic only.
pub(super) fn until_reset(reset: u64, now: std::time::Duration) -> std::time::Duration {
    std::time::Duration::from_secs(reset)
        .saturating_sub(now)
        .saturating_add(RESET_MARGIN)
        .min(RetryPolicy::LONGEST_HEADER_WAIT)
}

/// How long a rate-limited answer asks to wait: `Retry-After` (seconds),
/// else until the rate-limit reset (Unix time), else a second; at most
/// [`RetryPolicy::LONGEST_HEADER_WAIT`]. `now` is time since the epoch on
/// the client's clock.
pub(super) fn rate_limit_wait(raw: &RawResponse, now: std::time::Duration) -> std::time::Duration {
    if let Some(wait) = retry_after(&raw.headers, now) {
        return wait;
    }
    if let Some(limit) = raw.rate_limit {
        return until_reset(limit.reset, now);
    }
    std::time::Duration::from_secs(1)
}

#[cfg(test)]
mod tests {
    use super::super::client::RateLimit;
    use super::*;
    use bytes::Bytes;
    use reqwest::header::HeaderMap;
    use reqwest::StatusCode;
    use std::time::Duration;

    fn raw(status: u16, body: &'static str) -> RawResponse {
        RawResponse {
            status: StatusCode::from_u16(status).unwrap(),
            headers: HeaderMap::new(),
            rate_limit: None,
            body: Bytes::from_static(body.as_bytes()),
            attempts: 1,
            lost_answers: 0,
            waits: Vec::new(),
        }
    }

    fn now_secs() -> u64 {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs()
    }

    #[test]
    fn default_rules_match_statuses() {
        let rules = RetryRules::DEFAULT;
        assert!(rules.matches(rules.rate_limited, &raw(429, "")));
        assert!(!rules.matches(rules.unavailable, &raw(429, "")));
        for status in [502, 503, 504] {
            assert!(rules.matches(rules.unavailable, &raw(status, "")), "{status}");
        }
        for status in [200, 400, 403, 500] {
            assert!(!rules.matches(rules.rate_limited, &raw(status, "")), "{status}");
            assert!(!rules.matches(rules.unavailable, &raw(status, "")), "{status}");
        }
    }

    #[test]
    fn rules_with_a_pointer_need_the_text_there() {
        const LIMITED: &[RetryMatch] = &[
            RetryMatch { status: 403, pointer: Some(("/error/error_name", "exceeded_rate")) },
            RetryMatch { status: 400, pointer: Some(("/code", "42")) },
        ];
        let rules = RetryRules { rate_limited: LIMITED, unavailable: &[] };
        assert!(rules.matches(LIMITED, &raw(403, r#"{"error":{"error_name":"exceeded_rate"}}"#)));
        assert!(!rules.matches(LIMITED, &raw(403, r#"{"error":{"error_name":"forbidden"}}"#)));
        assert!(!rules.matches(LIMITED, &raw(403, "exceeded_rate")));
        assert!(!rules.matches(LIMITED, &raw(401, r#"{"error":{"error_name":"exceeded_rate"}}"#)));
        assert!(rules.matches(LIMITED, &raw(400, r#"{"code":42}"#)), "numbers compare as their text");
        assert!(!rules.matches(rules.unavailable, &raw(503, "")));
    }

    #[test]
    fn retry_after_comes_first() {
        let mut response = raw(429, "");
        response.rate_limit = Some(RateLimit { limit: 10, remaining: 0, reset: now_secs() + 100 });
        response.headers.insert(reqwest::header::RETRY_AFTER, " 2 ".parse().unwrap());
        assert_eq!(response.requested_wait(), Duration::from_secs(2));
        response.headers.insert(reqwest::header::RETRY_AFTER, "1.5".parse().unwrap());
        assert_eq!(response.requested_wait(), Duration::from_millis(1500));
    }

    #[test]
    fn the_reset_is_used_without_a_usable_retry_after() {
        let mut response = raw(429, "");
        response.headers.insert(reqwest::header::RETRY_AFTER, "-3".parse().unwrap());
        response.rate_limit = Some(RateLimit { limit: 10, remaining: 0, reset: now_secs() + 10 });
        let wait = response.requested_wait();
        assert!(wait > Duration::from_secs(8) && wait <= Duration::from_secs(10) + RESET_MARGIN, "{wait:?}");
        // A reset in the past: just the margin.
        response.rate_limit = Some(RateLimit { limit: 10, remaining: 0, reset: 1 });
        assert_eq!(response.requested_wait(), RESET_MARGIN);
    }

    #[test]
    fn a_second_without_anything_to_go_by() {
        let mut response = raw(429, "");
        assert_eq!(response.requested_wait(), Duration::from_secs(1));
        // A date form HTTP no longer sends is not read.
        response.headers.insert(reqwest::header::RETRY_AFTER, "Wednesday, 21-Oct-15 07:28:00 GMT".parse().unwrap());
        assert_eq!(response.requested_wait(), Duration::from_secs(1));
    }

    #[test]
    fn retry_after_may_be_an_http_date() {
        assert_eq!(http_date("Thu, 01 Jan 1970 00:00:00 GMT"), Some(0));
        assert_eq!(http_date("Sun, 06 Nov 1994 08:49:37 GMT"), Some(784_111_777));
        assert_eq!(http_date("Tue, 29 Feb 2028 23:59:60 GMT"), Some(1_835_481_600));
        assert_eq!(http_date("Fri, 31 Dec 9999 23:59:59 GMT"), Some(253_402_300_799));
        for bad in [
            "Sun, 06 Nov 1994 08:49:37 UTC",
            "Sun 06 Nov 1994 08:49:37 GMT",
            "Sun, 6 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1969 08:49:37 GMT",
            "Sun, 06 Foo 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 24:00:00 GMT",
            "Sun, 06 Nov 1994 08:49 GMT",
            "Sun, +6 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 08:49:37 GMT extra",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
            "",
        ] {
            assert_eq!(http_date(bad), None, "{bad:?}");
        }
        let now = Duration::from_secs(784_111_777);
        assert_eq!(retry_after_text("Sun, 06 Nov 1994 08:50:07 GMT", now), Some(Duration::from_secs(30)));
        assert_eq!(retry_after_text("Thu, 01 Jan 1970 00:00:00 GMT", now), Some(Duration::ZERO));
        assert_eq!(retry_after_text("Fri, 31 Dec 9999 23:59:59 GMT", now), Some(RetryPolicy::LONGEST_HEADER_WAIT));
        assert_eq!(retry_after_text("30", now), Some(Duration::from_secs(30)));
    }

    #[test]
    fn extreme_headers_are_clamped_not_panics() {
        let longest = RetryPolicy::LONGEST_HEADER_WAIT;
        let mut response = raw(429, "");
        for (text, expected) in [
            ("1e20", Some(longest)),
            ("1e19", Some(longest)),
            ("1.7976931348623157e308", Some(longest)),
            ("18446744073709551616", Some(longest)),
            ("9223372036854775808", Some(longest)),
            ("0", Some(Duration::ZERO)),
            ("0.000000001", Some(Duration::from_nanos(1))),
            ("-0", Some(Duration::ZERO)),
            ("-1", None),
            ("NaN", None),
            ("inf", None),
            ("-inf", None),
            ("", None),
            ("1 2", None),
        ] {
            response.headers.insert(reqwest::header::RETRY_AFTER, text.parse().unwrap());
            assert_eq!(response.retry_after(), expected, "{text:?}");
        }
        response
            .headers
            .insert(reqwest::header::RETRY_AFTER, reqwest::header::HeaderValue::from_bytes(b"\xff5").unwrap());
        assert_eq!(response.retry_after(), None, "not ASCII");
        response.headers.remove(reqwest::header::RETRY_AFTER);
        for reset in [u64::MAX, 1 << 63, (1 << 63) - 1, u64::MAX / 1000] {
            response.rate_limit = Some(RateLimit { limit: 1, remaining: 0, reset });
            assert_eq!(response.requested_wait(), longest, "{reset}");
        }
        let now = Duration::from_secs(1_700_000_000);
        assert_eq!(until_reset(0, now), RESET_MARGIN);
        assert_eq!(until_reset(1_700_000_010, now), Duration::from_secs(10) + RESET_MARGIN);
        assert_eq!(until_reset(u64::MAX, Duration::MAX), RESET_MARGIN);
        assert_eq!(until_reset(u64::MAX, Duration::ZERO), longest);
    }

    #[test]
    fn backoff_doubles_with_jitter_up_to_the_cap() {
        let policy = RetryPolicy {
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(700),
            ..RetryPolicy::default()
        };
        for _ in 0..50 {
            let first = policy.backoff(1);
            assert!(first >= Duration::from_millis(50) && first <= Duration::from_millis(100), "{first:?}");
            let third = policy.backoff(3);
            assert!(third >= Duration::from_millis(200) && third <= Duration::from_millis(400), "{third:?}");
            let late = policy.backoff(60);
            assert!(late >= Duration::from_millis(350) && late <= Duration::from_millis(700), "{late:?}");
        }
    }

    #[test]
    fn policies_and_their_debug() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.max_attempts, 5);
        assert_eq!((policy.base_delay, policy.max_delay), (Duration::from_millis(250), Duration::from_secs(20)));
        assert_eq!(policy.max_rate_limit_wait, Duration::from_secs(20));
        assert_eq!(
            (policy.deadline, policy.request_timeout, policy.read_timeout),
            (Some(Duration::from_secs(30)), Some(Duration::from_secs(15)), Some(Duration::from_secs(10)))
        );
        assert_eq!(RetryPolicy::never().max_attempts, 1);
        let hooked = RetryPolicy { on_retry: Some(std::sync::Arc::new(|_: &RetryEvent| {})), ..policy };
        let shown = format!("{hooked:?}");
        assert!(shown.contains("on_retry: Some(\"Fn\")"), "{shown}");
    }
}
