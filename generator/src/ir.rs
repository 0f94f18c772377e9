//! Stage 2 output, the IR: plain data describing what becomes a Rust item.
//!
//! No `openapiv3` type appears here, and nothing here can fail. Every name is
//! final (decided by `naming`), every node keeps the wire name it maps to and
//! the JSON pointer it came from. Lists are in spec order so the output is
//! byte-for-byte stable.

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
    /// Named types, in a deterministic order.
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
    /// The types that get a `Validate` impl (by Rust name): with
    /// `x-esign-validate`, those with a check of their own or holding such
    /// a type; none otherwise. A request body of one of them is checked
    /// before it is sent.
    pub validated_types: std::collections::BTreeSet<String>,
    /// The runtime features the module's generated code uses, in a fixed
    /// order (the order of [`RuntimeFeature`]'s variants).
    pub runtime_features: Vec<RuntimeFeature>,
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
        /// The struct it names (`GetHeaders`).
        target: String,
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
    pub envelope: String,
    /// Its array field (`warnings`).
    pub field: String,
    /// The item type (`Warning`).
    pub item: String,
}

/// A named Rust type.
#[derive(Clone, Debug, PartialEq)]
pub struct TypeDef {
    /// Rust type name (`ErrorResponse`).
    pub name: String,
    /// Doc text.
    pub docs: String,
    /// Where the schema sits.
    pub pointer: Pointer,
    /// Marked `deprecated: true`.
    pub deprecated: bool,
    /// What it is.
    pub kind: TypeKind,
}

/// The shape of a named type.
#[derive(Clone, Debug, PartialEq)]
pub enum TypeKind {
    /// An object with known properties.
    Struct(Struct),
    /// A forward-compatible enum of string or integer values.
    Enum(Enum),
    /// `oneOf`/`anyOf` without a discriminator: tried in order.
    Untagged(Vec<UnionVariant>),
    /// A `discriminator` with a mapping: the tag picks the variant.
    Tagged {
        /// The tag property's wire name.
        tag: String,
        /// One variant per mapping entry.
        variants: Vec<TaggedVariant>,
        /// Name of the variant that keeps an unknown tag's object as JSON.
        unknown_variant: String,
    },
    /// Another name for a type (`type X = Vec<Y>`).
    Alias(TypeRef),
    /// A type that holds itself through a list or map (`A = Vec<A>`): a
    /// struct around the value (`struct A(Vec<A>)`), which an alias cannot be.
    Newtype(TypeRef),
}

/// An object type.
#[derive(Clone, Debug, PartialEq)]
pub struct Struct {
    /// Properties in spec order.
    pub fields: Vec<Field>,
    /// What happens to properties the spec does not list.
    pub extra: Extra,
    /// Checks `validate()` runs beyond the fields' own (when the API opts in).
    pub checks: StructChecks,
}

/// Whole-object checks read from the spec.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StructChecks {
    /// `x-esign-exactly-one-of`: groups of Rust field names of which exactly one is set.
    pub exactly_one_of: Vec<Vec<String>>,
    /// `x-esign-contrast`: colour contrast rules.
    pub contrast: Option<Box<Contrast>>,
    /// `x-esign-group-rules`: fields of listed types must name a defined group.
    pub group_rules: Option<GroupRules>,
    /// `x-esign-violations`: rule -> the API's name for that error.
    pub codes: Vec<(ViolationRule, String)>,
}

/// A check `validate()` runs: the `rule` of the `runtime::Violation` it
/// reports. Read from `x-esign-violations` keys by these names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ViolationRule {
    /// A string does not match its `pattern` (`pattern`).
    Pattern,
    /// An array is shorter than `minItems` (`min-items`).
    MinItems,
    /// An array is longer than `maxItems` (`max-items`).
    MaxItems,
    /// An enum value the spec does not list (`not-listed`).
    NotListed,
    /// A property of an `additionalProperties: false` object (`unknown-property`).
    UnknownProperty,
    /// Not exactly one of `x-esign-exactly-one-of` is set (`exactly-one-of`).
    ExactlyOneOf,
    /// Colours that do not contrast enough (`contrast`).
    Contrast,
    /// A field that names no defined group (`group`).
    Group,
}

