//! Issue 16: the kiosk knows its devices while idle. With `[printer] poll_secs` it asks the printer's
//! status (DLE EOT) while nobody uses it and no job is on the port, so a printer that ran out of paper
//! on an idle kiosk shows in the next heartbeat at the hub (a real one on 127.0.0.1), and residents are
//! told before they start an application that the slip will be shown on screen instead.

use std::time::Duration;

use crate::common::*;
use crate::sync::kiosk_with_sync;
use crate::sync_support::TestHub;
use kiosk::devices::printer::SimMode;
use kiosk::ui::KioskUi;
use kiosk::{AppState, PrintState, Screen};
use kiosk_contract::Paper;
use slint::ComponentHandle;

const LIMIT: Duration = Duration::from_secs(15);
const NOTICE: &str = "打印机暂时无法打印：您仍可办理，提交后回执将显示在屏幕上，可用手机拍下屏幕上的二维码。";

/// The paper state and problems of the hub's last heartbeat from the one terminal.
fn last_heartbeat(hub: &TestHub) -> Option<(Paper, Vec<&'static str>)> {
    let terminals = hub.store.list_terminals().unwrap();
    let hb = terminals.first()?.last_heartbeat.as_ref()?;
    Some((hb.heartbeat.printer.paper, hb.problems.clone()))
}

fn sim(ui: &KioskUi) -> std::cell::Ref<'_, kiosk::devices::printer::SimPrinter> {
    std::cell::Ref::map(ui.devices(), |d| d.printer.as_ref().unwrap().simulator().unwrap())
}

#[test]
fn paper_out_on_an_idle_kiosk_reaches_the_hub_and_residents_are_told_before_they_start() {
    let hub = TestHub::start();
    let token = hub.add_terminal("SF-QST-01");
    let mut config = demo_config();
    config.hub.url = Some(hub.url().to_string());
    config.hub.terminal_token = Some(token);
    config.hub.heartbeat_secs = 1;
    config.printer.poll_secs = 1;
    let (ui, _dir) = kiosk_with_sync(&config);

    let hub = &hub;
    let beat = |want: Paper| move |_: &KioskUi| last_heartbeat(hub).is_some_and(|(paper, _)| paper == want);
    assert!(wait_until(&ui, LIMIT, beat(Paper::Ok)), "a first heartbeat: {:?}", last_heartbeat(hub));
    tap(&ui, "老年优待证");
    assert!(!shows(&ui, NOTICE), "no notice while the printer is ready");
    tap(&ui, "首页");

    // Nobody at the kiosk, no job: the paper runs out.
    sim(&ui).set_mode(SimMode::PaperOut);
    assert!(wait_until(&ui, LIMIT, beat(Paper::Out)), "the next heartbeat says paper out: {:?}", last_heartbeat(hub));
    let (_, problems) = last_heartbeat(hub).unwrap();
    assert!(problems.contains(&"paper_out"), "{problems:?}");
    assert_eq!(sim(&ui).jobs().len(), 0, "nothing was printed to find out");

    // The fast path (the card screen) and 我要办理 (the list of items) both say so before anything starts.
    tap(&ui, "老年优待证");
    assert_eq!(ui.window().global::<AppState>().get_screen(), Screen::Identify);
    assert!(shows(&ui, NOTICE), "the card screen tells the resident");
    tap(&ui, "模拟刷卡：老年居民");
    assert!(wait_until(&ui, LIMIT, |ui| shows(ui, "同意并提交")), "the senior card's review");
    assert!(shows(&ui, NOTICE), "and the review, where she consents and submits, too");
    tap(&ui, "首页");
    tap(&ui, "我要办理");
    assert_eq!(ui.window().global::<AppState>().get_screen(), Screen::Apply);
    assert!(shows(&ui, NOTICE), "the list of items tells the resident");
    tap(&ui, "首页");

    // Paper refilled: the next poll and heartbeat say so, and the notice goes.
    sim(&ui).set_mode(SimMode::Normal);
    assert!(wait_until(&ui, LIMIT, beat(Paper::Ok)), "paper ok again: {:?}", last_heartbeat(hub));
    tap(&ui, "老年优待证");
    assert!(!shows(&ui, NOTICE), "no notice once the printer is ready again");
}

