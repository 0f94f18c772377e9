//! The generated Dropbox Sign client against a real HTTP server on 127.0.0.1.

use esign_client::dropbox_sign::{Client, Credentials, ErrorName, Server, WarningName};
use esign_client::runtime::{Error, RateLimit};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "sk_live_supersecret";

/// One request per call: these tests look at single responses (retries
/// have their own tests in `retries`).
fn client(server: &MockServer, credentials: Credentials) -> Client {
    Client::builder()
        .base_url(format!("{}/v3", server.uri()))
        .credentials(credentials)
        .retry_policy(esign_client::runtime::RetryPolicy::never())
        .build()
        .expect("client builds")
}

fn rate_limited(status: u16) -> ResponseTemplate {
    ResponseTemplate::new(status)
        .insert_header("X-RateLimit-Limit", "2000")
        .insert_header("X-RateLimit-Remaining", "1999")
        .insert_header("X-Ratelimit-Reset", "1767225600")
}

const RATE: RateLimit = RateLimit::new(2000, 1999, 1767225600);

#[tokio::test]
async fn cancel_posts_with_basic_auth_and_reads_the_rate_limit() {
    let server = MockServer::start().await;
    // The API key is the user name and the password is empty: base64("sk_live_supersecret:").
    let basic = "Basic c2tfbGl2ZV9zdXBlcnNlY3JldDo=";
    Mock::given(method("POST"))
        .and(path("/v3/signature_request/cancel/fa5c8a0b0f492d768749333ad6fcc214c111e967"))
        .and(header("authorization", basic))
        .respond_with(rate_limited(200))
        .expect(1)
        .mount(&server)
        .await;
    let response = client(&server, Credentials::api_key(KEY))
        .signature_request_cancel("fa5c8a0b0f492d768749333ad6fcc214c111e967")
        .await
        .expect("queued");
    assert_eq!(response.status, 200);
    assert_eq!(response.rate_limit, Some(RATE));
    assert!(response.warnings.is_empty());
    assert_eq!(response.body, ());
}

