//! Field checks behind every `validate()` of the contract. Each mirrors a constraint written in
//! `hub/openapi.yaml` (lengths count Unicode scalar values, as JSON Schema does), so that what the
//! document promises, what the hub enforces and what the kiosk checks before queueing cannot drift apart.

use crate::limits::Chars;
use crate::CardType;

/// A rule violation: the JSON path of the field and what was expected there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub field: String,
    pub expected: String,
}

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: expected {}", self.field, self.expected)
    }
}

impl std::error::Error for Invalid {}

pub type Checked = Result<(), Invalid>;

pub fn invalid(field: &str, expected: impl Into<String>) -> Invalid {
    Invalid { field: field.to_string(), expected: expected.into() }
}

/// `minLength`/`maxLength` in code points, and no NUL character (see [`without_nul`]).
pub fn length(field: &str, value: &str, bounds: Chars) -> Checked {
    let n = value.chars().count();
    if n < bounds.min || n > bounds.max {
        return Err(invalid(field, format!("a string of {} to {} characters", bounds.min, bounds.max)));
    }
    without_nul(field, value)
}

/// No U+0000 in a text: PostgreSQL cannot store one in a text column (the hub on PostgreSQL answered
/// 500 to it, and a kiosk retries a 5xx for ever), and no resident types one.
pub fn without_nul(field: &str, value: &str) -> Checked {
    if value.contains('\0') {
        return Err(invalid(field, "text without the NUL character (U+0000)"));
    }
    Ok(())
}

/// Terminal ids: `^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$` (a code of at most 64 characters).
pub fn is_terminal_id(s: &str) -> bool {
    s.len() <= 64 && is_code(s)
}

pub fn terminal_id(field: &str, s: &str) -> Checked {
    if is_terminal_id(s) {
        Ok(())
    } else {
        Err(invalid(field, "a terminal id matching ^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"))
    }
}

/// Slip tokens (the opaque QR token): `^[A-Za-z0-9_-]{16,128}$`.
pub fn is_slip_token(s: &str) -> bool {
    (16..=128).contains(&s.len()) && s.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-')
}

pub fn slip_token(field: &str, s: &str) -> Checked {
    if is_slip_token(s) {
        Ok(())
    } else {
        Err(invalid(field, "a token matching ^[A-Za-z0-9_-]{16,128}$"))
    }
}

/// A hyphenated UUID (`format: uuid`), any case: `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`.
pub fn is_uuid(s: &str) -> bool {
    s.len() == 36
        && s.bytes()
            .enumerate()
            .all(|(i, c)| if matches!(i, 8 | 13 | 18 | 23) { c == b'-' } else { c.is_ascii_hexdigit() })
}

pub fn uuid(field: &str, s: &str) -> Checked {
    if is_uuid(s) {
        Ok(())
    } else {
        Err(invalid(field, "a UUID like 0b6f1c52-8d3e-4a47-9c1e-2f5d7a9b3c10"))
    }
}

/// `format: date`: exactly `YYYY-MM-DD`, a real calendar day.
pub fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b.iter().enumerate().all(|(i, c)| if i == 4 || i == 7 { *c == b'-' } else { c.is_ascii_digit() })
        && chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok()
}

pub fn date(field: &str, s: &str) -> Checked {
    if is_date(s) {
        Ok(())
    } else {
        Err(invalid(field, "a date YYYY-MM-DD"))
    }
}

/// `format: date-time`: RFC 3339 with a `T` separator and an offset (`Z` or `±hh:mm`).
pub fn is_date_time(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 20
        // `get`: the tenth byte may fall inside a character (`2026-11-2Ϋ…`, found by fuzzing).
        && s.get(..10).is_some_and(is_date)
        && matches!(b[10], b'T' | b't')
        && b[11..].iter().all(|c| c.is_ascii_graphic())
        && chrono::DateTime::parse_from_rfc3339(s).is_ok()
}

