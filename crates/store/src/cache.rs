//! Short-lived tallies: ledger totals and counts by state are the same for every reader of a
//! county and are asked for on every page and every 30 seconds by open ledgers, yet each is a
//! scan of its scope. They are kept for a few seconds per scope and filter, and dropped at
//! once when this process changes a hazard (another process's change shows within the
//! lifetime).
//!
//! However many readers ask at once, one of them counts (single flight). After a change the
//! others wait for its answer; when the tally has merely aged they take the previous one
//! meanwhile, so a busy county never has every reader scanning together. If that count fails
//! or its reader goes away, the waiting readers do not queue behind one another: they count
//! for themselves, or elect the next counter.

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};
use tokio::sync::watch;

/// How long a tally is kept.
pub const LIFETIME: Duration = Duration::from_secs(5);
/// How old a tally may be and still be handed out while its successor is being counted.
const STALE_LIMIT: Duration = Duration::from_secs(20);
/// Tallies kept at most by default.
const CAPACITY: usize = 10_000;

/// What a finished count tells those waiting for it: the tally, or `None` if it failed.
type Outcome<T> = Option<T>;

pub struct TallyCache<T> {
    generation: AtomicU64,
    /// Numbers each count, so a finishing count touches only its own entry.
    counts: AtomicU64,
    entries: Mutex<HashMap<String, Entry<T>>>,
    /// Tallies kept at most; past this the oldest half goes.
    capacity: usize,
    /// How long a tally is kept ([`LIFETIME`] unless said otherwise).
    lifetime: Duration,
}

struct Entry<T> {
    generation: u64,
    tally: Tally<T>,
}

enum Tally<T> {
    Counted {
        value: T,
        at: Instant,
    },
    Counting {
        count: u64,
        done: watch::Receiver<Option<Outcome<T>>>,
        /// The tally being replaced and when it was counted, handed out meanwhile.
        previous: Option<(T, Instant)>,
    },
}

/// What a reader does: use a tally at hand, wait for one being counted, or count.
enum Lookup<'a, T: Clone> {
    Ready(T),
    Wait(watch::Receiver<Option<Outcome<T>>>),
    Count(Counting<'a, T>),
}

/// The duty of one reader to count. Finished, it keeps the tally and tells the waiting readers;
/// dropped unfinished (the request went away), it puts back what was there, and the waiting
/// readers, seeing the channel close, elect another counter.
struct Counting<'a, T: Clone> {
    cache: &'a TallyCache<T>,
    key: String,
    generation: u64,
    count: u64,
    done: watch::Sender<Option<Outcome<T>>>,
    previous: Option<(T, Instant)>,
    finished: bool,
}

impl<T: Clone> Counting<'_, T> {
    fn finish(mut self, outcome: Outcome<T>) {
        self.settle(outcome.clone());
        self.done.send_replace(Some(outcome));
        self.finished = true;
    }

    /// Leaves the entry as the count's outcome has it: the new tally, or, if there is none,
    /// the previous one (aged, so the next reader counts again) or nothing.
    fn settle(&mut self, outcome: Outcome<T>) {
        let mut entries = self.cache.lock();
        let ours = entries.get(&self.key).is_some_and(|e| {
            e.generation == self.generation
                && matches!(e.tally, Tally::Counting { count, .. } if count == self.count)
        });
        if !ours {
            return;
        }
        let tally = match (outcome, self.previous.take()) {
            (Some(value), _) => Tally::Counted {
                value,
                at: Instant::now(),
            },
            (None, Some((value, at))) => Tally::Counted { value, at },
            (None, None) => {
                entries.remove(&self.key);
                return;
            }
        };
        entries.insert(
            self.key.clone(),
            Entry {
                generation: self.generation,
                tally,
            },
        );
    }
}

impl<T: Clone> Drop for Counting<'_, T> {
    fn drop(&mut self) {
        if !self.finished {
            self.settle(None);
        }
    }
}

