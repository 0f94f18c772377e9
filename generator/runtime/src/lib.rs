//! The shared runtime of the clients that `esign-codegen` generates:
//! credentials that never print, URL building that keeps every path
//! parameter in one segment, sending with retries, the one error type every
//! operation returns, and the helpers the generated code calls (validation,
//! cancel, waiters, callbacks, bulk runs, open enums).
//!
//! A generated crate depends on this crate and re-exports it as its
//! `runtime` module (`pub use esign_runtime as runtime;`), so everything
//! here is reachable from the crate root by its name. A generated crate that
//! must stand alone (`--vendor-runtime`) carries this crate, as it is, in
//! its `runtime/` folder (package `<crate>-runtime`, library
//! `esign_runtime`) and depends on that copy instead.
//!
//! # Quick start
//!
//! You seldom add this crate by hand: a generated crate depends on it and
//! names it `runtime`. What you use directly are its settings and types,
//! through that name (`my_client::runtime::RetryPolicy`) or this one:
//!
//! ```
//! use esign_runtime::{RetryPolicy, Secret};
//! use std::time::Duration;
//!
//! // Credentials never print.
//! let key = Secret::new("sk_live_123");
//! assert_eq!(format!("{key:?}"), "Secret(<redacted>)");
//!
//! // Retries, waits and timeouts, for a generated client's builder
//! // (`Client::builder().retry_policy(policy)`).
//! let mut policy = RetryPolicy::default();
//! policy.max_attempts = 3;
//! policy.deadline = Some(Duration::from_secs(10));
//! assert_eq!(RetryPolicy::never().max_attempts, 1);
//! ```
//!
//! For tests, `esign-sim` serves simulated providers on `127.0.0.1` that a
//! generated client can be pointed at (`base_url`).
//!
//! # Features
//!
//! None is on by default; a generated crate turns on what its specs use.
//!
//! | Feature      | What it adds |
//! |--------------|--------------|
//! | `multipart`  | Multipart request bodies: `FilePart::to_part`, `text_part`, `json_part`, and bracketed names for nested values (`bracket_parts`, `spread_parts`). |
//! | `patterns`   | Checks by regular expression: `check_pattern`, `check_pattern_at`. |
//! | `webhooks`   | Reading and verifying callbacks: `callback_json`, `verify_hmac_sha256`, `verify_json_hmac_sha256`, and parsing them within 4 times their body (`parse_callback`, `CALLBACK_MEMORY_FACTOR`). |
//! | `waiters`    | The waiter loop, `wait`, used by waiters and cancel-and-confirm. |
//! | `paginators` | Nothing of its own: it turns on `futures-util`, which generated paginators use. |
//! | `bulk`       | The bulk runner, `ClientCore::run_bulk` (journaled, paced by the client's rate-limit window). |
//! | `search`     | The Dropbox Sign search-query builder: `SearchQuery`, `QueryField`, `ValueType`, `SearchError`. |
//! | `contrast`   | The white-labelling contrast check: `ContrastRules`, `check_contrast` and the WCAG 2 helpers. |
//! | `tracing`    | A `tracing` span per operation call (operationId, method, path template, status, attempts, duration) and an event per retry and per wait for the rate-limit window; never a credential, an id or a query value. |
//!
//! Open enums are written with the [`open_enum!`] macro.
//!
//! # Layers
//!
//! The modules form layers, lowest first; a module uses only modules of
//! the layers below its own, so there is no import circle (a unit test,
//! `layers`, reads the sources and checks it):
//!
//! 1. Foundations, which use no other module: `clock`, `secret`, `url`,
//!    `enums`, `validate`, `multipart`, `wait`.
//! 2. Small readers: `pointer`, `envelope`, and `rate_limit`
//!    (the window a response reports and how long an answer asks to wait).
//! 3. `error`: the [`Error`] every call returns and what it keeps.
//! 4. What works on answers: `budget` (parsing within a memory budget),
//!    `response` (typed bodies), `stream` (bodies read as they arrive),
//!    `cancel`, and `pace` (the rate-limit window a client shares).
//! 5. `callback`, and `retry`: the policy, the spec's rules and the loop
//!    that drives a call's attempts.
//! 6. `client`: [`ClientCore`], its settings, redirects and sending.
//! 7. `bulk`: runs over many ids through a client, and their journal.
//! 8. `extras`, the provider layer: what only some specs call for (the
//!    `search` query builder, the `contrast` checks, `StringBool`,
//!    `ReportedFor`). Being the top layer, no generic module can use it.
//!
//! Runtime files name each other through `crate::`; `super::` only reaches
//! a module's own parent (a submodule's file, or a module's tests).
//!
#![cfg_attr(docsrs, feature(doc_cfg))]
#![deny(missing_docs)]

mod budget;
mod bulk;
mod callback;
mod cancel;
mod client;
mod clock;
mod enums;
mod envelope;
mod error;
mod extras;
#[cfg(test)]
mod layers;
mod multipart;
mod pace;
mod pointer;
mod rate_limit;
mod response;
mod retry;
mod secret;
mod stream;
mod url;
mod validate;
mod wait;

