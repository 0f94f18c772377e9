//! Lowering of schemas: JSON Schema as OpenAPI 3.0 writes it -> IR types.
//!
//! openapiv3 parses a schema into a typed kind only when its keywords are
//! exactly those of one type; anything else (a `format` on an object, a
//! `minItems` on a string, `type: object` beside `oneOf`) lands in
//! `SchemaKind::Any`. [`Shape`] looks at both the same way, so the rest of
//! lowering never cares which one openapiv3 chose.

use super::{extensions, Lowerer};
use crate::error::{pointer_join, pointer_path, Error};
use crate::ir;
use crate::naming::{self, Scope};
use openapiv3::{AdditionalProperties, ReferenceOr, Schema, SchemaKind, Type, VariantOrUnknownOrEmpty};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// A schema, normalised.
pub(super) enum Shape<'s> {
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
pub(super) struct ObjectShape<'s> {
    pub properties: &'s indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
    pub required: &'s [String],
    pub additional: Option<&'s AdditionalProperties>,
}

pub(super) fn shape(schema: &Schema) -> Shape<'_> {
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
pub(super) fn shape_properties(schema: &Schema) -> Option<&indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>> {
    match shape(schema) {
        Shape::Object(object) => Some(object.properties),
        _ => None,
    }
}

