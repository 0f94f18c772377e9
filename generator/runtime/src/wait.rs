//! Waiting for a state: waiter options and outcomes, the waiter loop itself
//! (feature `waiters`), and the outcomes of cancel-and-confirm.

use reqwest::StatusCode;

/// How long a waiter may wait, and how it spaces its attempts.
///
/// | field | default |
/// |---|---|
/// | [`max_wait`](Self::max_wait) | 5 minutes |
/// | [`min_delay`](Self::min_delay) | none: the spec's `min-delay` |
/// | [`max_delay`](Self::max_delay) | none: the spec's `max-delay` |
///
/// Each attempt is a call with the client's `RetryPolicy` (so a rate-limit
/// wait within one attempt is bounded by its `max_rate_limit_wait`).
///
/// `#[non_exhaustive]`, so a setting added later breaks no caller: start
/// from [`WaitOptions::default()`] and set the fields you change.
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub struct WaitOptions {
    /// Give up after this long. Default 5 minutes.
    pub max_wait: std::time::Duration,
    /// The shortest pause between attempts (the spec's `min-delay` when `None`).
    /// Default `None`.
    pub min_delay: Option<std::time::Duration>,
    /// The longest pause between attempts (the spec's `max-delay` when `None`).
    /// Default `None`.
    pub max_delay: Option<std::time::Duration>,
}

impl Default for WaitOptions {
    fn default() -> Self {
        WaitOptions { max_wait: std::time::Duration::from_secs(300), min_delay: None, max_delay: None }
    }
}

/// How a wait ended.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum WaitOutcome {
    /// A success acceptor matched.
    Reached {
        /// Requests made.
        attempts: u32,
        /// The status that matched.
        status: StatusCode,
    },
    /// A failure acceptor matched, or an error no acceptor covers.
    Failed {
        /// Requests made.
        attempts: u32,
        /// The status, when a response arrived.
        status: Option<StatusCode>,
        /// What happened.
        reason: String,
    },
    /// `max_wait` passed while retrying.
    TimedOut {
        /// Requests made.
        attempts: u32,
    },
}

/// What an acceptor decides.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AcceptorState {
    /// Done: the state is reached.
    Success,
    /// Try again later.
    Retry,
    /// Done: the state will not be reached.
    Failure,
}

/// Runs a waiter: calls `attempt` until a success or failure acceptor
/// matches the status, backing off exponentially with jitter between the
/// delays, until `options.max_wait`.
#[cfg(feature = "waiters")]
pub async fn wait<F, Fut>(
    mut attempt: F,
    acceptors: &[(u16, AcceptorState)],
    spec_delays: (std::time::Duration, std::time::Duration),
    options: WaitOptions,
) -> WaitOutcome
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<StatusCode, (Option<StatusCode>, String)>>,
{
    let min = options.min_delay.unwrap_or(spec_delays.0);
    let max = options.max_delay.unwrap_or(spec_delays.1).max(min);
    let deadline = tokio::time::Instant::now() + options.max_wait;
    let mut attempts = 0u32;
    loop {
        attempts += 1;
        let (status, reason) = match attempt().await {
            Ok(status) => (Some(status), String::new()),
            Err((status, reason)) => (status, reason),
        };
        let state =
            status.and_then(|s| acceptors.iter().find(|(code, _)| *code == s.as_u16()).map(|(_, state)| *state));
        match (state, status) {
            (Some(AcceptorState::Success), Some(status)) => return WaitOutcome::Reached { attempts, status },
            (Some(AcceptorState::Failure), _) => {
                return WaitOutcome::Failed {
                    attempts,
                    status,
                    reason: if reason.is_empty() { "failure acceptor matched".to_owned() } else { reason },
                }
            }
            (Some(AcceptorState::Retry), _) => {}
            // A transport failure is retried; another unmatched error is final.
            (None, None) => {}
            (None, Some(status)) if status.is_success() => {}
            (_, status) => return WaitOutcome::Failed { attempts, status, reason },
        }
        let exponential = min.saturating_mul(1u32 << attempts.min(16)).min(max);
        let jittered = min + exponential.saturating_sub(min).mul_f64(fastrand::f64());
        let now = tokio::time::Instant::now();
        if now >= deadline {
            return WaitOutcome::TimedOut { attempts };
        }
        tokio::time::sleep(jittered.min(deadline - now)).await;
        if tokio::time::Instant::now() >= deadline {
            return WaitOutcome::TimedOut { attempts };
        }
    }
}

