//! The journal of a bulk run: an append-only JSON Lines file, written as
//! the run goes, from which a run killed at any instant resumes.
//!
//! ```text
//! {"operation":"signature_request_cancel","started":"2026-11-24T10:00:00Z","ids":2000}
//! {"id":"fa5c8a0b","sending":1}
//! {"id":"fa5c8a0b","outcome":"queued","attempts":1,"rate_limit":{"limit":100,"remaining":98,"reset":1795521600}}
//! {"id":"c0ffee01","sending":1}
//! {"id":"c0ffee01","outcome":"already_gone","reason":"This resource has been deleted.","attempts":1}
//! {"operation":"signature_request_cancel","started":"2026-11-24T10:05:00Z","ids":2000,"resumed":true}
//! ```
//!
//! - A header line (`operation`, `started`, `ids`: the id count) starts the
//!   file, and each resumption adds one with `"resumed": true`.
//! - `{"id", "sending": n}` is written right before attempt `n` of an id is
//!   sent: after a crash, an id with such a line and no outcome may have
//!   reached the server.
//! - `{"id", "outcome", "attempts", ...}` is written as soon as the id's
//!   outcome is final (the fields of a `BulkEntry`, and the rate limit its
//!   last answer reported). `not_attempted` lines (written when a run stops
//!   before sending some ids) are not final: a resumed run sends those ids.
//!
//! Every line is written with one `write` call on a file opened for
//! appending, so a process killed at any instant leaves whole lines (the
//! operating system keeps what was written); the file is also synced to
//! disk after the header, at least once a second while lines are written,
//! and at the end of the run. A partial last line (a power cut) is dropped
//! on resuming.

use std::collections::HashMap;
use std::fmt;
use std::io::{Read, Seek, Write};
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

use super::bulk::{BulkEntry, BulkOutcome};
use super::client::RateLimit;

/// The first line of a journal, and of each resumption.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct JournalHeader {
    /// The operation the run calls (`signature_request_cancel`, ...).
    pub operation: String,
    /// When the run (or the resumption) started, RFC 3339 in UTC.
    pub started: String,
    /// How many ids the run was given.
    pub ids: usize,
    /// Whether this line starts a resumption.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub resumed: bool,
}

/// The journal of a bulk run, shared by the run and its calls (a cheap
/// handle: clones write to the same file). Give it to a run through
/// `BulkOptions::journal`: [`Journal::create`] for a new run,
/// [`Journal::open`] to resume one.
#[derive(Clone)]
pub struct Journal {
    inner: Arc<Mutex<Inner>>,
}

struct Inner {
    file: std::fs::File,
    path: String,
    /// The first header, if written.
    header: Option<JournalHeader>,
    /// The last outcome line of each id.
    recorded: HashMap<String, BulkEntry>,
    /// The last `sending` number of each id.
    sending: HashMap<String, u32>,
    /// The newest rate-limit window the lines report, at its lowest.
    window: Option<RateLimit>,
    last_sync: std::time::Instant,
    /// The first write that failed.
    error: Option<String>,
}

/// An outcome line as written.
#[derive(serde::Serialize, serde::Deserialize)]
struct OutcomeLine {
    #[serde(flatten)]
    entry: BulkEntry,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    rate_limit: Option<RateLimit>,
}

#[derive(serde::Serialize)]
struct SendingLine<'a> {
    id: &'a str,
    sending: u32,
}

impl fmt::Debug for Journal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = self.lock();
        f.debug_struct("Journal")
            .field("path", &inner.path)
            .field("header", &inner.header)
            .field("recorded", &inner.recorded.len())
            .finish_non_exhaustive()
    }
}

fn invalid(path: &str, line: usize, why: impl fmt::Display) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, format!("{path}:{line}: {why}"))
}