/// Colour contrast rules over a struct's colour fields (WCAG contrast ratio).
#[derive(Clone, Debug, PartialEq)]
pub struct Contrast {
    /// The minimum ratio.
    pub minimum: f64,
    /// Colours that cannot be set: element -> hex.
    pub fixed: Vec<(String, String)>,
    /// Element -> the element it inherits from when unset.
    pub inherit: Vec<(String, String)>,
    /// Element -> the elements it must contrast with.
    pub pairs: Vec<(String, Vec<String>)>,
    /// The colour elements the struct holds.
    pub elements: Vec<ContrastElement>,
}

/// One colour element of a [`Contrast`] rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContrastElement {
    /// The element's wire name.
    pub wire_name: String,
    /// The Rust field holding its colour.
    pub field: String,
    /// Its colour when unset, as hex.
    pub default: Option<String>,
}

/// Group membership rules of a form-field payload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupRules {
    /// The Rust field holding the fields (lists of lists).
    pub fields: String,
    /// The Rust field holding the groups map.
    pub groups: String,
    /// Field types whose `group` must be a defined group.
    pub required_for: Vec<String>,
}

/// Handling of properties a struct does not declare.
#[derive(Clone, Debug, PartialEq)]
pub enum Extra {
    /// Kept in a field of this name as JSON values (the default: forward compatible).
    Keep(String),
    /// Kept in a field of this name, typed by `additionalProperties`.
    Typed(String, TypeRef),
    /// `additionalProperties: false`: still kept in a field of this name
    /// (nothing is lost), and reported by `validate()`.
    Deny(String),
}

/// One property.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    /// Rust field name (`type_`).
    pub name: String,
    /// JSON key (`type`).
    pub wire_name: String,
    /// Doc text.
    pub docs: String,
    /// The type, without the `Option` that `required`/`nullable` add.
    pub ty: TypeRef,
    /// Listed in `required`.
    pub required: bool,
    /// `nullable: true`.
    pub nullable: bool,
    /// Marked `deprecated: true`.
    pub deprecated: bool,
    /// `default`, as JSON text.
    pub default: Option<String>,
    /// `pattern` of a string property.
    pub pattern: Option<String>,
    /// `minItems` and `maxItems` of an array property.
    pub items: (Option<usize>, Option<usize>),
    /// Where the property sits.
    pub pointer: Pointer,
}

/// A forward-compatible enum.
#[derive(Clone, Debug, PartialEq)]
pub struct Enum {
    /// String or integer values.
    pub repr: EnumRepr,
    /// Known values in spec order.
    pub variants: Vec<Variant>,
    /// Name of the catch-all variant that keeps unknown values.
    pub unknown_variant: String,
}

/// The wire type of an enum.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EnumRepr {
    /// JSON strings.
    String,
    /// JSON integers.
    Integer,
}

/// One known enum value.
#[derive(Clone, Debug, PartialEq)]
pub struct Variant {
    /// Rust variant name (`BadRequest`).
    pub name: String,
    /// The value on the wire.
    pub wire: EnumValue,
    /// Per-value text from `x-esign-values`.
    pub docs: String,
    /// Per-value HTTP status from `x-esign-values`.
    pub http_status: Option<u16>,
    /// Per-value rule as a regular expression from `x-esign-values`.
    pub pattern: Option<String>,
    /// Per-value type of what the value names, from `x-esign-values`
    /// `value-type`.
    pub value_type: Option<ValueType>,
}

/// The type of the value a field of a search query takes
/// (`runtime::ValueType`); `value-type` of an `x-esign-values` entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ValueType {
    /// Text.
    String,
    /// A date, or a date and time.
    Date,
    /// `true` or `false`.
    Boolean,
    /// A whole number.
    Integer,
}

