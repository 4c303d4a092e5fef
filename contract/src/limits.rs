//! The bounds `hub/openapi.yaml` states, in one place: the hub refuses what exceeds them (422) and the
//! kiosk checks them before an application is queued.

/// Length bounds of a text field, in Unicode scalar values (as JSON Schema counts them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chars {
    pub min: usize,
    pub max: usize,
}

const fn chars(min: usize, max: usize) -> Chars {
    Chars { min, max }
}

// Application intake (`ApplicationRequest`).
pub const ACCEPTANCE_NO: Chars = chars(1, 64);
pub const ITEM_CODE: Chars = chars(1, 64);
pub const ITEM_NAME: Chars = chars(1, 200);
pub const APPLICANT_NAME: Chars = chars(1, 100);
pub const ID_NUMBER: Chars = chars(1, 32);
pub const GENDER: Chars = chars(1, 16);
/// Empty only on a foreign permanent residence card, which carries no address (see
/// [`crate::Applicant::validate`]).
pub const ADDRESS: Chars = chars(0, 200);
/// At most this many form fields (`maxProperties`).
pub const FORM_MAX_FIELDS: usize = 100;
/// Each form value (field names are free: OpenAPI 3.0 cannot constrain them).
pub const FORM_VALUE: Chars = chars(0, 2000);
pub const PICKUP_CODE: Chars = chars(1, 32);
pub const GRID_STREET: Chars = chars(1, 100);
pub const GRID_COMMUNITY: Chars = chars(1, 100);
pub const GRID_NUMBER: Chars = chars(1, 32);
pub const NOTE: Chars = chars(0, 500);

// Ratings (`RatingRequest`).
pub const SCORE_MIN: i64 = 1;
pub const SCORE_MAX: i64 = 5;
pub const RATING_MAX_REASONS: usize = 20;
pub const RATING_REASON: Chars = chars(1, 100);

// Heartbeats and catalogues.
pub const APP_VERSION: Chars = chars(1, 64);
/// The highest catalogue version (and the bound of `catalog_version` in a heartbeat).
pub const MAX_VERSION: i64 = 2_147_483_647;
pub const MAX_OUTBOX_DEPTH: i64 = 1_000_000_000;
pub const LAST_ERROR: Chars = chars(0, 2000);

/// The largest request body the hub reads (413 `payload_too_large` above it).
pub const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;
