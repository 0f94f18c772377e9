//! Stage 5, write: generated files -> disk, or a check that disk matches.
//!
//! The one place that touches the output directory (rust-analyzer's
//! `ensure_file_contents`). Under `check`, nothing is written.

use crate::GeneratedFile;
use std::collections::BTreeSet;
use std::io;
use std::path::{Path, PathBuf};

/// Write the files, or only check them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Write what differs, delete files no longer generated.
    Write,
    /// Change nothing; report what differs.
    Check,
}

/// One way the directory differs from what generation produces.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Drift {
    /// The file exists with other contents.
    Stale(PathBuf),
    /// The file is not there.
    Missing(PathBuf),
    /// The file is there but generation does not produce it.
    Extra(PathBuf),
}

impl std::fmt::Display for Drift {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Drift::Stale(p) => write!(f, "stale: {}", p.display()),
            Drift::Missing(p) => write!(f, "missing: {}", p.display()),
            Drift::Extra(p) => write!(f, "extra (not generated): {}", p.display()),
        }
    }
}

/// Brings `dir` in line with `files` (or, under [`Mode::Check`], reports
/// how it differs). Paths in the result are `dir` joined with the file.
pub fn ensure_files(dir: &Path, files: &[GeneratedFile], mode: Mode) -> io::Result<Vec<Drift>> {
    let mut drift = Vec::new();
    let wanted: BTreeSet<PathBuf> = files.iter().map(|f| f.path.clone()).collect();
    for file in files {
        let path = dir.join(&file.path);
        match std::fs::read(&path) {
            Ok(existing) if existing == file.contents.as_bytes() => continue,
            Ok(_) => drift.push(Drift::Stale(path.clone())),
            Err(err) if err.kind() == io::ErrorKind::NotFound => drift.push(Drift::Missing(path.clone())),
            Err(err) => return Err(err),
        }
        if mode == Mode::Write {
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(&path, &file.contents)?;
        }
    }
    let mut present = Vec::new();
    if dir.exists() {
        list_files(dir, Path::new(""), &mut present)?;
    }
    for relative in present {
        if !wanted.contains(&relative) {
            let path = dir.join(&relative);
            if mode == Mode::Write {
                std::fs::remove_file(&path)?;
                // A module that is gone leaves its folder empty: remove it too.
                if let Some(parent) = path.parent() {
                    if parent != dir && std::fs::read_dir(parent)?.next().is_none() {
                        std::fs::remove_dir(parent)?;
                    }
                }
            }
            drift.push(Drift::Extra(path));
        }
    }
    Ok(drift)
}

/// Every file below `dir`, relative to it, skipping `target/` and dot files.
fn list_files(root: &Path, relative: &Path, out: &mut Vec<PathBuf>) -> io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(root.join(relative))?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name();
        let name_str = name.to_string_lossy();
        if name_str.starts_with('.')
            || (relative.as_os_str().is_empty() && (name_str == "target" || name_str == "Cargo.lock"))
        {
            continue;
        }
        let rel = relative.join(&name);
        if entry.file_type()?.is_dir() {
            list_files(root, &rel, out)?;
        } else {
            out.push(rel);
        }
    }
    Ok(())
}

/// A `cargo` command for a crate written at `dir` and built apart from any
/// workspace: `--offline`, against the lock file `lock` (copied in, so the
/// build uses exactly the versions the repository tested), in the target
/// directory `target`. `args` is the subcommand and its flags
/// (`["clippy", "--all-targets"]`). The caller runs it (`status`, `output`).
pub fn nested_cargo(dir: &Path, lock: &Path, target: &Path, args: &[&str]) -> io::Result<std::process::Command> {
    std::fs::copy(lock, dir.join("Cargo.lock"))?;
    let mut command = std::process::Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command.args(args.iter().take(1)).arg("--offline").args(args.iter().skip(1)).current_dir(dir);
    command.env("CARGO_TARGET_DIR", target);
    Ok(command)
}
