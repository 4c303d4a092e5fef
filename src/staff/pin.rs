//! The staff PIN and its lockout.
//!
//! The PIN is stored as an argon2id PHC string (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`) in
//! `[staff] pin_hash`: argon2id is the OWASP-recommended password hash, memory-hard, and the
//! RustCrypto `argon2` crate is pure Rust and maintained; the PHC string carries its salt and cost
//! parameters, so a bundle made elsewhere verifies here unchanged. A 6-digit PIN is weak against an
//! offline search whatever the hash, so the real protection is the lockout: 5 wrong PINs lock staff
//! mode for 5 minutes, counted in SQLite so a restart does not reset it.

use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::Argon2;
use chrono::{DateTime, Duration, Utc};

/// Wrong PINs in a row that lock staff mode.
pub const MAX_FAILURES: u32 = 5;
/// How long the lock lasts.
pub const LOCK_MINUTES: i64 = 5;
/// PINs are digits only, this long.
pub const MIN_LEN: usize = 4;
pub const MAX_LEN: usize = 12;

/// Hashes a PIN into a PHC string with a fresh random salt.
pub fn hash_pin(pin: &str) -> Result<String, String> {
    Argon2::default().hash_password(pin.as_bytes()).map(|h| h.to_string()).map_err(|e| e.to_string())
}

/// Whether `pin` matches `hash`; a malformed hash matches nothing.
pub fn verify_pin(pin: &str, hash: &str) -> bool {
    Argon2::default().verify_password(pin.as_bytes(), hash).is_ok()
}

/// Whether `pin` has the form of a PIN (digits, 4 to 12 of them).
pub fn pin_form_ok(pin: &str) -> bool {
    (MIN_LEN..=MAX_LEN).contains(&pin.len()) && pin.bytes().all(|b| b.is_ascii_digit())
}

/// The persisted lockout state (a row in SQLite).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Lockout {
    /// Wrong PINs since the last right one (or the last lock).
    pub failures: u32,
    pub locked_until: Option<DateTime<Utc>>,
}

/// What a PIN attempt led to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt {
    /// Right PIN: staff mode opens.
    Granted,
    /// Wrong PIN; this many attempts remain before the lock.
    Wrong { left: u32 },
    /// This wrong PIN locked staff mode.
    LockedNow { minutes: u32 },
    /// Staff mode is locked; the PIN was not even checked.
    StillLocked { minutes: u32 },
}

impl Attempt {
    /// The sentence shown on the PIN pad.
    pub fn message(self) -> String {
        match self {
            Attempt::Granted => String::new(),
            Attempt::Wrong { left } => format!("密码错误，还可以再试 {left} 次。"),
            Attempt::LockedNow { minutes } | Attempt::StillLocked { minutes } => {
                format!("密码错误次数过多，维护功能已锁定，请 {minutes} 分钟后再试。")
            }
        }
    }
}

impl Lockout {
    /// Whole minutes (rounded up) the lock still lasts at `now`, if locked: never more than a lock
    /// lasts ([`Lockout::attempt`] ends it that long after a clock set back).
    pub fn minutes_left(&self, now: DateTime<Utc>) -> Option<u32> {
        let until = self.locked_until?;
        let left = (until - now).min(Duration::minutes(LOCK_MINUTES));
        (left > Duration::zero()).then(|| ((left.num_seconds() + 59) / 60).max(1) as u32)
    }

