//! Helpers shared by the test modules.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ sits in the workspace").to_path_buf()
}

/// Loads and lowers spec text, as the generator would a file of that name;
/// the warnings are loading's, then lowering's.
pub fn lower_text(name: &str, text: &str) -> Result<esign_codegen::lower::Lowered, esign_codegen::Error> {
    let doc = esign_codegen::load::load_str(name, text)?;
    let mut lowered =
        esign_codegen::lower_document(&doc, esign_codegen::file_stem(name), esign_codegen::OnUnsupported::Fail)?;
    lowered.warnings.splice(0..0, doc.warnings);
    Ok(lowered)
}

/// The options most tests generate with: a standalone, publishable crate
/// named `name` on `runtime`, failing on what the generator cannot
/// generate, named for `cargo test` in its banners. A test that is about
/// one of the options sets that one over these.
pub fn crate_options(name: &str, runtime: esign_codegen::RuntimeDep) -> esign_codegen::CrateOptions {
    esign_codegen::CrateOptions {
        crate_name: name.to_owned(),
        command: "cargo test".to_owned(),
        standalone: true,
        publish: true,
        on_unsupported: esign_codegen::OnUnsupported::Fail,
        runtime,
        crate_version: None,
        front_page: None,
    }
}

/// Unix seconds of `time` (a rate-limit reset's form).
pub fn unix_secs(time: std::time::SystemTime) -> u64 {
    time.duration_since(std::time::UNIX_EPOCH).expect("after 1970").as_secs()
}

#[path = "../../shared/mod.rs"]
mod shared;
pub use shared::{callback_form, quick_retries, quick_wait, serve, sim_client};

/// A small deterministic generator (SplitMix64): a failing case repeats
/// from its seed.
pub struct Rng(pub u64);

