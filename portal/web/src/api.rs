//! The booking JSON API (`/api/v1/…`): everything the booking pages do — services, free
//! times, book, confirm, cancel — for a city's own front end or an app, described by the
//! OpenAPI document at `/api/openapi.json`. Errors have one shape: `{"error": {"code",
//! "message"}}`, a stable code for programs and a message in the request's language.
use axum::body::{Body, Bytes};
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

mod request;
use request::split_slugs;
pub use request::{BookingIn, KeyIn, LangParam, RebookIn, SlotsQuery};

use super::page::{lang, query_lang, Lang};
use crate::AppState;
use vamt_booking::booking::{self, BookingError, Cancellation, Confirmation, NewBooking};

/// The OpenAPI document of this API.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "vamt booking API",
        description = "Book an appointment at the virtual citizens' office: list services and free times, book (held until confirmed from the e-mail), confirm, cancel. Times are UTC, RFC 3339. Texts follow `lang` or Accept-Language (de, en). In a call (`/api/v1/calls/{booking}/…`): a program gets the room token and ICE servers (`…/token` with the join link's key, `…/clerk-token` with a clerk's session), and with that token as `Authorization: Bearer` works in the appointment's case record: documents both ways (chunked, resumable, checked by content and SHA-256), the identity check, the timeline.",
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
        rebook_booking,
        super::case::citizen_token,
        super::case::clerk_token,
        super::case::refresh_token,
        super::case::list_documents,
        super::case::begin_upload,
        super::case::get_document,
        super::case::put_chunk,
        super::case::complete_upload,
        super::case::get_content,
        super::case::keep,
        super::case::discard,
        super::case::request_signature,
        super::case::list_signatures,
        super::case::confirm_read,
        super::case::send_tan,
        super::case::sign,
        super::case::deliver,
        super::case::invite,
        super::case::revoke_invite,
        super::case::record_identity,
        super::case::request_identity,
        super::case::get_identity,
        super::case::share,
        super::case::put_note,
        super::case::get_case,
        super::pay::get_payment,
        super::pay::request_payment,
        super::pay::withdraw_payment
    ),
    components(schemas(
        crate::pow::Challenge,
        super::pay::PaymentPanel,
        super::pay::PaymentOut,
        super::pay::PayLineOut,
        super::pay::WayOut,
        super::pay::FeeOut,
        super::pay::FeeOptionOut,
        super::pay::PaymentIn,
        super::pay::ChosenIn,
        ServiceOut,
        SlotOut,
        SlotsOut,
        BookingIn,
        BookingOut,
        KeyIn,
        RebookIn,
        ApiError,
        ApiErrorBody,
        ErrorCode,
        super::case::CallAccess,
        super::case::JoinIn,
        super::case::DocumentOut,
        super::case::CaseOut,
        super::case::SignedOut,
        super::case::DeliverIn,
        super::case::InviteIn,
        super::case::InviteOut,
        super::case::ShareIn,
        super::case::NoteIn,
        super::case::IdentityRequestIn,
        super::case::IdentityStatusOut
    ))
)]
pub struct ApiDoc;

/// `GET /api/openapi.json`
pub async fn openapi() -> Response {
    Json(ApiDoc::openapi()).into_response()
}

/// `GET /api/v1/challenge`
#[utoipa::path(get, path = "/api/v1/challenge",
    responses((status = 200, description = "A proof-of-work challenge (ALTCHA format) for one booking: find `n` in `0..=maxnumber` with hex SHA-256(`salt` + decimal `n`) = `challenge`, then send base64 of `{algorithm, challenge, number, salt, signature}` as the booking's `proof`. Valid for ten minutes, once. `maxnumber` rises (up to 16 times) while this client has used half its attempts of the hour or the door is under pressure.", body = crate::pow::Challenge)))]
