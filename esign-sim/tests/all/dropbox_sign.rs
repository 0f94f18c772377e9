//! The Dropbox Sign simulator: lifecycle, events, rate limits, injected
//! errors, paging, credentials.

use crate::support::{callback_endpoint, next_event, quick_retries, quick_wait, serve, sim_client};
use axum::routing::post;
use axum::Router;
use esign_client::dropbox_sign::{
    Client, Credentials, ErrorName, EventCallback, EventType, SignatureRequestCancelHeaders,
    SignatureRequestListOptions, SignatureStatusCode,
};
use esign_client::runtime::{
    ConfirmOutcome, ConfirmedBy, Error, RateLimit, ReportedFor, RetryPolicy, Secret, WaitOptions,
};
use esign_sim::dropbox_sign::{
    error_reply, event_hash, ArrivingRequest, CallbackFormat, Delivery, Endpoint, RateLimitReply, RequestState,
    ACCOUNT_ID,
};
use esign_sim::{DropboxSignSim, Reply};
use futures_util::StreamExt;
use std::time::Duration;

fn api_error(err: &Error<esign_client::dropbox_sign::ErrorResponse>) -> (u16, ErrorName) {
    match err {
        Error::Api { body, response } => (response.status.as_u16(), body.error.error_name.clone()),
        other => panic!("expected the documented error body, got {other:?}"),
    }
}

#[tokio::test(start_paused = true)]
async fn a_cancel_is_queued_then_the_signed_event_arrives_then_the_request_is_gone() {
    for format in [CallbackFormat::Multipart, CallbackFormat::Json] {
        let sim = DropboxSignSim::builder().api_key("my-test-key").callback_format(format).start().await;
        let (url, mut events) = callback_endpoint(sim.api_key()).await;
        sim.set_callback_url(url);
        sim.add_signature_request("sr-1", RequestState::PartiallySigned);
        let client = sim_client(&sim, RetryPolicy::never());

        // 200 with an empty body: queued, not canceled.
        let queued = client.signature_request_cancel("sr-1").await.unwrap();
        assert_eq!(queued.status, 200);
        assert!(queued.warnings.is_empty());

        // The event, verified by the endpoint with the API key (and here again).
        let event = next_event(&mut events).await;
        assert_eq!(event.event.event_type, EventType::SignatureRequestCanceled);
        event.verify(Secret::new("my-test-key")).expect("signed as Dropbox Sign signs");
        assert_eq!(event.verify(Secret::new("another key")), Err(esign_client::runtime::CallbackError::Forged));
        assert_eq!(event.reported_for(), ReportedFor::Account(ACCOUNT_ID.to_owned()));
        let request = event.signature_request.as_ref().unwrap();
        assert_eq!(request.signature_request_id.as_deref(), Some("sr-1"));
        let signatures = request.signatures.as_ref().unwrap();
        assert_eq!(signatures[0].status_code, Some(SignatureStatusCode::Signed));

        assert!(sim.settle(Duration::from_secs(5)).await);
        let produced = sim.events();
        assert_eq!(produced.len(), 1);
        assert_eq!(produced[0].event_type, "signature_request_canceled");
        assert_eq!(produced[0].delivery, Delivery::Acknowledged, "{format:?}");
        assert_eq!(sim.state("sr-1"), Some(RequestState::Canceled));

        // Afterwards: 410 deleted, to a second cancel and to a get.
        let again = client.signature_request_cancel("sr-1").await.unwrap_err();
        assert_eq!(api_error(&again), (410, ErrorName::Deleted));
        let get = client.signature_request_get("sr-1").await.unwrap_err();
        assert_eq!(api_error(&get), (410, ErrorName::Deleted));
    }
}

