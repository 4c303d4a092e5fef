//! All persistence of the hub. This is the only module that knows SQL or SQLite: the rest of the hub
//! calls [`Store`] methods with wire/domain types, so a PostgreSQL backend can replace this file
//! without touching handlers or the CLI.
//!
//! SQLite runs in WAL mode with `synchronous=FULL`: an application answered with 201 is on disk.
//! One connection behind a mutex is plenty for a district (hundreds of terminals, a few requests per
//! minute each); callers on the async runtime go through `spawn_blocking`.

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use kiosk_contract::mask_name;
use rand::Rng;
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::model::{
    ApplicationProgress, ApplicationReceipt, ApplicationRequest, Heartbeat, Kind, RatingReceipt, RatingRequest, Status,
    TimelineEntry,
};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Db(#[from] rusqlite::Error),
    #[error("stored data is damaged: {0}")]
    Corrupt(String),
    #[error("{0} not found")]
    NotFound(String),
    #[error("terminal `{0}` already exists")]
    TerminalExists(String),
    #[error("catalogue version {new} is not higher than the current version {current}")]
    VersionNotHigher { new: i64, current: i64 },
    #[error("this idempotency key was already used with a different request body")]
    IdempotencyConflict,
    #[error("acceptance number already used by another application")]
    DuplicateAcceptanceNo,
    #[error("token already used by another application")]
    DuplicateToken,
    #[error("this application was already rated")]
    AlreadyRated,
    #[error("cannot change status from {from} to {to}")]
    BadTransition { from: &'static str, to: &'static str },
}

/// Outcome of presenting a bearer token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Auth {
    Terminal(String),
    Revoked(String),
    Unknown,
}

/// Whether `create_application` stored a new row or found the same request already stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Created {
    New,
    Replayed,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HeartbeatRecord {
    pub received_at: String,
    #[serde(flatten)]
    pub heartbeat: Heartbeat,
    pub problems: Vec<&'static str>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TerminalRecord {
    pub id: String,
    pub name: Option<String>,
    pub created_at: String,
    pub revoked_at: Option<String>,
    pub last_heartbeat: Option<HeartbeatRecord>,
}

/// A staff-facing row: no ID number, the applicant's name masked as the kiosk masks it (`王*兰`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ApplicationSummary {
    pub id: i64,
    pub acceptance_no: String,
    pub kind: Kind,
    pub status: Status,
    pub terminal_id: String,
    pub idempotency_key: String,
    pub item_code: String,
    pub item_name: String,
    pub applicant_name: String,
    pub submitted_at: String,
    pub received_at: String,
    pub promised_date: Option<String>,
}

pub struct Store {
    conn: Mutex<Connection>,
}

const SCHEMA: &str = "
CREATE TABLE terminals (
    id          TEXT PRIMARY KEY,
    name        TEXT,
    token_hash  TEXT NOT NULL UNIQUE,
    created_at  TEXT NOT NULL,
    revoked_at  TEXT
);
CREATE TABLE terminal_health (
    terminal_id TEXT PRIMARY KEY REFERENCES terminals(id),
    received_at TEXT NOT NULL,
    body        TEXT NOT NULL
);
CREATE TABLE catalogs (
    version      INTEGER PRIMARY KEY,
    body         TEXT NOT NULL,
    published_at TEXT NOT NULL
);
CREATE TABLE applications (
    id              INTEGER PRIMARY KEY,
    idempotency_key TEXT NOT NULL UNIQUE,
    request_hash    TEXT NOT NULL,
    terminal_id     TEXT NOT NULL REFERENCES terminals(id),
    acceptance_no   TEXT NOT NULL UNIQUE,
    token           TEXT NOT NULL UNIQUE,
    kind            TEXT NOT NULL,
    item_code       TEXT NOT NULL,
    item_name       TEXT NOT NULL,
    applicant       TEXT NOT NULL,
    form            TEXT NOT NULL,
    submitted_at    TEXT NOT NULL,
    promised_date   TEXT,
    pickup_code     TEXT NOT NULL,
    grid            TEXT,
    note            TEXT,
    status          TEXT NOT NULL,
    received_at     TEXT NOT NULL
);
CREATE TABLE application_events (
    id             INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES applications(id),
    status         TEXT NOT NULL,
    at             TEXT NOT NULL,
    note           TEXT
);
CREATE INDEX application_events_by_application ON application_events(application_id, id);
CREATE TABLE ratings (
    application_id INTEGER PRIMARY KEY REFERENCES applications(id),
    terminal_id    TEXT NOT NULL,
    score          INTEGER NOT NULL,
    reasons        TEXT NOT NULL,
    rated_at       TEXT NOT NULL,
    received_at    TEXT NOT NULL
);
";

