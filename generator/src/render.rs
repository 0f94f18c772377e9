//! Stage 4, render: token streams -> formatted text with the `@generated`
//! banner. The only place text formatting happens.
//!
//! A file is printed item by item: emit hands each item (or a short run of
//! them) to a [`Printer`] as soon as it is made, and the printer formats it
//! at once with prettyplease and keeps only the text. So at any moment one
//! item's tokens and syntax tree are alive, never the whole file's, and the
//! memory a module costs is its text (a file of a million lines as one
//! token stream and one `syn` tree took gigabytes).

use proc_macro2::TokenStream;

/// The item that stands in for a macro invocation while an item is
/// formatted (see [`Printer::push`]).
const PLACEHOLDER: &str = "__ESIGN_MACRO_BODY_";

/// The type an `impl` block's items are formatted inside (see
/// [`Printer::impl_items`]).
const IMPL_HOST: &str = "__EsignImplHost";

/// A Rust file being printed: text so far, and the first formatting
/// failure (which can only be a generator bug).
#[derive(Debug, Default)]
pub struct Printer {
    out: String,
    error: Option<String>,
}

impl Printer {
    /// An empty file.
    pub fn new() -> Printer {
        Printer::default()
    }

    /// Formats `tokens` (inner attributes, at the start of a file, then
    /// items) and appends the text.
    ///
    /// prettyplease prints a macro invocation's body as a flat run of
    /// tokens. The generator's item macros (`open_enum! { pub enum ... }`)
    /// take a body that is itself an item, so such bodies are formatted as
    /// items and put back inside the invocation.
    pub fn push(&mut self, tokens: TokenStream) {
        if tokens.is_empty() {
            return;
        }
        let mut file: syn::File = match syn::parse2(tokens) {
            Ok(file) => file,
            Err(err) => return self.not_rust(&err),
        };
        let mut bodies = Vec::new();
        for item in &mut file.items {
            let syn::Item::Macro(invocation) = item else { continue };
            if invocation.ident.is_some() || !invocation.attrs.is_empty() {
                continue;
            }
            let Ok(inner) = syn::parse2::<syn::Item>(invocation.mac.tokens.clone()) else { continue };
            let path: Vec<String> = invocation.mac.path.segments.iter().map(|s| s.ident.to_string()).collect();
            let prefix = if invocation.mac.path.leading_colon.is_some() { "::" } else { "" };
            let body = prettyplease::unparse(&syn::File { shebang: None, attrs: Vec::new(), items: vec![inner] });
            let name = quote::format_ident!("{PLACEHOLDER}{}", bodies.len());
            bodies.push((format!("{prefix}{}", path.join("::")), body));
            *item = syn::parse_quote!(const #name: () = (););
        }
        let printed = prettyplease::unparse(&file);
        drop(file);
        if bodies.is_empty() {
            self.out.push_str(&printed);
            return;
        }
        for line in printed.split_inclusive('\n') {
            let index = line
                .strip_prefix("const ")
                .and_then(|l| l.strip_prefix(PLACEHOLDER))
                .and_then(|l| l.strip_suffix(": () = ();\n"))
                .and_then(|i| i.parse::<usize>().ok());
            match index.and_then(|i| bodies.get(i)) {
                Some((path, inner)) => {
                    self.out.push_str(path);
                    self.out.push_str("! {\n");
                    for inner_line in inner.lines() {
                        if !inner_line.is_empty() {
                            self.out.push_str("    ");
                            self.out.push_str(inner_line);
                        }
                        self.out.push('\n');
                    }
                    self.out.push_str("}\n");
                }
                None => self.out.push_str(line),
            }
        }
    }

    /// Appends text the emitter wrote itself (an enum of thousands of
    /// values costs far less as text than as tokens).
    pub fn text(&mut self, text: &str) {
        self.out.push_str(text);
    }

    /// Opens an `impl` block: `header` is its first line without the brace
    /// (`impl Client`). Close it with [`Printer::close_impl`].
    pub fn open_impl(&mut self, header: &str) {
        self.out.push_str(header);
        self.out.push_str(" {\n");
    }

    /// Formats associated items (methods, constants) inside the open
    /// `impl` block: as the body of an `impl` of a stand-in type, whose
    /// first and last lines are then dropped, so they print as they would
    /// among all the block's items.
    pub fn impl_items(&mut self, tokens: TokenStream) {
        if tokens.is_empty() {
            return;
        }
        let host = quote::format_ident!("{IMPL_HOST}");
        let item: syn::ItemImpl = match syn::parse2(quote::quote!(impl #host { #tokens })) {
            Ok(item) => item,
            Err(err) => return self.not_rust(&err),
        };
        let printed = prettyplease::unparse(&syn::File { shebang: None, attrs: Vec::new(), items: vec![item.into()] });
        let body = printed.strip_prefix(&format!("impl {IMPL_HOST} {{\n")).and_then(|rest| rest.strip_suffix("}\n"));
        match body {
            Some(body) => self.out.push_str(body),
            None => self.fail(
                "internal error: an impl block's items printed in an unexpected form; please report this".to_owned(),
            ),
        }
    }

    /// Closes the block [`Printer::open_impl`] opened.
    pub fn close_impl(&mut self) {
        self.out.push_str("}\n");
    }

    /// The text so far, or the first failure.
    pub fn into_text(self) -> Result<String, String> {
        match self.error {
            Some(error) => Err(error),
            None => Ok(self.out),
        }
    }

    /// The whole file: the banner, then the text. Fails only if the
    /// emitter produced tokens that are not Rust, which is a generator bug;
    /// the message says so instead of panicking.
    pub fn finish(self, banner: &str) -> Result<String, String> {
        let text = self.into_text()?;
        let mut out = String::with_capacity(text.len() + banner.len() + 8);
        out.push_str("// ");
        out.push_str(banner);
        out.push_str("\n\n");
        out.push_str(&text);
        Ok(out)
    }

    /// Records a failure (the first one is kept and reported by
    /// [`Printer::finish`]).
    pub fn fail(&mut self, message: String) {
        self.error.get_or_insert(message);
    }

    fn not_rust(&mut self, err: &syn::Error) {
        self.fail(format!("internal error: the emitted code does not parse ({err}); please report this"));
    }
}

/// Formats a whole file's tokens and puts the banner on top (for the small
/// files, such as `lib.rs`, that are emitted in one piece).
pub fn rust_file(tokens: TokenStream, banner: &str) -> Result<String, String> {
    let mut printer = Printer::new();
    printer.push(tokens);
    printer.finish(banner)
}

/// The banner line for a file generated from `source` by `command`.
pub fn banner(command: &str, source: &str) -> String {
    format!("@generated by `{command}` from {source}. Do not edit.")
}
