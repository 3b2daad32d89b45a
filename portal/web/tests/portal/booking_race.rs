//! No double booking under concurrency: many citizens race through the booking form for
//! the same few appointments.
use crate::common;

use std::collections::{BTreeSet, HashMap};

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::json;
use tower::ServiceExt;

const CLIENTS: usize = 500;
const SLOTS: usize = 20;

fn offered(html: &str) -> Vec<String> {
    html.split("name=\"slot\" value=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next().map(str::to_owned))
        .collect()
}

/// The times the booking form offers now.
async fn on_offer(app: &axum::Router) -> Vec<String> {
    let form = app
        .clone()
        .oneshot(
            Request::get("/book/wohnsitzummeldung?lang=en")
                .body(Body::empty())
                .expect("request"),
        )
        .await
        .expect("infallible");
    let bytes = form.into_body().collect().await.expect("body").to_bytes();
    offered(&String::from_utf8_lossy(&bytes))
}

/// Books `slot` through the form for `name` at `email` (form-encoded as given).
async fn book(app: axum::Router, slot: &str, name: &str, email: &str) -> StatusCode {
    let body = format!(
        "slot={}&name={name}&email={email}&lang=en",
        common::enc(slot)
    );
    app.oneshot(
        Request::post("/book/wohnsitzummeldung")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .expect("request"),
    )
    .await
    .expect("infallible")
    .status()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn five_hundred_clients_race_for_twenty_slots_and_exactly_twenty_win() {
    let stack = common::start(common::monday_morning(), json!({})).await;
    let app = vamt_portal::app(stack.state.clone());
    let all = on_offer(&app).await;
    assert!(
        all.len() > SLOTS * 2,
        "enough slots on offer: {}",
        all.len()
    );
    let contested: Vec<String> = all[..SLOTS].to_vec();

    let mut tasks = Vec::with_capacity(CLIENTS);
    for i in 0..CLIENTS {
        let app = app.clone();
        let slot = contested[i % SLOTS].clone();
        tasks.push(tokio::spawn(async move {
            let body = format!(
                "slot={}&name=Client+{i}&email=client{i}%40example.org&lang=en",
                common::enc(&slot)
            );
            let resp = app
                .oneshot(
                    Request::post("/book/wohnsitzummeldung")
                        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                        .body(Body::from(body))
                        .expect("request"),
                )
                .await
                .expect("infallible");
            let status = resp.status();
            let bytes = resp.into_body().collect().await.expect("body").to_bytes();
            (slot, status, String::from_utf8_lossy(&bytes).into_owned())
        }));
    }
    let mut won: HashMap<String, usize> = HashMap::new();
    let mut lost = 0;
    for t in tasks {
        let (slot, status, body) = t.await.expect("task");
        match status {
            StatusCode::SEE_OTHER => *won.entry(slot).or_default() += 1,
            StatusCode::CONFLICT => {
                lost += 1;
                assert!(body.contains("just taken"), "a clear answer: {body}");
                let alternatives = offered(&body);
                assert!(!alternatives.is_empty(), "alternatives are offered");
                assert!(
                    !alternatives.contains(&slot),
                    "the taken slot is not among the alternatives"
                );
            }
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!(won.len(), SLOTS, "every contested slot went to someone");
    assert!(
        won.values().all(|n| *n == 1),
        "one winner per slot: {won:?}"
    );
    assert_eq!(lost, CLIENTS - SLOTS);

    // The database agrees: one live booking per contested time, and its clerk's time
    // claimed once.
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT starts_at, COUNT(*) FROM bookings WHERE state <> 'cancelled' AND email <> '' GROUP BY starts_at",
    )
    .fetch_all(stack.state.db.pool())
    .await
    .expect("query");
    let stored: BTreeSet<String> = rows
        .iter()
        .filter(|(start, _)| contested.contains(start))
        .map(|(start, n)| {
            assert_eq!(*n, 1, "{start} is booked once");
            start.clone()
        })
        .collect();
    assert_eq!(stored.len(), SLOTS);
    let overlapping: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM bookings a JOIN bookings b ON a.clerk_id = b.clerk_id AND a.id < b.id \
         WHERE a.state <> 'cancelled' AND b.state <> 'cancelled' AND a.starts_at < b.blocked_until AND b.starts_at < a.blocked_until",
    )
    .fetch_one(stack.state.db.pool())
    .await
    .expect("query");
    assert_eq!(overlapping, 0, "no clerk holds two appointments at once");
}

#[tokio::test]
async fn cancelling_frees_the_clerks_time_at_once() {
    let stack = common::start(common::monday_morning(), json!({})).await;
    let st = &stack.state;
    let services = vamt_booking::booking::services(&st.db)
        .await
        .expect("services");
    let service = services
        .iter()
        .find(|s| s.slug == "wohnsitzummeldung")
        .expect("seeded")
        .clone();
    let now = stack.clock.now();
    let slots = vamt_booking::booking::free_slots(
        &st.db,
        &st.settings,
        now,
        std::slice::from_ref(&service),
    )
    .await
    .expect("slots");
    let start = slots[3].start;
    let book = |email: &str| vamt_booking::booking::NewBooking {
        services: vec!["wohnsitzummeldung".into()],
        start,
        name: "Eva".into(),
        email: email.into(),
        locale: "de".into(),
        channel: "web",
    };
    let first =
        vamt_booking::booking::book(&st.db, &st.vault, &st.settings, now, book("a@example.org"))
            .await
            .expect("booked");
    let second =
        vamt_booking::booking::book(&st.db, &st.vault, &st.settings, now, book("b@example.org"))
            .await;
    assert!(
        matches!(second, Err(vamt_booking::booking::BookingError::SlotTaken)),
        "{second:?}"
    );
    let cancelled =
        vamt_booking::booking::cancel(&st.db, &st.vault, &first.booking.id, &first.join_key, now)
            .await
            .expect("cancel");
    assert!(matches!(
        cancelled,
        Some(vamt_booking::booking::Cancellation::Cancelled(_))
    ));
    let again =
        vamt_booking::booking::book(&st.db, &st.vault, &st.settings, now, book("b@example.org"))
            .await
            .expect("the freed time can be booked again");
    assert_eq!(again.booking.starts_at, start);
}

/// Citizens who close the page while their booking is in the batch writer's queue (the
/// request is dropped mid-way) stall no one: everyone else is answered, nothing is booked
/// twice, and the next booking goes through.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn citizens_who_leave_mid_booking_stall_no_one() {
    let stack = common::start(common::monday_morning(), json!({})).await;
    let app = vamt_portal::app(stack.state.clone());
    let all = on_offer(&app).await;
    let contested: Vec<String> = all[..5].to_vec();
    let leaver = |i: usize, slot: String| {
        let app = app.clone();
        async move {
            book(
                app,
                &slot,
                &format!("Client+{i}"),
                &format!("leaver{i}%40example.org"),
            )
            .await
        }
    };
    let tasks: Vec<_> = (0..60)
        .map(|i| tokio::spawn(leaver(i, contested[i % 5].clone())))
        .collect();
    for _ in 0..20 {
        tokio::task::yield_now().await;
    }
    let mut answered = Vec::new();
    for (i, t) in tasks.into_iter().enumerate() {
        if i % 3 == 0 {
            t.abort();
            continue;
        }
        // A hang guard, not a measure: the answers come in well under a second.
        let status = tokio::time::timeout(std::time::Duration::from_secs(30), t)
            .await
            .expect("answered, not left waiting")
            .expect("task");
        answered.push(status);
    }
    assert!(answered
        .iter()
        .all(|s| *s == StatusCode::SEE_OTHER || *s == StatusCode::CONFLICT));
    assert!(
        answered
            .iter()
            .filter(|s| **s == StatusCode::SEE_OTHER)
            .count()
            <= 5
    );
    let twice: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM bookings a JOIN bookings b ON a.clerk_id = b.clerk_id AND a.id < b.id \
         WHERE a.state <> 'cancelled' AND b.state <> 'cancelled' AND a.starts_at < b.blocked_until AND b.starts_at < a.blocked_until",
    )
    .fetch_one(stack.state.db.pool())
    .await
    .expect("query");
    assert_eq!(twice, 0, "no clerk holds two appointments at once");
    let after = tokio::time::timeout(
        std::time::Duration::from_secs(30),
        leaver(1000, all[10].clone()),
    )
    .await
    .expect("the writer is not stuck");
    assert_eq!(after, StatusCode::SEE_OTHER);
}

