//! esign-codegen: OpenAPI 3.0, 3.1 and Swagger 2.0 specs -> a typed async Rust client crate.
//!
//! The pipeline, one module a stage: [`load`] (text -> `openapiv3` model),
//! [`lower`] (model -> [`ir`], every name from [`naming`]), `emit` (IR ->
//! tokens), [`render`] (tokens -> formatted text with a banner), and
//! [`write`](mod@write) (files on disk, or a check that they are fresh).

pub mod cli;
pub mod error;
pub mod ir;
pub mod load;
pub mod lower;
pub mod naming;
pub mod render;
pub mod write;

mod emit;
mod runtime_source;

pub use error::{Error, ErrorKind, Location, Warning};
pub use lower::{lower_document, OnUnsupported};

use std::path::{Path, PathBuf};

/// The `rust-version` written into generated crates: the oldest Rust the
/// runtime and its locked dependencies build with.
pub const RUST_VERSION: &str = "1.88";

/// The stack of every thread that generates: specs nest deeply and debug
/// builds use big frames.
const GENERATOR_STACK: usize = 256 << 20;

/// How a generated crate gets the runtime (`esign-runtime`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RuntimeDep {
    /// A path dependency, written as given (relative to the generated crate).
    Path(String),
    /// A registry dependency of this version requirement.
    Version(String),
    /// The runtime's sources copied in as `src/runtime/`, for a crate that
    /// must stand alone.
    Vendored,
}

/// One spec to generate from.
#[derive(Clone, Debug)]
pub struct SpecInput {
    /// Where to read it.
    pub path: PathBuf,
    /// How banners and messages name it (`specs/dropbox-sign.yaml`).
    pub display_name: String,
}

impl SpecInput {
    /// A spec read from `path`, named as given.
    pub fn new(path: impl Into<PathBuf>, display_name: impl Into<String>) -> Self {
        SpecInput { path: path.into(), display_name: display_name.into() }
    }

    fn stem(&self) -> &str {
        file_stem(&self.display_name)
    }
}

/// The file name of a spec without folders and extensions
/// (`specs/dropbox-sign.yaml` -> `dropbox-sign`): what names its module.
pub fn file_stem(name: &str) -> &str {
    let file = name.rsplit('/').next().unwrap_or(name);
    file.split('.').next().unwrap_or(file)
}

/// How to shape the generated crate.
#[derive(Clone, Debug)]
pub struct CrateOptions {
    /// The package name (`esign-client`).
    pub crate_name: String,
    /// The command named in every banner (`cargo xtask codegen`).
    pub command: String,
    /// Add an empty `[workspace]` so the crate builds on its own anywhere.
    pub standalone: bool,
    /// Whether the package may be published: `false` writes `publish =
    /// false`; `true` writes the metadata and the README a registry shows.
    pub publish: bool,
    /// What to do with operations the generator cannot emit.
    pub on_unsupported: OnUnsupported,
    /// Where the runtime comes from.
    pub runtime: RuntimeDep,
    /// The package version; `None` takes a standalone single-spec crate's
    /// from the spec's `info.version` (as semver), else `0.1.0`.
    pub crate_version: Option<String>,
    /// Markdown added to the crate's front page (its `lib.rs` docs) after
    /// the generated quick start and feature table: what the specs cannot
    /// say (a companion crate for tests, say).
    pub front_page: Option<String>,
}

impl CrateOptions {
    /// What emit needs of these options to write the manifest and README.
    fn manifest(&self) -> emit::ManifestOptions<'_> {
        emit::ManifestOptions {
            crate_name: &self.crate_name,
            command: &self.command,
            standalone: self.standalone,
            publish: self.publish,
            crate_version: self.crate_version.as_deref(),
            runtime: match &self.runtime {
                RuntimeDep::Path(path) => emit::RuntimeSource::Path(path),
                RuntimeDep::Version(version) => emit::RuntimeSource::Version(version),
                RuntimeDep::Vendored => emit::RuntimeSource::Vendored,
            },
        }
    }
}

/// One generated file, its path relative to the crate root.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GeneratedFile {
    /// Relative path (`src/dropbox_sign/mod.rs`).
    pub path: PathBuf,
    /// Full contents.
    pub contents: String,
}

/// Per-spec figures, for reports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpecReport {
    /// The spec's display name.
    pub spec: String,
    /// Operations in the spec.
    pub operations_in_spec: usize,
    /// Methods generated.
    pub methods_generated: usize,
    /// Named types generated.
    pub types_generated: usize,
}

