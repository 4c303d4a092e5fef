//! The kiosk works offline and catches up: applications submitted while the hub is down arrive once
//! it comes up, exactly once, in submission order.

use std::net::TcpListener;
use std::time::{Duration, Instant};

use crate::sync_support::*;
use kiosk::store::outbox::OutboxState;

const WAIT: Duration = Duration::from_secs(20);

#[test]
fn applications_submitted_while_the_hub_is_down_arrive_once_when_it_comes_up() {
    let mut hub = TestHub::new();
    let token = hub.add_terminal(TERMINAL);
    // The hub's address exists, but nothing answers yet: connections wait in the backlog and time out.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());

    let mut kiosk = TestKiosk::new();
    let submitted: Vec<String> = (0..3).map(|_| kiosk.submit().acceptance_no).collect();
    let sync =
        kiosk.sync(&config(HubSettings { url: Some(&url), token: &token, timeout_ms: 300, ..Default::default() }));

    wait_until("the worker has tried and failed", WAIT, || sync.status().last_error.is_some());
    let status = sync.status();
    assert!(!status.online, "{status:?}");
    assert_eq!(status.outbox_depth, 3);
    assert!(hub.count_by_key().is_empty());
    // The terminal keeps working: another submission while offline.
    let mut all = submitted.clone();
    all.push(kiosk.submit().acceptance_no);
    sync.kick();

    hub.serve(listener);
    wait_until("every application is at the hub", WAIT, || hub.count_by_key().len() == 4);
    wait_until("the outbox is empty", WAIT, || sync.status().outbox_depth == 0);
    wait_until("a whole round succeeded", WAIT, || sync.status().last_success.is_some());
    let status = sync.status();
    assert!(status.online && !status.revoked, "{status:?}");

    let counts = hub.count_by_key();
    assert_eq!(counts.len(), 4, "{counts:?}");
    assert!(counts.values().all(|&n| n == 1), "{counts:?}");
    assert_eq!(hub.received_in_order(), all, "order of submission is kept");
    for no in &all {
        let a = kiosk.application(no);
        assert_eq!(a.state, OutboxState::Synced);
        assert_eq!(a.hub_status.as_deref(), Some("accepted"));
    }

    // Kicking again sends nothing twice.
    sync.kick();
    let before = hub.store.list_terminals().unwrap()[0].last_heartbeat.clone().map(|h| h.received_at);
    wait_until("another round went by", WAIT, || {
        hub.store.list_terminals().unwrap()[0].last_heartbeat.clone().map(|h| h.received_at) != before
    });
    assert!(hub.count_by_key().values().all(|&n| n == 1));
    sync.stop();
}

#[test]
fn a_restarted_worker_picks_up_where_the_last_one_stopped() {
    let hub = TestHub::start();
    let token = hub.add_terminal(TERMINAL);
    let mut kiosk = TestKiosk::new();
    let cfg = config(HubSettings { url: Some(hub.url()), token: &token, ..Default::default() });
    let first = kiosk.submit().acceptance_no;
    let sync = kiosk.sync(&cfg);
    wait_until("the first application is at the hub", WAIT, || hub.count_by_key().len() == 1);
    drop(sync);

    let second = kiosk.submit().acceptance_no;
    let sync = kiosk.sync(&cfg);
    wait_until("the second application is at the hub", WAIT, || hub.count_by_key().len() == 2);
    wait_until("the outbox is empty", WAIT, || sync.status().outbox_depth == 0);
    assert_eq!(hub.received_in_order(), [first, second]);
    assert!(hub.count_by_key().values().all(|&n| n == 1));
}

#[test]
fn without_a_hub_url_the_terminal_is_offline_only_and_counts_its_outbox() {
    let mut kiosk = TestKiosk::new();
    kiosk.submit();
    let sync = kiosk.sync(&config(HubSettings::default()));
    wait_until("the outbox depth is known", WAIT, || sync.status().outbox_depth == 1);
    kiosk.submit();
    sync.kick();
    wait_until("a kick recounts the outbox", WAIT, || sync.status().outbox_depth == 2);
    let status = sync.status();
    assert!(!status.online && !status.revoked && status.last_error.is_none(), "{status:?}");
}

#[test]
fn stop_returns_promptly_even_while_a_request_hangs() {
    // A hub that accepts connections and never answers.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let mut kiosk = TestKiosk::new();
    kiosk.submit();
    let sync =
        kiosk.sync(&config(HubSettings { url: Some(&url), token: "t", timeout_ms: 30_000, ..Default::default() }));
    // Wait for the request to be under way: the connection is in the listener's backlog.
    listener.set_nonblocking(false).unwrap();
    let (_conn, _) = listener.accept().unwrap();
    let started = Instant::now();
    sync.stop();
    assert!(started.elapsed() < Duration::from_secs(2), "stop took {:?}", started.elapsed());
}