/// A value on the wire.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EnumValue {
    /// A string value.
    String(String),
    /// An integer value.
    Integer(i64),
}

/// One arm of an untagged union.
#[derive(Clone, Debug, PartialEq)]
pub struct UnionVariant {
    /// Rust variant name.
    pub name: String,
    /// Its payload.
    pub ty: TypeRef,
}

/// One arm of a tagged union.
#[derive(Clone, Debug, PartialEq)]
pub struct TaggedVariant {
    /// Rust variant name.
    pub name: String,
    /// The tag value on the wire.
    pub tag_value: String,
    /// The named struct carrying the fields.
    pub ty: TypeRef,
    /// The struct has no field for the tag (lowering took it out): reading
    /// takes the tag out of the object before building the struct, so it
    /// does not land among its unlisted properties.
    pub drops_tag: bool,
}

/// A reference to a type, as used by fields, parameters and bodies.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TypeRef {
    /// A named type in the same module.
    Named(String),
    /// A named type behind a `Box` (breaks a cycle).
    Boxed(String),
    /// `String`.
    String,
    /// `bool`.
    Bool,
    /// `i32`.
    I32,
    /// `i64`.
    I64,
    /// `u64` (`format: uint64` and the like).
    U64,
    /// `f32`.
    F32,
    /// `f64`.
    F64,
    /// Raw bytes (`format: binary`).
    Bytes,
    /// A boolean written as the string `"True"`/`"False"` (`x-esign-string-bool`).
    StringBool,
    /// Any JSON value.
    Json,
    /// `Vec<T>`.
    Vec(Box<TypeRef>),
    /// `BTreeMap<String, T>`.
    Map(Box<TypeRef>),
}

impl TypeRef {
    /// Whether this is (a list or map of) a named type in `names`.
    pub fn names_one_of(&self, names: &std::collections::BTreeSet<String>) -> bool {
        match self {
            TypeRef::Named(n) | TypeRef::Boxed(n) => names.contains(n),
            TypeRef::Vec(inner) | TypeRef::Map(inner) => inner.names_one_of(names),
            _ => false,
        }
    }
}

/// An HTTP method.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Method {
    /// GET
    Get,
    /// PUT
    Put,
    /// POST
    Post,
    /// DELETE
    Delete,
    /// OPTIONS
    Options,
    /// HEAD
    Head,
    /// PATCH
    Patch,
    /// TRACE
    Trace,
}

impl Method {
    /// The method as sent.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Delete => "DELETE",
            Method::Options => "OPTIONS",
            Method::Head => "HEAD",
            Method::Patch => "PATCH",
            Method::Trace => "TRACE",
        }
    }
}

/// One operation: one client method.
#[derive(Clone, Debug, PartialEq)]
pub struct Operation {
    /// Rust method name (`signature_request_cancel`).
    pub method_name: String,
    /// Every other name the operation adds to its module.
    pub names: OperationNames,
    /// `operationId`, or the name derived from method and path.
    pub operation_id: String,
    /// The HTTP method.
    pub method: Method,
    /// The path as written in the spec.
    pub path: String,
    /// The path split into literal text and parameters.
    pub path_parts: Vec<PathPart>,
    /// `summary`.
    pub summary: String,
    /// `description`.
    pub docs: String,
    /// Marked `deprecated: true`.
    pub deprecated: bool,
    /// Parameters: path ones in path order first, then the rest in spec order.
    pub params: Vec<Param>,
    /// The request body, if any (JSON preferred when several media types are offered).
    pub body: Option<RequestBody>,
    /// The multipart form of the body, when the body offers JSON too and
    /// has file parts: emitted as a second method, `names.multipart_method`.
    pub multipart_alternative: Option<RequestBody>,
    /// Query pairs written into the path key itself (`/search?type=all`).
    pub fixed_query: Vec<(String, String)>,
    /// Responses in spec order (exact codes, then ranges, then default).
    pub responses: Vec<Response>,
    /// False when the operation declares `security: []`.
    pub authenticated: bool,
    /// May be sent again: `x-esign-retry-safe`, or an idempotent method.
    pub retry_safe: bool,
    /// `x-esign-bulk` (or `x-esign-cancel`): how a run over many ids (`names.bulk`) classifies answers.
    pub bulk: Option<Cancel>,
    /// The success-envelope rule, when the API declares one and this
    /// operation's success body carries its field.
    pub envelope: Option<Envelope>,
    /// How the operation serves the provider-neutral cancel trait
    /// (`x-esign-cancel`).
    pub cancel: Option<Cancel>,
    /// How the operation pages (`x-esign-paginated`).
    pub paginator: Option<Paginator>,
    /// Waiters polling this operation (`x-esign-waiters`).
    pub waiters: Vec<Waiter>,
    /// What a successful call returns.
    pub success: Success,
    /// The error body the operation's `Error<E>` carries.
    pub error: ErrorBody,
    /// A 410 after an attempt whose answer was lost is this call's success:
    /// the operation cancels or removes (`x-esign-cancel`, `x-esign-bulk`),
    /// a rule reads 410 as gone, and every success has no body.
    pub gone_is_success: bool,
    /// Where the operation sits.
    pub pointer: Pointer,
}

