//! Receiving callbacks (webhooks): reading the event out of the body the
//! provider posts and, with the `webhooks` feature, verifying its hash,
//! from the raw JSON (before anything is parsed) or from a parsed event.
//!
//! What a callback costs: the event JSON is found where it lies in the body
//! (a multipart part or a JSON body is not copied; a form field is decoded
//! once), and verifying reads only the hashed fields.

#[cfg(feature = "webhooks")]
use std::borrow::Cow;

#[cfg(feature = "webhooks")]
use crate::pointer::json_texts_at;
#[cfg(feature = "webhooks")]
use crate::secret::Secret;

#[cfg(feature = "webhooks")]
use crate::error::CallbackError;

/// Reads a callback body given its Content-Type: `multipart/form-data` with
/// the event JSON in `field` (RFC 7578), `application/x-www-form-urlencoded`
/// with it in `field`, or the JSON itself. Multipart and JSON bodies are
/// not copied: the result borrows the body.
/// Bodies over `limit` bytes are refused before parsing.
#[cfg(feature = "webhooks")]
pub fn callback_json<'a>(
    content_type: &str,
    body: &'a [u8],
    field: &str,
    limit: usize,
) -> Result<Cow<'a, [u8]>, CallbackError> {
    if body.len() > limit {
        return Err(CallbackError::TooLarge { limit });
    }
    let essence = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    if essence == "multipart/form-data" {
        let boundary = content_type_param(content_type, "boundary")
            .filter(|b| !b.is_empty() && b.len() <= 70)
            .ok_or_else(|| CallbackError::Malformed("multipart body without a boundary".to_owned()))?;
        multipart_field(body, &boundary, field).map(Cow::Borrowed)
    } else if essence == "application/json" || essence.ends_with("+json") || essence.is_empty() {
        Ok(Cow::Borrowed(body))
    } else if essence == "application/x-www-form-urlencoded" {
        let text = std::str::from_utf8(body).map_err(|_| CallbackError::Malformed("body is not UTF-8".to_owned()))?;
        for pair in text.split('&') {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            if key == field {
                let value = value.replace('+', " ");
                let decoded = percent_encoding::percent_decode_str(&value).collect::<Vec<u8>>();
                return Ok(Cow::Owned(decoded));
            }
        }
        Err(CallbackError::Malformed(format!("no `{field}` field in the form body")))
    } else {
        Err(CallbackError::Malformed(format!("unsupported content type `{content_type}`")))
    }
}

/// How many times its body's size a callback may take in memory while it
/// is read and parsed: the JSON found by [`callback_json`] (a copy, for a
/// form body) and the typed event together. A small body may take up to
/// [`CALLBACK_MEMORY_FLOOR`] instead: a typed event has a fixed cost (a list
/// of one signature holds room for four) that a body of a few hundred bytes
/// does not cover four times.
#[cfg(feature = "webhooks")]
pub const CALLBACK_MEMORY_FACTOR: usize = 4;

/// The memory any callback may take, however small its body (64 KiB); see
/// [`CALLBACK_MEMORY_FACTOR`].
#[cfg(feature = "webhooks")]
pub const CALLBACK_MEMORY_FLOOR: usize = 64 * 1024;

/// Parses the JSON that [`callback_json`] found in a body of `body_len`
/// bytes into the typed event, within [`CALLBACK_MEMORY_FACTOR`] times the
/// body, or [`CALLBACK_MEMORY_FLOOR`] if that is more: the budget of
/// [`from_json_within`](crate::budget::from_json_within) is that, less the
/// JSON's copy if it is one and 1 KiB for the parser's own needs. A denser body is [`CallbackError::TooDense`].
#[cfg(feature = "webhooks")]
pub fn parse_callback<T: serde::de::DeserializeOwned>(
    json: Cow<'_, [u8]>,
    body_len: usize,
) -> Result<T, CallbackError> {
    let copied = match &json {
        Cow::Borrowed(_) => 0,
        Cow::Owned(json) => json.len(),
    };
    // Less 1 KiB for what the parser and its errors take of their own.
    let budget = body_len
        .saturating_mul(CALLBACK_MEMORY_FACTOR)
        .max(CALLBACK_MEMORY_FLOOR)
        .saturating_sub(copied)
        .saturating_sub(1024);
    crate::budget::from_json_within(&json, budget)
}

