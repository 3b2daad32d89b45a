//! Citizen booking pages. They work without JavaScript.
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use minijinja::context;
use serde::{Deserialize, Serialize};

use super::page::{error_page, internal, local_date_time, render};
use crate::page::{Lang, LangForm, PageError};
use crate::AppState;
use vamt_booking::booking::{self, BookingError, NewBooking, Service};
use vamt_portal_core::money::Money;

#[derive(Serialize)]
struct ServiceView {
    slug: String,
    name: String,
    description: String,
    minutes: i64,
    fee: Option<String>,
    /// Documents to have ready.
    docs: String,
    /// Why it needs a visit to an office; `None` if it can be done by video.
    not_virtual: Option<String>,
}

fn service_view(st: &AppState, lang: &str, s: &Service) -> ServiceView {
    ServiceView {
        slug: s.slug.clone(),
        name: st.i18n.t(lang, &format!("service-{}", s.slug), None),
        description: st.i18n.t(lang, &format!("service-{}-desc", s.slug), None),
        minutes: s.duration_minutes,
        docs: st.i18n.t(lang, &format!("service-{}-docs", s.slug), None),
        not_virtual: (!s.virtual_ok).then(|| {
            st.i18n
                .t(lang, &format!("service-{}-not-virtual", s.slug), None)
        }),
        // Amount and currency as the language writes them, as the payment panel does.
        fee: (s.fee_cents > 0)
            .then(|| super::pay::money_words(&st.i18n, lang, Money::eur(s.fee_cents))),
    }
}

pub async fn index(State(st): State<AppState>, Lang(lang): Lang) -> Response {
    let services = match booking::services(&st.db).await {
        Ok(s) => s,
        Err(e) => return internal(&st, lang, &e),
    };
    let views: Vec<ServiceView> = services
        .iter()
        .map(|s| service_view(&st, lang, s))
        .collect();
    render(
        &st,
        StatusCode::OK,
        lang,
        "index.html",
        "/",
        context! { services => views },
    )
}

#[derive(Serialize)]
pub(super) struct DayView {
    date: String,
    slots: Vec<SlotView>,
}

#[derive(Serialize)]
pub(super) struct SlotView {
    value: String,
    time: String,
    checked: bool,
}

/// Free times grouped by local day, `chosen` (a slot value) ticked.
pub(super) fn day_views(
    st: &AppState,
    lang: &str,
    offers: &[vamt_portal_core::schedule::Offer],
    chosen: Option<&str>,
) -> Vec<DayView> {
    let mut days: Vec<DayView> = Vec::new();
    for slot in offers {
        let (date, time) = local_date_time(st, lang, slot.start);
        let value = vamt_portal_storage::db::ts(slot.start);
        let view = SlotView {
            checked: chosen == Some(value.as_str()),
            value,
            time,
        };
        match days.last_mut() {
            Some(d) if d.date == date => d.slots.push(view),
            _ => days.push(DayView {
                date,
                slots: vec![view],
            }),
        }
    }
    days
}

#[derive(Deserialize)]
pub struct BookForm {
    slot: Option<String>,
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    /// The proof of work the page's script solved (absent without JavaScript).
    #[serde(default)]
    altcha: String,
}

async fn form_page(
    st: &AppState,
    lang: &'static str,
    service: &Service,
    status: StatusCode,
    errors: Vec<(&'static str, &'static str)>,
    filled: Option<&BookForm>,
) -> Response {
    let slots = match booking::free_slots(
        &st.db,
        &st.settings,
        st.now(),
        std::slice::from_ref(service),
    )
    .await
    {
        Ok(s) => s,
        Err(e) => return internal(st, lang, &e),
    };
    let days = day_views(st, lang, &slots, filled.and_then(|f| f.slot.as_deref()));
    let error_list: Vec<_> = errors
        .iter()
        .map(|(field, key)| context! { field => field, key => key })
        .collect();
    let path = format!("/book/{}", service.slug);
    render(
        st,
        status,
        lang,
        "book.html",
        &path,
        context! {
            service => service_view(st, lang, service),
            days => days,
            errors => error_list,
            name => filled.map(|f| f.name.clone()).unwrap_or_default(),
            email => filled.map(|f| f.email.clone()).unwrap_or_default(),
            name_invalid => errors.iter().any(|(f, _)| *f == "name"),
            email_invalid => errors.iter().any(|(f, _)| *f == "email"),
        },
    )
}

pub async fn form(
    State(st): State<AppState>,
    Path(slug): Path<String>,
    Lang(lang): Lang,
) -> Response {
    match booking::service(&st.db, &slug).await {
        Ok(Some(service)) if !service.virtual_ok => error_page(&st, lang, PageError::NotVirtual),
        Ok(Some(service)) => form_page(&st, lang, &service, StatusCode::OK, Vec::new(), None).await,
        Ok(None) => error_page(&st, lang, PageError::NotFound),
        Err(e) => internal(&st, lang, &e),
    }
}

