//! The Dropbox Sign endpoints beyond cancel and remove, against a local
//! server (axum on 127.0.0.1) that reads each request the way the reference
//! describes it and answers with what the API returns: it checks every part
//! of a multipart send, keeps signature requests, reminders, holds, the team
//! and the apps, streams downloads, and can answer any documented error.

use crate::support::{read_multipart, serve, FormPart};
use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use esign_client::dropbox_sign::{
    self as ds, Client, Credentials, ErrorName, FormField, GroupRequirement, ResponseData, SignatureRequestCustomField,
    SignatureStatusCode,
};
use esign_client::runtime::{Error, FilePart, RetryPolicy};
use futures_util::StreamExt;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const KEY: &str = "api-key-for-the-local-server";
/// base64("api-key-for-the-local-server:"): the key as the basic user name, no password.
const BASIC: &str = "Basic YXBpLWtleS1mb3ItdGhlLWxvY2FsLXNlcnZlcjo=";
const MIB: u64 = 1024 * 1024;

/// What the server remembers between calls.
#[derive(Default)]
struct Books {
    /// Signature requests by id, as the API returns them.
    requests: BTreeMap<String, Value>,
    /// Requests created from drafts with `hold_request`, not yet released.
    held: BTreeSet<String>,
    /// Requests created for embedded signing.
    embedded: BTreeSet<String>,
    /// When each (request, signer email) was last reminded.
    reminded: HashMap<(String, String), Instant>,
    /// Every multipart body received, by path, as parts.
    forms: Vec<(String, Vec<FormPart>)>,
    /// Every JSON body received, by path.
    bodies: Vec<(String, Value)>,
    /// Every query received, by path.
    queries: Vec<(String, BTreeMap<String, String>)>,
    /// The team's members and outstanding invitations.
    members: Vec<String>,
    invited: Vec<String>,
    /// Addresses that already belong to another team.
    elsewhere: BTreeSet<String>,
    /// The answer to the next call, whatever it is: (status, error name).
    fail_next: Option<(u16, String)>,
    /// Requests count as signed by everyone after this many reads.
    signed_after_gets: Option<u32>,
    /// Reads of each request so far.
    gets: HashMap<String, u32>,
    /// Requests whose files answer 409 (still being prepared) once.
    preparing_once: BTreeSet<String>,
    next_id: u64,
}

#[derive(Clone)]
struct Fake {
    books: Arc<Mutex<Books>>,
    /// How many signature requests `list` pages through.
    list_size: usize,
    /// How many templates `template/list` pages through.
    templates: usize,
    /// The size of a downloaded file.
    download_size: u64,
}

fn api_error(status: u16, name: &str, message: &str) -> Response {
    let status = StatusCode::from_u16(status).expect("a valid status");
    (status, Json(json!({"error": {"error_msg": message, "error_name": name}}))).into_response()
}

fn bad_request(message: &str) -> Response {
    api_error(400, "bad_request", message)
}

/// What every endpoint checks first: the API key, then an injected failure.
fn gate(fake: &Fake, headers: &HeaderMap) -> Option<Response> {
    if headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()) != Some(BASIC) {
        return Some(api_error(401, "unauthorized", "Unauthorized user."));
    }
    let failure = fake.books.lock().unwrap().fail_next.take();
    failure.map(|(status, name)| api_error(status, &name, &format!("Injected {name}.")))
}

fn with_rate_limit(response: Response) -> Response {
    let mut response = response;
    let headers = response.headers_mut();
    headers.insert("X-RateLimit-Limit", "100".parse().unwrap());
    headers.insert("X-RateLimit-Remaining", "99".parse().unwrap());
    headers.insert("X-Ratelimit-Reset", "1767225600".parse().unwrap());
    response
}

fn is_multipart(headers: &HeaderMap) -> Option<String> {
    let ct = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    ct.starts_with("multipart/form-data").then(|| ct.to_owned())
}

fn json_body(body: &Bytes) -> Option<Value> {
    serde_json::from_slice(body).ok()
}

/// A new signature request as the API returns it right after sending.
fn new_request(books: &mut Books, title: &str, signers: &[(String, String)], extra: Value) -> Value {
    books.next_id += 1;
    let id = format!("sr-{:03}", books.next_id);
    let signatures: Vec<Value> = signers
        .iter()
        .enumerate()
        .map(|(i, (name, email))| {
            json!({
                "signature_id": format!("{id}-sig-{i}"), "signer_name": name, "signer_email_address": email,
                "order": i, "status_code": "awaiting_signature", "has_pin": false, "has_sms_auth": false,
                "has_sms_delivery": false, "sms_phone_number": null, "signer_role": null
            })
        })
        .collect();
    let mut request = json!({
        "signature_request_id": id, "title": title, "original_title": title, "is_complete": false,
        "is_declined": false, "has_error": false, "signing_redirect_url": null, "response_data": [],
        "custom_fields": [], "files_url": format!("https://api.example.test/v3/signature_request/files/{id}"),
        "signatures": signatures, "created_at": 1767225600
    });
    if let (Value::Object(target), Value::Object(more)) = (&mut request, extra) {
        target.extend(more);
    }
    books.requests.insert(id, request.clone());
    request
}

fn answer(request: &Value) -> Response {
    with_rate_limit(Json(json!({"signature_request": request})).into_response())
}

/// The parameter a bracketed part name belongs to (`signers[0][name]` -> `signers`).
fn top_name(name: &str) -> &str {
    name.split('[').next().unwrap_or(name)
}

