//! The text at a JSON pointer, without building the whole document: of a
//! typed value ([`text_at`], which walks the value's `Serialize` along the
//! pointer and skips every other field) or of raw JSON ([`json_texts_at`],
//! one pass that keeps only the values asked for).

use std::cell::RefCell;
use std::fmt;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::ser::{self, Serialize};

use crate::url::value_text;

/// A pointer's reference tokens (`~1` and `~0` unescaped); `None` unless it
/// is empty or starts with `/`.
fn tokens(pointer: &str) -> Option<Vec<String>> {
    if pointer.is_empty() {
        return Some(Vec::new());
    }
    let rest = pointer.strip_prefix('/')?;
    Some(rest.split('/').map(|t| t.replace("~1", "/").replace("~0", "~")).collect())
}

/// The text at a JSON pointer of a value, for hashing and matching:
/// strings as they are, numbers and booleans as written, `null` as nothing,
/// arrays and objects as JSON (see [`value_text`]). `None` when nothing is
/// there.
///
/// Only the fields along the pointer are visited: the value is not
/// serialized as a whole, so this costs the size of what it returns.
pub fn text_at<T: Serialize + ?Sized>(value: &T, pointer: &str) -> Option<String> {
    let tokens = tokens(pointer)?;
    leaf_or_walk(value, &tokens).ok().flatten()
}

fn leaf_or_walk<T: Serialize + ?Sized>(value: &T, rest: &[String]) -> Result<Option<String>, Stop> {
    if rest.is_empty() {
        return Ok(serde_json::to_value(value).ok().map(|v| value_text(&v)));
    }
    value.serialize(Walker { rest })
}

/// Why a walk stopped early (a value whose `Serialize` failed).
#[derive(Debug)]
struct Stop(String);

impl fmt::Display for Stop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Stop {}

impl ser::Error for Stop {
    fn custom<M: fmt::Display>(msg: M) -> Self {
        Stop(msg.to_string())
    }
}

/// Walks a value along `rest` (never empty).
struct Walker<'a> {
    rest: &'a [String],
}

/// Inside an array, object or variant, looking for the child `rest[0]`;
/// `dead` when the pointer cannot continue here.
struct Inside<'a> {
    rest: &'a [String],
    dead: bool,
    index: usize,
    key_matches: bool,
    found: Option<String>,
}

impl<'a> Inside<'a> {
    fn new(rest: &'a [String], dead: bool) -> Self {
        Inside { rest, dead: dead || rest.is_empty(), index: 0, key_matches: false, found: None }
    }

    fn child<T: Serialize + ?Sized>(&mut self, matches: bool, value: &T) -> Result<(), Stop> {
        if !self.dead && matches && self.found.is_none() {
            self.found = leaf_or_walk(value, &self.rest[1..])?;
        }
        Ok(())
    }

    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Stop> {
        let matches = !self.dead && self.rest[0].parse::<usize>().ok() == Some(self.index);
        self.index += 1;
        self.child(matches, value)
    }
}

impl<'a> ser::Serializer for Walker<'a> {
    type Ok = Option<String>;
    type Error = Stop;
    type SerializeSeq = Inside<'a>;
    type SerializeTuple = Inside<'a>;
    type SerializeTupleStruct = Inside<'a>;
    type SerializeTupleVariant = Inside<'a>;
    type SerializeMap = Inside<'a>;
    type SerializeStruct = Inside<'a>;
    type SerializeStructVariant = Inside<'a>;

