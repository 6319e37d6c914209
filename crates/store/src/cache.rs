//! Short-lived tallies: ledger totals and counts by state are the same for every reader of a
//! county and are asked for on every page and every 30 seconds by open ledgers, yet each is a
//! scan of its scope. They are kept for a few seconds per scope and filter, and dropped at
//! once when this process changes a hazard (another process's change shows within the
//! lifetime).

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// How long a tally is kept.
pub const LIFETIME: Duration = Duration::from_secs(5);
/// Tallies kept at most; past this the oldest half goes.
const CAPACITY: usize = 10_000;

pub struct TallyCache<T> {
    generation: AtomicU64,
    entries: Mutex<HashMap<String, (Instant, u64, T)>>,
}

impl<T: Clone> Default for TallyCache<T> {
    fn default() -> Self {
        Self {
            generation: AtomicU64::new(0),
            entries: Mutex::new(HashMap::new()),
        }
    }
}

impl<T: Clone> TallyCache<T> {
    /// A fresh tally for `key`, if there is one.
    pub fn get(&self, key: &str) -> Option<T> {
        let generation = self.generation.load(Ordering::Acquire);
        let entries = self.entries.lock().ok()?;
        entries
            .get(key)
            .filter(|(at, g, _)| *g == generation && at.elapsed() < LIFETIME)
            .map(|(_, _, v)| v.clone())
    }

    /// Keeps a tally worked out when the generation was `generation` (a change since then
    /// makes it stale at once).
    pub fn put(&self, key: String, generation: u64, value: T) {
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= CAPACITY {
                let mut ages: Vec<Instant> = entries.values().map(|e| e.0).collect();
                ages.sort_unstable();
                let cut = ages[ages.len() / 2];
                entries.retain(|_, e| e.0 > cut);
            }
            entries.insert(key, (Instant::now(), generation, value));
        }
    }

    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Something changed: every tally is stale.
    pub fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_makes_tallies_stale() {
        let cache: TallyCache<i64> = TallyCache::default();
        let g = cache.generation();
        cache.put("county".into(), g, 7);
        assert_eq!(cache.get("county"), Some(7));
        cache.invalidate();
        assert_eq!(cache.get("county"), None);
        // A tally worked out before a change is not kept as fresh.
        cache.put("county".into(), g, 7);
        assert_eq!(cache.get("county"), None);
    }
}
