//! Lowering of operations: the names each operation claims, parameters and
//! path templates. Request bodies and responses are lowered in `bodies`,
//! multipart bodies in `multipart`, the operation-level extensions (cancel,
//! paging, waiters) in `operation_extensions`.

use super::{dispatch, shapes, Lowerer, OnUnsupported};
use crate::error::{pointer_join, Error};
use crate::ir;
use crate::naming::{self, Scope};
use openapiv3::ReferenceOr;
use std::collections::BTreeMap;

impl<'a> Lowerer<'a> {
    pub(super) fn lower_operations(&mut self, on_unsupported: OnUnsupported) -> Result<Vec<ir::Operation>, Error> {
        let mut out: Vec<ir::Operation> = Vec::new();
        let mut names = MethodNames { scope: Scope::reserving(naming::CLIENT_METHODS), ..MethodNames::default() };
        let mut ids: BTreeMap<String, String> = BTreeMap::new();
        for (path, item) in &self.doc.api.paths.paths {
            let path_pointer = pointer_join("/paths", path);
            let item = match item {
                ReferenceOr::Item(item) => item,
                ReferenceOr::Reference { .. } => {
                    let err = self.unsupported(&path_pointer, "a $ref path item");
                    match on_unsupported {
                        OnUnsupported::Fail => return Err(err),
                        OnUnsupported::Skip => {
                            self.skipped.push(err);
                            continue;
                        }
                    }
                }
            };
            self.check_extensions(&item.extensions, &path_pointer);
            for (method, op) in item.iter() {
                let pointer = pointer_join(&path_pointer, method);
                let operation_id = match &op.operation_id {
                    Some(id) => {
                        if let Some(first) = ids.get(id) {
                            let err = self.invalid(
                                &pointer_join(&pointer, "operationId"),
                                format!("duplicate operationId `{id}`, first used at #{first}"),
                            );
                            if on_unsupported == OnUnsupported::Skip {
                                // The first keeps the name; this one is left out.
                                self.skipped.push(err);
                                continue;
                            }
                            return Err(err);
                        }
                        ids.insert(id.clone(), pointer.clone());
                        id.clone()
                    }
                    None => naming::operation_id_from_path(method, path),
                };
                match self.lower_operation(path, method, item, op, &operation_id, &pointer) {
                    Ok(mut lowered) => {
                        self.claim_names(&mut lowered, &mut names, &pointer);
                        out.push(lowered);
                    }
                    Err(err) if on_unsupported == OnUnsupported::Skip => self.skipped.push(err),
                    Err(err) => return Err(err),
                }
            }
        }
        // A cancel confirms through a waiter that may sit on a later
        // operation: name it as it was finally named.
        for op in &mut out {
            for cancel in [op.cancel.as_mut(), op.bulk.as_mut()].into_iter().flatten() {
                if let Some(confirm) = &mut cancel.confirm {
                    if let Some(name) = names.waiters.get(&confirm.waiter_method) {
                        confirm.waiter_method = name.clone();
                    }
                }
            }
        }
        Ok(out)
    }

