//! What every handler shares.
use std::sync::Arc;

use chrono::{DateTime, Utc};
use prometheus::Registry;
use sqlx::SqlitePool;
use vamt_signalling::{Hub, TokenKeys};

use crate::config::Settings;
use crate::i18n::I18n;
use crate::mail::Mailer;
use crate::metrics::PortalMetrics;
use crate::web::templates::Templates;

/// A clock returning UTC now; injected so tests control time.
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// Shared state of the portal. Cheap to clone.
#[derive(Clone)]
pub struct AppState(pub Arc<Inner>);

/// The parts of [`AppState`].
pub struct Inner {
    /// Validated settings.
    pub settings: Settings,
    /// The database.
    pub db: SqlitePool,
    /// Outgoing mail.
    pub mailer: Mailer,
    /// Translations.
    pub i18n: Arc<I18n>,
    /// Page templates.
    pub templates: Templates,
    /// Room token keys.
    pub tokens: TokenKeys,
    /// Signalling hub (which holds the SFU handle).
    pub hub: Arc<Hub>,
    /// Portal metrics.
    pub metrics: PortalMetrics,
    /// The process's metrics registry, served at `/metrics`.
    pub registry: Registry,
    /// The clock.
    pub clock: Clock,
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl AppState {
    /// Now, by the injected clock.
    pub fn now(&self) -> DateTime<Utc> {
        (self.clock)()
    }
}
