//! Short-lived tallies: ledger totals and counts by state are the same for every reader of a
//! county and are asked for on every page and every 30 seconds by open ledgers, yet each is a
//! scan of its scope. They are kept for a few seconds per scope and filter, and dropped at
//! once when this process changes a hazard (another process's change shows within the
//! lifetime).
//!
//! However many readers ask at once, one of them counts (single flight): the others wait for
//! its answer after a change, and take the previous tally meanwhile when it has merely aged,
//! so a busy county never has every reader scanning together.

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::OnceCell;

/// How long a tally is kept.
pub const LIFETIME: Duration = Duration::from_secs(5);
/// How long an aged tally may still be handed out while its successor is being counted.
const STALE_LIMIT: Duration = Duration::from_secs(20);
/// Tallies kept at most; past this the oldest half goes.
const CAPACITY: usize = 10_000;

pub struct TallyCache<T> {
    generation: AtomicU64,
    entries: Mutex<HashMap<String, Entry<T>>>,
}

struct Entry<T> {
    /// When the count began.
    at: Instant,
    generation: u64,
    /// The tally, once counted; readers arriving meanwhile wait on it.
    cell: Arc<OnceCell<T>>,
    /// The tally this one replaces after ageing, handed out until it is ready.
    previous: Option<T>,
}

impl<T> Entry<T> {
    fn new(generation: u64, previous: Option<T>) -> Self {
        Self {
            at: Instant::now(),
            generation,
            cell: Arc::new(OnceCell::new()),
            previous,
        }
    }
}

/// What a reader does: use a tally at hand, or count (or wait for the count) in `cell`.
enum Lookup<T> {
    Ready(T),
    Count(Arc<OnceCell<T>>),
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
    /// The tally for `key`, counted by `count` when there is none that may be used.
    pub async fn get_or_count<E, F, Fut>(&self, key: &str, count: F) -> Result<T, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        let generation = self.generation.load(Ordering::Acquire);
        let cell = match self.lookup(key, generation) {
            Lookup::Ready(value) => return Ok(value),
            Lookup::Count(cell) => cell,
        };
        // The first reader here counts; the others wait for it. If its count fails, the next
        // waiting reader counts instead.
        cell.get_or_try_init(count).await.cloned()
    }

    fn lookup(&self, key: &str, generation: u64) -> Lookup<T> {
        let Ok(mut entries) = self.entries.lock() else {
            // A poisoned lock: count alone, keeping nothing.
            return Lookup::Count(Arc::new(OnceCell::new()));
        };
        if let Some(entry) = entries.get_mut(key)
            && entry.generation == generation
        {
            let age = entry.at.elapsed();
            if let Some(value) = entry.cell.get() {
                if age < LIFETIME {
                    return Lookup::Ready(value.clone());
                }
                // Aged: this reader counts afresh while the others keep the old tally.
                *entry = Entry::new(generation, Some(value.clone()));
                return Lookup::Count(entry.cell.clone());
            }
            return match &entry.previous {
                Some(previous) if age < STALE_LIMIT => Lookup::Ready(previous.clone()),
                _ => Lookup::Count(entry.cell.clone()),
            };
        }
        // None yet, or one from before a change: nothing stale is handed out.
        if entries.len() >= CAPACITY {
            let mut ages: Vec<Instant> = entries.values().map(|e| e.at).collect();
            ages.sort_unstable();
            let cut = ages[ages.len() / 2];
            entries.retain(|_, e| e.at > cut);
        }
        let entry = Entry::new(generation, None);
        let cell = entry.cell.clone();
        entries.insert(key.to_owned(), entry);
        Lookup::Count(cell)
    }

    /// Something changed: every tally is stale.
    pub fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    async fn tally(cache: &TallyCache<i64>, counted: &AtomicUsize, value: i64) -> i64 {
        cache
            .get_or_count("county", || async {
                counted.fetch_add(1, Ordering::SeqCst);
                tokio::task::yield_now().await;
                Ok::<_, ()>(value)
            })
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn a_change_makes_tallies_stale() {
        let cache: TallyCache<i64> = TallyCache::default();
        let counted = AtomicUsize::new(0);
        assert_eq!(tally(&cache, &counted, 7).await, 7);
        assert_eq!(tally(&cache, &counted, 8).await, 7, "kept");
        cache.invalidate();
        assert_eq!(tally(&cache, &counted, 9).await, 9, "counted again");
        assert_eq!(counted.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn many_readers_at_once_count_once() {
        let cache: Arc<TallyCache<i64>> = Arc::default();
        let counted = Arc::new(AtomicUsize::new(0));
        let mut readers = tokio::task::JoinSet::new();
        for _ in 0..50 {
            let (cache, counted) = (cache.clone(), counted.clone());
            readers.spawn(async move { tally(&cache, &counted, 5).await });
        }
        while let Some(answer) = readers.join_next().await {
            assert_eq!(answer.unwrap(), 5);
        }
        assert_eq!(counted.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn a_failed_count_is_tried_again() {
        let cache: TallyCache<i64> = TallyCache::default();
        let failed = cache
            .get_or_count("county", || async { Err::<i64, _>("database gone") })
            .await;
        assert_eq!(failed, Err("database gone"));
        let counted = AtomicUsize::new(0);
        assert_eq!(tally(&cache, &counted, 3).await, 3);
    }
}
