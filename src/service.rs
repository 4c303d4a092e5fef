//! The kiosk under systemd (`Type=notify`, `WatchdogSec=`): the logger (journald with a `DEVICE` per
//! driver and the terminal's id on every record), `READY=1` once the first frame is on screen,
//! `WATCHDOG=1` from the UI thread's own event loop (a hung UI stops the pings and systemd restarts
//! the kiosk), and the `STATUS=` line a technician reads in `systemctl status`. Without
//! `NOTIFY_SOCKET` nothing is sent and nothing fails.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use crate::config::Config;
use crate::devices::printer::PaperState;
use crate::sync::{PrinterHealth, ReaderHealth};

/// The drivers' modules and the device their records name (`DEVICE=` in the journal).
pub const DEVICE_MODULES: kiosk_systemd::logger::DeviceModules = &[
    ("kiosk::devices::idcard", "id_reader"),
    ("kiosk::devices::printer", "printer"),
    ("kiosk::devices::scanner", "scanner"),
];

/// Test hook, hidden (tests/service): this many milliseconds after `READY=1` a timer puts the UI
/// thread to sleep for an hour, as a hung UI would be, so that a test sees the watchdog pings stop.
pub const BLOCK_UI_AFTER_MS: &str = "KIOSK_TEST_BLOCK_UI_AFTER_MS";

/// Installs the process's logger (first thing in `main`).
pub fn init_logging() {
    kiosk_systemd::logger::init("kiosk", DEVICE_MODULES);
}

/// Once the config is read: its `log_level` (unless `RUST_LOG` is set), and `TERMINAL_ID` on every
/// journal record.
pub fn apply_config(config: &Config) {
    kiosk_systemd::logger::set_level(&config.log_level);
    kiosk_systemd::logger::set_field("TERMINAL_ID", &config.terminal_id);
}

/// The service side of a shown window: keep it as long as the window runs.
pub struct Service {
    _watchdog: Rc<slint::Timer>,
}

/// Call after `show()`, before the event loop runs: `READY=1` after the first frame, then the
/// watchdog's pings (systemd arms the watchdog once start-up is complete).
pub fn start(window: &slint::Window) -> Service {
    let watchdog = Rc::new(slint::Timer::default());
    let every = kiosk_systemd::watchdog_interval();
    let timer = watchdog.clone();
    announce_ready(window, move || {
        log::info!("ready: the first frame is on screen");
        kiosk_systemd::notify::notify_logged("READY=1");
        if let Some(every) = every {
            log::info!("watchdog: pinging every {} ms from the UI thread", every.as_millis());
            timer.start(slint::TimerMode::Repeated, every, || kiosk_systemd::notify::notify_logged("WATCHDOG=1"));
        }
        block_ui_later();
    });
    Service { _watchdog: watchdog }
}

/// The test hook [`BLOCK_UI_AFTER_MS`], armed once the kiosk is ready.
fn block_ui_later() {
    if let Some(ms) = std::env::var(BLOCK_UI_AFTER_MS).ok().and_then(|v| v.trim().parse::<u64>().ok()) {
        slint::Timer::single_shot(Duration::from_millis(ms), || {
            log::warn!("test hook {BLOCK_UI_AFTER_MS}: the UI thread sleeps for an hour");
            std::thread::sleep(Duration::from_secs(3600));
        });
    }
}

/// Calls `ready` once the first frame is on screen. Renderers with a rendering notifier (Skia,
/// FemtoVG) say when a frame is done. The software renderer, the one this kiosk is built with (winit
/// and linuxkms alike), has none: there the event loop's second turn counts, as its first turn
/// creates the window and draws it (linuxkms renders after the turn's timers; winit draws on the
/// redraw request that creating the window makes). The testing backend runs no event loop of its
/// own: nothing is announced there.
fn announce_ready(window: &slint::Window, ready: impl FnOnce() + 'static) {
    let ready = Rc::new(RefCell::new(Some(ready)));
    let once = ready.clone();
    let notifier = window.set_rendering_notifier(move |state, _| {
        if matches!(state, slint::RenderingState::AfterRendering) {
            if let Some(f) = once.borrow_mut().take() {
                f();
            }
        }
    });
    if notifier.is_err() {
        slint::Timer::single_shot(Duration::ZERO, move || {
            slint::Timer::single_shot(Duration::ZERO, move || {
                if let Some(f) = ready.borrow_mut().take() {
                    f();
                }
            })
        });
    }
}

