//! The case record over HTTP (`/api/v1/calls/{booking}/…`): the call's credential for
//! programs (a room token and ICE servers, without reading the call page), and the
//! documents, the identity check and the timeline of the appointment's case. Each request
//! carries the room token of this call as `Authorization: Bearer …`; the token names the
//! booking and the role, so a participant of another call (or nobody) is refused before
//! anything is read or stored.
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use vamt_documents::case::{self, Actor, Case};
use vamt_documents::document::{self, Decision, Document, Origin};
use vamt_documents::identity::{self, IdentityCheck};
use vamt_documents::intake::{self, Declared, Refusal};
use vamt_documents::signature;
use vamt_documents::CaseError;
use vamt_signalling::{Role, RoomClaims, TokenError};

use super::api::{fail, ApiJson, ErrorCode};
use super::guard::SignedIn;
use super::page::{lang, query_lang, Lang};
use crate::AppState;
use vamt_booking::booking;

/// The participant a request comes from: the verified claims of its room token, for the
/// booking in the path.
pub struct CallCredential {
    /// The token's claims.
    pub claims: RoomClaims,
    /// The request's language.
    pub lang: &'static str,
}

impl CallCredential {
    /// The booking of this call (its citizen's name and address, for mails and the
    /// signature page).
    async fn booking(&self, st: &AppState) -> Result<vamt_booking::booking::Booking, Response> {
        match booking::find(&st.db, &st.vault, &self.claims.booking).await {
            Ok(Some(b)) => Ok(b),
            Ok(None) => Err(fail(st, self.lang, ErrorCode::NotFound)),
            Err(e) => Err(internal(st, self.lang, &e)),
        }
    }

    /// Who this is in the case's records.
    fn actor(&self) -> Actor {
        Actor::from_subject(&self.claims.sub)
    }
}

#[derive(Deserialize)]
struct BookingPath {
    booking: String,
}

impl FromRequestParts<AppState> for CallCredential {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, Response> {
        let lang = lang(query_lang(&parts.uri), &parts.headers);
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim);
        let Some(token) = token else {
            return Err(fail(st, lang, ErrorCode::Unauthorized));
        };
        let now = st.now().timestamp().max(0) as u64;
        let claims = match st.tokens.verify(token, now) {
            Ok(c) => c,
            Err(TokenError::Expired) => return Err(fail(st, lang, ErrorCode::TokenExpired)),
            Err(_) => return Err(fail(st, lang, ErrorCode::Unauthorized)),
        };
        let Ok(Path(path)) = Path::<BookingPath>::from_request_parts(parts, st).await else {
            return Err(fail(st, lang, ErrorCode::InvalidRequest));
        };
        if path.booking != claims.booking {
            // A token of another call: as if this call did not exist for it.
            return Err(fail(st, lang, ErrorCode::NotInCall));
        }
        Ok(CallCredential { claims, lang })
    }
}

/// A request from the call's clerk (keep, discard, identity, signatures asked for,
/// delivery, guests); anyone else is refused with `clerk_only` before the handler runs.
pub struct CallClerk(pub CallCredential);

impl FromRequestParts<AppState> for CallClerk {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, Response> {
        let who = CallCredential::from_request_parts(parts, st).await?;
        if who.claims.role.may_moderate() {
            Ok(Self(who))
        } else {
            Err(fail(st, who.lang, ErrorCode::ClerkOnly))
        }
    }
}

/// A request from the call's citizen (reading and signing); anyone else is refused with
/// `citizen_only`.
pub struct CallCitizen(pub CallCredential);

impl FromRequestParts<AppState> for CallCitizen {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, Response> {
        let who = CallCredential::from_request_parts(parts, st).await?;
        if who.claims.role == Role::Citizen {
            Ok(Self(who))
        } else {
            Err(fail(st, who.lang, ErrorCode::CitizenOnly))
        }
    }
}

/// What a program needs to join a call: the room token, where to connect, and the ICE
/// servers (with TURN credentials valid as long as the token).
#[derive(Debug, Serialize, ToSchema)]
pub struct CallAccess {
    /// The room token: `join`'s `token`, and `Authorization: Bearer` for this API.
    pub token: String,
    /// The room.
    pub room: String,
    /// The role the token grants.
    #[schema(value_type = String, example = "citizen")]
    pub role: Role,
    /// When the token expires (Unix seconds); refresh it before with `…/token/refresh`.
    pub expires_at: u64,
    /// The signalling WebSocket's path (`wss://` the portal's host).
    pub signalling: String,
    /// RTCIceServer entries for `RTCPeerConnection`.
    #[schema(value_type = Vec<Object>)]
    pub ice_servers: Vec<serde_json::Value>,
}

/// The citizen's join key, from the invitation e-mail's link.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct JoinIn {
    /// The `key` of the join link.
    pub key: String,
    /// Language of messages (de, en, …); else Accept-Language.
    #[serde(default)]
    // Read by `ApiJson` from the same body; declared so that it is not an unknown field.
    #[allow(dead_code)]
    pub lang: Option<String>,
}

/// `POST /api/v1/calls/{booking}/token`
#[utoipa::path(post, path = "/api/v1/calls/{booking}/token",
    params(("booking" = String, Path, description = "The booking's ID")),
    request_body = JoinIn,
    responses(
        (status = 200, description = "A room token for the citizen, the signalling path and ICE servers", body = CallAccess),
        (status = 404, description = "`not_found`: no such booking, or a wrong key", body = super::api::ApiError),
        (status = 409, description = "`too_early`: the room is not open yet; `opens_at` says when", body = super::api::ApiError)))]
