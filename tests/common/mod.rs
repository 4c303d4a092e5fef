//! Shared helpers for the kiosk's test binaries: a kiosk on Slint's testing backend, found and driven by
//! accessible labels the way a screen reader (and the outside AT-SPI checks) do; the sample cards by
//! name ([`cards`]); log capture ([`logs`]).
#![allow(dead_code)]

pub mod cards;
pub mod logs;
pub mod tmpfs;

use std::path::Path;
use std::time::Duration;

use i_slint_backend_testing::{AccessibleRole, ElementHandle, ElementRoot};
use kiosk::catalog::{self, Catalog};
use kiosk::config::Config;
use kiosk::devices::printer::QrMode;
use kiosk::ui::{Devices, KioskUi};
use kiosk::{ApplyState, ApplyStep};
use slint::ComponentHandle;

/// The demo config (simulated devices), silent: the speech tests turn speech on themselves.
pub fn demo_config() -> Config {
    let mut config = Config::parse(include_str!("../../kiosk-config/demo.toml"), Path::new("demo.toml")).unwrap();
    config.speech.engine = kiosk::speech::Engine::None;
    config
}

/// A demo-configured kiosk window (1080×1920) on the testing backend with mock time, without devices.
pub fn kiosk() -> KioskUi {
    kiosk_with(&demo_config(), Devices::none())
}

/// A kiosk with the devices the config names (simulated ones run on pseudo-terminals).
pub fn kiosk_with_devices(config: &Config) -> KioskUi {
    kiosk_with(config, Devices::start(config))
}

pub fn kiosk_with(config: &Config, devices: Devices) -> KioskUi {
    // As at start-up: fontconfig must know at least the bundled font, even on a machine with none.
    static FONTS: std::sync::Once = std::sync::Once::new();
    FONTS.call_once(|| kiosk::fonts::ensure_fontconfig(&std::env::temp_dir().join("kiosk-test-fonts")).unwrap());
    i_slint_backend_testing::init_no_event_loop();
    let ui = KioskUi::new(config, Catalog::new(catalog::bundled()), devices).unwrap();
    // A real SQLite file per kiosk, kept until the test process ends.
    let dir = tempfile::tempdir().unwrap().keep();
    ui.attach_store(kiosk::store::Store::open(&dir.join("kiosk.sqlite3")).unwrap());
    ui.window().window().set_size(slint::LogicalSize::new(1080.0, 1920.0));
    ui.window().show().unwrap();
    ui
}

/// Every element whose accessible label is exactly `label`.
pub fn all(ui: &KioskUi, label: &str) -> Vec<ElementHandle> {
    layout(ui);
    ElementHandle::find_by_accessible_label(ui.window(), label).collect()
}

/// The button labelled `label`; panics naming the label when there is none. It looks first and lays
/// the window out only when the button is not there yet (a list not yet instantiated): a layout
/// walks the whole tree up to six times.
pub fn button(ui: &KioskUi, label: &str) -> ElementHandle {
    let find = |elements: Vec<ElementHandle>| {
        elements.into_iter().find(|e| e.accessible_role() == Some(AccessibleRole::Button))
    };
    settle();
    find(ElementHandle::find_by_accessible_label(ui.window(), label).collect())
        .or_else(|| find(all(ui, label)))
        .unwrap_or_else(|| panic!("no button labelled {label:?} on screen"))
}

/// Taps the button labelled `label` (its accessible default action, as AT-SPI's "click").
pub fn tap(ui: &KioskUi, label: &str) {
    button(ui, label).invoke_accessible_default_action();
}

/// Whether some element (text or control) with this label is on screen.
pub fn shows(ui: &KioskUi, label: &str) -> bool {
    !all(ui, label).is_empty()
}

/// Labels of all buttons on screen, in tree order.
pub fn button_labels(ui: &KioskUi) -> Vec<String> {
    layout(ui);
    ui.window()
        .root_element()
        .query_descendants()
        .match_accessible_role(AccessibleRole::Button)
        .find_all()
        .into_iter()
        .filter_map(|e| e.accessible_label().map(|l| l.to_string()))
        .collect()
}

/// Lets `secs` seconds of mock time pass, one second at a time (the kiosk ticks once a second).
pub fn wait_secs(secs: u32) {
    for _ in 0..secs {
        i_slint_backend_testing::mock_elapsed_time(Duration::from_millis(1000));
    }
}

