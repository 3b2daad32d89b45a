//! Citizen booking pages. They work without JavaScript.
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use chrono::{DateTime, Utc};
use fluent_bundle::FluentArgs;
use minijinja::context;
use serde::{Deserialize, Serialize};

use super::page::{error_page, internal, lang, local_date_time, render};
use crate::booking::{self, BookingError, NewBooking, Service};
use crate::mail::Mail;
use crate::AppState;

#[derive(Deserialize)]
pub struct LangQuery {
    lang: Option<String>,
}

#[derive(Serialize)]
struct ServiceView {
    slug: String,
    name: String,
    description: String,
    minutes: i64,
    fee: Option<String>,
    /// Documents to have ready.
    docs: String,
    /// Why it needs a visit to an office; `None` if it can be done by video.
    not_virtual: Option<String>,
}

fn service_view(st: &AppState, lang: &str, s: &Service) -> ServiceView {
    ServiceView {
        slug: s.slug.clone(),
        name: st.i18n.t(lang, &format!("service-{}", s.slug), None),
        description: st.i18n.t(lang, &format!("service-{}-desc", s.slug), None),
        minutes: s.duration_minutes,
        docs: st.i18n.t(lang, &format!("service-{}-docs", s.slug), None),
        not_virtual: (!s.virtual_ok).then(|| {
            st.i18n
                .t(lang, &format!("service-{}-not-virtual", s.slug), None)
        }),
        fee: (s.fee_cents > 0).then(|| {
            let euros = format!("{}.{:02}", s.fee_cents / 100, s.fee_cents % 100);
            if lang == "de" {
                euros.replace('.', ",")
            } else {
                euros
            }
        }),
    }
}

pub async fn index(
    State(st): State<AppState>,
    Query(q): Query<LangQuery>,
    headers: HeaderMap,
) -> Response {
    let lang = lang(q.lang.as_deref(), &headers);
    let services = match booking::services(&st.db).await {
        Ok(s) => s,
        Err(e) => return internal(&st, lang, &e),
    };
    let views: Vec<ServiceView> = services
        .iter()
        .map(|s| service_view(&st, lang, s))
        .collect();
    render(
        &st,
        StatusCode::OK,
        lang,
        "index.html",
        "/",
        context! { services => views },
    )
}

#[derive(Serialize)]
pub(super) struct DayView {
    date: String,
    slots: Vec<SlotView>,
}

#[derive(Serialize)]
pub(super) struct SlotView {
    value: String,
    time: String,
    checked: bool,
}

/// Free times grouped by local day, `chosen` (a slot value) ticked.
pub(super) fn day_views(
    st: &AppState,
    lang: &str,
    offers: &[crate::schedule::Offer],
    chosen: Option<&str>,
) -> Vec<DayView> {
    let mut days: Vec<DayView> = Vec::new();
    for slot in offers {
        let (date, time) = local_date_time(st, lang, slot.start);
        let value = crate::db::ts(slot.start);
        let view = SlotView {
            checked: chosen == Some(value.as_str()),
            value,
            time,
        };
        match days.last_mut() {
            Some(d) if d.date == date => d.slots.push(view),
            _ => days.push(DayView {
                date,
                slots: vec![view],
            }),
        }
    }
    days
}

#[derive(Deserialize)]
pub struct BookForm {
    slot: Option<String>,
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    lang: Option<String>,
    /// The proof of work the page's script solved (absent without JavaScript).
    #[serde(default)]
    altcha: String,
}

async fn form_page(
    st: &AppState,
    lang: &'static str,
    service: &Service,
    status: StatusCode,
    errors: Vec<(&'static str, &'static str)>,
    filled: Option<&BookForm>,
) -> Response {
    let slots = match booking::free_slots(
        &st.db,
        &st.settings,
        st.now(),
        std::slice::from_ref(service),
    )
    .await
    {
        Ok(s) => s,
        Err(e) => return internal(st, lang, &e),
    };
    let days = day_views(st, lang, &slots, filled.and_then(|f| f.slot.as_deref()));
    let error_list: Vec<_> = errors
        .iter()
        .map(|(field, key)| context! { field => field, key => key })
        .collect();
    let path = format!("/book/{}", service.slug);
    render(
        st,
        status,
        lang,
        "book.html",
        &path,
        context! {
            service => service_view(st, lang, service),
            days => days,
            errors => error_list,
            name => filled.map(|f| f.name.clone()).unwrap_or_default(),
            email => filled.map(|f| f.email.clone()).unwrap_or_default(),
            name_invalid => errors.iter().any(|(f, _)| *f == "name"),
            email_invalid => errors.iter().any(|(f, _)| *f == "email"),
        },
    )
}

