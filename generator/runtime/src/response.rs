//! What a call hands back: the [`Response`] of a generated method, and the
//! helpers generated code turns a [`RawResponse`] into a typed body or an
//! [`Error`] with.

use reqwest::header::HeaderMap;
use reqwest::StatusCode;

use crate::error::{Error, RawResponse};
use crate::rate_limit::RateLimit;

/// A response the client could use.
///
/// `#[non_exhaustive]`: it gains fields as the client learns more about a
/// call (as it did `lost_answers` and `waits`) without breaking callers.
/// Code that needs one of its own, such as a test of a function that takes
/// a `Response`, starts from [`Response::new`].
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Response<T, W = serde_json::Value> {
    /// The HTTP status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The rate limit, when the API reports one and the headers are present.
    pub rate_limit: Option<RateLimit>,
    /// Requests sent for this call that may have reached the server (more
    /// than one after retries; a connection that could not be made is not
    /// counted).
    pub attempts: u32,
    /// How many of those attempts lost their answer (a timeout, a reset
    /// connection, a truncated body, a 502 or 504 from a gateway): each may
    /// have taken effect. A 410 after such an attempt is this call's own
    /// success (see the cancel operations).
    pub lost_answers: u32,
    /// The pauses before each retry.
    pub waits: Vec<std::time::Duration>,
    /// Warnings that came with the body, when the API reports them.
    pub warnings: Vec<W>,
    /// The parsed body.
    pub body: T,
}

impl<T, W> Response<T, W> {
    /// A response with this status and body, as one attempt answered it
    /// at once: no headers, no rate limit, no lost answer, no wait, no
    /// warning. Set the public fields afterwards for anything else.
    pub fn new(status: StatusCode, body: T) -> Self {
        Response {
            status,
            headers: HeaderMap::new(),
            rate_limit: None,
            attempts: 1,
            lost_answers: 0,
            waits: Vec::new(),
            warnings: Vec::new(),
            body,
        }
    }

    /// The body, dropping status and headers.
    pub fn into_body(self) -> T {
        self.body
    }
}

/// The [`Response`] a generated method returns: what `raw` says of the
/// call, with the parsed body and its warnings.
pub fn response<T, W>(raw: RawResponse, body: T, warnings: Vec<W>) -> Response<T, W> {
    Response {
        status: raw.status,
        headers: raw.headers,
        rate_limit: raw.rate_limit,
        attempts: raw.attempts,
        lost_answers: raw.lost_answers,
        waits: raw.waits,
        warnings,
        body,
    }
}

/// Decodes a documented JSON body; a body that does not decode is a
/// [`Error::Decode`] that keeps the response.
pub fn decode_json<T: serde::de::DeserializeOwned, E>(response: RawResponse) -> Result<(T, RawResponse), Error<E>> {
    match serde_json::from_slice::<T>(&response.body) {
        Ok(value) => Ok((value, response)),
        Err(err) => Err(Error::Decode { message: err.to_string(), response: Box::new(response) }),
    }
}

/// An undocumented response, kept whole.
pub fn unexpected<E>(response: RawResponse) -> Error<E> {
    Error::UnexpectedResponse(Box::new(response))
}

/// Turns a documented error response into an [`Error`]: the typed body when
/// it is JSON and decodes, [`Error::Decode`] when it is JSON and does not,
/// [`Error::UnexpectedResponse`] when it is not JSON at all.
pub fn api_error<E: serde::de::DeserializeOwned>(response: RawResponse) -> Error<E> {
    if !response.is_json() {
        return Error::UnexpectedResponse(Box::new(response));
    }
    match serde_json::from_slice::<E>(&response.body) {
        Ok(body) => Error::Api { body, response: Box::new(response) },
        Err(err) => Error::Decode { message: err.to_string(), response: Box::new(response) },
    }
}

/// Reads optional warnings from a successful body; a body without them (or
/// an empty one) has none.
pub fn warnings<T: serde::de::DeserializeOwned>(body: &[u8]) -> Option<T> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return None;
    }
    serde_json::from_slice(body).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::tests::raw;

    #[test]
    fn bodies_decode_or_keep_the_response() {
        let (value, response) = decode_json::<Vec<u8>, ()>(raw(200, None, "[1,2]")).unwrap();
        assert_eq!(value, [1, 2]);
        assert_eq!(response.status, StatusCode::OK);
        match decode_json::<Vec<u8>, ()>(raw(200, None, "[1,")) {
            Err(Error::Decode { response, .. }) => assert_eq!(&response.body[..], b"[1,"),
            other => panic!("{other:?}"),
        }
        assert!(matches!(unexpected::<()>(raw(302, None, "")), Error::UnexpectedResponse(r) if r.status == 302));
    }

    #[test]
    fn api_errors_are_typed_when_they_are_json() {
        #[derive(Debug, serde::Deserialize, PartialEq)]
        struct ApiError {
            message: String,
        }
        let err = api_error::<ApiError>(raw(400, Some("application/json"), r#"{"message":"no"}"#));
        assert_eq!(err.api_error(), Some(&ApiError { message: "no".to_owned() }));
        let err = api_error::<ApiError>(raw(400, None, r#"{"other":1}"#));
        assert!(matches!(err, Error::Decode { .. }), "{err:?}");
        let err = api_error::<ApiError>(raw(400, Some("text/html"), r#"{"message":"no"}"#));
        assert!(matches!(err, Error::UnexpectedResponse(_)), "{err:?}");
    }

    #[test]
    fn warnings_are_optional() {
        #[derive(Debug, serde::Deserialize, PartialEq)]
        struct Warned {
            warnings: Vec<String>,
        }
        assert_eq!(warnings::<Warned>(b" \n"), None);
        assert_eq!(warnings::<Warned>(b"{}"), None);
        assert_eq!(warnings::<Warned>(br#"{"warnings":["w"]}"#), Some(Warned { warnings: vec!["w".to_owned()] }));
    }

    #[test]
    fn into_body_drops_the_rest() {
        let response: Response<u8> = Response::new(StatusCode::OK, 7);
        assert_eq!((response.attempts, response.lost_answers, response.headers.len()), (1, 0, 0));
        assert_eq!(response.into_body(), 7);
    }
}
