//! Every identifier decision, in one place: spec names -> Rust names.
//!
//! Pure functions of their input (plus a `Scope` for collisions), so naming
//! is deterministic and can be tested as a table.

use heck::{ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};
use std::collections::BTreeSet;

/// Words that cannot be identifiers as they are (strict and reserved keywords
/// of every edition, plus the ones `r#` cannot cover).
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate", "do", "dyn", "else",
    "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "macro", "match", "mod",
    "move", "mut", "override", "priv", "pub", "ref", "return", "self", "static", "struct", "super", "trait", "true",
    "try", "type", "typeof", "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Type names the generated module itself uses at its top level; a schema
/// with one of these names is still emitted (in `types`), but these names are
/// kept off the type namespace there too so the `pub use types::*` re-export
/// never silently hides a schema.
const RESERVED_TYPES: &[&str] = &["Client", "ClientBuilder", "Credentials", "Error", "Response", "Self"];

pub(crate) fn is_keyword(word: &str) -> bool {
    KEYWORDS.contains(&word)
}

/// Keeps ASCII letters, digits and underscores; everything else separates words.
fn ascii_words(raw: &str) -> String {
    raw.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' }).collect()
}

/// A type name: `UpperCamelCase`, never a keyword, never starting with a digit.
pub fn type_name(raw: &str) -> String {
    let mut name = ascii_words(raw).to_upper_camel_case();
    if name.is_empty() {
        name = "Unnamed".to_owned();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'T');
    }
    if RESERVED_TYPES.contains(&name.as_str()) {
        name.push_str("Type");
    }
    name
}

/// A field, parameter or method name: `snake_case`, with a trailing `_` for
/// keywords (`type` -> `type_`).
pub fn field_name(raw: &str) -> String {
    let mut name = ascii_words(raw).to_snake_case();
    if name.is_empty() {
        name = "value".to_owned();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert_str(0, "n_");
    }
    if is_keyword(&name) {
        name.push('_');
    }
    name
}

/// A client method name from an operationId (`signatureRequestCancel` ->
/// `signature_request_cancel`, `v1-Delete hostname config` ->
/// `v1_delete_hostname_config`).
pub fn method_name(operation_id: &str) -> String {
    field_name(operation_id)
}

/// What the generated client defines on `Client` (methods, associated
/// functions, the `runtime::Cancel` methods and the derived `Clone` and
/// `Debug` ones) and on `ClientBuilder`: names a module's method scope
/// reserves before any operation claims one (see `emit/client.rs`).
pub const CLIENT_METHODS: &[&str] = &[
    // Client
    "new",
    "builder",
    "base_url",
    "retry_policy",
    "with_retry_policy",
    "rate_limit_window",
    "finish",
    "cancel",
    "cancel_target",
    "clone",
    "clone_from",
    "fmt",
    // ClientBuilder
    "server",
    "credentials",
    "http_client",
    "http_client_builder",
    "redirects",
    "max_response_bytes",
    "build",
];

/// The method that sends an operation's body as multipart (`create_multipart`).
pub fn multipart_method(method: &str) -> String {
    format!("{method}_multipart")
}

/// The stream of every page of a paginated operation (`list_pages`).
pub fn pages_method(method: &str) -> String {
    format!("{method}_pages")
}

/// The stream of every item of a paginated operation (`list_items`).
pub fn items_method(method: &str) -> String {
    format!("{method}_items")
}

/// Cancel, then confirm (`cancel_and_confirm`).
pub fn and_confirm_method(method: &str) -> String {
    format!("{method}_and_confirm")
}

/// The operation over many ids (`bulk_remove`).
pub fn bulk_method(method: &str) -> String {
    format!("bulk_{method}")
}

/// A waiter of `x-esign-waiters` (`wait_until_canceled`).
pub fn waiter_method(waiter: &str) -> String {
    format!("wait_until_{}", field_name(waiter))
}

/// The struct of an operation's optional parameters (`ListOptions`).
pub fn options_type(method: &str) -> String {
    format!("{}Options", type_name(method))
}