pub use bytes::Bytes;
pub use reqwest;
pub use reqwest::header::HeaderMap;
pub use reqwest::StatusCode;

pub use bulk::{BulkEntry, BulkOptions, BulkOutcome, BulkProgress, BulkReport, Journal, JournalHeader, ProgressHook};
#[cfg(feature = "webhooks")]
pub use callback::{CALLBACK_MEMORY_FACTOR, CALLBACK_MEMORY_FLOOR};
pub use cancel::{BoxFuture, Cancel, CancelOutcome, CancelRequest, CancelTarget};
pub use client::{ClientCore, ClientSettings, Redirects, DEFAULT_MAX_RESPONSE_BYTES};
pub use clock::{SharedClock, SystemClock, TimeSource, TokioClock};
pub use error::{BuildError, CallbackError, Error, ErrorMetadata, RawResponse, TransportError};
pub use multipart::FilePart;
pub use rate_limit::{RateLimit, RateLimitHeaders};
pub use response::Response;
pub use retry::{RetryEvent, RetryHook, RetryPolicy};
pub use secret::{Auth, Secret};
pub use stream::{ByteStream, StreamError};
pub use validate::{PatternError, Validate, Violation};
pub use wait::{ConfirmOutcome, ConfirmedBy, WaitOptions, WaitOutcome};

// The provider layer (see `extras`): what only some specs call for.
#[cfg(feature = "contrast")]
pub use extras::contrast::{contrast_ratio, parse_hex_color, relative_luminance, ContrastRules};
pub use extras::reported_for::ReportedFor;
#[cfg(feature = "search")]
pub use extras::search::{QueryField, SearchError, SearchQuery, ValueType};
pub use extras::string_bool::StringBool;

/// The helpers generated code calls (URL and form encoding, decoding,
/// validation and callback plumbing) and the spec data it hands the
/// runtime (retry and cancel rules, waiter acceptors, a call's facts). Not
/// part of the runtime's documented API: they may change in any release,
/// together with the generator.
#[doc(hidden)]
pub mod __codegen {
    pub use crate::budget::{buffer_mark, from_buffered, from_json_within, BufferMark};
    pub use crate::bulk::bulk_outcome;
    pub use crate::bulk::BulkCall;
    #[cfg(feature = "webhooks")]
    pub use crate::callback::{callback_json, parse_callback, verify_hmac_sha256, verify_json_hmac_sha256};
    pub use crate::cancel::cancel_outcome;
    pub use crate::cancel::CancelRule;
    pub use crate::envelope::envelope_succeeded;
    #[cfg(feature = "contrast")]
    pub use crate::extras::contrast::check_contrast;
    #[cfg(feature = "multipart")]
    pub use crate::multipart::{bracket_parts, json_part, spread_parts, text_part};
    pub use crate::pointer::{json_texts_at, text_at};
    pub use crate::response::{api_error, decode_json, response, unexpected, warnings};
    pub use crate::retry::{CallInfo, RetryMatch, RetryRules};
    pub use crate::url::FieldStyle;
    pub use crate::url::{
        field_pairs, form_urlencoded, form_urlencoded_with, param_text, push_path_segment, push_query, redact_url,
        redact_url_text, same_origin, value_text,
    };
    pub use crate::validate::{
        check_exactly_one, check_groups, check_items, check_unknown_properties, join_path, refuse_violations,
    };
    #[cfg(feature = "patterns")]
    pub use crate::validate::{check_pattern, check_pattern_at};
    #[cfg(feature = "waiters")]
    pub use crate::wait::wait;
    pub use crate::wait::AcceptorState;
}

// `#[macro_export]` places the macro at the crate root (see `enums.rs`).
#[doc(inline)]
pub use crate::__open_enum as open_enum;
#[doc(inline)]
pub use crate::__open_int_enum as open_int_enum;

/// What the [`open_enum!`] macro needs to name from the caller's side; not
/// part of the API.
#[doc(hidden)]
pub mod __private {
    pub use serde;
}

/// A minimal executor for the unit tests: polls a future on this thread,
/// parking between wake-ups, for futures that need no tokio runtime.
#[cfg(test)]
fn block_on<F: std::future::Future>(future: F) -> F::Output {
    struct Unpark(std::thread::Thread);

    impl std::task::Wake for Unpark {
        fn wake(self: std::sync::Arc<Self>) {
            self.0.unpark();
        }
    }

    let waker = std::task::Waker::from(std::sync::Arc::new(Unpark(std::thread::current())));
    let mut context = std::task::Context::from_waker(&waker);
    let mut future = std::pin::pin!(future);
    loop {
        if let std::task::Poll::Ready(output) = std::future::Future::poll(future.as_mut(), &mut context) {
            return output;
        }
        std::thread::park();
    }
}
