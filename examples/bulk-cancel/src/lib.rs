//! Cancel (or remove) many Dropbox Sign signature requests, with a journal
//! that a killed run resumes from.
//!
//! ```text
//! DROPBOX_SIGN_API_KEY=... cargo run -p bulk-cancel -- [--remove] [--concurrency N]
//!     [--report FILE | --resume FILE] (--ids FILE | --query 'title:Offer AND from:me')
//! ```
//!
//! - `--ids FILE` reads one id per line; `--query` cancels every request the
//!   search matches (through the list endpoint).
//! - `--report FILE` (default `bulk-report.jsonl`) is the run's journal,
//!   written as the run goes: a header line, then one JSON line per id as
//!   soon as its outcome is final (`{"id", "outcome", "attempts", ...}`).
//!   An existing file is never overwritten.
//! - `--resume FILE` continues the run that journal records, with the same
//!   `--ids` or `--query`: only ids without an outcome there are sent (at
//!   most the ids that were in flight when the run stopped are sent again,
//!   and a 410 for one of those counts as this run's success).
//! - `DROPBOX_SIGN_BASE_URL` sends to another server (a test server, a proxy).
//!
//! Progress goes to stderr, then the count of each outcome. The exit status
//! is 0 when every id has a final outcome, 2 when some were not attempted
//! (resume to send them), 1 on an error.

use esign_client::dropbox_sign::{Client, Credentials, SignatureRequestListOptions};
use esign_client::runtime::{BulkOptions, Journal};
use futures_util::StreamExt;
use std::process::ExitCode;
use std::sync::Arc;

/// Runs the command line `args` (without the program name).
pub fn main_with(args: Vec<String>) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(args)) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(2),
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}

/// Whether every id ended with a final outcome.
async fn run(args: Vec<String>) -> Result<bool, String> {
    let key = std::env::var("DROPBOX_SIGN_API_KEY").map_err(|_| "set DROPBOX_SIGN_API_KEY".to_owned())?;
    let mut builder = Client::builder().credentials(Credentials::api_key(key));
    if let Ok(base) = std::env::var("DROPBOX_SIGN_BASE_URL") {
        builder = builder.base_url(base);
    }
    let client = builder.build().map_err(|e| e.to_string())?;

    let value = |flag: &str| args.iter().position(|a| a == flag).and_then(|i| args.get(i + 1)).cloned();
    let remove = args.iter().any(|a| a == "--remove");
    let journal = match (value("--resume"), value("--report")) {
        (Some(_), Some(_)) => return Err("give --report FILE for a new run or --resume FILE, not both".to_owned()),
        (Some(file), None) => Journal::open(&file).map_err(|e| format!("{file}: {e}"))?,
        (None, report) => {
            let file = report.unwrap_or_else(|| "bulk-report.jsonl".to_owned());
            Journal::create(&file).map_err(|e| match e.kind() {
                std::io::ErrorKind::AlreadyExists => format!("{file} exists: continue it with --resume {file}"),
                _ => format!("{file}: {e}"),
            })?
        }
    };
    let max_concurrency = match value("--concurrency") {
        Some(n) => n.parse().map_err(|_| format!("--concurrency {n}: not a number"))?,
        None => BulkOptions::default().max_concurrency,
    };

    let ids: Vec<String> = if let Some(file) = value("--ids") {
        let text = std::fs::read_to_string(&file).map_err(|e| format!("{file}: {e}"))?;
        text.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect()
    } else if let Some(query) = value("--query") {
        let mut options = SignatureRequestListOptions::default();
        options.query = Some(query);
        options.page_size = Some(100);
        let mut ids = Vec::new();
        let mut items = std::pin::pin!(client.signature_request_list_items(&options));
        while let Some(item) = items.next().await {
            let item = item.map_err(|e| format!("listing: {e}"))?;
            ids.extend(item.signature_request_id);
        }
        ids
    } else {
        return Err("give --ids FILE or --query QUERY (with --resume too: the same list)".to_owned());
    };

    eprintln!("{} signature requests to {}", ids.len(), if remove { "remove" } else { "cancel" });
    let mut options = BulkOptions::default();
    options.max_concurrency = max_concurrency;
    options.journal = Some(journal.clone());
    options.on_progress = Some(Arc::new(|p| {
        eprint!("\r{}/{} done, {:.1}/s, about {}s left   ", p.done, p.total, p.per_second, p.remaining.as_secs());
    }));
    let report = if remove {
        client.bulk_signature_request_remove(ids, &options).await
    } else {
        client.bulk_signature_request_cancel(ids, &options).await
    };
    eprintln!();
    for (kind, count) in report.counts() {
        eprintln!("{kind}: {count}");
    }
    if let Some(err) = &report.journal_error {
        return Err(err.clone());
    }
    Ok(!report.counts().contains_key("not_attempted"))
}
