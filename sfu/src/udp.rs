//! The media UDP socket with batched I/O: `recvmmsg` (and GRO where the kernel coalesces)
//! for input, and UDP GSO for output, so the packets of one video frame to one subscriber
//! leave in one system call. Via `quinn-udp`, which falls back to one datagram per call on
//! kernels without these.
use std::io::{self, IoSliceMut};
use std::net::{IpAddr, SocketAddr};

use quinn_udp::{RecvMeta, UdpSocketState};
use str0m::net::Transmit;
use tokio::io::Interest;
use tokio::net::UdpSocket;

/// Datagrams taken per receive call. A datagram waits for those before it in its batch to
/// be handled before anything is sent: eight (≈ 0.2 ms of work when loaded) keeps that
/// wait short while still sharing the system call.
const BATCH: usize = 8;
/// Socket buffers asked for. The default (~200 KiB) overflows when the loop is busy with a
/// burst of key frames for a few milliseconds: `bench sfu` lost 0.5 % of datagrams there,
/// which costs audio (not resent) and video retransmissions. The kernel caps the request at
/// `net.core.rmem_max` / `wmem_max`; `docs/install.md` says how to raise them.
const BUFFER_BYTES: usize = 4 * 1024 * 1024;
/// Largest datagram accepted (a WebRTC packet fits an Ethernet MTU; room for jumbo links).
const MAX_DATAGRAM: usize = 2048;

/// Turns off what quinn-udp turns on for QUIC and the SFU does not read: receive
/// timestamps (a timestamping socket makes the kernel stamp every packet the host
/// receives), packet info and TOS, each of which costs a control message per receive. GRO
/// stays on: a burst from one browser arrives as one slot.
#[cfg(target_os = "linux")]
fn quiet(socket: &UdpSocket) {
    use nix::sys::socket::{setsockopt, sockopt};
    let _ = setsockopt(socket, sockopt::ReceiveTimestampns, &false);
    let _ = setsockopt(socket, sockopt::Ipv4PacketInfo, &false);
    let _ = setsockopt(socket, sockopt::IpRecvTos, &false);
    let _ = setsockopt(socket, sockopt::Ipv6RecvPacketInfo, &false);
    let _ = setsockopt(socket, sockopt::Ipv6RecvTClass, &false);
}

/// A UDP socket that reads and writes in batches.
pub struct MediaSocket {
    socket: UdpSocket,
    state: UdpSocketState,
    buf: Vec<u8>,
    slot: usize,
    metas: Vec<RecvMeta>,
    gso: Vec<u8>,
}

impl MediaSocket {
    /// Wraps a bound socket.
    pub fn new(socket: UdpSocket) -> io::Result<Self> {
        let state = UdpSocketState::new((&socket).into())?;
        #[cfg(target_os = "linux")]
        quiet(&socket);
        // Best effort: a smaller buffer still works, it only overflows sooner.
        let _ = state.set_recv_buffer_size((&socket).into(), BUFFER_BYTES);
        let _ = state.set_send_buffer_size((&socket).into(), BUFFER_BYTES);
        let recv_buffer = state.recv_buffer_size((&socket).into()).unwrap_or(0);
        let send_buffer = state.send_buffer_size((&socket).into()).unwrap_or(0);
        // Linux reports twice the granted size (bookkeeping overhead).
        if recv_buffer < BUFFER_BYTES {
            tracing::warn!(
                recv_buffer,
                wanted = BUFFER_BYTES,
                "media socket receive buffer is small; raise net.core.rmem_max (see docs/install.md)"
            );
        }
        // With GRO one receive slot holds several coalesced datagrams.
        let slot = (MAX_DATAGRAM * state.gro_segments().max(1)).min(64 * 1024);
        tracing::info!(
            gso_segments = state.max_gso_segments(),
            gro_segments = state.gro_segments(),
            recv_buffer,
            send_buffer,
            "media socket ready"
        );
        Ok(Self {
            socket,
            state,
            buf: vec![0; slot * BATCH],
            slot,
            metas: vec![RecvMeta::default(); BATCH],
            gso: Vec::with_capacity(64 * 1024),
        })
    }

    /// A duplicate of the socket for another thread's runtime (a shard that only sends).
    pub fn try_clone_std(&self) -> io::Result<std::net::UdpSocket> {
        let fd = std::os::fd::AsFd::as_fd(&self.socket).try_clone_to_owned()?;
        let socket = std::net::UdpSocket::from(fd);
        socket.set_nonblocking(true)?;
        Ok(socket)
    }