pub async fn citizen_token(
    State(st): State<AppState>,
    Path(id): Path<String>,
    ApiJson(Lang(lang), body): ApiJson<JoinIn>,
) -> Response {
    let booking = match booking::find_by_join_key(&st.db, &st.vault, &id, &body.key).await {
        Ok(Some(b)) => b,
        Ok(None) => return fail(&st, lang, ErrorCode::NotFound),
        Err(e) => return internal(&st, lang, &e),
    };
    let opens = booking.starts_at - st.call.join_window;
    if st.now() < opens {
        return super::api::fail_too_early(&st, lang, opens);
    }
    let claims = super::call::citizen_claims(&st, &booking);
    access(&st, lang, claims)
}

/// `POST /api/v1/calls/{booking}/clerk-token`
#[utoipa::path(post, path = "/api/v1/calls/{booking}/clerk-token",
    params(("booking" = String, Path, description = "The booking's ID")),
    responses(
        (status = 200, description = "A moderator's room token for the signed-in clerk of this appointment", body = CallAccess),
        (status = 403, description = "`not_in_call`: not this clerk's appointment (a colleague's is taken over on its page first)", body = super::api::ApiError)))]
pub async fn clerk_token(
    State(st): State<AppState>,
    SignedIn(me): SignedIn,
    Path(id): Path<String>,
    Lang(lang): Lang,
) -> Response {
    match vamt_booking::clerk::access_to(&st.db, &me, &id).await {
        Ok(vamt_booking::clerk::Access::Own) => {}
        Ok(_) => return fail(&st, lang, ErrorCode::NotInCall),
        Err(e) => return internal(&st, lang, &e),
    }
    let booking = match booking::find(&st.db, &st.vault, &id).await {
        Ok(Some(b)) if b.state.is_live() => b,
        Ok(_) => return fail(&st, lang, ErrorCode::NotFound),
        Err(e) => return internal(&st, lang, &e),
    };
    let claims = super::call::claims(
        &st,
        &booking,
        format!("clerk:{}", me.id),
        me.display_name,
        Role::Clerk,
    );
    access(&st, lang, claims)
}

/// `POST /api/v1/calls/{booking}/token/refresh`
#[utoipa::path(post, path = "/api/v1/calls/{booking}/token/refresh",
    params(("booking" = String, Path, description = "The booking's ID")),
    responses(
        (status = 200, description = "A fresh token with the same grant, and fresh ICE servers", body = CallAccess),
        (status = 401, description = "`unauthorized` or `token_expired`", body = super::api::ApiError)))]
pub async fn refresh_token(State(st): State<AppState>, who: CallCredential) -> Response {
    let now = st.now().timestamp().max(0) as u64;
    let claims = RoomClaims {
        iat: now,
        exp: now + st.call.token_ttl.as_secs(),
        ..who.claims
    };
    access(&st, who.lang, claims)
}

fn access(st: &AppState, lang: &str, claims: RoomClaims) -> Response {
    let token = match st.tokens.sign(&claims) {
        Ok(t) => t,
        Err(e) => return internal(st, lang, &e),
    };
    let now = st.now().timestamp().max(0) as u64;
    (
        [(header::CACHE_CONTROL, "no-store")],
        Json(CallAccess {
            ice_servers: super::call::ice_servers(st, &claims.room, now),
            token,
            room: claims.room,
            role: claims.role,
            expires_at: claims.exp,
            signalling: "/ws".into(),
        }),
    )
        .into_response()
}

fn internal(st: &AppState, lang: &str, e: &dyn std::fmt::Display) -> Response {
    tracing::error!(error = %e, "case request failed");
    fail(st, lang, ErrorCode::Internal)
}

/// A case-record failure in the API's shape.
fn case_failed(st: &AppState, lang: &str, e: CaseError) -> Response {
    let code = match &e {
        CaseError::NotFound => ErrorCode::NotFound,
        CaseError::Erased => ErrorCode::Lapsed,
        CaseError::Identity(_) => ErrorCode::IdentityIncomplete,
        CaseError::Refused(r) => match r {
            Refusal::Size { .. } => ErrorCode::FileTooLarge,
            Refusal::Checksum | Refusal::Chunk => ErrorCode::InvalidRequest,
            Refusal::Offset { received } => {
                return super::api::fail_at(st, lang, ErrorCode::UploadOffset, *received)
            }
            Refusal::Incomplete { received, .. } => {
                return super::api::fail_at(st, lang, ErrorCode::UploadIncomplete, *received)
            }
            Refusal::Mismatch => ErrorCode::ChecksumMismatch,
            Refusal::Kind(vamt_documents::kind::NotAccepted::Unknown) => ErrorCode::FileType,
            Refusal::Kind(vamt_documents::kind::NotAccepted::Truncated(_)) => {
                ErrorCode::FileTruncated
            }
            Refusal::WrongState => ErrorCode::WrongState,
        },
        CaseError::Sign(_) => ErrorCode::SignatureRefused,
        CaseError::Delivery(_) => ErrorCode::WrongState,
        CaseError::Db(_) | CaseError::Sealed => return internal(st, lang, &e),
    };
    fail(st, lang, code)
}

/// The case of the credential's booking, opened on its first use; only the citizen and the
/// clerk work in it (an interpreter or observer sees documents only as the clerk shows them
/// in the call).
async fn case_of(st: &AppState, who: &CallCredential) -> Result<Case, Response> {
    if !matches!(who.claims.role, Role::Citizen | Role::Clerk) {
        return Err(fail(st, who.lang, ErrorCode::NotInCall));
    }
    case::open(&st.cases, &who.claims.booking, &who.actor())
        .await
        .map_err(|e| case_failed(st, who.lang, e))
}

/// The case of `who`'s call for reading its documents, without opening one: the citizen
/// and the clerk, and the call's guests, who see only what the clerk shares ([`may_see`]).
async fn case_to_read(st: &AppState, who: &CallCredential) -> Result<Option<Case>, Response> {
    case::of_booking(&st.cases, &who.claims.booking)
        .await
        .map_err(|e| case_failed(st, who.lang, e))
}

