//! A multipart body's struct: one field per part, a constructor with the
//! required parts, and `to_form`, which builds the parts as the IR says.

use super::super::{docs, ident, ty};
use crate::ir::{self};
use proc_macro2::TokenStream;
use quote::quote;

/// The struct a multipart body is built from, and its `to_form`.
pub(super) fn multipart_struct(api: &ir::Api, m: &ir::Multipart, method_name: &str) -> TokenStream {
    let name = ident(&m.type_name);
    let mut fields = Vec::new();
    let mut parts = Vec::new();
    let json_members = m.json_members.iter().map(|member| {
        let (wire, media) = (&member.wire_name, &member.media_type);
        quote!((#wire, #media))
    });
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
        let inner = part_type(api, part);
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
            let t = part_type(api, p);
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
pub(super) fn field_style(style: ir::FieldStyle) -> TokenStream {
    match style {
        ir::FieldStyle::FormExploded => quote!(crate::runtime::__codegen::FieldStyle::FormExploded),
        ir::FieldStyle::Form => quote!(crate::runtime::__codegen::FieldStyle::Form),
        ir::FieldStyle::DeepObject => quote!(crate::runtime::__codegen::FieldStyle::DeepObject),
    }
}

/// The Rust type of a part's value.
fn part_type(api: &ir::Api, part: &ir::Part) -> TokenStream {
    match part.kind {
        ir::PartKind::File => quote!(crate::runtime::FilePart),
        ir::PartKind::Files => quote!(::std::vec::Vec<crate::runtime::FilePart>),
        _ => ty(api, &part.ty),
    }
}
