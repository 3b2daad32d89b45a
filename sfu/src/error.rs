use crate::ParticipantId;

/// What can go wrong when signalling drives the SFU.
#[derive(Debug, thiserror::Error)]
pub enum SfuError {
    /// The SDP offer or answer could not be parsed.
    #[error("invalid SDP: {0}")]
    InvalidSdp(String),
    /// str0m refused the offer or answer (unsupported media, bad fingerprint, …).
    #[error("negotiation failed: {0}")]
    Negotiation(String),
    /// An ICE candidate line could not be parsed.
    #[error("invalid ICE candidate: {0}")]
    InvalidCandidate(String),
    /// The participant is not (or no longer) known to the SFU.
    #[error("unknown participant {0}")]
    UnknownParticipant(ParticipantId),
    /// An answer arrived while no offer from the SFU was outstanding.
    #[error("no offer is pending for this participant")]
    NoPendingOffer,
    /// No video this participant receives has that MID.
    #[error("no received video track with MID {0}")]
    UnknownTrack(String),
    /// The SFU task has stopped (shutdown in progress).
    #[error("media server is shutting down")]
    Stopped,
}
