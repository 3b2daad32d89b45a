//! The call page, for citizens (by join link) and clerks (by session). Each load mints a
//! short-lived room token bound to the booking's room and the role.
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;
use serde::Deserialize;
use serde_json::json;
use vamt_signalling::{Role, RoomClaims};

use super::clerk::clerk_with_access;
use super::guard::SignedIn;
use super::page::{error_page, internal, local_date_time, render};
use crate::page::{Lang, LangForm, PageError};
use crate::AppState;
use vamt_booking::booking::{self, Booking};

#[derive(Deserialize)]
pub struct CallQuery {
    key: Option<String>,
}

#[derive(Deserialize)]
pub struct GuestQuery {
    invite: Option<String>,
    key: Option<String>,
}

/// `GET /call/{id}/guest?invite=IV_…&key=K`: the call page for a guest the clerk invited
/// (an interpreter, a colleague), in the invitation's role; the guest waits until admitted.
pub async fn guest(
    State(st): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<GuestQuery>,
    Lang(lang): Lang,
) -> Response {
    let (Some(invite), Some(key)) = (q.invite.as_deref(), q.key.as_deref()) else {
        return error_page(&st, lang, PageError::LinkRefused);
    };
    let found =
        vamt_booking::invite::find_by_key(&st.db, &st.vault, &id, invite, key, st.now()).await;
    let inv = match found {
        Ok(Some(i)) => i,
        Ok(None) => return error_page(&st, lang, PageError::LinkRefused),
        Err(e) => return internal(&st, lang, &e),
    };
    let booking = match booking::find(&st.db, &st.vault, &id).await {
        Ok(Some(b)) if b.state.is_live() => b,
        Ok(_) => return error_page(&st, lang, PageError::LinkRefused),
        Err(e) => return internal(&st, lang, &e),
    };
    let role = match inv.role {
        vamt_booking::invite::GuestRole::Interpreter => Role::Interpreter,
        vamt_booking::invite::GuestRole::Observer => Role::Observer,
    };
    let path = format!("/call/{id}/guest?invite={invite}&key={key}");
    call_page(
        &st,
        lang,
        &booking,
        format!("guest:{}", inv.id),
        inv.name,
        role,
        &path,
    )
    .await
}

const CALL_STRINGS: &[&str] = &[
    "call-status-starting",
    "call-status-connecting",
    "call-status-waiting",
    "call-status-connected",
    "call-status-left",
    "call-status-replaced",
    "call-status-other-left",
    "call-status-error",
    "call-status-camera-denied",
    "call-status-server-closed",
    "call-status-reconnecting",
    "call-status-other-reconnecting",
    "call-status-lobby",
    "call-lobby-position",
    "call-status-declined",
    "call-status-removed",
    "call-status-ended",
    "call-muted-by-clerk",
    "call-muted-other",
    "lobby-empty",
    "lobby-admit",
    "lobby-decline",
    "call-mute-other",
    "call-remove",
    "call-mute",
    "call-unmute",
    "call-camera-off",
    "call-camera-on",
    "call-share-screen",
    "call-stop-sharing",
    "call-remote-screen",
    "call-remote",
    "call-quality-own-poor",
    "call-quality-other-poor",
    "chat-you",
    "chat-delivered",
    "chat-alone",
    "call-audio-only",
    "call-no-devices",
    "call-status-check",
    "prejoin-camera",
    "prejoin-mic",
    "prejoin-net-good",
    "prejoin-net-fair",
    "prejoin-net-poor",
    "prejoin-help-denied",
    "prejoin-help-missing",
    "prejoin-help-busy",
    "inspect-enlarge",
    "inspect-freeze",
];

/// The claims of a room token for `booking`: `sub` and `name` in `role`, valid for the
/// configured lifetime from now.
pub(crate) fn claims(
    st: &AppState,
    booking: &Booking,
    sub: String,
    name: String,
    role: Role,
) -> RoomClaims {
    let now = st.now().timestamp().max(0) as u64;
    RoomClaims {
        sub,
        name,
        room: booking.room_id.clone(),
        booking: booking.id.clone(),
        role,
        iat: now,
        exp: now + st.call.token_ttl.as_secs(),
        // Citizens and guests wait until the clerk lets them in; the room opens to them a
        // while before the appointment.
        lobby: role != Role::Clerk,
        opens_at: (role != Role::Clerk)
            .then(|| (booking.starts_at - st.call.join_window).timestamp().max(0) as u64),
    }
}

/// The claims of the citizen's room token for `booking`.
pub(crate) fn citizen_claims(st: &AppState, booking: &Booking) -> RoomClaims {
    claims(
        st,
        booking,
        format!("citizen:{}", booking.id),
        booking.citizen_name.clone(),
        Role::Citizen,
    )
}

