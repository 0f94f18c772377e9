//! `DROPBOX_SIGN_API_KEY=... cargo run -p callback-receiver [-- ADDRESS]`
//!
//! Listens on ADDRESS (default 127.0.0.1:3000) at `POST /callback`.

use esign_client::runtime::Secret;
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let Ok(api_key) = std::env::var("DROPBOX_SIGN_API_KEY") else {
        eprintln!("set DROPBOX_SIGN_API_KEY to the API key events are signed with");
        return ExitCode::FAILURE;
    };
    let address = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:3000".to_owned());
    let listener = match tokio::net::TcpListener::bind(&address).await {
        Ok(listener) => listener,
        Err(err) => {
            eprintln!("cannot listen on {address}: {err}");
            return ExitCode::FAILURE;
        }
    };
    println!("listening on http://{address}/callback");
    let app = callback_receiver::router(Secret::new(api_key), None);
    match axum::serve(listener, app).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("{err}");
            ExitCode::FAILURE
        }
    }
}
