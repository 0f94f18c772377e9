//! Send a PDF for signature, wait until it is signed, download the result:
//! `send-and-track --help` prints the usage.

fn main() -> std::process::ExitCode {
    send_and_track::main_with(std::env::args().skip(1).collect())
}