pub async fn challenge(State(st): State<AppState>, client: super::door::ClientAddr) -> Response {
    (
        [(axum::http::header::CACHE_CONTROL, "no-store")],
        Json(super::door::challenge(&st, client)),
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
    /// Stable, for programs.
    pub code: ErrorCode,
    /// For people, in the request's language.
    pub message: String,
    /// With `slot_taken`: the ten free times nearest the one asked for, in time order.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alternatives: Option<Vec<SlotOut>>,
    /// With `too_early`: when the room opens.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub opens_at: Option<DateTime<Utc>>,
    /// With `upload_offset` and `upload_incomplete`: the bytes the upload holds, where it
    /// goes on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub received: Option<i64>,
}

/// Every code the API answers a failure with. The OpenAPI document's enum of `code` is
/// generated from this type and every failure is made from it, so the two cannot drift;
/// each code has one HTTP status ([`ErrorCode::status`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// 400: not JSON, a field missing or of the wrong type, a query or path that does not
    /// parse.
    InvalidRequest,
    /// 413: a body over the size limit.
    TooLarge,
    /// 415: a body that is not `application/json`.
    UnsupportedMediaType,
    /// 404: no endpoint at this path.
    NoSuchEndpoint,
    /// 405: the endpoint does not take this method (`Allow` names those it takes).
    MethodNotAllowed,
    /// 403: a POST sent by a page of another site.
    CrossOrigin,
    /// 422: a proof of work that is forged, expired, wrong or used before.
    ProofInvalid,
    /// 429: this address has had its attempts without a proof this hour.
    ProofNeeded,
    /// 429: this address has had its attempts this hour.
    TooManyAttempts,
    /// 429: this address holds its share of bookings waiting for their confirmation.
    TooManyHolds,
    /// 422: the name is empty, too long or has control characters.
    InvalidName,
    /// 422: not an address the portal can send mail to.
    InvalidEmail,
    /// 404: no active service with this slug.
    UnknownService,
    /// 409: a service that cannot be done by video.
    NotVirtual,
    /// 409: the address holds as many upcoming appointments as allowed.
    TooManyForEmail,
    /// 422: no appointment can start at this time.
    NoSuchSlot,
    /// 409: the time was taken; `alternatives` names free ones.
    SlotTaken,
    /// 404: no such booking, or a wrong key.
    NotFound,
    /// 410: not confirmed in time, or cancelled.
    Lapsed,
    /// 409: it has begun or is over.
    TooLate,
    /// 409: cancelled, begun or not yet confirmed.
    NotMovable,
    /// 409: the call's room is not open yet; `opens_at` says when.
    TooEarly,
    /// 401: no room token, or one that is not valid.
    Unauthorized,
    /// 401: the room token has expired; get a fresh one (`…/token/refresh` before it does).
    TokenExpired,
    /// 403: the room token is for another call, or its role does not take part in the case.
    NotInCall,
    /// 403: only the clerk of the call may do this.
    ClerkOnly,
    /// 413: the file is larger than the office accepts (or empty).
    FileTooLarge,
    /// 415: not a PDF, JPEG or PNG (judged by the content, not the name); nothing is kept.
    FileType,
    /// 422: the file is cut off (its format's end is missing); nothing is kept.
    FileTruncated,
    /// 422: the bytes do not have the declared SHA-256; nothing is kept.
    ChecksumMismatch,
    /// 409: a chunk at another offset than the upload's; `received` says where to go on.
    UploadOffset,
    /// 409: completed before every byte arrived; `received` says how many did.
    UploadIncomplete,
    /// 409: the document is not in a state that allows this.
    WrongState,
    /// 422: a confirmed identity without every point of its method's checklist.
    IdentityIncomplete,
    /// 403: only the citizen of the call may do this (read, sign).
    CitizenOnly,
    /// 422: the signature cannot be given: the document not read yet, a drawing off the
    /// pad, a wrong or expired TAN, a document changed since it was asked for.
    SignatureRefused,
    /// 409: the appointment has a payment that has not ended; withdraw it first.
    PaymentOpen,
    /// 422: the appointment's services are free: there is nothing to pay.
    NothingOwed,
    /// 409: no such way of paying is configured.
    PaymentNotOffered,
    /// 503: the payment provider does not answer; try again in a moment.
    PaymentUnavailable,
    /// 502: the payment provider refused the payment (its code is logged).
    PaymentRefused,
    /// 500: the portal failed (logged with its cause).
    Internal,
}

