//! Callback events, paging, waiting and confirmed cancellation, against the
//! Dropbox Sign simulator and the example callback receiver.

use crate::support::{callback_form, quick_wait, serve, sim_client, Rng};
use esign_client::dropbox_sign::{Client, EventCallback, EventType, SignatureRequestListOptions, SignatureStatusCode};
use esign_client::runtime::{
    CallbackError, ConfirmOutcome, ConfirmedBy, ReportedFor, RetryPolicy, Secret, StatusCode, WaitOptions, WaitOutcome,
    CALLBACK_MEMORY_FACTOR, CALLBACK_MEMORY_FLOOR,
};
use esign_sim::dropbox_sign::{DropboxSignSimBuilder, RequestState};
use esign_sim::DropboxSignSim;
use futures_util::StreamExt;
use serde_json::{json, Value};
use std::time::Duration;

/// Vectors computed independently with Python's `hmac` module:
/// `hmac.new(KEY, (event_time + event_type).encode(), hashlib.sha256).hexdigest()`.
const KEY: &str = "c7a5f2d1e9b8a3f4e6d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1f0";
const HASH_CANCELED_1348177752: &str = "73ef5ff541beb100774eeeca9028d862a54187c01f001e804fed7255be163a82";
const HASH_CANCELED_1348177753: &str = "162429cdf1ad0516db9c3353387d5d0cfd73268ce4e51b068834befc754246ef";
const HASH_CALLBACK_TEST_1700000000: &str = "10cbcabd25c85bc45f99423ef8fdb82bb0d103f35effa7faa78e742c1ea26e63";

fn event_json(time: &str, kind: &str, hash: &str, id: &str) -> Value {
    json!({
        "event": {
            "event_time": time,
            "event_type": kind,
            "event_hash": hash,
            "event_metadata": {"related_signature_id": null, "reported_for_account_id": "acc-1",
                               "reported_for_app_id": null, "event_message": null}
        },
        "signature_request": {"signature_request_id": id, "title": "NDA", "is_complete": false,
            "signatures": [{"signature_id": "s1", "status_code": "awaiting_signature"}]}
    })
}

fn key() -> Secret {
    Secret::new(KEY)
}

#[tokio::test(start_paused = true)]
async fn events_parse_from_multipart_and_json_and_verify_against_independent_vectors() {
    let payload = event_json("1348177752", "signature_request_canceled", HASH_CANCELED_1348177752, "sr1").to_string();
    let (content_type, body) = callback_form(&payload);
    let event = EventCallback::from_callback(&content_type, &body).await.unwrap();
    assert_eq!(event.event.event_type, EventType::SignatureRequestCanceled);
    event.verify(key()).expect("the Python vector verifies");
    assert_eq!(event.reported_for(), ReportedFor::Account("acc-1".to_owned()));
    let plain = EventCallback::from_callback("application/json", payload.as_bytes()).await.unwrap();
    assert_eq!(plain, event);
    // Synchronously, with the key as text, a reference or a Secret.
    let parsed = EventCallback::parse(&content_type, &body).unwrap();
    assert_eq!(parsed, event);
    parsed.verify(KEY).unwrap();
    let secret = key();
    parsed.verify(&secret).unwrap();
    assert!(!format!("{secret:?}").contains(KEY), "the key a caller keeps still never prints");
    parsed.verify(KEY.to_owned()).unwrap();
    assert_eq!(parsed.verify("another key"), Err(esign_client::runtime::CallbackError::Forged));
    assert_eq!(EventCallback::parse_verified(&content_type, &body, KEY).unwrap(), event);
    assert!(EventCallback::parse_verified(&content_type, &body, "").is_err(), "an empty key never verifies");

    // An event type beyond the reference's table, reported for an app.
    let mut test = event_json("1700000000", "callback_test", HASH_CALLBACK_TEST_1700000000, "sr1");
    test["event"]["event_metadata"]["reported_for_app_id"] = json!("app-9");
    let test: EventCallback = serde_json::from_value(test).unwrap();
    assert_eq!(test.event.event_type, EventType::CallbackTest);
    test.verify(key()).unwrap();
    assert_eq!(test.reported_for(), ReportedFor::App("app-9".to_owned()));
}