/// Lets the UI instantiate what the last change made visible (repeaters, conditional elements),
/// without letting time pass.
pub fn settle() {
    i_slint_backend_testing::mock_elapsed_time(Duration::ZERO);
}

/// Lays the window out (as a render would), so that lists inside scrolling areas are instantiated.
pub fn layout(ui: &KioskUi) {
    let mut seen = 0;
    for _ in 0..6 {
        settle();
        let elements = ui.window().root_element().query_descendants().find_all();
        for e in &elements {
            let _ = e.size();
        }
        if elements.len() == seen {
            break;
        }
        seen = elements.len();
    }
}

/// The first label on screen that contains `needle`.
pub fn label_containing(ui: &KioskUi, needle: &str) -> Option<String> {
    layout(ui);
    ui.window()
        .root_element()
        .query_descendants()
        .find_all()
        .into_iter()
        .filter_map(|e| e.accessible_label().map(|l| l.to_string()))
        .find(|l| l.contains(needle))
}

/// Pages down (向下翻页) until an element labelled `label` shows; false if the end came first.
pub fn page_down_until(ui: &KioskUi, label: &str) -> bool {
    for _ in 0..30 {
        if shows(ui, label) {
            return true;
        }
        // No page buttons: everything fits on one page.
        let Some(down) = all(ui, "向下翻页").into_iter().next() else { return false };
        if down.accessible_enabled() == Some(false) {
            return false;
        }
        down.invoke_accessible_default_action();
    }
    false
}

/// Lets mock time pass in 100 ms steps (the kiosk drains device events every 100 ms) while real
/// time lets device threads work, until `done` holds or `limit` of real time has passed.
pub fn wait_until(ui: &KioskUi, limit: Duration, mut done: impl FnMut(&KioskUi) -> bool) -> bool {
    let start = std::time::Instant::now();
    while start.elapsed() < limit {
        i_slint_backend_testing::mock_elapsed_time(Duration::from_millis(100));
        if done(ui) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    false
}

/// The text field labelled `label`, paging down to it if needed.
pub fn text_field(ui: &KioskUi, label: &str) -> ElementHandle {
    for _ in 0..30 {
        let found = all(ui, label).into_iter().find(|e| e.accessible_role() == Some(AccessibleRole::TextInput));
        if let Some(f) = found {
            return f;
        }
        let Some(down) = all(ui, "向下翻页").into_iter().next() else { break };
        if down.accessible_enabled() == Some(false) {
            break;
        }
        down.invoke_accessible_default_action();
    }
    panic!("no text field labelled {label:?}")
}

/// The application flow's step on screen.
pub fn apply_step(ui: &KioskUi) -> ApplyStep {
    ui.window().global::<ApplyState>().get_step()
}

/// A demo kiosk whose printer sits on a 9600-baud line (the simulator takes 960 bytes a second),
/// with native or raster QR.
pub fn kiosk_on_a_9600_baud_line(qr_mode: QrMode) -> KioskUi {
    let mut config = demo_config();
    config.printer.qr_mode = qr_mode;
    config.printer.baud = 9_600;
    let ui = kiosk_with_devices(&config);
    ui.devices().printer.as_ref().unwrap().simulator().unwrap().set_pace(Some(960));
    ui
}

/// From the home screen: 老年优待证 with the elderly sample card, up to its confirmation (past the
/// notice that this card already applied today, as a resident who insists would).
pub fn to_senior_card_confirmation(ui: &KioskUi) {
    let limit = Duration::from_secs(10);
    tap(ui, "老年优待证");
    tap(ui, "模拟刷卡：老年居民");
    let review_or_notice = |ui: &KioskUi| matches!(apply_step(ui), ApplyStep::Review | ApplyStep::Already);
    assert!(wait_until(ui, limit, review_or_notice), "confirmation after the card");
    if apply_step(ui) == ApplyStep::Already {
        tap(ui, "仍要再次申请");
    }
    assert_eq!(apply_step(ui), ApplyStep::Review);
}

/// From the home screen: 老年优待证 with the elderly sample card, confirmed, up to 已提交.
pub fn submit_senior_card(ui: &KioskUi) {
    to_senior_card_confirmation(ui);
    tap(ui, "同意并提交");
    assert!(wait_until(ui, Duration::from_secs(10), |ui| apply_step(ui) == ApplyStep::Done), "已提交");
}
