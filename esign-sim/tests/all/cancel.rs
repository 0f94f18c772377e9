//! One `esign_runtime::Cancel` call against every simulator: each
//! provider's answers map to the documented outcomes.

use crate::support::{constellation1_client, leegality_client, sim_client};
use esign_client::runtime::{Cancel, CancelOutcome, CancelRequest, RetryPolicy, StatusCode};
use esign_sim::constellation1::SessionState;
use esign_sim::dropbox_sign::RequestState;
use esign_sim::leegality::InvitationState;
use esign_sim::{Constellation1Sim, DropboxSignSim, LeegalitySim};

async fn cancel(client: &(dyn Cancel + Send + Sync), id: &str) -> CancelOutcome {
    client.cancel(&CancelRequest::new(id).return_url("https://example.com/back")).await
}

#[tokio::test(start_paused = true)]
async fn every_provider_answer_maps_to_its_documented_outcome() {
    let dropbox = DropboxSignSim::start().await;
    dropbox.add_signature_request("open", RequestState::AwaitingSignature);
    dropbox.add_signature_request("signed", RequestState::FullySigned);
    let lg = LeegalitySim::start().await;
    lg.add_invitation("unsigned", InvitationState::Unsigned);
    lg.add_invitation("signed", InvitationState::Signed);
    let c1 = Constellation1Sim::start().await;
    c1.add_session("active", SessionState::Active);
    c1.add_session("completed", SessionState::Completed);

    let dropbox_client: Box<dyn Cancel + Send + Sync> = Box::new(sim_client(&dropbox, RetryPolicy::never()));
    let lg_client: Box<dyn Cancel + Send + Sync> = Box::new(leegality_client(&lg, lg.auth_token()));
    let c1_client: Box<dyn Cancel + Send + Sync> = Box::new(constellation1_client(&c1, c1.encrypted_token()));

    let not_found = |reason: &str| CancelOutcome::NotFound { reason: reason.to_owned() };

    // Dropbox Sign: queued, then gone; executed: not eligible; unknown: not found.
    assert_eq!(cancel(&*dropbox_client, "open").await, CancelOutcome::Queued);
    assert_eq!(cancel(&*dropbox_client, "open").await, not_found("The request was cancelled or deleted."));
    assert!(
        matches!(cancel(&*dropbox_client, "signed").await, CancelOutcome::NotEligible { reason } if reason.contains("fully executed"))
    );
    assert_eq!(
        cancel(&*dropbox_client, "missing").await,
        not_found("The server has not found anything matching the Request-URI.")
    );

    // Leegality: status 1 is canceled; invitation.not.exists is not found.
    assert_eq!(cancel(&*lg_client, "unsigned").await, CancelOutcome::Canceled);
    assert_eq!(cancel(&*lg_client, "signed").await, not_found("Invitation does not exist."));
    assert_eq!(cancel(&*lg_client, "unsigned").await, not_found("Invitation does not exist."));

    // Constellation1: "True" is canceled; "False" is a failure with its status.
    assert_eq!(cancel(&*c1_client, "active").await, CancelOutcome::Canceled);
    for id in ["active", "completed"] {
        let outcome = cancel(&*c1_client, id).await;
        assert!(matches!(&outcome, CancelOutcome::Failed { status: Some(StatusCode::OK), .. }), "{id}: {outcome:?}");
    }
}