/// Checks a multipart send as the reference describes it and returns the
/// signers, the title and the extra fields of the new request.
fn check_send_form(parts: &[FormPart]) -> Result<(String, Vec<(String, String)>), String> {
    const KNOWN: &[&str] = &[
        "files",
        "file_urls",
        "signers",
        "grouped_signers",
        "title",
        "subject",
        "message",
        "cc_email_addresses",
        "metadata",
        "test_mode",
        "form_fields_per_document",
        "form_field_groups",
        "form_field_rules",
        "custom_fields",
        "signing_options",
        "field_options",
        "client_id",
        "allow_decline",
        "use_text_tags",
        "hide_text_tags",
        "signing_redirect_url",
    ];
    if let Some(unknown) = parts.iter().find(|p| !KNOWN.contains(&top_name(&p.name))) {
        return Err(format!("Unknown parameter: {}.", unknown.name));
    }
    let files: Vec<&FormPart> = parts.iter().filter(|p| top_name(&p.name) == "files").collect();
    if files.is_empty() || files.iter().any(|f| f.name != "files[]" || f.file_name.is_none() || f.bytes.is_empty()) {
        return Err("files[] must hold at least one named, non-empty file.".to_owned());
    }
    if parts.iter().any(|p| top_name(&p.name) == "file_urls") {
        return Err("Use files[] or file_urls[], not both.".to_owned());
    }
    let text = |name: &str| parts.iter().find(|p| p.name == name).map(FormPart::text);
    let mut signers = Vec::new();
    for i in 0..parts.len() {
        let (name, email) = (text(&format!("signers[{i}][name]")), text(&format!("signers[{i}][email_address]")));
        match (name, email) {
            (Some(name), Some(email)) if email.contains('@') => signers.push((name, email)),
            (None, None) => break,
            _ => return Err(format!("signers[{i}] needs a name and a valid email_address.")),
        }
        if let Some(order) = text(&format!("signers[{i}][order]")) {
            order.parse::<u32>().map_err(|_| format!("signers[{i}][order] must be an integer."))?;
        }
    }
    if signers.is_empty() {
        return Err("Missing parameter: signers.".to_owned());
    }
    for flag in ["test_mode", "allow_decline", "use_text_tags", "hide_text_tags"] {
        if let Some(value) = text(flag) {
            if value != "1" && value != "0" {
                return Err(format!("{flag} must be 1 or 0."));
            }
        }
    }
    // The form field parameters are JSON: one flat list of fields, each
    // naming its file in `document_index` (today's shape), or one list of
    // fields per file (the older reference's).
    if let Some(fields) = text("form_fields_per_document") {
        let fields: Vec<Value> =
            serde_json::from_str(&fields).map_err(|_| "form_fields_per_document is not a JSON list.")?;
        let fields: Vec<Value> = if fields.iter().all(Value::is_array) {
            if fields.len() != files.len() {
                return Err("form_fields_per_document needs one list per file.".to_owned());
            }
            fields.into_iter().flat_map(|list| list.as_array().cloned().unwrap_or_default()).collect()
        } else {
            for field in &fields {
                if field["document_index"].as_u64().is_none_or(|i| (i as usize) >= files.len()) {
                    return Err("A form field's document_index names no file.".to_owned());
                }
            }
            fields
        };
        // Groups: a list of entries with their `group_id`, or an object
        // keyed by group id.
        let groups: BTreeMap<String, Value> = match text("form_field_groups") {
            Some(groups) => match serde_json::from_str::<Value>(&groups) {
                Ok(Value::Array(entries)) => {
                    entries.into_iter().map(|e| (e["group_id"].as_str().unwrap_or_default().to_owned(), e)).collect()
                }
                Ok(Value::Object(map)) => map.into_iter().collect(),
                _ => return Err("form_field_groups is neither a JSON list nor a JSON object.".to_owned()),
            },
            None => BTreeMap::new(),
        };
        for field in &fields {
            for key in ["api_id", "type", "x", "y", "width", "height", "required", "signer"] {
                if field.get(key).is_none() {
                    return Err(format!("A form field has no `{key}`."));
                }
            }
            if field["type"] == "radio" && !field["group"].as_str().is_some_and(|g| groups.contains_key(g)) {
                return Err("A radio field names no group of form_field_groups.".to_owned());
            }
        }
    }
    if let Some(rules) = text("form_field_rules") {
        serde_json::from_str::<Vec<Value>>(&rules).map_err(|_| "form_field_rules is not a JSON list.")?;
    }
    Ok((text("title").unwrap_or_default(), signers))
}

async fn send(State(fake): State<Fake>, headers: HeaderMap, body: Bytes) -> Response {
    if let Some(refused) = gate(&fake, &headers) {
        return refused;
    }
    if let Some(content_type) = is_multipart(&headers) {
        let parts = read_multipart(&content_type, body.to_vec()).await;
        let checked = check_send_form(&parts);
        let mut books = fake.books.lock().unwrap();
        books.forms.push(("/signature_request/send".to_owned(), parts));
        return match checked {
            Ok((title, signers)) => answer(&new_request(&mut books, &title, &signers, json!({"test_mode": true}))),
            Err(message) => bad_request(&message),
        };
    }
    let Some(value) = json_body(&body) else {
        return bad_request("The body is not JSON.");
    };
    let urls = value["file_urls"].as_array().map_or(0, Vec::len);
    let signers: Vec<(String, String)> = value["signers"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| Some((s["name"].as_str()?.to_owned(), s["email_address"].as_str()?.to_owned())))
        .collect();
    let mut books = fake.books.lock().unwrap();
    books.bodies.push(("/signature_request/send".to_owned(), value.clone()));
    if urls == 0 {
        return bad_request("Missing parameter: files or file_urls.");
    }
    if signers.is_empty() {
        return bad_request("Missing parameter: signers.");
    }
    let title = value["title"].as_str().unwrap_or_default().to_owned();
    let extra = json!({"metadata": value.get("metadata").cloned().unwrap_or(json!({}))});
    answer(&new_request(&mut books, &title, &signers, extra))
}

async fn send_with_template(State(fake): State<Fake>, headers: HeaderMap, body: Bytes) -> Response {
    if let Some(refused) = gate(&fake, &headers) {
        return refused;
    }
    let Some(value) = json_body(&body) else {
        return bad_request("The body is not JSON.");
    };
    if value["template_ids"].as_array().is_none_or(Vec::is_empty) {
        return bad_request("Missing parameter: template_ids.");
    }
    let mut signers = Vec::new();
    for signer in value["signers"].as_array().into_iter().flatten() {
        match (signer["role"].as_str(), signer["name"].as_str(), signer["email_address"].as_str()) {
            (Some(_), Some(name), Some(email)) => signers.push((name.to_owned(), email.to_owned())),
            _ => return bad_request("Every signer needs a role, a name and an email_address."),
        }
    }
    // The template's merge fields, filled from custom_fields.
    let custom_fields: Vec<Value> = value["custom_fields"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| json!({"name": f["name"], "type": "text", "value": f["value"], "required": false, "api_id": format!("cf-{}", f["name"].as_str().unwrap_or_default()), "editor": f.get("editor").cloned().unwrap_or(Value::Null)}))
        .collect();
    let mut books = fake.books.lock().unwrap();
    books.bodies.push(("/signature_request/send_with_template".to_owned(), value.clone()));
    let title = value["title"].as_str().unwrap_or("From a template").to_owned();
    let extra = json!({"template_ids": value["template_ids"], "custom_fields": custom_fields});
    answer(&new_request(&mut books, &title, &signers, extra))
}