impl ErrorCode {
    /// The HTTP status every answer with this code has.
    pub fn status(self) -> StatusCode {
        match self {
            Self::InvalidRequest => StatusCode::BAD_REQUEST,
            Self::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::NoSuchEndpoint | Self::UnknownService | Self::NotFound => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::CrossOrigin => StatusCode::FORBIDDEN,
            Self::ProofInvalid | Self::InvalidName | Self::InvalidEmail | Self::NoSuchSlot => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            Self::ProofNeeded | Self::TooManyAttempts | Self::TooManyHolds => {
                StatusCode::TOO_MANY_REQUESTS
            }
            Self::NotVirtual
            | Self::TooManyForEmail
            | Self::SlotTaken
            | Self::TooLate
            | Self::NotMovable => StatusCode::CONFLICT,
            Self::Lapsed => StatusCode::GONE,
            Self::TooEarly | Self::UploadOffset | Self::UploadIncomplete | Self::WrongState => {
                StatusCode::CONFLICT
            }
            Self::Unauthorized | Self::TokenExpired => StatusCode::UNAUTHORIZED,
            Self::NotInCall | Self::ClerkOnly | Self::CitizenOnly => StatusCode::FORBIDDEN,
            Self::FileTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::FileType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::FileTruncated
            | Self::ChecksumMismatch
            | Self::IdentityIncomplete
            | Self::SignatureRefused
            | Self::NothingOwed => StatusCode::UNPROCESSABLE_ENTITY,
            Self::PaymentOpen | Self::PaymentNotOffered => StatusCode::CONFLICT,
            Self::PaymentUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            Self::PaymentRefused => StatusCode::BAD_GATEWAY,
            Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl ErrorCode {
    /// The text key of the message every answer with this code carries (one code, one
    /// text, so the two cannot disagree; `not_movable` says why in [`fail_because`]).
    pub fn key(self) -> &'static str {
        match self {
            Self::InvalidRequest => "error-invalid-request",
            Self::TooLarge => "error-too-large",
            Self::UnsupportedMediaType => "error-unsupported-media-type",
            Self::NoSuchEndpoint => "error-no-such-endpoint",
            Self::MethodNotAllowed => "error-method-not-allowed",
            Self::CrossOrigin => "error-cross-origin",
            Self::ProofInvalid => "error-proof-invalid",
            Self::ProofNeeded => "error-proof-needed",
            Self::TooManyAttempts => "error-too-many-attempts",
            Self::TooManyHolds => "error-too-many-holds",
            Self::InvalidName => "error-name",
            Self::InvalidEmail => "error-email",
            Self::UnknownService | Self::NotFound => "error-not-found",
            Self::NotVirtual => "error-not-virtual",
            Self::TooManyForEmail => "error-too-many-for-email",
            Self::NoSuchSlot => "error-no-such-slot",
            Self::SlotTaken => "error-slot-taken",
            Self::Lapsed => "lapsed-text",
            Self::TooLate => "cancel-too-late",
            Self::NotMovable => "cancel-already",
            Self::TooEarly => "error-too-early",
            Self::Unauthorized => "error-unauthorized",
            Self::TokenExpired => "error-token-expired",
            Self::NotInCall => "error-not-in-call",
            Self::ClerkOnly => "error-clerk-only",
            Self::FileTooLarge => "error-file-too-large",
            Self::FileType => "error-file-type",
            Self::FileTruncated => "error-file-truncated",
            Self::ChecksumMismatch => "error-checksum-mismatch",
            Self::UploadOffset => "error-upload-offset",
            Self::UploadIncomplete => "error-upload-incomplete",
            Self::WrongState => "error-wrong-state",
            Self::IdentityIncomplete => "error-identity-incomplete",
            Self::CitizenOnly => "error-citizen-only",
            Self::SignatureRefused => "error-signature-refused",
            Self::PaymentOpen => "error-payment-open",
            Self::NothingOwed => "error-nothing-owed",
            Self::PaymentNotOffered => "error-payment-not-offered",
            Self::PaymentUnavailable => "error-payment-unavailable",
            Self::PaymentRefused => "error-payment-refused",
            Self::Internal => "error-internal",
        }
    }
}

/// A failure in the API's shape: `code`'s status, its message in `lang`.
pub(super) fn fail(st: &AppState, lang: &str, code: ErrorCode) -> Response {
    answer(st, lang, code, code.key(), None)
}

/// [`fail`] naming free times (`slot_taken`).
fn fail_with(
    st: &AppState,
    lang: &str,
    code: ErrorCode,
    alternatives: Option<Vec<SlotOut>>,
) -> Response {
    answer(st, lang, code, code.key(), alternatives)
}

/// A failure whose code has more than one reason (`not_movable`: cancelled, begun or not
/// yet confirmed), with the reason's own text `key`.
fn fail_because(st: &AppState, lang: &str, code: ErrorCode, key: &str) -> Response {
    answer(st, lang, code, key, None)
}

fn answer(
    st: &AppState,
    lang: &str,
    code: ErrorCode,
    key: &str,
    alternatives: Option<Vec<SlotOut>>,
) -> Response {
    (
        code.status(),
        Json(ApiError {
            error: ApiErrorBody {
                code,
                message: st.i18n.t(lang, key, None),
                alternatives,
                opens_at: None,
                received: None,
            },
        }),
    )
        .into_response()
}

/// `too_early`, with when the room opens.
pub(super) fn fail_too_early(st: &AppState, lang: &str, opens_at: DateTime<Utc>) -> Response {
    let code = ErrorCode::TooEarly;
    (
        code.status(),
        Json(ApiError {
            error: ApiErrorBody {
                code,
                message: st.i18n.t(lang, code.key(), None),
                alternatives: None,
                opens_at: Some(opens_at),
                received: None,
            },
        }),
    )
        .into_response()
}

/// An upload's failure with the bytes it holds.
pub(super) fn fail_at(st: &AppState, lang: &str, code: ErrorCode, received: i64) -> Response {
    (
        code.status(),
        Json(ApiError {
            error: ApiErrorBody {
                code,
                message: st.i18n.t(lang, code.key(), None),
                alternatives: None,
                opens_at: None,
                received: Some(received),
            },
        }),
    )
        .into_response()
}

fn internal(st: &AppState, lang: &str, e: &dyn std::fmt::Display) -> Response {
    tracing::error!(error = %e, "API request failed");
    fail(st, lang, ErrorCode::Internal)
}

fn refused(st: &AppState, lang: &str, r: super::door::Refusal) -> Response {
    use super::door::Refusal;
    match r {
        Refusal::ProofInvalid => fail(st, lang, ErrorCode::ProofInvalid),
        Refusal::ProofNeeded => fail(st, lang, ErrorCode::ProofNeeded),
        Refusal::TooMany => fail(st, lang, ErrorCode::TooManyAttempts),
        Refusal::TooManyHolds => fail(st, lang, ErrorCode::TooManyHolds),
        Refusal::Internal => fail(st, lang, ErrorCode::Internal),
    }
}

/// The language of a request that failed before its own `lang` field could be read.
fn request_lang<'a>(uri: &'a Uri, headers: &'a HeaderMap) -> &'static str {
    lang(query_lang(uri), headers)
}

/// An axum extractor whose refusal is the API's error shape instead of the framework's
/// text: `Api<Json<T>>`, `Api<Query<T>>`, `Api<Path<T>>`. Every handler reads its input
/// through it, so a bad `{id}`, a missing query field, malformed JSON or a wrong content
/// type all answer as the document says.
pub struct Api<E>(pub E);

/// What an axum extractor's refusal tells about the request.
pub trait Rejected: std::fmt::Display {
    /// The status axum gives it.
    fn status(&self) -> StatusCode;
}

impl Rejected for JsonRejection {
    fn status(&self) -> StatusCode {
        JsonRejection::status(self)
    }
}

impl Rejected for QueryRejection {
    fn status(&self) -> StatusCode {
        QueryRejection::status(self)
    }
}

impl Rejected for PathRejection {
    fn status(&self) -> StatusCode {
        PathRejection::status(self)
    }
}

/// The code of a refused request. Only the body's size and type have statuses of their
/// own; everything else (JSON that does not parse or does not fit, a query or path that
/// does not) is one `invalid_request`, so a client needs one rule for "not what the
/// document says".
fn rejection_code(status: StatusCode) -> ErrorCode {
    match status {
        StatusCode::PAYLOAD_TOO_LARGE => ErrorCode::TooLarge,
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ErrorCode::UnsupportedMediaType,
        _ => ErrorCode::InvalidRequest,
    }
}

fn rejected(st: &AppState, lang: &str, why: &dyn Rejected) -> Response {
    // The refusal's text may quote the input (a booking ID, a field): debug level only.
    tracing::debug!(error = %why, "malformed API request");
    fail(st, lang, rejection_code(why.status()))
}

impl<E> FromRequestParts<AppState> for Api<E>
where
    E: FromRequestParts<AppState>,
    E::Rejection: Rejected,
{
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, Response> {
        match E::from_request_parts(parts, st).await {
            Ok(e) => Ok(Self(e)),
            Err(why) => Err(rejected(st, request_lang(&parts.uri, &parts.headers), &why)),
        }
    }
}

impl<E> FromRequest<AppState> for Api<E>
where
    E: FromRequest<AppState>,
    E::Rejection: Rejected,
{
    type Rejection = Response;

    async fn from_request(req: Request, st: &AppState) -> Result<Self, Response> {
        let lang = request_lang(req.uri(), req.headers());
        match E::from_request(req, st).await {
            Ok(e) => Ok(Self(e)),
            Err(why) => Err(rejected(st, lang, &why)),
        }
    }
}

/// An API request's JSON body with the language its answer is in: the body's `lang`
/// field, else as [`Lang`]. A body that is not JSON of `T` is refused as [`Api`] refuses it.
pub struct ApiJson<T>(pub Lang, pub T);

#[derive(Deserialize)]
struct BodyLang {
    lang: Option<String>,
}

impl<T> FromRequest<AppState> for ApiJson<T>
where
    T: serde::de::DeserializeOwned + Send,
{
    type Rejection = Response;

    async fn from_request(req: Request, st: &AppState) -> Result<Self, Response> {
        let fallback = request_lang(req.uri(), req.headers());
        let (parts, body) = req.into_parts();
        let bytes = Bytes::from_request(Request::from_parts(parts.clone(), body), st)
            .await
            .map_err(|why| rejected(st, fallback, &JsonRejection::from(why)))?;
        let again = |parts: &Parts| Request::from_parts(parts.clone(), Body::from(bytes.clone()));
        let Json(value) = Json::<T>::from_request(again(&parts), st)
            .await
            .map_err(|why| rejected(st, fallback, &why))?;
        let sent = Json::<BodyLang>::from_request(again(&parts), st)
            .await
            .ok()
            .and_then(|Json(b)| b.lang);
        let lang = lang(sent.as_deref().or(query_lang(&parts.uri)), &parts.headers);
        Ok(Self(Lang(lang), value))
    }
}

/// Any path under `/api/` that is no endpoint: 404 in the API's shape (the pages' fallback
/// sends here).
pub(super) fn no_such_endpoint(st: &AppState, uri: &Uri, headers: &HeaderMap) -> Response {
    fail(st, request_lang(uri, headers), ErrorCode::NoSuchEndpoint)
}

/// An endpoint asked with a method it does not take: 405 in the API's shape; axum adds
/// `Allow`.
async fn method_not_allowed(State(st): State<AppState>, uri: Uri, headers: HeaderMap) -> Response {
    fail(
        &st,
        request_lang(&uri, &headers),
        ErrorCode::MethodNotAllowed,
    )
}

/// The API's routes, `/api/openapi.json` and `/api/v1/…`, with the API's own 405.
pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/openapi.json", get(openapi))
        .route("/api/v1/challenge", get(challenge))
        .route("/api/v1/services", get(list_services))
        .route("/api/v1/slots", get(list_slots))
        .route("/api/v1/bookings", post(create_booking))
        .route("/api/v1/bookings/{id}", get(get_booking))
        .route("/api/v1/bookings/{id}/confirm", post(confirm_booking))
        .route("/api/v1/bookings/{id}/cancel", post(cancel_booking))
        .route("/api/v1/bookings/{id}/slots", get(rebook_slots))
        .route("/api/v1/bookings/{id}/rebook", post(rebook_booking))
        .merge(super::case::routes())
        // Last: it applies to the routes registered before it.
        .method_not_allowed_fallback(method_not_allowed)
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
    responses(
        (status = 200, description = "The active services", body = [ServiceOut]),
        (status = 400, description = "`invalid_request`: a query parameter missing or malformed", body = ApiError),
        (status = 500, description = "`internal`: the portal failed", body = ApiError),
    ))]
