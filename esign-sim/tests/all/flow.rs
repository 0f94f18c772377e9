//! The whole flow against the Dropbox Sign simulator, driven by the real
//! client: sending (JSON and multipart, from templates, embedded, by
//! unclaimed draft), signing, the events each step posts, reminders,
//! updates, downloads, cancelling.

use crate::support::{callback_endpoint, next_event, sim_client};
use base64::Engine as _;
use esign_client::dropbox_sign::{
    ErrorName, EventCallback, EventType, FileType, SignatureRequestCreateEmbeddedRequest,
    SignatureRequestFilesAsFileUrlOptions, SignatureRequestFilesOptions, SignatureRequestRemindRequest,
    SignatureRequestSendMultipart, SignatureRequestSendRequest, SignatureRequestSendWithTemplateRequest,
    SignatureRequestSigner, SignatureRequestUpdateRequest, SignatureStatusCode, TemplateCreateEmbeddedDraftRequest,
    TemplateListOptions, TemplateRole, TemplateSigner, UnclaimedDraftCreateMultipart, UnclaimedDraftCreateRequest,
    UnclaimedDraftSigner, UnclaimedDraftType,
};
use esign_client::runtime::{Error, FilePart, RetryPolicy, Secret};
use esign_sim::dropbox_sign::{one_page_pdf, Delivery, RequestState};
use esign_sim::DropboxSignSim;
use std::time::Duration;
use tokio::sync::mpsc;

const SETTLE: Duration = Duration::from_secs(10);

fn api_error(err: &Error<esign_client::dropbox_sign::ErrorResponse>) -> (u16, ErrorName, Option<String>) {
    match err {
        Error::Api { body, response } => {
            (response.status.as_u16(), body.error.error_name.clone(), body.error.error_path.clone())
        }
        other => panic!("expected the documented error body, got {other:?}"),
    }
}

fn signers(people: &[(&str, &str)]) -> Vec<SignatureRequestSigner> {
    people.iter().map(|(name, email)| SignatureRequestSigner::new((*name).to_owned(), (*email).to_owned())).collect()
}

fn json_request(title: &str) -> SignatureRequestSendRequest {
    let mut request = SignatureRequestSendRequest::default();
    request.title = Some(title.to_owned());
    request.file_urls = Some(vec!["https://example.com/contract.pdf".to_owned()]);
    request.signers = Some(signers(&[("Jack", "jack@example.com"), ("Jill", "jill@example.com")]));
    request.test_mode = Some(true);
    request
}

/// A small real PDF to upload.
fn document() -> FilePart {
    FilePart::new(one_page_pdf(&["Contract".to_owned()])).file_name("contract.pdf").content_type("application/pdf")
}

/// The next `count` events the endpoint verified, by type.
async fn event_types(events: &mut mpsc::Receiver<EventCallback>, count: usize) -> Vec<EventType> {
    let mut types = Vec::new();
    for _ in 0..count {
        types.push(next_event(events).await.event.event_type);
    }
    types
}

fn remind_body(email: &str) -> SignatureRequestRemindRequest {
    SignatureRequestRemindRequest::new(email.to_owned())
}

async fn raw_post(sim: &DropboxSignSim, path: &str, body: serde_json::Value) -> (u16, serde_json::Value) {
    let response = reqwest::Client::new()
        .post(format!("{}{path}", sim.base_url()))
        .basic_auth(sim.api_key(), Some(""))
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, serde_json::from_str(&response.text().await.unwrap()).unwrap())
}

