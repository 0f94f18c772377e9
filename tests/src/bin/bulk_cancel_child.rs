//! The `bulk-cancel` example's program under another name, so the crash
//! test (`tests/all/faults.rs`) can run it as a child process and kill it.

fn main() -> std::process::ExitCode {
    bulk_cancel::main_with(std::env::args().skip(1).collect())
}
