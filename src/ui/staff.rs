//! Staff mode on the terminal: the hidden gesture, the PIN pad with its persisted lockout, the
//! maintenance menu, diagnostics, out of service and re-provisioning from a bundle. Logic lives in
//! `src/staff`; this module runs it against the window, the devices and the store.
//! Staff screens show no resident data; nothing here logs a PIN.

use std::cell::RefCell;
use std::path::PathBuf;
use std::rc::Rc;
use std::time::Duration;

use slint::{ComponentHandle, SharedString};

use super::{handler, model, printing, State};
use crate::app::idle::IdleTimer;
use crate::app::nav::Page;
use crate::devices::idcard::{CardType, ReaderEvent};
use crate::devices::printer::{PaperState, Printer, PrinterStatus};
use crate::devices::scanner::ScannerEvent;
use crate::staff::gesture::{Tap, TapCounter, WINDOW_MS};
use crate::staff::pin::{self, Attempt};
use crate::staff::provision::{self, ProvisionError};
use crate::staff::{StaffView, AUDIT_WHO};
use crate::{AppState, AppWindow, Screen, StaffState};

/// Staff mode ends after this long without a touch: a warning at 100 s, the reset at 120 s.
const STAFF_IDLE_SECS: u32 = 100;
const STAFF_WARNING_SECS: u32 = 20;

/// What staff mode keeps of the terminal: the config file and the five-tap gesture.
#[derive(Default)]
pub struct StaffTerminal {
    /// The config file re-provisioning rewrites (none for the built-in demo config).
    pub config_path: Option<PathBuf>,
    taps: TapCounter,
    tap_window: Rc<slint::Timer>,
}

/// What staff mode keeps between touches; part of the session, so it ends with it. Its Debug shows
/// how many PIN digits were typed, never the digits.
#[derive(Default)]
pub struct StaffSession {
    /// Digits typed on the PIN pad (never logged, cleared after each attempt).
    pin: String,
    pin_message: String,
    /// The right PIN was given: the menu and its screens are open.
    active: bool,
    message: String,
    diagnostics: Vec<String>,
    /// The outcome of the last test read (masked name and card type only), or a prompt.
    reader_test: Option<String>,
    last_scan_len: Option<usize>,
    /// A test page was sent to the printer.
    test_print: bool,
    window: String,
    problems: Vec<String>,
}

impl std::fmt::Debug for StaffSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StaffSession")
            .field("pin_digits", &self.pin.len())
            .field("pin_message", &self.pin_message)
            .field("active", &self.active)
            .field("message", &self.message)
            .field("diagnostics", &self.diagnostics)
            .field("reader_test", &self.reader_test)
            .field("last_scan_len", &self.last_scan_len)
            .field("test_print", &self.test_print)
            .field("window", &self.window)
            .field("problems", &self.problems)
            .finish()
    }
}