pub async fn form(
    State(st): State<AppState>,
    Path(slug): Path<String>,
    Query(q): Query<LangQuery>,
    headers: HeaderMap,
) -> Response {
    let lang = lang(q.lang.as_deref(), &headers);
    match booking::service(&st.db, &slug).await {
        Ok(Some(service)) if !service.virtual_ok => {
            error_page(&st, StatusCode::CONFLICT, lang, "error-not-virtual")
        }
        Ok(Some(service)) => form_page(&st, lang, &service, StatusCode::OK, Vec::new(), None).await,
        Ok(None) => error_page(&st, StatusCode::NOT_FOUND, lang, "error-not-found"),
        Err(e) => internal(&st, lang, &e),
    }
}

pub async fn submit(
    State(st): State<AppState>,
    client: super::door::ClientAddr,
    Path(slug): Path<String>,
    headers: HeaderMap,
    Form(f): Form<BookForm>,
) -> Response {
    let lang = lang(f.lang.as_deref(), &headers);
    let service = match booking::service(&st.db, &slug).await {
        Ok(Some(s)) => s,
        Ok(None) => return error_page(&st, StatusCode::NOT_FOUND, lang, "error-not-found"),
        Err(e) => return internal(&st, lang, &e),
    };
    let admission = match super::door::admit(&st, client, Some(&f.altcha)).await {
        Ok(a) => a,
        Err(super::door::Refusal::Internal) => {
            return error_page(
                &st,
                StatusCode::INTERNAL_SERVER_ERROR,
                lang,
                "error-internal",
            )
        }
        Err(r) => {
            let (status, key) = match r {
                super::door::Refusal::ProofInvalid => {
                    (StatusCode::UNPROCESSABLE_ENTITY, "error-proof-invalid")
                }
                super::door::Refusal::ProofNeeded => {
                    (StatusCode::TOO_MANY_REQUESTS, "error-proof-needed")
                }
                super::door::Refusal::TooManyHolds => {
                    (StatusCode::TOO_MANY_REQUESTS, "error-too-many-holds")
                }
                _ => (StatusCode::TOO_MANY_REQUESTS, "error-too-many-attempts"),
            };
            return form_page(&st, lang, &service, status, vec![("slot", key)], Some(&f)).await;
        }
    };
    let start: Option<DateTime<Utc>> = f.slot.as_deref().and_then(crate::db::parse_ts);
    let Some(start) = start else {
        return form_page(
            &st,
            lang,
            &service,
            StatusCode::UNPROCESSABLE_ENTITY,
            vec![("slot", "error-choose-slot")],
            Some(&f),
        )
        .await;
    };
    let req = NewBooking {
        services: vec![slug.clone()],
        start,
        name: f.name.clone(),
        email: f.email.clone(),
        locale: lang.to_owned(),
        channel: "web",
    };
    let booked = match booking::book(&st.db, &st.vault, &st.settings, st.now(), req).await {
        Ok(b) => {
            admission.held();
            b
        }
        Err(e) => {
            let (status, field, key) = match e {
                BookingError::InvalidName => {
                    (StatusCode::UNPROCESSABLE_ENTITY, "name", "error-name")
                }
                BookingError::InvalidEmail => {
                    (StatusCode::UNPROCESSABLE_ENTITY, "email", "error-email")
                }
                BookingError::SlotTaken => (StatusCode::CONFLICT, "slot", "error-slot-taken"),
                BookingError::TooManyForEmail => {
                    (StatusCode::CONFLICT, "email", "error-too-many-for-email")
                }
                BookingError::NoSuchSlot => (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "slot",
                    "error-no-such-slot",
                ),
                BookingError::UnknownService => {
                    return error_page(&st, StatusCode::NOT_FOUND, lang, "error-not-found")
                }
                BookingError::NotVirtual => {
                    return error_page(&st, StatusCode::CONFLICT, lang, "error-not-virtual")
                }
                e @ (BookingError::Db(_) | BookingError::Vault(_)) => {
                    return internal(&st, lang, &e)
                }
            };
            let mut filled = f;
            if field == "slot" {
                filled.slot = None;
            }
            return form_page(
                &st,
                lang,
                &service,
                status,
                vec![(field, key)],
                Some(&filled),
            )
            .await;
        }
    };
    st.metrics.bookings.with_label_values(&["web"]).inc();
    tracing::info!(booking = %booked.booking.id, service = %service.slug, "booking held for confirmation");
    send_opt_in(&st, &booked).await;
    Redirect::to(&format!("/booked/{}?lang={lang}", booked.booking.id)).into_response()
}

