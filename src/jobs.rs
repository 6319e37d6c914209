//! The background jobs under one supervisor: the deadline sweep with the day's notices,
//! webhook delivery and the purge of ended sessions. Each runs a round on its interval; on
//! shutdown the supervisor
//! stops them between rounds (a round under way finishes, so nothing is half-written) and
//! waits for all of them before the database is closed.

use crate::webhook;
use safegrid_store::Store;
use std::future::Future;
use std::time::Duration;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

/// The running jobs.
pub struct Jobs {
    running: JoinSet<()>,
    stop: CancellationToken,
}

impl Jobs {
    /// Starts every job against the store.
    pub fn start(store: &Store, client: webhook::Client) -> Self {
        let mut jobs = Jobs {
            running: JoinSet::new(),
            stop: CancellationToken::new(),
        };
        // Deadlines: marked once each, whichever process gets there first (see sweep_deadlines).
        let sweeper = store.clone();
        jobs.every("deadline sweep", Duration::from_secs(60), move || {
            let sweeper = sweeper.clone();
            async move {
                let s = sweeper.sweep_deadlines(chrono::Utc::now()).await?;
                if s.overdue + s.due_soon > 0 {
                    tracing::info!(
                        overdue = s.overdue,
                        due_soon = s.due_soon,
                        "deadlines swept"
                    );
                }
                // After the sweep, so the morning digest counts what just went overdue.
                let n = sweeper.send_notices(chrono::Utc::now()).await?;
                if n.digests + n.reminders > 0 {
                    tracing::info!(digests = n.digests, reminders = n.reminders, "notices sent");
                }
                Ok(())
            }
        });
        // The county's webhook: notices in the outbox are delivered, retried until they are.
        let outbox = store.clone();
        jobs.every("webhook delivery", Duration::from_secs(15), move || {
            let outbox = outbox.clone();
            let client = client.clone();
            async move {
                webhook::deliver_due(&outbox, &client, chrono::Utc::now()).await?;
                Ok(())
            }
        });
        let purger = store.clone();
        jobs.every("session purge", Duration::from_secs(3600), move || {
            let purger = purger.clone();
            async move { Ok(purger.purge_sessions().await.map(|_| ())?) }
        });
        jobs
    }

    /// Runs `round` every `period` (the first at once) until the jobs are stopped. A failed
    /// round is logged and the next one runs as planned.
    fn every<F, Fut>(&mut self, name: &'static str, period: Duration, round: F)
    where
        F: Fn() -> Fut + Send + 'static,
        Fut: Future<Output = anyhow::Result<()>> + Send,
    {
        let stop = self.stop.clone();
        self.running.spawn(async move {
            let mut ticks = tokio::time::interval(period);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    () = stop.cancelled() => break,
                    _ = ticks.tick() => {}
                }
                if let Err(e) = round().await {
                    tracing::warn!(job = name, error = %e, "background job failed");
                }
            }
        });
    }

    /// How many jobs are running.
    pub fn len(&self) -> usize {
        self.running.len()
    }

    pub fn is_empty(&self) -> bool {
        self.running.is_empty()
    }

    /// Stops the jobs between rounds and waits until every one has ended.
    pub async fn stop(mut self) {
        self.stop.cancel();
        while let Some(ended) = self.running.join_next().await {
            if let Err(e) = ended {
                tracing::warn!(error = %e, "a background job ended abnormally");
            }
        }
    }
}
