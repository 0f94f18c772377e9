//! The generated crate's `Cargo.toml`: its package, one feature per module
//! (switching on the runtime features that module's spec uses), and the
//! dependency on `esign-runtime` in the form the caller chose.

use crate::ir;
use crate::render;
use crate::{CrateOptions, RuntimeDep};

/// A part of the runtime that only some specs need, and what needs it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RuntimeFeature {
    /// Multipart request bodies.
    Multipart,
    /// Checks by regular expression.
    Patterns,
    /// Parsing and verifying callbacks.
    Webhooks,
    /// Waiters and cancel-and-confirm.
    Waiters,
    /// Streams of pages and items.
    Paginators,
    /// Bulk runs over many ids.
    Bulk,
    /// A search-query builder over typed fields.
    Search,
    /// Colour-contrast checks.
    Contrast,
}

impl RuntimeFeature {
    /// The feature's name in `esign-runtime`.
    pub(crate) fn name(self) -> &'static str {
        match self {
            RuntimeFeature::Multipart => "multipart",
            RuntimeFeature::Patterns => "patterns",
            RuntimeFeature::Webhooks => "webhooks",
            RuntimeFeature::Waiters => "waiters",
            RuntimeFeature::Paginators => "paginators",
            RuntimeFeature::Bulk => "bulk",
            RuntimeFeature::Search => "search",
            RuntimeFeature::Contrast => "contrast",
        }
    }

    /// Dependencies the generated code itself names when the feature is on
    /// (besides the runtime), as Cargo feature entries.
    fn own_dependencies(self) -> &'static [&'static str] {
        match self {
            RuntimeFeature::Multipart => &["reqwest/multipart"],
            RuntimeFeature::Waiters => &["dep:futures-util", "dep:tokio"],
            RuntimeFeature::Paginators => &["dep:futures-util"],
            _ => &[],
        }
    }
}

/// The runtime features one API's generated code uses, in a fixed order.
pub(crate) fn runtime_features(api: &ir::Api) -> Vec<RuntimeFeature> {
    let multipart = |body: &ir::RequestBody| matches!(body.kind, ir::BodyKind::Multipart(_));
    let uses_multipart = api
        .operations
        .iter()
        .any(|op| op.body.as_ref().is_some_and(multipart) || op.multipart_alternative.as_ref().is_some_and(multipart));
    let struct_checks = |check: &dyn Fn(&ir::Struct) -> bool| {
        api.validate && api.types.iter().any(|t| matches!(&t.kind, ir::TypeKind::Struct(s) if check(s)))
    };
    let enum_values = |check: &dyn Fn(&ir::Variant) -> bool| {
        api.types.iter().any(|t| matches!(&t.kind, ir::TypeKind::Enum(e) if e.variants.iter().any(check)))
    };
    let uses_patterns =
        struct_checks(&|s| s.fields.iter().any(|f| f.pattern.is_some())) || enum_values(&|v| v.pattern.is_some());
    let uses_search = api.types.iter().any(|t| {
        matches!(&t.kind, ir::TypeKind::Enum(e)
            if e.repr == ir::EnumRepr::String && e.variants.iter().any(|v| v.value_type.is_some()))
    });
    let uses_contrast = struct_checks(&|s| s.checks.contrast.is_some());
    let checks = [
        (RuntimeFeature::Multipart, uses_multipart),
        (RuntimeFeature::Patterns, uses_patterns),
        (RuntimeFeature::Webhooks, !api.webhooks.is_empty()),
        (RuntimeFeature::Waiters, api.operations.iter().any(|op| !op.waiters.is_empty())),
        (RuntimeFeature::Paginators, api.operations.iter().any(|op| op.paginator.is_some())),
        (RuntimeFeature::Bulk, api.operations.iter().any(|op| op.names.bulk.is_some())),
        (RuntimeFeature::Search, uses_search),
        (RuntimeFeature::Contrast, uses_contrast),
    ];
    checks.into_iter().filter_map(|(feature, used)| used.then_some(feature)).collect()
}

/// The text of the generated `Cargo.toml`.
pub(crate) fn cargo_toml(apis: &[ir::Api], options: &CrateOptions) -> String {
    let sources: Vec<&str> = apis.iter().map(|a| a.source.as_str()).collect();
    let mut out = format!("# {}\n\n", render::banner(&options.command, &sources.join(", ")));
    out.push_str(&format!(
        "[package]\nname = \"{}\"\nversion = \"0.1.0\"\nedition = \"2021\"\nrust-version = \"{}\"\n\
         license = \"MIT OR Apache-2.0\"\ndescription = \"Typed async clients generated from OpenAPI specs\"\n\
         publish = false\n\n",
        options.crate_name,
        crate::RUST_VERSION,
    ));
    let vendored = matches!(options.runtime, RuntimeDep::Vendored);
    out.push_str("[features]\n");
    let modules: Vec<String> = apis.iter().map(|a| format!("\"{}\"", a.feature)).collect();
    out.push_str(&format!("default = [{}]\n", modules.join(", ")));
    let mut used = Vec::new();
    for api in apis {
        let mut needs: Vec<String> = Vec::new();
        for feature in runtime_features(api) {
            let entries = if vendored {
                vec![feature.name().to_owned()]
            } else {
                let mut entries = vec![format!("esign-runtime/{}", feature.name())];
                entries.extend(feature.own_dependencies().iter().map(|d| (*d).to_owned()));
                entries
            };
            for entry in entries {
                let quoted = format!("\"{entry}\"");
                if !needs.contains(&quoted) {
                    needs.push(quoted);
                }
            }
            if !used.contains(&feature) {
                used.push(feature);
            }
        }
        out.push_str(&format!("{} = [{}]\n", api.feature, needs.join(", ")));
    }
    if vendored {
        // The runtime's own features and dependencies, from its manifest.
        for line in crate::runtime_source::manifest_section("features").lines() {
            if !line.trim_start().starts_with("default") {
                out.push_str(line);
                out.push('\n');
            }
        }
        out.push_str("\n[dependencies]\n");
        out.push_str(&crate::runtime_source::manifest_section("dependencies"));
    } else {
        out.push_str("\n[dependencies]\n");
        out.push_str(&match &options.runtime {
            RuntimeDep::Path(path) => format!("esign-runtime = {{ path = \"{}\" }}\n", toml_escape(path)),
            RuntimeDep::Version(version) => format!("esign-runtime = \"{}\"\n", toml_escape(version)),
            RuntimeDep::Vendored => unreachable!("handled above"),
        });
        let needs = |dep: &str| used.iter().any(|f| f.own_dependencies().contains(&dep));
        if needs("dep:futures-util") {
            out.push_str("futures-util = { version = \"0.3\", optional = true }\n");
        }
        out.push_str(
            "reqwest = { version = \"0.12\", default-features = false, features = [\"rustls-tls\"] }\n\
             serde = { version = \"1\", features = [\"derive\"] }\n\
             serde_json = \"1\"\n",
        );
        if needs("dep:tokio") {
            out.push_str("tokio = { version = \"1\", features = [\"sync\"], optional = true }\n");
        }
    }
    if options.standalone {
        out.push_str("\n[workspace]\n");
    }
    out
}

fn toml_escape(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "\\\"")
}
