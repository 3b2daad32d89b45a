//! Shards: one media thread per core, each with its own [`Sfu`](crate::Sfu) core, rooms
//! pinned to one of them. All participants still share the one UDP port, so the thread that
//! reads the socket hands each datagram to the shard that holds its participant.
//!
//! This module is the sans-IO part of that: where a room goes ([`Placement`]) and which
//! shard a datagram belongs to ([`Dispatch`]). A datagram from a known source is one map
//! lookup on the reading thread; a new source (first contact, ICE restart, network change)
//! always opens with an ICE connectivity check whose USERNAME names the SFU-side ufrag, and
//! the placement knows which shard gave out that ufrag.
use std::collections::HashMap;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use crate::{ParticipantId, RoomId};

/// Which shard each room and participant lives on, and each participant's ICE ufrag.
/// Shared between signalling's handle (placing, forgetting) and the reading thread
/// (looking up ufrags of new sources); never touched per media packet.
#[derive(Debug)]
pub struct Placement {
    /// Participants per shard, the load a new room is balanced by.
    load: Vec<usize>,
    rooms: HashMap<RoomId, (usize, usize)>,
    participants: HashMap<ParticipantId, Placed>,
    ufrags: HashMap<String, usize>,
}

#[derive(Debug)]
struct Placed {
    room: RoomId,
    shard: usize,
    ufrag: Option<String>,
}

impl Placement {
    /// A placement over `shards` shards (at least one).
    pub fn new(shards: usize) -> Self {
        Self {
            load: vec![0; shards.max(1)],
            rooms: HashMap::new(),
            participants: HashMap::new(),
            ufrags: HashMap::new(),
        }
    }

    /// How many shards there are.
    pub fn shards(&self) -> usize {
        self.load.len()
    }

    /// The shard for `participant` joining `room`: the room's shard if it has one, else
    /// the least loaded shard (lowest index on a tie). A participant already placed keeps
    /// its shard (a renegotiation).
    pub fn place(&mut self, room: &RoomId, participant: &ParticipantId) -> usize {
        if let Some(p) = self.participants.get(participant) {
            return p.shard;
        }
        let shard = match self.rooms.get_mut(room) {
            Some((shard, members)) => {
                *members += 1;
                *shard
            }
            None => {
                let shard = self
                    .load
                    .iter()
                    .enumerate()
                    .min_by_key(|(i, load)| (**load, *i))
                    .map_or(0, |(i, _)| i);
                self.rooms.insert(room.clone(), (shard, 1));
                shard
            }
        };
        self.load[shard] += 1;
        self.participants.insert(
            participant.clone(),
            Placed {
                room: room.clone(),
                shard,
                ufrag: None,
            },
        );
        shard
    }

    /// The shard holding `participant`, if it is placed.
    pub fn shard_of(&self, participant: &ParticipantId) -> Option<usize> {
        self.participants.get(participant).map(|p| p.shard)
    }

    /// Records the SFU-side ICE ufrag `participant` now uses (after each accepted offer:
    /// an ICE restart changes it). The previous one stops routing.
    pub fn set_ufrag(&mut self, participant: &ParticipantId, ufrag: String) {
        let Some(p) = self.participants.get_mut(participant) else {
            return;
        };
        if p.ufrag.as_deref() == Some(ufrag.as_str()) {
            return;
        }
        if let Some(old) = p.ufrag.take() {
            self.ufrags.remove(&old);
        }
        self.ufrags.insert(ufrag.clone(), p.shard);
        p.ufrag = Some(ufrag);
    }

    /// The shard that gave out `ufrag`.
    pub fn ufrag_shard(&self, ufrag: &str) -> Option<usize> {
        self.ufrags.get(ufrag).copied()
    }

    /// Forgets a participant that left; its room's shard is free again once the room is
    /// empty. Unknown participants are ignored.
    pub fn forget(&mut self, participant: &ParticipantId) {
        let Some(p) = self.participants.remove(participant) else {
            return;
        };
        if let Some(ufrag) = p.ufrag {
            self.ufrags.remove(&ufrag);
        }
        self.load[p.shard] = self.load[p.shard].saturating_sub(1);
        if let Some((_, members)) = self.rooms.get_mut(&p.room) {
            *members = members.saturating_sub(1);
            if *members == 0 {
                self.rooms.remove(&p.room);
            }
        }
    }

    /// Participants on each shard.
    pub fn load(&self) -> &[usize] {
        &self.load
    }
}

