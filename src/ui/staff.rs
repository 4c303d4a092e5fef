//! The runtime of the staff flow (src/app/staff.rs): the hidden gesture, touches and device events
//! into flow events, and the flow's effects executed against the store, the devices, the bundle
//! folder and the config file. Rendering reads state only: what the screens show was fetched by an
//! event (opening a view, 刷新, an outcome), and the printer's status comes from the printing worker,
//! picked up by the 100 ms device tick.
//! Staff screens show no resident data; nothing here logs a PIN.

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::time::Duration;

use slint::{ComponentHandle, SharedString};

use super::{handler, model, printing, State};
use crate::app::idle::IdleTimer;
use crate::app::nav::Page;
use crate::app::staff::{
    self as flow, BundleOutcome, DeviceHealth, Effect, EnrolOutcome, Event, Facts, HubFacts, Port, RollbackOutcome,
    Saved,
};
use crate::devices::idcard::ReaderEvent;
use crate::devices::printer::service::StatusOutcome;
use crate::devices::scanner::ScannerEvent;
use crate::staff::enrol::{EnrolError, Enrolled};
use crate::staff::gesture::{Tap, TapCounter, WINDOW_MS};
use crate::staff::provision::{self, ProvisionError};
use crate::staff::{wording, StaffView, AUDIT_WHO};
use crate::StaffView as MenuView;
use crate::{AppState, AppWindow, Screen, StaffState};

/// What staff mode keeps of the terminal: the config file, the five-tap gesture, the service state
/// residents see, and the printer status check in flight.
#[derive(Default)]
pub struct StaffTerminal {
    /// The config file re-provisioning rewrites (none for the built-in demo config).
    pub config_path: Option<PathBuf>,
    taps: TapCounter,
    tap_window: Rc<slint::Timer>,
    /// The message residents see while the terminal is out of service (read from the store when it
    /// is attached, then kept by staff mode); none in service.
    out_of_service: Option<String>,
    /// The status check last asked of the printing worker: only its answer counts.
    status_request: Option<u64>,
    /// An enrolment with the hub in flight on its own thread (the screen stays live meanwhile).
    enrolling: Option<std::sync::mpsc::Receiver<Result<Enrolled, EnrolError>>>,
}

/// What staff mode keeps between touches: the staff flow, part of the session, so it ends with it.
/// Its Debug shows how many PIN digits were typed, never the digits.
pub type StaffSession = flow::StaffFlow;

impl crate::ui::KioskUi {
    /// The config file this kiosk was started with: re-provisioning writes there (with a backup).
    pub fn set_config_path(&self, path: impl Into<PathBuf>) {
        self.state.borrow_mut().terminal.staff.config_path = Some(path.into());
    }
}

impl StaffTerminal {
    /// The message residents see while the terminal is out of service.
    pub(super) fn out_of_service(&self) -> Option<&str> {
        self.out_of_service.as_deref()
    }
}

