//! `bulk-cancel`: see the library's documentation (`src/lib.rs`) for usage.

fn main() -> std::process::ExitCode {
    bulk_cancel::main_with(std::env::args().skip(1).collect())
}
