//! `cargo xtask registry`: the way a user gets the runtime, tried before
//! anyone publishes it. Packages `esign-runtime` (`cargo package`, as the
//! registry would receive it), unpacks the `.crate`, and builds two crates
//! generated from a fixture spec against that copy alone:
//!
//! - one generated with `--runtime-version` (a registry dependency), with
//!   the registry's `esign-runtime` patched to the unpacked package;
//! - one generated with the default path dependency, the path swapped to
//!   the unpacked package.
//!
//! Both build offline against this repository's lock file, in the target
//! directory (`registry-check/`), so nothing outside the package is
//! reachable: a file the package leaves out fails the build.

use crate::workspace_root;
use esign_codegen::write::{ensure_files, Mode};
use esign_codegen::{RuntimeDep, SpecInput};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

/// The spec both crates are generated from.
const SPEC: &str = "tests/fixtures/bodies.yaml";

pub fn run() -> Result<ExitCode, String> {
    let root = workspace_root();
    let target = crate::corpus::target_dir(&root)?;
    let work = target.join("registry-check");
    let unpacked = package_runtime(&root, &target, &work)?;
    let unpacked_text = unpacked.to_string_lossy().replace('\\', "/");

    let version = runtime_version(&root)?;
    let registry_crate = work.join("from-registry");
    generate(&root, &registry_crate, "registry-check", RuntimeDep::Version(version))?;
    let patch = format!("patch.crates-io.esign-runtime.path=\"{unpacked_text}\"");
    build(&root, &target, &registry_crate, &["--config", &patch])?;
    println!("a crate generated with --runtime-version builds against the packaged esign-runtime");

    let path_crate = work.join("by-path");
    generate(&root, &path_crate, "path-check", RuntimeDep::Path(unpacked_text))?;
    build(&root, &target, &path_crate, &[])?;
    println!("a crate generated with a path dependency builds against the unpacked package");
    Ok(ExitCode::SUCCESS)
}

/// `cargo package -p esign-runtime`, unpacked into `work/`; returns the
/// unpacked folder.
fn package_runtime(root: &Path, target: &Path, work: &Path) -> Result<PathBuf, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    // The working tree may hold uncommitted changes while developing; CI's
    // clean clone packages exactly what is committed either way.
    let status = Command::new(&cargo)
        .args(["package", "--quiet", "--no-verify", "--allow-dirty", "-p", "esign-runtime"])
        .current_dir(root)
        .status()
        .map_err(|e| format!("cannot run cargo package: {e}"))?;
    if !status.success() {
        return Err("cargo package -p esign-runtime failed".to_owned());
    }
    let version = runtime_version(root)?;
    let file = target.join("package").join(format!("esign-runtime-{version}.crate"));
    if work.exists() {
        std::fs::remove_dir_all(work).map_err(|e| format!("{}: {e}", work.display()))?;
    }
    std::fs::create_dir_all(work).map_err(|e| format!("{}: {e}", work.display()))?;
    // A .crate is a gzipped tar of one folder, `<name>-<version>/`. Its
    // files carry one fixed old mtime: `-m` stamps them now instead, or
    // cargo would take an earlier build of the unpacked copy as current.
    let status = Command::new("tar")
        .arg("-xzmf")
        .arg(&file)
        .arg("-C")
        .arg(work)
        .status()
        .map_err(|e| format!("cannot run tar: {e}"))?;
    if !status.success() {
        return Err(format!("{}: tar could not unpack it", file.display()));
    }
    let unpacked = work.join(format!("esign-runtime-{version}"));
    if !unpacked.join("Cargo.toml").is_file() {
        return Err(format!("{}: no Cargo.toml after unpacking", unpacked.display()));
    }
    Ok(unpacked)
}

/// The version `esign-runtime/Cargo.toml` declares.
fn runtime_version(root: &Path) -> Result<String, String> {
    let manifest = root.join("esign-runtime/Cargo.toml");
    let text = std::fs::read_to_string(&manifest).map_err(|e| format!("{}: {e}", manifest.display()))?;
    text.lines()
        .find_map(|line| line.strip_prefix("version = \"").and_then(|rest| rest.strip_suffix('"')))
        .map(str::to_owned)
        .ok_or_else(|| format!("{}: no version", manifest.display()))
}

fn generate(root: &Path, out: &Path, name: &str, runtime: RuntimeDep) -> Result<(), String> {
    let options = crate::standalone_options(name, "cargo xtask registry", runtime);
    let spec = SpecInput::new(root.join(SPEC), SPEC);
    let generated = esign_codegen::generate_crate(&[spec], &options).map_err(|e| e.to_string())?;
    ensure_files(out, &generated.files, Mode::Write).map_err(|e| e.to_string())?;
    Ok(())
}

fn build(root: &Path, target: &Path, dir: &Path, extra: &[&str]) -> Result<(), String> {
    let mut args = vec!["build", "--quiet"];
    args.extend_from_slice(extra);
    let output = crate::cargo_in(root, &target.join("registry-check-target"), dir, &args)?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{}: does not build against the packaged esign-runtime:\n{}",
            dir.display(),
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}
