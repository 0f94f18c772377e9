//! `oneOf`/`anyOf` -> unions: untagged ones tried in order, and tagged ones
//! from a `discriminator` (its mapping, or the schemas extending a base).

use super::*;

impl<'a> Lowerer<'a> {
    pub(in crate::lower) fn untagged(
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
                ir::TypeRef::Named(id) | ir::TypeRef::Boxed(id) => self.type_name(*id).to_owned(),
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

    pub(in crate::lower) fn tagged_from_union(
        &mut self,
        name: &str,
        id: Option<ir::TypeId>,
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
        self.tagged(id, tag, entries, pointer)
    }

    /// The entries of a discriminator's mapping, without extension keys
    /// (`x-...`, which some tools write there), each left out with a warning.
    pub(in crate::lower) fn mapping_entries(
        &mut self,
        discriminator: &openapiv3::Discriminator,
        pointer: &str,
    ) -> Vec<(String, Target)> {
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
    pub(in crate::lower) fn single_tag_value(&self, schema: &Schema, tag: &str, pointer: &str) -> Option<String> {
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

    pub(in crate::lower) fn tagged_from_subtypes(
        &mut self,
        id: Option<ir::TypeId>,
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
        self.tagged(id, &discriminator.property_name, entries, pointer)
    }

    /// A tagged union; `id` is its own id, when a tag value can name it.
    pub(in crate::lower) fn tagged(
        &mut self,
        id: Option<ir::TypeId>,
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
            if id.is_some_and(|id| ty == ir::TypeRef::Named(id)) {
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
        Ok(ir::TypeKind::Tagged { tag: tag.to_owned(), variants, unknown_variant, metered: false })
    }
}

/// What a tag value of a discriminated union leads to.
pub(in crate::lower) enum Target {
    /// A `$ref` to a component schema.
    Ref(String),
    /// An inline variant, already lowered.
    Lowered(ir::TypeRef),
}

/// A mapping target is a `$ref` or, by the spec's shorthand, a schema name.
pub(in crate::lower) fn mapping_ref(target: &str) -> String {
    if target.starts_with('#') || target.contains('/') {
        target.to_owned()
    } else {
        format!("{COMPONENT}{target}")
    }
}

/// The variant structs of a discriminated union lose their field for the
/// tag: the variant is the tag, and a second copy could say otherwise. (An
/// object the spec closes with `additionalProperties: false` keeps it.)
pub(in crate::lower) fn strip_variant_tags(types: &mut [ir::TypeDef]) {
    let mut strip: Vec<(ir::TypeId, String)> = Vec::new();
    for def in types.iter() {
        if let ir::TypeKind::Tagged { tag, variants, .. } = &def.kind {
            for variant in variants {
                if let ir::TypeRef::Named(id) | ir::TypeRef::Boxed(id) = &variant.ty {
                    strip.push((*id, tag.clone()));
                }
            }
        }
    }
    let mut stripped: Vec<(ir::TypeId, String)> = Vec::new();
    for (id, tag) in strip {
        if let ir::TypeKind::Struct(s) = &mut types[id.index()].kind {
            if !matches!(s.extra, ir::Extra::Deny(_)) && s.checks == ir::StructChecks::default() {
                s.fields.retain(|f| f.wire_name != tag);
                stripped.push((id, tag));
            }
        }
    }
    // Reading such a variant takes the tag out of the object first.
    for def in types.iter_mut() {
        if let ir::TypeKind::Tagged { tag, variants, .. } = &mut def.kind {
            for variant in variants.iter_mut() {
                if let ir::TypeRef::Named(id) | ir::TypeRef::Boxed(id) = &variant.ty {
                    variant.drops_tag = stripped.iter().any(|(i, t)| i == id && t == tag);
                }
            }
        }
    }
}
