//! The one module that binds the Slint UI (ui/*.slint) to the app: it renders app state into the
//! exported globals and forwards touches to the app. No flow logic lives here.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;
use std::time::Duration;

use slint::{ComponentHandle, ModelRc, SharedString, VecModel};

mod apply;
mod devices;
mod grid;
mod identify;
mod printing;
mod progress;
mod screen;
mod speech;
mod staff;
mod storage;

pub use devices::Devices;
pub use screen::Clock;

use crate::app::idle::{IdleEvent, IdleTimer};
use crate::app::nav::{Nav, Page};
use crate::catalog::{Catalog, Guide};
use crate::config::Config;
use crate::ime::{self, Edit, Keyboard, Layout, Lexicon};
use crate::messages;
use crate::Session as SessionGlobal;
use crate::{AppState, AppWindow, DetailSection, GuideDetail, GuideRow, GuideState, Screen, Theme, ThemeRow};
use crate::{KeyboardLayout, KeyboardState};

/// How many search results a screen lists.
const RESULT_LIMIT: usize = 30;

/// Everything the window holds: the terminal's part, which outlives every resident, and the
/// resident's session, which a reset replaces whole.
struct State {
    terminal: Terminal,
    session: Session,
}

/// What belongs to the terminal: catalogue, config, store, devices, sync, and the print jobs in
/// flight (a job outlives the session that started it: its outcome always reaches the store).
struct Terminal {
    catalog: Catalog,
    config: Config,
    store: Option<crate::store::Store>,
    devices: Devices,
    /// The sync worker and the device health it reports (none when the window runs without one).
    sync: Option<crate::sync::SyncHandle>,
    health: crate::sync::SharedHealth,
    /// The pinyin dictionary with the catalogue's words, shared by every session's keyboard.
    lexicon: Rc<Lexicon>,
    /// Print jobs sent to the printer and not finished yet.
    jobs: printing::Jobs,
    /// The printer's status asked while idle (`[printer] poll_secs`).
    printer_poll: printing::Poll,
    /// Held busy from outside (`KioskUi::set_busy`).
    held_busy: bool,
    /// The reader's trouble as it last reported it (none once it answers again): the identification
    /// screens show it whenever they are open, however long ago it started.
    reader_fault: Option<crate::devices::idcard::FaultKind>,
    /// The grid directory, loaded on first use.
    grid_directory: Option<crate::grid::Directory>,
    staff: staff::StaffTerminal,
    /// The speech engine (espeak-ng, or silent when it is off or missing).
    speech: Box<dyn crate::speech::Speech>,
    /// The language whose translation Slint shows.
    shown_lang: speech::Shown,
    /// What became of the latest utterances (diagnostics and tests; text already made for the ear).
    speech_log: speech::Log,
    /// Screen power and service hours.
    screen: screen::ScreenTerminal,
    /// The `STATUS=` line systemd shows (src/service.rs), sent when it changes.
    status: kiosk_systemd::StatusLine,
    /// The last outbox write failed for want of disk space (`SQLITE_FULL`), and no room has shown
    /// since: the header tells staff. Cleared by the next write that works, or once a second when
    /// the store finds room again ([`storage::on_second`]).
    storage_full: bool,
    /// The database that could not be opened at the start for want of disk space, to open once there
    /// is room ([`KioskUi::attach_store_when_room`]).
    store_when_room: Option<std::path::PathBuf>,
}

impl Terminal {
    /// Printing (or submitting): the idle timer neither counts nor fires.
    fn busy(&self) -> bool {
        self.held_busy || !self.jobs.is_empty()
    }
}

/// The resident's session: what they see, typed and read from their card. A reset is
/// `Session::new`: nothing of the old session stays reachable, nothing to remember to clear.
#[derive(Debug)]
struct Session {
    nav: Nav,
    query: String,
    idle: IdleTimer,
    typing: Typing,
    flow: Option<crate::app::flow::Flow>,
    /// The form field the keyboard edits.
    focused: Option<String>,
    progress: progress::ProgressView,
    print: printing::PrintView,
    grid: grid::GridView,
    staff: staff::StaffSession,
    /// The language of this session (`[ui] language` until the resident taps English / 中文).
    lang: crate::Lang,
    /// How loud and fast this resident wants speech (`[speech]` until they change it).
    voice: crate::speech::Voice,
    /// The prompt last spoken by itself.
    heard: speech::Heard,
    /// Under the speech buttons, e.g. that speech is not available here.
    speech_notice: String,
}