impl Journal {
    /// Creates the journal of a new run; fails if the file exists (resume
    /// it with [`Journal::open`], or choose another path).
    pub fn create(path: impl AsRef<Path>) -> std::io::Result<Journal> {
        let path = path.as_ref();
        let file = std::fs::OpenOptions::new().append(true).create_new(true).open(path)?;
        Ok(Journal::from_parts(file, path, None, HashMap::new(), HashMap::new(), None))
    }

    /// Opens the journal of an earlier run to resume it: reads what it
    /// recorded, and appends from there. A partial last line (a power cut
    /// while it was written) is dropped; any other line that is not a
    /// journal line is an error.
    pub fn open(path: impl AsRef<Path>) -> std::io::Result<Journal> {
        let path = path.as_ref();
        let shown = path.display().to_string();
        let mut file = std::fs::OpenOptions::new().read(true).append(true).open(path)?;
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes)?;
        let whole = bytes.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
        if whole < bytes.len() {
            file.set_len(whole as u64)?;
            file.seek(std::io::SeekFrom::End(0))?;
            bytes.truncate(whole);
        }
        let (mut header, mut recorded, mut sending, mut window) = (None, HashMap::new(), HashMap::new(), None);
        for (number, line) in bytes.split(|b| *b == b'\n').enumerate() {
            let number = number + 1;
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let value: serde_json::Value = serde_json::from_slice(line).map_err(|err| invalid(&shown, number, err))?;
            if value.get("operation").is_some() {
                let read: JournalHeader = serde_json::from_value(value).map_err(|err| invalid(&shown, number, err))?;
                header.get_or_insert(read);
            } else if let Some(n) = value.get("sending") {
                let id = value.get("id").and_then(|id| id.as_str()).ok_or_else(|| invalid(&shown, number, "no id"))?;
                let n = n
                    .as_u64()
                    .and_then(|n| u32::try_from(n).ok())
                    .ok_or_else(|| invalid(&shown, number, "bad count"))?;
                sending.insert(id.to_owned(), n);
            } else {
                let line: OutcomeLine = serde_json::from_value(value).map_err(|err| invalid(&shown, number, err))?;
                if let Some(rate) = line.rate_limit {
                    window = Some(lower_window(window, rate));
                }
                recorded.insert(line.entry.id.clone(), line.entry);
            }
            if header.is_none() {
                return Err(invalid(&shown, number, "a journal starts with its header line"));
            }
        }
        if header.is_none() {
            return Err(invalid(&shown, 1, "empty journal"));
        }
        Ok(Journal::from_parts(file, path, header, recorded, sending, window))
    }

    fn from_parts(
        file: std::fs::File,
        path: &Path,
        header: Option<JournalHeader>,
        recorded: HashMap<String, BulkEntry>,
        sending: HashMap<String, u32>,
        window: Option<RateLimit>,
    ) -> Journal {
        let inner = Inner {
            file,
            path: path.display().to_string(),
            header,
            recorded,
            sending,
            window,
            last_sync: std::time::Instant::now(),
            error: None,
        };
        Journal { inner: Arc::new(Mutex::new(inner)) }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The journal's first header (`None` for a new journal no run has begun).
    pub fn header(&self) -> Option<JournalHeader> {
        self.lock().header.clone()
    }

    /// Every id's last recorded outcome, final or `not_attempted`.
    pub fn entries(&self) -> Vec<BulkEntry> {
        let mut entries: Vec<BulkEntry> = self.lock().recorded.values().cloned().collect();
        entries.sort_by(|a, b| a.id.cmp(&b.id));
        entries
    }

    /// The first write that failed, if one did (the run stopped there).
    pub fn error(&self) -> Option<String> {
        self.lock().error.clone()
    }

    /// Starts a run (or a resumption) of `operation` over `ids` ids: writes
    /// its header. A journal of another operation is refused.
    pub(super) fn begin(&self, operation: &str, ids: usize) -> Result<(), String> {
        let mut inner = self.lock();
        let resumed = match &inner.header {
            Some(header) if header.operation != operation => {
                return Err(format!("the journal {} is of `{}`, not `{operation}`", inner.path, header.operation));
            }
            Some(_) => true,
            None => false,
        };
        let header = JournalHeader {
            operation: operation.to_owned(),
            started: rfc3339(std::time::SystemTime::now()),
            ids,
            resumed,
        };
        inner.write(&header)?;
        inner.header.get_or_insert(header);
        inner.sync()
    }

    /// The id's final outcome, if the journal has one (`not_attempted` is not final).
    pub(super) fn final_entry(&self, id: &str) -> Option<BulkEntry> {
        self.lock().recorded.get(id).filter(|e| e.outcome != BulkOutcome::NotAttempted).cloned()
    }

    /// How many attempts of an id were being sent when an earlier run
    /// stopped without its outcome (each may have reached the server).
    pub(super) fn sent_before(&self, id: &str) -> u32 {
        let inner = self.lock();
        match inner.recorded.get(id) {
            Some(entry) if entry.outcome != BulkOutcome::NotAttempted => 0,
            _ => inner.sending.get(id).copied().unwrap_or(0),
        }
    }

    /// The rate-limit window as the journal last saw it, less every attempt
    /// that may have gone out after (the ids being sent without an outcome):
    /// what a resumed run may still send in it.
    pub(super) fn window_hint(&self) -> Option<RateLimit> {
        let inner = self.lock();
        let window = inner.window?;
        let unanswered: u64 = inner
            .sending
            .iter()
            .filter(|(id, _)| inner.recorded.get(*id).is_none_or(|e| e.outcome == BulkOutcome::NotAttempted))
            .map(|(_, n)| u64::from(*n))
            .sum();
        Some(RateLimit { remaining: window.remaining.saturating_sub(unanswered), ..window })
    }

    /// Notes that attempt `attempt` of `id` is about to be sent.
    pub(super) fn sending(&self, id: &str, attempt: u32) {
        let mut inner = self.lock();
        if inner.write(&SendingLine { id, sending: attempt }).is_ok() {
            inner.sending.insert(id.to_owned(), attempt);
        }
    }

    /// Records an id's outcome, with the rate limit its last answer reported.
    pub(super) fn record(&self, entry: &BulkEntry, rate_limit: Option<RateLimit>) -> Result<(), String> {
        let mut inner = self.lock();
        inner.write(&OutcomeLine { entry: entry.clone(), rate_limit })?;
        if let Some(rate) = rate_limit {
            inner.window = Some(lower_window(inner.window, rate));
        }
        inner.recorded.insert(entry.id.clone(), entry.clone());
        if inner.last_sync.elapsed() >= std::time::Duration::from_secs(1) {
            inner.sync()?;
        }
        Ok(())
    }

    /// Syncs the file to disk (the end of a run).
    pub(super) fn finish(&self) -> Result<(), String> {
        self.lock().sync()
    }
}

