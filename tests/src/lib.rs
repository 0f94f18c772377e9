//! Integration tests live in `tests/all/`. This library only holds
//! doctests: the README's usage examples, so the README cannot drift from
//! the generated API, and the struct literals a generated crate must refuse
//! ([`non_exhaustive`]), which only a separate crate can show.
#![doc = include_str!("../../README.md")]

/// Generated structs are `#[non_exhaustive]`: outside their crate a struct
/// literal is refused (E0639), even one that ends in `..Default::default()`,
/// so adding a field to the spec breaks no caller. A schema's struct:
///
/// ```compile_fail,E0639
/// let _ = esign_fixtures::bodies::FileMeta { title: None, ..Default::default() };
/// ```
///
/// One with required fields (built with `Signer::new(name, email_address)`):
///
/// ```compile_fail,E0639
/// let _ = esign_fixtures::bodies::Signer {
///     name: "Ann".to_owned(),
///     email_address: "ann@example.test".to_owned(),
///     order: None,
///     extra: Default::default(),
/// };
/// ```
///
/// An operation's options, its typed response headers, a multipart body:
///
/// ```compile_fail,E0639
/// let _ = esign_fixtures::parameters::GetItemVersionOptions { type_: None, ..Default::default() };
/// ```
///
/// ```compile_fail,E0639
/// let _ = esign_fixtures::swagger2::ListDocumentsHeaders { x_total: None };
/// ```
///
/// ```compile_fail,E0639
/// use esign_fixtures::runtime::FilePart;
/// let _ = esign_fixtures::bodies::UploadFileMultipart {
///     file: FilePart::new(&b"%PDF"[..]),
///     purpose: "signing".to_owned(),
///     tags: None,
///     meta: None,
///     attachments: None,
/// };
/// ```
///
/// The runtime's `Response` (it gains fields as the client learns more
/// about a call):
///
/// ```compile_fail,E0639
/// use esign_fixtures::runtime::{HeaderMap, Response, StatusCode};
/// let _: Response<()> = Response {
///     status: StatusCode::OK,
///     headers: HeaderMap::new(),
///     rate_limit: None,
///     attempts: 1,
///     lost_answers: 0,
///     waits: Vec::new(),
///     warnings: Vec::new(),
///     body: (),
/// };
/// ```
///
/// The same values, built the way that keeps compiling:
///
/// ```
/// use esign_fixtures::{bodies, parameters, runtime::FilePart, swagger2};
/// let mut meta = bodies::FileMeta::default();
/// meta.title = Some("NDA".to_owned());
/// let mut signer = bodies::Signer::new("Ann".to_owned(), "ann@example.test".to_owned());
/// signer.order = Some(1);
/// let mut options = parameters::GetItemVersionOptions::default();
/// options.type_ = Some("full".to_owned());
/// let headers = swagger2::ListDocumentsHeaders::default();
/// let mut upload = bodies::UploadFileMultipart::new(FilePart::new(&b"%PDF"[..]), "signing".to_owned());
/// upload.meta = Some(meta);
/// let mut response: esign_fixtures::runtime::Response<bodies::Signer> =
///     esign_fixtures::runtime::Response::new(esign_fixtures::runtime::StatusCode::CREATED, signer.clone());
/// response.attempts = 2;
/// assert_eq!((response.status.as_u16(), response.attempts, response.lost_answers), (201, 2, 0));
/// assert_eq!(response.into_body(), signer);
/// # let _ = (signer, options, headers, upload);
/// ```
pub mod non_exhaustive {}
