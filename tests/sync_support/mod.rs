//! Shared by the `sync_*` tests and the sync benchmark: a real `kiosk-hub` served in-process on
//! 127.0.0.1 over an SQLite file in a temp dir, a kiosk database filled through `Store::submit`, and
//! bounded polling.
#![allow(dead_code)]

pub mod proxy;

use std::collections::HashMap;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use chrono::{Local, NaiveDate};
use kiosk::catalog::CatalogFile;
use kiosk::config::Config;
use kiosk::slip::PickupSlip;
use kiosk::store::outbox::{Applicant, Kind, NewApplication, Stored};
use kiosk::store::Store;
use kiosk::sync::{HealthReport, SharedHealth, SyncHandle, SyncWorker};
use kiosk_hub::api::{self, AppState};
use kiosk_hub::config::Limits;
use kiosk_hub::store::Store as HubStore;

pub const TERMINAL: &str = "SF-QST-01";
pub const NAME: &str = "王秀兰";
pub const ID_NUMBER: &str = "430102195303151027";

/// A hub database; [`TestHub::serve`] puts the API on a listener.
pub struct TestHub {
    pub store: Arc<HubStore>,
    pub dir: tempfile::TempDir,
    server: Option<(tokio::sync::oneshot::Sender<()>, JoinHandle<()>)>,
    pub url: Option<String>,
}

impl TestHub {
    /// A hub database, not yet serving.
    pub fn new() -> TestHub {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(HubStore::open(&dir.path().join("hub.sqlite3")).unwrap());
        TestHub { store, dir, server: None, url: None }
    }

    /// A hub serving on a fresh port of 127.0.0.1.
    pub fn start() -> TestHub {
        let mut hub = TestHub::new();
        hub.serve(TcpListener::bind("127.0.0.1:0").unwrap());
        hub
    }

    /// Serves the API on `listener` (bound earlier, e.g. while the kiosk was already trying it).
    pub fn serve(&mut self, listener: TcpListener) -> String {
        let url = format!("http://{}", listener.local_addr().unwrap());
        listener.set_nonblocking(true).unwrap();
        // No per-terminal rate limit: the sync throughput benchmark pushes 500 applications from one
        // terminal as fast as it can (the hub's limits have their own tests in hub/tests).
        let unlimited =
            Limits { terminal_requests_per_minute: u32::MAX, terminal_burst: u32::MAX, ..Limits::default() };
        let state = Arc::new(AppState::with_limits(self.store.clone(), None, unlimited));
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                tokio::select! {
                    r = api::serve(listener, state, std::future::pending()) => r.unwrap(),
                    _ = stopped => {}
                }
            });
            rt.shutdown_timeout(Duration::from_secs(1));
        });
        self.server = Some((stop, thread));
        self.url = Some(url.clone());
        url
    }

    pub fn url(&self) -> &str {
        self.url.as_deref().expect("the hub is not serving")
    }

    /// Registers a terminal the way `kiosk-hub terminals add` does and returns its token.
    pub fn add_terminal(&self, id: &str) -> String {
        kiosk_hub::cli::terminals_add(&self.store, id, Some("七星社区服务中心 1号机")).unwrap()
    }

    pub fn revoke(&self, id: &str) {
        kiosk_hub::cli::terminals_revoke(&self.store, id).unwrap();
    }

    /// How many applications the hub holds per idempotency key.
    pub fn count_by_key(&self) -> HashMap<String, usize> {
        let mut counts = HashMap::new();
        for a in self.store.list_applications(None, None).unwrap() {
            *counts.entry(a.idempotency_key).or_insert(0) += 1;
        }
        counts
    }

    /// Acceptance numbers in the order the hub received them.
    pub fn received_in_order(&self) -> Vec<String> {
        let mut apps = self.store.list_applications(None, None).unwrap();
        apps.sort_by_key(|a| a.id);
        apps.into_iter().map(|a| a.acceptance_no).collect()
    }

    /// `kiosk-hub catalog publish FILE`.
    pub fn publish(&self, catalog_json: &str) {
        let file = self.dir.path().join("catalog.json");
        std::fs::write(&file, catalog_json).unwrap();
        kiosk_hub::cli::catalog_publish(&self.store, &file).unwrap();
    }

    /// `kiosk-hub applications set-status NO STATUS [--note]`.
    pub fn set_status(&self, acceptance_no: &str, status: &str, note: Option<&str>) {
        kiosk_hub::cli::applications_set_status(&self.store, acceptance_no, status, note).unwrap();
    }

    /// Stops serving (the database stays).
    pub fn stop(&mut self) {
        if let Some((stop, thread)) = self.server.take() {
            let _ = stop.send(());
            thread.join().unwrap();
        }
    }
}

