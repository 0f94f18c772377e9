//! A provider-neutral cancel: what the generated clients implement for the
//! operation the spec marks `x-esign-cancel`, and how a failed cancel is
//! classified by the spec's rules.

use std::fmt;

use reqwest::StatusCode;

use crate::error::{Error, ErrorMetadata};
use crate::url::value_text;

/// What a provider-neutral cancel acts on, as the provider's spec
/// describes it (`target` and `target-description` of its
/// `x-esign-cancel`): a name such as `signature request`, `session` or
/// `invitation`, and what it is. The runtime knows no provider's targets;
/// compare names to tell clients apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct CancelTarget {
    /// Its name in the spec (`signature request`).
    pub name: &'static str,
    /// What the spec says it is, if it says.
    pub description: Option<&'static str>,
}

impl CancelTarget {
    /// A target of this name and description.
    pub const fn new(name: &'static str, description: Option<&'static str>) -> Self {
        CancelTarget { name, description }
    }
}

impl fmt::Display for CancelTarget {
    /// The name.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)
    }
}

/// A provider-neutral cancel request.
///
/// `#[non_exhaustive]`, so a field added later breaks no caller: build it
/// with [`CancelRequest::new`] and the setters ([`CancelRequest::return_url`]).
/// By default the id is empty and there is no return URL.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct CancelRequest {
    /// The id of what to cancel (a signature request id, a session id, a sign URL or its UUID).
    pub id: String,
    /// Where to send the signer afterwards, for providers that take one.
    pub return_url: Option<String>,
}

impl CancelRequest {
    /// A request to cancel `id`.
    pub fn new(id: impl Into<String>) -> Self {
        CancelRequest { id: id.into(), return_url: None }
    }

    /// Sets the return URL.
    pub fn return_url(mut self, url: impl Into<String>) -> Self {
        self.return_url = Some(url.into());
        self
    }
}

/// How a cancel ended.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CancelOutcome {
    /// Canceled now.
    Canceled,
    /// Accepted and queued; the provider confirms later.
    Queued,
    /// The provider refused: the target is in a state that cannot be canceled.
    NotEligible {
        /// The provider's reason.
        reason: String,
    },
    /// The target does not exist (or is already gone).
    NotFound {
        /// The provider's reason.
        reason: String,
    },
    /// Anything else: a refusal the rules do not classify, a transport
    /// failure, an unreadable response.
    Failed {
        /// What went wrong.
        reason: String,
        /// The HTTP status, when a response arrived.
        status: Option<StatusCode>,
    },
}

/// A boxed future, so [`Cancel`] can be used as `dyn Cancel`.
pub type BoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;

/// Cancel what a provider's cancel acts on (a signing request, a session,
/// an invitation), whatever the provider. Generated clients implement it
/// for their operation marked `x-esign-cancel` in the spec.
pub trait Cancel {
    /// What this provider's cancel acts on, as its spec names it.
    fn cancel_target(&self) -> CancelTarget;

    /// Cancels `request.id` and classifies the result.
    fn cancel<'a>(&'a self, request: &'a CancelRequest) -> BoxFuture<'a, CancelOutcome>;
}

/// One failure rule from the spec (`x-esign-cancel.outcomes`).
#[derive(Clone, Copy, Debug)]
pub struct CancelRule {
    /// The status to match, if any.
    pub status: Option<u16>,
    /// A JSON pointer into the body and the text it must equal, if any.
    pub pointer: Option<(&'static str, &'static str)>,
    /// The outcome when the rule matches (`reason` filled in from the response).
    pub outcome: fn(String) -> CancelOutcome,
}

