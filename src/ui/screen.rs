//! The screen's power and the service hours on the window (the rules are src/app/screen.rs): the
//! home screen goes dark after `[screen] blank_after_secs` and the touch that wakes it presses
//! nothing; outside `[screen] hours` home shows the hours, dimmed, and no application starts
//! (`apply::start` and 我要办理 ask [`ScreenTerminal::open_now`], whatever button led there).

use std::cell::RefCell;
use std::rc::Rc;

use chrono::{DateTime, Local};
use slint::{ComponentHandle, SharedString};

use super::{handler, model, State};
use crate::app::nav::Page;
use crate::app::screen::{Blanker, ServiceHours};
use crate::config::ScreenConfig;
use crate::{AppState, AppWindow, Session as SessionGlobal};

/// Where the kiosk reads the time of day (tests put their own, e.g. a [`crate::clock::JumpingClock`]).
pub type Clock = crate::clock::WallClock;

/// The terminal's screen: it outlives every session.
pub(super) struct ScreenTerminal {
    blanker: Blanker,
    hours: ServiceHours,
    /// Outside the hours at the last look.
    closed: bool,
    clock: Clock,
}

impl ScreenTerminal {
    pub(super) fn new(config: &ScreenConfig) -> ScreenTerminal {
        let hours = config.service_hours().unwrap_or_else(|e| {
            // A loaded config has passed `Config::problems`; one built in code may not have.
            log::error!("[screen] hours unusable ({e:?}): serving at all hours");
            ServiceHours::default()
        });
        let mut t = ScreenTerminal {
            blanker: Blanker::new(config.blank_after_secs),
            hours,
            closed: false,
            clock: Clock::system(),
        };
        t.open_now();
        t
    }

    /// The local time (the header's clock, the service hours, the date of a submission, a card's
    /// validity): the one place the window reads wall time.
    pub(super) fn now(&self) -> DateTime<Local> {
        self.clock.now()
    }

    pub(super) fn set_clock(&mut self, clock: Clock) {
        self.clock = clock;
        self.open_now();
    }

    /// Whether the terminal takes applications now (inside `[screen] hours`, or none set); home
    /// shows the hours from now on when not.
    pub(super) fn open_now(&mut self) -> bool {
        self.closed = !self.hours.open_at(self.now().time());
        !self.closed
    }

    /// Outside the hours at the last look (`open_now`, once a second).
    pub(super) fn closed(&self) -> bool {
        self.closed
    }

    /// A touch on a lit screen.
    pub(super) fn touched(&mut self) {
        self.blanker.touched();
    }
}

pub(super) fn wire(window: &AppWindow, state: &Rc<RefCell<State>>) {
    let wake = handler(window, state, |s, ()| {
        s.terminal.screen.blanker.wake();
        s.session.idle.activity();
    });
    window.global::<SessionGlobal>().on_wake(move || wake(()));
    let spans =
        state.borrow().terminal.screen.hours.spans().iter().map(|s| SharedString::from(s.to_string())).collect();
    window.global::<AppState>().set_service_hours(model(spans));
}

/// Once a second: the home screen goes dark (never under a print or a submission), and the hours
/// open or close. Whether the window must be rendered again.
pub(super) fn on_second(s: &mut State) -> bool {
    let at_home = *s.session.nav.current() == Page::Home && !s.terminal.busy();
    let t = &mut s.terminal.screen;
    let mut changed = t.blanker.tick(at_home);
    if changed && t.blanker.is_blank() {
        log::info!("screen off: no touch on the home screen for {} s", t.blanker.after_secs().unwrap_or_default());
    }
    let was_closed = t.closed;
    if t.open_now() == was_closed {
        changed = true;
        match t.closed {
            true => log::info!("outside the service hours: no applications taken"),
            false => log::info!("service hours: applications taken"),
        }
    }
    changed
}

pub(super) fn render(window: &AppWindow, s: &State) {
    let home = *s.session.nav.current() == Page::Home;
    window.global::<SessionGlobal>().set_blank(home && s.terminal.screen.blanker.is_blank());
    window.global::<AppState>().set_closed(s.terminal.screen.closed);
}

/// The home screen outside the hours, for 朗读; none inside them.
pub(super) fn closed_text(s: &State) -> Option<String> {
    let t = &s.terminal.screen;
    let spans: Vec<String> = t.hours.spans().iter().map(ToString::to_string).collect();
    t.closed.then(|| crate::messages::service_hours(s.session.lang, &spans))
}
