//! Cycle passes over the lowered types: aliases that hold themselves are
//! refused or become newtypes, and a struct that holds itself by value is
//! boxed.

use super::*;

impl<'a> Lowerer<'a> {
    /// `type A = B; type B = A;` cannot compile: report it.
    pub(in crate::lower) fn check_alias_cycles(&self) -> Result<(), Error> {
        let aliases: BTreeMap<&str, (&str, &str)> = self
            .types
            .iter()
            .filter_map(|t| match &t.kind {
                ir::TypeKind::Alias(ir::TypeRef::Named(target)) => {
                    Some((t.name.as_str(), (target.as_str(), t.pointer.as_str())))
                }
                _ => None,
            })
            .collect();
        for (start, (_, pointer)) in &aliases {
            let mut current = *start;
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
    pub(in crate::lower) fn mentions(ty: &ir::TypeRef, out: &mut Vec<String>) {
        match ty {
            ir::TypeRef::Named(n) | ir::TypeRef::Boxed(n) => out.push(n.clone()),
            ir::TypeRef::Vec(inner) | ir::TypeRef::Map(inner) => mentions(inner, out),
            _ => {}
        }
    }
    let aliases: BTreeMap<String, Vec<String>> = types
        .iter()
        .filter_map(|t| match &t.kind {
            ir::TypeKind::Alias(target) => {
                let mut out = Vec::new();
                mentions(target, &mut out);
                Some((t.name.clone(), out))
            }
            _ => None,
        })
        .collect();
    let in_cycle = |start: &String| -> bool {
        let mut stack: Vec<&String> = aliases.get(start).map(|v| v.iter().collect()).unwrap_or_default();
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
    let cyclic: BTreeSet<String> = aliases.keys().filter(|name| in_cycle(name)).cloned().collect();
    for def in types.iter_mut() {
        if cyclic.contains(&def.name) {
            if let ir::TypeKind::Alias(target) = &def.kind {
                def.kind = ir::TypeKind::Newtype(target.clone());
            }
        }
    }
}

/// Boxes every by-value reference that closes a cycle, so recursive types
/// have a size.
pub(in crate::lower) fn box_cycles(types: &mut [ir::TypeDef]) {
    let index: BTreeMap<String, usize> = types.iter().enumerate().map(|(i, t)| (t.name.clone(), i)).collect();
    let edges: Vec<Vec<usize>> = types
        .iter()
        .map(|t| {
            let mut out = Vec::new();
            for_each_by_value(&t.kind, |name| {
                if let Some(&j) = index.get(name) {
                    out.push(j);
                }
            });
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
    let mut to_box: Vec<(usize, String)> = Vec::new();
    for (i, t) in types.iter().enumerate() {
        for_each_by_value(&t.kind, |name| {
            if let Some(&j) = index.get(name) {
                if reaches(j, i) {
                    to_box.push((i, name.to_owned()));
                }
            }
        });
    }
    for (i, name) in to_box {
        let boxed = |ty: &mut ir::TypeRef| {
            if *ty == ir::TypeRef::Named(name.clone()) {
                *ty = ir::TypeRef::Boxed(name.clone());
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
pub(in crate::lower) fn for_each_by_value(kind: &ir::TypeKind, mut f: impl FnMut(&str)) {
    let mut direct = |ty: &ir::TypeRef| {
        if let ir::TypeRef::Named(name) = ty {
            f(name);
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
