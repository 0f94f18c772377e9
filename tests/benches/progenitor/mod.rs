//! The `progenitor` section (`BENCH_ONLY=progenitor`): our generator against
//! progenitor 0.15.1 on one spec both accept
//! (`tests/bench-specs/supabase-management-progenitor.yaml`, see the README
//! there), measured side by side in one run as three ratios:
//!
//! 1. lines under `src/` of the generated crate (ours without a
//!    `src/runtime/` folder; the runtime is the `esign-runtime` crate, as
//!    progenitor's is the `progenitor-client` crate);
//! 2. `cargo check --offline` after touching `src/lib.rs`, dependencies
//!    built (an incremental re-check of the generated crate alone);
//! 3. generation as a whole process: spec file in, crate on disk out.
//!
//! Skipped, with a note on how to install it, when `cargo-progenitor` is
//! not installed.

use super::{median, ms, options, root, write_section};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const SPEC: &str = "tests/bench-specs/supabase-management-progenitor.yaml";
const PROGENITOR_VERSION: &str = "0.15.1";
/// Generation runs per side, interleaved.
const GENERATE_RUNS: usize = 11;
/// Timed `cargo check` runs per side, interleaved.
const CHECK_RUNS: usize = 5;
/// Set on the child process that generates our crate (see [`child_generate`]).
const CHILD_ENV: &str = "ESIGN_BENCH_GENERATE_INTO";

/// When this process was started by [`generate_ours`] to generate our crate
/// as a whole process, does that and returns true (the caller then exits).
pub fn child_generate() -> bool {
    let Some(out) = std::env::var_os(CHILD_ENV) else { return false };
    let spec = root().join(SPEC);
    let bytes = std::fs::read(&spec).expect("reads the spec");
    let name = spec.file_name().unwrap().to_string_lossy().into_owned();
    let generated =
        esign_codegen::generate_crate_from_bytes(&[(name, bytes)], &options("ours-bench")).expect("generates");
    esign_codegen::write::ensure_files(Path::new(&out), &generated.files, esign_codegen::write::Mode::Force)
        .expect("writes the crate");
    true
}

/// The installed `cargo-progenitor` binary and its version, from
/// `cargo install --list` (which lists what is in cargo's bin folder).
fn installed_progenitor() -> Option<(PathBuf, String)> {
    let listing = Command::new(env!("CARGO")).args(["install", "--list"]).stderr(Stdio::null()).output().ok()?;
    let listing = String::from_utf8_lossy(&listing.stdout);
    let version = listing
        .lines()
        .find_map(|l| l.strip_prefix("cargo-progenitor v"))
        .map(|rest| rest.trim_end_matches(':').split_whitespace().next().unwrap_or("").to_owned())?;
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo")))?;
    let mut candidates: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).map(|d| d.join("cargo-progenitor")).collect())
        .unwrap_or_default();
    candidates.push(cargo_home.join("bin/cargo-progenitor"));
    candidates.into_iter().find(|p| p.is_file()).map(|p| (p, version))
}

/// Ours as a whole process: this bench binary again, in release, reading
/// the spec, generating and writing the crate (what `cargo xtask codegen
/// --spec` does, without building the xtask binary in release).
fn generate_ours(out: &Path) -> Duration {
    let exe = std::env::current_exe().expect("bench binary");
    let started = Instant::now();
    let status = Command::new(exe).env(CHILD_ENV, out).stdout(Stdio::null()).status().expect("runs");
    let elapsed = started.elapsed();
    assert!(status.success(), "our generator failed for {SPEC}");
    elapsed
}

/// Theirs as a whole process: `cargo progenitor` (its binary, called the
/// way cargo calls it, so cargo's own start-up is not counted).
fn generate_theirs(binary: &Path, out: &Path) -> Duration {
    let started = Instant::now();
    let output = Command::new(binary)
        .args(["progenitor", "-i"])
        .arg(root().join(SPEC))
        .arg("-o")
        .arg(out)
        .args(["-n", "theirs-bench", "-v", "0.1.0"])
        .output()
        .expect("runs cargo-progenitor");
    let elapsed = started.elapsed();
    assert!(
        output.status.success(),
        "cargo progenitor failed for {SPEC}:\n{}{}",
        String::from_utf8_lossy(&output.stdout).lines().rev().take(20).collect::<Vec<_>>().join("\n"),
        String::from_utf8_lossy(&output.stderr)
    );
    elapsed
}

