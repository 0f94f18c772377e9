//! The bounds a call keeps whatever a server sends: header values no clock
//! holds, the waits of one call bounded as a whole and by its deadline,
//! timeouts on streamed bodies, bodies without a length held within the
//! cap, and server text and URLs that cannot act on a terminal or leak a
//! credential. Tests of timeouts and waits run on tokio's paused clock
//! against a server in the same runtime: they take no wall-clock time, and
//! the clock they read says exactly how long the client waited.

use crate::support::{header, quick_retries, raw_server, RawReply as Reply, Rng, Then};
use esign_client::dropbox_sign::{Client, Credentials, SignatureRequestFilesOptions};
use esign_client::runtime::{
    Error, HeaderMap, RateLimitHeaders, RawResponse, Redirects, RetryPolicy, StatusCode, StreamError,
};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::time::Instant;

fn client(base: &str, policy: RetryPolicy) -> Client {
    Client::builder()
        .base_url(format!("{base}/v3"))
        .credentials(Credentials::api_key("sk_limits_key"))
        .retry_policy(policy)
        .build()
        .unwrap()
}

pub(super) fn rate_limited(status: u16, headers: Vec<(String, Vec<u8>)>) -> Reply {
    let mut headers = headers;
    headers.push(header("content-type", "application/json"));
    let body = br#"{"error":{"error_msg":"Rate limit exceeded.","error_name":"exceeded_rate"}}"#.to_vec();
    Reply::Answer { status, headers, body }
}

/// The paused clock moves in steps of a millisecond (tokio's timer
/// resolution): a wait may end up to this much after its instant.
const TICK: Duration = Duration::from_millis(5);

/// `took` is `expected`, give or take the timer's resolution (never less).
fn assert_about(took: Duration, expected: Duration, what: &str) {
    assert!(took >= expected && took <= expected + TICK, "{what}: {took:?}, not {expected:?}");
}

const NAMES: RateLimitHeaders =
    RateLimitHeaders { limit: "x-ratelimit-limit", remaining: "x-ratelimit-remaining", reset: "x-ratelimit-reset" };

// ---------------------------------------------------------------- headers

/// A header value a server might send, hostile or not: numbers of every
/// size and sign, floats written every way, dates, words, bytes that are
/// not ASCII.
fn hostile_value(rng: &mut Rng) -> Vec<u8> {
    const FIXED: &[&str] = &[
        "0",
        "1",
        "-1",
        "-0",
        "0.05",
        "1e20",
        "1e19",
        "1e308",
        "1.7976931348623157e308",
        "4.9e-324",
        "-1e20",
        "NaN",
        "nan",
        "inf",
        "-inf",
        "infinity",
        "9223372036854775807",
        "9223372036854775808",
        "18446744073709551615",
        "18446744073709551616",
        "340282366920938463463374607431768211456",
        "+5",
        " 7 ",
        "1_000",
        "0x10",
        "",
        "Wed, 21 Oct 2015 07:28:00 GMT",
        "Fri, 31 Dec 9999 23:59:59 GMT",
        "Thu, 01 Jan 1970 00:00:00 GMT",
        "Sunday, 06-Nov-94 08:49:37 GMT",
        "soon",
    ];
    match rng.below(7) {
        0 => FIXED[rng.below(FIXED.len())].as_bytes().to_vec(),
        1 => rng.next().to_string().into_bytes(),
        2 => (rng.next() >> rng.below(64)).to_string().into_bytes(),
        3 => format!("-{}", rng.next() >> rng.below(64)).into_bytes(),
        4 => {
            let float = f64::from_bits(rng.next());
            match rng.below(3) {
                0 => format!("{float}"),
                1 => format!("{float:e}"),
                _ => format!("{:.3}", (rng.next() % 100_000) as f64 / 1000.0),
            }
            .into_bytes()
        }
        5 => {
            // Bytes a header value may carry that are not ASCII (obs-text), with digits among them.
            let len = 1 + rng.below(8);
            (0..len)
                .map(|_| if rng.below(2) == 0 { b'0' + rng.below(10) as u8 } else { 0x80 + rng.below(128) as u8 })
                .collect()
        }
        _ => {
            let seconds = (rng.next() % 400_000_000_000) as i64 - 100_000_000_000;
            format!("{seconds}.{:09}", rng.next() % 1_000_000_000).into_bytes()
        }
    }
}

