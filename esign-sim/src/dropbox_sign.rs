//! A simulated Dropbox Sign API v3: the whole life of a signature request
//! as `specs/dropbox-sign.yaml` documents it, from sending (JSON or
//! multipart, from files or templates, embedded or by unclaimed draft) to
//! signing, downloading, cancelling and removing, with the callback events
//! each step emits, rate limits and injected errors.
//!
//! What it answers, at `{base_url}` (which ends in `/v3`, like the real one):
//!
//! | Request | Answer |
//! |---|---|
//! | `POST /signature_request/send` | a JSON body (documents as `file_urls`) or a multipart form (`files[]` parts, the other fields with bracketed names such as `signers[0][name]`, `form_fields_per_document` as JSON text). Needs documents (files or URLs, not both) and `signers` or `grouped_signers` (not both), each with a name and a valid email address; `form_fields_per_document` (either shape) must name signers and documents the request has. `200` with the new `SignatureRequest`, **awaiting signature**; `signature_request_sent` is posted. A missing or bad field: `400 bad_request` (`invalid_recipient` for an address, `invalid_file` for an empty file) naming it in `error_path`. |
//! | `POST /signature_request/send_with_template` | as `send`, with `template_ids` (each must exist, else `404 not_found`) and one signer per template role (`signers[i][role]`), every role filled; documents are optional (appended). |
//! | `POST /signature_request/create_embedded`, `.../create_embedded_with_template` | as `send` and `send_with_template`, with `client_id` required; the request is signed through sign URLs and cannot be reminded. |
//! | `GET /embedded/sign_url/{signature_id}` | for a signer of an embedded request still awaiting signature: `200` with `embedded.sign_url`; already signed: `409 conflict`; not embedded: `400 bad_request`. |
//! | `POST /signature_request/remind/{id}` | the signer awaiting signature with `email_address` (and `name`, if given): `200` with the request, `last_reminded_at` set, `signature_request_remind` posted. Within an hour of the last reminder: `400 invalid_reminder`. No such signer, an embedded or a complete request: `400 bad_request`. |
//! | `POST /signature_request/update/{id}` | changes the `email_address` (which gives the signer a new `signature_id`) or `name` of the signer `signature_id`, or `expires_at`: `200` with the request. A signer who signed, a complete request: `400 bad_request`. |
//! | `GET /signature_request/files/{id}` | while the final documents are being prepared ([`DropboxSignSimBuilder::prepare_files_for`]): `409 conflict`. Otherwise `200` with a one-page PDF (`application/pdf`) showing the title, the documents and each signature's state, whatever the request's state (signed or not, as the API gives the current documents). With [`DropboxSignSimBuilder::download_size`], a stand-in of that many bytes, streamed, in place of the PDF. `file_type=zip`: a ZIP archive (`application/zip`, stored, not compressed) of one such PDF per document, named after it. Another `file_type`: `400 bad_request`. |
//! | `GET /signature_request/files_as_data_uri/{id}`, `.../files_as_file_url/{id}` | the same PDF as a `data:application/pdf;base64,...` URI, or a `file_url` on the simulator (`/download/{id}`, no credentials needed) with `expires_at`. |
//! | `POST /signature_request/cancel/{id}` | awaiting signature or partially signed: `200` with an empty body, the cancellation **queued**; it completes after [`DropboxSignSimBuilder::cancel_delay`], when the request starts answering `410` and the `signature_request_canceled` event is posted to the callback URL. Fully signed or declined: `400 signature_request_cancel_failed`. Canceling, canceled or removed: `410 deleted`. Unknown: `404 not_found`. |
//! | `POST /signature_request/remove/{id}` | fully signed or declined: `200`, the request is removed. Not yet complete (or still canceling): `400 signature_request_remove_failed`. Canceled or removed: `410 deleted`. Unknown: `404 not_found`. |
//! | `GET /signature_request/{id}` | `200` with the `SignatureRequest` (also while a cancel is queued); canceled or removed: `410 deleted`; unknown: `404 not_found`. |
//! | `GET /signature_request/list` | one page (`page`, default 1; `page_size`, 1 to 100, default 20) of the requests not canceled or removed, in the order they were added or sent, with `list_info`. `page_size` or `page` out of range: `400 bad_request` naming the parameter. `account_id` and `query` are accepted and not applied. |
//! | `GET /template/{id}`, `GET /template/list` | the templates added with [`DropboxSignSim::add_template`] or created as embedded drafts, paged like the requests. |
//! | `POST /template/create_embedded_draft` | needs `client_id` and documents; `200` with the draft's `template_id` and `edit_url`. The template exists at once (as though its editor had been finished) and `template_created` is posted. |
//! | `POST /template/delete/{id}` | `200`, the template is gone; unknown: `404 not_found`. |
//! | `POST /unclaimed_draft/create`, `.../create_embedded`, `.../create_embedded_with_template` | checked like the sends (`type` is required by `create`; `client_id` and `requester_email_address` by the embedded ones); signers are optional. `200` with the `unclaimed_draft`: its `claim_url` and the `signature_request_id` the request will have once claimed ([`DropboxSignSim::claim_draft`]); until then that id answers `404`. An embedded draft with `hold_request` becomes, once claimed, a request whose signers are `on_hold_by_requester`: nobody can sign it until it is released. |
//! | `POST /signature_request/release_hold/{id}` | a request on hold: its signers start awaiting signature, `200` with the request. Not on hold: `400 bad_request`. |
//! | `GET /account` | `200` with the account: [`ACCOUNT_ID`], [`ACCOUNT_EMAIL`]. |
//! | `PUT /team/add_member` | invites `email_address` to the team: `200` with the team, the address among its `invited_emails`. An address on another team ([`DropboxSignSim::add_other_team_account`]): `403 team_invite_failed`. Neither `email_address` nor `account_id`: `400 bad_request`. |
//! | `POST /team/remove_member` | removes a member or an invitation (`email_address` or `account_id`): `200` with the team, or `201` when `new_owner_email_address` asks for the documents to be handed over (queued). Nobody by that address: `404 not_found`. The team starts with the account alone; [`DropboxSignSim::add_team_member`] adds more. |
//! | `POST /api_app` | JSON or multipart (a `custom_logo_file` upload); needs `name` and one or two `domains`. `201` with the `api_app`: a new `client_id`, owned by the account. |
//!
//! **Signing.** Nobody signs on their own: the test (or the binary) makes
//! signers sign with [`DropboxSignSim::sign`], [`DropboxSignSim::sign_all`]
//! or [`DropboxSignSim::decline`], or has every request signed a while
//! after it is sent with [`DropboxSignSimBuilder::auto_sign_after`]. Each
//! signature posts `signature_request_signed`; the last one also
//! `signature_request_all_signed` and `signature_request_downloadable`.
//! Events are posted one at a time, in the order they happened.
//!
//! Every request is first shown to the test's observers, if it gave any
//! ([`DropboxSignSimBuilder::on_request`]), then checked in this order:
//! credentials (the API key as the basic-auth user name, or the OAuth
//! token if one is set; else `401 unauthorized`), then the rate limit (exhausted: `403 exceeded_rate`,
//! or `429`, see [`RateLimitReply`]), then the replies the test queued
//! ([`DropboxSignSim::fail_next`], [`DropboxSignSim::respond_next`]), then
//! the body (JSON or multipart; anything else is `400 bad_request`), then
//! the endpoint. Every authenticated response carries `X-RateLimit-Limit`,
//! `X-RateLimit-Remaining` and `X-Ratelimit-Reset`. Other paths answer
//! `404 not_found`, other methods `405 method_not_supported`. Error bodies
//! are the documented `{"error": {"error_msg", "error_name"}}`.
//!
//! Every body the simulator reads is kept, as it arrived (the JSON, or each
//! multipart part with its name, file name and type), for a test to check
//! what its code sent: [`DropboxSignSim::bodies`].

mod account;
mod form;
mod pdf;
mod zip;

pub use pdf::one_page_pdf;

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;
// tokio's: the simulator's delays follow a test's paused clock.
use tokio::time::Instant;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::header::{HeaderName, HeaderValue, AUTHORIZATION, CONTENT_TYPE};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::Response;
use axum::Router;
use base64::Engine as _;
use hmac::Mac as _;
use serde_json::{json, Map, Value};
use tokio::sync::{mpsc, Notify};
use tokio::task::JoinSet;

use form::Form;

use crate::multipart::FormPart;

use crate::server::{lock, query_param, segments_after, unix_now, Log, RecordedRequest, Replies, Reply, Serving};

/// The API key a simulator accepts (and signs events with) unless
/// [`DropboxSignSimBuilder::api_key`] sets another.
pub const DEFAULT_API_KEY: &str = "sim-dropbox-sign-api-key";

/// Requests per window unless [`DropboxSignSimBuilder::rate_limit`] sets a
/// limit: high enough that no test trips it by accident.
pub const DEFAULT_RATE_LIMIT: u64 = 1_000_000;

/// The rate-limit window unless [`DropboxSignSimBuilder::rate_limit_window`]
/// sets another: an hour, as the API documents its limits.
pub const DEFAULT_RATE_LIMIT_WINDOW: Duration = Duration::from_secs(3600);

/// How long a queued cancellation takes to complete unless
/// [`DropboxSignSimBuilder::cancel_delay`] says otherwise: long enough that
/// the `200` reaches the client before the event is posted, short enough not
/// to slow a test down.
pub const DEFAULT_CANCEL_DELAY: Duration = Duration::from_millis(20);

/// The account id events are reported for (`event_metadata.reported_for_account_id`).
pub const ACCOUNT_ID: &str = "sim-account-id";

/// The email address of the account the API key belongs to: the requester
/// of every request, the first member of the team, the owner of API apps.
pub const ACCOUNT_EMAIL: &str = "sender@example.com";

/// The exact text a callback endpoint must answer with status 200 for an
/// event to count as received.
pub const CALLBACK_REPLY: &str = "Hello API Event Received";

/// How long the simulator waits for a callback endpoint to answer.
const CALLBACK_TIMEOUT: Duration = Duration::from_secs(10);

/// Where a signature request is in its lifecycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RequestState {
    /// Sent; no signer has signed yet. Can be canceled.
    AwaitingSignature,
    /// Sent; some signers have signed, not all. Can be canceled.
    PartiallySigned,
    /// Signed by every signer: fully executed. Cannot be canceled; can be removed.
    FullySigned,
    /// Declined by a signer: executed. Cannot be canceled; can be removed.
    Declined,
    /// A cancel was queued and has not completed: the request still answers
    /// `GET` with 200, and another cancel with 410.
    Canceling,
    /// Canceled: every endpoint answers `410 deleted`.
    Canceled,
    /// Removed from the caller's access: every endpoint answers `410 deleted`.
    Removed,
}

/// An endpoint of the simulated API, to aim a queued reply at one of them
/// ([`DropboxSignSim::respond_next_on`]) or to tell what an arriving
/// request is for ([`ArrivingRequest::endpoint`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Endpoint {
    /// `POST /signature_request/cancel/{id}`.
    Cancel,
    /// `POST /signature_request/remove/{id}`.
    Remove,
    /// `GET /signature_request/{id}`.
    Get,
    /// `GET /signature_request/list`.
    List,
    /// `POST /signature_request/send`.
    Send,
    /// `POST /signature_request/send_with_template`.
    SendWithTemplate,
    /// `POST /signature_request/create_embedded`.
    CreateEmbedded,
    /// `POST /signature_request/create_embedded_with_template`.
    CreateEmbeddedWithTemplate,
    /// `POST /signature_request/remind/{id}`.
    Remind,
    /// `POST /signature_request/update/{id}`.
    Update,
    /// `GET /signature_request/files/{id}`.
    Files,
    /// `GET /signature_request/files_as_data_uri/{id}`.
    FilesAsDataUri,
    /// `GET /signature_request/files_as_file_url/{id}`.
    FilesAsFileUrl,
    /// `GET /template/{id}`.
    TemplateGet,
    /// `GET /template/list`.
    TemplateList,
    /// `POST /template/create_embedded_draft`.
    TemplateCreateEmbeddedDraft,
    /// `POST /template/delete/{id}`.
    TemplateDelete,
    /// `POST /unclaimed_draft/create`.
    UnclaimedDraftCreate,
    /// `POST /unclaimed_draft/create_embedded`.
    UnclaimedDraftCreateEmbedded,
    /// `POST /unclaimed_draft/create_embedded_with_template`.
    UnclaimedDraftCreateEmbeddedWithTemplate,
    /// `GET /embedded/sign_url/{signature_id}`.
    EmbeddedSignUrl,
    /// `POST /signature_request/release_hold/{id}`.
    ReleaseHold,
    /// `GET /account`.
    Account,
    /// `PUT /team/add_member`.
    TeamAddMember,
    /// `POST /team/remove_member`.
    TeamRemoveMember,
    /// `POST /api_app`.
    ApiAppCreate,
}

/// A request as it reaches the simulator, before anything about it is
/// checked or answered: what an observer added with
/// [`DropboxSignSimBuilder::on_request`] is given.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ArrivingRequest {
    /// The HTTP method (`POST`, `GET`, ...).
    pub method: String,
    /// The path as sent, still percent-encoded (`/v3/signature_request/cancel/sr-1`).
    pub path: String,
    /// The query string as sent, still percent-encoded, if there was one.
    pub query: Option<String>,
    /// The endpoint the method and path name; `None` for an unknown path
    /// or the wrong method.
    pub endpoint: Option<Endpoint>,
    /// The id in the path (`sr-1` above), percent-decoded, for the
    /// endpoints that take one.
    pub id: Option<String>,
}

