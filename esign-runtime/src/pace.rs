//! Pacing by the rate limit, per client: the window the API reports
//! (limit, remaining, reset), shared by every clone of a client, every
//! concurrent call and every bulk run, updated from every response.
//!
//! Before each request a call takes a permit: while the window has requests
//! left, one of them is spoken for; when it has none, the call waits for
//! the reset (or fails at once when that is longer than it may wait). The
//! count is conservative: an answer's `remaining` is lowered by the other
//! requests still in flight, and within one window the count only goes
//! down, so concurrent calls never overshoot what the server reported.

use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use crate::clock::SharedClock;
use crate::rate_limit::{until_reset, RateLimit, LONGEST_HEADER_WAIT, RESET_MARGIN};

/// The shared pacing state of one client and its clones.
#[derive(Debug, Default)]
pub(super) struct Pacer {
    state: Mutex<State>,
    changed: tokio::sync::Notify,
    /// The wall clock windows' resets are read against.
    clock: SharedClock,
}

#[derive(Debug, Default)]
struct State {
    /// The window as last reported and counted down since; `None` until an
    /// answer reports one, and again once its reset has passed.
    window: Option<Window>,
    /// Nothing may be sent before this (a `Retry-After`, which is relative:
    /// on the clock tokio sleeps by).
    blocked_until: Option<tokio::time::Instant>,
    /// An answer came without rate-limit headers while no window was known:
    /// the API does not report one here, so there is nothing to learn first.
    unreported: bool,
    /// Permits taken and not yet given back.
    in_flight: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Window {
    limit: u64,
    remaining: u64,
    /// The reset as reported (Unix seconds): which window an answer speaks of.
    reset: u64,
}

impl Window {
    /// When sending may resume, as time since the epoch; saturating, so a
    /// reset of `u64::MAX` (from a header or a journal) cannot overflow.
    fn resume_at(&self) -> Duration {
        Duration::from_secs(self.reset).saturating_add(RESET_MARGIN)
    }
}

/// Waiting for the window would take longer than the call may wait.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Spent {
    /// How long the call would have to wait.
    pub wanted: Duration,
    /// When sending may resume, as time since the epoch.
    pub resume_at: Duration,
}

/// A request that may be sent now; dropping it says the request is over.
#[derive(Debug)]
pub(super) struct Permit<'a> {
    pacer: &'a Pacer,
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        let mut state = self.pacer.lock();
        state.in_flight = state.in_flight.saturating_sub(1);
        drop(state);
        self.pacer.changed.notify_waiters();
    }
}

enum Step {
    Go,
    Refuse(Spent),
    /// Wait for an answer to change the state, at most this long (or until the deadline).
    AwaitChange(Option<Duration>),
    Sleep(Duration),
}

impl Pacer {
    /// A pacer reading resets against `clock`.
    pub(super) fn with_clock(clock: SharedClock) -> Self {
        Pacer { clock, ..Pacer::default() }
    }

