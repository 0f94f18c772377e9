//! Request bodies as the simulator reads them: a JSON object, or a
//! `multipart/form-data` form whose bracketed part names (`signers[0][name]`,
//! `cc_email_addresses[]`) are folded back into the same JSON object, with
//! the uploaded files set aside.

use axum::body::Bytes;
use serde_json::{Map, Value};

use super::BodyContent;
use crate::multipart::read_multipart;

/// A file uploaded in a multipart body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Upload {
    /// The part's file name, if it had one.
    pub(crate) file_name: Option<String>,
    /// The file's contents.
    pub(crate) bytes: Bytes,
}

/// A request body, read.
#[derive(Debug, Default)]
pub(crate) struct Form {
    /// The fields, as the JSON body would have them (multipart scalars stay text).
    pub(crate) fields: Map<String, Value>,
    /// The uploaded files, in the order they were sent.
    pub(crate) files: Vec<Upload>,
    /// The body as it arrived (none for an empty body), for [`super::DropboxSignSim::bodies`].
    pub(crate) received: Option<BodyContent>,
}

/// Reads `body` as its `content_type` says. An empty body is an empty form;
/// `Err` says what could not be read.
pub(crate) async fn read(content_type: Option<&str>, body: Bytes) -> Result<Form, String> {
    let media = content_type.unwrap_or("").split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    if body.is_empty() && media != "multipart/form-data" {
        return Ok(Form::default());
    }
    match media.as_str() {
        "application/json" => match serde_json::from_slice(&body) {
            Ok(Value::Object(fields)) => {
                let received = Some(BodyContent::Json(Value::Object(fields.clone())));
                Ok(Form { fields, files: Vec::new(), received })
            }
            Ok(_) => Err("the JSON body must be an object".to_owned()),
            Err(err) => Err(format!("the JSON body cannot be read: {err}")),
        },
        "multipart/form-data" => multipart(content_type.unwrap_or(""), body).await,
        "" => Err("the body has no Content-Type".to_owned()),
        other => Err(format!("bodies of type `{other}` are not read; send JSON or multipart/form-data")),
    }
}

async fn multipart(content_type: &str, body: Bytes) -> Result<Form, String> {
    let parts = read_multipart(content_type, body).await?;
    let mut form = Form::default();
    for part in &parts {
        if part.is_file() {
            form.files.push(Upload { file_name: part.file_name.clone(), bytes: Bytes::from(part.bytes.clone()) });
            continue;
        }
        let name = part.name.as_str();
        let text = String::from_utf8(part.bytes.clone()).map_err(|_| format!("the part `{name}` is not UTF-8 text"))?;
        let is_json = part
            .content_type
            .as_deref()
            .is_some_and(|media| media.split(';').next().unwrap_or("").trim().eq_ignore_ascii_case("application/json"));
        let value = if is_json || JSON_PARTS.contains(&name) {
            serde_json::from_str(&text).map_err(|err| format!("the part `{name}` is not JSON: {err}"))?
        } else {
            Value::String(text)
        };
        insert(&mut form.fields, name, value)?;
    }
    form.received = Some(BodyContent::Multipart(parts));
    Ok(form)
}

/// Parts that hold JSON text whatever their Content-Type, as the API reads them.
const JSON_PARTS: &[&str] = &["form_fields_per_document", "form_field_groups", "form_field_rules"];

/// Puts `value` at the place a bracketed name (`a[0][b]`, `a[]`) names.
pub(crate) fn insert(fields: &mut Map<String, Value>, name: &str, value: Value) -> Result<(), String> {
    let (head, mut rest) = match name.find('[') {
        Some(at) => (&name[..at], &name[at..]),
        None => (name, ""),
    };
    if head.is_empty() {
        return Err(format!("the part name `{name}` names no field"));
    }
    let mut keys = Vec::new();
    while let Some(inner) = rest.strip_prefix('[') {
        let Some(end) = inner.find(']') else { return Err(format!("the part name `{name}` has an open bracket")) };
        keys.push(&inner[..end]);
        rest = &inner[end + 1..];
    }
    if !rest.is_empty() {
        return Err(format!("the part name `{name}` has text after its brackets"));
    }
    let slot = fields.entry(head.to_owned()).or_insert(Value::Null);
    place(slot, &keys, value).map_err(|why| format!("the part name `{name}`: {why}"))
}