pub async fn list_services(
    State(st): State<AppState>,
    // Read for its refusal of a malformed query; the language comes from `Lang`.
    Api(Query(_)): Api<Query<LangParam>>,
    Lang(lang): Lang,
) -> Response {
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

/// The code and message of a booking failure.
fn booking_error(e: &BookingError) -> ErrorCode {
    match e {
        BookingError::InvalidName => ErrorCode::InvalidName,
        BookingError::InvalidEmail => ErrorCode::InvalidEmail,
        BookingError::UnknownService => ErrorCode::UnknownService,
        BookingError::NotVirtual => ErrorCode::NotVirtual,
        BookingError::TooManyForEmail => ErrorCode::TooManyForEmail,
        BookingError::NoSuchSlot => ErrorCode::NoSuchSlot,
        BookingError::SlotTaken => ErrorCode::SlotTaken,
        BookingError::Db(_) | BookingError::Vault(_) => ErrorCode::Internal,
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

/// `GET /api/v1/slots?services=a,b`
#[utoipa::path(get, path = "/api/v1/slots", params(SlotsQuery),
    responses(
        (status = 200, description = "Free times for one appointment of these services", body = SlotsOut),
        (status = 400, description = "`invalid_request`: a query parameter missing or malformed", body = ApiError),
        (status = 404, description = "`unknown_service`", body = ApiError),
        (status = 409, description = "`not_virtual`", body = ApiError),
        (status = 500, description = "`internal`: the portal failed", body = ApiError),
    ))]
pub async fn list_slots(
    State(st): State<AppState>,
    Api(Query(q)): Api<Query<SlotsQuery>>,
    Lang(lang): Lang,
) -> Response {
    match free(&st, &split_slugs(&q.services)).await {
        Ok(slots) => Json(SlotsOut { slots }).into_response(),
        Err(e) => match booking_error(&e) {
            ErrorCode::Internal => internal(&st, lang, &e),
            code => fail(&st, lang, code),
        },
    }
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
        status: b.state.as_str().to_owned(),
        service: b.service.clone(),
        starts_at: b.starts_at,
        ends_at: b.ends_at,
    }
}

