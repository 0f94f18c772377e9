//! Swagger 2.0 -> OpenAPI 3.0, on the raw tree, before the model reads it.
//!
//! Each moved node is recorded in [`Origins`], so a problem found later in
//! the converted document is reported at its place in the 2.0 file. What
//! has no 3.0 equivalent is a located warning.

use super::{walk, Origins};
use crate::error::{pointer_join, pointer_path};
use serde_json::{json, Map, Value};

type Notes = Vec<(String, String)>;
type Fail = (String, String);

const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch"];
/// Keywords of a 2.0 parameter, header or items object that belong to its schema.
const SCHEMA_KEYS: &[&str] = &[
    "type",
    "format",
    "items",
    "default",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "enum",
    "multipleOf",
    "x-nullable",
];

/// Converts a Swagger 2.0 document in place.
pub fn convert(raw: &mut Value, origins: &mut Origins, notes: &mut Notes) -> Result<(), Fail> {
    let Value::Object(src) = std::mem::take(raw) else { return Ok(()) };
    let mut cx = Cx { src, origins, notes };
    let mut out = Map::new();
    out.insert("openapi".into(), json!("3.0.3"));
    for (key, value) in &cx.src {
        if key == "info" || key == "tags" || key == "externalDocs" || key == "security" || key.starts_with("x-") {
            out.insert(key.clone(), value.clone());
        }
    }
    out.insert("servers".into(), cx.servers());
    let consumes = cx.media_list("consumes", "");
    let produces = cx.media_list("produces", "");

    let mut components = Map::new();
    if let Some(Value::Object(definitions)) = cx.src.get("definitions") {
        components.insert("schemas".into(), Value::Object(definitions.clone()));
        cx.origins.add("/components/schemas", "/definitions");
    }
    if let Some(Value::Object(params)) = cx.src.get("parameters").cloned() {
        let mut converted = Map::new();
        for (name, param) in params {
            let at = pointer_join("/parameters", &name);
            if matches!(param.get("in").and_then(Value::as_str), Some("body" | "formData")) {
                // Inlined where an operation refers to it.
                continue;
            }
            let to = pointer_join("/components/parameters", &name);
            cx.origins.add(&to, &at);
            cx.origins.add(pointer_join(&to, "schema"), &at);
            converted.insert(name, cx.parameter(param, &at));
        }
        components.insert("parameters".into(), Value::Object(converted));
    }
    if let Some(Value::Object(responses)) = cx.src.get("responses").cloned() {
        let mut converted = Map::new();
        for (name, response) in responses {
            let at = pointer_join("/responses", &name);
            let to = pointer_join("/components/responses", &name);
            converted.insert(name, cx.response(response, &at, &to, &produces));
        }
        components.insert("responses".into(), Value::Object(converted));
    }
    if let Some(Value::Object(schemes)) = cx.src.get("securityDefinitions").cloned() {
        cx.origins.add("/components/securitySchemes", "/securityDefinitions");
        let mut converted = Map::new();
        for (name, scheme) in schemes {
            let at = pointer_join("/securityDefinitions", &name);
            converted.insert(name, cx.security_scheme(scheme, &at));
        }
        components.insert("securitySchemes".into(), Value::Object(converted));
    }

    let mut paths = Map::new();
    if let Some(Value::Object(items)) = cx.src.get("paths").cloned() {
        for (path, item) in items {
            let at = pointer_join("/paths", &path);
            let Value::Object(item) = item else {
                paths.insert(path, item);
                continue;
            };
            paths.insert(path, Value::Object(cx.path_item(item, &at, &consumes, &produces)?));
        }
    }
    out.insert("paths".into(), Value::Object(paths));
    if !components.is_empty() {
        out.insert("components".into(), Value::Object(components));
    }
    let mut converted = Value::Object(out);
    rewrite_refs(&mut converted);
    walk::schemas_mut(&mut converted, &mut |schema, pointer| schema_fixes(schema, pointer, cx.origins, cx.notes));
    *raw = converted;
    Ok(())
}

struct Cx<'a> {
    src: Map<String, Value>,
    origins: &'a mut Origins,
    notes: &'a mut Notes,
}

