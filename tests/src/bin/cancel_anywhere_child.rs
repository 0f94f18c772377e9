//! The `cancel-anywhere` example's program under another name, so
//! `tests/all/examples.rs` can run it as a child process.

fn main() -> std::process::ExitCode {
    cancel_anywhere::main_with(std::env::args().skip(1).collect())
}
