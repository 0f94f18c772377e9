//! The retry loop: one call's attempts, each paced by the client's
//! rate-limit window, sent, and judged against the [`RetryPolicy`] and the
//! spec's [`RetryRules`] (send again after a back-off or the wait a
//! rate-limited answer asks for, or hand the answer back). The client
//! ([`ClientCore`](crate::ClientCore)) gives it what to send and how to send
//! one request; the loop knows nothing else of it.
//!
//! Every call is bounded in time here and only here: the call's deadline
//! and its rate-limit budget (a sum over the call's waits) are counted in
//! the loop, and each attempt gets an end instant (its request timeout, cut
//! to the deadline) that sending, reading the body and a streamed body all
//! keep. Waits asked for by headers come from `rate_limit`, clamped there,
//! so no header value can overflow a clock. An answer whose final URL is
//! not on the base URL's origin (possible with a caller's own
//! `reqwest::Client`) is an error here, never a result.

use std::future::Future;
use std::time::Duration;

use reqwest::StatusCode;

use crate::error::{Error, RawResponse, TransportCause, TransportError};
use crate::pace::Pacer;
use crate::rate_limit::requested_wait;
use crate::retry::policy::{RetryEvent, RetryPolicy, RetryRules};
#[cfg(feature = "tracing")]
use crate::retry::trace;
use crate::stream::ByteStream;

/// How one request ended, before it becomes part of a call's result.
pub(crate) enum Sent {
    Answer(RawResponse),
    /// A 2xx answer of a streamed call: its body left unread, with the
    /// attempt's timeouts.
    Stream {
        response: RawResponse,
        unread: ByteStream,
    },
    Transport(TransportCause),
    TooLarge {
        limit: usize,
        response: RawResponse,
    },
    Foreign {
        origin: String,
        response: RawResponse,
    },
}

/// When an attempt must be over: the instant, and how long it was allowed
/// (for the error's text).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Deadline {
    pub(crate) at: tokio::time::Instant,
    pub(crate) allowed: Duration,
}

impl Deadline {
    pub(crate) fn earliest(a: Option<Deadline>, b: Option<Deadline>) -> Option<Deadline> {
        match (a, b) {
            (Some(a), Some(b)) => Some(if b.at < a.at { b } else { a }),
            (a, b) => a.or(b),
        }
    }
}

/// What a generated method tells the retry loop about its call.
#[derive(Clone, Copy, Debug)]
pub struct CallInfo {
    /// The spec's operationId, for traces.
    pub operation: &'static str,
    /// Whether the call may be sent again (the spec marks it, or the method is idempotent).
    pub retry_safe: bool,
    /// The HTTP method, for the retry hook.
    pub method: &'static str,
    /// The path template (no ids, no query), for the retry hook.
    pub path: &'static str,
}

/// What a bulk run adds to each of its calls.
#[derive(Clone, Default)]
pub(crate) struct CallContext {
    /// The run's deadline.
    pub deadline: Option<tokio::time::Instant>,
    /// Send one request at a time until the rate-limit window is known.
    pub learn_first: bool,
    /// Answers lost before this call (an earlier run's request that may have landed).
    pub prior_lost: u32,
    /// Called right before each request is sent, with its attempt number.
    pub before_send: Option<std::sync::Arc<dyn Fn(u32) + Send + Sync>>,
}

/// One call's retry loop: what it reads of the client that runs it.
pub(crate) struct Attempts<'a> {
    /// The caller's policy.
    pub policy: &'a RetryPolicy,
    /// The spec's rules for what is retried.
    pub rules: RetryRules,
    /// The client's shared pacing state.
    pub pacer: &'a Pacer,
    /// What a bulk run adds.
    pub context: &'a CallContext,
    /// What the generated method says of the call.
    pub call: CallInfo,
}

