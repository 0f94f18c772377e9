//! `cargo xtask msrv`: the workspace's `rust-version` must be at least the
//! highest `rust-version` any locked dependency declares, so the number in
//! `Cargo.toml` (and in every generated crate) cannot drift from the lock.

use crate::workspace_root;
use std::process::{Command, ExitCode};

/// A `rust-version` as numbers (`1.88` -> `[1, 88, 0]`).
fn parse(version: &str) -> Option<[u64; 3]> {
    let mut parts = version.trim().split('.').map(|p| p.parse::<u64>().ok());
    let major = parts.next()??;
    let minor = parts.next().flatten().unwrap_or(0);
    let patch = parts.next().flatten().unwrap_or(0);
    Some([major, minor, patch])
}

fn host_triple() -> Result<String, String> {
    let output = Command::new("rustc").arg("-vV").output().map_err(|e| format!("cannot run rustc: {e}"))?;
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .find_map(|line| line.strip_prefix("host: ").map(str::to_owned))
        .ok_or_else(|| "rustc -vV names no host".to_owned())
}

pub fn run() -> Result<ExitCode, String> {
    let root = workspace_root();
    let metadata = crate::cargo_metadata(&root, &["--locked", "--filter-platform", &host_triple()?])?;
    let members: Vec<&str> =
        metadata["workspace_members"].as_array().into_iter().flatten().filter_map(|m| m.as_str()).collect();
    let mut declared = None;
    let mut needed: Vec<([u64; 3], String)> = Vec::new();
    for package in metadata["packages"].as_array().into_iter().flatten() {
        let Some(version) = package["rust_version"].as_str().and_then(parse) else { continue };
        let id = package["id"].as_str().unwrap_or_default();
        let label =
            format!("{} {}", package["name"].as_str().unwrap_or("?"), package["version"].as_str().unwrap_or("?"));
        if members.contains(&id) {
            // Every member's claim must hold: check the lowest.
            declared = Some(declared.map_or(version, |d: [u64; 3]| d.min(version)));
        } else {
            needed.push((version, label));
        }
    }
    let declared = declared.ok_or("no workspace member declares a rust-version")?;
    needed.sort();
    let Some((highest, _)) = needed.last().cloned() else {
        return Err("no locked dependency declares a rust-version: cargo metadata gave nothing to check".to_owned());
    };
    let show =
        |v: [u64; 3]| format!("{}.{}", v[0], v[1]) + &if v[2] > 0 { format!(".{}", v[2]) } else { String::new() };
    if highest > declared {
        let culprits: Vec<&str> = needed.iter().filter(|(v, _)| *v > declared).map(|(_, l)| l.as_str()).collect();
        return Err(format!(
            "the workspace declares rust-version {} but locked dependencies need {}: {}",
            show(declared),
            show(highest),
            culprits.join(", ")
        ));
    }
    let generated = esign_codegen::RUST_VERSION;
    if parse(generated) != Some(declared) {
        return Err(format!(
            "generated crates declare rust-version {generated} (esign_codegen::RUST_VERSION) but the workspace {}",
            show(declared)
        ));
    }
    println!(
        "rust-version {} holds: the highest any of {} locked dependencies declares is {}",
        show(declared),
        needed.len(),
        show(highest)
    );
    Ok(ExitCode::SUCCESS)
}