pub(super) fn wire(window: &AppWindow, state: &Rc<RefCell<State>>) {
    let staff = window.global::<StaffState>();
    let (weak, st) = (window.as_weak(), state.clone());
    staff.on_terminal_tapped(move || {
        let Some(w) = weak.upgrade() else { return };
        let tap = st.borrow_mut().terminal.staff.taps.tap();
        match tap {
            Tap::First => {
                let timer = st.borrow().terminal.staff.tap_window.clone();
                let weak_state = Rc::downgrade(&st);
                timer.start(slint::TimerMode::SingleShot, Duration::from_millis(WINDOW_MS), move || {
                    if let Some(s) = weak_state.upgrade() {
                        s.borrow_mut().terminal.staff.taps.expire();
                    }
                });
            }
            Tap::More => {}
            Tap::Open => {
                st.borrow().terminal.staff.tap_window.stop();
                open_pin_pad(&mut st.borrow_mut());
                super::render(&w, &st.borrow());
            }
        }
    });
    staff.on_pin_digit(handler(window, state, |s, d: SharedString| event(s, Event::Digit(d.into()))));
    let delete = handler(window, state, |s, ()| event(s, Event::Delete));
    staff.on_pin_delete(move || delete(()));
    let confirm = handler(window, state, |s, ()| {
        let pin_hash = s.terminal.config.staff.pin_hash.clone();
        let was_on_pad = !s.session.staff.active;
        let now = s.terminal.screen.now().with_timezone(&chrono::Utc);
        event(s, Event::ConfirmPin { pin_hash, now });
        if was_on_pad {
            log::info!("staff PIN attempt: {}", if s.session.staff.active { "accepted" } else { "refused" });
        }
    });
    staff.on_pin_confirm(move || confirm(()));
    staff.on_open_view(handler(window, state, |s, view: MenuView| {
        let view = match view {
            MenuView::Diagnostics => StaffView::Diagnostics,
            MenuView::OutOfService => StaffView::OutOfService,
            MenuView::Provision => StaffView::Provision,
        };
        event(s, Event::Open(view))
    }));
    let exit = handler(window, state, |s, ()| event(s, Event::Exit));
    staff.on_exit(move || exit(()));
    let refresh = handler(window, state, |s, ()| event(s, Event::Refresh));
    staff.on_refresh(move || refresh(()));
    let test_print = handler(window, state, |s, ()| {
        let busy = s.terminal.busy();
        event(s, Event::TestPrint { busy })
    });
    staff.on_test_print(move || test_print(()));
    let test_read = handler(window, state, |s, ()| event(s, Event::TestRead));
    staff.on_test_read(move || test_read(()));
    staff.on_choose_window(handler(window, state, |s, w: SharedString| event(s, Event::ChooseWindow(w.into()))));
    staff.on_set_out_of_service(handler(window, state, |s, on: bool| {
        let window = s.session.staff.chosen_window(&s.terminal.config.staff.windows);
        event(s, Event::SetOutOfService { on, window })
    }));
    staff.on_load_bundle(handler(window, state, |s, name: SharedString| event(s, Event::LoadBundle(name.into()))));
    let confirm_bundle = handler(window, state, |s, ()| event(s, Event::ConfirmBundle));
    staff.on_confirm_bundle(move || confirm_bundle(()));
    let cancel_bundle = handler(window, state, |s, ()| event(s, Event::CancelBundle));
    staff.on_cancel_bundle(move || cancel_bundle(()));
    let roll_back = handler(window, state, |s, ()| event(s, Event::RollBack));
    staff.on_roll_back(move || roll_back(()));
    staff.on_code_digit(handler(window, state, |s, d: SharedString| event(s, Event::CodeDigit(d.into()))));
    let code_delete = handler(window, state, |s, ()| event(s, Event::CodeDelete));
    staff.on_code_delete(move || code_delete(()));
    let enrol = handler(window, state, |s, ()| {
        let hub_url = s.terminal.config.hub.base_url().map(str::to_string);
        event(s, Event::Enrol { hub_url })
    });
    staff.on_enrol(move || enrol(()));
}

/// Five taps: a new session on the PIN pad, with the lockout as the store has it.
fn open_pin_pad(s: &mut State) {
    s.wipe_session();
    let lockout = match s.terminal.store.as_ref().map(|st| st.staff_lockout()) {
        Some(Ok(l)) => Some(l),
        Some(Err(e)) => {
            log::error!("staff lockout unreadable: {e}");
            None
        }
        None => None,
    };
    s.session.nav.open(Page::Staff(StaffView::Pin));
    let now = s.terminal.screen.now().with_timezone(&chrono::Utc);
    event(s, Event::Opened { lockout, now });
}

