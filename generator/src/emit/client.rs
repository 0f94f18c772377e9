//! IR operations -> the module root (`mod.rs`): servers, credentials, the
//! client, its builder and one async method per operation.

use super::extras::{operation_extras, webhook_items};
use super::{docs, ident, type_tokens_in};
use crate::ir::{self, Method, ParamLocation, ResponseBody, SecurityKind, StatusMatch, TypeRef};
use proc_macro2::TokenStream;
use quote::quote;

fn types_prefix() -> TokenStream {
    quote!(types::)
}

pub(super) fn ty(t: &TypeRef) -> TokenStream {
    type_tokens_in(t, &types_prefix())
}

/// The module root of one API.
pub fn client_file(api: &ir::Api) -> TokenStream {
    let mut module_text = format!("{} {}\n\n{}", api.title, api.version, api.docs.trim());
    module_text.push_str(&format!(
        "\n\nGenerated from `{}`. Start with [`Client::new`] or [`Client::builder`]; every operation is an async method of [`Client`].",
        api.source
    ));
    let module_docs = docs::inner(&module_text);

    let default_error = default_error_type(api);
    let default_error_tokens = ty(&default_error);
    let warning_item = match &api.warnings {
        Some(w) => ty(&TypeRef::Named(w.item.clone())),
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
        None => quote!(crate::runtime::RetryRules::DEFAULT),
        Some((rate, unavailable)) => {
            let list = |items: &[ir::RetryMatch]| -> Vec<TokenStream> {
                items
                    .iter()
                    .map(|m| {
                        let status = m.status;
                        let pointer = match &m.pointer {
                            Some((p, v)) => quote!(Some((#p, #v))),
                            None => quote!(None),
                        };
                        quote!(crate::runtime::RetryMatch { status: #status, pointer: #pointer })
                    })
                    .collect()
            };
            let (rate, unavailable) = (list(rate), list(unavailable));
            quote!(crate::runtime::RetryRules { rate_limited: &[#(#rate),*], unavailable: &[#(#unavailable),*] })
        }
    };
    let mut extra_items = Vec::new();
    let methods: Vec<TokenStream> = api
        .operations
        .iter()
        .flat_map(|op| {
            let mut methods =
                vec![operation(op, op.body.as_ref(), &op.method_name, &default_error, &mut extra_items, true)];
            if let (Some(body), Some(name)) = (&op.multipart_alternative, &op.names.multipart_method) {
                methods.push(operation(op, Some(body), name, &default_error, &mut extra_items, false));
            }
            methods
        })
        .collect();

    let response_doc = match &api.warnings {
        Some(w) => format!(
            "A successful response: status, headers, rate limit, the `{}` warnings the API sent, and the body.",
            w.item
        ),
        None => "A successful response: status, headers, rate limit and the body.".to_owned(),
    };
    let response_doc = docs::outer(&response_doc);
    let cancel_impl = cancel_impl(api);
    let webhooks = webhook_items(api);
    let extras: Vec<TokenStream> = api.operations.iter().flat_map(|op| operation_extras(op, &default_error)).collect();
    let glob = (!api.types.is_empty()).then(|| {
        quote!(
            pub use types::*;
        )
    });
    let finish = (!api.operations.is_empty()).then_some(finish);
    quote! {
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

        const RETRY_RULES: crate::runtime::RetryRules = #retry_rules;

        #servers
        #credentials

        /// The client: cheap to clone, one per set of credentials.
        #[derive(Clone, Debug)]
        pub struct Client {
            core: crate::runtime::ClientCore,
        }

        #builder

        impl Client {
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

            /// A copy of this client (sharing its connections) with another retry policy.
            pub fn with_retry_policy(&self, retry: crate::runtime::RetryPolicy) -> Client {
                Client { core: self.core.clone().with_retry(retry, RETRY_RULES) }
            }

            #finish

            #(#methods)*

            #(#extras)*
        }

        #webhooks
        #(#extra_items)*
        #cancel_impl
    }
}

/// The error body most operations document: used as the default of `Error<E>`.
fn default_error_type(api: &ir::Api) -> TypeRef {
    let mut counts: Vec<(TypeRef, usize)> = Vec::new();
    for op in &api.operations {
        let t = op_error_type(op);
        match counts.iter_mut().find(|(existing, _)| *existing == t) {
            Some((_, n)) => *n += 1,
            None => counts.push((t, 1)),
        }
    }
    // Most used first; ties keep spec order.
    let mut best: Option<(TypeRef, usize)> = None;
    for (t, n) in counts {
        if best.as_ref().is_none_or(|(_, b)| n > *b) {
            best = Some((t, n));
        }
    }
    best.map_or(TypeRef::Json, |(t, _)| t)
}

/// The one JSON body all of an operation's error responses share, or any
/// JSON value when they differ or have none.
pub(super) fn op_error_type(op: &ir::Operation) -> TypeRef {
    let mut found: Option<&TypeRef> = None;
    // Under a success envelope a failed 2xx body is an error body too.
    let is_error = |r: &&ir::Response| !r.success || (op.envelope.is_some() && matches!(r.body, ResponseBody::Json(_)));
    for r in op.responses.iter().filter(is_error) {
        if let ResponseBody::Json(t) = &r.body {
            match found {
                None => found = Some(t),
                Some(existing) if existing == t => {}
                Some(_) => return TypeRef::Json,
            }
        }
    }
    found.cloned().unwrap_or(TypeRef::Json)
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
            let base_url = self.base_url.ok_or_else(|| {
                crate::runtime::BuildError("the spec names no server: set one with `ClientBuilder::base_url`".to_owned())
            })?;
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
        #[derive(Debug, Default)]
        pub struct ClientBuilder {
            base_url: ::std::option::Option<::std::string::String>,
            http: ::std::option::Option<::reqwest::Client>,
            retry: ::std::option::Option<crate::runtime::RetryPolicy>,
            #creds_field
        }

        impl ClientBuilder {
            #base_url_doc
            pub fn base_url(mut self, base_url: impl ::std::convert::Into<::std::string::String>) -> Self {
                self.base_url = Some(base_url.into());
                self
            }

            #server_setter

            /// Uses this `reqwest` client (its proxies, pool, TLS settings).
            pub fn http_client(mut self, http: ::reqwest::Client) -> Self {
                self.http = Some(http);
                self
            }

            /// Retries, waits and timeouts (on by default: see `RetryPolicy::default`;
            /// `RetryPolicy::never()` turns retries off).
            pub fn retry_policy(mut self, retry: crate::runtime::RetryPolicy) -> Self {
                self.retry = Some(retry);
                self
            }

            #creds_setter

            /// Builds the client; fails on a missing or malformed base URL.
            pub fn build(self) -> ::std::result::Result<Client, crate::runtime::BuildError> {
                #base_url
                let http = match self.http {
                    Some(http) => http,
                    None => ::reqwest::Client::builder()
                        .build()
                        .map_err(|err| crate::runtime::BuildError(format!("cannot build the HTTP client: {err}")))?,
                };
                let core = crate::runtime::ClientCore::new(http, &base_url, #auth, RATE_LIMIT)?
                    .with_retry(self.retry.unwrap_or_default(), RETRY_RULES);
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
            let envelope = ty(&TypeRef::Named(w.envelope.clone()));
            let field = ident(&w.field);
            let required = api.types.iter().find(|t| t.name == w.envelope).is_some_and(|t| match &t.kind {
                ir::TypeKind::Struct(s) => s.fields.iter().any(|f| f.name == w.field && f.required && !f.nullable),
                _ => false,
            });
            if required {
                quote!(crate::runtime::warnings::<#envelope>(&response.body).map(|w| w.#field).unwrap_or_default())
            } else {
                quote!(crate::runtime::warnings::<#envelope>(&response.body).and_then(|w| w.#field).unwrap_or_default())
            }
        }
        None => quote!(::std::vec::Vec::new()),
    };
    quote! {
        fn finish<T>(response: crate::runtime::RawResponse, body: T) -> Response<T> {
            let warnings = #warnings;
            crate::runtime::Response {
                status: response.status,
                headers: response.headers,
                rate_limit: response.rate_limit,
                attempts: response.attempts,
                waits: response.waits,
                warnings,
                body,
            }
        }
    }
}

/// How a response is handled; equal handlers share a match arm.
#[derive(Clone, PartialEq)]
enum Handler {
    Success { body: ResponseBody, variant: Option<String> },
    ApiError,
    Unexpected,
}

fn status_label(status: &StatusMatch) -> String {
    match status {
        StatusMatch::Code(c) => format!("Status{c}"),
        StatusMatch::Range(r) => format!("Status{r}xx"),
        StatusMatch::Default => "Default".to_owned(),
    }
}

/// One method. `primary` is false for the multipart twin of a JSON
/// operation, which shares the primary's option and body-enum types.
fn operation(
    op: &ir::Operation,
    request_body: Option<&ir::RequestBody>,
    method_name: &str,
    default_error: &TypeRef,
    extra_items: &mut Vec<TokenStream>,
    primary: bool,
) -> TokenStream {
    let method_ident = ident(method_name);
    let error_type = op_error_type(op);
    let error_tokens = if &error_type == default_error {
        quote!(Error)
    } else {
        let t = ty(&error_type);
        quote!(Error<#t>)
    };

    // Success body: one type, or an enum by status when they differ.
    let successes: Vec<&ir::Response> = op.responses.iter().filter(|r| r.success).collect();
    let mut distinct: Vec<&ResponseBody> = Vec::new();
    for r in &successes {
        if !distinct.contains(&&r.body) {
            distinct.push(&r.body);
        }
    }
    let enum_name = op.names.body_enum.as_deref().map(ident);
    let (body_type, by_status) = match (&enum_name, distinct.as_slice()) {
        (Some(name), _) => (quote!(#name), true),
        (None, [one]) => (success_type(one), false),
        (None, _) => (quote!(()), false),
    };
    if by_status && primary {
        let variants = successes.iter().map(|r| {
            let v = ident(&status_label(&r.status));
            let doc = docs::outer(if r.docs.trim().is_empty() { "A documented success." } else { r.docs.as_str() });
            match &r.body {
                ResponseBody::Empty => quote! { #doc #v, },
                body => {
                    let t = success_type(body);
                    quote! { #doc #v(#t), }
                }
            }
        });
        let doc = docs::outer(&format!("The body of a successful [`Client::{}`], by status.", op.method_name));
        extra_items.push(quote! {
            #doc
            #[derive(Clone, Debug, PartialEq)]
            pub enum #enum_name { #(#variants)* }
        });
    }

    if primary {
        if let Some(item) = headers_struct(op) {
            extra_items.push(item);
        }
    }

    // Arguments.
    let mut args = Vec::new();
    let mut options_fields = Vec::new();
    let options_name = op.names.options.as_deref().map(ident);
    for p in &op.params {
        let name = ident(&p.name);
        let doc = param_doc(p);
        if p.required {
            let t = borrowed_arg(&p.ty);
            args.push(quote!(#name: #t));
        } else {
            let t = ty(&p.ty);
            let deprecated = p.deprecated.then(|| quote!(#[deprecated]));
            let fdoc = docs::outer(&doc);
            options_fields.push(quote! { #fdoc #deprecated pub #name: ::std::option::Option<#t>, });
        }
    }
    if let Some(body) = request_body {
        let t = match &body.kind {
            ir::BodyKind::Json(t, _) | ir::BodyKind::Form(t) => borrowed_arg(t),
            ir::BodyKind::Multipart(m) => {
                extra_items.push(multipart_struct(m, method_name));
                let name = ident(&m.type_name);
                quote!(&#name)
            }
            ir::BodyKind::Text(_) => quote!(&str),
            ir::BodyKind::Bytes(_) => quote!(crate::runtime::Bytes),
        };
        if body.required {
            args.push(quote!(body: #t));
        } else {
            args.push(quote!(body: ::std::option::Option<#t>));
        }
    }
    if let (Some(options_name), true) = (&options_name, primary) {
        let doc = docs::outer(&format!("Optional parameters of [`Client::{}`].", op.method_name));
        extra_items.push(quote! {
            #doc
            #[derive(Clone, Debug, Default, PartialEq)]
            pub struct #options_name { #(#options_fields)* }
        });
        args.push(quote!(options: &#options_name));
    }

    // Values the spec says cannot be sent (a string under its minLength).
    let mut checks = Vec::new();
    for p in op.params.iter() {
        let Some(min) = p.min_length else { continue };
        if !matches!(p.ty, TypeRef::String) {
            continue;
        }
        let name = ident(&p.name);
        let wire = &p.wire_name;
        let min = proc_macro2::Literal::u64_unsuffixed(min);
        let message = format!("`{wire}` must be at least {min} characters long");
        let check = quote! {
            if value.chars().count() < #min {
                return Err(crate::runtime::Error::InvalidRequest(#message.to_owned()));
            }
        };
        checks.push(if p.required {
            quote! { { let value = #name; #check } }
        } else {
            quote! { if let Some(value) = &options.#name { #check } }
        });
    }

    // Path.
    let mut path_code = Vec::new();
    for part in &op.path_parts {
        match part {
            ir::PathPart::Literal(text) => {
                let mut chars = text.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) => path_code.push(quote!(path.push(#c);)),
                    _ => path_code.push(quote!(path.push_str(#text);)),
                }
            }
            ir::PathPart::Param(i) => {
                let p = &op.params[*i];
                let name = ident(&p.name);
                let wire = &p.wire_name;
                let text = match (p.value, &p.ty) {
                    (ir::ParamValue::Scalar, TypeRef::String) => quote!(#name),
                    (ir::ParamValue::Scalar, _) => quote!(&#name.to_string()),
                    _ => quote!(&crate::runtime::param_text(&#name).map_err(crate::runtime::Error::InvalidRequest)?),
                };
                path_code.push(quote! {
                    crate::runtime::push_path_segment(&mut path, #wire, #text).map_err(crate::runtime::Error::InvalidRequest)?;
                });
            }
        }
    }

    // Query, headers, cookies. Query keys are `&str` unless a structured
    // parameter can make up its own keys.
    let owned_keys = !op.fixed_query.is_empty()
        || op.params.iter().any(|p| p.location == ParamLocation::Query && p.value == ir::ParamValue::Structured);
    let mut query_code = Vec::new();
    let mut header_code = Vec::new();
    let mut cookie_code = Vec::new();
    for (key, value) in &op.fixed_query {
        query_code.push(quote!(query.push((#key.to_owned(), #value.to_owned()));));
    }
    for p in &op.params {
        let name = ident(&p.name);
        let wire = &p.wire_name;
        let access = if p.required { quote!(#name) } else { quote!(options.#name) };
        let key = if owned_keys { quote!(#wire.to_owned()) } else { quote!(#wire) };
        // Adds one text value at the parameter's place.
        let push_text = |text: TokenStream| -> TokenStream {
            match p.location {
                ParamLocation::Query => quote!(query.push((#key, #text));),
                ParamLocation::Header => quote!(request = request.header(#wire, #text);),
                ParamLocation::Cookie => quote!(cookies.push(::std::string::String::from(#wire) + "=" + &#text);),
                ParamLocation::Path => quote!(),
            }
        };
        let structured_text = |v: TokenStream| -> TokenStream {
            quote!(crate::runtime::param_text(#v).map_err(crate::runtime::Error::InvalidRequest)?)
        };
        // `value` is a reference to the parameter's value.
        let push_value = match p.value {
            ir::ParamValue::Scalar => push_text(quote!(value.to_string())),
            ir::ParamValue::ScalarList => {
                if p.explode && p.location == ParamLocation::Query {
                    let each = push_text(quote!(item.to_string()));
                    quote! { for item in value.iter() { #each } }
                } else {
                    push_text(quote!(value
                        .iter()
                        .map(|item| item.to_string())
                        .collect::<::std::vec::Vec<_>>()
                        .join(",")))
                }
            }
            ir::ParamValue::Structured => match p.location {
                ParamLocation::Query => {
                    let (explode, deep) = (p.explode, p.deep_object);
                    quote! {
                        crate::runtime::push_query(&mut query, #wire, value, #explode, #deep)
                            .map_err(crate::runtime::Error::InvalidRequest)?;
                    }
                }
                _ => push_text(structured_text(quote!(value))),
            },
        };
        let code = if p.required {
            quote! { { let value = &#access; #push_value } }
        } else {
            quote! { if let Some(value) = &#access { #push_value } }
        };
        match p.location {
            ParamLocation::Query => query_code.push(code),
            ParamLocation::Header => header_code.push(code),
            ParamLocation::Cookie => cookie_code.push(code),
            ParamLocation::Path => {}
        }
    }
    let key_type = if owned_keys { quote!(::std::string::String) } else { quote!(&str) };
    let query_decl = if query_code.is_empty() {
        quote!(let query: [(&str, ::std::string::String); 0] = [];)
    } else {
        quote!(let mut query: ::std::vec::Vec<(#key_type, ::std::string::String)> = ::std::vec::Vec::new();)
    };
    let cookies = (!cookie_code.is_empty()).then(|| {
        quote! {
            let mut cookies: ::std::vec::Vec<::std::string::String> = ::std::vec::Vec::new();
            #(#cookie_code)*
            if !cookies.is_empty() {
                request = request.header(::reqwest::header::COOKIE, cookies.join("; "));
            }
        }
    });
    let body_code = request_body.map(|body| {
        let set = match &body.kind {
            ir::BodyKind::Json(_, media) => quote! {
                let bytes = ::serde_json::to_vec(&body)
                    .map_err(|err| crate::runtime::Error::InvalidRequest(format!("cannot encode the body: {err}")))?;
                request = request.header(::reqwest::header::CONTENT_TYPE, #media).body(bytes);
            },
            ir::BodyKind::Form(_) => quote! {
                let form = crate::runtime::form_urlencoded(&body).map_err(crate::runtime::Error::InvalidRequest)?;
                request = request
                    .header(::reqwest::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .body(form);
            },
            ir::BodyKind::Multipart(_) => quote! {
                request = request.multipart(body.to_form().map_err(crate::runtime::Error::InvalidRequest)?);
            },
            ir::BodyKind::Text(media) => quote! {
                request = request.header(::reqwest::header::CONTENT_TYPE, #media).body(body.to_string());
            },
            ir::BodyKind::Bytes(media) => quote! {
                request = request.header(::reqwest::header::CONTENT_TYPE, #media).body(body.clone());
            },
        };
        if body.required {
            set
        } else {
            quote! { if let Some(body) = &body { #set } }
        }
    });
    // POST, PUT and PATCH without a body say so: `Content-Length: 0` (some
    // servers answer 411 Length Required otherwise).
    let body_code = body_code.or_else(|| {
        matches!(op.method, Method::Post | Method::Put | Method::Patch)
            .then(|| quote!(request = request.header(::reqwest::header::CONTENT_LENGTH, "0");))
    });
    let needs_mut = !header_code.is_empty() || cookies.is_some() || body_code.is_some();
    let request_binding = if needs_mut { quote!(let mut request) } else { quote!(let request) };
    let method_tokens = match op.method {
        Method::Get => quote!(GET),
        Method::Put => quote!(PUT),
        Method::Post => quote!(POST),
        Method::Delete => quote!(DELETE),
        Method::Options => quote!(OPTIONS),
        Method::Head => quote!(HEAD),
        Method::Patch => quote!(PATCH),
        Method::Trace => quote!(TRACE),
    };
    let authenticated = op.authenticated;
    let (safe, method_text, path_text) = (op.retry_safe, op.method.as_str(), op.path.as_str());
    let call_info = quote! {
        crate::runtime::CallInfo { retry_safe: #safe, method: #method_text, path: #path_text }
    };

    // Response handling.
    let handler_of = |r: &ir::Response| -> Handler {
        if r.success {
            Handler::Success { body: r.body.clone(), variant: by_status.then(|| status_label(&r.status)) }
        } else {
            match r.body {
                ResponseBody::Json(_) => Handler::ApiError,
                _ => Handler::Unexpected,
            }
        }
    };
    let fallback =
        op.responses.iter().find(|r| r.status == StatusMatch::Default).map_or(Handler::Unexpected, handler_of);
    let ranges: Vec<u16> = op
        .responses
        .iter()
        .filter_map(|r| match r.status {
            StatusMatch::Range(d) => Some(d),
            _ => None,
        })
        .collect();
    let mut arms: Vec<(Vec<TokenStream>, Handler)> = Vec::new();
    for r in &op.responses {
        let handler = handler_of(r);
        match r.status {
            StatusMatch::Code(code) => {
                let covered_by_range = ranges.contains(&(code / 100));
                if handler == fallback && !covered_by_range {
                    continue;
                }
                match arms.iter_mut().find(|(_, h)| *h == handler) {
                    Some((patterns, _)) => patterns.push(status_literal(code)),
                    None => arms.push((vec![status_literal(code)], handler)),
                }
            }
            StatusMatch::Range(d) => {
                if handler == fallback {
                    continue;
                }
                let (lo, hi) = (status_literal(d * 100), status_literal(d * 100 + 99));
                arms.push((vec![quote!(#lo..=#hi)], handler));
            }
            StatusMatch::Default => {}
        }
    }
    let error_body = ty(&error_type);
    let handler_code = |h: &Handler| -> TokenStream {
        match h {
            Handler::Success { body, variant } => {
                let wrap = |inner: TokenStream| match variant {
                    Some(v) => {
                        let v = ident(v);
                        quote!(#enum_name::#v(#inner))
                    }
                    None => inner,
                };
                match body {
                    ResponseBody::Empty => {
                        let value = match variant {
                            Some(v) => {
                                let v = ident(v);
                                quote!(#enum_name::#v)
                            }
                            None => quote!(()),
                        };
                        quote!(Ok(Self::finish(response, #value)))
                    }
                    ResponseBody::Json(t) => {
                        let t = ty(t);
                        let value = wrap(quote!(body));
                        let envelope = op.envelope.as_ref().map(|e| {
                            let field = &e.field;
                            let success = &e.success;
                            quote! {
                                if !crate::runtime::envelope_succeeded(&response.body, #field, &[#(#success),*]) {
                                    return Err(crate::runtime::api_error(response));
                                }
                            }
                        });
                        quote! {{
                            #envelope
                            let (body, response) = crate::runtime::decode_json::<#t, #error_body>(response)?;
                            Ok(Self::finish(response, #value))
                        }}
                    }
                    ResponseBody::Bytes => {
                        let value = wrap(quote!(body));
                        quote! {{
                            let body = response.body.clone();
                            Ok(Self::finish(response, #value))
                        }}
                    }
                }
            }
            Handler::ApiError => quote!(Err(crate::runtime::api_error(response))),
            Handler::Unexpected => quote!(Err(crate::runtime::unexpected(response))),
        }
    };
    let arm_tokens = arms.iter().map(|(patterns, h)| {
        let code = handler_code(h);
        quote!( #(#patterns)|* => #code, )
    });
    let fallback_code = handler_code(&fallback);

    // Docs.
    let mut text = docs::paragraphs([op.summary.as_str(), op.docs.as_str()]);
    if !text.is_empty() {
        text.push_str("\n\n");
    }
    text.push_str(&format!("Sends `{}` to `{}`.", op.method.as_str(), op.path));
    let required: Vec<&ir::Param> = op.params.iter().filter(|p| p.required).collect();
    if !required.is_empty() || request_body.is_some() {
        text.push_str("\n\n# Arguments\n");
        for p in &required {
            text.push_str(&format!("\n- `{}`: {}", p.name, param_doc(p).replace('\n', " ")));
        }
        if let Some(body) = request_body {
            let d = if body.docs.trim().is_empty() { "the request body" } else { body.docs.trim() };
            text.push_str(&format!("\n- `body`: {}", d.replace('\n', " ")));
        }
        if let Some(options_name) = &op.names.options {
            text.push_str(&format!("\n- `options`: the optional parameters, see [`{options_name}`]"));
        }
    } else if let Some(options_name) = &op.names.options {
        text.push_str(&format!("\n\nOptional parameters: [`{options_name}`]."));
    }
    text.push_str("\n\n# Responses\n");
    // Statuses with the same outcome and text share a line.
    let mut lines: Vec<(Vec<String>, bool, String)> = Vec::new();
    for r in &op.responses {
        let status = match r.status {
            StatusMatch::Code(c) => c.to_string(),
            StatusMatch::Range(d) => format!("{d}XX"),
            StatusMatch::Default => "any other status".to_owned(),
        };
        let d = r.docs.trim().replace('\n', " ");
        match lines.iter_mut().find(|(_, success, text)| *success == r.success && *text == d) {
            Some((statuses, _, _)) => statuses.push(status),
            None => lines.push((vec![status], r.success, d)),
        }
    }
    for (statuses, success, d) in lines {
        let outcome = if success { "`Ok`" } else { "`Err`" };
        let d = if d.is_empty() { String::new() } else { format!(": {d}") };
        text.push_str(&format!("\n- {} ({outcome}){d}", statuses.join(", ")));
    }
    let doc = docs::outer(&text);
    let deprecated = op.deprecated.then(|| quote!(#[deprecated]));
    let result_ty = quote!(::std::result::Result<Response<#body_type>, #error_tokens>);

    quote! {
        #doc
        #deprecated
        pub async fn #method_ident(&self, #(#args),*) -> #result_ty {
            #(#checks)*
            let mut path = ::std::string::String::new();
            #(#path_code)*
            #query_decl
            #(#query_code)*
            // Built again only for a retry, so the first attempt copies nothing.
            let build = || -> ::std::result::Result<::reqwest::RequestBuilder, #error_tokens> {
                #request_binding = self
                    .core
                    .request(::reqwest::Method::#method_tokens, &path, &query, #authenticated)
                    .map_err(crate::runtime::Error::InvalidRequest)?;
                #(#header_code)*
                #cookies
                #body_code
                Ok(request)
            };
            let response = self.core.send_with_retry(build, #call_info).await?;
            match response.status.as_u16() {
                #(#arm_tokens)*
                _ => #fallback_code,
            }
        }
    }
}

/// `impl runtime::Cancel for Client`, from the operation marked `x-esign-cancel`.
fn cancel_impl(api: &ir::Api) -> Option<TokenStream> {
    let op = api.operations.iter().find(|op| op.cancel.is_some())?;
    let cancel = op.cancel.as_ref()?;
    let method = ident(&op.method_name);
    let target = match cancel.target {
        ir::CancelTarget::SignatureRequest => quote!(SignatureRequest),
        ir::CancelTarget::Session => quote!(Session),
        ir::CancelTarget::Invitation => quote!(Invitation),
    };
    let success = match cancel.success {
        ir::CancelSuccess::Queued => quote!(crate::runtime::CancelOutcome::Queued),
        ir::CancelSuccess::Canceled => quote!(crate::runtime::CancelOutcome::Canceled),
    };
    let rules = super::extras::cancel_rules(cancel);
    let message = match &cancel.message_pointer {
        Some(p) => quote!(Some(#p)),
        None => quote!(None),
    };
    // Arguments in the method's order: the id, the return URL, options.
    let mut args = Vec::new();
    let mut missing_return_url = quote!();
    for (i, p) in op.params.iter().enumerate() {
        if !p.required {
            continue;
        }
        if i == cancel.id_param {
            args.push(quote!(&request.id));
        } else if Some(i) == cancel.return_url_param {
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
        let optional_return_url = cancel.return_url_param.filter(|&i| !op.params[i].required).map(|i| {
            let field = ident(&op.params[i].name);
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
                crate::runtime::CancelTarget::#target
            }

            fn cancel<'a>(
                &'a self,
                request: &'a crate::runtime::CancelRequest,
            ) -> crate::runtime::BoxFuture<'a, crate::runtime::CancelOutcome> {
                ::std::boxed::Box::pin(async move {
                    #missing_return_url
                    match self.#method(#(#args),*).await {
                        Ok(_) => #success,
                        Err(err) => crate::runtime::cancel_outcome(&err, &[#(#rules)*], #message),
                    }
                })
            }
        }
    })
}

/// The typed headers of an operation's successful responses.
fn headers_struct(op: &ir::Operation) -> Option<TokenStream> {
    let mut headers: Vec<&ir::ResponseHeader> = Vec::new();
    for r in op.responses.iter().filter(|r| r.success) {
        for h in &r.headers {
            if !headers.iter().any(|known| known.wire_name.eq_ignore_ascii_case(&h.wire_name)) {
                headers.push(h);
            }
        }
    }
    if headers.is_empty() {
        return None;
    }
    let name = ident(op.names.headers.as_deref()?);
    let fields = headers.iter().map(|h| {
        let field = ident(&h.name);
        let t = ty(&h.ty);
        let text = docs::paragraphs([h.docs.as_str(), &format!("From the `{}` header.", h.wire_name)]);
        let doc = docs::outer(&text);
        quote! { #doc pub #field: ::std::option::Option<#t>, }
    });
    let reads = headers.iter().map(|h| {
        let field = ident(&h.name);
        let wire = &h.wire_name;
        let parse = match &h.ty {
            TypeRef::String | TypeRef::Bytes | TypeRef::Json | TypeRef::Vec(_) | TypeRef::Map(_) => {
                quote!(.map(|text| text.to_owned()))
            }
            TypeRef::Named(_) | TypeRef::Boxed(_) => quote!(.and_then(|text| text.parse().ok())),
            _ => quote!(.and_then(|text| text.trim().parse().ok())),
        };
        quote! {
            #field: headers.get(#wire).and_then(|value| value.to_str().ok()) #parse,
        }
    });
    let doc = docs::outer(&format!(
        "The headers [`Client::{}`] documents for its successful responses; read them with `from_headers(&response.headers)`.",
        op.method_name
    ));
    Some(quote! {
        #doc
        #[derive(Clone, Debug, Default, PartialEq)]
        pub struct #name { #(#fields)* }

        impl #name {
            /// Reads the documented headers; a missing or unparsable one is `None`.
            pub fn from_headers(headers: &crate::runtime::HeaderMap) -> Self {
                #name { #(#reads)* }
            }
        }
    })
}

/// The struct a multipart body is built from, and its `to_form`.
fn multipart_struct(m: &ir::Multipart, method_name: &str) -> TokenStream {
    let name = ident(&m.type_name);
    let mut fields = Vec::new();
    let mut parts = Vec::new();
    for part in &m.parts {
        let field = ident(&part.name);
        let wire = &part.wire_name;
        let content_type = match &part.content_type {
            Some(ct) => quote!(Some(#ct)),
            None => quote!(None),
        };
        let inner = match part.kind {
            ir::PartKind::File => quote!(crate::runtime::FilePart),
            ir::PartKind::Files => quote!(::std::vec::Vec<crate::runtime::FilePart>),
            _ => ty(&part.ty),
        };
        let field_ty = if part.required { inner } else { quote!(::std::option::Option<#inner>) };
        let text = if part.docs.trim().is_empty() { format!("The `{wire}` part.") } else { part.docs.clone() };
        let doc = docs::outer(&text);
        fields.push(quote! { #doc pub #field: #field_ty, });
        // `value` is a reference to the field's value.
        let add = match part.kind {
            ir::PartKind::File => quote! { form = form.part(#wire, value.to_part(#content_type)?); },
            ir::PartKind::Files => quote! {
                for file in value.iter() {
                    form = form.part(#wire, file.to_part(#content_type)?);
                }
            },
            ir::PartKind::Text => quote! {
                form = form.part(#wire, crate::runtime::text_part(value.to_string(), #content_type)?);
            },
            ir::PartKind::TextList => quote! {
                for item in value.iter() {
                    form = form.part(#wire, crate::runtime::text_part(item.to_string(), #content_type)?);
                }
            },
            ir::PartKind::Json => quote! { form = form.part(#wire, crate::runtime::json_part(value, #content_type)?); },
        };
        parts.push(if part.required {
            quote! { { let value = &self.#field; #add } }
        } else {
            quote! { if let Some(value) = &self.#field { #add } }
        });
    }
    let doc = docs::outer(&format!("The multipart body of [`Client::{method_name}`]: one field per part."));
    let form_binding = if parts.is_empty() { quote!(let form) } else { quote!(let mut form) };
    quote! {
        #doc
        #[derive(Clone, Debug, PartialEq)]
        pub struct #name { #(#fields)* }

        impl #name {
            fn to_form(&self) -> ::std::result::Result<::reqwest::multipart::Form, ::std::string::String> {
                #form_binding = ::reqwest::multipart::Form::new();
                #(#parts)*
                Ok(form)
            }
        }
    }
}

fn status_literal(code: u16) -> TokenStream {
    let lit = proc_macro2::Literal::u16_unsuffixed(code);
    quote!(#lit)
}

fn success_type(body: &ResponseBody) -> TokenStream {
    match body {
        ResponseBody::Empty => quote!(()),
        ResponseBody::Json(t) => ty(t),
        ResponseBody::Bytes => quote!(crate::runtime::Bytes),
    }
}

/// The argument type for a required value: borrowed where that is natural.
pub(super) fn borrowed_arg(t: &TypeRef) -> TokenStream {
    match t {
        TypeRef::String | TypeRef::Bytes => quote!(&str),
        TypeRef::Bool
        | TypeRef::I32
        | TypeRef::I64
        | TypeRef::U64
        | TypeRef::F32
        | TypeRef::F64
        | TypeRef::StringBool => ty(t),
        TypeRef::Vec(inner) => {
            let inner = ty(inner);
            quote!(&[#inner])
        }
        other => {
            let t = ty(other);
            quote!(&#t)
        }
    }
}

fn param_doc(p: &ir::Param) -> String {
    let place = match p.location {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query",
        ParamLocation::Header => "header",
        ParamLocation::Cookie => "cookie",
    };
    let base = if p.docs.trim().is_empty() { String::new() } else { format!("{} ", p.docs.trim()) };
    format!("{base}(`{}`, {place})", p.wire_name)
}
