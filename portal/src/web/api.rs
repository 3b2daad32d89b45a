//! The booking JSON API (`/api/v1/…`): everything the booking pages do — services, free
//! times, book, confirm, cancel — for a city's own front end or an app, described by the
//! OpenAPI document at `/api/openapi.json`. Errors have one shape: `{"error": {"code",
//! "message"}}`, a stable code for programs and a message in the request's language.
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

use super::page::lang;
use crate::booking::{self, BookingError, Cancellation, Confirmation, NewBooking};
use crate::AppState;

/// The OpenAPI document of this API.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "vamt booking API",
        description = "Book an appointment at the virtual citizens' office: list services and free times, book (held until confirmed from the e-mail), confirm, cancel. Times are UTC, RFC 3339. Texts follow `lang` or Accept-Language (de, en).",
        license(name = "AGPL-3.0-or-later")
    ),
    paths(
        challenge,
        list_services,
        list_slots,
        create_booking,
        get_booking,
        confirm_booking,
        cancel_booking,
        rebook_slots,
        rebook_booking
    ),
    components(schemas(
        crate::pow::Challenge,
        ServiceOut,
        SlotOut,
        SlotsOut,
        BookingIn,
        BookingOut,
        KeyIn,
        RebookIn,
        ApiError,
        ApiErrorBody
    ))
)]
pub struct ApiDoc;

/// `GET /api/openapi.json`
pub async fn openapi() -> Response {
    Json(ApiDoc::openapi()).into_response()
}

/// `GET /api/v1/challenge`
#[utoipa::path(get, path = "/api/v1/challenge",
    responses((status = 200, description = "A proof-of-work challenge (ALTCHA format) for one booking: find `n` in `0..=maxnumber` with hex SHA-256(`salt` + decimal `n`) = `challenge`, then send base64 of `{algorithm, challenge, number, salt, signature}` as the booking's `proof`. Valid for ten minutes, once.", body = crate::pow::Challenge)))]
pub async fn challenge(State(st): State<AppState>) -> Response {
    (
        [(axum::http::header::CACHE_CONTROL, "no-store")],
        Json(super::door::challenge(&st)),
    )
        .into_response()
}

/// A failure, as every endpoint reports it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiError {
    /// The failure.
    pub error: ApiErrorBody,
}

/// What failed.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiErrorBody {
    /// Stable, for programs: `invalid_request`, `invalid_name`, `invalid_email`, `unknown_service`,
    /// `proof_invalid`, `proof_needed`, `too_many_attempts`, `not_virtual`, `too_many_for_email`, `no_such_slot`, `slot_taken`, `not_found`,
    /// `lapsed`, `too_late`, `internal`.
    pub code: String,
    /// For people, in the request's language.
    pub message: String,
    /// With `slot_taken`: the ten free times nearest the one asked for, in time order.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alternatives: Option<Vec<SlotOut>>,
}

pub(super) fn fail(
    st: &AppState,
    lang: &str,
    status: StatusCode,
    code: &str,
    key: &str,
) -> Response {
    fail_with(st, lang, status, code, key, None)
}

fn fail_with(
    st: &AppState,
    lang: &str,
    status: StatusCode,
    code: &str,
    key: &str,
    alternatives: Option<Vec<SlotOut>>,
) -> Response {
    (
        status,
        Json(ApiError {
            error: ApiErrorBody {
                code: code.to_owned(),
                message: st.i18n.t(lang, key, None),
                alternatives,
            },
        }),
    )
        .into_response()
}

/// A request that is not what the endpoint takes (not JSON, a field missing or of the
/// wrong type): 400 in the API's own shape, not the framework's text.
fn malformed(st: &AppState, lang: &str, why: &dyn std::fmt::Display) -> Response {
    tracing::debug!(error = %why, "malformed API request");
    fail(
        st,
        lang,
        StatusCode::BAD_REQUEST,
        "invalid_request",
        "error-invalid-request",
    )
}

