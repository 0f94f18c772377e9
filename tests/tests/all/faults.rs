//! The client under faults and attackers, against local servers that
//! misbehave: redirects to another origin for every kind of credential,
//! over-large bodies, long rate-limit waits, answers lost after the server
//! acted, a chaos server for a bulk run with exact accounting, and a bulk
//! run killed with SIGKILL in a child process, then resumed.

use crate::support::{raw_server, RawReply, Rng};
use esign_client::dropbox_sign::{Client, Credentials};
use esign_client::runtime::{
    BulkOptions, Cancel, CancelOutcome, CancelRequest, Error, RetryPolicy, TimeSource, TokioClock,
};
use esign_fixtures::security;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A complete answer with text headers and body.
fn answer(status: u16, headers: Vec<(String, String)>, body: &str) -> RawReply {
    let headers = headers.into_iter().map(|(name, value)| (name, value.into_bytes())).collect();
    RawReply::Answer { status, headers, body: body.as_bytes().to_vec() }
}

/// An answer whose body is cut short: the start of a signature request,
/// 200 bytes fewer than declared, then the connection closes.
fn truncated(status: u16, headers: Vec<(String, String)>) -> RawReply {
    let headers = headers.into_iter().map(|(name, value)| (name, value.into_bytes())).collect();
    let sent = br#"{"signature_request": {"signature_request_id": "#.to_vec();
    RawReply::Cut { status, headers, declared: sent.len() + 200, sent }
}

fn now_secs() -> u64 {
    crate::support::unix_secs(std::time::SystemTime::now())
}

fn json_error(name: &str) -> String {
    format!(r#"{{"error":{{"error_msg":"{name} happened.","error_name":"{name}"}}}}"#)
}

fn fast(mut policy: RetryPolicy) -> RetryPolicy {
    policy.base_delay = Duration::from_millis(10);
    policy.max_delay = Duration::from_millis(50);
    policy.request_timeout = Some(Duration::from_millis(400));
    policy
}

// ---------------------------------------------------------------- redirects

/// Every credential kind of the security fixture, with what must never
/// reach another origin.
fn credential_kinds() -> Vec<(security::Credentials, &'static str)> {
    vec![
        (security::Credentials::basic("user", "sk_basic_pw"), "basic"),
        (security::Credentials::bearer("sk_bearer_tok"), "bearer"),
        (security::Credentials::header_key("sk_header_key"), "API key header"),
        (security::Credentials::raw_authorization("sk_raw_auth"), "raw Authorization"),
        (security::Credentials::query_key("sk_query_key"), "API key in the query"),
        (security::Credentials::cookie_key("sk_cookie_key"), "API key cookie"),
    ]
}

#[tokio::test]
async fn no_credential_follows_a_redirect_to_another_origin() {
    // The other origin: a second server (another port is another origin).
    let elsewhere = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200)).mount(&elsewhere).await;
    let target = format!("{}/me", elsewhere.uri());
    for status in [301, 302, 303, 307, 308] {
        let api = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(status).insert_header("Location", target.as_str()))
            .mount(&api)
            .await;
        for (credentials, kind) in credential_kinds() {
            let client = security::Client::builder().base_url(api.uri()).credentials(credentials).build().unwrap();
            let err = client.who_am_i().await.unwrap_err();
            assert!(matches!(&err, Error::UnexpectedResponse(r) if r.status == status), "{kind} {status}: {err:?}");
            // Also with a builder of the caller's own, and with no redirects at all.
            let (credentials, _) = credential_kinds().into_iter().find(|(_, k)| *k == kind).unwrap();
            let client = security::Client::builder()
                .base_url(api.uri())
                .credentials(credentials)
                .http_client_builder(reqwest::Client::builder())
                .build()
                .unwrap();
            assert!(client.who_am_i().await.is_err(), "{kind} {status}");
        }
    }
    assert_eq!(elsewhere.received_requests().await.unwrap().len(), 0, "nothing arrived at the other origin");
}

