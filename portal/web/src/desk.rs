//! The clerk's desk beyond the call: notes, attendance, moving an appointment, and booking
//! for a citizen on the phone (the service centre). Every route needs a clerk's session.
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;
use serde::{Deserialize, Serialize};

use super::clerk::clerk_with_access;
use super::guard::SignedIn;
use super::page::{error_page, internal, local_date_time, render};
use crate::page::{Lang, LangForm, PageError};
use crate::AppState;
use vamt_booking::booking::{self, BookingError, NewBooking};

fn back(lang: &str) -> Response {
    Redirect::to(&format!("/clerk?lang={lang}")).into_response()
}

#[derive(Deserialize)]
pub struct NoteForm {
    #[serde(default)]
    note: String,
}

/// `POST /clerk/booking/{id}/note`
pub async fn note(
    State(st): State<AppState>,
    SignedIn(me): SignedIn,
    Path(id): Path<String>,
    LangForm(Lang(lang), f): LangForm<NoteForm>,
) -> Response {
    if let Err(r) = clerk_with_access(&st, me, lang, &id).await {
        return r;
    }
    match booking::set_note(&st.db, &st.vault, &id, &f.note).await {
        Ok(true) => back(lang),
        Ok(false) => error_page(&st, lang, PageError::NotFound),
        Err(e) => internal(&st, lang, &e),
    }
}

#[derive(Deserialize)]
pub struct AttendanceForm {
    attendance: String,
}

/// `POST /clerk/booking/{id}/attendance`: `attended`, `no_show` or `clear`.
pub async fn attendance(
    State(st): State<AppState>,
    SignedIn(me): SignedIn,
    Path(id): Path<String>,
    LangForm(Lang(lang), f): LangForm<AttendanceForm>,
) -> Response {
    if let Err(r) = clerk_with_access(&st, me, lang, &id).await {
        return r;
    }
    let value = (f.attendance != "clear").then_some(f.attendance.as_str());
    match booking::mark_attendance(&st.db, &id, value, st.now()).await {
        Ok(true) => {
            if value == Some("no_show") {
                st.office.metrics.no_shows.inc();
            }
            back(lang)
        }
        Ok(false) => error_page(&st, lang, PageError::AttendanceRefused),
        Err(e) => internal(&st, lang, &e),
    }
}

#[derive(Serialize)]
struct SlotView {
    value: String,
    date: String,
    time: String,
}

fn slot_views(
    st: &AppState,
    lang: &str,
    offers: &[vamt_portal_core::schedule::Offer],
) -> Vec<SlotView> {
    offers
        .iter()
        .take(200)
        .map(|o| {
            let (date, time) = local_date_time(st, lang, o.start);
            SlotView {
                value: vamt_portal_storage::db::ts(o.start),
                date,
                time,
            }
        })
        .collect()
}

/// `GET /clerk/booking/{id}/move`: the free times for the booking's services.
pub async fn move_form(
    State(st): State<AppState>,
    SignedIn(me): SignedIn,
    Path(id): Path<String>,
    Lang(lang): Lang,
) -> Response {
    if let Err(r) = clerk_with_access(&st, me, lang, &id).await {
        return r;
    }
    move_page(&st, lang, &id, StatusCode::OK, None).await
}

async fn move_page(
    st: &AppState,
    lang: &str,
    id: &str,
    status: StatusCode,
    error: Option<&str>,
) -> Response {
    let b = match booking::find(&st.db, &st.vault, id).await {
        Ok(Some(b)) if b.state.is_live() => b,
        Ok(_) => return error_page(st, lang, PageError::NotFound),
        Err(e) => return internal(st, lang, &e),
    };
    let offers = match booking::move_offers(&st.db, &st.settings, id, st.now()).await {
        Ok(o) => o,
        Err(e) => return internal(st, lang, &e),
    };
    let (date, time) = local_date_time(st, lang, b.starts_at);
    render(
        st,
        status,
        lang,
        "clerk_move.html",
        &format!("/clerk/booking/{id}/move"),
        context! {
            id => id,
            citizen => b.citizen_name,
            service => st.i18n.t(lang, &format!("service-{}", b.service), None),
            date => date,
            time => time,
            slots => slot_views(st, lang, &offers),
            error => error,
        },
    )
}

#[derive(Deserialize)]
pub struct MoveForm {
    slot: Option<String>,
}