pub async fn submit(
    State(st): State<AppState>,
    client: super::door::ClientAddr,
    Path(slug): Path<String>,
    LangForm(Lang(lang), f): LangForm<BookForm>,
) -> Response {
    let service = match booking::service(&st.db, &slug).await {
        Ok(Some(s)) => s,
        Ok(None) => return error_page(&st, lang, PageError::NotFound),
        Err(e) => return internal(&st, lang, &e),
    };
    let admission = match super::door::admit(&st, client, Some(&f.altcha)).await {
        Ok(a) => a,
        Err(super::door::Refusal::Internal) => return error_page(&st, lang, PageError::Internal),
        Err(r) => {
            let (status, key) = match r {
                super::door::Refusal::ProofInvalid => {
                    (StatusCode::UNPROCESSABLE_ENTITY, "error-proof-invalid")
                }
                super::door::Refusal::ProofNeeded => {
                    (StatusCode::TOO_MANY_REQUESTS, "error-proof-needed")
                }
                super::door::Refusal::TooManyHolds => {
                    (StatusCode::TOO_MANY_REQUESTS, "error-too-many-holds")
                }
                _ => (StatusCode::TOO_MANY_REQUESTS, "error-too-many-attempts"),
            };
            return form_page(&st, lang, &service, status, vec![("slot", key)], Some(&f)).await;
        }
    };
    let start: Option<DateTime<Utc>> = f
        .slot
        .as_deref()
        .and_then(vamt_portal_storage::db::parse_ts);
    let Some(start) = start else {
        return form_page(
            &st,
            lang,
            &service,
            StatusCode::UNPROCESSABLE_ENTITY,
            vec![("slot", "error-choose-slot")],
            Some(&f),
        )
        .await;
    };
    let req = NewBooking {
        services: vec![slug.clone()],
        start,
        name: f.name.clone(),
        email: f.email.clone(),
        locale: lang.to_owned(),
        channel: "web",
    };
    let booked = match booking::book(&st.db, &st.vault, &st.settings, st.now(), req).await {
        Ok(b) => {
            admission.held();
            b
        }
        Err(e) => {
            let (status, field, key) = match e {
                BookingError::InvalidName => {
                    (StatusCode::UNPROCESSABLE_ENTITY, "name", "error-name")
                }
                BookingError::InvalidEmail => {
                    (StatusCode::UNPROCESSABLE_ENTITY, "email", "error-email")
                }
                BookingError::SlotTaken => (StatusCode::CONFLICT, "slot", "error-slot-taken"),
                BookingError::TooManyForEmail => {
                    (StatusCode::CONFLICT, "email", "error-too-many-for-email")
                }
                BookingError::NoSuchSlot => (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "slot",
                    "error-no-such-slot",
                ),
                BookingError::UnknownService => return error_page(&st, lang, PageError::NotFound),
                BookingError::NotVirtual => return error_page(&st, lang, PageError::NotVirtual),
                e @ (BookingError::Db(_) | BookingError::Vault(_)) => {
                    return internal(&st, lang, &e)
                }
            };
            let mut filled = f;
            if field == "slot" {
                filled.slot = None;
            }
            return form_page(
                &st,
                lang,
                &service,
                status,
                vec![(field, key)],
                Some(&filled),
            )
            .await;
        }
    };
    st.office.metrics.bookings.with_label_values(&["web"]).inc();
    tracing::info!(booking = %booked.booking.id, service = %service.slug, "booking held for confirmation");
    vamt_booking::notify::send_opt_in(&st, &booked).await;
    Redirect::to(&format!("/booked/{}?lang={lang}", booked.booking.id)).into_response()
}

pub async fn booked(
    State(st): State<AppState>,
    Path(id): Path<String>,
    Lang(lang): Lang,
) -> Response {
    let b = match booking::find(&st.db, &st.vault, &id).await {
        Ok(Some(b)) => b,
        Ok(None) => return error_page(&st, lang, PageError::NotFound),
        Err(e) => return internal(&st, lang, &e),
    };
    // Only what the citizen chose is shown: the page is reachable by its ID alone.
    booked_page(&st, lang, &b, b.state, StatusCode::OK)
}

fn booked_page(
    st: &AppState,
    lang: &str,
    b: &booking::Booking,
    state: booking::State,
    status: StatusCode,
) -> Response {
    let (date, time) = local_date_time(st, lang, b.starts_at);
    let service = st.i18n.t(lang, &format!("service-{}", b.service), None);
    render(
        st,
        status,
        lang,
        "booked.html",
        &format!("/booked/{}", b.id),
        context! {
            service => service,
            date => date,
            time => time,
            state => state.as_str(),
            minutes => st.settings.booking.confirm_within.num_minutes(),
        },
    )
}

