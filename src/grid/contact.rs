//! The grid worker's contact as a vCard 3.0, for a QR code that a phone camera saves as a contact.

use super::model::{Located, Worker};

/// Escapes a vCard text value (RFC 2426 §5: backslash, comma, semicolon, newline).
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' | ',' | ';' => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push_str("\\n"),
            '\r' => {}
            _ => out.push(c),
        }
    }
    out
}

/// vCard 3.0 of `worker` of grid `at`: name, mobile phone, and the grid as organisation and title.
pub fn vcard(worker: &Worker, at: &Located<'_>) -> String {
    // Chinese names: the first character is the family name (compound surnames are rare; the full
    // name is in FN, which phones show).
    let mut chars = worker.name.chars();
    let family: String = chars.next().map(String::from).unwrap_or_default();
    let given: String = chars.collect();
    [
        "BEGIN:VCARD".to_string(),
        "VERSION:3.0".to_string(),
        format!("N:{};{};;;", escape(&family), escape(&given)),
        format!("FN:{}", escape(&worker.name)),
        format!("ORG:{}{}", escape(&at.community.name), escape(&at.label())),
        "TITLE:网格员".to_string(),
        format!("TEL;TYPE=CELL:{}", escape(&worker.phone)),
        "END:VCARD".to_string(),
    ]
    .join("\r\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grid::bundled;

    #[test]
    fn vcard_has_name_phone_and_grid() {
        let dir = bundled();
        let at = dir.grids().nth(1).unwrap();
        let card = vcard(&at.grid.workers[0], &at);
        assert!(card.starts_with("BEGIN:VCARD\r\nVERSION:3.0\r\n"), "{card}");
        assert!(card.contains("\r\nFN:刘演芳\r\n"), "{card}");
        assert!(card.contains("\r\nN:刘;演芳;;;\r\n"), "{card}");
        assert!(card.contains("TEL;TYPE=CELL:13807310102"), "{card}");
        assert!(card.contains("ORG:华垅社区第2网格"), "{card}");
        assert!(card.ends_with("END:VCARD"));
        assert_eq!(escape("a,b;c\\d"), "a\\,b\\;c\\\\d");
    }
}