#[tokio::test(start_paused = true)]
async fn forged_and_malformed_callbacks_are_refused() {
    // A forged hash, a hash for another event_time, the wrong key.
    for (time, hash) in [
        ("1348177752", "00".repeat(32)),
        ("1348177752", HASH_CANCELED_1348177753.to_owned()),
        ("1348177752", "not hex at all".to_owned()),
    ] {
        let event: EventCallback =
            serde_json::from_value(event_json(time, "signature_request_canceled", &hash, "sr1")).unwrap();
        assert_eq!(event.verify(key()), Err(CallbackError::Forged), "{hash}");
    }
    let good: EventCallback =
        serde_json::from_value(event_json("1348177752", "signature_request_canceled", HASH_CANCELED_1348177752, "x"))
            .unwrap();
    assert_eq!(good.verify(Secret::new("another key")), Err(CallbackError::Forged));

    // Missing fields, a non-JSON json field, other content types, too large.
    let missing = json!({"event": {"event_time": "1", "event_type": "signature_request_sent"}}).to_string();
    assert!(matches!(
        EventCallback::from_callback("application/json", missing.as_bytes()).await,
        Err(CallbackError::Malformed(_))
    ));
    let (content_type, body) = callback_form("this is not json");
    assert!(matches!(EventCallback::from_callback(&content_type, &body).await, Err(CallbackError::Malformed(_))));
    let (content_type, _) = callback_form("{}");
    assert!(matches!(
        EventCallback::from_callback(&content_type, b"--nope\r\n\r\n").await,
        Err(CallbackError::Malformed(_))
    ));
    assert!(matches!(EventCallback::from_callback("text/plain", b"{}").await, Err(CallbackError::Malformed(_))));
    let big = vec![b' '; EventCallback::CALLBACK_LIMIT + 1];
    assert_eq!(
        EventCallback::from_callback("application/json", &big).await,
        Err(CallbackError::TooLarge { limit: EventCallback::CALLBACK_LIMIT })
    );
    // A genuine hash over a body denser than any the provider sends: one
    // typed signature per three bytes, refused part way through parsing,
    // whichever way in. A few such signatures are read.
    let mut dense = event_json("1348177752", "signature_request_canceled", HASH_CANCELED_1348177752, "sr1");
    dense["signature_request"]["signatures"] = json!(vec![json!({}); 100_000]);
    let (content_type, body) = callback_form(&dense.to_string());
    let budget = 4 * body.len() - 1024;
    assert_eq!(EventCallback::parse_verified(&content_type, &body, key()), Err(CallbackError::TooDense { budget }));
    assert_eq!(EventCallback::parse(&content_type, &body), Err(CallbackError::TooDense { budget }));
    dense["signature_request"]["signatures"] = json!(vec![json!({}); 30]);
    let (content_type, body) = callback_form(&dense.to_string());
    let event = EventCallback::parse_verified(&content_type, &body, key()).unwrap();
    assert_eq!(event.signature_request.and_then(|r| r.signatures).map(|s| s.len()), Some(30));
}

