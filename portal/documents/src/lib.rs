//! The case record: one per appointment, which the clerk works in during the call. It
//! holds the identity check (`identity`), the documents both sides hand over (`document`,
//! received chunk by chunk over HTTPS by `intake`, checked by content in `kind`), each
//! sealed under the case's own key (`case_key`), and an append-only, hash-chained audit log
//! of every step (`audit`). [`Cases`] is the context the web crate and the jobs work on.
//!
//! No HTTP here, and nothing of the call's media: the web crate turns requests into these
//! calls, and signalling only tells the room that something changed.
#![forbid(unsafe_code)]

pub mod audit;
pub mod case;
/// The key per case, in storage: the hearing seals its cases with it too.
pub use vamt_portal_storage::case_key;
pub mod config;
pub mod delivery;
pub mod document;
pub mod identity;
pub mod intake;
/// What a file is by its content, in core: the hearing checks its uploads with it too.
pub use vamt_portal_core::file_kind as kind;
pub mod metrics;
pub mod retention;
pub mod signature;

use prometheus::Registry;
use vamt_portal_core::Clock;
use vamt_portal_storage::db::Db;
use vamt_portal_storage::vault::Vault;

pub use case::{Case, CaseId};
pub use document::{Document, DocumentId};

use crate::config::DocumentSettings;
use crate::metrics::DocumentMetrics;

/// What the case record works with: the database, the vault that wraps each case's key,
/// the limits, the counters and the clock.
pub struct Cases {
    /// The database.
    pub db: Db,
    /// Wraps and unwraps the case keys.
    pub vault: Vault,
    /// `[documents]`.
    pub settings: DocumentSettings,
    /// The counters.
    pub metrics: DocumentMetrics,
    /// The clock.
    pub clock: Clock,
    /// Seals the office's documents (PAdES) with the authority's key, when configured.
    /// Set once, after the portal is assembled (its join recorder already shares `Cases`).
    pub sealer: std::sync::OnceLock<vamt_pdf::Sealer>,
}

impl Cases {
    /// The case record's context, its counters registered in `registry`.
    pub fn new(
        db: Db,
        vault: Vault,
        settings: DocumentSettings,
        registry: &Registry,
        clock: Clock,
    ) -> Result<Self, prometheus::Error> {
        Ok(Self {
            db,
            vault,
            settings,
            metrics: DocumentMetrics::new(registry)?,
            clock,
            sealer: std::sync::OnceLock::new(),
        })
    }

    /// Seals the office's signed documents with `sealer` (the authority's key).
    pub fn with_sealer(self, sealer: vamt_pdf::Sealer) -> Self {
        let _ = self.sealer.set(sealer);
        self
    }

    /// Now, by the injected clock.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        (self.clock)()
    }
}

/// Why a case-record operation failed.
#[derive(Debug, thiserror::Error)]
pub enum CaseError {
    /// The database failed.
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    /// A case key or sealed value did not open (wrong data key, or altered).
    #[error("a sealed value of the case did not open")]
    Sealed,
    /// The case was erased; its files are gone.
    #[error("the case was erased")]
    Erased,
    /// No such case, document or upload (for this call).
    #[error("not found")]
    NotFound,
    /// The upload or document is refused, with the reason.
    #[error(transparent)]
    Refused(#[from] intake::Refusal),
    /// The identity check is incomplete or contradicts itself.
    #[error(transparent)]
    Identity(#[from] identity::IdentityError),
    /// A signing step is refused.
    #[error(transparent)]
    Sign(#[from] signature::SignError),
    /// A delivery step is refused.
    #[error(transparent)]
    Delivery(#[from] delivery::DeliveryError),
}

impl From<vamt_portal_storage::case_key::SealError> for CaseError {
    fn from(_: vamt_portal_storage::case_key::SealError) -> Self {
        CaseError::Sealed
    }
}