#[test]
fn every_header_reader_survives_random_and_extreme_values() {
    let longest = RetryPolicy::LONGEST_HEADER_WAIT;
    let mut rng = Rng(19);
    let mut read = (0, 0); // (Retry-After values read, rate limits read)
    for case in 0..20_000 {
        let mut headers = HeaderMap::new();
        for name in ["retry-after", NAMES.limit, NAMES.remaining, NAMES.reset] {
            if rng.below(8) != 0 {
                let value = hostile_value(&mut rng);
                headers.insert(name, reqwest::header::HeaderValue::from_bytes(&value).unwrap());
            }
        }
        let rate_limit = NAMES.read(&headers);
        let mut response = RawResponse::new(StatusCode::TOO_MANY_REQUESTS, headers, Vec::new());
        response.rate_limit = rate_limit;
        if let Some(wait) = response.retry_after() {
            assert!(wait <= longest, "case {case}: {wait:?} from {:?}", response.headers);
            read.0 += 1;
        }
        if let Some(rate) = rate_limit {
            assert!(rate.until_reset() <= longest, "case {case}: {rate:?}");
            read.1 += 1;
        }
        let wait = response.requested_wait();
        assert!(wait <= longest, "case {case}: {wait:?} from {:?}", response.headers);
    }
    // The generator reached both readers' success paths, not only refusals.
    assert!(read.0 > 1000 && read.1 > 100, "{read:?}");
}

#[tokio::test(start_paused = true)]
async fn the_retry_loop_survives_hostile_headers() {
    // Every answer carries random and extreme header values (a 429, a 403
    // exceeded_rate, a 503 or a 200); each case is a fresh client making
    // two calls, the second paced by what the first one learned.
    let rng = Arc::new(Mutex::new(Rng(2026)));
    let server_rng = rng.clone();
    let base = raw_server(move |_, _| {
        let mut rng = server_rng.lock().unwrap();
        let mut headers = Vec::new();
        for name in ["retry-after", NAMES.limit, NAMES.remaining, NAMES.reset] {
            if rng.below(5) != 0 {
                headers.push(header(name, hostile_value(&mut rng)));
            }
        }
        match rng.below(4) {
            0 => rate_limited(429, headers),
            1 => rate_limited(403, headers),
            2 => Reply::Answer { status: 503, headers, body: Vec::new() },
            _ => Reply::Answer { status: 200, headers, body: b"{}".to_vec() },
        }
    })
    .await;
    let mut outcomes = std::collections::BTreeMap::new();
    for case in 0..150 {
        let client = client(&base, quick_retries());
        for call in 0..2 {
            let started = Instant::now();
            let result = client.signature_request_cancel("sr").await;
            let took = started.elapsed();
            assert!(took <= Duration::from_secs(30) + TICK, "case {case}, call {call}: past the deadline ({took:?})");
            let kind = match &result {
                Ok(_) => "ok",
                Err(Error::RateLimited { wanted, retry_at, .. }) => {
                    assert!(*wanted <= RetryPolicy::LONGEST_HEADER_WAIT, "case {case}: {wanted:?}");
                    assert!(*retry_at <= std::time::SystemTime::now() + RetryPolicy::LONGEST_HEADER_WAIT);
                    "rate limited"
                }
                Err(Error::Api { .. }) => "api error",
                Err(Error::UnexpectedResponse(_)) => "unexpected",
                Err(other) => panic!("case {case}, call {call}: {other:?}"),
            };
            *outcomes.entry(kind).or_insert(0) += 1;
            if let Some(window) = client.rate_limit_window() {
                assert!(window.until_reset() <= RetryPolicy::LONGEST_HEADER_WAIT);
            }
        }
    }
    assert!(outcomes.len() >= 3, "the cases reached several outcomes: {outcomes:?}");
}

