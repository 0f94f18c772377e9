//! The journal of a bulk run: an append-only JSON Lines file, written as
//! the run goes, from which a run killed at any instant resumes.
//!
//! ```text
//! {"operation":"signature_request_cancel","started":"2026-11-24T10:00:00Z","ids":2000,"ids_sha256":"9f86d0…"}
//! {"id":"fa5c8a0b","sending":1}
//! {"id":"fa5c8a0b","outcome":"queued","attempts":1,"rate_limit":{"limit":100,"remaining":98,"reset":1795521600}}
//! {"id":"c0ffee01","sending":1}
//! {"id":"c0ffee01","outcome":"already_gone","reason":"This resource has been deleted.","attempts":1}
//! {"operation":"signature_request_cancel","started":"2026-11-24T10:05:00Z","ids":2000,"ids_sha256":"9f86d0…","resumed":true}
//! ```
//!
//! - A header line starts the file, and each resumption adds one with
//!   `"resumed": true`. It binds the journal to one run: `operation`, `ids`
//!   (how many distinct ids) and `ids_sha256`, the SHA-256 of the run's ids
//!   (distinct, sorted by their bytes, each written as its length in 8
//!   bytes little-endian then its UTF-8 bytes), in lowercase hex. A run of
//!   another operation or of other ids is refused before anything is
//!   written, with both named.
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
//! operating system keeps what was written). What reaches the disk, for a
//! power cut:
//!
//! - creating the file syncs its folder (on Unix), so the file itself
//!   survives;
//! - the header is synced as soon as it is written;
//! - each `sending` line is synced before its request is sent, so an
//!   attempt that may have reached the server is never forgotten;
//! - outcome lines are synced at least once a second while they are
//!   written, and at the end of the run. An outcome lost in a power cut is
//!   sent again on resuming, and its `sending` line makes a 410 then count
//!   as this run's success.
//!
//! Reading a journal ([`Journal::open`]) writes nothing: a file that is not
//! a journal (a list of ids given by mistake, say) is refused as it is. A
//! partial last line (a power cut) is dropped when the resumed run writes
//! its first line. A file with no complete line (empty, or the start of a
//! header: a run stopped before its header was whole) is a journal no run
//! has begun: the next run starts it afresh. Counts (`sending`, `attempts`,
//! `lost_answers`) beyond `u32` are refused with the line that holds them,
//! and a rate-limit window whose reset lies further ahead than the run
//! would wait (a day at most) is not used to pace the run.

use std::collections::HashMap;
use std::fmt;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use crate::bulk::report::{BulkEntry, BulkOutcome};
use crate::rate_limit::RateLimit;

/// The first line of a journal, and of each resumption.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub struct JournalHeader {
    /// The operation the run calls (`signature_request_cancel`, ...).
    pub operation: String,
    /// When the run (or the resumption) started, RFC 3339 in UTC.
    pub started: String,
    /// How many distinct ids the run was given.
    pub ids: usize,
    /// The SHA-256 of the run's ids, in lowercase hex (see the module
    /// documentation for the exact bytes): a run over other ids is refused.
    pub ids_sha256: String,
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
    path: PathBuf,
    /// The first header, if one was read or written.
    header: Option<JournalHeader>,
    /// The last outcome line of each id.
    recorded: HashMap<String, BulkEntry>,
    /// The last `sending` number of each id.
    sending: HashMap<String, u32>,
    /// The newest rate-limit window the lines report, at its lowest.
    window: Option<RateLimit>,
    /// The length to cut the file to before the first line is written (it
    /// ends in a partial line).
    keep: Option<u64>,
    /// The folder still has to be synced once the header is written (a
    /// journal no run had begun).
    folder_unsynced: bool,
    /// The file's length as written.
    written: u64,
    /// Its length at the last sync.
    synced: u64,
    last_sync: std::time::Instant,
    /// The first write that failed.
    error: Option<String>,
}