/// `POST /clerk/booking/{id}/move`: moves it and tells the citizen.
pub async fn move_booking(
    State(st): State<AppState>,
    SignedIn(me): SignedIn,
    Path(id): Path<String>,
    LangForm(Lang(lang), f): LangForm<MoveForm>,
) -> Response {
    if let Err(r) = clerk_with_access(&st, me, lang, &id).await {
        return r;
    }
    let Some(start) = f
        .slot
        .as_deref()
        .and_then(vamt_portal_storage::db::parse_ts)
    else {
        return move_page(
            &st,
            lang,
            &id,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("error-choose-slot"),
        )
        .await;
    };
    match booking::reschedule(&st.db, &st.vault, &st.settings, &id, start, st.now()).await {
        Ok(moved) => {
            st.office
                .metrics
                .rebookings
                .with_label_values(&["clerk"])
                .inc();
            tracing::info!(booking = %id, "appointment moved by a clerk");
            // The citizen's links keep working (same key); the mail brings the new time
            // and calendar file.
            if let Ok(Some(key)) = booking::join_key(&st.db, &st.vault, &id).await {
                let booked = booking::Booked {
                    booking: moved,
                    join_key: key,
                };
                vamt_booking::notify::send_moved(&st, &booked).await;
            }
            back(lang)
        }
        Err(BookingError::SlotTaken) | Err(BookingError::NoSuchSlot) => {
            move_page(
                &st,
                lang,
                &id,
                StatusCode::CONFLICT,
                Some("error-slot-taken"),
            )
            .await
        }
        Err(e) => internal(&st, lang, &e),
    }
}

#[derive(Deserialize)]
pub struct PhoneQuery {
    service: Option<String>,
}

/// `GET /clerk/book?service=`: booking for a caller.
pub async fn phone_form(
    State(st): State<AppState>,
    _: SignedIn,
    Query(q): Query<PhoneQuery>,
    Lang(lang): Lang,
) -> Response {
    phone_page(&st, lang, q.service.as_deref(), StatusCode::OK, None, None).await
}

#[derive(Deserialize)]
pub struct PhoneForm {
    service: String,
    slot: Option<String>,
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    /// The caller's language for the mails.
    locale: Option<String>,
}

#[derive(Serialize)]
struct ServiceOption {
    slug: String,
    name: String,
    selected: bool,
}

async fn phone_page(
    st: &AppState,
    lang: &str,
    chosen: Option<&str>,
    status: StatusCode,
    error: Option<&str>,
    filled: Option<&PhoneForm>,
) -> Response {
    let services = match booking::services(&st.db).await {
        Ok(s) => s,
        Err(e) => return internal(st, lang, &e),
    };
    let options: Vec<ServiceOption> = services
        .iter()
        .filter(|s| s.virtual_ok)
        .map(|s| ServiceOption {
            slug: s.slug.clone(),
            name: st.i18n.t(lang, &format!("service-{}", s.slug), None),
            selected: Some(s.slug.as_str()) == chosen,
        })
        .collect();
    let service = services
        .iter()
        .find(|s| Some(s.slug.as_str()) == chosen && s.virtual_ok);
    let slots = match service {
        Some(s) => {
            match booking::free_slots(&st.db, &st.settings, st.now(), std::slice::from_ref(s)).await
            {
                Ok(o) => slot_views(st, lang, &o),
                Err(e) => return internal(st, lang, &e),
            }
        }
        None => Vec::new(),
    };
    render(
        st,
        status,
        lang,
        "clerk_book.html",
        "/clerk/book",
        context! {
            services => options,
            service => service.map(|s| s.slug.clone()),
            slots => slots,
            error => error,
            // The field the error is about: its link leads there, the field is marked.
            error_field => match error {
                Some("error-email" | "error-too-many-for-email") => "email",
                Some("error-name") => "name",
                _ => "slots",
            },
            name => filled.map(|f| f.name.clone()).unwrap_or_default(),
            email => filled.map(|f| f.email.clone()).unwrap_or_default(),
        },
    )
}

