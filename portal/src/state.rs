//! What every handler shares.
use std::sync::Arc;

use crate::db::Db;
use chrono::{DateTime, Utc};
use prometheus::Registry;
use vamt_signalling::{Hub, MediaPlane, TokenKeys};

use crate::config::Settings;
use crate::i18n::I18n;
use crate::mail::Mailer;
use crate::metrics::PortalMetrics;
use crate::templates::Templates;

/// A clock returning UTC now; injected so tests control time.
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// Mints TURN credentials `(username, credential)` for `identity`, valid for `ttl` from
/// `now` (Unix seconds). The binary hands it in (the TURN REST scheme, docs/turn.md), so the
/// portal does not import the relay (issue 19).
pub type TurnCredentials =
    Arc<dyn Fn(&str, u64, std::time::Duration) -> (String, String) + Send + Sync>;

/// Shared state of the portal. Cheap to clone.
#[derive(Clone)]
pub struct AppState(pub Arc<Inner>);

/// The parts of [`AppState`].
pub struct Inner {
    /// Validated settings.
    pub settings: Settings,
    /// The database.
    pub db: Db,
    /// Outgoing mail.
    pub mailer: Mailer,
    /// Translations.
    pub i18n: Arc<I18n>,
    /// Page templates.
    pub templates: Templates,
    /// Room token keys.
    pub tokens: TokenKeys,
    /// Seals personal data at rest.
    pub vault: crate::vault::Vault,
    /// Signalling hub (which drives the media plane).
    pub hub: Arc<Hub>,
    /// Portal metrics.
    pub metrics: PortalMetrics,
    /// The process's metrics registry, served at `/metrics`.
    pub registry: Registry,
    /// The clock.
    pub clock: Clock,
    /// Mints the TURN credentials the call page hands browsers, when this node runs a
    /// relay they may use.
    pub turn_credentials: Option<TurnCredentials>,
    /// Per-address limits on booking attempts.
    pub door: crate::shield::Door,
    /// Back-off of failed clerk sign-ins.
    pub sign_in: crate::shield::SignIn,
    /// Wakes the mail courier ([`crate::mail_queue::run`]) when a mail is queued.
    pub mail_due: tokio::sync::Notify,
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

/// Why the portal could not be assembled.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// A metric could not be registered (duplicate name).
    #[error("metrics: {0}")]
    Metrics(#[from] prometheus::Error),
    /// A translation catalogue failed to parse.
    #[error(transparent)]
    I18n(#[from] crate::i18n::I18nError),
    /// A template failed to compile.
    #[error("templates: {0}")]
    Templates(#[from] minijinja::Error),
    /// The mail transport could not be set up.
    #[error(transparent)]
    Mail(#[from] crate::mail::MailError),
}

impl AppState {
    /// The signalling hub over `media`, with the call limits of `settings`. The caller
    /// (the binary, a test, the load generator) builds it and hands it to [`AppState::build`],
    /// so the portal reaches media only through signalling and never names the SFU
    /// (issue 19); it chooses the media plane, e.g. the in-process SFU.
    pub fn signalling_hub(
        settings: &Settings,
        media: Arc<dyn MediaPlane>,
        tokens: TokenKeys,
        registry: &Registry,
        clock: Clock,
    ) -> Result<Arc<Hub>, BuildError> {
        let signalling_clock: vamt_signalling::hub::Clock =
            Arc::new(move || clock().timestamp().max(0) as u64);
        Ok(Arc::new(
            Hub::new(
                tokens,
                media,
                vamt_signalling::SignallingMetrics::new(registry)?,
                signalling_clock,
            )
            .with_resume_grace(settings.resume_grace)
            .with_join_deadline(std::time::Duration::from_secs(
                settings.raw.call.join_timeout_seconds,
            ))
            .with_max_sockets_per_address(settings.raw.call.max_sockets_per_address as usize),
        ))
    }

    /// Assembles the portal around the signalling `hub` (see [`AppState::signalling_hub`]).
    pub fn build(
        settings: Settings,
        db: Db,
        hub: Arc<Hub>,
        tokens: TokenKeys,
        vault: crate::vault::Vault,
        registry: Registry,
        clock: Clock,
    ) -> Result<AppState, BuildError> {
        let i18n = Arc::new(I18n::load()?);
        let templates = Templates::new(i18n.clone())?;
        let mailer = Mailer::new(
            settings.smtp_url.as_deref(),
            settings.data_dir.join("outbox"),
            settings.mail_from.clone(),
        )?;
        Ok(AppState(Arc::new(Inner {
            metrics: PortalMetrics::new(&registry)?,
            settings,
            db,
            mailer,
            i18n,
            templates,
            tokens,
            vault,
            hub,
            registry,
            clock,
            turn_credentials: None,
            door: crate::shield::Door::default(),
            sign_in: crate::shield::SignIn::default(),
            mail_due: tokio::sync::Notify::new(),
        })))
    }

    /// Hands browsers TURN credentials minted by `mint` for this node's relay. Call right
    /// after [`AppState::build`], before the state is shared.
    pub fn with_turn_credentials(mut self, mint: TurnCredentials) -> Self {
        if let Some(inner) = Arc::get_mut(&mut self.0) {
            inner.turn_credentials = Some(mint);
        }
        self
    }
}