/// What a successful call returns.
#[derive(Clone, Debug, PartialEq)]
pub enum Success {
    /// No success is declared: `()`, and any 2xx is unexpected.
    Nothing,
    /// Every success has this body.
    One(ResponseBody),
    /// The success bodies differ: an enum with a variant per status.
    ByStatus(SuccessEnum),
}

/// The enum of an operation's success bodies by status (`<Method>Body`).
#[derive(Clone, Debug, PartialEq)]
pub struct SuccessEnum {
    /// Rust type name (`GetBody`).
    pub name: String,
    /// One variant per success response, in spec order.
    pub variants: Vec<SuccessVariant>,
    /// Derives `Clone` and `PartialEq` (false when a body is a stream,
    /// which can be neither copied nor compared).
    pub comparable: bool,
}

/// One variant of a [`SuccessEnum`].
#[derive(Clone, Debug, PartialEq)]
pub struct SuccessVariant {
    /// Rust variant name (`Status200`, `Status2xx`, `Default`).
    pub name: String,
    /// The statuses of the response it stands for.
    pub status: StatusMatch,
    /// The body it carries (none when `Empty`).
    pub body: ResponseBody,
    /// Doc text.
    pub docs: String,
}

/// The error body of an operation.
#[derive(Clone, Debug, PartialEq)]
pub struct ErrorBody {
    /// The one JSON body all error responses share, or any JSON value.
    pub ty: TypeRef,
    /// It is the module's default ([`Api::default_error`]): the method
    /// returns plain `Error`.
    pub is_default: bool,
}

/// The names an operation adds to its module besides its method, each
/// claimed through one of the module's two scopes (the methods of `Client`,
/// which start with the client's own; the types at the module root, which
/// start with the schemas). `None` where the item is not generated. Waiter
/// methods and the multipart struct keep their names in [`Waiter`] and
/// [`Multipart`], claimed the same way.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OperationNames {
    /// The multipart twin of the method (`<method>_multipart`).
    pub multipart_method: Option<String>,
    /// The stream of pages (`<method>_pages`), with a paginator.
    pub pages: Option<String>,
    /// The stream of items (`<method>_items`), with a paginator.
    pub items: Option<String>,
    /// Cancel and confirm (`<method>_and_confirm`), with `x-esign-cancel`'s `confirm`.
    pub and_confirm: Option<String>,
    /// The run over many ids (`bulk_<method>`), when the operation has
    /// `x-esign-bulk` or `x-esign-cancel` and takes only the id.
    pub bulk: Option<String>,
    /// The struct of the optional parameters (`<Method>Options`).
    pub options: Option<String>,
    /// The struct of the headers the successes document (`<Method>Headers`).
    pub headers: Option<String>,
}

