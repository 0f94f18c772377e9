//! When and how a call is sent again: the caller's [`RetryPolicy`] and the
//! spec's [`RetryRules`] (`policy`), the loop that applies them to one call
//! (`strategy`), and, with the `tracing` feature, the span and events it
//! records (`trace`).

mod policy;
mod strategy;
#[cfg(feature = "tracing")]
mod trace;

pub use policy::{RetryEvent, RetryHook, RetryMatch, RetryPolicy, RetryRules};
pub use strategy::CallInfo;
pub(crate) use strategy::{Attempts, CallContext, Deadline, Sent};

#[cfg(test)]
mod tests;