/// `POST /api/v1/bookings`
#[utoipa::path(post, path = "/api/v1/bookings", request_body = BookingIn,
    responses(
        (status = 202, description = "Held; the opt-in mail with the confirm link is on its way", body = BookingOut),
        (status = 400, description = "`invalid_request`: not JSON, a field missing or of the wrong type", body = ApiError),
        (status = 403, description = "`cross_origin`: sent by a page of another site (`Sec-Fetch-Site`, `Origin`)", body = ApiError),
        (status = 404, description = "`unknown_service`", body = ApiError),
        (status = 409, description = "`slot_taken` (with `alternatives`), `not_virtual`, `too_many_for_email`", body = ApiError),
        (status = 413, description = "`too_large`: the body is over the size limit", body = ApiError),
        (status = 415, description = "`unsupported_media_type`: the body is not `application/json`", body = ApiError),
        (status = 422, description = "`invalid_name`, `invalid_email` (not an address mail can be sent to), `no_such_slot`, `proof_invalid` (forged, expired, wrong or used before)", body = ApiError),
        (status = 429, description = "`proof_needed` (this address has had its attempts without a proof), `too_many_attempts` (its attempts this hour), `too_many_holds` (its unconfirmed bookings waiting for their confirmation)", body = ApiError),
        (status = 500, description = "`internal`: the portal failed", body = ApiError),
    ))]
