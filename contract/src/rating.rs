//! Ratings (好差评, `POST /api/v1/ratings`).

use serde::{Deserialize, Serialize};

use crate::limits as l;
use crate::validate::{self as v, Checked};

/// `POST /api/v1/ratings` body (5 = 非常满意 … 1 = 非常不满意).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RatingRequest {
    pub token: String,
    pub terminal_id: String,
    pub score: i64,
    pub reasons: Vec<String>,
    pub rated_at: String,
}

impl RatingRequest {
    pub fn validate(&self) -> Checked {
        v::slip_token("token", &self.token)?;
        v::terminal_id("terminal_id", &self.terminal_id)?;
        v::range("score", self.score, l::SCORE_MIN, l::SCORE_MAX)?;
        v::at_most("reasons", self.reasons.len(), l::RATING_MAX_REASONS, "reasons")?;
        for (i, r) in self.reasons.iter().enumerate() {
            v::length(&format!("reasons[{i}]"), r, l::RATING_REASON)?;
        }
        v::date_time("rated_at", &self.rated_at)
    }
}

/// The hub's record of a rating (201).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RatingReceipt {
    pub token: String,
    pub score: i64,
    pub received_at: String,
}