#[tokio::test(start_paused = true)]
async fn waits_no_clock_holds_are_rate_limited_at_once() {
    let longest = RetryPolicy::LONGEST_HEADER_WAIT;
    let huge = [(1u64 << 63).to_string(), u64::MAX.to_string(), (u64::MAX - 1).to_string()];
    let mut refusals = vec![vec![header("retry-after", "1e20")], vec![header("retry-after", "1e19")]];
    for reset in &huge {
        refusals.push(vec![
            header(NAMES.limit, "100"),
            header(NAMES.remaining, "0"),
            header(NAMES.reset, reset.as_str()),
        ]);
    }
    for headers in refusals {
        let shown = format!("{headers:?}");
        let reply = rate_limited(429, headers);
        let base = raw_server(move |_, _| reply.clone()).await;
        let client = client(&base, RetryPolicy::default());
        let started = Instant::now();
        let err = client.signature_request_cancel("sr").await.unwrap_err();
        assert!(started.elapsed() < TICK, "{shown}: no wait at all");
        match &err {
            Error::RateLimited { wanted, response: Some(response), attempts: 1, .. } => {
                assert_eq!((*wanted, response.status.as_u16()), (longest, 429), "{shown}");
            }
            other => panic!("{shown}: {other:?}"),
        }
        assert!(err.to_string().contains("later than this call may wait"), "{err}");
    }
    // A 200 saying the window is spent until a reset no clock holds: the
    // call succeeds, and the next one is refused before it sends anything.
    for reset in huge {
        let headers =
            vec![header(NAMES.limit, "100"), header(NAMES.remaining, "0"), header(NAMES.reset, reset.as_str())];
        let sent = Arc::new(Mutex::new(0));
        let counter = sent.clone();
        let base = raw_server(move |_, _| {
            *counter.lock().unwrap() += 1;
            Reply::Answer { status: 200, headers: headers.clone(), body: b"{}".to_vec() }
        })
        .await;
        let client = client(&base, RetryPolicy::default());
        let response = client.signature_request_cancel("sr").await.unwrap();
        assert_eq!(response.rate_limit.map(|r| r.reset.to_string()), Some(reset.clone()));
        let err = client.signature_request_cancel("sr").await.unwrap_err();
        assert!(
            matches!(&err, Error::RateLimited { wanted, response: None, attempts: 0, .. } if *wanted == longest),
            "{reset}: {err:?}"
        );
        assert_eq!(*sent.lock().unwrap(), 1, "{reset}: the second call sent nothing");
    }
}

// ---------------------------------------------------------------- bounded waits

#[tokio::test(start_paused = true)]
async fn rate_limit_waits_are_bounded_per_call_not_per_wait() {
    // Every answer asks to wait 59 s. With a 60 s bound the call waits
    // once; the second wait would pass the bound, so it ends there (before,
    // it waited four times: 236 s).
    let reply = rate_limited(429, vec![header("retry-after", "59")]);
    let base = raw_server(move |_, _| reply.clone()).await;
    let mut policy = quick_retries();
    policy.max_rate_limit_wait = Duration::from_secs(60);
    policy.deadline = None;
    let started = Instant::now();
    let err = client(&base, policy).signature_request_cancel("sr").await.unwrap_err();
    let waited = started.elapsed();
    match &err {
        Error::RateLimited { wanted, response: Some(response), attempts: 2, .. } => {
            assert_eq!(*wanted, Duration::from_secs(59));
            assert_about(response.waits.iter().sum(), Duration::from_secs(59), "the waits of the call");
        }
        other => panic!("{other:?}"),
    }
    assert_about(waited, Duration::from_secs(59), "one wait, then the refusal at once");

    // The defaults: at most 20 s of rate-limit waits per call.
    let reply = rate_limited(429, vec![header("retry-after", "8")]);
    let base = raw_server(move |_, _| reply.clone()).await;
    let started = Instant::now();
    let err = client(&base, quick_retries()).signature_request_cancel("sr").await.unwrap_err();
    assert!(matches!(err, Error::RateLimited { attempts: 3, .. }), "two waits of 8 s, not a third: {err:?}");
    assert_about(started.elapsed(), Duration::from_secs(16), "two waits");
}

