//! The mails to citizens: the opt-in, the confirmation, the reminder, the notice of a moved
//! appointment, the waiting list's offer and welcome, and the links they carry. Composed from
//! the templates in the citizen's language and handed to the mailer or its queue. Called by
//! the booking workflow and the jobs, never by way of the web layer (issue 19: domain ←
//! web, not both ways), so it knows nothing of HTTP.
use fluent_bundle::FluentArgs;
use minijinja::context;

use crate::booking::{self, Service};
use crate::waitlist;
use crate::Office;
use vamt_portal_storage::mail::Mail;
use vamt_portal_storage::outbox::{QueueError, Round};

/// The citizen's join link for a booking.
pub fn join_url(st: &Office, booked: &booking::Booked) -> String {
    let b = &booked.booking;
    st.settings.link(
        &["call", &b.id],
        &[("key", &booked.join_key), ("lang", &b.locale)],
    )
}

/// The link that cancels a booking (the same secret as the join link).
pub fn cancel_url(st: &Office, booked: &booking::Booked) -> String {
    let b = &booked.booking;
    st.settings.link(
        &["booking", &b.id, "cancel"],
        &[("key", &booked.join_key), ("lang", &b.locale)],
    )
}

/// The link in the opt-in mail (the same secret as the join link).
pub fn confirm_url(st: &Office, booked: &booking::Booked) -> String {
    let b = &booked.booking;
    st.settings.link(
        &["booking", &b.id, "confirm"],
        &[("key", &booked.join_key), ("lang", &b.locale)],
    )
}

/// The confirmation's calendar file: the appointment, what to have ready, the join link.
fn calendar_file(st: &Office, booked: &booking::Booked, service: &str) -> String {
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
        .http
        .public_host()
        .unwrap_or_else(|| "vamt".to_owned());
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
pub async fn send_opt_in(st: &Office, booked: &booking::Booked) {
    if !optin_allowed(st, &booked.booking.email) {
        // Nobody who reads that mailbox asked for this many: the hold goes at once.
        if let Err(e) = crate::hold::release_now(st, &booked.booking.id).await {
            tracing::error!(booking = %booked.booking.id, error = %e, "hold without its mail not released");
        }
        return;
    }
    let minutes = st.settings.booking.confirm_within.num_minutes();
    send_hold_mail(st, booked, "optin-subject", "optin-body", minutes).await;
}

/// Whether another opt-in mail (a booking's or a waiting list's) may go to `email` this
/// hour. The form sends mail from the city's address to any address typed in, so without
/// a limit per recipient it would be a way to flood a stranger's mailbox; the per-client
/// limits do not stop a botnet. Such mails carry no text the visitor typed (no name: see
/// `optin.txt`), only the city's own.
pub fn optin_allowed(st: &Office, email: &str) -> bool {
    let key = st
        .vault
        .blind_index("optin.mail", &email.trim().to_lowercase());
    let limit = st.settings.booking.optin_mails_per_address_hour;
    if st.optin_mails.allow(key, st.now(), limit) {
        return true;
    }
    st.metrics.optin_limited.inc();
    tracing::warn!("opt-in mail not sent: its address had its share this hour");
    false
}

/// Sends the waiting list's offer: the freed time, held for the citizen, and the link that
/// confirms it within `minutes`.
pub async fn send_offer(st: &Office, held: &booking::Booked, minutes: i64) {
    send_hold_mail(st, held, "offer-subject", "offer-body", minutes).await;
}

/// What every mail about a booking says of it, in its citizen's language.
struct About<'a> {
    lang: &'a str,
    /// Local date and time of the appointment.
    date: String,
    time: String,
    /// The service's name.
    service: String,
    /// The subject's arguments: `service` and `date`.
    args: FluentArgs<'a>,
}

fn about<'a>(st: &Office, b: &'a booking::Booking) -> About<'a> {
    let lang = b.locale.as_str();
    let (date, time) = st
        .i18n
        .local_date_time(st.settings.booking.timezone, lang, b.starts_at);
    let service = st.i18n.t(lang, &format!("service-{}", b.service), None);
    let mut args = FluentArgs::new();
    args.set("service", service.clone());
    args.set("date", date.clone());
    About {
        lang,
        date,
        time,
        service,
        args,
    }
}