#[tokio::test(start_paused = true)]
async fn a_held_cancel_stays_queued_until_the_test_completes_it() {
    let sim = DropboxSignSim::builder().hold_cancellations().start().await;
    sim.add_signature_request("sr-1", RequestState::AwaitingSignature);
    let client = sim_client(&sim, RetryPolicy::never());
    client.signature_request_cancel("sr-1").await.unwrap();

    // Queued: the request is still there, and a second cancel answers 410.
    assert_eq!(sim.state("sr-1"), Some(RequestState::Canceling));
    let still = client.signature_request_get("sr-1").await.unwrap();
    assert_eq!(still.body.signature_request.signature_request_id.as_deref(), Some("sr-1"));
    let again = client.signature_request_cancel("sr-1").await.unwrap_err();
    assert_eq!(api_error(&again), (410, ErrorName::Deleted));
    let remove = client.signature_request_remove("sr-1").await.unwrap_err();
    assert_eq!(api_error(&remove), (400, ErrorName::SignatureRequestRemoveFailed));
    assert!(sim.settle(Duration::from_millis(100)).await, "held cancels are not waited for");
    assert!(sim.events().is_empty());

    assert!(sim.complete_cancellation("sr-1").await);
    assert!(!sim.complete_cancellation("sr-1").await, "only once");
    assert_eq!(api_error(&client.signature_request_get("sr-1").await.unwrap_err()), (410, ErrorName::Deleted));

    // No callback URL: the event is produced, signed, and not posted.
    let events = sim.events();
    assert_eq!(events[0].delivery, Delivery::NoCallbackUrl);
    let event: EventCallback = serde_json::from_value(events[0].payload.clone()).unwrap();
    event.verify(Secret::new(sim.api_key())).unwrap();
    let time = &events[0].payload["event"]["event_time"];
    assert_eq!(
        events[0].payload["event"]["event_hash"],
        event_hash(sim.api_key(), time.as_str().unwrap(), "signature_request_canceled")
    );
}

