//! Parsing JSON into a typed value within a memory budget.
//!
//! A callback's hash may vouch for only a few of its fields, so the rest of
//! its body can be anything. Parsed eagerly into typed values, a body built
//! to be costly takes tens of times its size: `[{},{},...]` becomes one
//! struct, hundreds of bytes, per three bytes of text. [`from_json_within`]
//! parses through a wrapper around the JSON deserializer that charges, as
//! each value is read and before it is kept, an upper bound of the heap that
//! value adds, and stops the parse with [`CallbackError::TooDense`] as soon
//! as the charges pass the budget. So what a refused body costs is bounded
//! by the budget too.
//!
//! The charges follow what each value takes while it is built and kept
//! (sizes are `size_of` the Rust type being built, which the seeds serde
//! hands the wrapper carry):
//! - a sequence element: a `Vec`'s buffer as it grows by pushes (a capacity
//!   of four, then doubling; while it grows the old and the new buffer are
//!   both held, and the old one is given back after);
//! - a map entry (a map with string keys, or the map in which a struct keeps
//!   properties it does not know): what a B-tree or a hash map of such
//!   entries holds as it grows, whichever is more (see `MapGrowth`);
//! - a string: its length; a string that needed unescaping also grows the
//!   parser's scratch buffer, up to the longest one;
//! - a struct's unknown property: a slot in the buffer serde keeps them in
//!   until the struct is read (given back then), its name copied twice, and
//!   everything inside it twice over, since it is buffered and then copied
//!   into the map; the same twice over for what an untagged enum buffers;
//! - a value a type reads as JSON first and then converts (the generated
//!   unions whose variant a property picks, through [`from_buffered`]): the
//!   JSON while it is held, given back once the typed value is built, which
//!   is charged as it is built.
//!
//! Struct fields cost nothing of their own: they live inside their parent.
//! Serde's field names and its content buffers are told apart by their type
//! names (`__Field`, its private `content` module); the unit tests below
//! fail if a serde release renames them, so that cannot turn silently into
//! charging too little. A `Box` is not seen (the wrapper sees the value
//! inside, not the box), so recursive types are charged below what they
//! take; callback payloads have none.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::mem::size_of;
use std::rc::Rc;

use serde::de::{self, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, VariantAccess, Visitor};

use super::callback::CallbackError;

/// Parses `json` into `T`, refusing it with [`CallbackError::TooDense`] once
/// the heap its values would take passes `budget` bytes (see the module
/// docs for how that is charged), and with [`CallbackError::Malformed`] when
/// it is not JSON of that shape. Input that is not of the shape also costs
/// what `serde_json` takes to say so: its scratch buffer and an error
/// message that may quote the offending string (the message returned is
/// cut at 200 bytes).
pub fn from_json_within<T: de::DeserializeOwned>(json: &[u8], budget: usize) -> Result<T, CallbackError> {
    let meter = Rc::new(Meter {
        live: Cell::new(0),
        budget,
        scratch: Cell::new(0),
        over: Cell::new(false),
        last: Cell::new(0),
    });
    let _active = Active::enter(meter.clone());
    let mut parser = serde_json::Deserializer::from_slice(json);
    let result = T::deserialize(Metered { inner: &mut parser, meter: &meter, rate: 1 }).and_then(|value| {
        parser.end()?;
        Ok(value)
    });
    match result {
        Ok(value) => Ok(value),
        Err(_) if meter.over.get() => Err(CallbackError::TooDense { budget }),
        Err(err) => Err(CallbackError::Malformed(brief(&err))),
    }
}

/// An error's message, cut after 200 bytes: a parse error may quote a
/// string of the body, which should neither be copied whole again nor be
/// echoed back at length.
fn brief(err: &dyn fmt::Display) -> String {
    struct Brief(String);

    impl fmt::Write for Brief {
        fn write_str(&mut self, text: &str) -> fmt::Result {
            const MOST: usize = 200;
            let room = MOST.saturating_sub(self.0.len());
            if text.len() <= room {
                self.0.push_str(text);
                return Ok(());
            }
            let cut = (0..=room).rev().find(|&at| text.is_char_boundary(at)).unwrap_or(0);
            self.0.push_str(&text[..cut]);
            self.0.push('…');
            Err(fmt::Error)
        }
    }

    let mut out = Brief(String::new());
    let _ = fmt::write(&mut out, format_args!("{err}"));
    out.0
}