/// A server counting the requests it gets; `reply` gets the request's
/// number (0 first).
async fn counting_server(reply: impl Fn(usize) -> Reply + Send + Sync + 'static) -> (String, Arc<Mutex<usize>>) {
    let sent = Arc::new(Mutex::new(0));
    let counter = sent.clone();
    let base = raw_server(move |n, _| {
        *counter.lock().unwrap() += 1;
        reply(n)
    })
    .await;
    (base, sent)
}

#[tokio::test(start_paused = true)]
async fn a_wait_past_the_deadline_is_a_clear_error() {
    let reply = rate_limited(429, vec![header("retry-after", "30")]);
    let (base, sent) = counting_server(move |_| reply.clone()).await;
    let mut policy = quick_retries();
    policy.deadline = Some(Duration::from_secs(2));
    let started = Instant::now();
    let err = client(&base, policy).signature_request_cancel("sr").await.unwrap_err();
    assert!(started.elapsed() < TICK, "it did not wait: {:?}", started.elapsed());
    match &err {
        Error::RateLimited { wanted, response: Some(response), attempts: 1, .. } => {
            assert_eq!(*wanted, Duration::from_secs(30));
            assert_eq!(response.status, 429);
        }
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().contains("later than this call may wait"), "{err}");
    assert_eq!(*sent.lock().unwrap(), 1);
}

