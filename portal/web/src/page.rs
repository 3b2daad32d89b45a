//! What every page needs: language, language links, rendering.
use axum::body::{Body, Bytes};
use axum::extract::rejection::FormRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::Form;
use axum_extra::extract::cookie::CookieJar;
use cookie::Cookie;
use minijinja::{context, Value};
use serde::Serialize;

/// Local date and time texts of `t` in the office's time zone, in `lang`.
pub fn local_date_time(
    st: &AppState,
    lang: &str,
    t: chrono::DateTime<chrono::Utc>,
) -> (String, String) {
    st.i18n
        .local_date_time(st.settings.booking.timezone, lang, t)
}
use crate::AppState;
use vamt_portal_core::i18n::{I18n, LANGUAGES};

/// The cookie that remembers an explicit language choice.
pub const LANG_COOKIE: &str = "vamt_lang";

/// The value of cookie `name`, if the request carries it.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    CookieJar::from_headers(headers)
        .get(name)
        .map(|c| c.value().to_owned())
}

/// A `Set-Cookie` header that sets `cookie`, or clears it when its value is empty.
pub fn set_cookie(resp: &mut Response, cookie: Cookie<'_>) {
    if let Ok(v) = axum::http::HeaderValue::from_str(&cookie.to_string()) {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
}

/// The `lang` of a URL's query, as given (checked by [`lang`]).
pub fn query_lang(uri: &axum::http::Uri) -> Option<&str> {
    uri.query()?
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .find_map(|(k, v)| (k == "lang").then_some(v))
}

/// The language of a request: `?lang=` first, then the remembered choice, then
/// `Accept-Language`.
pub fn lang(query_lang: Option<&str>, headers: &HeaderMap) -> &'static str {
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok());
    let remembered = cookie(headers, LANG_COOKIE);
    let explicit = query_lang
        .filter(|l| I18n::supports(l))
        .or(remembered.as_deref());
    I18n::negotiate(explicit, accept)
}

/// The language of a request: `?lang=`, then the remembered choice, then
/// `Accept-Language`. Handlers take it as an argument and never work it out themselves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lang(pub &'static str);

impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(lang(query_lang(&parts.uri), &parts.headers)))
    }
}

/// A page's form, with the language it was sent in: its hidden `lang` field first (a page
/// shown by `?lang=` to a browser that keeps no cookie posts in that language), then as
/// [`Lang`]. The form is read as axum's `Form` reads it, with its refusals.
pub struct LangForm<T>(pub Lang, pub T);

#[derive(serde::Deserialize)]
struct FormLang {
    lang: Option<String>,
}

impl<S, T> FromRequest<S> for LangForm<T>
where
    S: Send + Sync,
    T: serde::de::DeserializeOwned + Send,
{
    type Rejection = FormRejection;

    async fn from_request(req: Request, st: &S) -> Result<Self, Self::Rejection> {
        let (parts, body) = req.into_parts();
        let bytes = Bytes::from_request(Request::from_parts(parts.clone(), body), st).await?;
        let again = |parts: &Parts| Request::from_parts(parts.clone(), Body::from(bytes.clone()));
        let Form(form) = Form::<T>::from_request(again(&parts), st).await?;
        let sent = Form::<FormLang>::from_request(again(&parts), st)
            .await
            .ok()
            .and_then(|Form(l)| l.lang);
        let query = query_lang(&parts.uri);
        Ok(Self(
            Lang(lang(sent.as_deref().or(query), &parts.headers)),
            form,
        ))
    }
}

#[derive(Serialize)]
struct LangLink {
    code: &'static str,
    name: &'static str,
    dir: &'static str,
    href: String,
}

/// A language's name in itself, as a menu of languages lists them: a reader looks for the
/// one they read.
pub fn language_name(code: &str) -> &'static str {
    match code {
        "de" => "Deutsch",
        "en" => "English",
        "fr" => "Français",
        "it" => "Italiano",
        "es" => "Español",
        "pl" => "Polski",
        "ro" => "Română",
        "bg" => "Български",
        "hr" => "Hrvatski",
        "tr" => "Türkçe",
        "ru" => "Русский",
        "uk" => "Українська",
        "ar" => "العربية",
        "fa" => "فارسی",
        "el" => "Ελληνικά",
        _ => "?",
    }
}

