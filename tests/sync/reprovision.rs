//! Re-provisioning moves a terminal to another id; what it had queued under the old id still reaches
//! the hub exactly once, under the old id — never re-attributed to the new one.

use std::time::Duration;

use crate::sync_support::{senior_card_renewal, wait_until, TestHub};
use kiosk::config::Config;
use kiosk::store::Store;
use kiosk::sync::{HealthReport, SyncWorker};

#[test]
fn an_application_queued_before_reprovisioning_is_synced_under_its_original_terminal_id() {
    let hub = TestHub::start();
    let old_token = hub.add_terminal("SF-QST-01");
    let new_token = hub.add_terminal("SF-QST-09");
    let dir = tempfile::tempdir().unwrap();
    let config_path = dir.path().join("kiosk.toml");
    // The hub is not reachable yet from this terminal's point of view: no worker runs before the move.
    std::fs::write(
        &config_path,
        format!(
            "terminal_id = \"SF-QST-01\"\ncentre_name = \"清水塘街道便民服务中心\"\ndata_dir = \"data\"\n\n[hub]\n\
             url = \"{}\"\nterminal_token = \"{old_token}\"\nheartbeat_secs = 1\nbackoff_base_ms = 20\nbackoff_max_ms = 200\n",
            hub.url()
        ),
    )
    .unwrap();
    let old = Config::load(&config_path).unwrap();
    let db = old.database_path();
    let queued = {
        let mut store = Store::open(&db).unwrap();
        let (stored, _) = store
            .submit("SF-QST-01", &senior_card_renewal(), chrono::Local::now(), |_| {
                kiosk::slip::PickupSlip::sample("https://zwfw.example.gov.cn")
            })
            .unwrap();
        stored
    };

    // Moved to another community centre with another terminal id.
    let bundle = dir.path().join("move.toml");
    std::fs::write(&bundle, "terminal_id = \"SF-QST-09\"\ncentre_name = \"华垅社区党群服务中心\"\n").unwrap();
    kiosk::staff::provision::provision(&config_path, &bundle).unwrap();
    // The enrolment that gives the new id its own token (done by staff at the hub).
    let text = std::fs::read_to_string(&config_path).unwrap().replace(&old_token, &new_token);
    std::fs::write(&config_path, text).unwrap();
    let new = Config::load(&config_path).unwrap();
    assert_eq!(new.terminal_id, "SF-QST-09");

    let sync = SyncWorker::start(&new, &new.database_path(), HealthReport::shared());
    let key = queued.idempotency_key.clone();
    wait_until("the queued application is at the hub", Duration::from_secs(15), || {
        hub.count_by_key().contains_key(&key)
    });
    assert_eq!(hub.count_by_key()[&key], 1, "exactly once");
    let at_hub = hub.store.list_applications(None, None).unwrap();
    let app = at_hub.iter().find(|a| a.idempotency_key == key).unwrap();
    assert_eq!(app.terminal_id, "SF-QST-01", "sent under its original terminal id");
    let status = sync.status();
    assert!(!status.revoked, "the new id is not refused: {status:?}");
    assert_eq!(Store::open(&db).unwrap().applications().unwrap()[0].terminal_id, "SF-QST-01");
}
