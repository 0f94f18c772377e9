//! `cargo xtask corpus`: the generator on the real-world specs that sit
//! beside the repository (`../shared/corpus`, OpenAPI 3.0, and
//! `../shared/corpus-next`, OpenAPI 3.1 and Swagger 2.0). Kept out of
//! `cargo test` because a fresh clone has no corpus beside it; CI runs it,
//! and it fails loudly when the corpus is missing.
//!
//! Every spec must generate on its own with every operation a method or a
//! listed skip; then they go into a few crates (one per folder, one for each
//! very large spec) that must pass `cargo clippy -D warnings`, built offline
//! against this repository's lock file. Everything it writes goes under the
//! target directory cargo reports.

use crate::workspace_root;
use esign_codegen::write::{ensure_files, nested_cargo, Mode};
use esign_codegen::{CrateOptions, OnUnsupported, RuntimeDep};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

/// The folders of real-world specs, relative to the workspace root.
const CORPUS_DIRS: &[&str] = &["../shared/corpus", "../shared/corpus-next"];

pub fn run() -> Result<ExitCode, String> {
    let root = workspace_root();
    let target = target_dir(&root)?;
    let runtime = root.join("esign-runtime");
    let options = CrateOptions {
        crate_name: "corpus-client".to_owned(),
        command: "cargo xtask corpus".to_owned(),
        standalone: true,
        publish: true,
        on_unsupported: OnUnsupported::Skip,
        runtime: RuntimeDep::Path(runtime.to_string_lossy().replace('\\', "/")),
        crate_version: None,
        front_page: None,
    };

    let mut sources = Vec::new();
    let mut report = String::from(
        "| spec | operations | methods | skipped | warnings | generation (s) |\n|---|---|---|---|---|---|\n",
    );
    let mut failures = Vec::new();
    for (folder, file) in corpus_files(&root)? {
        let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let bytes = std::fs::read(&file).map_err(|e| format!("{}: {e}", file.display()))?;
        let started = Instant::now();
        let generated = match esign_codegen::generate_crate_from_bytes(&[(name.clone(), bytes.clone())], &options) {
            Ok(generated) => generated,
            Err(err) => {
                failures.push(format!("{name}: {err}"));
                continue;
            }
        };
        let counts = &generated.reports[0];
        let skipped = generated.skipped.len();
        let _ = writeln!(
            report,
            "| {name} | {} | {} | {skipped} | {} | {:.1} |",
            counts.operations_in_spec,
            counts.methods_generated,
            generated.warnings.len(),
            started.elapsed().as_secs_f64()
        );
        for skip in &generated.skipped {
            let _ = writeln!(report, "|   skipped: {skip} | | | | | |");
        }
        if counts.methods_generated + skipped != counts.operations_in_spec {
            failures.push(format!(
                "{name}: {} operations, but {} methods and {skipped} listed skips",
                counts.operations_in_spec, counts.methods_generated
            ));
        }
        sources.push((folder.to_owned(), name, bytes));
    }
    print!("{report}");
    std::fs::create_dir_all(&target).map_err(|e| format!("{}: {e}", target.display()))?;
    let report_path = target.join("corpus-report.md");
    std::fs::write(&report_path, &report).map_err(|e| format!("{}: {e}", report_path.display()))?;
    if !failures.is_empty() {
        return Err(format!("the corpus does not generate:\n{}", failures.join("\n")));
    }

    // The specs in a few crates (one per folder, and a crate of its own for
    // each spec over BIG bytes, so no one crate's clippy run grows without
    // bound), each checked by clippy offline against the workspace's lock
    // file, all in one target directory of their own (dependencies build once).
    let mut groups: Vec<(String, Vec<Source>)> = Vec::new();
    for (folder, name, bytes) in sources {
        let group = if bytes.len() > BIG { crate_name_for(&name) } else { crate_name_for(&folder) };
        match groups.iter_mut().find(|(g, _)| *g == group) {
            Some((_, specs)) => specs.push((name, bytes)),
            None => groups.push((group, vec![(name, bytes)])),
        }
    }
    for (group, specs) in &groups {
        let started = Instant::now();
        let options = CrateOptions { crate_name: format!("corpus-{group}"), ..options.clone() };
        let generated = esign_codegen::generate_crate_from_bytes(specs, &options).map_err(|e| e.to_string())?;
        let out = target.join("corpus-crates").join(group);
        // Force: the check's own folder under the target directory.
        ensure_files(&out, &generated.files, Mode::Force).map_err(|e| e.to_string())?;
        let lines: usize = generated.files.iter().map(|f| f.contents.lines().count()).sum();
        let generation = started.elapsed();
        println!(
            "corpus crate `{group}`: {} specs, {lines} generated lines in {:.1} s; checking with clippy",
            specs.len(),
            generation.as_secs_f64()
        );
        // The library alone: a generated crate has no tests or examples, and
        // `--all-targets` would lint the same code twice (as lib and as test).
        let args = ["clippy", "--quiet", "--", "-D", "warnings"];
        let status = nested_cargo(&out, &root.join("Cargo.lock"), &target.join("corpus-check"), &args)
            .map_err(|e| format!("Cargo.lock: {e}"))?
            .status()
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        if !status.success() {
            return Err(format!("the corpus crate in {} does not pass clippy", out.display()));
        }
        println!("corpus crate `{group}`: clippy passed in {:.0} s", (started.elapsed() - generation).as_secs_f64());
        // The examples in the docs compile too (every operation has one,
        // and spec prose must not turn into Rust doctests): what a user's
        // `cargo test` on the crate would run.
        let started = Instant::now();
        let status =
            nested_cargo(&out, &root.join("Cargo.lock"), &target.join("corpus-check"), &["test", "--doc", "--quiet"])
                .map_err(|e| format!("Cargo.lock: {e}"))?
                .status()
                .map_err(|e| format!("cannot run cargo: {e}"))?;
        if !status.success() {
            return Err(format!("the doc examples of the corpus crate in {} do not pass", out.display()));
        }
        println!("corpus crate `{group}`: doc examples passed in {:.0} s", started.elapsed().as_secs_f64());
    }
    println!("corpus: every spec generates, every crate passes clippy -D warnings, every doc example compiles");
    Ok(ExitCode::SUCCESS)
}

/// A spec's name and contents.
type Source = (String, Vec<u8>);

/// A spec larger than this (bytes) gets a corpus crate of its own.
const BIG: usize = 2 << 20;

/// A crate name from a folder or file name (`corpus-next` -> `corpus-next`,
/// `openai-api-3.1.yaml` -> `openai-api-3-1`).
fn crate_name_for(name: &str) -> String {
    let stem = name.strip_suffix(".yaml").or_else(|| name.strip_suffix(".json")).unwrap_or(name);
    let stem = stem.rsplit('/').next().unwrap_or(stem);
    stem.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect()
}

/// The corpus specs, sorted; an error when a folder is missing or empty.
fn corpus_files(root: &Path) -> Result<Vec<(&'static str, PathBuf)>, String> {
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
        files.extend(found.into_iter().map(|f| (*dir, f)));
    }
    Ok(files)
}

/// The target directory cargo uses for this workspace (honours
/// `CARGO_TARGET_DIR` and `.cargo/config.toml`).
pub fn target_dir(root: &Path) -> Result<PathBuf, String> {
    let metadata = crate::cargo_metadata(root, &["--no-deps", "--offline"])?;
    metadata["target_directory"]
        .as_str()
        .map(PathBuf::from)
        .ok_or_else(|| "cargo metadata names no target_directory".to_owned())
}
