//! A corrupt database at start (issue 18): the kiosk never refuses to start because of it.
//!
//! When the file is not a database, or SQLite finds it damaged (an error `SQLITE_NOTADB` /
//! `SQLITE_CORRUPT` while opening, or `PRAGMA quick_check` not `ok`), the file and its `-wal`/`-shm` are
//! moved aside as `<file>.corrupt-YYYYMMDD-HHMMSS`, a fresh database takes its place (the catalogue
//! and the grid directory are installed as on a first start), and every application still readable in
//! the damaged file is copied into the new outbox with its sync state: synced ones are not sent again,
//! queued ones are. Reading is row by row through every access path SQLite still has (table scans
//! both ways, the unique indexes, probing each rowid), so a damaged page loses only its own rows.
//!
//! The copy is one transaction with its audit entry (who `database`), and is done for every aside
//! file the audit log does not name yet: a power cut between moving the file and the copy is finished
//! on the next start, and a second start after a recovery does nothing more. Copies go by idempotency
//! key, so an application is never in the outbox twice.
//!
//! `quick_check` reads every page: on a file of 20,000 applications (30 MB) it takes some 35-50 ms
//! with an optimised SQLite, 76 ms in a debug build (the ignored test `quick_check_cost_on_a_realistic_file`).
//! So `kiosk run` runs it in a thread on its own read-only connection while the devices and the window
//! are set up ([`Store::open_for_start`], [`PendingCheck`]); on that file the start waited some 5 ms
//! more for it in a debug build (the `check` phase of the `shown after` log line). Other commands
//! check before they read ([`Store::open_checked`]) and refuse a damaged file, naming it, leaving it
//! in place: the kiosk may be running on it, and its next start recovers it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rusqlite::types::Value;
use rusqlite::{params_from_iter, Connection, ErrorCode, OpenFlags, OptionalExtension};

use super::{Store, StoreError};
use crate::catalog::CatalogFile;

/// Who the audit log names for a recovery.
pub const AUDIT_WHO: &str = "database";

/// Rowids above this are not probed one by one (a damaged page may report absurd ids).
const MAX_PROBED_ROWID: i64 = 2_000_000;

/// What a recovery at this start did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recovery {
    /// The damaged file, moved aside.
    pub moved_to: PathBuf,
    /// Applications copied into the new outbox.
    pub recovered: usize,
    /// Application rows that could not be read (damaged pages).
    pub unreadable: usize,
    /// The staff-facing sentence written to the audit log and shown in diagnostics.
    pub message: String,
}

/// Whether SQLite says the file is damaged or not a database.
pub fn is_corruption(e: &rusqlite::Error) -> bool {
    matches!(e.sqlite_error_code(), Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase))
}

impl StoreError {
    /// Whether this error means the database file is damaged or not a database.
    pub fn is_corruption(&self) -> bool {
        match self {
            StoreError::Open { source, .. } | StoreError::Sql(source) => is_corruption(source),
            StoreError::Damaged { .. } => true,
            _ => false,
        }
    }
}

/// `PRAGMA quick_check`: `None` when the file is sound, else SQLite's first complaint.
pub fn quick_check(conn: &Connection) -> rusqlite::Result<Option<String>> {
    let first: String = conn.query_row("PRAGMA quick_check(1)", [], |r| r.get(0))?;
    // One line, without SQLite's "*** in database main ***" heading.
    let first = first.replace("*** in database main ***", "").split_whitespace().collect::<Vec<_>>().join(" ");
    Ok((first != "ok").then_some(first))
}

impl Store {
    /// Opens the database like [`Store::open`], first moving a damaged file aside and recovering what
    /// it still holds (see the module documentation). Fails only for what is not corruption (e.g. the
    /// folder cannot be written).
    pub fn open_recovering(path: &Path) -> Result<Store, StoreError> {
        let problem = match Store::open(path) {
            Ok(mut store) => match quick_check(&store.conn) {
                Ok(None) => {
                    store.recover_asides(path, None)?;
                    return Ok(store);
                }
                Ok(Some(problem)) => problem,
                Err(e) if is_corruption(&e) => e.to_string(),
                Err(e) => return Err(e.into()),
            },
            Err(StoreError::Damaged { problem, .. }) => problem,
            Err(e) if e.is_corruption() => e.to_string(),
            Err(e) => return Err(e),
        };
        Store::recover_now(path, &problem)
    }

