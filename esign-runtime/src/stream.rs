//! Response bodies handed over as they arrive: [`ByteStream`], the success
//! body of operations the spec marks `x-esign-stream` (downloads), so a large
//! file passes through in chunks instead of being held in memory whole.

use std::fmt;

use bytes::Bytes;

use super::error::TransportError;

/// A response body not read yet: call [`ByteStream::chunk`] until it gives
/// `None`, or copy it somewhere with [`ByteStream::write_to`]. Each chunk is
/// what the connection delivered, so memory use is bounded by the chunk
/// size, not by the size of the body.
pub struct ByteStream {
    response: reqwest::Response,
    received: u64,
}

impl ByteStream {
    /// Wraps a response whose body has not been read.
    pub fn new(response: reqwest::Response) -> Self {
        ByteStream { response, received: 0 }
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
        let chunk = self.response.chunk().await?;
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
    /// `limit` bytes (its length so far is in the error).
    pub async fn collect(mut self, limit: usize) -> Result<Bytes, StreamError> {
        let mut body = bytes::BytesMut::new();
        while let Some(chunk) = self.chunk().await.map_err(StreamError::Transport)? {
            if body.len() + chunk.len() > limit {
                return Err(StreamError::TooLarge { limit, received: self.received });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body.freeze())
    }
}

impl fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ByteStream")
            .field("content_length", &self.content_length())
            .field("received", &self.received)
            .finish_non_exhaustive()
    }
}

/// Why a [`ByteStream`] could not be copied or collected.
#[derive(Debug)]
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
