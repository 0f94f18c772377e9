//! The documents the simulator hands out: a real, minimal PDF (one page of
//! Helvetica text), written by hand so that any PDF reader opens it.

/// A one-page PDF (US Letter) showing `lines` from the top, the first one
/// larger. Characters outside printable ASCII are written as `?`.
pub fn one_page_pdf(lines: &[String]) -> Vec<u8> {
    let mut content = String::from("BT\n/F1 18 Tf\n72 720 Td\n");
    for (i, line) in lines.iter().enumerate() {
        if i == 1 {
            content.push_str("/F1 11 Tf\n");
        }
        if i > 0 {
            content.push_str(if i == 1 { "0 -30 Td\n" } else { "0 -16 Td\n" });
        }
        content.push('(');
        for c in line.chars() {
            match c {
                '(' | ')' | '\\' => {
                    content.push('\\');
                    content.push(c);
                }
                ' '..='~' => content.push(c),
                _ => content.push('?'),
            }
        }
        content.push_str(") Tj\n");
    }
    content.push_str("ET\n");

    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>"
            .to_owned(),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
        format!("<< /Length {} >>\nstream\n{content}endstream", content.len()),
    ];
    // The header's second line marks the file as binary, as the format advises.
    let mut pdf: Vec<u8> = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::with_capacity(objects.len());
    for (i, object) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n{object}\nendobj\n", i + 1).as_bytes());
    }
    let xref = pdf.len();
    let mut table = format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1);
    for offset in offsets {
        // Each entry is exactly 20 bytes, its end of line included.
        table.push_str(&format!("{offset:010} 00000 n \n"));
    }
    table.push_str(&format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1));
    pdf.extend_from_slice(table.as_bytes());
    pdf
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cross_reference_table_points_at_each_object() {
        let pdf = one_page_pdf(&["Title (draft)".to_owned(), "Signed by Jöhn".to_owned()]);
        assert!(pdf.starts_with(b"%PDF-1.4\n"));
        assert!(pdf.ends_with(b"%%EOF\n"));
        // Everything after the binary header line is ASCII.
        let header = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".len();
        let text = String::from_utf8(pdf[header..].to_vec()).unwrap();
        assert!(text.contains("(Title \\(draft\\)) Tj"), "{text}");
        assert!(text.contains("(Signed by J?hn) Tj"), "{text}");
        let startxref: usize = text.rsplit("startxref\n").next().unwrap().lines().next().unwrap().parse().unwrap();
        assert!(pdf[startxref..].starts_with(b"xref\n0 6\n"));
        let entries: Vec<&str> = text[startxref - header..].lines().skip(3).take(5).collect();
        for (i, entry) in entries.iter().enumerate() {
            let offset: usize = entry[..10].parse().unwrap();
            assert!(pdf[offset..].starts_with(format!("{} 0 obj\n", i + 1).as_bytes()), "object {}", i + 1);
        }
        // The stream's declared length is its length.
        let length: usize = text.split("/Length ").nth(1).unwrap().split(' ').next().unwrap().parse().unwrap();
        let start = text.find("stream\n").unwrap() + "stream\n".len();
        assert_eq!(&text[start + length..start + length + "endstream".len()], "endstream");
    }
}
