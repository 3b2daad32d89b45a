//! The portal's HTTP server: accepts connections and serves [`crate::app`] on them,
//! with the limits a server on the internet needs and `axum::serve` does not set.
//!
//! - **Header timeout** (`http.header_timeout_seconds`): a connection must deliver a
//!   request's headers within it, counted from the moment it opens and again from each
//!   answer (hyper's `header_read_timeout`, which also closes a keep-alive connection that
//!   stays idle that long). Without it, a client that sent headers a byte at a time, or
//!   nothing at all, held its connection, task and descriptor for ever (slowloris).
//! - **Body timeout** (`http.body_timeout_seconds`): a request body must arrive whole
//!   within it; a body trickled in is answered with an error.
//! - **Connection cap** (`http.max_connections`): past it a new connection is closed at
//!   once, so a flood cannot take the descriptors the database and the media plane need.
//!
//! WebSockets are out of these limits once upgraded: signalling has its own (a `join`
//! within seconds, sockets per client, pings); their connection still counts against the
//! cap while it lives.
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes, HttpBody};
use axum::extract::ConnectInfo;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::{mpsc, watch, Semaphore};

use crate::AppState;

/// A request body that must arrive whole before its deadline.
struct DeadlineBody {
    inner: hyper::body::Incoming,
    deadline: Pin<Box<tokio::time::Sleep>>,
}

/// The body did not arrive within `http.body_timeout_seconds`.
#[derive(Debug, thiserror::Error)]
#[error("request body not received in time")]
pub struct BodyTimeout;

impl HttpBody for DeadlineBody {
    type Data = Bytes;
    type Error = axum::BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<hyper::body::Frame<Bytes>, Self::Error>>> {
        if let Poll::Ready(frame) = Pin::new(&mut self.inner).poll_frame(cx) {
            return Poll::Ready(frame.map(|f| f.map_err(Into::into)));
        }
        match self.deadline.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Some(Err(BodyTimeout.into()))),
            Poll::Pending => Poll::Pending,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> hyper::body::SizeHint {
        self.inner.size_hint()
    }
}

/// Serves the portal on `listener` until `shutdown` completes, then lets open requests
/// finish (calls are told by the hub; the caller bounds the wait).
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let http = &state.settings.http;
    let (header_timeout, body_timeout) = (http.header_timeout, http.body_timeout);
    let slots = Arc::new(Semaphore::new(http.max_connections));
    let metrics = state.metrics.clone();
    // Routes turned into services once, not per connection (a `Router` served bare redoes
    // that for every connection: 8 % of a release storm's CPU).
    let router = crate::app(state);
    // HTTP/1.1 only, as browsers speak it through the reverse proxy: hyper's automatic
    // version detection waits for a first byte with no timeout at all, so a connection that
    // sent nothing stayed open for ever.
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(header_timeout);
    let builder = Arc::new(builder);
    // Each connection holds a sender; once all are dropped, every connection has ended.
    let (alive, mut all_done) = mpsc::channel::<()>(1);
    let (stop, stopping) = watch::channel(false);
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of descriptors or a connection reset while queued: go on, a
                    // little later, rather than end the server.
                    tracing::warn!(error = %e, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Ok(permit) = slots.clone().try_acquire_owned() else {
            metrics
                .http_connections_refused
                .with_label_values(&["cap"])
                .inc();
            drop(stream);
            continue;
        };
        let _ = stream.set_nodelay(true);
        let router = router.clone();
        let service =
            hyper::service::service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
                let (mut parts, body) = req.into_parts();
                parts.extensions.insert(ConnectInfo(peer));
                let body = Body::new(DeadlineBody {
                    inner: body,
                    deadline: Box::pin(tokio::time::sleep(body_timeout)),
                });
                let req = axum::http::Request::from_parts(parts, body);
                let mut router = router.clone();
                async move { tower::Service::call(&mut router, req).await }
            });
        let builder = builder.clone();
        let metrics = metrics.clone();
        let alive = alive.clone();
        let mut stopping = stopping.clone();
        tokio::spawn(async move {
            metrics.http_connections.inc();
            let conn = builder
                .serve_connection(TokioIo::new(stream), service)
                .with_upgrades();
            tokio::pin!(conn);
            let ended = tokio::select! {
                r = conn.as_mut() => r,
                () = async { let _ = stopping.wait_for(|v| *v).await; } => {
                    // Finish the request in flight, then close.
                    conn.as_mut().graceful_shutdown();
                    conn.await
                }
            };
            if let Err(e) = ended {
                if e.is_timeout() {
                    metrics
                        .http_connections_refused
                        .with_label_values(&["header_timeout"])
                        .inc();
                }
                tracing::debug!(client = %peer, error = %e, "HTTP connection ended with an error");
            }
            metrics.http_connections.dec();
            drop(permit);
            drop(alive);
        });
    }
    drop(listener);
    let _ = stop.send(true);
    drop(alive);
    let _ = all_done.recv().await;
    Ok(())
}
