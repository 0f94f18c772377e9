//! Stage 1, load: spec text -> `openapiv3::OpenAPI` plus the raw JSON tree.
//!
//! Knows YAML and JSON syntax and nothing of Rust. Every failure is an
//! [`Error`] that names the file and the line:column or JSON pointer.

use crate::error::{pointer_join, Error, ErrorKind, Location, Warning};
use serde_json::Value;

/// A parsed spec: the typed model and the raw tree it came from (for
/// extensions and pointers), with the warnings loading produced.
#[derive(Debug)]
pub struct Document {
    /// The file name used in every message.
    pub file: String,
    /// The raw document, keys normalised to strings and YAML merge keys applied.
    pub raw: Value,
    /// The typed OpenAPI model.
    pub api: openapiv3::OpenAPI,
    /// Problems loading worked around.
    pub warnings: Vec<Warning>,
}

/// Loads a spec from a file on disk; `name` is how messages refer to it.
pub fn load_file(path: &std::path::Path, name: &str) -> Result<Document, Error> {
    let bytes = std::fs::read(path).map_err(|err| {
        Error::new(ErrorKind::Io, Location { file: name.to_owned(), ..Location::default() }, err.to_string())
    })?;
    load_bytes(name, &bytes)
}

/// Loads a spec from bytes that should be UTF-8 YAML or JSON.
pub fn load_bytes(name: &str, bytes: &[u8]) -> Result<Document, Error> {
    let text = std::str::from_utf8(bytes).map_err(|err| {
        let at = err.valid_up_to();
        Error::new(
            ErrorKind::Syntax,
            Location { file: name.to_owned(), line_col: Some(line_col(bytes, at)), pointer: None },
            "the file is not valid UTF-8",
        )
    })?;
    load_str(name, text)
}

/// Loads a spec from text.
pub fn load_str(name: &str, text: &str) -> Result<Document, Error> {
    let here = |line_col: Option<(usize, usize)>, pointer: Option<String>| Location {
        file: name.to_owned(),
        line_col,
        pointer,
    };
    if text.trim().is_empty() {
        return Err(Error::new(
            ErrorKind::Invalid,
            here(None, None),
            "the file is empty; expected an OpenAPI 3.0 document",
        ));
    }
    let looks_json = name.ends_with(".json") || text.trim_start().starts_with('{');
    let mut warnings = Vec::new();
    let raw = if looks_json {
        serde_json::from_str::<Value>(text).map_err(|err| {
            Error::new(
                ErrorKind::Syntax,
                here(Some((err.line(), err.column())), None),
                strip_position(&err.to_string()),
            )
        })?
    } else {
        let mut yaml: serde_yaml::Value = serde_yaml::from_str(text).map_err(|err| {
            let line_col = err.location().map(|l| (l.line(), l.column()));
            Error::new(ErrorKind::Syntax, here(line_col, None), strip_position(&err.to_string()))
        })?;
        yaml.apply_merge()
            .map_err(|err| Error::new(ErrorKind::Syntax, here(None, None), format!("yaml merge key: {err}")))?;
        yaml_to_json(yaml, "", name, &mut warnings)
    };
    from_value(name, raw, warnings)
}

