//! Named types and references to types: structs, enums, unions, aliases.

use super::*;

/// A named type's id: its index in the arena [`Api::types`], which lists
/// the types in the order they are printed. Lowering hands ids out (see
/// `lower/`); every reference to a named type is one, and its name is read
/// from the arena ([`Api::type_name`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TypeId(pub u32);

impl TypeId {
    /// The index in [`Api::types`].
    pub fn index(self) -> usize {
        self.0 as usize
    }

    /// The id of the type at `index` in [`Api::types`].
    pub fn at(index: usize) -> TypeId {
        TypeId(u32::try_from(index).expect("fewer than 2^32 types"))
    }
}

/// A named Rust type.
#[derive(Clone, Debug, PartialEq)]
pub struct TypeDef {
    /// Rust type name (`ErrorResponse`).
    pub name: String,
    /// Doc text.
    pub docs: String,
    /// Where the schema sits.
    pub pointer: Pointer,
    /// Marked `deprecated: true`.
    pub deprecated: bool,
    /// What it is.
    pub kind: TypeKind,
    /// Where its code and message are, when it is some operation's error
    /// body (the `runtime::ErrorMetadata` impl it gets); `None` for every
    /// other type.
    pub error_metadata: Option<ErrorMetadata>,
}

/// Where an error body keeps the API's error code and its message for
/// people, decided in lowering (see `lower/error_metadata.rs`); either may
/// be absent.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ErrorMetadata {
    /// The path to the code: a string or a string enum.
    pub code: Option<FieldPath>,
    /// The path to the message: a string.
    pub message: Option<FieldPath>,
}

/// A path from a struct through its fields to a text value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldPath {
    /// The fields, outermost first; the last one holds the text.
    pub steps: Vec<FieldStep>,
    /// The text is a string enum (read with its `as_str`), not a `String`.
    pub enum_leaf: bool,
}

/// One step of a [`FieldPath`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldStep {
    /// The Rust field name.
    pub field: String,
    /// The field is an `Option`.
    pub optional: bool,
    /// The field is a list, and the path goes on in its first item.
    pub first_item: bool,
}

/// The shape of a named type.
#[derive(Clone, Debug, PartialEq)]
pub enum TypeKind {
    /// An object with known properties.
    Struct(Struct),
    /// A forward-compatible enum of string or integer values.
    Enum(Enum),
    /// `oneOf`/`anyOf` without a discriminator: tried in order.
    Untagged(Vec<UnionVariant>),
    /// A `discriminator` with a mapping: the tag picks the variant.
    Tagged {
        /// The tag property's wire name.
        tag: String,
        /// One variant per mapping entry.
        variants: Vec<TaggedVariant>,
        /// Name of the variant that keeps an unknown tag's object as JSON.
        unknown_variant: String,
        /// A callback payload can hold it: its `Deserialize` converts the
        /// object through the runtime's memory meter (which bounds what a
        /// callback body costs) rather than plainly.
        metered: bool,
    },
    /// Another name for a type (`type X = Vec<Y>`).
    Alias(TypeRef),
    /// A type that holds itself through a list or map (`A = Vec<A>`): a
    /// struct around the value (`struct A(Vec<A>)`), which an alias cannot be.
    Newtype(TypeRef),
}

/// An object type.
#[derive(Clone, Debug, PartialEq)]
pub struct Struct {
    /// Properties in spec order.
    pub fields: Vec<Field>,
    /// What happens to properties the spec does not list.
    pub extra: Extra,
    /// Checks `validate()` runs beyond the fields' own (when the API opts in).
    pub checks: StructChecks,
}

/// Whole-object checks read from the spec.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StructChecks {
    /// `x-esign-exactly-one-of`: groups of Rust field names of which exactly one is set.
    pub exactly_one_of: Vec<Vec<String>>,
    /// `x-esign-contrast`: colour contrast rules.
    pub contrast: Option<Box<Contrast>>,
    /// `x-esign-group-rules`: fields of listed types must name a defined group.
    pub group_rules: Option<GroupRules>,
    /// `x-esign-violations`: the API's names for the errors of checks.
    pub codes: Vec<ViolationCode>,
}

