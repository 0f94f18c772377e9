//! Retries and bulk runs against local servers: each status and header
//! form, deadlines, operations that may not be retried, and per-id
//! accounting under injected faults.

mod limits;

use esign_client::dropbox_sign::{Client, Credentials};
use esign_client::runtime::{BulkOptions, BulkOutcome, RetryEvent, RetryPolicy, StatusCode, TimeSource, TokioClock};
use serde_json::json;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn fast_policy(events: Option<Arc<Mutex<Vec<RetryEvent>>>>) -> RetryPolicy {
    let mut policy = crate::support::quick_retries();
    policy.request_timeout = Some(Duration::from_millis(500));
    policy.on_retry = events.map(|log| {
        Arc::new(move |e: &RetryEvent| log.lock().unwrap().push(e.clone())) as esign_client::runtime::RetryHook
    });
    policy
}

fn client(server: &MockServer, policy: RetryPolicy) -> Client {
    Client::builder()
        .base_url(format!("{}/v3", server.uri()))
        .credentials(Credentials::api_key("sk_secret_key_value"))
        .retry_policy(policy)
        .build()
        .unwrap()
}

fn error(status: u16, name: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(json!({"error": {"error_msg": "m", "error_name": name}}))
}

#[tokio::test(start_paused = true)]
async fn rate_limits_wait_for_retry_after_or_the_reset_then_succeed() {
    let clock = TokioClock::new();
    // 429 with Retry-After, then 403 exceeded_rate with the reset header
    // (this second, on the client's clock), then success.
    let base = crate::support::raw_server(move |n, _| match n {
        0 => limits::rate_limited(429, vec![crate::support::header("Retry-After", "0.05")]),
        1 => {
            let now = crate::support::unix_secs(clock.now());
            limits::rate_limited(
                403,
                vec![
                    crate::support::header("X-RateLimit-Limit", "100"),
                    crate::support::header("X-RateLimit-Remaining", "0"),
                    crate::support::header("X-Ratelimit-Reset", now.to_string()),
                ],
            )
        }
        _ => crate::support::RawReply::Answer { status: 200, headers: Vec::new(), body: Vec::new() },
    })
    .await;
    let log = Arc::new(Mutex::new(Vec::new()));
    let client = Client::builder()
        .base_url(format!("{base}/v3"))
        .credentials(Credentials::api_key("sk_secret_key_value"))
        .retry_policy(fast_policy(Some(log.clone())))
        .time_source(clock)
        .build()
        .unwrap();
    let started = tokio::time::Instant::now();
    let response = client.signature_request_cancel("sr").await.unwrap();
    assert_eq!(response.attempts, 3);
    // 50 ms as asked, then the margin past a reset that has begun (50 ms).
    assert_eq!(response.waits.len(), 2);
    assert!(response.waits[0] >= Duration::from_millis(50), "{:?}", response.waits);
    let waited = started.elapsed();
    assert!(waited >= response.waits.iter().sum::<Duration>() && waited < Duration::from_millis(200), "{waited:?}");
    let events = log.lock().unwrap().clone();
    assert_eq!(
        events.iter().map(|e| (e.status, e.reason)).collect::<Vec<_>>(),
        [(Some(StatusCode::TOO_MANY_REQUESTS), "rate limited"), (Some(StatusCode::FORBIDDEN), "rate limited")]
    );
    // The hook sees the path template, never the id or the key.
    for event in &events {
        assert_eq!(event.path, "/signature_request/cancel/{signature_request_id}");
        assert!(!format!("{event:?}").contains("sk_secret"));
    }
}

#[tokio::test]
async fn a_403_that_is_not_exceeded_rate_is_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST")).respond_with(error(403, "forbidden")).expect(1).mount(&server).await;
    let err = client(&server, fast_policy(None)).signature_request_cancel("sr").await.unwrap_err();
    assert_eq!(err.response().unwrap().attempts, 1);
}

