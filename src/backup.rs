//! `safegrid backup FILE` and `safegrid restore FILE` (等保 data backup and recovery).
//!
//! A backup is one tar archive: `manifest.json` (when, what version, the rows of every table
//! and how many files), `safegrid.db` (a consistent copy of the SQLite database taken while the
//! server runs) and `files/ab/<sha256>` (every uploaded file). The database is copied first:
//! a file is stored before the row that names it is committed, so every file the copy names is
//! already on disk when the files are packed. A restore fills an empty data directory, checks
//! each file against its hash, and opens the database only if every table holds the rows the
//! manifest lists and the audit chains are intact.

use anyhow::{Context, bail, ensure};
use safegrid_store::{FileStore, Store};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

/// The archive's format, for restores by later versions.
const FORMAT: u32 = 1;
const MANIFEST: &str = "manifest.json";
const DATABASE: &str = "safegrid.db";

/// What a backup holds, written first in the archive.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Manifest {
    pub format: u32,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub version: String,
    /// Rows per table of the copied database.
    pub tables: BTreeMap<String, i64>,
    /// Uploaded files in the archive.
    pub files: u64,
    /// Their total size in bytes.
    pub file_bytes: u64,
}

/// Makes a backup of `store` (SQLite) and its uploaded files in `out`, written beside it and
/// renamed into place once complete and on disk.
pub async fn backup(store: &Store, out: &Path) -> anyhow::Result<Manifest> {
    let dir = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let work = tempfile::tempdir_in(dir)
        .with_context(|| format!("making a working directory in {}", dir.display()))?;
    let copy = work.path().join(DATABASE);
    store.snapshot_into(&copy).await.context(
        "copying the database (a PostgreSQL database is backed up with pg_dump; see README)",
    )?;
    // Counted on the copy, so the manifest says what the archive holds.
    let counted = Store::connect(
        &format!("sqlite://{}", copy.display()),
        FileStore::new(work.path().join("no-files")),
    )
    .await?;
    let tables = counted.table_counts().await;
    counted.close().await;
    let tables = tables?;
    let files_root = store.files_root().to_path_buf();
    let out = out.to_path_buf();
    let work_path = work.path().to_path_buf();
    let manifest = tokio::task::spawn_blocking(move || {
        write_archive(&work_path, &copy, &files_root, &out, tables)
    })
    .await??;
    drop(work);
    Ok(manifest)
}

/// Every stored file: `(name in the archive, path on disk)`, in a stable order.
fn stored_files(root: &Path) -> anyhow::Result<Vec<(String, PathBuf)>> {
    let mut found = Vec::new();
    if !root.exists() {
        return Ok(found);
    }
    for shard in std::fs::read_dir(root)? {
        let shard = shard?;
        let shard_name = shard.file_name().to_string_lossy().into_owned();
        if !shard.file_type()?.is_dir() || shard_name.len() != 2 {
            continue;
        }
        for file in std::fs::read_dir(shard.path())? {
            let file = file?;
            let name = file.file_name().to_string_lossy().into_owned();
            // Half-written uploads (`.upload-…`) are not files yet.
            if is_hash(&name) && name.starts_with(&shard_name) && file.file_type()?.is_file() {
                found.push((format!("files/{shard_name}/{name}"), file.path()));
            }
        }
    }
    found.sort();
    Ok(found)
}

fn is_hash(name: &str) -> bool {
    name.len() == 64 && name.bytes().all(|b| b.is_ascii_hexdigit())
}

