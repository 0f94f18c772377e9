//! An operation's request body (JSON, form, multipart, text or bytes, with
//! the `encoding` styles of a form's properties) and its responses (status,
//! body, documented headers).

use super::operations::is_json;
use super::Lowerer;
use crate::error::{pointer_join, Error};
use crate::ir;
use crate::naming::{self, Scope};
use openapiv3::ReferenceOr;

impl<'a> Lowerer<'a> {
    pub(super) fn lower_request_body(
        &mut self,
        body: &ReferenceOr<openapiv3::RequestBody>,
        type_context: &str,
        pointer: &str,
    ) -> Result<Option<(ir::RequestBody, Option<ir::RequestBody>)>, Error> {
        let body = self.resolve_component(body, "requestBodies", "a request body", pointer, |c| &c.request_bodies)?;
        let content_pointer = pointer_join(pointer, "content");
        if body.content.is_empty() {
            // Nothing says what to send: the operation is generated without a body.
            self.warn(&content_pointer, "a request body with no media type; the method takes no body");
            return Ok(None);
        }
        let docs = body.description.clone().unwrap_or_default();
        let make =
            |kind| ir::RequestBody { kind, required: body.required, docs: docs.clone(), field_styles: Vec::new() };
        let essence = |media: &str| media.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
        let find = |wanted: &dyn Fn(&str) -> bool| body.content.iter().find(|(media, _)| wanted(&essence(media)));
        let schema_of =
            |this: &mut Self, media: &str, content: &openapiv3::MediaType, what: &str| -> Result<ir::TypeRef, Error> {
                match &content.schema {
                    Some(schema) => this.schema_or_ref(
                        schema,
                        &format!("{type_context} {what}"),
                        &pointer_join(&pointer_join(&content_pointer, media), "schema"),
                    ),
                    None => Ok(ir::TypeRef::Json),
                }
            };
        let multipart = match find(&|m| m == "multipart/form-data" || m == "multipart/mixed") {
            Some((media, content)) => {
                let here = pointer_join(&content_pointer, media);
                Some(self.lower_multipart(content, type_context, &here)?)
            }
            None => None,
        };
        let primary = if let Some((media, content)) = find(&|m| is_json(m)) {
            make(ir::BodyKind::Json(schema_of(self, media, content, "body")?, media.clone()))
        } else if let Some(multipart) = &multipart {
            make(ir::BodyKind::Multipart(multipart.clone()))
        } else if let Some((media, content)) = find(&|m| m == "application/x-www-form-urlencoded") {
            let styles = self.field_styles(content, &pointer_join(&content_pointer, media));
            ir::RequestBody {
                field_styles: styles,
                ..make(ir::BodyKind::Form(schema_of(self, media, content, "form")?))
            }
        } else if let Some((media, _)) = find(&|m| m.starts_with("text/")) {
            make(ir::BodyKind::Text(media.clone()))
        } else {
            // Any other media type (octet-stream, PDF, vendor types): bytes
            // as given. (There is one: no media type returned above.)
            make(ir::BodyKind::Bytes(body.content.keys().next().cloned().unwrap_or_default()))
        };
        let alternative = match (&primary.kind, multipart) {
            (ir::BodyKind::Json(..), Some(multipart))
                if multipart.parts.iter().any(|p| matches!(p.kind, ir::PartKind::File | ir::PartKind::Files)) =>
            {
                Some(make(ir::BodyKind::Multipart(multipart)))
            }
            _ => None,
        };
        Ok(Some((primary, alternative)))
    }

    /// The properties of a form body whose `encoding` gives a style.
    pub(super) fn field_styles(&self, content: &openapiv3::MediaType, pointer: &str) -> Vec<ir::StyledField> {
        content
            .encoding
            .keys()
            .filter_map(|name| {
                let at = pointer_join(&pointer_join(pointer, "encoding"), name);
                self.field_style(&at).map(|style| ir::StyledField { name: name.clone(), style })
            })
            .collect()
    }

    /// The style `encoding/<name>` at `pointer` (in the raw document) gives, if any.
    pub(super) fn field_style(&self, pointer: &str) -> Option<ir::FieldStyle> {
        let encoding = self.doc.raw.pointer(pointer)?;
        let style = encoding.get("style").and_then(serde_json::Value::as_str);
        let explode = encoding.get("explode").and_then(serde_json::Value::as_bool);
        match (style, explode) {
            (Some("deepObject"), _) => Some(ir::FieldStyle::DeepObject),
            (None, None) => None,
            (_, Some(false)) => Some(ir::FieldStyle::Form),
            _ => Some(ir::FieldStyle::FormExploded),
        }
    }