    /// One attempt at `now`; `correct` says whether the PIN matched (ignored while locked).
    /// Returns the new state to persist and what to show.
    ///
    /// The lock is wall time (it is persisted, and outlasts a restart). A lock that would still last
    /// longer than [`LOCK_MINUTES`] at `now` began before a clock set back (NTP): it ends
    /// [`LOCK_MINUTES`] after `now` instead, so a clock set back by hours cannot freeze staff out
    /// for hours. (A clock set forward ends a lock early: the price of a lock that survives a restart.)
    pub fn attempt(self, correct: bool, now: DateTime<Utc>) -> (Lockout, Attempt) {
        let lock = Duration::minutes(LOCK_MINUTES);
        let this = match self.locked_until {
            Some(until) if until - now > lock => Lockout { locked_until: Some(now + lock), ..self },
            _ => self,
        };
        if let Some(minutes) = this.minutes_left(now) {
            return (this, Attempt::StillLocked { minutes });
        }
        if correct {
            return (Lockout::default(), Attempt::Granted);
        }
        let failures = self.failures + 1;
        if failures >= MAX_FAILURES {
            let until = now + Duration::minutes(LOCK_MINUTES);
            (Lockout { failures: 0, locked_until: Some(until) }, Attempt::LockedNow { minutes: LOCK_MINUTES as u32 })
        } else {
            (Lockout { failures, locked_until: None }, Attempt::Wrong { left: MAX_FAILURES - failures })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t0() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-22T10:00:00Z").unwrap().with_timezone(&Utc)
    }

    #[test]
    fn five_wrong_pins_lock_for_five_minutes() {
        let mut l = Lockout::default();
        for left in (1..5).rev() {
            let (next, a) = l.attempt(false, t0());
            assert_eq!(a, Attempt::Wrong { left });
            l = next;
        }
        let (l, a) = l.attempt(false, t0());
        assert_eq!(a, Attempt::LockedNow { minutes: 5 });
        // Even the right PIN is refused while locked, with the minutes left rounded up.
        let (l, a) = l.attempt(true, t0() + Duration::seconds(61));
        assert_eq!(a, Attempt::StillLocked { minutes: 4 });
        let (_, a) = l.attempt(true, t0() + Duration::seconds(299));
        assert_eq!(a, Attempt::StillLocked { minutes: 1 });
        // After five minutes the right PIN opens and clears the count.
        let (l, a) = l.attempt(true, t0() + Duration::minutes(5));
        assert_eq!(a, Attempt::Granted);
        assert_eq!(l, Lockout::default());
    }

    /// Clock jumps (issue 18, item 5): a lock begun before NTP set the clock back by hours still ends
    /// five minutes on, not hours later.
    #[test]
    fn a_clock_set_back_by_hours_does_not_freeze_the_lock() {
        let mut l = Lockout::default();
        for _ in 0..5 {
            l = l.attempt(false, t0()).0;
        }
        assert!(l.locked_until.is_some());
        let back = t0() - Duration::hours(3);
        assert_eq!(l.minutes_left(back), Some(5), "never more than a lock lasts");
        let (l, a) = l.attempt(true, back);
        assert_eq!(a, Attempt::StillLocked { minutes: 5 });
        assert_eq!(l.locked_until, Some(back + Duration::minutes(5)), "the lock ends five minutes on");
        let (_, a) = l.attempt(true, back + Duration::seconds(299));
        assert_eq!(a, Attempt::StillLocked { minutes: 1 });
        let (_, a) = l.attempt(true, back + Duration::minutes(5));
        assert_eq!(a, Attempt::Granted, "five minutes after, not three hours after");
    }

    #[test]
    fn a_right_pin_resets_the_count_of_wrong_ones() {
        let (l, _) = Lockout::default().attempt(false, t0());
        let (l, _) = l.attempt(false, t0());
        let (l, a) = l.attempt(true, t0());
        assert_eq!(a, Attempt::Granted);
        let (_, a) = l.attempt(false, t0());
        assert_eq!(a, Attempt::Wrong { left: 4 });
    }

    #[test]
    fn the_lock_message_says_the_minutes_left() {
        assert_eq!(
            Attempt::StillLocked { minutes: 3 }.message(),
            "密码错误次数过多，维护功能已锁定，请 3 分钟后再试。"
        );
    }

    #[test]
    fn hashes_verify_only_their_pin_and_carry_their_salt() {
        let h = hash_pin("246810").unwrap();
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(crate::config::pin_hash_form_ok(&h), "a config accepts the hashes made here");
        assert!(verify_pin("246810", &h));
        assert!(!verify_pin("246811", &h));
        assert_ne!(h, hash_pin("246810").unwrap(), "a fresh salt each time");
        assert!(!verify_pin("246810", "not a hash"));
        assert!(!crate::config::pin_hash_form_ok("246810"));
        assert!(pin_form_ok("246810") && !pin_form_ok("12a4") && !pin_form_ok("123"));
    }
}
