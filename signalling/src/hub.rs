//! Rooms as signalling sees them: who is in which room, and how to reach their sockets.
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use subtle::ConstantTimeEq;
use tokio::sync::mpsc;

use crate::close::{close, CloseReason};
use crate::limits::{self, AddressSlot, AddressSlots};
use crate::media::MediaPlane;
use crate::protocol::{ParticipantInfo, ServerMessage, WaitingInfo};
use crate::session::Outbound;
use crate::{ParticipantId, Role, RoomClaims, RoomId, SignallingMetrics, TokenKeys};

/// Most participants in one room: citizen, clerk, interpreter, supervisor, and room for a
/// few more (a family, a second clerk); beyond it joins are refused with `room_full`.
pub const MAX_PARTICIPANTS: usize = 8;

/// How long a dropped participant's place is held by default: long enough for a phone to
/// move from Wi-Fi to mobile data or a tab to wake, short enough that the others are not
/// left waiting for someone who closed the page.
pub const DEFAULT_RESUME_GRACE: Duration = Duration::from_secs(30);

/// A fresh resume token: 256 random bits as hex.
pub(crate) fn new_resume_token() -> String {
    format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    )
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
    /// The token's subject: who this is across joins (for `remove`).
    sub: String,
    name: String,
    role: Role,
    /// Muted by the clerk (until it unmutes itself).
    muted: bool,
    /// Its published tracks, as announced (`track_published` frames), for newcomers.
    tracks: Vec<(String, String)>,
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

/// Someone in the office's waiting queue, not yet in their room.
struct Waiter {
    room: RoomId,
    participant: ParticipantId,
    claims: RoomClaims,
    tx: mpsc::UnboundedSender<Outbound>,
    session: u64,
    resume_token: String,
    /// Queue order: the room's opening time (the appointment), then arrival.
    order: (u64, u64),
    since: Instant,
}

impl Waiter {
    fn info(&self, now: Instant) -> WaitingInfo {
        WaitingInfo {
            participant: self.participant.to_string(),
            name: self.claims.name.clone(),
            role: self.claims.role,
            waiting_seconds: now.saturating_duration_since(self.since).as_secs(),
        }
    }
}

/// Someone waiting, as the clerk console lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LobbyEntry {
    /// The room (and so the booking) they wait for.
    pub room: RoomId,
    /// The booking named in their token.
    pub booking: String,
    /// Their place in the queue (1 is next).
    pub position: usize,
    /// Who waits.
    pub info: WaitingInfo,
}

/// Why a join was not taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    RoomFull,
    CallEnded,
    Removed,
}

/// What a join became.
pub(crate) enum Entered {
    /// In the room; `joined` and what it catches up with are sent.
    Joined,
    /// In the waiting room at this position.
    Waiting(usize),
}

/// How long an ended call keeps refusing joins, and a removed participant stays out:
/// longer than any token for the appointment lives.
const REFUSE_FOR: Duration = Duration::from_secs(24 * 3600);

#[derive(Default)]
struct State {
    rooms: HashMap<RoomId, Vec<Member>>,
    /// The office's waiting queue, in order.
    lobby: Vec<Waiter>,
    /// Ended calls, and when.
    ended: HashMap<RoomId, Instant>,
    /// Subjects removed from a room, and when.
    removed: HashMap<(RoomId, String), Instant>,
    arrivals: u64,
}

impl State {
    /// Tells the waiters in `range` their place in the queue (the others kept theirs).
    fn tell_positions(&self, range: std::ops::Range<usize>) {
        for (i, w) in self
            .lobby
            .iter()
            .enumerate()
            .take(range.end)
            .skip(range.start)
        {
            let _ = w.tx.send(Outbound::Text(
                ServerMessage::Waiting {
                    participant: w.participant.to_string(),
                    position: i + 1,
                }
                .to_json(),
            ));
        }
    }

