//! Enrolment by a one-time code: a fresh kiosk config (the package's, nothing about the hub in it)
//! and `kiosk enrol --hub URL --code CODE` as a process; the terminal then syncs with the hub, and the
//! code cannot be used twice.

use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;

use crate::sync_support::{senior_card_renewal, wait_until, TestHub};
use kiosk::config::Config;
use kiosk::store::Store;
use kiosk::sync::{HealthReport, SyncWorker};

/// The packaged `kiosk.toml` with its data in `dir` and quick hub timing for a test.
fn fresh_config(dir: &Path) -> std::path::PathBuf {
    let packaged = include_str!("../../packaging/kiosk.toml");
    assert!(!packaged.contains("\nurl =") && !packaged.contains("\nterminal_token ="), "no hub in a fresh config");
    let text = packaged
        .replace("data_dir = \"/var/lib/community-kiosk\"", "data_dir = \"data\"")
        .replace("heartbeat_secs = 60", "heartbeat_secs = 1\nbackoff_base_ms = 20\nbackoff_max_ms = 200");
    let path = dir.join("kiosk.toml");
    std::fs::write(&path, text).unwrap();
    path
}

fn enrol(config: &Path, hub: &str, code: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kiosk"))
        .arg("--config")
        .arg(config)
        .args(["enrol", "--hub", hub, "--code", code])
        .env("RUST_LOG", "warn")
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

#[test]
fn a_fresh_kiosk_enrols_with_a_code_syncs_and_the_code_works_once() {
    let hub = TestHub::start();
    hub.store.add_terminal("SF-YT-03", Some("月塘街道便民服务中心")).unwrap();
    let code = hub.store.create_enrolment("SF-YT-03", chrono::Duration::hours(24), None).unwrap().code;
    let dir = tempfile::tempdir().unwrap();
    let config_path = fresh_config(dir.path());
    let before = std::fs::read_to_string(&config_path).unwrap();

    let out = enrol(&config_path, hub.url(), &code);
    assert_eq!(out.status.code(), Some(0), "{}{}", text(&out.stdout), text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("enrolled as SF-YT-03 (月塘街道便民服务中心)"), "{stdout}");
    assert!(!stdout.contains(&code), "the code is never printed back");
    let config = Config::load(&config_path).unwrap();
    assert_eq!(config.terminal_id, "SF-YT-03");
    assert_eq!(config.centre_name, "月塘街道便民服务中心");
    assert_eq!(config.hub.base_url(), Some(hub.url()));
    assert_eq!(config.applications.qr_base, hub.url(), "slips point at the hub's phone page");
    let written = std::fs::read_to_string(&config_path).unwrap();
    assert!(!written.contains(&code), "the code is not written to the config");
    assert_eq!(std::fs::read_to_string(dir.path().join("kiosk.toml.bak")).unwrap(), before, "the old config kept");

    // It syncs: an application submitted on it reaches the hub under its new id.
    let db = config.database_path();
    let stored = {
        let mut store = Store::open(&db).unwrap();
        let (stored, _) = store
            .submit(&config.terminal_id, &senior_card_renewal(), chrono::Local::now(), |_| {
                kiosk::slip::PickupSlip::sample(&config.applications.qr_base)
            })
            .unwrap();
        stored
    };
    let sync = SyncWorker::start(&config, &db, HealthReport::shared());
    let key = stored.idempotency_key.clone();
    wait_until("the application is at the hub", Duration::from_secs(15), || hub.count_by_key().contains_key(&key));
    let at_hub = hub.store.list_applications(None, None).unwrap();
    assert_eq!(at_hub.iter().find(|a| a.idempotency_key == key).unwrap().terminal_id, "SF-YT-03");
    assert!(!sync.status().revoked);
    drop(sync);

    // The code once only: a second enrolment is refused, in Chinese for staff too, and changes nothing.
    let again = enrol(&config_path, hub.url(), &code);
    assert_eq!(again.status.code(), Some(2), "{}", text(&again.stderr));
    let stderr = text(&again.stderr);
    assert!(stderr.contains("enrolment_code_used") && stderr.contains("只能用一次"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&config_path).unwrap(), written, "nothing changed");

    // A wrong code: refused before anything changes.
    let wrong = enrol(&config_path, hub.url(), "0000-0000-0000");
    assert_eq!(wrong.status.code(), Some(2));
    assert!(text(&wrong.stderr).contains("登记码不正确"), "{}", text(&wrong.stderr));
    // An expired one.
    let expired = hub.store.create_enrolment("SF-YT-03", chrono::Duration::seconds(-1), None).unwrap().code;
    let out = enrol(&config_path, hub.url(), &expired);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("已过期"), "{}", text(&out.stderr));
    assert_eq!(std::fs::read_to_string(&config_path).unwrap(), written, "nothing changed");
}

#[test]
fn an_unreachable_hub_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let config_path = fresh_config(dir.path());
    let before = std::fs::read_to_string(&config_path).unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let out = enrol(&config_path, &url, "493027185521");
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert_eq!(std::fs::read_to_string(&config_path).unwrap(), before);
    assert!(!dir.path().join("kiosk.toml.bak").exists());
}
