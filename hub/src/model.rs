//! Wire types of the HTTP contract (`openapi.yaml`). Request types reject unknown fields; fields the
//! contract lists as required-but-nullable must be present (as `null` if empty). `validate()` enforces
//! the rest of what the document says (lengths, formats, ranges).

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize};

use crate::validate::{self as v, Checked};

/// A present value that may be `null`: unlike a plain `Option`, a missing key is an error.
fn nullable<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    Option::<T>::deserialize(d)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// An application by the resident themself (申请).
    Application,
    /// A request for the grid worker to handle a matter on the resident's behalf (代办).
    ProxyRequest,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Application => "application",
            Kind::ProxyRequest => "proxy_request",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        match s {
            "application" => Some(Kind::Application),
            "proxy_request" => Some(Kind::ProxyRequest),
            _ => None,
        }
    }
}

/// Processing status: `accepted → processing → ready → picked_up`, or `rejected` (with a reason)
/// from `accepted` or `processing`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Accepted,
    Processing,
    Ready,
    PickedUp,
    Rejected,
}

impl Status {
    pub const ALL: [Status; 5] =
        [Status::Accepted, Status::Processing, Status::Ready, Status::PickedUp, Status::Rejected];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Accepted => "accepted",
            Status::Processing => "processing",
            Status::Ready => "ready",
            Status::PickedUp => "picked_up",
            Status::Rejected => "rejected",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// Whether staff may move an application from `self` to `next`.
    pub fn can_become(self, next: Status) -> bool {
        use Status::*;
        matches!(
            (self, next),
            (Accepted, Processing)
                | (Processing, Ready)
                | (Ready, PickedUp)
                | (Accepted, Rejected)
                | (Processing, Rejected)
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CardType {
    /// 居民身份证.
    Resident,
    /// 港澳台居民居住证.
    HkMoTw,
    /// 外国人永久居留身份证.
    Foreign,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Applicant {
    pub name: String,
    pub id_number: String,
    pub card_type: CardType,
    pub gender: String,
    pub birth_date: String,
    pub address: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Grid {
    pub street: String,
    pub community: String,
    pub number: String,
}

/// `POST /api/v1/applications` body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApplicationRequest {
    pub idempotency_key: String,
    pub terminal_id: String,
    pub acceptance_no: String,
    pub kind: Kind,
    pub item_code: String,
    pub item_name: String,
    pub applicant: Applicant,
    pub form: BTreeMap<String, String>,
    pub submitted_at: String,
    #[serde(deserialize_with = "nullable")]
    pub promised_date: Option<String>,
    pub pickup_code: String,
    pub token: String,
    #[serde(deserialize_with = "nullable")]
    pub grid: Option<Grid>,
    #[serde(deserialize_with = "nullable")]
    pub note: Option<String>,
}

pub const FORM_MAX_FIELDS: usize = 100;

impl ApplicationRequest {
    pub fn validate(&self) -> Checked {
        v::uuid("idempotency_key", &self.idempotency_key)?;
        v::terminal_id("terminal_id", &self.terminal_id)?;
        v::length("acceptance_no", &self.acceptance_no, 1, 64)?;
        v::length("item_code", &self.item_code, 1, 64)?;
        v::length("item_name", &self.item_name, 1, 200)?;
        let a = &self.applicant;
        v::length("applicant.name", &a.name, 1, 100)?;
        v::length("applicant.id_number", &a.id_number, 1, 32)?;
        v::length("applicant.gender", &a.gender, 1, 16)?;
        v::date("applicant.birth_date", &a.birth_date)?;
        v::length("applicant.address", &a.address, 1, 200)?;
        if self.form.len() > FORM_MAX_FIELDS {
            return Err(v::invalid("form", format!("at most {FORM_MAX_FIELDS} fields")));
        }
        // Field names are free (OpenAPI 3.0 cannot constrain them); values are bounded.
        for (key, value) in &self.form {
            v::length(&format!("form.{key}"), value, 0, 2000)?;
        }
        v::date_time("submitted_at", &self.submitted_at)?;
        if let Some(d) = &self.promised_date {
            v::date("promised_date", d)?;
        }
        v::length("pickup_code", &self.pickup_code, 1, 32)?;
        v::slip_token("token", &self.token)?;
        if let Some(g) = &self.grid {
            v::length("grid.street", &g.street, 1, 100)?;
            v::length("grid.community", &g.community, 1, 100)?;
            v::length("grid.number", &g.number, 1, 32)?;
        }
        if let Some(n) = &self.note {
            v::length("note", n, 0, 500)?;
        }
        Ok(())
    }
}

/// The hub's acceptance record, answered to `POST /api/v1/applications`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApplicationReceipt {
    pub id: i64,
    pub acceptance_no: String,
    pub token: String,
    pub status: Status,
    pub promised_date: Option<String>,
    pub received_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimelineEntry {
    pub status: Status,
    pub at: String,
    pub note: Option<String>,
}

/// `GET /api/v1/applications/{token}`: progress without personal fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApplicationProgress {
    pub token: String,
    pub acceptance_no: String,
    pub item_code: String,
    pub item_name: String,
    pub kind: Kind,
    pub status: Status,
    pub promised_date: Option<String>,
    pub timeline: Vec<TimelineEntry>,
}

/// `POST /api/v1/ratings` body (好差评; 5 = 非常满意, 1 = 非常不满意).
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
        v::range("score", self.score, 1, 5)?;
        if self.reasons.len() > 20 {
            return Err(v::invalid("reasons", "at most 20 reasons"));
        }
        for (i, r) in self.reasons.iter().enumerate() {
            v::length(&format!("reasons[{i}]"), r, 1, 100)?;
        }
        v::date_time("rated_at", &self.rated_at)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RatingReceipt {
    pub token: String,
    pub score: i64,
    pub received_at: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReaderHealth {
    Ok,
    NoAnswer,
    PortMissing,
    Simulated,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Paper {
    Ok,
    NearEnd,
    Out,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrinterHealth {
    pub online: bool,
    pub paper: Paper,
    pub cover_open: bool,
    pub error: bool,
}

/// `POST /api/v1/terminals/{id}/heartbeat` body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Heartbeat {
    pub app_version: String,
    #[serde(deserialize_with = "nullable")]
    pub catalog_version: Option<i64>,
    pub outbox_depth: i64,
    pub reader: ReaderHealth,
    pub printer: PrinterHealth,
    #[serde(deserialize_with = "nullable")]
    pub last_error: Option<String>,
}

pub const MAX_VERSION: i64 = 2_147_483_647;
pub const MAX_OUTBOX_DEPTH: i64 = 1_000_000_000;

impl Heartbeat {
    pub fn validate(&self) -> Checked {
        v::length("app_version", &self.app_version, 1, 64)?;
        if let Some(c) = self.catalog_version {
            v::range("catalog_version", c, 1, MAX_VERSION)?;
        }
        v::range("outbox_depth", self.outbox_depth, 0, MAX_OUTBOX_DEPTH)?;
        if let Some(e) = &self.last_error {
            v::length("last_error", e, 0, 2000)?;
        }
        Ok(())
    }

    /// Short problem labels for staff (`paper_out`, `reader_no_answer`, …); empty when all is well.
    pub fn problems(&self) -> Vec<&'static str> {
        let mut p = Vec::new();
        match self.reader {
            ReaderHealth::NoAnswer => p.push("reader_no_answer"),
            ReaderHealth::PortMissing => p.push("reader_port_missing"),
            ReaderHealth::Ok | ReaderHealth::Simulated => {}
        }
        if !self.printer.online {
            p.push("printer_offline");
        }
        match self.printer.paper {
            Paper::NearEnd => p.push("paper_near_end"),
            Paper::Out => p.push("paper_out"),
            Paper::Ok => {}
        }
        if self.printer.cover_open {
            p.push("cover_open");
        }
        if self.printer.error {
            p.push("printer_error");
        }
        if self.outbox_depth > 0 {
            p.push("outbox_backlog");
        }
        p
    }
}

/// Every error body: a stable snake_case code and a human message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorBody {
    pub code: String,
    pub message: String,
}
