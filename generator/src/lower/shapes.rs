//! Decisions that follow from lowered operations and types rather than from
//! one spirit of the spec: each operation's success shape and error body,
//! the module's default error body, which header types are structs and
//! which aliases, which types get a `Validate` impl, and the runtime
//! features the module's code uses. Emit
//! prints these as they are decided here.

use crate::ir::{self, Extra, ResponseBody, TypeKind, TypeRef};
use crate::naming::{self, Scope};
use std::collections::BTreeSet;

/// The operation's distinct success bodies, in spec order.
fn success_bodies(op: &ir::Operation) -> Vec<&ResponseBody> {
    let mut distinct: Vec<&ResponseBody> = Vec::new();
    for r in op.responses.iter().filter(|r| r.success) {
        if !distinct.contains(&&r.body) {
            distinct.push(&r.body);
        }
    }
    distinct
}

/// What a successful call of `op` (whose method is `method`) returns: one
/// type, or, when the success bodies differ, an enum by status whose name
/// is claimed in `types`.
pub(super) fn success(op: &ir::Operation, method: &str, types: &mut Scope) -> ir::Success {
    let distinct = success_bodies(op);
    match distinct.as_slice() {
        [] => ir::Success::Nothing,
        [one] => ir::Success::One((*one).clone()),
        _ => {
            let name = types.claim(naming::body_enum_type(method));
            let variants = op
                .responses
                .iter()
                .filter(|r| r.success)
                .map(|r| ir::SuccessVariant {
                    name: naming::status_variant(&r.status),
                    status: r.status.clone(),
                    body: r.body.clone(),
                    docs: r.docs.clone(),
                })
                .collect();
            let comparable = !distinct.contains(&&ResponseBody::Stream);
            ir::Success::ByStatus(ir::SuccessEnum { name, variants, comparable })
        }
    }
}

/// The one JSON body all of an operation's error responses share, or any
/// JSON value when they differ or have none. Under a success envelope a
/// 2xx JSON body may be a failure, so it counts as an error body too.
pub(super) fn error_type(op: &ir::Operation) -> TypeRef {
    let mut found: Option<&TypeRef> = None;
    let is_error = |r: &&ir::Response| !r.success || (op.envelope.is_some() && matches!(r.body, ResponseBody::Json(_)));
    for r in op.responses.iter().filter(is_error) {
        if let ResponseBody::Json(t) = &r.body {
            match found {
                None => found = Some(t),
                Some(existing) if existing == t => {}
                Some(_) => return TypeRef::Json,
            }
        }
    }
    found.cloned().unwrap_or(TypeRef::Json)
}

/// The error body most operations use (ties keep spec order; any JSON
/// value when there are no operations), and each operation's error marked
/// as that default or not.
pub(super) fn default_error(operations: &mut [ir::Operation]) -> TypeRef {
    let mut counts: Vec<(&TypeRef, usize)> = Vec::new();
    for op in operations.iter() {
        match counts.iter_mut().find(|(existing, _)| **existing == op.error.ty) {
            Some((_, n)) => *n += 1,
            None => counts.push((&op.error.ty, 1)),
        }
    }
    let mut best: Option<(&TypeRef, usize)> = None;
    for (t, n) in counts {
        if best.is_none_or(|(_, b)| n > b) {
            best = Some((t, n));
        }
    }
    let default = best.map_or(TypeRef::Json, |(t, _)| t.clone());
    for op in operations.iter_mut() {
        op.error.is_default = op.error.ty == default;
    }
    default
}

/// Whether a 410 after an attempt whose answer was lost is the call's
/// success: the operation cancels or removes (`x-esign-cancel`,
/// `x-esign-bulk`), a rule reads a bare 410 as gone, and every success has
/// no body (so the 410 can be returned as one).
pub(super) fn gone_is_success(op: &ir::Operation) -> bool {
    let gone_rule = op.cancel.iter().chain(&op.bulk).any(|c| {
        c.rules.iter().any(|r| r.status == Some(410) && r.outcome == ir::CancelOutcome::NotFound && r.body.is_none())
    });
    gone_rule && op.success == ir::Success::One(ResponseBody::Empty)
}

/// The documented headers of an operation's successful responses, each
/// header once (names compared without case).
fn success_headers(op: &ir::Operation) -> Vec<&ir::ResponseHeader> {
    let mut headers: Vec<&ir::ResponseHeader> = Vec::new();
    for r in op.responses.iter().filter(|r| r.success) {
        for h in &r.headers {
            if !headers.iter().any(|known| known.wire_name.eq_ignore_ascii_case(&h.wire_name)) {
                headers.push(h);
            }
        }
    }
    headers
}

/// The header types of the operations that document success headers.
/// Operations documenting the same headers share one struct, named after
/// the first of them; the later ones' names are aliases of it. Structs come
/// first, then aliases, each in operation order.
pub(super) fn header_types(operations: &[ir::Operation]) -> Vec<ir::HeaderType> {
    let mut structs: Vec<ir::HeaderStruct> = Vec::new();
    let mut aliases: Vec<ir::HeaderType> = Vec::new();
    for op in operations {
        let Some(name) = &op.names.headers else { continue };
        let headers: Vec<ir::ResponseHeader> = success_headers(op).into_iter().cloned().collect();
        if headers.is_empty() {
            continue;
        }
        match structs.iter_mut().position(|known| known.headers == headers) {
            Some(target) => {
                structs[target].methods.push(op.method_name.clone());
                aliases.push(ir::HeaderType::Alias { name: name.clone(), target });
            }
            None => {
                structs.push(ir::HeaderStruct { name: name.clone(), headers, methods: vec![op.method_name.clone()] })
            }
        }
    }
    structs.into_iter().map(ir::HeaderType::Struct).chain(aliases).collect()
}

