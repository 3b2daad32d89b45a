//! The failure limit over real sockets (issue 18): a TURN server on 127.0.0.1, one client
//! holding an allocation and another port of the same address (a shared NAT) failing to
//! authenticate until it is ignored. The holder's Refresh must still be answered.
//!
//! Whether a request was ignored is told without waiting for a silence: each such request
//! is followed by a Binding request from the same socket, which the limit never drops; the
//! server reads one socket in order, so the next datagram back is the Binding answer exactly
//! when the request before it got none.
use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use tokio::net::UdpSocket;
use tokio::sync::oneshot;
use vamt_turn::auth::{long_term_key, Credentials};
use vamt_turn::relay::RelayConfig;
use vamt_turn::server::{RelayAddress, TurnServer};
use vamt_turn::stun::{
    StunMessage, StunWriter, ATTR_ERROR_CODE, ATTR_LIFETIME, ATTR_NONCE, ATTR_REALM,
    ATTR_REQUESTED_TRANSPORT, ATTR_USERNAME, CLASS_ERROR, CLASS_REQUEST, CLASS_SUCCESS,
    METHOD_ALLOCATE, METHOD_BINDING, METHOD_REFRESH,
};
use vamt_turn::TurnMetrics;

const REALM: &str = "vamt.test";

/// A bound for a reply that must come; only a broken server reaches it.
const REPLY_WITHIN: Duration = Duration::from_secs(10);

struct Peer {
    socket: UdpSocket,
    server: SocketAddr,
}

impl Peer {
    async fn new(server: SocketAddr) -> Self {
        let socket = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0))
            .await
            .expect("client socket");
        Self { socket, server }
    }

    async fn send(&self, datagram: &[u8]) {
        self.socket
            .send_to(datagram, self.server)
            .await
            .expect("send");
    }

    /// The next datagram from the server: transaction ID, class, error code, bytes.
    async fn next(&self) -> ([u8; 12], u16, Option<u16>, Vec<u8>) {
        let mut buf = vec![0u8; 2048];
        let n = tokio::time::timeout(REPLY_WITHIN, self.socket.recv(&mut buf))
            .await
            .expect("the server answers")
            .expect("recv");
        buf.truncate(n);
        let m = StunMessage::parse(&buf).expect("reply parses");
        let mut txn = [0u8; 12];
        txn.copy_from_slice(m.transaction_id());
        let code = m
            .attribute(ATTR_ERROR_CODE)
            .map(|v| u16::from(v[2]) * 100 + u16::from(v[3]));
        (txn, m.class(), code, buf.to_vec())
    }

    /// Sends `datagram`, then a Binding request: the reply's class and error code, or
    /// `None` when the server ignored `datagram` (the Binding answer is the next thing back).
    async fn answer(&self, datagram: &[u8], probe: [u8; 12]) -> Option<(u16, Option<u16>)> {
        self.send(datagram).await;
        let mut binding = Vec::new();
        StunWriter::new(&mut binding, METHOD_BINDING, CLASS_REQUEST, &probe).fingerprint();
        self.send(&binding).await;
        let (txn, class, code, _) = self.next().await;
        if txn == probe {
            return None;
        }
        let (after, ..) = self.next().await;
        assert_eq!(after, probe, "the Binding answer after the reply");
        Some((class, code))
    }
}

/// A request signed as `alice` with `password`.
fn signed(method: u16, txn: [u8; 12], nonce: &[u8], password: &str, lifetime: bool) -> Vec<u8> {
    let mut req = Vec::new();
    let mut w = StunWriter::new(&mut req, method, CLASS_REQUEST, &txn);
    if method == METHOD_ALLOCATE {
        w.attribute(ATTR_REQUESTED_TRANSPORT, &[17, 0, 0, 0]);
    }
    if lifetime {
        w.attribute(ATTR_LIFETIME, &600u32.to_be_bytes());
    }
    w.attribute(ATTR_USERNAME, b"alice")
        .attribute(ATTR_REALM, REALM.as_bytes())
        .attribute(ATTR_NONCE, nonce)
        .integrity(&long_term_key("alice", REALM, password), false)
        .fingerprint();
    req
}

#[tokio::test]
async fn a_shared_address_over_its_failure_limit_keeps_its_live_allocations() {
    let users = [("alice".to_owned(), "secret".to_owned())].into();
    let cfg = RelayConfig::new(REALM, Credentials::Static(users));
    let burst = cfg.auth_failure_burst;
    let metrics = TurnMetrics::unregistered().expect("metrics");
    let server = TurnServer::bind(
        (Ipv4Addr::LOCALHOST, 0).into(),
        cfg,
        &[RelayAddress {
            bind: Ipv4Addr::LOCALHOST.into(),
            external: None,
        }],
        metrics.clone(),
    )
    .await
    .expect("bind");
    let addr = server.local_addr().expect("addr");
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(server.run(async {
        let _ = stopped.await;
    }));

    // The holder allocates: challenged first, then signed.
    let holder = Peer::new(addr).await;
    let mut req = Vec::new();
    StunWriter::new(&mut req, METHOD_ALLOCATE, CLASS_REQUEST, &[1; 12])
        .attribute(ATTR_REQUESTED_TRANSPORT, &[17, 0, 0, 0])
        .fingerprint();
    holder.send(&req).await;
    let (_, class, code, reply) = holder.next().await;
    assert_eq!((class, code), (CLASS_ERROR, Some(401)));
    let nonce = StunMessage::parse(&reply)
        .expect("401")
        .attribute(ATTR_NONCE)
        .expect("nonce")
        .to_vec();
    holder
        .send(&signed(METHOD_ALLOCATE, [2; 12], &nonce, "secret", false))
        .await;
    let (_, class, code, _) = holder.next().await;
    assert_eq!((class, code), (CLASS_SUCCESS, None), "allocated");

    // Another port of the same address fails until it is ignored: the burst (20) is
    // answered with 401, the 21st attempt and a right password after it are not.
    let guesser = Peer::new(addr).await;
    for n in 0..burst {
        let txn = [10 + n as u8; 12];
        guesser
            .send(&signed(METHOD_ALLOCATE, txn, &nonce, "guess", false))
            .await;
        let (got, _, code, _) = guesser.next().await;
        assert_eq!((got, code), (txn, Some(401)), "failure {n}");
    }
    let wrong = signed(METHOD_ALLOCATE, [40; 12], &nonce, "guess", false);
    assert_eq!(
        guesser.answer(&wrong, [41; 12]).await,
        None,
        "the 21st failure"
    );
    let right = signed(METHOD_ALLOCATE, [42; 12], &nonce, "secret", false);
    assert_eq!(
        guesser.answer(&right, [43; 12]).await,
        None,
        "a new Allocate backs off"
    );

    // The holder's Refresh, signed with its allocation's key, from the same address.
    let refresh = signed(METHOD_REFRESH, [3; 12], &nonce, "secret", true);
    assert_eq!(
        holder.answer(&refresh, [44; 12]).await,
        Some((CLASS_SUCCESS, None)),
        "the Refresh of a live allocation is answered despite the failure limit"
    );
    let forged = signed(METHOD_REFRESH, [4; 12], &nonce, "guess", true);
    assert_eq!(
        holder.answer(&forged, [45; 12]).await,
        None,
        "a Refresh the allocation's key does not sign is still ignored"
    );
    assert_eq!(metrics.auth_failures.get(), u64::from(burst));
    assert_eq!(metrics.auth_rate_limited.get(), 3);
    assert_eq!(metrics.allocations.get(), 1);

    let _ = stop.send(());
    task.await.expect("server stops");
}