    /// Claims the operation's method and every name derived from it: methods
    /// in the module's method scope (which starts with the client's own),
    /// types in its type scope (which starts with the schemas). A name that
    /// is taken gets the scope's suffix. A method named after its
    /// operationId that clashes with what an earlier operation took for its
    /// own methods (itself, its multipart twin) is reported; a clash with the
    /// client's own names or with the other derived names is not, since the
    /// generator made those up.
    fn claim_names(&mut self, op: &mut ir::Operation, names: &mut MethodNames, pointer: &str) {
        let wanted = op.method_name.clone();
        op.method_name = names.scope.claim(wanted.clone());
        if op.method_name != wanted && names.operations.contains(&wanted) {
            self.warn(pointer, format!("method name `{wanted}` is taken; named `{}`", op.method_name));
        }
        names.operations.insert(op.method_name.clone());
        let method = op.method_name.clone();
        let methods = &mut names.scope;
        let mut derived = ir::OperationNames::default();
        if op.multipart_alternative.is_some() {
            let name = methods.claim(naming::multipart_method(&method));
            names.operations.insert(name.clone());
            derived.multipart_method = Some(name);
        }
        if op.paginator.is_some() {
            derived.pages = Some(methods.claim(naming::pages_method(&method)));
            derived.items = Some(methods.claim(naming::items_method(&method)));
        }
        for waiter in &mut op.waiters {
            let wanted = std::mem::take(&mut waiter.method_name);
            waiter.method_name = methods.claim(wanted.clone());
            names.waiters.entry(wanted).or_insert_with(|| waiter.method_name.clone());
        }
        if op.cancel.as_ref().is_some_and(|c| c.confirm.is_some()) {
            derived.and_confirm = Some(methods.claim(naming::and_confirm_method(&method)));
        }
        // A bulk run passes nothing but the id: exactly one required parameter.
        if op.bulk.is_some() && op.params.iter().filter(|p| p.required).count() == 1 {
            derived.bulk = Some(methods.claim(naming::bulk_method(&method)));
        }

        let types = &mut self.type_scope;
        if op.params.iter().any(|p| !p.required) {
            derived.options = Some(types.claim(naming::options_type(&method)));
        }
        op.success = shapes::success(op, &method, types);
        if op.responses.iter().any(|r| r.success && !r.headers.is_empty()) {
            derived.headers = Some(types.claim(naming::headers_type(&method)));
        }
        for body in op.body.iter_mut().chain(op.multipart_alternative.iter_mut()) {
            if let ir::BodyKind::Multipart(multipart) = &mut body.kind {
                multipart.type_name = types.claim(std::mem::take(&mut multipart.type_name));
            }
        }
        op.names = derived;
        op.error = ir::ErrorBody { ty: shapes::error_type(op), is_default: false };
        op.gone_is_success = shapes::gone_is_success(op);
        op.dispatch = dispatch::dispatch(op);
    }

    fn lower_operation(
        &mut self,
        path: &str,
        method: &str,
        item: &openapiv3::PathItem,
        op: &openapiv3::Operation,
        operation_id: &str,
        pointer: &str,
    ) -> Result<ir::Operation, Error> {
        self.check_extensions(&op.extensions, pointer);
        let method_name = naming::method_name(operation_id);
        let type_context = naming::type_name(operation_id);
        let http_method = match method {
            "get" => ir::Method::Get,
            "put" => ir::Method::Put,
            "post" => ir::Method::Post,
            "delete" => ir::Method::Delete,
            "options" => ir::Method::Options,
            "head" => ir::Method::Head,
            "patch" => ir::Method::Patch,
            _ => ir::Method::Trace,
        };

        // Parameters: operation-level ones override path-level ones with the
        // same name and location.
        let mut raw_params: Vec<(openapiv3::Parameter, String)> = Vec::new();
        for (i, p) in item.parameters.iter().enumerate() {
            let here = pointer_join(&pointer_join(&pointer_join("/paths", path), "parameters"), &i.to_string());
            raw_params.push((self.resolve_parameter(p, &here)?, here));
        }
        for (i, p) in op.parameters.iter().enumerate() {
            let here = pointer_join(&pointer_join(pointer, "parameters"), &i.to_string());
            let param = self.resolve_parameter(p, &here)?;
            let key = param_key(&param);
            raw_params.retain(|(existing, _)| param_key(existing) != key);
            raw_params.push((param, here));
        }

        let (template, query_suffix) = match path.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (path, None),
        };
        // `/search?type=all`: the pairs are sent with every call.
        let fixed_query: Vec<ir::QueryPair> = query_suffix
            .map(|q| {
                q.split('&')
                    .filter(|pair| !pair.is_empty())
                    .map(|pair| match pair.split_once('=') {
                        Some((k, v)) => ir::QueryPair { name: k.to_owned(), value: v.to_owned() },
                        None => ir::QueryPair { name: pair.to_owned(), value: String::new() },
                    })
                    .collect()
            })
            .unwrap_or_default();
        let template_names = parse_template(template).map_err(|msg| self.invalid(pointer, msg))?;

