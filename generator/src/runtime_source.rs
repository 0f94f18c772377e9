//! The runtime's sources, for crates that vendor it (`--vendor-runtime`)
//! instead of depending on `esign-runtime`. The one source of truth stays
//! `esign-runtime/`: `cargo xtask codegen` copies its manifest and sources
//! into this package (`generator/runtime/`, so the published generator
//! carries them; the `fresh` test and `--check` fail when the copy is
//! stale), they are compiled into the generator and written, as they are,
//! into `runtime/` of the vendoring crate: a crate of its own.

/// `esign-runtime/Cargo.toml` (as copied): its `[features]` and
/// `[dependencies]` are what a vendoring crate needs.
const MANIFEST: &str = include_str!("../runtime/manifest.toml");

/// Every file of `esign-runtime/src` (as copied), by its path under
/// `src/` (`/`-separated: modules with submodules are folders).
const FILES: &[(&str, &str)] = &[
    ("budget.rs", include_str!("../runtime/src/budget.rs")),
    ("budget/metered.rs", include_str!("../runtime/src/budget/metered.rs")),
    ("budget/tests.rs", include_str!("../runtime/src/budget/tests.rs")),
    ("bulk.rs", include_str!("../runtime/src/bulk.rs")),
    ("bulk/journal.rs", include_str!("../runtime/src/bulk/journal.rs")),
    ("bulk/journal/tests.rs", include_str!("../runtime/src/bulk/journal/tests.rs")),
    ("bulk/report.rs", include_str!("../runtime/src/bulk/report.rs")),
    ("bulk/run.rs", include_str!("../runtime/src/bulk/run.rs")),
    ("bulk/tests.rs", include_str!("../runtime/src/bulk/tests.rs")),
    ("callback.rs", include_str!("../runtime/src/callback.rs")),
    ("cancel.rs", include_str!("../runtime/src/cancel.rs")),
    ("client.rs", include_str!("../runtime/src/client.rs")),
    ("client/redirect.rs", include_str!("../runtime/src/client/redirect.rs")),
    ("client/send.rs", include_str!("../runtime/src/client/send.rs")),
    ("client/settings.rs", include_str!("../runtime/src/client/settings.rs")),
    ("client/tests.rs", include_str!("../runtime/src/client/tests.rs")),
    ("clock.rs", include_str!("../runtime/src/clock.rs")),
    ("enums.rs", include_str!("../runtime/src/enums.rs")),
    ("envelope.rs", include_str!("../runtime/src/envelope.rs")),
    ("error.rs", include_str!("../runtime/src/error.rs")),
    ("error/metadata.rs", include_str!("../runtime/src/error/metadata.rs")),
    ("error/tests.rs", include_str!("../runtime/src/error/tests.rs")),
    ("extras.rs", include_str!("../runtime/src/extras.rs")),
    ("extras/contrast.rs", include_str!("../runtime/src/extras/contrast.rs")),
    ("extras/reported_for.rs", include_str!("../runtime/src/extras/reported_for.rs")),
    ("extras/search.rs", include_str!("../runtime/src/extras/search.rs")),
    ("extras/string_bool.rs", include_str!("../runtime/src/extras/string_bool.rs")),
    ("layers.rs", include_str!("../runtime/src/layers.rs")),
    ("lib.rs", include_str!("../runtime/src/lib.rs")),
    ("multipart.rs", include_str!("../runtime/src/multipart.rs")),
    ("pace.rs", include_str!("../runtime/src/pace.rs")),
    ("pointer.rs", include_str!("../runtime/src/pointer.rs")),
    ("rate_limit.rs", include_str!("../runtime/src/rate_limit.rs")),
    ("response.rs", include_str!("../runtime/src/response.rs")),
    ("retry.rs", include_str!("../runtime/src/retry.rs")),
    ("retry/policy.rs", include_str!("../runtime/src/retry/policy.rs")),
    ("retry/strategy.rs", include_str!("../runtime/src/retry/strategy.rs")),
    ("retry/tests.rs", include_str!("../runtime/src/retry/tests.rs")),
    ("retry/trace.rs", include_str!("../runtime/src/retry/trace.rs")),
    ("secret.rs", include_str!("../runtime/src/secret.rs")),
    ("stream.rs", include_str!("../runtime/src/stream.rs")),
    ("url.rs", include_str!("../runtime/src/url.rs")),
    ("validate.rs", include_str!("../runtime/src/validate.rs")),
    ("wait.rs", include_str!("../runtime/src/wait.rs")),
];

/// The runtime's files as they go under `runtime/src/` of a vendoring
/// crate: exactly as in `esign-runtime/src`, unit tests included (the
/// copy is the crate itself, under another package name; its manifest is
/// `emit`'s `vendored_runtime_toml`).
pub(crate) fn vendored_files() -> impl Iterator<Item = (&'static str, &'static str)> {
    FILES.iter().copied()
}

/// The runtime's package version (`version` in its `[package]`), which a
/// path dependency on it also names so the depending crate can be packaged.
pub(crate) fn runtime_version() -> &'static str {
    let package = MANIFEST.split("\n[").find(|s| s.trim_start().starts_with("package]")).unwrap_or_default();
    package
        .lines()
        .find_map(|line| line.strip_prefix("version = \""))
        .and_then(|rest| rest.strip_suffix('"'))
        .unwrap_or("0.1.0")
}

/// The body of one `[section]` of the runtime's manifest (without the
/// header line), for a vendoring crate's own manifest.
pub(crate) fn manifest_section(section: &str) -> String {
    let header = format!("[{section}]");
    let mut out = String::new();
    let mut inside = false;
    for line in MANIFEST.lines() {
        if line.starts_with('[') {
            inside = line.trim() == header;
            continue;
        }
        if inside && !line.trim().is_empty() {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_runtime_file_is_listed() {
        fn walk(dir: &std::path::Path, prefix: &str, out: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir).expect("the runtime's copy is readable") {
                let entry = entry.expect("entry");
                let name = format!("{prefix}{}", entry.file_name().to_string_lossy());
                if entry.file_type().expect("file type").is_dir() {
                    walk(&entry.path(), &format!("{name}/"), out);
                } else {
                    out.push(name);
                }
            }
        }
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("runtime/src");
        let mut on_disk = Vec::new();
        walk(&dir, "", &mut on_disk);
        on_disk.sort();
        let mut listed: Vec<String> = FILES.iter().map(|(n, _)| (*n).to_owned()).collect();
        listed.sort();
        assert_eq!(listed, on_disk, "list every file of esign-runtime/src in FILES (and run `cargo xtask codegen`)");
    }

    #[test]
    fn the_runtime_version_is_read_from_its_manifest() {
        let version = runtime_version();
        assert!(MANIFEST.contains(&format!("\nversion = \"{version}\"\n")), "{version}");
        assert_eq!(version.split('.').count(), 3, "{version}");
    }

    #[test]
    fn the_manifest_sections_carry_the_dependencies_without_workspace_links() {
        let deps = manifest_section("dependencies");
        assert!(deps.contains("reqwest"), "{deps}");
        assert!(!deps.contains("workspace"), "a vendoring crate cannot inherit from our workspace: {deps}");
        assert!(manifest_section("features").contains("multipart"));
    }
}
