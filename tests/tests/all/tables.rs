//! Dropbox Sign's reference tables and form-field model: every example of
//! the reference deserializes and round-trips, every table is complete, and
//! the validation rules generated from the spec hold at their boundaries.

use esign_client::dropbox_sign::*;
use serde_json::{json, Value};

/// Deserializes into `T` and back; the JSON must come back equal.
fn round_trip<T: serde::de::DeserializeOwned + serde::Serialize>(example: Value) -> T {
    let typed: T = serde_json::from_value(example.clone()).unwrap_or_else(|e| panic!("{e}: {example}"));
    assert_eq!(serde_json::to_value(&typed).unwrap(), example);
    typed
}

#[test]
fn form_fields_per_document_examples_round_trip() {
    let two_fields = json!([[
        {"api_id": "uniqueIdHere_1", "name": "", "placeholder": "", "type": "text", "x": 112, "y": 328,
         "width": 100, "height": 16, "required": true, "signer": 1, "page": 1, "validation_type": "numbers_only"},
        {"api_id": "uniqueIdHere_2", "name": "", "type": "signature", "x": 530, "y": 415,
         "width": 120, "height": 30, "required": true, "signer": 0, "page": 1}
    ]]);
    let docs: FormFieldsPerDocument = round_trip(two_fields.clone());
    let FormFieldsPerDocument::FormFieldsByDocument(docs) = docs else { panic!("{docs:?}") };
    match &docs[0][..] {
        [FormField::Text(text), FormField::Signature(sig)] => {
            assert_eq!(text.validation_type, Some(ValidationType::NumbersOnly));
            assert_eq!(text.signer, FormFieldSigner::Integer(1));
            assert_eq!((sig.x, sig.y, sig.width, sig.height), (530, 415, 120, 30));
        }
        other => panic!("{other:?}"),
    }
    // The variant with an empty list for a second document.
    let mut with_empty = two_fields;
    with_empty.as_array_mut().unwrap().push(json!([]));
    let docs: FormFieldsPerDocument = round_trip(with_empty);
    assert!(matches!(&docs, FormFieldsPerDocument::FormFieldsByDocument(d) if d[1].is_empty()), "{docs:?}");
}

#[test]
fn radio_groups_example_round_trips() {
    let example = json!({
        "form_fields_per_document": [[
            {"api_id": "uniqueIdHere_1", "name": "", "type": "radio", "x": 112, "y": 328, "width": 18, "height": 18,
             "required": false, "group": "RadioItemGroup1", "checked": 1, "signer": 0, "page": 1},
            {"api_id": "uniqueIdHere_2", "name": "", "type": "radio", "x": 112, "y": 370, "width": 18, "height": 18,
             "required": false, "group": "RadioItemGroup1", "checked": 0, "signer": 0, "page": 1}
        ]],
        "form_field_groups": {"RadioItemGroup1": {"group_label": "Radio Item Group 1", "requirement": "require_0-1"}}
    });
    let payload: FormFieldsPayload = round_trip(example);
    let Some(FormFieldsPerDocument::FormFieldsByDocument(docs)) = payload.form_fields_per_document else { panic!() };
    let fields = &docs[0];
    assert!(
        matches!(&fields[0], FormField::Radio(r) if r.group == "RadioItemGroup1" && r.checked == Some(Checked::Integer(1)))
    );
    let Some(FormFieldGroups::FormFieldGroupMap(groups)) = payload.form_field_groups else { panic!() };
    assert_eq!(groups["RadioItemGroup1"].requirement, GroupRequirement::Require01);
}

