//! The installed command line, `esign-codegen`, run as a program: help,
//! version, usage errors (exit 2), failures (exit 1) and a generated crate.

use std::path::Path;
use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_esign-codegen")).args(args).output().expect("the binary runs")
}

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures").join(name).display().to_string()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn help_and_version_go_to_stdout_with_exit_0() {
    let help = run(&["--help"]);
    assert_eq!(help.status.code(), Some(0));
    let usage = text(&help.stdout);
    assert!(usage.starts_with("esign-codegen: generate"), "{usage}");
    assert!(usage.contains("--spec FILE") && usage.contains("exit codes"), "{usage}");
    let version = run(&["-V"]);
    assert_eq!(version.status.code(), Some(0));
    assert_eq!(text(&version.stdout).trim(), format!("esign-codegen {}", env!("CARGO_PKG_VERSION")));
}

#[test]
fn usage_errors_exit_2_on_stderr_and_touch_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("client");
    let out_text = out.display().to_string();
    let spec = fixture("parameters.yaml");
    for (args, says) in [
        (vec!["--bogus"], "unknown argument `--bogus`"),
        (vec!["--spec", spec.as_str()], "--spec needs --out DIR"),
        (vec!["--out", out_text.as_str()], "give at least one --spec FILE"),
        (vec!["--spec"], "--spec needs a value"),
        (vec!["--spec", spec.as_str(), "--out", out_text.as_str(), "--crate-name", "h-docusign-3.1"], "package name"),
        (
            vec!["--spec", spec.as_str(), "--out", out_text.as_str(), "--vendor-runtime", "--runtime-version", "1"],
            "exclude",
        ),
    ] {
        let output = run(&args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(output.stdout.is_empty(), "{args:?}");
        assert!(text(&output.stderr).contains(says), "{args:?}: {}", text(&output.stderr));
    }
    assert!(!out.exists(), "no output folder was created");
}

#[test]
fn failures_exit_1_name_the_file_with_its_folder_and_leave_no_folder() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("client");
    let output = run(&["--spec", "specs/does-not-exist/dropbox-sign.yaml", "--out", &out.display().to_string()]);
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output.stderr).contains("specs/does-not-exist/dropbox-sign.yaml: cannot read spec"));
    assert!(!out.exists());
}

#[test]
fn a_crate_is_generated_with_a_registry_runtime_and_a_second_run_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("client");
    let args = ["--spec", &fixture("parameters.yaml"), "--out", &out.display().to_string(), "--crate-name", "pets"];
    let first = run(&args);
    assert_eq!(first.status.code(), Some(0), "{}", text(&first.stderr));
    let stderr = text(&first.stderr);
    assert!(stderr.contains("added src/lib.rs") && stderr.contains("6 added, 0 changed, 0 removed"), "{stderr}");
    let manifest = std::fs::read_to_string(out.join("Cargo.toml")).unwrap();
    assert!(manifest.contains("name = \"pets\"") && manifest.contains("esign-runtime = \"0.1\""), "{manifest}");
    let second = run(&args);
    assert_eq!(second.status.code(), Some(0));
    assert!(text(&second.stderr).contains("0 added, 0 changed, 0 removed, 6 unchanged"), "{}", text(&second.stderr));

    // A folder of the user's is refused with exit 1 and kept as it was.
    let mine = dir.path().join("mine");
    std::fs::create_dir(&mine).unwrap();
    std::fs::write(mine.join("main.rs"), "fn main() {}\n").unwrap();
    let refused = run(&["--spec", &fixture("parameters.yaml"), "--out", &mine.display().to_string()]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(text(&refused.stderr).contains("--force"), "{}", text(&refused.stderr));
    assert_eq!(std::fs::read_dir(&mine).unwrap().count(), 1);
}

#[test]
fn a_defect_in_one_part_is_a_warning_and_strict_makes_it_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("defects.yaml");
    // A response schema referring to nothing, and an operation whose path
    // names one parameter twice.
    std::fs::write(
        &spec,
        "openapi: 3.0.3\ninfo: {title: Defects, version: '1'}\nservers: [{url: 'https://api.example.test'}]\n\
         paths:\n  /a:\n    get:\n      operationId: getA\n      responses:\n        '200':\n          description: ok\n\
         \x20         content:\n            application/json:\n              schema: {$ref: '#/components/schemas/Gone'}\n\
         \x20 /b/{id}/c/{id}:\n    get:\n      operationId: getB\n\
         \x20     parameters: [{name: id, in: path, required: true, schema: {type: string}}]\n\
         \x20     responses:\n        '204': {description: none}\n",
    )
    .unwrap();
    let spec = spec.display().to_string();
    let out = dir.path().join("client");
    let out_text = out.display().to_string();
    let strict = run(&["--spec", &spec, "--out", &out_text, "--strict"]);
    assert_eq!(strict.status.code(), Some(1), "{}", text(&strict.stderr));
    assert!(text(&strict.stderr).contains("names `{id}` twice"), "{}", text(&strict.stderr));
    assert!(!out.exists(), "nothing written");

    let lenient = run(&["--spec", &spec, "--out", &out_text]);
    assert_eq!(lenient.status.code(), Some(0), "{}", text(&lenient.stderr));
    let stderr = text(&lenient.stderr);
    assert!(
        stderr.contains("#/paths/~1a/get/responses/200/content/application~1json/schema/$ref: warning: `#/components/schemas/Gone` does not resolve"),
        "{stderr}"
    );
    assert!(stderr.contains("skipped:") && stderr.contains("names `{id}` twice"), "{stderr}");
    let client = std::fs::read_to_string(out.join("src/defects/mod.rs")).unwrap();
    assert!(client.contains("pub async fn get_a(") && !client.contains("pub async fn get_b("), "{client}");

    // Only the warning left: still an error under --strict.
    std::fs::write(&spec, std::fs::read_to_string(&spec).unwrap().replace("/b/{id}/c/{id}", "/b/{id}")).unwrap();
    let strict = run(&["--spec", &spec, "--out", &dir.path().join("other").display().to_string(), "--strict"]);
    assert_eq!(strict.status.code(), Some(1), "{}", text(&strict.stderr));
    assert!(text(&strict.stderr).contains("--strict: 1 warning(s)"), "{}", text(&strict.stderr));
}