impl Inner {
    /// Writes one line with one `write` call; the first failure sticks.
    fn write<T: serde::Serialize>(&mut self, line: &T) -> Result<(), String> {
        if let Some(err) = &self.error {
            return Err(err.clone());
        }
        let mut text = serde_json::to_vec(line).map_err(|err| err.to_string())?;
        text.push(b'\n');
        self.file.write_all(&text).map_err(|err| self.fail(err))
    }

    fn sync(&mut self) -> Result<(), String> {
        if let Some(err) = &self.error {
            return Err(err.clone());
        }
        self.last_sync = std::time::Instant::now();
        self.file.sync_data().map_err(|err| self.fail(err))
    }

    fn fail(&mut self, err: std::io::Error) -> String {
        let text = format!("cannot write the journal {}: {err}", self.path);
        self.error.get_or_insert(text).clone()
    }
}

/// The newer window, or the same window at its lowest.
fn lower_window(known: Option<RateLimit>, rate: RateLimit) -> RateLimit {
    match known {
        Some(w) if w.reset > rate.reset => w,
        Some(w) if w.reset == rate.reset => RateLimit { remaining: w.remaining.min(rate.remaining), ..w },
        _ => rate,
    }
}

/// A time as RFC 3339 in UTC, to the second (civil-from-days, no time library).
pub(super) fn rfc3339(time: std::time::SystemTime) -> String {
    let secs = time.duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let (days, rest) = (secs / 86_400, secs % 86_400);
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z", rest / 3600, rest % 3600 / 60, rest % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("esign-journal-{}-{name}", std::process::id()));
        let _ = std::fs::remove_file(&dir);
        dir
    }

    fn entry(id: &str, outcome: BulkOutcome) -> BulkEntry {
        BulkEntry { id: id.to_owned(), outcome, attempts: 1, lost_answers: 0 }
    }

    #[test]
    fn times_are_written_as_rfc3339() {
        let at = |secs: u64| rfc3339(std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs));
        assert_eq!(at(0), "1970-01-01T00:00:00Z");
        assert_eq!(at(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(at(1_795_521_599), "2026-11-24T11:59:59Z");
    }

    #[test]
    fn a_journal_is_read_back_and_resumed() {
        let path = scratch("resume");
        let journal = Journal::create(&path).unwrap();
        assert!(Journal::create(&path).is_err(), "an existing journal is never overwritten");
        journal.begin("cancel", 3).unwrap();
        journal.sending("a", 1);
        journal
            .record(&entry("a", BulkOutcome::Queued), Some(RateLimit { limit: 10, remaining: 7, reset: 100 }))
            .unwrap();
        journal.sending("b", 1);
        journal.sending("b", 2);
        journal.record(&entry("c", BulkOutcome::NotAttempted), None).unwrap();
        journal.finish().unwrap();
        drop(journal);
        // A torn last line, as a power cut could leave.
        std::fs::OpenOptions::new().append(true).open(&path).unwrap().write_all(b"{\"id\":\"c\",\"outc").unwrap();

        let journal = Journal::open(&path).unwrap();
        assert_eq!(journal.header().unwrap().operation, "cancel");
        assert_eq!(journal.final_entry("a").map(|e| e.outcome), Some(BulkOutcome::Queued));
        assert_eq!(journal.final_entry("c"), None, "not_attempted is not final");
        assert_eq!((journal.sent_before("a"), journal.sent_before("b"), journal.sent_before("c")), (0, 2, 0));
        assert_eq!(journal.window_hint(), Some(RateLimit { limit: 10, remaining: 5, reset: 100 }));
        assert_eq!(
            journal.begin("remove", 3),
            Err(format!("the journal {} is of `cancel`, not `remove`", path.display()))
        );
        journal.begin("cancel", 3).unwrap();
        drop(journal);
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 7, "{text}");
        assert!(lines[2].starts_with(r#"{"id":"a","outcome":"queued","attempts":1,"rate_limit":{"#), "{}", lines[2]);
        assert!(lines[6].ends_with(r#""ids":3,"resumed":true}"#), "{}", lines[6]);
        std::fs::remove_file(&path).unwrap();
    }

    #[test]
    fn foreign_lines_are_refused() {
        let path = scratch("foreign");
        std::fs::write(&path, "{\"id\":\"a\",\"outcome\":\"queued\",\"attempts\":1}\n").unwrap();
        assert!(Journal::open(&path).unwrap_err().to_string().ends_with(":1: a journal starts with its header line"));
        std::fs::write(&path, "{\"operation\":\"x\",\"started\":\"\",\"ids\":1}\nnot json\n").unwrap();
        assert!(Journal::open(&path).unwrap_err().to_string().contains(":2: "));
        std::fs::write(&path, "").unwrap();
        assert!(Journal::open(&path).is_err());
        std::fs::remove_file(&path).unwrap();
    }
}