fn internal(st: &AppState, lang: &str, e: &dyn std::fmt::Display) -> Response {
    tracing::error!(error = %e, "API request failed");
    fail(
        st,
        lang,
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal",
        "error-internal",
    )
}

fn refused(st: &AppState, lang: &str, r: super::door::Refusal) -> Response {
    use super::door::Refusal;
    match r {
        Refusal::ProofInvalid => fail(
            st,
            lang,
            StatusCode::UNPROCESSABLE_ENTITY,
            "proof_invalid",
            "error-proof-invalid",
        ),
        Refusal::ProofNeeded => fail(
            st,
            lang,
            StatusCode::TOO_MANY_REQUESTS,
            "proof_needed",
            "error-proof-needed",
        ),
        Refusal::TooMany => fail(
            st,
            lang,
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_attempts",
            "error-too-many-attempts",
        ),
        Refusal::Internal => fail(
            st,
            lang,
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "error-internal",
        ),
    }
}

/// The language parameter every endpoint takes.
#[derive(Debug, Deserialize, IntoParams)]
pub struct LangParam {
    /// `de` or `en`; else Accept-Language decides.
    lang: Option<String>,
}

/// A service of the catalogue.
#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceOut {
    /// Stable identifier.
    pub slug: String,
    /// Name.
    pub name: String,
    /// What it is.
    pub description: String,
    /// Appointment length in minutes.
    pub minutes: i64,
    /// Fee in euro cents (0: free of charge).
    pub fee_cents: i64,
    /// Documents to have ready.
    pub documents: String,
    /// Whether it can be done by video.
    pub virtual_ok: bool,
    /// Why not, if it cannot (fingerprints, a signature on paper).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_virtual_reason: Option<String>,
}

/// `GET /api/v1/services`
#[utoipa::path(get, path = "/api/v1/services", params(LangParam),
    responses((status = 200, description = "The active services", body = [ServiceOut])))]
pub async fn list_services(
    State(st): State<AppState>,
    Query(q): Query<LangParam>,
    headers: HeaderMap,
) -> Response {
    let lang = lang(q.lang.as_deref(), &headers);
    match booking::services(&st.db).await {
        Ok(services) => Json(
            services
                .iter()
                .map(|s| ServiceOut {
                    slug: s.slug.clone(),
                    name: st.i18n.t(lang, &format!("service-{}", s.slug), None),
                    description: st.i18n.t(lang, &format!("service-{}-desc", s.slug), None),
                    minutes: s.duration_minutes,
                    fee_cents: s.fee_cents,
                    documents: st.i18n.t(lang, &format!("service-{}-docs", s.slug), None),
                    virtual_ok: s.virtual_ok,
                    not_virtual_reason: (!s.virtual_ok).then(|| {
                        st.i18n
                            .t(lang, &format!("service-{}-not-virtual", s.slug), None)
                    }),
                })
                .collect::<Vec<_>>(),
        )
        .into_response(),
        Err(e) => internal(&st, lang, &e),
    }
}

/// A free appointment time.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SlotOut {
    /// Start, UTC (what `POST /api/v1/bookings` takes as `start`).
    pub start: DateTime<Utc>,
    /// End of the appointment, UTC.
    pub end: DateTime<Utc>,
}

/// Free times.
#[derive(Debug, Serialize, ToSchema)]
pub struct SlotsOut {
    /// Earliest first, up to the last released day.
    pub slots: Vec<SlotOut>,
}

/// Which services to search for.
#[derive(Debug, Deserialize, IntoParams)]
pub struct SlotsQuery {
    /// One or more service slugs, comma-separated, done in one appointment.
    services: String,
    /// `de` or `en`.
    lang: Option<String>,
}

