//! One client connection: parses frames, enforces the join, talks to the SFU.
use std::collections::BTreeMap;
use std::sync::Arc;

use tokio::sync::mpsc;
use vamt_sfu::SfuEvent;

use crate::close::{close, CloseReason};
use crate::hub::{new_resume_token, Entered, Refusal};
use crate::limits::{self, TokenBucket};
use crate::protocol::{
    parse_client, supports_protocol, ClientMessage, ConnectionQuality, ErrorCode, ServerMessage,
    TrackSource, MAX_CHAT_CHARS, MAX_TRACK_SOURCES, MAX_VIDEO_SIDE, MIN_PROTOCOL_VERSION,
    PROTOCOL_VERSION,
};
use crate::{Hub, ParticipantId, Role, RoomClaims, RoomId, TokenError};

/// What the session wants written to the socket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outbound {
    /// A text frame.
    Text(String),
    /// A close frame; the writer closes the socket after it.
    Close {
        /// WebSocket close code (1000 normal, 1001 going away, 1008 policy).
        code: u16,
        /// Close reason.
        reason: String,
    },
}

/// A frame from the client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inbound {
    /// A text frame: a protocol message.
    Text(String),
    /// A binary frame, which the protocol does not use.
    Binary,
    /// A WebSocket pong (answer to the server's heartbeat ping): the client is alive.
    Alive,
}

/// Errors in a row after which a connection counts as abusive and is closed.
const MAX_CONSECUTIVE_ERRORS: u32 = 50;

struct Joined {
    room: RoomId,
    participant: ParticipantId,
    role: Role,
    /// When the token was presented: the start of the time-to-join.
    since: std::time::Instant,
    /// In the room, not (or no longer) in the waiting room.
    admitted: bool,
    /// What the client said its sending tracks are, by the MID in its own SDP
    /// (`track_sources`); for the `source` of its `track_published`.
    sources: BTreeMap<String, TrackSource>,
}

