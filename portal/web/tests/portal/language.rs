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

/// The text a reader sees: tags dropped, the escapes of the templates undone.
fn visible_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
}

/// The pages of every flow (booking, waiting list, call, sign-in, hearing), in each of the
/// 15 languages: no message ID shows
/// instead of a text, and no German text shows on a page in another language (but the
/// legal original the hearing shows on purpose, marked `lang="de"`).
#[tokio::test]
async fn no_page_shows_a_raw_key_or_german_in_another_language() {
    use vamt_portal_core::i18n::{I18n, LANGUAGES};
    let stack = common::start(common::monday_morning(), json!({})).await;
    let i18n = I18n::load().expect("catalogues");
    let case = r#"{"case_number":"OWI-1","offence_code":"141312","offence_text":"Geschwindigkeit","committed_at":"2026-11-03T07:42","place":"Saarbrücken","legal_basis":"§ 49 StVO","sanction":"warning_fine","amount":"30.00","currency":"EUR","plate":"SB-A 1","name":"E M","street":"S 1","postcode":"66111","city":"Saarbrücken","deadline":"2026-12-21"}"#;
    let lines =
        vamt_hearing::import::read(vamt_hearing::import::Format::JsonLines, case.as_bytes())
            .expect("case");
    stack
        .state
        .hearings
        .import(&lines, &std::collections::HashMap::new(), "test")
        .await
        .expect("import")
        .expect("stored");
    let ids = stack.state.hearings.without_letter().await.expect("ids");
    let (_, code) = stack
        .state
        .hearings
        .issue_letters(&ids, "test")
        .await
        .expect("letter")
        .remove(0);
    let signed_in = call(
        &stack,
        post(
            "/hearing/login",
            &format!("case_number=OWI-1&code={}", code.plain()),
            "",
        ),
    )
    .await;
    let session = signed_in.cookie.expect("session");
    let slug = "meldebescheinigung";

    let keys = I18n::keys("de");
    // German texts long enough to be recognised, without variables, that the language
    // translates differently.
    let german: Vec<(String, String)> = keys
        .iter()
        .filter(|k| !k.starts_with("hearing-rights"))
        .map(|k| (k.clone(), i18n.t("de", k, None)))
        .filter(|(_, t)| t.chars().count() >= 25 && !t.contains('{'))
        .collect();
    // The demo appointment's call page, by its join link without the link's language.
    let join = stack
        .demo
        .join_url
        .split("/call/")
        .nth(1)
        .expect("join link");
    let join = format!("/call/{}", join.split("&lang=").next().expect("path"));
    let pages = [
        "/".to_owned(),
        format!("/book/{slug}"),
        format!("/book/{slug}/waitlist"),
        join,
        "/clerk/login".to_owned(),
        "/hearing".to_owned(),
        "/hearing/case".to_owned(),
    ];
    for lang in LANGUAGES {
        for path in &pages {
            // The sign-in page is for those without a session (with one it moves on).
            let cookie = if path == "/hearing" {
                ""
            } else {
                session.as_str()
            };
            let sep = if path.contains('?') { '&' } else { '?' };
            let page = call(&stack, get(&format!("{path}{sep}lang={lang}"), cookie)).await;
            assert_eq!(page.status, StatusCode::OK, "{lang} {path}");
            assert!(
                page.body.contains(&format!("<html lang=\"{lang}\"")),
                "{lang} {path}"
            );
            let text = visible_text(&page.body);
            for key in keys.iter().filter(|k| k.contains('-')) {
                let raw = text.split(|c: char| c.is_whitespace()).any(|w| w == key);
                assert!(!raw, "{lang} {path}: raw key {key}");
            }
            if *lang == "de" {
                continue;
            }
            for (key, de) in &german {
                if i18n.t(lang, key, None) == *de {
                    continue;
                }
                assert!(
                    !text.contains(de.as_str()),
                    "{lang} {path}: German text of {key}: {de}"
                );
            }
        }
    }
}

/// A fee reads with its currency in each language's way ("Gebühr: 10,00 €", "Fee: €10.00").
#[tokio::test]
async fn a_fee_is_written_with_its_currency_as_the_language_writes_it() {
    let stack = common::start(common::monday_morning(), json!({})).await;
    let german = call(&stack, get("/?lang=de", "")).await;
    assert!(german.body.contains("Gebühr: 10,00 €"), "{}", german.body);
    let english = call(&stack, get("/?lang=en", "")).await;
    assert!(english.body.contains("Fee: €10.00"), "{}", english.body);
}

/// The clerks' statistics write hours as their language writes decimals ("0,0 h" in German).
#[tokio::test]
async fn statistics_write_hours_in_the_pages_language() {
    let stack = common::start(common::monday_morning(), json!({})).await;
    let clerk = common::sign_in(&stack, "clerk", &stack.demo.clerk_password).await;
    // The numbers before " h<" on the page.
    let hours = |body: &str| -> Vec<String> {
        body.split(" h<")
            .filter_map(|before| before.rsplit('>').next())
            .filter(|n| n.chars().next().is_some_and(|c| c.is_ascii_digit()))
            .map(str::to_owned)
            .collect()
    };
    let german = hours(&call(&stack, get("/clerk/stats?lang=de", &clerk)).await.body);
    assert!(!german.is_empty());
    assert!(
        german.iter().all(|h| h.contains(',') && !h.contains('.')),
        "{german:?}"
    );
    let english = hours(&call(&stack, get("/clerk/stats?lang=en", &clerk)).await.body);
    assert!(
        english.iter().all(|h| h.contains('.') && !h.contains(',')),
        "{english:?}"
    );
}
