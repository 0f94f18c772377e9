//! Turning values into URL and body text: path segments that stay one
//! segment, query parameters in the OpenAPI styles, form bodies, and the
//! text of a JSON value wherever text is needed.

/// Characters left as they are in a path segment: RFC 3986 unreserved.
/// Everything else, `/`, `?`, `#` and `%` included, is percent-encoded.
const SEGMENT: &percent_encoding::AsciiSet =
    &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// Appends `value` to `path` as exactly one percent-encoded segment.
///
/// Refuses values that cannot stay one segment: empty, `.` and `..` (which
/// URL parsers resolve however they are encoded).
pub fn push_path_segment(path: &mut String, name: &str, value: &str) -> Result<(), String> {
    if value.is_empty() {
        return Err(format!("path parameter `{name}` is empty"));
    }
    if value == "." || value == ".." {
        return Err(format!("path parameter `{name}` may not be `{value}`"));
    }
    path.extend(percent_encoding::utf8_percent_encode(value, SEGMENT));
    Ok(())
}

/// The text of a JSON value where text is needed (a path segment, a
/// header, a query or form value): strings as they are, numbers and
/// booleans as written, `null` as nothing, arrays and objects as JSON.
pub fn value_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// [`value_text`] of any serializable value.
pub fn param_text<T: serde::Serialize + ?Sized>(value: &T) -> Result<String, String> {
    let value = serde_json::to_value(value).map_err(|err| format!("cannot encode a parameter: {err}"))?;
    Ok(value_text(&value))
}

/// Adds a structured query parameter: arrays repeat the name (or join with
/// `,` when not exploded); objects become `key=value` pairs when exploded,
/// `name[key]=value` for `deepObject`, or `name=k1,v1,k2,v2` otherwise.
pub fn push_query<T: serde::Serialize + ?Sized>(
    query: &mut Vec<(String, String)>,
    name: &str,
    value: &T,
    explode: bool,
    deep_object: bool,
) -> Result<(), String> {
    let value = serde_json::to_value(value).map_err(|err| format!("cannot encode query parameter `{name}`: {err}"))?;
    match value {
        serde_json::Value::Null => {}
        serde_json::Value::Array(items) if explode => {
            query.extend(items.iter().map(|item| (name.to_owned(), value_text(item))));
        }
        serde_json::Value::Array(items) => {
            let joined: Vec<String> = items.iter().map(value_text).collect();
            query.push((name.to_owned(), joined.join(",")));
        }
        serde_json::Value::Object(map) if deep_object => {
            query.extend(map.iter().map(|(key, item)| (format!("{name}[{key}]"), value_text(item))));
        }
        serde_json::Value::Object(map) if explode => {
            query.extend(map.iter().map(|(key, item)| (key.clone(), value_text(item))));
        }
        serde_json::Value::Object(map) => {
            let joined: Vec<String> = map.iter().flat_map(|(key, item)| [key.clone(), value_text(item)]).collect();
            query.push((name.to_owned(), joined.join(",")));
        }
        scalar => query.push((name.to_owned(), value_text(&scalar))),
    }
    Ok(())
}

/// `application/x-www-form-urlencoded`: characters other than these are encoded.
const FORM: &percent_encoding::AsciiSet =
    &percent_encoding::NON_ALPHANUMERIC.remove(b'*').remove(b'-').remove(b'.').remove(b'_');

fn form_encode(out: &mut String, text: &str) {
    for chunk in percent_encoding::utf8_percent_encode(text, FORM) {
        out.push_str(&chunk.replace("%20", "+"));
    }
}

/// How one property of a form or multipart body is written: the spec's
/// `encoding` (`style` and `explode`) for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldStyle {
    /// `style: form`, exploded: an array repeats the name, an object's
    /// properties become fields of their own.
    FormExploded,
    /// `style: form`, not exploded: one field, comma-separated.
    Form,
    /// `style: deepObject`: bracketed names, nested as deep as the value
    /// (`signers[0][name]`).
    DeepObject,
    /// The value as JSON text in one field.
    Json,
}