fn from_value(name: &str, mut raw: Value, mut warnings: Vec<Warning>) -> Result<Document, Error> {
    let here = |pointer: &str| Location { file: name.to_owned(), line_col: None, pointer: Some(pointer.to_owned()) };
    let Some(top) = raw.as_object() else {
        return Err(Error::new(
            ErrorKind::Invalid,
            here(""),
            format!("expected a mapping at the top of the document, found {}", kind_of(&raw)),
        ));
    };
    if top.contains_key("swagger") {
        return Err(Error::new(
            ErrorKind::Unsupported,
            here("/swagger"),
            "swagger 2.0 documents are not supported; convert the spec to OpenAPI 3.0 first",
        ));
    }
    match top.get("openapi") {
        None => {
            return Err(Error::new(
                ErrorKind::Invalid,
                here("/openapi"),
                "missing `openapi`; expected a version such as \"3.0.3\"",
            ))
        }
        Some(Value::String(v)) if v.starts_with("3.0") => {}
        Some(Value::String(v)) => {
            return Err(Error::new(
                ErrorKind::Unsupported,
                here("/openapi"),
                format!("OpenAPI version {v} is not supported; expected 3.0.x"),
            ))
        }
        Some(other) => {
            return Err(Error::new(
                ErrorKind::Invalid,
                here("/openapi"),
                format!("expected a version string such as \"3.0.3\", found {}", kind_of(other)),
            ))
        }
    }
    replace_description_refs(&mut raw, "", name, &mut warnings);
    // openapiv3 retries each nesting level of a schema when a deeper one is
    // malformed, which takes time exponential in the depth: check schemas
    // first, which also points at the exact keyword.
    if let Err((pointer, message)) = check_schemas(&raw) {
        return Err(Error::new(ErrorKind::Invalid, here(&pointer), message));
    }
    let api: openapiv3::OpenAPI = match typed_at::<openapiv3::OpenAPI>(&raw, "") {
        Ok(api) => api,
        Err((pointer, message)) => {
            // Maps with `flatten`ed extensions lose serde's path: look again
            // one entry at a time to point at the entry that is wrong.
            let (pointer, message) = refine(&raw).unwrap_or((pointer, message));
            return Err(Error::new(ErrorKind::Invalid, here(&pointer), message));
        }
    };
    Ok(Document { file: name.to_owned(), raw, api, warnings })
}

/// Checks the keywords of every schema in the document (where schemas can
/// be: components, and every `schema` of a parameter, header or media type).
fn check_schemas(raw: &Value) -> Result<(), (String, String)> {
    if let Some(Value::Object(schemas)) = raw.pointer("/components/schemas") {
        for (key, schema) in schemas {
            check_schema(schema, &pointer_join("/components/schemas", key), 0)?;
        }
    }
    find_schema_keys(raw, "", 0)
}

/// Walks everything outside components/schemas for `schema` keys.
fn find_schema_keys(value: &Value, pointer: &str, depth: usize) -> Result<(), (String, String)> {
    if depth > 64 {
        return Ok(());
    }
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let here = pointer_join(pointer, key);
                if here == "/components/schemas" || key.starts_with("x-") || key == "example" || key == "examples" {
                    continue;
                }
                if key == "schema" {
                    check_schema(child, &here, 0)?;
                } else {
                    find_schema_keys(child, &here, depth + 1)?;
                }
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                find_schema_keys(child, &pointer_join(pointer, &i.to_string()), depth + 1)?;
            }
        }
        _ => {}
    }
    Ok(())
}

