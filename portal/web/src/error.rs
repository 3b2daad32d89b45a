//! What the portal answers for a path it has no route for.
use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::Response;

use super::page::{error_page, lang, query_lang};
use crate::page::PageError;
use crate::AppState;

/// 404: the API's error shape under `/api/` (a program reads it), a page elsewhere.
pub async fn not_found(State(st): State<AppState>, uri: Uri, headers: HeaderMap) -> Response {
    if uri.path().starts_with("/api/") {
        return super::api::no_such_endpoint(&st, &uri, &headers);
    }
    error_page(&st, lang(query_lang(&uri), &headers), PageError::NotFound)
}
