//! The signalling protocol, version 2: JSON text frames, one message per frame, each an
//! object with a `type`. `docs/protocol.md` documents it for client authors.
use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::Role;

/// The protocol version this server speaks. Version 2 added `track_sources` and the
/// `source` of `track_published`; the rest is version 1.
pub const PROTOCOL_VERSION: u32 = 2;

/// The oldest version a `join` or `resume` may name: a version-1 client is served as
/// before (what version 2 added is a message it does not send and a field it ignores).
pub const MIN_PROTOCOL_VERSION: u32 = 1;

/// Whether this server takes a `join` or `resume` naming `protocol`.
pub fn supports_protocol(protocol: u32) -> bool {
    (MIN_PROTOCOL_VERSION..=PROTOCOL_VERSION).contains(&protocol)
}

/// Most entries one `track_sources` may carry (a page sends two or three).
pub const MAX_TRACK_SOURCES: usize = 32;

/// Largest text frame accepted from a client. An SDP offer with audio, video and many
/// candidates stays well below it.
pub const MAX_MESSAGE_BYTES: usize = 64 * 1024;

/// Messages a client sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ClientMessage {
    /// First message on a socket: enter `room` with a room token from the portal.
    Join {
        /// From [`MIN_PROTOCOL_VERSION`] to [`PROTOCOL_VERSION`].
        protocol: u32,
        /// The room the page belongs to; must match the token's room.
        room: String,
        /// The room token (JWT).
        token: String,
    },
    /// First message on a new socket after the old one dropped: take up the place held
    /// for this participant (within the grace period) instead of joining anew.
    Resume {
        /// From [`MIN_PROTOCOL_VERSION`] to [`PROTOCOL_VERSION`].
        protocol: u32,
        /// The room of the interrupted session.
        room: String,
        /// The `resume_token` from `joined`.
        resume_token: String,
    },
    /// An SDP offer from the browser (first one after `joined`, or a renegotiation).
    Offer {
        /// The SDP text.
        sdp: String,
    },
    /// The browser's answer to a server `offer`.
    Answer {
        /// The SDP text.
        sdp: String,
    },
    /// A trickled ICE candidate; an empty `candidate` marks the end of candidates.
    Candidate {
        /// The `candidate:…` line.
        candidate: String,
    },
    /// A chat message to everyone in the room; answered with `chat_delivered`.
    Chat {
        /// The client's ID for the message (echoed in the receipt), 1–64 characters.
        id: String,
        /// The text, 1–2000 characters.
        text: String,
    },
    /// How large the page shows the video it receives on `mid` (its own transceiver's MID),
    /// in device pixels; the SFU then sends no larger simulcast layer than fills it.
    VideoSize {
        /// The MID of the receiving transceiver.
        mid: String,
        /// Width in device pixels (0 when hidden).
        width: u32,
        /// Height in device pixels (0 when hidden).
        height: u32,
    },
    /// What the client's sending tracks are, by the MID of their m-section in its own
    /// SDP: a track the SFU sees start on a named MID afterwards is announced with that
    /// `source` (unnamed: `camera` for video, `microphone` for audio). Send it before the
    /// `offer` that adds the track. Added in version 2.
    TrackSources {
        /// MID (of the client's own offer) → what the track on it is.
        sources: BTreeMap<String, TrackSource>,
    },
    /// Keep-alive; answered with `pong`.
    Ping,
    /// Leave the room; the server closes the socket afterwards.
    Leave,
    /// Clerk only: let a participant in from the waiting room (it then receives `joined`).
    Admit {
        /// The waiting participant's ID, from `lobby`.
        participant: String,
    },
    /// Clerk only: turn a participant in the waiting room away (it receives `bye`
    /// with reason `declined`).
    Decline {
        /// The waiting participant's ID, from `lobby`.
        participant: String,
    },
    /// Clerk only: silence a participant's microphone. The SFU stops forwarding its audio
    /// at once; only the participant itself can `unmute` (nobody is made audible by
    /// someone else).
    Mute {
        /// Whom to mute.
        participant: String,
    },
    /// Take back a mute: the participant's own microphone is forwarded again.
    Unmute,
    /// Clerk only: send a participant out of the call; its token no longer admits it.
    Remove {
        /// Whom to remove.
        participant: String,
    },
    /// Clerk only: end the call for everyone; the room takes no joins afterwards.
    EndCall,
}