        // The `body` and `options` arguments keep their names; parameters
        // yield. Required parameters also yield to the method's locals
        // (optional ones are fields of `options` and cannot clash).
        let mut scope = Scope::default();
        for reserved in ["body", "options"] {
            scope.claim(reserved.to_owned());
        }
        let mut params: Vec<ir::Param> = Vec::new();
        // Path parameters first, in template order.
        for name in template_names.iter().filter_map(|p| match p {
            TemplatePart::Param(n) => Some(n),
            TemplatePart::Literal(_) => None,
        }) {
            if params.iter().any(|p| p.location == ir::ParamLocation::Path && p.wire_name == *name) {
                return Err(self.invalid(pointer, format!("the path template names `{{{name}}}` twice")));
            }
            let declared = raw_params
                .iter()
                .find(|(p, _)| matches!(p, openapiv3::Parameter::Path { .. }) && p.parameter_data_ref().name == *name);
            let lowered = match declared {
                Some((param, here)) => self.lower_param(param, here, &type_context, &mut scope)?,
                None => {
                    // As other generators do: the plain reading is a string.
                    self.warn(
                        pointer,
                        format!("the path template names `{{{name}}}`, which the operation does not declare; taken as a required string path parameter"),
                    );
                    self.lower_param(&undeclared_path_param(name), pointer, &type_context, &mut scope)?
                }
            };
            params.push(lowered);
        }
        for (param, here) in &raw_params {
            match param {
                openapiv3::Parameter::Path { parameter_data, .. } => {
                    if !params
                        .iter()
                        .any(|p| p.location == ir::ParamLocation::Path && p.wire_name == parameter_data.name)
                    {
                        self.warn(
                            here,
                            format!("path parameter `{}` is not in the path template; ignored", parameter_data.name),
                        );
                    }
                }
                _ => {
                    let lowered = self.lower_param(param, here, &type_context, &mut scope)?;
                    params.push(lowered);
                }
            }
        }
        let mut path_parts = Vec::new();
        for part in template_names {
            match part {
                TemplatePart::Literal(text) => path_parts.push(ir::PathPart::Literal(text)),
                TemplatePart::Param(name) => {
                    let index = params
                        .iter()
                        .position(|p| p.location == ir::ParamLocation::Path && p.wire_name == name)
                        .unwrap_or_default();
                    path_parts.push(ir::PathPart::Param(index));
                }
            }
        }

        let (body, multipart_alternative) = match &op.request_body {
            None => (None, None),
            Some(body) => match self.lower_request_body(body, &type_context, &pointer_join(pointer, "requestBody"))? {
                Some((primary, alternative)) => (Some(primary), alternative),
                None => (None, None),
            },
        };

        let mut responses = self.lower_responses(op, &type_context, pointer)?;
        if self.read::<bool>(&op.extensions, "x-esign-stream", pointer)? == Some(true) {
            let mut streamed = false;
            for r in responses.iter_mut().filter(|r| r.success && r.body == ir::ResponseBody::Bytes) {
                r.body = ir::ResponseBody::Stream;
                streamed = true;
            }
            if !streamed {
                return Err(self.invalid(
                    &pointer_join(pointer, "x-esign-stream"),
                    "the operation has no binary success response to stream",
                ));
            }
        }
        let authenticated = !matches!(&op.security, Some(reqs) if reqs.is_empty());
        let envelope = self.envelope.clone().filter(|envelope| {
            responses.iter().any(|r| {
                match &r.body {
                ir::ResponseBody::Json(ir::TypeRef::Named(id)) if r.success => self.type_def(*id).is_some_and(|t| {
                    matches!(&t.kind, ir::TypeKind::Struct(s) if s.fields.iter().any(|f| f.wire_name == envelope.field))
                }),
                _ => false,
            }
            })
        });
        let cancel = match self.read(&op.extensions, "x-esign-cancel", pointer)? {
            Some(ext) => Some(self.lower_cancel(ext, &params, &pointer_join(pointer, "x-esign-cancel"))?),
            None => None,
        };
        let retry_safe = match self.read(&op.extensions, "x-esign-retry-safe", pointer)? {
            Some(safe) => safe,
            None => matches!(
                http_method,
                ir::Method::Get | ir::Method::Put | ir::Method::Delete | ir::Method::Head | ir::Method::Options
            ),
        };
        let bulk = match self.read(&op.extensions, "x-esign-bulk", pointer)? {
            Some(ext) => Some(self.lower_cancel(ext, &params, &pointer_join(pointer, "x-esign-bulk"))?),
            None => cancel.clone(),
        };
        let paginator = match self.read(&op.extensions, "x-esign-paginated", pointer)? {
            Some(ext) => {
                Some(self.lower_paginator(ext, &params, &responses, &pointer_join(pointer, "x-esign-paginated"))?)
            }
            None => None,
        };
        let waiters = match self.read(&op.extensions, "x-esign-waiters", pointer)? {
            Some(ext) => self.lower_waiters(ext, &params, &pointer_join(pointer, "x-esign-waiters"))?,
            None => Vec::new(),
        };

