//! Enrolment (`POST /api/v1/enrolment`): a terminal exchanges a one-time code, issued by hub staff, for
//! its bearer token and its provisioning bundle. The only `/api/v1/` route without a token.

use serde::{Deserialize, Serialize};

use crate::validate::{self as v, Checked};

/// The digits of an enrolment code the hub issues (spaces and `-` between them are ignored).
pub const ENROLMENT_CODE_DIGITS: usize = 12;

/// The code as typed: [`ENROLMENT_CODE_DIGITS`] digits, with spaces or `-` between groups allowed;
/// `None` when it is not of that form.
pub fn normalise_enrolment_code(code: &str) -> Option<String> {
    let digits: String = code.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    (digits.len() == ENROLMENT_CODE_DIGITS && digits.bytes().all(|b| b.is_ascii_digit())).then_some(digits)
}

/// `POST /api/v1/enrolment` body.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnrolmentRequest {
    pub code: String,
}

impl std::fmt::Debug for EnrolmentRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EnrolmentRequest").field("code", &"(hidden)").finish()
    }
}

impl EnrolmentRequest {
    /// A code of the issued form (the hub answers any other as unknown, without looking it up).
    pub fn validate(&self) -> Checked {
        if self.code.chars().count() > 32 {
            return Err(v::invalid("code", "at most 32 characters"));
        }
        Ok(())
    }
}

/// The answer to an enrolment (200): the terminal's id and new token, and a provisioning bundle
/// (TOML, the format of a USB re-provisioning bundle: `terminal_id`, `centre_name` when the hub knows
/// it) that the kiosk merges into its config.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Enrolment {
    pub terminal_id: String,
    pub terminal_token: String,
    pub bundle: String,
}

impl std::fmt::Debug for Enrolment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Enrolment")
            .field("terminal_id", &self.terminal_id)
            .field("terminal_token", &"(hidden)")
            .field("bundle", &self.bundle)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_twelve_digits_grouped_as_typed() {
        assert_eq!(normalise_enrolment_code("4930-2718 5521").as_deref(), Some("493027185521"));
        assert_eq!(normalise_enrolment_code("49302718552"), None);
        assert_eq!(normalise_enrolment_code("49302718552x"), None);
        assert!(!format!("{:?}", EnrolmentRequest { code: "493027185521".into() }).contains("4930"));
    }
}
