//! Running one call over many ids (cancel in bulk): the per-id outcomes,
//! the report, and, with the `bulk` feature, the runner itself, which
//! sends through the client (its retries, its shared rate-limit pacing) and
//! keeps a journal a killed run resumes from.

use std::fmt;

use super::cancel::{cancel_outcome, CancelOutcome, CancelRule};
use super::client::{RateLimit, Response};
use super::error::Error;
use super::journal::Journal;

/// The outcome of one id in a bulk run. In a journal or a report, the
/// `outcome` field names it: `queued`, `canceled`, `already_gone`,
/// `not_eligible`, `not_found`, `failed` or `not_attempted`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum BulkOutcome {
    /// This run's request took effect: canceled (or removed).
    Canceled,
    /// This run's request took effect: accepted and queued (Dropbox Sign's
    /// cancel), confirmed later.
    Queued,
    /// Already canceled or deleted before this run: the first answer was a
    /// 410, and no earlier attempt of this run may have landed.
    AlreadyGone {
        /// The provider's reason.
        reason: String,
    },
    /// The provider refused: not eligible.
    NotEligible {
        /// The provider's reason.
        reason: String,
    },
    /// No such id.
    NotFound {
        /// The provider's reason.
        reason: String,
    },
    /// Failed, after the retries the run allows. When `lost_answers` is not
    /// zero, a request may have taken effect all the same.
    Failed {
        /// What went wrong.
        reason: String,
        /// The last status, when a response arrived.
        status: Option<u16>,
    },
    /// Never sent: the run stopped first (its deadline, a journal that
    /// could not be written), no connection could be made, or the rate
    /// limit asked to wait longer than the run may. Not final: a resumed
    /// run sends it.
    NotAttempted,
}

impl BulkOutcome {
    /// The outcome's name, as the `outcome` field writes it.
    pub fn name(&self) -> &'static str {
        match self {
            BulkOutcome::Canceled => "canceled",
            BulkOutcome::Queued => "queued",
            BulkOutcome::AlreadyGone { .. } => "already_gone",
            BulkOutcome::NotEligible { .. } => "not_eligible",
            BulkOutcome::NotFound { .. } => "not_found",
            BulkOutcome::Failed { .. } => "failed",
            BulkOutcome::NotAttempted => "not_attempted",
        }
    }
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// One id and how it ended.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BulkEntry {
    /// The id.
    pub id: String,
    /// Its outcome.
    #[serde(flatten)]
    pub outcome: BulkOutcome,
    /// Requests sent for it that may have reached the server, over every
    /// run of the journal (more than one after retries; 0 when never sent).
    pub attempts: u32,
    /// How many of those lost their answer (timeout, reset connection,
    /// truncated body, 502 or 504, or a run that stopped while it was being
    /// sent): each may have taken effect. Left out when 0.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub lost_answers: u32,
}

/// Every id of a bulk run with its outcome: as many entries as ids, in the
/// order given. Serializable; a run with a journal can also be resumed from
/// the journal alone (see `BulkOptions::journal`).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BulkReport {
    /// The entries, one per id.
    pub entries: Vec<BulkEntry>,
    /// Why the journal could not be written, if it could not (the run
    /// stopped sending there: the ids after are `NotAttempted`), or why it
    /// was refused (it records another run: nothing was sent, every id is
    /// `NotAttempted`, and the file was left as it was).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub journal_error: Option<String>,
}

impl BulkReport {
    /// The ids a later run should send again: not attempted, or failed.
    pub fn pending_ids(&self) -> Vec<String> {
        self.entries
            .iter()
            .filter(|e| matches!(e.outcome, BulkOutcome::NotAttempted | BulkOutcome::Failed { .. }))
            .map(|e| e.id.clone())
            .collect()
    }

    /// Takes the outcomes of a later run (of some of the same ids) over this one's.
    pub fn merge(&mut self, later: BulkReport) {
        for entry in later.entries {
            match self.entries.iter_mut().find(|e| e.id == entry.id) {
                Some(existing) => *existing = entry,
                None => self.entries.push(entry),
            }
        }
        if later.journal_error.is_some() {
            self.journal_error = later.journal_error;
        }
    }

    /// How many entries have each kind of outcome.
    pub fn counts(&self) -> std::collections::BTreeMap<&'static str, usize> {
        let mut counts = std::collections::BTreeMap::new();
        for entry in &self.entries {
            *counts.entry(entry.outcome.name()).or_insert(0) += 1;
        }
        counts
    }
}

