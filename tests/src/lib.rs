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
/// # let _ = (signer, options, headers, upload);
/// ```
pub mod non_exhaustive {}
