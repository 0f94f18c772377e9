//! Lowering of schemas: JSON Schema as OpenAPI 3.0 writes it -> IR types.
//!
//! openapiv3 parses a schema into a typed kind only when its keywords are
//! exactly those of one type; anything else (a `format` on an object, a
//! `minItems` on a string, `type: object` beside `oneOf`) lands in
//! `SchemaKind::Any`. [`Shape`] looks at both the same way, so the rest of
//! lowering never cares which one openapiv3 chose.
//!
//! This file holds shapes and references: normalising a schema, resolving
//! `$ref`, the component schemas, and `lower_schema`, which turns any schema
//! into a type reference (inline ones become named types). By construct,
//! as typify splits its conversion: `merge` (`allOf`), `structs`, `unions`,
//! `enums`, and `cycles` (the passes over the finished types); `arena`
//! hands out the ids named types are referred to by.

mod arena;
mod cycles;
mod enums;
mod merge;
mod structs;
mod unions;

pub(in crate::lower) use arena::Slot;
use cycles::{box_cycles, newtype_alias_cycles};
pub(in crate::lower) use merge::{own_props, Merged};
pub(in crate::lower) use unions::strip_variant_tags;

use super::{extensions, Lowerer};
use crate::error::{pointer_join, pointer_path, Error};
use crate::ir;
use crate::naming::{self, Scope};
use openapiv3::{AdditionalProperties, ReferenceOr, Schema, SchemaKind, Type, VariantOrUnknownOrEmpty};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// A schema, normalised.
pub(in crate::lower) enum Shape<'s> {
    String {
        values: Vec<Option<String>>,
        binary: bool,
    },
    Integer {
        values: Vec<Option<i64>>,
        format: Option<String>,
    },
    Number {
        float: bool,
    },
    Boolean,
    Object(ObjectShape<'s>),
    Array(Option<&'s ReferenceOr<Box<Schema>>>),
    /// `allOf`, plus the schema's own properties when it has them too.
    AllOf(&'s [ReferenceOr<Schema>], Option<ObjectShape<'s>>),
    /// `oneOf` or `anyOf`.
    Union(&'s [ReferenceOr<Schema>]),
    /// Anything goes.
    Any,
}

/// The object-ish keywords of a schema.
#[derive(Clone, Copy)]
pub(in crate::lower) struct ObjectShape<'s> {
    pub properties: &'s indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
    pub required: &'s [String],
    pub additional: Option<&'s AdditionalProperties>,
}

pub(in crate::lower) fn shape(schema: &Schema) -> Shape<'_> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => Shape::String {
            values: s.enumeration.clone(),
            binary: matches!(s.format, VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::Binary)),
        },
        SchemaKind::Type(Type::Integer(i)) => Shape::Integer {
            values: i.enumeration.clone(),
            format: match &i.format {
                VariantOrUnknownOrEmpty::Item(openapiv3::IntegerFormat::Int32) => Some("int32".to_owned()),
                VariantOrUnknownOrEmpty::Item(openapiv3::IntegerFormat::Int64) => Some("int64".to_owned()),
                VariantOrUnknownOrEmpty::Unknown(f) => Some(f.clone()),
                VariantOrUnknownOrEmpty::Empty => None,
            },
        },
        SchemaKind::Type(Type::Number(n)) => {
            Shape::Number { float: matches!(n.format, VariantOrUnknownOrEmpty::Item(openapiv3::NumberFormat::Float)) }
        }
        SchemaKind::Type(Type::Boolean(_)) => Shape::Boolean,
        SchemaKind::Type(Type::Object(o)) => Shape::Object(ObjectShape {
            properties: &o.properties,
            required: &o.required,
            additional: o.additional_properties.as_ref(),
        }),
        SchemaKind::Type(Type::Array(a)) => Shape::Array(a.items.as_ref()),
        SchemaKind::AllOf { all_of } => Shape::AllOf(all_of, None),
        SchemaKind::OneOf { one_of } => Shape::Union(one_of),
        SchemaKind::AnyOf { any_of } => Shape::Union(any_of),
        SchemaKind::Not { .. } => Shape::Any,
        SchemaKind::Any(any) => {
            let object = ObjectShape {
                properties: &any.properties,
                required: &any.required,
                additional: any.additional_properties.as_ref(),
            };
            let has_object = !any.properties.is_empty() || any.additional_properties.is_some();
            if !any.all_of.is_empty() {
                return Shape::AllOf(&any.all_of, has_object.then_some(object));
            }
            if !any.one_of.is_empty() {
                return Shape::Union(&any.one_of);
            }
            if !any.any_of.is_empty() {
                return Shape::Union(&any.any_of);
            }
            let strings = || any.enumeration.iter().map(|v| v.as_str().map(str::to_owned)).collect();
            match any.typ.as_deref() {
                Some("object") => Shape::Object(object),
                Some("array") => Shape::Array(any.items.as_ref()),
                Some("string") => Shape::String { values: strings(), binary: any.format.as_deref() == Some("binary") },
                Some("integer") => Shape::Integer {
                    values: any.enumeration.iter().map(Value::as_i64).collect(),
                    format: any.format.clone(),
                },
                Some("number") => Shape::Number { float: any.format.as_deref() == Some("float") },
                Some("boolean") => Shape::Boolean,
                _ if has_object => Shape::Object(object),
                _ if any.items.is_some() => Shape::Array(any.items.as_ref()),
                _ if !any.enumeration.is_empty() && any.enumeration.iter().all(|v| v.is_string() || v.is_null()) => {
                    Shape::String { values: strings(), binary: false }
                }
                _ if !any.enumeration.is_empty() && any.enumeration.iter().all(|v| v.is_i64() || v.is_null()) => {
                    Shape::Integer { values: any.enumeration.iter().map(Value::as_i64).collect(), format: None }
                }
                _ => Shape::Any,
            }
        }
    }
}

