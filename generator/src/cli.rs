//! The command line: `esign-codegen --spec FILE --out DIR`, shared by the
//! installed binary (`src/main.rs`) and the maintainers' `cargo xtask
//! codegen --spec`, which differ only in their name, their default runtime
//! dependency and the folders they refuse.
//!
//! Exit codes: 0 the crate was written (or was already up to date), 1 a
//! spec could not be generated or the folder could not be written (nothing
//! changed), 2 the command line is wrong (nothing read or written).

use crate::write::{ensure_files, Drift, Mode};
use crate::{CrateOptions, OnUnsupported, RuntimeDep, SpecInput};
use std::path::{Component, Path, PathBuf};
use std::process::ExitCode;

/// What the installed binary prints for `--help`.
pub const USAGE: &str = "\
esign-codegen: generate a typed async Rust client crate from OpenAPI specs
(OpenAPI 3.0 and 3.1, Swagger 2.0; YAML or JSON).

usage:
  esign-codegen --spec FILE [--spec FILE ...] --out DIR [options]
  esign-codegen --help | --version

options:
  --spec FILE              a spec to generate from; each becomes a module named after its file
  --out DIR                where the crate goes: a new or empty folder, or one the generator
                           wrote before (it keeps a manifest of its files, .esign-codegen-files,
                           and replaces or removes only those)
  --crate-name NAME        the package name (default: openapi-client)
  --crate-version VERSION  the package version (default: the spec's info.version, else 0.1.0)
  --runtime-version REQ    depend on esign-runtime REQ from the registry (the default, with this
                           generator's own version)
  --runtime-path PATH      depend on an esign-runtime checkout at PATH (relative to DIR)
  --vendor-runtime         copy the runtime crate into the crate's runtime/, which then stands alone
  --strict                 stop at the first operation the generator cannot emit, and treat
                           every warning as an error (by default such an operation is left out
                           and listed, and a defect confined to one part is a warning)
  --skip-unsupported       leave out operations the generator cannot emit, each one listed
                           (the default; kept for scripts that pass it)
  --force                  write into a non-empty folder the generator did not write: files of
                           the same name are replaced, nothing else is deleted (never into a
                           folder holding .git)
  --quiet                  print only warnings and errors
  -h, --help               print this help
  -V, --version            print the version

exit codes: 0 written (or already up to date), 1 a spec could not be generated or the folder
not written (nothing changed), 2 a usage error (nothing read or written).
";

/// The parsed command line of `--spec` mode.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Args {
    /// `--spec`, in order.
    pub specs: Vec<PathBuf>,
    /// `--out`.
    pub out: Option<PathBuf>,
    /// `--crate-name`.
    pub crate_name: Option<String>,
    /// `--crate-version`.
    pub crate_version: Option<String>,
    /// `--runtime-version`, `--runtime-path` or `--vendor-runtime`, when given.
    pub runtime: Option<RuntimeDep>,
    /// `--skip-unsupported` (the default unless `--strict`).
    pub skip_unsupported: bool,
    /// `--strict`: the first operation that cannot be emitted stops
    /// generation, and any warning is an error.
    pub strict: bool,
    /// `--force`.
    pub force: bool,
    /// `--quiet`.
    pub quiet: bool,
    /// `--check` (the xtask's repository mode only).
    pub check: bool,
}

/// What the command line asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// `--help`.
    Help,
    /// `--version`.
    Version,
    /// Generate.
    Run(Args),
}

