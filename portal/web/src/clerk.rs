//! The clerk console: sign-in and today's bookings.
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Duration, TimeZone};
use minijinja::context;
use serde::{Deserialize, Serialize};

use super::guard::SignedIn;
use super::page::{internal, lang, local_date_time, render};
use crate::page::{Lang, LangForm, PageError};
use crate::AppState;
use cookie::{Cookie, CookieBuilder, SameSite};
use vamt_booking::booking;
use vamt_booking::clerk::{self, Clerk, SESSION_HOURS};

/// The session cookie; read by [`super::guard`], set and cleared here.
pub(super) const COOKIE: &str = "vamt_clerk";
/// The console lists bookings from today on, this many days.
const CONSOLE_DAYS: i64 = 7;

/// The session cookie with `token`: script cannot read it, and other sites' pages do not
/// send it (`SameSite=Strict`).
fn session(token: String) -> CookieBuilder<'static> {
    Cookie::build((COOKIE, token))
        .http_only(true)
        .same_site(SameSite::Strict)
        .path("/")
}

fn session_cookie(headers: &HeaderMap) -> Option<String> {
    super::page::cookie(headers, COOKIE)
}

/// The signed-in clerk `me` (from [`SignedIn`]) with their access to booking `id`, if it
/// is their business at all; else the answer to give: 404 as for an unknown booking (a
/// clerk learns nothing of other locations' appointments, not even that they exist).
pub async fn clerk_with_access(
    st: &AppState,
    me: Clerk,
    lang: &str,
    id: &str,
) -> Result<(clerk::Clerk, clerk::Access), Response> {
    match clerk::access_to(&st.db, &me, id).await {
        Ok(clerk::Access::None) => Err(super::page::error_page(st, lang, PageError::NotFound)),
        Ok(access) => Ok((me, access)),
        Err(e) => Err(internal(st, lang, &e)),
    }
}

pub async fn login_form(State(st): State<AppState>, Lang(lang): Lang) -> Response {
    render(
        &st,
        StatusCode::OK,
        lang,
        "clerk_login.html",
        "/clerk/login",
        context! { failed => false, username => "" },
    )
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
}

pub async fn login(
    State(st): State<AppState>,
    client: super::door::ClientAddr,
    LangForm(Lang(lang), f): LangForm<LoginForm>,
) -> Response {
    let now = st.now();
    let account = f.username.trim().to_lowercase();
    let source = client.bucket();
    // During a back-off the password is not even checked: no hash is spent on it, and the
    // right password guessed at the 40th try is refused like the wrong ones.
    let waits = [
        ("account", st.sign_in.accounts.check(&account, now)),
        ("client", st.sign_in.clients.check(&source, now)),
    ];
    if let Some(wait) = waits.iter().filter_map(|(_, w)| w.err()).max() {
        for (scope, w) in &waits {
            if w.is_err() {
                st.metrics
                    .sign_in_throttled
                    .with_label_values(&[scope])
                    .inc();
            }
        }
        tracing::warn!(client = %source, wait_seconds = wait.num_seconds(), "clerk sign-in refused during back-off");
        let minutes = (wait.num_seconds() + 59) / 60;
        let mut resp = render(
            &st,
            StatusCode::TOO_MANY_REQUESTS,
            lang,
            "clerk_login.html",
            "/clerk/login",
            context! { failed => false, throttled => minutes.max(1), username => f.username },
        );
        if let Ok(v) = HeaderValue::from_str(&wait.num_seconds().max(1).to_string()) {
            resp.headers_mut().insert(header::RETRY_AFTER, v);
        }
        return resp;
    }
    match clerk::login(&st.db, f.username.trim(), &f.password, now).await {
        Ok(Some((token, c))) => {
            st.sign_in.accounts.succeeded(&account);
            tracing::info!(clerk = c.id, "clerk signed in");
            let cookie = session(token)
                .max_age(cookie::time::Duration::hours(SESSION_HOURS))
                .secure(st.settings.http.public_url.starts_with("https://"));
            let mut resp = Redirect::to("/clerk").into_response();
            super::page::set_cookie(&mut resp, cookie.into());
            resp
        }
        Ok(None) => {
            st.sign_in.accounts.failed(&account, now);
            st.sign_in.clients.failed(&source, now);
            st.metrics.sign_in_failures.inc();
            tracing::info!(client = %source, "clerk sign-in refused: wrong user name or password");
            render(
                &st,
                StatusCode::UNAUTHORIZED,
                lang,
                "clerk_login.html",
                "/clerk/login",
                context! { failed => true, username => f.username },
            )
        }
        Err(e) => internal(&st, lang, &e),
    }
}

pub async fn logout(State(st): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(token) = session_cookie(&headers) {
        if let Err(e) = clerk::logout(&st.db, &token).await {
            return internal(&st, lang(None, &headers), &e);
        }
    }
    let mut resp = Redirect::to("/clerk/login").into_response();
    let cleared = session(String::new()).max_age(cookie::time::Duration::ZERO);
    super::page::set_cookie(&mut resp, cleared.into());
    resp
}

#[derive(Serialize)]
struct Row {
    id: String,
    date: String,
    time: String,
    service: String,
    citizen: String,
    room: String,
    /// Confirmed by the citizen (else held, waiting for the opt-in).
    confirmed: bool,
    clerk: String,
    note: String,
    attendance: String,
    /// The appointment has begun: attendance can be marked.
    begun: bool,
    /// Who is in the waiting room for this booking.
    waiting: Vec<Waiting>,
}

