//! Booking through the pages, the mail in the outbox, the join link, the clerk console.
use crate::common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::json;
use tower::ServiceExt;

struct Resp {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: String,
}

async fn call(stack: &common::Stack, req: Request<Body>) -> Resp {
    let resp = vamt_portal::app(stack.state.clone())
        .oneshot(req)
        .await
        .expect("infallible");
    let status = resp.status();
    let headers = resp.headers().clone();
    let bytes = resp.into_body().collect().await.expect("body").to_bytes();
    Resp {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

fn get(uri: &str) -> Request<Body> {
    Request::get(uri).body(Body::empty()).expect("request")
}

fn post_form(uri: &str, form: &str, cookie: Option<&str>) -> Request<Body> {
    let mut b =
        Request::post(uri).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(c) = cookie {
        b = b.header(header::COOKIE, c);
    }
    b.body(Body::from(form.to_owned())).expect("request")
}

fn link_in(mail: &str, marker: &str) -> Option<String> {
    let at = mail.find(marker)?;
    let begin = mail[..at].rfind("http")?;
    Some(
        mail[begin..]
            .chars()
            .take_while(|c| !c.is_whitespace())
            .collect(),
    )
}

/// Double opt-in as the citizen does it: the opt-in mail to `email` carries no join link,
/// only the confirm link; opening it asks (a mail scanner that follows links confirms
/// nothing); the button confirms. Returns the page the button leads to.
async fn confirm_by_mail(stack: &common::Stack, email: &str) -> Resp {
    let to = format!("To: {email}");
    let mail = common::outbox(stack)
        .into_iter()
        .find(|m| m.contains(&to) && m.contains("/confirm?key="))
        .expect("opt-in mail");
    assert!(
        !mail.contains("/call/BK_"),
        "no join link before confirming"
    );
    assert!(!mail.contains("text/calendar"), "no calendar file before");
    let link = link_in(&mail, "/confirm?key=").expect("confirm link");
    let path = link
        .split_once("://")
        .and_then(|(_, rest)| rest.find('/').map(|i| rest[i..].to_owned()))
        .expect("path");
    let asked = call(stack, get(&path)).await;
    assert_eq!(asked.status, StatusCode::OK);
    if !asked.body.contains("name=\"key\"") {
        // Confirmed before: the page says so and offers nothing to press.
        assert!(asked.body.contains("already confirmed"), "{}", asked.body);
        return asked;
    }
    let (route, query) = path.split_once('?').expect("query");
    call(stack, post_form(route, query, None)).await
}

fn first_slot(html: &str) -> String {
    let at = html
        .find("name=\"slot\" value=\"")
        .expect("a free slot is offered");
    let rest = &html[at + 19..];
    rest[..rest.find('"').expect("closing quote")].to_owned()
}

#[tokio::test]
async fn citizen_books_gets_mail_with_working_link_and_clerk_sees_booking() {
    let stack = common::start(common::monday_morning(), json!({})).await;

    let index = call(&stack, get("/?lang=en")).await;
    assert_eq!(index.status, StatusCode::OK);
    assert!(index.body.contains("Change of address"), "{}", index.body);

    let form = call(&stack, get("/book/wohnsitzummeldung?lang=en")).await;
    assert_eq!(form.status, StatusCode::OK);
    let slot = first_slot(&form.body);
    // Monday 08:00 Berlin with no lead time: the first slot would be now, but the demo
    // booking seeded at start holds its clerk for its two services (20 + 20 minutes).
    assert_eq!(slot, "2026-11-23T07:40:00Z");

    // Invalid input is refused with the form kept.
    let bad = call(
        &stack,
        post_form(
            "/book/wohnsitzummeldung",
            &format!(
                "slot={}&name=Max&email=not-an-address&lang=en",
                common::enc(&slot)
            ),
            None,
        ),
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("valid e-mail address"), "{}", bad.body);
    assert!(bad.body.contains("value=\"Max\""));
    let no_slot = call(
        &stack,
        post_form(
            "/book/wohnsitzummeldung",
            "name=Max&email=max%40example.org&lang=en",
            None,
        ),
    )
    .await;
    assert_eq!(no_slot.status, StatusCode::UNPROCESSABLE_ENTITY);
    let off_grid = call(
        &stack,
        post_form(
            "/book/wohnsitzummeldung",
            "slot=2026-11-23T07%3A05%3A00Z&name=Max&email=max%40example.org&lang=en",
            None,
        ),
    )
    .await;
    assert_eq!(off_grid.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(off_grid.body.contains("not on offer"));

    let booked = call(
        &stack,
        post_form(
            "/book/wohnsitzummeldung",
            &format!(
                "slot={}&name=Max+M%C3%BCller&email=max%40example.org&lang=en",
                common::enc(&slot)
            ),
            None,
        ),
    )
    .await;
    assert_eq!(booked.status, StatusCode::SEE_OTHER, "{}", booked.body);
    let location = booked.headers[header::LOCATION]
        .to_str()
        .expect("location")
        .to_owned();
    let page = call(&stack, get(&location)).await;
    assert!(
        page.body.contains("Please confirm your appointment"),
        "{}",
        page.body
    );
    assert!(
        !page.body.contains("Müller"),
        "the confirmation page shows no personal data"
    );
    // Before confirming, the time is held: nobody else can take it.
    let confirmed = confirm_by_mail(&stack, "max@example.org").await;
    assert_eq!(confirmed.status, StatusCode::OK);
    assert!(
        confirmed.body.contains("Your appointment is booked"),
        "{}",
        confirmed.body
    );
    let page = call(&stack, get(&location)).await;
    assert!(page.body.contains("Your appointment is booked"));
    // The link used again: confirmed already, no second confirmation mail.
    let again = confirm_by_mail(&stack, "max@example.org").await;
    assert!(again.body.contains("already confirmed"));

    // The same slot again (capacity 1): taken, with the form offering the others.
    let again = call(
        &stack,
        post_form(
            "/book/wohnsitzummeldung",
            &format!(
                "slot={}&name=Eva&email=eva%40example.org&lang=en",
                common::enc(&slot)
            ),
            None,
        ),
    )
    .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(again.body.contains("just taken"));
    assert_ne!(
        first_slot(&again.body),
        slot,
        "alternatives start after the taken slot"
    );

    // The confirmation mail went to the outbox (no SMTP configured) with the join link:
    // the opt-in mail and one confirmation, however often the confirm link is used.
    let mails = common::outbox(&stack);
    assert_eq!(mails.len(), 2, "opt-in and confirmation");
    let confirmations: Vec<&String> = mails.iter().filter(|m| m.contains("/call/BK_")).collect();
    assert_eq!(confirmations.len(), 1);
    let unfolded = confirmations[0];
    assert!(unfolded.contains("To: max@example.org"), "{unfolded}");
    let start = unfolded.find("/call/BK_").expect("join link in mail");
    let link: String = unfolded[start..]
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect();
    assert!(link.contains("?key="), "{link}");

    // Hours before the appointment the link says when the waiting room opens, and mints
    // no token.
    let early = call(&stack, get(&link)).await;
    assert_eq!(early.status, StatusCode::OK);
    assert!(!early.body.contains("call-config"), "{}", early.body);
    assert!(
        early.body.contains("waiting room is not open yet"),
        "{}",
        early.body
    );
    // Ten minutes before, inside the 15-minute window: the call page with a waiting-room
    // token.
    let starts = vamt_portal_storage::db::parse_ts(&slot).expect("slot is a time");
    stack
        .clock
        .advance(starts - chrono::Duration::minutes(10) - stack.clock.now());
    let call_page = call(&stack, get(&link)).await;
    assert_eq!(call_page.status, StatusCode::OK);
    assert_eq!(call_page.headers[header::CACHE_CONTROL], "no-store");
    let cfg_start = call_page.body.find("id=\"call-config\">").expect("config") + 17;
    let cfg_end = call_page.body[cfg_start..].find("</script>").expect("end") + cfg_start;
    let cfg: serde_json::Value =
        serde_json::from_str(&call_page.body[cfg_start..cfg_end]).expect("config is JSON");
    let claims = stack
        .state
        .tokens
        .verify(
            cfg["token"].as_str().expect("token"),
            stack.clock.now().timestamp() as u64,
        )
        .expect("token verifies");
    assert_eq!(claims.room, cfg["room"].as_str().expect("room"));
    assert_eq!(claims.role, vamt_signalling::Role::Citizen);
    assert!(claims.lobby, "citizens wait to be admitted");
    assert_eq!(
        claims.opens_at,
        Some((starts - chrono::Duration::minutes(15)).timestamp() as u64)
    );

    // A wrong or missing key opens nothing.
    let wrong = link.split("?key=").next().expect("path").to_owned() + "?key=guess";
    assert_eq!(
        call(&stack, get(&wrong)).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        call(&stack, get(link.split('?').next().expect("path")))
            .await
            .status,
        StatusCode::FORBIDDEN
    );

    // The clerk console needs a login.
    let console = call(&stack, get("/clerk")).await;
    assert_eq!(console.status, StatusCode::SEE_OTHER);
    let refused = call(
        &stack,
        post_form("/clerk/login", "username=clerk&password=wrong", None),
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    let login = call(
        &stack,
        post_form(
            "/clerk/login",
            &format!(
                "username=clerk&password={}",
                common::enc(&stack.demo.clerk_password)
            ),
            None,
        ),
    )
    .await;
    assert_eq!(login.status, StatusCode::SEE_OTHER);
    let cookie = login.headers[header::SET_COOKIE]
        .to_str()
        .expect("cookie")
        .to_owned();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"));
    let cookie = cookie.split(';').next().expect("pair").to_owned();
    let console = call(
        &stack,
        Request::get("/clerk?lang=en")
            .header(header::COOKIE, &cookie)
            .body(Body::empty())
            .expect("req"),
    )
    .await;
    assert_eq!(console.status, StatusCode::OK);
    assert!(console.body.contains("Max Müller"), "{}", console.body);
    let booking_id = link
        .split("/call/")
        .nth(1)
        .and_then(|s| s.split('?').next())
        .expect("id");
    let clerk_page = call(
        &stack,
        Request::get(format!("/clerk/call/{booking_id}"))
            .header(header::COOKIE, &cookie)
            .body(Body::empty())
            .expect("req"),
    )
    .await;
    assert_eq!(clerk_page.status, StatusCode::OK);
    assert!(clerk_page.body.contains("\"role\":\"clerk\""));

    // Logging out ends the session.
    let out = call(&stack, post_form("/clerk/logout", "", Some(&cookie))).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    let after = call(
        &stack,
        Request::get("/clerk")
            .header(header::COOKIE, &cookie)
            .body(Body::empty())
            .expect("req"),
    )
    .await;
    assert_eq!(after.status, StatusCode::SEE_OTHER);

    // Requests were counted by route template, not by raw path.
    let text = common::metrics_text(&stack).await;
    assert!(
        text.contains(
            "vamt_portal_http_requests_total{method=\"GET\",route=\"/call/{id}\",status=\"200\"}"
        ),
        "{text}"
    );
    assert!(text.contains("vamt_portal_bookings_total{channel=\"web\"} 1"));
}

#[tokio::test]
async fn health_endpoints_report_database_and_media() {
    let stack = common::start(common::monday_morning(), json!({})).await;
    assert_eq!(call(&stack, get("/healthz")).await.body, "ok");
    let ready = call(&stack, get("/readyz")).await;
    assert_eq!(ready.status, StatusCode::OK);
    assert!(ready.body.contains("\"ready\":true"));
    stack.state.hub.shutdown();
    assert_eq!(
        call(&stack, get("/readyz")).await.status,
        StatusCode::SERVICE_UNAVAILABLE
    );
    assert_eq!(
        call(&stack, get("/no/such/page")).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn personal_data_is_sealed_at_rest_and_erased_after_retention() {
    let stack = common::start(
        common::monday_morning(),
        json!({"retention": {"personal_data_days": 30}}),
    )
    .await;
    let form = call(&stack, get("/book/wohnsitzummeldung?lang=de")).await;
    let slot = first_slot(&form.body);
    let booked = call(
        &stack,
        post_form(
            "/book/wohnsitzummeldung",
            &format!(
                "slot={}&name=Zo%C3%AB+Sealed&email=zoe.sealed%40example.org",
                common::enc(&slot)
            ),
            None,
        ),
    )
    .await;
    assert_eq!(booked.status, StatusCode::SEE_OTHER);
    confirm_by_mail(&stack, "zoe.sealed@example.org").await;

    // What the database holds reveals no one.
    let rows: Vec<(String, String)> = sqlx::query_as("SELECT citizen_name, email FROM bookings")
        .fetch_all(stack.state.db.pool())
        .await
        .expect("rows");
    assert_eq!(rows.len(), 2, "demo booking and ours");
    for (name, email) in &rows {
        assert!(
            name.starts_with("v1:") && email.starts_with("v1:"),
            "{name} {email}"
        );
        // Only what sealed text (base64) cannot hold by chance: "Zo" alone turned up in a
        // random ciphertext once in a while.
        assert!(!name.contains("Zoë") && !email.contains("example.org"));
    }
    // On SQLite the file itself (on PostgreSQL the server's files are not ours to read; the
    // rows above are what it stores).
    if common::postgres_admin_url().is_none() {
        let db_file =
            std::fs::read(stack.state.settings.data_dir.join("vamt.db")).expect("db file");
        let wal =
            std::fs::read(stack.state.settings.data_dir.join("vamt.db-wal")).unwrap_or_default();
        for bytes in [db_file, wal] {
            assert!(
                !bytes.windows(17).any(|w| w == b"zoe.sealed@exampl"),
                "plaintext e-mail on disk"
            );
        }
    }

    let raw = common::outbox(&stack)
        .into_iter()
        .find(|m| m.contains("/call/BK_"))
        .expect("confirmation");
    let start = raw.find("/call/BK_").expect("link");
    let link: String = raw[start..]
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect();
    assert_eq!(call(&stack, get(&link)).await.status, StatusCode::OK);

    // Within the retention period nothing is erased.
    stack.clock.advance(chrono::Duration::days(29));
    assert_eq!(
        vamt_booking::retention::run_once(&stack.state)
            .await
            .expect("job"),
        0
    );
    // After it, both bookings lose name, e-mail and join link; the bookings stay.
    stack.clock.advance(chrono::Duration::days(2));
    assert_eq!(
        vamt_booking::retention::run_once(&stack.state)
            .await
            .expect("job"),
        2
    );
    assert_eq!(
        vamt_booking::retention::run_once(&stack.state)
            .await
            .expect("job"),
        0,
        "erased once"
    );
    let id = link
        .split("/call/")
        .nth(1)
        .and_then(|s| s.split('?').next())
        .expect("id");
    let b = vamt_booking::booking::find(&stack.state.db, &stack.state.vault, id)
        .await
        .expect("find")
        .expect("booking kept");
    assert_eq!((b.citizen_name.as_str(), b.email.as_str()), ("", ""));
    assert_eq!(
        call(&stack, get(&link)).await.status,
        StatusCode::FORBIDDEN,
        "join link dead"
    );
    assert_eq!(stack.state.office.metrics.erased.get(), 2);
}

#[tokio::test]
async fn an_explicit_language_choice_is_remembered_across_pages() {
    let stack = common::start(common::monday_morning(), json!({})).await;
    let first = call(
        &stack,
        Request::get("/clerk/login?lang=en")
            .header(header::ACCEPT_LANGUAGE, "de")
            .body(Body::empty())
            .expect("req"),
    )
    .await;
    assert!(first.body.contains("Clerk sign-in"));
    let cookie = first.headers[header::SET_COOKIE]
        .to_str()
        .expect("cookie")
        .split(';')
        .next()
        .expect("pair")
        .to_owned();
    assert_eq!(cookie, "vamt_lang=en");
    // Later pages without ?lang= keep English, even for a German browser.
    let later = call(
        &stack,
        Request::get("/")
            .header(header::ACCEPT_LANGUAGE, "de")
            .header(header::COOKIE, &cookie)
            .body(Body::empty())
            .expect("req"),
    )
    .await;
    assert!(
        later.body.contains("<html lang=\"en\" dir=\"ltr\">"),
        "{}",
        later.body
    );
    // Without the cookie the browser's language decides; unknown choices are ignored.
    let plain = call(
        &stack,
        Request::get("/?lang=xx")
            .header(header::ACCEPT_LANGUAGE, "de")
            .body(Body::empty())
            .expect("req"),
    )
    .await;
    assert!(plain.body.contains("<html lang=\"de\" dir=\"ltr\">"));
    assert!(!plain.headers.contains_key(header::SET_COOKIE));
}

#[tokio::test]
async fn every_page_carries_security_headers() {
    let stack = common::start(common::monday_morning(), json!({})).await;
    for path in ["/", "/clerk/login", "/no/such/page", "/static/call.js"] {
        let r = call(&stack, get(path)).await;
        let h = |name: &str| {
            r.headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_owned()
        };
        assert!(
            h("content-security-policy").contains("frame-ancestors 'none'"),
            "{path}"
        );
        assert!(
            h("content-security-policy").contains("script-src 'self'"),
            "{path}"
        );
        assert_eq!(h("referrer-policy"), "no-referrer", "{path}");
        assert_eq!(h("x-content-type-options"), "nosniff", "{path}");
        assert_eq!(h("x-frame-options"), "DENY", "{path}");
    }
}

#[tokio::test]
async fn the_catalogue_says_what_to_bring_and_what_needs_a_visit_which_cannot_be_booked() {
    let stack = common::start(common::monday_morning(), json!({})).await;
    let index = call(&stack, get("/?lang=de")).await;
    assert_eq!(index.status, StatusCode::OK);
    for name in [
        "Abmeldung ins Ausland",
        "Gewerbezentralregister",
        "Steuerliche Identifikationsnummer",
        "Bewohnerparkausweis",
        "Familienpass",
        "Reisepass beantragen",
    ] {
        assert!(index.body.contains(name), "{name} listed");
    }
    assert!(index.body.contains("Bitte halten Sie bereit:"));
    assert!(index.body.contains("Wohnungsgeberbestätigung"));
    // A passport needs fingerprints: the reason is shown, and no booking link.
    assert!(index.body.contains("Fingerabdrücke"));
    assert!(!index.body.contains("href=\"/book/reisepass"));
    assert!(index.body.contains("href=\"/book/ausweis-beratung"));

    let form = call(&stack, get("/book/reisepass?lang=en")).await;
    assert_eq!(form.status, StatusCode::CONFLICT);
    assert!(
        form.body.contains("cannot be done by video"),
        "{}",
        form.body
    );
    // Posting anyway is refused the same way, and nothing is stored.
    let any_slot = first_slot(
        &call(&stack, get("/book/meldebescheinigung?lang=en"))
            .await
            .body,
    );
    let posted = call(
        &stack,
        post_form(
            "/book/reisepass",
            &format!(
                "slot={}&name=Erika+Muster&email=erika%40example.org&lang=en",
                common::enc(&any_slot)
            ),
            None,
        ),
    )
    .await;
    assert_eq!(posted.status, StatusCode::CONFLICT);
    let stored: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM bookings b JOIN services s ON s.id = b.service_id WHERE s.slug = 'reisepass'",
    )
    .fetch_one(stack.state.db.pool())
    .await
    .expect("count");
    assert_eq!(stored, 0);
}

/// The newest mail in the outbox, raw.
fn newest_mail(stack: &common::Stack) -> String {
    let outbox = stack.state.settings.data_dir.join("outbox");
    let mut mails: Vec<_> = std::fs::read_dir(&outbox)
        .expect("outbox exists")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    mails.sort();
    std::fs::read_to_string(mails.last().expect("a mail")).expect("mail")
}

#[tokio::test]
async fn the_confirmation_carries_a_calendar_file_and_a_cancel_link_that_frees_the_slot() {
    let stack = common::start(common::monday_morning(), json!({})).await;
    let form = call(&stack, get("/book/meldebescheinigung?lang=en")).await;
    let slot = first_slot(&form.body);
    let booked = call(
        &stack,
        post_form(
            "/book/meldebescheinigung",
            &format!(
                "slot={}&name=Jana+Beispiel&email=jana%40example.org&lang=en",
                common::enc(&slot)
            ),
            None,
        ),
    )
    .await;
    assert_eq!(booked.status, StatusCode::SEE_OTHER);
    confirm_by_mail(&stack, "jana@example.org").await;
    let raw = newest_mail(&stack);
    assert!(raw.contains("Content-Type: multipart/mixed"), "{raw}");
    // The calendar part, decoded, parses as one event at the booked time.
    let part = raw
        .split("Content-Type: text/calendar; charset=utf-8; method=PUBLISH")
        .nth(1)
        .expect("a calendar part");
    let body = part.split_once("\r\n\r\n").expect("part body").1;
    let body = body.split("\r\n--").next().expect("up to the boundary");
    let ics = quoted_printable(body);
    use icalendar::Component;
    let calendar: icalendar::Calendar = ics.parse().expect("valid iCalendar");
    let events: Vec<&icalendar::Event> = calendar
        .components
        .iter()
        .filter_map(|c| match c {
            icalendar::CalendarComponent::Event(e) => Some(e),
            _ => None,
        })
        .collect();
    assert_eq!(events.len(), 1, "{ics}");
    assert_eq!(events[0].get_summary(), Some("Certificate of registration"));
    let start = vamt_portal_storage::db::parse_ts(&slot).expect("slot");
    assert_eq!(
        events[0].property_value("DTSTART"),
        Some(start.format("%Y%m%dT%H%M%SZ").to_string().as_str())
    );
    assert!(events[0]
        .get_description()
        .is_some_and(|d| d.contains("ID card or passport")));

    // The cancel link shows the appointment and asks; opening it changes nothing.
    let text = quoted_printable(&raw);
    let at = text.find("/booking/BK_").expect("cancel link in the mail");
    let path: String = text[at..]
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect();
    let (id, key) = {
        let rest = &path["/booking/".len()..];
        let id = &rest[..rest.find('/').expect("id")];
        let key = &rest[rest.find("key=").expect("key") + 4..];
        (
            id.to_owned(),
            key[..key.find('&').unwrap_or(key.len())].to_owned(),
        )
    };
    let page = call(&stack, get(&path)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Do you want to cancel"), "{}", page.body);
    let taken = |body: &str| !body.contains(&format!("value=\"{slot}\""));
    assert!(taken(
        &call(&stack, get("/book/meldebescheinigung?lang=en"))
            .await
            .body
    ));

    // A wrong key cancels nothing.
    let wrong = call(
        &stack,
        post_form(
            &format!("/booking/{id}/cancel"),
            "key=guessed&lang=en",
            None,
        ),
    )
    .await;
    assert_eq!(wrong.status, StatusCode::NOT_FOUND);
    assert!(taken(
        &call(&stack, get("/book/meldebescheinigung?lang=en"))
            .await
            .body
    ));

    // The right one does; the place is offered again at once and the join link is dead.
    let form = format!("key={key}&lang=en");
    let done = call(
        &stack,
        post_form(&format!("/booking/{id}/cancel"), &form, None),
    )
    .await;
    assert_eq!(done.status, StatusCode::OK);
    assert!(done.body.contains("is cancelled"), "{}", done.body);
    assert!(!taken(
        &call(&stack, get("/book/meldebescheinigung?lang=en"))
            .await
            .body
    ));
    let join = call(&stack, get(&format!("/call/{id}?key={key}&lang=en"))).await;
    assert_eq!(
        join.status,
        StatusCode::FORBIDDEN,
        "the join link opens no call"
    );
    // The link used twice: said so, no error.
    let again = call(
        &stack,
        post_form(&format!("/booking/{id}/cancel"), &form, None),
    )
    .await;
    assert_eq!(again.status, StatusCode::OK);
    assert!(
        again.body.contains("already been cancelled"),
        "{}",
        again.body
    );
    assert_eq!(stack.state.office.metrics.cancellations.get(), 1);
}

/// Decodes a quoted-printable text (RFC 2045 §6.7): soft line breaks and `=XX` octets.
fn quoted_printable(s: &str) -> String {
    let s = s.replace("=\r\n", "");
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'=' && i + 2 < bytes.len() {
            if let Some(b) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Every free slot on the form, in order.
fn slots(html: &str) -> Vec<String> {
    html.match_indices("name=\"slot\" value=\"")
        .map(|(at, m)| {
            let rest = &html[at + m.len()..];
            rest[..rest.find('"').expect("closing quote")].to_owned()
        })
        .collect()
}

/// Books `slot` as `who` and confirms from the opt-in mail; the booking's status.
async fn book_at(stack: &common::Stack, slot: &str, who: &str) -> StatusCode {
    let status = call(
        stack,
        post_form(
            "/book/meldebescheinigung",
            &format!(
                "slot={}&name={who}&email={who}%40example.org&lang=en",
                common::enc(slot)
            ),
            None,
        ),
    )
    .await
    .status;
    if status == StatusCode::SEE_OTHER {
        let confirmed = confirm_by_mail(stack, &format!("{who}@example.org")).await;
        assert_eq!(confirmed.status, StatusCode::OK);
    }
    status
}

#[tokio::test]
async fn a_reminder_goes_out_once_a_day_ahead_with_working_links_and_not_for_late_or_cancelled_bookings(
) {
    let stack = common::start(common::monday_morning(), json!({})).await;
    let offered = slots(
        &call(&stack, get("/book/meldebescheinigung?lang=en"))
            .await
            .body,
    );
    let wednesday: Vec<&String> = offered
        .iter()
        .filter(|s| s.starts_with("2026-11-25T"))
        .collect();
    let today = &offered[0];
    assert!(today.starts_with("2026-11-23T"));
    for (slot, who) in [
        (wednesday[0], "early"),
        (wednesday[1], "cancels"),
        (today, "late"),
    ] {
        assert_eq!(book_at(&stack, slot, who).await, StatusCode::SEE_OTHER);
    }
    // The one who cancels uses the link from the confirmation.
    let raw = std::fs::read_dir(stack.state.settings.data_dir.join("outbox"))
        .expect("outbox")
        .filter_map(Result::ok)
        .map(|e| quoted_printable(&std::fs::read_to_string(e.path()).expect("mail")))
        .find(|m| m.contains("To: cancels@example.org") && m.contains("/cancel?key="))
        .expect("confirmation of the one who cancels");
    let at = raw.find("/booking/BK_").expect("cancel link");
    let rest = &raw[at + "/booking/".len()..];
    let id = &rest[..rest.find('/').expect("id")];
    let key = &rest[rest.find("key=").expect("key") + 4..];
    let key = &key[..key.find('&').expect("lang follows")];
    let cancelled = call(
        &stack,
        post_form(
            &format!("/booking/{id}/cancel"),
            &format!("key={key}"),
            None,
        ),
    )
    .await;
    assert_eq!(cancelled.status, StatusCode::OK);

    let mails = |stack: &common::Stack| {
        std::fs::read_dir(stack.state.settings.data_dir.join("outbox"))
            .expect("outbox")
            .count()
    };
    let before = mails(&stack);
    // A minute before the 24 hours: nothing yet. "late" is within 24 hours of its
    // appointment but booked there: its confirmation was the reminder.
    let start = vamt_portal_storage::db::parse_ts(wednesday[0]).expect("time");
    stack.clock.advance(
        start - chrono::Duration::hours(24) - chrono::Duration::minutes(1) - stack.clock.now(),
    );
    assert_eq!(
        vamt_booking::reminder::run_once(&stack.state)
            .await
            .expect("runs"),
        0
    );
    stack.clock.advance(chrono::Duration::minutes(2));
    assert_eq!(
        vamt_booking::reminder::run_once(&stack.state)
            .await
            .expect("runs"),
        1
    );
    assert_eq!(
        vamt_booking::reminder::run_once(&stack.state)
            .await
            .expect("runs"),
        0,
        "once"
    );
    assert_eq!(mails(&stack), before + 1);
    let reminder = quoted_printable(&newest_mail(&stack));
    assert!(reminder.contains("To: early@example.org"), "{reminder}");
    assert!(reminder.contains("Subject: Reminder"), "{reminder}");
    assert!(
        reminder.contains("This is a reminder of your appointment"),
        "{reminder}"
    );
    assert!(
        reminder.contains("text/calendar"),
        "the calendar file again"
    );
    // Its join link is the booking's own: the call page answers (the waiting room opens
    // later), and a key that is not the booking's would be refused.
    let at = reminder.find("/call/BK_").expect("join link");
    let link: String = reminder[at..]
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect();
    let page = call(&stack, get(&link)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("waiting room is not open yet"));
}

#[tokio::test]
async fn one_address_holds_two_upcoming_appointments_whatever_its_spelling() {
    let stack = common::start(common::monday_morning(), json!({})).await;
    let offered = slots(
        &call(&stack, get("/book/meldebescheinigung?lang=en"))
            .await
            .body,
    );
    let book = |slot: String, email: &'static str| {
        let stack = &stack;
        async move {
            call(
                stack,
                post_form(
                    "/book/meldebescheinigung",
                    &format!(
                        "slot={}&name=Anna&email={}&lang=en",
                        common::enc(&slot),
                        common::enc(email)
                    ),
                    None,
                ),
            )
            .await
        }
    };
    // Confirmed appointments count (an unconfirmed hold does not: anyone could make one
    // for any address).
    for (slot, spelling) in [
        (&offered[1], "anna@example.org"),
        (&offered[2], " Anna@Example.ORG "),
    ] {
        let held = book(slot.clone(), spelling).await;
        assert_eq!(held.status, StatusCode::SEE_OTHER);
        let id = held
            .headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .trim_start_matches("/booked/")
            .split('?')
            .next()
            .expect("id")
            .to_owned();
        let marker = format!("/booking/{id}/confirm?key=");
        let mail = common::outbox(&stack)
            .into_iter()
            .find(|m| m.contains(&marker))
            .expect("opt-in mail");
        let key = &mail[mail.find(&marker).expect("link") + marker.len()..];
        let key = &key[..key.find('&').expect("lang follows")];
        let done = call(
            &stack,
            post_form(
                &format!("/booking/{id}/confirm"),
                &format!("key={key}&lang=en"),
                None,
            ),
        )
        .await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    }
    let third = book(offered[3].clone(), "ANNA@example.org").await;
    assert_eq!(third.status, StatusCode::CONFLICT);
    assert!(
        third.body.contains("already holds as many appointments"),
        "{}",
        third.body
    );
    assert!(
        third.body.contains("value=\"ANNA@example.org\""),
        "the form keeps the input"
    );
    // Another address is not affected; the stored index is not the address.
    assert_eq!(
        book(offered[3].clone(), "ben@example.org").await.status,
        StatusCode::SEE_OTHER
    );
    let indexes: Vec<String> =
        sqlx::query_scalar("SELECT email_index FROM bookings WHERE email_index <> ''")
            .fetch_all(stack.state.db.pool())
            .await
            .expect("indexes");
    assert!(indexes
        .iter()
        .all(|i| i.starts_with("i1:") && !i.contains("example")));
    // Once the first appointment is over, the address may book again.
    stack.clock.advance(
        vamt_portal_storage::db::parse_ts(&offered[1]).expect("time")
            + chrono::Duration::minutes(1)
            - stack.clock.now(),
    );
    let later = slots(
        &call(&stack, get("/book/meldebescheinigung?lang=en"))
            .await
            .body,
    );
    assert_eq!(
        book(later[0].clone(), "anna@example.org").await.status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn an_unconfirmed_booking_holds_its_time_then_lapses_and_frees_it() {
    let stack = common::start(common::monday_morning(), json!({})).await;
    let form = call(&stack, get("/book/meldebescheinigung?lang=en")).await;
    // One an hour ahead, so it is still ahead when the hold lapses.
    let slot = slots(&form.body)[3].clone();
    let book = |who: &str| {
        post_form(
            "/book/meldebescheinigung",
            &format!(
                "slot={}&name={who}&email={who}%40example.org&lang=en",
                common::enc(&slot)
            ),
            None,
        )
    };
    assert_eq!(
        call(&stack, book("typo")).await.status,
        StatusCode::SEE_OTHER
    );
    // Held: the time is not offered, and nobody else gets it.
    let held = call(&stack, get("/book/meldebescheinigung?lang=en")).await;
    assert!(!slots(&held.body).contains(&slot));
    assert_eq!(
        call(&stack, book("other")).await.status,
        StatusCode::CONFLICT
    );

    // Not confirmed in 30 minutes: the job releases it.
    stack.clock.advance(chrono::Duration::minutes(29));
    assert_eq!(
        vamt_booking::hold::run_once(&stack.state)
            .await
            .expect("runs"),
        0
    );
    stack.clock.advance(chrono::Duration::minutes(2));
    assert_eq!(
        vamt_booking::hold::run_once(&stack.state)
            .await
            .expect("runs"),
        1
    );
    assert_eq!(
        vamt_booking::hold::run_once(&stack.state)
            .await
            .expect("runs"),
        0
    );

    // The late confirm link says it lapsed, and confirms nothing.
    let mail = common::outbox(&stack)
        .into_iter()
        .find(|m| m.contains("To: typo@example.org"))
        .expect("opt-in mail");
    let link = link_in(&mail, "/confirm?key=").expect("confirm link");
    let path = &link[link.find("/booking/").expect("path")..];
    let (route, query) = path.split_once('?').expect("query");
    let late = call(&stack, post_form(route, query, None)).await;
    assert_eq!(late.status, StatusCode::GONE);
    assert!(late.body.contains("no longer reserved"), "{}", late.body);

    // The time is on offer again.
    let again = call(&stack, get("/book/meldebescheinigung?lang=en")).await;
    assert!(slots(&again.body).contains(&slot));
    assert_eq!(
        call(&stack, book("other")).await.status,
        StatusCode::SEE_OTHER
    );
    let released: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM bookings WHERE state = 'cancelled' AND confirmed_at IS NULL",
    )
    .fetch_one(stack.state.db.pool())
    .await
    .expect("count");
    assert_eq!(released, 1);
}