/// A mail about a held booking: what was asked for (or offered), and the link that
/// confirms it within `minutes`.
async fn send_hold_mail(
    st: &Office,
    booked: &booking::Booked,
    subject_key: &str,
    body_key: &str,
    minutes: i64,
) {
    let b = &booked.booking;
    let About {
        lang,
        date,
        time,
        service,
        args,
    } = about(st, b);
    let subject = st.i18n.t(lang, subject_key, Some(&args));
    let body = st.mails.render(
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
            st.outbox.metrics.mails.with_label_values(&["failed"]).inc();
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
async fn deliver(st: &Office, id: &str, mail: Mail, kind: &str) {
    let sent = match st.outbox.mailer().compose(mail) {
        Ok(composed) => st.outbox.send(&composed, id, kind).await,
        Err(e) => {
            st.outbox.metrics.mails.with_label_values(&["failed"]).inc();
            Err(e.to_string())
        }
    };
    if let Err(e) = sent {
        tracing::error!(booking = %id, error = %e, kind, "booking mail failed");
    }
}

/// Sends the confirmation with the join link. A delivery failure is logged and counted; the
/// booking stands.
pub async fn send_confirmation(st: &Office, booked: &booking::Booked) {
    send_booking_mail(st, booked, "mail-subject", "mail-body").await;
}

/// Tells the citizen their appointment was moved: the new time, calendar file and the
/// same links.
pub async fn send_moved(st: &Office, booked: &booking::Booked) {
    send_booking_mail(st, booked, "moved-subject", "moved-body").await;
}

/// Sends the reminder before the appointment: the confirmation's links and calendar file
/// again, under another subject.
pub async fn send_reminder(st: &Office, booked: &booking::Booked) {
    send_booking_mail(st, booked, "reminder-subject", "reminder-body").await;
}

async fn send_booking_mail(
    st: &Office,
    booked: &booking::Booked,
    subject_key: &str,
    body_key: &str,
) {
    let b = &booked.booking;
    let About {
        lang,
        date,
        time,
        service,
        mut args,
    } = about(st, b);
    args.set("time", time.clone());
    args.set("name", b.citizen_name.clone());
    let subject = st.i18n.t(lang, subject_key, Some(&args));
    let body = st.mails.render(
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
            st.outbox.metrics.mails.with_label_values(&["failed"]).inc();
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

/// Tells whoever joined a waiting list their place and how to withdraw.
pub async fn send_waitlist_joined(st: &Office, s: &Service, joined: &waitlist::Joined) {
    // The address is unconfirmed: no name the visitor typed, and a limit per recipient.
    if !optin_allowed(st, &joined.email) {
        return;
    }
    let lang = joined.locale.as_str();
    let service = st.i18n.t(lang, &format!("service-{}", s.slug), None);
    let mut args = FluentArgs::new();
    args.set("service", service);
    args.set("position", joined.position);
    let withdraw = st.settings.link(
        &["waitlist", &joined.id, "withdraw"],
        &[("key", &joined.key), ("lang", lang)],
    );
    let body = st.mails.render(
        "notice.txt",
        context! {
            lang => lang,
            body => st.i18n.t(lang, "waitlist-mail-body", Some(&args)),
            link_intro => st.i18n.t(lang, "waitlist-mail-withdraw", None),
            link => withdraw,
        },
    );
    let body = match body {
        Ok(b) => b,
        Err(e) => {
            tracing::error!(error = %e, template = "notice.txt", "waiting list mail template failed");
            return;
        }
    };
    deliver(
        st,
        &joined.id,
        Mail {
            to: joined.email.clone(),
            subject: st.i18n.t(lang, "waitlist-mail-subject", Some(&args)),
            body,
            calendar: None,
        },
        "waitlist",
    )
    .await;
}

/// One round of the courier: every queued mail that is due is tried, then the bookings
/// whose mail was given up are released if that mail held them (see [`courier`]).
pub async fn deliver_due(st: &Office) -> Result<Round, QueueError> {
    let round = st.outbox.run_once().await?;
    release_undeliverable(st, &round.undeliverable).await;
    Ok(round)
}

/// Delivers queued mails until `stop` completes (see [`Outbox::run`]). A booking still
/// unconfirmed when its mail is given up was held by that mail (the opt-in or a waiting
/// list's offer, the only link to confirm it): it is released at once. Any other booking,
/// or a waiting-list entry, is left as it is.
///
/// [`Outbox::run`]: vamt_portal_storage::outbox::Outbox::run
pub async fn courier(st: &Office, stop: impl std::future::Future<Output = ()>) {
    st.outbox
        .run(stop, |references| async move {
            release_undeliverable(st, &references).await;
        })
        .await;
}

async fn release_undeliverable(st: &Office, references: &[String]) {
    for reference in references {
        // If this fails, the hold job releases it when its time to confirm is up.
        if let Err(e) = crate::hold::release_now(st, reference).await {
            tracing::error!(booking = %reference, error = %e, "hold of an undeliverable mail not released");
        }
    }
}

/// A mail to the citizen of `b` from the case record of their appointment: `body` with an
/// optional link under `link_intro`, in the booking's language, to the booking's address.
async fn send_case_mail(
    st: &Office,
    b: &booking::Booking,
    kind: &str,
    subject: String,
    body: String,
    link: Option<(String, String)>,
) {
    let lang = b.locale.as_str();
    let (link_intro, link) = link.unwrap_or_default();
    let text = st.mails.render(
        "notice.txt",
        context! {
            lang => lang,
            name => b.citizen_name.clone(),
            body => body,
            link_intro => link_intro,
            link => link,
        },
    );
    let text = match text {
        Ok(t) => t,
        Err(e) => {
            tracing::error!(error = %e, template = "notice.txt", kind, "case mail template failed");
            st.outbox.metrics.mails.with_label_values(&["failed"]).inc();
            return;
        }
    };
    deliver(
        st,
        &b.id,
        Mail {
            to: b.email.clone(),
            subject,
            body: text,
            calendar: None,
        },
        kind,
    )
    .await;
}

/// Mails the TAN that signs a document in the call to the booking's address.
pub async fn send_tan(st: &Office, b: &booking::Booking, tan: &str, minutes: i64) {
    let lang = b.locale.as_str();
    let mut args = FluentArgs::new();
    args.set("tan", tan.to_owned());
    args.set("minutes", minutes);
    send_case_mail(
        st,
        b,
        "tan",
        st.i18n.t(lang, "tan-mail-subject", None),
        st.i18n.t(lang, "tan-mail-body", Some(&args)),
        None,
    )
    .await;
}

/// Tells the citizen a result of their appointment went out: by `download` (the link, until
/// `until`) or by post.
pub async fn send_result(
    st: &Office,
    b: &booking::Booking,
    document: &str,
    download: Option<(String, chrono::DateTime<chrono::Utc>)>,
) {
    let lang = b.locale.as_str();
    let mut args = FluentArgs::new();
    args.set("document", document.to_owned());
    let (body_key, link) = match download {
        Some((url, until)) => {
            let (date, time) = st
                .i18n
                .local_date_time(st.settings.booking.timezone, lang, until);
            args.set("date", date);
            args.set("time", time);
            (
                "result-mail-download",
                Some((st.i18n.t(lang, "result-mail-link", Some(&args)), url)),
            )
        }
        None => ("result-mail-post", None),
    };
    send_case_mail(
        st,
        b,
        "result",
        st.i18n.t(lang, "result-mail-subject", Some(&args)),
        st.i18n.t(lang, body_key, Some(&args)),
        link,
    )
    .await;
}

/// Tells the citizen of `b` about a payment: `kind` `receipt` (paid) or `invoice` (issued).
/// The subject and body come from `{kind}-mail-subject` and `{kind}-mail-body` with `args`;
/// the link is the download of its PDF in the case, valid until `until`.
pub async fn send_payment(
    st: &Office,
    b: &booking::Booking,
    kind: &'static str,
    mut args: FluentArgs<'_>,
    url: String,
    until: chrono::DateTime<chrono::Utc>,
) {
    let lang = b.locale.as_str();
    let (date, time) = st
        .i18n
        .local_date_time(st.settings.booking.timezone, lang, until);
    args.set("date", date);
    args.set("time", time);
    let link = (st.i18n.t(lang, "result-mail-link", Some(&args)), url);
    send_case_mail(
        st,
        b,
        kind,
        st.i18n
            .t(lang, &format!("{kind}-mail-subject"), Some(&args)),
        st.i18n.t(lang, &format!("{kind}-mail-body"), Some(&args)),
        Some(link),
    )
    .await;
}