/// The error of a booking failure, with its HTTP status.
fn booking_error(e: &BookingError) -> (StatusCode, &'static str, &'static str) {
    match e {
        BookingError::InvalidName => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_name",
            "error-name",
        ),
        BookingError::InvalidEmail => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_email",
            "error-email",
        ),
        BookingError::UnknownService => {
            (StatusCode::NOT_FOUND, "unknown_service", "error-not-found")
        }
        BookingError::NotVirtual => (StatusCode::CONFLICT, "not_virtual", "error-not-virtual"),
        BookingError::TooManyForEmail => (
            StatusCode::CONFLICT,
            "too_many_for_email",
            "error-too-many-for-email",
        ),
        BookingError::NoSuchSlot => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "no_such_slot",
            "error-no-such-slot",
        ),
        BookingError::SlotTaken => (StatusCode::CONFLICT, "slot_taken", "error-slot-taken"),
        BookingError::Db(_) | BookingError::Vault(_) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "error-internal",
        ),
    }
}

async fn free(st: &AppState, slugs: &[String]) -> Result<Vec<SlotOut>, BookingError> {
    let chosen = booking::services_by_slug(&st.db, slugs).await?;
    Ok(booking::free_slots(&st.db, &st.settings, st.now(), &chosen)
        .await?
        .into_iter()
        .map(|o| SlotOut {
            start: o.start,
            end: o.end,
        })
        .collect())
}

/// How many free times a `slot_taken` answer names.
const ALTERNATIVES: usize = 10;

/// The free times nearest `wanted` for these services, for a `slot_taken` answer.
async fn alternatives(
    st: &AppState,
    slugs: &[String],
    wanted: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<SlotOut>, BookingError> {
    let chosen = booking::services_by_slug(&st.db, slugs).await?;
    let offers = booking::nearest_free(
        &st.db,
        &st.settings,
        st.now(),
        &chosen,
        wanted,
        ALTERNATIVES,
    )
    .await?;
    Ok(offers.iter().map(slot_out).collect())
}

fn split_slugs(s: &str) -> Vec<String> {
    s.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// `GET /api/v1/slots?services=a,b`
#[utoipa::path(get, path = "/api/v1/slots", params(SlotsQuery),
    responses(
        (status = 200, description = "Free times for one appointment of these services", body = SlotsOut),
        (status = 404, description = "`unknown_service`", body = ApiError),
        (status = 409, description = "`not_virtual`", body = ApiError),
    ))]
pub async fn list_slots(
    State(st): State<AppState>,
    q: Result<Query<SlotsQuery>, QueryRejection>,
    headers: HeaderMap,
) -> Response {
    let q = match q {
        Ok(Query(q)) => q,
        Err(e) => return malformed(&st, lang(None, &headers), &e),
    };
    let lang = lang(q.lang.as_deref(), &headers);
    match free(&st, &split_slugs(&q.services)).await {
        Ok(slots) => Json(SlotsOut { slots }).into_response(),
        Err(e) => {
            let (status, code, key) = booking_error(&e);
            if status == StatusCode::INTERNAL_SERVER_ERROR {
                return internal(&st, lang, &e);
            }
            fail(&st, lang, status, code, key)
        }
    }
}

/// A booking request.
#[derive(Debug, Deserialize, ToSchema)]
pub struct BookingIn {
    /// One or more service slugs, done in one appointment.
    pub services: Vec<String>,
    /// A start from `GET /api/v1/slots`.
    pub start: DateTime<Utc>,
    /// The citizen's name.
    pub name: String,
    /// Where the opt-in mail goes.
    pub email: String,
    /// Language of the mails: `de` or `en`.
    pub lang: Option<String>,
    /// A solved challenge from `GET /api/v1/challenge`. Without one, an address gets
    /// only `booking.unproven_per_ip_hour` attempts an hour.
    pub proof: Option<String>,
}

/// A booking as the citizen may see it (no personal data: it is in their mail).
#[derive(Debug, Serialize, ToSchema)]
pub struct BookingOut {
    /// Its identifier.
    pub id: String,
    /// `pending` (held until confirmed from the e-mail), `confirmed` or `cancelled`.
    pub status: String,
    /// The first service's slug.
    pub service: String,
    /// Start, UTC.
    pub starts_at: DateTime<Utc>,
    /// End, UTC.
    pub ends_at: DateTime<Utc>,
}

