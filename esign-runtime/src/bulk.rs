//! Running one call over many ids (cancel in bulk): the per-id outcomes,
//! a report that can be saved and resumed, and, with the `bulk` feature,
//! the paced runner itself.

use std::fmt;

use super::cancel::{cancel_outcome, CancelOutcome, CancelRule};
#[cfg(feature = "bulk")]
use super::client::RateLimit;
use super::error::Error;

/// The outcome of one id in a bulk run.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum BulkOutcome {
    /// Canceled (or removed) now.
    Canceled,
    /// Accepted and queued (Dropbox Sign's cancel): confirmed later.
    Queued,
    /// Already canceled or deleted before this run.
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
    /// Failed, after the retries the policy allows.
    Failed {
        /// What went wrong.
        reason: String,
        /// The last status, when a response arrived.
        status: Option<u16>,
    },
    /// Not sent: the run's deadline passed first.
    NotAttempted,
}

/// One id and how it ended.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BulkEntry {
    /// The id.
    pub id: String,
    /// Its outcome.
    #[serde(flatten)]
    pub outcome: BulkOutcome,
    /// Requests sent for it (more than one after retries).
    pub attempts: u32,
}

/// Every id of a bulk run with its outcome: as many entries as ids, in the
/// order given. Serializable, so a run can be saved and resumed.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BulkReport {
    /// The entries, one per id.
    pub entries: Vec<BulkEntry>,
}

impl BulkReport {
    /// The ids a resumed run should send again: not attempted, or failed.
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
    }

    /// How many entries have each kind of outcome.
    pub fn counts(&self) -> std::collections::BTreeMap<&'static str, usize> {
        let mut counts = std::collections::BTreeMap::new();
        for entry in &self.entries {
            let kind = match entry.outcome {
                BulkOutcome::Canceled => "canceled",
                BulkOutcome::Queued => "queued",
                BulkOutcome::AlreadyGone { .. } => "already_gone",
                BulkOutcome::NotEligible { .. } => "not_eligible",
                BulkOutcome::NotFound { .. } => "not_found",
                BulkOutcome::Failed { .. } => "failed",
                BulkOutcome::NotAttempted => "not_attempted",
            };
            *counts.entry(kind).or_insert(0) += 1;
        }
        counts
    }
}

/// Progress of a bulk run, reported after each id.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BulkProgress {
    /// Ids finished.
    pub done: usize,
    /// Ids in the run.
    pub total: usize,
    /// Ids finished per second so far.
    pub per_second: f64,
    /// Estimated time left at that rate.
    pub remaining: std::time::Duration,
}

/// How a bulk run proceeds.
#[derive(Clone)]
pub struct BulkOptions {
    /// Requests in flight at most.
    pub max_concurrency: usize,
    /// Stop sending after this long; unsent ids are `NotAttempted`.
    pub deadline: Option<std::time::Duration>,
    /// Requests per id at most: rate-limited, unavailable and unreachable
    /// ids are sent again, paced with the rest, until this many.
    pub max_attempts: u32,
    /// Called after each id.
    pub on_progress: Option<ProgressHook>,
}

/// A function called with a bulk run's progress.
pub type ProgressHook = std::sync::Arc<dyn Fn(&BulkProgress) + Send + Sync>;

impl Default for BulkOptions {
    fn default() -> Self {
        BulkOptions { max_concurrency: 8, deadline: None, max_attempts: 5, on_progress: None }
    }
}

impl fmt::Debug for BulkOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BulkOptions")
            .field("max_concurrency", &self.max_concurrency)
            .field("deadline", &self.deadline)
            .field("max_attempts", &self.max_attempts)
            .finish()
    }
}

