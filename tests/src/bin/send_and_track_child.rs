//! The `send-and-track` example's program under another name, so
//! `tests/all/examples.rs` can run it as a child process.

fn main() -> std::process::ExitCode {
    send_and_track::main_with(std::env::args().skip(1).collect())
}
