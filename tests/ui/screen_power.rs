//! The production screen: the home screen goes dark after `[screen] blank_after_secs` and the touch
//! that wakes it presses nothing; outside `[screen] hours` the kiosk shows its hours, dimmed, and no
//! path starts an application.

use chrono::{DateTime, Local, NaiveTime, TimeZone};
use kiosk::clock::JumpingClock;
use kiosk::ui::{Devices, KioskUi};
use kiosk::{AppState, ApplyState, Screen};
use slint::platform::{PointerEventButton, WindowEvent};
use slint::{ComponentHandle, LogicalPosition};

use crate::common::*;

const BLANK: &str = "屏幕已关闭，轻触唤醒";

fn screen(ui: &KioskUi) -> Screen {
    ui.window().global::<AppState>().get_screen()
}

/// The middle of the button labelled `label`, where a finger would touch it.
fn centre_of(ui: &KioskUi, label: &str) -> LogicalPosition {
    let b = button(ui, label);
    let (at, size) = (b.absolute_position(), b.size());
    LogicalPosition::new(at.x + size.width / 2.0, at.y + size.height / 2.0)
}

/// A finger on the glass at `at`: pressed and lifted (pointer events, as the touch screen sends).
fn touch(ui: &KioskUi, at: LogicalPosition) {
    let window = ui.window().window();
    let button = PointerEventButton::Left;
    window.dispatch_event(WindowEvent::PointerMoved { position: at });
    window.dispatch_event(WindowEvent::PointerPressed { position: at, button });
    window.dispatch_event(WindowEvent::PointerReleased { position: at, button });
    window.dispatch_event(WindowEvent::PointerExited);
    settle();
}

#[test]
fn the_home_screen_goes_dark_and_the_touch_that_wakes_it_presses_nothing() {
    let mut config = demo_config();
    config.screen.blank_after_secs = Some(60);
    config.idle.timeout_secs = 1_000;
    let ui = kiosk_with(&config, Devices::none());
    let senior_card = centre_of(&ui, "老年优待证");
    touch(&ui, centre_of(&ui, "切换到标准版（字体较小）"));
    touch(&ui, centre_of(&ui, "切换到长辈版（大字）"));
    wait_secs(59);
    assert!(!shows(&ui, BLANK), "touches on the home screen keep it lit for the full time");
    wait_secs(1);
    assert!(shows(&ui, BLANK), "dark after 60 s without a touch");
    assert_eq!(button_labels(&ui), [BLANK], "nothing but the dark layer is on screen");
    assert!(!shows(&ui, "老年优待证") && !shows(&ui, "您好，请选择要办理的事项"));

    touch(&ui, senior_card);
    assert!(!shows(&ui, BLANK), "a touch wakes it");
    assert_eq!(screen(&ui), Screen::Home, "the tile under the finger was not pressed");
    assert_eq!(ui.window().global::<ApplyState>().get_item_name(), "", "no application started");
    assert!(shows(&ui, "老年优待证"));
    touch(&ui, senior_card);
    assert_eq!(screen(&ui), Screen::Identify, "the second touch presses the tile");

    // Any other screen stays lit, however long: a resident may be reading it.
    tap(&ui, "首页");
    tap(&ui, "办事指南");
    wait_secs(600);
    assert!(!shows(&ui, BLANK));
    assert_eq!(screen(&ui), Screen::Guides);
    tap(&ui, "首页");
    wait_secs(59);
    assert!(!shows(&ui, BLANK), "home counts afresh");
    wait_secs(1);
    assert!(shows(&ui, BLANK));
    // A screen reader's activation wakes it too.
    tap(&ui, BLANK);
    assert!(!shows(&ui, BLANK));
    assert_eq!(screen(&ui), Screen::Home);
}

#[test]
fn without_blank_after_secs_the_screen_stays_on() {
    let ui = kiosk();
    wait_secs(3_600);
    assert!(!shows(&ui, BLANK));
    assert!(shows(&ui, "老年优待证"));
}

/// A kiosk with `[screen] hours` whose clock reads 10:00 today; the test sets it on.
fn kiosk_with_hours() -> (KioskUi, JumpingClock) {
    let mut config = demo_config();
    config.screen.hours = vec!["08:30-12:00".into(), "14:00-17:30".into()];
    let ui = kiosk_with(&config, Devices::none());
    let clock = JumpingClock::starting_at(today_at(10, 0));
    ui.set_clock(clock.wall());
    (ui, clock)
}

fn today_at(hour: u32, minute: u32) -> DateTime<Local> {
    let time = NaiveTime::from_hms_opt(hour, minute, 0).unwrap();
    Local.from_local_datetime(&Local::now().date_naive().and_time(time)).earliest().unwrap()
}

#[test]
fn outside_the_service_hours_no_application_can_be_started() {
    let (ui, time) = kiosk_with_hours();
    let app = ui.window().global::<AppState>();
    let apply = ui.window().global::<ApplyState>();
    // Inside the hours: 我要办理 lists the items; then the clock passes 12:00.
    tap(&ui, "我要办理");
    assert_eq!(screen(&ui), Screen::Apply);
    time.set(today_at(12, 0));
    wait_secs(1);
    apply.invoke_choose_item("LL0001".into());
    assert_eq!(screen(&ui), Screen::Home, "an item chosen after 12:00 starts nothing");
    assert_eq!(apply.get_item_name(), "");

    assert!(app.get_closed(), "the closed home screen is dimmed");
    for text in ["本机服务时间", "08:30-12:00", "14:00-17:30"] {
        assert!(shows(&ui, text), "{text} on screen");
    }
    assert!(!shows(&ui, "老年优待证") && !shows(&ui, "我要办理"), "no tiles to start an application");
    // Every path a button could take, straight to the callbacks: none starts one.
    app.invoke_open_screen(Screen::Identify);
    assert_eq!(screen(&ui), Screen::Home, "the senior-card shortcut");
    app.invoke_open_screen(Screen::Apply);
    assert_eq!(screen(&ui), Screen::Home, "我要办理");
    apply.invoke_choose_item("LL0001".into());
    assert_eq!(screen(&ui), Screen::Home, "an item of the list");
    assert_eq!(apply.get_item_name(), "");
    wait_secs(5);
    assert!(shows(&ui, "本机服务时间"));

    // At 14:00 the kiosk serves again by itself.
    time.set(today_at(14, 0));
    wait_secs(1);
    assert!(!app.get_closed());
    assert!(!shows(&ui, "本机服务时间"));
    tap(&ui, "老年优待证");
    assert_eq!(screen(&ui), Screen::Identify);
    assert_ne!(apply.get_item_name(), "", "the senior-card application started");
}

#[test]
fn the_closed_screen_speaks_english_too() {
    let (ui, time) = kiosk_with_hours();
    tap(&ui, "English");
    time.set(today_at(18, 0));
    wait_secs(1);
    assert!(shows(&ui, "Service hours of this terminal"));
    assert!(shows(&ui, "14:00-17:30"));
    assert!(!shows(&ui, "本机服务时间"));
}
