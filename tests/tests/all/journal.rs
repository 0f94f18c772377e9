//! Journals refuse the wrong file: through the runtime's public `Journal`
//! and bulk API (and the `bulk-cancel` program as a child process), each
//! against the Dropbox Sign simulator, whose log counts the cancels that
//! reach it.

use crate::support::awaiting_signature as reopen;
use esign_client::dropbox_sign::{Client, Credentials};
use esign_client::runtime::{BulkOptions, BulkOutcome, BulkReport, Journal};
use esign_sim::dropbox_sign::{ArrivingRequest, DropboxSignSimBuilder, Endpoint};
use esign_sim::DropboxSignSim;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The simulator `builder` configures, with the key the tests use, cancels
/// held (so a request whose cancel was queued can be put back awaiting
/// signature with `reopen`), and `open` awaiting signature.
async fn cancel_sim(builder: DropboxSignSimBuilder, open: &[&str]) -> DropboxSignSim {
    crate::support::dropbox_sim(builder.hold_cancellations(), "sk_journal", open).await
}

/// The ids the cancel requests named, in order of arrival.
fn cancels(sim: &DropboxSignSim) -> Vec<String> {
    let prefix = "/v3/signature_request/cancel/";
    sim.requests().into_iter().filter_map(|request| request.path.strip_prefix(prefix).map(str::to_owned)).collect()
}

fn client(base: &str) -> Client {
    Client::builder().credentials(Credentials::api_key("sk_journal")).base_url(base).build().unwrap()
}

fn ids(ids: &[&str]) -> Vec<String> {
    ids.iter().map(|id| (*id).to_owned()).collect()
}

fn with_journal(journal: Journal) -> BulkOptions {
    let mut options = BulkOptions::default();
    options.journal = Some(journal);
    options
}

/// A run that begins its journal and stops before sending anything (a
/// deadline of zero): the header, then a `not_attempted` line per id.
async fn begun(client: &Client, path: &std::path::Path, run: &[&str]) -> BulkReport {
    let mut options = with_journal(Journal::create(path).unwrap());
    options.deadline = Some(Duration::ZERO);
    client.bulk_signature_request_cancel(ids(run), &options).await
}

fn append(path: &std::path::Path, line: &str) {
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new().append(true).open(path).unwrap();
    writeln!(file, "{line}").unwrap();
}

/// Runs the `bulk-cancel` program with `args` in `dir`, against `base`.
async fn bulk_cancel(dir: &std::path::Path, base: &str, args: &[&str]) -> std::process::Output {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_bulk-cancel-child"));
    command
        .current_dir(dir)
        .args(args)
        .env("DROPBOX_SIGN_API_KEY", "sk_journal")
        .env("DROPBOX_SIGN_BASE_URL", base)
        .stdin(std::process::Stdio::null());
    crate::examples::output(command).await
}

#[tokio::test]
async fn a_file_that_is_not_a_journal_is_refused_byte_for_byte_untouched() {
    let sim = cancel_sim(DropboxSignSim::builder(), &["sr-1", "sr-2", "sr-3"]).await;
    let base = sim.base_url();
    let dir = tempfile::tempdir().unwrap();
    // `--resume ids.txt` given by mistake: the ids file, last line without a newline.
    let ids_file = dir.path().join("ids.txt");
    for text in ["sr-1\nsr-2\nsr-3", "sr-1", "{\"id\":\"sr-1\"}\n"] {
        std::fs::write(&ids_file, text).unwrap();
        let err = Journal::open(&ids_file).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::InvalidData);
        assert!(err.to_string().contains("ids.txt:1: not a journal"), "{err}");
        assert_eq!(std::fs::read_to_string(&ids_file).unwrap(), text, "the file is left as it was");
    }
    std::fs::write(&ids_file, "sr-1\nsr-2\nsr-3").unwrap();
    let out = bulk_cancel(dir.path(), base, &["--ids", "ids.txt", "--resume", "ids.txt"]).await;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("cannot resume ids.txt: ids.txt:1: not a journal line"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&ids_file).unwrap(), "sr-1\nsr-2\nsr-3");
    assert!(cancels(&sim).is_empty(), "nothing sent");
}