#[derive(Serialize)]
struct Waiting {
    participant: String,
    name: String,
    position: usize,
    minutes: u64,
}

#[derive(Deserialize)]
pub struct ConsoleQuery {
    /// One day, `YYYY-MM-DD`; without it, a week from today.
    day: Option<String>,
    /// One clerk's bookings (their row ID); without it, everyone's.
    clerk: Option<i64>,
}

#[derive(Serialize)]
struct ClerkOption {
    id: i64,
    name: String,
    selected: bool,
}

/// The console: the appointments of a week from today, or of one day, of every clerk or
/// one, with the waiting room, notes, attendance and rebooking.
pub async fn console(
    State(st): State<AppState>,
    SignedIn(me): SignedIn,
    Query(q): Query<ConsoleQuery>,
    Lang(lang): Lang,
) -> Response {
    let tz = st.settings.booking.timezone;
    let today = st.now().with_timezone(&tz).date_naive();
    let day = q
        .day
        .as_deref()
        .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
    let first = day.unwrap_or(today);
    let midnight = |d: chrono::NaiveDate| {
        tz.from_local_datetime(&d.and_time(chrono::NaiveTime::MIN))
            .earliest()
            .map(|t| t.with_timezone(&chrono::Utc))
            .unwrap_or_else(|| st.now())
    };
    let start = midnight(first);
    let end = midnight(first + Duration::days(if day.is_some() { 1 } else { CONSOLE_DAYS }));
    let entries = match booking::desk(&st.db, &st.vault, start, end, q.clerk, me.scope()).await {
        Ok(b) => b,
        Err(e) => return internal(&st, lang, &e),
    };
    let clerks = match clerk::list(&st.db).await {
        Ok(c) => c,
        Err(e) => return internal(&st, lang, &e),
    };
    let lobby = st.hub.lobby();
    let now = st.now();
    let rows: Vec<Row> = entries
        .iter()
        .map(|e| {
            let b = &e.booking;
            Row {
                id: b.id.clone(),
                date: local_date_time(&st, lang, b.starts_at).0,
                time: local_date_time(&st, lang, b.starts_at).1,
                service: st.i18n.t(lang, &format!("service-{}", b.service), None),
                citizen: b.citizen_name.clone(),
                room: b.room_id.clone(),
                confirmed: b.state == vamt_booking::booking::State::Confirmed,
                clerk: e.clerk_name.clone(),
                note: e.note.clone(),
                attendance: e.attendance.clone(),
                begun: b.starts_at <= now,
                waiting: lobby
                    .iter()
                    .filter(|w| w.room.as_str() == b.room_id)
                    .map(|w| Waiting {
                        participant: w.info.participant.clone(),
                        name: w.info.name.clone(),
                        position: w.position,
                        minutes: w.info.waiting_seconds / 60,
                    })
                    .collect(),
            }
        })
        .collect();
    let options: Vec<ClerkOption> = clerks
        .iter()
        .filter(|c| me.scope().is_none() || c.location_id == me.location_id)
        .map(|c| ClerkOption {
            id: c.id,
            name: c.display_name.clone(),
            selected: q.clerk == Some(c.id),
        })
        .collect();
    let fmt = |d: chrono::NaiveDate| d.format("%Y-%m-%d").to_string();
    let mut resp = render(
        &st,
        StatusCode::OK,
        lang,
        "clerk.html",
        "/clerk",
        context! {
            clerk => me,
            rows => rows,
            clerks => options,
            one_day => day.is_some(),
            day => fmt(first),
            day_label => local_date_time(&st, lang, start + Duration::hours(12)).0,
            prev => fmt(first - Duration::days(1)),
            next => fmt(first + Duration::days(1)),
            filter => q.clerk.map(|c| format!("&clerk={c}")).unwrap_or_default(),
        },
    );
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

#[derive(Deserialize)]
pub struct LobbyForm {
    booking: String,
    participant: String,
    decision: String,
}

/// Admit or decline someone in the waiting room from the console. Admitting opens the call
/// for the clerk right away; the citizen is in the room when the clerk's page joins.
pub async fn lobby_decision(
    State(st): State<AppState>,
    SignedIn(me): SignedIn,
    LangForm(Lang(lang), f): LangForm<LobbyForm>,
) -> Response {
    if let Err(r) = clerk_with_access(&st, me, lang, &f.booking).await {
        return r;
    }
    let booking = match booking::find(&st.db, &st.vault, &f.booking).await {
        Ok(Some(b)) => b,
        Ok(None) => return super::page::error_page(&st, lang, PageError::NotFound),
        Err(e) => return internal(&st, lang, &e),
    };
    let Some(room) = vamt_signalling::RoomId::parse(&booking.room_id) else {
        return super::page::error_page(&st, lang, PageError::NotFound);
    };
    match f.decision.as_str() {
        "admit" => {
            // Gone meanwhile (closed the page) or already admitted: the call page shows it.
            let _ = st.hub.admit(&room, &f.participant);
            Redirect::to(&format!("/clerk/call/{}?lang={lang}", booking.id)).into_response()
        }
        "decline" => {
            st.hub.decline(&room, &f.participant);
            Redirect::to(&format!("/clerk?lang={lang}")).into_response()
        }
        _ => super::page::error_page(&st, lang, PageError::BadRequest),
    }
}

/// This feature's routes.
pub(crate) fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/clerk", axum::routing::get(console))
        .route("/clerk/login", axum::routing::get(login_form).post(login))
        .route("/clerk/logout", axum::routing::post(logout))
        .route("/clerk/lobby", axum::routing::post(lobby_decision))
}