/// A flow event, then the effects it asks for; the page follows the flow's view.
fn event(s: &mut State, e: Event) {
    let effects = s.session.staff.update(e);
    for effect in effects {
        if !run(s, effect) {
            // Staff mode ended: the session is a new one.
            return;
        }
    }
    // Staff left with 首页 while the hub was asked, and came back: this session's screen waits for
    // that answer too (and sends no second request with the code meanwhile).
    if s.terminal.staff.enrolling.is_some() && !s.session.staff.enrolling {
        s.session.staff.update(Event::EnrolmentUnderway);
    }
    follow_view(s);
}

/// The navigation stack follows the flow: the pad, or the menu with at most one of its screens on top.
fn follow_view(s: &mut State) {
    if !matches!(s.session.nav.current(), Page::Staff(_)) {
        return;
    }
    let view = s.session.staff.view;
    let want = match view {
        StaffView::Pin | StaffView::Menu => vec![view],
        other => vec![StaffView::Menu, other],
    };
    let nav = &mut s.session.nav;
    while matches!(nav.current(), Page::Staff(_)) {
        nav.back();
    }
    for v in want {
        nav.open(Page::Staff(v));
    }
}

/// 返回 on a staff screen (the flow decides: the menu, or the end of staff mode).
pub(super) fn back(s: &mut State) {
    event(s, Event::Back);
}

/// Runs one effect; false when it ended staff mode (the session was replaced).
fn run(s: &mut State, effect: Effect) -> bool {
    match effect {
        Effect::SaveLockout(lockout) => {
            if let Some(Err(e)) = s.terminal.store.as_mut().map(|st| st.set_staff_lockout(&lockout)) {
                log::error!("cannot save the staff lockout: {e}");
            }
        }
        Effect::Audit(what) => audit(s, &what),
        Effect::Granted => s.session.idle = IdleTimer::new(flow::IDLE_SECS, flow::WARNING_SECS),
        Effect::End => {
            s.wipe_session();
            return false;
        }
        Effect::Gather => {
            let facts = facts(s);
            event(s, Event::Facts(facts));
        }
        Effect::CheckPrinter => match s.terminal.devices.printer.as_mut() {
            Some(printer) => s.terminal.staff.status_request = Some(printer.request_status()),
            None => event(s, Event::PrinterStatus(Err("打印服务未启动".into()))),
        },
        Effect::PrintTestPage => {
            let slip = crate::slip::PickupSlip::sample(&s.terminal.config.applications.qr_base);
            log::info!("staff: test page sent to the printer");
            let not_sent = printing::print(s, slip.into(), printing::Purpose::TestPage);
            if let Some(printed) = not_sent {
                let message = match printed {
                    printing::Printed::Ok { .. } => s.session.print.message.clone(),
                    printing::Printed::Failed(m) | printing::Printed::Unconfirmed(m) => m,
                };
                event(s, Event::TestPageDone(message));
            }
        }
        Effect::SaveOutOfService(message) => {
            let saved = match s.terminal.store.as_mut().map(|st| st.set_out_of_service(message.as_deref())) {
                None => Saved::NoStore,
                Some(Ok(())) => {
                    s.terminal.staff.out_of_service = message.clone();
                    Saved::Yes
                }
                Some(Err(e)) => {
                    log::error!("cannot save the service state: {e}");
                    Saved::Failed
                }
            };
            event(s, Event::OutOfServiceSaved { message, saved });
        }
        Effect::ListBundles => {
            let names = provision::list_bundles(&s.terminal.config.staff.bundle_dir)
                .iter()
                .filter_map(|p| p.file_name().map(|f| f.to_string_lossy().into_owned()))
                .collect();
            let can_roll_back = s.terminal.staff.config_path.as_deref().is_some_and(provision::can_roll_back);
            event(s, Event::Bundles { names, can_roll_back });
        }
        Effect::CheckBundle(name) => {
            let (path, outcome) = check_bundle(s, &name);
            event(s, Event::Bundle { name, path, outcome });
        }
        Effect::ApplyBundle { name, changes } => {
            let (path, outcome) = apply_bundle(s, &name, &changes);
            event(s, Event::Bundle { name, path, outcome });
        }
        Effect::RollBack => {
            let outcome = roll_back(s);
            event(s, Event::RolledBack(outcome));
        }
        // One request with a code at a time, whichever staff session sent it.
        Effect::Enrol { .. } if s.terminal.staff.enrolling.is_some() => {}
        Effect::Enrol { hub_url, code } => match s.terminal.staff.config_path.clone() {
            None => event(s, Event::Enrolled(EnrolOutcome::NoConfigFile)),
            Some(config_path) => {
                let (tx, rx) = std::sync::mpsc::channel();
                let spawned = std::thread::Builder::new().name("enrol".into()).spawn(move || {
                    let _ = tx.send(crate::staff::enrol::enrol(&config_path, &hub_url, &code));
                });
                match spawned {
                    Ok(_) => s.terminal.staff.enrolling = Some(rx),
                    Err(e) => event(s, Event::Enrolled(EnrolOutcome::Refused(format!("无法开始登记：{e}")))),
                }
            }
        },
    }
    true
}