impl Session {
    fn new(terminal: &Terminal) -> Session {
        let idle = &terminal.config.idle;
        Session {
            nav: Nav::default(),
            query: String::new(),
            idle: IdleTimer::new(idle.timeout_secs, idle.warning_secs),
            typing: Typing { keyboard: Keyboard::new(terminal.lexicon.clone()), fields: BTreeMap::new() },
            flow: None,
            focused: None,
            progress: progress::ProgressView::default(),
            print: printing::PrintView::default(),
            grid: grid::GridView::default(),
            staff: staff::StaffSession::default(),
            lang: terminal.config.ui.language,
            voice: crate::speech::Voice::from_config(&terminal.config.speech),
            heard: speech::Heard::default(),
            speech_notice: String::new(),
        }
    }
}

impl State {
    /// Ends the resident's session: a new one replaces it, and a newer catalogue may come in.
    fn wipe_session(&mut self) {
        self.terminal.speech.stop();
        self.session = Session::new(&self.terminal);
        self.swap_catalog_if_newer();
        self.swap_grid_if_newer();
    }

    /// 首页 and the end of a task: the resident's data goes as on any reset (their voice settings
    /// too), but the language stays for the person still standing here: an English reader tapping
    /// Home must not land on Chinese. Walking away ends it too: the idle timer counts on a home
    /// screen in another language than the configured one, and its reset is `wipe_session`.
    fn start_over(&mut self) {
        let lang = self.session.lang;
        self.wipe_session();
        self.session.lang = lang;
    }

    /// The home screen as a new resident finds it: nothing for the idle timer to reset.
    fn at_rest(&self) -> bool {
        *self.session.nav.current() == Page::Home
            && self.session.query.is_empty()
            && self.session.lang == self.terminal.config.ui.language
    }

    /// Between sessions (never under a resident): a catalogue the sync worker installed replaces the
    /// one in memory.
    fn swap_catalog_if_newer(&mut self) {
        let t = &mut self.terminal;
        let installed = t.sync.as_ref().and_then(|h| h.catalog_version());
        let load = |st: &crate::store::Store| st.load_catalog();
        if let Some(file) = load_if_newer(t.store.as_ref(), installed, t.catalog.version(), "catalogue", load) {
            t.catalog = crate::catalog::Catalog::new(file);
        }
    }

    /// Between sessions (never under a resident: the grid page keeps places in the directory): a grid
    /// directory the sync worker installed replaces the one in memory.
    fn swap_grid_if_newer(&mut self) {
        let t = &mut self.terminal;
        let Some(loaded) = t.grid_directory.as_ref().map(|d| d.version) else { return };
        let installed = t.sync.as_ref().and_then(|h| h.grid_version());
        let load = crate::grid::store::load;
        if let Some(dir) = load_if_newer(t.store.as_ref(), installed, loaded, "grid directory", load) {
            t.grid_directory = Some(dir);
        }
    }
}

/// What the sync worker installed in the database (`installed`, its version) when it is newer than
/// the version in memory (`loaded`): read with `load` (`what` names it in the log).
fn load_if_newer<T, E: std::fmt::Display>(
    store: Option<&crate::store::Store>,
    installed: Option<u64>,
    loaded: u64,
    what: &str,
    load: impl FnOnce(&crate::store::Store) -> Result<Option<T>, E>,
) -> Option<T> {
    let newer = installed.filter(|&v| v > loaded)?;
    match load(store?) {
        Ok(found) => {
            log::info!("{what} v{newer} replaces v{loaded} between sessions");
            found
        }
        Err(e) => {
            log::error!("cannot load the new {what}: {e}");
            None
        }
    }
}