/// Whether `who` may see `doc`: the clerk and the citizen see every document of their case
/// (the citizen's own and the office's); a guest (an interpreter, a colleague) only those
/// the clerk shares, while they have content.
fn may_see(who: &CallCredential, doc: &Document) -> bool {
    match who.claims.role {
        Role::Citizen | Role::Clerk => true,
        Role::Interpreter | Role::Observer => doc.shared_with_guests && doc.state.has_content(),
    }
}

/// Document `doc` for reading (its record or its bytes), if `who` may see it.
async fn document_to_read(
    st: &AppState,
    who: &CallCredential,
    doc: &str,
) -> Result<(Case, Document), Response> {
    let Some(case) = case_to_read(st, who).await? else {
        return Err(fail(st, who.lang, ErrorCode::NotFound));
    };
    let d = document::find(&st.cases, &case, doc)
        .await
        .map_err(|e| case_failed(st, who.lang, e))?;
    if !may_see(who, &d) {
        return Err(fail(st, who.lang, ErrorCode::NotFound));
    }
    Ok((case, d))
}

/// A document of the case, as both sides see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentOut {
    /// `DC_…`
    pub id: String,
    /// `citizen` or `office`.
    pub origin: String,
    /// `uploading`, `received`, `kept`, `discarded`, `erased`.
    pub state: String,
    /// `pdf`, `jpeg` or `png`, once received whole.
    pub kind: Option<String>,
    /// The file name as given.
    pub name: String,
    /// Size in bytes.
    pub size: i64,
    /// SHA-256, hex.
    pub sha256: String,
    /// Bytes received: where a resumed upload goes on.
    pub received: i64,
    /// The largest chunk a `PUT …/content` may carry.
    pub chunk_max: usize,
    /// Shown to the call's guests (an interpreter) by the clerk.
    pub shared_with_guests: bool,
}

impl From<&Document> for DocumentOut {
    fn from(d: &Document) -> Self {
        DocumentOut {
            id: d.id.0.clone(),
            origin: d.origin.as_str().into(),
            state: d.state.as_str().into(),
            kind: d.kind.map(|k| k.as_str().into()),
            name: d.name.clone(),
            size: d.size,
            sha256: d.sha256.clone(),
            received: d.received,
            chunk_max: intake::MAX_CHUNK,
            shared_with_guests: d.shared_with_guests,
        }
    }
}

fn document_out(d: &Document) -> Response {
    Json(DocumentOut::from(d)).into_response()
}

/// `GET /api/v1/calls/{booking}/documents`
#[utoipa::path(get, path = "/api/v1/calls/{booking}/documents",
    params(("booking" = String, Path, description = "The booking's ID")),
    responses((status = 200, description = "The case's documents, oldest first", body = Vec<DocumentOut>)))]
pub async fn list_documents(State(st): State<AppState>, who: CallCredential) -> Response {
    // Looking opens no case: a call page that loads is not yet a step of the case.
    let case = match case_to_read(&st, &who).await {
        Ok(Some(c)) => c,
        Ok(None) => return Json(Vec::<DocumentOut>::new()).into_response(),
        Err(r) => return r,
    };
    match document::list(&st.cases, &case).await {
        Ok(all) => Json(
            all.iter()
                .filter(|d| may_see(&who, d))
                .map(DocumentOut::from)
                .collect::<Vec<_>>(),
        )
        .into_response(),
        Err(e) => case_failed(&st, who.lang, e),
    }
}

/// `POST /api/v1/calls/{booking}/documents`
#[utoipa::path(post, path = "/api/v1/calls/{booking}/documents",
    params(("booking" = String, Path, description = "The booking's ID")),
    request_body(content = Object, description = "`{name, size, sha256}`: the file's name, its size in bytes and its SHA-256 (hex)"),
    responses(
        (status = 201, description = "The upload, at byte 0: send its bytes with `PUT …/content?start=`", body = DocumentOut),
        (status = 413, description = "`file_too_large`", body = super::api::ApiError)))]
pub async fn begin_upload(
    State(st): State<AppState>,
    who: CallCredential,
    ApiJson(_, declared): ApiJson<Declared>,
) -> Response {
    let case = match case_of(&st, &who).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let origin = if who.claims.role == Role::Clerk {
        Origin::Office
    } else {
        Origin::Citizen
    };
    match intake::begin(&st.cases, &case, origin, &declared).await {
        Ok(d) => {
            // The other side shows the upload on its way (and how far it is).
            st.hub.notify_room(&who.claims.room, "case_changed");
            (StatusCode::CREATED, Json(DocumentOut::from(&d))).into_response()
        }
        Err(e) => case_failed(&st, who.lang, e),
    }
}

/// `{booking}` and `{doc}` of a document's path.
#[derive(Deserialize)]
pub struct DocPath {
    /// Checked by [`CallCredential`] against the token.
    #[allow(dead_code)]
    booking: String,
    doc: String,
}

/// The document in the path, of the credential's case, if `who` may see it.
async fn document_of(
    st: &AppState,
    who: &CallCredential,
    doc: &str,
) -> Result<(Case, Document), Response> {
    let case = case_of(st, who).await?;
    let d = document::find(&st.cases, &case, doc)
        .await
        .map_err(|e| case_failed(st, who.lang, e))?;
    if !may_see(who, &d) {
        return Err(fail(st, who.lang, ErrorCode::NotFound));
    }
    Ok((case, d))
}

/// `GET /api/v1/calls/{booking}/documents/{doc}`
#[utoipa::path(get, path = "/api/v1/calls/{booking}/documents/{doc}",
    params(("booking" = String, Path, description = "The booking's ID"), ("doc" = String, Path, description = "The document's ID")),
    responses((status = 200, description = "The document; `received` says where a resumed upload goes on", body = DocumentOut)))]
pub async fn get_document(
    State(st): State<AppState>,
    who: CallCredential,
    Path(p): Path<DocPath>,
) -> Response {
    match document_to_read(&st, &who, &p.doc).await {
        Ok((_, d)) => document_out(&d),
        Err(r) => r,
    }
}

