//! The README's headline example, `send-and-track`, end to end against the
//! simulator through its library functions: it sends a PDF with form
//! fields as a multipart form, learns of the signatures from the callback
//! events its receiver verifies, and downloads the signed PDF.

use crate::support::serve;
use esign_client::dropbox_sign::{Client, Credentials};
use esign_client::runtime::{FilePart, Secret};
use esign_sim::dropbox_sign::{one_page_pdf, Delivery};
use esign_sim::DropboxSignSim;
use send_and_track::{download, send, wait_until_signed, Signer, Tracked};
use std::time::Duration;

#[tokio::test(start_paused = true)]
async fn send_and_track_sends_learns_of_the_signatures_by_callback_and_downloads_the_pdf() {
    let sim = DropboxSignSim::builder().api_key("account-key").auto_sign_after(Duration::from_millis(50)).start().await;
    // The example's own callback receiver, verifying with the account key.
    let (sender, mut events) = tokio::sync::mpsc::channel(64);
    let origin = serve(callback_receiver::router(Secret::new("account-key"), Some(sender))).await;
    sim.set_callback_url(format!("{origin}/callback"));
    let client =
        Client::builder().base_url(sim.base_url()).credentials(Credentials::api_key("account-key")).build().unwrap();

    let signers = [
        Signer::parse("Jack Sprat <jack@example.com>").unwrap(),
        Signer::parse("Jill Hill <jill@example.com>").unwrap(),
    ];
    let document = FilePart::new(one_page_pdf(&["Offer letter".to_owned()]))
        .file_name("offer.pdf")
        .content_type("application/pdf");
    let id = send(&client, "offer.pdf", document, &signers, true).await.unwrap();
    assert_eq!(sim.documents(&id), ["offer.pdf"]);
    // The fields arrived as the JSON part of the form: three per signer.
    let fields: Vec<String> = sim.form_fields(&id).iter().map(|f| f["api_id"].as_str().unwrap().to_owned()).collect();
    assert_eq!(fields, ["signature_0", "date_0", "title_0", "signature_1", "date_1", "title_1"]);

    // Polling only every minute: the events end the wait.
    let tracked =
        wait_until_signed(&client, &id, Some(&mut events), Duration::from_secs(60), Duration::from_secs(30)).await;
    assert_eq!(tracked.unwrap(), Tracked::Signed);

    let mut pdf = Vec::new();
    let written = download(&client, &id, &mut pdf, 3).await.unwrap();
    assert_eq!(written as usize, pdf.len());
    assert!(pdf.starts_with(b"%PDF-"));
    assert!(pdf.trim_ascii_end().ends_with(b"%%EOF"));
    let text = String::from_utf8_lossy(&pdf);
    assert!(text.contains("(Jill Hill <jill@example.com>: signed at"), "{text}");

    // Every event the signatures posted reached the receiver and was acknowledged.
    assert!(sim.settle(Duration::from_secs(10)).await);
    let posted: Vec<_> = sim.events().into_iter().map(|e| (e.event_type, e.delivery)).collect();
    let types: Vec<&str> = posted.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(types, crate::support::TWO_SIGNERS_SIGN);
    assert!(posted.iter().all(|(_, delivery)| *delivery == Delivery::Acknowledged), "{posted:?}");
    let calls: Vec<String> = sim.requests().iter().map(|r| format!("{} {} {}", r.method, r.path, r.status)).collect();
    assert_eq!(calls[0], "POST /v3/signature_request/send 200", "{calls:?}");
    assert_eq!(calls.last().unwrap(), &format!("GET /v3/signature_request/files/{id} 200"));
}
