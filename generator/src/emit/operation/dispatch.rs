//! The `match` on a response's status: which statuses decode which body,
//! which become `Error::Api`, and what an undeclared 2xx is.

use super::super::{ident, ty};
use crate::ir::{self, ResponseBody, StatusMatch, TypeRef};
use proc_macro2::TokenStream;
use quote::quote;

use super::SuccessBody;

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
pub(super) fn dispatch(op: &ir::Operation, success: &SuccessBody<'_>, error_type: &TypeRef) -> TokenStream {
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
    let gone = op.gone_is_success.then(|| quote!(410 if response.lost_answers > 0 => Ok(Self::finish(response, ())),));
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

fn status_literal(code: u16) -> TokenStream {
    let lit = proc_macro2::Literal::u16_unsuffixed(code);
    quote!(#lit)
}
