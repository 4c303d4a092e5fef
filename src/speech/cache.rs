//! Recent WAVs in memory, keyed by what makes them (text, voice, rate, volume): a prompt heard
//! again (朗读 repeated, the same screen reopened) plays without running the synthesiser.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use sha2::{Digest, Sha256};

use super::Utterance;

pub type Key = [u8; 32];

/// A least-recently-used map of WAV bytes, bounded in total size.
pub struct WavCache {
    capacity: usize,
    used: usize,
    map: HashMap<Key, Arc<Vec<u8>>>,
    /// Least recently used first.
    order: VecDeque<Key>,
}

impl WavCache {
    /// A cache holding up to `capacity` bytes; 0 turns it off.
    pub fn new(capacity: usize) -> WavCache {
        WavCache { capacity, used: 0, map: HashMap::new(), order: VecDeque::new() }
    }

    pub fn enabled(&self) -> bool {
        self.capacity > 0
    }

    /// What identifies an utterance's audio.
    pub fn key(u: &Utterance) -> Key {
        let mut h = Sha256::new();
        h.update(u.lang().voice().as_bytes());
        h.update([0]);
        h.update(u.voice.rate.to_le_bytes());
        h.update(u.voice.volume.to_le_bytes());
        h.update(u.spoken().ssml().as_bytes());
        let digest = h.finalize();
        let mut key = [0u8; 32];
        key.copy_from_slice(&digest);
        key
    }

    pub fn get(&mut self, key: &Key) -> Option<Arc<Vec<u8>>> {
        let bytes = self.map.get(key)?.clone();
        self.touch(key);
        Some(bytes)
    }

    pub fn put(&mut self, key: Key, bytes: Vec<u8>) {
        // One long text (a whole guide read aloud) must not push out every prompt.
        if !self.enabled() || bytes.len() > self.capacity / 4 || self.map.contains_key(&key) {
            return;
        }
        while self.used + bytes.len() > self.capacity {
            let Some(old) = self.order.pop_front() else { break };
            if let Some(b) = self.map.remove(&old) {
                self.used -= b.len();
            }
        }
        self.used += bytes.len();
        self.map.insert(key, Arc::new(bytes));
        self.order.push_back(key);
    }

    fn touch(&mut self, key: &Key) {
        if let Some(at) = self.order.iter().position(|k| k == key) {
            self.order.remove(at);
            self.order.push_back(*key);
        }
    }

    /// Bytes held.
    #[cfg(test)]
    pub fn used(&self) -> usize {
        self.used
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::speech::{Lang, Voice};

    #[test]
    fn key_depends_on_text_voice_rate_and_volume() {
        let v = Voice { rate: 150, volume: 100 };
        let a = WavCache::key(&Utterance::new("你好", Lang::Zh, v));
        assert_eq!(a, WavCache::key(&Utterance::new("你好", Lang::Zh, v)));
        assert_ne!(a, WavCache::key(&Utterance::new("您好", Lang::Zh, v)));
        assert_ne!(a, WavCache::key(&Utterance::new("你好", Lang::En, v)));
        assert_ne!(a, WavCache::key(&Utterance::new("你好", Lang::Zh, v.slower())));
        assert_ne!(a, WavCache::key(&Utterance::new("你好", Lang::Zh, v.louder())));
    }

    #[test]
    fn least_recently_used_goes_first_and_size_stays_bounded() {
        let mut c = WavCache::new(100);
        c.put([1; 32], vec![0; 25]);
        c.put([2; 32], vec![0; 25]);
        c.put([3; 32], vec![0; 25]);
        assert!(c.get(&[1; 32]).is_some());
        c.put([4; 32], vec![0; 25]);
        c.put([5; 32], vec![0; 25]);
        assert!(c.get(&[2; 32]).is_none(), "the least recently used is evicted");
        assert!(c.get(&[1; 32]).is_some());
        assert!(c.used() <= 100);
        c.put([6; 32], vec![0; 26]);
        assert!(c.get(&[6; 32]).is_none(), "larger than a quarter of the cache");
        let mut off = WavCache::new(0);
        off.put([1; 32], vec![0; 1]);
        assert!(off.get(&[1; 32]).is_none());
    }
}
