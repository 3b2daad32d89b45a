//! The pages (minijinja templates of `templates/`), compiled in.

/// The pages, compiled in.
pub const PAGES: &[(&str, &str)] = &[
    ("base.html", include_str!("../templates/base.html")),
    ("index.html", include_str!("../templates/index.html")),
    ("book.html", include_str!("../templates/book.html")),
    ("booked.html", include_str!("../templates/booked.html")),
    ("cancel.html", include_str!("../templates/cancel.html")),
    ("confirm.html", include_str!("../templates/confirm.html")),
    ("waitlist.html", include_str!("../templates/waitlist.html")),
    (
        "waitlist_withdraw.html",
        include_str!("../templates/waitlist_withdraw.html"),
    ),
    ("call.html", include_str!("../templates/call.html")),
    (
        "hearing_login.html",
        include_str!("../templates/hearing_login.html"),
    ),
    (
        "hearing_expired.html",
        include_str!("../templates/hearing_expired.html"),
    ),
    (
        "hearing_case.html",
        include_str!("../templates/hearing_case.html"),
    ),
    (
        "admin_hearing.html",
        include_str!("../templates/admin_hearing.html"),
    ),
    (
        "admin_hearing_case.html",
        include_str!("../templates/admin_hearing_case.html"),
    ),
    (
        "pay_result.html",
        include_str!("../templates/pay_result.html"),
    ),
    (
        "admin_payments.html",
        include_str!("../templates/admin_payments.html"),
    ),
    (
        "admin_statement.html",
        include_str!("../templates/admin_statement.html"),
    ),
    (
        "call_early.html",
        include_str!("../templates/call_early.html"),
    ),
    (
        "clerk_takeover.html",
        include_str!("../templates/clerk_takeover.html"),
    ),
    (
        "clerk_login.html",
        include_str!("../templates/clerk_login.html"),
    ),
    ("clerk.html", include_str!("../templates/clerk.html")),
    (
        "clerk_move.html",
        include_str!("../templates/clerk_move.html"),
    ),
    (
        "clerk_book.html",
        include_str!("../templates/clerk_book.html"),
    ),
    (
        "clerk_stats.html",
        include_str!("../templates/clerk_stats.html"),
    ),
    ("error.html", include_str!("../templates/error.html")),
    ("rebook.html", include_str!("../templates/rebook.html")),
    ("admin.html", include_str!("../templates/admin.html")),
    (
        "_admin_status.html",
        include_str!("../templates/_admin_status.html"),
    ),
    (
        "_admin_week.html",
        include_str!("../templates/_admin_week.html"),
    ),
    (
        "_admin_days.html",
        include_str!("../templates/_admin_days.html"),
    ),
    (
        "admin_location.html",
        include_str!("../templates/admin_location.html"),
    ),
    (
        "admin_clerk.html",
        include_str!("../templates/admin_clerk.html"),
    ),
    (
        "admin_clerk_new.html",
        include_str!("../templates/admin_clerk_new.html"),
    ),
    (
        "admin_service.html",
        include_str!("../templates/admin_service.html"),
    ),
    (
        "admin_refused.html",
        include_str!("../templates/admin_refused.html"),
    ),
];
