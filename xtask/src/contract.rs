//! `cargo xtask contract`: the Dropbox Sign client against the vendor's own
//! OpenAPI description (`../shared/vendor/dropbox-sign/openapi.yaml`, beside
//! the repository), served by Prism, a mock server that validates every
//! request against the spec and answers from it.
//!
//! Prism (npm `@stoplight/prism-cli`, pinned to [`PRISM_VERSION`]) is
//! installed with npm into `prism/` under the target directory cargo
//! reports, unless that exact version is already there. For each mode,
//! static (answers from the spec's examples) and dynamic (generated data),
//! Prism is started on 127.0.0.1 at a free port, waited for (bounded), and
//! the caller (`tests/src/bin/contract.rs`, run with `cargo run -p
//! esign-tests --bin contract -- BASE_URL MODE SPEC`) calls every
//! operation of the client and judges the answers; Prism is stopped on
//! every path. Prism's own output goes to `prism/mock-MODE.log`.
//!
//! Kept out of `cargo test`: it needs Node.js, npm (once, to install) and
//! the vendor's file beside the repository. CI runs it.

use crate::workspace_root;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

/// The Prism release the figures in the README were measured with.
const PRISM_VERSION: &str = "5.16.0";
/// The vendor's spec, relative to the workspace root.
const VENDOR_SPEC: &str = "../shared/vendor/dropbox-sign/openapi.yaml";
/// How long Prism may take to load the spec and listen.
const START_TIMEOUT: Duration = Duration::from_secs(90);
/// How long one run of the caller may take, its build included.
const CALLER_TIMEOUT: Duration = Duration::from_secs(1800);
/// How long the install may take.
const INSTALL_TIMEOUT: Duration = Duration::from_secs(600);

/// Prism's modes: a name and the flags that select it.
const MODES: &[(&str, &[&str])] = &[("static", &[]), ("dynamic", &["-d"])];

pub fn run() -> Result<ExitCode, String> {
    let root = workspace_root();
    let spec = root.join(VENDOR_SPEC);
    let spec = spec
        .canonicalize()
        .map_err(|e| format!("the vendor's spec {VENDOR_SPEC} (beside the repository) cannot be read: {e}"))?;
    let target = crate::corpus::target_dir(&root)?;
    let prism_dir = target.join("prism");
    let prism = install_prism(&prism_dir)?;

    // The caller is built before any mock runs, so no mock waits on cargo.
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let status = Command::new(&cargo)
        .args(["build", "--quiet", "-p", "esign-tests", "--bin", "contract"])
        .current_dir(&root)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err("the contract caller (esign-tests, bin `contract`) does not build".to_owned());
    }

    let mut failed = Vec::new();
    for (mode, flags) in MODES {
        let port = free_port()?;
        let log_path = prism_dir.join(format!("mock-{mode}.log"));
        let log = std::fs::File::create(&log_path).map_err(|e| format!("{}: {e}", log_path.display()))?;
        let err_log = log.try_clone().map_err(|e| format!("{}: {e}", log_path.display()))?;
        let port_text = port.to_string();
        let mut args = vec!["mock", "-h", "127.0.0.1", "-p", port_text.as_str()];
        args.extend_from_slice(flags);
        let child = Command::new(&prism)
            .args(&args)
            .arg(&spec)
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(err_log)
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", prism.display()))?;
        // Stopped when this goes out of scope, whatever happens below.
        let mut mock = Stopped(child);
        wait_until_listening(&mut mock.0, port, &log_path)?;
        let base_url = format!("http://127.0.0.1:{port}");
        println!("contract: Prism {PRISM_VERSION} ({mode}) serving the vendor's spec at {base_url}");
        let caller = Command::new(&cargo)
            .args(["run", "--quiet", "-p", "esign-tests", "--bin", "contract", "--"])
            .arg(&base_url)
            .arg(mode)
            .arg(&spec)
            .current_dir(&root)
            .stdin(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        let mut caller = Stopped(caller);
        let passed =
            wait_bounded(&mut caller.0, CALLER_TIMEOUT).map_err(|e| format!("the contract caller ({mode}): {e}"))?;
        drop(caller);
        drop(mock);
        if !passed {
            failed.push(*mode);
        }
    }
    if failed.is_empty() {
        println!("contract: passed in every mode ({})", MODES.iter().map(|(m, _)| *m).collect::<Vec<_>>().join(", "));
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!("contract: failed in {} mode (see the FAIL and GAP lines above)", failed.join(" and "));
        Ok(ExitCode::FAILURE)
    }
}