/// Progress of a bulk run, reported after each id.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BulkProgress {
    /// Ids finished (with those a resumed journal already had).
    pub done: usize,
    /// Ids in the run.
    pub total: usize,
    /// Ids finished per second so far in this run.
    pub per_second: f64,
    /// Estimated time left at that rate.
    pub remaining: std::time::Duration,
}

/// How a bulk run proceeds.
///
/// | field | default |
/// |---|---|
/// | [`max_concurrency`](Self::max_concurrency) | 8 |
/// | [`deadline`](Self::deadline) | none |
/// | [`max_attempts`](Self::max_attempts) | 5 |
/// | [`max_rate_limit_wait`](Self::max_rate_limit_wait) | 1 hour |
/// | [`journal`](Self::journal) | none |
/// | [`on_progress`](Self::on_progress) | none |
///
/// The other retry settings (back-off, request timeout, the retry hook)
/// are the client's `RetryPolicy`.
///
/// `#[non_exhaustive]`, so a setting added later breaks no caller: start
/// from [`BulkOptions::default()`] and set the fields you change.
#[derive(Clone)]
#[non_exhaustive]
pub struct BulkOptions {
    /// Requests in flight at most. Default 8.
    pub max_concurrency: usize,
    /// Stop sending after this long: no new id starts, no retry or wait
    /// goes past it, and ids not sent are `NotAttempted`. Default none.
    pub deadline: Option<std::time::Duration>,
    /// Requests per id at most: rate-limited, unavailable and unreachable
    /// ids are sent again (with the client's back-off, paced with the rest
    /// by the client's rate-limit window), until this many. Default 5.
    pub max_attempts: u32,
    /// The longest wait for a rate-limit reset: a bulk run is batch work and
    /// may wait for the window to reset (an hour at most for Dropbox Sign),
    /// unlike a single call (`RetryPolicy::max_rate_limit_wait`, 20 s in all
    /// by default).
    /// Default 1 hour.
    pub max_rate_limit_wait: std::time::Duration,
    /// Where the run writes every id's outcome as soon as it is final, and
    /// from which a run killed at any instant resumes: [`Journal::create`]
    /// for a new run, [`Journal::open`] to resume one (the ids that have an
    /// outcome there are not sent again; the report has them all). A
    /// journal of another run (another operation, other ids) is refused
    /// before anything is written or sent (`BulkReport::journal_error`).
    /// Default none: outcomes live only in the returned report.
    pub journal: Option<Journal>,
    /// Called after each id. Default none.
    pub on_progress: Option<ProgressHook>,
}

/// A function called with a bulk run's progress.
pub type ProgressHook = std::sync::Arc<dyn Fn(&BulkProgress) + Send + Sync>;

impl Default for BulkOptions {
    fn default() -> Self {
        BulkOptions {
            max_concurrency: 8,
            deadline: None,
            max_attempts: 5,
            max_rate_limit_wait: std::time::Duration::from_secs(3600),
            journal: None,
            on_progress: None,
        }
    }
}

impl fmt::Debug for BulkOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BulkOptions")
            .field("max_concurrency", &self.max_concurrency)
            .field("deadline", &self.deadline)
            .field("max_attempts", &self.max_attempts)
            .field("max_rate_limit_wait", &self.max_rate_limit_wait)
            .field("journal", &self.journal)
            .finish_non_exhaustive()
    }
}

/// How one id's call ended, as a bulk run takes it in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BulkCall {
    /// The outcome.
    pub outcome: BulkOutcome,
    /// Requests sent that may have reached the server.
    pub attempts: u32,
    /// How many of those lost their answer.
    pub lost_answers: u32,
    /// The rate limit the last answer reported.
    pub rate_limit: Option<RateLimit>,
}

impl BulkCall {
    /// A call that succeeded with `outcome`.
    pub fn success<T, W>(outcome: BulkOutcome, response: &Response<T, W>) -> Self {
        BulkCall {
            outcome,
            attempts: response.attempts,
            lost_answers: response.lost_answers,
            rate_limit: response.rate_limit,
        }
    }

    /// A call that failed, classified by the spec's cancel rules (see [`bulk_outcome`]).
    pub fn failure<E: fmt::Debug>(
        err: &Error<E>,
        rules: &[CancelRule],
        message: Option<&str>,
        success: BulkOutcome,
    ) -> Self {
        BulkCall {
            outcome: bulk_outcome(err, rules, message, success),
            attempts: err.attempts(),
            lost_answers: err.lost_answers(),
            rate_limit: err.rate_limit(),
        }
    }
}