/// What the status line is made from.
#[derive(Debug, Clone, Copy)]
pub struct Facts<'a> {
    /// The staff's out-of-service message, when the terminal is out of service.
    pub out_of_service: Option<&'a str>,
    /// Outside `[screen] hours`: no applications are taken.
    pub closed: bool,
    /// The hub refuses this terminal's token.
    pub revoked: bool,
    /// A hub is configured and did not answer the last request.
    pub hub_unreachable: bool,
    pub printer: PrinterHealth,
    pub reader: ReaderHealth,
    /// A scanner is configured and its port is missing (unplugged or never there).
    pub scanner_missing: bool,
    /// The last outbox write found the disk full, and it has had no room since.
    pub storage_full: bool,
}

/// The `STATUS=` line: `serving`, or `out of service: …` and the problems a technician should fix,
/// e.g. `serving; printer out of paper; hub unreachable`. No resident data is ever part of it.
pub fn status_line(f: &Facts<'_>) -> String {
    let mut parts = vec![match f.out_of_service {
        Some(why) => format!("out of service: {why}"),
        None if f.closed => "closed: outside service hours".to_string(),
        None => "serving".to_string(),
    }];
    let p = f.printer;
    match p.paper {
        PaperState::Out => parts.push("printer out of paper".into()),
        PaperState::NearEnd => parts.push("printer paper low".into()),
        PaperState::Ok => {}
    }
    if p.cover_open {
        parts.push("printer cover open".into());
    }
    if p.error {
        parts.push("printer error".into());
    }
    // A printer out of paper or with its cover open answers "offline" too: only an offline printer
    // that gave no reason is one that does not answer.
    if !p.online && p.paper != PaperState::Out && !p.cover_open && !p.error {
        parts.push("printer not answering".into());
    }
    match f.reader {
        ReaderHealth::NoAnswer => parts.push("ID reader not answering".into()),
        ReaderHealth::PortMissing => parts.push("ID reader missing".into()),
        _ => {}
    }
    if f.scanner_missing {
        parts.push("scanner missing".into());
    }
    if f.storage_full {
        parts.push("data disk full".into());
    }
    if f.revoked {
        parts.push("hub refuses this terminal (revoked)".into());
    } else if f.hub_unreachable {
        parts.push("hub unreachable".into());
    }
    parts.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn healthy() -> Facts<'static> {
        Facts {
            out_of_service: None,
            closed: false,
            revoked: false,
            hub_unreachable: false,
            printer: PrinterHealth::OK,
            reader: ReaderHealth::Ok,
            scanner_missing: false,
            storage_full: false,
        }
    }

    #[test]
    fn the_status_line_says_what_a_technician_needs() {
        assert_eq!(status_line(&healthy()), "serving");
        assert_eq!(
            status_line(&Facts { closed: true, hub_unreachable: true, ..healthy() }),
            "closed: outside service hours; hub unreachable"
        );
        assert_eq!(status_line(&Facts { reader: ReaderHealth::Simulated, ..healthy() }), "serving");
        let out = PrinterHealth { paper: PaperState::Out, ..PrinterHealth::OK };
        assert_eq!(
            status_line(&Facts { printer: out, hub_unreachable: true, ..healthy() }),
            "serving; printer out of paper; hub unreachable"
        );
        // As a real printer (and the simulator) answers paper out: offline, paper out.
        let out_offline = PrinterHealth { online: false, paper: PaperState::Out, ..PrinterHealth::OK };
        assert_eq!(status_line(&Facts { printer: out_offline, ..healthy() }), "serving; printer out of paper");
        let open = PrinterHealth { online: false, cover_open: true, ..PrinterHealth::OK };
        assert_eq!(status_line(&Facts { printer: open, ..healthy() }), "serving; printer cover open");
        assert_eq!(
            status_line(&Facts { out_of_service: Some("本机暂停服务，请到1号窗口办理"), ..healthy() }),
            "out of service: 本机暂停服务，请到1号窗口办理"
        );
        assert_eq!(
            status_line(&Facts { printer: PrinterHealth::OFFLINE, reader: ReaderHealth::PortMissing, ..healthy() }),
            "serving; printer not answering; ID reader missing"
        );
        assert_eq!(status_line(&Facts { scanner_missing: true, ..healthy() }), "serving; scanner missing");
        assert_eq!(status_line(&Facts { storage_full: true, ..healthy() }), "serving; data disk full");
        assert_eq!(
            status_line(&Facts { revoked: true, hub_unreachable: true, ..healthy() }),
            "serving; hub refuses this terminal (revoked)"
        );
    }
}