/// `?start=` of a chunk.
#[derive(Deserialize)]
pub struct ChunkQuery {
    start: i64,
}

/// `PUT /api/v1/calls/{booking}/documents/{doc}/content?start=N`
#[utoipa::path(put, path = "/api/v1/calls/{booking}/documents/{doc}/content",
    params(("booking" = String, Path, description = "The booking's ID"), ("doc" = String, Path, description = "The document's ID"),
        ("start" = i64, Query, description = "The offset of this chunk: the document's `received`")),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "1 byte to `chunk_max` bytes"),
    responses(
        (status = 200, description = "Stored; the document with its new `received`", body = DocumentOut),
        (status = 409, description = "`upload_offset`: send from `received`", body = super::api::ApiError)))]
pub async fn put_chunk(
    State(st): State<AppState>,
    who: CallCredential,
    Path(p): Path<DocPath>,
    Query(q): Query<ChunkQuery>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let body = match body {
        Ok(b) => b,
        Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            return fail(&st, who.lang, ErrorCode::TooLarge)
        }
        Err(_) => return fail(&st, who.lang, ErrorCode::InvalidRequest),
    };
    let (case, d) = match document_of(&st, &who, &p.doc).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    if !uploaded_by(&who, &d) {
        return fail(&st, who.lang, ErrorCode::NotFound);
    }
    match intake::put_chunk(&st.cases, &case, &d, q.start, &body).await {
        Ok(received) => {
            let mut out = DocumentOut::from(&d);
            out.received = received;
            Json(out).into_response()
        }
        Err(e) => case_failed(&st, who.lang, e),
    }
}

/// Whether `who` sent `doc` (only the sender adds bytes or completes it).
fn uploaded_by(who: &CallCredential, d: &Document) -> bool {
    match who.claims.role {
        Role::Clerk => d.origin == Origin::Office,
        _ => d.origin == Origin::Citizen,
    }
}

/// `POST /api/v1/calls/{booking}/documents/{doc}/complete`
#[utoipa::path(post, path = "/api/v1/calls/{booking}/documents/{doc}/complete",
    params(("booking" = String, Path, description = "The booking's ID"), ("doc" = String, Path, description = "The document's ID")),
    responses(
        (status = 200, description = "Received whole and accepted", body = DocumentOut),
        (status = 409, description = "`upload_incomplete`: bytes are missing", body = super::api::ApiError),
        (status = 415, description = "`file_type`: not a PDF, JPEG or PNG; nothing is kept", body = super::api::ApiError),
        (status = 422, description = "`checksum_mismatch` or `file_truncated`; nothing is kept", body = super::api::ApiError)))]
pub async fn complete_upload(
    State(st): State<AppState>,
    who: CallCredential,
    Path(p): Path<DocPath>,
) -> Response {
    let (case, d) = match document_of(&st, &who, &p.doc).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    if !uploaded_by(&who, &d) {
        return fail(&st, who.lang, ErrorCode::NotFound);
    }
    match intake::complete(&st.cases, &case, &d, &who.actor()).await {
        Ok(done) => {
            st.hub.notify_room(&who.claims.room, "case_changed");
            document_out(&done)
        }
        Err(e) => case_failed(&st, who.lang, e),
    }
}

/// `GET /api/v1/calls/{booking}/documents/{doc}/content`
#[utoipa::path(get, path = "/api/v1/calls/{booking}/documents/{doc}/content",
    params(("booking" = String, Path, description = "The booking's ID"), ("doc" = String, Path, description = "The document's ID")),
    responses((status = 200, description = "The document's bytes, as received", content_type = "application/octet-stream")))]
pub async fn get_content(
    State(st): State<AppState>,
    who: CallCredential,
    Path(p): Path<DocPath>,
) -> Response {
    let (case, d) = match document_to_read(&st, &who, &p.doc).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    if d.kind.is_none() {
        return fail(&st, who.lang, ErrorCode::WrongState);
    }
    match document::content(&st.cases, &case, &d, &who.actor()).await {
        Ok(bytes) => file_response(&d, bytes),
        Err(e) => case_failed(&st, who.lang, e),
    }
}

/// Keeps or discards `doc` (the clerk, as [`CallClerk`] has checked).
async fn decide(st: AppState, who: CallCredential, doc: String, decision: Decision) -> Response {
    let (case, d) = match document_of(&st, &who, &doc).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    match document::decide(&st.cases, &case, &d, decision, &who.actor()).await {
        Ok(done) => {
            st.hub.notify_room(&who.claims.room, "case_changed");
            document_out(&done)
        }
        Err(e) => case_failed(&st, who.lang, e),
    }
}

/// `POST /api/v1/calls/{booking}/documents/{doc}/keep`
#[utoipa::path(post, path = "/api/v1/calls/{booking}/documents/{doc}/keep",
    params(("booking" = String, Path, description = "The booking's ID"), ("doc" = String, Path, description = "The document's ID")),
    responses((status = 200, description = "Kept in the case (clerk only)", body = DocumentOut)))]
pub async fn keep(
    State(st): State<AppState>,
    CallClerk(who): CallClerk,
    Path(p): Path<DocPath>,
) -> Response {
    decide(st, who, p.doc, Decision::Keep).await
}

/// `POST /api/v1/calls/{booking}/documents/{doc}/discard`
#[utoipa::path(post, path = "/api/v1/calls/{booking}/documents/{doc}/discard",
    params(("booking" = String, Path, description = "The booking's ID"), ("doc" = String, Path, description = "The document's ID")),
    responses((status = 200, description = "Discarded, its bytes erased (clerk only)", body = DocumentOut)))]
pub async fn discard(
    State(st): State<AppState>,
    CallClerk(who): CallClerk,
    Path(p): Path<DocPath>,
) -> Response {
    decide(st, who, p.doc, Decision::Discard).await
}

/// `{note}`: the clerk's note on the appointment.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoteIn {
    /// Up to 2000 characters; empty clears it.
    pub note: String,
}