fn booking_out(b: &booking::Booking) -> BookingOut {
    BookingOut {
        id: b.id.clone(),
        status: match (b.status.as_str(), b.confirmed) {
            ("booked", true) => "confirmed",
            ("booked", false) => "pending",
            _ => "cancelled",
        }
        .to_owned(),
        service: b.service.clone(),
        starts_at: b.starts_at,
        ends_at: b.ends_at,
    }
}

/// `POST /api/v1/bookings`
#[utoipa::path(post, path = "/api/v1/bookings", request_body = BookingIn,
    responses(
        (status = 202, description = "Held; the opt-in mail with the confirm link is on its way", body = BookingOut),
        (status = 403, description = "`cross_origin`: sent by a page of another site (`Sec-Fetch-Site`, `Origin`)", body = ApiError),
        (status = 404, description = "`unknown_service`", body = ApiError),
        (status = 409, description = "`slot_taken` (with `alternatives`), `not_virtual`, `too_many_for_email`", body = ApiError),
        (status = 422, description = "`invalid_name`, `invalid_email`, `no_such_slot`, `proof_invalid` (forged, expired, wrong or used before)", body = ApiError),
        (status = 429, description = "`proof_needed` (this address has had its attempts without a proof), `too_many_attempts` (its attempts this hour)", body = ApiError),
    ))]
pub async fn create_booking(
    State(st): State<AppState>,
    client: super::door::ClientAddr,
    headers: HeaderMap,
    req: Result<Json<BookingIn>, JsonRejection>,
) -> Response {
    let req = match req {
        Ok(Json(r)) => r,
        Err(e) => return malformed(&st, lang(None, &headers), &e),
    };
    let lang = lang(req.lang.as_deref(), &headers);
    if let Err(r) = super::door::admit(&st, client, req.proof.as_deref()).await {
        return refused(&st, lang, r);
    }
    let new = NewBooking {
        services: req.services.clone(),
        start: req.start,
        name: req.name,
        email: req.email,
        locale: lang.to_owned(),
        channel: "api",
    };
    match booking::book(&st.db, &st.vault, &st.settings, st.now(), new).await {
        Ok(booked) => {
            st.metrics.bookings.with_label_values(&["api"]).inc();
            tracing::info!(booking = %booked.booking.id, "booking held for confirmation (API)");
            super::booking::send_opt_in(&st, &booked).await;
            (StatusCode::ACCEPTED, Json(booking_out(&booked.booking))).into_response()
        }
        Err(e) => {
            let (status, code, key) = booking_error(&e);
            if status == StatusCode::INTERNAL_SERVER_ERROR {
                return internal(&st, lang, &e);
            }
            let alternatives = if matches!(e, BookingError::SlotTaken) {
                alternatives(&st, &req.services, req.start).await.ok()
            } else {
                None
            };
            fail_with(&st, lang, status, code, key, alternatives)
        }
    }
}

/// The booking's secret, from the links in its mails.
#[derive(Debug, Deserialize, ToSchema, IntoParams)]
pub struct KeyIn {
    /// The `key` of the links in the booking's mails.
    pub key: String,
    /// `de` or `en`.
    pub lang: Option<String>,
}

/// `GET /api/v1/bookings/{id}?key=`
#[utoipa::path(get, path = "/api/v1/bookings/{id}", params(("id" = String, Path), KeyIn),
    responses(
        (status = 200, description = "The booking", body = BookingOut),
        (status = 404, description = "`not_found`: no such booking, or a wrong key", body = ApiError),
    ))]
pub async fn get_booking(
    State(st): State<AppState>,
    Path(id): Path<String>,
    q: Result<Query<KeyIn>, QueryRejection>,
    headers: HeaderMap,
) -> Response {
    let q = match q {
        Ok(Query(q)) => q,
        Err(e) => return malformed(&st, lang(None, &headers), &e),
    };
    let lang = lang(q.lang.as_deref(), &headers);
    match booking::find_by_key(&st.db, &st.vault, &id, &q.key).await {
        Ok(Some(b)) => Json(booking_out(&b)).into_response(),
        Ok(None) => fail(
            &st,
            lang,
            StatusCode::NOT_FOUND,
            "not_found",
            "error-not-found",
        ),
        Err(e) => internal(&st, lang, &e),
    }
}

