//! `allOf`: merging the parts of a composed schema into one object's
//! properties, required names and `additionalProperties`.

use super::*;

impl<'a> Lowerer<'a> {
    /// Whether an `allOf` part is a reference to a discriminator base.
    pub(in crate::lower) fn extends_base(&self, part: &ReferenceOr<Schema>, pointer: &str) -> bool {
        match part {
            ReferenceOr::Reference { reference } => {
                self.resolve_schema(reference, pointer).is_ok_and(|(s, _)| s.schema_data.discriminator.is_some())
            }
            ReferenceOr::Item(_) => false,
        }
    }

    pub(in crate::lower) fn merge_all_of<'s>(
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
    pub(in crate::lower) fn gather<'s>(
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
    pub(in crate::lower) fn gather_schema<'s>(
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
}

pub(in crate::lower) enum Merged<'s> {
    Object {
        props: Vec<Prop<'s>>,
        required: Vec<String>,
        additional: Option<&'s AdditionalProperties>,
    },
    /// The one part that decides, and its index.
    Single(usize, &'s ReferenceOr<Schema>),
    Json,
}

pub(in crate::lower) fn own_props<'s>(object: ObjectShape<'s>, pointer: &str) -> Vec<Prop<'s>> {
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
pub(in crate::lower) struct Gathered<'s> {
    props: Vec<Prop<'s>>,
    required: Vec<String>,
    additional: Option<&'s AdditionalProperties>,
    visited: BTreeSet<String>,
}

impl<'s> Gathered<'s> {
    /// Adds an object's properties (each once: a schema reached along two
    /// branches gives the same ones again) and its required names.
    pub(in crate::lower) fn add(&mut self, found: Vec<Prop<'s>>, required: &[String]) {
        for prop in found {
            if !self.props.iter().any(|p| p.pointer == prop.pointer) {
                self.props.push(prop);
            }
        }
        self.required.extend(required.iter().cloned());
    }
}