/// The `(name, text)` fields a value becomes in a form, by its style.
/// `null`s are left out.
pub fn field_pairs(name: &str, value: &serde_json::Value, style: FieldStyle) -> Vec<(String, String)> {
    use serde_json::Value;
    let mut out = Vec::new();
    match (style, value) {
        (_, Value::Null) => {}
        (FieldStyle::DeepObject, _) => deep_pairs(name.to_owned(), value, &mut out),
        (FieldStyle::FormExploded, Value::Array(items)) => {
            out.extend(items.iter().filter(|i| !i.is_null()).map(|i| (name.to_owned(), value_text(i))));
        }
        (FieldStyle::FormExploded, Value::Object(map)) => {
            out.extend(map.iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k.clone(), value_text(v))));
        }
        (FieldStyle::Form, Value::Array(items)) => {
            let joined: Vec<String> = items.iter().map(value_text).collect();
            out.push((name.to_owned(), joined.join(",")));
        }
        (FieldStyle::Form, Value::Object(map)) => {
            let joined: Vec<String> = map.iter().flat_map(|(k, v)| [k.clone(), value_text(v)]).collect();
            out.push((name.to_owned(), joined.join(",")));
        }
        (_, other) => out.push((name.to_owned(), value_text(other))),
    }
    out
}

fn deep_pairs(name: String, value: &serde_json::Value, out: &mut Vec<(String, String)>) {
    match value {
        serde_json::Value::Null => {}
        serde_json::Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                deep_pairs(format!("{name}[{i}]"), item, out);
            }
        }
        serde_json::Value::Object(map) => {
            for (key, item) in map {
                deep_pairs(format!("{name}[{key}]"), item, out);
            }
        }
        scalar => out.push((name, value_text(scalar))),
    }
}

/// Encodes an object as `application/x-www-form-urlencoded`: one pair per
/// property, arrays repeating the name, `null` left out.
pub fn form_urlencoded<T: serde::Serialize + ?Sized>(value: &T) -> Result<String, String> {
    form_urlencoded_with(value, &[])
}

/// [`form_urlencoded`], with the properties listed in `styles` written in
/// their style (the spec's `encoding`).
pub fn form_urlencoded_with<T: serde::Serialize + ?Sized>(
    value: &T,
    styles: &[(&str, FieldStyle)],
) -> Result<String, String> {
    let value = serde_json::to_value(value).map_err(|err| format!("cannot encode the form body: {err}"))?;
    let serde_json::Value::Object(map) = value else {
        return Err("a form body must be an object".to_owned());
    };
    let mut out = String::new();
    let mut add = |key: &str, text: String| {
        if !out.is_empty() {
            out.push('&');
        }
        form_encode(&mut out, key);
        out.push('=');
        form_encode(&mut out, &text);
    };
    for (key, item) in &map {
        if let Some((_, style)) = styles.iter().find(|(name, _)| name == key) {
            for (name, text) in field_pairs(key, item, *style) {
                add(&name, text);
            }
            continue;
        }
        match item {
            serde_json::Value::Null => {}
            serde_json::Value::Array(items) => items.iter().for_each(|i| add(key, value_text(i))),
            other => add(key, value_text(other)),
        }
    }
    Ok(out)
}

/// A URL as it may be shown (in an error, in `Debug`): scheme, host, port
/// and path, with any user information dropped, every query value
/// replaced by `<redacted>` (the names stay, so the text still says what
/// was there: `?api_key=<redacted>`), and a query item without a value,
/// which may be a bare token (`?sk_live_1`), replaced whole. The fragment
/// is dropped too.
pub fn redact_url(url: &reqwest::Url) -> String {
    let mut out = format!("{}://", url.scheme());
    if let Some(host) = url.host_str() {
        out.push_str(host);
    }
    if let Some(port) = url.port() {
        out.push_str(&format!(":{port}"));
    }
    out.push_str(url.path());
    if let Some(query) = url.query() {
        out.push('?');
        out.push_str(&redact_query(query));
    }
    out
}

/// A query string with every value redacted, and every item without a
/// value (a bare token) redacted whole.
fn redact_query(query: &str) -> String {
    let items: Vec<String> = query
        .split('&')
        .filter(|item| !item.is_empty())
        .map(|item| match item.split_once('=') {
            Some((name, _)) => format!("{name}=<redacted>"),
            None => "<redacted>".to_owned(),
        })
        .collect();
    items.join("&")
}

