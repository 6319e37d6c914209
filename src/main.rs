//! `safegrid`: serve the system, migrate the database, load the demo county, verify the audit
//! chain, create accounts.

use anyhow::Context;
use clap::{Parser, Subcommand};
use safegrid::config::Config;

#[derive(Parser)]
#[command(
    name = "safegrid",
    version,
    about = "Grid-based safety-production supervision (安全生产网格化监管)"
)]
struct Cli {
    #[command(flatten)]
    config: Config,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve pages and the API (migrates first).
    Serve {
        /// Fill an empty database with the demo county first, and list the demo accounts on
        /// the login page.
        #[arg(long)]
        demo: bool,
    },
    /// Apply database migrations and exit.
    Migrate,
    /// Fill an empty database with the demo county and exit.
    Demo,
    /// Audit log tools.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Back up the database and the uploaded files into one archive, while the server runs
    /// (SQLite; for PostgreSQL see the README).
    Backup {
        /// The archive to write (a tar file).
        file: std::path::PathBuf,
    },
    /// Fill an empty data directory from a backup archive, checked before it is kept.
    Restore {
        /// The archive `safegrid backup` wrote.
        file: std::path::PathBuf,
    },
    /// List every unit and grid that breaks full coverage (监管无盲区).
    Coverage,
    /// Create an account (the password comes from SAFEGRID_NEW_PASSWORD or is generated).
    CreateAccount(safegrid::accounts::CreateAccount),
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Walk every chain of the audit log and report where it is broken.
    Verify,
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| {
                tracing_subscriber::EnvFilter::new("info,sqlx=warn,tower_http=warn")
            }),
        )
        .init();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the runtime")?;
    runtime.block_on(async move {
        match cli.command {
            Command::Serve { demo } => safegrid::serve(cli.config, demo).await,
            Command::Migrate => {
                let store = safegrid::open_store(&cli.config).await?;
                store.close().await;
                println!("migrations applied");
                Ok(())
            }
            Command::Demo => {
                let store = safegrid::open_store(&cli.config).await?;
                safegrid::demo::seed_if_empty(&store, &cli.config).await?;
                store.close().await;
                Ok(())
            }
            Command::Audit {
                command: AuditCommand::Verify,
            } => {
                let store = safegrid::open_store(&cli.config).await?;
                let (checked, broken) = store.verify_audit().await?;
                store.close().await;
                if broken.is_empty() {
                    println!("audit log intact: {checked} records checked");
                    Ok(())
                } else {
                    for b in &broken {
                        println!("chain {} broken at record {}", b.chain, b.id);
                    }
                    anyhow::bail!("audit log broken in {} chain(s)", broken.len())
                }
            }
            Command::Backup { file } => {
                let started = std::time::Instant::now();
                let store = safegrid::open_store(&cli.config).await?;
                let made = safegrid::backup::backup(&store, &file).await;
                store.close().await;
                let manifest = made?;
                println!(
                    "backup written to {} in {} ms: {} rows in {} tables, {} files ({} bytes)",
                    file.display(),
                    started.elapsed().as_millis(),
                    manifest.tables.values().sum::<i64>(),
                    manifest.tables.len(),
                    manifest.files,
                    manifest.file_bytes
                );
                Ok(())
            }
            Command::Restore { file } => {
                let started = std::time::Instant::now();
                let database = cli.config.sqlite_path().context(
                    "restore fills an SQLite database; a PostgreSQL database is restored with pg_restore (see README)",
                )?;
                let manifest =
                    safegrid::backup::restore(&file, &database, &cli.config.files_dir()).await?;
                println!(
                    "restored the backup of {} in {} ms: {} rows in {} tables, {} files; audit log intact",
                    manifest.created_at,
                    started.elapsed().as_millis(),
                    manifest.tables.values().sum::<i64>(),
                    manifest.tables.len(),
                    manifest.files
                );
                Ok(())
            }
            Command::Coverage => {
                let store = safegrid::open_store(&cli.config).await?;
                let items = store
                    .coverage(&safegrid_domain::access::Actor::system())
                    .await;
                store.close().await;
                let items = items?;
                for item in &items {
                    let gaps: Vec<String> = item
                        .gaps
                        .iter()
                        .map(|g| format!("{} {}/{}", g.post.as_str(), g.holders, g.required))
                        .collect();
                    println!(
                        "{}\t{} {}\t{}\t{}",
                        item.kind,
                        item.object.object_type,
                        item.object.id,
                        item.object.name,
                        gaps.join(", ")
                    );
                }
                println!("{} item(s)", items.len());
                Ok(())
            }
            Command::CreateAccount(args) => {
                let store = safegrid::open_store(&cli.config).await?;
                let result = safegrid::accounts::create(&store, args).await;
                store.close().await;
                result
            }
        }
    })
}
