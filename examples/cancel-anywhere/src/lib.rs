//! One call for every provider: build the three clients, then cancel
//! through `esign_client::runtime::Cancel` without caring which is which.
//! [`main_with`] is the `cancel-anywhere` program; `--help` prints [`USAGE`].

use esign_client::runtime::{Cancel, CancelOutcome, CancelRequest};
use esign_client::{constellation1, dropbox_sign, leegality};

/// Where and as whom to reach each provider.
#[derive(Clone, Debug, Default)]
pub struct Providers {
    /// Dropbox Sign: base URL (default: production) and API key.
    pub dropbox_sign: Option<(Option<String>, String)>,
    /// Leegality: base URL (default: production) and X-Auth-Token.
    pub leegality: Option<(Option<String>, String)>,
    /// Constellation1: base URL (required) and encrypted token.
    pub constellation1: Option<(String, String)>,
}

/// The clients for the providers that are configured, as trait objects.
pub fn clients(providers: &Providers) -> Result<Vec<Box<dyn Cancel + Send + Sync>>, String> {
    let mut out: Vec<Box<dyn Cancel + Send + Sync>> = Vec::new();
    if let Some((base, key)) = &providers.dropbox_sign {
        let mut builder = dropbox_sign::Client::builder().credentials(dropbox_sign::Credentials::api_key(key));
        if let Some(base) = base {
            builder = builder.base_url(base);
        }
        out.push(Box::new(builder.build().map_err(|e| e.to_string())?));
    }
    if let Some((base, token)) = &providers.leegality {
        let mut builder = leegality::Client::builder().credentials(leegality::Credentials::auth_token(token));
        if let Some(base) = base {
            builder = builder.base_url(base);
        }
        out.push(Box::new(builder.build().map_err(|e| e.to_string())?));
    }
    if let Some((base, token)) = &providers.constellation1 {
        let client = constellation1::Client::builder()
            .base_url(base)
            .credentials(constellation1::Credentials::encrypted_token(token))
            .build()
            .map_err(|e| e.to_string())?;
        out.push(Box::new(client));
    }
    Ok(out)
}

/// The cancel targets of the three providers, by the names their specs
/// give them (`x-esign-cancel`'s `target`), as `Cancel::cancel_target`
/// hands them out.
pub const SIGNATURE_REQUEST: &str = "signature request";
/// Leegality's cancel target.
pub const INVITATION: &str = "invitation";
/// Constellation1's cancel target.
pub const SESSION: &str = "session";

/// Cancels each request with the client whose cancel target has that name.
pub async fn cancel_all(
    clients: &[Box<dyn Cancel + Send + Sync>],
    requests: &[(&str, CancelRequest)],
) -> Vec<(String, String, CancelOutcome)> {
    let mut out = Vec::with_capacity(requests.len());
    for (target, request) in requests {
        let outcome = match clients.iter().find(|c| c.cancel_target().name == *target) {
            Some(client) => client.cancel(request).await,
            None => CancelOutcome::Failed { reason: format!("no client configured for {target:?}"), status: None },
        };
        out.push(((*target).to_owned(), request.id.clone(), outcome));
    }
    out
}

/// What `--help` prints.
pub const USAGE: &str = "\
Cancels signing requests, sessions and invitations on Dropbox Sign,
Leegality and Constellation1 through one call.

Usage: cancel-anywhere [--json] TARGET=ID...

Targets:
  signature-request=ID   a Dropbox Sign signature request
  invitation=ID          a Leegality invitation (its signing URL)
  session=ID             a Constellation1 signing session

Options:
  --json       print one JSON object per line instead of text
  -h, --help   print this help

Environment (only what the targets given need):
  DROPBOX_SIGN_API_KEY      for signature-request (DROPBOX_SIGN_BASE_URL: another server)
  LEEGALITY_AUTH_TOKEN      for invitation (LEEGALITY_BASE_URL: another server)
  CONSTELLATION1_BASE_URL   for session, with CONSTELLATION1_TOKEN
  RETURN_URL                for session: where Constellation1 sends the signer after

Exit status: 0 when every target was canceled (or queued for canceling);
1 when one was not (not eligible, not found, failed); 2 on a usage error
(a bad argument, a variable a target needs not set).
";

/// Exit status of a usage error.
const USAGE_ERROR: u8 = 2;

/// How a parse ended without a run.
enum Stop {
    Help,
    Usage(String),
}

