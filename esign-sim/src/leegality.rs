//! A simulated Leegality API v3.0: deleting invitations, answered with the
//! status 1/0 envelope that `specs/leegality.yaml` documents.
//!
//! What it answers, at `{base_url}` (which ends in `/api`, like the real one):
//!
//! | Request | Answer (always HTTP 200, the outcome in the body) |
//! |---|---|
//! | `DELETE /v3.0/sign/request/invitation?signUrl=...` | an unsigned invitation: `status: 1`, `invitation.deleted.success`, and the invitation is deleted. Signed, already deleted, or unknown: `status: 0`, `invitation.not.exists`. No or an empty `signUrl`: `status: 0`, `sign.url.required`. |
//!
//! `signUrl` may be the full sign URL or only its UUID, as the API accepts
//! both: the simulator keys invitations by the last path segment.
//!
//! A request without the right `X-Auth-Token` gets HTTP 401 with
//! `status: 0` and a message: the spec documents no answer for it, so this
//! one is the simulator's choice. Other paths answer 404, other methods 405.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::{HeaderMap, Method, Uri};
use axum::response::Response;
use axum::Router;
use serde_json::json;

use crate::server::{lock, query_param, Log, RecordedRequest, Replies, Reply, Serving};

/// The token a simulator accepts unless [`LeegalitySimBuilder::auth_token`] sets another.
pub const DEFAULT_AUTH_TOKEN: &str = "sim-leegality-auth-token";

const PATH: &str = "/api/v3.0/sign/request/invitation";

/// Where an invitation to sign is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum InvitationState {
    /// Not signed yet: it can be deleted.
    Unsigned,
    /// Signed (or its document completed): it cannot be deleted.
    Signed,
    /// Deleted: the invitee has no access any more.
    Deleted,
}

/// A reply with the documented envelope: `{"status", "messages": [{"code",
/// "message"}], "data": {}}`, with HTTP 200 as the API sends it whatever the
/// outcome.
pub fn envelope_reply(status: i64, code: &str, message: &str) -> Reply {
    Reply::json(200, &envelope(status, Some(code), message))
}

fn envelope(status: i64, code: Option<&str>, message: &str) -> serde_json::Value {
    let mut item = json!({"message": message});
    if let Some(code) = code {
        item["code"] = json!(code);
    }
    json!({"status": status, "messages": [item], "data": {}})
}

/// The invitation a `signUrl` names: the last path segment of a full sign
/// URL, or the UUID as given.
fn invitation_key(sign_url: &str) -> &str {
    let without_query = sign_url.split(['?', '#']).next().unwrap_or_default();
    without_query.trim_end_matches('/').rsplit('/').next().unwrap_or_default()
}

/// Configures a [`LeegalitySim`] before it starts.
#[derive(Clone, Debug)]
pub struct LeegalitySimBuilder {
    auth_token: String,
    port: u16,
}

impl Default for LeegalitySimBuilder {
    fn default() -> Self {
        LeegalitySimBuilder { auth_token: DEFAULT_AUTH_TOKEN.to_owned(), port: 0 }
    }
}

impl LeegalitySimBuilder {
    /// The `X-Auth-Token` the simulator accepts. Default: [`DEFAULT_AUTH_TOKEN`].
    pub fn auth_token(mut self, token: impl Into<String>) -> Self {
        self.auth_token = token.into();
        self
    }

    crate::server::port_and_start!(LeegalitySim, "Leegality");

    /// Builds the simulator's state and serves it (see `try_start`).
    async fn launch(self) -> std::io::Result<LeegalitySim> {
        let port = self.port;
        let shared = Arc::new(Shared {
            auth_token: self.auth_token,
            invitations: Mutex::default(),
            replies: Replies::default(),
            log: Log::default(),
        });
        let router = Router::new().fallback(handle).with_state(shared.clone());
        let serving = Serving::start(router, port).await?;
        let base_url = format!("{}/api", serving.origin());
        Ok(LeegalitySim { shared, base_url, _serving: serving })
    }
}

