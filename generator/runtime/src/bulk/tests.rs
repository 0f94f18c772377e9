use super::*;
use crate::error::tests::raw;
use reqwest::StatusCode;

fn entry(id: &str, outcome: BulkOutcome) -> BulkEntry {
    BulkEntry { id: id.to_owned(), outcome, attempts: 1, lost_answers: 0 }
}

fn failed(status: Option<u16>) -> BulkOutcome {
    BulkOutcome::Failed { reason: "x".to_owned(), status: status.map(|s| StatusCode::from_u16(s).unwrap()) }
}

fn api_error(status: u16, attempts: u32, lost_answers: u32) -> Error<()> {
    let mut response = raw(status, None, r#"{"message":"why"}"#);
    (response.attempts, response.lost_answers) = (attempts, lost_answers);
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
        journal_error: None,
    };
    let counts: Vec<(&str, usize)> = report.counts().into_iter().collect();
    assert_eq!(counts, [("canceled", 2), ("failed", 1), ("not_attempted", 1), ("not_found", 1), ("queued", 1)]);
    assert_eq!(report.pending_ids(), ["c", "d"]);
    assert!(BulkReport::default().counts().is_empty());
}

#[test]
fn a_later_run_takes_over() {
    let mut report =
        BulkReport { entries: vec![entry("a", failed(None)), entry("b", BulkOutcome::Canceled)], journal_error: None };
    report.merge(BulkReport {
        entries: vec![entry("a", BulkOutcome::Canceled), entry("c", BulkOutcome::Queued)],
        journal_error: None,
    });
    let ids: Vec<(&str, &BulkOutcome)> = report.entries.iter().map(|e| (e.id.as_str(), &e.outcome)).collect();
    assert_eq!(ids, [("a", &BulkOutcome::Canceled), ("b", &BulkOutcome::Canceled), ("c", &BulkOutcome::Queued)]);
    assert!(report.pending_ids().is_empty());
}

#[test]
fn reports_round_trip_through_json() {
    let report = BulkReport {
        entries: vec![
            BulkEntry { id: "a".to_owned(), outcome: failed(Some(503)), attempts: 2, lost_answers: 1 },
            entry("b", BulkOutcome::AlreadyGone { reason: "deleted".to_owned() }),
            BulkEntry { id: "c".to_owned(), outcome: BulkOutcome::NotAttempted, attempts: 0, lost_answers: 0 },
        ],
        journal_error: None,
    };
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"entries": [
            {"id": "a", "outcome": "failed", "reason": "x", "status": 503, "attempts": 2, "lost_answers": 1},
            {"id": "b", "outcome": "already_gone", "reason": "deleted", "attempts": 1},
            {"id": "c", "outcome": "not_attempted", "attempts": 0},
        ]})
    );
    assert_eq!(serde_json::from_value::<BulkReport>(json).unwrap(), report);
    let names: Vec<&str> = [
        BulkOutcome::Queued,
        BulkOutcome::Canceled,
        BulkOutcome::AlreadyGone { reason: String::new() },
        BulkOutcome::NotEligible { reason: String::new() },
        BulkOutcome::NotFound { reason: String::new() },
        failed(None),
        BulkOutcome::NotAttempted,
    ]
    .iter()
    .map(BulkOutcome::name)
    .collect();
    assert_eq!(names, ["queued", "canceled", "already_gone", "not_eligible", "not_found", "failed", "not_attempted"]);
}

