//! Send a document for signature, learn when it is signed, download it:
//! the three steps of `send-and-track`, as functions the program (and the
//! tests) call. [`main_with`] is the program itself; `--help` prints [`USAGE`].

mod program;
pub use program::{main_with, USAGE};

use esign_client::dropbox_sign::Error;
use esign_client::dropbox_sign::{
    Client, EventCallback, EventType, FieldOptions, FileType, FormField, FormFieldDateSigned, FormFieldList,
    FormFieldSignature, FormFieldSigner, FormFieldText, FormFieldsPerDocument, SignatureRequestFilesOptions,
    SignatureRequestSendMultipart, SignatureRequestSendRequest, SignatureRequestSigner, ValidationType,
};
use esign_client::runtime::FilePart;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

/// One signer: a name and an email address.
#[derive(Clone, Debug)]
pub struct Signer {
    /// The signer's name.
    pub name: String,
    /// The signer's email address.
    pub email: String,
}

impl Signer {
    /// Reads `Name <email@example.com>`.
    pub fn parse(text: &str) -> Option<Signer> {
        let (name, rest) = text.split_once('<')?;
        let email = rest.strip_suffix('>')?.trim();
        (email.contains('@') && !name.trim().is_empty())
            .then(|| Signer { name: name.trim().to_owned(), email: email.to_owned() })
    }
}

/// The form fields of the document's first page for each signer, stacked
/// from the top: a signature, the date it was signed, and their job title
/// (letters only). One flat list, each field naming its document
/// (`document_index`), as the API documents `form_fields_per_document` today.
pub fn fields_for(signers: &[Signer]) -> FormFieldList {
    let mut page = Vec::new();
    for (i, _) in signers.iter().enumerate() {
        let y = 600 + 80 * i as i64;
        let signer = FormFieldSigner::Integer(i as i64);
        let mut signature = FormFieldSignature::new(format!("signature_{i}"), 60, y, 200, 40, true, signer.clone());
        signature.name = Some("Signature".to_owned());
        signature.page = Some(1);
        signature.document_index = Some(0);
        page.push(FormField::Signature(signature));

        let mut date = FormFieldDateSigned::new(format!("date_{i}"), 300, y, 120, 20, true, signer.clone());
        date.name = Some("Date".to_owned());
        date.page = Some(1);
        date.document_index = Some(0);
        let mut options = FieldOptions::default();
        options.date_format = Some("YYYY - MM - DD".into());
        date.field_options = Some(options);
        page.push(FormField::DateSigned(date));

        let mut title = FormFieldText::new(format!("title_{i}"), 440, y, 120, 20, false, signer);
        title.name = Some("Job title".to_owned());
        title.page = Some(1);
        title.document_index = Some(0);
        title.placeholder = Some("Job title".to_owned());
        title.validation_type = Some(ValidationType::LettersOnly);
        page.push(FormField::Text(title));
    }
    page
}

/// Sends `document` (a PDF) to `signers` with their form fields, and
/// returns the new signature request's id.
pub async fn send(
    client: &Client,
    title: &str,
    document: FilePart,
    signers: &[Signer],
    test_mode: bool,
) -> Result<String, Error> {
    let mut request = SignatureRequestSendRequest::default();
    request.title = Some(title.to_owned());
    request.subject = Some(format!("Please sign: {title}"));
    request.message = Some("Sign where the fields show you to.".to_owned());
    request.signers = Some(
        signers
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let mut signer = SignatureRequestSigner::new(s.name.clone(), s.email.clone());
                signer.order = Some(i as i64);
                signer
            })
            .collect(),
    );
    request.form_fields_per_document = Some(FormFieldsPerDocument::FormFieldList(fields_for(signers)));
    request.test_mode = Some(test_mode);
    // The client checks the fields (validate()) before anything is sent.
    let mut body = SignatureRequestSendMultipart::new(request);
    body.files = Some(vec![document]);
    let response = client.signature_request_send_multipart(&body).await?;
    for warning in &response.warnings {
        eprintln!("warning {}: {}", warning.warning_name, warning.warning_msg);
    }
    response
        .body
        .signature_request
        .signature_request_id
        .ok_or_else(|| Error::InvalidRequest("the answer carries no signature request id".to_owned()))
}

/// How a wait for the signatures ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Tracked {
    /// Every signer signed; the final documents can be downloaded.
    Signed,
    /// A signer declined.
    Declined,
    /// Neither happened in time.
    TimedOut,
}

/// Waits until the request is signed or declined, for at most `timeout`:
/// from callback events when `events` is given (the callback receiver feeds
/// it), and by asking the API every `poll_every` either way, so a lost
/// callback only slows the answer down.
pub async fn wait_until_signed(
    client: &Client,
    id: &str,
    mut events: Option<&mut mpsc::Receiver<EventCallback>>,
    poll_every: Duration,
    timeout: Duration,
) -> Result<Tracked, Error> {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        let request = client.signature_request_get(id).await?.body.signature_request;
        if request.is_declined == Some(true) {
            return Ok(Tracked::Declined);
        }
        if request.is_complete == Some(true) {
            return Ok(Tracked::Signed);
        }
        let pause = poll_every.min(deadline.saturating_duration_since(Instant::now()));
        match events.as_deref_mut() {
            Some(events) => {
                // An event about this request ends the pause early.
                if let Ok(Some(event)) = tokio::time::timeout(pause, events.recv()).await {
                    let about_this =
                        event.signature_request.as_ref().and_then(|r| r.signature_request_id.as_deref()) == Some(id);
                    match event.event.event_type {
                        EventType::SignatureRequestAllSigned | EventType::SignatureRequestDownloadable
                            if about_this =>
                        {
                            return Ok(Tracked::Signed)
                        }
                        EventType::SignatureRequestDeclined if about_this => return Ok(Tracked::Declined),
                        _ => {}
                    }
                }
            }
            None => tokio::time::sleep(pause).await,
        }
    }
    Ok(Tracked::TimedOut)
}

/// Downloads the signed PDF into `sink`, a chunk at a time, and returns how
/// many bytes it wrote. While Dropbox Sign still prepares the file it
/// answers 409: this waits and asks again, at most `attempts` times.
pub async fn download<W: std::io::Write>(
    client: &Client,
    id: &str,
    sink: &mut W,
    attempts: u32,
) -> Result<u64, Box<dyn std::error::Error>> {
    let mut options = SignatureRequestFilesOptions::default();
    options.file_type = Some(FileType::Pdf);
    for attempt in 1..=attempts.max(1) {
        match client.signature_request_files(id, &options).await {
            Ok(response) => return Ok(response.body.write_to(sink).await?),
            Err(err) if err.status().map(|s| s.as_u16()) == Some(409) && attempt < attempts => {
                tokio::time::sleep(Duration::from_secs(u64::from(attempt) * 2)).await;
            }
            Err(err) => return Err(err.into()),
        }
    }
    Err("the signed file was still being prepared".into())
}