/// A generated crate, in memory.
#[derive(Debug)]
pub struct Generated {
    /// Every file of the crate.
    pub files: Vec<GeneratedFile>,
    /// Problems worked around, for stderr.
    pub warnings: Vec<Warning>,
    /// Operations skipped under [`OnUnsupported::Skip`], with the reason.
    pub skipped: Vec<Error>,
    /// Per-spec operation counts.
    pub reports: Vec<SpecReport>,
}

/// Loads and lowers one spec.
pub fn lower_spec(spec: &SpecInput, on_unsupported: OnUnsupported) -> Result<lower::Lowered, Error> {
    let doc = load::load_file(&spec.path, &spec.display_name)?;
    lower_document(&doc, spec.stem(), on_unsupported).map(|mut lowered| {
        let mut warnings = doc.warnings;
        warnings.append(&mut lowered.warnings);
        lowered.warnings = warnings;
        lowered
    })
}

/// Generates a whole crate from specs. Nothing is written: either every
/// spec succeeds and all files are returned, or the first error is.
pub fn generate_crate(specs: &[SpecInput], options: &CrateOptions) -> Result<Generated, Error> {
    check_crate_name(&options.crate_name)?;
    // The path as given, folders included: which file could not be read.
    let io_error = |spec: &SpecInput, err: std::io::Error| {
        Error::new(
            ErrorKind::Io,
            Location { file: spec.path.display().to_string(), ..Location::default() },
            err.to_string(),
        )
    };
    // A missing file is reported before any spec is worked on.
    for spec in specs {
        std::fs::metadata(&spec.path).map_err(|err| io_error(spec, err))?;
    }
    // Each file is read just before it is loaded, and its bytes dropped
    // once its tree is made.
    let read = |index: usize| -> Result<(String, std::borrow::Cow<'_, [u8]>), Error> {
        let spec = &specs[index];
        let bytes = std::fs::read(&spec.path).map_err(|err| io_error(spec, err))?;
        Ok((spec.display_name.clone(), std::borrow::Cow::Owned(bytes)))
    };
    on_generator_thread(specs.len(), &read, options)
}

/// Checks a package name against cargo's rules, so a crate is never
/// written with a `Cargo.toml` cargo refuses: 1 to 64 ASCII letters,
/// digits, `-` and `_`, starting with a letter, and not a Rust keyword or a
/// name the toolchain reserves.
pub fn check_crate_name(name: &str) -> Result<(), Error> {
    const RESERVED: &[&str] =
        &["std", "core", "alloc", "proc_macro", "proc-macro", "test", "build", "deps", "examples"];
    let refuse = |why: String| {
        Error::new(
            ErrorKind::Option,
            Location { file: "crate name".to_owned(), ..Location::default() },
            format!("`{name}` is not a valid package name: {why}"),
        )
    };
    if name.is_empty() || name.len() > 64 {
        return Err(refuse("it must be 1 to 64 characters long".to_owned()));
    }
    if let Some(bad) = name.chars().find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_')) {
        return Err(refuse(format!(
            "`{}` is not allowed (only ASCII letters, digits, `-` and `_`)",
            bad.escape_default()
        )));
    }
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return Err(refuse("it must start with a letter".to_owned()));
    }
    if naming::is_keyword(name) || RESERVED.contains(&name) {
        return Err(refuse("it is a Rust keyword or a name the toolchain reserves".to_owned()));
    }
    Ok(())
}

/// [`generate_crate`] from spec contents already in memory: pairs of
/// display name (whose file stem names the module) and bytes.
pub fn generate_crate_from_bytes(sources: &[(String, Vec<u8>)], options: &CrateOptions) -> Result<Generated, Error> {
    check_crate_name(&options.crate_name)?;
    let read = |index: usize| -> Result<(String, std::borrow::Cow<'_, [u8]>), Error> {
        let (name, bytes) = &sources[index];
        Ok((name.clone(), std::borrow::Cow::Borrowed(bytes.as_slice())))
    };
    on_generator_thread(sources.len(), &read, options)
}

/// The `count` specs `read` gives (by index), name and bytes.
type SpecReader<'a> = dyn Fn(usize) -> Result<(String, std::borrow::Cow<'a, [u8]>), Error> + Sync + 'a;

