//! Property test: mutated specs never panic or hang the generator, and every
//! failure carries a location. Deterministic (a fixed-seed generator), so a
//! failure names the seed and case that reproduce it.

use crate::support::{crate_options, workspace_root, Rng};
use esign_codegen::CrateOptions;
use serde_json::{json, Value};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::{Duration, Instant};

/// Pointers to every node of a JSON tree.
fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                pointers(v, format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")), out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                pointers(v, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
    out.push(at);
}

fn parent_and_key(pointer: &str) -> Option<(&str, String)> {
    let (parent, key) = pointer.rsplit_once('/')?;
    Some((parent, key.replace("~1", "/").replace("~0", "~")))
}

/// One structural mutation of the document.
fn mutate(doc: &mut Value, rng: &mut Rng) {
    let mut all = Vec::new();
    pointers(doc, String::new(), &mut all);
    let target = all[rng.below(all.len())].clone();
    match rng.below(11) {
        // Drop a key or an item.
        0 => {
            if let Some((parent, key)) = parent_and_key(&target) {
                match doc.pointer_mut(parent) {
                    Some(Value::Object(map)) => {
                        map.shift_remove(&key);
                    }
                    Some(Value::Array(items)) => {
                        if let Ok(i) = key.parse::<usize>() {
                            if i < items.len() {
                                items.remove(i);
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        // The wrong type.
        1 => {
            let replacement = [json!(null), json!(7), json!("text"), json!(true), json!([]), json!({}), json!(-1.5)]
                [rng.below(7)]
            .clone();
            if let Some(v) = doc.pointer_mut(&target) {
                *v = replacement;
            }
        }
        // A dangling reference.
        2 => {
            if let Some(v) = doc.pointer_mut(&target) {
                *v = json!({"$ref": "#/components/schemas/DoesNotExist"});
            }
        }
        // Circular references.
        3 => {
            let schemas = doc.pointer_mut("/components/schemas").and_then(Value::as_object_mut);
            if let Some(schemas) = schemas {
                schemas.insert("LoopA".into(), json!({"$ref": "#/components/schemas/LoopB"}));
                schemas.insert("LoopB".into(), json!({"$ref": "#/components/schemas/LoopA"}));
                schemas.insert("SelfAllOf".into(), json!({"allOf": [{"$ref": "#/components/schemas/SelfAllOf"}]}));
                schemas.insert(
                    "Tree".into(),
                    json!({"type": "object", "properties": {"next": {"$ref": "#/components/schemas/Tree"}}}),
                );
            }
        }
        // A huge enum.
        4 => {
            if let Some(v) = doc.pointer_mut(&target) {
                let values: Vec<Value> = (0..5000).map(|i| json!(format!("value-{i} / {}", i % 7))).collect();
                *v = json!({"type": "string", "enum": values});
            }
        }
        // Deep nesting (within what the parsers accept).
        5 => {
            if let Some(v) = doc.pointer_mut(&target) {
                let mut nested = json!({"type": "string"});
                for i in 0..40 {
                    nested = if i % 2 == 0 {
                        json!({"type": "array", "items": nested})
                    } else {
                        json!({"allOf": [nested, {"type": "object", "properties": {"x": {"type": "integer"}}}]})
                    };
                }
                *v = nested;
            }
        }
        // Awkward names.
        6 => {
            if let Some((parent, key)) = parent_and_key(&target) {
                if let Some(Value::Object(map)) = doc.pointer_mut(parent) {
                    if let Some(v) = map.shift_remove(&key) {
                        let names = ["", "type", "self", "Self", "123", "ü-ñ", "a/b{c}", "_", "__", "r#type"];
                        map.insert(names[rng.below(names.len())].to_owned(), v);
                    }
                }
            }
        }
        // Duplicate an operation under another path.
        7 => {
            if let Some(Value::Object(paths)) = doc.pointer_mut("/paths") {
                if let Some((_, item)) = paths.iter().next().map(|(k, v)| (k.clone(), v.clone())) {
                    paths.insert("/copy/{undeclared}".into(), item);
                }
            }
        }
        // A discriminator pointing nowhere.
        8 => {
            if let Some(v) = doc.pointer_mut(&target) {
                *v = json!({
                    "oneOf": [{"$ref": "#/components/schemas/Nope"}, {"type": "string"}],
                    "discriminator": {"propertyName": "kind", "mapping": {"x": "Missing"}}
                });
            }
        }
        // What 3.1 and 2.0 write, anywhere (the conversions must not trip).
        9 => {
            let shapes = [
                json!({"type": ["integer", "null"], "exclusiveMinimum": 1e30, "const": 3}),
                json!({"$ref": "#/definitions/Nope", "description": "x"}),
                json!({"name": "f", "in": "formData", "type": "file", "collectionFormat": "tsv"}),
                json!({"type": "array", "prefixItems": [{"type": "string"}, true, false], "items": false}),
                json!({"$defs": {"x": {"$ref": "#/components/schemas/Self/$defs/x"}}, "$ref": "#/$defs/x"}),
                json!({"$ref": "#/components/pathItems/Nope"}),
                json!({"x-nullable": true, "discriminator": "kind", "type": "file"}),
                json!({"anyOf": [{"type": "null"}, {"type": "null"}], "examples": []}),
                json!({"in": "body", "name": "b", "schema": {"$ref": "#/parameters/Nope"}}),
            ];
            if let Some(v) = doc.pointer_mut(&target) {
                *v = shapes[rng.below(shapes.len())].clone();
            }
        }
        // An empty object where a schema or operation was.
        _ => {
            if let Some(v) = doc.pointer_mut(&target) {
                *v = json!({});
            }
        }
    }
}

/// Byte-level damage to the text.
fn damage(text: &str, rng: &mut Rng) -> Vec<u8> {
    let mut bytes = text.as_bytes().to_vec();
    match rng.below(4) {
        0 => {
            let at = rng.below(bytes.len());
            bytes.splice(at..at, [0xff, 0xfe, 0xc3]);
        }
        1 => bytes.truncate(rng.below(bytes.len())),
        2 => {
            for _ in 0..8 {
                let at = rng.below(bytes.len());
                bytes[at] = (rng.next() & 0xff) as u8;
            }
        }
        _ => {
            let noise: Vec<u8> = (0..256).map(|_| (rng.next() & 0xff) as u8).collect();
            let at = rng.below(bytes.len());
            bytes.splice(at..at, noise);
        }
    }
    bytes
}

fn options() -> CrateOptions {
    crate_options("fuzz", esign_codegen::RuntimeDep::Vendored)
}

/// Runs the whole pipeline on one input; panics and slowness fail the test.
fn check(label: &str, name: &str, bytes: Vec<u8>) {
    // FUZZ_TRACE=<file> keeps the current case's label and input on disk, to
    // find the case when the process dies (a stack overflow aborts).
    if let Ok(trace) = std::env::var("FUZZ_TRACE") {
        std::fs::write(&trace, format!("{label}\n")).unwrap();
        std::fs::write(format!("{trace}.input"), &bytes).unwrap();
    }
    let started = Instant::now();
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        esign_codegen::generate_crate_from_bytes(&[(name.to_owned(), bytes)], &options())
    }));
    let elapsed = started.elapsed();
    let result = outcome.unwrap_or_else(|_| panic!("{label}: the generator panicked"));
    // Generous: a hang, not a benchmark.
    assert!(elapsed < Duration::from_secs(20), "{label}: took {elapsed:?}");
    if let Err(err) = result {
        assert_eq!(err.location.file, name, "{label}: {err}");
        let located = err.location.line_col.is_some() || err.location.pointer.is_some();
        assert!(located, "{label}: error without a location: {err}");
        assert!(!err.message.is_empty(), "{label}");
    }
}

fn seeds() -> Vec<(String, String)> {
    let root = workspace_root();
    let mut out = Vec::new();
    for dir in ["specs", "tests/fixtures"] {
        let mut names: Vec<_> = std::fs::read_dir(root.join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
            .collect();
        names.sort();
        for path in names {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            out.push((name, std::fs::read_to_string(&path).unwrap()));
        }
    }
    out
}

#[test]
fn mutated_specs_never_panic_and_errors_are_located() {
    let mut cases = 0;
    for (index, (name, text)) in seeds().into_iter().enumerate() {
        let base: Value = serde_yaml::from_str(&text).expect("seed parses");
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ (index as u64 + 1));
        for case in 0..150 {
            let mut doc = base.clone();
            for _ in 0..=rng.below(3) {
                mutate(&mut doc, &mut rng);
            }
            let label = format!("{name} structural case {case}");
            let as_json = name.replace(".yaml", ".json");
            check(&label, &as_json, serde_json::to_vec(&doc).unwrap());
            cases += 1;
        }
        for case in 0..60 {
            let label = format!("{name} byte case {case}");
            check(&label, &name, damage(&text, &mut rng));
            cases += 1;
        }
    }
    println!("fuzz: {cases} mutated specs, no panic, every error located");
    assert!(cases > 2000);
}