/// `PUT /api/v1/calls/{booking}/note`
#[utoipa::path(put, path = "/api/v1/calls/{booking}/note",
    params(("booking" = String, Path, description = "The booking's ID")),
    request_body = NoteIn,
    responses((status = 204, description = "Saved, sealed at rest; the console shows the same note (clerk only)")))]
pub async fn put_note(
    State(st): State<AppState>,
    CallClerk(who): CallClerk,
    ApiJson(_, body): ApiJson<NoteIn>,
) -> Response {
    match booking::set_note(&st.db, &st.vault, &who.claims.booking, &body.note).await {
        Ok(true) => StatusCode::NO_CONTENT.into_response(),
        Ok(false) => fail(&st, who.lang, ErrorCode::NotFound),
        Err(e) => internal(&st, who.lang, &e),
    }
}

/// `{shared}` of a share request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ShareIn {
    /// Whether the call's guests see the document.
    pub shared: bool,
}

/// `POST /api/v1/calls/{booking}/documents/{doc}/share`
#[utoipa::path(post, path = "/api/v1/calls/{booking}/documents/{doc}/share",
    params(("booking" = String, Path, description = "The booking's ID"), ("doc" = String, Path, description = "The document's ID")),
    request_body = ShareIn,
    responses((status = 200, description = "Shown to the call's guests, or no longer (clerk only)", body = DocumentOut)))]
pub async fn share(
    State(st): State<AppState>,
    CallClerk(who): CallClerk,
    Path(p): Path<DocPath>,
    ApiJson(_, body): ApiJson<ShareIn>,
) -> Response {
    let (case, d) = match document_of(&st, &who, &p.doc).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    match document::share(&st.cases, &case, &d, body.shared, &who.actor()).await {
        Ok(done) => {
            st.hub.notify_room(&who.claims.room, "case_changed");
            document_out(&done)
        }
        Err(e) => case_failed(&st, who.lang, e),
    }
}

/// `{method}` of an identity request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IdentityRequestIn {
    /// `id_card` or `passport`: the document the citizen is asked to show.
    #[schema(value_type = String)]
    pub method: identity::Method,
}

/// `POST /api/v1/calls/{booking}/identity/request`
#[utoipa::path(post, path = "/api/v1/calls/{booking}/identity/request",
    params(("booking" = String, Path, description = "The booking's ID")),
    request_body = IdentityRequestIn,
    responses(
        (status = 200, description = "Asked; the citizen's page walks them through showing it (clerk only)", body = IdentityStatusOut),
        (status = 422, description = "`invalid_request`: security questions are asked in the call, not shown", body = super::api::ApiError)))]
pub async fn request_identity(
    State(st): State<AppState>,
    CallClerk(who): CallClerk,
    ApiJson(_, body): ApiJson<IdentityRequestIn>,
) -> Response {
    if body.method == identity::Method::SecurityQuestions {
        return fail(&st, who.lang, ErrorCode::InvalidRequest);
    }
    let case = match case_of(&st, &who).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    if let Err(e) = identity::request(&st.cases, &case, &who.actor(), body.method).await {
        return case_failed(&st, who.lang, e);
    }
    st.hub.notify_room(&who.claims.room, "case_changed");
    identity_out(&st, &who, Some(case)).await
}

/// Where the guided identity check stands.
#[derive(Debug, Serialize, ToSchema)]
pub struct IdentityStatusOut {
    /// `id_card` or `passport` while the citizen is asked to show one, else null.
    #[schema(value_type = Option<String>)]
    pub requested: Option<identity::Method>,
    /// When it was asked for.
    pub requested_at: Option<chrono::DateTime<chrono::Utc>>,
    /// `confirmed` or `failed`, once recorded.
    #[schema(value_type = Option<String>)]
    pub outcome: Option<identity::Outcome>,
}

/// `GET /api/v1/calls/{booking}/identity`
#[utoipa::path(get, path = "/api/v1/calls/{booking}/identity",
    params(("booking" = String, Path, description = "The booking's ID")),
    responses((status = 200, description = "Whether the citizen is asked to show an identity document, and the outcome once recorded (citizen and clerk)", body = IdentityStatusOut)))]
pub async fn get_identity(State(st): State<AppState>, who: CallCredential) -> Response {
    if !matches!(who.claims.role, Role::Citizen | Role::Clerk) {
        return fail(&st, who.lang, ErrorCode::NotInCall);
    }
    match case_to_read(&st, &who).await {
        Ok(case) => identity_out(&st, &who, case).await,
        Err(r) => r,
    }
}

async fn identity_out(st: &AppState, who: &CallCredential, case: Option<Case>) -> Response {
    let Some(case) = case else {
        return Json(IdentityStatusOut {
            requested: None,
            requested_at: None,
            outcome: None,
        })
        .into_response();
    };
    match identity::status(&st.cases, &case).await {
        Ok(s) => Json(IdentityStatusOut {
            requested: s.requested,
            requested_at: s.requested_at,
            outcome: s.outcome,
        })
        .into_response(),
        Err(e) => case_failed(st, who.lang, e),
    }
}

/// `POST /api/v1/calls/{booking}/identity`
#[utoipa::path(post, path = "/api/v1/calls/{booking}/identity",
    params(("booking" = String, Path, description = "The booking's ID")),
    request_body(content = Object, description = "`{method: id_card|passport|security_questions, checks: [photo_matches, security_feature_visible, valid, name_matches, questions_answered], outcome: confirmed|failed}`"),
    responses(
        (status = 200, description = "Recorded (clerk only)", body = CaseOut),
        (status = 422, description = "`identity_incomplete`: a confirmation without its method's whole checklist", body = super::api::ApiError)))]
pub async fn record_identity(
    State(st): State<AppState>,
    CallClerk(who): CallClerk,
    ApiJson(_, check): ApiJson<IdentityCheck>,
) -> Response {
    let case = match case_of(&st, &who).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    if let Err(e) = identity::record(&st.cases, &case, &who.actor(), &check).await {
        return case_failed(&st, who.lang, e);
    }
    st.hub.notify_room(&who.claims.room, "case_changed");
    case_out(&st, &who).await
}