/// A function [`DropboxSignSimBuilder::on_request`] calls with each request.
#[derive(Clone)]
struct Observer(Arc<dyn Fn(&ArrivingRequest) + Send + Sync>);

impl std::fmt::Debug for Observer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Observer(..)")
    }
}

/// A request body the simulator read ([`DropboxSignSim::bodies`]).
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct ReceivedBody {
    /// The HTTP method (`POST`, `PUT`, ...).
    pub method: String,
    /// The path as sent, still percent-encoded (`/v3/signature_request/send`).
    pub path: String,
    /// The body.
    pub content: BodyContent,
}

/// A request body as it arrived.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum BodyContent {
    /// A JSON object.
    Json(Value),
    /// A `multipart/form-data` form: every part, in order, files included.
    Multipart(Vec<FormPart>),
}

impl BodyContent {
    /// The JSON object, for a JSON body.
    pub fn json(&self) -> Option<&Value> {
        match self {
            BodyContent::Json(value) => Some(value),
            BodyContent::Multipart(_) => None,
        }
    }

    /// The parts, for a multipart body.
    pub fn parts(&self) -> Option<&[FormPart]> {
        match self {
            BodyContent::Multipart(parts) => Some(parts),
            BodyContent::Json(_) => None,
        }
    }
}

/// How events are posted to the callback URL.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CallbackFormat {
    /// `multipart/form-data` with the event JSON in the field `json`, as
    /// Dropbox Sign sends it.
    #[default]
    Multipart,
    /// The event JSON as the body (`application/json`), which the client's
    /// `EventCallback::from_callback` also reads.
    Json,
}

/// What a request gets once the rate limit is exhausted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RateLimitReply {
    /// `403` with the error name `exceeded_rate`, as the API documents it.
    #[default]
    ExceededRate,
    /// `429 Too Many Requests` (with the same body), which the API may also send.
    TooManyRequests,
}

/// What became of posting an event to the callback URL.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Delivery {
    /// No callback URL was set: the event was not posted.
    NoCallbackUrl,
    /// The endpoint answered 200 with exactly [`CALLBACK_REPLY`].
    Acknowledged,
    /// The endpoint answered, but not 200 with exactly [`CALLBACK_REPLY`]
    /// (Dropbox Sign would send the event again; the simulator does not).
    NotAcknowledged {
        /// The status it answered.
        status: u16,
        /// The body it answered.
        body: String,
    },
    /// No answer: the connection failed or timed out.
    Failed {
        /// What went wrong.
        reason: String,
    },
}

/// An event the simulator produced, and what became of posting it.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct SimEvent {
    /// The event type (`signature_request_canceled`, ...).
    pub event_type: String,
    /// The signature request it is about (for a `template_created`
    /// event, the template).
    pub signature_request_id: String,
    /// The callback payload, exactly as posted: `{"event": {..., "event_hash"}, "signature_request": {...}}`
    /// (`"template"` in place of `"signature_request"` for template events).
    pub payload: Value,
    /// What became of posting it.
    pub delivery: Delivery,
}

