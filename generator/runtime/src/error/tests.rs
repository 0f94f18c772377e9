use super::*;

/// A response for unit tests (here and in `client`).
/// A response as one attempt got it, with this status, Content-Type
/// (if any) and body: what the runtime's unit tests start from.
pub(crate) fn raw(status: u16, content_type: Option<&str>, body: &'static str) -> RawResponse {
    let mut headers = HeaderMap::new();
    if let Some(ct) = content_type {
        headers.insert(reqwest::header::CONTENT_TYPE, ct.parse().unwrap());
    }
    RawResponse::new(StatusCode::from_u16(status).unwrap(), headers, Bytes::from_static(body.as_bytes()))
}

fn transport_error() -> TransportError {
    let err = reqwest::Client::new().get("http://[::1").build().expect_err("the URL does not parse");
    TransportError::from(err)
}

/// An error body as generated code would type one, with its code and message.
#[derive(Debug)]
struct Typed {
    code: Option<&'static str>,
    message: &'static str,
}

impl ErrorMetadata for Typed {
    fn code(&self) -> Option<&str> {
        self.code
    }

    fn message(&self) -> Option<&str> {
        Some(self.message)
    }
}

fn api<E>(body: E, status: u16, raw_body: &'static str) -> Error<E> {
    Error::Api { body, response: Box::new(raw(status, None, raw_body)) }
}

#[test]
fn display_keeps_the_status() {
    let err = api(serde_json::Value::Null, 404, "{}");
    assert_eq!(err.to_string(), "the API answered 404 Not Found");
}

