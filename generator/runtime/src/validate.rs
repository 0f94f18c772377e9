//! Checking a request against the spec before it is sent: the
//! [`Validate`] trait the generated types implement, the [`Violation`]s it
//! reports, and the checks the generated code calls (`check_*`).

use std::fmt;

/// A value failed a check by regular expression.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct PatternError {
    /// What was checked (`ValidationType::numbers_only`).
    pub rule: String,
    /// The expression, when there was one.
    pub pattern: Option<String>,
    /// Why it failed.
    pub reason: String,
}

impl fmt::Display for PatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.pattern {
            Some(p) => write!(f, "{}: {} (pattern `{p}`)", self.rule, self.reason),
            None => write!(f, "{}: {}", self.rule, self.reason),
        }
    }
}

impl std::error::Error for PatternError {}

/// Checks `value` against `pattern`, or else against `custom` anchored to
/// the whole value. Generated `validate` methods call this.
#[cfg(feature = "patterns")]
pub fn check_pattern(
    kind: &str,
    rule: &str,
    value: &str,
    pattern: Option<&str>,
    custom: Option<&str>,
) -> Result<(), PatternError> {
    let rule = format!("{kind}::{rule}");
    let expression = match (pattern, custom) {
        (Some(p), _) => p.to_owned(),
        (None, Some(c)) => format!("^(?:{c})$"),
        (None, None) => {
            return Err(PatternError { rule, pattern: None, reason: "no expression to check against".to_owned() })
        }
    };
    let compiled = regex::Regex::new(&expression).map_err(|err| PatternError {
        rule: rule.clone(),
        pattern: Some(expression.clone()),
        reason: format!("invalid expression: {err}"),
    })?;
    if compiled.is_match(value) {
        Ok(())
    } else {
        Err(PatternError { rule, pattern: Some(expression), reason: format!("`{value}` does not match") })
    }
}

/// One problem `validate()` found.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Violation {
    /// Where: field names and indexes from the checked value (`form_field_rules[0].triggers`).
    pub path: String,
    /// Which check: `pattern`, `min-items`, `max-items`, `not-listed`,
    /// `unknown-property`, `exactly-one-of`, `contrast` or `group`.
    pub rule: &'static str,
    /// What is wrong.
    pub message: String,
    /// The API's name for this error, when the spec maps the check to one.
    pub code: Option<String>,
}

impl Violation {
    /// A violation at `path`.
    pub fn new(path: &str, rule: &'static str, message: String, code: Option<&str>) -> Self {
        Violation { path: path.to_owned(), rule, message, code: code.map(str::to_owned) }
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = if self.path.is_empty() { "(top)" } else { &self.path };
        match &self.code {
            Some(code) => write!(f, "{at}: {code}: {}", self.message),
            None => write!(f, "{at}: {}", self.message),
        }
    }
}

/// Checks a request against the spec before it is sent. Generated for the
/// types of APIs whose spec says `x-esign-validate: true`.
pub trait Validate {
    /// Adds every problem under `at` to `out`.
    fn validate_into(&self, at: &str, out: &mut Vec<Violation>);

    /// Every problem; empty when the value passes.
    fn validate(&self) -> Vec<Violation> {
        let mut out = Vec::new();
        self.validate_into("", &mut out);
        out
    }
}

/// What a generated method does with a request body's [`Validate`]
/// findings before sending it: `Err` naming every problem, `Ok` when there
/// are none. Values a table does not list (`not-listed`) do not stop a
/// request: the API may know values this client does not yet.
pub fn refuse_violations(violations: Vec<Violation>) -> Result<(), String> {
    let problems: Vec<String> = violations.iter().filter(|v| v.rule != "not-listed").map(|v| v.to_string()).collect();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("the request fails its checks: {}", problems.join("; ")))
    }
}

impl<T: Validate> Validate for Option<T> {
    fn validate_into(&self, at: &str, out: &mut Vec<Violation>) {
        if let Some(value) = self {
            value.validate_into(at, out);
        }
    }
}

impl<T: Validate> Validate for Vec<T> {
    fn validate_into(&self, at: &str, out: &mut Vec<Violation>) {
        for (i, value) in self.iter().enumerate() {
            value.validate_into(&format!("{at}[{i}]"), out);
        }
    }
}

