//! A UDP socket read in batches: one `recvmmsg` takes every datagram queued (up to a batch),
//! so a loaded relay pays one system call and one task wake-up per batch instead of per
//! packet. Via `quinn-udp`, which falls back to one datagram per call where the kernel
//! lacks `recvmmsg`.
use std::io::{self, IoSliceMut};
use std::net::SocketAddr;
use std::sync::Arc;

use quinn_udp::{RecvMeta, UdpSocketState};
use tokio::io::Interest;
use tokio::net::UdpSocket;

/// Largest datagram relayed (RFC 8656 relays whatever fits a UDP datagram, but WebRTC
/// stays under an Ethernet MTU; anything longer arrives truncated and is dropped).
const MAX_DATAGRAM: usize = 2048;

/// A socket plus the buffers of one batch.
pub struct BatchSocket {
    socket: Arc<UdpSocket>,
    state: UdpSocketState,
    buf: Vec<u8>,
    metas: Vec<RecvMeta>,
}

impl BatchSocket {
    /// Wraps `socket`, reading up to `batch` datagrams per call.
    pub fn new(socket: Arc<UdpSocket>, batch: usize) -> io::Result<Self> {
        let state = UdpSocketState::new((&*socket).into())?;
        #[cfg(target_os = "linux")]
        quiet(&socket);
        let batch = batch.clamp(1, MAX_BATCH);
        Ok(Self {
            socket,
            state,
            buf: vec![0; MAX_DATAGRAM * batch],
            metas: vec![RecvMeta::default(); batch],
        })
    }

    /// The socket, for sending.
    pub fn socket(&self) -> &Arc<UdpSocket> {
        &self.socket
    }

    /// Waits until a datagram can be read.
    pub async fn readable(&self) -> io::Result<()> {
        self.socket.readable().await
    }

    /// Reads what is queued (one system call) and hands each datagram to `each`. Returns
    /// how many there were; 0 when none was queued (a spurious wake-up).
    pub fn recv_batch(&mut self, mut each: impl FnMut(SocketAddr, &[u8])) -> io::Result<usize> {
        let Self {
            socket,
            state,
            buf,
            metas,
        } = self;
        // One small vector per batch (not per datagram): the slices borrow the buffer.
        let mut slices: Vec<IoSliceMut<'_>> =
            buf.chunks_mut(MAX_DATAGRAM).map(IoSliceMut::new).collect();
        let slices = &mut slices[..];
        let mut n = 0;
        let read = socket.try_io(Interest::READABLE, || {
            n = state.recv((&**socket).into(), slices, &mut metas[..])?;
            // `recvmmsg` stops short of the batch only when the queue ran dry, so the socket
            // is drained: saying so spares the next call, which could only find nothing. A
            // datagram arriving after this read raises a fresh readiness event, which tokio
            // keeps (it clears only the event this read was woken by).
            if n < metas.len() {
                Err(io::ErrorKind::WouldBlock.into())
            } else {
                Ok(())
            }
        });
        match read {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
            Err(e) => return Err(e),
        }
        for (meta, slice) in metas.iter().zip(slices.iter()).take(n) {
            if meta.len > slice.len() {
                continue; // truncated: not a whole datagram
            }
            let data = &slice[..meta.len];
            // Without GRO the stride is the length; should the kernel coalesce anyway,
            // split the run back into its datagrams.
            for datagram in data.chunks(meta.stride.max(1)) {
                each(meta.addr, datagram);
            }
        }
        Ok(n)
    }
}

/// Turns off what quinn-udp turns on for QUIC and a relay does not use: every option here
/// makes the kernel do work per datagram. GRO would coalesce runs (64 × the buffer per
/// slot, per allocation); the relay reads no ancillary data, yet with packet info, TOS and
/// receive timestamps on, every receive builds control messages, and a timestamping socket
/// makes the kernel stamp every packet it receives. Failures are ignored: an option the
/// kernel lacks costs nothing.
#[cfg(target_os = "linux")]
fn quiet(socket: &UdpSocket) {
    use nix::sys::socket::{setsockopt, sockopt};
    let _ = setsockopt(socket, sockopt::UdpGroSegment, &false);
    let _ = setsockopt(socket, sockopt::ReceiveTimestampns, &false);
    let _ = setsockopt(socket, sockopt::Ipv4PacketInfo, &false);
    let _ = setsockopt(socket, sockopt::IpRecvTos, &false);
    let _ = setsockopt(socket, sockopt::Ipv6RecvPacketInfo, &false);
    let _ = setsockopt(socket, sockopt::Ipv6RecvTClass, &false);
}

/// Most datagrams one receive call takes.
pub const MAX_BATCH: usize = 32;

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    /// A short batch ends the read without a second, empty call; a datagram arriving after
    /// it must still wake the reader, or a relay socket would go deaf.
    #[tokio::test]
    async fn a_datagram_after_a_short_batch_still_wakes_the_reader() -> io::Result<()> {
        let socket = Arc::new(UdpSocket::bind("127.0.0.1:0").await?);
        let to = socket.local_addr()?;
        let sender = std::net::UdpSocket::bind("127.0.0.1:0")?;
        let mut batch = BatchSocket::new(socket, 8)?;
        for n in 0..3u8 {
            sender.send_to(&[n], to)?;
        }
        let mut got = Vec::new();
        while got.len() < 3 {
            tokio::time::timeout(Duration::from_secs(5), batch.readable()).await??;
            batch.recv_batch(|_, d| got.push(d[0]))?;
        }
        assert_eq!(got, [0, 1, 2]);
        for n in 3..6u8 {
            sender.send_to(&[n], to)?;
            tokio::time::timeout(Duration::from_secs(5), batch.readable()).await??;
            assert_eq!(batch.recv_batch(|_, d| got.push(d[0]))?, 1);
        }
        assert_eq!(got, [0, 1, 2, 3, 4, 5]);
        // A full batch keeps the socket readable, so the rest is read on the next round.
        for n in 0..11u8 {
            sender.send_to(&[n], to)?;
        }
        let mut rest = 0;
        while rest < 11 {
            tokio::time::timeout(Duration::from_secs(5), batch.readable()).await??;
            rest += batch.recv_batch(|_, _| {})?;
        }
        assert_eq!(rest, 11);
        Ok(())
    }
}