/// The ids in their first-seen order, each once.
#[cfg(feature = "bulk")]
fn distinct(ids: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::with_capacity(ids.len());
    ids.into_iter().filter(|id| seen.insert(id.clone())).collect()
}

/// The outcome of one id from a failed call, by the spec's cancel rules: a
/// 410 after an attempt whose answer was lost is this run's success (that
/// attempt got through); a 410 otherwise is `AlreadyGone`. A call that sent
/// nothing (no connection, a rate-limit wait longer than allowed) is
/// `NotAttempted`, unless the request itself was refused before sending.
pub fn bulk_outcome<E: fmt::Debug>(
    err: &Error<E>,
    rules: &[CancelRule],
    message: Option<&str>,
    success: BulkOutcome,
) -> BulkOutcome {
    if err.attempts() == 0 && !matches!(err, Error::InvalidRequest(_)) {
        return BulkOutcome::NotAttempted;
    }
    let lost = err.lost_answers();
    let status = err.status().map(|s| s.as_u16());
    match cancel_outcome(err, rules, message) {
        CancelOutcome::NotFound { .. } if status == Some(410) && lost > 0 => success,
        CancelOutcome::NotFound { reason } if status == Some(410) => BulkOutcome::AlreadyGone { reason },
        CancelOutcome::NotFound { reason } => BulkOutcome::NotFound { reason },
        CancelOutcome::NotEligible { reason } => BulkOutcome::NotEligible { reason },
        CancelOutcome::Canceled => BulkOutcome::Canceled,
        CancelOutcome::Queued => BulkOutcome::Queued,
        CancelOutcome::Failed { mut reason, status } => {
            if lost > 0 {
                reason.push_str(" (an attempt's answer was lost: it may have taken effect)");
            }
            BulkOutcome::Failed { reason, status: status.map(|s| s.as_u16()) }
        }
    }
}