/// The page behind the opt-in link: the appointment and a button that confirms it (a link
/// alone never confirms: mail scanners open links, and would book for anyone).
pub async fn confirm_form(
    State(st): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<CancelQuery>,
    Lang(lang): Lang,
) -> Response {
    let b = match booking::find_by_key(&st.db, &st.vault, &id, &q.key).await {
        Ok(Some(b)) => b,
        Ok(None) => return error_page(&st, lang, PageError::NotFound),
        Err(e) => return internal(&st, lang, &e),
    };
    let state = b.state.as_str();
    let (date, time) = local_date_time(&st, lang, b.starts_at);
    let service = st.i18n.t(lang, &format!("service-{}", b.service), None);
    render(
        &st,
        StatusCode::OK,
        lang,
        "confirm.html",
        &super::page::with_key(&format!("/booking/{id}/confirm"), &q.key),
        context! {
            id => b.id,
            key => q.key,
            state => state,
            service => service,
            date => date,
            time => time,
        },
    )
}

/// Confirms, sends the confirmation with the join link, and says so.
pub async fn confirm(
    State(st): State<AppState>,
    Path(id): Path<String>,
    LangForm(Lang(lang), f): LangForm<CancelForm>,
) -> Response {
    let limit = st.settings.booking.max_per_email;
    match booking::confirm(&st.db, &st.vault, &id, &f.key, st.now(), limit).await {
        Ok(Some(booking::Confirmation::Confirmed(b))) => {
            let booked = booking::confirmed(&st, b, &f.key).await;
            booked_page(
                &st,
                lang,
                &booked.booking,
                booking::State::Confirmed,
                StatusCode::OK,
            )
        }
        Ok(Some(booking::Confirmation::AlreadyConfirmed(b))) => {
            booked_page(&st, lang, &b, booking::State::Confirmed, StatusCode::OK)
        }
        Ok(Some(booking::Confirmation::Lapsed(b))) => {
            booked_page(&st, lang, &b, booking::State::Cancelled, StatusCode::GONE)
        }
        Ok(Some(booking::Confirmation::TooMany(_))) => {
            error_page(&st, lang, PageError::TooManyForEmail)
        }
        Ok(None) => error_page(&st, lang, PageError::NotFound),
        Err(e) => internal(&st, lang, &e),
    }
}

#[derive(Deserialize)]
pub struct CancelQuery {
    #[serde(default)]
    key: String,
}

/// The page behind the cancel link: the appointment and a button to cancel it (a link
/// alone never cancels: mail scanners open links).
pub async fn cancel_form(
    State(st): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<CancelQuery>,
    Lang(lang): Lang,
) -> Response {
    let b = match booking::find_by_key(&st.db, &st.vault, &id, &q.key).await {
        Ok(Some(b)) => b,
        Ok(None) => return error_page(&st, lang, PageError::NotFound),
        Err(e) => return internal(&st, lang, &e),
    };
    let state = if b.state == booking::State::Cancelled {
        "already"
    } else if b.starts_at <= st.now() {
        "too-late"
    } else {
        "open"
    };
    cancel_page(&st, lang, &b, &q.key, state, StatusCode::OK)
}

#[derive(Deserialize)]
pub struct CancelForm {
    #[serde(default)]
    key: String,
}

/// Cancels, and says so.
pub async fn cancel(
    State(st): State<AppState>,
    Path(id): Path<String>,
    LangForm(Lang(lang), f): LangForm<CancelForm>,
) -> Response {
    match booking::cancel(&st.db, &st.vault, &id, &f.key, st.now()).await {
        Ok(Some(booking::Cancellation::Cancelled(b))) => {
            booking::cancelled(&st, &b).await;
            cancel_page(&st, lang, &b, "", "done", StatusCode::OK)
        }
        Ok(Some(booking::Cancellation::AlreadyCancelled(b))) => {
            cancel_page(&st, lang, &b, "", "already", StatusCode::OK)
        }
        Ok(Some(booking::Cancellation::TooLate(b))) => {
            cancel_page(&st, lang, &b, "", "too-late", StatusCode::CONFLICT)
        }
        Ok(None) => error_page(&st, lang, PageError::NotFound),
        Err(e) => internal(&st, lang, &e),
    }
}

fn cancel_page(
    st: &AppState,
    lang: &str,
    b: &booking::Booking,
    key: &str,
    state: &str,
    status: StatusCode,
) -> Response {
    let (date, time) = local_date_time(st, lang, b.starts_at);
    let service = st.i18n.t(lang, &format!("service-{}", b.service), None);
    render(
        st,
        status,
        lang,
        "cancel.html",
        &super::page::with_key(&format!("/booking/{}/cancel", b.id), key),
        context! {
            id => b.id,
            key => key,
            state => state,
            service => service,
            date => date,
            time => time,
        },
    )
}

/// This feature's routes.
pub(crate) fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/", axum::routing::get(index))
        .route("/book/{service}", axum::routing::get(form).post(submit))
        .route("/booked/{id}", axum::routing::get(booked))
        .route(
            "/booking/{id}/cancel",
            axum::routing::get(cancel_form).post(cancel),
        )
        .route(
            "/booking/{id}/confirm",
            axum::routing::get(confirm_form).post(confirm),
        )
}