/// The ICE servers a participant of `room` is told at `now` (Unix seconds): this node's
/// STUN and TURN, when it runs a relay browsers can reach.
pub(crate) fn ice_servers(st: &AppState, room: &str, now: u64) -> Vec<serde_json::Value> {
    // The browser learns its reflexive address from our STUN server, when this node runs
    // one browsers can reach.
    let mut servers: Vec<serde_json::Value> = Vec::new();
    if let Some(relay) = &st.relay {
        let (ip, port) = (relay.address.ip(), relay.address.port());
        let host = if ip.is_ipv6() {
            format!("[{ip}]")
        } else {
            ip.to_string()
        };
        servers.push(json!({ "urls": format!("stun:{host}:{port}") }));
        // TURN for networks that block direct UDP: REST credentials bound to this room,
        // valid as long as the room token (docs/turn.md).
        let (username, credential) =
            (relay.credentials)(&format!("call-{room}"), now, st.call.token_ttl);
        servers.push(json!({
            "urls": format!("turn:{host}:{port}?transport=udp"),
            "username": username,
            "credential": credential,
        }));
        // TCP on the same port, and TLS where configured, for networks that let only
        // TCP (or only TLS) out. One entry each, so UDP stays the first the browser tries.
        servers.push(json!({
            "urls": format!("turn:{host}:{port}?transport=tcp"),
            "username": username,
            "credential": credential,
        }));
        if let Some(tls_port) = relay.tls_port {
            // The certificate names the portal's host, not an IP.
            let name = st
                .settings
                .http
                .public_host()
                .unwrap_or_else(|| host.clone());
            servers.push(json!({
                "urls": format!("turns:{name}:{tls_port}?transport=tcp"),
                "username": username,
                "credential": credential,
            }));
        }
    }
    servers
}

/// The texts case.js shows.
const CASE_STRINGS: &[&str] = &[
    "docs-none",
    "docs-failed",
    "docs-received",
    "docs-download",
    "docs-keep",
    "docs-discard",
    "docs-from-citizen",
    "docs-from-office",
    "docs-from-citizen-clerk",
    "docs-from-office-clerk",
    "docs-state-received",
    "docs-state-kept",
    "docs-state-discarded",
    "identity-saved-confirmed",
    "identity-saved-failed",
    "guest-made",
    "sign-ask",
    "sign-asked",
    "sign-done",
    "sign-tan-sent",
    "deliver-download",
    "deliver-post",
    "deliver-done",
    "review-show",
    "review-page",
    "docs-state-uploading",
    "timeline-opened",
    "timeline-identity_checked",
    "timeline-document_received",
    "timeline-upload_refused",
    "timeline-document_kept",
    "timeline-document_discarded",
    "timeline-downloaded",
    "timeline-signature_requested",
    "timeline-document_read",
    "timeline-tan_sent",
    "timeline-document_signed",
    "timeline-document_sealed",
    "timeline-delivered",
    "timeline-erased",
    "timeline-by-citizen",
    "timeline-by-clerk",
    "timeline-by-system",
    "timeline-by-guest",
    "timeline-joined",
    "timeline-left",
    "timeline-identity_requested",
    "timeline-document_shared",
    "timeline-payment_requested",
    "timeline-payment_started",
    "timeline-payment_state",
    "timeline-payment_refused",
    "timeline-refund_requested",
    "pay-requested",
    "pay-withdrawn",
    "pay-each",
    "pay-quantity",
    "pay-total",
    "pay-send-invoice",
    "docs-share",
    "identity-asked",
    "identity-progress-front",
    "identity-progress-back",
    "identity-progress-tilt",
    "identity-progress-photo",
    "identity-progress-done",
    "idcheck-now",
    "idcheck-done",
    "idcheck-step-front",
    "idcheck-step-back",
    "idcheck-step-tilt",
    "idcheck-step-photo",
    "appointment-note-saved",
    "finished-no-docs",
];

async fn call_page(
    st: &AppState,
    lang: &'static str,
    booking: &Booking,
    sub: String,
    name: String,
    role: Role,
    path: &str,
) -> Response {
    let now = st.now().timestamp().max(0) as u64;
    let claims = claims(st, booking, sub, name, role);
    let token = match st.tokens.sign(&claims) {
        Ok(t) => t,
        Err(e) => return internal(st, lang, &e),
    };
    let strings: serde_json::Map<String, serde_json::Value> = CALL_STRINGS
        .iter()
        .map(|k| ((*k).to_owned(), json!(st.i18n.t(lang, k, None))))
        .collect();
    let ice_servers = ice_servers(st, &booking.room_id, now);
    let case_strings: serde_json::Map<String, serde_json::Value> = CASE_STRINGS
        .iter()
        .map(|k| ((*k).to_owned(), json!(st.i18n.t(lang, k, None))))
        .collect();
    let config = json!({
        "booking": booking.id,
        "expires_at": claims.exp,
        "room": booking.room_id,
        "token": token,
        "role": role,
        "iceServers": ice_servers,
        "strings": strings,
    });
    let service = st
        .i18n
        .t(lang, &format!("service-{}", booking.service), None);
    // The clerk sees the appointment beside the call: who, when, and what to check.
    let note = if role == Role::Clerk {
        match booking::note(&st.db, &st.vault, &booking.id).await {
            Ok(n) => n,
            Err(e) => return internal(st, lang, &e),
        }
    } else {
        String::new()
    };
    let appointment = (role == Role::Clerk).then(|| {
        let (date, time) = local_date_time(st, lang, booking.starts_at);
        context! {
            citizen => booking.citizen_name.clone(),
            date => date,
            time => time,
            check => st.i18n.t(lang, &format!("service-{}-docs", booking.service), None),
            note => note,
        }
    });
    let mut resp = render(
        st,
        StatusCode::OK,
        lang,
        "call.html",
        path,
        context! {
            config => config,
            case_strings => case_strings,
            service => service,
            role => role.to_string(),
            appointment => appointment,
        },
    );
    // The page carries a live token: never cache it.
    resp.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    resp
}

