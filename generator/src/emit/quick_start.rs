//! The quick start on a generated crate's front page (its `lib.rs` docs)
//! and in its README: a whole program that builds the main module's client
//! and makes one call, compiled as a doctest (`no_run`).

use super::operation::scalar_sample;
use crate::ir::{self, SecurityKind};

/// The module the quick start shows: the API with the most operations
/// (the first of those, in the crate's order).
pub(crate) fn main_api(apis: &[ir::Api]) -> Option<&ir::Api> {
    apis.iter().rev().max_by_key(|api| api.operations.len())
}

/// The quick start for `api` (see [`main_api`]), as Markdown: a
/// sentence naming the dependencies, then the program. `lib` is the
/// crate's library name.
pub(crate) fn quick_start(lib: &str, api: &ir::Api) -> String {
    let path = format!("{lib}::{}", api.module);
    let mut imports = vec!["Client".to_owned()];
    let credentials = api.security.first().map(|scheme| {
        imports.push("Credentials".to_owned());
        let secret = match scheme.kind {
            SecurityKind::Basic => "\"USER\", \"PASSWORD\"",
            _ => "\"YOUR_SECRET\"",
        };
        format!("Credentials::{}({secret})", scheme.constructor)
    });
    let client = match (api.servers.is_empty(), &credentials) {
        (false, Some(credentials)) => format!("Client::new({credentials})?"),
        (false, None) => "Client::new()?".to_owned(),
        (true, credentials) => {
            // The spec names no server: the base URL is the caller's to give.
            let mut chain = "Client::builder()\n        .base_url(\"https://api.example.com\")".to_owned();
            if let Some(credentials) = credentials {
                chain.push_str(&format!("\n        .credentials({credentials})"));
            }
            chain.push_str("\n        .build()?");
            chain
        }
    };
    let mut body = vec![format!("    let client = {client};")];
    match first_call(api, lib) {
        Some((call, options)) => {
            if let Some(options) = options {
                imports.push(options);
            }
            body.push(format!("    let response = client.{call}.await?;"));
            body.push("    println!(\"{}\", response.status);".to_owned());
        }
        None => body.push("    println!(\"{}\", client.base_url());".to_owned()),
    }
    let mut lines = vec![
        "Every operation is an async method of the module's `Client`. With `tokio` beside this crate (its \
         `#[tokio::main]` needs the `macros` and `rt-multi-thread` features):"
            .to_owned(),
        String::new(),
        "```rust,no_run".to_owned(),
        match imports.as_slice() {
            [one] => format!("use {path}::{one};"),
            _ => format!("use {path}::{{{}}};", imports.join(", ")),
        },
        String::new(),
        "#[tokio::main]".to_owned(),
        "async fn main() -> Result<(), Box<dyn std::error::Error>> {".to_owned(),
    ];
    lines.extend(body);
    lines.push("    Ok(())".to_owned());
    lines.push("}".to_owned());
    lines.push("```".to_owned());
    lines.push(String::new());
    lines.push(
        "A call returns a `Response` (status, headers, body) or a `runtime::Error` that keeps the status and \
         the raw body of anything the client could not use. `Client::builder()` sets another base URL, \
         retries and timeouts (`runtime::RetryPolicy`) and your own `reqwest` client."
            .to_owned(),
    );
    lines.join("\n")
}

/// The call the quick start makes: the first `GET` (else the first
/// operation) whose required arguments are all literals, with its options
/// type when it has one.
fn first_call(api: &ir::Api, lib: &str) -> Option<(String, Option<String>)> {
    let runtime = format!("{lib}::runtime");
    let call = |op: &ir::Operation| -> Option<(String, Option<String>)> {
        let mut args = Vec::new();
        for p in op.params.iter().filter(|p| p.required) {
            args.push(scalar_sample(p, &runtime)?);
        }
        match &op.body {
            Some(body) if body.required => return None,
            Some(_) => args.push("None".to_owned()),
            None => {}
        }
        if let Some(options) = &op.names.options {
            args.push(format!("&{options}::default()"));
        }
        Some((format!("{}({})", op.method_name, args.join(", ")), op.names.options.clone()))
    };
    let gets = api.operations.iter().filter(|op| op.method == ir::Method::Get);
    gets.chain(api.operations.iter()).find_map(call)
}
