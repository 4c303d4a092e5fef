//! What the hub refuses: a revoked or unknown terminal stops pushing and says so; an application the
//! hub refuses for good is recorded on the terminal and never blocks the ones after it.

use std::time::Duration;

use crate::sync_support::*;

const WAIT: Duration = Duration::from_secs(20);

#[test]
fn a_revoked_terminal_is_refused_and_says_so() {
    let hub = TestHub::start();
    let token = hub.add_terminal(TERMINAL);
    let mut kiosk = TestKiosk::new();
    let first = kiosk.submit().acceptance_no;
    let sync = kiosk.sync(&config(HubSettings { url: Some(hub.url()), token: &token, ..Default::default() }));
    wait_until("the first application is at the hub", WAIT, || hub.count_by_key().len() == 1);

    hub.revoke(TERMINAL);
    let second = kiosk.submit().acceptance_no;
    sync.kick();
    // A periodic round may meet the revocation before the second application is written; the depth
    // then catches up on the next (slow) round.
    wait_until("the worker knows it is revoked and counts what waits", WAIT, || {
        let s = sync.status();
        s.revoked && s.outbox_depth == 1
    });
    let status = sync.status();
    let error = status.last_error.clone().unwrap_or_default();
    assert!(error.contains("401") && error.contains("terminal_revoked"), "{status:?}");
    assert_eq!(status.outbox_depth, 1, "{status:?}");
    assert_eq!(hub.received_in_order(), [first]);
    assert!(kiosk.application(&second).hub_status.is_none());
}

#[test]
fn an_unknown_token_is_refused_from_the_start() {
    let hub = TestHub::start();
    hub.add_terminal(TERMINAL);
    let mut kiosk = TestKiosk::new();
    kiosk.submit();
    let sync = kiosk.sync(&config(HubSettings { url: Some(hub.url()), token: "not-a-token", ..Default::default() }));
    wait_until("the worker knows it is refused", WAIT, || sync.status().revoked);
    assert!(sync.status().last_error.unwrap().contains("401"));
    assert!(hub.count_by_key().is_empty());
}

#[test]
fn an_application_the_hub_refuses_is_recorded_and_the_rest_go_on() {
    let hub = TestHub::start();
    let token = hub.add_terminal(TERMINAL);
    let mut kiosk = TestKiosk::new();
    let before = kiosk.submit().acceptance_no;
    let mut bad = senior_card_renewal();
    bad.applicant.birth_date = "1953-02-30".into();
    let refused = kiosk.queue_unchecked(bad).acceptance_no;
    let after = kiosk.submit().acceptance_no;
    let cfg = config(HubSettings { url: Some(hub.url()), token: &token, ..Default::default() });
    let sync = kiosk.sync(&cfg);
    wait_until("the good applications are at the hub", WAIT, || hub.count_by_key().len() == 2);
    wait_until("a whole round succeeded", WAIT, || sync.status().last_success.is_some());
    assert_eq!(hub.received_in_order(), [before, after]);
    let recorded = kiosk.store.refused().unwrap();
    assert_eq!(recorded.len(), 1);
    assert_eq!(recorded[0].0, refused);
    assert!(recorded[0].1.contains("422 invalid_body") && recorded[0].1.contains("birth_date"), "{recorded:?}");
    let status = sync.status();
    assert_eq!(status.outbox_depth, 1, "a refused application still counts as not at the hub");
    assert!(status.online && !status.revoked, "{status:?}");
    // Staff see it in the heartbeat.
    wait_until("the heartbeat names the refusal", WAIT, || {
        hub.store.list_terminals().unwrap()[0]
            .last_heartbeat
            .as_ref()
            .and_then(|h| h.heartbeat.last_error.clone())
            .is_some_and(|e| e.contains(&refused))
    });
    drop(sync);

    // A restarted worker (e.g. after an update) tries it once more; the hub still refuses it.
    let sync = kiosk.sync(&cfg);
    wait_until("a round of the new worker", WAIT, || sync.status().last_success.is_some());
    assert_eq!(kiosk.store.refused().unwrap().len(), 1);
    assert_eq!(hub.count_by_key().len(), 2);
}
