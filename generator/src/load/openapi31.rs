//! OpenAPI 3.1 -> OpenAPI 3.0, on the raw tree, in place.
//!
//! 3.1 schemas are JSON Schema 2020-12; the model lowering reads is 3.0's
//! dialect. Most conversions keep every node where it was (`type: [string,
//! 'null']` becomes `type: string` plus `nullable: true` at the same
//! pointer); the few that move nodes record it in [`Origins`]. What has no
//! 3.0 reading is a located warning.

use super::{walk, Origins};
use crate::error::{pointer_join, pointer_path};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

type Notes = Vec<(String, String)>;
type Fail = (String, String);

const DEFAULT_DIALECT: &str = "https://spec.openapis.org/oas/3.1/dialect/base";

/// Keywords only one type uses, moved with that type's branch when a
/// `type` list becomes `anyOf`.
const FOR_TYPE: &[(&str, &[&str])] = &[
    ("string", &["format", "pattern", "minLength", "maxLength", "enum"]),
    ("integer", &["format", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "enum"]),
    ("number", &["format", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "enum"]),
    ("array", &["items", "prefixItems", "minItems", "maxItems", "uniqueItems"]),
    ("object", &["properties", "required", "additionalProperties", "minProperties", "maxProperties"]),
];

/// Keywords the generator does not read, each a warning where it appears.
const NOT_READ: &[&str] =
    &["if", "then", "else", "dependentSchemas", "unevaluatedProperties", "unevaluatedItems", "$dynamicRef", "contains"];

/// Converts an OpenAPI 3.1 document in place.
pub fn convert(raw: &mut Value, origins: &mut Origins, notes: &mut Notes) -> Result<(), Fail> {
    let Value::Object(top) = raw else { return Ok(()) };
    top.insert("openapi".into(), json!("3.0.3"));
    if let Some(dialect) = top.shift_remove("jsonSchemaDialect") {
        if dialect.as_str() != Some(DEFAULT_DIALECT) {
            notes.push((
                "/jsonSchemaDialect".to_owned(),
                format!("schemas are read as OpenAPI 3.1's JSON Schema dialect, not {dialect}"),
            ));
        }
    }
    if !top.contains_key("paths") {
        top.insert("paths".into(), json!({}));
    }
    inline_path_items(top, origins, notes)?;

    // $defs are hoisted into components/schemas, so `$ref`s can name them.
    let mut hoisted: Vec<(String, Map<String, Value>)> = Vec::new();
    let mut moves: Vec<(String, String)> = Vec::new();
    walk::schemas_mut(raw, &mut |schema, pointer| {
        schema_fixes(schema, pointer, &mut moves, notes);
        if let Value::Object(map) = schema {
            if let Some(Value::Object(defs)) = map.shift_remove("$defs") {
                hoisted.push((pointer.to_owned(), defs));
            }
        }
    });
    let mut renames: BTreeMap<String, String> = BTreeMap::new();
    let mut rounds = 0;
    while !hoisted.is_empty() && rounds < 16 {
        rounds += 1;
        let Some(Value::Object(top)) = Some(&mut *raw) else { break };
        let components = top.entry("components").or_insert_with(|| json!({}));
        if !components.is_object() {
            break;
        }
        let schemas = components.as_object_mut().and_then(|c| {
            c.entry("schemas").or_insert_with(|| json!({}));
            c.get_mut("schemas").and_then(Value::as_object_mut)
        });
        let Some(schemas) = schemas else { break };
        let mut added = Vec::new();
        for (owner, defs) in std::mem::take(&mut hoisted) {
            let owner_name = owner.rsplit('/').next().unwrap_or("").to_owned();
            for (name, def) in defs {
                let mut key = name.clone();
                let mut n = 1;
                while schemas.contains_key(&key) {
                    key = if n == 1 { format!("{owner_name}_{name}") } else { format!("{owner_name}_{name}_{n}") };
                    n += 1;
                }
                let from = pointer_join(&pointer_join(&owner, "$defs"), &name);
                let to = pointer_join("/components/schemas", &key);
                moves.push((to.clone(), from.clone()));
                renames.insert(format!("#{from}"), format!("#{to}"));
                schemas.insert(key, def);
                added.push(to);
            }
        }
        for to in added {
            if let Some(def) = raw.pointer_mut(&to) {
                let mut inner = Vec::new();
                walk_one(def, &to, &mut |schema, pointer| {
                    schema_fixes(schema, pointer, &mut moves, notes);
                    if let Value::Object(map) = schema {
                        if let Some(Value::Object(defs)) = map.shift_remove("$defs") {
                            inner.push((pointer.to_owned(), defs));
                        }
                    }
                });
                hoisted.extend(inner);
            }
        }
    }
    if !renames.is_empty() {
        rename_refs(raw, &renames);
    }
    for (to, from) in moves {
        let source = origins.source(&from);
        origins.add(to, source);
    }
    Ok(())
}

