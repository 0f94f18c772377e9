//! One operation -> its async method on `Client`, and the items that method
//! needs (its options struct, its body-by-status enum, its multipart
//! struct), plus the typed response headers of a module's operations.
//!
//! The method is built in four parts: the arguments ([`arguments`], here),
//! the code that builds and sends the request (`request`), the `match` on
//! the response status (`dispatch`) and the rustdoc with its example
//! (`rustdoc`). `multipart` prints a multipart body's struct and `headers`
//! the header structs and aliases. The success shape (one type or an enum
//! by status, with its variant names), the error body and the header types
//! are read from the IR as lowering decided them.

mod dispatch;
mod headers;
mod multipart;
mod request;
mod rustdoc;

use dispatch::dispatch;
use multipart::multipart_struct;
use request::request;
use rustdoc::{example, method_docs};

pub(super) use headers::header_types;
pub(super) use rustdoc::scalar_sample;

use super::{borrowed_arg, docs, ident, ty};
use crate::ir::{self, ParamLocation, ResponseBody};
use proc_macro2::TokenStream;
use quote::quote;

/// What every method of a module shares.
pub(super) struct ModuleContext<'a> {
    /// The module's path from outside the crate (`esign_client::dropbox_sign`),
    /// for the examples in the docs.
    pub(super) path: String,
    /// The API: its arena of types names each [`ir::TypeId`], and says
    /// which types have a `Validate` impl ([`ir::Api::validated_types`]).
    pub(super) api: &'a ir::Api,
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
    let api = module.api;
    let error_tokens = super::error_tokens(api, &op.error);
    let success = SuccessBody::of(api, op);
    if primary {
        extra_items.extend(success.item.clone());
    }
    let args = arguments(api, op, request_body, method_name, primary, extra_items);
    let request = request(op, request_body, &error_tokens, &module.api.validated_types);
    let dispatch = dispatch(api, op, &success, &op.error.ty);
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
    fn of(api: &ir::Api, op: &'a ir::Operation) -> SuccessBody<'a> {
        match &op.success {
            ir::Success::Nothing => SuccessBody { body_type: quote!(()), by_status: None, item: None },
            ir::Success::One(body) => SuccessBody { body_type: success_type(api, body), by_status: None, item: None },
            ir::Success::ByStatus(e) => {
                let name = ident(&e.name);
                let variants = e.variants.iter().map(|v| {
                    let variant = ident(&v.name);
                    let doc =
                        docs::outer(if v.docs.trim().is_empty() { "A documented success." } else { v.docs.as_str() });
                    match &v.body {
                        ResponseBody::Empty => quote! { #doc #variant, },
                        body => {
                            let t = success_type(api, body);
                            quote! { #doc #variant(#t), }
                        }
                    }
                });
                let doc = docs::outer(&format!("The body of a successful [`Client::{}`], by status.", op.method_name));
                let derives =
                    if e.comparable { quote!(#[derive(Clone, Debug, PartialEq)]) } else { quote!(#[derive(Debug)]) };
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
    api: &ir::Api,
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
            let t = borrowed_arg(api, &p.ty);
            args.push(quote!(#name: #t));
        } else {
            let t = ty(api, &p.ty);
            let deprecated = p.deprecated.then(|| quote!(#[deprecated]));
            let fdoc = docs::outer(&doc);
            options_fields.push(quote! { #fdoc #deprecated pub #name: ::std::option::Option<#t>, });
        }
    }
    if let Some(body) = request_body {
        let t = match &body.kind {
            ir::BodyKind::Json(t, _) | ir::BodyKind::Form(t) => borrowed_arg(api, t),
            ir::BodyKind::Multipart(m) => {
                extra_items.push(multipart_struct(api, m, method_name));
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

fn success_type(api: &ir::Api, body: &ResponseBody) -> TokenStream {
    match body {
        ResponseBody::Empty => quote!(()),
        ResponseBody::Json(t) => ty(api, t),
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
