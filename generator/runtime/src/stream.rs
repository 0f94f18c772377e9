//! Response bodies handed over as they arrive: [`ByteStream`], the success
//! body of operations the spec marks `x-esign-stream` (downloads), so a large
//! file passes through in chunks instead of being held in memory whole.

use std::fmt;

use bytes::Bytes;

use std::time::Duration;

use crate::error::{TransportCause, TransportError};

/// A response body not read yet: call [`ByteStream::chunk`] until it gives
/// `None`, or copy it somewhere with [`ByteStream::write_to`]. Each chunk is
/// what the connection delivered, so memory use is bounded by the chunk
/// size, not by the size of the body.
///
/// A stream a client hands over keeps the timeouts of the attempt that
/// got it: the body must end within the request timeout
/// ([`RetryPolicy::request_timeout`](crate::RetryPolicy::request_timeout),
/// counted from when the request was sent, and never past the call's
/// [`deadline`](crate::RetryPolicy::deadline)), and no read waits longer
/// than [`RetryPolicy::read_timeout`](crate::RetryPolicy::read_timeout).
/// Past either, [`chunk`](Self::chunk) fails with a [`TransportError`]
/// whose [`is_timeout`](TransportError::is_timeout) is true. Raise the
/// request timeout (and the deadline) for downloads that take longer.
pub struct ByteStream {
    response: reqwest::Response,
    received: u64,
    /// The body must have ended by then; with how long that allowed.
    end: Option<(tokio::time::Instant, std::time::Duration)>,
    /// The longest wait for the next piece.
    read_timeout: Option<std::time::Duration>,
}

impl ByteStream {
    /// Wraps a response whose body has not been read, without timeouts.
    pub fn new(response: reqwest::Response) -> Self {
        ByteStream { response, received: 0, end: None, read_timeout: None }
    }

    /// The body must end by `at`: a read still waiting then fails as a
    /// timeout. `allowed` is how long that was from the request (it is
    /// what the error says).
    pub fn with_deadline(mut self, at: tokio::time::Instant, allowed: std::time::Duration) -> Self {
        self.end = Some((at, allowed));
        self
    }

    /// No read waits longer than `idle` for the next piece of the body: a
    /// connection that stalls fails as a timeout.
    pub fn with_read_timeout(mut self, idle: std::time::Duration) -> Self {
        self.read_timeout = Some(idle);
        self
    }

    /// The body's length as the `Content-Length` header announced it, if it did.
    pub fn content_length(&self) -> Option<u64> {
        self.response.content_length()
    }

    /// How many bytes the chunks handed out so far held.
    pub fn received(&self) -> u64 {
        self.received
    }

    /// The next chunk of the body, or `None` at its end. A connection that
    /// fails midway is a [`TransportError`]; what was handed out before it
    /// stays valid, but the body is incomplete.
    pub async fn chunk(&mut self) -> Result<Option<Bytes>, TransportError> {
        let chunk = next_chunk(&mut self.response, self.end, self.read_timeout)
            .await
            .map_err(|cause: TransportCause| TransportError(cause, 1, 0))?;
        if let Some(bytes) = &chunk {
            self.received += bytes.len() as u64;
        }
        Ok(chunk)
    }

    /// Writes the rest of the body to `sink`, a chunk at a time, and returns
    /// how many bytes it wrote. The sink is written synchronously; give it a
    /// file or a buffer, not a slow network socket.
    pub async fn write_to<W: std::io::Write>(mut self, sink: &mut W) -> Result<u64, StreamError> {
        let mut written = 0u64;
        while let Some(chunk) = self.chunk().await.map_err(StreamError::Transport)? {
            sink.write_all(&chunk).map_err(StreamError::Write)?;
            written += chunk.len() as u64;
        }
        sink.flush().map_err(StreamError::Write)?;
        Ok(written)
    }

    /// Reads the rest of the body into memory, refusing one longer than
    /// `limit` bytes (its length so far is in the error) as soon as the
    /// next piece would pass it. The buffer never grows past `limit`.
    pub async fn collect(mut self, limit: usize) -> Result<Bytes, StreamError> {
        let mut body = Vec::new();
        while let Some(chunk) = self.chunk().await.map_err(StreamError::Transport)? {
            if body.len().saturating_add(chunk.len()) > limit {
                return Err(StreamError::TooLarge { limit, received: self.received });
            }
            grow_within(&mut body, chunk.len(), limit);
            body.extend_from_slice(&chunk);
        }
        Ok(Bytes::from(body))
    }
}