/// The enum of an operation's success bodies, by status (`GetBody`).
pub fn body_enum_type(method: &str) -> String {
    format!("{}Body", type_name(method))
}

/// The variant of a success-body enum for the response covering `status`
/// (`Status200`, `Status2xx`, `Default`).
pub fn status_variant(status: &crate::ir::StatusMatch) -> String {
    match status {
        crate::ir::StatusMatch::Code(code) => format!("Status{code}"),
        crate::ir::StatusMatch::Range(hundreds) => format!("Status{hundreds}xx"),
        crate::ir::StatusMatch::Default => "Default".to_owned(),
    }
}

/// The struct of the headers an operation's successes document (`GetHeaders`).
pub fn headers_type(method: &str) -> String {
    format!("{}Headers", type_name(method))
}

/// The struct a multipart body is built from; `type_context` is the type
/// name of the operationId (`CreateMultipart`).
pub fn multipart_type(type_context: &str) -> String {
    type_name(&format!("{type_context} multipart"))
}

/// An operationId for an operation that has none: method and path
/// (`GET /admin/realms/{realm}` -> `get_admin_realms_realm`).
pub fn operation_id_from_path(method: &str, path: &str) -> String {
    format!("{} {}", method.to_ascii_lowercase(), path)
}

/// Macros of the standard prelude: a module named like one makes rustdoc
/// links such as [`todo`] ambiguous, so such modules get an `_api` suffix.
const STD_MACROS: &[&str] = &[
    "assert",
    "assert_eq",
    "assert_ne",
    "cfg",
    "column",
    "compile_error",
    "concat",
    "dbg",
    "debug_assert",
    "debug_assert_eq",
    "debug_assert_ne",
    "env",
    "eprint",
    "eprintln",
    "file",
    "format",
    "format_args",
    "include",
    "include_bytes",
    "include_str",
    "line",
    "matches",
    "module_path",
    "option_env",
    "panic",
    "print",
    "println",
    "stringify",
    "thread_local",
    "todo",
    "unimplemented",
    "unreachable",
    "vec",
    "write",
    "writeln",
];

/// A module name from a spec file stem (`dropbox-sign` -> `dropbox_sign`,
/// `todo` -> `todo_api`). `runtime` (the crate's re-export of the runtime,
/// `runtime.lex.json`) becomes `runtime_api` too.
pub fn module_name(stem: &str) -> String {
    let name = field_name(stem);
    if STD_MACROS.contains(&name.as_str()) || name == "runtime" {
        format!("{name}_api")
    } else {
        name
    }
}

/// Features a generated crate defines besides one per module.
const CRATE_FEATURES: &[&str] =
    &["default", "tracing", "multipart", "patterns", "webhooks", "waiters", "paginators", "bulk", "search", "contrast"];

/// A Cargo feature name from a spec file stem (`dropbox-sign`); one that
/// would collide with the crate's own features gets an `-api` suffix.
pub fn feature_name(stem: &str) -> String {
    let name = module_name(stem).trim_end_matches('_').replace('_', "-");
    if CRATE_FEATURES.contains(&name.as_str()) {
        format!("{name}-api")
    } else {
        name
    }
}

/// A constant name (`production` -> `PRODUCTION`).
pub fn const_name(raw: &str) -> String {
    let mut name = ascii_words(raw).to_shouty_snake_case();
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert_str(0, "N_");
    }
    name
}

/// The Rust variant names of an enum's values, in order: `UpperCamelCase`;
/// values that would collide are spelled out (`MM / DD / YYYY` ->
/// `MmSlashDdSlashYyyy`, `MM - DD - YYYY` -> `MmDashDdDashYyyy`), and any
/// that still collide get a numeric suffix. `reserved` names (the catch-all
/// variant) are avoided.
pub fn variant_names(values: &[String], reserved: &str) -> Vec<String> {
    let mut names: Vec<String> = values.iter().map(|v| variant_name(v, false)).collect();
    let collides: Vec<bool> = {
        let mut counts: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
        for name in &names {
            *counts.entry(name.as_str()).or_default() += 1;
        }
        names.iter().map(|n| counts[n.as_str()] > 1).collect()
    };
    for (i, value) in values.iter().enumerate() {
        if collides[i] {
            names[i] = variant_name(value, true);
        }
    }
    let mut scope = Scope::default();
    scope.claim(reserved.to_owned());
    names.into_iter().map(|n| scope.claim(n)).collect()
}

