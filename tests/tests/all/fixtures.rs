//! Snapshots of every file generated from a fixture spec, one construct
//! each, for review with insta. (`generated/` is pinned by the `fresh` test
//! alone; the fixture specs are also generated into tests/fixtures-client/,
//! a workspace member, so clippy checks them and the integration tests call
//! them.)

use esign_codegen::{CrateOptions, OnUnsupported, SpecInput};
use std::path::Path;

fn snapshot_name(prefix: &str, path: &Path) -> String {
    format!("{prefix}__{}", path.to_string_lossy().replace(['/', '\\', '.'], "_"))
}

fn fixture_options() -> CrateOptions {
    CrateOptions {
        crate_name: "fixtures-client".to_owned(),
        command: "cargo xtask codegen --spec".to_owned(),
        standalone: true,
        on_unsupported: OnUnsupported::Fail,
        runtime: esign_codegen::RuntimeDep::Path("../esign-runtime".to_owned()),
        crate_version: None,
    }
}

#[test]
fn snapshots_of_each_fixture() {
    insta::glob!("../../fixtures", "*.yaml", |path| {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let input = SpecInput::new(path, format!("tests/fixtures/{name}"));
        let generated = esign_codegen::generate_crate(&[input], &fixture_options()).expect("fixture generates");
        for file in generated.files.iter().filter(|f| f.path.starts_with("src/")) {
            insta::assert_snapshot!(snapshot_name("fixture", &file.path), file.contents);
        }
    });
}
