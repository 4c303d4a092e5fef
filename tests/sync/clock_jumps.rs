//! Clock jumps (issue 18, item 5): NTP setting the wall clock back or forward by hours while the hub
//! is unreachable. The worker reads wall time through its clock (`SyncWorker::start_with_clock`,
//! here a `JumpingClock`); its waits must not: once the hub answers, the outbox drains within a
//! backoff's length, not hours later.

use std::net::TcpListener;
use std::time::{Duration, Instant};

use kiosk::clock::JumpingClock;
use kiosk::sync::SyncWorker;

use crate::sync_support::*;

const WAIT: Duration = Duration::from_secs(20);

fn the_backoff_goes_on_after_a_jump_of(jump: chrono::Duration) {
    let mut hub = TestHub::new();
    let token = hub.add_terminal(TERMINAL);
    // The hub's address exists, but nothing answers yet: each try times out and the worker backs off.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let mut kiosk = TestKiosk::new();
    let submitted: Vec<String> = (0..3).map(|_| kiosk.submit().acceptance_no).collect();
    let clock = JumpingClock::default();
    let settings = HubSettings {
        url: Some(&url),
        token: &token,
        timeout_ms: 200,
        backoff_base_ms: 50,
        backoff_max_ms: 400,
        ..Default::default()
    };
    let sync = SyncWorker::start_with_clock(&config(settings), &kiosk.db, kiosk.health.clone(), clock.wall());

    wait_until("the worker fails and backs off", WAIT, || sync.status().last_error_at.is_some());
    // Long enough for the backoff to reach its ceiling (50, 100, 200, 400 ms, each after a timeout).
    std::thread::sleep(Duration::from_millis(2000));
    let failed_at = sync.status().last_error_at.unwrap();
    clock.jump(jump);
    // The worker goes on trying, and notes its failures on the jumped clock.
    let far = |t: chrono::DateTime<chrono::Local>| (t - failed_at).num_minutes().abs() > 60;
    wait_until("a retry after the jump", Duration::from_secs(3), || sync.status().last_error_at.is_some_and(far));

    hub.serve(listener);
    let up = Instant::now();
    wait_until("every application is at the hub", WAIT, || hub.count_by_key().len() == 3);
    let drained = up.elapsed();
    // One backoff (at most 400 ms), a request that may time out (200 ms), three pushes: well under 3 s.
    assert!(drained < Duration::from_secs(3), "the outbox took {drained:?} to drain after the hub came up");
    assert_eq!(hub.received_in_order(), submitted);
    wait_until("a whole round succeeded", WAIT, || sync.status().online && sync.status().last_success.is_some());
    let success = sync.status().last_success.unwrap();
    assert!((success - clock.now()).num_minutes().abs() < 1, "last_success is read from the worker's clock");
    println!("clock set by {} h: outbox drained {drained:?} after the hub came up", jump.num_hours());
    sync.stop();
}

#[test]
fn the_backoff_does_not_stall_after_the_clock_is_set_back_by_hours() {
    the_backoff_goes_on_after_a_jump_of(chrono::Duration::hours(-6));
}

#[test]
fn the_backoff_does_not_stall_after_the_clock_is_set_forward_by_hours() {
    the_backoff_goes_on_after_a_jump_of(chrono::Duration::hours(6));
}
