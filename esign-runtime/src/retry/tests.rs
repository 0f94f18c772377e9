use super::*;
use crate::error::RawResponse;
use crate::rate_limit::{http_date, retry_after_text, until_reset, RateLimit, RESET_MARGIN};
use std::time::Duration;

fn raw(status: u16, body: &'static str) -> RawResponse {
    crate::error::tests::raw(status, None, body)
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
    response.headers.insert(reqwest::header::RETRY_AFTER, reqwest::header::HeaderValue::from_bytes(b"\xff5").unwrap());
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