/// The SFU-side ufrag named by an ICE connectivity check (a STUN Binding request whose
/// USERNAME is `server-ufrag:client-ufrag`, RFC 8445 §7.2.2), or `None` for any other
/// datagram. Only looks, never validates: the shard's `Rtc` checks MESSAGE-INTEGRITY.
pub fn binding_ufrag(datagram: &[u8]) -> Option<&str> {
    const BINDING_REQUEST: u16 = 0x0001;
    const MAGIC_COOKIE: [u8; 4] = [0x21, 0x12, 0xA4, 0x42];
    const USERNAME: u16 = 0x0006;
    if datagram.len() < 20
        || u16::from_be_bytes([datagram[0], datagram[1]]) != BINDING_REQUEST
        || datagram[4..8] != MAGIC_COOKIE
    {
        return None;
    }
    let length = usize::from(u16::from_be_bytes([datagram[2], datagram[3]]));
    let body = datagram.get(20..20 + length)?;
    let mut at = 0;
    while at + 4 <= body.len() {
        let kind = u16::from_be_bytes([body[at], body[at + 1]]);
        let len = usize::from(u16::from_be_bytes([body[at + 2], body[at + 3]]));
        let value = body.get(at + 4..at + 4 + len)?;
        if kind == USERNAME {
            let username = std::str::from_utf8(value).ok()?;
            let (server, _) = username.split_once(':')?;
            return (!server.is_empty()).then_some(server);
        }
        // Attributes are padded to four bytes.
        at += 4 + len.div_ceil(4) * 4;
    }
    None
}

/// How often routes of participants that are gone are dropped.
const SWEEP_INTERVAL: Duration = Duration::from_secs(10);

/// The reading thread's routing table: source address → shard, learned from connectivity
/// checks. Owned by that thread alone, so the per-datagram lookup takes no lock.
#[derive(Debug)]
pub struct Dispatch {
    routes: HashMap<SocketAddr, Route>,
    swept: Instant,
}

#[derive(Debug)]
struct Route {
    shard: usize,
    ufrag: Box<str>,
}

impl Dispatch {
    /// An empty table.
    pub fn new(now: Instant) -> Self {
        Self {
            routes: HashMap::new(),
            swept: now,
        }
    }

    /// The shard `datagram` from `source` belongs to, or `None` for a stranger. A
    /// connectivity check whose ufrag `placement` knows (re)routes its source.
    pub fn shard_for(
        &mut self,
        source: SocketAddr,
        datagram: &[u8],
        placement: &std::sync::Mutex<Placement>,
    ) -> Option<usize> {
        if let Some(ufrag) = binding_ufrag(datagram) {
            let known = match self.routes.get(&source) {
                Some(r) if &*r.ufrag == ufrag => Some(r.shard),
                _ => None,
            };
            if known.is_some() {
                return known;
            }
            let shard = placement
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .ufrag_shard(ufrag);
            if let Some(shard) = shard {
                self.routes.insert(
                    source,
                    Route {
                        shard,
                        ufrag: ufrag.into(),
                    },
                );
                return Some(shard);
            }
        }
        self.routes.get(&source).map(|r| r.shard)
    }

    /// Drops, at most every few seconds, the routes whose ufrag no longer belongs to a
    /// participant (it left, or restarted ICE elsewhere).
    pub fn sweep(&mut self, now: Instant, placement: &std::sync::Mutex<Placement>) {
        if now.saturating_duration_since(self.swept) < SWEEP_INTERVAL {
            return;
        }
        self.swept = now;
        let placement = placement.lock().unwrap_or_else(|p| p.into_inner());
        self.routes
            .retain(|_, r| placement.ufrag_shard(&r.ufrag) == Some(r.shard));
    }

    /// Routes held.
    pub fn len(&self) -> usize {
        self.routes.len()
    }

