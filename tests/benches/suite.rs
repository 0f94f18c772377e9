//! `cargo bench`: the project's performance figures, written to
//! BENCHMARKS.md. Timings are medians of repeated runs; nothing here fails
//! on a number (these machines are shared and noisy), it measures and
//! reports.

use esign_codegen::{CrateOptions, OnUnsupported};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// The `progenitor` section, in `progenitor/mod.rs` (a folder, so cargo
/// does not take it for a bench target of its own).
mod progenitor;

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
        publish: true,
        on_unsupported: OnUnsupported::Skip,
        runtime: esign_codegen::RuntimeDep::Path(root().join("esign-runtime").to_string_lossy().into_owned()),
        crate_version: None,
        front_page: None,
    }
}

/// The YAML and JSON specs in `dir` (under the workspace root), sorted;
/// none when it does not exist.
fn specs_in(dir: &str) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(root().join(dir)) else { return Vec::new() };
    let mut found: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "json")))
        .collect();
    found.sort();
    found
}

fn spec_files() -> Vec<PathBuf> {
    ["specs", "../shared/corpus"].into_iter().flat_map(specs_in).collect()
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

/// Peak heap bytes (above what was live before) and time of one generation.
fn peak_of(sources: &[(String, Vec<u8>)]) -> (usize, Duration, Result<esign_codegen::Generated, esign_codegen::Error>) {
    use std::sync::atomic::Ordering;
    let base = LIVE.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let started = Instant::now();
    let result = esign_codegen::generate_crate_from_bytes(sources, &options("bench"));
    let elapsed = started.elapsed();
    (PEAK.load(Ordering::Relaxed).saturating_sub(base), elapsed, result)
}

fn mib(bytes: usize) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

/// What generation costs as specs grow: peak memory per MB of spec and
/// time per 1,000 lines for every spec (the corpus folders beside the
/// repository too); a YAML alias bomb; a 200,000-value enum.
fn cost() -> String {
    let mut files = spec_files();
    files.extend(specs_in("../shared/corpus-next"));
    let mut out = String::from(
        "| spec | size (MB) | lines | peak heap (MiB) | peak MiB per MB of spec | time (ms) | ms per 1,000 lines |\n\
         |---|---:|---:|---:|---:|---:|---:|\n",
    );
    for file in files {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let bytes = std::fs::read(&file).unwrap();
        let mut lines = bytes.iter().filter(|&&b| b == b'\n').count().max(1);
        let mut lines_note = "";
        if lines < 10 {
            // JSON on one line: count the lines it has when pretty-printed.
            if let Ok(value) = serde_json::from_slice::<serde_json::Value>(&bytes) {
                lines = serde_json::to_string_pretty(&value).unwrap_or_default().lines().count().max(1);
                lines_note = " (pretty-printed)";
            }
        }
        let mb = bytes.len() as f64 / 1e6;
        let sources = vec![(name.clone(), bytes)];
        let (peak, elapsed, result) = peak_of(&sources);
        result.expect("generates");
        let per_k = elapsed.as_secs_f64() * 1000.0 / (lines as f64 / 1000.0);
        println!("cost {name}: {:.1} MiB peak, {} ms", mib(peak), ms(elapsed));
        out.push_str(&format!(
            "| {name} | {mb:.2} | {lines}{lines_note} | {:.1} | {:.1} | {} | {per_k:.1} |\n",
            mib(peak),
            mib(peak) / mb,
            ms(elapsed)
        ));
    }

    // 10,000 x 100 x 10 expansions from a few tens of KB.
    let mut bomb = String::from(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\nx-a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n",
    );
    bomb.push_str(&format!("x-b: &b [{}]\n", vec!["*a"; 100].join(", ")));
    bomb.push_str(&format!("x-c: [{}]\n", vec!["*b"; 10_000].join(", ")));
    let (peak, elapsed, result) = peak_of(&[("bomb.yaml".to_owned(), bomb.clone().into_bytes())]);
    let message = result.expect_err("refused").to_string();
    println!("cost alias bomb: {:.1} MiB peak, {} ms: {message}", mib(peak), ms(elapsed));
    out.push_str(&format!(
        "\nA YAML alias bomb ({} KB, 10,000 x 100 x 10 expansions) is refused in {} ms with {:.1} MiB peak heap: `{message}`\n",
        bomb.len() / 1000,
        ms(elapsed),
        mib(peak)
    ));

    // Enums repeated by YAML aliases: the output grows with the file.
    let values: Vec<String> = (0..1000).map(|i| format!("v{i}")).collect();
    let mut aliased = format!(
        "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths: {{}}\nx-values: &v [{}]\ncomponents:\n  schemas:\n    S:\n      type: object\n      properties:\n",
        values.join(", ")
    );
    for i in 0..400 {
        aliased.push_str(&format!("        p{i}: {{type: string, enum: *v}}\n"));
    }
    let (peak, elapsed, result) = peak_of(&[("aliased.yaml".to_owned(), aliased.clone().into_bytes())]);
    let generated = result.expect("generates");
    let output: usize = generated.files.iter().map(|f| f.contents.len()).sum();
    println!("cost aliased enums: {output} bytes out, {:.1} MiB peak, {} ms", mib(peak), ms(elapsed));
    out.push_str(&format!(
        "\nA {} KB spec whose 400 enums are aliases of one 1,000-value list gives {} KB of Rust ({:.1} times the spec; one enum type), in {} ms with {:.1} MiB peak heap.\n",
        aliased.len() / 1000,
        output / 1000,
        output as f64 / aliased.len() as f64,
        ms(elapsed),
        mib(peak)
    ));

    // One enum of 200,000 values.
    let values: Vec<String> = (0..200_000).map(|i| format!("      - value_{i}\n")).collect();
    let spec = format!(
        "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths: {{}}\ncomponents:\n  schemas:\n    Big:\n      type: string\n      enum:\n{}",
        values.concat()
    );
    let (peak, elapsed, result) = peak_of(&[("enum.yaml".to_owned(), spec.into_bytes())]);
    result.expect("generates");
    println!("cost enum: {:.1} MiB peak, {} ms", mib(peak), ms(elapsed));
    out.push_str(&format!(
        "\nAn enum of 200,000 values: {:.1} MiB peak heap ({} bytes per value), {} ms.\n",
        mib(peak),
        peak / 200_000,
        ms(elapsed)
    ));
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
        // Force: a scratch folder of the bench, written before manifests existed too.
        esign_codegen::write::ensure_files(&dir, &generated.files, esign_codegen::write::Mode::Force).unwrap();
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

/// Counts live heap bytes and their peak, for the memory figure.
struct CountingAllocator;

static LIVE: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
static PEAK: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

unsafe impl std::alloc::GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        let ptr = unsafe { std::alloc::System.alloc(layout) };
        if !ptr.is_null() {
            let live = LIVE.fetch_add(layout.size(), std::sync::atomic::Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(live, std::sync::atomic::Ordering::Relaxed);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        unsafe { std::alloc::System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), std::sync::atomic::Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

// The test binaries' shared helpers (the bench uses `serve`).
#[allow(dead_code)]
#[path = "../shared/mod.rs"]
mod shared;

mod client_benches {
    use super::*;
    use axum::routing::post;
    use esign_client::dropbox_sign::{Client, Credentials, EventCallback};
    use esign_client::runtime::{BulkOptions, CallbackError, Journal, RetryPolicy, Secret};
    use std::sync::{Arc, Mutex};

    use super::shared::{callback_form, serve};

    /// The generated client against a hand-written reqwest call making the
    /// same request to the same server, alternating in blocks.
    pub async fn per_call_overhead() -> String {
        let base = serve(axum::Router::new().route("/v3/signature_request/cancel/{id}", post(|| async { "" }))).await;
        let client = Client::builder()
            .base_url(format!("{base}/v3"))
            .credentials(Credentials::api_key("bench-key"))
            .build()
            .unwrap();
        let raw = reqwest::Client::new();
        let url = format!("{base}/v3/signature_request/cancel/fa5c8a0b");
        let (mut generated, mut hand) = (Vec::new(), Vec::new());
        for round in 0..40 {
            for side in [round % 2, 1 - round % 2] {
                let started = Instant::now();
                for _ in 0..100 {
                    if side == 0 {
                        client.signature_request_cancel("fa5c8a0b").await.unwrap();
                    } else {
                        let response = raw
                            .post(&url)
                            .basic_auth("bench-key", Some(""))
                            .header(reqwest::header::CONTENT_LENGTH, "0")
                            .send()
                            .await
                            .unwrap();
                        assert!(response.status().is_success());
                        response.bytes().await.unwrap();
                    }
                }
                let per_call = started.elapsed() / 100;
                if side == 0 {
                    generated.push(per_call)
                } else {
                    hand.push(per_call)
                }
            }
        }
        let (g, h) = (median(generated), median(hand));
        let ratio = g.as_secs_f64() / h.as_secs_f64();
        println!("per call: generated {g:?}, hand-written {h:?}, ratio {ratio:.3}");
        format!(
            "| generated client | hand-written reqwest | ratio (goal at most 1.05) |\n|---:|---:|---:|\n| {:.1} µs | {:.1} µs | {ratio:.3} |\n",
            g.as_secs_f64() * 1e6,
            h.as_secs_f64() * 1e6
        )
    }

    fn event_body(padding: usize) -> (String, Vec<u8>) {
        // HMAC-SHA256("bench-key", "1700000000signature_request_canceled"),
        // computed with Python's hmac.
        let hash = "86920d309d1374c4b4ea83f38231ca4ad4c140a4d237850cffa4652cff93efa8";
        let json = serde_json::json!({
            "event": {"event_time": "1700000000", "event_type": "signature_request_canceled", "event_hash": hash,
                      "event_metadata": {"reported_for_account_id": "acc"}},
            "signature_request": {"signature_request_id": "sr", "title": "NDA", "metadata": {"padding": "x".repeat(padding)},
                "signatures": [{"signature_id": "s", "status_code": "awaiting_signature"}]}
        })
        .to_string();
        callback_form(&json)
    }

    /// A callback body of about `size` bytes of tiny values (the shape that
    /// costs the most memory per byte once parsed) with the given event.
    fn tiny_values_body(size: usize, hash: &str) -> (String, Vec<u8>) {
        let mut json = format!(
            r#"{{"event":{{"event_time":"1700000000","event_type":"signature_request_canceled","event_hash":"{hash}","event_metadata":{{"reported_for_account_id":"acc"}}}},"signature_request":{{"signature_request_id":"sr","metadata":{{"#
        );
        let mut i = 0;
        while json.len() < size {
            if i > 0 {
                json.push(',');
            }
            json.push_str(&format!("\"k{i}\":[0,{{}}]"));
            i += 1;
        }
        json.push_str("}}}");
        callback_form(&json)
    }

    /// A callback body of about `size` bytes whose signature request lists
    /// empty signatures, with the given event.
    fn empty_signatures_body(size: usize, hash: &str) -> (String, Vec<u8>) {
        let mut json = format!(
            r#"{{"event":{{"event_time":"1700000000","event_type":"signature_request_canceled","event_hash":"{hash}","event_metadata":{{"reported_for_account_id":"acc"}}}},"signature_request":{{"signature_request_id":"sr","signatures":[{{}}"#
        );
        while json.len() < size {
            json.push_str(",{}");
        }
        json.push_str("]}}");
        callback_form(&json)
    }

    /// A callback as Dropbox Sign sends it: a signature request with
    /// `signers` signers, every field its reference lists, custom fields
    /// and response data, under the given event hash.
    fn realistic_body(signers: usize, hash: &str) -> (String, Vec<u8>) {
        let json = serde_json::json!({
            "event": {"event_time": "1700000000", "event_type": "signature_request_canceled", "event_hash": hash,
                      "event_metadata": {"related_signature_id": null, "reported_for_account_id": "63522885f9261e2b04eea043933ee7313eb674fd",
                                         "reported_for_app_id": null, "event_message": null}},
            "signature_request": esign_sim::dropbox_sign::signature_request_as_sent(signers)
        })
        .to_string();
        callback_form(&json)
    }

    /// Peak heap above what was live before, while `f` runs (single-threaded work).
    async fn peak_of<F: std::future::Future>(f: F) -> (F::Output, usize) {
        let before = LIVE.load(std::sync::atomic::Ordering::Relaxed);
        PEAK.store(before, std::sync::atomic::Ordering::Relaxed);
        let out = f.await;
        (out, PEAK.load(std::sync::atomic::Ordering::Relaxed).saturating_sub(before))
    }

    pub async fn events() -> String {
        const GENUINE: &str = "86920d309d1374c4b4ea83f38231ca4ad4c140a4d237850cffa4652cff93efa8";
        let key = Secret::new("bench-key");
        let (content_type, body) = event_body(0);
        let n = 2_000;
        let mut verified = 0;
        // Both ways in, alternating in blocks (the median block of each):
        // verified first (`from_verified_callback`), and parsed first
        // (`from_callback`, then `verify` on the parsed event); beside them,
        // the same JSON parsed by `serde_json` alone, with no memory budget.
        let json = {
            let start = body.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
            let end = body.windows(2).rposition(|w| w == b"\r\n").unwrap();
            let end = body[..end].windows(2).rposition(|w| w == b"\r\n").unwrap();
            body[start..end].to_vec()
        };
        assert!(serde_json::from_slice::<EventCallback>(&json).is_ok());
        let mut blocks: [Vec<Duration>; 3] = Default::default();
        for round in 0..30 {
            for side in [round % 3, (round + 1) % 3, (round + 2) % 3] {
                let started = Instant::now();
                for _ in 0..n {
                    let event = match side {
                        0 => EventCallback::from_verified_callback(&content_type, &body, &key).await.unwrap(),
                        1 => {
                            let event = EventCallback::from_callback(&content_type, &body).await.unwrap();
                            verified += usize::from(event.verify(&key).is_ok());
                            event
                        }
                        _ => {
                            let event = serde_json::from_slice::<EventCallback>(&json).unwrap();
                            verified += usize::from(event.verify(&key).is_ok());
                            event
                        }
                    };
                    verified += usize::from(!event.event.event_hash.is_empty());
                }
                blocks[side].push(started.elapsed());
            }
        }
        let [first, second, unbudgeted] = blocks;
        let per_second = n as f64 / median(first).as_secs_f64();
        let parse_first = n as f64 / median(second).as_secs_f64();
        let plain = n as f64 / median(unbudgeted).as_secs_f64();
        let kib = |bytes: usize| bytes / 1024;
        let mut rows = Vec::new();
        // One large (900 KiB) genuine callback, mostly one long string.
        let (content_type, large) = event_body(900 * 1024);
        let (event, peak) = peak_of(EventCallback::from_verified_callback(&content_type, &large, &key)).await;
        let event = event.unwrap();
        rows.push(("genuine, one long string: read, verified, parsed", large.len(), peak));
        let (result, peak) = peak_of(async { event.verify(&key) }).await;
        assert!(result.is_ok());
        rows.push(("the same event, parsed: `verify` alone", large.len(), peak));
        drop(event);
        // Realistic callbacks: a signature request with 3 and with 200 signers.
        for signers in [3, 200] {
            let (content_type, body) = realistic_body(signers, GENUINE);
            let (result, peak) = peak_of(EventCallback::from_verified_callback(&content_type, &body, &key)).await;
            assert!(result.is_ok(), "{:?}", result.err());
            drop(result);
            rows.push((
                if signers == 3 {
                    "genuine, as sent: a request with 3 signers"
                } else {
                    "genuine, as sent: a request with 200 signers"
                },
                body.len(),
                peak,
            ));
        }
        // 900 KiB of tiny values, forged: refused before anything is parsed.
        let (content_type, forged) = tiny_values_body(900 * 1024, &"0".repeat(64));
        let (result, peak) = peak_of(EventCallback::from_verified_callback(&content_type, &forged, &key)).await;
        assert!(result.is_err());
        rows.push(("forged, tiny values: read and refused", forged.len(), peak));
        // The same with the genuine hash: verified, then refused part way
        // through the typed parse, once its charges pass the budget.
        let (content_type, tiny) = tiny_values_body(900 * 1024, GENUINE);
        let (result, peak) = peak_of(EventCallback::from_verified_callback(&content_type, &tiny, &key)).await;
        assert!(matches!(result, Err(CallbackError::TooDense { .. })), "{result:?}");
        rows.push(("genuine hash, tiny values: read, verified, refused while parsing (too dense)", tiny.len(), peak));
        // The genuine hash over 900 KiB of empty signatures (`{},`: one
        // typed struct per three bytes).
        let (content_type, empty) = empty_signatures_body(900 * 1024, GENUINE);
        let (result, peak) = peak_of(EventCallback::from_verified_callback(&content_type, &empty, &key)).await;
        assert!(matches!(result, Err(CallbackError::TooDense { .. })), "{result:?}");
        rows.push((
            "genuine hash, empty signatures: read, verified, refused while parsing (too dense)",
            empty.len(),
            peak,
        ));
        let mut table = format!(
            "| events per second (multipart, ~0.5 KiB; median of 30 rotating blocks of 2,000): `from_verified_callback` | `from_callback`, then `verify` | the JSON alone by `serde_json::from_slice` (no budget), then `verify` | budgeted / unbudgeted time |\n|---:|---:|---:|---:|\n| {per_second:.0} | {parse_first:.0} | {plain:.0} | {:.2} |\n\n\
             | one callback | body | peak heap | peak / body (goal at most 4) |\n|---|---:|---:|---:|\n",
            plain / parse_first
        );
        for (what, size, peak) in &rows {
            println!("events: {what}: peak {} KiB for {} KiB", kib(*peak), kib(*size));
            table.push_str(&format!(
                "| {what} | {} KiB | {} KiB | {:.2} |\n",
                kib(*size),
                kib(*peak),
                *peak as f64 / *size as f64
            ));
        }
        println!(
            "events: {per_second:.0}/s verified first, {parse_first:.0}/s parsed first, {plain:.0}/s unbudgeted ({verified} checks)"
        );
        table
    }

    /// (window second, used in window, refused, served)
    type Window = Arc<Mutex<(u64, u64, u64, u64)>>;

    pub async fn bulk() -> String {
        const LIMIT: u64 = 600; // per one-second window: "600 a minute" with time scaled 60x
        const IDS: usize = 10_000;
        let window: Window = Arc::default();
        let state = window.clone();
        let handler = move |axum::extract::Path(id): axum::extract::Path<String>| {
            let state = state.clone();
            async move {
                use axum::response::IntoResponse;
                let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
                let (remaining, refused) = {
                    let mut w = state.lock().unwrap();
                    if w.0 != now {
                        w.0 = now;
                        w.1 = 0;
                    }
                    if w.1 >= LIMIT {
                        w.2 += 1;
                        (0, true)
                    } else {
                        w.1 += 1;
                        w.3 += 1;
                        (LIMIT - w.1, false)
                    }
                };
                let headers = [
                    ("X-RateLimit-Limit", LIMIT.to_string()),
                    ("X-RateLimit-Remaining", remaining.to_string()),
                    ("X-Ratelimit-Reset", (now + 1).to_string()),
                ];
                if refused {
                    let body = r#"{"error":{"error_msg":"Rate limited.","error_name":"exceeded_rate"}}"#;
                    return (axum::http::StatusCode::FORBIDDEN, headers, body).into_response();
                }
                // Faults: 2% maintenance, 1% a connection that hangs past the client's timeout.
                let _ = id;
                let served = state.lock().unwrap().3;
                if served % 50 == 7 {
                    let body = r#"{"error":{"error_msg":"Maintenance.","error_name":"maintenance"}}"#;
                    return (axum::http::StatusCode::SERVICE_UNAVAILABLE, headers, body).into_response();
                }
                if served % 100 == 13 {
                    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
                }
                (axum::http::StatusCode::OK, headers, "").into_response()
            }
        };
        let base = serve(axum::Router::new().route("/v3/signature_request/cancel/{id}", post(handler))).await;
        let mut retry = RetryPolicy::default();
        retry.request_timeout = Some(std::time::Duration::from_millis(300));
        let client = Client::builder()
            .base_url(format!("{base}/v3"))
            .credentials(Credentials::api_key("bench-key"))
            .retry_policy(retry)
            .build()
            .unwrap();
        let ids: Vec<String> = (0..IDS).map(|i| format!("sr-{i}")).collect();
        let dir = tempfile::tempdir().unwrap();
        let journal_path = dir.path().join("bulk.jsonl");
        let journal = Journal::create(&journal_path).unwrap();
        let mut options = BulkOptions::default();
        options.max_concurrency = 32;
        options.journal = Some(journal);
        let started = Instant::now();
        let report = client.bulk_signature_request_cancel(ids, &options).await;
        let elapsed = started.elapsed();
        let journal_text = std::fs::read_to_string(&journal_path).unwrap();
        let journaled = journal_text.lines().filter(|l| l.contains("\"outcome\"")).count();
        assert_eq!(journaled, IDS, "every outcome is in the journal");
        let (_, _, refused, served) = *window.lock().unwrap();
        // The fastest the limit allows for every request the server served.
        let minimum = served as f64 / LIMIT as f64;
        let ratio = elapsed.as_secs_f64() / minimum;
        let lost =
            IDS - report.entries.len() + report.entries.iter().filter(|e| e.outcome.name() == "not_attempted").count();
        let counts = report.counts();
        let journal_kib = journal_text.len() / 1024;
        println!("bulk: {elapsed:?} for {served} requests (minimum {minimum:.1} s, ratio {ratio:.3}), refused {refused}, lost {lost}, {counts:?}, journal {journal_kib} KiB");
        format!(
            "10,000 ids, 32 at once, journal on (every outcome written as it is final, every attempt noted before it is sent); limit {LIMIT} requests per 1-second window (600 a minute, time scaled 60x); 2% of answers 503, 1% hang past the 300 ms request timeout.\n\n| total time | requests served | minimum the limit allows | ratio (goal at most 1.1) | refused by the limit (goal 0) | ids lost (must be 0) | journal | outcomes |\n|---:|---:|---:|---:|---:|---:|---:|---|\n| {:.1} s | {served} | {minimum:.1} s | {ratio:.3} | {refused} | {lost} | {journal_kib} KiB | {counts:?} |\n",
            elapsed.as_secs_f64()
        )
    }
}

fn main() {
    // Started again by the progenitor section to generate as a process.
    if progenitor::child_generate() {
        return;
    }
    // `cargo bench` passes `--bench`; `cargo test` runs benches only with
    // `--benches`, where this returns at once.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    // BENCH_ONLY=per-call (or events, bulk, generation, progenitor, cost) runs one section.
    let only = std::env::var("BENCH_ONLY").ok();
    let wanted = |name: &str| only.as_deref().is_none_or(|o| o == name);
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("tokio");
    let sections = ["per-call", "events", "bulk", "generation", "progenitor", "cost"];
    if !sections.iter().any(|name| wanted(name)) {
        eprintln!("BENCH_ONLY names no section: {}", sections.join(", "));
        return;
    }
    if wanted("cost") {
        let cost = cost();
        write_section(
            "cost",
            "Memory and time as specs grow",
            &format!(
                "Peak heap during one generation (load, lower, emit, format; nothing written), counted by the bench's allocator, and its time, for every spec here and beside the repository (3.0, 3.1 and Swagger 2.0).\n\n{cost}\n"
            ),
        );
    }
    if wanted("per-call") {
        let overhead = runtime.block_on(client_benches::per_call_overhead());
        write_section("per-call", "Per-call overhead of the generated client", &format!("Median per call over 40 alternating blocks of 100 sequential calls to a local axum server (POST cancel, 200 empty). Both send the same request; the generated client also arms its default deadline, request timeout and read timeout (the hand-written call has none) and builds a request again only when it retries.\n\n{overhead}\n"));
    }
    if wanted("events") {
        let events = runtime.block_on(client_benches::events());
        write_section(
            "events",
            "Callback parsing and verification",
            &format!(
                "`from_verified_callback` checks the hash on the raw JSON (only the hashed fields are read) before it parses the event; `verify` on a parsed event reads only those fields too. Peak heap is what one callback adds above the body itself.\n\n{events}\n\
                 Dropbox Sign's hash covers `event_time` and `event_type` only, so a genuine hash does not vouch for the rest of the body: anyone holding one genuine event can attach any body to it. The last two rows are such bodies, built to be costly (one-byte values; `{{}},`, one typed signature per three bytes). The typed parse charges each value an upper bound of the heap it adds as it reads it (`esign_runtime::__codegen::from_json_within`) and stops once the charges pass 4x the body (64 KiB for bodies under 16 KiB), so these are refused with `CallbackError::TooDense` part way through, within the goal; the bodies the provider sends (the \"as sent\" rows) are charged well under it.\n"
            ),
        );
    }
    if wanted("bulk") {
        let bulk = runtime.block_on(client_benches::bulk());
        write_section("bulk", "Bulk cancel under a rate limit", &format!("{bulk}\n"));
    }
    if wanted("progenitor") {
        progenitor::section();
    }
    if !wanted("generation") {
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
