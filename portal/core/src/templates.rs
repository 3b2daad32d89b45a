//! Templates (minijinja) with `t(key, arg=…)` reading the Fluent catalogue in the text's
//! language and the `isolate` filter for user text. The web crate compiles its pages with
//! it, each domain its mails: one way to write text in every part.
use std::sync::Arc;

use fluent_bundle::FluentArgs;
use minijinja::value::Kwargs;
use minijinja::{Environment, State, Value};

use crate::i18n::I18n;

/// The compiled templates.
pub struct Templates {
    env: Environment<'static>,
}

impl Templates {
    /// Compiles `sources` (name, text); a syntax error refuses the start.
    pub fn new(
        i18n: Arc<I18n>,
        sources: &'static [(&'static str, &'static str)],
    ) -> Result<Self, minijinja::Error> {
        let mut env = Environment::new();
        for (name, src) in sources {
            env.add_template(name, src)?;
        }
        // User text (a citizen's name, a note) in an attribute or passed into a translated
        // sentence, where <bdi> cannot go: first-strong isolate marks keep its direction to
        // itself, so a right-to-left name or a stray override cannot reorder the labels
        // around it (Fluent's own isolation is off, see i18n.rs).
        env.add_filter("isolate", |s: String| format!("\u{2068}{s}\u{2069}"));
        let translate = move |lang: &str, key: &str, kwargs: Kwargs| {
            let mut args = FluentArgs::new();
            for name in kwargs.args() {
                let v: Value = kwargs.get(name)?;
                // Numbers stay numbers, so plural variants ([one], [other]) select.
                match i64::try_from(v.clone()) {
                    Ok(n) if v.is_number() => args.set(name.to_owned(), n),
                    _ => args.set(name.to_owned(), v.to_string()),
                }
            }
            Ok::<_, minijinja::Error>(i18n.t(lang, key, Some(&args)))
        };
        let in_page = translate.clone();
        env.add_function(
            "t",
            move |state: &State, key: String, kwargs: Kwargs| -> Result<String, minijinja::Error> {
                let lang = state
                    .lookup("lang")
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_else(|| crate::i18n::LANGUAGES[0].to_owned());
                in_page(&lang, &key, kwargs)
            },
        );
        // A text in a language other than the page's: the German original of legal text
        // shown beside its courtesy translation.
        env.add_function(
            "t_in",
            move |lang: String, key: String, kwargs: Kwargs| -> Result<String, minijinja::Error> {
                translate(&lang, &key, kwargs)
            },
        );
        Ok(Self { env })
    }

    /// Renders `name` with `ctx`.
    pub fn render(&self, name: &str, ctx: Value) -> Result<String, minijinja::Error> {
        self.env.get_template(name)?.render(ctx)
    }
}
