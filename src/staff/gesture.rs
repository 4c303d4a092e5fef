//! The hidden gesture that opens staff mode: five taps on the terminal number within a few seconds.
//! The caller starts a timer at the first tap and calls [`TapCounter::expire`] when it fires.

/// Taps needed.
pub const TAPS: u32 = 5;
/// The window in which they must fall, in milliseconds.
pub const WINDOW_MS: u64 = 3_000;

#[derive(Debug, Default, Clone)]
pub struct TapCounter {
    taps: u32,
}

/// What one tap means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tap {
    /// The first of a series: start the window's timer.
    First,
    /// Another one within the window.
    More,
    /// The fifth: open the PIN pad (the counter starts over).
    Open,
}

impl TapCounter {
    pub fn tap(&mut self) -> Tap {
        self.taps += 1;
        match self.taps {
            1 => Tap::First,
            n if n >= TAPS => {
                self.taps = 0;
                Tap::Open
            }
            _ => Tap::More,
        }
    }

    /// The window has passed: the taps so far no longer count.
    pub fn expire(&mut self) {
        self.taps = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_taps_open_and_an_expired_window_starts_over() {
        let mut c = TapCounter::default();
        assert_eq!(c.tap(), Tap::First);
        for _ in 0..3 {
            assert_eq!(c.tap(), Tap::More);
        }
        c.expire();
        assert_eq!(c.tap(), Tap::First);
        for _ in 0..3 {
            c.tap();
        }
        assert_eq!(c.tap(), Tap::Open);
        assert_eq!(c.tap(), Tap::First);
    }
}