fn check_schema(value: &Value, pointer: &str, depth: usize) -> Result<(), (String, String)> {
    let fail = |key: &str, expected: &str, found: &Value| {
        Err((pointer_join(pointer, key), format!("expected {expected}, found {}", kind_of(found))))
    };
    if depth > 100 {
        return Err((pointer.to_owned(), "schemas nest more than 100 levels deep".to_owned()));
    }
    let Value::Object(map) = value else {
        return Err((pointer.to_owned(), format!("expected a schema (a mapping), found {}", kind_of(value))));
    };
    if map.contains_key("$ref") {
        return match map.get("$ref") {
            Some(Value::String(_)) => Ok(()),
            Some(other) => fail("$ref", "a string", other),
            None => Ok(()),
        };
    }
    for (key, child) in map {
        let here = pointer_join(pointer, key);
        match key.as_str() {
            "properties" => match child {
                Value::Object(props) => {
                    for (name, prop) in props {
                        check_schema(prop, &pointer_join(&here, name), depth + 1)?;
                    }
                }
                other => return fail(key, "a mapping of property schemas", other),
            },
            "items" | "not" => check_schema(child, &here, depth + 1)?,
            "additionalProperties" if !child.is_boolean() => check_schema(child, &here, depth + 1)?,
            "allOf" | "oneOf" | "anyOf" => match child {
                Value::Array(parts) => {
                    for (i, part) in parts.iter().enumerate() {
                        check_schema(part, &pointer_join(&here, &i.to_string()), depth + 1)?;
                    }
                }
                other => return fail(key, "a sequence of schemas", other),
            },
            "required" => match child {
                Value::Array(names) if names.iter().all(Value::is_string) => {}
                other => return fail(key, "a sequence of property names", other),
            },
            "enum" if !child.is_array() => return fail(key, "a sequence of values", child),
            "type" | "format" | "pattern" | "title" | "description" if !child.is_string() => {
                return fail(key, "a string", child);
            }
            "nullable" | "readOnly" | "writeOnly" | "deprecated" | "uniqueItems" | "exclusiveMinimum"
            | "exclusiveMaximum"
                if !child.is_boolean() =>
            {
                return fail(key, "a boolean", child);
            }
            "minimum" | "maximum" | "multipleOf" if !child.is_number() => return fail(key, "a number", child),
            "minLength" | "maxLength" | "minItems" | "maxItems" | "minProperties" | "maxProperties"
                if !child.is_u64() =>
            {
                return fail(key, "a non-negative integer", child);
            }
            "discriminator" => match child {
                Value::Object(d) => {
                    match d.get("propertyName") {
                        Some(Value::String(_)) => {}
                        Some(other) => return fail("discriminator/propertyName", "a string", other),
                        None => {
                            return Err((here, "a discriminator needs `propertyName`".to_owned()));
                        }
                    }
                    if let Some(mapping) = d.get("mapping") {
                        match mapping {
                            Value::Object(m) if m.values().all(Value::is_string) => {}
                            other => return fail("discriminator/mapping", "a mapping of names to references", other),
                        }
                    }
                }
                other => return fail(key, "a mapping", other),
            },
            _ => {}
        }
    }
    Ok(())
}

/// Deserializes `value` (found at `base`) as `T`; on failure, the JSON
/// pointer serde reached and its message.
fn typed_at<T: serde::de::DeserializeOwned>(value: &Value, base: &str) -> Result<T, (String, String)> {
    // serde_path_to_error reports false failures through openapiv3's
    // untagged and flattened types, so it only locates a real failure.
    let plain = match T::deserialize(value) {
        Ok(typed) => return Ok(typed),
        Err(err) => err.to_string(),
    };
    let mut pointer = base.to_owned();
    if let Err(err) = serde_path_to_error::deserialize::<_, T>(value) {
        for segment in err.path().iter() {
            match segment {
                serde_path_to_error::Segment::Seq { index } => pointer = pointer_join(&pointer, &index.to_string()),
                serde_path_to_error::Segment::Map { key } => pointer = pointer_join(&pointer, key),
                serde_path_to_error::Segment::Enum { .. } | serde_path_to_error::Segment::Unknown => {}
            }
        }
    }
    Err((pointer, plain))
}