    // A pointer that goes on past a scalar finds nothing.
    fn serialize_bool(self, _: bool) -> Result<Self::Ok, Stop> {
        Ok(None)
    }
    fn serialize_i8(self, _: i8) -> Result<Self::Ok, Stop> {
        Ok(None)
    }
    fn serialize_i16(self, _: i16) -> Result<Self::Ok, Stop> {
        Ok(None)
    }
    fn serialize_i32(self, _: i32) -> Result<Self::Ok, Stop> {
        Ok(None)
    }
    fn serialize_i64(self, _: i64) -> Result<Self::Ok, Stop> {
        Ok(None)
    }
    fn serialize_u8(self, _: u8) -> Result<Self::Ok, Stop> {
        Ok(None)
    }
    fn serialize_u16(self, _: u16) -> Result<Self::Ok, Stop> {
        Ok(None)
    }
    fn serialize_u32(self, _: u32) -> Result<Self::Ok, Stop> {
        Ok(None)
    }
    fn serialize_u64(self, _: u64) -> Result<Self::Ok, Stop> {
        Ok(None)
    }
    fn serialize_f32(self, _: f32) -> Result<Self::Ok, Stop> {
        Ok(None)
    }
    fn serialize_f64(self, _: f64) -> Result<Self::Ok, Stop> {
        Ok(None)
    }
    fn serialize_char(self, _: char) -> Result<Self::Ok, Stop> {
        Ok(None)
    }
    fn serialize_str(self, _: &str) -> Result<Self::Ok, Stop> {
        Ok(None)
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<Self::Ok, Stop> {
        Ok(None)
    }
    fn serialize_none(self) -> Result<Self::Ok, Stop> {
        Ok(None)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Self::Ok, Stop> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<Self::Ok, Stop> {
        Ok(None)
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<Self::Ok, Stop> {
        Ok(None)
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, _: &'static str) -> Result<Self::Ok, Stop> {
        Ok(None)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, value: &T) -> Result<Self::Ok, Stop> {
        value.serialize(self)
    }
    // Variants serialize as `{"variant": ...}`, as serde_json writes them.
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<Self::Ok, Stop> {
        if self.rest[0] == variant {
            leaf_or_walk(value, &self.rest[1..])
        } else {
            Ok(None)
        }
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Inside<'a>, Stop> {
        Ok(Inside::new(self.rest, false))
    }
    fn serialize_tuple(self, _: usize) -> Result<Inside<'a>, Stop> {
        Ok(Inside::new(self.rest, false))
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Inside<'a>, Stop> {
        Ok(Inside::new(self.rest, false))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Inside<'a>, Stop> {
        Ok(Inside::new(&self.rest[1..], self.rest[0] != variant))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Inside<'a>, Stop> {
        Ok(Inside::new(self.rest, false))
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Inside<'a>, Stop> {
        Ok(Inside::new(self.rest, false))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Inside<'a>, Stop> {
        Ok(Inside::new(&self.rest[1..], self.rest[0] != variant))
    }
}

impl ser::SerializeSeq for Inside<'_> {
    type Ok = Option<String>;
    type Error = Stop;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Stop> {
        self.element(value)
    }
    fn end(self) -> Result<Self::Ok, Stop> {
        Ok(self.found)
    }
}

impl ser::SerializeTuple for Inside<'_> {
    type Ok = Option<String>;
    type Error = Stop;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Stop> {
        self.element(value)
    }
    fn end(self) -> Result<Self::Ok, Stop> {
        Ok(self.found)
    }
}

impl ser::SerializeTupleStruct for Inside<'_> {
    type Ok = Option<String>;
    type Error = Stop;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Stop> {
        self.element(value)
    }
    fn end(self) -> Result<Self::Ok, Stop> {
        Ok(self.found)
    }
}

impl ser::SerializeTupleVariant for Inside<'_> {
    type Ok = Option<String>;
    type Error = Stop;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Stop> {
        self.element(value)
    }
    fn end(self) -> Result<Self::Ok, Stop> {
        Ok(self.found)
    }
}

impl ser::SerializeMap for Inside<'_> {
    type Ok = Option<String>;
    type Error = Stop;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Stop> {
        // Keys are short: their text is built to compare it.
        self.key_matches = !self.dead
            && self.found.is_none()
            && serde_json::to_value(key).ok().is_some_and(|k| value_text(&k) == self.rest[0]);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Stop> {
        let matches = std::mem::take(&mut self.key_matches);
        self.child(matches, value)
    }
    fn end(self) -> Result<Self::Ok, Stop> {
        Ok(self.found)
    }
}

impl ser::SerializeStruct for Inside<'_> {
    type Ok = Option<String>;
    type Error = Stop;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), Stop> {
        let matches = !self.dead && self.rest[0] == key;
        self.child(matches, value)
    }
    fn end(self) -> Result<Self::Ok, Stop> {
        Ok(self.found)
    }
}

