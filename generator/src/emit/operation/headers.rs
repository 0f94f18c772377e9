//! The typed response headers of a module's operations: the structs with
//! `from_headers` and the aliases lowering decided (`Api::header_types`).

use super::super::{docs, ident, ty};
use crate::ir::{self, TypeRef};
use proc_macro2::TokenStream;
use quote::quote;

/// The typed headers of the operations' successful responses: the structs
/// and aliases lowering decided, in its order.
pub(in crate::emit) fn header_types(api: &ir::Api) -> Vec<TokenStream> {
    api.header_types
        .iter()
        .map(|header_type| match header_type {
            ir::HeaderType::Struct(s) => headers_struct(api, s),
            ir::HeaderType::Alias { name, target } => {
                let ir::HeaderType::Struct(target) = &api.header_types[*target] else {
                    unreachable!("lowering makes every header alias name a struct")
                };
                let doc = docs::outer(&format!("The same headers as [`{}`].", target.name));
                let (alias, target) = (ident(name), ident(&target.name));
                quote! { #doc pub type #alias = #target; }
            }
        })
        .collect()
}

/// One struct of typed headers, with `from_headers`.
fn headers_struct(api: &ir::Api, s: &ir::HeaderStruct) -> TokenStream {
    let (headers, methods) = (&s.headers, &s.methods);
    let name = ident(&s.name);
    let fields = headers.iter().map(|h| {
        let field = ident(&h.name);
        let t = ty(api, &h.ty);
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