/// The case record as the clerk sees it: the identity check and the timeline.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseOut {
    /// `CS_…`
    pub id: String,
    /// The identity check, once recorded.
    #[schema(value_type = Option<Object>)]
    pub identity: Option<IdentityCheck>,
    /// Every step, oldest first: `seq`, `at`, `actor`, `event`, `detail` (JSON text).
    #[schema(value_type = Vec<Object>)]
    pub timeline: Vec<vamt_documents::audit::Entry>,
}

/// `GET /api/v1/calls/{booking}/case`
#[utoipa::path(get, path = "/api/v1/calls/{booking}/case",
    params(("booking" = String, Path, description = "The booking's ID")),
    responses((status = 200, description = "The case's identity check and timeline (clerk only)", body = CaseOut)))]
pub async fn get_case(State(st): State<AppState>, CallClerk(who): CallClerk) -> Response {
    case_out(&st, &who).await
}

async fn case_out(st: &AppState, who: &CallCredential) -> Response {
    let case = match case_of(st, who).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    match vamt_documents::audit::entries(&st.cases.db, &case.id.0).await {
        Ok(timeline) => Json(CaseOut {
            id: case.id.0.clone(),
            identity: case.identity.clone(),
            timeline,
        })
        .into_response(),
        Err(e) => internal(st, who.lang, &e),
    }
}

/// The page route of the download links in result mails.
pub(crate) fn page_routes() -> Router<AppState> {
    Router::new().route("/documents/{doc}/download", get(download_by_link))
}

/// This feature's routes.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/calls/{booking}/token", post(citizen_token))
        .route("/api/v1/calls/{booking}/clerk-token", post(clerk_token))
        .route("/api/v1/calls/{booking}/token/refresh", post(refresh_token))
        .route(
            "/api/v1/calls/{booking}/documents",
            get(list_documents).post(begin_upload),
        )
        .route("/api/v1/calls/{booking}/documents/{doc}", get(get_document))
        .route(
            "/api/v1/calls/{booking}/documents/{doc}/content",
            get(get_content).put(put_chunk),
        )
        .route(
            "/api/v1/calls/{booking}/documents/{doc}/complete",
            post(complete_upload),
        )
        .route("/api/v1/calls/{booking}/documents/{doc}/keep", post(keep))
        .route(
            "/api/v1/calls/{booking}/documents/{doc}/discard",
            post(discard),
        )
        .route(
            "/api/v1/calls/{booking}/documents/{doc}/signature",
            post(request_signature),
        )
        .route(
            "/api/v1/calls/{booking}/documents/{doc}/deliver",
            post(deliver),
        )
        .route("/api/v1/calls/{booking}/signatures", get(list_signatures))
        .route(
            "/api/v1/calls/{booking}/signatures/{sig}/read",
            post(confirm_read),
        )
        .route(
            "/api/v1/calls/{booking}/signatures/{sig}/tan",
            post(send_tan),
        )
        .route("/api/v1/calls/{booking}/signatures/{sig}/sign", post(sign))
        .route("/api/v1/calls/{booking}/invites", post(invite))
        .route(
            "/api/v1/calls/{booking}/invites/{invite}",
            axum::routing::delete(revoke_invite),
        )
        .route(
            "/api/v1/calls/{booking}/identity",
            post(record_identity).get(get_identity),
        )
        .route("/api/v1/calls/{booking}/note", axum::routing::put(put_note))
        .route(
            "/api/v1/calls/{booking}/identity/request",
            post(request_identity),
        )
        .route("/api/v1/calls/{booking}/documents/{doc}/share", post(share))
        .route("/api/v1/calls/{booking}/case", get(get_case))
}

/// `POST /api/v1/calls/{booking}/documents/{doc}/signature`
#[utoipa::path(post, path = "/api/v1/calls/{booking}/documents/{doc}/signature",
    params(("booking" = String, Path, description = "The booking's ID"), ("doc" = String, Path, description = "The document's ID")),
    responses(
        (status = 200, description = "The citizen is asked to sign this PDF (clerk only)", body = Object),
        (status = 409, description = "`wrong_state`: not a whole PDF of the case", body = super::api::ApiError)))]
pub async fn request_signature(
    State(st): State<AppState>,
    CallClerk(who): CallClerk,
    Path(p): Path<DocPath>,
) -> Response {
    let (case, d) = match document_of(&st, &who, &p.doc).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    match signature::request(&st.cases, &case, &d, &who.actor()).await {
        Ok(s) => {
            st.hub.notify_room(&who.claims.room, "case_changed");
            Json(s).into_response()
        }
        Err(e) => case_failed(&st, who.lang, e),
    }
}

/// `GET /api/v1/calls/{booking}/signatures`
#[utoipa::path(get, path = "/api/v1/calls/{booking}/signatures",
    params(("booking" = String, Path, description = "The booking's ID")),
    responses((status = 200, description = "The case's signature requests: `id`, `document_id`, `state` (requested, signed, withdrawn), `method`, `sha256_before`, `read_at`, `signed_at`, `signed_document_id`", body = Vec<Object>)))]
pub async fn list_signatures(State(st): State<AppState>, who: CallCredential) -> Response {
    if !matches!(who.claims.role, Role::Citizen | Role::Clerk) {
        return fail(&st, who.lang, ErrorCode::NotInCall);
    }
    let case = match case::of_booking(&st.cases, &who.claims.booking).await {
        Ok(Some(c)) => c,
        Ok(None) => return Json(Vec::<signature::Signature>::new()).into_response(),
        Err(e) => return case_failed(&st, who.lang, e),
    };
    match signature::list(&st.cases, &case).await {
        Ok(all) => Json(all).into_response(),
        Err(e) => case_failed(&st, who.lang, e),
    }
}

