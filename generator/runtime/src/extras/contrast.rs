//! The white-labelling colour-contrast check (feature `contrast`): WCAG 2
//! contrast ratios between the colours a request sets, inherits or leaves
//! at their defaults.

use crate::validate::{join_path, Violation};

/// Colour contrast rules (`x-esign-contrast`), resolved by [`check_contrast`].
#[derive(Clone, Copy, Debug)]
pub struct ContrastRules<'a> {
    /// Element, its value if set, its default.
    pub colors: &'a [(&'a str, Option<&'a str>, Option<&'a str>)],
    /// Elements that cannot be set, with their colour.
    pub fixed: &'a [(&'a str, &'a str)],
    /// Element -> the element it inherits from when unset.
    pub inherit: &'a [(&'a str, &'a str)],
    /// Element -> the elements it must contrast with.
    pub pairs: &'a [(&'a str, &'a [&'a str])],
    /// The minimum contrast ratio.
    pub minimum: f64,
}

/// A six-digit hex colour (`#1A1A1A` or `1A1A1A`) as 0-255 channels.
pub fn parse_hex_color(text: &str) -> Option<[u8; 3]> {
    let hex = text.strip_prefix('#').unwrap_or(text);
    if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let channel = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
    Some([channel(0)?, channel(2)?, channel(4)?])
}

/// WCAG 2 relative luminance of a colour.
pub fn relative_luminance(rgb: [u8; 3]) -> f64 {
    let linear = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.03928 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * linear(rgb[0]) + 0.7152 * linear(rgb[1]) + 0.0722 * linear(rgb[2])
}

/// WCAG 2 contrast ratio of two colours, from 1 to 21.
pub fn contrast_ratio(a: [u8; 3], b: [u8; 3]) -> f64 {
    let (la, lb) = (relative_luminance(a), relative_luminance(b));
    let (light, dark) = if la >= lb { (la, lb) } else { (lb, la) };
    (light + 0.05) / (dark + 0.05)
}

/// Checks every pair of the rules against the effective colours: a set
/// value, else the element it inherits from, else its default, or the fixed
/// colour. Pairs involving a colour that does not parse are skipped (the
/// pattern check reports it).
pub fn check_contrast(rules: &ContrastRules<'_>, at: &str, out: &mut Vec<Violation>, code: Option<&str>) {
    fn effective<'a>(rules: &ContrastRules<'a>, element: &str, depth: usize) -> Option<&'a str> {
        if depth > 8 {
            return None;
        }
        if let Some((_, color)) = rules.fixed.iter().find(|(name, _)| *name == element) {
            return Some(color);
        }
        let (_, set, default) = rules.colors.iter().find(|(name, _, _)| *name == element)?;
        if let Some(set) = set {
            return Some(set);
        }
        match rules.inherit.iter().find(|(name, _)| *name == element) {
            Some((_, from)) => effective(rules, from, depth + 1),
            None => *default,
        }
    }
    for (element, others) in rules.pairs {
        let Some(color) = effective(rules, element, 0).and_then(parse_hex_color) else { continue };
        for other in *others {
            let Some(against) = effective(rules, other, 0).and_then(parse_hex_color) else { continue };
            let ratio = contrast_ratio(color, against);
            if ratio < rules.minimum {
                let message =
                    format!("contrast ratio {ratio:.2} with `{other}` is less than the minimum {}", rules.minimum);
                out.push(Violation::new(&join_path(at, element), "contrast", message, code));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_colors_need_six_digits() {
        assert_eq!(parse_hex_color("#1A1A1A"), Some([26, 26, 26]));
        assert_eq!(parse_hex_color("ff8000"), Some([255, 128, 0]));
        assert_eq!(parse_hex_color("#fff"), None);
        assert_eq!(parse_hex_color("#GGGGGG"), None);
        assert_eq!(parse_hex_color("\u{e9}\u{e9}\u{e9}"), None, "six bytes that are not digits");
        assert_eq!(parse_hex_color("##123456"), None);
    }

    #[test]
    fn ratios_follow_wcag() {
        let (black, white) = ([0, 0, 0], [255, 255, 255]);
        assert_eq!(relative_luminance(black), 0.0);
        assert!((relative_luminance(white) - 1.0).abs() < 1e-9);
        assert!((contrast_ratio(black, white) - 21.0).abs() < 1e-9);
        assert_eq!(contrast_ratio(white, black), contrast_ratio(black, white));
        assert!((contrast_ratio([0x77, 0x77, 0x77], white) - 4.48).abs() < 0.01);
        assert_eq!(contrast_ratio([10, 20, 30], [10, 20, 30]), 1.0);
    }

    #[test]
    fn pairs_use_set_inherited_default_or_fixed_colours() {
        let colors = [
            ("page_background_color", None, Some("#FFFFFF")),
            ("header_background_color", Some("#EEEEEE"), Some("#1A1A1A")),
            ("text_color1", None, Some("#000000")),
            ("text_color2", None, Some("#808080")),
            ("link_color", Some("not a colour"), None),
        ];
        let rules = ContrastRules {
            colors: &colors,
            fixed: &[("legal_text", "#FFFFFF")],
            inherit: &[("text_color2", "header_background_color")],
            pairs: &[
                ("header_background_color", &["legal_text", "text_color1"]),
                ("text_color2", &["page_background_color"]),
                ("link_color", &["page_background_color"]),
                ("unknown_element", &["page_background_color"]),
            ],
            minimum: 4.5,
        };
        let mut out = Vec::new();
        check_contrast(&rules, "white_labeling_options", &mut out, Some("contrast"));
        let found: Vec<&str> = out.iter().map(|v| v.path.as_str()).collect();
        // The header against the fixed legal text, and text_color2 (which
        // inherits #EEEEEE) against the page; the unparseable link colour
        // and the unknown element are skipped.
        assert_eq!(found, ["white_labeling_options.header_background_color", "white_labeling_options.text_color2"]);
        assert!(out[0].message.starts_with("contrast ratio 1.16 with `legal_text` is less than the minimum 4.5"));
        assert!(out.iter().all(|v| v.rule == "contrast" && v.code.as_deref() == Some("contrast")));
    }

    #[test]
    fn inheritance_cycles_end() {
        let colors = [("a", None, None), ("b", None, None)];
        let rules = ContrastRules {
            colors: &colors,
            fixed: &[],
            inherit: &[("a", "b"), ("b", "a")],
            pairs: &[("a", &["b"])],
            minimum: 4.5,
        };
        let mut out = Vec::new();
        check_contrast(&rules, "", &mut out, None);
        assert!(out.is_empty());
    }
}
