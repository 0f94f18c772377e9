//! `cargo run -p cancel-anywhere -- <target>=<id> ...`
//!
//! Targets: `signature-request`, `session`, `invitation`. Credentials and
//! hosts come from the environment: `DROPBOX_SIGN_API_KEY` (and optionally
//! `DROPBOX_SIGN_BASE_URL`), `LEEGALITY_AUTH_TOKEN` (and optionally
//! `LEEGALITY_BASE_URL`), `CONSTELLATION1_BASE_URL` with
//! `CONSTELLATION1_TOKEN`, and `RETURN_URL` for Constellation1 sessions.

use cancel_anywhere::{cancel_all, clients, Providers};
use esign_client::runtime::{CancelRequest, CancelTarget};
use std::process::ExitCode;

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let providers = Providers {
        dropbox_sign: env("DROPBOX_SIGN_API_KEY").map(|key| (env("DROPBOX_SIGN_BASE_URL"), key)),
        leegality: env("LEEGALITY_AUTH_TOKEN").map(|token| (env("LEEGALITY_BASE_URL"), token)),
        constellation1: env("CONSTELLATION1_BASE_URL").zip(env("CONSTELLATION1_TOKEN")),
    };
    let mut requests = Vec::new();
    for arg in std::env::args().skip(1) {
        let Some((kind, id)) = arg.split_once('=') else {
            eprintln!("expected <target>=<id>, got `{arg}`");
            return ExitCode::FAILURE;
        };
        let target = match kind {
            "signature-request" => CancelTarget::SignatureRequest,
            "session" => CancelTarget::Session,
            "invitation" => CancelTarget::Invitation,
            other => {
                eprintln!("unknown target `{other}`: signature-request, session or invitation");
                return ExitCode::FAILURE;
            }
        };
        let mut request = CancelRequest::new(id);
        if let Some(url) = env("RETURN_URL") {
            request = request.return_url(url);
        }
        requests.push((target, request));
    }
    let clients = match clients(&providers) {
        Ok(clients) => clients,
        Err(err) => {
            eprintln!("{err}");
            return ExitCode::FAILURE;
        }
    };
    for (target, id, outcome) in cancel_all(&clients, &requests).await {
        println!("{target:?} {id}: {outcome:?}");
    }
    ExitCode::SUCCESS
}
