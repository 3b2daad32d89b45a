//! The admin pages: only administrators get in; locations' hours and holidays, clerks'
//! skills, hours and absences, and the services' numbers change what citizens are offered;
//! a refused form changes nothing and comes back with what was typed.
use crate::common;

use axum::http::StatusCode;
use serde_json::{json, Value};

use common::{call, get, post, Stack};

async fn slots(stack: &Stack, service: &str) -> Vec<String> {
    let resp = call(stack, get(&format!("/api/v1/slots?services={service}"), "")).await;
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.body);
    let v: Value = serde_json::from_str(&resp.body).expect("json");
    v["slots"]
        .as_array()
        .expect("slots")
        .iter()
        .filter_map(|s| s["start"].as_str().map(str::to_owned))
        .collect()
}

fn on(slots: &[String], date: &str) -> usize {
    slots.iter().filter(|s| s.starts_with(date)).count()
}

async fn virtual_office(stack: &Stack) -> i64 {
    vamt_booking::catalogue::virtual_office(&stack.state.db)
        .await
        .expect("db")
        .expect("seeded")
        .id
}

async fn admin(stack: &Stack) -> String {
    common::sign_in(stack, "clerk", &stack.demo.clerk_password).await
}

/// A day with free times at the virtual office, other than today, as `YYYY-MM-DD` (UTC
/// dates of Berlin working hours are the local dates).
fn a_later_day(slots: &[String]) -> String {
    let first = slots.first().expect("a slot")[..10].to_owned();
    slots
        .iter()
        .map(|s| s[..10].to_owned())
        .find(|d| *d != first)
        .expect("a second day")
}

#[tokio::test]
async fn only_administrators_reach_the_admin_pages() {
    let stack = common::start(common::monday_morning(), json!({})).await;
    let anonymous = call(&stack, get("/admin", "")).await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
    assert_eq!(anonymous.location, "/clerk/login");

    vamt_booking::clerk::create(
        &stack.state.db,
        "jonas",
        "Jonas Berg",
        "pw-jonas-1234",
        stack.clock.now(),
    )
    .await
    .expect("clerk");
    let clerk = common::sign_in(&stack, "jonas", "pw-jonas-1234").await;
    for path in [
        "/admin",
        "/admin/locations/1",
        "/admin/clerks/1",
        "/admin/services/1",
    ] {
        let resp = call(&stack, get(path, &clerk)).await;
        assert_eq!(resp.status, StatusCode::FORBIDDEN, "{path}");
    }
    let office = virtual_office(&stack).await;
    let refused = call(
        &stack,
        post(
            &format!("/admin/locations/{office}/days"),
            "day=2026-12-01&hours=",
            &clerk,
        ),
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    // The console shows the way in to administrators only.
    assert!(!call(&stack, get("/clerk", &clerk))
        .await
        .body
        .contains("href=\"/admin"));

    let admin = admin(&stack).await;
    assert!(call(&stack, get("/clerk", &admin))
        .await
        .body
        .contains("href=\"/admin"));
    let page = call(&stack, get("/admin?lang=en", &admin)).await;
    assert_eq!(page.status, StatusCode::OK);
    for expected in [
        "Virtuelles Bürgeramt",
        "Bürgeramt Mitte",
        "Jonas Berg",
        "Change of address",
    ] {
        assert!(page.body.contains(expected), "{expected} on the overview");
    }
}

#[tokio::test]
async fn a_holiday_closes_the_day_and_names_the_appointments_it_touches() {
    let stack = common::start(common::monday_morning(), json!({})).await;
    let admin = admin(&stack).await;
    let office = virtual_office(&stack).await;
    let before = slots(&stack, "wohnsitzummeldung").await;
    let day = a_later_day(&before);
    assert!(on(&before, &day) > 0);

    // One appointment is booked that day before the city declares it a holiday.
    let start = before
        .iter()
        .find(|s| s.starts_with(&day))
        .expect("slot")
        .clone();
    let resp = call(
        &stack,
        common::json_request(
            "POST",
            "/api/v1/bookings",
            &json!({ "services": ["wohnsitzummeldung"], "start": start, "name": "Ida Roth", "email": "ida@example.org", "lang": "de" }),
        ),
    )
    .await;
    assert_eq!(resp.status, StatusCode::ACCEPTED, "held until confirmed");

    let closed = call(
        &stack,
        post(
            &format!("/admin/locations/{office}/days"),
            &format!("lang=en&day={day}&hours=&reason=Stadtfest"),
            &admin,
        ),
    )
    .await;
    assert_eq!(closed.status, StatusCode::SEE_OTHER);
    assert_eq!(
        closed.location,
        format!("/admin/locations/{office}?lang=en&saved=1&affected=1")
    );
    let page = call(&stack, get(&closed.location, &admin)).await;
    assert!(page
        .body
        .contains("One appointment already booked is affected"));
    assert!(page.body.contains("Stadtfest"));
    assert_eq!(
        on(&slots(&stack, "wohnsitzummeldung").await, &day),
        0,
        "no times on the holiday"
    );

    // Special hours replace the closure: only the afternoon is offered.
    let special = call(
        &stack,
        post(
            &format!("/admin/locations/{office}/days"),
            &format!("lang=en&day={day}&hours=14%3A00-15%3A00&reason="),
            &admin,
        ),
    )
    .await;
    assert_eq!(special.status, StatusCode::SEE_OTHER);
    let afternoon = slots(&stack, "wohnsitzummeldung").await;
    let that_day: Vec<_> = afternoon.iter().filter(|s| s.starts_with(&day)).collect();
    assert!(!that_day.is_empty());
    assert!(
        that_day
            .iter()
            .all(|s| s.as_str() >= format!("{day}T13:00").as_str()
                && s.as_str() < format!("{day}T14:00").as_str()),
        "14:00–15:00 Berlin is 13:00–14:00 UTC in winter: {that_day:?}"
    );

    let removed = call(
        &stack,
        post(
            &format!("/admin/locations/{office}/days"),
            &format!("lang=en&day={day}&remove=1"),
            &admin,
        ),
    )
    .await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER);
    let after = slots(&stack, "wohnsitzummeldung").await;
    assert_eq!(
        on(&after, &day),
        on(&before, &day) - 1,
        "the weekday's hours again, less the booked time"
    );
}

