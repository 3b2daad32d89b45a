//! Why the server closes a signalling socket: one enum, so every close carries its code and
//! reason text and is counted under one label (`vamt_signalling_closes_total{reason}`).
use tokio::sync::mpsc;

use crate::session::Outbound;
use crate::SignallingMetrics;

/// Why the server closed a socket. Closes by the client (a dropped network, a closed tab)
/// are not counted here; they show as held places in `vamt_signalling_resumes_total`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CloseReason {
    /// The client sent `leave`.
    Left,
    /// Nothing (no frame, no pong) arrived for the idle timeout.
    Idle,
    /// No valid `join` or `resume` within the join deadline: a socket that holds memory
    /// and a connection slot without ever taking part.
    JoinTimeout,
    /// Too many failing messages in a row.
    InvalidMessages,
    /// Too many messages dropped for rate in a row.
    Flood,
    /// A new socket resumed this participant's place.
    ResumedElsewhere,
    /// The same person (token subject) joined the waiting room again from another socket.
    Replaced,
    /// The clerk sent the participant out.
    Removed,
    /// The clerk ended the call.
    CallEnded,
    /// The clerk turned the waiting participant away.
    Declined,
    /// The node shuts down.
    ServerShutdown,
}

impl CloseReason {
    /// The WebSocket close code: 1000 normal, 1001 going away, 1008 policy (abuse), 4000–
    /// 4003 this protocol's own (see docs/protocol.md).
    pub fn code(self) -> u16 {
        match self {
            CloseReason::Left => 1000,
            CloseReason::Idle | CloseReason::ServerShutdown => 1001,
            CloseReason::JoinTimeout | CloseReason::InvalidMessages | CloseReason::Flood => 1008,
            CloseReason::ResumedElsewhere | CloseReason::Replaced => 4000,
            CloseReason::Removed => 4001,
            CloseReason::CallEnded => 4002,
            CloseReason::Declined => 4003,
        }
    }

    /// The close frame's reason text, for people reading a browser console.
    pub fn text(self) -> &'static str {
        match self {
            CloseReason::Left => "left",
            CloseReason::Idle => "idle",
            CloseReason::JoinTimeout => "no join in time",
            CloseReason::InvalidMessages => "too many invalid messages",
            CloseReason::Flood => "message flood",
            CloseReason::ResumedElsewhere => "resumed elsewhere",
            CloseReason::Replaced => "joined elsewhere",
            CloseReason::Removed => "removed",
            CloseReason::CallEnded => "call ended",
            CloseReason::Declined => "declined",
            CloseReason::ServerShutdown => "server shutdown",
        }
    }

    /// The metrics label.
    pub fn as_str(self) -> &'static str {
        match self {
            CloseReason::Left => "left",
            CloseReason::Idle => "idle",
            CloseReason::JoinTimeout => "join_timeout",
            CloseReason::InvalidMessages => "invalid_messages",
            CloseReason::Flood => "flood",
            CloseReason::ResumedElsewhere => "resumed_elsewhere",
            CloseReason::Replaced => "replaced",
            CloseReason::Removed => "removed",
            CloseReason::CallEnded => "call_ended",
            CloseReason::Declined => "declined",
            CloseReason::ServerShutdown => "server_shutdown",
        }
    }

    /// Every reason, for tests and for metrics pre-registered at zero.
    pub const ALL: [CloseReason; 11] = [
        CloseReason::Left,
        CloseReason::Idle,
        CloseReason::JoinTimeout,
        CloseReason::InvalidMessages,
        CloseReason::Flood,
        CloseReason::ResumedElsewhere,
        CloseReason::Replaced,
        CloseReason::Removed,
        CloseReason::CallEnded,
        CloseReason::Declined,
        CloseReason::ServerShutdown,
    ];
}

impl Outbound {
    /// The close frame for `reason`.
    pub fn close(reason: CloseReason) -> Self {
        Outbound::Close {
            code: reason.code(),
            reason: reason.text().to_owned(),
        }
    }
}

/// Asks the socket behind `tx` to close for `reason`, and counts it if a socket was still
/// there to hear it (a held place's sender outlives its socket; that is no close).
pub(crate) fn close(
    metrics: &SignallingMetrics,
    tx: &mpsc::UnboundedSender<Outbound>,
    reason: CloseReason,
) {
    if tx.send(Outbound::close(reason)).is_ok() {
        metrics.closes.with_label_values(&[reason.as_str()]).inc();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_distinct_and_codes_are_valid_close_codes() {
        let mut labels: Vec<&str> = CloseReason::ALL.iter().map(|r| r.as_str()).collect();
        labels.sort_unstable();
        labels.dedup();
        assert_eq!(labels.len(), CloseReason::ALL.len());
        for r in CloseReason::ALL {
            // 1000–1011 are standard; 4000–4999 are for applications. 1005/1006 are never sent.
            let c = r.code();
            assert!(
                (1000..=1011).contains(&c) || (4000..=4999).contains(&c),
                "{r:?}"
            );
            assert!(c != 1005 && c != 1006);
            // A close frame's reason must fit its 123-byte limit.
            assert!(r.text().len() <= 123);
        }
    }
}