#[tokio::test]
async fn a_journal_of_another_run_is_refused_naming_both_and_left_as_it_was() {
    let sim = cancel_sim(DropboxSignSim::builder(), &["a", "b"]).await;
    let client = client(sim.base_url());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cancel.jsonl");
    let first =
        client.bulk_signature_request_cancel(ids(&["a", "b"]), &with_journal(Journal::create(&path).unwrap())).await;
    assert_eq!(first.counts().get("queued"), Some(&2));
    let before = std::fs::read(&path).unwrap();
    let sent = cancels(&sim).len();

    // Other ids, the same operation: `a`'s outcome must not be reported for this run.
    let journal = Journal::open(&path).unwrap();
    let refused = journal.check("signature_request_cancel", &["a", "c"]).unwrap_err();
    let report = client.bulk_signature_request_cancel(ids(&["a", "c"]), &with_journal(journal)).await;
    let error = report.journal_error.clone().expect("refused");
    assert_eq!(error, refused);
    let (found, expected) = (Journal::ids_digest(&["a", "b"]), Journal::ids_digest(&["c", "a"]));
    assert!(error.contains(&format!("it has `signature_request_cancel` over 2 ids (ids_sha256 {found})")), "{error}");
    assert!(error.contains(&format!("this run is `signature_request_cancel` over 2 ids (ids_sha256 {expected})")));
    assert!(report.entries.iter().all(|e| e.outcome == BulkOutcome::NotAttempted && e.attempts == 0), "{report:?}");
    assert_eq!(cancels(&sim).len(), sent, "nothing sent");
    assert_eq!(std::fs::read(&path).unwrap(), before, "nothing written");

    // Another operation over the same ids.
    let report =
        client.bulk_signature_request_remove(ids(&["a", "b"]), &with_journal(Journal::open(&path).unwrap())).await;
    let error = report.journal_error.expect("refused");
    assert!(error.contains("this run is `signature_request_remove` over 2 ids"), "{error}");
    assert_eq!(std::fs::read(&path).unwrap(), before);

    // The same run, ids in another order and repeated: resumed, nothing sent again.
    let report =
        client.bulk_signature_request_cancel(ids(&["b", "a", "b"]), &with_journal(Journal::open(&path).unwrap())).await;
    assert_eq!((report.journal_error.as_deref(), report.counts().get("queued")), (None, Some(&2)));
    assert_eq!(cancels(&sim).len(), sent);
}