#[tokio::test]
async fn refused_hours_change_nothing_and_keep_what_was_typed() {
    let stack = common::start(common::monday_morning(), json!({})).await;
    let admin = admin(&stack).await;
    let office = virtual_office(&stack).await;
    let page = call(
        &stack,
        get(&format!("/admin/locations/{office}?lang=en"), &admin),
    )
    .await;
    assert_eq!(page.status, StatusCode::OK);
    let before = slots(&stack, "wohnsitzummeldung").await;

    let mut form = "lang=en&name=Virtuelles+B%C3%BCrgeramt+Neu&slug=virtuell&address=&timezone=Europe%2FBerlin&grid_minutes=15&active=1&hours-0=12%3A00-08%3A00".to_owned();
    for d in 1..7 {
        form.push_str(&format!("&hours-{d}="));
    }
    let refused = call(
        &stack,
        post(&format!("/admin/locations/{office}"), &form, &admin),
    )
    .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(refused.body.contains("Each span must end after it begins."));
    assert!(
        refused.body.contains("value=\"12:00-08:00\""),
        "the typed hours come back"
    );
    assert!(
        refused.body.contains("Virtuelles Bürgeramt Neu"),
        "the typed name comes back"
    );
    // Neither the name nor the hours changed.
    let locations = vamt_booking::catalogue::locations(&stack.state.db)
        .await
        .expect("db");
    assert!(locations.iter().any(|l| l.name == "Virtuelles Bürgeramt"));
    assert_eq!(slots(&stack, "wohnsitzummeldung").await, before);

    // The virtual office cannot be switched off.
    let off = form
        .replace("&active=1", "")
        .replace("12%3A00-08%3A00", "08%3A00-12%3A00");
    let refused = call(
        &stack,
        post(&format!("/admin/locations/{office}"), &off, &admin),
    )
    .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(refused.body.contains("cannot be closed for good"));

    // A valid week: Mondays only, mornings only.
    let monday = form.replace("12%3A00-08%3A00", "08%3A00-09%3A00");
    let saved = call(
        &stack,
        post(&format!("/admin/locations/{office}"), &monday, &admin),
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let after = slots(&stack, "wohnsitzummeldung").await;
    assert!(!after.is_empty());
    for s in &after {
        let t = chrono::DateTime::parse_from_rfc3339(s).expect("time");
        let local = t.with_timezone(&chrono_tz::Europe::Berlin);
        assert_eq!(
            chrono::Datelike::weekday(&local),
            chrono::Weekday::Mon,
            "{s}"
        );
        assert!(chrono::Timelike::hour(&local) == 8, "{s}");
    }
}

#[tokio::test]
async fn a_new_location_is_checked_and_listed() {
    let stack = common::start(common::monday_morning(), json!({})).await;
    let admin = admin(&stack).await;
    let base = "lang=en&name=B%C3%BCrgeramt+Ost&address=Ostweg+1&timezone=Europe%2FBerlin&grid_minutes=15&active=1&hours-0=08%3A00-12%3A00&hours-1=&hours-2=&hours-3=&hours-4=&hours-5=&hours-6=";
    let taken = call(
        &stack,
        post("/admin/locations", &format!("{base}&slug=mitte"), &admin),
    )
    .await;
    assert_eq!(taken.status, StatusCode::BAD_REQUEST);
    assert!(taken.body.contains("Another location has this short name."));
    let created = call(
        &stack,
        post("/admin/locations", &format!("{base}&slug=ost"), &admin),
    )
    .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER);
    let page = call(&stack, get(&created.location, &admin)).await;
    assert!(page.body.contains("Bürgeramt Ost"));
    assert!(page.body.contains("value=\"08:00–12:00\""));
    let locations = vamt_booking::catalogue::locations(&stack.state.db)
        .await
        .expect("db");
    assert!(locations.iter().any(|l| l.slug == "ost" && !l.is_virtual));
}