#[test]
fn failed_calls_become_outcomes() {
    let success = BulkOutcome::Canceled;
    let outcome = |err: &Error<()>| bulk_outcome(err, RULES, Some("/message"), success.clone());
    assert_eq!(outcome(&api_error(404, 1, 0)), BulkOutcome::NotFound { reason: "why".to_owned() });
    assert_eq!(outcome(&api_error(410, 1, 0)), BulkOutcome::AlreadyGone { reason: "why".to_owned() });
    // A 410 after an attempt whose answer was lost: that attempt got through.
    assert_eq!(outcome(&api_error(410, 2, 1)), BulkOutcome::Canceled);
    // A 410 after a refusal (429, 503): the refused attempt did nothing.
    assert_eq!(outcome(&api_error(410, 2, 0)), BulkOutcome::AlreadyGone { reason: "why".to_owned() });
    assert_eq!(outcome(&api_error(409, 1, 0)), BulkOutcome::NotEligible { reason: "why".to_owned() });
    assert_eq!(
        outcome(&api_error(503, 3, 0)),
        BulkOutcome::Failed { reason: "why".to_owned(), status: Some(StatusCode::SERVICE_UNAVAILABLE) }
    );
    let BulkOutcome::Failed { reason, .. } = outcome(&api_error(504, 3, 3)) else { panic!() };
    assert!(reason.ends_with("(an attempt's answer was lost: it may have taken effect)"), "{reason}");
    let err: Error<()> = Error::InvalidRequest("empty id".to_owned());
    let expected = BulkOutcome::Failed { reason: "invalid request: empty id".to_owned(), status: None };
    assert_eq!(outcome(&err), expected);
    let err: Error<()> = Error::RateLimited {
        retry_at: std::time::SystemTime::now(),
        wanted: std::time::Duration::from_secs(7200),
        response: None,
        attempts: 0,
        lost_answers: 0,
    };
    assert_eq!(outcome(&err), BulkOutcome::NotAttempted);
    let call = BulkCall::failure(&api_error(410, 2, 1), RULES, None, BulkOutcome::Queued);
    assert_eq!((call.outcome, call.attempts, call.lost_answers), (BulkOutcome::Queued, 2, 1));
}

#[test]
fn options_default_and_debug() {
    let options = BulkOptions::default();
    assert_eq!((options.max_concurrency, options.deadline, options.max_attempts), (8, None, 5));
    assert_eq!(options.max_rate_limit_wait, std::time::Duration::from_secs(3600));
    assert!(options.journal.is_none());
    let options = BulkOptions { on_progress: Some(std::sync::Arc::new(|_: &BulkProgress| {})), ..options };
    assert_eq!(
        format!("{options:?}"),
        "BulkOptions { max_concurrency: 8, deadline: None, max_attempts: 5, max_rate_limit_wait: 3600s, journal: None, .. }"
    );
}

// Runs whose calls are stand-ins (no HTTP, no timer).
#[cfg(feature = "bulk")]
mod runs {
    use super::*;
    use crate::client::{ClientCore, ClientSettings};
    use crate::retry::RetryRules;
    use crate::secret::Auth;
    use std::sync::{Arc, Mutex};

    fn core() -> ClientCore {
        ClientCore::build(ClientSettings::default(), "http://127.0.0.1:9", Auth::None, None, RetryRules::DEFAULT)
            .unwrap()
    }

    fn run(ids: &[&str], options: &BulkOptions, answers: impl Fn(&str) -> BulkCall) -> BulkReport {
        let call = |_core: ClientCore, id: String| {
            let answer = answers(&id);
            async move { answer }
        };
        let ids = ids.iter().map(|id| (*id).to_owned()).collect();
        crate::block_on(core().run_bulk("cancel", ids, options, call))
    }

    fn answer(outcome: BulkOutcome, attempts: u32) -> BulkCall {
        BulkCall { outcome, attempts, lost_answers: 0, rate_limit: None }
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
        let report = run(&["a", "b", "c", "d"], &options, |id| match id {
            "b" => answer(BulkOutcome::NotFound { reason: "no".to_owned() }, 1),
            "c" => answer(BulkOutcome::Canceled, 3),
            _ => answer(BulkOutcome::Canceled, 1),
        });
        let ids: Vec<(&str, u32)> = report.entries.iter().map(|e| (e.id.as_str(), e.attempts)).collect();
        assert_eq!(ids, [("a", 1), ("b", 1), ("c", 3), ("d", 1)]);
        assert_eq!(report.counts().get("canceled"), Some(&3));
        assert_eq!(*progress.lock().unwrap(), [(1, 4), (2, 4), (3, 4), (4, 4)]);
    }

    #[test]
    fn nothing_is_sent_past_the_deadline() {
        let options = BulkOptions { deadline: Some(std::time::Duration::ZERO), ..BulkOptions::default() };
        let report = run(&["a", "b"], &options, |_| panic!("nothing should be sent"));
        assert!(report.entries.iter().all(|e| e.outcome == BulkOutcome::NotAttempted && e.attempts == 0));
        assert_eq!(report.pending_ids(), ["a", "b"]);
    }
}
