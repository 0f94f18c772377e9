//! A Dropbox Sign callback endpoint built only on the generated client:
//! it verifies the event hash with your API key on the raw body (a forged
//! callback is never parsed), reads the multipart (or JSON) event, answers
//! the exact reply the provider expects, and refuses forged or malformed
//! callbacks with a 4xx. [`main_with`] is the program; `--help` prints [`USAGE`].

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

/// What `--help` prints.
pub const USAGE: &str = "\
A Dropbox Sign callback endpoint: listens at POST /callback, verifies each
event with the API key, prints it, and answers as the provider expects.

Usage: callback-receiver [ADDRESS]

ADDRESS is where to listen (default 127.0.0.1:3000).

Options:
  -h, --help   print this help

Environment:
  DROPBOX_SIGN_API_KEY   the API key events are signed with (required)

Exit status: 0 when the server stops cleanly; 1 when it cannot listen or
fails; 2 on a usage error (a bad argument, DROPBOX_SIGN_API_KEY not set).
";

/// Runs the command line `args` (without the program name): serves until
/// the process is stopped.
pub fn main_with(args: Vec<String>) -> std::process::ExitCode {
    use std::process::ExitCode;
    let usage_error = |why: String| {
        eprintln!("callback-receiver: {why}\nRun `callback-receiver --help` for usage.");
        ExitCode::from(2)
    };
    let mut address = None;
    for arg in args {
        match arg.as_str() {
            "-h" | "--help" => {
                print!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            flag if flag.starts_with('-') => return usage_error(format!("unexpected argument `{flag}`")),
            _ if address.is_some() => return usage_error(format!("one ADDRESS at most, got `{arg}` too")),
            _ if arg.rsplit_once(':').is_some_and(|(_, port)| port.parse::<u16>().is_ok()) => address = Some(arg),
            _ => return usage_error(format!("`{arg}` is not an address to listen on (HOST:PORT)")),
        }
    }
    let address = address.unwrap_or_else(|| "127.0.0.1:3000".to_owned());
    let Some(api_key) = std::env::var("DROPBOX_SIGN_API_KEY").ok().filter(|key| !key.is_empty()) else {
        eprintln!("callback-receiver: set DROPBOX_SIGN_API_KEY to the API key events are signed with");
        return ExitCode::from(2);
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("callback-receiver: {err}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        let listener = match tokio::net::TcpListener::bind(&address).await {
            Ok(listener) => listener,
            Err(err) => {
                eprintln!("callback-receiver: cannot listen on {address}: {err}");
                return ExitCode::FAILURE;
            }
        };
        println!("listening on http://{address}/callback");
        match axum::serve(listener, router(Secret::new(api_key), None)).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(err) => {
                eprintln!("callback-receiver: {err}");
                ExitCode::FAILURE
            }
        }
    })
}
