//! What the store promises on both backends beyond the HTTP routes: concurrent status changes and
//! catalogue publications decided once, personal fields unreadable in the database itself, the ID
//! number suffix search, retention, key rotation, and the in-place upgrade of an old SQLite file.

use std::sync::{Arc, Barrier};

use kiosk_hub::config::Database;
use kiosk_hub::model::Status;
use kiosk_hub::store::{Store, StoreError, PURGED_NAME};
use serde_json::Value;

use crate::common::{senior_card_renewal, Hub, ID_NUMBER};

const ADDRESS: &str = "幸福路8号2栋301室";

/// Everything the database holds for the applications, as text, read around the hub: the SQLite file
/// (and its WAL) byte for byte, or every column of every row of the PostgreSQL tables.
async fn raw_database(hub: &Hub) -> String {
    match &hub.database {
        Database::Sqlite(path) => {
            let mut bytes = std::fs::read(path).unwrap();
            bytes.extend(std::fs::read(format!("{}-wal", path.display())).unwrap_or_default());
            String::from_utf8_lossy(&bytes).into_owned()
        }
        Database::Postgres(url) => {
            let client = crate::pg::connect(crate::pg::database_name(url)).await;
            let mut text = String::new();
            for table in ["applications", "application_events", "ratings", "terminals", "terminal_health"] {
                for row in client.query(&format!("SELECT row_to_json(t)::text FROM {table} t"), &[]).await.unwrap() {
                    text.push_str(row.get::<_, &str>(0));
                    text.push('\n');
                }
            }
            text
        }
    }
}

async fn submit(hub: &Hub, token: &str) -> Value {
    let body = senior_card_renewal("SF-QST-01");
    assert_eq!(hub.submit(token, &body).await.status(), 201);
    body
}

hub_test! {
    async fn no_id_number_or_address_is_readable_in_the_database() {
        let hub = Hub::start().await;
        let token = hub.terminal("SF-QST-01");
        let body = submit(&hub, &token).await;
        let raw = raw_database(&hub).await;
        assert!(raw.contains(body["acceptance_no"].as_str().unwrap()), "the reader sees the rows");
        assert!(!raw.contains(ID_NUMBER) && !raw.contains("4301021953"), "no ID number in the database");
        assert!(!raw.contains(ADDRESS) && !raw.contains("幸福路"), "no address in the database");
        assert!(!raw.contains("王秀兰") && !raw.contains("13800000000"), "nor the name or the form's phone");
        // The hub itself still reads them: staff lists mask the name.
        assert_eq!(hub.store.list_applications(None, None).unwrap()[0].applicant_name, "王*兰");
    }
}

hub_test! {
    async fn applications_are_found_by_the_last_four_characters_of_the_id_number() {
        let hub = Hub::start().await;
        let token = hub.terminal("SF-QST-01");
        let mine = submit(&hub, &token).await;
        let mut other = senior_card_renewal("SF-QST-01");
        other["applicant"]["id_number"] = "11010519491231002X".into();
        assert_eq!(hub.submit(&token, &other).await.status(), 201);

        let found = hub.store.find_by_id_suffix("1027", None, None).unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].acceptance_no, mine["acceptance_no"].as_str().unwrap());
        let found = hub.store.find_by_id_suffix("002x", None, None).unwrap();
        assert_eq!(found[0].acceptance_no, other["acceptance_no"].as_str().unwrap(), "X in either case");
        assert!(hub.store.find_by_id_suffix("9999", None, None).unwrap().is_empty());
        assert!(hub.store.find_by_id_suffix("1027", None, Some(Status::Rejected)).unwrap().is_empty());
        let text =
            kiosk_hub::cli::applications_find(&hub.store, false, None, None, Some("1027")).unwrap();
        assert!(text.contains(mine["acceptance_no"].as_str().unwrap()) && !text.contains(ID_NUMBER), "{text}");
        let err = kiosk_hub::cli::applications_find(&hub.store, false, None, None, Some("20")).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        for bad in ["20", "10270", "1O27", " 102"] {
            let err = hub.store.find_by_id_suffix(bad, None, None).unwrap_err();
            assert!(matches!(&err, StoreError::InvalidIdSuffix(s) if s == bad), "{bad}: {err}");
        }
    }
}

