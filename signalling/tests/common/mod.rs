//! What the signalling integration tests share: the token secret and a clerk's `join`.
use vamt_signalling::session::Inbound;
use vamt_signalling::{Role, RoomClaims, TokenKeys};

/// The secret the tests' hubs verify room tokens with.
pub const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

/// A `join` frame for a direct (no waiting room) join of `room`.
pub fn join_frame(room: &str) -> Inbound {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs();
    let token = TokenKeys::from_secret(SECRET)
        .sign(&RoomClaims {
            sub: "clerk:1".into(),
            name: "Clerk".into(),
            room: room.into(),
            booking: "BK_1".into(),
            role: Role::Clerk,
            iat: now,
            exp: now + 3600,
            lobby: false,
            opens_at: None,
        })
        .expect("sign");
    Inbound::Text(
        serde_json::json!({"type": "join", "protocol": 1, "room": room, "token": token})
            .to_string(),
    )
}