#[tokio::test(start_paused = true)]
async fn unknown_fields_status_codes_and_top_level_keys_are_kept() {
    let mut value = event_json("1348177752", "signature_request_canceled", HASH_CANCELED_1348177752, "sr1");
    value["signature_request"]["signatures"][0]["status_code"] = json!("expired");
    value["signature_request"]["brand_new_field"] = json!({"x": 1});
    value["client_id"] = json!("app-client");
    // (Explicit nulls of optional fields come back as absent keys.)
    value["event"]["event_metadata"] = json!({"reported_for_account_id": "acc-1"});
    let event: EventCallback = serde_json::from_value(value.clone()).unwrap();
    let request = event.signature_request.as_ref().unwrap();
    let signature = &request.signatures.as_ref().unwrap()[0];
    assert_eq!(signature.status_code, Some(SignatureStatusCode::UnknownValue("expired".to_owned())));
    assert_eq!(request.extra["brand_new_field"], json!({"x": 1}));
    assert_eq!(event.extra["client_id"], json!("app-client"));
    assert_eq!(serde_json::to_value(&event).unwrap(), value, "nothing lost");
}

// The signature request lifecycle comes from the Dropbox Sign simulator
// (`esign-sim`, whose own tests cover cancel, confirm, remove and paging);
// these tests add the example receiver, the waiter's failures and paging's
// edge cases.

/// A simulator that signs its events with [`KEY`], and a client for it.
async fn simulator(builder: DropboxSignSimBuilder) -> (Client, DropboxSignSim) {
    let sim = builder.api_key(KEY).start().await;
    (sim_client(&sim, RetryPolicy::default()), sim)
}

#[tokio::test(start_paused = true)]
async fn a_canceled_request_is_confirmed_by_the_event_the_example_receiver_verified() {
    let (client, sim) = simulator(DropboxSignSim::builder()).await;
    sim.add_signature_request("sr-sent", RequestState::AwaitingSignature);
    // The example receiver, verifying with the API key, feeds the helper.
    let (sender, mut events) = tokio::sync::mpsc::channel(8);
    let receiver = serve(callback_receiver::router(key(), Some(sender))).await;
    sim.set_callback_url(format!("{receiver}/callback"));
    // A waiter that would take long, so the event decides.
    let mut slow = WaitOptions::default();
    slow.max_wait = Duration::from_secs(20);
    slow.min_delay = Some(Duration::from_secs(5));
    let outcome = client.signature_request_cancel_and_confirm("sr-sent", Some(&mut events), slow).await;
    assert_eq!(outcome, ConfirmOutcome::Confirmed { by: ConfirmedBy::Event });
}

#[tokio::test(start_paused = true)]
async fn the_waiter_times_out_and_fails_as_its_acceptors_say() {
    let (client, sim) = simulator(DropboxSignSim::builder().hold_cancellations()).await;
    sim.add_signature_request("sr-slow", RequestState::AwaitingSignature);
    client.signature_request_cancel("sr-slow").await.expect("queued; the simulator holds it");
    let mut short = quick_wait();
    short.max_wait = Duration::from_millis(150);
    let outcome = client.wait_until_signature_request_canceled("sr-slow", short).await;
    assert!(matches!(outcome, WaitOutcome::TimedOut { attempts } if attempts >= 2), "{outcome:?}");
    let outcome = client.wait_until_signature_request_canceled("missing", quick_wait()).await;
    assert!(
        matches!(outcome, WaitOutcome::Failed { status: Some(StatusCode::NOT_FOUND), attempts: 1, .. }),
        "{outcome:?}"
    );
    // Once the cancel completes, the same waiter succeeds.
    assert!(sim.complete_cancellation("sr-slow").await);
    let outcome = client.wait_until_signature_request_canceled("sr-slow", quick_wait()).await;
    assert!(matches!(outcome, WaitOutcome::Reached { .. }), "{outcome:?}");
}

