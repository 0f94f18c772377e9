//! The operation-level `x-esign-` extensions: paging
//! (`x-esign-paginated`), waiters (`x-esign-waiters`), and cancel and bulk
//! runs (`x-esign-cancel`, `x-esign-bulk`), each checked against the
//! operation's parameters and responses.

use super::{extensions, Lowerer};
use crate::error::{pointer_join, Error};
use crate::ir;
use crate::naming;

impl<'a> Lowerer<'a> {
    /// Lowers `x-esign-paginated` (modelled on Smithy's `@paginated`).
    pub(super) fn lower_paginator(
        &self,
        ext: extensions::Paginated,
        params: &[ir::Param],
        responses: &[ir::Response],
        pointer: &str,
    ) -> Result<ir::Paginator, Error> {
        let page = &ext.page;
        let page_param = params
            .iter()
            .find(|p| p.wire_name == *page && !p.required && matches!(p.ty, ir::TypeRef::I32 | ir::TypeRef::I64))
            .ok_or_else(|| {
                self.invalid(&pointer_join(pointer, "page"), format!("`{page}` is not an optional integer parameter"))
            })?;
        let items = &ext.items;
        let body = responses.iter().find_map(|r| match &r.body {
            ir::ResponseBody::Json(ir::TypeRef::Named(id)) if r.success => Some(*id),
            _ => None,
        });
        let field = body.and_then(|id| {
            self.type_def(id).and_then(|t| match &t.kind {
                ir::TypeKind::Struct(s) => s.fields.iter().find(|f| f.wire_name == *items),
                _ => None,
            })
        });
        let (Some(field), Some(page_type)) = (field, body) else {
            return Err(
                self.invalid(&pointer_join(pointer, "items"), format!("the success body has no property `{items}`"))
            );
        };
        let ir::TypeRef::Vec(item_type) = &field.ty else {
            return Err(self.invalid(&pointer_join(pointer, "items"), format!("`{items}` is not an array")));
        };
        Ok(ir::Paginator {
            page_field: page_param.name.clone(),
            page_type: ir::TypeRef::Named(page_type),
            items_field: ir::ItemsField { name: field.name.clone(), optional: !field.required || field.nullable },
            item_type: (**item_type).clone(),
            page_count: ir::Pointer(ext.page_count),
        })
    }

    /// Lowers `x-esign-waiters` (modelled on Smithy's `@waitable`).
    pub(super) fn lower_waiters(
        &self,
        ext: extensions::Waiters,
        params: &[ir::Param],
        pointer: &str,
    ) -> Result<Vec<ir::Waiter>, Error> {
        if params.iter().any(|p| p.required && !self.is_scalar(&p.ty)) {
            return Err(self.unsupported(pointer, "a waiter on an operation with structured required parameters"));
        }
        let mut out = Vec::new();
        for (name, waiter) in ext {
            let (min_delay, max_delay) =
                (waiter.min_delay.map_or(2.0, |d| d.0), waiter.max_delay.map_or(120.0, |d| d.0));
            let acceptors: Vec<ir::Acceptor> =
                waiter.acceptors.iter().map(|a| ir::Acceptor { status: a.status.0, state: a.state }).collect();
            if !acceptors.iter().any(|a| a.state == ir::AcceptorState::Success) {
                return Err(self.invalid(&pointer_join(pointer, &name), "a waiter needs a success acceptor"));
            }
            out.push(ir::Waiter {
                method_name: naming::waiter_method(&name),
                docs: waiter.description,
                min_delay,
                max_delay,
                acceptors,
            });
        }
        Ok(out)
    }

    /// Lowers `x-esign-cancel` (or `x-esign-bulk`) on an operation.
    pub(super) fn lower_cancel(
        &self,
        ext: extensions::Cancel,
        params: &[ir::Param],
        pointer: &str,
    ) -> Result<ir::Cancel, Error> {
        // The id goes to the operation's one required parameter that is not
        // mapped elsewhere, unless `id` names it.
        let required: Vec<usize> = (0..params.len()).filter(|&i| params[i].required).collect();
        let by_wire = |wire: &str| params.iter().position(|p| p.wire_name == wire);
        let return_url_param = match &ext.return_url {
            Some(wire) => Some(by_wire(wire).ok_or_else(|| {
                self.invalid(&pointer_join(pointer, "return-url"), format!("the operation has no parameter `{wire}`"))
            })?),
            None => None,
        };
        let id_param = match &ext.id {
            Some(wire) => by_wire(wire).ok_or_else(|| {
                self.invalid(&pointer_join(pointer, "id"), format!("the operation has no parameter `{wire}`"))
            })?,
            None => match required.iter().filter(|&&i| Some(i) != return_url_param).collect::<Vec<_>>().as_slice() {
                [only] => **only,
                _ => return Err(self.invalid(
                    pointer,
                    "name the id parameter with `id`: the operation does not have exactly one other required parameter",
                )),
            },
        };
        for &i in &required {
            if i != id_param && Some(i) != return_url_param {
                return Err(self.unsupported(
                    pointer,
                    format!("required parameter `{}` has no place in a cancel request", params[i].wire_name),
                ));
            }
        }
        if params[id_param].ty != ir::TypeRef::String {
            return Err(self.unsupported(pointer, "the id parameter must be a string"));
        }
        let mut rules = Vec::with_capacity(ext.outcomes.len());
        for (i, rule) in ext.outcomes.into_iter().enumerate() {
            let body = match (rule.pointer, rule.equals) {
                (Some(p), Some(v)) => Some(ir::BodyMatch { pointer: ir::Pointer(p), equals: v.0 }),
                (None, None) => None,
                _ => {
                    let at = pointer_join(&pointer_join(pointer, "outcomes"), &i.to_string());
                    return Err(self.invalid(&at, "`pointer` and `equals` go together"));
                }
            };
            rules.push(ir::CancelRule { status: rule.status.map(|s| s.0), body, outcome: rule.outcome });
        }
        let confirm = match ext.confirm {
            None => None,
            Some(c) => {
                let at = pointer_join(pointer, "confirm");
                let ir::TypeRef::Named(event) = self.schema_ref(&c.event, &pointer_join(&at, "event"))? else {
                    return Err(self.invalid(&at, "the event must be a component schema"));
                };
                Some(ir::Confirm {
                    waiter_method: naming::waiter_method(&c.waiter),
                    event,
                    event_type: ir::BodyMatch { pointer: ir::Pointer(c.event_type_at), equals: c.event_type },
                    event_id: ir::Pointer(c.event_id_at),
                })
            }
        };
        let name = ext.target.trim();
        if name.is_empty() {
            return Err(self.invalid(&pointer_join(pointer, "target"), "the target needs a name"));
        }
        let target = ir::CancelTarget {
            name: name.to_owned(),
            description: ext.target_description.map(|d| d.trim().to_owned()).filter(|d| !d.is_empty()),
        };
        Ok(ir::Cancel {
            confirm,
            target,
            id_param: params[id_param].name.clone(),
            return_url_param: return_url_param
                .map(|i| ir::CancelParam { name: params[i].name.clone(), required: params[i].required }),
            success: ext.success,
            message_pointer: ext.message.map(ir::Pointer),
            rules,
        })
    }
}
