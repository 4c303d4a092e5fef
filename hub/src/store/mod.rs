//! All persistence of the hub, behind one type, [`Store`], that every handler and CLI command uses.
//! Two backends implement the [`Storage`] trait underneath it:
//!
//! - [`sqlite`]: one SQLite file (rusqlite, bundled), the default: nothing to install. WAL mode,
//!   `synchronous=FULL`: an application answered with 201 is on disk. One `kiosk-hub serve` per
//!   file (a lock file next to it refuses a second one, naming the file).
//! - [`postgres`]: a PostgreSQL database (`tokio-postgres` + `deadpool-postgres`, no libpq), for
//!   several hub instances behind a load balancer. Exactly-once intake, status changes and catalogue
//!   versions are decided by the database's constraints and row checks, not by a process lock.
//!
//! Both run numbered schema migrations at open ([`MIGRATIONS`]: a `schema_migrations` table) and
//! answer with the same [`StoreError`]s. This module holds what both share: token hashing, the
//! encryption of personal fields ([`crypto`]) and the parsing of stored JSON.

pub mod crypto;
mod postgres;
mod sqlite;

use std::path::Path;

use kiosk_contract::mask_name;
use rand::Rng;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::config::Database;
use crate::model::{
    Applicant, ApplicationProgress, ApplicationReceipt, ApplicationRequest, Heartbeat, Kind, RatingReceipt,
    RatingRequest, Status,
};
use crypto::Crypto;

/// The schema migrations, numbered from 1, the same numbers for both backends (each has its own SQL
/// for a number). Each one runs once, in a transaction, at open; `schema_migrations` records it.
pub const MIGRATIONS: &[&str] = &[
    "1: terminals, heartbeats, catalogues, applications, timeline events, ratings",
    "2: applications.key_id, id_suffix, purged_at (personal fields encrypted at rest, retention)",
    "3: grid directories (kiosk-hub grid publish, GET /api/v1/grid)",
];

/// The schema version this hub brings a database to.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Db(#[from] rusqlite::Error),
    #[error("database error: {0}")]
    Postgres(#[from] tokio_postgres::Error),
    #[error("database connection: {0}")]
    Pool(String),
    #[error("stored data is damaged: {0}")]
    Corrupt(String),
    #[error("{0} not found")]
    NotFound(String),
    #[error("terminal `{0}` already exists")]
    TerminalExists(String),
    #[error("catalogue version {new} is not higher than the current version {current}")]
    VersionNotHigher { new: i64, current: i64 },
    #[error("grid directory version {new} is not higher than the current version {current}")]
    GridVersionNotHigher { new: i64, current: i64 },
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
    /// Someone else changed the application's status between this change's read and its write.
    #[error(
        "conflict: application `{id}` was changed by someone else meanwhile (it was {expected}, it is now {now}); \
         nothing was changed: look at it again and retry"
    )]
    StatusConflict { id: String, expected: &'static str, now: String },
    #[error("the database is in use by another `kiosk-hub serve`: {0}")]
    InUse(String),
    #[error("key file: {0}")]
    Key(String),
    /// Not the last characters of an ID number ([`crypto::parse_id_suffix`]).
    #[error("`{0}` is not the last 4 characters of an ID number (digits, or X last)")]
    InvalidIdSuffix(String),
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

/// The name shown for an application whose personal fields were purged (`retention_days`).
pub const PURGED_NAME: &str = "（已清除）";

/// A terminal row as stored.
pub(crate) struct TerminalRow {
    pub id: String,
    pub name: Option<String>,
    pub created_at: String,
    pub revoked_at: Option<String>,
    /// `(received_at, heartbeat JSON)`.
    pub health: Option<(String, String)>,
}

/// An application as a backend stores it: personal fields already sealed by [`Crypto`].
pub(crate) struct NewApplication<'a> {
    /// With the idempotency key in lower case.
    pub req: &'a ApplicationRequest,
    /// SHA-256 of the canonical request (the same key with another body is a conflict).
    pub request_hash: String,
    pub applicant: String,
    pub form: String,
    pub key_id: Option<i64>,
    pub id_suffix: Option<String>,
    pub received_at: String,
}

/// An application row for staff lists: `applicant` is still sealed (or empty once purged).
pub(crate) struct ApplicationRow {
    pub summary: ApplicationSummary,
    pub applicant: String,
}

