//! `kiosk grid find|list` as technicians use them: exit codes and JSON keys are an interface.

use std::process::Output;

use crate::kiosk;

fn config() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("kiosk.toml");
    std::fs::write(&config, "terminal_id = \"T-CLI\"\ncentre_name = \"测试中心\"\ndata_dir = \"data\"\n").unwrap();
    (dir, config)
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

#[test]
fn find_a_matched_address_exits_0_with_grid_and_workers() {
    let (_dir, config) = config();
    let out = kiosk(
        &config,
        &["grid", "find", "--address", "湖南省株洲市石峰区清水塘街道华垅社区演示路８号３幢201室", "--json"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let v = json(&out);
    let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["grid", "matched", "workers"], "no reason when matched");
    assert_eq!(v["matched"], true);
    assert_eq!(v["grid"], serde_json::json!({"street": "清水塘街道", "community": "华垅社区", "number": "第2网格"}));
    let workers = v["workers"].as_array().unwrap();
    assert_eq!(workers.len(), 1);
    assert_eq!(workers[0]["name"], "刘演芳");
    assert_eq!(workers[0]["phone"], "13807310102");
    assert!(workers[0]["hours"].as_str().unwrap().contains("工作日"));
}

#[test]
fn find_an_unknown_address_exits_2_with_a_reason() {
    let (_dir, config) = config();
    let out = kiosk(&config, &["grid", "find", "--address", "清水塘街道华垅社区华垅雅苑3栋", "--json"]);
    assert_eq!(out.status.code(), Some(2));
    let v = json(&out);
    assert_eq!(v["matched"], false);
    assert!(v["grid"].is_null());
    assert_eq!(v["workers"], serde_json::json!([]));
    assert!(v["reason"].as_str().is_some_and(|r| !r.is_empty()), "{v}");

    let out = kiosk(&config, &["grid", "find", "--address", "湖南省株洲市天元区嵩山路8号"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stdout).contains("没有匹配的网格"));
}

#[test]
fn list_shows_every_grid_with_the_addresses_it_covers() {
    let (_dir, config) = config();
    let out = kiosk(&config, &["grid", "list", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let v = json(&out);
    assert_eq!(v["version"], 1);
    let grids = v["grids"].as_array().unwrap();
    assert_eq!(grids.len(), 9);
    for g in grids {
        for key in ["street", "community", "number", "wechat_group", "workers", "covers"] {
            assert!(!g[key].is_null(), "{key} in {g}");
        }
    }
    let second = &grids[1];
    assert_eq!(second["number"], "第2网格");
    assert_eq!(second["covers"], serde_json::json!(["演示路8号 1-3栋"]));

    let out = kiosk(&config, &["grid", "list"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("华垅新村（华垅小区） 9-16栋"), "{text}");
    assert!(text.contains("演示路2-40号（双号）"), "{text}");
}

/// Issue 16: a directory published at the hub (`kiosk-hub grid publish`, a real hub on 127.0.0.1) is
/// pulled by the kiosk's sync with the catalogue, and `kiosk grid list --json` then shows its version.
#[test]
fn list_shows_the_version_pulled_from_the_hub() {
    use crate::sync_support::{wait_until, TestHub};
    let hub = TestHub::start();
    let token = hub.add_terminal("T-CLI");
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("kiosk.toml");
    std::fs::write(
        &config,
        format!(
            "terminal_id = \"T-CLI\"\ncentre_name = \"测试中心\"\ndata_dir = {:?}\n[hub]\nurl = {:?}\n\
             terminal_token = {token:?}\nheartbeat_secs = 1\n",
            dir.path().join("data"),
            hub.url()
        ),
    )
    .unwrap();
    let bundled = kiosk::grid::bundled();
    let out = kiosk(&config, &["grid", "list", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(json(&out)["version"], bundled.version, "the bundled directory before any sync");

    let mut next = bundled.clone();
    next.version += 4;
    next.published = "2026-12-01".into();
    next.streets[0].communities[0].grids[0].workers[0].name = "陈新琳".into();
    let file = hub.dir.path().join("grid.json");
    std::fs::write(&file, serde_json::to_string(&next).unwrap()).unwrap();
    kiosk_hub::cli::grid_publish(&hub.store, &file).unwrap();

    let parsed = kiosk::config::Config::load(&config).unwrap();
    let sync = kiosk::sync::SyncWorker::start(&parsed, &parsed.database_path(), kiosk::sync::HealthReport::shared());
    wait_until("the directory is installed", std::time::Duration::from_secs(15), || {
        sync.grid_version() == Some(next.version)
    });
    sync.stop();

    let out = kiosk(&config, &["grid", "list", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let v = json(&out);
    assert_eq!(v["version"], next.version);
    assert_eq!(v["published"], "2026-12-01");
    assert_eq!(v["grids"][0]["workers"][0]["name"], "陈新琳");
}
