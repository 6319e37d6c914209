use safegrid_store::Store;
use std::sync::Arc;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<WebConfig>,
    /// Imports under way and their error lists.
    pub imports: Arc<crate::ops::import::ImportDesk>,
}

/// Settings of the web layer.
#[derive(Debug, Clone, Default)]
pub struct WebConfig {
    /// Demo mode: the login page lists the demo accounts.
    pub demo: bool,
    /// Set the `Secure` flag on cookies (behind HTTPS).
    pub secure_cookies: bool,
    /// How long a session lasts at most, in hours.
    pub session_hours: i64,
    /// How long a session may go unused before it ends, in minutes (等保: sessions time out).
    pub session_idle_minutes: i64,
    /// Whether the county's webhook may point into a private network (an SMS gateway on the
    /// government intranet); off, only public addresses are accepted and posted to.
    pub webhook_private_networks: bool,
    /// Whether the county administrator and the three administrators must enrol a second
    /// factor at their next sign-in (on everywhere but in the demo).
    pub require_second_factor: bool,
}

impl WebConfig {
    /// The idle limit, at least a minute.
    pub fn session_idle(&self) -> chrono::Duration {
        chrono::Duration::minutes(self.session_idle_minutes.max(1))
    }
}

impl AppState {
    pub fn new(store: Store, config: WebConfig) -> Self {
        Self {
            store,
            config: Arc::new(config),
            imports: Arc::default(),
        }
    }
}