thread_local! {
    /// The meter of the parse running on this thread, for values that a
    /// type reads as JSON first and then converts (see [`from_buffered`]).
    static ACTIVE: RefCell<Option<Rc<Meter>>> = const { RefCell::new(None) };
}

/// The meter of a running parse, set for as long as it runs (and the one
/// before it put back after, for a parse within a parse).
struct Active(Option<Rc<Meter>>);

impl Active {
    fn enter(meter: Rc<Meter>) -> Active {
        Active(ACTIVE.with(|active| active.replace(Some(meter))))
    }
}

impl Drop for Active {
    fn drop(&mut self) {
        let previous = self.0.take();
        ACTIVE.with(|active| *active.borrow_mut() = previous);
    }
}

/// Where the meter of a running parse stood, taken before a type reads a
/// value as JSON (see [`buffer_mark`]).
#[derive(Clone, Copy, Debug)]
pub struct BufferMark {
    /// Which meter: its address, compared, never followed.
    meter: usize,
    live: usize,
    scratch: usize,
}

/// Where the meter of a running parse stands (`None` outside one): taken
/// before a type reads a value as JSON, to convert it after with
/// [`from_buffered`].
pub fn buffer_mark() -> Option<BufferMark> {
    ACTIVE.with(|active| {
        active.borrow().as_ref().map(|meter| BufferMark {
            meter: Rc::as_ptr(meter) as usize,
            live: meter.live.get(),
            scratch: meter.scratch.get(),
        })
    })
}

/// Converts `value`, read as JSON since `mark` (see [`buffer_mark`]), into
/// `T`: within the running parse's budget if there is one (what `T` keeps
/// is charged as it is built, and what the JSON took is given back once it
/// is consumed; the parser's scratch buffer, which stays, is not), as
/// `serde_json::from_value` does otherwise. A mark from another parse
/// gives nothing back. Generated types whose variant is chosen by a
/// property read their value this way.
pub fn from_buffered<T: de::DeserializeOwned>(
    value: serde_json::Value,
    mark: Option<BufferMark>,
) -> Result<T, serde_json::Error> {
    let Some(meter) = ACTIVE.with(|active| active.borrow().clone()) else {
        return serde_json::from_value(value);
    };
    let buffered = match mark {
        Some(mark) if mark.meter == Rc::as_ptr(&meter) as usize => {
            let scratch = meter.scratch.get().saturating_sub(mark.scratch);
            meter.live.get().saturating_sub(mark.live).saturating_sub(scratch)
        }
        _ => 0,
    };
    let result = T::deserialize(Metered { inner: value, meter: &meter, rate: 1 });
    meter.refund(buffered);
    result
}

/// The heap the values read so far take, at most, against the budget, and
/// what the parser's scratch buffer holds.
struct Meter {
    live: Cell<usize>,
    budget: usize,
    scratch: Cell<usize>,
    over: Cell<bool>,
    /// The length of the last string read.
    last: Cell<usize>,
}

impl Meter {
    fn charge<E: de::Error>(&self, bytes: usize) -> Result<(), E> {
        let live = self.live.get().saturating_add(bytes);
        self.live.set(live);
        if live > self.budget {
            self.over.set(true);
            return Err(E::custom("over the memory budget"));
        }
        Ok(())
    }

    /// Memory given back (a `Vec`'s old buffer, once it has grown).
    fn refund(&self, bytes: usize) {
        self.live.set(self.live.get().saturating_sub(bytes));
    }

    /// A string of `len` bytes, kept (charged `rate` times); `copied` when
    /// the parser unescaped it into its scratch buffer first.
    fn string<E: de::Error>(&self, len: usize, copied: bool, rate: usize) -> Result<(), E> {
        self.last.set(len);
        if copied && len > self.scratch.get() {
            self.charge(len - self.scratch.get())?;
            self.scratch.set(len);
        }
        self.charge(len.saturating_mul(rate))
    }
}

/// The buffer of a `Vec` that grows one push at a time: a capacity of four,
/// then doubling, with the old and the new buffer both held while it grows.
#[derive(Default)]
struct Growth {
    len: usize,
    capacity: usize,
    /// The element size charged.
    size: usize,
}

