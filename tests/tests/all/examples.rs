//! The example programs as command-line tools, each run as a child process
//! (under another name, see `tests/src/bin/`): `--help` prints the usage on
//! stdout and exits 0; a usage error (a bad argument, a variable not set)
//! says what to do on stderr, names the variable, exits 2 and creates no
//! file; outcomes are text, or JSON with `--json`; a failure exits non-zero.

use std::process::{Command, Output, Stdio};
use std::time::Duration;

/// Every variable the examples read, so the tests' own environment never leaks in.
const VARIABLES: &[&str] = &[
    "DROPBOX_SIGN_API_KEY",
    "DROPBOX_SIGN_BASE_URL",
    "LEEGALITY_AUTH_TOKEN",
    "LEEGALITY_BASE_URL",
    "CONSTELLATION1_BASE_URL",
    "CONSTELLATION1_TOKEN",
    "RETURN_URL",
];

/// Runs `command` to its end (at most a minute), without blocking the
/// test's runtime, so a server in this process can answer it.
pub async fn output(mut command: Command) -> Output {
    command.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let child = command.spawn().expect("the example program starts");
    let id = child.id();
    let waited =
        tokio::time::timeout(Duration::from_secs(60), tokio::task::spawn_blocking(|| child.wait_with_output()));
    match waited.await {
        Ok(joined) => joined.unwrap().unwrap(),
        Err(_) => {
            // Still running after a minute: stop it (by its own id) and fail.
            let _ = Command::new("kill").args(["-9", &id.to_string()]).status();
            panic!("the example program did not finish within a minute");
        }
    }
}

/// A program with no variable of its own set, in `dir`.
fn program(exe: &str, dir: &std::path::Path, args: &[&str]) -> Command {
    let mut command = Command::new(exe);
    command.current_dir(dir).args(args);
    for name in VARIABLES {
        command.env_remove(name);
    }
    command
}

const PROGRAMS: [(&str, &str); 4] = [
    ("bulk-cancel", env!("CARGO_BIN_EXE_bulk-cancel-child")),
    ("cancel-anywhere", env!("CARGO_BIN_EXE_cancel-anywhere-child")),
    ("send-and-track", env!("CARGO_BIN_EXE_send-and-track-child")),
    ("callback-receiver", env!("CARGO_BIN_EXE_callback-receiver-child")),
];

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn files_in(dir: &std::path::Path) -> Vec<String> {
    std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect()
}

#[tokio::test]
async fn every_example_has_help_on_stdout_and_exit_0() {
    let dir = tempfile::tempdir().unwrap();
    for (name, exe) in PROGRAMS {
        for flag in ["--help", "-h"] {
            let out = output(program(exe, dir.path(), &[flag])).await;
            let stdout = text(&out.stdout);
            assert_eq!(out.status.code(), Some(0), "{name} {flag}: {}", text(&out.stderr));
            assert!(stdout.contains(&format!("Usage: {name} ")), "{name}: {stdout}");
            assert!(stdout.contains("Exit status: 0 "), "{name}: {stdout}");
            assert!(out.stderr.is_empty(), "{name}: {}", text(&out.stderr));
        }
    }
    assert!(files_in(dir.path()).is_empty(), "no file created: {:?}", files_in(dir.path()));
}