#[tokio::test(start_paused = true)]
async fn the_receiver_answers_the_required_reply_and_refuses_forgeries() {
    let receiver = serve(callback_receiver::router(key(), None)).await;
    let http = reqwest::Client::new();
    let good = event_json("1348177752", "signature_request_canceled", HASH_CANCELED_1348177752, "sr1").to_string();
    let reply = http
        .post(format!("{receiver}/callback"))
        .multipart(reqwest::multipart::Form::new().text("json", good))
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 200);
    assert_eq!(reply.text().await.unwrap(), "Hello API Event Received");
    let forged = event_json("1348177753", "signature_request_canceled", HASH_CANCELED_1348177752, "sr1").to_string();
    let reply = http
        .post(format!("{receiver}/callback"))
        .multipart(reqwest::multipart::Form::new().text("json", forged))
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 401);
    let reply = http
        .post(format!("{receiver}/callback"))
        .multipart(reqwest::multipart::Form::new().text("json", "{not json"))
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 400);
    let reply = http
        .post(format!("{receiver}/callback"))
        .header("content-type", "application/json")
        .body(vec![b' '; EventCallback::CALLBACK_LIMIT + 10])
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 413);
}

#[tokio::test(start_paused = true)]
async fn paging_from_a_later_page_an_exact_multiple_and_an_empty_list() {
    let (client, sim) = simulator(DropboxSignSim::builder()).await;
    let mut options = SignatureRequestListOptions::default();
    options.page_size = Some(20);
    assert_eq!(client.signature_request_list_items(&options).count().await, 0, "nothing listed yet");
    let ids = sim.add_signature_requests(40, RequestState::AwaitingSignature);
    assert_eq!(client.signature_request_list_pages(&options).count().await, 2, "40 is two full pages");
    let more = sim.add_signature_requests(5, RequestState::AwaitingSignature);
    let mut from_two = options.clone();
    from_two.page = Some(2);
    let listed: Vec<String> = client
        .signature_request_list_items(&from_two)
        .map(|item| item.unwrap().signature_request_id.unwrap())
        .collect()
        .await;
    let expected: Vec<String> = ids[20..].iter().chain(&more).cloned().collect();
    assert_eq!(listed, expected, "from page 2 on, every item once, in order");
}

/// A JSON object of `size` bytes or so of tiny values (the shape that costs
/// the most memory per byte once parsed), under the given event.
fn tiny_values(event: &Value, size: usize, rng: &mut Rng) -> String {
    let mut body = format!("{{\"event\":{event},\"signature_request\":{{\"metadata\":{{");
    let mut i = 0;
    while body.len() < size {
        if i > 0 {
            body.push(',');
        }
        match rng.below(3) {
            0 => body.push_str(&format!("\"k{i}\":0")),
            1 => body.push_str(&format!("\"k{i}\":[0,1,[],{{}}]")),
            _ => body.push_str(&format!("\"k{i}\":\"\"")),
        }
        i += 1;
    }
    body.push_str("}},\"list\":[");
    body.push_str(&"0,".repeat(size / 8));
    body.push_str("0]}");
    body
}