impl Growth {
    /// One more element of `size` bytes, charged `rate` times.
    fn push<E: de::Error>(&mut self, meter: &Meter, size: usize, rate: usize) -> Result<(), E> {
        if self.len == self.capacity {
            let grown = (self.capacity * 2).max(4);
            meter.charge(grown.saturating_mul(size).saturating_mul(rate))?;
            meter.refund(self.capacity.saturating_mul(size).saturating_mul(rate));
            self.capacity = grown;
        }
        self.size = size;
        self.len += 1;
        Ok(())
    }

    /// The buffer dropped: what it held given back, charged `rate` times.
    fn release(&mut self, meter: &Meter, rate: usize) {
        meter.refund(self.capacity.saturating_mul(self.size).saturating_mul(rate));
        *self = Growth::default();
    }
}

/// True when serde's derive reads a struct's field names through this key
/// type: its fields live inside the struct, so they cost nothing of their own.
fn is_field_name<K>() -> bool {
    let name = std::any::type_name::<K>();
    name.ends_with("::__Field") || name.ends_with("::__Field<'_>")
}

/// True for a type of serde's own content buffering (its private
/// `content` module). Checked by name, first by the cheap end of it: these
/// run for every value read.
fn is_serde_content<K>(item: &str) -> bool {
    let name = std::any::type_name::<K>();
    name.starts_with("serde") && name.contains("::content::") && name.contains(item)
}

/// True for serde's buffer of a struct's unknown properties (it keeps them,
/// then copies them into the struct's map).
fn is_buffered<K>() -> bool {
    is_serde_content::<K>("::Content")
}

/// The rate inside a value read by `V`: serde buffers what it reads with
/// its content visitors (for untagged enums, and for the unknown properties
/// of a struct that keeps them) and then copies it into the typed value, so
/// everything inside is charged twice; never more than that, however deep.
fn buffered_rate<V>(rate: usize) -> usize {
    if rate == 1 && is_serde_content::<V>("Visitor") {
        2
    } else {
        rate
    }
}

/// A deserializer whose every value is charged to the meter, `rate` times.
struct Metered<'m, D> {
    inner: D,
    meter: &'m Meter,
    rate: usize,
}

/// A visitor that charges what it is given, then passes it on.
struct Charging<'m, V> {
    inner: V,
    meter: &'m Meter,
    rate: usize,
}

/// A seed whose value is read through a [`Metered`] deserializer.
struct Seed<'m, S> {
    inner: S,
    meter: &'m Meter,
    rate: usize,
}

/// A sequence whose elements are charged as a `Vec` holds them.
struct Seq<'m, A> {
    inner: A,
    meter: &'m Meter,
    rate: usize,
    growth: Growth,
}

/// A map (or a struct's fields) whose entries are charged as a B-tree
/// holds them; struct fields are not charged.
struct Map<'m, A> {
    inner: A,
    meter: &'m Meter,
    rate: usize,
    /// Whether the current key is a struct's property name.
    field: bool,
    /// The current key's size, and whether it is serde's buffered content.
    key_size: usize,
    pairs: bool,
    /// Serde's buffer of a buffered object's entries.
    buffer: Growth,
    /// Serde's buffer of a struct's unknown properties, dropped once the
    /// struct is read.
    unknown: Growth,
    /// The map the entries end in.
    map: MapGrowth,
}

/// An enum whose variant content is read through a [`Metered`] deserializer.
struct Enum<'m, A> {
    inner: A,
    meter: &'m Meter,
    rate: usize,
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for Seed<'_, S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<S::Value, D::Error> {
        self.inner.deserialize(Metered { inner: deserializer, meter: self.meter, rate: self.rate })
    }
}

