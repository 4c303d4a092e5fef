//! The durable outbox: an application is written, with its slip's print job, in one transaction with
//! `synchronous=FULL` before the screen says 已提交. Sync to the hub reads it in order; personal fields
//! are purged a configurable number of days after the hub has them.
//!
//! What is queued is checked against the hub's contract first (`kiosk-contract`), with the very request
//! the sync worker will send: nothing the hub would refuse for good enters the outbox.

use std::collections::BTreeMap;

use chrono::{DateTime, Local, NaiveDate};
use kiosk_contract::{ApplicationRequest, Grid, Status};
use rusqlite::types::Type;
use rusqlite::{params, OptionalExtension, Row, TransactionBehavior};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{Store, StoreError};
use crate::privacy::{mask_id_number, mask_name};
use crate::slip::PickupSlip;

/// `application` (an ID-verified service application) or `proxy_request` (代办 by the grid worker):
/// the contract's type, stored as its wire name.
pub use kiosk_contract::Kind;

/// The identity fields the department needs, from the ID card (the contract's type). Personal: never
/// logged; its `Debug` masks the name and ID number and leaves the rest out.
pub use kiosk_contract::Applicant;

impl From<&crate::devices::idcard::Card> for Applicant {
    /// The identity fields the department needs, as the ID card gives them.
    fn from(card: &crate::devices::idcard::Card) -> Applicant {
        use crate::devices::idcard::{CardType, Gender};
        use kiosk_contract::CardType as Wire;
        Applicant {
            name: card.name.clone(),
            id_number: card.id_number.clone(),
            card_type: match card.card_type {
                CardType::Resident => Wire::Resident,
                CardType::HkMoTw => Wire::HkMoTw,
                CardType::Foreign => Wire::Foreign,
            }
            .into(),
            gender: match card.gender {
                Gender::Male => "male",
                Gender::Female => "female",
                Gender::Unknown => "unknown",
            }
            .into(),
            birth_date: card.birth_date.to_string(),
            address: card.address.clone(),
        }
    }
}

/// An outbox row whose `kind` this build does not know (written by a newer version, or damaged). It is
/// refused rather than read as some other kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("application row {id} has the unknown kind `{kind}` (this build knows application and proxy_request)")]
pub struct UnknownKind {
    pub id: i64,
    pub kind: String,
}

/// What a resident submits.
#[derive(Debug, Clone)]
pub struct NewApplication {
    pub kind: Kind,
    pub item_code: String,
    pub item_name: String,
    pub applicant: Applicant,
    pub form: BTreeMap<String, String>,
    pub promised_date: Option<NaiveDate>,
    pub note: Option<String>,
}

/// The personal part, stored as JSON until purged.
#[derive(Serialize, Deserialize)]
struct Personal {
    applicant: Applicant,
    form: BTreeMap<String, String>,
    note: Option<String>,
}

/// Where an application is on its way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutboxState {
    /// Written on the terminal, not yet at the hub.
    Queued,
    /// The hub has it.
    Synced,
}

/// A stored application without personal fields (what lists, slips and progress need).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stored {
    pub id: i64,
    pub idempotency_key: String,
    pub acceptance_no: String,
    pub terminal_id: String,
    pub kind: Kind,
    pub item_code: String,
    pub item_name: String,
    pub masked_name: String,
    pub masked_id: String,
    pub created_at: DateTime<Local>,
    pub promised_date: Option<NaiveDate>,
    pub pickup_code: String,
    pub token: String,
    pub state: OutboxState,
    /// The department's status once the hub reports it (accepted, processing, ready, picked_up, rejected).
    pub hub_status: Option<String>,
    pub hub_note: Option<String>,
    pub slip_printed: bool,
    pub purged: bool,
}

/// The slip print job recorded with an application.
#[derive(Debug, Clone, PartialEq)]
pub struct PrintJobRecord {
    pub id: i64,
    pub application_id: i64,
    pub slip: PickupSlip,
    pub printed: bool,
    pub attempts: u32,
    pub last_error: Option<String>,
}

/// One application ready to send to the hub (personal fields included).
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub stored: Stored,
    pub applicant: Applicant,
    pub form: BTreeMap<String, String>,
    pub note: Option<String>,
}

impl Outgoing {
    /// The `POST /api/v1/applications` body. The same row always gives the same body, so a retry is a
    /// replay at the hub. [`Store::submit`] checks this very body before queueing.
    pub fn request(&self) -> ApplicationRequest {
        let s = &self.stored;
        ApplicationRequest {
            idempotency_key: s.idempotency_key.clone(),
            terminal_id: s.terminal_id.clone(),
            acceptance_no: s.acceptance_no.clone(),
            kind: s.kind,
            item_code: s.item_code.clone(),
            item_name: s.item_name.clone(),
            applicant: self.applicant.clone(),
            form: self.form.clone(),
            submitted_at: s.created_at.to_rfc3339(),
            promised_date: s.promised_date.map(|d| d.to_string()),
            pickup_code: s.pickup_code.clone(),
            token: s.token.clone(),
            grid: self.grid(),
            note: self.note.clone(),
        }
    }