#[test]
fn conditional_logic_example_round_trips() {
    let example = json!({
        "form_fields_per_document": [[
            {"api_id": "uniqueIdHere_1", "name": "", "type": "text", "x": 112, "y": 328, "width": 100, "height": 16,
             "required": true, "signer": 0, "page": 1, "validation_type": "numbers_only"},
            {"api_id": "uniqueIdHere_2", "name": "", "type": "signature", "x": 530, "y": 415, "width": 120,
             "height": 30, "required": true, "signer": 0, "page": 1}
        ]],
        "form_field_rules": [{
            "id": "rule_1", "trigger_operator": "AND",
            "triggers": [{"id": "uniqueIdHere_1", "operator": "is", "value": "foo"}],
            "actions": [{"field_id": "uniqueIdHere_2", "hidden": 1, "type": "change-field-visibility"}]
        }]
    });
    let payload: FormFieldsPayload = round_trip(example);
    let rule = &payload.form_field_rules.unwrap()[0];
    assert_eq!(rule.trigger_operator, TriggerOperator::And);
    assert_eq!(rule.triggers[0].value, Some(TriggerValue::String("foo".to_owned())));
    assert_eq!(rule.actions[0].type_, ActionType::ChangeFieldVisibility);
    assert_eq!(rule.actions[0].hidden, ActionHidden::Integer(1));
    // Trigger values may also be string lists and integers.
    let list: FormFieldRuleTrigger = round_trip(json!({"id": "a", "operator": "any", "value": ["x", "y"]}));
    assert_eq!(list.value, Some(TriggerValue::Array(vec!["x".to_owned(), "y".to_owned()])));
    let number: FormFieldRuleTrigger = round_trip(json!({"id": "a", "operator": "is", "value": 3}));
    assert_eq!(number.value, Some(TriggerValue::Integer(3)));
}

#[test]
fn auto_fill_and_custom_regex_examples_round_trip() {
    for (kind, name) in [
        ("firstName", "firstname"),
        ("lastName", "lastName"),
        ("name", "fullname"),
        ("email", "email"),
        ("company", "company"),
    ] {
        let example = json!([[{
            "api_id": "field1", "placeholder": "First Name", "auto_fill_type": kind, "name": name, "type": "text",
            "x": 160, "y": 80, "page": 1, "width": 206, "height": 32, "required": true, "signer": 0
        }]]);
        let docs: FormFieldsPerDocument = round_trip(example);
        let FormFieldsPerDocument::FormFieldsByDocument(docs) = docs else { panic!() };
        let FormField::Text(text) = &docs[0][0] else { panic!() };
        assert!(text.auto_fill_type.as_ref().is_some_and(AutoFillType::is_known), "{kind}");
    }
    let field: FormField = round_trip(json!({
        "api_id": "f", "type": "text", "x": 1, "y": 2, "width": 3, "height": 4, "required": false, "signer": 0,
        "validation_type": "custom_regex", "validation_custom_regex": "A[0-9]{3}",
        "validation_custom_regex_format_label": "A000"
    }));
    let FormField::Text(text) = field else { panic!() };
    assert_eq!(text.validation_custom_regex.as_deref(), Some("A[0-9]{3}"));
}