macro_rules! forward_deserialize {
    ($($method:ident $(($($arg:ident: $ty:ty),*))?),* $(,)?) => {$(
        fn $method<V: Visitor<'de>>(self, $($($arg: $ty,)*)? visitor: V) -> Result<V::Value, D::Error> {
            self.inner.$method($($($arg,)*)? Charging { inner: visitor, meter: self.meter, rate: self.rate })
        }
    )*};
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Metered<'_, D> {
    type Error = D::Error;

    /// Serde's content visitors read through `deserialize_any` (see
    /// [`buffered_rate`]).
    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        let rate = buffered_rate::<V>(self.rate);
        self.inner.deserialize_any(Charging { inner: visitor, meter: self.meter, rate })
    }

    forward_deserialize! {
        deserialize_bool, deserialize_i8, deserialize_i16, deserialize_i32, deserialize_i64,
        deserialize_i128, deserialize_u8, deserialize_u16, deserialize_u32, deserialize_u64, deserialize_u128,
        deserialize_f32, deserialize_f64, deserialize_char, deserialize_str, deserialize_string, deserialize_bytes,
        deserialize_byte_buf, deserialize_option, deserialize_unit, deserialize_seq, deserialize_map,
        deserialize_identifier, deserialize_ignored_any,
        deserialize_unit_struct(name: &'static str),
        deserialize_newtype_struct(name: &'static str),
        deserialize_tuple(len: usize),
        deserialize_tuple_struct(name: &'static str, len: usize),
        deserialize_struct(name: &'static str, fields: &'static [&'static str]),
        deserialize_enum(name: &'static str, variants: &'static [&'static str]),
    }

    fn is_human_readable(&self) -> bool {
        self.inner.is_human_readable()
    }
}

macro_rules! forward_visit {
    ($($method:ident($ty:ty)),* $(,)?) => {$(
        fn $method<E: de::Error>(self, value: $ty) -> Result<V::Value, E> {
            self.inner.$method(value)
        }
    )*};
}

impl<'de, V: Visitor<'de>> Visitor<'de> for Charging<'_, V> {
    type Value = V::Value;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.expecting(formatter)
    }

    forward_visit! {
        visit_bool(bool), visit_i8(i8), visit_i16(i16), visit_i32(i32), visit_i64(i64), visit_i128(i128),
        visit_u8(u8), visit_u16(u16), visit_u32(u32), visit_u64(u64), visit_u128(u128), visit_f32(f32),
        visit_f64(f64), visit_char(char),
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<V::Value, E> {
        self.meter.string(value.len(), true, self.rate)?;
        self.inner.visit_str(value)
    }

    fn visit_borrowed_str<E: de::Error>(self, value: &'de str) -> Result<V::Value, E> {
        self.meter.string(value.len(), false, self.rate)?;
        self.inner.visit_borrowed_str(value)
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<V::Value, E> {
        self.meter.string(value.len(), false, self.rate)?;
        self.inner.visit_string(value)
    }

    fn visit_bytes<E: de::Error>(self, value: &[u8]) -> Result<V::Value, E> {
        self.meter.string(value.len(), true, self.rate)?;
        self.inner.visit_bytes(value)
    }

    fn visit_borrowed_bytes<E: de::Error>(self, value: &'de [u8]) -> Result<V::Value, E> {
        self.meter.string(value.len(), false, self.rate)?;
        self.inner.visit_borrowed_bytes(value)
    }

    fn visit_byte_buf<E: de::Error>(self, value: Vec<u8>) -> Result<V::Value, E> {
        self.meter.string(value.len(), false, self.rate)?;
        self.inner.visit_byte_buf(value)
    }

    fn visit_none<E: de::Error>(self) -> Result<V::Value, E> {
        self.inner.visit_none()
    }

    fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
        self.inner.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<V::Value, D::Error> {
        self.inner.visit_some(Metered { inner: deserializer, meter: self.meter, rate: self.rate })
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, deserializer: D) -> Result<V::Value, D::Error> {
        self.inner.visit_newtype_struct(Metered { inner: deserializer, meter: self.meter, rate: self.rate })
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        self.inner.visit_seq(Seq { inner: seq, meter: self.meter, rate: self.rate, growth: Growth::default() })
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        // A `serde_json` map (a free-form value, or where a struct keeps
        // unknown properties) is a hash map with `preserve_order`; any other
        // map a generated type holds is a B-tree.
        let hashed = JSON_MAPS_HASHED && std::any::type_name::<V>().starts_with("serde_json::");
        let map = Map {
            inner: map,
            meter: self.meter,
            rate: self.rate,
            field: false,
            key_size: 0,
            pairs: false,
            buffer: Growth::default(),
            unknown: Growth::default(),
            map: MapGrowth { hashed, ..MapGrowth::default() },
        };
        self.inner.visit_map(map)
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<V::Value, A::Error> {
        self.inner.visit_enum(Enum { inner: data, meter: self.meter, rate: self.rate })
    }
}

impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for Seq<'_, A> {
    type Error = A::Error;

    fn next_element_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<Option<S::Value>, A::Error> {
        // Charged once the element is read, before the `Vec` takes it
        // (the element's own contents were charged as they were read).
        let element = self.inner.next_element_seed(Seed { inner: seed, meter: self.meter, rate: self.rate })?;
        if element.is_some() {
            if self.rate >= 2 {
                // Buffered by serde, then copied: a `Vec` of its buffered
                // elements and one of the copies (JSON values), side by side.
                let size = size_of::<S::Value>() + size_of::<serde_json::Value>();
                self.growth.push(self.meter, size, self.rate - 1)?;
            } else {
                self.growth.push(self.meter, size_of::<S::Value>(), self.rate)?;
            }
        }
        Ok(element)
    }

    /// None, whatever the input knows: serde sizes a collection up front
    /// from a hint (up to 1 MiB) before any of it is charged, so every
    /// collection grows by pushes, as the charges assume. (`serde_json`
    /// reading text gives none anyway; a `Value` being converted would.)
    fn size_hint(&self) -> Option<usize> {
        None
    }
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Map<'_, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, A::Error> {
        let (meter, rate) = (self.meter, self.rate);
        if is_field_name::<K::Value>() {
            // A struct's property name: kept only if the property is
            // unknown, and charged then (see `next_value_seed`).
            self.field = true;
            let key = self.inner.next_key_seed(Seed { inner: seed, meter, rate: 0 })?;
            if key.is_none() {
                // The struct is read: serde moves its buffered unknown
                // properties into the map charged for them, and drops the
                // buffer before anything else is read.
                self.unknown.release(meter, rate);
            }
            return Ok(key);
        }
        self.field = false;
        self.key_size = size_of::<K::Value>();
        self.pairs = is_buffered::<K::Value>();
        self.inner.next_key_seed(Seed { inner: seed, meter, rate })
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, A::Error> {
        let (meter, rate) = (self.meter, self.rate);
        let entry = size_of::<String>() + size_of::<serde_json::Value>();
        if !self.field {
            // A map's entry; serde's buffer of an object keeps pairs in a
            // `Vec`, and becomes a map later.
            let pair = self.key_size + size_of::<S::Value>();
            if self.pairs {
                self.buffer.push(meter, pair, rate)?;
                self.map.push(meter, entry, rate)?;
            } else {
                self.map.push(meter, pair, rate)?;
            }
            return self.inner.next_value_seed(Seed { inner: seed, meter, rate });
        }
        if !is_buffered::<S::Value>() {
            // A known field: its struct holds it.
            return self.inner.next_value_seed(Seed { inner: seed, meter, rate });
        }
        // An unknown property: a slot in serde's buffer (a `Vec` of pairs),
        // then an entry in the struct's map, with its name copied twice and
        // its value, buffered then copied, charged twice over.
        self.unknown.push(meter, 2 * size_of::<S::Value>(), rate)?;
        self.map.hashed = JSON_MAPS_HASHED;
        self.map.push(meter, entry, rate)?;
        meter.charge((2 * meter.last.get()).saturating_mul(rate))?;
        self.inner.next_value_seed(Seed { inner: seed, meter, rate: 2 })
    }

    /// None, whatever the input knows: serde sizes a collection up front
    /// from a hint (up to 1 MiB) before any of it is charged, so every
    /// collection grows by pushes, as the charges assume. (`serde_json`
    /// reading text gives none anyway; a `Value` being converted would.)
    fn size_hint(&self) -> Option<usize> {
        None
    }
}

/// Whether `serde_json` keeps maps as hash maps (its `preserve_order`
/// feature, on for every crate in a build once any turns it on) rather than
/// B-trees: its map type is then larger than a B-tree's three words.
const JSON_MAPS_HASHED: bool =
    size_of::<serde_json::Map<String, serde_json::Value>>() > size_of::<std::collections::BTreeMap<String, ()>>();

/// What a map with string keys holds as it grows one entry at a time: as a
/// B-tree, a leaf of eleven entries, then leaves at least about half full
/// and the inner nodes above them; as a hash map (`serde_json`'s with
/// `preserve_order`), a `Vec` of entries with their hashes, kept at the
/// capacity of a table of indices beside it, both doubling when the table
/// is seven eighths full (three of four buckets when small), old and new
/// held at once.
#[derive(Default)]
struct MapGrowth {
    len: usize,
    held: usize,
    hashed: bool,
}

impl MapGrowth {
    /// One more entry of `size` bytes (key and value), charged `rate` times.
    fn push<E: de::Error>(&mut self, meter: &Meter, size: usize, rate: usize) -> Result<(), E> {
        self.len += 1;
        let (steady, peak) = if self.hashed {
            // Buckets of the hash table for `len` entries (as hashbrown sizes it).
            let buckets = |len: usize| match len {
                0 => 0,
                1..=3 => 4,
                4..=7 => 8,
                _ => (len * 8).div_ceil(7).next_power_of_two(),
            };
            // Entries the table holds (the entries' `Vec` is kept at that
            // capacity), and the table's bytes: an index and a control byte
            // per bucket, and a group of control bytes more.
            let room = |buckets: usize| if buckets < 8 { buckets.saturating_sub(1) } else { buckets / 8 * 7 };
            let bytes = |buckets: usize| if buckets == 0 { 0 } else { room(buckets) * (size + 8) + buckets * 9 + 16 };
            let (before, after) = (buckets(self.len - 1), buckets(self.len));
            let steady = bytes(after);
            (steady, if after > before { bytes(before) + steady } else { steady })
        } else {
            let tree = if self.len <= 11 { 11 * size + 16 } else { 3 * size * self.len };
            (tree, tree)
        };
        meter.charge(peak.saturating_sub(self.held).saturating_mul(rate))?;
        meter.refund(peak.max(self.held).saturating_sub(steady).saturating_mul(rate));
        self.held = steady;
        Ok(())
    }
}

impl<'de, 'm, A: EnumAccess<'de>> EnumAccess<'de> for Enum<'m, A> {
    type Error = A::Error;
    type Variant = Enum<'m, A::Variant>;

    fn variant_seed<S: DeserializeSeed<'de>>(self, seed: S) -> Result<(S::Value, Self::Variant), A::Error> {
        let (meter, rate) = (self.meter, self.rate);
        let (value, variant) = self.inner.variant_seed(Seed { inner: seed, meter, rate })?;
        Ok((value, Enum { inner: variant, meter, rate }))
    }
}

impl<'de, A: VariantAccess<'de>> VariantAccess<'de> for Enum<'_, A> {
    type Error = A::Error;

    fn unit_variant(self) -> Result<(), A::Error> {
        self.inner.unit_variant()
    }

    fn newtype_variant_seed<S: DeserializeSeed<'de>>(self, seed: S) -> Result<S::Value, A::Error> {
        self.inner.newtype_variant_seed(Seed { inner: seed, meter: self.meter, rate: self.rate })
    }

    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, A::Error> {
        self.inner.tuple_variant(len, Charging { inner: visitor, meter: self.meter, rate: self.rate })
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, A::Error> {
        self.inner.struct_variant(fields, Charging { inner: visitor, meter: self.meter, rate: self.rate })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Plain {
        a: i64,
        #[serde(default)]
        b: Option<String>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Open {
        a: i64,
        #[serde(flatten)]
        extra: serde_json::Map<String, serde_json::Value>,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Big {
        #[serde(default)]
        fields: [Option<u64>; 16],
    }

    fn parse<T: de::DeserializeOwned>(json: &str, budget: usize) -> Result<T, CallbackError> {
        from_json_within(json.as_bytes(), budget)
    }

    #[test]
    fn struct_fields_cost_nothing_of_their_own() {
        // Known fields live inside the struct, whether or not it keeps
        // unknown properties; that tells serde's field names apart.
        assert_eq!(parse::<Plain>(r#"{"a": 1}"#, 0), Ok(Plain { a: 1, b: None }));
        assert_eq!(parse::<Open>(r#"{"a": 1}"#, 0), Ok(Open { a: 1, extra: serde_json::Map::new() }));
        // A string is kept: its length.
        assert_eq!(parse::<Plain>(r#"{"a": 1, "b": "four"}"#, 3), Err(CallbackError::TooDense { budget: 3 }));
        assert!(parse::<Plain>(r#"{"a": 1, "b": "four"}"#, 4).is_ok());
    }

    #[test]
    fn unknown_properties_are_charged_as_buffered_then_copied() {
        // Serde buffers them before it copies them into the map; that
        // tells its buffer apart from a known field.
        assert_eq!(parse::<Open>(r#"{"a": 1, "x": 2}"#, 400), Err(CallbackError::TooDense { budget: 400 }));
        let open = parse::<Open>(r#"{"a": 1, "x": 2}"#, 4096).unwrap();
        assert_eq!(open.extra.get("x"), Some(&serde_json::json!(2)));
    }

    #[test]
    fn empty_structs_in_a_list_are_charged_their_size() {
        let json = format!("[{}]", vec!["{}"; 100].join(","));
        let size = size_of::<Big>();
        // 100 elements: a buffer of 64 and one of 128 held at once while it grows.
        let refused = parse::<Vec<Big>>(&json, 192 * size - 1).unwrap_err();
        assert_eq!(refused, CallbackError::TooDense { budget: 192 * size - 1 });
        assert_eq!(parse::<Vec<Big>>(&json, 192 * size).unwrap().len(), 100);
    }

    #[test]
    fn free_form_maps_are_charged_per_entry() {
        // Five bytes of strings; the rest of the budget goes to the map.
        let json = r#"{"k1": 0, "k2": "v"}"#;
        assert!(matches!(parse::<serde_json::Value>(json, 100), Err(CallbackError::TooDense { budget: 100 })));
        assert_eq!(parse::<serde_json::Value>(json, 1 << 20).unwrap()["k2"], "v");
    }

    /// A type that reads its value as JSON first, as generated unions
    /// whose variant a property picks do.
    #[derive(Debug, PartialEq)]
    struct Tagged(Plain);

    impl<'de> Deserialize<'de> for Tagged {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            let mark = buffer_mark();
            let value = serde_json::Value::deserialize(deserializer)?;
            from_buffered(value, mark).map(Tagged).map_err(de::Error::custom)
        }
    }

    #[test]
    fn json_read_first_is_given_back_once_converted() {
        // Each item's JSON map is charged while it is read, then given
        // back: fifty of them at once would not fit this budget.
        let json = format!("[{}]", vec![r#"{"a": 1, "b": "x"}"#; 50].join(","));
        let items = parse::<Vec<Tagged>>(&json, 6000).unwrap();
        assert_eq!(items.len(), 50);
        assert_eq!(items[49], Tagged(Plain { a: 1, b: Some("x".to_owned()) }));
        // What the converted value keeps is charged: its list of empty
        // structs does not fit.
        let json = format!("{{\"a\": [{}]}}", vec!["{}"; 100].join(","));
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Lists {
            a: Vec<Big>,
        }
        struct TaggedLists(#[allow(dead_code)] Lists);
        impl<'de> Deserialize<'de> for TaggedLists {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let mark = buffer_mark();
                let value = serde_json::Value::deserialize(deserializer)?;
                from_buffered(value, mark).map(TaggedLists).map_err(de::Error::custom)
            }
        }
        assert!(matches!(parse::<TaggedLists>(&json, 100 * size_of::<Big>()), Err(CallbackError::TooDense { .. })));
        // Outside a parse within a budget, it is `serde_json::from_value`.
        assert!(buffer_mark().is_none());
        let plain: Plain = from_buffered(serde_json::json!({"a": 2}), None).unwrap();
        assert_eq!(plain, Plain { a: 2, b: None });
    }

    #[test]
    fn what_is_not_json_of_the_shape_is_malformed() {
        for json in ["{\"a\": 1", "{\"a\": \"x\"}", "{\"a\": 1} trailing", "[1, 2]"] {
            assert!(matches!(parse::<Plain>(json, 1 << 20), Err(CallbackError::Malformed(_))), "{json}");
        }
        // A long string of the wrong type is not quoted at length.
        let long = format!(r#"{{"a": "{}"}}"#, "x".repeat(10_000));
        match parse::<Plain>(&long, 1 << 20) {
            Err(CallbackError::Malformed(why)) => assert!(why.len() < 210 && why.ends_with('…'), "{why}"),
            other => panic!("{other:?}"),
        }
        // Escaped strings grow the parser's scratch buffer once, as far as the longest.
        let escaped = format!(r#"{{"a": 1, "b": "{}"}}"#, "\\n".repeat(10));
        assert_eq!(parse::<Plain>(&escaped, 19), Err(CallbackError::TooDense { budget: 19 }));
        assert_eq!(parse::<Plain>(&escaped, 20).unwrap().b.as_deref(), Some("\n".repeat(10).as_str()));
    }
}