/// Runs one connection until the client goes away or leaves. `incoming` yields the client's
/// frames (closed when the socket closes); `out` takes what to send.
pub async fn run(
    hub: Arc<Hub>,
    mut incoming: mpsc::Receiver<Inbound>,
    out: mpsc::UnboundedSender<Outbound>,
) {
    hub.metrics.connections.inc();
    let session = hub.new_session();
    let (sfu_tx, mut sfu_rx) = mpsc::unbounded_channel::<SfuEvent>();
    // Whether the participant's place is given up when this socket ends (`leave`, abuse)
    // rather than held for a resume (the socket dropped or went idle).
    let mut give_up = false;
    let mut joined: Option<Joined> = None;
    let mut errors_in_a_row = 0u32;
    // tokio's clock, so tests can pause time.
    let now = || tokio::time::Instant::now().into_std();
    let mut bucket = TokenBucket::new(limits::BURST, limits::MESSAGES_PER_SECOND, now());
    let mut dropped_in_a_row = 0u32;
    let mut last_rate_error: Option<std::time::Instant> = None;
    let idle = tokio::time::sleep(limits::IDLE_TIMEOUT);
    tokio::pin!(idle);
    // A socket must join (or resume) soon; pings alone do not keep an unjoined one open.
    let join_deadline = tokio::time::sleep(hub.join_deadline);
    tokio::pin!(join_deadline);
    let mut entered = false;
    loop {
        tokio::select! {
            frame = incoming.recv() => {
                let Some(frame) = frame else { break };
                idle.as_mut().reset(tokio::time::Instant::now() + limits::IDLE_TIMEOUT);
                if frame == Inbound::Alive {
                    continue;
                }
                if !bucket.take(now()) {
                    // Over the rate: drop, say so at most once a second, close a flooder.
                    hub.metrics.messages.with_label_values(&["dropped"]).inc();
                    dropped_in_a_row += 1;
                    if dropped_in_a_row >= limits::MAX_DROPPED {
                        close(&hub.metrics, &out, CloseReason::Flood);
                        tracing::warn!("signalling client flooded: closed");
                        give_up = true;
                        break;
                    }
                    if last_rate_error.is_none_or(|t| now().saturating_duration_since(t) >= std::time::Duration::from_secs(1)) {
                        last_rate_error = Some(now());
                        reply_error(&hub, &out, ErrorCode::RateLimited, "too many messages: the excess was dropped");
                    }
                    continue;
                }
                dropped_in_a_row = 0;
                let flow = match frame {
                    Inbound::Text(text) => handle_frame(&hub, &text, &mut joined, &out, &sfu_tx, session).await,
                    Inbound::Alive => Flow::Continue,
                    Inbound::Binary => {
                        hub.metrics.messages.with_label_values(&["invalid"]).inc();
                        reply_error(&hub, &out, ErrorCode::Malformed, "binary frames are not part of the protocol; send JSON text")
                    }
                };
                entered |= joined.is_some();
                match flow {
                    Flow::Continue => errors_in_a_row = 0,
                    Flow::Error => {
                        errors_in_a_row += 1;
                        if errors_in_a_row >= MAX_CONSECUTIVE_ERRORS {
                            close(&hub.metrics, &out, CloseReason::InvalidMessages);
                            give_up = true;
                            break;
                        }
                    }
                    Flow::Stop => {
                        give_up = true;
                        break;
                    }
                }
            }
            Some(event) = sfu_rx.recv() => {
                handle_sfu_event(&hub, event, &mut joined, &out);
            }
            _ = &mut idle => {
                close(&hub.metrics, &out, CloseReason::Idle);
                break;
            }
            _ = &mut join_deadline, if !entered => {
                tracing::debug!("signalling socket closed: no join in time");
                close(&hub.metrics, &out, CloseReason::JoinTimeout);
                break;
            }
        }
    }
    if let Some(j) = joined.take() {
        if !j.admitted && !hub.is_member(&j.room, &j.participant) {
            // Still waiting: leave the queue (nothing to hold; the page joins again).
            hub.leave_lobby(&j.room, &j.participant, session);
        } else if give_up || hub.is_shutting_down() {
            hub.leave(&j.room, &j.participant, "left");
            tracing::info!(room = %j.room, participant = %j.participant, "participant left");
        } else if hub.detach(&j.room, &j.participant, session) {
            tracing::info!(room = %j.room, participant = %j.participant, "signalling dropped: place held for resume");
            hub.metrics.resumes.with_label_values(&["held"]).inc();
            let grace = hub.resume_grace;
            let hub = hub.clone();
            tokio::spawn(async move {
                tokio::time::sleep(grace).await;
                hub.expire(&j.room, &j.participant, session);
            });
        }
    }
    hub.metrics.connections.dec();
}

enum Flow {
    Continue,
    Error,
    Stop,
}

fn reply_error(
    hub: &Hub,
    out: &mpsc::UnboundedSender<Outbound>,
    code: ErrorCode,
    msg: &str,
) -> Flow {
    hub.metrics.errors.with_label_values(&[code.as_str()]).inc();
    let _ = out.send(Outbound::Text(ServerMessage::error(code, msg).to_json()));
    Flow::Error
}

/// Writes one server message to the socket.
fn send(out: &mpsc::UnboundedSender<Outbound>, m: ServerMessage) {
    let _ = out.send(Outbound::Text(m.to_json()));
}

