//! A bad network between kiosk and hub: 500s, connections dropped before or after the hub handled a
//! request, and requests stalled past the timeout. After recovery every application is at the hub
//! exactly once, in submission order.

use std::time::Duration;

use crate::sync_support::proxy::{Fault, FlakyProxy};
use crate::sync_support::*;

#[test]
fn after_500s_drops_and_stalls_every_application_is_at_the_hub_exactly_once() {
    let hub = TestHub::start();
    let token = hub.add_terminal(TERMINAL);
    // About 40% of requests fail, at most 30 times, in an order fixed by the seed.
    let proxy = FlakyProxy::start(hub.url(), 7, 0.4, 30);
    let mut kiosk = TestKiosk::new();
    let submitted: Vec<String> = (0..25).map(|_| kiosk.submit().acceptance_no).collect();

    let sync = kiosk.sync(&config(HubSettings {
        url: Some(&proxy.url),
        token: &token,
        heartbeat_secs: 1,
        timeout_ms: 300,
        backoff_base_ms: 10,
        backoff_max_ms: 100,
    }));
    wait_until("every application is at the hub", Duration::from_secs(60), || hub.count_by_key().len() == 25);
    wait_until("the outbox is empty", Duration::from_secs(30), || sync.status().outbox_depth == 0);
    wait_until("the injected faults are used up", Duration::from_secs(60), || proxy.faults_left() == 0);
    wait_until("a whole round succeeded", Duration::from_secs(30), || sync.status().online);
    sync.stop();

    let (requests, injected) = proxy.report();
    for fault in [Fault::Status500, Fault::DropBeforeHub, Fault::DropAfterHub, Fault::Stall] {
        assert!(injected.get(&fault).copied().unwrap_or(0) > 0, "{fault:?} never injected: {injected:?}");
    }
    let counts = hub.count_by_key();
    assert_eq!(counts.len(), 25);
    assert!(counts.values().all(|&n| n == 1), "some application arrived twice: {counts:?}");
    assert_eq!(hub.received_in_order(), submitted, "submission order is kept through retries");
    for no in &submitted {
        assert_eq!(kiosk.application(no).hub_status.as_deref(), Some("accepted"));
    }
    assert!(requests > 25 + 30, "{requests} requests for 25 applications and 30 faults");
}
