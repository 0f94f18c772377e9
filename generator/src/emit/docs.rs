//! Spec prose -> `#[doc]` attributes that rustdoc renders as written.

use proc_macro2::TokenStream;
use quote::quote;

/// One `#[doc = "..."]` per line; outer attributes.
pub fn outer(text: &str) -> TokenStream {
    let lines = lines(text);
    quote! { #( #[doc = #lines] )* }
}

/// One `#![doc = "..."]` per line; inner attributes (module docs).
pub fn inner(text: &str) -> TokenStream {
    let lines = lines(text);
    quote! { #( #![doc = #lines] )* }
}

/// Joins paragraphs, skipping empty ones.
pub fn paragraphs<'a>(parts: impl IntoIterator<Item = &'a str>) -> String {
    let parts: Vec<&str> = parts.into_iter().map(str::trim).filter(|p| !p.is_empty()).collect();
    parts.join("\n\n")
}

/// Markdown lines ready for rustdoc: code fences and indented code blocks
/// become `text` fences (so rustdoc runs nothing as a doctest), bare URLs
/// get `<>`, and brackets that are not links are escaped. Each line starts
/// with a space, as `///` comments do.
pub fn lines(text: &str) -> Vec<String> {
    // A carriage return on its own ends a line too (rustdoc refuses a bare
    // CR inside a doc comment).
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    // Tabs as spaces, to the next multiple of four (clippy refuses tabs in
    // doc comments; indentation keeps its meaning).
    let text = if text.contains('\t') { text.lines().map(expand_tabs).collect::<Vec<_>>().join("\n") } else { text };
    let text = text.trim();
    let mut out = Vec::new();
    let mut in_fence = false;
    // The column where the text of the current list item starts.
    let mut list_content: Option<usize> = None;
    // The same, kept across blank lines while the item goes on: a line
    // indented past it continues the item rather than starting code.
    let mut open_list: Option<usize> = None;
    // Inside an indented code block: the blank lines not yet written (they
    // may be the block's or come after it).
    let mut indented: Option<usize> = None;
    for raw in text.lines() {
        let line = raw.trim_end();
        let trimmed = line.trim_start();
        let columns = indent_columns(line);
        if let Some(blanks) = indented {
            if line.is_empty() {
                indented = Some(blanks + 1);
                continue;
            }
            if columns >= 4 {
                out.extend(std::iter::repeat_n(String::new(), blanks));
                out.push(format!(" {}", strip_columns(line, 4)));
                indented = Some(0);
                continue;
            }
            out.push(" ```".to_owned());
            out.extend(std::iter::repeat_n(String::new(), blanks));
            indented = None;
        }
        if !in_fence
            && !trimmed.is_empty()
            && !trimmed.starts_with("```")
            && columns >= open_list.unwrap_or(0) + 4
            && out.last().is_none_or(String::is_empty)
        {
            // An indented code block (it cannot interrupt a paragraph).
            out.push(" ```text".to_owned());
            out.push(format!(" {}", strip_columns(line, open_list.unwrap_or(0) + 4)));
            indented = Some(0);
            continue;
        }
        if trimmed.starts_with("```") {
            if in_fence {
                in_fence = false;
                out.push(format!(" {line}"));
            } else {
                in_fence = true;
                let indent = &line[..line.len() - trimmed.len()];
                out.push(format!(" {indent}```text"));
            }
            continue;
        }
        if in_fence {
            out.push(format!(" {line}"));
            continue;
        }
        if line.is_empty() {
            list_content = None;
            out.push(String::new());
            continue;
        }
        let indent = line.len() - trimmed.len();
        if open_list.is_some_and(|column| columns < column) && list_marker(trimmed).is_none() {
            open_list = None;
        }
        let line = match (list_marker(trimmed), list_content) {
            (Some(marker), _) => {
                list_content = Some(indent + marker);
                open_list = list_content;
                line.to_owned()
            }
            // A line that continues a list item starts where the item's
            // text does (rustdoc would otherwise read it lazily, or as code).
            (None, Some(column)) => format!("{}{trimmed}", " ".repeat(column)),
            (None, None) => line.to_owned(),
        };
        out.push(format!(" {}", prose_line(&line)));
    }
    if in_fence || indented.is_some() {
        out.push(" ```".to_owned());
    }
    out
}

/// The line with each tab replaced by the spaces up to the next multiple
/// of four columns.
fn expand_tabs(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut column = 0;
    for c in line.chars() {
        if c == '\t' {
            let spaces = 4 - column % 4;
            out.extend(std::iter::repeat_n(' ', spaces));
            column += spaces;
        } else {
            out.push(c);
            column += 1;
        }
    }
    out
}

/// How far a line is indented, a tab counting to the next multiple of 4.
fn indent_columns(line: &str) -> usize {
    let mut columns = 0;
    for c in line.chars() {
        match c {
            ' ' => columns += 1,
            '\t' => columns += 4 - columns % 4,
            _ => break,
        }
    }
    columns
}

/// The line without its first `columns` columns of indentation.
fn strip_columns(line: &str, columns: usize) -> &str {
    let mut seen = 0;
    for (at, c) in line.char_indices() {
        if seen >= columns {
            return &line[at..];
        }
        match c {
            ' ' => seen += 1,
            '\t' => seen += 4 - seen % 4,
            _ => return &line[at..],
        }
    }
    ""
}

/// The width of a list marker and its space (`- `, `* `, `1. `), if the line starts with one.
/// The width of a list item's marker and the spaces after it (one to four,
/// as CommonMark counts them: more starts indented code in the item), which
/// is where the item's text starts.
fn list_marker(line: &str) -> Option<usize> {
    let marker = if line.starts_with("- ") || line.starts_with("* ") || line.starts_with("+ ") {
        1
    } else {
        let digits = line.bytes().take_while(u8::is_ascii_digit).count();
        if !(digits > 0 && digits < 10 && line[digits..].starts_with(". ")) {
            return None;
        }
        digits + 1
    };
    let spaces = line[marker..].bytes().take_while(|b| *b == b' ').count();
    Some(marker + if spaces > 4 { 1 } else { spaces })
}

fn prose_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut in_code = false;
    let chars: Vec<char> = line.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '`' {
            in_code = !in_code;
            out.push(c);
            i += 1;
            continue;
        }
        if in_code {
            out.push(c);
            i += 1;
            continue;
        }
        let rest: String = chars[i..].iter().take(8).collect();
        let prev = if i > 0 { Some(chars[i - 1]) } else { None };
        if (rest.starts_with("http://") || rest.starts_with("https://")) && !matches!(prev, Some('<' | '(' | '"')) {
            let end = chars[i..]
                .iter()
                .position(|c| c.is_whitespace() || matches!(c, '>' | '"' | '`'))
                .map_or(chars.len(), |p| i + p);
            let mut url: String = chars[i..end].iter().collect();
            let mut tail = String::new();
            while url.ends_with(['.', ',', ';', ':', ')', '!', '?']) {
                tail.insert(0, url.pop().unwrap_or_default());
            }
            out.push('<');
            out.push_str(&url);
            out.push('>');
            out.push_str(&tail);
            i = end;
            continue;
        }
        match c {
            '[' => {
                // A Markdown link `[text](url)` and an intra-doc link
                // ``[`Item`]`` stay; other brackets are escaped.
                let close = chars[i..].iter().position(|&c| c == ']').map(|p| i + p);
                match close {
                    Some(close) if chars.get(close + 1) == Some(&'(') => out.push('['),
                    Some(close) if chars.get(i + 1) == Some(&'`') && close > i + 2 && chars[close - 1] == '`' => {
                        let link: String = chars[i..=close].iter().collect();
                        out.push_str(&link);
                        i = close + 1;
                        continue;
                    }
                    _ => out.push_str("\\["),
                }
            }
            ']' => {
                if chars.get(i + 1) == Some(&'(') {
                    out.push(']');
                } else {
                    out.push_str("\\]");
                }
            }
            _ => out.push(c),
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::lines;

    #[test]
    fn tabs_become_spaces_and_items_continue_where_their_text_starts() {
        assert_eq!(lines("| a\t| b |"), [" | a | b |"]);
        assert_eq!(lines("Rules:\n  *  first line\n    goes on"), [" Rules:", "   *  first line", "      goes on"]);
    }

    #[test]
    fn a_bare_carriage_return_ends_a_line() {
        assert_eq!(
            lines("a Location header to query the\r operation"),
            [" a Location header to query the", "  operation"]
        );
        assert_eq!(lines("one\r\ntwo"), [" one", " two"]);
    }

    #[test]
    fn an_indented_block_after_a_blank_line_becomes_a_text_fence() {
        let text = "For example:\n\n    WARNING: image:tag [x]\n      more\n\n    last\n\nAfter.";
        assert_eq!(
            lines(text),
            [" For example:", "", " ```text", " WARNING: image:tag [x]", "   more", "", " last", " ```", "", " After."]
        );
    }

    #[test]
    fn indentation_inside_a_paragraph_or_a_list_item_is_not_code() {
        let text = "A paragraph\n    goes on here.\n\n- item\n\n  still the item [y]\n\n      code in the item";
        assert_eq!(
            lines(text),
            [
                " A paragraph",
                "     goes on here.",
                "",
                " - item",
                "",
                "   still the item \\[y\\]",
                "",
                " ```text",
                " code in the item",
                " ```"
            ]
        );
    }

    #[test]
    fn a_block_at_the_end_is_closed_and_fences_stay_text() {
        assert_eq!(lines("Run:\n\n\tmake all"), [" Run:", "", " ```text", " make all", " ```"]);
        assert_eq!(lines("```\nfn x\n```"), [" ```text", " fn x", " ```"]);
    }
}
