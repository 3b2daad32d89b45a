//! vamt's selective forwarding unit.
//!
//! The core ([`Sfu`]) is sans-IO in the manner of str0m: it owns one [`str0m::Rtc`] per
//! participant, takes packets and the time as input, and hands back datagrams to send and
//! events for signalling. [`server`] is the thin tokio loop that owns the UDP socket and the
//! clock. The SFU knows rooms and participants, never bookings.
// Unsafe only where tokio asks for it to register a descriptor (`timer.rs`).
#![deny(unsafe_code)]

mod error;
mod ids;
pub mod layer;
pub mod metrics;
mod participant;
pub mod quality;
pub mod rewrite;
mod room;
pub mod server;
mod sfu;
pub mod shard;
pub mod stream_tracker;
pub mod sync;
mod timer;
mod udp;

pub use error::SfuError;
pub use ids::{ParticipantId, RoomId, TrackId};
pub use metrics::SfuMetrics;
pub use sfu::{Sfu, SfuEvent};

/// Installs str0m's crypto provider (aws-lc-rs) for the process. Call once at start.
pub fn install_crypto_provider() {
    str0m::crypto::from_feature_flags().install_process_default();
}