pub fn date_time(field: &str, s: &str) -> Checked {
    if is_date_time(s) {
        Ok(())
    } else {
        Err(invalid(field, "an RFC 3339 date-time like 2026-11-22T09:41:00+08:00"))
    }
}

/// The form of codes (`acceptance_no`, `item_code`): a letter or digit, then letters, digits, `.`, `_`
/// or `-` (the length bounds are the field's).
pub const CODE_PATTERN: &str = "^[A-Za-z0-9][A-Za-z0-9._-]*$";

pub fn is_code(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b[0].is_ascii_alphanumeric()
        && b.iter().all(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'-'))
}

/// A code of `bounds` characters matching [`CODE_PATTERN`].
pub fn code(field: &str, s: &str, bounds: Chars) -> Checked {
    length(field, s, bounds)?;
    if is_code(s) {
        Ok(())
    } else {
        Err(invalid(field, format!("a code matching {CODE_PATTERN}")))
    }
}

/// The form of pickup codes: letters and digits (the kiosk prints six).
pub const PICKUP_CODE_PATTERN: &str = "^[A-Za-z0-9]+$";

pub fn pickup_code(field: &str, s: &str, bounds: Chars) -> Checked {
    length(field, s, bounds)?;
    if s.bytes().all(|c| c.is_ascii_alphanumeric()) {
        Ok(())
    } else {
        Err(invalid(field, format!("a pickup code matching {PICKUP_CODE_PATTERN}")))
    }
}

const GB11643_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const GB11643_CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// The GB 11643 check character for the first 17 digits of an ID number; `None` if they are not
/// 17 ASCII digits.
pub fn gb11643_check_char(first17: &str) -> Option<char> {
    let digits: Vec<u32> = first17.chars().map(|c| c.to_digit(10)).collect::<Option<_>>()?;
    if digits.len() != 17 || !first17.is_ascii() {
        return None;
    }
    let sum: u32 = digits.iter().zip(GB11643_WEIGHTS).map(|(d, w)| d * w).sum();
    Some(GB11643_CHECK[(sum % 11) as usize])
}

/// Whether an 18-character number (17 digits and a check digit, `X` in either case) passes GB 11643.
pub fn gb11643_is_valid(id: &str) -> bool {
    if id.len() != 18 || !id.is_ascii() {
        return false;
    }
    let (first17, last) = id.split_at(17);
    match (gb11643_check_char(first17), last.chars().next()) {
        (Some(expected), Some(actual)) => expected == actual.to_ascii_uppercase(),
        _ => false,
    }
}

/// ID number validation by card type, the kiosk's rule when it reads a card: GB 11643 for 18-character
/// numbers (all resident and 'J' cards, 2023-format foreign cards); for 15-character foreign permits
/// (three capital letters, twelve digits) only the format is checked.
pub fn id_number_is_valid(card_type: CardType, id: &str) -> bool {
    if gb11643_is_valid(id) {
        return true;
    }
    card_type == CardType::Foreign
        && id.len() == 15
        && id.is_ascii()
        && id[..3].bytes().all(|b| b.is_ascii_uppercase())
        && id[3..].bytes().all(|b| b.is_ascii_digit())
}

pub fn id_number(field: &str, card_type: CardType, id: &str) -> Checked {
    if id_number_is_valid(card_type, id) {
        Ok(())
    } else if card_type == CardType::Foreign {
        Err(invalid(field, "an ID number with a valid GB 11643 check digit, or a permit number like CAN430285061201"))
    } else {
        Err(invalid(field, "an ID number with a valid GB 11643 check digit"))
    }
}

/// Integer range.
pub fn range(field: &str, value: i64, min: i64, max: i64) -> Checked {
    if value < min || value > max {
        return Err(invalid(field, format!("an integer from {min} to {max}")));
    }
    Ok(())
}