/// The bundle file called `name` in the bundle folder: only a file listed there, never a path typed in.
fn bundle_file(s: &State, name: &str) -> Option<PathBuf> {
    provision::list_bundles(&s.terminal.config.staff.bundle_dir)
        .into_iter()
        .find(|p| p.file_name().is_some_and(|f| f.to_string_lossy() == name))
}

fn problems(errors: &[crate::config::ConfigError]) -> Vec<String> {
    errors.iter().map(wording::config_error).collect()
}

/// Validates a bundle against the config file; nothing is written.
fn check_bundle(s: &State, name: &str) -> (String, BundleOutcome) {
    let Some(config_path) = s.terminal.staff.config_path.as_deref() else {
        return (String::new(), BundleOutcome::NoConfigFile);
    };
    let Some(bundle) = bundle_file(s, name) else { return (String::new(), BundleOutcome::NotFound) };
    let path = bundle.display().to_string();
    let outcome = match provision::check(config_path, &bundle) {
        Ok(checked) => BundleOutcome::Valid { changes: checked.validated.changes, notes: checked.validated.notes },
        Err(ProvisionError::Invalid(errors)) => BundleOutcome::Invalid(problems(&errors)),
        Err(ProvisionError::Io(e)) => {
            log::error!("cannot check the bundle {path}: {e}");
            BundleOutcome::Unreadable(e)
        }
    };
    (path, outcome)
}

/// Applies a bundle if it still makes exactly the `confirmed` changes; the new config takes effect
/// at once for what the screens show (terminal id, centre name).
fn apply_bundle(s: &mut State, name: &str, confirmed: &[String]) -> (String, BundleOutcome) {
    let Some(config_path) = s.terminal.staff.config_path.clone() else {
        return (String::new(), BundleOutcome::NoConfigFile);
    };
    let Some(bundle) = bundle_file(s, name) else { return (String::new(), BundleOutcome::NotFound) };
    let path = bundle.display().to_string();
    let checked = match provision::check(&config_path, &bundle) {
        Ok(c) => c,
        Err(ProvisionError::Invalid(errors)) => return (path, BundleOutcome::Invalid(problems(&errors))),
        Err(ProvisionError::Io(e)) => return (path, BundleOutcome::Unreadable(e)),
    };
    let (changes, notes) = (checked.validated.changes.clone(), checked.validated.notes.clone());
    if changes != confirmed {
        log::warn!("staff: bundle {path} changed after it was checked; asking again");
        return (path, BundleOutcome::Changed { changes, notes });
    }
    let outcome = match provision::apply(&config_path, &bundle, &checked) {
        Ok(config) => {
            log::info!("staff: terminal re-provisioned from {path} ({} changes)", changes.len());
            let (terminal_id, centre_name) = (config.terminal_id.clone(), config.centre_name.clone());
            switch_config(s, config);
            BundleOutcome::Applied { changes, notes, terminal_id, centre_name }
        }
        Err(ProvisionError::Invalid(errors)) => BundleOutcome::Invalid(problems(&errors)),
        Err(ProvisionError::Io(e)) => {
            log::error!("provisioning from {path} failed: {e}");
            BundleOutcome::WriteFailed(e)
        }
    };
    (path, outcome)
}