/// Parses the arguments after the program name. `allow_check` admits
/// `--check` (the xtask's repository mode). The error is a one-line
/// message for stderr, to be followed by the usage.
pub fn parse(args: &[String], allow_check: bool) -> Result<Command, String> {
    let mut parsed = Args::default();
    let mut iter = args.iter();
    let mut runtime_flags = Vec::new();
    while let Some(arg) = iter.next() {
        let mut value = |name: &str| {
            iter.next().filter(|v| !v.starts_with("--")).cloned().ok_or_else(|| format!("{name} needs a value"))
        };
        match arg.as_str() {
            "-h" | "--help" => return Ok(Command::Help),
            "-V" | "--version" => return Ok(Command::Version),
            "--check" if allow_check => parsed.check = true,
            "--skip-unsupported" => parsed.skip_unsupported = true,
            "--strict" => parsed.strict = true,
            "--force" => parsed.force = true,
            "--quiet" => parsed.quiet = true,
            "--spec" => parsed.specs.push(PathBuf::from(value("--spec")?)),
            "--out" => parsed.out = Some(PathBuf::from(value("--out")?)),
            "--crate-name" => parsed.crate_name = Some(value("--crate-name")?),
            "--crate-version" => parsed.crate_version = Some(value("--crate-version")?),
            "--runtime-version" => {
                parsed.runtime = Some(RuntimeDep::Version(value("--runtime-version")?));
                runtime_flags.push("--runtime-version");
            }
            "--runtime-path" => {
                parsed.runtime = Some(RuntimeDep::Path(value("--runtime-path")?));
                runtime_flags.push("--runtime-path");
            }
            "--vendor-runtime" => {
                parsed.runtime = Some(RuntimeDep::Vendored);
                runtime_flags.push("--vendor-runtime");
            }
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    if runtime_flags.len() > 1 {
        return Err(format!("{} exclude each other", runtime_flags.join(" and ")));
    }
    if let Some(name) = &parsed.crate_name {
        crate::check_crate_name(name).map_err(|e| e.message)?;
    }
    Ok(Command::Run(parsed))
}

/// How a caller of [`generate`] differs from the installed binary.
pub struct Context<'a> {
    /// The command named in the generated files' banners.
    pub command: &'a str,
    /// The runtime dependency when no flag picks one; gets the resolved
    /// output folder.
    pub default_runtime: &'a dyn Fn(&Path) -> Result<RuntimeDep, String>,
    /// A check of the resolved output folder before anything is read.
    pub check_out: &'a dyn Fn(&Path) -> Result<(), String>,
}

/// A failed run: the message for stderr and the exit code.
#[derive(Debug)]
pub struct Failure {
    /// What went wrong.
    pub message: String,
    /// 1 (generation or writing) or 2 (usage).
    pub code: u8,
}

impl Failure {
    fn usage(message: impl Into<String>) -> Failure {
        Failure { message: message.into(), code: 2 }
    }

    fn failed(message: impl Into<String>) -> Failure {
        Failure { message: message.into(), code: 1 }
    }

    /// The exit code.
    pub fn exit_code(&self) -> ExitCode {
        ExitCode::from(self.code)
    }
}

/// Generates the crate `args` describe and writes it, printing what it did
/// to stderr: a line per spec, every warning, each file added, changed or
/// removed, and a summary.
pub fn generate(args: &Args, context: &Context<'_>) -> Result<(), Failure> {
    if args.specs.is_empty() {
        return Err(Failure::usage("give at least one --spec FILE"));
    }
    let out = args.out.as_deref().ok_or_else(|| Failure::usage("--spec needs --out DIR"))?;
    let resolved_out = resolved(out);
    (context.check_out)(&resolved_out).map_err(Failure::failed)?;
    let specs: Vec<SpecInput> = args
        .specs
        .iter()
        .map(|p| SpecInput::new(p, p.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned())))
        .collect();
    let runtime = match &args.runtime {
        Some(runtime) => runtime.clone(),
        None => (context.default_runtime)(&resolved_out).map_err(Failure::failed)?,
    };
    let options = CrateOptions {
        crate_name: args.crate_name.clone().unwrap_or_else(|| "openapi-client".to_owned()),
        command: context.command.to_owned(),
        standalone: true,
        publish: true,
        on_unsupported: if args.strict { OnUnsupported::Fail } else { OnUnsupported::Skip },
        runtime,
        crate_version: args.crate_version.clone(),
        front_page: None,
    };
    if !args.quiet {
        let names: Vec<String> = args.specs.iter().map(|p| p.display().to_string()).collect();
        eprintln!("generating `{}` from {}", options.crate_name, names.join(", "));
    }
    let generated = crate::generate_crate(&specs, &options).map_err(|e| Failure::failed(e.to_string()))?;
    report(&generated, args.quiet);
    if args.strict && !generated.warnings.is_empty() {
        return Err(Failure::failed(format!(
            "--strict: {} warning(s) above; nothing written",
            generated.warnings.len()
        )));
    }
    let mode = if args.force { Mode::Force } else { Mode::Write };
    let drift = ensure_files(out, &generated.files, mode).map_err(|e| Failure::failed(e.to_string()))?;
    if !args.quiet {
        summarize(&format!("crate `{}` in {}", options.crate_name, out.display()), out, &drift, generated.files.len());
    }
    Ok(())
}

/// Prints what generation found: per spec its operations, methods and
/// types (unless quiet), then every warning and skip with its location.
pub fn report(generated: &crate::Generated, quiet: bool) {
    if !quiet {
        for spec in &generated.reports {
            eprintln!(
                "{}: {} operations -> {} methods, {} types",
                spec.spec, spec.operations_in_spec, spec.methods_generated, spec.types_generated
            );
        }
    }
    for warning in &generated.warnings {
        // `file: #/pointer: warning: message`
        eprintln!("{warning}");
    }
    for skip in &generated.skipped {
        eprintln!("skipped: {skip}");
    }
}

/// Names every file a write added, changed or removed (relative to `out`),
/// then the counts.
pub fn summarize(what: &str, out: &Path, drift: &[Drift], generated: usize) {
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

/// `path` made absolute with links and `..` resolved, also when it does not
/// exist yet (its nearest existing ancestor is resolved, the rest appended).
pub fn resolved(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(real) = existing.canonicalize() {
            let mut out = real;
            for part in rest.iter().rev() {
                match part {
                    Component::ParentDir => {
                        out.pop();
                    }
                    Component::CurDir => {}
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

/// The registry requirement for the runtime that matches this generator
/// (`0.1` for 0.1.x): what the installed binary's crates depend on.
pub fn own_runtime_requirement() -> String {
    let version = env!("CARGO_PKG_VERSION");
    let mut parts = version.split('.');
    match (parts.next(), parts.next()) {
        (Some("0"), Some(minor)) => format!("0.{minor}"),
        (Some(major), _) => major.to_owned(),
        _ => version.to_owned(),
    }
}
