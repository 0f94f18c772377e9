//! Lowering small inline specs, with assertions on the IR: schemas (structs,
//! enums, `allOf`, unions, cycles) and the choices `shapes` makes for
//! operations (success shapes, error bodies, header types, features).

use crate::ir::{self, Extra, ResponseBody, StatusMatch, TypeKind, TypeRef};
use crate::lower::{lower_document, OnUnsupported};

const HEADER: &str = "openapi: 3.0.3\ninfo:\n  title: t\n  version: '1'\n";

/// The IR of `body` (everything after `info`), which must lower.
fn lower(body: &str) -> ir::Api {
    let text = format!("{HEADER}{body}");
    let doc = crate::load::load_str("t.yaml", &text).expect("loads");
    lower_document(&doc, "t", OnUnsupported::Fail).expect("lowers").api
}

/// The IR of a spec with these component schemas and no paths.
fn lower_schemas(schemas: &str) -> ir::Api {
    lower(&format!("paths: {{}}\ncomponents:\n  schemas:\n{schemas}"))
}

fn named<'a>(api: &'a ir::Api, name: &str) -> &'a ir::TypeDef {
    api.types.iter().find(|t| t.name == name).unwrap_or_else(|| panic!("no type {name}"))
}

/// A reference to the type named `name`.
fn named_ref(api: &ir::Api, name: &str) -> TypeRef {
    TypeRef::Named(api.type_id(name).unwrap_or_else(|| panic!("no type {name}")))
}

fn as_struct(def: &ir::TypeDef) -> &ir::Struct {
    match &def.kind {
        TypeKind::Struct(s) => s,
        other => panic!("{} is not a struct: {other:?}", def.name),
    }
}

#[test]
fn an_object_becomes_a_struct_with_named_fields() {
    let api = lower_schemas(
        "    Pet:\n      type: object\n      description: A pet.\n      required: [name]\n      properties:\n        name: {type: string}\n        type: {type: string, nullable: true}\n        tags: {type: array, items: {type: string}, maxItems: 3}\n        age: {type: integer, format: int64}\n",
    );
    let pet = named(&api, "Pet");
    assert_eq!(pet.docs, "A pet.");
    assert_eq!(pet.pointer.as_str(), "/components/schemas/Pet");
    let s = as_struct(pet);
    let fields: Vec<(&str, &str, &TypeRef, bool, bool)> =
        s.fields.iter().map(|f| (f.name.as_str(), f.wire_name.as_str(), &f.ty, f.required, f.nullable)).collect();
    assert_eq!(
        fields,
        [
            ("name", "name", &TypeRef::String, true, false),
            ("type_", "type", &TypeRef::String, false, true),
            ("tags", "tags", &TypeRef::Vec(Box::new(TypeRef::String)), false, false),
            ("age", "age", &TypeRef::I64, false, false),
        ]
    );
    assert_eq!((s.fields[2].min_items, s.fields[2].max_items), (None, Some(3)));
    assert!(matches!(&s.extra, Extra::Keep(_)), "unlisted properties are kept: {:?}", s.extra);
}

#[test]
fn a_string_enum_keeps_its_values_and_a_catch_all() {
    let api = lower_schemas("    Status:\n      type: string\n      enum: [active, on-hold, type]\n");
    let TypeKind::Enum(e) = &named(&api, "Status").kind else { panic!("not an enum") };
    assert_eq!(e.repr, ir::EnumRepr::String);
    let variants: Vec<(&str, &ir::EnumValue)> = e.variants.iter().map(|v| (v.name.as_str(), &v.wire)).collect();
    assert_eq!(
        variants,
        [
            ("Active", &ir::EnumValue::String("active".into())),
            ("OnHold", &ir::EnumValue::String("on-hold".into())),
            ("Type", &ir::EnumValue::String("type".into())),
        ]
    );
    assert!(!e.unknown_variant.is_empty());
    assert!(e.variants.iter().all(|v| v.name != e.unknown_variant));
}