fn roll_back(s: &mut State) -> RollbackOutcome {
    let Some(config_path) = s.terminal.staff.config_path.clone() else { return RollbackOutcome::NoConfigFile };
    match provision::rollback(&config_path) {
        Ok(config) => {
            let outcome = RollbackOutcome::Done {
                terminal_id: config.terminal_id.clone(),
                centre_name: config.centre_name.clone(),
            };
            switch_config(s, config);
            outcome
        }
        Err(ProvisionError::Invalid(errors)) => RollbackOutcome::Invalid(problems(&errors)),
        Err(ProvisionError::Io(e)) => RollbackOutcome::Failed(e),
    }
}

/// The enrolment thread's answer: the new config takes effect at once (screens, sync worker). Audited
/// even when staff mode ended meanwhile.
fn enrolled(s: &mut State, result: Result<Enrolled, EnrolError>) {
    let outcome = match result {
        Ok(enrolled) => {
            log::info!("staff: terminal enrolled with the hub as {}", enrolled.config.terminal_id);
            let outcome = EnrolOutcome::Done {
                terminal_id: enrolled.config.terminal_id.clone(),
                centre_name: enrolled.config.centre_name.clone(),
                changes: enrolled.changes,
            };
            switch_config(s, enrolled.config);
            outcome
        }
        Err(e) => {
            log::warn!("staff: enrolment with the hub failed: {e}");
            EnrolOutcome::Refused(e.zh())
        }
    };
    if s.session.staff.active {
        event(s, Event::Enrolled(outcome));
    } else if let EnrolOutcome::Done { terminal_id, .. } = outcome {
        audit(s, &format!("enrolled with the hub by a one-time code as {terminal_id} (after staff mode ended)"));
    }
}

/// The config the staff screen switched to takes effect at once for what the screens show and for
/// the sync worker (its terminal id, hub and token: what residents submit from now on reaches the hub
/// under the new id without a restart). Device ports still need a restart.
fn switch_config(s: &mut State, config: crate::config::Config) {
    if let Some(sync) = s.terminal.sync.take() {
        let health = s.terminal.health.clone();
        s.terminal.sync = Some(sync.restart(&config, &config.database_path(), health));
        log::info!("staff: the sync worker restarted for terminal {}", config.terminal_id);
    }
    s.terminal.config = config;
}

fn audit(s: &mut State, what: &str) {
    if let Some(store) = s.terminal.store.as_mut() {
        if let Err(e) = store.audit(AUDIT_WHO, what) {
            log::error!("cannot write the audit log: {e}");
        }
    }
}

