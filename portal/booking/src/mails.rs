//! The booking's mails (minijinja templates of `templates/`), compiled in.

/// The mail templates.
pub const MAILS: &[(&str, &str)] = &[
    ("optin.txt", include_str!("../templates/optin.txt")),
    ("notice.txt", include_str!("../templates/notice.txt")),
    (
        "confirmation.txt",
        include_str!("../templates/confirmation.txt"),
    ),
];
