//! Outbox → hub throughput on loopback: N applications (default 500; `SYNC_BENCH_N` to change)
//! submitted offline, then one sync worker pushes them to a real in-process kiosk-hub over HTTP.
//!
//! Run: `cargo bench -p kiosk --bench sync_throughput`

#[path = "../tests/sync_support/mod.rs"]
mod sync_support;

use std::time::{Duration, Instant};

use sync_support::*;

fn main() {
    let n: usize = std::env::var("SYNC_BENCH_N").ok().and_then(|v| v.parse().ok()).unwrap_or(500);
    let hub = TestHub::start();
    let token = hub.add_terminal(TERMINAL);
    let mut kiosk = TestKiosk::new();

    let started = Instant::now();
    for _ in 0..n {
        kiosk.submit();
    }
    let submit = started.elapsed();

    let cfg = config(HubSettings { url: Some(hub.url()), token: &token, ..Default::default() });
    let started = Instant::now();
    let sync = kiosk.sync(&cfg);
    let deadline = started + Duration::from_secs(600);
    loop {
        if sync.status().outbox_depth == 0 && hub.count_by_key().len() == n {
            break;
        }
        assert!(Instant::now() < deadline, "not done after 10 minutes");
        std::thread::sleep(Duration::from_millis(2));
    }
    let push = started.elapsed();
    sync.stop();
    assert!(hub.count_by_key().values().all(|&c| c == 1));

    let per_s = |d: Duration| n as f64 / d.as_secs_f64();
    println!("sync_throughput: {n} applications");
    println!("  submit to the outbox (fsync each): {:>8.1} ms  {:>8.0} applications/s", ms(submit), per_s(submit));
    println!("  outbox → hub over loopback HTTP:   {:>8.1} ms  {:>8.0} applications/s", ms(push), per_s(push));
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