        Ok(ir::Operation {
            method_name,
            names: ir::OperationNames::default(),
            operation_id: operation_id.to_owned(),
            method: http_method,
            path: path.to_owned(),
            path_parts,
            summary: op.summary.clone().unwrap_or_default(),
            docs: op.description.clone().unwrap_or_default(),
            deprecated: op.deprecated,
            params,
            body,
            multipart_alternative,
            fixed_query,
            responses,
            authenticated,
            envelope,
            cancel,
            retry_safe,
            bulk,
            paginator,
            waiters,
            // Decided by `claim_names`, which claims the body enum's name
            // in the module's type scope.
            success: ir::Success::Nothing,
            error: ir::ErrorBody { ty: ir::TypeRef::Json, is_default: false },
            gone_is_success: false,
            dispatch: ir::Dispatch::default(),
            pointer: ir::Pointer(pointer.to_owned()),
        })
    }

    fn resolve_parameter(
        &self,
        p: &ReferenceOr<openapiv3::Parameter>,
        pointer: &str,
    ) -> Result<openapiv3::Parameter, Error> {
        self.resolve_component(p, "parameters", "a parameter", pointer, |c| &c.parameters)
    }

    fn lower_param(
        &mut self,
        param: &openapiv3::Parameter,
        pointer: &str,
        type_context: &str,
        scope: &mut Scope,
    ) -> Result<ir::Param, Error> {
        let data = param.parameter_data_ref();
        self.check_extensions(&data.extensions, pointer);
        let (location, explode) = match param {
            openapiv3::Parameter::Path { .. } => (ir::ParamLocation::Path, false),
            openapiv3::Parameter::Query { .. } => (ir::ParamLocation::Query, data.explode.unwrap_or(true)),
            openapiv3::Parameter::Header { .. } => (ir::ParamLocation::Header, false),
            openapiv3::Parameter::Cookie { .. } => (ir::ParamLocation::Cookie, false),
        };
        let ty = match &data.format {
            openapiv3::ParameterSchemaOrContent::Schema(schema) => {
                self.schema_or_ref(schema, &format!("{type_context} {}", data.name), &pointer_join(pointer, "schema"))?
            }
            // Valid OpenAPI: the value is a document of that media type
            // (JSON, nearly always). It is taken as that text, which the
            // caller serializes, and sent as one value.
            openapiv3::ParameterSchemaOrContent::Content(_) => ir::TypeRef::String,
        };
        let content_note = match &data.format {
            openapiv3::ParameterSchemaOrContent::Content(content) => {
                let media = content.keys().next().map_or("application/json", String::as_str);
                Some(format!(
                    "The spec describes this value by its content (`{media}`): pass the document's text \
                     (for JSON, `serde_json::to_string(&value)`); it is sent percent-encoded as one value."
                ))
            }
            openapiv3::ParameterSchemaOrContent::Schema(_) => None,
        };
        let value = if self.is_scalar(&ty) {
            ir::ParamValue::Scalar
        } else if matches!(&ty, ir::TypeRef::Vec(inner) if self.is_scalar(inner)) {
            ir::ParamValue::ScalarList
        } else {
            ir::ParamValue::Structured
        };
        let deep_object = matches!(param, openapiv3::Parameter::Query { style: openapiv3::QueryStyle::DeepObject, .. });
        let delimiter = match param {
            openapiv3::Parameter::Query { style: openapiv3::QueryStyle::SpaceDelimited, .. } => ' ',
            openapiv3::Parameter::Query { style: openapiv3::QueryStyle::PipeDelimited, .. } => '|',
            _ => ',',
        };
        let min_length = match &data.format {
            openapiv3::ParameterSchemaOrContent::Schema(ReferenceOr::Item(schema)) => match &schema.schema_kind {
                openapiv3::SchemaKind::Type(openapiv3::Type::String(s)) => s.min_length,
                openapiv3::SchemaKind::Any(any) => any.min_length,
                _ => None,
            },
            _ => None,
        }
        .map(|n| n as u64)
        .filter(|&n| n > 0);
        Ok(ir::Param {
            name: {
                const LOCALS: &[&str] = &["path", "query", "request", "response", "cookies", "value", "item", "bytes"];
                let name = naming::field_name(&data.name);
                let required = data.required || location == ir::ParamLocation::Path;
                if required && LOCALS.contains(&name.as_str()) {
                    scope.claim(format!("{name}_value"))
                } else {
                    scope.claim(name)
                }
            },
            wire_name: data.name.clone(),
            location,
            ty,
            required: data.required || location == ir::ParamLocation::Path,
            explode,
            delimiter,
            deep_object,
            min_length,
            value,
            docs: match content_note {
                Some(note) => format!("{}\n\n{note}", data.description.clone().unwrap_or_default()).trim().to_owned(),
                None => data.description.clone().unwrap_or_default(),
            },
            deprecated: data.deprecated.unwrap_or(false),
        })
    }

    /// Whether a type is sent as one text value (string, number, bool, enum).
    pub(super) fn is_scalar(&self, ty: &ir::TypeRef) -> bool {
        match ty {
            ir::TypeRef::String
            | ir::TypeRef::Bool
            | ir::TypeRef::I32
            | ir::TypeRef::I64
            | ir::TypeRef::U64
            | ir::TypeRef::F32
            | ir::TypeRef::F64
            | ir::TypeRef::StringBool => true,
            ir::TypeRef::Named(id) => match self.type_def(*id).map(|t| &t.kind) {
                Some(ir::TypeKind::Enum(_)) => true,
                Some(ir::TypeKind::Alias(inner)) => self.is_scalar(&inner.clone()),
                _ => false,
            },
            _ => false,
        }
    }
}

