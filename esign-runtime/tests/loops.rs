//! The waiter and bulk loops where they pause, which needs a tokio runtime
//! (the unit tests in `src/` run without one).

#[cfg(feature = "waiters")]
#[tokio::test]
async fn a_waiter_retries_until_a_success_acceptor_matches() {
    use esign_runtime::{wait, AcceptorState, WaitOptions, WaitOutcome};
    use std::time::Duration;

    let calls = std::sync::atomic::AtomicU32::new(0);
    let attempt = || {
        let n = calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
        async move {
            match n {
                1 => Ok(404),
                2 => Err((None, "connection reset".to_owned())),
                _ => Ok(200),
            }
        }
    };
    let acceptors = [(200, AcceptorState::Success), (404, AcceptorState::Retry)];
    let delays = (Duration::from_millis(1), Duration::from_millis(5));
    let outcome = wait(attempt, &acceptors, delays, WaitOptions::default()).await;
    assert_eq!(outcome, WaitOutcome::Reached { attempts: 3, status: 200 });
}

#[cfg(feature = "waiters")]
#[tokio::test]
async fn a_waiter_gives_up_at_max_wait() {
    use esign_runtime::{wait, AcceptorState, WaitOptions, WaitOutcome};
    use std::time::Duration;

    let options = WaitOptions {
        max_wait: Duration::from_millis(60),
        min_delay: Some(Duration::from_millis(10)),
        max_delay: None,
    };
    let started = std::time::Instant::now();
    let outcome =
        wait(|| async { Ok(404) }, &[(404, AcceptorState::Retry)], (Duration::ZERO, Duration::ZERO), options).await;
    let WaitOutcome::TimedOut { attempts } = outcome else { panic!("{outcome:?}") };
    assert!(attempts >= 2, "{attempts}");
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[cfg(feature = "bulk")]
#[tokio::test]
async fn a_bulk_run_waits_for_the_rate_limit_window() {
    use esign_runtime::{run_bulk, BulkOptions, BulkOutcome, RateLimit};
    use std::time::{Duration, SystemTime, UNIX_EPOCH};

    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs();
    // The first answer spends the window, which resets in the past: the run
    // must pause briefly, then send the rest.
    let sent = std::sync::atomic::AtomicU32::new(0);
    let call = |_id: String| {
        let n = sent.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        async move {
            let rate = (n == 0).then_some(RateLimit { limit: 2, remaining: 0, reset: now.saturating_sub(1) });
            (BulkOutcome::Canceled, 1, rate)
        }
    };
    let options = BulkOptions { max_concurrency: 1, ..BulkOptions::default() };
    let ids = vec!["a".to_owned(), "b".to_owned(), "c".to_owned()];
    let report = tokio::time::timeout(Duration::from_secs(10), run_bulk(ids, &options, call)).await.unwrap();
    assert_eq!(report.counts().get("canceled"), Some(&3));
    assert_eq!(sent.load(std::sync::atomic::Ordering::SeqCst), 3);
}