#[tokio::test]
async fn same_origin_redirects_are_followed_unless_turned_off() {
    let api = MockServer::start().await;
    Mock::given(wiremock::matchers::path("/me"))
        .respond_with(ResponseTemplate::new(307).insert_header("Location", "/moved"))
        .mount(&api)
        .await;
    Mock::given(wiremock::matchers::path("/moved"))
        .and(wiremock::matchers::header("x-auth-token", "sk_header_key"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&api)
        .await;
    let client =
        security::Client::builder().base_url(api.uri()).credentials(security::Credentials::header_key("sk_header_key"));
    client.build().unwrap().who_am_i().await.expect("followed within the origin, the key with it");
    let client = security::Client::builder()
        .base_url(api.uri())
        .credentials(security::Credentials::header_key("sk_header_key"))
        .redirects(esign_client::runtime::Redirects::None)
        .build()
        .unwrap();
    let err = client.who_am_i().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(307), "not followed at all");
}

fn query_key_client(api: &MockServer) -> security::Client {
    security::Client::builder()
        .base_url(api.uri())
        .credentials(security::Credentials::query_key("sk_query_key"))
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_query_string_key_is_added_again_on_a_same_origin_redirect() {
    // The key is not in the redirect's `Location`; the client adds it to
    // the new URL (replacing any other value there), for every redirect
    // status, and a redirect elsewhere still gets nothing.
    for status in [301, 302, 303, 307, 308] {
        let api = MockServer::start().await;
        Mock::given(wiremock::matchers::path("/me"))
            .respond_with(ResponseTemplate::new(status).insert_header("Location", "/moved?page=2&api_key=planted"))
            .mount(&api)
            .await;
        Mock::given(wiremock::matchers::path("/moved"))
            .and(wiremock::matchers::query_param("page", "2"))
            .and(wiremock::matchers::query_param("api_key", "sk_query_key"))
            .respond_with(ResponseTemplate::new(200))
            .mount(&api)
            .await;
        query_key_client(&api).who_am_i().await.unwrap_or_else(|err| panic!("{status}: {err:?}"));
        let requests = api.received_requests().await.unwrap();
        let moved: Vec<String> = requests
            .iter()
            .filter(|r| r.url.path() == "/moved")
            .map(|r| r.url.query().unwrap_or("").to_owned())
            .collect();
        assert_eq!(moved, ["page=2&api_key=sk_query_key"], "{status}: one request, the key once");
    }
    // A loop of redirects within the origin ends after 10 hops, as an
    // answer the client cannot use, not a hang.
    let api = MockServer::start().await;
    Mock::given(wiremock::matchers::path("/me"))
        .respond_with(ResponseTemplate::new(302).insert_header("Location", "/me"))
        .mount(&api)
        .await;
    let err = query_key_client(&api).who_am_i().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(302), "{err:?}");
    assert_eq!(api.received_requests().await.unwrap().len(), 11, "the first request and 10 redirects");
}

#[tokio::test]
async fn an_answer_from_another_origin_through_a_callers_client_is_not_used() {
    // A caller's own reqwest::Client follows redirects by its own policy:
    // the answer from elsewhere is refused (the rustdoc says the request may
    // have gone there, and how to prevent it).
    let elsewhere = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200)).mount(&elsewhere).await;
    let api = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(302).insert_header("Location", format!("{}/me?x=1", elsewhere.uri())))
        .mount(&api)
        .await;
    let client = security::Client::builder()
        .base_url(api.uri())
        .credentials(security::Credentials::bearer("sk_bearer_tok"))
        .http_client(reqwest::Client::new())
        .build()
        .unwrap();
    let err = client.who_am_i().await.unwrap_err();
    match &err {
        Error::ForeignOrigin { origin, response } => {
            assert_eq!(*origin, elsewhere.uri());
            assert_eq!(response.status, 200);
        }
        other => panic!("{other:?}"),
    }
    assert!(!err.to_string().contains("x=1"), "{err}");
}

// ---------------------------------------------------------------- body size