fn variant_name(value: &str, spell_punctuation: bool) -> String {
    let mut text = String::with_capacity(value.len());
    for c in value.chars() {
        if c.is_ascii_alphanumeric() {
            text.push(c);
        } else if spell_punctuation {
            if let Some(word) = punctuation_word(c) {
                text.push(' ');
                text.push_str(word);
                text.push(' ');
            } else {
                text.push(' ');
            }
        } else {
            text.push(' ');
        }
    }
    let mut name = text.to_upper_camel_case();
    if name.is_empty() {
        name = if value.is_empty() { "Empty".to_owned() } else { "Value".to_owned() };
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'V');
    }
    if name == "Self" {
        name.push_str("Value");
    }
    name
}

fn punctuation_word(c: char) -> Option<&'static str> {
    Some(match c {
        '/' => "slash",
        '-' => "dash",
        '.' => "dot",
        '+' => "plus",
        '*' => "star",
        ':' => "colon",
        ',' => "comma",
        '@' => "at",
        '#' => "hash",
        '&' => "and",
        '=' => "eq",
        '<' => "lt",
        '>' => "gt",
        '!' => "bang",
        '?' => "question",
        '%' => "percent",
        '$' => "dollar",
        '(' | ')' => "paren",
        '[' | ']' => "bracket",
        _ => return None,
    })
}

/// A namespace: hands out names and suffixes `2`, `3`, ... on collision,
/// in the order names are claimed.
#[derive(Debug, Default, Clone)]
pub struct Scope {
    used: BTreeSet<String>,
}

impl Scope {
    /// A scope in which `names` are taken already.
    pub fn reserving(names: &[&str]) -> Self {
        Scope { used: names.iter().map(|n| (*n).to_owned()).collect() }
    }

    /// Returns `name`, or `name2`, `name3`, ... if it is taken, and marks it taken.
    pub fn claim(&mut self, name: String) -> String {
        if self.used.insert(name.clone()) {
            return name;
        }
        let sep = if name.ends_with(|c: char| c.is_ascii_digit()) { "_" } else { "" };
        for i in 2.. {
            let candidate = format!("{name}{sep}{i}");
            if self.used.insert(candidate.clone()) {
                return candidate;
            }
        }
        unreachable!("an unbounded counter always finds a free name")
    }

