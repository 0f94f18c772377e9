//! The Dropbox Sign endpoints beyond cancel and remove, against the
//! simulator (`esign-sim`): multipart sends checked part by part as they
//! arrived, templates, reminders, holds, the team and the apps, streamed
//! downloads and every documented error; and the operations only the
//! vendor's spec has, which the simulator does not serve, against canned
//! answers.

use crate::support::sim_client;
use esign_client::dropbox_sign::{
    self as ds, Client, Credentials, ErrorName, FormField, GroupRequirement, ResponseData, SignatureRequestCustomField,
    SignatureStatusCode,
};
use esign_client::runtime::{Error, FilePart, RetryPolicy};
use esign_sim::dropbox_sign::{error_reply, Endpoint, RequestState, ACCOUNT_EMAIL};
use esign_sim::multipart::FormPart;
use esign_sim::{DropboxSignSim, Reply};
use futures_util::StreamExt;
use serde_json::{json, Value};
use std::time::Duration;

const MIB: u64 = 1024 * 1024;

async fn simulator() -> (Client, DropboxSignSim) {
    let sim = DropboxSignSim::start().await;
    (sim_client(&sim, RetryPolicy::never()), sim)
}

/// The simulator's origin: its base URL without `/v3`.
fn origin(sim: &DropboxSignSim) -> String {
    sim.base_url().trim_end_matches("/v3").to_owned()
}

/// The path and parts of the `n`th body the simulator read, a multipart form.
fn form_sent(sim: &DropboxSignSim, n: usize) -> (String, Vec<FormPart>) {
    let body = sim.bodies().swap_remove(n);
    (body.path, body.content.parts().expect("a multipart body").to_vec())
}

/// The path and value of the `n`th body the simulator read, a JSON object.
fn json_sent(sim: &DropboxSignSim, n: usize) -> (String, Value) {
    let body = sim.bodies().swap_remove(n);
    (body.path, body.content.json().expect("a JSON body").clone())
}

/// How often the simulator answered `GET /signature_request/{id}`.
fn reads_of(sim: &DropboxSignSim, id: &str) -> usize {
    let path = format!("/v3/signature_request/{id}");
    sim.requests().iter().filter(|r| r.method == "GET" && r.path == path).count()
}

fn signers() -> Vec<ds::SignatureRequestSigner> {
    serde_json::from_value(json!([
        {"name": "Jack", "email_address": "jack@example.com", "order": 0},
        {"name": "Jill", "email_address": "jill@example.com", "order": 1}
    ]))
    .unwrap()
}

/// A text field for signer 1 and a signature for signer 0 on the first
/// document, a radio pair in a group on the second: the reference's own
/// examples, typed.
fn form_fields() -> ds::FormFieldsPerDocument {
    serde_json::from_value(json!([
        [
            {"api_id": "amount", "name": "Amount", "type": "text", "x": 112, "y": 328, "width": 100, "height": 16,
             "required": true, "signer": 1, "page": 1, "validation_type": "numbers_only"},
            {"api_id": "sig", "name": "", "type": "signature", "x": 530, "y": 415, "width": 120, "height": 30,
             "required": true, "signer": 0, "page": 1}
        ],
        [
            {"api_id": "yes", "type": "radio", "x": 112, "y": 328, "width": 18, "height": 18, "required": false,
             "group": "Choice", "checked": 1, "signer": 0, "page": 1},
            {"api_id": "no", "type": "radio", "x": 112, "y": 370, "width": 18, "height": 18, "required": false,
             "group": "Choice", "checked": 0, "signer": 0, "page": 1}
        ]
    ]))
    .unwrap()
}

fn send_request() -> ds::SignatureRequestSendRequest {
    let mut signing = ds::SigningOptions::new(ds::SignatureMethod::Draw);
    signing.draw = Some(true);
    signing.type_ = Some(true);
    let mut request = ds::SignatureRequestSendRequest::default();
    request.title = Some("NDA with Acme".to_owned());
    request.subject = Some("The NDA we talked about".to_owned());
    request.message = Some("Please sign.".to_owned());
    request.signers = Some(signers());
    request.cc_email_addresses = Some(vec!["lawyer@example.com".to_owned()]);
    request.metadata = Some([("order".to_owned(), json!("A-1234"))].into());
    request.form_fields_per_document = Some(form_fields());
    request.form_field_groups = Some(ds::FormFieldGroups::FormFieldGroupMap(
        [("Choice".to_owned(), ds::FormFieldGroup::new("Yes or no".to_owned(), GroupRequirement::Require1))].into(),
    ));
    request.signing_options = Some(signing);
    request.test_mode = Some(true);
    request
}

/// A request sent from a file URL to the two signers.
fn file_url_request() -> ds::SignatureRequestSendRequest {
    let mut request = ds::SignatureRequestSendRequest::default();
    request.file_urls = Some(vec!["https://files.example.test/a.pdf".to_owned()]);
    request.signers = Some(signers());
    request
}

fn sorted_text(parts: &[FormPart]) -> Vec<(String, String)> {
    let mut pairs = crate::support::text_pairs(parts);
    pairs.sort_by(|a, b| a.0.cmp(&b.0));
    pairs
}