fn place(slot: &mut Value, keys: &[&str], value: Value) -> Result<(), &'static str> {
    let Some((key, rest)) = keys.split_first() else {
        *slot = value;
        return Ok(());
    };
    if key.is_empty() || key.bytes().all(|b| b.is_ascii_digit()) {
        if slot.is_null() {
            *slot = Value::Array(Vec::new());
        }
        let Value::Array(items) = slot else { return Err("a list and an object at once") };
        let index = if key.is_empty() { items.len() } else { key.parse().map_err(|_| "an index too large")? };
        if index > 10_000 {
            return Err("an index too large");
        }
        if items.len() <= index {
            items.resize(index + 1, Value::Null);
        }
        place(&mut items[index], rest, value)
    } else {
        if slot.is_null() {
            *slot = Value::Object(Map::new());
        }
        let Value::Object(members) = slot else { return Err("an object and a list or a value at once") };
        place(members.entry((*key).to_owned()).or_insert(Value::Null), rest, value)
    }
}

/// A boolean as JSON (`true`) or as a form sends it (`1`, `true`).
pub(crate) fn flag(value: Option<&Value>) -> bool {
    match value {
        Some(Value::Bool(b)) => *b,
        Some(Value::Number(n)) => n.as_i64() == Some(1),
        Some(Value::String(s)) => matches!(s.trim(), "1" | "true"),
        _ => false,
    }
}

/// An integer as JSON (`5`) or as a form sends it (`"5"`).
pub(crate) fn integer(value: Option<&Value>) -> Option<i64> {
    match value? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A non-empty string.
pub(crate) fn text(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A list of strings (a JSON list, or a single string).
pub(crate) fn strings(value: Option<&Value>) -> Vec<String> {
    match value {
        Some(Value::Array(items)) => items.iter().filter_map(|item| text(Some(item))).collect(),
        Some(single @ Value::String(_)) => text(Some(single)).into_iter().collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn bracketed_names_fold_into_json() {
        let mut fields = Map::new();
        for (name, value) in [
            ("title", "T"),
            ("signers[1][name]", "Jill"),
            ("signers[0][name]", "Jack"),
            ("signers[0][email_address]", "jack@example.com"),
            ("cc_email_addresses[]", "a@example.com"),
            ("cc_email_addresses[]", "b@example.com"),
            ("metadata[order][id]", "7"),
        ] {
            insert(&mut fields, name, json!(value)).unwrap();
        }
        assert_eq!(
            Value::Object(fields.clone()),
            json!({
                "title": "T",
                "signers": [{"name": "Jack", "email_address": "jack@example.com"}, {"name": "Jill"}],
                "cc_email_addresses": ["a@example.com", "b@example.com"],
                "metadata": {"order": {"id": "7"}},
            })
        );
        assert!(insert(&mut fields, "title[0]", json!("x")).is_err(), "a value and a list at once");
        assert!(insert(&mut fields, "a[", json!("x")).is_err());
        assert!(insert(&mut fields, "[0]", json!("x")).is_err());
        assert!(insert(&mut fields, "a[99999999]", json!("x")).is_err());
    }

    #[test]
    fn scalars_are_read_from_text_or_json() {
        assert!(flag(Some(&json!("1"))) && flag(Some(&json!(true))) && !flag(Some(&json!("0"))) && !flag(None));
        assert_eq!(integer(Some(&json!("42"))), Some(42));
        assert_eq!(integer(Some(&json!(42))), Some(42));
        assert_eq!(strings(Some(&json!(["a", "", "b"]))), ["a", "b"]);
    }

    #[tokio::test]
    async fn multipart_bodies_give_fields_json_parts_and_files() {
        let body = "--XX\r\nContent-Disposition: form-data; name=\"signers[0][name]\"\r\n\r\nJack\r\n\
                    --XX\r\nContent-Disposition: form-data; name=\"test_mode\"\r\n\r\n1\r\n\
                    --XX\r\nContent-Disposition: form-data; name=\"form_fields_per_document\"\r\n\
                    Content-Type: application/json\r\n\r\n[{\"api_id\":\"s\"}]\r\n\
                    --XX\r\nContent-Disposition: form-data; name=\"files[]\"; filename=\"a.pdf\"\r\n\
                    Content-Type: application/pdf\r\n\r\n%PDF-1.4 x\r\n--XX--\r\n";
        let form = read(Some("multipart/form-data; boundary=XX"), Bytes::from(body)).await.unwrap();
        assert_eq!(form.fields["signers"][0]["name"], "Jack");
        assert!(flag(form.fields.get("test_mode")));
        assert_eq!(form.fields["form_fields_per_document"][0]["api_id"], "s");
        assert_eq!(form.files.len(), 1);
        assert_eq!(form.files[0].file_name.as_deref(), Some("a.pdf"));
        assert_eq!(&form.files[0].bytes[..], b"%PDF-1.4 x");

        let json = read(Some("application/json"), Bytes::from_static(b"{\"a\":1}")).await.unwrap();
        assert_eq!(json.fields["a"], 1);
        assert!(read(Some("application/json"), Bytes::from_static(b"[1]")).await.is_err());
        assert!(read(Some("text/plain"), Bytes::from_static(b"x")).await.is_err());
        assert!(read(None, Bytes::new()).await.unwrap().fields.is_empty());
    }
}
