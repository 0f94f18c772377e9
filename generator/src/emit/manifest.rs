//! The generated crate's `Cargo.toml`: its package, one feature per module
//! (switching on the runtime features that module's spec uses), and the
//! dependency on `esign-runtime` in the form the caller chose; and the
//! README of a standalone crate. The runtime features each module needs
//! were decided while lowering (`Api::runtime_features`); here they are
//! only named.

use crate::ir::{self, RuntimeFeature};
use crate::render;

#[cfg(test)]
mod tests {
    use super::semver;

    #[test]
    fn spec_versions_become_cargo_versions() {
        assert_eq!(semver("2.1.0").as_deref(), Some("2.1.0"));
        assert_eq!(semver("v2.1.0").as_deref(), Some("2.1.0"));
        assert_eq!(semver("3.0").as_deref(), Some("3.0.0"));
        assert_eq!(semver("1").as_deref(), Some("1.0.0"));
        assert_eq!(semver("1.2.3-beta.1").as_deref(), Some("1.2.3-beta.1"));
        assert_eq!(semver("2024-01-01"), None);
        assert_eq!(semver("01.2"), None);
        assert_eq!(semver("beta"), None);
        assert_eq!(semver("1.2.3.4"), None);
        assert_eq!(semver(""), None);
    }
}

/// What the manifest and README say about the crate, as the caller chose
/// it (lib.rs hands these over from its own options).
#[derive(Clone, Copy, Debug)]
pub(crate) struct ManifestOptions<'a> {
    /// The package name (`esign-client`).
    pub(crate) crate_name: &'a str,
    /// The command named in banners.
    pub(crate) command: &'a str,
    /// An empty `[workspace]` is added.
    pub(crate) standalone: bool,
    /// The package may be published (metadata and README).
    pub(crate) publish: bool,
    /// The package version, when the caller set one.
    pub(crate) crate_version: Option<&'a str>,
    /// Where the runtime comes from.
    pub(crate) runtime: RuntimeSource<'a>,
}

