//! An unattended session is wiped: a warning counts down, 继续办理 postpones it, zero goes home.

use crate::common::*;
use kiosk::{AppState, GuideState, Screen, Session, Theme};
use slint::{ComponentHandle, Model};

#[test]
fn the_idle_warning_counts_down_can_be_postponed_and_wipes_the_session() {
    let ui = kiosk();
    tap(&ui, "办事指南");
    tap(&ui, "搜索事项");
    for key in ["L", "D"] {
        tap(&ui, key);
    }
    wait_secs(89);
    assert!(!shows(&ui, "继续办理"), "no warning before the idle time");
    wait_secs(1);
    assert!(shows(&ui, "继续办理"), "the warning appears after 90 s");
    assert!(shows(&ui, "您还在办理吗？"));
    assert!(shows(&ui, "还剩 20 秒"), "the countdown is read out");
    wait_secs(5);
    assert!(shows(&ui, "还剩 15 秒"));

    tap(&ui, "继续办理");
    assert!(!shows(&ui, "继续办理"), "继续办理 closes the warning");
    assert_eq!(ui.window().global::<GuideState>().get_query(), "ld", "nothing was lost");
    wait_secs(89);
    assert!(!shows(&ui, "继续办理"), "继续办理 gave the full time back");
    wait_secs(1);
    assert!(shows(&ui, "继续办理"));

    wait_secs(20);
    assert!(!shows(&ui, "继续办理"));
    assert_eq!(ui.window().global::<AppState>().get_screen(), Screen::Home);
    assert_eq!(ui.window().global::<GuideState>().get_query(), "", "the search was cleared");
    tap(&ui, "办事指南");
    tap(&ui, "搜索事项");
    assert_eq!(ui.window().global::<GuideState>().get_results().iter().count(), 0);
}

#[test]
fn touches_postpone_the_warning_and_busy_stops_the_timer() {
    let ui = kiosk();
    tap(&ui, "办事指南");
    wait_secs(80);
    tap(&ui, "搜索事项");
    wait_secs(80);
    assert!(!shows(&ui, "继续办理"), "every touch restarts the idle time");

    ui.set_busy(true);
    assert!(ui.window().global::<Session>().get_busy());
    wait_secs(300);
    assert!(!shows(&ui, "继续办理"), "never while printing or submitting");
    assert_eq!(ui.window().global::<AppState>().get_screen(), Screen::Search);
    ui.set_busy(false);
    wait_secs(110);
    assert_eq!(ui.window().global::<AppState>().get_screen(), Screen::Home);
}

#[test]
fn a_reset_returns_to_elder_mode() {
    let ui = kiosk();
    tap(&ui, "切换到标准版（字体较小）");
    assert!(!ui.window().global::<Theme>().get_elder());
    wait_secs(110);
    assert!(ui.window().global::<Theme>().get_elder(), "the next resident starts in 长辈版");
}