#[tokio::test]
async fn over_large_bodies_stop_at_the_cap_and_keep_the_first_bytes() {
    let big = "x".repeat(3 << 20);
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200).set_body_string(big.clone()).insert_header("content-type", "text/plain"),
        )
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(format!("{}/v3", server.uri()))
        .credentials(Credentials::api_key("sk_key"))
        .max_response_bytes(1 << 20)
        .build()
        .unwrap();
    match client.signature_request_get("sr").await.unwrap_err() {
        Error::ResponseTooLarge { limit, response } => {
            assert_eq!(limit, 1 << 20);
            assert_eq!((response.status.as_u16(), response.attempts), (200, 1));
            assert_eq!(response.body.len(), 4096);
            assert!(response.body.iter().all(|b| *b == b'x'));
        }
        other => panic!("{other:?}"),
    }
    // A body without a declared length is cut as it arrives.
    let base = raw_server(|_, _| {
        answer(200, vec![("content-type".into(), "application/json".into())], &format!("\"{}\"", "y".repeat(5000)))
    })
    .await;
    let capped = |cap: usize| {
        Client::builder()
            .base_url(format!("{base}/v3"))
            .credentials(Credentials::api_key("sk_key"))
            .max_response_bytes(cap)
            .build()
            .unwrap()
    };
    let err = capped(1000).signature_request_get("sr").await.unwrap_err();
    assert!(
        matches!(&err, Error::ResponseTooLarge { limit: 1000, response } if response.body.starts_with(b"\"yyy")),
        "{err:?}"
    );
    // Under the cap, nothing changes.
    let err = capped(10_000).signature_request_get("sr").await.unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
}

// ---------------------------------------------------------------- waits

// ---------------------------------------------------------------- lost answers

/// Dropbox Sign's cancel, as a raw server: ids in `gone` answer 410; the
/// others are canceled by the first request that gets through, and
/// `faults(id, attempt)` decides how that attempt's answer goes.
#[derive(Default)]
struct Lifecycle {
    gone: std::collections::HashSet<String>,
    canceled: std::collections::HashSet<String>,
    received: HashMap<String, u32>,
}

fn cancel_id(path: &str) -> Option<String> {
    path.strip_prefix("/v3/signature_request/cancel/").map(str::to_owned)
}

#[tokio::test(start_paused = true)]
async fn a_410_after_a_lost_answer_is_this_calls_success() {
    let state = Arc::new(Mutex::new(Lifecycle::default()));
    state.lock().unwrap().gone.insert("gone-before".to_owned());
    let shared = state.clone();
    let base = raw_server(move |_, path: &str| {
        let Some(id) = cancel_id(path) else { return answer(404, vec![], "") };
        let mut s = shared.lock().unwrap();
        let attempt = {
            let n = s.received.entry(id.clone()).or_insert(0);
            *n += 1;
            *n
        };
        let json = vec![("content-type".to_owned(), "application/json".to_owned())];
        if s.gone.contains(&id) || s.canceled.contains(&id) {
            // The first answer for an id gone before the run is a refusal.
            if attempt == 1 && s.gone.contains(&id) {
                return answer(429, vec![("retry-after".into(), "0.05".into())], &json_error("exceeded_rate"));
            }
            return answer(410, json, &json_error("deleted"));
        }
        s.canceled.insert(id.clone());
        match id.as_str() {
            "reset" => RawReply::Reset,
            "truncated" => truncated(200, json),
            "hung" => RawReply::Hang(Duration::from_millis(900)),
            _ => answer(200, json, "{}"),
        }
    })
    .await;
    let client = Client::builder()
        .base_url(format!("{base}/v3"))
        .credentials(Credentials::api_key("sk_key"))
        .retry_policy(fast(RetryPolicy::default()))
        .build()
        .unwrap();
    for id in ["reset", "truncated", "hung"] {
        let response = client.signature_request_cancel(id).await.unwrap_or_else(|e| panic!("{id}: {e:?}"));
        assert_eq!((response.status.as_u16(), response.attempts, response.lost_answers), (410, 2, 1), "{id}");
    }
    // A 410 after a refusal is not this call's doing.
    let err = client.signature_request_cancel("gone-before").await.unwrap_err();
    assert_eq!((err.status().map(|s| s.as_u16()), err.attempts(), err.lost_answers()), (Some(410), 2, 0));
    // The provider-neutral trait says the same.
    state.lock().unwrap().canceled.clear();
    state.lock().unwrap().received.clear();
    assert_eq!(client.cancel(&CancelRequest::new("reset")).await, CancelOutcome::Queued);
    assert!(matches!(client.cancel(&CancelRequest::new("gone-before")).await, CancelOutcome::NotFound { .. }));
    // And a bulk run.
    state.lock().unwrap().canceled.clear();
    state.lock().unwrap().received.clear();
    let ids: Vec<String> = ["reset", "truncated", "hung", "gone-before", "plain"].map(String::from).to_vec();
    let report = client.bulk_signature_request_cancel(ids, &BulkOptions::default()).await;
    let got: Vec<(&str, &str, u32, u32)> =
        report.entries.iter().map(|e| (e.id.as_str(), e.outcome.name(), e.attempts, e.lost_answers)).collect();
    assert_eq!(
        got,
        [
            ("reset", "queued", 2, 1),
            ("truncated", "queued", 2, 1),
            ("hung", "queued", 2, 1),
            ("gone-before", "already_gone", 2, 0),
            ("plain", "queued", 1, 0)
        ]
    );
}