/// Whether a schema is only "null": `{nullable: true}` with nothing else, or
/// a `type: 'null'` written the 3.1 way.
fn is_null_only(schema: &Schema) -> bool {
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
fn annotation_only(schema: &Schema) -> bool {
    matches!(&schema.schema_kind, SchemaKind::Any(any) if *any == openapiv3::AnySchema::default())
        && schema.schema_data.discriminator.is_none()
}

/// The one part of an `allOf` that is not annotation only, with its index,
/// when there is exactly one.
fn single_part(parts: &[ReferenceOr<Schema>]) -> Option<(usize, &ReferenceOr<Schema>)> {
    let mut real = parts.iter().enumerate().filter(|(_, p)| !matches!(p, ReferenceOr::Item(s) if annotation_only(s)));
    match (real.next(), real.next()) {
        (Some(only), None) => Some(only),
        _ => None,
    }
}

/// Whether an annotation-only part of an `allOf` says `nullable: true`.
fn annotated_nullable(parts: &[ReferenceOr<Schema>]) -> bool {
    parts.iter().any(|p| matches!(p, ReferenceOr::Item(s) if annotation_only(s) && s.schema_data.nullable))
}

pub(super) fn schema_docs(schema: &Schema) -> String {
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
struct Prop<'s> {
    wire: &'s str,
    schema: &'s ReferenceOr<Box<Schema>>,
    pointer: String,
}

const COMPONENT: &str = "#/components/schemas/";

impl<'a> Lowerer<'a> {
    /// The component schema a reference names.
    fn component(&self, reference: &str) -> Option<(&'a str, &'a ReferenceOr<Schema>)> {
        let key = reference.strip_prefix(COMPONENT)?;
        let (key, schema) = self.doc.api.components.as_ref()?.schemas.get_key_value(key)?;
        Some((key.as_str(), schema))
    }

    /// Follows `$ref` chains to a schema, with the pointer where it sits.
    fn resolve_schema(&self, reference: &str, pointer: &str) -> Result<(&'a Schema, String), Error> {
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

    fn dangling(&self, reference: &str, pointer: &str) -> Error {
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
    pub(super) fn schema_ref(&self, reference: &str, pointer: &str) -> Result<ir::TypeRef, Error> {
        match self.schema_names.get(reference) {
            Some(name) => Ok(ir::TypeRef::Named(name.clone())),
            None => Err(self.dangling(reference, pointer)),
        }
    }

    pub(super) fn schema_or_ref<T: std::borrow::Borrow<Schema>>(
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
    pub(super) fn schema_or_ref_nullable<T: std::borrow::Borrow<Schema>>(&self, schema: &ReferenceOr<T>) -> bool {
        match schema {
            ReferenceOr::Reference { reference } => self.nullable_refs.contains(reference),
            ReferenceOr::Item(schema) => self.schema_nullable(schema.borrow()),
        }
    }

    fn schema_nullable(&self, schema: &Schema) -> bool {
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
    pub(super) fn lower_components(&mut self) -> Result<(), Error> {
        let Some(components) = self.doc.api.components.as_ref() else { return Ok(()) };
        // Claim every name first, so references resolve in any order.
        for key in components.schemas.keys() {
            let name = self.type_scope.claim(naming::type_name(key));
            self.schema_names.insert(format!("{COMPONENT}{key}"), name);
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
            let name = self.schema_names[&format!("{COMPONENT}{key}")].clone();
            match schema {
                ReferenceOr::Reference { reference } => {
                    let target = self.schema_ref(reference, &pointer)?;
                    self.push_type(name, String::new(), pointer, false, ir::TypeKind::Alias(target));
                }
                ReferenceOr::Item(schema) => {
                    let reference = format!("{COMPONENT}{key}");
                    self.lower_named_schema(name, schema, &pointer, Some(&reference))?;
                }
            }
        }
        self.check_alias_cycles()?;
        newtype_alias_cycles(&mut self.types);
        box_cycles(&mut self.types);
        Ok(())
    }

    fn push_type(&mut self, name: String, docs: String, pointer: String, deprecated: bool, kind: ir::TypeKind) {
        self.types.push(ir::TypeDef { name, docs, pointer: ir::Pointer(pointer), deprecated, kind });
    }

    /// Lowers a schema under a name already claimed. `reference` is set for
    /// component schemas (it finds the subtypes of a discriminator base).
    fn lower_named_schema(
        &mut self,
        name: String,
        schema: &Schema,
        pointer: &str,
        reference: Option<&str>,
    ) -> Result<(), Error> {
        self.check_extensions(&schema.schema_data.extensions, pointer);
        let kind = self.named_kind(&name, schema, pointer, reference)?;
        self.push_type(name, schema_docs(schema), pointer.to_owned(), schema.schema_data.deprecated, kind);
        Ok(())
    }

    fn named_kind(
        &mut self,
        name: &str,
        schema: &Schema,
        pointer: &str,
        reference: Option<&str>,
    ) -> Result<ir::TypeKind, Error> {
        if let (Some(reference), Some(discriminator)) = (reference, &schema.schema_data.discriminator) {
            if !matches!(shape(schema), Shape::Union(_)) {
                if let Some(subtypes) = self.subtypes.get(reference).cloned() {
                    return self.tagged_from_subtypes(name, discriminator, &subtypes, pointer);
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
                    (_, Some(discriminator)) => self.tagged_from_union(name, discriminator, &parts, pointer, key)?,
                    _ => self.untagged(name, &parts, pointer, key)?,
                }
            }
            _ => ir::TypeKind::Alias(self.lower_schema(schema, name, pointer)?),
        })
    }

    /// Lowers an inline schema; objects, enums and unions become named types
    /// called after `context` (`ErrorResponse` + `error` -> `ErrorResponseError`).
    pub(super) fn lower_schema(&mut self, schema: &Schema, context: &str, pointer: &str) -> Result<ir::TypeRef, Error> {
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
    fn inline_type(&mut self, schema: &Schema, context: &str, pointer: &str) -> Result<ir::TypeRef, Error> {
        let key = inline_key(schema);
        if let Some(name) = key.as_ref().and_then(|k| self.inline_types.get(k)) {
            return Ok(ir::TypeRef::Named(name.clone()));
        }
        if self.types.len() > 100_000 {
            return Err(self.unsupported(pointer, "more than 100000 generated types; the spec is too deeply nested"));
        }
        let name = self.type_scope.claim(naming::type_name(context));
        self.lower_named_schema(name.clone(), schema, pointer, None)?;
        if let Some(key) = key {
            self.inline_types.insert(key, name.clone());
        }
        Ok(ir::TypeRef::Named(name))
    }

    /// Whether an `allOf` part is a reference to a discriminator base.
    fn extends_base(&self, part: &ReferenceOr<Schema>, pointer: &str) -> bool {
        match part {
            ReferenceOr::Reference { reference } => {
                self.resolve_schema(reference, pointer).is_ok_and(|(s, _)| s.schema_data.discriminator.is_some())
            }
            ReferenceOr::Item(_) => false,
        }
    }

    fn merge_all_of<'s>(
        &self,
        parts: &'s [ReferenceOr<Schema>],
        own: Option<ObjectShape<'s>>,
        pointer: &str,
    ) -> Result<Merged<'s>, Error>
    where
        'a: 's,
    {
        // `allOf: [$ref]` (beside parts that only annotate it) is the
        // referenced type, unless that is a discriminator base: then it
        // means "the base's fields", a struct.
        if let (None, Some((i, only))) = (own, single_part(parts)) {
            if !self.extends_base(only, pointer) {
                return Ok(Merged::Single(i, only));
            }
        }
        let mut gathered = Gathered::default();
        let mut objects = 0;
        for (i, part) in parts.iter().enumerate() {
            let here = pointer_path(pointer, &format!("allOf/{i}"));
            objects += self.gather(part, &here, &mut gathered, 0)? as usize;
        }
        let Gathered { mut props, mut required, mut additional, .. } = gathered;
        if let Some(own) = own {
            props.extend(own_props(own, pointer));
            required.extend(own.required.iter().cloned());
            additional = own.additional.or(additional);
            objects += 1;
        }
        if objects == 0 || props.is_empty() {
            // allOf of non-objects (a string with extra constraints, say):
            // the first part that has a type decides.
            return Ok(match parts.first() {
                Some(first) if parts.len() == 1 || objects == 0 => Merged::Single(0, first),
                _ => Merged::Json,
            });
        }
        Ok(Merged::Object { props, required, additional })
    }

    /// Adds one `allOf` part's properties; false when the part is not an object.
    fn gather<'s>(
        &self,
        part: &'s ReferenceOr<Schema>,
        pointer: &str,
        gathered: &mut Gathered<'s>,
        depth: usize,
    ) -> Result<bool, Error>
    where
        'a: 's,
    {
        if depth > 64 {
            return Err(self.invalid(pointer, "allOf nests more than 64 levels deep"));
        }
        let (schema, at): (&'s Schema, String) = match part {
            ReferenceOr::Reference { reference } => {
                // `visited` holds the references above this one: a schema
                // reached twice along different branches (diamond-shaped
                // inheritance) is not a cycle, and its properties count once.
                if gathered.visited.contains(reference) {
                    return Err(self.invalid(
                        &pointer_join(pointer, "$ref"),
                        format!("`{reference}` is part of a circular allOf"),
                    ));
                }
                let (schema, at) = self.resolve_schema(reference, pointer)?;
                gathered.visited.insert(reference.clone());
                let found = self.gather_schema(schema, &at, gathered, depth);
                gathered.visited.remove(reference);
                return found;
            }
            ReferenceOr::Item(schema) => (schema, pointer.to_owned()),
        };
        self.gather_schema(schema, &at, gathered, depth)
    }

    /// [`Self::gather`] of a schema found at `at`.
    fn gather_schema<'s>(
        &self,
        schema: &'s Schema,
        at: &str,
        gathered: &mut Gathered<'s>,
        depth: usize,
    ) -> Result<bool, Error>
    where
        'a: 's,
    {
        match shape(schema) {
            Shape::Object(object) => {
                gathered.add(own_props(object, at), object.required);
                gathered.additional = object.additional.or(gathered.additional);
                Ok(true)
            }
            Shape::AllOf(parts, own) => {
                let mut any = false;
                for (i, inner) in parts.iter().enumerate() {
                    let here = pointer_path(at, &format!("allOf/{i}"));
                    any |= self.gather(inner, &here, gathered, depth + 1)?;
                }
                if let Some(own) = own {
                    gathered.add(own_props(own, at), own.required);
                    any = true;
                }
                Ok(any)
            }
            _ => Ok(false),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn lower_struct(
        &mut self,
        name: &str,
        props: Vec<Prop<'_>>,
        required: Vec<String>,
        additional: Option<&AdditionalProperties>,
        pointer: &str,
        extensions: &indexmap::IndexMap<String, Value>,
    ) -> Result<ir::Struct, Error> {
        let mut scope = Scope::default();
        let mut fields: Vec<ir::Field> = Vec::with_capacity(props.len());
        for prop in props {
            // A later allOf part redefines a property: the last one wins.
            if let Some(existing) = fields.iter().position(|f| f.wire_name == prop.wire) {
                fields.remove(existing);
            }
            let field_name = scope.claim(naming::field_name(prop.wire));
            let context = format!("{name} {}", prop.wire);
            let ty = self.schema_or_ref(prop.schema, &context, &prop.pointer)?;
            let nullable = self.schema_or_ref_nullable(prop.schema);
            let (docs, deprecated, default) = match prop.schema {
                ReferenceOr::Item(s) => {
                    self.check_extensions(&s.schema_data.extensions, &prop.pointer);
                    let default = s.schema_data.default.as_ref().map(Value::to_string);
                    (schema_docs(s), s.schema_data.deprecated, default)
                }
                ReferenceOr::Reference { .. } => (String::new(), false, None),
            };
            let (mut pattern, items) = match prop.schema {
                ReferenceOr::Item(s) => constraints(s),
                ReferenceOr::Reference { .. } => (None, (None, None)),
            };
            // JSON Schema patterns are ECMA-262 expressions; those the regex
            // crate cannot run (lookaround, backreferences) are not checked,
            // with a warning when the API asked for validation.
            if let Some(p) = &pattern {
                if let Err(err) = regex::Regex::new(p) {
                    if self.validate {
                        let at = pointer_join(&prop.pointer, "pattern");
                        let message = format!(
                            "pattern not checked by validate(): {}",
                            err.to_string().lines().last().unwrap_or("")
                        );
                        self.warn(&at, message);
                    }
                    pattern = None;
                }
            }
            fields.push(ir::Field {
                name: field_name,
                wire_name: prop.wire.to_owned(),
                docs,
                ty,
                required: required.iter().any(|r| r == prop.wire),
                nullable,
                deprecated,
                default,
                pattern,
                items,
                pointer: ir::Pointer(prop.pointer),
            });
        }
        let extra = match additional {
            Some(AdditionalProperties::Any(false)) => ir::Extra::Deny(scope.claim("extra".to_owned())),
            Some(AdditionalProperties::Schema(inner)) => {
                let field = scope.claim("extra".to_owned());
                let ty = self.schema_or_ref(
                    inner.as_ref(),
                    &format!("{name} extra"),
                    &pointer_join(pointer, "additionalProperties"),
                )?;
                ir::Extra::Typed(field, ty)
            }
            _ => ir::Extra::Keep(scope.claim("extra".to_owned())),
        };
        let checks = self.struct_checks(&fields, extensions, pointer)?;
        Ok(ir::Struct { fields, extra, checks })
    }

    fn untagged(
        &mut self,
        name: &str,
        parts: &[(usize, &ReferenceOr<Schema>)],
        pointer: &str,
        key: &str,
    ) -> Result<ir::TypeKind, Error> {
        let mut scope = Scope::default();
        let mut variants = Vec::with_capacity(parts.len() + 1);
        for (i, part) in parts {
            let here = pointer_path(pointer, &format!("{key}/{i}"));
            let ty = self.schema_or_ref(*part, &format!("{name} variant {}", i + 1), &here)?;
            let label = match &ty {
                ir::TypeRef::Named(n) | ir::TypeRef::Boxed(n) => n.clone(),
                ir::TypeRef::String | ir::TypeRef::Bytes => "String".to_owned(),
                ir::TypeRef::Bool | ir::TypeRef::StringBool => "Boolean".to_owned(),
                ir::TypeRef::I32 | ir::TypeRef::I64 | ir::TypeRef::U64 => "Integer".to_owned(),
                ir::TypeRef::F32 | ir::TypeRef::F64 => "Number".to_owned(),
                ir::TypeRef::Json => "Value".to_owned(),
                ir::TypeRef::Vec(_) => "Array".to_owned(),
                ir::TypeRef::Map(_) => "Map".to_owned(),
            };
            if variants.iter().any(|v: &ir::UnionVariant| v.ty == ty) {
                continue;
            }
            variants.push(ir::UnionVariant { name: scope.claim(label), ty });
        }
        // Forward compatible: a shape no variant matches is kept as JSON.
        if !variants.iter().any(|v| v.ty == ir::TypeRef::Json) {
            variants.push(ir::UnionVariant { name: scope.claim("UnknownValue".to_owned()), ty: ir::TypeRef::Json });
        }
        Ok(ir::TypeKind::Untagged(variants))
    }

    fn tagged_from_union(
        &mut self,
        name: &str,
        discriminator: &openapiv3::Discriminator,
        parts: &[(usize, &ReferenceOr<Schema>)],
        pointer: &str,
        key: &str,
    ) -> Result<ir::TypeKind, Error> {
        // Tag values: the mapping's, then the schema name of every other
        // `$ref`, then the one value an inline variant gives its tag.
        let tag = &discriminator.property_name;
        let mut entries = self.mapping_entries(discriminator, pointer);
        for (i, part) in parts {
            let here = pointer_path(pointer, &format!("{key}/{i}"));
            match part {
                ReferenceOr::Reference { reference } => {
                    if !entries.iter().any(|(_, r)| matches!(r, Target::Ref(r) if r == reference)) {
                        let value = reference.strip_prefix(COMPONENT).unwrap_or(reference).to_owned();
                        entries.push((value, Target::Ref(reference.clone())));
                    }
                }
                ReferenceOr::Item(schema) => match self.single_tag_value(schema, tag, &here) {
                    Some(value) if !entries.iter().any(|(v, _)| *v == value) => {
                        let ty = self.lower_schema(schema, &format!("{name} {value}"), &here)?;
                        entries.push((value, Target::Lowered(ty)));
                    }
                    _ => {
                        self.warn(&here, "an inline schema under a discriminated union has no single tag value; it is reached only as the unknown variant");
                    }
                },
            }
        }
        self.tagged(name, tag, entries, pointer)
    }

    /// The entries of a discriminator's mapping, without extension keys
    /// (`x-...`, which some tools write there), each left out with a warning.
    fn mapping_entries(&mut self, discriminator: &openapiv3::Discriminator, pointer: &str) -> Vec<(String, Target)> {
        let mut entries = Vec::new();
        for (value, target) in &discriminator.mapping {
            if value.starts_with("x-") {
                let at = pointer_join(&pointer_path(pointer, "discriminator/mapping"), value);
                self.warn(&at, format!("`{value}` is an extension, not a tag value; left out of the mapping"));
                continue;
            }
            entries.push((value.clone(), Target::Ref(mapping_ref(target))));
        }
        entries
    }

    /// The one value an inline variant allows for its tag property
    /// (`properties: {type: {enum: [x]}}`, or 3.1's `const: x`), also
    /// through `allOf` and references.
    fn single_tag_value(&self, schema: &Schema, tag: &str, pointer: &str) -> Option<String> {
        let props = match shape(schema) {
            Shape::Object(object) => own_props(object, pointer),
            Shape::AllOf(parts, own) => match self.merge_all_of(parts, own, pointer).ok()? {
                Merged::Object { props, .. } => props,
                _ => return None,
            },
            _ => return None,
        };
        let prop = props.into_iter().rev().find(|p| p.wire == tag)?;
        let property: &Schema = match prop.schema {
            ReferenceOr::Item(s) => s,
            ReferenceOr::Reference { reference } => self.resolve_schema(reference, pointer).ok()?.0,
        };
        match shape(property) {
            Shape::String { values, .. } => match values.as_slice() {
                [Some(value)] => Some(value.clone()),
                _ => None,
            },
            _ => None,
        }
    }

    fn tagged_from_subtypes(
        &mut self,
        name: &str,
        discriminator: &openapiv3::Discriminator,
        subtypes: &[String],
        pointer: &str,
    ) -> Result<ir::TypeKind, Error> {
        let mut entries = self.mapping_entries(discriminator, pointer);
        for key in subtypes {
            let reference = format!("{COMPONENT}{key}");
            if !entries.iter().any(|(_, r)| matches!(r, Target::Ref(r) if *r == reference)) {
                entries.push((key.clone(), Target::Ref(reference)));
            }
        }
        self.tagged(name, &discriminator.property_name, entries, pointer)
    }

    fn tagged(
        &mut self,
        name: &str,
        tag: &str,
        entries: Vec<(String, Target)>,
        pointer: &str,
    ) -> Result<ir::TypeKind, Error> {
        let mut scope = Scope::default();
        let mut variants = Vec::with_capacity(entries.len());
        for (value, target) in entries {
            let ty = match target {
                Target::Ref(reference) => {
                    let here = pointer_join(&pointer_path(pointer, "discriminator/mapping"), &value);
                    match self.schema_ref(&reference, &here) {
                        Ok(ty) => ty,
                        Err(err) => {
                            // One tag value leading nowhere: that value is read as
                            // the unknown variant.
                            self.warn(&here, format!("{}; tag value `{value}` left out", err.message));
                            continue;
                        }
                    }
                }
                Target::Lowered(ty) => ty,
            };
            if ty == ir::TypeRef::Named(name.to_owned()) {
                // The base itself under a tag value: kept as the unknown variant.
                continue;
            }
            variants.push(ir::TaggedVariant {
                name: scope.claim(naming::type_name(&value)),
                tag_value: value,
                ty,
                drops_tag: false,
            });
        }
        if variants.is_empty() {
            // No variant the tag can pick: any object, as JSON.
            return Ok(ir::TypeKind::Alias(ir::TypeRef::Json));
        }
        let unknown_variant = scope.claim("UnknownValue".to_owned());
        Ok(ir::TypeKind::Tagged { tag: tag.to_owned(), variants, unknown_variant })
    }

    pub(super) fn lower_enum(
        &mut self,
        values: Vec<ir::EnumValue>,
        repr: ir::EnumRepr,
        schema: &Schema,
        pointer: &str,
    ) -> Result<ir::Enum, Error> {
        // Memory here grows with the values (an enum can list 200,000):
        // one text per value, and the set of them only while deduplicating.
        let mut texts: Vec<String> = Vec::with_capacity(values.len());
        let mut wires: Vec<ir::EnumValue> = Vec::with_capacity(values.len());
        {
            let mut seen: BTreeSet<String> = BTreeSet::new();
            for value in values {
                let text = match &value {
                    ir::EnumValue::String(s) => s.clone(),
                    ir::EnumValue::Integer(i) => i.to_string(),
                };
                if seen.contains(&text) {
                    self.warn(&pointer_join(pointer, "enum"), format!("value `{text}` is listed twice; kept once"));
                } else {
                    seen.insert(text.clone());
                    texts.push(text);
                    wires.push(value);
                }
            }
        }
        let per_value = self.lower_enum_values(schema, &texts, pointer)?;
        let unknown_variant = "UnknownValue".to_owned();
        let names = match repr {
            ir::EnumRepr::String => naming::variant_names(&texts, &unknown_variant),
            // Integer values have no words; name them after the number.
            ir::EnumRepr::Integer => {
                let spelled: Vec<String> = texts.iter().map(|t| format!("V{}", t.replace('-', "Minus"))).collect();
                naming::variant_names(&spelled, &unknown_variant)
            }
        };
        let variants = wires
            .into_iter()
            .zip(texts)
            .zip(names)
            .map(|((wire, text), name)| {
                let extensions::ValueDoc { description: docs, http_status, pattern, value_type } =
                    per_value.get(&text).cloned().unwrap_or_default();
                ir::Variant {
                    name,
                    wire,
                    docs,
                    http_status: http_status.map(|s| s.0),
                    pattern: pattern.map(|p| p.0),
                    value_type,
                }
            })
            .collect();
        Ok(ir::Enum { repr, variants, unknown_variant })
    }

    /// Reads `x-esign-values`: value -> { description, http-status, ... }.
    fn lower_enum_values(&self, schema: &Schema, texts: &[String], pointer: &str) -> Result<extensions::Values, Error> {
        let values: Option<extensions::Values> =
            self.read(&schema.schema_data.extensions, "x-esign-values", pointer)?;
        let values = values.unwrap_or_default();
        if let Some(value) = values.keys().find(|value| !texts.contains(value)) {
            let at = pointer_join(&pointer_join(pointer, "x-esign-values"), value);
            return Err(self.invalid(&at, format!("`{value}` is not one of the enum's values")));
        }
        Ok(values)
    }

    /// Reads the whole-object checks of a struct from its extensions.
    fn struct_checks(
        &self,
        fields: &[ir::Field],
        extensions: &indexmap::IndexMap<String, Value>,
        pointer: &str,
    ) -> Result<ir::StructChecks, Error> {
        let rust_name = |wire: &str, at: &str| -> Result<String, Error> {
            fields
                .iter()
                .find(|f| f.wire_name == wire)
                .map(|f| f.name.clone())
                .ok_or_else(|| self.invalid(at, format!("`{wire}` is not a property of this object")))
        };
        let mut checks = ir::StructChecks::default();
        let exactly_one_of: Option<extensions::ExactlyOneOf> =
            self.read(extensions, "x-esign-exactly-one-of", pointer)?;
        if let Some(names) = exactly_one_of {
            let at = pointer_join(pointer, "x-esign-exactly-one-of");
            checks.exactly_one_of.push(names.iter().map(|n| rust_name(n, &at)).collect::<Result<_, _>>()?);
        }
        let violations: Option<extensions::Violations> = self.read(extensions, "x-esign-violations", pointer)?;
        if let Some(codes) = violations {
            checks.codes = codes.into_iter().map(|(rule, code)| (rule.0, code)).collect();
        }
        let group_rules: Option<extensions::GroupRules> = self.read(extensions, "x-esign-group-rules", pointer)?;
        if let Some(rules) = group_rules {
            let at = pointer_join(pointer, "x-esign-group-rules");
            checks.group_rules = Some(ir::GroupRules {
                fields: rust_name(&rules.fields, &pointer_join(&at, "fields"))?,
                groups: rust_name(&rules.groups, &pointer_join(&at, "groups"))?,
                required_for: rules.required_for,
            });
        }
        let contrast: Option<extensions::Contrast> = self.read(extensions, "x-esign-contrast", pointer)?;
        if let Some(contrast) = contrast {
            let at = pointer_join(pointer, "x-esign-contrast");
            let fixed: Vec<(String, String)> = contrast.fixed.into_iter().collect();
            let inherit: Vec<(String, String)> = contrast.inherit.into_iter().collect();
            let pair_list: Vec<(String, Vec<String>)> = contrast.pairs.into_iter().collect();
            let known = |name: &str| fields.iter().any(|f| f.wire_name == name) || fixed.iter().any(|(f, _)| f == name);
            for (element, others) in &pair_list {
                for name in std::iter::once(element).chain(others) {
                    if !known(name) {
                        return Err(self.invalid(
                            &pointer_join(&at, "pairs"),
                            format!("`{name}` is neither a property nor fixed"),
                        ));
                    }
                }
            }
            let elements = fields
                .iter()
                .filter(|f| f.ty == ir::TypeRef::String)
                .map(|f| {
                    let default = f.default.as_ref().and_then(|d| serde_json::from_str::<String>(d).ok());
                    ir::ContrastElement { wire_name: f.wire_name.clone(), field: f.name.clone(), default }
                })
                .collect();
            checks.contrast =
                Some(Box::new(ir::Contrast { minimum: contrast.minimum, fixed, inherit, pairs: pair_list, elements }));
        }
        Ok(checks)
    }

    /// A multipart body: one part per property of its (object) schema. Its
    /// struct's name is claimed only once the body is known to be used.
    pub(super) fn lower_multipart<'s>(
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
        let json_members: Vec<(String, String)> = content
            .encoding
            .iter()
            .filter_map(|(wire, e)| e.content_type.as_ref().map(|ct| (wire.clone(), ct.clone())))
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
                            let ir::TypeRef::Named(name) = ty.clone() else {
                                return Err(
                                    self.unsupported(&here, "a spread multipart member that is not a named type")
                                );
                            };
                            let is_struct =
                                self.types.iter().any(|t| t.name == name && matches!(t.kind, ir::TypeKind::Struct(_)));
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
    fn part_kind<T: std::borrow::Borrow<Schema>>(
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
    fn single_part(
        &mut self,
        content: &openapiv3::MediaType,
        schema: &ReferenceOr<Schema>,
        type_name: String,
        style: ir::FormStyle,
        json_members: Vec<(String, String)>,
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

    /// `type A = B; type B = A;` cannot compile: report it.
    fn check_alias_cycles(&self) -> Result<(), Error> {
        let aliases: BTreeMap<&str, (&str, &str)> = self
            .types
            .iter()
            .filter_map(|t| match &t.kind {
                ir::TypeKind::Alias(ir::TypeRef::Named(target)) => {
                    Some((t.name.as_str(), (target.as_str(), t.pointer.as_str())))
                }
                _ => None,
            })
            .collect();
        for (start, (_, pointer)) in &aliases {
            let mut current = *start;
            for _ in 0..=aliases.len() {
                match aliases.get(current) {
                    Some((next, _)) if next == start => {
                        return Err(self.invalid(pointer, "circular $ref: this schema is defined only by itself"));
                    }
                    Some((next, _)) => current = next,
                    None => break,
                }
            }
        }
        Ok(())
    }
}

/// `pattern` of a string schema and `minItems`/`maxItems` of an array.
fn constraints(schema: &Schema) -> (Option<String>, (Option<usize>, Option<usize>)) {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => (s.pattern.clone(), (None, None)),
        SchemaKind::Type(Type::Array(a)) => (None, (a.min_items, a.max_items)),
        SchemaKind::Any(any) => (any.pattern.clone(), (any.min_items, any.max_items)),
        _ => (None, (None, None)),
    }
}

enum Merged<'s> {
    Object {
        props: Vec<Prop<'s>>,
        required: Vec<String>,
        additional: Option<&'s AdditionalProperties>,
    },
    /// The one part that decides, and its index.
    Single(usize, &'s ReferenceOr<Schema>),
    Json,
}

fn own_props<'s>(object: ObjectShape<'s>, pointer: &str) -> Vec<Prop<'s>> {
    let base = pointer_join(pointer, "properties");
    object
        .properties
        .iter()
        .map(|(wire, schema)| Prop { wire: wire.as_str(), schema, pointer: pointer_join(&base, wire) })
        .collect()
}

/// What merging an `allOf` gathers from its parts: the properties, the
/// required names, the last `additionalProperties`, and the references
/// above the part being read (to tell a cycle from a diamond).
#[derive(Default)]
struct Gathered<'s> {
    props: Vec<Prop<'s>>,
    required: Vec<String>,
    additional: Option<&'s AdditionalProperties>,
    visited: BTreeSet<String>,
}

impl<'s> Gathered<'s> {
    /// Adds an object's properties (each once: a schema reached along two
    /// branches gives the same ones again) and its required names.
    fn add(&mut self, found: Vec<Prop<'s>>, required: &[String]) {
        for prop in found {
            if !self.props.iter().any(|p| p.pointer == prop.pointer) {
                self.props.push(prop);
            }
        }
        self.required.extend(required.iter().cloned());
    }
}

/// What a tag value of a discriminated union leads to.
enum Target {
    /// A `$ref` to a component schema.
    Ref(String),
    /// An inline variant, already lowered.
    Lowered(ir::TypeRef),
}

/// A mapping target is a `$ref` or, by the spec's shorthand, a schema name.
fn mapping_ref(target: &str) -> String {
    if target.starts_with('#') || target.contains('/') {
        target.to_owned()
    } else {
        format!("{COMPONENT}{target}")
    }
}

/// The variant structs of a discriminated union lose their field for the
/// tag: the variant is the tag, and a second copy could say otherwise. (An
/// object the spec closes with `additionalProperties: false` keeps it.)
pub(super) fn strip_variant_tags(types: &mut [ir::TypeDef]) {
    let mut strip: Vec<(String, String)> = Vec::new();
    for def in types.iter() {
        if let ir::TypeKind::Tagged { tag, variants, .. } = &def.kind {
            for variant in variants {
                if let ir::TypeRef::Named(name) | ir::TypeRef::Boxed(name) = &variant.ty {
                    strip.push((name.clone(), tag.clone()));
                }
            }
        }
    }
    let mut stripped: Vec<(String, String)> = Vec::new();
    for (name, tag) in strip {
        let Some(def) = types.iter_mut().find(|t| t.name == name) else { continue };
        if let ir::TypeKind::Struct(s) = &mut def.kind {
            if !matches!(s.extra, ir::Extra::Deny(_)) && s.checks == ir::StructChecks::default() {
                s.fields.retain(|f| f.wire_name != tag);
                stripped.push((name, tag));
            }
        }
    }
    // Reading such a variant takes the tag out of the object first.
    for def in types.iter_mut() {
        if let ir::TypeKind::Tagged { tag, variants, .. } = &mut def.kind {
            for variant in variants.iter_mut() {
                if let ir::TypeRef::Named(name) | ir::TypeRef::Boxed(name) = &variant.ty {
                    variant.drops_tag = stripped.iter().any(|(n, t)| n == name && t == tag);
                }
            }
        }
    }
}

/// An alias that mentions itself through other aliases, inside a list or
/// map (`A = Vec<A>`, `A = Map<B>` with `B = Vec<A>`), cannot compile
/// (E0391): such aliases become newtypes.
fn newtype_alias_cycles(types: &mut [ir::TypeDef]) {
    fn mentions(ty: &ir::TypeRef, out: &mut Vec<String>) {
        match ty {
            ir::TypeRef::Named(n) | ir::TypeRef::Boxed(n) => out.push(n.clone()),
            ir::TypeRef::Vec(inner) | ir::TypeRef::Map(inner) => mentions(inner, out),
            _ => {}
        }
    }
    let aliases: BTreeMap<String, Vec<String>> = types
        .iter()
        .filter_map(|t| match &t.kind {
            ir::TypeKind::Alias(target) => {
                let mut out = Vec::new();
                mentions(target, &mut out);
                Some((t.name.clone(), out))
            }
            _ => None,
        })
        .collect();
    let in_cycle = |start: &String| -> bool {
        let mut stack: Vec<&String> = aliases.get(start).map(|v| v.iter().collect()).unwrap_or_default();
        let mut seen = BTreeSet::new();
        while let Some(next) = stack.pop() {
            if next == start {
                return true;
            }
            if seen.insert(next) {
                if let Some(more) = aliases.get(next) {
                    stack.extend(more.iter());
                }
            }
        }
        false
    };
    let cyclic: BTreeSet<String> = aliases.keys().filter(|name| in_cycle(name)).cloned().collect();
    for def in types.iter_mut() {
        if cyclic.contains(&def.name) {
            if let ir::TypeKind::Alias(target) = &def.kind {
                def.kind = ir::TypeKind::Newtype(target.clone());
            }
        }
    }
}

/// Boxes every by-value reference that closes a cycle, so recursive types
/// have a size.
fn box_cycles(types: &mut [ir::TypeDef]) {
    let index: BTreeMap<String, usize> = types.iter().enumerate().map(|(i, t)| (t.name.clone(), i)).collect();
    let edges: Vec<Vec<usize>> = types
        .iter()
        .map(|t| {
            let mut out = Vec::new();
            for_each_by_value(&t.kind, |name| {
                if let Some(&j) = index.get(name) {
                    out.push(j);
                }
            });
            out
        })
        .collect();
    let reaches = |from: usize, to: usize| -> bool {
        let mut stack = vec![from];
        let mut seen = vec![false; edges.len()];
        while let Some(n) = stack.pop() {
            if n == to {
                return true;
            }
            if std::mem::replace(&mut seen[n], true) {
                continue;
            }
            stack.extend(edges[n].iter().copied());
        }
        false
    };
    let mut to_box: Vec<(usize, String)> = Vec::new();
    for (i, t) in types.iter().enumerate() {
        for_each_by_value(&t.kind, |name| {
            if let Some(&j) = index.get(name) {
                if reaches(j, i) {
                    to_box.push((i, name.to_owned()));
                }
            }
        });
    }
    for (i, name) in to_box {
        let boxed = |ty: &mut ir::TypeRef| {
            if *ty == ir::TypeRef::Named(name.clone()) {
                *ty = ir::TypeRef::Boxed(name.clone());
            }
        };
        match &mut types[i].kind {
            ir::TypeKind::Struct(s) => s.fields.iter_mut().for_each(|f| boxed(&mut f.ty)),
            ir::TypeKind::Untagged(variants) => variants.iter_mut().for_each(|v| boxed(&mut v.ty)),
            ir::TypeKind::Tagged { variants, .. } => variants.iter_mut().for_each(|v| boxed(&mut v.ty)),
            ir::TypeKind::Alias(ty) | ir::TypeKind::Newtype(ty) => boxed(ty),
            ir::TypeKind::Enum(_) => {}
        }
    }
}

/// Calls `f` with every type a kind holds by value (not behind Vec or Map).
fn for_each_by_value(kind: &ir::TypeKind, mut f: impl FnMut(&str)) {
    let mut direct = |ty: &ir::TypeRef| {
        if let ir::TypeRef::Named(name) = ty {
            f(name);
        }
    };
    match kind {
        ir::TypeKind::Struct(s) => s.fields.iter().for_each(|field| direct(&field.ty)),
        ir::TypeKind::Untagged(variants) => variants.iter().for_each(|v| direct(&v.ty)),
        ir::TypeKind::Tagged { variants, .. } => variants.iter().for_each(|v| direct(&v.ty)),
        ir::TypeKind::Alias(ty) | ir::TypeKind::Newtype(ty) => direct(ty),
        ir::TypeKind::Enum(_) => {}
    }
}

/// What makes two inline schemas the same type: their JSON less the
/// annotations that only document them. `None` if it cannot be written
/// (then the schema is not shared).
fn inline_key(schema: &Schema) -> Option<String> {
    let mut value = serde_json::to_value(schema).ok()?;
    if let serde_json::Value::Object(fields) = &mut value {
        for annotation in ["description", "title", "example", "examples", "externalDocs"] {
            fields.shift_remove(annotation);
        }
    }
    Some(value.to_string())
}