impl Attempts<'_> {
    /// Runs the loop, in a `tracing` span per call when that feature is on
    /// (see [`trace`](crate::retry::trace)). `build` makes each attempt's request;
    /// `send` sends one and reads its answer, within the attempt's end.
    pub(crate) async fn run<E, B, S, F>(self, build: B, send: S) -> Result<(RawResponse, Option<ByteStream>), Error<E>>
    where
        B: Fn() -> Result<reqwest::RequestBuilder, Error<E>>,
        S: Fn(reqwest::RequestBuilder, Option<Deadline>) -> F,
        F: Future<Output = Sent>,
    {
        #[cfg(feature = "tracing")]
        {
            use tracing::Instrument;
            let span = trace::call_span(self.call);
            let started = std::time::Instant::now();
            let result = self.attempts(build, send).instrument(span.clone()).await;
            trace::finish(&span, started, result.as_ref().map(|(raw, _)| raw));
            result
        }
        #[cfg(not(feature = "tracing"))]
        self.attempts(build, send).await
    }

    async fn attempts<E, B, S, F>(&self, build: B, send: S) -> Result<(RawResponse, Option<ByteStream>), Error<E>>
    where
        B: Fn() -> Result<reqwest::RequestBuilder, Error<E>>,
        S: Fn(reqwest::RequestBuilder, Option<Deadline>) -> F,
        F: Future<Output = Sent>,
    {
        let started = tokio::time::Instant::now();
        // A deadline no clock holds (`Duration::MAX`) is no deadline.
        let deadline = match (self.policy.deadline.and_then(|d| started.checked_add(d)), self.context.deadline) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let pacer = self.pacer;
        // What this call may still wait for the rate limit, all its waits
        // together (pacing before a request and `Retry-After` alike).
        let mut rate_budget = self.policy.max_rate_limit_wait;
        let mut waits = Vec::new();
        let mut tries = 0u32;
        let mut attempts = 0u32;
        let mut lost = self.context.prior_lost;
        let mut last_answer: Option<tokio::time::Instant> = None;
        loop {
            let request = build()?;
            let pacing = tokio::time::Instant::now();
            let acquired = pacer.acquire(rate_budget, deadline, self.context.learn_first).await;
            rate_budget = rate_budget.saturating_sub(pacing.elapsed());
            let permit = match acquired {
                Ok(permit) => permit,
                Err(spent) => {
                    return Err(Error::RateLimited {
                        retry_at: std::time::UNIX_EPOCH + spent.resume_at,
                        wanted: spent.wanted,
                        response: None,
                        attempts,
                        lost_answers: lost,
                    })
                }
            };
            #[cfg(feature = "tracing")]
            trace::paced(pacing.elapsed());
            if let Some(at) = last_answer {
                waits.push(at.elapsed());
            }
            tries += 1;
            // This attempt's end: its timeout from now, never past the deadline.
            let now = tokio::time::Instant::now();
            let end = Deadline::earliest(
                self.policy.request_timeout.and_then(|t| Some(Deadline { at: now.checked_add(t)?, allowed: t })),
                deadline.map(|at| Deadline { at, allowed: at.saturating_duration_since(now) }),
            );
            if end.is_some_and(|end| end.at <= now) {
                drop(permit);
                return Err(Error::Transport(TransportError(TransportCause::DeadlinePassed, attempts, lost)));
            }
            if let Some(hook) = &self.context.before_send {
                hook(attempts + 1);
            }
            let sent = send(request, end).await;
            last_answer = Some(tokio::time::Instant::now());
            // Whether the request may have reached the server, and whether
            // its answer was lost (so it may have taken effect unseen).
            let (reached, answer_lost) = match &sent {
                Sent::Answer(raw) => (true, matches!(raw.status.as_u16(), 502 | 504)),
                Sent::Transport(TransportCause::Http(err)) => {
                    let reached = !(err.is_connect() || err.is_builder());
                    (reached, reached)
                }
                Sent::Transport(
                    TransportCause::NoAnswer(_) | TransportCause::TimedOut(_) | TransportCause::Stalled(_),
                ) => (true, true),
                Sent::Transport(TransportCause::DeadlinePassed) => (false, false),
                Sent::Stream { .. } | Sent::TooLarge { .. } | Sent::Foreign { .. } => (true, false),
            };
            attempts += u32::from(reached);
            lost += u32::from(answer_lost);
            let refused = matches!(&sent, Sent::Answer(raw) if self.rules.matches(self.rules.rate_limited, raw));
            let (rate, answered) = match &sent {
                Sent::Answer(raw) | Sent::Stream { response: raw, .. } | Sent::TooLarge { response: raw, .. } => {
                    (raw.rate_limit, true)
                }
                // Another origin's rate limit says nothing about this API's.
                Sent::Foreign { .. } | Sent::Transport(_) => (None, false),
            };
            pacer.observe(rate, refused, answered);
            drop(permit);

            let stamp = |raw: &mut RawResponse| {
                raw.attempts = attempts;
                raw.lost_answers = lost;
                raw.waits.clone_from(&waits);
            };
            let outcome = match sent {
                Sent::Transport(cause) => {
                    let err = TransportError(cause, attempts, lost);
                    if !(err.0.is_retryable() && self.call.retry_safe && tries < self.policy.max_attempts.max(1)) {
                        return Err(Error::Transport(err));
                    }
                    let wait = self.policy.backoff(tries);
                    if deadline.is_some_and(|d| d.saturating_duration_since(tokio::time::Instant::now()) <= wait) {
                        return Err(Error::Transport(err));
                    }
                    self.before_retry(tries, None, "transport", wait);
                    tokio::time::sleep(wait).await;
                    continue;
                }
                Sent::Answer(mut raw) => {
                    stamp(&mut raw);
                    raw
                }
                Sent::Stream { mut response, unread } => {
                    stamp(&mut response);
                    return Ok((response, Some(unread)));
                }
                Sent::TooLarge { limit, mut response } => {
                    stamp(&mut response);
                    return Err(Error::ResponseTooLarge { limit, response: Box::new(response) });
                }
                Sent::Foreign { origin, mut response } => {
                    stamp(&mut response);
                    return Err(Error::ForeignOrigin { origin, response: Box::new(response) });
                }
            };
            if !(self.call.retry_safe && tries < self.policy.max_attempts.max(1)) {
                return Ok((outcome, None));
            }
            let status = Some(outcome.status);
            if refused {
                let wanted = requested_wait(&outcome.headers, outcome.rate_limit, pacer.clock().since_epoch());
                let too_long = wanted > rate_budget
                    || deadline.is_some_and(|d| d.saturating_duration_since(tokio::time::Instant::now()) < wanted);
                if too_long {
                    return Err(Error::RateLimited {
                        retry_at: pacer.clock().now() + wanted,
                        wanted,
                        response: Some(Box::new(outcome)),
                        attempts,
                        lost_answers: lost,
                    });
                }
                // Every call of this client holds back until then; the next
                // attempt waits in the pacer.
                pacer.block_for(wanted);
                self.before_retry(tries, status, "rate limited", wanted);
                continue;
            }
            if !self.rules.matches(self.rules.unavailable, &outcome) {
                return Ok((outcome, None));
            }
            let wait = self.policy.backoff(tries);
            if deadline.is_some_and(|d| d.saturating_duration_since(tokio::time::Instant::now()) <= wait) {
                return Ok((outcome, None));
            }
            self.before_retry(tries, status, "unavailable", wait);
            tokio::time::sleep(wait).await;
        }
    }

    fn before_retry(&self, attempt: u32, status: Option<StatusCode>, reason: &'static str, wait: Duration) {
        #[cfg(feature = "tracing")]
        trace::retry(attempt, status, reason, wait);
        if let Some(hook) = &self.policy.on_retry {
            hook(&RetryEvent { method: self.call.method, path: self.call.path, attempt, status, reason, wait });
        }
    }
}
