//! `cargo xtask`: the project's commands. Parses flags, then calls the
//! generator; the only program that writes `generated/`.

use esign_codegen::write::{ensure_files, Mode};
use esign_codegen::{CrateOptions, OnUnsupported, SpecInput};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "\
usage:
  cargo xtask codegen [--check] [--skip-unsupported]
      regenerate generated/ from specs/*.yaml (--check: change nothing, fail if stale)
  cargo xtask codegen --spec FILE [--spec FILE ...] --out DIR [--crate-name NAME] [--skip-unsupported]
      generate a standalone crate from any specs
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("codegen") => match codegen(&args[1..]) {
            Ok(code) => code,
            Err(message) => {
                eprintln!("error: {message}");
                ExitCode::FAILURE
            }
        },
        _ => {
            eprint!("{USAGE}");
            ExitCode::FAILURE
        }
    }
}

#[derive(Default)]
struct Flags {
    check: bool,
    skip_unsupported: bool,
    specs: Vec<PathBuf>,
    out: Option<PathBuf>,
    crate_name: Option<String>,
}

fn parse_flags(args: &[String]) -> Result<Flags, String> {
    let mut flags = Flags::default();
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        let mut value = |name: &str| iter.next().cloned().ok_or_else(|| format!("{name} needs a value\n{USAGE}"));
        match arg.as_str() {
            "--check" => flags.check = true,
            "--skip-unsupported" => flags.skip_unsupported = true,
            "--spec" => flags.specs.push(PathBuf::from(value("--spec")?)),
            "--out" => flags.out = Some(PathBuf::from(value("--out")?)),
            "--crate-name" => flags.crate_name = Some(value("--crate-name")?),
            other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
        }
    }
    Ok(flags)
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

fn codegen(args: &[String]) -> Result<ExitCode, String> {
    let flags = parse_flags(args)?;
    let on_unsupported = if flags.skip_unsupported { OnUnsupported::Skip } else { OnUnsupported::Fail };
    if flags.specs.is_empty() {
        if flags.out.is_some() || flags.crate_name.is_some() {
            return Err(format!("--out and --crate-name go with --spec\n{USAGE}"));
        }
        return repo_codegen(flags.check, on_unsupported);
    }
    let out = flags.out.ok_or_else(|| format!("--spec needs --out DIR\n{USAGE}"))?;
    if flags.check {
        return Err("--check applies to generated/ only; drop --spec to use it".to_owned());
    }
    let specs: Vec<SpecInput> = flags
        .specs
        .iter()
        .map(|p| SpecInput::new(p, p.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned())))
        .collect();
    let options = CrateOptions {
        crate_name: flags.crate_name.unwrap_or_else(|| "openapi-client".to_owned()),
        command: "cargo xtask codegen --spec".to_owned(),
        standalone: true,
        on_unsupported,
    };
    let generated = esign_codegen::generate_crate(&specs, &options).map_err(|e| e.to_string())?;
    report(&generated);
    ensure_files(&out, &generated.files, Mode::Write).map_err(|e| format!("{}: {e}", out.display()))?;
    eprintln!("wrote crate `{}` to {}", options.crate_name, out.display());
    Ok(ExitCode::SUCCESS)
}

/// The repository's own jobs: specs/ -> generated/, tests/fixtures/ ->
/// tests/fixtures-client/. Nothing is written unless every spec generates.
fn repo_codegen(check: bool, on_unsupported: OnUnsupported) -> Result<ExitCode, String> {
    let root = workspace_root();
    let mut outputs = Vec::new();
    for job in esign_codegen::REPO_CRATES {
        let generated = esign_codegen::repo_crate(&root, job, on_unsupported).map_err(|e| e.to_string())?;
        report(&generated);
        outputs.push((job, generated));
    }
    let mode = if check { Mode::Check } else { Mode::Write };
    let mut stale = false;
    for (job, generated) in &outputs {
        let out = root.join(job.dir);
        let drift = ensure_files(&out, &generated.files, mode).map_err(|e| format!("{}: {e}", job.dir))?;
        for d in &drift {
            let text = d.to_string().replace(&format!("{}/", root.display()), "");
            if check {
                eprintln!("{text}");
            } else {
                eprintln!("updated {text}");
            }
        }
        stale |= !drift.is_empty();
    }
    if check {
        if stale {
            eprintln!("generated code is out of date: run `cargo xtask codegen` and commit the result");
            return Ok(ExitCode::FAILURE);
        }
        eprintln!("generated/ and tests/fixtures-client/ are up to date");
    }
    Ok(ExitCode::SUCCESS)
}

fn report(generated: &esign_codegen::Generated) {
    for warning in &generated.warnings {
        eprintln!("{warning}");
    }
    for skip in &generated.skipped {
        eprintln!("skipped: {skip}");
    }
}
