//! The wall clock a client reads rate-limit resets (Unix seconds) and
//! `Retry-After` dates against. Every wait itself runs on tokio's clock; a
//! reset only becomes a wait through this one. The system clock by default;
//! a [`TokioClock`] moves with tokio's, so a test on tokio's paused clock
//! sees a reset arrive the moment its wait ends, in no real time.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Where a client reads the current wall-clock time.
pub trait TimeSource: fmt::Debug + Send + Sync {
    /// The time now.
    fn now(&self) -> SystemTime;
}

/// The system clock: what every client uses unless told otherwise.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SystemClock;

impl TimeSource for SystemClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }
}

/// A wall clock that moves with tokio's clock: the system time when it was
/// made, advanced by as much as `tokio::time::Instant` has advanced since.
/// Under `tokio::time::pause` (tests) it moves only when tokio's clock does,
/// so a rate-limit window that resets in a minute resets after a minute of
/// paused time. Make it inside the runtime whose clock it follows.
#[derive(Clone, Copy, Debug)]
pub struct TokioClock {
    base: SystemTime,
    start: tokio::time::Instant,
}

impl TokioClock {
    /// A clock reading the system time now, moving with tokio's clock.
    pub fn new() -> Self {
        TokioClock::starting_at(SystemTime::now())
    }

    /// A clock reading `base` now, moving with tokio's clock.
    pub fn starting_at(base: SystemTime) -> Self {
        TokioClock { base, start: tokio::time::Instant::now() }
    }
}

impl Default for TokioClock {
    fn default() -> Self {
        TokioClock::new()
    }
}

impl TimeSource for TokioClock {
    fn now(&self) -> SystemTime {
        self.base + self.start.elapsed()
    }
}

/// A [`TimeSource`] shared by a client and its clones; the system clock by
/// default. Cheap to clone.
#[derive(Clone, Debug)]
pub struct SharedClock(Arc<dyn TimeSource>);

impl SharedClock {
    /// Shares `source`.
    pub fn new(source: impl TimeSource + 'static) -> Self {
        SharedClock(Arc::new(source))
    }

    /// The time now.
    pub fn now(&self) -> SystemTime {
        self.0.now()
    }

    /// The time now as time since the Unix epoch (zero before it).
    pub(super) fn since_epoch(&self) -> Duration {
        self.now().duration_since(UNIX_EPOCH).unwrap_or_default()
    }
}

impl Default for SharedClock {
    fn default() -> Self {
        SharedClock::new(SystemClock)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_tokio_clock_moves_with_the_paused_clock_only() {
        let base = UNIX_EPOCH + Duration::from_secs(1_000_000);
        let clock = SharedClock::new(TokioClock::starting_at(base));
        assert_eq!(clock.since_epoch(), Duration::from_secs(1_000_000));
        tokio::time::sleep(Duration::from_secs(90)).await;
        assert_eq!(clock.now(), base + Duration::from_secs(90));
        let system = SharedClock::default();
        let real = system.since_epoch();
        assert!(real > Duration::from_secs(1_700_000_000), "{real:?}");
    }
}
