//! The waiting-list pages: joining for a service (when no time suits), and the withdraw
//! link from the mail. Work without JavaScript.
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use minijinja::context;
use serde::Deserialize;

use super::door::{admit, ClientAddr, Refusal};
use super::page::{error_page, internal, render};
use crate::page::{Lang, LangForm, PageError};
use crate::AppState;
use vamt_booking::booking::{self, BookingError, Service};
use vamt_booking::waitlist::{self, WaitlistError};

#[derive(Deserialize)]
pub struct JoinForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    altcha: String,
}

#[allow(clippy::too_many_arguments)]
fn page(
    st: &AppState,
    lang: &str,
    status: StatusCode,
    service: &Service,
    state: &str,
    error: Option<&str>,
    filled: Option<&JoinForm>,
    position: i64,
) -> Response {
    let name = st.i18n.t(lang, &format!("service-{}", service.slug), None);
    render(
        st,
        status,
        lang,
        "waitlist.html",
        &format!("/book/{}/waitlist", service.slug),
        context! {
            slug => service.slug,
            service => name,
            state => state,
            error => error,
            name_invalid => error == Some("error-name"),
            email_invalid => error == Some("error-email"),
            name => filled.map(|f| f.name.clone()).unwrap_or_default(),
            email => filled.map(|f| f.email.clone()).unwrap_or_default(),
            position => position,
        },
    )
}

async fn service(st: &AppState, slug: &str) -> Result<Option<Service>, sqlx::Error> {
    Ok(booking::service(&st.db, slug)
        .await?
        .filter(|s| s.virtual_ok))
}

/// `GET /book/{service}/waitlist`
pub async fn form(
    State(st): State<AppState>,
    Path(slug): Path<String>,
    Lang(lang): Lang,
) -> Response {
    match service(&st, &slug).await {
        Ok(Some(s)) => page(&st, lang, StatusCode::OK, &s, "form", None, None, 0),
        Ok(None) => error_page(&st, lang, PageError::NotFound),
        Err(e) => internal(&st, lang, &e),
    }
}

/// `POST /book/{service}/waitlist`
pub async fn join(
    State(st): State<AppState>,
    client: ClientAddr,
    Path(slug): Path<String>,
    LangForm(Lang(lang), f): LangForm<JoinForm>,
) -> Response {
    let s = match service(&st, &slug).await {
        Ok(Some(s)) => s,
        Ok(None) => return error_page(&st, lang, PageError::NotFound),
        Err(e) => return internal(&st, lang, &e),
    };
    let refuse = |status, key| page(&st, lang, status, &s, "form", Some(key), Some(&f), 0);
    let admission = match admit(&st, client, Some(&f.altcha)).await {
        Ok(a) => a,
        Err(Refusal::ProofInvalid) => {
            return refuse(StatusCode::UNPROCESSABLE_ENTITY, "error-proof-invalid")
        }
        Err(Refusal::ProofNeeded) => {
            return refuse(StatusCode::TOO_MANY_REQUESTS, "error-proof-needed")
        }
        Err(Refusal::TooMany) => {
            return refuse(StatusCode::TOO_MANY_REQUESTS, "error-too-many-attempts")
        }
        Err(Refusal::TooManyHolds) => {
            return refuse(StatusCode::TOO_MANY_REQUESTS, "error-too-many-holds")
        }
        Err(Refusal::Internal) => return error_page(&st, lang, PageError::Internal),
    };
    match waitlist::join(&st.db, &st.vault, &s, &f.name, &f.email, lang, st.now()).await {
        Ok(joined) => {
            admission.held();
            st.office.metrics.waitlist_joined.inc();
            tracing::info!(entry = %joined.id, service = %s.slug, "waiting list joined");
            vamt_booking::notify::send_waitlist_joined(&st, &s, &joined).await;
            page(
                &st,
                lang,
                StatusCode::OK,
                &s,
                "joined",
                None,
                None,
                joined.position,
            )
        }
        Err(WaitlistError::Booking(BookingError::InvalidName)) => {
            refuse(StatusCode::UNPROCESSABLE_ENTITY, "error-name")
        }
        Err(WaitlistError::Booking(BookingError::InvalidEmail)) => {
            refuse(StatusCode::UNPROCESSABLE_ENTITY, "error-email")
        }
        Err(WaitlistError::AlreadyWaiting) => refuse(StatusCode::CONFLICT, "waitlist-already"),
        Err(e) => internal(&st, lang, &e),
    }
}

#[derive(Deserialize)]
pub struct KeyQuery {
    #[serde(default)]
    key: String,
}

fn withdraw_page(st: &AppState, lang: &str, id: &str, key: &str, state: &str) -> Response {
    render(
        st,
        StatusCode::OK,
        lang,
        "waitlist_withdraw.html",
        &super::page::with_key(&format!("/waitlist/{id}/withdraw"), key),
        context! { id => id, key => key, state => state },
    )
}

/// `GET /waitlist/{id}/withdraw?key=`: asks (mail scanners open links).
pub async fn withdraw_form(
    State(st): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<KeyQuery>,
    Lang(lang): Lang,
) -> Response {
    withdraw_page(&st, lang, &id, &q.key, "ask")
}

/// `POST /waitlist/{id}/withdraw`
pub async fn withdraw(
    State(st): State<AppState>,
    Path(id): Path<String>,
    LangForm(Lang(lang), f): LangForm<KeyQuery>,
) -> Response {
    match waitlist::withdraw(&st.db, &id, &f.key).await {
        Ok(true) => withdraw_page(&st, lang, &id, "", "done"),
        Ok(false) => withdraw_page(&st, lang, &id, "", "gone"),
        Err(e) => internal(&st, lang, &e),
    }
}

/// This feature's routes.
pub(crate) fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route(
            "/book/{service}/waitlist",
            axum::routing::get(form).post(join),
        )
        .route(
            "/waitlist/{id}/withdraw",
            axum::routing::get(withdraw_form).post(withdraw),
        )
}
