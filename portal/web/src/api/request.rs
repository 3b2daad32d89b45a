//! What the API's requests carry, as typed values: the query and body types axum
//! deserializes into (`serde_urlencoded` for a query, `serde_json` for a body) and the
//! service list of `?services=`.
//!
//! Kept free of the rest of the portal (no `crate::` paths) so that `portal/fuzz` compiles
//! this very file into its fuzz target without building the portal's database, media and
//! TLS stack (see portal/fuzz/Cargo.toml).
use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

/// The language parameter every endpoint takes.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LangParam {
    /// `de` or `en`; else Accept-Language decides.
    pub lang: Option<String>,
}

/// Which services to search for.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SlotsQuery {
    /// One or more service slugs, comma-separated, done in one appointment.
    pub services: String,
    /// `de` or `en`.
    pub lang: Option<String>,
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

/// The booking's secret, from the links in its mails (a body field, or the query of a GET).
#[derive(Debug, Deserialize, ToSchema, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct KeyIn {
    /// The `key` of the links in the booking's mails.
    pub key: String,
    /// `de` or `en`.
    pub lang: Option<String>,
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

/// The slugs of a comma-separated list (`?services=a,b`): trimmed, empty ones left out.
pub fn split_slugs(s: &str) -> Vec<String> {
    s.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}
