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
