//! Success envelopes: how some APIs wrap answers, where a 2xx body can
//! still report a failure ([`envelope_succeeded`]).

use crate::url::value_text;

/// The success-envelope rule (`x-esign-envelope`): whether a 2xx body's
/// `field` holds one of the `success` values (text compared without regard
/// to case). A body that is not a JSON object, or lacks the field, failed.
pub fn envelope_succeeded(body: &[u8], field: &str, success: &[&str]) -> bool {
    let Ok(serde_json::Value::Object(map)) = serde_json::from_slice::<serde_json::Value>(body) else {
        return false;
    };
    match map.get(field) {
        Some(serde_json::Value::Null) | None => false,
        Some(value) => {
            let text = value_text(value);
            success.iter().any(|s| s.eq_ignore_ascii_case(text.trim()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelopes_succeed_only_with_a_success_value() {
        let success = ["success", "ok"];
        assert!(envelope_succeeded(br#"{"status":"Success"}"#, "status", &success));
        assert!(envelope_succeeded(br#"{"status":" OK "}"#, "status", &success));
        assert!(!envelope_succeeded(br#"{"status":"failed"}"#, "status", &success));
        assert!(!envelope_succeeded(br#"{"status":null}"#, "status", &success));
        assert!(!envelope_succeeded(br#"{"other":"success"}"#, "status", &success));
        assert!(!envelope_succeeded(br#"["success"]"#, "status", &success));
        assert!(!envelope_succeeded(b"success", "status", &success));
        assert!(envelope_succeeded(br#"{"code":0}"#, "code", &["0"]));
        assert!(envelope_succeeded(br#"{"ok":true}"#, "ok", &["TRUE"]));
    }
}