#[test]
fn fields_the_docs_do_not_list_and_unknown_types_are_kept() {
    let field: FormField = round_trip(json!({
        "api_id": "f", "type": "dropdown", "x": 1, "y": 2, "width": 3, "height": 4, "required": true,
        "signer": "sender", "options": ["a", "b"], "content": "a", "font_size": 12, "tooltip_text": "Pick one"
    }));
    let FormField::Dropdown(dropdown) = &field else { panic!("{field:?}") };
    assert_eq!(dropdown.signer, FormFieldSigner::String("sender".to_owned()));
    assert_eq!(dropdown.font_size, Some(12), "documented today, so typed");
    assert_eq!(dropdown.extra["tooltip_text"], json!("Pick one"), "not documented: kept");
    // The variant is the tag: it is not also among the unlisted properties,
    // and writing the field sends it once, first.
    assert!(!dropdown.extra.contains_key("type"), "{:?}", dropdown.extra);
    let written = serde_json::to_string(&field).unwrap();
    assert!(written.starts_with(r#"{"type":"dropdown","#) && written.matches(r#""type""#).count() == 1, "{written}");
    let future: FormField = round_trip(json!({"api_id": "f", "type": "stamp", "x": 1}));
    assert!(matches!(future, FormField::UnknownValue(_)));
}

#[test]
fn every_table_is_complete_with_its_texts() {
    fn check<T: PartialEq + std::fmt::Debug>(
        name: &str,
        known: &[T],
        expected: usize,
        describe: impl Fn(&T) -> Option<&'static str>,
    ) {
        assert_eq!(known.len(), expected, "{name}");
        for value in known {
            assert!(describe(value).is_some_and(|d| !d.is_empty()), "{name}: {value:?} has its text");
        }
    }
    check("FormFieldType", FormFieldType::KNOWN, 10, FormFieldType::description);
    check("CheckboxGroupRule", CheckboxGroupRule::KNOWN, 3, CheckboxGroupRule::description);
    check("RadioGroupRule", RadioGroupRule::KNOWN, 2, RadioGroupRule::description);
    check("ValidationType", ValidationType::KNOWN, 10, ValidationType::description);
    check("AutoFillType", AutoFillType::KNOWN, 6, AutoFillType::description);
    check("DateFormat", DateFormat::KNOWN, 6, DateFormat::description);
    check("SignatureStatusCode", SignatureStatusCode::KNOWN, 11, SignatureStatusCode::description);
    // The reference's 18 event types and the 5 the live API sends beyond them.
    check("EventType", EventType::KNOWN, 23, EventType::description);
    check("OAuthScope", OAuthScope::KNOWN, 5, OAuthScope::description);
    check("LimitedOAuthScope", LimitedOAuthScope::KNOWN, 2, LimitedOAuthScope::description);
    check("SearchField", SearchField::KNOWN, 14, SearchField::description);
    check("LegalVersion", LegalVersion::KNOWN, 2, LegalVersion::description);
    check("WhiteLabelingError", WhiteLabelingError::KNOWN, 4, WhiteLabelingError::description);
    check("TriggerOperator", TriggerOperator::KNOWN, 1, TriggerOperator::description);
    check("ActionType", ActionType::KNOWN, 2, ActionType::description);
    // Exact spacing survives, and values differing only in punctuation stay apart.
    assert_eq!(DateFormat::MmSlashDdSlashYyyy.as_str(), "MM / DD / YYYY");
    assert_eq!(DateFormat::from("MM - DD - YYYY"), DateFormat::MmDashDdDashYyyy);
    // Event types beyond the reference's table are known; one nobody lists yet is kept.
    for (listed, expected) in [
        ("callback_test", EventType::CallbackTest),
        ("signature_request_expired", EventType::SignatureRequestExpired),
        ("signature_request_signer_removed", EventType::SignatureRequestSignerRemoved),
    ] {
        let event: EventType = serde_json::from_value(json!(listed)).unwrap();
        assert_eq!(event, expected);
        assert_eq!(serde_json::to_value(&event).unwrap(), json!(listed));
    }
    let unlisted: EventType = serde_json::from_value(json!("signature_request_teleported")).unwrap();
    assert_eq!(unlisted, EventType::UnknownValue("signature_request_teleported".to_owned()));
    assert_eq!(serde_json::to_value(&unlisted).unwrap(), json!("signature_request_teleported"));
    // The live API sends status codes the table does not list.
    let status: SignatureStatusCode = serde_json::from_value(json!("expired")).unwrap();
    assert!(!status.is_known());
    assert!(
        EventType::AccountConfirmed.description().unwrap().contains("App callbacks only")
            || EventType::AccountConfirmed.description().unwrap().contains("app callbacks only")
    );
}

#[test]
fn validation_types_check_their_documented_rules_at_the_boundaries() {
    let cases: &[(ValidationType, &[&str], &[&str])] = &[
        (
            ValidationType::NumbersOnly,
            &["0", "42", "-7", "3.14", "-0.5", ".5"],
            &["", "abc", "1,000", "--1", "1e5", "4 2"],
        ),
        (ValidationType::LettersOnly, &["abc", "Zoë", "Ñandú", "日本"], &["", "abc1", "a b", "a-b"]),
        (ValidationType::PhoneNumber, &["0123456789", "01234567890"], &["012345678", "012345678901", "01234-56789"]),
        (ValidationType::BankRoutingNumber, &["123456789"], &["12345678", "1234567890", "12345678a"]),
        (ValidationType::BankAccountNumber, &["123456", "123456789012"], &["12345", "12345a"]),
        (
            ValidationType::EmailAddress,
            &["a@b.co", "first.last+tag@example.com"],
            &["a@b", "@b.co", "a b@c.de", "a@@b.co"],
        ),
        (ValidationType::ZipCode, &["12345", "123456789"], &["1234", "123456", "12345678", "1234567890"]),
        (ValidationType::SocialSecurityNumber, &["123456789"], &["12345678", "1234567890"]),
        (ValidationType::EmployerIdentificationNumber, &["123456789"], &["12345678", "1234567890"]),
    ];
    for (rule, good, bad) in cases {
        for value in *good {
            assert!(rule.validate(value, None).is_ok(), "{rule}: {value:?} should pass");
        }
        for value in *bad {
            let err = rule.validate(value, None).unwrap_err();
            assert!(err.to_string().contains(rule.as_str()), "{err}");
        }
    }
    // custom_regex uses the field's own expression, matched against the whole value.
    let custom = ValidationType::CustomRegex;
    assert!(custom.validate("A123", Some("A[0-9]{3}")).is_ok());
    assert!(custom.validate("A1234", Some("A[0-9]{3}")).is_err());
    assert!(custom.validate("xA123", Some("A[0-9]{3}")).is_err());
    assert!(custom.validate("A123", None).is_err(), "no expression, no pass");
    assert!(custom.validate("A123", Some("A[")).is_err(), "a broken expression is an error, not a panic");
    assert!(ValidationType::from("future_rule").validate("x", None).is_err());
}

#[test]
fn the_search_builder_writes_the_documented_queries() {
    use esign_client::runtime::SearchQuery;
    let q = SearchQuery::new()
        .field(&SearchField::Title, "Field Trip Release")
        .unwrap()
        .and()
        .me(&SearchField::From)
        .unwrap();
    assert_eq!(q.docs_form(), "title:Field+Trip+Release AND from:me");
    assert_eq!(q.to_string(), "title:Field Trip Release AND from:me");
    let inclusive = SearchQuery::new().range(&SearchField::Created, "2014-01-01", "2014-12-31", true).unwrap();
    assert_eq!(inclusive.docs_form(), "created:[2014-01-01+TO+2014-12-31]");
    let exclusive = SearchQuery::new().range(&SearchField::Created, "2014-01-05", "2014-01-10", false).unwrap();
    assert_eq!(exclusive.docs_form(), "created:{2014-01-05+TO+2014-01-10}");
    assert_eq!(SearchQuery::new().flag(&SearchField::Complete, true).unwrap().to_string(), "complete:true");
    assert_eq!(SearchQuery::new().flag(&SearchField::Declined, true).unwrap().to_string(), "declined:true");
    let either = SearchQuery::new()
        .field(&SearchField::To, "jack@example.com")
        .unwrap()
        .or()
        .field(&SearchField::To, "jill@example.com")
        .unwrap()
        .and()
        .flag(&SearchField::TestMode, false)
        .unwrap();
    assert_eq!(either.to_string(), "to:jack@example.com OR to:jill@example.com AND test_mode:false");
    // Clauses without an operator are joined with AND; a dangling one is dropped.
    let implicit = SearchQuery::new().term("nda").unwrap().field(&SearchField::Owner, "me").unwrap().or();
    assert_eq!(implicit.to_string(), "nda AND owner:me");
}

#[test]
fn the_search_builder_refuses_what_the_api_rejects() {
    use esign_client::runtime::SearchQuery;
    assert!(SearchQuery::new().field(&SearchField::Title, "*trip").is_err(), "leading wildcard");
    assert!(SearchQuery::new().term(" *x").is_err(), "leading wildcard after spaces");
    assert!(SearchQuery::new().field(&SearchField::Title, "trip*").is_ok(), "a trailing wildcard is fine");
    assert!(SearchQuery::new().field(&SearchField::Complete, "yes").is_err(), "a boolean field takes flag()");
    assert!(SearchQuery::new().flag(&SearchField::Title, true).is_err(), "a text field takes no flag");
    assert!(SearchQuery::new().range(&SearchField::Title, "a", "b", true).is_err(), "only dates take ranges");
    assert!(SearchQuery::new().field(&SearchField::Created, "2014-01-01").is_err(), "a date field takes ranges");
    assert!(SearchQuery::new().field(&SearchField::Title, "  ").is_err(), "empty value");
}

#[tokio::test]
async fn a_search_query_is_url_encoded_when_sent() {
    use esign_client::runtime::SearchQuery;
    use wiremock::matchers::{method, path, query_param};
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let server = MockServer::start().await;
    let body =
        json!({"signature_requests": [], "list_info": {"page": 1, "num_pages": 1, "num_results": 0, "page_size": 20}});
    Mock::given(method("GET"))
        .and(path("/v3/signature_request/list"))
        .and(query_param("query", "title:Field Trip Release AND from:me"))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(format!("{}/v3", server.uri()))
        .credentials(Credentials::api_key("k"))
        .build()
        .unwrap();
    let query = SearchQuery::new()
        .field(&SearchField::Title, "Field Trip Release")
        .unwrap()
        .and()
        .me(&SearchField::From)
        .unwrap();
    let mut options = SignatureRequestListOptions::default();
    options.query = Some(query.to_string());
    let page = client.signature_request_list(&options).await.unwrap();
    assert_eq!(page.body.list_info.num_pages, Some(1));
    let request = &server.received_requests().await.unwrap()[0];
    // Spaces travel as `+`, as in the documentation's URL; `:` is escaped.
    assert_eq!(request.url.query(), Some("query=title%3AField+Trip+Release+AND+from%3Ame"));
}

fn white_labeling(value: Value) -> WhiteLabelingOptions {
    serde_json::from_value(value).expect("white labeling options")
}

fn codes(violations: &[esign_client::runtime::Violation]) -> Vec<(String, String)> {
    violations.iter().map(|v| (v.path.clone(), v.code.clone().unwrap_or_default())).collect()
}

#[test]
fn white_labeling_defaults_pass_and_every_documented_error_is_reported() {
    use esign_client::runtime::Validate;
    assert_eq!(white_labeling(json!({})).validate(), vec![], "the documented defaults pass");
    let bad = white_labeling(json!({
        "page_background_colour": "#FFFFFF",
        "link_color": "#12345G",
        "header_background_color": "1A1A1A",
        "legal_version": "terms3"
    }));
    let found = codes(&bad.validate());
    assert!(found.contains(&("page_background_colour".into(), "invalid_element_name".into())), "{found:?}");
    assert!(found.contains(&("link_color".into(), "invalid_hex_code".into())), "{found:?}");
    assert!(found.contains(&("legal_version".into(), "invalid_legal_version".into())), "{found:?}");
    assert!(!found.iter().any(|(p, _)| p == "header_background_color"), "hex without # is a valid code: {found:?}");
    for (_, code) in &found {
        assert!(WhiteLabelingError::from(code.as_str()).is_known(), "{code} is a documented error name");
    }
}

#[test]
fn contrast_is_checked_at_the_documented_minimum() {
    use esign_client::runtime::{contrast_ratio, parse_hex_color, Validate};
    // Ratios computed independently (WCAG 2 formula): #4E4E4E on #1A1A1A is
    // 2.0916, #4F4F4F on #1A1A1A is 2.1248.
    let ratio = |a: &str, b: &str| contrast_ratio(parse_hex_color(a).unwrap(), parse_hex_color(b).unwrap());
    assert!((ratio("#4E4E4E", "#1A1A1A") - 2.0916).abs() < 1e-3);
    assert!((ratio("#4F4F4F", "#1A1A1A") - 2.1248).abs() < 1e-3);
    assert!((ratio("#000000", "#FFFFFF") - 21.0).abs() < 1e-9);
    let under = white_labeling(json!({"text_color2": "#4E4E4E"})).validate();
    assert_eq!(codes(&under), vec![("text_color2".to_owned(), "invalid_contrast_ratio".to_owned())]);
    assert!(under[0].message.contains("header_background_color"), "{}", under[0]);
    assert_eq!(white_labeling(json!({"text_color2": "#4F4F4F"})).validate(), vec![]);
    // The fixed light header colour takes part: text_color1 against #F7F8F9.
    let light = white_labeling(json!({"text_color1": "#EEEEEE"})).validate();
    assert_eq!(codes(&light), vec![("text_color1".to_owned(), "invalid_contrast_ratio".to_owned())]);
}

#[test]
fn hover_states_inherit_from_active_states_when_unset() {
    use esign_client::runtime::Validate;
    // A pale primary button: its white text fails, and so does the hover
    // text, because the unset hover colour inherits the pale one.
    let pale = white_labeling(json!({"primary_button_color": "#EEEEEE"})).validate();
    let paths: Vec<&str> = pale.iter().map(|v| v.path.as_str()).collect();
    assert!(paths.contains(&"primary_button_text_color"), "{paths:?}");
    assert!(paths.contains(&"primary_button_text_color_hover"), "{paths:?}");
    assert!(paths.contains(&"primary_button_color"), "pale against the light header: {paths:?}");
    // Setting the hover colour explicitly takes it out of inheritance.
    let fixed =
        white_labeling(json!({"primary_button_color": "#EEEEEE", "primary_button_color_hover": "#000000"})).validate();
    let paths: Vec<&str> = fixed.iter().map(|v| v.path.as_str()).collect();
    assert!(!paths.contains(&"primary_button_text_color_hover"), "{paths:?}");
}

#[test]
fn group_and_rule_checks() {
    use esign_client::runtime::Validate;
    let radio = |group: &str| {
        json!({"api_id": format!("r-{group}"), "type": "radio", "x": 1, "y": 1, "width": 18,
        "height": 18, "required": false, "signer": 0, "group": group})
    };
    let ok: FormFieldsPayload = serde_json::from_value(json!({
        "form_fields_per_document": [[radio("G1")]],
        "form_field_groups": {"G1": {"group_label": "One", "requirement": "require_1"}},
        "form_field_rules": [{"id": "rule_1", "trigger_operator": "AND",
            "triggers": [{"id": "r-G1", "operator": "is", "value": "x"}],
            "actions": [{"field_id": "f", "hidden": 1, "type": "change-field-visibility"}]}]
    }))
    .unwrap();
    assert_eq!(ok.validate(), vec![]);

    let bad: FormFieldsPayload = serde_json::from_value(json!({
        "form_fields_per_document": [[radio("G1")], [radio("Missing")]],
        "form_field_groups": {"G1": {"group_label": "One", "requirement": "require_1"}},
        "form_field_rules": [{"id": "rule_1", "trigger_operator": "OR",
            "triggers": [{"id": "a", "operator": "is"}, {"id": "b", "operator": "is"}],
            "actions": [
                {"field_id": "f", "group_id": "g", "hidden": 1, "type": "change-field-visibility"},
                {"hidden": 0, "type": "change-group-visibility"}
            ]}]
    }))
    .unwrap();
    let found: Vec<(String, &str)> = bad.validate().iter().map(|v| (v.path.clone(), v.rule)).collect();
    assert_eq!(
        found,
        vec![
            ("form_field_rules[0].trigger_operator".to_owned(), "not-listed"),
            ("form_field_rules[0].triggers".to_owned(), "max-items"),
            ("form_field_rules[0].actions[0]".to_owned(), "exactly-one-of"),
            ("form_field_rules[0].actions[1]".to_owned(), "exactly-one-of"),
            ("form_fields_per_document[1][0]".to_owned(), "group"),
        ]
    );
}

/// Where the older reference and the API as documented today write a
/// parameter differently, both shapes read into the typed model and write
/// back unchanged: `form_fields_per_document` (per-document lists, or one
/// flat list with `document_index`), `form_field_groups` (an object keyed by
/// group id, or a list of entries with `group_id`), a rule action's `hidden`
/// (`1`/`0`, or a boolean) and a template group's `rule` (an object, or the
/// requirement as text).
#[test]
fn both_shapes_of_the_form_field_parameters_read_and_write_back() {
    use esign_client::runtime::Validate;
    let radio = |api_id: &str, document: Option<i64>| {
        let mut field = json!({"api_id": api_id, "type": "radio", "x": 112, "y": 328, "width": 18, "height": 18,
            "required": false, "group": "Pets", "signer": 0, "page": 1});
        if let Some(index) = document {
            field["document_index"] = json!(index);
        }
        field
    };

    // form_fields_per_document, the older shape: one list per document.
    let seed: FormFieldsPerDocument = round_trip(json!([[radio("yes", None)], [radio("no", None)]]));
    let FormFieldsPerDocument::FormFieldsByDocument(docs) = &seed else { panic!("{seed:?}") };
    assert!(matches!(&docs[1][0], FormField::Radio(r) if r.group == "Pets"));
    // ... and today's: one flat list, each field naming its document.
    let vendor: FormFieldsPerDocument = round_trip(json!([radio("yes", Some(0)), radio("no", Some(1))]));
    let FormFieldsPerDocument::FormFieldList(fields) = &vendor else { panic!("{vendor:?}") };
    assert!(matches!(&fields[1], FormField::Radio(r) if r.document_index == Some(1) && r.api_id == "no"));

    // form_field_groups: an object keyed by group id, or a list of entries.
    let map: FormFieldGroups = round_trip(json!({"Pets": {"group_label": "Pets", "requirement": "require_0-1"}}));
    assert!(
        matches!(&map, FormFieldGroups::FormFieldGroupMap(m) if m["Pets"].requirement == GroupRequirement::Require01)
    );
    let list: FormFieldGroups =
        round_trip(json!([{"group_id": "Pets", "group_label": "Pets", "requirement": "require_0-1"}]));
    assert!(
        matches!(&list, FormFieldGroups::FormFieldGroupList(l) if l[0].group_id == "Pets" && l[0].group_label == "Pets")
    );

    // A rule action's `hidden`: `1` in the older reference, `true` today.
    let old: FormFieldRuleAction = round_trip(json!({"field_id": "a", "hidden": 1, "type": "change-field-visibility"}));
    assert_eq!(old.hidden, ActionHidden::Integer(1));
    let new: FormFieldRuleAction =
        round_trip(json!({"field_id": "a", "hidden": true, "type": "change-field-visibility"}));
    assert_eq!(new.hidden, ActionHidden::Boolean(true));

    // A template group's `rule`: the object the schema documents, or the
    // requirement as text, as the published example answers carry it.
    let object: TemplateFieldGroup =
        round_trip(json!({"name": "Pets", "rule": {"requirement": "require_1-ormore", "groupLabel": "Pets"}}));
    assert!(matches!(
        &object.rule,
        Some(TemplateGroupRule::TemplateFieldGroupRule(r)) if r.requirement == Some(GroupRequirement::Require1Ormore)
    ));
    let text: TemplateFieldGroup = round_trip(json!({"name": "Pets", "rule": "require_1-ormore"}));
    assert_eq!(text.rule, Some(TemplateGroupRule::GroupRequirement(GroupRequirement::Require1Ormore)));

    // The group check reads either shape of the groups, whatever the shape
    // of the fields: each pairing is valid, and an undefined group is caught.
    for fields in
        [json!([[radio("yes", None)], [radio("no", None)]]), json!([radio("yes", Some(0)), radio("no", Some(1))])]
    {
        for groups in [
            json!({"Pets": {"group_label": "Pets", "requirement": "require_0-1"}}),
            json!([{"group_id": "Pets", "group_label": "Pets", "requirement": "require_0-1"}]),
        ] {
            let payload: FormFieldsPayload =
                round_trip(json!({"form_fields_per_document": fields.clone(), "form_field_groups": groups.clone()}));
            assert_eq!(payload.validate(), vec![], "{fields} with {groups}");
            let other = if groups.is_array() {
                json!([{"group_id": "Other", "group_label": "Other", "requirement": "require_1"}])
            } else {
                json!({"Other": {"group_label": "Other", "requirement": "require_1"}})
            };
            let orphan: FormFieldsPayload =
                round_trip(json!({"form_fields_per_document": fields.clone(), "form_field_groups": other}));
            assert_eq!(orphan.validate().len(), 2, "{fields}");
        }
    }
}

/// A template whose groups carry their rule as text, as the published
/// example answers do, parses: in `GET /template` answers and in the
/// `template_created` callback event.
#[test]
fn templates_whose_group_rule_is_text_parse() {
    let template = json!({
        "template_id": "f57db65d3f933b5316d398057a36176831451a35",
        "title": "Mutual NDA",
        "documents": [{
            "name": "nda.pdf", "index": 0,
            "field_groups": [
                {"name": "Radio Group 1", "rule": "require_0-1"},
                {"name": "Checkboxes", "rule": "require_1-ormore"},
                {"name": "Described", "rule": {"requirement": "require_1", "groupLabel": "Described"}}
            ],
            "form_fields": [{"api_id": "c1", "name": "", "type": "checkbox", "signer": "1", "x": 140, "y": 72,
                             "width": 18, "height": 18, "required": false, "group": "Checkboxes"}]
        }]
    });
    let answer: TemplateGetResponse = round_trip(json!({"template": template.clone()}));
    let groups = answer.template.unwrap().documents.unwrap()[0].field_groups.clone().unwrap();
    let rules: Vec<&TemplateGroupRule> = groups.iter().filter_map(|g| g.rule.as_ref()).collect();
    assert_eq!(rules[0], &TemplateGroupRule::GroupRequirement(GroupRequirement::Require01));
    assert_eq!(rules[1], &TemplateGroupRule::GroupRequirement(GroupRequirement::Require1Ormore));
    assert!(
        matches!(rules[2], TemplateGroupRule::TemplateFieldGroupRule(r) if r.group_label.as_deref() == Some("Described"))
    );

    let event: EventCallback = serde_json::from_value(json!({
        "event": {"event_time": "1700000000", "event_type": "template_created", "event_hash": "00"},
        "template": template
    }))
    .expect("a template_created event with text rules parses");
    assert_eq!(event.event.event_type, EventType::TemplateCreated);
    assert!(event.template.is_some());
}
