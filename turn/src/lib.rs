//! vamt's STUN/TURN server. This first part answers STUN Binding requests (RFC 8489) so
//! browsers learn their server-reflexive address; the TURN relay (RFC 8656) builds on the
//! same codec.
#![forbid(unsafe_code)]

pub mod allocation;
pub mod auth;
pub mod binding;
pub mod metrics;
pub mod peer_policy;
pub mod relay;
pub mod server;
pub mod stun;
pub mod tls;
pub mod udp;

pub use metrics::TurnMetrics;
pub use stun::{StunError, StunMessage};