/// A simulated Leegality API on 127.0.0.1, served by a background task
/// until it is dropped. See the [module documentation](self) for what it
/// answers.
///
/// ```
/// use esign_client::leegality::{Client, Credentials, MessageCode};
/// use esign_sim::leegality::InvitationState;
/// use esign_sim::LeegalitySim;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let sim = LeegalitySim::start().await;
/// sim.add_invitation("db9f8b15-84be-47e4-a885-66cdce4bc80c", InvitationState::Unsigned);
/// let client = Client::builder()
///     .base_url(sim.base_url())
///     .credentials(Credentials::auth_token(sim.auth_token()))
///     .build()
///     .unwrap();
/// let response = client.delete_invitation("db9f8b15-84be-47e4-a885-66cdce4bc80c").await.unwrap();
/// assert_eq!(response.body.status, Some(1));
/// // Deleting it again: status 0, which the client turns into an error.
/// let err = client.delete_invitation("db9f8b15-84be-47e4-a885-66cdce4bc80c").await.unwrap_err();
/// let code = err.api_error().unwrap().messages.as_ref().unwrap()[0].code.clone();
/// assert_eq!(code, Some(MessageCode::InvitationNotExists));
/// # }
/// ```
#[derive(Debug)]
pub struct LeegalitySim {
    shared: Arc<Shared>,
    base_url: String,
    _serving: Serving,
}

impl LeegalitySim {
    /// Starts a simulator with the defaults (see [`LeegalitySimBuilder`]).
    ///
    /// # Panics
    ///
    /// If no port can be bound, or outside a tokio runtime.
    pub async fn start() -> LeegalitySim {
        LeegalitySimBuilder::default().start().await
    }

    /// Configures a simulator before starting it.
    pub fn builder() -> LeegalitySimBuilder {
        LeegalitySimBuilder::default()
    }

    /// The base URL to give the client: `http://127.0.0.1:<port>/api`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The `X-Auth-Token` the simulator accepts.
    pub fn auth_token(&self) -> &str {
        &self.shared.auth_token
    }

    /// Adds an invitation in `state`, or puts an existing one in it.
    /// `sign_url` is the full sign URL or only its UUID.
    pub fn add_invitation(&self, sign_url: &str, state: InvitationState) {
        lock(&self.shared.invitations).insert(invitation_key(sign_url).to_owned(), state);
    }

    /// The state of an invitation (by full sign URL or UUID), if it was added.
    pub fn state(&self, sign_url: &str) -> Option<InvitationState> {
        lock(&self.shared.invitations).get(invitation_key(sign_url)).copied()
    }

    /// The next delete (after the token check) fails with `status: 0` and
    /// this message code and text, instead of its simulated answer.
    pub fn fail_next(&self, code: &str, message: &str) {
        self.respond_next(envelope_reply(0, code, message));
    }

    /// The next delete (after the token check) gets `reply` instead of its
    /// simulated answer.
    pub fn respond_next(&self, reply: Reply) {
        self.shared.replies.push(None, reply);
    }

    /// The requests answered so far, in order; never the token.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.log.snapshot()
    }
}

#[derive(Debug)]
struct Shared {
    auth_token: String,
    invitations: Mutex<HashMap<String, InvitationState>>,
    replies: Replies<()>,
    log: Log,
}

async fn handle(State(shared): State<Arc<Shared>>, method: Method, uri: Uri, headers: HeaderMap) -> Response {
    let response = respond(&shared, &method, &uri, &headers).into_response();
    shared.log.record(&method, &uri, response.status());
    response
}

fn respond(shared: &Shared, method: &Method, uri: &Uri, headers: &HeaderMap) -> Reply {
    if uri.path() != PATH {
        return Reply::text(404, "text/plain", "Not Found");
    }
    if *method != Method::DELETE {
        return Reply::new(405);
    }
    let token = headers.get("x-auth-token").and_then(|value| value.to_str().ok());
    if token != Some(shared.auth_token.as_str()) {
        return Reply::json(401, &envelope(0, None, "Invalid or missing X-Auth-Token."));
    }
    if let Some(reply) = shared.replies.take(&()) {
        return reply;
    }
    let sign_url = query_param(uri, "signUrl").unwrap_or_default();
    if sign_url.trim().is_empty() {
        return envelope_reply(0, "sign.url.required", "Sign URL is required.");
    }
    let mut invitations = lock(&shared.invitations);
    match invitations.get_mut(invitation_key(&sign_url)) {
        Some(state @ InvitationState::Unsigned) => {
            *state = InvitationState::Deleted;
            envelope_reply(1, "invitation.deleted.success", "Invitation deleted successfully.")
        }
        _ => envelope_reply(0, "invitation.not.exists", "Invitation does not exist."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sign_url_and_its_uuid_name_the_same_invitation() {
        let uuid = "db9f8b15-84be-47e4-a885-66cdce4bc80c";
        assert_eq!(invitation_key(uuid), uuid);
        assert_eq!(invitation_key(&format!("https://sandbox.leegality.com/sign/{uuid}")), uuid);
        assert_eq!(invitation_key(&format!("https://sandbox.leegality.com/sign/{uuid}/?x=1#f")), uuid);
    }
}