async fn create_embedded(State(fake): State<Fake>, headers: HeaderMap, body: Bytes) -> Response {
    if let Some(refused) = gate(&fake, &headers) {
        return refused;
    }
    let Some(value) = json_body(&body) else {
        return bad_request("The body is not JSON.");
    };
    if value["client_id"].as_str().is_none() {
        return bad_request("Missing parameter: client_id.");
    }
    let signers: Vec<(String, String)> = value["signers"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| Some((s["name"].as_str()?.to_owned(), s["email_address"].as_str()?.to_owned())))
        .collect();
    let mut books = fake.books.lock().unwrap();
    let request = new_request(&mut books, "Embedded", &signers, json!({}));
    let id = request["signature_request_id"].as_str().unwrap().to_owned();
    books.embedded.insert(id);
    answer(&request)
}

async fn get_one(State(fake): State<Fake>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    if let Some(refused) = gate(&fake, &headers) {
        return refused;
    }
    let mut books = fake.books.lock().unwrap();
    let reads = {
        let reads = books.gets.entry(id.clone()).or_default();
        *reads += 1;
        *reads
    };
    let signed = books.signed_after_gets.is_some_and(|after| reads >= after);
    match books.requests.get_mut(&id) {
        Some(request) => {
            if signed {
                request["is_complete"] = json!(true);
                for signature in request["signatures"].as_array_mut().unwrap() {
                    signature["status_code"] = json!("signed");
                }
            }
            answer(request)
        }
        None => api_error(404, "not_found", "Not found."),
    }
}

async fn list(State(fake): State<Fake>, headers: HeaderMap, Query(query): Query<HashMap<String, String>>) -> Response {
    if let Some(refused) = gate(&fake, &headers) {
        return refused;
    }
    paged(&query, fake.list_size, "signature_requests", |i| json!({"signature_request_id": format!("listed-{i:03}")}))
}

/// One page of `total` items built by `item`, as the list endpoints answer.
fn paged(query: &HashMap<String, String>, total: usize, key: &str, item: impl Fn(usize) -> Value) -> Response {
    let page: usize = query.get("page").and_then(|p| p.parse().ok()).unwrap_or(1);
    let size: usize = query.get("page_size").and_then(|p| p.parse().ok()).unwrap_or(20);
    if page == 0 || !(1..=100).contains(&size) {
        return bad_request("page_size must be between 1 and 100.");
    }
    let items: Vec<Value> = ((page - 1) * size..(page * size).min(total)).map(item).collect();
    let list_info = json!({"page": page, "num_pages": total.div_ceil(size), "num_results": total, "page_size": size});
    Json(json!({key: items, "list_info": list_info})).into_response()
}

async fn remind(State(fake): State<Fake>, headers: HeaderMap, Path(id): Path<String>, body: Bytes) -> Response {
    if let Some(refused) = gate(&fake, &headers) {
        return refused;
    }
    let Some(value) = json_body(&body) else {
        return bad_request("The body is not JSON.");
    };
    let Some(email) = value["email_address"].as_str().map(str::to_owned) else {
        return bad_request("Missing parameter: email_address.");
    };
    let mut books = fake.books.lock().unwrap();
    let Some(request) = books.requests.get(&id).cloned() else {
        return api_error(404, "not_found", "Not found.");
    };
    if books.embedded.contains(&id) {
        return api_error(400, "invalid_reminder", "Embedded signature requests cannot be reminded.");
    }
    let signers = request["signatures"].as_array().cloned().unwrap_or_default();
    if !signers.iter().any(|s| s["signer_email_address"] == email) {
        return bad_request("No signer has this email address.");
    }
    let key = (id.clone(), email.clone());
    if books.reminded.get(&key).is_some_and(|at| at.elapsed() < Duration::from_secs(3600)) {
        return api_error(400, "invalid_reminder", "This signer was reminded less than an hour ago.");
    }
    books.reminded.insert(key, Instant::now());
    let request = books.requests.get_mut(&id).unwrap();
    for signature in request["signatures"].as_array_mut().unwrap() {
        if signature["signer_email_address"] == email {
            signature["last_reminded_at"] = json!(1767229200);
        }
    }
    answer(request)
}

async fn update(State(fake): State<Fake>, headers: HeaderMap, Path(id): Path<String>, body: Bytes) -> Response {
    if let Some(refused) = gate(&fake, &headers) {
        return refused;
    }
    let Some(value) = json_body(&body) else {
        return bad_request("The body is not JSON.");
    };
    let mut books = fake.books.lock().unwrap();
    books.bodies.push((format!("/signature_request/update/{id}"), value.clone()));
    let Some(request) = books.requests.get_mut(&id) else {
        return api_error(404, "not_found", "Not found.");
    };
    let Some(signature) = request["signatures"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|s| value["signature_id"].is_string() && s["signature_id"] == value["signature_id"])
    else {
        return bad_request("No such signature_id.");
    };
    if let Some(email) = value["email_address"].as_str() {
        // A new address gives the signer a new signature id.
        signature["signer_email_address"] = json!(email);
        signature["signature_id"] = json!(format!("{}-new", signature["signature_id"].as_str().unwrap()));
    }
    if let Some(name) = value["name"].as_str() {
        signature["signer_name"] = json!(name);
    }
    answer(request)
}

async fn release_hold(State(fake): State<Fake>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    if let Some(refused) = gate(&fake, &headers) {
        return refused;
    }
    let mut books = fake.books.lock().unwrap();
    if !books.held.remove(&id) {
        return bad_request("This signature request is not on hold.");
    }
    let request = books.requests.get_mut(&id).unwrap();
    for signature in request["signatures"].as_array_mut().unwrap() {
        signature["status_code"] = json!("awaiting_signature");
    }
    answer(request)
}