pub async fn create_booking(
    State(st): State<AppState>,
    client: super::door::ClientAddr,
    ApiJson(Lang(lang), req): ApiJson<BookingIn>,
) -> Response {
    let admission = match super::door::admit(&st, client, req.proof.as_deref()).await {
        Ok(a) => a,
        Err(r) => return refused(&st, lang, r),
    };
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
            admission.held();
            st.office.metrics.bookings.with_label_values(&["api"]).inc();
            tracing::info!(booking = %booked.booking.id, "booking held for confirmation (API)");
            vamt_booking::notify::send_opt_in(&st, &booked).await;
            (StatusCode::ACCEPTED, Json(booking_out(&booked.booking))).into_response()
        }
        Err(e) => {
            let code = booking_error(&e);
            if code == ErrorCode::Internal {
                return internal(&st, lang, &e);
            }
            let alternatives = if matches!(e, BookingError::SlotTaken) {
                alternatives(&st, &req.services, req.start).await.ok()
            } else {
                None
            };
            fail_with(&st, lang, code, alternatives)
        }
    }
}

/// `GET /api/v1/bookings/{id}?key=`
#[utoipa::path(get, path = "/api/v1/bookings/{id}", params(("id" = String, Path), KeyIn),
    responses(
        (status = 200, description = "The booking", body = BookingOut),
        (status = 400, description = "`invalid_request`: `key` missing, a query or `{id}` that does not parse", body = ApiError),
        (status = 404, description = "`not_found`: no such booking, or a wrong key", body = ApiError),
        (status = 500, description = "`internal`: the portal failed", body = ApiError),
    ))]
