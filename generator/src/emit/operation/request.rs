//! The method body up to the response: the checks the spec implies, the
//! path, query, headers, cookies and body, and the call with retries.

use super::super::ident;
use crate::ir::{self, Method, ParamLocation, TypeRef};
use proc_macro2::TokenStream;
use quote::quote;

use super::multipart::field_style;
use super::streams;

/// The method body up to the response: checks the spec implies, the path,
/// query, headers, cookies and body, and the call with retries. Leaves the
/// answer in `response`.
pub(super) fn request(
    op: &ir::Operation,
    request_body: Option<&ir::RequestBody>,
    error_tokens: &TokenStream,
    validatable: &std::collections::BTreeSet<ir::TypeId>,
) -> TokenStream {
    // Values the spec says cannot be sent (a string under its minLength).
    let mut checks = Vec::new();
    // A body whose type has checks (`x-esign-validate`) is checked first.
    if let Some(body) = request_body {
        let checked = |t: &TypeRef| matches!(t, TypeRef::Named(id) if validatable.contains(id));
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
    for ir::QueryPair { name: key, value } in &op.fixed_query {
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
                let names = body.field_styles.iter().map(|f| &f.name);
                let styles = body.field_styles.iter().map(|f| field_style(f.style));
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
        crate::runtime::__codegen::CallInfo { operation: #operation_id, retry_safe: #safe, method: #method_text, path: #path_text }
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