/// The on-screen keyboard, and the text of the fields it edits other than the search (`query`).
struct Typing {
    keyboard: Keyboard,
    fields: BTreeMap<String, String>,
}

impl Typing {
    /// A new application starts with an empty keyboard and no typed fields.
    fn reset(&mut self) {
        self.keyboard.reset();
        self.fields.clear();
    }
}

impl std::fmt::Debug for Typing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let k = &self.keyboard;
        f.debug_struct("Typing")
            .field("target", &k.target())
            .field("layout", &k.layout())
            .field("composing", &k.composer().letters())
            .field("candidates_page", &k.composer().page().len())
            .field("fields", &self.fields.len())
            .finish()
    }
}

/// The kiosk window with its state and timers.
pub struct KioskUi {
    window: AppWindow,
    state: Rc<RefCell<State>>,
    _tick: slint::Timer,
    _device_tick: slint::Timer,
}

impl KioskUi {
    pub fn new(config: &Config, catalog: Catalog, devices: Devices) -> Result<KioskUi, slint::PlatformError> {
        let window = AppWindow::new()?;
        // The catalogue's names and aliases rank first among pinyin candidates.
        let words = catalog.items().iter().flat_map(|g| std::iter::once(&g.name).chain(&g.aliases));
        let lexicon = Lexicon::new(config.keyboard.fuzzy_pairs()).with_words(words.map(String::as_str));
        let speech_log = speech::Log::default();
        let terminal = Terminal {
            catalog,
            config: config.clone(),
            store: None,
            devices,
            sync: None,
            health: crate::sync::HealthReport::shared(),
            lexicon: Rc::new(lexicon),
            jobs: printing::Jobs::default(),
            printer_poll: printing::Poll::default(),
            held_busy: false,
            reader_fault: None,
            grid_directory: None,
            staff: staff::StaffTerminal::default(),
            speech: crate::speech::start(&config.speech, speech_log.sink()),
            shown_lang: speech::Shown::default(),
            speech_log,
            screen: screen::ScreenTerminal::new(&config.screen),
            status: Default::default(),
            storage_full: false,
            store_when_room: None,
        };
        let session = Session::new(&terminal);
        let state = Rc::new(RefCell::new(State { terminal, session }));
        let app = window.global::<AppState>();
        app.set_centre_name(config.centre_name.as_str().into());
        app.set_landscape(config.screen.orientation == crate::config::Orientation::Landscape);
        app.set_terminal_id(config.terminal_id.as_str().into());
        app.set_clock(messages::clock(config.ui.language, &state.borrow().terminal.screen.now()).into());
        wire(&window, &state);
        render(&window, &state.borrow());

        let tick = slint::Timer::default();
        let (weak, st) = (window.as_weak(), Rc::downgrade(&state));
        tick.start(slint::TimerMode::Repeated, Duration::from_secs(1), move || {
            if let (Some(w), Some(s)) = (weak.upgrade(), st.upgrade()) {
                on_second(&w, &s);
            }
        });
        let device_tick = slint::Timer::default();
        let (weak, st) = (window.as_weak(), Rc::downgrade(&state));
        device_tick.start(slint::TimerMode::Repeated, Duration::from_millis(100), move || {
            if let (Some(w), Some(s)) = (weak.upgrade(), st.upgrade()) {
                on_device_tick(&w, &s);
            }
        });
        Ok(KioskUi { window, state, _tick: tick, _device_tick: device_tick })
    }

    pub fn window(&self) -> &AppWindow {
        &self.window
    }

    /// Gives the window the terminal's database (the outbox); without one, submitting says so.
    pub fn attach_store(&self, store: crate::store::Store) {
        let mut s = self.state.borrow_mut();
        s.terminal.store = Some(store);
        staff::on_store_attached(&mut s);
        drop(s);
        // What the store holds shows at once (e.g. the out-of-service message after a restart).
        render(&self.window, &self.state.borrow());
    }

