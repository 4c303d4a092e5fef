//! The SQLite backend: one file, one connection behind a mutex (plenty for a district: hundreds of
//! terminals, a few requests per minute each); callers on the async runtime go through
//! `spawn_blocking`. WAL mode, `synchronous=FULL`. Transactions that write take the write lock up
//! front (`BEGIN IMMEDIATE`) and wait for it up to the busy timeout, so a staff command run beside
//! `serve` waits instead of failing. One `serve` per file: [`lock_for_serving`].

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

mod console;

use rusqlite::{params, Connection, OptionalExtension, Transaction, TransactionBehavior};

use super::{
    parse_kind, parse_status, ApplicationRow, Created, DayCount, EnrolmentRefusal, NewApplication, RatingCount,
    SealedRow, StatsBy, Storage, StoreError, TerminalRow, SCHEMA_VERSION,
};
use crate::model::{ApplicationProgress, ApplicationReceipt, Kind, RatingRequest, Status, TimelineEntry};
use crate::store::console::QUEUE_COLUMNS;

/// SQL of each migration, by number (see [`super::MIGRATIONS`]).
const MIGRATIONS: &[&str] = &[
    // 1
    "
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
",
    // 2
    "
ALTER TABLE applications ADD COLUMN key_id INTEGER;
ALTER TABLE applications ADD COLUMN id_suffix TEXT;
ALTER TABLE applications ADD COLUMN purged_at TEXT;
CREATE INDEX applications_by_id_suffix ON applications(id_suffix);
",
    // 3
    "
CREATE TABLE staff (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    role          TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    disabled_at   TEXT
);
CREATE TABLE staff_sessions (
    id_hash    TEXT PRIMARY KEY,
    staff_id   INTEGER NOT NULL REFERENCES staff(id),
    csrf       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_seen  TEXT NOT NULL
);
CREATE INDEX staff_sessions_by_staff ON staff_sessions(staff_id);
CREATE TABLE login_failures (
    id       INTEGER PRIMARY KEY,
    username TEXT NOT NULL,
    address  TEXT NOT NULL,
    at       TEXT NOT NULL
);
CREATE INDEX login_failures_by_username ON login_failures(username, at);
CREATE INDEX login_failures_by_address ON login_failures(address, at);
CREATE TABLE access_log (
    id             INTEGER PRIMARY KEY,
    staff_id       INTEGER NOT NULL REFERENCES staff(id),
    application_id INTEGER NOT NULL REFERENCES applications(id),
    at             TEXT NOT NULL
);
CREATE INDEX access_log_by_application ON access_log(application_id, id);
CREATE INDEX access_log_by_staff ON access_log(staff_id, id);
ALTER TABLE application_events ADD COLUMN actor TEXT;
ALTER TABLE applications ADD COLUMN handed_over_by TEXT;
ALTER TABLE applications ADD COLUMN handed_over_at TEXT;
CREATE INDEX applications_by_status ON applications(status, id);
CREATE INDEX applications_by_terminal ON applications(terminal_id, id);
CREATE INDEX applications_by_item ON applications(item_code, id);
CREATE INDEX applications_by_pickup_code ON applications(pickup_code);
CREATE INDEX applications_by_submitted_at ON applications(submitted_at);
CREATE INDEX applications_by_grid ON applications(grid, id) WHERE kind = 'proxy_request';
",
    // 4
    "
CREATE TABLE enrolment_codes (
    id          INTEGER PRIMARY KEY,
    code_hash   TEXT NOT NULL UNIQUE,
    terminal_id TEXT NOT NULL,
    created_by  TEXT,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    used_at     TEXT
);
",
    // 5
    "
CREATE TABLE grid_directories (
    version      INTEGER PRIMARY KEY,
    body         TEXT NOT NULL,
    published_at TEXT NOT NULL
);
",
];

pub(crate) struct SqliteStore {
    conn: Mutex<Connection>,
}

