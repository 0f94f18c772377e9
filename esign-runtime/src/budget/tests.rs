use super::*;
use serde::{Deserialize, Deserializer};

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