impl ser::SerializeStructVariant for Inside<'_> {
    type Ok = Option<String>;
    type Error = Stop;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), Stop> {
        let matches = !self.dead && self.rest[0] == key;
        self.child(matches, value)
    }
    fn end(self) -> Result<Self::Ok, Stop> {
        Ok(self.found)
    }
}

/// What one pointer found in raw JSON.
#[derive(Clone, Debug, PartialEq)]
enum Found {
    Nothing,
    Text(String),
    /// An array or object where text was asked for, or the same key twice:
    /// nothing to trust.
    Unusable,
}

/// The text at each of `pointers` in a JSON document, in one pass that
/// keeps nothing else (every other value is skipped as it is read): for
/// checking a few fields of a large body before deciding to parse it.
///
/// Only scalars are read: a pointer that lands on an array or object, or on
/// a key the document repeats, gives `None`. An error is the reason the
/// document is not JSON.
pub fn json_texts_at(json: &[u8], pointers: &[&str]) -> Result<Vec<Option<String>>, String> {
    let parsed: Vec<Option<Vec<String>>> = pointers.iter().map(|p| tokens(p)).collect();
    let found = RefCell::new(vec![Found::Nothing; pointers.len()]);
    let active: Vec<(usize, &[String])> =
        parsed.iter().enumerate().filter_map(|(slot, t)| t.as_deref().map(|t| (slot, t))).collect();
    let mut deserializer = serde_json::Deserializer::from_slice(json);
    Node { active, found: &found }.deserialize(&mut deserializer).map_err(|err| err.to_string())?;
    deserializer.end().map_err(|err| err.to_string())?;
    Ok(found
        .into_inner()
        .into_iter()
        .map(|f| match f {
            Found::Text(text) => Some(text),
            Found::Nothing | Found::Unusable => None,
        })
        .collect())
}

/// One JSON value, with the pointers (slot, tokens left) that pass through it.
struct Node<'a, 'p> {
    active: Vec<(usize, &'p [String])>,
    found: &'a RefCell<Vec<Found>>,
}

impl<'de> DeserializeSeed<'de> for Node<'_, '_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        if self.active.is_empty() {
            deserializer.deserialize_ignored_any(IgnoredAny)?;
            return Ok(());
        }
        deserializer.deserialize_any(self)
    }
}

impl Node<'_, '_> {
    fn set(&self, found: Found) {
        let mut slots = self.found.borrow_mut();
        for (slot, rest) in &self.active {
            if rest.is_empty() {
                slots[*slot] = match slots[*slot] {
                    Found::Nothing => found.clone(),
                    _ => Found::Unusable,
                };
            }
        }
    }

    fn scalar<E>(self, text: String) -> Result<(), E> {
        self.set(Found::Text(text));
        Ok(())
    }

    /// The pointers that continue into the child named `key`.
    fn into_child<'p>(active: &[(usize, &'p [String])], key: &str) -> Vec<(usize, &'p [String])> {
        active
            .iter()
            .filter(|(_, rest)| rest.first().is_some_and(|t| t == key))
            .map(|(s, rest)| (*s, &rest[1..]))
            .collect()
    }
}

