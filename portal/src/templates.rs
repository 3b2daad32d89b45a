//! The portal's templates (minijinja), pages and mails alike, compiled in, with
//! `t(key, arg=…)` reading the Fluent catalogue in the text's language. Outside `web/`
//! because the mails (`notify.rs`) render them too, and the domain must not reach into the
//! web layer (issue 19).
use std::sync::Arc;

use fluent_bundle::FluentArgs;
use minijinja::value::Kwargs;
use minijinja::{Environment, State, Value};

use crate::i18n::I18n;

const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../templates/base.html")),
    ("index.html", include_str!("../templates/index.html")),
    ("book.html", include_str!("../templates/book.html")),
    ("booked.html", include_str!("../templates/booked.html")),
    ("cancel.html", include_str!("../templates/cancel.html")),
    ("confirm.html", include_str!("../templates/confirm.html")),
    ("optin.txt", include_str!("../templates/optin.txt")),
    ("notice.txt", include_str!("../templates/notice.txt")),
    ("waitlist.html", include_str!("../templates/waitlist.html")),
    (
        "waitlist_withdraw.html",
        include_str!("../templates/waitlist_withdraw.html"),
    ),
    ("call.html", include_str!("../templates/call.html")),
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
    (
        "confirmation.txt",
        include_str!("../templates/confirmation.txt"),
    ),
];

/// The compiled templates.
pub struct Templates {
    env: Environment<'static>,
}

impl Templates {
    /// Compiles every template; a syntax error refuses the start.
    pub fn new(i18n: Arc<I18n>) -> Result<Self, minijinja::Error> {
        let mut env = Environment::new();
        for (name, src) in TEMPLATES {
            env.add_template(name, src)?;
        }
        // User text (a citizen's name, a note) in an attribute or passed into a translated
        // sentence, where <bdi> cannot go: first-strong isolate marks keep its direction to
        // itself, so a right-to-left name or a stray override cannot reorder the labels
        // around it (Fluent's own isolation is off, see i18n.rs).
        env.add_filter("isolate", |s: String| format!("\u{2068}{s}\u{2069}"));
        env.add_function(
            "t",
            move |state: &State, key: String, kwargs: Kwargs| -> Result<String, minijinja::Error> {
                let lang = state
                    .lookup("lang")
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_else(|| crate::i18n::LANGUAGES[0].to_owned());
                let mut args = FluentArgs::new();
                for name in kwargs.args() {
                    let v: Value = kwargs.get(name)?;
                    // Numbers stay numbers, so plural variants ([one], [other]) select.
                    match i64::try_from(v.clone()) {
                        Ok(n) if v.is_number() => args.set(name.to_owned(), n),
                        _ => args.set(name.to_owned(), v.to_string()),
                    }
                }
                Ok(i18n.t(&lang, &key, Some(&args)))
            },
        );
        Ok(Self { env })
    }

    /// Renders `name` with `ctx`.
    pub fn render(&self, name: &str, ctx: Value) -> Result<String, minijinja::Error> {
        self.env.get_template(name)?.render(ctx)
    }
}
