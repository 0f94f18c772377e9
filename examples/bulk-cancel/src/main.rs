//! `bulk-cancel`: `bulk-cancel --help` prints the usage; the library's
//! documentation (`src/lib.rs`) says how it works.

fn main() -> std::process::ExitCode {
    bulk_cancel::main_with(std::env::args().skip(1).collect())
}