impl<'de> Visitor<'de> for Node<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<(), E> {
        self.scalar(v.to_string())
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<(), E> {
        self.scalar(v.to_string())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<(), E> {
        self.scalar(v.to_string())
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<(), E> {
        self.scalar(serde_json::Number::from_f64(v).map_or_else(String::new, |n| n.to_string()))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        self.scalar(v.to_owned())
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<(), E> {
        self.scalar(v)
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.scalar(String::new())
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        self.scalar(String::new())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.set(Found::Unusable);
        let continuing = self.active.iter().any(|(_, rest)| !rest.is_empty());
        let mut index = 0usize;
        loop {
            let active = if continuing { Node::into_child(&self.active, &index.to_string()) } else { Vec::new() };
            let child = Node { active, found: self.found };
            if seq.next_element_seed(child)?.is_none() {
                return Ok(());
            }
            index += 1;
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        self.set(Found::Unusable);
        while let Some(active) = map.next_key_seed(Key { active: &self.active })? {
            map.next_value_seed(Node { active, found: self.found })?;
        }
        Ok(())
    }
}

/// An object key: which pointers continue under it (read without keeping the key).
struct Key<'a, 'p> {
    active: &'a [(usize, &'p [String])],
}

impl<'de, 'p> DeserializeSeed<'de> for Key<'_, 'p> {
    type Value = Vec<(usize, &'p [String])>;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de, 'p> Visitor<'de> for Key<'_, 'p> {
    type Value = Vec<(usize, &'p [String])>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Self::Value, E> {
        Ok(Node::into_child(self.active, key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(serde::Serialize)]
    struct Event {
        event: Inner,
        list: Vec<u8>,
        #[serde(skip_serializing_if = "Option::is_none")]
        missing: Option<String>,
        #[serde(flatten)]
        extra: serde_json::Map<String, serde_json::Value>,
    }

    #[derive(serde::Serialize)]
    struct Inner {
        event_time: String,
        count: u32,
        tagged: Tagged,
    }

    #[derive(serde::Serialize)]
    enum Tagged {
        Pair(u8, u8),
    }

    fn event() -> Event {
        let mut extra = serde_json::Map::new();
        extra.insert("a/b".to_owned(), json!({"x~y": [true, null]}));
        Event {
            event: Inner { event_time: "1700".to_owned(), count: 3, tagged: Tagged::Pair(4, 5) },
            list: vec![7, 8],
            missing: None,
            extra,
        }
    }

    #[test]
    fn typed_values_give_the_text_at_a_pointer() {
        let event = event();
        assert_eq!(text_at(&event, "/event/event_time").as_deref(), Some("1700"));
        assert_eq!(text_at(&event, "/event/count").as_deref(), Some("3"));
        assert_eq!(text_at(&event, "/list/1").as_deref(), Some("8"));
        assert_eq!(text_at(&event, "/list/2"), None);
        assert_eq!(text_at(&event, "/missing"), None);
        assert_eq!(text_at(&event, "/event/tagged/Pair/0").as_deref(), Some("4"));
        assert_eq!(text_at(&event, "/event/tagged/Other/0"), None);
        assert_eq!(text_at(&event, "/a~1b/x~0y/0").as_deref(), Some("true"));
        assert_eq!(text_at(&event, "/a~1b/x~0y/1").as_deref(), Some(""));
        assert_eq!(text_at(&event, "/list").as_deref(), Some("[7,8]"));
        assert_eq!(text_at(&event, "/event/event_time/deeper"), None);
        assert_eq!(text_at(&event, "no slash"), None);
        assert_eq!(text_at(&json!(5), "").as_deref(), Some("5"));
    }

    #[test]
    fn typed_and_raw_agree_with_serde_json() {
        let event = event();
        let value = serde_json::to_value(&event).unwrap();
        let json = serde_json::to_vec(&event).unwrap();
        for pointer in ["/event/event_time", "/event/count", "/list/0", "/a~1b/x~0y/0", "/a~1b/x~0y/1", "/nope"] {
            let expected = value.pointer(pointer).map(value_text);
            assert_eq!(text_at(&event, pointer), expected, "{pointer}");
            assert_eq!(json_texts_at(&json, &[pointer]).unwrap(), [expected], "{pointer}");
        }
    }

    #[test]
    fn raw_json_keeps_only_scalars_asked_for() {
        let json = br#"{"event": {"event_time": "17\u00300", "n": 1.5, "big": 18446744073709551615, "obj": {"a": 1}},
                        "list": [1, [2, "two"]], "twice": 1, "twice": 2}"#;
        let found = json_texts_at(
            json,
            &["/event/event_time", "/event/n", "/event/big", "/event/obj", "/list/1/1", "/twice", "/none", "bad"],
        )
        .unwrap();
        let expected = [Some("1700"), Some("1.5"), Some("18446744073709551615"), None, Some("two"), None, None, None];
        assert_eq!(found, expected.map(|t| t.map(str::to_owned)));
        assert!(json_texts_at(b"{\"a\": 1", &["/a"]).is_err());
        assert!(json_texts_at(b"{\"a\": 1} trailing", &["/a"]).is_err());
        assert!(json_texts_at(&[b'['; 10_000], &["/0"]).is_err(), "deep nesting is an error, not a crash");
    }
}