#[test]
fn all_of_merges_the_properties_of_its_parts() {
    let api = lower_schemas(
        "    Base:\n      type: object\n      required: [id]\n      properties:\n        id: {type: string}\n    Child:\n      allOf:\n        - $ref: '#/components/schemas/Base'\n        - type: object\n          required: [size]\n          properties:\n            size: {type: integer}\n",
    );
    let child = as_struct(named(&api, "Child"));
    let fields: Vec<(&str, bool)> = child.fields.iter().map(|f| (f.name.as_str(), f.required)).collect();
    assert_eq!(fields, [("id", true), ("size", true)]);
    // An integer without a format is an `i64`.
    assert_eq!(child.fields[1].ty, TypeRef::I64);
}

#[test]
fn a_discriminator_makes_a_tagged_union_whose_variants_lose_the_tag() {
    let api = lower_schemas(
        "    Cat:\n      type: object\n      required: [kind]\n      properties:\n        kind: {type: string}\n        lives: {type: integer}\n    Dog:\n      type: object\n      required: [kind]\n      properties:\n        kind: {type: string}\n    Pet:\n      oneOf:\n        - $ref: '#/components/schemas/Cat'\n        - $ref: '#/components/schemas/Dog'\n      discriminator:\n        propertyName: kind\n        mapping:\n          cat: '#/components/schemas/Cat'\n          dog: '#/components/schemas/Dog'\n",
    );
    let TypeKind::Tagged { tag, variants, .. } = &named(&api, "Pet").kind else { panic!("not tagged") };
    assert_eq!(tag, "kind");
    let arms: Vec<(&str, &str, &TypeRef, bool)> =
        variants.iter().map(|v| (v.name.as_str(), v.tag_value.as_str(), &v.ty, v.drops_tag)).collect();
    assert_eq!(arms, [("Cat", "cat", &named_ref(&api, "Cat"), true), ("Dog", "dog", &named_ref(&api, "Dog"), true),]);
    // The tag is the variant: the struct has no field for it.
    let cat = as_struct(named(&api, "Cat"));
    assert_eq!(cat.fields.iter().map(|f| f.wire_name.as_str()).collect::<Vec<_>>(), ["lives"]);
}

#[test]
fn type_ids_index_the_arena_in_printed_order() {
    // `A` refers to `B` before `B` is lowered, and `B`'s inline property
    // type is finished before `B` itself: ids are renumbered to the order
    // types are printed in, and every reference still finds its type.
    let api = lower_schemas(
        "    A:\n      type: object\n      properties:\n        b: {$ref: '#/components/schemas/B'}\n    B:\n      type: object\n      properties:\n        inner:\n          type: object\n          properties:\n            a: {type: array, items: {$ref: '#/components/schemas/A'}}\n",
    );
    let names: Vec<&str> = api.types.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["A", "BInner", "B"]);
    assert_eq!(as_struct(named(&api, "A")).fields[0].ty, named_ref(&api, "B"));
    assert_eq!(as_struct(named(&api, "B")).fields[0].ty, named_ref(&api, "BInner"));
    assert_eq!(as_struct(named(&api, "BInner")).fields[0].ty, TypeRef::Vec(Box::new(named_ref(&api, "A"))));
    for (i, def) in api.types.iter().enumerate() {
        assert_eq!(api.type_def(ir::TypeId::at(i)).name, def.name);
    }
}

#[test]
fn one_of_without_a_discriminator_is_tried_in_order() {
    let api = lower_schemas("    Id:\n      oneOf:\n        - type: string\n        - type: integer\n");
    let TypeKind::Untagged(variants) = &named(&api, "Id").kind else { panic!("not untagged") };
    let tys: Vec<&TypeRef> = variants.iter().map(|v| &v.ty).collect();
    // The last arm keeps any other value as JSON.
    assert_eq!(tys, [&TypeRef::String, &TypeRef::I64, &TypeRef::Json]);
}

