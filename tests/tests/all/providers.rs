//! Leegality and Constellation1 against local servers, and the
//! provider-neutral cancel trait on all three providers.

use cancel_anywhere::{INVITATION, SESSION, SIGNATURE_REQUEST};
use esign_client::runtime::{CancelOutcome, CancelRequest, Error, StringBool};
use esign_client::{constellation1, leegality};
use serde_json::json;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const UUID: &str = "db9f8b15-84be-47e4-a885-66cdce4bc80c";

fn leegality_client(server: &MockServer) -> leegality::Client {
    leegality::Client::builder()
        .base_url(format!("{}/api", server.uri()))
        .credentials(leegality::Credentials::auth_token("lg-token"))
        .build()
        .unwrap()
}

fn envelope(status: i64, code: &str, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "status": status,
        "messages": [{"code": code, "message": message}],
        "data": {}
    }))
}

#[tokio::test]
async fn leegality_success_sends_the_token_and_the_sign_url_as_given() {
    let server = MockServer::start().await;
    let full = format!("https://sandbox.leegality.com/sign/{UUID}");
    for sign_url in [full.as_str(), UUID] {
        Mock::given(method("DELETE"))
            .and(path("/api/v3.0/sign/request/invitation"))
            .and(query_param("signUrl", sign_url))
            .and(header("x-auth-token", "lg-token"))
            .respond_with(envelope(1, "invitation.deleted.success", "Invitation deleted successfully."))
            .expect(1)
            .mount(&server)
            .await;
    }
    let client = leegality_client(&server);
    for sign_url in [full.as_str(), UUID] {
        let response = client.delete_invitation(sign_url).await.unwrap();
        assert_eq!(response.body.status, Some(1));
        let messages = response.body.messages.unwrap();
        assert_eq!(messages[0].code, Some(leegality::MessageCode::InvitationDeletedSuccess));
    }
    // The full URL travels percent-encoded in the query string.
    let requests = server.received_requests().await.unwrap();
    assert_eq!(
        requests[0].url.query(),
        Some("signUrl=https%3A%2F%2Fsandbox.leegality.com%2Fsign%2Fdb9f8b15-84be-47e4-a885-66cdce4bc80c")
    );
}

#[tokio::test]
async fn leegality_status_zero_is_an_error_with_typed_codes() {
    let cases = [
        ("sign.url.required", leegality::MessageCode::SignUrlRequired),
        ("invitation.not.exists", leegality::MessageCode::InvitationNotExists),
        ("some.future.code", leegality::MessageCode::UnknownValue("some.future.code".to_owned())),
    ];
    for (code, expected) in cases {
        let server = MockServer::start().await;
        Mock::given(method("DELETE")).respond_with(envelope(0, code, "Explained.")).mount(&server).await;
        let err = leegality_client(&server).delete_invitation(UUID).await.unwrap_err();
        match &err {
            Error::Api { body, response } => {
                assert_eq!(response.status, 200, "the failure came with HTTP 200");
                assert_eq!(body.status, Some(0));
                let message = &body.messages.as_ref().unwrap()[0];
                assert_eq!(message.code.as_ref(), Some(&expected));
                assert_eq!(message.message.as_deref(), Some("Explained."));
            }
            other => panic!("{code}: expected Error::Api, got {other:?}"),
        }
        // `Display` prints the code and message the typed body supplies.
        assert_eq!(err.to_string(), format!("the API answered 200 OK: {code}: Explained."));
    }
}

/// Each generated error body supplies its own code and message to
/// `Display`: the Dropbox Sign body's nested `error_name`/`error_msg`, not
/// keys a generic reading of the raw body would find first.
#[tokio::test]
async fn error_display_shows_the_typed_body_code_and_message() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({
            "code": "decoy_code",
            "message": "decoy message",
            "error": {"error_name": "not_found", "error_msg": "Not found: sr-1"}
        })))
        .mount(&server)
        .await;
    let client = esign_client::dropbox_sign::Client::builder()
        .base_url(server.uri())
        .credentials(esign_client::dropbox_sign::Credentials::api_key("key"))
        .build()
        .unwrap();
    let err = client.signature_request_get("sr-1").await.unwrap_err();
    assert!(matches!(err, Error::Api { .. }), "{err:?}");
    assert_eq!(err.to_string(), "the API answered 404 Not Found: not_found: Not found: sr-1");

    // Constellation1's error body has neither: the raw body is read generically.
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"ReturnValue": "False", "message": "Session is closed"})),
        )
        .mount(&server)
        .await;
    let err = constellation_client(&server, "t").cancel_session("s-1", "https://r").await.unwrap_err();
    assert!(matches!(err, Error::Api { .. }), "{err:?}");
    assert_eq!(err.to_string(), "the API answered 200 OK: Session is closed");
}

