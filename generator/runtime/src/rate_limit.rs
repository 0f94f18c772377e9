//! Rate limits as responses report them: the window ([`RateLimit`]), the
//! headers that carry it ([`RateLimitHeaders`]), and how long an answer
//! asks to wait (`Retry-After`, a reset time). The lowest layer of sending:
//! it knows nothing of clients, retries or errors.

use std::time::Duration;

use reqwest::header::HeaderMap;

/// Rate-limit state read from response headers.
///
/// `#[non_exhaustive]`: make one with [`RateLimit::new`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub struct RateLimit {
    /// Requests allowed in the window.
    pub limit: u64,
    /// Requests left in the window.
    pub remaining: u64,
    /// Unix time (seconds) at which the window resets.
    pub reset: u64,
}

impl RateLimit {
    /// A window: `limit` requests, `remaining` of them left, reset at Unix
    /// time `reset` (seconds).
    pub const fn new(limit: u64, remaining: u64, reset: u64) -> Self {
        RateLimit { limit, remaining, reset }
    }

    /// How long from now until the window resets, just past the reported
    /// second (50 ms): zero plus that margin for a reset in the past, at
    /// most [`RetryPolicy::LONGEST_HEADER_WAIT`](crate::RetryPolicy::LONGEST_HEADER_WAIT) for one
    /// further away (a reset of `u64::MAX` included), by the system clock.
    /// Never panics.
    pub fn until_reset(&self) -> Duration {
        until_reset(self.reset, crate::clock::SharedClock::default().since_epoch())
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

/// How long after a reported reset sending resumes: the reset is whole
/// seconds, so just past it.
pub(crate) const RESET_MARGIN: Duration = Duration::from_millis(50);

/// The longest wait a response header is read as: a year (see
/// [`RetryPolicy::LONGEST_HEADER_WAIT`](crate::RetryPolicy::LONGEST_HEADER_WAIT),
/// the public name of this bound).
pub(crate) const LONGEST_HEADER_WAIT: Duration = Duration::from_secs(366 * 24 * 3600);

/// The wait a `Retry-After` header asks for: a number of seconds (`120`,
/// `1.5`) or an HTTP date (`Sun, 06 Nov 1994 08:49:37 GMT`, the IMF-fixdate
/// form servers send; a date in the past is no wait), at most
/// [`LONGEST_HEADER_WAIT`]. `None` when there is none or it is
/// neither: negative, `NaN`, infinite, not ASCII, an obsolete date form.
/// Never panics, whatever the text.
/// A date is read against `now` (time since the epoch, from the client's
/// clock).
pub(crate) fn retry_after(headers: &HeaderMap, now: std::time::Duration) -> Option<std::time::Duration> {
    let text = headers.get(reqwest::header::RETRY_AFTER)?.to_str().ok()?.trim();
    retry_after_text(text, now)
}

/// [`retry_after`] of the header's text, at `now` (time since the epoch).
pub(crate) fn retry_after_text(text: &str, now: std::time::Duration) -> Option<std::time::Duration> {
    let longest = LONGEST_HEADER_WAIT;
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
pub(crate) fn http_date(text: &str) -> Option<u64> {
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
/// time `reset`, plus the margin: at most [`LONGEST_HEADER_WAIT`], zero
/// plus the margin for a reset in the past. Checked arithmetic only.
pub(crate) fn until_reset(reset: u64, now: std::time::Duration) -> std::time::Duration {
    std::time::Duration::from_secs(reset).saturating_sub(now).saturating_add(RESET_MARGIN).min(LONGEST_HEADER_WAIT)
}

/// How long a rate-limited answer asks to wait: `Retry-After` (seconds),
/// else until the rate-limit reset (Unix time), else a second; at most
/// [`LONGEST_HEADER_WAIT`]. `now` is time since the epoch on
/// the client's clock.
pub(crate) fn requested_wait(
    headers: &HeaderMap,
    rate_limit: Option<RateLimit>,
    now: std::time::Duration,
) -> std::time::Duration {
    if let Some(wait) = retry_after(headers, now) {
        return wait;
    }
    if let Some(limit) = rate_limit {
        return until_reset(limit.reset, now);
    }
    std::time::Duration::from_secs(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NAMES: RateLimitHeaders =
        RateLimitHeaders { limit: "x-ratelimit-limit", remaining: "x-ratelimit-remaining", reset: "x-ratelimit-reset" };

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
}
