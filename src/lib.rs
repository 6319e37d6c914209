//! The `safegrid` program: configuration, start-up and the demo county. The pieces live in
//! the workspace crates: `safegrid-domain` (rules), `safegrid-store` (data), `safegrid-web`
//! (pages and API), `safegrid-office` (files).

pub mod accounts;
pub mod backup;
pub mod config;
pub mod demo;
mod demo_accidents;
mod demo_checks;
mod demo_hazards;
mod demo_inspections;
mod demo_records;
mod demo_reports;
mod demo_units;
pub mod jobs;
pub mod serve;
pub mod webhook;

use anyhow::Context;
use config::Config;
use safegrid_store::Store;
use safegrid_web::{AppState, WebConfig};
use std::time::Instant;

/// Opens the database named by the configuration, creating the data directory for SQLite,
/// and brings its schema and reference data up to date.
pub async fn open_store(config: &Config) -> anyhow::Result<Store> {
    let url = config.database_url();
    if url.starts_with("sqlite:") {
        std::fs::create_dir_all(&config.data_dir).with_context(|| {
            format!("creating the data directory {}", config.data_dir.display())
        })?;
    }
    let files = config.data_dir.join("files");
    std::fs::create_dir_all(&files)
        .with_context(|| format!("creating the files directory {}", files.display()))?;
    let store = Store::connect(&url, safegrid_store::FileStore::new(files))
        .await
        .with_context(|| format!("connecting to {}", config::redact(&url)))?;
    store.migrate().await.context("migrating the database")?;
    store
        .ensure_reference_data()
        .await
        .context("loading reference data")?;
    Ok(store)
}

/// Serves until interrupted (Ctrl-C or SIGTERM), then lets requests in flight finish.
pub async fn serve(config: Config, demo: bool) -> anyhow::Result<()> {
    let started = Instant::now();
    let store = open_store(&config).await?;
    if demo {
        demo::seed_if_empty(&store, &config).await?;
    }
    let web = WebConfig {
        demo,
        secure_cookies: config.secure_cookies,
        session_hours: 12,
        session_idle_minutes: config.session_idle_minutes,
        webhook_private_networks: config.webhook_private_networks,
        // The demo's accounts share one printed password and need no authenticator app.
        require_second_factor: !demo,
    };
    let app = safegrid_web::app(AppState::new(store.clone(), web));
    let listener = tokio::net::TcpListener::bind(&config.listen)
        .await
        .with_context(|| format!("listening on {}", config.listen))?;
    let address = listener.local_addr()?;
    println!(
        "safegrid ready in {} ms: open http://{address}/",
        started.elapsed().as_millis()
    );

    let jobs = jobs::Jobs::start(&store, webhook::client(config.webhook_private_networks)?);
    serve::serve(listener, app, shutdown_signal()).await;
    jobs.stop().await;
    store.close().await;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::warn!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = terminate => {} }
    tracing::info!("shutting down");
}