#[tokio::test(start_paused = true)]
async fn requests_sent_as_json_or_multipart_await_signature_and_read_back() {
    let sim = DropboxSignSim::start().await;
    let (url, mut events) = callback_endpoint(sim.api_key()).await;
    sim.set_callback_url(url);
    let client = sim_client(&sim, RetryPolicy::never());

    let mut request = json_request("By URL");
    request.metadata = Some([("order".to_owned(), serde_json::json!(7))].into_iter().collect());
    request.cc_email_addresses = Some(vec!["boss@example.com".to_owned()]);
    let sent = client.signature_request_send(&request).await.unwrap().body.signature_request;
    let id = sent.signature_request_id.clone().unwrap();
    assert_eq!(id.len(), 40);
    assert_eq!(sent.is_complete, Some(false));
    assert_eq!(sent.title.as_deref(), Some("By URL"));
    assert_eq!(sent.metadata.as_ref().unwrap()["order"], 7);
    let signatures = sent.signatures.unwrap();
    let names: Vec<_> = signatures.iter().map(|s| s.signer_name.clone().unwrap()).collect();
    assert_eq!(names, ["Jack", "Jill"]);
    assert!(signatures.iter().all(|s| s.status_code == Some(SignatureStatusCode::AwaitingSignature)));
    assert_eq!(sim.state(&id), Some(RequestState::AwaitingSignature));
    assert_eq!(sim.documents(&id), ["https://example.com/contract.pdf"]);

    // The same through the multipart form, with the file uploaded.
    let mut request = json_request("Uploaded");
    request.file_urls = None;
    request.metadata = Some([("order".to_owned(), serde_json::json!("8"))].into_iter().collect());
    let mut body = SignatureRequestSendMultipart::new(request);
    body.files = Some(vec![document()]);
    let uploaded = client.signature_request_send_multipart(&body).await.unwrap().body.signature_request;
    let uploaded_id = uploaded.signature_request_id.unwrap();
    assert_eq!(sim.documents(&uploaded_id), ["contract.pdf"]);
    let read = client.signature_request_get(&uploaded_id).await.unwrap().body.signature_request;
    assert_eq!(read.title.as_deref(), Some("Uploaded"));
    assert_eq!(read.test_mode, Some(true), "the form's `1` is read as true");
    assert_eq!(read.metadata.as_ref().unwrap()["order"], "8");
    assert_eq!(read.signatures.unwrap()[1].signer_email_address.as_deref(), Some("jill@example.com"));

    // Both are listed, after nothing else.
    let list = client.signature_request_list(&Default::default()).await.unwrap().body;
    let listed: Vec<_> = list.signature_requests.iter().map(|r| r.signature_request_id.clone().unwrap()).collect();
    assert_eq!(listed, [id.clone(), uploaded_id.clone()]);

    // Each posted signature_request_sent, verified by the endpoint.
    assert_eq!(event_types(&mut events, 2).await, [EventType::SignatureRequestSent, EventType::SignatureRequestSent]);
    assert!(sim.settle(SETTLE).await);
    assert!(sim.events().iter().all(|e| e.delivery == Delivery::Acknowledged));
}

#[tokio::test(start_paused = true)]
async fn sends_the_api_would_refuse_are_refused_with_the_parameter_named() {
    let sim = DropboxSignSim::start().await;
    let signer = serde_json::json!([{"name": "Jack", "email_address": "jack@example.com"}]);
    let cases = [
        (serde_json::json!({"signers": signer}), 400, "bad_request", "files"),
        (serde_json::json!({"file_urls": ["https://example.com/a.pdf"]}), 400, "bad_request", "signers"),
        (
            serde_json::json!({"file_urls": ["https://example.com/a.pdf"], "signers": [{"name": "Jack", "email_address": "jack"}]}),
            400,
            "invalid_recipient",
            "signers[0][email_address]",
        ),
        (
            serde_json::json!({"file_urls": ["https://example.com/a.pdf"], "signers": [{"email_address": "j@example.com"}]}),
            400,
            "bad_request",
            "signers[0][name]",
        ),
    ];
    let urls = serde_json::json!(["https://example.com/a.pdf"]);
    let field = |document: i64, signer: i64| {
        serde_json::json!({"api_id": "s", "type": "signature", "x": 1, "y": 1, "width": 10, "height": 10,
                           "required": true, "signer": signer, "document_index": document})
    };
    let cases = cases.into_iter().chain([
        (
            serde_json::json!({"file_urls": urls, "signers": signer, "form_fields_per_document": [field(0, 1)]}),
            400,
            "bad_request",
            "form_fields_per_document[0][signer]",
        ),
        (
            serde_json::json!({"file_urls": urls, "signers": signer, "form_fields_per_document": [field(1, 0)]}),
            400,
            "bad_request",
            "form_fields_per_document[0][document_index]",
        ),
        // The older shape, one list per document.
        (
            serde_json::json!({"file_urls": urls, "signers": signer, "form_fields_per_document": [[], [field(0, 0)]]}),
            400,
            "bad_request",
            "form_fields_per_document[1][0][document_index]",
        ),
    ]);
    for (body, status, name, path) in cases {
        let (got, answer) = raw_post(&sim, "/signature_request/send", body.clone()).await;
        assert_eq!(got, status, "{body}: {answer}");
        assert_eq!(answer["error"]["error_name"], name, "{body}");
        assert_eq!(answer["error"]["error_path"], path, "{body}");
    }
    // A body that is neither JSON nor a form.
    let response = reqwest::Client::new()
        .post(format!("{}/signature_request/send", sim.base_url()))
        .basic_auth(sim.api_key(), Some(""))
        .header("content-type", "text/plain")
        .body("hello")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert!(sim.events().is_empty() && sim.settle(SETTLE).await, "nothing was sent");
}

