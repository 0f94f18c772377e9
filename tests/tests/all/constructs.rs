//! The fixture specs' generated clients (tests/fixtures-client) against a
//! real HTTP server: every body kind, structured query values, unions and
//! discriminators, recursion, every security scheme.

use esign_fixtures::runtime::{Error, FilePart};
use esign_fixtures::{bodies, composition, parameters, security};
use serde_json::json;
use wiremock::matchers::{body_string, header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

async fn only_request(server: &MockServer) -> Request {
    let mut requests = server.received_requests().await.expect("recording is on");
    assert_eq!(requests.len(), 1, "exactly one request");
    requests.remove(0)
}

fn header_of<'r>(request: &'r Request, name: &str) -> &'r str {
    request.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default()
}

fn file_meta(title: &str) -> bodies::FileMeta {
    let mut meta = bodies::FileMeta::default();
    meta.title = Some(title.to_owned());
    meta
}

#[tokio::test]
async fn multipart_upload_sends_every_part() {
    let server = MockServer::start().await;
    Mock::given(method("POST")).and(path("/files")).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    let client = bodies::Client::builder().base_url(server.uri()).build().unwrap();
    let mut body = bodies::UploadFileMultipart::new(
        FilePart::new(&b"%PDF-1.7 contract"[..]).file_name("contract.pdf"),
        "signing".to_owned(),
    );
    body.tags = Some(vec!["nda".to_owned(), "q4".to_owned()]);
    body.meta = Some(file_meta("NDA"));
    body.attachments = Some(vec![
        FilePart::new(&b"one"[..]).file_name("a.txt").content_type("text/plain"),
        FilePart::new(&b"two"[..]).file_name("b.bin"),
    ]);
    client.upload_file_multipart(&body).await.unwrap();
    let request = only_request(&server).await;
    let content_type = header_of(&request, "content-type");
    assert!(content_type.starts_with("multipart/form-data; boundary="), "{content_type}");
    let text = String::from_utf8_lossy(&request.body);
    for expected in [
        "name=\"file\"; filename=\"contract.pdf\"",
        "Content-Type: application/pdf",
        "%PDF-1.7 contract",
        "name=\"purpose\"",
        "signing",
        "name=\"tags\"",
        "nda",
        "q4",
        "name=\"meta\"",
        "Content-Type: application/json",
        "{\"title\":\"NDA\"}",
        "name=\"attachments\"; filename=\"a.txt\"",
        "Content-Type: text/plain",
        "name=\"attachments\"; filename=\"b.bin\"",
        "Content-Type: application/octet-stream",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in\n{text}");
    }
    assert_eq!(text.matches("name=\"tags\"").count(), 2);
}

/// A multipart body whose schema is not an object is one part, under the
/// name the caller gives (the schema names none).
#[tokio::test]
async fn a_multipart_body_that_is_one_value_is_one_part_the_caller_names() {
    let server = MockServer::start().await;
    Mock::given(method("POST")).and(path("/attachments")).respond_with(ResponseTemplate::new(204)).mount(&server).await;
    Mock::given(method("PUT")).and(path("/columns")).respond_with(ResponseTemplate::new(204)).mount(&server).await;
    let client = bodies::Client::builder().base_url(server.uri()).build().unwrap();

    let file = FilePart::new(&b"%PDF-1.7 scan"[..]).file_name("scan.pdf");
    client.add_attachment(&bodies::AddAttachmentMultipart::new("file", file)).await.unwrap();
    let columns = bodies::SetColumnsMultipart::new("columns", vec!["status".to_owned(), "owner".to_owned()]);
    client.set_columns(&columns).await.unwrap();

    let requests = server.received_requests().await.expect("requests are recorded");
    assert_eq!(requests.len(), 2);
    let parts = crate::support::read_multipart(header_of(&requests[0], "content-type"), requests[0].body.clone())
        .await
        .unwrap();
    assert_eq!(parts.len(), 1, "one part: {parts:?}");
    assert_eq!(parts[0].name, "file");
    assert_eq!(parts[0].file_name.as_deref(), Some("scan.pdf"));
    assert_eq!(parts[0].text(), "%PDF-1.7 scan");
    let parts = crate::support::read_multipart(header_of(&requests[1], "content-type"), requests[1].body.clone())
        .await
        .unwrap();
    assert_eq!(
        crate::support::text_pairs(&parts),
        [("columns".to_owned(), "status".to_owned()), ("columns".to_owned(), "owner".to_owned())]
    );
}

