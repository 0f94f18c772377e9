//! IR types -> the `types.rs` file of a module: structs, open enums, aliases.

use super::{docs, ident, type_tokens};
use crate::ir::{self, EnumRepr, EnumValue, Extra, TypeKind};
use crate::render::Printer;
use proc_macro2::TokenStream;
use quote::quote;

/// The `types.rs` of one API: what its parts share, made once. The types
/// are printed a run at a time ([`TypesFile::types`], which threads may run
/// side by side), then the file is put together ([`TypesFile::print`]).
pub struct TypesFile<'a> {
    api: &'a ir::Api,
}

impl<'a> TypesFile<'a> {
    /// The types file of `api`.
    pub fn new(api: &'a ir::Api) -> TypesFile<'a> {
        TypesFile { api }
    }

    /// Prints the types in `range` (indexes into the API's types), item by
    /// item: each type, then its `Validate` impl (if it has checks). Fails
    /// only on a generator bug (see [`Printer::finish`]).
    pub fn types(&self, range: std::ops::Range<usize>) -> Result<String, String> {
        let mut out = Printer::new();
        for (i, def) in self.api.types.iter().enumerate().take(range.end).skip(range.start) {
            let item = type_def(self.api, def, &mut out);
            let checks = super::validate::validate_impl(ir::TypeId::at(i), def, &self.api.validated_types);
            let metadata = def.error_metadata.as_ref().map(|m| error_metadata_impl(&def.name, m));
            out.push(quote! { #item #checks #metadata });
        }
        out.into_text()
    }

    /// The whole file into `out`, with `parts` (the types printed by
    /// [`TypesFile::types`], in order) in their places.
    pub fn print(&self, parts: &[String], out: &mut Printer) {
        let api = self.api;
        let module_docs = docs::inner(&format!("Types of the {} API, from `{}`.", api.title, api.source));
        out.push(quote! {
            #module_docs
            #![allow(deprecated, clippy::large_enum_variant, clippy::type_complexity)]
        });
        for part in parts {
            out.text(part);
        }
    }
}

/// The `runtime::ErrorMetadata` impl of an error body, reading the fields
/// lowering chose (a method is left to the trait's default, `None`, when
/// there is no such field).
fn error_metadata_impl(name: &str, m: &ir::ErrorMetadata) -> TokenStream {
    let name = ident(name);
    let code = m.code.as_ref().map(|path| {
        let read = text_path(path);
        quote! { fn code(&self) -> ::std::option::Option<&str> { #read } }
    });
    let message = m.message.as_ref().map(|path| {
        let read = text_path(path);
        quote! { fn message(&self) -> ::std::option::Option<&str> { #read } }
    });
    quote! {
        impl crate::runtime::ErrorMetadata for #name {
            #code
            #message
        }
    }
}

/// An expression of type `Option<&str>` that follows `path` from `self`.
fn text_path(path: &ir::FieldPath) -> TokenStream {
    // `plain` while every step so far was a required field (the value is
    // `#at`); then an `Option<&_>` (`#at` is that option).
    let mut at = quote!(self);
    let mut plain = true;
    let Some((last, steps)) = path.steps.split_last() else { return quote!(::std::option::Option::None) };
    for step in steps {
        let field = ident(&step.field);
        at = match (plain, step.optional) {
            (true, false) => quote!(#at.#field),
            (true, true) => quote!(#at.#field.as_ref()),
            (false, false) => quote!(#at.map(|v| &v.#field)),
            (false, true) => quote!(#at.and_then(|v| v.#field.as_ref())),
        };
        plain &= !step.optional;
        if step.first_item {
            at = if plain { quote!(#at.first()) } else { quote!(#at.and_then(|v| v.first())) };
            plain = false;
        }
    }
    let field = ident(&last.field);
    match (plain, last.optional, path.enum_leaf) {
        (true, false, _) => quote!(::std::option::Option::Some(#at.#field.as_str())),
        (true, true, false) => quote!(#at.#field.as_deref()),
        (true, true, true) => quote!(#at.#field.as_ref().map(|v| v.as_str())),
        (false, false, _) => quote!(#at.map(|v| v.#field.as_str())),
        (false, true, false) => quote!(#at.and_then(|v| v.#field.as_deref())),
        (false, true, true) => quote!(#at.and_then(|v| v.#field.as_ref()).map(|v| v.as_str())),
    }
}

/// One type's items. An enum's `open_enum!` invocation is printed as text
/// straight away (the one enum emitter: prettyplease would print a macro's
/// body as a flat run of tokens, and an enum of thousands of values costs
/// far less as text); the tokens returned are then only its extra impls.
fn type_def(api: &ir::Api, def: &ir::TypeDef, out: &mut Printer) -> TokenStream {
    let name = ident(&def.name);
    let mut text = def.docs.clone();
    if text.trim().is_empty() {
        text = format!("The `{}` schema.", def.name);
    }
    let doc = docs::outer(&text);
    let deprecated = def.deprecated.then(|| quote!(#[deprecated]));
    match &def.kind {
        TypeKind::Struct(s) => struct_def(api, &name, doc, deprecated, s),
        TypeKind::Enum(e) => {
            out.text(&enum_text(&def.name, &text, def.deprecated, e));
            enum_extras(&name, e)
        }
        TypeKind::Alias(target) => {
            let target = type_tokens(api, target);
            quote! { #doc #deprecated pub type #name = #target; }
        }
        TypeKind::Newtype(target) => {
            let target = type_tokens(api, target);
            quote! {
                #doc
                #deprecated
                #[derive(Clone, Debug, Default, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
                #[serde(transparent)]
                pub struct #name(pub #target);
            }
        }
        TypeKind::Untagged(variants) => {
            let arms = variants.iter().map(|v| {
                let vname = ident(&v.name);
                let ty = type_tokens(api, &v.ty);
                let vdoc = docs::outer(&format!("The `{}` form.", v.name));
                quote! { #vdoc #vname(#ty), }
            });
            quote! {
                #doc
                #deprecated
                #[derive(Clone, Debug, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
                #[serde(untagged)]
                pub enum #name { #(#arms)* }
            }
        }
        TypeKind::Tagged { tag, variants, unknown_variant, metered } => {
            tagged_def(api, &name, doc, deprecated, (tag, unknown_variant), variants, *metered)
        }
    }
}

/// A discriminated union. Serde's internally tagged enums fail on an
/// unknown tag, so the impls are written out: the tag picks the variant,
/// the object fills it, an unknown tag keeps the object as JSON, and
/// serializing writes the variant's tag (variant structs carry no copy).
/// A `metered` union (one a callback payload holds) converts the object
/// through the runtime's memory meter; any other converts it plainly.
/// `unknown` names the variant that keeps an unknown tag's object.
fn tagged_def(
    api: &ir::Api,
    name: &proc_macro2::Ident,
    doc: TokenStream,
    deprecated: Option<TokenStream>,
    (tag, unknown): (&str, &str),
    variants: &[ir::TaggedVariant],
    metered: bool,
) -> TokenStream {
    let unknown = ident(unknown);
    let names: Vec<_> = variants.iter().map(|v| ident(&v.name)).collect();
    let values: Vec<&String> = variants.iter().map(|v| &v.tag_value).collect();
    let types: Vec<TokenStream> = variants.iter().map(|v| type_tokens(api, &v.ty)).collect();
    let binding = if variants.iter().any(|v| v.drops_tag) { quote!(mut value) } else { quote!(value) };
    // The tag out of the object, for a struct that has no field for it.
    let drops = variants.iter().map(|v| {
        if v.drops_tag {
            quote! {
                if let ::serde_json::Value::Object(fields) = &mut value {
                    fields.remove(#tag);
                }
            }
        } else {
            quote!()
        }
    });
    let (mark, convert) = if metered {
        (
            quote!(let mark = crate::runtime::__codegen::buffer_mark();),
            quote!(crate::runtime::__codegen::from_buffered(value, mark)),
        )
    } else {
        (quote!(), quote!(::serde_json::from_value(value)))
    };
    let docs = variants.iter().map(|v| docs::outer(&format!("`{tag}` is `{}`.", v.tag_value)));
    let unknown_doc = docs::outer(&format!("An object whose `{tag}` this client does not know, kept as received."));
    quote! {
        #doc
        #deprecated
        #[derive(Clone, Debug, PartialEq)]
        #[non_exhaustive]
        pub enum #name {
            #( #docs #names(#types), )*
            #unknown_doc
            #unknown(::serde_json::Value),
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                let (tag, value) = match self {
                    #( Self::#names(inner) => (#values, ::serde_json::to_value(inner).map_err(<S::Error as ::serde::ser::Error>::custom)?), )*
                    Self::#unknown(value) => return ::serde::Serialize::serialize(value, serializer),
                };
                // The variant's tag, first.
                let value = match value {
                    ::serde_json::Value::Object(fields) => {
                        let mut map = ::serde_json::Map::new();
                        map.insert(::std::string::String::from(#tag), ::serde_json::Value::from(tag));
                        map.extend(fields.into_iter().filter(|(key, _)| key != #tag));
                        ::serde_json::Value::Object(map)
                    }
                    other => other,
                };
                ::serde::Serialize::serialize(&value, serializer)
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                #mark
                let #binding = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                let tag = value.get(#tag).and_then(::serde_json::Value::as_str).map(::std::borrow::ToOwned::to_owned);
                match tag.as_deref() {
                    #( Some(#values) => {
                        #drops
                        #convert.map(Self::#names).map_err(<D::Error as ::serde::de::Error>::custom)
                    } )*
                    _ => Ok(Self::#unknown(value)),
                }
            }
        }
    }
}

fn struct_def(
    api: &ir::Api,
    name: &proc_macro2::Ident,
    doc: TokenStream,
    deprecated: Option<TokenStream>,
    s: &ir::Struct,
) -> TokenStream {
    let fields = s.fields.iter().map(|f| {
        let fname = ident(&f.name);
        let wire = &f.wire_name;
        let rename = (f.name != f.wire_name).then(|| quote!(#[serde(rename = #wire)]));
        let inner = type_tokens(api, &f.ty);
        let mut text = f.docs.clone();
        if text.trim().is_empty() {
            text = format!("`{wire}`.");
        }
        if let Some(default) = &f.default {
            text.push_str(&format!("\n\nDefault when absent: `{default}`."));
        }
        let fdoc = docs::outer(&text);
        let deprecated = f.deprecated.then(|| quote!(#[deprecated]));
        let (ty, attrs) = if f.required && !f.nullable {
            (inner, quote!())
        } else if f.required {
            // Present on the wire, possibly `null`.
            (quote!(::std::option::Option<#inner>), quote!())
        } else {
            (
                quote!(::std::option::Option<#inner>),
                quote!(#[serde(default, skip_serializing_if = "::std::option::Option::is_none")]),
            )
        };
        quote! { #fdoc #deprecated #rename #attrs pub #fname: #ty, }
    });
    let extra = match &s.extra {
        Extra::Keep(field) => {
            let field = ident(field);
            quote! {
                /// Properties this client does not know, kept as received so nothing is lost.
                #[serde(flatten)]
                pub #field: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
            }
        }
        Extra::Typed(field, ty) => {
            let field = ident(field);
            let ty = type_tokens(api, ty);
            quote! {
                /// Further properties (`additionalProperties`).
                #[serde(flatten)]
                pub #field: ::std::collections::BTreeMap<::std::string::String, #ty>,
            }
        }
        Extra::Deny(field) => {
            let field = ident(field);
            quote! {
                /// Properties the spec does not allow here, kept as received; `validate()` reports them.
                #[serde(flatten)]
                pub #field: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
            }
        }
    };
    // Built from outside the crate either way: `Default` when every field
    // may be unset, otherwise `new(required fields)`. The other inherent
    // items a struct can get (`from_headers`, the callback parsers) have
    // fixed names, none of them `new`, and fields live in another
    // namespace, so `new` needs no `naming::Scope`.
    let all_optional = s.fields.iter().all(|f| !f.required || f.nullable);
    let default = all_optional.then(|| quote!(Default,));
    let constructor = (!all_optional).then(|| {
        let required: Vec<&ir::Field> = s.fields.iter().filter(|f| f.required && !f.nullable).collect();
        let args = required.iter().map(|f| {
            let n = ident(&f.name);
            let t = type_tokens(api, &f.ty);
            quote!(#n: #t)
        });
        let inits = s.fields.iter().map(|f| {
            let n = ident(&f.name);
            if f.required && !f.nullable {
                quote!(#n)
            } else {
                quote!(#n: ::std::option::Option::None)
            }
        });
        let extra = ident(match &s.extra {
            Extra::Keep(f) | Extra::Deny(f) | Extra::Typed(f, _) => f,
        });
        let names: Vec<String> = required.iter().map(|f| format!("`{}`", f.name)).collect();
        let doc = docs::outer(&format!(
            "A value with the required fields ({}), every optional one unset and no other properties.",
            names.join(", ")
        ));
        let allow = (required.len() > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
        quote! {
            impl #name {
                #doc
                #allow
                pub fn new(#(#args),*) -> Self {
                    Self { #(#inits,)* #extra: ::std::default::Default::default() }
                }
            }
        }
    });
    quote! {
        #doc
        #deprecated
        #[derive(Clone, Debug, #default PartialEq, ::serde::Serialize, ::serde::Deserialize)]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
            #extra
        }
        #constructor
    }
}

/// A variant's doc text.
fn variant_text(v: &ir::Variant) -> String {
    let wire = wire_text(&v.wire);
    let mut text = format!("`{wire}`");
    if !v.docs.trim().is_empty() {
        text.push_str(": ");
        text.push_str(v.docs.trim());
    }
    if let Some(status) = v.http_status {
        text.push_str(&format!("\n\nDocumented HTTP status: {status}."));
    }
    text
}

/// The enum's doc text, with how to match it.
fn enum_doc_text(name: &str, enum_text: &str, e: &ir::Enum) -> String {
    let example = e.variants.first().map(|v| v.name.clone()).unwrap_or_default();
    let match_doc = if example.is_empty() {
        String::new()
    } else {
        format!(
            "\n\nThe API may send values this client does not list yet; they are kept in `{unknown}`, \
             so match with a catch-all arm:\n\n```text\nmatch value {{\n    {name}::{example} => {{ /* ... */ }}\n    other => println!(\"{{other}}\"),\n}}\n```",
            unknown = e.unknown_variant,
        )
    };
    format!("{enum_text}{match_doc}")
}

/// An enum's `open_enum!` invocation as text, formatted as prettyplease
/// formats an item: one variant to a line, a long one broken after `(`.
fn enum_text(name: &str, enum_text: &str, deprecated: bool, e: &ir::Enum) -> String {
    use std::fmt::Write as _;
    let doc_lines = |out: &mut String, indent: &str, text: &str| {
        for line in docs::lines(text) {
            let _ = writeln!(out, "{indent}///{line}");
        }
    };
    let macro_name = match e.repr {
        EnumRepr::String => "open_enum",
        EnumRepr::Integer => "open_int_enum",
    };
    let mut out = format!("crate::runtime::{macro_name}! {{\n");
    doc_lines(&mut out, "    ", &enum_doc_text(name, enum_text, e));
    if deprecated {
        out.push_str("    #[deprecated]\n");
    }
    let _ = writeln!(out, "    pub enum {name} {{");
    for v in &e.variants {
        doc_lines(&mut out, "        ", &variant_text(v));
        let wire = match &v.wire {
            EnumValue::String(s) => proc_macro2::Literal::string(s).to_string(),
            EnumValue::Integer(i) => i.to_string(),
        };
        let description = v.docs.trim();
        let args = if description.is_empty() {
            vec![wire]
        } else {
            vec![wire, proc_macro2::Literal::string(description).to_string()]
        };
        let one_line = format!("        {} = ({}),", v.name, args.join(", "));
        if args.len() == 1 || one_line.len() <= 94 {
            out.push_str(&one_line);
            out.push('\n');
        } else {
            let _ = writeln!(out, "        {} = (", v.name);
            for arg in &args {
                let _ = writeln!(out, "            {arg},");
            }
            out.push_str("        ),\n");
        }
    }
    out.push_str("    }\n}\n");
    out
}

/// What an enum has beyond the macro: `http_status`, `pattern`/`validate`,
/// the search query's `QueryField`.
fn enum_extras(name: &proc_macro2::Ident, e: &ir::Enum) -> TokenStream {
    let unknown = ident(&e.unknown_variant);
    let names: Vec<_> = e.variants.iter().map(|v| ident(&v.name)).collect();
    let http_status = e.variants.iter().any(|v| v.http_status.is_some()).then(|| {
        let statuses = e.variants.iter().map(|v| match v.http_status {
            Some(s) => quote!(Some(#s)),
            None => quote!(None),
        });
        quote! {
            /// The HTTP status the documentation gives for this value, if any.
            pub fn http_status(&self) -> ::std::option::Option<u16> {
                match self {
                    #( Self::#names => #statuses, )*
                    Self::#unknown(_) => None,
                }
            }
        }
    });
    let patterns = e.variants.iter().any(|v| v.pattern.is_some()).then(|| {
        let arms = e.variants.iter().map(|v| match &v.pattern {
            Some(p) => quote!(Some(#p)),
            None => quote!(None),
        });
        let what = name.to_string();
        quote! {
            /// This value's rule as a regular expression, when the documentation gives one.
            pub fn pattern(&self) -> ::std::option::Option<&'static str> {
                match self {
                    #( Self::#names => #arms, )*
                    Self::#unknown(_) => None,
                }
            }

            /// Checks `value` against this value's rule. Values without a rule
            /// of their own (a custom expression) use `custom`, matched against
            /// the whole value; with neither, the check fails.
            pub fn validate(
                &self,
                value: &str,
                custom: ::std::option::Option<&str>,
            ) -> ::std::result::Result<(), crate::runtime::PatternError> {
                crate::runtime::__codegen::check_pattern(#what, &self.to_string(), value, self.pattern(), custom)
            }
        }
    });
    // Values that name fields of a typed value: the search query builder's
    // `QueryField`.
    let query_field = (e.repr == EnumRepr::String && e.variants.iter().any(|v| v.value_type.is_some())).then(|| {
        let types = e.variants.iter().map(|v| match v.value_type {
            Some(ir::ValueType::Date) => quote!(Some(crate::runtime::ValueType::Date)),
            Some(ir::ValueType::Boolean) => quote!(Some(crate::runtime::ValueType::Boolean)),
            Some(ir::ValueType::Integer) => quote!(Some(crate::runtime::ValueType::Integer)),
            Some(ir::ValueType::String) => quote!(Some(crate::runtime::ValueType::String)),
            None => quote!(None),
        });
        quote! {
            impl crate::runtime::QueryField for #name {
                fn name(&self) -> &str {
                    self.as_str()
                }

                fn value_type(&self) -> ::std::option::Option<crate::runtime::ValueType> {
                    match self {
                        #( Self::#names => #types, )*
                        Self::#unknown(_) => None,
                    }
                }
            }
        }
    });
    let extra_impl = (http_status.is_some() || patterns.is_some()).then(|| {
        quote! {
            impl #name {
                #http_status
                #patterns
            }
        }
    });
    quote! {
        #extra_impl
        #query_field
    }
}

fn wire_text(value: &EnumValue) -> String {
    match value {
        EnumValue::String(s) => s.clone(),
        EnumValue::Integer(i) => i.to_string(),
    }
}
