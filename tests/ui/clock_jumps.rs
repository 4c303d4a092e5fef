//! Clock jumps (issue 18, item 5): NTP setting the wall clock forward or back by hours. The kiosk
//! reads wall time through its clock (`KioskUi::set_clock`); here a `JumpingClock` that the test
//! sets, while Slint's mock time stands for the seconds that really pass. Timers must count the
//! seconds that pass, not the clock; numbers and dates must come out once and right.

use std::time::Duration;

use chrono::{Local, NaiveDate, TimeZone};
use kiosk::clock::JumpingClock;
use kiosk::slip::add_working_days;
use kiosk::ui::KioskUi;
use kiosk::{AppState, ApplyState, ApplyStep, Screen};
use slint::ComponentHandle;

use crate::common::*;

const LIMIT: Duration = Duration::from_secs(10);

/// A clock set to `day` December 2026, `h:m`, running on from there.
fn clock_at(day: u32, h: u32, m: u32) -> JumpingClock {
    JumpingClock::starting_at(Local.with_ymd_and_hms(2026, 12, day, h, m, 0).unwrap())
}

fn hours(h: i64) -> chrono::Duration {
    chrono::Duration::hours(h)
}

fn header_clock(ui: &KioskUi) -> String {
    ui.window().global::<AppState>().get_clock().to_string()
}

/// The date an acceptance number carries (`SF-QST-01-20261203-0001`).
fn date_of(no: &str) -> NaiveDate {
    NaiveDate::parse_from_str(no.rsplit('-').nth(1).unwrap(), "%Y%m%d").unwrap()
}

#[test]
fn the_idle_timer_neither_fires_nor_freezes_when_the_clock_jumps_by_hours() {
    let ui = kiosk();
    let clock = clock_at(3, 10, 0);
    ui.set_clock(clock.wall());
    wait_secs(1);
    let before = header_clock(&ui);
    tap(&ui, "办事指南");
    tap(&ui, "搜索事项");
    tap(&ui, "L");

    // 90 s without a touch warn; the clock is set forward by five hours halfway.
    wait_secs(45);
    clock.jump(hours(5));
    wait_secs(1);
    assert_ne!(header_clock(&ui), before, "the window reads the jumped clock");
    assert!(!shows(&ui, "继续办理"), "a clock set forward by hours does not fire the idle timer");
    wait_secs(20);
    // Set back by eight hours: the count goes on from where it was, not from the clock.
    clock.jump(hours(-8));
    wait_secs(23);
    assert!(!shows(&ui, "继续办理"), "89 s: no warning yet");
    wait_secs(1);
    assert!(shows(&ui, "继续办理"), "a clock set back by hours does not freeze the idle timer: warned at 90 s");
    clock.jump(hours(7));
    wait_secs(10);
    clock.jump(hours(-7));
    wait_secs(9);
    assert!(shows(&ui, "继续办理"), "the 20 s countdown is not cut short");
    wait_secs(1);
    assert!(!shows(&ui, "继续办理"));
    assert_eq!(ui.window().global::<AppState>().get_screen(), Screen::Home, "and it wiped the session on time");
}

/// From home: the senior card (done on the spot) with the elderly sample card, submitted, printed,
/// back home; its acceptance number.
fn senior_card(ui: &KioskUi) -> String {
    to_senior_card_confirmation(ui);
    tap(ui, "同意并提交");
    assert_eq!(apply_step(ui), ApplyStep::Done);
    let no = ui.window().global::<ApplyState>().get_acceptance_no().to_string();
    assert!(wait_until(ui, LIMIT, |ui| !ui.window().global::<ApplyState>().get_printing()), "printed");
    tap(ui, "首页");
    no
}

#[test]
fn acceptance_numbers_are_neither_repeated_nor_skipped_when_the_clock_jumps_across_midnight() {
    let ui = kiosk_with_devices(&demo_config());
    let clock = clock_at(3, 23, 0);
    ui.set_clock(clock.wall());
    let mut given = vec![senior_card(&ui)];
    clock.jump(hours(2)); // forward past midnight: 4 December, 01:00
    given.push(senior_card(&ui));
    clock.jump(hours(-3)); // back past midnight: 3 December, 22:00
    given.push(senior_card(&ui));
    clock.jump(hours(-4)); // back within the day: 18:00
    given.push(senior_card(&ui));
    clock.jump(hours(8)); // forward again: 4 December, 02:00
    given.push(senior_card(&ui));
    let expected = [
        "SF-QST-01-20261203-0001",
        "SF-QST-01-20261204-0001",
        "SF-QST-01-20261203-0002",
        "SF-QST-01-20261203-0003",
        "SF-QST-01-20261204-0002",
    ];
    assert_eq!(given, expected, "each date's numbers run on from the store, whatever the clock did");
    // The slips say the same numbers, each once.
    let jobs = ui.devices().printer.as_ref().unwrap().simulator().unwrap().jobs();
    for no in expected {
        let slips = jobs.iter().filter(|j| j.text_lines.iter().any(|l| l.contains(no))).count();
        assert_eq!(slips, 1, "{no} on {slips} slips");
    }
}

