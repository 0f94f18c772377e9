//! Snapshots of every generated file. (The fixture specs are also generated
//! into tests/fixtures-client/, a workspace member, so clippy checks them
//! and the integration tests call them.)

use crate::support::workspace_root;
use esign_codegen::{CrateOptions, OnUnsupported, SpecInput};
use std::path::Path;

fn snapshot_name(prefix: &str, path: &Path) -> String {
    format!("{prefix}__{}", path.to_string_lossy().replace(['/', '\\', '.'], "_"))
}

#[test]
fn snapshots_of_the_repository_specs() {
    let job = &esign_codegen::REPO_CRATES[0];
    let generated = esign_codegen::repo_crate(&workspace_root(), job, OnUnsupported::Fail).expect("specs/ generate");
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
