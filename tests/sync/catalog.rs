//! A catalogue published at the hub reaches the kiosk's database; one the kiosk cannot read strictly
//! is never installed.

use std::time::Duration;

use crate::sync_support::*;

const WAIT: Duration = Duration::from_secs(20);

#[test]
fn a_catalogue_published_at_the_hub_is_installed_on_the_kiosk() {
    let hub = TestHub::start();
    let token = hub.add_terminal(TERMINAL);
    let kiosk = TestKiosk::new();
    let sync = kiosk.sync(&config(HubSettings { url: Some(hub.url()), token: &token, ..Default::default() }));
    wait_until("the first round is done", WAIT, || sync.status().last_success.is_some());
    assert_eq!(sync.catalog_version(), None, "nothing published, nothing installed");

    let v = kiosk::catalog::bundled().version + 1;
    hub.publish(&catalog_json(v, 5));
    sync.kick();
    wait_until("the new catalogue is installed", WAIT, || sync.catalog_version() == Some(v));
    let installed = kiosk.store.load_catalog().unwrap().unwrap();
    assert_eq!(installed.version, v);
    assert_eq!(installed.items.len(), 5);
    assert_eq!(installed.items, kiosk::catalog::bundled().items[..5]);

    // The hub checks catalogues loosely; the kiosk reads them strictly and keeps what it has.
    hub.publish(&format!(r#"{{"version":{},"items":[{{"code":"LL0001","name":"老年人优待证"}}]}}"#, v + 1));
    sync.kick();
    wait_until("the unreadable catalogue is reported", WAIT, || {
        sync.status().last_error.is_some_and(|e| e.contains("unreadable"))
    });
    assert_eq!(sync.catalog_version(), Some(v));
    assert_eq!(kiosk.store.load_catalog().unwrap().unwrap().items.len(), 5);

    hub.publish(&catalog_json(v + 2, 7));
    sync.kick();
    wait_until("the next good catalogue is installed", WAIT, || sync.catalog_version() == Some(v + 2));
    assert_eq!(kiosk.store.load_catalog().unwrap().unwrap().items.len(), 7);
}

#[test]
fn an_older_catalogue_at_the_hub_never_replaces_a_newer_one() {
    let hub = TestHub::start();
    let token = hub.add_terminal(TERMINAL);
    let mut kiosk = TestKiosk::new();
    let mut newer = kiosk::catalog::bundled();
    newer.version += 2;
    kiosk.store.install_catalog_if_newer(&newer).unwrap();
    hub.publish(&catalog_json(newer.version - 1, 3));
    let sync = kiosk.sync(&config(HubSettings { url: Some(hub.url()), token: &token, ..Default::default() }));
    wait_until("a round is done", WAIT, || sync.status().last_success.is_some());
    assert_eq!(sync.catalog_version(), Some(newer.version));
    assert_eq!(kiosk.store.load_catalog().unwrap().unwrap().items.len(), newer.items.len());
}