/// `x-esign-envelope`: a 2xx body whose `field` is not one of `success`
/// is a failure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Envelope {
    /// The JSON property that says success or failure.
    pub field: String,
    /// Its values that mean success, as text (compared case-insensitively).
    pub success: Vec<String>,
}

/// `x-esign-cancel`: the operation cancels a signing request, session or
/// invitation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cancel {
    /// What is canceled.
    pub target: CancelTarget,
    /// The Rust name of the (required) parameter that takes the id.
    pub id_param: String,
    /// The parameter that takes `CancelRequest::return_url`, if any.
    pub return_url_param: Option<CancelParam>,
    /// What a success means.
    pub success: CancelSuccess,
    /// Where a failure's human-readable reason is.
    pub message_pointer: Option<Pointer>,
    /// Failure rules, first match wins.
    pub rules: Vec<CancelRule>,
    /// How a queued cancel is confirmed (`confirm`).
    pub confirm: Option<Confirm>,
}

/// A parameter of a cancel operation that a `CancelRequest` field fills.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CancelParam {
    /// Its Rust name.
    pub name: String,
    /// A positional argument (else a field of the options struct).
    pub required: bool,
}

/// What a cancel operation cancels (`runtime::CancelTarget`); `target` of
/// `x-esign-cancel`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize)]
pub enum CancelTarget {
    /// A signature request.
    #[serde(rename = "signature request")]
    SignatureRequest,
    /// A signing session.
    #[serde(rename = "session")]
    Session,
    /// An invitation to sign.
    #[serde(rename = "invitation")]
    Invitation,
}

/// What a successful cancel means; `success` of `x-esign-cancel`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CancelSuccess {
    /// Canceled now.
    Canceled,
    /// Accepted and queued; confirmed later.
    Queued,
}

/// How a failure rule of [`Cancel`] classifies a response
/// (`runtime::CancelOutcome`); `outcome` of an `x-esign-cancel` rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CancelOutcome {
    /// Canceled after all.
    Canceled,
    /// Accepted and queued.
    Queued,
    /// The target cannot be canceled in its state.
    NotEligible,
    /// No such target.
    NotFound,
    /// Anything else.
    Failed,
}

/// A response the spec says to retry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryMatch {
    /// The status.
    pub status: u16,
    /// What the body must hold, if anything.
    pub body: Option<BodyMatch>,
}

/// Cancel, then wait for the waiter or the callback event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Confirm {
    /// The waiter's Rust method name (`wait_until_signature_request_canceled`).
    pub waiter_method: String,
    /// The callback payload type.
    pub event: String,
    /// The event type in the payload that confirms.
    pub event_type: BodyMatch,
    /// Where the id is in the payload.
    pub event_id: Pointer,
}

/// A callback the provider sends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Webhook {
    /// Its name in the spec (`accountCallback`).
    pub name: String,
    /// Doc text.
    pub docs: String,
    /// The payload type.
    pub payload: String,
    /// The multipart field that holds the JSON (`json`).
    pub field: String,
    /// The exact reply the endpoint must send, when documented.
    pub reply: Option<String>,
}

/// `x-esign-event-hash`: an HMAC over payload fields.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventHash {
    /// The payload type.
    pub type_name: String,
    /// The fields hashed, in order.
    pub message: Vec<Pointer>,
    /// Where the hash is.
    pub hash: Pointer,
    /// Where the payload says whom the event is reported for.
    pub reported_for: Option<ReportedFor>,
}

/// Where a callback payload says whom its event is reported for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportedFor {
    /// The app's id.
    pub app: Pointer,
    /// The account's id.
    pub account: Pointer,
}

/// `x-esign-paginated`: a page-numbered list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Paginator {
    /// The options field of the page number.
    pub page_field: String,
    /// The response field with the items.
    pub items_field: ItemsField,
    /// The item type.
    pub item_type: TypeRef,
    /// Where the page count is in the response.
    pub page_count: Pointer,
}

