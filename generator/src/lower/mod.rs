//! Stage 2, lower: `openapiv3` model -> IR.
//!
//! Resolves `$ref`, validates what OpenAPI cannot check by itself (path
//! templates, duplicate operationIds, vendor extensions), and asks `naming`
//! for every identifier. The only stage that sees both `openapiv3` and the
//! IR; it never produces tokens. Every failure is a located [`Error`].
//!
//! Lowering hands out the [`ir::TypeId`]s of named types as it goes
//! (`schema/arena.rs`): a component schema's id is reserved before any body
//! is lowered, so references and recursive types resolve in any order; an
//! inline type's id is given when it is finished. Once the components are
//! lowered the ids are renumbered to the printed order, and from then on
//! every pass (cycles, tagged unions, error bodies, validated types, the
//! warnings source, paginators) looks types up by id.
//!
//! This file holds the document level (the module name, servers, security,
//! the API-level extensions) and the `Lowerer` context; `operations`
//! lowers operations (with `multipart` for multipart bodies), `schema`
//! schemas (split by construct inside), `extensions` reads the `x-esign-`
//! extensions, `shapes` makes the choices that follow from the lowered
//! operations and types (success shapes, error bodies, header types, which
//! types validate, runtime features) and `dispatch` each method's match on
//! the response status, so emit has nothing left to decide.

mod bodies;
mod dispatch;
mod error_metadata;
mod extensions;
mod multipart;
mod operation_extensions;
mod operations;
mod schema;
mod shapes;
#[cfg(test)]
mod tests;

use crate::error::{pointer_join, pointer_path, Error, ErrorKind, Location, Warning};
use crate::ir;
use crate::load::Document;
use crate::naming::{self, Scope};
use openapiv3::ReferenceOr;
use serde_json::Value;
use std::collections::BTreeMap;

/// What to do with an operation the generator cannot emit.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OnUnsupported {
    /// Stop with the error (the default).
    #[default]
    Fail,
    /// Skip the operation, record why, and generate the rest.
    Skip,
}

/// Inputs to lowering besides the document.
#[derive(Clone, Debug)]
pub struct LowerOptions {
    /// Name of the Rust module (`dropbox_sign`).
    pub module: String,
    /// Name of the Cargo feature (`dropbox-sign`).
    pub feature: String,
    /// What to do with an operation that cannot be generated.
    pub on_unsupported: OnUnsupported,
}

/// The lowered API with what lowering reported.
#[derive(Debug)]
pub struct Lowered {
    /// The IR.
    pub api: ir::Api,
    /// Problems worked around.
    pub warnings: Vec<Warning>,
    /// Operations skipped under [`OnUnsupported::Skip`], with the reason.
    pub skipped: Vec<Error>,
}

/// Lowers a loaded document; `stem` (the file name without extension) names
/// the module and feature unless `info.x-esign-module` does.
pub fn lower_document(doc: &Document, stem: &str, on_unsupported: OnUnsupported) -> Result<Lowered, Error> {
    let cx = Lowerer::new(doc);
    let module: Option<extensions::ModuleName> = cx.read(&doc.api.info.extensions, "x-esign-module", "/info")?;
    let stem = module.as_ref().map_or(stem, |m| m.0.as_str());
    let options =
        LowerOptions { module: naming::module_name(stem), feature: naming::feature_name(stem), on_unsupported };
    cx.run(&options)
}

/// Lowers a loaded document to the IR.
pub fn lower(doc: &Document, options: &LowerOptions) -> Result<Lowered, Error> {
    Lowerer::new(doc).run(options)
}