/// Specs nest deeply and debug builds use big stack frames: the work runs
/// on a thread whose stack does not depend on the caller's.
fn on_generator_thread(count: usize, read: &SpecReader<'_>, options: &CrateOptions) -> Result<Generated, Error> {
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("esign-codegen".to_owned())
            .stack_size(GENERATOR_STACK)
            .spawn_scoped(scope, || generate_on_this_thread(count, read, options))
            .map_err(|err| {
                Error::new(ErrorKind::Io, Location::default(), format!("cannot start the generator thread: {err}"))
            })?
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

fn generate_on_this_thread(count: usize, read: &SpecReader<'_>, options: &CrateOptions) -> Result<Generated, Error> {
    let mut apis = Vec::with_capacity(count);
    let mut warnings = Vec::new();
    let mut skipped = Vec::new();
    let mut reports = Vec::new();
    for index in 0..count {
        let (name, bytes) = read(index)?;
        let doc = load::load_bytes(&name, &bytes)?;
        drop(bytes);
        let operations_in_spec =
            doc.api.paths.paths.values().filter_map(|p| p.as_item()).map(|p| p.iter().count()).sum();
        let mut lowered = lower_document(&doc, file_stem(&name), options.on_unsupported)?;
        drop(doc.api);
        drop(doc.raw);
        warnings.extend(doc.warnings);
        warnings.append(&mut lowered.warnings);
        skipped.append(&mut lowered.skipped);
        reports.push(SpecReport {
            spec: name,
            operations_in_spec,
            methods_generated: lowered.api.operations.len(),
            types_generated: lowered.api.types.len(),
        });
        apis.push(lowered.api);
    }
    check_module_names(&apis)?;
    let files = emit_crate(&apis, options)?;
    Ok(Generated { files, warnings, skipped, reports })
}

/// `f` over `items` on up to as many threads as the machine has cores,
/// results in the items' order. Each thread gets the generator's large
/// stack (emitting nests as deep as the spec does).
fn parallel_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(1, usize::from).min(items.len());
    if threads <= 1 {
        return items.iter().map(&f).collect();
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut results: Vec<(usize, R)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                std::thread::Builder::new().stack_size(GENERATOR_STACK).spawn_scoped(scope, || {
                    let mut done = Vec::new();
                    loop {
                        let index = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(item) = items.get(index) else { break };
                        done.push((index, f(item)));
                    }
                    done
                })
            })
            .collect();
        let mut results = Vec::with_capacity(items.len());
        let mut unstarted = false;
        for worker in workers {
            match worker {
                Ok(handle) => results.extend(handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))),
                Err(_) => unstarted = true,
            }
        }
        // A thread that could not start leaves its share to this one.
        if unstarted {
            let seen: std::collections::BTreeSet<usize> = results.iter().map(|(i, _)| *i).collect();
            for (index, item) in items.iter().enumerate().filter(|(i, _)| !seen.contains(i)) {
                results.push((index, f(item)));
            }
        }
        results
    });
    results.sort_by_key(|(index, _)| *index);
    results.into_iter().map(|(_, r)| r).collect()
}

/// A crate this repository generates and checks in.
#[derive(Clone, Copy, Debug)]
pub struct RepoCrate {
    /// Where it goes, relative to the workspace root.
    pub dir: &'static str,
    /// The folder of specs it comes from.
    pub specs: &'static str,
    /// Its package name.
    pub crate_name: &'static str,
    /// Whether it is published (the client is; the fixtures are not).
    pub publish: bool,
    /// A Markdown file (relative to the workspace root) added to the
    /// crate's front page: [`CrateOptions::front_page`].
    pub front_page: Option<&'static str>,
}

/// The repository's own jobs: the client from `specs/`, and the crate of
/// fixture specs the integration tests drive.
pub const REPO_CRATES: &[RepoCrate] = &[
    RepoCrate {
        dir: "generated",
        specs: "specs",
        crate_name: "esign-client",
        publish: true,
        front_page: Some("specs/front-page.md"),
    },
    RepoCrate {
        dir: "tests/fixtures-client",
        specs: "tests/fixtures",
        crate_name: "esign-fixtures",
        publish: false,
        front_page: None,
    },
];

