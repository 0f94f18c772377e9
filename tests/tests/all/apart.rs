//! Crates generated apart share one runtime: a Leegality client and a
//! Constellation1 client, each generated on its own as `--out` would, go
//! into one `Vec<Box<dyn esign_runtime::Cancel>>` in a program that depends
//! on both. Built offline against this repository's lock file, in a target
//! directory of its own under the workspace's. A third crate carries a copy
//! of the runtime's sources instead (`--vendor-runtime`) and must build too.

use crate::support::{target_dir, workspace_root};
use esign_codegen::write::{ensure_files, nested_cargo, Mode};
use esign_codegen::{CrateOptions, OnUnsupported, RuntimeDep, SpecInput};
use std::path::Path;

fn generate_apart(spec: &str, crate_name: &str, out: &Path, runtime: RuntimeDep) {
    let root = workspace_root();
    let input = SpecInput::new(root.join(spec), spec);
    let options = CrateOptions {
        crate_name: crate_name.to_owned(),
        command: "cargo xtask codegen --spec".to_owned(),
        standalone: true,
        publish: true,
        on_unsupported: OnUnsupported::Fail,
        runtime,
        crate_version: None,
    };
    let generated = esign_codegen::generate_crate(&[input], &options).expect("spec generates");
    // Force: the test's own scratch folder under the target directory.
    ensure_files(out, &generated.files, Mode::Force).expect("crate written");
}

const APP_MAIN: &str = r#"
use esign_runtime::{Cancel, CancelTarget};

fn main() {
    let leegality = leegality_client::leegality::Client::builder()
        .base_url("http://127.0.0.1:9")
        .credentials(leegality_client::leegality::Credentials::auth_token("TOKEN"))
        .build()
        .expect("leegality client");
    let constellation1 = constellation1_client::constellation1::Client::builder()
        .base_url("http://127.0.0.1:9")
        .credentials(constellation1_client::constellation1::Credentials::encrypted_token("TOKEN"))
        .build()
        .expect("constellation1 client");
    let clients: Vec<Box<dyn Cancel + Send + Sync>> = vec![Box::new(leegality), Box::new(constellation1)];
    for client in &clients {
        let target: CancelTarget = client.cancel_target();
        println!("{target:?}");
    }
    // A crate that carries its own copy of the runtime has its own trait.
    let vendored = vendored_client::dropbox_sign::Client::builder()
        .base_url("http://127.0.0.1:9")
        .credentials(vendored_client::dropbox_sign::Credentials::api_key("KEY"))
        .build()
        .expect("vendored client");
    let own: Box<dyn vendored_client::runtime::Cancel + Send + Sync> = Box::new(vendored);
    println!("{:?}", own.cancel_target());
    let parsed: vendored_client::dropbox_sign::ErrorName = "not_found".parse().expect("infallible");
    println!("{parsed}");
}
"#;

#[test]
fn two_crates_generated_apart_share_the_cancel_trait() {
    let root = workspace_root();
    let base = target_dir().join("apart");
    let runtime = root.join("esign-runtime");
    let by_path = || RuntimeDep::Path(runtime.to_string_lossy().into_owned());
    generate_apart("specs/leegality.yaml", "leegality-client", &base.join("leegality"), by_path());
    generate_apart("specs/constellation1-esign.yaml", "constellation1-client", &base.join("constellation1"), by_path());
    // The same spec with the runtime's sources copied in (`--vendor-runtime`).
    generate_apart("specs/dropbox-sign.yaml", "vendored-client", &base.join("vendored"), RuntimeDep::Vendored);
    let app = base.join("app");
    std::fs::create_dir_all(app.join("src")).unwrap();
    std::fs::write(
        app.join("Cargo.toml"),
        format!(
            "[package]\nname = \"apart-app\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
             [dependencies]\nesign-runtime = {{ path = {:?} }}\nleegality-client = {{ path = \"../leegality\" }}\n\
             constellation1-client = {{ path = \"../constellation1\" }}\n\
             vendored-client = {{ path = \"../vendored\" }}\n\n[workspace]\n",
            runtime.to_string_lossy()
        ),
    )
    .unwrap();
    std::fs::write(app.join("src/main.rs"), APP_MAIN).unwrap();
    let output = nested_cargo(&app, &root.join("Cargo.lock"), &target_dir().join("nested-check"), &["run", "--quiet"])
        .expect("lock file copied")
        .output()
        .expect("cargo runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "the program using both crates does not build or run:\n{stderr}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let targets: Vec<&str> = stdout.lines().collect();
    assert_eq!(targets, ["Invitation", "Session", "SignatureRequest", "not_found"], "{stdout}");
}
