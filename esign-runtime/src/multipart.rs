//! Multipart request bodies: files ([`FilePart`]) and, with the
//! `multipart` feature, text and JSON parts.

use bytes::Bytes;

/// A file to upload in a multipart body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FilePart {
    /// The file's contents.
    pub bytes: Bytes,
    /// The file name sent with it, if any.
    pub file_name: Option<String>,
    /// Its media type; otherwise the spec's, otherwise `application/octet-stream`.
    pub content_type: Option<String>,
}

impl FilePart {
    /// A file from its contents.
    pub fn new(bytes: impl Into<Bytes>) -> Self {
        FilePart { bytes: bytes.into(), file_name: None, content_type: None }
    }

    /// Sets the file name.
    pub fn file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = Some(name.into());
        self
    }

    /// Sets the media type.
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    /// The part to send; `default_type` is the spec's encoding, if any.
    #[cfg(feature = "multipart")]
    pub fn to_part(&self, default_type: Option<&str>) -> Result<reqwest::multipart::Part, String> {
        let mut part = reqwest::multipart::Part::stream(self.bytes.clone());
        if let Some(name) = &self.file_name {
            part = part.file_name(name.clone());
        }
        let media = self.content_type.as_deref().or(default_type).unwrap_or("application/octet-stream");
        part.mime_str(media).map_err(|err| format!("media type `{media}`: {err}"))
    }
}

/// A text part; `content_type` is the spec's encoding, if any.
#[cfg(feature = "multipart")]
pub fn text_part(text: String, content_type: Option<&str>) -> Result<reqwest::multipart::Part, String> {
    let part = reqwest::multipart::Part::text(text);
    match content_type {
        Some(media) => part.mime_str(media).map_err(|err| format!("media type `{media}`: {err}")),
        None => Ok(part),
    }
}

/// A part holding a value as JSON.
#[cfg(feature = "multipart")]
pub fn json_part<T: serde::Serialize + ?Sized>(
    value: &T,
    content_type: Option<&str>,
) -> Result<reqwest::multipart::Part, String> {
    let text = serde_json::to_string(value).map_err(|err| format!("cannot encode a multipart part: {err}"))?;
    text_part(text, Some(content_type.unwrap_or("application/json")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_parts_keep_what_they_are_given() {
        let file = FilePart::new(&b"%PDF-1.7"[..]);
        assert_eq!(file.bytes, Bytes::from_static(b"%PDF-1.7"));
        assert_eq!((file.file_name.as_deref(), file.content_type.as_deref()), (None, None));
        let file = file.file_name("contract.pdf").content_type("application/pdf");
        assert_eq!(file.file_name.as_deref(), Some("contract.pdf"));
        assert_eq!(file.content_type.as_deref(), Some("application/pdf"));
        assert_eq!(FilePart::new(vec![1u8, 2]).bytes.len(), 2);
    }

    #[cfg(feature = "multipart")]
    #[test]
    fn parts_check_their_media_type() {
        assert!(FilePart::new(vec![0u8]).to_part(None).is_ok());
        assert!(FilePart::new(vec![0u8]).file_name("a.pdf").to_part(Some("application/pdf")).is_ok());
        let err = FilePart::new(vec![0u8]).content_type("not a type").to_part(Some("application/pdf")).unwrap_err();
        assert!(err.starts_with("media type `not a type`: "), "{err}");
        assert!(text_part("hello".to_owned(), None).is_ok());
        assert!(text_part("hello".to_owned(), Some("text/plain")).is_ok());
        assert!(text_part("hello".to_owned(), Some("nonsense")).is_err());
        assert!(json_part(&serde_json::json!({"a": 1}), None).is_ok());
        assert!(json_part(&[1, 2], Some("application/vnd.api+json")).is_ok());
    }
}
