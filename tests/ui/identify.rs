//! A resident identifies by placing their ID card: the masked identity shows, or what to do.

use std::time::{Duration, Instant};

use crate::common::*;
use kiosk::devices::idcard::{DeviceKind, Fault, SimReader};
use kiosk::{AppState, ApplyStep, IdentifyState, Screen};
use slint::ComponentHandle;

const LIMIT: Duration = Duration::from_secs(10);

#[test]
fn an_elderly_residents_card_shows_the_masked_identity() {
    let ui = kiosk_with_devices(&demo_config());
    tap(&ui, "老年优待证");
    assert_eq!(ui.window().global::<AppState>().get_screen(), Screen::Identify);
    assert!(shows(&ui, "请将身份证放在感应区"));
    tap(&ui, "模拟刷卡：老年居民");
    assert!(wait_until(&ui, LIMIT, |ui| apply_step(ui) == ApplyStep::Review), "the card was read");
    assert!(shows(&ui, "张*英"), "masked name");
    assert!(shows(&ui, "4302**********102X"), "masked ID number");
    assert!(shows(&ui, "居民身份证"));
    assert_eq!(label_containing(&ui, "张演英"), None, "the full name is never on screen");
    assert_eq!(label_containing(&ui, "43020419530816102X"), None, "nor the full number");
    tap(&ui, "首页");
    tap(&ui, "老年优待证");
    assert!(shows(&ui, "请将身份证放在感应区"), "a new session starts without the last card");
}

#[test]
fn an_expired_card_says_so_and_another_card_can_follow() {
    let ui = kiosk_with_devices(&demo_config());
    tap(&ui, "老年优待证");
    tap(&ui, "模拟刷卡：过期证件");
    assert!(wait_until(&ui, LIMIT, |ui| label_containing(ui, "证件已过期").is_some()), "expired card explained");
    assert_eq!(ui.window().global::<AppState>().get_screen(), Screen::Identify, "still waiting for a card");
    tap(&ui, "模拟刷卡：港澳台居民");
    assert!(
        wait_until(&ui, LIMIT, |ui| apply_step(ui) == ApplyStep::NotEligible),
        "the permit holder (35) is told why: {:?}",
        ui.window().global::<IdentifyState>().get_problem()
    );
    assert!(label_containing(&ui, "年满60周岁").is_some());
    tap(&ui, "返回首页");
    assert_eq!(ui.window().global::<AppState>().get_screen(), Screen::Home);
}

#[test]
fn a_missing_reader_is_reported_and_back_still_works() {
    let mut config = demo_config();
    config.id_reader.kind = DeviceKind::Serial;
    config.id_reader.port = Some("/dev/kiosk-test-no-such-reader".into());
    let ui = kiosk_with_devices(&config);
    tap(&ui, "老年优待证");
    assert!(
        wait_until(&ui, LIMIT, |ui| label_containing(ui, "读卡器故障，请联系工作人员").is_some()),
        "a missing reader is reported to the resident"
    );
    assert!(!shows(&ui, "模拟刷卡：老年居民"), "no demo panel with a real reader");
    tap(&ui, "返回");
    assert_eq!(ui.window().global::<AppState>().get_screen(), Screen::Home);
}

/// A dying reader that streams random bytes (issue 18): the resident is told the reader is broken,
/// every touch is answered while it babbles (the screen never waits on the reader), and cards are
/// read again once it recovers. The heap and the event count under babble: tests/babbling_reader.rs.
#[test]
fn a_babbling_reader_is_reported_and_the_screen_keeps_answering() {
    let sim = SimReader::start().unwrap();
    sim.set_fault(Fault::Babble);
    let mut config = demo_config();
    config.id_reader.kind = DeviceKind::Serial;
    config.id_reader.port = Some(sim.path());
    let ui = kiosk_with_devices(&config);
    tap(&ui, "老年优待证");
    assert!(
        wait_until(&ui, LIMIT, |ui| label_containing(ui, "读卡器故障，请联系工作人员").is_some()),
        "the babbling reader is reported to the resident"
    );
    let babbled = sim.bytes_babbled();
    let screen = |ui: &kiosk::ui::KioskUi| ui.window().global::<AppState>().get_screen();
    for round in 0..20 {
        let touched = Instant::now();
        tap(&ui, "返回");
        assert_eq!(screen(&ui), Screen::Home, "round {round}");
        tap(&ui, "老年优待证");
        assert_eq!(screen(&ui), Screen::Identify, "round {round}");
        // A hang detector, not a benchmark: a touch takes microseconds; a screen that waited on the
        // reader would take its whole read timeout.
        assert!(touched.elapsed() < Duration::from_secs(1), "round {round} took {:?}", touched.elapsed());
    }
    // The reader goes on babbling while the screen runs its timers.
    wait_until(&ui, Duration::from_millis(150), |_| false);
    assert!(sim.bytes_babbled() > babbled, "the reader babbled all along");
    sim.clear_fault();
    sim.place(&crate::common::cards::elderly()).unwrap();
    assert!(wait_until(&ui, LIMIT, |ui| apply_step(ui) == ApplyStep::Review), "a card is read again");
    assert!(label_containing(&ui, "读卡器故障").is_none(), "the fault is gone");
}
