//! Multipart request bodies, an operation concern: one part per property
//! of the body's schema, each sent as a file, text or JSON.

use super::schema::*;
use super::Lowerer;
use crate::error::{pointer_join, Error};
use crate::ir;
use crate::naming::{self, Scope};
use openapiv3::{ReferenceOr, Schema};

impl<'a> Lowerer<'a> {
    /// A multipart body: one part per property of its (object) schema. Its
    /// struct's name is claimed only once the body is known to be used.
    pub(in crate::lower) fn lower_multipart<'s>(
        &mut self,
        content: &'s openapiv3::MediaType,
        type_context: &str,
        pointer: &str,
    ) -> Result<ir::Multipart, Error>
    where
        'a: 's,
    {
        self.check_extensions(&content.extensions, pointer);
        let style =
            match self.read::<super::extensions::FormStyle>(&content.extensions, "x-esign-form-style", pointer)? {
                Some(super::extensions::FormStyle::Brackets) => ir::FormStyle::Brackets,
                None => ir::FormStyle::Repeat,
            };
        let schema_pointer = pointer_join(pointer, "schema");
        let type_name = naming::multipart_type(type_context);
        let context = format!("{type_context} multipart");
        let json_members: Vec<ir::JsonMember> = content
            .encoding
            .iter()
            .filter_map(|(wire, e)| {
                e.content_type.as_ref().map(|ct| ir::JsonMember { wire_name: wire.clone(), media_type: ct.clone() })
            })
            .collect();
        let Some(original) = &content.schema else {
            return Ok(ir::Multipart { type_name, parts: Vec::new(), style, json_members, named_by_caller: false });
        };
        let (schema, at): (&'s Schema, String) = match original {
            ReferenceOr::Reference { reference } => self.resolve_schema(reference, &schema_pointer)?,
            ReferenceOr::Item(schema) => (schema, schema_pointer.clone()),
        };
        let mut scope = Scope::default();
        let mut parts = Vec::new();
        // Under bracketed names every value is encoded from its JSON form at
        // run time, so an `allOf` member that is a `$ref` stays one typed
        // field (with its checks) whose members are spread as parts.
        let (props, required) = match shape(schema) {
            Shape::AllOf(members, own) if style == ir::FormStyle::Brackets => {
                let mut props = Vec::new();
                let mut required = own.map(|o| o.required.to_vec()).unwrap_or_default();
                if let Some(own) = own {
                    props.extend(own_props(own, &at));
                }
                for (i, member) in members.iter().enumerate() {
                    let here = pointer_join(&pointer_join(&at, "allOf"), &i.to_string());
                    match member {
                        ReferenceOr::Reference { reference } => {
                            let ty = self.schema_ref(reference, &here)?;
                            let ir::TypeRef::Named(id) = ty.clone() else {
                                return Err(
                                    self.unsupported(&here, "a spread multipart member that is not a named type")
                                );
                            };
                            let is_struct =
                                self.type_def(id).is_some_and(|t| matches!(t.kind, ir::TypeKind::Struct(_)));
                            let name = self.type_name(id).to_owned();
                            if !is_struct {
                                return Err(self.unsupported(&here, "a spread multipart member that is not an object"));
                            }
                            parts.push(ir::Part {
                                name: scope.claim(naming::field_name(&name)),
                                wire_name: String::new(),
                                ty,
                                kind: ir::PartKind::Spread,
                                required: true,
                                content_type: None,
                                style: None,
                                docs: format!("The fields of [`{name}`], each sent as parts of its own."),
                            });
                        }
                        ReferenceOr::Item(item) => match shape(item) {
                            Shape::Object(object) => {
                                props.extend(own_props(object, &here));
                                required.extend(object.required.iter().cloned());
                            }
                            _ => {
                                return Err(self.unsupported(&here, "a multipart `allOf` member that is not an object"))
                            }
                        },
                    }
                }
                (props, required)
            }
            Shape::Object(object) => (own_props(object, &at), object.required.to_vec()),
            Shape::AllOf(members, own) => match self.merge_all_of(members, own, &at)? {
                Merged::Object { props, required, .. } => (props, required),
                _ => return self.single_part(content, original, type_name, style, json_members, &schema_pointer),
            },
            _ => return self.single_part(content, original, type_name, style, json_members, &schema_pointer),
        };
        for prop in props {
            let ty = self.schema_or_ref(prop.schema, &format!("{context} {}", prop.wire), &prop.pointer)?;
            let content_type = content.encoding.get(prop.wire).and_then(|e| e.content_type.clone());
            let kind = self.part_kind(prop.schema, &ty, style, content_type.is_some());
            let docs = match prop.schema {
                ReferenceOr::Item(s) => schema_docs(s),
                ReferenceOr::Reference { .. } => String::new(),
            };
            let field_style = match kind {
                ir::PartKind::File | ir::PartKind::Files | ir::PartKind::Bracketed => None,
                _ => self.field_style(&pointer_join(&pointer_join(pointer, "encoding"), prop.wire)),
            };
            parts.push(ir::Part {
                name: scope.claim(naming::field_name(prop.wire)),
                wire_name: prop.wire.to_owned(),
                ty,
                kind,
                required: required.iter().any(|r| r == prop.wire),
                content_type,
                style: field_style,
                docs,
            });
        }
        Ok(ir::Multipart { type_name, parts, style, json_members, named_by_caller: false })
    }

    /// How a part of this schema (lowered to `ty`) is sent.
    pub(in crate::lower) fn part_kind<T: std::borrow::Borrow<Schema>>(
        &self,
        schema: &ReferenceOr<T>,
        ty: &ir::TypeRef,
        style: ir::FormStyle,
        has_content_type: bool,
    ) -> ir::PartKind {
        let file = |s: &Schema| matches!(shape(s), Shape::String { binary: true, .. });
        let (is_file, is_files) = match schema {
            ReferenceOr::Item(s) => (
                file(s.borrow()),
                matches!(shape(s.borrow()), Shape::Array(Some(ReferenceOr::Item(items))) if file(items)),
            ),
            ReferenceOr::Reference { .. } => (false, false),
        };
        if is_file {
            ir::PartKind::File
        } else if is_files {
            ir::PartKind::Files
        } else if style == ir::FormStyle::Brackets {
            if has_content_type {
                ir::PartKind::Json
            } else {
                ir::PartKind::Bracketed
            }
        } else if self.is_scalar(ty) {
            ir::PartKind::Text
        } else if matches!(ty, ir::TypeRef::Vec(inner) if self.is_scalar(inner)) {
            ir::PartKind::TextList
        } else {
            ir::PartKind::Json
        }
    }

    /// A multipart body whose schema is not an object (a file, a list, any
    /// value): valid OpenAPI, and one part. Its schema names no part, so
    /// the part's name is the caller's to give (`named_by_caller`).
    pub(in crate::lower) fn single_part(
        &mut self,
        content: &openapiv3::MediaType,
        schema: &ReferenceOr<Schema>,
        type_name: String,
        style: ir::FormStyle,
        json_members: Vec<ir::JsonMember>,
        pointer: &str,
    ) -> Result<ir::Multipart, Error> {
        let ty = self.schema_or_ref(schema, &format!("{type_name} value"), pointer)?;
        // With one part, `encoding` can only mean that part.
        let content_type = match content.encoding.len() {
            1 => content.encoding.values().next().and_then(|e| e.content_type.clone()),
            _ => None,
        };
        let kind = self.part_kind(schema, &ty, style, content_type.is_some());
        let docs = match schema {
            ReferenceOr::Item(s) => schema_docs(s),
            ReferenceOr::Reference { .. } => String::new(),
        };
        let name = match kind {
            ir::PartKind::File => "file",
            ir::PartKind::Files => "files",
            _ => "value",
        };
        let part = ir::Part {
            name: name.to_owned(),
            wire_name: String::new(),
            ty,
            kind,
            required: true,
            content_type,
            style: None,
            docs,
        };
        Ok(ir::Multipart { type_name, parts: vec![part], style, json_members, named_by_caller: true })
    }
}