#[tokio::test]
async fn remove_posts_with_a_bearer_token() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v3/signature_request/remove/abc"))
        .and(header("authorization", "Bearer oauth-token-123"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let response =
        client(&server, Credentials::oauth2("oauth-token-123")).signature_request_remove("abc").await.unwrap();
    assert_eq!(response.status, 200);
    assert_eq!(response.rate_limit, None, "no headers, no rate limit");
}

#[tokio::test]
async fn warnings_in_a_successful_body_are_typed_and_unknown_names_kept() {
    let server = MockServer::start().await;
    let body = r#"{"warnings":[{"warning_msg":"On hold.","warning_name":"unconfirmed"},{"warning_msg":"New.","warning_name":"brand_new_warning"}]}"#;
    Mock::given(method("POST"))
        .respond_with(rate_limited(200).set_body_raw(body, "application/json"))
        .mount(&server)
        .await;
    let response = client(&server, Credentials::api_key(KEY)).signature_request_cancel("x").await.unwrap();
    assert_eq!(response.warnings.len(), 2);
    assert_eq!(response.warnings[0].warning_name, WarningName::Unconfirmed);
    assert_eq!(response.warnings[0].warning_msg, "On hold.");
    assert_eq!(response.warnings[1].warning_name, WarningName::UnknownValue("brand_new_warning".to_owned()));
}

fn error_body(name: &str) -> String {
    format!(r#"{{"error":{{"error_msg":"Message for {name}.","error_name":"{name}"}}}}"#)
}

#[tokio::test]
async fn every_documented_error_maps_to_the_typed_error() {
    let cases: &[(bool, u16, &str, ErrorName)] = &[
        (true, 400, "signature_request_cancel_failed", ErrorName::SignatureRequestCancelFailed),
        (false, 400, "signature_request_remove_failed", ErrorName::SignatureRequestRemoveFailed),
        (true, 401, "unauthorized", ErrorName::Unauthorized),
        (true, 402, "payment_required", ErrorName::PaymentRequired),
        (true, 403, "forbidden", ErrorName::Forbidden),
        (true, 403, "exceeded_rate", ErrorName::ExceededRate),
        (true, 404, "not_found", ErrorName::NotFound),
        (true, 409, "conflict", ErrorName::Conflict),
        (true, 410, "deleted", ErrorName::Deleted),
        (true, 503, "maintenance", ErrorName::Maintenance),
    ];
    for (cancel, status, name, expected) in cases {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(rate_limited(*status).set_body_raw(error_body(name), "application/json"))
            .expect(1)
            .mount(&server)
            .await;
        let client = client(&server, Credentials::api_key(KEY));
        let result = if *cancel {
            client.signature_request_cancel("id").await
        } else {
            client.signature_request_remove("id").await
        };
        let err = result.expect_err(name);
        assert_eq!(err.status().map(|s| s.as_u16()), Some(*status), "{name}");
        assert_eq!(err.rate_limit(), Some(RATE), "{name}");
        match &err {
            Error::Api { body, response } => {
                assert_eq!(&body.error.error_name, expected, "{name}");
                assert_eq!(body.error.error_msg, format!("Message for {name}."));
                assert_eq!(body.error.error_path, None);
                assert_eq!(response.body, error_body(name).as_bytes());
                assert_eq!(body.error.error_name.http_status(), Some(*status), "the table's status for {name}");
            }
            other => panic!("{name}: expected Error::Api, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn an_error_name_the_table_does_not_list_is_kept() {
    let server = MockServer::start().await;
    let body = r#"{"error":{"error_msg":"Slow down.","error_name":"quota_exhausted","error_path":"signature_request_id"},"request_id":"r-1"}"#;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(429).set_body_raw(body, "application/json"))
        .mount(&server)
        .await;
    let err = client(&server, Credentials::api_key(KEY)).signature_request_cancel("id").await.unwrap_err();
    let api = err.api_error().expect("typed body");
    assert_eq!(api.error.error_name, ErrorName::UnknownValue("quota_exhausted".to_owned()));
    assert!(!api.error.error_name.is_known());
    assert_eq!(api.error.error_name.to_string(), "quota_exhausted");
    assert_eq!(api.error.error_path.as_deref(), Some("signature_request_id"));
    // Fields the spec does not list are kept, and the body round-trips.
    assert_eq!(api.extra.get("request_id"), Some(&serde_json::json!("r-1")));
    let back: serde_json::Value = serde_json::to_value(api).unwrap();
    assert_eq!(back, serde_json::from_str::<serde_json::Value>(body).unwrap());
}

#[tokio::test]
async fn a_non_json_error_body_is_an_unexpected_response_with_status_and_body() {
    let server = MockServer::start().await;
    let html = "<html><body><h1>502 Bad Gateway</h1></body></html>";
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(502).set_body_raw(html, "text/html"))
        .mount(&server)
        .await;
    let err = client(&server, Credentials::api_key(KEY)).signature_request_cancel("id").await.unwrap_err();
    match &err {
        Error::UnexpectedResponse(response) => {
            assert_eq!(response.status, 502);
            assert_eq!(response.text(), html);
        }
        other => panic!("expected UnexpectedResponse, got {other:?}"),
    }
    assert_eq!(err.to_string(), format!("unexpected response 502 Bad Gateway ({} bytes)", html.len()));
}

#[tokio::test]
async fn a_truncated_json_body_is_a_decode_error_that_keeps_the_body() {
    let server = MockServer::start().await;
    let truncated = r#"{"error":{"error_msg":"Unauthorized user.","error_na"#;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(401).set_body_raw(truncated, "application/json"))
        .mount(&server)
        .await;
    let err = client(&server, Credentials::api_key(KEY)).signature_request_remove("id").await.unwrap_err();
    match &err {
        Error::Decode { message, response } => {
            assert_eq!(response.status, 401);
            assert_eq!(response.body, truncated.as_bytes());
            assert!(message.contains("EOF"), "{message}");
        }
        other => panic!("expected Decode, got {other:?}"),
    }
}

#[tokio::test]
async fn ids_cannot_escape_their_path_segment() {
    let server = MockServer::start().await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    let client = client(&server, Credentials::api_key(KEY));
    let cases = [
        ("../../account", "/v3/signature_request/cancel/..%2F..%2Faccount"),
        ("a/b", "/v3/signature_request/cancel/a%2Fb"),
        ("x?admin=1#frag", "/v3/signature_request/cancel/x%3Fadmin%3D1%23frag"),
        ("100%", "/v3/signature_request/cancel/100%25"),
        ("%2e%2e", "/v3/signature_request/cancel/%252e%252e"),
        ("..a", "/v3/signature_request/cancel/..a"),
        ("naïve id", "/v3/signature_request/cancel/na%C3%AFve%20id"),
    ];
    for (id, _) in cases {
        client.signature_request_cancel(id).await.unwrap_or_else(|e| panic!("{id}: {e}"));
    }
    let received: Vec<String> =
        server.received_requests().await.unwrap().iter().map(|r| r.url.path().to_owned()).collect();
    let expected: Vec<&str> = cases.iter().map(|(_, p)| *p).collect();
    assert_eq!(received, expected);

    // Values no encoding can keep in one segment are refused before sending.
    for id in ["", ".", ".."] {
        let err = client.signature_request_cancel(id).await.unwrap_err();
        assert!(matches!(err, Error::InvalidRequest(_)), "{id:?}: {err:?}");
    }
    assert_eq!(server.received_requests().await.unwrap().len(), cases.len(), "nothing more was sent");
}

#[tokio::test]
async fn secrets_never_show_in_debug_or_errors() {
    let creds = Credentials::api_key(KEY);
    assert!(!format!("{creds:?}").contains("supersecret"));
    let bearer = Credentials::oauth2(KEY);
    assert!(!format!("{bearer:?}").contains("supersecret"));
    // Nothing listens on this port: the transport error must not echo the key.
    let client = Client::builder().base_url("http://127.0.0.1:9/v3").credentials(creds).build().unwrap();
    assert!(!format!("{client:?}").contains("supersecret"));
    let err = client.signature_request_cancel("id").await.unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    for text in [err.to_string(), format!("{err:?}")] {
        assert!(!text.contains("supersecret"), "{text}");
        assert!(!text.contains("c2tfbGl2ZV9zdXBlcnNlY3JldDo"), "{text}");
    }
}

#[test]
fn servers_and_base_urls() {
    let client = Client::new(Credentials::api_key(KEY)).unwrap();
    assert_eq!(client.base_url(), "https://api.hellosign.com/v3");
    assert_eq!(Server::Production.url(), "https://api.hellosign.com/v3");
    let client = Client::builder().server(Server::Production).base_url("http://127.0.0.1:8080/v3/").build().unwrap();
    assert_eq!(client.base_url(), "http://127.0.0.1:8080/v3");
    // Errors say what is wrong without repeating a query value or user information.
    for (bad, said) in [
        ("not a url", "not an absolute URL"),
        ("ftp://example.com", "`ftp://example.com/` must be an absolute http or https URL"),
        ("http://example.com/?api_key=sk_live_q1", "`http://example.com/?api_key=<redacted>` may not have a query"),
        ("http://sk_live_q1:@example.com/v3", "may not carry user information"),
    ] {
        let err = Client::builder().base_url(bad).build().unwrap_err();
        assert!(err.to_string().contains(said) && !err.to_string().contains("sk_live_q1"), "{err}");
    }
}

#[test]
fn enums_cover_the_tables_and_round_trip() {
    // The reference's 19 names and `unprocessable_entity` (422), which the endpoints document.
    assert_eq!(ErrorName::KNOWN.len(), 20);
    assert_eq!(WarningName::KNOWN.len(), 19);
    for name in ErrorName::KNOWN {
        let text = name.as_str();
        assert_eq!(&text.parse::<ErrorName>().unwrap(), name);
        assert_eq!(serde_json::to_string(name).unwrap(), format!("\"{text}\""));
        assert_eq!(&serde_json::from_str::<ErrorName>(&format!("\"{text}\"")).unwrap(), name);
        assert!(name.description().is_some_and(|d| !d.is_empty()), "{text} has its table text");
    }
    // "N/A" in the table stays absent.
    for name in ["signature_request_invalid", "template_error", "invalid_reminder", "invalid_file"] {
        assert_eq!(ErrorName::from(name).http_status(), None, "{name}");
    }
    assert_eq!(ErrorName::UnprocessableEntity.http_status(), Some(422));
    assert_eq!(ErrorName::ExceededRate.http_status(), Some(403));
    assert_eq!(ErrorName::Unknown.as_str(), "unknown", "the table's own `unknown` is a known value");
    let unknown = ErrorName::from("not_in_the_table");
    assert_eq!(serde_json::to_string(&unknown).unwrap(), "\"not_in_the_table\"");
    assert_eq!(unknown.description(), None);
}