pub async fn get_booking(
    State(st): State<AppState>,
    Api(Path(id)): Api<Path<String>>,
    Api(Query(q)): Api<Query<KeyIn>>,
    Lang(lang): Lang,
) -> Response {
    match booking::find_by_key(&st.db, &st.vault, &id, &q.key).await {
        Ok(Some(b)) => Json(booking_out(&b)).into_response(),
        Ok(None) => fail(&st, lang, ErrorCode::NotFound),
        Err(e) => internal(&st, lang, &e),
    }
}

/// `POST /api/v1/bookings/{id}/confirm`
#[utoipa::path(post, path = "/api/v1/bookings/{id}/confirm", params(("id" = String, Path)),
    request_body = KeyIn,
    responses(
        (status = 200, description = "Confirmed (now or before); the confirmation mail with the join link went out once", body = BookingOut),
        (status = 400, description = "`invalid_request`: not JSON, a field missing or of the wrong type, an `{id}` that does not parse", body = ApiError),
        (status = 403, description = "`cross_origin`: sent by a page of another site (`Sec-Fetch-Site`, `Origin`)", body = ApiError),
        (status = 404, description = "`not_found`", body = ApiError),
        (status = 409, description = "`too_many_for_email`: the address holds as many confirmed upcoming appointments as allowed; this one is released", body = ApiError),
        (status = 410, description = "`lapsed`: not confirmed in time, or cancelled", body = ApiError),
        (status = 413, description = "`too_large`: the body is over the size limit", body = ApiError),
        (status = 415, description = "`unsupported_media_type`: the body is not `application/json`", body = ApiError),
        (status = 500, description = "`internal`: the portal failed", body = ApiError),
    ))]
pub async fn confirm_booking(
    State(st): State<AppState>,
    Api(Path(id)): Api<Path<String>>,
    ApiJson(Lang(lang), k): ApiJson<KeyIn>,
) -> Response {
    let limit = st.settings.booking.max_per_email;
    match booking::confirm(&st.db, &st.vault, &id, &k.key, st.now(), limit).await {
        Ok(Some(Confirmation::Confirmed(b))) => {
            let booked = booking::confirmed(&st, b, &k.key).await;
            Json(booking_out(&booked.booking)).into_response()
        }
        Ok(Some(Confirmation::AlreadyConfirmed(b))) => Json(booking_out(&b)).into_response(),
        Ok(Some(Confirmation::Lapsed(_))) => fail(&st, lang, ErrorCode::Lapsed),
        // The address reached its limit of confirmed appointments meanwhile: the hold is
        // released, as the booking form would have refused it.
        Ok(Some(Confirmation::TooMany(_))) => fail(&st, lang, ErrorCode::TooManyForEmail),
        Ok(None) => fail(&st, lang, ErrorCode::NotFound),
        Err(e) => internal(&st, lang, &e),
    }
}

/// `POST /api/v1/bookings/{id}/cancel`
#[utoipa::path(post, path = "/api/v1/bookings/{id}/cancel", params(("id" = String, Path)),
    request_body = KeyIn,
    responses(
        (status = 200, description = "Cancelled (now or before); the time is free again", body = BookingOut),
        (status = 400, description = "`invalid_request`: not JSON, a field missing or of the wrong type, an `{id}` that does not parse", body = ApiError),
        (status = 403, description = "`cross_origin`: sent by a page of another site (`Sec-Fetch-Site`, `Origin`)", body = ApiError),
        (status = 404, description = "`not_found`", body = ApiError),
        (status = 409, description = "`too_late`: it has begun or is over", body = ApiError),
        (status = 413, description = "`too_large`: the body is over the size limit", body = ApiError),
        (status = 415, description = "`unsupported_media_type`: the body is not `application/json`", body = ApiError),
        (status = 500, description = "`internal`: the portal failed", body = ApiError),
    ))]
