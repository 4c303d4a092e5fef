//! Wall time: the date and the time of day, and where the kiosk reads it.
//!
//! NTP may set the wall clock forward or back by hours at any moment. So wall time only *labels*
//! things: the header's clock, `[screen] hours`, the date in an acceptance number, a slip's
//! submission time and its working days, stored timestamps. It never measures a wait: the idle
//! timer and the screen blanker count the ticks of a Slint timer, device and sync timeouts and the
//! sync's backoff run on `std::time::Instant` and tokio's timers. A jump therefore neither fires nor
//! freezes a timer; what a jump does to labels is defined where they are made (e.g.
//! [`crate::store::Store::submit`] for acceptance numbers).
//!
//! The window (`KioskUi::set_clock`) and the sync worker (`SyncWorker::start_with_clock`) read wall
//! time through a [`WallClock`]; [`JumpingClock`] gives both a clock that tests set forward and back.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use chrono::{DateTime, Duration, Local};

/// A source of wall time that may cross threads: the system's, or one a test moves.
#[derive(Clone)]
pub struct WallClock(Arc<dyn Fn() -> DateTime<Local> + Send + Sync>);

impl WallClock {
    /// The system's wall clock.
    pub fn system() -> WallClock {
        WallClock(Arc::new(Local::now))
    }

    pub fn from_fn(now: impl Fn() -> DateTime<Local> + Send + Sync + 'static) -> WallClock {
        WallClock(Arc::new(now))
    }

    pub fn now(&self) -> DateTime<Local> {
        (self.0)()
    }
}

impl Default for WallClock {
    fn default() -> WallClock {
        WallClock::system()
    }
}

impl std::fmt::Debug for WallClock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("WallClock").field(&self.now()).finish()
    }
}

/// A wall clock that runs with the system's from where it was set, and that can be set forward or
/// back as NTP does (tests and demos). Clones share their setting.
#[derive(Clone, Debug, Default)]
pub struct JumpingClock {
    /// Nanoseconds added to the system's wall clock (whole: `set` then reads exactly `at` and
    /// later, never a fraction of a millisecond before it).
    offset_ns: Arc<AtomicI64>,
}

impl JumpingClock {
    /// A clock that reads `at` now and runs on from there.
    pub fn starting_at(at: DateTime<Local>) -> JumpingClock {
        let clock = JumpingClock::default();
        clock.set(at);
        clock
    }

    /// Sets the clock forward (`by` > 0) or back (`by` < 0).
    pub fn jump(&self, by: Duration) {
        self.offset_ns.fetch_add(nanos(by), Ordering::SeqCst);
    }

    pub fn now(&self) -> DateTime<Local> {
        Local::now() + Duration::nanoseconds(self.offset_ns.load(Ordering::SeqCst))
    }

    /// Sets the clock to `at`; it runs on from there.
    pub fn set(&self, at: DateTime<Local>) {
        self.offset_ns.store(nanos(at - Local::now()), Ordering::SeqCst);
    }

    /// This clock for the window (`KioskUi::set_clock`) or the sync worker.
    pub fn wall(&self) -> WallClock {
        let clock = self.clone();
        WallClock::from_fn(move || clock.now())
    }
}

/// A test clock's offset in nanoseconds (saturating at about 292 years either way).
fn nanos(d: Duration) -> i64 {
    d.num_nanoseconds().unwrap_or(if d < Duration::zero() { i64::MIN } else { i64::MAX })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_jumping_clock_moves_by_what_it_is_set_and_runs_on() {
        let at = Local::now() - Duration::days(400);
        let clock = JumpingClock::starting_at(at);
        let shared = clock.wall();
        assert!((clock.now() - at).num_milliseconds().abs() < 1000);
        clock.jump(Duration::hours(5));
        assert!((shared.now() - at - Duration::hours(5)).num_milliseconds().abs() < 1000, "clones share it");
        clock.jump(Duration::hours(-7));
        assert!((clock.now() - at + Duration::hours(2)).num_milliseconds().abs() < 1000);
    }

    #[test]
    fn a_clock_set_ahead_never_reads_before_the_time_it_was_set_to() {
        // The UI tests set 14:00 and expect the hours to be open: a fraction of a millisecond lost
        // would read 13:59:59.999 (it did, with a whole-millisecond offset, whenever `at` was ahead).
        for _ in 0..100 {
            let at = Local::now() + Duration::hours(9) + Duration::microseconds(999);
            let clock = JumpingClock::starting_at(at);
            assert!(clock.now() >= at, "{} read before {at}", clock.now());
        }
    }
}