#[tokio::test]
async fn clerks_skills_hours_and_absences_shape_the_offer() {
    let stack = common::start(common::monday_morning(), json!({})).await;
    let admin = admin(&stack).await;
    let office = virtual_office(&stack).await;
    let before = slots(&stack, "steuer-id").await;
    let day = a_later_day(&before);

    // A second clerk at the virtual office, made on the admin page: the password shows once.
    let created = call(
        &stack,
        post(
            "/admin/clerks",
            &format!("lang=en&username=mara&display_name=Mara+Lind&location={office}"),
            &admin,
        ),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let password = created
        .body
        .split("<code class=\"password\">")
        .nth(1)
        .and_then(|r| r.split('<').next())
        .expect("password shown")
        .to_owned();
    let mara_session = common::sign_in(&stack, "mara", &password).await;
    assert_eq!(
        call(&stack, get("/admin", &mara_session)).await.status,
        StatusCode::FORBIDDEN
    );
    let duplicate = call(
        &stack,
        post(
            "/admin/clerks",
            &format!("lang=en&username=mara&display_name=Mara+Zwei&location={office}"),
            &admin,
        ),
    )
    .await;
    assert_eq!(duplicate.status, StatusCode::BAD_REQUEST);
    assert!(duplicate.body.contains("This user name is taken."));
    let clerks = vamt_booking::clerk::list(&stack.state.db)
        .await
        .expect("db");
    let mara = clerks
        .iter()
        .find(|c| c.username == "mara")
        .expect("mara")
        .id;
    let demo = clerks
        .iter()
        .find(|c| c.username == "clerk")
        .expect("demo clerk")
        .id;

    // The demo clerk is away that day: Mara alone serves it, and she does only Steuer-ID.
    let away = call(
        &stack,
        post(
            &format!("/admin/clerks/{demo}/days"),
            &format!("lang=en&day={day}&hours=&reason=Fortbildung"),
            &admin,
        ),
    )
    .await;
    assert_eq!(away.status, StatusCode::SEE_OTHER);
    let steuer: i64 = sqlx::query_scalar("SELECT id FROM services WHERE slug = 'steuer-id'")
        .fetch_one(stack.state.db.pool())
        .await
        .expect("service");
    let week = "&hours-0=&hours-1=&hours-2=&hours-3=&hours-4=&hours-5=&hours-6=";
    let skilled = call(
        &stack,
        post(
            &format!("/admin/clerks/{mara}"),
            &format!(
                "lang=en&display_name=Mara+Lind&location={office}&active=1&skill={steuer}{week}"
            ),
            &admin,
        ),
    )
    .await;
    assert_eq!(skilled.status, StatusCode::SEE_OTHER, "{}", skilled.body);
    assert!(
        on(&slots(&stack, "steuer-id").await, &day) > 0,
        "Mara does Steuer-ID"
    );
    assert_eq!(
        on(&slots(&stack, "wohnsitzummeldung").await, &day),
        0,
        "nobody does the rest that day"
    );
    assert!(
        on(&slots(&stack, "wohnsitzummeldung").await, &before[0][..10]) > 0,
        "the demo clerk does, other days"
    );

    // Mara's own hours: that day only 10:00–11:00 local.
    let weekday = chrono::Datelike::weekday(
        &chrono::NaiveDate::parse_from_str(&day, "%Y-%m-%d").expect("date"),
    )
    .num_days_from_monday();
    let own = week.replace(
        &format!("&hours-{weekday}="),
        &format!("&hours-{weekday}=10%3A00-11%3A00"),
    );
    let hours = call(
        &stack,
        post(
            &format!("/admin/clerks/{mara}"),
            &format!("lang=en&display_name=Mara+Lind&location={office}&active=1&skill={steuer}&own_hours=1{own}"),
            &admin,
        ),
    )
    .await;
    assert_eq!(hours.status, StatusCode::SEE_OTHER);
    let offered = slots(&stack, "steuer-id").await;
    let that_day: Vec<_> = offered.iter().filter(|s| s.starts_with(&day)).collect();
    assert!(!that_day.is_empty());
    assert!(
        that_day.iter().all(|s| s[11..13] == *"09"),
        "10–11 Berlin is 09–10 UTC: {that_day:?}"
    );

    // Deactivated, Mara cannot sign in and is offered no more.
    let gone = call(
        &stack,
        post(
            &format!("/admin/clerks/{mara}"),
            &format!("lang=en&display_name=Mara+Lind&location={office}{week}"),
            &admin,
        ),
    )
    .await;
    assert_eq!(gone.status, StatusCode::SEE_OTHER);
    assert_eq!(on(&slots(&stack, "steuer-id").await, &day), 0);
    assert_eq!(
        call(&stack, get("/clerk", &mara_session)).await.status,
        StatusCode::SEE_OTHER,
        "her session ended"
    );

    // An admin cannot take away their own role.
    let me = call(
        &stack,
        post(
            &format!("/admin/clerks/{demo}"),
            &format!("lang=en&display_name=Stefanie+Wolf&location={office}&active=1{week}"),
            &admin,
        ),
    )
    .await;
    assert_eq!(me.status, StatusCode::BAD_REQUEST);
    assert!(me
        .body
        .contains("You cannot take away your own administrator role"));
    assert!(vamt_booking::clerk::list(&stack.state.db)
        .await
        .expect("db")
        .iter()
        .any(|c| c.id == demo && c.is_admin));
}

#[tokio::test]
async fn service_numbers_change_what_is_offered() {
    let stack = common::start(common::monday_morning(), json!({})).await;
    let admin = admin(&stack).await;
    let id: i64 = sqlx::query_scalar("SELECT id FROM services WHERE slug = 'lebensbescheinigung'")
        .fetch_one(stack.state.db.pool())
        .await
        .expect("service");
    let bad = call(
        &stack,
        post(
            &format!("/admin/services/{id}"),
            "lang=en&duration=25&buffer=0&fee=zehn&virtual_ok=1&active=1",
            &admin,
        ),
    )
    .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("Please enter the fee in euros"));
    assert!(bad.body.contains("value=\"zehn\""));

    let saved = call(
        &stack,
        post(
            &format!("/admin/services/{id}"),
            "lang=en&duration=25&buffer=5&fee=7%2C50&virtual_ok=1&active=1",
            &admin,
        ),
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let list: Value =
        serde_json::from_str(&call(&stack, get("/api/v1/services", "")).await.body).expect("json");
    let s = list
        .as_array()
        .expect("services")
        .iter()
        .find(|s| s["slug"] == "lebensbescheinigung")
        .expect("listed")
        .clone();
    assert_eq!(
        (s["minutes"].as_i64(), s["fee_cents"].as_i64()),
        (Some(25), Some(750))
    );
    let offered = slots(&stack, "lebensbescheinigung").await;
    let first = chrono::DateTime::parse_from_rfc3339(&offered[0]).expect("time");
    let ends: Value = serde_json::from_str(
        &call(
            &stack,
            get("/api/v1/slots?services=lebensbescheinigung", ""),
        )
        .await
        .body,
    )
    .expect("json");
    let end = chrono::DateTime::parse_from_rfc3339(ends["slots"][0]["end"].as_str().expect("end"))
        .expect("time");
    assert_eq!((end - first).num_minutes(), 25);

    // Withdrawn from the offer: no longer listed, no longer bookable.
    let off = call(
        &stack,
        post(
            &format!("/admin/services/{id}"),
            "lang=en&duration=25&buffer=5&fee=7%2C50&virtual_ok=1",
            &admin,
        ),
    )
    .await;
    assert_eq!(off.status, StatusCode::SEE_OTHER);
    let list = call(&stack, get("/api/v1/services", "")).await.body;
    assert!(!list.contains("lebensbescheinigung"));
}
