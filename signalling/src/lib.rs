//! vamt's signalling: the versioned JSON protocol over WebSocket, room tokens, and the
//! session state that joins browsers to the SFU.
//!
//! The WebSocket itself belongs to the HTTP server (the portal); a session here speaks in
//! text frames through channels ([`session::run`]), so the protocol can be driven and tested
//! without a socket.
#![forbid(unsafe_code)]

pub mod close;
pub mod hub;
pub mod limits;
pub mod media;
pub mod metrics;
pub mod protocol;
pub mod sdp;
pub mod session;
pub mod token;

pub use close::CloseReason;
pub use hub::Hub;
pub use media::MediaPlane;
pub use metrics::SignallingMetrics;
pub use protocol::{ClientMessage, ErrorCode, ServerMessage, PROTOCOL_VERSION};
pub use token::{Role, RoomClaims, TokenError, TokenKeys};
pub use vamt_sfu::{ParticipantId, RoomId};