    /// The wall clock it reads resets against.
    pub(super) fn clock(&self) -> &SharedClock {
        &self.clock
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic elsewhere while holding the lock leaves a consistent state
        // (every update is a few assignments), so a poisoned lock is used as is.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Waits until a request may be sent and takes a permit for it.
    ///
    /// `max_wait` bounds all the waiting this call does (the caller passes
    /// what is left of its call's rate-limit budget); `deadline` bounds
    /// everything. Asked to wait longer than either allows, it returns at
    /// once with what it would have waited.
    /// With `learn_first`, while no window is known only one request is
    /// sent, so its answer tells the rest what is left (bulk runs do this;
    /// single calls do not wait for each other).
    pub(super) async fn acquire(
        &self,
        max_wait: Duration,
        deadline: Option<tokio::time::Instant>,
        learn_first: bool,
    ) -> Result<Permit<'_>, Spent> {
        let started = tokio::time::Instant::now();
        loop {
            // Registered before the state is read, so no change is missed.
            let changed = self.changed.notified();
            let step = {
                let mut guard = self.lock();
                let state = &mut *guard;
                let now = self.clock.since_epoch();
                let instant = tokio::time::Instant::now();
                let budget = max_wait.saturating_sub(instant.saturating_duration_since(started));
                let until_deadline = deadline.map(|d| d.saturating_duration_since(instant));
                if state.blocked_until.is_some_and(|until| until <= instant) {
                    state.blocked_until = None;
                }
                if state.window.is_some_and(|w| w.resume_at() <= now) {
                    state.window = None; // a new window: learn what it holds
                }
                let blocked = state.blocked_until.map(|until| until.saturating_duration_since(instant));
                let spent = match state.window {
                    Some(w) if w.remaining == 0 => Some(until_reset(w.reset, now)),
                    _ => None,
                };
                match blocked.into_iter().chain(spent).max() {
                    Some(wanted) => {
                        let wanted = wanted.min(LONGEST_HEADER_WAIT);
                        let resume_at = now.saturating_add(wanted);
                        if wanted > budget || until_deadline.is_some_and(|left| wanted > left) {
                            Step::Refuse(Spent { wanted, resume_at })
                        } else if state.in_flight > 0 && blocked.is_none() {
                            // An answer in flight may report a newer window.
                            Step::AwaitChange(Some(wanted))
                        } else {
                            Step::Sleep(wanted)
                        }
                    }
                    None => match &mut state.window {
                        Some(w) => {
                            w.remaining -= 1;
                            state.in_flight += 1;
                            Step::Go
                        }
                        None if learn_first && !state.unreported && state.in_flight > 0 => Step::AwaitChange(None),
                        None => {
                            state.in_flight += 1;
                            Step::Go
                        }
                    },
                }
            };
            match step {
                Step::Go => return Ok(Permit { pacer: self }),
                Step::Refuse(spent) => return Err(spent),
                Step::Sleep(wait) => tokio::time::sleep(wait).await,
                Step::AwaitChange(at_most) => {
                    let left = deadline.map(|d| d.saturating_duration_since(tokio::time::Instant::now()));
                    let limit = match (at_most, left) {
                        (Some(a), Some(b)) => Some(a.min(b)),
                        (a, b) => a.or(b),
                    };
                    match limit {
                        Some(limit) => {
                            if tokio::time::timeout(limit, changed).await.is_err()
                                && deadline.is_some_and(|d| tokio::time::Instant::now() >= d)
                            {
                                return Err(Spent { wanted: Duration::ZERO, resume_at: self.clock.since_epoch() });
                            }
                        }
                        None => changed.await,
                    }
                }
            }
        }
    }

    /// Takes in what an answer reported. `rate` is its rate limit, if it
    /// had one; `refused` says the answer was a rate-limit refusal (nothing
    /// left, whatever the headers say); `answered` is false when no answer
    /// arrived at all. Called while the answer's permit is still held.
    pub(super) fn observe(&self, rate: Option<RateLimit>, refused: bool, answered: bool) {
        let mut state = self.lock();
        let others = state.in_flight.saturating_sub(1);
        match rate {
            Some(rate) => {
                let reported = if refused { 0 } else { rate.remaining };
                let fresh = Window { limit: rate.limit, remaining: reported.saturating_sub(others), reset: rate.reset };
                state.window = Some(match state.window {
                    Some(w) if w.reset == rate.reset => Window { remaining: w.remaining.min(fresh.remaining), ..fresh },
                    // An answer about an older window.
                    Some(w) if w.reset > rate.reset => w,
                    _ => fresh,
                });
                state.unreported = false;
            }
            None if answered && state.window.is_none() => state.unreported = true,
            None => {}
        }
        drop(state);
        self.changed.notify_waiters();
    }

    /// Nothing is sent for `wait` (a `Retry-After`), by any call of the
    /// client; at most [`LONGEST_HEADER_WAIT`].
    pub(super) fn block_for(&self, wait: Duration) {
        let now = tokio::time::Instant::now();
        let until = now.checked_add(wait.min(LONGEST_HEADER_WAIT)).unwrap_or(now);
        let mut state = self.lock();
        state.blocked_until = Some(state.blocked_until.map_or(until, |b| b.max(until)));
    }

    /// Takes in a window learned elsewhere (a journal of an earlier run):
    /// kept unless a newer or lower one is known.
    pub(super) fn seed(&self, rate: RateLimit) {
        let mut state = self.lock();
        let seeded = Window { limit: rate.limit, remaining: rate.remaining, reset: rate.reset };
        state.window = Some(match state.window {
            Some(w) if w.reset > rate.reset => w,
            Some(w) if w.reset == rate.reset => Window { remaining: w.remaining.min(rate.remaining), ..w },
            _ => seeded,
        });
        drop(state);
        self.changed.notify_waiters();
    }