/// The outcome of one id from a failed call, by the spec's cancel rules: a
/// 410 after a retry means an earlier attempt got through.
pub fn bulk_outcome<E: fmt::Debug>(
    err: &Error<E>,
    rules: &[CancelRule],
    message: Option<&str>,
    success: BulkOutcome,
) -> BulkOutcome {
    let attempts = err.response().map_or(1, |r| r.attempts);
    let status = err.status().map(|s| s.as_u16());
    match cancel_outcome(err, rules, message) {
        CancelOutcome::NotFound { .. } if status == Some(410) && attempts > 1 => success,
        CancelOutcome::NotFound { reason } if status == Some(410) => BulkOutcome::AlreadyGone { reason },
        CancelOutcome::NotFound { reason } => BulkOutcome::NotFound { reason },
        CancelOutcome::NotEligible { reason } => BulkOutcome::NotEligible { reason },
        CancelOutcome::Canceled => BulkOutcome::Canceled,
        CancelOutcome::Queued => BulkOutcome::Queued,
        CancelOutcome::Failed { reason, status } => BulkOutcome::Failed { reason, status: status.map(|s| s.as_u16()) },
    }
}

/// Runs `call` for every id, at most `max_concurrency` at once, pacing by
/// the rate limit the responses report: while the window's remaining
/// requests are spoken for, it waits for the reset instead of sending.
/// `call` should not retry by itself (the generated bulk methods use a
/// single-attempt copy of the client): the run re-sends retryable failures
/// through the same pacing. Every id gets exactly one entry, in order.
#[cfg(feature = "bulk")]
pub async fn run_bulk<F, Fut>(ids: Vec<String>, options: &BulkOptions, call: F) -> BulkReport
where
    F: Fn(String) -> Fut,
    Fut: std::future::Future<Output = (BulkOutcome, u32, Option<RateLimit>)>,
{
    use futures_util::StreamExt;
    let started = tokio::time::Instant::now();
    let deadline = options.deadline.map(|d| started + d);
    let total = ids.len();
    let mut outcomes: Vec<Option<(BulkOutcome, u32)>> = vec![None; total];
    let mut running = futures_util::stream::FuturesUnordered::new();
    // Ids to send, with the attempts they have had; retryable failures go back in.
    let mut queue: std::collections::VecDeque<(usize, u32)> = (0..total).map(|i| (i, 0)).collect();
    let mut done = 0usize;
    // The rate-limit window as last reported: requests left and its reset.
    let mut window: Option<RateLimit> = None;
    loop {
        while running.len() < options.max_concurrency.max(1) && !queue.is_empty() {
            if deadline.is_some_and(|d| tokio::time::Instant::now() >= d) {
                break;
            }
            if let Some(w) = &mut window {
                if w.remaining == 0 {
                    if !running.is_empty() {
                        break; // let the running requests report the new window
                    }
                    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
                    let wait = std::time::Duration::from_secs(w.reset).saturating_sub(now)
                        + std::time::Duration::from_millis(20);
                    if deadline.is_some_and(|d| tokio::time::Instant::now() + wait >= d) {
                        break;
                    }
                    tokio::time::sleep(wait).await;
                    w.remaining = w.limit;
                    w.reset += 1;
                }
                w.remaining -= 1;
            }
            let Some((index, before)) = queue.pop_front() else { break };
            let future = call(ids[index].clone());
            running.push(async move { (index, before, future.await) });
        }
        let Some((index, before, (outcome, attempts, rate))) = running.next().await else { break };
        let attempts = before + attempts;
        if let Some(rate) = rate {
            let in_flight = running.len() as u64;
            window = Some(match window {
                Some(w) if w.reset == rate.reset => {
                    RateLimit { remaining: w.remaining.min(rate.remaining.saturating_sub(in_flight)), ..rate }
                }
                Some(w) if w.reset > rate.reset => w,
                _ => RateLimit { remaining: rate.remaining.saturating_sub(in_flight), ..rate },
            });
        }
        // Rate limited, unavailable or unreachable: send it again later,
        // paced like everything else, while attempts remain.
        let retryable = match &outcome {
            BulkOutcome::Failed { status: None, .. } => true,
            BulkOutcome::Failed { status: Some(429 | 502 | 503 | 504), .. } => true,
            BulkOutcome::Failed { status: Some(403), .. } => rate.is_some_and(|r| r.remaining == 0),
            _ => false,
        };
        if retryable && attempts < options.max_attempts.max(1) {
            queue.push_back((index, attempts));
            continue;
        }
        outcomes[index] = Some((outcome, attempts));
        done += 1;
        if let Some(progress) = &options.on_progress {
            let elapsed = started.elapsed().as_secs_f64().max(1e-9);
            let per_second = done as f64 / elapsed;
            let remaining = std::time::Duration::from_secs_f64((total - done) as f64 / per_second.max(1e-9));
            progress(&BulkProgress { done, total, per_second, remaining });
        }
    }
    let entries = ids
        .into_iter()
        .zip(outcomes)
        .map(|(id, outcome)| {
            let (outcome, attempts) = outcome.unwrap_or((BulkOutcome::NotAttempted, 0));
            BulkEntry { id, outcome, attempts }
        })
        .collect();
    BulkReport { entries }
}