/// A parameter of a Content-Type (`boundary=...`), unquoted.
#[cfg(feature = "webhooks")]
fn content_type_param(content_type: &str, name: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|param| {
        let (key, value) = param.split_once('=')?;
        key.trim().eq_ignore_ascii_case(name).then(|| unquote(value.trim()))
    })
}

#[cfg(feature = "webhooks")]
fn unquote(value: &str) -> String {
    match value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
        Some(inner) => inner.replace("\\\"", "\"").replace("\\\\", "\\"),
        None => value.to_owned(),
    }
}

#[cfg(feature = "webhooks")]
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|window| window == needle)
}

/// The content of the part named `field` of a `multipart/form-data` body
/// (RFC 7578), as a slice of the body: nothing is copied.
#[cfg(feature = "webhooks")]
fn multipart_field<'a>(body: &'a [u8], boundary: &str, field: &str) -> Result<&'a [u8], CallbackError> {
    let malformed = |why: &str| CallbackError::Malformed(format!("multipart body: {why}"));
    let delimiter = format!("\r\n--{boundary}");
    // The first delimiter opens the body, or follows a preamble.
    let mut at = if body.starts_with(&delimiter.as_bytes()[2..]) {
        delimiter.len() - 2
    } else {
        find(body, delimiter.as_bytes()).ok_or_else(|| malformed("no boundary delimiter"))? + delimiter.len()
    };
    loop {
        let rest = &body[at..];
        if rest.starts_with(b"--") {
            return Err(CallbackError::Malformed(format!("no `{field}` field in the multipart body")));
        }
        // Transport padding, then the line break that ends the delimiter line.
        let padding = rest.iter().take_while(|b| matches!(b, b' ' | b'\t')).count();
        let rest = rest[padding..].strip_prefix(b"\r\n").ok_or_else(|| malformed("a delimiter line does not end"))?;
        let part_start = body.len() - rest.len();
        let (headers, content_start) = match rest.strip_prefix(b"\r\n") {
            Some(_) => (&rest[..0], part_start + 2),
            None => {
                let end = find(rest, b"\r\n\r\n").ok_or_else(|| malformed("a part's headers do not end"))?;
                (&rest[..end], part_start + end + 4)
            }
        };
        let content_end = content_start
            + find(&body[content_start..], delimiter.as_bytes()).ok_or_else(|| malformed("a part does not end"))?;
        let headers = std::str::from_utf8(headers).map_err(|_| malformed("a part's headers are not UTF-8"))?;
        let name = headers.split("\r\n").find_map(|line| {
            let (header, value) = line.split_once(':')?;
            header.trim().eq_ignore_ascii_case("content-disposition").then(|| content_type_param(value, "name"))?
        });
        if name.as_deref() == Some(field) {
            return Ok(&body[content_start..content_end]);
        }
        at = content_end + delimiter.len();
    }
}

/// Verifies an event hash: `hash` must be the lowercase hex HMAC-SHA256 of
/// `message` keyed with `key`, compared in constant time. An empty key is
/// [`CallbackError::EmptyKey`], whatever the hash.
#[cfg(feature = "webhooks")]
pub fn verify_hmac_sha256(key: &Secret, message: &[u8], hash: &str) -> Result<(), CallbackError> {
    use hmac::Mac;
    if key.expose().is_empty() {
        return Err(CallbackError::EmptyKey);
    }
    let expected = hex::decode(hash.trim()).map_err(|_| CallbackError::Forged)?;
    let mut mac =
        hmac::Hmac::<sha2::Sha256>::new_from_slice(key.expose().as_bytes()).map_err(|_| CallbackError::Forged)?;
    mac.update(message);
    mac.verify_slice(&expected).map_err(|_| CallbackError::Forged)
}

