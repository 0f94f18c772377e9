//! Cancel (or remove) many Dropbox Sign signature requests, with a journal
//! that a killed run resumes from. `bulk-cancel --help` prints [`USAGE`].
//!
//! The arguments and the environment are checked first, then the ids are
//! read (or listed), and only then is the journal created or opened: a
//! usage error never leaves a file behind. `--resume` checks the journal
//! records this run (the same operation and ids) before sending anything,
//! and a file that is not a journal is refused as it is. A `--query` run
//! writes the ids it listed beside its journal (`FILE.ids`), since the
//! same search may match other requests by the time the run is resumed.

use esign_client::dropbox_sign::{Client, Credentials, SignatureRequestListOptions};
use esign_client::runtime::{BulkOptions, BulkOutcome, BulkReport, Journal};
use futures_util::StreamExt;
use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::Arc;

/// What `--help` prints.
pub const USAGE: &str = "\
Cancels (or removes) many Dropbox Sign signature requests, as fast as the
rate limit allows, with a journal a killed run resumes from.

Usage: bulk-cancel [OPTIONS] (--ids FILE | --query QUERY)

Options:
  --ids FILE         one signature request id per line
  --query QUERY      every request the search matches ('title:Offer AND from:me')
  --remove           remove the requests instead of canceling them
  --report FILE      the journal of a new run (default bulk-report.jsonl);
                     an existing file is never overwritten
  --resume FILE      continue the run FILE records, with the same --ids or
                     --query (and --remove if it had it); a --query run
                     keeps the ids it listed in FILE.ids, for --ids
  --concurrency N    requests in flight at most (default 8)
  --json             print the summary as one JSON object
  -h, --help         print this help

Environment:
  DROPBOX_SIGN_API_KEY   the Dropbox Sign API key (required)
  DROPBOX_SIGN_BASE_URL  send to another server (a test server, a proxy)

Exit status: 0 when every id has a final outcome and none failed; 1 on an
error, or when some ids failed; 2 on a usage error (a bad argument,
DROPBOX_SIGN_API_KEY not set); 3 when some ids were not attempted (run
again with --resume to send them).
";

/// Exit status of a usage error.
const USAGE_ERROR: u8 = 2;
/// Exit status when some ids were not attempted.
const NOT_ATTEMPTED: u8 = 3;

/// Where the ids come from.
#[derive(Debug)]
enum Source {
    File(String),
    Query(String),
}

/// The journal to write.
#[derive(Debug)]
enum JournalArg {
    New(String),
    Resume(String),
}

/// A checked command line.
#[derive(Debug)]
struct Args {
    source: Source,
    journal: JournalArg,
    remove: bool,
    concurrency: usize,
    json: bool,
}

/// How a parse ended without a run.
enum Stop {
    Help,
    Usage(String),
}

