//! The clerk's desk: a day per clerk, booking for a caller, notes, moving an appointment,
//! marking a no-show.
use crate::common;

use common::{call, get, post};

use axum::http::StatusCode;
use serde_json::json;

fn slots(html: &str) -> Vec<String> {
    html.split("name=\"slot\" value=\"")
        .skip(1)
        .filter_map(|r| r.split('"').next().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn a_clerk_books_for_a_caller_notes_moves_and_marks_a_no_show() {
    let stack = common::start(common::monday_morning(), json!({})).await;
    let cookie = common::sign_in(&stack, "clerk", &stack.demo.clerk_password).await;

    // Without a session, nothing on the desk works.
    let anon = call(
        &stack,
        post("/clerk/book", "service=meldebescheinigung", ""),
    )
    .await;
    assert_eq!(anon.status, StatusCode::SEE_OTHER);
    assert_eq!(anon.location, "/clerk/login");

    // Booking for a caller: pick the service, then a time.
    let form = call(
        &stack,
        get("/clerk/book?service=meldebescheinigung&lang=en", &cookie),
    )
    .await;
    assert_eq!(form.status, StatusCode::OK);
    let times = slots(&form.body);
    assert!(times.len() > 5, "{}", form.body);
    let booked = call(
        &stack,
        post(
            "/clerk/book",
            &format!(
                "service=meldebescheinigung&slot={}&name=Karl+Anruf&email=karl%40example.org&locale=de&lang=en",
                common::enc(&times[4])
            ),
            &cookie,
        ),
    )
    .await;
    assert_eq!(booked.status, StatusCode::SEE_OTHER, "{}", booked.body);
    // Confirmed at once: the caller's mail (in their language) has the join link.
    let mails = common::outbox_to(&stack, "karl@example.org");
    assert_eq!(mails.len(), 1);
    assert!(
        mails[0].contains("/call/BK_") && mails[0].contains("Ihr Termin"),
        "{}",
        mails[0]
    );
    let id: String = sqlx::query_scalar("SELECT id FROM bookings WHERE channel = 'phone'")
        .fetch_one(stack.state.db.pool())
        .await
        .expect("phone booking");

    // The day view of this clerk shows it.
    let day = &times[4][..10];
    let clerk_id: i64 = sqlx::query_scalar("SELECT id FROM clerks WHERE username = 'clerk'")
        .fetch_one(stack.state.db.pool())
        .await
        .expect("clerk");
    let view = call(
        &stack,
        get(
            &format!("/clerk?day={day}&clerk={clerk_id}&lang=en"),
            &cookie,
        ),
    )
    .await;
    assert!(view.body.contains("Karl Anruf"), "{}", view.body);
    assert!(view.body.contains("Appointments on"), "the one-day view");

    // A note, sealed at rest.
    let noted = call(
        &stack,
        post(
            &format!("/clerk/booking/{id}/note"),
            "note=Bringt+die+Geburtsurkunde+mit&lang=en",
            &cookie,
        ),
    )
    .await;
    assert_eq!(noted.status, StatusCode::SEE_OTHER);
    let stored: String = sqlx::query_scalar("SELECT clerk_note FROM bookings WHERE id = $1")
        .bind(&id)
        .fetch_one(stack.state.db.pool())
        .await
        .expect("note");
    assert!(stored.starts_with("v1:") && !stored.contains("Geburtsurkunde"));
    let view = call(&stack, get("/clerk?lang=en", &cookie)).await;
    assert!(
        view.body.contains("Bringt die Geburtsurkunde mit"),
        "{}",
        view.body
    );

    // Not begun: no attendance yet.
    let early = call(
        &stack,
        post(
            &format!("/clerk/booking/{id}/attendance"),
            "attendance=no_show&lang=en",
            &cookie,
        ),
    )
    .await;
    assert_eq!(early.status, StatusCode::CONFLICT);

    // Moving it: the new time is taken, the old one free again, the caller told.
    let move_form = call(
        &stack,
        get(&format!("/clerk/booking/{id}/move?lang=en"), &cookie),
    )
    .await;
    let targets = slots(&move_form.body);
    let target = targets
        .iter()
        .find(|t| *t > &times[6])
        .expect("a later time")
        .clone();
    let moved = call(
        &stack,
        post(
            &format!("/clerk/booking/{id}/move"),
            &format!("slot={}&lang=en", common::enc(&target)),
            &cookie,
        ),
    )
    .await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.body);
    let (starts, units): (String, i64) = sqlx::query_as(
        "SELECT b.starts_at, (SELECT COUNT(*) FROM booking_claims c WHERE c.booking_id = b.id) FROM bookings b WHERE b.id = $1",
    )
    .bind(&id)
    .fetch_one(stack.state.db.pool())
    .await
    .expect("moved");
    assert_eq!(starts, target);
    assert_eq!(units, 4, "20 minutes claimed, once");
    let public = call(&stack, get("/book/meldebescheinigung?lang=en", "")).await;
    let offered = slots(&public.body);
    assert!(offered.contains(&times[4]), "the old time is free again");
    assert!(!offered.contains(&target), "the new time is taken");
    let moved_mail = common::outbox_to(&stack, "karl@example.org");
    assert_eq!(moved_mail.len(), 2);
    assert!(moved_mail[1].contains("verlegt") && moved_mail[1].contains("text/calendar"));
    // Onto a taken time: refused, nothing changes.
    let other = vamt_booking::booking::book(
        &stack.state.db,
        &stack.state.vault,
        &stack.state.settings,
        stack.clock.now(),
        vamt_booking::booking::NewBooking {
            services: vec!["meldebescheinigung".into()],
            start: vamt_portal_storage::db::parse_ts(&times[4]).expect("time"),
            name: "Lea".into(),
            email: "lea@example.org".into(),
            locale: "de".into(),
            channel: "web",
        },
    )
    .await
    .expect("the old time can be booked by others");
    let clash = call(
        &stack,
        post(
            &format!("/clerk/booking/{id}/move"),
            &format!("slot={}&lang=en", common::enc(&times[4])),
            &cookie,
        ),
    )
    .await;
    assert_eq!(clash.status, StatusCode::CONFLICT);
    assert!(clash.body.contains("just taken"));
    assert_ne!(other.booking.id, id);

    // After the start: the no-show is marked and counted.
    stack.clock.advance(
        vamt_portal_storage::db::parse_ts(&target).expect("t") + chrono::Duration::minutes(5)
            - stack.clock.now(),
    );
    let marked = call(
        &stack,
        post(
            &format!("/clerk/booking/{id}/attendance"),
            "attendance=no_show&lang=en",
            &cookie,
        ),
    )
    .await;
    assert_eq!(marked.status, StatusCode::SEE_OTHER);
    let attendance: Option<String> =
        sqlx::query_scalar("SELECT attendance FROM bookings WHERE id = $1")
            .bind(&id)
            .fetch_one(stack.state.db.pool())
            .await
            .expect("attendance");
    assert_eq!(attendance.as_deref(), Some("no_show"));
    let view = call(&stack, get(&format!("/clerk?day={day}&lang=en"), &cookie)).await;
    assert!(view.body.contains("Did not come"), "{}", view.body);

    // The statistics: the virtual office's booked share, the most requested service,
    // the no-show rate; as a page and as gauges.
    let page = call(&stack, get("/clerk/stats?lang=en", &cookie)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Virtuelles Bürgeramt"), "{}", page.body);
    assert!(
        page.body.contains("Certificate of registration: 2"),
        "{}",
        page.body
    );
    assert!(page.body.contains("100 % – 1 of 1"), "{}", page.body);
    let gathered = stack.state.registry.gather();
    let gauge = |name: &str| {
        gathered
            .iter()
            .find(|m| m.name() == name)
            .map(|m| {
                m.get_metric()
                    .iter()
                    .map(|x| x.get_gauge().get_value())
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    };
    let share = gauge("vamt_portal_utilisation_ratio");
    assert_eq!(share.len(), 1, "the one location with clerks");
    assert!(share[0] > 0.0 && share[0] < 1.0, "{share:?}");
    assert_eq!(gauge("vamt_portal_no_show_ratio"), vec![1.0]);
    assert_eq!(gauge("vamt_portal_service_requests"), vec![2.0]);
}