/// What reading a journal found.
#[derive(Default)]
struct Contents {
    header: Option<JournalHeader>,
    recorded: HashMap<String, BulkEntry>,
    sending: HashMap<String, u32>,
    window: Option<RateLimit>,
    keep: Option<u64>,
    len: u64,
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

/// How a header line starts, as written: what a partial first line left
/// by a crash while the header was written begins with.
const HEADER_START: &[u8] = b"{\"operation\":";

/// The furthest ahead a reset read back from a journal may lie and still
/// pace a run.
const MAX_JOURNAL_RESET_AHEAD: std::time::Duration = std::time::Duration::from_secs(24 * 3600);

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

/// Syncs the folder that holds `path`, so a file just created there
/// survives a power cut (Unix; elsewhere a folder cannot be opened to sync).
fn sync_folder(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        let folder = match path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        std::fs::File::open(folder)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        Ok(())
    }
}

/// A count read back from a journal: a whole number that fits in `u32`.
fn count(value: &serde_json::Value, path: &str, line: usize, field: &str) -> std::io::Result<u32> {
    value
        .as_u64()
        .and_then(|n| u32::try_from(n).ok())
        .ok_or_else(|| invalid(path, line, format_args!("`{field}` is {value}: not a count from 0 to {}", u32::MAX)))
}

/// Reads and checks a whole journal; writes nothing.
fn read_journal(shown: &str, bytes: &[u8]) -> std::io::Result<Contents> {
    let whole = bytes.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
    let tail = &bytes[whole..];
    let mut contents =
        Contents { keep: (!tail.is_empty()).then_some(whole as u64), len: bytes.len() as u64, ..Contents::default() };
    if whole == 0 {
        // No complete line: empty, or a header cut short (zeros where a
        // power cut left the length but not the bytes). A run that stopped
        // before its header was whole: nothing to resume.
        let torn_header = tail.starts_with(HEADER_START) || HEADER_START.starts_with(tail);
        if torn_header || tail.iter().all(|b| *b == 0) {
            return Ok(contents);
        }
        return Err(invalid(shown, 1, "not a journal: a journal starts with its header line ({\"operation\": ...})"));
    }
    for (number, line) in bytes[..whole].split(|b| *b == b'\n').enumerate() {
        let number = number + 1;
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let value: serde_json::Value = serde_json::from_slice(line)
            .map_err(|err| invalid(shown, number, format_args!("not a journal line: {err}")))?;
        let is_header = value.get("operation").is_some();
        if contents.header.is_none() && !is_header {
            return Err(invalid(
                shown,
                number,
                "not a journal: a journal starts with its header line ({\"operation\": ...})",
            ));
        }
        if is_header {
            let read: JournalHeader = serde_json::from_value(value)
                .map_err(|err| invalid(shown, number, format_args!("not a journal header: {err}")))?;
            match &contents.header {
                Some(first) if (&first.operation, &first.ids_sha256) != (&read.operation, &read.ids_sha256) => {
                    return Err(invalid(
                        shown,
                        number,
                        format_args!(
                            "two runs in one journal: `{}` over ids_sha256 {} here, `{}` over ids_sha256 {} at the start",
                            read.operation, read.ids_sha256, first.operation, first.ids_sha256
                        ),
                    ));
                }
                Some(_) => {}
                None => contents.header = Some(read),
            }
        } else if let Some(n) = value.get("sending") {
            let id = value.get("id").and_then(|id| id.as_str()).ok_or_else(|| invalid(shown, number, "no id"))?;
            let n = count(n, shown, number, "sending")?;
            contents.sending.insert(id.to_owned(), n);
        } else {
            for field in ["attempts", "lost_answers"] {
                if let Some(n) = value.get(field) {
                    count(n, shown, number, field)?;
                }
            }
            let line: OutcomeLine = serde_json::from_value(value)
                .map_err(|err| invalid(shown, number, format_args!("not a journal line: {err}")))?;
            if let Some(rate) = line.rate_limit {
                contents.window = Some(lower_window(contents.window, rate));
            }
            contents.recorded.insert(line.entry.id.clone(), line.entry);
        }
    }
    if contents.header.is_none() {
        return Err(invalid(shown, 1, "not a journal: no header line"));
    }
    Ok(contents)
}