/// `POST /api/v1/bookings/{id}/confirm`
#[utoipa::path(post, path = "/api/v1/bookings/{id}/confirm", params(("id" = String, Path)),
    request_body = KeyIn,
    responses(
        (status = 200, description = "Confirmed (now or before); the confirmation mail with the join link went out once", body = BookingOut),
        (status = 403, description = "`cross_origin`: sent by a page of another site (`Sec-Fetch-Site`, `Origin`)", body = ApiError),
        (status = 404, description = "`not_found`", body = ApiError),
        (status = 410, description = "`lapsed`: not confirmed in time, or cancelled", body = ApiError),
    ))]
pub async fn confirm_booking(
    State(st): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    k: Result<Json<KeyIn>, JsonRejection>,
) -> Response {
    let k = match k {
        Ok(Json(k)) => k,
        Err(e) => return malformed(&st, lang(None, &headers), &e),
    };
    let lang = lang(k.lang.as_deref(), &headers);
    match booking::confirm(&st.db, &st.vault, &id, &k.key, st.now()).await {
        Ok(Some(Confirmation::Confirmed(b))) => {
            let booked = super::booking::confirmed(&st, b, &k.key).await;
            Json(booking_out(&booked.booking)).into_response()
        }
        Ok(Some(Confirmation::AlreadyConfirmed(b))) => Json(booking_out(&b)).into_response(),
        Ok(Some(Confirmation::Lapsed(_))) => {
            fail(&st, lang, StatusCode::GONE, "lapsed", "lapsed-text")
        }
        Ok(None) => fail(
            &st,
            lang,
            StatusCode::NOT_FOUND,
            "not_found",
            "error-not-found",
        ),
        Err(e) => internal(&st, lang, &e),
    }
}

/// `POST /api/v1/bookings/{id}/cancel`
#[utoipa::path(post, path = "/api/v1/bookings/{id}/cancel", params(("id" = String, Path)),
    request_body = KeyIn,
    responses(
        (status = 200, description = "Cancelled (now or before); the time is free again", body = BookingOut),
        (status = 403, description = "`cross_origin`: sent by a page of another site (`Sec-Fetch-Site`, `Origin`)", body = ApiError),
        (status = 404, description = "`not_found`", body = ApiError),
        (status = 409, description = "`too_late`: it has begun or is over", body = ApiError),
    ))]
pub async fn cancel_booking(
    State(st): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    k: Result<Json<KeyIn>, JsonRejection>,
) -> Response {
    let k = match k {
        Ok(Json(k)) => k,
        Err(e) => return malformed(&st, lang(None, &headers), &e),
    };
    let lang = lang(k.lang.as_deref(), &headers);
    match booking::cancel(&st.db, &st.vault, &id, &k.key, st.now()).await {
        Ok(Some(Cancellation::Cancelled(b))) => {
            super::booking::cancelled(&st, &b).await;
            Json(booking_out(&b)).into_response()
        }
        Ok(Some(Cancellation::AlreadyCancelled(b))) => Json(booking_out(&b)).into_response(),
        Ok(Some(Cancellation::TooLate(_))) => fail(
            &st,
            lang,
            StatusCode::CONFLICT,
            "too_late",
            "cancel-too-late",
        ),
        Ok(None) => fail(
            &st,
            lang,
            StatusCode::NOT_FOUND,
            "not_found",
            "error-not-found",
        ),
        Err(e) => internal(&st, lang, &e),
    }
}

/// Where to move a booking.
#[derive(Debug, Deserialize, ToSchema)]
pub struct RebookIn {
    /// The `key` of the links in the booking's mails.
    pub key: String,
    /// A start from `GET /api/v1/bookings/{id}/slots`.
    pub start: DateTime<Utc>,
    /// `de` or `en`.
    pub lang: Option<String>,
}

fn slot_out(o: &crate::schedule::Offer) -> SlotOut {
    SlotOut {
        start: o.start,
        end: o.end,
    }
}