/// Classifies a failed cancel by the spec's rules; `message` points at the
/// provider's human-readable reason in the body.
pub fn cancel_outcome<E: fmt::Debug + ErrorMetadata>(
    err: &Error<E>,
    rules: &[CancelRule],
    message: Option<&str>,
) -> CancelOutcome {
    let Some(response) = err.response() else {
        return CancelOutcome::Failed { reason: err.to_string(), status: None };
    };
    let body: Option<serde_json::Value> = serde_json::from_slice(&response.body).ok();
    let reason = message
        .and_then(|pointer| body.as_ref()?.pointer(pointer))
        .map(value_text)
        .filter(|text| !text.is_empty())
        .unwrap_or_else(|| err.to_string());
    for rule in rules {
        if rule.status.is_some_and(|status| status != response.status.as_u16()) {
            continue;
        }
        if let Some((pointer, expected)) = rule.pointer {
            let found = body.as_ref().and_then(|b| b.pointer(pointer)).map(value_text);
            if found.as_deref() != Some(expected) {
                continue;
            }
        }
        return (rule.outcome)(reason);
    }
    CancelOutcome::Failed { reason, status: Some(response.status) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api_error(status: u16, body: &'static str) -> Error<serde_json::Value> {
        let response = crate::error::tests::raw(status, None, body);
        Error::Api { body: serde_json::from_str(body).unwrap_or_default(), response: Box::new(response) }
    }

    const RULES: &[CancelRule] = &[
        CancelRule { status: Some(404), pointer: None, outcome: |reason| CancelOutcome::NotFound { reason } },
        CancelRule {
            status: Some(400),
            pointer: Some(("/error/error_name", "not_cancelable")),
            outcome: |reason| CancelOutcome::NotEligible { reason },
        },
        CancelRule { status: None, pointer: Some(("/state", "queued")), outcome: |_| CancelOutcome::Queued },
    ];
    const MESSAGE: Option<&str> = Some("/error/error_msg");

    #[test]
    fn requests_are_built_step_by_step() {
        let request = CancelRequest::new("abc").return_url("https://example.com/done");
        assert_eq!(request.id, "abc");
        assert_eq!(request.return_url.as_deref(), Some("https://example.com/done"));
        assert_eq!(CancelRequest::new("x").return_url, None);
    }

    #[test]
    fn failures_are_classified_by_the_rules() {
        let err = api_error(404, r#"{"error":{"error_msg":"Not found","error_name":"not_found"}}"#);
        assert_eq!(cancel_outcome(&err, RULES, MESSAGE), CancelOutcome::NotFound { reason: "Not found".to_owned() });

        let err = api_error(400, r#"{"error":{"error_msg":"Already signed","error_name":"not_cancelable"}}"#);
        let expected = CancelOutcome::NotEligible { reason: "Already signed".to_owned() };
        assert_eq!(cancel_outcome(&err, RULES, MESSAGE), expected);

        let err = api_error(202, r#"{"state":"queued"}"#);
        assert_eq!(cancel_outcome(&err, RULES, MESSAGE), CancelOutcome::Queued);
    }

    #[test]
    fn what_no_rule_matches_fails_with_its_status() {
        let err = api_error(400, r#"{"error":{"error_msg":"Bad","error_name":"bad_request"}}"#);
        let expected = CancelOutcome::Failed { reason: "Bad".to_owned(), status: Some(StatusCode::BAD_REQUEST) };
        assert_eq!(cancel_outcome(&err, RULES, MESSAGE), expected);

        // Without a message in the body, the error's own text is the reason.
        let err = api_error(500, r#"{"error":{"error_msg":""}}"#);
        let CancelOutcome::Failed { reason, status } = cancel_outcome(&err, RULES, MESSAGE) else { panic!() };
        assert_eq!(status, Some(StatusCode::INTERNAL_SERVER_ERROR));
        assert!(reason.starts_with("the API answered 500"), "{reason}");

        let err: Error<serde_json::Value> = Error::InvalidRequest("path parameter `id` is empty".to_owned());
        let expected =
            CancelOutcome::Failed { reason: "invalid request: path parameter `id` is empty".to_owned(), status: None };
        assert_eq!(cancel_outcome(&err, RULES, MESSAGE), expected);
    }

    #[test]
    fn cancel_works_as_a_trait_object() {
        struct Always;
        impl Cancel for Always {
            fn cancel_target(&self) -> CancelTarget {
                CancelTarget::new("session", Some("A signing session."))
            }
            fn cancel<'a>(&'a self, request: &'a CancelRequest) -> BoxFuture<'a, CancelOutcome> {
                Box::pin(async move {
                    if request.id.is_empty() {
                        CancelOutcome::NotFound { reason: "no id".to_owned() }
                    } else {
                        CancelOutcome::Canceled
                    }
                })
            }
        }
        let provider: &dyn Cancel = &Always;
        let target = provider.cancel_target();
        assert_eq!((target.name, target.description), ("session", Some("A signing session.")));
        assert_eq!(target.to_string(), "session");
        assert_eq!(crate::block_on(provider.cancel(&CancelRequest::new("id"))), CancelOutcome::Canceled);
        let outcome = crate::block_on(provider.cancel(&CancelRequest::new("")));
        assert_eq!(outcome, CancelOutcome::NotFound { reason: "no id".to_owned() });
    }
}