/// A check `validate()` runs: the `rule` of the `runtime::Violation` it
/// reports. Read from `x-esign-violations` keys by these names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ViolationRule {
    /// A string does not match its `pattern` (`pattern`).
    Pattern,
    /// An array is shorter than `minItems` (`min-items`).
    MinItems,
    /// An array is longer than `maxItems` (`max-items`).
    MaxItems,
    /// An enum value the spec does not list (`not-listed`).
    NotListed,
    /// A property of an `additionalProperties: false` object (`unknown-property`).
    UnknownProperty,
    /// Not exactly one of `x-esign-exactly-one-of` is set (`exactly-one-of`).
    ExactlyOneOf,
    /// Colours that do not contrast enough (`contrast`).
    Contrast,
    /// A field that names no defined group (`group`).
    Group,
}

/// Colour contrast rules over a struct's colour fields (WCAG contrast ratio).
#[derive(Clone, Debug, PartialEq)]
pub struct Contrast {
    /// The minimum ratio.
    pub minimum: f64,
    /// Colours that cannot be set.
    pub fixed: Vec<FixedColour>,
    /// Elements that take another's colour when unset.
    pub inherit: Vec<Inherit>,
    /// Elements and the elements they must contrast with.
    pub pairs: Vec<ContrastPair>,
    /// The colour elements the struct holds.
    pub elements: Vec<ContrastElement>,
}

/// The API's name for the error of one check (`x-esign-violations`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ViolationCode {
    /// The check.
    pub rule: ViolationRule,
    /// The API's name for its error.
    pub code: String,
}

/// A colour element that cannot be set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FixedColour {
    /// The element.
    pub element: String,
    /// Its colour, as hex.
    pub hex: String,
}

/// An element that takes another's colour when unset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inherit {
    /// The element.
    pub element: String,
    /// The element it inherits from.
    pub from: String,
}

/// An element and the elements it must contrast with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContrastPair {
    /// The element.
    pub element: String,
    /// The elements it must contrast with.
    pub against: Vec<String>,
}

/// One colour element of a [`Contrast`] rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContrastElement {
    /// The element's wire name.
    pub wire_name: String,
    /// The Rust field holding its colour.
    pub field: String,
    /// Its colour when unset, as hex.
    pub default: Option<String>,
}

/// Group membership rules of a form-field payload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupRules {
    /// The Rust field holding the fields (lists of lists).
    pub fields: String,
    /// The Rust field holding the groups map.
    pub groups: String,
    /// Field types whose `group` must be a defined group.
    pub required_for: Vec<String>,
}

/// Handling of properties a struct does not declare.
#[derive(Clone, Debug, PartialEq)]
pub enum Extra {
    /// Kept in a field of this name as JSON values (the default: forward compatible).
    Keep(String),
    /// Kept in a field of this name, typed by `additionalProperties`.
    Typed(String, TypeRef),
    /// `additionalProperties: false`: still kept in a field of this name
    /// (nothing is lost), and reported by `validate()`.
    Deny(String),
}

/// One property.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    /// Rust field name (`type_`).
    pub name: String,
    /// JSON key (`type`).
    pub wire_name: String,
    /// Doc text.
    pub docs: String,
    /// The type, without the `Option` that `required`/`nullable` add.
    pub ty: TypeRef,
    /// Listed in `required`.
    pub required: bool,
    /// `nullable: true`.
    pub nullable: bool,
    /// Marked `deprecated: true`.
    pub deprecated: bool,
    /// `default`, as JSON text.
    pub default: Option<String>,
    /// `pattern` of a string property.
    pub pattern: Option<String>,
    /// `minItems` of an array property.
    pub min_items: Option<usize>,
    /// `maxItems` of an array property.
    pub max_items: Option<usize>,
    /// Where the property sits.
    pub pointer: Pointer,
}

/// A forward-compatible enum.
#[derive(Clone, Debug, PartialEq)]
pub struct Enum {
    /// String or integer values.
    pub repr: EnumRepr,
    /// Known values in spec order.
    pub variants: Vec<Variant>,
    /// Name of the catch-all variant that keeps unknown values.
    pub unknown_variant: String,
}

/// The wire type of an enum.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EnumRepr {
    /// JSON strings.
    String,
    /// JSON integers.
    Integer,
}