async fn files(
    State(fake): State<Fake>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    if let Some(refused) = gate(&fake, &headers) {
        return refused;
    }
    fake.books
        .lock()
        .unwrap()
        .queries
        .push((format!("/signature_request/files/{id}"), query.clone().into_iter().collect()));
    match id.as_str() {
        "preparing" => return api_error(409, "conflict", "The files are being prepared."),
        "broken" => return api_error(422, "unprocessable_entity", "The request is in an error state."),
        _ if fake.books.lock().unwrap().preparing_once.remove(&id) => {
            return api_error(409, "conflict", "The files are being prepared.")
        }
        _ if !fake.books.lock().unwrap().requests.contains_key(&id) => {
            return api_error(404, "not_found", "Not found.")
        }
        _ => {}
    }
    let media =
        if query.get("file_type").map(String::as_str) == Some("zip") { "application/zip" } else { "application/pdf" };
    // The file is made as it is sent, 64 KiB at a time: the server holds no
    // more of it than the client should.
    const CHUNK: u64 = 64 * 1024;
    let size = fake.download_size;
    let chunks = futures_util::stream::unfold(0u64, move |sent| async move {
        (sent < size).then(|| {
            let len = CHUNK.min(size - sent);
            let chunk: Vec<u8> = (sent..sent + len).map(|i| (i % 251) as u8).collect();
            (Ok::<_, std::io::Error>(Bytes::from(chunk)), sent + len)
        })
    });
    with_rate_limit(
        (
            [(header::CONTENT_TYPE, media.to_owned()), (header::CONTENT_LENGTH, size.to_string())],
            Body::from_stream(chunks),
        )
            .into_response(),
    )
}

async fn files_as_data_uri(State(fake): State<Fake>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    if let Some(refused) = gate(&fake, &headers) {
        return refused;
    }
    if !fake.books.lock().unwrap().requests.contains_key(&id) {
        return api_error(404, "not_found", "Not found.");
    }
    Json(json!({"data_uri": "data:application/pdf;base64,JVBERi0xLjc="})).into_response()
}

async fn files_as_file_url(
    State(fake): State<Fake>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    if let Some(refused) = gate(&fake, &headers) {
        return refused;
    }
    let inline = query.get("force_download").map(String::as_str) == Some("0");
    let url = format!("https://files.example.test/{id}.pdf{}", if inline { "?inline=1" } else { "" });
    Json(json!({"file_url": url, "expires_at": 1767229200})).into_response()
}

async fn sign_url(State(fake): State<Fake>, headers: HeaderMap, Path(signature_id): Path<String>) -> Response {
    if let Some(refused) = gate(&fake, &headers) {
        return refused;
    }
    let books = fake.books.lock().unwrap();
    let embedded = books.embedded.iter().any(|id| {
        books.requests[id]["signatures"].as_array().unwrap().iter().any(|s| s["signature_id"] == signature_id)
    });
    if !embedded {
        return api_error(404, "not_found", "No embedded signature has this id.");
    }
    let url = format!("https://embedded.example.test/sign/{signature_id}?token=t0k3n");
    Json(json!({"embedded": {"sign_url": url, "expires_at": 1767229200}})).into_response()
}

async fn template_list(
    State(fake): State<Fake>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    if let Some(refused) = gate(&fake, &headers) {
        return refused;
    }
    paged(&query, fake.templates, "templates", |i| {
        json!({"template_id": format!("tpl-{i:02}"), "title": format!("Template {i}"), "is_creator": true,
               "signer_roles": [{"name": "Client", "order": 0}], "cc_roles": [], "documents": []})
    })
}

fn team(books: &Books) -> Response {
    let accounts: Vec<Value> =
        books.members.iter().map(|e| json!({"account_id": format!("acc-{e}"), "email_address": e})).collect();
    Json(json!({"team": {"name": "Contracts", "accounts": accounts, "invited_accounts": [], "invited_emails": books.invited}}))
        .into_response()
}

async fn add_member(State(fake): State<Fake>, headers: HeaderMap, body: Bytes) -> Response {
    if let Some(refused) = gate(&fake, &headers) {
        return refused;
    }
    let Some(value) = json_body(&body) else {
        return bad_request("The body is not JSON.");
    };
    let Some(email) = value["email_address"].as_str().map(str::to_owned) else {
        return bad_request("account_id or email_address is required.");
    };
    let mut books = fake.books.lock().unwrap();
    if books.elsewhere.contains(&email) {
        return api_error(403, "team_invite_failed", "This user already belongs to another team.");
    }
    books.invited.push(email);
    team(&books)
}

async fn remove_member(State(fake): State<Fake>, headers: HeaderMap, body: Bytes) -> Response {
    if let Some(refused) = gate(&fake, &headers) {
        return refused;
    }
    let Some(value) = json_body(&body) else {
        return bad_request("The body is not JSON.");
    };
    let email = value["email_address"].as_str().unwrap_or_default().to_owned();
    let mut books = fake.books.lock().unwrap();
    let (members, invited) = (books.members.len(), books.invited.len());
    books.members.retain(|m| *m != email);
    books.invited.retain(|m| *m != email);
    if (members, invited) == (books.members.len(), books.invited.len()) {
        return api_error(404, "not_found", "No such member.");
    }
    // Handing the documents over is queued: 201.
    let mut response = team(&books);
    if value["new_owner_email_address"].is_string() {
        *response.status_mut() = StatusCode::CREATED;
    }
    response
}