    /// Sends `msg` to the clerks in `room`.
    fn tell_clerks(&self, room: &RoomId, msg: &ServerMessage) {
        let Some(members) = self.rooms.get(room) else {
            return;
        };
        let frame = msg.to_json();
        for m in members.iter().filter(|m| m.role.may_moderate()) {
            let _ = m.tx.send(Outbound::Text(frame.clone()));
        }
    }

    /// Queues `w`: one entry per person (token subject) and room, so a second window, or a
    /// script replaying one token, takes the first one's place (which is closed) instead of
    /// queueing beside it and filling the clerk's list. Returns the place in the queue.
    fn queue(&mut self, mut w: Waiter, metrics: &SignallingMetrics) -> usize {
        let same = self
            .lobby
            .iter()
            .position(|o| o.room == w.room && o.claims.sub == w.claims.sub);
        if let Some(at) = same {
            let old = self.lobby.remove(at);
            let _ = old
                .tx
                .send(Outbound::Text(ServerMessage::bye("replaced").to_json()));
            close(metrics, &old.tx, CloseReason::Replaced);
            self.tell_clerks(
                &old.room,
                &ServerMessage::LobbyRemove {
                    participant: old.participant.to_string(),
                },
            );
            // The same person keeps its place and its waiting time: a reload is no penalty.
            w.order = old.order;
            w.since = old.since;
            self.insert_waiter(at, w, at + 1);
            return at + 1;
        }
        self.arrivals += 1;
        w.order = (w.claims.opens_at.unwrap_or(0), self.arrivals);
        let at = self.lobby.partition_point(|o| o.order <= w.order);
        let moved = self.lobby.len() + 1;
        self.insert_waiter(at, w, moved);
        at + 1
    }

    /// Puts `w` into the queue at `at`; the waiters in `at..moved_to` hear their (new)
    /// place, the room's clerks see the newcomer.
    fn insert_waiter(&mut self, at: usize, w: Waiter, moved_to: usize) {
        let room = w.room.clone();
        let position = 1 + self.lobby[..at].iter().filter(|o| o.room == room).count();
        let added = ServerMessage::lobby_add(position, w.info(Instant::now()));
        self.lobby.insert(at, w);
        self.tell_positions(at..moved_to);
        self.tell_clerks(&room, &added);
    }

    /// After the waiter `w` at `at` was taken out of the queue: those behind it moved up
    /// and hear so, the room's clerks see it go.
    fn waiter_gone(&self, at: usize, w: &Waiter) {
        self.tell_positions(at..self.lobby.len());
        self.tell_clerks(
            &w.room,
            &ServerMessage::LobbyRemove {
                participant: w.participant.to_string(),
            },
        );
    }

    fn lobby_frame(&self, room: &RoomId, now: Instant) -> String {
        ServerMessage::Lobby {
            waiting: self
                .lobby
                .iter()
                .filter(|w| &w.room == room)
                .map(|w| w.info(now))
                .collect(),
        }
        .to_json()
    }

    fn prune(&mut self) {
        let now = Instant::now();
        self.ended
            .retain(|_, t| now.saturating_duration_since(*t) < REFUSE_FOR);
        self.removed
            .retain(|_, t| now.saturating_duration_since(*t) < REFUSE_FOR);
    }
}

/// Someone entered or left a room: for whoever keeps a record of calls (the portal writes
/// it into the case's audit log). The hub knows rooms and token subjects, not bookings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoomEvent {
    /// The room.
    pub room: String,
    /// The room token's subject (`citizen:…`, `clerk:…`, `guest:…`).
    pub sub: String,
    /// Its role in the room.
    pub role: Role,
    /// What happened.
    pub kind: RoomEventKind,
}

/// What a [`RoomEvent`] says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoomEventKind {
    /// Entered the room (a waiting participant: when admitted).
    Joined,
    /// Left it: by leaving, being removed, the call ending, or its place expiring.
    Left,
}

