//! Specs that are wrong, or use what the generator cannot emit: each gives
//! a clear error with its location, never a panic, never output.

use crate::support::lower_text;
use esign_codegen::{ErrorKind, OnUnsupported, SpecInput};

const HEADER: &str = "openapi: 3.0.3\ninfo:\n  title: t\n  version: '1'\n";

fn error_of(name: &str, text: &str) -> esign_codegen::Error {
    match lower_text(name, text) {
        Ok(_) => panic!("{name} should not lower"),
        Err(err) => err,
    }
}

#[test]
fn empty_file() {
    let err = error_of("specs/empty.yaml", "  \n");
    assert_eq!(err.kind, ErrorKind::Invalid);
    assert_eq!(err.to_string(), "specs/empty.yaml:1:1: invalid spec: the file is empty; expected an OpenAPI document");
    // Only comments: a document with nothing in it, located too.
    let err = error_of("specs/comments.yaml", "# nothing here\n");
    assert_eq!(err.location.line_col, Some((1, 1)), "{err}");
    assert!(err.message.contains("found null"), "{err}");
}

#[test]
fn invalid_yaml_names_line_and_column() {
    let err = error_of("specs/broken.yaml", "openapi: 3.0.3\ninfo:\n  title: [unclosed\n  version: 1\n");
    assert_eq!(err.kind, ErrorKind::Syntax);
    let (line, _col) = err.location.line_col.expect("yaml errors carry a position");
    assert!((3..=5).contains(&line), "{err}");
    assert!(err.to_string().starts_with(&format!("specs/broken.yaml:{line}:")), "{err}");
}

#[test]
fn invalid_json_names_line_and_column() {
    let err = error_of("spec.json", "{\n  \"openapi\": \"3.0.3\",\n  \"info\": {,}\n}");
    assert_eq!(err.kind, ErrorKind::Syntax);
    assert_eq!(err.location.line_col, Some((3, 12)), "{err}");
}

#[test]
fn not_utf8() {
    let err = esign_codegen::load::load_bytes("bin.yaml", b"openapi: 3.0.3\n\xff\xfe").unwrap_err();
    assert_eq!(err.kind, ErrorKind::Syntax);
    assert_eq!(err.location.line_col, Some((2, 1)));
}

#[test]
fn wrong_type_names_the_json_pointer() {
    let text = format!("{HEADER}paths:\n  /a:\n    get:\n      responses: 7\n");
    let err = error_of("specs/t.yaml", &text);
    assert_eq!(err.kind, ErrorKind::Invalid);
    assert_eq!(err.location.pointer.as_deref(), Some("/paths/~1a/get/responses"), "{err}");
}

#[test]
fn unknown_versions_are_refused_by_name() {
    let err = error_of("s.yaml", "swagger: '1.2'\ninfo: {title: t, version: '1'}\npaths: {}\n");
    assert_eq!(err.kind, ErrorKind::Unsupported);
    assert_eq!(err.location.pointer.as_deref(), Some("/swagger"));
    assert!(err.message.contains("1.2"), "{err}");
    let err = error_of("s.yaml", "openapi: 3.2.0\ninfo: {title: t, version: '1'}\npaths: {}\n");
    assert_eq!(err.location.pointer.as_deref(), Some("/openapi"));
    assert!(err.message.contains("3.2.0"), "{err}");
}

#[test]
fn yaml_merge_key_errors_are_located() {
    let err = error_of("specs/t.yaml", "openapi: 3.0.3\ninfo:\n  title: t\n  version: '1'\npaths:\n  /a:\n    <<: 7\n");
    assert_eq!(err.kind, ErrorKind::Syntax);
    assert!(err.location.line_col.is_some(), "{err}");
    assert!(err.message.contains("merge key"), "{err}");
}

#[test]
fn alias_bombs_are_refused_quickly_with_the_cap() {
    // 10,000 x 100 x 10 expansions from a file of about 60 KB.
    let mut text = String::from(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\nx-a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n",
    );
    text.push_str(&format!("x-b: &b [{}]\n", vec!["*a"; 100].join(", ")));
    text.push_str(&format!("x-c: [{}]\n", vec!["*b"; 10_000].join(", ")));
    assert!(text.len() < 64 * 1024, "{}", text.len());
    let started = std::time::Instant::now();
    let err = error_of("specs/bomb.yaml", &text);
    // Well under a second in a release build (BENCHMARKS.md); a debug build takes longer.
    assert!(started.elapsed() < std::time::Duration::from_secs(30), "{:?}", started.elapsed());
    assert_eq!(err.kind, ErrorKind::Syntax);
    assert!(err.location.line_col.is_some(), "{err}");
    assert!(err.message.contains("more than 1000000 nodes"), "{err}");
}