impl Journal {
    /// Creates the journal of a new run and syncs its folder; fails if the
    /// file exists (resume it with [`Journal::open`], or choose another
    /// path). The header is written when the run begins.
    pub fn create(path: impl AsRef<Path>) -> std::io::Result<Journal> {
        let path = path.as_ref();
        let file = std::fs::OpenOptions::new().append(true).create_new(true).open(path)?;
        if let Err(err) = sync_folder(path) {
            // Still empty: this call made it, and leaves nothing behind.
            drop(file);
            let _ = std::fs::remove_file(path);
            return Err(err);
        }
        Ok(Journal::from_parts(file, path, Contents::default(), false))
    }

    /// Opens the journal of an earlier run to resume it: reads and checks
    /// all of it before anything is written, then appends from there.
    ///
    /// A file that is not a journal is an error, and stays as it was. A
    /// partial last line (a power cut while it was written) is dropped when
    /// the run writes its first line. A file with no complete line (empty,
    /// or a header cut short) is a journal no run has begun: the run starts
    /// it afresh. Whether the journal records the run about to resume it
    /// (its operation, its ids) is checked when that run begins, or before
    /// with `Journal::check`.
    pub fn open(path: impl AsRef<Path>) -> std::io::Result<Journal> {
        let path = path.as_ref();
        let mut bytes = Vec::new();
        std::fs::File::open(path)?.read_to_end(&mut bytes)?;
        let contents = read_journal(&path.display().to_string(), &bytes)?;
        let file = std::fs::OpenOptions::new().append(true).open(path)?;
        let fresh = contents.header.is_none();
        Ok(Journal::from_parts(file, path, contents, fresh))
    }

