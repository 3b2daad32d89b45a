//! The door of the booking endpoints (pages and API alike): the client's address, the
//! proof of work if one came, and the per-address limits of `shield.rs`.
use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;

use crate::shield::{client_ip, Verdict};
use crate::AppState;

/// The client's address, as far as it is known (behind trusted proxies, the one they
/// name; in tests without a socket, none).
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub Option<IpAddr>);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        let forwarded = parts
            .headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok());
        Ok(Self(client_ip(
            peer,
            forwarded,
            &st.settings.trusted_proxies,
        )))
    }
}

/// Why the door stays shut.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// A proof came and is forged, expired, wrong or used before.
    ProofInvalid,
    /// This address has had its attempts without a proof this hour.
    ProofNeeded,
    /// This address has had its attempts this hour.
    TooMany,
    /// The database failed while spending the proof.
    Internal,
}

/// Lets a booking attempt in, or says why not. A proof is spent as it is checked, so the
/// same one never opens the door twice.
pub async fn admit(st: &AppState, client: ClientAddr, proof: Option<&str>) -> Result<(), Refusal> {
    let now = st.now();
    let proven = match proof.filter(|p| !p.trim().is_empty()) {
        None => false,
        Some(p) => {
            let sign = |c: &str| st.vault.blind_index("pow.challenge", c);
            let invalid = || {
                st.metrics
                    .refused
                    .with_label_values(&["proof_invalid"])
                    .inc();
                Refusal::ProofInvalid
            };
            let (challenge, expires) = crate::pow::verify(p, now, sign).map_err(|_| invalid())?;
            match crate::pow::spend(&st.db, &challenge, expires, now).await {
                Ok(()) => {
                    st.metrics.proofs.inc();
                    true
                }
                Err(crate::pow::PowError::Db(e)) => {
                    tracing::error!(error = %e, "proof of work could not be spent");
                    return Err(Refusal::Internal);
                }
                Err(_) => return Err(invalid()),
            }
        }
    };
    let b = &st.settings.raw.booking;
    match st.door.judge(
        client.0,
        proven,
        now,
        b.max_per_ip_hour,
        b.unproven_per_ip_hour,
    ) {
        Verdict::Pass => Ok(()),
        Verdict::ProofNeeded => {
            st.metrics
                .refused
                .with_label_values(&["proof_needed"])
                .inc();
            Err(Refusal::ProofNeeded)
        }
        Verdict::TooMany => {
            st.metrics.refused.with_label_values(&["too_many"]).inc();
            Err(Refusal::TooMany)
        }
    }
}

/// A fresh challenge, valid for ten minutes (time to fill in the form).
pub fn challenge(st: &AppState) -> crate::pow::Challenge {
    crate::pow::issue(
        st.settings.raw.booking.pow_max_number,
        st.now() + chrono::Duration::minutes(10),
        |c| st.vault.blind_index("pow.challenge", c),
    )
}
