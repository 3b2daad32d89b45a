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
        // quinn-udp turns GRO on; the relay wants datagrams one by one in small buffers
        // (a coalesced run would need 64 × the memory per slot, per allocation).
        #[cfg(target_os = "linux")]
        let _ = nix::sys::socket::setsockopt(
            &*socket,
            nix::sys::socket::sockopt::UdpGroSegment,
            &false,
        );
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
        let n = match socket.try_io(Interest::READABLE, || {
            state.recv((&**socket).into(), slices, &mut metas[..])
        }) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(0),
            Err(e) => return Err(e),
        };
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

/// Most datagrams one receive call takes.
pub const MAX_BATCH: usize = 32;
