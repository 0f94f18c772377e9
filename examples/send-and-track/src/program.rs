//! The `send-and-track` program: its command line, checked before anything
//! is sent or written, and the run.

use super::{download, send, wait_until_signed, Signer, Tracked};
use esign_client::dropbox_sign::{Client, Credentials};
use esign_client::runtime::{ConfirmOutcome, FilePart, Secret, WaitOptions};
use std::process::ExitCode;
use std::time::Duration;

/// What `--help` prints.
pub const USAGE: &str = "\
Sends a PDF for signature through Dropbox Sign, waits until it is signed
(by callback and by polling every 30 seconds), and downloads the result.

Usage: send-and-track [OPTIONS] DOCUMENT.pdf 'Name <email>'...

Each signer gets a signature, the date and their job title on page 1.

Options:
  --callback ADDRESS     also serve POST /callback on ADDRESS (0.0.0.0:3000)
                         and learn of the signatures from the events
  --out FILE             where the signed PDF goes (default signed.pdf)
  --wait-minutes N       how long to wait for the signatures (default 60)
  --cancel-on-timeout    cancel the request when the wait runs out
  --live                 send for real (the default is test mode)
  --json                 print the outcome as one JSON object
  -h, --help             print this help

Environment:
  DROPBOX_SIGN_API_KEY   the Dropbox Sign API key (required)
  DROPBOX_SIGN_BASE_URL  send to another server (a test server, a proxy)

Exit status: 0 when the document was signed and downloaded; 1 on an error,
or when it was declined or not signed in time; 2 on a usage error (a bad
argument, DROPBOX_SIGN_API_KEY not set).
";

/// A checked command line.
struct Args {
    document: String,
    signers: Vec<Signer>,
    callback: Option<String>,
    out: String,
    wait: Duration,
    cancel_on_timeout: bool,
    live: bool,
    json: bool,
}

enum Stop {
    Help,
    Usage(String),
}

fn parse(args: Vec<String>) -> Result<Args, Stop> {
    let (mut callback, mut out, mut minutes) = (None, None, None);
    let (mut cancel_on_timeout, mut live, mut json) = (false, false, false);
    let mut positional = Vec::new();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let mut value = |slot: &mut Option<String>| match args.next() {
            Some(value) if !value.is_empty() => {
                *slot = Some(value);
                Ok(())
            }
            _ => Err(Stop::Usage(format!("{arg} needs a value"))),
        };
        match arg.as_str() {
            "-h" | "--help" => return Err(Stop::Help),
            "--callback" => value(&mut callback)?,
            "--out" => value(&mut out)?,
            "--wait-minutes" => value(&mut minutes)?,
            "--cancel-on-timeout" => cancel_on_timeout = true,
            "--live" => live = true,
            "--json" => json = true,
            flag if flag.starts_with("--") => return Err(Stop::Usage(format!("unexpected argument `{flag}`"))),
            _ => positional.push(arg),
        }
    }
    let mut positional = positional.into_iter();
    let Some(document) = positional.next() else {
        return Err(Stop::Usage("give a PDF and at least one signer ('Name <email>')".to_owned()));
    };
    let signers: Vec<Signer> = positional
        .map(|s| Signer::parse(&s).ok_or_else(|| Stop::Usage(format!("not a signer: `{s}` (write 'Name <email>')"))))
        .collect::<Result<_, _>>()?;
    if signers.is_empty() {
        return Err(Stop::Usage("give at least one signer ('Name <email>')".to_owned()));
    }
    let wait = match minutes {
        None => Duration::from_secs(60 * 60),
        Some(m) => match m.parse::<u64>() {
            Ok(m @ 1..=10_080) => Duration::from_secs(60 * m),
            _ => return Err(Stop::Usage(format!("--wait-minutes {m}: give a number of minutes from 1 to 10080"))),
        },
    };
    let out = out.unwrap_or_else(|| "signed.pdf".to_owned());
    Ok(Args { document, signers, callback, out, wait, cancel_on_timeout, live, json })
}

