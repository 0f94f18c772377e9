//! The generator on real-world specs (`../shared/corpus`, beside the
//! repository): every spec generates, every operation becomes a method or
//! an explicit skip, and the generated crate passes clippy -D warnings.

use crate::support::workspace_root;
use esign_codegen::{CrateOptions, OnUnsupported};
use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::Command;

fn corpus_files() -> Vec<PathBuf> {
    let dir = workspace_root().join("../shared/corpus");
    let entries =
        std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("the corpus is expected at {}: {e}", dir.display()));
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.expect("entry").path())
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml" | "json")))
        .collect();
    files.sort();
    assert!(files.len() >= 8, "expected the 8 corpus specs, found {}", files.len());
    files
}

fn options() -> CrateOptions {
    CrateOptions {
        crate_name: "corpus-client".to_owned(),
        command: "cargo xtask codegen --spec".to_owned(),
        standalone: true,
        on_unsupported: OnUnsupported::Skip,
    }
}

#[test]
fn every_corpus_spec_generates_and_the_crate_passes_clippy() {
    let root = workspace_root();
    let mut sources = Vec::new();
    let mut report = String::from("| spec | operations | methods | skipped |\n|---|---|---|---|\n");
    for file in corpus_files() {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let bytes = std::fs::read(&file).unwrap();
        // Each spec on its own: the counts must add up.
        let generated = esign_codegen::generate_crate_from_bytes(&[(name.clone(), bytes.clone())], &options())
            .unwrap_or_else(|e| panic!("{e}"));
        let counts = &generated.reports[0];
        let skipped = generated.skipped.len();
        writeln!(report, "| {name} | {} | {} | {skipped} |", counts.operations_in_spec, counts.methods_generated)
            .unwrap();
        for skip in &generated.skipped {
            writeln!(report, "|   skipped: {skip} | | | |").unwrap();
        }
        assert_eq!(
            counts.methods_generated + skipped,
            counts.operations_in_spec,
            "{name}: every operation is a method or a listed skip"
        );
        sources.push((name, bytes));
    }
    println!("{report}");
    std::fs::create_dir_all(root.join("target")).unwrap();
    std::fs::write(root.join("target/corpus-report.md"), &report).unwrap();

    // All of them in one crate, checked by clippy offline against the
    // workspace's lock file, in a target directory of its own.
    let generated = esign_codegen::generate_crate_from_bytes(&sources, &options()).unwrap();
    let out = root.join("target/corpus-crate");
    esign_codegen::write::ensure_files(&out, &generated.files, esign_codegen::write::Mode::Write).unwrap();
    std::fs::copy(root.join("Cargo.lock"), out.join("Cargo.lock")).unwrap();
    let lines: usize = generated.files.iter().map(|f| f.contents.lines().count()).sum();
    println!("corpus crate: {lines} generated lines");
    let status = Command::new(env!("CARGO"))
        .args(["clippy", "--offline", "--quiet", "--all-targets", "--", "-D", "warnings"])
        .current_dir(&out)
        .env("CARGO_TARGET_DIR", root.join("target/generated-check"))
        .status()
        .expect("cargo runs");
    assert!(status.success(), "the corpus crate in {} does not pass clippy", out.display());
}