impl<T: Validate> Validate for std::collections::BTreeMap<String, T> {
    fn validate_into(&self, at: &str, out: &mut Vec<Violation>) {
        for (key, value) in self {
            value.validate_into(&join_path(at, key), out);
        }
    }
}

impl<T: Validate + ?Sized> Validate for Box<T> {
    fn validate_into(&self, at: &str, out: &mut Vec<Violation>) {
        (**self).validate_into(at, out);
    }
}

/// `at.field` (or `field` at the top).
pub fn join_path(at: &str, field: &str) -> String {
    if at.is_empty() {
        field.to_owned()
    } else {
        format!("{at}.{field}")
    }
}

/// A string property's `pattern`.
#[cfg(feature = "patterns")]
pub fn check_pattern_at(value: &str, pattern: &str, at: &str, out: &mut Vec<Violation>, code: Option<&str>) {
    let matches = regex::Regex::new(pattern).map(|r| r.is_match(value)).unwrap_or(false);
    if !matches {
        out.push(Violation::new(at, "pattern", format!("`{value}` does not match `{pattern}`"), code));
    }
}

/// An array's `minItems` and `maxItems`.
pub fn check_items(
    len: usize,
    min: Option<usize>,
    max: Option<usize>,
    at: &str,
    out: &mut Vec<Violation>,
    code_min: Option<&str>,
    code_max: Option<&str>,
) {
    if let Some(min) = min.filter(|&min| len < min) {
        out.push(Violation::new(at, "min-items", format!("{len} items, at least {min} required"), code_min));
    }
    if let Some(max) = max.filter(|&max| len > max) {
        out.push(Violation::new(at, "max-items", format!("{len} items, at most {max} allowed"), code_max));
    }
}

/// Properties an object with `additionalProperties: false` does not allow.
pub fn check_unknown_properties<'k>(
    keys: impl Iterator<Item = &'k String>,
    at: &str,
    out: &mut Vec<Violation>,
    code: Option<&str>,
) {
    for key in keys {
        out.push(Violation::new(&join_path(at, key), "unknown-property", format!("`{key}` is not allowed here"), code));
    }
}

/// Exactly one of the named properties is set.
pub fn check_exactly_one(set: &[(&str, bool)], at: &str, out: &mut Vec<Violation>, code: Option<&str>) {
    let count = set.iter().filter(|(_, is_set)| *is_set).count();
    if count != 1 {
        let names: Vec<&str> = set.iter().map(|(n, _)| *n).collect();
        let message = format!("exactly one of {} must be set, found {count}", names.join(", "));
        out.push(Violation::new(at, "exactly-one-of", message, code));
    }
}

