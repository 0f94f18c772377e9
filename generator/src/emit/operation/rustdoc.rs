//! A method's rustdoc: what it sends where, its arguments, every documented
//! response, and a short example with sample values (compiled, not run).

use super::super::docs;
use crate::ir::{self, StatusMatch, TypeRef};
use proc_macro2::TokenStream;
use quote::quote;

use super::{param_doc, streams, ModuleContext};

/// The method's rustdoc: summary and description, what it sends where, its
/// arguments and every documented response.
pub(super) fn method_docs(op: &ir::Operation, request_body: Option<&ir::RequestBody>) -> TokenStream {
    // Docs.
    let mut text = docs::paragraphs([op.summary.as_str(), op.docs.as_str()]);
    if !text.is_empty() {
        text.push_str("\n\n");
    }
    text.push_str(&format!("Sends `{}` to `{}`.", op.method.as_str(), op.path));
    if streams(op) {
        text.push_str(
            " A successful body is handed over unread, as a [`ByteStream`](crate::runtime::ByteStream): read it a chunk at a time, so a large file is never held in memory whole.",
        );
    }
    let required: Vec<&ir::Param> = op.params.iter().filter(|p| p.required).collect();
    if !required.is_empty() || request_body.is_some() {
        text.push_str("\n\n# Arguments\n");
        for p in &required {
            text.push_str(&format!("\n- `{}`: {}", p.name, param_doc(p).replace('\n', " ")));
        }
        if let Some(body) = request_body {
            let d = if body.docs.trim().is_empty() { "the request body" } else { body.docs.trim() };
            text.push_str(&format!("\n- `body`: {}", d.replace('\n', " ")));
        }
        if let Some(options_name) = &op.names.options {
            text.push_str(&format!("\n- `options`: the optional parameters, see [`{options_name}`]"));
        }
    } else if let Some(options_name) = &op.names.options {
        text.push_str(&format!("\n\nOptional parameters: [`{options_name}`]."));
    }
    text.push_str("\n\n# Responses\n");
    // Statuses with the same outcome and text share a line.
    let mut lines: Vec<(Vec<String>, bool, String)> = Vec::new();
    for r in &op.responses {
        let status = match r.status {
            StatusMatch::Code(c) => c.to_string(),
            StatusMatch::Range(d) => format!("{d}XX"),
            StatusMatch::Default => "any other status".to_owned(),
        };
        let d = r.docs.trim().replace('\n', " ");
        match lines.iter_mut().find(|(_, success, text)| *success == r.success && *text == d) {
            Some((statuses, _, _)) => statuses.push(status),
            None => lines.push((vec![status], r.success, d)),
        }
    }
    for (statuses, success, d) in lines {
        let outcome = if success { "`Ok`" } else { "`Err`" };
        let d = if d.is_empty() { String::new() } else { format!(": {d}") };
        text.push_str(&format!("\n- {} ({outcome}){d}", statuses.join(", ")));
    }
    let declares_2xx_range = op.responses.iter().any(|r| r.status == StatusMatch::Range(2));
    let default_succeeds = op.responses.iter().any(|r| r.status == StatusMatch::Default && r.success);
    if !declares_2xx_range && !default_succeeds {
        let fits = matches!(op.success, ir::Success::One(_));
        text.push_str(if fits {
            "\n- another 2xx (`Ok` when its body fits the success type, else `Err`): an undocumented success, \
             never read as an error body; one that does not fit is kept whole (`Error::UnexpectedResponse`)."
        } else {
            "\n- another 2xx (`Err`): kept whole (`Error::UnexpectedResponse`), never read as an error body."
        });
    }
    if op.gone_is_success {
        text.push_str(
            "\n- 410 after an attempt whose answer was lost (`Ok`): that attempt took effect, so this call succeeded; \
             the response has status 410 and `lost_answers` above 0.",
        );
    }
    docs::outer(&text)
}

