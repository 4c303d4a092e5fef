//! Idle handling: after `timeout` seconds without a touch a warning counts down `warning` seconds;
//! a tap on 继续办理 (or any touch) restores the full time; at zero the session is wiped. Nothing
//! counts while the kiosk is busy (printing, submitting).

/// What a one-second tick means for the screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdleEvent {
    /// Nothing visible changes.
    None,
    /// Show (or update) the warning with this many seconds left.
    Warn(u32),
    /// Time is up: wipe the session and go home.
    Reset,
}

#[derive(Debug, Clone)]
pub struct IdleTimer {
    timeout: u32,
    warning: u32,
    idle: u32,
}

impl IdleTimer {
    pub fn new(timeout_secs: u32, warning_secs: u32) -> Self {
        Self { timeout: timeout_secs, warning: warning_secs, idle: 0 }
    }

    /// A touch anywhere, or 继续办理: the full time again.
    pub fn activity(&mut self) {
        self.idle = 0;
    }

    /// Seconds left on the warning, if it is showing.
    pub fn warning_left(&self) -> Option<u32> {
        (self.idle >= self.timeout).then(|| self.timeout + self.warning - self.idle)
    }

    /// One second has passed. `quiet`: the terminal is busy (printing, submitting) or at a clean home
    /// screen with nothing to wipe: the timer neither counts nor fires, and starts afresh after.
    pub fn tick(&mut self, quiet: bool) -> IdleEvent {
        if quiet {
            self.idle = 0;
            return IdleEvent::None;
        }
        self.idle += 1;
        if self.idle >= self.timeout + self.warning {
            self.idle = 0;
            IdleEvent::Reset
        } else if self.idle >= self.timeout {
            IdleEvent::Warn(self.timeout + self.warning - self.idle)
        } else {
            IdleEvent::None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(t: &mut IdleTimer, secs: u32) -> Vec<IdleEvent> {
        (0..secs).map(|_| t.tick(false)).collect()
    }

    #[test]
    fn warns_after_the_timeout_then_resets_after_the_countdown() {
        let mut t = IdleTimer::new(90, 20);
        assert!(run(&mut t, 89).iter().all(|e| *e == IdleEvent::None));
        assert_eq!(t.tick(false), IdleEvent::Warn(20));
        assert_eq!(t.warning_left(), Some(20));
        let rest = run(&mut t, 20);
        assert_eq!(rest[18], IdleEvent::Warn(1));
        assert_eq!(rest[19], IdleEvent::Reset);
        assert_eq!(t.warning_left(), None);
    }

    #[test]
    fn continuing_gives_the_full_time_back() {
        let mut t = IdleTimer::new(90, 20);
        run(&mut t, 100);
        assert_eq!(t.warning_left(), Some(10));
        t.activity();
        assert_eq!(t.warning_left(), None);
        assert!(run(&mut t, 89).iter().all(|e| *e == IdleEvent::None));
        assert_eq!(t.tick(false), IdleEvent::Warn(20));
    }

    #[test]
    fn never_fires_while_busy_or_at_a_clean_home_screen() {
        let mut t = IdleTimer::new(10, 20);
        run(&mut t, 9);
        assert!((0..500).all(|_| t.tick(true) == IdleEvent::None));
        assert_eq!(t.warning_left(), None);
        assert!(run(&mut t, 9).iter().all(|e| *e == IdleEvent::None), "quiet time starts the count afresh");
        assert_eq!(t.tick(false), IdleEvent::Warn(20));
    }
}