/// The properties of an object schema, if it is one.
pub(in crate::lower) fn shape_properties(
    schema: &Schema,
) -> Option<&indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>> {
    match shape(schema) {
        Shape::Object(object) => Some(object.properties),
        _ => None,
    }
}

/// Whether a schema is only "null": `{nullable: true}` with nothing else, or
/// a `type: 'null'` written the 3.1 way.
pub(in crate::lower) fn is_null_only(schema: &Schema) -> bool {
    match &schema.schema_kind {
        SchemaKind::Any(any) => {
            any.typ.as_deref() == Some("null")
                || (schema.schema_data.nullable
                    && any.typ.is_none()
                    && any.properties.is_empty()
                    && any.items.is_none()
                    && any.one_of.is_empty()
                    && any.any_of.is_empty()
                    && any.all_of.is_empty()
                    && any.enumeration.is_empty())
        }
        _ => false,
    }
}

/// Whether a schema only annotates (a description, a title, an example,
/// `nullable`, `readOnly`, ...): no type, no keyword that shapes or limits
/// a value. `allOf: [{$ref: X}, {description: ...}]`, the way many specs
/// document a property of a referenced type, is that type.
pub(in crate::lower) fn annotation_only(schema: &Schema) -> bool {
    matches!(&schema.schema_kind, SchemaKind::Any(any) if *any == openapiv3::AnySchema::default())
        && schema.schema_data.discriminator.is_none()
}

/// The one part of an `allOf` that is not annotation only, with its index,
/// when there is exactly one.
pub(in crate::lower) fn single_part(parts: &[ReferenceOr<Schema>]) -> Option<(usize, &ReferenceOr<Schema>)> {
    let mut real = parts.iter().enumerate().filter(|(_, p)| !matches!(p, ReferenceOr::Item(s) if annotation_only(s)));
    match (real.next(), real.next()) {
        (Some(only), None) => Some(only),
        _ => None,
    }
}

/// Whether an annotation-only part of an `allOf` says `nullable: true`.
pub(in crate::lower) fn annotated_nullable(parts: &[ReferenceOr<Schema>]) -> bool {
    parts.iter().any(|p| matches!(p, ReferenceOr::Item(s) if annotation_only(s) && s.schema_data.nullable))
}

