//! Send a PDF for signature, wait until it is signed, download the result.
//!
//! ```text
//! DROPBOX_SIGN_API_KEY=... cargo run -p send-and-track -- contract.pdf \
//!     'Jack Doe <jack@example.com>' ['Jill Roe <jill@example.com>' ...] \
//!     [--callback 0.0.0.0:3000] [--out signed.pdf] [--wait-minutes 60] \
//!     [--cancel-on-timeout] [--live]
//! ```
//!
//! Each signer gets a signature, the date and their job title on page 1.
//! Requests are sent in test mode unless `--live` is given. With
//! `--callback`, the program also serves `POST /callback` (point your
//! account or app callback URL at it) and learns of the signatures from the
//! events; it polls the API every 30 seconds either way. When the wait
//! runs out, `--cancel-on-timeout` cancels the request and waits for the
//! cancellation to be confirmed.

use esign_client::dropbox_sign::{Client, Credentials};
use esign_client::runtime::{ConfirmOutcome, FilePart, Secret, WaitOptions};
use send_and_track::{download, send, wait_until_signed, Signer, Tracked};
use std::process::ExitCode;
use std::time::Duration;

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let key = std::env::var("DROPBOX_SIGN_API_KEY").map_err(|_| "set DROPBOX_SIGN_API_KEY")?;
    let mut builder = Client::builder().credentials(Credentials::api_key(key.clone()));
    if let Ok(base) = std::env::var("DROPBOX_SIGN_BASE_URL") {
        builder = builder.base_url(base);
    }
    let client = builder.build()?;

    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |flag: &str| args.iter().position(|a| a == flag).and_then(|i| args.get(i + 1)).cloned();
    let flag_values = ["--callback", "--out", "--wait-minutes"];
    // Arguments that are neither flags nor the value of a flag.
    let is_flag_value = |i: usize| i > 0 && flag_values.contains(&args[i - 1].as_str());
    let positional: Vec<&String> =
        args.iter().enumerate().filter(|(i, a)| !a.starts_with("--") && !is_flag_value(*i)).map(|(_, a)| a).collect();
    let [document, signers @ ..] = positional.as_slice() else {
        return Err("give a PDF and at least one signer ('Name <email>')".into());
    };
    let signers: Vec<Signer> = signers
        .iter()
        .map(|s| Signer::parse(s).ok_or_else(|| format!("not a signer: {s} (write 'Name <email>')")))
        .collect::<Result<_, _>>()?;
    if signers.is_empty() {
        return Err("give at least one signer ('Name <email>')".into());
    }
    let out = value("--out").unwrap_or_else(|| "signed.pdf".to_owned());
    let wait = Duration::from_secs(60 * value("--wait-minutes").map_or(Ok(60), |m| m.parse::<u64>())?);
    let test_mode = !args.iter().any(|a| a == "--live");

    // Callbacks, when asked for: the example receiver verifies each event
    // with the API key and hands it over on a channel.
    let mut events = None;
    if let Some(address) = value("--callback") {
        let (sender, receiver) = tokio::sync::mpsc::channel(64);
        let listener = tokio::net::TcpListener::bind(&address).await?;
        let app = callback_receiver::router(Secret::new(key), Some(sender));
        tokio::spawn(async move { axum::serve(listener, app).await });
        eprintln!("listening for callbacks on http://{address}/callback");
        events = Some(receiver);
    }

    let bytes = std::fs::read(document).map_err(|e| format!("{document}: {e}"))?;
    let name = std::path::Path::new(document.as_str()).file_name().and_then(|n| n.to_str()).unwrap_or("document.pdf");
    let file = FilePart::new(bytes).file_name(name).content_type("application/pdf");
    let id = send(&client, name, file, &signers, test_mode).await?;
    eprintln!("sent: signature request {id}{}", if test_mode { " (test mode)" } else { "" });

    match wait_until_signed(&client, &id, events.as_mut(), Duration::from_secs(30), wait).await? {
        Tracked::Signed => {
            let mut file = std::fs::File::create(&out).map_err(|e| format!("{out}: {e}"))?;
            let bytes = download(&client, &id, &mut file, 10).await?;
            eprintln!("signed: {bytes} bytes written to {out}");
        }
        Tracked::Declined => eprintln!("a signer declined; nothing to download"),
        Tracked::TimedOut if args.iter().any(|a| a == "--cancel-on-timeout") => {
            match client.signature_request_cancel_and_confirm(&id, events.as_mut(), WaitOptions::default()).await {
                ConfirmOutcome::Confirmed { by } => eprintln!("not signed in time; canceled (confirmed by {by:?})"),
                other => eprintln!("not signed in time; cancel: {other:?}"),
            }
        }
        Tracked::TimedOut => eprintln!("not signed yet; run again later or cancel request {id}"),
    }
    Ok(())
}
