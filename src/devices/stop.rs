//! Stopping a device's background thread promptly: a flag the loop (and a blocking read) checks, and a
//! wake-up for a loop that is pausing between polls.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

#[derive(Debug, Default)]
pub struct StopSignal {
    flag: Arc<AtomicBool>,
    wake: (Mutex<()>, Condvar),
}

impl StopSignal {
    pub fn new() -> StopSignal {
        StopSignal::default()
    }

    /// Whether a stop was asked for.
    pub fn is_set(&self) -> bool {
        self.flag.load(Ordering::Relaxed)
    }

    /// The flag itself, for code that checks it deep inside a blocking step (e.g. a serial read).
    pub fn flag(&self) -> Arc<AtomicBool> {
        Arc::clone(&self.flag)
    }

    /// Asks the loop to stop and wakes it if it is pausing.
    pub fn request(&self) {
        self.flag.store(true, Ordering::Relaxed);
        let _guard = self.wake.0.lock().unwrap_or_else(|e| e.into_inner());
        self.wake.1.notify_all();
    }

    /// Waits `pause`, or less if a stop is asked for meanwhile; returns whether to stop.
    pub fn pause(&self, pause: Duration) -> bool {
        let guard = self.wake.0.lock().unwrap_or_else(|e| e.into_inner());
        if !self.is_set() {
            let _ = self.wake.1.wait_timeout(guard, pause);
        }
        self.is_set()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    #[test]
    fn a_request_ends_a_long_pause_at_once() {
        let signal = Arc::new(StopSignal::new());
        let s = Arc::clone(&signal);
        let t = std::thread::spawn(move || {
            let started = Instant::now();
            let stopped = s.pause(Duration::from_secs(30));
            (stopped, started.elapsed())
        });
        std::thread::sleep(Duration::from_millis(50));
        signal.request();
        let (stopped, waited) = t.join().unwrap();
        assert!(stopped && waited < Duration::from_secs(5), "{waited:?}");
        assert!(signal.is_set() && signal.flag().load(Ordering::Relaxed));
        assert!(signal.pause(Duration::from_secs(30)), "a set signal never pauses");
    }
}