/// Runs the command line `args` (without the program name).
pub fn main_with(args: Vec<String>) -> ExitCode {
    let args = match parse(args) {
        Ok(args) => args,
        Err(Stop::Help) => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(Stop::Usage(why)) => {
            eprintln!("send-and-track: {why}\nRun `send-and-track --help` for usage.");
            return ExitCode::from(2);
        }
    };
    let Some(key) = std::env::var("DROPBOX_SIGN_API_KEY").ok().filter(|key| !key.is_empty()) else {
        eprintln!("send-and-track: set DROPBOX_SIGN_API_KEY to your Dropbox Sign API key");
        return ExitCode::from(2);
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("send-and-track: {err}");
            return ExitCode::FAILURE;
        }
    };
    let json = args.json;
    let (outcome, code) = match runtime.block_on(run(args, key)) {
        Ok((outcome, signed)) => (outcome, if signed { ExitCode::SUCCESS } else { ExitCode::FAILURE }),
        Err(err) => (Outcome { id: None, outcome: "error", detail: err.to_string() }, ExitCode::FAILURE),
    };
    if json {
        let value = serde_json::json!({"id": outcome.id, "outcome": outcome.outcome, "detail": outcome.detail});
        println!("{value}");
    } else if outcome.outcome == "error" {
        eprintln!("send-and-track: {}", outcome.detail);
    } else {
        println!("{}", outcome.detail);
    }
    code
}

/// How a run ended: the request's id (once sent), a name, and a sentence.
struct Outcome {
    id: Option<String>,
    outcome: &'static str,
    detail: String,
}

/// The outcome, and whether the document was signed and downloaded.
async fn run(args: Args, key: String) -> Result<(Outcome, bool), Box<dyn std::error::Error>> {
    let mut builder = Client::builder().credentials(Credentials::api_key(key.clone()));
    if let Ok(base) = std::env::var("DROPBOX_SIGN_BASE_URL") {
        builder = builder.base_url(base);
    }
    let client = builder.build()?;
    let bytes = std::fs::read(&args.document).map_err(|e| format!("{}: {e}", args.document))?;

    // Callbacks, when asked for: the example receiver verifies each event
    // with the API key and hands it over on a channel.
    let mut events = None;
    if let Some(address) = &args.callback {
        let (sender, receiver) = tokio::sync::mpsc::channel(64);
        let listener =
            tokio::net::TcpListener::bind(address).await.map_err(|e| format!("--callback {address}: {e}"))?;
        let app = callback_receiver::router(Secret::new(key), Some(sender));
        tokio::spawn(async move { axum::serve(listener, app).await });
        eprintln!("listening for callbacks on http://{address}/callback");
        events = Some(receiver);
    }

    let name =
        std::path::Path::new(&args.document).file_name().and_then(|n| n.to_str()).unwrap_or("document.pdf").to_owned();
    let file = FilePart::new(bytes).file_name(&name).content_type("application/pdf");
    let test_mode = !args.live;
    let id = send(&client, &name, file, &args.signers, test_mode).await?;
    eprintln!("sent: signature request {id}{}", if test_mode { " (test mode)" } else { "" });

    let ended = |outcome: &'static str, detail: String| Outcome { id: Some(id.clone()), outcome, detail };
    Ok(match wait_until_signed(&client, &id, events.as_mut(), Duration::from_secs(30), args.wait).await? {
        Tracked::Signed => {
            let mut file = std::fs::File::create(&args.out).map_err(|e| format!("{}: {e}", args.out))?;
            let bytes = download(&client, &id, &mut file, 10).await?;
            (ended("signed", format!("signed: {bytes} bytes written to {}", args.out)), true)
        }
        Tracked::Declined => (ended("declined", "a signer declined; nothing to download".to_owned()), false),
        Tracked::TimedOut if args.cancel_on_timeout => {
            let detail =
                match client.signature_request_cancel_and_confirm(&id, events.as_mut(), WaitOptions::default()).await {
                    ConfirmOutcome::Confirmed { by } => format!("not signed in time; canceled (confirmed by {by:?})"),
                    other => format!("not signed in time; cancel: {other:?}"),
                };
            (ended("timed_out", detail), false)
        }
        Tracked::TimedOut => {
            (ended("timed_out", format!("not signed yet; run again later or cancel request {id}")), false)
        }
    })
}
