//! Every fixture spec generated as a standalone crate. Its module files are
//! compared with the one stored copy in tests/fixtures-client/ (a workspace
//! member, so clippy checks it, the integration tests call it, and `cargo
//! xtask codegen --check` keeps it fresh); what only the standalone crate
//! has (`src/lib.rs`) is an insta snapshot, for review with insta.
//! (`generated/` is pinned by the `fresh` test alone.)

use esign_codegen::{CrateOptions, SpecInput};
use std::path::Path;

fn snapshot_name(prefix: &str, path: &Path) -> String {
    format!("{prefix}__{}", path.to_string_lossy().replace(['/', '\\', '.'], "_"))
}

pub(crate) fn fixture_options() -> CrateOptions {
    CrateOptions {
        // The command tests/fixtures-client's banners name, so its files
        // and these can be compared byte for byte.
        command: "cargo xtask codegen".to_owned(),
        ..crate::support::crate_options(
            "esign-fixtures",
            esign_codegen::RuntimeDep::Path("../esign-runtime".to_owned()),
        )
    }
}

#[test]
fn each_fixture_generates_the_stored_modules_and_a_lib_rs() {
    let stored = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures-client");
    insta::glob!("../../fixtures", "*.yaml", |path| {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let input = SpecInput::new(path, format!("tests/fixtures/{name}"));
        let generated = esign_codegen::generate_crate(&[input], &fixture_options()).expect("fixture generates");
        let mut modules = 0;
        for file in generated.files.iter().filter(|f| f.path.starts_with("src/")) {
            if file.path == Path::new("src/lib.rs") {
                insta::assert_snapshot!(snapshot_name("fixture", &file.path), file.contents);
                continue;
            }
            let copy = std::fs::read_to_string(stored.join(&file.path)).unwrap_or_else(|err| {
                panic!("{name}: tests/fixtures-client/{} cannot be read ({err})", file.path.display())
            });
            assert!(
                copy == file.contents,
                "{name}: {} differs from tests/fixtures-client/{}; run `cargo xtask codegen`",
                file.path.display(),
                file.path.display()
            );
            modules += 1;
        }
        assert!(modules >= 2, "{name}: a module and its types, {modules} files compared");
    });
}
