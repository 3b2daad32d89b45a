//! The page scripts and styles, compiled into the binary: nothing to build to run vamt.
use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

const ASSETS: &[(&str, &str, &str)] = &[
    (
        "call.js",
        "text/javascript; charset=utf-8",
        include_str!("../static/call.js"),
    ),
    (
        "case.js",
        "text/javascript; charset=utf-8",
        include_str!("../static/case.js"),
    ),
    (
        "pow.js",
        "text/javascript; charset=utf-8",
        include_str!("../static/pow.js"),
    ),
    // pdf.js, for the documents both sides of a call review (vendor/pdfjs/README.md).
    (
        "pdf.min.mjs",
        "text/javascript; charset=utf-8",
        include_str!("../static/vendor/pdfjs/pdf.min.mjs"),
    ),
    (
        "pdf.worker.min.mjs",
        "text/javascript; charset=utf-8",
        include_str!("../static/vendor/pdfjs/pdf.worker.min.mjs"),
    ),
    (
        "style.css",
        "text/css; charset=utf-8",
        include_str!("../static/style.css"),
    ),
];

pub async fn serve(Path(file): Path<String>) -> Response {
    match ASSETS.iter().find(|(name, _, _)| *name == file) {
        Some((_, mime, body)) => (
            [
                (header::CONTENT_TYPE, *mime),
                (header::CACHE_CONTROL, "no-cache"),
            ],
            *body,
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// Browsers ask for it on every page; a small inline icon keeps logs free of 404s.
pub async fn favicon() -> Response {
    const ICON: &str = "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'><rect width='16' height='16' rx='3' fill='#004b87'/><path d='M4 5h8v6H4z' fill='#fff'/></svg>";
    (
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "max-age=86400"),
        ],
        ICON,
    )
        .into_response()
}

/// This feature's routes.
pub(crate) fn routes() -> axum::Router<crate::AppState> {
    axum::Router::new()
        .route("/static/{file}", axum::routing::get(serve))
        .route("/favicon.ico", axum::routing::get(favicon))
}
