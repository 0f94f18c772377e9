//! Simulated e-signature providers for your own tests: Dropbox Sign,
//! Leegality and Constellation1 eSign, each served in-process on
//! `127.0.0.1` by a background tokio task, answering as their specs
//! document. Point the `esign-client` client (or any HTTP client) at
//! [`DropboxSignSim::base_url`], [`LeegalitySim::base_url`] or
//! [`Constellation1Sim::base_url`]; the simulator stops when dropped.
//!
//! - [`DropboxSignSim`]: the whole life of a signature request. Sends (JSON
//!   or multipart, from files or templates, embedded, or by unclaimed
//!   draft) start awaiting signature; signers sign when the test says
//!   ([`DropboxSignSim::sign`]) or by themselves after a delay; reminders,
//!   updates, templates, and downloads of a real PDF. A cancel answers
//!   `200` (queued), completes shortly after, and from then on the request
//!   answers `410`; fully signed requests refuse with
//!   `400 signature_request_cancel_failed`; remove, get and paged list.
//!   Each step posts its event, signed with the API key, to the callback
//!   URL you give. Rate-limit headers and an exhausted limit; injected
//!   errors.
//! - [`LeegalitySim`]: deleting invitations, with the HTTP 200 status 1/0
//!   envelope and its message codes.
//! - [`Constellation1Sim`]: cancelling sessions, with `ReturnValue`
//!   `"True"`/`"False"`.
//!
//! Each simulator logs the requests it answered (method, path, query,
//! status; never a credential) and takes queued replies in place of the
//! simulated ones ([`Reply`]). The Dropbox Sign simulator also keeps the
//! bodies it read, multipart forms part by part
//! ([`DropboxSignSim::bodies`]), and calls the observers a test gives it
//! with each request before answering it
//! ([`dropbox_sign::DropboxSignSimBuilder::on_request`]);
//! [`multipart::read_multipart`] reads a form the same way for a server of
//! your own.
//!
//! Add it as a dev-dependency beside `esign-client`, with `tokio` (its
//! `#[tokio::main]` and `#[tokio::test]` need the `macros` and `rt`
//! features). A test, written as a program:
//!
//! ```
//! use esign_client::dropbox_sign::{Client, Credentials, ErrorName};
//! use esign_client::runtime::{Error, RetryPolicy};
//! use esign_sim::dropbox_sign::RequestState;
//! use esign_sim::DropboxSignSim;
//!
//! #[tokio::main(flavor = "current_thread")]
//! async fn main() {
//!     let sim = DropboxSignSim::start().await;
//!     sim.add_signature_request("sr-done", RequestState::FullySigned);
//!     let client = Client::builder()
//!         .base_url(sim.base_url())
//!         .credentials(Credentials::api_key(sim.api_key()))
//!         .retry_policy(RetryPolicy::never())
//!         .build()
//!         .unwrap();
//!
//!     match client.signature_request_cancel("sr-done").await {
//!         Err(Error::Api { body, .. }) => assert_eq!(body.error.error_name, ErrorName::SignatureRequestCancelFailed),
//!         other => panic!("{other:?}"),
//!     }
//!     let logged = sim.requests();
//!     assert_eq!((logged[0].method.as_str(), logged[0].path.as_str()), ("POST", "/v3/signature_request/cancel/sr-done"));
//!     assert_eq!(logged[0].status, 400);
//! }
//! ```
//!
//! The simulators answer over real HTTP, so whatever your code does with
//! the client (retries, waiting for the rate limit, reading the callback
//! body) is exercised as it would be against the provider.
//!
//! The `esign-sim` program serves one simulator until stopped, for trying
//! the examples offline: `cargo run -p esign-sim -- dropbox-sign --port 8080`
//! prints the base URL and API key to export (`--help` for the options).
#![deny(missing_docs)]

pub mod constellation1;
pub mod dropbox_sign;
pub mod leegality;
pub mod multipart;
mod server;

pub use constellation1::Constellation1Sim;
pub use dropbox_sign::DropboxSignSim;
pub use leegality::LeegalitySim;
pub use server::{RecordedRequest, Reply};

/// The examples in the crate's README, run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

#[cfg(test)]
mod tests {
    #[test]
    fn simulators_can_be_shared_between_tasks() {
        fn shared<T: Send + Sync>() {}
        shared::<super::DropboxSignSim>();
        shared::<super::LeegalitySim>();
        shared::<super::Constellation1Sim>();
        shared::<super::Reply>();
    }
}
