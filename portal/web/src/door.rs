//! The door of the booking endpoints (pages and API alike): the client's address, the
//! proof of work if one came, and the per-address limits of `shield.rs`.
use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;

use crate::AppState;
use vamt_portal_core::shield::{client_ip, Verdict};

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
            &st.settings.http.trusted_proxies,
        )))
    }
}

impl ClientAddr {
    /// The bucket this client is counted in (its IPv6 /64; unknown: one shared bucket).
    pub fn bucket(&self) -> IpAddr {
        self.0
            .map(vamt_portal_core::shield::bucket)
            .unwrap_or(IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED))
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
    /// This address holds its share of unconfirmed bookings (or waiting-list entries)
    /// made in the confirmation window.
    TooManyHolds,
    /// The database failed while spending the proof.
    Internal,
}

/// Leave to make one unconfirmed hold (a booking or waiting-list entry waiting for its
/// opt-in). Unconfirmed holds no longer count against the e-mail address they name (anyone
/// could lock a stranger's address out with two of them), so they count against the client
/// that made them. Dropped without [`Admission::held`], the place is given back: an attempt
/// that held nothing (time taken, bad name) does not use up the client's share.
#[must_use = "call held() once the hold is made, or the place is given back"]
pub struct Admission {
    door: Option<(AppState, IpAddr, chrono::DateTime<chrono::Utc>)>,
}

impl Admission {
    /// The hold was made: it keeps its place for the confirmation window.
    pub fn held(mut self) {
        self.door = None;
    }
}

impl Drop for Admission {
    fn drop(&mut self) {
        if let Some((st, ip, at)) = self.door.take() {
            st.door.give_back_hold(ip, at);
        }
    }
}

/// Lets a booking attempt in, or says why not. A proof is spent as it is checked, so the
/// same one never opens the door twice.
pub async fn admit(
    st: &AppState,
    client: ClientAddr,
    proof: Option<&str>,
) -> Result<Admission, Refusal> {
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
    let b = &st.settings.booking;
    match st.door.judge(
        client.0,
        proven,
        now,
        b.max_per_ip_hour,
        b.unproven_per_ip_hour,
    ) {
        Verdict::Pass => {
            let ip = client.bucket();
            if st.door.take_hold(
                ip,
                now,
                b.holds_per_client,
                st.settings.booking.confirm_within,
            ) {
                Ok(Admission {
                    door: Some((st.clone(), ip, now)),
                })
            } else {
                st.metrics
                    .refused
                    .with_label_values(&["too_many_holds"])
                    .inc();
                Err(Refusal::TooManyHolds)
            }
        }
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

/// A fresh challenge for `client`, valid for [`crate::pow::VALIDITY`] (time to fill in the
/// form), harder while the client or the whole door is under pressure.
pub fn challenge(st: &AppState, client: ClientAddr) -> crate::pow::Challenge {
    let b = &st.settings.booking;
    let now = st.now();
    let factor = st.door.difficulty(client.0, now, b.max_per_ip_hour);
    if factor > 1 {
        st.metrics.pow_raised.inc();
    }
    crate::pow::issue(
        b.pow_max_number.saturating_mul(factor),
        now + crate::pow::VALIDITY,
        |c| st.vault.blind_index("pow.challenge", c),
    )
}
