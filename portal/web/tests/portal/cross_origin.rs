//! A page of another site cannot make a signed-in clerk's or a citizen's browser change
//! anything: its posts are refused before they reach a handler, and nothing is stored.
use crate::common;

use axum::http::{header, StatusCode};
use common::{call, get, post};
use serde_json::json;

#[tokio::test]
async fn posts_from_another_site_change_nothing_and_say_why() {
    let stack = common::start(common::monday_morning(), json!({})).await;
    let cookie = common::sign_in(&stack, "clerk", &stack.demo.clerk_password).await;
    let form = call(
        &stack,
        get("/clerk/book?service=meldebescheinigung&lang=en", &cookie),
    )
    .await;
    let slot = form
        .body
        .split("name=\"slot\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("a free time on the desk's form")
        .to_owned();
    let phone_booking = |site: &'static str| {
        let mut req = post(
            "/clerk/book",
            &format!(
                "service=meldebescheinigung&slot={}&name=Karl+Anruf&email=karl%40example.org&locale=de&lang=en",
                common::enc(&slot)
            ),
            &cookie,
        );
        req.headers_mut()
            .insert("sec-fetch-site", header::HeaderValue::from_static(site));
        req
    };

    // A cross-site form with the clerk's cookie: refused, with a page that says why (in
    // German: the form's language is in its body, which is not read for a refusal).
    let forged = call(&stack, phone_booking("cross-site")).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN, "{}", forged.body);
    assert!(
        forged
            .body
            .contains("von einer anderen Website abgeschickt"),
        "{}",
        forged.body
    );
    assert!(common::outbox_to(&stack, "karl@example.org").is_empty());

    // The API, from an older browser that only sends Origin: refused in the API's shape.
    let mut api = common::json_request(
        "POST",
        "/api/v1/bookings",
        &json!({"services": ["meldebescheinigung"], "start": slot,
                "name": "Eva Fremd", "email": "eva@example.org", "lang": "en"}),
    );
    api.headers_mut().insert(
        header::ORIGIN,
        header::HeaderValue::from_static("https://evil.example"),
    );
    api.headers_mut().insert(
        header::HOST,
        header::HeaderValue::from_static("localhost:8080"),
    );
    let refused = call(&stack, api).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let body: serde_json::Value = serde_json::from_str(&refused.body).expect("JSON");
    assert_eq!(body["error"]["code"], "cross_origin");
    assert!(common::outbox_to(&stack, "eva@example.org").is_empty());

    // The same form from the portal's own page goes through, and the time was still free.
    let own = call(&stack, phone_booking("same-origin")).await;
    assert_eq!(own.status, StatusCode::SEE_OTHER, "{}", own.body);
    assert_eq!(common::outbox_to(&stack, "karl@example.org").len(), 1);

    let metrics = common::metrics_text(&stack).await;
    assert!(
        metrics.contains("vamt_portal_cross_origin_refused_total 2"),
        "{metrics}"
    );
}