// On the paused clock, against a server in the test's runtime: the four
// back-offs take no wall-clock time.
#[tokio::test(start_paused = true)]
async fn maintenance_backs_off_and_gives_up_after_max_attempts() {
    // (Timeouts per attempt, on the paused clock: `limits::a_call_never_runs_past_its_deadline`.)
    let received = Arc::new(Mutex::new(0));
    let counter = received.clone();
    let base = crate::support::raw_server(move |_, _| {
        *counter.lock().unwrap() += 1;
        let body = br#"{"error":{"error_msg":"m","error_name":"maintenance"}}"#.to_vec();
        crate::support::RawReply::Answer {
            status: 503,
            headers: vec![crate::support::header("content-type", "application/json")],
            body,
        }
    })
    .await;
    let client = Client::builder()
        .base_url(format!("{base}/v3"))
        .credentials(Credentials::api_key("sk_secret_key_value"))
        .retry_policy(fast_policy(None))
        .build()
        .unwrap();
    let err = client.signature_request_remove("sr").await.unwrap_err();
    let response = err.response().unwrap();
    assert_eq!((response.status.as_u16(), response.attempts, response.waits.len()), (503, 5, 4));
    assert_eq!(*received.lock().unwrap(), 5, "the server saw every attempt");
}

#[tokio::test]
async fn operations_not_marked_safe_are_never_retried() {
    use esign_fixtures::bodies;
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/forms"))
        .respond_with(ResponseTemplate::new(503))
        .expect(1)
        .mount(&server)
        .await;
    let client = bodies::Client::builder().base_url(server.uri()).build().unwrap();
    let form = bodies::SubmitFormForm::new("x".into());
    let err = client.submit_form(&form).await.unwrap_err();
    assert_eq!(err.response().unwrap().attempts, 1, "a POST the spec does not mark retry-safe");
}

/// A server with a fixed window: `limit` requests per one-second window of
/// `clock`, the reset in X-Ratelimit-Reset; every 7th request answers 503
/// once; unknown ids answer 404, "signed" ones 400, "gone" ones 410. It
/// runs in the test's runtime: on the paused clock, its windows and the
/// client's waits for them take no real time.
async fn rate_limited_server(limit: u64, clock: TokioClock) -> (String, Arc<Mutex<(u64, u64, u64)>>) {
    let state = Arc::new(Mutex::new((0, 0, 0))); // (window second, used, refused)
    let shared = state.clone();
    let count = Arc::new(Mutex::new(0u64));
    let base = crate::support::raw_server(move |_, target| {
        let now = crate::support::unix_secs(clock.now());
        let mut state = shared.lock().unwrap();
        if state.0 != now {
            *state = (now, 0, state.2);
        }
        let answer = |status: u16, name: Option<&str>, remaining: u64| {
            let mut headers = vec![
                crate::support::header("X-RateLimit-Limit", limit.to_string()),
                crate::support::header("X-RateLimit-Remaining", remaining.to_string()),
                crate::support::header("X-Ratelimit-Reset", (now + 1).to_string()),
            ];
            let body = match name {
                Some(name) => {
                    headers.push(crate::support::header("content-type", "application/json"));
                    json!({"error": {"error_msg": "m", "error_name": name}}).to_string().into_bytes()
                }
                None => Vec::new(),
            };
            crate::support::RawReply::Answer { status, headers, body }
        };
        if state.1 >= limit {
            state.2 += 1;
            return answer(403, Some("exceeded_rate"), 0);
        }
        state.1 += 1;
        let remaining = limit - state.1;
        let mut count = count.lock().unwrap();
        *count += 1;
        let id = target.rsplit('/').next().unwrap_or_default();
        if (*count).is_multiple_of(7) {
            answer(503, Some("maintenance"), remaining)
        } else if id.starts_with("signed") {
            answer(400, Some("signature_request_cancel_failed"), remaining)
        } else if id.starts_with("gone") {
            answer(410, Some("deleted"), remaining)
        } else if id.starts_with("missing") {
            answer(404, Some("not_found"), remaining)
        } else {
            answer(200, None, remaining)
        }
    })
    .await;
    (base, state)
}

/// A client of `rate_limited_server`, on its clock.
fn paced_client(base: &str, clock: TokioClock) -> Client {
    Client::builder()
        .base_url(format!("{base}/v3"))
        .credentials(Credentials::api_key("sk_secret_key_value"))
        .retry_policy(fast_policy(None))
        .time_source(clock)
        .build()
        .unwrap()
}