#[tokio::test]
async fn the_json_form_of_the_same_body_is_the_default_method() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/files"))
        .and(header("content-type", "application/json"))
        .and(body_string(r#"{"title":"NDA"}"#))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let client = bodies::Client::builder().base_url(server.uri()).build().unwrap();
    client.upload_file(&file_meta("NDA")).await.unwrap();
}

/// Expects exactly one `verb` request to `at` with this Content-Type and
/// body, and answers it 204.
async fn expect_once(server: &MockServer, verb: &str, at: &str, content_type: &str, body: &str) {
    Mock::given(method(verb))
        .and(path(at))
        .and(header("content-type", content_type))
        .and(body_string(body))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(server)
        .await;
}

#[tokio::test]
async fn form_bodies_text_bytes_and_schemaless_json() {
    let server = MockServer::start().await;
    expect_once(
        &server,
        "POST",
        "/forms",
        "application/x-www-form-urlencoded",
        "FriendlyName=Jack+%26+Jill%2Fco&Roles=admin&Roles=signer",
    )
    .await;
    expect_once(&server, "PUT", "/raw", "application/octet-stream", "\u{0}\u{1}raw").await;
    expect_once(&server, "PUT", "/notes", "text/plain", "a note").await;
    expect_once(&server, "POST", "/anything", "application/merge-patch+json", r#"{"any":[1,true]}"#).await;
    let client = bodies::Client::builder().base_url(server.uri()).build().unwrap();
    let mut form = bodies::SubmitFormForm::new("Jack & Jill/co".to_owned());
    form.roles = Some(vec!["admin".to_owned(), "signer".to_owned()]);
    client.submit_form(&form).await.unwrap();
    client.put_raw(bytes_of(b"\x00\x01raw")).await.unwrap();
    client.put_note(Some("a note")).await.unwrap();
    client.post_anything(&json!({"any": [1, true]})).await.unwrap();
}

fn bytes_of(data: &'static [u8]) -> esign_fixtures::runtime::Bytes {
    esign_fixtures::runtime::Bytes::from_static(data)
}

#[tokio::test]
async fn structured_query_values_and_a_query_string_in_the_path_key() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).and(path("/search")).respond_with(ResponseTemplate::new(204)).mount(&server).await;
    let client = bodies::Client::builder().base_url(server.uri()).build().unwrap();
    let mut filter = bodies::SearchFilter::default();
    filter.status = Some("sent".to_owned());
    filter.owner = Some("me & you".to_owned());
    let mut page = bodies::SearchPage::default();
    page.size = Some(50);
    page.cursor = Some("c/1".to_owned());
    let mut options = bodies::SearchOptions::default();
    options.filter = Some(filter);
    options.page = Some(page);
    client.search(&options).await.unwrap();
    let request = only_request(&server).await;
    let pairs: Vec<(String, String)> =
        request.url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    let expected: Vec<(String, String)> =
        [("mode", "all"), ("filter[status]", "sent"), ("filter[owner]", "me & you"), ("size", "50"), ("cursor", "c/1")]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
    assert_eq!(pairs, expected);
}