// ---------------------------------------------------------------- chaos

#[derive(Clone, Copy, Debug, PartialEq)]
enum Fault {
    /// 503 maintenance: not acted on.
    Unavailable,
    /// 429 with the rate-limit headers saying the window is spent: not acted on.
    RateLimited,
    /// Acted on, then the connection is reset.
    Reset,
    /// Acted on, then the body is cut short.
    Truncate,
    /// Acted on, then no answer until past the client's timeout.
    Hang,
    /// Acted on, then a gateway's 504.
    Gateway,
}

impl Fault {
    fn acts(self) -> bool {
        !matches!(self, Fault::Unavailable | Fault::RateLimited)
    }
}

/// The ground truth of a chaos run, kept by the server.
#[derive(Default)]
struct Chaos {
    /// The wall clock of the run (tokio's paused one), the client's too.
    clock: TokioClock,
    window: Window,
    refused_by_the_window: u64,
    gone_before: std::collections::HashSet<String>,
    canceled_by_run: std::collections::HashSet<String>,
    received: HashMap<String, u32>,
    lost: HashMap<String, u32>,
    plan: HashMap<String, Vec<Fault>>,
}

/// A fixed rate-limit window of `limit` requests per Unix second, as the
/// cancel servers of the chaos and crash tests keep it.
#[derive(Default)]
struct Window {
    limit: u64,
    /// The Unix second of the current window.
    second: u64,
    /// Requests admitted in it.
    used: u64,
    /// The most requests any window admitted.
    most: u64,
}

impl Window {
    fn new(limit: u64) -> Window {
        Window { limit, ..Window::default() }
    }

    /// Counts a request arriving at Unix second `now`: the requests left in
    /// its window, or `None` when the window was already full.
    fn admit(&mut self, now: u64) -> Option<u64> {
        if self.second != now {
            (self.second, self.used) = (now, 0);
        }
        if self.used >= self.limit {
            return None;
        }
        self.used += 1;
        self.most = self.most.max(self.used);
        Some(self.limit - self.used)
    }

    /// The headers of a JSON answer, with `remaining` left of the window.
    fn headers(&self, remaining: u64) -> Vec<(String, String)> {
        vec![
            ("content-type".to_owned(), "application/json".to_owned()),
            ("X-RateLimit-Limit".to_owned(), self.limit.to_string()),
            ("X-RateLimit-Remaining".to_owned(), remaining.to_string()),
            ("X-Ratelimit-Reset".to_owned(), (self.second + 1).to_string()),
        ]
    }
}

impl Chaos {
    fn handle(&mut self, path: &str) -> RawReply {
        let Some(id) = cancel_id(path) else { return answer(404, vec![], "") };
        let Some(remaining) = self.window.admit(crate::support::unix_secs(self.clock.now())) else {
            self.refused_by_the_window += 1;
            return answer(403, self.window.headers(0), &json_error("exceeded_rate"));
        };
        let attempt = {
            let n = self.received.entry(id.clone()).or_insert(0);
            *n += 1;
            *n as usize
        };
        let fault = self.plan.get(&id).and_then(|plan| plan.get(attempt - 1)).copied();
        let gone = self.gone_before.contains(&id) || self.canceled_by_run.contains(&id);
        if let Some(fault) = fault {
            if fault.acts() {
                assert!(!gone, "lost answers are planned only for ids the run cancels");
                self.canceled_by_run.insert(id.clone());
                *self.lost.entry(id).or_insert(0) += 1;
            }
            return match fault {
                Fault::Unavailable => answer(503, self.window.headers(remaining), &json_error("maintenance")),
                Fault::RateLimited => answer(429, self.window.headers(0), &json_error("exceeded_rate")),
                Fault::Reset => RawReply::Reset,
                Fault::Truncate => truncated(200, self.window.headers(remaining)),
                Fault::Hang => RawReply::Hang(Duration::from_millis(900)),
                Fault::Gateway => answer(504, vec![], "<html>gateway timeout</html>"),
            };
        }
        if gone {
            return answer(410, self.window.headers(remaining), &json_error("deleted"));
        }
        self.canceled_by_run.insert(id);
        answer(200, self.window.headers(remaining), "{}")
    }
}