/// `rtl` for a language written right to left, else `ltr`: the page's `dir`.
pub fn direction(lang: &str) -> &'static str {
    if vamt_portal_core::i18n::RIGHT_TO_LEFT.contains(&lang) {
        "rtl"
    } else {
        "ltr"
    }
}

/// Renders a page; `path_and_query` is the page's own address without `lang`, for the
/// language switch.
pub fn render(
    st: &AppState,
    status: StatusCode,
    lang: &str,
    template: &str,
    path: &str,
    ctx: Value,
) -> Response {
    let sep = if path.contains('?') { '&' } else { '?' };
    let links: Vec<LangLink> = LANGUAGES
        .iter()
        .map(|code| LangLink {
            code,
            name: language_name(code),
            dir: direction(code),
            href: format!("{path}{sep}lang={code}"),
        })
        .collect();
    let full = context! { lang => lang, dir => direction(lang), languages => links, ..ctx };
    match st.templates.render(template, full) {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(template, error = %e, "template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
}

/// `path` with the link secret `key` kept, for the language switch of a page reached by a
/// link from a mail (without it, switching language would lose the key). Only keys in the
/// alphabet our links use are kept.
pub fn with_key(path: &str, key: &str) -> String {
    let url_safe = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    if key.is_empty() || !key.chars().all(url_safe) {
        path.to_owned()
    } else {
        format!("{path}?key={key}")
    }
}

/// Every failure a page answers with: one enum carries the HTTP status and the text, so
/// the two cannot disagree (the API's counterpart is `api::ErrorCode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageError {
    /// 404: no such page, booking, service or clerk.
    NotFound,
    /// 404: a link from a mail whose key is wrong (or whose booking is gone).
    LinkInvalid,
    /// 403: a call link whose key is wrong, or a call not (yet) open to it.
    LinkRefused,
    /// 400: a request that names something malformed.
    BadRequest,
    /// 403: a form sent by a page of another site.
    CrossOrigin,
    /// 403: an administration page asked by a clerk without the role.
    AdminOnly,
    /// 409: a service that cannot be done by video.
    NotVirtual,
    /// 409: the address holds as many upcoming appointments as allowed.
    TooManyForEmail,
    /// 409: the time was taken meanwhile.
    SlotTaken,
    /// 409: attendance can be marked only once the appointment has begun.
    AttendanceRefused,
    /// 500: the portal failed (logged with its cause).
    Internal,
}

impl PageError {
    /// The HTTP status of the page.
    pub fn status(self) -> StatusCode {
        match self {
            Self::NotFound | Self::LinkInvalid => StatusCode::NOT_FOUND,
            Self::LinkRefused | Self::CrossOrigin | Self::AdminOnly => StatusCode::FORBIDDEN,
            Self::BadRequest => StatusCode::BAD_REQUEST,
            Self::NotVirtual
            | Self::TooManyForEmail
            | Self::SlotTaken
            | Self::AttendanceRefused => StatusCode::CONFLICT,
            Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The text key of the page's message.
    pub fn key(self) -> &'static str {
        match self {
            // A malformed name of something is as good as no such thing to a citizen.
            Self::NotFound | Self::BadRequest => "error-not-found",
            Self::LinkInvalid | Self::LinkRefused => "error-link-invalid",
            Self::CrossOrigin => "error-cross-origin",
            Self::AdminOnly => "admin-forbidden",
            Self::NotVirtual => "error-not-virtual",
            Self::TooManyForEmail => "error-too-many-for-email",
            Self::SlotTaken => "error-slot-taken",
            Self::AttendanceRefused => "desk-attendance-refused",
            Self::Internal => "error-internal",
        }
    }
}

/// An error page with a translated message.
pub fn error_page(st: &AppState, lang: &str, error: PageError) -> Response {
    render(
        st,
        error.status(),
        lang,
        "error.html",
        "/",
        context! { message_key => error.key() },
    )
}

/// A 500 page for an unexpected failure, logged with its cause.
pub fn internal(st: &AppState, lang: &str, cause: &dyn std::fmt::Display) -> Response {
    tracing::error!(error = %cause, "request failed");
    error_page(st, lang, PageError::Internal)
}