pub async fn citizen(
    State(st): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<CallQuery>,
    Lang(lang): Lang,
) -> Response {
    let Some(key) = q.key.as_deref() else {
        return error_page(&st, lang, PageError::LinkRefused);
    };
    let booking = match booking::find_by_join_key(&st.db, &st.vault, &id, key).await {
        Ok(Some(b)) => b,
        Ok(None) => return error_page(&st, lang, PageError::LinkRefused),
        Err(e) => return internal(&st, lang, &e),
    };
    let path = format!("/call/{id}?key={key}");
    let opens = booking.starts_at - st.call.join_window;
    if st.now() < opens {
        // Too early: say when the room opens instead of a waiting room that refuses.
        let (date, time) = local_date_time(&st, lang, opens);
        let (_, slot) = local_date_time(&st, lang, booking.starts_at);
        return render(
            &st,
            StatusCode::OK,
            lang,
            "call_early.html",
            &path,
            context! { date => date, time => time, slot => slot, retry => path.clone() },
        );
    }
    let claims = citizen_claims(&st, &booking);
    call_page(
        &st,
        lang,
        &booking,
        claims.sub,
        claims.name,
        Role::Citizen,
        &path,
    )
    .await
}

/// `POST /clerk/call/{id}/take-over`: the clerk takes a colleague's call over, recorded
/// (who, which, when), counted and logged; then the call page as its moderator.
pub async fn take_over(
    State(st): State<AppState>,
    SignedIn(me): SignedIn,
    Path(id): Path<String>,
    LangForm(Lang(lang), _): LangForm<Vec<(String, String)>>,
) -> Response {
    let (clerk, access) = match clerk_with_access(&st, me, lang, &id).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    if access == vamt_booking::clerk::Access::Location {
        if let Err(e) = vamt_booking::clerk::take_over(&st.db, &clerk, &id, st.now()).await {
            return internal(&st, lang, &e);
        }
        st.metrics.call_takeovers.inc();
        tracing::warn!(booking = %id, clerk = clerk.id, "call taken over from a colleague");
    }
    Redirect::to(&format!("/clerk/call/{id}?lang={lang}")).into_response()
}

pub async fn clerk(
    State(st): State<AppState>,
    SignedIn(me): SignedIn,
    Path(id): Path<String>,
    Lang(lang): Lang,
) -> Response {
    let (clerk, access) = match clerk_with_access(&st, me, lang, &id).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let booking = match booking::find(&st.db, &st.vault, &id).await {
        Ok(Some(b)) if b.state.is_live() => b,
        Ok(_) => return error_page(&st, lang, PageError::NotFound),
        Err(e) => return internal(&st, lang, &e),
    };
    let path = format!("/clerk/call/{id}");
    if access != vamt_booking::clerk::Access::Own {
        // A colleague's appointment: no moderator token without an explicit take-over.
        let colleague = match booking.clerk_id {
            Some(c) => vamt_booking::clerk::list(&st.db)
                .await
                .ok()
                .and_then(|all| all.into_iter().find(|x| x.id == c))
                .map(|x| x.display_name)
                .unwrap_or_default(),
            None => String::new(),
        };
        let (date, time) = local_date_time(&st, lang, booking.starts_at);
        return render(
            &st,
            StatusCode::OK,
            lang,
            "clerk_takeover.html",
            &path,
            context! { id => booking.id, colleague => colleague, date => date, time => time },
        );
    }
    call_page(
        &st,
        lang,
        &booking,
        format!("clerk:{}", clerk.id),
        clerk.display_name,
        Role::Clerk,
        &path,
    )
    .await
}

/// This feature's routes.
pub(crate) fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/call/{id}", axum::routing::get(citizen))
        .route("/call/{id}/guest", axum::routing::get(guest))
        .route("/clerk/call/{id}", axum::routing::get(clerk))
        .route("/clerk/call/{id}/take-over", axum::routing::post(take_over))
}