/// The lowercase hex HMAC-SHA256 of `event_time` followed by `event_type`,
/// keyed with `api_key`: the `event_hash` Dropbox Sign puts in every event,
/// and the one the client's `EventCallback::verify` checks. Useful to build
/// forged events for a test of your callback endpoint.
///
/// ```
/// let hash = esign_sim::dropbox_sign::event_hash("key", "1348177752", "signature_request_canceled");
/// assert_eq!(hash.len(), 64);
/// ```
pub fn event_hash(api_key: &str, event_time: &str, event_type: &str) -> String {
    // HMAC takes keys of any length: new_from_slice cannot fail.
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(api_key.as_bytes()).expect("HMAC takes any key length");
    mac.update(event_time.as_bytes());
    mac.update(event_type.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// A `SignatureRequest` object as Dropbox Sign sends it in a callback, with
/// every field its reference lists: `signers` signatures (all signed), two
/// response-data entries per signer (a signature and a date), a custom
/// field and metadata. Useful to see what a realistic callback costs:
///
/// ```
/// let request = esign_sim::dropbox_sign::signature_request_as_sent(3);
/// assert_eq!(request["signatures"].as_array().map(Vec::len), Some(3));
/// assert_eq!(request["response_data"].as_array().map(Vec::len), Some(6));
/// ```
pub fn signature_request_as_sent(signers: usize) -> Value {
    let signature_id = |i: usize| format!("78caf2a1d01cd39cea2bc1cbb340dac3{i:08}");
    let signatures: Vec<Value> = (0..signers)
        .map(|i| {
            json!({
                "signature_id": signature_id(i),
                "signer_group_guid": null,
                "signer_email_address": format!("signer{i}@example.com"),
                "signer_name": format!("Signer Number {i}"),
                "signer_role": "Client",
                "order": i,
                "status_code": "signed",
                "decline_reason": null,
                "signed_at": 1700000000 + i,
                "last_viewed_at": 1699990000 + i,
                "last_reminded_at": null,
                "has_pin": false,
                "has_sms_auth": false,
                "has_sms_delivery": false,
                "sms_phone_number": null,
                "reassigned_by": null,
                "reassignment_reason": null,
                "reassigned_from": null,
                "error": null
            })
        })
        .collect();
    let response_data: Vec<Value> = (0..signers)
        .flat_map(|i| {
            [
                json!({"api_id": format!("sig_{i}"), "signature_id": signature_id(i),
                       "name": "Signature", "required": true, "type": "signature", "value": null}),
                json!({"api_id": format!("date_{i}"), "signature_id": signature_id(i),
                       "name": "Date signed", "required": true, "type": "date_signed", "value": "11/20/2023"}),
            ]
        })
        .collect();
    json!({
        "test_mode": false, "signature_request_id": "fa5c8a0b0f492d768749333ad6fcc214c111e967",
        "requester_email_address": "requester@example.com", "title": "Purchase Agreement",
        "original_title": "Purchase Agreement", "subject": "Purchase Agreement",
        "message": "Please sign this purchase agreement and let us know if you have any questions.",
        "metadata": {"custom_id": 1234, "custom_text": "NDA #9"},
        "created_at": 1699900000, "expires_at": null, "is_complete": false, "is_declined": false, "has_error": false,
        "files_url": "https://api.hellosign.com/v3/signature_request/files/fa5c8a0b0f492d768749333ad6fcc214c111e967",
        "signing_url": null,
        "details_url": "https://app.hellosign.com/home/manage?guid=fa5c8a0b0f492d768749333ad6fcc214c111e967",
        "cc_email_addresses": ["accounting@example.com"], "signing_redirect_url": null,
        "final_copy_uri": null, "template_ids": null,
        "custom_fields": [{"name": "Cost", "type": "text", "value": "$20,000", "required": false, "api_id": "cost", "editor": null}],
        "attachments": [], "response_data": response_data, "signatures": signatures, "bulk_send_job_id": null
    })
}

/// A reply with the documented error body, `{"error": {"error_msg",
/// "error_name"}}`, its message taken from the `ErrorName` table (or made up
/// for a name the table does not list). Queue it with
/// [`DropboxSignSim::respond_next`] or [`DropboxSignSim::respond_next_on`].
///
/// # Panics
///
/// If `status` is not an HTTP status.
pub fn error_reply(status: u16, error_name: &str) -> Reply {
    Reply::json(status, &error_body(error_name, &error_message(error_name)))
}

fn error_body(name: &str, message: &str) -> Value {
    json!({"error": {"error_msg": message, "error_name": name}})
}

/// The documented description of an error name.
fn error_message(name: &str) -> String {
    let documented = match name {
        "bad_request" => "The request could not be understood by the server due to malformed syntax.",
        "unauthorized" => "The credentials you have supplied are invalid.",
        "payment_required" => "Your account must be credited before the requested action is possible.",
        "forbidden" => "The requested action cannot be performed in the current context.",
        "not_found" => "The server has not found anything matching the Request-URI.",
        "conflict" => "Your request was well-formed but it cannot be completed due to a conflict of some kind.",
        "team_invite_failed" => "The team invite request has failed.",
        "invalid_recipient" => "The email address you provided for the recipient is not valid.",
        "signature_request_cancel_failed" => {
            "Could not cancel the Signature Request. Either you are not the requester or the Signature Request is fully executed."
        }
        "signature_request_remove_failed" => {
            "Could not remove your access to the Signature Request. Either you are not a party to the request, or it is not yet fully executed."
        }
        "maintenance" => {
            "The request could not be completed because we are currently performing site maintenance."
        }
        "deleted" => "The request was cancelled or deleted.",
        "unknown" => "An unknown error has occurred, please try again.",
        "method_not_supported" => "The HTTP method used is not supported for the API endpoint being called.",
        "exceeded_rate" => "Your account's API request rate limit has been exceeded.",
        other => return format!("Simulated error `{other}`."),
    };
    documented.to_owned()
}

fn api_error(status: StatusCode, name: &str) -> Response {
    error_reply(status.as_u16(), name).into_response()
}

/// Configures a [`DropboxSignSim`] before it starts.
#[derive(Clone, Debug)]
pub struct DropboxSignSimBuilder {
    api_key: String,
    oauth_token: Option<String>,
    callback_url: Option<String>,
    callback_format: CallbackFormat,
    rate_limit: u64,
    rate_limit_window: Duration,
    rate_limit_reply: RateLimitReply,
    cancel_delay: Option<Duration>,
    auto_sign_after: Option<Duration>,
    prepare_files_for: Option<Duration>,
    download_size: Option<u64>,
    observers: Vec<Observer>,
    port: u16,
}

impl Default for DropboxSignSimBuilder {
    fn default() -> Self {
        DropboxSignSimBuilder {
            api_key: DEFAULT_API_KEY.to_owned(),
            oauth_token: None,
            callback_url: None,
            callback_format: CallbackFormat::default(),
            rate_limit: DEFAULT_RATE_LIMIT,
            rate_limit_window: DEFAULT_RATE_LIMIT_WINDOW,
            rate_limit_reply: RateLimitReply::default(),
            cancel_delay: Some(DEFAULT_CANCEL_DELAY),
            auto_sign_after: None,
            prepare_files_for: None,
            download_size: None,
            observers: Vec::new(),
            port: 0,
        }
    }
}

impl DropboxSignSimBuilder {
    /// The API key the simulator accepts as the basic-auth user name (any
    /// password) and signs events with. Default: [`DEFAULT_API_KEY`].
    pub fn api_key(mut self, api_key: impl Into<String>) -> Self {
        self.api_key = api_key.into();
        self
    }

    /// Also accepts this OAuth access token as `Authorization: Bearer <token>`.
    pub fn oauth_token(mut self, token: impl Into<String>) -> Self {
        self.oauth_token = Some(token.into());
        self
    }

    /// Where events are POSTed (your callback endpoint, on 127.0.0.1).
    /// Without one, events are still produced and listed by
    /// [`DropboxSignSim::events`], but not posted. Can also be set later with
    /// [`DropboxSignSim::set_callback_url`].
    pub fn callback_url(mut self, url: impl Into<String>) -> Self {
        self.callback_url = Some(url.into());
        self
    }

    /// How events are posted. Default: [`CallbackFormat::Multipart`], as the API does.
    pub fn callback_format(mut self, format: CallbackFormat) -> Self {
        self.callback_format = format;
        self
    }

    /// Allows `limit` requests per window (default: [`DEFAULT_RATE_LIMIT`]);
    /// the next ones get [`RateLimitReply`] until the window resets.
    pub fn rate_limit(mut self, limit: u64) -> Self {
        self.rate_limit = limit;
        self
    }

    /// The rate-limit window (default: an hour). A window starts with the
    /// first request after the previous one ended, and ends on a whole
    /// second, the Unix time sent as `X-Ratelimit-Reset`. A second or two
    /// lets a test see the client wait for the reset.
    pub fn rate_limit_window(mut self, window: Duration) -> Self {
        self.rate_limit_window = window;
        self
    }

    /// What a request gets once the rate limit is exhausted (default:
    /// `403 exceeded_rate`, as documented).
    pub fn rate_limit_reply(mut self, reply: RateLimitReply) -> Self {
        self.rate_limit_reply = reply;
        self
    }

    /// How long after a cancel is queued it completes (default:
    /// [`DEFAULT_CANCEL_DELAY`]). On completion the request answers `410`
    /// and the `signature_request_canceled` event is posted.
    pub fn cancel_delay(mut self, delay: Duration) -> Self {
        self.cancel_delay = Some(delay);
        self
    }

    /// Queued cancels never complete by themselves: the test completes each
    /// with [`DropboxSignSim::complete_cancellation`], to look at the
    /// request while it is still canceling.
    pub fn hold_cancellations(mut self) -> Self {
        self.cancel_delay = None;
        self
    }

    /// Every signer of every request sent through the API (send, send with
    /// template, embedded, claimed drafts) signs `delay` after it was
    /// created, as [`DropboxSignSim::sign_all`] would make them. The
    /// signatures take effect at the deadline (their events are queued
    /// then) or at the first read of the request after it (an API call
    /// about it, a list, [`DropboxSignSim::state`]), whichever comes
    /// first, so with `Duration::ZERO` the answer to the send still shows
    /// it awaiting signature and the next `get` already shows it complete.
    /// Off by default: signers sign when the test says.
    pub fn auto_sign_after(mut self, delay: Duration) -> Self {
        self.auto_sign_after = Some(delay);
        self
    }

    /// Once the last signer has signed, the final documents take `delay`
    /// to prepare, as they do on the API: until then the three downloads
    /// answer `409 conflict`, and `signature_request_downloadable` is
    /// posted when they are ready. Without it (the default) they are ready
    /// at once, and the event follows `signature_request_all_signed`.
    pub fn prepare_files_for(mut self, delay: Duration) -> Self {
        self.prepare_files_for = Some(delay);
        self
    }

    /// `GET /signature_request/files/{id}` (as a PDF) answers a stand-in
    /// file of exactly `bytes` bytes in place of the one-page PDF, for
    /// testing code that downloads large documents: typed
    /// `application/pdf` with its `Content-Length`, byte `i` of it is
    /// `i % 251` (so a test can check every byte arrived, in order), and it
    /// is made as it is sent, 64 KiB at a time, so the simulator never
    /// holds it whole. It is not a PDF. The other downloads are unchanged.
    pub fn download_size(mut self, bytes: u64) -> Self {
        self.download_size = Some(bytes);
        self
    }

    /// Calls `observer` with each request as it arrives, before the
    /// simulator checks or answers it (credentials, rate limit, queued
    /// replies included): the request has been sent in full and its answer
    /// not yet begun, so a test can check what must be true by then (that
    /// its code saved something before sending, say). Observers given
    /// several times are called in the order given. An observer runs on
    /// the simulator's task and holds up the answer while it runs: keep it
    /// short, and do not call the simulator's async methods from it.
    ///
    /// ```
    /// use esign_client::dropbox_sign::{Client, Credentials};
    /// use esign_sim::dropbox_sign::{ArrivingRequest, Endpoint, RequestState};
    /// use esign_sim::DropboxSignSim;
    /// use std::sync::{Arc, Mutex};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let cancels = Arc::new(Mutex::new(Vec::new()));
    /// let seen = cancels.clone();
    /// let sim = DropboxSignSim::builder()
    ///     .on_request(move |request: &ArrivingRequest| {
    ///         if request.endpoint == Some(Endpoint::Cancel) {
    ///             seen.lock().unwrap().push(request.id.clone().unwrap());
    ///         }
    ///     })
    ///     .start()
    ///     .await;
    /// sim.add_signature_request("sr-1", RequestState::AwaitingSignature);
    /// let client = Client::builder()
    ///     .base_url(sim.base_url())
    ///     .credentials(Credentials::api_key(sim.api_key()))
    ///     .build()
    ///     .unwrap();
    /// client.signature_request_cancel("sr-1").await.unwrap();
    /// assert_eq!(*cancels.lock().unwrap(), ["sr-1"]);
    /// # }
    /// ```
    pub fn on_request(mut self, observer: impl Fn(&ArrivingRequest) + Send + Sync + 'static) -> Self {
        self.observers.push(Observer(Arc::new(observer)));
        self
    }

    crate::server::port_and_start!(DropboxSignSim, "Dropbox Sign");

    /// Builds the simulator's state and serves it (see `try_start`).
    async fn launch(self) -> std::io::Result<DropboxSignSim> {
        let http = reqwest::Client::builder().timeout(CALLBACK_TIMEOUT).build().map_err(std::io::Error::other)?;
        let (outbox, queued) = mpsc::unbounded_channel();
        let port = self.port;
        let shared = Arc::new(Shared {
            callback_url: Mutex::new(self.callback_url.clone()),
            rate: Mutex::new(Rate { used: 0, reset: 0 }),
            config: self,
            origin: OnceLock::new(),
            http,
            requests: Mutex::default(),
            replies: Replies::default(),
            log: Log::default(),
            bodies: Mutex::default(),
            team: Mutex::new(account::Team::new(ACCOUNT_EMAIL)),
            events: Mutex::default(),
            tasks: Mutex::default(),
            pending: AtomicUsize::new(0),
            idle: Notify::new(),
            outbox,
            runtime: tokio::runtime::Handle::current(),
            started: (std::time::SystemTime::now(), Instant::now()),
        });
        let router = Router::new().fallback(handle).layer(DefaultBodyLimit::max(MAX_BODY)).with_state(shared.clone());
        let serving = Serving::start(router, port).await?;
        let _ = shared.origin.set(serving.origin());
        lock(&shared.tasks).spawn(post_events(shared.clone(), queued));
        let base_url = format!("{}/v3", serving.origin());
        Ok(DropboxSignSim { shared, base_url, _serving: serving })
    }
}

/// The largest request body read: the API takes up to 40 MB of files.
const MAX_BODY: usize = 48 << 20;

/// A simulated Dropbox Sign API on 127.0.0.1, served by a background task
/// until it is dropped. See the [module documentation](self) for what it
/// answers.
///
/// ```
/// use esign_client::dropbox_sign::{Client, Credentials};
/// use esign_sim::dropbox_sign::RequestState;
/// use esign_sim::DropboxSignSim;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let sim = DropboxSignSim::start().await;
/// sim.add_signature_request("sr-1", RequestState::AwaitingSignature);
/// let client = Client::builder()
///     .base_url(sim.base_url())
///     .credentials(Credentials::api_key(sim.api_key()))
///     .build()
///     .unwrap();
/// client.signature_request_cancel("sr-1").await.unwrap(); // 200: queued
/// assert!(sim.settle(std::time::Duration::from_secs(5)).await);
/// assert_eq!(sim.state("sr-1"), Some(RequestState::Canceled));
/// # }
/// ```
#[derive(Debug)]
pub struct DropboxSignSim {
    shared: Arc<Shared>,
    base_url: String,
    _serving: Serving,
}

impl DropboxSignSim {
    /// Starts a simulator with the defaults (see [`DropboxSignSimBuilder`]).
    ///
    /// # Panics
    ///
    /// If no port can be bound, or outside a tokio runtime.
    pub async fn start() -> DropboxSignSim {
        DropboxSignSimBuilder::default().start().await
    }

    /// Configures a simulator before starting it.
    pub fn builder() -> DropboxSignSimBuilder {
        DropboxSignSimBuilder::default()
    }

    /// The base URL to give the client: `http://127.0.0.1:<port>/v3`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The API key the simulator accepts and signs events with.
    pub fn api_key(&self) -> &str {
        &self.shared.config.api_key
    }

    /// Adds a signature request in `state`, or puts an existing one in it
    /// (keeping its place in the list). A new one is titled `Request <id>`
    /// and has two signers; the signatures follow the state.
    pub fn add_signature_request(&self, id: impl Into<String>, state: RequestState) {
        let id = id.into();
        let mut requests = lock(&self.shared.requests);
        match requests.records.get_mut(&id) {
            Some(existing) => {
                existing.state = state;
                existing.auto_sign_at = None;
                let created_at = existing.created_at;
                let statuses = statuses_for(state, existing.signers.len());
                for (signer, status) in existing.signers.iter_mut().zip(statuses) {
                    signer.status = status;
                    signer.signed_at = (status == "signed").then_some(created_at);
                }
            }
            None => {
                let record = Record::seeded(&id, state);
                requests.order.push(id.clone());
                requests.records.insert(id, record);
            }
        }
    }

    /// Adds `count` signature requests in `state`, with ids `sr-00001`,
    /// `sr-00002`, ... continuing after the ones already added this way;
    /// returns their ids.
    pub fn add_signature_requests(&self, count: usize, state: RequestState) -> Vec<String> {
        let first = lock(&self.shared.requests).numbered;
        let ids: Vec<String> = (first + 1..=first + count).map(|n| format!("sr-{n:05}")).collect();
        for id in &ids {
            self.add_signature_request(id.clone(), state);
        }
        lock(&self.shared.requests).numbered = first + count;
        ids
    }

    /// The state of a signature request, if it exists (added by the test,
    /// or sent through the API).
    pub fn state(&self, id: &str) -> Option<RequestState> {
        let mut requests = lock(&self.shared.requests);
        catch_up(&self.shared, &mut requests, id);
        requests.records.get(id).map(|record| record.state)
    }

    /// The signature request as `GET /signature_request/{id}` would answer
    /// it (whatever its state), if it exists.
    pub fn signature_request(&self, id: &str) -> Option<Value> {
        let mut requests = lock(&self.shared.requests);
        catch_up(&self.shared, &mut requests, id);
        requests.records.get(id).map(|record| record.json(id, self.shared.origin()))
    }

    /// The documents a signature request was sent with: the uploaded files'
    /// names (`document-<n>` for a file sent without one), the URLs given
    /// as `file_urls`, and `template:<id>` for each template.
    pub fn documents(&self, id: &str) -> Vec<String> {
        lock(&self.shared.requests).records.get(id).map(|record| record.documents.clone()).unwrap_or_default()
    }

    /// The form fields a signature request was sent with
    /// (`form_fields_per_document`, read in either of its shapes, as one
    /// flat list of the fields as sent); empty when it had none.
    pub fn form_fields(&self, id: &str) -> Vec<Value> {
        lock(&self.shared.requests).records.get(id).map(|record| record.form_fields.clone()).unwrap_or_default()
    }

    /// The signer at `signer_index` (from 0, in the order the request lists
    /// its signatures) signs: the request becomes partially or fully
    /// signed, and `signature_request_signed` is posted, followed, for the
    /// last signature, by `signature_request_all_signed` and
    /// `signature_request_downloadable` ([`Self::settle`] waits for them).
    ///
    /// False, changing nothing, when the request does not exist or is not
    /// awaiting signatures (canceled, declined, complete), when the signer
    /// does not exist or is not awaiting signature, or when signers sign in
    /// order (`order` set) and one before them has not signed yet.
    pub fn sign(&self, id: &str, signer_index: usize) -> bool {
        let mut requests = lock(&self.shared.requests);
        catch_up(&self.shared, &mut requests, id);
        let Some(record) = requests.records.get_mut(id) else { return false };
        if !record.open() || !record.may_sign(signer_index) {
            return false;
        }
        sign_signers(&self.shared, id, record, &[signer_index]);
        true
    }

    /// Every signer still awaiting signature signs, in order (see
    /// [`Self::sign`]). False if nobody could sign.
    pub fn sign_all(&self, id: &str) -> bool {
        let mut requests = lock(&self.shared.requests);
        catch_up(&self.shared, &mut requests, id);
        let Some(record) = requests.records.get_mut(id) else { return false };
        let waiting = record.waiting();
        if !record.open() || waiting.is_empty() {
            return false;
        }
        sign_signers(&self.shared, id, record, &waiting);
        true
    }

    /// The signer at `signer_index` declines, with `reason`: the request
    /// becomes [`RequestState::Declined`] and `signature_request_declined`
    /// is posted. False, changing nothing, when the signer could not sign
    /// now (see [`Self::sign`]).
    pub fn decline(&self, id: &str, signer_index: usize, reason: &str) -> bool {
        let mut requests = lock(&self.shared.requests);
        catch_up(&self.shared, &mut requests, id);
        let Some(record) = requests.records.get_mut(id) else { return false };
        if !record.open() || !record.may_sign(signer_index) {
            return false;
        }
        let signer = &mut record.signers[signer_index];
        signer.status = "declined";
        signer.decline_reason = Some(reason.to_owned());
        let signature_id = signer.signature_id.clone();
        record.state = RequestState::Declined;
        record.auto_sign_at = None;
        let json = record.json(id, self.shared.origin());
        enqueue(&self.shared, "signature_request_declined", id, json, Some(signature_id));
        true
    }

    /// Adds a template (or replaces the one with this id) whose signer
    /// roles are `roles`, in signing order, with one document; requests
    /// sent with it must give one signer for each role.
    pub fn add_template(&self, id: impl Into<String>, title: &str, roles: &[&str]) {
        let id = id.into();
        let template = Template {
            title: title.to_owned(),
            message: None,
            roles: roles.iter().map(|role| (*role).to_owned()).collect(),
            cc_roles: Vec::new(),
            documents: vec![format!("{title}.pdf")],
            embedded: false,
            updated_at: unix_now() as u64,
            metadata: json!({}),
        };
        let mut requests = lock(&self.shared.requests);
        if requests.templates.insert(id.clone(), template).is_none() {
            requests.template_order.push(id);
        }
    }

    /// The ids of the templates that exist, in the order they were added.
    pub fn templates(&self) -> Vec<String> {
        lock(&self.shared.requests).template_order.clone()
    }

    /// The signature request ids of the unclaimed drafts created and not
    /// yet claimed, in the order they were created.
    pub fn unclaimed_drafts(&self) -> Vec<String> {
        let requests = lock(&self.shared.requests);
        requests.draft_order.iter().filter(|id| requests.drafts.contains_key(*id)).cloned().collect()
    }

    /// Claims an unclaimed draft as a user opening its claim URL and
    /// sending it would: its signature request (the id the draft was
    /// created with) now exists, awaiting signature from the draft's
    /// signers (or, for a draft without any, from the requester), and
    /// `signature_request_sent` is posted. False if no draft has this id.
    pub fn claim_draft(&self, signature_request_id: &str) -> bool {
        let mut requests = lock(&self.shared.requests);
        let Some(draft) = requests.drafts.remove(signature_request_id) else { return false };
        let mut record = draft.record;
        if record.signers.is_empty() {
            record.signers.push(Signer::new(signature_request_id, 0, "Requester", &draft.requester_email));
        }
        record.created_at = unix_now() as u64;
        let id = signature_request_id.to_owned();
        insert_sent(&self.shared, &mut requests, id.clone(), record);
        if draft.hold {
            let record = requests.records.get_mut(&id).expect("inserted above");
            for signer in &mut record.signers {
                signer.status = ON_HOLD;
            }
        }
        true
    }

    /// Posts events to this URL from now on (see [`DropboxSignSimBuilder::callback_url`]).
    pub fn set_callback_url(&self, url: impl Into<String>) {
        *lock(&self.shared.callback_url) = Some(url.into());
    }

    /// The next API request (after the credential and rate-limit checks)
    /// gets `status` with the documented error body for `error_name` instead
    /// of its simulated answer. Call it again to fail several requests.
    ///
    /// # Panics
    ///
    /// If `status` is not an HTTP status.
    pub fn fail_next(&self, status: u16, error_name: &str) {
        self.respond_next(error_reply(status, error_name));
    }

    /// The next API request gets `reply` instead of its simulated answer.
    pub fn respond_next(&self, reply: Reply) {
        self.shared.replies.push(None, reply);
    }

    /// The next request to `endpoint` gets `reply` instead of its simulated
    /// answer; requests to other endpoints are answered as usual.
    pub fn respond_next_on(&self, endpoint: Endpoint, reply: Reply) {
        self.shared.replies.push(Some(endpoint), reply);
    }

    /// Completes a queued cancel now (see [`DropboxSignSimBuilder::hold_cancellations`]):
    /// the request becomes [`RequestState::Canceled`] and the event is
    /// posted before this returns. False if the request was not canceling.
    pub async fn complete_cancellation(&self, id: &str) -> bool {
        let Some(request) = mark_canceled(&self.shared, id) else { return false };
        deliver(&self.shared, &Outgoing::about_request("signature_request_canceled", id, request, None)).await;
        true
    }

    /// Posts an event of any type about a signature request (known or not),
    /// signed with the API key as Dropbox Sign signs them, and returns it
    /// once posted. For testing a callback endpoint with events the
    /// simulated lifecycle does not produce (`callback_test`,
    /// `signature_request_viewed`, ...).
    pub async fn post_event(&self, event_type: &str, signature_request_id: &str) -> SimEvent {
        let request = self
            .signature_request(signature_request_id)
            .unwrap_or_else(|| json!({"signature_request_id": signature_request_id}));
        deliver(&self.shared, &Outgoing::about_request(event_type, signature_request_id, request, None)).await
    }

    /// The bodies of the requests the simulator read so far, in order: each
    /// JSON body, and each multipart form part by part (the API takes no
    /// credential in a body). Requests answered before their body was read
    /// (refused credentials, the rate limit, an unknown path, a queued
    /// reply) are not among them; [`Self::requests`] lists every request.
    pub fn bodies(&self) -> Vec<ReceivedBody> {
        lock(&self.shared.bodies).clone()
    }

    /// Adds a member to the team (`PUT /team/add_member` invites; this is a
    /// member who already accepted).
    pub fn add_team_member(&self, email_address: &str) {
        lock(&self.shared.team).add_member(email_address);
    }

    /// An account that belongs to another team: inviting its address
    /// answers `403 team_invite_failed`.
    pub fn add_other_team_account(&self, email_address: &str) {
        lock(&self.shared.team).add_elsewhere(email_address);
    }

    /// The requests answered so far, in order: method, path, query and
    /// status; never a credential.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.log.snapshot()
    }

    /// The events produced so far whose posting has finished, in the order
    /// it finished. [`Self::settle`] waits for those still under way.
    pub fn events(&self) -> Vec<SimEvent> {
        lock(&self.shared.events).clone()
    }

    /// Waits, for at most `timeout`, until nothing is under way: every
    /// queued cancel has completed, every automatic signature
    /// ([`DropboxSignSimBuilder::auto_sign_after`]) has been made, and every
    /// event produced has been posted (events are posted one at a time, in
    /// the order they were produced). True if everything settled. Cancels
    /// held by [`DropboxSignSimBuilder::hold_cancellations`] do not count.
    pub async fn settle(&self, timeout: Duration) -> bool {
        let shared = &self.shared;
        let settled = async {
            loop {
                let notified = shared.idle.notified();
                let mut notified = std::pin::pin!(notified);
                // Registered before the check, so a wake-up in between is not lost.
                notified.as_mut().enable();
                if shared.pending.load(Ordering::SeqCst) == 0 {
                    return;
                }
                notified.await;
            }
        };
        tokio::time::timeout(timeout, settled).await.is_ok()
    }
}

impl Drop for DropboxSignSim {
    fn drop(&mut self) {
        // Stop completing cancels, signing and posting events; the server
        // itself stops when `_serving` drops.
        let tasks = std::mem::take(&mut *lock(&self.shared.tasks));
        drop(tasks);
    }
}

#[derive(Debug)]
struct Shared {
    config: DropboxSignSimBuilder,
    /// `http://127.0.0.1:<port>`, set once the server listens.
    origin: OnceLock<String>,
    callback_url: Mutex<Option<String>>,
    http: reqwest::Client,
    requests: Mutex<Requests>,
    rate: Mutex<Rate>,
    replies: Replies<Endpoint>,
    log: Log,
    /// Every body read, in order ([`DropboxSignSim::bodies`]).
    bodies: Mutex<Vec<ReceivedBody>>,
    team: Mutex<account::Team>,
    events: Mutex<Vec<SimEvent>>,
    /// The event poster and the timers (cancels, automatic signatures);
    /// aborted when the simulator drops.
    tasks: Mutex<JoinSet<()>>,
    /// Timers and events under way: queued and not yet done.
    pending: AtomicUsize,
    /// Woken when `pending` drops to zero.
    idle: Notify,
    /// Events to post, in order, by the one task that posts them.
    outbox: mpsc::UnboundedSender<Outgoing>,
    /// The runtime the simulator started on, where its timers run, so that
    /// [`DropboxSignSim::sign`] and the like work outside it too.
    runtime: tokio::runtime::Handle,
    /// The wall clock of the rate-limit windows: the system time at the
    /// start, moving with tokio's clock since (so on a test's paused clock
    /// a window resets when the paused wait for it ends; a client on the
    /// same clock is `time_source(TokioClock::new())`).
    started: (std::time::SystemTime, Instant),
}

impl Shared {
    fn origin(&self) -> &str {
        self.origin.get().map_or("http://127.0.0.1", String::as_str)
    }

    /// Unix time now on the simulator's clock, in seconds.
    fn unix_now(&self) -> f64 {
        let (system, instant) = self.started;
        (system + instant.elapsed()).duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_secs_f64()
    }
}

#[derive(Debug, Default)]
struct Requests {
    records: HashMap<String, Record>,
    /// Ids in the order they were added: the list order.
    order: Vec<String>,
    /// How many `add_signature_requests` has numbered.
    numbered: usize,
    /// How many ids the simulator has made up.
    made: u64,
    templates: HashMap<String, Template>,
    template_order: Vec<String>,
    /// Unclaimed drafts by the signature request id they will have.
    drafts: HashMap<String, Draft>,
    draft_order: Vec<String>,
}

impl Requests {
    /// A new id of `len` hex digits, like the API's.
    fn make_id(&mut self, len: usize) -> String {
        use sha2::Digest as _;
        self.made += 1;
        let seed = format!("{}-{}-{:?}", self.made, unix_now(), std::thread::current().id());
        let mut id = hex::encode(sha2::Sha256::digest(seed.as_bytes()));
        id.truncate(len);
        id
    }
}

#[derive(Clone, Debug)]
struct Signer {
    signature_id: String,
    name: String,
    email: String,
    role: Option<String>,
    order: Option<i64>,
    group: Option<String>,
    /// `awaiting_signature`, `signed`, `declined` or `on_hold_by_requester`.
    status: &'static str,
    signed_at: Option<u64>,
    last_reminded_at: Option<u64>,
    decline_reason: Option<String>,
}

impl Signer {
    fn new(request_id: &str, index: usize, name: &str, email: &str) -> Signer {
        Signer {
            signature_id: format!("{request_id}-signature-{}", index + 1),
            name: name.to_owned(),
            email: email.to_owned(),
            role: None,
            order: None,
            group: None,
            status: "awaiting_signature",
            signed_at: None,
            last_reminded_at: None,
            decline_reason: None,
        }
    }

    fn json(&self) -> Value {
        json!({
            "signature_id": self.signature_id,
            "signer_group_guid": self.group,
            "signer_email_address": self.email,
            "signer_name": self.name,
            "signer_role": self.role,
            "order": self.order,
            "status_code": self.status,
            "decline_reason": self.decline_reason,
            "signed_at": self.signed_at,
            "last_viewed_at": null,
            "last_reminded_at": self.last_reminded_at,
            "has_pin": false,
            "has_sms_auth": false,
            "has_sms_delivery": false,
            "sms_phone_number": null,
            "error": null,
        })
    }
}

/// The status of a signer of a held request, until `release_hold`.
const ON_HOLD: &str = "on_hold_by_requester";

/// The signers' statuses a seeded request in `state` has.
fn statuses_for(state: RequestState, signers: usize) -> Vec<&'static str> {
    (0..signers)
        .map(|i| match state {
            RequestState::AwaitingSignature | RequestState::Canceling | RequestState::Canceled => "awaiting_signature",
            RequestState::PartiallySigned if i == 0 => "signed",
            RequestState::PartiallySigned => "awaiting_signature",
            RequestState::FullySigned | RequestState::Removed => "signed",
            RequestState::Declined if i + 1 == signers => "declined",
            RequestState::Declined => "signed",
        })
        .collect()
}