#[test]
fn a_struct_holding_itself_by_value_is_boxed() {
    let api = lower_schemas(
        "    Node:\n      type: object\n      properties:\n        next: {$ref: '#/components/schemas/Node'}\n        children: {type: array, items: {$ref: '#/components/schemas/Node'}}\n",
    );
    let node = as_struct(named(&api, "Node"));
    assert_eq!(node.fields[0].ty, TypeRef::Boxed(api.type_id("Node").unwrap()));
    // A list already puts the value behind a pointer.
    assert_eq!(node.fields[1].ty, TypeRef::Vec(Box::new(named_ref(&api, "Node"))));
}

/// A spec with one operation `GET /x` whose `responses` are `responses`,
/// and an `Error` and a `Thing` schema.
fn one_operation(responses: &str) -> ir::Api {
    lower(&format!(
        "paths:\n  /x:\n    get:\n      operationId: getX\n      responses:\n{responses}components:\n  schemas:\n    Error:\n      type: object\n      properties:\n        message: {{type: string}}\n    Thing:\n      type: object\n      properties:\n        id: {{type: string}}\n"
    ))
}

const THING: &str = "content: {application/json: {schema: {$ref: '#/components/schemas/Thing'}}}";
const ERROR: &str = "content: {application/json: {schema: {$ref: '#/components/schemas/Error'}}}";

#[test]
fn equal_success_bodies_are_one_type() {
    let api = one_operation(&format!(
        "        '200':\n          description: ok\n          {THING}\n        '201':\n          description: made\n          {THING}\n"
    ));
    let op = &api.operations[0];
    assert_eq!(op.success, ir::Success::One(ResponseBody::Json(named_ref(&api, "Thing"))));
    assert!(!api.types.iter().any(|t| t.name == "GetXBody"));
}

#[test]
fn different_success_bodies_are_an_enum_by_status() {
    let api = one_operation(&format!(
        "        '200':\n          description: ok\n          {THING}\n        '202':\n          description: later\n        2XX:\n          description: other\n          {ERROR}\n"
    ));
    let ir::Success::ByStatus(e) = &api.operations[0].success else { panic!("not by status") };
    assert_eq!(e.name, "GetXBody");
    assert!(e.comparable);
    let variants: Vec<(&str, &StatusMatch, &ResponseBody, &str)> =
        e.variants.iter().map(|v| (v.name.as_str(), &v.status, &v.body, v.docs.as_str())).collect();
    assert_eq!(
        variants,
        [
            ("Status200", &StatusMatch::Code(200), &ResponseBody::Json(named_ref(&api, "Thing")), "ok"),
            ("Status202", &StatusMatch::Code(202), &ResponseBody::Empty, "later"),
            ("Status2xx", &StatusMatch::Range(2), &ResponseBody::Json(named_ref(&api, "ErrorType")), "other"),
        ]
    );
}

#[test]
fn no_success_response_is_nothing() {
    let api = one_operation(&format!("        '400':\n          description: bad\n          {ERROR}\n"));
    assert_eq!(api.operations[0].success, ir::Success::Nothing);
}

#[test]
fn the_shared_error_body_is_the_operation_error_and_the_module_default() {
    let api = one_operation(&format!(
        "        '200':\n          description: ok\n        '400':\n          description: bad\n          {ERROR}\n        '404':\n          description: gone\n          {ERROR}\n"
    ));
    // `Error` is a name the module uses itself: the schema is `ErrorType`.
    let error = named_ref(&api, "ErrorType");
    assert_eq!(api.operations[0].error, ir::ErrorBody { ty: error.clone(), is_default: true });
    assert_eq!(api.default_error, error);
}

#[test]
fn differing_error_bodies_are_any_json() {
    let api = one_operation(&format!(
        "        '200':\n          description: ok\n        '400':\n          description: bad\n          {ERROR}\n        '404':\n          description: gone\n          {THING}\n"
    ));
    assert_eq!(api.operations[0].error.ty, TypeRef::Json);
    assert_eq!(api.default_error, TypeRef::Json);
}