#[tokio::test(start_paused = true)]
async fn a_bulk_run_under_chaos_accounts_for_every_id_exactly() {
    const IDS: usize = 300;
    let mut rng = Rng(11);
    let mut chaos = Chaos { window: Window::new(150), ..Chaos::default() };
    let ids: Vec<String> = (0..IDS).map(|i| format!("sr-{i:03}")).collect();
    let mut rate_limited = 0;
    for id in &ids {
        let gone = rng.below(10) == 0;
        if gone {
            chaos.gone_before.insert(id.clone());
        }
        let mut plan = Vec::new();
        for _ in 0..rng.below(4) {
            let kind = match rng.below(12) {
                0..=3 => Fault::Unavailable,
                4 if rate_limited < 4 => Fault::RateLimited,
                5 | 6 => Fault::Reset,
                7 | 8 => Fault::Truncate,
                9 => Fault::Hang,
                10 => Fault::Gateway,
                _ => Fault::Unavailable,
            };
            // An id gone before the run is only refused (a lost answer there
            // would make its 410 this run's success, by the rule); after a
            // lost answer the id is gone too.
            if kind.acts() && (gone || plan.iter().any(|f: &Fault| f.acts())) {
                continue;
            }
            rate_limited += usize::from(kind == Fault::RateLimited);
            plan.push(kind);
        }
        chaos.plan.insert(id.clone(), plan);
    }
    let planned_faults: usize = chaos.plan.values().map(Vec::len).sum();
    let chaos = Arc::new(Mutex::new(chaos));
    let server = chaos.clone();
    let clock = chaos.lock().unwrap().clock;
    let base = raw_server(move |_, path: &str| server.lock().unwrap().handle(path)).await;
    let client = Client::builder()
        .base_url(format!("{base}/v3"))
        .credentials(Credentials::api_key("sk_key"))
        .retry_policy(fast(RetryPolicy::default()))
        .time_source(clock)
        .build()
        .unwrap();
    let mut options = BulkOptions::default();
    options.max_attempts = 6;
    let started = Instant::now();
    let report =
        tokio::time::timeout(Duration::from_secs(60), client.bulk_signature_request_cancel(ids.clone(), &options))
            .await
            .expect("the run ends");
    let chaos = chaos.lock().unwrap();
    assert_eq!(report.entries.len(), IDS, "no id lost");
    for entry in &report.entries {
        let expected = if chaos.gone_before.contains(&entry.id) { "already_gone" } else { "queued" };
        let received = chaos.received.get(&entry.id).copied().unwrap_or(0);
        let lost = chaos.lost.get(&entry.id).copied().unwrap_or(0);
        assert_eq!(
            (entry.outcome.name(), entry.attempts, entry.lost_answers),
            (expected, received, lost),
            "{} (plan {:?}): {:?}",
            entry.id,
            chaos.plan[&entry.id],
            entry.outcome
        );
    }
    assert!(chaos.canceled_by_run.iter().all(|id| !chaos.gone_before.contains(id)));
    assert_eq!(chaos.refused_by_the_window, 0, "the window was never exceeded");
    assert!(chaos.window.most <= chaos.window.limit);
    let counts = report.counts();
    println!(
        "chaos: {IDS} ids, {planned_faults} faults ({rate_limited} rate limited) in {:?}: {counts:?}",
        started.elapsed()
    );
    assert_eq!(counts.get("already_gone").copied().unwrap_or(0), chaos.gone_before.len());
    assert_eq!(counts.get("queued").copied().unwrap_or(0), IDS - chaos.gone_before.len());
}

// ---------------------------------------------------------------- crash and resume

/// The cancel endpoint for the crash test: a 1-second window of `limit`
/// requests, every 25th request answering 503 once; records which phase
/// (before or after the kill) each id arrived in.
struct CrashServer {
    window: Window,
    refused: u64,
    served: u64,
    canceled: std::collections::HashSet<String>,
    phase: usize,
    seen_in: [std::collections::HashSet<String>; 2],
}