pub(in crate::lower) fn schema_docs(schema: &Schema) -> String {
    let data = &schema.schema_data;
    match (&data.title, &data.description) {
        (_, Some(d)) if !d.trim().is_empty() => d.clone(),
        (Some(t), _) => t.clone(),
        // `allOf: [{$ref: X}, {description: ...}]`: the annotation's text.
        _ => match shape(schema) {
            Shape::AllOf(parts, _) => parts
                .iter()
                .filter_map(|p| match p {
                    ReferenceOr::Item(s) if annotation_only(s) => Some(schema_docs(s)),
                    _ => None,
                })
                .find(|docs| !docs.trim().is_empty())
                .unwrap_or_default(),
            _ => String::new(),
        },
    }
}

/// One property gathered for a struct, possibly from another schema (`allOf`).
pub(in crate::lower) struct Prop<'s> {
    pub(in crate::lower) wire: &'s str,
    pub(in crate::lower) schema: &'s ReferenceOr<Box<Schema>>,
    pub(in crate::lower) pointer: String,
}

pub(in crate::lower) const COMPONENT: &str = "#/components/schemas/";

impl<'a> Lowerer<'a> {
    /// The component schema a reference names.
    pub(in crate::lower) fn component(&self, reference: &str) -> Option<(&'a str, &'a ReferenceOr<Schema>)> {
        let key = reference.strip_prefix(COMPONENT)?;
        let (key, schema) = self.doc.api.components.as_ref()?.schemas.get_key_value(key)?;
        Some((key.as_str(), schema))
    }

    /// Follows `$ref` chains to a schema, with the pointer where it sits.
    pub(in crate::lower) fn resolve_schema(
        &self,
        reference: &str,
        pointer: &str,
    ) -> Result<(&'a Schema, String), Error> {
        let mut reference = reference.to_owned();
        for _ in 0..32 {
            let Some((key, found)) = self.component(&reference) else {
                return Err(self.dangling(&reference, pointer));
            };
            match found {
                ReferenceOr::Item(schema) => return Ok((schema, pointer_join("/components/schemas", key))),
                ReferenceOr::Reference { reference: next } => reference = next.clone(),
            }
        }
        Err(self.invalid(&pointer_join(pointer, "$ref"), format!("`{reference}` is part of a circular chain of $ref")))
    }

    pub(in crate::lower) fn dangling(&self, reference: &str, pointer: &str) -> Error {
        if !reference.starts_with('#') {
            return self.unsupported(
                &pointer_join(pointer, "$ref"),
                format!("external reference `{reference}`; bundle the spec into one file first"),
            );
        }
        self.invalid(
            &pointer_join(pointer, "$ref"),
            format!("`{reference}` does not resolve; expected a schema under #/components/schemas"),
        )
    }

    /// Resolves `$ref` to a component schema's Rust type.
    pub(in crate::lower) fn schema_ref(&self, reference: &str, pointer: &str) -> Result<ir::TypeRef, Error> {
        match self.schema_names.get(reference) {
            Some(id) => Ok(ir::TypeRef::Named(*id)),
            None => Err(self.dangling(reference, pointer)),
        }
    }

    pub(in crate::lower) fn schema_or_ref<T: std::borrow::Borrow<Schema>>(
        &mut self,
        schema: &ReferenceOr<T>,
        context: &str,
        pointer: &str,
    ) -> Result<ir::TypeRef, Error> {
        match schema {
            ReferenceOr::Reference { reference } => self.schema_ref(reference, pointer),
            ReferenceOr::Item(schema) => self.lower_schema(schema.borrow(), context, pointer),
        }
    }

    /// Whether values of this schema may be `null`.
    pub(in crate::lower) fn schema_or_ref_nullable<T: std::borrow::Borrow<Schema>>(
        &self,
        schema: &ReferenceOr<T>,
    ) -> bool {
        match schema {
            ReferenceOr::Reference { reference } => self.nullable_refs.contains(reference),
            ReferenceOr::Item(schema) => self.schema_nullable(schema.borrow()),
        }
    }

