//! Helpers shared by the test modules.

use std::path::{Path, PathBuf};

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

/// Unix seconds of `time` (a rate-limit reset's form).
pub fn unix_secs(time: std::time::SystemTime) -> u64 {
    time.duration_since(std::time::UNIX_EPOCH).expect("after 1970").as_secs()
}

#[path = "../../shared/mod.rs"]
mod shared;
pub use shared::{quick_retries, quick_wait, serve};

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

/// One part of a multipart body, as a server reads it.
#[derive(Clone, Debug, PartialEq)]
pub struct FormPart {
    /// The part's name (`signers[0][name]`, `files[]`).
    pub name: String,
    /// The file name, for file parts.
    pub file_name: Option<String>,
    /// The part's own Content-Type, when it has one.
    pub content_type: Option<String>,
    /// The part's bytes.
    pub bytes: Vec<u8>,
}

impl FormPart {
    /// The part's bytes as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }
}

/// Reads a multipart body the way a server does, every part in order.
pub async fn read_multipart(content_type: &str, body: Vec<u8>) -> Vec<FormPart> {
    let boundary = multer::parse_boundary(content_type).expect("a multipart content type with a boundary");
    let stream = futures_util::stream::once(async move { Ok::<_, std::io::Error>(bytes::Bytes::from(body)) });
    let mut form = multer::Multipart::new(stream, boundary);
    let mut parts = Vec::new();
    while let Some(field) = form.next_field().await.expect("a well-formed multipart body") {
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field.file_name().map(str::to_owned);
        let content_type = field.content_type().map(|m| m.to_string());
        let bytes = field.bytes().await.expect("the part's bytes").to_vec();
        parts.push(FormPart { name, file_name, content_type, bytes });
    }
    parts
}

/// The text parts of a form as (name, value) pairs, files left out.
pub fn text_pairs(parts: &[FormPart]) -> Vec<(String, String)> {
    parts.iter().filter(|p| p.file_name.is_none()).map(|p| (p.name.clone(), p.text())).collect()
}