struct Lowerer<'a> {
    doc: &'a Document,
    /// `x-esign-validate`: the API asks for `validate()`.
    validate: bool,
    /// The API's success-envelope rule (`x-esign-envelope`).
    envelope: Option<ir::Envelope>,
    /// Component schemas (by `$ref`) whose values may be `null`.
    nullable_refs: std::collections::BTreeSet<String>,
    /// `$ref` of a schema -> the component schemas that extend it with `allOf`.
    subtypes: BTreeMap<String, Vec<String>>,
    /// `#/components/schemas/X` -> its type's id.
    schema_names: BTreeMap<String, ir::TypeId>,
    type_scope: Scope,
    /// Inline schemas already made a type, by their content less their
    /// annotations -> that type (see `Lowerer::inline_type`).
    inline_types: std::collections::HashMap<String, ir::TypeId>,
    /// The types lowered so far, in the order they are finished (the
    /// order they are printed in).
    types: Vec<ir::TypeDef>,
    /// Every id handed out -> its name and, once its body is lowered, its
    /// place in `types` (see `schema::arena`).
    slots: Vec<schema::Slot>,
    warnings: Vec<Warning>,
    skipped: Vec<Error>,
}

impl<'a> Lowerer<'a> {
    fn new(doc: &'a Document) -> Self {
        Lowerer {
            doc,
            validate: false,
            envelope: None,
            nullable_refs: std::collections::BTreeSet::new(),
            subtypes: BTreeMap::new(),
            schema_names: BTreeMap::new(),
            type_scope: Scope::default(),
            inline_types: std::collections::HashMap::new(),
            types: Vec::new(),
            slots: Vec::new(),
            warnings: Vec::new(),
            skipped: Vec::new(),
        }
    }

    fn at(&self, pointer: &str) -> Location {
        self.doc.locate(pointer)
    }

