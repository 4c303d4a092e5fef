//! Token buckets in memory, one per key (a terminal id, a client address): `burst` tokens, refilled
//! at `per_minute / 60` a second. Per hub process; a restart forgets them.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Buckets kept before full ones are forgotten (a full bucket is the same as no bucket).
const PRUNE_ABOVE: usize = 10_000;

pub struct RateLimiter<K> {
    per_second: f64,
    burst: f64,
    buckets: Mutex<HashMap<K, Bucket>>,
}

#[derive(Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
    /// Refused since the last token was taken.
    refused: bool,
}

/// A refusal: how long until a token is there, and whether it is the first since the last success
/// (worth a log line; the ones after it are not).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Refused {
    pub wait: Duration,
    pub first: bool,
}

impl<K: Eq + Hash + Clone> RateLimiter<K> {
    pub fn new(per_minute: u32, burst: u32) -> RateLimiter<K> {
        RateLimiter {
            per_second: f64::from(per_minute.max(1)) / 60.0,
            burst: f64::from(burst.max(1)),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one token for `key`: `Ok` while there is one, else the time until there is.
    pub fn take(&self, key: &K, now: Instant) -> Result<(), Refused> {
        self.update(key, now, true)
    }

    /// Whether `key` has a token left, without taking it.
    pub fn check(&self, key: &K, now: Instant) -> Result<(), Refused> {
        self.update(key, now, false)
    }

    fn update(&self, key: &K, now: Instant, take: bool) -> Result<(), Refused> {
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        if buckets.len() > PRUNE_ABOVE {
            let (rate, burst) = (self.per_second, self.burst);
            buckets.retain(|_, b| b.refilled(now, rate, burst) < burst);
        }
        let burst = self.burst;
        let bucket = buckets.entry(key.clone()).or_insert(Bucket { tokens: burst, at: now, refused: false });
        bucket.tokens = bucket.refilled(now, self.per_second, self.burst);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            if take {
                bucket.tokens -= 1.0;
                bucket.refused = false;
            }
            Ok(())
        } else {
            let first = !bucket.refused;
            bucket.refused = true;
            Err(Refused { wait: Duration::from_secs_f64((1.0 - bucket.tokens) / self.per_second), first })
        }
    }
}

impl Bucket {
    fn refilled(&self, now: Instant, per_second: f64, burst: f64) -> f64 {
        (self.tokens + now.saturating_duration_since(self.at).as_secs_f64() * per_second).min(burst)
    }
}

/// `Retry-After` in whole seconds for a wait: rounded up, at least 1.
pub fn retry_after_secs(wait: Duration) -> u64 {
    (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_gives_its_burst_then_refills_at_the_rate() {
        let limiter = RateLimiter::new(60, 3);
        let t0 = Instant::now();
        for _ in 0..3 {
            limiter.take(&"a", t0).unwrap();
        }
        let refused = limiter.take(&"a", t0).unwrap_err();
        assert!(refused.first, "the first refusal says so");
        let wait = refused.wait;
        assert!(wait > Duration::from_millis(990) && wait <= Duration::from_secs(1), "{wait:?}");
        assert!(!limiter.take(&"a", t0).unwrap_err().first, "the second does not");
        // Another key has its own bucket.
        limiter.take(&"b", t0).unwrap();
        // One token a second.
        limiter.check(&"a", t0 + Duration::from_millis(1000)).unwrap();
        limiter.take(&"a", t0 + Duration::from_millis(1000)).unwrap();
        assert!(limiter.take(&"a", t0 + Duration::from_millis(1500)).unwrap_err().first, "first after a success");
        // Never more than the burst, however long the pause.
        let later = t0 + Duration::from_secs(3600);
        for _ in 0..3 {
            limiter.take(&"a", later).unwrap();
        }
        assert!(limiter.take(&"a", later).is_err());
    }

    #[test]
    fn check_does_not_take() {
        let limiter = RateLimiter::new(1, 1);
        let t0 = Instant::now();
        limiter.check(&1, t0).unwrap();
        limiter.check(&1, t0).unwrap();
        limiter.take(&1, t0).unwrap();
        let refused = limiter.check(&1, t0).unwrap_err();
        assert_eq!(retry_after_secs(refused.wait), 60);
    }

    #[test]
    fn full_buckets_are_forgotten_when_there_are_many() {
        let limiter = RateLimiter::new(600, 2);
        let t0 = Instant::now();
        for i in 0..=PRUNE_ABOVE {
            limiter.take(&i, t0).unwrap();
        }
        limiter.take(&0, t0 + Duration::from_secs(60)).unwrap();
        assert!(limiter.buckets.lock().unwrap().len() <= 2, "refilled buckets pruned");
    }

    #[test]
    fn retry_after_rounds_up() {
        assert_eq!(retry_after_secs(Duration::from_millis(1)), 1);
        assert_eq!(retry_after_secs(Duration::ZERO), 1);
        assert_eq!(retry_after_secs(Duration::from_secs(2)), 2);
        assert_eq!(retry_after_secs(Duration::from_millis(2001)), 3);
    }
}
