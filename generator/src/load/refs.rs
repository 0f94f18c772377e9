//! Schema references the model cannot hold as they are, made into ones it
//! can, each with a warning where something is given up:
//!
//! - a `$ref` to a schema that sits below a component schema
//!   (`#/components/schemas/Disk/properties/filesystem`) or anywhere else in
//!   the document (a response's `schema`): the schema there becomes a
//!   component of its own (`DiskFilesystem`), once per target, and every
//!   reference to it points there;
//! - a `$ref` that resolves to nothing, or to something that is not a
//!   schema (a parameter, a response): read as any JSON value, with a
//!   warning naming the reference as the file writes it.
//!
//! Lowering then sees only references to `#/components/schemas/<name>`.

use super::walk::schemas_mut;
use super::Origins;
use crate::error::{escape_pointer_token as escape, pointer_join, unescape_pointer_token as unescape};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

const COMPONENTS: &str = "/components/schemas";

/// Keywords that lead from a schema to a schema below it, left out of the
/// name of a component made from a schema inside another.
const STRUCTURAL: &[&str] = &[
    "properties",
    "items",
    "additionalProperties",
    "allOf",
    "oneOf",
    "anyOf",
    "not",
    "schema",
    "content",
    "patternProperties",
];

/// Rewrites the schema references of `raw` (a converted document) as the
/// module docs say; `notes` gets (source pointer, message) warnings.
pub fn schema_refs(raw: &mut Value, origins: &mut Origins, swagger2: bool, notes: &mut Vec<(String, String)>) {
    // How the file writes the place component schemas are in.
    let home = if swagger2 { "/definitions" } else { COMPONENTS };
    let mut hoisted: BTreeMap<String, String> = BTreeMap::new();
    // Hoisted schemas may hold such references too: a few rounds settle them.
    for _ in 0..8 {
        let mut found: Vec<(String, String)> = Vec::new();
        schemas_mut(raw, &mut |schema, pointer| {
            if let Some(Value::String(reference)) = schema.get("$ref") {
                found.push((pointer.to_owned(), reference.clone()));
            }
        });
        let mut changed = false;
        for (holder, reference) in found {
            let Some(fragment) = reference.strip_prefix('#') else { continue }; // external: lowering says so
            let written = decode(fragment);
            // Below a schema already made a component: look there.
            let target = moved(&hoisted, &written);
            if let Some(name) = component_name(raw, &target) {
                // Lowering knows components by `#/components/schemas/` and
                // the name as it is: write the reference that way.
                let plain = format!("#{COMPONENTS}/{name}");
                if plain != reference {
                    if let Some(Value::Object(holder)) = raw.pointer_mut(&holder) {
                        holder.insert("$ref".to_owned(), Value::String(plain));
                        changed = true;
                    }
                }
                continue;
            }
            let shown = || match written.strip_prefix(COMPONENTS) {
                Some(rest) => format!("#{home}{rest}"),
                None => format!("#{}", origins.source(&written)),
            };
            let resolved = raw.pointer(&target).cloned();
            let replacement = match resolved {
                // (A place only a schema goes, holding something that is
                // not one, is not a schema either.)
                Some(value) if is_schema_at(&target, &value) && super::check_schema(&value, &target, 0).is_ok() => {
                    let name = match hoisted.get(&target) {
                        Some(name) => name.clone(),
                        None => {
                            // The schema moves to the new component, and
                            // where it was now refers to it: one type.
                            let name = free_name(raw, &target);
                            components(raw).insert(name.clone(), value);
                            set_ref(raw, &target, &name);
                            // Errors inside it point where it is in the file.
                            let source = origins.source(&target);
                            origins.add(format!("{COMPONENTS}/{}", escape(&name)), source);
                            hoisted.insert(target.clone(), name.clone());
                            name
                        }
                    };
                    Value::String(format!("#{COMPONENTS}/{name}"))
                }
                Some(_) => {
                    notes.push((
                        origins.source(&pointer_join(&holder, "$ref")),
                        format!("`{}` is not a schema; read as any JSON value", shown()),
                    ));
                    Value::Null
                }
                None => {
                    notes.push((
                        origins.source(&pointer_join(&holder, "$ref")),
                        format!("`{}` does not resolve; read as any JSON value", shown()),
                    ));
                    Value::Null
                }
            };
            let Some(Value::Object(holder)) = raw.pointer_mut(&holder) else { continue };
            if replacement.is_null() {
                holder.shift_remove("$ref");
            } else {
                holder.insert("$ref".to_owned(), replacement);
            }
            changed = true;
        }
        if !changed {
            break;
        }
    }
}

/// `target` with the longest prefix that was made a component replaced by
/// that component's pointer.
fn moved(hoisted: &BTreeMap<String, String>, target: &str) -> String {
    let mut prefix = target;
    loop {
        if let Some(name) = hoisted.get(prefix) {
            return format!("{COMPONENTS}/{}{}", escape(name), &target[prefix.len()..]);
        }
        match prefix.rfind('/') {
            Some(i) if i > 0 => prefix = &prefix[..i],
            _ => return target.to_owned(),
        }
    }
}

