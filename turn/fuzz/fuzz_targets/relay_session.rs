//! A whole client session against the sans-IO relay: the fuzzer chooses a sequence of signed
//! requests (with attributes it makes up, plus well-formed peer addresses from a table that
//! includes every deny-list spelling), raw datagrams, peer datagrams, clock jumps and closed
//! connections. Properties: no panic; every reply parses and carries a valid FINGERPRINT;
//! a username never holds more allocations than its quota; no denied peer is ever relayed to.
#![no_main]

use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use vamt_turn::allocation::{Client, Transport};
use vamt_turn::auth::{long_term_key, Credentials};
use vamt_turn::peer_policy::PeerPolicy;
use vamt_turn::relay::{ClientAction, Relay, RelayConfig};
use vamt_turn::stun::{self, StunMessage, StunWriter};

const QUOTA: usize = 3;

/// Peers to name: public, and one of each refused kind.
const PEERS: &[&str] = &[
    "203.0.113.5:6000",
    "[2001:db8::5]:6000",
    "127.0.0.1:6000",
    "10.1.2.3:6000",
    "169.254.169.254:80",
    "[::ffff:127.0.0.1]:6000",
    "[::1]:6000",
    "[64:ff9b::a00:1]:6000",
    "[2002:a00:1::]:6000",
    "0.0.0.0:6000",
];

#[derive(Debug, Arbitrary)]
enum Attr {
    Peer(u8),
    Lifetime(u32),
    Channel(u16),
    Transport(u8),
    Family(u8),
    EvenPort(u8),
    Raw(u16, Vec<u8>),
}

#[derive(Debug, Arbitrary)]
enum Op {
    Request {
        method: u8,
        attrs: Vec<Attr>,
        sha256: bool,
        client: u8,
        good_key: bool,
    },
    Raw {
        client: u8,
        bytes: Vec<u8>,
    },
    ChannelData {
        client: u8,
        channel: u16,
        payload: Vec<u8>,
    },
    Peer {
        relay: u8,
        peer: u8,
        payload: Vec<u8>,
    },
    Wait(u16),
    Close(u8),
}

fn peer(i: u8) -> SocketAddr {
    PEERS[usize::from(i) % PEERS.len()]
        .parse()
        .expect("table address")
}

fn client(i: u8) -> Client {
    Client {
        addr: SocketAddr::from(([192, 0, 2, 1], 4000 + u16::from(i % 4))),
        transport: if i & 4 == 0 {
            Transport::Udp
        } else {
            Transport::Tcp
        },
    }
}

/// Whether the relay replied, and where it relayed to.
fn outcome(action: &ClientAction<'_>) -> (bool, Option<SocketAddr>) {
    match action {
        ClientAction::None => (false, None),
        ClientAction::Reply | ClientAction::ReplyAndRelease(_) => (true, None),
        ClientAction::Relay { to, .. } => (false, Some(*to)),
    }
}

fn reply_ok(out: &[u8]) {
    let m = StunMessage::parse(out).expect("reply parses");
    assert!(
        m.attribute(stun::ATTR_FINGERPRINT).is_some(),
        "reply has FINGERPRINT"
    );
}