#[tokio::test(start_paused = true)]
async fn a_reset_ten_minutes_away_fails_the_call_at_once_and_its_clones_too() {
    let reset = crate::support::unix_secs(std::time::SystemTime::now()) + 600;
    let headers =
        vec![header(NAMES.limit, "100"), header(NAMES.remaining, "0"), header(NAMES.reset, reset.to_string())];
    let reply = rate_limited(403, headers);
    let (base, sent) = counting_server(move |_| reply.clone()).await;
    // The defaults: no call waits that long.
    let client = Client::builder()
        .base_url(format!("{base}/v3"))
        .credentials(Credentials::api_key("sk_limits_key"))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client.signature_request_cancel("sr").await.unwrap_err();
    assert!(started.elapsed() < TICK, "it failed at once: {:?}", started.elapsed());
    let Error::RateLimited { retry_at, wanted, response: Some(response), attempts: 1, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(response.status, 403);
    assert!(*wanted > Duration::from_secs(590), "{wanted:?}");
    let at = crate::support::unix_secs(*retry_at);
    assert!((reset..=reset + 1).contains(&at), "{at} vs {reset}");
    // A clone knows the window is spent: it fails at once without sending.
    let clone = client.with_retry_policy(RetryPolicy::default());
    let err = clone.signature_request_remove("other").await.unwrap_err();
    assert!(matches!(err, Error::RateLimited { response: None, attempts: 0, .. }), "{err:?}");
    assert_eq!(*sent.lock().unwrap(), 1, "only the first call sent anything");
    assert_eq!(client.rate_limit_window().map(|w| (w.remaining, w.reset)), Some((0, reset)));
}

#[tokio::test(start_paused = true)]
async fn longer_waits_are_a_choice() {
    // Two answers asking for two seconds, then success. (`Retry-After`: a
    // reset written as wall-clock seconds does not move on the paused clock.)
    let limited = rate_limited(429, vec![header("retry-after", "2")]);
    let ok = Reply::Answer { status: 200, headers: vec![], body: Vec::new() };
    let (base, sent) = counting_server(move |n| if n < 2 { limited.clone() } else { ok.clone() }).await;
    let mut short = RetryPolicy::default();
    short.max_rate_limit_wait = Duration::from_millis(500);
    let started = Instant::now();
    let err = client(&base, short).signature_request_cancel("sr").await.unwrap_err();
    assert!(matches!(err, Error::RateLimited { .. }), "{err:?}");
    assert!(started.elapsed() < TICK, "a wait longer than allowed is not begun");
    // Another client (its own window) that may wait five seconds waits for the reset.
    let mut patient = RetryPolicy::default();
    patient.max_rate_limit_wait = Duration::from_secs(5);
    let started = Instant::now();
    let response = client(&base, patient).signature_request_cancel("sr").await.unwrap();
    let waited = started.elapsed();
    assert_eq!((response.attempts, *sent.lock().unwrap()), (2, 3));
    assert_about(waited, Duration::from_secs(2), "one wait of two seconds");
}

#[tokio::test(start_paused = true)]
async fn a_call_never_runs_past_its_deadline() {
    let silent = raw_server(|_, _| Reply::Silent).await;
    // A trickle: headers, then a byte every 5 s of a body that never ends.
    let trickle = raw_server(|_, _| Reply::Body {
        status: 200,
        length: Some(1000),
        prefix: b"{".to_vec(),
        then: Then::Trickle(Duration::from_secs(5)),
    })
    .await;
    let defaults = RetryPolicy::default();
    assert_eq!(defaults.deadline, Some(Duration::from_secs(30)));
    for (base, what) in [(&silent, "silent"), (&trickle, "trickle")] {
        let started = Instant::now();
        let err = client(base, quick_retries()).signature_request_get("sr").await.unwrap_err();
        let took = started.elapsed();
        match &err {
            Error::Transport(t) => {
                assert!(t.is_timeout() && t.attempts() == 2, "{what}: {t} ({} attempts)", t.attempts())
            }
            other => panic!("{what}: {other:?}"),
        }
        assert_about(took, Duration::from_secs(30), &format!("{what}: two attempts, the second cut to the deadline"));
    }
    // A deadline shorter than one attempt's timeout cuts that attempt.
    let mut policy = quick_retries();
    policy.request_timeout = Some(Duration::from_secs(60));
    policy.deadline = Some(Duration::from_secs(2));
    let started = Instant::now();
    let err = client(&silent, policy).signature_request_get("sr").await.unwrap_err();
    assert_about(started.elapsed(), Duration::from_secs(2), "one attempt, cut to the deadline");
    assert!(matches!(&err, Error::Transport(t) if t.is_timeout() && t.attempts() == 1), "{err:?}");
    assert!(err.to_string().contains("no response within 2s"), "{err}");
    // Without a deadline, attempts x timeout is the bound.
    let mut policy = quick_retries();
    policy.deadline = None;
    policy.max_attempts = 3;
    let started = Instant::now();
    let err = client(&silent, policy).signature_request_get("sr").await.unwrap_err();
    assert!(matches!(&err, Error::Transport(t) if t.attempts() == 3), "{err:?}");
    let took = started.elapsed();
    assert!(took >= Duration::from_secs(45) && took < Duration::from_millis(45_100), "{took:?}");
}

// ---------------------------------------------------------------- streamed bodies

async fn download(base: &str, policy: RetryPolicy) -> Result<Vec<u8>, StreamError> {
    let client = client(base, policy);
    let response = client.signature_request_files("sr", &SignatureRequestFilesOptions::default()).await.unwrap();
    let mut sink = Vec::new();
    // A guard on the paused clock: a stream without a timeout would hold
    // the test here for ever.
    match tokio::time::timeout(Duration::from_secs(3600), response.body.write_to(&mut sink)).await {
        Ok(written) => written.map(|_| sink),
        Err(_) => panic!("the download was still running after an hour"),
    }
}

#[tokio::test(start_paused = true)]
async fn streamed_downloads_time_out() {
    let stalled = |prefix: &[u8]| {
        let prefix = prefix.to_vec();
        move |_: usize, _: &str| Reply::Body {
            status: 200,
            length: Some(1 << 20),
            prefix: prefix.clone(),
            then: Then::Stall,
        }
    };
    // Stalled right after the headers: the request timeout ends it.
    let base = raw_server(stalled(b"")).await;
    let mut policy = RetryPolicy::never();
    policy.request_timeout = Some(Duration::from_secs(3));
    policy.read_timeout = None;
    policy.deadline = None;
    let started = Instant::now();
    let err = download(&base, policy).await.unwrap_err();
    assert!(matches!(&err, StreamError::Transport(t) if t.is_timeout()), "{err:?}");
    assert_about(started.elapsed(), Duration::from_secs(3), "the request timeout");
    assert!(err.to_string().contains("did not end within 3s"), "{err}");

    // Stalled after some bytes, with a long request timeout: the read timeout ends it.
    let base = raw_server(stalled(b"%PDF-1.7\n")).await;
    let mut policy = RetryPolicy::never();
    policy.request_timeout = Some(Duration::from_secs(600));
    policy.read_timeout = Some(Duration::from_secs(2));
    let started = Instant::now();
    let err = download(&base, policy).await.unwrap_err();
    assert!(matches!(&err, StreamError::Transport(t) if t.is_timeout()), "{err:?}");
    assert_about(started.elapsed(), Duration::from_secs(2), "the read timeout");
    assert!(err.to_string().contains("stalled"), "{err}");

    // A byte a second never stalls, but the body must end within the request timeout.
    let base = raw_server(|_, _| Reply::Body {
        status: 200,
        length: Some(1 << 20),
        prefix: Vec::new(),
        then: Then::Trickle(Duration::from_secs(1)),
    })
    .await;
    let mut policy = RetryPolicy::never();
    policy.request_timeout = Some(Duration::from_secs(5));
    policy.read_timeout = Some(Duration::from_secs(2));
    let started = Instant::now();
    let err = download(&base, policy).await.unwrap_err();
    assert!(matches!(&err, StreamError::Transport(t) if t.is_timeout()), "{err:?}");
    assert_about(started.elapsed(), Duration::from_secs(5), "the request timeout, over a stream that never stalls");

    // And the call's deadline bounds the stream as well, with the defaults.
    let started = Instant::now();
    let err = download(&base, RetryPolicy::default()).await.unwrap_err();
    assert!(matches!(&err, StreamError::Transport(t) if t.is_timeout()), "{err:?}");
    assert_about(started.elapsed(), Duration::from_secs(15), "the default request timeout comes first");

    // A body that ends in time is handed over whole.
    let base = raw_server(|_, _| Reply::Body {
        status: 200,
        length: Some(40_000),
        prefix: Vec::new(),
        then: Then::Bytes(40_000),
    })
    .await;
    assert_eq!(download(&base, RetryPolicy::default()).await.unwrap().len(), 40_000);
}

// ---------------------------------------------------------------- body size

#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn a_body_without_a_length_never_holds_more_than_the_cap() {
    // 1.5 MB: between two powers of two, where a buffer that doubles would
    // grow to 2 MiB on its way to the cap.
    const CAP: usize = 1_500_000;
    let base = raw_server(|n, _| Reply::Body {
        status: 200,
        length: None,
        prefix: b"\"".to_vec(),
        then: Then::Bytes(if n == 0 { 3 * CAP } else { CAP - 10_000 }),
    })
    .await;
    // The client on a thread of its own, so the heap counter sees only it
    // (the server runs on the test's runtime, elsewhere).
    let measured = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let client = Client::builder()
            .base_url(format!("{base}/v3"))
            .credentials(Credentials::api_key("k"))
            .retry_policy(RetryPolicy::never())
            .max_response_bytes(CAP)
            .build()
            .unwrap();
        let mut runs = Vec::new();
        for _ in 0..2 {
            let (err, peak) = crate::heap::peak_during(|| runtime.block_on(client.signature_request_get("sr")).err());
            runs.push((err.expect("the call fails"), peak));
        }
        runs
    })
    .join()
    .unwrap();
    let (too_large, peak) = &measured[0];
    match too_large {
        Error::ResponseTooLarge { limit: CAP, response } => assert_eq!(response.body.len(), 4096),
        other => panic!("{other:?}"),
    }
    assert!(*peak < 2 * CAP, "reading past the cap held {peak} bytes at once (cap {CAP})");
    // Just under the cap: read whole (then refused as a body of the wrong shape).
    let (under, peak) = &measured[1];
    assert!(matches!(under, Error::Decode { response, .. } if response.body.len() == CAP - 10_000 + 1), "{under:?}");
    assert!(*peak < 2 * CAP, "reading up to the cap held {peak} bytes at once (cap {CAP})");
}