#[tokio::test(start_paused = true)]
async fn templates_are_listed_and_sending_with_one_fills_its_roles() {
    let sim = DropboxSignSim::start().await;
    sim.add_template("tpl-nda", "NDA", &["Client", "Witness"]);
    sim.add_template("tpl-other", "Other", &["Signer"]);
    let client = sim_client(&sim, RetryPolicy::never());

    let template = client.template_get("tpl-nda").await.unwrap().body.template.unwrap();
    let roles: Vec<_> = template.signer_roles.unwrap().into_iter().map(|r| r.name.unwrap()).collect();
    assert_eq!(roles, ["Client", "Witness"]);
    let err = client.template_get("missing").await.unwrap_err();
    assert_eq!(api_error(&err).0, 404);
    let mut options = TemplateListOptions::default();
    options.page_size = Some(1);
    let page = client.template_list(&options).await.unwrap().body;
    assert_eq!(page.templates.len(), 1);
    assert_eq!((page.list_info.num_pages, page.list_info.num_results), (Some(2), Some(2)));

    // The witness is given first; the signatures follow the roles' order.
    let by_role = |role: &str, name: &str| {
        TemplateSigner::new(role.to_owned(), name.to_owned(), format!("{}@example.com", name.to_lowercase()))
    };
    let request = SignatureRequestSendWithTemplateRequest::new(
        vec!["tpl-nda".to_owned()],
        vec![by_role("Witness", "Wendy"), by_role("Client", "Carl")],
    );
    let sent = client.signature_request_send_with_template(&request).await.unwrap().body.signature_request;
    assert_eq!(sent.template_ids, Some(vec!["tpl-nda".to_owned()]));
    let signatures = sent.signatures.unwrap();
    let filled: Vec<_> =
        signatures.iter().map(|s| (s.signer_role.clone().unwrap(), s.signer_name.clone().unwrap())).collect();
    assert_eq!(filled, [("Client".to_owned(), "Carl".to_owned()), ("Witness".to_owned(), "Wendy".to_owned())]);

    // A role left empty, a role the template lacks, a template that does not exist.
    let missing = SignatureRequestSendWithTemplateRequest::new(vec!["tpl-nda".into()], vec![by_role("Client", "Carl")]);
    let err = client.signature_request_send_with_template(&missing).await.unwrap_err();
    assert_eq!(api_error(&err), (400, ErrorName::BadRequest, Some("signers".to_owned())));
    let unknown =
        SignatureRequestSendWithTemplateRequest::new(vec!["tpl-other".into()], vec![by_role("Client", "Carl")]);
    let err = client.signature_request_send_with_template(&unknown).await.unwrap_err();
    assert_eq!(api_error(&err), (400, ErrorName::BadRequest, Some("signers[0][role]".to_owned())));
    let gone = SignatureRequestSendWithTemplateRequest::new(vec!["tpl-none".into()], vec![by_role("Client", "Carl")]);
    let err = client.signature_request_send_with_template(&gone).await.unwrap_err();
    assert_eq!(api_error(&err).0, 404);
}

