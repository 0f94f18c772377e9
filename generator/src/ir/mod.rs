//! Stage 2 output, the IR: plain data describing what becomes a Rust item.
//!
//! No `openapiv3` type appears here, and nothing here can fail. Every name is
//! final (decided by `naming`), every node keeps the wire name it maps to and
//! the JSON pointer it came from. Lists are in spec order so the output is
//! byte-for-byte stable.
//!
//! Named types sit in one arena, [`Api::types`], in the order they are
//! printed; a [`TypeRef`], a webhook's payload, the warnings source, the
//! types that validate and the rest refer to them by [`TypeId`], the index
//! there (typify's `TypeSpace`/`TypeId`), never by name. A type's name is in
//! its [`TypeDef`] only; [`Api::type_def`] and [`Api::type_name`] look it up.
//!
//! This file holds the API level (servers, security, the module-wide
//! choices); `types` the named types and type references; `operation` the
//! operations, their bodies, responses and extensions, and callbacks.

mod operation;
mod types;

pub use operation::*;
pub use types::*;

/// One API: everything generated into one Rust module.
#[derive(Clone, Debug, PartialEq)]
pub struct Api {
    /// The spec file, as written in banners and messages (`specs/dropbox-sign.yaml`).
    pub source: String,
    /// The Rust module name (`dropbox_sign`).
    pub module: String,
    /// The Cargo feature that gates the module (`dropbox-sign`).
    pub feature: String,
    /// `info.title`.
    pub title: String,
    /// `info.version`.
    pub version: String,
    /// `info.description`.
    pub docs: String,
    /// `info.license` as an SPDX expression, when it is one (3.1's
    /// `identifier`, or a `name` such as `MIT` or `Apache 2.0`).
    pub license: Option<String>,
    /// Servers in spec order; the first is the default.
    pub servers: Vec<Server>,
    /// Security schemes the client can authenticate with.
    pub security: Vec<SecurityScheme>,
    /// Response headers that carry a rate limit (`x-esign-rate-limit`).
    pub rate_limit: Option<RateLimitHeaders>,
    /// `x-esign-validate: true`: types get a generated `validate()`.
    pub validate: bool,
    /// What is retried (`x-esign-retry`).
    pub retry_rules: Option<RetryRules>,
    /// Callbacks the provider sends (`x-esign-webhooks`).
    pub webhooks: Vec<Webhook>,
    /// How callback payloads are verified (`x-esign-event-hash`).
    pub event_hash: Option<EventHash>,
    /// The type whose one array property lists warnings (`x-esign-warnings`).
    pub warnings: Option<WarningsSource>,
    /// The arena of named types, in the order they are printed: a
    /// [`TypeId`] is an index here.
    pub types: Vec<TypeDef>,
    /// Operations, in path then method order as the spec lists them.
    pub operations: Vec<Operation>,
    /// The error body most operations document: the default of the
    /// module's `Error<E>`.
    pub default_error: TypeRef,
    /// The typed response headers of the operations: structs first (in
    /// operation order), then the aliases of operations that document the
    /// same headers as an earlier one.
    pub header_types: Vec<HeaderType>,
    /// The types that get a `Validate` impl: with
    /// `x-esign-validate`, those with a check of their own or holding such
    /// a type; none otherwise. A request body of one of them is checked
    /// before it is sent.
    pub validated_types: std::collections::BTreeSet<TypeId>,
    /// The method of the operation through which `Client` implements
    /// `runtime::Cancel`: the first with `x-esign-cancel`.
    pub cancel_method: Option<String>,
    /// The runtime features the module's generated code uses, in a fixed
    /// order (the order of [`RuntimeFeature`]'s variants).
    pub runtime_features: Vec<RuntimeFeature>,
}

impl Api {
    /// The named type an id refers to.
    pub fn type_def(&self, id: TypeId) -> &TypeDef {
        &self.types[id.index()]
    }

    /// The Rust name of the type an id refers to.
    pub fn type_name(&self, id: TypeId) -> &str {
        &self.type_def(id).name
    }

    /// The id of the type with this Rust name, if there is one (for tools
    /// and tests; the IR itself refers to types by id).
    pub fn type_id(&self, name: &str) -> Option<TypeId> {
        self.types.iter().position(|t| t.name == name).map(TypeId::at)
    }
}

