//! What the booking workflow works with: the settings, the database and vault, the outbox
//! for its mails, the catalogue of texts, its counters and the clock. The web crate holds
//! one and hands it to the workflow; jobs (holds, reminders, retention, statistics) run on
//! it without any HTTP.
use std::sync::Arc;

use crate::config::OfficeSettings as Settings;
use chrono::{DateTime, Utc};
use prometheus::Registry;
use vamt_portal_core::i18n::I18n;
use vamt_portal_core::shield::HourlyLimit;
use vamt_portal_core::templates::Templates;
use vamt_portal_core::Clock;
use vamt_portal_storage::db::Db;
use vamt_portal_storage::mail::{MailError, Mailer};
use vamt_portal_storage::outbox::{Outbox, OutboxMetrics};
use vamt_portal_storage::vault::Vault;

use crate::metrics::BookingMetrics;

/// The booking office: everything the workflow needs, no HTTP.
pub struct Office {
    /// Validated settings.
    pub settings: Settings,
    /// The database.
    pub db: Db,
    /// Seals personal data at rest.
    pub vault: Vault,
    /// Mails on their way out.
    pub outbox: Outbox,
    /// Translations.
    pub i18n: Arc<I18n>,
    /// The mail templates.
    pub mails: Templates,
    /// The workflow's counters.
    pub metrics: BookingMetrics,
    /// The clock.
    pub clock: Clock,
    /// Opt-in mails per recipient and hour (see [`crate::notify::optin_allowed`]).
    pub optin_mails: HourlyLimit<String>,
}

/// Why the office could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum OfficeError {
    /// A metric could not be registered (duplicate name).
    #[error("metrics: {0}")]
    Metrics(#[from] prometheus::Error),
    /// A mail template failed to compile.
    #[error("mail templates: {0}")]
    Templates(#[from] minijinja::Error),
    /// The mail transport could not be set up.
    #[error(transparent)]
    Mail(#[from] MailError),
}

impl Office {
    /// Opens the office on `db`, its mails going by `settings`' SMTP server or into the
    /// outbox folder, its counters registered in `registry`.
    pub fn open(
        settings: Settings,
        db: Db,
        vault: Vault,
        i18n: Arc<I18n>,
        registry: &Registry,
        clock: Clock,
    ) -> Result<Self, OfficeError> {
        let mailer = Mailer::new(
            settings.mail.smtp_url.as_deref(),
            settings.data_dir.join("outbox"),
            settings.mail.from.clone(),
        )?;
        let outbox = Outbox::new(
            db.clone(),
            vault.clone(),
            mailer,
            clock.clone(),
            OutboxMetrics::new(registry)?,
        );
        Ok(Self {
            mails: Templates::new(i18n.clone(), crate::mails::MAILS)?,
            metrics: BookingMetrics::new(registry)?,
            settings,
            db,
            vault,
            outbox,
            i18n,
            clock,
            optin_mails: HourlyLimit::default(),
        })
    }

    /// Now, by the injected clock.
    pub fn now(&self) -> DateTime<Utc> {
        (self.clock)()
    }
}
