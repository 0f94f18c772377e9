//! The bulk runner: [`ClientCore::run_bulk`], one call per id, concurrent
//! within the client's rate-limit window, journaled.

use super::{distinct, BulkCall, BulkEntry, BulkOptions, BulkOutcome, BulkProgress, BulkReport};
use crate::client::ClientCore;

#[cfg(feature = "bulk")]
impl ClientCore {
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
        F: Fn(ClientCore, String) -> Fut,
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
        let policy = crate::retry::RetryPolicy {
            max_attempts: options.max_attempts,
            max_rate_limit_wait: options.max_rate_limit_wait,
            deadline: None,
            ..self.retry_policy().clone()
        };
        let base = self.clone().with_retry_policy(policy);
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
                core.call = crate::retry::CallContext {
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