/// Parses one text frame, checks the sender may send it, and hands it to its kind's function.
async fn handle_frame(
    hub: &Arc<Hub>,
    text: &str,
    joined: &mut Option<Joined>,
    out: &mpsc::UnboundedSender<Outbound>,
    sfu_tx: &mpsc::UnboundedSender<SfuEvent>,
    session: u64,
) -> Flow {
    let msg = match parse_client(text) {
        Ok(m) => m,
        Err((code, message)) => {
            hub.metrics.messages.with_label_values(&["invalid"]).inc();
            return reply_error(hub, out, code, &message);
        }
    };
    hub.metrics.messages.with_label_values(&[msg.kind()]).inc();
    // Everything but entering, leaving and keep-alive needs a place in the room.
    let j = match msg {
        ClientMessage::Join {
            protocol,
            room,
            token,
        } => return on_join(hub, out, joined, session, protocol, &room, &token),
        ClientMessage::Resume {
            protocol,
            room,
            resume_token,
        } => {
            return on_resume(
                hub,
                out,
                sfu_tx,
                joined,
                session,
                protocol,
                &room,
                &resume_token,
            )
        }
        ClientMessage::Ping => return on_ping(out),
        ClientMessage::Leave => return on_leave(hub, out),
        _ => match member(hub, out, joined, &msg) {
            Ok(j) => j,
            Err(flow) => return flow,
        },
    };
    match msg {
        ClientMessage::Offer { sdp } => on_offer(hub, out, sfu_tx, j, sdp).await,
        ClientMessage::Answer { sdp } => on_answer(hub, out, j, sdp).await,
        ClientMessage::Candidate { candidate } => on_candidate(hub, out, j, candidate).await,
        ClientMessage::Chat { id, text } => on_chat(hub, out, j, id, text),
        ClientMessage::VideoSize { mid, width, height } => {
            on_video_size(hub, out, j, mid, width, height).await
        }
        ClientMessage::TrackSources { sources } => on_track_sources(hub, out, j, sources),
        ClientMessage::Admit { participant } => on_admit(hub, out, j, &participant),
        ClientMessage::Decline { participant } => on_decline(hub, out, j, &participant),
        ClientMessage::Mute { participant } => on_mute(hub, out, j, &participant).await,
        ClientMessage::Unmute => on_unmute(hub, j).await,
        ClientMessage::Remove { participant } => on_remove(hub, out, j, &participant),
        ClientMessage::EndCall => on_end_call(hub, joined),
        ClientMessage::Join { .. }
        | ClientMessage::Resume { .. }
        | ClientMessage::Ping
        | ClientMessage::Leave => unreachable!("answered before the place check"),
    }
}

/// Checks that the sender of an in-room message has a place in the room (and, for
/// moderation, the role for it); returns that place.
fn member<'a>(
    hub: &Hub,
    out: &mpsc::UnboundedSender<Outbound>,
    joined: &'a mut Option<Joined>,
    msg: &ClientMessage,
) -> Result<&'a mut Joined, Flow> {
    let Some(j) = joined.as_mut() else {
        return Err(reply_error(
            hub,
            out,
            ErrorCode::NotJoined,
            "send join first",
        ));
    };
    // A participant in the waiting room has no place until a clerk admits it.
    if !j.admitted {
        if hub.is_member(&j.room, &j.participant) {
            j.admitted = true;
            // Time to join counts from admission, not from entering the queue.
            j.since = std::time::Instant::now();
        } else {
            return Err(reply_error(
                hub,
                out,
                ErrorCode::NotAdmitted,
                "you are in the waiting room: wait for joined",
            ));
        }
    }
    let moderation = matches!(
        msg,
        ClientMessage::Admit { .. }
            | ClientMessage::Decline { .. }
            | ClientMessage::Mute { .. }
            | ClientMessage::Remove { .. }
            | ClientMessage::EndCall
    );
    if moderation && !j.role.may_moderate() {
        return Err(reply_error(
            hub,
            out,
            ErrorCode::Forbidden,
            &format!("only the clerk may {}; a {} may not", msg.kind(), j.role),
        ));
    }
    Ok(j)
}

/// `ping`: answers `pong`.
fn on_ping(out: &mpsc::UnboundedSender<Outbound>) -> Flow {
    send(out, ServerMessage::Pong);
    Flow::Continue
}

/// `leave`: closes the socket; the place is given up, not held for a resume.
fn on_leave(hub: &Hub, out: &mpsc::UnboundedSender<Outbound>) -> Flow {
    close(&hub.metrics, out, CloseReason::Left);
    Flow::Stop
}

