//! Arbitrary bytes as a STUN message, a ChannelData frame or a peer datagram: the codec must
//! reject or accept without panicking, and what it accepts must stay in bounds for every
//! accessor; the relay must answer an unauthenticated stranger without panicking.
#![no_main]

use std::net::SocketAddr;
use std::time::Instant;

use libfuzzer_sys::fuzz_target;
use vamt_turn::allocation::{Client, Transport};
use vamt_turn::auth::Credentials;
use vamt_turn::relay::{Relay, RelayConfig};
use vamt_turn::stun::{self, StunMessage};

fuzz_target!(|data: &[u8]| {
    if let Ok(msg) = StunMessage::parse(data) {
        let _ = (msg.method(), msg.class(), msg.transaction_id());
        assert!(msg.raw().len() <= data.len());
        let txn = msg.transaction_id();
        for typ in [
            stun::ATTR_XOR_PEER_ADDRESS,
            stun::ATTR_XOR_MAPPED_ADDRESS,
            stun::ATTR_XOR_RELAYED_ADDRESS,
        ] {
            for value in msg.attributes(typ) {
                let _ = stun::decode_xor_address(value, txn);
            }
        }
        let _ = msg.verify_integrity(b"key");
        let _ = msg.unknown_required(&[stun::ATTR_USERNAME, stun::ATTR_REALM]);
    }

    let mut relay = Relay::new(RelayConfig::new(
        "fuzz",
        Credentials::SharedSecret("secret".into()),
    ));
    let client = Client {
        addr: SocketAddr::from(([192, 0, 2, 1], 4000)),
        transport: Transport::Udp,
    };
    let now = Instant::now();
    let mut out = Vec::new();
    let mut bind = |_: bool, _: bool| Some(SocketAddr::from(([198, 51, 100, 1], 50000)));
    let _ = relay.client_message(now, 1_000_000, client, data, &mut out, &mut bind);
    if !out.is_empty() {
        // Whatever the relay answers is itself a well-formed STUN message.
        assert!(StunMessage::parse(&out).is_ok(), "reply does not parse");
    }
    let _ = relay.peer_datagram(
        now,
        SocketAddr::from(([198, 51, 100, 1], 50000)),
        SocketAddr::from(([203, 0, 113, 5], 6000)),
        data,
        &mut out,
    );
    let _ = relay.drain_notes().count();
});