/// YAML aliases repeat one node many times; the output grows with the
/// file, not with the expanded document: a schema repeated by an alias (or
/// whose `enum` list is an alias) is one type.
#[test]
fn aliased_enums_are_one_type_so_the_output_grows_with_the_file() {
    let values: Vec<String> = (0..1000).map(|i| format!("v{i}")).collect();
    let mut text = format!(
        "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths: {{}}\nx-values: &v [{}]\n\
         x-schema: &e {{type: string, enum: *v}}\ncomponents:\n  schemas:\n    S:\n      type: object\n      properties:\n",
        values.join(", ")
    );
    for i in 0..300 {
        // Aliased lists, under their own descriptions, and aliased schemas.
        text.push_str(&format!("        l{i}: {{type: string, description: 'Field {i}.', enum: *v}}\n"));
        text.push_str(&format!("        s{i}: *e\n"));
    }
    let lowered = lower_text("specs/aliases.yaml", &text).expect("generates");
    let enums = lowered.api.types.iter().filter(|t| matches!(t.kind, esign_codegen::ir::TypeKind::Enum(_))).count();
    assert_eq!(enums, 1, "one enum for 600 aliased uses");
    let generated = esign_codegen::generate_crate_from_bytes(
        &[("aliases.yaml".to_owned(), text.clone().into_bytes())],
        &crate::fixtures::fixture_options(),
    )
    .expect("generates");
    let types = generated.files.iter().find(|f| f.path.ends_with("types.rs")).expect("a types file");
    // The enum once (about 1000 variants of a few lines), and 600 fields.
    assert!(
        types.contents.len() < 10 * text.len(),
        "{} bytes of types from {} of spec",
        types.contents.len(),
        text.len()
    );
    assert!(
        types.contents.contains("Field 0.") && types.contents.contains("Field 299."),
        "each field keeps its own description"
    );
}

#[test]
fn a_byte_order_mark_and_numbers_beyond_64_bits_load() {
    let text = "\u{feff}openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    N:\n      type: integer\n      minimum: -9223372036854776000\n      x-big: 340282366920938463463374607431768211456\n";
    let lowered = lower_text("specs/t.yaml", text).expect("loads");
    let doc = esign_codegen::load::load_str("specs/t.yaml", text).expect("loads");
    assert_eq!(lowered.warnings, doc.warnings, "loading's warning is the only one");
    assert_eq!(doc.warnings.len(), 1, "{:?}", doc.warnings);
    assert_eq!(doc.warnings[0].location.pointer.as_deref(), Some("/components/schemas/N/minimum"));
    assert!(doc.warnings[0].message.contains("dropped from the bounds"), "{}", doc.warnings[0]);
}

#[test]
fn dangling_ref() {
    // A reference to nothing is a defect of that one schema: read as any
    // JSON value, with a warning where it is (an error under `--strict`).
    let text = format!(
        "{HEADER}paths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema:\n                $ref: '#/components/schemas/Missing'\n"
    );
    let lowered = lower_text("specs/t.yaml", &text).expect("generates");
    let warnings: Vec<String> = lowered.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        warnings,
        ["specs/t.yaml: #/paths/~1a/get/responses/200/content/application~1json/schema/$ref: warning: \
          `#/components/schemas/Missing` does not resolve; read as any JSON value"]
    );
    let op = &lowered.api.operations[0];
    assert_eq!(op.responses[0].body, esign_codegen::ir::ResponseBody::Json(esign_codegen::ir::TypeRef::Json));
}

/// A response `$ref` that leads to a schema (or nothing) leaves the
/// operation in: that status is documented with no body, and warned about.
#[test]
fn a_response_reference_to_another_kind_is_a_response_with_no_body() {
    let text = format!(
        "{HEADER}paths:\n  /a:\n    get:\n      operationId: getA\n      responses:\n        '200':\n          description: ok\n        '400':\n          $ref: '#/components/schemas/BadRequest'\ncomponents:\n  schemas:\n    BadRequest: {{type: object}}\n"
    );
    let lowered = lower_text("specs/t.yaml", &text).expect("generates");
    assert_eq!(lowered.api.operations.len(), 1);
    let op = &lowered.api.operations[0];
    assert_eq!(op.responses.len(), 2);
    assert_eq!(op.responses[1].body, esign_codegen::ir::ResponseBody::Empty);
    let warnings: Vec<String> = lowered.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        warnings,
        ["specs/t.yaml: #/paths/~1a/get/responses/400/$ref: warning: `#/components/schemas/BadRequest` does not \
          resolve; expected a response under #/components/responses; read as a response with no body"]
    );
}