#[derive(Clone, Debug)]
struct Record {
    title: String,
    subject: Option<String>,
    message: Option<String>,
    metadata: Value,
    state: RequestState,
    signers: Vec<Signer>,
    created_at: u64,
    expires_at: Option<i64>,
    test_mode: bool,
    cc_email_addresses: Vec<String>,
    template_ids: Option<Vec<String>>,
    client_id: Option<String>,
    /// Signed through sign URLs (created with `create_embedded*`).
    embedded: bool,
    custom_fields: Vec<Value>,
    /// `form_fields_per_document`, as one flat list of the fields sent.
    form_fields: Vec<Value>,
    documents: Vec<String>,
    signing_redirect_url: Option<String>,
    /// When every signer signs by themself ([`DropboxSignSimBuilder::auto_sign_after`]).
    auto_sign_at: Option<Instant>,
    /// Until when the final documents are being prepared ([`DropboxSignSimBuilder::prepare_files_for`]).
    files_ready_at: Option<Instant>,
}

impl Record {
    /// A request the test adds: two signers whose signatures follow `state`.
    fn seeded(id: &str, state: RequestState) -> Record {
        let created_at = unix_now() as u64;
        let signers = statuses_for(state, 2)
            .into_iter()
            .enumerate()
            .map(|(i, status)| {
                let mut signer =
                    Signer::new(id, i, &format!("Signer {}", i + 1), &format!("signer{}@example.com", i + 1));
                signer.order = Some(i as i64);
                signer.status = status;
                signer.signed_at = (status == "signed").then_some(created_at);
                signer
            })
            .collect();
        Record {
            title: format!("Request {id}"),
            subject: Some(format!("Request {id}")),
            message: None,
            metadata: json!({}),
            state,
            signers,
            created_at,
            expires_at: None,
            test_mode: true,
            cc_email_addresses: Vec::new(),
            template_ids: None,
            client_id: None,
            embedded: false,
            custom_fields: Vec::new(),
            form_fields: Vec::new(),
            documents: vec![format!("Request {id}.pdf")],
            signing_redirect_url: None,
            auto_sign_at: None,
            files_ready_at: None,
        }
    }

    /// Awaiting signatures: signers may sign or decline, a cancel is accepted.
    fn open(&self) -> bool {
        matches!(self.state, RequestState::AwaitingSignature | RequestState::PartiallySigned)
    }

    /// Gone for the caller: every endpoint answers `410 deleted`.
    fn gone(&self) -> bool {
        matches!(self.state, RequestState::Canceled | RequestState::Removed)
    }

    /// The signers awaiting signature, in signing order.
    fn waiting(&self) -> Vec<usize> {
        let mut waiting: Vec<usize> =
            (0..self.signers.len()).filter(|i| self.signers[*i].status == "awaiting_signature").collect();
        waiting.sort_by_key(|i| self.signers[*i].order.unwrap_or(i64::MAX));
        waiting
    }

    /// Whether the signer at `index` may sign now: awaiting signature, and
    /// no signer with an earlier turn still awaiting.
    fn may_sign(&self, index: usize) -> bool {
        let Some(signer) = self.signers.get(index) else { return false };
        if signer.status != "awaiting_signature" {
            return false;
        }
        let Some(turn) = signer.order else { return true };
        !self.signers.iter().any(|other| other.status == "awaiting_signature" && other.order.is_some_and(|o| o < turn))
    }

    /// The `SignatureRequest` object.
    fn json(&self, id: &str, origin: &str) -> Value {
        let is_declined = self.signers.iter().any(|s| s.status == "declined");
        let is_complete = !is_declined && self.signers.iter().all(|s| s.status == "signed");
        let custom_fields: Vec<Value> = self
            .custom_fields
            .iter()
            .map(|field| {
                json!({
                    "name": field.get("name").cloned().unwrap_or(Value::Null),
                    "type": "text",
                    "value": field.get("value").cloned().unwrap_or(Value::Null),
                    "required": form::flag(field.get("required")),
                    "api_id": field.get("name").cloned().unwrap_or(Value::Null),
                    "editor": field.get("editor").cloned().unwrap_or(Value::Null),
                })
            })
            .collect();
        let path_id = percent_encoding::utf8_percent_encode(id, percent_encoding::NON_ALPHANUMERIC);
        json!({
            "signature_request_id": id,
            "title": self.title,
            "original_title": self.title,
            "subject": self.subject,
            "message": self.message,
            "metadata": self.metadata,
            "is_complete": is_complete,
            "is_declined": is_declined,
            "has_error": false,
            "test_mode": self.test_mode,
            "created_at": self.created_at,
            "expires_at": self.expires_at,
            "signing_url": null,
            "details_url": format!("{origin}/home/manage?guid={path_id}"),
            "files_url": format!("{origin}/v3/signature_request/files/{path_id}"),
            "requester_email_address": REQUESTER_EMAIL,
            "cc_email_addresses": self.cc_email_addresses,
            "signing_redirect_url": self.signing_redirect_url,
            "template_ids": self.template_ids,
            "client_id": self.client_id,
            "bulk_send_job_id": null,
            "custom_fields": custom_fields,
            "attachments": [],
            "response_data": [],
            "signatures": self.signers.iter().map(Signer::json).collect::<Vec<_>>(),
        })
    }