/// The citizen's join link for a booking.
pub fn join_url(st: &AppState, booked: &booking::Booked) -> String {
    format!(
        "{}/call/{}?key={}&lang={}",
        st.settings.public_url, booked.booking.id, booked.join_key, booked.booking.locale
    )
}

/// The link that cancels a booking (the same secret as the join link).
pub fn cancel_url(st: &AppState, booked: &booking::Booked) -> String {
    format!(
        "{}/booking/{}/cancel?key={}&lang={}",
        st.settings.public_url, booked.booking.id, booked.join_key, booked.booking.locale
    )
}

/// The link in the opt-in mail (the same secret as the join link).
pub fn confirm_url(st: &AppState, booked: &booking::Booked) -> String {
    format!(
        "{}/booking/{}/confirm?key={}&lang={}",
        st.settings.public_url, booked.booking.id, booked.join_key, booked.booking.locale
    )
}

/// The confirmation's calendar file: the appointment, what to have ready, the join link.
fn calendar_file(st: &AppState, booked: &booking::Booked, service: &str) -> String {
    let b = &booked.booking;
    let lang = b.locale.as_str();
    let join = join_url(st, booked);
    let description = format!(
        "{}\n{}\n\n{}\n{}",
        st.i18n.t(lang, "mail-documents", None),
        st.i18n
            .t(lang, &format!("service-{}-docs", b.service), None),
        st.i18n.t(lang, "mail-join", None),
        join
    );
    let host = st
        .settings
        .public_url
        .split("://")
        .nth(1)
        .unwrap_or("vamt")
        .split(['/', ':'])
        .next()
        .unwrap_or("vamt")
        .to_owned();
    crate::ics::calendar(&crate::ics::Event {
        uid: &format!("{}@{host}", b.id),
        start: b.starts_at,
        end: b.ends_at,
        summary: service,
        description: &description,
        url: &join,
        stamp: st.now(),
    })
}

/// Sends the double opt-in mail: the appointment asked for and the link that confirms it.
/// No join link and no calendar file yet: an address typed wrong, or someone else's, gets
/// nothing it could use, and nothing is booked unless its owner confirms.
pub async fn send_opt_in(st: &AppState, booked: &booking::Booked) {
    if !optin_allowed(st, &booked.booking.email) {
        // Nobody who reads that mailbox asked for this many: the hold goes at once.
        if let Err(e) = crate::hold::release_now(st, &booked.booking.id).await {
            tracing::error!(booking = %booked.booking.id, error = %e, "hold without its mail not released");
        }
        return;
    }
    let minutes = st.settings.confirm_within.num_minutes();
    send_hold_mail(st, booked, "optin-subject", "optin-body", minutes).await;
}

/// Whether another opt-in mail (a booking's or a waiting list's) may go to `email` this
/// hour. The form sends mail from the city's address to any address typed in, so without
/// a limit per recipient it would be a way to flood a stranger's mailbox; the per-client
/// limits do not stop a botnet. Such mails carry no text the visitor typed (no name: see
/// `optin.txt`), only the city's own.
pub fn optin_allowed(st: &AppState, email: &str) -> bool {
    let key = st
        .vault
        .blind_index("optin.mail", &email.trim().to_lowercase());
    let limit = st.settings.raw.booking.optin_mails_per_address_hour;
    if st.door.optin_mail(key, st.now(), limit) {
        return true;
    }
    st.metrics.optin_limited.inc();
    tracing::warn!("opt-in mail not sent: its address had its share this hour");
    false
}

