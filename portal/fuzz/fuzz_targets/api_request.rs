//! What the booking API makes of a request: a query string or a JSON body into the typed
//! values the handlers get, the `?services=` list, a citizen's name and e-mail address.
//! Nothing may panic, and what is accepted must hold what the handlers and the mail sender
//! rely on; above all, an address the check takes is one lettre composes and sends a mail
//! to (an address it refused at sending left its booking held until it lapsed).
//!
//! The first byte picks the part, the rest is its input.
#![no_main]

use lettre::message::{header::ContentType, Mailbox};
use lettre::{Address, Message};
use libfuzzer_sys::fuzz_target;

#[path = "../../booking/src/booking/input.rs"]
mod input;
// The handlers read every field; here only what parsing makes of them is checked.
#[allow(dead_code)]
#[path = "../../web/src/api/request.rs"]
mod request;

fuzz_target!(|data: &[u8]| {
    let Some((&part, rest)) = data.split_first() else {
        return;
    };
    match part % 4 {
        0 => query(rest),
        1 => body(rest),
        2 => {
            if let Ok(s) = std::str::from_utf8(rest) {
                address(s);
            }
        }
        _ => {
            if let Ok(s) = std::str::from_utf8(rest) {
                name(s);
            }
        }
    }
});

/// A query string, as `Query<…>` reads it (serde_urlencoded over the raw query).
fn query(q: &[u8]) {
    if let Ok(s) = serde_urlencoded::from_bytes::<request::SlotsQuery>(q) {
        slugs(&s.services);
    }
    let _ = serde_urlencoded::from_bytes::<request::KeyIn>(q);
    let _ = serde_urlencoded::from_bytes::<request::LangParam>(q);
}

/// A body, as `Json<…>` reads it (serde_json from the bytes).
fn body(b: &[u8]) {
    if let Ok(req) = serde_json::from_slice::<request::BookingIn>(b) {
        name(&req.name);
        address(&req.email);
        for s in &req.services {
            slugs(s);
        }
    }
    let _ = serde_json::from_slice::<request::KeyIn>(b);
    let _ = serde_json::from_slice::<request::RebookIn>(b);
}

/// `?services=a,b`: the slugs looked up are trimmed, not empty, one slug each.
fn slugs(list: &str) {
    for slug in request::split_slugs(list) {
        assert!(!slug.is_empty());
        assert_eq!(slug, slug.trim());
        assert!(!slug.contains(','), "{slug:?}");
    }
}

/// A name taken is trimmed, not empty, bounded, without control characters (it goes into
/// mail headers and the clerk's day view).
fn name(given: &str) {
    let Some(n) = input::name(given) else {
        return;
    };
    assert_eq!(n, given.trim());
    assert!(!n.is_empty());
    assert!(n.chars().count() <= input::NAME_MAX_CHARS);
    assert!(!n.chars().any(char::is_control), "{n:?}");
}

/// An address taken is one the mail sender (portal/storage/src/mail.rs) composes a message to and
/// hands to the SMTP server: the same parses, in the same order, must succeed, and the
/// message must name this one recipient only.
fn address(given: &str) {
    let Some(a) = input::email(given) else {
        return;
    };
    assert_eq!(a, given.trim());
    assert!(a.len() <= input::EMAIL_MAX_BYTES);
    // compose(): the recipient as a mailbox, the message built and written out as text.
    let to: Mailbox = a.parse().unwrap_or_else(|e| panic!("{a:?}: {e}"));
    let from: Mailbox = "vamt <termine@example.org>".parse().expect("sender");
    let message = Message::builder()
        .from(from)
        .to(to.clone())
        .subject("Termin")
        .header(ContentType::TEXT_PLAIN)
        .body(String::from("Bitte bestätigen Sie Ihren Termin."))
        .unwrap_or_else(|e| panic!("{a:?}: {e}"));
    let text = String::from_utf8(message.formatted()).expect("the message is text");
    let head = text.split("\r\n\r\n").next().unwrap_or_default();
    let recipients = head
        .split("\r\n")
        .filter(|l| {
            let l = l.to_ascii_lowercase();
            l.starts_with("to:") || l.starts_with("cc:") || l.starts_with("bcc:")
        })
        .count();
    assert_eq!(recipients, 1, "{a:?}: {head}");
    // transmit(): the envelope's recipient, from what compose() kept.
    let kept = to.email.to_string();
    let envelope_to: Address = kept.parse().unwrap_or_else(|e| panic!("{kept:?}: {e}"));
    assert_eq!(AsRef::<str>::as_ref(&envelope_to), a);
}