/// Makes the schema at `at` a reference to the component `name`.
fn set_ref(raw: &mut Value, at: &str, name: &str) {
    if let Some(slot) = raw.pointer_mut(at) {
        let mut holder = Map::new();
        holder.insert("$ref".to_owned(), Value::String(format!("#{COMPONENTS}/{name}")));
        *slot = Value::Object(holder);
    }
}

/// The name of the component schema `target` points at, when it is one
/// (`/components/schemas/<name>`) and exists.
fn component_name(raw: &Value, target: &str) -> Option<String> {
    let name = target.strip_prefix(COMPONENTS)?.strip_prefix('/')?;
    (!name.contains('/') && raw.pointer(target).is_some()).then(|| unescape(name))
}

/// Whether the value at `target` is a schema: one below a component
/// schema, or at a key only a schema sits under.
fn is_schema_at(target: &str, value: &Value) -> bool {
    if !(value.is_object() || value.is_boolean()) {
        return false;
    }
    if target.starts_with(&format!("{COMPONENTS}/")) {
        return true;
    }
    let mut tokens = target.rsplit('/');
    let last = tokens.next().unwrap_or_default();
    let parent = tokens.next().unwrap_or_default();
    matches!(last, "schema" | "items" | "additionalProperties" | "not")
        || matches!(parent, "properties" | "patternProperties" | "allOf" | "oneOf" | "anyOf")
}

/// The document's `components/schemas`, made if missing.
fn components(raw: &mut Value) -> &mut Map<String, Value> {
    let root = raw.as_object_mut().expect("the document is a mapping");
    let components = root.entry("components").or_insert_with(|| Value::Object(Map::new()));
    if !components.is_object() {
        *components = Value::Object(Map::new());
    }
    let schemas = components.as_object_mut().expect("made an object above");
    let schemas = schemas.entry("schemas").or_insert_with(|| Value::Object(Map::new()));
    if !schemas.is_object() {
        *schemas = Value::Object(Map::new());
    }
    schemas.as_object_mut().expect("made an object above")
}

/// A component name for the schema at `target`, from its path without the
/// keywords between schemas, not yet taken.
fn free_name(raw: &Value, target: &str) -> String {
    let path = target.strip_prefix(COMPONENTS).unwrap_or(target);
    let words: Vec<String> = path
        .split('/')
        .map(unescape)
        .filter(|t| !t.is_empty() && !STRUCTURAL.contains(&t.as_str()) && t != "paths" && t != "components")
        .map(|t| t.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect())
        .collect();
    let base = if words.is_empty() { "Schema".to_owned() } else { words.join("_") };
    let taken = |name: &str| raw.pointer(&format!("{COMPONENTS}/{}", escape(name))).is_some();
    let mut name = base.clone();
    let mut n = 2;
    while taken(&name) {
        name = format!("{base}_{n}");
        n += 1;
    }
    name
}

/// A URI fragment as a JSON pointer: percent-decoded.
fn decode(fragment: &str) -> String {
    percent_encoding::percent_decode_str(fragment).decode_utf8_lossy().into_owned()
}

/// The other references (to a response, a parameter, a header, a request
/// body, a callback) that point anywhere but at a component of their kind
/// (`#/paths/~1a/get/responses/401`, a callback given as a `$ref`, which
/// the model has no place for): replaced by a copy of what they point at.
/// Those that resolve to nothing are left for lowering, which names them.
pub fn other_refs(raw: &mut Value) {
    for _ in 0..8 {
        let mut found: Vec<(String, String)> = Vec::new();
        non_schema_refs(raw, "", 0, &mut found);
        let mut changed = false;
        for (holder, target) in found {
            let Some(copy) = raw.pointer(&target).filter(|v| v.is_object()).cloned() else { continue };
            if let Some(slot) = raw.pointer_mut(&holder) {
                *slot = copy;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
}

/// (holder pointer, target pointer) of every reference outside schemas
/// that is not to a component of its own kind.
fn non_schema_refs(value: &Value, pointer: &str, depth: usize, found: &mut Vec<(String, String)>) {
    if depth > 64 {
        return;
    }
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get("$ref") {
                if let Some(fragment) = reference.strip_prefix('#') {
                    let target = decode(fragment);
                    let tokens: Vec<&str> = target.split('/').collect();
                    // `/components/<kind>/<name>`: lowering resolves those,
                    // except callbacks, which the model cannot reference.
                    let component = tokens.len() == 4 && tokens[1] == "components" && tokens[2] != "callbacks";
                    if !component && target != pointer {
                        found.push((pointer.to_owned(), target));
                    }
                }
                return;
            }
            for (key, child) in map {
                let here = pointer_join(pointer, key);
                let skipped = key.starts_with("x-") && here != "/x-webhooks"
                    || matches!(key.as_str(), "example" | "examples" | "schema")
                    || here == "/components/schemas"
                    || here == "/definitions";
                if !skipped {
                    non_schema_refs(child, &here, depth + 1, found);
                }
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                non_schema_refs(child, &pointer_join(pointer, &i.to_string()), depth + 1, found);
            }
        }
        _ => {}
    }
}