    /// The bound address.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.socket.local_addr()
    }

    /// Waits until a datagram can be read.
    pub async fn readable(&self) -> io::Result<()> {
        self.socket.readable().await
    }

    /// Reads what is queued (one system call, up to [`BATCH`] slots) and hands each
    /// datagram to `each`. Returns how many datagrams there were; 0 when none was queued.
    pub fn recv_batch(&mut self, mut each: impl FnMut(SocketAddr, &[u8])) -> io::Result<usize> {
        let Self {
            socket,
            state,
            buf,
            slot,
            metas,
            ..
        } = self;
        let mut slices: Vec<IoSliceMut<'_>> = buf.chunks_mut(*slot).map(IoSliceMut::new).collect();
        // Unlike the TURN relay, a short batch does not end the read here: the caller asks
        // again and takes what arrived while the batch was handled (≈ 20 µs a packet).
        // Leaving those to the next readiness event raised `bench sfu`'s p50 from 0.15 to
        // 0.4–1.7 ms in two runs.
        let n = match socket.try_io(Interest::READABLE, || {
            state.recv((&*socket).into(), &mut slices, metas)
        }) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(0),
            Err(e) => return Err(e),
        };
        let mut count = 0;
        for (meta, slice) in metas.iter().zip(slices.iter()).take(n) {
            let data = &slice[..meta.len.min(slice.len())];
            let stride = meta.stride.max(1);
            for datagram in data.chunks(stride) {
                each(meta.addr, datagram);
                count += 1;
            }
        }
        Ok(count)
    }

    /// Sends datagrams in order. Consecutive ones to the same destination of the same size
    /// (the last of a run may be shorter) go out as one GSO send.
    /// On a dual-stack socket IPv4 destinations are sent to as IPv4-mapped addresses.
    pub async fn send_all(&mut self, datagrams: &[Transmit], dual_stack: bool) -> io::Result<()> {
        let max_segments = self.state.max_gso_segments().max(1);
        let mut run: Option<(SocketAddr, usize, usize)> = None; // destination, size, count
        let mut last_error = Ok(());
        for t in datagrams {
            let destination = match (dual_stack, t.destination) {
                (true, SocketAddr::V4(v4)) => {
                    SocketAddr::new(IpAddr::V6(v4.ip().to_ipv6_mapped()), v4.port())
                }
                (_, d) => d,
            };
            let data = &t.contents[..];
            let joins = run.is_some_and(|(d, size, count)| {
                d == destination
                    && data.len() <= size
                    && count < max_segments
                    && self.gso.len() == size * count
            });
            if !joins {
                if let Some((d, size, _)) = run.take() {
                    last_error = self.send_run(d, size).await.and(last_error);
                }
                run = Some((destination, data.len(), 0));
            }
            self.gso.extend_from_slice(data);
            if let Some(r) = run.as_mut() {
                r.2 += 1;
            }
        }
        if let Some((d, size, _)) = run {
            last_error = self.send_run(d, size).await.and(last_error);
        }
        last_error
    }

    async fn send_run(&mut self, destination: SocketAddr, size: usize) -> io::Result<()> {
        let transmit = quinn_udp::Transmit {
            destination,
            ecn: None,
            contents: &self.gso,
            segment_size: (self.gso.len() > size).then_some(size),
            src_ip: None,
        };
        let result = loop {
            match self.socket.try_io(Interest::WRITABLE, || {
                self.state.try_send((&self.socket).into(), &transmit)
            }) {
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    if let Err(e) = self.socket.writable().await {
                        break Err(e);
                    }
                }
                other => break other,
            }
        };
        if result.is_err() && transmit.segment_size.is_some() {
            // The device refused segmentation offload (quinn-udp stops using it): send the
            // run's datagrams one by one instead of losing the frame.
            for datagram in self.gso.chunks(size) {
                let single = quinn_udp::Transmit {
                    destination,
                    ecn: None,
                    contents: datagram,
                    segment_size: None,
                    src_ip: None,
                };
                let _ = self.socket.try_io(Interest::WRITABLE, || {
                    self.state.try_send((&self.socket).into(), &single)
                });
            }
        }
        self.gso.clear();
        result
    }
}
