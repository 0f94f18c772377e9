//! The Dropbox Sign client against the vendor's own spec, served by a mock
//! server that checks every request against it (Prism, started by
//! `cargo xtask contract`, which runs this program once per mode):
//!
//! ```text
//! cargo run -p esign-tests --bin contract -- BASE_URL MODE [VENDOR_SPEC]
//! ```
//!
//! Every operation method of `esign_client::dropbox_sign::Client` is called
//! once with realistic arguments (the [`calls`] list: covering a new
//! operation is one more entry there). One line per call says whether the
//! request was valid (the mock adds an `sl-violations` header naming what it
//! found wrong) and whether the response parsed. A JSON or no-body call
//! passes when its request is valid and its response parses; anything else
//! fails, except a valid request the mock itself cannot answer (a 5xx
//! Prism error of its own, such as a dynamic answer for a response the
//! spec gives no schema): that is listed with Prism's reason. So is an
//! operation whose path carries a query (`POST /oauth/token?refresh`) when
//! the vendor's spec has the same path without it: Prism matches paths
//! alone and checks such a request against the other operation's body, so
//! only missing required properties of that body are taken as its limit.
//!
//! Multipart calls are listed apart. Prism reads every form part as text
//! and does not assemble bracketed keys, so it refuses some of what the
//! vendor's own curl examples send. Reference forms are sent first (two of
//! the vendor's curl examples as published, and valid `application/json`
//! parts, OpenAPI 3.0's default encoding of object and array properties in
//! a form); a multipart call whose every violation is of a kind the mock
//! also finds in a reference, and whose JSON twin (the same request value
//! sent as JSON) passed, is listed as the mock's limit. Any other multipart
//! violation, or a response that does not parse, fails.
//!
//! Coverage is checked too: a client operation method missing from
//! [`calls`] fails, and every operation of the vendor's spec that the
//! client has no method for is listed as a gap (and fails the run).

use esign_client::dropbox_sign::{self as ds, Client, Credentials};
use esign_client::runtime::{reqwest, ByteStream, Error, FilePart, HeaderMap, RetryPolicy};
use futures_util::FutureExt;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::process::ExitCode;

/// The generated client's source: the operation methods are read from it,
/// so a method the list below does not call is noticed. It is the source
/// this program was compiled with.
const CLIENT_SOURCE: &str = include_str!("../../../generated/src/dropbox_sign/mod.rs");

/// Any key: the mock checks that credentials are sent, not what they are.
const API_KEY: &str = "c4f2a9d8e1b3c5a7d9e2f4a6b8c0d1e3f5a7b9c2d4e6f8a0b1c3d5e7f9a2b4c6";

/// How long one call may take, answer read included.
const CALL_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// Ids in the vendor's format (40 hex digits; client ids 32).
const SIGNATURE_REQUEST_ID: &str = "fa5c8a0b0f492d768749333ad6fcc214c111e967";
const SIGNATURE_ID: &str = "50e3542f738adfa7ddd4cbd4c00d2a8ab6e4194b";
const TEMPLATE_ID: &str = "f57db65d3f933b5316d398057a36176831451a35";
const CLIENT_ID: &str = "0dd3b823a682527788c4e40cb7b6f7e9";
const BULK_SEND_JOB_ID: &str = "6e683bc0369ba3d5b6f43c2c22a8031dbf6bd174";
const DOCUMENT_URL: &str = "https://files.example.com/mutual-nda.pdf";
const TEAM_ID: &str = "4fea99bfcf2b26bfccf6cea3e127fb8bb74d8d9c";
const FAX_ID: &str = "c2e9691c85d9d6fcbd61d53a9f0d1bd1a2b8d7f7";
const FAX_NUMBER: &str = "+14155550100";

/// How a call sends its parameters.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Path and query only.
    NoBody,
    /// An `application/json` body.
    Json,
    /// A `multipart/form-data` body.
    Multipart,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::NoBody => "no body",
            Kind::Json => "json",
            Kind::Multipart => "multipart",
        }
    }
}

/// What one call saw.
struct Outcome {
    /// The status, when a response arrived.
    status: Option<u16>,
    /// The mock's `sl-violations` header, when it sent one.
    violations: Option<String>,
    /// What the response parsed as, or why it did not.
    parsed: Result<String, String>,
    /// The mock's own error, when it answered with one instead of an
    /// answer from the spec (`application/problem+json` of a Prism error
    /// type): there was nothing from the spec to parse.
    mock_error: Option<String>,
}

type Run = Box<dyn Fn(Client) -> Pin<Box<dyn Future<Output = Outcome>>>>;

/// One operation method of the client, called once.
struct Call {
    method: &'static str,
    kind: Kind,
    run: Run,
}

/// `call!(Kind, method(args...))`: calls `client.method(args...)` and
/// reads the response as its typed body. `download!` is the same for a
/// method that answers a byte stream (read to the end).
macro_rules! call {
    ($kind:ident, $method:ident($($arg:expr),* $(,)?)) => {
        Call {
            method: stringify!($method),
            kind: Kind::$kind,
            run: Box::new(|client: Client| Box::pin(async move { outcome(client.$method($($arg),*).await) })),
        }
    };
}

macro_rules! download {
    ($kind:ident, $method:ident($($arg:expr),* $(,)?)) => {
        Call {
            method: stringify!($method),
            kind: Kind::$kind,
            run: Box::new(|client: Client| {
                Box::pin(async move { download_outcome(client.$method($($arg),*).await).await })
            }),
        }
    };
}

/// Optional parameters: `options!(Type { field: value, ... })` (the option
/// structs are `#[non_exhaustive]`, so no struct literal).
macro_rules! options {
    ($ty:ident { $($field:ident: $value:expr),* $(,)? }) => {{
        #[allow(unused_mut)]
        let mut options = ds::$ty::default();
        $(options.$field = $value;)*
        options
    }};
}

/// A request body from its JSON: the shape a caller would write, read by
/// the generated type (a mismatch panics, and the call is reported failed).
fn from<T: serde::de::DeserializeOwned>(value: Value) -> T {
    match serde_json::from_value(value) {
        Ok(body) => body,
        Err(err) => panic!("the arguments do not fit {}: {err}", std::any::type_name::<T>()),
    }
}