/// What follows a citizen's confirmation, from the page or the API: counted, its waiting
/// list entry (if it was an offer) closed, the confirmation with the join link sent.
pub async fn confirmed(st: &AppState, b: booking::Booking, key: &str) -> booking::Booked {
    st.metrics.confirmations.inc();
    tracing::info!(booking = %b.id, "booking confirmed by the citizen");
    if let Err(e) = crate::waitlist::confirmed(&st.db, &b.id).await {
        tracing::error!(booking = %b.id, error = %e, "waiting list entry not closed");
    }
    let booked = booking::Booked {
        booking: b,
        join_key: key.to_owned(),
    };
    send_confirmation(st, &booked).await;
    booked
}

/// What follows a citizen's cancellation, from the page or the API: counted, and the
/// freed time offered to the waiting list.
pub async fn cancelled(st: &AppState, b: &booking::Booking) {
    st.metrics.cancellations.inc();
    tracing::info!(booking = %b.id, "booking cancelled by the citizen");
    offer_to_waitlist(st, &b.id).await;
}

/// Offers the time booking `freed` gave up to the first on its service's waiting list (a
/// held booking and a mail with its confirm link). Failures are logged: the cancellation
/// stands either way.
pub async fn offer_to_waitlist(st: &AppState, freed: &str) {
    let hold = chrono::Duration::minutes(i64::from(st.settings.raw.booking.waitlist_hold_minutes));
    match crate::waitlist::offer_freed(&st.db, &st.vault, &st.settings, freed, st.now(), hold).await
    {
        Ok(Some(held)) => {
            st.metrics.waitlist_offers.inc();
            tracing::info!(freed = %freed, booking = %held.booking.id, "freed time offered to the waiting list");
            send_hold_mail(st, &held, "offer-subject", "offer-body", hold.num_minutes()).await;
        }
        Ok(None) => {}
        Err(e) => tracing::error!(freed = %freed, error = %e, "offering a freed time failed"),
    }
}

/// A mail about a held booking: what was asked for (or offered), and the link that
/// confirms it within `minutes`.
async fn send_hold_mail(
    st: &AppState,
    booked: &booking::Booked,
    subject_key: &str,
    body_key: &str,
    minutes: i64,
) {
    let b = &booked.booking;
    let lang = b.locale.as_str();
    let (date, time) = local_date_time(st, lang, b.starts_at);
    let service = st.i18n.t(lang, &format!("service-{}", b.service), None);
    let mut args = FluentArgs::new();
    args.set("service", service.clone());
    args.set("date", date.clone());
    let subject = st.i18n.t(lang, subject_key, Some(&args));
    let body = st.templates.render(
        "optin.txt",
        context! {
            lang => lang,
            body_key => body_key,
            service => service,
            date => date,
            time => time,
            minutes => minutes,
            confirm_url => confirm_url(st, booked),
        },
    );
    let body = match body {
        Ok(b) => b,
        Err(e) => {
            tracing::error!(error = %e, template = "optin.txt", "booking mail template failed");
            st.metrics.mails.with_label_values(&["failed"]).inc();
            return;
        }
    };
    deliver(
        st,
        &b.id,
        Mail {
            to: b.email.clone(),
            subject,
            body,
            calendar: None,
        },
        body_key,
    )
    .await;
}

/// Sends a booking's mail: to the outbox folder at once, or into the queue for the SMTP
/// server (the request does not wait for the server; the courier retries).
pub(crate) async fn deliver(st: &AppState, id: &str, mail: Mail, kind: &str) {
    let outcome = match st.mailer.compose(mail) {
        Err(e) => Err(e.to_string()),
        Ok(composed) if st.mailer.outbox().is_some() => st
            .mailer
            .transmit(&composed, id)
            .await
            .map(|()| "outbox")
            .map_err(|e| e.to_string()),
        Ok(composed) => crate::mail_queue::enqueue(st, &composed, id, kind)
            .await
            .map(|()| "queued")
            .map_err(|e| e.to_string()),
    };
    let outcome = outcome.unwrap_or_else(|e| {
        tracing::error!(booking = %id, error = %e, kind, "booking mail failed");
        "failed"
    });
    st.metrics.mails.with_label_values(&[outcome]).inc();
}

/// Sends the confirmation with the join link. A delivery failure is logged and counted; the
/// booking stands.
pub async fn send_confirmation(st: &AppState, booked: &booking::Booked) {
    send_booking_mail(st, booked, "mail-subject", "mail-body").await;
}

