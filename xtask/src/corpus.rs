//! `cargo xtask corpus`: the generator on the real-world specs that sit
//! beside the repository (`../shared/corpus`). Kept out of `cargo test`
//! because a fresh clone has no corpus beside it; CI runs it, and it fails
//! loudly when the corpus is missing.
//!
//! Every spec must generate on its own with every operation a method or a
//! listed skip; then all of them go into one crate that must pass
//! `cargo clippy -D warnings`, built offline against this repository's lock
//! file. Everything it writes goes under the target directory cargo reports.

use crate::workspace_root;
use esign_codegen::write::{ensure_files, Mode};
use esign_codegen::{CrateOptions, OnUnsupported, RuntimeDep};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

/// The folders of real-world specs, relative to the workspace root.
const CORPUS_DIRS: &[&str] = &["../shared/corpus"];

pub fn run(args: &[String]) -> Result<ExitCode, String> {
    if let Some(arg) = args.first() {
        return Err(format!("`cargo xtask corpus` takes no arguments (got `{arg}`)"));
    }
    let root = workspace_root();
    let target = target_dir(&root)?;
    let runtime = root.join("esign-runtime");
    let options = CrateOptions {
        crate_name: "corpus-client".to_owned(),
        command: "cargo xtask corpus".to_owned(),
        standalone: true,
        on_unsupported: OnUnsupported::Skip,
        runtime: RuntimeDep::Path(runtime.to_string_lossy().replace('\\', "/")),
        crate_version: None,
    };

    let mut sources = Vec::new();
    let mut report = String::from("| spec | operations | methods | skipped |\n|---|---|---|---|\n");
    let mut failures = Vec::new();
    for file in corpus_files(&root)? {
        let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let bytes = std::fs::read(&file).map_err(|e| format!("{}: {e}", file.display()))?;
        let generated = match esign_codegen::generate_crate_from_bytes(&[(name.clone(), bytes.clone())], &options) {
            Ok(generated) => generated,
            Err(err) => {
                failures.push(format!("{name}: {err}"));
                continue;
            }
        };
        let counts = &generated.reports[0];
        let skipped = generated.skipped.len();
        let _ =
            writeln!(report, "| {name} | {} | {} | {skipped} |", counts.operations_in_spec, counts.methods_generated);
        for skip in &generated.skipped {
            let _ = writeln!(report, "|   skipped: {skip} | | | |");
        }
        if counts.methods_generated + skipped != counts.operations_in_spec {
            failures.push(format!(
                "{name}: {} operations, but {} methods and {skipped} listed skips",
                counts.operations_in_spec, counts.methods_generated
            ));
        }
        sources.push((name, bytes));
    }
    print!("{report}");
    std::fs::create_dir_all(&target).map_err(|e| format!("{}: {e}", target.display()))?;
    let report_path = target.join("corpus-report.md");
    std::fs::write(&report_path, &report).map_err(|e| format!("{}: {e}", report_path.display()))?;
    if !failures.is_empty() {
        return Err(format!("the corpus does not generate:\n{}", failures.join("\n")));
    }

    // All of them in one crate, checked by clippy offline against the
    // workspace's lock file, in a target directory of its own.
    let generated = esign_codegen::generate_crate_from_bytes(&sources, &options).map_err(|e| e.to_string())?;
    let out = target.join("corpus-crate");
    ensure_files(&out, &generated.files, Mode::Write).map_err(|e| format!("{}: {e}", out.display()))?;
    std::fs::copy(root.join("Cargo.lock"), out.join("Cargo.lock")).map_err(|e| format!("Cargo.lock: {e}"))?;
    let lines: usize = generated.files.iter().map(|f| f.contents.lines().count()).sum();
    println!("corpus crate: {} specs, {lines} generated lines, checking with clippy", sources.len());
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
        .args(["clippy", "--offline", "--quiet", "--all-targets", "--", "-D", "warnings"])
        .current_dir(&out)
        .env("CARGO_TARGET_DIR", target.join("corpus-check"))
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err(format!("the corpus crate in {} does not pass clippy", out.display()));
    }
    println!("corpus: every spec generates and the crate passes clippy -D warnings");
    Ok(ExitCode::SUCCESS)
}

/// The corpus specs, sorted; an error when a folder is missing or empty.
fn corpus_files(root: &Path) -> Result<Vec<PathBuf>, String> {
    let mut files = Vec::new();
    for dir in CORPUS_DIRS {
        let path = root.join(dir);
        let entries = std::fs::read_dir(&path)
            .map_err(|e| format!("the corpus is expected at {dir} (beside the repository): {e}; CI lays it there"))?;
        let mut found: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml" | "json")))
            .collect();
        if found.is_empty() {
            return Err(format!("no specs in {dir}"));
        }
        found.sort();
        files.append(&mut found);
    }
    Ok(files)
}

/// The target directory cargo uses for this workspace (honours
/// `CARGO_TARGET_DIR` and `.cargo/config.toml`).
fn target_dir(root: &Path) -> Result<PathBuf, String> {
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
        .args(["metadata", "--format-version", "1", "--no-deps", "--offline"])
        .current_dir(root)
        .output()
        .map_err(|e| format!("cannot run cargo metadata: {e}"))?;
    if !output.status.success() {
        return Err(format!("cargo metadata failed: {}", String::from_utf8_lossy(&output.stderr)));
    }
    let metadata: serde_json::Value =
        serde_json::from_slice(&output.stdout).map_err(|e| format!("cargo metadata printed no JSON: {e}"))?;
    metadata["target_directory"]
        .as_str()
        .map(PathBuf::from)
        .ok_or_else(|| "cargo metadata names no target_directory".to_owned())
}