    fn invalid(&self, pointer: &str, message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Invalid, self.at(pointer), message)
    }

    fn unsupported(&self, pointer: &str, message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Unsupported, self.at(pointer), message)
    }

    fn warn(&mut self, pointer: &str, message: impl Into<String>) {
        let location = self.at(pointer);
        self.warnings.push(Warning { location, message: message.into() });
    }

    fn run(mut self, options: &LowerOptions) -> Result<Lowered, Error> {
        let api = self.lower_api(options)?;
        Ok(Lowered { api, warnings: self.warnings, skipped: self.skipped })
    }

    fn lower_api(&mut self, options: &LowerOptions) -> Result<ir::Api, Error> {
        let api = &self.doc.api;
        self.check_extensions(&api.extensions, "");
        self.validate = self.read(&api.extensions, "x-esign-validate", "")?.unwrap_or(false);

        self.lower_components()?;
        self.envelope = self.lower_envelope()?;

        let servers = self.lower_servers()?;
        let security = self.lower_security()?;
        let rate_limit = self.lower_rate_limit()?;
        let warnings = self.lower_warnings_source()?;
        let mut operations = self.lower_operations(options.on_unsupported)?;
        let default_error = shapes::default_error(&mut operations);
        let header_types = shapes::header_types(&operations);
        // `Client` implements `runtime::Cancel` through the first operation
        // that declares `x-esign-cancel`.
        let cancel_method = operations.iter().find(|op| op.cancel.is_some()).map(|op| op.method_name.clone());
        let webhooks = self.lower_webhooks()?;
        schema::strip_variant_tags(&mut self.types);

        let mut api = ir::Api {
            source: self.doc.file.clone(),
            module: options.module.clone(),
            feature: options.feature.clone(),
            title: api.info.title.clone(),
            version: api.info.version.clone(),
            docs: api.info.description.clone().unwrap_or_default(),
            license: license_expression(&self.doc.raw["info"]["license"]),
            servers,
            security,
            rate_limit,
            validate: self.validate,
            retry_rules: self.lower_retry_rules()?,
            webhooks,
            event_hash: self.lower_event_hash()?,
            warnings,
            types: std::mem::take(&mut self.types),
            operations,
            default_error,
            header_types,
            validated_types: std::collections::BTreeSet::new(),
            cancel_method,
            runtime_features: Vec::new(),
        };
        error_metadata::decide(&mut api);
        shapes::meter_callback_unions(&mut api);
        api.validated_types = shapes::validated_types(&api);
        api.runtime_features = shapes::runtime_features(&api);
        Ok(api)
    }

    // ----- top-level extensions, servers, security -----

    fn lower_servers(&mut self) -> Result<Vec<ir::Server>, Error> {
        let mut scope = Scope::default();
        let mut out = Vec::new();
        for (i, server) in self.doc.api.servers.iter().enumerate() {
            let pointer = pointer_join("/servers", &i.to_string());
            self.check_extensions(&server.extensions, &pointer);
            let mut url = server.url.clone();
            if let Some(vars) = &server.variables {
                for (name, var) in vars {
                    url = url.replace(&format!("{{{name}}}"), &var.default);
                }
            }
            // A defect confined to one server entry: leave that server out,
            // say where, and generate the rest.
            if url.contains('{') {
                self.warn(
                    &pointer_join(&pointer, "url"),
                    format!("`{url}` names a variable that `variables` does not define; this server is left out"),
                );
                continue;
            }
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                self.warn(
                    &pointer,
                    format!("server `{url}` is not an absolute http(s) URL; the caller must set the base URL"),
                );
                continue;
            }
            let name: Option<String> = self.read(&server.extensions, "x-esign-name", &pointer)?;
            let label = name.unwrap_or_else(|| format!("server {}", i + 1));
            out.push(ir::Server {
                const_name: scope.claim(naming::type_name(&label)),
                url,
                docs: server.description.clone().unwrap_or_default(),
            });
        }
        Ok(out)
    }

    fn lower_security(&mut self) -> Result<Vec<ir::SecurityScheme>, Error> {
        let Some(components) = &self.doc.api.components else { return Ok(Vec::new()) };
        let mut scope = Scope::default();
        let mut out = Vec::new();
        for (key, scheme) in &components.security_schemes {
            let pointer = pointer_join("/components/securitySchemes", key);
            let ReferenceOr::Item(scheme) = scheme else {
                return Err(self.unsupported(&pointer, "a $ref security scheme"));
            };
            use openapiv3::SecurityScheme as S;
            let (kind, docs, extensions) = match scheme {
                S::HTTP { scheme, description, extensions, .. } => {
                    let kind = match scheme.to_ascii_lowercase().as_str() {
                        "basic" => match self.read(extensions, "x-esign-api-key-as-username", &pointer)? {
                            Some(true) => ir::SecurityKind::BasicApiKeyUsername,
                            _ => ir::SecurityKind::Basic,
                        },
                        "bearer" => ir::SecurityKind::Bearer,
                        other => {
                            self.warn(
                                &pointer,
                                format!("http scheme `{other}` is not supported; the client cannot use this scheme"),
                            );
                            continue;
                        }
                    };
                    (kind, description, extensions)
                }
                S::APIKey { location, name, description, extensions } => {
                    let kind = match location {
                        openapiv3::APIKeyLocation::Header => ir::SecurityKind::Header(name.clone()),
                        openapiv3::APIKeyLocation::Query => ir::SecurityKind::Query(name.clone()),
                        openapiv3::APIKeyLocation::Cookie => ir::SecurityKind::Cookie(name.clone()),
                    };
                    (kind, description, extensions)
                }
                S::OAuth2 { description, extensions, .. } | S::OpenIDConnect { description, extensions, .. } => {
                    (ir::SecurityKind::Bearer, description, extensions)
                }
            };
            self.check_extensions(extensions, &pointer);
            let variant = scope.claim(naming::type_name(key));
            out.push(ir::SecurityScheme {
                constructor: naming::field_name(&variant),
                variant,
                wire_name: key.clone(),
                docs: docs.clone().unwrap_or_default(),
                kind,
                pointer: ir::Pointer(pointer),
            });
        }
        Ok(out)
    }

    fn lower_rate_limit(&self) -> Result<Option<ir::RateLimitHeaders>, Error> {
        let ext: Option<extensions::RateLimit> = self.read(&self.doc.api.extensions, "x-esign-rate-limit", "")?;
        Ok(ext.map(|ext| ir::RateLimitHeaders { limit: ext.limit.0, remaining: ext.remaining.0, reset: ext.reset.0 }))
    }

    fn lower_warnings_source(&self) -> Result<Option<ir::WarningsSource>, Error> {
        let ext: Option<extensions::Warnings> = self.read(&self.doc.api.extensions, "x-esign-warnings", "")?;
        let Some(ext) = ext else { return Ok(None) };
        let pointer = "/x-esign-warnings";
        let ir::TypeRef::Named(envelope) = self.schema_ref(&ext.reference, pointer)? else {
            return Err(self.invalid(pointer, "expected a reference to a component schema"));
        };
        let shape = self.type_def(envelope).map(|t| &t.kind);
        let arrays: Vec<(&ir::Field, ir::TypeId)> = match shape {
            Some(ir::TypeKind::Struct(s)) => s
                .fields
                .iter()
                .filter_map(|f| match &f.ty {
                    ir::TypeRef::Vec(item) => match item.as_ref() {
                        ir::TypeRef::Named(item) => Some((f, *item)),
                        _ => None,
                    },
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        };
        match arrays.as_slice() {
            [(field, item)] => Ok(Some(ir::WarningsSource {
                envelope,
                field: field.name.clone(),
                optional: !field.required || field.nullable,
                item: *item,
            })),
            _ => Err(self.invalid(
                pointer,
                "the warnings envelope must be an object with exactly one array property of a named type",
            )),
        }
    }

    /// Reads `x-esign-retry`: `{ rate-limited: [...], unavailable: [...] }`.
    fn lower_retry_rules(&self) -> Result<Option<ir::RetryRules>, Error> {
        let ext: Option<extensions::Retry> = self.read(&self.doc.api.extensions, "x-esign-retry", "")?;
        let Some(ext) = ext else { return Ok(None) };
        let list = |key: &str, entries: Vec<extensions::RetryMatch>| -> Result<Vec<ir::RetryMatch>, Error> {
            let mut out = Vec::with_capacity(entries.len());
            for (i, entry) in entries.into_iter().enumerate() {
                let body = match (entry.pointer, entry.equals) {
                    (Some(p), Some(v)) => Some(ir::BodyMatch { pointer: ir::Pointer(p), equals: v }),
                    (None, None) => None,
                    _ => {
                        let here = pointer_join(&pointer_join("/x-esign-retry", key), &i.to_string());
                        return Err(self.invalid(&here, "`pointer` and `equals` (a string) go together"));
                    }
                };
                out.push(ir::RetryMatch { status: entry.status.0, body });
            }
            Ok(out)
        };
        Ok(Some(ir::RetryRules {
            rate_limited: list("rate-limited", ext.rate_limited)?,
            unavailable: list("unavailable", ext.unavailable)?,
        }))
    }

    /// Reads `x-esign-webhooks` (the OpenAPI 3.1 `webhooks` shape, with the
    /// payload named by `x-esign-event`), then the spec's own webhooks (3.1
    /// `webhooks`, top-level `x-webhooks`).
    fn lower_webhooks(&mut self) -> Result<Vec<ir::Webhook>, Error> {
        let mut out = self.lower_esign_webhooks()?;
        for hook in &self.doc.webhooks {
            if out.iter().any(|w| w.name == hook.name) {
                continue;
            }
            if let Some(webhook) = self.lower_webhook(hook)? {
                out.push(webhook);
            }
        }
        Ok(out)
    }

    /// One webhook of the spec: the payload is the schema of its JSON body,
    /// or the `$ref` property of a form body (the JSON sent in one field).
    fn lower_webhook(&mut self, hook: &crate::load::SourceWebhook) -> Result<Option<ir::Webhook>, Error> {
        let Some((method, op)) = hook.item.iter().next() else {
            self.warn(&hook.pointer, "a webhook without an operation; nothing to parse");
            return Ok(None);
        };
        let here = pointer_join(&hook.pointer, method);
        let body_at = pointer_join(&here, "requestBody");
        let Some(body) = &op.request_body else {
            self.warn(&here, "a webhook without a request body; nothing to parse");
            return Ok(None);
        };
        let body = self.resolve_component(body, "requestBodies", "a request body", &body_at, |c| &c.request_bodies)?;
        let content_at = pointer_join(&body_at, "content");
        let context = format!("{} webhook", hook.name);
        let (ty, field) = if let Some((media, content)) = body.content.iter().find(|(m, _)| operations::is_json(m)) {
            let Some(schema) = &content.schema else {
                self.warn(&pointer_join(&content_at, media), "a webhook body without a schema; no payload type");
                return Ok(None);
            };
            let at = pointer_join(&pointer_join(&content_at, media), "schema");
            (self.schema_or_ref(schema, &context, &at)?, "json".to_owned())
        } else {
            // A form: the property that refers to a component schema carries the JSON.
            let found = body.content.iter().find_map(|(media, content)| {
                let ReferenceOr::Item(schema) = content.schema.as_ref()? else { return None };
                let (name, reference) =
                    schema::shape_properties(schema)?.iter().find_map(|(name, prop)| match prop {
                        ReferenceOr::Reference { reference } => Some((name.clone(), reference.clone())),
                        ReferenceOr::Item(_) => None,
                    })?;
                Some((media.clone(), name, reference))
            });
            let Some((media, name, reference)) = found else {
                self.warn(
                    &content_at,
                    "a webhook body that is neither JSON nor a form with a JSON field; no payload type",
                );
                return Ok(None);
            };
            let at = pointer_join(&pointer_path(&pointer_join(&content_at, &media), "schema/properties"), &name);
            (self.schema_ref(&reference, &at)?, name)
        };
        // Through aliases to the type that carries the constructor.
        let mut ty = ty;
        for _ in 0..32 {
            let ir::TypeRef::Named(id) = &ty else { break };
            match self.type_def(*id).map(|t| &t.kind) {
                Some(ir::TypeKind::Alias(target)) => ty = target.clone(),
                _ => break,
            }
        }
        let payload = match ty {
            ir::TypeRef::Named(id) => id,
            _ => {
                self.warn(
                    &body_at,
                    "the webhook payload is not an object or union schema; no constructor is generated",
                );
                return Ok(None);
            }
        };
        let reply = op
            .responses
            .responses
            .get(&openapiv3::StatusCode::Code(200))
            .and_then(|r| r.as_item())
            .and_then(|r| r.content.get("text/plain"))
            .and_then(|m| m.example.as_ref())
            .and_then(Value::as_str)
            .map(str::to_owned);
        let docs = [op.summary.clone(), op.description.clone()].into_iter().flatten().collect::<Vec<_>>().join("\n\n");
        Ok(Some(ir::Webhook { name: hook.name.clone(), docs, payload, field, reply }))
    }

    /// Reads `x-esign-webhooks`.
    fn lower_esign_webhooks(&self) -> Result<Vec<ir::Webhook>, Error> {
        let ext: Option<extensions::Webhooks> = self.read(&self.doc.api.extensions, "x-esign-webhooks", "")?;
        let pointer = "/x-esign-webhooks";
        let mut out = Vec::new();
        for (name, item) in ext.unwrap_or_default() {
            let here = pointer_join(&pointer_join(pointer, &name), "post");
            let Some(post) = item.post else {
                return Err(self.invalid(&pointer_join(pointer, &name), "expected a `post` operation"));
            };
            let Some(payload_ref) = post.event else {
                return Err(
                    self.invalid(&pointer_join(&here, "x-esign-event"), "expected a $ref to the payload schema")
                );
            };
            let ir::TypeRef::Named(payload) = self.schema_ref(&payload_ref, &pointer_join(&here, "x-esign-event"))?
            else {
                return Err(self.invalid(&here, "the payload must be a component schema"));
            };
            // The multipart field whose value is the payload.
            let field = post
                .request_body
                .as_ref()
                .and_then(|body| body.content.get("multipart/form-data"))
                .and_then(|media| media.schema.as_ref())
                .and_then(|schema| {
                    schema.properties.iter().find(|(_, p)| p.reference.as_deref() == Some(payload_ref.as_str()))
                })
                .map_or_else(|| "json".to_owned(), |(k, _)| k.clone());
            let reply = post
                .responses
                .get("200")
                .and_then(|response| response.content.get("text/plain"))
                .and_then(|media| media.example.as_ref())
                .and_then(Value::as_str)
                .map(str::to_owned);
            let docs = [post.summary, post.description].into_iter().flatten().collect::<Vec<_>>().join("\n\n");
            out.push(ir::Webhook { name, docs, payload, field, reply });
        }
        Ok(out)
    }

    /// Reads `x-esign-event-hash` on a component schema.
    fn lower_event_hash(&self) -> Result<Option<ir::EventHash>, Error> {
        let Some(components) = &self.doc.api.components else { return Ok(None) };
        for (key, schema) in &components.schemas {
            let ReferenceOr::Item(schema) = schema else { continue };
            let pointer = pointer_join("/components/schemas", key);
            let ext: Option<extensions::EventHash> =
                self.read(&schema.schema_data.extensions, "x-esign-event-hash", &pointer)?;
            let Some(ext) = ext else { continue };
            if ext.algorithm != Some(extensions::HashAlgorithm::HmacSha256)
                || ext.key != Some(extensions::HashKey::ApiKey)
            {
                return Err(self.unsupported(
                    &pointer_join(&pointer, "x-esign-event-hash"),
                    "only `algorithm: hmac-sha256` keyed with `key: api-key` is supported",
                ));
            }
            let reported_for = match (ext.reported_for_app, ext.reported_for_account) {
                (Some(app), Some(account)) => {
                    Some(ir::ReportedFor { app: ir::Pointer(app), account: ir::Pointer(account) })
                }
                _ => None,
            };
            let type_id = self.schema_names[&format!("#/components/schemas/{key}")];
            return Ok(Some(ir::EventHash {
                type_id,
                message: ext.message.into_iter().map(ir::Pointer).collect(),
                hash: ir::Pointer(ext.hash),
                reported_for,
            }));
        }
        Ok(None)
    }

    /// Reads `x-esign-envelope`: `{ field, success: [values] }`.
    fn lower_envelope(&self) -> Result<Option<ir::Envelope>, Error> {
        let ext: Option<extensions::Envelope> = self.read(&self.doc.api.extensions, "x-esign-envelope", "")?;
        Ok(ext.map(|ext| ir::Envelope { field: ext.field.0, success: ext.success.into_iter().map(|v| v.0).collect() }))
    }

    // ----- shared -----

    /// Resolves an item that may be a `$ref` to `#/components/<kind>/...`,
    /// following chains of references.
    fn resolve_component<'x, T: Clone>(
        &'x self,
        item: &'x ReferenceOr<T>,
        kind: &str,
        what: &str,
        pointer: &str,
        map: fn(&'x openapiv3::Components) -> &'x indexmap::IndexMap<String, ReferenceOr<T>>,
    ) -> Result<T, Error> {
        let prefix = format!("#/components/{kind}/");
        let mut current = item;
        for _ in 0..32 {
            match current {
                ReferenceOr::Item(found) => return Ok(found.clone()),
                ReferenceOr::Reference { reference } => {
                    let found =
                        reference.strip_prefix(&prefix).and_then(|key| map(self.doc.api.components.as_ref()?).get(key));
                    current = found.ok_or_else(|| {
                        self.invalid(
                            &pointer_join(pointer, "$ref"),
                            format!("`{reference}` does not resolve; expected {what} under #/components/{kind}"),
                        )
                    })?;
                }
            }
        }
        Err(self.invalid(&pointer_join(pointer, "$ref"), "a circular chain of $ref"))
    }
}

/// `info.license` as an SPDX expression: 3.1's `identifier`, or a `name`
/// that is a common licence (`MIT`, `Apache 2.0`). Anything else is `None`:
/// a crate manifest must not claim a licence the spec does not name exactly.
fn license_expression(license: &serde_json::Value) -> Option<String> {
    let spdx_like = |text: &str| {
        !text.is_empty()
            && text.split(" OR ").all(|part| {
                !part.is_empty() && part.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '+'))
            })
    };
    if let Some(identifier) = license["identifier"].as_str().map(str::trim) {
        return spdx_like(identifier).then(|| identifier.to_owned());
    }
    let name = license["name"].as_str()?.trim();
    let known = match name.to_ascii_lowercase().as_str() {
        "apache 2.0" | "apache-2.0" | "apache license 2.0" | "apache license, version 2.0" => "Apache-2.0",
        "mit" | "mit license" => "MIT",
        "bsd-3-clause" | "bsd 3-clause" => "BSD-3-Clause",
        "bsd-2-clause" | "bsd 2-clause" => "BSD-2-Clause",
        "mpl-2.0" | "mpl 2.0" => "MPL-2.0",
        _ => return None,
    };
    Some(known.to_owned())
}