    /// Whether no route is held.
    pub fn is_empty(&self) -> bool {
        self.routes.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    /// A Binding request as a browser sends it: USERNAME, then other attributes.
    fn binding(username: &str) -> Vec<u8> {
        let mut attrs = Vec::new();
        let mut attr = |kind: u16, value: &[u8]| {
            attrs.extend_from_slice(&kind.to_be_bytes());
            attrs.extend_from_slice(&(value.len() as u16).to_be_bytes());
            attrs.extend_from_slice(value);
            attrs.resize(attrs.len().div_ceil(4) * 4, 0);
        };
        attr(0x8029, &[1; 8]); // ICE-CONTROLLING before USERNAME: order is free
        attr(0x0006, username.as_bytes());
        attr(0x0024, &[0, 0, 0, 1]); // PRIORITY
        let mut m = vec![0x00, 0x01];
        m.extend_from_slice(&(attrs.len() as u16).to_be_bytes());
        m.extend_from_slice(&[0x21, 0x12, 0xA4, 0x42]);
        m.extend_from_slice(&[9; 12]);
        m.extend_from_slice(&attrs);
        m
    }

    #[test]
    fn the_server_ufrag_is_read_from_a_binding_request() {
        assert_eq!(binding_ufrag(&binding("srv1:cli9")), Some("srv1"));
        // Odd lengths are padded: the attribute after one is still found.
        assert_eq!(binding_ufrag(&binding("abc:de")), Some("abc"));
    }

    #[test]
    fn anything_else_names_no_ufrag() {
        assert_eq!(binding_ufrag(&binding("no-colon")), None);
        assert_eq!(binding_ufrag(&binding(":cli")), None);
        let mut response = binding("srv:cli");
        response[1] = 0x01;
        response[0] = 0x01; // a Binding success response
        assert_eq!(binding_ufrag(&response), None);
        let mut rtp = binding("srv:cli");
        rtp[0] = 0x80;
        assert_eq!(binding_ufrag(&rtp), None);
        let mut cookie = binding("srv:cli");
        cookie[4] = 0;
        assert_eq!(binding_ufrag(&cookie), None);
        // Truncated anywhere, or a length that overruns: no panic, no ufrag.
        let whole = binding("srv:cli");
        for cut in 0..whole.len() {
            let _ = binding_ufrag(&whole[..cut]);
        }
        let mut overrun = whole.clone();
        overrun[3] = 0xff;
        assert_eq!(binding_ufrag(&overrun), None);
        assert_eq!(binding_ufrag(&[]), None);
    }

    #[test]
    fn rooms_stay_together_and_new_rooms_go_to_the_least_loaded_shard() {
        let mut p = Placement::new(3);
        let (r1, r2, r3, r4) = (
            RoomId::random(),
            RoomId::random(),
            RoomId::random(),
            RoomId::random(),
        );
        let a = ParticipantId::random();
        let b = ParticipantId::random();
        assert_eq!(p.place(&r1, &a), 0);
        assert_eq!(p.place(&r1, &b), 0, "the room's shard");
        assert_eq!(p.place(&r1, &a), 0, "a renegotiation keeps the shard");
        assert_eq!(p.place(&r2, &ParticipantId::random()), 1);
        assert_eq!(p.place(&r3, &ParticipantId::random()), 2);
        assert_eq!(p.load(), &[2, 1, 1]);
        assert_eq!(
            p.place(&r4, &ParticipantId::random()),
            1,
            "least loaded, lowest"
        );
        p.forget(&a);
        p.forget(&b);
        p.forget(&b);
        assert_eq!(p.load(), &[0, 2, 1]);
        let c = ParticipantId::random();
        assert_eq!(p.place(&r1, &c), 0, "an emptied room is placed afresh");
        assert_eq!(p.shard_of(&c), Some(0));
        assert_eq!(p.shard_of(&a), None);
    }

    #[test]
    fn datagrams_follow_the_ufrag_and_stale_routes_are_swept() {
        let placement = Mutex::new(Placement::new(2));
        let (room, a) = (RoomId::random(), ParticipantId::random());
        {
            let mut p = placement.lock().expect("lock");
            p.place(&RoomId::random(), &ParticipantId::random());
            assert_eq!(p.place(&room, &a), 1);
            p.set_ufrag(&a, "ufA1".into());
        }
        let t0 = Instant::now();
        let mut d = Dispatch::new(t0);
        let src: SocketAddr = "198.51.100.7:5000".parse().expect("addr");
        let moved: SocketAddr = "203.0.113.9:6000".parse().expect("addr");
        assert_eq!(
            d.shard_for(src, &[0x80, 0x60, 0, 1], &placement),
            None,
            "stranger"
        );
        assert_eq!(d.shard_for(src, &binding("nope:x"), &placement), None);
        assert_eq!(d.shard_for(src, &binding("ufA1:x"), &placement), Some(1));
        assert_eq!(
            d.shard_for(src, &[0x80, 0x60, 0, 1], &placement),
            Some(1),
            "RTP"
        );
        // ICE restart from a new network: a new ufrag, a new source.
        placement.lock().expect("lock").set_ufrag(&a, "ufA2".into());
        assert_eq!(d.shard_for(moved, &binding("ufA2:y"), &placement), Some(1));
        assert_eq!(d.len(), 2);
        d.sweep(t0 + Duration::from_secs(1), &placement);
        assert_eq!(d.len(), 2, "not yet due");
        d.sweep(t0 + SWEEP_INTERVAL, &placement);
        assert_eq!(d.len(), 1, "the old ufrag's route is gone");
        placement.lock().expect("lock").forget(&a);
        d.sweep(t0 + SWEEP_INTERVAL * 2, &placement);
        assert!(d.is_empty());
        assert_eq!(d.shard_for(moved, &[0x80, 0x60, 0, 1], &placement), None);
    }
}