/// The per-address limit holds under concurrency too: one address holding many times at
/// once (unconfirmed holds do not count against an address) and confirming them all at the
/// same instant ends with only as many appointments as it may hold, the rest free again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_address_booking_many_times_at_once_gets_its_limit() {
    let stack = common::start(
        common::monday_morning(),
        json!({ "booking": { "max_per_email": 2, "optin_mails_per_address_hour": 10 } }),
    )
    .await;
    let app = vamt_portal::app(stack.state.clone());
    let all = on_offer(&app).await;
    let tasks: Vec<_> = all[..8]
        .iter()
        .cloned()
        .map(|slot| {
            let app = app.clone();
            tokio::spawn(async move { book(app, &slot, "Hoarder", "hoarder%40example.org").await })
        })
        .collect();
    let mut held = 0;
    for t in tasks {
        match t.await.expect("task") {
            StatusCode::SEE_OTHER => held += 1,
            // Two of the times overlap for the one clerk free then.
            StatusCode::CONFLICT => {}
            other => panic!("unexpected {other}"),
        }
    }
    assert!(held >= 4, "holds do not count against the address: {held}");
    // Every confirmation at once.
    let links: Vec<(String, String)> = common::outbox_to(&stack, "hoarder@example.org")
        .iter()
        .filter_map(|m| {
            let at = m.find("/booking/BK_")? + "/booking/".len();
            let rest = &m[at..];
            let id = rest[..rest.find('/')?].to_owned();
            let key = &rest[rest.find("key=")? + 4..];
            Some((id, key[..key.find('&')?].to_owned()))
        })
        .collect();
    assert_eq!(links.len(), held, "an opt-in mail for each hold");
    let tasks: Vec<_> = links
        .into_iter()
        .map(|(id, key)| {
            let app = app.clone();
            tokio::spawn(async move {
                app.oneshot(
                    Request::post(format!("/booking/{id}/confirm"))
                        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                        .body(Body::from(format!("key={key}&lang=en")))
                        .expect("request"),
                )
                .await
                .expect("infallible")
                .status()
            })
        })
        .collect();
    let mut confirmed = 0;
    for t in tasks {
        match t.await.expect("task") {
            StatusCode::OK => confirmed += 1,
            StatusCode::CONFLICT => {}
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!(confirmed, 2, "two appointments, not eight");
    let live: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM bookings WHERE state <> 'cancelled' AND channel = 'web'",
    )
    .fetch_one(stack.state.db.pool())
    .await
    .expect("count");
    assert_eq!(live, 2, "the refused holds are released at once");
}
