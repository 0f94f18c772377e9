//! Stage 3, emit: IR -> token streams, one per generated file.
//!
//! Sees only the IR (never `openapiv3`) and cannot fail: every decision that
//! can go wrong was made while lowering. Paths are absolute (`::std::...`)
//! so a schema named `Result` or `Option` shadows nothing.

mod client;
pub(crate) mod docs;
mod extras;
mod manifest;
mod operation;
mod types;
mod validate;

use crate::ir::{self, ResponseBody, TypeRef};
use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

pub use client::client_file;
pub(crate) use manifest::{cargo_toml, readme};
pub use types::types_file;

/// An identifier chosen by `naming`. Naming only hands out valid
/// identifiers; should that ever fail, the name is repaired rather than the
/// generator panicking.
pub(crate) fn ident(name: &str) -> Ident {
    let valid = name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && name != "_";
    if valid {
        Ident::new(name, Span::call_site())
    } else {
        Ident::new(&format!("invalid_{}", crate::naming::field_name(name)), Span::call_site())
    }
}

/// The Rust type for a type reference, inside a module's `types.rs`.
pub(crate) fn type_tokens(ty: &TypeRef) -> TokenStream {
    type_tokens_in(ty, &quote!())
}

/// The Rust type for a type reference, naming module types through `prefix`
/// (`types::` from the client file).
pub(crate) fn type_tokens_in(ty: &TypeRef, prefix: &TokenStream) -> TokenStream {
    match ty {
        TypeRef::Named(name) => {
            let name = ident(name);
            quote!(#prefix #name)
        }
        TypeRef::Boxed(name) => {
            let name = ident(name);
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
            let inner = type_tokens_in(inner, prefix);
            quote!(::std::vec::Vec<#inner>)
        }
        TypeRef::Map(inner) => {
            let inner = type_tokens_in(inner, prefix);
            quote!(::std::collections::BTreeMap<::std::string::String, #inner>)
        }
    }
}

/// The Rust type for a type reference from a module root, where the
/// module's own types are `types::X`.
pub(crate) fn ty(t: &TypeRef) -> TokenStream {
    type_tokens_in(t, &quote!(types::))
}

/// The argument type for a required value: borrowed where that is natural.
pub(crate) fn borrowed_arg(t: &TypeRef) -> TokenStream {
    borrowed_arg_for(t, &quote!())
}

/// [`borrowed_arg`] with a named lifetime on the borrow (`&'a str`), for
/// methods whose result borrows their arguments (paginator streams).
pub(crate) fn borrowed_arg_for(t: &TypeRef, lifetime: &TokenStream) -> TokenStream {
    match t {
        TypeRef::String | TypeRef::Bytes => quote!(&#lifetime str),
        TypeRef::Bool
        | TypeRef::I32
        | TypeRef::I64
        | TypeRef::U64
        | TypeRef::F32
        | TypeRef::F64
        | TypeRef::StringBool => ty(t),
        TypeRef::Vec(inner) => {
            let inner = ty(inner);
            quote!(&#lifetime [#inner])
        }
        other => {
            let t = ty(other);
            quote!(&#lifetime #t)
        }
    }
}

/// The one JSON body all of an operation's error responses share, or any
/// JSON value when they differ or have none.
pub(crate) fn op_error_type(op: &ir::Operation) -> TypeRef {
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

/// The crate root (`lib.rs`) for a set of APIs.
pub fn lib_file(crate_name: &str, apis: &[ir::Api], vendored: bool) -> TokenStream {
    let mut text = format!(
        "Typed async clients generated from OpenAPI specs by `esign-codegen` ({crate_name}).\n\nModules, each behind the Cargo feature named beside it:\n"
    );
    for api in apis {
        // `[name]: text` at the start of an item would read as a link
        // reference definition (an empty title leaves `1.0 (...)` there).
        text.push_str(&format!("\n- [`{}`] (feature `{}`): {}", api.module, api.feature, manifest::label(api)));
    }
    text.push_str(if vendored {
        "\n\n[`runtime`] holds what the modules share (a copy of the `esign-runtime` crate's sources): \
         credentials that never print, the error type, URL building, retries."
    } else {
        "\n\n[`runtime`] is the `esign-runtime` crate, which every generated client shares: \
         credentials that never print, the error type, URL building, retries."
    });
    let docs = docs::inner(&text);
    let modules = apis.iter().map(|api| {
        let module = ident(&api.module);
        let feature = &api.feature;
        quote! {
            #[cfg(feature = #feature)]
            #[rustfmt::skip]
            pub mod #module;
        }
    });
    let runtime = if vendored {
        // No `#[rustfmt::skip]` here: an attribute on the module would stop
        // `crate::runtime::open_enum!` from resolving (rustc treats the
        // module's macros as macro-expanded).
        quote! {
            pub mod runtime;
        }
    } else {
        quote! {
            pub use ::esign_runtime as runtime;
        }
    };
    quote! {
        #docs
        #![deny(missing_docs)]
        #![forbid(unsafe_code)]

        #runtime
        #(#modules)*
    }
}