    /// The disk holding the database at `path` was full at the start, so it could not be opened: the
    /// header tells staff (submitting is refused meanwhile), and the store is opened and attached once
    /// a second finds room ([`storage::on_second`]).
    pub fn attach_store_when_room(&self, path: std::path::PathBuf) {
        let mut s = self.state.borrow_mut();
        s.terminal.store_when_room = Some(path);
        s.terminal.storage_full = true;
        drop(s);
        render(&self.window, &self.state.borrow());
    }

    /// Gives the window the sync worker: its status shows as the offline indicator, submissions kick it,
    /// and newer catalogues are swapped in between sessions.
    pub fn attach_sync(&self, handle: crate::sync::SyncHandle) {
        self.state.borrow_mut().terminal.sync = Some(handle);
    }

    /// The device health the window reports for heartbeats (give it to `SyncWorker::start`).
    pub fn health(&self) -> crate::sync::SharedHealth {
        self.state.borrow().terminal.health.clone()
    }

    /// The sync worker's status, if the window has one (tests and diagnostics).
    pub fn sync_status(&self) -> Option<crate::sync::SyncStatus> {
        self.state.borrow().terminal.sync.as_ref().map(|h| h.status())
    }

    /// The terminal's database, for tests and diagnostics.
    pub fn store(&self) -> std::cell::Ref<'_, Option<crate::store::Store>> {
        std::cell::Ref::map(self.state.borrow(), |s| &s.terminal.store)
    }

    /// The kiosk's devices (tests and diagnostics reach the simulators through this).
    pub fn devices(&self) -> std::cell::Ref<'_, Devices> {
        std::cell::Ref::map(self.state.borrow(), |s| &s.terminal.devices)
    }

    /// What became of the latest utterances, oldest first (tests and diagnostics).
    pub fn speech_events(&self) -> Vec<crate::speech::SpeechEvent> {
        self.state.borrow().terminal.speech_log.events()
    }

    /// Where the kiosk reads the time of day (the header, `[screen] hours`); tests put their own.
    pub fn set_clock(&self, clock: Clock) {
        self.state.borrow_mut().terminal.screen.set_clock(clock);
        render(&self.window, &self.state.borrow());
    }

    /// Marks the kiosk busy (printing, submitting): the idle timer never fires meanwhile.
    pub fn set_busy(&self, busy: bool) {
        self.state.borrow_mut().terminal.held_busy = busy;
        self.window.global::<SessionGlobal>().set_busy(busy);
    }
}

/// A callback that changes the state and then renders it.
fn handler<A>(
    window: &AppWindow,
    state: &Rc<RefCell<State>>,
    f: impl Fn(&mut State, A) + 'static,
) -> impl Fn(A) + 'static {
    let (weak, st) = (window.as_weak(), state.clone());
    move |arg| {
        if let Some(w) = weak.upgrade() {
            f(&mut st.borrow_mut(), arg);
            render(&w, &st.borrow());
        }
    }
}

fn wire(window: &AppWindow, state: &Rc<RefCell<State>>) {
    let app = window.global::<AppState>();
    app.on_open_screen(handler(window, state, |s, screen| match screen {
        Screen::Guides => s.session.nav.open(Page::Guides),
        Screen::Search => s.session.nav.open(Page::Search),
        Screen::Identify => {
            let item = s.terminal.config.senior_card.item.clone();
            apply::start(s, &item);
        }
        Screen::Apply if s.terminal.screen.open_now() => {
            s.session.flow = None;
            s.session.nav.open(Page::Apply);
        }
        Screen::Progress => {
            s.session.progress = progress::ProgressView::default();
            s.session.nav.open(Page::Progress);
        }
        _ => s.session.nav.home(),
    }));
    identify::wire(window, state);
    printing::wire(window, state);
    apply::wire(window, state);
    progress::wire(window, state);
    staff::wire(window, state);
    grid::wire(window, state);
    speech::wire(window, state);
    screen::wire(window, state);
    let back = handler(window, state, |s, ()| {
        if *s.session.nav.current() == Page::Apply && s.session.flow.is_some() {
            apply::back(s);
        } else if matches!(s.session.nav.current(), Page::Staff(_)) {
            staff::back(s);
        } else if !(*s.session.nav.current() == Page::Grid && grid::back(s)) {
            s.session.nav.back();
        }
        if *s.session.nav.current() == Page::Home {
            // Back at the start: nothing of the resident stays.
            s.start_over();
        }
    });
    app.on_back(move || back(()));
    let home = handler(window, state, |s, ()| s.start_over());
    app.on_home(move || home(()));

    let session = window.global::<SessionGlobal>();
    let st = state.clone();
    session.on_touched(move || {
        let mut s = st.borrow_mut();
        s.session.idle.activity();
        s.terminal.screen.touched();
    });
    let resume = handler(window, state, |s, ()| s.session.idle.activity());
    session.on_continue_session(move || resume(()));

    let guides = window.global::<GuideState>();
    guides.on_open_theme(handler(window, state, |s, code: SharedString| {
        s.session.nav.open(Page::Category(code.to_string()))
    }));
    guides.on_open_guide(handler(window, state, |s, code: SharedString| {
        s.session.nav.open(Page::Detail(code.to_string()))
    }));
    guides.on_set_query(handler(window, state, |s, q: SharedString| {
        s.session.idle.activity();
        s.session.query = q.to_string();
    }));
    wire_keyboard(window, state);
}