/// `POST /clerk/book`: books for the caller, confirmed at once (the clerk spoke to them),
/// and mails the confirmation with the join link.
pub async fn phone_book(
    State(st): State<AppState>,
    SignedIn(clerk): SignedIn,
    LangForm(Lang(lang), f): LangForm<PhoneForm>,
) -> Response {
    let Some(start) = f
        .slot
        .as_deref()
        .and_then(vamt_portal_storage::db::parse_ts)
    else {
        return phone_page(
            &st,
            lang,
            Some(&f.service),
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("error-choose-slot"),
            Some(&f),
        )
        .await;
    };
    let locale = f
        .locale
        .as_deref()
        .filter(|l| vamt_portal_core::i18n::I18n::supports(l))
        .unwrap_or(lang)
        .to_owned();
    let req = NewBooking {
        services: vec![f.service.clone()],
        start,
        name: f.name.clone(),
        email: f.email.clone(),
        locale,
        channel: "phone",
    };
    let held = match booking::book(&st.db, &st.vault, &st.settings, st.now(), req).await {
        Ok(b) => b,
        Err(e) => {
            // What was typed is wrong (422, as the citizen's form), or the calendar is
            // against it (409).
            let (status, key) = match e {
                BookingError::InvalidName => (StatusCode::UNPROCESSABLE_ENTITY, "error-name"),
                BookingError::InvalidEmail => (StatusCode::UNPROCESSABLE_ENTITY, "error-email"),
                BookingError::NoSuchSlot => {
                    (StatusCode::UNPROCESSABLE_ENTITY, "error-no-such-slot")
                }
                BookingError::SlotTaken => (StatusCode::CONFLICT, "error-slot-taken"),
                BookingError::TooManyForEmail => (StatusCode::CONFLICT, "error-too-many-for-email"),
                BookingError::UnknownService | BookingError::NotVirtual => {
                    (StatusCode::CONFLICT, "error-not-virtual")
                }
                e @ (BookingError::Db(_) | BookingError::Vault(_)) => {
                    return internal(&st, lang, &e)
                }
            };
            return phone_page(&st, lang, Some(&f.service), status, Some(key), Some(&f)).await;
        }
    };
    // Spoken to on the phone: no opt-in round.
    match booking::confirm(
        &st.db,
        &st.vault,
        &held.booking.id,
        &held.join_key,
        st.now(),
        st.settings.booking.max_per_email,
    )
    .await
    {
        Ok(Some(booking::Confirmation::Confirmed(b))) => {
            st.office
                .metrics
                .bookings
                .with_label_values(&["phone"])
                .inc();
            tracing::info!(booking = %b.id, clerk = %clerk.username, "booked by phone");
            let booked = booking::Booked {
                booking: b,
                join_key: held.join_key,
            };
            vamt_booking::notify::send_confirmation(&st, &booked).await;
            back(lang)
        }
        Ok(Some(booking::Confirmation::TooMany(_))) => {
            error_page(&st, lang, PageError::TooManyForEmail)
        }
        Ok(_) => error_page(&st, lang, PageError::SlotTaken),
        Err(e) => internal(&st, lang, &e),
    }
}

#[derive(Serialize)]
struct ShareView {
    name: String,
    booked_hours: String,
    offered_hours: String,
    percent: String,
}

#[derive(Serialize)]
struct RequestedView {
    name: String,
    bookings: i64,
}

/// `GET /clerk/stats`: utilisation, most-requested services, no-show rate.
pub async fn stats(State(st): State<AppState>, _: SignedIn, Lang(lang): Lang) -> Response {
    let stats = match vamt_booking::stats::compute(&st.db, &st.settings, st.now()).await {
        Ok(s) => s,
        Err(e) => return internal(&st, lang, &e),
    };
    vamt_booking::stats::publish(&st.office.metrics, &stats);
    // Tenths of an hour, written as the page's language writes a decimal ("2,5" in German).
    let hours = |m: i64| vamt_portal_core::money::number_text(lang, (m * 10 + 30) / 60, 1);
    let percent = |x: f64| format!("{:.0}", x * 100.0);
    render(
        &st,
        StatusCode::OK,
        lang,
        "clerk_stats.html",
        "/clerk/stats",
        context! {
            shares => stats.utilisation.iter().map(|u| ShareView {
                name: u.name.clone(),
                booked_hours: hours(u.booked_minutes),
                offered_hours: hours(u.offered_minutes),
                percent: percent(u.share),
            }).collect::<Vec<_>>(),
            requested => stats.requested.iter().take(10).map(|r| RequestedView {
                name: st.i18n.t(lang, &format!("service-{}", r.slug), None),
                bookings: r.bookings,
            }).collect::<Vec<_>>(),
            past => stats.past,
            no_shows => stats.no_shows,
            no_show_percent => percent(stats.no_show_rate),
        },
    )
}

/// This feature's routes.
pub(crate) fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route(
            "/clerk/book",
            axum::routing::get(phone_form).post(phone_book),
        )
        .route("/clerk/stats", axum::routing::get(stats))
        .route("/clerk/booking/{id}/note", axum::routing::post(note))
        .route(
            "/clerk/booking/{id}/attendance",
            axum::routing::post(attendance),
        )
        .route(
            "/clerk/booking/{id}/move",
            axum::routing::get(move_form).post(move_booking),
        )
}