#[tokio::test]
async fn send_uploads_two_files_with_signers_and_form_fields_as_the_reference_names_them() {
    let (client, sim) = simulator().await;
    let mut body = ds::SignatureRequestSendMultipart::new(send_request());
    body.files = Some(vec![
        FilePart::new(&b"%PDF-1.7 NDA"[..]).file_name("nda.pdf").content_type("application/pdf"),
        FilePart::new(&b"%PDF-1.7 Annex"[..]).file_name("annex.pdf").content_type("application/pdf"),
    ]);
    let response = client.signature_request_send_multipart(&body).await.expect("the server accepts the form");
    assert_eq!(response.status, 200);
    let request = response.body.signature_request;
    assert_eq!(request.title.as_deref(), Some("NDA with Acme"));
    let signatures = request.signatures.unwrap();
    assert_eq!(signatures.len(), 2);
    assert_eq!(signatures[1].signer_email_address.as_deref(), Some("jill@example.com"));
    assert_eq!(signatures[0].status_code, Some(SignatureStatusCode::AwaitingSignature));

    let (path, parts) = form_sent(&sim, 0);
    assert_eq!(path, "/v3/signature_request/send");
    // Every text part, by the name the reference gives it.
    let form_fields = serde_json::to_string(&form_fields()).unwrap();
    let expected: Vec<(String, String)> = [
        ("cc_email_addresses[]", "lawyer@example.com"),
        ("form_field_groups", r#"{"Choice":{"group_label":"Yes or no","requirement":"require_1"}}"#),
        ("form_fields_per_document", form_fields.as_str()),
        ("message", "Please sign."),
        ("metadata[order]", "A-1234"),
        ("signers[0][email_address]", "jack@example.com"),
        ("signers[0][name]", "Jack"),
        ("signers[0][order]", "0"),
        ("signers[1][email_address]", "jill@example.com"),
        ("signers[1][name]", "Jill"),
        ("signers[1][order]", "1"),
        ("signing_options[default_type]", "draw"),
        ("signing_options[draw]", "1"),
        ("signing_options[type]", "1"),
        ("subject", "The NDA we talked about"),
        ("test_mode", "1"),
        ("title", "NDA with Acme"),
    ]
    .iter()
    .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
    .collect();
    assert_eq!(sorted_text(&parts), expected);
    // The form field parameters are JSON, and say so.
    for name in ["form_fields_per_document", "form_field_groups"] {
        let part = parts.iter().find(|p| p.name == name).unwrap();
        assert_eq!(part.content_type.as_deref(), Some("application/json"), "{name}");
    }
    let fields: Value =
        serde_json::from_str(&parts.iter().find(|p| p.name == "form_fields_per_document").unwrap().text()).unwrap();
    assert_eq!(fields[0][0]["validation_type"], "numbers_only");
    assert_eq!(fields[1][1]["group"], "Choice");
    // Both files, in order, as `files[]` parts with their names and types.
    let files: Vec<(&str, Option<&str>, Option<&str>, String)> = parts
        .iter()
        .filter(|p| p.file_name.is_some())
        .map(|p| (p.name.as_str(), p.file_name.as_deref(), p.content_type.as_deref(), p.text()))
        .collect();
    assert_eq!(
        files,
        [
            ("files[]", Some("nda.pdf"), Some("application/pdf"), "%PDF-1.7 NDA".to_owned()),
            ("files[]", Some("annex.pdf"), Some("application/pdf"), "%PDF-1.7 Annex".to_owned()),
        ]
    );
    // The simulator read the form as the API does: both documents, both signers.
    let id = request.signature_request_id.unwrap();
    assert_eq!(sim.documents(&id), ["nda.pdf", "annex.pdf"]);
    assert_eq!(sim.form_fields(&id).len(), 4);
}

#[tokio::test]
async fn send_with_file_urls_goes_as_json_and_bad_requests_never_leave() {
    let (client, sim) = simulator().await;
    let mut request = send_request();
    request.file_urls =
        Some(vec!["https://files.example.test/nda.pdf".to_owned(), "https://files.example.test/annex.pdf".to_owned()]);
    let response = client.signature_request_send(&request).await.expect("the server accepts the JSON body");
    let sent = response.body.signature_request;
    assert_eq!(sent.metadata.unwrap()["order"], json!("A-1234"), "metadata comes back");
    {
        let (path, body) = json_sent(&sim, 0);
        assert_eq!(path, "/v3/signature_request/send");
        assert_eq!(
            body["file_urls"],
            json!(["https://files.example.test/nda.pdf", "https://files.example.test/annex.pdf"])
        );
        assert_eq!(body["signers"][1], json!({"name": "Jill", "email_address": "jill@example.com", "order": 1}));
        assert_eq!(body["test_mode"], json!(true), "JSON keeps booleans as booleans");
        assert_eq!(body["form_fields_per_document"][1][0]["type"], "radio");
        assert_eq!(body["form_field_groups"]["Choice"]["requirement"], "require_1");
        assert_eq!(body["signing_options"]["default_type"], "draw");
    }

    // The checks run before sending: a radio field whose group is not
    // defined, and signers given twice over, never reach the server.
    let mut orphan = request.clone();
    orphan.form_field_groups = None;
    let err = client.signature_request_send(&orphan).await.unwrap_err();
    assert!(matches!(&err, Error::InvalidRequest(m) if m.contains("form_fields_per_document[1][0]")), "{err:?}");
    let mut twice = request.clone();
    twice.grouped_signers = Some(vec![serde_json::from_value(json!({"group": "Board", "signers": []})).unwrap()]);
    let mut body = ds::SignatureRequestSendMultipart::new(twice);
    body.files = Some(vec![FilePart::new(&b"%PDF"[..]).file_name("a.pdf")]);
    let err = client.signature_request_send_multipart(&body).await.unwrap_err();
    assert!(matches!(&err, Error::InvalidRequest(m) if m.contains("exactly one")), "{err:?}");
    assert_eq!((sim.requests().len(), sim.bodies().len()), (1, 1), "nothing more was sent");
}

#[tokio::test]
async fn send_with_template_fills_roles_and_custom_fields() {
    let (client, sim) = simulator().await;
    sim.add_template("tpl-01", "Services", &["Client"]);
    let request: ds::SignatureRequestSendWithTemplateRequest = serde_json::from_value(json!({
        "template_ids": ["tpl-01"],
        "signers": [{"role": "Client", "name": "George", "email_address": "george@example.com"}],
        "ccs": [{"role": "Accounting", "email_address": "accounting@example.com"}],
        "custom_fields": [{"name": "Cost", "value": "$20,000", "editor": "Client", "required": true}],
        "test_mode": true
    }))
    .unwrap();
    let response = client.signature_request_send_with_template(&request).await.unwrap();
    let sent = response.body.signature_request;
    assert_eq!(sent.template_ids, Some(vec!["tpl-01".to_owned()]));
    match &sent.custom_fields.as_ref().unwrap()[0] {
        SignatureRequestCustomField::Text(field) => {
            assert_eq!((field.name.as_str(), field.value.as_deref()), ("Cost", Some("$20,000")));
            assert_eq!(field.editor.as_deref(), Some("Client"));
        }
        other => panic!("a text merge field, got {other:?}"),
    }
    let (_, body) = json_sent(&sim, 0);
    assert_eq!(
        body["custom_fields"][0],
        json!({"name": "Cost", "value": "$20,000", "editor": "Client", "required": true})
    );
    assert_eq!(body["ccs"][0]["role"], "Accounting");
    // Without templates the server refuses, and says which parameter is missing.
    let none: ds::SignatureRequestSendWithTemplateRequest = serde_json::from_value(json!({
        "template_ids": [], "signers": [{"role": "Client", "name": "G", "email_address": "g@example.com"}]
    }))
    .unwrap();
    let err = client.signature_request_send_with_template(&none).await.unwrap_err();
    let body = err.api_error().unwrap();
    assert_eq!(body.error.error_name, ErrorName::BadRequest);
    assert_eq!(body.error.error_path.as_deref(), Some("template_ids"));
}

#[tokio::test]
async fn get_returns_todays_fields_typed_and_list_walks_every_page() {
    let (client, sim) = simulator().await;
    // A request as the API may send it, with fields the simulator does not
    // make (typed response data, attachments, SMS, a field no spec has yet),
    // queued as the answer to the next read.
    sim.respond_next_on(
        Endpoint::Get,
        Reply::json(
            200,
            &json!({"signature_request": {
                "signature_request_id": "sr-typed", "title": "Renamed", "original_title": "Lease",
                "signing_redirect_url": "https://example.com/done", "bulk_send_job_id": null,
                "response_data": [
                    {"api_id": "agree", "signature_id": "s1", "name": "Agree", "required": true, "type": "checkbox", "value": true},
                    {"api_id": "city", "signature_id": "s1", "name": "City", "required": false, "type": "text", "value": "Turin"},
                    {"api_id": "stamp", "type": "stamp", "value": "?"}
                ],
                "custom_fields": [{"name": "Paid", "type": "checkbox", "value": false, "required": false}],
                "attachments": [{"id": "att-1", "signer": 1, "name": "ID card", "required": true, "uploaded_at": null}],
                "signatures": [{"signature_id": "s1", "signer_email_address": "a@example.com", "status_code": "signed",
                                "has_sms_auth": true, "has_sms_delivery": false, "sms_phone_number": "+14155550100",
                                "reassigned_by": null}],
                "brand_new": {"kept": true}
            }}),
        ),
    );
    let request = client.signature_request_get("sr-typed").await.unwrap().body.signature_request;
    assert_eq!(request.original_title.as_deref(), Some("Lease"));
    assert_eq!(request.signing_redirect_url.as_deref(), Some("https://example.com/done"));
    let data = request.response_data.as_ref().unwrap();
    assert!(matches!(&data[0], ResponseData::Checkbox(c) if c.value == Some(true)));
    assert!(matches!(&data[1], ResponseData::Text(t) if t.value.as_deref() == Some("Turin")));
    assert!(matches!(&data[2], ResponseData::UnknownValue(v) if v["type"] == "stamp"), "a new field type is kept");
    assert!(
        matches!(&request.custom_fields.as_ref().unwrap()[0], SignatureRequestCustomField::Checkbox(c) if c.value == Some(false))
    );
    assert_eq!(request.attachments.as_ref().unwrap()[0].name, "ID card");
    let signature = &request.signatures.as_ref().unwrap()[0];
    assert_eq!((signature.has_sms_auth, signature.sms_phone_number.as_deref()), (Some(true), Some("+14155550100")));
    assert_eq!(request.extra["brand_new"], json!({"kept": true}), "nothing common lands in extra; new things do");
    assert!(!request.extra.contains_key("original_title"));

    let err = client.signature_request_get("nope").await.unwrap_err();
    assert_eq!(err.api_error().map(|e| e.error.error_name.clone()), Some(ErrorName::NotFound));

    let listed = sim.add_signature_requests(45, RequestState::AwaitingSignature);
    let mut options = ds::SignatureRequestListOptions::default();
    options.page_size = Some(20);
    let pages: Vec<usize> = client
        .signature_request_list_pages(&options)
        .map(|page| page.unwrap().body.signature_requests.len())
        .collect()
        .await;
    assert_eq!(pages, [20, 20, 5]);
    let ids: Vec<String> =
        client.signature_request_list_items(&options).map(|r| r.unwrap().signature_request_id.unwrap()).collect().await;
    assert_eq!(ids, listed, "every request, once, in order");
}

#[tokio::test]
async fn remind_works_once_then_is_refused_within_the_hour_and_never_for_embedded_requests() {
    let (client, _sim) = simulator().await;
    let sent = client.signature_request_send(&file_url_request()).await.unwrap();
    let id = sent.body.signature_request.signature_request_id.unwrap();
    let jack = ds::SignatureRequestRemindRequest::new("jack@example.com".to_owned());
    let reminded = client.signature_request_remind(&id, &jack).await.expect("the first reminder goes out");
    let signatures = reminded.body.signature_request.signatures.unwrap();
    assert!(signatures[0].last_reminded_at.is_some());
    assert_eq!(signatures[1].last_reminded_at, None);

    let err = client.signature_request_remind(&id, &jack).await.expect_err("a second reminder within the hour");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    let body = err.api_error().expect("the documented error body");
    assert_eq!(body.error.error_name, ErrorName::InvalidReminder);
    assert!(body.error.error_msg.contains("hour"), "{}", body.error.error_msg);
    // Another signer of the same request may still be reminded.
    let mut jill = jack.clone();
    jill.email_address = "jill@example.com".to_owned();
    client.signature_request_remind(&id, &jill).await.expect("each signer has their own hour");

    let embedded: ds::SignatureRequestCreateEmbeddedRequest = serde_json::from_value(json!({
        "client_id": "app-1", "file_urls": ["https://files.example.test/a.pdf"],
        "signers": [{"name": "Jack", "email_address": "jack@example.com"}]
    }))
    .unwrap();
    let id = client
        .signature_request_create_embedded(&embedded)
        .await
        .unwrap()
        .body
        .signature_request
        .signature_request_id
        .unwrap();
    let err = client.signature_request_remind(&id, &jack).await.unwrap_err();
    let body = err.api_error().expect("the documented error body");
    assert_eq!(body.error.error_name, ErrorName::BadRequest);
    assert!(body.error.error_msg.contains("Embedded"), "{}", body.error.error_msg);
}

#[tokio::test]
async fn update_changes_a_signer_and_their_signature_id() {
    let (client, sim) = simulator().await;
    let sent = client.signature_request_send(&file_url_request()).await.unwrap().body.signature_request;
    let id = sent.signature_request_id.unwrap();
    let old = sent.signatures.unwrap()[1].signature_id.clone().unwrap();
    let mut update = ds::SignatureRequestUpdateRequest::new(old.clone());
    update.email_address = Some("jill.new@example.com".to_owned());
    let updated = client.signature_request_update(&id, &update).await.unwrap().body.signature_request;
    let jill = &updated.signatures.unwrap()[1];
    assert_eq!(jill.signer_email_address.as_deref(), Some("jill.new@example.com"));
    assert_ne!(jill.signature_id.as_deref(), Some(old.as_str()), "a new address, a new signature id");
    let (path, body) = json_sent(&sim, 1);
    assert_eq!(path, format!("/v3/signature_request/update/{id}"));
    assert_eq!(body, json!({"signature_id": old, "email_address": "jill.new@example.com"}));
    let mut nobody = update;
    nobody.signature_id = "nobody".to_owned();
    let err = client.signature_request_update(&id, &nobody).await.unwrap_err();
    assert_eq!(err.api_error().unwrap().error.error_name, ErrorName::BadRequest);
}

#[tokio::test]
async fn a_held_draft_request_is_released_once() {
    let (client, sim) = simulator().await;
    let draft: ds::UnclaimedDraftCreateEmbeddedRequest = serde_json::from_value(json!({
        "client_id": "app-1", "requester_email_address": "me@example.com",
        "file_urls": ["https://files.example.test/a.pdf"], "hold_request": true, "test_mode": true
    }))
    .unwrap();
    let draft = client.unclaimed_draft_create_embedded(&draft).await.unwrap().body.unclaimed_draft.unwrap();
    let id = draft.signature_request_id.unwrap();
    // The requester claims and prepares it; it waits on hold.
    assert!(sim.claim_draft(&id));
    let held = client.signature_request_get(&id).await.unwrap().body.signature_request;
    assert_eq!(held.signatures.unwrap()[0].status_code, Some(SignatureStatusCode::OnHoldByRequester));
    assert!(!sim.sign_all(&id), "nobody signs a held request");
    let released = client.signature_request_release_hold(&id).await.expect("a held request is released");
    assert_eq!(
        released.body.signature_request.signatures.unwrap()[0].status_code,
        Some(SignatureStatusCode::AwaitingSignature)
    );
    let err = client.signature_request_release_hold(&id).await.expect_err("it is no longer held");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
}

#[tokio::test]
async fn a_100_mib_download_passes_through_in_bounded_chunks() {
    let sim = DropboxSignSim::builder().download_size(100 * MIB).rate_limit(100).start().await;
    let client = sim_client(&sim, RetryPolicy::never());
    sim.add_signature_request("sr-big", RequestState::FullySigned);
    let mut options = ds::SignatureRequestFilesOptions::default();
    options.file_type = Some(ds::FileType::Pdf);
    let response = client.signature_request_files("sr-big", &options).await.unwrap();
    assert_eq!(response.status, 200);
    assert_eq!(response.headers[reqwest::header::CONTENT_TYPE], "application/pdf");
    assert_eq!(response.rate_limit.map(|r| r.remaining), Some(99), "headers are read, the body is not");
    let mut stream = response.body;
    assert_eq!(stream.content_length(), Some(100 * MIB));
    // Pass every chunk through (a checksum stands in for a file) and keep
    // only the largest chunk's size: what the client held at once.
    let (mut total, mut largest, mut chunks, mut checksum) = (0u64, 0usize, 0u32, 0u64);
    while let Some(chunk) = stream.chunk().await.unwrap() {
        assert_eq!(chunk[0], (total % 251) as u8, "the bytes arrive in order");
        total += chunk.len() as u64;
        largest = largest.max(chunk.len());
        chunks += 1;
        checksum = chunk.iter().fold(checksum, |sum, b| sum.wrapping_mul(31).wrapping_add(u64::from(*b)));
    }
    assert_eq!(total, 100 * MIB, "every byte");
    assert!(largest <= MIB as usize, "no chunk larger than 1 MiB (largest {largest} bytes)");
    assert!(chunks >= 100, "the body came in many pieces ({chunks})");
    assert_ne!(checksum, 0);
    assert_eq!(sim.requests()[0].query.as_deref(), Some("file_type=pdf"));

    // While the files are prepared the API answers 409, in an error state 422.
    let options = ds::SignatureRequestFilesOptions::default();
    for (status, name) in [(409, ErrorName::Conflict), (422, ErrorName::UnprocessableEntity)] {
        sim.respond_next_on(Endpoint::Files, error_reply(status, name.as_str()));
        let err = client.signature_request_files("sr-big", &options).await.unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(err.api_error().unwrap().error.error_name, name);
    }
}

#[tokio::test]
async fn the_data_uri_and_file_url_forms_are_json() {
    let (client, sim) = simulator().await;
    sim.add_signature_request("small", RequestState::FullySigned);
    let data = client.signature_request_files_as_data_uri("small").await.unwrap().body;
    assert!(data.data_uri.unwrap().starts_with("data:application/pdf;base64,"));
    let mut options = ds::SignatureRequestFilesAsFileUrlOptions::default();
    options.force_download = Some(0);
    let url = client.signature_request_files_as_file_url("small", &options).await.unwrap().body;
    let file_url = url.file_url.unwrap();
    assert_eq!(file_url, format!("{}/download/small?force_download=0", origin(&sim)));
    assert!(url.expires_at.is_some_and(|at| at > 1_700_000_000), "{:?}", url.expires_at);
    // The URL works without credentials, as the API's do.
    let file = reqwest::get(&file_url).await.unwrap();
    assert_eq!(file.status(), 200);
    assert!(file.bytes().await.unwrap().starts_with(b"%PDF"));
}

#[tokio::test]
async fn an_embedded_signer_gets_a_sign_url() {
    let (client, sim) = simulator().await;
    let embedded: ds::SignatureRequestCreateEmbeddedRequest = serde_json::from_value(json!({
        "client_id": "app-1", "file_urls": ["https://files.example.test/a.pdf"],
        "signers": [{"name": "Jack", "email_address": "jack@example.com"}], "test_mode": true
    }))
    .unwrap();
    let request = client.signature_request_create_embedded(&embedded).await.unwrap().body.signature_request;
    let signature_id = request.signatures.unwrap()[0].signature_id.clone().unwrap();
    let embedded = client.embedded_sign_url(&signature_id).await.unwrap().body.embedded.unwrap();
    assert_eq!(embedded.sign_url.as_deref(), Some(format!("{}/embedded/sign/{signature_id}", origin(&sim)).as_str()));
    assert!(embedded.expires_at.is_some_and(|at| at > 1_700_000_000), "{:?}", embedded.expires_at);
    let err = client.embedded_sign_url("not-embedded").await.unwrap_err();
    assert_eq!(err.api_error().unwrap().error.error_name, ErrorName::NotFound);
}

#[tokio::test]
async fn templates_page_through_every_page() {
    let (client, sim) = simulator().await;
    for i in 0..7 {
        sim.add_template(format!("tpl-{i:02}"), &format!("Template {i}"), &["Client"]);
    }
    let mut options = ds::TemplateListOptions::default();
    options.page_size = Some(3);
    let pages: Vec<(Option<i64>, usize)> = client
        .template_list_pages(&options)
        .map(|page| {
            let page = page.unwrap().body;
            (page.list_info.page, page.templates.len())
        })
        .collect()
        .await;
    assert_eq!(pages, [(Some(1), 3), (Some(2), 3), (Some(3), 1)]);
    let templates: Vec<ds::Template> = client.template_list_items(&options).map(Result::unwrap).collect().await;
    let ids: Vec<&str> = templates.iter().map(|t| t.template_id.as_deref().unwrap()).collect();
    assert_eq!(ids, ["tpl-00", "tpl-01", "tpl-02", "tpl-03", "tpl-04", "tpl-05", "tpl-06"]);
    assert_eq!(templates[0].signer_roles.as_ref().unwrap()[0].name.as_deref(), Some("Client"));
    // A page size the API refuses is its error, typed.
    options.page_size = Some(500);
    let err = client.template_list(&options).await.unwrap_err();
    assert_eq!(err.api_error().unwrap().error.error_name, ErrorName::BadRequest);
}

#[tokio::test]
async fn team_members_are_invited_and_removed() {
    let (client, sim) = simulator().await;
    sim.add_team_member("leaving@example.com");
    sim.add_other_team_account("taken@example.com");
    let mut invite = ds::TeamAddMemberRequest::default();
    invite.email_address = Some("new@example.com".to_owned());
    let team = client.team_add_member(&invite, &ds::TeamAddMemberOptions::default()).await.unwrap().body.team.unwrap();
    assert_eq!(team.invited_emails, Some(vec!["new@example.com".to_owned()]));
    let mut taken = ds::TeamAddMemberRequest::default();
    taken.email_address = Some("taken@example.com".to_owned());
    let err = client.team_add_member(&taken, &ds::TeamAddMemberOptions::default()).await.unwrap_err();
    let body = err.api_error().unwrap();
    assert_eq!((err.status().map(|s| s.as_u16()), &body.error.error_name), (Some(403), &ErrorName::TeamInviteFailed));
    assert_eq!(ErrorName::TeamInviteFailed.http_status(), Some(403));

    let mut remove = ds::TeamRemoveMemberRequest::default();
    remove.email_address = Some("leaving@example.com".to_owned());
    let response = client.team_remove_member(&remove).await.unwrap();
    assert_eq!(response.status, 200);
    let members: Vec<String> =
        response.body.team.unwrap().accounts.unwrap().into_iter().filter_map(|a| a.email_address).collect();
    assert_eq!(members, [ACCOUNT_EMAIL]);
    // Handing the documents over is queued: 201, the same body.
    let mut hand_over = ds::TeamRemoveMemberRequest::default();
    hand_over.email_address = Some("new@example.com".to_owned());
    hand_over.new_owner_email_address = Some(ACCOUNT_EMAIL.to_owned());
    let response = client.team_remove_member(&hand_over).await.unwrap();
    assert_eq!(response.status, 201);
    assert_eq!(response.body.team.unwrap().invited_emails, Some(vec![]));
    let err = client.team_remove_member(&remove).await.unwrap_err();
    assert_eq!(err.api_error().unwrap().error.error_name, ErrorName::NotFound);
}

#[tokio::test]
async fn an_api_app_is_created_from_json_or_with_a_logo() {
    let (client, sim) = simulator().await;
    let mut options = ds::ApiAppOptions::default();
    options.can_insert_everywhere = Some(true);
    let mut request = ds::ApiAppCreateRequest::new("Contracts".to_owned(), vec!["example.com".to_owned()]);
    request.callback_url = Some("https://example.com/callback".to_owned());
    request.options = Some(options);
    request.white_labeling_options = Some(serde_json::from_value(json!({"primary_button_color": "#00B3E6"})).unwrap());
    let created = client.api_app_create(&request).await.expect("a 201 is a success");
    assert_eq!(created.status, 201);
    let app = created.body.api_app.unwrap();
    let client_id = app.client_id.unwrap();
    assert!(client_id.len() == 32 && client_id.bytes().all(|b| b.is_ascii_hexdigit()), "{client_id}");
    assert_eq!(app.owner_account.unwrap().email_address.as_deref(), Some(ACCOUNT_EMAIL));
    assert_eq!(json_sent(&sim, 0).1["options"], json!({"can_insert_everywhere": true}));

    let mut two_domains = request.clone();
    two_domains.domains = vec!["example.com".to_owned(), "example.org".to_owned()];
    let mut multipart = ds::ApiAppCreateMultipart::new(two_domains);
    multipart.custom_logo_file = Some(FilePart::new(&b"\x89PNG"[..]).file_name("logo.png").content_type("image/png"));
    client.api_app_create_multipart(&multipart).await.unwrap();
    let (_, parts) = form_sent(&sim, 1);
    let text = |name: &str| parts.iter().find(|p| p.name == name).map(FormPart::text);
    assert_eq!(
        parts.iter().filter(|p| p.name == "domains[]").map(FormPart::text).collect::<Vec<_>>(),
        ["example.com", "example.org"]
    );
    assert_eq!(text("options[can_insert_everywhere]").as_deref(), Some("1"));
    assert_eq!(text("white_labeling_options").as_deref(), Some(r##"{"primary_button_color":"#00B3E6"}"##), "JSON text");
    let logo = parts.iter().find(|p| p.name == "custom_logo_file").unwrap();
    assert_eq!((logo.file_name.as_deref(), logo.content_type.as_deref()), (Some("logo.png"), Some("image/png")));

    // Three domains are refused before sending (maxItems 2).
    let mut three = request;
    three.domains = vec!["a.com".into(), "b.com".into(), "c.com".into()];
    assert!(matches!(client.api_app_create(&three).await, Err(Error::InvalidRequest(_))));
    assert_eq!(sim.requests().len(), 2, "nothing more was sent");
}

#[tokio::test]
async fn an_unclaimed_draft_gets_a_claim_url() {
    let (client, sim) = simulator().await;
    let draft: ds::UnclaimedDraftCreateRequest = serde_json::from_value(json!({
        "type": "request_signature", "file_urls": ["https://files.example.test/a.pdf"],
        "signers": [{"name": "Jack", "email_address": "jack@example.com"}], "test_mode": true,
        "expires_at": 4102444800_i64
    }))
    .unwrap();
    let draft = client.unclaimed_draft_create(&draft).await.unwrap().body.unclaimed_draft.unwrap();
    let id = draft.signature_request_id.clone().unwrap();
    assert_eq!(sim.unclaimed_drafts(), [id]);
    let claim_url = draft.claim_url.unwrap();
    assert!(claim_url.starts_with(&format!("{}/claim/", origin(&sim))), "{claim_url}");
    assert_eq!((draft.test_mode, draft.expires_at), (Some(true), Some(4102444800)));
    assert_eq!(json_sent(&sim, 0).1["type"], "request_signature");
    // A type the API does not know is sent (the enum is open) and refused there.
    let odd: ds::UnclaimedDraftCreateRequest = serde_json::from_value(json!({"type": "fax_it"})).unwrap();
    let err = client.unclaimed_draft_create(&odd).await.unwrap_err();
    assert_eq!(err.api_error().unwrap().error.error_name, ErrorName::BadRequest);
}

#[tokio::test]
async fn every_documented_error_comes_back_typed_from_the_new_endpoints() {
    let (client, sim) = simulator().await;
    // Names the table gives no status come with a 400.
    let cases: Vec<(ErrorName, u16)> =
        ErrorName::KNOWN.iter().map(|name| (name.clone(), name.http_status().unwrap_or(400))).collect();
    assert_eq!(cases.len(), 20);
    for (i, (name, status)) in cases.iter().enumerate() {
        let body = json!({"error": {"error_msg": format!("Injected {name}."), "error_name": name.as_str()}});
        sim.respond_next(Reply::json(*status, &body));
        // A client of its own each time: after `exceeded_rate` a client
        // waits out the simulator's hour-long window before its next call.
        let client = sim_client(&sim, RetryPolicy::never());
        // A different endpoint each time, so each kind of call maps errors.
        let err = match i % 5 {
            0 => client.account_get(&ds::AccountGetOptions::default()).await.map(|_| ()),
            1 => client.signature_request_list(&ds::SignatureRequestListOptions::default()).await.map(|_| ()),
            2 => client.template_list(&ds::TemplateListOptions::default()).await.map(|_| ()),
            3 => client
                .signature_request_files("preparing", &ds::SignatureRequestFilesOptions::default())
                .await
                .map(|_| ()),
            _ => client.embedded_sign_url("sig").await.map(|_| ()),
        }
        .expect_err(name.as_str());
        assert_eq!(err.status().map(|s| s.as_u16()), Some(*status), "{name}");
        let body = err.api_error().unwrap_or_else(|| panic!("{name}: {err:?}"));
        assert_eq!(&body.error.error_name, name);
        assert_eq!(body.error.error_msg, format!("Injected {name}."));
    }
    // Without an injected error, the account answers.
    let account = client.account_get(&ds::AccountGetOptions::default()).await.unwrap().body.account.unwrap();
    assert_eq!(account.email_address.as_deref(), Some(ACCOUNT_EMAIL));
    // And the API key: a wrong one is `unauthorized`, from the server itself.
    let stranger = Client::builder()
        .base_url(client.base_url())
        .credentials(Credentials::api_key("someone-else"))
        .retry_policy(RetryPolicy::never())
        .build()
        .unwrap();
    let err = stranger.account_get(&ds::AccountGetOptions::default()).await.unwrap_err();
    assert_eq!(err.api_error().unwrap().error.error_name, ErrorName::Unauthorized);
}

#[test]
fn form_fields_are_the_typed_model() {
    // The reference's example fields decode into their variants.
    let ds::FormFieldsPerDocument::FormFieldsByDocument(fields) = form_fields() else { panic!("per document") };
    assert!(matches!(&fields[0][0], FormField::Text(t) if t.validation_type == Some(ds::ValidationType::NumbersOnly)));
    assert!(matches!(&fields[0][1], FormField::Signature(_)));
    assert!(matches!(&fields[1][0], FormField::Radio(r) if r.group == "Choice"));
}

#[test]
fn template_and_account_callbacks_carry_typed_models() {
    let created: ds::EventCallback = serde_json::from_value(json!({
        "event": {"event_time": "1700000000", "event_type": "template_created", "event_hash": "00",
                  "event_metadata": {"reported_for_account_id": "acc-1"}},
        "template": {
            "template_id": "tpl-1", "title": "Lease", "is_embedded": true,
            "signer_roles": [{"name": "Tenant", "order": 0}], "cc_roles": [{"name": "Agent"}],
            "documents": [{"name": "lease.pdf", "index": 0,
                "field_groups": [{"name": "Pets", "rule": {"requirement": "require_0-1", "groupLabel": "Pets"}}],
                "form_fields": [{"api_id": "f1", "name": "Sign", "type": "signature", "signer": "0",
                                 "x": 10, "y": 20, "width": 120, "height": 30, "required": true, "group": null}]}]
        }
    }))
    .unwrap();
    assert_eq!(created.event.event_type, ds::EventType::TemplateCreated);
    let template = created.template.expect("a typed template");
    assert_eq!(template.signer_roles.as_ref().unwrap()[0].name.as_deref(), Some("Tenant"));
    let document = &template.documents.as_ref().unwrap()[0];
    assert_eq!(document.form_fields.as_ref().unwrap()[0].type_, ds::FormFieldType::Signature);
    assert!(
        matches!(
            document.field_groups.as_ref().unwrap()[0].rule.as_ref().unwrap(),
            ds::TemplateGroupRule::TemplateFieldGroupRule(rule) if rule.requirement == Some(GroupRequirement::Require01)
        ),
        "{document:?}"
    );
    assert!(template.extra.is_empty(), "every field the template sent is typed");

    let confirmed: ds::EventCallback = serde_json::from_value(json!({
        "event": {"event_time": "1700000000", "event_type": "account_confirmed", "event_hash": "00"},
        "account": {"account_id": "acc-9", "email_address": "new@example.com", "is_paid_hs": false,
                    "quotas": {"api_signature_requests_left": 0, "documents_left": null}}
    }))
    .unwrap();
    let account = confirmed.account.expect("a typed account");
    assert_eq!(account.email_address.as_deref(), Some("new@example.com"));
    assert_eq!(account.quotas.unwrap().api_signature_requests_left, Some(0));
    assert!(account.extra.is_empty());
}

#[tokio::test(start_paused = true)]
async fn the_send_and_track_example_sends_learns_of_the_signatures_and_downloads() {
    use send_and_track::{Signer, Tracked};
    let sim = DropboxSignSim::builder().download_size(3 * MIB).start().await;
    let client = sim_client(&sim, RetryPolicy::never());
    let signers =
        [Signer::parse("Jack Doe <jack@example.com>").unwrap(), Signer::parse("Jill <jill@example.com>").unwrap()];
    assert!(Signer::parse("no address").is_none());
    let document = FilePart::new(&b"%PDF-1.7 contract"[..]).file_name("contract.pdf").content_type("application/pdf");
    let id = send_and_track::send(&client, "contract.pdf", document, &signers, true).await.expect("sent");

    // What went out: the file, both signers, and their fields as JSON.
    let (_, parts) = form_sent(&sim, 0);
    // Today's shape: one flat list, every field on the first document.
    let fields: Vec<Value> =
        serde_json::from_str(&parts.iter().find(|p| p.name == "form_fields_per_document").unwrap().text()).unwrap();
    assert!(fields.iter().all(|f| f["document_index"] == 0), "{fields:?}");
    let kinds: Vec<(&str, i64)> =
        fields.iter().map(|f| (f["type"].as_str().unwrap(), f["signer"].as_i64().unwrap())).collect();
    assert_eq!(
        kinds,
        [("signature", 0), ("date_signed", 0), ("text", 0), ("signature", 1), ("date_signed", 1), ("text", 1)]
    );
    assert_eq!(fields[1]["field_options"]["date_format"], "YYYY - MM - DD");
    assert_eq!(sim.documents(&id), ["contract.pdf"]);

    // By polling: both sign once the second read has found the request
    // waiting, so the third read finds it signed.
    let sign_after_two_reads = async {
        while reads_of(&sim, &id) < 2 {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        assert!(sim.sign_all(&id));
    };
    let (tracked, ()) = tokio::join!(
        send_and_track::wait_until_signed(&client, &id, None, Duration::from_millis(10), Duration::from_secs(10)),
        sign_after_two_reads
    );
    assert_eq!(tracked.unwrap(), Tracked::Signed);
    assert_eq!(reads_of(&sim, &id), 3);

    // The download waits out one 409 and writes the whole file.
    sim.respond_next_on(Endpoint::Files, error_reply(409, "conflict"));
    let mut signed = Vec::new();
    let written = send_and_track::download(&client, &id, &mut signed, 3).await.unwrap();
    assert_eq!((written, signed.len()), (3 * MIB, 3 * MIB as usize));
    let files = format!("/v3/signature_request/files/{id}");
    let statuses: Vec<u16> = sim.requests().iter().filter(|r| r.path == files).map(|r| r.status).collect();
    assert_eq!(statuses, [409, 200]);

    // By callback: an event about this request ends the wait before any
    // read finds it signed; events about other requests do not.
    let id =
        send_and_track::send(&client, "again.pdf", FilePart::new(&b"%PDF"[..]).file_name("again.pdf"), &signers, true)
            .await
            .unwrap();
    let (sender, mut events) = tokio::sync::mpsc::channel(4);
    let event = |about: &str| -> ds::EventCallback {
        serde_json::from_value(json!({
            "event": {"event_time": "1700000000", "event_type": "signature_request_all_signed", "event_hash": "00"},
            "signature_request": {"signature_request_id": about}
        }))
        .unwrap()
    };
    sender.send(event("someone-else")).await.unwrap();
    sender.send(event(&id)).await.unwrap();
    let tracked = send_and_track::wait_until_signed(
        &client,
        &id,
        Some(&mut events),
        Duration::from_secs(5),
        Duration::from_secs(20),
    )
    .await
    .unwrap();
    assert_eq!(tracked, Tracked::Signed);
    assert!(reads_of(&sim, &id) <= 2, "the event decided, not the polls");
    // Nobody signs and no event comes: the wait ends.
    let tracked =
        send_and_track::wait_until_signed(&client, &id, None, Duration::from_millis(20), Duration::from_millis(100))
            .await
            .unwrap();
    assert_eq!(tracked, Tracked::TimedOut);
}

/// Canned answers for the operations the vendor's spec has and the older
/// reference did not (the simulator does not serve them): each is mounted
/// on `server` for its method and path.
async fn mount_vendor_answers(server: &wiremock::MockServer) {
    use wiremock::matchers::{method, path, query_param};
    use wiremock::{Mock, ResponseTemplate};
    let list_info = |page: i64| json!({"page": page, "num_pages": 2, "num_results": 3, "page_size": 2});
    let members = |page: i64, count: usize| -> Vec<Value> {
        (0..count)
            .map(|i| json!({"account_id": format!("acc-{page}-{i}"), "email_address": "m@example.com", "role": "Member"}))
            .collect()
    };
    let fax_line = json!({"number": "+14155550100", "created_at": 1767225600, "updated_at": 1767225600,
                          "accounts": [{"account_id": "acc-1", "email_address": "me@example.com"}]});
    let answers: Vec<(&str, &str, Option<&str>, u16, Value)> = vec![
        (
            "PUT",
            "/v3/signature_request/edit/sr-1",
            None,
            200,
            json!({"signature_request": {"signature_request_id": "sr-1", "title": "Edited",
                   "signer_experience": {"form_view": "enabled_by_default"}}}),
        ),
        ("POST", "/v3/template/create", None, 200, json!({"template": {"template_id": "tpl-new"}})),
        (
            "POST",
            "/oauth/token",
            None,
            200,
            json!({"access_token": "at", "token_type": "Bearer", "refresh_token": "rt", "expires_in": 3600, "state": "s"}),
        ),
        (
            "GET",
            "/v3/team/info",
            None,
            200,
            json!({"team": {"team_id": "t-1", "name": "Sales", "num_members": 3, "num_sub_teams": 0, "team_parent": null}}),
        ),
        (
            "GET",
            "/v3/team/members/t-1",
            Some("1"),
            200,
            json!({"team_members": members(1, 2), "list_info": list_info(1)}),
        ),
        (
            "GET",
            "/v3/team/members/t-1",
            Some("2"),
            200,
            json!({"team_members": members(2, 1), "list_info": list_info(2)}),
        ),
        ("GET", "/v3/fax_line/area_codes", None, 200, json!({"area_codes": [415, 628]})),
        // Fax line answers, as the vendor documents them: one warning object.
        (
            "GET",
            "/v3/fax_line",
            None,
            200,
            json!({"fax_line": fax_line, "warnings": {"warning_msg": "note", "warning_name": "unknown"}}),
        ),
        ("DELETE", "/v3/fax_line", None, 200, Value::Null),
        (
            "POST",
            "/v3/fax/send",
            None,
            200,
            json!({"fax": {"fax_id": "fx-1", "title": "Invoice", "original_title": "Invoice", "metadata": {},
                "created_at": 1767225600, "sender": "me@example.com", "files_url": "https://x.test/f",
                "transmissions": [{"recipient": "+14155550100", "status_code": "transmitting"}]}}),
        ),
    ];
    for (verb, at, page, status, body) in answers {
        let mock = Mock::given(method(verb)).and(path(at));
        let mock = match page {
            Some(page) => mock.and(query_param("page", page)),
            None => mock,
        };
        mock.respond_with(ResponseTemplate::new(status).set_body_json(body)).mount(server).await;
    }
    Mock::given(method("DELETE"))
        .and(path("/v3/api_app/app-1"))
        .respond_with(ResponseTemplate::new(204))
        .mount(server)
        .await;
}

/// The operations the vendor's spec has and the older reference did not:
/// each goes to its path with its method and body, and its answer parses.
#[tokio::test]
async fn the_operations_added_from_the_vendor_spec_reach_their_paths_and_parse() {
    let server = wiremock::MockServer::start().await;
    mount_vendor_answers(&server).await;
    let client = Client::builder()
        .base_url(format!("{}/v3", server.uri()))
        .credentials(Credentials::api_key("api-key-for-the-local-server"))
        .retry_policy(RetryPolicy::never())
        .build()
        .unwrap();

    // Editing takes the body of `send`, with today's flat list of fields.
    let mut edit = file_url_request();
    edit.form_fields_per_document = Some(
        serde_json::from_value(json!([{"api_id": "sig", "type": "signature", "x": 1, "y": 2, "width": 120,
            "height": 30, "required": true, "signer": 0, "page": 1, "document_index": 0}]))
        .unwrap(),
    );
    let mut experience = ds::SignerExperience::default();
    experience.form_view = Some(ds::FormView::Forced);
    edit.signer_experience = Some(experience);
    let edited = client.signature_request_edit("sr-1", &edit).await.unwrap().body.signature_request;
    assert_eq!(edited.signer_experience.unwrap().form_view, Some(ds::FormView::EnabledByDefault));

    let mut role = ds::TemplateRole::default();
    role.name = Some("Client".to_owned());
    let fields: ds::FormFieldsPerDocument = serde_json::from_value(json!([{"api_id": "s", "type": "signature",
        "x": 1, "y": 2, "width": 120, "height": 30, "required": true, "signer": 0, "document_index": 0}]))
    .unwrap();
    let mut create = ds::TemplateCreateRequest::new(vec![role], fields);
    create.file_urls = Some(vec!["https://files.example.test/a.pdf".to_owned()]);
    let created = client.template_create(&create).await.unwrap();
    assert_eq!(created.body.template.template_id.as_deref(), Some("tpl-new"));

    let info = client.team_info(&ds::TeamInfoOptions::default()).await.unwrap().body.team;
    assert_eq!((info.name.as_deref(), info.num_members), (Some("Sales"), Some(3)));
    let mut page = ds::TeamMembersOptions::default();
    page.page_size = Some(2);
    let members: Vec<ds::TeamMember> =
        client.team_members_items("t-1", &page).map(|m| m.unwrap()).collect::<Vec<_>>().await;
    assert_eq!(members.len(), 3, "both pages");
    assert_eq!(members[0].role, Some(ds::TeamRole::Member));

    let mut in_california = ds::FaxLineAreaCodeGetOptions::default();
    in_california.state = Some(ds::FaxLineState::Ca);
    let codes = client.fax_line_area_code_get(&ds::FaxLineCountry::Us, &in_california).await.unwrap();
    assert_eq!(codes.body.area_codes, [415, 628]);
    let line = client.fax_line_get("+14155550100").await.unwrap().body;
    assert_eq!(line.fax_line.accounts.unwrap()[0].account_id.as_deref(), Some("acc-1"));
    assert!(matches!(line.warnings, Some(ds::Warnings::Warning(w)) if w.warning_msg == "note"));
    client.fax_line_delete(&ds::FaxLineDeleteRequest::new("+14155550100".to_owned())).await.unwrap();
    let fax = client.fax_send(&ds::FaxSendRequest::new("+14155550100".to_owned())).await.unwrap().body.fax;
    assert_eq!(fax.transmissions[0].status_code, ds::FaxTransmissionStatus::Transmitting);
    assert_eq!(client.api_app_delete("app-1").await.unwrap().status, 204);

    // The OAuth token endpoints live on the app host, not under /v3, and
    // take no credentials.
    let app_host = Client::builder().base_url(server.uri()).retry_policy(RetryPolicy::never()).build().unwrap();
    let body = ds::OAuthTokenGenerateRequest::new(
        "client".to_owned(),
        "secret".to_owned(),
        "code".to_owned(),
        "state".to_owned(),
        "authorization_code".to_owned(),
    );
    let token = app_host.oauth_token_generate(&body).await.unwrap().body;
    assert_eq!((token.access_token.as_deref(), token.expires_in), (Some("at"), Some(3600)));
    let refresh = ds::OAuthTokenRefreshRequest::new("refresh_token".to_owned(), "rt".to_owned());
    assert!(app_host.oauth_token_refresh(&refresh).await.is_ok());

    let seen = server.received_requests().await.expect("wiremock records requests");
    let calls: Vec<(String, String, bool)> = seen
        .iter()
        .map(|r| {
            let target = match r.url.query() {
                Some(query) => format!("{}?{query}", r.url.path()),
                None => r.url.path().to_owned(),
            };
            (r.method.to_string(), target, r.headers.contains_key("authorization"))
        })
        .collect();
    let expected = [
        ("PUT", "/v3/signature_request/edit/sr-1", true),
        ("POST", "/v3/template/create", true),
        ("GET", "/v3/team/info", true),
        ("GET", "/v3/team/members/t-1?page=1&page_size=2", true),
        ("GET", "/v3/team/members/t-1?page=2&page_size=2", true),
        ("GET", "/v3/fax_line/area_codes?country=US&state=CA", true),
        ("GET", "/v3/fax_line?number=%2B14155550100", true),
        ("DELETE", "/v3/fax_line", true),
        ("POST", "/v3/fax/send", true),
        ("DELETE", "/v3/api_app/app-1", true),
        ("POST", "/oauth/token", false),
        // The path's bare `refresh` marker, sent as an empty pair.
        ("POST", "/oauth/token?refresh=", false),
    ];
    let expected: Vec<(String, String, bool)> =
        expected.iter().map(|(m, t, a)| ((*m).to_owned(), (*t).to_owned(), *a)).collect();
    assert_eq!(calls, expected);
    let body = |n: usize| serde_json::from_slice::<Value>(&seen[n].body).unwrap_or(Value::Null);
    assert_eq!(body(0)["form_fields_per_document"][0]["document_index"], 0, "today's flat shape");
    assert_eq!(body(0)["signer_experience"], json!({"form_view": "forced"}));
    assert_eq!(body(7), json!({"number": "+14155550100"}), "DELETE /fax_line carries its body");
    assert_eq!(body(11)["grant_type"], "refresh_token");
}