/// The runtime features one API's generated code uses, in the order of
/// [`ir::RuntimeFeature`].
pub(super) fn runtime_features(api: &ir::Api) -> Vec<ir::RuntimeFeature> {
    use ir::RuntimeFeature as F;
    let multipart = |body: &ir::RequestBody| matches!(body.kind, ir::BodyKind::Multipart(_));
    let uses_multipart = api
        .operations
        .iter()
        .any(|op| op.body.as_ref().is_some_and(multipart) || op.multipart_alternative.as_ref().is_some_and(multipart));
    // Struct checks are generated only when the API opts in to `validate()`.
    let struct_checks = |check: &dyn Fn(&ir::Struct) -> bool| {
        api.validate && api.types.iter().any(|t| matches!(&t.kind, ir::TypeKind::Struct(s) if check(s)))
    };
    let enum_values = |check: &dyn Fn(&ir::Variant) -> bool| {
        api.types.iter().any(|t| matches!(&t.kind, ir::TypeKind::Enum(e) if e.variants.iter().any(check)))
    };
    let uses_patterns =
        struct_checks(&|s| s.fields.iter().any(|f| f.pattern.is_some())) || enum_values(&|v| v.pattern.is_some());
    let uses_search = api.types.iter().any(|t| {
        matches!(&t.kind, ir::TypeKind::Enum(e)
            if e.repr == ir::EnumRepr::String && e.variants.iter().any(|v| v.value_type.is_some()))
    });
    let uses_contrast = struct_checks(&|s| s.checks.contrast.is_some());
    let checks = [
        (F::Multipart, uses_multipart),
        (F::Patterns, uses_patterns),
        (F::Webhooks, !api.webhooks.is_empty()),
        (F::Waiters, api.operations.iter().any(|op| !op.waiters.is_empty())),
        (F::Paginators, api.operations.iter().any(|op| op.paginator.is_some())),
        (F::Bulk, api.operations.iter().any(|op| op.names.bulk.is_some())),
        (F::Search, uses_search),
        (F::Contrast, uses_contrast),
    ];
    checks.into_iter().filter_map(|(feature, used)| used.then_some(feature)).collect()
}

/// The names of the types that get a `Validate` impl, when the API opts in
/// (`x-esign-validate`): those with a check of their own or holding such a
/// type.
pub(super) fn validated_types(api: &ir::Api) -> BTreeSet<ir::TypeId> {
    let mut set = BTreeSet::new();
    if !api.validate {
        return set;
    }
    loop {
        let before = set.len();
        for (i, def) in api.types.iter().enumerate() {
            let id = ir::TypeId::at(i);
            if set.contains(&id) {
                continue;
            }
            let holds = |ty: &TypeRef| ty.names_one_of(&set);
            let yes = match &def.kind {
                TypeKind::Enum(_) => true,
                TypeKind::Struct(s) => {
                    matches!(s.extra, Extra::Deny(_))
                        || s.checks != ir::StructChecks::default()
                        || s.fields.iter().any(|f| {
                            f.pattern.is_some() || f.min_items.is_some() || f.max_items.is_some() || holds(&f.ty)
                        })
                }
                TypeKind::Untagged(variants) => variants.iter().any(|v| holds(&v.ty)),
                TypeKind::Tagged { variants, .. } => variants.iter().any(|v| holds(&v.ty)),
                TypeKind::Alias(ty) => holds(ty),
                TypeKind::Newtype(_) => false,
            };
            if yes {
                set.insert(id);
            }
        }
        if set.len() == before {
            return set;
        }
    }
}

/// Marks the tagged unions a callback payload can hold, through fields,
/// list and map items, typed extra properties, variants and aliases
/// (`metered`): their
/// `Deserialize` goes through the runtime's memory meter, which bounds what
/// a callback costs to parse. Every other union converts plainly, outside
/// the meter.
pub(super) fn meter_callback_unions(api: &mut ir::Api) {
    fn names(ty: &TypeRef, out: &mut Vec<ir::TypeId>) {
        match ty {
            TypeRef::Named(id) | TypeRef::Boxed(id) => out.push(*id),
            TypeRef::Vec(inner) | TypeRef::Map(inner) => names(inner, out),
            _ => {}
        }
    }
    let mut reached: BTreeSet<ir::TypeId> = api.webhooks.iter().map(|w| w.payload).collect();
    loop {
        let before = reached.len();
        let mut found = Vec::new();
        for def in reached.iter().map(|id| api.type_def(*id)) {
            match &def.kind {
                TypeKind::Struct(s) => {
                    s.fields.iter().for_each(|f| names(&f.ty, &mut found));
                    if let Extra::Typed(_, ty) = &s.extra {
                        names(ty, &mut found);
                    }
                }
                TypeKind::Enum(_) => {}
                TypeKind::Untagged(variants) => variants.iter().for_each(|v| names(&v.ty, &mut found)),
                TypeKind::Tagged { variants, .. } => variants.iter().for_each(|v| names(&v.ty, &mut found)),
                TypeKind::Alias(ty) | TypeKind::Newtype(ty) => names(ty, &mut found),
            }
        }
        reached.extend(found);
        if reached.len() == before {
            break;
        }
    }
    for (i, def) in api.types.iter_mut().enumerate() {
        if let TypeKind::Tagged { metered, .. } = &mut def.kind {
            *metered = reached.contains(&ir::TypeId::at(i));
        }
    }
}