    /// The PDF the request's download gives: one page describing the
    /// request, its documents and each signer's state.
    fn pdf(&self, id: &str) -> Vec<u8> {
        self.page(id, format!("Documents: {}", self.documents.join(", ")))
    }

    /// The ZIP archive `file_type=zip` gives: one such PDF per document.
    fn zip(&self, id: &str) -> Vec<u8> {
        let mut files: Vec<(String, Vec<u8>)> = Vec::new();
        for (i, document) in self.documents.iter().enumerate() {
            let taken: Vec<String> = files.iter().map(|(name, _)| name.clone()).collect();
            let about = format!("Document {} of {}: {document}", i + 1, self.documents.len());
            files.push((zip::file_name(document, &taken), self.page(id, about)));
        }
        zip::stored_zip(&files)
    }

    fn page(&self, id: &str, documents: String) -> Vec<u8> {
        let mut lines = vec![self.title.clone(), format!("Signature request {id}")];
        if self.test_mode {
            lines.push("Test mode: this document has no legal value.".to_owned());
        }
        lines.push(documents);
        for signer in &self.signers {
            let what = match (signer.status, signer.signed_at) {
                ("signed", Some(at)) => format!("signed at Unix time {at}"),
                (status, _) => status.replace('_', " "),
            };
            lines.push(format!("{} <{}>: {what}", signer.name, signer.email));
        }
        pdf::one_page_pdf(&lines)
    }
}

/// The requester of every simulated request: the account's address.
const REQUESTER_EMAIL: &str = ACCOUNT_EMAIL;

#[derive(Clone, Debug)]
struct Template {
    title: String,
    message: Option<String>,
    roles: Vec<String>,
    cc_roles: Vec<String>,
    documents: Vec<String>,
    embedded: bool,
    updated_at: u64,
    metadata: Value,
}

impl Template {
    fn json(&self, id: &str) -> Value {
        json!({
            "template_id": id,
            "title": self.title,
            "message": self.message.clone().unwrap_or_default(),
            "updated_at": self.updated_at,
            "is_embedded": self.embedded,
            "is_creator": true,
            "can_edit": true,
            "is_locked": false,
            "metadata": self.metadata,
            "signer_roles": self.roles.iter().enumerate().map(|(i, name)| json!({"name": name, "order": i})).collect::<Vec<_>>(),
            "cc_roles": self.cc_roles.iter().map(|name| json!({"name": name})).collect::<Vec<_>>(),
            "documents": self.documents.iter().enumerate().map(|(i, name)| json!({
                "name": name, "index": i, "field_groups": [], "form_fields": [], "custom_fields": [], "static_fields": [],
            })).collect::<Vec<_>>(),
        })
    }
}

#[derive(Clone, Debug)]
struct Draft {
    /// The request it becomes once claimed.
    record: Record,
    requester_email: String,
    /// Claimed, its signers wait on hold until `release_hold`.
    hold: bool,
}

/// An event waiting to be posted.
#[derive(Debug)]
struct Outgoing {
    event_type: String,
    /// The id of the request (or template) it is about.
    about: String,
    /// `signature_request` or `template`: the key of the object it carries.
    key: &'static str,
    /// That object, as it was when the event happened.
    object: Value,
    related_signature_id: Option<String>,
}

impl Outgoing {
    fn about_request(event_type: &str, id: &str, request: Value, related_signature_id: Option<String>) -> Outgoing {
        Outgoing {
            event_type: event_type.to_owned(),
            about: id.to_owned(),
            key: "signature_request",
            object: request,
            related_signature_id,
        }
    }
}

/// One more thing under way ([`DropboxSignSim::settle`] waits for it).
fn start_job(shared: &Shared) {
    shared.pending.fetch_add(1, Ordering::SeqCst);
}

fn finish_job(shared: &Shared) {
    if shared.pending.fetch_sub(1, Ordering::SeqCst) == 1 {
        shared.idle.notify_waiters();
    }
}

/// Queues an event about a signature request, posted after those queued before it.
fn enqueue(shared: &Shared, event_type: &str, id: &str, request: Value, related_signature_id: Option<String>) {
    send_event(shared, Outgoing::about_request(event_type, id, request, related_signature_id));
}

fn send_event(shared: &Shared, event: Outgoing) {
    start_job(shared);
    if shared.outbox.send(event).is_err() {
        // The poster is gone (the simulator is being dropped).
        finish_job(shared);
    }
}

/// Posts the queued events one at a time, for as long as the simulator lives.
async fn post_events(shared: Arc<Shared>, mut queued: mpsc::UnboundedReceiver<Outgoing>) {
    while let Some(event) = queued.recv().await {
        deliver(&shared, &event).await;
        finish_job(&shared);
    }
}

/// Runs `job` on a task the simulator aborts when dropped, counted as under way until it ends.
fn spawn_job(shared: &Arc<Shared>, job: impl std::future::Future<Output = ()> + Send + 'static) {
    start_job(shared);
    let task_shared = shared.clone();
    let mut tasks = lock(&shared.tasks);
    // Forget the finished ones, so a long run does not keep them all.
    while tasks.try_join_next().is_some() {}
    tasks.spawn_on(
        async move {
            job.await;
            finish_job(&task_shared);
        },
        &shared.runtime,
    );
}

/// The signers at `indices` sign, in that order: `signature_request_signed`
/// for each, then `signature_request_all_signed` and
/// `signature_request_downloadable` when none is left.
fn sign_signers(shared: &Arc<Shared>, id: &str, record: &mut Record, indices: &[usize]) {
    let now = unix_now() as u64;
    for &index in indices {
        let signer = &mut record.signers[index];
        signer.status = "signed";
        signer.signed_at = Some(now);
        let signature_id = signer.signature_id.clone();
        let all = record.signers.iter().all(|s| s.status == "signed");
        record.state = if all { RequestState::FullySigned } else { RequestState::PartiallySigned };
        let json = record.json(id, shared.origin());
        enqueue(shared, "signature_request_signed", id, json.clone(), Some(signature_id));
        if all {
            record.auto_sign_at = None;
            enqueue(shared, "signature_request_all_signed", id, json.clone(), None);
            match shared.config.prepare_files_for {
                None => enqueue(shared, "signature_request_downloadable", id, json, None),
                Some(delay) => {
                    record.files_ready_at = Some(Instant::now() + delay);
                    let (task_shared, task_id) = (shared.clone(), id.to_owned());
                    spawn_job(shared, async move {
                        tokio::time::sleep(delay).await;
                        let ready = lock(&task_shared.requests)
                            .records
                            .get(&task_id)
                            .filter(|record| !record.gone())
                            .map(|record| record.json(&task_id, task_shared.origin()));
                        if let Some(json) = ready {
                            enqueue(&task_shared, "signature_request_downloadable", &task_id, json, None);
                        }
                    });
                }
            }
        }
    }
}

/// Makes the automatic signatures of `id` that are due.
fn catch_up(shared: &Arc<Shared>, requests: &mut Requests, id: &str) {
    let Some(record) = requests.records.get_mut(id) else { return };
    let Some(at) = record.auto_sign_at else { return };
    if Instant::now() < at {
        return;
    }
    record.auto_sign_at = None;
    if record.open() {
        let waiting = record.waiting();
        sign_signers(shared, id, record, &waiting);
    }
}

/// Adds a request that was just sent (or claimed): in the list, awaiting
/// signature, with `signature_request_sent` queued and the automatic
/// signatures scheduled. Returns it as the API answers it.
fn insert_sent(shared: &Arc<Shared>, requests: &mut Requests, id: String, mut record: Record) -> Value {
    record.state = RequestState::AwaitingSignature;
    if let Some(delay) = shared.config.auto_sign_after {
        record.auto_sign_at = Some(Instant::now() + delay);
        let task_shared = shared.clone();
        let task_id = id.clone();
        spawn_job(shared, async move {
            tokio::time::sleep(delay).await;
            catch_up(&task_shared, &mut lock(&task_shared.requests), &task_id);
        });
    }
    let json = record.json(&id, shared.origin());
    enqueue(shared, "signature_request_sent", &id, json.clone(), None);
    requests.order.push(id.clone());
    requests.records.insert(id, record);
    json
}

/// The current rate-limit window.
#[derive(Debug)]
struct Rate {
    used: u64,
    /// Unix time the window ends; 0 before the first request.
    reset: u64,
}

/// What a request left of the rate limit.
struct Allowance {
    limit: u64,
    remaining: u64,
    reset: u64,
    exceeded: bool,
}

impl Shared {
    fn take_allowance(&self) -> Allowance {
        let limit = self.config.rate_limit;
        let now = self.unix_now();
        let mut rate = lock(&self.rate);
        if now >= rate.reset as f64 {
            rate.used = 0;
            rate.reset = (now + self.config.rate_limit_window.as_secs_f64()).ceil() as u64;
        }
        let exceeded = rate.used >= limit;
        if !exceeded {
            rate.used += 1;
        }
        Allowance { limit, remaining: limit - rate.used, reset: rate.reset, exceeded }
    }

    fn authorized(&self, headers: &HeaderMap) -> bool {
        let Some((scheme, credentials)) =
            headers.get(AUTHORIZATION).and_then(|value| value.to_str().ok()).and_then(|value| value.split_once(' '))
        else {
            return false;
        };
        let credentials = credentials.trim();
        if scheme.eq_ignore_ascii_case("basic") {
            let Ok(decoded) = base64::engine::general_purpose::STANDARD.decode(credentials) else { return false };
            let decoded = String::from_utf8_lossy(&decoded);
            let user = decoded.split_once(':').map_or(&*decoded, |(user, _)| user);
            user == self.config.api_key
        } else if scheme.eq_ignore_ascii_case("bearer") {
            self.config.oauth_token.as_deref() == Some(credentials)
        } else {
            false
        }
    }
}

/// Which endpoint a request is for.
enum Route {
    Found(Endpoint, Option<String>),
    WrongMethod,
    Unknown,
}

fn route(method: &Method, path: &str) -> Route {
    use Endpoint::*;
    let Some(segments) = segments_after(path, "/v3") else { return Route::Unknown };
    let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
    let (endpoint, id, expected) = match segments.as_slice() {
        ["signature_request", "list"] => (List, None, Method::GET),
        ["signature_request", "send"] => (Send, None, Method::POST),
        ["signature_request", "send_with_template"] => (SendWithTemplate, None, Method::POST),
        ["signature_request", "create_embedded"] => (CreateEmbedded, None, Method::POST),
        ["signature_request", "create_embedded_with_template"] => (CreateEmbeddedWithTemplate, None, Method::POST),
        ["signature_request", action, id] if !id.is_empty() => {
            let (endpoint, method) = match *action {
                "cancel" => (Cancel, Method::POST),
                "remove" => (Remove, Method::POST),
                "remind" => (Remind, Method::POST),
                "update" => (Update, Method::POST),
                "files" => (Files, Method::GET),
                "files_as_data_uri" => (FilesAsDataUri, Method::GET),
                "files_as_file_url" => (FilesAsFileUrl, Method::GET),
                "release_hold" => (ReleaseHold, Method::POST),
                _ => return Route::Unknown,
            };
            (endpoint, Some(*id), method)
        }
        ["signature_request", id] if !id.is_empty() => (Get, Some(*id), Method::GET),
        ["template", "list"] => (TemplateList, None, Method::GET),
        ["template", "create_embedded_draft"] => (TemplateCreateEmbeddedDraft, None, Method::POST),
        ["template", "delete", id] if !id.is_empty() => (TemplateDelete, Some(*id), Method::POST),
        ["template", id] if !id.is_empty() => (TemplateGet, Some(*id), Method::GET),
        ["unclaimed_draft", "create"] => (UnclaimedDraftCreate, None, Method::POST),
        ["unclaimed_draft", "create_embedded"] => (UnclaimedDraftCreateEmbedded, None, Method::POST),
        ["unclaimed_draft", "create_embedded_with_template"] => {
            (UnclaimedDraftCreateEmbeddedWithTemplate, None, Method::POST)
        }
        ["embedded", "sign_url", id] if !id.is_empty() => (EmbeddedSignUrl, Some(*id), Method::GET),
        ["account"] => (Account, None, Method::GET),
        ["team", "add_member"] => (TeamAddMember, None, Method::PUT),
        ["team", "remove_member"] => (TeamRemoveMember, None, Method::POST),
        ["api_app"] => (ApiAppCreate, None, Method::POST),
        _ => return Route::Unknown,
    };
    if *method != expected {
        return Route::WrongMethod;
    }
    Route::Found(endpoint, id.map(str::to_owned))
}

async fn handle(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    observe(&shared, &method, &uri);
    let response = match uri.path().strip_prefix(DOWNLOAD_PATH) {
        // The temporary file URLs need no credentials, like the API's.
        Some(id) if method == Method::GET => download(&shared, id),
        _ => respond(&shared, &method, &uri, &headers, body).await,
    };
    shared.log.record(&method, &uri, response.status());
    response
}

