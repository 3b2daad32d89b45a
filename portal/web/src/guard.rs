//! Access as extractors (issue 19): a clerk page takes a [`SignedIn`] argument, an admin
//! page an [`Admin`] one. The session is read here and nowhere else, so a handler without
//! the argument has no clerk to work with, and the answer to everyone else (the sign-in,
//! 403, the error page) is the same on every route.
//!
//! Both run before the handler's own arguments are parsed (they come right after `State`):
//! a request without a session learns nothing of what its path or form would have done.
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};

use super::page::{cookie, error_page, internal, lang, query_lang};
use crate::page::PageError;
use crate::AppState;
use vamt_booking::clerk::{self, Clerk};

/// The clerk whose session cookie this request carries.
pub struct SignedIn(pub Clerk);

/// A signed-in clerk with the admin role.
pub struct Admin(pub Clerk);

/// The signed-in clerk of this request, if any.
async fn current_clerk(st: &AppState, headers: &HeaderMap) -> Result<Option<Clerk>, sqlx::Error> {
    match cookie(headers, super::clerk::COOKIE) {
        Some(token) => clerk::session(&st.db, &token, st.now()).await,
        None => Ok(None),
    }
}

/// The language of a refusal. A form's hidden `lang` field is in the body, which an
/// extractor of parts cannot read; the query, the remembered choice (every explicit choice
/// is remembered, see `remember_language`) and `Accept-Language` are.
fn request_lang(parts: &Parts) -> &'static str {
    lang(query_lang(&parts.uri), &parts.headers)
}

/// The signed-in clerk, or the answer for everyone else: the sign-in without a session,
/// the error page when the session cannot be looked up.
async fn signed_in(parts: &Parts, st: &AppState) -> Result<Clerk, Response> {
    match current_clerk(st, &parts.headers).await {
        Ok(Some(c)) => Ok(c),
        Ok(None) => Err(Redirect::to("/clerk/login").into_response()),
        Err(e) => Err(internal(st, request_lang(parts), &e)),
    }
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, Response> {
        signed_in(parts, st).await.map(SignedIn)
    }
}

impl FromRequestParts<AppState> for Admin {
    type Rejection = Response;

    /// As [`SignedIn`], and 403 for a clerk without the role.
    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, Response> {
        let c = signed_in(parts, st).await?;
        if c.is_admin {
            Ok(Admin(c))
        } else {
            Err(error_page(st, request_lang(parts), PageError::AdminOnly))
        }
    }
}