#[test]
fn references_below_a_component_or_to_another_kind() {
    // A pointer below a component schema is that schema, made a component
    // of its own once; a reference to a parameter where a schema goes is
    // any JSON value, with a warning.
    let text = format!(
        "{HEADER}paths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema:\n                type: object\n                properties:\n                  fs: {{$ref: '#/components/schemas/Disk/properties/filesystem'}}\n                  again: {{$ref: '#/components/schemas/Disk/properties/filesystem'}}\n                  odd: {{$ref: '#/components/parameters/Id'}}\n                  group: {{$ref: '#/components/schemas/Disk/definitions/kinds'}}\ncomponents:\n  parameters:\n    Id: {{name: id, in: query, schema: {{type: string}}}}\n  schemas:\n    Disk:\n      type: object\n      properties:\n        filesystem: {{type: string, enum: [raw, ext4]}}\n      definitions:\n        kinds:\n          type: {{type: string}}\n"
    );
    let lowered = lower_text("specs/t.yaml", &text).expect("generates");
    let names: Vec<&str> = lowered.api.types.iter().map(|t| t.name.as_str()).collect();
    assert!(names.contains(&"DiskFilesystem"), "{names:?}");
    assert_eq!(names.iter().filter(|n| n.starts_with("DiskFilesystem")).count(), 1, "{names:?}");
    let warnings: Vec<String> = lowered.warnings.iter().map(ToString::to_string).collect();
    // A map of schemas under a keyword OpenAPI 3.0 does not have is not one.
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(warnings[0].contains("properties/odd/$ref") && warnings[0].contains("is not a schema"), "{warnings:?}");
    assert!(warnings[1].contains("properties/group/$ref") && warnings[1].contains("is not a schema"), "{warnings:?}");
}

#[test]
fn duplicate_operation_id() {
    let text = format!(
        "{HEADER}paths:\n  /a:\n    get:\n      operationId: same\n      responses: {{'200': {{description: ok}}}}\n  /b:\n    get:\n      operationId: same\n      responses: {{'200': {{description: ok}}}}\n"
    );
    let err = error_of("specs/t.yaml", &text);
    assert_eq!(err.location.pointer.as_deref(), Some("/paths/~1b/get/operationId"));
    assert!(err.message.contains("duplicate operationId `same`, first used at #/paths/~1a/get"), "{err}");
}

#[test]
fn path_template_names_an_undeclared_parameter() {
    // Taken as a required string path parameter, with a located warning.
    let text = format!("{HEADER}paths:\n  /a/{{id}}:\n    get:\n      operationId: getA\n      responses: {{'200': {{description: ok}}}}\n");
    let lowered = lower_text("specs/t.yaml", &text).expect("lowers");
    let op = &lowered.api.operations[0];
    assert_eq!(op.params.len(), 1);
    assert!(op.params[0].required && op.params[0].wire_name == "id");
    assert_eq!(lowered.warnings.len(), 1);
    assert_eq!(lowered.warnings[0].location.pointer.as_deref(), Some("/paths/~1a~1{id}/get"));
    assert!(lowered.warnings[0].message.contains("`{id}`"), "{}", lowered.warnings[0]);
    // A template naming one parameter twice still has no plain reading.
    let text =
        format!("{HEADER}paths:\n  /a/{{id}}/{{id}}:\n    get:\n      responses: {{'200': {{description: ok}}}}\n");
    let err = error_of("specs/t.yaml", &text);
    assert!(err.message.contains("twice"), "{err}");
}

#[test]
fn unsupported_construct_is_named_with_its_pointer() {
    let text = format!(
        "{HEADER}paths: {{}}\ncomponents:\n  schemas:\n    Remote:\n      type: object\n      properties:\n        pet:\n          $ref: 'pets.yaml#/components/schemas/Pet'\n"
    );
    let err = error_of("specs/t.yaml", &text);
    assert_eq!(err.kind, ErrorKind::Unsupported);
    assert_eq!(err.location.pointer.as_deref(), Some("/components/schemas/Remote/properties/pet/$ref"));
    assert!(err.message.contains("external reference `pets.yaml#/components/schemas/Pet`"), "{err}");
}