    fn from_parts(file: std::fs::File, path: &Path, contents: Contents, folder_unsynced: bool) -> Journal {
        let inner = Inner {
            file,
            path: path.to_path_buf(),
            header: contents.header,
            recorded: contents.recorded,
            sending: contents.sending,
            window: contents.window,
            keep: contents.keep,
            folder_unsynced,
            written: contents.len,
            synced: contents.len,
            last_sync: std::time::Instant::now(),
            error: None,
        };
        Journal { inner: Arc::new(Mutex::new(inner)) }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The journal's first header (`None` for a journal no run has begun).
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

    /// How many bytes of the file are known to be on disk: its length when
    /// it was last synced (or read). Every `sending` line is below it by
    /// the time its request is sent.
    pub fn synced_len(&self) -> u64 {
        self.lock().synced
    }

    /// The digest a journal's header keeps of a run's ids (`ids_sha256`):
    /// the SHA-256, in lowercase hex, of the distinct ids sorted by their
    /// bytes, each as its length (8 bytes, little-endian) then its UTF-8
    /// bytes. The order the ids come in, and repeats, do not change it.
    #[cfg(feature = "bulk")]
    pub fn ids_digest<S: AsRef<str>>(ids: &[S]) -> String {
        ids_digest(ids).1
    }

    /// Whether a run of `operation` over `ids` may write to this journal:
    /// yes for a journal no run has begun, and for one that records that
    /// same run (same operation, same ids in any order). The error names
    /// what the journal records and what the run is. Writes nothing;
    /// `run_bulk` checks the same before it writes its header.
    #[cfg(feature = "bulk")]
    pub fn check<S: AsRef<str>>(&self, operation: &str, ids: &[S]) -> Result<(), String> {
        let (count, digest) = ids_digest(ids);
        self.lock().check(operation, count, &digest)
    }

    /// Starts a run (or a resumption) of `operation` over `ids` (distinct):
    /// checks the journal records that run, then writes its header and
    /// syncs it. A journal of another run is refused, and left as it is.
    #[cfg(feature = "bulk")]
    pub(super) fn begin(&self, operation: &str, ids: &[String]) -> Result<(), String> {
        let (count, digest) = ids_digest(ids);
        let mut inner = self.lock();
        inner.check(operation, count, &digest)?;
        if let Some(keep) = inner.keep {
            inner.cut(keep)?;
        }
        let header = JournalHeader {
            operation: operation.to_owned(),
            started: rfc3339(std::time::SystemTime::now()),
            ids: count,
            ids_sha256: digest,
            resumed: inner.header.is_some(),
        };
        inner.write(&header)?;
        inner.header.get_or_insert(header);
        inner.sync()?;
        if inner.folder_unsynced {
            sync_folder(&inner.path).map_err(|err| inner.fail(err))?;
            inner.folder_unsynced = false;
        }
        Ok(())
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
    /// what a resumed run may still send in it. `None` when its reset lies
    /// further ahead than `max_wait` (a day at most): a run would not wait
    /// for it, and the live window is learned by sending. `now` is time
    /// since the epoch on the client's clock.
    pub(super) fn window_hint(&self, max_wait: std::time::Duration, now: std::time::Duration) -> Option<RateLimit> {
        let inner = self.lock();
        let window = inner.window?;
        let latest = now.as_secs().saturating_add(max_wait.min(MAX_JOURNAL_RESET_AHEAD).as_secs());
        if window.reset > latest {
            return None;
        }
        let unanswered = inner
            .sending
            .iter()
            .filter(|(id, _)| inner.recorded.get(*id).is_none_or(|e| e.outcome == BulkOutcome::NotAttempted))
            .fold(0u64, |sum, (_, n)| sum.saturating_add(u64::from(*n)));
        Some(RateLimit { remaining: window.remaining.saturating_sub(unanswered), ..window })
    }

    /// Notes that attempt `attempt` of `id` is about to be sent, and syncs
    /// the note to disk before returning (before the request goes out).
    pub(super) fn sending(&self, id: &str, attempt: u32) {
        let mut inner = self.lock();
        if inner.write(&SendingLine { id, sending: attempt }).is_ok() {
            inner.sending.insert(id.to_owned(), attempt);
            let _ = inner.sync();
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

/// How many distinct ids, and their digest (see `Journal::ids_digest`).
#[cfg(feature = "bulk")]
fn ids_digest<S: AsRef<str>>(ids: &[S]) -> (usize, String) {
    use sha2::Digest;
    let mut sorted: Vec<&str> = ids.iter().map(AsRef::as_ref).collect();
    sorted.sort_unstable();
    sorted.dedup();
    let mut hasher = sha2::Sha256::new();
    for id in &sorted {
        hasher.update((id.len() as u64).to_le_bytes());
        hasher.update(id.as_bytes());
    }
    let hex = hasher.finalize().iter().fold(String::with_capacity(64), |mut hex, byte| {
        use std::fmt::Write as _;
        let _ = write!(hex, "{byte:02x}");
        hex
    });
    (sorted.len(), hex)
}

impl Inner {
    /// Whether the journal records this run, or none yet.
    #[cfg(feature = "bulk")]
    fn check(&self, operation: &str, count: usize, digest: &str) -> Result<(), String> {
        match &self.header {
            Some(header) if header.operation != operation || header.ids_sha256 != digest => Err(format!(
                "the journal {} records another run: it has `{}` over {} ids (ids_sha256 {}), this run is `{operation}` \
                 over {count} ids (ids_sha256 {digest}); resume it with the operation and the ids it was started \
                 with, or give a new journal",
                self.path.display(),
                header.operation,
                header.ids,
                header.ids_sha256,
            )),
            _ => Ok(()),
        }
    }

    /// Drops a partial last line before the first line is written.
    #[cfg(feature = "bulk")]
    fn cut(&mut self, keep: u64) -> Result<(), String> {
        if let Some(err) = &self.error {
            return Err(err.clone());
        }
        self.file.set_len(keep).map_err(|err| self.fail(err))?;
        self.keep = None;
        self.written = keep;
        self.synced = self.synced.min(keep);
        Ok(())
    }

    /// Writes one line with one `write` call; the first failure sticks.
    fn write<T: serde::Serialize>(&mut self, line: &T) -> Result<(), String> {
        if let Some(err) = &self.error {
            return Err(err.clone());
        }
        let mut text = serde_json::to_vec(line).map_err(|err| err.to_string())?;
        text.push(b'\n');
        self.file.write_all(&text).map_err(|err| self.fail(err))?;
        self.written = self.written.saturating_add(text.len() as u64);
        Ok(())
    }

    fn sync(&mut self) -> Result<(), String> {
        if let Some(err) = &self.error {
            return Err(err.clone());
        }
        self.last_sync = std::time::Instant::now();
        self.file.sync_data().map_err(|err| self.fail(err))?;
        self.synced = self.written;
        Ok(())
    }

    fn fail(&mut self, err: std::io::Error) -> String {
        let text = format!("cannot write the journal {}: {err}", self.path.display());
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
mod tests;
