//! Swagger 2.0 and OpenAPI 3.1 documents: converted to the 3.0 model, with
//! every error and warning pointing into the file as the user wrote it.

use crate::support::lower_text;
use esign_codegen::load::{load_str, SpecVersion};

const SWAGGER: &str = "swagger: '2.0'\ninfo: {title: t, version: '1'}\nhost: api.example.test\nbasePath: /v1\n";
const OPENAPI31: &str = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\n";

fn pointers(warnings: &[esign_codegen::Warning]) -> Vec<&str> {
    warnings.iter().filter_map(|w| w.location.pointer.as_deref()).collect()
}

#[test]
fn swagger_2_errors_point_into_the_2_0_file() {
    // A dangling reference inside a definition: a warning under
    // /definitions, naming the reference as the file writes it.
    let text = format!(
        "{SWAGGER}paths: {{}}\ndefinitions:\n  Pet:\n    type: object\n    properties:\n      owner:\n        $ref: '#/definitions/Nobody'\n"
    );
    let lowered = lower_text("s.yaml", &text).expect("generates");
    assert_eq!(pointers(&lowered.warnings), ["/definitions/Pet/properties/owner/$ref"]);
    assert!(lowered.warnings[0].message.contains("`#/definitions/Nobody` does not resolve"), "{:?}", lowered.warnings);

    // A body parameter's schema: reported at the parameter, not the request body.
    let text = format!(
        "{SWAGGER}paths:\n  /pets:\n    post:\n      parameters:\n        - name: X-Trace\n          in: header\n          type: string\n        - name: body\n          in: body\n          schema:\n            type: object\n            properties:\n              tags: {{type: array, items: {{$ref: '#/definitions/Tag'}}}}\n      responses:\n        '200': {{description: ok}}\n"
    );
    let lowered = lower_text("s.yaml", &text).expect("generates");
    assert_eq!(pointers(&lowered.warnings), ["/paths/~1pets/post/parameters/1/schema/properties/tags/items/$ref"]);
    assert!(lowered.warnings[0].message.contains("`#/definitions/Tag`"), "{:?}", lowered.warnings);

    // A query parameter's type keywords live on the parameter itself in 2.0.
    let text = format!(
        "{SWAGGER}paths:\n  /pets:\n    get:\n      parameters:\n        - name: kind\n          in: query\n          type: array\n          items: {{$ref: '#/definitions/Kind'}}\n      responses:\n        '200': {{description: ok}}\n"
    );
    let lowered = lower_text("s.yaml", &text).expect("generates");
    assert_eq!(pointers(&lowered.warnings), ["/paths/~1pets/get/parameters/0/items/$ref"]);
}

#[test]
fn swagger_2_conversions() {
    let text = format!(
        "{SWAGGER}schemes: [https]\nconsumes: [application/json]\nproduces: [application/json]\npaths:\n  /pets:\n    get:\n      operationId: listPets\n      parameters:\n        - {{name: ids, in: query, type: array, items: {{type: string}}}}\n        - {{name: kinds, in: query, type: array, collectionFormat: multi, items: {{type: string}}}}\n        - {{name: fields, in: query, type: array, collectionFormat: tsv, items: {{type: string}}}}\n      responses:\n        '200':\n          description: ok\n          schema: {{type: array, items: {{$ref: '#/definitions/Pet'}}}}\ndefinitions:\n  Pet:\n    type: object\n    properties:\n      name: {{type: string, x-nullable: true}}\n"
    );
    let doc = load_str("s.yaml", &text).expect("loads");
    assert_eq!(doc.version, SpecVersion::Swagger2);
    assert_eq!(doc.api.servers[0].url, "https://api.example.test/v1");
    // tsv has no 3.0 equivalent: a located warning.
    assert_eq!(pointers(&doc.warnings), ["/paths/~1pets/get/parameters/2/collectionFormat"]);
    let lowered = lower_text("s.yaml", &text).expect("lowers");
    let op = &lowered.api.operations[0];
    let explode: Vec<(bool, char)> = op.params.iter().map(|p| (p.explode, p.delimiter)).collect();
    assert_eq!(explode, [(false, ','), (true, ','), (false, ',')]);
}

#[test]
fn openapi_3_1_lossy_conversions_are_located_warnings() {
    let text = format!(
        "{OPENAPI31}jsonSchemaDialect: https://json-schema.org/draft/2020-12/schema\npaths: {{}}\ncomponents:\n  schemas:\n    Point:\n      type: array\n      prefixItems: [{{type: number}}, {{type: string}}]\n    Big:\n      type: integer\n      maximum: 18446744073709551616\n    Checked:\n      type: object\n      if: {{required: [a]}}\n      then: {{required: [b]}}\n"
    );
    let doc = load_str("s.yaml", &text).expect("loads");
    assert_eq!(doc.version, SpecVersion::OpenApi31);
    assert_eq!(
        pointers(&doc.warnings),
        [
            "/jsonSchemaDialect",
            "/components/schemas/Point/prefixItems",
            "/components/schemas/Checked/if",
            "/components/schemas/Checked/then",
            "/components/schemas/Big/maximum",
        ]
    );
}