impl ClientMessage {
    /// The `type` tag, for metrics and logs.
    pub fn kind(&self) -> &'static str {
        match self {
            ClientMessage::Join { .. } => "join",
            ClientMessage::Resume { .. } => "resume",
            ClientMessage::Offer { .. } => "offer",
            ClientMessage::Answer { .. } => "answer",
            ClientMessage::Candidate { .. } => "candidate",
            ClientMessage::Chat { .. } => "chat",
            ClientMessage::VideoSize { .. } => "video_size",
            ClientMessage::TrackSources { .. } => "track_sources",
            ClientMessage::Ping => "ping",
            ClientMessage::Leave => "leave",
            ClientMessage::Admit { .. } => "admit",
            ClientMessage::Decline { .. } => "decline",
            ClientMessage::Mute { .. } => "mute",
            ClientMessage::Unmute => "unmute",
            ClientMessage::Remove { .. } => "remove",
            ClientMessage::EndCall => "end_call",
        }
    }

    /// Whether the message has no field but `type` (so a frame of it holds nothing else).
    fn is_bare(&self) -> bool {
        matches!(
            self,
            ClientMessage::Ping
                | ClientMessage::Leave
                | ClientMessage::Unmute
                | ClientMessage::EndCall
        )
    }
}

/// What a published track carries, as its publisher said (`track_sources`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TrackSource {
    /// A camera (video).
    Camera,
    /// A microphone (audio).
    Microphone,
    /// A shared screen, window or tab (video, or the audio shared with it).
    Screen,
}

impl TrackSource {
    /// What a track of `kind` (`audio` or `video`) is when its publisher did not say:
    /// `microphone` for audio, `camera` for video.
    pub fn default_for(kind: &str) -> Self {
        if kind == "audio" {
            TrackSource::Microphone
        } else {
            TrackSource::Camera
        }
    }

    /// What a track of `kind` is, given what its publisher `said`: a source that cannot be
    /// of that kind (a video `microphone`, an audio `camera`) counts as not said.
    pub fn for_track(kind: &str, said: Option<TrackSource>) -> Self {
        match said {
            Some(TrackSource::Screen) => TrackSource::Screen,
            Some(TrackSource::Microphone) if kind == "audio" => TrackSource::Microphone,
            Some(TrackSource::Camera) if kind == "video" => TrackSource::Camera,
            _ => Self::default_for(kind),
        }
    }
}

/// Another participant as the client sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ParticipantInfo {
    /// The participant ID (`PA_…`).
    pub participant: String,
    /// Display name.
    pub name: String,
    /// Role in the room.
    pub role: Role,
}

/// Someone in a room's waiting room, as the clerk sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct WaitingInfo {
    /// The waiting participant's ID (`PA_…`), for `admit` and `decline`.
    pub participant: String,
    /// Display name.
    pub name: String,
    /// Role they will have in the call.
    pub role: Role,
    /// Seconds they have been waiting.
    pub waiting_seconds: u64,
}