    pub(in crate::lower) fn schema_nullable(&self, schema: &Schema) -> bool {
        if schema.schema_data.nullable || is_null_only(schema) {
            return true;
        }
        match shape(schema) {
            Shape::String { values, .. } => values.iter().any(Option::is_none),
            Shape::Integer { values, .. } => values.iter().any(Option::is_none),
            Shape::Union(parts) => parts.iter().any(|p| match p {
                ReferenceOr::Item(s) => is_null_only(s),
                ReferenceOr::Reference { .. } => false,
            }),
            Shape::AllOf(parts, None) => match single_part(parts) {
                Some((_, only)) => annotated_nullable(parts) || self.schema_or_ref_nullable(only),
                None => false,
            },
            _ => false,
        }
    }

    /// Lowers every component schema, then boxes what recursion needs boxed.
    pub(in crate::lower) fn lower_components(&mut self) -> Result<(), Error> {
        let Some(components) = self.doc.api.components.as_ref() else { return Ok(()) };
        // Claim every name first, so references resolve in any order.
        for key in components.schemas.keys() {
            let name = self.type_scope.claim(naming::type_name(key));
            let id = self.reserve_type(name);
            self.schema_names.insert(format!("{COMPONENT}{key}"), id);
        }
        for (key, schema) in &components.schemas {
            let reference = format!("{COMPONENT}{key}");
            let nullable = match schema {
                ReferenceOr::Item(s) => self.schema_nullable(s),
                ReferenceOr::Reference { .. } => false,
            };
            if nullable {
                self.nullable_refs.insert(reference);
            }
        }
        // Discriminator bases referenced directly: which components extend them.
        for (key, schema) in &components.schemas {
            let ReferenceOr::Item(schema) = schema else { continue };
            if let Shape::AllOf(parts, _) = shape(schema) {
                for part in parts {
                    if let ReferenceOr::Reference { reference } = part {
                        self.subtypes.entry(reference.clone()).or_default().push(key.clone());
                    }
                }
            }
        }
        for (key, schema) in &components.schemas {
            let pointer = pointer_join("/components/schemas", key);
            let id = self.schema_names[&format!("{COMPONENT}{key}")];
            let name = self.type_name(id).to_owned();
            match schema {
                ReferenceOr::Reference { reference } => {
                    let target = self.schema_ref(reference, &pointer)?;
                    self.fill_type(id, type_def(name, String::new(), pointer, false, ir::TypeKind::Alias(target)));
                }
                ReferenceOr::Item(schema) => {
                    let reference = format!("{COMPONENT}{key}");
                    self.lower_named_schema(name, Some(id), schema, &pointer, Some(&reference))?;
                }
            }
        }
        // From here on an id is the index in `types`.
        self.renumber_types();
        self.check_alias_cycles()?;
        newtype_alias_cycles(&mut self.types);
        box_cycles(&mut self.types);
        Ok(())
    }

    /// Lowers a schema under a name already claimed, and under `id` when
    /// one was reserved for it (a new id otherwise). `reference` is set for
    /// component schemas (it finds the subtypes of a discriminator base).
    pub(in crate::lower) fn lower_named_schema(
        &mut self,
        name: String,
        id: Option<ir::TypeId>,
        schema: &Schema,
        pointer: &str,
        reference: Option<&str>,
    ) -> Result<ir::TypeId, Error> {
        self.check_extensions(&schema.schema_data.extensions, pointer);
        let kind = self.named_kind(&name, id, schema, pointer, reference)?;
        let def = type_def(name, schema_docs(schema), pointer.to_owned(), schema.schema_data.deprecated, kind);
        Ok(match id {
            Some(id) => {
                self.fill_type(id, def);
                id
            }
            None => self.add_type(def),
        })
    }

