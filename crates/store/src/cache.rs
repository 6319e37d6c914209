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
    entries: Mutex<HashMap<String, Entry<T>>>,
}

struct Entry<T> {
    at: Instant,
    generation: u64,
    value: T,
    /// A reader is working out the next value; the others keep getting this one meanwhile.
    refreshing: bool,
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
    /// The tally for `key` if it may be used. A tally past its lifetime is handed on while one
    /// reader (the first to ask, who gets `None`) works out the next, so a busy county never
    /// has every reader counting at once. After a change nothing stale is handed out.
    pub fn get(&self, key: &str) -> Option<T> {
        let generation = self.generation.load(Ordering::Acquire);
        let mut entries = self.entries.lock().ok()?;
        let entry = entries.get_mut(key)?;
        if entry.generation != generation {
            return None;
        }
        let age = entry.at.elapsed();
        if age < LIFETIME {
            return Some(entry.value.clone());
        }
        if entry.refreshing && age < 4 * LIFETIME {
            return Some(entry.value.clone());
        }
        entry.refreshing = true;
        None
    }

    /// Keeps a tally worked out when the generation was `generation` (a change since then
    /// makes it stale at once).
    pub fn put(&self, key: String, generation: u64, value: T) {
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= CAPACITY {
                let mut ages: Vec<Instant> = entries.values().map(|e| e.at).collect();
                ages.sort_unstable();
                let cut = ages[ages.len() / 2];
                entries.retain(|_, e| e.at > cut);
            }
            entries.insert(
                key,
                Entry {
                    at: Instant::now(),
                    generation,
                    value,
                    refreshing: false,
                },
            );
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