#[test]
fn openapi_3_1_errors_point_into_the_3_1_file() {
    // Inside the one real branch of `anyOf: [X, null]`, which conversion lifts.
    let text = format!(
        "{OPENAPI31}paths: {{}}\ncomponents:\n  schemas:\n    Pet:\n      type: object\n      properties:\n        tags:\n          anyOf:\n            - type: array\n              items: {{$ref: '#/components/schemas/Missing'}}\n            - type: 'null'\n"
    );
    let lowered = lower_text("s.yaml", &text).expect("generates");
    assert_eq!(pointers(&lowered.warnings), ["/components/schemas/Pet/properties/tags/anyOf/0/items/$ref"]);

    // A reusable path item: reported where it is written.
    let text = format!(
        "{OPENAPI31}paths:\n  /pets:\n    $ref: '#/components/pathItems/Pets'\ncomponents:\n  pathItems:\n    Pets:\n      get:\n        responses:\n          '200':\n            description: ok\n            content:\n              application/json:\n                schema: {{$ref: '#/components/schemas/Nope'}}\n"
    );
    let lowered = lower_text("s.yaml", &text).expect("generates");
    assert_eq!(
        pointers(&lowered.warnings),
        ["/components/pathItems/Pets/get/responses/200/content/application~1json/schema/$ref"]
    );
}

#[test]
fn webhooks_from_3_1_and_x_webhooks() {
    let hook = "    post:\n      requestBody:\n        content:\n          application/json:\n            schema: {$ref: '#/components/schemas/Event'}\n      responses:\n        '200': {description: ok}\n";
    let schemas =
        "components:\n  schemas:\n    Event:\n      type: object\n      properties:\n        id: {type: string}\n";
    let text = format!("{OPENAPI31}paths: {{}}\nwebhooks:\n  created:\n{hook}{schemas}");
    let lowered = lower_text("s.yaml", &text).expect("lowers");
    assert_eq!(lowered.api.webhooks.len(), 1);
    let webhook = &lowered.api.webhooks[0];
    assert_eq!((webhook.name.as_str(), lowered.api.type_name(webhook.payload)), ("created", "Event"));
    let text = format!(
        "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths: {{}}\nx-webhooks:\n  created:\n{hook}{schemas}"
    );
    let lowered = lower_text("s.yaml", &text).expect("lowers");
    assert_eq!(lowered.api.webhooks.len(), 1);
    // `x-webhooks` written the 2.0 way: skipped with a located warning.
    let text = format!(
        "{SWAGGER}paths: {{}}\nx-webhooks:\n  created:\n    post:\n      parameters:\n        - {{name: body, in: body, schema: {{type: object}}}}\n      responses:\n        '200': {{description: ok}}\n"
    );
    let doc = load_str("s.yaml", &text).expect("loads");
    assert!(doc.webhooks.is_empty());
    assert_eq!(doc.warnings.len(), 1, "{:?}", doc.warnings);
    let at = doc.warnings[0].location.pointer.as_deref().unwrap_or("");
    assert!(at.starts_with("/x-webhooks/created"), "{}", doc.warnings[0]);
}

#[test]
fn swagger_2_fixture_converts_each_construct() {
    let text = std::fs::read_to_string(crate::support::workspace_root().join("tests/fixtures/swagger2.yaml")).unwrap();
    let lowered = lower_text("swagger2.yaml", &text).expect("lowers");
    let api = &lowered.api;
    assert_eq!(
        api.servers.iter().map(|s| s.url.as_str()).collect::<Vec<_>>(),
        ["https://api.example.test/v2", "http://api.example.test/v2"]
    );
    let op = |name: &str| api.operations.iter().find(|o| o.method_name == name).unwrap();
    assert!(matches!(op("create_document").body.as_ref().unwrap().kind, esign_codegen::ir::BodyKind::Json(..)));
    assert!(matches!(
        op("upload_document_file").body.as_ref().unwrap().kind,
        esign_codegen::ir::BodyKind::Multipart(..)
    ));
    assert!(matches!(op("login").body.as_ref().unwrap().kind, esign_codegen::ir::BodyKind::Form(..)));
    let fields = op("list_documents").params.iter().find(|p| p.wire_name == "fields").unwrap();
    assert_eq!(fields.delimiter, '|');
    let download = op("download_document");
    let body_of = |code: u16| {
        download.responses.iter().find(|r| r.status == esign_codegen::ir::StatusMatch::Code(code)).map(|r| &r.body)
    };
    assert_eq!(body_of(200), Some(&esign_codegen::ir::ResponseBody::Bytes));
    assert!(matches!(body_of(404), Some(esign_codegen::ir::ResponseBody::Json(_))));
    assert_eq!(api.security.len(), 3);
}
