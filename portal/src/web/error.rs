use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use super::page::{error_page, lang};
use crate::AppState;

pub async fn not_found(State(st): State<AppState>, headers: HeaderMap) -> Response {
    error_page(
        &st,
        StatusCode::NOT_FOUND,
        lang(None, &headers),
        "error-not-found",
    )
}
