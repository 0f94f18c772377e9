//! The `esign-sim` program: usage, and a Dropbox Sign simulator served for
//! a client in another process, as the examples use it.

use esign_client::dropbox_sign::{Client, Credentials, SignatureRequestFilesOptions, SignatureRequestSendRequest};
use esign_client::dropbox_sign::{SignatureRequestSendWithTemplateRequest, SignatureRequestSigner, TemplateSigner};
use std::io::BufRead as _;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const PROGRAM: &str = env!("CARGO_BIN_EXE_esign-sim");

/// Kills the child (by its handle) when the test ends, passed or not.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn help_goes_to_stdout_and_usage_errors_exit_2() {
    let help = Command::new(PROGRAM).arg("--help").output().unwrap();
    assert_eq!(help.status.code(), Some(0));
    let text = String::from_utf8_lossy(&help.stdout);
    assert!(text.contains("Usage: esign-sim PROVIDER [OPTIONS]"), "{text}");
    assert!(text.contains("--auto-sign-after SECS"), "{text}");
    for args in [&[][..], &["docusign"], &["dropbox-sign", "--port", "x"], &["leegality", "--api-key", "k"]] {
        let out = Command::new(PROGRAM).args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("esign-sim --help"), "{args:?}");
    }
}

/// Starts the program and reads what it prints until `export NAME=`;
/// returns the value exported and the other exports printed before it.
fn start(args: &[&str], wanted: &str) -> (Running, Vec<(String, String)>) {
    let mut child = Command::new(PROGRAM).args(args).stdout(Stdio::piped()).stderr(Stdio::null()).spawn().unwrap();
    let stdout = child.stdout.take().unwrap();
    let running = Running(child);
    let (lines, received) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines() {
            if lines.send(line.unwrap_or_default()).is_err() {
                break;
            }
        }
    });
    let mut exports = Vec::new();
    for _ in 0..50 {
        let line = received.recv_timeout(Duration::from_secs(30)).expect("the program prints its base URL");
        if let Some((name, value)) = line.trim().strip_prefix("export ").and_then(|e| e.split_once('=')) {
            exports.push((name.to_owned(), value.to_owned()));
            if exports.iter().any(|(name, _)| name == wanted) && exports.len() == 2 {
                return (running, exports);
            }
        }
    }
    panic!("no `export {wanted}=` line");
}

#[tokio::test]
async fn the_program_serves_dropbox_sign_with_the_base_url_and_key_it_prints() {
    let (_running, exports) = start(
        &["dropbox-sign", "--api-key", "printed-key", "--auto-sign-after", "0", "--template", "nda=Client"],
        "DROPBOX_SIGN_API_KEY",
    );
    let base = &exports.iter().find(|(n, _)| n == "DROPBOX_SIGN_BASE_URL").unwrap().1;
    let key = &exports.iter().find(|(n, _)| n == "DROPBOX_SIGN_API_KEY").unwrap().1;
    assert!(base.starts_with("http://127.0.0.1:") && base.ends_with("/v3"), "{base}");
    assert_eq!(key, "printed-key");

    let client =
        Client::builder().base_url(base.as_str()).credentials(Credentials::api_key(key.as_str())).build().unwrap();
    let mut request = SignatureRequestSendRequest::default();
    request.file_urls = Some(vec!["https://example.com/a.pdf".to_owned()]);
    request.signers = Some(vec![SignatureRequestSigner::new("Jack".to_owned(), "jack@example.com".to_owned())]);
    let id =
        client.signature_request_send(&request).await.unwrap().body.signature_request.signature_request_id.unwrap();
    // --auto-sign-after 0: complete by the next read.
    let read = client.signature_request_get(&id).await.unwrap().body.signature_request;
    assert_eq!(read.is_complete, Some(true));
    let pdf = client.signature_request_files(&id, &SignatureRequestFilesOptions::default()).await.unwrap();
    assert!(pdf.body.collect(1 << 20).await.unwrap().starts_with(b"%PDF-"));

    // The template given on the command line.
    let signer = TemplateSigner::new("Client".to_owned(), "Carl".to_owned(), "carl@example.com".to_owned());
    let with_template = SignatureRequestSendWithTemplateRequest::new(vec!["nda".to_owned()], vec![signer]);
    client.signature_request_send_with_template(&with_template).await.unwrap();
}

#[test]
fn the_program_serves_leegality_and_constellation1_too() {
    let (_leegality, exports) = start(&["leegality", "--token", "t1"], "LEEGALITY_AUTH_TOKEN");
    assert!(exports[0].1.ends_with("/api"), "{exports:?}");
    assert_eq!(exports[1], ("LEEGALITY_AUTH_TOKEN".to_owned(), "t1".to_owned()));
    let (_constellation1, exports) = start(&["constellation1", "--session", "s-1"], "CONSTELLATION1_TOKEN");
    assert!(exports[0].1.starts_with("http://127.0.0.1:"), "{exports:?}");
}