/// Current UTC time as RFC 3339 with milliseconds, e.g. `2026-11-22T01:41:00.123Z`.
pub fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Lower-case hex SHA-256.
pub fn sha256_hex(data: &[u8]) -> String {
    Sha256::digest(data).iter().map(|b| format!("{b:02x}")).collect()
}

fn corrupt(what: &str) -> impl Fn(serde_json::Error) -> StoreError + '_ {
    move |e| StoreError::Corrupt(format!("{what}: {e}"))
}

fn parse_status(s: &str) -> Result<Status, StoreError> {
    Status::parse(s).ok_or_else(|| StoreError::Corrupt(format!("unknown status `{s}`")))
}

fn parse_kind(s: &str) -> Result<Kind, StoreError> {
    Kind::parse(s).ok_or_else(|| StoreError::Corrupt(format!("unknown kind `{s}`")))
}

impl Store {
    /// Opens (creating if needed) the database file and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", true)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if version == 0 {
            conn.execute_batch(&format!("BEGIN; {SCHEMA} PRAGMA user_version = 1; COMMIT;"))?;
        } else if version != 1 {
            return Err(StoreError::Corrupt(format!("schema version {version} is newer than this hub knows (1)")));
        }
        Ok(Store { conn: Mutex::new(conn) })
    }

    /// SQLite's `PRAGMA quick_check` of the whole file: `None` when sound, else its first complaint
    /// (one line). Reads every page: `serve` runs it once at start.
    pub fn quick_check(&self) -> Result<Option<String>, StoreError> {
        let first: String = self.conn().query_row("PRAGMA quick_check(1)", [], |r| r.get(0))?;
        let first = first.replace("*** in database main ***", "").split_whitespace().collect::<Vec<_>>().join(" ");
        Ok((first != "ok").then_some(first))
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave SQLite half-written (transactions roll back).
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }

    // --- terminals -------------------------------------------------------------------------------

    /// Registers a terminal and returns its new bearer token (only its hash is stored).
    pub fn add_terminal(&self, id: &str, name: Option<&str>) -> Result<String, StoreError> {
        let mut bytes = [0u8; 32];
        rand::rng().fill(&mut bytes);
        let token: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let conn = self.conn();
        let exists: bool =
            conn.query_row("SELECT EXISTS(SELECT 1 FROM terminals WHERE id = ?1)", [id], |r| r.get(0))?;
        if exists {
            return Err(StoreError::TerminalExists(id.to_string()));
        }
        conn.execute(
            "INSERT INTO terminals (id, name, token_hash, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![id, name, sha256_hex(token.as_bytes()), now()],
        )?;
        Ok(token)
    }

    pub fn authenticate(&self, token: &str) -> Result<Auth, StoreError> {
        let row: Option<(String, Option<String>)> = self
            .conn()
            .query_row(
                "SELECT id, revoked_at FROM terminals WHERE token_hash = ?1",
                [sha256_hex(token.as_bytes())],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        Ok(match row {
            Some((id, None)) => Auth::Terminal(id),
            Some((id, Some(_))) => Auth::Revoked(id),
            None => Auth::Unknown,
        })
    }

    /// Revokes a terminal's token. Revoking twice keeps the first time.
    pub fn revoke_terminal(&self, id: &str) -> Result<(), StoreError> {
        let conn = self.conn();
        let n = conn
            .execute("UPDATE terminals SET revoked_at = COALESCE(revoked_at, ?2) WHERE id = ?1", params![id, now()])?;
        if n == 0 {
            return Err(StoreError::NotFound(format!("terminal `{id}`")));
        }
        Ok(())
    }

    pub fn record_heartbeat(&self, terminal_id: &str, heartbeat: &Heartbeat) -> Result<(), StoreError> {
        let body = serde_json::to_string(heartbeat).map_err(corrupt("heartbeat"))?;
        self.conn().execute(
            "INSERT INTO terminal_health (terminal_id, received_at, body) VALUES (?1, ?2, ?3)
             ON CONFLICT(terminal_id) DO UPDATE SET received_at = excluded.received_at, body = excluded.body",
            params![terminal_id, now(), body],
        )?;
        Ok(())
    }

    pub fn list_terminals(&self) -> Result<Vec<TerminalRecord>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT t.id, t.name, t.created_at, t.revoked_at, h.received_at, h.body
             FROM terminals t LEFT JOIN terminal_health h ON h.terminal_id = t.id ORDER BY t.id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, Option<String>>(5)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, name, created_at, revoked_at, received_at, body) = row?;
            let last_heartbeat = match (received_at, body) {
                (Some(received_at), Some(body)) => {
                    let heartbeat: Heartbeat = serde_json::from_str(&body).map_err(corrupt("heartbeat"))?;
                    let problems = heartbeat.problems();
                    Some(HeartbeatRecord { received_at, heartbeat, problems })
                }
                _ => None,
            };
            out.push(TerminalRecord { id, name, created_at, revoked_at, last_heartbeat });
        }
        Ok(out)
    }

    // --- catalogue -------------------------------------------------------------------------------

    /// The newest published catalogue: its version and the JSON text exactly as published.
    pub fn latest_catalog(&self) -> Result<Option<(i64, String)>, StoreError> {
        Ok(self
            .conn()
            .query_row("SELECT version, body FROM catalogs ORDER BY version DESC LIMIT 1", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?)
    }

    /// Stores a catalogue as the new current version; refuses a version not higher than the current.
    pub fn publish_catalog(&self, version: i64, body: &str) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let current: Option<i64> = tx.query_row("SELECT MAX(version) FROM catalogs", [], |r| r.get(0))?;
        if let Some(current) = current.filter(|c| *c >= version) {
            return Err(StoreError::VersionNotHigher { new: version, current });
        }
        tx.execute(
            "INSERT INTO catalogs (version, body, published_at) VALUES (?1, ?2, ?3)",
            params![version, body, now()],
        )?;
        tx.commit()?;
        Ok(())
    }

    // --- applications ----------------------------------------------------------------------------

    /// Stores an application once per idempotency key. The same key with the same body answers the
    /// stored record again (`Created::Replayed`); with another body, `IdempotencyConflict`.
    pub fn create_application(&self, req: &ApplicationRequest) -> Result<(Created, ApplicationReceipt), StoreError> {
        let mut req = req.clone();
        req.idempotency_key.make_ascii_lowercase();
        let canonical = serde_json::to_vec(&req).map_err(corrupt("request"))?;
        let hash = sha256_hex(&canonical);

        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let existing: Option<(i64, String)> = tx
            .query_row(
                "SELECT id, request_hash FROM applications WHERE idempotency_key = ?1",
                [&req.idempotency_key],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        if let Some((id, stored_hash)) = existing {
            if stored_hash != hash {
                return Err(StoreError::IdempotencyConflict);
            }
            return Ok((Created::Replayed, receipt(&tx, id)?));
        }
        let taken = |column: &str, value: &str| -> Result<bool, rusqlite::Error> {
            tx.query_row(&format!("SELECT EXISTS(SELECT 1 FROM applications WHERE {column} = ?1)"), [value], |r| {
                r.get(0)
            })
        };
        if taken("acceptance_no", &req.acceptance_no)? {
            return Err(StoreError::DuplicateAcceptanceNo);
        }
        if taken("token", &req.token)? {
            return Err(StoreError::DuplicateToken);
        }
        let received_at = now();
        tx.execute(
            "INSERT INTO applications (idempotency_key, request_hash, terminal_id, acceptance_no, token, kind,
                 item_code, item_name, applicant, form, submitted_at, promised_date, pickup_code, grid, note,
                 status, received_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
            params![
                req.idempotency_key,
                hash,
                req.terminal_id,
                req.acceptance_no,
                req.token,
                req.kind.as_str(),
                req.item_code,
                req.item_name,
                json(&req.applicant)?,
                json(&req.form)?,
                req.submitted_at,
                req.promised_date,
                req.pickup_code,
                req.grid.as_ref().map(json).transpose()?,
                req.note,
                Status::Accepted.as_str(),
                received_at,
            ],
        )?;
        let id = tx.last_insert_rowid();
        tx.execute(
            "INSERT INTO application_events (application_id, status, at, note) VALUES (?1, ?2, ?3, NULL)",
            params![id, Status::Accepted.as_str(), received_at],
        )?;
        let r = receipt(&tx, id)?;
        tx.commit()?;
        Ok((Created::New, r))
    }

    /// Status and timeline by slip token, without personal fields.
    pub fn progress(&self, token: &str) -> Result<Option<ApplicationProgress>, StoreError> {
        let conn = self.conn();
        let row = conn
            .query_row(
                "SELECT id, token, acceptance_no, item_code, item_name, kind, status, promised_date
                 FROM applications WHERE token = ?1",
                [token],
                |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, String>(4)?,
                        r.get::<_, String>(5)?,
                        r.get::<_, String>(6)?,
                        r.get::<_, Option<String>>(7)?,
                    ))
                },
            )
            .optional()?;
        let Some((id, token, acceptance_no, item_code, item_name, kind, status, promised_date)) = row else {
            return Ok(None);
        };
        let mut stmt =
            conn.prepare("SELECT status, at, note FROM application_events WHERE application_id = ?1 ORDER BY id")?;
        let timeline = stmt
            .query_map([id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, Option<String>>(2)?)))?
            .map(|row| {
                let (status, at, note) = row?;
                Ok(TimelineEntry { status: parse_status(&status)?.into(), at, note })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(Some(ApplicationProgress {
            token,
            acceptance_no,
            item_code,
            item_name,
            kind: parse_kind(&kind)?.into(),
            status: parse_status(&status)?.into(),
            promised_date,
            timeline,
        }))
    }

    pub fn list_applications(
        &self,
        kind: Option<Kind>,
        status: Option<Status>,
    ) -> Result<Vec<ApplicationSummary>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT id, acceptance_no, kind, status, terminal_id, idempotency_key, item_code, item_name, applicant,
                    submitted_at, received_at, promised_date
             FROM applications
             WHERE (?1 IS NULL OR kind = ?1) AND (?2 IS NULL OR status = ?2) ORDER BY id",
        )?;
        let rows = stmt.query_map(params![kind.map(Kind::as_str), status.map(Status::as_str)], |r| {
            Ok((
                (r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?),
                (r.get::<_, String>(4)?, r.get::<_, String>(5)?, r.get::<_, String>(6)?, r.get::<_, String>(7)?),
                (r.get::<_, String>(8)?, r.get::<_, String>(9)?, r.get::<_, String>(10)?),
                r.get::<_, Option<String>>(11)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let ((id, acceptance_no, kind, status), (terminal_id, idempotency_key, item_code, item_name), rest, pd) =
                row?;
            let (applicant, submitted_at, received_at) = rest;
            let applicant: crate::model::Applicant = serde_json::from_str(&applicant).map_err(corrupt("applicant"))?;
            out.push(ApplicationSummary {
                id,
                acceptance_no,
                kind: parse_kind(&kind)?,
                status: parse_status(&status)?,
                terminal_id,
                idempotency_key,
                item_code,
                item_name,
                applicant_name: mask_name(&applicant.name),
                submitted_at,
                received_at,
                promised_date: pd,
            });
        }
        Ok(out)
    }

    /// Moves an application (by numeric id or acceptance number) to `next`, recording a timeline entry.
    /// Returns the slip token of the application.
    pub fn set_status(&self, id_or_no: &str, next: Status, note: Option<&str>) -> Result<String, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let by_id = id_or_no.parse::<i64>().ok();
        let row: Option<(i64, String, String)> = tx
            .query_row(
                "SELECT id, status, token FROM applications WHERE id = ?1 OR acceptance_no = ?2
                 ORDER BY (id = ?1) DESC LIMIT 1",
                params![by_id, id_or_no],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let Some((id, current, token)) = row else {
            return Err(StoreError::NotFound(format!("application `{id_or_no}`")));
        };
        let current = parse_status(&current)?;
        if !current.can_become(next) {
            return Err(StoreError::BadTransition { from: current.as_str(), to: next.as_str() });
        }
        tx.execute("UPDATE applications SET status = ?2 WHERE id = ?1", params![id, next.as_str()])?;
        tx.execute(
            "INSERT INTO application_events (application_id, status, at, note) VALUES (?1, ?2, ?3, ?4)",
            params![id, next.as_str(), now(), note],
        )?;
        tx.commit()?;
        Ok(token)
    }

    // --- ratings ---------------------------------------------------------------------------------

    /// Stores the one rating an application may get.
    pub fn add_rating(&self, rating: &RatingRequest) -> Result<RatingReceipt, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let id: Option<i64> =
            tx.query_row("SELECT id FROM applications WHERE token = ?1", [&rating.token], |r| r.get(0)).optional()?;
        let Some(id) = id else {
            return Err(StoreError::NotFound("application".into()));
        };
        let rated: bool =
            tx.query_row("SELECT EXISTS(SELECT 1 FROM ratings WHERE application_id = ?1)", [id], |r| r.get(0))?;
        if rated {
            return Err(StoreError::AlreadyRated);
        }
        let received_at = now();
        let reasons = serde_json::to_string(&rating.reasons).map_err(corrupt("reasons"))?;
        tx.execute(
            "INSERT INTO ratings (application_id, terminal_id, score, reasons, rated_at, received_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![id, rating.terminal_id, rating.score, reasons, rating.rated_at, received_at],
        )?;
        tx.commit()?;
        Ok(RatingReceipt { token: rating.token.clone(), score: rating.score, received_at })
    }
}

fn receipt(tx: &Transaction<'_>, id: i64) -> Result<ApplicationReceipt, StoreError> {
    let (acceptance_no, token, status, promised_date, received_at): (String, String, String, Option<String>, String) =
        tx.query_row(
            "SELECT acceptance_no, token, status, promised_date, received_at FROM applications WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )?;
    Ok(ApplicationReceipt {
        id,
        acceptance_no,
        token,
        status: parse_status(&status)?.into(),
        promised_date,
        received_at,
    })
}

fn json<T: Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(corrupt("request"))
}

impl StoreError {
    /// Whether SQLite says the file is damaged or not a database (`SQLITE_CORRUPT`, `SQLITE_NOTADB`).
    pub fn is_corruption(&self) -> bool {
        match self {
            StoreError::Db(e) => matches!(
                e.sqlite_error_code(),
                Some(rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase)
            ),
            _ => false,
        }
    }
}