    /// A 代办 request carries its grid in the form (`grid_street`, `grid_community`, `grid_number`);
    /// `None` for applications and for an incomplete grid.
    fn grid(&self) -> Option<Grid> {
        if self.stored.kind != Kind::ProxyRequest {
            return None;
        }
        let field = |k: &str| self.form.get(k).filter(|v| !v.is_empty()).cloned();
        Some(Grid { street: field("grid_street")?, community: field("grid_community")?, number: field("grid_number")? })
    }
}

/// A 好差评 rating.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rating {
    /// 5 非常满意 … 1 非常不满意.
    pub score: u8,
    pub reasons: Vec<String>,
}

/// A stable key to find a resident's applications by card without keeping their ID number readable.
pub fn applicant_key(id_number: &str) -> String {
    let digest = Sha256::digest(format!("kiosk-applicant:{}", id_number.trim().to_uppercase()).as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

const COLUMNS: &str = "a.id, a.idempotency_key, a.acceptance_no, a.terminal_id, a.kind, a.item_code, a.item_name,
     a.masked_name, a.masked_id, a.created_at, a.promised_date, a.pickup_code, a.token, a.state, a.hub_status,
     a.hub_note, (SELECT COUNT(*) FROM print_job p WHERE p.application_id = a.id AND p.state = 'printed') > 0,
     a.purged_at IS NOT NULL";

fn stored(r: &Row<'_>) -> rusqlite::Result<Stored> {
    let id: i64 = r.get(0)?;
    let kind: String = r.get(4)?;
    let Some(kind) = Kind::parse(&kind) else {
        return Err(rusqlite::Error::FromSqlConversionFailure(4, Type::Text, Box::new(UnknownKind { id, kind })));
    };
    let created: String = r.get(9)?;
    let promised: Option<String> = r.get(10)?;
    let state: String = r.get(13)?;
    Ok(Stored {
        id,
        idempotency_key: r.get(1)?,
        acceptance_no: r.get(2)?,
        terminal_id: r.get(3)?,
        kind,
        item_code: r.get(5)?,
        item_name: r.get(6)?,
        masked_name: r.get(7)?,
        masked_id: r.get(8)?,
        created_at: DateTime::parse_from_rfc3339(&created).map(|d| d.with_timezone(&Local)).unwrap_or_default(),
        promised_date: promised.and_then(|p| p.parse().ok()),
        pickup_code: r.get(11)?,
        token: r.get(12)?,
        state: if state == "synced" { OutboxState::Synced } else { OutboxState::Queued },
        hub_status: r.get(14)?,
        hub_note: r.get(15)?,
        slip_printed: r.get(16)?,
        purged: r.get(17)?,
    })
}

impl Store {
    /// Writes an application and its slip's print job in one durable transaction and returns it.
    /// `slip` builds the slip from the stored record (acceptance number, pickup code and token are
    /// assigned here). Only after this returns may the screen say 已提交.
    ///
    /// The request the sync worker will send for it is checked against the contract first: an
    /// application the hub would refuse for good is not queued ([`StoreError::Invalid`] names the field).
    ///
    /// The acceptance number is `<terminal id>-<YYYYMMDD>-<NNNN>`. The date is `now`'s (the kiosk's
    /// wall clock, read once per submission: the slip's time and working days come from the same
    /// reading). `NNNN` is one more than the highest number this terminal already has for that date,
    /// read from the outbox in this very write transaction: the sequence is per date and comes from
    /// the store, never from the time. So when NTP sets the clock back (within the day or across
    /// midnight), no number is given twice: the store knows every number given out (and the column
    /// is `UNIQUE` besides); when it sets the clock forward, nothing is skipped: a date never given
    /// out before starts at 0001, and once the clock is back, the earlier date goes on where it
    /// stopped. Within each date the numbers run 0001, 0002, … without a gap (a failed write gives
    /// none out: its transaction is rolled back whole).
    pub fn submit(
        &mut self,
        terminal_id: &str,
        app: &NewApplication,
        now: DateTime<Local>,
        slip: impl FnOnce(&Stored) -> PickupSlip,
    ) -> Result<(Stored, PrintJobRecord), StoreError> {
        let written = self.submit_in_one_transaction(terminal_id, app, now, slip);
        match self.conn.path().map(std::path::PathBuf::from) {
            Some(path) => written.map_err(|e| e.full_if_no_room(&path)),
            None => written,
        }
    }

    fn submit_in_one_transaction(
        &mut self,
        terminal_id: &str,
        app: &NewApplication,
        now: DateTime<Local>,
        slip: impl FnOnce(&Stored) -> PickupSlip,
    ) -> Result<(Stored, PrintJobRecord), StoreError> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let day = now.format("%Y%m%d").to_string();
        let prefix = format!("{terminal_id}-{day}-");
        // The prefix compared as text (not `LIKE`, where `_` in an id matches any character); the
        // longest number first, so that 10000 comes after 9999.
        let last: Option<String> = tx
            .query_row(
                "SELECT acceptance_no FROM application WHERE substr(acceptance_no, 1, length(?1)) = ?1
                 ORDER BY length(acceptance_no) DESC, acceptance_no DESC LIMIT 1",
                [&prefix],
                |r| r.get(0),
            )
            .optional()?;
        let seq = last.and_then(|a| a[prefix.len()..].parse::<u32>().ok()).unwrap_or(0) + 1;
        let acceptance_no = format!("{prefix}{seq:04}");
        let key = uuid::Uuid::new_v4().to_string();
        let token = crate::slip::new_token();
        let pickup_code = crate::slip::new_pickup_code();
        let personal = Personal { applicant: app.applicant.clone(), form: app.form.clone(), note: app.note.clone() };
        tx.execute(
            "INSERT INTO application (idempotency_key, acceptance_no, terminal_id, kind, item_code, item_name,
                 masked_name, masked_id, applicant_key, personal, created_at, promised_date, pickup_code, token)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
            params![
                key,
                acceptance_no,
                terminal_id,
                app.kind.as_str(),
                app.item_code,
                app.item_name,
                mask_name(&app.applicant.name),
                mask_id_number(&app.applicant.id_number),
                applicant_key(&app.applicant.id_number),
                serde_json::to_string(&personal)?,
                now.to_rfc3339(),
                app.promised_date.map(|d| d.to_string()),
                pickup_code,
                token,
            ],
        )?;
        let id = tx.last_insert_rowid();
        crate::killpoint::step("application row written");
        let record = tx.query_row(&format!("SELECT {COLUMNS} FROM application a WHERE a.id = ?1"), [id], stored)?;
        // Checked as it will be sent; returning here drops the transaction, so nothing is queued.
        let Personal { applicant, form, note } = personal;
        Outgoing { stored: record.clone(), applicant, form, note }.request().validate()?;
        let slip = slip(&record);
        tx.execute(
            "INSERT INTO print_job (application_id, slip, state) VALUES (?1, ?2, 'pending')",
            params![id, serde_json::to_string(&slip)?],
        )?;
        let job_id = tx.last_insert_rowid();
        crate::killpoint::step("print job row written");
        tx.commit()?;
        crate::killpoint::step("application committed");
        let job =
            PrintJobRecord { id: job_id, application_id: id, slip, printed: false, attempts: 0, last_error: None };
        Ok((record, job))
    }

    /// Applications, newest first.
    pub fn applications(&self) -> Result<Vec<Stored>, StoreError> {
        let mut stmt = self.conn.prepare(&format!("SELECT {COLUMNS} FROM application a ORDER BY a.id DESC"))?;
        let rows = stmt.query_map([], stored)?.collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    pub fn application_by_acceptance_no(&self, no: &str) -> Result<Option<Stored>, StoreError> {
        Ok(self
            .conn
            .query_row(&format!("SELECT {COLUMNS} FROM application a WHERE a.acceptance_no = ?1"), [no], stored)
            .optional()?)
    }

    pub fn application_by_token(&self, token: &str) -> Result<Option<Stored>, StoreError> {
        Ok(self
            .conn
            .query_row(&format!("SELECT {COLUMNS} FROM application a WHERE a.token = ?1"), [token], stored)
            .optional()?)
    }

    /// A resident's applications found by their ID card, newest first.
    pub fn applications_of(&self, id_number: &str) -> Result<Vec<Stored>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(&format!("SELECT {COLUMNS} FROM application a WHERE a.applicant_key = ?1 ORDER BY a.id DESC"))?;
        let rows = stmt.query_map([applicant_key(id_number)], stored)?.collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// The slip print job of an application (the latest, if reprinted).
    pub fn print_job_of(&self, application_id: i64) -> Result<Option<PrintJobRecord>, StoreError> {
        let row: Option<(i64, String, String, u32, Option<String>)> = self
            .conn
            .query_row(
                "SELECT id, slip, state, attempts, last_error FROM print_job WHERE application_id = ?1
                 ORDER BY id DESC LIMIT 1",
                [application_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )
            .optional()?;
        row.map(|(id, slip, state, attempts, last_error)| {
            Ok(PrintJobRecord {
                id,
                application_id,
                slip: serde_json::from_str(&slip)?,
                printed: state == "printed",
                attempts,
                last_error,
            })
        })
        .transpose()
    }

    /// Records what a print attempt did.
    pub fn record_print(&mut self, job_id: i64, result: Result<(), &str>) -> Result<(), StoreError> {
        match result {
            Ok(()) => self.conn.execute(
                "UPDATE print_job SET state = 'printed', attempts = attempts + 1, printed_at = ?2, last_error = NULL
                 WHERE id = ?1",
                params![job_id, Local::now().to_rfc3339()],
            )?,
            Err(e) => self.conn.execute(
                "UPDATE print_job SET state = 'failed', attempts = attempts + 1, last_error = ?2 WHERE id = ?1",
                params![job_id, e],
            )?,
        };
        crate::killpoint::step("print outcome committed");
        Ok(())
    }

    /// Records a print attempt whose outcome is unknown: the job was sent, the printer did not confirm.
    /// Not a failure: the slip most likely came out, so nothing should invite a second copy.
    pub fn record_print_unconfirmed(&mut self, job_id: i64, note: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE print_job SET state = 'unconfirmed', attempts = attempts + 1, last_error = ?2 WHERE id = ?1",
            params![job_id, note],
        )?;
        crate::killpoint::step("print outcome committed");
        Ok(())
    }

    /// Queued applications in submission order, with their personal fields, for the sync worker.
    pub fn outgoing(&self, limit: usize) -> Result<Vec<Outgoing>, StoreError> {
        self.queued_with_personal("", limit)
    }

    /// Queued applications (that still have their personal fields) matching `extra` SQL, in order.
    fn queued_with_personal(&self, extra: &str, limit: usize) -> Result<Vec<Outgoing>, StoreError> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {COLUMNS}, a.personal FROM application a
             WHERE a.state = 'queued' AND a.personal IS NOT NULL {extra}
             ORDER BY a.id LIMIT ?1"
        ))?;
        let rows = stmt
            .query_map([limit as i64], |r| Ok((stored(r)?, r.get::<_, String>(18)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter()
            .map(|(stored, personal)| {
                let p: Personal = serde_json::from_str(&personal)?;
                Ok(Outgoing { stored, applicant: p.applicant, form: p.form, note: p.note })
            })
            .collect()
    }

    /// The hub has this application.
    pub fn mark_synced(&mut self, idempotency_key: &str, hub_status: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE application SET state = 'synced', synced_at = ?2, hub_status = ?3, last_error = NULL
             WHERE idempotency_key = ?1",
            params![idempotency_key, Local::now().to_rfc3339(), hub_status],
        )?;
        Ok(())
    }

    /// The department's latest status, as the hub reports it.
    pub fn set_hub_status(&mut self, token: &str, status: &str, note: Option<&str>) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE application SET hub_status = ?2, hub_note = ?3 WHERE token = ?1",
            params![token, status, note],
        )?;
        Ok(())
    }

    /// Removes the personal fields of applications the hub has had for at least `days` days; returns
    /// how many were purged.
    pub fn purge_personal(&mut self, days: u32, now: DateTime<Local>) -> Result<usize, StoreError> {
        let cutoff = (now - chrono::Duration::days(days as i64)).to_rfc3339();
        Ok(self.conn.execute(
            "UPDATE application SET personal = NULL, purged_at = ?2
             WHERE state = 'synced' AND personal IS NOT NULL AND synced_at <= ?1",
            params![cutoff, now.to_rfc3339()],
        )?)
    }

    /// Stores a 好差评 rating with the application and the terminal.
    pub fn rate(&mut self, application_id: i64, terminal_id: &str, rating: &Rating) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO rating (application_id, terminal_id, score, reasons, rated_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                application_id,
                terminal_id,
                rating.score,
                serde_json::to_string(&rating.reasons)?,
                Local::now().to_rfc3339()
            ],
        )?;
        Ok(())
    }

    /// The rating of an application, if the resident gave one.
    pub fn rating_of(&self, application_id: i64) -> Result<Option<(Rating, String)>, StoreError> {
        let row: Option<(u8, String, String)> = self
            .conn
            .query_row(
                "SELECT score, reasons, terminal_id FROM rating WHERE application_id = ?1 ORDER BY id DESC LIMIT 1",
                [application_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        row.map(|(score, reasons, terminal)| Ok((Rating { score, reasons: serde_json::from_str(&reasons)? }, terminal)))
            .transpose()
    }

    /// How many applications wait for the hub.
    pub fn outbox_depth(&self) -> Result<usize, StoreError> {
        Ok(self.conn.query_row("SELECT COUNT(*) FROM application WHERE state = 'queued'", [], |r| r.get(0))?)
    }
}

/// A 好差评 rating waiting for the hub (its application is already there).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingRating {
    pub id: i64,
    /// The application's slip token (opaque; not logged).
    pub token: String,
    pub acceptance_no: String,
    pub terminal_id: String,
    pub rating: Rating,
    /// RFC 3339, as stored.
    pub rated_at: String,
}