fuzz_target!(|ops: Vec<Op>| {
    let users = [("alice".to_string(), "secret".to_string())].into();
    let mut cfg = RelayConfig::new("fuzz", Credentials::Static(users));
    cfg.user_quota = QUOTA;
    cfg.policy = PeerPolicy::new();
    let mut relay = Relay::new(cfg);
    let key = long_term_key("alice", "fuzz", "secret");
    let mut now = Instant::now();
    let mut wall = 1_000_000u64;
    let mut out = Vec::new();
    let mut relays: Vec<SocketAddr> = Vec::new();
    let mut next_port = 50000u16;

    // The nonce comes from the 401 challenge, as a real client gets it.
    let mut req = Vec::new();
    StunWriter::new(
        &mut req,
        stun::METHOD_ALLOCATE,
        stun::CLASS_REQUEST,
        &[7; 12],
    )
    .attribute(stun::ATTR_REQUESTED_TRANSPORT, &[17, 0, 0, 0])
    .fingerprint();
    let _ = relay.client_message(now, wall, client(0), &req, &mut out, &mut |_, _| None);
    let nonce = StunMessage::parse(&out)
        .ok()
        .and_then(|m| m.attribute(stun::ATTR_NONCE).map(<[u8]>::to_vec))
        .expect("challenge carries a nonce");

    for (n, op) in ops.into_iter().take(64).enumerate() {
        let mut bind = |v6: bool, even: bool| {
            next_port = next_port.wrapping_add(if even { 2 - next_port % 2 } else { 1 });
            let ip: IpAddr = if v6 {
                "2001:db8::1".parse().expect("ip")
            } else {
                "198.51.100.1".parse().expect("ip")
            };
            Some(SocketAddr::new(ip, next_port))
        };
        let (replied, relayed_to) = match op {
            Op::Request {
                method,
                attrs,
                sha256,
                client: ci,
                good_key,
            } => {
                let method = [
                    stun::METHOD_ALLOCATE,
                    stun::METHOD_REFRESH,
                    stun::METHOD_CREATE_PERMISSION,
                    stun::METHOD_CHANNEL_BIND,
                    stun::METHOD_BINDING,
                ][usize::from(method) % 5];
                let txn = [n as u8; 12];
                let mut w = StunWriter::new(&mut req, method, stun::CLASS_REQUEST, &txn);
                for a in attrs.iter().take(8) {
                    match a {
                        Attr::Peer(i) => {
                            w.xor_address(stun::ATTR_XOR_PEER_ADDRESS, peer(*i));
                        }
                        Attr::Lifetime(s) => {
                            w.attribute(stun::ATTR_LIFETIME, &s.to_be_bytes());
                        }
                        Attr::Channel(ch) => {
                            let mut v = ch.to_be_bytes().to_vec();
                            v.extend_from_slice(&[0, 0]);
                            w.attribute(stun::ATTR_CHANNEL_NUMBER, &v);
                        }
                        Attr::Transport(t) => {
                            w.attribute(stun::ATTR_REQUESTED_TRANSPORT, &[*t, 0, 0, 0]);
                        }
                        Attr::Family(f) => {
                            w.attribute(stun::ATTR_REQUESTED_ADDRESS_FAMILY, &[*f, 0, 0, 0]);
                        }
                        Attr::EvenPort(e) => {
                            w.attribute(stun::ATTR_EVEN_PORT, &[*e]);
                        }
                        Attr::Raw(t, v) => {
                            let v = &v[..v.len().min(64)];
                            w.attribute(*t, v);
                        }
                    }
                }
                w.attribute(stun::ATTR_USERNAME, b"alice")
                    .attribute(stun::ATTR_REALM, b"fuzz")
                    .attribute(stun::ATTR_NONCE, &nonce);
                let k = if good_key { key } else { [0u8; 16] };
                w.integrity(&k, sha256).fingerprint();
                let action = relay.client_message(now, wall, client(ci), &req, &mut out, &mut bind);
                outcome(&action)
            }
            Op::Raw { client: ci, bytes } => {
                let action =
                    relay.client_message(now, wall, client(ci), &bytes, &mut out, &mut bind);
                outcome(&action)
            }
            Op::ChannelData {
                client: ci,
                channel,
                payload,
            } => {
                req.clear();
                req.extend_from_slice(&(0x4000 | (channel & 0x3FFF)).to_be_bytes());
                req.extend_from_slice(&(payload.len() as u16).to_be_bytes());
                req.extend_from_slice(&payload);
                let action = relay.client_message(now, wall, client(ci), &req, &mut out, &mut bind);
                outcome(&action)
            }
            Op::Peer {
                relay: ri,
                peer: pi,
                payload,
            } => {
                if let Some(r) = relays.get(usize::from(ri) % relays.len().max(1)) {
                    let _ = relay.peer_datagram(now, *r, peer(pi), &payload, &mut out);
                }
                continue;
            }
            Op::Wait(s) => {
                now += Duration::from_secs(u64::from(s));
                wall += u64::from(s);
                let _ = relay.expire(now);
                continue;
            }
            Op::Close(ci) => {
                let _ = relay.connection_closed(client(ci), now);
                continue;
            }
        };
        if let Some(to) = relayed_to {
            assert!(PeerPolicy::new().allows(to.ip()).is_ok(), "relayed to {to}");
        }
        if replied {
            reply_ok(&out);
            if let Ok(m) = StunMessage::parse(&out) {
                if m.class() == stun::CLASS_SUCCESS {
                    if let Some(v) = m.attribute(stun::ATTR_XOR_RELAYED_ADDRESS) {
                        if let Some(a) = stun::decode_xor_address(v, m.transaction_id()) {
                            relays.push(a);
                        }
                    }
                }
            }
        }
        assert!(relay.allocation_count() <= QUOTA, "quota exceeded");
        let _ = relay.drain_notes().count();
    }
});
