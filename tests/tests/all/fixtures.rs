//! Snapshots of every generated file, and proof the fixture output compiles
//! cleanly under clippy.

use crate::support::workspace_root;
use esign_codegen::{CrateOptions, OnUnsupported, SpecInput};
use std::path::Path;
use std::process::Command;

fn snapshot_name(prefix: &str, path: &Path) -> String {
    format!("{prefix}__{}", path.to_string_lossy().replace(['/', '\\', '.'], "_"))
}

#[test]
fn snapshots_of_the_repository_specs() {
    let generated = esign_codegen::repo_crate(&workspace_root(), OnUnsupported::Fail).expect("specs/ generate");
    for file in &generated.files {
        insta::assert_snapshot!(snapshot_name("repo", &file.path), file.contents);
    }
}

fn fixture_options() -> CrateOptions {
    CrateOptions {
        crate_name: "fixtures-client".to_owned(),
        command: "cargo xtask codegen --spec".to_owned(),
        standalone: true,
        on_unsupported: OnUnsupported::Fail,
    }
}

fn fixture_inputs() -> Vec<SpecInput> {
    let dir = workspace_root().join("tests/fixtures");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("tests/fixtures")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yaml"))
        .collect();
    names.sort();
    names.into_iter().map(|n| SpecInput::new(dir.join(&n), format!("tests/fixtures/{n}"))).collect()
}

#[test]
fn snapshots_of_each_fixture() {
    insta::glob!("../../fixtures", "*.yaml", |path| {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let input = SpecInput::new(path, format!("tests/fixtures/{name}"));
        let generated = esign_codegen::generate_crate(&[input], &fixture_options()).expect("fixture generates");
        for file in generated.files.iter().filter(|f| f.path.starts_with("src/") && !f.path.ends_with("runtime.rs")) {
            insta::assert_snapshot!(snapshot_name("fixture", &file.path), file.contents);
        }
    });
}

/// All fixtures in one crate, checked by clippy with `-D warnings` (which
/// also runs the compiler), offline, against the workspace's lock file.
#[test]
fn fixture_crate_compiles_without_warnings() {
    let root = workspace_root();
    let generated = esign_codegen::generate_crate(&fixture_inputs(), &fixture_options()).expect("fixtures generate");
    let out = root.join("target/fixture-crate");
    esign_codegen::write::ensure_files(&out, &generated.files, esign_codegen::write::Mode::Write).expect("write crate");
    std::fs::copy(root.join("Cargo.lock"), out.join("Cargo.lock")).expect("copy lock file");
    let status = Command::new(env!("CARGO"))
        .args(["clippy", "--offline", "--quiet", "--all-targets", "--", "-D", "warnings"])
        .current_dir(&out)
        .env("CARGO_TARGET_DIR", root.join("target/generated-check"))
        .status()
        .expect("cargo runs");
    assert!(status.success(), "the fixture crate in {} does not pass clippy", out.display());
}