#[test]
fn operations_with_the_same_headers_share_one_struct() {
    let headers = "          headers:\n            X-Request-Id: {schema: {type: string}}\n            X-Count: {schema: {type: integer}}\n";
    let api = lower(&format!(
        "paths:\n  /a:\n    get:\n      operationId: getA\n      responses:\n        '200':\n          description: ok\n{headers}  /b:\n    get:\n      operationId: getB\n      responses:\n        '200':\n          description: ok\n{headers}  /c:\n    get:\n      operationId: getC\n      responses:\n        '200':\n          description: ok\n"
    ));
    let [ir::HeaderType::Struct(s), ir::HeaderType::Alias { name, target }] = api.header_types.as_slice() else {
        panic!("expected a struct and an alias: {:?}", api.header_types)
    };
    assert_eq!(s.name, "GetAHeaders");
    assert_eq!(s.methods, ["get_a", "get_b"]);
    let fields: Vec<(&str, &str, &TypeRef)> =
        s.headers.iter().map(|h| (h.name.as_str(), h.wire_name.as_str(), &h.ty)).collect();
    assert_eq!(fields, [("x_request_id", "X-Request-Id", &TypeRef::String), ("x_count", "X-Count", &TypeRef::I64)]);
    // The alias names the struct by its place in the list.
    assert_eq!((name.as_str(), *target), ("GetBHeaders", 0));
    assert_eq!(api.operations[2].names.headers, None);
}

#[test]
fn runtime_features_follow_what_the_spec_uses() {
    let plain = one_operation("        '200':\n          description: ok\n");
    assert_eq!(plain.runtime_features, []);
    let multipart = lower(
        "paths:\n  /upload:\n    post:\n      operationId: upload\n      requestBody:\n        content:\n          multipart/form-data:\n            schema:\n              type: object\n              properties:\n                file: {type: string, format: binary}\n      responses:\n        '200':\n          description: ok\n",
    );
    assert_eq!(multipart.runtime_features, [ir::RuntimeFeature::Multipart]);
}

#[test]
fn validated_types_are_those_with_checks_or_holding_them() {
    let schemas = "    Code:\n      type: string\n      pattern: '^[a-z]+$'\n    Wrapper:\n      type: object\n      properties:\n        code: {type: string, pattern: '^[a-z]+$'}\n    Outer:\n      type: object\n      properties:\n        inner: {$ref: '#/components/schemas/Wrapper'}\n    Plain:\n      type: object\n      properties:\n        name: {type: string}\n";
    let without = lower_schemas(schemas);
    assert!(without.validated_types.is_empty(), "only with x-esign-validate");
    let with = lower(&format!("x-esign-validate: true\npaths: {{}}\ncomponents:\n  schemas:\n{schemas}"));
    let mut names: Vec<&str> = with.validated_types.iter().map(|id| with.type_name(*id)).collect();
    names.sort_unstable();
    assert_eq!(names, ["Outer", "Wrapper"]);
    assert_eq!(with.runtime_features, [ir::RuntimeFeature::Patterns]);
}

#[test]
fn the_status_match_is_decided_with_runs_merged_and_no_overlap() {
    let api = one_operation(&format!(
        "        '200':\n          description: ok\n          {THING}\n        '400':\n          description: bad\n          {ERROR}\n        '401':\n          description: who\n          {ERROR}\n        '402':\n          description: pay\n          {ERROR}\n        '404':\n          description: gone\n          {ERROR}\n"
    ));
    let dispatch = &api.operations[0].dispatch;
    let range = |first, last| ir::StatusRange { first, last };
    let thing = ResponseBody::Json(named_ref(&api, "Thing"));
    let arms: Vec<(&[ir::StatusRange], &ir::Handling)> =
        dispatch.arms.iter().map(|arm| (arm.statuses.as_slice(), &arm.handling)).collect();
    assert_eq!(
        arms,
        [
            (&[range(200, 200)][..], &ir::Handling::Success { body: thing.clone(), variant: None }),
            (&[range(400, 402), range(404, 404)][..], &ir::Handling::ApiError),
            // Another 2xx may still be the success, never the error body.
            (&[range(201, 299)][..], &ir::Handling::UndeclaredSuccess { body: thing }),
        ]
    );
    assert_eq!(dispatch.fallback, ir::Handling::Unexpected);
}