#[tokio::test]
async fn scalar_parameters_in_path_query_header_and_cookie() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/items/a%20b%2Fc/versions/7"))
        .and(query_param("sort", "desc"))
        .and(query_param("tags", "x,y"))
        .and(header("x-request-id", "req-1"))
        .and(header("cookie", "session=s1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "a b/c"})))
        .expect(1)
        .mount(&server)
        .await;
    let client = parameters::Client::builder().base_url(server.uri()).build().unwrap();
    let mut options = parameters::GetItemVersionOptions::default();
    options.fields = Some(vec!["f1".to_owned(), "f2".to_owned()]);
    options.tags = Some(vec!["x".to_owned(), "y".to_owned()]);
    options.x_request_id = Some("req-1".to_owned());
    options.session = Some("s1".to_owned());
    options.type_ = Some("full".to_owned());
    // Described by `content`: the caller passes the JSON text.
    options.filter = Some(json!({"state": "open & new"}).to_string());
    let response = client.get_item_version("a b/c", 7, &parameters::SortOrder::Desc, &options).await.unwrap();
    assert_eq!(response.body.id.as_deref(), Some("a b/c"));
    let request = only_request(&server).await;
    let filter = request.url.query_pairs().find(|(k, _)| k == "filter").map(|(_, v)| v.into_owned());
    assert_eq!(filter.as_deref(), Some(r#"{"state":"open & new"}"#), "one value, percent-encoded");
    assert!(request.url.query().unwrap().contains("filter=%7B%22state%22"), "{:?}", request.url.query());
    let fields: Vec<String> =
        request.url.query_pairs().filter(|(k, _)| k == "fields").map(|(_, v)| v.into_owned()).collect();
    assert_eq!(fields, ["f1", "f2"], "exploded arrays repeat the name");
    assert!(request.url.query_pairs().any(|(k, v)| k == "type" && v == "full"), "keyword-named parameter");
}

#[tokio::test]
async fn discriminated_base_type_reads_subtypes_and_keeps_unknown_kinds() {
    let server = MockServer::start().await;
    let pets = json!([
        {"kind": "cat", "name": "Tom", "indoor": false},
        {"kind": "dog", "name": "Rex", "good": true, "tricks": 3},
        {"kind": "axolotl", "name": "Ax", "gills": 6}
    ]);
    Mock::given(method("GET"))
        .and(path("/pets"))
        .respond_with(ResponseTemplate::new(200).set_body_json(pets.clone()))
        .mount(&server)
        .await;
    let client = composition::Client::builder().base_url(server.uri()).build().unwrap();
    let response = client.list_pets().await.unwrap();
    match &response.body[..] {
        [composition::Pet::Cat(cat), composition::Pet::Dog(dog), composition::Pet::UnknownValue(other)] => {
            assert_eq!((cat.name.as_str(), cat.indoor), ("Tom", Some(false)));
            assert!(dog.good);
            assert_eq!(dog.extra.get("tricks"), Some(&json!(3)), "subtype fields the spec does not list are kept");
            assert_eq!(other["gills"], json!(6));
        }
        other => panic!("unexpected {other:?}"),
    }
    // And everything serializes back to what was received.
    assert_eq!(serde_json::to_value(&response.body).unwrap(), pets);
}

#[tokio::test]
async fn a_mapped_union_is_sent_with_its_tag() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/pets"))
        .and(body_string(r#"{"type":"Circle","radius":2.5}"#))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"type": "Square", "side": 3.0})))
        .expect(1)
        .mount(&server)
        .await;
    let client = composition::Client::builder().base_url(server.uri()).build().unwrap();
    // The variant is the tag: the struct has no second copy of it.
    let circle = composition::Shape::Circle(composition::Circle::new(2.5));
    let response = client.add_shape(&circle).await.unwrap();
    assert!(matches!(response.body, composition::Shape::Square(ref s) if s.side == 3.0));
}

#[tokio::test]
async fn annotated_references_are_their_type_and_diamond_inheritance_merges_once() {
    let server = MockServer::start().await;
    // A filter nested through `allOf: [$ref, {description}]` wrappers goes
    // out as the one recursive type; the answer merges Person and Staff,
    // which both extend Named, into one struct with each field once.
    let filter = json!({"Not": {"Not": {"And": [{"Dimension": {"Key": "SERVICE", "Values": ["EC2"]}}]}}});
    Mock::given(method("POST"))
        .and(path("/filters"))
        .and(body_string(filter.to_string()))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!([{"name": "Ada", "born": "1815-12-10", "badge": "A1"}])),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = composition::Client::builder().base_url(server.uri()).build().unwrap();
    let mut dimension = composition::DimensionValues::default();
    dimension.key = Some("SERVICE".to_owned());
    dimension.values = Some(vec!["EC2".to_owned()]);
    let mut leaf = composition::Expression::default();
    leaf.dimension = Some(dimension);
    let mut and = composition::Expression::default();
    and.and = Some(vec![leaf]);
    let mut inner = composition::Expression::default();
    inner.not = Some(Box::new(and));
    let mut outer = composition::Expression::default();
    outer.not = Some(Box::new(inner));
    let employees = client.match_employees(&outer).await.unwrap().body;
    let ada = &employees[0];
    assert_eq!(
        (ada.name.as_deref(), ada.born.as_deref(), ada.badge.as_deref()),
        (Some("Ada"), Some("1815-12-10"), Some("A1"))
    );
    assert!(ada.extra.is_empty(), "{:?}", ada.extra);
    // A nullable annotation makes the field accept null.
    let read: composition::Expression = serde_json::from_value(json!({"Dimension": null})).unwrap();
    assert_eq!(read.dimension, None);
}

#[test]
fn a_schema_that_refers_to_itself_through_allof_wrappers_is_lowered_once() {
    // Many schemas each holding the others through annotated `allOf`
    // wrappers (the shape of most AWS specs): once merged inline at every
    // step, this took exponential time and memory; each is now one type.
    let mut text =
        String::from("openapi: 3.0.3\ninfo: {title: Wrapped, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n");
    const SCHEMAS: usize = 40;
    for i in 0..SCHEMAS {
        text.push_str(&format!("    S{i}:\n      type: object\n      properties:\n"));
        for j in [i, (i + 1) % SCHEMAS, (i + 7) % SCHEMAS] {
            text.push_str(&format!(
                "        p{j}:\n          allOf:\n            - $ref: '#/components/schemas/S{j}'\n            - description: S{j}, annotated.\n"
            ));
        }
    }
    let lowered = crate::support::lower_text("wrapped.yaml", &text).expect("lowers");
    assert_eq!(lowered.api.types.len(), SCHEMAS, "one type per schema, none merged inline");
}

#[tokio::test]
async fn recursive_schemas_and_untagged_unions_decode() {
    let server = MockServer::start().await;
    let tree = json!({
        "value": "root",
        "size": 3,
        "mood": null,
        "children": [
            {"value": "leaf", "size": "big", "mood": "happy", "parent": {"value": "root"}},
            {"value": "odd", "size": [1, 2], "mood": "ecstatic", "label": null}
        ]
    });
    Mock::given(method("GET"))
        .and(path("/trees/t1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(tree))
        .mount(&server)
        .await;
    let client = composition::Client::builder().base_url(server.uri()).build().unwrap();
    let root = client.get_tree("t1").await.unwrap().body;
    assert_eq!(root.size, Some(composition::StringOrNumber::Integer(3)));
    assert_eq!(root.mood, None, "an enum that lists null");
    let children = root.children.expect("children");
    assert_eq!(children[0].size, Some(composition::StringOrNumber::String("big".to_owned())));
    assert_eq!(children[0].mood, Some(composition::Mood::Happy));
    assert_eq!(children[0].parent.as_ref().map(|p| p.value.as_str()), Some("root"));
    assert_eq!(children[1].size, Some(composition::StringOrNumber::UnknownValue(json!([1, 2]))));
    assert_eq!(children[1].mood, Some(composition::Mood::UnknownValue("ecstatic".to_owned())));
}

#[tokio::test]
async fn every_security_scheme_puts_its_credential_where_the_spec_says() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    let cases: Vec<(security::Credentials, &str)> = vec![
        (security::Credentials::basic("user", "pass"), "authorization: Basic dXNlcjpwYXNz"),
        (security::Credentials::bearer("tok"), "authorization: Bearer tok"),
        (security::Credentials::header_key("k1"), "x-auth-token: k1"),
        (security::Credentials::raw_authorization("enc=rypted"), "authorization: enc=rypted"),
        (security::Credentials::query_key("k 2"), "query: api_key=k+2"),
        (security::Credentials::cookie_key("k3"), "cookie: sid=k3"),
        (security::Credentials::oauth("t2"), "authorization: Bearer t2"),
        (security::Credentials::oidc("t3"), "authorization: Bearer t3"),
    ];
    for (credentials, expected) in &cases {
        let client =
            security::Client::builder().base_url(server.uri()).credentials(credentials.clone()).build().unwrap();
        client.who_am_i().await.unwrap();
        client.health().await.unwrap();
        let requests = server.received_requests().await.unwrap();
        let [authed, open] = &requests[requests.len() - 2..] else { unreachable!() };
        let (name, value) = expected.split_once(": ").unwrap();
        if name == "query" {
            assert_eq!(authed.url.query(), Some(value), "{expected}");
        } else {
            assert_eq!(header_of(authed, name), value, "{expected}");
        }
        // `security: []` sends no credential at all.
        assert_eq!(open.url.query(), None);
        for name in ["authorization", "x-auth-token", "cookie"] {
            assert!(open.headers.get(name).is_none(), "{expected}: {name} sent to an open endpoint");
        }
    }
}

#[test]
fn named_servers_are_selectable() {
    let client = security::Client::builder().server(security::Server::Sandbox).build().unwrap();
    assert_eq!(client.base_url(), "https://sandbox.example.test");
    assert_eq!(security::Client::builder().build().unwrap().base_url(), "https://example.test");
}

#[tokio::test]
async fn a_binary_response_and_a_schemaless_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/jobs/j1/output"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(&b"%PDF-1.4\x00\xff"[..], "application/pdf"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/jobs/j2/output"))
        .respond_with(ResponseTemplate::new(404).set_body_raw("{}", "application/json"))
        .mount(&server)
        .await;
    let client = esign_fixtures::responses::Client::builder().base_url(server.uri()).build().unwrap();
    let pdf = client.download_output("j1").await.unwrap();
    assert_eq!(&pdf.body[..], b"%PDF-1.4\x00\xff");
    let err = client.download_output("j2").await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    assert!(matches!(err, Error::UnexpectedResponse(_)), "{err:?}");
}

#[tokio::test]
async fn several_success_types_ranges_and_default() {
    use esign_fixtures::responses::{Client, CreateJobBody, JobRequest};
    let server = MockServer::start().await;
    let client = Client::builder().base_url(server.uri()).build().unwrap();
    let request = JobRequest::new("n".to_owned());
    for (status, body, content_type) in [
        (200, r#"{"id":"j1"}"#, "application/json"),
        (202, "", "text/plain"),
        (422, r#"{"title":"bad name"}"#, "application/json"),
        (500, "<h1>oops</h1>", "text/html"),
    ] {
        server.reset().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(status).set_body_raw(body, content_type))
            .mount(&server)
            .await;
        let result = client.create_job(&request).await;
        match (status, result) {
            (200, Ok(r)) => {
                assert!(matches!(r.body, CreateJobBody::Status200(ref job) if job.id.as_deref() == Some("j1")))
            }
            (202, Ok(r)) => assert_eq!(r.body, CreateJobBody::Status202),
            (422, Err(Error::Api { body, .. })) => assert_eq!(body.title.as_deref(), Some("bad name")),
            (500, Err(Error::UnexpectedResponse(response))) => assert_eq!(response.text(), "<h1>oops</h1>"),
            (status, other) => panic!("{status}: {other:?}"),
        }
    }
}

// ----- Streamed downloads, bracketed forms, checks before sending, paging with a required argument -----

use crate::support::{read_multipart, text_pairs};
use esign_fixtures::downloads_and_forms as forms;

fn forms_client(server: &MockServer) -> forms::Client {
    forms::Client::builder()
        .base_url(server.uri())
        .retry_policy(esign_fixtures::runtime::RetryPolicy::never())
        .build()
        .unwrap()
}

/// A server that takes every `POST /letters` (200, `{}`), and a forms
/// client for it.
async fn letters_server() -> (MockServer, forms::Client) {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/letters"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("{}", "application/json"))
        .mount(&server)
        .await;
    let client = forms_client(&server);
    (server, client)
}

/// `(name, value)` pairs sorted by name; a stable sort keeps the order of
/// parts that share a name (`files[]`, `tags[]`).
fn sorted(mut pairs: Vec<(String, String)>) -> Vec<(String, String)> {
    pairs.sort_by(|a, b| a.0.cmp(&b.0));
    pairs
}

fn owned(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(n, v)| ((*n).to_owned(), (*v).to_owned())).collect()
}

#[tokio::test]
async fn a_streamed_download_arrives_in_chunks_and_a_failure_is_typed() {
    let server = MockServer::start().await;
    let file: Vec<u8> = (0..3 * 1024 * 1024u32).map(|i| (i % 251) as u8).collect();
    Mock::given(method("GET"))
        .and(path("/files/doc-1"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(file.clone(), "application/pdf"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/files/missing"))
        .respond_with(ResponseTemplate::new(404).set_body_raw(r#"{"code":"gone"}"#, "application/json"))
        .mount(&server)
        .await;
    let client = forms_client(&server);
    let response = client.download("doc-1").await.unwrap();
    assert_eq!(response.status, 200);
    assert_eq!(response.headers["content-type"], "application/pdf");
    let mut stream = response.body;
    assert_eq!(stream.content_length(), Some(file.len() as u64));
    let (mut received, mut chunks, mut largest) = (Vec::new(), 0usize, 0usize);
    while let Some(chunk) = stream.chunk().await.unwrap() {
        chunks += 1;
        largest = largest.max(chunk.len());
        received.extend_from_slice(&chunk);
    }
    assert_eq!(received, file, "every byte, in order");
    assert!(chunks > 1 && largest < file.len(), "handed over in pieces: {chunks} chunks, largest {largest}");
    assert_eq!(stream.received(), file.len() as u64);

    let err = client.download("missing").await.unwrap_err();
    assert_eq!(err.api_error().map(|p| p.code.as_str()), Some("gone"), "{err:?}");

    // Copied to a sink, or collected under a limit.
    let mut sink = Vec::new();
    let written = client.download("doc-1").await.unwrap().body.write_to(&mut sink).await.unwrap();
    assert_eq!((written, sink.len()), (file.len() as u64, file.len()));
    let too_big = client.download("doc-1").await.unwrap().body.collect(1024).await.unwrap_err();
    assert!(too_big.to_string().contains("longer than 1024 bytes"), "{too_big}");
}

#[tokio::test]
async fn a_bracketed_form_spreads_the_json_body_type_and_adds_the_files() {
    let (server, client) = letters_server().await;
    let recipient = |name: &str, order: i64| {
        let mut recipient = forms::Recipient::new(name.to_owned());
        recipient.order = Some(order);
        recipient
    };
    let mut field = forms::Box::default();
    field.x = Some(7);
    let mut letter = forms::Letter::default();
    letter.title = Some("Offer".to_owned());
    letter.recipients = Some(vec![recipient("Jack", 0), recipient("Jill", 1)]);
    letter.file_urls = Some(vec!["https://example.test/a.pdf".to_owned()]);
    letter.urgent = Some(true);
    letter.metadata = Some([("ref".to_owned(), "A-1".to_owned())].into());
    letter.layout = Some(vec![vec![field], vec![]]);
    let mut body = forms::SendLetterMultipart::new(letter);
    body.files = Some(vec![
        FilePart::new(&b"%PDF one"[..]).file_name("one.pdf").content_type("application/pdf"),
        FilePart::new(&b"%PDF two"[..]).file_name("two.pdf").content_type("application/pdf"),
    ]);
    client.send_letter_multipart(&body).await.unwrap();
    let request = only_request(&server).await;
    let parts = read_multipart(header_of(&request, "content-type"), request.body.clone()).await.unwrap();
    assert_eq!(
        sorted(text_pairs(&parts)),
        owned(&[
            ("file_urls[]", "https://example.test/a.pdf"),
            ("layout", r#"[[{"x":7}],[]]"#),
            ("metadata[ref]", "A-1"),
            ("recipients[0][name]", "Jack"),
            ("recipients[0][order]", "0"),
            ("recipients[1][name]", "Jill"),
            ("recipients[1][order]", "1"),
            ("title", "Offer"),
            ("urgent", "1"),
        ])
    );
    let layout = parts.iter().find(|p| p.name == "layout").unwrap();
    assert_eq!(layout.content_type.as_deref(), Some("application/json"), "the encoding's media type");
    let files: Vec<(&str, Option<&str>, String)> = parts
        .iter()
        .filter(|p| p.file_name.is_some())
        .map(|p| (p.name.as_str(), p.file_name.as_deref(), p.text()))
        .collect();
    assert_eq!(
        files,
        [("files[]", Some("one.pdf"), "%PDF one".to_owned()), ("files[]", Some("two.pdf"), "%PDF two".to_owned())]
    );
}

#[tokio::test]
async fn a_bracketed_form_without_a_typed_member_names_each_field() {
    let server = MockServer::start().await;
    Mock::given(method("POST")).and(path("/profile")).respond_with(ResponseTemplate::new(204)).mount(&server).await;
    let client = forms_client(&server);
    let mut address = forms::Address::default();
    address.city = Some("Turin".to_owned());
    address.lines = Some(vec!["Via Roma 1".to_owned()]);
    let mut body = forms::UpdateProfileMultipart::new("Ada".to_owned());
    body.active = Some(false);
    body.tags = Some(vec!["a".to_owned(), "b".to_owned()]);
    body.address = Some(address);
    body.avatar = Some(FilePart::new(&b"PNG"[..]).file_name("me.png"));
    client.update_profile(&body).await.unwrap();
    let request = only_request(&server).await;
    let parts = read_multipart(header_of(&request, "content-type"), request.body.clone()).await.unwrap();
    assert_eq!(
        sorted(text_pairs(&parts)),
        owned(&[
            ("active", "0"),
            ("address[city]", "Turin"),
            ("address[lines][]", "Via Roma 1"),
            ("name", "Ada"),
            ("tags[]", "a"),
            ("tags[]", "b"),
        ])
    );
    let avatar = parts.iter().find(|p| p.file_name.is_some()).unwrap();
    assert_eq!((avatar.name.as_str(), avatar.text()), ("avatar", "PNG".to_owned()));
}

#[tokio::test]
async fn request_bodies_that_fail_their_checks_are_not_sent() {
    let (server, client) = letters_server().await;
    let mut both = forms::Letter::default();
    both.recipients = Some(vec![forms::Recipient::new("Jack".to_owned())]);
    both.groups = Some(vec!["sales".to_owned()]);
    let err = client.send_letter(&both).await.unwrap_err();
    assert!(matches!(&err, Error::InvalidRequest(m) if m.contains("exactly one")), "{err:?}");
    let err = client.send_letter_multipart(&forms::SendLetterMultipart::new(both)).await.unwrap_err();
    assert!(matches!(&err, Error::InvalidRequest(m) if m.contains("exactly one")), "{err:?}");
    assert!(server.received_requests().await.unwrap().is_empty(), "nothing was sent");
    // A body that passes goes out.
    let mut one = forms::Letter::default();
    one.groups = Some(vec!["sales".to_owned()]);
    client.send_letter(&one).await.unwrap();
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_paginator_forwards_its_required_argument() {
    use futures_util::StreamExt;
    let server = MockServer::start().await;
    for (page, items) in [("1", json!(["a", "b"])), ("2", json!(["c"]))] {
        Mock::given(method("GET"))
            .and(path("/folders/f%2F1/items"))
            .and(query_param("page", page))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_raw(json!({"items": items, "num_pages": 2}).to_string(), "application/json"),
            )
            .mount(&server)
            .await;
    }
    let client = forms_client(&server);
    let folder = String::from("f/1");
    let items: Vec<String> = client
        .folder_items_items(&folder, &forms::FolderItemsOptions::default())
        .map(|item| item.unwrap())
        .collect()
        .await;
    assert_eq!(items, ["a", "b", "c"]);
}

#[tokio::test]
async fn multipart_arrays_and_objects_follow_their_encoding() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/signature_requests"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let client = bodies::Client::builder().base_url(server.uri()).build().unwrap();
    // Only the title is required: the constructor takes it.
    let mut body = bodies::SendSignatureRequestMultipart::new("Offer".to_owned());
    body.files =
        Some(vec![FilePart::new(&b"one"[..]).file_name("a.pdf"), FilePart::new(&b"two"[..]).file_name("b.pdf")]);
    let mut ann = bodies::Signer::new("Ann".to_owned(), "ann@example.test".to_owned());
    ann.order = Some(1);
    body.signers = Some(vec![ann, bodies::Signer::new("Bo".to_owned(), "bo@example.test".to_owned())]);
    body.cc_emails = Some(vec!["c1@example.test".to_owned(), "c2@example.test".to_owned()]);
    body.labels = Some(vec!["hr".to_owned(), "q4".to_owned()]);
    body.metadata = Some([("team".to_owned(), "legal".to_owned())].into_iter().collect());
    client.send_signature_request(&body).await.unwrap();
    let request = only_request(&server).await;
    let parts: Vec<(String, String)> = read_multipart(header_of(&request, "content-type"), request.body.clone())
        .await
        .unwrap()
        .iter()
        .map(|part| (part.name.clone(), part.text()))
        .collect();
    let pairs: Vec<(&str, &str)> = parts.iter().map(|(n, t)| (n.as_str(), t.as_str())).collect();
    assert_eq!(
        pairs,
        [
            ("title", "Offer"),
            ("files[]", "one"),
            ("files[]", "two"),
            ("signers[0][name]", "Ann"),
            ("signers[0][email_address]", "ann@example.test"),
            ("signers[0][order]", "1"),
            ("signers[1][name]", "Bo"),
            ("signers[1][email_address]", "bo@example.test"),
            ("cc_emails", "c1@example.test"),
            ("cc_emails", "c2@example.test"),
            ("labels", "hr,q4"),
            ("metadata", "{\"team\":\"legal\"}"),
        ]
    );
}

#[tokio::test]
async fn form_bodies_follow_their_encoding() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/signature_requests/draft"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let client = bodies::Client::builder().base_url(server.uri()).build().unwrap();
    // Every field optional: the body derives Default.
    let mut body = bodies::SaveDraftForm::default();
    body.title = Some("Offer".to_owned());
    body.signers = Some(vec![bodies::Signer::new("Ann".to_owned(), "ann@example.test".to_owned())]);
    body.labels = Some(vec!["hr".to_owned(), "q4".to_owned()]);
    client.save_draft(&body).await.unwrap();
    let request = only_request(&server).await;
    let pairs: Vec<(String, String)> = url_pairs(&request.body);
    let pairs: Vec<(&str, &str)> = pairs.iter().map(|(n, t)| (n.as_str(), t.as_str())).collect();
    assert_eq!(
        pairs,
        [
            ("title", "Offer"),
            ("signers[0][name]", "Ann"),
            ("signers[0][email_address]", "ann@example.test"),
            ("labels", "hr,q4"),
        ]
    );
}

/// A form body's (name, value) pairs, decoded.
fn url_pairs(body: &[u8]) -> Vec<(String, String)> {
    let decode = |s: &str| {
        let s = s.replace('+', " ");
        let bytes = s.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'%' && i + 2 < bytes.len() {
                out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).expect("hex"));
                i += 3;
            } else {
                out.push(bytes[i]);
                i += 1;
            }
        }
        String::from_utf8(out).expect("utf-8")
    };
    String::from_utf8_lossy(body)
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(k), decode(v))
        })
        .collect()
}