/// `<database>.lock`: held (an exclusive `flock`) by the one `kiosk-hub serve` of a file for as long
/// as it runs. A second one is refused, naming the file: two processes writing one SQLite file
/// answer part of a burst with `database is locked`.
pub(crate) fn lock_for_serving(database: &Path) -> Result<File, StoreError> {
    let lock_path = PathBuf::from(format!("{}.lock", database.display()));
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|e| StoreError::InUse(format!("cannot open the lock file {}: {e}", lock_path.display())))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(StoreError::InUse(format!(
            "{} is already served by another kiosk-hub process (it holds {}); one SQLite file takes one \
             `kiosk-hub serve` (several instances need PostgreSQL: database = \"postgres://…\")",
            database.display(),
            lock_path.display()
        ))),
        Err(std::fs::TryLockError::Error(e)) => {
            Err(StoreError::InUse(format!("cannot lock {}: {e}", lock_path.display())))
        }
    }
}

impl SqliteStore {
    /// Opens (creating if needed) the database file and brings its schema up to date.
    pub(crate) fn open(path: &Path) -> Result<SqliteStore, StoreError> {
        let mut conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", true)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        migrate(&mut conn)?;
        Ok(SqliteStore { conn: Mutex::new(conn) })
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave SQLite half-written (transactions roll back).
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Runs the migrations not yet applied. A file from before `schema_migrations` (hub 0.1, schema 1
/// recorded only in `PRAGMA user_version`) counts as having applied migration 1. `user_version`
/// follows the newest migration, so that an older hub refuses a newer file instead of misreading it.
fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let user_version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if user_version == SCHEMA_VERSION {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let user_version: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if user_version > SCHEMA_VERSION {
        return Err(StoreError::Corrupt(format!(
            "schema version {user_version} is newer than this hub knows ({SCHEMA_VERSION})"
        )));
    }
    if (1..SCHEMA_VERSION).contains(&user_version) {
        // Never migrate a damaged file: `serve` refuses it naming it, with the file as it was.
        if let Some(problem) = quick_check(&tx)? {
            return Err(StoreError::Db(rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CORRUPT),
                Some(problem),
            )));
        }
    }
    tx.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)",
    )?;
    let mut applied: i64 = tx.query_row("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", [], |r| r.get(0))?;
    if applied == 0 && user_version >= 1 {
        tx.execute("INSERT INTO schema_migrations (version, applied_at) VALUES (1, ?1)", [super::now()])?;
        applied = 1;
    }
    for (i, sql) in MIGRATIONS.iter().enumerate() {
        let version = i as i64 + 1;
        if version <= applied {
            continue;
        }
        tx.execute_batch(sql)?;
        tx.execute(
            "INSERT INTO schema_migrations (version, applied_at) VALUES (?1, ?2)",
            params![version, super::now()],
        )?;
        log::info!("database schema migrated to version {version}: {}", super::MIGRATIONS[i]);
    }
    tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
    tx.commit()?;
    Ok(())
}

/// `PRAGMA quick_check(1)`: `None` when the file is sound, else its first complaint on one line.
fn quick_check(conn: &Connection) -> Result<Option<String>, StoreError> {
    let first: String = conn.query_row("PRAGMA quick_check(1)", [], |r| r.get(0))?;
    let first = first.replace("*** in database main ***", "").split_whitespace().collect::<Vec<_>>().join(" ");
    Ok((first != "ok").then_some(first))
}

fn write_tx(conn: &mut Connection) -> Result<Transaction<'_>, StoreError> {
    Ok(conn.transaction_with_behavior(TransactionBehavior::Immediate)?)
}

impl Storage for SqliteStore {
    fn quick_check(&self) -> Result<Option<String>, StoreError> {
        quick_check(&self.conn())
    }

