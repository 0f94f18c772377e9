//! `cargo xtask apart`: generated crates built outside the workspace, as a
//! user builds them. Both checks run a nested `cargo` (offline, against
//! this repository's lock file, in `apart-check-target/` under the target
//! directory), so they live here rather than in `cargo test`:
//!
//! - **Accepted means it compiles.** The specs in `tests/compile/` hold what
//!   Rust cannot write the plain way (a type that is a list or map of
//!   itself, an operation whose only documented answer is not handled, a
//!   webhook payload named through an alias, a discriminated union with no
//!   usable tag, a constructor of eight arguments, operations named like
//!   the client's own methods), in OpenAPI 3.0, 3.1 and Swagger 2.0. They
//!   are generated into one crate that `cargo check` must pass.
//! - **Crates generated apart share one runtime.** A Leegality client and a
//!   Constellation1 client, each generated on its own as `--out` would, go
//!   into one `Vec<Box<dyn esign_runtime::Cancel>>` in a program that
//!   depends on both; a third crate carries its own copy of the runtime
//!   (`--vendor-runtime`) and must build and run beside them, and pass the
//!   runtime's unit tests as a workspace of its own.

use crate::workspace_root;
use esign_codegen::write::{ensure_files, Mode};
use esign_codegen::{CrateOptions, Generated, RuntimeDep, SpecInput};
use std::path::Path;
use std::process::ExitCode;

pub fn run() -> Result<ExitCode, String> {
    let root = workspace_root();
    let target = crate::corpus::target_dir(&root)?;
    let work = target.join("apart-check");
    accepted_specs_compile(&root, &target, &work)?;
    println!("the specs of tests/compile/ generate one crate that compiles");
    crates_apart_share_the_runtime(&root, &target, &work)?;
    println!("crates generated apart build into one program and share the cancel trait");
    Ok(ExitCode::SUCCESS)
}

fn options(crate_name: &str, runtime: RuntimeDep) -> CrateOptions {
    crate::standalone_options(crate_name, "cargo xtask apart", runtime)
}

/// Writes a generated crate into a scratch folder of this check (`Force`:
/// the folder is ours, under the target directory).
fn write(out: &Path, generated: &Generated) -> Result<(), String> {
    ensure_files(out, &generated.files, Mode::Force).map_err(|e| format!("{}: {e}", out.display()))?;
    Ok(())
}

/// Runs `cargo <args>` in `dir`; the failure carries cargo's stderr.
fn cargo(root: &Path, target: &Path, dir: &Path, args: &[&str]) -> Result<String, String> {
    let output = crate::cargo_in(root, &target.join("apart-check-target"), dir, args)?;
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    } else {
        Err(format!("{}: cargo {} failed:\n{}", dir.display(), args[0], String::from_utf8_lossy(&output.stderr)))
    }
}

fn accepted_specs_compile(root: &Path, target: &Path, work: &Path) -> Result<(), String> {
    let dir = root.join("tests/compile");
    let mut specs: Vec<SpecInput> = std::fs::read_dir(&dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "json")))
        .map(|p| {
            let name = format!("tests/compile/{}", p.file_name().unwrap_or_default().to_string_lossy());
            SpecInput::new(p, name)
        })
        .collect();
    specs.sort_by(|a, b| a.display_name.cmp(&b.display_name));
    if specs.len() < 3 {
        return Err(format!("{}: expected the compile fixtures, found {} specs", dir.display(), specs.len()));
    }
    let runtime = RuntimeDep::Path(root.join("esign-runtime").to_string_lossy().into_owned());
    let generated = esign_codegen::generate_crate(&specs, &options("compile-fixtures", runtime))
        .map_err(|e| format!("a spec of tests/compile/ is refused: {e}"))?;
    let out = work.join("compile-fixtures");
    write(&out, &generated)?;
    cargo(root, target, &out, &["check", "--quiet"])?;
    // What made them compile.
    let file = |path: &str| {
        generated
            .files
            .iter()
            .find(|f| f.path.to_string_lossy() == path)
            .map(|f| f.contents.as_str())
            .ok_or_else(|| format!("the compile fixtures crate has no {path}"))
    };
    let expect = |path: &str, text: &str, why: &str| -> Result<(), String> {
        if file(path)?.contains(text) {
            Ok(())
        } else {
            Err(format!("{path} lacks `{text}`: {why}"))
        }
    };
    expect("src/self_holding/types.rs", "pub struct Nested(pub ::std::vec::Vec<Nested>);", "a list of itself")?;
    expect("src/self_holding_2/types.rs", "pub struct List(pub ::std::vec::Vec<List>);", "a list of itself (3.1)")?;
    expect("src/client_names/mod.rs", "pub async fn new2(", "operationId `new` yields to Client::new")?;
    Ok(())
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
        println!("{}", target.name);
    }
    // A crate that carries its own copy of the runtime has its own trait.
    let vendored = vendored_client::dropbox_sign::Client::builder()
        .base_url("http://127.0.0.1:9")
        .credentials(vendored_client::dropbox_sign::Credentials::api_key("KEY"))
        .build()
        .expect("vendored client");
    let own: Box<dyn vendored_client::runtime::Cancel + Send + Sync> = Box::new(vendored);
    println!("{}", own.cancel_target().name);
    let parsed: vendored_client::dropbox_sign::ErrorName = "not_found".parse().expect("infallible");
    println!("{parsed}");
}
"#;

fn crates_apart_share_the_runtime(root: &Path, target: &Path, work: &Path) -> Result<(), String> {
    let runtime = root.join("esign-runtime");
    let generate = |spec: &str, name: &str, folder: &str, dep: RuntimeDep| -> Result<(), String> {
        let input = SpecInput::new(root.join(spec), spec);
        let generated = esign_codegen::generate_crate(&[input], &options(name, dep))
            .map_err(|e| format!("{spec} is refused: {e}"))?;
        write(&work.join(folder), &generated)
    };
    let by_path = || RuntimeDep::Path(runtime.to_string_lossy().into_owned());
    generate("specs/leegality.yaml", "leegality-client", "leegality", by_path())?;
    generate("specs/constellation1-esign.yaml", "constellation1-client", "constellation1", by_path())?;
    generate("specs/dropbox-sign.yaml", "vendored-client", "vendored", RuntimeDep::Vendored)?;
    let app = work.join("app");
    let manifest = format!(
        "[package]\nname = \"apart-app\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [dependencies]\nesign-runtime = {{ path = {:?} }}\nleegality-client = {{ path = \"../leegality\" }}\n\
         constellation1-client = {{ path = \"../constellation1\" }}\n\
         vendored-client = {{ path = \"../vendored\" }}\n\n[workspace]\n",
        runtime.to_string_lossy()
    );
    let write_file =
        |path: &Path, text: &str| std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()));
    std::fs::create_dir_all(app.join("src")).map_err(|e| format!("{}: {e}", app.display()))?;
    write_file(&app.join("Cargo.toml"), &manifest)?;
    write_file(&app.join("src/main.rs"), APP_MAIN)?;
    let stdout = cargo(root, target, &app, &["run", "--quiet"])?;
    let targets: Vec<&str> = stdout.lines().collect();
    if targets != ["invitation", "session", "signature request", "not_found"] {
        return Err(format!("the program using the three crates printed:\n{stdout}"));
    }
    // The vendored crate stands alone: it and the runtime copy in its
    // `runtime/` (whose unit tests travel with it) build and pass their
    // tests as their own workspace.
    cargo(root, target, &work.join("vendored"), &["test", "--quiet", "--workspace", "--lib"])?;
    Ok(())
}
