//! The `tracing` feature: a span per call with the operation, method, path
//! template, status, attempts and duration, and an event per retry; no
//! credential, id or query value in any of it.

use esign_client::dropbox_sign::{Client, Credentials};
use std::sync::{Arc, Mutex};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

/// Everything a subscriber was told, as text: one line per span creation,
/// field record and event.
#[derive(Clone, Default)]
struct Recorder {
    lines: Arc<Mutex<Vec<String>>>,
    next_id: Arc<Mutex<u64>>,
}

struct Fields(String);

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.push_str(&format!(" {}={:?}", field.name(), value));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.push_str(&format!(" {}={value}", field.name()));
    }
}

impl Recorder {
    fn push(&self, line: String) {
        self.lines.lock().unwrap().push(line);
    }
    fn text(&self) -> String {
        self.lines.lock().unwrap().join("\n")
    }
}

impl Subscriber for Recorder {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let mut fields = Fields(format!("span {}", span.metadata().name()));
        span.record(&mut fields);
        self.push(fields.0);
        let mut next = self.next_id.lock().unwrap();
        *next += 1;
        Id::from_u64(*next)
    }
    fn record(&self, _: &Id, values: &Record<'_>) {
        let mut fields = Fields("record".to_owned());
        values.record(&mut fields);
        self.push(fields.0);
    }
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        let mut fields = Fields(format!("event {}", event.metadata().level()));
        event.record(&mut fields);
        self.push(fields.0);
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

// On the paused clock, against the simulator in the test's runtime: the
// back-off before the retry takes no wall-clock time.
#[tokio::test(start_paused = true)]
async fn a_call_is_one_span_with_its_outcome_and_each_retry_an_event() {
    let id = "fa5c8a0b0f492d768749333ad6fcc214c111e967";
    let secret = "sk_live_tracing_secret";
    // The first cancel answers 503 (the documented maintenance error), the retry 200.
    let sim = crate::support::dropbox_sim(esign_sim::DropboxSignSim::builder(), secret, &[id]).await;
    sim.fail_next(503, "maintenance");
    let retry = crate::support::quick_retries();
    let client = Client::builder()
        .base_url(sim.base_url())
        .credentials(Credentials::api_key(secret))
        .retry_policy(retry)
        .build()
        .unwrap();

    let recorder = Recorder::default();
    let dispatch = tracing::Dispatch::new(recorder.clone());
    let response = {
        let _guard = tracing::dispatcher::set_default(&dispatch);
        client.signature_request_cancel(id).await.unwrap()
    };
    assert_eq!(response.attempts, 2);
    let text = recorder.text();
    assert!(text.contains("span esign.request"), "{text}");
    assert!(text.contains("otel.name=signatureRequestCancel"), "{text}");
    assert!(text.contains("http.request.method=POST"), "{text}");
    assert!(text.contains("url.template=/signature_request/cancel/{signature_request_id}"), "{text}");
    assert!(text.contains("http.response.status_code=200"), "{text}");
    assert!(text.contains("esign.attempts=2"), "{text}");
    assert!(text.contains("http.request.resend_count=1"), "{text}");
    assert!(text.contains("esign.duration_ms="), "{text}");
    // The retry, with why and how long.
    assert!(text.contains("esign.retry_reason=unavailable"), "{text}");
    assert!(text.contains("http.response.status_code=503"), "{text}");
    // Nothing that identifies the request or authenticates it.
    assert!(!text.contains(secret) && !text.contains(id), "{text}");
}