#[cfg(feature = "bulk")]
impl super::client::ClientCore {
    /// Runs `call` for every id, at most `options.max_concurrency` at once.
    ///
    /// Each call gets a copy of this client (`call`'s first argument) with
    /// the run's retry settings (`options.max_attempts`,
    /// `options.max_rate_limit_wait`, the run's deadline) and the client's
    /// rate-limit window, shared with every other call and run of this
    /// client: requests wait while the window is spent, and while no window
    /// is known yet one request goes first to learn it. So retries are
    /// paced with the rest, and an id whose answer was lost and whose retry
    /// finds it gone is this run's success.
    ///
    /// With `options.journal`, the journal must record this run (this
    /// `operation` over these ids, in any order) or none yet: another run's
    /// journal is refused, nothing is sent and every id is `NotAttempted`.
    /// Every attempt is noted (and synced to disk) right before it is sent
    /// and every outcome written as soon as it is final; ids the journal
    /// already has an outcome for are not sent, and the window the journal
    /// last saw (less what may have been sent after) paces the start,
    /// unless its reset lies further ahead than the run would wait.
    /// Counts read back from the journal never wrap: they stop at
    /// `u32::MAX`. Every id gets exactly one entry, in order. An id given more
    /// than once is sent once and reported once, at its first place: a
    /// second send would find it gone and misreport this run's own cancel.
    pub async fn run_bulk<F, Fut>(
        &self,
        operation: &str,
        ids: Vec<String>,
        options: &BulkOptions,
        call: F,
    ) -> BulkReport
    where
        F: Fn(super::client::ClientCore, String) -> Fut,
        Fut: std::future::Future<Output = BulkCall>,
    {
        use futures_util::StreamExt;
        let started = tokio::time::Instant::now();
        let deadline = options.deadline.map(|d| started + d);
        let ids = distinct(ids);
        let total = ids.len();
        let mut journal = options.journal.as_ref();
        let mut entries: Vec<Option<BulkEntry>> = vec![None; total];
        let mut journal_error = None;
        if let Some(open) = journal {
            match open.begin(operation, &ids) {
                Ok(()) => {
                    for (slot, id) in entries.iter_mut().zip(&ids) {
                        *slot = open.final_entry(id);
                    }
                    if let Some(window) = open.window_hint(options.max_rate_limit_wait, self.clock().since_epoch()) {
                        self.observe_rate_limit(window);
                    }
                }
                Err(err) => {
                    // Refused (another run's journal) or not writable:
                    // nothing of it is used, nothing more is written.
                    journal_error = Some(err);
                    journal = None;
                }
            }
        }
        let mut queue: std::collections::VecDeque<usize> = (0..total).filter(|&i| entries[i].is_none()).collect();
        let policy = super::retry::RetryPolicy {
            max_attempts: options.max_attempts,
            max_rate_limit_wait: options.max_rate_limit_wait,
            deadline: None,
            ..self.retry_policy().clone()
        };
        let base = self.clone().with_retry(policy, self.retry_rules());
        let already = total - queue.len();
        let mut done = already;
        let mut running = futures_util::stream::FuturesUnordered::new();
        loop {
            while running.len() < options.max_concurrency.max(1) && journal_error.is_none() {
                if deadline.is_some_and(|d| tokio::time::Instant::now() >= d) {
                    break;
                }
                let Some(index) = queue.pop_front() else { break };
                let id = ids[index].clone();
                let before = journal.map_or(0, |j| j.sent_before(&id));
                let mut core = base.clone();
                core.call = super::client::CallContext {
                    deadline,
                    learn_first: true,
                    prior_lost: u32::from(before > 0),
                    before_send: journal.map(|journal| {
                        let (journal, id) = (journal.clone(), id.clone());
                        std::sync::Arc::new(move |attempt: u32| journal.sending(&id, before.saturating_add(attempt)))
                            as std::sync::Arc<dyn Fn(u32) + Send + Sync>
                    }),
                };
                let future = call(core, id);
                running.push(async move { (index, before, future.await) });
            }
            let Some((index, before, result)) = running.next().await else { break };
            let entry = BulkEntry {
                id: ids[index].clone(),
                outcome: result.outcome,
                attempts: before.saturating_add(result.attempts),
                lost_answers: result.lost_answers,
            };
            if let Some(journal) = journal {
                if let Err(err) = journal.record(&entry, result.rate_limit) {
                    journal_error.get_or_insert(err);
                }
            }
            entries[index] = Some(entry);
            done += 1;
            if let Some(progress) = &options.on_progress {
                let elapsed = started.elapsed().as_secs_f64().max(1e-9);
                let per_second = (done - already) as f64 / elapsed;
                let remaining = std::time::Duration::from_secs_f64((total - done) as f64 / per_second.max(1e-9));
                progress(&BulkProgress { done, total, per_second, remaining });
            }
        }
        // What was never sent.
        for (slot, id) in entries.iter_mut().zip(&ids) {
            if slot.is_none() {
                let attempts = journal.map_or(0, |j| j.sent_before(id));
                let entry = BulkEntry { id: id.clone(), outcome: BulkOutcome::NotAttempted, attempts, lost_answers: 0 };
                if let (Some(journal), None) = (journal, &journal_error) {
                    if let Err(err) = journal.record(&entry, None) {
                        journal_error = Some(err);
                    }
                }
                *slot = Some(entry);
            }
        }
        if let (Some(journal), None) = (journal, &journal_error) {
            if let Err(err) = journal.finish() {
                journal_error = Some(err);
            }
        }
        BulkReport { entries: entries.into_iter().flatten().collect(), journal_error }
    }
}

#[cfg(test)]
mod tests {
    use super::super::error::RawResponse;
    use super::*;
    use bytes::Bytes;
    use reqwest::header::HeaderMap;
    use reqwest::StatusCode;

    fn entry(id: &str, outcome: BulkOutcome) -> BulkEntry {
        BulkEntry { id: id.to_owned(), outcome, attempts: 1, lost_answers: 0 }
    }

    fn failed(status: Option<u16>) -> BulkOutcome {
        BulkOutcome::Failed { reason: "x".to_owned(), status }
    }

