//! What every simulator shares: serving a router on 127.0.0.1 until dropped,
//! the log of requests it answered, and the replies a test queues in place
//! of the simulated ones.

use std::collections::VecDeque;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Mutex, MutexGuard, PoisonError};

use axum::body::Body;
use axum::http::header::{HeaderName, HeaderValue, CONTENT_TYPE};
use axum::http::{Method, StatusCode, Uri};
use axum::response::Response;
use axum::Router;
use tokio::sync::oneshot;

/// Locks a mutex, going on after a panic elsewhere (a failed assertion in a
/// test must not turn every later call into a second panic).
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A router served on `127.0.0.1:<free port>` by a background task, shut
/// down when this is dropped.
#[derive(Debug)]
pub(crate) struct Serving {
    address: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
}

impl Serving {
    /// Binds `port` on the loopback address (0: a free one) and starts
    /// serving `router` on it.
    pub(crate) async fn start(router: Router, port: u16) -> std::io::Result<Serving> {
        let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, port)).await?;
        let address = listener.local_addr()?;
        let (shutdown, stopped) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let stop = async move {
                // A dropped sender stops the server as well as a sent signal.
                let _ = stopped.await;
            };
            // Serving ends only on shutdown; an error then has nobody to go to.
            let _ = axum::serve(listener, router).with_graceful_shutdown(stop).await;
        });
        Ok(Serving { address, shutdown: Some(shutdown) })
    }

    /// `http://127.0.0.1:<port>`.
    pub(crate) fn origin(&self) -> String {
        format!("http://{}", self.address)
    }
}

impl Drop for Serving {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

/// One request a simulator answered, as a test may inspect it. Credentials
/// are never recorded: no headers, no body.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RecordedRequest {
    /// The HTTP method (`POST`, `GET`, ...).
    pub method: String,
    /// The path as sent, still percent-encoded (`/v3/signature_request/cancel/sr-1`).
    pub path: String,
    /// The query string as sent, still percent-encoded, if there was one.
    pub query: Option<String>,
    /// The status the simulator answered.
    pub status: u16,
}

/// The requests a simulator answered, in order.
#[derive(Debug, Default)]
pub(crate) struct Log(Mutex<Vec<RecordedRequest>>);

impl Log {
    pub(crate) fn record(&self, method: &Method, uri: &Uri, status: StatusCode) {
        lock(&self.0).push(RecordedRequest {
            method: method.as_str().to_owned(),
            path: uri.path().to_owned(),
            query: uri.query().map(str::to_owned),
            status: status.as_u16(),
        });
    }

    pub(crate) fn snapshot(&self) -> Vec<RecordedRequest> {
        lock(&self.0).clone()
    }
}

/// A response a test queues to be given instead of the simulated one: an
/// error the provider documents, an HTML page from a proxy, an empty body.
///
/// Each simulator has helpers that build its provider's documented shapes
/// (`dropbox_sign::error_reply`, `leegality::envelope_reply`,
/// `constellation1::return_value_reply`); this type is for anything else.
///
/// ```
/// use esign_sim::Reply;
///
/// let page = Reply::text(502, "text/html", "<html>Bad gateway</html>").header("Retry-After", "1");
/// assert_eq!(page.status(), 502);
/// ```
#[derive(Clone, Debug)]
pub struct Reply {
    status: StatusCode,
    headers: Vec<(HeaderName, HeaderValue)>,
    body: Vec<u8>,
}

impl Reply {
    /// A reply with this status and an empty body.
    ///
    /// # Panics
    ///
    /// If `status` is not an HTTP status (100 to 999).
    pub fn new(status: u16) -> Reply {
        let status = StatusCode::from_u16(status).unwrap_or_else(|_| panic!("{status} is not an HTTP status"));
        Reply { status, headers: Vec::new(), body: Vec::new() }
    }

    /// A reply with this status and a JSON body (`Content-Type: application/json`).
    ///
    /// # Panics
    ///
    /// If `status` is not an HTTP status.
    pub fn json(status: u16, body: &serde_json::Value) -> Reply {
        Reply::text(status, "application/json", body.to_string())
    }

    /// A reply with this status, Content-Type and body.
    ///
    /// # Panics
    ///
    /// If `status` is not an HTTP status or `content_type` is not a valid header value.
    pub fn text(status: u16, content_type: &str, body: impl Into<String>) -> Reply {
        let mut reply = Reply::new(status).header(CONTENT_TYPE.as_str(), content_type);
        reply.body = body.into().into_bytes();
        reply
    }

    /// A reply with this status, Content-Type and binary body (a PDF).
    pub(crate) fn bytes(status: u16, content_type: &str, body: Vec<u8>) -> Reply {
        let mut reply = Reply::new(status).header(CONTENT_TYPE.as_str(), content_type);
        reply.body = body;
        reply
    }

    /// Adds a header (`Retry-After`, say). A simulator adds its own headers
    /// (the rate limit) only where the reply does not set them.
    ///
    /// # Panics
    ///
    /// If `name` or `value` is not valid in an HTTP header.
    pub fn header(mut self, name: &str, value: &str) -> Reply {
        let name = HeaderName::from_bytes(name.as_bytes()).unwrap_or_else(|_| panic!("`{name}` is not a header name"));
        let value = HeaderValue::from_str(value).unwrap_or_else(|_| panic!("`{value}` is not a header value"));
        self.headers.push((name, value));
        self
    }

    /// The status this reply answers with.
    pub fn status(&self) -> u16 {
        self.status.as_u16()
    }

