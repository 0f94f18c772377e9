//! Reading `multipart/form-data` bodies part by part, as a server does. The
//! simulators read uploads this way, and the bodies they record
//! ([`DropboxSignSim::bodies`](crate::DropboxSignSim::bodies)) keep every
//! part; a test with a server of its own can read what a client sent with
//! [`read_multipart`].

use axum::body::Bytes;

/// One part of a multipart body, as it arrived.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct FormPart {
    /// The part's name (`signers[0][name]`, `files[]`).
    pub name: String,
    /// The file name, for a file part.
    pub file_name: Option<String>,
    /// The part's own `Content-Type`, when it has one.
    pub content_type: Option<String>,
    /// The part's bytes.
    pub bytes: Vec<u8>,
}

impl FormPart {
    /// The part's bytes as text (bytes that are not UTF-8 replaced).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }

    /// Whether the part is a file (it has a file name).
    pub fn is_file(&self) -> bool {
        self.file_name.is_some()
    }
}

/// Reads a `multipart/form-data` body, every part in order. `content_type`
/// is the whole header value, with its `boundary`; `Err` says what could
/// not be read.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let body = "--b\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nNDA\r\n--b--\r\n";
/// let parts = esign_sim::multipart::read_multipart("multipart/form-data; boundary=b", body).await.unwrap();
/// assert_eq!((parts[0].name.as_str(), parts[0].text()), ("title", "NDA".to_owned()));
/// # }
/// ```
pub async fn read_multipart(content_type: &str, body: impl Into<Bytes>) -> Result<Vec<FormPart>, String> {
    let boundary = multer::parse_boundary(content_type).map_err(|err| format!("the multipart body: {err}"))?;
    let body = body.into();
    let stream = futures_util::stream::once(async move { Ok::<_, std::convert::Infallible>(body) });
    let mut form = multer::Multipart::new(stream, boundary);
    let bad = |err: multer::Error| format!("the multipart body: {err}");
    let mut parts = Vec::new();
    while let Some(field) = form.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field.file_name().map(str::to_owned);
        let content_type = field.content_type().map(|media| media.to_string());
        let bytes = field.bytes().await.map_err(bad)?.to_vec();
        parts.push(FormPart { name, file_name, content_type, bytes });
    }
    Ok(parts)
}
