//! ZIP archives of stored (uncompressed) files, written by hand: what
//! `file_type=zip` downloads give, one PDF per document.

/// The CRC-32 (IEEE, as ZIP uses it) of `data`.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

/// A ZIP archive holding `files` (name, contents) in order, stored without
/// compression, names marked as UTF-8, dated 1980-01-01.
pub(crate) fn stored_zip(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    const VERSION: u16 = 20;
    const UTF8_NAMES: u16 = 1 << 11;
    const DOS_DATE: u16 = (1 << 5) | 1; // 1980-01-01
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, data) in files {
        let offset = out.len() as u32;
        let (crc, size, name_len) = (crc32(data), data.len() as u32, name.len() as u16);
        // Local file header.
        out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        for half in [VERSION, UTF8_NAMES, 0, 0, DOS_DATE] {
            out.extend_from_slice(&half.to_le_bytes());
        }
        for word in [crc, size, size] {
            out.extend_from_slice(&word.to_le_bytes());
        }
        out.extend_from_slice(&name_len.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(data);
        // Its central directory entry.
        central.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        for half in [VERSION, VERSION, UTF8_NAMES, 0, 0, DOS_DATE] {
            central.extend_from_slice(&half.to_le_bytes());
        }
        for word in [crc, size, size] {
            central.extend_from_slice(&word.to_le_bytes());
        }
        for half in [name_len, 0, 0, 0, 0] {
            central.extend_from_slice(&half.to_le_bytes());
        }
        central.extend_from_slice(&0u32.to_le_bytes());
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(name.as_bytes());
    }
    let (central_offset, central_size, count) = (out.len() as u32, central.len() as u32, files.len() as u16);
    out.extend_from_slice(&central);
    // End of central directory.
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    for half in [0, 0, count, count] {
        out.extend_from_slice(&half.to_le_bytes());
    }
    out.extend_from_slice(&central_size.to_le_bytes());
    out.extend_from_slice(&central_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

/// A file name for a document: the last segment of its name or URL,
/// without a query, ending in `.pdf`, made unique among `taken`.
pub(crate) fn file_name(document: &str, taken: &[String]) -> String {
    let base = document.split(['?', '#']).next().unwrap_or_default().trim_end_matches('/');
    let base = base.rsplit(['/', '\\']).next().unwrap_or_default().replace(':', "-");
    let base = if base.is_empty() { "document".to_owned() } else { base };
    let stem = base.strip_suffix(".pdf").unwrap_or(&base).to_owned();
    let mut name = format!("{stem}.pdf");
    let mut n = 1;
    while taken.contains(&name) {
        n += 1;
        name = format!("{stem} ({n}).pdf");
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_checksum_is_crc32() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
    }

    #[test]
    fn the_archive_lists_each_file_where_it_is() {
        let files = vec![("a.pdf".to_owned(), b"first".to_vec()), ("b.pdf".to_owned(), b"second!".to_vec())];
        let zip = stored_zip(&files);
        assert!(zip.starts_with(b"PK\x03\x04"));
        let end = zip.len() - 22;
        assert_eq!(&zip[end..end + 4], b"PK\x05\x06");
        let word = |at: usize| u32::from_le_bytes(zip[at..at + 4].try_into().unwrap()) as usize;
        let half = |at: usize| u16::from_le_bytes(zip[at..at + 2].try_into().unwrap()) as usize;
        assert_eq!(half(end + 10), 2, "two entries");
        let mut entry = word(end + 16);
        assert_eq!(word(end + 12), end - entry, "the directory ends where the end record starts");
        for (name, data) in &files {
            assert_eq!(&zip[entry..entry + 4], b"PK\x01\x02");
            let (size, name_len, local) = (word(entry + 24), half(entry + 28), word(entry + 42));
            assert_eq!(&zip[entry + 46..entry + 46 + name_len], name.as_bytes());
            assert_eq!(size, data.len());
            assert_eq!(word(entry + 16), crc32(data) as usize);
            assert_eq!(&zip[local..local + 4], b"PK\x03\x04");
            let start = local + 30 + half(local + 26);
            assert_eq!(&zip[start..start + size], &data[..]);
            entry += 46 + name_len;
        }
    }

    #[test]
    fn documents_get_unique_pdf_names() {
        let mut taken = Vec::new();
        for document in
            ["contract.pdf", "https://example.com/files/contract.pdf?x=1", "template:tpl-1", "notes.docx", ""]
        {
            let name = file_name(document, &taken);
            taken.push(name);
        }
        assert_eq!(taken, ["contract.pdf", "contract (2).pdf", "template-tpl-1.pdf", "notes.docx.pdf", "document.pdf"]);
    }
}
