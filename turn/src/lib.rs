//! vamt's STUN/TURN server: a TURN relay (RFC 8656) for browsers that cannot reach the SFU
//! directly, and STUN Binding (RFC 8489) so they learn their server-reflexive address.
//!
//! The relay grants allocations with lifetimes, per-user quotas and a bandwidth budget
//! ([`allocation`]), and relays through permissions and channel bindings only to peers the
//! [`peer_policy`] allows (never into the operator's own network). Clients authenticate with
//! long-term credentials, from a static user list or the TURN REST API's shared secret the
//! portal mints usernames with ([`auth`]). [`relay`] is that logic without I/O; [`server`]
//! serves it over UDP (batched reads, [`udp`]), TCP and TLS ([`tls`]), and [`metrics`] counts
//! it for Prometheus. [`stun`] is the message codec all of them share.
#![forbid(unsafe_code)]

pub mod allocation;
pub mod auth;
pub mod binding;
pub mod metrics;
pub mod peer_policy;
pub mod relay;
#[cfg(feature = "server")]
pub mod server;
pub mod stun;
#[cfg(feature = "server")]
pub mod tls;
#[cfg(feature = "server")]
pub mod udp;

pub use metrics::TurnMetrics;
pub use stun::{StunError, StunMessage};
