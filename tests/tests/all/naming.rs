//! Naming decisions as a table of cases.

use esign_codegen::naming::{field_name, method_name, type_name, variant_names};

#[test]
fn type_names() {
    for (raw, expected) in [
        ("ErrorResponse", "ErrorResponse"),
        ("chat.v2.service.channel", "ChatV2ServiceChannel"),
        ("keycloak-realm_rep", "KeycloakRealmRep"),
        ("123abc", "T123abc"),
        ("Self", "SelfType"),
        ("Client", "ClientType"),
        ("", "Unnamed"),
    ] {
        assert_eq!(type_name(raw), expected, "type_name({raw:?})");
    }
}

#[test]
fn field_and_method_names() {
    for (raw, expected) in [
        ("error_msg", "error_msg"),
        ("type", "type_"),
        ("self", "self_"),
        ("crate", "crate_"),
        ("async", "async_"),
        ("X-RateLimit-Limit", "x_rate_limit_limit"),
        ("123", "n_123"),
        ("signatureRequestCancel", "signature_request_cancel"),
        ("v1-Delete hostname config", "v1_delete_hostname_config"),
    ] {
        assert_eq!(field_name(raw), expected, "field_name({raw:?})");
    }
    assert_eq!(method_name("signatureRequestCancel"), "signature_request_cancel");
}

#[test]
fn enum_variants_that_differ_only_in_punctuation_stay_distinct() {
    let values: Vec<String> = ["MM / DD / YYYY", "MM - DD - YYYY", "YYYY / MM / DD", "require_0-1", "require_01", "x"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let names = variant_names(&values, "UnknownValue");
    assert_eq!(names, ["MmSlashDdSlashYyyy", "MmDashDdDashYyyy", "YyyyMmDd", "Require0Dash1", "Require01", "X"]);
    let names = variant_names(&["unknown_value".to_owned()], "UnknownValue");
    assert_eq!(names, ["UnknownValue2"]);
}

/// A spec file named `runtime.*` (the public API directory has
/// `amazonaws.com/runtime.lex.json`) would collide with the crate's
/// `runtime` module: it is `runtime_api`, feature `runtime-api`, and the
/// crate generates.
#[test]
fn a_spec_named_runtime_gets_its_own_module_name() {
    assert_eq!(esign_codegen::naming::module_name("runtime"), "runtime_api");
    assert_eq!(esign_codegen::naming::feature_name("runtime"), "runtime-api");
    let spec = "openapi: 3.0.3\ninfo: {title: Lex runtime, version: '1'}\npaths:\n  /bots:\n    get:\n      operationId: listBots\n      responses: {'200': {description: ok}}\n";
    let options = crate::support::crate_options("lex", esign_codegen::RuntimeDep::Version("0.1".to_owned()));
    let generated = esign_codegen::generate_crate_from_bytes(
        &[("runtime.lex.yaml".to_owned(), spec.as_bytes().to_vec())],
        &options,
    )
    .expect("a spec named runtime generates");
    assert!(generated.files.iter().any(|f| f.path.ends_with("src/runtime_api/mod.rs")));
    let lib = generated.files.iter().find(|f| f.path.ends_with("src/lib.rs")).unwrap();
    assert!(lib.contents.contains("pub mod runtime_api;") && lib.contents.contains("runtime"), "{}", lib.contents);
}