/// One random callback body and the content type it is sent with.
fn random_callback(rng: &mut Rng) -> (String, Vec<u8>, &'static str) {
    let genuine = event_json("1348177752", "signature_request_canceled", HASH_CANCELED_1348177752, "sr1");
    let forged = event_json("1348177752", "signature_request_canceled", &"0".repeat(64), "sr1");
    let content_types = [
        "application/json",
        "multipart/form-data; boundary=XyZ",
        "application/x-www-form-urlencoded",
        "text/plain",
        "",
    ];
    let kind = rng.below(12);
    let (json, shape): (Vec<u8>, &str) = match kind {
        0 => ((0..rng.below(4096)).map(|_| rng.next() as u8).collect(), "random bytes"),
        1 | 2 => {
            let mut bytes = if kind == 1 { genuine.to_string() } else { forged.to_string() }.into_bytes();
            for _ in 0..=rng.below(8) {
                match rng.below(4) {
                    0 if !bytes.is_empty() => {
                        let at = rng.below(bytes.len());
                        bytes[at] = rng.next() as u8;
                    }
                    1 => bytes.truncate(rng.below(bytes.len() + 1)),
                    2 if !bytes.is_empty() => {
                        let at = rng.below(bytes.len());
                        let piece: Vec<u8> = bytes[at..].iter().take(rng.below(64)).copied().collect();
                        bytes.splice(at..at, piece);
                    }
                    _ => {}
                }
            }
            (bytes, "a mutated event")
        }
        3 => {
            let depth = 1 + rng.below(5_000);
            let open = if rng.below(2) == 0 { "[" } else { "{\"a\":" };
            (open.repeat(depth).into_bytes(), "deep nesting")
        }
        4 => (tiny_values(&forged["event"], 1024 + rng.below(128 * 1024), rng).into_bytes(), "tiny values, forged"),
        5 => (tiny_values(&genuine["event"], 1024 + rng.below(32 * 1024), rng).into_bytes(), "tiny values, genuine"),
        6 => {
            let mut event = genuine.clone();
            event["signature_request"]["title"] = json!("\u{0}\u{1f}\"\\é".repeat(rng.below(5_000)));
            (event.to_string().into_bytes(), "escapes")
        }
        8 => {
            // One typed signature per three bytes.
            let mut event = genuine.clone();
            event["signature_request"]["signatures"] = json!(vec![json!({}); rng.below(20_000)]);
            (event.to_string().into_bytes(), "empty signatures, genuine")
        }
        9 => {
            // Properties the client does not know, at two levels: serde
            // buffers them, then copies them into the struct's map.
            let mut event = genuine.clone();
            for i in 0..rng.below(3_000) {
                let value = match i % 3 {
                    0 => json!(0),
                    1 => json!([0, {"a": []}]),
                    _ => json!({"b": {"c": ""}}),
                };
                let at = if i % 2 == 0 { &mut event } else { &mut event["signature_request"] };
                at[format!("u{i}")] = value;
            }
            // And one long list of empty lists, buffered then copied too.
            event[format!("list{}", rng.below(2))] = json!(vec![json!([]); rng.below(40_000)]);
            (event.to_string().into_bytes(), "unknown properties, genuine")
        }
        11 => {
            // Where an untagged union keeps what it does not know (a
            // signer given as neither index nor name): buffered, then copied.
            let mut event = genuine.clone();
            event["signature_request"]["attachments"] =
                json!([{"id": "a", "name": "ID", "signer": vec![json!([]); rng.below(40_000)]}]);
            (event.to_string().into_bytes(), "a long unknown signer, genuine")
        }
        10 => {
            // As the provider sends them: signers with every field listed.
            let mut event = genuine.clone();
            event["signature_request"] = esign_sim::dropbox_sign::signature_request_as_sent(1 + rng.below(300));
            (event.to_string().into_bytes(), "as sent, genuine")
        }
        _ => (genuine.to_string().into_bytes(), "genuine"),
    };
    let content_type = content_types[rng.below(content_types.len())];
    let body = if content_type.starts_with("multipart") {
        let mut body = b"--XyZ\r\nContent-Disposition: form-data; name=\"json\"\r\n\r\n".to_vec();
        body.extend_from_slice(&json);
        if rng.below(4) > 0 {
            body.extend_from_slice(b"\r\n--XyZ--\r\n");
        }
        body
    } else if content_type.starts_with("application/x-www") {
        let mut body = b"json=".to_vec();
        const HEX: &[u8; 16] = b"0123456789ABCDEF";
        for b in &json {
            body.extend_from_slice(&[b'%', HEX[usize::from(b >> 4)], HEX[usize::from(b & 15)]]);
        }
        body
    } else {
        json
    };
    (content_type.to_owned(), body, shape)
}