    /// Moves the damaged file at `path` aside and opens a fresh one with what it held.
    fn recover_now(path: &Path, problem: &str) -> Result<Store, StoreError> {
        let aside = move_aside(path)?;
        log::error!("database {} is damaged ({problem}); moved aside as {}", path.display(), aside.display());
        let mut store = Store::open(path)?;
        store.recover_asides(path, Some(problem))?;
        Ok(store)
    }

    /// The kiosk's start: opens the database with the catalogue like
    /// [`Store::open_recovering_with_catalog`], except that the `quick_check` runs in a thread while the
    /// start goes on (devices, window); [`PendingCheck::finish`] takes its answer before the store is
    /// used. A file SQLite refuses outright is recovered here and then.
    pub fn open_for_start(
        path: &Path,
        bundled: &CatalogFile,
    ) -> Result<(Store, CatalogFile, Option<PendingCheck>), StoreError> {
        let opened = Store::open(path).and_then(|mut store| {
            store.recover_asides(path, None)?;
            Store::with_catalog(store, bundled)
        });
        match opened {
            Ok((store, file)) => Ok((store, file, Some(PendingCheck::start(path)))),
            Err(e) if e.is_corruption() => {
                let (store, file) = Store::open_recovering_with_catalog(path, bundled)?;
                Ok((store, file, None))
            }
            Err(e) => Err(e),
        }
    }

    /// Opens the database like [`Store::open`], refusing a damaged file with [`StoreError::Damaged`]
    /// (which names it) and leaving it where it is.
    pub fn open_checked(path: &Path) -> Result<Store, StoreError> {
        let damaged = |problem: String| StoreError::Damaged { path: path.display().to_string(), problem };
        match Store::open(path) {
            Ok(store) => match quick_check(&store.conn) {
                Ok(None) => Ok(store),
                Ok(Some(problem)) => Err(damaged(problem)),
                Err(e) if is_corruption(&e) => Err(damaged(e.to_string())),
                Err(e) => Err(e.into()),
            },
            Err(e @ StoreError::Damaged { .. }) => Err(e),
            Err(e) if e.is_corruption() => Err(damaged(e.to_string())),
            Err(e) => Err(e),
        }
    }

    /// What a recovery at this start did, if one happened.
    pub fn recovery(&self) -> Option<&Recovery> {
        self.recovery.as_ref()
    }