impl Cx<'_> {
    fn note(&mut self, pointer: &str, message: impl Into<String>) {
        self.notes.push((pointer.to_owned(), message.into()));
    }

    /// host, basePath and schemes -> servers (https first when both are listed).
    fn servers(&mut self) -> Value {
        let base = self.src.get("basePath").and_then(Value::as_str).unwrap_or("").trim_end_matches('/').to_owned();
        let Some(host) = self.src.get("host").and_then(Value::as_str).map(str::to_owned) else {
            let at = if self.src.contains_key("basePath") { "/basePath" } else { "" };
            self.origins.add("/servers", at);
            self.origins.add("/servers/0", at);
            let url = if base.is_empty() { "/".to_owned() } else { base };
            return json!([{ "url": url }]);
        };
        let mut schemes: Vec<String> = match self.src.get("schemes") {
            Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
            _ => Vec::new(),
        };
        schemes.retain(|s| s == "https" || s == "http");
        if schemes.is_empty() {
            schemes.push("https".to_owned());
        }
        schemes.sort_by_key(|s| s != "https");
        self.origins.add("/servers", "/host");
        for i in 0..schemes.len() {
            self.origins.add(format!("/servers/{i}"), "/host");
        }
        Value::Array(schemes.into_iter().map(|scheme| json!({ "url": format!("{scheme}://{host}{base}") })).collect())
    }

    /// `consumes` or `produces` at `at` ("" for the document), if listed.
    fn media_list(&self, key: &str, at: &str) -> Option<Vec<String>> {
        let source = if at.is_empty() { self.src.get(key) } else { None };
        match source {
            Some(Value::Array(list)) => Some(list.iter().filter_map(Value::as_str).map(str::to_owned).collect()),
            _ => None,
        }
    }

    fn path_item(
        &mut self,
        item: Map<String, Value>,
        at: &str,
        consumes: &Option<Vec<String>>,
        produces: &Option<Vec<String>>,
    ) -> Result<Map<String, Value>, Fail> {
        let mut out = Map::new();
        // Path-level body and form parameters go into each operation's body.
        let shared = match item.get("parameters") {
            Some(Value::Array(list)) => list.clone(),
            _ => Vec::new(),
        };
        let shared_at = pointer_join(at, "parameters");
        let mut shared_out = Vec::new();
        let mut shared_bodies = Vec::new();
        for (j, param) in shared.iter().enumerate() {
            let here = pointer_join(&shared_at, &j.to_string());
            match self.classify(param, &here) {
                Param::Other(converted) => {
                    let to = pointer_join(&shared_at, &shared_out.len().to_string());
                    self.origins.add(&to, &here);
                    self.origins.add(pointer_join(&to, "schema"), &here);
                    shared_out.push(converted);
                }
                body => shared_bodies.push(body),
            }
        }
        for (key, value) in item {
            let here = pointer_join(at, &key);
            if key == "parameters" {
                if !shared_out.is_empty() {
                    out.insert(key, Value::Array(std::mem::take(&mut shared_out)));
                }
            } else if METHODS.contains(&key.as_str()) {
                let Value::Object(op) = value else {
                    out.insert(key, value);
                    continue;
                };
                let op = self.operation(op, &here, consumes, produces, &shared_bodies)?;
                out.insert(key, Value::Object(op));
            } else {
                out.insert(key, value);
            }
        }
        Ok(out)
    }

    /// A parameter, `$ref`s to body and form parameters resolved.
    fn classify(&mut self, param: &Value, at: &str) -> Param {
        let (param, at) = match param.get("$ref").and_then(Value::as_str) {
            Some(reference) => match reference.strip_prefix("#/parameters/") {
                Some(name) => {
                    let name = crate::error::unescape_pointer_token(name);
                    let found = self.src.get("parameters").and_then(|p| p.get(&name)).cloned();
                    match found {
                        Some(found) if matches!(found.get("in").and_then(Value::as_str), Some("body" | "formData")) => {
                            (found, pointer_join("/parameters", &name))
                        }
                        _ => {
                            let reference = format!("#/components/parameters/{}", &reference["#/parameters/".len()..]);
                            return Param::Other(json!({ "$ref": reference }));
                        }
                    }
                }
                None => return Param::Other(param.clone()),
            },
            None => (param.clone(), at.to_owned()),
        };
        match param.get("in").and_then(Value::as_str) {
            Some("body") => Param::Body { param, at },
            Some("formData") => Param::Form { param, at },
            _ => Param::Other(self.parameter(param, &at)),
        }
    }

    /// A path, query or header parameter: its type keywords go into `schema`.
    fn parameter(&mut self, param: Value, at: &str) -> Value {
        let Value::Object(mut param) = param else { return param };
        let mut schema = take_schema(&mut param);
        let location = param.get("in").and_then(Value::as_str).unwrap_or("").to_owned();
        let format = param.remove("collectionFormat");
        if schema.get("type").and_then(Value::as_str) == Some("array") {
            let format = format.as_ref().and_then(Value::as_str).unwrap_or("csv");
            let (style, explode) = match (format, location.as_str()) {
                ("multi", "query") => ("form", true),
                ("csv", "query") => ("form", false),
                ("ssv", "query") => ("spaceDelimited", false),
                ("pipes", "query") => ("pipeDelimited", false),
                ("csv", _) => ("simple", false),
                (other, _) => {
                    self.note(
                        &pointer_join(at, "collectionFormat"),
                        format!("collectionFormat `{other}` has no OpenAPI 3.0 equivalent in the {location}; sent comma-separated"),
                    );
                    (if location == "query" { "form" } else { "simple" }, false)
                }
            };
            param.insert("style".into(), json!(style));
            param.insert("explode".into(), json!(explode));
        }
        if schema.get("type").and_then(Value::as_str) == Some("file") {
            schema.insert("type".into(), json!("string"));
            schema.insert("format".into(), json!("binary"));
        }
        param.insert("schema".into(), Value::Object(schema));
        param.remove("allowEmptyValue");
        Value::Object(param)
    }

    fn operation(
        &mut self,
        mut op: Map<String, Value>,
        at: &str,
        consumes: &Option<Vec<String>>,
        produces: &Option<Vec<String>>,
        shared_bodies: &[Param],
    ) -> Result<Map<String, Value>, Fail> {
        let consumes = match op.remove("consumes") {
            Some(Value::Array(list)) => Some(list.iter().filter_map(Value::as_str).map(str::to_owned).collect()),
            _ => consumes.clone(),
        };
        let produces = match op.remove("produces") {
            Some(Value::Array(list)) => Some(list.iter().filter_map(Value::as_str).map(str::to_owned).collect()),
            _ => produces.clone(),
        };
        if op.remove("schemes").is_some() {
            self.note(
                &pointer_join(at, "schemes"),
                "per-operation `schemes` ignored; the client uses the document's server",
            );
        }
        let params_at = pointer_join(at, "parameters");
        let mut params = Vec::new();
        let mut bodies: Vec<Param> = shared_bodies.to_vec();
        if let Some(Value::Array(list)) = op.remove("parameters") {
            for (j, param) in list.iter().enumerate() {
                let here = pointer_join(&params_at, &j.to_string());
                match self.classify(param, &here) {
                    Param::Other(converted) => {
                        let to = pointer_join(&params_at, &params.len().to_string());
                        self.origins.add(&to, &here);
                        self.origins.add(pointer_join(&to, "schema"), &here);
                        params.push(converted);
                    }
                    body => {
                        // An operation's own parameter overrides the path's of the same name.
                        let name = body.name();
                        bodies.retain(|b| b.name() != name || matches!(b, Param::Other(_)));
                        bodies.push(body);
                    }
                }
            }
        }
        if !params.is_empty() {
            op.insert("parameters".into(), Value::Array(params));
        }
        let body_at = pointer_join(at, "requestBody");
        if let Some(body) = self.request_body(&bodies, &body_at, &consumes)? {
            op.insert("requestBody".into(), body);
        }
        if let Some(Value::Object(responses)) = op.remove("responses") {
            let responses_at = pointer_join(at, "responses");
            let mut out = Map::new();
            for (code, response) in responses {
                let here = pointer_join(&responses_at, &code);
                if code.starts_with("x-") {
                    out.insert(code, response);
                    continue;
                }
                // An error answered by an operation that produces only
                // files or streams is still described by its schema: JSON.
                let error = !code.starts_with('2');
                let produces = match &produces {
                    Some(list) if error && !list.iter().any(|m| is_json(m)) => {
                        Some(list.iter().cloned().chain(["application/json".to_owned()]).collect())
                    }
                    other => other.clone(),
                };
                let converted = self.response(response, &here, &here, &produces);
                out.insert(code, converted);
            }
            op.insert("responses".into(), Value::Object(out));
        }
        Ok(op)
    }

    /// `in: body` and `in: formData` parameters -> a request body.
    fn request_body(
        &mut self,
        bodies: &[Param],
        at: &str,
        consumes: &Option<Vec<String>>,
    ) -> Result<Option<Value>, Fail> {
        let consumes = consumes.clone().unwrap_or_else(|| vec!["application/json".to_owned()]);
        let is_form = |m: &str| {
            let m = m.split(';').next().unwrap_or("").trim();
            m == "multipart/form-data" || m == "application/x-www-form-urlencoded"
        };
        if let Some(Param::Body { param, at: from }) = bodies.iter().find(|b| matches!(b, Param::Body { .. })) {
            if bodies.iter().any(|b| matches!(b, Param::Form { .. })) {
                self.note(
                    from,
                    "an operation with both `in: body` and `in: formData` parameters: the form parameters are ignored",
                );
            }
            let mut media: Vec<String> = consumes.iter().filter(|m| !is_form(m)).cloned().collect();
            if media.is_empty() {
                media.push("application/json".to_owned());
            }
            let mut schema = param.get("schema").cloned().unwrap_or_else(|| json!({}));
            if schema.get("type").and_then(Value::as_str) == Some("file") {
                schema = json!({"type": "string", "format": "binary"});
            }
            self.origins.add(at, from.clone());
            let mut content = Map::new();
            for m in media {
                self.origins.add(
                    pointer_join(&pointer_join(&pointer_join(at, "content"), &m), "schema"),
                    pointer_join(from, "schema"),
                );
                content.insert(m, json!({ "schema": schema }));
            }
            let mut body = Map::new();
            if let Some(d) = param.get("description") {
                body.insert("description".into(), d.clone());
            }
            body.insert("content".into(), Value::Object(content));
            body.insert("required".into(), json!(param.get("required").and_then(Value::as_bool).unwrap_or(false)));
            return Ok(Some(Value::Object(body)));
        }
        let forms: Vec<(&Value, &String)> = bodies
            .iter()
            .filter_map(|b| match b {
                Param::Form { param, at } => Some((param, at)),
                _ => None,
            })
            .collect();
        if forms.is_empty() {
            return Ok(None);
        }
        let has_file = forms.iter().any(|(p, _)| p.get("type").and_then(Value::as_str) == Some("file"));
        let mut media = Vec::new();
        if has_file || consumes.iter().any(|m| m.starts_with("multipart/form-data")) {
            media.push("multipart/form-data");
        }
        if !has_file && consumes.iter().any(|m| m.starts_with("application/x-www-form-urlencoded")) || media.is_empty()
        {
            media.push("application/x-www-form-urlencoded");
        }
        let mut properties = Map::new();
        let mut required = Vec::new();
        let mut encoding = Map::new();
        let first_at = forms[0].1.clone();
        self.origins.add(at, parent_of(&first_at));
        for (param, from) in &forms {
            let Some(name) = param.get("name").and_then(Value::as_str) else {
                return Err((pointer_join(from, "name"), "a form parameter needs a `name`".to_owned()));
            };
            let Value::Object(mut p) = (*param).clone() else { continue };
            let mut schema = take_schema(&mut p);
            if schema.get("type").and_then(Value::as_str) == Some("file") {
                schema.insert("type".into(), json!("string"));
                schema.insert("format".into(), json!("binary"));
            }
            if let Some(d) = p.get("description") {
                schema.insert("description".into(), d.clone());
            }
            if schema.get("type").and_then(Value::as_str) == Some("array") {
                let format = p.get("collectionFormat").and_then(Value::as_str).unwrap_or("csv");
                let explode = format == "multi";
                if !matches!(format, "multi" | "csv") {
                    self.note(
                        &pointer_join(from, "collectionFormat"),
                        format!("collectionFormat `{format}` in a form is sent comma-separated"),
                    );
                }
                encoding.insert(name.to_owned(), json!({ "style": "form", "explode": explode }));
            }
            if p.get("required").and_then(Value::as_bool) == Some(true) {
                required.push(json!(name));
            }
            properties.insert(name.to_owned(), Value::Object(schema));
            for m in &media {
                let to = pointer_join(
                    &pointer_path(&pointer_join(&pointer_join(at, "content"), m), "schema/properties"),
                    name,
                );
                self.origins.add(to, from.as_str());
            }
        }
        let mut schema = Map::new();
        schema.insert("type".into(), json!("object"));
        schema.insert("properties".into(), Value::Object(properties));
        if !required.is_empty() {
            schema.insert("required".into(), Value::Array(required.clone()));
        }
        let mut content = Map::new();
        for m in media {
            let mut entry = json!({ "schema": Value::Object(schema.clone()) });
            if !encoding.is_empty() {
                entry["encoding"] = Value::Object(encoding.clone());
            }
            content.insert(m.to_owned(), entry);
        }
        Ok(Some(json!({ "content": Value::Object(content), "required": !required.is_empty() })))
    }

    /// A response: its schema under each media type it is produced as.
    fn response(&mut self, response: Value, from: &str, to: &str, produces: &Option<Vec<String>>) -> Value {
        let Value::Object(mut response) = response else { return response };
        if let Some(Value::String(reference)) = response.get("$ref") {
            let reference = reference.replacen("#/responses/", "#/components/responses/", 1);
            return json!({ "$ref": reference });
        }
        self.origins.add(to, from);
        let mut out = Map::new();
        out.insert("description".into(), response.remove("description").unwrap_or_else(|| json!("")));
        let examples = response.remove("examples");
        if let Some(mut schema) = response.remove("schema") {
            if schema.get("type").and_then(Value::as_str) == Some("file") {
                schema = json!({"type": "string", "format": "binary"});
            }
            let media = produces.clone().unwrap_or_else(|| vec!["application/json".to_owned()]);
            let media = if media.is_empty() { vec!["application/json".to_owned()] } else { media };
            let binary = schema.get("format").and_then(Value::as_str) == Some("binary");
            let mut content = Map::new();
            for m in media.into_iter().filter(|m| !(binary && is_json(m))) {
                self.origins.add(
                    pointer_join(&pointer_join(&pointer_join(to, "content"), &m), "schema"),
                    pointer_join(from, "schema"),
                );
                let mut entry = json!({ "schema": schema });
                if let Some(example) = examples.as_ref().and_then(|e| e.get(&m)) {
                    entry["example"] = example.clone();
                }
                content.insert(m, entry);
            }
            if content.is_empty() {
                // A file, documented with JSON (or no) media types only.
                content.insert("application/octet-stream".to_owned(), json!({ "schema": schema }));
            }
            out.insert("content".into(), Value::Object(content));
        }
        if let Some(Value::Object(headers)) = response.remove("headers") {
            let mut converted = Map::new();
            for (name, header) in headers {
                let header_from = pointer_join(&pointer_join(from, "headers"), &name);
                let header_to = pointer_join(&pointer_join(to, "headers"), &name);
                self.origins.add(pointer_join(&header_to, "schema"), header_from);
                let Value::Object(mut header) = header else { continue };
                let schema = take_schema(&mut header);
                header.remove("collectionFormat");
                header.insert("schema".into(), Value::Object(schema));
                converted.insert(name, Value::Object(header));
            }
            out.insert("headers".into(), Value::Object(converted));
        }
        for (key, value) in response {
            if key.starts_with("x-") {
                out.insert(key, value);
            }
        }
        Value::Object(out)
    }

    fn security_scheme(&mut self, scheme: Value, at: &str) -> Value {
        let Value::Object(scheme) = scheme else { return scheme };
        let mut out = Map::new();
        for (key, value) in &scheme {
            if key == "description" || key.starts_with("x-") {
                out.insert(key.clone(), value.clone());
            }
        }
        match scheme.get("type").and_then(Value::as_str) {
            Some("basic") => {
                out.insert("type".into(), json!("http"));
                out.insert("scheme".into(), json!("basic"));
            }
            Some("apiKey") => {
                out.insert("type".into(), json!("apiKey"));
                out.insert("name".into(), scheme.get("name").cloned().unwrap_or(json!("")));
                out.insert("in".into(), scheme.get("in").cloned().unwrap_or(json!("header")));
            }
            Some("oauth2") => {
                let flow = scheme.get("flow").and_then(Value::as_str).unwrap_or("implicit");
                let name = match flow {
                    "password" => "password",
                    "application" => "clientCredentials",
                    "accessCode" => "authorizationCode",
                    _ => "implicit",
                };
                let text = |key: &str| scheme.get(key).cloned().unwrap_or(json!(""));
                let mut entry = Map::new();
                if matches!(name, "implicit" | "authorizationCode") {
                    entry.insert("authorizationUrl".into(), text("authorizationUrl"));
                }
                if name != "implicit" {
                    entry.insert("tokenUrl".into(), text("tokenUrl"));
                }
                entry.insert("scopes".into(), scheme.get("scopes").cloned().unwrap_or(json!({})));
                out.insert("type".into(), json!("oauth2"));
                out.insert("flows".into(), json!({ name: Value::Object(entry) }));
            }
            other => {
                self.note(
                    at,
                    format!("security scheme type {other:?} is not a Swagger 2.0 type; kept as an API key header"),
                );
                out.insert("type".into(), json!("apiKey"));
                out.insert("name".into(), json!("Authorization"));
                out.insert("in".into(), json!("header"));
            }
        }
        Value::Object(out)
    }
}