/// The on-screen keyboard: its keys edit the field it targets (the search query, or a form's field).
fn wire_keyboard(window: &AppWindow, state: &Rc<RefCell<State>>) {
    fn edit(s: &mut State, edits: impl IntoIterator<Item = Edit>) {
        let target = s.session.typing.keyboard.target().to_string();
        let text = if target == ime::keyboard::SEARCH_FIELD {
            &mut s.session.query
        } else {
            s.session.typing.fields.entry(target).or_default()
        };
        for e in edits {
            ime::keyboard::apply(text, &e);
        }
    }
    let kb = window.global::<KeyboardState>();
    let focus = handler(window, state, |s, (target, layout): (SharedString, KeyboardLayout)| {
        s.session.typing.keyboard.focus(&target, layout_from_ui(layout))
    });
    kb.on_focus(move |target, layout| focus((target, layout)));
    kb.on_key(handler(window, state, |s, key: SharedString| {
        let edits = s.session.typing.keyboard.key(&key);
        edit(s, edits)
    }));
    let backspace = handler(window, state, |s, ()| {
        let e = s.session.typing.keyboard.backspace();
        edit(s, e)
    });
    kb.on_backspace(move || backspace(()));
    let clear = handler(window, state, |s, ()| {
        let e = s.session.typing.keyboard.clear();
        edit(s, [e])
    });
    kb.on_clear(move || clear(()));
    kb.on_choose(handler(window, state, |s, index: i32| {
        let e = usize::try_from(index).ok().and_then(|i| s.session.typing.keyboard.choose(i));
        edit(s, e)
    }));
    let prev = handler(window, state, |s, ()| s.session.typing.keyboard.prev_page());
    kb.on_prev_page(move || prev(()));
    let next = handler(window, state, |s, ()| s.session.typing.keyboard.next_page());
    kb.on_next_page(move || next(()));
    kb.on_switch_layout(handler(window, state, |s, layout: KeyboardLayout| {
        let e = s.session.typing.keyboard.switch(layout_from_ui(layout));
        edit(s, e)
    }));
    let done = handler(window, state, |s, ()| {
        let edits = s.session.typing.keyboard.done();
        edit(s, edits)
    });
    kb.on_done(move || done(()));
}

fn layout_from_ui(layout: KeyboardLayout) -> Layout {
    match layout {
        KeyboardLayout::Pinyin => Layout::Pinyin,
        KeyboardLayout::Letters => Layout::Letters,
        KeyboardLayout::Numeric => Layout::Numeric,
    }
}

/// Letters composing into the search field, if it has the keyboard.
fn search_letters(s: &State) -> &str {
    let k = &s.session.typing.keyboard;
    if k.target() == ime::keyboard::SEARCH_FIELD {
        k.composer().letters()
    } else {
        ""
    }
}