/// `offer`: negotiates the participant's media with the SFU and sends back its answer.
async fn on_offer(
    hub: &Hub,
    out: &mpsc::UnboundedSender<Outbound>,
    sfu_tx: &mpsc::UnboundedSender<SfuEvent>,
    j: &Joined,
    sdp: String,
) -> Flow {
    // The server enforces the role, not the page: an observer's offer may only
    // receive.
    if !j.role.may_publish() && crate::sdp::sends_media(&sdp) {
        return reply_error(
            hub,
            out,
            ErrorCode::Forbidden,
            &format!(
                "a {} receives only: offer audio and video as recvonly",
                j.role
            ),
        );
    }
    match hub
        .media
        .offer(j.room.clone(), j.participant.clone(), sdp, sfu_tx.clone())
        .await
    {
        Ok(answer) => {
            send(out, ServerMessage::Answer { sdp: answer });
            // Muted before its media existed: the SFU learns it now.
            if hub.is_muted(&j.room, &j.participant) {
                let _ = hub.media.set_muted(j.participant.clone(), true).await;
            }
            Flow::Continue
        }
        Err(e) => reply_error(hub, out, ErrorCode::NegotiationFailed, &e.to_string()),
    }
}

/// `answer`: hands the browser's answer to a server offer to the SFU.
async fn on_answer(
    hub: &Hub,
    out: &mpsc::UnboundedSender<Outbound>,
    j: &Joined,
    sdp: String,
) -> Flow {
    match hub.media.answer(j.participant.clone(), sdp).await {
        Ok(()) => Flow::Continue,
        Err(e) => reply_error(hub, out, ErrorCode::NegotiationFailed, &e.to_string()),
    }
}

/// `candidate`: hands a trickled ICE candidate to the SFU; the empty end marker is ignored.
async fn on_candidate(
    hub: &Hub,
    out: &mpsc::UnboundedSender<Outbound>,
    j: &Joined,
    candidate: String,
) -> Flow {
    if candidate.is_empty() {
        return Flow::Continue;
    }
    match hub
        .media
        .add_candidate(j.participant.clone(), candidate)
        .await
    {
        Ok(()) => Flow::Continue,
        Err(e) => reply_error(hub, out, ErrorCode::NegotiationFailed, &e.to_string()),
    }
}

/// `chat`: sends the message to the room and the receipt to the sender.
fn on_chat(
    hub: &Hub,
    out: &mpsc::UnboundedSender<Outbound>,
    j: &Joined,
    id: String,
    text: String,
) -> Flow {
    if !j.role.may_chat() {
        return reply_error(
            hub,
            out,
            ErrorCode::Forbidden,
            &format!("a {} does not chat", j.role),
        );
    }
    let chars = text.chars().count();
    if id.is_empty() || id.chars().count() > 64 || chars == 0 || chars > MAX_CHAT_CHARS {
        return reply_error(
            hub,
            out,
            ErrorCode::Malformed,
            &format!(
                "chat needs an id of 1–64 characters and a text of 1–{MAX_CHAT_CHARS} characters"
            ),
        );
    }
    let recipients = hub.chat(&j.room, &j.participant, &id, &text);
    send(out, ServerMessage::ChatDelivered { id, recipients });
    Flow::Continue
}

/// `video_size`: tells the SFU how large the page shows the video it receives on `mid`.
async fn on_video_size(
    hub: &Hub,
    out: &mpsc::UnboundedSender<Outbound>,
    j: &Joined,
    mid: String,
    width: u32,
    height: u32,
) -> Flow {
    if mid.is_empty() || mid.len() > 32 || width > MAX_VIDEO_SIDE || height > MAX_VIDEO_SIDE {
        return reply_error(
            hub,
            out,
            ErrorCode::Malformed,
            &format!("video_size needs a mid of 1–32 characters and sides up to {MAX_VIDEO_SIDE}"),
        );
    }
    match hub
        .media
        .set_rendered_size(j.participant.clone(), mid, width, height)
        .await
    {
        Ok(()) => Flow::Continue,
        Err(e) => reply_error(hub, out, ErrorCode::UnknownTrack, &e.to_string()),
    }
}