impl<T: Clone> Default for TallyCache<T> {
    fn default() -> Self {
        Self::with_capacity(CAPACITY)
    }
}

impl<T: Clone> TallyCache<T> {
    /// A cache of at most `capacity` tallies: a small one for large values (a county's
    /// duties of a year run to megabytes).
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            generation: AtomicU64::new(0),
            counts: AtomicU64::new(0),
            entries: Mutex::new(HashMap::new()),
            capacity,
            lifetime: LIFETIME,
        }
    }

    /// The same cache keeping each tally for `lifetime` (still dropped at once when this
    /// process changes what it counts).
    pub fn keeping_for(mut self, lifetime: Duration) -> Self {
        self.lifetime = lifetime;
        self
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
        loop {
            match self.lookup(key, generation) {
                Lookup::Ready(value) => return Ok(value),
                Lookup::Count(counting) => {
                    let counted = count().await;
                    counting.finish(counted.as_ref().ok().cloned());
                    return counted;
                }
                Lookup::Wait(mut done) => {
                    let outcome = match done.wait_for(Option::is_some).await {
                        Ok(outcome) => outcome.clone(),
                        // The counter went away: look again.
                        Err(_) => continue,
                    };
                    return match outcome.flatten() {
                        Some(value) => Ok(value),
                        // Its count failed: count alone rather than queue for another try.
                        None => count().await,
                    };
                }
            }
        }
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<String, Entry<T>>> {
        // A reader that panicked while holding the lock left whole entries behind.
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn lookup(&self, key: &str, generation: u64) -> Lookup<'_, T> {
        let mut entries = self.lock();
        let previous = match entries.get(key) {
            Some(entry) if entry.generation == generation => match &entry.tally {
                Tally::Counted { value, at } if at.elapsed() < self.lifetime => {
                    return Lookup::Ready(value.clone());
                }
                // Aged: this reader counts afresh while the others keep the old tally.
                Tally::Counted { value, at } => Some((value.clone(), *at)),
                Tally::Counting { previous, done, .. } => {
                    return match previous {
                        // As long past its lifetime as the default allows (15 s).
                        Some((value, at))
                            if at.elapsed() < self.lifetime + (STALE_LIMIT - LIFETIME) =>
                        {
                            Lookup::Ready(value.clone())
                        }
                        _ => Lookup::Wait(done.clone()),
                    };
                }
            },
            // Kept after a change this reader has not seen: count, but keep nothing.
            Some(entry) if entry.generation > generation => {
                return Lookup::Count(self.counting(key, generation, None));
            }
            // None yet, or one from before a change: nothing stale is handed out.
            _ => None,
        };
        if entries.len() >= self.capacity {
            let mut ages: Vec<Instant> = entries
                .values()
                .filter_map(|e| match &e.tally {
                    Tally::Counted { at, .. } => Some(*at),
                    Tally::Counting { .. } => None,
                })
                .collect();
            ages.sort_unstable();
            if let Some(cut) = ages.get(ages.len() / 2).copied() {
                entries.retain(|_, e| !matches!(e.tally, Tally::Counted { at, .. } if at <= cut));
            }
        }
        let counting = self.counting(key, generation, previous.clone());
        entries.insert(
            key.to_owned(),
            Entry {
                generation,
                tally: Tally::Counting {
                    count: counting.count,
                    done: counting.done.subscribe(),
                    previous,
                },
            },
        );
        Lookup::Count(counting)
    }

    fn counting(
        &self,
        key: &str,
        generation: u64,
        previous: Option<(T, Instant)>,
    ) -> Counting<'_, T> {
        Counting {
            cache: self,
            key: key.to_owned(),
            generation,
            count: self.counts.fetch_add(1, Ordering::Relaxed),
            done: watch::channel(None).0,
            previous,
            finished: false,
        }
    }

    /// Something changed: every tally is stale.
    pub fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::AtomicUsize;
    use tokio::sync::oneshot;

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

    /// Makes the kept tally look counted `by` ago.
    fn age(cache: &TallyCache<i64>, by: Duration) {
        if let Some(Entry {
            tally: Tally::Counted { at, .. },
            ..
        }) = cache.lock().get_mut("county")
        {
            *at -= by;
        }
    }

    /// A cache whose tally 7 was counted `by` ago, a reader recounting it (started, not yet
    /// done), the way to release that count, and a counter of further counts.
    async fn recounting_after(
        by: Duration,
    ) -> (
        Arc<TallyCache<i64>>,
        tokio::task::JoinHandle<Result<i64, &'static str>>,
        oneshot::Sender<i64>,
        AtomicUsize,
    ) {
        let cache: Arc<TallyCache<i64>> = Arc::default();
        let counted = AtomicUsize::new(0);
        tally(&cache, &counted, 7).await;
        age(&cache, by);
        let (recount, started, release) = slow_reader(&cache);
        started.await.unwrap();
        (cache, recount, release, counted)
    }

    /// A reader whose count starts, tells `started`, and waits for `release` (or fails if it
    /// is dropped).
    fn slow_reader(
        cache: &Arc<TallyCache<i64>>,
    ) -> (
        tokio::task::JoinHandle<Result<i64, &'static str>>,
        oneshot::Receiver<()>,
        oneshot::Sender<i64>,
    ) {
        let (started_tx, started) = oneshot::channel();
        let (release, release_rx) = oneshot::channel::<i64>();
        let cache = cache.clone();
        let task = tokio::spawn(async move {
            cache
                .get_or_count("county", || async move {
                    let _ = started_tx.send(());
                    release_rx.await.map_err(|_| "failed")
                })
                .await
        });
        (task, started, release)
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

    #[tokio::test]
    async fn an_aged_tally_is_handed_out_while_one_reader_recounts() {
        let (cache, recount, release, counted) = recounting_after(LIFETIME).await;
        assert_eq!(
            tally(&cache, &counted, 0).await,
            7,
            "the old tally meanwhile"
        );
        release.send(8).unwrap();
        assert_eq!(recount.await.unwrap(), Ok(8));
        assert_eq!(tally(&cache, &counted, 0).await, 8);
        assert_eq!(counted.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn a_tally_too_old_is_not_handed_out_even_while_recounting() {
        let (cache, recount, release, _counted) = recounting_after(STALE_LIMIT).await;
        let waiting = {
            let cache = cache.clone();
            tokio::spawn(async move {
                let counted = AtomicUsize::new(0);
                tally(&cache, &counted, 0).await
            })
        };
        tokio::task::yield_now().await;
        release.send(9).unwrap();
        assert_eq!(waiting.await.unwrap(), 9, "waited for the fresh count");
        assert_eq!(recount.await.unwrap(), Ok(9));
    }

    #[tokio::test]
    async fn a_failed_recount_lets_the_next_reader_count() {
        let (cache, recount, release, counted) = recounting_after(LIFETIME).await;
        drop(release);
        assert_eq!(recount.await.unwrap(), Err("failed"));
        assert_eq!(tally(&cache, &counted, 8).await, 8, "counted at once");
    }

    #[tokio::test]
    async fn a_reader_gone_mid_count_hands_over_to_a_waiting_one() {
        let cache: Arc<TallyCache<i64>> = Arc::default();
        let (first, started, _release) = slow_reader(&cache);
        started.await.unwrap();
        let counted = Arc::new(AtomicUsize::new(0));
        let waiting = {
            let (cache, counted) = (cache.clone(), counted.clone());
            tokio::spawn(async move { tally(&cache, &counted, 4).await })
        };
        tokio::task::yield_now().await;
        first.abort();
        assert_eq!(waiting.await.unwrap(), 4);
        assert_eq!(counted.load(Ordering::SeqCst), 1);
    }
}