/// Shows the request to the observers ([`DropboxSignSimBuilder::on_request`]).
fn observe(shared: &Shared, method: &Method, uri: &Uri) {
    if shared.config.observers.is_empty() {
        return;
    }
    let (endpoint, id) = match route(method, uri.path()) {
        Route::Found(endpoint, id) => (Some(endpoint), id),
        Route::WrongMethod | Route::Unknown => (None, None),
    };
    let request = ArrivingRequest {
        method: method.as_str().to_owned(),
        path: uri.path().to_owned(),
        query: uri.query().map(str::to_owned),
        endpoint,
        id,
    };
    for observer in &shared.config.observers {
        (observer.0)(&request);
    }
}

/// Where the URLs `files_as_file_url` hands out point, under the origin.
const DOWNLOAD_PATH: &str = "/download/";

async fn respond(shared: &Arc<Shared>, method: &Method, uri: &Uri, headers: &HeaderMap, body: Bytes) -> Response {
    if !shared.authorized(headers) {
        return api_error(StatusCode::UNAUTHORIZED, "unauthorized");
    }
    let allowance = shared.take_allowance();
    let mut response = if allowance.exceeded {
        let status = match shared.config.rate_limit_reply {
            RateLimitReply::ExceededRate => StatusCode::FORBIDDEN,
            RateLimitReply::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
        };
        api_error(status, "exceeded_rate")
    } else {
        match route(method, uri.path()) {
            Route::Unknown => api_error(StatusCode::NOT_FOUND, "not_found"),
            Route::WrongMethod => api_error(StatusCode::METHOD_NOT_ALLOWED, "method_not_supported"),
            Route::Found(endpoint, id) => match shared.replies.take(&endpoint) {
                Some(reply) => reply.into_response(),
                None => {
                    let content_type = headers.get(CONTENT_TYPE).and_then(|value| value.to_str().ok());
                    match form::read(content_type, body).await {
                        Ok(form) => {
                            if let Some(content) = &form.received {
                                lock(&shared.bodies).push(ReceivedBody {
                                    method: method.as_str().to_owned(),
                                    path: uri.path().to_owned(),
                                    content: content.clone(),
                                });
                            }
                            answer(shared, endpoint, id.as_deref().unwrap_or_default(), uri, form)
                        }
                        Err(why) => bad_request(&why, None),
                    }
                }
            },
        }
    };
    let headers = response.headers_mut();
    for (name, value) in [
        ("x-ratelimit-limit", allowance.limit),
        ("x-ratelimit-remaining", allowance.remaining),
        ("x-ratelimit-reset", allowance.reset),
    ] {
        let name = HeaderName::from_static(name);
        if !headers.contains_key(&name) {
            headers.insert(name, HeaderValue::from(value));
        }
    }
    response
}

fn answer(shared: &Arc<Shared>, endpoint: Endpoint, id: &str, uri: &Uri, form: Form) -> Response {
    use Endpoint::*;
    match endpoint {
        List => list(shared, uri),
        Get | Cancel | Remove => lifecycle(shared, endpoint, id),
        Send => send(shared, form, Kind::Send),
        SendWithTemplate => send(shared, form, Kind::SendWithTemplate),
        CreateEmbedded => send(shared, form, Kind::Embedded),
        CreateEmbeddedWithTemplate => send(shared, form, Kind::EmbeddedWithTemplate),
        Remind => remind(shared, id, &form),
        Update => update(shared, id, &form),
        Files | FilesAsDataUri | FilesAsFileUrl => files(shared, endpoint, id, uri),
        TemplateGet => {
            let requests = lock(&shared.requests);
            match requests.templates.get(id) {
                Some(template) => json_ok(json!({"template": template.json(id)})),
                None => api_error(StatusCode::NOT_FOUND, "not_found"),
            }
        }
        TemplateList => template_list(shared, uri),
        TemplateCreateEmbeddedDraft => template_draft(shared, &form),
        TemplateDelete => {
            let mut requests = lock(&shared.requests);
            if requests.templates.remove(id).is_none() {
                return api_error(StatusCode::NOT_FOUND, "not_found");
            }
            requests.template_order.retain(|kept| kept != id);
            empty_ok()
        }
        UnclaimedDraftCreate => unclaimed_draft(shared, form, Kind::Send),
        UnclaimedDraftCreateEmbedded => unclaimed_draft(shared, form, Kind::Embedded),
        UnclaimedDraftCreateEmbeddedWithTemplate => unclaimed_draft(shared, form, Kind::EmbeddedWithTemplate),
        EmbeddedSignUrl => sign_url(shared, id),
        ReleaseHold => release_hold(shared, id),
        Account => account::account(),
        TeamAddMember => account::add_member(shared, &form),
        TeamRemoveMember => account::remove_member(shared, &form),
        ApiAppCreate => account::create_api_app(shared, &form),
    }
}

fn empty_ok() -> Response {
    Reply::new(200).into_response()
}

fn json_ok(body: Value) -> Response {
    Reply::json(200, &body).into_response()
}

/// `400 bad_request` with this message, naming the parameter at fault.
fn bad_request(message: &str, parameter: Option<&str>) -> Response {
    refuse(400, "bad_request", message, parameter)
}

/// An error answer with the documented body and a message of our own.
fn refuse(status: u16, name: &str, message: &str, parameter: Option<&str>) -> Response {
    let mut body = error_body(name, message);
    if let Some(parameter) = parameter {
        body["error"]["error_path"] = json!(parameter);
    }
    Reply::json(status, &body).into_response()
}

/// Get, cancel and remove of a signature request.
fn lifecycle(shared: &Arc<Shared>, endpoint: Endpoint, id: &str) -> Response {
    use RequestState::*;
    let mut requests = lock(&shared.requests);
    catch_up(shared, &mut requests, id);
    let Some(record) = requests.records.get_mut(id) else {
        return api_error(StatusCode::NOT_FOUND, "not_found");
    };
    match (endpoint, record.state) {
        (_, Canceled | Removed) => api_error(StatusCode::GONE, "deleted"),
        (Endpoint::Get, _) => json_ok(json!({"signature_request": record.json(id, shared.origin())})),
        (Endpoint::Cancel, AwaitingSignature | PartiallySigned) => {
            record.state = Canceling;
            record.auto_sign_at = None;
            drop(requests);
            schedule_completion(shared, id);
            empty_ok()
        }
        (Endpoint::Cancel, Canceling) => api_error(StatusCode::GONE, "deleted"),
        (Endpoint::Cancel, FullySigned | Declined) => {
            api_error(StatusCode::BAD_REQUEST, "signature_request_cancel_failed")
        }
        (Endpoint::Remove, FullySigned | Declined) => {
            record.state = Removed;
            empty_ok()
        }
        (Endpoint::Remove, AwaitingSignature | PartiallySigned | Canceling) => {
            api_error(StatusCode::BAD_REQUEST, "signature_request_remove_failed")
        }
        _ => unreachable!("only get, cancel and remove come here"),
    }
}

/// One page of `items` (`page`, `page_size` from the query) with `list_info`,
/// under `key`; or the `400` naming the parameter out of range.
fn page_of(uri: &Uri, key: &str, items: Vec<Value>) -> Response {
    fn number(uri: &Uri, name: &str, default: i64) -> Result<i64, ()> {
        query_param(uri, name).map_or(Ok(default), |text| text.trim().parse().map_err(|_| ()))
    }
    let Ok(page_size @ 1..=100) = number(uri, "page_size", 20) else {
        return bad_request("page_size must be between 1 and 100.", Some("page_size"));
    };
    let Ok(page @ 1..) = number(uri, "page", 1) else {
        return bad_request("page must be a positive integer.", Some("page"));
    };
    let (page_size, page) = (page_size as usize, page as usize);
    let total = items.len();
    let shown: Vec<Value> = items.into_iter().skip(page_size.saturating_mul(page - 1)).take(page_size).collect();
    json_ok(json!({
        key: shown,
        "list_info": {
            "page": page,
            "num_pages": total.div_ceil(page_size),
            "num_results": total,
            "page_size": page_size,
        },
    }))
}

fn list(shared: &Arc<Shared>, uri: &Uri) -> Response {
    let mut requests = lock(&shared.requests);
    for id in requests.order.clone() {
        catch_up(shared, &mut requests, &id);
    }
    let items = requests
        .order
        .iter()
        .filter_map(|id| requests.records.get(id).filter(|r| !r.gone()).map(|r| r.json(id, shared.origin())))
        .collect();
    page_of(uri, "signature_requests", items)
}

fn template_list(shared: &Shared, uri: &Uri) -> Response {
    let requests = lock(&shared.requests);
    let items = requests.template_order.iter().map(|id| requests.templates[id].json(id)).collect();
    page_of(uri, "templates", items)
}

/// What kind of request a create endpoint makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Send,
    SendWithTemplate,
    Embedded,
    EmbeddedWithTemplate,
}

impl Kind {
    fn with_template(self) -> bool {
        matches!(self, Kind::SendWithTemplate | Kind::EmbeddedWithTemplate)
    }

    fn embedded(self) -> bool {
        matches!(self, Kind::Embedded | Kind::EmbeddedWithTemplate)
    }
}

// The functions below return the error answer itself as their `Err`: it is
// built at most once per request and goes straight back to the client, so
// its size does not matter (hence `result_large_err` is allowed on them).

/// Send, send with template, and the embedded variants.
fn send(shared: &Arc<Shared>, form: Form, kind: Kind) -> Response {
    if kind.embedded() && form::text(form.fields.get("client_id")).is_none() {
        return bad_request("client_id is required.", Some("client_id"));
    }
    let mut requests = lock(&shared.requests);
    let id = requests.make_id(40);
    let record = match new_record(&requests, &id, &form, kind, true) {
        Ok(record) => record,
        Err(refused) => return refused,
    };
    let json = insert_sent(shared, &mut requests, id, record);
    json_ok(json!({"signature_request": json}))
}

/// The request a create endpoint's body describes, checked as the API
/// checks it; `signers_required` is false for drafts, whose signers may be
/// added when they are claimed.
#[allow(clippy::result_large_err)]
fn new_record(
    requests: &Requests,
    id: &str,
    form: &Form,
    kind: Kind,
    signers_required: bool,
) -> Result<Record, Response> {
    let fields = &form.fields;
    let mut documents = Vec::new();
    let mut template_ids = None;
    let mut roles: Vec<String> = Vec::new();
    if kind.with_template() {
        let ids = form::strings(fields.get("template_ids"));
        if ids.is_empty() {
            return Err(bad_request("template_ids is required.", Some("template_ids")));
        }
        for template_id in &ids {
            let Some(template) = requests.templates.get(template_id) else {
                return Err(refuse(
                    404,
                    "not_found",
                    &format!("Template `{template_id}` not found."),
                    Some("template_ids"),
                ));
            };
            documents.push(format!("template:{template_id}"));
            for role in &template.roles {
                if !roles.contains(role) {
                    roles.push(role.clone());
                }
            }
        }
        template_ids = Some(ids);
    }
    let file_urls = form::strings(fields.get("file_urls"));
    match (form.files.is_empty(), file_urls.is_empty()) {
        (false, false) => return Err(bad_request("Give either files or file_urls, not both.", Some("file_urls"))),
        (true, true) if !kind.with_template() => {
            return Err(bad_request("Upload files (files[]) or give file_urls.", Some("files")))
        }
        _ => {}
    }
    for (i, file) in form.files.iter().enumerate() {
        if file.bytes.is_empty() {
            return Err(refuse(400, "invalid_file", &format!("The file files[{i}] is empty."), Some("files")));
        }
        documents.push(file.file_name.clone().unwrap_or_else(|| format!("document-{}", i + 1)));
    }
    documents.extend(file_urls);

    let signers = if kind.with_template() {
        template_signers(id, fields, &roles, signers_required)?
    } else {
        listed_signers(id, fields, signers_required)?
    };
    let title = form::text(fields.get("title"))
        .or_else(|| form::text(fields.get("subject")))
        .or_else(|| documents.first().cloned())
        .unwrap_or_else(|| "Untitled".to_owned());
    let mut cc_email_addresses = form::strings(fields.get("cc_email_addresses"));
    if let Some(Value::Array(ccs)) = fields.get("ccs") {
        cc_email_addresses.extend(ccs.iter().filter_map(|cc| form::text(cc.get("email_address"))));
    }
    let custom_fields = match fields.get("custom_fields") {
        Some(Value::Array(values)) => values.iter().filter(|v| v.is_object()).cloned().collect(),
        Some(Value::String(text)) => serde_json::from_str(text).unwrap_or_default(),
        _ => Vec::new(),
    };
    let form_fields = form_fields(fields.get("form_fields_per_document"), signers.len(), documents.len())?;
    let expires_at = form::integer(fields.get("expires_at"));
    if expires_at.is_some_and(|at| at <= unix_now() as i64) {
        return Err(bad_request("expires_at must be in the future.", Some("expires_at")));
    }
    Ok(Record {
        title,
        subject: form::text(fields.get("subject")),
        message: form::text(fields.get("message")),
        metadata: fields.get("metadata").filter(|m| m.is_object()).cloned().unwrap_or_else(|| json!({})),
        state: RequestState::AwaitingSignature,
        signers,
        created_at: unix_now() as u64,
        expires_at,
        test_mode: form::flag(fields.get("test_mode")),
        cc_email_addresses,
        template_ids,
        client_id: form::text(fields.get("client_id")),
        embedded: kind.embedded(),
        custom_fields,
        form_fields,
        documents,
        signing_redirect_url: form::text(fields.get("signing_redirect_url")),
        auto_sign_at: None,
        files_ready_at: None,
    })
}

