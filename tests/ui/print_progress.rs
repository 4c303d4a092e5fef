//! Issue 17: a slip that takes the printer's line more than 2 s (from `[printer] baud`) shows a
//! progress bar, 打印进度, with the percent sent and the seconds left; a quick one shows none.

use std::time::Duration;

use crate::common::*;
use kiosk::devices::printer::QrMode;
use kiosk::ui::KioskUi;
use kiosk::ApplyState;
use slint::ComponentHandle;

const LIMIT: Duration = Duration::from_secs(10);
const PRINT_LIMIT: Duration = Duration::from_secs(30);
const BAR: &str = "打印进度";

fn printing(ui: &KioskUi) -> bool {
    ui.window().global::<ApplyState>().get_printing()
}

/// The bar's accessible value as (percent sent, seconds left): "已发送 40%，约剩 2 秒".
fn bar_value(ui: &KioskUi) -> Option<(u32, u32)> {
    let bar = all(ui, BAR).into_iter().next()?;
    let value = bar.accessible_value()?.to_string();
    let (percent, rest) = value.strip_prefix("已发送 ")?.split_once("%，约剩 ")?;
    Some((percent.parse().ok()?, rest.strip_suffix(" 秒")?.parse().ok()?))
}

#[test]
fn a_raster_slip_on_a_slow_line_shows_its_progress_until_it_is_printed() {
    let ui = kiosk_on_a_9600_baud_line(QrMode::Raster);
    submit_senior_card(&ui);
    assert!(printing(&ui), "正在打印回执");
    // About 2.9 KB: about 3 s on the line.
    let mut first = None;
    assert!(
        wait_until(&ui, LIMIT, |ui| {
            first = bar_value(ui);
            first.is_some()
        }),
        "the progress bar appears while the slip prints"
    );
    let (percent, left) = first.unwrap();
    assert!(percent < 100 && (1..=4).contains(&left), "at first: {percent}% sent, {left} s left");
    assert!(shows(&ui, &format!("已发送 {percent}%，约剩 {left} 秒")), "the same words are on screen");
    assert!(
        wait_until(&ui, LIMIT, |ui| bar_value(ui).is_some_and(|(p, l)| p > percent && p >= 50 && l < left)),
        "the bar moves on as the line carries the slip: {:?}",
        bar_value(&ui)
    );
    assert!(wait_until(&ui, PRINT_LIMIT, |ui| !printing(ui)), "the slip is printed");
    assert!(!shows(&ui, BAR), "the bar goes with the job");
    let message = ui.window().global::<ApplyState>().get_print_message();
    assert!(message.starts_with("回执已打印"), "{message}");
    let jobs = ui.devices().printer.as_ref().unwrap().simulator().unwrap().jobs();
    assert_eq!(jobs.len(), 1);
}

#[test]
fn a_native_slip_on_the_same_line_is_quick_and_shows_no_bar() {
    let ui = kiosk_on_a_9600_baud_line(QrMode::Native);
    submit_senior_card(&ui);
    // Under 1 KB: about a second on the line, too short for a bar.
    let mut seen = false;
    assert!(
        wait_until(&ui, PRINT_LIMIT, |ui| {
            seen |= shows(ui, BAR);
            !printing(ui)
        }),
        "the slip is printed"
    );
    assert!(!seen, "no progress bar for a quick job");
    assert_eq!(ui.devices().printer.as_ref().unwrap().simulator().unwrap().jobs().len(), 1);
}
