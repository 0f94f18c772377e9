//! The provider layer: types and checks that only some providers' specs
//! call for, kept apart from the generic runtime. No generic module names
//! this one (the layers check holds it to that: it is the top layer); the
//! crate root re-exports what generated code uses, and the generator emits
//! a use of each only for a spec that declares it.
//!
//! - `search`: a query builder over typed fields in Dropbox Sign's query
//!   syntax, for enums whose `x-esign-values` give a `value-type`, behind
//!   the `search` feature;
//! - `contrast`: colour-contrast checks (`x-esign-contrast`, white
//!   labelling), behind the `contrast` feature;
//! - `string_bool`: booleans written as `"True"`/`"False"`
//!   (`x-esign-string-bool`);
//! - `reported_for`: whom a callback event was reported for
//!   (`x-esign-event-hash`'s `reported-for`).

#[cfg(feature = "contrast")]
pub(crate) mod contrast;
pub(crate) mod reported_for;
#[cfg(feature = "search")]
pub(crate) mod search;
pub(crate) mod string_bool;
