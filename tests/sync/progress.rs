//! What flows back and alongside: statuses set by hub staff show in the kiosk's progress query,
//! ratings reach the hub, and heartbeats carry the devices' health.

use std::time::Duration;

use crate::sync_support::*;
use kiosk::devices::printer::PaperState;
use kiosk::store::outbox::Rating;
use kiosk::sync::{PrinterHealth, ReaderHealth};
use kiosk_hub::model::{Paper, RatingRequest, ReaderHealth as HubReader};
use kiosk_hub::store::StoreError;

const WAIT: Duration = Duration::from_secs(20);

#[test]
fn a_status_set_at_the_hub_shows_in_the_kiosks_progress_query() {
    let hub = TestHub::start();
    let token = hub.add_terminal(TERMINAL);
    let mut kiosk = TestKiosk::new();
    let no = kiosk.submit().acceptance_no;
    let sync = kiosk.sync(&config(HubSettings { url: Some(hub.url()), token: &token, ..Default::default() }));
    wait_until("the application is at the hub", WAIT, || kiosk.application(&no).hub_status.is_some());

    hub.set_status(&no, "processing", Some("材料已转区民政局审核"));
    sync.kick();
    wait_until("processing shows on the kiosk", WAIT, || {
        kiosk.application(&no).hub_status.as_deref() == Some("processing")
    });
    assert_eq!(kiosk.application(&no).hub_note.as_deref(), Some("材料已转区民政局审核"));

    hub.set_status(&no, "rejected", Some("户籍不在本辖区，请到户籍所在地办理"));
    sync.kick();
    wait_until("the rejection shows on the kiosk", WAIT, || {
        kiosk.store.applications().unwrap()[0].hub_status.as_deref() == Some("rejected")
    });
    let a = kiosk.application(&no);
    assert_eq!(a.hub_note.as_deref(), Some("户籍不在本辖区，请到户籍所在地办理"));
    assert!(kiosk.store.awaiting_status(10).unwrap().is_empty(), "a final status is not asked for again");
}

#[test]
fn a_rating_reaches_the_hub_once_its_application_is_there() {
    let hub = TestHub::start();
    let token = hub.add_terminal(TERMINAL);
    let mut kiosk = TestKiosk::new();
    let app = kiosk.submit();
    kiosk
        .store
        .rate(app.id, TERMINAL, &Rating { score: 5, reasons: vec!["操作简单".into(), "不用跑腿".into()] })
        .unwrap();
    assert_eq!(kiosk.store.unsynced_rating_count().unwrap(), 1);
    let _sync = kiosk.sync(&config(HubSettings { url: Some(hub.url()), token: &token, ..Default::default() }));
    wait_until("the rating is at the hub", WAIT, || kiosk.store.unsynced_rating_count().unwrap() == 0);
    let again = hub.store.add_rating(&RatingRequest {
        token: app.token.clone(),
        terminal_id: TERMINAL.into(),
        score: 1,
        reasons: vec![],
        rated_at: "2026-11-22T09:43:10+08:00".into(),
    });
    assert!(matches!(again, Err(StoreError::AlreadyRated)), "the hub has the kiosk's rating: {again:?}");
}

#[test]
fn heartbeats_carry_device_health_outbox_depth_and_versions() {
    let hub = TestHub::start();
    let token = hub.add_terminal(TERMINAL);
    let kiosk = TestKiosk::new();
    {
        let mut health = kiosk.health.lock().unwrap();
        health.reader = ReaderHealth::NoAnswer;
        health.printer = PrinterHealth { paper: PaperState::NearEnd, ..PrinterHealth::OK };
    }
    let sync = kiosk.sync(&config(HubSettings {
        url: Some(hub.url()),
        token: &token,
        heartbeat_secs: 1,
        ..Default::default()
    }));
    let last = || hub.store.list_terminals().unwrap()[0].last_heartbeat.clone();
    wait_until("a heartbeat arrived", WAIT, || last().is_some());
    let hb = last().unwrap();
    assert_eq!(hb.heartbeat.app_version, env!("CARGO_PKG_VERSION"));
    assert_eq!(hb.heartbeat.reader, HubReader::NoAnswer);
    assert_eq!(hb.heartbeat.printer.paper, Paper::NearEnd);
    assert!(hb.problems.contains(&"paper_near_end"), "{:?}", hb.problems);

    // The UI side reports paper out; the next heartbeat (every second) says so.
    kiosk.health.lock().unwrap().printer = PrinterHealth { paper: PaperState::Out, ..PrinterHealth::OK };
    wait_until("a heartbeat says paper out", WAIT, || last().is_some_and(|h| h.heartbeat.printer.paper == Paper::Out));
    assert!(sync.status().online);
}