/// A path parameter the template names but the operation does not declare.
fn undeclared_path_param(name: &str) -> openapiv3::Parameter {
    let schema = openapiv3::Schema {
        schema_data: openapiv3::SchemaData::default(),
        schema_kind: openapiv3::SchemaKind::Type(openapiv3::Type::String(openapiv3::StringType::default())),
    };
    openapiv3::Parameter::Path {
        parameter_data: openapiv3::ParameterData {
            name: name.to_owned(),
            description: None,
            required: true,
            deprecated: None,
            format: openapiv3::ParameterSchemaOrContent::Schema(ReferenceOr::Item(schema)),
            example: None,
            examples: Default::default(),
            explode: None,
            extensions: Default::default(),
        },
        style: openapiv3::PathStyle::Simple,
    }
}

fn param_key(p: &openapiv3::Parameter) -> (u8, String) {
    let loc = match p {
        openapiv3::Parameter::Path { .. } => 0,
        openapiv3::Parameter::Query { .. } => 1,
        openapiv3::Parameter::Header { .. } => 2,
        openapiv3::Parameter::Cookie { .. } => 3,
    };
    (loc, p.parameter_data_ref().name.clone())
}

/// `application/json`, `application/problem+json`, `text/json`, with or
/// without parameters.
pub(crate) fn is_json(media: &str) -> bool {
    let essence = media.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    essence == "application/json" || essence == "text/json" || essence.ends_with("+json")
}

enum TemplatePart {
    Literal(String),
    Param(String),
}

/// Splits `/a/{b}/c` into literals and parameter names.
fn parse_template(path: &str) -> Result<Vec<TemplatePart>, String> {
    let mut parts = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        if open > 0 {
            parts.push(TemplatePart::Literal(rest[..open].to_owned()));
        }
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            return Err(format!("unclosed `{{` in path template `{path}`"));
        };
        let name = &after[..close];
        if name.is_empty() || name.contains('{') {
            return Err(format!("malformed parameter in path template `{path}`"));
        }
        parts.push(TemplatePart::Param(name.to_owned()));
        rest = &after[close + 1..];
    }
    if rest.contains('}') {
        return Err(format!("unmatched `}}` in path template `{path}`"));
    }
    if !rest.is_empty() {
        parts.push(TemplatePart::Literal(rest.to_owned()));
    }
    Ok(parts)
}

/// The module's method scope while operations are lowered.
#[derive(Default)]
struct MethodNames {
    /// Every method of `Client`.
    scope: Scope,
    /// What operations claimed for their own methods and multipart twins.
    operations: std::collections::BTreeSet<String>,
    /// A waiter's method as first wanted -> as named.
    waiters: BTreeMap<String, String>,
}
