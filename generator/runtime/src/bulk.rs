//! Running one call over many ids (cancel in bulk): the per-id outcomes and
//! the report (`report`), the journal a killed run resumes from
//! (`journal`), the options and how one call's end is taken in (here),
//! and, with the `bulk` feature, the runner itself (`run`), which sends
//! through the client (its retries, its shared rate-limit pacing).

use std::fmt;

use reqwest::StatusCode;

use crate::cancel::{cancel_outcome, CancelOutcome, CancelRule};
use crate::error::{Error, ErrorMetadata};
use crate::rate_limit::RateLimit;
use crate::response::Response;

// Written to only by the bulk runner.
#[cfg_attr(not(feature = "bulk"), allow(dead_code))]
mod journal;
mod report;
#[cfg(feature = "bulk")]
mod run;

pub use journal::{Journal, JournalHeader};
pub use report::{BulkEntry, BulkOutcome, BulkProgress, BulkReport};

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
    pub fn failure<E: fmt::Debug + ErrorMetadata>(
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
pub fn bulk_outcome<E: fmt::Debug + ErrorMetadata>(
    err: &Error<E>,
    rules: &[CancelRule],
    message: Option<&str>,
    success: BulkOutcome,
) -> BulkOutcome {
    if err.attempts() == 0 && !matches!(err, Error::InvalidRequest(_)) {
        return BulkOutcome::NotAttempted;
    }
    let lost = err.lost_answers();
    let status = err.status();
    match cancel_outcome(err, rules, message) {
        CancelOutcome::NotFound { .. } if status == Some(StatusCode::GONE) && lost > 0 => success,
        CancelOutcome::NotFound { reason } if status == Some(StatusCode::GONE) => BulkOutcome::AlreadyGone { reason },
        CancelOutcome::NotFound { reason } => BulkOutcome::NotFound { reason },
        CancelOutcome::NotEligible { reason } => BulkOutcome::NotEligible { reason },
        CancelOutcome::Canceled => BulkOutcome::Canceled,
        CancelOutcome::Queued => BulkOutcome::Queued,
        CancelOutcome::Failed { mut reason, status } => {
            if lost > 0 {
                reason.push_str(" (an attempt's answer was lost: it may have taken effect)");
            }
            BulkOutcome::Failed { reason, status }
        }
    }
}

#[cfg(test)]
mod tests;
