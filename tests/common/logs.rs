//! One capturing logger per process: every record of every thread and crate, as `LEVEL target message`
//! lines. A test binary that uses it installs no other logger, and all its tests capture: they take
//! turns (a [`Capture`] holds the turn), so the lines a test reads come from its own run.

use std::sync::{Mutex, MutexGuard, Once, PoisonError};

static LINES: Mutex<Vec<String>> = Mutex::new(Vec::new());
static TURN: Mutex<()> = Mutex::new(());

struct Recorder;

impl log::Log for Recorder {
    fn enabled(&self, _: &log::Metadata) -> bool {
        true
    }
    fn log(&self, record: &log::Record) {
        let line = format!("{} {} {}", record.level(), record.target(), record.args());
        LINES.lock().unwrap_or_else(PoisonError::into_inner).push(line);
    }
    fn flush(&self) {}
}

/// The turn of one test: what was logged since [`capture`] returned it.
pub struct Capture {
    _turn: MutexGuard<'static, ()>,
}

/// Installs the capturing logger at trace level (once per process), waits until no other test of
/// this process captures, and forgets what was logged before.
pub fn capture() -> Capture {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        log::set_boxed_logger(Box::new(Recorder)).expect("no other logger in a binary whose tests capture logs");
        log::set_max_level(log::LevelFilter::Trace);
    });
    // A test that failed while capturing poisons the turn; the next one still gets it.
    let turn = TURN.lock().unwrap_or_else(PoisonError::into_inner);
    LINES.lock().unwrap_or_else(PoisonError::into_inner).clear();
    Capture { _turn: turn }
}

impl Capture {
    /// The lines logged since the capture began.
    pub fn lines(&self) -> Vec<String> {
        LINES.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }
}