#[test]
fn random_callback_bodies_never_panic_and_stay_within_their_memory_bounds() {
    // Its own thread and runtime, so the counting allocator sees only this work.
    let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
    let key = key();
    let mut rng = Rng(0x5eed_ca11_bac4);
    let started = std::time::Instant::now();
    let (mut accepted, mut refused, mut dense) = (0, 0, 0);
    let (mut worst_refused, mut worst_accepted) = (0.0f64, 0.0f64);
    for case in 0..700 {
        let (content_type, body, shape) = random_callback(&mut rng);
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            runtime.block_on(async {
                crate::heap::peak_during(|| {
                    futures_util::FutureExt::now_or_never(EventCallback::from_verified_callback(
                        &content_type,
                        &body,
                        &key,
                    ))
                    .expect("reading a callback never waits")
                })
            })
        }));
        let (result, peak) = outcome.unwrap_or_else(|_| panic!("case {case} ({shape}, {content_type}) panicked"));
        // Whatever the body, and whether it is refused or parsed into the
        // typed event: at most 4x its size, or the 64 KiB floor.
        let bound = (CALLBACK_MEMORY_FACTOR * body.len()).max(CALLBACK_MEMORY_FLOOR);
        assert!(peak <= bound, "case {case} ({shape}): {peak} bytes for a {}-byte body", body.len());
        let ratio = peak as f64 / body.len().max(1) as f64;
        match &result {
            Err(err) => {
                assert!(
                    !(shape.starts_with("as sent") && matches!(err, CallbackError::TooDense { .. })),
                    "case {case}: a callback as the provider sends it is not too dense ({} bytes)",
                    body.len()
                );
                refused += 1;
                dense += usize::from(matches!(err, CallbackError::TooDense { .. }));
                if body.len() > 16 * 1024 {
                    worst_refused = worst_refused.max(ratio);
                }
            }
            Ok(event) => {
                accepted += 1;
                assert_eq!(event.verify(&key), Ok(()), "case {case}");
                if body.len() > 16 * 1024 {
                    worst_accepted = worst_accepted.max(ratio);
                }
            }
        }
        // The other way in (parse, then verify) never panics either, and
        // verifying a parsed event costs only the hashed fields.
        if let Ok(Ok(event)) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            runtime.block_on(EventCallback::from_callback(&content_type, &body))
        })) {
            let (_, peak) = crate::heap::peak_during(|| event.verify(&key));
            assert!(peak < 4096, "case {case}: verify took {peak} bytes");
        }
        assert!(started.elapsed() < std::time::Duration::from_secs(60), "bounded in time");
    }
    println!(
        "callbacks: {accepted} accepted, {refused} refused ({dense} too dense); \
         over 16 KiB, worst refused {worst_refused:.2}x, worst accepted {worst_accepted:.2}x"
    );
    assert!(accepted > 60 && refused > 250 && dense > 20, "{accepted} accepted, {refused} refused, {dense} too dense");
}

#[tokio::test(start_paused = true)]
async fn an_empty_key_verifies_nothing() {
    // Anyone can hash an event with the empty key.
    let hash = "a5dcdc1ec1c1cc4ebd92bd2b5bb9ceb1acf37f8a1f1a4d4a1e1f9cbac2c8d7c0";
    let event: EventCallback =
        serde_json::from_value(event_json("1348177752", "signature_request_canceled", hash, "sr1")).unwrap();
    assert_eq!(event.verify(Secret::new("")), Err(CallbackError::EmptyKey));
    let body = event_json("1348177752", "signature_request_canceled", hash, "sr1").to_string();
    let verdict = EventCallback::from_verified_callback("application/json", body.as_bytes(), &Secret::new("")).await;
    assert_eq!(verdict, Err(CallbackError::EmptyKey));
    // The verified way in accepts what the parsed way verifies, and refuses forgeries unparsed.
    let good = event_json("1348177752", "signature_request_canceled", HASH_CANCELED_1348177752, "sr1").to_string();
    let (content_type, body) = callback_form(&good);
    let event = EventCallback::from_verified_callback(&content_type, &body, &key()).await.unwrap();
    assert_eq!(event.event.event_type, EventType::SignatureRequestCanceled);
    let forged = good.replace("1348177752", "1348177753");
    assert_eq!(
        EventCallback::from_verified_callback("application/json", forged.as_bytes(), &key()).await,
        Err(CallbackError::Forged)
    );
}