    pub(crate) fn into_response(self) -> Response {
        let mut response = Response::new(Body::from(self.body));
        *response.status_mut() = self.status;
        for (name, value) in self.headers {
            response.headers_mut().append(name, value);
        }
        response
    }
}

/// Replies queued by a test, each for any request (`None`) or only for
/// requests to one endpoint (`Some(key)`), given first in, first out.
#[derive(Debug)]
pub(crate) struct Replies<K>(Mutex<VecDeque<(Option<K>, Reply)>>);

impl<K> Default for Replies<K> {
    fn default() -> Self {
        Replies(Mutex::new(VecDeque::new()))
    }
}

impl<K: PartialEq> Replies<K> {
    pub(crate) fn push(&self, only: Option<K>, reply: Reply) {
        lock(&self.0).push_back((only, reply));
    }

    /// The first queued reply that applies to a request to `key`, removed from the queue.
    pub(crate) fn take(&self, key: &K) -> Option<Reply> {
        let mut queue = lock(&self.0);
        let index = queue.iter().position(|(only, _)| only.as_ref().is_none_or(|only| only == key))?;
        queue.remove(index).map(|(_, reply)| reply)
    }
}

/// The path's segments after `prefix`, percent-decoded; `None` when the
/// path does not start with `prefix` or a segment is not UTF-8.
pub(crate) fn segments_after(path: &str, prefix: &str) -> Option<Vec<String>> {
    let rest = path.strip_prefix(prefix)?;
    if !rest.is_empty() && !rest.starts_with('/') {
        return None;
    }
    rest.split('/')
        .skip(1)
        .map(|segment| percent_encoding::percent_decode_str(segment).decode_utf8().ok().map(|s| s.into_owned()))
        .collect()
}

/// The query parameter `name`, decoded (`+` is a space); the first if repeated.
pub(crate) fn query_param(uri: &Uri, name: &str) -> Option<String> {
    let query = uri.query()?;
    query.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let key = percent_encoding::percent_decode_str(&key.replace('+', " ")).decode_utf8().ok()?.into_owned();
        if key != name {
            return None;
        }
        percent_encoding::percent_decode_str(&value.replace('+', " ")).decode_utf8().ok().map(|v| v.into_owned())
    })
}

/// Unix time now, in seconds.
pub(crate) fn unix_now() -> f64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_secs_f64()
}

/// Writes the `port`, `start` and `try_start` methods every simulator's
/// builder has, in its `impl`: `$sim` is the simulator it starts, `$name`
/// the provider as a failed start names it. The builder has a `port: u16`
/// field and a private `launch` that builds the simulator's own state and
/// serves it.
macro_rules! port_and_start {
    ($sim:ty, $name:literal) => {
        /// Listens on this port of 127.0.0.1 (default 0: a free port, which
        /// `base_url()` tells).
        pub fn port(mut self, port: u16) -> Self {
            self.port = port;
            self
        }

        /// Starts the simulator on `127.0.0.1`, on a free port unless `port` set one.
        ///
        /// # Panics
        ///
        /// If no port can be bound ([`Self::try_start`] returns the error
        /// instead), or outside a tokio runtime.
        pub async fn start(self) -> $sim {
            self.try_start()
                .await
                .unwrap_or_else(|err| panic!(concat!("cannot start the ", $name, " simulator: {}"), err))
        }

        /// Starts the simulator, or says why it could not.
        ///
        /// # Panics
        ///
        /// Outside a tokio runtime.
        pub async fn try_start(self) -> std::io::Result<$sim> {
            self.launch().await
        }
    };
}
pub(crate) use port_and_start;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_are_decoded_after_the_prefix() {
        let segments = segments_after("/v3/signature_request/cancel/a%2Fb%20c", "/v3").unwrap();
        assert_eq!(segments, ["signature_request", "cancel", "a/b c"]);
        assert_eq!(segments_after("/v3", "/v3").unwrap(), Vec::<String>::new());
        assert_eq!(segments_after("/v30/x", "/v3"), None);
        assert_eq!(segments_after("/api/x", "/v3"), None);
        assert_eq!(segments_after("/v3/%FF", "/v3"), None);
    }

    #[test]
    fn query_parameters_are_decoded() {
        let uri: Uri = "/x?a=1&signUrl=https%3A%2F%2Fh%2Fsign%2Fu&b=a+b&signUrl=second".parse().unwrap();
        assert_eq!(query_param(&uri, "signUrl").as_deref(), Some("https://h/sign/u"));
        assert_eq!(query_param(&uri, "b").as_deref(), Some("a b"));
        assert_eq!(query_param(&uri, "missing"), None);
        let bare: Uri = "/x?flag".parse().unwrap();
        assert_eq!(query_param(&bare, "flag").as_deref(), Some(""));
    }

    #[test]
    fn queued_replies_go_to_the_first_request_they_apply_to() {
        let replies = Replies::<&str>::default();
        replies.push(Some("get"), Reply::new(503));
        replies.push(None, Reply::new(409));
        assert_eq!(replies.take(&"cancel").map(|r| r.status()), Some(409));
        assert_eq!(replies.take(&"cancel").map(|r| r.status()), None);
        assert_eq!(replies.take(&"get").map(|r| r.status()), Some(503));
        assert!(replies.take(&"get").is_none());
    }

    #[test]
    #[should_panic(expected = "1000 is not an HTTP status")]
    fn a_reply_needs_a_real_status() {
        let _ = Reply::new(1000);
    }
}
