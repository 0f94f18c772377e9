//! The wrapper around a deserializer that charges each value against the
//! [`Meter`] as it is read (see the parent module's docs for the charges).

use std::fmt;
use std::mem::size_of;

use serde::de::{self, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, VariantAccess, Visitor};

use super::{Growth, Meter};

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
pub(super) struct Metered<'m, D> {
    pub(super) inner: D,
    pub(super) meter: &'m Meter,
    pub(super) rate: usize,
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