    pub(super) fn lower_responses(
        &mut self,
        op: &openapiv3::Operation,
        type_context: &str,
        pointer: &str,
    ) -> Result<Vec<ir::Response>, Error> {
        let responses_pointer = pointer_join(pointer, "responses");
        let mut entries: Vec<(ir::StatusMatch, &ReferenceOr<openapiv3::Response>, String)> = Vec::new();
        for (code, response) in &op.responses.responses {
            let (status, key) = match code {
                openapiv3::StatusCode::Code(c) => (ir::StatusMatch::Code(*c), c.to_string()),
                openapiv3::StatusCode::Range(r) => (ir::StatusMatch::Range(*r), format!("{r}XX")),
            };
            entries.push((status, response, pointer_join(&responses_pointer, &key)));
        }
        if let Some(default) = &op.responses.default {
            entries.push((ir::StatusMatch::Default, default, pointer_join(&responses_pointer, "default")));
        }
        let any_success = entries.iter().any(|(s, _, _)| match s {
            ir::StatusMatch::Code(c) => (200..300).contains(c),
            ir::StatusMatch::Range(r) => *r == 2,
            ir::StatusMatch::Default => false,
        });
        let mut out = Vec::with_capacity(entries.len());
        for (status, response, here) in entries {
            let success = match status {
                ir::StatusMatch::Code(c) => (200..300).contains(&c),
                ir::StatusMatch::Range(r) => r == 2,
                ir::StatusMatch::Default => !any_success,
            };
            // A reference that leads to no response (a schema, nothing) is a
            // defect of this one status: documented, with no body known.
            let response = match self.resolve_component(response, "responses", "a response", &here, |c| &c.responses) {
                Ok(response) => response,
                Err(err) => {
                    self.warn(
                        &pointer_join(&here, "$ref"),
                        format!("{}; read as a response with no body", err.message),
                    );
                    openapiv3::Response::default()
                }
            };
            let label = match status {
                ir::StatusMatch::Code(c) => c.to_string(),
                ir::StatusMatch::Range(r) => format!("{r}XX"),
                ir::StatusMatch::Default => "default".to_owned(),
            };
            let body = if response.content.is_empty() {
                ir::ResponseBody::Empty
            } else if let Some((media, content)) = response.content.iter().find(|(m, _)| is_json(m)) {
                match &content.schema {
                    Some(schema) => {
                        let context = format!("{type_context} {} {label}", if success { "response" } else { "error" });
                        let schema_pointer =
                            pointer_join(&pointer_join(&pointer_join(&here, "content"), media), "schema");
                        ir::ResponseBody::Json(self.schema_or_ref(schema, &context, &schema_pointer)?)
                    }
                    None => ir::ResponseBody::Empty,
                }
            } else {
                ir::ResponseBody::Bytes
            };
            let headers = self.lower_response_headers(&response, type_context, &here)?;
            out.push(ir::Response { status, success, body, docs: response.description.clone(), headers });
        }
        Ok(out)
    }

    pub(super) fn lower_response_headers(
        &mut self,
        response: &openapiv3::Response,
        type_context: &str,
        pointer: &str,
    ) -> Result<Vec<ir::ResponseHeader>, Error> {
        let mut scope = Scope::default();
        let mut out = Vec::new();
        for (wire, header) in &response.headers {
            let here = pointer_join(&pointer_join(pointer, "headers"), wire);
            let header = self.resolve_component(header, "headers", "a header", &here, |c| &c.headers)?;
            let ty = match &header.format {
                openapiv3::ParameterSchemaOrContent::Schema(schema) => {
                    let ty =
                        self.schema_or_ref(schema, &format!("{type_context} {wire}"), &pointer_join(&here, "schema"))?;
                    if self.is_scalar(&ty) {
                        ty
                    } else {
                        ir::TypeRef::String
                    }
                }
                openapiv3::ParameterSchemaOrContent::Content(_) => ir::TypeRef::String,
            };
            out.push(ir::ResponseHeader {
                name: scope.claim(naming::field_name(wire)),
                wire_name: wire.clone(),
                ty,
                docs: header.description.clone().unwrap_or_default(),
            });
        }
        Ok(out)
    }
}
