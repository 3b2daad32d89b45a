//! Rooms as signalling sees them: who is in which room, and how to reach their sockets.
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::sync::mpsc;
use vamt_sfu::server::SfuHandle;

use crate::protocol::{ParticipantInfo, ServerMessage};
use crate::session::Outbound;
use crate::{ParticipantId, Role, RoomClaims, RoomId, SignallingMetrics, TokenKeys};

/// Most participants in one room: citizen, clerk, interpreter, supervisor, and room for a
/// few more (a family, a second clerk); beyond it joins are refused with `room_full`.
pub const MAX_PARTICIPANTS: usize = 8;

/// How long a dropped participant's place is held by default: long enough for a phone to
/// move from Wi-Fi to mobile data or a tab to wake, short enough that the others are not
/// left waiting for someone who closed the page.
pub const DEFAULT_RESUME_GRACE: Duration = Duration::from_secs(30);

/// Compares secrets without an early exit on the first differing byte.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

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
    /// The secret a new socket presents to take this place over.
    resume_token: String,
    /// The session (socket) that owns the place now.
    session: u64,
    /// Its socket dropped; the place is held until the grace period ends.
    detached: bool,
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
    next_session: AtomicU64,
    /// How long a dropped participant's place is held for `resume`.
    pub(crate) resume_grace: Duration,
}

/// What a successful `resume` hands the new session.
pub(crate) struct Reattached {
    pub participant: ParticipantId,
    pub role: Role,
    pub present: Vec<ParticipantInfo>,
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
            next_session: AtomicU64::new(1),
            resume_grace: DEFAULT_RESUME_GRACE,
        }
    }

    /// Holds a dropped participant's place for `grace` (default 30 s) before it leaves.
    pub fn with_resume_grace(mut self, grace: Duration) -> Self {
        self.resume_grace = grace;
        self
    }

    /// A new session (socket) number.
    pub(crate) fn new_session(&self) -> u64 {
        self.next_session.fetch_add(1, Ordering::Relaxed)
    }

    /// The socket of `session` dropped without `leave`: hold the participant's place and
    /// tell the others it is reconnecting. False if another session owns the place by now
    /// (the participant resumed before this socket was noticed gone).
    pub(crate) fn detach(&self, room: &RoomId, participant: &ParticipantId, session: u64) -> bool {
        let mut rooms = self.rooms();
        let Some(members) = rooms.get_mut(room) else {
            return false;
        };
        let Some(m) = members
            .iter_mut()
            .find(|m| &m.participant == participant && m.session == session)
        else {
            return false;
        };
        m.detached = true;
        let note = ServerMessage::ParticipantReconnecting {
            participant: participant.to_string(),
        }
        .to_json();
        for m in members.iter().filter(|m| &m.participant != participant) {
            let _ = m.tx.send(Outbound::Text(note.clone()));
        }
        true
    }

    /// The grace period of a detach ended: if the place is still unclaimed, the participant
    /// leaves (`connection_lost`).
    pub(crate) fn expire(&self, room: &RoomId, participant: &ParticipantId, session: u64) {
        let unclaimed = self.rooms().get(room).is_some_and(|members| {
            members
                .iter()
                .any(|m| &m.participant == participant && m.session == session && m.detached)
        });
        if unclaimed {
            self.leave(room, participant, "connection_lost");
            tracing::info!(room = %room, participant = %participant, "resume grace period over: left");
        }
    }

    /// A new socket presents `token`: it takes over the place (from a detached session, or
    /// from one whose socket is dead but not yet noticed). The others hear it is back.
    pub(crate) fn reattach(
        &self,
        room: &RoomId,
        token: &str,
        session: u64,
        tx: mpsc::UnboundedSender<Outbound>,
    ) -> Option<Reattached> {
        let mut rooms = self.rooms();
        let members = rooms.get_mut(room)?;
        let idx = members.iter().position(|m| {
            !token.is_empty() && constant_time_eq(m.resume_token.as_bytes(), token.as_bytes())
        })?;
        let was_detached = members[idx].detached;
        let old = std::mem::replace(&mut members[idx].tx, tx);
        // A still-open old socket is closed: one place, one connection.
        let _ = old.send(Outbound::Close {
            code: 4000,
            reason: "resumed elsewhere".into(),
        });
        members[idx].session = session;
        members[idx].detached = false;
        let participant = members[idx].participant.clone();
        let role = members[idx].role;
        let back = ServerMessage::ParticipantResumed {
            participant: participant.to_string(),
        }
        .to_json();
        let mut present = Vec::new();
        for m in members.iter().filter(|m| m.participant != participant) {
            present.push(m.info());
            if was_detached {
                let _ = m.tx.send(Outbound::Text(back.clone()));
            }
        }
        Some(Reattached {
            participant,
            role,
            present,
        })
    }

    /// Puts a verified participant into its room and tells the others. Returns who was
    /// there already, or `None` if the room is full.
    pub(crate) fn admit(
        &self,
        room: &RoomId,
        participant: &ParticipantId,
        claims: &RoomClaims,
        tx: mpsc::UnboundedSender<Outbound>,
        session: u64,
        resume_token: String,
    ) -> Option<Vec<ParticipantInfo>> {
        let member = Member {
            participant: participant.clone(),
            name: claims.name.clone(),
            role: claims.role,
            tx,
            resume_token,
            session,
            detached: false,
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