    /// What a named type is. `id` is its own id when it was reserved (a
    /// union can list the type itself).
    pub(in crate::lower) fn named_kind(
        &mut self,
        name: &str,
        id: Option<ir::TypeId>,
        schema: &Schema,
        pointer: &str,
        reference: Option<&str>,
    ) -> Result<ir::TypeKind, Error> {
        if let (Some(reference), Some(discriminator)) = (reference, &schema.schema_data.discriminator) {
            if !matches!(shape(schema), Shape::Union(_)) {
                if let Some(subtypes) = self.subtypes.get(reference).cloned() {
                    return self.tagged_from_subtypes(id, discriminator, &subtypes, pointer);
                }
            }
        }
        Ok(match shape(schema) {
            Shape::String { values, .. } if values.iter().any(Option::is_some) => {
                let values = values.into_iter().flatten().map(ir::EnumValue::String).collect();
                ir::TypeKind::Enum(self.lower_enum(values, ir::EnumRepr::String, schema, pointer)?)
            }
            Shape::Integer { values, .. } if values.iter().any(Option::is_some) => {
                let values = values.into_iter().flatten().map(ir::EnumValue::Integer).collect();
                ir::TypeKind::Enum(self.lower_enum(values, ir::EnumRepr::Integer, schema, pointer)?)
            }
            Shape::Object(object) if !object.properties.is_empty() => {
                let props = own_props(object, pointer);
                ir::TypeKind::Struct(self.lower_struct(
                    name,
                    props,
                    object.required.to_vec(),
                    object.additional,
                    pointer,
                    &schema.schema_data.extensions,
                )?)
            }
            Shape::AllOf(parts, own) => match self.merge_all_of(parts, own, pointer)? {
                Merged::Object { props, required, additional } => ir::TypeKind::Struct(self.lower_struct(
                    name,
                    props,
                    required,
                    additional,
                    pointer,
                    &schema.schema_data.extensions,
                )?),
                Merged::Single(i, target) => ir::TypeKind::Alias(self.schema_or_ref(
                    target,
                    name,
                    &pointer_path(pointer, &format!("allOf/{i}")),
                )?),
                Merged::Json => ir::TypeKind::Alias(ir::TypeRef::Json),
            },
            Shape::Union(parts) => {
                let parts: Vec<(usize, &ReferenceOr<Schema>)> = parts
                    .iter()
                    .enumerate()
                    .filter(|(_, p)| !matches!(p, ReferenceOr::Item(s) if is_null_only(s)))
                    .collect();
                // Which keyword the parts sit under, for pointers.
                let key = match &schema.schema_kind {
                    SchemaKind::AnyOf { .. } => "anyOf",
                    SchemaKind::Any(any) if any.one_of.is_empty() => "anyOf",
                    _ => "oneOf",
                };
                match (parts.as_slice(), &schema.schema_data.discriminator) {
                    ([], _) => ir::TypeKind::Alias(ir::TypeRef::Json),
                    ([(i, only)], _) => ir::TypeKind::Alias(self.schema_or_ref(
                        *only,
                        name,
                        &pointer_path(pointer, &format!("{key}/{i}")),
                    )?),
                    (_, Some(discriminator)) => {
                        self.tagged_from_union(name, id, discriminator, &parts, pointer, key)?
                    }
                    _ => self.untagged(name, &parts, pointer, key)?,
                }
            }
            _ => ir::TypeKind::Alias(self.lower_schema(schema, name, pointer)?),
        })
    }

