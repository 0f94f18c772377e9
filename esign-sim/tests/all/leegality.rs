//! The Leegality simulator: the status 1/0 envelope and its message codes.

use crate::support::leegality_client;
use esign_client::leegality::MessageCode;
use esign_client::runtime::Error;
use esign_sim::leegality::{envelope_reply, InvitationState};
use esign_sim::LeegalitySim;

const UUID: &str = "db9f8b15-84be-47e4-a885-66cdce4bc80c";

/// The status and the first message code of a failed delete.
fn failure(err: &Error<esign_client::leegality::DeleteInvitationResponse>) -> (u16, Option<i64>, Option<MessageCode>) {
    match err {
        Error::Api { body, response } => {
            let code = body.messages.as_ref().and_then(|m| m.first()).and_then(|m| m.code.clone());
            (response.status.as_u16(), body.status, code)
        }
        other => panic!("expected the status 0 envelope, got {other:?}"),
    }
}

#[tokio::test(start_paused = true)]
async fn an_unsigned_invitation_is_deleted_once_by_url_or_uuid() {
    let sim = LeegalitySim::start().await;
    let client = leegality_client(&sim, sim.auth_token());
    let full = format!("https://sandbox.leegality.com/sign/{UUID}");
    sim.add_invitation(&full, InvitationState::Unsigned);
    sim.add_invitation("second-uuid", InvitationState::Unsigned);

    let deleted = client.delete_invitation(UUID).await.unwrap();
    assert_eq!(deleted.status, 200);
    assert_eq!(deleted.body.status, Some(1));
    let messages = deleted.body.messages.unwrap();
    assert_eq!(messages[0].code, Some(MessageCode::InvitationDeletedSuccess));
    assert_eq!(sim.state(&full), Some(InvitationState::Deleted));

    // Again, by the full URL this time: it no longer exists (HTTP 200, status 0).
    let again = client.delete_invitation(&full).await.unwrap_err();
    assert_eq!(failure(&again), (200, Some(0), Some(MessageCode::InvitationNotExists)));
    client.delete_invitation("https://app1.leegality.com/sign/second-uuid").await.unwrap();

    // The full URL travelled percent-encoded.
    let requests = sim.requests();
    assert_eq!(requests[1].path, "/api/v3.0/sign/request/invitation");
    assert_eq!(
        requests[1].query.as_deref(),
        Some("signUrl=https%3A%2F%2Fsandbox.leegality.com%2Fsign%2Fdb9f8b15-84be-47e4-a885-66cdce4bc80c")
    );
}

#[tokio::test(start_paused = true)]
async fn signed_and_unknown_invitations_do_not_exist_for_deletion() {
    let sim = LeegalitySim::start().await;
    sim.add_invitation(UUID, InvitationState::Signed);
    let client = leegality_client(&sim, sim.auth_token());
    for sign_url in [UUID, "never-added"] {
        let err = client.delete_invitation(sign_url).await.unwrap_err();
        assert_eq!(failure(&err), (200, Some(0), Some(MessageCode::InvitationNotExists)), "{sign_url}");
    }
    assert_eq!(sim.state(UUID), Some(InvitationState::Signed));
}

#[tokio::test(start_paused = true)]
async fn a_missing_sign_url_injected_codes_and_a_wrong_token() {
    let sim = LeegalitySim::builder().auth_token("lg-token").start().await;
    sim.add_invitation(UUID, InvitationState::Unsigned);

    // The client refuses an empty signUrl itself; the simulator answers one that arrives.
    let raw = reqwest::Client::new()
        .delete(format!("{}/v3.0/sign/request/invitation?signUrl=", sim.base_url()))
        .header("X-Auth-Token", "lg-token")
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), 200);
    let body: serde_json::Value = serde_json::from_str(&raw.text().await.unwrap()).unwrap();
    assert_eq!(body["status"], 0);
    assert_eq!(body["messages"][0]["code"], "sign.url.required");

    let client = leegality_client(&sim, "lg-token");
    sim.fail_next("some.future.code", "Something new.");
    let err = client.delete_invitation(UUID).await.unwrap_err();
    assert_eq!(failure(&err), (200, Some(0), Some(MessageCode::UnknownValue("some.future.code".to_owned()))));
    assert_eq!(sim.state(UUID), Some(InvitationState::Unsigned), "the injected answer changed nothing");
    sim.respond_next(envelope_reply(0, "sign.url.required", "Sign URL is required."));
    assert_eq!(failure(&client.delete_invitation(UUID).await.unwrap_err()).2, Some(MessageCode::SignUrlRequired));

    // A wrong token: HTTP 401, which the spec does not document.
    let err = leegality_client(&sim, "wrong").delete_invitation(UUID).await.unwrap_err();
    assert!(matches!(&err, Error::UnexpectedResponse(response) if response.status == 401), "{err:?}");
    let log = format!("{:?}", sim.requests());
    assert!(!log.contains("lg-token") && !log.contains("wrong"), "{log}");
}