#[test]
fn operation_extensions_lower_to_named_parts() {
    let api = lower(
        "x-esign-retry:\n  rate-limited:\n    - {status: 429}\n  unavailable:\n    - {status: 400, pointer: /error/name, equals: busy}\npaths:\n  /things:\n    get:\n      operationId: listThings\n      parameters:\n        - {name: page, in: query, schema: {type: integer}}\n      x-esign-paginated: {page: page, items: things, page-count: /info/pages}\n      responses:\n        '200':\n          description: ok\n          content: {application/json: {schema: {$ref: '#/components/schemas/Page'}}}\n  /things/{thing_id}/cancel:\n    post:\n      operationId: cancelThing\n      parameters:\n        - {name: thing_id, in: path, required: true, schema: {type: string}}\n        - {name: return_url, in: query, schema: {type: string}}\n      x-esign-cancel:\n        target: session\n        success: queued\n        message: /error/message\n        return-url: return_url\n        outcomes:\n          - {status: 404, outcome: not-found}\n          - {pointer: /error/name, equals: locked, outcome: not-eligible}\n      x-esign-waiters:\n        thing gone:\n          min-delay: 1\n          acceptors: [{state: success, status: 404}, {state: retry, status: 200}]\n      responses:\n        '200':\n          description: ok\ncomponents:\n  schemas:\n    Page:\n      type: object\n      properties:\n        things: {type: array, items: {type: string}}\n",
    );
    let rules = api.retry_rules.as_ref().expect("retry rules");
    assert_eq!(rules.rate_limited, [ir::RetryMatch { status: 429, body: None }]);
    let busy = ir::BodyMatch { pointer: ir::Pointer("/error/name".into()), equals: "busy".into() };
    assert_eq!(rules.unavailable, [ir::RetryMatch { status: 400, body: Some(busy) }]);

    let pager = api.operations[0].paginator.as_ref().expect("paginator");
    assert_eq!(pager.page_field, "page");
    assert_eq!(pager.page_type, named_ref(&api, "Page"));
    assert_eq!(pager.items_field, ir::ItemsField { name: "things".into(), optional: true });
    assert_eq!(pager.item_type, TypeRef::String);
    assert_eq!(pager.page_count, ir::Pointer("/info/pages".into()));

    let op = &api.operations[1];
    let cancel = op.cancel.as_ref().expect("cancel");
    assert_eq!(cancel.target, ir::CancelTarget { name: "session".into(), description: None });
    assert_eq!(cancel.success, ir::CancelSuccess::Queued);
    assert_eq!(cancel.id_param, "thing_id");
    assert_eq!(cancel.return_url_param, Some(ir::CancelParam { name: "return_url".into(), required: false }));
    assert_eq!(cancel.message_pointer, Some(ir::Pointer("/error/message".into())));
    let outcomes: Vec<(Option<u16>, Option<&str>, ir::CancelOutcome)> =
        cancel.rules.iter().map(|r| (r.status, r.body.as_ref().map(|b| b.equals.as_str()), r.outcome)).collect();
    assert_eq!(
        outcomes,
        [(Some(404), None, ir::CancelOutcome::NotFound), (None, Some("locked"), ir::CancelOutcome::NotEligible)]
    );
    assert_eq!(api.cancel_method.as_deref(), Some("cancel_thing"));

    let waiter = &op.waiters[0];
    assert_eq!(waiter.method_name, "wait_until_thing_gone");
    assert_eq!((waiter.min_delay, waiter.max_delay), (1.0, 120.0));
    assert_eq!(
        waiter.acceptors,
        [
            ir::Acceptor { status: 404, state: ir::AcceptorState::Success },
            ir::Acceptor { status: 200, state: ir::AcceptorState::Retry },
        ]
    );
    // A cancel that takes only the id also runs in bulk.
    assert_eq!(op.names.bulk.as_deref(), Some("bulk_cancel_thing"));
    assert_eq!(
        api.runtime_features,
        [ir::RuntimeFeature::Waiters, ir::RuntimeFeature::Paginators, ir::RuntimeFeature::Bulk]
    );
}