/// Random JSON of about `budget` bytes: objects, arrays, strings with and
/// without escapes, numbers, literals, nested up to `depth`.
fn random_json(rng: &mut Rng, out: &mut String, depth: usize, budget: usize, top: Option<usize>) {
    let kind = match top {
        Some(kind) => kind,
        None if depth == 0 || out.len() > budget => 3 + rng.below(4),
        None => rng.below(7),
    };
    match kind {
        0 | 1 => {
            let (open, close) = if kind == 0 { ('{', '}') } else { ('[', ']') };
            out.push(open);
            let most = if rng.below(4) == 0 { 2_000 } else { 8 };
            for i in 0..rng.below(most) {
                if out.len() > budget {
                    break;
                }
                if i > 0 {
                    out.push(',');
                }
                if kind == 0 {
                    out.push_str(&format!("\"k{i}\":"));
                }
                random_json(rng, out, depth - 1, budget, None);
            }
            out.push(close);
        }
        2 => out.push_str(&format!("\"{}\"", "a\\n\\u00e9".repeat(rng.below(64)))),
        3 => out.push_str(&format!("\"{}\"", "x".repeat(rng.below(16)))),
        4 => out.push_str(&rng.below(1_000_000).to_string()),
        5 => out.push_str(["null", "true", "false", "{}", "[]"][rng.below(5)]),
        _ => out.push('0'),
    }
}

#[test]
fn the_meter_bounds_what_any_typed_parse_holds() {
    use esign_client::runtime::__codegen::from_json_within;
    use std::collections::BTreeMap;
    // Random JSON into types that take most shapes, each under a random
    // budget.
    /// A struct that keeps what it does not know: serde buffers those
    /// properties, then copies them into the map.
    #[derive(serde::Deserialize)]
    #[allow(dead_code)]
    struct Open {
        k0: Option<Value>,
        #[serde(flatten)]
        extra: serde_json::Map<String, Value>,
    }
    let mut rng = Rng(0xb0d6_e7ed);
    let (mut read, mut dense) = (0, 0);
    for case in 0..400 {
        let mut json = String::new();
        let size = 64 + rng.below(64 * 1024);
        let depth = 1 + rng.below(6);
        if case % 4 == 3 {
            // A list of objects, into structs that keep unknown properties.
            json.push('[');
            while json.len() < size {
                if json.len() > 1 {
                    json.push(',');
                }
                random_json(&mut rng, &mut json, depth, size, Some(0));
            }
            json.push(']');
        } else {
            // An object for the map, an array for the list, anything for a value.
            let top = [None, Some(0), Some(1)][case % 4];
            random_json(&mut rng, &mut json, depth, size, top);
        }
        let budget = rng.below(3 * json.len() + 2048);
        let (outcome, peak) = crate::heap::peak_during(|| match case % 4 {
            0 => from_json_within::<Value>(json.as_bytes(), budget).map(drop),
            1 => from_json_within::<BTreeMap<String, Value>>(json.as_bytes(), budget).map(drop),
            2 => from_json_within::<Vec<Value>>(json.as_bytes(), budget).map(drop),
            _ => from_json_within::<Vec<Open>>(json.as_bytes(), budget).map(drop),
        });
        // Read or refused as too dense, within the budget (and 1 KiB for the
        // parser's own error).
        match outcome {
            Ok(()) => read += 1,
            Err(CallbackError::TooDense { .. }) => dense += 1,
            Err(other) => panic!("case {case}: every shape fits its type, but {other:?}"),
        }
        assert!(
            peak <= budget + 1024,
            "case {case}: {peak} bytes held for a budget of {budget} ({} bytes)",
            json.len()
        );
    }
    println!("meter: {read} read, {dense} too dense of 400");
    assert!(read > 100 && dense > 100, "{read} read, {dense} too dense");
}
