//! What every handler shares.
use std::sync::Arc;

use prometheus::Registry;
use vamt_booking::Office;
use vamt_portal_core::config::Settings;
use vamt_portal_core::i18n::I18n;
use vamt_portal_core::templates::Templates;
use vamt_portal_storage::db::Db;
use vamt_signalling::{Hub, MediaPlane, TokenKeys};

use crate::metrics::WebMetrics;

pub use vamt_portal_core::Clock;

/// Mints TURN credentials `(username, credential)` for `identity`, valid for `ttl` from
/// `now` (Unix seconds). The binary hands it in (the TURN REST scheme, docs/turn.md), so the
/// portal does not import the relay (issue 19).
pub type TurnCredentials =
    Arc<dyn Fn(&str, u64, std::time::Duration) -> (String, String) + Send + Sync>;

/// Shared state of the portal. Cheap to clone.
#[derive(Clone)]
pub struct AppState(pub Arc<Inner>);

/// The parts of [`AppState`]: the booking office (settings, database, vault, outbox,
/// texts, clock) and what only the web surface needs.
pub struct Inner {
    /// The booking office, which the handlers hand to the workflow.
    pub office: Arc<Office>,
    /// Page templates.
    pub templates: Templates,
    /// Room token keys.
    pub tokens: TokenKeys,
    /// Signalling hub (which drives the media plane).
    pub hub: Arc<Hub>,
    /// The web surface's counters.
    pub metrics: WebMetrics,
    /// The process's metrics registry, served at `/metrics`.
    pub registry: Registry,
    /// Mints the TURN credentials the call page hands browsers, when this node runs a
    /// relay they may use.
    pub turn_credentials: Option<TurnCredentials>,
    /// Per-address limits on booking attempts.
    pub door: vamt_portal_core::shield::Door,
    /// Back-off of failed clerk sign-ins.
    pub sign_in: vamt_portal_core::shield::SignIn,
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

/// A handler reads the office's parts (`st.db`, `st.settings`, `st.now()`) through the
/// state, and hands `&st` to the workflow wherever it takes an [`Office`].
impl std::ops::Deref for Inner {
    type Target = Office;
    fn deref(&self) -> &Office {
        &self.office
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
    I18n(#[from] vamt_portal_core::i18n::I18nError),
    /// A template failed to compile.
    #[error("templates: {0}")]
    Templates(#[from] minijinja::Error),
    /// The booking office could not be opened.
    #[error(transparent)]
    Office(#[from] vamt_booking::office::OfficeError),
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
        vault: vamt_portal_storage::vault::Vault,
        registry: Registry,
        clock: Clock,
    ) -> Result<AppState, BuildError> {
        let i18n = Arc::new(I18n::load()?);
        let templates = Templates::new(i18n.clone(), crate::pages::PAGES)?;
        let office = Arc::new(Office::open(settings, db, vault, i18n, &registry, clock)?);
        Ok(AppState(Arc::new(Inner {
            metrics: WebMetrics::new(&registry)?,
            office,
            templates,
            tokens,
            hub,
            registry,
            turn_credentials: None,
            door: vamt_portal_core::shield::Door::default(),
            sign_in: vamt_portal_core::shield::SignIn::default(),
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