    /// Whether `name` is taken.
    pub fn contains(&self, name: &str) -> bool {
        self.used.contains(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::StatusMatch;

    /// What `proc_macro2::Ident::new` takes without panicking: an ASCII
    /// letter or `_` first, then letters, digits and `_`, and not `_` alone.
    fn is_identifier(name: &str) -> bool {
        name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && name != "_"
    }

    /// Spec text that is hard to name: empty, punctuation only, digits
    /// first, keywords, non-ASCII, names the generated module uses.
    const CURSED: &[&str] = &[
        "",
        "_",
        "__",
        "-",
        "1",
        "123abc",
        "type",
        "self",
        "Self",
        "crate",
        "super",
        "r#type",
        "fn",
        "Error",
        "Client",
        "héllo wörld",
        "日本",
        "a-b.c/d",
        "$ref",
        "  ",
        "x-y_z",
        "_private",
        "9lives",
        "Result",
    ];

    #[test]
    fn every_naming_function_hands_out_identifiers() {
        for raw in CURSED {
            // Derived method names start from a method name, as lowering
            // calls them.
            let method = method_name(raw);
            let names = [
                type_name(raw),
                field_name(raw),
                method_name(raw),
                const_name(raw),
                module_name(raw),
                multipart_method(&method),
                pages_method(&method),
                items_method(&method),
                and_confirm_method(&method),
                bulk_method(&method),
                waiter_method(raw),
                options_type(raw),
                body_enum_type(raw),
                headers_type(raw),
                multipart_type(&type_name(raw)),
                method_name(&operation_id_from_path("GET", raw)),
            ];
            for name in names {
                assert!(is_identifier(&name), "{raw:?} named {name:?}");
                assert!(!is_keyword(&name), "{raw:?} named the keyword {name:?}");
            }
        }
        let values: Vec<String> = CURSED.iter().map(|s| (*s).to_owned()).collect();
        for name in variant_names(&values, "Unknown") {
            assert!(is_identifier(&name) && name != "Self", "variant {name:?}");
        }
    }

    #[test]
    fn type_and_field_names_follow_a_table() {
        let cases = [
            ("signature_request", "SignatureRequest", "signature_request"),
            ("signatureRequestCancel", "SignatureRequestCancel", "signature_request_cancel"),
            ("v1-Delete hostname config", "V1DeleteHostnameConfig", "v1_delete_hostname_config"),
            ("type", "Type", "type_"),
            ("self", "SelfType", "self_"),
            ("Error", "ErrorType", "error"),
            ("2fa", "T2fa", "n_2fa"),
            ("", "Unnamed", "value"),
            ("é", "Unnamed", "value"),
        ];
        for (raw, ty, field) in cases {
            assert_eq!(type_name(raw), ty, "type name of {raw:?}");
            assert_eq!(field_name(raw), field, "field name of {raw:?}");
        }
        assert_eq!(const_name("production"), "PRODUCTION");
        assert_eq!(const_name("1st"), "N_1ST");
        assert_eq!(module_name("dropbox-sign"), "dropbox_sign");
        assert_eq!(module_name("todo"), "todo_api");
        assert_eq!(module_name("runtime"), "runtime_api");
        assert_eq!(feature_name("dropbox-sign"), "dropbox-sign");
        assert_eq!(feature_name("search"), "search-api");
        assert_eq!(method_name(&operation_id_from_path("GET", "/admin/realms/{realm}")), "get_admin_realms_realm");
    }

    #[test]
    fn derived_names_and_status_variants() {
        assert_eq!(options_type("list_files"), "ListFilesOptions");
        assert_eq!(body_enum_type("get_file"), "GetFileBody");
        assert_eq!(headers_type("get_file"), "GetFileHeaders");
        assert_eq!(multipart_type("CreateFile"), "CreateFileMultipart");
        assert_eq!(pages_method("list"), "list_pages");
        assert_eq!(waiter_method("SignatureRequestCanceled"), "wait_until_signature_request_canceled");
        assert_eq!(status_variant(&StatusMatch::Code(200)), "Status200");
        assert_eq!(status_variant(&StatusMatch::Range(2)), "Status2xx");
        assert_eq!(status_variant(&StatusMatch::Default), "Default");
    }

    #[test]
    fn enum_values_that_collide_are_spelled_out() {
        let values: Vec<String> =
            ["MM / DD / YYYY", "MM - DD - YYYY", "a", "A", "Unknown", ""].iter().map(|s| (*s).to_owned()).collect();
        assert_eq!(
            variant_names(&values, "Unknown"),
            ["MmSlashDdSlashYyyy", "MmDashDdDashYyyy", "A", "A2", "Unknown2", "Empty"]
        );
    }

    #[test]
    fn a_scope_suffixes_taken_names() {
        let mut scope = Scope::reserving(&["new"]);
        assert_eq!(scope.claim("new".to_owned()), "new2");
        assert_eq!(scope.claim("get".to_owned()), "get");
        assert_eq!(scope.claim("get".to_owned()), "get2");
        assert_eq!(scope.claim("v1".to_owned()), "v1");
        assert_eq!(scope.claim("v1".to_owned()), "v1_2");
        assert!(scope.contains("get2"));
        assert!(!scope.contains("get3"));
    }
}
