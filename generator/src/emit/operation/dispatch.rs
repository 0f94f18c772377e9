//! The `match` on a response's status, printed from the arms lowering
//! decided (`Operation::dispatch`): each arm's statuses and handling become
//! a pattern and the code that decodes a body, returns `Error::Api` or keeps
//! the response whole.

use super::super::{ident, ty};
use crate::ir::{self, Handling, ResponseBody, TypeRef};
use proc_macro2::TokenStream;
use quote::quote;

use super::SuccessBody;

/// The `match` on the response status, as lowering decided it
/// ([`ir::Operation::dispatch`]).
pub(super) fn dispatch(
    api: &ir::Api,
    op: &ir::Operation,
    success: &SuccessBody<'_>,
    error_type: &TypeRef,
) -> TokenStream {
    let enum_name = success.by_status.as_ref().map(|(_, name)| name);
    let error_body = ty(api, error_type);
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
                let t = ty(api, t);
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
    let handler_code = |h: &Handling| -> TokenStream {
        match h {
            Handling::Success { body, variant } => success_code(body, variant),
            Handling::UndeclaredSuccess { body: ResponseBody::Json(t) } => {
                let t = ty(api, t);
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
            Handling::UndeclaredSuccess { body } => success_code(body, &None),
            Handling::ApiError => quote!(Err(crate::runtime::__codegen::api_error(response))),
            Handling::Unexpected => quote!(Err(crate::runtime::__codegen::unexpected(response))),
        }
    };
    let arm_tokens = op.dispatch.arms.iter().map(|arm| {
        let code = handler_code(&arm.handling);
        let patterns = arm.statuses.iter().map(|range| {
            let (first, last) = (status_literal(range.first), status_literal(range.last));
            if range.first == range.last {
                first
            } else {
                quote!(#first..=#last)
            }
        });
        quote!( #(#patterns)|* => #code, )
    });
    let fallback_code = handler_code(&op.dispatch.fallback);
    let gone = op.gone_is_success.then(|| quote!(410 if response.lost_answers > 0 => Ok(Self::finish(response, ())),));
    if op.dispatch.arms.is_empty() && gone.is_none() {
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

fn status_literal(code: u16) -> TokenStream {
    let lit = proc_macro2::Literal::u16_unsuffixed(code);
    quote!(#lit)
}