/// `{booking}` and `{sig}` of a signature's path.
#[derive(Deserialize)]
pub struct SigPath {
    /// Checked by [`CallCredential`] against the token.
    #[allow(dead_code)]
    booking: String,
    sig: String,
}

/// `POST /api/v1/calls/{booking}/signatures/{sig}/read`
#[utoipa::path(post, path = "/api/v1/calls/{booking}/signatures/{sig}/read",
    params(("booking" = String, Path, description = "The booking's ID"), ("sig" = String, Path, description = "The signature request's ID")),
    responses((status = 200, description = "The citizen confirmed having read the document (citizen only)", body = Object)))]
pub async fn confirm_read(
    State(st): State<AppState>,
    CallCitizen(who): CallCitizen,
    Path(p): Path<SigPath>,
) -> Response {
    let case = match case_of(&st, &who).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    match signature::confirm_read(&st.cases, &case, &p.sig, &who.actor()).await {
        Ok(s) => {
            st.hub.notify_room(&who.claims.room, "case_changed");
            Json(s).into_response()
        }
        Err(e) => case_failed(&st, who.lang, e),
    }
}

/// `POST /api/v1/calls/{booking}/signatures/{sig}/tan`
#[utoipa::path(post, path = "/api/v1/calls/{booking}/signatures/{sig}/tan",
    params(("booking" = String, Path, description = "The booking's ID"), ("sig" = String, Path, description = "The signature request's ID")),
    responses((status = 202, description = "A TAN went to the booking's e-mail address, valid ten minutes (citizen only)")))]
pub async fn send_tan(
    State(st): State<AppState>,
    CallCitizen(who): CallCitizen,
    Path(p): Path<SigPath>,
) -> Response {
    let case = match case_of(&st, &who).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let booking = match who.booking(&st).await {
        Ok(b) => b,
        Err(r) => return r,
    };
    match signature::issue_tan(&st.cases, &case, &p.sig, &who.actor()).await {
        Ok(tan) => {
            vamt_booking::notify::send_tan(
                &st,
                &booking,
                &tan,
                signature::TAN_VALIDITY.num_minutes(),
            )
            .await;
            StatusCode::ACCEPTED.into_response()
        }
        Err(e) => case_failed(&st, who.lang, e),
    }
}

/// What signing answers: the request, now signed, and the signed document.
#[derive(Debug, Serialize, ToSchema)]
pub struct SignedOut {
    /// The signature request.
    #[schema(value_type = Object)]
    pub signature: signature::Signature,
    /// The signed (and sealed) document, kept in the case.
    pub document: DocumentOut,
}

/// `POST /api/v1/calls/{booking}/signatures/{sig}/sign`
#[utoipa::path(post, path = "/api/v1/calls/{booking}/signatures/{sig}/sign",
    params(("booking" = String, Path, description = "The booking's ID"), ("sig" = String, Path, description = "The signature request's ID")),
    request_body(content = Object, description = "`{method: \"drawn\", strokes: [[[x, y], …], …]}` (points in the unit square) or `{method: \"tan\", tan: \"123456\"}`"),
    responses(
        (status = 200, description = "Signed; the signed document is in the case (citizen only)", body = SignedOut),
        (status = 422, description = "`signature_refused`: not read yet, a drawing off the pad, a wrong or expired TAN", body = super::api::ApiError)))]
pub async fn sign(
    State(st): State<AppState>,
    CallCitizen(who): CallCitizen,
    Path(p): Path<SigPath>,
    ApiJson(Lang(lang), how): ApiJson<signature::How>,
) -> Response {
    let case = match case_of(&st, &who).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let booking = match who.booking(&st).await {
        Ok(b) => b,
        Err(r) => return r,
    };
    let pending = match signature::find(&st.cases, &case, &p.sig).await {
        Ok(s) => s,
        Err(e) => return case_failed(&st, lang, e),
    };
    let wording = wording(&st, lang, &booking, &pending, &how);
    match signature::sign(&st.cases, &case, &p.sig, &how, &wording, &who.actor()).await {
        Ok((signature, document)) => {
            st.hub.notify_room(&who.claims.room, "case_changed");
            Json(SignedOut {
                signature,
                document: DocumentOut::from(&document),
            })
            .into_response()
        }
        Err(e) => case_failed(&st, lang, e),
    }
}

/// The signature page's lines in `lang`.
fn wording(
    st: &AppState,
    lang: &str,
    booking: &vamt_booking::booking::Booking,
    pending: &signature::Signature,
    how: &signature::How,
) -> signature::Wording {
    use fluent_bundle::FluentArgs;
    let (date, time) = super::page::local_date_time(st, lang, st.now());
    let mut args = FluentArgs::new();
    args.set("name", booking.citizen_name.clone());
    args.set("date", date);
    args.set("time", time);
    args.set("sha256", pending.sha256_before.clone());
    let how_key = match how {
        signature::How::Drawn { .. } => "signed-how-drawn",
        signature::How::Tan { .. } => "signed-how-tan",
    };
    signature::Wording {
        signer: booking.citizen_name.clone(),
        lines: [
            "signed-title",
            "signed-by",
            "signed-at",
            how_key,
            "signed-sha256",
        ]
        .iter()
        .map(|k| st.i18n.t(lang, k, Some(&args)))
        .collect(),
        file_name: format!("{}-signed.pdf", pending.document_id),
    }
}

/// How a result goes out.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeliverIn {
    /// `download` or `post`.
    #[schema(value_type = String)]
    pub method: vamt_documents::delivery::Method,
}

/// `POST /api/v1/calls/{booking}/documents/{doc}/deliver`
#[utoipa::path(post, path = "/api/v1/calls/{booking}/documents/{doc}/deliver",
    params(("booking" = String, Path, description = "The booking's ID"), ("doc" = String, Path, description = "The document's ID")),
    request_body = DeliverIn,
    responses(
        (status = 200, description = "Recorded; the citizen gets an e-mail (with the download link, valid `documents.download_days`) (clerk only)", body = Object),
        (status = 409, description = "`wrong_state`: only a kept document of the office goes out", body = super::api::ApiError)))]