#[cfg(test)]
mod tests {
    use super::super::error::RawResponse;
    use super::*;
    use bytes::Bytes;
    use reqwest::header::HeaderMap;
    use reqwest::StatusCode;

    fn entry(id: &str, outcome: BulkOutcome) -> BulkEntry {
        BulkEntry { id: id.to_owned(), outcome, attempts: 1 }
    }

    fn failed(status: Option<u16>) -> BulkOutcome {
        BulkOutcome::Failed { reason: "x".to_owned(), status }
    }

    fn api_error(status: u16, attempts: u32) -> Error<()> {
        let response = RawResponse {
            status: StatusCode::from_u16(status).unwrap(),
            headers: HeaderMap::new(),
            rate_limit: None,
            body: Bytes::from_static(br#"{"message":"why"}"#),
            attempts,
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
        };
        let counts: Vec<(&str, usize)> = report.counts().into_iter().collect();
        assert_eq!(counts, [("canceled", 2), ("failed", 1), ("not_attempted", 1), ("not_found", 1), ("queued", 1)]);
        assert_eq!(report.pending_ids(), ["c", "d"]);
        assert!(BulkReport::default().counts().is_empty());
    }

    #[test]
    fn a_later_run_takes_over() {
        let mut report = BulkReport { entries: vec![entry("a", failed(None)), entry("b", BulkOutcome::Canceled)] };
        report.merge(BulkReport { entries: vec![entry("a", BulkOutcome::Canceled), entry("c", BulkOutcome::Queued)] });
        let ids: Vec<(&str, &BulkOutcome)> = report.entries.iter().map(|e| (e.id.as_str(), &e.outcome)).collect();
        assert_eq!(ids, [("a", &BulkOutcome::Canceled), ("b", &BulkOutcome::Canceled), ("c", &BulkOutcome::Queued)]);
        assert!(report.pending_ids().is_empty());
    }

    #[test]
    fn reports_round_trip_through_json() {
        let report = BulkReport {
            entries: vec![
                BulkEntry { id: "a".to_owned(), outcome: failed(Some(503)), attempts: 2 },
                entry("b", BulkOutcome::AlreadyGone { reason: "deleted".to_owned() }),
                entry("c", BulkOutcome::NotAttempted),
            ],
        };
        let json = serde_json::to_value(&report).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"entries": [
                {"id": "a", "outcome": "failed", "reason": "x", "status": 503, "attempts": 2},
                {"id": "b", "outcome": "already_gone", "reason": "deleted", "attempts": 1},
                {"id": "c", "outcome": "not_attempted", "attempts": 1},
            ]})
        );
        assert_eq!(serde_json::from_value::<BulkReport>(json).unwrap(), report);
    }

    #[test]
    fn failed_calls_become_outcomes() {
        let success = BulkOutcome::Canceled;
        let outcome = |err: &Error<()>| bulk_outcome(err, RULES, Some("/message"), success.clone());
        assert_eq!(outcome(&api_error(404, 1)), BulkOutcome::NotFound { reason: "why".to_owned() });
        assert_eq!(outcome(&api_error(410, 1)), BulkOutcome::AlreadyGone { reason: "why".to_owned() });
        // A 410 after a retry: an earlier attempt got through.
        assert_eq!(outcome(&api_error(410, 2)), BulkOutcome::Canceled);
        assert_eq!(outcome(&api_error(409, 1)), BulkOutcome::NotEligible { reason: "why".to_owned() });
        assert_eq!(outcome(&api_error(503, 3)), BulkOutcome::Failed { reason: "why".to_owned(), status: Some(503) });
        let err: Error<()> = Error::InvalidRequest("empty id".to_owned());
        let expected = BulkOutcome::Failed { reason: "invalid request: empty id".to_owned(), status: None };
        assert_eq!(outcome(&err), expected);
    }

    #[test]
    fn options_default_and_debug() {
        let options = BulkOptions::default();
        assert_eq!((options.max_concurrency, options.deadline, options.max_attempts), (8, None, 5));
        let options = BulkOptions { on_progress: Some(std::sync::Arc::new(|_: &BulkProgress| {})), ..options };
        assert_eq!(format!("{options:?}"), "BulkOptions { max_concurrency: 8, deadline: None, max_attempts: 5 }");
    }

    // Runs that never wait for a rate-limit reset (tests/loops.rs has one that does).
    #[cfg(feature = "bulk")]
    mod runs {
        use super::*;
        use std::sync::{Arc, Mutex};

        fn run(ids: &[&str], options: &BulkOptions, answers: impl Fn(&str, u32) -> BulkOutcome) -> BulkReport {
            let tries: Mutex<std::collections::HashMap<String, u32>> = Mutex::default();
            let call = |id: String| {
                let attempt = {
                    let mut tries = tries.lock().unwrap();
                    let count = tries.entry(id.clone()).or_insert(0);
                    *count += 1;
                    *count
                };
                let outcome = answers(&id, attempt);
                async move { (outcome, 1, None) }
            };
            let ids = ids.iter().map(|id| (*id).to_owned()).collect();
            super::super::super::block_on(run_bulk(ids, options, call))
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
            let report = run(&["a", "b", "c", "d"], &options, |id, _| match id {
                "b" => BulkOutcome::NotFound { reason: "no".to_owned() },
                _ => BulkOutcome::Canceled,
            });
            let ids: Vec<&str> = report.entries.iter().map(|e| e.id.as_str()).collect();
            assert_eq!(ids, ["a", "b", "c", "d"]);
            assert_eq!(report.counts().get("canceled"), Some(&3));
            assert_eq!(*progress.lock().unwrap(), [(1, 4), (2, 4), (3, 4), (4, 4)]);
        }

        #[test]
        fn retryable_failures_are_sent_again_until_the_limit() {
            let options = BulkOptions { max_attempts: 3, ..BulkOptions::default() };
            let report = run(&["flaky", "down", "refused"], &options, |id, attempt| match (id, attempt) {
                ("flaky", 1) => failed(Some(503)),
                ("flaky", _) => BulkOutcome::Canceled,
                ("down", _) => failed(None),
                _ => failed(Some(400)),
            });
            let got: Vec<(&BulkOutcome, u32)> = report.entries.iter().map(|e| (&e.outcome, e.attempts)).collect();
            assert_eq!(got, [(&BulkOutcome::Canceled, 2), (&failed(None), 3), (&failed(Some(400)), 1)]);
        }

        #[test]
        fn nothing_is_sent_past_the_deadline() {
            let options = BulkOptions { deadline: Some(std::time::Duration::ZERO), ..BulkOptions::default() };
            let report = run(&["a", "b"], &options, |_, _| panic!("nothing should be sent"));
            assert!(report.entries.iter().all(|e| e.outcome == BulkOutcome::NotAttempted && e.attempts == 0));
            assert_eq!(report.pending_ids(), ["a", "b"]);
        }
    }
}
