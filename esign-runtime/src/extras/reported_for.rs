//! [`ReportedFor`]: whom a callback event was reported for, for the specs
//! whose `x-esign-event-hash` says where the event names it (Dropbox Sign's
//! app and account callbacks).

/// Whom a callback event was reported for.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReportedFor {
    /// An API app (an app callback), by its id.
    App(String),
    /// An account (an account callback), by its id.
    Account(String),
    /// The event says neither.
    Unknown,
}