/// Tells the citizen their appointment was moved: the new time, calendar file and the
/// same links.
pub async fn send_moved(st: &AppState, booked: &booking::Booked) {
    send_booking_mail(st, booked, "moved-subject", "moved-body").await;
}

/// Sends the reminder before the appointment: the confirmation's links and calendar file
/// again, under another subject.
pub async fn send_reminder(st: &AppState, booked: &booking::Booked) {
    send_booking_mail(st, booked, "reminder-subject", "reminder-body").await;
}

async fn send_booking_mail(
    st: &AppState,
    booked: &booking::Booked,
    subject_key: &str,
    body_key: &str,
) {
    let b = &booked.booking;
    let lang = b.locale.as_str();
    let (date, time) = local_date_time(st, lang, b.starts_at);
    let service = st.i18n.t(lang, &format!("service-{}", b.service), None);
    let mut args = FluentArgs::new();
    args.set("service", service.clone());
    args.set("date", date.clone());
    args.set("time", time.clone());
    args.set("name", b.citizen_name.clone());
    let subject = st.i18n.t(lang, subject_key, Some(&args));
    let body = st.templates.render(
        "confirmation.txt",
        context! {
            lang => lang,
            body_key => body_key,
            service => service,
            date => date,
            time => time,
            join_url => join_url(st, booked),
            cancel_url => cancel_url(st, booked),
            documents => st.i18n.t(lang, &format!("service-{}-docs", b.service), None),
        },
    );
    let body = match body {
        Ok(b) => b,
        Err(e) => {
            tracing::error!(error = %e, template = body_key, "booking mail template failed");
            st.metrics.mails.with_label_values(&["failed"]).inc();
            return;
        }
    };
    let calendar = Some((format!("{}.ics", b.id), calendar_file(st, booked, &service)));
    deliver(
        st,
        &b.id,
        Mail {
            to: b.email.clone(),
            subject,
            body,
            calendar,
        },
        body_key,
    )
    .await;
}

pub async fn booked(
    State(st): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<LangQuery>,
    headers: HeaderMap,
) -> Response {
    let lang = lang(q.lang.as_deref(), &headers);
    let b = match booking::find(&st.db, &st.vault, &id).await {
        Ok(Some(b)) => b,
        Ok(None) => return error_page(&st, StatusCode::NOT_FOUND, lang, "error-not-found"),
        Err(e) => return internal(&st, lang, &e),
    };
    // Only what the citizen chose is shown: the page is reachable by its ID alone.
    let state = match (b.status.as_str(), b.confirmed) {
        ("booked", true) => "confirmed",
        ("booked", false) => "pending",
        _ => "lapsed",
    };
    booked_page(&st, lang, &b, state, StatusCode::OK)
}

fn booked_page(
    st: &AppState,
    lang: &str,
    b: &booking::Booking,
    state: &str,
    status: StatusCode,
) -> Response {
    let (date, time) = local_date_time(st, lang, b.starts_at);
    let service = st.i18n.t(lang, &format!("service-{}", b.service), None);
    render(
        st,
        status,
        lang,
        "booked.html",
        &format!("/booked/{}", b.id),
        context! {
            service => service,
            date => date,
            time => time,
            state => state,
            minutes => st.settings.confirm_within.num_minutes(),
        },
    )
}

/// The page behind the opt-in link: the appointment and a button that confirms it (a link
/// alone never confirms: mail scanners open links, and would book for anyone).
pub async fn confirm_form(
    State(st): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<CancelQuery>,
    headers: HeaderMap,
) -> Response {
    let lang = lang(q.lang.as_deref(), &headers);
    let b = match booking::find_by_key(&st.db, &st.vault, &id, &q.key).await {
        Ok(Some(b)) => b,
        Ok(None) => return error_page(&st, StatusCode::NOT_FOUND, lang, "error-not-found"),
        Err(e) => return internal(&st, lang, &e),
    };
    let state = match (b.status.as_str(), b.confirmed) {
        ("booked", true) => "confirmed",
        ("booked", false) => "ask",
        _ => "lapsed",
    };
    let (date, time) = local_date_time(&st, lang, b.starts_at);
    let service = st.i18n.t(lang, &format!("service-{}", b.service), None);
    render(
        &st,
        StatusCode::OK,
        lang,
        "confirm.html",
        &super::page::with_key(&format!("/booking/{id}/confirm"), &q.key),
        context! {
            id => b.id,
            key => q.key,
            state => state,
            service => service,
            date => date,
            time => time,
        },
    )
}

