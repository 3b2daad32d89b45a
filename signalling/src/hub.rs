//! Rooms as signalling sees them: who is in which room, and how to reach their sockets.
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{SystemTime, UNIX_EPOCH};

use tokio::sync::mpsc;
use vamt_sfu::server::SfuHandle;

use crate::protocol::{ParticipantInfo, ServerMessage};
use crate::session::Outbound;
use crate::{ParticipantId, Role, RoomClaims, RoomId, SignallingMetrics, TokenKeys};

/// Most participants in one room: citizen, clerk, interpreter, supervisor, and room for a
/// few more (a family, a second clerk); beyond it joins are refused with `room_full`.
pub const MAX_PARTICIPANTS: usize = 8;

/// A clock in seconds since the Unix epoch; injected so expiry is tested without sleeping.
pub type Clock = Arc<dyn Fn() -> u64 + Send + Sync>;

/// The system clock.
pub fn system_clock() -> Clock {
    Arc::new(|| {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0)
    })
}

struct Member {
    participant: ParticipantId,
    name: String,
    role: Role,
    tx: mpsc::UnboundedSender<Outbound>,
}

impl Member {
    fn info(&self) -> ParticipantInfo {
        ParticipantInfo {
            participant: self.participant.to_string(),
            name: self.name.clone(),
            role: self.role,
        }
    }
}

/// Signalling state of one node: rooms and their members, the SFU and the token keys.
pub struct Hub {
    pub(crate) keys: TokenKeys,
    pub(crate) sfu: SfuHandle,
    pub(crate) metrics: SignallingMetrics,
    pub(crate) clock: Clock,
    rooms: Mutex<HashMap<RoomId, Vec<Member>>>,
    shutting_down: AtomicBool,
}

impl Hub {
    /// A hub over `sfu`, checking tokens with `keys`.
    pub fn new(keys: TokenKeys, sfu: SfuHandle, metrics: SignallingMetrics, clock: Clock) -> Self {
        Self {
            keys,
            sfu,
            metrics,
            clock,
            rooms: Mutex::new(HashMap::new()),
            shutting_down: AtomicBool::new(false),
        }
    }

    /// Puts a verified participant into its room and tells the others. Returns who was
    /// there already, or `None` if the room is full.
    pub(crate) fn admit(
        &self,
        room: &RoomId,
        participant: &ParticipantId,
        claims: &RoomClaims,
        tx: mpsc::UnboundedSender<Outbound>,
    ) -> Option<Vec<ParticipantInfo>> {
        let member = Member {
            participant: participant.clone(),
            name: claims.name.clone(),
            role: claims.role,
            tx,
        };
        let joined = ServerMessage::ParticipantJoined(member.info()).to_json();
        let mut rooms = self.rooms();
        let members = rooms.entry(room.clone()).or_default();
        if members.len() >= MAX_PARTICIPANTS {
            return None;
        }
        let present = members.iter().map(Member::info).collect();
        for m in members.iter() {
            let _ = m.tx.send(Outbound::Text(joined.clone()));
        }
        members.push(member);
        Some(present)
    }

    /// Takes a participant out of its room and the SFU, and tells the others why.
    pub(crate) fn leave(&self, room: &RoomId, participant: &ParticipantId, reason: &str) {
        self.sfu.remove(participant.clone());
        let mut rooms = self.rooms();
        let Some(members) = rooms.get_mut(room) else {
            return;
        };
        members.retain(|m| &m.participant != participant);
        let left = ServerMessage::ParticipantLeft {
            participant: participant.to_string(),
            reason: reason.to_owned(),
        }
        .to_json();
        for m in members.iter() {
            let _ = m.tx.send(Outbound::Text(left.clone()));
        }
        if members.is_empty() {
            rooms.remove(room);
        }
    }

    /// Sends a chat message to everyone in `room`; returns how many others got it.
    pub(crate) fn chat(&self, room: &RoomId, from: &ParticipantId, id: &str, text: &str) -> usize {
        let rooms = self.rooms();
        let Some(members) = rooms.get(room) else {
            return 0;
        };
        let name = members
            .iter()
            .find(|m| &m.participant == from)
            .map(|m| m.name.clone())
            .unwrap_or_default();
        let frame = ServerMessage::Chat {
            from: from.to_string(),
            name,
            id: id.to_owned(),
            text: text.to_owned(),
        }
        .to_json();
        let mut delivered = 0;
        for m in members {
            if m.tx.send(Outbound::Text(frame.clone())).is_ok() && &m.participant != from {
                delivered += 1;
            }
        }
        delivered
    }

    /// Tells every client the node is going away and closes their sockets; new joins are
    /// refused from now on.
    pub fn shutdown(&self) {
        self.shutting_down.store(true, Ordering::SeqCst);
        let bye = ServerMessage::Bye {
            reason: "server_shutdown".into(),
        }
        .to_json();
        for members in self.rooms().values() {
            for m in members {
                let _ = m.tx.send(Outbound::Text(bye.clone()));
                let _ = m.tx.send(Outbound::Close {
                    code: 1001,
                    reason: "server shutdown".into(),
                });
            }
        }
    }

    /// Whether [`Hub::shutdown`] was called.
    pub fn is_shutting_down(&self) -> bool {
        self.shutting_down.load(Ordering::SeqCst)
    }

    /// Rooms with at least one member.
    pub fn room_count(&self) -> usize {
        self.rooms().len()
    }

    /// Members over all rooms.
    pub fn participant_count(&self) -> usize {
        self.rooms().values().map(Vec::len).sum()
    }

    /// The media server this hub drives.
    pub fn sfu(&self) -> &SfuHandle {
        &self.sfu
    }

    fn rooms(&self) -> MutexGuard<'_, HashMap<RoomId, Vec<Member>>> {
        // A panic while holding the lock leaves the map consistent (every update is a
        // single insert/retain), so a poisoned lock is still usable.
        self.rooms.lock().unwrap_or_else(|p| p.into_inner())
    }
}