/// `track_sources`: remembers what the client's tracks on the named MIDs are; the tracks
/// the SFU sees start there from now on are announced with it.
fn on_track_sources(
    hub: &Hub,
    out: &mpsc::UnboundedSender<Outbound>,
    j: &mut Joined,
    sources: BTreeMap<String, TrackSource>,
) -> Flow {
    let bad_mid = sources.keys().any(|m| m.is_empty() || m.len() > 32);
    let new = sources
        .keys()
        .filter(|m| !j.sources.contains_key(*m))
        .count();
    if bad_mid || j.sources.len() + new > MAX_TRACK_SOURCES {
        return reply_error(
            hub,
            out,
            ErrorCode::Malformed,
            &format!(
                "track_sources needs MIDs of 1–32 characters, at most {MAX_TRACK_SOURCES} in all"
            ),
        );
    }
    j.sources.extend(sources);
    Flow::Continue
}

/// `admit` (clerk): lets a participant in from the waiting room.
fn on_admit(
    hub: &Hub,
    out: &mpsc::UnboundedSender<Outbound>,
    j: &Joined,
    participant: &str,
) -> Flow {
    match hub.admit(&j.room, participant) {
        Ok(true) => Flow::Continue,
        Ok(false) => reply_error(
            hub,
            out,
            ErrorCode::UnknownParticipant,
            "nobody waits under that ID for this room",
        ),
        Err(code) => reply_error(hub, out, code, "the room is full"),
    }
}

/// `decline` (clerk): turns a participant in the waiting room away.
fn on_decline(
    hub: &Hub,
    out: &mpsc::UnboundedSender<Outbound>,
    j: &Joined,
    participant: &str,
) -> Flow {
    if hub.decline(&j.room, participant) {
        Flow::Continue
    } else {
        reply_error(
            hub,
            out,
            ErrorCode::UnknownParticipant,
            "nobody waits under that ID for this room",
        )
    }
}

/// `mute` (clerk): silences a participant's microphone in the room and in the SFU.
async fn on_mute(
    hub: &Hub,
    out: &mpsc::UnboundedSender<Outbound>,
    j: &Joined,
    participant: &str,
) -> Flow {
    if !hub.set_muted(&j.room, participant, true) {
        return reply_error(
            hub,
            out,
            ErrorCode::UnknownParticipant,
            "nobody with that ID is in this room",
        );
    }
    // Not yet negotiated media is muted when it arrives (see `offer`).
    if let Some(id) = crate::ParticipantId::parse(participant) {
        let _ = hub.media.set_muted(id, true).await;
    }
    Flow::Continue
}

/// `unmute`: forwards the sender's own microphone again.
async fn on_unmute(hub: &Hub, j: &Joined) -> Flow {
    hub.set_muted(&j.room, j.participant.as_str(), false);
    let _ = hub.media.set_muted(j.participant.clone(), false).await;
    Flow::Continue
}

/// `remove` (clerk): sends another participant out of the call.
fn on_remove(
    hub: &Hub,
    out: &mpsc::UnboundedSender<Outbound>,
    j: &Joined,
    participant: &str,
) -> Flow {
    if participant == j.participant.as_str() {
        return reply_error(hub, out, ErrorCode::Malformed, "to go yourself, send leave");
    }
    if hub.remove(&j.room, participant) {
        tracing::info!(room = %j.room, participant = %participant, "participant removed by the clerk");
        Flow::Continue
    } else {
        reply_error(
            hub,
            out,
            ErrorCode::UnknownParticipant,
            "nobody with that ID is in this room",
        )
    }
}

/// `end_call` (clerk): ends the call for everyone and closes this socket.
fn on_end_call(hub: &Hub, joined: &mut Option<Joined>) -> Flow {
    // Taken, so this socket's end does not leave or hold a place the room's end removed.
    if let Some(j) = joined.take() {
        // Everyone, this clerk included, gets `bye` and is closed.
        hub.end(&j.room);
    }
    Flow::Stop
}

/// Checks what every first message must: a socket joins once, in this protocol version.
fn first_message_checks(
    hub: &Hub,
    out: &mpsc::UnboundedSender<Outbound>,
    joined: &Option<Joined>,
    protocol: u32,
) -> Result<(), Flow> {
    if joined.is_some() {
        return Err(reply_error(
            hub,
            out,
            ErrorCode::AlreadyJoined,
            "this socket has joined already",
        ));
    }
    if !supports_protocol(protocol) {
        return Err(reply_error(
            hub,
            out,
            ErrorCode::UnsupportedProtocol,
            &format!(
                "protocol {protocol} is not supported; this server speaks \
                 {MIN_PROTOCOL_VERSION} to {PROTOCOL_VERSION}"
            ),
        ));
    }
    Ok(())
}