#[derive(Clone)]
enum Param {
    Body { param: Value, at: String },
    Form { param: Value, at: String },
    Other(Value),
}

impl Param {
    fn name(&self) -> Option<&str> {
        match self {
            Param::Body { param, .. } | Param::Form { param, .. } => param.get("name").and_then(Value::as_str),
            Param::Other(_) => None,
        }
    }
}

fn is_json(media: &str) -> bool {
    let essence = media.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    essence == "application/json" || essence.ends_with("+json")
}

fn parent_of(pointer: &str) -> String {
    pointer.rsplit_once('/').map_or_else(String::new, |(parent, _)| parent.to_owned())
}

/// Moves the schema keywords of a 2.0 parameter, header or items object out
/// into a schema (nested `items` too).
fn take_schema(object: &mut Map<String, Value>) -> Map<String, Value> {
    let mut schema = Map::new();
    for key in SCHEMA_KEYS {
        if let Some(value) = object.remove(*key) {
            let value = match (key, value) {
                (&"items", Value::Object(mut items)) => {
                    let mut inner = take_schema(&mut items);
                    if let Some(Value::String(r)) = items.get("$ref") {
                        inner.insert("$ref".into(), json!(r));
                    }
                    Value::Object(inner)
                }
                (_, value) => value,
            };
            schema.insert((*key).to_owned(), value);
        }
    }
    schema
}

