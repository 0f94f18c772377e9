//! Sending one request and reading its answer: the one place a body is
//! buffered (up to the size cap), or handed over unread as a stream.
//!
//! A buffered body never grows past the client's cap: its buffer grows in
//! steps that never pass the cap, so a body that lies about its length costs
//! no more than the cap.

use std::time::Duration;

use bytes::Bytes;

use super::ClientCore;
use crate::client::settings::KEPT_OF_TOO_LARGE;
use crate::error::{RawResponse, TransportCause};
use crate::retry::{Deadline, Sent};
use crate::stream::{grow_within, next_chunk, ByteStream};
use crate::url::same_origin;

impl ClientCore {
    /// Sends a request once and reads its answer: the one place a body is
    /// buffered, up to the size cap. Nothing of it runs past `end` (the
    /// request timeout from now, or the call's deadline if that comes
    /// first), and no read of the body waits longer than the read timeout.
    /// With `stream_success` (a download the spec declares as a file), a
    /// 2xx answer's body is left unread after the origin check, handed over
    /// as a [`ByteStream`] bound by the same `end` and read timeout.
    pub(super) async fn send_once(
        &self,
        request: reqwest::RequestBuilder,
        stream_success: bool,
        end: Option<Deadline>,
    ) -> Sent {
        let (http, request) = request.build_split();
        let mut request = match request {
            Ok(request) => request,
            Err(err) => return Sent::Transport(TransportCause::Http(err.without_url())),
        };
        let mut hops = 0;
        let mut response = loop {
            // Kept to send again if the answer is a redirect this client
            // follows itself (a streamed body cannot be sent twice: then
            // the redirect comes back as it is, as reqwest does).
            let again = if self.shared.redirects_by_hand { request.try_clone() } else { None };
            let sent = match end {
                Some(end) => match tokio::time::timeout_at(end.at, http.execute(request)).await {
                    Ok(sent) => sent,
                    Err(_) => return Sent::Transport(TransportCause::NoAnswer(end.allowed)),
                },
                None => http.execute(request).await,
            };
            let response = match sent {
                Ok(response) => response,
                Err(err) => return Sent::Transport(TransportCause::Http(err.without_url())),
            };
            match again.and_then(|again| self.redirected(again, &response, hops)) {
                Some(next) => {
                    request = next;
                    hops += 1;
                }
                None => break response,
            }
        };
        let status = response.status();
        let headers = std::mem::take(response.headers_mut());
        let rate_limit = self.shared.rate_limit.as_ref().and_then(|names| names.read(&headers));
        let raw = |body: Bytes| RawResponse {
            status,
            headers,
            rate_limit,
            body,
            attempts: 1,
            lost_answers: 0,
            waits: Vec::new(),
        };
        if !same_origin(response.url(), &self.shared.base) {
            let origin = response.url().origin().ascii_serialization();
            return Sent::Foreign { origin, response: raw(Bytes::new()) };
        }
        let idle = self.retry.read_timeout;
        if stream_success && status.is_success() {
            let mut unread = ByteStream::new(response);
            if let Some(end) = end {
                unread = unread.with_deadline(end.at, end.allowed);
            }
            if let Some(idle) = idle {
                unread = unread.with_read_timeout(idle);
            }
            return Sent::Stream { response: raw(Bytes::new()), unread };
        }
        let limit = self.shared.max_response_bytes;
        match read_body(response, limit, end, idle).await {
            Ok(Ok(body)) => Sent::Answer(raw(body)),
            Ok(Err(first)) => Sent::TooLarge { limit, response: raw(first) },
            Err(cause) => Sent::Transport(cause),
        }
    }
}

/// Reads a body up to `limit` bytes: `Ok(Ok(body))`, or `Ok(Err(first
/// bytes))` as soon as it is known to be larger (declared, or the next
/// piece would pass the cap); the buffer never holds more than the cap.
/// No read waits past `end` or longer than `idle`.
async fn read_body(
    mut response: reqwest::Response,
    limit: usize,
    end: Option<Deadline>,
    idle: Option<Duration>,
) -> Result<Result<Bytes, Bytes>, TransportCause> {
    let end = end.map(|end| (end.at, end.allowed));
    let declared = response.content_length().map(|n| usize::try_from(n).unwrap_or(usize::MAX));
    if declared.is_some_and(|n| n > limit) {
        let first = next_chunk(&mut response, end, idle).await?.unwrap_or_default();
        return Ok(Err(Bytes::copy_from_slice(&first[..first.len().min(KEPT_OF_TOO_LARGE)])));
    }
    let mut body: Vec<u8> = Vec::with_capacity(declared.unwrap_or(0));
    while let Some(chunk) = next_chunk(&mut response, end, idle).await? {
        if body.len().saturating_add(chunk.len()) > limit {
            body.truncate(KEPT_OF_TOO_LARGE);
            let room = KEPT_OF_TOO_LARGE.saturating_sub(body.len()).min(chunk.len());
            body.extend_from_slice(&chunk[..room]);
            body.shrink_to_fit();
            return Ok(Err(Bytes::from(body)));
        }
        grow_within(&mut body, chunk.len(), limit);
        body.extend_from_slice(&chunk);
    }
    Ok(Ok(Bytes::from(body)))
}