/// Messages the server sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerMessage {
    /// The join succeeded; the client now sends its `offer`.
    Joined {
        /// This client's participant ID.
        participant: String,
        /// The room joined.
        room: String,
        /// This client's role.
        role: Role,
        /// Who else is in the room.
        participants: Vec<ParticipantInfo>,
        /// Secret for `resume` if this socket drops; keep it in memory only.
        resume_token: String,
    },
    /// The resume succeeded: the participant's place, media and subscriptions are as they
    /// were; the media connection was never interrupted by the socket drop.
    Resumed {
        /// This client's participant ID (unchanged).
        participant: String,
        /// The room.
        room: String,
        /// This client's role.
        role: Role,
        /// Who is in the room now.
        participants: Vec<ParticipantInfo>,
        /// A fresh secret for the next `resume`: the one just used no longer works (a
        /// resume token is a bearer secret; each works once). Keep it in memory only.
        resume_token: String,
    },
    /// The join was accepted into the waiting room: keep the socket open until `joined`
    /// (admitted) or `bye` (declined). Sent again whenever the position changes.
    Waiting {
        /// This client's participant ID.
        participant: String,
        /// Place in the office's queue: 1 is next.
        position: usize,
    },
    /// To clerks: the whole list of who waits to be admitted to this room, oldest
    /// appointment first. Sent after the clerk's `joined` (when someone waits) and after its
    /// `resumed`; changes follow as `lobby_add` and `lobby_remove`.
    Lobby {
        /// The waiting participants.
        waiting: Vec<WaitingInfo>,
    },
    /// To clerks: someone now waits for this room. Insert it into the list from `lobby` at
    /// `position`.
    LobbyAdd {
        /// Its place in this room's list once inserted: 1 is first.
        position: usize,
        /// The waiting participant's ID (`PA_…`), for `admit` and `decline`.
        participant: String,
        /// Display name.
        name: String,
        /// Role they will have in the call.
        role: Role,
        /// Seconds they have been waiting (more than 0 when the same person came back
        /// from another window and kept its place).
        waiting_seconds: u64,
    },
    /// To clerks: someone no longer waits for this room (admitted, declined, gone, or
    /// replaced by the same person's newer window). Take it out of the list.
    LobbyRemove {
        /// The participant ID from `lobby` or `lobby_add`.
        participant: String,
    },
    /// A participant's microphone was muted by the clerk (`by`) or unmuted by themselves.
    Muted {
        /// Whose microphone.
        participant: String,
        /// True when muted, false when unmuted.
        muted: bool,
    },
    /// A participant's signalling connection dropped; its place is held for the grace
    /// period. Show "reconnecting", not "left".
    ParticipantReconnecting {
        /// Their participant ID.
        participant: String,
    },
    /// A reconnecting participant is back.
    ParticipantResumed {
        /// Their participant ID.
        participant: String,
    },
    /// The answer to the client's offer.
    Answer {
        /// The SDP text.
        sdp: String,
    },
    /// An offer from the SFU (another participant's tracks to receive); reply with `answer`.
    Offer {
        /// The SDP text.
        sdp: String,
    },
    /// Media (ICE + DTLS) to the SFU is up.
    MediaConnected,
    /// Someone entered the room.
    ParticipantJoined(ParticipantInfo),
    /// Someone left the room.
    ParticipantLeft {
        /// Their participant ID.
        participant: String,
        /// Why (`left`, `connection_lost`, `removed`, `server_shutdown`).
        reason: String,
    },
    /// A participant published a track (camera, microphone, screen); everyone in the room
    /// hears of it, the publisher included. The media arrives through a server `offer`
    /// whose m-section for it carries `a=msid:<participant> <track>`.
    TrackPublished {
        /// The publisher.
        participant: String,
        /// The track's ID (`TR_…`); also the track ID of the `a=msid` line of the
        /// m-section that carries it in each receiver's SDP.
        track: String,
        /// `audio` or `video`.
        kind: String,
        /// What it is, as the publisher said in `track_sources` (else `camera` for video,
        /// `microphone` for audio). Added in version 2.
        source: TrackSource,
    },
    /// A participant stopped publishing a track (its re-offer removed it).
    TrackUnpublished {
        /// The publisher.
        participant: String,
        /// The track's ID from `track_published`.
        track: String,
    },
    /// The room's dominant speaker changed; `participant` is absent when nobody speaks.
    ActiveSpeaker {
        /// The speaker's participant ID.
        #[serde(skip_serializing_if = "Option::is_none")]
        participant: Option<String>,
    },
    /// A participant's connection quality changed (your own included): `poor` means their
    /// speech may break up. Worse is told at once, better once it holds.
    ConnectionQuality {
        /// Whose connection.
        participant: String,
        /// `good`, `fair` or `poor`.
        quality: ConnectionQuality,
    },
    /// A chat message from a participant (the sender receives it too, as confirmation).
    Chat {
        /// The sender's participant ID.
        from: String,
        /// The sender's display name.
        name: String,
        /// The sender's message ID.
        id: String,
        /// The text.
        text: String,
    },
    /// Receipt for the sender: the message went to this many other participants.
    ChatDelivered {
        /// The message ID from the `chat` request.
        id: String,
        /// How many other participants it was delivered to.
        recipients: usize,
    },
    /// Answer to `ping`.
    Pong,
    /// Something of the appointment changed at the portal (`topic`: `case_changed` when a
    /// document arrived or was decided on, or the identity check was recorded;
    /// `payment_changed` when a payment moved): fetch it over HTTPS. Sent to everyone in the room; signalling carries the word, not what it
    /// is about.
    Notice {
        /// What changed.
        topic: String,
    },
    /// The request failed; the socket stays open unless the server also closes it.
    Error {
        /// Stable, machine-readable code.
        code: ErrorCode,
        /// Human-readable explanation (English; clients translate by `code`).
        message: String,
        /// With `too_early`: when the room opens, seconds since the Unix epoch.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        retry_at: Option<u64>,
    },
    /// The session ends; the server closes the socket after it. `reason` says whether to
    /// come back: `server_shutdown` (reconnect after `reconnect_after_seconds`; the place
    /// is held as for a dropped socket), `declined` (the clerk turned the join away),
    /// `removed` (sent out by the clerk), `call_ended` (the clerk ended the call),
    /// `replaced` (the same person joined the waiting room from another window or device:
    /// that one waits now; do not join again from here).
    Bye {
        /// Why.
        reason: String,
        /// With `server_shutdown`: when to try `resume` (or `join`) again.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reconnect_after_seconds: Option<u64>,
    },
}

