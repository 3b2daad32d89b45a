//! Cross-origin protection for every form and API call that changes something: a page on
//! another site cannot make a citizen's or a clerk's browser book, cancel, sign in or
//! change the catalogue. The clerk's cookie is `SameSite=Strict` already; this also covers
//! sites on the same registrable domain (another service of the city) and browsers that
//! ignore `SameSite`, without tokens in every form.
//!
//! The rule is the one browsers make easy (as Go's `http.CrossOriginProtection`): a
//! browser says where a request comes from in `Sec-Fetch-Site`; older ones send `Origin`.
//! A request with neither is not from a browser page (curl, the payment provider's
//! callback, a test) and passes: it carries no ambient credentials of a citizen.
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method};
use axum::middleware::Next;
use axum::response::Response;

use crate::page::PageError;
use crate::AppState;

/// Whether a request may change state: `Err` names why not.
pub fn judge(method: &Method, headers: &HeaderMap, public_url: &str) -> Result<(), &'static str> {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return Ok(());
    }
    if let Some(site) = headers.get("sec-fetch-site") {
        // `none`: the user's own action (typed, bookmarked).
        return match site.as_bytes() {
            b"same-origin" | b"none" => Ok(()),
            _ => Err("sec-fetch-site"),
        };
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok()) else {
        return Ok(());
    };
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let origin_host = origin.split_once("://").map(|(_, h)| h);
    // Behind a proxy that rewrites Host, the public address is the one the browser saw.
    if origin_host.is_some() && origin_host == host || origin == public_url {
        Ok(())
    } else {
        Err("origin")
    }
}

/// Refuses a cross-origin request that would change state: 403 with the API's error shape
/// under `/api/`, an error page elsewhere.
pub async fn protect(State(st): State<AppState>, req: Request, next: Next) -> Response {
    let Err(by) = judge(req.method(), req.headers(), &st.settings.http.public_url) else {
        return next.run(req).await;
    };
    // The payment providers' returns and webhooks are cross-site by nature; each is checked
    // by the provider's own signature or status query instead (pay.rs).
    if crate::pay::exempt_from_origin_rule(req.uri().path()) {
        return next.run(req).await;
    }
    // Where a request came from is not personal data; the path may hold a booking ID.
    tracing::warn!(by, method = %req.method(), "cross-origin request refused");
    st.metrics.cross_origin_refused.inc();
    let lang = super::page::lang(super::page::query_lang(req.uri()), req.headers());
    if req.uri().path().starts_with("/api/") {
        super::api::fail(&st, lang, super::api::ErrorCode::CrossOrigin)
    } else {
        super::page::error_page(&st, lang, PageError::CrossOrigin)
    }
}

#[cfg(test)]
mod tests {
    use super::judge;
    use axum::http::{HeaderMap, HeaderValue, Method};

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    const PUBLIC: &str = "https://termine.example.de";

    #[test]
    fn reading_is_never_refused() {
        let h = headers(&[("sec-fetch-site", "cross-site")]);
        assert_eq!(judge(&Method::GET, &h, PUBLIC), Ok(()));
        assert_eq!(judge(&Method::HEAD, &h, PUBLIC), Ok(()));
    }

    #[test]
    fn browsers_saying_where_from_are_believed() {
        for ok in ["same-origin", "none"] {
            let h = headers(&[("sec-fetch-site", ok)]);
            assert_eq!(judge(&Method::POST, &h, PUBLIC), Ok(()), "{ok}");
        }
        for bad in ["cross-site", "same-site", "nonsense"] {
            let h = headers(&[("sec-fetch-site", bad), ("origin", PUBLIC)]);
            assert_eq!(
                judge(&Method::POST, &h, PUBLIC),
                Err("sec-fetch-site"),
                "{bad}"
            );
        }
    }

    #[test]
    fn older_browsers_are_judged_by_their_origin() {
        let same_host = headers(&[
            ("origin", "http://localhost:8080"),
            ("host", "localhost:8080"),
        ]);
        assert_eq!(judge(&Method::POST, &same_host, PUBLIC), Ok(()));
        let behind_proxy = headers(&[("origin", PUBLIC), ("host", "10.0.0.5:8080")]);
        assert_eq!(judge(&Method::POST, &behind_proxy, PUBLIC), Ok(()));
        let elsewhere = headers(&[
            ("origin", "https://evil.example"),
            ("host", "termine.example.de"),
        ]);
        assert_eq!(judge(&Method::POST, &elsewhere, PUBLIC), Err("origin"));
        let opaque = headers(&[("origin", "null"), ("host", "termine.example.de")]);
        assert_eq!(judge(&Method::DELETE, &opaque, PUBLIC), Err("origin"));
    }

    #[test]
    fn requests_not_from_a_browser_page_pass() {
        assert_eq!(judge(&Method::POST, &HeaderMap::new(), PUBLIC), Ok(()));
    }
}