impl Drop for TestHub {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A terminal's database and config.
pub struct TestKiosk {
    pub dir: tempfile::TempDir,
    pub db: PathBuf,
    pub store: Store,
    pub health: SharedHealth,
}

impl TestKiosk {
    pub fn new() -> TestKiosk {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("kiosk.sqlite3");
        let store = Store::open(&db).unwrap();
        TestKiosk { dir, db, store, health: HealthReport::shared() }
    }

    /// Submits a senior-card renewal as the UI does (one durable transaction with its slip).
    pub fn submit(&mut self) -> Stored {
        self.submit_with(senior_card_renewal())
    }

    pub fn submit_with(&mut self, app: NewApplication) -> Stored {
        let (stored, _job) = self
            .store
            .submit(TERMINAL, &app, Local::now(), |_| PickupSlip::sample("https://zwfw.example.gov.cn"))
            .unwrap();
        stored
    }

    /// Queues `app` without the contract check, as a build from before `Store::submit` checked did:
    /// an application the hub refuses for good (e.g. after an update). A valid application is written
    /// and its personal fields are then replaced by `app`'s in the database file.
    pub fn queue_unchecked(&mut self, app: NewApplication) -> Stored {
        let valid = senior_card_renewal();
        let stored = self.submit_with(NewApplication {
            applicant: valid.applicant,
            form: valid.form,
            note: valid.note,
            ..app.clone()
        });
        let personal = serde_json::json!({"applicant": app.applicant, "form": app.form, "note": app.note});
        let db = rusqlite::Connection::open(&self.db).unwrap();
        let n = db
            .execute(
                "UPDATE application SET personal = ?1 WHERE id = ?2",
                rusqlite::params![personal.to_string(), stored.id],
            )
            .unwrap();
        assert_eq!(n, 1);
        stored
    }

    /// Starts a sync worker on this kiosk's database.
    pub fn sync(&self, config: &Config) -> SyncHandle {
        SyncWorker::start(config, &self.db, self.health.clone())
    }

    pub fn application(&self, acceptance_no: &str) -> Stored {
        self.store.application_by_acceptance_no(acceptance_no).unwrap().unwrap()
    }
}

/// A senior-card renewal (老年人优待证年审).
pub fn senior_card_renewal() -> NewApplication {
    NewApplication {
        kind: Kind::Application,
        item_code: "LL0001".into(),
        item_name: "老年人优待证办理（年审）".into(),
        applicant: Applicant {
            name: NAME.into(),
            id_number: ID_NUMBER.into(),
            card_type: "resident".into(),
            gender: "女".into(),
            birth_date: "1953-03-15".into(),
            address: "湖南省长沙市芙蓉区七星社区幸福路8号2栋301室".into(),
        },
        form: [("phone".to_string(), "13800000000".to_string())].into(),
        promised_date: NaiveDate::from_ymd_opt(2026, 11, 29),
        note: None,
    }
}

/// Sync settings for tests: short timeouts and backoff so that recovery takes moments.
pub struct HubSettings<'a> {
    pub url: Option<&'a str>,
    pub token: &'a str,
    pub heartbeat_secs: u32,
    pub timeout_ms: u64,
    pub backoff_base_ms: u64,
    pub backoff_max_ms: u64,
}

impl Default for HubSettings<'_> {
    fn default() -> Self {
        HubSettings {
            url: None,
            token: "",
            heartbeat_secs: 60,
            timeout_ms: 1000,
            backoff_base_ms: 20,
            backoff_max_ms: 250,
        }
    }
}

/// A kiosk config (as a technician would write it) with a `[hub]` section.
pub fn config(hub: HubSettings<'_>) -> Config {
    let mut text = format!(
        "terminal_id = \"{TERMINAL}\"\ncentre_name = \"七星社区服务中心\"\ndata_dir = \"data\"\n\n[hub]\n\
         heartbeat_secs = {}\ntimeout_ms = {}\nbackoff_base_ms = {}\nbackoff_max_ms = {}\n",
        hub.heartbeat_secs, hub.timeout_ms, hub.backoff_base_ms, hub.backoff_max_ms
    );
    if let Some(url) = hub.url {
        text.push_str(&format!("url = \"{url}\"\nterminal_token = \"{}\"\n", hub.token));
    }
    Config::parse(&text, Path::new("kiosk-config/test.toml")).unwrap()
}

/// Polls `condition` every 10 ms until it holds; panics naming `what` after `timeout`.
pub fn wait_until(what: &str, timeout: Duration, mut condition: impl FnMut() -> bool) {
    let deadline = Instant::now() + timeout;
    while !condition() {
        assert!(Instant::now() < deadline, "timed out after {timeout:?} waiting until {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// The bundled catalogue as JSON, with another version and only the first `items` items.
pub fn catalog_json(version: u64, items: usize) -> String {
    let mut file: CatalogFile = kiosk::catalog::bundled();
    file.version = version;
    file.items.truncate(items);
    serde_json::to_string(&file).unwrap()
}
