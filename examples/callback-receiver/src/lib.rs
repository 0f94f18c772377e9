//! A Dropbox Sign callback endpoint built only on the generated client:
//! it verifies the event hash with your API key on the raw body (a forged
//! callback is never parsed), reads the multipart (or JSON) event, answers
//! the exact reply the provider expects, and refuses forged or malformed
//! callbacks with a 4xx.

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use esign_client::dropbox_sign::{EventCallback, CALLBACK_REPLY};
use esign_client::runtime::{CallbackError, Secret};
use tokio::sync::mpsc;

#[derive(Clone)]
struct Receiver {
    api_key: Secret,
    events: Option<mpsc::Sender<EventCallback>>,
}

/// The endpoint at `POST /callback`. Verified events are printed and, when
/// `events` is given, sent on it (to a cancel-and-confirm, say).
pub fn router(api_key: Secret, events: Option<mpsc::Sender<EventCallback>>) -> Router {
    Router::new()
        .route("/callback", post(receive))
        // Let the parser apply the documented limit and answer 413 itself.
        .layer(DefaultBodyLimit::max(EventCallback::CALLBACK_LIMIT * 2))
        .with_state(Receiver { api_key, events })
}

async fn receive(State(receiver): State<Receiver>, headers: HeaderMap, body: Bytes) -> (StatusCode, String) {
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let event = match EventCallback::from_verified_callback(content_type, &body, &receiver.api_key).await {
        Ok(event) => event,
        Err(err) => return refuse(&err),
    };
    println!(
        "{} {} for {:?}: signature request {}",
        event.event.event_time,
        event.event.event_type,
        event.reported_for(),
        event.signature_request.as_ref().and_then(|r| r.signature_request_id.as_deref()).unwrap_or("-"),
    );
    if let Some(events) = &receiver.events {
        // A full queue must not fail the callback: the event is already verified.
        let _ = events.try_send(event);
    }
    (StatusCode::OK, CALLBACK_REPLY.to_owned())
}

fn refuse(err: &CallbackError) -> (StatusCode, String) {
    let status = match err {
        CallbackError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
        CallbackError::Forged => StatusCode::UNAUTHORIZED,
        // Our own misconfiguration, not the caller's fault.
        CallbackError::EmptyKey => StatusCode::INTERNAL_SERVER_ERROR,
        _ => StatusCode::BAD_REQUEST,
    };
    eprintln!("refused callback: {err}");
    (status, err.to_string())
}
