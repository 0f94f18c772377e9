//! Stage 1, load: spec text -> `openapiv3::OpenAPI` plus the raw JSON tree.
//!
//! Knows YAML and JSON syntax and nothing of Rust. Every failure is an
//! [`Error`] that names the file and the line:column or JSON pointer.

use crate::error::{pointer_join, Error, ErrorKind, Location, Warning};
use serde_json::Value;

mod openapi31;
mod refs;
mod swagger2;
mod walk;
pub mod yaml;

#[cfg(test)]
mod tests;

/// Which OpenAPI version the file was written in. Lowering reads one model
/// (OpenAPI 3.0, as `openapiv3` has it); `load` converts the others to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SpecVersion {
    /// Swagger 2.0.
    Swagger2,
    /// OpenAPI 3.0.x, read as it is.
    OpenApi30,
    /// OpenAPI 3.1.x.
    OpenApi31,
}

/// Where the nodes of the converted document came from in the file the user
/// gave: converted pointer prefix -> source pointer prefix. A pointer maps
/// through its longest listed prefix; pointers under no listed prefix are
/// the same in both.
#[derive(Clone, Debug, Default)]
pub struct Origins {
    map: std::collections::HashMap<String, String>,
}

impl Origins {
    /// Records that what now sits at `converted` came from `source`.
    pub fn add(&mut self, converted: impl Into<String>, source: impl Into<String>) {
        let (converted, source) = (converted.into(), source.into());
        if converted != source {
            self.map.insert(converted, source);
        }
    }

    /// The pointer into the original file for a pointer into the converted document.
    pub fn source(&self, pointer: &str) -> String {
        if self.map.is_empty() {
            return pointer.to_owned();
        }
        let mut prefix = pointer;
        loop {
            if let Some(source) = self.map.get(prefix) {
                return format!("{source}{}", &pointer[prefix.len()..]);
            }
            match prefix.rfind('/') {
                Some(i) => prefix = &prefix[..i],
                None => return pointer.to_owned(),
            }
        }
    }
}

/// A webhook (3.1 `webhooks`, or the top-level `x-webhooks` many 3.0 and
/// 2.0 specs use): a path item the provider calls on the user's server.
#[derive(Debug)]
pub struct SourceWebhook {
    /// Its name (`batch_completed`).
    pub name: String,
    /// The path item.
    pub item: openapiv3::PathItem,
    /// Its pointer in the converted document.
    pub pointer: String,
}

/// A parsed spec: the typed model and the raw tree it came from (for
/// extensions and pointers), with the warnings loading produced.
#[derive(Debug)]
pub struct Document {
    /// The file name used in every message.
    pub file: String,
    /// The version the file was written in.
    pub version: SpecVersion,
    /// The raw document as converted to OpenAPI 3.0, keys normalised to
    /// strings and YAML merge keys applied, cut to what lowering reads from
    /// it once the typed model is made: `info` and every `encoding` object,
    /// at their pointers.
    pub raw: Value,
    /// The typed OpenAPI model.
    pub api: openapiv3::OpenAPI,
    /// Webhooks (`webhooks`, `x-webhooks`), typed like path items.
    pub webhooks: Vec<SourceWebhook>,
    /// Converted pointers -> pointers into the file.
    pub origins: Origins,
    /// Problems loading worked around.
    pub warnings: Vec<Warning>,
}

impl Document {
    /// The location in the user's file of a pointer into the converted document.
    pub fn locate(&self, pointer: &str) -> Location {
        Location { file: self.file.clone(), line_col: None, pointer: Some(self.origins.source(pointer)) }
    }
}

/// Loads a spec from a file on disk; `name` is how messages refer to it.
pub fn load_file(path: &std::path::Path, name: &str) -> Result<Document, Error> {
    let bytes = std::fs::read(path).map_err(|err| {
        Error::new(ErrorKind::Io, Location { file: name.to_owned(), ..Location::default() }, err.to_string())
    })?;
    load_bytes(name, &bytes)
}

