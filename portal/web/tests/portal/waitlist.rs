//! The waiting list: a freed time is held for the first in line and offered by mail; if
//! they let it lapse, the next in line gets it.
use crate::common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::json;
use tower::ServiceExt;

async fn call(stack: &common::Stack, req: Request<Body>) -> (StatusCode, String) {
    let resp = vamt_portal::app(stack.state.clone())
        .oneshot(req)
        .await
        .expect("infallible");
    let status = resp.status();
    let bytes = resp.into_body().collect().await.expect("body").to_bytes();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

fn get(uri: &str) -> Request<Body> {
    Request::get(uri).body(Body::empty()).expect("request")
}

fn post(uri: &str, form: &str) -> Request<Body> {
    Request::post(uri)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(form.to_owned()))
        .expect("request")
}

/// The path and query of the first link in `mail` containing `marker`.
fn link(mail: &str, marker: &str) -> String {
    let at = mail.find(marker).expect("link in mail");
    let begin = mail[..at]
        .rfind("/booking/")
        .or_else(|| mail[..at].rfind("/waitlist/"));
    let begin = begin.expect("path start");
    mail[begin..]
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect()
}

async fn join(stack: &common::Stack, who: &str) -> (StatusCode, String) {
    call(
        stack,
        post(
            "/book/meldebescheinigung/waitlist",
            &format!("name={who}&email={who}%40example.org&lang=en"),
        ),
    )
    .await
}

#[tokio::test]
async fn a_freed_time_goes_to_the_first_in_line_and_on_to_the_next_if_they_let_it_lapse() {
    let stack = common::start(common::monday_morning(), json!({})).await;
    let st = &stack.state;
    let form = call(&stack, get("/book/meldebescheinigung?lang=en"))
        .await
        .1;
    assert!(
        form.contains("/book/meldebescheinigung/waitlist"),
        "the form links the list"
    );

    // Ada holds a time in the afternoon, confirmed.
    let service: Vec<_> = vamt_booking::booking::services(&st.db)
        .await
        .expect("services")
        .into_iter()
        .filter(|s| s.slug == "meldebescheinigung")
        .collect();
    let now = stack.clock.now();
    let slots = vamt_booking::booking::free_slots(&st.db, &st.settings, now, &service)
        .await
        .expect("slots");
    let start = slots[20].start;
    let ada = vamt_booking::booking::book(
        &st.db,
        &st.vault,
        &st.settings,
        now,
        vamt_booking::booking::NewBooking {
            services: vec!["meldebescheinigung".into()],
            start,
            name: "Ada".into(),
            email: "ada@example.org".into(),
            locale: "en".into(),
            channel: "web",
        },
    )
    .await
    .expect("booked");
    vamt_booking::booking::confirm(&st.db, &st.vault, &ada.booking.id, &ada.join_key, now, 2)
        .await
        .expect("confirmed");

    // Bea and Cem wait; Bea cannot queue twice.
    let (status, page) = join(&stack, "bea").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("place 1"), "{page}");
    let (_, page) = join(&stack, "cem").await;
    assert!(page.contains("place 2"), "{page}");
    let (status, page) = join(&stack, "bea").await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(page.contains("already on the waiting list"), "{page}");
    let joined = common::outbox_to(&stack, "bea@example.org");
    assert_eq!(joined.len(), 1);
    assert!(
        joined[0].contains("/waitlist/WL_"),
        "withdraw link: {}",
        joined[0]
    );

    // Ada cancels: the time is held for Bea, not offered to anyone else.
    let cancel = format!("/booking/{}/cancel", ada.booking.id);
    let (status, _) = call(&stack, post(&cancel, &format!("key={}", ada.join_key))).await;
    assert_eq!(status, StatusCode::OK);
    let offer = common::outbox_to(&stack, "bea@example.org")
        .into_iter()
        .find(|m| m.contains("/confirm?key="))
        .expect("offer to bea");
    assert!(offer.contains("A time has become free"), "{offer}");
    assert!(offer.contains("120 minutes"), "{offer}");
    let page = call(&stack, get("/book/meldebescheinigung?lang=en"))
        .await
        .1;
    assert!(
        !page.contains(&vamt_portal_storage::db::ts(start)),
        "the freed time is held, not on offer"
    );

    // Bea lets it lapse: after the hold, Cem is offered the same time and takes it.
    stack.clock.advance(chrono::Duration::minutes(121));
    assert_eq!(vamt_booking::hold::run_once(st).await.expect("runs"), 1);
    let offer = common::outbox_to(&stack, "cem@example.org")
        .into_iter()
        .find(|m| m.contains("/confirm?key="))
        .expect("offer to cem");
    let confirm = link(&offer, "/confirm?key=");
    let (route, query) = confirm.split_once('?').expect("query");
    let (status, page) = call(&stack, post(route, query)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Your appointment is booked"), "{page}");
    assert!(
        common::outbox_to(&stack, "cem@example.org")
            .iter()
            .any(|m| m.contains("/call/BK_")),
        "cem's confirmation carries the join link"
    );
    let live: Vec<(String, String)> = sqlx::query_as(
        "SELECT starts_at, state FROM bookings WHERE starts_at = $1 AND state <> 'cancelled'",
    )
    .bind(vamt_portal_storage::db::ts(start))
    .fetch_all(st.db.pool())
    .await
    .expect("query");
    assert_eq!(live.len(), 1, "one booking holds the time: cem's");
    let states: Vec<String> = sqlx::query_scalar("SELECT status FROM waitlist ORDER BY id")
        .fetch_all(st.db.pool())
        .await
        .expect("query");
    assert_eq!(states.len(), 2);
    assert!(states.contains(&"lapsed".to_owned()) && states.contains(&"booked".to_owned()));
}

#[tokio::test]
async fn the_withdraw_link_asks_then_takes_the_entry_off_the_list() {
    let stack = common::start(common::monday_morning(), json!({})).await;
    let (status, _) = join(&stack, "dora").await;
    assert_eq!(status, StatusCode::OK);
    let mail = common::outbox_to(&stack, "dora@example.org").remove(0);
    let withdraw = link(&mail, "/withdraw?key=");
    let (status, page) = call(&stack, get(&withdraw)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Delete entry"), "asks first: {page}");
    // Switching the language keeps the link's key.
    let key = withdraw
        .split("key=")
        .nth(1)
        .and_then(|k| k.split('&').next())
        .expect("key");
    assert!(
        page.contains(&format!("withdraw?key={key}&amp;lang=de")),
        "{page}"
    );
    let (route, query) = withdraw.split_once('?').expect("query");
    let (_, page) = call(&stack, post(route, query)).await;
    assert!(page.contains("Your entry is deleted"), "{page}");
    let (_, page) = call(&stack, post(route, query)).await;
    assert!(page.contains("no longer waiting"), "{page}");
    let (_, page) = call(&stack, post(route, "key=guess&lang=en")).await;
    assert!(
        page.contains("no longer waiting"),
        "a wrong key deletes nothing: {page}"
    );
    // Invalid input gets a clear answer and keeps what was typed.
    let (status, page) = call(
        &stack,
        post(
            "/book/meldebescheinigung/waitlist",
            "name=Dora&email=not-an-address&lang=en",
        ),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("valid e-mail address") && page.contains("value=\"Dora\""),
        "{page}"
    );
    let (status, _) = call(&stack, get("/book/reisepass/waitlist")).await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "no list for what needs a visit"
    );
}