async fn api_app_create(State(fake): State<Fake>, headers: HeaderMap, body: Bytes) -> Response {
    if let Some(refused) = gate(&fake, &headers) {
        return refused;
    }
    let (name, domains, logo) = if let Some(content_type) = is_multipart(&headers) {
        let parts = read_multipart(&content_type, body.to_vec()).await;
        let name = parts.iter().find(|p| p.name == "name").map(FormPart::text);
        let domains: Vec<String> = parts.iter().filter(|p| p.name == "domains[]").map(FormPart::text).collect();
        let logo = parts.iter().any(|p| p.name == "custom_logo_file" && p.file_name.is_some());
        fake.books.lock().unwrap().forms.push(("/api_app".to_owned(), parts));
        (name, domains, logo)
    } else {
        let Some(value) = json_body(&body) else {
            return bad_request("The body is not JSON.");
        };
        fake.books.lock().unwrap().bodies.push(("/api_app".to_owned(), value.clone()));
        let domains = value["domains"].as_array().into_iter().flatten().filter_map(|d| d.as_str().map(str::to_owned));
        (value["name"].as_str().map(str::to_owned), domains.collect(), false)
    };
    let Some(name) = name else { return bad_request("Missing parameter: name.") };
    if !(1..=2).contains(&domains.len()) {
        return bad_request("domains must hold one or two domains.");
    }
    // The service answers a created app with 201.
    let app = Json(json!({"api_app": {
        "client_id": "0dd3b823a682527788c4e40cb7b6f7e9", "name": name, "domains": domains, "callback_url": null,
        "created_at": 1767225600, "is_approved": false, "has_custom_logo": logo,
        "owner_account": {"account_id": "acc-owner", "email_address": "owner@example.com"}, "oauth": null
    }}));
    (StatusCode::CREATED, app).into_response()
}

async fn unclaimed_draft_create(State(fake): State<Fake>, headers: HeaderMap, body: Bytes) -> Response {
    if let Some(refused) = gate(&fake, &headers) {
        return refused;
    }
    let Some(value) = json_body(&body) else {
        return bad_request("The body is not JSON.");
    };
    if !matches!(value["type"].as_str(), Some("send_document" | "request_signature")) {
        return bad_request("type must be send_document or request_signature.");
    }
    let mut books = fake.books.lock().unwrap();
    books.bodies.push(("/unclaimed_draft/create".to_owned(), value.clone()));
    let signers: Vec<(String, String)> = value["signers"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| Some((s["name"].as_str()?.to_owned(), s["email_address"].as_str()?.to_owned())))
        .collect();
    let request = new_request(&mut books, "Draft", &signers, json!({}));
    let id = request["signature_request_id"].as_str().unwrap().to_owned();
    Json(json!({"unclaimed_draft": {
        "signature_request_id": id, "claim_url": format!("https://app.example.test/claim/{id}"),
        "signing_redirect_url": null, "requesting_redirect_url": null, "expires_at": 1767229200,
        "test_mode": value["test_mode"].as_bool().unwrap_or(false)
    }}))
    .into_response()
}

async fn unclaimed_draft_create_embedded(State(fake): State<Fake>, headers: HeaderMap, body: Bytes) -> Response {
    if let Some(refused) = gate(&fake, &headers) {
        return refused;
    }
    let Some(value) = json_body(&body) else {
        return bad_request("The body is not JSON.");
    };
    if value["client_id"].as_str().is_none() || value["requester_email_address"].as_str().is_none() {
        return bad_request("client_id and requester_email_address are required.");
    }
    let mut books = fake.books.lock().unwrap();
    let signers = vec![("Jack".to_owned(), "jack@example.com".to_owned())];
    let request = new_request(&mut books, "Held draft", &signers, json!({}));
    let id = request["signature_request_id"].as_str().unwrap().to_owned();
    if value["hold_request"] == json!(true) {
        // Claimed and prepared, but held: its signature waits for release.
        let request = books.requests.get_mut(&id).unwrap();
        request["signatures"][0]["status_code"] = json!("on_hold_by_requester");
        books.held.insert(id.clone());
    }
    Json(json!({"unclaimed_draft": {"signature_request_id": id, "claim_url": format!("https://app.example.test/claim/{id}"), "test_mode": true}}))
        .into_response()
}

async fn account(State(fake): State<Fake>, headers: HeaderMap) -> Response {
    if let Some(refused) = gate(&fake, &headers) {
        return refused;
    }
    Json(json!({"account": {"account_id": "acc-1", "email_address": "me@example.com", "quotas": {"api_signature_requests_left": null, "templates_left": 5}}}))
        .into_response()
}

async fn fake_api(list_size: usize, templates: usize, download_size: u64) -> (Client, Fake) {
    let fake = Fake { books: Arc::default(), list_size, templates, download_size };
    {
        let mut books = fake.books.lock().unwrap();
        books.members = vec!["me@example.com".to_owned(), "leaving@example.com".to_owned()];
        books.elsewhere.insert("taken@example.com".to_owned());
    }
    let router = Router::new()
        .route("/v3/account", get(account))
        .route("/v3/signature_request/send", post(send))
        .route("/v3/signature_request/send_with_template", post(send_with_template))
        .route("/v3/signature_request/create_embedded", post(create_embedded))
        .route("/v3/signature_request/list", get(list))
        .route("/v3/signature_request/{id}", get(get_one))
        .route("/v3/signature_request/remind/{id}", post(remind))
        .route("/v3/signature_request/update/{id}", post(update))
        .route("/v3/signature_request/release_hold/{id}", post(release_hold))
        .route("/v3/signature_request/files/{id}", get(files))
        .route("/v3/signature_request/files_as_data_uri/{id}", get(files_as_data_uri))
        .route("/v3/signature_request/files_as_file_url/{id}", get(files_as_file_url))
        .route("/v3/embedded/sign_url/{signature_id}", get(sign_url))
        .route("/v3/template/list", get(template_list))
        .route("/v3/team/add_member", put(add_member))
        .route("/v3/team/remove_member", post(remove_member))
        .route("/v3/api_app", post(api_app_create))
        .route("/v3/unclaimed_draft/create", post(unclaimed_draft_create))
        .route("/v3/unclaimed_draft/create_embedded", post(unclaimed_draft_create_embedded))
        .with_state(fake.clone());
    let base = serve(router).await;
    let client = Client::builder()
        .base_url(format!("{base}/v3"))
        .credentials(Credentials::api_key(KEY))
        .retry_policy(RetryPolicy::never())
        .build()
        .unwrap();
    (client, fake)
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
    let mut pairs: Vec<(String, String)> =
        parts.iter().filter(|p| p.file_name.is_none()).map(|p| (p.name.clone(), p.text())).collect();
    pairs.sort_by(|a, b| a.0.cmp(&b.0));
    pairs
}