impl Rng {
    /// The next 64 random bits.
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number below `n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// The Dropbox Sign simulator `builder` configures, accepting `api_key`,
/// with the requests `open` awaiting signature (any other id is not found).
pub async fn dropbox_sim(
    builder: esign_sim::dropbox_sign::DropboxSignSimBuilder,
    api_key: &str,
    open: &[&str],
) -> esign_sim::DropboxSignSim {
    let sim = builder.api_key(api_key).start().await;
    awaiting_signature(&sim, open);
    sim
}

/// Puts `ids` (back) awaiting signature, so that a cancel of each is queued.
pub fn awaiting_signature(sim: &esign_sim::DropboxSignSim, ids: &[&str]) {
    for id in ids {
        sim.add_signature_request(*id, esign_sim::dropbox_sign::RequestState::AwaitingSignature);
    }
}

pub use esign_sim::multipart::{read_multipart, FormPart};

/// The text parts of a form as (name, value) pairs, files left out.
pub fn text_pairs(parts: &[FormPart]) -> Vec<(String, String)> {
    parts.iter().filter(|p| p.file_name.is_none()).map(|p| (p.name.clone(), p.text())).collect()
}

/// What the raw server does with one request.
#[derive(Clone, Debug)]
pub enum RawReply {
    /// A complete answer; the headers are raw bytes (anything a server can
    /// send, bytes that are not ASCII included).
    Answer { status: u16, headers: Vec<(String, Vec<u8>)>, body: Vec<u8> },
    /// The status line and headers (a `Content-Length` of `length` when
    /// given, else a body that ends when the connection closes), then
    /// `prefix`, then `then`.
    Body { status: u16, length: Option<usize>, prefix: Vec<u8>, then: Then },
    /// The status line and headers declaring a body of `declared` bytes,
    /// then only `sent`, then the connection closes: an answer cut short.
    Cut { status: u16, headers: Vec<(String, Vec<u8>)>, declared: usize, sent: Vec<u8> },
    /// The connection is reset (RST), no answer.
    Reset,
    /// Nothing for this long, then the connection closes.
    Hang(Duration),
    /// Nothing, ever: the connection stays open and silent.
    Silent,
}

/// How a [`RawReply::Body`] goes on after its prefix.
#[derive(Clone, Copy, Debug)]
pub enum Then {
    /// Nothing more, the connection held open.
    Stall,
    /// One more byte every so often, for ever.
    Trickle(Duration),
    /// `n` bytes as fast as the connection takes them, in 16 KiB writes,
    /// then the connection closes.
    Bytes(usize),
}

/// A raw HTTP/1.1 server on 127.0.0.1, written on bare sockets so it can
/// misbehave in ways a framework does not allow: one request per
/// connection, in the current runtime (so it runs on the test's clock,
/// paused or not). `reply` gets the request's number (0 first) and its
/// target (the path with the query). Returns the base URL.
pub async fn raw_server(reply: impl Fn(usize, &str) -> RawReply + Send + Sync + 'static) -> String {
    let reply = Arc::new(reply);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let count = Arc::new(Mutex::new(0usize));
    tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else { return };
            let (reply, count) = (reply.clone(), count.clone());
            tokio::spawn(async move {
                let Some(target) = read_request(&mut stream).await else { return };
                let n = {
                    let mut count = count.lock().unwrap();
                    *count += 1;
                    *count - 1
                };
                let _ = answer(&mut stream, reply(n, &target)).await;
            });
        }
    });
    format!("http://{address}")
}

/// Reads one request (head and body, bounded); returns its target.
async fn read_request(stream: &mut tokio::net::TcpStream) -> Option<String> {
    let mut buffer = Vec::new();
    let head_end = loop {
        if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        if buffer.len() > 64 * 1024 {
            return None;
        }
        let mut chunk = [0u8; 4096];
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
        }
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let length: usize = head
        .split("\r\n")
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, value)| value.trim().parse().ok())
        .unwrap_or(0)
        .min(1 << 20);
    while buffer.len() < head_end + length {
        let mut chunk = [0u8; 4096];
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
        }
    }
    head.split(' ').nth(1).map(str::to_owned)
}

async fn answer(stream: &mut tokio::net::TcpStream, reply: RawReply) -> std::io::Result<()> {
    let head = |status: u16, headers: &[(String, Vec<u8>)], length: Option<usize>| {
        let mut head = format!("HTTP/1.1 {status} X\r\nconnection: close\r\n").into_bytes();
        if let Some(length) = length {
            head.extend_from_slice(format!("content-length: {length}\r\n").as_bytes());
        }
        for (name, value) in headers {
            head.extend_from_slice(name.as_bytes());
            head.extend_from_slice(b": ");
            head.extend_from_slice(value);
            head.extend_from_slice(b"\r\n");
        }
        head.extend_from_slice(b"\r\n");
        head
    };
    match reply {
        RawReply::Answer { status, headers, body } => {
            let mut bytes = head(status, &headers, Some(body.len()));
            bytes.extend_from_slice(&body);
            stream.write_all(&bytes).await?;
            stream.shutdown().await
        }
        RawReply::Body { status, length, prefix, then } => {
            let headers = [("content-type".to_owned(), b"application/json".to_vec())];
            let mut bytes = head(status, &headers, length);
            bytes.extend_from_slice(&prefix);
            stream.write_all(&bytes).await?;
            match then {
                Then::Stall => std::future::pending().await,
                Then::Trickle(every) => loop {
                    tokio::time::sleep(every).await;
                    stream.write_all(b"x").await?;
                },
                Then::Bytes(n) => {
                    let piece = [b'x'; 16 << 10];
                    let mut left = n;
                    while left > 0 {
                        let now = left.min(piece.len());
                        stream.write_all(&piece[..now]).await?;
                        left -= now;
                    }
                    stream.shutdown().await
                }
            }
        }
        RawReply::Cut { status, headers, declared, sent } => {
            let mut bytes = head(status, &headers, Some(declared));
            bytes.extend_from_slice(&sent);
            stream.write_all(&bytes).await?;
            stream.shutdown().await
        }
        RawReply::Reset => {
            #[allow(deprecated)] // the one way to send a reset with tokio alone
            stream.set_linger(Some(Duration::ZERO))
        }
        RawReply::Hang(how_long) => {
            tokio::time::sleep(how_long).await;
            Ok(())
        }
        RawReply::Silent => std::future::pending().await,
    }
}

/// A header of a [`RawReply`], its value as bytes.
pub fn header(name: &str, value: impl Into<Vec<u8>>) -> (String, Vec<u8>) {
    (name.to_owned(), value.into())
}