/// Signalling state of one node: rooms and their members, the media plane and the token
/// keys.
pub struct Hub {
    pub(crate) keys: TokenKeys,
    /// The media plane (the in-process SFU, or a fake in tests): the room code does not
    /// know which.
    pub(crate) media: Arc<dyn MediaPlane>,
    pub(crate) metrics: SignallingMetrics,
    pub(crate) clock: Clock,
    state: Mutex<State>,
    shutting_down: AtomicBool,
    next_session: AtomicU64,
    /// How long a dropped participant's place is held for `resume`.
    pub(crate) resume_grace: Duration,
    /// How long a new socket has to send a valid `join` or `resume`.
    pub(crate) join_deadline: Duration,
    /// Open sockets per client address.
    address_slots: AddressSlots,
    /// Where joins and leaves are told, once someone listens.
    events: std::sync::OnceLock<mpsc::UnboundedSender<RoomEvent>>,
}

/// What a successful `resume` hands the new session (`resumed` is sent).
pub(crate) struct Reattached {
    pub participant: ParticipantId,
    pub role: Role,
}

impl Hub {
    /// A hub over `media`, checking tokens with `keys`.
    pub fn new(
        keys: TokenKeys,
        media: Arc<dyn MediaPlane>,
        metrics: SignallingMetrics,
        clock: Clock,
    ) -> Self {
        Self {
            keys,
            media,
            metrics,
            clock,
            state: Mutex::new(State::default()),
            shutting_down: AtomicBool::new(false),
            next_session: AtomicU64::new(1),
            resume_grace: DEFAULT_RESUME_GRACE,
            join_deadline: limits::JOIN_DEADLINE,
            address_slots: AddressSlots::new(limits::MAX_SOCKETS_PER_ADDRESS),
            events: std::sync::OnceLock::new(),
        }
    }

    /// Tells `events` of every join and leave from now on ([`RoomEvent`]); false if
    /// someone listens already. Unbounded: a record that lags must not hold up a call, and
    /// it is one small message per join or leave.
    pub fn send_events_to(&self, events: mpsc::UnboundedSender<RoomEvent>) -> bool {
        self.events.set(events).is_ok()
    }

    fn tell(&self, room: &RoomId, sub: &str, role: Role, kind: RoomEventKind) {
        if let Some(events) = self.events.get() {
            let _ = events.send(RoomEvent {
                room: room.to_string(),
                sub: sub.to_owned(),
                role,
                kind,
            });
        }
    }

    /// Closes a socket that has not joined (or resumed) within `deadline` (default
    /// [`limits::JOIN_DEADLINE`]).
    pub fn with_join_deadline(mut self, deadline: Duration) -> Self {
        self.join_deadline = deadline;
        self
    }

    /// Lets one client address hold at most `max` sockets (default
    /// [`limits::MAX_SOCKETS_PER_ADDRESS`]).
    pub fn with_max_sockets_per_address(mut self, max: usize) -> Self {
        self.address_slots = AddressSlots::new(max);
        self
    }

    /// Sockets open from `addr` now.
    pub fn open_sockets_from(&self, addr: std::net::IpAddr) -> usize {
        self.address_slots.open(addr)
    }

