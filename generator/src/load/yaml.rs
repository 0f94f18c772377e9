//! YAML text -> JSON tree in one pass, with a budget on the nodes it makes.
//!
//! serde_yaml expands aliases as it reads, so a small file of nested
//! aliases can stand for billions of nodes. Building the JSON tree straight
//! from serde_yaml's events, counting each node before making it, stops
//! such a file with a located error while its memory is still small. The
//! same pass turns scalar keys into strings, applies merge keys (`<<`) and
//! reads numbers beyond 64 bits as floats.

use crate::error::pointer_join;
use serde::de::{self, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, VariantAccess, Visitor};
use serde_json::{Map, Value};
use std::cell::RefCell;
use std::fmt;

/// The most nodes a document may expand to: 8 per byte of text, and at
/// least a million. Text without aliases stays far below it (a node takes
/// at least two bytes); only aliases repeated over and over reach it.
pub fn node_cap(text_len: usize) -> usize {
    text_len.saturating_mul(8).max(1_000_000)
}

/// One step of the path to the node being read (kept for warnings).
enum Seg {
    Index(usize),
    Key(String),
}

/// What reading noted along the way: `(pointer, message)` warnings.
#[derive(Default)]
struct State {
    nodes: usize,
    cap: usize,
    path: Vec<Seg>,
    warnings: Vec<(String, String)>,
}

impl State {
    fn pointer(&self) -> String {
        self.path.iter().fold(String::new(), |acc, seg| match seg {
            Seg::Index(i) => pointer_join(&acc, &i.to_string()),
            Seg::Key(key) => pointer_join(&acc, key),
        })
    }

    fn count<E: de::Error>(&mut self) -> Result<(), E> {
        self.nodes += 1;
        if self.nodes > self.cap {
            return Err(E::custom(format!(
                "the document expands to more than {} nodes (the cap: 8 per byte of the file, at least 1000000); \
                 YAML aliases repeat their anchor's nodes, and these repeat too often",
                self.cap
            )));
        }
        Ok(())
    }
}

/// Parses YAML text into JSON: `Ok((value, warnings))`, or serde_yaml's
/// error, which carries the line and column where reading stopped.
pub fn to_json(text: &str) -> Result<(Value, Vec<(String, String)>), serde_yaml::Error> {
    let state = RefCell::new(State { cap: node_cap(text.len()), ..State::default() });
    let value = Node(&state).deserialize(serde_yaml::Deserializer::from_str(text))?;
    Ok((value, state.into_inner().warnings))
}

#[derive(Clone, Copy)]
struct Node<'s>(&'s RefCell<State>);

impl<'de> DeserializeSeed<'de> for Node<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        self.0.borrow_mut().count::<D::Error>()?;
        deserializer.deserialize_any(self)
    }
}

fn float(f: f64) -> Value {
    serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)
}

impl<'de> Visitor<'de> for Node<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    // Beyond 64 bits: a float, as JSON parsers read such numbers.
    fn visit_i128<E>(self, v: i128) -> Result<Value, E> {
        Ok(float(v as f64))
    }
    fn visit_u128<E>(self, v: u128) -> Result<Value, E> {
        Ok(float(v as f64))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        loop {
            self.0.borrow_mut().path.push(Seg::Index(items.len()));
            let next = seq.next_element_seed(self);
            self.0.borrow_mut().path.pop();
            match next? {
                Some(item) => items.push(item),
                None => break,
            }
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        let mut map = Map::new();
        let mut merges: Vec<Value> = Vec::new();
        while let Some(key) = access.next_key_seed(Key(self.0))? {
            self.0.borrow_mut().path.push(Seg::Key(key.clone()));
            let value = access.next_value_seed(self);
            self.0.borrow_mut().path.pop();
            let value = value?;
            if key == "<<" {
                merges.push(value);
                continue;
            }
            if map.contains_key(&key) {
                return Err(de::Error::custom(format!("duplicate key `{key}` in a mapping")));
            }
            map.insert(key, value);
        }
        // Merge keys: explicit keys win, then earlier sources over later ones.
        for merge in merges {
            let sources = match merge {
                Value::Object(source) => vec![source],
                Value::Array(items) if items.iter().all(Value::is_object) => items
                    .into_iter()
                    .filter_map(|item| match item {
                        Value::Object(source) => Some(source),
                        _ => None,
                    })
                    .collect(),
                _ => {
                    return Err(de::Error::custom(
                        "yaml merge key `<<` expects a mapping or a sequence of mappings (aliases such as *base)",
                    ))
                }
            };
            for source in sources {
                for (k, v) in source {
                    map.entry(k).or_insert(v);
                }
            }
        }
        Ok(Value::Object(map))
    }

    /// A tagged value (`!Thing value`): the tag is dropped with a warning.
    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Value, A::Error> {
        let (tag, variant): (String, _) = data.variant()?;
        let mut state = self.0.borrow_mut();
        let pointer = state.pointer();
        state.warnings.push((pointer, format!("yaml tag `!{tag}` ignored")));
        drop(state);
        variant.newtype_variant_seed(self)
    }
}

/// A mapping key: scalars become their text.
struct Key<'s>(&'s RefCell<State>);

impl<'de> DeserializeSeed<'de> for Key<'_> {
    type Value = String;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<String, D::Error> {
        self.0.borrow_mut().count::<D::Error>()?;
        let value = deserializer.deserialize_any(Node(self.0))?;
        Ok(match value {
            Value::String(s) => s,
            Value::Null => "null".to_owned(),
            other => other.to_string(),
        })
    }
}