#[test]
fn display_prints_the_code_and_message_the_typed_body_supplies() {
    // The typed body is what is printed, not a guess at the raw body.
    let raw_body = r#"{"code": "raw_code", "message": "raw message"}"#;
    let err = api(Typed { code: Some("unauthorized"), message: "Unauthorized api key" }, 401, raw_body);
    assert_eq!(err.to_string(), "the API answered 401 Unauthorized: unauthorized: Unauthorized api key");
    let err = api(Typed { code: None, message: "  Invitation not found " }, 200, "{}");
    assert_eq!(err.to_string(), "the API answered 200 OK: Invitation not found");
    // Long text is cut.
    let long: &'static str = Box::leak("x".repeat(400).into_boxed_str());
    let err = api(Typed { code: Some("c"), message: long }, 400, "{}");
    assert!(err.to_string().ends_with(&format!(": c: {}...", "x".repeat(300))), "{err}");
    // A JSON string body is its message.
    let err = api("plain words".to_owned(), 500, r#""plain words""#);
    assert_eq!(err.to_string(), "the API answered 500 Internal Server Error: plain words");
}

#[test]
fn display_reads_a_body_that_supplies_nothing_generically() {
    let body = r#"{"status": 0, "messages": [{"code": "invitation.not.exists", "message": "Invitation not found"}]}"#;
    let err = api(serde_json::Value::Null, 200, body);
    assert_eq!(err.to_string(), "the API answered 200 OK: invitation.not.exists: Invitation not found");
    let body = r#"{"error": {"code": "unauthorized", "message": "Unauthorized api key"}}"#;
    let err = api((), 401, body);
    assert_eq!(err.to_string(), "the API answered 401 Unauthorized: unauthorized: Unauthorized api key");
    let err = api(serde_json::Value::Null, 422, r#"{"detail": "bad field"}"#);
    assert_eq!(err.to_string(), "the API answered 422 Unprocessable Entity: bad field");
    // Debug keeps the structure.
    assert!(format!("{err:?}").starts_with("Api {"), "{err:?}");
    let err: Error<String> = Error::UnexpectedResponse(Box::new(raw(502, Some("text/html"), "<html>")));
    assert_eq!(err.to_string(), "unexpected response 502 Bad Gateway (6 bytes)");
    let err: Error<String> =
        Error::Decode { message: "EOF while parsing".to_owned(), response: Box::new(raw(200, None, "{")) };
    assert_eq!(err.to_string(), "cannot decode the 200 OK response body: EOF while parsing");
    let err: Error<String> = Error::InvalidRequest("path parameter `id` is empty".to_owned());
    assert_eq!(err.to_string(), "invalid request: path parameter `id` is empty");
    let err: Error<String> = Error::RateLimited {
        retry_at: std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_700_000_060),
        wanted: std::time::Duration::from_millis(2500),
        response: Some(Box::new(raw(429, None, ""))),
        attempts: 1,
        lost_answers: 0,
    };
    assert_eq!(
        err.to_string(),
        "rate limited (429 Too Many Requests): sending may resume in 2.5 s (Unix time 1700000060), later than this call may wait"
    );
    let err: Error<String> = Error::ResponseTooLarge { limit: 10, response: Box::new(raw(200, None, "0123")) };
    assert_eq!(err.to_string(), "the 200 OK response body is larger than the 10 bytes the client reads");
    let err: Error<String> =
        Error::ForeignOrigin { origin: "http://evil.test:81".to_owned(), response: Box::new(raw(200, None, "")) };
    assert_eq!(
        err.to_string(),
        "the 200 OK answer came from another origin (http://evil.test:81) after a redirect; not used"
    );
}

#[test]
fn accessors_see_the_response_when_there_is_one() {
    let mut response = raw(409, Some("application/json"), "{\"error\":\"conflict\"}");
    response.rate_limit = Some(RateLimit { limit: 10, remaining: 0, reset: 5 });
    let err: Error<String> = Error::Api { body: "conflict".to_owned(), response: Box::new(response) };
    assert_eq!(err.status(), Some(StatusCode::CONFLICT));
    assert_eq!(err.raw_body().map(|b| b.as_ref()), Some(&b"{\"error\":\"conflict\"}"[..]));
    assert_eq!(err.rate_limit().map(|r| r.limit), Some(10));
    assert_eq!(err.api_error().map(String::as_str), Some("conflict"));

    let err: Error<String> = Error::UnexpectedResponse(Box::new(raw(500, None, "")));
    assert_eq!(err.status(), Some(StatusCode::INTERNAL_SERVER_ERROR));
    assert!(err.api_error().is_none());

    let err: Error<String> = Error::InvalidRequest("no".to_owned());
    assert!(err.status().is_none() && err.response().is_none() && err.raw_body().is_none());
    assert!(err.rate_limit().is_none());
    assert_eq!((err.attempts(), err.lost_answers()), (0, 0));

    let mut response = raw(504, None, "");
    (response.attempts, response.lost_answers) = (3, 2);
    let err: Error<String> = Error::UnexpectedResponse(Box::new(response));
    assert_eq!((err.attempts(), err.lost_answers()), (3, 2));
    let err: Error<String> = Error::RateLimited {
        retry_at: std::time::SystemTime::now(),
        wanted: std::time::Duration::from_secs(90),
        response: None,
        attempts: 2,
        lost_answers: 1,
    };
    assert_eq!((err.attempts(), err.lost_answers(), err.status()), (2, 1, None));
}

#[test]
fn json_is_recognized_by_content_type_or_by_its_first_byte() {
    assert!(raw(200, Some("application/json; charset=utf-8"), "x").is_json());
    assert!(raw(200, Some("Application/Problem+JSON"), "x").is_json());
    assert!(raw(200, Some("text/json"), "x").is_json());
    assert!(!raw(200, Some("text/html"), "{}").is_json());
    assert!(raw(200, None, "  \n[1]").is_json());
    assert!(raw(200, None, "{\"a\":1}").is_json());
    assert!(!raw(200, None, "ok").is_json());
    assert!(!raw(200, None, "").is_json());
}

#[test]
fn raw_response_text_and_debug_show_the_body() {
    let mut response = raw(200, None, "");
    response.body = Bytes::from_static(b"caf\xc3\xa9 \xff");
    assert_eq!(response.text(), "caf\u{e9} \u{fffd}");
    response.headers.insert(reqwest::header::LOCATION, "https://h.test/next?api_key=sk_live_9".parse().unwrap());
    let shown = format!("{response:?}");
    assert!(shown.starts_with("RawResponse { status: 200,"), "{shown}");
    assert!(
        shown.contains("\"location\": \"https://h.test/next?api_key=<redacted>\"") && !shown.contains("sk_live_9"),
        "{shown}"
    );
    assert!(shown.contains("body: \"caf\u{e9} \u{fffd}\""), "{shown}");
}

#[test]
fn transport_errors_count_attempts_and_chain_sources() {
    let mut err = transport_error();
    assert_eq!(err.attempts(), 1);
    assert!(!err.is_timeout() && !err.is_connect());
    let once = err.to_string();
    assert_eq!(once, "transport error: the request could not be built");
    let source = std::error::Error::source(&err).expect("the HTTP client's error is the source");
    assert!(source.to_string().contains("builder error"), "{source}");
    assert!(!once.contains("attempts"), "{once}");
    err.1 = 3;
    err.2 = 2;
    assert!(err.to_string().contains(" (after 3 attempts)"), "{err}");
    assert_eq!(err.lost_answers(), 2);

    let err: Error<()> = transport_error().into();
    assert!(matches!(err, Error::Transport(_)));
    assert!(std::error::Error::source(&err).is_some());
    assert!(err.to_string().starts_with("transport error: "));
    let err: Error<()> = Error::InvalidRequest("x".to_owned());
    assert!(std::error::Error::source(&err).is_none());
}

#[test]
fn server_text_is_shown_with_control_characters_escaped() {
    let typed =
        Typed { code: Some("bad\r\nINFO forged"), message: "\u{1b}[2Jgone\u{7} \u{9b}1m \u{7f} \u{202e}evil\ttab" };
    let err = api(typed, 400, "{}");
    assert_eq!(
        err.to_string(),
        "the API answered 400 Bad Request: bad\\r\\nINFO forged: \\u{1b}[2Jgone\\u{7} \\u{9b}1m \\u{7f} \\u{202e}evil\\ttab"
    );
    // Text read from a body that supplies nothing is escaped the same way.
    let err = api(serde_json::Value::Null, 400, "{\"message\": \"a\\r\\nb\\u001b\"}");
    assert_eq!(err.to_string(), "the API answered 400 Bad Request: a\\r\\nb\\u{1b}");
    let err: Error<String> =
        Error::Decode { message: "unknown variant `a\nb\u{1b}`".to_owned(), response: Box::new(raw(200, None, "")) };
    assert_eq!(err.to_string(), "cannot decode the 200 OK response body: unknown variant `a\\nb\\u{1b}`");
    // Text without control characters is unchanged, non-ASCII included.
    assert_eq!(Escaped("caf\u{e9} \u{1f600} a\\b").to_string(), "caf\u{e9} \u{1f600} a\\b");
}

#[test]
fn build_error_says_what_went_wrong() {
    assert_eq!(
        BuildError::NoBaseUrl.to_string(),
        "cannot build the client: the spec names no server: set one with `ClientBuilder::base_url`"
    );
    assert!(BuildError::HttpClient("no TLS".to_owned()).to_string().ends_with("cannot build the HTTP client: no TLS"));
}

#[test]
fn errors_say_what_is_wrong() {
    assert_eq!(CallbackError::TooLarge { limit: 10 }.to_string(), "callback body over 10 bytes");
    assert_eq!(CallbackError::Malformed("x".to_owned()).to_string(), "malformed callback: x");
    assert_eq!(
        CallbackError::Malformed("unknown variant `a\r\nb\u{1b}[2J`".to_owned()).to_string(),
        "malformed callback: unknown variant `a\\r\\nb\\u{1b}[2J`"
    );
    assert_eq!(CallbackError::Forged.to_string(), "callback event hash does not verify");
    assert_eq!(CallbackError::EmptyKey.to_string(), "the key to verify callbacks with is empty");
    assert_eq!(
        CallbackError::TooDense { budget: 40 }.to_string(),
        "callback would take over 40 bytes of memory once parsed"
    );
}