#[tokio::test(start_paused = true)]
async fn a_bulk_cancel_accounts_for_every_id_within_the_rate_limit() {
    let clock = TokioClock::new();
    let (server, state) = rate_limited_server(40, clock).await;
    let mut ids: Vec<String> = (0..90).map(|i| format!("sr-{i}")).collect();
    ids.extend(["signed-1", "gone-1", "missing-1"].map(String::from));
    let client = paced_client(&server, clock);
    let progress = Arc::new(Mutex::new(Vec::new()));
    let seen = progress.clone();
    let mut options = BulkOptions::default();
    options.on_progress = Some(Arc::new(move |p| seen.lock().unwrap().push(p.done)));
    let report = client.bulk_signature_request_cancel(ids.clone(), &options).await;
    assert_eq!(report.entries.len(), ids.len(), "nothing dropped");
    assert_eq!(report.entries.iter().map(|e| e.id.clone()).collect::<Vec<_>>(), ids, "in order");
    let counts = report.counts();
    assert_eq!(counts.get("queued"), Some(&90), "{counts:?}");
    assert_eq!(counts.get("not_eligible"), Some(&1));
    assert_eq!(counts.get("already_gone"), Some(&1));
    assert_eq!(counts.get("not_found"), Some(&1));
    assert_eq!(state.lock().unwrap().2, 0, "the limit was never tripped");
    assert_eq!(progress.lock().unwrap().len(), ids.len());
}

#[tokio::test(start_paused = true)]
async fn an_interrupted_bulk_run_reports_the_rest_and_resumes() {
    let clock = TokioClock::new();
    let (server, _) = rate_limited_server(10, clock).await;
    let ids: Vec<String> = (0..40).map(|i| format!("sr-{i}")).collect();
    let client = paced_client(&server, clock);
    let mut short = BulkOptions::default();
    short.max_concurrency = 4;
    short.deadline = Some(Duration::from_millis(1500));
    let mut report = client.bulk_signature_request_cancel(ids.clone(), &short).await;
    assert_eq!(report.entries.len(), 40, "every id has an outcome, attempted or not");
    let pending = report.pending_ids();
    assert!(!pending.is_empty() && pending.len() < 40, "{} pending", pending.len());
    assert!(report.entries.iter().any(|e| e.outcome == BulkOutcome::NotAttempted));
    // The report survives a round trip through JSON, and a second run finishes the job.
    let saved = serde_json::to_string(&report).unwrap();
    let restored: esign_client::runtime::BulkReport = serde_json::from_str(&saved).unwrap();
    assert_eq!(restored, report);
    let rest = client.bulk_signature_request_cancel(pending, &BulkOptions::default()).await;
    report.merge(rest);
    assert_eq!(report.entries.len(), 40);
    assert!(report.pending_ids().is_empty(), "{:?}", report.counts());
    assert_eq!(report.counts().get("queued"), Some(&40));
}

#[tokio::test(start_paused = true)]
async fn bulk_runs_on_clones_share_one_rate_limit_window() {
    let clock = TokioClock::new();
    let (server, state) = rate_limited_server(30, clock).await;
    let client = paced_client(&server, clock);
    let clone = client.with_retry_policy(fast_policy(None));
    let ids = |prefix: &str| (0..45).map(|i| format!("{prefix}-{i}")).collect::<Vec<String>>();
    let mut options = BulkOptions::default();
    options.max_concurrency = 6;
    // Two runs at once, then a third right after, in windows the others used.
    let (a, b) = tokio::join!(
        client.bulk_signature_request_cancel(ids("a"), &options),
        clone.bulk_signature_request_cancel(ids("b"), &options)
    );
    let c = client.bulk_signature_request_cancel(ids("c"), &options).await;
    for report in [&a, &b, &c] {
        assert_eq!(report.counts().get("queued"), Some(&45), "{:?}", report.counts());
    }
    assert_eq!(state.lock().unwrap().2, 0, "no request was refused for the limit");
    assert!(client.rate_limit_window().is_some_and(|w| w.limit == 30));
}