/// A row whose personal fields are to be sealed again with the current key.
pub(crate) struct SealedRow {
    pub id: i64,
    pub applicant: String,
    pub form: String,
}

/// What each backend does. Inputs are prepared by [`Store`] (hashes, sealed fields, timestamps);
/// errors are the same [`StoreError`]s on both.
pub(crate) trait Storage: Send + Sync {
    fn quick_check(&self) -> Result<Option<String>, StoreError>;
    fn insert_terminal(&self, id: &str, name: Option<&str>, token_hash: &str, at: &str) -> Result<(), StoreError>;
    fn terminal_by_token_hash(&self, hash: &str) -> Result<Option<(String, Option<String>)>, StoreError>;
    fn revoke_terminal(&self, id: &str, at: &str) -> Result<(), StoreError>;
    fn record_heartbeat(&self, terminal_id: &str, at: &str, body: &str) -> Result<(), StoreError>;
    fn list_terminals(&self) -> Result<Vec<TerminalRow>, StoreError>;
    fn latest_catalog(&self) -> Result<Option<(i64, String)>, StoreError>;
    fn publish_catalog(&self, version: i64, body: &str, at: &str) -> Result<(), StoreError>;
    fn latest_grid(&self) -> Result<Option<(i64, String)>, StoreError>;
    fn publish_grid(&self, version: i64, body: &str, at: &str) -> Result<(), StoreError>;
    fn create_application(&self, new: &NewApplication<'_>) -> Result<(Created, ApplicationReceipt), StoreError>;
    fn progress(&self, token: &str) -> Result<Option<ApplicationProgress>, StoreError>;
    fn list_applications(
        &self,
        kind: Option<Kind>,
        status: Option<Status>,
        id_suffix: Option<&str>,
    ) -> Result<Vec<ApplicationRow>, StoreError>;
    fn set_status(&self, id_or_no: &str, next: Status, note: Option<&str>, at: &str) -> Result<String, StoreError>;
    fn add_rating(&self, rating: &RatingRequest, reasons: &str, at: &str) -> Result<(), StoreError>;
    /// Empties the personal fields of applications picked up or rejected before `cutoff` (RFC 3339
    /// UTC); returns how many.
    fn purge_personal(&self, cutoff: &str, at: &str) -> Result<usize, StoreError>;
    /// Up to `limit` unpurged rows with an id above `after_id` not sealed with key `key_id` (plaintext
    /// rows included), by id.
    fn rows_to_reseal(&self, key_id: i64, after_id: i64, limit: usize) -> Result<Vec<SealedRow>, StoreError>;
    /// Replaces a row's sealed fields if they are still `old` (else false: someone else did).
    fn reseal(
        &self,
        old: &SealedRow,
        applicant: &str,
        form: &str,
        key_id: i64,
        id_suffix: Option<&str>,
    ) -> Result<bool, StoreError>;
}

pub struct Store {
    backend: Box<dyn Storage>,
    crypto: Option<Crypto>,
}

/// Current UTC time as RFC 3339 with milliseconds, e.g. `2026-11-22T01:41:00.123Z`.
pub fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Lower-case hex SHA-256.
pub fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

pub(crate) fn corrupt(what: &str) -> impl Fn(serde_json::Error) -> StoreError + '_ {
    move |e| StoreError::Corrupt(format!("{what}: {e}"))
}

pub(crate) fn parse_status(s: &str) -> Result<Status, StoreError> {
    Status::parse(s).ok_or_else(|| StoreError::Corrupt(format!("unknown status `{s}`")))
}

pub(crate) fn parse_kind(s: &str) -> Result<Kind, StoreError> {
    Kind::parse(s).ok_or_else(|| StoreError::Corrupt(format!("unknown kind `{s}`")))
}

pub(crate) fn json<T: Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(corrupt("request"))
}

