//! What a bulk run reports: each id's [`BulkOutcome`], the [`BulkEntry`]
//! a journal and a report hold, the [`BulkReport`], and the progress a run
//! tells its hook.

use reqwest::StatusCode;

/// The outcome of one id in a bulk run. In a journal or a report, the
/// `outcome` field names it: `queued`, `canceled`, `already_gone`,
/// `not_eligible`, `not_found`, `failed` or `not_attempted`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
#[non_exhaustive]
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
        /// The last status, when a response arrived (a number in a
        /// journal or a serialized report).
        #[serde(with = "status_number")]
        status: Option<StatusCode>,
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

/// An optional status as the number it is, in journals and reports.
mod status_number {
    use reqwest::StatusCode;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub(super) fn serialize<S: Serializer>(status: &Option<StatusCode>, serializer: S) -> Result<S::Ok, S::Error> {
        status.map(|s| s.as_u16()).serialize(serializer)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<StatusCode>, D::Error> {
        Option::<u16>::deserialize(deserializer)?
            .map(|n| StatusCode::from_u16(n).map_err(serde::de::Error::custom))
            .transpose()
    }
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// One id and how it ended.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
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
#[non_exhaustive]
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
#[non_exhaustive]
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