impl CrashServer {
    fn handle(&mut self, path: &str) -> RawReply {
        let Some(id) = cancel_id(path) else { return answer(404, vec![], "") };
        let Some(remaining) = self.window.admit(now_secs()) else {
            self.refused += 1;
            return answer(403, self.window.headers(0), &json_error("exceeded_rate"));
        };
        self.served += 1;
        self.seen_in[self.phase].insert(id.clone());
        if self.served.is_multiple_of(25) {
            return answer(503, self.window.headers(remaining), &json_error("maintenance"));
        }
        if !self.canceled.insert(id) {
            return answer(410, self.window.headers(remaining), &json_error("deleted"));
        }
        answer(200, self.window.headers(remaining), "{}")
    }
}

fn outcome_lines(path: &std::path::Path) -> Vec<serde_json::Value> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|line| line.get("outcome").is_some())
        .collect()
}

#[tokio::test]
async fn a_bulk_run_killed_midway_resumes_from_its_journal() {
    const IDS: usize = 2_000;
    const CONCURRENCY: usize = 8;
    let server = Arc::new(Mutex::new(CrashServer {
        window: Window::new(250),
        refused: 0,
        served: 0,
        canceled: Default::default(),
        phase: 0,
        seen_in: Default::default(),
    }));
    let shared = server.clone();
    let base = raw_server(move |_, path: &str| shared.lock().unwrap().handle(path)).await;
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<String> = (0..IDS).map(|i| format!("sr-{i:04}")).collect();
    let ids_file = dir.path().join("ids.txt");
    std::fs::write(&ids_file, ids.join("\n")).unwrap();
    let journal = dir.path().join("journal.jsonl");
    let child = |args: &[&str]| {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_bulk-cancel-child"));
        command
            .args(args)
            .arg("--ids")
            .arg(&ids_file)
            .args(["--concurrency", &CONCURRENCY.to_string()])
            .env("DROPBOX_SIGN_API_KEY", "sk_crash_key")
            .env("DROPBOX_SIGN_BASE_URL", format!("{base}/v3"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        command.spawn().unwrap()
    };
    let started = Instant::now();
    let mut first = child(&["--report", journal.to_str().unwrap()]);
    // Kill it (SIGKILL) once about a third of the ids are recorded.
    loop {
        assert!(started.elapsed() < Duration::from_secs(30), "the first run made no progress");
        if outcome_lines(&journal).len() >= IDS / 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    first.kill().unwrap();
    let status = first.wait().unwrap();
    assert!(!status.success(), "killed");
    let recorded_at_kill = outcome_lines(&journal).len();
    assert!(recorded_at_kill < IDS, "killed midway");
    // Let requests already on their way be served before the phase changes.
    tokio::time::sleep(Duration::from_millis(300)).await;
    server.lock().unwrap().phase = 1;

    let mut second = child(&["--resume", journal.to_str().unwrap()]);
    let status = loop {
        if let Some(status) = second.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > Duration::from_secs(55) {
            second.kill().unwrap();
            panic!("the resumed run did not finish in time");
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert!(status.success(), "{status:?}");

    let server = server.lock().unwrap();
    // 0 lost: every id has a final outcome line; 0 misreported: each says
    // queued, and the server canceled exactly those ids.
    let mut last: HashMap<String, String> = HashMap::new();
    for line in outcome_lines(&journal) {
        last.insert(line["id"].as_str().unwrap().to_owned(), line["outcome"].as_str().unwrap().to_owned());
    }
    assert_eq!(last.len(), IDS, "every id has an outcome");
    let misreported: Vec<(&String, &String)> = last.iter().filter(|(_, outcome)| *outcome != "queued").collect();
    assert!(misreported.is_empty(), "{misreported:?}");
    assert_eq!(server.canceled.len(), IDS);
    // Sent again after the kill: at most the ids that were in flight.
    let sent_twice = server.seen_in[0].intersection(&server.seen_in[1]).count();
    assert!(sent_twice <= CONCURRENCY, "{sent_twice} ids sent in both runs");
    // The window was never exceeded, across the kill and the resumption.
    assert_eq!(server.refused, 0, "requests refused by the rate limit");
    assert!(server.window.most <= server.window.limit);
    let text = std::fs::read_to_string(&journal).unwrap();
    let headers = text.lines().filter(|l| l.contains("\"operation\"")).count();
    assert_eq!(headers, 2, "the run's header and the resumption's");
    println!(
        "crash: {recorded_at_kill} of {IDS} recorded at the kill, {sent_twice} sent in both runs, most in a window {}, in {:?}",
        server.window.most,
        started.elapsed()
    );
}