#[tokio::test]
async fn send_uploads_two_files_with_signers_and_form_fields_as_the_reference_names_them() {
    let (client, fake) = fake_api(0, 0, 0).await;
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

    let books = fake.books.lock().unwrap();
    let (path, parts) = &books.forms[0];
    assert_eq!(path, "/signature_request/send");
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
    assert_eq!(sorted_text(parts), expected);
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
}

#[tokio::test]
async fn send_with_file_urls_goes_as_json_and_bad_requests_never_leave() {
    let (client, fake) = fake_api(0, 0, 0).await;
    let mut request = send_request();
    request.file_urls =
        Some(vec!["https://files.example.test/nda.pdf".to_owned(), "https://files.example.test/annex.pdf".to_owned()]);
    let response = client.signature_request_send(&request).await.expect("the server accepts the JSON body");
    let sent = response.body.signature_request;
    assert_eq!(sent.metadata.unwrap()["order"], json!("A-1234"), "metadata comes back");
    {
        let books = fake.books.lock().unwrap();
        let (path, body) = &books.bodies[0];
        assert_eq!(path, "/signature_request/send");
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
    let books = fake.books.lock().unwrap();
    assert_eq!((books.bodies.len(), books.forms.len()), (1, 0), "nothing more was sent");
}

#[tokio::test]
async fn send_with_template_fills_roles_and_custom_fields() {
    let (client, fake) = fake_api(0, 0, 0).await;
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
    let body = fake.books.lock().unwrap().bodies[0].1.clone();
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
    assert_eq!(err.api_error().unwrap().error.error_msg, "Missing parameter: template_ids.");
}

#[tokio::test]
async fn get_returns_todays_fields_typed_and_list_walks_every_page() {
    let (client, fake) = fake_api(45, 0, 0).await;
    fake.books.lock().unwrap().requests.insert(
        "sr-typed".to_owned(),
        json!({
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
        }),
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
    assert_eq!(ids.len(), 45);
    assert_eq!((ids[0].as_str(), ids[44].as_str()), ("listed-000", "listed-044"));
}

#[tokio::test]
async fn remind_works_once_then_is_refused_within_the_hour_and_never_for_embedded_requests() {
    let (client, _fake) = fake_api(0, 0, 0).await;
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
    assert_eq!(err.api_error().unwrap().error.error_name, ErrorName::InvalidReminder);
}

#[tokio::test]
async fn update_changes_a_signer_and_their_signature_id() {
    let (client, fake) = fake_api(0, 0, 0).await;
    let sent = client.signature_request_send(&file_url_request()).await.unwrap().body.signature_request;
    let id = sent.signature_request_id.unwrap();
    let old = sent.signatures.unwrap()[1].signature_id.clone().unwrap();
    let mut update = ds::SignatureRequestUpdateRequest::new(old.clone());
    update.email_address = Some("jill.new@example.com".to_owned());
    let updated = client.signature_request_update(&id, &update).await.unwrap().body.signature_request;
    let jill = &updated.signatures.unwrap()[1];
    assert_eq!(jill.signer_email_address.as_deref(), Some("jill.new@example.com"));
    assert_ne!(jill.signature_id.as_deref(), Some(old.as_str()), "a new address, a new signature id");
    assert_eq!(
        fake.books.lock().unwrap().bodies.last().unwrap().1,
        json!({"signature_id": old, "email_address": "jill.new@example.com"})
    );
    let mut nobody = update;
    nobody.signature_id = "nobody".to_owned();
    let err = client.signature_request_update(&id, &nobody).await.unwrap_err();
    assert_eq!(err.api_error().unwrap().error.error_name, ErrorName::BadRequest);
}

#[tokio::test]
async fn a_held_draft_request_is_released_once() {
    let (client, _fake) = fake_api(0, 0, 0).await;
    let draft: ds::UnclaimedDraftCreateEmbeddedRequest = serde_json::from_value(json!({
        "client_id": "app-1", "requester_email_address": "me@example.com",
        "file_urls": ["https://files.example.test/a.pdf"], "hold_request": true, "test_mode": true
    }))
    .unwrap();
    let draft = client.unclaimed_draft_create_embedded(&draft).await.unwrap().body.unclaimed_draft.unwrap();
    let id = draft.signature_request_id.unwrap();
    let held = client.signature_request_get(&id).await.unwrap().body.signature_request;
    assert_eq!(held.signatures.unwrap()[0].status_code, Some(SignatureStatusCode::OnHoldByRequester));
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
    let (client, fake) = fake_api(0, 0, 100 * MIB).await;
    let id = {
        let mut books = fake.books.lock().unwrap();
        new_request(&mut books, "Big", &[], json!({}))["signature_request_id"].as_str().unwrap().to_owned()
    };
    let mut options = ds::SignatureRequestFilesOptions::default();
    options.file_type = Some(ds::FileType::Pdf);
    let response = client.signature_request_files(&id, &options).await.unwrap();
    assert_eq!(response.status, 200);
    assert_eq!(response.headers[header::CONTENT_TYPE], "application/pdf");
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
    assert_eq!(fake.books.lock().unwrap().queries[0].1.get("file_type").map(String::as_str), Some("pdf"));

    // While the files are prepared the API answers 409, in an error state 422.
    let options = ds::SignatureRequestFilesOptions::default();
    for (id, status, name) in [("preparing", 409, ErrorName::Conflict), ("broken", 422, ErrorName::UnprocessableEntity)]
    {
        let err = client.signature_request_files(id, &options).await.unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(err.api_error().unwrap().error.error_name, name);
    }
}

#[tokio::test]
async fn the_data_uri_and_file_url_forms_are_json() {
    let (client, fake) = fake_api(0, 0, 0).await;
    let id = {
        let mut books = fake.books.lock().unwrap();
        new_request(&mut books, "Small", &[], json!({}))["signature_request_id"].as_str().unwrap().to_owned()
    };
    let data = client.signature_request_files_as_data_uri(&id).await.unwrap().body;
    assert!(data.data_uri.unwrap().starts_with("data:application/pdf;base64,"));
    let mut options = ds::SignatureRequestFilesAsFileUrlOptions::default();
    options.force_download = Some(0);
    let url = client.signature_request_files_as_file_url(&id, &options).await.unwrap().body;
    assert_eq!(url.file_url.as_deref(), Some(format!("https://files.example.test/{id}.pdf?inline=1").as_str()));
    assert_eq!(url.expires_at, Some(1767229200));
}

#[tokio::test]
async fn an_embedded_signer_gets_a_sign_url() {
    let (client, _fake) = fake_api(0, 0, 0).await;
    let embedded: ds::SignatureRequestCreateEmbeddedRequest = serde_json::from_value(json!({
        "client_id": "app-1", "file_urls": ["https://files.example.test/a.pdf"],
        "signers": [{"name": "Jack", "email_address": "jack@example.com"}], "test_mode": true
    }))
    .unwrap();
    let request = client.signature_request_create_embedded(&embedded).await.unwrap().body.signature_request;
    let signature_id = request.signatures.unwrap()[0].signature_id.clone().unwrap();
    let embedded = client.embedded_sign_url(&signature_id).await.unwrap().body.embedded.unwrap();
    assert_eq!(
        embedded.sign_url.as_deref(),
        Some(format!("https://embedded.example.test/sign/{signature_id}?token=t0k3n").as_str())
    );
    assert_eq!(embedded.expires_at, Some(1767229200));
    let err = client.embedded_sign_url("not-embedded").await.unwrap_err();
    assert_eq!(err.api_error().unwrap().error.error_name, ErrorName::NotFound);
}

#[tokio::test]
async fn templates_page_through_every_page() {
    let (client, _fake) = fake_api(0, 7, 0).await;
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
    let (client, _fake) = fake_api(0, 0, 0).await;
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
    assert_eq!(members, ["me@example.com"]);
    // Handing the documents over is queued: 201, the same body.
    let mut hand_over = ds::TeamRemoveMemberRequest::default();
    hand_over.email_address = Some("new@example.com".to_owned());
    hand_over.new_owner_email_address = Some("me@example.com".to_owned());
    let response = client.team_remove_member(&hand_over).await.unwrap();
    assert_eq!(response.status, 201);
    assert_eq!(response.body.team.unwrap().invited_emails, Some(vec![]));
    let err = client.team_remove_member(&remove).await.unwrap_err();
    assert_eq!(err.api_error().unwrap().error.error_name, ErrorName::NotFound);
}

#[tokio::test]
async fn an_api_app_is_created_from_json_or_with_a_logo() {
    let (client, fake) = fake_api(0, 0, 0).await;
    let mut options = ds::ApiAppOptions::default();
    options.can_insert_everywhere = Some(true);
    let mut request = ds::ApiAppCreateRequest::new("Contracts".to_owned(), vec!["example.com".to_owned()]);
    request.callback_url = Some("https://example.com/callback".to_owned());
    request.options = Some(options);
    request.white_labeling_options = Some(serde_json::from_value(json!({"primary_button_color": "#00B3E6"})).unwrap());
    let created = client.api_app_create(&request).await.expect("a 201 is a success");
    assert_eq!(created.status, 201);
    let app = created.body.api_app.unwrap();
    assert_eq!(app.client_id.as_deref(), Some("0dd3b823a682527788c4e40cb7b6f7e9"));
    assert_eq!(app.owner_account.unwrap().email_address.as_deref(), Some("owner@example.com"));
    assert_eq!(fake.books.lock().unwrap().bodies[0].1["options"], json!({"can_insert_everywhere": true}));

    let mut two_domains = request.clone();
    two_domains.domains = vec!["example.com".to_owned(), "example.org".to_owned()];
    let mut multipart = ds::ApiAppCreateMultipart::new(two_domains);
    multipart.custom_logo_file = Some(FilePart::new(&b"\x89PNG"[..]).file_name("logo.png").content_type("image/png"));
    client.api_app_create_multipart(&multipart).await.unwrap();
    let parts = fake.books.lock().unwrap().forms[0].1.clone();
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
}

#[tokio::test]
async fn an_unclaimed_draft_gets_a_claim_url() {
    let (client, fake) = fake_api(0, 0, 0).await;
    let draft: ds::UnclaimedDraftCreateRequest = serde_json::from_value(json!({
        "type": "request_signature", "file_urls": ["https://files.example.test/a.pdf"],
        "signers": [{"name": "Jack", "email_address": "jack@example.com"}], "test_mode": true
    }))
    .unwrap();
    let draft = client.unclaimed_draft_create(&draft).await.unwrap().body.unclaimed_draft.unwrap();
    let id = draft.signature_request_id.clone().unwrap();
    assert_eq!(draft.claim_url.as_deref(), Some(format!("https://app.example.test/claim/{id}").as_str()));
    assert_eq!((draft.test_mode, draft.expires_at), (Some(true), Some(1767229200)));
    assert_eq!(fake.books.lock().unwrap().bodies[0].1["type"], "request_signature");
    // A type the API does not know is sent (the enum is open) and refused there.
    let odd: ds::UnclaimedDraftCreateRequest = serde_json::from_value(json!({"type": "fax_it"})).unwrap();
    let err = client.unclaimed_draft_create(&odd).await.unwrap_err();
    assert_eq!(err.api_error().unwrap().error.error_name, ErrorName::BadRequest);
}

#[tokio::test]
async fn every_documented_error_comes_back_typed_from_the_new_endpoints() {
    let (client, fake) = fake_api(3, 3, 0).await;
    // Names the table gives no status come with a 400.
    let cases: Vec<(ErrorName, u16)> =
        ErrorName::KNOWN.iter().map(|name| (name.clone(), name.http_status().unwrap_or(400))).collect();
    assert_eq!(cases.len(), 20);
    for (i, (name, status)) in cases.iter().enumerate() {
        fake.books.lock().unwrap().fail_next = Some((*status, name.as_str().to_owned()));
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
    let (client, fake) = fake_api(0, 0, 3 * MIB).await;
    fake.books.lock().unwrap().signed_after_gets = Some(3);
    let signers =
        [Signer::parse("Jack Doe <jack@example.com>").unwrap(), Signer::parse("Jill <jill@example.com>").unwrap()];
    assert!(Signer::parse("no address").is_none());
    let document = FilePart::new(&b"%PDF-1.7 contract"[..]).file_name("contract.pdf").content_type("application/pdf");
    let id = send_and_track::send(&client, "contract.pdf", document, &signers, true).await.expect("sent");

    // What went out: the file, both signers, and their fields as JSON.
    let parts = fake.books.lock().unwrap().forms[0].1.clone();
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

    // By polling: the third read finds it signed.
    let tracked =
        send_and_track::wait_until_signed(&client, &id, None, Duration::from_millis(10), Duration::from_secs(10))
            .await
            .unwrap();
    assert_eq!(tracked, Tracked::Signed);
    assert_eq!(fake.books.lock().unwrap().gets[&id], 3);

    // The download waits out one 409 and writes the whole file.
    fake.books.lock().unwrap().preparing_once.insert(id.clone());
    let mut signed = Vec::new();
    let written = send_and_track::download(&client, &id, &mut signed, 3).await.unwrap();
    assert_eq!((written, signed.len()), (3 * MIB, 3 * MIB as usize));

    // By callback: an event about this request ends the wait before any
    // read finds it signed; events about other requests do not.
    let id =
        send_and_track::send(&client, "again.pdf", FilePart::new(&b"%PDF"[..]).file_name("again.pdf"), &signers, true)
            .await
            .unwrap();
    fake.books.lock().unwrap().signed_after_gets = None;
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
    assert!(fake.books.lock().unwrap().gets[&id] <= 2, "the event decided, not the polls");
    // Nobody signs and no event comes: the wait ends.
    let tracked =
        send_and_track::wait_until_signed(&client, &id, None, Duration::from_millis(20), Duration::from_millis(100))
            .await
            .unwrap();
    assert_eq!(tracked, Tracked::TimedOut);
}

/// What the recording server of `the_operations_added_from_the_vendor_spec_*`
/// saw of each call: method, path and query, whether credentials came, body.
type Seen = Arc<Mutex<Vec<(String, String, bool, Value)>>>;

async fn record(State(seen): State<Seen>, request: axum::extract::Request) -> Response {
    let method = request.method().to_string();
    let uri = request.uri().to_string();
    let authorized = request.headers().contains_key(header::AUTHORIZATION);
    let bytes = axum::body::to_bytes(request.into_body(), 1 << 20).await.unwrap();
    let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    seen.lock().unwrap().push((method.clone(), uri.clone(), authorized, body));
    let path = uri.split('?').next().unwrap_or_default().to_owned();
    let list_info = |page: i64| json!({"page": page, "num_pages": 2, "num_results": 3, "page_size": 2});
    let fax_line = json!({"number": "+14155550100", "created_at": 1767225600, "updated_at": 1767225600,
                          "accounts": [{"account_id": "acc-1", "email_address": "me@example.com"}]});
    let answer = match (method.as_str(), path.as_str()) {
        ("PUT", "/v3/signature_request/edit/sr-1") => {
            json!({"signature_request": {"signature_request_id": "sr-1", "title": "Edited",
                   "signer_experience": {"form_view": "enabled_by_default"}}})
        }
        ("POST", "/v3/template/create") => json!({"template": {"template_id": "tpl-new"}}),
        ("POST", "/oauth/token") => json!({"access_token": "at", "token_type": "Bearer", "refresh_token": "rt",
                                           "expires_in": 3600, "state": "s"}),
        ("GET", "/v3/team/info") => json!({"team": {"team_id": "t-1", "name": "Sales", "num_members": 3,
                                                    "num_sub_teams": 0, "team_parent": null}}),
        ("GET", "/v3/team/members/t-1") => {
            let page = if uri.contains("page=2") { 2 } else { 1 };
            let members: Vec<Value> = (0..if page == 1 { 2 } else { 1 })
                .map(|i| json!({"account_id": format!("acc-{page}-{i}"), "email_address": "m@example.com", "role": "Member"}))
                .collect();
            json!({"team_members": members, "list_info": list_info(page)})
        }
        ("GET", "/v3/fax_line/area_codes") => json!({"area_codes": [415, 628]}),
        // Fax line answers, as the vendor documents them: one warning object.
        ("GET", "/v3/fax_line") => {
            json!({"fax_line": fax_line, "warnings": {"warning_msg": "note", "warning_name": "unknown"}})
        }
        ("DELETE", "/v3/fax_line") => Value::Null,
        ("POST", "/v3/fax/send") => json!({"fax": {"fax_id": "fx-1", "title": "Invoice", "original_title": "Invoice",
            "metadata": {}, "created_at": 1767225600, "sender": "me@example.com", "files_url": "https://x.test/f",
            "transmissions": [{"recipient": "+14155550100", "status_code": "transmitting"}]}}),
        ("DELETE", "/v3/api_app/app-1") => return StatusCode::NO_CONTENT.into_response(),
        _ => {
            return (StatusCode::NOT_FOUND, Json(json!({"error": {"error_msg": "no", "error_name": "not_found"}})))
                .into_response()
        }
    };
    Json(answer).into_response()
}

/// The operations the vendor's spec has and the older reference did not:
/// each goes to its path with its method and body, and its answer parses.
#[tokio::test]
async fn the_operations_added_from_the_vendor_spec_reach_their_paths_and_parse() {
    let seen: Seen = Arc::default();
    let base = serve(Router::new().fallback(record).with_state(seen.clone())).await;
    let client = Client::builder()
        .base_url(format!("{base}/v3"))
        .credentials(Credentials::api_key(KEY))
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
    let app_host = Client::builder().base_url(base.clone()).retry_policy(RetryPolicy::never()).build().unwrap();
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

    let seen = seen.lock().unwrap();
    let calls: Vec<(&str, &str, bool)> = seen.iter().map(|(m, u, a, _)| (m.as_str(), u.as_str(), *a)).collect();
    assert_eq!(
        calls,
        [
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
        ]
    );
    assert_eq!(seen[0].3["form_fields_per_document"][0]["document_index"], 0, "today's flat shape");
    assert_eq!(seen[0].3["signer_experience"], json!({"form_view": "forced"}));
    assert_eq!(seen[7].3, json!({"number": "+14155550100"}), "DELETE /fax_line carries its body");
    assert_eq!(seen[11].3["grant_type"], "refresh_token");
}
