//! Configuration from the environment, with flags that mirror it.

use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Clone, Args)]
pub struct Config {
    /// Database URL: sqlite://path or postgres://… (default: sqlite://<data dir>/safegrid.db).
    #[arg(long, env = "SAFEGRID_DATABASE_URL", global = true)]
    pub database_url: Option<String>,
    /// Where the embedded database and files live.
    #[arg(
        long,
        env = "SAFEGRID_DATA_DIR",
        default_value = "./data",
        global = true
    )]
    pub data_dir: PathBuf,
    /// Address to listen on.
    #[arg(
        long,
        env = "SAFEGRID_LISTEN",
        default_value = "127.0.0.1:8080",
        global = true
    )]
    pub listen: String,
    /// Password of the demo accounts; generated and printed once when unset.
    #[arg(
        long,
        env = "SAFEGRID_DEMO_PASSWORD",
        global = true,
        hide_env_values = true
    )]
    pub demo_password: Option<String>,
    /// Minutes a session may go unused before it ends (it ends after 12 hours in any case).
    #[arg(
        long,
        env = "SAFEGRID_SESSION_IDLE_MINUTES",
        default_value_t = 30,
        global = true
    )]
    pub session_idle_minutes: i64,
    /// Let the county's webhook point into private networks (loopback, 10/8, 192.168/16 …):
    /// only for a gateway on the deployment's own network.
    #[arg(long, env = "SAFEGRID_WEBHOOK_PRIVATE_NETWORKS", global = true)]
    pub webhook_private_networks: bool,
    /// Mark cookies Secure (set when served over HTTPS).
    #[arg(long, env = "SAFEGRID_SECURE_COOKIES", global = true)]
    pub secure_cookies: bool,
}

impl Config {
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) if !url.trim().is_empty() => url.trim().to_owned(),
            _ => format!("sqlite://{}", self.data_dir.join("safegrid.db").display()),
        }
    }
}

impl Config {
    /// The SQLite database file the configuration names, if it names one.
    pub fn sqlite_path(&self) -> Option<PathBuf> {
        let url = self.database_url();
        let rest = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))?;
        let path = rest.split('?').next().unwrap_or(rest);
        (!path.is_empty()).then(|| PathBuf::from(path))
    }

    /// Where uploaded files are kept.
    pub fn files_dir(&self) -> PathBuf {
        self.data_dir.join("files")
    }
}

/// A URL with its password hidden, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.find(':') {
                Some(colon) => format!(
                    "{}{}:***{}",
                    &url[..scheme + 3],
                    &credentials[..colon],
                    &url[at..]
                ),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_hidden() {
        assert_eq!(
            redact("postgres://root:secret@localhost/test"),
            "postgres://root:***@localhost/test"
        );
        assert_eq!(
            redact("postgres://root@localhost/test"),
            "postgres://root@localhost/test"
        );
        assert_eq!(
            redact("sqlite://data/safegrid.db"),
            "sqlite://data/safegrid.db"
        );
    }
}