/// A checked command line: the providers its targets need, the requests,
/// and whether to print JSON.
struct Parsed {
    providers: Providers,
    requests: Vec<(&'static str, CancelRequest)>,
    json: bool,
}

/// Reads `TARGET=ID` arguments and `--json`, and checks the environment
/// (`env`) has what each target needs, before anything is sent.
fn parse(args: Vec<String>, env: &dyn Fn(&str) -> Option<String>) -> Result<Parsed, Stop> {
    let mut json = false;
    let mut requests = Vec::new();
    for arg in args {
        match arg.as_str() {
            "-h" | "--help" => return Err(Stop::Help),
            "--json" => {
                json = true;
                continue;
            }
            _ => {}
        }
        let Some((kind, id)) = arg.split_once('=') else {
            return Err(Stop::Usage(format!("expected TARGET=ID, got `{arg}`")));
        };
        let target = match kind {
            "signature-request" => SIGNATURE_REQUEST,
            "session" => SESSION,
            "invitation" => INVITATION,
            other => {
                return Err(Stop::Usage(format!(
                    "unknown target `{other}` in `{arg}`: signature-request, session or invitation"
                )))
            }
        };
        if id.is_empty() {
            return Err(Stop::Usage(format!("`{arg}`: the id is empty")));
        }
        let mut request = CancelRequest::new(id);
        if target == SESSION {
            let Some(url) = env("RETURN_URL") else {
                return Err(Stop::Usage(format!(
                    "`{arg}`: set RETURN_URL to the URL Constellation1 sends the signer to after the session is canceled"
                )));
            };
            request = request.return_url(url);
        }
        requests.push((target, request));
    }
    if requests.is_empty() {
        return Err(Stop::Usage("give at least one TARGET=ID".to_owned()));
    }
    let wants = |target: &str| requests.iter().any(|(t, _)| *t == target);
    let mut providers = Providers::default();
    if wants(SIGNATURE_REQUEST) {
        let key = env("DROPBOX_SIGN_API_KEY").ok_or_else(|| {
            Stop::Usage("signature-request: set DROPBOX_SIGN_API_KEY to your Dropbox Sign API key".into())
        })?;
        providers.dropbox_sign = Some((env("DROPBOX_SIGN_BASE_URL"), key));
    }
    if wants(INVITATION) {
        let token = env("LEEGALITY_AUTH_TOKEN")
            .ok_or_else(|| Stop::Usage("invitation: set LEEGALITY_AUTH_TOKEN to your Leegality X-Auth-Token".into()))?;
        providers.leegality = Some((env("LEEGALITY_BASE_URL"), token));
    }
    if wants(SESSION) {
        let missing: Vec<&str> = ["CONSTELLATION1_BASE_URL", "CONSTELLATION1_TOKEN"]
            .into_iter()
            .filter(|name| env(name).is_none())
            .collect();
        if !missing.is_empty() {
            return Err(Stop::Usage(format!(
                "session: set {} (Constellation1 documents no host: the base URL is yours to give)",
                missing.join(" and ")
            )));
        }
        providers.constellation1 = env("CONSTELLATION1_BASE_URL").zip(env("CONSTELLATION1_TOKEN"));
    }
    Ok(Parsed { providers, requests, json })
}

/// One outcome as a line of text, and as a JSON object; the target by the
/// name it has on the command line (`signature-request`).
fn describe(target: &str, id: &str, outcome: &CancelOutcome) -> (String, serde_json::Value) {
    let target = target.replace(' ', "-");
    let (name, reason, status) = match outcome {
        CancelOutcome::Canceled => ("canceled", None, None),
        CancelOutcome::Queued => ("queued", None, None),
        CancelOutcome::NotEligible { reason } => ("not_eligible", Some(reason.as_str()), None),
        CancelOutcome::NotFound { reason } => ("not_found", Some(reason.as_str()), None),
        CancelOutcome::Failed { reason, status } => ("failed", Some(reason.as_str()), status.map(|s| s.as_u16())),
        // An outcome added to the runtime later: not a cancel.
        _ => ("failed", None, None),
    };
    let mut text = format!("{target} {id}: {}", name.replace('_', " "));
    if matches!(outcome, CancelOutcome::Queued) {
        text.push_str(" (the provider confirms the cancel later)");
    }
    if let Some(status) = status {
        text.push_str(&format!(" (HTTP {status})"));
    }
    if let Some(reason) = reason {
        text.push_str(&format!(": {reason}"));
    }
    let json = serde_json::json!({"target": target, "id": id, "outcome": name, "reason": reason, "status": status});
    (text, json)
}

/// Runs the command line `args` (without the program name), with
/// credentials and hosts from the environment.
pub fn main_with(args: Vec<String>) -> std::process::ExitCode {
    use std::process::ExitCode;
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let Parsed { providers, requests, json } = match parse(args, &env) {
        Ok(parsed) => parsed,
        Err(Stop::Help) => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(Stop::Usage(why)) => {
            eprintln!("cancel-anywhere: {why}\nRun `cancel-anywhere --help` for usage.");
            return ExitCode::from(USAGE_ERROR);
        }
    };
    let clients = match clients(&providers) {
        Ok(clients) => clients,
        Err(err) => {
            eprintln!("cancel-anywhere: {err}");
            return ExitCode::from(USAGE_ERROR);
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("cancel-anywhere: {err}");
            return ExitCode::FAILURE;
        }
    };
    let mut all_canceled = true;
    for (target, id, outcome) in runtime.block_on(cancel_all(&clients, &requests)) {
        all_canceled &= matches!(outcome, CancelOutcome::Canceled | CancelOutcome::Queued);
        let (text, value) = describe(&target, &id, &outcome);
        if json {
            println!("{value}");
        } else {
            println!("{text}");
        }
    }
    if all_canceled {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
