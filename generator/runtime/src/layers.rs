//! The check that keeps the runtime's modules in layers (see the crate
//! docs): each module names (`crate::m`, `super::m`) only modules of
//! lower layers, so no import circle can form; and no file grows past
//! [`MAX_LINES`], so each stays about one job. It reads the sources, so
//! it holds for the vendored copy too.

use std::collections::BTreeMap;
use std::path::Path;

/// The layers, lowest first: a module may reach the modules of the layers
/// below its own, never one of its own layer or above. The crate docs
/// list the same layers.
const LAYERS: &[&[&str]] = &[
    &["clock", "secret", "url", "enums", "validate", "multipart", "wait"],
    &["pointer", "envelope", "rate_limit"],
    &["error"],
    &["budget", "response", "stream", "cancel", "pace"],
    &["callback", "retry"],
    &["client"],
    &["bulk"],
    // The provider layer: above every generic module, so none can name it.
    &["extras"],
];

/// The layer of each top-level module.
fn layer_of() -> BTreeMap<&'static str, usize> {
    LAYERS.iter().enumerate().flat_map(|(i, layer)| layer.iter().map(move |m| (*m, i))).collect()
}

/// Every `.rs` file under `dir`, with the top-level module it belongs to
/// (the crate root and this check left out).
fn sources(dir: &Path, top: Option<&str>, out: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(dir).expect("the sources are readable") {
        let entry = entry.expect("entry");
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        if path.is_dir() {
            sources(&path, Some(top.unwrap_or(&name)), out);
        } else if let Some(stem) = name.strip_suffix(".rs") {
            if top.is_none() && (stem == "lib" || stem == "layers") {
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("a source is readable");
            out.push((top.unwrap_or(stem).to_owned(), text));
        }
    }
}

/// The most lines a runtime source file may have, tests included.
const MAX_LINES: usize = 600;

/// Every `.rs` file under `dir` with its line count.
fn line_counts(dir: &Path, out: &mut Vec<(String, usize)>) {
    for entry in std::fs::read_dir(dir).expect("the sources are readable") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            line_counts(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).expect("a source is readable");
            out.push((path.display().to_string(), text.lines().count()));
        }
    }
}

#[test]
fn no_file_is_over_the_line_limit() {
    let mut files = Vec::new();
    line_counts(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut files);
    assert!(files.len() > 20, "the walk found the sources: {files:?}");
    let long: Vec<_> = files.iter().filter(|(_, n)| *n > MAX_LINES).collect();
    assert!(long.is_empty(), "split these by job (at most {MAX_LINES} lines each): {long:?}");
}

/// The top-level modules a file's code names through `crate::` or
/// `super::` (doc comments and comments left out).
fn named_modules<'a>(text: &str, modules: &BTreeMap<&'a str, usize>) -> Vec<&'a str> {
    let mut found = Vec::new();
    for line in text.lines().map(str::trim_start).filter(|l| !l.starts_with("//")) {
        for prefix in ["crate::", "super::"] {
            for (at, _) in line.match_indices(prefix) {
                let rest = &line[at + prefix.len()..];
                let name: String = rest.chars().take_while(|c| c.is_ascii_lowercase() || *c == '_').collect();
                if let Some((module, _)) = modules.get_key_value(name.as_str()) {
                    found.push(*module);
                }
            }
        }
    }
    found
}

#[test]
fn every_module_is_in_a_layer() {
    let layers = layer_of();
    let mut files = Vec::new();
    sources(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), None, &mut files);
    for (module, _) in &files {
        assert!(layers.contains_key(module.as_str()), "put module `{module}` in a layer of src/layers.rs");
    }
    assert_eq!(layers.len(), LAYERS.iter().map(|l| l.len()).sum::<usize>(), "a module is listed twice");
}

#[test]
fn modules_reach_only_lower_layers() {
    let layers = layer_of();
    let mut files = Vec::new();
    sources(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), None, &mut files);
    let mut wrong = Vec::new();
    for (module, text) in &files {
        let own = layers[module.as_str()];
        for named in named_modules(text, &layers) {
            if named != module && layers[named] >= own {
                wrong.push(format!("{module} (layer {own}) names {named} (layer {})", layers[named]));
            }
        }
    }
    wrong.sort();
    wrong.dedup();
    assert!(wrong.is_empty(), "modules reaching sideways or up:\n{}", wrong.join("\n"));
}

#[test]
fn the_scan_sees_both_path_forms() {
    let layers = layer_of();
    let text = "use crate::error::Error;\n    use super::super::pace::Pacer;\n/// [`crate::client`]\nlet x = y;";
    assert_eq!(named_modules(text, &layers), ["error", "pace"]);
}
