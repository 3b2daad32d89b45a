//! Clients of vamt's own signalling (`/ws`, `docs/protocol.md`): each participant joins its
//! room with a room token the bench signs with the server's token secret, offers audio and a
//! simulcast camera, and answers the SFU's offers for the other participant's tracks.
use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{bail, Context};
use futures_util::{SinkExt, StreamExt};
use tokio::sync::oneshot;
use tokio_tungstenite::tungstenite::Message;
use vamt_sfu::RoomId;
use vamt_signalling::protocol::{ClientMessage, ServerMessage, PROTOCOL_VERSION};
use vamt_signalling::{Role, RoomClaims, TokenKeys};

use super::peer::{self, Command, Stats};

/// Joins one participant and keeps its signalling running in a task.
pub async fn join(
    ws_url: &str,
    keys: &TokenKeys,
    room: &RoomId,
    role: Role,
    local_ip: IpAddr,
    stats: Arc<Stats>,
    opus: Arc<Vec<Vec<u8>>>,
) -> anyhow::Result<()> {
    let now = SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs();
    let claims = RoomClaims {
        sub: format!("bench-{role}"),
        name: format!("bench {role}"),
        room: room.as_str().to_owned(),
        booking: format!("bench-{}", room.as_str()),
        role,
        iat: now,
        exp: now + 3600,
        lobby: false,
        opens_at: None,
    };
    let token = keys.sign(&claims)?;
    let (ws, _) = tokio_tungstenite::connect_async(ws_url)
        .await
        .with_context(|| format!("connecting {ws_url}"))?;
    let (mut sink, mut stream) = ws.split();
    let send =
        |m: ClientMessage| Message::Text(serde_json::to_string(&m).unwrap_or_default().into());
    sink.send(send(ClientMessage::Join {
        protocol: PROTOCOL_VERSION,
        room: room.as_str().to_owned(),
        token,
    }))
    .await?;
    loop {
        match next(&mut stream).await? {
            ServerMessage::Joined { .. } => break,
            ServerMessage::Error { code, message, .. } => {
                bail!("join refused: {code:?}: {message}")
            }
            _ => {}
        }
    }
    let handle = peer::start(local_ip, true, stats, opus).await?;
    let Some(offer) = handle.offer else {
        bail!("the publisher made no offer");
    };
    sink.send(send(ClientMessage::Offer { sdp: offer })).await?;
    let commands = handle.commands;
    tokio::spawn(async move {
        // The server closes idle sockets after 60 s; the browser pings, so does the bench.
        let mut ping = tokio::time::interval(Duration::from_secs(15));
        loop {
            tokio::select! {
                _ = ping.tick() => {
                    if sink.send(send(ClientMessage::Ping)).await.is_err() { return; }
                }
                msg = next(&mut stream) => {
                    let Ok(msg) = msg else { return };
                    match msg {
                        ServerMessage::Answer { sdp } => {
                            let _ = commands.send(Command::Answer(sdp));
                        }
                        ServerMessage::Offer { sdp } => {
                            let (tx, rx) = oneshot::channel();
                            let _ = commands.send(Command::Offer(sdp, tx));
                            let Ok(Ok(answer)) = rx.await else { return };
                            if sink.send(send(ClientMessage::Answer { sdp: answer })).await.is_err() {
                                return;
                            }
                        }
                        ServerMessage::Error { code, message, .. } => {
                            tracing::warn!(?code, %message, "bench: signalling error");
                        }
                        ServerMessage::Bye { .. } => return,
                        _ => {}
                    }
                }
            }
        }
    });
    Ok(())
}

async fn next<S>(stream: &mut S) -> anyhow::Result<ServerMessage>
where
    S: futures_util::Stream<Item = Result<Message, tokio_tungstenite::tungstenite::Error>> + Unpin,
{
    loop {
        match stream.next().await {
            Some(Ok(Message::Text(t))) => return Ok(serde_json::from_str(&t)?),
            Some(Ok(Message::Close(_))) | None => bail!("signalling closed"),
            Some(Ok(_)) => {}
            Some(Err(e)) => return Err(e.into()),
        }
    }
}
