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

pub mod console;
pub mod crypto;
mod postgres;
mod sql;
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
    "3: staff, staff sessions, login failures, access log; who changed a status, who handed over; queue indexes",
    "4: enrolment codes (one-time codes a terminal exchanges for its token)",
    "5: grid directories (kiosk-hub grid publish, GET /api/v1/grid)",
];

/// A PostgreSQL error for the log: the server's message and SQLSTATE (tokio-postgres shows only "db
/// error" for them), never its detail, which may quote the values of a row.
fn postgres_message(e: &tokio_postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("{} (SQLSTATE {})", db.message(), db.code().code()),
        None => e.to_string(),
    }
}

/// The schema version this hub brings a database to.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Db(#[from] rusqlite::Error),
    #[error("database error: {}", postgres_message(.0))]
    Postgres(#[from] tokio_postgres::Error),
    #[error("database connection: {0}")]
    Pool(String),
    #[error("stored data is damaged: {0}")]
    Corrupt(String),
    #[error("{0} not found")]
    NotFound(String),
    #[error("staff account `{0}` already exists")]
    StaffExists(String),
    #[error("the password must have at least {min} characters")]
    PasswordTooShort { min: usize },
    /// 取件 with a code that is not the application's.
    #[error("the pickup code does not match this application")]
    WrongPickupCode,
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
    /// An enrolment code that cannot be exchanged (unknown, used or expired).
    #[error("{0}")]
    Enrolment(EnrolmentRefusal),
    #[error("`{0}` is not a terminal id (letters, digits and '-')")]
    InvalidTerminalId(String),
    /// A revoked terminal gets no enrolment code and no new token.
    #[error("terminal `{0}` is revoked: enrol it under a new terminal id")]
    TerminalRevoked(String),
    /// Not the last characters of an ID number ([`crypto::parse_id_suffix`]).
    #[error("`{0}` is not the last 4 characters of an ID number (digits, or X last)")]
    InvalidIdSuffix(String),
}

/// Why an enrolment code was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnrolmentRefusal {
    /// No such code (mistyped, or never issued).
    Unknown,
    /// The code was exchanged already: a code works once.
    Used,
    /// The code's time ran out before it was used.
    Expired,
}

impl std::fmt::Display for EnrolmentRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            EnrolmentRefusal::Unknown => "no such enrolment code: check the digits",
            EnrolmentRefusal::Used => "this enrolment code was already used: ask hub staff for a new one",
            EnrolmentRefusal::Expired => "this enrolment code has expired: ask hub staff for a new one",
        })
    }
}

/// A new enrolment code, as shown once to the admin who created it (only its hash is stored).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EnrolmentCode {
    /// [`ENROLMENT_CODE_DIGITS`] digits.
    pub code: String,
    pub terminal_id: String,
    /// RFC 3339 UTC.
    pub expires_at: String,
}

/// The digits of an enrolment code: typed on a kiosk's touch screen, guessed at most
/// `auth_failures_per_minute` times a minute per address.
pub use kiosk_contract::ENROLMENT_CODE_DIGITS;

/// What a terminal gets for its enrolment code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enrolled {
    pub terminal_id: String,
    /// The terminal's name at the hub (its centre), when one was given.
    pub name: Option<String>,
    /// Its new bearer token (the old one, if any, stops working).
    pub token: String,
}

/// An application as the resident's phone page shows it: no ID number, no address, the name masked.
#[derive(Debug, Clone, PartialEq)]
pub struct PhoneView {
    pub progress: ApplicationProgress,
    /// `王*兰`, or [`PURGED_NAME`] once the personal fields were purged.
    pub masked_name: String,
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

/// What the console's statistics group by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StatsBy {
    /// The catalogue item (`item_code`, labelled with its name).
    Item,
    /// The terminal (its id, labelled with its name: centre and number).
    Terminal,
}

/// Ratings of one score for one group, as a backend counts them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RatingCount {
    pub group: String,
    pub label: Option<String>,
    pub score: i64,
    pub count: i64,
}

/// Applications of one day (`YYYY-MM-DD`, the kiosk's local date of submission) for one group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DayCount {
    pub group: String,
    pub label: Option<String>,
    pub day: String,
    pub count: i64,
}

/// The ratings (好差评, scores 1 to 5) of one item or terminal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RatingDistribution {
    /// The item code or terminal id.
    pub group: String,
    /// The item's name or the terminal's name (its id when it has none).
    pub label: String,
    /// How many ratings of each score: `counts[0]` is score 1, `counts[4]` score 5.
    pub counts: [i64; 5],
}

impl RatingDistribution {
    pub fn total(&self) -> i64 {
        self.counts.iter().sum()
    }

