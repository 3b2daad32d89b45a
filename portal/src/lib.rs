//! vamt's portal: booking pages, the call page, the clerk console, and the HTTP edge of
//! signalling (`/ws`), health and metrics.
#![forbid(unsafe_code)]

pub mod batch;
pub mod booking;
pub mod catalogue;
pub mod clerk;
pub mod config;
pub mod db;
pub mod demo;
pub mod group;
pub mod hold;
pub mod i18n;
pub mod ics;
pub mod job;
pub mod mail;
pub mod mail_queue;
pub mod metrics;
pub mod notify;
pub mod pow;
pub mod private_file;
pub mod reminder;
pub mod retention;
pub mod schedule;
pub mod secret;
pub mod server;
pub mod shield;
pub mod state;
pub mod stats;
pub mod templates;
pub mod vault;
pub mod waitlist;
pub mod web;

pub use state::AppState;
pub use web::app;

/// Connections the kernel queues for a listener before it accepts them (capped by
/// `net.core.somaxconn`, 4096 on current kernels). The standard library's 128 overflowed
/// when 500 citizens came at the release time at once: the rest waited a second for their
/// SYN to be sent again.
pub const LISTEN_BACKLOG: u32 = 4096;

/// A TCP listener on `addr` with [`LISTEN_BACKLOG`], for the portal's HTTP and the relay's
/// TCP and TLS ports.
pub fn listen(addr: std::net::SocketAddr) -> std::io::Result<tokio::net::TcpListener> {
    let socket = if addr.is_ipv4() {
        tokio::net::TcpSocket::new_v4()?
    } else {
        tokio::net::TcpSocket::new_v6()?
    };
    // As the standard library's bind does: a restarted server gets its port back at once.
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(LISTEN_BACKLOG)
}