/// `join`: checks the token and enters the room or its waiting room.
fn on_join(
    hub: &Arc<Hub>,
    out: &mpsc::UnboundedSender<Outbound>,
    joined: &mut Option<Joined>,
    session: u64,
    protocol: u32,
    room: &str,
    token: &str,
) -> Flow {
    if let Err(flow) = first_message_checks(hub, out, joined, protocol) {
        return flow;
    }
    if hub.is_shutting_down() {
        return reply_error(
            hub,
            out,
            ErrorCode::Unavailable,
            "server is shutting down; retry shortly",
        );
    }
    let (claims, room_id) = match room_token_checks(hub, out, room, token) {
        Ok(ok) => ok,
        Err(flow) => return flow,
    };
    let participant = ParticipantId::random();
    let entered = hub.enter(
        &room_id,
        &participant,
        &claims,
        out.clone(),
        session,
        new_resume_token(),
    );
    let admitted = match entered {
        Err(Refusal::RoomFull) => {
            return reply_error(hub, out, ErrorCode::RoomFull, "the room is full")
        }
        Err(Refusal::CallEnded) => {
            return reply_error(
                hub,
                out,
                ErrorCode::CallEnded,
                "the clerk has ended this call",
            )
        }
        Err(Refusal::Removed) => {
            return reply_error(
                hub,
                out,
                ErrorCode::Forbidden,
                "the clerk has removed you from this call",
            )
        }
        Ok(Entered::Waiting(position)) => {
            tracing::info!(room = %room_id, participant = %participant, role = %claims.role, position, "participant waiting");
            // The hub already sent the `waiting` frame with the position.
            false
        }
        Ok(Entered::Joined) => {
            // The hub sent `joined` and the catch-up.
            tracing::info!(room = %room_id, participant = %participant, role = %claims.role, "participant joined");
            true
        }
    };
    *joined = Some(Joined {
        room: room_id,
        participant,
        role: claims.role,
        since: std::time::Instant::now(),
        admitted,
        sources: BTreeMap::new(),
    });
    Flow::Continue
}

/// Checks a `join`'s room token: valid, unexpired, for `room`, and the room already open.
fn room_token_checks(
    hub: &Hub,
    out: &mpsc::UnboundedSender<Outbound>,
    room: &str,
    token: &str,
) -> Result<(RoomClaims, RoomId), Flow> {
    let claims = match hub.keys.verify(token, (hub.clock)()) {
        Ok(c) => c,
        Err(TokenError::Expired) => {
            return Err(reply_error(
                hub,
                out,
                ErrorCode::TokenExpired,
                "the room token has expired; reload the page",
            ));
        }
        Err(_) => {
            return Err(reply_error(
                hub,
                out,
                ErrorCode::TokenInvalid,
                "the room token is not valid",
            ))
        }
    };
    let Some(room_id) = RoomId::parse(room).filter(|r| r.as_str() == claims.room) else {
        return Err(reply_error(
            hub,
            out,
            ErrorCode::WrongRoom,
            "the room token is for another room",
        ));
    };
    if let Some(opens) = claims.opens_at.filter(|t| *t > (hub.clock)()) {
        hub.metrics.errors.with_label_values(&["too_early"]).inc();
        send(
            out,
            ServerMessage::Error {
                code: ErrorCode::TooEarly,
                message: format!(
                    "the room opens in {} seconds; come back then",
                    opens - (hub.clock)()
                ),
                retry_at: Some(opens),
            },
        );
        return Err(Flow::Error);
    }
    Ok((claims, room_id))
}