/// What the search looks for: the query with any letters still composing, so that typing `ldyd`
/// searches at once; once the query holds Chinese, letters count only when they become Chinese too.
fn search_text(s: &State) -> String {
    if s.session.query.chars().all(|c| c.is_ascii_alphanumeric() || c.is_whitespace()) {
        format!("{}{}", s.session.query, search_letters(s))
    } else {
        s.session.query.clone()
    }
}

/// Puts the keyboard's state on screen.
fn render_keyboard(window: &AppWindow, s: &State) {
    let kb = window.global::<KeyboardState>();
    let k = &s.session.typing.keyboard;
    let composer = k.composer();
    kb.set_target(k.target().into());
    kb.set_layout(match k.layout() {
        Layout::Pinyin => KeyboardLayout::Pinyin,
        Layout::Letters => KeyboardLayout::Letters,
        Layout::Numeric => KeyboardLayout::Numeric,
    });
    kb.set_can_switch(k.can_switch());
    kb.set_composing(composer.letters().into());
    kb.set_candidates(model(composer.page().iter().map(|c| SharedString::from(c.text.as_str())).collect()));
    kb.set_has_prev(composer.has_prev());
    kb.set_has_next(composer.has_next());
    let field = if k.target() == ime::keyboard::SEARCH_FIELD {
        s.session.query.as_str()
    } else {
        s.session.typing.fields.get(k.target()).map_or("", String::as_str)
    };
    kb.set_text(format!("{field}{}", composer.letters()).into());
}

/// Once a second: the clock, and the idle countdown.
fn on_second(window: &AppWindow, state: &Rc<RefCell<State>>) {
    let clock = { messages::clock(state.borrow().session.lang, &state.borrow().terminal.screen.now()) };
    window.global::<AppState>().set_clock(clock.into());
    report_health(window, &state.borrow());
    printing::poll_when_idle(&mut state.borrow_mut());
    // Both asked (no short-circuit), rendered once.
    let changed = {
        let mut s = state.borrow_mut();
        storage::on_second(&mut s) | screen::on_second(&mut s)
    };
    if changed {
        render(window, &state.borrow());
    }
    let line = status_line(&state.borrow());
    state.borrow_mut().terminal.status.set(&line);
    let clean = { state.borrow().at_rest() && window.global::<Theme>().get_elder() };
    let event = {
        let mut s = state.borrow_mut();
        let quiet = clean || s.terminal.busy();
        s.session.idle.tick(quiet)
    };
    let session = window.global::<SessionGlobal>();
    match event {
        IdleEvent::None => session.set_idle_warning(false),
        IdleEvent::Warn(left) => {
            session.set_countdown(left as i32);
            session.set_idle_warning(true);
        }
        IdleEvent::Reset => {
            log::info!("idle timeout: session wiped");
            state.borrow_mut().wipe_session();
            window.global::<Theme>().set_elder(true);
            session.set_idle_warning(false);
            render(window, &state.borrow());
        }
    }
}

/// Once a second: the offline indicator, and what the devices say for the hub's heartbeats.
fn report_health(window: &AppWindow, s: &State) {
    let configured = s.terminal.config.hub.url.as_deref().is_some_and(|u| !u.is_empty());
    let network = match s.terminal.sync.as_ref().map(|h| h.status()) {
        Some(st) if st.revoked => messages::terminal_revoked(s.session.lang),
        Some(st) if configured && !st.online => messages::network_down(s.session.lang),
        _ => "",
    };
    window.global::<AppState>().set_network_status(network.into());
    let mut h = s.terminal.health.lock().unwrap_or_else(|e| e.into_inner());
    h.reader = match &s.terminal.devices.reader {
        Some(r) if r.simulator().is_some() => crate::sync::ReaderHealth::Simulated,
        Some(r) => r.health().into(),
        None => crate::sync::ReaderHealth::PortMissing,
    };
}