hub_test! {
    async fn two_clerks_changing_one_application_at_once_one_wins_the_other_is_told() {
        let hub = Hub::start().await;
        let token = hub.terminal("SF-QST-01");
        let body = submit(&hub, &token).await;
        let no = body["acceptance_no"].as_str().unwrap().to_string();
        // Eight clerks move it to processing, released together, through two stores as two hub
        // instances would: one change applies, the others are refused (never a second timeline entry).
        let other = Arc::new(Store::connect(&hub.database, Some(&hub.key_file), None).unwrap());
        let barrier = Arc::new(Barrier::new(8));
        let clerks: Vec<_> = (0..8)
            .map(|i| {
                let store = if i % 2 == 0 { hub.store.clone() } else { other.clone() };
                let (barrier, no) = (barrier.clone(), no.clone());
                std::thread::spawn(move || {
                    let note = format!("窗口{i}受理");
                    barrier.wait();
                    store.set_status(&no, Status::Processing, Some(&note))
                })
            })
            .collect();
        let results: Vec<_> = clerks.into_iter().map(|c| c.join().unwrap()).collect();
        let won = results.iter().filter(|r| r.is_ok()).count();
        assert_eq!(won, 1, "exactly one change applies: {results:?}");
        for r in results.iter().filter_map(|r| r.as_ref().err()) {
            assert!(
                matches!(r, StoreError::StatusConflict { .. } | StoreError::BadTransition { .. }),
                "the others are told: {r}"
            );
        }
        let progress = hub.store.progress(body["token"].as_str().unwrap()).unwrap().unwrap();
        assert_eq!(progress.timeline.len(), 2, "one change on the timeline: {:?}", progress.timeline);
    }
}

hub_test! {
    async fn catalogues_published_at_once_keep_increasing_versions_without_duplicates() {
        let hub = Hub::start().await;
        let other = Arc::new(Store::connect(&hub.database, Some(&hub.key_file), None).unwrap());
        let barrier = Arc::new(Barrier::new(12));
        // Twelve publications of versions 1..=6, each twice, at the same moment.
        let publishers: Vec<_> = (0..12i64)
            .map(|i| {
                let store = if i % 2 == 0 { hub.store.clone() } else { other.clone() };
                let barrier = barrier.clone();
                std::thread::spawn(move || {
                    let version = i / 2 + 1;
                    barrier.wait();
                    store.publish_catalog(version, &format!("{{\"version\":{version},\"items\":[]}}")).map(|()| version)
                })
            })
            .collect();
        let mut published: Vec<i64> =
            publishers.into_iter().filter_map(|p| match p.join().unwrap() {
                Ok(v) => Some(v),
                Err(StoreError::VersionNotHigher { .. }) => None,
                Err(e) => panic!("only `not higher` refusals: {e}"),
            }).collect();
        let count = published.len();
        published.sort();
        published.dedup();
        assert_eq!(published.len(), count, "no version published twice");
        let latest = hub.store.latest_catalog().unwrap().unwrap().0;
        assert_eq!(latest, *published.last().unwrap());
        assert!(hub.store.publish_catalog(latest, "{}").is_err());
    }
}

hub_test! {
    async fn personal_fields_of_closed_applications_are_purged_after_the_retention_period() {
        let hub = Hub::start().await;
        let token = hub.terminal("SF-QST-01");
        let picked = submit(&hub, &token).await;
        let open = submit(&hub, &token).await;
        let no = picked["acceptance_no"].as_str().unwrap();
        for status in [Status::Processing, Status::Ready, Status::PickedUp] {
            hub.store.set_status(no, status, None).unwrap();
        }
        assert_eq!(hub.store.purge_expired(1).unwrap(), 0, "picked up today: kept for a day");
        backdate_events(&hub, "2020-01-01T00:00:00.000Z").await;
        assert_eq!(hub.store.purge_expired(30).unwrap(), 1, "only the closed one");
        assert_eq!(hub.store.purge_expired(30).unwrap(), 0, "once");
        let listed = hub.store.list_applications(None, None).unwrap();
        let by_no = |n: &Value| listed.iter().find(|a| a.acceptance_no == n.as_str().unwrap()).unwrap();
        assert_eq!(by_no(&picked["acceptance_no"]).applicant_name, PURGED_NAME);
        assert_eq!(by_no(&open["acceptance_no"]).applicant_name, "王*兰");
        assert!(hub.store.find_by_id_suffix("1027", None, None).unwrap().len() == 1, "its suffix hash is gone too");
        // The progress of the purged one still answers (no personal fields in it).
        let progress = hub.store.progress(picked["token"].as_str().unwrap()).unwrap().unwrap();
        assert_eq!(progress.status, Status::PickedUp);
    }
}

