//! The WebSocket edge of signalling: frames in and out of a [`vamt_signalling::session`].
use std::sync::Arc;

use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use futures_util::{SinkExt, StreamExt};
use tokio::sync::mpsc;
use vamt_signalling::limits::{self, AddressSlot};
use vamt_signalling::protocol::MAX_MESSAGE_BYTES;
use vamt_signalling::session::{self, Inbound, Outbound};
use vamt_signalling::Hub;

use super::door::ClientAddr;
use crate::AppState;

pub async fn upgrade(
    State(st): State<AppState>,
    client: ClientAddr,
    ws: WebSocketUpgrade,
) -> Response {
    let hub = st.hub.clone();
    // One address holds a bounded share of sockets, counted before the upgrade so a refused
    // one never becomes a socket; counted as the door counts addresses (an IPv6 client by
    // its /64). Without a known address (no peer: in-process tests) there is nobody to count
    // against: one shared bucket would let 20 such sockets shut out all others.
    let slot = match client.0.map(|_| client.bucket()) {
        Some(addr) => match hub.take_address_slot(addr) {
            Some(slot) => Some(slot),
            None => {
                tracing::debug!(%addr, "signalling socket refused: too many from this address");
                return (
                    StatusCode::TOO_MANY_REQUESTS,
                    "too many signalling connections from your address; close another call window",
                )
                    .into_response();
            }
        },
        None => None,
    };
    // Frames above the protocol limit still reach the session (up to 4×) so the client
    // gets a `too_large` error instead of a dropped socket.
    ws.max_message_size(MAX_MESSAGE_BYTES * 4)
        .on_upgrade(move |socket| bridge(hub, socket, slot))
}

/// Runs one socket; `_slot` is its place in the per-address count, given back when the
/// socket ends.
async fn bridge(hub: Arc<Hub>, socket: WebSocket, _slot: Option<AddressSlot>) {
    let (mut sink, mut stream) = socket.split();
    let (in_tx, in_rx) = mpsc::channel::<Inbound>(64);
    let (out_tx, mut out_rx) = mpsc::unbounded_channel::<Outbound>();
    let mut session = tokio::spawn(session::run(hub, in_rx, out_tx));
    let mut writer = tokio::spawn(async move {
        // Heartbeat: a ping every interval; the pong (or any frame) keeps the session alive.
        let mut heartbeat = tokio::time::interval_at(
            tokio::time::Instant::now() + limits::HEARTBEAT_INTERVAL,
            limits::HEARTBEAT_INTERVAL,
        );
        loop {
            let out = tokio::select! {
                out = out_rx.recv() => out,
                _ = heartbeat.tick() => {
                    if sink.send(Message::Ping(Vec::new().into())).await.is_err() {
                        break;
                    }
                    continue;
                }
            };
            let Some(out) = out else { break };
            let result = match out {
                Outbound::Text(t) => sink.send(Message::Text(t.into())).await,
                Outbound::Close { code, reason } => {
                    let _ = sink
                        .send(Message::Close(Some(CloseFrame {
                            code,
                            reason: reason.into(),
                        })))
                        .await;
                    break;
                }
            };
            if result.is_err() {
                break;
            }
        }
    });
    let read = async move {
        while let Some(Ok(frame)) = stream.next().await {
            let inbound = match frame {
                Message::Text(t) => Inbound::Text(t.to_string()),
                Message::Binary(_) => Inbound::Binary,
                Message::Close(_) => break,
                Message::Pong(_) => Inbound::Alive,
                Message::Ping(_) => continue,
            };
            if in_tx.send(inbound).await.is_err() {
                break;
            }
        }
        // `in_tx` goes here: the session sees the socket closed.
    };
    // Reading stops when the client closes, but also as soon as the server is done with the
    // socket (the session ended, or a close frame went out): a client that never answers
    // the close would otherwise hold the connection, and its memory, for good.
    let (mut session_done, mut writer_done) = (false, false);
    tokio::select! {
        () = read => {}
        _ = &mut session => session_done = true,
        _ = &mut writer => writer_done = true,
    }
    if !session_done {
        let _ = session.await;
    }
    // The writer ends when every sender of `out` is gone; a participant whose place is held
    // for a resume keeps one in the hub. Give it a moment to flush, then drop the socket so
    // the client sees the close now, not when a close handshake times out.
    if !writer_done
        && tokio::time::timeout(WRITER_DRAIN, &mut writer)
            .await
            .is_err()
    {
        writer.abort();
    }
}

/// How long a closing socket may take to send what is queued for it.
const WRITER_DRAIN: std::time::Duration = std::time::Duration::from_millis(500);

/// This feature's routes.
pub(crate) fn routes() -> axum::Router<AppState> {
    axum::Router::new().route("/ws", axum::routing::get(upgrade))
}