/// A short example in the method's docs, compiled as a doctest but not run:
/// scalar arguments get sample values, options their defaults, and other
/// values (bodies, structured parameters) come from hidden placeholders.
pub(super) fn example(
    op: &ir::Operation,
    request_body: Option<&ir::RequestBody>,
    method_name: &str,
    module: &ModuleContext<'_>,
) -> TokenStream {
    let runtime = module.path.split("::").next().unwrap_or("crate").to_owned() + "::runtime";
    let mut hidden = Vec::new();
    let mut args = Vec::new();
    for p in op.params.iter().filter(|p| p.required) {
        args.push(scalar_sample(p, &runtime).unwrap_or_else(|| {
            hidden.push(format!("# let {} = todo!();", p.name));
            format!("&{}", p.name)
        }));
    }
    let mut shown = Vec::new();
    if let Some(body) = request_body {
        let value = match &body.kind {
            ir::BodyKind::Text(_) => "\"text\"".to_owned(),
            ir::BodyKind::Bytes(_) => format!("{runtime}::Bytes::from_static(b\"...\")"),
            ir::BodyKind::Json(TypeRef::String, _) | ir::BodyKind::Form(TypeRef::String) => "\"text\"".to_owned(),
            kind => {
                let sample = match kind {
                    ir::BodyKind::Json(ty, _) | ir::BodyKind::Form(ty) => sample_value(module, &runtime, ty, "body", 0),
                    ir::BodyKind::Multipart(m) => sample_multipart(module, &runtime, m),
                    _ => None,
                };
                match sample {
                    Some(sample) => shown.push(format!("let body = {sample};")),
                    None => hidden.push("# let body = todo!();".to_owned()),
                }
                "&body".to_owned()
            }
        };
        args.push(if body.required { value } else { format!("Some({value})") });
    }
    if let Some(options) = &op.names.options {
        args.push(format!("&{options}::default()"));
    }
    let mut lines = vec![
        String::new(),
        " # Example".to_owned(),
        String::new(),
        " ```no_run".to_owned(),
        format!(" # async fn example(client: &{}::Client) -> Result<(), Box<dyn std::error::Error>> {{", module.path),
        format!(" # use {}::*;", module.path),
    ];
    lines.extend(hidden.iter().chain(&shown).map(|line| format!(" {line}")));
    lines.push(format!(" let response = client.{method_name}({}).await?;", args.join(", ")));
    lines.push(" println!(\"{}\", response.status);".to_owned());
    lines.push(" # Ok(())".to_owned());
    lines.push(" # }".to_owned());
    lines.push(" ```".to_owned());
    quote! { #( #[doc = #lines] )* }
}

/// A sample argument for a parameter of a scalar type (its wire name for
/// a string), or `None` when the type takes more than a literal.
pub(in crate::emit) fn scalar_sample(p: &ir::Param, runtime: &str) -> Option<String> {
    match &p.ty {
        TypeRef::String | TypeRef::Bytes => Some(format!("{:?}", p.wire_name)),
        TypeRef::Bool => Some("true".to_owned()),
        TypeRef::I32 | TypeRef::I64 | TypeRef::U64 => Some("1".to_owned()),
        TypeRef::F32 | TypeRef::F64 => Some("1.0".to_owned()),
        TypeRef::StringBool => Some(format!("{runtime}::StringBool(true)")),
        TypeRef::Vec(_) => Some("&[]".to_owned()),
        _ => None,
    }
}

/// How an example builds a value of the named type, when it can without
/// guessing: `types::X::default()` for a struct whose fields are all
/// optional, `types::X::new(..)` with a sample of each required field (two
/// levels deep at most), an enum's first value.
fn sample_named(module: &ModuleContext<'_>, runtime: &str, id: ir::TypeId, depth: usize) -> Option<String> {
    let def = module.api.type_def(id);
    let name = &def.name;
    match &def.kind {
        ir::TypeKind::Struct(s) => {
            let required: Vec<&ir::Field> = s.fields.iter().filter(|f| f.required && !f.nullable).collect();
            if required.is_empty() {
                return Some(format!("types::{name}::default()"));
            }
            if depth >= 2 {
                return None;
            }
            let args = required
                .iter()
                .map(|f| sample_value(module, runtime, &f.ty, &f.wire_name, depth + 1))
                .collect::<Option<Vec<String>>>()?;
            Some(format!("types::{name}::new({})", args.join(", ")))
        }
        ir::TypeKind::Enum(e) => e.variants.first().map(|v| format!("types::{name}::{}", v.name)),
        _ => None,
    }
}

/// A sample value of a field's type (a string is its wire name), or None
/// when there is no obvious one.
fn sample_value(module: &ModuleContext<'_>, runtime: &str, ty: &TypeRef, label: &str, depth: usize) -> Option<String> {
    Some(match ty {
        TypeRef::String => format!("{label:?}.to_owned()"),
        TypeRef::Bool => "true".to_owned(),
        TypeRef::I32 | TypeRef::I64 | TypeRef::U64 => "1".to_owned(),
        TypeRef::F32 | TypeRef::F64 => "1.0".to_owned(),
        TypeRef::StringBool => format!("{runtime}::StringBool(true)"),
        TypeRef::Vec(_) => "Vec::new()".to_owned(),
        TypeRef::Map(_) | TypeRef::Json => "Default::default()".to_owned(),
        TypeRef::Named(id) => sample_named(module, runtime, *id, depth)?,
        TypeRef::Boxed(id) => format!("Box::new({})", sample_named(module, runtime, *id, depth)?),
        TypeRef::Bytes => return None,
    })
}

/// How an example builds a multipart body: `Default` when every part is
/// optional, else `new` with a sample of each required part (a file is a
/// few bytes of PDF).
fn sample_multipart(module: &ModuleContext<'_>, runtime: &str, m: &ir::Multipart) -> Option<String> {
    let name = &m.type_name;
    let required: Vec<&ir::Part> = m.parts.iter().filter(|p| p.required).collect();
    if required.is_empty() && !m.named_by_caller {
        return Some(format!("{name}::default()"));
    }
    let args = required
        .iter()
        .map(|p| match p.kind {
            ir::PartKind::File => Some(format!("{runtime}::FilePart::new(&b\"%PDF-1.7\"[..])")),
            ir::PartKind::Files => Some("Vec::new()".to_owned()),
            _ => sample_value(module, runtime, &p.ty, &p.wire_name, 1),
        })
        .collect::<Option<Vec<String>>>()?;
    let part_name = if m.named_by_caller { "\"file\", " } else { "" };
    Some(format!("{name}::new({part_name}{})", args.join(", ")))
}
