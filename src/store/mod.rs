//! The terminal's SQLite database: the source of truth on the terminal (WAL journal).
//!
//! Schema changes are numbered migrations applied in order (`PRAGMA user_version`).

pub mod outbox;
pub mod recover;

use std::path::Path;

use rusqlite::{params, Connection, OptionalExtension};

use crate::catalog::CatalogFile;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database {path}: {source}")]
    Open { path: String, source: rusqlite::Error },
    #[error("database: {0}")]
    Sql(rusqlite::Error),
    #[error("catalogue stored in the database is unreadable: {0}")]
    Catalog(#[from] serde_json::Error),
    #[error("cannot create the data directory {path}: {source}")]
    DataDir { path: String, source: std::io::Error },
    /// The application breaks the hub's contract (the hub would refuse it for good), so it was not
    /// queued. Names the field and what it must be; never its value.
    #[error("not queued, the hub would refuse it: {0}")]
    Invalid(#[from] kiosk_contract::Invalid),
    /// The file is damaged or not a database (`SQLITE_CORRUPT`, `SQLITE_NOTADB`, `quick_check`).
    /// `kiosk run` moves such a file aside and recovers from it (src/store/recover.rs); other
    /// commands stop with this.
    #[error(
        "数据库文件已损坏：{path}（{problem}）。启动终端（kiosk run）会将其另存并恢复其中的申请。\n\
         The database file {path} is damaged ({problem}); starting the kiosk (kiosk run) moves it aside \
         and recovers the applications it still holds."
    )]
    Damaged { path: String, problem: String },
    /// An outbox row this build cannot read as what it is.
    #[error("database: {0}")]
    UnknownKind(outbox::UnknownKind),
    /// No room left for the database (`SQLITE_FULL`: the disk holding the data folder is full, or
    /// the file reached its size limit). SQLite rolled the write back whole: nothing of it was kept,
    /// and the next write works again once there is room.
    #[error(
        "database: no space left for the database ({0}); nothing of this write was kept. Free space on the \
         disk holding the data folder; writes work again as soon as there is room"
    )]
    Full(rusqlite::Error),
}

/// The folder holding the database file `database` (the current folder for a bare file name): the
/// disk whose free space decides whether the database has room.
pub fn data_folder(database: &Path) -> &Path {
    database.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."))
}

/// What a write must find free on the database's disk for the kiosk to call it not full: an
/// application with its slip takes a few KB; the WAL and SQLite's shared memory (32 KiB) more.
pub const ROOM_BYTES: u64 = 1024 * 1024;

impl StoreError {
    /// The error as a full disk when it is one: SQLite says `SQLITE_FULL` when a write finds no
    /// space, but only "disk I/O error" when it cannot even grow its shared-memory file
    /// (`SQLITE_IOERR_SHMSIZE`, a connection opened on a full disk). An I/O error while the disk
    /// holding `database` has less than [`ROOM_BYTES`] free is taken for a full disk.
    pub fn full_if_no_room(self, database: &Path) -> StoreError {
        let io_error =
            matches!(&self, StoreError::Sql(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::SystemIoFailure));
        match self {
            StoreError::Sql(e)
                if io_error && crate::staff::disk::free_bytes(data_folder(database)).is_ok_and(|b| b < ROOM_BYTES) =>
            {
                StoreError::Full(e)
            }
            e => e,
        }
    }

    /// Whether this error means there is no room left for the database (or its folder): a full disk.
    pub fn is_full(&self) -> bool {
        match self {
            StoreError::Full(_) => true,
            StoreError::Open { source, .. } => source.sqlite_error_code() == Some(rusqlite::ErrorCode::DiskFull),
            StoreError::DataDir { source, .. } => source.kind() == std::io::ErrorKind::StorageFull,
            _ => false,
        }
    }
}

