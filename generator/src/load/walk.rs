//! Visiting every schema of a raw document, wherever OpenAPI puts one.

use crate::error::pointer_join;
use serde_json::Value;

/// Keywords whose value is one schema.
const ONE: &[&str] = &[
    "items",
    "additionalProperties",
    "not",
    "contains",
    "if",
    "then",
    "else",
    "propertyNames",
    "unevaluatedItems",
    "unevaluatedProperties",
    "additionalItems",
];
/// Keywords whose value is a list of schemas.
const LIST: &[&str] = &["allOf", "oneOf", "anyOf", "prefixItems"];
/// Keywords whose value maps names to schemas.
const MAP: &[&str] = &["properties", "patternProperties", "$defs", "definitions", "dependentSchemas"];

/// Calls `f` on every schema of the document with its pointer, a parent
/// before its children (which `f` may rewrite first). Schemas sit under
/// `components/schemas` (`definitions` in 2.0) and at every `schema` key
/// outside of extensions and examples; `x-webhooks` counts as part of the
/// document.
pub fn schemas_mut(raw: &mut Value, f: &mut dyn FnMut(&mut Value, &str)) {
    document(raw, "", 0, f);
}

fn document(value: &mut Value, pointer: &str, depth: usize, f: &mut dyn FnMut(&mut Value, &str)) {
    if depth > 64 {
        return;
    }
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                let here = pointer_join(pointer, key);
                if (key.starts_with("x-") && here != "/x-webhooks") || key == "example" || key == "examples" {
                    continue;
                }
                if here == "/components/schemas" || here == "/definitions" || here == "/components/$defs" {
                    if let Value::Object(schemas) = child {
                        for (name, schema) in schemas.iter_mut() {
                            schema_tree(schema, &pointer_join(&here, name), 0, f);
                        }
                    }
                } else if key == "schema" {
                    schema_tree(child, &here, 0, f);
                } else {
                    document(child, &here, depth + 1, f);
                }
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter_mut().enumerate() {
                document(child, &pointer_join(pointer, &i.to_string()), depth + 1, f);
            }
        }
        _ => {}
    }
}

fn schema_tree(value: &mut Value, pointer: &str, depth: usize, f: &mut dyn FnMut(&mut Value, &str)) {
    // Deeper than this is refused later, with its location.
    if depth > 128 || !value.is_object() {
        if value.is_boolean() {
            f(value, pointer);
        }
        return;
    }
    f(value, pointer);
    let Value::Object(map) = value else { return };
    for (key, child) in map.iter_mut() {
        let key = key.as_str();
        let here = pointer_join(pointer, key);
        if ONE.contains(&key) {
            schema_tree(child, &here, depth + 1, f);
        } else if LIST.contains(&key) {
            if let Value::Array(items) = child {
                for (i, item) in items.iter_mut().enumerate() {
                    schema_tree(item, &pointer_join(&here, &i.to_string()), depth + 1, f);
                }
            } else if key == "items" {
                schema_tree(child, &here, depth + 1, f);
            }
        } else if MAP.contains(&key) {
            if let Value::Object(entries) = child {
                for (name, item) in entries.iter_mut() {
                    schema_tree(item, &pointer_join(&here, name), depth + 1, f);
                }
            }
        }
    }
}

/// Bounds and enum values of integer schemas that a 64-bit integer cannot
/// hold (`-9223372036854776000`, `1.5`) are dropped with a warning: the
/// model keeps integers' bounds as `i64`.
pub fn integer_bounds(raw: &mut Value, origins: &super::Origins, notes: &mut Vec<(String, String)>) {
    schemas_mut(raw, &mut |schema, pointer| {
        let Value::Object(map) = schema else { return };
        if map.get("type").and_then(Value::as_str) != Some("integer") {
            return;
        }
        for key in ["minimum", "maximum", "multipleOf"] {
            if let Some(Value::Number(n)) = map.get(key) {
                // A whole number written as a float (`0.0`) is that integer.
                let whole = n.as_f64().filter(|f| f.fract() == 0.0 && *f > -9.2e18 && *f < 9.2e18);
                if let (None, Some(whole)) = (n.as_i64(), whole) {
                    map.insert(key.to_owned(), Value::from(whole as i64));
                    continue;
                }
                if n.as_i64().is_none() {
                    let text = n.to_string();
                    map.shift_remove(key);
                    notes.push((
                        origins.source(&pointer_join(pointer, key)),
                        format!("`{key}: {text}` does not fit a 64-bit integer; dropped from the bounds"),
                    ));
                }
            }
        }
        if let Some(Value::Array(values)) = map.get_mut("enum") {
            let before = values.len();
            values.retain(|v| !v.is_number() || v.is_i64());
            if values.len() != before {
                notes.push((
                    origins.source(&pointer_join(pointer, "enum")),
                    format!("{} enum value(s) do not fit a 64-bit integer; dropped", before - values.len()),
                ));
            }
        }
    });
}

/// Annotations and string keywords written as another type (`pattern: 123`,
/// `format: 64`, a numeric `description`) are read as their text, with a
/// warning: a number there is a slip, not a different meaning.
pub fn stringly_keywords(raw: &mut Value, origins: &super::Origins, notes: &mut Vec<(String, String)>) {
    schemas_mut(raw, &mut |schema, pointer| {
        let Value::Object(map) = schema else { return };
        for key in ["pattern", "format", "title", "description"] {
            let text = match map.get(key) {
                Some(Value::Number(n)) => n.to_string(),
                Some(Value::Bool(b)) => b.to_string(),
                _ => continue,
            };
            notes.push((
                origins.source(&pointer_join(pointer, key)),
                format!("`{key}` is {}, not a string; read as \"{text}\"", super::kind_of(&map[key])),
            ));
            map.insert(key.to_owned(), Value::String(text));
        }
    });
}