/// The field of a page that holds its items.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemsField {
    /// Its Rust name.
    pub name: String,
    /// An `Option` (not required, or nullable).
    pub optional: bool,
}

/// `x-esign-waiters`: poll an operation until a state is reached.
#[derive(Clone, Debug, PartialEq)]
pub struct Waiter {
    /// Method name (`wait_until_signature_request_canceled`).
    pub method_name: String,
    /// Doc text.
    pub docs: String,
    /// Shortest and longest pause between attempts, in seconds.
    pub delays: (f64, f64),
    /// What each status means for the wait.
    pub acceptors: Vec<Acceptor>,
}

/// One acceptor of a [`Waiter`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Acceptor {
    /// The status it matches.
    pub status: u16,
    /// What that status means.
    pub state: AcceptorState,
}

/// What a waiter's acceptor decides (`runtime::AcceptorState`); `state` of
/// an `x-esign-waiters` acceptor.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AcceptorState {
    /// The state is reached: the wait ends.
    Success,
    /// Not yet: poll again.
    Retry,
    /// The state will not be reached: the wait ends.
    Failure,
}

/// One failure rule of [`Cancel`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CancelRule {
    /// The HTTP status to match, if any.
    pub status: Option<u16>,
    /// What the body must hold, if anything.
    pub body: Option<BodyMatch>,
    /// What a matching response means.
    pub outcome: CancelOutcome,
}

/// A piece of a path template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathPart {
    /// Literal text, sent as written.
    Literal(String),
    /// The parameter at this index of `Operation::params`.
    Param(usize),
}

/// Where a parameter goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamLocation {
    /// One path segment.
    Path,
    /// The query string.
    Query,
    /// A request header.
    Header,
    /// A cookie.
    Cookie,
}

/// A parameter.
#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    /// Rust argument name.
    pub name: String,
    /// The name on the wire.
    pub wire_name: String,
    /// Where it goes.
    pub location: ParamLocation,
    /// Its type.
    pub ty: TypeRef,
    /// Required parameters are positional arguments.
    pub required: bool,
    /// `explode` for arrays and objects in the query (default true).
    pub explode: bool,
    /// What joins the items of a list that is not exploded: `,`, or ` `
    /// and `|` for the query's `spaceDelimited` and `pipeDelimited`.
    pub delimiter: char,
    /// `style: deepObject` (`name[key]=value`).
    pub deep_object: bool,
    /// `minLength` of a string: shorter values are refused before sending.
    pub min_length: Option<u64>,
    /// How the value becomes text.
    pub value: ParamValue,
    /// Doc text.
    pub docs: String,
    /// Marked `deprecated: true`.
    pub deprecated: bool,
}

/// How a parameter's value becomes text on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamValue {
    /// One value with `Display` (strings, numbers, booleans, enums).
    Scalar,
    /// A list of such values.
    ScalarList,
    /// Anything else: serialized to JSON first, then spread by style.
    Structured,
}

/// A request body.
#[derive(Clone, Debug, PartialEq)]
pub struct RequestBody {
    /// How it is encoded.
    pub kind: BodyKind,
    /// `required`.
    pub required: bool,
    /// Doc text.
    pub docs: String,
    /// A form body's properties with a style of their own (`encoding`).
    pub field_styles: Vec<(String, FieldStyle)>,
}

/// How a property of a form or multipart body is written (`encoding`'s
/// `style` and `explode`); the runtime's `FieldStyle`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldStyle {
    /// `form`, exploded: repeated names (an object: one field per property).
    FormExploded,
    /// `form`, not exploded: comma-separated.
    Form,
    /// `deepObject`: bracketed names (`signers[0][name]`).
    DeepObject,
}

/// How a body is encoded.
#[derive(Clone, Debug, PartialEq)]
pub enum BodyKind {
    /// JSON of this type, sent with this media type.
    Json(TypeRef, String),
    /// `application/x-www-form-urlencoded` of this type.
    Form(TypeRef),
    /// `multipart/form-data`.
    Multipart(Multipart),
    /// Text as given, with this media type.
    Text(String),
    /// Bytes as given, with this media type.
    Bytes(String),
}