#[tokio::test(start_paused = true)]
async fn an_embedded_template_draft_exists_at_once_and_posts_template_created() {
    let sim = DropboxSignSim::start().await;
    let (url, mut events) = callback_endpoint(sim.api_key()).await;
    sim.set_callback_url(url);
    let client = sim_client(&sim, RetryPolicy::never());
    let mut request = TemplateCreateEmbeddedDraftRequest::new("client-1".to_owned());
    request.file_urls = Some(vec!["https://example.com/lease.pdf".to_owned()]);
    request.title = Some("Lease".to_owned());
    let mut role = TemplateRole::default();
    role.name = Some("Tenant".to_owned());
    request.signer_roles = Some(vec![role]);
    let draft = client.template_create_embedded_draft(&request).await.unwrap().body.template.unwrap();
    let id = draft.template_id.unwrap();
    assert!(draft.edit_url.unwrap().contains(&id));
    assert_eq!(sim.templates(), std::slice::from_ref(&id));
    let event = next_event(&mut events).await;
    assert_eq!(event.event.event_type, EventType::TemplateCreated);
    assert_eq!(event.template.unwrap().template_id.as_deref(), Some(id.as_str()));
    let template = client.template_get(&id).await.unwrap().body.template.unwrap();
    assert_eq!(template.title.as_deref(), Some("Lease"));
    assert_eq!(template.is_embedded, Some(true));
}

#[tokio::test(start_paused = true)]
async fn an_unclaimed_draft_becomes_a_request_once_claimed() {
    let sim = DropboxSignSim::start().await;
    let (url, mut events) = callback_endpoint(sim.api_key()).await;
    sim.set_callback_url(url);
    let client = sim_client(&sim, RetryPolicy::never());
    let mut request = UnclaimedDraftCreateRequest::new(UnclaimedDraftType::RequestSignature);
    request.signers = Some(vec![UnclaimedDraftSigner::new("Jack".to_owned(), "jack@example.com".to_owned())]);
    request.test_mode = Some(true);
    let mut body = UnclaimedDraftCreateMultipart::new(request);
    body.files = Some(vec![document()]);
    let draft = client.unclaimed_draft_create_multipart(&body).await.unwrap().body.unclaimed_draft.unwrap();
    let id = draft.signature_request_id.unwrap();
    assert!(draft.claim_url.unwrap().starts_with("http://127.0.0.1:"));
    assert_eq!(draft.test_mode, Some(true));
    assert_eq!(sim.unclaimed_drafts(), std::slice::from_ref(&id));

    // Not a request until claimed.
    assert_eq!(api_error(&client.signature_request_get(&id).await.unwrap_err()).0, 404);
    assert!(sim.claim_draft(&id));
    assert!(!sim.claim_draft(&id), "once");
    assert!(sim.unclaimed_drafts().is_empty());
    let request = client.signature_request_get(&id).await.unwrap().body.signature_request;
    assert_eq!(request.signatures.unwrap()[0].signer_name.as_deref(), Some("Jack"));
    assert_eq!(sim.documents(&id), ["contract.pdf"]);
    assert_eq!(next_event(&mut events).await.event.event_type, EventType::SignatureRequestSent);

    // A draft needs its type (the client checks that much); the simulator checks it too.
    let (status, answer) = raw_post(&sim, "/unclaimed_draft/create", serde_json::json!({"file_urls": ["u"]})).await;
    assert_eq!((status, &answer["error"]["error_path"]), (400, &serde_json::json!("type")));
}