// ---------------------------------------------------------------- text that reaches terminals

fn has_control(text: &str) -> bool {
    text.chars().any(char::is_control)
}

#[tokio::test]
async fn server_text_in_errors_cannot_act_on_a_terminal() {
    let hostile = "ok\r\n2026-12-03 INFO payment approved \u{1b}[2J\u{1b}]0;owned\u{7} \u{9b}31m \u{7f}";
    let error_body = serde_json::json!({"error": {"error_name": "bad\nname", "error_msg": hostile}}).to_string();
    let decode_body = serde_json::json!({"signature_request": hostile}).to_string();
    let base = raw_server(move |_, target| {
        let json = vec![header("content-type", "application/json")];
        match target {
            t if t.contains("/cancel/") => {
                Reply::Answer { status: 400, headers: json, body: error_body.clone().into_bytes() }
            }
            _ => Reply::Answer { status: 200, headers: json, body: decode_body.clone().into_bytes() },
        }
    })
    .await;
    let client = client(&base, RetryPolicy::never());
    let err = client.signature_request_cancel("sr").await.unwrap_err();
    assert!(matches!(err, Error::Api { .. }), "{err:?}");
    let shown = err.to_string();
    assert!(!has_control(&shown), "{shown:?}");
    assert_eq!(
        shown,
        "the API answered 400 Bad Request: bad\\nname: ok\\r\\n2026-12-03 INFO payment approved \\u{1b}[2J\\u{1b}]0;owned\\u{7} \\u{9b}31m \\u{7f}"
    );
    // The decoder's message quotes the body: escaped too.
    let err = client.signature_request_get("sr").await.unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    let shown = err.to_string();
    assert!(!has_control(&shown) && shown.contains("\\u{1b}[2J"), "{shown:?}");
    // Debug keeps the body, escaped as Rust escapes strings.
    assert!(!has_control(&format!("{err:?}")));
}

