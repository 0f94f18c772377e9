//! `cargo xtask`: the project's commands. Parses flags, then calls the
//! generator; the only program that writes `generated/`.

use esign_codegen::write::{ensure_files, Drift, Mode};
use esign_codegen::{CrateOptions, OnUnsupported, RuntimeDep, SpecInput};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

mod corpus;
mod msrv;

const USAGE: &str = "\
usage:
  cargo xtask codegen [--check] [--skip-unsupported] [--quiet]
      regenerate generated/ from specs/*.yaml (--check: change nothing, fail if stale;
      --quiet: print only warnings and errors)
  cargo xtask codegen --spec FILE [--spec FILE ...] --out DIR [--crate-name NAME] [--skip-unsupported]
                      [--runtime-version REQ | --vendor-runtime] [--crate-version VERSION] [--quiet] [--force]
      generate a standalone crate from any specs; it depends on this repository's
      esign-runtime by path, or on esign-runtime REQ from the registry, or carries
      a copy of the runtime's sources (--vendor-runtime). DIR must be new, empty or
      a crate the generator wrote (it keeps a manifest of its files, .esign-codegen-files,
      and replaces or removes only those); --force writes into another folder
      without deleting anything there. DIR is never this repository or a folder
      in it, except generated/ and the target directory.
  cargo xtask corpus
      generate every real-world spec in ../shared/corpus (beside the repository),
      check the counts, run clippy -D warnings on the generated crates and
      compile their doc examples (cargo test --doc)
  cargo xtask msrv
      check that the workspace's rust-version covers every locked dependency
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some(command @ ("codegen" | "corpus" | "msrv")) => {
            let result = match command {
                "codegen" => codegen(&args[1..]),
                "corpus" => corpus::run(&args[1..]),
                _ => msrv::run(&args[1..]),
            };
            match result {
                Ok(code) => code,
                Err(message) => {
                    eprintln!("error: {message}");
                    ExitCode::FAILURE
                }
            }
        }
        _ => {
            eprint!("{USAGE}");
            ExitCode::FAILURE
        }
    }
}

#[derive(Default)]
struct Flags {
    check: bool,
    skip_unsupported: bool,
    specs: Vec<PathBuf>,
    out: Option<PathBuf>,
    crate_name: Option<String>,
    runtime_version: Option<String>,
    vendor_runtime: bool,
    crate_version: Option<String>,
    quiet: bool,
    force: bool,
}

fn parse_flags(args: &[String]) -> Result<Flags, String> {
    let mut flags = Flags::default();
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        let mut value = |name: &str| iter.next().cloned().ok_or_else(|| format!("{name} needs a value\n{USAGE}"));
        match arg.as_str() {
            "--check" => flags.check = true,
            "--skip-unsupported" => flags.skip_unsupported = true,
            "--spec" => flags.specs.push(PathBuf::from(value("--spec")?)),
            "--out" => flags.out = Some(PathBuf::from(value("--out")?)),
            "--crate-name" => flags.crate_name = Some(value("--crate-name")?),
            "--runtime-version" => flags.runtime_version = Some(value("--runtime-version")?),
            "--vendor-runtime" => flags.vendor_runtime = true,
            "--crate-version" => flags.crate_version = Some(value("--crate-version")?),
            "--quiet" => flags.quiet = true,
            "--force" => flags.force = true,
            other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
        }
    }
    Ok(flags)
}

/// `cargo metadata --format-version 1` with `args`, run in `root`, as JSON.
fn cargo_metadata(root: &Path, args: &[&str]) -> Result<serde_json::Value, String> {
    let output = std::process::Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
        .args(["metadata", "--format-version", "1"])
        .args(args)
        .current_dir(root)
        .output()
        .map_err(|e| format!("cannot run cargo metadata: {e}"))?;
    if !output.status.success() {
        return Err(format!("cargo metadata failed: {}", String::from_utf8_lossy(&output.stderr)));
    }
    serde_json::from_slice(&output.stdout).map_err(|e| format!("cargo metadata printed no JSON: {e}"))
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

fn codegen(args: &[String]) -> Result<ExitCode, String> {
    let flags = parse_flags(args)?;
    let on_unsupported = if flags.skip_unsupported { OnUnsupported::Skip } else { OnUnsupported::Fail };
    if flags.specs.is_empty() {
        if flags.out.is_some()
            || flags.crate_name.is_some()
            || flags.runtime_version.is_some()
            || flags.vendor_runtime
            || flags.crate_version.is_some()
            || flags.force
        {
            return Err(format!(
                "--out, --crate-name, --crate-version, --force and the runtime flags go with --spec\n{USAGE}"
            ));
        }
        return repo_codegen(flags.check, on_unsupported, flags.quiet);
    }
    let out = flags.out.ok_or_else(|| format!("--spec needs --out DIR\n{USAGE}"))?;
    if flags.check {
        return Err("--check applies to generated/ only; drop --spec to use it".to_owned());
    }
    check_out_dir(&out)?;
    let specs: Vec<SpecInput> = flags
        .specs
        .iter()
        .map(|p| SpecInput::new(p, p.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned())))
        .collect();
    let runtime = match (flags.runtime_version, flags.vendor_runtime) {
        (Some(_), true) => return Err(format!("--runtime-version and --vendor-runtime exclude each other\n{USAGE}")),
        (Some(version), false) => RuntimeDep::Version(version),
        (None, true) => RuntimeDep::Vendored,
        (None, false) => RuntimeDep::Path(runtime_path_from(&out)?),
    };
    let options = CrateOptions {
        crate_name: flags.crate_name.unwrap_or_else(|| "openapi-client".to_owned()),
        command: "cargo xtask codegen --spec".to_owned(),
        standalone: true,
        on_unsupported,
        runtime,
        crate_version: flags.crate_version,
    };
    let generated = esign_codegen::generate_crate(&specs, &options).map_err(|e| e.to_string())?;
    report(&generated, flags.quiet);
    let mode = if flags.force { Mode::Force } else { Mode::Write };
    let drift = ensure_files(&out, &generated.files, mode).map_err(|e| e.to_string())?;
    if !flags.quiet {
        summarize(&format!("crate `{}` in {}", options.crate_name, out.display()), &out, &drift, generated.files.len());
    }
    Ok(ExitCode::SUCCESS)
}

/// Names every file a write added, changed or removed (relative to `out`),
/// then the counts.
fn summarize(what: &str, out: &Path, drift: &[Drift], generated: usize) {
    let (mut added, mut changed, mut removed) = (0, 0, 0);
    for d in drift {
        let (word, path) = match d {
            Drift::Missing(p) => {
                added += 1;
                ("added", p)
            }
            Drift::Stale(p) => {
                changed += 1;
                ("changed", p)
            }
            Drift::Extra(p) => {
                removed += 1;
                ("removed", p)
            }
        };
        eprintln!("  {word} {}", path.strip_prefix(out).unwrap_or(path).display());
    }
    // The manifest is one more file than the generated ones.
    let unchanged = (generated + 1).saturating_sub(added + changed);
    eprintln!("{what}: {added} added, {changed} changed, {removed} removed, {unchanged} unchanged");
}

/// Refuses an `--out` that is this repository or holds it, or a folder
/// inside it other than `generated/` and the target directory: the
/// generator never writes over the project it runs in.
fn check_out_dir(out: &Path) -> Result<(), String> {
    let root = workspace_root();
    let root = root.canonicalize().unwrap_or(root);
    let target = corpus::target_dir(&root).ok().and_then(|t| t.canonicalize().ok());
    let at = resolved(out);
    let inside = |dir: &Path| at.starts_with(dir);
    if root.starts_with(&at) {
        return Err(format!(
            "--out {}: that folder holds this repository; nothing was written: choose a folder outside it",
            out.display()
        ));
    }
    if inside(&root) && !inside(&root.join("generated")) && !target.as_deref().is_some_and(inside) {
        return Err(format!(
            "--out {}: that folder is inside this repository; nothing was written: choose a folder outside it \
             (or generated/, or the target directory)",
            out.display()
        ));
    }
    Ok(())
}

/// `path` made absolute with links and `..` resolved, also when it does not
/// exist yet (its nearest existing ancestor is resolved, the rest appended).
fn resolved(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(real) = existing.canonicalize() {
            let mut out = real;
            for part in rest.iter().rev() {
                match part {
                    std::path::Component::ParentDir => {
                        out.pop();
                    }
                    std::path::Component::CurDir => {}
                    other => out.push(other),
                }
            }
            return out;
        }
        match (existing.parent(), existing.components().next_back()) {
            (Some(parent), Some(last)) => {
                rest.push(last);
                existing = parent;
            }
            _ => return absolute,
        }
    }
}

/// This repository's `esign-runtime`, as a path from the crate at `out`
/// (relative when both sit under one root, so the crate can move with the
/// checkout).
fn runtime_path_from(out: &Path) -> Result<String, String> {
    let runtime = workspace_root().join("esign-runtime");
    let runtime = runtime.canonicalize().map_err(|e| format!("{}: {e}", runtime.display()))?;
    // The folder may not exist yet: nothing is created before generation succeeds.
    let out = resolved(out);
    let common = runtime.components().zip(out.components()).take_while(|(a, b)| a == b).count();
    if common <= 1 {
        return Ok(runtime.to_string_lossy().replace('\\', "/"));
    }
    let mut relative = PathBuf::new();
    for _ in out.components().skip(common) {
        relative.push("..");
    }
    for part in runtime.components().skip(common) {
        relative.push(part);
    }
    Ok(relative.to_string_lossy().replace('\\', "/"))
}

/// The repository's own jobs: specs/ -> generated/, tests/fixtures/ ->
/// tests/fixtures-client/. Nothing is written unless every spec generates.
fn repo_codegen(check: bool, on_unsupported: OnUnsupported, quiet: bool) -> Result<ExitCode, String> {
    let root = workspace_root();
    let mut outputs = Vec::new();
    for job in esign_codegen::REPO_CRATES {
        let generated = esign_codegen::repo_crate(&root, job, on_unsupported).map_err(|e| e.to_string())?;
        report(&generated, quiet);
        outputs.push((job, generated));
    }
    let mode = if check { Mode::Check } else { Mode::Write };
    let mut stale = false;
    for (job, generated) in &outputs {
        let out = root.join(job.dir);
        let drift = ensure_files(&out, &generated.files, mode).map_err(|e| e.to_string())?;
        stale |= !drift.is_empty();
        if check {
            for d in &drift {
                eprintln!("{}", d.to_string().replace(&format!("{}/", root.display()), ""));
            }
        } else if !quiet {
            summarize(&format!("{}/", job.dir), &out, &drift, generated.files.len());
        }
    }
    if check {
        if stale {
            eprintln!("generated code is out of date: run `cargo xtask codegen` and commit the result");
            return Ok(ExitCode::FAILURE);
        }
        if !quiet {
            eprintln!("generated/ and tests/fixtures-client/ are up to date");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// What generation found: per spec its operations, methods and types
/// (unless quiet), then every warning and skip with its location.
fn report(generated: &esign_codegen::Generated, quiet: bool) {
    if !quiet {
        for spec in &generated.reports {
            eprintln!(
                "{}: {} operations -> {} methods, {} types",
                spec.spec, spec.operations_in_spec, spec.methods_generated, spec.types_generated
            );
        }
    }
    for warning in &generated.warnings {
        eprintln!("{warning}");
    }
    for skip in &generated.skipped {
        eprintln!("skipped: {skip}");
    }
}
