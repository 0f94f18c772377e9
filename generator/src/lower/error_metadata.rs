//! Where each error body keeps the API's error code and its message: the
//! `runtime::ErrorMetadata` impl of every named type that is some
//! operation's error body, which `runtime::Error`'s `Display` prints.
//!
//! No spec extension says which fields these are, so one rule decides it,
//! on the schema, here (emit only prints the decision):
//!
//! - The error bodies are the named types of the operations' error bodies,
//!   followed through aliases and into list items.
//! - In each, the objects looked at are the struct itself, then (in spec
//!   order) each of its fields that holds a struct, or a list of structs (its
//!   first item). The first of those with a code field or a message field
//!   gives both; no deeper object is looked at.
//! - A code field is a string or string-enum field whose wire name is one of
//!   [`CODE_NAMES`], the first listed that is present; a message field is a
//!   string field named one of [`MESSAGE_NAMES`], likewise.
//!
//! A body where nothing matches gets an impl with neither; its errors'
//! `Display` falls back to the runtime's generic reading of the raw body.

use std::collections::BTreeSet;

use crate::ir::{self, EnumRepr, TypeKind, TypeRef};

/// Wire names of a code field, most specific first.
pub(crate) const CODE_NAMES: &[&str] = &["code", "error_code", "error_name", "error_type", "error"];

/// Wire names of a message field, most specific first.
pub(crate) const MESSAGE_NAMES: &[&str] =
    &["message", "error_message", "error_msg", "msg", "detail", "error_description", "description", "reason"];

/// How far aliases are followed (an alias of an alias ...).
const ALIAS_DEPTH: usize = 16;

/// Sets [`ir::TypeDef::error_metadata`] on every named type that is an
/// operation's error body.
pub(super) fn decide(api: &mut ir::Api) {
    let mut bodies = BTreeSet::new();
    for op in &api.operations {
        error_bodies(&op.error.ty, &api.types, ALIAS_DEPTH, &mut bodies);
    }
    let decided: Vec<(usize, ir::ErrorMetadata)> = api
        .types
        .iter()
        .enumerate()
        .filter(|(i, _)| bodies.contains(&ir::TypeId::at(*i)))
        .map(|(i, def)| (i, metadata_of(def, &api.types)))
        .collect();
    for (i, metadata) in decided {
        api.types[i].error_metadata = Some(metadata);
    }
}

/// The named types (not aliases) an error body of type `ty` needs an impl for.
fn error_bodies(ty: &TypeRef, types: &[ir::TypeDef], depth: usize, out: &mut BTreeSet<ir::TypeId>) {
    match ty {
        TypeRef::Named(name) | TypeRef::Boxed(name) => match find(types, name) {
            Some(ir::TypeDef { kind: TypeKind::Alias(target), .. }) if depth > 0 => {
                error_bodies(target, types, depth - 1, out)
            }
            Some(_) => {
                out.insert(*name);
            }
            None => {}
        },
        TypeRef::Vec(inner) => error_bodies(inner, types, depth, out),
        _ => {}
    }
}

fn find<'a>(types: &'a [ir::TypeDef], id: &ir::TypeId) -> Option<&'a ir::TypeDef> {
    types.get(id.index())
}

/// The type `ty` names, aliases followed.
fn resolve<'a>(ty: &'a TypeRef, types: &'a [ir::TypeDef]) -> &'a TypeRef {
    let mut ty = ty;
    for _ in 0..ALIAS_DEPTH {
        match ty {
            TypeRef::Named(name) | TypeRef::Boxed(name) => match find(types, name) {
                Some(ir::TypeDef { kind: TypeKind::Alias(target), .. }) => ty = target,
                _ => return ty,
            },
            _ => return ty,
        }
    }
    ty
}

/// The struct `ty` names, if it names one.
fn struct_of<'a>(ty: &'a TypeRef, types: &'a [ir::TypeDef]) -> Option<&'a ir::Struct> {
    match resolve(ty, types) {
        TypeRef::Named(name) | TypeRef::Boxed(name) => match find(types, name) {
            Some(ir::TypeDef { kind: TypeKind::Struct(s), .. }) => Some(s),
            _ => None,
        },
        _ => None,
    }
}

/// The decision for one error body.
fn metadata_of(def: &ir::TypeDef, types: &[ir::TypeDef]) -> ir::ErrorMetadata {
    let TypeKind::Struct(root) = &def.kind else { return ir::ErrorMetadata::default() };
    let mut objects: Vec<(Option<ir::FieldStep>, &ir::Struct)> = vec![(None, root)];
    for field in &root.fields {
        let optional = !field.required || field.nullable;
        if let Some(inner) = struct_of(&field.ty, types) {
            objects.push((Some(ir::FieldStep { field: field.name.clone(), optional, first_item: false }), inner));
        } else if let TypeRef::Vec(item) = resolve(&field.ty, types) {
            if let Some(inner) = struct_of(item, types) {
                objects.push((Some(ir::FieldStep { field: field.name.clone(), optional, first_item: true }), inner));
            }
        }
    }
    for (step, object) in objects {
        let code = pick(object, CODE_NAMES, |ty| is_text(ty, types, true));
        let message = pick(object, MESSAGE_NAMES, |ty| is_text(ty, types, false));
        if code.is_none() && message.is_none() {
            continue;
        }
        let path = |leaf: ir::FieldStep, is_enum: bool| ir::FieldPath {
            steps: step.iter().cloned().chain(std::iter::once(leaf)).collect(),
            enum_leaf: is_enum,
        };
        return ir::ErrorMetadata {
            code: code.map(|(leaf, is_enum)| path(leaf, is_enum)),
            message: message.map(|(leaf, is_enum)| path(leaf, is_enum)),
        };
    }
    ir::ErrorMetadata::default()
}

/// The first field of `object` named in `names` (in their order) whose type
/// passes `fits`, as the last step of a path, and whether it is an enum.
fn pick(object: &ir::Struct, names: &[&str], fits: impl Fn(&TypeRef) -> Option<bool>) -> Option<(ir::FieldStep, bool)> {
    names.iter().find_map(|name| {
        let field = object.fields.iter().find(|f| f.wire_name == *name)?;
        let is_enum = fits(&field.ty)?;
        let optional = !field.required || field.nullable;
        Some((ir::FieldStep { field: field.name.clone(), optional, first_item: false }, is_enum))
    })
}

/// Whether `ty` is text: `Some(false)` for a string, `Some(true)` for a
/// string enum when `enums` allows it, `None` otherwise.
fn is_text(ty: &TypeRef, types: &[ir::TypeDef], enums: bool) -> Option<bool> {
    match resolve(ty, types) {
        TypeRef::String => Some(false),
        TypeRef::Named(name) | TypeRef::Boxed(name) if enums => match find(types, name) {
            Some(ir::TypeDef { kind: TypeKind::Enum(e), .. }) if e.repr == EnumRepr::String => Some(true),
            _ => None,
        },
        _ => None,
    }
}
