//! `kiosk-hub` processes sharing one database, seen from outside: one `serve` per SQLite file (a
//! second one is refused naming the file), any number on one PostgreSQL (the same 1,000 applications
//! fired at two instances at once are stored once each, with no 5xx), a status change that loses a
//! race reported by the command line, and the retention purge at start.

use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use kiosk_hub::config::Database;
use kiosk_hub::store::Store;
use serde_json::Value;

use crate::common::{kiosk_hub, senior_card_renewal, stderr};

/// A `kiosk-hub serve` process, killed when dropped.
struct Serve {
    child: Child,
    base: String,
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_addr() -> String {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().to_string()
}

/// A hub.toml in `dir` for `database` (a file name in `dir`, or a URL), with a key file and `extra` lines.
fn config(dir: &Path, name: &str, database: &Database, extra: &str) -> PathBuf {
    let key = dir.join("hub.key");
    if !key.exists() {
        kiosk_hub::cli::keys_init(Some(&key)).unwrap();
    }
    let database = match database {
        Database::Sqlite(path) => path.display().to_string(),
        Database::Postgres(url) => url.clone(),
    };
    let path = dir.join(name);
    std::fs::write(
        &path,
        format!(
            "listen = \"{}\"\ndatabase = \"{database}\"\nkey_file = \"hub.key\"\nlog_level = \"warn\"\n{extra}",
            free_addr()
        ),
    )
    .unwrap();
    path
}

/// Starts `serve` and waits until it answers `/healthz` (panics with its stderr if it exits first).
fn serve(config: &Path) -> Serve {
    let text = std::fs::read_to_string(config).unwrap();
    let addr = text.lines().find_map(|l| l.strip_prefix("listen = \"")).unwrap().trim_end_matches('"').to_string();
    let child = kiosk_hub(config).arg("serve").stdout(Stdio::null()).stderr(Stdio::piped()).spawn().unwrap();
    let mut serve = Serve { child, base: format!("http://{addr}") };
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(status) = serve.child.try_wait().unwrap() {
            let mut err = String::new();
            std::io::Read::read_to_string(serve.child.stderr.as_mut().unwrap(), &mut err).unwrap();
            panic!("kiosk-hub serve exited ({status}): {err}");
        }
        if std::net::TcpStream::connect(&addr).is_ok() {
            return serve;
        }
        assert!(Instant::now() < deadline, "kiosk-hub serve did not listen within 30 s");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The status of `GET /healthz` at `base` (`http://address`).
fn healthz(base: &str) -> u16 {
    let addr = base.strip_prefix("http://").unwrap().parse().unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime
        .block_on(crate::common::raw(addr, b"GET /healthz HTTP/1.1\r\nHost: hub\r\nConnection: close\r\n\r\n"))
        .status
}

#[test]
fn a_second_serve_on_one_sqlite_file_is_refused_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("hub.sqlite3");
    let first_config = config(dir.path(), "first.toml", &Database::Sqlite(file.clone()), "");
    let second_config = config(dir.path(), "second.toml", &Database::Sqlite(file.clone()), "");
    let first = serve(&first_config);

    let second = kiosk_hub(&second_config).arg("serve").output().unwrap();
    assert_eq!(second.status.code(), Some(1), "refused: {}", stderr(&second));
    let err = stderr(&second);
    assert!(err.contains(&file.display().to_string()), "names the file: {err}");
    assert!(err.contains("already served by another kiosk-hub"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");

    // The first one goes on serving, and staff commands still work beside it.
    assert_eq!(healthz(&first.base), 200);
    let add = kiosk_hub(&second_config).args(["terminals", "add", "--id", "SF-QST-02"]).output().unwrap();
    assert!(add.status.success(), "{}", stderr(&add));
    drop(first);
    // Once it stopped, a new one starts on the same file.
    let again = serve(&second_config);
    assert_eq!(healthz(&again.base), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_on_one_postgresql_store_the_same_1000_applications_once_with_no_5xx() {
    if !crate::pg::available("two_instances_on_one_postgresql") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let database = Database::Postgres(crate::pg::new_database().await);
    // One terminal sends 1,000 applications to each instance as fast as it can: far over the default
    // per-terminal rate (429 rate_limited), which is not what this test is about.
    let unlimited = "terminal_requests_per_minute = 100000000\nterminal_burst = 100000000\n";
    let a = serve(&config(dir.path(), "a.toml", &database, unlimited));
    let b = serve(&config(dir.path(), "b.toml", &database, unlimited));
    let token = Store::connect(&database, Some(&dir.path().join("hub.key")), None)
        .unwrap()
        .add_terminal("SF-QST-01", None)
        .unwrap();

    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::builder().timeout(Duration::from_secs(60)).build().unwrap();
    let bodies: Arc<Vec<Value>> = Arc::new((0..1000).map(|_| senior_card_renewal("SF-QST-01")).collect());
    let started = Instant::now();
    const WORKERS: usize = 25;
    let workers: Vec<_> = (0..WORKERS)
        .map(|w| {
            let (client, bodies, token) = (client.clone(), bodies.clone(), token.clone());
            let urls = [format!("{}/api/v1/applications", a.base), format!("{}/api/v1/applications", b.base)];
            tokio::spawn(async move {
                let mut statuses = Vec::new();
                for body in bodies.iter().skip(w).step_by(WORKERS) {
                    let key = body["idempotency_key"].as_str().unwrap();
                    let send = |url: &String| {
                        client.post(url).bearer_auth(&token).header("Idempotency-Key", key).json(body).send()
                    };
                    // The same application at both instances at the same moment.
                    let (x, y) = tokio::join!(send(&urls[0]), send(&urls[1]));
                    let mut pair = [x.unwrap().status().as_u16(), y.unwrap().status().as_u16()];
                    pair.sort();
                    statuses.push(pair);
                }
                statuses
            })
        })
        .collect();
    let mut pairs = Vec::new();
    for w in workers {
        pairs.extend(w.await.unwrap());
    }
    let elapsed = started.elapsed();
    assert_eq!(pairs.len(), 1000);
    let server_errors = pairs.iter().flatten().filter(|s| **s >= 500).count();
    assert_eq!(server_errors, 0, "no 5xx");
    assert!(
        pairs.iter().all(|p| *p == [200, 201]),
        "each application created once and replayed once: {:?}",
        pairs.iter().find(|p| **p != [200, 201])
    );

    let client_db = crate::pg::connect(crate::pg::database_name(match &database {
        Database::Postgres(url) => url,
        Database::Sqlite(_) => unreachable!(),
    }))
    .await;
    let rows: i64 = client_db.query_one("SELECT COUNT(*) FROM applications", &[]).await.unwrap().get(0);
    let events: i64 = client_db.query_one("SELECT COUNT(*) FROM application_events", &[]).await.unwrap().get(0);
    assert_eq!((rows, events), (1000, 1000), "1,000 rows, one timeline entry each");
    eprintln!("2 instances, 1000 applications sent to both at once (2000 requests, 50 in flight): {elapsed:.1?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_command_line_reports_a_status_change_that_lost_to_another_clerk() {
    if !crate::pg::available("the_command_line_reports_a_status_change") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let url = crate::pg::new_database().await;
    let database = Database::Postgres(url.clone());
    let config = config(dir.path(), "hub.toml", &database, "");
    let store = Store::connect(&database, Some(&dir.path().join("hub.key")), None).unwrap();
    store.add_terminal("SF-QST-01", None).unwrap();
    let body: kiosk_hub::model::ApplicationRequest = serde_json::from_value(senior_card_renewal("SF-QST-01")).unwrap();
    store.create_application(&body).unwrap();
    let no = body.acceptance_no.clone();

    // The other clerk's change is under way (its transaction holds the row) when this one runs.
    let mut other = crate::pg::connect(crate::pg::database_name(&url)).await;
    let tx = other.transaction().await.unwrap();
    tx.execute("UPDATE applications SET status = 'processing' WHERE acceptance_no = $1", &[&no]).await.unwrap();
    let cli = {
        let config = config.clone();
        let no = no.clone();
        std::thread::spawn(move || {
            kiosk_hub(&config)
                .args(["applications", "set-status", &no, "rejected", "--note", "材料不全"])
                .output()
                .unwrap()
        })
    };
    let watcher = crate::pg::connect(crate::pg::database_name(&url)).await;
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let waiting: i64 = watcher
            .query_one(
                "SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()",
                &[],
            )
            .await
            .unwrap()
            .get(0);
        if waiting > 0 {
            break;
        }
        assert!(Instant::now() < deadline, "the command did not reach the row");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tx.commit().await.unwrap();
    let out = cli.join().unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("conflict") && err.contains("it is now processing") && err.contains(&no), "{err}");
    let progress = store.progress(&body.token).unwrap().unwrap();
    assert_eq!(progress.timeline.len(), 1, "the losing change added nothing");
    assert_eq!(progress.status, kiosk_hub::model::Status::Processing);
}

#[test]
fn serve_purges_expired_personal_fields_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("hub.sqlite3");
    let database = Database::Sqlite(file.clone());
    let config = config(dir.path(), "hub.toml", &database, "retention_days = 30\n");
    {
        let store = Store::connect(&database, Some(&dir.path().join("hub.key")), None).unwrap();
        store.add_terminal("SF-QST-01", None).unwrap();
        let body: kiosk_hub::model::ApplicationRequest =
            serde_json::from_value(senior_card_renewal("SF-QST-01")).unwrap();
        store.create_application(&body).unwrap();
        store.set_status(&body.acceptance_no, kiosk_hub::model::Status::Rejected, Some("不符合条件")).unwrap();
    }
    rusqlite::Connection::open(&file)
        .unwrap()
        .execute("UPDATE application_events SET at = '2020-01-01T00:00:00.000Z'", [])
        .unwrap();
    let hub = serve(&config);
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let out = kiosk_hub(&config).args(["applications", "list", "--json"]).output().unwrap();
        let listed: Value = serde_json::from_slice(&out.stdout).unwrap();
        if listed[0]["applicant_name"] == kiosk_hub::store::PURGED_NAME {
            break;
        }
        assert!(Instant::now() < deadline, "not purged at start: {listed}");
        std::thread::sleep(Duration::from_millis(100));
    }
    drop(hub);
}

#[test]
fn keys_init_makes_an_owner_only_file_once() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hub.toml");
    std::fs::write(&path, "database = \"hub.sqlite3\"\nkey_file = \"keys/hub.key\"\n").unwrap();
    std::fs::create_dir(dir.path().join("keys")).unwrap();
    let out = kiosk_hub(&path).args(["keys", "init"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let mode = std::fs::metadata(dir.path().join("keys/hub.key")).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    let again = kiosk_hub(&path).args(["keys", "init"]).output().unwrap();
    assert_eq!(again.status.code(), Some(1), "never replaced: {}", stderr(&again));
    let rotate = kiosk_hub(&path).args(["keys", "rotate"]).output().unwrap();
    assert!(String::from_utf8_lossy(&rotate.stdout).starts_with("key 2 is now current"), "{}", stderr(&rotate));
    let found = kiosk_hub(&path).args(["applications", "list", "--json", "--id-suffix", "102X"]).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&found.stdout).trim(), "[]", "{}", stderr(&found));
    let bad = kiosk_hub(&path).args(["applications", "list", "--id-suffix", "12"]).output().unwrap();
    assert_eq!(bad.status.code(), Some(2), "{}", stderr(&bad));
    std::fs::write(&path, "database = \"hub.sqlite3\"\n").unwrap();
    let none = kiosk_hub(&path).args(["keys", "init"]).output().unwrap();
    assert_eq!(none.status.code(), Some(2), "no key_file configured: {}", stderr(&none));
}

#[test]
fn an_unreachable_postgresql_is_named_without_its_password() {
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let path = dir.path().join("hub.toml");
    // Nothing listens on the port (it was free a moment ago).
    std::fs::write(&path, format!("database = \"postgres://hub:s3cret-pw@127.0.0.1:{port}/kiosk\"\n")).unwrap();
    let out = kiosk_hub(&path).args(["terminals", "list"]).output().unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains(&format!("postgres://hub:***@127.0.0.1:{port}/kiosk")), "names the database: {err}");
    assert!(!err.contains("s3cret-pw"), "never its password: {err}");
}

#[tokio::test]
async fn a_postgres_url_with_sslmode_require_is_encrypted_and_verified() {
    if !crate::pg::available("a_postgres_url_with_sslmode_require_is_encrypted_and_verified") {
        return;
    }
    let url = crate::pg::new_database().await;
    let database = Database::Postgres(format!("{url}?sslmode=require"));
    let ca = &crate::pg::server().ca_file;
    let store = Store::connect(&database, None, Some(ca)).unwrap();
    store.add_terminal("SF-QST-01", None).unwrap();
    assert_eq!(store.list_terminals().unwrap().len(), 1);
    let admin = crate::pg::connect("postgres").await;
    let encrypted: i64 = admin
        .query_one(
            "SELECT COUNT(*) FROM pg_stat_ssl s JOIN pg_stat_activity a ON a.pid = s.pid
             WHERE a.datname = $1 AND s.ssl",
            &[&crate::pg::database_name(&url)],
        )
        .await
        .unwrap()
        .get(0);
    assert!(encrypted >= 1, "the hub's connections use TLS");
    drop(store);
    // A server whose certificate is not from a trusted CA is refused.
    let err = Store::connect(&database, None, None).err().expect("the test CA is not a system root");
    let err = err.to_string();
    assert!(err.contains("TLS") || err.contains("certificate"), "{err}");
}
