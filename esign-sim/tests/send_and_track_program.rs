//! The `send-and-track` program itself (its `main_with`, as its binary runs
//! it) against the simulator, configured only by the environment variables
//! its usage documents: a test binary of its own, so that setting them
//! races with no other test.

use esign_sim::dropbox_sign::one_page_pdf;
use esign_sim::DropboxSignSim;
use std::process::ExitCode;
use std::time::Duration;

#[test]
fn send_and_track_runs_to_the_signed_pdf_against_the_simulator() {
    // The simulator runs on a runtime of its own; the program builds its own.
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    // Signed by the first read after sending, so the program's first poll sees it complete.
    let sim = runtime.block_on(DropboxSignSim::builder().auto_sign_after(Duration::ZERO).start());
    let dir = std::env::temp_dir().join(format!("esign-sim-send-and-track-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let document = dir.join("offer.pdf");
    std::fs::write(&document, one_page_pdf(&["Offer letter".to_owned()])).unwrap();
    let out = dir.join("signed.pdf");

    std::env::set_var("DROPBOX_SIGN_BASE_URL", sim.base_url());
    std::env::set_var("DROPBOX_SIGN_API_KEY", sim.api_key());
    let args = [
        document.to_str().unwrap(),
        "Jack Sprat <jack@example.com>",
        "--out",
        out.to_str().unwrap(),
        "--wait-minutes",
        "1",
    ];
    let code = send_and_track::main_with(args.iter().map(|a| (*a).to_owned()).collect());

    let signed = std::fs::read(&out).unwrap_or_default();
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(code, ExitCode::SUCCESS);
    assert!(signed.starts_with(b"%PDF-"));
    assert!(signed.trim_ascii_end().ends_with(b"%%EOF"));
    assert!(String::from_utf8_lossy(&signed).contains("(Jack Sprat <jack@example.com>: signed at"));
    let calls: Vec<String> = sim.requests().iter().map(|r| format!("{} {}", r.method, r.status)).collect();
    assert_eq!(calls, ["POST 200", "GET 200", "GET 200"], "send, one poll, the download");
}