#[tokio::test]
async fn no_credential_in_a_url_prints() {
    for (base, secrets) in [
        ("http://127.0.0.1:9/v3?SECRETBARE", &["SECRETBARE"][..]),
        ("http://127.0.0.1:9/v3?api_key=SECRETVALUE&SECRETBARE", &["SECRETVALUE", "SECRETBARE"]),
        ("http://SECRETUSER:SECRETPW@127.0.0.1:9/v3", &["SECRETUSER", "SECRETPW"]),
        ("http://SECRETUSER@127.0.0.1:9/v3?x#SECRETFRAGMENT", &["SECRETUSER", "SECRETFRAGMENT"]),
    ] {
        let err = Client::builder().base_url(base).credentials(Credentials::api_key("k")).build().unwrap_err();
        for shown in [err.to_string(), format!("{err:?}")] {
            for secret in secrets {
                assert!(!shown.contains(secret), "{base}: {shown}");
            }
        }
    }
    // A redirect elsewhere with a credential in its `Location`: the 3xx
    // comes back, and neither its Display nor its Debug shows it.
    let locations = [
        "/v3/next?SECRETBARE",
        "/v3/next?token=SECRETVALUE&SECRETBARE",
        "//SECRETUSER:SECRETPW@elsewhere.test/v3",
        "https://SECRETUSER:SECRETPW@elsewhere.test/v3?SECRETBARE#SECRETFRAGMENT",
        "http://SECRETUSER:SECRETPW@[not-a-host/v3?SECRETBARE",
    ];
    let base = raw_server(move |n, _| Reply::Answer {
        status: 302,
        headers: vec![header("location", locations[n % locations.len()])],
        body: Vec::new(),
    })
    .await;
    let client = Client::builder()
        .base_url(format!("{base}/v3"))
        .credentials(Credentials::api_key("k"))
        .retry_policy(RetryPolicy::never())
        .redirects(Redirects::None)
        .build()
        .unwrap();
    for location in locations {
        let err = client.signature_request_get("sr").await.unwrap_err();
        assert!(matches!(&err, Error::UnexpectedResponse(r) if r.status == 302), "{location}: {err:?}");
        for shown in [err.to_string(), format!("{err:?}")] {
            assert!(!shown.contains("SECRET"), "{location}: {shown}");
        }
    }
}