impl From<rusqlite::Error> for StoreError {
    /// SQL errors, except an [`outbox::UnknownKind`] raised while reading a row, which keeps its type,
    /// and `SQLITE_FULL`, which is [`StoreError::Full`].
    fn from(e: rusqlite::Error) -> StoreError {
        match e {
            e if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DiskFull) => StoreError::Full(e),
            rusqlite::Error::FromSqlConversionFailure(i, t, source) => match source.downcast::<outbox::UnknownKind>() {
                Ok(unknown) => StoreError::UnknownKind(*unknown),
                Err(source) => StoreError::Sql(rusqlite::Error::FromSqlConversionFailure(i, t, source)),
            },
            e => StoreError::Sql(e),
        }
    }
}

const MIGRATIONS: &[&str] = &[
    // 1: the service-guide catalogue.
    "CREATE TABLE catalog (
         id INTEGER PRIMARY KEY CHECK (id = 1),
         version INTEGER NOT NULL,
         published TEXT NOT NULL,
         themes TEXT NOT NULL,
         installed_at TEXT NOT NULL
     );
     CREATE TABLE guide (
         code TEXT PRIMARY KEY,
         position INTEGER NOT NULL,
         name TEXT NOT NULL,
         department TEXT NOT NULL,
         body TEXT NOT NULL
     );",
    // 2: the outbox of applications, their slip print jobs, and ratings.
    "CREATE TABLE application (
         id INTEGER PRIMARY KEY,
         idempotency_key TEXT NOT NULL UNIQUE,
         acceptance_no TEXT NOT NULL UNIQUE,
         terminal_id TEXT NOT NULL,
         kind TEXT NOT NULL,
         item_code TEXT NOT NULL,
         item_name TEXT NOT NULL,
         masked_name TEXT NOT NULL,
         masked_id TEXT NOT NULL,
         applicant_key TEXT NOT NULL,
         personal TEXT,
         created_at TEXT NOT NULL,
         promised_date TEXT,
         pickup_code TEXT NOT NULL,
         token TEXT NOT NULL UNIQUE,
         state TEXT NOT NULL DEFAULT 'queued',
         hub_status TEXT,
         hub_note TEXT,
         synced_at TEXT,
         purged_at TEXT,
         last_error TEXT
     );
     CREATE INDEX application_applicant ON application (applicant_key);
     CREATE TABLE print_job (
         id INTEGER PRIMARY KEY,
         application_id INTEGER NOT NULL REFERENCES application (id),
         slip TEXT NOT NULL,
         state TEXT NOT NULL,
         attempts INTEGER NOT NULL DEFAULT 0,
         last_error TEXT,
         printed_at TEXT
     );
     CREATE TABLE rating (
         id INTEGER PRIMARY KEY,
         application_id INTEGER NOT NULL REFERENCES application (id),
         terminal_id TEXT NOT NULL,
         score INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
         reasons TEXT NOT NULL,
         rated_at TEXT NOT NULL,
         synced_at TEXT
     );",
    // 3: sync bookkeeping (src/sync): applications and ratings the hub refused (kept with the reason and
    // skipped until the worker restarts), and when an application's status was last asked for.
    "ALTER TABLE application ADD COLUMN refused_at TEXT;
     ALTER TABLE application ADD COLUMN hub_checked_at TEXT;
     ALTER TABLE rating ADD COLUMN last_error TEXT;
     ALTER TABLE rating ADD COLUMN refused_at TEXT;",
    // 4: staff mode (src/staff): the PIN lockout, the out-of-service state, and the audit log of
    // changes made on the terminal (who, when, what — never a PIN or a token).
    "CREATE TABLE staff_lockout (
         id INTEGER PRIMARY KEY CHECK (id = 1),
         failures INTEGER NOT NULL,
         locked_until TEXT
     );
     CREATE TABLE terminal_service (
         id INTEGER PRIMARY KEY CHECK (id = 1),
         message TEXT
     );
     CREATE TABLE audit_log (
         id INTEGER PRIMARY KEY,
         at TEXT NOT NULL,
         who TEXT NOT NULL,
         what TEXT NOT NULL
     );",
    // 5: the grid directory (找网格员, src/grid/store.rs).
    "CREATE TABLE grid_directory (
         id INTEGER PRIMARY KEY CHECK (id = 1),
         version INTEGER NOT NULL,
         published TEXT NOT NULL,
         region TEXT NOT NULL,
         installed_at TEXT NOT NULL
     );
     CREATE TABLE grid (
         position INTEGER PRIMARY KEY,
         street TEXT NOT NULL,
         community TEXT NOT NULL,
         number INTEGER NOT NULL,
         body TEXT NOT NULL,
         UNIQUE (street, community, number)
     );",
    // 6: hub credentials of the ids this terminal had before re-provisioning, so that applications
    // queued under an old id still reach the hub under that id (never re-attributed).
    "CREATE TABLE retired_terminal (
         terminal_id TEXT PRIMARY KEY,
         token TEXT NOT NULL,
         retired_at TEXT NOT NULL
     );",
];

