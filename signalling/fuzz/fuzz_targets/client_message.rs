//! Arbitrary text as a client's WebSocket text frame, through `protocol::parse_client`: the
//! parser the session hands every frame to before anything else reads it (`session.rs`).
//! Properties:
//! - no panic, whatever the frame;
//! - a frame that parses is of a `type` the protocol documents, that type is the frame's
//!   own `type`, and the message serialised again parses to the same message (nothing the
//!   client sent is lost or changed on the way through the types);
//! - a frame that does not parse gets one of the parser's own error codes, the right one
//!   (`too_large` by size alone, `unknown_type` exactly when the `type` names no message,
//!   `malformed` otherwise), and the `error` frame the session answers with is itself a
//!   well-formed server message carrying that code and explanation.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde::{Deserialize, Serialize};

// The protocol's own source, as the server compiles it (see Cargo.toml for why not the crate).
#[allow(dead_code)]
#[path = "../../src/protocol.rs"]
mod protocol;

use protocol::{parse_client, ErrorCode, ServerMessage, MAX_MESSAGE_BYTES};

/// Stands in for `vamt_signalling::Role`, which protocol.rs names as `crate::Role`. Only
/// server messages carry a role, and no client message does, so what the parser accepts or
/// refuses does not depend on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The person the appointment is for.
    Citizen,
    /// The office's clerk.
    Clerk,
    /// An interpreter.
    Interpreter,
    /// Receives only.
    Observer,
}

/// Every client message `type`, as docs/protocol.md lists them. Kept apart from the
/// parser's own list on purpose: a type the parser accepts but the documentation does not
/// know, or the other way round, fails here.
const CLIENT_TYPES: &[&str] = &[
    "join",
    "resume",
    "offer",
    "answer",
    "candidate",
    "chat",
    "video_size",
    "track_sources",
    "ping",
    "leave",
    "admit",
    "decline",
    "mute",
    "unmute",
    "remove",
    "end_call",
];

/// The frame's `type`, if it is a JSON object with a string there.
fn type_tag(text: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(text).ok()?;
    value.get("type")?.as_str().map(str::to_owned)
}

fuzz_target!(|data: &[u8]| {
    // A WebSocket text frame is UTF-8 (the server's WebSocket layer refuses other bytes
    // before the session sees them); bytes that are not are made into text rather than
    // wasted.
    let text = String::from_utf8_lossy(data);
    match parse_client(&text) {
        Ok(msg) => {
            assert!(
                text.len() <= MAX_MESSAGE_BYTES,
                "a frame over the limit parsed"
            );
            assert!(
                CLIENT_TYPES.contains(&msg.kind()),
                "undocumented type {}",
                msg.kind()
            );
            assert_eq!(
                type_tag(&text).as_deref(),
                Some(msg.kind()),
                "parsed as another type than the frame names"
            );
            let again = serde_json::to_string(&msg).expect("a parsed message serialises");
            assert_eq!(
                parse_client(&again).as_ref(),
                Ok(&msg),
                "re-serialised as {again}"
            );
        }
        Err((code, message)) => {
            let too_large = text.len() > MAX_MESSAGE_BYTES;
            let tag = type_tag(&text);
            match code {
                ErrorCode::TooLarge => assert!(too_large, "too_large for {} bytes", text.len()),
                ErrorCode::UnknownType => assert!(
                    !too_large && tag.as_deref().is_some_and(|t| !CLIENT_TYPES.contains(&t)),
                    "unknown_type for type {tag:?}"
                ),
                ErrorCode::Malformed => assert!(
                    !too_large && tag.as_deref().is_none_or(|t| CLIENT_TYPES.contains(&t)),
                    "malformed for type {tag:?}"
                ),
                other => panic!("the parser answered {other:?}, not one of its codes"),
            }
            // What the session sends back (session.rs, reply_error).
            let reply = ServerMessage::error(code, message.clone()).to_json();
            let back: ServerMessage =
                serde_json::from_str(&reply).expect("the error reply is a server message");
            assert_eq!(
                back,
                ServerMessage::Error {
                    code,
                    message,
                    retry_at: None
                }
            );
        }
    }
});