    /// The newest recovery in the audit log: (when, what).
    pub fn last_recovery(&self) -> Result<Option<(String, String)>, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT at, what FROM audit_log WHERE who = ?1 ORDER BY id DESC LIMIT 1", [AUDIT_WHO], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?)
    }

    /// Copies from every aside file next to `path` that the audit log does not name yet.
    fn recover_asides(&mut self, path: &Path, problem: Option<&str>) -> Result<(), StoreError> {
        let dir = super::data_folder(path);
        for name in aside_names(path) {
            if self.recovered_at(&name)?.is_none() {
                let recovery = self.recover_from(&dir.join(&name), &name, problem)?;
                log::warn!("{}", recovery.message);
                self.recovery = Some(recovery);
            }
        }
        Ok(())
    }

    /// When the audit log says the aside file `name` was recovered (its first entry naming it).
    fn recovered_at(&self, name: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT at FROM audit_log WHERE who = ?1 AND instr(what, ?2) > 0 ORDER BY id LIMIT 1",
                rusqlite::params![AUDIT_WHO, format!("另存为 {name}，")],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Deletes the damaged files set aside next to `path` (with their `-wal`/`-shm`) whose recovery
    /// the audit log recorded more than `days` before `now`: they hold residents' names and ID
    /// numbers, kept no longer than the applications' personal fields. An aside not recovered yet is
    /// kept. Returns how many were deleted.
    pub fn remove_recovered_asides(
        &self,
        path: &Path,
        days: u32,
        now: chrono::DateTime<chrono::Local>,
    ) -> Result<usize, StoreError> {
        let cutoff = now - chrono::Duration::days(i64::from(days));
        let dir = super::data_folder(path);
        let mut removed = 0;
        for name in aside_names(path) {
            let Some(at) = self.recovered_at(&name)? else { continue };
            let Ok(at) = chrono::DateTime::parse_from_rfc3339(&at) else { continue };
            if at > cutoff {
                continue;
            }
            for suffix in ["-wal", "-shm"] {
                let _ = std::fs::remove_file(dir.join(format!("{name}{suffix}")));
            }
            match std::fs::remove_file(dir.join(&name)) {
                Ok(()) => removed += 1,
                Err(e) => log::warn!("cannot delete the recovered database file {name}: {e}"),
            }
        }
        Ok(removed)
    }

    /// Copies what `aside` still holds into this (fresh) database, with the audit entry, in one
    /// transaction.
    fn recover_from(&mut self, aside: &Path, name: &str, problem: Option<&str>) -> Result<Recovery, StoreError> {
        // SQLite makes the journal files of a WAL file even to read it: those it made go again after.
        let journals: Vec<PathBuf> = ["-wal", "-shm"]
            .iter()
            .map(|suffix| PathBuf::from(format!("{}{suffix}", aside.display())))
            .filter(|p| !p.exists())
            .collect();
        let old = open_damaged(aside);
        let tables = |table: &str, extra: &[&str]| match &old {
            Some(old) => salvage_table(old, table, extra),
            None => Salvaged::default(),
        };
        let apps = tables(
            "application",
            &[
                "SELECT id FROM application WHERE idempotency_key > '' ORDER BY idempotency_key",
                "SELECT id FROM application WHERE acceptance_no > '' ORDER BY acceptance_no",
                "SELECT id FROM application WHERE token > '' ORDER BY token",
                "SELECT id FROM application WHERE applicant_key > '' ORDER BY applicant_key",
                "SELECT application_id FROM print_job",
                "SELECT application_id FROM rating",
            ],
        );
        let jobs = tables("print_job", &[]);
        let ratings = tables("rating", &[]);
        let retired = tables("retired_terminal", &[]);
        drop(old);
        for made in journals {
            let _ = std::fs::remove_file(made);
        }

        let tx = self.conn.transaction()?;
        let new_columns = |table: &str| -> rusqlite::Result<BTreeSet<String>> {
            let mut stmt = tx.prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))?;
            let names = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
            Ok(names)
        };
        let app_columns = new_columns("application")?;
        let mut ids: BTreeMap<i64, i64> = BTreeMap::new();
        let mut recovered = 0;
        let mut skipped = 0;
        for row in &apps.rows {
            let (Some(Value::Integer(old_id)), Some(Value::Text(key))) = (row.get("id"), row.get("idempotency_key"))
            else {
                skipped += 1;
                continue;
            };
            let present: Option<i64> = tx
                .query_row("SELECT id FROM application WHERE idempotency_key = ?1", [key], |r| r.get(0))
                .optional()?;
            if let Some(id) = present {
                ids.insert(*old_id, id);
                continue;
            }
            match insert(&tx, "application", &app_columns, row, &[]) {
                Ok(()) => {
                    ids.insert(*old_id, tx.last_insert_rowid());
                    recovered += 1;
                }
                Err(e) => {
                    log::warn!("recovery: application row {old_id} not copied: {e}");
                    skipped += 1;
                }
            }
        }
        let job_columns = new_columns("print_job")?;
        let rating_columns = new_columns("rating")?;
        for (rows, table, columns) in
            [(&jobs.rows, "print_job", &job_columns), (&ratings.rows, "rating", &rating_columns)]
        {
            for row in rows {
                let Some(Value::Integer(app)) = row.get("application_id") else { continue };
                let Some(new_app) = ids.get(app) else { continue };
                let already: bool = tx.query_row(
                    &format!("SELECT EXISTS (SELECT 1 FROM {table} WHERE application_id = ?1)"),
                    [new_app],
                    |r| r.get(0),
                )?;
                if already && table == "rating" {
                    continue;
                }
                if let Err(e) = insert(&tx, table, columns, row, &[("application_id", Value::Integer(*new_app))]) {
                    log::warn!("recovery: a {table} row not copied: {e}");
                }
            }
        }
        let retired_columns = new_columns("retired_terminal")?;
        for row in &retired.rows {
            if let Err(e) = insert(&tx, "retired_terminal", &retired_columns, row, &[]) {
                log::warn!("recovery: a retired terminal credential not copied: {e}");
            }
        }
        let unreadable = apps.unreadable + skipped;
        let reason = problem.map(|p| format!(": {p}")).unwrap_or_default();
        let message = format!(
            "数据库文件已损坏，已另存为 {name}，已恢复 {recovered} 份申请（{unreadable} 份无法读取）。 \
             The database file was damaged{reason}; moved aside as {name}; {recovered} applications \
             recovered, {unreadable} unreadable."
        );
        tx.execute(
            "INSERT INTO audit_log (at, who, what) VALUES (?1, ?2, ?3)",
            rusqlite::params![chrono::Local::now().to_rfc3339(), AUDIT_WHO, message],
        )?;
        tx.commit()?;
        Ok(Recovery { moved_to: aside.to_path_buf(), recovered, unreadable, message })
    }
}