#[test]
fn error_bodies_get_their_code_and_message_fields_by_the_rule() {
    let spec = "paths:\n  /x:\n    get:\n      operationId: getX\n      responses:\n        '200':\n          description: ok\n        '400':\n          description: bad\n          content: {application/json: {schema: {$ref: '#/components/schemas/Failure'}}}\ncomponents:\n  schemas:\n    Failure:\n      type: object\n      properties:\n        status: {type: integer}\n        problems: {type: array, items: {$ref: '#/components/schemas/Problem'}}\n    Problem:\n      type: object\n      required: [message]\n      properties:\n        message: {type: string}\n        error_code: {$ref: '#/components/schemas/Code'}\n        code: {type: integer}\n    Code:\n      type: string\n      enum: [a, b]\n";
    let api = lower(spec);
    let step =
        |field: &str, optional: bool, first_item: bool| ir::FieldStep { field: field.into(), optional, first_item };
    // The top level has neither: the first item of `problems` gives both;
    // the integer `code` is not text, so the enum `error_code` is the code.
    assert_eq!(
        named(&api, "Failure").error_metadata,
        Some(ir::ErrorMetadata {
            code: Some(ir::FieldPath {
                steps: vec![step("problems", true, true), step("error_code", true, false)],
                enum_leaf: true
            }),
            message: Some(ir::FieldPath {
                steps: vec![step("problems", true, true), step("message", false, false)],
                enum_leaf: false
            }),
        })
    );
    // Types that are no operation's error body are left alone.
    assert_eq!(named(&api, "Problem").error_metadata, None);
    assert_eq!(named(&api, "Code").error_metadata, None);
}

#[test]
fn only_unions_a_callback_payload_holds_are_metered() {
    let union = |name: &str| {
        format!("    {name}:\n      oneOf: [{{$ref: '#/components/schemas/A'}}, {{$ref: '#/components/schemas/B'}}]\n      discriminator:\n        propertyName: kind\n        mapping: {{a: '#/components/schemas/A', b: '#/components/schemas/B'}}\n")
    };
    let api = lower(&format!(
        "paths: {{}}\nx-webhooks:\n  event:\n    post:\n      requestBody:\n        content: {{application/json: {{schema: {{$ref: '#/components/schemas/Event'}}}}}}\n      responses:\n        '200': {{description: ok}}\ncomponents:\n  schemas:\n    Event:\n      type: object\n      properties:\n        items: {{type: array, items: {{$ref: '#/components/schemas/Held'}}}}\n    A:\n      type: object\n      properties:\n        kind: {{type: string}}\n    B:\n      type: object\n      properties:\n        kind: {{type: string}}\n        n: {{type: integer}}\n{}{}",
        union("Held"),
        union("Free")
    ));
    let metered = |name: &str| match &named(&api, name).kind {
        TypeKind::Tagged { metered, .. } => *metered,
        other => panic!("{name} is not tagged: {other:?}"),
    };
    assert_eq!(api.webhooks.len(), 1);
    assert!(metered("Held"), "held through a list in the payload");
    assert!(!metered("Free"), "no callback holds it");
}

#[test]
fn a_cancel_target_is_the_name_and_description_the_spec_gives() {
    let spec = |target: &str| {
        format!("paths:\n  /x/{{id}}:\n    delete:\n      operationId: dropX\n      x-esign-cancel:\n        {target}\n        success: canceled\n      parameters:\n        - {{name: id, in: path, required: true, schema: {{type: string}}}}\n      responses:\n        '200': {{description: ok}}\n")
    };
    let api = lower(&spec("target: ' parcel '\n        target-description: A parcel on its way."));
    let cancel = api.operations[0].cancel.as_ref().expect("a cancel");
    assert_eq!(
        cancel.target,
        ir::CancelTarget { name: "parcel".into(), description: Some("A parcel on its way.".into()) }
    );
    let text = format!("{HEADER}{}", spec("target: '  '"));
    let doc = crate::load::load_str("t.yaml", &text).expect("loads");
    let err = lower_document(&doc, "t", OnUnsupported::Fail).expect_err("an empty name is refused");
    assert!(err.to_string().contains("the target needs a name"), "{err}");
}
