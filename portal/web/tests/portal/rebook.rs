//! A citizen moves their own appointment from the link in their mail: on the page and
//! through the API; a time taken meanwhile, a wrong key or an unconfirmed booking change
//! nothing.
use crate::common;

use axum::http::StatusCode;
use serde_json::{json, Value};

use common::{call, get, json_request, post, Stack};

async fn free(stack: &Stack, service: &str) -> Vec<String> {
    let resp = call(stack, get(&format!("/api/v1/slots?services={service}"), "")).await;
    let v: Value = serde_json::from_str(&resp.body).expect("json");
    v["slots"]
        .as_array()
        .expect("slots")
        .iter()
        .filter_map(|s| s["start"].as_str().map(str::to_owned))
        .collect()
}

/// Books `start` as `email` through the API and confirms it from the opt-in mail.
async fn book(stack: &Stack, start: &str, email: &str, confirm: bool) -> (String, String) {
    let resp = call(
        stack,
        json_request(
            "POST",
            "/api/v1/bookings",
            &json!({ "services": ["wohnsitzummeldung"], "start": start, "name": "Ida Roth", "email": email, "lang": "en" }),
        ),
    )
    .await;
    assert_eq!(resp.status, StatusCode::ACCEPTED, "{}", resp.body);
    let (id, key) = common::key_from_outbox(stack, email);
    if confirm {
        let done = call(
            stack,
            json_request(
                "POST",
                &format!("/api/v1/bookings/{id}/confirm"),
                &json!({ "key": key }),
            ),
        )
        .await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    }
    (id, key)
}

fn slot_values(html: &str) -> Vec<String> {
    html.split("name=\"slot\" value=\"")
        .skip(1)
        .filter_map(|r| r.split('"').next().map(str::to_owned))
        .collect()
}

async fn starts_at(stack: &Stack, id: &str) -> String {
    sqlx::query_scalar("SELECT starts_at FROM bookings WHERE id = $1")
        .bind(id)
        .fetch_one(stack.state.db.pool())
        .await
        .expect("booking")
}

#[tokio::test]
async fn a_citizen_moves_their_appointment_from_the_link() {
    let stack = common::start(common::monday_morning(), json!({})).await;
    let offered = free(&stack, "wohnsitzummeldung").await;
    let (old, new) = (offered[0].clone(), offered[5].clone());
    let (id, key) = book(&stack, &old, "ida@example.org", true).await;

    // The page behind the mail's link offers to move it.
    let manage = call(
        &stack,
        get(&format!("/booking/{id}/cancel?key={key}&lang=en"), ""),
    )
    .await;
    assert!(manage
        .body
        .contains(&format!("/booking/{id}/rebook?key={key}")));
    let page = call(
        &stack,
        get(&format!("/booking/{id}/rebook?key={key}&lang=en"), ""),
    )
    .await;
    assert_eq!(page.status, StatusCode::OK);
    let times = slot_values(&page.body);
    assert!(times.contains(&new));
    assert!(
        !times.contains(&old),
        "its own time is not offered as a move"
    );

    let moved = call(
        &stack,
        post(
            &format!("/booking/{id}/rebook"),
            &format!("key={key}&lang=en&slot={}", common::enc(&new)),
            "",
        ),
    )
    .await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.body);
    assert!(moved.body.contains("Your appointment is moved"));
    assert_eq!(starts_at(&stack, &id).await, new);
    assert!(
        free(&stack, "wohnsitzummeldung").await.contains(&old),
        "the old time is free at once"
    );
    assert!(!free(&stack, "wohnsitzummeldung").await.contains(&new));

    // The mail brings the new time and a calendar file; the links keep their key.
    let mails = common::outbox_to(&stack, "ida@example.org");
    let last = mails.last().expect("moved mail");
    assert!(last.contains("BEGIN:VCALENDAR"), "{last}");
    let new_start = chrono::DateTime::parse_from_rfc3339(&new).expect("time");
    assert!(
        last.contains(&new_start.format("DTSTART:%Y%m%dT%H%M%SZ").to_string()),
        "{last}"
    );
    assert!(last.contains(&format!("key={key}")));
    let metrics = common::metrics_text(&stack).await;
    assert!(metrics.contains("vamt_portal_rebookings_total{by=\"citizen\"} 1"));
}