/// Confirms, sends the confirmation with the join link, and says so.
pub async fn confirm(
    State(st): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(f): Form<CancelForm>,
) -> Response {
    let lang = lang(f.lang.as_deref(), &headers);
    let limit = st.settings.raw.booking.max_per_email;
    match booking::confirm(&st.db, &st.vault, &id, &f.key, st.now(), limit).await {
        Ok(Some(booking::Confirmation::Confirmed(b))) => {
            let booked = confirmed(&st, b, &f.key).await;
            booked_page(&st, lang, &booked.booking, "confirmed", StatusCode::OK)
        }
        Ok(Some(booking::Confirmation::AlreadyConfirmed(b))) => {
            booked_page(&st, lang, &b, "confirmed", StatusCode::OK)
        }
        Ok(Some(booking::Confirmation::Lapsed(b))) => {
            booked_page(&st, lang, &b, "lapsed", StatusCode::GONE)
        }
        Ok(Some(booking::Confirmation::TooMany(_))) => {
            error_page(&st, StatusCode::CONFLICT, lang, "error-too-many-for-email")
        }
        Ok(None) => error_page(&st, StatusCode::NOT_FOUND, lang, "error-not-found"),
        Err(e) => internal(&st, lang, &e),
    }
}

#[derive(Deserialize)]
pub struct CancelQuery {
    #[serde(default)]
    key: String,
    lang: Option<String>,
}

/// The page behind the cancel link: the appointment and a button to cancel it (a link
/// alone never cancels: mail scanners open links).
pub async fn cancel_form(
    State(st): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<CancelQuery>,
    headers: HeaderMap,
) -> Response {
    let lang = lang(q.lang.as_deref(), &headers);
    let b = match booking::find_by_key(&st.db, &st.vault, &id, &q.key).await {
        Ok(Some(b)) => b,
        Ok(None) => return error_page(&st, StatusCode::NOT_FOUND, lang, "error-not-found"),
        Err(e) => return internal(&st, lang, &e),
    };
    let state = if b.status == "cancelled" {
        "already"
    } else if b.starts_at <= st.now() {
        "too-late"
    } else {
        "open"
    };
    cancel_page(&st, lang, &b, &q.key, state, StatusCode::OK)
}

#[derive(Deserialize)]
pub struct CancelForm {
    #[serde(default)]
    key: String,
    lang: Option<String>,
}

/// Cancels, and says so.
pub async fn cancel(
    State(st): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(f): Form<CancelForm>,
) -> Response {
    let lang = lang(f.lang.as_deref(), &headers);
    match booking::cancel(&st.db, &st.vault, &id, &f.key, st.now()).await {
        Ok(Some(booking::Cancellation::Cancelled(b))) => {
            cancelled(&st, &b).await;
            cancel_page(&st, lang, &b, "", "done", StatusCode::OK)
        }
        Ok(Some(booking::Cancellation::AlreadyCancelled(b))) => {
            cancel_page(&st, lang, &b, "", "already", StatusCode::OK)
        }
        Ok(Some(booking::Cancellation::TooLate(b))) => {
            cancel_page(&st, lang, &b, "", "too-late", StatusCode::CONFLICT)
        }
        Ok(None) => error_page(&st, StatusCode::NOT_FOUND, lang, "error-not-found"),
        Err(e) => internal(&st, lang, &e),
    }
}

fn cancel_page(
    st: &AppState,
    lang: &str,
    b: &booking::Booking,
    key: &str,
    state: &str,
    status: StatusCode,
) -> Response {
    let (date, time) = local_date_time(st, lang, b.starts_at);
    let service = st.i18n.t(lang, &format!("service-{}", b.service), None);
    render(
        st,
        status,
        lang,
        "cancel.html",
        &super::page::with_key(&format!("/booking/{}/cancel", b.id), key),
        context! {
            id => b.id,
            key => key,
            state => state,
            service => service,
            date => date,
            time => time,
        },
    )
}