/// A generated crate in `target/bench-progenitor/<side>` with its own
/// target folder beside it.
struct Side {
    dir: PathBuf,
    target: PathBuf,
}

impl Side {
    fn new(name: &str) -> Side {
        let base = root().join("target/bench-progenitor");
        Side { dir: base.join(name), target: base.join(format!("target-{name}")) }
    }

    fn cargo_check(&self, offline: bool) -> Duration {
        let mut command = Command::new(env!("CARGO"));
        command.args(["check", "--quiet"]);
        if offline {
            command.arg("--offline");
        }
        let started = Instant::now();
        let output = command.current_dir(&self.dir).env("CARGO_TARGET_DIR", &self.target).output().expect("cargo runs");
        let elapsed = started.elapsed();
        assert!(
            output.status.success(),
            "cargo check in {} failed:\n{}",
            self.dir.display(),
            String::from_utf8_lossy(&output.stderr).lines().take(40).collect::<Vec<_>>().join("\n")
        );
        elapsed
    }

    /// `touch src/lib.rs && cargo check --offline`.
    fn touch_and_check(&self) -> Duration {
        let lib = std::fs::File::options().write(true).open(self.dir.join("src/lib.rs")).expect("src/lib.rs");
        lib.set_modified(std::time::SystemTime::now()).expect("touch");
        drop(lib);
        self.cargo_check(true)
    }
}

/// (all lines, lines that are neither blank nor comments) of the files
/// below `dir`, skipping `skip` (a folder name directly below `dir`).
fn count_lines(dir: &Path, skip: Option<&str>) -> (usize, usize) {
    let (mut all, mut code) = (0, 0);
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).expect("reads src/").map(|e| e.expect("entry")) {
            let path = entry.path();
            if path.is_dir() {
                if !(folder == dir && skip.is_some_and(|s| entry.file_name() == s)) {
                    stack.push(path);
                }
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("text file");
            all += text.lines().count();
            code += text
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with("//") && !l.starts_with("#[doc"))
                .count();
        }
    }
    (all, code)
}

/// The formatting step alone, on one thread: every `.rs` file below `dir`
/// (our written crate), already lexed into tokens as the emit stage hands
/// them over, parsed into a `syn::File` and printed by prettyplease. The
/// median of `GENERATE_RUNS`; it shows how much of the generation budget
/// the prescribed formatter needs by itself.
fn format_alone(dir: &Path) -> Duration {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).expect("reads src/").map(|e| e.expect("entry")) {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).expect("text file");
                files.push(text.parse::<proc_macro2::TokenStream>().expect("generated code lexes"));
            }
        }
    }
    let mut runs = Vec::new();
    for _ in 0..GENERATE_RUNS {
        let started = Instant::now();
        let printed: usize = files
            .iter()
            .map(|tokens| prettyplease::unparse(&syn::parse2::<syn::File>(tokens.clone()).expect("parses")).len())
            .sum();
        runs.push(started.elapsed());
        std::hint::black_box(printed);
    }
    median(runs)
}

/// The 1-minute load average, from /proc/loadavg.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|t| t.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "unknown".to_owned())
}

fn ratio(ours: f64, theirs: f64, goal: f64) -> String {
    let r = ours / theirs;
    format!("{r:.3} | at most {goal} | {}", if r <= goal { "met" } else { "**not met**" })
}