/// How the generated crate depends on `esign-runtime`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RuntimeSource<'a> {
    /// A path dependency, written as given.
    Path(&'a str),
    /// A registry dependency of this version requirement.
    Version(&'a str),
    /// The runtime crate copied into `runtime/`.
    Vendored,
}

/// A runtime feature's name in `esign-runtime`.
fn feature_name(feature: RuntimeFeature) -> &'static str {
    match feature {
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

/// Dependencies the generated code itself names when a runtime feature is
/// on (besides the runtime), as Cargo feature entries.
fn own_dependencies(feature: RuntimeFeature) -> &'static [&'static str] {
    match feature {
        RuntimeFeature::Multipart => &["reqwest/multipart"],
        RuntimeFeature::Waiters => &["dep:futures-util", "dep:tokio"],
        RuntimeFeature::Paginators => &["dep:futures-util"],
        _ => &[],
    }
}

/// The text of the generated `Cargo.toml`.
pub(crate) fn cargo_toml(apis: &[ir::Api], options: &ManifestOptions<'_>) -> String {
    let sources: Vec<&str> = apis.iter().map(|a| a.source.as_str()).collect();
    let mut out = format!("# {}\n\n", render::banner(options.command, &sources.join(", ")));
    let package = Package::of(apis, options);
    out.push_str(&format!(
        "[package]\nname = \"{}\"\nversion = \"{}\"\nedition = \"2021\"\nrust-version = \"{}\"\n",
        options.crate_name,
        toml_escape(&package.version),
        crate::RUST_VERSION,
    ));
    if let Some(license) = &package.license {
        out.push_str(&format!("license = \"{}\"\n", toml_escape(license)));
    }
    out.push_str(&format!("description = \"{}\"\n", toml_escape(&package.description)));
    if options.publish {
        // What a registry shows and packs: the README, words to find it by
        // (the generic ones, then each API's feature name), and only the
        // crate's own files.
        let mut keywords: Vec<String> = vec!["openapi".to_owned(), "api-client".to_owned()];
        for api in apis {
            if keywords.len() < 5 && api.feature.len() <= 20 && !keywords.contains(&api.feature) {
                keywords.push(api.feature.clone());
            }
        }
        let keywords: Vec<String> = keywords.iter().map(|k| format!("\"{k}\"")).collect();
        out.push_str(&format!(
            "readme = \"README.md\"\ndocumentation = \"https://docs.rs/{}\"\nkeywords = [{}]\ncategories = [\"api-bindings\", \"web-programming::http-client\"]\n\
             include = [\"Cargo.toml\", \"README.md\", \"src/**/*.rs\"]\n",
            options.crate_name,
            keywords.join(", ")
        ));
    } else {
        out.push_str("publish = false\n");
    }
    out.push('\n');
    if options.publish {
        out.push_str(
            "[package.metadata.docs.rs]\n# Every module and the runtime's tracing on docs, each item marked with the\n\
             # feature it needs.\nall-features = true\nrustdoc-args = [\"--cfg\", \"docsrs\"]\n\n",
        );
    }
    out.push_str("[features]\n");
    let modules: Vec<String> = apis.iter().map(|a| format!("\"{}\"", a.feature)).collect();
    out.push_str(&format!("default = [{}]\n", modules.join(", ")));
    let mut used = Vec::new();
    for api in apis {
        let mut needs: Vec<String> = Vec::new();
        for &feature in &api.runtime_features {
            let mut entries = vec![format!("esign-runtime/{}", feature_name(feature))];
            entries.extend(own_dependencies(feature).iter().map(|d| (*d).to_owned()));
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
    out.push_str(
        "# Tracing spans and events from the runtime (off by default).\ntracing = [\"esign-runtime/tracing\"]\n",
    );
    out.push_str("\n[dependencies]\n");
    let version = crate::runtime_source::runtime_version();
    out.push_str(&match options.runtime {
        // The version too, so the crate can be packaged: the registry
        // copy of the runtime this generator carries.
        RuntimeSource::Path(path) => {
            format!("esign-runtime = {{ path = \"{}\", version = \"{version}\" }}\n", toml_escape(path))
        }
        RuntimeSource::Version(version) => format!("esign-runtime = \"{}\"\n", toml_escape(version)),
        // The runtime crate copied into `runtime/`, under a name of its own
        // so it never collides with another copy or the registry's.
        RuntimeSource::Vendored => format!(
            "# The runtime, copied into runtime/ (the crate esign-runtime as it is).\n\
             esign-runtime = {{ package = \"{}\", path = \"runtime\", version = \"{version}\" }}\n",
            vendored_runtime_name(options.crate_name)
        ),
    });
    let needs = |dep: &str| used.iter().any(|&f| own_dependencies(f).contains(&dep));
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
    // The quick start on the front page is a program: `#[tokio::main]`.
    out.push_str(
        "\n[dev-dependencies]\n# The doc examples' async runtime.\n\
         tokio = { version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }\n",
    );
    if options.standalone {
        out.push_str("\n[workspace]\n");
    }
    out
}

/// The package name of a vendored runtime copy (`runtime/` of the crate).
pub(crate) fn vendored_runtime_name(crate_name: &str) -> String {
    format!("{crate_name}-runtime")
}

/// The manifest of the runtime copied into `runtime/` of a vendoring crate
/// (`--vendor-runtime`): esign-runtime's own features and dependencies,
/// under the vendoring crate's name, its library still `esign_runtime`.
pub(crate) fn vendored_runtime_toml(options: &ManifestOptions<'_>) -> String {
    let mut out = format!("# {}\n\n", render::banner(options.command, "esign-runtime/Cargo.toml"));
    out.push_str(&format!(
        "[package]\nname = \"{}\"\nversion = \"{}\"\nedition = \"2021\"\nrust-version = \"{}\"\n\
         license = \"MIT OR Apache-2.0\"\n\
         description = \"esign-runtime, the runtime of the clients esign-codegen generates, copied for {}\"\n\
         publish = false\n\n[lib]\nname = \"esign_runtime\"\npath = \"src/lib.rs\"\n\n[features]\n",
        vendored_runtime_name(options.crate_name),
        crate::runtime_source::runtime_version(),
        crate::RUST_VERSION,
        options.crate_name,
    ));
    out.push_str(&crate::runtime_source::manifest_section("features"));
    out.push_str("\n[dependencies]\n");
    out.push_str(&crate::runtime_source::manifest_section("dependencies"));
    // The runtime's unit tests, which travel with it.
    out.push_str(
        "\n[dev-dependencies]\ntokio = { version = \"1\", features = [\"macros\", \"rt-multi-thread\", \"net\", \"sync\", \"time\", \"test-util\"] }\n",
    );
    out
}

/// What the manifest says about the package.
pub(crate) struct Package {
    pub(crate) version: String,
    pub(crate) description: String,
    pub(crate) license: Option<String>,
}

impl Package {
    /// The repository's own crates keep the workspace's terms; a standalone
    /// crate from one spec takes its version, title and licence from the
    /// spec's `info` (the version as semver, else `0.1.0`); `--crate-version`
    /// overrides the version.
    pub(crate) fn of(apis: &[ir::Api], options: &ManifestOptions<'_>) -> Package {
        let single = match apis {
            [api] if options.standalone => Some(api),
            _ => None,
        };
        let version = options
            .crate_version
            .map(str::to_owned)
            .or_else(|| single.and_then(|api| semver(&api.version)))
            .unwrap_or_else(|| "0.1.0".to_owned());
        let description = match single {
            Some(api) => format!("Typed async Rust client for {}", label(api)),
            None => "Typed async clients generated from OpenAPI specs".to_owned(),
        };
        let license = match single {
            Some(api) => api.license.clone(),
            None if options.standalone => None,
            None => Some("MIT OR Apache-2.0".to_owned()),
        };
        Package { version, description, license }
    }
}

/// A spec's `info.version` as a Cargo version: `2.1.0` and `v2.1.0` as
/// they are, `3.0` as `3.0.0`, `1` as `1.0.0`; anything else (`2024-01-01`,
/// `beta`) is `None`.
fn semver(version: &str) -> Option<String> {
    let version = version.trim().trim_start_matches('v');
    let (core, rest) = match version.find(['-', '+']) {
        Some(at) => version.split_at(at),
        None => (version, ""),
    };
    let numbers: Vec<&str> = core.split('.').collect();
    let numeric =
        |n: &&str| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()) && (n.len() == 1 || !n.starts_with('0'));
    if numbers.is_empty() || numbers.len() > 3 || !numbers.iter().all(numeric) {
        return None;
    }
    // `1.2.3-beta` is semver; `2024-01-01` is a date, not `2024.0.0-01-01`.
    if !rest.is_empty() && numbers.len() != 3 {
        return None;
    }
    let tail_ok =
        rest.chars().skip(1).all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+')) && rest.len() != 1;
    if !tail_ok {
        return None;
    }
    let mut parts: Vec<&str> = numbers;
    parts.resize(3, "0");
    Some(format!("{}{rest}", parts.join(".")))
}

/// The README of a standalone crate: what it is, its modules and features,
/// and how to start.
pub(crate) fn readme(apis: &[ir::Api], options: &ManifestOptions<'_>) -> String {
    let package = Package::of(apis, options);
    let lib = options.crate_name.replace('-', "_");
    let sources: Vec<&str> = apis.iter().map(|a| a.source.as_str()).collect();
    let mut out = format!("<!-- {} -->\n\n", render::banner(options.command, &sources.join(", ")));
    out.push_str(&format!("# {}\n\n{}.\n\n", options.crate_name, package.description));
    out.push_str(&format!(
        "Generated by esign-codegen from {}. Do not edit it by hand: change the spec and generate again.\n\n",
        sources.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ")
    ));
    out.push_str(
        "## Modules and features\n\nEach API is a module behind the Cargo feature named beside it, on by default:\n\n",
    );
    for api in apis {
        let parts: Vec<&str> = api.runtime_features.iter().map(|&f| feature_name(f)).collect();
        let uses = if parts.is_empty() {
            String::new()
        } else {
            format!(" It switches on the runtime's {}.", parts.join(", "))
        };
        out.push_str(&format!(
            "- `{}` (feature `{}`): {}, {} operations.{uses}\n",
            api.module,
            api.feature,
            label(api),
            api.operations.len()
        ));
    }
    let runtime = match options.runtime {
        RuntimeSource::Vendored => {
            "the `esign-runtime` crate as it is, copied into `runtime/` (package `{}`), re-exported as `runtime`"
                .replace("{}", &vendored_runtime_name(options.crate_name))
        }
        _ => "the `esign-runtime` crate, re-exported as `runtime`".to_owned(),
    };
    out.push_str(&format!(
        "\nWhat every module shares (credentials that never print, the error type, retries) is {runtime}.\n\n"
    ));
    if let Some(api) = super::quick_start::main_api(apis) {
        out.push_str(&format!("## Using it\n\n{}\n", super::quick_start::quick_start(&lib, api)));
    }
    out
}

fn toml_escape(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "\\\"")
}

/// The API's title and version, either of which may be empty.
pub(super) fn label(api: &ir::Api) -> String {
    format!("{} {}", api.title.trim(), api.version.trim()).trim().to_owned()
}
