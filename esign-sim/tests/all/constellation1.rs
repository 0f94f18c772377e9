//! The Constellation1 simulator: ReturnValue "True" and "False".

use crate::support::constellation1_client;
use esign_client::runtime::{Error, StringBool};
use esign_sim::constellation1::SessionState;
use esign_sim::Constellation1Sim;

fn return_value(err: &Error<esign_client::constellation1::RequestResponse>) -> Option<StringBool> {
    match err {
        Error::Api { body, .. } => body.return_value,
        other => panic!("expected the RequestResponse, got {other:?}"),
    }
}

#[tokio::test(start_paused = true)]
async fn an_active_session_is_canceled_once() {
    let sim = Constellation1Sim::builder().encrypted_token("Q2xpZW50SWQ6MTIz+/==").start().await;
    sim.add_session("s-1", SessionState::Active);
    let client = constellation1_client(&sim, "Q2xpZW50SWQ6MTIz+/==");
    let response = client.cancel_session("s-1", "https://app.example.com/done?x=1").await.unwrap();
    assert_eq!(response.body.return_value, Some(StringBool(true)));
    assert_eq!(sim.state("s-1"), Some(SessionState::Canceled));
    let again = client.cancel_session("s-1", "https://app.example.com/done?x=1").await.unwrap_err();
    assert_eq!(return_value(&again), Some(StringBool(false)));

    let request = &sim.requests()[0];
    assert_eq!((request.method.as_str(), request.path.as_str()), ("PUT", "/rest/v1/sessions/s-1/cancel"));
    assert_eq!(request.query.as_deref(), Some("returnURL=https%3A%2F%2Fapp.example.com%2Fdone%3Fx%3D1"));
}

#[tokio::test(start_paused = true)]
async fn completed_unknown_and_injected_failures_answer_false() {
    let sim = Constellation1Sim::start().await;
    sim.add_session("done", SessionState::Completed);
    sim.add_session("live", SessionState::Active);
    let client = constellation1_client(&sim, sim.encrypted_token());
    for id in ["done", "unknown"] {
        assert_eq!(return_value(&client.cancel_session(id, "https://r").await.unwrap_err()), Some(StringBool(false)));
    }
    sim.fail_next();
    assert_eq!(return_value(&client.cancel_session("live", "https://r").await.unwrap_err()), Some(StringBool(false)));
    assert_eq!(sim.state("live"), Some(SessionState::Active), "the injected answer changed nothing");

    // No returnURL (the client requires one; a raw request can omit it).
    let raw = reqwest::Client::new()
        .put(format!("{}/rest/v1/sessions/live/cancel", sim.base_url()))
        .header("Authorization", sim.encrypted_token())
        .header("Content-Length", "0")
        .send()
        .await
        .unwrap();
    assert_eq!(raw.text().await.unwrap(), r#"{"ReturnValue":"False"}"#);

    let err = constellation1_client(&sim, "wrong").cancel_session("live", "https://r").await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
    client.cancel_session("live", "https://r").await.unwrap();
}