fn parse(args: Vec<String>) -> Result<Args, Stop> {
    let (mut ids, mut query, mut report, mut resume, mut concurrency) = (None, None, None, None, None);
    let (mut remove, mut json) = (false, false);
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let mut value = |slot: &mut Option<String>| match args.next() {
            Some(_) if slot.is_some() => Err(Stop::Usage(format!("{arg} given twice"))),
            Some(value) if !value.is_empty() => {
                *slot = Some(value);
                Ok(())
            }
            _ => Err(Stop::Usage(format!("{arg} needs a value"))),
        };
        match arg.as_str() {
            "-h" | "--help" => return Err(Stop::Help),
            "--ids" => value(&mut ids)?,
            "--query" => value(&mut query)?,
            "--report" => value(&mut report)?,
            "--resume" => value(&mut resume)?,
            "--concurrency" => value(&mut concurrency)?,
            "--remove" => remove = true,
            "--json" => json = true,
            other => return Err(Stop::Usage(format!("unexpected argument `{other}`"))),
        }
    }
    let source = match (ids, query) {
        (Some(file), None) => Source::File(file),
        (None, Some(query)) => Source::Query(query),
        (Some(_), Some(_)) => return Err(Stop::Usage("give --ids FILE or --query QUERY, not both".to_owned())),
        (None, None) => return Err(Stop::Usage("give --ids FILE or --query QUERY".to_owned())),
    };
    let journal = match (report, resume) {
        (Some(_), Some(_)) => {
            return Err(Stop::Usage("give --report FILE for a new run or --resume FILE, not both".to_owned()))
        }
        (None, Some(file)) => JournalArg::Resume(file),
        (report, None) => JournalArg::New(report.unwrap_or_else(|| "bulk-report.jsonl".to_owned())),
    };
    let concurrency = match concurrency {
        None => BulkOptions::default().max_concurrency,
        Some(n) => match n.parse::<usize>() {
            Ok(n @ 1..=1000) => n,
            _ => return Err(Stop::Usage(format!("--concurrency {n}: give a number from 1 to 1000"))),
        },
    };
    Ok(Args { source, journal, remove, concurrency, json })
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
            eprintln!("bulk-cancel: {why}\nRun `bulk-cancel --help` for usage.");
            return ExitCode::from(USAGE_ERROR);
        }
    };
    let Some(key) = std::env::var("DROPBOX_SIGN_API_KEY").ok().filter(|key| !key.is_empty()) else {
        eprintln!("bulk-cancel: set DROPBOX_SIGN_API_KEY to your Dropbox Sign API key");
        return ExitCode::from(USAGE_ERROR);
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("bulk-cancel: {err}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(args, key)) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("bulk-cancel: {err}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args, key: String) -> Result<ExitCode, String> {
    let mut builder = Client::builder().credentials(Credentials::api_key(key));
    let base = std::env::var("DROPBOX_SIGN_BASE_URL").ok();
    if let Some(base) = &base {
        builder = builder.base_url(base);
    }
    let client = builder.build().map_err(|e| match base {
        Some(_) => format!("DROPBOX_SIGN_BASE_URL: {e}"),
        None => e.to_string(),
    })?;

    // The ids first: nothing is created before they are known.
    let ids: Vec<String> = match &args.source {
        Source::File(file) => {
            let text = std::fs::read_to_string(file).map_err(|e| format!("--ids {file}: {e}"))?;
            text.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect()
        }
        Source::Query(query) => {
            let mut options = SignatureRequestListOptions::default();
            options.query = Some(query.clone());
            options.page_size = Some(100);
            let mut ids = Vec::new();
            let mut items = std::pin::pin!(client.signature_request_list_items(&options));
            while let Some(item) = items.next().await {
                let item = item.map_err(|e| format!("listing: {e}"))?;
                ids.extend(item.signature_request_id);
            }
            ids
        }
    };
    let operation = if args.remove { "signature_request_remove" } else { "signature_request_cancel" };
    let (journal, path) = match &args.journal {
        JournalArg::Resume(file) => {
            let journal = Journal::open(file).map_err(|e| format!("cannot resume {file}: {e}"))?;
            journal.check(operation, &ids).map_err(|err| {
                let listed = format!("{file}.ids");
                match std::path::Path::new(&listed).exists() {
                    true => format!("{err}\nthe ids that run listed are in {listed}: --ids {listed} --resume {file}"),
                    false => err,
                }
            })?;
            (journal, file)
        }
        JournalArg::New(file) => {
            let journal = Journal::create(file).map_err(|e| match e.kind() {
                std::io::ErrorKind::AlreadyExists => format!("{file} exists: continue it with --resume {file}"),
                _ => format!("{file}: {e}"),
            })?;
            if let Source::Query(_) = args.source {
                // A search may match other requests later: keep the list
                // this run cancels, so a resumption can be given the same.
                let listed = format!("{file}.ids");
                let text: String = ids.iter().map(|id| format!("{id}\n")).collect();
                std::fs::write(&listed, text).map_err(|e| format!("{listed}: {e}"))?;
            }
            (journal, file)
        }
    };

    let verb = if args.remove { "remove" } else { "cancel" };
    eprintln!("{} signature requests to {verb}; journal: {path}", ids.len());
    let mut options = BulkOptions::default();
    options.max_concurrency = args.concurrency;
    options.journal = Some(journal.clone());
    if std::io::stderr().is_terminal() {
        options.on_progress = Some(Arc::new(|p| {
            eprint!("\r{}/{} done, {:.1}/s, about {}s left   ", p.done, p.total, p.per_second, p.remaining.as_secs());
        }));
    }
    let report = if args.remove {
        client.bulk_signature_request_remove(ids, &options).await
    } else {
        client.bulk_signature_request_cancel(ids, &options).await
    };
    if options.on_progress.is_some() {
        eprintln!();
    }
    if args.json {
        println!("{}", summary_json(&report, path));
    } else {
        print!("{}", summary_text(&report, path));
    }
    if let Some(err) = &report.journal_error {
        return Err(err.clone());
    }
    let counts = report.counts();
    Ok(if counts.contains_key("not_attempted") {
        ExitCode::from(NOT_ATTEMPTED)
    } else if counts.contains_key("failed") {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// The summary for a person: the count of each outcome, the failed ids
/// with their reasons, and what to do next.
fn summary_text(report: &BulkReport, journal: &str) -> String {
    let mut text = String::new();
    for (kind, count) in report.counts() {
        text.push_str(&format!("{:<14} {count}\n", kind.replace('_', " ")));
    }
    for entry in &report.entries {
        if let BulkOutcome::Failed { reason, .. } = &entry.outcome {
            text.push_str(&format!("failed: {} ({} attempts): {reason}\n", entry.id, entry.attempts));
        }
    }
    if report.counts().contains_key("not_attempted") {
        text.push_str(&format!("not all sent: run again with --resume {journal} and the same ids\n"));
    }
    text.push_str(&format!("journal: {journal}\n"));
    text
}

/// The summary as one JSON object: `journal`, `ids`, `counts`, and the
/// entries that need a look (`failed`, `not_attempted`).
fn summary_json(report: &BulkReport, journal: &str) -> serde_json::Value {
    let pick = |name: &str| -> Vec<serde_json::Value> {
        report
            .entries
            .iter()
            .filter(|e| e.outcome.name() == name)
            .filter_map(|e| serde_json::to_value(e).ok())
            .collect()
    };
    serde_json::json!({
        "journal": journal,
        "ids": report.entries.len(),
        "counts": report.counts(),
        "failed": pick("failed"),
        "not_attempted": pick("not_attempted"),
        "journal_error": report.journal_error,
    })
}