/// `GET /api/v1/bookings/{id}/slots?key=`
#[utoipa::path(get, path = "/api/v1/bookings/{id}/slots", params(("id" = String, Path), KeyIn),
    responses(
        (status = 200, description = "The times this booking can move to (its services, its own time counted free)", body = SlotsOut),
        (status = 404, description = "`not_found`", body = ApiError),
        (status = 409, description = "`not_movable`: cancelled, begun or not yet confirmed", body = ApiError),
    ))]
pub async fn rebook_slots(
    State(st): State<AppState>,
    Path(id): Path<String>,
    Query(k): Query<KeyIn>,
    headers: HeaderMap,
) -> Response {
    let lang = lang(k.lang.as_deref(), &headers);
    let b = match booking::find_by_key(&st.db, &st.vault, &id, &k.key).await {
        Ok(Some(b)) => b,
        Ok(None) => {
            return fail(
                &st,
                lang,
                StatusCode::NOT_FOUND,
                "not_found",
                "error-not-found",
            )
        }
        Err(e) => return internal(&st, lang, &e),
    };
    if let Some(reason) = super::rebook::refusal(&b, st.now()) {
        return fail(&st, lang, StatusCode::CONFLICT, "not_movable", reason);
    }
    match booking::move_offers(&st.db, &st.settings, &id, st.now()).await {
        Ok(offers) => Json(SlotsOut {
            slots: offers
                .iter()
                .filter(|o| o.start != b.starts_at)
                .map(slot_out)
                .collect(),
        })
        .into_response(),
        Err(e) => internal(&st, lang, &e),
    }
}

/// `POST /api/v1/bookings/{id}/rebook`
#[utoipa::path(post, path = "/api/v1/bookings/{id}/rebook", params(("id" = String, Path)),
    request_body = RebookIn,
    responses(
        (status = 200, description = "Moved; the new time and calendar file go out by mail, the links stay the same", body = BookingOut),
        (status = 400, description = "`invalid_request`", body = ApiError),
        (status = 403, description = "`cross_origin`: sent by a page of another site (`Sec-Fetch-Site`, `Origin`)", body = ApiError),
        (status = 404, description = "`not_found`", body = ApiError),
        (status = 409, description = "`slot_taken` (with `alternatives`) or `not_movable`", body = ApiError),
    ))]
pub async fn rebook_booking(
    State(st): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    r: Result<Json<RebookIn>, JsonRejection>,
) -> Response {
    let r = match r {
        Ok(Json(r)) => r,
        Err(e) => return malformed(&st, lang(None, &headers), &e),
    };
    let lang = lang(r.lang.as_deref(), &headers);
    let b = match booking::find_by_key(&st.db, &st.vault, &id, &r.key).await {
        Ok(Some(b)) => b,
        Ok(None) => {
            return fail(
                &st,
                lang,
                StatusCode::NOT_FOUND,
                "not_found",
                "error-not-found",
            )
        }
        Err(e) => return internal(&st, lang, &e),
    };
    if let Some(reason) = super::rebook::refusal(&b, st.now()) {
        return fail(&st, lang, StatusCode::CONFLICT, "not_movable", reason);
    }
    match super::rebook::move_to(&st, &b, &r.key, r.start, "api").await {
        Ok(moved) => Json(booking_out(&moved)).into_response(),
        Err(BookingError::SlotTaken) | Err(BookingError::NoSuchSlot) => {
            let alternatives = booking::move_offers(&st.db, &st.settings, &id, st.now())
                .await
                .ok()
                .map(|o| {
                    let others = o.into_iter().filter(|o| o.start != b.starts_at).collect();
                    booking::nearest(others, r.start, ALTERNATIVES)
                        .iter()
                        .map(slot_out)
                        .collect()
                });
            fail_with(
                &st,
                lang,
                StatusCode::CONFLICT,
                "slot_taken",
                "error-slot-taken",
                alternatives,
            )
        }
        Err(e) => internal(&st, lang, &e),
    }
}
