//! What every handler shares.
use std::sync::Arc;

use prometheus::Registry;
use vamt_booking::Office;
use vamt_portal_core::i18n::I18n;
use vamt_portal_core::templates::Templates;
use vamt_portal_storage::db::Db;
use vamt_signalling::{Hub, MediaPlane, TokenKeys};

use crate::config::{CallSettings, PortalSettings};
use crate::metrics::WebMetrics;

pub use vamt_portal_core::Clock;

/// Mints TURN credentials `(username, credential)` for `identity`, valid for `ttl` from
/// `now` (Unix seconds). The binary hands it in (the TURN REST scheme, docs/turn.md), so the
/// portal does not import the relay (issue 19).
pub type TurnCredentials =
    Arc<dyn Fn(&str, u64, std::time::Duration) -> (String, String) + Send + Sync>;

/// This node's STUN/TURN relay as browsers are told it: the binary, which runs the relay
/// and knows its configuration (`[turn]`, `[media]`), hands it in.
#[derive(Clone)]
pub struct Relay {
    /// The address browsers reach the relay at (UDP and TCP).
    pub address: std::net::SocketAddr,
    /// The TURN-over-TLS port, if the relay listens for TLS; the certificate names
    /// `http.public_url`'s host, which browsers are told instead of an address.
    pub tls_port: Option<u16>,
    /// Mints the TURN credentials.
    pub credentials: TurnCredentials,
}

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
    /// The case records of the appointments: identity checks, documents, audit.
    pub cases: Arc<vamt_documents::Cases>,
    /// The payments' cash desk (`[payments]`).
    pub cashier: Arc<vamt_payments::cashier::Cashier>,
    /// The online hearing's register (`[hearing]`).
    pub hearings: Arc<vamt_hearing::Docket>,
    /// `[call]`: token lifetime, join window, signalling limits.
    pub call: CallSettings,
    /// The STUN/TURN relay the call page tells browsers of, when this node runs one they
    /// can reach.
    pub relay: Option<Relay>,
    /// Per-address limits on booking attempts.
    pub door: vamt_portal_core::shield::Door,
    /// Back-off of failed clerk sign-ins.
    pub sign_in: vamt_portal_core::shield::SignIn,
    /// Back-off of failed hearing sign-ins: per case number (known or not) and per client.
    pub hearing_sign_in: vamt_portal_core::shield::SignIn,
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
        call: &CallSettings,
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
            .with_resume_grace(call.resume_grace)
            .with_join_deadline(call.join_timeout)
            .with_max_sockets_per_address(call.max_sockets_per_address),
        ))
    }

    /// Assembles the portal around the signalling `hub` (see [`AppState::signalling_hub`]).
    pub fn build(
        settings: PortalSettings,
        db: Db,
        hub: Arc<Hub>,
        tokens: TokenKeys,
        vault: vamt_portal_storage::vault::Vault,
        registry: Registry,
        clock: Clock,
    ) -> Result<AppState, BuildError> {
        let i18n = Arc::new(I18n::load()?);
        let templates = Templates::new(i18n.clone(), crate::pages::PAGES)?;
        let cases = Arc::new(vamt_documents::Cases::new(
            db.clone(),
            vault.clone(),
            settings.documents,
            &registry,
            clock.clone(),
        )?);
        // Joins and leaves of a call go into its case's audit log (call_record.rs). Outside
        // a runtime (a state built for a synchronous check) nothing listens.
        if let Ok(rt) = tokio::runtime::Handle::try_current() {
            let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
            if hub.send_events_to(tx) {
                rt.spawn(crate::call_record::record(cases.clone(), rx));
            }
        }
        let hearings = Arc::new(vamt_hearing::Docket::new(
            db.clone(),
            vault.clone(),
            settings.hearing,
            &registry,
            clock.clone(),
            settings.office.booking.timezone,
        )?);
        let office = Arc::new(Office::open(
            settings.office,
            db,
            vault,
            i18n,
            &registry,
            clock,
        )?);
        let cashier = Arc::new(vamt_payments::cashier::Cashier::new(
            office.db.clone(),
            vamt_payments::cashier::CashSettings {
                currency: settings.payments.currency,
                settle_after: settings.payments.settle_after,
                recheck_for: settings.payments.recheck_for,
                public_url: office.settings.http.public_url.clone(),
                invoice: settings.payments.invoice,
                timezone: office.settings.booking.timezone,
            },
            settings.payments.providers.0,
            &registry,
            office.clock.clone(),
        )?);
        cashier.observe(Arc::new(crate::pay::Recorder::new(
            office.clone(),
            cases.clone(),
            hub.clone(),
            hearings.clone(),
        )));
        Ok(AppState(Arc::new(Inner {
            metrics: WebMetrics::new(&registry)?,
            office,
            templates,
            tokens,
            hub,
            registry,
            cases,
            cashier,
            hearings,
            call: settings.call,
            relay: None,
            door: vamt_portal_core::shield::Door::default(),
            sign_in: vamt_portal_core::shield::SignIn::default(),
            hearing_sign_in: vamt_portal_core::shield::SignIn::default(),
        })))
    }

    /// Seals the office's signed documents with `sealer`. Call right after
    /// [`AppState::build`], before the state is shared.
    pub fn with_sealer(self, sealer: vamt_pdf::Sealer) -> Self {
        // Set once: a second seal for the same portal would be a wiring mistake, and the
        // first stays.
        let _ = self.cases.sealer.set(sealer);
        self
    }

    /// Tells browsers of this node's `relay` (STUN, and TURN with its credentials). Call
    /// right after [`AppState::build`], before the state is shared.
    pub fn with_relay(mut self, relay: Relay) -> Self {
        if let Some(inner) = Arc::get_mut(&mut self.0) {
            inner.relay = Some(relay);
        }
        self
    }
}