    /// A place for one more socket from `addr` (hold it as long as the socket lives), or
    /// `None`, counted, when the address holds its share already.
    pub fn take_address_slot(&self, addr: std::net::IpAddr) -> Option<AddressSlot> {
        let slot = self.address_slots.take(addr);
        if slot.is_none() {
            self.metrics
                .sockets_refused
                .with_label_values(&[limits::REFUSED_ADDRESS_LIMIT])
                .inc();
        }
        slot
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
        let mut st = self.state();
        let Some(members) = st.rooms.get_mut(room) else {
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
        let unclaimed = self.state().rooms.get(room).is_some_and(|members| {
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
    /// from one whose socket is dead but not yet noticed). The others hear it is back; the
    /// new socket gets `resumed` and what it catches up with (see [`catch_up`]) before any
    /// other frame of the room.
    pub(crate) fn reattach(
        &self,
        room: &RoomId,
        token: &str,
        session: u64,
        tx: mpsc::UnboundedSender<Outbound>,
    ) -> Option<Reattached> {
        let out = tx.clone();
        let mut st = self.state();
        let members = st.rooms.get_mut(room)?;
        let idx = members.iter().position(|m| {
            !token.is_empty() && bool::from(m.resume_token.as_bytes().ct_eq(token.as_bytes()))
        })?;
        let was_detached = members[idx].detached;
        let old = std::mem::replace(&mut members[idx].tx, tx);
        // A still-open old socket is closed: one place, one connection.
        close(&self.metrics, &old, CloseReason::ResumedElsewhere);
        // The token is spent: a copy (a leaked log line, a stolen page state) no longer
        // takes the place over; the new socket gets the next one.
        let resume_token = new_resume_token();
        members[idx].resume_token = resume_token.clone();
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
        let resumed = ServerMessage::Resumed {
            participant: participant.to_string(),
            room: room.to_string(),
            role,
            participants: present,
            resume_token,
        };
        let _ = out.send(Outbound::Text(resumed.to_json()));
        for frame in catch_up(&st, room, &participant, role, true) {
            let _ = out.send(Outbound::Text(frame));
        }
        Some(Reattached { participant, role })
    }

    /// A verified participant enters: into its room, or (with `lobby` in its token) into
    /// the office's waiting queue, where a clerk admits it. The others are told. One that
    /// enters the room gets `joined` and what it catches up with (see [`catch_up`]) before
    /// any other frame of the room: sent under the lock that puts it there, so no track
    /// announced meanwhile comes before them, or twice.
    pub(crate) fn enter(
        &self,
        room: &RoomId,
        participant: &ParticipantId,
        claims: &RoomClaims,
        tx: mpsc::UnboundedSender<Outbound>,
        session: u64,
        resume_token: String,
    ) -> Result<Entered, Refusal> {
        let mut st = self.state();
        st.prune();
        if st.ended.contains_key(room) {
            return Err(Refusal::CallEnded);
        }
        if st.removed.contains_key(&(room.clone(), claims.sub.clone())) {
            return Err(Refusal::Removed);
        }
        if claims.lobby {
            let waiter = Waiter {
                room: room.clone(),
                participant: participant.clone(),
                claims: claims.clone(),
                tx,
                session,
                resume_token,
                // Set by `queue`.
                order: (0, 0),
                since: Instant::now(),
            };
            return Ok(Entered::Waiting(st.queue(waiter, &self.metrics)));
        }
        let out = tx.clone();
        let member = Member {
            participant: participant.clone(),
            sub: claims.sub.clone(),
            name: claims.name.clone(),
            role: claims.role,
            muted: false,
            tracks: Vec::new(),
            tx,
            resume_token: resume_token.clone(),
            session,
            detached: false,
        };
        let present = put_in_room(&mut st, room, member)?;
        self.tell(room, &claims.sub, claims.role, RoomEventKind::Joined);
        let joined = ServerMessage::Joined {
            participant: participant.to_string(),
            room: room.to_string(),
            role: claims.role,
            participants: present,
            resume_token,
        };
        let _ = out.send(Outbound::Text(joined.to_json()));
        for frame in catch_up(&st, room, participant, claims.role, false) {
            let _ = out.send(Outbound::Text(frame));
        }
        Ok(Entered::Joined)
    }

    /// Tells everyone in `room` that `topic` changed (`notice`), so their pages fetch what
    /// changed from the portal. Returns how many were told.
    pub fn notify_room(&self, room: &str, topic: &str) -> usize {
        let Some(room) = RoomId::parse(room) else {
            return 0;
        };
        let st = self.state();
        let Some(members) = st.rooms.get(&room) else {
            return 0;
        };
        let frame = ServerMessage::Notice {
            topic: topic.to_owned(),
        }
        .to_json();
        for m in members {
            let _ = m.tx.send(Outbound::Text(frame.clone()));
        }
        members.len()
    }

    /// Lets a waiting participant into `room`: it receives `joined`, the others
    /// `participant_joined`. False if nobody waits under that ID for that room.
    pub fn admit(&self, room: &RoomId, participant: &str) -> Result<bool, crate::ErrorCode> {
        let mut st = self.state();
        let Some(idx) = st
            .lobby
            .iter()
            .position(|w| &w.room == room && w.participant.as_str() == participant)
        else {
            return Ok(false);
        };
        if st
            .rooms
            .get(room)
            .is_some_and(|m| m.len() >= MAX_PARTICIPANTS)
        {
            return Err(crate::ErrorCode::RoomFull);
        }
        let w = st.lobby.remove(idx);
        let joined = ServerMessage::Joined {
            participant: w.participant.to_string(),
            room: room.to_string(),
            role: w.claims.role,
            participants: st
                .rooms
                .get(room)
                .map(|ms| ms.iter().map(Member::info).collect())
                .unwrap_or_default(),
            resume_token: w.resume_token.clone(),
        }
        .to_json();
        let _ = w.tx.send(Outbound::Text(joined));
        for frame in catch_up(&st, room, &w.participant, w.claims.role, false) {
            let _ = w.tx.send(Outbound::Text(frame));
        }
        let gone = ServerMessage::LobbyRemove {
            participant: w.participant.to_string(),
        };
        let member = Member {
            participant: w.participant.clone(),
            sub: w.claims.sub.clone(),
            name: w.claims.name.clone(),
            role: w.claims.role,
            muted: false,
            tracks: Vec::new(),
            tx: w.tx,
            resume_token: w.resume_token,
            session: w.session,
            detached: false,
        };
        let (sub, role) = (member.sub.clone(), member.role);
        put_in_room(&mut st, room, member).map_err(|_| crate::ErrorCode::RoomFull)?;
        self.tell(room, &sub, role, RoomEventKind::Joined);
        // Those behind move up; the clerks (the admitted one now among them, if a clerk
        // waited) see the entry go.
        st.tell_positions(idx..st.lobby.len());
        st.tell_clerks(room, &gone);
        tracing::info!(room = %room, participant = %participant, "admitted from the waiting room");
        Ok(true)
    }

    /// Turns a waiting participant away: `bye` (`declined`) and its socket closes. False if
    /// nobody waits under that ID for that room.
    pub fn decline(&self, room: &RoomId, participant: &str) -> bool {
        let mut st = self.state();
        let Some(idx) = st
            .lobby
            .iter()
            .position(|w| &w.room == room && w.participant.as_str() == participant)
        else {
            return false;
        };
        let w = st.lobby.remove(idx);
        let _ =
            w.tx.send(Outbound::Text(ServerMessage::bye("declined").to_json()));
        close(&self.metrics, &w.tx, CloseReason::Declined);
        st.waiter_gone(idx, &w);
        tracing::info!(room = %room, participant = %participant, "declined from the waiting room");
        true
    }

    /// The socket of a waiting participant closed: it leaves the queue.
    pub(crate) fn leave_lobby(&self, room: &RoomId, participant: &ParticipantId, session: u64) {
        let mut st = self.state();
        let found = st
            .lobby
            .iter()
            .position(|w| &w.room == room && &w.participant == participant && w.session == session);
        if let Some(at) = found {
            let w = st.lobby.remove(at);
            st.waiter_gone(at, &w);
        }
    }

    /// Whether `participant` is in `room` (admitted), not waiting.
    pub(crate) fn is_member(&self, room: &RoomId, participant: &ParticipantId) -> bool {
        self.state()
            .rooms
            .get(room)
            .is_some_and(|ms| ms.iter().any(|m| &m.participant == participant))
    }

    /// Who waits, over all rooms, in queue order: the clerk console's list.
    pub fn lobby(&self) -> Vec<LobbyEntry> {
        let st = self.state();
        let now = Instant::now();
        st.lobby
            .iter()
            .enumerate()
            .map(|(i, w)| LobbyEntry {
                room: w.room.clone(),
                booking: w.claims.booking.clone(),
                position: i + 1,
                info: w.info(now),
            })
            .collect()
    }

    /// Marks a member muted (or not) and tells the room. False if it is not in `room`.
    pub(crate) fn set_muted(&self, room: &RoomId, participant: &str, muted: bool) -> bool {
        let mut st = self.state();
        let Some(members) = st.rooms.get_mut(room) else {
            return false;
        };
        let Some(m) = members
            .iter_mut()
            .find(|m| m.participant.as_str() == participant)
        else {
            return false;
        };
        m.muted = muted;
        let frame = ServerMessage::Muted {
            participant: participant.to_owned(),
            muted,
        }
        .to_json();
        for m in members.iter() {
            let _ = m.tx.send(Outbound::Text(frame.clone()));
        }
        true
    }

    /// Whether the clerk muted this member (and it has not unmuted itself).
    pub(crate) fn is_muted(&self, room: &RoomId, participant: &ParticipantId) -> bool {
        self.state()
            .rooms
            .get(room)
            .is_some_and(|ms| ms.iter().any(|m| &m.participant == participant && m.muted))
    }

    /// Sends a member out of the call: `bye` (`removed`), its socket closes, the others
    /// see it leave; its token's subject cannot come back into this room. False if it is
    /// not in `room`.
    pub(crate) fn remove(&self, room: &RoomId, participant: &str) -> bool {
        let target = {
            let mut st = self.state();
            let Some(m) = st
                .rooms
                .get(room)
                .and_then(|ms| ms.iter().find(|m| m.participant.as_str() == participant))
            else {
                return false;
            };
            let _ =
                m.tx.send(Outbound::Text(ServerMessage::bye("removed").to_json()));
            close(&self.metrics, &m.tx, CloseReason::Removed);
            let key = (room.clone(), m.sub.clone());
            let id = m.participant.clone();
            st.removed.insert(key, Instant::now());
            id
        };
        self.leave(room, &target, "removed");
        true
    }

    /// Ends the call: everyone in the room and its waiting room gets `bye` (`call_ended`)
    /// and is closed, media stops, and the room refuses joins from now on.
    pub(crate) fn end(&self, room: &RoomId) {
        let mut st = self.state();
        st.ended.insert(room.clone(), Instant::now());
        let bye = ServerMessage::bye("call_ended").to_json();
        for m in st.rooms.remove(room).unwrap_or_default() {
            self.tell(room, &m.sub, m.role, RoomEventKind::Left);
            self.media.remove(m.participant.clone());
            let _ = m.tx.send(Outbound::Text(bye.clone()));
            close(&self.metrics, &m.tx, CloseReason::CallEnded);
        }
        let first = st.lobby.iter().position(|w| &w.room == room);
        let (gone, kept): (Vec<Waiter>, Vec<Waiter>) = std::mem::take(&mut st.lobby)
            .into_iter()
            .partition(|w| &w.room == room);
        st.lobby = kept;
        for w in gone {
            let _ = w.tx.send(Outbound::Text(bye.clone()));
            close(&self.metrics, &w.tx, CloseReason::CallEnded);
        }
        // Those who waited behind this room's people moved up (its clerks are gone).
        if let Some(first) = first {
            st.tell_positions(first..st.lobby.len());
        }
        tracing::info!(room = %room, "call ended by the clerk");
    }

    /// Takes a participant out of its room and the SFU, and tells the others why.
    pub(crate) fn leave(&self, room: &RoomId, participant: &ParticipantId, reason: &str) {
        self.media.remove(participant.clone());
        let mut st = self.state();
        let Some(members) = st.rooms.get_mut(room) else {
            return;
        };
        if let Some(m) = members.iter().find(|m| &m.participant == participant) {
            self.tell(room, &m.sub, m.role, RoomEventKind::Left);
        }
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
            st.rooms.remove(room);
        }
    }

    /// Announces a track (`published` or not) to everyone in `room` and remembers it for
    /// those who come later.
    pub(crate) fn announce_track(&self, room: &RoomId, msg: &ServerMessage) {
        let frame = msg.to_json();
        let mut st = self.state();
        let Some(members) = st.rooms.get_mut(room) else {
            return;
        };
        match msg {
            ServerMessage::TrackPublished {
                participant, track, ..
            } => {
                if let Some(m) = members
                    .iter_mut()
                    .find(|m| m.participant.as_str() == participant)
                {
                    m.tracks.push((track.clone(), frame.clone()));
                }
            }
            ServerMessage::TrackUnpublished { participant, track } => {
                if let Some(m) = members
                    .iter_mut()
                    .find(|m| m.participant.as_str() == participant)
                {
                    m.tracks.retain(|(t, _)| t != track);
                }
            }
            _ => {}
        }
        for m in members.iter() {
            let _ = m.tx.send(Outbound::Text(frame.clone()));
        }
    }

    /// Sends a chat message to everyone in `room`; returns how many others got it.
    pub(crate) fn chat(&self, room: &RoomId, from: &ParticipantId, id: &str, text: &str) -> usize {
        let st = self.state();
        let Some(members) = st.rooms.get(room) else {
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

    /// Tells every client the node is going away and to come back shortly, then closes
    /// their sockets; new joins are refused from now on.
    pub fn shutdown(&self) {
        self.shutting_down.store(true, Ordering::SeqCst);
        let bye = ServerMessage::Bye {
            reason: "server_shutdown".into(),
            reconnect_after_seconds: Some(RECONNECT_AFTER_SHUTDOWN.as_secs()),
        }
        .to_json();
        let st = self.state();
        let everyone = st
            .rooms
            .values()
            .flatten()
            .map(|m| &m.tx)
            .chain(st.lobby.iter().map(|w| &w.tx));
        for tx in everyone {
            let _ = tx.send(Outbound::Text(bye.clone()));
            close(&self.metrics, tx, CloseReason::ServerShutdown);
        }
    }

    /// Whether [`Hub::shutdown`] was called.
    pub fn is_shutting_down(&self) -> bool {
        self.shutting_down.load(Ordering::SeqCst)
    }

    /// Rooms with at least one member.
    pub fn room_count(&self) -> usize {
        self.state().rooms.len()
    }

    /// Members over all rooms (not counting the waiting room).
    pub fn participant_count(&self) -> usize {
        self.state().rooms.values().map(Vec::len).sum()
    }

    /// Whether the media plane this hub drives still runs (the portal's `/readyz`).
    pub fn media_ready(&self) -> bool {
        self.media.is_running()
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock leaves the state consistent (every update is a
        // single insert/retain), so a poisoned lock is still usable.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// When clients told of a shutdown should try again: a restart under systemd takes a few
/// seconds; clients back off from there.
pub const RECONNECT_AFTER_SHUTDOWN: Duration = Duration::from_secs(3);

/// What a participant that just entered `room` (joined, admitted or resumed) needs after
/// its `joined`/`resumed`: the tracks the others already publish and, for a clerk, who
/// waits (later changes of both are pushed as they happen). `even_empty_lobby` (after
/// `resumed`): the clerk may have missed changes while its socket was away, so it gets the
/// list even when it is empty. Sent under the lock, so no change slips in between the
/// list and the next `lobby_add`/`lobby_remove`.
fn catch_up(
    st: &State,
    room: &RoomId,
    me: &ParticipantId,
    role: Role,
    even_empty_lobby: bool,
) -> Vec<String> {
    let mut frames: Vec<String> = st
        .rooms
        .get(room)
        .into_iter()
        .flatten()
        .filter(|m| &m.participant != me)
        .flat_map(|m| m.tracks.iter().map(|(_, frame)| frame.clone()))
        .collect();
    if role.may_moderate() && (even_empty_lobby || st.lobby.iter().any(|w| &w.room == room)) {
        frames.push(st.lobby_frame(room, Instant::now()));
    }
    frames
}

fn put_in_room(
    st: &mut State,
    room: &RoomId,
    member: Member,
) -> Result<Vec<ParticipantInfo>, Refusal> {
    let joined = ServerMessage::ParticipantJoined(member.info()).to_json();
    let members = st.rooms.entry(room.clone()).or_default();
    if members.len() >= MAX_PARTICIPANTS {
        return Err(Refusal::RoomFull);
    }
    let present = members.iter().map(Member::info).collect();
    for m in members.iter() {
        let _ = m.tx.send(Outbound::Text(joined.clone()));
    }
    members.push(member);
    Ok(present)
}