#[test]
fn bad_vendor_extension_values() {
    let text = format!(
        "{HEADER}paths: {{}}\ncomponents:\n  schemas:\n    E:\n      type: string\n      enum: [a]\n      x-esign-values:\n        b:\n          description: not a value of the enum\n"
    );
    let err = error_of("specs/t.yaml", &text);
    assert_eq!(err.location.pointer.as_deref(), Some("/components/schemas/E/x-esign-values/b"));
    let text = format!(
        "{HEADER}paths: {{}}\ncomponents:\n  schemas:\n    E:\n      type: string\n      enum: [a]\n      x-esign-values:\n        a:\n          http-status: 999\n"
    );
    let err = error_of("specs/t.yaml", &text);
    assert_eq!(err.location.pointer.as_deref(), Some("/components/schemas/E/x-esign-values/a/http-status"));
}

/// The skip flag generates the rest and lists what it skipped.
#[test]
fn skip_flag_lists_every_skipped_operation() {
    let text = format!(
        "{HEADER}paths:\n  /a/{{id}}/{{id}}:\n    post:\n      operationId: broken\n      parameters: [{{name: id, in: path, required: true, schema: {{type: string}}}}]\n      responses: {{'200': {{description: ok}}}}\n  /b:\n    get:\n      operationId: fine\n      responses: {{'200': {{description: ok}}}}\n"
    );
    let doc = esign_codegen::load::load_str("specs/t.yaml", &text).unwrap();
    let lowered = esign_codegen::lower_document(&doc, "t", OnUnsupported::Skip).unwrap();
    let names: Vec<&str> = lowered.api.operations.iter().map(|o| o.method_name.as_str()).collect();
    assert_eq!(names, ["fine"]);
    assert_eq!(lowered.skipped.len(), 1);
    let pointer = lowered.skipped[0].location.pointer.clone().unwrap_or_default();
    assert!(pointer.starts_with("/paths/~1a~1{id}~1{id}/post"), "{pointer}");
}

/// A bad spec among good ones produces no files at all.
#[test]
fn a_failing_spec_yields_no_output() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.yaml");
    let bad = dir.path().join("bad.yaml");
    std::fs::write(&good, format!("{HEADER}paths: {{}}\n")).unwrap();
    std::fs::write(&bad, "openapi: [\n").unwrap();
    let options = crate::support::crate_options("x", esign_codegen::RuntimeDep::Vendored);
    let err = esign_codegen::generate_crate(
        &[SpecInput::new(&good, "good.yaml"), SpecInput::new(&bad, "bad.yaml")],
        &options,
    )
    .unwrap_err();
    assert_eq!(err.location.file, "bad.yaml");
    assert!(std::fs::read_dir(dir.path()).unwrap().count() == 2, "nothing was written");
}

#[test]
fn yaml_quirks_integer_keys_anchors_and_merge_keys() {
    let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      operationId: getA\n      responses:\n        200:\n          description: ok\n          content:\n            application/json:\n              schema:\n                $ref: '#/components/schemas/Child'\ncomponents:\n  schemas:\n    Base: &base\n      type: object\n      properties:\n        id: {type: string}\n    Child:\n      <<: *base\n      description: merged\n";
    let lowered = lower_text("specs/t.yaml", text).expect("lowers");
    let child = lowered.api.types.iter().find(|t| t.name == "Child").expect("Child");
    assert_eq!(child.docs, "merged");
    assert!(matches!(&child.kind, esign_codegen::ir::TypeKind::Struct(s) if s.fields[0].wire_name == "id"));
}

#[test]
fn description_refs_warn_and_extension_integer_keys_load() {
    let text = "openapi: 3.0.3\ninfo:\n  title: t\n  version: '1'\n  description:\n    $ref: ./docs/intro.md\n  x-codes:\n    200: ok\n    404: missing\npaths: {}\n";
    let lowered = lower_text("specs/t.yaml", text).expect("lowers");
    assert_eq!(lowered.api.docs, "");
    let doc = esign_codegen::load::load_str("specs/t.yaml", text).unwrap();
    assert_eq!(doc.warnings.len(), 1);
    assert_eq!(doc.warnings[0].location.pointer.as_deref(), Some("/info/description"));
    assert!(doc.warnings[0].to_string().contains("./docs/intro.md"), "{}", doc.warnings[0]);
    assert_eq!(doc.raw["info"]["x-codes"]["200"], "ok");
}