/// Fields (any nesting of lists) whose `type` is in `required_for` must
/// name, in `group`, a defined group: a key of `groups` when it is an
/// object keyed by group id, or the `group_id` of one of its entries when
/// it is a list of groups.
pub fn check_groups(
    fields: &serde_json::Value,
    groups: &serde_json::Value,
    required_for: &[&str],
    at: &str,
    out: &mut Vec<Violation>,
    code: Option<&str>,
) {
    fn walk(value: &serde_json::Value, path: String, found: &mut Vec<(String, serde_json::Value)>) {
        match value {
            serde_json::Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    walk(item, format!("{path}[{i}]"), found);
                }
            }
            serde_json::Value::Object(_) => found.push((path, value.clone())),
            _ => {}
        }
    }
    fn defines(groups: &serde_json::Value, group: &str) -> bool {
        match groups {
            serde_json::Value::Array(entries) => {
                entries.iter().any(|entry| entry.get("group_id").and_then(serde_json::Value::as_str) == Some(group))
            }
            _ => groups.get(group).is_some(),
        }
    }
    let mut found = Vec::new();
    walk(fields, String::new(), &mut found);
    for (path, field) in found {
        let kind = field.get("type").and_then(serde_json::Value::as_str).unwrap_or_default();
        if !required_for.contains(&kind) {
            continue;
        }
        let here = format!("{at}{path}");
        match field.get("group").and_then(serde_json::Value::as_str) {
            None => out.push(Violation::new(&here, "group", format!("a `{kind}` field must name its group"), code)),
            Some(group) if !defines(groups, group) => out.push(Violation::new(
                &here,
                "group",
                format!("group `{group}` of this `{kind}` field is not defined (with its rule) in the groups"),
                code,
            )),
            Some(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Reports one violation wherever it is.
    struct Bad;

    impl Validate for Bad {
        fn validate_into(&self, at: &str, out: &mut Vec<Violation>) {
            out.push(Violation::new(at, "pattern", "bad".to_owned(), None));
        }
    }

    fn paths(found: &[Violation]) -> Vec<&str> {
        found.iter().map(|v| v.path.as_str()).collect()
    }

    #[test]
    fn violations_say_where_and_what() {
        let violation =
            Violation::new("signers[0].email", "pattern", "`x` does not match".to_owned(), Some("bad_email"));
        assert_eq!(violation.code.as_deref(), Some("bad_email"));
        assert_eq!(violation.to_string(), "signers[0].email: bad_email: `x` does not match");
        assert_eq!(Violation::new("", "group", "missing".to_owned(), None).to_string(), "(top): missing");
    }

    #[test]
    fn containers_validate_their_contents_at_their_paths() {
        assert_eq!(paths(&Bad.validate()), [""]);
        assert!(None::<Bad>.validate().is_empty());
        assert_eq!(paths(&Some(Bad).validate()), [""]);
        assert_eq!(paths(&vec![Bad, Bad].validate()), ["[0]", "[1]"]);
        assert_eq!(paths(&Box::new(Bad).validate()), [""]);
        let map: std::collections::BTreeMap<String, Vec<Bad>> = [("a".to_owned(), vec![Bad])].into_iter().collect();
        assert_eq!(paths(&map.validate()), ["a[0]"]);
        let mut out = Vec::new();
        map.validate_into("metadata", &mut out);
        assert_eq!(paths(&out), ["metadata.a[0]"]);
    }

    #[test]
    fn paths_join_with_dots() {
        assert_eq!(join_path("", "name"), "name");
        assert_eq!(join_path("signers[1]", "name"), "signers[1].name");
    }

    #[test]
    fn item_counts_are_checked_both_ways() {
        let mut out = Vec::new();
        check_items(2, Some(1), Some(3), "files", &mut out, None, None);
        assert!(out.is_empty());
        check_items(0, Some(1), None, "files", &mut out, Some("too_few"), None);
        check_items(4, None, Some(3), "files", &mut out, None, Some("too_many"));
        let found: Vec<(&str, &str)> = out.iter().map(|v| (v.rule, v.message.as_str())).collect();
        assert_eq!(found, [("min-items", "0 items, at least 1 required"), ("max-items", "4 items, at most 3 allowed")]);
        assert_eq!((out[0].code.as_deref(), out[1].code.as_deref()), (Some("too_few"), Some("too_many")));
    }

    #[test]
    fn unknown_properties_are_each_reported() {
        let keys = ["x".to_owned(), "y".to_owned()];
        let mut out = Vec::new();
        check_unknown_properties(keys.iter(), "options", &mut out, None);
        assert_eq!(paths(&out), ["options.x", "options.y"]);
        assert_eq!(out[0].rule, "unknown-property");
        assert_eq!(out[0].message, "`x` is not allowed here");
    }

    #[test]
    fn exactly_one_means_one() {
        let mut out = Vec::new();
        check_exactly_one(&[("file", true), ("file_url", false)], "", &mut out, None);
        assert!(out.is_empty());
        check_exactly_one(&[("file", false), ("file_url", false)], "", &mut out, None);
        check_exactly_one(&[("file", true), ("file_url", true)], "", &mut out, Some("both"));
        let messages: Vec<&str> = out.iter().map(|v| v.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "exactly one of file, file_url must be set, found 0",
                "exactly one of file, file_url must be set, found 2"
            ]
        );
        assert_eq!(out[1].code.as_deref(), Some("both"));
    }

    #[test]
    fn grouped_fields_must_name_a_defined_group() {
        let fields = json!([
            [{"type": "radio", "group": "g1"}, {"type": "radio"}],
            [{"type": "text"}, {"type": "checkbox", "group": "nope"}],
            "not a field"
        ]);
        let groups = json!({"g1": {"requirement": "require_1"}});
        let mut out = Vec::new();
        check_groups(&fields, &groups, &["radio", "checkbox"], "form_fields_per_document", &mut out, Some("group"));
        assert_eq!(paths(&out), ["form_fields_per_document[0][1]", "form_fields_per_document[1][1]"]);
        assert_eq!(out[0].message, "a `radio` field must name its group");
        assert_eq!(
            out[1].message,
            "group `nope` of this `checkbox` field is not defined (with its rule) in the groups"
        );
        assert!(out.iter().all(|v| v.rule == "group" && v.code.as_deref() == Some("group")));
    }

    #[test]
    fn groups_may_be_a_list_of_entries_with_their_ids() {
        let fields = json!([
            {"type": "radio", "group": "g1", "document_index": 0},
            {"type": "checkbox", "group": "nope", "document_index": 1}
        ]);
        let groups = json!([{"group_id": "g1", "group_label": "Pick one", "requirement": "require_1"}]);
        let mut out = Vec::new();
        check_groups(&fields, &groups, &["radio", "checkbox"], "form_fields_per_document", &mut out, None);
        assert_eq!(paths(&out), ["form_fields_per_document[1]"]);
    }

    #[test]
    fn pattern_errors_show_the_expression() {
        let with =
            PatternError { rule: "Kind::rule".to_owned(), pattern: Some("^a$".to_owned()), reason: "no".to_owned() };
        assert_eq!(with.to_string(), "Kind::rule: no (pattern `^a$`)");
        let without = PatternError { pattern: None, ..with };
        assert_eq!(without.to_string(), "Kind::rule: no");
    }

    #[cfg(feature = "patterns")]
    #[test]
    fn patterns_check_the_value() {
        assert_eq!(check_pattern("ValidationType", "numbers_only", "123", Some("^[0-9]+$"), None), Ok(()));
        let err = check_pattern("ValidationType", "numbers_only", "12a", Some("^[0-9]+$"), None).unwrap_err();
        assert_eq!(err.rule, "ValidationType::numbers_only");
        assert_eq!(err.to_string(), "ValidationType::numbers_only: `12a` does not match (pattern `^[0-9]+$`)");
        // A custom expression must match the whole value.
        assert!(check_pattern("V", "custom", "abc", None, Some("b")).is_err());
        assert!(check_pattern("V", "custom", "abc", None, Some("a.c")).is_ok());
        assert_eq!(
            check_pattern("V", "custom", "abc", None, Some("a|x")).unwrap_err().pattern.as_deref(),
            Some("^(?:a|x)$")
        );
        let err = check_pattern("V", "custom", "abc", None, None).unwrap_err();
        assert_eq!((err.pattern, err.reason.as_str()), (None, "no expression to check against"));
        let err = check_pattern("V", "bad", "abc", Some("("), None).unwrap_err();
        assert!(err.reason.starts_with("invalid expression: "), "{err}");

        let mut out = Vec::new();
        check_pattern_at("abc", "^a", "name", &mut out, None);
        assert!(out.is_empty());
        check_pattern_at("abc", "^b", "name", &mut out, Some("bad_name"));
        check_pattern_at("abc", "(", "name", &mut out, None);
        assert_eq!(out.len(), 2, "an invalid expression fails the check");
        assert_eq!(out[0].to_string(), "name: bad_name: `abc` does not match `^b`");
    }

    #[test]
    fn only_real_problems_stop_a_request() {
        assert_eq!(refuse_violations(Vec::new()), Ok(()));
        let unlisted = Violation::new("type", "not-listed", "`stamp` is not a documented value".to_owned(), None);
        assert_eq!(refuse_violations(vec![unlisted.clone()]), Ok(()), "a newer value may be sent");
        let group = Violation::new("form_fields_per_document[0][1].group", "group", "no such group".to_owned(), None);
        let err = refuse_violations(vec![unlisted, group]).unwrap_err();
        assert_eq!(err, "the request fails its checks: form_fields_per_document[0][1].group: no such group");
    }
}