/// How well a participant's connection carries the call (loss both ways, round trip).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConnectionQuality {
    /// Under 3 % loss and 300 ms round trip.
    Good,
    /// Some loss or delay: the picture may soften.
    Fair,
    /// 10 % loss or 800 ms round trip and more: speech breaks up.
    Poor,
}

/// Stable error codes of `error` messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The frame is not a JSON object of a known shape.
    Malformed,
    /// The `type` is not one this version knows.
    UnknownType,
    /// The frame is larger than the limit.
    TooLarge,
    /// The `join` named a protocol version the server does not speak.
    UnsupportedProtocol,
    /// The room token's signature or format is bad.
    TokenInvalid,
    /// The room token has expired: reload the page for a new one.
    TokenExpired,
    /// The room token is for another room.
    WrongRoom,
    /// A message that needs a joined session came before `join`.
    NotJoined,
    /// A second `join` on the same socket.
    AlreadyJoined,
    /// The SDP or ICE candidate was refused by the media server.
    NegotiationFailed,
    /// The media connection to the SFU was lost.
    MediaLost,
    /// The server cannot take the request now (shutting down).
    Unavailable,
    /// Too many messages: the excess was dropped. Slow down.
    RateLimited,
    /// The room has the most participants it takes.
    RoomFull,
    /// `video_size` named a MID on which this participant receives no video.
    UnknownTrack,
    /// The participant's role may not do this (an observer sending media or chatting).
    Forbidden,
    /// `resume` with an unknown token, or after the grace period: join again.
    ResumeFailed,
    /// The room does not open yet (joins are taken from a while before the appointment):
    /// come back at `retry_at`.
    TooEarly,
    /// Waiting to be admitted: media, chat and the rest come after `joined`.
    NotAdmitted,
    /// `admit`, `decline`, `mute` or `remove` named nobody in this room (or its waiting
    /// room).
    UnknownParticipant,
    /// The clerk ended this call; it takes no joins.
    CallEnded,
}

impl ErrorCode {
    /// The code as sent, for metrics labels.
    pub fn as_str(&self) -> &'static str {
        match self {
            ErrorCode::Malformed => "malformed",
            ErrorCode::UnknownType => "unknown_type",
            ErrorCode::TooLarge => "too_large",
            ErrorCode::UnsupportedProtocol => "unsupported_protocol",
            ErrorCode::TokenInvalid => "token_invalid",
            ErrorCode::TokenExpired => "token_expired",
            ErrorCode::WrongRoom => "wrong_room",
            ErrorCode::NotJoined => "not_joined",
            ErrorCode::AlreadyJoined => "already_joined",
            ErrorCode::NegotiationFailed => "negotiation_failed",
            ErrorCode::MediaLost => "media_lost",
            ErrorCode::Unavailable => "unavailable",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::RoomFull => "room_full",
            ErrorCode::UnknownTrack => "unknown_track",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::ResumeFailed => "resume_failed",
            ErrorCode::TooEarly => "too_early",
            ErrorCode::NotAdmitted => "not_admitted",
            ErrorCode::UnknownParticipant => "unknown_participant",
            ErrorCode::CallEnded => "call_ended",
        }
    }
}

const KNOWN_TYPES: &[&str] = &[
    "join",
    "resume",
    "offer",
    "answer",
    "candidate",
    "video_size",
    "track_sources",
    "chat",
    "ping",
    "leave",
    "admit",
    "decline",
    "mute",
    "unmute",
    "remove",
    "end_call",
];

/// Longest chat text, in characters.
pub const MAX_CHAT_CHARS: usize = 2000;

/// Largest side a `video_size` may report (device pixels; an 8K screen at 2×).
pub const MAX_VIDEO_SIDE: u32 = 16_384;