#[test]
fn server_variables_take_their_defaults() {
    let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\nservers:\n  - url: '{protocol}://{host}:{port}/api'\n    variables:\n      protocol: {default: https, enum: [http, https]}\n      host: {default: localhost}\n      port: {default: '6333'}\npaths: {}\n";
    let lowered = lower_text("specs/t.yaml", text).expect("lowers");
    assert_eq!(lowered.api.servers[0].url, "https://localhost:6333/api");
}

/// A server URL naming a variable `variables` does not define (32 specs of
/// the public API directory) leaves that server out with a located
/// warning; the rest of the spec generates, the other servers included.
#[test]
fn an_undeclared_server_variable_leaves_out_that_server_only() {
    let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\nservers:\n  - url: 'https://{account}.example.test/api'\n  - url: https://example.test/api\npaths:\n  /a:\n    get:\n      operationId: a\n      responses: {'200': {description: ok}}\n";
    let doc = esign_codegen::load::load_str("specs/t.yaml", text).unwrap();
    let lowered = esign_codegen::lower_document(&doc, "t", OnUnsupported::Fail).expect("the spec generates");
    assert_eq!(lowered.api.operations.len(), 1);
    let urls: Vec<&str> = lowered.api.servers.iter().map(|s| s.url.as_str()).collect();
    assert_eq!(urls, ["https://example.test/api"]);
    assert_eq!(lowered.warnings.len(), 1, "{:?}", lowered.warnings);
    assert_eq!(lowered.warnings[0].location.pointer.as_deref(), Some("/servers/0/url"));
    assert!(lowered.warnings[0].message.contains("left out"), "{}", lowered.warnings[0]);
}

#[test]
fn what_valid_openapi_writes_the_model_has_no_place_for_is_read() {
    // A response, a parameter and a header given as a `$ref` into another
    // operation, a callback given as a `$ref`, a pattern written as a
    // number, an extension among a discriminator's mapping, and a request
    // body with no media type: all generate, the last three with a warning.
    let text = format!(
        r##"{HEADER}paths:
  /a:
    get:
      operationId: getA
      parameters:
        - name: q
          in: query
          schema: {{type: string, pattern: 123}}
      responses:
        '200':
          description: ok
          headers:
            X-Limit: {{schema: {{type: integer}}}}
          content:
            application/json:
              schema: {{$ref: '#/components/schemas/Pet'}}
        '401':
          description: no
  /b:
    post:
      operationId: postB
      parameters:
        - $ref: '#/paths/~1a/get/parameters/0'
      requestBody:
        content: {{}}
      callbacks:
        done:
          $ref: '#/components/callbacks/Done'
      responses:
        '200':
          description: ok
          headers:
            X-Limit: {{$ref: '#/paths/~1a/get/responses/200/headers/X-Limit'}}
        '401':
          $ref: '#/paths/~1a/get/responses/401'
components:
  callbacks:
    Done:
      '{{$request.body#/url}}':
        post:
          responses: {{'200': {{description: ok}}}}
  schemas:
    Pet:
      oneOf: [{{$ref: '#/components/schemas/Cat'}}, {{$ref: '#/components/schemas/Dog'}}]
      discriminator:
        propertyName: kind
        mapping:
          cat: '#/components/schemas/Cat'
          x-unknown-values: allow
    Cat:
      type: object
      properties:
        kind: {{type: string}}
    Dog:
      type: object
      properties:
        kind: {{type: string}}
"##
    );
    let lowered = lower_text("specs/t.yaml", &text).expect("generates");
    let methods: Vec<&str> = lowered.api.operations.iter().map(|op| op.method_name.as_str()).collect();
    assert_eq!(methods, ["get_a", "post_b"]);
    let post = &lowered.api.operations[1];
    assert_eq!(post.params[0].wire_name, "q", "the parameter of the other operation");
    assert!(post.body.is_none(), "no media type: no body");
    assert_eq!(post.responses.len(), 2);
    let warnings: Vec<(String, &str)> =
        lowered.warnings.iter().map(|w| (w.location.pointer.clone().unwrap_or_default(), w.message.as_str())).collect();
    let at = |pointer: &str, says: &str| {
        assert!(warnings.iter().any(|(p, m)| p == pointer && m.contains(says)), "{pointer}: {says}: {warnings:#?}")
    };
    at("/paths/~1a/get/parameters/0/schema/pattern", "read as \"123\"");
    at("/components/schemas/Pet/discriminator/mapping/x-unknown-values", "is an extension, not a tag value");
    at("/paths/~1b/post/requestBody/content", "no media type");
    assert_eq!(warnings.len(), 3, "{warnings:#?}");
}