/// A synced application whose department status may still change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusCheck {
    pub token: String,
    pub acceptance_no: String,
    pub hub_status: Option<String>,
    pub hub_note: Option<String>,
}

/// Statuses after which the hub's record no longer changes.
pub const FINAL_HUB_STATUSES: [&str; 2] = [Status::PickedUp.as_str(), Status::Rejected.as_str()];

/// Sync bookkeeping for `crate::sync` (migration 4).
impl Store {
    /// Like [`Store::outgoing`], without the applications the hub refused (see [`Store::mark_refused`]).
    pub fn sendable(&self, limit: usize) -> Result<Vec<Outgoing>, StoreError> {
        self.queued_with_personal("AND a.refused_at IS NULL", limit)
    }

    /// The hub refused this application for good (a 4xx that a retry cannot fix): it stays queued with
    /// the reason, and is skipped until [`Store::retry_refused`].
    pub fn mark_refused(&mut self, idempotency_key: &str, reason: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE application SET refused_at = ?2, last_error = ?3 WHERE idempotency_key = ?1 AND state = 'queued'",
            params![idempotency_key, Local::now().to_rfc3339(), reason],
        )?;
        Ok(())
    }

    /// Applications the hub refused: (acceptance number, reason), oldest first.
    pub fn refused(&self) -> Result<Vec<(String, String)>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT acceptance_no, COALESCE(last_error, '') FROM application
             WHERE state = 'queued' AND refused_at IS NOT NULL ORDER BY id",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// Makes refused applications and ratings sendable again (the reason is kept until they go
    /// through); returns how many. The sync worker calls it when it starts, e.g. after an update.
    pub fn retry_refused(&mut self) -> Result<usize, StoreError> {
        let apps = self.conn.execute(
            "UPDATE application SET refused_at = NULL WHERE state = 'queued' AND refused_at IS NOT NULL",
            [],
        )?;
        let ratings = self
            .conn
            .execute("UPDATE rating SET refused_at = NULL WHERE synced_at IS NULL AND refused_at IS NOT NULL", [])?;
        Ok(apps + ratings)
    }

    /// Ratings not yet at the hub whose application is, oldest first.
    pub fn unsynced_ratings(&self, limit: usize) -> Result<Vec<OutgoingRating>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT r.id, a.token, a.acceptance_no, r.terminal_id, r.score, r.reasons, r.rated_at
             FROM rating r JOIN application a ON a.id = r.application_id
             WHERE r.synced_at IS NULL AND r.refused_at IS NULL AND a.state = 'synced'
             ORDER BY r.id LIMIT ?1",
        )?;
        let rows = stmt
            .query_map([limit as i64], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, u8>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, String>(6)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter()
            .map(|(id, token, acceptance_no, terminal_id, score, reasons, rated_at)| {
                Ok(OutgoingRating {
                    id,
                    token,
                    acceptance_no,
                    terminal_id,
                    rating: Rating { score, reasons: serde_json::from_str(&reasons)? },
                    rated_at,
                })
            })
            .collect()
    }

    /// The hub has this rating.
    pub fn mark_rating_synced(&mut self, rating_id: i64) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE rating SET synced_at = ?2, last_error = NULL, refused_at = NULL WHERE id = ?1",
            params![rating_id, Local::now().to_rfc3339()],
        )?;
        Ok(())
    }

    /// The hub refused this rating for good; it is skipped until [`Store::retry_refused`].
    pub fn mark_rating_refused(&mut self, rating_id: i64, reason: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE rating SET refused_at = ?2, last_error = ?3 WHERE id = ?1",
            params![rating_id, Local::now().to_rfc3339(), reason],
        )?;
        Ok(())
    }

    /// How many ratings wait for the hub.
    pub fn unsynced_rating_count(&self) -> Result<usize, StoreError> {
        Ok(self.conn.query_row("SELECT COUNT(*) FROM rating WHERE synced_at IS NULL", [], |r| r.get(0))?)
    }

    /// Synced applications whose status is not final, least recently checked first.
    pub fn awaiting_status(&self, limit: usize) -> Result<Vec<StatusCheck>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT token, acceptance_no, hub_status, hub_note FROM application
             WHERE state = 'synced' AND (hub_status IS NULL OR hub_status NOT IN (?2, ?3))
             ORDER BY hub_checked_at IS NOT NULL, hub_checked_at, id LIMIT ?1",
        )?;
        let rows = stmt
            .query_map(params![limit as i64, FINAL_HUB_STATUSES[0], FINAL_HUB_STATUSES[1]], |r| {
                Ok(StatusCheck {
                    token: r.get(0)?,
                    acceptance_no: r.get(1)?,
                    hub_status: r.get(2)?,
                    hub_note: r.get(3)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// The newest stamp of [`Store::mark_hub_checked`] (one scan of the table): read once before a
    /// batch of status checks.
    pub fn newest_hub_check(&self) -> Result<Option<DateTime<Local>>, StoreError> {
        let newest: Option<String> =
            self.conn.query_row("SELECT MAX(hub_checked_at) FROM application", [], |r| r.get(0))?;
        Ok(newest.and_then(|n| DateTime::parse_from_rfc3339(&n).ok()).map(|n| n.with_timezone(&Local)))
    }

    /// Records that the hub was asked for this application's status at `now`; `newest` is the newest
    /// stamp so far ([`Store::newest_hub_check`] before a batch, then what the previous call returned).
    /// Returns the stamp written.
    ///
    /// The stamp orders the rotation of [`Store::awaiting_status`], so it never goes back: when the
    /// clock was set back (NTP) and `now` is not after the newest stamp, the application gets the
    /// newest stamp plus a millisecond. Otherwise those checked after the jump would sort before
    /// those checked just before it, be asked again and again, and the others wait for hours.
    pub fn mark_hub_checked(
        &mut self,
        token: &str,
        now: DateTime<Local>,
        newest: Option<DateTime<Local>>,
    ) -> Result<DateTime<Local>, StoreError> {
        let stamp = match newest {
            Some(n) if n >= now => n + chrono::Duration::milliseconds(1),
            _ => now,
        };
        self.conn.execute(
            "UPDATE application SET hub_checked_at = ?2 WHERE token = ?1",
            params![token, stamp.to_rfc3339()],
        )?;
        Ok(stamp)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn renewal() -> NewApplication {
        NewApplication {
            kind: Kind::Application,
            item_code: "LL0001".into(),
            item_name: "老年人优待证办理（年审）".into(),
            applicant: crate::store::sample_applicant(),
            form: [("phone".to_string(), "13800000000".to_string())].into(),
            promised_date: NaiveDate::from_ymd_opt(2026, 11, 29),
            note: None,
        }
    }

    fn submit(store: &mut Store, app: &NewApplication) -> Result<Stored, StoreError> {
        store.submit("SF-QST-01", app, Local::now(), |_| PickupSlip::sample("https://zwfw.example.gov.cn")).map(|r| r.0)
    }

    fn field_refused(store: &mut Store, app: &NewApplication) -> String {
        match submit(store, app) {
            Err(StoreError::Invalid(e)) => {
                assert!(e.to_string().starts_with(&e.field), "the message names the field: {e}");
                e.field
            }
            other => panic!("expected a refusal naming the field, got {other:?}"),
        }
    }

    #[test]
    fn an_application_the_hub_would_refuse_is_never_queued() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("kiosk.sqlite3")).unwrap();

        let mut long_note = renewal();
        long_note.note = Some("请".repeat(501));
        assert_eq!(field_refused(&mut store, &long_note), "note");
        let mut long_value = renewal();
        long_value.form.insert("remark".into(), "x".repeat(2001));
        assert_eq!(field_refused(&mut store, &long_value), "form.remark");
        let mut bad_birth = renewal();
        bad_birth.applicant.birth_date = "1953-02-30".into();
        assert_eq!(field_refused(&mut store, &bad_birth), "applicant.birth_date");
        let mut no_address = renewal();
        no_address.applicant.address = String::new();
        assert_eq!(field_refused(&mut store, &no_address), "applicant.address");
        let mut no_code = renewal();
        no_code.item_code = String::new();
        assert_eq!(field_refused(&mut store, &no_code), "item_code");

        assert!(store.applications().unwrap().is_empty(), "nothing entered the outbox");
        assert_eq!(store.outbox_depth().unwrap(), 0);
        let jobs: i64 = store.connection().query_row("SELECT COUNT(*) FROM print_job", [], |r| r.get(0)).unwrap();
        assert_eq!(jobs, 0, "no print job either");

        // At the limits exactly, and after refusals, a good one is queued as the first of the day.
        let mut full = renewal();
        full.note = Some("请".repeat(500));
        full.form.insert("remark".into(), "x".repeat(2000));
        let stored = submit(&mut store, &full).unwrap();
        assert!(stored.acceptance_no.ends_with("-0001"), "{}", stored.acceptance_no);
        let sent = store.outgoing(10).unwrap();
        assert_eq!(sent.len(), 1);
        sent[0].request().validate().unwrap();
    }

    /// A full disk (issue 18, item 3): SQLite's own `SQLITE_FULL`, from a file that may not grow.
    #[test]
    fn a_full_disk_is_a_typed_error_that_keeps_nothing_and_passes_once_there_is_room() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("kiosk.sqlite3")).unwrap();
        assert!(store.has_room(64 * 1024).unwrap());
        store.cap_size_for_tests(true).unwrap();
        assert!(!store.has_room(64 * 1024).unwrap(), "a file that may not grow has no room");
        let mut kept = 0;
        let error = loop {
            assert!(kept < 30, "30 applications fitted in a file that may not grow");
            match submit(&mut store, &renewal()) {
                Ok(_) => kept += 1,
                Err(e) => break e,
            }
        };
        assert!(error.is_full(), "{error:?}");
        assert!(matches!(error, StoreError::Full(_)), "{error:?}");
        let message = error.to_string();
        assert!(message.contains("no space left") && message.contains("nothing of this write was kept"), "{message}");
        assert_eq!(store.applications().unwrap().len(), kept, "nothing of the failed write is kept");
        let jobs: usize = store.connection().query_row("SELECT COUNT(*) FROM print_job", [], |r| r.get(0)).unwrap();
        assert_eq!(jobs, kept, "no print job without its application");
        // Every other write says the same, and none panics.
        let full = |r: Result<(), StoreError>| matches!(r, Err(e) if e.is_full());
        let mut bigger = crate::catalog::bundled();
        bigger.version += 1;
        assert!(full(store.install_catalog_if_newer(&bigger).map(drop)), "a catalogue install");
        assert_eq!(store.catalog_version().unwrap(), None, "and nothing of it");
        assert!(full((0..200).try_for_each(|_| store.audit("工作人员", &"审计".repeat(100)))), "the audit log");
        assert!(store.integrity_ok().unwrap());

        store.cap_size_for_tests(false).unwrap();
        assert!(store.has_room(64 * 1024).unwrap());
        let next = submit(&mut store, &renewal()).unwrap();
        assert!(next.acceptance_no.ends_with(&format!("-{:04}", kept + 1)), "{}", next.acceptance_no);
        assert!(store.install_catalog_if_newer(&bigger).unwrap());
    }

    /// Clock jumps (issue 18, item 5): NTP setting the clock back or forward by hours, within the day
    /// and across midnight, neither repeats nor skips an acceptance number.
    #[test]
    fn clock_jumps_neither_repeat_nor_skip_an_acceptance_number() {
        use chrono::TimeZone;
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("kiosk.sqlite3")).unwrap();
        let at = |d: u32, h: u32, m: u32| Local.with_ymd_and_hms(2026, 12, d, h, m, 0).unwrap();
        let mut submit_at = |now| {
            store
                .submit("SF-QST-01", &renewal(), now, |_| PickupSlip::sample("https://zwfw.example.gov.cn"))
                .unwrap()
                .0
                .acceptance_no
        };
        let given: Vec<String> = [
            at(3, 22, 30), // 3 December, evening
            at(3, 22, 31),
            at(3, 19, 31), // set back 3 hours, same day
            at(4, 1, 32),  // set forward 6 hours, across midnight
            at(3, 21, 0),  // set back 4½ hours, across midnight
            at(3, 23, 59),
            at(4, 0, 1), // the real midnight
            at(4, 9, 0),
        ]
        .into_iter()
        .map(&mut submit_at)
        .collect();
        let expected = [
            "SF-QST-01-20261203-0001",
            "SF-QST-01-20261203-0002",
            "SF-QST-01-20261203-0003",
            "SF-QST-01-20261204-0001",
            "SF-QST-01-20261203-0004",
            "SF-QST-01-20261203-0005",
            "SF-QST-01-20261204-0002",
            "SF-QST-01-20261204-0003",
        ];
        assert_eq!(given, expected);
    }

    #[test]
    fn the_ten_thousandth_number_of_a_day_follows_the_9999th_and_ids_are_compared_as_text() {
        use chrono::TimeZone;
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("kiosk.sqlite3")).unwrap();
        let now = Local.with_ymd_and_hms(2026, 12, 3, 10, 0, 0).unwrap();
        let slip = |_: &Stored| PickupSlip::sample("https://zwfw.example.gov.cn");
        let first = store.submit("SF-QST-01", &renewal(), now, slip).unwrap().0;
        store
            .connection()
            .execute("UPDATE application SET acceptance_no = 'SF-QST-01-20261203-9999' WHERE id = ?1", [first.id])
            .unwrap();
        let next = store.submit("SF-QST-01", &renewal(), now, slip).unwrap().0;
        assert_eq!(next.acceptance_no, "SF-QST-01-20261203-10000");
        assert_eq!(
            store.submit("SF-QST-01", &renewal(), now, slip).unwrap().0.acceptance_no,
            "SF-QST-01-20261203-10001"
        );
        // `_` in another id is a character, not LIKE's wildcard: SF_QST_01 starts its own sequence.
        assert_eq!(
            store.submit("SF_QST_01", &renewal(), now, slip).unwrap().0.acceptance_no,
            "SF_QST_01-20261203-0001"
        );
    }

    /// Clock jumps (issue 18, item 5): status checks go round every synced application also after the
    /// clock was set back by hours; none is asked again and again while others wait.
    #[test]
    fn status_checks_go_round_after_the_clock_is_set_back() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("kiosk.sqlite3")).unwrap();
        let apps: Vec<Stored> = (0..3).map(|_| submit(&mut store, &renewal()).unwrap()).collect();
        for a in &apps {
            store.mark_synced(&a.idempotency_key, "accepted").unwrap();
        }
        let due = |store: &Store| -> Vec<String> {
            store.awaiting_status(2).unwrap().into_iter().map(|c| c.acceptance_no).collect()
        };
        let no = |i: usize| apps[i].acceptance_no.clone();
        // One period's checks, as the sync worker makes them: the newest stamp read once, then carried.
        let period = |store: &mut Store, checks: &[(usize, DateTime<Local>)]| {
            let mut newest = store.newest_hub_check().unwrap();
            for &(i, at) in checks {
                newest = Some(store.mark_hub_checked(&apps[i].token, at, newest).unwrap());
            }
        };
        let t = Local::now();
        assert_eq!(due(&store), [no(0), no(1)]);
        period(&mut store, &[(0, t), (1, t + chrono::Duration::seconds(1))]);
        assert_eq!(due(&store), [no(2), no(0)]);
        // NTP sets the clock back six hours before the next period.
        let back = t - chrono::Duration::hours(6);
        period(&mut store, &[(2, back), (0, back + chrono::Duration::seconds(1))]);
        assert_eq!(due(&store), [no(1), no(2)], "the one not asked longest comes first");
        period(&mut store, &[(1, back + chrono::Duration::seconds(2))]);
        assert_eq!(due(&store), [no(2), no(0)]);
    }

    #[test]
    fn every_sample_card_gives_an_applicant_the_contract_accepts() {
        // The foreign permanent residence card carries no address.
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("kiosk.sqlite3")).unwrap();
        for (stem, _, card) in crate::devices::idcard::sample_cards() {
            let app = NewApplication { applicant: Applicant::from(&card), ..renewal() };
            submit(&mut store, &app).unwrap_or_else(|e| panic!("{stem}: {e}"));
        }
        assert_eq!(store.outbox_depth().unwrap(), crate::devices::idcard::sample_cards().len());
    }

    #[test]
    fn a_row_of_an_unknown_kind_is_refused_naming_the_row_and_the_kind() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kiosk.sqlite3");
        let mut store = Store::open(&path).unwrap();
        let first = submit(&mut store, &renewal()).unwrap();
        let second = submit(&mut store, &renewal()).unwrap();
        drop(store);
        // As a newer build (since rolled back) or a damaged file would have left it.
        let raw = rusqlite::Connection::open(&path).unwrap();
        raw.execute("UPDATE application SET kind = 'complaint' WHERE id = ?1", [second.id]).unwrap();
        drop(raw);

        let store = Store::open(&path).unwrap();
        let expect_unknown = |r: Result<_, StoreError>| match r {
            Err(StoreError::UnknownKind(u)) => {
                assert_eq!(u, UnknownKind { id: second.id, kind: "complaint".into() });
                let message = StoreError::UnknownKind(u).to_string();
                assert!(
                    message.contains(&format!("row {}", second.id)) && message.contains("`complaint`"),
                    "{message}"
                );
            }
            Err(e) => panic!("expected UnknownKind, got {e}"),
            Ok(_) => panic!("a row of an unknown kind was read as something"),
        };
        expect_unknown(store.applications().map(drop));
        expect_unknown(store.outgoing(10).map(drop));
        expect_unknown(store.sendable(10).map(drop));
        expect_unknown(store.application_by_acceptance_no(&second.acceptance_no).map(drop));
        expect_unknown(store.application_by_token(&second.token).map(drop));
        // The other rows still read as they are.
        let ok = store.application_by_acceptance_no(&first.acceptance_no).unwrap().unwrap();
        assert_eq!(ok.kind, Kind::Application);
    }
}