    /// The mean score, `None` without ratings.
    pub fn mean(&self) -> Option<f64> {
        let total = self.total();
        let sum: i64 = self.counts.iter().zip(1..).map(|(n, score)| n * score).sum();
        (total > 0).then(|| sum as f64 / total as f64)
    }
}

/// Applications per day of one item or terminal over a window of days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DailyVolume {
    pub group: String,
    pub label: String,
    /// One count per day of [`Volume::days`], in the same order.
    pub counts: Vec<i64>,
}

impl DailyVolume {
    pub fn total(&self) -> i64 {
        self.counts.iter().sum()
    }
}

/// Applications per day over a window (the oldest day first), per group, the busiest group first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Volume {
    pub days: Vec<chrono::NaiveDate>,
    pub rows: Vec<DailyVolume>,
}

impl Volume {
    /// All groups' applications per day.
    pub fn per_day(&self) -> Vec<i64> {
        (0..self.days.len()).map(|i| self.rows.iter().map(|r| r.counts[i]).sum()).collect()
    }
}

/// A terminal on the console's board: the stored terminal with what is wrong with it now.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BoardEntry {
    pub terminal: TerminalRecord,
    /// The last heartbeat's problems, and `offline` (no heartbeat for longer than the board's
    /// `offline_after`) or `never_seen` (no heartbeat ever); empty when all is well. Revoked terminals
    /// have none.
    pub problems: Vec<&'static str>,
    /// When an offline terminal was last heard from (its last heartbeat's `received_at`).
    pub offline_since: Option<String>,
    /// How bad it is: the board shows the highest first ([`problem_weight`] summed).
    pub severity: u32,
}

/// How much one problem label weighs on the board: a terminal not heard from is worst, then what stops
/// residents (no slip, no card read), then what will (paper near its end, a backlog to send).
pub fn problem_weight(problem: &str) -> u32 {
    match problem {
        "offline" => 1000,
        "never_seen" => 500,
        "printer_offline"
        | "printer_error"
        | "paper_out"
        | "cover_open"
        | "reader_no_answer"
        | "reader_port_missing" => 10,
        _ => 1,
    }
}

/// A terminal counts as offline after this long without a heartbeat: three times the kiosks' default
/// `[hub] heartbeat_secs` (60).
pub const OFFLINE_AFTER: chrono::Duration = chrono::Duration::seconds(180);

