//! Multipart request bodies: files ([`FilePart`]) and, with the
//! `multipart` feature, text and JSON parts.

use bytes::Bytes;

/// A file to upload in a multipart body.
///
/// `#[non_exhaustive]`, so a field added later breaks no caller: build it
/// with [`FilePart::new`] and the setters ([`FilePart::file_name`],
/// [`FilePart::content_type`]). By default there is no file name, and the
/// media type is the spec's (else `application/octet-stream`).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
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

/// Adds `value` to `form` under `name` the way form-reading servers such as
/// PHP and Rails take nested data: an object's members as `name[key]`, a
/// list of scalars as repeated `name[]`, a list holding objects or lists as
/// `name[0]`, `name[1]`, ..., booleans as `1` and `0`, null left out. An
/// empty list or object sends nothing.
#[cfg(feature = "multipart")]
pub fn bracket_parts<T: serde::Serialize + ?Sized>(
    form: reqwest::multipart::Form,
    name: &str,
    value: &T,
) -> Result<reqwest::multipart::Form, String> {
    let value = serde_json::to_value(value).map_err(|err| format!("cannot encode the part `{name}`: {err}"))?;
    let mut pairs = Vec::new();
    bracket_pairs(name.to_owned(), &value, &mut pairs);
    Ok(pairs.into_iter().fold(form, |form, (name, text)| form.text(name, text)))
}

/// Adds every member of `value`, which must serialize to an object, as
/// parts of their own: a member named in `json` (with its media type) as
/// one part holding its JSON text, every other member as
/// [`bracket_parts`] does. Members that are null or absent send nothing.
#[cfg(feature = "multipart")]
pub fn spread_parts<T: serde::Serialize + ?Sized>(
    mut form: reqwest::multipart::Form,
    value: &T,
    json: &[(&str, &str)],
) -> Result<reqwest::multipart::Form, String> {
    let value = serde_json::to_value(value).map_err(|err| format!("cannot encode the form: {err}"))?;
    let serde_json::Value::Object(members) = value else {
        return Err("a spread form value must be an object".to_owned());
    };
    for (key, member) in &members {
        if member.is_null() {
            continue;
        }
        match json.iter().find(|(name, _)| name == key) {
            Some((_, media)) => form = form.part(key.clone(), json_part(member, Some(media))?),
            None => {
                let mut pairs = Vec::new();
                bracket_pairs(key.clone(), member, &mut pairs);
                form = pairs.into_iter().fold(form, |form, (name, text)| form.text(name, text));
            }
        }
    }
    Ok(form)
}

/// The (name, text) pairs [`bracket_parts`] sends, in order.
#[cfg_attr(not(feature = "multipart"), allow(dead_code))]
pub(super) fn bracket_pairs(name: String, value: &serde_json::Value, out: &mut Vec<(String, String)>) {
    use serde_json::Value;
    match value {
        Value::Null => {}
        Value::Bool(b) => out.push((name, if *b { "1" } else { "0" }.to_owned())),
        Value::Number(n) => out.push((name, n.to_string())),
        Value::String(text) => out.push((name, text.clone())),
        Value::Array(items) => {
            let scalars = items.iter().all(|item| !matches!(item, Value::Array(_) | Value::Object(_)));
            for (i, item) in items.iter().enumerate() {
                let key = if scalars { format!("{name}[]") } else { format!("{name}[{i}]") };
                bracket_pairs(key, item, out);
            }
        }
        Value::Object(members) => {
            for (key, member) in members {
                bracket_pairs(format!("{name}[{key}]"), member, out);
            }
        }
    }
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

    #[test]
    fn nested_values_get_bracketed_names() {
        let value = serde_json::json!({
            "signers": [{"name": "Jack", "order": 0}, {"name": "Jill", "order": null}],
            "cc_email_addresses": ["a@example.com", "b@example.com"],
            "metadata": {"order": "A-1", "nested": {"deep": true}},
            "fields": [[{"x": 1}], []],
            "test_mode": false,
            "empty": []
        });
        let mut pairs = Vec::new();
        bracket_pairs("body".to_owned(), &value, &mut pairs);
        // Object members come in serde_json's map order (sorted unless
        // `preserve_order` is on); a stable sort by name keeps list order.
        let mut got: Vec<(&str, &str)> = pairs.iter().map(|(n, t)| (n.as_str(), t.as_str())).collect();
        got.sort_by_key(|(name, _)| *name);
        assert_eq!(
            got,
            [
                ("body[cc_email_addresses][]", "a@example.com"),
                ("body[cc_email_addresses][]", "b@example.com"),
                ("body[fields][0][0][x]", "1"),
                ("body[metadata][nested][deep]", "1"),
                ("body[metadata][order]", "A-1"),
                ("body[signers][0][name]", "Jack"),
                ("body[signers][0][order]", "0"),
                ("body[signers][1][name]", "Jill"),
                ("body[test_mode]", "0"),
            ]
        );
    }
}