/// One known enum value.
#[derive(Clone, Debug, PartialEq)]
pub struct Variant {
    /// Rust variant name (`BadRequest`).
    pub name: String,
    /// The value on the wire.
    pub wire: EnumValue,
    /// Per-value text from `x-esign-values`.
    pub docs: String,
    /// Per-value HTTP status from `x-esign-values`.
    pub http_status: Option<u16>,
    /// Per-value rule as a regular expression from `x-esign-values`.
    pub pattern: Option<String>,
    /// Per-value type of what the value names, from `x-esign-values`
    /// `value-type`.
    pub value_type: Option<ValueType>,
}

/// The type of the value a field of a search query takes
/// (`runtime::ValueType`); `value-type` of an `x-esign-values` entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ValueType {
    /// Text.
    String,
    /// A date, or a date and time.
    Date,
    /// `true` or `false`.
    Boolean,
    /// A whole number.
    Integer,
}

/// A value on the wire.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EnumValue {
    /// A string value.
    String(String),
    /// An integer value.
    Integer(i64),
}

/// One arm of an untagged union.
#[derive(Clone, Debug, PartialEq)]
pub struct UnionVariant {
    /// Rust variant name.
    pub name: String,
    /// Its payload.
    pub ty: TypeRef,
}

/// One arm of a tagged union.
#[derive(Clone, Debug, PartialEq)]
pub struct TaggedVariant {
    /// Rust variant name.
    pub name: String,
    /// The tag value on the wire.
    pub tag_value: String,
    /// The named struct carrying the fields.
    pub ty: TypeRef,
    /// The struct has no field for the tag (lowering took it out): reading
    /// takes the tag out of the object before building the struct, so it
    /// does not land among its unlisted properties.
    pub drops_tag: bool,
}

/// A reference to a type, as used by fields, parameters and bodies.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TypeRef {
    /// A named type in the same module: its place in [`Api::types`].
    Named(TypeId),
    /// A named type behind a `Box` (breaks a cycle).
    Boxed(TypeId),
    /// `String`.
    String,
    /// `bool`.
    Bool,
    /// `i32`.
    I32,
    /// `i64`.
    I64,
    /// `u64` (`format: uint64` and the like).
    U64,
    /// `f32`.
    F32,
    /// `f64`.
    F64,
    /// Raw bytes (`format: binary`).
    Bytes,
    /// A boolean written as the string `"True"`/`"False"` (`x-esign-string-bool`).
    StringBool,
    /// Any JSON value.
    Json,
    /// `Vec<T>`.
    Vec(Box<TypeRef>),
    /// `BTreeMap<String, T>`.
    Map(Box<TypeRef>),
}

impl TypeRef {
    /// Whether this is (a list or map of) a named type in `ids`.
    pub fn names_one_of(&self, ids: &std::collections::BTreeSet<TypeId>) -> bool {
        match self {
            TypeRef::Named(id) | TypeRef::Boxed(id) => ids.contains(id),
            TypeRef::Vec(inner) | TypeRef::Map(inner) => inner.names_one_of(ids),
            _ => false,
        }
    }
}

impl TypeRef {
    /// Every named type this mentions, mutably (to renumber them).
    pub fn ids_mut(&mut self, f: &mut impl FnMut(&mut TypeId)) {
        match self {
            TypeRef::Named(id) | TypeRef::Boxed(id) => f(id),
            TypeRef::Vec(inner) | TypeRef::Map(inner) => inner.ids_mut(f),
            _ => {}
        }
    }
}

impl TypeKind {
    /// Every named type the kind refers to, mutably (to renumber them).
    pub fn ids_mut(&mut self, f: &mut impl FnMut(&mut TypeId)) {
        match self {
            TypeKind::Struct(s) => {
                for field in &mut s.fields {
                    field.ty.ids_mut(f);
                }
                if let Extra::Typed(_, ty) = &mut s.extra {
                    ty.ids_mut(f);
                }
            }
            TypeKind::Enum(_) => {}
            TypeKind::Untagged(variants) => variants.iter_mut().for_each(|v| v.ty.ids_mut(f)),
            TypeKind::Tagged { variants, .. } => variants.iter_mut().for_each(|v| v.ty.ids_mut(f)),
            TypeKind::Alias(ty) | TypeKind::Newtype(ty) => ty.ids_mut(f),
        }
    }
}
