//! The `x-esign-` vendor extensions (documented in `specs/README.md`).

use super::Lowerer;
use crate::error::pointer_join;
use serde_json::Value;

/// Extensions the generator reads; any other `x-esign-` key is a mistake.
const KNOWN_EXTENSIONS: &[&str] = &[
    "x-esign-values",
    "x-esign-rate-limit",
    "x-esign-warnings",
    "x-esign-api-key-as-username",
    "x-esign-name",
    "x-esign-module",
    "x-esign-envelope",
    "x-esign-string-bool",
    "x-esign-cancel",
    "x-esign-validate",
    "x-esign-exactly-one-of",
    "x-esign-violations",
    "x-esign-group-rules",
    "x-esign-contrast",
    "x-esign-webhooks",
    "x-esign-event",
    "x-esign-event-hash",
    "x-esign-paginated",
    "x-esign-waiters",
    "x-esign-retry",
    "x-esign-retry-safe",
    "x-esign-bulk",
];

impl Lowerer<'_> {
    /// Warns about every `x-esign-` key the generator does not know.
    pub(super) fn check_extensions(&mut self, extensions: &indexmap::IndexMap<String, Value>, pointer: &str) {
        for key in extensions.keys() {
            if key.starts_with("x-esign-") && !KNOWN_EXTENSIONS.contains(&key.as_str()) {
                self.warn(&pointer_join(pointer, key), format!("unknown extension `{key}` ignored"));
            }
        }
    }
}