#[test]
fn an_item_done_on_the_spot_still_says_so_after_the_clock_is_set_back_across_midnight() {
    let ui = kiosk_with_devices(&demo_config());
    let clock = clock_at(4, 0, 5);
    ui.set_clock(clock.wall());
    to_senior_card_confirmation(&ui);
    tap(&ui, "同意并提交");
    assert_eq!(apply_step(&ui), ApplyStep::Done);
    // NTP sets the clock back to the evening before while the slip prints.
    clock.jump(hours(-3));
    assert!(wait_until(&ui, LIMIT, |ui| shows(ui, "回执已打印，请从出纸口取走。")), "printed");
    let a = ui.window().global::<ApplyState>();
    assert_eq!(date_of(&a.get_acceptance_no()), NaiveDate::from_ymd_opt(2026, 12, 4).unwrap());
    assert_eq!(a.get_promised(), "当场办结", "not a promise for tomorrow");
    let job = ui.devices().printer.as_ref().unwrap().simulator().unwrap().jobs().remove(0);
    assert!(job.text_lines.iter().any(|l| l.contains("2026-12-04 00:0")), "the slip's time: {:?}", job.text_lines);
}

#[test]
fn working_days_on_a_slip_count_from_the_date_of_the_submission_after_a_jump_across_midnight() {
    let mut config = demo_config();
    config.holidays.clear();
    let ui = kiosk_with_devices(&config);
    // Thursday evening; the form takes a while; NTP sets the clock forward into Friday before 确认提交.
    let clock = clock_at(3, 23, 30);
    ui.set_clock(clock.wall());
    tap(&ui, "我要办理");
    tap(&ui, "临时救助申请");
    tap(&ui, "同意");
    tap(&ui, "模拟刷卡：青年居民");
    assert!(wait_until(&ui, LIMIT, |ui| apply_step(ui) == ApplyStep::Form));
    tap(&ui, "遇到的困难：突发重大疾病");
    text_field(&ui, "联系电话").invoke_accessible_default_action();
    for d in "13807331234".chars() {
        tap(&ui, &d.to_string());
    }
    tap(&ui, "完成");
    text_field(&ui, "急需救助金额").set_accessible_value("5000");
    text_field(&ui, "家庭共同生活人口").set_accessible_value("3");
    tap(&ui, "下一步");
    assert_eq!(apply_step(&ui), ApplyStep::Review);
    clock.jump(hours(2));
    tap(&ui, "确认提交");
    assert_eq!(apply_step(&ui), ApplyStep::Done);
    assert!(wait_until(&ui, LIMIT, |ui| !ui.window().global::<ApplyState>().get_printing()));

    // Three working days from Friday 4 December (the submission's date, on its number): Wednesday 9th.
    let a = ui.window().global::<ApplyState>();
    let friday = NaiveDate::from_ymd_opt(2026, 12, 4).unwrap();
    assert_eq!(date_of(&a.get_acceptance_no()), friday);
    let promised = add_working_days(friday, 3, &[]);
    assert_eq!(promised, NaiveDate::from_ymd_opt(2026, 12, 9).unwrap());
    assert_eq!(a.get_promised(), "2026年12月9日前");
    let app = ui.store().as_ref().unwrap().applications().unwrap().remove(0);
    assert_eq!(app.promised_date, Some(promised));
    assert_eq!(app.created_at.date_naive(), friday);
    let job = ui.devices().printer.as_ref().unwrap().simulator().unwrap().jobs().remove(0);
    assert!(job.text_lines.iter().any(|l| l.contains("2026-12-09")), "the slip's promise: {:?}", job.text_lines);
    assert!(job.text_lines.iter().any(|l| l.contains("2026-12-04 01:3")), "the slip's time: {:?}", job.text_lines);

    // Set back into Thursday while the resident reads: the screen keeps the slip's promise.
    clock.jump(hours(-4));
    wait_secs(1);
    tap(&ui, "跳过评价");
    assert_eq!(ui.window().global::<ApplyState>().get_promised(), "2026年12月9日前");
}