#[tokio::test]
async fn leegality_refuses_an_empty_sign_url_before_sending() {
    let server = MockServer::start().await;
    let err = leegality_client(&server).delete_invitation("").await.unwrap_err();
    assert!(matches!(&err, Error::InvalidRequest(m) if m.contains("signUrl")), "{err:?}");
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn leegality_bad_token_html_and_empty_bodies_surface_with_status_and_body() {
    let cases = [
        (401, "{\"message\":\"Invalid token\"}", "application/json"),
        (200, "<html>Service unavailable</html>", "text/html"),
        (200, "", "text/plain"),
    ];
    for (status, body, content_type) in cases {
        let server = MockServer::start().await;
        Mock::given(method("DELETE"))
            .respond_with(ResponseTemplate::new(status).set_body_raw(body, content_type))
            .mount(&server)
            .await;
        let err = leegality_client(&server).delete_invitation(UUID).await.unwrap_err();
        let response = err.response().unwrap_or_else(|| panic!("{status}: {err:?}"));
        assert_eq!(response.status, status);
        assert_eq!(response.text(), body);
        assert!(matches!(err, Error::UnexpectedResponse(_)), "{status} {body:?}: {err:?}");
    }
}

#[test]
fn leegality_servers_are_chosen_by_name() {
    let sandbox = leegality::Client::builder().server(leegality::Server::Sandbox).build().unwrap();
    assert_eq!(sandbox.base_url(), "https://sandbox.leegality.com/api");
    let production = leegality::Client::builder().build().unwrap();
    assert_eq!(production.base_url(), "https://app1.leegality.com/api");
}

fn constellation_client(server: &MockServer, token: &str) -> constellation1::Client {
    constellation1::Client::builder()
        .base_url(server.uri())
        .credentials(constellation1::Credentials::encrypted_token(token))
        .build()
        .unwrap()
}

#[tokio::test]
async fn constellation1_true_is_success_with_the_raw_token_an_encoded_return_url_and_no_body() {
    let server = MockServer::start().await;
    let token = "Q2xpZW50SWQ6MTIz+/==";
    Mock::given(method("PUT"))
        .and(path("/rest/v1/sessions/s-42/cancel"))
        .and(header("authorization", token))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ReturnValue": "True", "Extra": 1})))
        .expect(1)
        .mount(&server)
        .await;
    let return_url = "https://app.example.com/done?x=1&y=a b";
    let response = constellation_client(&server, token).cancel_session("s-42", return_url).await.unwrap();
    assert_eq!(response.body.return_value, Some(StringBool(true)));
    assert_eq!(response.body.extra.get("Extra"), Some(&json!(1)), "unknown fields are kept");
    let request = &server.received_requests().await.unwrap()[0];
    assert_eq!(request.url.query(), Some("returnURL=https%3A%2F%2Fapp.example.com%2Fdone%3Fx%3D1%26y%3Da+b"));
    assert!(request.body.is_empty());
    assert_eq!(request.headers.get("content-length").map(|v| v.to_str().unwrap()), Some("0"), "{:?}", request.headers);
}

#[tokio::test]
async fn constellation1_false_is_a_failed_cancel_and_non_json_is_unexpected() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/rest/v1/sessions/s-1/cancel"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ReturnValue": "False"})))
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/rest/v1/sessions/s-2/cancel"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("Object reference not set", "text/plain"))
        .mount(&server)
        .await;
    let client = constellation_client(&server, "t");
    match client.cancel_session("s-1", "https://r").await.unwrap_err() {
        Error::Api { body, .. } => assert_eq!(body.return_value, Some(StringBool(false))),
        other => panic!("expected the failed RequestResponse, got {other:?}"),
    }
    match client.cancel_session("s-2", "https://r").await.unwrap_err() {
        Error::UnexpectedResponse(response) => assert_eq!(response.text(), "Object reference not set"),
        other => panic!("expected an unexpected response, got {other:?}"),
    }
}