/// Generates one of [`REPO_CRATES`] from every spec in its folder, sorted
/// by file name.
pub fn repo_crate(root: &Path, job: &RepoCrate, on_unsupported: OnUnsupported) -> Result<Generated, Error> {
    let dir = root.join(job.specs);
    let entries = std::fs::read_dir(&dir).map_err(|err| {
        Error::new(ErrorKind::Io, Location { file: format!("{}/", job.specs), ..Location::default() }, err.to_string())
    })?;
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yaml") || n.ends_with(".yml") || n.ends_with(".json"))
        .collect();
    names.sort();
    let specs: Vec<SpecInput> =
        names.iter().map(|n| SpecInput::new(dir.join(n), format!("{}/{n}", job.specs))).collect();
    let front_page = match job.front_page {
        Some(file) => Some(std::fs::read_to_string(root.join(file)).map_err(|err| {
            Error::new(ErrorKind::Io, Location { file: file.to_owned(), ..Location::default() }, err.to_string())
        })?),
        None => None,
    };
    let options = CrateOptions {
        crate_name: job.crate_name.to_owned(),
        command: "cargo xtask codegen".to_owned(),
        standalone: false,
        publish: job.publish,
        on_unsupported,
        runtime: RuntimeDep::Path(format!("{}esign-runtime", "../".repeat(Path::new(job.dir).components().count()))),
        crate_version: None,
        front_page,
    };
    generate_crate(&specs, &options)
}

/// Where the generator's package keeps its copy of the runtime, relative
/// to the workspace root: what `--vendor-runtime` writes, carried inside
/// the package so it can be published.
pub const RUNTIME_COPY_DIR: &str = "generator/runtime";

/// The files of that copy, as they must be: `esign-runtime/Cargo.toml` as
/// `manifest.toml` (a `Cargo.toml` would make the folder a package of its
/// own, which packaging leaves out) and every file of `esign-runtime/src`.
pub fn runtime_copy(root: &Path) -> Result<Vec<GeneratedFile>, Error> {
    let read = |relative: &str| {
        std::fs::read_to_string(root.join(relative)).map_err(|err| {
            Error::new(ErrorKind::Io, Location { file: relative.to_owned(), ..Location::default() }, err.to_string())
        })
    };
    let mut files =
        vec![GeneratedFile { path: PathBuf::from("manifest.toml"), contents: read("esign-runtime/Cargo.toml")? }];
    // Every file under `src/`, folders of submodules included, in path order.
    let mut names = Vec::new();
    runtime_sources(&root.join("esign-runtime/src"), "", &mut names)?;
    names.sort();
    for name in names {
        let relative = format!("esign-runtime/src/{name}");
        files.push(GeneratedFile { path: Path::new("src").join(&name), contents: read(&relative)? });
    }
    Ok(files)
}

/// The files under `dir` (the runtime's `src/`), as `/`-separated paths
/// after `prefix`.
fn runtime_sources(dir: &Path, prefix: &str, names: &mut Vec<String>) -> Result<(), Error> {
    let io = |err: std::io::Error| {
        Error::new(
            ErrorKind::Io,
            Location { file: format!("esign-runtime/src/{prefix}"), ..Location::default() },
            err.to_string(),
        )
    };
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let entry = entry.map_err(io)?;
        let name = format!("{prefix}{}", entry.file_name().to_string_lossy());
        if entry.file_type().map_err(io)?.is_dir() {
            runtime_sources(&entry.path(), &format!("{name}/"), names)?;
        } else {
            names.push(name);
        }
    }
    Ok(())
}

fn check_module_names(apis: &[ir::Api]) -> Result<(), Error> {
    for (i, api) in apis.iter().enumerate() {
        if api.module == "runtime" {
            return Err(Error::new(
                ErrorKind::Unsupported,
                Location { file: api.source.clone(), ..Location::default() },
                "a spec named `runtime` would collide with the runtime module; rename the file",
            ));
        }
        if let Some(other) = apis[..i].iter().find(|a| a.module == api.module) {
            return Err(Error::new(
                ErrorKind::Unsupported,
                Location { file: api.source.clone(), ..Location::default() },
                format!("module `{}` is also generated from {}; rename one of the files", api.module, other.source),
            ));
        }
    }
    Ok(())
}

/// How many operations, or types, one emit job prints: enough that a
/// job's overhead is small, few enough that a big module spreads over the
/// cores.
const ITEMS_PER_JOB: usize = 256;

/// A piece of emitting: a run of a module's types or of its operations.
enum EmitJob {
    Types(usize, std::ops::Range<usize>),
    Operations(usize, std::ops::Range<usize>),
}

/// What an [`EmitJob`] printed.
enum EmitDone {
    Types(String),
    Operations(emit::OperationTexts),
}