/// What the diagnostics screen shows, gathered now: devices, hub, outbox, catalogue, versions, disk.
fn facts(s: &State) -> Facts {
    let t = &s.terminal;
    let configured = |p: &Option<String>| p.clone().map(|path| Port { path, simulated: false });
    let simulated = |p: Option<String>| p.map(|path| Port { path, simulated: true });
    let reader = t.devices.reader.as_ref();
    let printer = t.devices.printer.as_ref();
    let scanner = t.devices.scanner.as_ref();
    let hub = match (t.config.hub.url.as_deref().filter(|u| !u.is_empty()), t.sync.as_ref().map(|h| h.status())) {
        (None, _) => HubFacts::NotConfigured,
        (Some(url), None) => HubFacts::NotStarted { url: url.to_string() },
        (Some(url), Some(st)) => HubFacts::Running {
            url: url.to_string(),
            revoked: st.revoked,
            online: st.online,
            last_success: st.last_success.map(|at| at.format("%m-%d %H:%M:%S").to_string()),
            last_error: st.last_error,
        },
    };
    Facts {
        reader_port: simulated(reader.and_then(|r| r.simulator()).map(|sim| sim.path().to_string()))
            .or_else(|| configured(&t.config.id_reader.port)),
        reader: match reader.map(|r| r.health()) {
            None => DeviceHealth::NotStarted,
            Some(crate::devices::idcard::Health::Ok) => DeviceHealth::Ok,
            Some(crate::devices::idcard::Health::NoAnswer) => DeviceHealth::NoAnswer,
            Some(crate::devices::idcard::Health::PortMissing) => DeviceHealth::PortMissing,
        },
        printer_port: simulated(printer.and_then(|p| p.simulator()).map(|sim| sim.path().to_string()))
            .or_else(|| configured(&t.config.printer.port)),
        printer_started: printer.is_some(),
        paper_mm: t.config.printer.paper,
        printing: t.busy(),
        scanner_port: simulated(scanner.and_then(|d| d.simulator()).map(|sim| sim.path().to_string()))
            .or_else(|| configured(&t.config.scanner.port)),
        scanner: match scanner.map(|d| d.health()) {
            None => DeviceHealth::NotStarted,
            Some(crate::devices::scanner::Health::Ok) => DeviceHealth::Ok,
            Some(crate::devices::scanner::Health::PortMissing) => DeviceHealth::PortMissing,
        },
        hub,
        outbox_depth: t.store.as_ref().and_then(|st| st.outbox_depth().ok()),
        database_recovery: t.store.as_ref().and_then(|st| st.last_recovery().ok().flatten()),
        catalog_version: t.catalog.version(),
        catalog_items: t.catalog.items().len(),
        software_version: env!("CARGO_PKG_VERSION").to_string(),
        data_dir: t.config.data_dir.display().to_string(),
        free_space: crate::staff::disk::free_bytes(&t.config.data_dir).map_err(|e| e.to_string()),
        terminal_id: t.config.terminal_id.clone(),
        centre_name: t.config.centre_name.clone(),
        speech: crate::app::staff::SpeechFacts {
            unavailable: t.speech.unavailable_reason(),
            playback: t.speech.playback_problem(),
            capture_dir: t.config.speech.capture_dir.as_ref().map(|d| d.display().to_string()),
        },
    }
}

/// The store was attached: residents see the out-of-service message it holds (after a restart too).
pub(super) fn on_store_attached(s: &mut State) {
    s.terminal.staff.out_of_service = match s.terminal.store.as_ref().map(|st| st.out_of_service()) {
        Some(Ok(message)) => message,
        Some(Err(e)) => {
            log::error!("cannot read the service state: {e}");
            None
        }
        None => None,
    };
}

/// Whether device events belong to staff mode (diagnostics tests) rather than the resident screens.
pub(super) fn takes_device_events(s: &State) -> bool {
    matches!(s.session.nav.current(), Page::Staff(_))
}

pub(super) fn on_reader_event(s: &mut State, e: ReaderEvent) {
    event(s, Event::Reader(e));
}

pub(super) fn on_scanner_event(s: &mut State, e: ScannerEvent) {
    if let ScannerEvent::Scanned(text) = e {
        // Only the length: a scanned code may be a resident's slip.
        event(s, Event::Scanned(text.chars().count()));
    }
}

/// After a print outcome: the test page's, once the printing runtime has worded it.
pub(super) fn on_print_outcome(s: &mut State) {
    if s.session.staff.test_page == Some(flow::TestPage::Printing) && s.session.print.pending.is_none() {
        let message = s.session.print.message.clone();
        event(s, Event::TestPageDone(message));
    }
}

