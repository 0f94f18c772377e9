//! `cargo bench`: the project's performance figures, written to
//! BENCHMARKS.md. Timings are medians of repeated runs; nothing here fails
//! on a number (these machines are shared and noisy), it measures and
//! reports.

use esign_codegen::{CrateOptions, OnUnsupported};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace").to_path_buf()
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1000.0)
}

fn options(name: &str) -> CrateOptions {
    CrateOptions {
        crate_name: name.to_owned(),
        command: "cargo bench".to_owned(),
        standalone: true,
        on_unsupported: OnUnsupported::Skip,
    }
}

fn spec_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in ["specs", "../shared/corpus"] {
        let Ok(entries) = std::fs::read_dir(root().join(dir)) else { continue };
        let mut found: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "json")))
            .collect();
        found.sort();
        files.extend(found);
    }
    files
}

/// Generation time per spec: median, and per 1,000 spec lines.
fn generation() -> String {
    let mut out = String::from(
        "| spec | spec lines | median (ms) | ms per 1,000 spec lines | generated lines |\n|---|---:|---:|---:|---:|\n",
    );
    for file in spec_files() {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let bytes = std::fs::read(&file).unwrap();
        let lines = bytes.iter().filter(|&&b| b == b'\n').count().max(1);
        let sources = vec![(name.clone(), bytes)];
        let mut samples = Vec::new();
        let mut generated_lines = 0;
        for _ in 0..11 {
            let started = Instant::now();
            let generated = esign_codegen::generate_crate_from_bytes(&sources, &options("bench")).expect("generates");
            samples.push(started.elapsed());
            generated_lines = generated.files.iter().map(|f| f.contents.lines().count()).sum();
        }
        let m = median(samples);
        let per_k = m.as_secs_f64() * 1000.0 / (lines as f64 / 1000.0);
        println!("generate {name}: {} ms median ({lines} lines)", ms(m));
        out.push_str(&format!("| {name} | {lines} | {} | {per_k:.2} | {generated_lines} |\n", ms(m)));
    }
    out
}

/// `cargo check` of a generated crate with its dependencies already built:
/// one warm-up build, then the median of three checks after touching it.
fn check_time(label: &str, dir: &Path) -> String {
    let target = root().join("target/generated-check");
    let cargo = |args: &[&str]| {
        let status = Command::new(env!("CARGO"))
            .args(args)
            .current_dir(dir)
            .env("CARGO_TARGET_DIR", &target)
            .status()
            .expect("cargo runs");
        assert!(status.success(), "cargo {args:?} in {}", dir.display());
    };
    cargo(&["check", "--offline", "--quiet"]);
    let mut samples = Vec::new();
    for _ in 0..3 {
        let lib = dir.join("src/lib.rs");
        let text = std::fs::read_to_string(&lib).unwrap();
        std::fs::write(&lib, text).unwrap();
        let started = Instant::now();
        cargo(&["check", "--offline", "--quiet"]);
        samples.push(started.elapsed());
    }
    let m = median(samples);
    println!("cargo check {label}: {} ms", ms(m));
    format!("| {label} | {:.1} |\n", m.as_secs_f64())
}

fn generated_check() -> String {
    let mut out = String::from("| crate | `cargo check` (s), dependencies built |\n|---|---:|\n");
    let corpus: Vec<(String, Vec<u8>)> = spec_files()
        .into_iter()
        .filter(|p| p.to_string_lossy().contains("corpus"))
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&p).unwrap()))
        .collect();
    for (label, sources) in [("the 8 corpus specs in one crate".to_owned(), corpus)] {
        if sources.is_empty() {
            continue;
        }
        let dir = root().join("target/bench-corpus-crate");
        let generated = esign_codegen::generate_crate_from_bytes(&sources, &options("bench-corpus")).unwrap();
        esign_codegen::write::ensure_files(&dir, &generated.files, esign_codegen::write::Mode::Write).unwrap();
        std::fs::copy(root().join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
        out.push_str(&check_time(&label, &dir));
    }
    out
}

/// Replaces the text between `<!-- NAME:start -->` and `<!-- NAME:end -->`
/// in BENCHMARKS.md, adding the section if it is not there yet.
pub fn write_section(name: &str, title: &str, body: &str) {
    let path = root().join("BENCHMARKS.md");
    let mut text = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        "# Benchmarks\n\nFigures from `cargo bench` (the `suite` bench of `esign-tests`). Every section says \
         when and on what it was measured; rerun `cargo bench` to refresh them.\n"
            .to_owned()
    });
    let start = format!("<!-- {name}:start -->");
    let end = format!("<!-- {name}:end -->");
    let section = format!("{start}\n## {title}\n\n{}\n\n{body}{end}", machine_line());
    match (text.find(&start), text.find(&end)) {
        (Some(a), Some(b)) if b > a => text.replace_range(a..b + end.len(), &section),
        _ => {
            text.push('\n');
            text.push_str(&section);
            text.push('\n');
        }
    }
    std::fs::write(&path, text).unwrap();
}

fn machine_line() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines().find(|l| l.starts_with("model name")).map(|l| l.split(':').nth(1).unwrap_or("").trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".to_owned());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    format!("Measured {} on {cores} cores ({cpu}), release build.", today())
}

/// Today's date (UTC) as YYYY-MM-DD, from the civil-from-days algorithm.
fn today() -> String {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let z = (secs / 86_400) as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test` runs benches only with
    // `--benches`, where this returns at once.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let table = generation();
    write_section(
        "generation",
        "Generation time per spec",
        &format!(
            "Load, lower, emit and format, in memory (nothing written), median of 11 runs.\n\n{table}\n\
             Goal: a 15,000-line vendor spec in well under 250 ms.\n\n"
        ),
    );
    let check = generated_check();
    write_section(
        "generated-check",
        "Compiling the generated code",
        &format!("`cargo check` of generated code after a change, with its dependencies already built (median of 3).\n\n{check}\n"),
    );
}