/// Runs the section and writes it to BENCHMARKS.md, or says how to install
/// progenitor and returns.
pub fn section() {
    let Some((binary, version)) = installed_progenitor() else {
        println!(
            "progenitor: skipped, `cargo progenitor` is not installed; install it with\n    \
             cargo install cargo-progenitor --version {PROGENITOR_VERSION} --locked"
        );
        return;
    };
    if version != PROGENITOR_VERSION {
        println!("progenitor: cargo-progenitor {version} is installed; the section was made for {PROGENITOR_VERSION}");
    }
    let load_before = load_average();
    let spec_path = root().join(SPEC);
    let spec_text = std::fs::read_to_string(&spec_path).expect("reads the spec");
    let spec_lines = spec_text.lines().count();
    let spec_name = spec_path.file_name().unwrap().to_string_lossy().into_owned();
    let base = root().join("target/bench-progenitor");
    let (ours, theirs) = (Side::new("ours"), Side::new("theirs"));

    // Our generator in memory, as the `generation` section measures it, and
    // what it made of the spec.
    let sources = vec![(spec_name, spec_text.into_bytes())];
    let mut in_process = Vec::new();
    let mut report = None;
    for _ in 0..GENERATE_RUNS {
        let started = Instant::now();
        let generated = esign_codegen::generate_crate_from_bytes(&sources, &options("ours-bench")).expect("generates");
        in_process.push(started.elapsed());
        report = Some((generated.reports[0].operations_in_spec, generated.reports[0].methods_generated));
    }
    let (operations, our_methods) = report.expect("ran");
    let in_process = median(in_process);

    // 3. Generation, whole processes, interleaved; each run writes into a
    // fresh folder.
    let (scratch_ours, scratch_theirs) = (base.join("gen-ours"), base.join("gen-theirs"));
    let (mut gen_ours, mut gen_theirs) = (Vec::new(), Vec::new());
    for round in 0..GENERATE_RUNS {
        for side in [round % 2, 1 - round % 2] {
            let scratch = if side == 0 { &scratch_ours } else { &scratch_theirs };
            let _ = std::fs::remove_dir_all(scratch);
            if side == 0 {
                gen_ours.push(generate_ours(scratch));
            } else {
                gen_theirs.push(generate_theirs(&binary, scratch));
            }
        }
    }
    let (gen_ours, gen_theirs) = (median(gen_ours), median(gen_theirs));
    println!(
        "progenitor: generation {} ms (ours, process; {} ms in memory) vs {} ms (progenitor)",
        ms(gen_ours),
        ms(in_process),
        ms(gen_theirs)
    );

    // The crates that are counted and checked. Theirs keeps its Cargo.lock
    // from run to run (the first run resolves and fetches its dependencies);
    // ours builds offline against this workspace's lock.
    let _ = std::fs::remove_dir_all(&ours.dir);
    generate_ours(&ours.dir);
    std::fs::copy(root().join("Cargo.lock"), ours.dir.join("Cargo.lock")).expect("copies Cargo.lock");
    let _ = std::fs::remove_dir_all(theirs.dir.join("src"));
    generate_theirs(&binary, &theirs.dir);
    // Outside the repository's workspace, like ours (standalone).
    let manifest = theirs.dir.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest).expect("Cargo.toml");
    std::fs::write(&manifest, format!("{text}\n[workspace]\n")).expect("writes Cargo.toml");
    let their_methods = std::fs::read_to_string(theirs.dir.join("src/lib.rs"))
        .expect("lib.rs")
        .lines()
        .filter(|l| l.trim_start().starts_with("pub async fn "))
        .count();

    let formatting = format_alone(&ours.dir.join("src"));
    println!("progenitor: formatting our crate alone {} ms (one thread)", ms(formatting));

    // 1. Lines.
    let (lines_ours, code_ours) = count_lines(&ours.dir.join("src"), Some("runtime"));
    let (lines_theirs, code_theirs) = count_lines(&theirs.dir.join("src"), None);
    println!("progenitor: src/ lines {lines_ours} (ours) vs {lines_theirs} (progenitor)");

    // 2. Incremental `cargo check`: build once, then interleave.
    println!("progenitor: building both crates once (the first run fetches progenitor's dependencies)");
    ours.cargo_check(true);
    theirs.cargo_check(false);
    let (mut check_ours, mut check_theirs) = (Vec::new(), Vec::new());
    for round in 0..CHECK_RUNS {
        for side in [round % 2, 1 - round % 2] {
            if side == 0 {
                check_ours.push(ours.touch_and_check());
            } else {
                check_theirs.push(theirs.touch_and_check());
            }
        }
    }
    let (check_ours, check_theirs) = (median(check_ours), median(check_theirs));
    let load_after = load_average();
    println!(
        "progenitor: cargo check after touching lib.rs {:.2} s (ours) vs {:.2} s (progenitor)",
        check_ours.as_secs_f64(),
        check_theirs.as_secs_f64()
    );

    // The source's length, when the corpus is beside the repository.
    let removed = std::fs::read_to_string(root().join("../shared/corpus/supabase-management.yaml"))
        .map(|source| format!("{} of its {} lines", source.lines().count() - spec_lines, source.lines().count()))
        .unwrap_or_else(|_| "some lines".to_owned());
    let body = format!(
        "Spec: `{SPEC}` ({spec_lines} lines, {operations} operations), a copy of the corpus's \
         `supabase-management.yaml` (supabase/cli, MIT) with {removed} removed so that \
         progenitor reads it and its crate compiles: two operations whose only request body it cannot \
         read (an `application/vnd.denoland.eszip` body without a schema; a `multipart/form-data` body), \
         the eszip alternative of a third operation's JSON body (progenitor takes one media type per body), \
         and one `required` entry naming an undeclared property (progenitor emits a duplicate field for it). \
         `tests/bench-specs/make_supabase_progenitor.py` makes it; the README beside it says why each removal.\n\n\
         Both crates are generated into `target/bench-progenitor/` and built with separate target folders. \
         Ours depends on the `esign-runtime` crate, theirs on `progenitor-client` {version} (its default: \
         `--include-client false`); neither runtime is counted. Operations turned into methods: ours {our_methods}, \
         progenitor {their_methods}, of {operations}.\n\n\
         | figure | ours | progenitor {version} | ratio ours / progenitor | goal | |\n\
         |---|---:|---:|---:|---:|---|\n\
         | lines in `src/`, runtime excluded | {lines_ours} | {lines_theirs} | {} |\n\
         | `cargo check --offline` after `touch src/lib.rs`, dependencies built (median of {CHECK_RUNS}) | {:.2} s | {:.2} s | {} |\n\
         | generation as a whole process, spec in, crate written (median of {GENERATE_RUNS}) | {} ms | {} ms | {} |\n\n\
         Lines that are neither blank nor comments (`//`, `///`, `//!`): ours {code_ours}, progenitor {code_theirs} \
         (ratio {:.3}). Our generation in memory (as in the generation section): {} ms.\n\n\
         Where the generation time goes: parsing our crate's files into `syn` and printing them with \
         prettyplease, the formatter the pipeline prescribes, takes {} ms on one thread (median of \
         {GENERATE_RUNS}), {:.3} of progenitor's whole run ({:.3} if split perfectly over two cores), before \
         anything is loaded, lowered, emitted or written.\n\n\
         How it was measured: generation runs and checks alternate between the two sides (ours first in even \
         rounds, theirs first in odd ones). Ours as a process is this bench binary started again in generate \
         mode (release, reads the spec, generates, formats with prettyplease, writes the crate: what `cargo xtask \
         codegen --spec` does, with the bench's counting allocator on); theirs is the `cargo-progenitor` binary \
         (`progenitor -i SPEC -o DIR -n theirs-bench -v 0.1.0`), which formats by running `rustfmt`. \
         Neither goes through `cargo`'s subcommand dispatch. The checks touch `src/lib.rs` (the mtime only) and \
         run `cargo check --offline --quiet` in the crate, dev profile, incremental; `[workspace]` is appended to \
         progenitor's `Cargo.toml` so the crate stands alone, as ours does. The machine is shared: \
         1-minute load average {load_before} when the section started, {load_after} when the checks ended; the \
         ratios, taken from interleaved runs, are the figures to read.\n\n\
         Re-run: `BENCH_ONLY=progenitor cargo bench -p esign-tests --bench suite` (needs \
         `cargo install cargo-progenitor --version {PROGENITOR_VERSION} --locked`; the first run fetches \
         progenitor's dependencies).\n\n",
        ratio(lines_ours as f64, lines_theirs as f64, 1.0),
        check_ours.as_secs_f64(),
        check_theirs.as_secs_f64(),
        ratio(check_ours.as_secs_f64(), check_theirs.as_secs_f64(), 1.0),
        ms(gen_ours),
        ms(gen_theirs),
        ratio(gen_ours.as_secs_f64(), gen_theirs.as_secs_f64(), 0.1),
        code_ours as f64 / code_theirs as f64,
        ms(in_process),
        ms(formatting),
        formatting.as_secs_f64() / gen_theirs.as_secs_f64(),
        formatting.as_secs_f64() / gen_theirs.as_secs_f64() / 2.0,
    );
    write_section("progenitor", &format!("Against progenitor {version}"), &body);
}
