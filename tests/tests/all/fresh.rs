//! generated/ matches the specs: the same check as `cargo xtask codegen --check`.

use crate::support::workspace_root;
use esign_codegen::write::{ensure_files, Mode};
use esign_codegen::OnUnsupported;

fn client_job() -> &'static esign_codegen::RepoCrate {
    &esign_codegen::REPO_CRATES[0]
}

#[test]
fn generated_crates_are_fresh() {
    let root = workspace_root();
    for job in esign_codegen::REPO_CRATES {
        let generated = esign_codegen::repo_crate(&root, job, OnUnsupported::Fail).expect("specs generate");
        let drift = ensure_files(&root.join(job.dir), &generated.files, Mode::Check).expect("output is readable");
        let listed: Vec<String> = drift.iter().map(ToString::to_string).collect();
        assert!(listed.is_empty(), "{} is stale, run `cargo xtask codegen`:\n{}", job.dir, listed.join("\n"));
    }
}

/// The generator's package carries a copy of the runtime (what
/// `--vendor-runtime` writes), identical to `esign-runtime/`.
#[test]
fn the_generators_copy_of_the_runtime_is_identical_to_esign_runtime() {
    let root = workspace_root();
    let files = esign_codegen::runtime_copy(&root).expect("esign-runtime is readable");
    assert!(files.iter().any(|f| f.path.ends_with("client.rs")));
    let dir = root.join(esign_codegen::RUNTIME_COPY_DIR);
    let drift = ensure_files(&dir, &files, Mode::Check).expect("the copy is readable");
    let listed: Vec<String> = drift.iter().map(ToString::to_string).collect();
    assert!(listed.is_empty(), "generator/runtime is stale, run `cargo xtask codegen`:\n{}", listed.join("\n"));
}

#[test]
fn generation_is_byte_for_byte_deterministic() {
    let root = workspace_root();
    for job in esign_codegen::REPO_CRATES {
        let first = esign_codegen::repo_crate(&root, job, OnUnsupported::Fail).expect("specs generate");
        let second = esign_codegen::repo_crate(&root, job, OnUnsupported::Fail).expect("specs generate");
        assert_eq!(first.files, second.files);
        assert!(first.warnings.is_empty(), "{} should generate without warnings: {:?}", job.specs, first.warnings);
    }
}

#[test]
fn check_mode_reports_stale_missing_and_extra_files_and_writes_nothing() {
    let root = workspace_root();
    let generated = esign_codegen::repo_crate(&root, client_job(), OnUnsupported::Fail).expect("specs/ generate");
    let dir = tempfile::tempdir().expect("temp dir");
    ensure_files(dir.path(), &generated.files, Mode::Write).expect("write");
    std::fs::write(dir.path().join("src/lib.rs"), "// edited by hand\n").expect("edit");
    std::fs::remove_file(dir.path().join("src/leegality/types.rs")).expect("remove");
    std::fs::write(dir.path().join("src/leftover.rs"), "").expect("extra");

    let drift = ensure_files(dir.path(), &generated.files, Mode::Check).expect("check");
    let listed: Vec<String> = drift.iter().map(ToString::to_string).collect();
    assert_eq!(listed.len(), 3, "{listed:?}");
    assert!(listed.iter().any(|l| l.starts_with("stale:") && l.ends_with("src/lib.rs")));
    assert!(listed.iter().any(|l| l.starts_with("missing:") && l.ends_with("src/leegality/types.rs")));
    assert!(listed.iter().any(|l| l.starts_with("extra") && l.ends_with("src/leftover.rs")));
    // Check mode changed nothing.
    assert_eq!(std::fs::read_to_string(dir.path().join("src/lib.rs")).unwrap(), "// edited by hand\n");
    assert!(!dir.path().join("src/leegality/types.rs").exists());

    // Write mode repairs the two generated files; the file the generator
    // did not write is left alone, and check still names it.
    ensure_files(dir.path(), &generated.files, Mode::Write).expect("write");
    let drift = ensure_files(dir.path(), &generated.files, Mode::Check).expect("check");
    assert_eq!(drift.len(), 1, "{drift:?}");
    assert!(drift[0].to_string().starts_with("extra") && drift[0].to_string().ends_with("src/leftover.rs"));
}