/// A `quick_check` of the database file on its own read-only connection, in a thread.
pub struct PendingCheck {
    path: PathBuf,
    thread: std::thread::JoinHandle<rusqlite::Result<Option<String>>>,
}

impl PendingCheck {
    fn start(path: &Path) -> PendingCheck {
        let file = path.to_path_buf();
        let thread = std::thread::spawn(move || {
            let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
            let conn = Connection::open_with_flags(&file, flags)?;
            conn.busy_timeout(std::time::Duration::from_secs(5))?;
            quick_check(&conn)
        });
        PendingCheck { path: path.to_path_buf(), thread }
    }

    /// Waits for the check. A sound file gives `store` back; a damaged one is moved aside and a fresh
    /// database returned with what it held, the bundled catalogue and the one `store` had installed
    /// when it can still be read (the window already shows it).
    pub fn finish(self, store: Store, bundled: &CatalogFile) -> Result<Store, StoreError> {
        let problem = match self.thread.join() {
            Ok(Ok(None)) => return Ok(store),
            Ok(Ok(Some(problem))) => problem,
            Ok(Err(e)) if is_corruption(&e) => e.to_string(),
            Ok(Err(e)) => {
                log::warn!("the database check could not run ({e}); the file is used as it is");
                return Ok(store);
            }
            Err(_) => {
                log::warn!("the database check failed; the file is used as it is");
                return Ok(store);
            }
        };
        let shown = store.load_catalog().ok().flatten();
        drop(store);
        let mut store = Store::recover_now(&self.path, &problem)?;
        store.install_catalog_if_newer(bundled)?;
        if let Some(shown) = shown {
            store.install_catalog_if_newer(&shown)?;
        }
        Ok(store)
    }
}

/// Inserts `row`'s values for the columns the new table has (without its rowid `id`), with
/// `replace` overriding some; `INSERT OR IGNORE` (a unique key already there is kept).
fn insert(
    tx: &rusqlite::Transaction<'_>,
    table: &str,
    columns: &BTreeSet<String>,
    row: &BTreeMap<String, Value>,
    replace: &[(&str, Value)],
) -> rusqlite::Result<()> {
    let mut names = Vec::new();
    let mut values = Vec::new();
    for (name, value) in row {
        if name == "id" || !columns.contains(name) {
            continue;
        }
        names.push(name.as_str());
        values.push(replace.iter().find(|(n, _)| n == name).map_or_else(|| value.clone(), |(_, v)| v.clone()));
    }
    let marks = vec!["?"; names.len()].join(", ");
    tx.execute(
        &format!("INSERT OR IGNORE INTO {table} ({}) VALUES ({marks})", names.join(", ")),
        params_from_iter(values),
    )?;
    Ok(())
}

/// The damaged file, opened read-only when SQLite can (else read-write: it is the aside copy).
fn open_damaged(path: &Path) -> Option<Connection> {
    let read_only = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, read_only)
        .or_else(|_| Connection::open(path))
        .map_err(|e| log::warn!("recovery: cannot open {}: {e}", path.display()))
        .ok()?;
    Some(conn)
}

/// The rows of one table that could be read, and how many rowids failed to read.
#[derive(Default)]
struct Salvaged {
    rows: Vec<BTreeMap<String, Value>>,
    unreadable: usize,
}

/// Reads `table` row by row: the rowids come from scans in both directions, `max(rowid)`, and `extra`
/// queries (other access paths, e.g. indexes), each kept up to its first error; then every rowid from
/// 1 to the largest seen is read on its own, so a damaged page loses only the rows on it.
fn salvage_table(old: &Connection, table: &str, extra: &[&str]) -> Salvaged {
    let mut out = Salvaged::default();
    let columns: Vec<String> = match old
        .prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
    {
        Ok(c) => c,
        Err(e) => {
            log::warn!("recovery: table {table} unreadable: {e}");
            return out;
        }
    };
    if columns.is_empty() {
        return out;
    }
    let mut rowids = BTreeSet::new();
    let scans = [
        format!("SELECT rowid FROM {table} ORDER BY rowid"),
        format!("SELECT rowid FROM {table} ORDER BY rowid DESC"),
        format!("SELECT max(rowid) FROM {table}"),
    ];
    for sql in scans.iter().map(String::as_str).chain(extra.iter().copied()) {
        let Ok(mut stmt) = old.prepare(sql) else { continue };
        let Ok(mut rows) = stmt.query([]) else { continue };
        while let Ok(Some(row)) = rows.next() {
            if let Ok(id) = row.get::<_, i64>(0) {
                rowids.insert(id);
            }
        }
    }
    let max = rowids.iter().copied().filter(|&id| id <= MAX_PROBED_ROWID).max().unwrap_or(0);
    rowids.extend(1..=max);
    let sql = format!("SELECT rowid, {} FROM {table} WHERE rowid = ?1", columns.join(", "));
    let Ok(mut stmt) = old.prepare(&sql) else {
        out.unreadable = rowids.len();
        return out;
    };
    for id in rowids {
        let row = stmt
            .query_row([id], |r| {
                let mut row = BTreeMap::new();
                for (i, c) in columns.iter().enumerate() {
                    row.insert(c.clone(), r.get::<_, Value>(i + 1)?);
                }
                Ok(row)
            })
            .optional();
        match row {
            Ok(Some(row)) => out.rows.push(row),
            Ok(None) => {}
            Err(_) => out.unreadable += 1,
        }
    }
    out
}

