//! Receiving callbacks (webhooks): reading the event out of the body the
//! provider posts and, with the `webhooks` feature, verifying its hash.

use std::fmt;

#[cfg(feature = "webhooks")]
use bytes::Bytes;

#[cfg(feature = "webhooks")]
use super::secret::Secret;
use super::url::value_text;

/// A callback body that could not be used.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CallbackError {
    /// Larger than the limit given to the parser.
    TooLarge {
        /// The limit, in bytes.
        limit: usize,
    },
    /// Not multipart with the event field, and not JSON.
    Malformed(String),
    /// The event's hash does not match: not sent by the provider, or not for this key.
    Forged,
}

impl fmt::Display for CallbackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CallbackError::TooLarge { limit } => write!(f, "callback body over {limit} bytes"),
            CallbackError::Malformed(why) => write!(f, "malformed callback: {why}"),
            CallbackError::Forged => f.write_str("callback event hash does not verify"),
        }
    }
}

impl std::error::Error for CallbackError {}

/// Reads a callback body given its Content-Type: `multipart/form-data` with
/// the event JSON in `field`, or the JSON itself. Bodies over `limit` bytes
/// are refused before parsing.
#[cfg(feature = "webhooks")]
pub async fn callback_json(
    content_type: &str,
    body: &[u8],
    field: &str,
    limit: usize,
) -> Result<Vec<u8>, CallbackError> {
    if body.len() > limit {
        return Err(CallbackError::TooLarge { limit });
    }
    let essence = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    if essence == "multipart/form-data" {
        let boundary = multer::parse_boundary(content_type).map_err(|err| CallbackError::Malformed(err.to_string()))?;
        let bytes = Bytes::copy_from_slice(body);
        let stream = futures_util::stream::once(async move { Ok::<Bytes, std::io::Error>(bytes) });
        let constraints = multer::Constraints::new().size_limit(multer::SizeLimit::new().whole_stream(limit as u64));
        let mut multipart = multer::Multipart::with_constraints(stream, boundary, constraints);
        while let Some(part) = multipart.next_field().await.map_err(|err| CallbackError::Malformed(err.to_string()))? {
            if part.name() == Some(field) {
                let data = part.bytes().await.map_err(|err| CallbackError::Malformed(err.to_string()))?;
                return Ok(data.to_vec());
            }
        }
        Err(CallbackError::Malformed(format!("no `{field}` field in the multipart body")))
    } else if essence == "application/json" || essence.ends_with("+json") || essence.is_empty() {
        Ok(body.to_vec())
    } else if essence == "application/x-www-form-urlencoded" {
        let text = std::str::from_utf8(body).map_err(|_| CallbackError::Malformed("body is not UTF-8".to_owned()))?;
        for pair in text.split('&') {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            if key == field {
                let value = value.replace('+', " ");
                let decoded = percent_encoding::percent_decode_str(&value).collect::<Vec<u8>>();
                return Ok(decoded);
            }
        }
        Err(CallbackError::Malformed(format!("no `{field}` field in the form body")))
    } else {
        Err(CallbackError::Malformed(format!("unsupported content type `{content_type}`")))
    }
}

/// Verifies an event hash: `hash` must be the lowercase hex HMAC-SHA256 of
/// `message` keyed with `key`, compared in constant time.
#[cfg(feature = "webhooks")]
pub fn verify_hmac_sha256(key: &Secret, message: &[u8], hash: &str) -> Result<(), CallbackError> {
    use hmac::Mac;
    let expected = hex::decode(hash.trim()).map_err(|_| CallbackError::Forged)?;
    let mut mac =
        hmac::Hmac::<sha2::Sha256>::new_from_slice(key.expose().as_bytes()).map_err(|_| CallbackError::Forged)?;
    mac.update(message);
    mac.verify_slice(&expected).map_err(|_| CallbackError::Forged)
}

/// The text at a JSON pointer of a value, for hashing and matching.
pub fn text_at<T: serde::Serialize>(value: &T, pointer: &str) -> Option<String> {
    let value = serde_json::to_value(value).ok()?;
    value.pointer(pointer).map(value_text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_say_what_is_wrong() {
        assert_eq!(CallbackError::TooLarge { limit: 10 }.to_string(), "callback body over 10 bytes");
        assert_eq!(CallbackError::Malformed("x".to_owned()).to_string(), "malformed callback: x");
        assert_eq!(CallbackError::Forged.to_string(), "callback event hash does not verify");
    }

    #[test]
    fn text_at_reads_a_pointer() {
        let event = serde_json::json!({"event": {"event_time": 1700000000, "event_type": "signature_request_signed"}});
        assert_eq!(text_at(&event, "/event/event_time").as_deref(), Some("1700000000"));
        assert_eq!(text_at(&event, "/event/event_type").as_deref(), Some("signature_request_signed"));
        assert_eq!(text_at(&event, "/event/missing"), None);
    }

    #[cfg(feature = "webhooks")]
    mod webhooks {
        use super::super::*;

        fn read(content_type: &str, body: &[u8], limit: usize) -> Result<Vec<u8>, CallbackError> {
            super::super::super::block_on(callback_json(content_type, body, "json", limit))
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
    }
}