/// `maxItems` / `maxProperties`.
pub fn at_most(field: &str, count: usize, max: usize, what: &str) -> Checked {
    if count > max {
        return Err(invalid(field, format!("at most {max} {what}")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert!(is_uuid("0b6f1c52-8d3e-4a47-9c1e-2f5d7a9b3c10"));
        assert!(is_uuid("0B6F1C52-8D3E-4A47-9C1E-2F5D7A9B3C10"));
        assert!(!is_uuid("0b6f1c528d3e4a479c1e2f5d7a9b3c10"));
        assert!(!is_uuid("{b6f1c52-8d3e-4a47-9c1e-2f5d7a9b3c1}"));
        assert!(is_date("2026-02-28") && !is_date("2026-02-30") && !is_date("2026-2-28") && !is_date("+026-02-28"));
        assert!(is_date_time("2026-11-22T09:41:00+08:00") && is_date_time("2026-11-22T01:41:00.5Z"));
        assert!(!is_date_time("2026-11-22 09:41:00+08:00") && !is_date_time("2026-11-22T09:41:00"));
        // Found by the hub_bodies fuzz target: a character across the tenth byte panicked the hub's
        // handler (slicing inside 'Ϋ') instead of refusing the rating.
        assert!(!is_date_time("2026-11-2Ϋ09:43:10+08:~00") && !is_date_time("2026-11-22Ϋ9:43:10+08:00"));
        assert!(is_terminal_id("SF-QST-01") && !is_terminal_id("-x") && !is_terminal_id("a b"));
        assert!(
            is_slip_token("k3vq7mzp2xw5ra4ty6nb") && !is_slip_token("short") && !is_slip_token("k3vq7mzp2xw5ra4t/6nb")
        );
        let two = Chars { min: 1, max: 2 };
        assert!(
            length("f", "张三", two).is_ok() && length("f", "张三丰", two).is_err() && length("f", "", two).is_err()
        );
        let nul = length("note", "复印件\0已收", Chars { min: 0, max: 200 }).unwrap_err();
        assert_eq!(nul.to_string(), "note: expected text without the NUL character (U+0000)");
        assert_eq!(range("score", 6, 1, 5).unwrap_err().to_string(), "score: expected an integer from 1 to 5");
        assert!(is_code("SF-QST-01-20261122-0007") && is_code("LL0001") && is_code("a.b_c"));
        assert!(!is_code("") && !is_code("-LL") && !is_code("LL 01") && !is_code("民政01") && !is_code("LL\n"));
        let code_bounds = Chars { min: 1, max: 8 };
        assert!(code("c", "LL0001", code_bounds).is_ok() && code("c", "LL0001LL0", code_bounds).is_err());
        assert!(pickup_code("p", "482913", code_bounds).is_ok() && pickup_code("p", "48 913", code_bounds).is_err());
    }

    #[test]
    fn gb11643_check_digits() {
        assert!(gb11643_is_valid("43020419530816102X"));
        assert!(gb11643_is_valid("43020419530816102x"));
        assert!(gb11643_is_valid("430204199006120036"));
        assert!(gb11643_is_valid("11010519491231002X"));
        assert!(gb11643_is_valid("430102195303151027"));
        assert!(!gb11643_is_valid("430102195303151020"), "the old sample number had a wrong check digit");
        assert!(!gb11643_is_valid("430204199006120037"));
        assert!(!gb11643_is_valid("430202195801011027"), "the masking example is not a real number");
        assert!(!gb11643_is_valid("43020419900612003"));
        assert!(!gb11643_is_valid("4302041990061200A6"));
        assert!(!gb11643_is_valid("四30204199006120036"));
        assert!(!gb11643_is_valid("0"));
        assert_eq!(gb11643_check_char("43020419530816102"), Some('X'));
        assert_eq!(gb11643_check_char("1234"), None);
        assert!(id_number_is_valid(CardType::Foreign, "CAN430285061201"));
        assert!(!id_number_is_valid(CardType::Resident, "CAN430285061201"));
        assert!(!id_number_is_valid(CardType::Foreign, "can430285061201"));
        assert!(id_number_is_valid(CardType::HkMoTw, "810000199107150028"));
        let e = id_number("applicant.id_number", CardType::Resident, "0").unwrap_err();
        assert_eq!(e.field, "applicant.id_number");
    }
}
