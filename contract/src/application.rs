//! Application intake (`POST /api/v1/applications`) and progress (`GET /api/v1/applications/{token}`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::lenient::{Lenient, WireName};
use crate::limits as l;
use crate::mask::{mask_id_number, mask_name};
use crate::nullable;
use crate::validate::{self as v, Checked};

/// What an outbox entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// An application by the resident themself (申请).
    Application,
    /// A request for the grid worker to handle a matter on the resident's behalf (代办).
    ProxyRequest,
}

impl WireName for Kind {
    const ALL: &'static [Kind] = &[Kind::Application, Kind::ProxyRequest];

    fn as_str(self) -> &'static str {
        Kind::as_str(self)
    }
}

impl Kind {
    pub const fn as_str(self) -> &'static str {
        match self {
            Kind::Application => "application",
            Kind::ProxyRequest => "proxy_request",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        <Kind as WireName>::parse(s)
    }
}

/// Processing status: `accepted → processing → ready → picked_up`, or `rejected` (with a reason)
/// from `accepted` or `processing`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Accepted,
    Processing,
    Ready,
    PickedUp,
    Rejected,
}

impl WireName for Status {
    const ALL: &'static [Status] =
        &[Status::Accepted, Status::Processing, Status::Ready, Status::PickedUp, Status::Rejected];

    fn as_str(self) -> &'static str {
        Status::as_str(self)
    }
}

impl Status {
    pub const ALL: [Status; 5] =
        [Status::Accepted, Status::Processing, Status::Ready, Status::PickedUp, Status::Rejected];

    pub const fn as_str(self) -> &'static str {
        match self {
            Status::Accepted => "accepted",
            Status::Processing => "processing",
            Status::Ready => "ready",
            Status::PickedUp => "picked_up",
            Status::Rejected => "rejected",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        <Status as WireName>::parse(s)
    }

    /// Whether the hub's record no longer changes once it has this status.
    pub fn is_final(self) -> bool {
        matches!(self, Status::PickedUp | Status::Rejected)
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CardType {
    /// 居民身份证.
    Resident,
    /// 港澳台居民居住证.
    HkMoTw,
    /// 外国人永久居留身份证.
    Foreign,
}

impl WireName for CardType {
    const ALL: &'static [CardType] = &[CardType::Resident, CardType::HkMoTw, CardType::Foreign];

    fn as_str(self) -> &'static str {
        match self {
            CardType::Resident => "resident",
            CardType::HkMoTw => "hk_mo_tw",
            CardType::Foreign => "foreign",
        }
    }
}

/// The identity fields the department needs, from the ID card. Personal: never logged (`Debug` masks
/// the name and ID number and leaves the rest out).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Applicant {
    pub name: String,
    pub id_number: String,
    /// `resident` | `hk_mo_tw` | `foreign`; [`ApplicationRequest::validate`] refuses any other.
    pub card_type: Lenient<CardType>,
    pub gender: String,
    /// `YYYY-MM-DD`.
    pub birth_date: String,
    pub address: String,
}

impl std::fmt::Debug for Applicant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Applicant")
            .field("name", &mask_name(&self.name))
            .field("id_number", &mask_id_number(&self.id_number))
            .finish_non_exhaustive()
    }
}

impl Applicant {
    pub fn validate(&self) -> Checked {
        v::length("applicant.name", &self.name, l::APPLICANT_NAME)?;
        v::length("applicant.id_number", &self.id_number, l::ID_NUMBER)?;
        let Some(card_type) = self.card_type.known() else {
            return Err(v::invalid("applicant.card_type", CardType::listed()));
        };
        v::id_number("applicant.id_number", card_type, &self.id_number)?;
        v::length("applicant.gender", &self.gender, l::GENDER)?;
        v::date("applicant.birth_date", &self.birth_date)?;
        v::length("applicant.address", &self.address, l::ADDRESS)?;
        // A foreign permanent residence card has no address field; the other cards always have one.
        if self.address.is_empty() && card_type != CardType::Foreign {
            return Err(v::invalid("applicant.address", "an address (only a foreign card may have none)"));
        }
        Ok(())
    }
}

/// The resident's grid (网格), which a 代办 request is routed to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Grid {
    pub street: String,
    pub community: String,
    pub number: String,
}

/// `POST /api/v1/applications` body. Every field is sent, the nullable ones as `null` (the hub refuses
/// a missing one, and any unknown field). `Debug` leaves out the personal fields.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
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

impl std::fmt::Debug for ApplicationRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApplicationRequest")
            .field("terminal_id", &self.terminal_id)
            .field("acceptance_no", &self.acceptance_no)
            .field("kind", &self.kind)
            .field("item_code", &self.item_code)
            .field("applicant", &self.applicant)
            .field("form_fields", &self.form.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl ApplicationRequest {
    /// Everything the document says beyond the JSON shape; the first violation, naming its field.
    pub fn validate(&self) -> Checked {
        v::uuid("idempotency_key", &self.idempotency_key)?;
        v::terminal_id("terminal_id", &self.terminal_id)?;
        v::code("acceptance_no", &self.acceptance_no, l::ACCEPTANCE_NO)?;
        v::code("item_code", &self.item_code, l::ITEM_CODE)?;
        v::length("item_name", &self.item_name, l::ITEM_NAME)?;
        self.applicant.validate()?;
        v::at_most("form", self.form.len(), l::FORM_MAX_FIELDS, "fields")?;
        for (key, value) in &self.form {
            v::without_nul("form (a key)", key)?;
            v::length(&format!("form.{key}"), value, l::FORM_VALUE)?;
        }
        v::date_time("submitted_at", &self.submitted_at)?;
        if let Some(d) = &self.promised_date {
            v::date("promised_date", d)?;
        }
        v::pickup_code("pickup_code", &self.pickup_code, l::PICKUP_CODE)?;
        v::slip_token("token", &self.token)?;
        if let Some(g) = &self.grid {
            v::length("grid.street", &g.street, l::GRID_STREET)?;
            v::length("grid.community", &g.community, l::GRID_COMMUNITY)?;
            v::length("grid.number", &g.number, l::GRID_NUMBER)?;
        }
        if let Some(n) = &self.note {
            v::length("note", n, l::NOTE)?;
        }
        Ok(())
    }
}

/// The hub's acceptance record, answered to `POST /api/v1/applications` (201 new, 200 replay).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApplicationReceipt {
    pub id: i64,
    pub acceptance_no: String,
    pub token: String,
    pub status: Lenient<Status>,
    pub promised_date: Option<String>,
    pub received_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimelineEntry {
    pub status: Lenient<Status>,
    pub at: String,
    /// Staff note; the reason when rejected.
    pub note: Option<String>,
}

/// `GET /api/v1/applications/{token}`: progress without personal fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApplicationProgress {
    pub token: String,
    pub acceptance_no: String,
    pub item_code: String,
    pub item_name: String,
    pub kind: Lenient<Kind>,
    pub status: Lenient<Status>,
    pub promised_date: Option<String>,
    pub timeline: Vec<TimelineEntry>,
}

impl ApplicationProgress {
    /// The staff note of the entry that set the current status (the reason, when rejected).
    pub fn current_note(&self) -> Option<&str> {
        self.timeline.iter().rev().find(|e| e.status == self.status).and_then(|e| e.note.as_deref())
    }
}