/// A multipart body: a struct of its own whose fields become parts.
#[derive(Clone, Debug, PartialEq)]
pub struct Multipart {
    /// The struct's Rust name (`CreateFileMultipart`).
    pub type_name: String,
    /// The parts, in spec order.
    pub parts: Vec<Part>,
    /// How nested values and lists are named (`x-esign-form-style`).
    pub style: FormStyle,
    /// Members of [`PartKind::Spread`] fields sent as one JSON text part
    /// each: (wire name, media type), from the body's `encoding`.
    pub json_members: Vec<(String, String)>,
    /// The body's schema is not an object, so it is one part, and no
    /// schema names it: the struct has a `part_name` field the caller
    /// sets, and `parts` holds that one part (its `wire_name` empty).
    pub named_by_caller: bool,
}

/// How a multipart body names what is not one scalar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormStyle {
    /// Lists repeat their name, other values are JSON parts (the default).
    Repeat,
    /// Bracketed names, as PHP and Rails read forms: `name[key]`,
    /// `name[]` for lists of scalars and files, `name[0]` for lists of
    /// objects (`x-esign-form-style: brackets`).
    Brackets,
}

/// One part of a multipart body.
#[derive(Clone, Debug, PartialEq)]
pub struct Part {
    /// Rust field name.
    pub name: String,
    /// The part's name on the wire.
    pub wire_name: String,
    /// The field's type (for `File`/`Files`, ignored: they are file parts).
    pub ty: TypeRef,
    /// How it is sent.
    pub kind: PartKind,
    /// Listed in `required`.
    pub required: bool,
    /// `encoding.<part>.contentType`, when given.
    pub content_type: Option<String>,
    /// `encoding.<part>.style`/`explode`, when given (not for files): the
    /// value is sent as the text parts that style makes.
    pub style: Option<FieldStyle>,
    /// Doc text.
    pub docs: String,
}

/// How one part is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PartKind {
    /// A file (`format: binary`).
    File,
    /// Several files under one name.
    Files,
    /// A scalar as text.
    Text,
    /// A list of scalars, one part each.
    TextList,
    /// Anything else, as JSON text.
    Json,
    /// Any value spread under bracketed names (`FormStyle::Brackets`).
    Bracketed,
    /// A typed field (an `allOf` member that is a `$ref`, under
    /// `FormStyle::Brackets`) whose members are parts of their own.
    Spread,
}

/// Which statuses a response covers.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum StatusMatch {
    /// One status code.
    Code(u16),
    /// `2XX` and the like: the hundreds digit.
    Range(u16),
    /// `default`.
    Default,
}

/// One documented response.
#[derive(Clone, Debug, PartialEq)]
pub struct Response {
    /// The statuses it covers.
    pub status: StatusMatch,
    /// Success (2xx, or `default` when no 2xx is declared) or error.
    pub success: bool,
    /// Its body.
    pub body: ResponseBody,
    /// Its description.
    pub docs: String,
    /// The headers it documents.
    pub headers: Vec<ResponseHeader>,
}

/// A documented response header.
#[derive(Clone, Debug, PartialEq)]
pub struct ResponseHeader {
    /// Rust field name (`x_rate_limit_limit`).
    pub name: String,
    /// Header name (`X-RateLimit-Limit`).
    pub wire_name: String,
    /// Its type; scalars parse from the header text, anything else stays text.
    pub ty: TypeRef,
    /// Doc text.
    pub docs: String,
}

/// What a response body holds.
#[derive(Clone, Debug, PartialEq)]
pub enum ResponseBody {
    /// Nothing of interest (no content, or content without a schema).
    Empty,
    /// JSON of this type.
    Json(TypeRef),
    /// Raw bytes (binary, text, anything not JSON).
    Bytes,
    /// Raw bytes handed over as they arrive (`x-esign-stream`).
    Stream,
}
