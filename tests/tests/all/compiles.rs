//! Accepted means it compiles: the specs in `tests/compile/` hold what Rust
//! cannot write the plain way (a type that is a list or map of itself, an
//! operation whose only documented answer is not handled, a webhook payload
//! named through an alias, a discriminated union with no usable tag, a
//! constructor of eight arguments, operations named like the client's own
//! methods), in OpenAPI 3.0, 3.1 and Swagger 2.0.
//! They are generated into one crate that `cargo check` must pass, built
//! apart from the workspace like the `apart` test's crates.

use crate::support::{target_dir, workspace_root};
use esign_codegen::write::{ensure_files, nested_cargo, Mode};
use esign_codegen::{CrateOptions, OnUnsupported, RuntimeDep, SpecInput};

#[test]
fn accepted_specs_compile() {
    let root = workspace_root();
    let dir = root.join("tests/compile");
    let mut specs: Vec<SpecInput> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "json")))
        .map(|p| {
            let name = format!("tests/compile/{}", p.file_name().unwrap().to_string_lossy());
            SpecInput::new(p, name)
        })
        .collect();
    specs.sort_by(|a, b| a.display_name.cmp(&b.display_name));
    assert!(specs.len() >= 3);
    let options = CrateOptions {
        crate_name: "compile-fixtures".to_owned(),
        command: "cargo test".to_owned(),
        standalone: true,
        publish: true,
        on_unsupported: OnUnsupported::Fail,
        runtime: RuntimeDep::Path(root.join("esign-runtime").to_string_lossy().into_owned()),
        crate_version: None,
    };
    let generated = esign_codegen::generate_crate(&specs, &options).expect("every spec generates");
    let out = target_dir().join("compile-fixtures");
    // Force: the test's own scratch folder under the target directory.
    ensure_files(&out, &generated.files, Mode::Force).expect("crate written");
    let output =
        nested_cargo(&out, &root.join("Cargo.lock"), &target_dir().join("nested-check"), &["check", "--quiet"])
            .expect("lock file copied")
            .output()
            .expect("cargo runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "the generated crate does not compile:\n{stderr}");
    // What made them compile.
    let types = |module: &str| {
        let path = format!("src/{module}/types.rs");
        generated.files.iter().find(|f| f.path.to_string_lossy() == path).unwrap().contents.clone()
    };
    assert!(types("self_holding").contains("pub struct Nested(pub ::std::vec::Vec<Nested>);"));
    assert!(types("self_holding_2").contains("pub struct List(pub ::std::vec::Vec<List>);"));
    let client = generated.files.iter().find(|f| f.path.to_string_lossy() == "src/client_names/mod.rs").unwrap();
    assert!(client.contents.contains("pub async fn new2("), "operationId `new` yields to Client::new");
}