impl crate::ui::KioskUi {
    /// The config file this kiosk was started with: re-provisioning writes there (with a backup).
    pub fn set_config_path(&self, path: impl Into<PathBuf>) {
        self.state.borrow_mut().terminal.staff.config_path = Some(path.into());
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
    staff.on_pin_digit(handler(window, state, |s, d: SharedString| {
        if s.session.staff.pin.len() < pin::MAX_LEN && d.len() == 1 && d.bytes().all(|b| b.is_ascii_digit()) {
            s.session.staff.pin.push_str(&d);
        }
    }));
    let delete = handler(window, state, |s, ()| {
        s.session.staff.pin.pop();
    });
    staff.on_pin_delete(move || delete(()));
    let confirm = handler(window, state, |s, ()| confirm_pin(s));
    staff.on_pin_confirm(move || confirm(()));
    staff.on_open_view(handler(window, state, |s, i: i32| {
        if !s.session.staff.active {
            return;
        }
        s.session.staff.message.clear();
        let view = match i {
            0 => StaffView::Diagnostics,
            1 => StaffView::OutOfService,
            _ => StaffView::Provision,
        };
        s.session.staff.problems.clear();
        s.session.nav.open(Page::Staff(view));
        if view == StaffView::Diagnostics {
            diagnose(s);
        }
    }));
    let exit = handler(window, state, |s, ()| {
        if s.session.staff.active {
            audit(s, "staff mode closed");
        }
        s.wipe_session();
    });
    staff.on_exit(move || exit(()));
    let refresh = handler(window, state, |s, ()| {
        s.session.staff.message.clear();
        if *s.session.nav.current() == Page::Staff(StaffView::Diagnostics) {
            diagnose(s);
        }
    });
    staff.on_refresh(move || refresh(()));
    let test_print = handler(window, state, |s, ()| {
        if !s.session.staff.active || s.terminal.busy() {
            return;
        }
        let slip = crate::slip::PickupSlip::sample(&s.terminal.config.applications.qr_base);
        s.session.staff.test_print = true;
        printing::print(s, slip.into(), printing::Purpose::TestPage);
        log::info!("staff: test page sent to the printer");
        diagnose(s);
    });
    staff.on_test_print(move || test_print(()));
    let test_read = handler(window, state, |s, ()| {
        s.session.staff.reader_test = Some("请将身份证放在感应区（只显示遮挡后的姓名和证件类型）。".into());
        diagnose(s);
    });
    staff.on_test_read(move || test_read(()));
    staff.on_choose_window(handler(window, state, |s, w: SharedString| s.session.staff.window = w.to_string()));
    staff.on_set_out_of_service(handler(window, state, |s, on: bool| set_out_of_service(s, on)));
    staff.on_load_bundle(handler(window, state, |s, name: SharedString| load_bundle(s, &name)));
    let roll_back = handler(window, state, |s, ()| roll_back(s));
    staff.on_roll_back(move || roll_back(()));
}

fn open_pin_pad(s: &mut State) {
    s.wipe_session();
    s.session.staff.pin.clear();
    s.session.staff.pin_message = match lockout_minutes(s) {
        Some(minutes) => Attempt::StillLocked { minutes }.message(),
        None => String::new(),
    };
    s.session.nav.open(Page::Staff(StaffView::Pin));
}

fn lockout_minutes(s: &State) -> Option<u32> {
    let lock = s.terminal.store.as_ref()?.staff_lockout().ok()?;
    lock.minutes_left(chrono::Utc::now())
}

fn confirm_pin(s: &mut State) {
    let pin = std::mem::take(&mut s.session.staff.pin);
    let Some(hash) = s.terminal.config.staff.pin_hash.clone() else {
        s.session.staff.pin_message = "本终端未设置维护密码（[staff] pin_hash），请用配置包设置。".into();
        return;
    };
    let Some(store) = s.terminal.store.as_mut() else {
        s.session.staff.pin_message = "终端数据库不可用，暂不能进入维护。".into();
        return;
    };
    let lock = match store.staff_lockout() {
        Ok(l) => l,
        Err(e) => {
            log::error!("staff lockout unreadable: {e}");
            s.session.staff.pin_message = "终端数据库不可用，暂不能进入维护。".into();
            return;
        }
    };
    let now = chrono::Utc::now();
    // While locked the PIN is not even checked.
    let correct = lock.minutes_left(now).is_none() && pin::verify_pin(&pin, &hash);
    let (next, attempt) = lock.attempt(correct, now);
    if let Err(e) = store.set_staff_lockout(&next) {
        log::error!("cannot save the staff lockout: {e}");
    }
    log::info!("staff PIN attempt: {}", if correct { "accepted" } else { "refused" });
    s.session.staff.pin_message = attempt.message();
    match attempt {
        Attempt::Granted => {
            audit(s, "staff mode opened");
            s.session.staff.active = true;
            s.session.idle = IdleTimer::new(STAFF_IDLE_SECS, STAFF_WARNING_SECS);
            s.session.nav.back();
            s.session.nav.open(Page::Staff(StaffView::Menu));
        }
        Attempt::LockedNow { minutes } => {
            audit(s, &format!("staff mode locked for {minutes} minutes after {} wrong PINs", pin::MAX_FAILURES))
        }
        Attempt::Wrong { .. } | Attempt::StillLocked { .. } => {}
    }
}

/// Whether device events belong to staff mode (diagnostics tests) rather than the resident screens.
pub(super) fn takes_device_events(s: &State) -> bool {
    matches!(s.session.nav.current(), Page::Staff(_))
}

pub(super) fn on_reader_event(s: &mut State, event: ReaderEvent) {
    let armed =
        s.session.staff.reader_test.is_some() && *s.session.nav.current() == Page::Staff(StaffView::Diagnostics);
    let result = match event {
        ReaderEvent::CardRead(card) if armed => {
            let kind = match card.card_type {
                CardType::Resident => "居民身份证",
                CardType::HkMoTw => "港澳台居民居住证",
                CardType::Foreign => "外国人永久居留身份证",
            };
            format!("读卡成功：{}（{kind}）", card.masked_name())
        }
        ReaderEvent::ReaderFault(kind) if armed => format!("读卡失败：{kind:?}"),
        _ => return,
    };
    s.session.staff.reader_test = Some(result);
    diagnose(s);
}

pub(super) fn on_scanner_event(s: &mut State, event: ScannerEvent) {
    if let ScannerEvent::Scanned(text) = event {
        // Only the length: a scanned code may be a resident's slip.
        s.session.staff.last_scan_len = Some(text.chars().count());
        if *s.session.nav.current() == Page::Staff(StaffView::Diagnostics) {
            diagnose(s);
        }
    }
}

/// After a print outcome: the diagnostics screen shows what became of the test page.
pub(super) fn on_print_outcome(s: &mut State) {
    if s.session.staff.test_print && *s.session.nav.current() == Page::Staff(StaffView::Diagnostics) {
        diagnose(s);
    }
}

fn audit(s: &mut State, what: &str) {
    if let Some(store) = s.terminal.store.as_mut() {
        if let Err(e) = store.audit(AUDIT_WHO, what) {
            log::error!("cannot write the audit log: {e}");
        }
    }
}

/// Collects the diagnostics lines: devices, hub, catalogue, versions, disk.
fn diagnose(s: &mut State) {
    let mut out = Vec::new();
    let none = "未配置".to_string();
    // ID-card reader.
    let reader_port = match s.terminal.devices.reader.as_ref().and_then(|r| r.simulator()) {
        Some(sim) => format!("{}（模拟）", sim.path()),
        None => s.terminal.config.id_reader.port.clone().unwrap_or_else(|| none.clone()),
    };
    let reader_health = match s.terminal.devices.reader.as_ref().map(|r| r.health()) {
        None => "未启动",
        Some(crate::devices::idcard::Health::Ok) => "正常",
        Some(crate::devices::idcard::Health::NoAnswer) => "无应答",
        Some(crate::devices::idcard::Health::PortMissing) => "端口不存在",
    };
    out.push(format!("读卡器：端口 {reader_port}，状态 {reader_health}"));
    if let Some(t) = &s.session.staff.reader_test {
        out.push(format!("读卡测试：{t}"));
    }
    // Printer.
    let sim_port = s.terminal.devices.printer.as_ref().and_then(|p| p.simulator()).map(|sim| sim.path().to_string());
    let port = sim_port.clone().or_else(|| s.terminal.config.printer.port.clone());
    let shown = match (&sim_port, &port) {
        (Some(p), _) => format!("{p}（模拟）"),
        (None, Some(p)) => p.clone(),
        (None, None) => none.clone(),
    };
    let status = if s.terminal.busy() {
        "正在打印，稍后请点“刷新”".to_string()
    } else {
        match port {
            None => "未配置端口".into(),
            Some(port) => {
                let mut cfg = s.terminal.config.printer.clone();
                cfg.port = Some(port);
                match Printer::open(&cfg).and_then(|mut p| p.status()) {
                    Ok(st) => printer_status_text(&st),
                    Err(e) => format!("无法读取状态（{e}）"),
                }
            }
        }
    };
    out.push(format!("打印机：端口 {shown}，纸宽 {} 毫米，{status}", s.terminal.config.printer.paper));
    if s.session.staff.test_print {
        let t = if s.session.print.pending.is_some() {
            "正在打印…".to_string()
        } else {
            s.session.print.message.clone()
        };
        out.push(format!("测试页：{t}"));
    }
    // Scanner.
    let scanner_port = match s.terminal.devices.scanner.as_ref().and_then(|d| d.simulator()) {
        Some(sim) => format!("{}（模拟）", sim.path()),
        None => s.terminal.config.scanner.port.clone().unwrap_or_else(|| none.clone()),
    };
    let scanner_health = match s.terminal.devices.scanner.as_ref().map(|d| d.health()) {
        None => "未启动",
        Some(crate::devices::scanner::Health::Ok) => "正常",
        Some(crate::devices::scanner::Health::PortMissing) => "端口不存在",
    };
    let last = s.session.staff.last_scan_len.map_or("无".to_string(), |n| format!("{n} 个字符"));
    out.push(format!("扫码器：端口 {scanner_port}，状态 {scanner_health}，最近一次扫码 {last}"));
    // Hub and outbox.
    let status = s.terminal.sync.as_ref().map(|h| h.status());
    out.push(match (s.terminal.config.hub.url.as_deref().filter(|u| !u.is_empty()), &status) {
        (None, _) => "中心平台：未配置（仅离线工作）".into(),
        (Some(url), None) => format!("中心平台：{url}（同步未启动）"),
        (Some(url), Some(st)) => {
            let state = if st.revoked {
                "中心平台拒绝本终端（已停用或令牌无效），申请暂存本机"
            } else if st.online {
                "连接正常"
            } else {
                "无法连接"
            };
            let last = st.last_success.map_or("从未".to_string(), |t| t.format("%m-%d %H:%M:%S").to_string());
            format!("中心平台：{url}，{state}，最近一次成功同步 {last}")
        }
    });
    if let Some(e) = status.as_ref().and_then(|st| st.last_error.as_ref()) {
        out.push(format!("最近的同步错误：{e}"));
    }
    let depth = s.terminal.store.as_ref().and_then(|st| st.outbox_depth().ok());
    out.push(match depth {
        Some(n) => format!("待上传申请：{n} 件"),
        None => "待上传申请：数据库不可用".into(),
    });
    out.push(format!(
        "办事指南目录：版本 {}，共 {} 项",
        s.terminal.catalog.version(),
        s.terminal.catalog.items().len()
    ));
    out.push(format!("软件版本：{}", env!("CARGO_PKG_VERSION")));
    out.push(match crate::staff::disk::free_bytes(&s.terminal.config.data_dir) {
        Ok(b) => {
            format!("数据目录可用空间：{}（{}）", crate::staff::disk::human(b), s.terminal.config.data_dir.display())
        }
        Err(e) => format!("数据目录可用空间：无法读取（{}：{e}）", s.terminal.config.data_dir.display()),
    });
    out.push(format!("终端号：{}　服务中心：{}", s.terminal.config.terminal_id, s.terminal.config.centre_name));
    s.session.staff.diagnostics = out;
}

/// "在线，缺纸，状态字节 16 12 72" for staff.
fn printer_status_text(st: &PrinterStatus) -> String {
    let mut parts = vec![if st.online { "在线" } else { "离线" }.to_string()];
    parts.push(
        match st.paper {
            PaperState::Ok => "纸张正常",
            PaperState::NearEnd => "纸将用完",
            PaperState::Out => "缺纸",
        }
        .into(),
    );
    if st.cover_open {
        parts.push("纸仓盖打开".into());
    }
    if st.error {
        parts.push("故障".into());
    }
    parts.push(format!("状态字节 {:02X} {:02X} {:02X}", st.raw[0], st.raw[1], st.raw[2]));
    parts.join("，")
}

fn chosen_window(s: &State) -> String {
    if s.session.staff.window.is_empty() {
        s.terminal.config.staff.windows.first().cloned().unwrap_or_else(|| "服务".into())
    } else {
        s.session.staff.window.clone()
    }
}

fn set_out_of_service(s: &mut State, on: bool) {
    if !s.session.staff.active {
        return;
    }
    let message = on.then(|| crate::staff::out_of_service_message(&chosen_window(s)));
    let Some(store) = s.terminal.store.as_mut() else {
        s.session.staff.message = "终端数据库不可用，无法保存。".into();
        return;
    };
    match store.set_out_of_service(message.as_deref()) {
        Ok(()) => {
            let what = match &message {
                Some(m) => format!("out of service: {m}"),
                None => "back in service".to_string(),
            };
            audit(s, &what);
            s.session.staff.message = if on { "已暂停服务。".into() } else { "已恢复服务。".into() };
        }
        Err(e) => {
            log::error!("cannot save the service state: {e}");
            s.session.staff.message = "保存失败，请重试。".into();
        }
    }
}

fn load_bundle(s: &mut State, name: &str) {
    if !s.session.staff.active {
        return;
    }
    s.session.staff.problems.clear();
    let Some(config_path) = s.terminal.staff.config_path.clone() else {
        s.session.staff.message = "本终端使用内置演示配置，没有可改写的配置文件。".into();
        return;
    };
    // Only a file listed from the bundle folder, never a path typed in.
    let Some(bundle) = provision::list_bundles(&s.terminal.config.staff.bundle_dir)
        .into_iter()
        .find(|p| p.file_name().is_some_and(|f| f.to_string_lossy() == name))
    else {
        s.session.staff.message = format!("找不到配置包 {name}，请点“刷新”。");
        return;
    };
    match provision::provision(&config_path, &bundle) {
        Ok((validated, config)) => {
            let mut what = format!("provisioned from {}", bundle.display());
            for c in &validated.changes {
                what.push_str("; ");
                what.push_str(c);
            }
            audit(s, &what);
            log::info!(
                "staff: terminal re-provisioned from {} ({} changes)",
                bundle.display(),
                validated.changes.len()
            );
            let mut message = format!(
                "配置已更新（{} 项更改），原配置已备份。终端号 {}，服务中心 {}。设备端口等设置在重启后生效。",
                validated.changes.len(),
                config.terminal_id,
                config.centre_name
            );
            for n in &validated.notes {
                message.push_str(n);
            }
            s.terminal.config = config;
            s.session.staff.message = message;
        }
        Err(ProvisionError::Invalid(errors)) => {
            audit(s, &format!("bundle {} refused: {} problem(s)", bundle.display(), errors.len()));
            s.session.staff.message = format!("配置包有 {} 处问题，未做任何更改：", errors.len());
            s.session.staff.problems = errors.iter().map(|e| e.to_string()).collect();
        }
        Err(ProvisionError::Io(e)) => {
            log::error!("provisioning from {} failed: {e}", bundle.display());
            s.session.staff.message = format!("写入配置失败，未做更改：{e}");
        }
    }
}

fn roll_back(s: &mut State) {
    if !s.session.staff.active {
        return;
    }
    s.session.staff.problems.clear();
    let Some(config_path) = s.terminal.staff.config_path.clone() else { return };
    match provision::rollback(&config_path) {
        Ok(config) => {
            audit(s, &format!("rolled back to the previous config ({})", config.terminal_id));
            s.session.staff.message =
                format!("已恢复上一份配置：终端号 {}，服务中心 {}。", config.terminal_id, config.centre_name);
            s.terminal.config = config;
        }
        Err(ProvisionError::Invalid(errors)) => {
            s.session.staff.message = "备份配置有问题，未恢复：".into();
            s.session.staff.problems = errors.iter().map(|e| e.to_string()).collect();
        }
        Err(ProvisionError::Io(e)) => s.session.staff.message = format!("恢复失败：{e}"),
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

/// Puts staff state and the terminal's identity (which provisioning may change) on screen.
pub(super) fn render(window: &AppWindow, s: &State) {
    let app = window.global::<AppState>();
    app.set_centre_name(s.terminal.config.centre_name.as_str().into());
    app.set_terminal_id(s.terminal.config.terminal_id.as_str().into());
    let out_of_service = s.terminal.store.as_ref().and_then(|st| st.out_of_service().ok().flatten());
    app.set_out_of_service_message(out_of_service.clone().unwrap_or_default().into());
    let ui = window.global::<StaffState>();
    ui.set_pin_length(s.session.staff.pin.len() as i32);
    ui.set_pin_message(s.session.staff.pin_message.as_str().into());
    ui.set_locked(lockout_minutes(s).is_some() && !s.session.staff.active);
    if !s.session.staff.active {
        return;
    }
    ui.set_message(s.session.staff.message.as_str().into());
    ui.set_diagnostics(model(s.session.staff.diagnostics.iter().map(|l| SharedString::from(l.as_str())).collect()));
    ui.set_out_of_service(out_of_service.is_some());
    let window_name = chosen_window(s);
    ui.set_service_message(out_of_service.unwrap_or_else(|| crate::staff::out_of_service_message(&window_name)).into());
    ui.set_windows(model(s.terminal.config.staff.windows.iter().map(|w| SharedString::from(w.as_str())).collect()));
    ui.set_chosen_window(window_name.into());
    ui.set_bundle_dir(s.terminal.config.staff.bundle_dir.display().to_string().into());
    if *s.session.nav.current() == Page::Staff(StaffView::Provision) {
        let names = provision::list_bundles(&s.terminal.config.staff.bundle_dir)
            .iter()
            .filter_map(|p| p.file_name().map(|f| SharedString::from(f.to_string_lossy().as_ref())))
            .collect();
        ui.set_bundles(model(names));
        let can = s.terminal.staff.config_path.as_deref().is_some_and(provision::can_roll_back);
        ui.set_can_roll_back(can);
    }
    ui.set_problems(model(s.session.staff.problems.iter().map(|p| SharedString::from(p.as_str())).collect()));
}