#[tokio::test]
async fn a_sending_count_of_u32_max_read_back_does_not_wrap() {
    let sim = cancel_sim(DropboxSignSim::builder(), &["a"]).await;
    let client = client(sim.base_url());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cancel.jsonl");
    begun(&client, &path, &["a"]).await;
    append(&path, r#"{"id":"a","sending":4294967295}"#);
    let report = client.bulk_signature_request_cancel(ids(&["a"]), &with_journal(Journal::open(&path).unwrap())).await;
    assert_eq!(report.journal_error, None);
    let entry = &report.entries[0];
    assert_eq!((&entry.outcome, entry.attempts), (&BulkOutcome::Queued, u32::MAX), "{entry:?}");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(!text.contains(r#""sending":0"#), "{text}");
    assert!(text.lines().last().unwrap().contains(r#""attempts":4294967295"#), "{text}");
    // One past u32 is refused, with its line.
    append(&path, r#"{"id":"a","sending":4294967296}"#);
    let err = Journal::open(&path).unwrap_err().to_string();
    assert!(err.ends_with("`sending` is 4294967296: not a count from 0 to 4294967295"), "{err}");
}

#[tokio::test]
async fn a_reset_of_2_pow_63_or_more_in_a_journal_does_not_crash_its_resume() {
    let sim = cancel_sim(DropboxSignSim::builder(), &[]).await;
    let client = client(sim.base_url());
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("ids.txt"), "a\nb\n").unwrap();
    for (n, reset) in [(1u64 << 63).to_string(), u64::MAX.to_string()].into_iter().enumerate() {
        reopen(&sim, &["a", "b"]);
        let before = cancels(&sim).len();
        let path = dir.path().join(format!("cancel-{n}.jsonl"));
        begun(&client, &path, &["a", "b"]).await;
        append(
            &path,
            &format!(
                r#"{{"id":"a","outcome":"queued","attempts":1,"rate_limit":{{"limit":10,"remaining":0,"reset":{reset}}}}}"#
            ),
        );
        let journal = path.file_name().unwrap().to_str().unwrap();
        let out = bulk_cancel(dir.path(), sim.base_url(), &["--ids", "ids.txt", "--resume", journal]).await;
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "reset {reset}: {stderr}");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.starts_with("queued         2\n"), "{stdout}");
        assert_eq!(cancels(&sim)[before..], ["b"], "only b is sent, paced by the live window");
    }
}

#[tokio::test]
async fn every_sending_line_is_on_disk_before_its_request_arrives() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cancel.jsonl");
    let journal = Journal::create(&path).unwrap();
    // The cancels the observer checked, and those whose line was not on disk.
    let (checked, missing) = (Arc::new(Mutex::new(Vec::new())), Arc::new(Mutex::new(Vec::new())));
    let (reader, shared, file, seen) = (journal.clone(), missing.clone(), path.clone(), checked.clone());
    let observer = move |request: &ArrivingRequest| {
        let (Some(Endpoint::Cancel), Some(id)) = (request.endpoint, request.id.as_deref()) else { return };
        seen.lock().unwrap().push(id.to_owned());
        let synced = reader.synced_len() as usize;
        let text = std::fs::read(&file).unwrap();
        let line = format!("{{\"id\":\"{id}\",\"sending\":1}}\n");
        let on_disk = text.get(..synced).is_some_and(|synced| synced.windows(line.len()).any(|w| w == line.as_bytes()));
        if !on_disk {
            shared.lock().unwrap().push(id.to_owned());
        }
    };
    let run: Vec<String> = (0..40).map(|i| format!("sr-{i:02}")).collect();
    let open: Vec<&str> = run.iter().map(String::as_str).collect();
    let sim = cancel_sim(DropboxSignSim::builder().on_request(observer), &open).await;
    let report =
        client(sim.base_url()).bulk_signature_request_cancel(run.clone(), &with_journal(journal.clone())).await;
    assert_eq!(report.counts().get("queued"), Some(&40));
    assert_eq!(cancels(&sim).len(), 40);
    assert_eq!(*checked.lock().unwrap(), cancels(&sim), "every cancel was checked as it arrived");
    assert!(missing.lock().unwrap().is_empty(), "sent before their line was synced: {:?}", missing.lock().unwrap());
    assert_eq!(journal.synced_len(), std::fs::metadata(&path).unwrap().len(), "synced at the end");
}

#[tokio::test]
async fn an_empty_journal_left_by_a_crash_starts_afresh() {
    let sim = cancel_sim(DropboxSignSim::builder(), &["c"]).await;
    let base = sim.base_url();
    let client = client(base);
    let dir = tempfile::tempdir().unwrap();
    for (n, left) in ["", "{\"operation\":\"signature_request_ca"].into_iter().enumerate() {
        reopen(&sim, &["a"]);
        let path = dir.path().join(format!("cancel-{n}.jsonl"));
        std::fs::write(&path, left).unwrap();
        let journal = Journal::open(&path).unwrap();
        assert_eq!(journal.header(), None);
        let report = client.bulk_signature_request_cancel(ids(&["a"]), &with_journal(journal)).await;
        assert_eq!((report.journal_error.as_deref(), report.counts().get("queued")), (None, Some(&1)));
        let header = Journal::open(&path).unwrap().header().unwrap();
        assert_eq!((header.operation.as_str(), header.ids, header.resumed), ("signature_request_cancel", 1, false));
        assert_eq!(header.ids_sha256, Journal::ids_digest(&["a"]));
    }

    // The program: an empty report left behind is continued, not a dead end.
    std::fs::write(dir.path().join("ids.txt"), "c\n").unwrap();
    std::fs::write(dir.path().join("bulk-report.jsonl"), "").unwrap();
    let out = bulk_cancel(dir.path(), base, &["--ids", "ids.txt"]).await;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr.contains("bulk-report.jsonl exists: continue it with --resume bulk-report.jsonl"), "{stderr}");
    let out = bulk_cancel(dir.path(), base, &["--ids", "ids.txt", "--resume", "bulk-report.jsonl"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(cancels(&sim).contains(&"c".to_owned()));
}