/// `form_fields_per_document` in either shape (one flat list whose fields
/// name their `document_index`, or one list per document), flattened; a
/// field must name a signer (by index) and a document the request has.
#[allow(clippy::result_large_err)]
fn form_fields(value: Option<&Value>, signers: usize, documents: usize) -> Result<Vec<Value>, Response> {
    const NAME: &str = "form_fields_per_document";
    let Some(value) = value else { return Ok(Vec::new()) };
    let Value::Array(entries) = value else {
        return Err(bad_request(&format!("{NAME} must be a list."), Some(NAME)));
    };
    let mut flat = Vec::new();
    for (i, entry) in entries.iter().enumerate() {
        match entry {
            Value::Array(fields) => flat.extend(
                fields.iter().enumerate().map(|(j, field)| (format!("{NAME}[{i}][{j}]"), Some(i as i64), field)),
            ),
            Value::Object(_) => flat.push((format!("{NAME}[{i}]"), form::integer(entry.get("document_index")), entry)),
            _ => {
                return Err(bad_request(
                    "Each entry must be a field or a list of fields.",
                    Some(&format!("{NAME}[{i}]")),
                ))
            }
        }
    }
    for (path, document, field) in &flat {
        if !field.is_object() {
            return Err(bad_request("Each field must be an object.", Some(path)));
        }
        let document = document.unwrap_or(0);
        if documents > 0 && !(0..documents as i64).contains(&document) {
            let message = format!("The field is on document {document}; the request has {documents}.");
            return Err(bad_request(&message, Some(&format!("{path}[document_index]"))));
        }
        // A signer given by index must exist; roles and `sender` are not checked.
        if let Some(signer) = form::integer(field.get("signer")) {
            if signers > 0 && !(0..signers as i64).contains(&signer) {
                let message = format!("The field is for signer {signer}; the request has {signers}.");
                return Err(bad_request(&message, Some(&format!("{path}[signer]"))));
            }
        }
    }
    Ok(flat.into_iter().map(|(_, _, field)| field.clone()).collect())
}

#[allow(clippy::result_large_err)]
fn checked_email(value: Option<&Value>, path: &str) -> Result<String, Response> {
    match form::text(value) {
        Some(email) if email.contains('@') && !email.contains(char::is_whitespace) => Ok(email),
        _ => Err(refuse(400, "invalid_recipient", &error_message("invalid_recipient"), Some(path))),
    }
}

/// `signers` (or `grouped_signers`, one signature per group).
#[allow(clippy::result_large_err)]
fn listed_signers(id: &str, fields: &Map<String, Value>, required: bool) -> Result<Vec<Signer>, Response> {
    let listed = |name| match fields.get(name) {
        Some(Value::Array(items)) if !items.is_empty() => Some(items),
        _ => None,
    };
    let (plain, grouped) = (listed("signers"), listed("grouped_signers"));
    let mut signers = Vec::new();
    match (plain, grouped) {
        (Some(_), Some(_)) => return Err(bad_request("Give signers or grouped_signers, not both.", Some("signers"))),
        (None, None) if required => return Err(bad_request("At least one signer is required.", Some("signers"))),
        (None, None) => {}
        (Some(items), None) => {
            for (i, item) in items.iter().enumerate() {
                let Some(name) = form::text(item.get("name")) else {
                    return Err(bad_request("Each signer needs a name.", Some(&format!("signers[{i}][name]"))));
                };
                let email = checked_email(item.get("email_address"), &format!("signers[{i}][email_address]"))?;
                let mut signer = Signer::new(id, i, &name, &email);
                signer.order = form::integer(item.get("order"));
                signers.push(signer);
            }
        }
        (None, Some(groups)) => {
            for (i, group) in groups.iter().enumerate() {
                let name = form::text(group.get("group")).unwrap_or_else(|| format!("Group {}", i + 1));
                let first = group.get("signers").and_then(|members| members.get(0));
                let email = checked_email(
                    first.and_then(|member| member.get("email_address")),
                    &format!("grouped_signers[{i}][signers][0][email_address]"),
                )?;
                let mut signer = Signer::new(id, i, &name, &email);
                signer.order = form::integer(group.get("order"));
                signer.group = Some(format!("{id}-group-{}", i + 1));
                signers.push(signer);
            }
        }
    }
    Ok(signers)
}

/// `signers` by template role: every role filled once, no other role.
#[allow(clippy::result_large_err)]
fn template_signers(
    id: &str,
    fields: &Map<String, Value>,
    roles: &[String],
    required: bool,
) -> Result<Vec<Signer>, Response> {
    let items = match fields.get("signers") {
        Some(Value::Array(items)) => items.clone(),
        // The form of a map keyed by role, which the older reference shows.
        Some(Value::Object(by_role)) => by_role
            .iter()
            .map(|(role, signer)| {
                let mut signer = signer.clone();
                signer["role"] = json!(role);
                signer
            })
            .collect(),
        _ => Vec::new(),
    };
    if items.is_empty() && !required {
        return Ok(Vec::new());
    }
    let mut signers: Vec<Signer> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let role = form::text(item.get("role")).unwrap_or_default();
        let Some(turn) = roles.iter().position(|r| *r == role) else {
            let known = roles.join("`, `");
            let message = format!("The templates have no signer role `{role}` (they have `{known}`).");
            return Err(bad_request(&message, Some(&format!("signers[{i}][role]"))));
        };
        if signers.iter().any(|s| s.role.as_deref() == Some(role.as_str())) {
            return Err(bad_request(
                &format!("The role `{role}` is given twice."),
                Some(&format!("signers[{i}][role]")),
            ));
        }
        let Some(name) = form::text(item.get("name")) else {
            return Err(bad_request("Each signer needs a name.", Some(&format!("signers[{i}][name]"))));
        };
        let email = checked_email(item.get("email_address"), &format!("signers[{i}][email_address]"))?;
        let mut signer = Signer::new(id, turn, &name, &email);
        signer.role = Some(role);
        signer.order = Some(turn as i64);
        signers.push(signer);
    }
    if let Some(missing) = roles.iter().find(|role| !signers.iter().any(|s| s.role.as_ref() == Some(*role))) {
        return Err(bad_request(&format!("The role `{missing}` has no signer."), Some("signers")));
    }
    signers.sort_by_key(|s| s.order);
    Ok(signers)
}

/// The open request `id`, with its due automatic signatures made; or the answer
/// for one that is unknown (404) or gone or going (410).
#[allow(clippy::result_large_err)]
fn open_record<'a>(shared: &Arc<Shared>, requests: &'a mut Requests, id: &str) -> Result<&'a mut Record, Response> {
    catch_up(shared, requests, id);
    let Some(record) = requests.records.get_mut(id) else {
        return Err(api_error(StatusCode::NOT_FOUND, "not_found"));
    };
    if record.gone() || record.state == RequestState::Canceling {
        return Err(api_error(StatusCode::GONE, "deleted"));
    }
    Ok(record)
}

fn remind(shared: &Arc<Shared>, id: &str, form: &Form) -> Response {
    let mut requests = lock(&shared.requests);
    let record = match open_record(shared, &mut requests, id) {
        Ok(record) => record,
        Err(refused) => return refused,
    };
    if !record.open() {
        return bad_request("The signature request is complete: nobody is left to remind.", None);
    }
    if record.embedded {
        return bad_request("Embedded signature requests cannot be reminded.", None);
    }
    let Some(email) = form::text(form.fields.get("email_address")) else {
        return bad_request("email_address is required.", Some("email_address"));
    };
    let name = form::text(form.fields.get("name"));
    let Some(signer) = record.signers.iter_mut().find(|s| {
        s.status == "awaiting_signature"
            && s.email.eq_ignore_ascii_case(&email)
            && name.as_ref().is_none_or(|name| *name == s.name)
    }) else {
        return bad_request(&format!("No signer awaiting signature has the address {email}."), Some("email_address"));
    };
    let now = unix_now() as u64;
    if signer.last_reminded_at.is_some_and(|at| now < at + 3600) {
        return refuse(400, "invalid_reminder", "This signer was reminded less than an hour ago.", None);
    }
    signer.last_reminded_at = Some(now);
    let signature_id = signer.signature_id.clone();
    let json = record.json(id, shared.origin());
    enqueue(shared, "signature_request_remind", id, json.clone(), Some(signature_id));
    json_ok(json!({"signature_request": json}))
}

fn update(shared: &Arc<Shared>, id: &str, form: &Form) -> Response {
    let fields = &form.fields;
    let mut requests = lock(&shared.requests);
    let fresh = requests.make_id(32);
    let record = match open_record(shared, &mut requests, id) {
        Ok(record) => record,
        Err(refused) => return refused,
    };
    if !record.open() {
        return bad_request("A signature request that is complete or declined cannot be updated.", None);
    }
    let Some(signature_id) = form::text(fields.get("signature_id")) else {
        return bad_request("signature_id is required.", Some("signature_id"));
    };
    let email = match fields.get("email_address") {
        None => None,
        Some(value) => match checked_email(Some(value), "email_address") {
            Ok(email) => Some(email),
            Err(refused) => return refused,
        },
    };
    let name = form::text(fields.get("name"));
    let expires_at = form::integer(fields.get("expires_at"));
    if email.is_none() && name.is_none() && expires_at.is_none() {
        return bad_request("Give email_address, name or expires_at.", None);
    }
    if expires_at.is_some_and(|at| at <= unix_now() as i64) {
        return bad_request("expires_at must be in the future.", Some("expires_at"));
    }
    let Some(signer) = record.signers.iter_mut().find(|s| s.signature_id == signature_id) else {
        return bad_request(&format!("No signer has the signature id {signature_id}."), Some("signature_id"));
    };
    if signer.status != "awaiting_signature" {
        return bad_request("This signer has already signed or declined.", Some("signature_id"));
    }
    if let Some(email) = email {
        if !email.eq_ignore_ascii_case(&signer.email) {
            // A new address is a new signature.
            signer.signature_id = fresh;
        }
        signer.email = email;
    }
    if let Some(name) = name {
        signer.name = name;
    }
    if expires_at.is_some() {
        record.expires_at = expires_at;
    }
    json_ok(json!({"signature_request": record.json(id, shared.origin())}))
}

/// The three downloads: the PDF itself, as a data URI, as a temporary URL.
fn files(shared: &Arc<Shared>, endpoint: Endpoint, id: &str, uri: &Uri) -> Response {
    let mut requests = lock(&shared.requests);
    catch_up(shared, &mut requests, id);
    let Some(record) = requests.records.get(id) else {
        return api_error(StatusCode::NOT_FOUND, "not_found");
    };
    if record.gone() {
        return api_error(StatusCode::GONE, "deleted");
    }
    if record.files_ready_at.is_some_and(|ready| Instant::now() < ready) {
        return refuse(409, "conflict", "The final documents are still being prepared; try again shortly.", None);
    }
    match endpoint {
        Endpoint::FilesAsDataUri => {
            let data = base64::engine::general_purpose::STANDARD.encode(record.pdf(id));
            json_ok(json!({"data_uri": format!("data:application/pdf;base64,{data}")}))
        }
        Endpoint::FilesAsFileUrl => {
            let force = query_param(uri, "force_download").map_or(1, |v| i64::from(v.trim() != "0"));
            let path_id = percent_encoding::utf8_percent_encode(id, percent_encoding::NON_ALPHANUMERIC);
            json_ok(json!({
                "file_url": format!("{}{DOWNLOAD_PATH}{path_id}?force_download={force}", shared.origin()),
                "expires_at": unix_now() as u64 + FILE_URL_LIFETIME,
            }))
        }
        _ => match query_param(uri, "file_type").as_deref().map(str::trim) {
            None | Some("" | "pdf") => match shared.config.download_size {
                Some(size) => stand_in_file(size),
                None => pdf_reply(record.pdf(id), true),
            },
            Some("zip") => Reply::bytes(200, "application/zip", record.zip(id))
                .header("Content-Disposition", "attachment; filename=\"signature_request.zip\"")
                .into_response(),
            Some(other) => bad_request(&format!("file_type `{other}` is neither pdf nor zip."), Some("file_type")),
        },
    }
}

/// The stand-in download of [`DropboxSignSimBuilder::download_size`]: `size`
/// bytes, byte `i` being `i % 251`, made 64 KiB at a time as it is sent.
fn stand_in_file(size: u64) -> Response {
    const CHUNK: u64 = 64 * 1024;
    let chunks = futures_util::stream::unfold(0u64, move |sent| async move {
        (sent < size).then(|| {
            let len = CHUNK.min(size - sent);
            let chunk: Vec<u8> = (sent..sent + len).map(|i| (i % 251) as u8).collect();
            (Ok::<_, std::convert::Infallible>(Bytes::from(chunk)), sent + len)
        })
    });
    let mut response = Response::new(axum::body::Body::from_stream(chunks));
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/pdf"));
    headers.insert(axum::http::header::CONTENT_LENGTH, HeaderValue::from(size));
    response
}

/// `POST /signature_request/release_hold/{id}`: the held signers start awaiting signature.
fn release_hold(shared: &Arc<Shared>, id: &str) -> Response {
    let mut requests = lock(&shared.requests);
    let record = match open_record(shared, &mut requests, id) {
        Ok(record) => record,
        Err(refused) => return refused,
    };
    let held: Vec<&mut Signer> = record.signers.iter_mut().filter(|s| s.status == ON_HOLD).collect();
    if held.is_empty() {
        return bad_request("This signature request is not on hold.", None);
    }
    for signer in held {
        signer.status = "awaiting_signature";
    }
    json_ok(json!({"signature_request": record.json(id, shared.origin())}))
}

