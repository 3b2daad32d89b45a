//! What the hub needs of the media plane, as a trait (issue 19).
//!
//! The hub and its sessions negotiate, mute and remove participants' media through
//! [`MediaPlane`] and never name the SFU's handle, so the room code does not know whether
//! the media runs in this process (the SFU's [`SfuHandle`], implemented here) or elsewhere
//! (a remote media node, later), and signalling's tests can drive the hub with a fake
//! instead of binding a UDP socket.
//!
//! The futures are boxed so the trait can sit behind `Arc<dyn MediaPlane>`: one allocation
//! per signalling message, never per media packet.
use std::future::Future;
use std::pin::Pin;

use tokio::sync::mpsc;
use vamt_sfu::server::SfuHandle;
use vamt_sfu::{SfuError, SfuEvent};

use crate::{ParticipantId, RoomId};

/// A media-plane call in flight.
pub type MediaFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, SfuError>> + Send + 'a>>;

/// The media plane as the hub drives it: per participant, negotiate (offer, answer, ICE),
/// steer what it receives, mute and remove it.
pub trait MediaPlane: Send + Sync {
    /// Sends a participant's SDP offer and resolves to the answer; the first one creates
    /// the participant in `room`. `events` receives everything the media plane later says
    /// about this participant.
    fn offer(
        &self,
        room: RoomId,
        participant: ParticipantId,
        sdp: String,
        events: mpsc::UnboundedSender<SfuEvent>,
    ) -> MediaFuture<'_, String>;

    /// Sends the browser's answer to the media plane's last offer.
    fn answer(&self, participant: ParticipantId, sdp: String) -> MediaFuture<'_, ()>;

    /// Adds a trickled ICE candidate.
    fn add_candidate(&self, participant: ParticipantId, candidate: String) -> MediaFuture<'_, ()>;

    /// Sends a participant's future events to `events` (its session was replaced after a
    /// resume); an offer it has not answered is sent there again.
    fn redirect(&self, participant: ParticipantId, events: mpsc::UnboundedSender<SfuEvent>);

    /// How large the participant shows the video it receives on `mid` (device pixels).
    fn set_rendered_size(
        &self,
        participant: ParticipantId,
        mid: String,
        width: u32,
        height: u32,
    ) -> MediaFuture<'_, ()>;

    /// Mutes (or unmutes) a participant's audio.
    fn set_muted(&self, participant: ParticipantId, muted: bool) -> MediaFuture<'_, ()>;

    /// Removes a participant's media; unknown ones are ignored.
    fn remove(&self, participant: ParticipantId);

    /// Whether the media plane still runs (readiness).
    fn is_running(&self) -> bool;
}

/// The in-process SFU.
impl MediaPlane for SfuHandle {
    fn offer(
        &self,
        room: RoomId,
        participant: ParticipantId,
        sdp: String,
        events: mpsc::UnboundedSender<SfuEvent>,
    ) -> MediaFuture<'_, String> {
        Box::pin(SfuHandle::offer(self, room, participant, sdp, events))
    }

    fn answer(&self, participant: ParticipantId, sdp: String) -> MediaFuture<'_, ()> {
        Box::pin(SfuHandle::answer(self, participant, sdp))
    }

    fn add_candidate(&self, participant: ParticipantId, candidate: String) -> MediaFuture<'_, ()> {
        Box::pin(SfuHandle::add_candidate(self, participant, candidate))
    }

    fn redirect(&self, participant: ParticipantId, events: mpsc::UnboundedSender<SfuEvent>) {
        SfuHandle::redirect(self, participant, events)
    }

    fn set_rendered_size(
        &self,
        participant: ParticipantId,
        mid: String,
        width: u32,
        height: u32,
    ) -> MediaFuture<'_, ()> {
        Box::pin(SfuHandle::set_rendered_size(
            self,
            participant,
            mid,
            width,
            height,
        ))
    }

    fn set_muted(&self, participant: ParticipantId, muted: bool) -> MediaFuture<'_, ()> {
        Box::pin(SfuHandle::set_muted(self, participant, muted))
    }

    fn remove(&self, participant: ParticipantId) {
        SfuHandle::remove(self, participant)
    }

    fn is_running(&self) -> bool {
        SfuHandle::is_running(self)
    }
}
