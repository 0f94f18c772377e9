//! Tracing (feature `tracing`): one span per operation call and one event
//! per retry and per wait for the rate-limit window.
//!
//! Field names follow OpenTelemetry's HTTP conventions, as `tracing`
//! layers for OpenTelemetry expect them: the span is named `esign.request`
//! with `otel.name` set to the operationId, `http.request.method`,
//! `url.template` (the path template: never an id, a query value or a
//! credential) and, once the call ends, `http.response.status_code`,
//! `http.request.resend_count` (retries), `esign.attempts`,
//! `esign.lost_answers`, `esign.duration_ms` and, for a failure,
//! `error.type`. Events are at `INFO` for retries and `DEBUG` for waits.

use std::time::{Duration, Instant};

use crate::error::{Error, RawResponse};
use crate::retry::strategy::CallInfo;

/// The span of one call, its outcome fields still empty.
pub(super) fn call_span(call: CallInfo) -> tracing::Span {
    tracing::info_span!(
        "esign.request",
        otel.name = call.operation,
        otel.kind = "client",
        esign.operation = call.operation,
        http.request.method = call.method,
        url.template = call.path,
        http.response.status_code = tracing::field::Empty,
        http.request.resend_count = tracing::field::Empty,
        esign.attempts = tracing::field::Empty,
        esign.lost_answers = tracing::field::Empty,
        esign.duration_ms = tracing::field::Empty,
        error.type = tracing::field::Empty,
    )
}

/// Records how the call ended.
pub(super) fn finish<E>(span: &tracing::Span, started: Instant, outcome: Result<&RawResponse, &Error<E>>) {
    span.record("esign.duration_ms", u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX));
    let (status, attempts, lost) = match outcome {
        Ok(raw) => (Some(raw.status.as_u16()), raw.attempts, raw.lost_answers),
        Err(err) => {
            span.record("error.type", error_type(err));
            (err.status().map(|s| s.as_u16()), err.attempts(), err.lost_answers())
        }
    };
    if let Some(status) = status {
        span.record("http.response.status_code", status);
    }
    span.record("esign.attempts", attempts);
    span.record("http.request.resend_count", attempts.saturating_sub(1));
    span.record("esign.lost_answers", lost);
}

/// A short, stable name for the kind of failure.
fn error_type<E>(err: &Error<E>) -> &'static str {
    match err {
        Error::Api { .. } => "api",
        Error::UnexpectedResponse(_) => "unexpected_response",
        Error::Decode { .. } => "decode",
        Error::Transport(err) if err.is_timeout() => "timeout",
        Error::Transport(_) => "transport",
        Error::InvalidRequest(_) => "invalid_request",
        Error::RateLimited { .. } => "rate_limited",
        Error::ResponseTooLarge { .. } => "response_too_large",
        Error::ForeignOrigin { .. } => "foreign_origin",
    }
}

/// An event before a retry.
pub(super) fn retry(attempt: u32, status: Option<reqwest::StatusCode>, reason: &'static str, wait: Duration) {
    let wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX);
    match status {
        Some(status) => tracing::info!(
            esign.attempt = attempt,
            esign.retry_reason = reason,
            esign.wait_ms = wait_ms,
            http.response.status_code = status.as_u16(),
            "retrying after a {reason} answer"
        ),
        None => tracing::info!(
            esign.attempt = attempt,
            esign.retry_reason = reason,
            esign.wait_ms = wait_ms,
            "retrying after a {reason} failure"
        ),
    }
}

/// An event when a request waited for the client's rate-limit window.
pub(super) fn paced(waited: Duration) {
    if waited >= Duration::from_millis(1) {
        let wait_ms = u64::try_from(waited.as_millis()).unwrap_or(u64::MAX);
        tracing::debug!(esign.wait_ms = wait_ms, "waited for the rate-limit window");
    }
}