fn walk_one(value: &mut Value, pointer: &str, f: &mut dyn FnMut(&mut Value, &str)) {
    // The walker finds schemas under `schema` keys: wrap to reuse it.
    let mut wrapper = json!({ "schema": std::mem::take(value) });
    let mut shifted = |schema: &mut Value, at: &str| {
        let rest = at.strip_prefix("/schema").unwrap_or(at);
        f(schema, &format!("{pointer}{rest}"));
    };
    walk::schemas_mut(&mut wrapper, &mut shifted);
    if let Some(inner) = wrapper.as_object_mut().and_then(|m| m.shift_remove("schema")) {
        *value = inner;
    }
}

/// `$ref: '#/components/pathItems/X'` under `paths` and `webhooks`: the
/// path item itself (3.0 has no reusable path items).
fn inline_path_items(top: &mut Map<String, Value>, origins: &mut Origins, notes: &mut Notes) -> Result<(), Fail> {
    let items = top.get_mut("components").and_then(Value::as_object_mut).and_then(|c| c.shift_remove("pathItems"));
    let items = match items {
        Some(Value::Object(items)) => items,
        Some(_) => return Err(("/components/pathItems".to_owned(), "expected a mapping of path items".to_owned())),
        None => Map::new(),
    };
    for key in ["paths", "webhooks"] {
        let Some(Value::Object(entries)) = top.get_mut(key) else { continue };
        for (name, entry) in entries.iter_mut() {
            let Some(reference) = entry.get("$ref").and_then(Value::as_str).map(str::to_owned) else { continue };
            let at = pointer_join(&pointer_join("", key), name);
            let Some(target) = reference.strip_prefix("#/components/pathItems/") else { continue };
            let target = crate::error::unescape_pointer_token(target);
            let Some(Value::Object(found)) = items.get(&target) else {
                return Err((
                    pointer_join(&at, "$ref"),
                    format!("`{reference}` does not resolve; expected a path item under #/components/pathItems"),
                ));
            };
            let mut merged = found.clone();
            if let Value::Object(siblings) = entry {
                for (k, v) in siblings.iter() {
                    if k != "$ref" {
                        merged.insert(k.clone(), v.clone());
                    }
                }
            }
            if merged.contains_key("$ref") {
                notes.push((
                    pointer_join(&at, "$ref"),
                    "a path item that refers on to another is not followed".to_owned(),
                ));
                merged.shift_remove("$ref");
            }
            *entry = Value::Object(merged);
            origins.add(at, pointer_join("/components/pathItems", &target));
        }
    }
    Ok(())
}

