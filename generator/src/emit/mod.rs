//! Stage 3, emit: IR -> token streams, one per generated file.
//!
//! Sees only the IR (never `openapiv3`) and cannot fail: every decision was
//! made while lowering. Emit reads IR fields and prints them: each
//! operation's success shape and error body, the header structs and
//! aliases, the types that validate, the runtime features and every name
//! are fields of the IR; emit makes up no name and chooses no type. Paths are absolute (`::std::...`)
//! so a schema named `Result` or `Option` shadows nothing.

mod client;
pub(crate) mod docs;
mod extras;
mod manifest;
mod operation;
mod quick_start;
mod types;
mod validate;

use crate::ir::{self, TypeRef};
use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

pub use client::{ClientFile, OperationTexts};
pub(crate) use manifest::{cargo_toml, readme, vendored_runtime_toml, ManifestOptions, RuntimeSource};
pub use types::TypesFile;

/// An identifier chosen by `naming`. Every name in the IR was made by one
/// of `naming`'s functions, which only hand out ASCII identifiers that do
/// not start with a digit (its tests hold it to that); emit takes them as
/// they are and makes up none.
pub(crate) fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// The Rust type for a type reference, inside a module's `types.rs`.
pub(crate) fn type_tokens(api: &ir::Api, ty: &TypeRef) -> TokenStream {
    type_tokens_in(api, ty, &quote!())
}

/// The Rust type for a type reference, naming module types through `prefix`
/// (`types::` from the client file). A named type's name is read from the
/// arena, `api.types`.
pub(crate) fn type_tokens_in(api: &ir::Api, ty: &TypeRef, prefix: &TokenStream) -> TokenStream {
    match ty {
        TypeRef::Named(id) => {
            let name = ident(api.type_name(*id));
            quote!(#prefix #name)
        }
        TypeRef::Boxed(id) => {
            let name = ident(api.type_name(*id));
            quote!(::std::boxed::Box<#prefix #name>)
        }
        TypeRef::String | TypeRef::Bytes => quote!(::std::string::String),
        TypeRef::Bool => quote!(bool),
        TypeRef::StringBool => quote!(crate::runtime::StringBool),
        TypeRef::I32 => quote!(i32),
        TypeRef::I64 => quote!(i64),
        TypeRef::U64 => quote!(u64),
        TypeRef::F32 => quote!(f32),
        TypeRef::F64 => quote!(f64),
        TypeRef::Json => quote!(::serde_json::Value),
        TypeRef::Vec(inner) => {
            let inner = type_tokens_in(api, inner, prefix);
            quote!(::std::vec::Vec<#inner>)
        }
        TypeRef::Map(inner) => {
            let inner = type_tokens_in(api, inner, prefix);
            quote!(::std::collections::BTreeMap<::std::string::String, #inner>)
        }
    }
}

/// The Rust type for a type reference from a module root, where the
/// module's own types are `types::X`.
pub(crate) fn ty(api: &ir::Api, t: &TypeRef) -> TokenStream {
    type_tokens_in(api, t, &quote!(types::))
}

/// The argument type for a required value: borrowed where that is natural.
pub(crate) fn borrowed_arg(api: &ir::Api, t: &TypeRef) -> TokenStream {
    borrowed_arg_for(api, t, &quote!())
}

/// [`borrowed_arg`] with a named lifetime on the borrow (`&'a str`), for
/// methods whose result borrows their arguments (paginator streams).
pub(crate) fn borrowed_arg_for(api: &ir::Api, t: &TypeRef, lifetime: &TokenStream) -> TokenStream {
    match t {
        TypeRef::String | TypeRef::Bytes => quote!(&#lifetime str),
        TypeRef::Bool
        | TypeRef::I32
        | TypeRef::I64
        | TypeRef::U64
        | TypeRef::F32
        | TypeRef::F64
        | TypeRef::StringBool => ty(api, t),
        TypeRef::Vec(inner) => {
            let inner = ty(api, inner);
            quote!(&#lifetime [#inner])
        }
        other => {
            let t = ty(api, other);
            quote!(&#lifetime #t)
        }
    }
}

/// The error type an operation's method returns: the module's `Error`, or
/// `Error<E>` when the operation's error body is not the default one.
pub(crate) fn error_tokens(api: &ir::Api, error: &ir::ErrorBody) -> TokenStream {
    if error.is_default {
        quote!(Error)
    } else {
        let t = ty(api, &error.ty);
        quote!(Error<#t>)
    }
}

/// The crate root (`lib.rs`) for a set of APIs: the front page (a quick
/// start with the main module, the table of features, then `front_page`,
/// the caller's own Markdown), the module declarations, the runtime.
pub fn lib_file(crate_name: &str, apis: &[ir::Api], vendored: bool, front_page: Option<&str>) -> TokenStream {
    let lib = crate_name.replace('-', "_");
    let intro = format!("Typed async clients generated from OpenAPI specs by `esign-codegen` ({crate_name}).");
    // The quick start is our own Markdown, its program a doctest: its lines
    // go in as they are (spec text goes through `docs`, whose fences are
    // never run).
    let quick_start: Vec<String> = quick_start::main_api(apis)
        .map(|api| {
            let text = format!("\n# Quick start\n\n{}\n", quick_start::quick_start(&lib, api));
            text.lines().map(|line| if line.is_empty() { String::new() } else { format!(" {line}") }).collect()
        })
        .unwrap_or_default();
    let mut text = String::from(
        "# Features\n\nEach module is behind a Cargo feature of its own, all on by default; `tracing` is off \
         by default.\n\n| Feature | Module | API |\n|---|---|---|\n",
    );
    for api in apis {
        let label = manifest::label(api).replace('|', "\\|");
        text.push_str(&format!("| `{}` | [`{}`] | {label} |\n", api.feature, api.module));
    }
    text.push_str(
        "| `tracing` | | A `tracing` span per call and an event per retry and per wait, from the runtime; \
         never a credential or a parameter value. |\n",
    );
    text.push_str(if vendored {
        "\n[`runtime`] is the `esign-runtime` crate, copied as it is into this crate's `runtime/` folder: \
         what the modules share, credentials that never print, the error type, URL building, retries."
    } else {
        "\n[`runtime`] is the `esign-runtime` crate, which every generated client shares: \
         credentials that never print, the error type, URL building, retries."
    });
    if let Some(extra) = front_page.map(str::trim).filter(|t| !t.is_empty()) {
        text.push_str("\n\n");
        text.push_str(extra);
    }
    let intro = docs::inner(&intro);
    let rest = docs::inner(&text);
    let docs = quote! {
        #intro
        #( #![doc = #quick_start] )*
        #![doc = ""]
        #rest
    };
    let modules = apis.iter().map(|api| {
        let module = ident(&api.module);
        let feature = &api.feature;
        quote! {
            #[cfg(feature = #feature)]
            #[cfg_attr(docsrs, doc(cfg(feature = #feature)))]
            #[rustfmt::skip]
            pub mod #module;
        }
    });
    // Vendored or not, the runtime is the crate `esign_runtime` (a
    // vendored copy is a path dependency under a name of its own).
    let runtime = quote! {
        pub use ::esign_runtime as runtime;
    };
    quote! {
        #docs
        #![cfg_attr(docsrs, feature(doc_cfg))]
        #![deny(missing_docs)]
        #![forbid(unsafe_code)]

        #runtime
        #(#modules)*
    }
}
