//! A simulated Constellation1 eSign REST API: cancelling signing sessions,
//! answered with the `ReturnValue` `"True"`/`"False"` that
//! `specs/constellation1-esign.yaml` documents.
//!
//! What it answers, at `{base_url}` (the documentation names no host; the
//! simulator serves at the root):
//!
//! | Request | Answer (HTTP 200, the outcome in the body) |
//! |---|---|
//! | `PUT /rest/v1/sessions/{sessionId}/cancel?returnURL=...` | an active session: `{"ReturnValue": "True"}`, and the session is canceled. Canceled, completed or unknown, or no `returnURL`: `{"ReturnValue": "False"}`. |
//!
//! The encrypted token must be the raw `Authorization` header value; a
//! request without it gets HTTP 401 with `"False"` (the spec documents no
//! answer for it: the simulator's choice). Other paths answer 404, other
//! methods 405.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::header::AUTHORIZATION;
use axum::http::{HeaderMap, Method, Uri};
use axum::response::Response;
use axum::Router;
use serde_json::json;

use crate::server::{lock, query_param, segments_after, Log, RecordedRequest, Replies, Reply, Serving};

/// The token a simulator accepts unless [`Constellation1SimBuilder::encrypted_token`] sets another.
pub const DEFAULT_ENCRYPTED_TOKEN: &str = "sim-constellation1-encrypted-token";

/// Where a signing session is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SessionState {
    /// Under way: it can be canceled.
    Active,
    /// Canceled.
    Canceled,
    /// Finished by its signers: it cannot be canceled.
    Completed,
}

/// A reply with the documented `RequestResponse`: `{"ReturnValue": "True"}`
/// or `{"ReturnValue": "False"}`, with HTTP 200.
pub fn return_value_reply(succeeded: bool) -> Reply {
    Reply::json(200, &return_value(succeeded))
}

fn return_value(succeeded: bool) -> serde_json::Value {
    json!({"ReturnValue": if succeeded { "True" } else { "False" }})
}

/// Configures a [`Constellation1Sim`] before it starts.
#[derive(Clone, Debug)]
pub struct Constellation1SimBuilder {
    encrypted_token: String,
    port: u16,
}

impl Default for Constellation1SimBuilder {
    fn default() -> Self {
        Constellation1SimBuilder { encrypted_token: DEFAULT_ENCRYPTED_TOKEN.to_owned(), port: 0 }
    }
}

impl Constellation1SimBuilder {
    /// The encrypted token the simulator accepts as the `Authorization`
    /// header. Default: [`DEFAULT_ENCRYPTED_TOKEN`].
    pub fn encrypted_token(mut self, token: impl Into<String>) -> Self {
        self.encrypted_token = token.into();
        self
    }

    crate::server::port_and_start!(Constellation1Sim, "Constellation1");

    /// Builds the simulator's state and serves it (see `try_start`).
    async fn launch(self) -> std::io::Result<Constellation1Sim> {
        let port = self.port;
        let shared = Arc::new(Shared {
            encrypted_token: self.encrypted_token,
            sessions: Mutex::default(),
            replies: Replies::default(),
            log: Log::default(),
        });
        let router = Router::new().fallback(handle).with_state(shared.clone());
        let serving = Serving::start(router, port).await?;
        Ok(Constellation1Sim { shared, base_url: serving.origin(), _serving: serving })
    }
}

/// A simulated Constellation1 eSign API on 127.0.0.1, served by a
/// background task until it is dropped. See the [module
/// documentation](self) for what it answers.
///
/// ```
/// use esign_client::constellation1::{Client, Credentials};
/// use esign_client::runtime::StringBool;
/// use esign_sim::constellation1::SessionState;
/// use esign_sim::Constellation1Sim;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let sim = Constellation1Sim::start().await;
/// sim.add_session("session-1", SessionState::Active);
/// let client = Client::builder()
///     .base_url(sim.base_url())
///     .credentials(Credentials::encrypted_token(sim.encrypted_token()))
///     .build()
///     .unwrap();
/// let response = client.cancel_session("session-1", "https://example.com/done").await.unwrap();
/// assert_eq!(response.body.return_value, Some(StringBool(true)));
/// // Canceling it again: "False", which the client turns into an error.
/// assert!(client.cancel_session("session-1", "https://example.com/done").await.is_err());
/// # }
/// ```
#[derive(Debug)]
pub struct Constellation1Sim {
    shared: Arc<Shared>,
    base_url: String,
    _serving: Serving,
}

impl Constellation1Sim {
    /// Starts a simulator with the defaults (see [`Constellation1SimBuilder`]).
    ///
    /// # Panics
    ///
    /// If no port can be bound, or outside a tokio runtime.
    pub async fn start() -> Constellation1Sim {
        Constellation1SimBuilder::default().start().await
    }

    /// Configures a simulator before starting it.
    pub fn builder() -> Constellation1SimBuilder {
        Constellation1SimBuilder::default()
    }

    /// The base URL to give the client: `http://127.0.0.1:<port>`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The encrypted token the simulator accepts.
    pub fn encrypted_token(&self) -> &str {
        &self.shared.encrypted_token
    }

    /// Adds a session in `state`, or puts an existing one in it.
    pub fn add_session(&self, id: impl Into<String>, state: SessionState) {
        lock(&self.shared.sessions).insert(id.into(), state);
    }

    /// The state of a session, if it was added.
    pub fn state(&self, id: &str) -> Option<SessionState> {
        lock(&self.shared.sessions).get(id).copied()
    }

    /// The next cancel (after the token check) answers `"False"` instead of
    /// its simulated answer, and changes nothing.
    pub fn fail_next(&self) {
        self.respond_next(return_value_reply(false));
    }

    /// The next cancel (after the token check) gets `reply` instead of its
    /// simulated answer.
    pub fn respond_next(&self, reply: Reply) {
        self.shared.replies.push(None, reply);
    }

    /// The requests answered so far, in order (the `returnURL` is in
    /// `query`); never the token.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.log.snapshot()
    }
}

#[derive(Debug)]
struct Shared {
    encrypted_token: String,
    sessions: Mutex<HashMap<String, SessionState>>,
    replies: Replies<()>,
    log: Log,
}

async fn handle(State(shared): State<Arc<Shared>>, method: Method, uri: Uri, headers: HeaderMap) -> Response {
    let response = respond(&shared, &method, &uri, &headers).into_response();
    shared.log.record(&method, &uri, response.status());
    response
}

fn respond(shared: &Shared, method: &Method, uri: &Uri, headers: &HeaderMap) -> Reply {
    let segments = segments_after(uri.path(), "").unwrap_or_default();
    let id = match segments.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["rest", "v1", "sessions", id, "cancel"] if !id.is_empty() => id.to_string(),
        _ => return Reply::text(404, "text/plain", "Not Found"),
    };
    if *method != Method::PUT {
        return Reply::new(405);
    }
    let token = headers.get(AUTHORIZATION).and_then(|value| value.to_str().ok());
    if token != Some(shared.encrypted_token.as_str()) {
        return Reply::json(401, &return_value(false));
    }
    if let Some(reply) = shared.replies.take(&()) {
        return reply;
    }
    if query_param(uri, "returnURL").is_none() {
        return return_value_reply(false);
    }
    let mut sessions = lock(&shared.sessions);
    match sessions.get_mut(&id) {
        Some(state @ SessionState::Active) => {
            *state = SessionState::Canceled;
            return_value_reply(true)
        }
        _ => return_value_reply(false),
    }
}