#[test]
fn constellation1_needs_a_base_url() {
    let err = constellation1::Client::builder().build().unwrap_err();
    assert!(err.to_string().contains("base_url"), "{err}");
}

/// The example program's logic: one list of trait objects, one call each.
#[tokio::test]
async fn the_same_program_cancels_on_all_three_providers() {
    let dropbox = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v3/signature_request/cancel/sr-ok"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&dropbox)
        .await;
    Mock::given(method("POST"))
        .and(path("/v3/signature_request/cancel/sr-signed"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"error": {
            "error_msg": "Signature request is fully executed.",
            "error_name": "signature_request_cancel_failed"}})))
        .mount(&dropbox)
        .await;
    Mock::given(method("POST"))
        .and(path("/v3/signature_request/cancel/sr-gone"))
        .respond_with(ResponseTemplate::new(410).set_body_json(json!({"error": {
            "error_msg": "The request was cancelled or deleted.", "error_name": "deleted"}})))
        .mount(&dropbox)
        .await;
    let lg = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(query_param("signUrl", UUID))
        .respond_with(envelope(1, "invitation.deleted.success", "Deleted."))
        .mount(&lg)
        .await;
    Mock::given(method("DELETE"))
        .and(query_param("signUrl", "signed-one"))
        .respond_with(envelope(0, "invitation.not.exists", "Invitation does not exist."))
        .mount(&lg)
        .await;
    let c1 = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/rest/v1/sessions/sess-1/cancel"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ReturnValue": "True"})))
        .mount(&c1)
        .await;
    Mock::given(method("PUT"))
        .and(path("/rest/v1/sessions/sess-2/cancel"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ReturnValue": "False"})))
        .mount(&c1)
        .await;

    let providers = cancel_anywhere::Providers {
        dropbox_sign: Some((Some(format!("{}/v3", dropbox.uri())), "key".to_owned())),
        leegality: Some((Some(lg.uri()), "token".to_owned())),
        constellation1: Some((c1.uri(), "enc".to_owned())),
    };
    let clients = cancel_anywhere::clients(&providers).unwrap();
    // Each client's target is what its spec's `x-esign-cancel` names and describes.
    let targets: Vec<(&str, bool)> =
        clients.iter().map(|c| c.cancel_target()).map(|t| (t.name, t.description.is_some())).collect();
    assert_eq!(targets, [(SIGNATURE_REQUEST, true), (INVITATION, true), (SESSION, true)]);
    let back = "https://example.com/back";
    let requests = vec![
        (SIGNATURE_REQUEST, CancelRequest::new("sr-ok")),
        (SIGNATURE_REQUEST, CancelRequest::new("sr-signed")),
        (SIGNATURE_REQUEST, CancelRequest::new("sr-gone")),
        (INVITATION, CancelRequest::new(UUID)),
        (INVITATION, CancelRequest::new("signed-one")),
        (SESSION, CancelRequest::new("sess-1").return_url(back)),
        (SESSION, CancelRequest::new("sess-2").return_url(back)),
        (SESSION, CancelRequest::new("sess-3")),
    ];
    let outcomes: Vec<CancelOutcome> =
        cancel_anywhere::cancel_all(&clients, &requests).await.into_iter().map(|(_, _, o)| o).collect();
    assert_eq!(outcomes[0], CancelOutcome::Queued);
    assert_eq!(outcomes[1], CancelOutcome::NotEligible { reason: "Signature request is fully executed.".to_owned() });
    assert_eq!(outcomes[2], CancelOutcome::NotFound { reason: "The request was cancelled or deleted.".to_owned() });
    assert_eq!(outcomes[3], CancelOutcome::Canceled);
    assert_eq!(outcomes[4], CancelOutcome::NotFound { reason: "Invitation does not exist.".to_owned() });
    assert_eq!(outcomes[5], CancelOutcome::Canceled);
    assert!(matches!(&outcomes[6], CancelOutcome::Failed { status: Some(s), .. } if *s == 200), "{:?}", outcomes[6]);
    assert!(matches!(&outcomes[7], CancelOutcome::Failed { reason, status: None } if reason.contains("returnURL")));
}
