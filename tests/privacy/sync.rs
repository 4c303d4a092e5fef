//! The sync worker's logs (every level, every crate it drives) carry acceptance numbers and status
//! codes, never a name, an ID number, an address, a slip token or the terminal's token, even when the
//! hub refuses an application or the terminal.

use std::time::Duration;

use crate::common::logs;
use crate::sync_support::*;
use kiosk::store::outbox::Rating;

const WAIT: Duration = Duration::from_secs(20);

#[test]
fn sync_logs_name_acceptance_numbers_and_never_personal_data_or_tokens() {
    let capture = logs::capture();

    let hub = TestHub::start();
    let token = hub.add_terminal(TERMINAL);
    let mut kiosk = TestKiosk::new();
    let good = kiosk.submit();
    kiosk.store.rate(good.id, TERMINAL, &Rating { score: 4, reasons: vec!["等候时间短".into()] }).unwrap();
    let mut bad = senior_card_renewal();
    bad.applicant.birth_date = "1953-02-30".into();
    let refused = kiosk.queue_unchecked(bad);
    let sync = kiosk.sync(&config(HubSettings { url: Some(hub.url()), token: &token, ..Default::default() }));
    wait_until("the application and its rating are at the hub", WAIT, || {
        kiosk.store.unsynced_rating_count().unwrap() == 0 && kiosk.store.refused().unwrap().len() == 1
    });
    hub.set_status(&good.acceptance_no, "processing", None);
    sync.kick();
    wait_until("the status is back", WAIT, || {
        kiosk.application(&good.acceptance_no).hub_status.as_deref() == Some("processing")
    });
    hub.revoke(TERMINAL);
    sync.kick();
    wait_until("the terminal knows it is revoked", WAIT, || sync.status().revoked);
    sync.stop();

    let logs = capture.lines().join("\n");
    assert!(logs.contains(&good.acceptance_no), "acceptance numbers are logged:\n{logs}");
    assert!(logs.contains(&refused.acceptance_no) && logs.contains("422"), "refusals are logged:\n{logs}");
    let applicant = senior_card_renewal().applicant;
    for secret in [
        NAME,
        ID_NUMBER,
        applicant.address.as_str(),
        "13800000000",
        good.token.as_str(),
        refused.token.as_str(),
        token.as_str(),
    ] {
        assert!(!logs.contains(secret), "the log holds {secret:?}:\n{logs}");
    }
}