    fn api_error(status: u16, attempts: u32, lost_answers: u32) -> Error<()> {
        let response = RawResponse {
            status: StatusCode::from_u16(status).unwrap(),
            headers: HeaderMap::new(),
            rate_limit: None,
            body: Bytes::from_static(br#"{"message":"why"}"#),
            attempts,
            lost_answers,
            waits: Vec::new(),
        };
        Error::Api { body: (), response: Box::new(response) }
    }

    const RULES: &[CancelRule] = &[
        CancelRule { status: Some(404), pointer: None, outcome: |reason| CancelOutcome::NotFound { reason } },
        CancelRule { status: Some(410), pointer: None, outcome: |reason| CancelOutcome::NotFound { reason } },
        CancelRule { status: Some(409), pointer: None, outcome: |reason| CancelOutcome::NotEligible { reason } },
    ];

    #[test]
    fn reports_count_their_outcomes() {
        let report = BulkReport {
            entries: vec![
                entry("a", BulkOutcome::Canceled),
                entry("b", BulkOutcome::Canceled),
                entry("c", failed(Some(503))),
                entry("d", BulkOutcome::NotAttempted),
                entry("e", BulkOutcome::NotFound { reason: "x".to_owned() }),
                entry("f", BulkOutcome::Queued),
            ],
            journal_error: None,
        };
        let counts: Vec<(&str, usize)> = report.counts().into_iter().collect();
        assert_eq!(counts, [("canceled", 2), ("failed", 1), ("not_attempted", 1), ("not_found", 1), ("queued", 1)]);
        assert_eq!(report.pending_ids(), ["c", "d"]);
        assert!(BulkReport::default().counts().is_empty());
    }

    #[test]
    fn a_later_run_takes_over() {
        let mut report = BulkReport {
            entries: vec![entry("a", failed(None)), entry("b", BulkOutcome::Canceled)],
            journal_error: None,
        };
        report.merge(BulkReport {
            entries: vec![entry("a", BulkOutcome::Canceled), entry("c", BulkOutcome::Queued)],
            journal_error: None,
        });
        let ids: Vec<(&str, &BulkOutcome)> = report.entries.iter().map(|e| (e.id.as_str(), &e.outcome)).collect();
        assert_eq!(ids, [("a", &BulkOutcome::Canceled), ("b", &BulkOutcome::Canceled), ("c", &BulkOutcome::Queued)]);
        assert!(report.pending_ids().is_empty());
    }

    #[test]
    fn reports_round_trip_through_json() {
        let report = BulkReport {
            entries: vec![
                BulkEntry { id: "a".to_owned(), outcome: failed(Some(503)), attempts: 2, lost_answers: 1 },
                entry("b", BulkOutcome::AlreadyGone { reason: "deleted".to_owned() }),
                BulkEntry { id: "c".to_owned(), outcome: BulkOutcome::NotAttempted, attempts: 0, lost_answers: 0 },
            ],
            journal_error: None,
        };
        let json = serde_json::to_value(&report).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"entries": [
                {"id": "a", "outcome": "failed", "reason": "x", "status": 503, "attempts": 2, "lost_answers": 1},
                {"id": "b", "outcome": "already_gone", "reason": "deleted", "attempts": 1},
                {"id": "c", "outcome": "not_attempted", "attempts": 0},
            ]})
        );
        assert_eq!(serde_json::from_value::<BulkReport>(json).unwrap(), report);
        let names: Vec<&str> = [
            BulkOutcome::Queued,
            BulkOutcome::Canceled,
            BulkOutcome::AlreadyGone { reason: String::new() },
            BulkOutcome::NotEligible { reason: String::new() },
            BulkOutcome::NotFound { reason: String::new() },
            failed(None),
            BulkOutcome::NotAttempted,
        ]
        .iter()
        .map(BulkOutcome::name)
        .collect();
        assert_eq!(
            names,
            ["queued", "canceled", "already_gone", "not_eligible", "not_found", "failed", "not_attempted"]
        );
    }

    #[test]
    fn failed_calls_become_outcomes() {
        let success = BulkOutcome::Canceled;
        let outcome = |err: &Error<()>| bulk_outcome(err, RULES, Some("/message"), success.clone());
        assert_eq!(outcome(&api_error(404, 1, 0)), BulkOutcome::NotFound { reason: "why".to_owned() });
        assert_eq!(outcome(&api_error(410, 1, 0)), BulkOutcome::AlreadyGone { reason: "why".to_owned() });
        // A 410 after an attempt whose answer was lost: that attempt got through.
        assert_eq!(outcome(&api_error(410, 2, 1)), BulkOutcome::Canceled);
        // A 410 after a refusal (429, 503): the refused attempt did nothing.
        assert_eq!(outcome(&api_error(410, 2, 0)), BulkOutcome::AlreadyGone { reason: "why".to_owned() });
        assert_eq!(outcome(&api_error(409, 1, 0)), BulkOutcome::NotEligible { reason: "why".to_owned() });
        assert_eq!(outcome(&api_error(503, 3, 0)), BulkOutcome::Failed { reason: "why".to_owned(), status: Some(503) });
        let BulkOutcome::Failed { reason, .. } = outcome(&api_error(504, 3, 3)) else { panic!() };
        assert!(reason.ends_with("(an attempt's answer was lost: it may have taken effect)"), "{reason}");
        let err: Error<()> = Error::InvalidRequest("empty id".to_owned());
        let expected = BulkOutcome::Failed { reason: "invalid request: empty id".to_owned(), status: None };
        assert_eq!(outcome(&err), expected);
        let err: Error<()> = Error::RateLimited {
            retry_at: std::time::SystemTime::now(),
            wanted: std::time::Duration::from_secs(7200),
            response: None,
            attempts: 0,
            lost_answers: 0,
        };
        assert_eq!(outcome(&err), BulkOutcome::NotAttempted);
        let call = BulkCall::failure(&api_error(410, 2, 1), RULES, None, BulkOutcome::Queued);
        assert_eq!((call.outcome, call.attempts, call.lost_answers), (BulkOutcome::Queued, 2, 1));
    }

    #[test]
    fn options_default_and_debug() {
        let options = BulkOptions::default();
        assert_eq!((options.max_concurrency, options.deadline, options.max_attempts), (8, None, 5));
        assert_eq!(options.max_rate_limit_wait, std::time::Duration::from_secs(3600));
        assert!(options.journal.is_none());
        let options = BulkOptions { on_progress: Some(std::sync::Arc::new(|_: &BulkProgress| {})), ..options };
        assert_eq!(
            format!("{options:?}"),
            "BulkOptions { max_concurrency: 8, deadline: None, max_attempts: 5, max_rate_limit_wait: 3600s, journal: None, .. }"
        );
    }

    // Runs whose calls are stand-ins (no HTTP, no timer).
    #[cfg(feature = "bulk")]
    mod runs {
        use super::super::super::client::ClientCore;
        use super::super::super::secret::Auth;
        use super::*;
        use std::sync::{Arc, Mutex};

        fn core() -> ClientCore {
            ClientCore::new(reqwest::Client::new(), "http://127.0.0.1:9", Auth::None, None).unwrap()
        }

        fn run(ids: &[&str], options: &BulkOptions, answers: impl Fn(&str) -> BulkCall) -> BulkReport {
            let call = |_core: ClientCore, id: String| {
                let answer = answers(&id);
                async move { answer }
            };
            let ids = ids.iter().map(|id| (*id).to_owned()).collect();
            super::super::super::block_on(core().run_bulk("cancel", ids, options, call))
        }

        fn answer(outcome: BulkOutcome, attempts: u32) -> BulkCall {
            BulkCall { outcome, attempts, lost_answers: 0, rate_limit: None }
        }

        #[test]
        fn every_id_gets_one_entry_in_order() {
            let progress = Arc::new(Mutex::new(Vec::new()));
            let seen = Arc::clone(&progress);
            let options = BulkOptions {
                max_concurrency: 2,
                on_progress: Some(Arc::new(move |p: &BulkProgress| seen.lock().unwrap().push((p.done, p.total)))),
                ..BulkOptions::default()
            };
            let report = run(&["a", "b", "c", "d"], &options, |id| match id {
                "b" => answer(BulkOutcome::NotFound { reason: "no".to_owned() }, 1),
                "c" => answer(BulkOutcome::Canceled, 3),
                _ => answer(BulkOutcome::Canceled, 1),
            });
            let ids: Vec<(&str, u32)> = report.entries.iter().map(|e| (e.id.as_str(), e.attempts)).collect();
            assert_eq!(ids, [("a", 1), ("b", 1), ("c", 3), ("d", 1)]);
            assert_eq!(report.counts().get("canceled"), Some(&3));
            assert_eq!(*progress.lock().unwrap(), [(1, 4), (2, 4), (3, 4), (4, 4)]);
        }

        #[test]
        fn nothing_is_sent_past_the_deadline() {
            let options = BulkOptions { deadline: Some(std::time::Duration::ZERO), ..BulkOptions::default() };
            let report = run(&["a", "b"], &options, |_| panic!("nothing should be sent"));
            assert!(report.entries.iter().all(|e| e.outcome == BulkOutcome::NotAttempted && e.attempts == 0));
            assert_eq!(report.pending_ids(), ["a", "b"]);
        }
    }
}