    /// Lowers an inline schema; objects, enums and unions become named types
    /// called after `context` (`ErrorResponse` + `error` -> `ErrorResponseError`).
    pub(in crate::lower) fn lower_schema(
        &mut self,
        schema: &Schema,
        context: &str,
        pointer: &str,
    ) -> Result<ir::TypeRef, Error> {
        if self.read(&schema.schema_data.extensions, "x-esign-string-bool", pointer)? == Some(true) {
            return Ok(ir::TypeRef::StringBool);
        }
        Ok(match shape(schema) {
            Shape::String { values, binary } => {
                if values.iter().any(Option::is_some) {
                    self.inline_type(schema, context, pointer)?
                } else if binary {
                    ir::TypeRef::Bytes
                } else {
                    ir::TypeRef::String
                }
            }
            Shape::Integer { values, format } => {
                if values.iter().any(Option::is_some) {
                    self.inline_type(schema, context, pointer)?
                } else {
                    match format.as_deref() {
                        Some("int32") => ir::TypeRef::I32,
                        Some("uint" | "uint32" | "uint64") => ir::TypeRef::U64,
                        _ => ir::TypeRef::I64,
                    }
                }
            }
            Shape::Number { float: true } => ir::TypeRef::F32,
            Shape::Number { float: false } => ir::TypeRef::F64,
            Shape::Boolean => ir::TypeRef::Bool,
            Shape::Array(items) => match items {
                Some(items) => {
                    let item =
                        self.schema_or_ref(items, &format!("{context} item"), &pointer_join(pointer, "items"))?;
                    ir::TypeRef::Vec(Box::new(item))
                }
                None => ir::TypeRef::Vec(Box::new(ir::TypeRef::Json)),
            },
            Shape::Object(object) => {
                if !object.properties.is_empty() {
                    self.inline_type(schema, context, pointer)?
                } else {
                    match object.additional {
                        Some(AdditionalProperties::Schema(inner)) => {
                            let value = self.schema_or_ref(
                                inner,
                                &format!("{context} value"),
                                &pointer_join(pointer, "additionalProperties"),
                            )?;
                            ir::TypeRef::Map(Box::new(value))
                        }
                        _ => ir::TypeRef::Json,
                    }
                }
            }
            Shape::AllOf(parts, None)
                if single_part(parts).is_some_and(|(_, only)| !self.extends_base(only, pointer)) =>
            {
                let (i, only) = single_part(parts).expect("checked above");
                self.schema_or_ref(only, context, &pointer_path(pointer, &format!("allOf/{i}")))?
            }
            Shape::AllOf(..) => self.inline_type(schema, context, pointer)?,
            Shape::Union(parts) => {
                let real: Vec<&ReferenceOr<Schema>> =
                    parts.iter().filter(|p| !matches!(p, ReferenceOr::Item(s) if is_null_only(s))).collect();
                match real.as_slice() {
                    [] => ir::TypeRef::Json,
                    [ReferenceOr::Reference { reference }] => self.schema_ref(reference, pointer)?,
                    _ => self.inline_type(schema, context, pointer)?,
                }
            }
            Shape::Any => ir::TypeRef::Json,
        })
    }

    /// A type for a schema written in place. An inline schema with the same
    /// content as one made a type before (annotations aside: `description`,
    /// `title`, examples) is that type: YAML aliases repeat one node many
    /// times, and a type per repetition made the output grow with the
    /// expanded document, not with the file (a 20 KB file of aliased enums
    /// gave 18 MB of Rust). Each distinct schema is lowered once.
    pub(in crate::lower) fn inline_type(
        &mut self,
        schema: &Schema,
        context: &str,
        pointer: &str,
    ) -> Result<ir::TypeRef, Error> {
        let key = inline_key(schema);
        if let Some(id) = key.as_ref().and_then(|k| self.inline_types.get(k)) {
            return Ok(ir::TypeRef::Named(*id));
        }
        if self.types.len() > 100_000 {
            return Err(self.unsupported(pointer, "more than 100000 generated types; the spec is too deeply nested"));
        }
        let name = self.type_scope.claim(naming::type_name(context));
        let id = self.lower_named_schema(name, None, schema, pointer, None)?;
        if let Some(key) = key {
            self.inline_types.insert(key, id);
        }
        Ok(ir::TypeRef::Named(id))
    }
}

/// A named type, not yet any operation's error body.
pub(in crate::lower) fn type_def(
    name: String,
    docs: String,
    pointer: String,
    deprecated: bool,
    kind: ir::TypeKind,
) -> ir::TypeDef {
    ir::TypeDef { name, docs, pointer: ir::Pointer(pointer), deprecated, kind, error_metadata: None }
}

/// `pattern` of a string schema and `minItems`/`maxItems` of an array.
pub(in crate::lower) fn constraints(schema: &Schema) -> (Option<String>, (Option<usize>, Option<usize>)) {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => (s.pattern.clone(), (None, None)),
        SchemaKind::Type(Type::Array(a)) => (None, (a.min_items, a.max_items)),
        SchemaKind::Any(any) => (any.pattern.clone(), (any.min_items, any.max_items)),
        _ => (None, (None, None)),
    }
}

/// What makes two inline schemas the same type: their JSON less the
/// annotations that only document them. `None` if it cannot be written
/// (then the schema is not shared).
pub(in crate::lower) fn inline_key(schema: &Schema) -> Option<String> {
    let mut value = serde_json::to_value(schema).ok()?;
    if let serde_json::Value::Object(fields) = &mut value {
        for annotation in ["description", "title", "example", "examples", "externalDocs"] {
            fields.shift_remove(annotation);
        }
    }
    Some(value.to_string())
}