/// [`redact_url`] of URL text that may be relative or malformed (a
/// `Location` header): query values and bare query tokens redacted, the
/// fragment dropped, and user information (`user:password@` after `//`)
/// dropped.
pub fn redact_url_text(text: &str) -> String {
    if let Ok(url) = reqwest::Url::parse(text) {
        return redact_url(&url);
    }
    let text = text.split('#').next().unwrap_or("");
    let (rest, query) = match text.split_once('?') {
        Some((rest, query)) => (rest, Some(query)),
        None => (text, None),
    };
    // User information sits between `//` and the end of the authority.
    let mut shown = match rest.find("//") {
        Some(at) => {
            let (before, after) = rest.split_at(at + 2);
            let authority_end = after.find('/').unwrap_or(after.len());
            let (authority, path) = after.split_at(authority_end);
            let host = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
            format!("{before}{host}{path}")
        }
        None => rest.to_owned(),
    };
    if let Some(query) = query {
        shown.push('?');
        shown.push_str(&redact_query(query));
    }
    shown
}

/// The origin of a URL (scheme, host and port, the port made explicit):
/// what a credential is bound to. Opaque origins (`data:`, `file:`) never
/// equal anything.
pub fn same_origin(a: &reqwest::Url, b: &reqwest::Url) -> bool {
    let (a, b) = (a.origin(), b.origin());
    a.is_tuple() && a == b
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn path_segments_are_percent_encoded_into_one_segment() {
        let mut path = "/signature_request/".to_owned();
        push_path_segment(&mut path, "id", "a/b c?d#e%f").unwrap();
        assert_eq!(path, "/signature_request/a%2Fb%20c%3Fd%23e%25f");
        let mut path = String::new();
        push_path_segment(&mut path, "id", "AZaz09-._~").unwrap();
        assert_eq!(path, "AZaz09-._~");
        let mut path = String::new();
        push_path_segment(&mut path, "id", "caf\u{e9}...").unwrap();
        assert_eq!(path, "caf%C3%A9...");
    }

    #[test]
    fn path_segments_refuse_what_cannot_stay_one_segment() {
        let mut path = "/x/".to_owned();
        assert_eq!(push_path_segment(&mut path, "id", ""), Err("path parameter `id` is empty".to_owned()));
        assert_eq!(push_path_segment(&mut path, "id", "."), Err("path parameter `id` may not be `.`".to_owned()));
        assert_eq!(push_path_segment(&mut path, "id", ".."), Err("path parameter `id` may not be `..`".to_owned()));
        assert_eq!(path, "/x/", "a refused value adds nothing");
    }

    #[test]
    fn value_text_writes_json_values_as_text() {
        assert_eq!(value_text(&json!("a b")), "a b");
        assert_eq!(value_text(&json!(null)), "");
        assert_eq!(value_text(&json!(12)), "12");
        assert_eq!(value_text(&json!(1.5)), "1.5");
        assert_eq!(value_text(&json!(true)), "true");
        assert_eq!(value_text(&json!([1, "a"])), "[1,\"a\"]");
        assert_eq!(value_text(&json!({"a": 1})), "{\"a\":1}");
        assert_eq!(param_text(&5u32).unwrap(), "5");
        assert_eq!(param_text("x").unwrap(), "x");
        assert_eq!(param_text(&Option::<u8>::None).unwrap(), "");
    }

    #[test]
    fn query_parameters_follow_their_style() {
        let mut query = Vec::new();
        push_query(&mut query, "ids", &["a", "b"], true, false).unwrap();
        push_query(&mut query, "tags", &["x", "y"], false, false).unwrap();
        push_query(&mut query, "filter", &json!({"a": 1, "b": "two"}), true, true).unwrap();
        push_query(&mut query, "unused", &json!({"a": 1, "b": "two"}), true, false).unwrap();
        push_query(&mut query, "pair", &json!({"a": 1, "b": "two"}), false, false).unwrap();
        push_query(&mut query, "none", &Option::<u8>::None, true, false).unwrap();
        push_query(&mut query, "page", &3, true, false).unwrap();
        let pairs: Vec<(&str, &str)> = query.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(
            pairs,
            [
                ("ids", "a"),
                ("ids", "b"),
                ("tags", "x,y"),
                ("filter[a]", "1"),
                ("filter[b]", "two"),
                ("a", "1"),
                ("b", "two"),
                ("pair", "a,1,b,two"),
                ("page", "3"),
            ]
        );
    }

    #[test]
    fn urls_are_shown_without_credentials() {
        let url = reqwest::Url::parse("https://user:pw@api.example.com:8443/v3/x?api_key=k1&page=2&flag#frag").unwrap();
        assert_eq!(redact_url(&url), "https://api.example.com:8443/v3/x?api_key=<redacted>&page=<redacted>&<redacted>");
        // A bare token is redacted whole, in a URL and in text that is not one.
        let url = reqwest::Url::parse("http://host/v3?SECRETBARE").unwrap();
        assert_eq!(redact_url(&url), "http://host/v3?<redacted>");
        assert_eq!(redact_url_text("/v3/next?SECRETBARE#x"), "/v3/next?<redacted>");
        assert_eq!(redact_url_text("//user:SECRETPW@h.test/a?b"), "//h.test/a?<redacted>");
        assert_eq!(redact_url_text("http://user:SECRETPW@[bad/a?t=SECRET2"), "http://[bad/a?t=<redacted>");
        let url = reqwest::Url::parse("http://example.com").unwrap();
        assert_eq!(redact_url(&url), "http://example.com/");
        assert_eq!(redact_url_text("/v3/next?token=t1&page=2#x"), "/v3/next?token=<redacted>&page=<redacted>");
        assert_eq!(redact_url_text("https://k:p@h.test/a?b=c"), "https://h.test/a?b=<redacted>");
        assert_eq!(redact_url_text("/plain"), "/plain");
    }

    #[test]
    fn origins_compare_scheme_host_and_port() {
        let url = |text: &str| reqwest::Url::parse(text).unwrap();
        assert!(same_origin(&url("https://a.example/v3"), &url("https://a.example:443/other?x=1")));
        assert!(!same_origin(&url("https://a.example/"), &url("http://a.example/")));
        assert!(!same_origin(&url("http://127.0.0.1:80/"), &url("http://127.0.0.1:81/")));
        assert!(!same_origin(&url("https://a.example/"), &url("https://b.a.example/")));
        assert!(!same_origin(&url("data:text/plain,x"), &url("data:text/plain,x")));
    }

    #[test]
    fn fields_follow_their_style() {
        let signers = json!([{"name": "Ann", "email": "a@x"}, {"name": "Bo", "roles": ["x", "y"]}]);
        let pairs = field_pairs("signers", &signers, FieldStyle::DeepObject);
        // Keys come in the object's order, which is alphabetical unless
        // serde_json keeps insertion order (a feature another crate may turn on).
        let mut names: Vec<&str> = pairs.iter().map(|(n, _)| n.as_str()).collect();
        names.sort_unstable();
        assert_eq!(
            names,
            [
                "signers[0][email]",
                "signers[0][name]",
                "signers[1][name]",
                "signers[1][roles][0]",
                "signers[1][roles][1]"
            ]
        );
        assert_eq!(field_pairs("ids", &json!([1, 2]), FieldStyle::Form), [("ids".to_owned(), "1,2".to_owned())]);
        assert_eq!(field_pairs("ids", &json!([1, 2]), FieldStyle::FormExploded).len(), 2);
        assert_eq!(
            field_pairs("meta", &json!({"a": 1}), FieldStyle::Json),
            [("meta".to_owned(), "{\"a\":1}".to_owned())]
        );
        let body = json!({"signers": [{"name": "Ann"}], "tags": ["a", "b"]});
        let styles = [("signers", FieldStyle::DeepObject), ("tags", FieldStyle::Form)];
        assert_eq!(form_urlencoded_with(&body, &styles).unwrap(), "signers%5B0%5D%5Bname%5D=Ann&tags=a%2Cb");
    }

    #[test]
    fn form_bodies_are_url_encoded() {
        let body = json!({"a": "x y", "b": [1, 2], "c": null, "d": "\u{e9}&=+", "e*": "-._*~"});
        assert_eq!(form_urlencoded(&body).unwrap(), "a=x+y&b=1&b=2&d=%C3%A9%26%3D%2B&e*=-._*%7E");
        assert_eq!(form_urlencoded(&json!({})).unwrap(), "");
        assert_eq!(form_urlencoded(&json!([1])), Err("a form body must be an object".to_owned()));
    }
}