    fn insert_terminal(&self, id: &str, name: Option<&str>, token_hash: &str, at: &str) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let tx = write_tx(&mut conn)?;
        let exists: bool = tx.query_row("SELECT EXISTS(SELECT 1 FROM terminals WHERE id = ?1)", [id], |r| r.get(0))?;
        if exists {
            return Err(StoreError::TerminalExists(id.to_string()));
        }
        tx.execute(
            "INSERT INTO terminals (id, name, token_hash, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![id, name, token_hash, at],
        )?;
        tx.commit()?;
        Ok(())
    }

    fn terminal_by_token_hash(&self, hash: &str) -> Result<Option<(String, Option<String>)>, StoreError> {
        Ok(self
            .conn()
            .query_row("SELECT id, revoked_at FROM terminals WHERE token_hash = ?1", [hash], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?)
    }

    fn revoke_terminal(&self, id: &str, at: &str) -> Result<(), StoreError> {
        let n = self
            .conn()
            .execute("UPDATE terminals SET revoked_at = COALESCE(revoked_at, ?2) WHERE id = ?1", params![id, at])?;
        if n == 0 {
            return Err(StoreError::NotFound(format!("terminal `{id}`")));
        }
        Ok(())
    }

    fn record_heartbeat(&self, terminal_id: &str, at: &str, body: &str) -> Result<(), StoreError> {
        self.conn().execute(
            "INSERT INTO terminal_health (terminal_id, received_at, body) VALUES (?1, ?2, ?3)
             ON CONFLICT(terminal_id) DO UPDATE SET received_at = excluded.received_at, body = excluded.body",
            params![terminal_id, at, body],
        )?;
        Ok(())
    }

    fn list_terminals(&self) -> Result<Vec<TerminalRow>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT t.id, t.name, t.created_at, t.revoked_at, h.received_at, h.body
             FROM terminals t LEFT JOIN terminal_health h ON h.terminal_id = t.id ORDER BY t.id",
        )?;
        let rows = stmt.query_map([], |r| {
            let health = match (r.get::<_, Option<String>>(4)?, r.get::<_, Option<String>>(5)?) {
                (Some(at), Some(body)) => Some((at, body)),
                _ => None,
            };
            Ok(TerminalRow { id: r.get(0)?, name: r.get(1)?, created_at: r.get(2)?, revoked_at: r.get(3)?, health })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn latest_catalog(&self) -> Result<Option<(i64, String)>, StoreError> {
        Ok(self
            .conn()
            .query_row("SELECT version, body FROM catalogs ORDER BY version DESC LIMIT 1", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?)
    }

    fn latest_catalog_version(&self) -> Result<Option<i64>, StoreError> {
        Ok(self.conn().query_row("SELECT MAX(version) FROM catalogs", [], |r| r.get(0))?)
    }

    fn publish_catalog(&self, version: i64, body: &str, at: &str) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let tx = write_tx(&mut conn)?;
        let current: Option<i64> = tx.query_row("SELECT MAX(version) FROM catalogs", [], |r| r.get(0))?;
        if let Some(current) = current.filter(|c| *c >= version) {
            return Err(StoreError::VersionNotHigher { new: version, current });
        }
        tx.execute(
            "INSERT INTO catalogs (version, body, published_at) VALUES (?1, ?2, ?3)",
            params![version, body, at],
        )?;
        tx.commit()?;
        Ok(())
    }

    fn latest_grid(&self) -> Result<Option<(i64, String)>, StoreError> {
        Ok(self
            .conn()
            .query_row("SELECT version, body FROM grid_directories ORDER BY version DESC LIMIT 1", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?)
    }

    fn publish_grid(&self, version: i64, body: &str, at: &str) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let tx = write_tx(&mut conn)?;
        let current: Option<i64> = tx.query_row("SELECT MAX(version) FROM grid_directories", [], |r| r.get(0))?;
        if let Some(current) = current.filter(|c| *c >= version) {
            return Err(StoreError::GridVersionNotHigher { new: version, current });
        }
        tx.execute(
            "INSERT INTO grid_directories (version, body, published_at) VALUES (?1, ?2, ?3)",
            params![version, body, at],
        )?;
        tx.commit()?;
        Ok(())
    }

    fn create_application(&self, new: &NewApplication<'_>) -> Result<(Created, ApplicationReceipt), StoreError> {
        let req = new.req;
        let mut conn = self.conn();
        let tx = write_tx(&mut conn)?;
        let existing: Option<(i64, String)> = tx
            .query_row(
                "SELECT id, request_hash FROM applications WHERE idempotency_key = ?1",
                [&req.idempotency_key],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        if let Some((id, stored_hash)) = existing {
            if stored_hash != new.request_hash {
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
        tx.execute(
            "INSERT INTO applications (idempotency_key, request_hash, terminal_id, acceptance_no, token, kind,
                 item_code, item_name, applicant, form, submitted_at, promised_date, pickup_code, grid, note,
                 status, received_at, key_id, id_suffix)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)",
            params![
                req.idempotency_key,
                new.request_hash,
                req.terminal_id,
                req.acceptance_no,
                req.token,
                req.kind.as_str(),
                req.item_code,
                req.item_name,
                new.applicant,
                new.form,
                req.submitted_at,
                req.promised_date,
                req.pickup_code,
                req.grid.as_ref().map(super::json).transpose()?,
                req.note,
                Status::Accepted.as_str(),
                new.received_at,
                new.key_id,
                new.id_suffix,
            ],
        )?;
        let id = tx.last_insert_rowid();
        tx.execute(
            "INSERT INTO application_events (application_id, status, at, note) VALUES (?1, ?2, ?3, NULL)",
            params![id, Status::Accepted.as_str(), new.received_at],
        )?;
        let r = receipt(&tx, id)?;
        tx.commit()?;
        Ok((Created::New, r))
    }

    fn progress(&self, token: &str) -> Result<Option<ApplicationProgress>, StoreError> {
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

    fn sealed_applicant(&self, token: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn()
            .query_row("SELECT applicant FROM applications WHERE token = ?1", [token], |r| r.get(0))
            .optional()?)
    }

    fn insert_enrolment(
        &self,
        code_hash: &str,
        terminal_id: &str,
        created_by: Option<&str>,
        at: &str,
        expires_at: &str,
    ) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let tx = write_tx(&mut conn)?;
        let revoked: Option<Option<String>> =
            tx.query_row("SELECT revoked_at FROM terminals WHERE id = ?1", [terminal_id], |r| r.get(0)).optional()?;
        if let Some(Some(_)) = revoked {
            return Err(StoreError::TerminalRevoked(terminal_id.to_string()));
        }
        tx.execute(
            "INSERT INTO enrolment_codes (code_hash, terminal_id, created_by, created_at, expires_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![code_hash, terminal_id, created_by, at, expires_at],
        )?;
        tx.commit()?;
        Ok(())
    }

    fn redeem_enrolment(
        &self,
        code_hash: &str,
        token_hash: &str,
        at: &str,
    ) -> Result<(String, Option<String>), StoreError> {
        let mut conn = self.conn();
        let tx = write_tx(&mut conn)?;
        let code: Option<(String, String, Option<String>)> = tx
            .query_row(
                "SELECT terminal_id, expires_at, used_at FROM enrolment_codes WHERE code_hash = ?1",
                [code_hash],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let terminal_id = match code {
            None => return Err(StoreError::Enrolment(EnrolmentRefusal::Unknown)),
            Some((_, _, Some(_))) => return Err(StoreError::Enrolment(EnrolmentRefusal::Used)),
            Some((_, expires_at, None)) if expires_at.as_str() <= at => {
                return Err(StoreError::Enrolment(EnrolmentRefusal::Expired))
            }
            Some((terminal_id, _, None)) => terminal_id,
        };
        tx.execute("UPDATE enrolment_codes SET used_at = ?2 WHERE code_hash = ?1", params![code_hash, at])?;
        let terminal: Option<(Option<String>, Option<String>)> = tx
            .query_row("SELECT name, revoked_at FROM terminals WHERE id = ?1", [&terminal_id], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        let name = match terminal {
            Some((_, Some(_))) => return Err(StoreError::TerminalRevoked(terminal_id)),
            Some((name, None)) => {
                tx.execute("UPDATE terminals SET token_hash = ?2 WHERE id = ?1", params![terminal_id, token_hash])?;
                name
            }
            None => {
                tx.execute(
                    "INSERT INTO terminals (id, name, token_hash, created_at) VALUES (?1, NULL, ?2, ?3)",
                    params![terminal_id, token_hash, at],
                )?;
                None
            }
        };
        tx.commit()?;
        Ok((terminal_id, name))
    }

    fn list_applications(
        &self,
        kind: Option<Kind>,
        status: Option<Status>,
        id_suffix: Option<&str>,
    ) -> Result<Vec<ApplicationRow>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(&format!(
            "SELECT {QUEUE_COLUMNS} FROM applications
             WHERE (?1 IS NULL OR kind = ?1) AND (?2 IS NULL OR status = ?2) AND (?3 IS NULL OR id_suffix = ?3)
             ORDER BY id"
        ))?;
        let rows =
            stmt.query_map(params![kind.map(Kind::as_str), status.map(Status::as_str), id_suffix], console::raw_row)?;
        rows.map(|row| console::application_row(row?)).collect()
    }

    fn set_status(
        &self,
        id_or_no: &str,
        next: Status,
        note: Option<&str>,
        actor: Option<&str>,
        at: &str,
    ) -> Result<String, StoreError> {
        let mut conn = self.conn();
        let tx = write_tx(&mut conn)?;
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
        // The write lock is held since BEGIN IMMEDIATE: the status read above is still the status, so
        // no one can have changed it meanwhile (a StatusConflict is PostgreSQL's case only).
        tx.execute("UPDATE applications SET status = ?2 WHERE id = ?1", params![id, next.as_str()])?;
        tx.execute(
            "INSERT INTO application_events (application_id, status, at, note, actor) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![id, next.as_str(), at, note, actor],
        )?;
        tx.commit()?;
        Ok(token)
    }

    fn add_rating(&self, rating: &RatingRequest, reasons: &str, at: &str) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let tx = write_tx(&mut conn)?;
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
        tx.execute(
            "INSERT INTO ratings (application_id, terminal_id, score, reasons, rated_at, received_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![id, rating.terminal_id, rating.score, reasons, rating.rated_at, at],
        )?;
        tx.commit()?;
        Ok(())
    }

    fn purge_personal(&self, cutoff: &str, at: &str) -> Result<usize, StoreError> {
        let n = self.conn().execute(
            "UPDATE applications SET applicant = '', form = '{}', key_id = NULL, id_suffix = NULL, purged_at = ?2
             WHERE purged_at IS NULL AND status IN ('picked_up', 'rejected')
               AND (SELECT MAX(at) FROM application_events e WHERE e.application_id = applications.id) < ?1",
            params![cutoff, at],
        )?;
        Ok(n)
    }

    fn rows_to_reseal(&self, key_id: i64, after_id: i64, limit: usize) -> Result<Vec<SealedRow>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT id, applicant, form FROM applications
             WHERE purged_at IS NULL AND (key_id IS NULL OR key_id <> ?1) AND id > ?3 ORDER BY id LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![key_id, limit as i64, after_id], |r| {
            Ok(SealedRow { id: r.get(0)?, applicant: r.get(1)?, form: r.get(2)? })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn reseal(
        &self,
        old: &SealedRow,
        applicant: &str,
        form: &str,
        key_id: i64,
        id_suffix: Option<&str>,
    ) -> Result<bool, StoreError> {
        let n = self.conn().execute(
            "UPDATE applications SET applicant = ?3, form = ?4, key_id = ?5, id_suffix = ?6
             WHERE id = ?1 AND applicant = ?2 AND purged_at IS NULL",
            params![old.id, old.applicant, applicant, form, key_id, id_suffix],
        )?;
        Ok(n == 1)
    }

    fn rating_counts(&self, by: StatsBy, from_day: &str, until_day: &str) -> Result<Vec<RatingCount>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(&super::sql::rating_counts(by, super::sql::Dialect::Sqlite))?;
        let rows = stmt.query_map(params![from_day, until_day], |r| {
            Ok(RatingCount { group: r.get(0)?, label: r.get(1)?, score: r.get(2)?, count: r.get(3)? })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn day_counts(&self, by: StatsBy, from_day: &str, until_day: &str) -> Result<Vec<DayCount>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(&super::sql::day_counts(by, super::sql::Dialect::Sqlite))?;
        let rows = stmt.query_map(params![from_day, until_day], |r| {
            Ok(DayCount { group: r.get(0)?, label: r.get(1)?, day: r.get(2)?, count: r.get(3)? })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
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
