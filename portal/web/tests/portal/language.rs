//! A request is answered in the language it names (issue 19: the `Lang`, `LangForm` and
//! `ApiJson` extractors replaced each handler's own reading): a form's or an API body's
//! `lang` first, then `?lang=`, then the remembered choice, then `Accept-Language`.
use crate::common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use serde_json::json;

use common::{call, get, json_request, post};

const GERMAN: &str = "Diese Seite gibt es nicht.";
const ENGLISH: &str = "This page does not exist.";

fn accepting(mut req: Request<Body>, languages: &str) -> Request<Body> {
    req.headers_mut().insert(
        header::ACCEPT_LANGUAGE,
        languages.parse().expect("header value"),
    );
    req
}

/// Whether `body` says "not found" in German (`Some(true)`), in English (`Some(false)`).
fn german(body: &str) -> Option<bool> {
    match (body.contains(GERMAN), body.contains(ENGLISH)) {
        (true, false) => Some(true),
        (false, true) => Some(false),
        _ => None,
    }
}

#[tokio::test]
async fn a_page_is_in_the_language_the_request_names() {
    let stack = common::start(common::monday_morning(), json!({})).await;
    let cases = [
        (
            "Accept-Language alone",
            accepting(get("/booked/BK_none", ""), "en"),
            false,
        ),
        (
            "?lang= over Accept-Language",
            accepting(get("/booked/BK_none?lang=de", ""), "en"),
            true,
        ),
        (
            "the remembered choice over Accept-Language",
            accepting(get("/booked/BK_none", "vamt_lang=de"), "en"),
            true,
        ),
        (
            "a form's lang over the remembered choice and Accept-Language",
            accepting(
                post("/booking/BK_none/confirm", "key=x&lang=en", "vamt_lang=de"),
                "de",
            ),
            false,
        ),
        (
            "a form without lang, as its request says",
            accepting(post("/booking/BK_none/confirm", "key=x", ""), "en"),
            false,
        ),
    ];
    for (what, req, in_german) in cases {
        let page = call(&stack, req).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{what}");
        assert_eq!(german(&page.body), Some(in_german), "{what}: {}", page.body);
    }
}

#[tokio::test]
async fn an_api_answer_is_in_the_language_its_body_names() {
    let stack = common::start(common::monday_morning(), json!({})).await;
    let confirm = "/api/v1/bookings/BK_none/confirm";
    let cases = [
        (
            "the body's lang over Accept-Language",
            json!({"key": "x", "lang": "en"}),
            "de",
            false,
        ),
        (
            "the body's lang, German",
            json!({"key": "x", "lang": "de"}),
            "en",
            true,
        ),
        (
            "no lang in the body: Accept-Language",
            json!({"key": "x"}),
            "en",
            false,
        ),
    ];
    for (what, body, accept, in_german) in cases {
        let answer = call(
            &stack,
            accepting(json_request("POST", confirm, &body), accept),
        )
        .await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{what}");
        let parsed: serde_json::Value = serde_json::from_str(&answer.body).expect("JSON");
        assert_eq!(parsed["error"]["code"], "not_found", "{what}");
        let message = parsed["error"]["message"].as_str().unwrap_or_default();
        assert_eq!(german(message), Some(in_german), "{what}: {message}");
    }
}