/// What each backend does. Inputs are prepared by [`Store`] (hashes, sealed fields, timestamps);
/// errors are the same [`StoreError`]s on both.
pub(crate) trait Storage: Send + Sync + console::ConsoleStorage {
    fn quick_check(&self) -> Result<Option<String>, StoreError>;
    fn insert_terminal(&self, id: &str, name: Option<&str>, token_hash: &str, at: &str) -> Result<(), StoreError>;
    fn terminal_by_token_hash(&self, hash: &str) -> Result<Option<(String, Option<String>)>, StoreError>;
    fn revoke_terminal(&self, id: &str, at: &str) -> Result<(), StoreError>;
    fn record_heartbeat(&self, terminal_id: &str, at: &str, body: &str) -> Result<(), StoreError>;
    fn list_terminals(&self) -> Result<Vec<TerminalRow>, StoreError>;
    fn latest_catalog(&self) -> Result<Option<(i64, String)>, StoreError>;
    /// The newest catalogue's version, without its body.
    fn latest_catalog_version(&self) -> Result<Option<i64>, StoreError>;
    fn publish_catalog(&self, version: i64, body: &str, at: &str) -> Result<(), StoreError>;
    fn latest_grid(&self) -> Result<Option<(i64, String)>, StoreError>;
    fn publish_grid(&self, version: i64, body: &str, at: &str) -> Result<(), StoreError>;
    fn create_application(&self, new: &NewApplication<'_>) -> Result<(Created, ApplicationReceipt), StoreError>;
    fn progress(&self, token: &str) -> Result<Option<ApplicationProgress>, StoreError>;
    /// The stored (sealed) applicant of the application with this slip token (empty once purged).
    fn sealed_applicant(&self, token: &str) -> Result<Option<String>, StoreError>;
    /// Stores an enrolment code's hash for `terminal_id` (refused for a revoked terminal).
    fn insert_enrolment(
        &self,
        code_hash: &str,
        terminal_id: &str,
        created_by: Option<&str>,
        at: &str,
        expires_at: &str,
    ) -> Result<(), StoreError>;
    /// Uses the code once, in one transaction: marks it used and gives its terminal `token_hash`
    /// (creating the terminal when it is not registered yet). Returns the terminal id and name.
    fn redeem_enrolment(
        &self,
        code_hash: &str,
        token_hash: &str,
        at: &str,
    ) -> Result<(String, Option<String>), StoreError>;
    fn list_applications(
        &self,
        kind: Option<Kind>,
        status: Option<Status>,
        id_suffix: Option<&str>,
    ) -> Result<Vec<ApplicationRow>, StoreError>;
    /// `actor`: the staff member making the change (`None`: the command line).
    fn set_status(
        &self,
        id_or_no: &str,
        next: Status,
        note: Option<&str>,
        actor: Option<&str>,
        at: &str,
    ) -> Result<String, StoreError>;
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
    /// Ratings per group and score, of ratings given (`rated_at`, the kiosk's local date) from
    /// `from_day` to before `until_day` (`YYYY-MM-DD`).
    fn rating_counts(&self, by: StatsBy, from_day: &str, until_day: &str) -> Result<Vec<RatingCount>, StoreError>;
    /// Applications per group and day of submission (`submitted_at`'s local date), from `from_day` to
    /// before `until_day`.
    fn day_counts(&self, by: StatsBy, from_day: &str, until_day: &str) -> Result<Vec<DayCount>, StoreError>;
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

    /// The console's board: every terminal with its problems now, the worst first (then by id);
    /// revoked terminals last. A terminal whose last heartbeat is older than `offline_after` at `now`
    /// is `offline` since then; one that never sent any is `never_seen`.
    pub fn terminal_board(
        &self,
        now: chrono::DateTime<chrono::Utc>,
        offline_after: chrono::Duration,
    ) -> Result<Vec<BoardEntry>, StoreError> {
        let mut board: Vec<BoardEntry> = self
            .list_terminals()?
            .into_iter()
            .map(|terminal| {
                let (mut problems, mut offline_since) = (Vec::new(), None);
                if terminal.revoked_at.is_none() {
                    match &terminal.last_heartbeat {
                        None => problems.push("never_seen"),
                        Some(beat) => {
                            let at = chrono::DateTime::parse_from_rfc3339(&beat.received_at)
                                .map_err(|e| StoreError::Corrupt(format!("heartbeat time: {e}")))?;
                            if now.signed_duration_since(at) > offline_after {
                                problems.push("offline");
                                offline_since = Some(beat.received_at.clone());
                            }
                            problems.extend(beat.problems.iter().copied());
                        }
                    }
                }
                let severity = problems.iter().map(|p| problem_weight(p)).sum();
                Ok(BoardEntry { terminal, problems, offline_since, severity })
            })
            .collect::<Result<_, StoreError>>()?;
        board.sort_by(|a, b| {
            (a.terminal.revoked_at.is_some(), std::cmp::Reverse(a.severity), &a.terminal.id).cmp(&(
                b.terminal.revoked_at.is_some(),
                std::cmp::Reverse(b.severity),
                &b.terminal.id,
            ))
        });
        Ok(board)
    }

    // --- statistics ------------------------------------------------------------------------------

    /// The rating distribution per item or terminal of the ratings given in the `days` days up to
    /// `last_day` (the kiosks' local dates), the most rated first (then by group).
    pub fn rating_distribution(
        &self,
        by: StatsBy,
        last_day: chrono::NaiveDate,
        days: u32,
    ) -> Result<Vec<RatingDistribution>, StoreError> {
        let (from, to) = window(last_day, days);
        let mut out: Vec<RatingDistribution> = Vec::new();
        for row in self.backend.rating_counts(by, &from.to_string(), &day_after(to))? {
            let Some(slot) = usize::try_from(row.score - 1).ok().filter(|i| *i < 5) else {
                return Err(StoreError::Corrupt(format!("rating score {}", row.score)));
            };
            let label = row.label.clone().unwrap_or_else(|| row.group.clone());
            match out.iter_mut().find(|d| d.group == row.group) {
                Some(d) => d.counts[slot] += row.count,
                None => {
                    let mut counts = [0; 5];
                    counts[slot] = row.count;
                    out.push(RatingDistribution { group: row.group, label, counts });
                }
            }
        }
        out.sort_by(|a, b| b.total().cmp(&a.total()).then_with(|| a.group.cmp(&b.group)));
        Ok(out)
    }

    /// Applications per day per item or terminal over the `days` days up to `last_day` (by the kiosk's
    /// local date of submission), the busiest group first (then by group). Days without any count 0.
    pub fn daily_volume(&self, by: StatsBy, last_day: chrono::NaiveDate, days: u32) -> Result<Volume, StoreError> {
        let (from, to) = window(last_day, days);
        let all_days: Vec<chrono::NaiveDate> = from.iter_days().take_while(|d| *d <= to).collect();
        let mut rows: Vec<DailyVolume> = Vec::new();
        for row in self.backend.day_counts(by, &from.to_string(), &day_after(to))? {
            let day = chrono::NaiveDate::parse_from_str(&row.day, "%Y-%m-%d")
                .map_err(|e| StoreError::Corrupt(format!("submission date `{}`: {e}", row.day)))?;
            let Some(slot) = all_days.iter().position(|d| *d == day) else { continue };
            let label = row.label.clone().unwrap_or_else(|| row.group.clone());
            match rows.iter_mut().find(|r| r.group == row.group) {
                Some(r) => r.counts[slot] += row.count,
                None => {
                    let mut counts = vec![0; all_days.len()];
                    counts[slot] = row.count;
                    rows.push(DailyVolume { group: row.group, label, counts });
                }
            }
        }
        rows.sort_by(|a, b| b.total().cmp(&a.total()).then_with(|| a.group.cmp(&b.group)));
        Ok(Volume { days: all_days, rows })
    }

    // --- enrolment ------------------------------------------------------------------------------

    /// Creates a one-time enrolment code for `terminal_id`, valid for `valid_for`; only its hash is
    /// stored. `created_by` names the staff member (console) or is `None` (command line). The
    /// terminal need not be registered yet: using the code registers it. A revoked terminal gets none
    /// ([`StoreError::TerminalRevoked`]).
    pub fn create_enrolment(
        &self,
        terminal_id: &str,
        valid_for: chrono::Duration,
        created_by: Option<&str>,
    ) -> Result<EnrolmentCode, StoreError> {
        if !kiosk_contract::validate::is_terminal_id(terminal_id) {
            return Err(StoreError::InvalidTerminalId(terminal_id.to_string()));
        }
        let mut rng = rand::rng();
        let code: String = (0..ENROLMENT_CODE_DIGITS).map(|_| char::from(b'0' + rng.random_range(0..10u8))).collect();
        let now = chrono::Utc::now();
        let expires_at = (now + valid_for).to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        let at = now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        self.backend.insert_enrolment(&sha256_hex(code.as_bytes()), terminal_id, created_by, &at, &expires_at)?;
        Ok(EnrolmentCode { code, terminal_id: terminal_id.to_string(), expires_at })
    }

    /// Exchanges an enrolment code, once, for its terminal's new bearer token (the terminal is
    /// registered if it was not; a previous token stops working). Refusals are
    /// [`StoreError::Enrolment`] (unknown, used, expired) and [`StoreError::TerminalRevoked`].
    pub fn redeem_enrolment(&self, code: &str) -> Result<Enrolled, StoreError> {
        let Some(code) = kiosk_contract::normalise_enrolment_code(code) else {
            return Err(StoreError::Enrolment(EnrolmentRefusal::Unknown));
        };
        let mut bytes = [0u8; 32];
        rand::rng().fill(&mut bytes);
        let token = hex::encode(bytes);
        let (terminal_id, name) =
            self.backend.redeem_enrolment(&sha256_hex(code.as_bytes()), &sha256_hex(token.as_bytes()), &now())?;
        Ok(Enrolled { terminal_id, name, token })
    }

    // --- catalogue -------------------------------------------------------------------------------

    /// The newest published catalogue: its version and the JSON text exactly as published.
    pub fn latest_catalog(&self) -> Result<Option<(i64, String)>, StoreError> {
        self.backend.latest_catalog()
    }

    /// The newest published catalogue's version alone (the phone page reads the body only when it
    /// changed).
    pub fn latest_catalog_version(&self) -> Result<Option<i64>, StoreError> {
        self.backend.latest_catalog_version()
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

    /// The resident's phone page for a slip token: progress and the masked name, nothing else personal.
    pub fn phone_view(&self, token: &str) -> Result<Option<PhoneView>, StoreError> {
        let Some(progress) = self.backend.progress(token)? else { return Ok(None) };
        let sealed = self.backend.sealed_applicant(token)?.unwrap_or_default();
        let masked_name = match self.applicant(&sealed)? {
            Some(a) => mask_name(&a.name),
            None => PURGED_NAME.to_string(),
        };
        Ok(Some(PhoneView { progress, masked_name }))
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
    pub(crate) fn applicant(&self, stored: &str) -> Result<Option<Applicant>, StoreError> {
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

    pub(crate) fn summary(&self, row: ApplicationRow) -> Result<ApplicationSummary, StoreError> {
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
        self.backend.set_status(id_or_no, next, note, None, &now())
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

/// The first and last day of a window of `days` days (at least 1) ending on `last_day`.
fn window(last_day: chrono::NaiveDate, days: u32) -> (chrono::NaiveDate, chrono::NaiveDate) {
    let first = last_day - chrono::Days::new(u64::from(days.max(1) - 1));
    (first, last_day)
}

fn day_after(day: chrono::NaiveDate) -> String {
    (day + chrono::Days::new(1)).to_string()
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