/// A program, its arguments, the variables set, and what stderr must say.
type UsageCase = (&'static str, &'static [&'static str], &'static [(&'static str, &'static str)], &'static str);

#[tokio::test]
async fn usage_errors_go_to_stderr_with_exit_2_and_create_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let cases: &[UsageCase] = &[
        ("bulk-cancel", &[], &[("DROPBOX_SIGN_API_KEY", "k")], "give --ids FILE or --query QUERY"),
        ("bulk-cancel", &["--ids"], &[("DROPBOX_SIGN_API_KEY", "k")], "--ids needs a value"),
        ("bulk-cancel", &["--ids", "ids.txt", "--bogus"], &[("DROPBOX_SIGN_API_KEY", "k")], "`--bogus`"),
        ("bulk-cancel", &["--ids", "ids.txt", "--concurrency", "0"], &[("DROPBOX_SIGN_API_KEY", "k")], "1 to 1000"),
        ("bulk-cancel", &["--ids", "ids.txt"], &[], "set DROPBOX_SIGN_API_KEY"),
        ("cancel-anywhere", &[], &[], "give at least one TARGET=ID"),
        ("cancel-anywhere", &["sr-1"], &[], "expected TARGET=ID, got `sr-1`"),
        ("cancel-anywhere", &["envelope=1"], &[], "unknown target `envelope`"),
        ("cancel-anywhere", &["signature-request=sr-1"], &[], "set DROPBOX_SIGN_API_KEY"),
        ("cancel-anywhere", &["invitation=https://sign.example/x"], &[], "set LEEGALITY_AUTH_TOKEN"),
        (
            "cancel-anywhere",
            &["session=s-1"],
            &[("RETURN_URL", "https://example.com/after")],
            "set CONSTELLATION1_BASE_URL and CONSTELLATION1_TOKEN",
        ),
        (
            "cancel-anywhere",
            &["session=s-1"],
            &[("CONSTELLATION1_BASE_URL", "http://127.0.0.1:9"), ("CONSTELLATION1_TOKEN", "t")],
            "set RETURN_URL",
        ),
        ("send-and-track", &["doc.pdf", "Jack <jack@example.com>"], &[], "set DROPBOX_SIGN_API_KEY"),
        ("send-and-track", &["doc.pdf"], &[("DROPBOX_SIGN_API_KEY", "k")], "at least one signer"),
        ("send-and-track", &["doc.pdf", "jack"], &[("DROPBOX_SIGN_API_KEY", "k")], "not a signer: `jack`"),
        (
            "send-and-track",
            &["doc.pdf", "J <j@x.io>", "--wait-minutes", "x"],
            &[("DROPBOX_SIGN_API_KEY", "k")],
            "--wait-minutes x",
        ),
        ("callback-receiver", &[], &[], "set DROPBOX_SIGN_API_KEY"),
        ("callback-receiver", &["nowhere"], &[("DROPBOX_SIGN_API_KEY", "k")], "not an address"),
    ];
    for (name, args, env, expected) in cases {
        let exe = PROGRAMS.iter().find(|(n, _)| n == name).unwrap().1;
        let mut command = program(exe, dir.path(), args);
        command.envs(env.iter().copied());
        let out = output(command).await;
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name} {args:?}: {stderr}");
        assert!(stderr.contains(expected), "{name} {args:?}: {stderr}");
        assert!(stderr.contains(&format!("{name}: ")), "{name} {args:?}: {stderr}");
        assert!(out.stdout.is_empty(), "{name} {args:?}: {}", text(&out.stdout));
        assert!(!stderr.contains("Some(") && !stderr.contains("Failed {"), "no Debug dump: {stderr}");
    }
    assert!(files_in(dir.path()).is_empty(), "no file created: {:?}", files_in(dir.path()));
}

/// The Dropbox Sign simulator `builder` configures, with the key the
/// programs are given and `open` requests awaiting signature (any other id
/// is not found).
async fn dropbox_sim(
    builder: esign_sim::dropbox_sign::DropboxSignSimBuilder,
    open: &[&str],
) -> esign_sim::DropboxSignSim {
    crate::support::dropbox_sim(builder, "sk_examples", open).await
}