/// The names of the aside files of the database at `path` (`<file>.corrupt-…`, without their
/// `-wal`/`-shm`), sorted.
fn aside_names(path: &Path) -> Vec<String> {
    let Some(prefix) = path.file_name().map(|n| format!("{}.corrupt-", n.to_string_lossy())) else {
        return Vec::new();
    };
    let Ok(entries) = std::fs::read_dir(super::data_folder(path)) else { return Vec::new() };
    let mut asides: Vec<String> = entries
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.starts_with(&prefix) && !n.ends_with("-wal") && !n.ends_with("-shm"))
        .collect();
    asides.sort();
    asides
}

/// Moves the damaged file and its `-wal`/`-shm` aside as `<file>.corrupt-YYYYMMDD-HHMMSS` (and
/// `…-wal`, `…-shm`, so SQLite still reads them together); the journal files go first, so a power cut
/// in between never leaves a new database next to the old journal.
fn move_aside(path: &Path) -> Result<PathBuf, StoreError> {
    let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S").to_string();
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "kiosk.sqlite3".into());
    let mut aside = path.with_file_name(format!("{name}.corrupt-{stamp}"));
    let mut n = 1;
    while aside.exists() {
        n += 1;
        aside = path.with_file_name(format!("{name}.corrupt-{stamp}-{n}"));
    }
    let io = |e: std::io::Error| StoreError::DataDir { path: path.display().to_string(), source: e };
    for suffix in ["-wal", "-shm"] {
        let from = PathBuf::from(format!("{}{suffix}", path.display()));
        if from.exists() {
            std::fs::rename(&from, format!("{}{suffix}", aside.display())).map_err(io)?;
        }
    }
    std::fs::rename(path, &aside).map_err(io)?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
    }
    Ok(aside)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::bundled;
    use crate::slip::PickupSlip;
    use crate::store::outbox::{Kind, NewApplication, OutboxState};
    use chrono::Local;

    const PAGE: usize = 4096;

    fn application(i: usize) -> NewApplication {
        NewApplication {
            kind: Kind::Application,
            item_code: "LL0001".into(),
            item_name: "老年人优待证办理（年审）".into(),
            applicant: crate::store::sample_applicant(),
            // About 1 KB a row: three or four rows a page, so one damaged page loses only a few.
            form: [("remark".to_string(), "x".repeat(700))].into(),
            promised_date: None,
            note: Some(format!("marker-{i:03}")),
        }
    }

    /// A kiosk database with `n` applications (every third synced, every fourth's slip printed),
    /// checkpointed into the main file; returns (idempotency key, synced) by marker number.
    fn kiosk_database(path: &Path, n: usize) -> Vec<(String, bool)> {
        let mut store = Store::open(path).unwrap();
        // Freed space is zeroed: a marker is only ever on the page of its live row.
        store.connection().pragma_update(None, "secure_delete", "ON").unwrap();
        let mut out = Vec::new();
        for i in 0..n {
            let (s, job) = store
                .submit("SF-QST-01", &application(i), Local::now(), |_| {
                    PickupSlip::sample("https://zwfw.example.gov.cn")
                })
                .unwrap();
            let synced = i.is_multiple_of(3);
            if synced {
                store.mark_synced(&s.idempotency_key, "accepted").unwrap();
            }
            if i.is_multiple_of(4) {
                store.record_print(job.id, Ok(())).unwrap();
            }
            out.push((s.idempotency_key, synced));
        }
        store.audit("staff", "a staff entry in the old file").unwrap();
        drop(store);
        assert!(!Path::new(&format!("{}-wal", path.display())).exists(), "checkpointed on close");
        out
    }

    /// The marker numbers on each page of the file.
    fn markers_by_page(bytes: &[u8], n: usize) -> Vec<Vec<usize>> {
        bytes
            .chunks(PAGE)
            .map(|page| {
                (0..n)
                    .filter(|i| {
                        let m = format!("marker-{i:03}");
                        page.windows(m.len()).any(|w| w == m.as_bytes())
                    })
                    .collect()
            })
            .collect()
    }

    fn garbage(len: usize, seed: u64) -> Vec<u8> {
        let mut x = seed | 1;
        (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect()
    }

    fn asides(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n.starts_with("kiosk.sqlite3.corrupt-"))
            .collect();
        names.sort();
        names
    }

    fn recoveries(store: &Store) -> usize {
        store.audit_entries(100).unwrap().iter().filter(|(_, who, _)| who == AUDIT_WHO).count()
    }

    #[test]
    fn garbage_instead_of_a_database_is_moved_aside_and_the_kiosk_starts_fresh() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kiosk.sqlite3");
        let junk = garbage(64 * 1024, 7);
        std::fs::write(&path, &junk).unwrap();

        let (store, catalog) = Store::open_recovering_with_catalog(&path, &bundled()).unwrap();
        assert_eq!(catalog, bundled(), "the catalogue is installed as on a first start");
        assert!(crate::grid::store::version(&store).unwrap().is_none(), "no grid yet, as on a first start");
        let names = asides(dir.path());
        assert_eq!(names.len(), 1, "{names:?}");
        let name = &names[0];
        assert!(
            name.len() == "kiosk.sqlite3.corrupt-YYYYMMDD-HHMMSS".len()
                && name["kiosk.sqlite3.corrupt-".len()..].chars().filter(|c| c.is_ascii_digit()).count() == 14,
            "{name}"
        );
        assert_eq!(std::fs::read(dir.path().join(name)).unwrap(), junk, "the damaged file is kept as it was");
        let r = store.recovery().expect("a recovery at this start");
        assert_eq!((r.recovered, r.unreadable), (0, 0));
        assert!(r.message.starts_with(&format!("数据库文件已损坏，已另存为 {name}，已恢复 0 份申请")), "{}", r.message);
        assert!(store.applications().unwrap().is_empty());
        assert!(store.integrity_ok().unwrap());
        let (_, what) = store.last_recovery().unwrap().unwrap();
        assert_eq!(what, r.message);
        drop(store);

        // The second start finds a sound file and an aside file already recovered: nothing more.
        let store = Store::open_recovering(&path).unwrap();
        assert!(store.recovery().is_none());
        assert_eq!(recoveries(&store), 1);
        assert_eq!(asides(dir.path()).len(), 1);
    }

    #[test]
    fn other_commands_refuse_a_damaged_file_naming_it_and_leave_it_in_place() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kiosk.sqlite3");
        let junk = garbage(8 * 1024, 11);
        std::fs::write(&path, &junk).unwrap();
        for result in [Store::open_checked(&path).map(drop), Store::open(&path).map(drop)] {
            let e = result.expect_err("a damaged file is refused");
            assert!(matches!(e, StoreError::Damaged { .. }), "{e:?}");
            let text = e.to_string();
            assert!(text.contains("数据库文件已损坏") && text.contains("is damaged"), "{text}");
            assert!(text.contains(&path.display().to_string()), "names the file: {text}");
        }
        assert_eq!(std::fs::read(&path).unwrap(), junk);
        assert!(asides(dir.path()).is_empty());
    }

    #[test]
    fn readable_applications_of_a_file_with_damaged_pages_reach_the_new_outbox_once_with_their_state() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kiosk.sqlite3");
        let n = 40;
        let apps = kiosk_database(&path, n);
        let mut bytes = std::fs::read(&path).unwrap();
        let pages = markers_by_page(&bytes, n);
        for i in 0..n {
            assert_eq!(pages.iter().filter(|p| p.contains(&i)).count(), 1, "marker {i} is on exactly one page");
        }
        // Two leaf pages of the application table, neither the first nor the last.
        let page_of = |i: usize| pages.iter().position(|p| p.contains(&i)).unwrap();
        let damaged = [page_of(8), page_of(27)];
        assert_ne!(damaged[0], damaged[1]);
        let lost: BTreeSet<usize> = damaged.iter().flat_map(|&p| pages[p].iter().copied()).collect();
        assert!(lost.len() >= 2 && lost.len() < n / 2, "{lost:?}");
        for (k, &p) in damaged.iter().enumerate() {
            bytes[p * PAGE..(p + 1) * PAGE].copy_from_slice(&garbage(PAGE, 100 + k as u64));
        }
        std::fs::write(&path, &bytes).unwrap();

        let store = Store::open_recovering(&path).unwrap();
        let r = store.recovery().expect("a recovery at this start").clone();
        let survivors: Vec<&(String, bool)> =
            apps.iter().enumerate().filter(|(i, _)| !lost.contains(i)).map(|(_, a)| a).collect();
        assert_eq!(r.recovered, survivors.len(), "{}", r.message);
        assert_eq!(r.unreadable, lost.len(), "{}", r.message);
        assert!(
            r.message.contains(&format!("已恢复 {} 份申请（{} 份无法读取）", survivors.len(), lost.len())),
            "{}",
            r.message
        );

        let now = store.applications().unwrap();
        assert_eq!(now.len(), survivors.len());
        let keys: BTreeMap<&str, OutboxState> = now.iter().map(|s| (s.idempotency_key.as_str(), s.state)).collect();
        assert_eq!(keys.len(), now.len(), "each once");
        for (key, synced) in &survivors {
            let want = if *synced { OutboxState::Synced } else { OutboxState::Queued };
            assert_eq!(keys.get(key.as_str()), Some(&want), "{key}");
        }
        // Only the queued ones go to the hub, with their personal fields.
        let sendable = store.sendable(100).unwrap();
        let unsynced: BTreeSet<&str> = survivors.iter().filter(|(_, s)| !s).map(|(k, _)| k.as_str()).collect();
        assert_eq!(sendable.iter().map(|o| o.stored.idempotency_key.as_str()).collect::<BTreeSet<_>>(), unsynced);
        for o in &sendable {
            o.request().validate().unwrap();
            assert!(o.note.as_deref().is_some_and(|m| m.starts_with("marker-")));
        }
        // The slips came along (reprint needs them), printed or not as they were.
        for s in &now {
            let i: usize = store
                .sendable(100)
                .unwrap()
                .iter()
                .chain(store.outgoing(100).unwrap().iter())
                .find(|o| o.stored.id == s.id)
                .and_then(|o| o.note.as_deref()?.strip_prefix("marker-")?.parse().ok())
                .unwrap_or(usize::MAX);
            let job = store.print_job_of(s.id).unwrap().expect("its print job");
            if i != usize::MAX {
                assert_eq!(job.printed, i.is_multiple_of(4), "marker {i}");
            }
            assert_eq!(s.slip_printed, job.printed);
        }
        assert!(store.integrity_ok().unwrap());
        drop(store);

        // A second start: nothing more.
        let store = Store::open_recovering(&path).unwrap();
        assert!(store.recovery().is_none());
        assert_eq!(store.applications().unwrap().len(), survivors.len());
        assert_eq!(recoveries(&store), 1);
        assert_eq!(asides(dir.path()).len(), 1, "{:?}", asides(dir.path()));
    }

    #[test]
    fn recovered_asides_are_deleted_after_the_retention_period_and_others_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kiosk.sqlite3");
        std::fs::write(&path, garbage(64 * 1024, 11)).unwrap();
        let store = Store::open_recovering(&path).unwrap();
        let recovered = asides(dir.path());
        assert_eq!(recovered.len(), 1, "{recovered:?}");
        // Journal files of the aside, and an aside the audit log does not name (not recovered yet).
        std::fs::write(dir.path().join(format!("{}-wal", recovered[0])), b"wal").unwrap();
        let pending = "kiosk.sqlite3.corrupt-20261130-101500";
        std::fs::write(dir.path().join(pending), b"not recovered").unwrap();

        let now = Local::now();
        assert_eq!(store.remove_recovered_asides(&path, 30, now).unwrap(), 0, "recovered just now: kept");
        assert_eq!(store.remove_recovered_asides(&path, 30, now + chrono::Duration::days(29)).unwrap(), 0);
        assert_eq!(asides(dir.path()).len(), 3);
        assert_eq!(store.remove_recovered_asides(&path, 30, now + chrono::Duration::days(31)).unwrap(), 1);
        assert_eq!(asides(dir.path()), [pending], "the recovered one and its journal gone, the other kept");
        assert!(path.exists(), "the database itself is untouched");
    }

    #[test]
    fn a_cut_between_moving_the_file_aside_and_copying_is_finished_on_the_next_start() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kiosk.sqlite3");
        let apps = kiosk_database(&path, 5);
        // As if the power went after the rename and a fresh file was created.
        let aside = dir.path().join("kiosk.sqlite3.corrupt-20261130-101500");
        std::fs::rename(&path, &aside).unwrap();
        drop(Store::open(&path).unwrap());

        let store = Store::open_recovering(&path).unwrap();
        let r = store.recovery().expect("the copy is finished");
        assert_eq!((r.recovered, r.unreadable), (5, 0));
        assert_eq!(r.moved_to, aside);
        let keys: BTreeSet<String> = store.applications().unwrap().into_iter().map(|s| s.idempotency_key).collect();
        assert_eq!(keys, apps.iter().map(|(k, _)| k.clone()).collect());
        drop(store);
        let store = Store::open_recovering(&path).unwrap();
        assert!(store.recovery().is_none());
        assert_eq!(store.applications().unwrap().len(), 5, "not copied twice");
    }

    #[test]
    fn at_the_kiosks_start_the_check_runs_alongside_and_a_damaged_page_is_recovered_when_it_answers() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kiosk.sqlite3");
        let apps = kiosk_database(&path, 12);

        // A sound file: the same store back, nothing moved.
        let (store, file, check) = Store::open_for_start(&path, &bundled()).unwrap();
        assert_eq!(file, bundled());
        let store = check.expect("a check runs").finish(store, &bundled()).unwrap();
        assert!(store.recovery().is_none());
        assert_eq!(store.applications().unwrap().len(), 12);
        drop(store);
        assert!(asides(dir.path()).is_empty());

        // One damaged page of the applications table: the file opens, the check finds it.
        let mut bytes = std::fs::read(&path).unwrap();
        let pages = markers_by_page(&bytes, 12);
        let p = pages.iter().position(|m| m.contains(&5)).unwrap();
        let lost: BTreeSet<usize> = pages[p].iter().copied().collect();
        assert!(!lost.is_empty() && lost.len() < 12, "{lost:?}");
        bytes[p * PAGE..(p + 1) * PAGE].copy_from_slice(&garbage(PAGE, 3));
        std::fs::write(&path, &bytes).unwrap();
        let (store, _, check) = Store::open_for_start(&path, &bundled()).unwrap();
        assert!(store.recovery().is_none(), "not yet: the check answers later");
        let store = check.expect("a check runs").finish(store, &bundled()).unwrap();
        let r = store.recovery().expect("recovered once the check answered");
        assert_eq!((r.recovered, r.unreadable), (12 - lost.len(), lost.len()), "{}", r.message);
        let keys: BTreeSet<String> = store.applications().unwrap().into_iter().map(|s| s.idempotency_key).collect();
        let want: BTreeSet<String> =
            apps.iter().enumerate().filter(|(i, _)| !lost.contains(i)).map(|(_, (k, _))| k.clone()).collect();
        assert_eq!(keys, want);
        assert_eq!(store.load_catalog().unwrap(), Some(bundled()), "the catalogue is installed again");
        assert_eq!(asides(dir.path()).len(), 1);
    }

    /// The cost `quick_check` adds to every start, on a terminal's database after years of use.
    /// `cargo test --release --lib store::recover::tests::quick_check_cost -- --ignored --nocapture`
    #[test]
    #[ignore = "a measurement: prints the figures"]
    fn quick_check_cost_on_a_realistic_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kiosk.sqlite3");
        let n: usize = std::env::var("KIOSK_QC_APPS").ok().and_then(|v| v.parse().ok()).unwrap_or(20_000);
        {
            let mut store = Store::open_with_catalog(&path, &bundled()).unwrap().0;
            store.connection().pragma_update(None, "synchronous", "OFF").unwrap();
            let mut app = application(0);
            app.form = [("phone".to_string(), "13800000000".to_string())].into();
            for i in 0..n {
                // Some 50 a day (acceptance numbers are per day).
                let at = Local::now() - chrono::Duration::days((i / 50) as i64);
                store.submit("SF-QST-01", &app, at, |_| PickupSlip::sample("https://zwfw.example.gov.cn")).unwrap();
            }
        }
        let size = std::fs::metadata(&path).unwrap().len();
        let time = |f: &dyn Fn()| {
            let runs = 5;
            let start = std::time::Instant::now();
            for _ in 0..runs {
                f();
            }
            start.elapsed() / runs
        };
        let open = time(&|| drop(Store::open(&path).unwrap()));
        let checked = time(&|| drop(Store::open_recovering(&path).unwrap()));
        println!(
            "{n} applications, {:.1} MB: open {:.1} ms, open + quick_check {:.1} ms",
            size as f64 / 1e6,
            open.as_secs_f64() * 1e3,
            checked.as_secs_f64() * 1e3
        );
    }
}