impl fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ByteStream")
            .field("content_length", &self.content_length())
            .field("received", &self.received)
            .field("read_timeout", &self.read_timeout)
            .finish_non_exhaustive()
    }
}

/// Why a [`ByteStream`] could not be copied or collected.
#[derive(Debug)]
#[non_exhaustive]
pub enum StreamError {
    /// The connection failed before the body ended.
    Transport(TransportError),
    /// The sink refused a write.
    Write(std::io::Error),
    /// The body is longer than the limit given to [`ByteStream::collect`].
    TooLarge {
        /// The limit.
        limit: usize,
        /// How many bytes had arrived when the limit was passed.
        received: u64,
    },
}

impl fmt::Display for StreamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StreamError::Transport(err) => write!(f, "the body stopped early: {err}"),
            StreamError::Write(err) => write!(f, "cannot write the body: {err}"),
            StreamError::TooLarge { limit, received } => {
                write!(f, "the body is longer than {limit} bytes ({received} received)")
            }
        }
    }
}

impl std::error::Error for StreamError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            StreamError::Transport(err) => Some(err),
            StreamError::Write(err) => Some(err),
            StreamError::TooLarge { .. } => None,
        }
    }
}

/// The next piece of a body, within the attempt's end and the read timeout:
/// `Ok(None)` at its end.
pub(crate) async fn next_chunk(
    response: &mut reqwest::Response,
    end: Option<(tokio::time::Instant, Duration)>,
    idle: Option<Duration>,
) -> Result<Option<Bytes>, TransportCause> {
    let now = tokio::time::Instant::now();
    let stall = idle.and_then(|idle| Some((now.checked_add(idle)?, idle)));
    let wake = match (end, stall) {
        (Some(end), Some(stall)) => Some(if stall.0 < end.0 {
            (stall.0, TransportCause::Stalled(stall.1))
        } else {
            (end.0, TransportCause::TimedOut(end.1))
        }),
        (Some(end), None) => Some((end.0, TransportCause::TimedOut(end.1))),
        (None, Some(stall)) => Some((stall.0, TransportCause::Stalled(stall.1))),
        (None, None) => None,
    };
    match wake {
        Some((at, cause)) => match tokio::time::timeout_at(at, response.chunk()).await {
            Ok(chunk) => chunk.map_err(|err| TransportCause::Http(err.without_url())),
            Err(_) => Err(cause),
        },
        None => response.chunk().await.map_err(|err| TransportCause::Http(err.without_url())),
    }
}

/// A buffer for a body read whole, never allowed past `limit`: it grows in
/// steps of `limit / 2^k`, so its capacity never passes the cap (a
/// `Vec`'s own doubling could reach twice it), and a growth step copies at
/// most half the cap.
pub(crate) fn grow_within(body: &mut Vec<u8>, more: usize, limit: usize) {
    let needed = body.len().saturating_add(more);
    if needed <= body.capacity() {
        return;
    }
    let mut target = limit.max(needed);
    while target / 2 >= needed && target / 2 >= MIN_BODY_STEP {
        target /= 2;
    }
    body.reserve_exact(target - body.len());
}

/// The smallest step a body buffer grows by (unless the cap is smaller).
const MIN_BODY_STEP: usize = 16 << 10;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_buffers_grow_by_halves_of_the_cap_and_never_past_it() {
        for limit in [1, 1000, 16 << 10, 1_500_000, 16 << 20] {
            let mut body = Vec::new();
            let mut capacities = Vec::new();
            for piece in [1usize, 7, 4096, 16 << 10, 400_000].iter().cycle().take(400) {
                if body.len() + piece > limit {
                    break;
                }
                grow_within(&mut body, *piece, limit);
                body.resize(body.len() + piece, 0);
                assert!(body.capacity() <= limit, "{limit}: {}", body.capacity());
                if capacities.last() != Some(&body.capacity()) {
                    capacities.push(body.capacity());
                }
            }
            // Each step at least doubles, until the cap: few copies.
            for pair in capacities.windows(2) {
                assert!(pair[1] >= 2 * pair[0] || pair[1] == limit, "{limit}: {capacities:?}");
            }
        }
    }
}
