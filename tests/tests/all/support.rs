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
pub use shared::{quick_retries, quick_wait, serve, sim_client};

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

pub use esign_sim::multipart::{read_multipart, FormPart};

/// The text parts of a form as (name, value) pairs, files left out.
pub fn text_pairs(parts: &[FormPart]) -> Vec<(String, String)> {
    parts.iter().filter(|p| p.file_name.is_none()).map(|p| (p.name.clone(), p.text())).collect()
}