#[tokio::test]
async fn cancel_anywhere_prints_outcomes_as_text_or_json_and_fails_on_a_failure() {
    let sim = dropbox_sim(esign_sim::DropboxSignSim::builder(), &["sr-1", "sr-2"]).await;
    let base = sim.base_url();
    let dir = tempfile::tempdir().unwrap();
    let exe = env!("CARGO_BIN_EXE_cancel-anywhere-child");
    let run = |args: &[&str]| {
        let mut command = program(exe, dir.path(), args);
        command.env("DROPBOX_SIGN_API_KEY", "sk_examples").env("DROPBOX_SIGN_BASE_URL", base);
        output(command)
    };
    let out = run(&["signature-request=sr-1"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "signature-request sr-1: queued (the provider confirms the cancel later)\n");

    let out = run(&["--json", "signature-request=sr-2", "signature-request=sr-gone"]).await;
    assert_eq!(out.status.code(), Some(1), "a target not canceled fails the run");
    let lines: Vec<serde_json::Value> =
        text(&out.stdout).lines().map(|line| serde_json::from_str(line).expect("one JSON object a line")).collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(
        lines[0],
        serde_json::json!({"target": "signature-request", "id": "sr-2", "outcome": "queued", "reason": null, "status": null})
    );
    assert_eq!((lines[1]["id"].as_str(), lines[1]["outcome"].as_str()), (Some("sr-gone"), Some("not_found")));
}

#[tokio::test]
async fn bulk_cancel_prints_a_summary_or_json_and_exits_3_when_ids_were_not_attempted() {
    let sim = dropbox_sim(esign_sim::DropboxSignSim::builder(), &["sr-1", "sr-2"]).await;
    let base = sim.base_url();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("ids.txt"), "sr-1\nsr-2\nsr-gone\n").unwrap();
    let run = |args: &[&str]| {
        let mut command = program(env!("CARGO_BIN_EXE_bulk-cancel-child"), dir.path(), args);
        command.env("DROPBOX_SIGN_API_KEY", "sk_examples").env("DROPBOX_SIGN_BASE_URL", base);
        output(command)
    };
    let out = run(&["--ids", "ids.txt"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "not found      1\nqueued         2\njournal: bulk-report.jsonl\n");

    let out = run(&["--ids", "ids.txt", "--json", "--resume", "bulk-report.jsonl"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    assert_eq!(summary["counts"], serde_json::json!({"not_found": 1, "queued": 2}));
    assert_eq!((summary["ids"].as_u64(), summary["journal"].as_str()), (Some(3), Some("bulk-report.jsonl")));

    // Nothing answers: every id is not attempted, and the exit status says resume.
    let mut command =
        program(env!("CARGO_BIN_EXE_bulk-cancel-child"), dir.path(), &["--ids", "ids.txt", "--report", "dead.jsonl"]);
    command.env("DROPBOX_SIGN_API_KEY", "sk_examples").env("DROPBOX_SIGN_BASE_URL", "http://127.0.0.1:9/v3");
    let out = output(command).await;
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("not attempted  3\n") && stdout.contains("run again with --resume dead.jsonl"), "{stdout}");
}

#[tokio::test]
async fn bulk_cancel_keeps_the_ids_a_query_listed_so_a_resumption_can_give_the_same() {
    // The search lists two requests the first time; the run queues both
    // cancels (held), and one of them completes before the second search.
    let sim = dropbox_sim(esign_sim::DropboxSignSim::builder().hold_cancellations(), &["q-1", "q-2"]).await;
    let base = sim.base_url();
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let mut command = program(env!("CARGO_BIN_EXE_bulk-cancel-child"), dir.path(), args);
        command.env("DROPBOX_SIGN_API_KEY", "sk_examples").env("DROPBOX_SIGN_BASE_URL", base);
        output(command)
    };
    let out = run(&["--query", "title:Offer", "--report", "q.jsonl"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(std::fs::read_to_string(dir.path().join("q.jsonl.ids")).unwrap(), "q-1\nq-2\n");
    let journal = std::fs::read(dir.path().join("q.jsonl")).unwrap();
    assert!(sim.complete_cancellation("q-1").await, "q-1 was canceling");

    let out = run(&["--query", "title:Offer", "--resume", "q.jsonl"]).await;
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("over 2 ids") && stderr.contains("this run is `signature_request_cancel` over 1 ids"));
    assert!(stderr.contains("the ids that run listed are in q.jsonl.ids: --ids q.jsonl.ids --resume q.jsonl"));
    assert_eq!(std::fs::read(dir.path().join("q.jsonl")).unwrap(), journal, "the journal is left as it was");

    let out = run(&["--ids", "q.jsonl.ids", "--resume", "q.jsonl"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "queued         2\njournal: q.jsonl\n");
}
