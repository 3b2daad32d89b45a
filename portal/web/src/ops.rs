//! Health and metrics endpoints for operators and orchestrators.
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use prometheus::{Encoder, TextEncoder};
use serde_json::json;

use crate::AppState;

/// Liveness: the process answers.
pub async fn healthz() -> &'static str {
    "ok"
}

/// Readiness: the database answers and the media socket runs.
pub async fn readyz(State(st): State<AppState>) -> Response {
    let db = sqlx::query("SELECT 1").execute(st.db.pool()).await.is_ok();
    let media = st.hub.media_ready();
    let ready = db && media && !st.hub.is_shutting_down();
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (
        status,
        Json(json!({ "ready": ready, "database": db, "media": media })),
    )
        .into_response()
}

/// Prometheus text exposition of every registered metric.
pub async fn metrics(State(st): State<AppState>) -> Response {
    let mut buf = Vec::new();
    let encoder = TextEncoder::new();
    if let Err(e) = encoder.encode(&st.registry.gather(), &mut buf) {
        tracing::error!(error = %e, "metrics encoding failed");
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    (
        [(header::CONTENT_TYPE, encoder.format_type().to_owned())],
        buf,
    )
        .into_response()
}

/// This feature's routes.
pub(crate) fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/healthz", axum::routing::get(healthz))
        .route("/readyz", axum::routing::get(readyz))
}