/// Parses one client frame, telling a malformed frame from an unknown message type.
pub fn parse_client(text: &str) -> Result<ClientMessage, (ErrorCode, String)> {
    if text.len() > MAX_MESSAGE_BYTES {
        return Err((
            ErrorCode::TooLarge,
            format!("message exceeds {MAX_MESSAGE_BYTES} bytes"),
        ));
    }
    match serde_json::from_str::<ClientMessage>(text) {
        // serde reads a tagged enum from an array too (`["ping"]`, `["join", 1, …]`);
        // a frame is an object, as the protocol and its schema say (found by the fuzzer).
        Ok(_) if !text.trim_start().starts_with('{') => Err((
            ErrorCode::Malformed,
            "malformed message: not a JSON object".to_owned(),
        )),
        // serde ignores extra fields of a variant without any (`{"type":"ping","x":1}`),
        // whatever `deny_unknown_fields` says; the protocol refuses them as for every type.
        Ok(m) if m.is_bare() && !only_type(text) => Err((
            ErrorCode::Malformed,
            format!("malformed message: {} has no fields but \"type\"", m.kind()),
        )),
        Ok(m) => Ok(m),
        Err(e) => {
            let value: Result<serde_json::Value, _> = serde_json::from_str(text);
            let ty = value
                .as_ref()
                .ok()
                .and_then(|v| v.get("type"))
                .and_then(|t| t.as_str());
            match ty {
                Some(t) if !KNOWN_TYPES.contains(&t) => Err((
                    ErrorCode::UnknownType,
                    format!("unknown message type {t:?}"),
                )),
                _ => Err((ErrorCode::Malformed, format!("malformed message: {e}"))),
            }
        }
    }
}

/// Whether the JSON object `text` has no key but `type`.
fn only_type(text: &str) -> bool {
    serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(text)
        .is_ok_and(|object| object.len() == 1)
}

/// The protocol as a JSON Schema (draft 2020-12), generated from these types: what
/// `docs/protocol.schema.json` holds. A frame is a `ClientMessage` (browser → server) or a
/// `ServerMessage` (server → browser); some shapes (`offer`, `answer`, `chat`) are both.
pub fn schema() -> serde_json::Value {
    let mut generator = schemars::generate::SchemaSettings::draft2020_12().into_generator();
    let client = generator.subschema_for::<ClientMessage>();
    let server = generator.subschema_for::<ServerMessage>();
    let defs = generator.take_definitions(true);
    serde_json::json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://vamt.example/protocol.schema.json",
        "title": format!("vamt signalling protocol, version {PROTOCOL_VERSION}"),
        "description": "One JSON object per WebSocket text frame. Client frames are ClientMessage, server frames ServerMessage; docs/protocol.md explains the flow.",
        "anyOf": [client, server],
        "$defs": defs,
    })
}

impl ServerMessage {
    /// An error reply.
    pub fn error(code: ErrorCode, message: impl Into<String>) -> Self {
        ServerMessage::Error {
            code,
            message: message.into(),
            retry_at: None,
        }
    }

    /// A `lobby_add` for `entry` at `position` (1 is first) of its room's list.
    pub fn lobby_add(position: usize, entry: WaitingInfo) -> Self {
        ServerMessage::LobbyAdd {
            position,
            participant: entry.participant,
            name: entry.name,
            role: entry.role,
            waiting_seconds: entry.waiting_seconds,
        }
    }

    /// A `bye` without a reconnect hint.
    pub fn bye(reason: &str) -> Self {
        ServerMessage::Bye {
            reason: reason.to_owned(),
            reconnect_after_seconds: None,
        }
    }