/// How long a `files_as_file_url` URL is said to work, in seconds.
const FILE_URL_LIFETIME: u64 = 300;

fn pdf_reply(pdf: Vec<u8>, attachment: bool) -> Response {
    let disposition = if attachment { "attachment" } else { "inline" };
    Reply::bytes(200, "application/pdf", pdf)
        .header("Content-Disposition", &format!("{disposition}; filename=\"signature_request.pdf\""))
        .into_response()
}

/// `GET /download/{id}?force_download=..`: a URL `files_as_file_url` gave.
fn download(shared: &Arc<Shared>, id: &str) -> Response {
    let id = percent_encoding::percent_decode_str(id).decode_utf8_lossy().into_owned();
    let mut requests = lock(&shared.requests);
    catch_up(shared, &mut requests, &id);
    match requests.records.get(&id).filter(|record| !record.gone()) {
        Some(record) => pdf_reply(record.pdf(&id), true),
        None => Reply::text(404, "text/plain", "This download link does not exist or has expired.").into_response(),
    }
}

fn template_draft(shared: &Arc<Shared>, form: &Form) -> Response {
    let fields = &form.fields;
    if form::text(fields.get("client_id")).is_none() {
        return bad_request("client_id is required.", Some("client_id"));
    }
    let file_urls = form::strings(fields.get("file_urls"));
    if form.files.is_empty() == file_urls.is_empty() {
        return bad_request("Upload files (files[]) or give file_urls, one or the other.", Some("files"));
    }
    let mut documents: Vec<String> = form
        .files
        .iter()
        .enumerate()
        .map(|(i, file)| file.file_name.clone().unwrap_or_else(|| format!("document-{}", i + 1)))
        .collect();
    documents.extend(file_urls);
    let mut roles: Vec<(i64, String)> = match fields.get("signer_roles") {
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .filter_map(|(i, role)| {
                Some((form::integer(role.get("order")).unwrap_or(i as i64), form::text(role.get("name"))?))
            })
            .collect(),
        _ => Vec::new(),
    };
    roles.sort();
    let title = form::text(fields.get("title")).unwrap_or_else(|| documents[0].clone());
    let template = Template {
        title,
        message: form::text(fields.get("message")),
        roles: roles.into_iter().map(|(_, name)| name).collect(),
        cc_roles: form::strings(fields.get("cc_roles")),
        documents,
        embedded: true,
        updated_at: unix_now() as u64,
        metadata: fields.get("metadata").filter(|m| m.is_object()).cloned().unwrap_or_else(|| json!({})),
    };
    let mut requests = lock(&shared.requests);
    let id = requests.make_id(40);
    let json = template.json(&id);
    requests.templates.insert(id.clone(), template);
    requests.template_order.push(id.clone());
    send_event(
        shared,
        Outgoing {
            event_type: "template_created".to_owned(),
            about: id.clone(),
            key: "template",
            object: json,
            related_signature_id: None,
        },
    );
    json_ok(json!({"template": {
        "template_id": id,
        "edit_url": format!("{}/embedded/edit/{id}", shared.origin()),
        "expires_at": unix_now() as u64 + 3600,
    }}))
}

fn unclaimed_draft(shared: &Arc<Shared>, form: Form, kind: Kind) -> Response {
    let fields = &form.fields;
    let draft_type = form::text(fields.get("type")).unwrap_or_else(|| "request_signature".to_owned());
    if kind == Kind::Send && fields.get("type").is_none() {
        return bad_request("type is required.", Some("type"));
    }
    if !matches!(draft_type.as_str(), "send_document" | "request_signature") {
        return bad_request("type must be send_document or request_signature.", Some("type"));
    }
    let requester_email = if kind.embedded() {
        if form::text(fields.get("client_id")).is_none() {
            return bad_request("client_id is required.", Some("client_id"));
        }
        match checked_email(fields.get("requester_email_address"), "requester_email_address") {
            Ok(email) => email,
            Err(refused) => return refused,
        }
    } else {
        REQUESTER_EMAIL.to_owned()
    };
    let mut requests = lock(&shared.requests);
    let id = requests.make_id(40);
    let mut record = match new_record(&requests, &id, &form, kind, false) {
        Ok(record) => record,
        Err(refused) => return refused,
    };
    if draft_type == "send_document" {
        // The claimer signs: the signers come from the claim.
        record.signers.clear();
    }
    let path_id = requests.make_id(32);
    let draft = json!({
        "signature_request_id": id,
        "claim_url": format!("{}/claim/{path_id}", shared.origin()),
        "signing_redirect_url": record.signing_redirect_url,
        "requesting_redirect_url": form::text(fields.get("requesting_redirect_url")),
        "expires_at": form::integer(fields.get("expires_at")),
        "test_mode": record.test_mode,
    });
    let hold = kind.embedded() && form::flag(fields.get("hold_request"));
    requests.drafts.insert(id.clone(), Draft { record, requester_email, hold });
    requests.draft_order.push(id);
    json_ok(json!({"unclaimed_draft": draft}))
}

fn sign_url(shared: &Arc<Shared>, signature_id: &str) -> Response {
    let mut requests = lock(&shared.requests);
    let Some(id) = requests
        .order
        .iter()
        .find(|id| requests.records[*id].signers.iter().any(|s| s.signature_id == signature_id))
        .cloned()
    else {
        return api_error(StatusCode::NOT_FOUND, "not_found");
    };
    let record = match open_record(shared, &mut requests, &id) {
        Ok(record) => record,
        Err(refused) => return refused,
    };
    if !record.embedded {
        return bad_request("Only embedded signature requests are signed through a sign URL.", None);
    }
    let signer = record.signers.iter().find(|s| s.signature_id == signature_id).expect("found above");
    if signer.status != "awaiting_signature" {
        return refuse(409, "conflict", "This signer has already signed or declined.", None);
    }
    json_ok(json!({"embedded": {
        "sign_url": format!("{}/embedded/sign/{signature_id}", shared.origin()),
        "expires_at": unix_now() as u64 + 3600,
    }}))
}

/// Completes the cancel of `id` after the configured delay, on a task the
/// simulator aborts when dropped.
fn schedule_completion(shared: &Arc<Shared>, id: &str) {
    let Some(delay) = shared.config.cancel_delay else { return };
    let task_shared = shared.clone();
    let id = id.to_owned();
    spawn_job(shared, async move {
        tokio::time::sleep(delay).await;
        if let Some(request) = mark_canceled(&task_shared, &id) {
            enqueue(&task_shared, "signature_request_canceled", &id, request, None);
        }
    });
}

/// Canceling -> Canceled; the request as it then is, or `None` if it was not canceling.
fn mark_canceled(shared: &Shared, id: &str) -> Option<Value> {
    let mut requests = lock(&shared.requests);
    let record = requests.records.get_mut(id).filter(|record| record.state == RequestState::Canceling)?;
    record.state = RequestState::Canceled;
    Some(record.json(id, shared.origin()))
}

/// Builds and signs an event, posts it to the callback URL if there is one,
/// and records it.
async fn deliver(shared: &Shared, outgoing: &Outgoing) -> SimEvent {
    let event_type = outgoing.event_type.as_str();
    let event_time = (unix_now() as u64).to_string();
    let mut payload = json!({
        "event": {
            "event_time": event_time,
            "event_type": event_type,
            "event_hash": event_hash(&shared.config.api_key, &event_time, event_type),
            "event_metadata": {
                "related_signature_id": outgoing.related_signature_id,
                "reported_for_account_id": ACCOUNT_ID,
                "reported_for_app_id": null,
                "event_message": null,
            },
        },
    });
    payload[outgoing.key] = outgoing.object.clone();
    let url = lock(&shared.callback_url).clone();
    let delivery = match url {
        None => Delivery::NoCallbackUrl,
        Some(url) => post(shared, &url, &payload).await,
    };
    let event =
        SimEvent { event_type: event_type.to_owned(), signature_request_id: outgoing.about.clone(), payload, delivery };
    lock(&shared.events).push(event.clone());
    event
}

async fn post(shared: &Shared, url: &str, payload: &Value) -> Delivery {
    let request = shared.http.post(url);
    let request = match shared.config.callback_format {
        CallbackFormat::Multipart => {
            request.multipart(reqwest::multipart::Form::new().text("json", payload.to_string()))
        }
        CallbackFormat::Json => {
            request.header(reqwest::header::CONTENT_TYPE, "application/json").body(payload.to_string())
        }
    };
    let response = match request.send().await {
        Ok(response) => response,
        Err(err) => return Delivery::Failed { reason: err.without_url().to_string() },
    };
    let status = response.status().as_u16();
    match response.text().await {
        Ok(body) if status == 200 && body == CALLBACK_REPLY => Delivery::Acknowledged,
        Ok(body) => Delivery::NotAcknowledged { status, body },
        Err(err) => Delivery::Failed { reason: err.without_url().to_string() },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Vectors computed independently with Python's `hmac` module (the
    /// same ones the client's tests verify against):
    /// `hmac.new(KEY, (event_time + event_type).encode(), hashlib.sha256).hexdigest()`.
    #[test]
    fn event_hashes_match_independent_vectors() {
        let key = "c7a5f2d1e9b8a3f4e6d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1f0";
        assert_eq!(
            event_hash(key, "1348177752", "signature_request_canceled"),
            "73ef5ff541beb100774eeeca9028d862a54187c01f001e804fed7255be163a82"
        );
        assert_eq!(
            event_hash(key, "1700000000", "callback_test"),
            "10cbcabd25c85bc45f99423ef8fdb82bb0d103f35effa7faa78e742c1ea26e63"
        );
    }

    #[test]
    fn routes_follow_the_spec() {
        let found = |method: Method, path: &str| match route(&method, path) {
            Route::Found(endpoint, id) => Some((endpoint, id)),
            _ => None,
        };
        assert_eq!(
            found(Method::POST, "/v3/signature_request/cancel/a%20b"),
            Some((Endpoint::Cancel, Some("a b".into())))
        );
        assert_eq!(found(Method::POST, "/v3/signature_request/remove/x"), Some((Endpoint::Remove, Some("x".into()))));
        assert_eq!(found(Method::GET, "/v3/signature_request/x"), Some((Endpoint::Get, Some("x".into()))));
        assert_eq!(found(Method::GET, "/v3/signature_request/list"), Some((Endpoint::List, None)));
        assert_eq!(found(Method::POST, "/v3/signature_request/send"), Some((Endpoint::Send, None)));
        assert_eq!(found(Method::GET, "/v3/signature_request/files/x"), Some((Endpoint::Files, Some("x".into()))));
        assert_eq!(found(Method::GET, "/v3/template/t"), Some((Endpoint::TemplateGet, Some("t".into()))));
        assert_eq!(found(Method::GET, "/v3/template/list"), Some((Endpoint::TemplateList, None)));
        assert_eq!(found(Method::POST, "/v3/unclaimed_draft/create"), Some((Endpoint::UnclaimedDraftCreate, None)));
        assert_eq!(found(Method::GET, "/v3/embedded/sign_url/s"), Some((Endpoint::EmbeddedSignUrl, Some("s".into()))));
        assert!(matches!(route(&Method::GET, "/v3/signature_request/send"), Route::WrongMethod));
        assert!(matches!(route(&Method::GET, "/v3/signature_request/cancel/x"), Route::WrongMethod));
        assert!(matches!(route(&Method::POST, "/v3/signature_request/cancel/"), Route::Unknown));
        assert!(matches!(route(&Method::POST, "/v3/signature_request/teleport/x"), Route::Unknown));
        assert_eq!(found(Method::GET, "/v3/account"), Some((Endpoint::Account, None)));
        assert!(matches!(route(&Method::GET, "/v3/fax_line"), Route::Unknown));
        assert!(matches!(route(&Method::GET, "/signature_request/x"), Route::Unknown));
    }

    #[test]
    fn documented_names_get_documented_messages() {
        assert_eq!(error_message("deleted"), "The request was cancelled or deleted.");
        assert_eq!(error_message("brand_new"), "Simulated error `brand_new`.");
    }

    #[test]
    fn signatures_follow_the_state() {
        let origin = "http://127.0.0.1:1";
        let json = Record::seeded("sr", RequestState::PartiallySigned).json("sr", origin);
        assert_eq!(json["signatures"][0]["status_code"], "signed");
        assert_eq!(json["signatures"][1]["status_code"], "awaiting_signature");
        assert_eq!(json["is_complete"], false);
        let json = Record::seeded("sr", RequestState::Declined).json("sr", origin);
        assert_eq!((json["is_complete"].clone(), json["is_declined"].clone()), (json!(false), json!(true)));
        let json = Record::seeded("sr", RequestState::FullySigned).json("sr", origin);
        assert_eq!(json["is_complete"], true);
        assert_eq!(json["files_url"], "http://127.0.0.1:1/v3/signature_request/files/sr");
    }

    #[test]
    fn signers_in_order_wait_for_their_turn() {
        let mut record = Record::seeded("sr", RequestState::AwaitingSignature);
        assert!(record.may_sign(0));
        assert!(!record.may_sign(1), "signer 2 signs after signer 1");
        assert!(!record.may_sign(2), "no such signer");
        record.signers[0].status = "signed";
        assert!(record.may_sign(1));
        assert!(!record.may_sign(0), "signed already");
        record.signers[1].order = None;
        record.signers[0].status = "awaiting_signature";
        assert!(record.may_sign(1), "no turn: any time");
        assert_eq!(record.waiting(), [0, 1]);
    }
}
