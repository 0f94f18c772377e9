//! IR operations -> the module root (`mod.rs`): servers, credentials, the
//! client, its builder and one async method per operation.

use super::extras::{operation_extras, webhook_items};
use super::operation::{header_types, operation, ModuleContext};
use super::{docs, ident, ty};
use crate::ir::{self, SecurityKind, TypeRef};
use crate::render::Printer;
use proc_macro2::TokenStream;
use quote::quote;

/// The module root of one API: what its parts share, made once. The
/// operations are printed a range at a time ([`ClientFile::operations`],
/// which threads may run side by side), then the file is put together
/// around them ([`ClientFile::print`]).
pub struct ClientFile<'a> {
    api: &'a ir::Api,
    module: ModuleContext<'a>,
}

/// A range of operations, printed: their methods and their extra methods
/// (both inside `impl Client`), and the items they need after the block.
#[derive(Debug, Default)]
pub struct OperationTexts {
    methods: String,
    extras: String,
    after: String,
}

impl<'a> ClientFile<'a> {
    /// The module root of `api` in the crate whose library is `lib`.
    pub fn new(api: &'a ir::Api, lib: &str) -> ClientFile<'a> {
        let module = ModuleContext { path: format!("{lib}::{}", api.module), api };
        ClientFile { api, module }
    }

    /// Prints the operations in `range` (indexes into the API's
    /// operations), each method as it is made. Fails only on a generator
    /// bug (see [`Printer::finish`]).
    pub fn operations(&self, range: std::ops::Range<usize>) -> Result<OperationTexts, String> {
        let ops = self.api.operations.get(range).unwrap_or_default();
        let (mut methods, mut extras, mut after) = (Printer::new(), Printer::new(), Printer::new());
        let mut extra_items = Vec::new();
        for op in ops {
            let module = &self.module;
            methods.impl_items(operation(op, op.body.as_ref(), &op.method_name, module, &mut extra_items, true));
            if let (Some(body), Some(name)) = (&op.multipart_alternative, &op.names.multipart_method) {
                methods.impl_items(operation(op, Some(body), name, module, &mut extra_items, false));
            }
            for item in extra_items.drain(..) {
                after.push(item);
            }
            let more = operation_extras(self.api, op);
            extras.impl_items(quote!(#(#more)*));
        }
        Ok(OperationTexts { methods: methods.into_text()?, extras: extras.into_text()?, after: after.into_text()? })
    }

    /// The whole file into `out`, with `parts` (the operations printed by
    /// [`ClientFile::operations`], in order) in their places.
    pub fn print(&self, parts: &[OperationTexts], out: &mut Printer) {
        client_file(self, parts, out);
    }
}

fn client_file(file: &ClientFile<'_>, parts: &[OperationTexts], out: &mut Printer) {
    let api = file.api;
    let mut module_text = format!("{} {}\n\n{}", api.title, api.version, api.docs.trim());
    module_text.push_str(&format!(
        "\n\nGenerated from `{}`. Start with [`Client::new`] or [`Client::builder`]; every operation is an async method of [`Client`].",
        api.source
    ));
    let module_docs = docs::inner(&module_text);

    let default_error_tokens = ty(api, &api.default_error);
    let warning_item = match &api.warnings {
        Some(w) => ty(api, &TypeRef::Named(w.item)),
        None => quote!(::serde_json::Value),
    };
    let servers = servers(api);
    let credentials = credentials(api);
    let builder = builder(api);
    let finish = finish(api);
    let rate_limit = match &api.rate_limit {
        Some(r) => {
            let (limit, remaining, reset) = (&r.limit, &r.remaining, &r.reset);
            quote! {
                Some(crate::runtime::RateLimitHeaders { limit: #limit, remaining: #remaining, reset: #reset })
            }
        }
        None => quote!(None),
    };
    let retry_rules = match &api.retry_rules {
        None => quote!(crate::runtime::__codegen::RetryRules::DEFAULT),
        Some(rules) => {
            let list = |items: &[ir::RetryMatch]| -> Vec<TokenStream> {
                items
                    .iter()
                    .map(|m| {
                        let status = m.status;
                        let pointer = match &m.body {
                            Some(body) => {
                                let (p, v) = (body.pointer.as_str(), &body.equals);
                                quote!(Some((#p, #v)))
                            }
                            None => quote!(None),
                        };
                        quote!(crate::runtime::__codegen::RetryMatch { status: #status, pointer: #pointer })
                    })
                    .collect()
            };
            let (rate, unavailable) = (list(&rules.rate_limited), list(&rules.unavailable));
            quote!(crate::runtime::__codegen::RetryRules { rate_limited: &[#(#rate),*], unavailable: &[#(#unavailable),*] })
        }
    };
    let header_items = header_types(api);

    let response_doc = match &api.warnings {
        Some(w) => format!(
            "A successful response: status, headers, rate limit, the `{}` warnings the API sent, and the body.",
            api.type_name(w.item)
        ),
        None => "A successful response: status, headers, rate limit and the body.".to_owned(),
    };
    let response_doc = docs::outer(&response_doc);
    let glob = (!api.types.is_empty()).then(|| {
        quote!(
            pub use types::*;
        )
    });
    let finish = (!api.operations.is_empty()).then_some(finish);
    out.push(quote! {
        #module_docs
        #![allow(
            deprecated,
            clippy::too_many_arguments,
            clippy::large_enum_variant,
            clippy::type_complexity,
            clippy::result_large_err,
            clippy::vec_init_then_push
        )]

        pub mod types;
        #glob

        #response_doc
        pub type Response<T> = crate::runtime::Response<T, #warning_item>;

        /// The error every operation returns; `E` is the documented error body.
        pub type Error<E = #default_error_tokens> = crate::runtime::Error<E>;

        const RATE_LIMIT: ::std::option::Option<crate::runtime::RateLimitHeaders> = #rate_limit;

        const RETRY_RULES: crate::runtime::__codegen::RetryRules = #retry_rules;

        #servers
        #credentials

        /// The client: cheap to clone, one per set of credentials. Clones
        /// share their connections and the rate-limit window: every call
        /// of every clone waits while the window the API reported is spent.
        #[derive(Clone, Debug)]
        pub struct Client {
            core: crate::runtime::ClientCore,
        }

        #builder
    });

    out.open_impl("impl Client");
    out.impl_items(quote! {
        /// Starts building a client.
        pub fn builder() -> ClientBuilder {
            ClientBuilder::default()
        }

        /// The base URL requests go to.
        pub fn base_url(&self) -> &str {
            self.core.base_url()
        }

        /// The retry policy in force.
        pub fn retry_policy(&self) -> &crate::runtime::RetryPolicy {
            self.core.retry_policy()
        }

        /// A copy of this client (sharing its connections and its
        /// rate-limit window) with another retry policy.
        pub fn with_retry_policy(&self, retry: crate::runtime::RetryPolicy) -> Client {
            Client { core: self.core.clone().with_retry_policy(retry) }
        }

        /// The rate-limit window as this client and its clones count it:
        /// the last one the API reported, less the requests sent since.
        /// `None` before an answer reports one (or when the API reports none).
        pub fn rate_limit_window(&self) -> ::std::option::Option<crate::runtime::RateLimit> {
            self.core.rate_limit_window()
        }

        #finish
    });
    // One method per operation (and its multipart twin), then each
    // operation's extra methods; the items a method needs (options struct,
    // body enum, multipart struct) come after the block.
    for part in parts {
        out.text(&part.methods);
    }
    for part in parts {
        out.text(&part.extras);
    }
    out.close_impl();

    out.push(webhook_items(api));
    for part in parts {
        out.text(&part.after);
    }
    for item in header_items {
        out.push(item);
    }
    out.push(cancel_impl(api).unwrap_or_default());
}

fn servers(api: &ir::Api) -> TokenStream {
    if api.servers.is_empty() {
        return quote!();
    }
    let variants = api.servers.iter().enumerate().map(|(i, s)| {
        let name = ident(&s.const_name);
        let text = docs::paragraphs([s.docs.as_str(), &format!("`{}`", s.url)]);
        let doc = docs::outer(&text);
        let default = (i == 0).then(|| quote!(#[default]));
        quote! { #doc #default #name, }
    });
    let names: Vec<_> = api.servers.iter().map(|s| ident(&s.const_name)).collect();
    let urls: Vec<&String> = api.servers.iter().map(|s| &s.url).collect();
    quote! {
        /// The servers the documentation names; the first is the default.
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
        pub enum Server {
            #(#variants)*
        }

        impl Server {
            /// The server's base URL.
            pub const fn url(self) -> &'static str {
                match self {
                    #( Server::#names => #urls, )*
                }
            }
        }
    }
}

fn credentials(api: &ir::Api) -> TokenStream {
    if api.security.is_empty() {
        return quote!();
    }
    let mut variants = Vec::new();
    let mut constructors = Vec::new();
    let mut arms = Vec::new();
    for s in &api.security {
        let variant = ident(&s.variant);
        let constructor = ident(&s.constructor);
        let base =
            if s.docs.trim().is_empty() { format!("The `{}` security scheme.", s.wire_name) } else { s.docs.clone() };
        let wire = match &s.kind {
            SecurityKind::Basic => "Sent as HTTP basic authentication.".to_owned(),
            SecurityKind::BasicApiKeyUsername => {
                "Sent as HTTP basic authentication with the key as user name and an empty password.".to_owned()
            }
            SecurityKind::Bearer => "Sent as `Authorization: Bearer <token>`.".to_owned(),
            SecurityKind::Header(name) => format!("Sent in the `{name}` header exactly as given."),
            SecurityKind::Query(name) => format!("Sent as the `{name}` query parameter."),
            SecurityKind::Cookie(name) => format!("Sent as the `{name}` cookie."),
        };
        let doc = docs::outer(&docs::paragraphs([base.as_str(), &wire]));
        let ctor_doc = docs::outer(&format!("Credentials for the `{}` scheme. {wire}", s.wire_name));
        match &s.kind {
            SecurityKind::Basic => {
                variants.push(quote! {
                    #doc
                    #variant {
                        /// The user name.
                        username: crate::runtime::Secret,
                        /// The password.
                        password: crate::runtime::Secret,
                    },
                });
                constructors.push(quote! {
                    #ctor_doc
                    pub fn #constructor(username: impl ::std::convert::Into<::std::string::String>, password: impl ::std::convert::Into<::std::string::String>) -> Self {
                        Credentials::#variant {
                            username: crate::runtime::Secret::new(username),
                            password: crate::runtime::Secret::new(password),
                        }
                    }
                });
                arms.push(quote! {
                    Credentials::#variant { username, password } => crate::runtime::Auth::Basic { username, password },
                });
            }
            kind => {
                variants.push(quote! { #doc #variant(crate::runtime::Secret), });
                constructors.push(quote! {
                    #ctor_doc
                    pub fn #constructor(secret: impl ::std::convert::Into<::std::string::String>) -> Self {
                        Credentials::#variant(crate::runtime::Secret::new(secret))
                    }
                });
                let auth = match kind {
                    SecurityKind::BasicApiKeyUsername => quote! {
                        crate::runtime::Auth::Basic { username: secret, password: crate::runtime::Secret::new("") }
                    },
                    SecurityKind::Bearer => quote!(crate::runtime::Auth::Bearer(secret)),
                    SecurityKind::Header(name) => quote!(crate::runtime::Auth::Header { name: #name, value: secret }),
                    SecurityKind::Query(name) => quote!(crate::runtime::Auth::Query { name: #name, value: secret }),
                    SecurityKind::Cookie(name) => quote!(crate::runtime::Auth::Cookie { name: #name, value: secret }),
                    SecurityKind::Basic => quote!(crate::runtime::Auth::None),
                };
                arms.push(quote! { Credentials::#variant(secret) => #auth, });
            }
        }
    }
    quote! {
        /// How the client authenticates: one of the spec's security schemes.
        /// `Debug` never shows the secret.
        #[derive(Clone, Debug, PartialEq, Eq)]
        pub enum Credentials {
            #(#variants)*
        }

        impl Credentials {
            #(#constructors)*

            fn into_auth(self) -> crate::runtime::Auth {
                match self {
                    #(#arms)*
                }
            }
        }
    }
}

fn builder(api: &ir::Api) -> TokenStream {
    let has_creds = !api.security.is_empty();
    let creds_field = has_creds.then(|| quote!(credentials: ::std::option::Option<Credentials>,));
    let creds_setter = has_creds.then(|| {
        quote! {
            /// Authenticates every request that needs it with these credentials.
            pub fn credentials(mut self, credentials: Credentials) -> Self {
                self.credentials = Some(credentials);
                self
            }
        }
    });
    let auth = if has_creds {
        quote!(self.credentials.map_or(crate::runtime::Auth::None, Credentials::into_auth))
    } else {
        quote!(crate::runtime::Auth::None)
    };
    let server_setter = (!api.servers.is_empty()).then(|| {
        quote! {
            /// Sends requests to one of the documented servers.
            pub fn server(mut self, server: Server) -> Self {
                self.base_url = Some(server.url().to_owned());
                self
            }
        }
    });
    let base_url = if api.servers.is_empty() {
        quote! {
            let base_url = self.base_url.ok_or(crate::runtime::BuildError::NoBaseUrl)?;
        }
    } else {
        quote! {
            let base_url = self.base_url.unwrap_or_else(|| Server::default().url().to_owned());
        }
    };
    let base_url_doc = if api.servers.is_empty() {
        "Sends requests to this base URL. Required: the spec names no server."
    } else {
        "Sends requests to this base URL instead of a documented server (a test server, a proxy)."
    };
    let base_url_doc = docs::outer(base_url_doc);
    let new_fn = if has_creds {
        quote! {
            /// A client for the default server with these credentials.
            pub fn new(credentials: Credentials) -> ::std::result::Result<Client, crate::runtime::BuildError> {
                Client::builder().credentials(credentials).build()
            }
        }
    } else {
        quote! {
            /// A client for the default server.
            pub fn new() -> ::std::result::Result<Client, crate::runtime::BuildError> {
                Client::builder().build()
            }
        }
    };
    quote! {
        /// Builds a [`Client`].
        ///
        /// Defaults: the documented server (or the base URL you give),
        /// `RetryPolicy::default()` (5 attempts, a 30 s deadline per call,
        /// a 15 s timeout per attempt, a 10 s read timeout, at most 20 s of
        /// rate-limit waits per call), same-origin redirects only
        /// (`runtime::Redirects::SameOrigin`), and response bodies read up to
        /// 16 MiB (`runtime::DEFAULT_MAX_RESPONSE_BYTES`).
        #[derive(Debug, Default)]
        pub struct ClientBuilder {
            base_url: ::std::option::Option<::std::string::String>,
            settings: crate::runtime::ClientSettings,
            #creds_field
        }

        impl ClientBuilder {
            #base_url_doc
            ///
            /// It must be absolute http or https, without user information
            /// (`user:password@`), query or fragment: credentials, where the
            /// API takes any, go in `ClientBuilder::credentials`. Errors never
            /// repeat a query value or user information.
            pub fn base_url(mut self, base_url: impl ::std::convert::Into<::std::string::String>) -> Self {
                self.base_url = Some(base_url.into());
                self
            }

            #server_setter

            /// Uses this `reqwest` client (its proxies, pool, TLS settings) as it is.
            ///
            /// Its redirect policy is its own: reqwest's default follows
            /// redirects to any host, and an API key in a header other than
            /// `Authorization`, or in the query string, goes along. Build it
            /// with `.redirect(reqwest::redirect::Policy::none())`, or prefer
            /// [`ClientBuilder::http_client_builder`], which gets this
            /// client's redirect rule. An answer from another origin than the
            /// base URL's is never used (`Error::ForeignOrigin`).
            pub fn http_client(mut self, http: ::reqwest::Client) -> Self {
                self.settings.http = Some(http);
                self
            }

            /// Builds the HTTP client from this `reqwest` builder (your proxies,
            /// pool, TLS settings), with this client's redirect rule (see
            /// [`ClientBuilder::redirects`]). Replaces [`ClientBuilder::http_client`].
            pub fn http_client_builder(mut self, builder: ::reqwest::ClientBuilder) -> Self {
                self.settings.http = None;
                self.settings.http_builder = Some(builder);
                self
            }

            /// Which redirects to follow. Default: only within the base URL's
            /// origin (scheme, host and port), so no credential ever goes to
            /// another origin; a redirect elsewhere comes back as the 3xx it
            /// is (`Error::UnexpectedResponse`). `Redirects::None` follows none.
            pub fn redirects(mut self, redirects: crate::runtime::Redirects) -> Self {
                self.settings.redirects = redirects;
                self
            }

            /// The largest response body read into memory (default 16 MiB);
            /// a larger one is `Error::ResponseTooLarge`, which keeps the
            /// status and the first bytes.
            pub fn max_response_bytes(mut self, limit: usize) -> Self {
                self.settings.max_response_bytes = limit;
                self
            }

            /// Retries, waits and timeouts (on by default: see `RetryPolicy::default`;
            /// `RetryPolicy::never()` turns retries off). A single call waits
            /// at most `max_rate_limit_wait` in all (20 s by default) for
            /// rate-limit resets, then fails at once with `Error::RateLimited`.
            pub fn retry_policy(mut self, retry: crate::runtime::RetryPolicy) -> Self {
                self.settings.retry = retry;
                self
            }

            /// The wall clock rate-limit resets and `Retry-After` dates are
            /// read against (default: the system clock). A test on tokio's
            /// paused clock gives `runtime::TokioClock::new()`, so a reset
            /// arrives when the paused wait for it ends.
            pub fn time_source(mut self, clock: impl crate::runtime::TimeSource + 'static) -> Self {
                self.settings.time_source = crate::runtime::SharedClock::new(clock);
                self
            }

            #creds_setter

            /// Builds the client; fails on a missing or malformed base URL.
            pub fn build(self) -> ::std::result::Result<Client, crate::runtime::BuildError> {
                #base_url
                let core = crate::runtime::ClientCore::build(self.settings, &base_url, #auth, RATE_LIMIT, RETRY_RULES)?;
                Ok(Client { core })
            }
        }

        impl Client {
            #new_fn
        }
    }
}

fn finish(api: &ir::Api) -> TokenStream {
    let warnings = match &api.warnings {
        Some(w) => {
            let envelope = ty(api, &TypeRef::Named(w.envelope));
            let field = ident(&w.field);
            if !w.optional {
                quote!(crate::runtime::__codegen::warnings::<#envelope>(&response.body).map(|w| w.#field).unwrap_or_default())
            } else {
                quote!(crate::runtime::__codegen::warnings::<#envelope>(&response.body).and_then(|w| w.#field).unwrap_or_default())
            }
        }
        None => quote!(::std::vec::Vec::new()),
    };
    quote! {
        fn finish<T>(response: crate::runtime::RawResponse, body: T) -> Response<T> {
            let warnings = #warnings;
            crate::runtime::__codegen::response(response, body, warnings)
        }
    }
}

/// `impl runtime::Cancel for Client`, from the operation marked `x-esign-cancel`.
fn cancel_impl(api: &ir::Api) -> Option<TokenStream> {
    let method = api.cancel_method.as_deref()?;
    let op = api.operations.iter().find(|op| op.method_name == method)?;
    let cancel = op.cancel.as_ref()?;
    let method = ident(&op.method_name);
    let target_name = &cancel.target.name;
    let target_description = match &cancel.target.description {
        Some(d) => quote!(::std::option::Option::Some(#d)),
        None => quote!(::std::option::Option::None),
    };
    let success = match cancel.success {
        ir::CancelSuccess::Queued => quote!(crate::runtime::CancelOutcome::Queued),
        ir::CancelSuccess::Canceled => quote!(crate::runtime::CancelOutcome::Canceled),
    };
    let rules = super::extras::cancel_rules(cancel);
    let message = match &cancel.message_pointer {
        Some(p) => {
            let p = p.as_str();
            quote!(Some(#p))
        }
        None => quote!(None),
    };
    // Arguments in the method's order: the id, the return URL, options.
    let mut args = Vec::new();
    let mut missing_return_url = quote!();
    let return_url = cancel.return_url_param.as_ref();
    for p in op.params.iter().filter(|p| p.required) {
        if p.name == cancel.id_param {
            args.push(quote!(&request.id));
        } else if return_url.is_some_and(|r| r.name == p.name) {
            let wire = &p.wire_name;
            let text = format!("`{wire}` is required: set CancelRequest::return_url");
            missing_return_url = quote! {
                let Some(return_url) = request.return_url.as_deref() else {
                    return crate::runtime::CancelOutcome::Failed { reason: #text.to_owned(), status: None };
                };
            };
            args.push(quote!(return_url));
        }
    }
    if let Some(options_name) = &op.names.options {
        let options_name = ident(options_name);
        let optional_return_url = return_url.filter(|r| !r.required).map(|r| {
            let field = ident(&r.name);
            quote!(options.#field = request.return_url.clone();)
        });
        let binding = if optional_return_url.is_some() { quote!(let mut options) } else { quote!(let options) };
        missing_return_url = quote! {
            #missing_return_url
            #binding = #options_name::default();
            #optional_return_url
        };
        args.push(quote!(&options));
    }
    let doc = docs::outer(&format!(
        "Cancels through [`Client::{}`]; failures are classified by the spec's `x-esign-cancel` rules.",
        op.method_name
    ));
    Some(quote! {
        #doc
        impl crate::runtime::Cancel for Client {
            fn cancel_target(&self) -> crate::runtime::CancelTarget {
                crate::runtime::CancelTarget::new(#target_name, #target_description)
            }

            fn cancel<'a>(
                &'a self,
                request: &'a crate::runtime::CancelRequest,
            ) -> crate::runtime::BoxFuture<'a, crate::runtime::CancelOutcome> {
                ::std::boxed::Box::pin(async move {
                    #missing_return_url
                    match self.#method(#(#args),*).await {
                        Ok(_) => #success,
                        Err(err) => crate::runtime::__codegen::cancel_outcome(&err, &[#(#rules)*], #message),
                    }
                })
            }
        }
    })
}