    /// The window as the client counts it now, if one is known.
    pub(super) fn window(&self) -> Option<RateLimit> {
        let state = self.lock();
        state.window.map(|w| RateLimit { limit: w.limit, remaining: w.remaining, reset: w.reset })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now_secs() -> u64 {
        crate::clock::SharedClock::default().since_epoch().as_secs()
    }

    fn take(pacer: &Pacer) -> Permit<'_> {
        crate::block_on(pacer.acquire(Duration::from_secs(60), None, false)).expect("a permit")
    }

    #[test]
    fn answers_count_the_window_down_and_never_up() {
        let pacer = Pacer::default();
        let reset = now_secs() + 100;
        let a = take(&pacer);
        let b = take(&pacer);
        // One other request in flight: 10 reported, 9 counted.
        pacer.observe(Some(RateLimit { limit: 10, remaining: 10, reset }), false, true);
        assert_eq!(pacer.window(), Some(RateLimit { limit: 10, remaining: 9, reset }));
        drop(a);
        let c = take(&pacer);
        assert_eq!(pacer.window().unwrap().remaining, 8, "a permit speaks for one request");
        // A later answer of the same window saying more is left changes nothing.
        pacer.observe(Some(RateLimit { limit: 10, remaining: 9, reset }), false, true);
        assert_eq!(pacer.window().unwrap().remaining, 8);
        // An answer about an older window is ignored; a newer window replaces it.
        pacer.observe(Some(RateLimit { limit: 10, remaining: 0, reset: reset - 50 }), false, true);
        assert_eq!(pacer.window().unwrap().remaining, 8);
        pacer.observe(Some(RateLimit { limit: 20, remaining: 15, reset: reset + 60 }), false, true);
        assert_eq!(pacer.window(), Some(RateLimit { limit: 20, remaining: 14, reset: reset + 60 }));
        // A refusal leaves nothing, whatever its headers say.
        pacer.observe(Some(RateLimit { limit: 20, remaining: 3, reset: reset + 60 }), true, true);
        assert_eq!(pacer.window().unwrap().remaining, 0);
        drop((b, c));
    }

    #[test]
    fn a_spent_window_refuses_at_once_when_the_reset_is_too_far() {
        let pacer = Pacer::default();
        let reset = now_secs() + 120;
        pacer.seed(RateLimit { limit: 5, remaining: 0, reset });
        let refused = crate::block_on(pacer.acquire(Duration::from_secs(60), None, false)).unwrap_err();
        assert!(refused.wanted > Duration::from_secs(110) && refused.wanted <= Duration::from_secs(121), "{refused:?}");
        assert_eq!(refused.resume_at, Duration::from_secs(reset) + RESET_MARGIN);
        // A seed does not raise what is known.
        pacer.seed(RateLimit { limit: 5, remaining: 4, reset });
        assert_eq!(pacer.window().unwrap().remaining, 0);
    }

    #[test]
    fn resets_and_waits_that_no_clock_holds_are_refused_not_panics() {
        for reset in [u64::MAX, 1 << 63, u64::MAX - 1] {
            let pacer = Pacer::default();
            // From an answer, and from a journal: a window that is spent.
            pacer.observe(Some(RateLimit { limit: 5, remaining: 0, reset }), true, true);
            pacer.seed(RateLimit { limit: 5, remaining: 0, reset });
            let refused = crate::block_on(pacer.acquire(Duration::from_secs(60), None, false)).unwrap_err();
            assert_eq!(refused.wanted, LONGEST_HEADER_WAIT, "{reset}");
            // A window with requests left sends, however far its reset.
            let pacer = Pacer::default();
            pacer.seed(RateLimit { limit: 5, remaining: 3, reset });
            drop(take(&pacer));
            assert_eq!(pacer.window().map(|w| w.remaining), Some(2));
        }
        let pacer = Pacer::default();
        pacer.block_for(Duration::MAX);
        let refused = crate::block_on(pacer.acquire(Duration::from_secs(60), None, false)).unwrap_err();
        let longest = LONGEST_HEADER_WAIT;
        assert!(refused.wanted <= longest && refused.wanted > longest - Duration::from_secs(1), "{refused:?}");
    }

    #[test]
    fn answers_without_headers_mean_nothing_to_learn() {
        let pacer = Pacer::default();
        let first = take(&pacer);
        pacer.observe(None, false, false);
        assert!(!pacer.lock().unreported, "no answer at all says nothing");
        pacer.observe(None, false, true);
        assert!(pacer.lock().unreported);
        drop(first);
        assert_eq!(pacer.lock().in_flight, 0);
    }
}
