//! vamt's portal on the web: the router (a module per feature: booking pages, the JSON API,
//! the call page and `/ws`, the clerk console, administration, operations), page templates,
//! request extractors (`guard`), the HTTP server and the state every handler shares. The
//! domains (`vamt-booking`) and storage below it know nothing of HTTP; this crate turns
//! requests into their calls and their answers into pages.
#![forbid(unsafe_code)]

mod admin;
pub mod api;
mod assets;
mod booking;
mod call;
mod call_record;
mod case;
mod cashbook;
mod clerk;
pub mod config;
mod desk;
mod door;
mod error;
mod guard;
mod hearing;
mod hearing_office;
mod ops;
mod origin;
mod page;
mod pay;
pub mod pdf_text;
mod rebook;
mod waitlist;
mod ws;

pub mod metrics;
pub mod pages;
pub mod pow;
pub mod server;
pub mod state;

pub use state::AppState;

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

use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use cookie::{Cookie, SameSite};

/// The portal's router.
pub fn app(state: AppState) -> Router {
    Router::new()
        .merge(booking::routes())
        .merge(waitlist::routes())
        .merge(rebook::routes())
        .merge(call::routes())
        .merge(case::page_routes())
        .merge(pay::page_routes())
        .merge(pay::routes())
        .merge(clerk::routes())
        .merge(desk::routes())
        .merge(admin::routes())
        .merge(cashbook::routes())
        .merge(hearing::routes())
        .merge(hearing_office::routes())
        .merge(ws::routes())
        .merge(ops::routes())
        .merge(assets::routes())
        // The JSON API, with its own 405; its 404 is the fallback's (error::not_found).
        .merge(api::routes())
        .fallback(error::not_found)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            origin::protect,
        ))
        .layer(middleware::from_fn(remember_language))
        .layer(middleware::from_fn(security_headers))
        .layer(middleware::from_fn_with_state(state.clone(), track))
        .with_state(state)
}

/// The operators' listener (`metrics.listen`): metrics and health, nothing a citizen
/// reaches. Kept off the portal's routes so the documented proxy cannot publish live rooms
/// and load to the internet.
pub fn operations(state: AppState) -> Router {
    Router::new()
        .route("/metrics", get(ops::metrics))
        .route("/healthz", get(ops::healthz))
        .route("/readyz", get(ops::readyz))
        .with_state(state)
}

/// Same-origin everything: scripts, styles, the WebSocket; media from the camera.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; media-src 'self' blob: mediastream:; connect-src 'self'; \
     object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Headers every page gets. `no-referrer` keeps join keys (in call page URLs) from leaking
/// to any site a page might link to; `frame-ancestors 'none'` keeps the clerk console out
/// of other sites' frames.
async fn security_headers(req: Request, next: Next) -> Response {
    use axum::http::header::{self, HeaderValue};
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::HeaderName::from_static("permissions-policy"),
        HeaderValue::from_static("camera=(self), microphone=(self), geolocation=(), payment=()"),
    );
    resp
}

/// An explicit `?lang=` (a link or a form field) is remembered for later pages, so a choice
/// survives redirects (after sign-in, after booking).
async fn remember_language(req: Request, next: Next) -> Response {
    let chosen = page::query_lang(req.uri()).map(str::to_owned);
    let mut resp = next.run(req).await;
    if let Some(l) = chosen.filter(|l| vamt_portal_core::i18n::I18n::supports(l)) {
        let cookie = Cookie::build((page::LANG_COOKIE, l))
            .path("/")
            .same_site(SameSite::Lax)
            .max_age(cookie::time::Duration::days(365));
        page::set_cookie(&mut resp, cookie.into());
    }
    resp
}

/// Counts every request by route template (never the raw path: IDs would make the label
/// set unbounded).
async fn track(State(st): State<AppState>, req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".to_owned());
    let method = req.method().as_str().to_owned();
    let started = Instant::now();
    let resp = next.run(req).await;
    st.metrics
        .http_requests
        .with_label_values(&[&route, &method, resp.status().as_str()])
        .inc();
    st.metrics
        .http_duration
        .with_label_values(&[&route])
        .observe(started.elapsed().as_secs_f64());
    resp
}
