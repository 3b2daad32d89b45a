//! The UDP loop of the STUN server.
use std::future::Future;
use std::io;
use std::net::SocketAddr;

use tokio::net::UdpSocket;

use crate::binding::{self, Reply};
use crate::TurnMetrics;

/// A bound STUN server.
pub struct StunServer {
    socket: UdpSocket,
    metrics: TurnMetrics,
}

impl StunServer {
    /// Binds the UDP socket.
    pub async fn bind(addr: SocketAddr, metrics: TurnMetrics) -> io::Result<Self> {
        Ok(Self {
            socket: UdpSocket::bind(addr).await?,
            metrics,
        })
    }

    /// The bound address.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.socket.local_addr()
    }

    /// Answers requests until `shutdown` completes.
    pub async fn run(self, shutdown: impl Future<Output = ()>) {
        let mut buf = vec![0u8; 2048];
        let mut out = Vec::with_capacity(128);
        tokio::pin!(shutdown);
        loop {
            tokio::select! {
                r = self.socket.recv_from(&mut buf) => {
                    let Ok((n, source)) = r else { continue };
                    match binding::handle(&buf[..n], source, &mut out) {
                        Reply::Send => {
                            self.metrics.requests.with_label_values(&["answered"]).inc();
                            let _ = self.socket.send_to(&out, source).await;
                        }
                        Reply::Drop => self.metrics.requests.with_label_values(&["dropped"]).inc(),
                    }
                }
                _ = &mut shutdown => break,
            }
        }
    }
}