pub struct Store {
    conn: Connection,
    /// What a recovery at this start did (src/store/recover.rs).
    recovery: Option<recover::Recovery>,
}

impl Store {
    /// Opens (creating if needed) the database file and its folder, and applies migrations.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|source| StoreError::DataDir { path: dir.display().to_string(), source })?;
        }
        let conn =
            Connection::open(path).map_err(|source| StoreError::Open { path: path.display().to_string(), source })?;
        let named = |e: StoreError| match e {
            e if e.is_corruption() => StoreError::Damaged { path: path.display().to_string(), problem: e.to_string() },
            e => e.full_if_no_room(path),
        };
        let set_up = |conn: &Connection| -> Result<(), StoreError> {
            conn.pragma_update(None, "journal_mode", "WAL")?;
            conn.pragma_update(None, "synchronous", "FULL")?;
            conn.pragma_update(None, "foreign_keys", "ON")?;
            conn.busy_timeout(std::time::Duration::from_secs(5))?;
            Ok(())
        };
        set_up(&conn).map_err(named)?;
        let mut store = Store { conn, recovery: None };
        store.migrate().map_err(named)?;
        Ok(store)
    }

    fn migrate(&mut self) -> Result<(), StoreError> {
        let current: usize = self.conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(current) {
            let tx = self.conn.transaction()?;
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", i + 1)?;
            tx.commit()?;
        }
        Ok(())
    }

    /// The connection, for feature modules keeping their own tables (src/grid/store.rs).
    pub(crate) fn connection(&self) -> &Connection {
        &self.conn
    }

    pub(crate) fn connection_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }

    /// Keeps the hub token of a terminal id this terminal leaves (re-provisioning). Secret: never logged.
    pub fn keep_retired_credential(&mut self, terminal_id: &str, token: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT OR REPLACE INTO retired_terminal (terminal_id, token, retired_at) VALUES (?1, ?2, datetime('now'))",
            params![terminal_id, token],
        )?;
        Ok(())
    }

    /// The hub token kept for a former terminal id of this terminal.
    pub fn retired_credential(&self, terminal_id: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT token FROM retired_terminal WHERE terminal_id = ?1", [terminal_id], |r| r.get(0))
            .optional()?)
    }

    /// Whether a write of about `bytes` finds room now: the disk holding the database has that much
    /// free, and the file may grow by it (`PRAGMA max_page_count`). Writes nothing. The kiosk asks
    /// after a write failed with [`StoreError::Full`], to know when space has returned.
    pub fn has_room(&self, bytes: u64) -> Result<bool, StoreError> {
        let page_size: u64 = self.conn.pragma_query_value(None, "page_size", |r| r.get(0))?;
        let pages: u64 = self.conn.pragma_query_value(None, "page_count", |r| r.get(0))?;
        let max_pages: u64 = self.conn.pragma_query_value(None, "max_page_count", |r| r.get(0))?;
        let file_may_grow = pages.saturating_add(bytes.div_ceil(page_size.max(1))) <= max_pages;
        // A database without a file (in memory) has no disk to fill.
        let folder = self.conn.path().filter(|p| !p.is_empty()).map(|p| data_folder(Path::new(p)));
        let disk_has_room = folder.is_none_or(|d| crate::staff::disk::free_bytes(d).is_ok_and(|free| free >= bytes));
        Ok(file_may_grow && disk_has_room)
    }

    /// Test-only knob: caps the database file at its current size (`PRAGMA max_page_count`, this
    /// connection only), as a full disk would; `false` lifts the cap. A write that needs a new page
    /// then fails with `SQLITE_FULL` on SQLite's real write path, and SQLite rolls it back.
    #[doc(hidden)]
    pub fn cap_size_for_tests(&self, capped: bool) -> Result<(), StoreError> {
        let limit: u64 = match capped {
            true => self.conn.pragma_query_value(None, "page_count", |r| r.get(0))?,
            // SQLite's own default, the largest page number it takes.
            false => 0xFFFF_FFFE,
        };
        self.conn.pragma_update(None, "max_page_count", limit)?;
        Ok(())
    }

    /// SQLite's own check of the file (`PRAGMA integrity_check`).
    pub fn integrity_ok(&self) -> Result<bool, StoreError> {
        let r: String = self.conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
        Ok(r == "ok")
    }

    /// The installed catalogue's version, if any.
    pub fn catalog_version(&self) -> Result<Option<u64>, StoreError> {
        Ok(self.conn.query_row("SELECT version FROM catalog WHERE id = 1", [], |r| r.get(0)).optional()?)
    }

    /// Installs `file` if nothing newer is installed (in one transaction); returns whether it did.
    pub fn install_catalog_if_newer(&mut self, file: &CatalogFile) -> Result<bool, StoreError> {
        if self.catalog_version()?.is_some_and(|v| v >= file.version) {
            return Ok(false);
        }
        let tx = self.conn.transaction()?;
        tx.execute("DELETE FROM guide", [])?;
        crate::killpoint::step("catalogue: old guides deleted");
        tx.execute(
            "INSERT OR REPLACE INTO catalog (id, version, published, themes, installed_at)
             VALUES (1, ?1, ?2, ?3, datetime('now'))",
            params![file.version, file.published, serde_json::to_string(&file.themes)?],
        )?;
        crate::killpoint::step("catalogue: head row written");
        {
            let mut insert =
                tx.prepare("INSERT INTO guide (code, position, name, department, body) VALUES (?1, ?2, ?3, ?4, ?5)")?;
            for (i, g) in file.items.iter().enumerate() {
                insert.execute(params![g.code, i, g.name, g.department, serde_json::to_string(g)?])?;
                crate::killpoint::step("catalogue: guide row written");
            }
        }
        tx.commit()?;
        crate::killpoint::step("catalogue: commit");
        Ok(true)
    }

    /// Reads the installed catalogue back, items in their published order.
    pub fn load_catalog(&self) -> Result<Option<CatalogFile>, StoreError> {
        let head: Option<(u64, String, String)> = self
            .conn
            .query_row("SELECT version, published, themes FROM catalog WHERE id = 1", [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .optional()?;
        let Some((version, published, themes)) = head else {
            return Ok(None);
        };
        let mut stmt = self.conn.prepare("SELECT body FROM guide ORDER BY position")?;
        let items = stmt
            .query_map([], |r| r.get::<_, String>(0))?
            .map(|body| Ok(serde_json::from_str(&body?)?))
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(Some(CatalogFile { version, published, themes: serde_json::from_str(&themes)?, items }))
    }

    /// The staff PIN lockout (src/staff/pin.rs), as persisted.
    pub fn staff_lockout(&self) -> Result<crate::staff::pin::Lockout, StoreError> {
        let row: Option<(u32, Option<String>)> = self
            .conn
            .query_row("SELECT failures, locked_until FROM staff_lockout WHERE id = 1", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        let Some((failures, until)) = row else { return Ok(Default::default()) };
        let locked_until =
            until.and_then(|u| chrono::DateTime::parse_from_rfc3339(&u).ok()).map(|u| u.with_timezone(&chrono::Utc));
        Ok(crate::staff::pin::Lockout { failures, locked_until })
    }

    pub fn set_staff_lockout(&mut self, l: &crate::staff::pin::Lockout) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT OR REPLACE INTO staff_lockout (id, failures, locked_until) VALUES (1, ?1, ?2)",
            params![l.failures, l.locked_until.map(|u| u.to_rfc3339())],
        )?;
        Ok(())
    }

    /// The message residents see while the terminal is out of service; `None` when in service.
    pub fn out_of_service(&self) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT message FROM terminal_service WHERE id = 1", [], |r| r.get(0))
            .optional()?
            .flatten())
    }

    pub fn set_out_of_service(&mut self, message: Option<&str>) -> Result<(), StoreError> {
        self.conn.execute("INSERT OR REPLACE INTO terminal_service (id, message) VALUES (1, ?1)", params![message])?;
        Ok(())
    }

    /// Appends to the audit log; `what` must hold no secret (PIN, token, enrolment code).
    pub fn audit(&mut self, who: &str, what: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO audit_log (at, who, what) VALUES (?1, ?2, ?3)",
            params![chrono::Local::now().to_rfc3339(), who, what],
        )?;
        crate::killpoint::step("audit entry committed");
        Ok(())
    }

    /// The newest `limit` audit entries, newest first: (when, who, what).
    pub fn audit_entries(&self, limit: usize) -> Result<Vec<(String, String, String)>, StoreError> {
        let mut stmt = self.conn.prepare("SELECT at, who, what FROM audit_log ORDER BY id DESC LIMIT ?1")?;
        let rows = stmt.query_map([limit as i64], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Opens the store, installs the bundled catalogue when it is newer, and returns what is installed.
    pub fn open_with_catalog(path: &Path, bundled: &CatalogFile) -> Result<(Store, CatalogFile), StoreError> {
        Store::with_catalog(Store::open(path)?, bundled)
    }

    /// Like [`Store::open_with_catalog`], first recovering from a damaged file ([`Store::open_recovering`]):
    /// the kiosk's start.
    pub fn open_recovering_with_catalog(
        path: &Path,
        bundled: &CatalogFile,
    ) -> Result<(Store, CatalogFile), StoreError> {
        Store::with_catalog(Store::open_recovering(path)?, bundled)
    }

    /// Like [`Store::open_with_catalog`], refusing a damaged file ([`StoreError::Damaged`] names it):
    /// commands other than the kiosk's start.
    pub fn open_checked_with_catalog(path: &Path, bundled: &CatalogFile) -> Result<(Store, CatalogFile), StoreError> {
        Store::with_catalog(Store::open_checked(path)?, bundled)
    }

    fn with_catalog(mut store: Store, bundled: &CatalogFile) -> Result<(Store, CatalogFile), StoreError> {
        store.install_catalog_if_newer(bundled)?;
        let file = store.load_catalog()?.expect("a catalogue was just installed");
        Ok((store, file))
    }
}

/// The applicant the store's and the sync's unit tests submit (a made-up person).
#[cfg(test)]
pub(crate) fn sample_applicant() -> crate::store::outbox::Applicant {
    crate::store::outbox::Applicant {
        name: "王秀兰".into(),
        id_number: "430102195303151027".into(),
        card_type: "resident".into(),
        gender: "女".into(),
        birth_date: "1953-03-15".into(),
        address: "湖南省长沙市芙蓉区七星社区幸福路8号2栋301室".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::bundled;

    #[test]
    fn the_bundled_catalogue_round_trips_through_sqlite() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/kiosk.sqlite3");
        let (_, file) = Store::open_with_catalog(&path, &bundled()).unwrap();
        assert_eq!(file, bundled());
    }

    #[test]
    fn a_newer_catalogue_replaces_an_older_one_and_never_the_reverse() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kiosk.sqlite3");
        let mut store = Store::open(&path).unwrap();
        let mut v1 = bundled();
        v1.version = 1;
        let mut v2 = v1.clone();
        v2.version = 2;
        v2.items.truncate(3);
        assert!(store.install_catalog_if_newer(&v1).unwrap());
        assert!(store.install_catalog_if_newer(&v2).unwrap());
        assert!(!store.install_catalog_if_newer(&v1).unwrap());
        drop(store);
        let store = Store::open(&path).unwrap();
        let loaded = store.load_catalog().unwrap().unwrap();
        assert_eq!(loaded.version, 2);
        assert_eq!(loaded.items.len(), 3);
    }
}