/// `0..count` in runs of [`ITEMS_PER_JOB`].
fn runs(count: usize) -> impl Iterator<Item = std::ops::Range<usize>> {
    (0..count.div_ceil(ITEMS_PER_JOB)).map(move |run| run * ITEMS_PER_JOB..count.min((run + 1) * ITEMS_PER_JOB))
}

/// Emits and renders every file of the crate.
pub fn emit_crate(apis: &[ir::Api], options: &CrateOptions) -> Result<Vec<GeneratedFile>, Error> {
    let internal = |source: &str, message: String| {
        Error::new(ErrorKind::Unsupported, Location { file: source.to_owned(), ..Location::default() }, message)
    };
    let sources: Vec<&str> = apis.iter().map(|a| a.source.as_str()).collect();
    let all_sources = if sources.is_empty() { "no specs".to_owned() } else { sources.join(", ") };
    let vendored = options.runtime == RuntimeDep::Vendored;
    let manifest = options.manifest();
    let mut files =
        vec![GeneratedFile { path: PathBuf::from("Cargo.toml"), contents: emit::cargo_toml(apis, &manifest) }];
    if options.standalone || options.publish {
        files.push(GeneratedFile { path: PathBuf::from("README.md"), contents: emit::readme(apis, &manifest) });
    }
    files.push(GeneratedFile {
        path: PathBuf::from("src/lib.rs"),
        contents: render::rust_file(
            emit::lib_file(&options.crate_name, apis, vendored, options.front_page.as_deref()),
            &render::banner(&options.command, &all_sources),
        )
        .map_err(|m| internal(&all_sources, m))?,
    });
    if vendored {
        // The runtime crate as it is, under `runtime/`.
        files.push(GeneratedFile {
            path: PathBuf::from("runtime/Cargo.toml"),
            contents: emit::vendored_runtime_toml(&manifest),
        });
        for (name, text) in runtime_source::vendored_files() {
            files.push(GeneratedFile { path: Path::new("runtime/src").join(name), contents: text.to_owned() });
        }
    }
    // The modules' files are the bulk of the work: each module's types and
    // operations, in runs of `ITEMS_PER_JOB`, are emitted and printed as
    // jobs spread over the machine's cores. Results keep their order, so
    // the output does not depend on the schedule.
    let lib = options.crate_name.replace('-', "_");
    let clients: Vec<emit::ClientFile<'_>> = apis.iter().map(|api| emit::ClientFile::new(api, &lib)).collect();
    let types: Vec<emit::TypesFile<'_>> = apis.iter().map(emit::TypesFile::new).collect();
    let mut jobs: Vec<EmitJob> = Vec::new();
    for (index, api) in apis.iter().enumerate() {
        jobs.extend(runs(api.types.len()).map(|range| EmitJob::Types(index, range)));
        jobs.extend(runs(api.operations.len()).map(|range| EmitJob::Operations(index, range)));
    }
    let done = parallel_map(&jobs, |job| match job {
        EmitJob::Types(index, range) => types[*index].types(range.clone()).map(EmitDone::Types),
        EmitJob::Operations(index, range) => clients[*index].operations(range.clone()).map(EmitDone::Operations),
    });
    let mut done = done.into_iter();
    for ((api, client), types) in apis.iter().zip(&clients).zip(&types) {
        let module = Path::new("src").join(&api.module);
        let banner = render::banner(&options.command, &api.source);
        let mut type_parts = Vec::new();
        let mut operation_parts = Vec::new();
        for result in done.by_ref().take(runs(api.types.len()).count() + runs(api.operations.len()).count()) {
            match result.map_err(|m| internal(&api.source, m))? {
                EmitDone::Types(text) => type_parts.push(text),
                EmitDone::Operations(texts) => operation_parts.push(texts),
            }
        }
        let mut printer = render::Printer::new();
        client.print(&operation_parts, &mut printer);
        drop(operation_parts);
        let contents = printer.finish(&banner).map_err(|m| internal(&api.source, m))?;
        files.push(GeneratedFile { path: module.join("mod.rs"), contents });
        let mut printer = render::Printer::new();
        types.print(&type_parts, &mut printer);
        drop(type_parts);
        let contents = printer.finish(&banner).map_err(|m| internal(&api.source, m))?;
        files.push(GeneratedFile { path: module.join("types.rs"), contents });
    }
    Ok(files)
}
