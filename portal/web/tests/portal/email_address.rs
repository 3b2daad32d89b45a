//! An e-mail address is checked where it enters, with the parser the mail sender uses
//! (lettre): an address lettre refuses (`a;b@example.org`) is refused at once on the booking
//! form, the waiting list and the clerk's phone booking, the form shown again with the error
//! and what was typed, and nothing is held or queued. Before, such an address was taken, its
//! mail failed, and the time stayed held until the hold lapsed. (The API: tests/api.rs.)
use crate::common;

use common::{call, enc, get, post};

use axum::http::StatusCode;
use serde_json::json;

const REFUSED: &str = "a;b@example.org";

/// Bookings, waiting-list entries, mails queued and mails sent.
async fn stored(stack: &common::Stack) -> (i64, i64, i64, usize) {
    let db = &stack.state.db;
    let count = |table: &'static str| async move {
        sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
            .fetch_one(db.pool())
            .await
            .expect("count")
    };
    (
        count("bookings").await,
        count("waitlist").await,
        count("mail_queue").await,
        common::outbox(stack).len(),
    )
}

fn slots(html: &str) -> Vec<String> {
    html.split("name=\"slot\" value=\"")
        .skip(1)
        .filter_map(|r| r.split('"').next().map(str::to_owned))
        .collect()
}

/// The form again: the error said, the address kept in its field, marked invalid.
fn shown_again(body: &str) {
    assert!(
        body.contains("Please enter a valid e-mail address."),
        "{body}"
    );
    assert!(body.contains(&format!("value=\"{REFUSED}\"")), "{body}");
    assert!(body.contains("aria-invalid=\"true\""), "{body}");
}

#[tokio::test]
async fn an_address_the_mail_library_refuses_is_refused_where_it_enters() {
    let stack = common::start(common::monday_morning(), json!({})).await;
    let before = stored(&stack).await;
    let form = call(&stack, get("/book/meldebescheinigung?lang=en", "")).await;
    let free = slots(&form.body);
    assert!(!free.is_empty(), "{}", form.body);

    // The citizen's booking form.
    let booked = call(
        &stack,
        post(
            "/book/meldebescheinigung",
            &format!(
                "slot={}&name=Ada+Muster&email={}&lang=en",
                enc(&free[0]),
                enc(REFUSED)
            ),
            "",
        ),
    )
    .await;
    assert_eq!(booked.status, StatusCode::UNPROCESSABLE_ENTITY);
    shown_again(&booked.body);

    // The waiting list.
    let joined = call(
        &stack,
        post(
            "/book/meldebescheinigung/waitlist",
            &format!("name=Ada+Muster&email={}&lang=en", enc(REFUSED)),
            "",
        ),
    )
    .await;
    assert_eq!(joined.status, StatusCode::UNPROCESSABLE_ENTITY);
    shown_again(&joined.body);

    // The clerk booking for a caller.
    let cookie = common::sign_in(&stack, "clerk", &stack.demo.clerk_password).await;
    let phoned = call(
        &stack,
        post(
            "/clerk/book",
            &format!(
                "service=meldebescheinigung&slot={}&name=Karl+Anruf&email={}&locale=de&lang=en",
                enc(&free[0]),
                enc(REFUSED)
            ),
            &cookie,
        ),
    )
    .await;
    assert_eq!(phoned.status, StatusCode::UNPROCESSABLE_ENTITY);
    shown_again(&phoned.body);

    assert_eq!(stored(&stack).await, before, "nothing held, queued or sent");
    let again = call(&stack, get("/book/meldebescheinigung?lang=en", "")).await;
    assert_eq!(slots(&again.body), free, "the free times are unchanged");
}
