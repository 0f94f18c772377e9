//! IR -> what rides on operations and callbacks: paginators (streams of
//! pages and items), waiters, cancel-and-confirm, and callback parsing and
//! verification. Each is emitted only where the spec declares it.

use super::{borrowed_arg, docs, ident, ty};
use crate::ir;
use proc_macro2::TokenStream;
use quote::quote;

/// The reply constant and the payload's `from_callback`/`verify`.
pub(super) fn webhook_items(api: &ir::Api) -> TokenStream {
    let mut out = Vec::new();
    let mut payloads: Vec<(ir::TypeId, &String)> = Vec::new();
    for hook in &api.webhooks {
        if !payloads.iter().any(|(p, _)| *p == hook.payload) {
            payloads.push((hook.payload, &hook.field));
        }
    }
    if let Some(reply) = api.webhooks.iter().find_map(|h| h.reply.as_ref()) {
        let names: Vec<String> = api.webhooks.iter().map(|h| format!("`{}`", h.name)).collect();
        let doc = docs::outer(&format!(
            "The exact reply a callback endpoint ({}) must send with status 200; otherwise the provider sends the event again.",
            names.join(", ")
        ));
        out.push(quote! { #doc pub const CALLBACK_REPLY: &str = #reply; });
    }
    for (payload, field) in payloads {
        let hook_field = field;
        let name = ident(api.type_name(payload));
        let hooks: Vec<String> =
            api.webhooks.iter().filter(|h| h.payload == payload).map(|h| format!("`{}`", h.name)).collect();
        let verify = api.event_hash.as_ref().filter(|h| h.type_id == payload).map(|hash| {
            let message: Vec<&str> = hash.message.iter().map(ir::Pointer::as_str).collect();
            let at = hash.hash.as_str();
            let reported = hash.reported_for.as_ref().map(|r| {
                let (app, account) = (r.app.as_str(), r.account.as_str());
                quote! {
                    /// Whom the event was reported for: an app (app callbacks carry
                    /// its id) or an account.
                    pub fn reported_for(&self) -> crate::runtime::ReportedFor {
                        let app = crate::runtime::__codegen::text_at(self, #app).filter(|id| !id.is_empty());
                        let account = crate::runtime::__codegen::text_at(self, #account).filter(|id| !id.is_empty());
                        match (app, account) {
                            (Some(app), _) => crate::runtime::ReportedFor::App(app),
                            (None, Some(account)) => crate::runtime::ReportedFor::Account(account),
                            (None, None) => crate::runtime::ReportedFor::Unknown,
                        }
                    }
                }
            });
            let fields: Vec<String> = message.iter().map(|m| format!("`{m}`")).collect();
            let rule = format!(
                "the hash at `{at}` must be the lowercase hex HMAC-SHA256 of {}, keyed with your API key, compared in constant time",
                fields.join(" followed by ")
            );
            let doc = docs::outer(&format!(
                "Checks that the event comes from the provider: {rule}. Only those fields are read (the event is not serialized again). A mismatch is `CallbackError::Forged`; an empty key is `CallbackError::EmptyKey` (anyone can hash with it)."
            ));
            let verified_doc = docs::outer(&format!(
                "Reads a callback like [`Self::from_callback`], but checks its hash first, on the raw JSON, before anything is parsed: {rule}. Only the hashed fields are read until the hash verifies, so a forged callback costs about its size in memory and is never parsed. The hash vouches for those fields only, so the rest is parsed within the same memory bound as `from_callback`. Prefer it in a callback endpoint."
            ));
            let field = &hook_field;
            quote! {
                #doc
                ///
                /// The key is anything that makes a `Secret`: a `&Secret`, a `Secret`, a `&str` or a `String`.
                pub fn verify(&self, api_key: impl ::std::convert::Into<crate::runtime::Secret>) -> ::std::result::Result<(), crate::runtime::CallbackError> {
                    let api_key = api_key.into();
                    let mut message = ::std::string::String::new();
                    #( message.push_str(&crate::runtime::__codegen::text_at(self, #message).ok_or(crate::runtime::CallbackError::Forged)?); )*
                    let hash = crate::runtime::__codegen::text_at(self, #at).ok_or(crate::runtime::CallbackError::Forged)?;
                    crate::runtime::__codegen::verify_hmac_sha256(&api_key, message.as_bytes(), &hash)
                }

                #verified_doc
                ///
                /// Synchronous: the body is already in memory. The key is anything that makes a `Secret`.
                pub fn parse_verified(
                    content_type: &str,
                    body: &[u8],
                    api_key: impl ::std::convert::Into<crate::runtime::Secret>,
                ) -> ::std::result::Result<Self, crate::runtime::CallbackError> {
                    let api_key = api_key.into();
                    let json = crate::runtime::__codegen::callback_json(content_type, body, #field, Self::CALLBACK_LIMIT)?;
                    crate::runtime::__codegen::verify_json_hmac_sha256(&api_key, &json, &[#(#message),*], #at)?;
                    crate::runtime::__codegen::parse_callback(json, body.len())
                }

                /// [`Self::parse_verified`], for code that already awaits.
                pub async fn from_verified_callback(
                    content_type: &str,
                    body: &[u8],
                    api_key: impl ::std::convert::Into<crate::runtime::Secret>,
                ) -> ::std::result::Result<Self, crate::runtime::CallbackError> {
                    Self::parse_verified(content_type, body, api_key)
                }

                #reported
            }
        });
        let doc = docs::outer(&format!(
            "Reads a callback ({}) from its raw body and Content-Type: `multipart/form-data` with the JSON in `{field}`, or the JSON itself. Bodies over [`Self::CALLBACK_LIMIT`] are refused; see `from_callback_with_limit`.\n\nReading and parsing take at most `runtime::CALLBACK_MEMORY_FACTOR` (4) times the body in memory, or `runtime::CALLBACK_MEMORY_FLOOR` (64 KiB) for a small one: a body denser in values than that allows (not one the provider sends) is `CallbackError::TooDense`, refused part way through parsing.",
            hooks.join(", ")
        ));
        out.push(quote! {
            impl types::#name {
                /// The largest callback body `from_callback` reads (1 MiB).
                pub const CALLBACK_LIMIT: usize = 1 << 20;

                #doc
                ///
                /// Synchronous: the body is already in memory, so no async runtime is needed.
                pub fn parse(content_type: &str, body: &[u8]) -> ::std::result::Result<Self, crate::runtime::CallbackError> {
                    Self::parse_with_limit(content_type, body, Self::CALLBACK_LIMIT)
                }

                /// [`Self::parse`] with a size limit of your choosing, in bytes.
                pub fn parse_with_limit(
                    content_type: &str,
                    body: &[u8],
                    limit: usize,
                ) -> ::std::result::Result<Self, crate::runtime::CallbackError> {
                    let json = crate::runtime::__codegen::callback_json(content_type, body, #field, limit)?;
                    crate::runtime::__codegen::parse_callback(json, body.len())
                }

                /// [`Self::parse`], for code that already awaits.
                pub async fn from_callback(content_type: &str, body: &[u8]) -> ::std::result::Result<Self, crate::runtime::CallbackError> {
                    Self::parse(content_type, body)
                }

                /// [`Self::parse_with_limit`], for code that already awaits.
                pub async fn from_callback_with_limit(
                    content_type: &str,
                    body: &[u8],
                    limit: usize,
                ) -> ::std::result::Result<Self, crate::runtime::CallbackError> {
                    Self::parse_with_limit(content_type, body, limit)
                }

                #verify
            }
        });
    }
    quote! { #(#out)* }
}

/// Paginators, waiters and cancel-and-confirm of one operation (methods of `Client`).
pub(super) fn operation_extras(api: &ir::Api, op: &ir::Operation) -> Vec<TokenStream> {
    let mut out = Vec::new();
    let method = ident(&op.method_name);
    let error_tokens = super::error_tokens(api, &op.error);
    let options_name = op.names.options.as_deref().map(ident);
    // The options argument of a call that sets none.
    let options_arg = options_name.as_ref().map(|options| quote!(&#options::default()));
    // The operation's required arguments, forwarded as they are.
    let required: Vec<&ir::Param> = op.params.iter().filter(|p| p.required).collect();
    let arg_names: Vec<_> = required.iter().map(|p| ident(&p.name)).collect();
    let arg_types: Vec<TokenStream> = required.iter().map(|p| borrowed_arg(api, &p.ty)).collect();

    if let (Some(pager), Some(pages), Some(items), Some(options_name)) =
        (&op.paginator, &op.names.pages, &op.names.items, &options_name)
    {
        // The streams borrow the client and the arguments for `'a`.
        let arg_types: Vec<TokenStream> =
            required.iter().map(|p| super::borrowed_arg_for(api, &p.ty, &quote!('a))).collect();
        out.push(paginator(api, (op, pager), (pages, items), (&arg_names, &arg_types), options_name, &error_tokens));
    }

    for waiter in &op.waiters {
        let name = ident(&waiter.method_name);
        let (min, max) = (waiter.min_delay, waiter.max_delay);
        let acceptors = waiter.acceptors.iter().map(|a| {
            let (status, state) = (a.status, acceptor_state(a.state).0);
            quote!((#status, #state))
        });
        let rules: Vec<String> =
            waiter.acceptors.iter().map(|a| format!("{}: {}", a.status, acceptor_state(a.state).1)).collect();
        let text = docs::paragraphs([
            waiter.docs.as_str(),
            &format!(
                "Polls [`Client::{}`] until an acceptor decides ({}), pausing {min} s to {max} s between attempts (exponential, with jitter), for at most `options.max_wait`.",
                op.method_name,
                rules.join(", ")
            ),
        ]);
        let doc = docs::outer(&text);
        out.push(quote! {
            #doc
            pub async fn #name(&self, #( #arg_names: #arg_types, )* options: crate::runtime::WaitOptions) -> crate::runtime::WaitOutcome {
                crate::runtime::__codegen::wait(
                    || async {
                        match self.#method(#( #arg_names, )* #options_arg).await {
                            Ok(response) => Ok(response.status),
                            Err(err) => Err((err.status(), err.to_string())),
                        }
                    },
                    &[#(#acceptors),*],
                    (::std::time::Duration::from_secs_f64(#min), ::std::time::Duration::from_secs_f64(#max)),
                    options,
                )
                .await
            }
        });
    }

    if let (Some(bulk), Some(name)) = (&op.bulk, &op.names.bulk) {
        out.push(bulk_method(op, bulk, name, &options_arg));
    }

    if let (Some(cancel), Some(name)) = (&op.cancel, &op.names.and_confirm) {
        if let Some(confirm) = &cancel.confirm {
            out.push(cancel_and_confirm(api, op, (cancel, confirm), name, &arg_names, &arg_types, &options_arg));
        }
    }
    out
}

fn paginator(
    api: &ir::Api,
    (op, pager): (&ir::Operation, &ir::Paginator),
    (pages, items_fn): (&str, &str),
    (arg_names, arg_types): (&[proc_macro2::Ident], &[TokenStream]),
    options_name: &proc_macro2::Ident,
    error_tokens: &TokenStream,
) -> TokenStream {
    let method = ident(&op.method_name);
    let page = ident(&pager.page_field);
    let items = ident(&pager.items_field.name);
    let item = ty(api, &pager.item_type);
    let count = pager.page_count.as_str();
    let body_items = if pager.items_field.optional {
        quote!(response.body.#items.clone().unwrap_or_default())
    } else {
        quote!(response.body.#items.clone())
    };
    let (pages, items_fn) = (ident(pages), ident(items_fn));
    let body_type = ty(api, &pager.page_type);
    let doc = docs::outer(&format!(
        "Every page of [`Client::{}`], from `options.{}` (default 1) to the last page (`{count}` in the response); the stream ends after an error. It is boxed, so `.next().await` works without pinning.",
        op.method_name, pager.page_field
    ));
    let items_doc = docs::outer(&format!(
        "Every item of every page of [`Client::{}`], in order, none lost or repeated; the stream ends after an error. It is boxed, so `.next().await` works without pinning.",
        op.method_name
    ));
    quote! {
        #doc
        pub fn #pages<'a>(
            &'a self,
            #( #arg_names: #arg_types, )*
            options: &#options_name,
        ) -> ::futures_util::stream::BoxStream<'a, ::std::result::Result<Response<#body_type>, #error_tokens>> {
            let options = options.clone();
            let first = options.#page.unwrap_or(1);
            let pages = ::futures_util::stream::unfold(Some(first), move |next| {
                let mut options = options.clone();
                async move {
                    let page = next?;
                    options.#page = Some(page);
                    match self.#method(#( #arg_names, )* &options).await {
                        Ok(response) => {
                            let last = crate::runtime::__codegen::text_at(&response.body, #count)
                                .and_then(|text| text.parse().ok())
                                .unwrap_or(page);
                            let empty = #body_items.is_empty();
                            let next = (page < last && !empty).then_some(page + 1);
                            Some((Ok(response), next))
                        }
                        Err(err) => Some((Err(err), None)),
                    }
                }
            });
            ::futures_util::StreamExt::boxed(pages)
        }

        #items_doc
        pub fn #items_fn<'a>(
            &'a self,
            #( #arg_names: #arg_types, )*
            options: &#options_name,
        ) -> ::futures_util::stream::BoxStream<'a, ::std::result::Result<#item, #error_tokens>> {
            let items = ::futures_util::StreamExt::flat_map(self.#pages(#( #arg_names, )* options), |page| {
                let items: ::std::vec::Vec<::std::result::Result<#item, #error_tokens>> = match page {
                    Ok(response) => #body_items.into_iter().map(Ok).collect(),
                    Err(err) => vec![Err(err)],
                };
                ::futures_util::stream::iter(items)
            });
            ::futures_util::StreamExt::boxed(items)
        }
    }
}

fn cancel_and_confirm(
    api: &ir::Api,
    op: &ir::Operation,
    (cancel, confirm): (&ir::Cancel, &ir::Confirm),
    name: &str,
    arg_names: &[proc_macro2::Ident],
    arg_types: &[TokenStream],
    options_arg: &Option<TokenStream>,
) -> TokenStream {
    let method = ident(&op.method_name);
    let name = ident(name);
    let waiter = ident(&confirm.waiter_method);
    let event = ident(api.type_name(confirm.event));
    let (type_at, type_value) = (confirm.event_type.pointer.as_str(), &confirm.event_type.equals);
    let id_at = confirm.event_id.as_str();
    let id_arg = ident(&cancel.id_param);
    let rules = cancel_rules(cancel);
    let message = match &cancel.message_pointer {
        Some(p) => {
            let p = p.as_str();
            quote!(Some(#p))
        }
        None => quote!(None),
    };
    let doc = docs::outer(&format!(
        "Cancels with [`Client::{}`], then confirms it: by [`Client::{}`], or by a `{type_value}` event for this id arriving on `events` (feed it the events your callback endpoint receives), whichever comes first.",
        op.method_name, confirm.waiter_method
    ));
    quote! {
        #doc
        pub async fn #name(
            &self,
            #( #arg_names: #arg_types, )*
            events: ::std::option::Option<&mut ::tokio::sync::mpsc::Receiver<types::#event>>,
            options: crate::runtime::WaitOptions,
        ) -> crate::runtime::ConfirmOutcome {
            if let Err(err) = self.#method(#( #arg_names, )* #options_arg).await {
                return match crate::runtime::__codegen::cancel_outcome(&err, &[#(#rules)*], #message) {
                    crate::runtime::CancelOutcome::NotEligible { reason } => crate::runtime::ConfirmOutcome::NotEligible { reason },
                    other => crate::runtime::ConfirmOutcome::Failed { reason: format!("{other:?}") },
                };
            }
            let waiter = ::std::boxed::Box::pin(self.#waiter(#id_arg, options));
            let event = ::std::boxed::Box::pin(async move {
                let Some(events) = events else { return ::std::future::pending::<()>().await };
                while let Some(event) = events.recv().await {
                    let kind = crate::runtime::__codegen::text_at(&event, #type_at);
                    let id = crate::runtime::__codegen::text_at(&event, #id_at);
                    if kind.as_deref() == Some(#type_value) && id.as_deref() == Some(#id_arg) {
                        return;
                    }
                }
                ::std::future::pending::<()>().await
            });
            match ::futures_util::future::select(waiter, event).await {
                ::futures_util::future::Either::Left((outcome, _)) => match outcome {
                    crate::runtime::WaitOutcome::Reached { .. } => {
                        crate::runtime::ConfirmOutcome::Confirmed { by: crate::runtime::ConfirmedBy::Waiter }
                    }
                    crate::runtime::WaitOutcome::TimedOut { .. } => crate::runtime::ConfirmOutcome::TimedOut,
                    other => crate::runtime::ConfirmOutcome::Failed { reason: format!("{other:?}") },
                },
                ::futures_util::future::Either::Right(((), _)) => {
                    crate::runtime::ConfirmOutcome::Confirmed { by: crate::runtime::ConfirmedBy::Event }
                }
            }
        }
    }
}

fn bulk_method(op: &ir::Operation, bulk: &ir::Cancel, name: &str, options_arg: &Option<TokenStream>) -> TokenStream {
    let method = ident(&op.method_name);
    let name = ident(name);
    let rules = cancel_rules(bulk);
    let message = match &bulk.message_pointer {
        Some(p) => {
            let p = p.as_str();
            quote!(Some(#p))
        }
        None => quote!(None),
    };
    let success = match bulk.success {
        ir::CancelSuccess::Queued => quote!(crate::runtime::BulkOutcome::Queued),
        ir::CancelSuccess::Canceled => quote!(crate::runtime::BulkOutcome::Canceled),
    };
    let doc = docs::outer(&format!(
        "Calls [`Client::{}`] for every id, at most `options.max_concurrency` at once, as fast as this client's rate-limit window allows (shared with its clones and other runs), with the client's retry policy and the run's limits (see `runtime::BulkOptions`, and `runtime::ClientCore::run_bulk`). Every id gets one entry in the report, in order: a 410 after an attempt whose answer was lost is this run's success, a 410 otherwise already gone. With `options.journal`, every outcome is written as soon as it is final, and a run resumed from the journal sends only the ids it has no outcome for.",
        op.method_name
    ));
    let operation = &op.method_name;
    quote! {
        #doc
        pub async fn #name(&self, ids: ::std::vec::Vec<::std::string::String>, options: &crate::runtime::BulkOptions) -> crate::runtime::BulkReport {
            self.core
                .run_bulk(#operation, ids, options, |core, id| async move {
                    let client = Client { core };
                    match client.#method(&id, #options_arg).await {
                        Ok(response) => crate::runtime::__codegen::BulkCall::success(#success, &response),
                        Err(err) => crate::runtime::__codegen::BulkCall::failure(&err, &[#(#rules)*], #message, #success),
                    }
                })
                .await
        }
    }
}

/// The spec's failure rules of a cancel-like operation as
/// `runtime::__codegen::CancelRule`s (each outcome built with `reason` in scope).
pub(super) fn cancel_rules(cancel: &ir::Cancel) -> Vec<TokenStream> {
    cancel
        .rules
        .iter()
        .map(|rule| {
            let status = match rule.status {
                Some(s) => quote!(Some(#s)),
                None => quote!(None),
            };
            let pointer = match &rule.body {
                Some(m) => {
                    let (p, v) = (m.pointer.as_str(), &m.equals);
                    quote!(Some((#p, #v)))
                }
                None => quote!(None),
            };
            let result = match rule.outcome {
                ir::CancelOutcome::Canceled => quote!(crate::runtime::CancelOutcome::Canceled),
                ir::CancelOutcome::Queued => quote!(crate::runtime::CancelOutcome::Queued),
                ir::CancelOutcome::NotEligible => quote!(crate::runtime::CancelOutcome::NotEligible { reason }),
                ir::CancelOutcome::NotFound => quote!(crate::runtime::CancelOutcome::NotFound { reason }),
                ir::CancelOutcome::Failed => quote!(crate::runtime::CancelOutcome::Failed { reason, status: None }),
            };
            quote!(crate::runtime::__codegen::CancelRule { status: #status, pointer: #pointer, outcome: |reason| #result },)
        })
        .collect()
}

/// A waiter acceptor's `runtime::__codegen::AcceptorState`, and its name for docs.
fn acceptor_state(state: ir::AcceptorState) -> (TokenStream, &'static str) {
    match state {
        ir::AcceptorState::Success => (quote!(crate::runtime::__codegen::AcceptorState::Success), "Success"),
        ir::AcceptorState::Retry => (quote!(crate::runtime::__codegen::AcceptorState::Retry), "Retry"),
        ir::AcceptorState::Failure => (quote!(crate::runtime::__codegen::AcceptorState::Failure), "Failure"),
    }
}
