//! Need to know in the console: a clerk works with their location's appointments (an admin
//! with every location's), and opens a colleague's call only by an explicit, recorded
//! take-over.
use crate::common;

use axum::http::StatusCode;
use common::{call, get, post, sign_in};
use serde_json::json;

#[tokio::test]
async fn clerks_see_their_locations_appointments_and_take_a_colleagues_call_over_explicitly() {
    let stack = common::start(common::monday_morning(), json!({})).await;
    let db = &stack.state.db;
    let now = stack.clock.now();
    // The demo booking is the demo clerk's, at the virtual office.
    let id = stack
        .demo
        .join_url
        .split("/call/")
        .nth(1)
        .and_then(|r| r.split('?').next())
        .expect("booking id")
        .to_owned();
    let other: i64 = sqlx::query_scalar(
        "INSERT INTO locations (slug, name, address, timezone, grid_minutes, is_virtual) \
         VALUES ('test-nord', 'Bürgeramt Nord', '', 'Europe/Berlin', 15, 0) RETURNING id",
    )
    .fetch_one(db.pool())
    .await
    .expect("location");
    for (user, name) in [
        ("carl", "Carl Kollege"),
        ("bea", "Bea Mitte"),
        ("ada", "Ada Admin"),
    ] {
        vamt_booking::clerk::create(db, user, name, "a-long-password-1", now)
            .await
            .expect("clerk");
    }
    sqlx::query("UPDATE clerks SET location_id = $1 WHERE username IN ('bea', 'ada')")
        .bind(other)
        .execute(db.pool())
        .await
        .expect("move");
    vamt_booking::clerk::set_admin(db, "ada", true)
        .await
        .expect("admin");
    let owner = sign_in(
        &stack,
        &stack.demo.clerk_username,
        &stack.demo.clerk_password,
    )
    .await;
    let carl = sign_in(&stack, "carl", "a-long-password-1").await;
    let bea = sign_in(&stack, "bea", "a-long-password-1").await;
    let ada = sign_in(&stack, "ada", "a-long-password-1").await;

    // Another location's clerk: nothing of it, not even that it exists.
    let console = call(&stack, get("/clerk?lang=en", &bea)).await;
    assert_eq!(console.status, StatusCode::OK);
    assert!(!console.body.contains(&id), "{}", console.body);
    let note = format!("/clerk/booking/{id}/note");
    let attendance = format!("/clerk/booking/{id}/attendance");
    let attempts = [
        call(&stack, post(&note, "note=seen&lang=en", &bea)).await,
        call(
            &stack,
            post(&attendance, "attendance=no_show&lang=en", &bea),
        )
        .await,
        call(
            &stack,
            get(&format!("/clerk/booking/{id}/move?lang=en"), &bea),
        )
        .await,
        call(&stack, get(&format!("/clerk/call/{id}?lang=en"), &bea)).await,
        call(
            &stack,
            post(&format!("/clerk/call/{id}/take-over"), "lang=en", &bea),
        )
        .await,
        call(
            &stack,
            post(
                "/clerk/lobby",
                &format!("booking={id}&participant=PA_x&decision=decline&lang=en"),
                &bea,
            ),
        )
        .await,
    ];
    for r in &attempts {
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    }
    let noted: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM bookings WHERE id = $1 AND clerk_note <> ''")
            .bind(&id)
            .fetch_one(db.pool())
            .await
            .expect("note");
    assert_eq!(noted, 0, "no note written from another location");

    // A colleague at the same location sees and notes it; its call asks first.
    assert!(call(&stack, get("/clerk?lang=en", &carl))
        .await
        .body
        .contains(&id));
    assert_eq!(
        call(&stack, post(&note, "note=called back&lang=en", &carl))
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let asked = call(&stack, get(&format!("/clerk/call/{id}?lang=en"), &carl)).await;
    assert_eq!(asked.status, StatusCode::OK);
    assert!(asked.body.contains("Take the call over"), "{}", asked.body);
    assert!(asked.body.contains("Stefanie Wolf"), "names the colleague");
    assert!(!asked.body.contains("data-role="), "no call page, no token");
    let taken = call(
        &stack,
        post(&format!("/clerk/call/{id}/take-over"), "lang=en", &carl),
    )
    .await;
    assert_eq!(taken.status, StatusCode::SEE_OTHER);
    let page = call(&stack, get(&format!("/clerk/call/{id}?lang=en"), &carl)).await;
    assert!(page.body.contains("data-role=\"clerk\""), "{}", page.body);
    let recorded: Vec<(i64, Option<i64>)> = sqlx::query_as(
        "SELECT t.clerk_id, t.from_clerk_id FROM call_takeovers t WHERE t.booking_id = $1",
    )
    .bind(&id)
    .fetch_all(db.pool())
    .await
    .expect("takeovers");
    assert_eq!(recorded.len(), 1, "recorded once");
    assert!(recorded[0].1.is_some(), "from whom");
    assert!(common::metrics_text(&stack)
        .await
        .contains("vamt_portal_call_takeovers_total 1"));

    // The appointment's own clerk goes straight in; an admin sees every location's
    // appointments but takes a call over like anyone else.
    let page = call(&stack, get(&format!("/clerk/call/{id}?lang=en"), &owner)).await;
    assert!(page.body.contains("data-role=\"clerk\""), "{}", page.body);
    assert!(call(&stack, get("/clerk?lang=en", &ada))
        .await
        .body
        .contains(&id));
    let asked = call(&stack, get(&format!("/clerk/call/{id}?lang=en"), &ada)).await;
    assert!(asked.body.contains("Take the call over"), "{}", asked.body);
}

#[tokio::test]
async fn user_text_is_isolated_wherever_it_is_shown_and_direction_controls_are_refused() {
    let stack = common::start(common::monday_morning(), json!({})).await;
    let slots = common::free_times(&stack, "meldebescheinigung").await;
    let book = |i: usize, name: &str| {
        common::json_request(
            "POST",
            "/api/v1/bookings",
            &json!({
                "services": ["meldebescheinigung"],
                "start": vamt_portal_storage::db::ts(slots[i].start),
                "name": name,
                "email": format!("bidi{i}@example.org"),
            }),
        )
    };
    // The attack: a right-to-left override in a name turns the console's "Open call: …, 09:00"
    // and its neighbours around.
    let r = call(&stack, book(0, "\u{202E}redro")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    // A right-to-left name is fine, and kept to itself wherever it is shown.
    let name = "مريم حداد";
    let r = call(&stack, book(1, name)).await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.body);
    let clerk = sign_in(
        &stack,
        &stack.demo.clerk_username,
        &stack.demo.clerk_password,
    )
    .await;
    let console = call(&stack, get("/clerk?lang=en", &clerk)).await.body;
    assert!(console.contains(&format!("<bdi>{name}</bdi>")), "{console}");
    assert!(
        console.contains(&format!("Open call: \u{2068}{name}\u{2069}, ")),
        "isolated in the button's label: {console}"
    );
    assert!(!console.contains(&format!("Open call: {name},")));
}
