//! Loading small inline specs: YAML and JSON, the version conversions and
//! the pointers they map back, and located errors for what is not a spec.

use super::{load_bytes, load_str, SpecVersion};
use crate::error::ErrorKind;

const YAML: &str = "openapi: 3.0.3\ninfo:\n  title: Pets\n  version: '2'\npaths:\n  /pets:\n    get:\n      operationId: listPets\n      responses:\n        '200':\n          description: ok\n";

#[test]
fn yaml_and_json_load_to_the_same_model() {
    let yaml = load_str("pets.yaml", YAML).expect("yaml loads");
    let json_text = r#"{"openapi": "3.0.3", "info": {"title": "Pets", "version": "2"},
        "paths": {"/pets": {"get": {"operationId": "listPets", "responses": {"200": {"description": "ok"}}}}}}"#;
    let json = load_str("pets.json", json_text).expect("json loads");
    for doc in [&yaml, &json] {
        assert_eq!(doc.version, SpecVersion::OpenApi30);
        assert_eq!(doc.api.info.title, "Pets");
        assert_eq!(doc.api.info.version, "2");
        assert_eq!(doc.api.paths.paths.keys().collect::<Vec<_>>(), ["/pets"]);
        assert!(doc.warnings.is_empty(), "{:?}", doc.warnings);
    }
    assert_eq!(yaml.api, json.api);
    assert_eq!(yaml.file, "pets.yaml");
}

#[test]
fn a_byte_order_mark_is_allowed() {
    let doc = load_bytes("pets.yaml", format!("\u{feff}{YAML}").as_bytes()).expect("loads");
    assert_eq!(doc.api.info.title, "Pets");
}

#[test]
fn swagger_2_is_converted_and_its_pointers_map_back() {
    let text = "swagger: '2.0'\ninfo:\n  title: Old\n  version: '1'\npaths: {}\ndefinitions:\n  Pet:\n    type: object\n    properties:\n      name: {type: string}\n";
    let doc = load_str("old.yaml", text).expect("loads");
    assert_eq!(doc.version, SpecVersion::Swagger2);
    let schemas = &doc.api.components.as_ref().expect("components").schemas;
    assert!(schemas.contains_key("Pet"), "{:?}", schemas.keys().collect::<Vec<_>>());
    assert_eq!(doc.origins.source("/components/schemas/Pet/properties/name"), "/definitions/Pet/properties/name");
    assert_eq!(doc.locate("/components/schemas/Pet").pointer.as_deref(), Some("/definitions/Pet"));
}

#[test]
fn openapi_3_1_is_recognised() {
    let text = YAML.replace("3.0.3", "3.1.0");
    let doc = load_str("new.yaml", &text).expect("loads");
    assert_eq!(doc.version, SpecVersion::OpenApi31);
    assert_eq!(doc.api.info.title, "Pets");
}

#[test]
fn an_empty_file_is_an_error_at_its_start() {
    let err = load_str("empty.yaml", "  \n").expect_err("empty");
    assert_eq!(err.kind, ErrorKind::Invalid);
    assert_eq!(err.location.file, "empty.yaml");
    assert_eq!(err.location.line_col, Some((1, 1)));
}

#[test]
fn a_yaml_syntax_error_says_where() {
    let err = load_str("bad.yaml", "openapi: 3.0.3\ninfo: [unclosed\n").expect_err("bad yaml");
    assert_eq!(err.kind, ErrorKind::Syntax);
    let (line, _) = err.location.line_col.expect("a position");
    assert!(line >= 2, "line {line}");
}

#[test]
fn a_json_syntax_error_says_where() {
    let err = load_str("bad.json", "{\"openapi\": \"3.0.3\",\n  \"info\": }").expect_err("bad json");
    assert_eq!(err.kind, ErrorKind::Syntax);
    assert_eq!(err.location.line_col.map(|(line, _)| line), Some(2));
}

#[test]
fn a_document_that_is_not_a_mapping_is_refused() {
    let err = load_str("list.yaml", "- a\n- b\n").expect_err("a list");
    assert_eq!(err.kind, ErrorKind::Invalid);
    assert!(err.message.contains("expected a mapping"), "{}", err.message);
}

#[test]
fn invalid_utf8_is_refused_with_its_position() {
    let mut bytes = b"openapi: 3.0.3\ninfo: ".to_vec();
    bytes.push(0xff);
    let err = load_bytes("bin.yaml", &bytes).expect_err("not utf-8");
    assert_eq!(err.kind, ErrorKind::Syntax);
    assert_eq!(err.location.line_col.map(|(line, _)| line), Some(2));
}
