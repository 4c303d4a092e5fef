//! Field checks behind every `validate()` of the contract. Each mirrors a constraint written in
//! `hub/openapi.yaml` (lengths count Unicode scalar values, as JSON Schema does), so that what the
//! document promises, what the hub enforces and what the kiosk checks before queueing cannot drift apart.

use crate::limits::Chars;

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

/// `minLength`/`maxLength` in code points.
pub fn length(field: &str, value: &str, bounds: Chars) -> Checked {
    let n = value.chars().count();
    if n < bounds.min || n > bounds.max {
        return Err(invalid(field, format!("a string of {} to {} characters", bounds.min, bounds.max)));
    }
    Ok(())
}

/// Terminal ids: `^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`.
pub fn is_terminal_id(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 64
        && b[0].is_ascii_alphanumeric()
        && b.iter().all(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'-'))
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
        && is_date(&s[..10])
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
        assert!(is_terminal_id("SF-QST-01") && !is_terminal_id("-x") && !is_terminal_id("a b"));
        assert!(
            is_slip_token("k3vq7mzp2xw5ra4ty6nb") && !is_slip_token("short") && !is_slip_token("k3vq7mzp2xw5ra4t/6nb")
        );
        let two = Chars { min: 1, max: 2 };
        assert!(
            length("f", "张三", two).is_ok() && length("f", "张三丰", two).is_err() && length("f", "", two).is_err()
        );
        assert_eq!(range("score", 6, 1, 5).unwrap_err().to_string(), "score: expected an integer from 1 to 5");
    }
}