pub async fn cancel_booking(
    State(st): State<AppState>,
    Api(Path(id)): Api<Path<String>>,
    ApiJson(Lang(lang), k): ApiJson<KeyIn>,
) -> Response {
    match booking::cancel(&st.db, &st.vault, &id, &k.key, st.now()).await {
        Ok(Some(Cancellation::Cancelled(b))) => {
            booking::cancelled(&st, &b).await;
            Json(booking_out(&b)).into_response()
        }
        Ok(Some(Cancellation::AlreadyCancelled(b))) => Json(booking_out(&b)).into_response(),
        Ok(Some(Cancellation::TooLate(_))) => fail(&st, lang, ErrorCode::TooLate),
        Ok(None) => fail(&st, lang, ErrorCode::NotFound),
        Err(e) => internal(&st, lang, &e),
    }
}

fn slot_out(o: &vamt_portal_core::schedule::Offer) -> SlotOut {
    SlotOut {
        start: o.start,
        end: o.end,
    }
}

/// `GET /api/v1/bookings/{id}/slots?key=`
#[utoipa::path(get, path = "/api/v1/bookings/{id}/slots", params(("id" = String, Path), KeyIn),
    responses(
        (status = 200, description = "The times this booking can move to (its services, its own time counted free)", body = SlotsOut),
        (status = 400, description = "`invalid_request`: `key` missing, a query or `{id}` that does not parse", body = ApiError),
        (status = 404, description = "`not_found`", body = ApiError),
        (status = 409, description = "`not_movable`: cancelled, begun or not yet confirmed", body = ApiError),
        (status = 500, description = "`internal`: the portal failed", body = ApiError),
    ))]
pub async fn rebook_slots(
    State(st): State<AppState>,
    Api(Path(id)): Api<Path<String>>,
    Api(Query(k)): Api<Query<KeyIn>>,
    Lang(lang): Lang,
) -> Response {
    let b = match booking::find_by_key(&st.db, &st.vault, &id, &k.key).await {
        Ok(Some(b)) => b,
        Ok(None) => return fail(&st, lang, ErrorCode::NotFound),
        Err(e) => return internal(&st, lang, &e),
    };
    if let Some(reason) = super::rebook::refusal(&b, st.now()) {
        return fail_because(&st, lang, ErrorCode::NotMovable, reason);
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
        (status = 400, description = "`invalid_request`: not JSON, a field missing or of the wrong type, an `{id}` that does not parse", body = ApiError),
        (status = 403, description = "`cross_origin`: sent by a page of another site (`Sec-Fetch-Site`, `Origin`)", body = ApiError),
        (status = 404, description = "`not_found`", body = ApiError),
        (status = 409, description = "`slot_taken` (with `alternatives`) or `not_movable`", body = ApiError),
        (status = 413, description = "`too_large`: the body is over the size limit", body = ApiError),
        (status = 415, description = "`unsupported_media_type`: the body is not `application/json`", body = ApiError),
        (status = 500, description = "`internal`: the portal failed", body = ApiError),
    ))]
pub async fn rebook_booking(
    State(st): State<AppState>,
    Api(Path(id)): Api<Path<String>>,
    ApiJson(Lang(lang), r): ApiJson<RebookIn>,
) -> Response {
    let b = match booking::find_by_key(&st.db, &st.vault, &id, &r.key).await {
        Ok(Some(b)) => b,
        Ok(None) => return fail(&st, lang, ErrorCode::NotFound),
        Err(e) => return internal(&st, lang, &e),
    };
    if let Some(reason) = super::rebook::refusal(&b, st.now()) {
        return fail_because(&st, lang, ErrorCode::NotMovable, reason);
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
            fail_with(&st, lang, ErrorCode::SlotTaken, alternatives)
        }
        Err(e) => internal(&st, lang, &e),
    }
}
