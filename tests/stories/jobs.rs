//! The background jobs run under one supervisor and stop when the server does.

use crate::support::story;

story!(background_jobs_stop_cleanly_on_shutdown, |app| {
    let client = safegrid::webhook::client(false).unwrap();
    let jobs = safegrid::jobs::Jobs::start(&app.store, client);
    assert_eq!(
        jobs.len(),
        3,
        "the sweep, the webhook and the session purge"
    );
    // Stopping waits for each job to end between rounds; a job that ignored the request
    // would hold this past the bound.
    tokio::time::timeout(std::time::Duration::from_secs(30), jobs.stop())
        .await
        .expect("every job stops");
    // The store was not left mid-write: it still answers, and closes.
    app.store.ping().await.unwrap();
    app.store.close().await;
});