/// Finds the first path item, operation or component that does not
/// deserialize on its own.
fn refine(raw: &Value) -> Option<(String, String)> {
    use openapiv3::{Parameter, PathItem, ReferenceOr, RequestBody, Response, Schema, SecurityScheme};
    const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];
    if let Some(paths) = raw.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            let at = pointer_join("/paths", path);
            if let Some(methods) = item.as_object() {
                for method in METHODS {
                    if let Some(op) = methods.get(*method) {
                        if let Err(found) = typed_at::<openapiv3::Operation>(op, &pointer_join(&at, method)) {
                            return Some(found);
                        }
                    }
                }
            }
            if let Err(found) = typed_at::<ReferenceOr<PathItem>>(item, &at) {
                return Some(found);
            }
        }
    }
    let components = raw.get("components")?.as_object()?;
    fn each<T: serde::de::DeserializeOwned>(
        components: &serde_json::Map<String, Value>,
        kind: &str,
    ) -> Option<(String, String)> {
        let entries = components.get(kind)?.as_object()?;
        entries.iter().find_map(|(key, value)| {
            typed_at::<ReferenceOr<T>>(value, &pointer_join(&pointer_join("/components", kind), key)).err()
        })
    }
    each::<Schema>(components, "schemas")
        .or_else(|| each::<Response>(components, "responses"))
        .or_else(|| each::<Parameter>(components, "parameters"))
        .or_else(|| each::<RequestBody>(components, "requestBodies"))
        .or_else(|| each::<SecurityScheme>(components, "securitySchemes"))
}

/// Real specs write `description: { $ref: ./file.md }`; OpenAPI 3.0 does not
/// allow it and the text lives in another file. Keep going without it.
fn replace_description_refs(value: &mut Value, pointer: &str, file: &str, warnings: &mut Vec<Warning>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                let here = pointer_join(pointer, key);
                // Only a reference to another file is prose; a property that
                // happens to be called `description` refers into the document.
                let is_ref_text = matches!(key.as_str(), "description" | "summary")
                    && child.as_object().is_some_and(|o| {
                        o.len() == 1 && o.get("$ref").and_then(Value::as_str).is_some_and(|r| !r.starts_with('#'))
                    });
                if is_ref_text {
                    let target = child.get("$ref").and_then(Value::as_str).unwrap_or("?").to_owned();
                    warnings.push(Warning {
                        location: Location { file: file.to_owned(), line_col: None, pointer: Some(here) },
                        message: format!("`{key}` is a $ref to `{target}`, which is not read; the text is left empty"),
                    });
                    *child = Value::String(String::new());
                } else {
                    replace_description_refs(child, &here, file, warnings);
                }
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter_mut().enumerate() {
                replace_description_refs(child, &pointer_join(pointer, &i.to_string()), file, warnings);
            }
        }
        _ => {}
    }
}

/// Converts YAML to JSON: scalar keys (`200:`, `true:`) become strings, tags
/// are dropped with a warning.
fn yaml_to_json(value: serde_yaml::Value, pointer: &str, file: &str, warnings: &mut Vec<Warning>) -> Value {
    use serde_yaml::Value as Y;
    match value {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                n.as_f64().and_then(serde_json::Number::from_f64).map_or(Value::Null, Value::Number)
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(
            items
                .into_iter()
                .enumerate()
                .map(|(i, v)| yaml_to_json(v, &pointer_join(pointer, &i.to_string()), file, warnings))
                .collect(),
        ),
        Y::Mapping(map) => {
            let mut out = serde_json::Map::with_capacity(map.len());
            for (key, v) in map {
                let key = match key {
                    Y::String(s) => s,
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => b.to_string(),
                    Y::Null => "null".to_owned(),
                    other => serde_yaml::to_string(&other).unwrap_or_default().trim().to_owned(),
                };
                let here = pointer_join(pointer, &key);
                let v = yaml_to_json(v, &here, file, warnings);
                out.insert(key, v);
            }
            Value::Object(out)
        }
        Y::Tagged(tagged) => {
            warnings.push(Warning {
                location: Location { file: file.to_owned(), line_col: None, pointer: Some(pointer.to_owned()) },
                message: format!("yaml tag `{}` ignored", tagged.tag),
            });
            yaml_to_json(tagged.value, pointer, file, warnings)
        }
    }
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a sequence",
        Value::Object(_) => "a mapping",
    }
}

/// Parsers append "at line X column Y" to their messages; the location
/// already says it.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

fn line_col(bytes: &[u8], at: usize) -> (usize, usize) {
    let before = &bytes[..at.min(bytes.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let col = before.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
    (line, col)
}