/// Verifies an event hash in raw callback JSON, before it is parsed: the
/// hash at `hash_at` must be the HMAC-SHA256 of the texts at `message_at`,
/// joined, keyed with `key` (see [`verify_hmac_sha256`]). Only those fields
/// are read; a missing one, one given twice, or an array or object where
/// text belongs is [`CallbackError::Forged`], a body that is not JSON
/// [`CallbackError::Malformed`].
#[cfg(feature = "webhooks")]
pub fn verify_json_hmac_sha256(
    key: &Secret,
    json: &[u8],
    message_at: &[&str],
    hash_at: &str,
) -> Result<(), CallbackError> {
    if key.expose().is_empty() {
        return Err(CallbackError::EmptyKey);
    }
    let mut pointers = message_at.to_vec();
    pointers.push(hash_at);
    let mut texts = json_texts_at(json, &pointers).map_err(CallbackError::Malformed)?;
    let hash = texts.pop().flatten().ok_or(CallbackError::Forged)?;
    let mut message = String::new();
    for text in texts {
        message.push_str(&text.ok_or(CallbackError::Forged)?);
    }
    verify_hmac_sha256(key, message.as_bytes(), &hash)
}

#[cfg(test)]
mod tests {
    #[test]
    fn text_at_reads_a_pointer() {
        use crate::pointer::text_at;
        let event = serde_json::json!({"event": {"event_time": 1700000000, "event_type": "signature_request_signed"}});
        assert_eq!(text_at(&event, "/event/event_time").as_deref(), Some("1700000000"));
        assert_eq!(text_at(&event, "/event/event_type").as_deref(), Some("signature_request_signed"));
        assert_eq!(text_at(&event, "/event/missing"), None);
    }

    #[cfg(feature = "webhooks")]
    mod webhooks {
        use super::super::*;

        fn read(content_type: &str, body: &[u8], limit: usize) -> Result<Vec<u8>, CallbackError> {
            callback_json(content_type, body, "json", limit).map(|json| json.into_owned())
        }

        #[test]
        fn json_bodies_are_taken_as_they_are() {
            assert_eq!(read("application/json; charset=utf-8", b"{\"a\":1}", 100).unwrap(), b"{\"a\":1}");
            assert_eq!(read("", b"{}", 100).unwrap(), b"{}");
            assert_eq!(read("application/cloudevents+json", b"{}", 100).unwrap(), b"{}");
        }

        #[test]
        fn large_bodies_are_refused_before_parsing() {
            assert_eq!(read("application/json", &[b' '; 101], 100), Err(CallbackError::TooLarge { limit: 100 }));
        }

        #[test]
        fn multipart_bodies_give_their_event_field() {
            let body = b"--XyZ\r\n\
                Content-Disposition: form-data; name=\"other\"\r\n\r\n\
                ignored\r\n\
                --XyZ\r\n\
                Content-Disposition: form-data; name=\"json\"\r\n\
                Content-Type: application/json\r\n\r\n\
                {\"event\":{}}\r\n\
                --XyZ--\r\n";
            assert_eq!(read("multipart/form-data; boundary=XyZ", body, 1000).unwrap(), b"{\"event\":{}}");
            let missing = b"--XyZ\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nx\r\n--XyZ--\r\n";
            let err = read("multipart/form-data; boundary=XyZ", missing, 1000).unwrap_err();
            assert_eq!(err, CallbackError::Malformed("no `json` field in the multipart body".to_owned()));
            assert!(matches!(read("multipart/form-data", body, 1000), Err(CallbackError::Malformed(_))));
            // A quoted boundary, a preamble, padding after a delimiter, a part without headers.
            let body = b"preamble\r\n--a b\t \r\n\r\nno headers\r\n--a b\r\n\
                content-disposition: form-data; filename=\"x\"; name=json\r\n\r\n[1]\r\n--a b--";
            assert_eq!(read("multipart/form-data; boundary=\"a b\"", body, 1000).unwrap(), b"[1]");
            for broken in
                [&b"--XyZ\r\nContent-Disposition: form-data; name=\"json\"\r\n\r\n{}"[..], b"--XyZ", b"--XyZ\r\nno end"]
            {
                assert!(matches!(
                    read("multipart/form-data; boundary=XyZ", broken, 1000),
                    Err(CallbackError::Malformed(_))
                ));
            }
        }

