//! Operations: their parameters, bodies, responses, the shapes lowering
//! decided for them, and the `x-esign-` behaviour they carry; callbacks.

use super::*;

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
    pub fixed_query: Vec<QueryPair>,
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
    /// How the method matches the response's status.
    pub dispatch: Dispatch,
    /// A 410 after an attempt whose answer was lost is this call's success:
    /// the operation cancels or removes (`x-esign-cancel`, `x-esign-bulk`),
    /// a rule reads 410 as gone, and every success has no body.
    pub gone_is_success: bool,
    /// Where the operation sits.
    pub pointer: Pointer,
}

/// The `match` a method makes on the response status.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Dispatch {
    /// Arms in order; no two cover the same status.
    pub arms: Vec<DispatchArm>,
    /// What any other status means.
    pub fallback: Handling,
}

/// One arm of a [`Dispatch`].
#[derive(Clone, Debug, PartialEq)]
pub struct DispatchArm {
    /// The statuses it matches.
    pub statuses: Vec<StatusRange>,
    /// What they mean.
    pub handling: Handling,
}

/// Statuses from `first` to `last`, both included (one code when equal).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StatusRange {
    /// The lowest status.
    pub first: u16,
    /// The highest status.
    pub last: u16,
}

/// What a response with a matched status means.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Handling {
    /// A documented success: its body, in the success enum's `variant`
    /// when successes differ by status.
    Success {
        /// The body to read.
        body: ResponseBody,
        /// The variant of the success enum, if there is one.
        variant: Option<String>,
    },
    /// A 2xx the spec does not list: the one (JSON) success body when it
    /// decodes, otherwise `Error::UnexpectedResponse` (never the error body).
    UndeclaredSuccess {
        /// The body it may be.
        body: ResponseBody,
    },
    /// A documented error with a JSON body: `Error::Api`.
    ApiError,
    /// Anything else: `Error::UnexpectedResponse`, kept whole.
    #[default]
    Unexpected,
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

/// What a cancel operation cancels, as the spec describes it
/// (`runtime::CancelTarget`): `target` and `target-description` of
/// `x-esign-cancel`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CancelTarget {
    /// Its name (`signature request`), never empty.
    pub name: String,
    /// What the spec says it is, if it says.
    pub description: Option<String>,
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
    pub event: TypeId,
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
    pub payload: TypeId,
    /// The multipart field that holds the JSON (`json`).
    pub field: String,
    /// The exact reply the endpoint must send, when documented.
    pub reply: Option<String>,
}

/// `x-esign-event-hash`: an HMAC over payload fields.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventHash {
    /// The payload type.
    pub type_id: TypeId,
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
    /// The type of a page: the success body that holds the items.
    pub page_type: TypeRef,
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
    /// Shortest pause between attempts, in seconds.
    pub min_delay: f64,
    /// Longest pause between attempts, in seconds.
    pub max_delay: f64,
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

/// What a waiter's acceptor decides (`runtime::__codegen::AcceptorState`); `state` of
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
    pub field_styles: Vec<StyledField>,
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

/// A query pair sent with every call of an operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueryPair {
    /// The key.
    pub name: String,
    /// The value, as written (possibly empty).
    pub value: String,
}

/// A property of a form body with a style of its own.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StyledField {
    /// The property's wire name.
    pub name: String,
    /// How it is written.
    pub style: FieldStyle,
}

/// A member of a spread multipart field sent as one JSON text part.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JsonMember {
    /// Its wire name.
    pub wire_name: String,
    /// The part's media type.
    pub media_type: String,
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
    /// each, from the body's `encoding`.
    pub json_members: Vec<JsonMember>,
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