/// The line `systemctl status` shows (src/service.rs).
fn status_line(s: &State) -> String {
    let configured = s.terminal.config.hub.url.as_deref().is_some_and(|u| !u.is_empty());
    let sync = s.terminal.sync.as_ref().map(|h| h.status());
    let health = crate::sync::HealthReport::snapshot(&s.terminal.health);
    crate::service::status_line(&crate::service::Facts {
        out_of_service: s.terminal.staff.out_of_service(),
        closed: s.terminal.screen.closed(),
        revoked: sync.as_ref().is_some_and(|st| st.revoked),
        hub_unreachable: configured && sync.as_ref().is_some_and(|st| !st.online),
        printer: health.printer,
        reader: health.reader,
        storage_full: s.terminal.storage_full,
        scanner_missing: s
            .terminal
            .devices
            .scanner
            .as_ref()
            .is_some_and(|sc| sc.health() == crate::devices::scanner::Health::PortMissing),
    })
}

/// Ten times a second: what the reader and the printer have to say.
fn on_device_tick(window: &AppWindow, state: &Rc<RefCell<State>>) {
    let mut changed = false;
    loop {
        let mut s = state.borrow_mut();
        let Some(event) = s.terminal.devices.next_reader_event() else { break };
        identify::note_reader_health(&mut s, &event);
        if staff::takes_device_events(&s) {
            staff::on_reader_event(&mut s, event);
            changed = true;
            continue;
        }
        identify::on_reader_event(&mut s, event);
        changed = true;
    }
    loop {
        let mut s = state.borrow_mut();
        let Some(event) = s.terminal.devices.next_scan_event() else { break };
        if staff::takes_device_events(&s) {
            staff::on_scanner_event(&mut s, event);
            changed = true;
            continue;
        }
        progress::on_scanner_event(&mut s, event);
        changed = true;
    }
    loop {
        let mut s = state.borrow_mut();
        let Some(outcome) = s.terminal.devices.printer.as_ref().and_then(|p| p.try_outcome()) else { break };
        if let Some((printing::Purpose::Pickup { .. }, printed)) = printing::on_outcome(&mut s, outcome) {
            apply::on_printed(&mut s, printed);
        }
        staff::on_print_outcome(&mut s);
        changed = true;
    }
    loop {
        let mut s = state.borrow_mut();
        let Some(answer) = s.terminal.devices.printer.as_ref().and_then(|p| p.try_status()) else { break };
        if !printing::on_status(&mut s, &answer) {
            staff::on_status(&mut s, answer);
        }
        // Staff's diagnostics, or the residents' notice before an application, follow what it said.
        changed = true;
    }
    changed |= staff::on_device_tick(&mut state.borrow_mut());
    let moved = printing::poll_progress(&mut state.borrow_mut());
    if changed {
        render(window, &state.borrow());
    } else if moved {
        // Only the bar moved: no need to lay the whole screen out again.
        printing::render_progress(window, &state.borrow());
    }
}

/// Puts the state on screen.
fn render(window: &AppWindow, s: &State) {
    let app = window.global::<AppState>();
    let guides = window.global::<GuideState>();
    let session = window.global::<SessionGlobal>();
    session.set_idle_warning(s.session.idle.warning_left().is_some());
    if let Some(left) = s.session.idle.warning_left() {
        session.set_countdown(left as i32);
    }
    render_keyboard(window, s);
    staff::render(window, s);
    printing::render_progress(window, s);
    guides.set_query(format!("{}{}", s.session.query, search_letters(s)).into());
    let query = search_text(s);
    let screen = match s.session.nav.current() {
        Page::Home => Screen::Home,
        Page::Guides => {
            guides.set_themes(model(
                s.terminal
                    .catalog
                    .themes()
                    .iter()
                    .map(|t| ThemeRow {
                        code: t.code.as_str().into(),
                        name: t.name_in(s.session.lang).into(),
                        count: s.terminal.catalog.in_theme(&t.code).len() as i32,
                    })
                    .collect(),
            ));
            guides.set_frequent(rows(s.session.lang, s.terminal.catalog.frequent()));
            Screen::Guides
        }
        Page::Category(code) => {
            guides.set_category_name(s.terminal.catalog.theme_name_in(code, s.session.lang).unwrap_or_default().into());
            guides.set_category_items(rows(s.session.lang, s.terminal.catalog.in_theme(code)));
            Screen::Category
        }
        Page::Search => {
            let hits = if query.is_empty() { Vec::new() } else { s.terminal.catalog.search(&query, RESULT_LIMIT) };
            let message = messages::search(s.session.lang, &query, hits.len());
            guides.set_search_message(message.into());
            guides.set_results(rows(s.session.lang, hits));
            Screen::Search
        }
        Page::Detail(code) => match s.terminal.catalog.get(code) {
            Some(g) => {
                guides.set_detail(detail(s.session.lang, g));
                Screen::Detail
            }
            None => Screen::Home,
        },
        Page::Identify => {
            identify::render(window, s);
            // The application's step too, so that nothing on screen or in the tree is stale.
            apply::render(window, s);
            Screen::Identify
        }
        Page::Apply => {
            apply::render(window, s);
            Screen::Apply
        }
        Page::Progress => {
            progress::render(window, s);
            Screen::Progress
        }
        Page::Slip => {
            printing::render(window, s);
            Screen::Slip
        }
        Page::Grid => {
            grid::render(window, s);
            Screen::Grid
        }
        Page::Staff(view) => staff::screen(s, *view),
    };
    session.set_busy(s.terminal.busy());
    storage::render(window, s);
    self::screen::render(window, s);
    app.set_screen(screen);
    speech::render(window, s);
}

