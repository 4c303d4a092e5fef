//! The kiosk with its sync worker: offline it says so in the header and keeps working; when the hub
//! comes up the application arrives exactly once, and the indicator goes away.

use std::net::TcpListener;
use std::time::Duration;

use crate::common::*;
use crate::sync_support::TestHub;
use kiosk::catalog::{self, Catalog};
use kiosk::store::Store;
use kiosk::sync::SyncWorker;
use kiosk::ui::{Devices, KioskUi};
use kiosk::{AppState, ApplyState, ApplyStep};
use slint::ComponentHandle;

const LIMIT: Duration = Duration::from_secs(15);

/// A kiosk with simulated devices, a real SQLite file and its sync worker, as `kiosk run` starts it.
pub(crate) fn kiosk_with_sync(config: &kiosk::config::Config) -> (KioskUi, tempfile::TempDir) {
    i_slint_backend_testing::init_no_event_loop();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("kiosk.sqlite3");
    let ui = KioskUi::new(config, Catalog::new(catalog::bundled()), Devices::start(config)).unwrap();
    ui.window().window().set_size(slint::LogicalSize::new(1080.0, 1920.0));
    ui.window().show().unwrap();
    ui.attach_store(Store::open(&db).unwrap());
    ui.attach_sync(SyncWorker::start(config, &db, ui.health()));
    (ui, dir)
}

#[test]
fn offline_the_kiosk_keeps_working_and_catches_up_when_the_hub_returns() {
    let hub = TestHub::new();
    let token = hub.add_terminal("SF-QST-01");
    // A port nobody listens on yet; the hub will serve on it later.
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut config = demo_config();
    config.hub.url = Some(format!("http://127.0.0.1:{port}"));
    config.hub.terminal_token = Some(token);
    config.hub.timeout_ms = 1000;
    config.hub.backoff_base_ms = 50;
    config.hub.backoff_max_ms = 300;
    config.hub.heartbeat_secs = 1;

    let (ui, _dir) = kiosk_with_sync(&config);

    let offline = |ui: &KioskUi| ui.window().global::<AppState>().get_network_status().contains("网络未连接");
    assert!(wait_until(&ui, LIMIT, offline), "the header says the network is down");
    assert!(shows(&ui, "网络未连接，申请会在恢复后自动上传"), "the indicator is in the accessibility tree");

    tap(&ui, "老年优待证");
    tap(&ui, "模拟刷卡：老年居民");
    assert!(wait_until(&ui, LIMIT, |ui| ui.window().global::<ApplyState>().get_step() == ApplyStep::Review));
    tap(&ui, "同意并提交");
    assert_eq!(ui.window().global::<ApplyState>().get_step(), ApplyStep::Done, "submitting works offline");
    let key = ui.store().as_ref().unwrap().applications().unwrap()[0].idempotency_key.clone();

    let mut hub = hub;
    hub.serve(TcpListener::bind(("127.0.0.1", port)).unwrap());
    assert!(
        wait_until(&ui, LIMIT, |ui| ui.window().global::<AppState>().get_network_status().is_empty()),
        "the indicator goes away once the hub answers"
    );
    crate::sync_support::wait_until("the application is at the hub", LIMIT, || hub.count_by_key().contains_key(&key));
    assert_eq!(hub.count_by_key().get(&key), Some(&1), "exactly once");
    let status = ui.sync_status().unwrap();
    assert!(status.online && !status.revoked);
}

/// A terminal the hub has revoked says so in the header and in staff diagnostics.
#[test]
fn a_revoked_terminal_says_so_in_its_diagnostics() {
    let hub = TestHub::start();
    let token = hub.add_terminal("SF-QST-01");
    hub.revoke("SF-QST-01");
    let mut config = demo_config();
    config.hub.url = Some(hub.url().to_string());
    config.hub.terminal_token = Some(token);
    config.hub.heartbeat_secs = 1;

    let (ui, _dir) = kiosk_with_sync(&config);
    assert!(
        wait_until(&ui, LIMIT, |ui| ui.window().global::<AppState>().get_network_status().contains("已停用")),
        "the header says the terminal is refused"
    );
    for _ in 0..5 {
        tap(&ui, "终端号 SF-QST-01");
    }
    for d in "246810".chars() {
        tap(&ui, &d.to_string());
    }
    tap(&ui, "确定");
    tap(&ui, "设备诊断");
    let line = label_containing(&ui, "中心平台：").expect("a hub line");
    assert!(line.contains("拒绝本终端"), "{line}");
    assert!(label_containing(&ui, "最近的同步错误：").is_some_and(|e| e.contains("401")));
}