#[tokio::test(start_paused = true)]
async fn signing_posts_signed_then_all_signed_events_verified_by_the_callback_endpoint() {
    let sim = DropboxSignSim::builder().api_key("account-key").start().await;
    let (url, mut events) = callback_endpoint("account-key").await;
    sim.set_callback_url(url);
    let client = sim_client(&sim, RetryPolicy::never());
    let mut request = json_request("Ordered");
    let mut ordered = signers(&[("Jack", "jack@example.com"), ("Jill", "jill@example.com")]);
    ordered[0].order = Some(0);
    ordered[1].order = Some(1);
    request.signers = Some(ordered);
    let id =
        client.signature_request_send(&request).await.unwrap().body.signature_request.signature_request_id.unwrap();
    assert_eq!(next_event(&mut events).await.event.event_type, EventType::SignatureRequestSent);

    assert!(!sim.sign(&id, 1), "Jill signs after Jack");
    assert!(!sim.sign("missing", 0));
    assert!(sim.sign(&id, 0));
    assert_eq!(sim.state(&id), Some(RequestState::PartiallySigned));
    let signed = next_event(&mut events).await;
    assert_eq!(signed.event.event_type, EventType::SignatureRequestSigned);
    signed.verify(Secret::new("account-key")).expect("signed with the account's key");
    let jack = &signed.signature_request.as_ref().unwrap().signatures.as_ref().unwrap()[0];
    assert_eq!(signed.event.event_metadata.as_ref().unwrap().related_signature_id, jack.signature_id.clone());
    assert_eq!(jack.status_code, Some(SignatureStatusCode::Signed));

    assert!(sim.sign(&id, 1));
    assert_eq!(
        event_types(&mut events, 3).await,
        [
            EventType::SignatureRequestSigned,
            EventType::SignatureRequestAllSigned,
            EventType::SignatureRequestDownloadable
        ]
    );
    assert_eq!(sim.state(&id), Some(RequestState::FullySigned));
    let read = client.signature_request_get(&id).await.unwrap().body.signature_request;
    assert_eq!(read.is_complete, Some(true));
    assert!(!sim.sign_all(&id), "nobody is left");

    // Complete: no cancel; remove works.
    let err = client.signature_request_cancel(&id).await.unwrap_err();
    assert_eq!(api_error(&err).1, ErrorName::SignatureRequestCancelFailed);
    client.signature_request_remove(&id).await.unwrap();
    assert_eq!(api_error(&client.signature_request_get(&id).await.unwrap_err()).0, 410);

    // A decline ends another request.
    let other = client.signature_request_send(&json_request("Declined")).await.unwrap();
    let other = other.body.signature_request.signature_request_id.unwrap();
    assert!(sim.decline(&other, 1, "Not my name"));
    assert!(!sim.sign(&other, 0), "declined requests are closed");
    assert_eq!(
        event_types(&mut events, 2).await,
        [EventType::SignatureRequestSent, EventType::SignatureRequestDeclined]
    );
    let read = client.signature_request_get(&other).await.unwrap().body.signature_request;
    assert_eq!(read.is_declined, Some(true));
    assert_eq!(read.signatures.unwrap()[1].decline_reason.as_deref(), Some("Not my name"));
    assert!(sim.settle(SETTLE).await);
    assert_eq!(sim.events().len(), 7);
}

#[tokio::test(start_paused = true)]
async fn a_sent_request_can_be_canceled_and_posts_the_canceled_event() {
    let sim = DropboxSignSim::start().await;
    let (url, mut events) = callback_endpoint(sim.api_key()).await;
    sim.set_callback_url(url);
    let client = sim_client(&sim, RetryPolicy::never());
    let id = client.signature_request_send(&json_request("To cancel")).await.unwrap();
    let id = id.body.signature_request.signature_request_id.unwrap();
    assert!(sim.sign(&id, 0));
    client.signature_request_cancel(&id).await.unwrap();
    assert!(!sim.sign(&id, 1), "a canceling request is closed");
    assert_eq!(
        event_types(&mut events, 3).await,
        [EventType::SignatureRequestSent, EventType::SignatureRequestSigned, EventType::SignatureRequestCanceled]
    );
    assert!(sim.settle(SETTLE).await);
    assert_eq!(sim.state(&id), Some(RequestState::Canceled));
    assert_eq!(api_error(&client.signature_request_get(&id).await.unwrap_err()).0, 410);
}