/// One schema, 3.1 -> 3.0. `moves` records nodes that changed place
/// (converted pointer, pointer before).
fn schema_fixes(schema: &mut Value, pointer: &str, moves: &mut Vec<(String, String)>, notes: &mut Notes) {
    // Boolean schemas: `true` is anything, `false` nothing.
    if let Value::Bool(b) = schema {
        *schema = if *b { json!({}) } else { json!({ "not": {} }) };
        return;
    }
    let Value::Object(map) = schema else { return };
    for key in ["$schema", "$id", "$anchor", "$comment", "$dynamicAnchor"] {
        map.shift_remove(key);
    }
    for key in NOT_READ {
        if map.contains_key(*key) {
            notes.push((pointer_join(pointer, key), format!("`{key}` is not read; values are not checked against it")));
        }
    }
    // `$ref` beside other keywords: keep the reference, take the rest.
    if map.contains_key("$ref") && map.len() > 1 {
        let reference = map.shift_remove("$ref").unwrap_or(Value::Null);
        map.insert("allOf".into(), json!([{ "$ref": reference }]));
        moves.push((pointer_path(pointer, "allOf/0"), pointer.to_owned()));
    }
    if let Some(value) = map.shift_remove("const") {
        if value.is_null() {
            map.insert("nullable".into(), json!(true));
        }
        map.entry("enum").or_insert_with(|| json!([value]));
    }
    if let Some(examples) = map.shift_remove("examples") {
        if let Some(first) = examples.as_array().and_then(|e| e.first()) {
            map.entry("example").or_insert_with(|| first.clone());
        }
    }
    for (exclusive, bound) in [("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")] {
        if let Some(Value::Number(n)) = map.get(exclusive).cloned() {
            map.insert(bound.into(), Value::Number(n));
            map.insert(exclusive.into(), json!(true));
        }
    }
    if (map.contains_key("contentMediaType") || map.contains_key("contentEncoding")) && !map.contains_key("format") {
        map.insert("format".into(), json!("binary"));
        if !map.contains_key("type") {
            map.insert("type".into(), json!("string"));
        }
    }
    map.shift_remove("contentMediaType");
    map.shift_remove("contentEncoding");
    map.shift_remove("contentSchema");
    if let Some(patterns) = map.shift_remove("patternProperties") {
        if let (Value::Object(patterns), false) = (patterns, map.contains_key("additionalProperties")) {
            if let Some((pattern, value)) = patterns.into_iter().next() {
                notes.push((
                    pointer_join(pointer, "patternProperties"),
                    format!(
                        "`patternProperties` read as `additionalProperties` (the pattern `{pattern}` is not checked)"
                    ),
                ));
                moves.push((
                    pointer_join(pointer, "additionalProperties"),
                    pointer_join(&pointer_join(pointer, "patternProperties"), &pattern),
                ));
                map.insert("additionalProperties".into(), value);
            }
        }
    }
    if let Some(Value::Array(prefix)) = map.shift_remove("prefixItems") {
        let mut branches = prefix;
        let rest = map.shift_remove("items").filter(|items| items.is_object());
        let had_rest = rest.is_some();
        branches.extend(rest);
        branches.dedup();
        let items = if branches.len() == 1 { branches.remove(0) } else { json!({ "anyOf": branches }) };
        notes.push((
            pointer_join(pointer, "prefixItems"),
            "`prefixItems` (a tuple) read as an array whose items are any of its item schemas".to_owned(),
        ));
        if items.get("anyOf").is_some() {
            moves.push((pointer_path(pointer, "items/anyOf"), pointer_join(pointer, "prefixItems")));
        } else if !had_rest {
            moves.push((pointer_join(pointer, "items"), pointer_path(pointer, "prefixItems/0")));
        }
        map.insert("items".into(), items);
        map.entry("type").or_insert_with(|| json!("array"));
    }
    // `type: [X, 'null']`.
    if let Some(Value::Array(types)) = map.get("type").cloned() {
        let mut types: Vec<String> = types.iter().filter_map(Value::as_str).map(str::to_owned).collect();
        let null = types.iter().any(|t| t == "null");
        types.retain(|t| t != "null");
        if types.iter().any(|t| t == "number") {
            types.retain(|t| t != "integer");
        }
        types.dedup();
        if null {
            map.insert("nullable".into(), json!(true));
        }
        match types.as_slice() {
            [] => {
                map.insert("type".into(), json!("null"));
            }
            [only] => {
                map.insert("type".into(), json!(only));
            }
            many => {
                map.shift_remove("type");
                let mut branches = Vec::new();
                for t in many {
                    let mut branch = Map::new();
                    branch.insert("type".into(), json!(t));
                    if let Some((_, keys)) = FOR_TYPE.iter().find(|(name, _)| name == t) {
                        for key in *keys {
                            if let Some(v) = map.get(*key) {
                                branch.insert((*key).to_owned(), v.clone());
                            }
                        }
                    }
                    branches.push(Value::Object(branch));
                }
                for (_, keys) in FOR_TYPE {
                    for key in *keys {
                        map.shift_remove(*key);
                    }
                }
                for (i, t) in many.iter().enumerate() {
                    if t == "array" || t == "object" {
                        moves.push((pointer_path(pointer, &format!("anyOf/{i}")), pointer.to_owned()));
                    }
                }
                map.insert("anyOf".into(), Value::Array(branches));
            }
        }
    }
    // `anyOf`/`oneOf` of one inline schema and `null`: that schema, nullable.
    for key in ["anyOf", "oneOf"] {
        let Some(Value::Array(parts)) = map.get(key) else { continue };
        let is_null = |v: &Value| {
            v.get("type").and_then(Value::as_str) == Some("null")
                || v.get("type").and_then(Value::as_array).is_some_and(|t| t.len() == 1 && t[0] == "null")
        };
        if parts.len() < 2 || !parts.iter().any(is_null) {
            continue;
        }
        let real: Vec<(usize, &Value)> = parts.iter().enumerate().filter(|(_, p)| !is_null(p)).collect();
        let [(i, only)] = real.as_slice() else {
            map.insert("nullable".into(), json!(true));
            continue;
        };
        let Value::Object(only) = (*only).clone() else { continue };
        if only.contains_key("$ref") || only.keys().any(|k| map.contains_key(k) && !is_doc(k)) {
            // A reference stays one (lowering reads the null branch as optional).
            map.insert("nullable".into(), json!(true));
            continue;
        }
        let i = *i;
        map.shift_remove(key);
        let from = pointer_path(pointer, &format!("{key}/{i}"));
        for (k, v) in only {
            if is_doc(&k) && map.contains_key(&k) {
                continue;
            }
            moves.push((pointer_join(pointer, &k), pointer_join(&from, &k)));
            map.insert(k, v);
        }
        map.insert("nullable".into(), json!(true));
        break;
    }
}

fn is_doc(key: &str) -> bool {
    matches!(key, "title" | "description" | "default" | "example" | "deprecated" | "readOnly" | "writeOnly")
}

fn rename_refs(value: &mut Value, renames: &BTreeMap<String, String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                if key == "$ref" {
                    if let Value::String(r) = child {
                        // The longest renamed prefix of the reference.
                        let found = renames
                            .iter()
                            .filter(|(from, _)| r == *from || r.starts_with(&format!("{from}/")))
                            .max_by_key(|(from, _)| from.len());
                        if let Some((from, to)) = found {
                            *r = format!("{to}{}", &r[from.len()..]);
                        }
                    }
                } else {
                    rename_refs(child, renames);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rename_refs(v, renames)),
        _ => {}
    }
}
