//! Helpers both integration-test binaries share: `tests/tests/all` (crate
//! esign-tests) and `esign-sim/tests/all` (crate esign-sim) include this
//! file by path, so each helper is written once.

use esign_client::runtime::{RetryPolicy, WaitOptions};
use std::time::Duration;

/// Serves `router` on a free port of 127.0.0.1, on the current runtime (so
/// on a test's paused clock too), for the rest of the test; returns its
/// base URL (`http://127.0.0.1:PORT`).
pub async fn serve(router: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    format!("http://{address}")
}

/// A callback body as Dropbox Sign posts it: a `multipart/form-data` form
/// whose one field, `json`, is `json`. Returns the Content-Type (with its
/// boundary) and the body.
pub fn callback_form(json: &str) -> (String, Vec<u8>) {
    let boundary = "esign-test-boundary";
    let body =
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"json\"\r\n\r\n{json}\r\n--{boundary}--\r\n");
    (format!("multipart/form-data; boundary={boundary}"), body.into_bytes())
}

/// The default retry policy with a short back-off (5 ms, at most 20 ms),
/// so tests of retried answers stay short even on a real clock.
pub fn quick_retries() -> RetryPolicy {
    let mut policy = RetryPolicy::default();
    policy.base_delay = Duration::from_millis(5);
    policy.max_delay = Duration::from_millis(20);
    policy
}

/// Waiter options that poll often (every 5 to 20 ms) for up to ten seconds.
pub fn quick_wait() -> WaitOptions {
    let mut options = WaitOptions::default();
    options.max_wait = Duration::from_secs(10);
    options.min_delay = Some(Duration::from_millis(5));
    options.max_delay = Some(Duration::from_millis(20));
    options
}

/// A Dropbox Sign client for the simulator `sim`: its base URL and API key,
/// `retry`, and tokio's clock, which the simulator's rate-limit windows
/// follow too (paused or not), so the client reads their resets right.
pub fn sim_client(sim: &esign_sim::DropboxSignSim, retry: RetryPolicy) -> esign_client::dropbox_sign::Client {
    esign_client::dropbox_sign::Client::builder()
        .base_url(sim.base_url())
        .credentials(esign_client::dropbox_sign::Credentials::api_key(sim.api_key()))
        .retry_policy(retry)
        .time_source(esign_client::runtime::TokioClock::new())
        .build()
        .unwrap()
}
