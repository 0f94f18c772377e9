//! `cancel-anywhere TARGET=ID...`: `cancel-anywhere --help` prints the
//! usage, with the environment variables each target needs.

fn main() -> std::process::ExitCode {
    cancel_anywhere::main_with(std::env::args().skip(1).collect())
}