#[test]
fn with_poll_secs_0_the_idle_kiosk_never_asks() {
    let mut config = demo_config();
    config.printer.poll_secs = 0;
    let ui = kiosk_with_devices(&config);
    let mut ticks = 0;
    assert!(!wait_until(&ui, Duration::from_secs(3), |_| {
        ticks += 1;
        false
    }));
    assert!(ticks >= 30, "at least 3 s of the kiosk's timers passed ({ticks} ticks)");
    // (The tests above show the same idle kiosk asking within a second with poll_secs = 1.)
    assert_eq!(sim(&ui).status_requests(), 0, "no status request while idle");
}

/// A checklist printing slowly (2400 baud: the kiosk writes it piece by piece as the line carries it)
/// while the kiosk is back on its home screen: the poll waits for the job, so no status request
/// reaches the printer between the job's first byte and its cut; afterwards the polls go on. (The
/// poll goes through the printing worker's queue behind the job; a poll on a port of its own would
/// land between the job's pieces and fail this test.)
#[test]
fn no_status_poll_reaches_the_printer_during_a_job() {
    let mut config = demo_config();
    config.printer.poll_secs = 1;
    config.printer.baud = 2_400;
    let ui = kiosk_with_devices(&config);
    assert!(wait_until(&ui, LIMIT, |ui| sim(ui).status_requests() >= 3), "the idle kiosk polls");
    tap(&ui, "办事指南");
    tap(&ui, "老年人");
    tap(&ui, "老年人优待证办理（年审）");
    tap(&ui, "打印材料清单");
    assert!(ui.window().global::<PrintState>().get_printing(), "printing");
    // The resident walks away: the home screen is idle, but the job is still on the line.
    tap(&ui, "首页");
    assert_eq!(ui.window().global::<AppState>().get_screen(), Screen::Home);
    let mut ticks = 0;
    assert!(
        wait_until(&ui, Duration::from_secs(60), |ui| {
            ticks += 1;
            !sim(ui).jobs().is_empty()
        }),
        "the checklist is printed"
    );
    assert!(ticks >= 20, "the job took at least 2 s of the kiosk's timers ({ticks} ticks)");
    assert_eq!(sim(&ui).status_requests_mid_job(), 0, "no status request inside the job");
    let after = sim(&ui).status_requests();
    assert!(wait_until(&ui, LIMIT, |ui| sim(ui).status_requests() >= after + 3), "polls go on after the job");
    assert_eq!(sim(&ui).status_requests_mid_job(), 0);
}

/// The reader on an idle kiosk: its card polling goes on whoever is at the kiosk, so a reader that
/// falls silent (a real GA 467 reader on a pseudo-terminal, here the simulator as a serial device)
/// shows in the next heartbeat as `reader_no_answer`, and as `ok` again once it answers.
#[test]
fn a_silent_reader_on_an_idle_kiosk_reaches_the_hub() {
    use kiosk::devices::idcard::{DeviceKind, Fault, SimReader};
    use kiosk_contract::ReaderHealth;
    let hub = TestHub::start();
    let token = hub.add_terminal("SF-QST-01");
    let reader = SimReader::start().unwrap();
    let mut config = demo_config();
    config.hub.url = Some(hub.url().to_string());
    config.hub.terminal_token = Some(token);
    config.hub.heartbeat_secs = 1;
    config.id_reader.kind = DeviceKind::Serial;
    config.id_reader.port = Some(reader.path().to_string());
    let (ui, _dir) = kiosk_with_sync(&config);
    let hub = &hub;
    let reader_says = |want: ReaderHealth| {
        move |_: &KioskUi| {
            let terminals = hub.store.list_terminals().unwrap();
            terminals.first().and_then(|t| t.last_heartbeat.as_ref()).is_some_and(|h| h.heartbeat.reader == want)
        }
    };
    assert!(wait_until(&ui, LIMIT, reader_says(ReaderHealth::Ok)), "a serial reader that answers is ok");
    reader.set_fault(Fault::Silent);
    assert!(wait_until(&ui, LIMIT, reader_says(ReaderHealth::NoAnswer)), "the silent reader reaches the hub");
    let problems = hub.store.list_terminals().unwrap()[0].last_heartbeat.as_ref().unwrap().problems.clone();
    assert!(problems.contains(&"reader_no_answer"), "{problems:?}");
    reader.clear_fault();
    assert!(wait_until(&ui, LIMIT, reader_says(ReaderHealth::Ok)), "and ok again once it answers");
}
