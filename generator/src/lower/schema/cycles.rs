//! Cycle passes over the lowered types: aliases that hold themselves are
//! refused or become newtypes, and a struct that holds itself by value is
//! boxed.

use super::*;

impl<'a> Lowerer<'a> {
    /// `type A = B; type B = A;` cannot compile: report it.
    pub(in crate::lower) fn check_alias_cycles(&self) -> Result<(), Error> {
        let aliases: BTreeMap<ir::TypeId, (ir::TypeId, &str)> = self
            .types
            .iter()
            .enumerate()
            .filter_map(|(i, t)| match &t.kind {
                ir::TypeKind::Alias(ir::TypeRef::Named(target)) => {
                    Some((ir::TypeId::at(i), (*target, t.pointer.as_str())))
                }
                _ => None,
            })
            .collect();
        // The first cycle in name order is the one reported.
        let mut starts: Vec<(&ir::TypeId, &(ir::TypeId, &str))> = aliases.iter().collect();
        starts.sort_by_key(|(id, _)| self.type_name(**id));
        for (start, (_, pointer)) in starts {
            let mut current = start;
            for _ in 0..=aliases.len() {
                match aliases.get(current) {
                    Some((next, _)) if next == start => {
                        return Err(self.invalid(pointer, "circular $ref: this schema is defined only by itself"));
                    }
                    Some((next, _)) => current = next,
                    None => break,
                }
            }
        }
        Ok(())
    }
}

/// An alias that mentions itself through other aliases, inside a list or
/// map (`A = Vec<A>`, `A = Map<B>` with `B = Vec<A>`), cannot compile
/// (E0391): such aliases become newtypes.
pub(in crate::lower) fn newtype_alias_cycles(types: &mut [ir::TypeDef]) {
    pub(in crate::lower) fn mentions(ty: &ir::TypeRef, out: &mut Vec<ir::TypeId>) {
        match ty {
            ir::TypeRef::Named(id) | ir::TypeRef::Boxed(id) => out.push(*id),
            ir::TypeRef::Vec(inner) | ir::TypeRef::Map(inner) => mentions(inner, out),
            _ => {}
        }
    }
    let aliases: BTreeMap<ir::TypeId, Vec<ir::TypeId>> = types
        .iter()
        .enumerate()
        .filter_map(|(i, t)| match &t.kind {
            ir::TypeKind::Alias(target) => {
                let mut out = Vec::new();
                mentions(target, &mut out);
                Some((ir::TypeId::at(i), out))
            }
            _ => None,
        })
        .collect();
    let in_cycle = |start: &ir::TypeId| -> bool {
        let mut stack: Vec<&ir::TypeId> = aliases.get(start).map(|v| v.iter().collect()).unwrap_or_default();
        let mut seen = BTreeSet::new();
        while let Some(next) = stack.pop() {
            if next == start {
                return true;
            }
            if seen.insert(next) {
                if let Some(more) = aliases.get(next) {
                    stack.extend(more.iter());
                }
            }
        }
        false
    };
    let cyclic: BTreeSet<ir::TypeId> = aliases.keys().filter(|id| in_cycle(id)).copied().collect();
    for (i, def) in types.iter_mut().enumerate() {
        if cyclic.contains(&ir::TypeId::at(i)) {
            if let ir::TypeKind::Alias(target) = &def.kind {
                def.kind = ir::TypeKind::Newtype(target.clone());
            }
        }
    }
}

/// Boxes every by-value reference that closes a cycle, so recursive types
/// have a size.
pub(in crate::lower) fn box_cycles(types: &mut [ir::TypeDef]) {
    let edges: Vec<Vec<usize>> = types
        .iter()
        .map(|t| {
            let mut out = Vec::new();
            for_each_by_value(&t.kind, |id| out.push(id.index()));
            out
        })
        .collect();
    let reaches = |from: usize, to: usize| -> bool {
        let mut stack = vec![from];
        let mut seen = vec![false; edges.len()];
        while let Some(n) = stack.pop() {
            if n == to {
                return true;
            }
            if std::mem::replace(&mut seen[n], true) {
                continue;
            }
            stack.extend(edges[n].iter().copied());
        }
        false
    };
    let mut to_box: Vec<(usize, ir::TypeId)> = Vec::new();
    for (i, t) in types.iter().enumerate() {
        for_each_by_value(&t.kind, |id| {
            if reaches(id.index(), i) {
                to_box.push((i, id));
            }
        });
    }
    for (i, id) in to_box {
        let boxed = |ty: &mut ir::TypeRef| {
            if *ty == ir::TypeRef::Named(id) {
                *ty = ir::TypeRef::Boxed(id);
            }
        };
        match &mut types[i].kind {
            ir::TypeKind::Struct(s) => s.fields.iter_mut().for_each(|f| boxed(&mut f.ty)),
            ir::TypeKind::Untagged(variants) => variants.iter_mut().for_each(|v| boxed(&mut v.ty)),
            ir::TypeKind::Tagged { variants, .. } => variants.iter_mut().for_each(|v| boxed(&mut v.ty)),
            ir::TypeKind::Alias(ty) | ir::TypeKind::Newtype(ty) => boxed(ty),
            ir::TypeKind::Enum(_) => {}
        }
    }
}

/// Calls `f` with every type a kind holds by value (not behind Vec or Map).
pub(in crate::lower) fn for_each_by_value(kind: &ir::TypeKind, mut f: impl FnMut(ir::TypeId)) {
    let mut direct = |ty: &ir::TypeRef| {
        if let ir::TypeRef::Named(id) = ty {
            f(*id);
        }
    };
    match kind {
        ir::TypeKind::Struct(s) => s.fields.iter().for_each(|field| direct(&field.ty)),
        ir::TypeKind::Untagged(variants) => variants.iter().for_each(|v| direct(&v.ty)),
        ir::TypeKind::Tagged { variants, .. } => variants.iter().for_each(|v| direct(&v.ty)),
        ir::TypeKind::Alias(ty) | ir::TypeKind::Newtype(ty) => direct(ty),
        ir::TypeKind::Enum(_) => {}
    }
}
