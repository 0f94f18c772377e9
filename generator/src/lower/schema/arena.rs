//! The arena of named types while lowering: handing out [`ir::TypeId`]s.
//!
//! As typify's `TypeSpace` does, a component schema gets its id before any
//! body is lowered (every name is claimed first), so references resolve in
//! any order and a recursive type can name itself. An inline schema gets its
//! id when its type is finished: it cannot refer to itself.
//!
//! The printed order is the order types are finished, which is not the order
//! component ids were handed out (an inline type inside a component finishes
//! before it). Once every component is lowered, [`Lowerer::renumber_types`]
//! renumbers the ids to their place in that order; from then on an id is the
//! index in `types`, which becomes `ir::Api::types` as it is.

use super::*;

/// One id handed out.
pub(in crate::lower) struct Slot {
    /// The type's Rust name, known from the start.
    name: String,
    /// Its index in `Lowerer::types`, once its body is lowered.
    at: Option<usize>,
}

impl<'a> Lowerer<'a> {
    /// An id for a type whose body is lowered later ([`Lowerer::fill_type`]).
    pub(in crate::lower) fn reserve_type(&mut self, name: String) -> ir::TypeId {
        let id = ir::TypeId::at(self.slots.len());
        self.slots.push(Slot { name, at: None });
        id
    }

    /// Adds a finished type under an id from [`Lowerer::reserve_type`].
    pub(in crate::lower) fn fill_type(&mut self, id: ir::TypeId, def: ir::TypeDef) {
        let slot = &mut self.slots[id.index()];
        debug_assert!(slot.at.is_none() && slot.name == def.name, "type {} filled twice", def.name);
        slot.at = Some(self.types.len());
        self.types.push(def);
    }

    /// Adds a finished type under a new id.
    pub(in crate::lower) fn add_type(&mut self, def: ir::TypeDef) -> ir::TypeId {
        let id = self.reserve_type(def.name.clone());
        self.fill_type(id, def);
        id
    }

    /// The Rust name of a type, lowered or only reserved.
    pub(in crate::lower) fn type_name(&self, id: ir::TypeId) -> &str {
        &self.slots[id.index()].name
    }

    /// A type, once its body is lowered.
    pub(in crate::lower) fn type_def(&self, id: ir::TypeId) -> Option<&ir::TypeDef> {
        self.slots[id.index()].at.map(|at| &self.types[at])
    }

    /// Renumbers every id to the type's index in `types`. Every reserved id
    /// must be filled by then.
    pub(in crate::lower) fn renumber_types(&mut self) {
        let new: Vec<ir::TypeId> = self
            .slots
            .iter()
            .map(|slot| ir::TypeId::at(slot.at.expect("every reserved type is lowered before renumbering")))
            .collect();
        let mut renumber = |id: &mut ir::TypeId| *id = new[id.index()];
        for def in &mut self.types {
            def.kind.ids_mut(&mut renumber);
        }
        self.schema_names.values_mut().for_each(&mut renumber);
        self.inline_types.values_mut().for_each(&mut renumber);
        self.slots =
            self.types.iter().enumerate().map(|(at, def)| Slot { name: def.name.clone(), at: Some(at) }).collect();
    }
}