fn write_archive(
    work: &Path,
    database: &Path,
    files_root: &Path,
    out: &Path,
    tables: BTreeMap<String, i64>,
) -> anyhow::Result<Manifest> {
    let files = stored_files(files_root)?;
    let mut file_bytes = 0;
    for (_, path) in &files {
        file_bytes += std::fs::metadata(path)?.len();
    }
    let manifest = Manifest {
        format: FORMAT,
        created_at: chrono::Utc::now(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        tables,
        files: files.len() as u64,
        file_bytes,
    };
    let partial = work.join("backup.tar");
    {
        let mut archive = tar::Builder::new(BufWriter::new(File::create(&partial)?));
        let json = serde_json::to_vec_pretty(&manifest)?;
        let mut header = tar::Header::new_gnu();
        header.set_size(json.len() as u64);
        header.set_mode(0o600);
        header.set_mtime(manifest.created_at.timestamp().max(0) as u64);
        header.set_cksum();
        archive.append_data(&mut header, MANIFEST, json.as_slice())?;
        archive.append_path_with_name(database, DATABASE)?;
        for (name, path) in &files {
            archive.append_path_with_name(path, name)?;
        }
        let writer = archive.into_inner()?;
        writer
            .into_inner()
            .map_err(std::io::IntoInnerError::into_error)?
            .sync_all()?;
    }
    std::fs::rename(&partial, out)
        .or_else(|_| std::fs::copy(&partial, out).map(|_| ()))
        .with_context(|| format!("writing {}", out.display()))?;
    File::open(out)?.sync_all()?;
    Ok(manifest)
}

/// Fills an empty data directory from a backup: the SQLite database at `database` (which must
/// not exist yet) and the uploaded files under `files_root` (empty or missing). Answers the
/// backup's manifest once the restored database holds every row it lists and its audit chains
/// are intact; otherwise nothing restored is left in place.
pub async fn restore(
    archive: &Path,
    database: &Path,
    files_root: &Path,
) -> anyhow::Result<Manifest> {
    ensure!(
        !database.exists() || std::fs::metadata(database)?.len() == 0,
        "{} already exists: a restore fills an empty data directory",
        database.display()
    );
    if files_root.exists() {
        ensure!(
            std::fs::read_dir(files_root)?.next().is_none(),
            "{} is not empty: a restore fills an empty data directory",
            files_root.display()
        );
    }
    let (archive, db, root) = (
        archive.to_path_buf(),
        database.to_path_buf(),
        files_root.to_path_buf(),
    );
    let manifest = tokio::task::spawn_blocking(move || unpack(&archive, &db, &root)).await?;
    let manifest = match manifest {
        Ok(m) => m,
        Err(e) => {
            discard(database, files_root);
            return Err(e);
        }
    };
    match check_restored(database, files_root, &manifest).await {
        Ok(()) => Ok(manifest),
        Err(e) => {
            discard(database, files_root);
            Err(e)
        }
    }
}

/// Removes what a failed restore wrote (the directories were empty before it).
fn discard(database: &Path, files_root: &Path) {
    let _ = std::fs::remove_file(database);
    for suffix in ["-wal", "-shm"] {
        let mut side = database.as_os_str().to_owned();
        side.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(side));
    }
    let _ = std::fs::remove_dir_all(files_root);
}

fn unpack(archive: &Path, database: &Path, files_root: &Path) -> anyhow::Result<Manifest> {
    let mut reader = tar::Archive::new(BufReader::new(
        File::open(archive).with_context(|| format!("opening {}", archive.display()))?,
    ));
    let mut manifest: Option<Manifest> = None;
    let mut database_seen = false;
    let mut files = 0u64;
    for entry in reader.entries()? {
        let mut entry = entry?;
        let name = entry.path()?.to_string_lossy().into_owned();
        if name == MANIFEST {
            // A manifest is small; a huge one is not ours.
            let mut json = Vec::new();
            (&mut entry).take(16 * 1024 * 1024).read_to_end(&mut json)?;
            let m: Manifest = serde_json::from_slice(&json).context("reading the manifest")?;
            ensure!(
                m.format == FORMAT,
                "backup format {} is not one this version restores",
                m.format
            );
            manifest = Some(m);
        } else if name == DATABASE {
            if let Some(dir) = database.parent() {
                std::fs::create_dir_all(dir)?;
            }
            let mut out = File::create(database)?;
            std::io::copy(&mut entry, &mut out)?;
            out.sync_all()?;
            database_seen = true;
        } else if let Some((shard, sha)) = name
            .strip_prefix("files/")
            .and_then(|rest| rest.split_once('/'))
            .filter(|(shard, sha)| is_hash(sha) && sha.starts_with(shard) && shard.len() == 2)
        {
            // Only `files/ab/<sha256>` is written, and only if its content has that hash.
            let dir = files_root.join(shard);
            std::fs::create_dir_all(&dir)?;
            let path = dir.join(sha);
            let mut out = File::create(&path)?;
            let mut hasher = Sha256::new();
            let mut buffer = vec![0u8; 64 * 1024];
            loop {
                let n = entry.read(&mut buffer)?;
                if n == 0 {
                    break;
                }
                hasher.update(&buffer[..n]);
                out.write_all(&buffer[..n])?;
            }
            out.sync_all()?;
            ensure!(
                hex::encode(hasher.finalize()) == sha.to_ascii_lowercase(),
                "{name} does not hold what its name says: the backup is damaged"
            );
            files += 1;
        } else {
            bail!("unexpected entry {name:?}: not a safegrid backup");
        }
    }
    let manifest = manifest.context("no manifest: not a safegrid backup")?;
    ensure!(database_seen, "no database in the backup");
    ensure!(
        files == manifest.files,
        "the backup lists {} files but holds {files}",
        manifest.files
    );
    Ok(manifest)
}

async fn check_restored(
    database: &Path,
    files_root: &Path,
    manifest: &Manifest,
) -> anyhow::Result<()> {
    let store = Store::connect(
        &format!("sqlite://{}", database.display()),
        FileStore::new(files_root),
    )
    .await?;
    let checked = async {
        let tables = store.table_counts().await?;
        for (table, expected) in &manifest.tables {
            let found = tables.get(table).copied().unwrap_or(-1);
            ensure!(
                found == *expected,
                "table {table}: the backup lists {expected} rows, the restored database holds {found}"
            );
        }
        let (_, broken) = store.verify_audit().await?;
        ensure!(
            broken.is_empty(),
            "the restored audit log is broken in {} chain(s)",
            broken.len()
        );
        anyhow::Ok(())
    }
    .await;
    store.close().await;
    checked
}
