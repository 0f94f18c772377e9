//! The waiter and bulk loops where they pause, which needs a tokio runtime
//! (the unit tests in `src/` run without one).

#[cfg(feature = "waiters")]
#[tokio::test]
async fn a_waiter_retries_until_a_success_acceptor_matches() {
    use esign_runtime::__codegen::wait;
    use esign_runtime::__codegen::AcceptorState;
    use esign_runtime::{StatusCode, WaitOptions, WaitOutcome};
    use std::time::Duration;

    let calls = std::sync::atomic::AtomicU32::new(0);
    let attempt = || {
        let n = calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
        async move {
            match n {
                1 => Ok(StatusCode::NOT_FOUND),
                2 => Err((None, "connection reset".to_owned())),
                _ => Ok(StatusCode::OK),
            }
        }
    };
    let acceptors = [(200, AcceptorState::Success), (404, AcceptorState::Retry)];
    let delays = (Duration::from_millis(1), Duration::from_millis(5));
    let outcome = wait(attempt, &acceptors, delays, WaitOptions::default()).await;
    assert_eq!(outcome, WaitOutcome::Reached { attempts: 3, status: StatusCode::OK });
}

#[cfg(feature = "waiters")]
#[tokio::test]
async fn a_waiter_gives_up_at_max_wait() {
    use esign_runtime::__codegen::wait;
    use esign_runtime::__codegen::AcceptorState;
    use esign_runtime::{StatusCode, WaitOptions, WaitOutcome};
    use std::time::Duration;

    let mut options = WaitOptions::default();
    options.max_wait = Duration::from_millis(60);
    options.min_delay = Some(Duration::from_millis(10));
    let started = std::time::Instant::now();
    let outcome = wait(
        || async { Ok(StatusCode::NOT_FOUND) },
        &[(404, AcceptorState::Retry)],
        (Duration::ZERO, Duration::ZERO),
        options,
    )
    .await;
    let WaitOutcome::TimedOut { attempts } = outcome else { panic!("{outcome:?}") };
    assert!(attempts >= 2, "{attempts}");
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[cfg(feature = "bulk")]
#[tokio::test]
async fn a_journaled_run_resumes_where_it_stopped() {
    use esign_runtime::__codegen::{BulkCall, RetryRules};
    use esign_runtime::{Auth, BulkOptions, BulkOutcome, ClientCore, ClientSettings, Journal};
    use std::sync::{Arc, Mutex};

    let path = std::env::temp_dir().join(format!("esign-loops-journal-{}", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let core =
        ClientCore::build(ClientSettings::default(), "http://127.0.0.1:9", Auth::None, None, RetryRules::DEFAULT)
            .unwrap();
    let ids: Vec<String> = (0..6).map(|i| format!("id-{i}")).collect();
    let sent = Arc::new(Mutex::new(Vec::new()));
    // The first run stops after three ids (the others find no connection).
    let stopped = Arc::new(std::sync::atomic::AtomicBool::new(true));
    let call = |_core: ClientCore, id: String| {
        let (sent, stopped) = (sent.clone(), stopped.clone());
        async move {
            if stopped.load(std::sync::atomic::Ordering::SeqCst) && id.as_str() >= "id-3" {
                return BulkCall { outcome: BulkOutcome::NotAttempted, attempts: 0, lost_answers: 0, rate_limit: None };
            }
            sent.lock().unwrap().push(id.clone());
            let outcome = if id == "id-2" {
                BulkOutcome::NotEligible { reason: "signed".to_owned() }
            } else {
                BulkOutcome::Queued
            };
            BulkCall { outcome, attempts: 1, lost_answers: 0, rate_limit: None }
        }
    };
    let mut first = BulkOptions::default();
    first.max_concurrency = 1;
    first.journal = Some(Journal::create(&path).unwrap());
    let report = core.run_bulk("cancel", ids.clone(), &first, call).await;
    assert_eq!(report.counts().get("queued"), Some(&2));
    assert_eq!(report.counts().get("not_attempted"), Some(&3));
    drop(first);
    // The journal records that run: another list of ids is refused, untouched.
    let before = std::fs::read(&path).unwrap();
    let mut other = BulkOptions::default();
    other.journal = Some(Journal::open(&path).unwrap());
    let refused = core.run_bulk("cancel", ids[..3].to_vec(), &other, call).await;
    assert!(refused.journal_error.as_deref().unwrap_or("").contains("records another run"), "{refused:?}");
    assert_eq!(std::fs::read(&path).unwrap(), before);
    stopped.store(false, std::sync::atomic::Ordering::SeqCst);
    let mut resumed = BulkOptions::default();
    resumed.journal = Some(Journal::open(&path).unwrap());
    // The same ids in another order are the same run.
    let report = core.run_bulk("cancel", ids.iter().rev().cloned().collect(), &resumed, call).await;
    assert_eq!(report.entries.len(), 6);
    assert_eq!(report.counts().get("queued"), Some(&5));
    assert_eq!(report.counts().get("not_eligible"), Some(&1));
    let mut sent = sent.lock().unwrap().clone();
    sent.sort();
    assert_eq!(sent, ["id-0", "id-1", "id-2", "id-3", "id-4", "id-5"], "no id sent twice");
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(text.lines().filter(|l| l.contains("\"outcome\"")).count(), 9, "{text}");
    std::fs::remove_file(&path).unwrap();
}