#[tokio::test(start_paused = true)]
async fn automatic_signatures_complete_every_request_sent() {
    // With no delay, the answer to the send still awaits signature and the next read is complete.
    let sim = DropboxSignSim::builder().auto_sign_after(Duration::ZERO).start().await;
    let client = sim_client(&sim, RetryPolicy::never());
    let sent = client.signature_request_send(&json_request("Auto")).await.unwrap().body.signature_request;
    assert_eq!(sent.is_complete, Some(false));
    let id = sent.signature_request_id.unwrap();
    let read = client.signature_request_get(&id).await.unwrap().body.signature_request;
    assert_eq!(read.is_complete, Some(true));
    assert!(sim.settle(SETTLE).await);
    let types: Vec<_> = sim.events().into_iter().map(|e| e.event_type).collect();
    assert_eq!(types, crate::support::TWO_SIGNERS_SIGN);

    // With a delay, settle waits for the signatures and their events.
    let sim = DropboxSignSim::builder().auto_sign_after(Duration::from_millis(30)).start().await;
    let client = sim_client(&sim, RetryPolicy::never());
    let id = client.signature_request_send(&json_request("Later")).await.unwrap();
    let id = id.body.signature_request.signature_request_id.unwrap();
    assert!(sim.settle(SETTLE).await);
    assert_eq!(sim.state(&id), Some(RequestState::FullySigned));
    assert_eq!(sim.events().len(), 5);
}

#[tokio::test(start_paused = true)]
async fn downloads_are_a_real_pdf_as_bytes_data_uri_or_url() {
    let sim = DropboxSignSim::start().await;
    let client = sim_client(&sim, RetryPolicy::never());
    let id = client.signature_request_send(&json_request("Download me")).await.unwrap();
    let id = id.body.signature_request.signature_request_id.unwrap();
    assert!(sim.sign_all(&id));

    let mut options = SignatureRequestFilesOptions::default();
    options.file_type = Some(FileType::Pdf);
    let response = client.signature_request_files(&id, &options).await.unwrap();
    assert_eq!(response.headers.get("content-type").unwrap(), "application/pdf");
    let pdf = response.body.collect(1 << 20).await.unwrap();
    assert!(pdf.starts_with(b"%PDF-"), "{:?}", &pdf[..16]);
    assert!(pdf.trim_ascii_end().ends_with(b"%%EOF"));
    let text = String::from_utf8_lossy(&pdf);
    assert!(text.contains("(Download me) Tj"), "the title is on the page");
    assert!(text.contains("Jill <jill@example.com>: signed at"), "{text}");

    // The same document as a data URI and at a temporary URL (no credentials needed).
    let data_uri = client.signature_request_files_as_data_uri(&id).await.unwrap().body.data_uri.unwrap();
    let encoded = data_uri.strip_prefix("data:application/pdf;base64,").unwrap();
    assert_eq!(base64::engine::general_purpose::STANDARD.decode(encoded).unwrap(), pdf);
    let url = client.signature_request_files_as_file_url(&id, &SignatureRequestFilesAsFileUrlOptions::default()).await;
    let file = url.unwrap().body;
    assert!(file.expires_at.unwrap() > 0);
    let fetched = reqwest::get(file.file_url.unwrap()).await.unwrap();
    assert_eq!(fetched.status(), 200);
    assert_eq!(fetched.bytes().await.unwrap(), pdf);

    // A ZIP archive: one PDF per document, named after it.
    options.file_type = Some(FileType::Zip);
    let response = client.signature_request_files(&id, &options).await.unwrap();
    assert_eq!(response.headers.get("content-type").unwrap(), "application/zip");
    let zip = response.body.collect(1 << 20).await.unwrap();
    assert!(zip.starts_with(b"PK\x03\x04"));
    let name = b"contract.pdf";
    let at = zip.windows(name.len()).position(|w| w == name).expect("the document's name");
    assert!(zip[at + name.len()..].starts_with(b"%PDF-"), "the PDF follows its local header");
    assert_eq!(api_error(&client.signature_request_files("missing", &options).await.unwrap_err()).0, 404);
}

