//! `DROPBOX_SIGN_API_KEY=... callback-receiver [ADDRESS]`: listens on
//! ADDRESS (default 127.0.0.1:3000) at `POST /callback`;
//! `callback-receiver --help` prints the usage.

fn main() -> std::process::ExitCode {
    callback_receiver::main_with(std::env::args().skip(1).collect())
}
