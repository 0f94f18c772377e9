//! Simulated e-signature providers for your own tests, served in-process
//! on `127.0.0.1` by a background tokio task, answering as their specs
//! document. Point the `esign-client` client (or any HTTP client) at
//! [`DropboxSignSim::base_url`]; the simulator stops when dropped.
//!
//! - [`DropboxSignSim`]: the signature-request lifecycle. A cancel answers
//!   `200` (queued), completes shortly after, posts a signed
//!   `signature_request_canceled` event to the callback URL you give, and
//!   from then on the request answers `410`; fully signed requests refuse
//!   with `400 signature_request_cancel_failed`; remove, get and paged list;
//!   rate-limit headers and an exhausted limit; injected errors.
//!
//! The simulator logs the requests it answered (method, path, query,
//! status; never a credential) and takes queued replies in place of the
//! simulated ones ([`Reply`]).
#![deny(missing_docs)]

pub mod dropbox_sign;
mod server;

pub use dropbox_sign::DropboxSignSim;
pub use server::{RecordedRequest, Reply};