#[tokio::test(start_paused = true)]
async fn reminders_and_updates_change_the_signers_as_documented() {
    let sim = DropboxSignSim::start().await;
    let (url, mut events) = callback_endpoint(sim.api_key()).await;
    sim.set_callback_url(url);
    let client = sim_client(&sim, RetryPolicy::never());
    let id = client.signature_request_send(&json_request("Remind")).await.unwrap();
    let id = id.body.signature_request.signature_request_id.unwrap();

    let reminded =
        client.signature_request_remind(&id, &SignatureRequestRemindRequest::new("JILL@example.com".into())).await;
    let signatures = reminded.unwrap().body.signature_request.signatures.unwrap();
    assert!(signatures[1].last_reminded_at.is_some());
    assert!(signatures[0].last_reminded_at.is_none());
    assert_eq!(event_types(&mut events, 2).await, [EventType::SignatureRequestSent, EventType::SignatureRequestRemind]);
    let again_body = remind_body("jill@example.com");
    let again = client.signature_request_remind(&id, &again_body);
    assert_eq!(api_error(&again.await.unwrap_err()).1, ErrorName::InvalidReminder);
    let nobody_body = remind_body("zed@example.com");
    let nobody = client.signature_request_remind(&id, &nobody_body);
    assert_eq!(api_error(&nobody.await.unwrap_err()), (400, ErrorName::BadRequest, Some("email_address".into())));

    // A new address is a new signature id; a new name keeps it.
    let jack = signatures[0].signature_id.clone().unwrap();
    let mut update = SignatureRequestUpdateRequest::new(jack.clone());
    update.name = Some("Jack Sprat".to_owned());
    let renamed = client.signature_request_update(&id, &update).await.unwrap().body.signature_request;
    let first = &renamed.signatures.unwrap()[0];
    assert_eq!(
        (first.signer_name.as_deref(), first.signature_id.as_deref()),
        (Some("Jack Sprat"), Some(jack.as_str()))
    );
    let mut update = SignatureRequestUpdateRequest::new(jack.clone());
    update.email_address = Some("sprat@example.com".to_owned());
    let moved = client.signature_request_update(&id, &update).await.unwrap().body.signature_request;
    let first = &moved.signatures.unwrap()[0];
    assert_eq!(first.signer_email_address.as_deref(), Some("sprat@example.com"));
    let new_id = first.signature_id.clone().unwrap();
    assert_ne!(new_id, jack);
    let stale = client.signature_request_update(&id, &update).await.unwrap_err();
    assert_eq!(api_error(&stale), (400, ErrorName::BadRequest, Some("signature_id".into())));

    // Once a signer signed, they can be neither reminded nor updated.
    assert!(sim.sign(&id, 0));
    let mut update = SignatureRequestUpdateRequest::new(new_id);
    update.name = Some("Too late".to_owned());
    assert_eq!(api_error(&client.signature_request_update(&id, &update).await.unwrap_err()).0, 400);
    let signed_body = remind_body("sprat@example.com");
    let signed = client.signature_request_remind(&id, &signed_body);
    assert_eq!(api_error(&signed.await.unwrap_err()).1, ErrorName::BadRequest);
}

