//! Uploaded files, stored under the data directory by the SHA-256 of their content
//! (`files/ab/abcdef…`): the same document uploaded twice is kept once, a stored file never
//! changes, and no name a user typed ever becomes part of a path.

use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub struct FileStore {
    root: PathBuf,
}

impl FileStore {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    /// Stores `bytes` durably (written to a temporary file, synced, renamed into place) and
    /// returns their SHA-256 in hex. Only once this returns is the upload acknowledged.
    pub async fn put(&self, bytes: Vec<u8>) -> std::io::Result<String> {
        let root = self.root.clone();
        let task = move || -> std::io::Result<String> {
            let sha = hex::encode(Sha256::digest(&bytes));
            let path = path_in(&root, &sha).ok_or_else(|| std::io::Error::other("bad hash"))?;
            if path.exists() {
                return Ok(sha);
            }
            let dir = path.parent().unwrap_or(&root);
            std::fs::create_dir_all(dir)?;
            let mut tmp = tempfile_in(dir)?;
            tmp.1.write_all(&bytes)?;
            tmp.1.sync_all()?;
            std::fs::rename(&tmp.0, &path)?;
            // The rename is durable once the directory entry is.
            if let Ok(d) = std::fs::File::open(dir) {
                let _ = d.sync_all();
            }
            Ok(sha)
        };
        tokio::task::spawn_blocking(task)
            .await
            .map_err(std::io::Error::other)?
    }

    /// The directory the files are kept under.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where a stored file lives, if `sha` is a well-formed hash.
    pub fn path(&self, sha: &str) -> Option<PathBuf> {
        path_in(&self.root, sha)
    }
}

fn path_in(root: &Path, sha: &str) -> Option<PathBuf> {
    let well_formed = sha.len() == 64 && sha.bytes().all(|b| b.is_ascii_hexdigit());
    well_formed.then(|| root.join(&sha[..2]).join(sha))
}

/// A new file with a unique name in `dir`, opened for writing.
fn tempfile_in(dir: &Path) -> std::io::Result<(PathBuf, std::fs::File)> {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    loop {
        let name = format!(
            ".upload-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        );
        let path = dir.join(name);
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(f) => return Ok((path, f)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_hashes_become_paths() {
        let files = FileStore::new("/data/files");
        assert!(files.path("../../etc/passwd").is_none());
        assert!(files.path(&"g".repeat(64)).is_none());
        let sha = "ab".repeat(32);
        assert_eq!(
            files.path(&sha).unwrap(),
            PathBuf::from(format!("/data/files/ab/{sha}"))
        );
    }
}
