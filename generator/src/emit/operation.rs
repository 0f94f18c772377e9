//! One operation -> its async method on `Client`, and the items that method
//! needs (its options struct, its body-by-status enum, its multipart
//! struct), plus the typed response headers of a module's operations.
//!
//! The method is built in four parts, each a function: the arguments
//! ([`arguments`]), the code that builds and sends the request
//! ([`request`]), the `match` on the response status ([`dispatch`]) and the
//! rustdoc ([`method_docs`]). The success shape (one type or an enum by
//! status, with its variant names), the error body and the header types
//! are read from the IR as lowering decided them.

use super::{borrowed_arg, docs, ident, ty};
use crate::ir::{self, Method, ParamLocation, ResponseBody, StatusMatch, TypeRef};
use proc_macro2::TokenStream;
use quote::quote;

/// What every method of a module shares.
pub(super) struct ModuleContext<'a> {
    /// The module's path from outside the crate (`esign_client::dropbox_sign`),
    /// for the examples in the docs.
    pub(super) path: String,
    /// The types with a `Validate` impl ([`ir::Api::validated_types`]).
    pub(super) validated: &'a std::collections::BTreeSet<String>,
    /// The module's types by name, for the examples' sample values.
    pub(super) types: std::collections::BTreeMap<&'a str, &'a ir::TypeDef>,
}