/// Loads a spec from bytes that should be UTF-8 YAML or JSON (a byte-order
/// mark is allowed).
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
    // A UTF-8 byte-order mark, as some editors write.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(Error::new(
            ErrorKind::Invalid,
            here(Some((1, 1)), None),
            "the file is empty; expected an OpenAPI document",
        ));
    }
    let parse = || -> Result<(Value, Vec<Warning>), Error> {
        let looks_json = name.ends_with(".json") || text.trim_start().starts_with('{');
        if looks_json {
            let raw = serde_json::from_str::<Value>(text).map_err(|err| {
                Error::new(
                    ErrorKind::Syntax,
                    here(Some((err.line(), err.column())), None),
                    strip_position(&err.to_string()),
                )
            })?;
            return Ok((raw, Vec::new()));
        }
        let (raw, notes) = yaml::to_json(text).map_err(|err| {
            let line_col = err.location().map(|l| (l.line(), l.column())).or(Some((1, 1)));
            Error::new(ErrorKind::Syntax, here(line_col, None), strip_position(&err.to_string()))
        })?;
        let warnings = notes
            .into_iter()
            .map(|(pointer, message)| Warning { location: here(None, Some(pointer)), message })
            .collect();
        Ok((raw, warnings))
    };
    // The typed model is made from the tree by value (moving its strings,
    // about twice as fast on a large spec). Should that fail, the tree is
    // gone: it is read again and typed by reference, the slow way that
    // finds where the failure is.
    let (raw, warnings) = parse()?;
    if let Some(document) = from_value(name, raw, warnings, Typing::ByValue)? {
        return Ok(document);
    }
    let (raw, warnings) = parse()?;
    from_value(name, raw, warnings, Typing::Locating)?.ok_or_else(|| {
        Error::new(ErrorKind::Invalid, here(None, Some(String::new())), "the document is not an OpenAPI document")
    })
}

/// How [`from_value`] makes the typed model.
#[derive(Clone, Copy, PartialEq)]
enum Typing {
    /// From the tree by value; `None` when that fails.
    ByValue,
    /// From the tree by reference, locating a failure.
    Locating,
}

