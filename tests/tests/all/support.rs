//! Helpers shared by the test modules.

use std::path::{Path, PathBuf};

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ sits in the workspace").to_path_buf()
}

/// Loads and lowers spec text, as the generator would a file of that name.
pub fn lower_text(name: &str, text: &str) -> Result<esign_codegen::lower::Lowered, esign_codegen::Error> {
    let doc = esign_codegen::load::load_str(name, text)?;
    esign_codegen::lower_document(&doc, esign_codegen::file_stem(name), esign_codegen::OnUnsupported::Fail)
}

/// The target directory of this build (`CARGO_TARGET_DIR` or the
/// workspace's `target/`): where tests that build crates put them.
pub fn target_dir() -> PathBuf {
    // The test binary sits in `<target>/<profile>/deps/`.
    let exe = std::env::current_exe().expect("the test binary has a path");
    exe.ancestors().nth(3).map_or_else(|| workspace_root().join("target"), Path::to_path_buf)
}