impl Store {
    /// Opens (creating if needed) an SQLite database file and brings its schema up to date; personal
    /// fields are stored without encryption (no key file).
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        Ok(Store { backend: Box::new(sqlite::SqliteStore::open(path)?), crypto: None })
    }

    /// Opens the configured database (an SQLite file or a PostgreSQL URL), runs the migrations, and
    /// seals personal fields with the keys of `key_file` when one is given (it must exist: `kiosk-hub
    /// keys init` creates it). A PostgreSQL URL with `sslmode=require` trusts the CA certificates (PEM)
    /// of `database_ca_file`, else the system's roots.
    pub fn connect(
        database: &Database,
        key_file: Option<&Path>,
        database_ca_file: Option<&Path>,
    ) -> Result<Store, StoreError> {
        let crypto = key_file.map(Crypto::load).transpose()?;
        let backend: Box<dyn Storage> = match database {
            Database::Sqlite(path) => Box::new(sqlite::SqliteStore::open(path)?),
            Database::Postgres(url) => Box::new(postgres::PgStore::open(url, database_ca_file)?),
        };
        Ok(Store { backend, crypto })
    }

    /// Takes the lock that lets one `kiosk-hub serve` use an SQLite file (a `<file>.lock` next to it,
    /// held until the process ends). PostgreSQL needs none: any number of instances share it.
    pub fn lock_for_serving(database: &Database) -> Result<Option<std::fs::File>, StoreError> {
        match database {
            Database::Sqlite(path) => sqlite::lock_for_serving(path).map(Some),
            Database::Postgres(_) => Ok(None),
        }
    }

    /// SQLite's `PRAGMA quick_check` of the whole file: `None` when sound, else its first complaint
    /// (one line). Reads every page: `serve` runs it once at start. PostgreSQL checks its own pages.
    pub fn quick_check(&self) -> Result<Option<String>, StoreError> {
        self.backend.quick_check()
    }

    /// The key file's crypto, when one is configured.
    pub fn crypto(&self) -> Option<&Crypto> {
        self.crypto.as_ref()
    }

    // --- terminals -------------------------------------------------------------------------------

    /// Registers a terminal and returns its new bearer token (only its hash is stored).
    pub fn add_terminal(&self, id: &str, name: Option<&str>) -> Result<String, StoreError> {
        let mut bytes = [0u8; 32];
        rand::rng().fill(&mut bytes);
        let token = hex::encode(bytes);
        self.backend.insert_terminal(id, name, &sha256_hex(token.as_bytes()), &now())?;
        Ok(token)
    }

    pub fn authenticate(&self, token: &str) -> Result<Auth, StoreError> {
        Ok(match self.backend.terminal_by_token_hash(&sha256_hex(token.as_bytes()))? {
            Some((id, None)) => Auth::Terminal(id),
            Some((id, Some(_))) => Auth::Revoked(id),
            None => Auth::Unknown,
        })
    }

    /// Revokes a terminal's token. Revoking twice keeps the first time.
    pub fn revoke_terminal(&self, id: &str) -> Result<(), StoreError> {
        self.backend.revoke_terminal(id, &now())
    }

    pub fn record_heartbeat(&self, terminal_id: &str, heartbeat: &Heartbeat) -> Result<(), StoreError> {
        let body = serde_json::to_string(heartbeat).map_err(corrupt("heartbeat"))?;
        self.backend.record_heartbeat(terminal_id, &now(), &body)
    }

    pub fn list_terminals(&self) -> Result<Vec<TerminalRecord>, StoreError> {
        self.backend
            .list_terminals()?
            .into_iter()
            .map(|t| {
                let last_heartbeat = match t.health {
                    Some((received_at, body)) => {
                        let heartbeat: Heartbeat = serde_json::from_str(&body).map_err(corrupt("heartbeat"))?;
                        let problems = heartbeat.problems();
                        Some(HeartbeatRecord { received_at, heartbeat, problems })
                    }
                    None => None,
                };
                Ok(TerminalRecord {
                    id: t.id,
                    name: t.name,
                    created_at: t.created_at,
                    revoked_at: t.revoked_at,
                    last_heartbeat,
                })
            })
            .collect()
    }

    // --- catalogue -------------------------------------------------------------------------------

    /// The newest published catalogue: its version and the JSON text exactly as published.
    pub fn latest_catalog(&self) -> Result<Option<(i64, String)>, StoreError> {
        self.backend.latest_catalog()
    }

    /// Stores a catalogue as the new current version; refuses a version not higher than the current.
    pub fn publish_catalog(&self, version: i64, body: &str) -> Result<(), StoreError> {
        self.backend.publish_catalog(version, body, &now())
    }

    // --- grid directories ------------------------------------------------------------------------

    /// The newest published grid directory: its version and the JSON text exactly as published.
    pub fn latest_grid(&self) -> Result<Option<(i64, String)>, StoreError> {
        self.backend.latest_grid()
    }

    /// Stores a grid directory as the new current version; refuses a version not higher than the
    /// current. The caller has checked it (`kiosk_contract::grid::Directory::validate`).
    pub fn publish_grid(&self, version: i64, body: &str) -> Result<(), StoreError> {
        self.backend.publish_grid(version, body, &now())
    }

    // --- applications ----------------------------------------------------------------------------

    /// Stores an application once per idempotency key. The same key with the same body answers the
    /// stored record again (`Created::Replayed`); with another body, `IdempotencyConflict`.
    pub fn create_application(&self, req: &ApplicationRequest) -> Result<(Created, ApplicationReceipt), StoreError> {
        let mut req = req.clone();
        req.idempotency_key.make_ascii_lowercase();
        let canonical = serde_json::to_vec(&req).map_err(corrupt("request"))?;
        let request_hash = sha256_hex(&canonical);
        let (applicant, form) = (json(&req.applicant)?, json(&req.form)?);
        let (applicant, form, key_id, id_suffix) = match &self.crypto {
            Some(c) => {
                let (key_id, applicant, form) = c.seal_pair(&applicant, &form)?;
                (applicant, form, Some(key_id), Some(c.id_suffix_hash(&req.applicant.id_number)))
            }
            None => (applicant, form, None, None),
        };
        let new = NewApplication { req: &req, request_hash, applicant, form, key_id, id_suffix, received_at: now() };
        self.backend.create_application(&new)
    }

    /// Status and timeline by slip token, without personal fields.
    pub fn progress(&self, token: &str) -> Result<Option<ApplicationProgress>, StoreError> {
        self.backend.progress(token)
    }

    pub fn list_applications(
        &self,
        kind: Option<Kind>,
        status: Option<Status>,
    ) -> Result<Vec<ApplicationSummary>, StoreError> {
        let rows = self.backend.list_applications(kind, status, None)?;
        rows.into_iter().map(|row| self.summary(row)).collect()
    }

    /// Applications whose applicant's ID number ends in `suffix` (the last four characters, `X` in
    /// either case; else [`StoreError::InvalidIdSuffix`]). With a key file the database is asked for the
    /// keyed hash of the suffix (it holds no ID number to compare with); without one, the rows are read
    /// and compared.
    pub fn find_by_id_suffix(
        &self,
        suffix: &str,
        kind: Option<Kind>,
        status: Option<Status>,
    ) -> Result<Vec<ApplicationSummary>, StoreError> {
        let suffix = crypto::parse_id_suffix(suffix).ok_or_else(|| StoreError::InvalidIdSuffix(suffix.to_string()))?;
        match &self.crypto {
            Some(c) => {
                let hash = c.suffix_hash(&suffix);
                let rows = self.backend.list_applications(kind, status, Some(&hash))?;
                rows.into_iter().map(|row| self.summary(row)).collect()
            }
            None => {
                let mut out = Vec::new();
                for row in self.backend.list_applications(kind, status, None)? {
                    let matches =
                        self.applicant(&row.applicant)?.is_some_and(|a| crypto::id_suffix(&a.id_number) == suffix);
                    if matches {
                        out.push(self.summary(row)?);
                    }
                }
                Ok(out)
            }
        }
    }

    /// The applicant of a stored row: `None` once purged.
    fn applicant(&self, stored: &str) -> Result<Option<Applicant>, StoreError> {
        if stored.is_empty() {
            return Ok(None);
        }
        let text = match &self.crypto {
            Some(c) => c.open(stored, crypto::Field::Applicant)?,
            None if crypto::is_sealed(stored) => {
                return Err(StoreError::Key(
                    "the database holds encrypted personal fields: set key_file in hub.toml to the key file".into(),
                ))
            }
            None => stored.to_string(),
        };
        serde_json::from_str(&text).map(Some).map_err(corrupt("applicant"))
    }

    fn summary(&self, row: ApplicationRow) -> Result<ApplicationSummary, StoreError> {
        let mut summary = row.summary;
        summary.applicant_name = match self.applicant(&row.applicant)? {
            Some(a) => mask_name(&a.name),
            None => PURGED_NAME.to_string(),
        };
        Ok(summary)
    }

    /// Moves an application (by numeric id or acceptance number) to `next`, recording a timeline entry.
    /// Returns the slip token of the application. A change that races another one for the same
    /// application is refused with [`StoreError::StatusConflict`] (never both applied).
    pub fn set_status(&self, id_or_no: &str, next: Status, note: Option<&str>) -> Result<String, StoreError> {
        self.backend.set_status(id_or_no, next, note, &now())
    }

    // --- ratings ---------------------------------------------------------------------------------

    /// Stores the one rating an application may get.
    pub fn add_rating(&self, rating: &RatingRequest) -> Result<RatingReceipt, StoreError> {
        let received_at = now();
        let reasons = serde_json::to_string(&rating.reasons).map_err(corrupt("reasons"))?;
        self.backend.add_rating(rating, &reasons, &received_at)?;
        Ok(RatingReceipt { token: rating.token.clone(), score: rating.score, received_at })
    }

    // --- retention and keys ----------------------------------------------------------------------

    /// Empties the personal fields (applicant, form) of applications picked up or rejected more than
    /// `days` days ago. Returns how many were purged.
    pub fn purge_expired(&self, days: u32) -> Result<usize, StoreError> {
        let cutoff = chrono::Utc::now() - chrono::Duration::days(i64::from(days));
        let cutoff = cutoff.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        self.backend.purge_personal(&cutoff, &now())
    }

    /// Seals again, with the current key, up to `batch` rows with an id above `after_id` sealed with an
    /// older key or not at all (a database from before the key file). A row that cannot be opened or
    /// read is logged by its id, counted and left as it is; the others are still sealed. Reloads the
    /// key file first, so that a running hub picks up `kiosk-hub keys rotate`.
    pub fn reseal_batch(&self, after_id: i64, batch: usize) -> Result<ResealBatch, StoreError> {
        let mut out = ResealBatch::default();
        let Some(c) = &self.crypto else { return Ok(out) };
        c.reload()?;
        let key_id = c.current_key_id();
        for row in self.backend.rows_to_reseal(key_id, after_id, batch)? {
            out.last_id = Some(row.id);
            let sealed = (|| {
                let applicant = c.open(&row.applicant, crypto::Field::Applicant)?;
                let form = c.open(&row.form, crypto::Field::Form)?;
                let IdNumber { id_number } = serde_json::from_str(&applicant).map_err(corrupt("applicant"))?;
                let (new_key, applicant, form) = c.seal_pair(&applicant, &form)?;
                Ok::<_, StoreError>((new_key, applicant, form, c.id_suffix_hash(&id_number)))
            })();
            let (new_key, applicant, form, suffix) = match sealed {
                Ok(sealed) => sealed,
                Err(_) => {
                    // The error's text may quote the row's content: the id only.
                    log::error!(
                        "application {}: its personal fields cannot be opened or read: left as they are",
                        row.id
                    );
                    out.failed += 1;
                    continue;
                }
            };
            if self.backend.reseal(&row, &applicant, &form, new_key, Some(&suffix))? {
                out.sealed += 1;
            }
        }
        Ok(out)
    }

    /// Seals every row with the current key (see [`Store::reseal_batch`]); returns how many. Rows that
    /// cannot be opened are skipped (logged by id).
    pub fn reseal_all(&self) -> Result<usize, StoreError> {
        let (mut sealed, mut failed, mut after_id) = (0, 0, 0);
        loop {
            let batch = self.reseal_batch(after_id, 200)?;
            sealed += batch.sealed;
            failed += batch.failed;
            match batch.last_id {
                Some(id) => after_id = id,
                None => break,
            }
        }
        if failed > 0 {
            log::error!("{failed} applications could not be sealed with the current key (their ids are logged above)");
        }
        Ok(sealed)
    }
}

/// What [`Store::reseal_batch`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ResealBatch {
    /// Rows sealed with the current key.
    pub sealed: usize,
    /// Rows that could not be opened or read (left as they are).
    pub failed: usize,
    /// The highest id looked at: the `after_id` of the next batch; `None` when there were no more rows.
    pub last_id: Option<i64>,
}

/// The one field of a stored applicant that re-sealing needs (its suffix hash).
#[derive(serde::Deserialize)]
struct IdNumber {
    id_number: String,
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
