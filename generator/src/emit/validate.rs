//! IR checks -> `impl runtime::Validate` for the types of an API that opts
//! in (`x-esign-validate: true`). Every check comes from the spec:
//! `pattern`, `minItems`/`maxItems`, closed-world enum values, denied extra
//! properties, and the `x-esign-` object checks. Which types get an impl
//! was decided while lowering (`Api::validated_types`).

use super::ident;
use crate::ir::{self, Extra, TypeKind, TypeRef, ViolationRule};
use proc_macro2::TokenStream;
use quote::quote;
use std::collections::BTreeSet;

/// The `Validate` impl of one type, if lowering gave it one (`set` is
/// [`ir::Api::validated_types`]).
pub fn validate_impl(id: ir::TypeId, def: &ir::TypeDef, set: &BTreeSet<ir::TypeId>) -> Option<TokenStream> {
    if !set.contains(&id) {
        return None;
    }
    let name = ident(&def.name);
    let body = match &def.kind {
        TypeKind::Enum(_) => quote! {
            if !self.is_known() {
                out.push(crate::runtime::Violation::new(at, "not-listed", format!("`{self}` is not a documented value"), None));
            }
        },
        TypeKind::Struct(s) => struct_checks(s, set),
        TypeKind::Untagged(variants) => {
            let arms = variant_arms(variants.iter().map(|v| (&v.name, &v.ty)), set);
            quote! { match self { #(#arms)* } }
        }
        TypeKind::Tagged { variants, unknown_variant, .. } => {
            let arms = variant_arms(variants.iter().map(|v| (&v.name, &v.ty)), set);
            let unknown = ident(unknown_variant);
            quote! { match self { #(#arms)* Self::#unknown(_) => {} } }
        }
        TypeKind::Alias(_) | TypeKind::Newtype(_) => return None,
    };
    Some(quote! {
        impl crate::runtime::Validate for #name {
            fn validate_into(&self, at: &str, out: &mut ::std::vec::Vec<crate::runtime::Violation>) {
                #body
            }
        }
    })
}

/// Match arms of a union: variants holding a checked type are checked.
fn variant_arms<'v>(
    variants: impl Iterator<Item = (&'v String, &'v TypeRef)> + 'v,
    set: &'v BTreeSet<ir::TypeId>,
) -> impl Iterator<Item = TokenStream> + 'v {
    variants.map(move |(name, ty)| {
        let vname = ident(name);
        if ty.names_one_of(set) {
            quote!(Self::#vname(inner) => crate::runtime::Validate::validate_into(inner, at, out),)
        } else {
            quote!(Self::#vname(_) => {})
        }
    })
}

fn struct_checks(s: &ir::Struct, set: &BTreeSet<ir::TypeId>) -> TokenStream {
    let code_of = |rule: ViolationRule| -> TokenStream {
        match s.checks.codes.iter().find(|c| c.rule == rule) {
            Some(c) => {
                let code = &c.code;
                quote!(Some(#code))
            }
            None => quote!(None),
        }
    };
    let mut checks = Vec::new();
    for f in &s.fields {
        let field = ident(&f.name);
        let wire = &f.wire_name;
        let optional = !f.required || f.nullable;
        let mut on_value = Vec::new();
        if let Some(pattern) = &f.pattern {
            let code = code_of(ViolationRule::Pattern);
            on_value.push(quote!(crate::runtime::__codegen::check_pattern_at(value, #pattern, &here, out, #code);));
        }
        if f.min_items.is_some() || f.max_items.is_some() {
            let min = f.min_items.map_or(quote!(None), |n| quote!(Some(#n)));
            let max = f.max_items.map_or(quote!(None), |n| quote!(Some(#n)));
            let (code_min, code_max) = (code_of(ViolationRule::MinItems), code_of(ViolationRule::MaxItems));
            on_value
                .push(quote!(crate::runtime::__codegen::check_items(value.len(), #min, #max, &here, out, #code_min, #code_max);));
        }
        if f.ty.names_one_of(set) {
            on_value.push(quote!(crate::runtime::Validate::validate_into(value, &here, out);));
        }
        if on_value.is_empty() {
            continue;
        }
        // A documented-values check names the API's error when the spec maps it.
        let recode = s.checks.codes.iter().find(|c| c.rule == ViolationRule::NotListed).map(|c| {
            let code = &c.code;
            quote! {
                for violation in out.iter_mut().skip(mark) {
                    if violation.rule == "not-listed" && violation.code.is_none() {
                        violation.code = Some(#code.to_owned());
                    }
                }
            }
        });
        let body = quote! {
            let here = crate::runtime::__codegen::join_path(at, #wire);
            let mark = out.len();
            #(#on_value)*
            #recode
        };
        let body = if recode.is_none() {
            quote! { let here = crate::runtime::__codegen::join_path(at, #wire); #(#on_value)* }
        } else {
            body
        };
        checks.push(if optional {
            quote! { if let Some(value) = &self.#field { #body } }
        } else {
            quote! { { let value = &self.#field; #body } }
        });
    }
    if let Extra::Deny(extra) = &s.extra {
        let extra = ident(extra);
        let code = code_of(ViolationRule::UnknownProperty);
        checks.push(quote!(crate::runtime::__codegen::check_unknown_properties(self.#extra.keys(), at, out, #code);));
    }
    for group in &s.checks.exactly_one_of {
        let names: Vec<TokenStream> = group
            .iter()
            .map(|n| {
                let field = ident(n);
                quote!((#n, self.#field.is_some()))
            })
            .collect();
        let code = code_of(ViolationRule::ExactlyOneOf);
        checks.push(quote!(crate::runtime::__codegen::check_exactly_one(&[#(#names),*], at, out, #code);));
    }
    if let Some(c) = &s.checks.contrast {
        let values = c.elements.iter().map(|e| {
            let (wire, field) = (&e.wire_name, ident(&e.field));
            let default = e.default.as_deref().map_or(quote!(None), |d| quote!(Some(#d)));
            quote!((#wire, self.#field.as_deref(), #default))
        });
        let fixed = c.fixed.iter().map(|f| {
            let (element, hex) = (&f.element, &f.hex);
            quote!((#element, #hex))
        });
        let inherit = c.inherit.iter().map(|i| {
            let (element, from) = (&i.element, &i.from);
            quote!((#element, #from))
        });
        let pairs = c.pairs.iter().map(|p| {
            let (element, against) = (&p.element, &p.against);
            quote!((#element, &[#(#against),*] as &[&str]))
        });
        let minimum = c.minimum;
        let code = code_of(ViolationRule::Contrast);
        checks.push(quote! {
            crate::runtime::__codegen::check_contrast(
                &crate::runtime::ContrastRules {
                    colors: &[#(#values),*],
                    fixed: &[#(#fixed),*],
                    inherit: &[#(#inherit),*],
                    pairs: &[#(#pairs),*],
                    minimum: #minimum,
                },
                at,
                out,
                #code,
            );
        });
    }
    if let Some(g) = &s.checks.group_rules {
        let fields = ident(&g.fields);
        let groups = ident(&g.groups);
        let required_for = &g.required_for;
        let code = code_of(ViolationRule::Group);
        let fields_name = &g.fields;
        checks.push(quote! {
            let fields = ::serde_json::to_value(&self.#fields).unwrap_or_default();
            let groups = ::serde_json::to_value(&self.#groups).unwrap_or_default();
            let here = crate::runtime::__codegen::join_path(at, #fields_name);
            crate::runtime::__codegen::check_groups(&fields, &groups, &[#(#required_for),*], &here, out, #code);
        });
    }
    quote! { #(#checks)* }
}