fn model<T: Clone + 'static>(v: Vec<T>) -> ModelRc<T> {
    ModelRc::new(VecModel::from(v))
}

fn rows(lang: crate::Lang, guides: Vec<&Guide>) -> ModelRc<GuideRow> {
    model(
        guides
            .into_iter()
            .map(|g| GuideRow {
                code: g.code.as_str().into(),
                name: g.name_in(lang).into(),
                summary: messages::guide_summary(lang, g).into(),
            })
            .collect(),
    )
}

fn detail(lang: crate::Lang, g: &Guide) -> GuideDetail {
    GuideDetail {
        code: g.code.as_str().into(),
        name: g.name_in(lang).into(),
        department: g.department.as_str().into(),
        sections: model(
            messages::guide_sections(lang, g)
                .into_iter()
                .map(|(title, lines)| DetailSection {
                    title: title.into(),
                    lines: model(lines.into_iter().map(SharedString::from).collect()),
                })
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::flow::{Event, Flow};
    use crate::devices::idcard::sample_cards;

    /// After a reset, nothing of the old session is reachable: the session equals a new one in every
    /// field (Debug shows every field; personal ones masked).
    #[test]
    fn a_reset_leaves_nothing_of_the_old_session() {
        i_slint_backend_testing::init_no_event_loop();
        let config =
            Config::parse(include_str!("../kiosk-config/demo.toml"), std::path::Path::new("demo.toml")).unwrap();
        let catalog = Catalog::new(crate::catalog::bundled());
        let ui = KioskUi::new(&config, catalog, Devices::none()).unwrap();
        let mut s = ui.state.borrow_mut();
        let fresh = format!("{:?}", Session::new(&s.terminal));

        let card = sample_cards().into_iter().find(|(k, _, _)| *k == "elderly").unwrap().2;
        let guide = s.terminal.catalog.get(&config.senior_card.item).unwrap().clone();
        let mut flow = Flow::start(guide, true, crate::Lang::Zh);
        flow.update(Event::CardRead(card), chrono::Local::now().date_naive());
        s.session.flow = Some(flow);
        s.session.nav.open(Page::Apply);
        s.session.query = "lnrydz".into();
        s.session.typing.fields.insert("form:phone".into(), "13807331234".into());
        s.session.typing.keyboard.focus("search", Layout::Pinyin);
        s.session.typing.keyboard.key("l");
        s.session.focused = Some("phone".into());
        s.session.idle.tick(false);
        s.session.progress.message = "找到 1 条办理记录。".into();
        s.session.print.message = "已打印".into();
        assert_ne!(format!("{:?}", s.session), fresh, "the session holds the resident's data");

        s.wipe_session();
        assert_eq!(format!("{:?}", s.session), fresh, "a reset is a new session, every field");
    }
}