/// Moves every timeline entry to `at` (as if they had happened then).
async fn backdate_events(hub: &Hub, at: &str) {
    match &hub.database {
        Database::Sqlite(path) => {
            let conn = rusqlite::Connection::open(path).unwrap();
            conn.busy_timeout(std::time::Duration::from_secs(5)).unwrap();
            conn.execute("UPDATE application_events SET at = ?1", [at]).unwrap();
        }
        Database::Postgres(url) => {
            let client = crate::pg::connect(crate::pg::database_name(url)).await;
            client.execute("UPDATE application_events SET at = $1", &[&at]).await.unwrap();
        }
    }
}

hub_test! {
    async fn a_rotated_key_seals_every_row_again_and_a_running_hub_still_reads_them() {
        let hub = Hub::start().await;
        let token = hub.terminal("SF-QST-01");
        for _ in 0..3 {
            submit(&hub, &token).await;
        }
        let out = kiosk_hub::cli::keys_rotate(
            &Store::connect(&hub.database, Some(&hub.key_file), None).unwrap(),
            Some(&hub.key_file),
        )
        .unwrap();
        assert_eq!(out, "key 2 is now current; 3 applications sealed again with it");
        // The hub started before the rotation reads the rows sealed with key 2 (it reloads the file).
        let listed = hub.store.list_applications(None, None).unwrap();
        assert!(listed.iter().all(|a| a.applicant_name == "王*兰"), "{listed:?}");
        assert_eq!(hub.store.find_by_id_suffix("1027", None, None).unwrap().len(), 3);
        let raw = raw_database(&hub).await;
        assert!(raw.matches("enc1:2:").count() >= 6, "all rows on key 2");
        assert!(!raw.contains(ID_NUMBER));
    }
}

/// Runs one statement on the hub's database, around the hub.
async fn execute(hub: &Hub, sql: &str) {
    match &hub.database {
        Database::Sqlite(path) => {
            let conn = rusqlite::Connection::open(path).unwrap();
            conn.busy_timeout(std::time::Duration::from_secs(5)).unwrap();
            conn.execute(sql, []).unwrap();
        }
        Database::Postgres(url) => {
            crate::pg::connect(crate::pg::database_name(url)).await.execute(sql, &[]).await.unwrap();
        }
    }
}

/// The number a `SELECT COUNT(*)` answers on the hub's database.
async fn count(hub: &Hub, sql: &str) -> i64 {
    match &hub.database {
        Database::Sqlite(path) => rusqlite::Connection::open(path).unwrap().query_row(sql, [], |r| r.get(0)).unwrap(),
        Database::Postgres(url) => {
            crate::pg::connect(crate::pg::database_name(url)).await.query_one(sql, &[]).await.unwrap().get(0)
        }
    }
}

hub_test! {
    async fn a_row_that_cannot_be_opened_does_not_stop_the_others_being_sealed_again() {
        let hub = Hub::start().await;
        let token = hub.terminal("SF-QST-01");
        for _ in 0..3 {
            submit(&hub, &token).await;
        }
        // The first row (the first one every batch used to look at) is damaged.
        execute(&hub, "UPDATE applications SET applicant = 'enc1:1:not-hex' WHERE id = (SELECT MIN(id) FROM applications)")
            .await;
        let store = Store::connect(&hub.database, Some(&hub.key_file), None).unwrap();
        let out = kiosk_hub::cli::keys_rotate(&store, Some(&hub.key_file)).unwrap();
        assert_eq!(out, "key 2 is now current; 2 applications sealed again with it");
        let on_key_2 = "SELECT COUNT(*) FROM applications WHERE key_id = 2 AND applicant LIKE 'enc1:2:%'";
        assert_eq!(count(&hub, on_key_2).await, 2, "the two sound rows");
        let left = "SELECT COUNT(*) FROM applications WHERE key_id = 1 AND applicant = 'enc1:1:not-hex'";
        assert_eq!(count(&hub, left).await, 1, "the damaged row left as it was");
        // Again (the hourly pass): nothing more to seal, and no error.
        assert_eq!(store.reseal_all().unwrap(), 0);
    }
}

