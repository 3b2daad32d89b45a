//! A citizen moves their own appointment, from the link in their confirmation: the free
//! times for the same services, their own time counted free, and one button. The move is
//! one transaction (`booking::reschedule`), so they never hold two times or none, and the
//! new time comes by mail with a new calendar file. Works without JavaScript.
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use minijinja::context;
use serde::Deserialize;

use super::booking::day_views;
use super::page::{error_page, internal, local_date_time, render, with_key};
use crate::page::{Lang, LangForm, PageError};
use crate::AppState;
use vamt_booking::booking::{self, Booking, BookingError};

#[derive(Deserialize)]
pub struct RebookQuery {
    #[serde(default)]
    key: String,
}

/// Why a booking cannot be moved by its citizen, as the page's message key; `None` if it
/// can. Unconfirmed bookings are confirmed first (the opt-in mail's link): moving one
/// would skip the double opt-in.
pub fn refusal(b: &Booking, now: chrono::DateTime<chrono::Utc>) -> Option<&'static str> {
    if !b.state.is_live() {
        Some("cancel-already")
    } else if b.starts_at <= now {
        Some("rebook-too-late")
    } else if b.state != vamt_booking::booking::State::Confirmed {
        Some("rebook-unconfirmed")
    } else {
        None
    }
}

async fn page(
    st: &AppState,
    lang: &'static str,
    b: &Booking,
    key: &str,
    status: StatusCode,
    error: Option<&str>,
) -> Response {
    let (date, time) = local_date_time(st, lang, b.starts_at);
    let service = st.i18n.t(lang, &format!("service-{}", b.service), None);
    let refused = refusal(b, st.now());
    let days = if refused.is_none() {
        match booking::move_offers(&st.db, &st.settings, &b.id, st.now()).await {
            Ok(offers) => {
                let own = b.starts_at;
                let offers: Vec<_> = offers.into_iter().filter(|o| o.start != own).collect();
                day_views(st, lang, &offers, None)
            }
            Err(e) => return internal(st, lang, &e),
        }
    } else {
        Vec::new()
    };
    render(
        st,
        status,
        lang,
        "rebook.html",
        &with_key(&format!("/booking/{}/rebook", b.id), key),
        context! {
            id => b.id,
            key => key,
            service => service,
            date => date,
            time => time,
            days => days,
            refused => refused,
            error => error,
        },
    )
}

/// `GET /booking/{id}/rebook?key=`: the appointment and the times it can move to.
pub async fn form(
    State(st): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<RebookQuery>,
    Lang(lang): Lang,
) -> Response {
    match booking::find_by_key(&st.db, &st.vault, &id, &q.key).await {
        Ok(Some(b)) => page(&st, lang, &b, &q.key, StatusCode::OK, None).await,
        Ok(None) => error_page(&st, lang, PageError::LinkInvalid),
        Err(e) => internal(&st, lang, &e),
    }
}

#[derive(Deserialize)]
pub struct RebookForm {
    #[serde(default)]
    key: String,
    slot: Option<String>,
}

/// `POST /booking/{id}/rebook`: moves it to the chosen time.
pub async fn submit(
    State(st): State<AppState>,
    Path(id): Path<String>,
    LangForm(Lang(lang), f): LangForm<RebookForm>,
) -> Response {
    let b = match booking::find_by_key(&st.db, &st.vault, &id, &f.key).await {
        Ok(Some(b)) => b,
        Ok(None) => return error_page(&st, lang, PageError::LinkInvalid),
        Err(e) => return internal(&st, lang, &e),
    };
    if refusal(&b, st.now()).is_some() {
        return page(&st, lang, &b, &f.key, StatusCode::CONFLICT, None).await;
    }
    let Some(start) = f
        .slot
        .as_deref()
        .and_then(vamt_portal_storage::db::parse_ts)
    else {
        return page(
            &st,
            lang,
            &b,
            &f.key,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("error-choose-slot"),
        )
        .await;
    };
    match move_to(&st, &b, &f.key, start, "citizen").await {
        Ok(moved) => {
            let (date, time) = local_date_time(&st, lang, moved.starts_at);
            render(
                &st,
                StatusCode::OK,
                lang,
                "rebook.html",
                &with_key(&format!("/booking/{id}/rebook"), &f.key),
                context! {
                    id => id,
                    key => f.key,
                    service => st.i18n.t(lang, &format!("service-{}", moved.service), None),
                    date => date,
                    time => time,
                    moved => true,
                },
            )
        }
        Err(BookingError::SlotTaken) | Err(BookingError::NoSuchSlot) => {
            page(
                &st,
                lang,
                &b,
                &f.key,
                StatusCode::CONFLICT,
                Some("error-slot-taken"),
            )
            .await
        }
        Err(e) => internal(&st, lang, &e),
    }
}

/// Moves `b` (whose link key is `key`) to `start` and mails the new time; `by` labels the
/// metric. Shared by the page and the API.
pub async fn move_to(
    st: &AppState,
    b: &Booking,
    key: &str,
    start: chrono::DateTime<chrono::Utc>,
    by: &str,
) -> Result<Booking, BookingError> {
    let moved =
        booking::reschedule(&st.db, &st.vault, &st.settings, &b.id, start, st.now()).await?;
    st.office.metrics.rebookings.with_label_values(&[by]).inc();
    tracing::info!(booking = %b.id, by, "appointment moved");
    let booked = booking::Booked {
        booking: moved.clone(),
        join_key: key.to_owned(),
    };
    vamt_booking::notify::send_moved(st, &booked).await;
    Ok(moved)
}

/// This feature's routes.
pub(crate) fn routes() -> axum::Router<AppState> {
    axum::Router::new().route(
        "/booking/{id}/rebook",
        axum::routing::get(form).post(submit),
    )
}
