//! Crates made with `--spec --out`: what their manifest and README say.

use esign_codegen::{CrateOptions, RuntimeDep};

fn standalone(crate_version: Option<&str>) -> CrateOptions {
    CrateOptions {
        command: "cargo xtask codegen --spec".to_owned(),
        crate_version: crate_version.map(str::to_owned),
        ..crate::support::crate_options("todo-client", RuntimeDep::Version("0.1".to_owned()))
    }
}

const SPEC: &str = "openapi: 3.0.3\ninfo:\n  title: To-do API\n  version: '2.3'\n  license:\n    name: Apache 2.0\npaths:\n  /items:\n    get:\n      operationId: listItems\n      responses:\n        '204':\n          description: none\n";

fn file<'a>(generated: &'a esign_codegen::Generated, path: &str) -> &'a str {
    let found = generated.files.iter().find(|f| f.path.to_string_lossy() == path);
    &found.unwrap_or_else(|| panic!("{path} is generated")).contents
}

#[test]
fn a_standalone_crate_takes_version_licence_and_description_from_the_spec() {
    let generated = esign_codegen::generate_crate_from_bytes(
        &[("todo.yaml".to_owned(), SPEC.as_bytes().to_vec())],
        &standalone(None),
    )
    .expect("generates");
    let manifest = file(&generated, "Cargo.toml");
    assert!(manifest.contains("version = \"2.3.0\""), "{manifest}");
    assert!(manifest.contains("license = \"Apache-2.0\""), "{manifest}");
    assert!(manifest.contains("description = \"Typed async Rust client for To-do API 2.3\""), "{manifest}");
    assert!(manifest.contains("esign-runtime = \"0.1\""), "{manifest}");
    assert!(!manifest.contains("publish = false"), "a standalone crate can be published: {manifest}");
    // A module named like a std macro would make rustdoc links ambiguous.
    assert!(manifest.contains("todo-api = []"), "{manifest}");
    assert!(generated.files.iter().any(|f| f.path.to_string_lossy() == "src/todo_api/mod.rs"));
    let readme = file(&generated, "README.md");
    assert!(readme.starts_with("<!-- @generated"), "{readme}");
    assert!(readme.contains("# todo-client"), "{readme}");
    assert!(readme.contains("`todo_api` (feature `todo-api`): To-do API 2.3, 1 operations."), "{readme}");
    // The quick start: a whole program with the client and one call, in
    // the README and on the front page, where it is a doctest.
    assert!(readme.contains("use todo_client::todo_api::Client;"), "{readme}");
    let lib = file(&generated, "src/lib.rs");
    let quick_start = lib.split("//! # Quick start").nth(1).expect("a quick start");
    assert!(quick_start.contains("//! ```rust,no_run\n//! use todo_client::todo_api::Client;"), "{lib}");
    assert!(quick_start.contains("//! #[tokio::main]") && quick_start.contains(".await?;"), "{lib}");
    assert!(lib.contains("#[cfg_attr(docsrs, doc(cfg(feature = \"todo-api\")))]"), "{lib}");
    assert!(manifest.contains("[dev-dependencies]\n# The doc examples' async runtime.\ntokio = "), "{manifest}");
}

#[test]
fn crate_version_overrides_and_unknown_licences_are_left_out() {
    let spec = SPEC.replace("Apache 2.0", "Proprietary, see the terms page");
    let generated = esign_codegen::generate_crate_from_bytes(
        &[("todo.yaml".to_owned(), spec.into_bytes())],
        &standalone(Some("0.4.1")),
    )
    .expect("generates");
    let manifest = file(&generated, "Cargo.toml");
    assert!(manifest.contains("version = \"0.4.1\""), "{manifest}");
    assert!(!manifest.contains("license"), "no licence the spec does not name exactly: {manifest}");
}

#[test]
fn a_vendored_runtime_is_the_runtime_crate_as_it_is_with_only_the_features_the_spec_needs() {
    let mut options = standalone(None);
    options.runtime = RuntimeDep::Vendored;
    let generated =
        esign_codegen::generate_crate_from_bytes(&[("todo.yaml".to_owned(), SPEC.as_bytes().to_vec())], &options)
            .expect("generates");
    let manifest = file(&generated, "Cargo.toml");
    // No runtime feature of the vendoring crate's own but tracing: a to-do
    // API has no search syntax or contrast check to carry.
    let features = manifest.split("[features]").nth(1).unwrap().split("\n[").next().unwrap();
    let names: Vec<&str> = features.lines().filter_map(|l| l.split_once(" = ")).map(|(name, _)| name).collect();
    assert_eq!(names, ["default", "todo-api", "tracing"], "{manifest}");
    assert!(
        manifest
            .contains("esign-runtime = { package = \"todo-client-runtime\", path = \"runtime\", version = \"0.1.0\" }"),
        "{manifest}"
    );
    let runtime_manifest = file(&generated, "runtime/Cargo.toml");
    assert!(runtime_manifest.contains("name = \"todo-client-runtime\""), "{runtime_manifest}");
    assert!(runtime_manifest.contains("[lib]\nname = \"esign_runtime\""), "{runtime_manifest}");
    assert!(!runtime_manifest.contains("workspace"), "it stands alone: {runtime_manifest}");
    // Every source file, unit tests and submodule folders included, exactly as in esign-runtime/.
    let src = crate::support::workspace_root().join("esign-runtime/src");
    let mut dirs = vec![src.clone()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            let name = path.strip_prefix(&src).unwrap().to_string_lossy().replace('\\', "/");
            let original = std::fs::read_to_string(&path).unwrap();
            assert_eq!(file(&generated, &format!("runtime/src/{name}")), original, "{name} is copied as it is");
        }
    }
    assert!(file(&generated, "src/lib.rs").contains("pub use ::esign_runtime as runtime;"));
}