/// Ten times a second: the answer of an enrolment under way. Whether it changed the state.
pub(super) fn on_device_tick(s: &mut State) -> bool {
    let mut changed = false;
    let answer = s.terminal.staff.enrolling.as_ref().map(|rx| rx.try_recv());
    match answer {
        Some(Ok(result)) => {
            s.terminal.staff.enrolling = None;
            enrolled(s, result);
            changed = true;
        }
        Some(Err(std::sync::mpsc::TryRecvError::Disconnected)) => {
            s.terminal.staff.enrolling = None;
            enrolled(s, Err(EnrolError::Io("the enrolment ended without an answer".into())));
            changed = true;
        }
        Some(Err(std::sync::mpsc::TryRecvError::Empty)) | None => {}
    }
    changed
}

/// The printing worker's answer to a status check that is not the idle poll's: staff's check, if it
/// is the one last asked.
pub(super) fn on_status(s: &mut State, answer: StatusOutcome) {
    if s.terminal.staff.status_request != Some(answer.id) {
        return;
    }
    s.terminal.staff.status_request = None;
    if takes_device_events(s) {
        event(s, Event::PrinterStatus(answer.result.map_err(|e| e.to_string())));
    }
}

/// The screen for a staff page; the PIN pad until the right PIN was given.
pub(super) fn screen(s: &State, view: StaffView) -> Screen {
    match view {
        _ if !s.session.staff.active => Screen::StaffPin,
        StaffView::Pin => Screen::StaffPin,
        StaffView::Menu => Screen::StaffMenu,
        StaffView::Diagnostics => Screen::StaffDiagnostics,
        StaffView::OutOfService => Screen::StaffService,
        StaffView::Provision => Screen::StaffProvision,
    }
}

fn strings<'a>(lines: impl IntoIterator<Item = &'a String>) -> slint::ModelRc<SharedString> {
    model(lines.into_iter().map(|l| SharedString::from(l.as_str())).collect())
}

/// Puts staff state and the terminal's identity (which provisioning may change) on screen. Reads
/// state only: no store, no folder, no port.
pub(super) fn render(window: &AppWindow, s: &State) {
    let app = window.global::<AppState>();
    app.set_centre_name(s.terminal.config.centre_name.as_str().into());
    app.set_terminal_id(s.terminal.config.terminal_id.as_str().into());
    let out_of_service = s.terminal.staff.out_of_service.as_deref();
    app.set_out_of_service_message(out_of_service.unwrap_or_default().into());
    let f = &s.session.staff;
    let ui = window.global::<StaffState>();
    ui.set_pin_length(f.pin_len() as i32);
    ui.set_pin_message(f.pin_message.as_str().into());
    ui.set_locked(f.locked && !f.active);
    ui.set_message(f.message.as_str().into());
    ui.set_diagnostics(strings(&f.diagnostics()));
    ui.set_out_of_service(out_of_service.is_some());
    let window_name = f.chosen_window(&s.terminal.config.staff.windows);
    let service_message =
        out_of_service.map(str::to_string).unwrap_or_else(|| crate::staff::out_of_service_message(&window_name));
    ui.set_service_message(service_message.into());
    ui.set_windows(strings(&s.terminal.config.staff.windows));
    ui.set_chosen_window(window_name.into());
    ui.set_bundle_dir(display(&s.terminal.config.staff.bundle_dir).into());
    ui.set_bundles(strings(&f.bundles));
    ui.set_can_roll_back(f.can_roll_back);
    ui.set_problems(strings(&f.problems));
    ui.set_confirming(f.pending.is_some());
    ui.set_pending_bundle(f.pending.as_ref().map(|p| p.name.as_str()).unwrap_or_default().into());
    ui.set_changes(strings(&f.pending_lines()));
    ui.set_hub_url(s.terminal.config.hub.base_url().unwrap_or_default().into());
    ui.set_enrol_code(f.enrol_code.as_str().into());
}

fn display(p: &Path) -> String {
    p.display().to_string()
}