pub async fn deliver(
    State(st): State<AppState>,
    CallClerk(who): CallClerk,
    Path(p): Path<DocPath>,
    ApiJson(_, body): ApiJson<DeliverIn>,
) -> Response {
    let (case, d) = match document_of(&st, &who, &p.doc).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let booking = match who.booking(&st).await {
        Ok(b) => b,
        Err(r) => return r,
    };
    match vamt_documents::delivery::record(&st.cases, &case, &d, body.method, &who.actor()).await {
        Ok((delivery, key)) => {
            let link = key.zip(delivery.link_expires_at).map(|(k, until)| {
                (
                    st.settings
                        .link(&["documents", &d.id.0, "download"], &[("key", &k)]),
                    until,
                )
            });
            vamt_booking::notify::send_result(&st, &booking, &d.name, link).await;
            st.hub.notify_room(&who.claims.room, "case_changed");
            Json(delivery).into_response()
        }
        Err(e) => case_failed(&st, who.lang, e),
    }
}

#[derive(Deserialize)]
pub struct LinkQuery {
    key: String,
}

/// `GET /documents/{doc}/download?key=K`: a result by the link in its e-mail, until the link
/// expires. A page route: a wrong or expired link gets the error page.
pub async fn download_by_link(
    State(st): State<AppState>,
    Path(doc): Path<String>,
    Query(q): Query<LinkQuery>,
    Lang(lang): Lang,
) -> Response {
    match vamt_documents::delivery::download(&st.cases, &doc, &q.key).await {
        Ok((d, bytes)) => file_response(&d, bytes),
        Err(CaseError::Delivery(_)) | Err(CaseError::NotFound) | Err(CaseError::Erased) => {
            super::page::error_page(&st, lang, crate::page::PageError::LinkRefused)
        }
        Err(e) => super::page::internal(&st, lang, &e),
    }
}

/// A document's bytes as a download, never shown as a page of the portal.
fn file_response(d: &Document, bytes: Vec<u8>) -> Response {
    let kind = d.kind.unwrap_or(vamt_documents::kind::FileKind::Pdf);
    (
        [
            (header::CONTENT_TYPE, kind.media_type().to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}.{}\"", d.id, kind.as_str()),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; sandbox".to_owned(),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// A guest to invite into this call.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InviteIn {
    /// `interpreter` (hears and speaks) or `observer` (follows only).
    #[schema(value_type = String)]
    pub role: vamt_booking::invite::GuestRole,
    /// The guest's name, as the others will see it.
    pub name: String,
}

/// An invitation: the link to hand the guest.
#[derive(Debug, Serialize, ToSchema)]
pub struct InviteOut {
    /// `IV_…`
    pub id: String,
    /// The guest's join link; it works until `expires_at` or until withdrawn.
    pub url: String,
    /// Until when.
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

/// `POST /api/v1/calls/{booking}/invites`
#[utoipa::path(post, path = "/api/v1/calls/{booking}/invites",
    params(("booking" = String, Path, description = "The booking's ID")),
    request_body = InviteIn,
    responses(
        (status = 201, description = "The guest's link (clerk only); the guest waits in the waiting room until admitted", body = InviteOut),
        (status = 422, description = "`invalid_name`", body = super::api::ApiError)))]
pub async fn invite(
    State(st): State<AppState>,
    CallClerk(who): CallClerk,
    ApiJson(_, body): ApiJson<InviteIn>,
) -> Response {
    let Actor::Clerk(clerk) = who.actor() else {
        return fail(&st, who.lang, ErrorCode::ClerkOnly);
    };
    let booking = match who.booking(&st).await {
        Ok(b) => b,
        Err(r) => return r,
    };
    let made = vamt_booking::invite::create(
        &st.db,
        &st.vault,
        &booking,
        body.role,
        &body.name,
        clerk,
        st.now(),
    )
    .await;
    match made {
        Ok((inv, key)) => {
            tracing::info!(booking = %booking.id, invite = %inv.id, role = inv.role.as_str(), "guest invited into a call");
            (
                StatusCode::CREATED,
                Json(InviteOut {
                    url: st.settings.link(
                        &["call", &booking.id, "guest"],
                        &[("invite", &inv.id), ("key", &key)],
                    ),
                    id: inv.id,
                    expires_at: inv.expires_at,
                }),
            )
                .into_response()
        }
        Err(vamt_booking::booking::BookingError::InvalidName) => {
            fail(&st, who.lang, ErrorCode::InvalidName)
        }
        Err(e) => internal(&st, who.lang, &e),
    }
}

/// `{booking}` and `{invite}` of an invitation's path.
#[derive(Deserialize)]
pub struct InvitePath {
    /// Checked by [`CallCredential`] against the token.
    #[allow(dead_code)]
    booking: String,
    invite: String,
}

/// `DELETE /api/v1/calls/{booking}/invites/{invite}`
#[utoipa::path(delete, path = "/api/v1/calls/{booking}/invites/{invite}",
    params(("booking" = String, Path, description = "The booking's ID"), ("invite" = String, Path, description = "The invitation's ID")),
    responses(
        (status = 204, description = "Withdrawn: the link no longer works (clerk only)"),
        (status = 404, description = "`not_found`", body = super::api::ApiError)))]
pub async fn revoke_invite(
    State(st): State<AppState>,
    CallClerk(who): CallClerk,
    Path(p): Path<InvitePath>,
) -> Response {
    match vamt_booking::invite::revoke(&st.db, &who.claims.booking, &p.invite, st.now()).await {
        Ok(true) => StatusCode::NO_CONTENT.into_response(),
        Ok(false) => fail(&st, who.lang, ErrorCode::NotFound),
        Err(e) => internal(&st, who.lang, &e),
    }
}
