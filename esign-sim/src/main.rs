//! `esign-sim`: one simulated provider served on 127.0.0.1 until the
//! process is stopped, for trying the examples (or any program) offline.
//! `esign-sim --help` prints the usage.

use esign_sim::constellation1::SessionState;
use esign_sim::dropbox_sign::RequestState;
use esign_sim::leegality::InvitationState;
use esign_sim::{Constellation1Sim, DropboxSignSim, LeegalitySim, RecordedRequest};
use std::process::ExitCode;
use std::time::Duration;

const USAGE: &str = "\
Serves a simulated e-signature provider on 127.0.0.1 until stopped (Ctrl-C),
prints its base URL and credentials, and logs each request it answers and
each event it posts on stderr.

Usage: esign-sim PROVIDER [OPTIONS]

Providers:
  dropbox-sign     the Dropbox Sign API (base URL ending in /v3)
  leegality        the Leegality API (base URL ending in /api)
  constellation1   the Constellation1 eSign API

Options:
  --port N                 listen on 127.0.0.1:N (default 0: a free port)
  -h, --help               print this help

dropbox-sign:
  --api-key KEY            the API key to accept and sign events with
                           (default sim-dropbox-sign-api-key)
  --callback-url URL       where to POST the events (for the examples:
                           http://127.0.0.1:3000/callback)
  --auto-sign-after SECS   every signer of a request sent signs SECS seconds
                           after it was sent (0: by the next read of it);
                           without it nobody ever signs
  --prepare-files SECS     the signed documents take SECS seconds to prepare
                           (downloads answer 409 until then)
  --template ID=ROLE,...   add a template with these signer roles
  --requests N             add N requests awaiting signature (sr-00001, ...)

leegality:
  --token TOKEN            the X-Auth-Token to accept
  --invitation SIGN_URL    add an unsigned invitation (repeatable)

constellation1:
  --token TOKEN            the encrypted token to accept
  --session ID             add an active session (repeatable)

Exit status: 0 after --help; 1 when the port cannot be bound; 2 on a usage
error. Otherwise it runs until it is stopped.
";

/// A checked command line.
#[derive(Debug, Default)]
struct Args {
    provider: String,
    port: u16,
    api_key: Option<String>,
    callback_url: Option<String>,
    auto_sign_after: Option<Duration>,
    prepare_files: Option<Duration>,
    templates: Vec<(String, Vec<String>)>,
    requests: usize,
    token: Option<String>,
    invitations: Vec<String>,
    sessions: Vec<String>,
}

enum Stop {
    Help,
    Usage(String),
}

fn parse(args: Vec<String>) -> Result<Args, Stop> {
    let mut parsed = Args::default();
    let mut args = args.into_iter();
    let mut provider = None;
    while let Some(arg) = args.next() {
        if arg == "-h" || arg == "--help" {
            return Err(Stop::Help);
        }
        if !arg.starts_with('-') {
            if provider.is_some() {
                return Err(Stop::Usage(format!("unexpected argument `{arg}`")));
            }
            provider = Some(arg);
            continue;
        }
        let Some(value) = args.next().filter(|value| !value.is_empty()) else {
            return Err(Stop::Usage(format!("{arg} needs a value")));
        };
        let bad = |why: &str| Stop::Usage(format!("{arg} {value}: {why}"));
        match arg.as_str() {
            "--port" => parsed.port = value.parse().map_err(|_| bad("give a port number (0 to 65535)"))?,
            "--api-key" => parsed.api_key = Some(value),
            "--callback-url" => {
                if !(value.starts_with("http://") || value.starts_with("https://")) {
                    return Err(bad("give an http:// or https:// URL"));
                }
                parsed.callback_url = Some(value);
            }
            "--auto-sign-after" => parsed.auto_sign_after = Some(seconds(&value).ok_or_else(|| bad(SECONDS))?),
            "--prepare-files" => parsed.prepare_files = Some(seconds(&value).ok_or_else(|| bad(SECONDS))?),
            "--template" => {
                let (id, roles) = value.split_once('=').ok_or_else(|| bad("write ID=ROLE,ROLE"))?;
                let roles: Vec<String> =
                    roles.split(',').map(|r| r.trim().to_owned()).filter(|r| !r.is_empty()).collect();
                if id.is_empty() || roles.is_empty() {
                    return Err(bad("write ID=ROLE,ROLE"));
                }
                parsed.templates.push((id.to_owned(), roles));
            }
            "--requests" => {
                parsed.requests =
                    value.parse().ok().filter(|n| *n <= 10_000).ok_or_else(|| bad("give a count up to 10000"))?
            }
            "--token" => parsed.token = Some(value),
            "--invitation" => parsed.invitations.push(value),
            "--session" => parsed.sessions.push(value),
            _ => return Err(Stop::Usage(format!("unexpected argument `{arg}`"))),
        }
    }
    let Some(provider) = provider else {
        return Err(Stop::Usage("name a provider: dropbox-sign, leegality or constellation1".to_owned()));
    };
    let dropbox_only = parsed.api_key.is_some()
        || parsed.callback_url.is_some()
        || parsed.auto_sign_after.is_some()
        || parsed.prepare_files.is_some()
        || !parsed.templates.is_empty()
        || parsed.requests > 0;
    let misplaced = match provider.as_str() {
        "dropbox-sign" => (parsed.token.is_some() || !parsed.invitations.is_empty() || !parsed.sessions.is_empty())
            .then_some("--token, --invitation and --session are for leegality and constellation1"),
        "leegality" => (dropbox_only || !parsed.sessions.is_empty())
            .then_some("leegality takes --port, --token and --invitation only"),
        "constellation1" => (dropbox_only || !parsed.invitations.is_empty())
            .then_some("constellation1 takes --port, --token and --session only"),
        other => {
            return Err(Stop::Usage(format!(
                "unknown provider `{other}`: give dropbox-sign, leegality or constellation1"
            )))
        }
    };
    if let Some(why) = misplaced {
        return Err(Stop::Usage(why.to_owned()));
    }
    parsed.provider = provider;
    Ok(parsed)
}

const SECONDS: &str = "give a number of seconds from 0 to 86400";

/// A number of seconds from 0 to a day, fractions allowed.
fn seconds(text: &str) -> Option<Duration> {
    let seconds: f64 = text.parse().ok()?;
    (0.0..=86_400.0).contains(&seconds).then(|| Duration::from_secs_f64(seconds))
}

fn main() -> ExitCode {
    let args = match parse(std::env::args().skip(1).collect()) {
        Ok(args) => args,
        Err(Stop::Help) => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(Stop::Usage(why)) => {
            eprintln!("esign-sim: {why}\nRun `esign-sim --help` for usage.");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("esign-sim: {err}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(serve(args)) {
        Ok(never) => match never {},
        Err(err) => {
            eprintln!("esign-sim: cannot listen: {err}");
            ExitCode::FAILURE
        }
    }
}

/// Starts the simulator and logs what it does, forever. (Ctrl-C ends the
/// process the ordinary way: the simulator keeps nothing to save.)
async fn serve(args: Args) -> std::io::Result<std::convert::Infallible> {
    match args.provider.as_str() {
        "dropbox-sign" => {
            let mut builder = DropboxSignSim::builder().port(args.port);
            if let Some(key) = args.api_key {
                builder = builder.api_key(key);
            }
            if let Some(url) = args.callback_url {
                builder = builder.callback_url(url);
            }
            if let Some(delay) = args.auto_sign_after {
                builder = builder.auto_sign_after(delay);
            }
            if let Some(delay) = args.prepare_files {
                builder = builder.prepare_files_for(delay);
            }
            let sim = builder.try_start().await?;
            for (id, roles) in &args.templates {
                let roles: Vec<&str> = roles.iter().map(String::as_str).collect();
                sim.add_template(id.clone(), id, &roles);
            }
            let seeded = sim.add_signature_requests(args.requests, RequestState::AwaitingSignature);
            println!("esign-sim: Dropbox Sign at {}", sim.base_url());
            println!("API key: {}", sim.api_key());
            if let Some(last) = seeded.last() {
                println!("Requests awaiting signature: sr-00001 to {last}");
            }
            println!(
                "\nPoint the examples at it:\n  export DROPBOX_SIGN_BASE_URL={}\n  export DROPBOX_SIGN_API_KEY={}",
                sim.base_url(),
                sim.api_key()
            );
            match args.auto_sign_after {
                Some(delay) => println!("Signers sign {} s after a request is sent.", delay.as_secs_f64()),
                None => println!("Nobody signs: start it with --auto-sign-after SECS to have signers sign."),
            }
            println!("Ctrl-C stops it.");
            let mut shown = (0, 0);
            loop {
                tokio::time::sleep(Duration::from_millis(200)).await;
                shown.0 = log_requests(&sim.requests(), shown.0);
                let events = sim.events();
                for event in &events[shown.1..] {
                    eprintln!("event {} about {}: {:?}", event.event_type, event.signature_request_id, event.delivery);
                }
                shown.1 = events.len();
            }
        }
        "leegality" => {
            let mut builder = LeegalitySim::builder().port(args.port);
            if let Some(token) = args.token {
                builder = builder.auth_token(token);
            }
            let sim = builder.try_start().await?;
            for invitation in &args.invitations {
                sim.add_invitation(invitation, InvitationState::Unsigned);
            }
            println!("esign-sim: Leegality at {}", sim.base_url());
            println!("X-Auth-Token: {}", sim.auth_token());
            println!(
                "\nPoint the examples at it:\n  export LEEGALITY_BASE_URL={}\n  export LEEGALITY_AUTH_TOKEN={}",
                sim.base_url(),
                sim.auth_token()
            );
            println!("Ctrl-C stops it.");
            let mut shown = 0;
            loop {
                tokio::time::sleep(Duration::from_millis(200)).await;
                shown = log_requests(&sim.requests(), shown);
            }
        }
        _ => {
            let mut builder = Constellation1Sim::builder().port(args.port);
            if let Some(token) = args.token {
                builder = builder.encrypted_token(token);
            }
            let sim = builder.try_start().await?;
            for session in &args.sessions {
                sim.add_session(session.clone(), SessionState::Active);
            }
            println!("esign-sim: Constellation1 at {}", sim.base_url());
            println!("Encrypted token: {}", sim.encrypted_token());
            println!(
                "\nPoint the examples at it:\n  export CONSTELLATION1_BASE_URL={}\n  export CONSTELLATION1_TOKEN={}",
                sim.base_url(),
                sim.encrypted_token()
            );
            println!("Ctrl-C stops it.");
            let mut shown = 0;
            loop {
                tokio::time::sleep(Duration::from_millis(200)).await;
                shown = log_requests(&sim.requests(), shown);
            }
        }
    }
}

/// Prints the requests after the first `shown`; returns how many are shown now.
fn log_requests(requests: &[RecordedRequest], shown: usize) -> usize {
    for request in &requests[shown.min(requests.len())..] {
        let query = request.query.as_deref().map(|q| format!("?{q}")).unwrap_or_default();
        eprintln!("{} {}{query} -> {}", request.method, request.path, request.status);
    }
    requests.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(line: &str) -> Result<Args, Stop> {
        parse(line.split_whitespace().map(str::to_owned).collect())
    }

    fn usage(line: &str) -> String {
        match args(line) {
            Err(Stop::Usage(why)) => why,
            Err(Stop::Help) => panic!("{line}: help"),
            Ok(parsed) => panic!("{line}: accepted as {parsed:?}"),
        }
    }

    #[test]
    fn command_lines_are_checked() {
        let parsed = args("dropbox-sign --port 8080 --api-key k --auto-sign-after 1.5 --template t=A,B --requests 3")
            .ok()
            .unwrap();
        assert_eq!(
            (parsed.provider.as_str(), parsed.port, parsed.api_key.as_deref()),
            ("dropbox-sign", 8080, Some("k"))
        );
        assert_eq!(parsed.auto_sign_after, Some(Duration::from_millis(1500)));
        assert_eq!(parsed.templates, [("t".to_owned(), vec!["A".to_owned(), "B".to_owned()])]);
        assert_eq!(parsed.requests, 3);
        assert!(matches!(args("leegality --help"), Err(Stop::Help)));
        assert!(usage("").contains("name a provider"));
        assert!(usage("docusign").contains("unknown provider `docusign`"));
        assert!(usage("dropbox-sign --port").contains("--port needs a value"));
        assert!(usage("dropbox-sign --port 70000").contains("port number"));
        assert!(usage("dropbox-sign --auto-sign-after -1").contains("seconds"));
        assert!(usage("dropbox-sign --prepare-files NaN").contains("seconds"));
        assert_eq!(args("dropbox-sign --prepare-files 2").ok().unwrap().prepare_files, Some(Duration::from_secs(2)));
        assert!(usage("dropbox-sign --callback-url ftp://x").contains("http://"));
        assert!(usage("dropbox-sign --template t").contains("ID=ROLE"));
        assert!(usage("dropbox-sign --token t").contains("for leegality"));
        assert!(usage("leegality --api-key k").contains("leegality takes"));
        assert!(usage("constellation1 --invitation u").contains("constellation1 takes"));
        assert!(usage("dropbox-sign leegality").contains("unexpected argument `leegality`"));
        assert!(usage("dropbox-sign --verbose x").contains("unexpected argument `--verbose`"));
    }
}