/// `resume`: takes over a held place with its resume token, which is spent; the answer
/// carries the next one.
#[allow(clippy::too_many_arguments)]
fn on_resume(
    hub: &Arc<Hub>,
    out: &mpsc::UnboundedSender<Outbound>,
    sfu_tx: &mpsc::UnboundedSender<SfuEvent>,
    joined: &mut Option<Joined>,
    session: u64,
    protocol: u32,
    room: &str,
    resume_token: &str,
) -> Flow {
    if let Err(flow) = first_message_checks(hub, out, joined, protocol) {
        return flow;
    }
    let back = RoomId::parse(room).and_then(|r| {
        hub.reattach(&r, resume_token, session, out.clone())
            .map(|b| (r, b))
    });
    let Some((room_id, back)) = back else {
        hub.metrics.resumes.with_label_values(&["failed"]).inc();
        return reply_error(
            hub,
            out,
            ErrorCode::ResumeFailed,
            "nothing to resume (unknown or used token, or the grace period is over): join again",
        );
    };
    hub.metrics.resumes.with_label_values(&["resumed"]).inc();
    // SFU events now come to this session (an unanswered offer is sent again).
    hub.media.redirect(back.participant.clone(), sfu_tx.clone());
    // The hub sent `resumed` and the catch-up.
    tracing::info!(room = %room_id, participant = %back.participant, "participant resumed");
    *joined = Some(Joined {
        room: room_id,
        participant: back.participant,
        role: back.role,
        since: std::time::Instant::now(),
        admitted: true,
        sources: BTreeMap::new(),
    });
    Flow::Continue
}

fn handle_sfu_event(
    hub: &Hub,
    event: SfuEvent,
    joined: &mut Option<Joined>,
    out: &mpsc::UnboundedSender<Outbound>,
) {
    let send = |m: ServerMessage| {
        let _ = out.send(Outbound::Text(m.to_json()));
    };
    match event {
        SfuEvent::Offer { sdp, .. } => send(ServerMessage::Offer { sdp }),
        SfuEvent::Connected { participant } => {
            tracing::info!(participant = %participant, "media connected");
            send(ServerMessage::MediaConnected);
        }
        SfuEvent::ConnectionQuality {
            subject, quality, ..
        } => {
            use vamt_sfu::quality::Quality;
            let quality = match quality {
                Quality::Good => ConnectionQuality::Good,
                Quality::Fair => ConnectionQuality::Fair,
                Quality::Poor => ConnectionQuality::Poor,
            };
            send(ServerMessage::ConnectionQuality {
                participant: subject.to_string(),
                quality,
            });
        }
        SfuEvent::MediaFlowing { participant } => {
            if let Some(j) = joined.as_ref() {
                let waited = j.since.elapsed().as_secs_f64();
                hub.metrics.time_to_join.observe(waited);
                tracing::info!(participant = %participant, seconds = waited, "media flowing");
            }
        }
        SfuEvent::TrackPublished {
            participant,
            track,
            kind,
            mid,
        } => {
            tracing::debug!(participant = %participant, track = %track, kind, mid = %mid, "track published");
            if let Some(j) = joined.as_ref() {
                // The publisher's own session hears of its tracks: its `track_sources`.
                let said = j.sources.get(&mid).copied();
                hub.announce_track(
                    &j.room,
                    &ServerMessage::TrackPublished {
                        participant: participant.to_string(),
                        track: track.to_string(),
                        kind: kind.to_owned(),
                        source: TrackSource::for_track(kind, said),
                    },
                );
            }
        }
        SfuEvent::TrackUnpublished { participant, track } => {
            tracing::debug!(participant = %participant, track = %track, "track unpublished");
            if let Some(j) = joined.as_ref() {
                hub.announce_track(
                    &j.room,
                    &ServerMessage::TrackUnpublished {
                        participant: participant.to_string(),
                        track: track.to_string(),
                    },
                );
            }
        }
        SfuEvent::ActiveSpeaker { speaker, .. } => send(ServerMessage::ActiveSpeaker {
            participant: speaker.map(|s| s.to_string()),
        }),
        SfuEvent::Disconnected {
            participant,
            reason,
        } => {
            tracing::info!(participant = %participant, reason, "media connection lost");
            reply_error(
                hub,
                out,
                ErrorCode::MediaLost,
                "the media connection was lost; reload to rejoin",
            );
            if let Some(j) = joined.take() {
                hub.leave(&j.room, &j.participant, reason);
            }
        }
    }
}