fn from_value(
    name: &str,
    mut raw: Value,
    mut warnings: Vec<Warning>,
    typing: Typing,
) -> Result<Option<Document>, Error> {
    let here = |pointer: &str| Location { file: name.to_owned(), line_col: None, pointer: Some(pointer.to_owned()) };
    let Some(top) = raw.as_object() else {
        let line_col = raw.is_null().then_some((1, 1));
        return Err(Error::new(
            ErrorKind::Invalid,
            Location { line_col, ..here("") },
            format!("expected a mapping at the top of the document (an OpenAPI document), found {}", kind_of(&raw)),
        ));
    };
    let version = match (top.get("swagger"), top.get("openapi")) {
        (Some(Value::String(v)), _) if v == "2.0" => SpecVersion::Swagger2,
        (Some(Value::String(v)), _) => {
            return Err(Error::new(
                ErrorKind::Unsupported,
                here("/swagger"),
                format!("Swagger version {v} is not supported; expected \"2.0\""),
            ))
        }
        (Some(other), _) => {
            return Err(Error::new(
                ErrorKind::Invalid,
                here("/swagger"),
                format!("expected the version string \"2.0\", found {}", kind_of(other)),
            ))
        }
        (None, None) => {
            return Err(Error::new(
                ErrorKind::Invalid,
                here("/openapi"),
                "missing `openapi`; expected a version such as \"3.0.3\" or \"3.1.0\" (or `swagger: \"2.0\"`)",
            ))
        }
        (None, Some(Value::String(v))) if v.starts_with("3.0") => SpecVersion::OpenApi30,
        (None, Some(Value::String(v))) if v.starts_with("3.1") => SpecVersion::OpenApi31,
        (None, Some(Value::String(v))) => {
            return Err(Error::new(
                ErrorKind::Unsupported,
                here("/openapi"),
                format!("OpenAPI version {v} is not supported; expected 3.0.x or 3.1.x (or Swagger 2.0)"),
            ))
        }
        (None, Some(other)) => {
            return Err(Error::new(
                ErrorKind::Invalid,
                here("/openapi"),
                format!("expected a version string such as \"3.0.3\", found {}", kind_of(other)),
            ))
        }
    };
    let mut origins = Origins::default();
    let mut notes: Vec<(String, String)> = Vec::new();
    match version {
        SpecVersion::Swagger2 => swagger2::convert(&mut raw, &mut origins, &mut notes)
            .map_err(|(p, m)| Error::new(ErrorKind::Invalid, here(&p), m))?,
        SpecVersion::OpenApi31 => openapi31::convert(&mut raw, &mut origins, &mut notes)
            .map_err(|(p, m)| Error::new(ErrorKind::Invalid, here(&p), m))?,
        SpecVersion::OpenApi30 => {}
    }
    // Every version: bounds and enum values a 64-bit integer cannot hold.
    walk::integer_bounds(&mut raw, &origins, &mut notes);
    walk::stringly_keywords(&mut raw, &origins, &mut notes);
    // Schema references to anything but a component schema.
    refs::schema_refs(&mut raw, &mut origins, version == SpecVersion::Swagger2, &mut notes);
    refs::other_refs(&mut raw);
    warnings.extend(notes.into_iter().map(|(pointer, message)| Warning { location: here(&pointer), message }));
    replace_description_refs(&mut raw, "", name, &mut warnings, &origins);
    let located =
        |(pointer, message): (String, String)| Error::new(ErrorKind::Invalid, here(&origins.source(&pointer)), message);
    // openapiv3 retries each nesting level of a schema when a deeper one is
    // malformed, which takes time exponential in the depth: check schemas
    // first, which also points at the exact keyword.
    check_schemas(&raw).map_err(located)?;
    let mut notes = Vec::new();
    unread_path_entries(&raw, &mut notes);
    let webhooks = typed_webhooks(&raw, &mut notes).map_err(located)?;
    warnings.extend(
        notes.into_iter().map(|(pointer, message)| Warning { location: here(&origins.source(&pointer)), message }),
    );
    if typing == Typing::ByValue {
        let kept = what_lowering_reads(&raw);
        return Ok(serde_json::from_value::<openapiv3::OpenAPI>(raw).ok().map(|api| Document {
            file: name.to_owned(),
            version,
            raw: kept,
            api,
            webhooks,
            origins,
            warnings,
        }));
    }
    let api: openapiv3::OpenAPI = match typed_at::<openapiv3::OpenAPI>(&raw, "") {
        Ok(api) => api,
        Err(found) => {
            // Maps with `flatten`ed extensions lose serde's path: look again
            // one entry at a time to point at the entry that is wrong.
            return Err(located(refine(&raw).unwrap_or(found)));
        }
    };
    let raw = what_lowering_reads(&raw);
    Ok(Some(Document { file: name.to_owned(), version, raw, api, webhooks, origins, warnings }))
}

/// What lowering reads from the raw tree, once the typed model holds
/// everything else: `info` (the license as written) and each `encoding`
/// object (whether `style` and `explode` were given at all, which the typed
/// model does not say), with the objects on the way to them so their
/// pointers still resolve. On a large spec the whole tree would otherwise
/// double the memory lowering needs.
fn what_lowering_reads(raw: &Value) -> Value {
    fn keep(value: &Value) -> Option<Value> {
        let Value::Object(entries) = value else { return None };
        let kept: serde_json::Map<String, Value> = entries
            .iter()
            .filter_map(|(key, child)| {
                let child = if key == "encoding" { Some(child.clone()) } else { keep(child) };
                child.map(|child| (key.clone(), child))
            })
            .collect();
        (!kept.is_empty()).then_some(Value::Object(kept))
    }
    let Value::Object(top) = raw else { return Value::Null };
    let kept = top
        .iter()
        .filter_map(|(key, child)| {
            let child = if key == "info" { Some(child.clone()) } else { keep(child) };
            child.map(|child| (key.clone(), child))
        })
        .collect();
    Value::Object(kept)
}