#[tokio::test(start_paused = true)]
async fn embedded_requests_are_signed_through_sign_urls_and_never_reminded() {
    let sim = DropboxSignSim::start().await;
    let client = sim_client(&sim, RetryPolicy::never());
    let mut request = SignatureRequestCreateEmbeddedRequest::new("client-1".to_owned());
    request.file_urls = Some(vec!["https://example.com/a.pdf".to_owned()]);
    request.signers = Some(signers(&[("Jack", "jack@example.com")]));
    let sent = client.signature_request_create_embedded(&request).await.unwrap().body.signature_request;
    let id = sent.signature_request_id.unwrap();
    assert_eq!(sent.client_id.as_deref(), Some("client-1"));
    let signature_id = sent.signatures.unwrap()[0].signature_id.clone().unwrap();

    let url = client.embedded_sign_url(&signature_id).await.unwrap().body.embedded.unwrap();
    assert!(url.sign_url.unwrap().contains(&signature_id));
    let remind_body = remind_body("jack@example.com");
    let remind = client.signature_request_remind(&id, &remind_body);
    assert_eq!(api_error(&remind.await.unwrap_err()).1, ErrorName::BadRequest);
    assert!(sim.sign(&id, 0));
    assert_eq!(api_error(&client.embedded_sign_url(&signature_id).await.unwrap_err()).0, 409);
    assert_eq!(api_error(&client.embedded_sign_url("nobody").await.unwrap_err()).0, 404);

    // A request sent by email has no sign URL.
    let by_email = client.signature_request_send(&json_request("Email")).await.unwrap().body.signature_request;
    let signature = by_email.signatures.unwrap()[0].signature_id.clone().unwrap();
    assert_eq!(api_error(&client.embedded_sign_url(&signature).await.unwrap_err()).0, 400);
}

#[tokio::test(start_paused = true)]
async fn final_documents_take_the_preparation_time_the_builder_gives() {
    // An hour: the downloads answer 409 for as long as the test looks.
    let sim = DropboxSignSim::builder().prepare_files_for(Duration::from_secs(3600)).start().await;
    let client = sim_client(&sim, RetryPolicy::never());
    let id = client.signature_request_send(&json_request("Slow")).await.unwrap();
    let id = id.body.signature_request.signature_request_id.unwrap();
    let options = SignatureRequestFilesOptions::default();
    client.signature_request_files(&id, &options).await.expect("before the end, the current documents");
    assert!(sim.sign_all(&id));
    let conflict = (409, ErrorName::Conflict, None);
    assert_eq!(api_error(&client.signature_request_files(&id, &options).await.unwrap_err()), conflict);
    assert_eq!(api_error(&client.signature_request_files_as_data_uri(&id).await.unwrap_err()), conflict);
    let url_options = SignatureRequestFilesAsFileUrlOptions::default();
    let url = client.signature_request_files_as_file_url(&id, &url_options).await;
    assert_eq!(api_error(&url.unwrap_err()), conflict);

    // A short one: settle waits for it; then the event is posted and the files download.
    let sim = DropboxSignSim::builder().prepare_files_for(Duration::from_millis(30)).start().await;
    let client = sim_client(&sim, RetryPolicy::never());
    let id = client.signature_request_send(&json_request("Quick")).await.unwrap();
    let id = id.body.signature_request.signature_request_id.unwrap();
    assert!(sim.sign_all(&id));
    assert!(sim.settle(SETTLE).await);
    let types: Vec<_> = sim.events().into_iter().map(|e| e.event_type).collect();
    assert_eq!(types.last().map(String::as_str), Some("signature_request_downloadable"));
    assert_eq!(types.len(), 5);
    client.signature_request_files(&id, &options).await.unwrap();
}

#[test]
fn signers_can_be_made_to_sign_from_outside_the_runtime() {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    let sim = runtime.block_on(DropboxSignSim::builder().prepare_files_for(Duration::from_millis(10)).start());
    let client = sim_client(&sim, RetryPolicy::never());
    let sent = runtime.block_on(client.signature_request_send(&json_request("Sync"))).unwrap();
    let id = sent.body.signature_request.signature_request_id.unwrap();
    // A plain thread: the preparation timer still runs on the simulator's runtime.
    assert!(sim.sign_all(&id));
    assert!(runtime.block_on(sim.settle(SETTLE)));
    assert_eq!(sim.events().len(), 5);
    assert!(!sim.claim_draft("none"));
}