// ----- Structs that grow with the spec: #[non_exhaustive], built with new or Default -----

/// Every struct a spec shapes is `#[non_exhaustive]`, so a property the
/// spec adds later breaks no caller. From outside its crate (here: this
/// test crate) it is built with `new(required fields)`, or with `Default`
/// when every field is optional, and the fields are then set one by one.
#[tokio::test]
async fn spec_grown_structs_are_built_with_new_or_default_from_outside_their_crate() {
    use esign_fixtures::{responses, swagger2};
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/jobs"))
        .and(body_string(r#"{"name":"nightly","priority":"high"}"#))
        .respond_with(ResponseTemplate::new(202))
        .expect(1)
        .mount(&server)
        .await;
    let client = responses::Client::builder().base_url(server.uri()).build().unwrap();

    // `new` takes the required fields, leaves the optional ones unset and
    // the map of other properties empty.
    let mut request = responses::JobRequest::new("nightly".to_owned());
    assert_eq!(serde_json::to_value(&request).unwrap(), json!({"name": "nightly"}));
    assert!(request.extra.is_empty());
    // Properties the spec does not list yet go in `extra`.
    request.extra.insert("priority".to_owned(), json!("high"));
    client.create_job(&request).await.unwrap();

    let mut signer = bodies::Signer::new("Ann".to_owned(), "ann@example.test".to_owned());
    assert_eq!(signer.order, None);
    signer.order = Some(2);
    assert_eq!(
        serde_json::to_value(&signer).unwrap(),
        json!({"name": "Ann", "email_address": "ann@example.test", "order": 2})
    );
    // Types only responses use have `new` too, not only request bodies.
    let dog = composition::Pet::Dog(composition::Dog::new("Rex".to_owned(), true));
    assert_eq!(serde_json::to_value(&dog).unwrap(), json!({"kind": "dog", "name": "Rex", "good": true}));

    // Every field optional: `Default`, then assignments.
    let mut meta = bodies::FileMeta::default();
    meta.title = Some("NDA".to_owned());
    assert_eq!(serde_json::to_value(&meta).unwrap(), json!({"title": "NDA"}));
    // A multipart body with a required part, an options struct, a headers struct.
    let mut upload = bodies::UploadFileMultipart::new(FilePart::new(&b"%PDF"[..]), "signing".to_owned());
    upload.meta = Some(meta);
    assert_eq!((upload.purpose.as_str(), upload.tags.as_ref()), ("signing", None));
    let mut options = parameters::GetItemVersionOptions::default();
    options.type_ = Some("full".to_owned());
    assert_eq!(options.fields, None);
    let headers = swagger2::ListDocumentsHeaders::default();
    assert_eq!(headers, swagger2::ListDocumentsHeaders::from_headers(&esign_fixtures::runtime::HeaderMap::new()));
}

/// The generated sources themselves: every struct with named fields other
/// than the client and its builder (whose fields are private) is
/// `#[non_exhaustive]`, and derives `Default` or has a `new`.
#[test]
fn every_spec_grown_struct_is_non_exhaustive_with_new_or_default() {
    let root = crate::support::workspace_root();
    let mut files = Vec::new();
    let mut dirs = vec![root.join("generated/src"), root.join("tests/fixtures-client/src")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    let (mut with_new, mut with_default) = (0, 0);
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let Some(name) = line.strip_prefix("pub struct ").and_then(|rest| rest.strip_suffix(" {")) else {
                continue;
            };
            if name == "Client" || name == "ClientBuilder" {
                continue;
            }
            let attrs: Vec<&str> = lines[..i].iter().rev().take_while(|l| l.starts_with("#[")).copied().collect();
            let at = format!("{}: {name}", file.display());
            assert!(attrs.contains(&"#[non_exhaustive]"), "{at} is not #[non_exhaustive]");
            let default = attrs.iter().any(|a| a.starts_with("#[derive(") && a.contains(" Default,"));
            // Its inherent impl, if any, written right after it.
            let impl_line = format!("impl {name} {{");
            let new = lines[i..]
                .iter()
                .skip_while(|l| **l != impl_line)
                .take_while(|l| **l != "}")
                .any(|l| l.starts_with("    pub fn new("));
            assert!(
                default != new,
                "{at}: Default when every field is optional, otherwise new (default {default}, new {new})"
            );
            if new {
                with_new += 1;
            } else {
                with_default += 1;
            }
        }
    }
    assert!(with_new > 50 && with_default > 50, "{with_new} with new, {with_default} with Default");
}

// ----- A 2xx the spec does not list -----

/// `createApp` declares 200 and an error body under `default`; the server
/// answers 201 (as Dropbox Sign does for `api_app_create`). A body that
/// fits the success type is the success; one that does not is kept whole as
/// `UnexpectedResponse`, never read as the error body.
#[tokio::test]
async fn an_undeclared_2xx_is_the_success_when_it_fits_and_never_the_error_body() {
    use esign_fixtures::responses::Client;
    let answers = [
        (201, json!({"app_id": "a1"})),
        (201, json!({"unrelated": true})),
        (202, json!({"error": "looks like an error"})),
        (500, json!({"error": "boom"})),
    ];
    let mut outcomes = Vec::new();
    for (status, body) in answers {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/apps"))
            .respond_with(ResponseTemplate::new(status).set_body_json(body))
            .mount(&server)
            .await;
        let client = Client::builder().base_url(server.uri()).build().unwrap();
        outcomes.push(client.create_app().await);
    }
    let mut outcomes = outcomes.into_iter();
    let created = outcomes.next().unwrap().expect("201 with an app is Ok");
    assert_eq!((created.status.as_u16(), created.body.app_id.as_str()), (201, "a1"));
    for expected in [201, 202] {
        match outcomes.next().unwrap() {
            Err(Error::UnexpectedResponse(response)) => {
                assert_eq!(response.status.as_u16(), expected);
                assert!(std::str::from_utf8(&response.body).unwrap().starts_with('{'), "the raw body is kept");
            }
            other => panic!("{expected}: expected UnexpectedResponse, got {other:?}"),
        }
    }
    match outcomes.next().unwrap() {
        Err(Error::Api { body, response }) => {
            assert_eq!((body.error.as_str(), response.status.as_u16()), ("boom", 500))
        }
        other => panic!("500: expected the error body, got {other:?}"),
    }
}