fn pdf(name: &str) -> FilePart {
    FilePart::new(&b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"[..])
        .file_name(name)
        .content_type("application/pdf")
}

fn logo() -> FilePart {
    FilePart::new(&b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"[..]).file_name("logo.png").content_type("image/png")
}

fn signer_csv() -> FilePart {
    FilePart::new(
        &b"name,email_address,pin,company\nGeorge,george@example.com,d79a3td,ABC Corp\nMary,mary@example.com,gd9as5b,123 LLC\n"[..],
    )
    .file_name("signers.csv")
    .content_type("text/csv")
}

/// Two signers in order.
fn signers() -> Value {
    json!([
        {"name": "Jack", "email_address": "jack@example.com", "order": 0},
        {"name": "Jill", "email_address": "jill@example.com", "order": 1}
    ])
}

/// A template's signer role, filled.
fn role_signers() -> Value {
    json!([{"role": "Client", "name": "George", "email_address": "george@example.com"}])
}

/// Form fields the way the vendor takes them today: one flat list, each
/// field naming its document; radio buttons in a group listed apart.
fn form_fields() -> Value {
    json!([
        {"document_index": 0, "api_id": "signature_jack", "name": "", "type": "signature",
         "x": 530, "y": 415, "width": 120, "height": 30, "required": true, "signer": "0", "page": 1},
        {"document_index": 0, "api_id": "amount", "name": "Amount", "type": "text",
         "x": 112, "y": 328, "width": 100, "height": 16, "required": true, "signer": "1", "page": 1,
         "validation_type": "numbers_only"},
        {"document_index": 0, "api_id": "terms_yes", "name": "Yes", "type": "radio", "group": "terms",
         "is_checked": true, "x": 112, "y": 370, "width": 18, "height": 18, "required": false, "signer": "0",
         "page": 1},
        {"document_index": 0, "api_id": "terms_no", "name": "No", "type": "radio", "group": "terms",
         "is_checked": false, "x": 160, "y": 370, "width": 18, "height": 18, "required": false, "signer": "0",
         "page": 1}
    ])
}

fn form_field_groups() -> Value {
    json!([{"group_id": "terms", "group_label": "Accept the terms", "requirement": "require_1"}])
}

fn signing_options() -> Value {
    json!({"draw": true, "type": true, "upload": true, "phone": false, "default_type": "draw"})
}

/// `POST /signature_request/send` (and `create_embedded`, with a client
/// id), everything but the documents.
fn send() -> Value {
    json!({
        "title": "NDA with Acme Co.",
        "subject": "The NDA we talked about",
        "message": "Please sign this NDA and then we can discuss more.",
        "signers": signers(),
        "cc_email_addresses": ["lawyer1@example.com", "lawyer2@example.com"],
        "metadata": {"custom_id": 1234, "custom_text": "NDA #9"},
        "signing_options": signing_options(),
        "field_options": {"date_format": "DD - MM - YYYY"},
        "form_fields_per_document": form_fields(),
        "form_field_groups": form_field_groups(),
        "test_mode": true
    })
}

fn with(mut value: Value, extra: Value) -> Value {
    if let (Some(map), Value::Object(extra)) = (value.as_object_mut(), extra) {
        map.extend(extra);
    }
    value
}

fn send_with_template() -> Value {
    json!({
        "template_ids": [TEMPLATE_ID],
        "subject": "Purchase Order",
        "message": "Glad we could come to an agreement.",
        "signers": role_signers(),
        "ccs": [{"role": "Accounting", "email_address": "accounting@example.com"}],
        "custom_fields": [{"name": "Cost", "value": "$20,000", "editor": "Client", "required": true}],
        "signing_options": signing_options(),
        "test_mode": true
    })
}

fn bulk_send() -> Value {
    json!({
        "template_ids": [TEMPLATE_ID],
        "subject": "Purchase Order",
        "message": "Glad we could come to an agreement.",
        "signer_list": [
            {"signers": [{"role": "Client", "name": "George", "email_address": "george@example.com", "pin": "d79a3td"}],
             "custom_fields": [{"name": "company", "value": "ABC Corp"}]},
            {"signers": [{"role": "Client", "name": "Mary", "email_address": "mary@example.com", "pin": "gd9as5b"}],
             "custom_fields": [{"name": "company", "value": "123 LLC"}]}
        ],
        "ccs": [{"role": "Accounting", "email_address": "accounting@example.com"}],
        "test_mode": true
    })
}

/// The same bulk send with the signers in a CSV file instead.
fn bulk_send_without_list() -> Value {
    let mut body = bulk_send();
    if let Some(map) = body.as_object_mut() {
        map.remove("signer_list");
    }
    body
}

fn template_draft() -> Value {
    json!({
        "client_id": CLIENT_ID,
        "title": "Test Template",
        "subject": "Please sign this document",
        "message": "For your approval",
        "signer_roles": [{"name": "Client", "order": 0}, {"name": "Witness", "order": 1}],
        "cc_roles": ["Manager"],
        "merge_fields": [{"name": "Full Name", "type": "text"}, {"name": "Is Registered?", "type": "checkbox"}],
        "test_mode": true
    })
}

fn unclaimed_draft() -> Value {
    json!({
        "type": "request_signature",
        "subject": "The NDA we talked about",
        "message": "Please sign this NDA and then we can discuss more.",
        "signers": [{"name": "Jack", "email_address": "jack@example.com", "order": 0}],
        "cc_email_addresses": ["lawyer1@example.com"],
        "test_mode": true
    })
}

fn unclaimed_draft_embedded() -> Value {
    json!({
        "client_id": CLIENT_ID,
        "requester_email_address": "jack@example.com",
        "is_for_embedded_signing": true,
        "test_mode": true
    })
}

fn unclaimed_draft_embedded_with_template() -> Value {
    json!({
        "client_id": CLIENT_ID,
        "requester_email_address": "jack@example.com",
        "template_ids": [TEMPLATE_ID],
        "signers": role_signers(),
        "test_mode": true
    })
}

fn api_app() -> Value {
    json!({
        "name": "My Production App",
        "domains": ["example.com"],
        "callback_url": "https://example.com/dropboxsign",
        "oauth": {"callback_url": "https://example.com/oauth", "scopes": ["basic_account_info", "request_signature"]},
        "white_labeling_options": {"primary_button_color": "#00b3e6", "primary_button_text_color": "#ffffff"}
    })
}

fn api_app_update() -> Value {
    json!({
        "name": "New Name",
        "callback_url": "https://example.com/dropboxsign",
        "white_labeling_options": {"primary_button_color": "#00b3e6", "primary_button_text_color": "#ffffff"}
    })
}

/// Every operation method of the client, called once. Covering a new
/// operation is one more entry (its `_multipart` twin another).
fn calls() -> Vec<Call> {
    vec![
        // Account.
        call!(NoBody, account_get(&options!(AccountGetOptions {}))),
        call!(Json, account_update(&from(json!({"callback_url": "https://example.com/callback", "locale": "en-US"})))),
        call!(Json, account_create(&from(json!({"email_address": "newuser@example.com", "locale": "en-US"})))),
        call!(Json, account_verify(&from(json!({"email_address": "some_user@example.com"})))),
        // Signature requests.
        call!(NoBody, signature_request_get(SIGNATURE_REQUEST_ID)),
        call!(
            NoBody,
            signature_request_list(&options!(SignatureRequestListOptions { page: Some(1), page_size: Some(20) }))
        ),
        call!(Json, signature_request_send(&from(with(send(), json!({"file_urls": [DOCUMENT_URL]}))))),
        call!(
            Multipart,
            signature_request_send_multipart(&{
                let mut body = ds::SignatureRequestSendMultipart::new(from(send()));
                body.files = Some(vec![pdf("mutual-nda.pdf")]);
                body
            })
        ),
        call!(Json, signature_request_send_with_template(&from(send_with_template()))),
        call!(
            Multipart,
            signature_request_send_with_template_multipart(&{
                let mut body = ds::SignatureRequestSendWithTemplateMultipart::new(from(send_with_template()));
                body.files = Some(vec![pdf("appendix.pdf")]);
                body
            })
        ),
        call!(Json, signature_request_bulk_send_with_template(&from(bulk_send()))),
        call!(
            Multipart,
            signature_request_bulk_send_with_template_multipart(&{
                let mut body = ds::SignatureRequestBulkSendWithTemplateMultipart::new(from(bulk_send_without_list()));
                body.signer_file = Some(signer_csv());
                body
            })
        ),
        call!(
            Json,
            signature_request_bulk_create_embedded_with_template(&from(with(
                bulk_send(),
                json!({"client_id": CLIENT_ID})
            )))
        ),
        call!(
            Multipart,
            signature_request_bulk_create_embedded_with_template_multipart(&{
                let request = from(with(bulk_send_without_list(), json!({"client_id": CLIENT_ID})));
                let mut body = ds::SignatureRequestBulkCreateEmbeddedWithTemplateMultipart::new(request);
                body.signer_file = Some(signer_csv());
                body
            })
        ),
        call!(
            Json,
            signature_request_create_embedded(&from(with(
                send(),
                json!({"client_id": CLIENT_ID, "file_urls": [DOCUMENT_URL]})
            )))
        ),
        call!(
            Multipart,
            signature_request_create_embedded_multipart(&{
                let request = from(with(send(), json!({"client_id": CLIENT_ID})));
                let mut body = ds::SignatureRequestCreateEmbeddedMultipart::new(request);
                body.files = Some(vec![pdf("mutual-nda.pdf")]);
                body
            })
        ),
        call!(
            Json,
            signature_request_create_embedded_with_template(&from(with(
                send_with_template(),
                json!({"client_id": CLIENT_ID})
            )))
        ),
        call!(
            Multipart,
            signature_request_create_embedded_with_template_multipart(&{
                let request = from(with(send_with_template(), json!({"client_id": CLIENT_ID})));
                let mut body = ds::SignatureRequestCreateEmbeddedWithTemplateMultipart::new(request);
                body.files = Some(vec![pdf("appendix.pdf")]);
                body
            })
        ),
        call!(
            Json,
            signature_request_remind(SIGNATURE_REQUEST_ID, &from(json!({"email_address": "jack@example.com"})))
        ),
        call!(
            Json,
            signature_request_update(
                SIGNATURE_REQUEST_ID,
                &from(json!({"signature_id": SIGNATURE_ID, "email_address": "john@example.com"}))
            )
        ),
        call!(NoBody, signature_request_release_hold(SIGNATURE_REQUEST_ID)),
        call!(NoBody, signature_request_cancel(SIGNATURE_REQUEST_ID)),
        call!(NoBody, signature_request_remove(SIGNATURE_REQUEST_ID)),
        download!(
            NoBody,
            signature_request_files(
                SIGNATURE_REQUEST_ID,
                &options!(SignatureRequestFilesOptions { file_type: Some(ds::FileType::Pdf) })
            )
        ),
        call!(NoBody, signature_request_files_as_data_uri(SIGNATURE_REQUEST_ID)),
        call!(
            NoBody,
            signature_request_files_as_file_url(
                SIGNATURE_REQUEST_ID,
                &options!(SignatureRequestFilesAsFileUrlOptions { force_download: Some(1) })
            )
        ),
        // Templates.
        call!(NoBody, template_get(TEMPLATE_ID)),
        call!(NoBody, template_list(&options!(TemplateListOptions { page: Some(1), page_size: Some(20) }))),
        call!(Json, template_add_user(TEMPLATE_ID, &from(json!({"email_address": "george@example.com"})))),
        call!(Json, template_remove_user(TEMPLATE_ID, &from(json!({"email_address": "george@example.com"})))),
        call!(
            Json,
            template_create_embedded_draft(&from(with(template_draft(), json!({"file_urls": [DOCUMENT_URL]}))))
        ),
        call!(
            Multipart,
            template_create_embedded_draft_multipart(&{
                let mut body = ds::TemplateCreateEmbeddedDraftMultipart::new(from(template_draft()));
                body.files = Some(vec![pdf("template.pdf")]);
                body
            })
        ),
        call!(NoBody, template_delete(TEMPLATE_ID)),
        download!(
            NoBody,
            template_files(TEMPLATE_ID, &options!(TemplateFilesOptions { file_type: Some(ds::FileType::Pdf) }))
        ),
        call!(NoBody, template_files_as_data_uri(TEMPLATE_ID)),
        call!(
            NoBody,
            template_files_as_file_url(
                TEMPLATE_ID,
                &options!(TemplateFilesAsFileUrlOptions { force_download: Some(1) })
            )
        ),
        call!(Json, template_update_files(TEMPLATE_ID, &from(json!({"file_urls": [DOCUMENT_URL], "test_mode": true})))),
        call!(
            Multipart,
            template_update_files_multipart(TEMPLATE_ID, &{
                let mut body = ds::TemplateUpdateFilesMultipart::new(from(json!({"test_mode": true})));
                body.files = Some(vec![pdf("template-v2.pdf")]);
                body
            })
        ),
        // Bulk send jobs and reports.
        call!(
            NoBody,
            bulk_send_job_get(
                BULK_SEND_JOB_ID,
                &options!(BulkSendJobGetOptions { page: Some(1), page_size: Some(20) })
            )
        ),
        call!(NoBody, bulk_send_job_list(&options!(BulkSendJobListOptions { page: Some(1), page_size: Some(20) }))),
        call!(
            Json,
            report_create(&from(json!({
                "start_date": "09/01/2020", "end_date": "09/01/2020", "report_type": ["user_activity", "document_status"]
            })))
        ),
        // Team.
        call!(NoBody, team_get()),
        call!(Json, team_update(&from(json!({"name": "New Team Name"})))),
        call!(Json, team_create(&from(json!({"name": "New Team Name"})))),
        call!(NoBody, team_destroy()),
        call!(
            Json,
            team_add_member(&from(json!({"email_address": "george@example.com"})), &options!(TeamAddMemberOptions {}))
        ),
        call!(
            Json,
            team_remove_member(&from(json!({
                "email_address": "teammate@example.com", "new_owner_email_address": "new_teammate@example.com"
            })))
        ),
        // Unclaimed drafts.
        call!(Json, unclaimed_draft_create(&from(with(unclaimed_draft(), json!({"file_urls": [DOCUMENT_URL]}))))),
        call!(
            Multipart,
            unclaimed_draft_create_multipart(&{
                let mut body = ds::UnclaimedDraftCreateMultipart::new(from(unclaimed_draft()));
                body.files = Some(vec![pdf("mutual-nda.pdf")]);
                body
            })
        ),
        call!(
            Json,
            unclaimed_draft_create_embedded(&from(with(
                unclaimed_draft_embedded(),
                json!({"file_urls": [DOCUMENT_URL]})
            )))
        ),
        call!(
            Multipart,
            unclaimed_draft_create_embedded_multipart(&{
                let mut body = ds::UnclaimedDraftCreateEmbeddedMultipart::new(from(unclaimed_draft_embedded()));
                body.files = Some(vec![pdf("mutual-nda.pdf")]);
                body
            })
        ),
        call!(Json, unclaimed_draft_create_embedded_with_template(&from(unclaimed_draft_embedded_with_template()))),
        call!(
            Multipart,
            unclaimed_draft_create_embedded_with_template_multipart(&{
                let request = from(unclaimed_draft_embedded_with_template());
                let mut body = ds::UnclaimedDraftCreateEmbeddedWithTemplateMultipart::new(request);
                body.files = Some(vec![pdf("appendix.pdf")]);
                body
            })
        ),
        call!(
            Json,
            unclaimed_draft_edit_and_resend(
                SIGNATURE_REQUEST_ID,
                &from(json!({"client_id": CLIENT_ID, "test_mode": true}))
            )
        ),
        // Embedded.
        call!(NoBody, embedded_sign_url(SIGNATURE_ID)),
        call!(Json, embedded_edit_url(TEMPLATE_ID, &from(json!({"cc_roles": ["Manager"], "test_mode": true})))),
        // API apps.
        call!(NoBody, api_app_get(CLIENT_ID)),
        call!(NoBody, api_app_list(&options!(ApiAppListOptions { page: Some(1), page_size: Some(20) }))),
        call!(Json, api_app_create(&from(api_app()))),
        call!(
            Multipart,
            api_app_create_multipart(&{
                let mut body = ds::ApiAppCreateMultipart::new(from(api_app()));
                body.custom_logo_file = Some(logo());
                body
            })
        ),
        call!(Json, api_app_update(CLIENT_ID, &from(api_app_update()))),
        call!(
            Multipart,
            api_app_update_multipart(CLIENT_ID, &{
                let mut body = ds::ApiAppUpdateMultipart::new(from(api_app_update()));
                body.custom_logo_file = Some(logo());
                body
            })
        ),
        call!(NoBody, api_app_delete(CLIENT_ID)),
        // Editing a signature request: the bodies of the matching create calls.
        call!(
            Json,
            signature_request_edit(SIGNATURE_REQUEST_ID, &from(with(send(), json!({"file_urls": [DOCUMENT_URL]}))))
        ),
        call!(
            Multipart,
            signature_request_edit_multipart(SIGNATURE_REQUEST_ID, &{
                let mut body = ds::SignatureRequestEditMultipart::new(from(send()));
                body.files = Some(vec![pdf("mutual-nda.pdf")]);
                body
            })
        ),
        call!(
            Json,
            signature_request_edit_embedded(
                SIGNATURE_REQUEST_ID,
                &from(with(send(), json!({"client_id": CLIENT_ID, "file_urls": [DOCUMENT_URL]})))
            )
        ),
        call!(
            Multipart,
            signature_request_edit_embedded_multipart(SIGNATURE_REQUEST_ID, &{
                let mut body =
                    ds::SignatureRequestEditEmbeddedMultipart::new(from(with(send(), json!({"client_id": CLIENT_ID}))));
                body.files = Some(vec![pdf("mutual-nda.pdf")]);
                body
            })
        ),
        call!(Json, signature_request_edit_with_template(SIGNATURE_REQUEST_ID, &from(send_with_template()))),
        call!(
            Multipart,
            signature_request_edit_with_template_multipart(SIGNATURE_REQUEST_ID, &{
                let mut body = ds::SignatureRequestEditWithTemplateMultipart::new(from(send_with_template()));
                body.files = Some(vec![pdf("appendix.pdf")]);
                body
            })
        ),
        call!(
            Json,
            signature_request_edit_embedded_with_template(
                SIGNATURE_REQUEST_ID,
                &from(with(send_with_template(), json!({"client_id": CLIENT_ID})))
            )
        ),
        call!(
            Multipart,
            signature_request_edit_embedded_with_template_multipart(SIGNATURE_REQUEST_ID, &{
                let request = from(with(send_with_template(), json!({"client_id": CLIENT_ID})));
                let mut body = ds::SignatureRequestEditEmbeddedWithTemplateMultipart::new(request);
                body.files = Some(vec![pdf("appendix.pdf")]);
                body
            })
        ),
        // Creating a template directly.
        call!(Json, template_create(&from(with(template_create(), json!({"file_urls": [DOCUMENT_URL]}))))),
        call!(
            Multipart,
            template_create_multipart(&{
                let mut body = ds::TemplateCreateMultipart::new(from(template_create()));
                body.files = Some(vec![pdf("template.pdf")]);
                body
            })
        ),
        // Teams: summaries, invitations, members, sub-teams.
        call!(NoBody, team_info(&options!(TeamInfoOptions { team_id: Some(TEAM_ID.to_owned()) }))),
        call!(
            NoBody,
            team_invites(&options!(TeamInvitesOptions { email_address: Some("george@example.com".to_owned()) }))
        ),
        call!(NoBody, team_members(TEAM_ID, &options!(TeamMembersOptions { page: Some(1), page_size: Some(20) }))),
        call!(NoBody, team_sub_teams(TEAM_ID, &options!(TeamSubTeamsOptions { page: Some(1), page_size: Some(20) }))),
        // Fax.
        call!(Json, fax_send(&from(with(fax(), json!({"file_urls": [DOCUMENT_URL]}))))),
        call!(
            Multipart,
            fax_send_multipart(&{
                let mut body = ds::FaxSendMultipart::new(from(fax()));
                body.files = Some(vec![pdf("invoice.pdf")]);
                body
            })
        ),
        call!(NoBody, fax_get(FAX_ID)),
        call!(NoBody, fax_list(&options!(FaxListOptions { page: Some(1), page_size: Some(20) }))),
        download!(NoBody, fax_files(FAX_ID)),
        call!(NoBody, fax_delete(FAX_ID)),
        // Fax lines.
        call!(Json, fax_line_create(&from(json!({"area_code": 209, "country": "US", "city": "Stockton"})))),
        call!(NoBody, fax_line_get(FAX_NUMBER)),
        call!(
            NoBody,
            fax_line_list(&options!(FaxLineListOptions {
                page: Some(1),
                page_size: Some(20),
                show_team_lines: Some(true)
            }))
        ),
        call!(
            NoBody,
            fax_line_area_code_get(
                &ds::FaxLineCountry::Us,
                &options!(FaxLineAreaCodeGetOptions { state: Some(ds::FaxLineState::Ca) })
            )
        ),
        call!(Json, fax_line_add_user(&from(json!({"number": FAX_NUMBER, "email_address": "member@example.com"})))),
        call!(Json, fax_line_remove_user(&from(json!({"number": FAX_NUMBER, "email_address": "member@example.com"})))),
        call!(Json, fax_line_delete(&from(json!({"number": FAX_NUMBER})))),
        // OAuth tokens (no credentials).
        call!(
            Json,
            oauth_token_generate(&from(json!({
                "client_id": CLIENT_ID, "client_secret": "1d14434088507ffa390e6f5528465",
                "code": "1b0d28d90c86c141", "state": "900e06e2", "grant_type": "authorization_code"
            })))
        ),
        call!(
            Json,
            oauth_token_refresh(&from(
                json!({"grant_type": "refresh_token", "refresh_token": "hNTI2MTFmM2VmZDQxZTZjOWRmZmFjZmVmMGMyNGFjMzI2MGI5YzgzNmE3"})
            ))
        ),
    ]
}

/// `POST /template/create`, everything but the documents.
fn template_create() -> Value {
    json!({
        "title": "Mutual NDA",
        "subject": "Please sign this document",
        "message": "For your approval",
        "signer_roles": [{"name": "Client", "order": 0}, {"name": "Witness", "order": 1}],
        "cc_roles": ["Manager"],
        "form_fields_per_document": form_fields(),
        "form_field_groups": form_field_groups(),
        "signer_experience": {"form_view": "enabled_by_default"},
        "test_mode": true
    })
}

/// `POST /fax/send`, everything but the documents.
fn fax() -> Value {
    json!({
        "recipient": "16690000001",
        "sender": "16690000000",
        "cover_page_to": "Jill Fax",
        "cover_page_from": "Faxer Faxerson",
        "cover_page_message": "I'm sending you a fax!",
        "title": "Faxing",
        "test_mode": true
    })
}

fn violations(headers: &HeaderMap) -> Option<String> {
    headers.get("sl-violations").map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
}

fn outcome<T>(result: Result<ds::Response<T>, ds::Error>) -> Outcome {
    match result {
        Ok(response) => Outcome {
            status: Some(response.status.as_u16()),
            violations: violations(&response.headers),
            parsed: Ok(format!("{} parsed", response.status.as_u16())),
            mock_error: None,
        },
        Err(err) => failed(&err),
    }
}

async fn download_outcome(result: Result<ds::Response<ByteStream>, ds::Error>) -> Outcome {
    match result {
        Ok(response) => {
            let status = response.status.as_u16();
            let violations = violations(&response.headers);
            let parsed = match response.body.collect(64 * 1024 * 1024).await {
                Ok(bytes) => Ok(format!("{status} parsed ({} bytes read)", bytes.len())),
                Err(err) => Err(format!("{status}: the download broke off: {err}")),
            };
            Outcome { status: Some(status), violations, parsed, mock_error: None }
        }
        Err(err) => failed(&err),
    }
}

fn failed(err: &ds::Error) -> Outcome {
    let response = err.response();
    let why = match err {
        Error::Api { response, body } => {
            format!(
                "{} is the documented error `{}`: {}",
                response.status.as_u16(),
                body.error.error_name,
                short(&body.error.error_msg)
            )
        }
        Error::Decode { message, response } => {
            format!("{} does not parse: {}", response.status.as_u16(), short(message))
        }
        Error::UnexpectedResponse(response) => {
            format!(
                "{} is undocumented and does not fit the success type: {}",
                response.status.as_u16(),
                short(&response.text())
            )
        }
        Error::InvalidRequest(message) => format!("refused before sending: {}", short(message)),
        other => short(&other.to_string()),
    };
    Outcome {
        status: response.map(|r| r.status.as_u16()),
        violations: response.and_then(|r| violations(&r.headers)),
        parsed: Err(why),
        mock_error: response.and_then(mock_error),
    }
}

/// Prism's own failure to answer (a 5xx `application/problem+json` body
/// `{"type": ".../prism/errors#NAME", "title": ...}`): its title and name.
/// Its refusals (404 no such path, 401, 422) are not: those fail the call.
fn mock_error(response: &esign_client::runtime::RawResponse) -> Option<String> {
    if !response.status.is_server_error() {
        return None;
    }
    let content_type = response.headers.get("content-type")?.to_str().ok()?;
    if !content_type.starts_with("application/problem+json") {
        return None;
    }
    let body: Value = serde_json::from_slice(&response.body).ok()?;
    let (_, name) = body["type"].as_str()?.split_once("/prism/errors#")?;
    Some(format!("{} ({name})", body["title"].as_str().unwrap_or_default()))
}

/// At most 300 characters of server text, on one line.
fn short(text: &str) -> String {
    let one_line: String = text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    match one_line.char_indices().nth(300) {
        Some((at, _)) => format!("{}...", &one_line[..at]),
        None => one_line,
    }
}

/// The violations of an `sl-violations` header, each as `where: message`.
fn describe(header: &str) -> Vec<(String, String)> {
    match serde_json::from_str::<Vec<Value>>(header) {
        Ok(list) => list
            .iter()
            .map(|v| {
                let at: Vec<&str> = v["location"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
                (at.join("."), v["message"].as_str().unwrap_or_default().to_owned())
            })
            .collect(),
        Err(_) => vec![(String::new(), header.to_owned())],
    }
}

/// A violation's kind: its message without the property it names
/// ("Request body property test_mode must be boolean" -> "must be boolean",
/// "... must have required property 'signers'" -> "must have required property").
fn kind_of(message: &str) -> String {
    let words: Vec<&str> = message.split_whitespace().collect();
    let from = words.iter().position(|w| *w == "must" || *w == "should").unwrap_or(0);
    words[from..].iter().filter(|w| !w.starts_with('\'')).copied().collect::<Vec<_>>().join(" ")
}

/// An operation method of the client: its name, operationId, HTTP method
/// and path, as the generated source states them.
struct Operation {
    method: String,
    operation_id: String,
    http: String,
    path: String,
}

/// Every `pub async fn` of the client that sends a request (its body names
/// a `CallInfo`); the helpers built on them (bulk, wait, confirm) do not.
fn client_operations() -> Vec<Operation> {
    let mut found = Vec::new();
    let starts: Vec<usize> = CLIENT_SOURCE.match_indices("    pub async fn ").map(|(at, _)| at).collect();
    for (i, &start) in starts.iter().enumerate() {
        let end = starts.get(i + 1).copied().unwrap_or(CLIENT_SOURCE.len());
        let text = &CLIENT_SOURCE[start..end];
        let name: String =
            text["    pub async fn ".len()..].chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
        let Some(info) = text.find("CallInfo {").map(|at| &text[at..]) else { continue };
        let field = |key: &str| -> String {
            let pattern = format!("{key}: \"");
            info.find(&pattern)
                .map(|at| info[at + pattern.len()..].split('"').next().unwrap_or_default().to_owned())
                .unwrap_or_default()
        };
        found.push(Operation {
            method: name,
            operation_id: field("operation"),
            http: field("method"),
            path: field("path"),
        });
    }
    found
}

/// `{anything}` -> `{}`: paths compared without their parameter names.
fn path_shape(path: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for c in path.chars() {
        match c {
            '{' => {
                inside = true;
                out.push_str("{}");
            }
            '}' => inside = false,
            _ if !inside => out.push(c),
            _ => {}
        }
    }
    out
}

/// The vendor spec's operations: (operationId, METHOD, path).
fn vendor_operations(spec: &str) -> Result<Vec<(String, String, String)>, String> {
    let text = std::fs::read_to_string(spec).map_err(|e| format!("{spec}: {e}"))?;
    let doc: serde_yaml::Value = serde_yaml::from_str(&text).map_err(|e| format!("{spec}: {e}"))?;
    let paths = doc.get("paths").and_then(serde_yaml::Value::as_mapping).ok_or(format!("{spec}: no paths"))?;
    let mut found = Vec::new();
    for (path, item) in paths {
        let (Some(path), Some(item)) = (path.as_str(), item.as_mapping()) else { continue };
        for (method, operation) in item {
            let Some(method) = method.as_str() else { continue };
            if !matches!(method, "get" | "put" | "post" | "delete" | "patch" | "head" | "options" | "trace") {
                continue;
            }
            let id = operation.get("operationId").and_then(serde_yaml::Value::as_str).unwrap_or_default();
            found.push((id.to_owned(), method.to_ascii_uppercase(), path.to_owned()));
        }
    }
    Ok(found)
}

/// A form sent to the mock as a reference: the vendor's own published curl
/// examples (bracketed keys, booleans as `1`), and one JSON part the way
/// OpenAPI 3.0 encodes an object or array property of a form by default
/// (`application/json`). What the mock finds wrong in them is the mock's
/// limit, not our encoding.
struct Reference {
    what: &'static str,
    method: reqwest::Method,
    path: String,
    fields: Vec<(&'static str, &'static str)>,
    json_parts: Vec<(&'static str, Value)>,
    files: Vec<(&'static str, FilePart)>,
}

fn references() -> Vec<Reference> {
    vec![
        Reference {
            what: "the vendor's curl example for POST /signature_request/send",
            method: reqwest::Method::POST,
            path: "/signature_request/send".to_owned(),
            fields: vec![
                ("title", "NDA with Acme Co."),
                ("subject", "The NDA we talked about"),
                (
                    "message",
                    "Please sign this NDA and then we can discuss more. Let me know if you have any questions.",
                ),
                ("signers[0][email_address]", "jack@example.com"),
                ("signers[0][name]", "Jack"),
                ("signers[0][order]", "0"),
                ("signers[1][email_address]", "jill@example.com"),
                ("signers[1][name]", "Jill"),
                ("signers[1][order]", "1"),
                ("cc_email_addresses[]", "lawyer1@example.com"),
                ("cc_email_addresses[]", "lawyer2@example.com"),
                ("metadata[custom_id]", "1234"),
                ("metadata[custom_text]", "NDA #9"),
                ("signing_options[draw]", "1"),
                ("signing_options[type]", "1"),
                ("signing_options[upload]", "1"),
                ("signing_options[phone]", "1"),
                ("signing_options[default_type]", "draw"),
                ("field_options[date_format]", "DD - MM - YYYY"),
                ("test_mode", "1"),
            ],
            json_parts: vec![],
            files: vec![("files[0]", pdf("mutual-NDA-example.pdf"))],
        },
        Reference {
            what: "the vendor's curl example for POST /signature_request/send_with_template",
            method: reqwest::Method::POST,
            path: "/signature_request/send_with_template".to_owned(),
            fields: vec![
                ("client_id", CLIENT_ID),
                ("template_ids[]", TEMPLATE_ID),
                ("subject", "Purchase Order"),
                ("message", "Glad we could come to an agreement."),
                ("signers[0][role]", "Client"),
                ("signers[0][name]", "George"),
                ("signers[0][email_address]", "george@example.com"),
                ("ccs[0][role]", "Accounting"),
                ("ccs[0][email_address]", "accounting@example.com"),
                ("custom_fields[0][name]", "Cost"),
                ("custom_fields[0][value]", "$20,000"),
                ("custom_fields[0][editor]", "Client"),
                ("custom_fields[0][required]", "true"),
                ("signing_options[draw]", "1"),
                ("signing_options[type]", "1"),
                ("signing_options[upload]", "1"),
                ("signing_options[phone]", "1"),
                ("signing_options[default_type]", "draw"),
                ("signing_options[force_advanced_signature_details]", "0"),
                ("test_mode", "1"),
            ],
            json_parts: vec![],
            files: vec![],
        },
        Reference {
            what: "valid JSON parts (`application/json`, OpenAPI 3.0's default encoding of object and array \
                   properties in a form) for POST /signature_request/send",
            method: reqwest::Method::POST,
            path: "/signature_request/send".to_owned(),
            fields: vec![],
            json_parts: vec![("form_fields_per_document", form_fields()), ("form_field_groups", form_field_groups())],
            files: vec![("files[]", pdf("mutual-nda.pdf"))],
        },
        Reference {
            what: "a valid JSON part (`application/json`) for PUT /api_app/{client_id}",
            method: reqwest::Method::PUT,
            path: format!("/api_app/{CLIENT_ID}"),
            fields: vec![("name", "New Name")],
            json_parts: vec![("white_labeling_options", json!({"primary_button_color": "#00b3e6"}))],
            files: vec![],
        },
    ]
}

/// Sends a reference form; the violations the mock reports.
async fn send_reference(base_url: &str, reference: &Reference) -> Result<Vec<(String, String)>, String> {
    let mut form = reqwest::multipart::Form::new();
    for (name, value) in &reference.fields {
        form = form.text(*name, *value);
    }
    for (name, value) in &reference.json_parts {
        let part = reqwest::multipart::Part::text(value.to_string())
            .mime_str("application/json")
            .map_err(|e| format!("{name}: {e}"))?;
        form = form.part(*name, part);
    }
    for (name, file) in &reference.files {
        form = form.part(*name, file.to_part(None)?);
    }
    let response = reqwest::Client::new()
        .request(reference.method.clone(), format!("{}{}", base_url.trim_end_matches('/'), reference.path))
        .basic_auth(API_KEY, Some(""))
        .multipart(form)
        .timeout(std::time::Duration::from_secs(30))
        .send()
        .await
        .map_err(|e| format!("{} could not be sent: {e}", reference.what))?;
    Ok(violations(response.headers()).map(|v| describe(&v)).unwrap_or_default())
}

fn client(base_url: &str) -> Client {
    // A client per call: a rate-limit window a generated answer reports
    // must not hold the next call back. No retries: one request per call.
    Client::builder()
        .base_url(base_url)
        .credentials(Credentials::api_key(API_KEY))
        .retry_policy(RetryPolicy::never())
        .build()
        .expect("a client for the mock")
}

async fn run(base_url: &str, mode: &str, spec: &str) -> Result<bool, String> {
    let calls = calls();
    let operations = client_operations();
    let by_method: BTreeMap<&str, &Operation> = operations.iter().map(|o| (o.method.as_str(), o)).collect();
    let mut ok = true;

    // The references first: which kinds of violation the mock finds in
    // forms written the vendor's way.
    let mut reference_kinds: BTreeMap<String, &'static str> = BTreeMap::new();
    for reference in references() {
        let found = send_reference(base_url, &reference).await?;
        if found.is_empty() {
            println!("REFERENCE {}: accepted", reference.what);
        }
        for (at, message) in &found {
            println!("REFERENCE {}: refused: {at}: {message}", reference.what);
            reference_kinds.entry(kind_of(message)).or_insert(reference.what);
        }
    }

    // Every call once, in order; then the verdicts (a multipart call is
    // judged beside its JSON twin, which sends the same request value).
    let mut results = Vec::new();
    for call in &calls {
        let run = AssertUnwindSafe((call.run)(client(base_url))).catch_unwind();
        let outcome = match tokio::time::timeout(CALL_TIMEOUT, run).await {
            Err(_) => Outcome {
                status: None,
                violations: None,
                parsed: Err(format!("no answer within {} s", CALL_TIMEOUT.as_secs())),
                mock_error: None,
            },
            Ok(Ok(outcome)) => outcome,
            Ok(Err(panic)) => {
                let message = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                    .unwrap_or_default();
                Outcome {
                    status: None,
                    violations: None,
                    parsed: Err(format!("not sent: {message}")),
                    mock_error: None,
                }
            }
        };
        let found = outcome.violations.as_deref().map(describe).unwrap_or_default();
        let passed = found.is_empty() && outcome.status.is_some() && outcome.parsed.is_ok();
        results.push((call, outcome, found, passed));
    }
    let id_of = |method: &str| by_method.get(method).map_or_else(String::new, |o| o.operation_id.clone());
    let json_twins: BTreeMap<String, bool> = results
        .iter()
        .filter(|(call, ..)| call.kind != Kind::Multipart)
        .map(|(call, _, _, passed)| (id_of(call.method), *passed))
        .collect();

    // An operation whose path carries a query (`/oauth/token?refresh`) is,
    // to the mock, the operation at the path without it: it matches paths
    // alone, so it checks such a request against the other one's body.
    let vendor = vendor_operations(spec)?;
    let shadowed_by = |method: &str| -> Option<String> {
        let op = by_method.get(method)?;
        let (bare, _) = op.path.split_once('?')?;
        vendor
            .iter()
            .find(|(_, http, path)| *http == op.http && path == bare)
            .map(|(id, http, path)| format!("{id} ({http} {path})"))
    };

    let (mut passed, mut failed, mut listed, mut unanswered) = (0usize, 0usize, Vec::new(), Vec::new());
    let mut shadowed = Vec::new();
    for (call, outcome, found, sent_and_parsed) in &results {
        let what = by_method
            .get(call.method)
            .map_or_else(String::new, |o| format!(" ({} {} {})", o.operation_id, o.http, o.path));
        let request = if found.is_empty() {
            if outcome.status.is_some() {
                "request valid".to_owned()
            } else {
                "no request sent".to_owned()
            }
        } else {
            let list: Vec<String> = found.iter().map(|(at, m)| format!("{at}: {m}")).collect();
            format!("request INVALID ({})", list.join("; "))
        };
        let response = match &outcome.parsed {
            Ok(text) => format!("response {text}"),
            Err(why) => format!("response not parsed: {why}"),
        };
        let verdict = if *sent_and_parsed {
            passed += 1;
            "PASS"
        } else if let (false, Some(other)) = (found.is_empty(), shadowed_by(call.method)) {
            // Checked against another operation's body: only its required
            // properties missing is what that looks like.
            if found.iter().all(|(_, m)| kind_of(m) == "must have required property") {
                shadowed.push((call.method, other));
                "MOCK"
            } else {
                failed += 1;
                "FAIL"
            }
        } else if let (true, Some(error)) = (found.is_empty() && call.kind != Kind::Multipart, &outcome.mock_error) {
            // A valid request the mock could not answer from the spec.
            unanswered.push((call.method, error.clone()));
            "MOCK"
        } else if call.kind == Kind::Multipart
            && !found.is_empty()
            && found.iter().all(|(_, m)| reference_kinds.contains_key(&kind_of(m)))
            && json_twins.get(&id_of(call.method)).copied().unwrap_or(true)
        {
            // Refused only the way the references are, while the same
            // request as JSON passed: the mock's limit.
            let mut like: Vec<&str> =
                found.iter().filter_map(|(_, m)| reference_kinds.get(&kind_of(m)).copied()).collect();
            like.sort_unstable();
            like.dedup();
            listed.push((call.method, like.join("; ")));
            "MOCK"
        } else {
            failed += 1;
            "FAIL"
        };
        println!("{verdict} {}{what} [{}]: {request}; {response}", call.method, call.kind.name());
    }

    // Coverage: every operation method called; every vendor operation a method.
    let called: BTreeSet<&str> = calls.iter().map(|c| c.method).collect();
    for op in &operations {
        if !called.contains(op.method.as_str()) {
            failed += 1;
            println!(
                "FAIL {} ({} {} {}): the contract list does not call it (add an entry to `calls`)",
                op.method, op.operation_id, op.http, op.path
            );
        }
    }
    let ours_by_id: BTreeSet<&str> = operations.iter().map(|o| o.operation_id.as_str()).collect();
    let ours_by_shape: BTreeSet<(String, String)> =
        operations.iter().map(|o| (o.http.clone(), path_shape(&o.path))).collect();
    let mut gaps = Vec::new();
    for (id, http, path) in &vendor {
        if !ours_by_id.contains(id.as_str()) && !ours_by_shape.contains(&(http.clone(), path_shape(path))) {
            gaps.push(format!("{id} ({http} {path})"));
        }
    }
    let vendor_shapes: BTreeSet<(String, String)> =
        vendor.iter().map(|(_, http, path)| (http.clone(), path_shape(path))).collect();
    let vendor_ids: BTreeSet<&str> = vendor.iter().map(|(id, _, _)| id.as_str()).collect();
    let mut extra = BTreeSet::new();
    for op in &operations {
        if !vendor_ids.contains(op.operation_id.as_str())
            && !vendor_shapes.contains(&(op.http.clone(), path_shape(&op.path)))
        {
            extra.insert(format!("{} ({} {})", op.operation_id, op.http, op.path));
        }
    }

    let multipart = calls.iter().filter(|c| c.kind == Kind::Multipart).count();
    println!(
        "contract ({mode}): {} client operation methods, {} calls ({} JSON or no-body, {multipart} multipart); \
         the vendor's spec has {} operations, the client covers {}",
        operations.len(),
        calls.len(),
        calls.len() - multipart,
        vendor.len(),
        vendor.len() - gaps.len()
    );
    for (method, like) in &listed {
        println!("LISTED {method}: the mock refuses it only as it refuses {like}");
    }
    if !listed.is_empty() {
        println!(
            "contract ({mode}): {} multipart calls refused only as the references are (the mock's limit)",
            listed.len()
        );
    }
    for (method, other) in &shadowed {
        println!(
            "LISTED {method}: its path has a query; the mock matches paths alone and checked it as {other}, \
             so its request and response could not be checked"
        );
    }
    for (method, error) in &unanswered {
        println!("LISTED {method}: the request is valid; the mock could not answer it from the spec: {error}");
    }
    if !unanswered.is_empty() {
        println!("contract ({mode}): {} valid requests the mock could not answer (nothing to parse)", unanswered.len());
    }
    for op in &extra {
        println!("NOTE {op}: not in the vendor's spec");
    }
    for gap in &gaps {
        println!("GAP {gap}: in the vendor's spec, but the client has no method for it");
    }
    if !gaps.is_empty() {
        ok = false;
        println!("contract ({mode}): {} vendor operations without a client method", gaps.len());
    }
    println!("{passed} passed, {failed} failed");
    Ok(ok && failed == 0)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (base_url, mode) = match (args.first(), args.get(1)) {
        (Some(base_url), Some(mode)) if args.len() <= 3 => (base_url.clone(), mode.clone()),
        _ => {
            eprintln!("usage: contract BASE_URL MODE [VENDOR_SPEC]   (run by `cargo xtask contract`)");
            return ExitCode::from(2);
        }
    };
    let spec = args.get(2).cloned().unwrap_or_else(|| {
        concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/vendor/dropbox-sign/openapi.yaml").to_owned()
    });
    // A panic while building a call's arguments is that call's failure;
    // the line the default hook would print is said in the call's line.
    std::panic::set_hook(Box::new(|_| {}));
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("error: no runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(&base_url, &mode, &spec)) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