/// A part of the runtime that only some specs need (a Cargo feature of
/// `esign-runtime`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum RuntimeFeature {
    /// Multipart request bodies.
    Multipart,
    /// Checks by regular expression.
    Patterns,
    /// Parsing and verifying callbacks.
    Webhooks,
    /// Waiters and cancel-and-confirm.
    Waiters,
    /// Streams of pages and items.
    Paginators,
    /// Bulk runs over many ids.
    Bulk,
    /// A search-query builder over typed fields.
    Search,
    /// Colour-contrast checks.
    Contrast,
}

/// The type of the headers an operation's successes document
/// (`<Method>Headers`).
#[derive(Clone, Debug, PartialEq)]
pub enum HeaderType {
    /// A struct with `from_headers`.
    Struct(HeaderStruct),
    /// Another name for a struct: the operation documents exactly the
    /// headers of an earlier one.
    Alias {
        /// The alias (`ListHeaders`).
        name: String,
        /// The struct it names (`GetHeaders`): its index in
        /// [`Api::header_types`], where the structs come first.
        target: usize,
    },
}

/// A struct of typed response headers.
#[derive(Clone, Debug, PartialEq)]
pub struct HeaderStruct {
    /// Rust type name (`GetHeaders`).
    pub name: String,
    /// The headers, each once, in the order the successes list them.
    pub headers: Vec<ResponseHeader>,
    /// The methods whose successes document exactly these headers.
    pub methods: Vec<String>,
}

/// A JSON pointer: where in the spec an IR node came from
/// (`/components/schemas/Error`), or where in a response body or callback
/// payload the runtime looks (`/error/error_name`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pointer(pub String);

impl Pointer {
    /// The pointer as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Pointer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A body whose value at `pointer` is the text `equals`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BodyMatch {
    /// Where to look.
    pub pointer: Pointer,
    /// The text the value must be.
    pub equals: String,
}

/// `x-esign-retry`: the responses that are retried.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryRules {
    /// Responses that mean "rate limited": retried after the window.
    pub rate_limited: Vec<RetryMatch>,
    /// Responses that mean "unavailable": retried with backoff.
    pub unavailable: Vec<RetryMatch>,
}

/// A server URL the client may target.
#[derive(Clone, Debug, PartialEq)]
pub struct Server {
    /// Rust constant name (`PRODUCTION`), from `x-esign-name` or the position.
    pub const_name: String,
    /// The URL as written, with `{variables}` substituted by their defaults.
    pub url: String,
    /// `description`.
    pub docs: String,
}

/// How a request may authenticate.
#[derive(Clone, Debug, PartialEq)]
pub struct SecurityScheme {
    /// Variant name of the generated `Credentials` enum (`ApiKey`).
    pub variant: String,
    /// Constructor name (`api_key`).
    pub constructor: String,
    /// The key under `components/securitySchemes`.
    pub wire_name: String,
    /// `description`.
    pub docs: String,
    /// What goes on the wire.
    pub kind: SecurityKind,
    /// Where it was declared.
    pub pointer: Pointer,
}

/// The wire form of a credential.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SecurityKind {
    /// HTTP basic with user name and password.
    Basic,
    /// HTTP basic with the API key as user name and an empty password
    /// (`x-esign-api-key-as-username`).
    BasicApiKeyUsername,
    /// `Authorization: Bearer <token>` (http bearer, oauth2, openIdConnect).
    Bearer,
    /// An API key in the named header; `Authorization` sent exactly as given.
    Header(String),
    /// An API key in the named query parameter.
    Query(String),
    /// An API key in the named cookie.
    Cookie(String),
}

/// Names of the response headers that carry rate-limit state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RateLimitHeaders {
    /// Requests allowed per window.
    pub limit: String,
    /// Requests left in the window.
    pub remaining: String,
    /// Unix time at which the window resets.
    pub reset: String,
}

/// Where warnings come from in a successful body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WarningsSource {
    /// The envelope type (`WarningResponse`).
    pub envelope: TypeId,
    /// Its array field (`warnings`).
    pub field: String,
    /// The field is an `Option` (not required, or nullable).
    pub optional: bool,
    /// The item type (`Warning`).
    pub item: TypeId,
}
