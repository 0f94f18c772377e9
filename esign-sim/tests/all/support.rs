//! A callback endpoint like the one a user's application has: it reads the
//! body with the client's parser, verifies the event with the API key, and
//! hands verified events to the test.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use esign_client::dropbox_sign::{EventCallback, CALLBACK_REPLY};
use esign_client::runtime::{CallbackError, RetryPolicy, Secret};
use std::time::Duration;
use tokio::sync::mpsc;

#[derive(Clone)]
struct Endpoint {
    api_key: Secret,
    events: mpsc::Sender<EventCallback>,
}

/// Serves `POST /callback` on 127.0.0.1; returns its URL and the verified events.
pub async fn callback_endpoint(api_key: &str) -> (String, mpsc::Receiver<EventCallback>) {
    let (events, received) = mpsc::channel(16);
    let router =
        Router::new().route("/callback", post(receive)).with_state(Endpoint { api_key: Secret::new(api_key), events });
    (format!("{}/callback", serve(router).await), received)
}

async fn receive(State(endpoint): State<Endpoint>, headers: HeaderMap, body: Bytes) -> (StatusCode, String) {
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let event = match EventCallback::from_callback(content_type, &body).await {
        Ok(event) => event,
        Err(err) => return (StatusCode::BAD_REQUEST, err.to_string()),
    };
    if let Err(err @ CallbackError::Forged) = event.verify(&endpoint.api_key) {
        return (StatusCode::UNAUTHORIZED, err.to_string());
    }
    let _ = endpoint.events.try_send(event);
    (StatusCode::OK, CALLBACK_REPLY.to_owned())
}

/// Waits for the next event, for at most five seconds.
pub async fn next_event(events: &mut mpsc::Receiver<EventCallback>) -> EventCallback {
    tokio::time::timeout(Duration::from_secs(5), events.recv())
        .await
        .expect("no event within five seconds")
        .expect("the endpoint is gone")
}

// Written once for both test binaries (this one and tests/tests/all).
#[allow(dead_code)] // callback_form is for the client's own tests
#[path = "../../../tests/shared/mod.rs"]
mod shared;
pub use shared::{quick_retries, quick_wait, serve, sim_client};

/// The events a request sent to two signers posts as both sign, in order.
pub const TWO_SIGNERS_SIGN: [&str; 5] = [
    "signature_request_sent",
    "signature_request_signed",
    "signature_request_signed",
    "signature_request_all_signed",
    "signature_request_downloadable",
];

/// A Leegality client for `sim`, sending `token`, without retries.
pub fn leegality_client(sim: &esign_sim::LeegalitySim, token: &str) -> esign_client::leegality::Client {
    esign_client::leegality::Client::builder()
        .base_url(sim.base_url())
        .credentials(esign_client::leegality::Credentials::auth_token(token))
        .retry_policy(RetryPolicy::never())
        .build()
        .unwrap()
}

/// A Constellation1 client for `sim`, sending `token`, without retries.
pub fn constellation1_client(sim: &esign_sim::Constellation1Sim, token: &str) -> esign_client::constellation1::Client {
    esign_client::constellation1::Client::builder()
        .base_url(sim.base_url())
        .credentials(esign_client::constellation1::Credentials::encrypted_token(token))
        .retry_policy(RetryPolicy::never())
        .build()
        .unwrap()
}