/// A child process killed (and reaped) when dropped, on every path out.
struct Stopped(Child);

impl Drop for Stopped {
    fn drop(&mut self) {
        if matches!(self.0.try_wait(), Ok(None)) {
            let _ = self.0.kill();
        }
        let _ = self.0.wait();
    }
}

/// Prism's command in `dir`, installed with npm unless [`PRISM_VERSION`]
/// is already there.
fn install_prism(dir: &Path) -> Result<PathBuf, String> {
    let prism = dir.join("node_modules").join(".bin").join("prism");
    let installed = || -> Option<String> {
        let manifest = dir.join("node_modules/@stoplight/prism-cli/package.json");
        let text = std::fs::read_to_string(manifest).ok()?;
        let json: serde_json::Value = serde_json::from_str(&text).ok()?;
        json["version"].as_str().map(str::to_owned)
    };
    if installed().as_deref() == Some(PRISM_VERSION) && prism.exists() {
        return Ok(prism);
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    println!("contract: installing Prism {PRISM_VERSION} with npm into {}", dir.display());
    let package = format!("@stoplight/prism-cli@{PRISM_VERSION}");
    let mut npm = Command::new("npm")
        .arg("install")
        .arg("--prefix")
        .arg(dir)
        .args(["--no-audit", "--no-fund", &package])
        .stdin(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot run npm (Node.js and npm are needed to install Prism): {e}"))?;
    let ok = wait_bounded(&mut npm, INSTALL_TIMEOUT).map_err(|e| format!("npm install {package}: {e}"))?;
    if !ok {
        return Err(format!("npm install {package} failed"));
    }
    match installed() {
        Some(version) if version == PRISM_VERSION && prism.exists() => Ok(prism),
        other => Err(format!(
            "after npm install, {} holds Prism {} (wanted {PRISM_VERSION})",
            dir.display(),
            other.as_deref().unwrap_or("none")
        )),
    }
}

/// A port nothing listens on at 127.0.0.1 (the system's choice, released
/// at once for Prism to take).
fn free_port() -> Result<u16, String> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| format!("no free port: {e}"))?;
    listener.local_addr().map(|a| a.port()).map_err(|e| format!("no free port: {e}"))
}

/// Waits until something listens at 127.0.0.1:`port`, at most
/// [`START_TIMEOUT`]; fails at once if the child exits.
fn wait_until_listening(child: &mut Child, port: u16, log: &Path) -> Result<(), String> {
    let started = Instant::now();
    let address = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    loop {
        if std::net::TcpStream::connect_timeout(&address, Duration::from_millis(500)).is_ok() {
            return Ok(());
        }
        if let Ok(Some(status)) = child.try_wait() {
            return Err(format!("Prism exited ({status}) before listening:\n{}", tail(log)));
        }
        if started.elapsed() > START_TIMEOUT {
            return Err(format!(
                "Prism did not listen on port {port} within {} s:\n{}",
                START_TIMEOUT.as_secs(),
                tail(log)
            ));
        }
        std::thread::sleep(Duration::from_millis(250));
    }
}

/// Waits for `child` at most `limit`; true when it exited with success.
/// Past the limit it is killed and an error returned.
fn wait_bounded(child: &mut Child, limit: Duration) -> Result<bool, String> {
    let started = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Ok(status.success()),
            Ok(None) if started.elapsed() > limit => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("still running after {} s; stopped", limit.as_secs()));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(200)),
            Err(e) => return Err(e.to_string()),
        }
    }
}

/// The last lines of a log, for an error message.
fn tail(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(20)..].join("\n")
}
