//! Cancel (or remove) many Dropbox Sign signature requests.
//!
//! ```text
//! DROPBOX_SIGN_API_KEY=... cargo run -p bulk-cancel -- [--remove] [--report FILE]
//!     (--ids FILE | --query 'title:Offer AND from:me' | --resume REPORT)
//! ```
//!
//! `--ids` reads one id per line; `--query` cancels every request the search
//! matches (through the list endpoint); `--resume` sends again the ids a
//! saved report left pending. Progress goes to stderr; the report (every
//! id with its outcome) to `--report` (default `bulk-report.json`).

use esign_client::dropbox_sign::{Client, Credentials, SignatureRequestListOptions};
use esign_client::runtime::{BulkOptions, BulkReport};
use futures_util::StreamExt;
use std::process::ExitCode;
use std::sync::Arc;

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

async fn run() -> Result<(), String> {
    let key = std::env::var("DROPBOX_SIGN_API_KEY").map_err(|_| "set DROPBOX_SIGN_API_KEY".to_owned())?;
    let mut builder = Client::builder().credentials(Credentials::api_key(key));
    if let Ok(base) = std::env::var("DROPBOX_SIGN_BASE_URL") {
        builder = builder.base_url(base);
    }
    let client = builder.build().map_err(|e| e.to_string())?;

    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |flag: &str| args.iter().position(|a| a == flag).and_then(|i| args.get(i + 1)).cloned();
    let remove = args.iter().any(|a| a == "--remove");
    let report_path = value("--report").unwrap_or_else(|| "bulk-report.json".to_owned());

    let mut previous: Option<BulkReport> = None;
    let ids: Vec<String> = if let Some(file) = value("--ids") {
        let text = std::fs::read_to_string(&file).map_err(|e| format!("{file}: {e}"))?;
        text.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect()
    } else if let Some(query) = value("--query") {
        let options = SignatureRequestListOptions { query: Some(query), page_size: Some(100), ..Default::default() };
        let mut ids = Vec::new();
        let mut items = std::pin::pin!(client.signature_request_list_items(&options));
        while let Some(item) = items.next().await {
            let item = item.map_err(|e| format!("listing: {e}"))?;
            ids.extend(item.signature_request_id);
        }
        ids
    } else if let Some(file) = value("--resume") {
        let text = std::fs::read_to_string(&file).map_err(|e| format!("{file}: {e}"))?;
        let report: BulkReport = serde_json::from_str(&text).map_err(|e| format!("{file}: {e}"))?;
        let pending = report.pending_ids();
        previous = Some(report);
        pending
    } else {
        return Err("give --ids FILE, --query QUERY or --resume REPORT".to_owned());
    };

    eprintln!("{} signature requests to {}", ids.len(), if remove { "remove" } else { "cancel" });
    let options = BulkOptions {
        on_progress: Some(Arc::new(|p| {
            eprint!("\r{}/{} done, {:.1}/s, about {}s left   ", p.done, p.total, p.per_second, p.remaining.as_secs());
        })),
        ..BulkOptions::default()
    };
    let report = if remove {
        client.bulk_signature_request_remove(ids, &options).await
    } else {
        client.bulk_signature_request_cancel(ids, &options).await
    };
    eprintln!();
    let report = match previous {
        Some(mut earlier) => {
            earlier.merge(report);
            earlier
        }
        None => report,
    };
    for (kind, count) in report.counts() {
        eprintln!("{kind}: {count}");
    }
    let json = serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?;
    std::fs::write(&report_path, json).map_err(|e| format!("{report_path}: {e}"))?;
    eprintln!("report written to {report_path}");
    Ok(())
}