#[tokio::test(start_paused = true)]
async fn cancel_and_confirm_completes_by_the_event_or_by_the_waiter() {
    let sim = DropboxSignSim::start().await;
    let (url, mut events) = callback_endpoint(sim.api_key()).await;
    sim.set_callback_url(url);
    sim.add_signature_request("by-event", RequestState::AwaitingSignature);
    sim.add_signature_request("by-waiter", RequestState::AwaitingSignature);
    let client = sim_client(&sim, RetryPolicy::default());

    // A waiter that would take long, so the event decides.
    let mut slow = WaitOptions::default();
    slow.max_wait = Duration::from_secs(30);
    slow.min_delay = Some(Duration::from_secs(10));
    let outcome = client.signature_request_cancel_and_confirm("by-event", Some(&mut events), slow).await;
    assert_eq!(outcome, ConfirmOutcome::Confirmed { by: ConfirmedBy::Event });

    // No event channel: the waiter sees the 410.
    let outcome = client.signature_request_cancel_and_confirm("by-waiter", None, quick_wait()).await;
    assert_eq!(outcome, ConfirmOutcome::Confirmed { by: ConfirmedBy::Waiter });

    // Not eligible: fully signed.
    sim.add_signature_request("signed", RequestState::FullySigned);
    let outcome = client.signature_request_cancel_and_confirm("signed", None, quick_wait()).await;
    assert!(
        matches!(&outcome, ConfirmOutcome::NotEligible { reason } if reason.contains("fully executed")),
        "{outcome:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn executed_requests_cannot_be_canceled_but_can_be_removed() {
    let sim = DropboxSignSim::start().await;
    sim.add_signature_request("signed", RequestState::FullySigned);
    sim.add_signature_request("declined", RequestState::Declined);
    sim.add_signature_request("open", RequestState::AwaitingSignature);
    let client = sim_client(&sim, RetryPolicy::never());
    for id in ["signed", "declined"] {
        let err = client.signature_request_cancel(id).await.unwrap_err();
        assert_eq!(api_error(&err), (400, ErrorName::SignatureRequestCancelFailed), "{id}");
        client.signature_request_remove(id).await.unwrap();
        assert_eq!(sim.state(id), Some(RequestState::Removed));
        assert_eq!(api_error(&client.signature_request_remove(id).await.unwrap_err()), (410, ErrorName::Deleted));
        assert_eq!(api_error(&client.signature_request_get(id).await.unwrap_err()), (410, ErrorName::Deleted));
    }
    let err = client.signature_request_remove("open").await.unwrap_err();
    assert_eq!(api_error(&err), (400, ErrorName::SignatureRequestRemoveFailed));
    for err in [
        client.signature_request_cancel("missing").await.unwrap_err(),
        client.signature_request_remove("missing").await.unwrap_err(),
        client.signature_request_get("missing").await.unwrap_err(),
    ] {
        assert_eq!(api_error(&err), (404, ErrorName::NotFound));
    }
}

#[tokio::test(start_paused = true)]
async fn every_response_carries_the_rate_limit_and_an_exhausted_limit_is_answered_as_documented() {
    let sim = DropboxSignSim::builder().rate_limit(2).rate_limit_window(Duration::from_secs(1)).start().await;
    sim.add_signature_requests(4, RequestState::AwaitingSignature);
    let client = sim_client(&sim, RetryPolicy::never());

    let first = client.signature_request_get("sr-00001").await.unwrap();
    let RateLimit { limit, remaining, reset, .. } = first.rate_limit.expect("the client reads the headers");
    assert_eq!((limit, remaining), (2, 1));
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    assert!(reset >= now && reset <= now + 2, "{reset} vs {now}");
    let headers = SignatureRequestCancelHeaders::from_headers(&first.headers);
    assert_eq!((headers.x_rate_limit_limit, headers.x_rate_limit_remaining), (Some(2), Some(1)));

    // An error response carries them too.
    let err = client.signature_request_get("missing").await.unwrap_err();
    assert_eq!(err.rate_limit().map(|r| r.remaining), Some(0));
    // This client now knows the window is spent and holds its next call
    // back until the reset; a client that does not know it yet sends, and
    // the simulator refuses as documented.
    let limited = sim_client(&sim, RetryPolicy::never()).signature_request_get("sr-00001").await.unwrap_err();
    assert_eq!(api_error(&limited), (403, ErrorName::ExceededRate));
    assert_eq!(limited.rate_limit().map(|r| (r.limit, r.remaining)), Some((2, 0)));

    // The client's default policy waits for the reset, then goes through.
    let waited = sim_client(&sim, RetryPolicy::default()).signature_request_get("sr-00002").await.unwrap();
    assert_eq!(waited.attempts, 2, "one rate-limited answer, then the retry");
    assert_eq!(waited.waits.len(), 1);
    assert!(waited.waits[0] <= Duration::from_millis(2500), "{:?}", waited.waits);

    // The paced client waited for the same reset instead of being refused.
    let paced = client.signature_request_get("sr-00003").await.unwrap();
    assert_eq!(paced.attempts, 1, "no refused attempt");

    // The 429 variant.
    let sim = DropboxSignSim::builder().rate_limit(0).rate_limit_reply(RateLimitReply::TooManyRequests).start().await;
    let err = sim_client(&sim, RetryPolicy::never()).signature_request_get("x").await.unwrap_err();
    assert_eq!(api_error(&err), (429, ErrorName::ExceededRate));
}

#[tokio::test]
async fn observers_see_each_request_as_it_arrives_refused_or_not_in_the_order_given() {
    use std::sync::{Arc, Mutex};
    let seen: Arc<Mutex<Vec<(u8, ArrivingRequest)>>> = Arc::default();
    let (first, second) = (seen.clone(), seen.clone());
    let sim = DropboxSignSim::builder()
        .on_request(move |request: &ArrivingRequest| first.lock().unwrap().push((1, request.clone())))
        .on_request(move |request: &ArrivingRequest| second.lock().unwrap().push((2, request.clone())))
        .start()
        .await;
    sim.add_signature_request("a b", RequestState::AwaitingSignature);
    sim.respond_next_on(Endpoint::List, error_reply(503, "maintenance"));
    sim_client(&sim, RetryPolicy::never()).signature_request_cancel("a b").await.unwrap();
    let http = reqwest::Client::new();
    let list = format!("{}/signature_request/list?query=title%3AOffer", sim.base_url());
    let wrong_key = http.get(&list).basic_auth("sk_wrong", Some("")).send().await.unwrap();
    let queued = http.get(&list).basic_auth(sim.api_key(), Some("")).send().await.unwrap();
    let wrong_method = http.post(&list).basic_auth(sim.api_key(), Some("")).send().await.unwrap();
    let statuses = [wrong_key.status(), queued.status(), wrong_method.status()].map(|status| status.as_u16());
    assert_eq!(statuses, [401, 503, 405]);

    let seen = seen.lock().unwrap();
    let observed: Vec<_> = seen
        .iter()
        .map(|(n, r)| (*n, r.method.as_str(), r.path.as_str(), r.query.as_deref(), r.endpoint, r.id.as_deref()))
        .collect();
    let (path, query) = ("/v3/signature_request/list", Some("query=title%3AOffer"));
    let cancel = ("POST", "/v3/signature_request/cancel/a%20b", None, Some(Endpoint::Cancel), Some("a b"));
    let list = ("GET", path, query, Some(Endpoint::List), None);
    let post = ("POST", path, query, None, None);
    let expected: Vec<_> = [cancel, list, list, post]
        .into_iter()
        .flat_map(|(m, p, q, e, i)| [(1, m, p, q, e, i), (2, m, p, q, e, i)])
        .collect();
    assert_eq!(observed, expected);
    assert_eq!(sim.requests().len(), 4, "each was answered once");
}

#[tokio::test(start_paused = true)]
async fn injected_errors_arrive_as_typed_api_errors() {
    let sim = DropboxSignSim::start().await;
    sim.add_signature_request("sr-1", RequestState::AwaitingSignature);
    let client = sim_client(&sim, RetryPolicy::never());

    sim.fail_next(409, "conflict");
    match client.signature_request_cancel("sr-1").await.unwrap_err() {
        Error::Api { body, response } => {
            assert_eq!(response.status, 409);
            assert_eq!(body.error.error_name, ErrorName::Conflict);
            assert!(body.error.error_msg.contains("conflict of some kind"), "{}", body.error.error_msg);
            assert!(response.rate_limit.is_some(), "injected answers carry the rate limit too");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(sim.state("sr-1"), Some(RequestState::AwaitingSignature), "the injected answer changed nothing");

    // A name the table does not list is kept.
    sim.fail_next(400, "brand_new_error");
    let err = client.signature_request_get("sr-1").await.unwrap_err();
    assert_eq!(api_error(&err), (400, ErrorName::UnknownValue("brand_new_error".to_owned())));

    // Maintenance is retried by the client; the retry gets the real answer.
    sim.fail_next(503, "maintenance");
    let response = client.with_retry_policy(quick_retries()).signature_request_get("sr-1").await.unwrap();
    assert_eq!(response.attempts, 2);

    // Aimed at one endpoint: a proxy's HTML page for the next get only.
    sim.respond_next_on(Endpoint::Get, Reply::text(502, "text/html", "<html>Bad gateway</html>"));
    client.signature_request_list(&SignatureRequestListOptions::default()).await.unwrap();
    match client.signature_request_get("sr-1").await.unwrap_err() {
        Error::UnexpectedResponse(response) => {
            assert_eq!(response.status, 502);
            assert_eq!(response.text(), "<html>Bad gateway</html>");
        }
        other => panic!("{other:?}"),
    }
    sim.respond_next(error_reply(500, "unknown"));
    assert_eq!(api_error(&client.signature_request_remove("sr-1").await.unwrap_err()), (500, ErrorName::Unknown));

    let statuses: Vec<u16> = sim.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [409, 400, 503, 200, 200, 502, 500]);
}

#[tokio::test(start_paused = true)]
async fn credentials_are_checked_and_never_logged() {
    let sim = DropboxSignSim::builder().api_key("the-real-key").oauth_token("the-token").start().await;
    sim.add_signature_request("sr-1", RequestState::AwaitingSignature);
    let wrong = Client::builder()
        .base_url(sim.base_url())
        .credentials(Credentials::api_key("a-wrong-key"))
        .retry_policy(RetryPolicy::never())
        .build()
        .unwrap();
    let err = wrong.signature_request_get("sr-1").await.unwrap_err();
    assert_eq!(api_error(&err), (401, ErrorName::Unauthorized));
    assert!(err.rate_limit().is_none(), "an unauthenticated call is not counted");

    let bearer =
        Client::builder().base_url(sim.base_url()).credentials(Credentials::oauth2("the-token")).build().unwrap();
    bearer.signature_request_get("sr-1").await.unwrap();
    sim_client(&sim, RetryPolicy::never()).signature_request_get("sr-1").await.unwrap();

    let log = format!("{:?}", sim.requests());
    assert_eq!(sim.requests().len(), 3);
    for secret in ["the-real-key", "a-wrong-key", "the-token"] {
        assert!(!log.contains(secret), "{log}");
    }
}

#[tokio::test(start_paused = true)]
async fn lists_page_through_every_request_in_order() {
    let sim = DropboxSignSim::start().await;
    let ids = sim.add_signature_requests(45, RequestState::AwaitingSignature);
    assert_eq!((ids[0].as_str(), ids[44].as_str()), ("sr-00001", "sr-00045"));
    sim.add_signature_request("gone", RequestState::Canceled);
    let client = sim_client(&sim, RetryPolicy::never());

    let mut options = SignatureRequestListOptions::default();
    options.page_size = Some(20);
    let pages: Vec<_> = client.signature_request_list_pages(&options).collect().await;
    let sizes: Vec<usize> = pages.iter().map(|p| p.as_ref().unwrap().body.signature_requests.len()).collect();
    assert_eq!(sizes, [20, 20, 5]);
    let info = &pages[2].as_ref().unwrap().body.list_info;
    assert_eq!((info.page, info.num_pages, info.num_results), (Some(3), Some(3), Some(45)));
    let listed: Vec<String> = client
        .signature_request_list_items(&options)
        .map(|item| item.unwrap().signature_request_id.unwrap())
        .collect()
        .await;
    assert_eq!(listed, ids, "every request once, in order; canceled ones are not listed");

    // The default page size is 20; out-of-range sizes name the parameter.
    let first = client.signature_request_list(&SignatureRequestListOptions::default()).await.unwrap();
    assert_eq!(first.body.signature_requests.len(), 20);
    for size in [0, 101] {
        let mut options = SignatureRequestListOptions::default();
        options.page_size = Some(size);
        match client.signature_request_list(&options).await.unwrap_err() {
            Error::Api { body, .. } => {
                assert_eq!(body.error.error_name, ErrorName::BadRequest);
                assert_eq!(body.error.error_path.as_deref(), Some("page_size"));
            }
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(sim.add_signature_requests(1, RequestState::Declined), ["sr-00046"]);
}

#[tokio::test(start_paused = true)]
async fn any_event_can_be_posted_and_the_endpoint_reply_is_checked() {
    let sim = DropboxSignSim::start().await;
    sim.add_signature_request("sr-1", RequestState::PartiallySigned);
    let (url, mut events) = callback_endpoint(sim.api_key()).await;
    sim.set_callback_url(url);
    let sent = sim.post_event("signature_request_signed", "sr-1").await;
    assert_eq!(sent.delivery, Delivery::Acknowledged);
    let received = next_event(&mut events).await;
    assert_eq!(received.event.event_type, EventType::SignatureRequestSigned);
    let test = sim.post_event("callback_test", "not-added").await;
    assert_eq!(test.delivery, Delivery::Acknowledged);
    assert_eq!(next_event(&mut events).await.event.event_type, EventType::CallbackTest);
    let unknown = sim.post_event("signature_request_teleported", "not-added").await;
    assert_eq!(unknown.delivery, Delivery::Acknowledged);
    assert_eq!(
        next_event(&mut events).await.event.event_type,
        EventType::UnknownValue("signature_request_teleported".to_owned())
    );

    // An endpoint that answers anything but the exact reply.
    let sloppy = serve(Router::new().route("/cb", post(|| async { "OK" }))).await;
    sim.set_callback_url(format!("{sloppy}/cb"));
    let sent = sim.post_event("signature_request_signed", "sr-1").await;
    assert_eq!(sent.delivery, Delivery::NotAcknowledged { status: 200, body: "OK".to_owned() });

    // Nobody listening.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = closed.local_addr().unwrap();
    drop(closed);
    sim.set_callback_url(format!("http://{address}/cb"));
    let sent = sim.post_event("signature_request_signed", "sr-1").await;
    assert!(matches!(sent.delivery, Delivery::Failed { .. }), "{:?}", sent.delivery);
    assert_eq!(sim.events().len(), 5);
}

#[tokio::test(start_paused = true)]
async fn unknown_paths_and_methods_are_answered_as_the_api_does_and_drop_stops_the_server() {
    let sim = DropboxSignSim::start().await;
    let http = reqwest::Client::new();
    let key = sim.api_key().to_owned();
    // Fax lines are an API the simulator does not serve.
    let fax = http.get(format!("{}/fax_line", sim.base_url())).basic_auth(&key, Some("")).send().await.unwrap();
    assert_eq!(fax.status(), 404);
    let wrong = http.get(format!("{}/signature_request/cancel/x", sim.base_url())).basic_auth(&key, None::<&str>);
    let wrong = wrong.send().await.unwrap();
    assert_eq!(wrong.status(), 405);
    let body: serde_json::Value = serde_json::from_str(&wrong.text().await.unwrap()).unwrap();
    assert_eq!(body["error"]["error_name"], "method_not_supported");

    let base = sim.base_url().to_owned();
    drop(sim);
    let mut refused = false;
    for _ in 0..50 {
        let attempt = http.get(format!("{base}/signature_request/x")).basic_auth(&key, Some("")).send().await;
        if attempt.is_err() {
            refused = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(refused, "the server still answers after the simulator was dropped");
}

#[tokio::test(start_paused = true)]
async fn a_bulk_run_given_an_id_twice_sends_it_once_and_reports_it_once() {
    let sim = DropboxSignSim::start().await;
    let ids = sim.add_signature_requests(3, RequestState::AwaitingSignature);
    let client = sim_client(&sim, RetryPolicy::default());
    let given = vec![ids[0].clone(), ids[1].clone(), ids[0].clone(), ids[2].clone(), ids[1].clone()];
    let report = client.bulk_signature_request_cancel(given, &esign_client::runtime::BulkOptions::default()).await;
    let reported: Vec<&str> = report.entries.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(reported, [ids[0].as_str(), ids[1].as_str(), ids[2].as_str()], "first-seen order, each once");
    assert_eq!(report.counts().get("queued"), Some(&3), "{:?}", report.counts());
    for id in &ids {
        let sent = sim.requests().iter().filter(|r| r.path.ends_with(&format!("/{id}"))).count();
        assert_eq!(sent, 1, "{id} was sent {sent} times");
    }
}