/// `#/definitions/X` -> `#/components/schemas/X`, and likewise parameters and responses.
fn rewrite_refs(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                if key == "$ref" {
                    if let Value::String(r) = child {
                        for (from, to) in [
                            ("#/definitions/", "#/components/schemas/"),
                            ("#/parameters/", "#/components/parameters/"),
                            ("#/responses/", "#/components/responses/"),
                        ] {
                            if let Some(rest) = r.strip_prefix(from) {
                                *r = format!("{to}{rest}");
                                break;
                            }
                        }
                    }
                } else {
                    rewrite_refs(child);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(rewrite_refs),
        _ => {}
    }
}

/// The schema keywords 2.0 writes differently: `x-nullable`, `type: file`,
/// a discriminator given as a property name.
fn schema_fixes(schema: &mut Value, pointer: &str, origins: &Origins, notes: &mut Notes) {
    let Value::Object(map) = schema else { return };
    if let Some(nullable) = map.shift_remove("x-nullable") {
        if nullable == json!(true) {
            map.insert("nullable".into(), json!(true));
        }
    }
    if map.get("type").and_then(Value::as_str) == Some("file") {
        map.insert("type".into(), json!("string"));
        map.insert("format".into(), json!("binary"));
    }
    if let Some(Value::String(property)) = map.get("discriminator").cloned() {
        map.insert("discriminator".into(), json!({ "propertyName": property }));
    }
    if let Some(items) = map.get("items") {
        if items.is_array() {
            notes.push((
                origins.source(&pointer_join(pointer, "items")),
                "`items` as a list (a tuple) is read as its first schema".to_owned(),
            ));
            let first = items.get(0).cloned().unwrap_or_else(|| json!({}));
            map.insert("items".into(), first);
        }
    }
}
