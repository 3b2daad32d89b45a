//! What every page needs: language, language links, rendering.
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use minijinja::{context, Value};
use serde::Serialize;

/// Local date and time texts of `t` in the office's time zone, in `lang`.
pub fn local_date_time(
    st: &AppState,
    lang: &str,
    t: chrono::DateTime<chrono::Utc>,
) -> (String, String) {
    vamt_portal_core::i18n::local_date_time(&st.i18n, st.settings.timezone, lang, t)
}
use crate::AppState;
use vamt_portal_core::i18n::{I18n, LANGUAGES};

/// The cookie that remembers an explicit language choice.
pub const LANG_COOKIE: &str = "vamt_lang";

/// The value of cookie `name`, if the request carries it.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
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

#[derive(Serialize)]
struct LangLink {
    code: &'static str,
    name: &'static str,
    href: String,
}

fn language_name(code: &str) -> &'static str {
    match code {
        "de" => "Deutsch",
        "en" => "English",
        _ => "?",
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
            href: format!("{path}{sep}lang={code}"),
        })
        .collect();
    let full = context! { lang => lang, languages => links, ..ctx };
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

/// An error page with a translated message.
pub fn error_page(st: &AppState, status: StatusCode, lang: &str, message_key: &str) -> Response {
    render(
        st,
        status,
        lang,
        "error.html",
        "/",
        context! { message_key => message_key },
    )
}

/// A 500 page for an unexpected failure, logged with its cause.
pub fn internal(st: &AppState, lang: &str, cause: &dyn std::fmt::Display) -> Response {
    tracing::error!(error = %cause, "request failed");
    error_page(
        st,
        StatusCode::INTERNAL_SERVER_ERROR,
        lang,
        "error-internal",
    )
}