/// The webhooks of the (converted) document: 3.1's `webhooks` (moved to
/// `x-webhooks` by the conversion when that is free) and `x-webhooks`.
///
/// `x-webhooks` is an extension whose shape no version fixes (a 2.0 spec
/// may write it the 2.0 way): an entry that is not a 3.0 path item is
/// skipped with a warning, where a wrong 3.1 `webhooks` entry is an error.
fn typed_webhooks(raw: &Value, notes: &mut Vec<(String, String)>) -> Result<Vec<SourceWebhook>, (String, String)> {
    let mut out = Vec::new();
    for key in ["webhooks", "x-webhooks"] {
        let Some(entries) = raw.get(key) else { continue };
        let Value::Object(entries) = entries else {
            return Err((
                format!("/{key}"),
                format!("expected a mapping of webhook names to path items, found {}", kind_of(entries)),
            ));
        };
        for (name, item) in entries {
            let pointer = pointer_join(&format!("/{key}"), name);
            let typed = || -> Result<openapiv3::PathItem, (String, String)> {
                if let Value::Object(methods) = item {
                    for (method, op) in methods {
                        if METHODS.contains(&method.as_str()) {
                            typed_at::<openapiv3::Operation>(op, &pointer_join(&pointer, method))?;
                        }
                    }
                }
                typed_at::<openapiv3::PathItem>(item, &pointer)
            };
            match typed() {
                Ok(item) => out.push(SourceWebhook { name: name.clone(), item, pointer }),
                Err((at, message)) if key == "x-webhooks" => {
                    notes.push((at, format!("webhook `{name}` is not an OpenAPI 3 path item ({message}); skipped")));
                }
                Err(found) => return Err(found),
            }
        }
    }
    Ok(out)
}

const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// The keys of a path item besides [`METHODS`].
const PATH_ITEM_KEYS: &[&str] = &["$ref", "summary", "description", "servers", "parameters"];

/// Notes every entry of `paths` that the OpenAPI model does not read, so
/// nothing is dropped in silence: a path key that does not start with `/`
/// (the model keeps only those) and a key of a path item that is neither a
/// method nor another path-item field (`GET`, `query`).
fn unread_path_entries(raw: &Value, notes: &mut Vec<(String, String)>) {
    let Some(Value::Object(paths)) = raw.get("paths") else { return };
    for (path, item) in paths {
        let pointer = pointer_join("/paths", path);
        if path.starts_with("x-") {
            continue;
        }
        if !path.starts_with('/') {
            notes.push((
                pointer,
                format!("the path `{path}` does not start with `/`, as OpenAPI requires; its operations are left out"),
            ));
            continue;
        }
        let Value::Object(keys) = item else { continue };
        for key in keys.keys() {
            if METHODS.contains(&key.as_str()) || PATH_ITEM_KEYS.contains(&key.as_str()) || key.starts_with("x-") {
                continue;
            }
            let hint = if METHODS.contains(&key.to_ascii_lowercase().as_str()) {
                format!(" (methods are lowercase: `{}`)", key.to_ascii_lowercase())
            } else {
                String::new()
            };
            notes.push((
                pointer_join(&pointer, key),
                format!("`{key}` is not an HTTP method or path-item field OpenAPI defines{hint}; left out"),
            ));
        }
    }
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
                if here == "/components/schemas"
                    || (key.starts_with("x-") && here != "/x-webhooks")
                    || key == "example"
                    || key == "examples"
                {
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
        Err((
            crate::error::pointer_path(pointer, &key.replace('~', "~0")),
            format!("expected {expected}, found {}", kind_of(found)),
        ))
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
fn replace_description_refs(
    value: &mut Value,
    pointer: &str,
    file: &str,
    warnings: &mut Vec<Warning>,
    origins: &Origins,
) {
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
                        location: Location {
                            file: file.to_owned(),
                            line_col: None,
                            pointer: Some(origins.source(&here)),
                        },
                        message: format!("`{key}` is a $ref to `{target}`, which is not read; the text is left empty"),
                    });
                    *child = Value::String(String::new());
                } else {
                    replace_description_refs(child, &here, file, warnings, origins);
                }
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter_mut().enumerate() {
                replace_description_refs(child, &pointer_join(pointer, &i.to_string()), file, warnings, origins);
            }
        }
        _ => {}
    }
}

pub(crate) fn kind_of(value: &Value) -> &'static str {
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