/// One method. `primary` is false for the multipart twin of a JSON
/// operation, which shares the primary's option and body-enum types.
pub(super) fn operation(
    op: &ir::Operation,
    request_body: Option<&ir::RequestBody>,
    method_name: &str,
    module: &ModuleContext<'_>,
    extra_items: &mut Vec<TokenStream>,
    primary: bool,
) -> TokenStream {
    let method_ident = ident(method_name);
    let error_tokens = super::error_tokens(&op.error);
    let success = SuccessBody::of(op);
    if primary {
        extra_items.extend(success.item.clone());
    }
    let args = arguments(op, request_body, method_name, primary, extra_items);
    let request = request(op, request_body, &error_tokens, module.validated);
    let dispatch = dispatch(op, &success, &op.error.ty);
    let doc = method_docs(op, request_body);
    let example = example(op, request_body, method_name, module);
    let deprecated = op.deprecated.then(|| quote!(#[deprecated]));
    let body_type = &success.body_type;
    let result_ty = quote!(::std::result::Result<Response<#body_type>, #error_tokens>);
    quote! {
        #doc
        #example
        #deprecated
        pub async fn #method_ident(&self, #(#args),*) -> #result_ty {
            #request
            #dispatch
        }
    }
}

/// What a successful call returns, as printed: the type, and for an enum
/// by status its name and definition (`item`).
struct SuccessBody<'a> {
    body_type: TokenStream,
    by_status: Option<(&'a ir::SuccessEnum, proc_macro2::Ident)>,
    item: Option<TokenStream>,
}

impl<'a> SuccessBody<'a> {
    fn of(op: &'a ir::Operation) -> SuccessBody<'a> {
        match &op.success {
            ir::Success::Nothing => SuccessBody { body_type: quote!(()), by_status: None, item: None },
            ir::Success::One(body) => SuccessBody { body_type: success_type(body), by_status: None, item: None },
            ir::Success::ByStatus(e) => {
                let name = ident(&e.name);
                let variants = e.variants.iter().map(|v| {
                    let variant = ident(&v.name);
                    let doc =
                        docs::outer(if v.docs.trim().is_empty() { "A documented success." } else { v.docs.as_str() });
                    match &v.body {
                        ResponseBody::Empty => quote! { #doc #variant, },
                        body => {
                            let t = success_type(body);
                            quote! { #doc #variant(#t), }
                        }
                    }
                });
                let doc = docs::outer(&format!("The body of a successful [`Client::{}`], by status.", op.method_name));
                let derives = if e.comparable {
                    quote!(#[derive(Clone, Debug, PartialEq)])
                } else {
                    quote!(#[derive(Debug)])
                };
                let item = quote! {
                    #doc
                    #derives
                    pub enum #name { #(#variants)* }
                };
                SuccessBody { body_type: quote!(#name), by_status: Some((e, name)), item: Some(item) }
            }
        }
    }
}

/// The method's arguments: required parameters, the body, and the options
/// struct (whose definition, like a multipart body's struct, goes to
/// `extra_items` for the primary method).
fn arguments(
    op: &ir::Operation,
    request_body: Option<&ir::RequestBody>,
    method_name: &str,
    primary: bool,
    extra_items: &mut Vec<TokenStream>,
) -> Vec<TokenStream> {
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
            #[non_exhaustive]
            pub struct #options_name { #(#options_fields)* }
        });
        args.push(quote!(options: &#options_name));
    }
    args
}

/// The method body up to the response: checks the spec implies, the path,
/// query, headers, cookies and body, and the call with retries. Leaves the
/// answer in `response`.
fn request(
    op: &ir::Operation,
    request_body: Option<&ir::RequestBody>,
    error_tokens: &TokenStream,
    validatable: &std::collections::BTreeSet<String>,
) -> TokenStream {
    // Values the spec says cannot be sent (a string under its minLength).
    let mut checks = Vec::new();
    // A body whose type has checks (`x-esign-validate`) is checked first.
    if let Some(body) = request_body {
        let checked = |t: &TypeRef| matches!(t, TypeRef::Named(n) if validatable.contains(n));
        let targets: Vec<TokenStream> = match &body.kind {
            ir::BodyKind::Json(t, _) | ir::BodyKind::Form(t) if checked(t) => vec![quote!(body)],
            ir::BodyKind::Multipart(m) => m
                .parts
                .iter()
                .filter(|part| part.kind == ir::PartKind::Spread && checked(&part.ty))
                .map(|part| {
                    let field = ident(&part.name);
                    quote!(&body.#field)
                })
                .collect(),
            _ => Vec::new(),
        };
        for target in targets {
            let check = quote! {
                crate::runtime::__codegen::refuse_violations(crate::runtime::Validate::validate(#target))
                    .map_err(crate::runtime::Error::InvalidRequest)?;
            };
            // An optional body is an `Option<&T>`, which is `Copy`.
            checks.push(if body.required {
                check
            } else {
                quote! { if let Some(body) = body { #check } }
            });
        }
    }
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
                    _ => {
                        quote!(&crate::runtime::__codegen::param_text(&#name).map_err(crate::runtime::Error::InvalidRequest)?)
                    }
                };
                path_code.push(quote! {
                    crate::runtime::__codegen::push_path_segment(&mut path, #wire, #text).map_err(crate::runtime::Error::InvalidRequest)?;
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
            quote!(crate::runtime::__codegen::param_text(#v).map_err(crate::runtime::Error::InvalidRequest)?)
        };
        // `value` is a reference to the parameter's value.
        let push_value = match p.value {
            ir::ParamValue::Scalar => push_text(quote!(value.to_string())),
            ir::ParamValue::ScalarList => {
                if p.explode && p.location == ParamLocation::Query {
                    let each = push_text(quote!(item.to_string()));
                    quote! { for item in value.iter() { #each } }
                } else {
                    let delimiter = p.delimiter.to_string();
                    push_text(quote!(value
                        .iter()
                        .map(|item| item.to_string())
                        .collect::<::std::vec::Vec<_>>()
                        .join(#delimiter)))
                }
            }
            ir::ParamValue::Structured => match p.location {
                ParamLocation::Query => {
                    let (explode, deep) = (p.explode, p.deep_object);
                    quote! {
                        crate::runtime::__codegen::push_query(&mut query, #wire, value, #explode, #deep)
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
            ir::BodyKind::Form(_) if !body.field_styles.is_empty() => {
                let names = body.field_styles.iter().map(|(name, _)| name);
                let styles = body.field_styles.iter().map(|(_, style)| field_style(*style));
                quote! {
                    let form = crate::runtime::__codegen::form_urlencoded_with(&body, &[#( (#names, #styles) ),*])
                        .map_err(crate::runtime::Error::InvalidRequest)?;
                    request = request
                        .header(::reqwest::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                        .body(form);
                }
            }
            ir::BodyKind::Form(_) => quote! {
                let form = crate::runtime::__codegen::form_urlencoded(&body).map_err(crate::runtime::Error::InvalidRequest)?;
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
    let operation_id = op.operation_id.as_str();
    let call_info = quote! {
        crate::runtime::CallInfo { operation: #operation_id, retry_safe: #safe, method: #method_text, path: #path_text }
    };
    let send = if streams(op) {
        quote!(let (response, mut stream) = self.core.send_streaming_with_retry(build, #call_info).await?;)
    } else {
        quote!(let response = self.core.send_with_retry(build, #call_info).await?;)
    };
    quote! {
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
        #send
    }
}

/// The parts of the inclusive range `whole` that no range in `taken` covers.
fn subtract(whole: (u16, u16), taken: &[(u16, u16)]) -> Vec<(u16, u16)> {
    let mut free = vec![whole];
    for &(lo, hi) in taken {
        free = free
            .into_iter()
            .flat_map(|(a, b)| {
                if hi < a || lo > b {
                    return vec![(a, b)];
                }
                let mut rest = Vec::new();
                if lo > a {
                    rest.push((a, lo - 1));
                }
                if hi < b {
                    rest.push((hi + 1, b));
                }
                rest
            })
            .collect();
    }
    free
}

/// An arm's statuses with every run of three or more consecutive codes
/// written as one range (`480..=482`, not `480 | 481 | 482`, which clippy
/// refuses); other codes and ranges keep their order.
fn merge_runs(statuses: &[(u16, u16)]) -> Vec<(u16, u16)> {
    let mut codes: Vec<u16> = statuses.iter().filter(|(lo, hi)| lo == hi).map(|(lo, _)| *lo).collect();
    codes.sort_unstable();
    codes.dedup();
    let mut runs: Vec<(u16, u16)> = Vec::new();
    for code in codes {
        match runs.last_mut() {
            Some((_, hi)) if *hi + 1 == code => *hi = code,
            _ => runs.push((code, code)),
        }
    }
    let mut out: Vec<(u16, u16)> = Vec::new();
    for &(lo, hi) in statuses {
        if lo != hi {
            out.push((lo, hi));
            continue;
        }
        let run = runs.iter().find(|(a, b)| (*a..=*b).contains(&lo)).copied().unwrap_or((lo, hi));
        let piece = if run.1 - run.0 >= 2 { run } else { (lo, lo) };
        if !out.contains(&piece) {
            out.push(piece);
        }
    }
    out
}

/// How a response is handled; equal handlers share a match arm.
#[derive(Clone, PartialEq)]
enum Handler {
    Success {
        body: ResponseBody,
        variant: Option<String>,
    },
    /// A 2xx the spec does not list: the operation's one success body when
    /// it decodes, otherwise `Error::UnexpectedResponse` (never the error
    /// schema).
    UndeclaredSuccess {
        body: ResponseBody,
    },
    ApiError,
    Unexpected,
}

/// The `match` on the response status: documented successes decode their
/// body, documented errors become `Error::Api`, anything else
/// `Error::Unexpected` (status and raw body kept).
fn dispatch(op: &ir::Operation, success: &SuccessBody<'_>, error_type: &TypeRef) -> TokenStream {
    let enum_name = success.by_status.as_ref().map(|(_, name)| name);
    // The enum's variant for a success response, by its status.
    let variant_of = |r: &ir::Response| -> Option<String> {
        let (e, _) = success.by_status.as_ref()?;
        e.variants.iter().find(|v| v.status == r.status).map(|v| v.name.clone())
    };
    let handler_of = |r: &ir::Response| -> Handler {
        if r.success {
            Handler::Success { body: r.body.clone(), variant: variant_of(r) }
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
    // Each arm's statuses as inclusive ranges (a code is a range of one).
    let mut arms: Vec<(Vec<(u16, u16)>, Handler)> = Vec::new();
    for r in &op.responses {
        let handler = handler_of(r);
        match r.status {
            StatusMatch::Code(code) => {
                let covered_by_range = ranges.contains(&(code / 100));
                if handler == fallback && !covered_by_range {
                    continue;
                }
                match arms.iter_mut().find(|(_, h)| *h == handler) {
                    Some((patterns, _)) => patterns.push((code, code)),
                    None => arms.push((vec![(code, code)], handler)),
                }
            }
            StatusMatch::Range(d) => {
                if handler == fallback {
                    continue;
                }
                arms.push((vec![(d * 100, d * 100 + 99)], handler));
            }
            StatusMatch::Default => {}
        }
    }
    // A 2xx the spec does not list never gets the error schema: it is the
    // success when it fits the one success body, else kept whole.
    if !matches!(fallback, Handler::Success { .. }) && !ranges.contains(&2) {
        let handler = match &op.success {
            // Only a JSON body can fail to fit; any other is read as declared.
            ir::Success::One(body @ ResponseBody::Json(_)) => Handler::UndeclaredSuccess { body: body.clone() },
            ir::Success::One(body) => Handler::Success { body: body.clone(), variant: None },
            _ => Handler::Unexpected,
        };
        if handler != fallback {
            // The declared successes share one arm (one body): the range
            // replaces their codes there; codes of other arms come first.
            match arms.iter_mut().find(|(_, h)| *h == handler) {
                Some((patterns, _)) => {
                    patterns.retain(|&(lo, hi)| !(200..=299).contains(&lo) || hi > 299);
                    patterns.push((200, 299));
                }
                // Its own arm, after the others: the 2xx codes they match
                // are left out, so no two arms overlap (clippy's
                // match_overlapping_arm).
                None => {
                    let taken: Vec<(u16, u16)> = arms.iter().flat_map(|(s, _)| s.iter().copied()).collect();
                    let free = subtract((200, 299), &taken);
                    if !free.is_empty() {
                        arms.push((free, handler));
                    }
                }
            }
        }
    }
    let error_body = ty(error_type);
    // A JSON success under an envelope first checks the envelope's status.
    let envelope = op.envelope.as_ref().map(|e| {
        let field = &e.field;
        let success = &e.success;
        quote! {
            if !crate::runtime::__codegen::envelope_succeeded(&response.body, #field, &[#(#success),*]) {
                return Err(crate::runtime::__codegen::api_error(response));
            }
        }
    });
    let success_code = |body: &ResponseBody, variant: &Option<String>| -> TokenStream {
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
                quote! {{
                    #envelope
                    let (body, response) = crate::runtime::__codegen::decode_json::<#t, #error_body>(response)?;
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
            ResponseBody::Stream => {
                let value = wrap(quote!(body));
                quote! {
                    match stream.take() {
                        Some(body) => Ok(Self::finish(response, #value)),
                        None => Err(crate::runtime::__codegen::unexpected(response)),
                    }
                }
            }
        }
    };
    let handler_code = |h: &Handler| -> TokenStream {
        match h {
            Handler::Success { body, variant } => success_code(body, variant),
            Handler::UndeclaredSuccess { body: ResponseBody::Json(t) } => {
                let t = ty(t);
                quote! {{
                    #envelope
                    match crate::runtime::__codegen::decode_json::<#t, #error_body>(response) {
                        Ok((body, response)) => Ok(Self::finish(response, body)),
                        Err(crate::runtime::Error::Decode { response, .. }) => {
                            Err(crate::runtime::__codegen::unexpected(*response))
                        }
                        Err(other) => Err(other),
                    }
                }}
            }
            Handler::UndeclaredSuccess { body } => success_code(body, &None),
            Handler::ApiError => quote!(Err(crate::runtime::__codegen::api_error(response))),
            Handler::Unexpected => quote!(Err(crate::runtime::__codegen::unexpected(response))),
        }
    };
    let arm_tokens = arms.iter().map(|(statuses, h)| {
        let code = handler_code(h);
        let patterns = merge_runs(statuses).into_iter().map(|(lo, hi)| {
            let (lo_lit, hi_lit) = (status_literal(lo), status_literal(hi));
            if lo == hi {
                lo_lit
            } else {
                quote!(#lo_lit..=#hi_lit)
            }
        });
        quote!( #(#patterns)|* => #code, )
    });
    let fallback_code = handler_code(&fallback);
    let gone =
        op.gone_is_success.then(|| quote!(410 if response.lost_answers > 0 => Ok(Self::finish(response, ())),));
    if arms.is_empty() && gone.is_none() {
        return fallback_code;
    }
    quote! {
        match response.status.as_u16() {
            #gone
            #(#arm_tokens)*
            _ => #fallback_code,
        }
    }
}

/// The method's rustdoc: summary and description, what it sends where, its
/// arguments and every documented response.
fn method_docs(op: &ir::Operation, request_body: Option<&ir::RequestBody>) -> TokenStream {
    // Docs.
    let mut text = docs::paragraphs([op.summary.as_str(), op.docs.as_str()]);
    if !text.is_empty() {
        text.push_str("\n\n");
    }
    text.push_str(&format!("Sends `{}` to `{}`.", op.method.as_str(), op.path));
    if streams(op) {
        text.push_str(
            " A successful body is handed over unread, as a [`ByteStream`](crate::runtime::ByteStream): read it a chunk at a time, so a large file is never held in memory whole.",
        );
    }
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
    let declares_2xx_range = op.responses.iter().any(|r| r.status == StatusMatch::Range(2));
    let default_succeeds = op.responses.iter().any(|r| r.status == StatusMatch::Default && r.success);
    if !declares_2xx_range && !default_succeeds {
        let fits = matches!(op.success, ir::Success::One(_));
        text.push_str(if fits {
            "\n- another 2xx (`Ok` when its body fits the success type, else `Err`): an undocumented success, \
             never read as an error body; one that does not fit is kept whole (`Error::UnexpectedResponse`)."
        } else {
            "\n- another 2xx (`Err`): kept whole (`Error::UnexpectedResponse`), never read as an error body."
        });
    }
    if op.gone_is_success {
        text.push_str(
            "\n- 410 after an attempt whose answer was lost (`Ok`): that attempt took effect, so this call succeeded; \
             the response has status 410 and `lost_answers` above 0.",
        );
    }
    docs::outer(&text)
}

/// A short example in the method's docs, compiled as a doctest but not run:
/// scalar arguments get sample values, options their defaults, and other
/// values (bodies, structured parameters) come from hidden placeholders.
fn example(
    op: &ir::Operation,
    request_body: Option<&ir::RequestBody>,
    method_name: &str,
    module: &ModuleContext<'_>,
) -> TokenStream {
    let runtime = module.path.split("::").next().unwrap_or("crate").to_owned() + "::runtime";
    let mut hidden = Vec::new();
    let mut args = Vec::new();
    for p in op.params.iter().filter(|p| p.required) {
        args.push(scalar_sample(p, &runtime).unwrap_or_else(|| {
            hidden.push(format!("# let {} = todo!();", p.name));
            format!("&{}", p.name)
        }));
    }
    let mut shown = Vec::new();
    if let Some(body) = request_body {
        let value = match &body.kind {
            ir::BodyKind::Text(_) => "\"text\"".to_owned(),
            ir::BodyKind::Bytes(_) => format!("{runtime}::Bytes::from_static(b\"...\")"),
            ir::BodyKind::Json(TypeRef::String, _) | ir::BodyKind::Form(TypeRef::String) => "\"text\"".to_owned(),
            kind => {
                let sample = match kind {
                    ir::BodyKind::Json(ty, _) | ir::BodyKind::Form(ty) => sample_value(module, &runtime, ty, "body", 0),
                    ir::BodyKind::Multipart(m) => sample_multipart(module, &runtime, m),
                    _ => None,
                };
                match sample {
                    Some(sample) => shown.push(format!("let body = {sample};")),
                    None => hidden.push("# let body = todo!();".to_owned()),
                }
                "&body".to_owned()
            }
        };
        args.push(if body.required { value } else { format!("Some({value})") });
    }
    if let Some(options) = &op.names.options {
        args.push(format!("&{options}::default()"));
    }
    let mut lines = vec![
        String::new(),
        " # Example".to_owned(),
        String::new(),
        " ```no_run".to_owned(),
        format!(" # async fn example(client: &{}::Client) -> Result<(), Box<dyn std::error::Error>> {{", module.path),
        format!(" # use {}::*;", module.path),
    ];
    lines.extend(hidden.iter().chain(&shown).map(|line| format!(" {line}")));
    lines.push(format!(" let response = client.{method_name}({}).await?;", args.join(", ")));
    lines.push(" println!(\"{}\", response.status);".to_owned());
    lines.push(" # Ok(())".to_owned());
    lines.push(" # }".to_owned());
    lines.push(" ```".to_owned());
    quote! { #( #[doc = #lines] )* }
}

/// A sample argument for a parameter of a scalar type (its wire name for
/// a string), or `None` when the type takes more than a literal.
pub(super) fn scalar_sample(p: &ir::Param, runtime: &str) -> Option<String> {
    match &p.ty {
        TypeRef::String | TypeRef::Bytes => Some(format!("{:?}", p.wire_name)),
        TypeRef::Bool => Some("true".to_owned()),
        TypeRef::I32 | TypeRef::I64 | TypeRef::U64 => Some("1".to_owned()),
        TypeRef::F32 | TypeRef::F64 => Some("1.0".to_owned()),
        TypeRef::StringBool => Some(format!("{runtime}::StringBool(true)")),
        TypeRef::Vec(_) => Some("&[]".to_owned()),
        _ => None,
    }
}

/// How an example builds a value of the named type, when it can without
/// guessing: `types::X::default()` for a struct whose fields are all
/// optional, `types::X::new(..)` with a sample of each required field (two
/// levels deep at most), an enum's first value.
fn sample_named(module: &ModuleContext<'_>, runtime: &str, name: &str, depth: usize) -> Option<String> {
    let def = module.types.get(name)?;
    match &def.kind {
        ir::TypeKind::Struct(s) => {
            let required: Vec<&ir::Field> = s.fields.iter().filter(|f| f.required && !f.nullable).collect();
            if required.is_empty() {
                return Some(format!("types::{name}::default()"));
            }
            if depth >= 2 {
                return None;
            }
            let args = required
                .iter()
                .map(|f| sample_value(module, runtime, &f.ty, &f.wire_name, depth + 1))
                .collect::<Option<Vec<String>>>()?;
            Some(format!("types::{name}::new({})", args.join(", ")))
        }
        ir::TypeKind::Enum(e) => e.variants.first().map(|v| format!("types::{name}::{}", v.name)),
        _ => None,
    }
}

/// A sample value of a field's type (a string is its wire name), or None
/// when there is no obvious one.
fn sample_value(module: &ModuleContext<'_>, runtime: &str, ty: &TypeRef, label: &str, depth: usize) -> Option<String> {
    Some(match ty {
        TypeRef::String => format!("{label:?}.to_owned()"),
        TypeRef::Bool => "true".to_owned(),
        TypeRef::I32 | TypeRef::I64 | TypeRef::U64 => "1".to_owned(),
        TypeRef::F32 | TypeRef::F64 => "1.0".to_owned(),
        TypeRef::StringBool => format!("{runtime}::StringBool(true)"),
        TypeRef::Vec(_) => "Vec::new()".to_owned(),
        TypeRef::Map(_) | TypeRef::Json => "Default::default()".to_owned(),
        TypeRef::Named(name) => sample_named(module, runtime, name, depth)?,
        TypeRef::Boxed(name) => format!("Box::new({})", sample_named(module, runtime, name, depth)?),
        TypeRef::Bytes => return None,
    })
}

/// How an example builds a multipart body: `Default` when every part is
/// optional, else `new` with a sample of each required part (a file is a
/// few bytes of PDF).
fn sample_multipart(module: &ModuleContext<'_>, runtime: &str, m: &ir::Multipart) -> Option<String> {
    let name = &m.type_name;
    let required: Vec<&ir::Part> = m.parts.iter().filter(|p| p.required).collect();
    if required.is_empty() && !m.named_by_caller {
        return Some(format!("{name}::default()"));
    }
    let args = required
        .iter()
        .map(|p| match p.kind {
            ir::PartKind::File => Some(format!("{runtime}::FilePart::new(&b\"%PDF-1.7\"[..])")),
            ir::PartKind::Files => Some("Vec::new()".to_owned()),
            _ => sample_value(module, runtime, &p.ty, &p.wire_name, 1),
        })
        .collect::<Option<Vec<String>>>()?;
    let part_name = if m.named_by_caller { "\"file\", " } else { "" };
    Some(format!("{name}::new({part_name}{})", args.join(", ")))
}

/// The typed headers of the operations' successful responses: the structs
/// and aliases lowering decided, in its order.
pub(super) fn header_types(api: &ir::Api) -> Vec<TokenStream> {
    api.header_types
        .iter()
        .map(|header_type| match header_type {
            ir::HeaderType::Struct(s) => headers_struct(s),
            ir::HeaderType::Alias { name, target } => {
                let doc = docs::outer(&format!("The same headers as [`{target}`]."));
                let (alias, target) = (ident(name), ident(target));
                quote! { #doc pub type #alias = #target; }
            }
        })
        .collect()
}

/// One struct of typed headers, with `from_headers`.
fn headers_struct(s: &ir::HeaderStruct) -> TokenStream {
    let (headers, methods) = (&s.headers, &s.methods);
    let name = ident(&s.name);
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
    let links: Vec<String> = methods.iter().map(|m| format!("[`Client::{m}`]")).collect();
    let who = match links.as_slice() {
        [one] => format!("{one} documents for its"),
        [init @ .., last] => format!("{} and {last} document for their", init.join(", ")),
        [] => "these operations document for their".to_owned(),
    };
    let doc = docs::outer(&format!(
        "The headers {who} successful responses; read them with `from_headers(&response.headers)`."
    ));
    quote! {
        #doc
        #[derive(Clone, Debug, Default, PartialEq)]
        #[non_exhaustive]
        pub struct #name { #(#fields)* }

        impl #name {
            /// Reads the documented headers; a missing or unparsable one is `None`.
            pub fn from_headers(headers: &crate::runtime::HeaderMap) -> Self {
                #name { #(#reads)* }
            }
        }
    }
}

/// The struct a multipart body is built from, and its `to_form`.
fn multipart_struct(m: &ir::Multipart, method_name: &str) -> TokenStream {
    let name = ident(&m.type_name);
    let mut fields = Vec::new();
    let mut parts = Vec::new();
    let json_members = m.json_members.iter().map(|(wire, media)| quote!((#wire, #media)));
    let json_members = quote!(&[#(#json_members),*]);
    if m.named_by_caller {
        let doc = docs::outer(
            "The part's name on the wire. The spec gives the body as one value and names no part, so the \
             API's own documentation says what it expects (often `file`).",
        );
        fields.push(quote! { #doc pub part_name: ::std::string::String, });
    }
    for part in &m.parts {
        let field = ident(&part.name);
        // Under bracketed names a list of files is `name[]`. A part the
        // caller names is named at run time: `wire` is then an expression.
        let wire = match (m.named_by_caller, m.style, part.kind) {
            (true, ir::FormStyle::Brackets, ir::PartKind::Files) => quote!(format!("{}[]", self.part_name)),
            (true, ..) => quote!(self.part_name.clone()),
            (false, ir::FormStyle::Brackets, ir::PartKind::Files) => {
                let wire = format!("{}[]", part.wire_name);
                quote!(#wire)
            }
            (false, ..) => {
                let wire = &part.wire_name;
                quote!(#wire)
            }
        };
        let wire_ref = if m.named_by_caller { quote!(&self.part_name) } else { wire.clone() };
        let content_type = match &part.content_type {
            Some(ct) => quote!(Some(#ct)),
            None => quote!(None),
        };
        let inner = part_type(part);
        let field_ty = if part.required { inner } else { quote!(::std::option::Option<#inner>) };
        let text = match (part.docs.trim().is_empty(), m.named_by_caller) {
            (false, _) => part.docs.clone(),
            (true, true) => "The one part's value.".to_owned(),
            (true, false) => format!("The `{}` part.", part.wire_name),
        };
        let doc = docs::outer(&text);
        fields.push(quote! { #doc pub #field: #field_ty, });
        // `value` is a reference to the field's value.
        let add = match (part.kind, part.style) {
            (ir::PartKind::File | ir::PartKind::Files, _) | (_, None) => None,
            (_, Some(style)) => {
                let style = field_style(style);
                Some(quote! {
                    let value = ::serde_json::to_value(value).map_err(|err| format!("cannot encode a multipart part: {err}"))?;
                    for (name, text) in crate::runtime::__codegen::field_pairs(#wire_ref, &value, #style) {
                        form = form.part(name, crate::runtime::__codegen::text_part(text, #content_type)?);
                    }
                })
            }
        };
        let add = add.unwrap_or_else(|| match part.kind {
            ir::PartKind::File => quote! { form = form.part(#wire, value.to_part(#content_type)?); },
            ir::PartKind::Files => quote! {
                for file in value.iter() {
                    form = form.part(#wire, file.to_part(#content_type)?);
                }
            },
            ir::PartKind::Text => quote! {
                form = form.part(#wire, crate::runtime::__codegen::text_part(value.to_string(), #content_type)?);
            },
            ir::PartKind::TextList => quote! {
                for item in value.iter() {
                    form = form.part(#wire, crate::runtime::__codegen::text_part(item.to_string(), #content_type)?);
                }
            },
            ir::PartKind::Json => {
                quote! { form = form.part(#wire, crate::runtime::__codegen::json_part(value, #content_type)?); }
            }
            ir::PartKind::Bracketed => {
                quote! { form = crate::runtime::__codegen::bracket_parts(form, #wire_ref, value)?; }
            }
            ir::PartKind::Spread => {
                quote! { form = crate::runtime::__codegen::spread_parts(form, value, #json_members)?; }
            }
        });
        parts.push(if part.required {
            quote! { { let value = &self.#field; #add } }
        } else {
            quote! { if let Some(value) = &self.#field { #add } }
        });
    }
    let doc = docs::outer(&match m.style {
        ir::FormStyle::Repeat => format!("The multipart body of [`Client::{method_name}`]: one field per part."),
        ir::FormStyle::Brackets => format!(
            "The multipart body of [`Client::{method_name}`]. Nested values are sent under bracketed names (`name[key]`, `name[]`, `name[0]`), booleans as `1` and `0`."
        ),
    });
    let form_binding = if parts.is_empty() { quote!(let form) } else { quote!(let mut form) };
    let required: Vec<&ir::Part> = m.parts.iter().filter(|p| p.required).collect();
    let default = (required.is_empty() && !m.named_by_caller).then(|| quote!(Default,));
    let constructor = (!required.is_empty() || m.named_by_caller).then(|| {
        let part_name = m.named_by_caller.then(|| quote!(part_name: impl ::std::convert::Into<::std::string::String>,));
        let part_name_init = m.named_by_caller.then(|| quote!(part_name: part_name.into(),));
        let args = required.iter().map(|p| {
            let n = ident(&p.name);
            let t = part_type(p);
            quote!(#n: #t)
        });
        let inits = m.parts.iter().map(|p| {
            let n = ident(&p.name);
            if p.required {
                quote!(#n)
            } else {
                quote!(#n: ::std::option::Option::None)
            }
        });
        let names: Vec<String> = m
            .named_by_caller
            .then(|| "`part_name`".to_owned())
            .into_iter()
            .chain(required.iter().map(|p| format!("`{}`", p.name)))
            .collect();
        let doc = docs::outer(&format!("A body with the required parts ({}) and no optional one.", names.join(", ")));
        let allow = (required.len() > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
        quote! {
            #doc
            #allow
            pub fn new(#part_name #(#args),*) -> Self {
                Self { #part_name_init #(#inits,)* }
            }
        }
    });
    quote! {
        #doc
        #[derive(Clone, Debug, #default PartialEq)]
        #[non_exhaustive]
        pub struct #name { #(#fields)* }

        impl #name {
            #constructor

            fn to_form(&self) -> ::std::result::Result<::reqwest::multipart::Form, ::std::string::String> {
                #form_binding = ::reqwest::multipart::Form::new();
                #(#parts)*
                Ok(form)
            }
        }
    }
}

/// The runtime's name for a field style.
fn field_style(style: ir::FieldStyle) -> TokenStream {
    match style {
        ir::FieldStyle::FormExploded => quote!(crate::runtime::FieldStyle::FormExploded),
        ir::FieldStyle::Form => quote!(crate::runtime::FieldStyle::Form),
        ir::FieldStyle::DeepObject => quote!(crate::runtime::FieldStyle::DeepObject),
    }
}

/// The Rust type of a part's value.
fn part_type(part: &ir::Part) -> TokenStream {
    match part.kind {
        ir::PartKind::File => quote!(crate::runtime::FilePart),
        ir::PartKind::Files => quote!(::std::vec::Vec<crate::runtime::FilePart>),
        _ => ty(&part.ty),
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
        ResponseBody::Stream => quote!(crate::runtime::ByteStream),
    }
}

/// Whether a success body is handed over unread (`x-esign-stream`).
fn streams(op: &ir::Operation) -> bool {
    op.responses.iter().any(|r| r.success && r.body == ResponseBody::Stream)
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
