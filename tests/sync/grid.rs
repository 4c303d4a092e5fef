//! Issue 16: a grid directory published at the hub reaches the kiosk's database with the catalogue's
//! round; one the kiosk cannot use (here written into the hub's store behind `grid publish`'s check)
//! is never installed; an older one never replaces a newer one.

use std::time::Duration;

use crate::sync_support::*;

const WAIT: Duration = Duration::from_secs(20);

fn directory_json(version: u64) -> String {
    let mut dir = kiosk::grid::bundled();
    dir.version = version;
    serde_json::to_string(&dir).unwrap()
}

#[test]
fn a_grid_directory_published_at_the_hub_is_installed_and_an_unusable_one_is_not() {
    let hub = TestHub::start();
    let token = hub.add_terminal(TERMINAL);
    let kiosk = TestKiosk::new();
    let sync = kiosk.sync(&config(HubSettings { url: Some(hub.url()), token: &token, ..Default::default() }));
    wait_until("the first round is done", WAIT, || sync.status().last_success.is_some());
    assert_eq!(sync.grid_version(), None, "nothing published, nothing installed");

    let v = kiosk::grid::bundled().version + 1;
    let file = hub.dir.path().join("grid.json");
    std::fs::write(&file, directory_json(v)).unwrap();
    kiosk_hub::cli::grid_publish(&hub.store, &file).unwrap();
    sync.kick();
    wait_until("the new directory is installed", WAIT, || sync.grid_version() == Some(v));
    assert_eq!(kiosk::grid::store::version(&kiosk.store).unwrap(), Some(v));

    // A grid without a worker, stored without the publishing check: the kiosk checks it too.
    let mut bad = kiosk::grid::bundled();
    bad.version = v + 1;
    bad.streets[0].communities[0].grids[0].workers.clear();
    hub.store.publish_grid(bad.version as i64, &serde_json::to_string(&bad).unwrap()).unwrap();
    sync.kick();
    wait_until("the unusable directory is reported", WAIT, || {
        sync.status().last_error.is_some_and(|e| e.contains("grid directory") && e.contains("has no worker"))
    });
    assert_eq!(sync.grid_version(), Some(v), "the installed one stays");
    assert_eq!(kiosk::grid::store::version(&kiosk.store).unwrap(), Some(v));

    std::fs::write(&file, directory_json(v + 2)).unwrap();
    kiosk_hub::cli::grid_publish(&hub.store, &file).unwrap();
    sync.kick();
    wait_until("the next good directory is installed", WAIT, || sync.grid_version() == Some(v + 2));
}

#[test]
fn an_older_grid_directory_at_the_hub_never_replaces_a_newer_one() {
    let hub = TestHub::start();
    let token = hub.add_terminal(TERMINAL);
    let mut kiosk = TestKiosk::new();
    let mut newer = kiosk::grid::bundled();
    newer.version += 2;
    newer.streets.truncate(1);
    kiosk::grid::store::install_if_newer(&mut kiosk.store, &newer).unwrap();
    let file = hub.dir.path().join("grid.json");
    std::fs::write(&file, directory_json(newer.version - 1)).unwrap();
    kiosk_hub::cli::grid_publish(&hub.store, &file).unwrap();
    let sync = kiosk.sync(&config(HubSettings { url: Some(hub.url()), token: &token, ..Default::default() }));
    wait_until("a round is done", WAIT, || sync.status().last_success.is_some());
    assert_eq!(sync.grid_version(), Some(newer.version));
    assert_eq!(kiosk::grid::store::load(&kiosk.store).unwrap(), Some(newer));
}