/// An SQLite file made by the hub before schema migrations (schema 1, `user_version` 1, personal
/// fields in plain text) is upgraded in place when opened: its rows stay, the migrations are
/// recorded, and with a key file its personal fields are sealed (what `serve` does at start).
#[test]
fn an_old_plaintext_sqlite_file_is_upgraded_in_place_and_sealed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hub.sqlite3");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(OLD_SCHEMA).unwrap();
        conn.execute_batch(&format!(
            "INSERT INTO terminals VALUES ('SF-QST-01', NULL, 'hash', '2026-01-01T00:00:00.000Z', NULL);
             INSERT INTO applications (id, idempotency_key, request_hash, terminal_id, acceptance_no, token, kind,
                 item_code, item_name, applicant, form, submitted_at, promised_date, pickup_code, grid, note, status,
                 received_at)
             VALUES (1, 'k', 'h', 'SF-QST-01', 'SF-QST-01-20260101-0001', 'aaaaaaaaaaaaaaaaaaaa', 'application',
                 'LL0001', '老年人优待证', '{{\"name\":\"王秀兰\",\"id_number\":\"{ID_NUMBER}\",\"card_type\":\"resident\",
                 \"gender\":\"女\",\"birth_date\":\"1953-03-15\",\"address\":\"{ADDRESS}\"}}', '{{}}',
                 '2026-01-01T09:00:00+08:00', NULL, '123456', NULL, NULL, 'accepted', '2026-01-01T01:00:00.000Z');
             INSERT INTO application_events VALUES (1, 1, 'accepted', '2026-01-01T01:00:00.000Z', NULL);
             PRAGMA user_version = 1;"
        ))
        .unwrap();
    }
    let key = dir.path().join("hub.key");
    kiosk_hub::cli::keys_init(Some(&key)).unwrap();
    let store = Store::connect(&Database::Sqlite(path.clone()), Some(&key), None).unwrap();
    let listed = store.list_applications(None, None).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].applicant_name, "王*兰", "plaintext rows are read before they are sealed");
    assert_eq!(store.reseal_all().unwrap(), 1);
    assert_eq!(store.find_by_id_suffix("1027", None, None).unwrap().len(), 1);
    drop(store);
    let conn = rusqlite::Connection::open(&path).unwrap();
    let versions: Vec<i64> = conn
        .prepare("SELECT version FROM schema_migrations ORDER BY version")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    // Every migration once, in order (their count grows with the hub, so not written out here).
    let all: Vec<i64> = (1..=kiosk_hub::store::SCHEMA_VERSION).collect();
    assert!(all.len() >= 2);
    assert_eq!(versions, all);
    let user_version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
    assert_eq!(user_version, kiosk_hub::store::SCHEMA_VERSION);
    conn.execute_batch("VACUUM").unwrap();
    drop(conn);
    let raw = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
    assert!(!raw.contains(ID_NUMBER) && !raw.contains(ADDRESS), "sealed, and the old text gone after VACUUM");
    // A hub of a newer schema is refused by this one instead of misread.
    rusqlite::Connection::open(&path).unwrap().pragma_update(None, "user_version", 99).unwrap();
    let err = Store::connect(&Database::Sqlite(path), None, None).err().expect("refused");
    assert!(err.to_string().contains("schema version 99 is newer"), "{err}");
}

/// The schema of hub 0.1 (before numbered migrations), as it created new files.
const OLD_SCHEMA: &str = "
CREATE TABLE terminals (id TEXT PRIMARY KEY, name TEXT, token_hash TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL,
    revoked_at TEXT);
CREATE TABLE terminal_health (terminal_id TEXT PRIMARY KEY REFERENCES terminals(id), received_at TEXT NOT NULL,
    body TEXT NOT NULL);
CREATE TABLE catalogs (version INTEGER PRIMARY KEY, body TEXT NOT NULL, published_at TEXT NOT NULL);
CREATE TABLE applications (id INTEGER PRIMARY KEY, idempotency_key TEXT NOT NULL UNIQUE, request_hash TEXT NOT NULL,
    terminal_id TEXT NOT NULL REFERENCES terminals(id), acceptance_no TEXT NOT NULL UNIQUE, token TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL, item_code TEXT NOT NULL, item_name TEXT NOT NULL, applicant TEXT NOT NULL, form TEXT NOT NULL,
    submitted_at TEXT NOT NULL, promised_date TEXT, pickup_code TEXT NOT NULL, grid TEXT, note TEXT,
    status TEXT NOT NULL, received_at TEXT NOT NULL);
CREATE TABLE application_events (id INTEGER PRIMARY KEY, application_id INTEGER NOT NULL REFERENCES applications(id),
    status TEXT NOT NULL, at TEXT NOT NULL, note TEXT);
CREATE INDEX application_events_by_application ON application_events(application_id, id);
CREATE TABLE ratings (application_id INTEGER PRIMARY KEY REFERENCES applications(id), terminal_id TEXT NOT NULL,
    score INTEGER NOT NULL, reasons TEXT NOT NULL, rated_at TEXT NOT NULL, received_at TEXT NOT NULL);
";