/// How a cancel-and-confirm ended.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfirmOutcome {
    /// The cancellation is confirmed.
    Confirmed {
        /// By the waiter (the request now answers as canceled) or by the event.
        by: ConfirmedBy,
    },
    /// The provider refused the cancel: the request cannot be canceled.
    NotEligible {
        /// The provider's reason.
        reason: String,
    },
    /// Queued, but not confirmed within the time allowed: still pending.
    TimedOut,
    /// The cancel or the confirmation failed.
    Failed {
        /// What went wrong.
        reason: String,
    },
}

/// What confirmed a cancellation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfirmedBy {
    /// The waiter saw the state reached.
    Waiter,
    /// The callback event arrived.
    Event,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_default_to_five_minutes_and_the_spec_delays() {
        let options = WaitOptions::default();
        assert_eq!(options.max_wait, std::time::Duration::from_secs(300));
        assert_eq!((options.min_delay, options.max_delay), (None, None));
    }

    // The waiter loop's outcomes that need no pause between attempts (the
    // tests here have no timer; tests/loops.rs has the ones that pause).
    #[cfg(feature = "waiters")]
    mod waiter {
        use super::super::*;
        use std::time::Duration;

        /// An attempt's answer, by status number.
        type Attempt = Result<u16, (Option<u16>, String)>;

        fn code(status: u16) -> StatusCode {
            StatusCode::from_u16(status).unwrap()
        }

        fn run(answers: Vec<Attempt>, acceptors: &[(u16, AcceptorState)], max_wait: Duration) -> (WaitOutcome, usize) {
            let answers = std::cell::RefCell::new(answers.into_iter());
            let calls = std::cell::Cell::new(0);
            let attempt = || {
                calls.set(calls.get() + 1);
                let answer = answers.borrow_mut().next().expect("no more answers");
                let answer = answer.map(code).map_err(|(status, reason)| (status.map(code), reason));
                async move { answer }
            };
            let options = WaitOptions { max_wait, min_delay: None, max_delay: None };
            let spec = (Duration::ZERO, Duration::ZERO);
            let outcome = crate::block_on(wait(attempt, acceptors, spec, options));
            (outcome, calls.get())
        }

        const ACCEPTORS: &[(u16, AcceptorState)] =
            &[(200, AcceptorState::Success), (404, AcceptorState::Retry), (410, AcceptorState::Failure)];

        #[test]
        fn a_success_acceptor_ends_the_wait() {
            let (outcome, calls) = run(vec![Ok(200)], ACCEPTORS, Duration::from_secs(5));
            assert_eq!(outcome, WaitOutcome::Reached { attempts: 1, status: code(200) });
            assert_eq!(calls, 1);
        }

        #[test]
        fn a_failure_acceptor_ends_it_with_the_reason() {
            let (outcome, _) = run(vec![Err((Some(410), "gone".to_owned()))], ACCEPTORS, Duration::from_secs(5));
            assert_eq!(
                outcome,
                WaitOutcome::Failed { attempts: 1, status: Some(code(410)), reason: "gone".to_owned() }
            );
            let (outcome, _) = run(vec![Ok(410)], ACCEPTORS, Duration::from_secs(5));
            let reason = "failure acceptor matched".to_owned();
            assert_eq!(outcome, WaitOutcome::Failed { attempts: 1, status: Some(code(410)), reason });
        }

        #[test]
        fn an_error_no_acceptor_covers_is_final() {
            let (outcome, _) = run(vec![Err((Some(500), "boom".to_owned()))], ACCEPTORS, Duration::from_secs(5));
            assert_eq!(
                outcome,
                WaitOutcome::Failed { attempts: 1, status: Some(code(500)), reason: "boom".to_owned() }
            );
        }

        #[test]
        fn retrying_past_the_deadline_times_out() {
            let (outcome, calls) = run(vec![Ok(404)], ACCEPTORS, Duration::ZERO);
            assert_eq!(outcome, WaitOutcome::TimedOut { attempts: 1 });
            assert_eq!(calls, 1);
            // A transport failure and an unmatched success are retried too.
            let (outcome, _) = run(vec![Err((None, "reset".to_owned()))], ACCEPTORS, Duration::ZERO);
            assert_eq!(outcome, WaitOutcome::TimedOut { attempts: 1 });
            let (outcome, _) = run(vec![Ok(202)], ACCEPTORS, Duration::ZERO);
            assert_eq!(outcome, WaitOutcome::TimedOut { attempts: 1 });
        }
    }
}