    /// The JSON text frame.
    pub fn to_json(&self) -> String {
        // Serialising these plain structs cannot fail; fall back to a fixed frame anyway.
        serde_json::to_string(self).unwrap_or_else(|_| {
            r#"{"type":"error","code":"unavailable","message":"encoding failed"}"#.to_owned()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_committed_schema_is_the_one_generated_from_the_types() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/protocol.schema.json");
        let generated = serde_json::to_string_pretty(&schema()).expect("json") + "\n";
        if std::env::var_os("VAMT_WRITE_SCHEMA").is_some() {
            std::fs::write(path, &generated).expect("write the schema");
        }
        let committed = std::fs::read_to_string(path).unwrap_or_default();
        // Compared as JSON values: key order follows serde_json's features, which a
        // workspace build unifies across crates (`preserve_order` comes with utoipa).
        let committed: serde_json::Value =
            serde_json::from_str(&committed).unwrap_or(serde_json::Value::Null);
        let generated: serde_json::Value = serde_json::from_str(&generated).expect("json");
        assert!(
            committed == generated,
            "docs/protocol.schema.json is out of date with the Rust types: \
             run `VAMT_WRITE_SCHEMA=1 cargo test -p vamt-signalling schema` and commit it"
        );
    }

    #[test]
    fn every_example_in_the_document_validates_against_the_schema_and_parses() {
        let schema = schema();
        let validator = jsonschema::validator_for(&schema).expect("a valid JSON Schema");
        let doc = include_str!("../../docs/protocol.md");
        let mut checked = 0;
        for line in doc.lines().filter(|l| l.starts_with("{\"type\":")) {
            let value: serde_json::Value = serde_json::from_str(line).expect("example is JSON");
            if let Some(e) = validator.iter_errors(&value).next() {
                panic!("example does not match the schema: {line}: {e}");
            }
            let parses = serde_json::from_str::<ClientMessage>(line).is_ok()
                || serde_json::from_str::<ServerMessage>(line).is_ok();
            assert!(parses, "example is no protocol message: {line}");
            checked += 1;
        }
        assert!(checked >= 20, "only {checked} examples");
        // The schema refuses what the server refuses.
        for bad in [
            r#"{"type":"join","protocol":1,"room":"RM_x"}"#,
            r#"{"type":"chat","id":"m1","text":"hi","extra":1}"#,
            r#"{"type":"video_size","mid":"1","width":-1,"height":2}"#,
            r#"{"type":"teleport"}"#,
            r#"{"type":"ping","x":1}"#,
            r#"{"type":"end_call","room":"RM_x"}"#,
            r#"{"type":"track_sources","sources":{"2":"webcam"}}"#,
        ] {
            let value: serde_json::Value = serde_json::from_str(bad).expect("json");
            assert!(!validator.is_valid(&value), "schema accepts {bad}");
        }
    }

    /// The document channel (`docs/document-channel.md`) is relayed by the SFU, not parsed
    /// by signalling; its document states a schema of its own, and every example in it
    /// follows that schema.
    #[test]
    fn the_document_channel_examples_follow_its_schema() {
        let doc = include_str!("../../docs/document-channel.md");
        let start = doc.find("```json\n").expect("the schema block") + "```json\n".len();
        let end = start + doc[start..].find("```").expect("its end");
        let schema: serde_json::Value =
            serde_json::from_str(&doc[start..end]).expect("the schema is JSON");
        let validator = jsonschema::validator_for(&schema).expect("a valid JSON Schema");
        let examples: Vec<&str> = doc.lines().filter(|l| l.starts_with("{\"t\":")).collect();
        assert_eq!(examples.len(), 5, "one example per message kind");
        for line in examples {
            let value: serde_json::Value = serde_json::from_str(line).expect("example is JSON");
            assert!(validator.is_valid(&value), "example off its schema: {line}");
        }
        for bad in [
            r#"{"t":"open","doc":"DC_1"}"#,
            r#"{"t":"pointer","doc":"DC_1","x":2,"y":0}"#,
            r#"{"t":"id_step"}"#,
            r#"{"t":"id_step","step":"side"}"#,
        ] {
            let value: serde_json::Value = serde_json::from_str(bad).expect("json");
            assert!(!validator.is_valid(&value), "schema accepts {bad}");
        }
    }

    #[test]
    fn parses_join() {
        let m = parse_client(r#"{"type":"join","protocol":1,"room":"RM_a","token":"t"}"#);
        assert_eq!(
            m,
            Ok(ClientMessage::Join {
                protocol: 1,
                room: "RM_a".into(),
                token: "t".into()
            })
        );
    }

    #[test]
    fn tells_malformed_from_unknown() {
        assert_eq!(
            parse_client("{nope").map_err(|e| e.0),
            Err(ErrorCode::Malformed)
        );
        assert_eq!(
            parse_client(r#"{"type":"offer"}"#).map_err(|e| e.0),
            Err(ErrorCode::Malformed)
        );
        assert_eq!(
            parse_client("[]").map_err(|e| e.0),
            Err(ErrorCode::Malformed)
        );
        // An array that serde would read as a tagged message (the fuzzer's find).
        for array in [r#"["ping"]"#, r#" ["join", 1, "RM_x", "tok"]"#] {
            assert_eq!(
                parse_client(array).map_err(|e| e.0),
                Err(ErrorCode::Malformed),
                "{array}"
            );
        }
        assert_eq!(
            parse_client(r#"{"type":"dance"}"#).map_err(|e| e.0),
            Err(ErrorCode::UnknownType)
        );
        let big = format!(
            r#"{{"type":"offer","sdp":"{}"}}"#,
            "a".repeat(MAX_MESSAGE_BYTES)
        );
        assert_eq!(
            parse_client(&big).map_err(|e| e.0),
            Err(ErrorCode::TooLarge)
        );
    }

    #[test]
    fn unknown_fields_are_malformed_for_every_client_type_even_those_without_fields() {
        for bare in ["ping", "leave", "unmute", "end_call"] {
            let plain = format!(r#"{{"type":"{bare}"}}"#);
            assert_eq!(parse_client(&plain).map(|m| m.kind()), Ok(bare), "{plain}");
            let spaced = format!(r#" {{ "type" : "{bare}" }} "#);
            assert!(parse_client(&spaced).is_ok(), "{spaced}");
            for extra in [
                format!(r#"{{"type":"{bare}","x":1}}"#),
                format!(r#"{{"x":null,"type":"{bare}"}}"#),
                format!(r#"{{"type":"{bare}","type2":"{bare}"}}"#),
            ] {
                let refused = parse_client(&extra).map_err(|e| e.0);
                assert_eq!(refused, Err(ErrorCode::Malformed), "{extra}");
            }
        }
        // The same for every type with fields (serde's `deny_unknown_fields`).
        for extra in [
            r#"{"type":"join","protocol":2,"room":"RM_a","token":"t","x":1}"#,
            r#"{"type":"resume","protocol":2,"room":"RM_a","resume_token":"t","x":1}"#,
            r#"{"type":"offer","sdp":"v=0","x":1}"#,
            r#"{"type":"answer","sdp":"v=0","x":1}"#,
            r#"{"type":"candidate","candidate":"","x":1}"#,
            r#"{"type":"chat","id":"m1","text":"hi","x":1}"#,
            r#"{"type":"video_size","mid":"1","width":1,"height":1,"x":1}"#,
            r#"{"type":"track_sources","sources":{},"x":1}"#,
            r#"{"type":"admit","participant":"PA_a","x":1}"#,
            r#"{"type":"decline","participant":"PA_a","x":1}"#,
            r#"{"type":"mute","participant":"PA_a","x":1}"#,
            r#"{"type":"remove","participant":"PA_a","x":1}"#,
        ] {
            let refused = parse_client(extra).map_err(|e| e.0);
            assert_eq!(refused, Err(ErrorCode::Malformed), "{extra}");
        }
    }

    #[test]
    fn track_sources_name_what_each_mid_carries() {
        let m =
            parse_client(r#"{"type":"track_sources","sources":{"0":"microphone","2":"screen"}}"#);
        assert_eq!(
            m,
            Ok(ClientMessage::TrackSources {
                sources: BTreeMap::from([
                    ("0".to_owned(), TrackSource::Microphone),
                    ("2".to_owned(), TrackSource::Screen),
                ])
            })
        );
        let unknown = parse_client(r#"{"type":"track_sources","sources":{"2":"webcam"}}"#);
        assert_eq!(unknown.map_err(|e| e.0), Err(ErrorCode::Malformed));
        // Unsaid, or said of the wrong kind: the kind's default.
        assert_eq!(TrackSource::for_track("video", None), TrackSource::Camera);
        assert_eq!(
            TrackSource::for_track("audio", None),
            TrackSource::Microphone
        );
        let screen = Some(TrackSource::Screen);
        assert_eq!(TrackSource::for_track("video", screen), TrackSource::Screen);
        assert_eq!(TrackSource::for_track("audio", screen), TrackSource::Screen);
        let microphone = Some(TrackSource::Microphone);
        assert_eq!(
            TrackSource::for_track("video", microphone),
            TrackSource::Camera
        );
        let camera = Some(TrackSource::Camera);
        assert_eq!(
            TrackSource::for_track("audio", camera),
            TrackSource::Microphone
        );
    }

    #[test]
    fn version_1_and_2_are_spoken() {
        assert!(supports_protocol(1));
        assert!(supports_protocol(PROTOCOL_VERSION));
        assert_eq!(PROTOCOL_VERSION, 2);
        assert!(!supports_protocol(0));
        assert!(!supports_protocol(3));
    }

    #[test]
    fn server_messages_carry_their_type() {
        let e = ServerMessage::error(ErrorCode::WrongRoom, "x").to_json();
        assert_eq!(e, r#"{"type":"error","code":"wrong_room","message":"x"}"#);
        assert_eq!(
            ServerMessage::MediaConnected.to_json(),
            r#"{"type":"media_connected"}"#
        );
    }
}

#[cfg(test)]
mod docs_tests {
    use super::*;

    /// Every message type and error code in the Rust types appears in docs/protocol.md.
    #[test]
    fn protocol_doc_covers_every_message_and_error() {
        let doc = include_str!("../../docs/protocol.md");
        let client = [
            ClientMessage::Join {
                protocol: 1,
                room: String::new(),
                token: String::new(),
            },
            ClientMessage::Resume {
                protocol: 1,
                room: String::new(),
                resume_token: String::new(),
            },
            ClientMessage::Offer { sdp: String::new() },
            ClientMessage::Answer { sdp: String::new() },
            ClientMessage::Candidate {
                candidate: String::new(),
            },
            ClientMessage::Chat {
                id: String::new(),
                text: String::new(),
            },
            ClientMessage::VideoSize {
                mid: String::new(),
                width: 0,
                height: 0,
            },
            ClientMessage::TrackSources {
                sources: BTreeMap::new(),
            },
            ClientMessage::Ping,
            ClientMessage::Leave,
            ClientMessage::Admit {
                participant: String::new(),
            },
            ClientMessage::Decline {
                participant: String::new(),
            },
            ClientMessage::Mute {
                participant: String::new(),
            },
            ClientMessage::Unmute,
            ClientMessage::Remove {
                participant: String::new(),
            },
            ClientMessage::EndCall,
        ];
        for m in client {
            assert!(KNOWN_TYPES.contains(&m.kind()));
            assert!(
                doc.contains(&format!("{{\"type\":\"{}\"", m.kind())),
                "no example of {}",
                m.kind()
            );
        }
        let info = ParticipantInfo {
            participant: String::new(),
            name: String::new(),
            role: Role::Clerk,
        };
        let server = [
            ServerMessage::Joined {
                participant: String::new(),
                room: String::new(),
                role: Role::Citizen,
                participants: vec![],
                resume_token: String::new(),
            },
            ServerMessage::Resumed {
                participant: String::new(),
                room: String::new(),
                role: Role::Citizen,
                participants: vec![],
                resume_token: String::new(),
            },
            ServerMessage::ParticipantReconnecting {
                participant: String::new(),
            },
            ServerMessage::ParticipantResumed {
                participant: String::new(),
            },
            ServerMessage::Answer { sdp: String::new() },
            ServerMessage::Offer { sdp: String::new() },
            ServerMessage::MediaConnected,
            ServerMessage::ParticipantJoined(info),
            ServerMessage::ParticipantLeft {
                participant: String::new(),
                reason: String::new(),
            },
            ServerMessage::ActiveSpeaker { participant: None },
            ServerMessage::ConnectionQuality {
                participant: String::new(),
                quality: ConnectionQuality::Poor,
            },
            ServerMessage::Chat {
                from: String::new(),
                name: String::new(),
                id: String::new(),
                text: String::new(),
            },
            ServerMessage::ChatDelivered {
                id: String::new(),
                recipients: 0,
            },
            ServerMessage::Pong,
            ServerMessage::error(ErrorCode::Malformed, ""),
            ServerMessage::bye(""),
            ServerMessage::Waiting {
                participant: String::new(),
                position: 1,
            },
            ServerMessage::Lobby { waiting: vec![] },
            ServerMessage::LobbyAdd {
                position: 1,
                participant: String::new(),
                name: String::new(),
                role: Role::Citizen,
                waiting_seconds: 0,
            },
            ServerMessage::LobbyRemove {
                participant: String::new(),
            },
            ServerMessage::TrackPublished {
                participant: String::new(),
                track: String::new(),
                kind: String::new(),
                source: TrackSource::Camera,
            },
            ServerMessage::TrackUnpublished {
                participant: String::new(),
                track: String::new(),
            },
            ServerMessage::Muted {
                participant: String::new(),
                muted: true,
            },
        ];
        for m in server {
            let v: serde_json::Value = serde_json::from_str(&m.to_json()).expect("json");
            let ty = v["type"].as_str().expect("type");
            assert!(
                doc.contains(&format!("| `{ty}` |")),
                "{ty} not in the table"
            );
            assert!(
                doc.contains(&format!("{{\"type\":\"{ty}\"")),
                "no example of {ty}"
            );
        }
        let codes = [
            ErrorCode::Malformed,
            ErrorCode::UnknownType,
            ErrorCode::TooLarge,
            ErrorCode::UnsupportedProtocol,
            ErrorCode::TokenInvalid,
            ErrorCode::TokenExpired,
            ErrorCode::WrongRoom,
            ErrorCode::NotJoined,
            ErrorCode::AlreadyJoined,
            ErrorCode::NegotiationFailed,
            ErrorCode::MediaLost,
            ErrorCode::Unavailable,
            ErrorCode::RateLimited,
            ErrorCode::RoomFull,
            ErrorCode::UnknownTrack,
            ErrorCode::Forbidden,
            ErrorCode::ResumeFailed,
            ErrorCode::TooEarly,
            ErrorCode::NotAdmitted,
            ErrorCode::UnknownParticipant,
            ErrorCode::CallEnded,
        ];
        for c in codes {
            let json = serde_json::to_string(&c).expect("json");
            assert_eq!(json, format!("\"{}\"", c.as_str()));
            assert!(
                doc.contains(&format!("| `{}` |", c.as_str())),
                "{} undocumented",
                c.as_str()
            );
        }
    }
}