#[tokio::test]
async fn a_time_taken_meanwhile_wrong_keys_and_unconfirmed_bookings_move_nothing() {
    let stack = common::start(common::monday_morning(), json!({})).await;
    let offered = free(&stack, "wohnsitzummeldung").await;
    let (id, key) = book(&stack, &offered[0], "ida@example.org", true).await;
    let page = call(
        &stack,
        get(&format!("/booking/{id}/rebook?key={key}&lang=en"), ""),
    )
    .await;
    let target = slot_values(&page.body)[3].clone();
    // Someone else books that time while Ida looks at the page.
    book(&stack, &target, "max@example.org", true).await;
    let taken = call(
        &stack,
        post(
            &format!("/booking/{id}/rebook"),
            &format!("key={key}&lang=en&slot={}", common::enc(&target)),
            "",
        ),
    )
    .await;
    assert_eq!(taken.status, StatusCode::CONFLICT);
    assert!(taken.body.contains("This time was just taken"));
    assert!(
        !slot_values(&taken.body).contains(&target),
        "fresh times come back, without it"
    );
    assert_eq!(
        starts_at(&stack, &id).await,
        offered[0],
        "still at its old time"
    );

    let nothing = call(
        &stack,
        post(
            &format!("/booking/{id}/rebook"),
            &format!("key={key}&lang=en"),
            "",
        ),
    )
    .await;
    assert_eq!(nothing.status, StatusCode::UNPROCESSABLE_ENTITY);
    let wrong = call(
        &stack,
        post(
            &format!("/booking/{id}/rebook"),
            &format!("key=guess&lang=en&slot={}", common::enc(&offered[7])),
            "",
        ),
    )
    .await;
    assert_eq!(wrong.status, StatusCode::NOT_FOUND);
    assert_eq!(starts_at(&stack, &id).await, offered[0]);

    // Not yet confirmed: confirm first (moving must not skip the double opt-in).
    let (held, held_key) = book(&stack, &offered[9], "eva@example.org", false).await;
    let page = call(
        &stack,
        get(
            &format!("/booking/{held}/rebook?key={held_key}&lang=en"),
            "",
        ),
    )
    .await;
    assert!(page.body.contains("Please confirm the appointment first"));
    assert!(slot_values(&page.body).is_empty());
    let refused = call(
        &stack,
        post(
            &format!("/booking/{held}/rebook"),
            &format!("key={held_key}&lang=en&slot={}", common::enc(&offered[11])),
            "",
        ),
    )
    .await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert_eq!(starts_at(&stack, &held).await, offered[9]);

    // Begun: too late.
    stack.clock.advance(chrono::Duration::days(20));
    let late = call(
        &stack,
        get(&format!("/booking/{id}/rebook?key={key}&lang=en"), ""),
    )
    .await;
    assert!(late.body.contains("can no longer be moved"));
}

#[tokio::test]
async fn the_api_moves_a_booking_and_offers_alternatives_when_taken() {
    let stack = common::start(common::monday_morning(), json!({})).await;
    let offered = free(&stack, "wohnsitzummeldung").await;
    let (id, key) = book(&stack, &offered[0], "ida@example.org", true).await;
    let slots = call(
        &stack,
        get(&format!("/api/v1/bookings/{id}/slots?key={key}"), ""),
    )
    .await;
    assert_eq!(slots.status, StatusCode::OK);
    let v: Value = serde_json::from_str(&slots.body).expect("json");
    let times: Vec<String> = v["slots"]
        .as_array()
        .expect("slots")
        .iter()
        .filter_map(|s| s["start"].as_str().map(str::to_owned))
        .collect();
    assert!(!times.contains(&offered[0]));

    book(&stack, &times[2], "max@example.org", true).await;
    let taken = call(
        &stack,
        json_request(
            "POST",
            &format!("/api/v1/bookings/{id}/rebook"),
            &json!({ "key": key, "start": times[2], "lang": "en" }),
        ),
    )
    .await;
    assert_eq!(taken.status, StatusCode::CONFLICT);
    let err: Value = serde_json::from_str(&taken.body).expect("json");
    assert_eq!(err["error"]["code"], "slot_taken");
    let alternatives = err["error"]["alternatives"]
        .as_array()
        .expect("alternatives");
    assert!(!alternatives.is_empty());
    assert!(alternatives.iter().all(|a| a["start"] != times[2].as_str()));

    let moved = call(
        &stack,
        json_request(
            "POST",
            &format!("/api/v1/bookings/{id}/rebook"),
            &json!({ "key": key, "start": times[4] }),
        ),
    )
    .await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.body);
    let b: Value = serde_json::from_str(&moved.body).expect("json");
    assert_eq!(b["starts_at"], times[4].as_str());
    assert_eq!(starts_at(&stack, &id).await, times[4]);

    let malformed = call(
        &stack,
        json_request(
            "POST",
            &format!("/api/v1/bookings/{id}/rebook"),
            &json!({ "key": key, "start": "tomorrow" }),
        ),
    )
    .await;
    assert_eq!(malformed.status, StatusCode::BAD_REQUEST);
    let wrong = call(
        &stack,
        json_request(
            "POST",
            &format!("/api/v1/bookings/{id}/rebook"),
            &json!({ "key": "guess", "start": times[6] }),
        ),
    )
    .await;
    assert_eq!(wrong.status, StatusCode::NOT_FOUND);
    assert_eq!(starts_at(&stack, &id).await, times[4]);
}