        #[test]
        fn form_bodies_are_decoded() {
            let body = b"a=1&json=%7B%22name%22%3A%22a+b%22%7D";
            assert_eq!(read("application/x-www-form-urlencoded", body, 1000).unwrap(), b"{\"name\":\"a b\"}");
            let err = read("application/x-www-form-urlencoded", b"a=1", 1000).unwrap_err();
            assert_eq!(err, CallbackError::Malformed("no `json` field in the form body".to_owned()));
            assert!(read("application/x-www-form-urlencoded", b"json=\xff", 1000).is_err());
        }

        #[test]
        fn other_content_types_are_refused() {
            let err = read("text/plain", b"{}", 100).unwrap_err();
            assert_eq!(err, CallbackError::Malformed("unsupported content type `text/plain`".to_owned()));
        }

        #[test]
        fn hmac_sha256_verifies_a_known_vector() {
            // RFC 4231, test case 2.
            let key = Secret::new("Jefe");
            let message = b"what do ya want for nothing?";
            let hash = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
            assert_eq!(verify_hmac_sha256(&key, message, hash), Ok(()));
            assert_eq!(verify_hmac_sha256(&key, message, &format!(" {hash}\n")), Ok(()));
            assert_eq!(verify_hmac_sha256(&key, b"what do ya want for something?", hash), Err(CallbackError::Forged));
            assert_eq!(verify_hmac_sha256(&Secret::new("jefe"), message, hash), Err(CallbackError::Forged));
            assert_eq!(verify_hmac_sha256(&key, message, "not hex"), Err(CallbackError::Forged));
            assert_eq!(verify_hmac_sha256(&key, message, &hash[..62]), Err(CallbackError::Forged));
        }

        #[test]
        fn an_empty_key_verifies_nothing() {
            // HMAC-SHA256 with the empty key of the empty message: anyone can compute it.
            let hash = "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad";
            assert_eq!(verify_hmac_sha256(&Secret::new(""), b"", hash), Err(CallbackError::EmptyKey));
            let json = format!(r#"{{"event":{{"t":"","hash":"{hash}"}}}}"#);
            let verdict = verify_json_hmac_sha256(&Secret::new(""), json.as_bytes(), &["/event/t"], "/event/hash");
            assert_eq!(verdict, Err(CallbackError::EmptyKey));
        }

        #[test]
        fn raw_json_is_verified_from_its_fields() {
            let key = Secret::new("Jefe");
            // RFC 4231, test case 2, split over two fields.
            let hash = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
            let json = format!(
                r#"{{"padding": [1, 2, {{"x": null}}], "event": {{"a": "what do ya want ", "b": "for nothing?", "h": "{hash}"}}}}"#
            );
            let verify = |json: &str, hash_at: &str| {
                verify_json_hmac_sha256(&key, json.as_bytes(), &["/event/a", "/event/b"], hash_at)
            };
            assert_eq!(verify(&json, "/event/h"), Ok(()));
            assert_eq!(verify(&json, "/event/missing"), Err(CallbackError::Forged));
            assert_eq!(verify(&json.replace("nothing", "something"), "/event/h"), Err(CallbackError::Forged));
            let twice = json.replace(r#""b": "for nothing?""#, r#""b": "for nothing?", "b": "x""#);
            assert_eq!(verify(&twice, "/event/h"), Err(CallbackError::Forged));
            assert!(matches!(verify("{not json", "/event/h"), Err(CallbackError::Malformed(_))));
        }
    }
}
