//! The translation catalogue: one Fluent file per language under `portal/core/locales/`.
use std::collections::HashMap;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};
use icu_datetime::{fieldsets, FixedCalendarDateTimeFormatter};
use unic_langid::LanguageIdentifier;

/// Languages with a catalogue, the first being the default: the fifteen the cities' citizens
/// ask for most (German, English, the languages of the largest immigrant groups, Arabic and
/// Farsi written right to left).
pub const LANGUAGES: &[&str] = &[
    "de", "en", "fr", "it", "es", "pl", "ro", "bg", "hr", "tr", "ru", "uk", "ar", "fa", "el",
];

/// Languages written right to left: their pages are mirrored (`dir="rtl"`).
pub const RIGHT_TO_LEFT: &[&str] = &["ar", "fa"];

/// Each language's catalogue files: `main.ftl` (booking, call, mails, staff pages) and
/// `hearing.ftl` (the online hearing).
const SOURCES: &[(&str, &[&str])] = &[
    (
        "de",
        &[
            include_str!("../locales/de/main.ftl"),
            include_str!("../locales/de/hearing.ftl"),
        ],
    ),
    (
        "en",
        &[
            include_str!("../locales/en/main.ftl"),
            include_str!("../locales/en/hearing.ftl"),
        ],
    ),
    (
        "fr",
        &[
            include_str!("../locales/fr/main.ftl"),
            include_str!("../locales/fr/hearing.ftl"),
        ],
    ),
    (
        "it",
        &[
            include_str!("../locales/it/main.ftl"),
            include_str!("../locales/it/hearing.ftl"),
        ],
    ),
    (
        "es",
        &[
            include_str!("../locales/es/main.ftl"),
            include_str!("../locales/es/hearing.ftl"),
        ],
    ),
    (
        "pl",
        &[
            include_str!("../locales/pl/main.ftl"),
            include_str!("../locales/pl/hearing.ftl"),
        ],
    ),
    (
        "ro",
        &[
            include_str!("../locales/ro/main.ftl"),
            include_str!("../locales/ro/hearing.ftl"),
        ],
    ),
    (
        "bg",
        &[
            include_str!("../locales/bg/main.ftl"),
            include_str!("../locales/bg/hearing.ftl"),
        ],
    ),
    (
        "hr",
        &[
            include_str!("../locales/hr/main.ftl"),
            include_str!("../locales/hr/hearing.ftl"),
        ],
    ),
    (
        "tr",
        &[
            include_str!("../locales/tr/main.ftl"),
            include_str!("../locales/tr/hearing.ftl"),
        ],
    ),
    (
        "ru",
        &[
            include_str!("../locales/ru/main.ftl"),
            include_str!("../locales/ru/hearing.ftl"),
        ],
    ),
    (
        "uk",
        &[
            include_str!("../locales/uk/main.ftl"),
            include_str!("../locales/uk/hearing.ftl"),
        ],
    ),
    (
        "ar",
        &[
            include_str!("../locales/ar/main.ftl"),
            include_str!("../locales/ar/hearing.ftl"),
        ],
    ),
    (
        "fa",
        &[
            include_str!("../locales/fa/main.ftl"),
            include_str!("../locales/fa/hearing.ftl"),
        ],
    ),
    (
        "el",
        &[
            include_str!("../locales/el/main.ftl"),
            include_str!("../locales/el/hearing.ftl"),
        ],
    ),
];

/// A catalogue that failed to load.
#[derive(Debug, thiserror::Error)]
#[error("translation catalogue {lang}: {message}")]
pub struct I18nError {
    lang: String,
    message: String,
}

/// All catalogues, loaded once at start.
pub struct I18n {
    bundles: HashMap<&'static str, FluentBundle<FluentResource>>,
    /// Each catalogue language's date formatter, made once: a booking form writes the date
    /// of every free time on it, hundreds per page.
    dates: HashMap<&'static str, DateFormatter>,
}

/// Writes a Gregorian date as a language writes it in full (weekday, day, month, year).
type DateFormatter = FixedCalendarDateTimeFormatter<icu_calendar::Gregorian, fieldsets::YMDE>;

/// The date formatter of `lang` (CLDR data compiled in).
fn date_formatter(lang: &str) -> Result<DateFormatter, String> {
    let locale: icu_locale_core::Locale = lang.parse().map_err(|e| format!("{e:?}"))?;
    DateFormatter::try_new((&locale).into(), fieldsets::YMDE::long()).map_err(|e| e.to_string())
}

impl I18n {
    /// Parses every catalogue; any syntax error refuses the start.
    pub fn load() -> Result<Self, I18nError> {
        let mut bundles = HashMap::new();
        for (lang, files) in SOURCES {
            let err = |message: String| I18nError {
                lang: (*lang).to_owned(),
                message,
            };
            let id: LanguageIdentifier = lang.parse().map_err(|e| err(format!("{e:?}")))?;
            let mut bundle = FluentBundle::new_concurrent(vec![id]);
            // Unicode isolation marks would show up in plain-text e-mail and attributes.
            bundle.set_use_isolating(false);
            for src in *files {
                let res = FluentResource::try_new((*src).to_owned())
                    .map_err(|(_, errs)| err(format!("{errs:?}")))?;
                bundle
                    .add_resource(res)
                    .map_err(|errs| err(format!("{errs:?}")))?;
            }
            bundles.insert(*lang, bundle);
        }
        let mut dates = HashMap::new();
        for lang in LANGUAGES {
            let formatter = date_formatter(lang).map_err(|message| I18nError {
                lang: (*lang).to_owned(),
                message,
            })?;
            dates.insert(*lang, formatter);
        }
        Ok(Self { bundles, dates })
    }

    /// The text of `key` in `lang`, falling back to the default language, then to the key.
    pub fn t(&self, lang: &str, key: &str, args: Option<&FluentArgs<'_>>) -> String {
        for l in [lang, LANGUAGES[0]] {
            let Some(bundle) = self.bundles.get(l) else {
                continue;
            };
            let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) else {
                continue;
            };
            let mut errors = Vec::new();
            let text = bundle.format_pattern(pattern, args, &mut errors);
            if errors.is_empty() {
                return text.into_owned();
            }
            tracing::warn!(key, lang = l, ?errors, "translation has errors");
            return text.into_owned();
        }
        tracing::warn!(key, lang, "missing translation");
        key.to_owned()
    }

    /// Whether `lang` has a catalogue.
    pub fn supports(lang: &str) -> bool {
        LANGUAGES.contains(&lang)
    }

    /// Picks a language: an explicit choice if supported, else the best match of an
    /// `Accept-Language` header, else the default.
    ///
    /// The header's ranges are ordered by quality (stable, so equal weights keep their order;
    /// `q=0` means "not acceptable" and drops the range), then `fluent-langneg` looks each up
    /// among the catalogues by its full tag (`de-AT` finds `de`, `en_GB` finds `en`).
    pub fn negotiate(explicit: Option<&str>, accept_language: Option<&str>) -> &'static str {
        if let Some(l) = explicit.and_then(|e| LANGUAGES.iter().find(|l| **l == e)) {
            return l;
        }
        let mut ranges: Vec<(&str, f32)> = accept_language
            .unwrap_or("")
            .split(',')
            .filter_map(|part| {
                let mut it = part.split(';');
                let tag = it.next()?.trim();
                let q = it
                    .find_map(|p| {
                        let (k, v) = p.split_once('=')?;
                        k.trim().eq_ignore_ascii_case("q").then_some(v.trim())
                    })
                    .and_then(|q| q.parse::<f32>().ok())
                    .unwrap_or(1.0);
                (q > 0.0).then_some((tag, q))
            })
            .collect();
        ranges.sort_by(|a, b| b.1.total_cmp(&a.1));
        let ordered: Vec<&str> = ranges.iter().map(|(tag, _)| *tag).collect();
        let requested = fluent_langneg::accepted_languages::parse(&ordered.join(","));
        let available = fluent_langneg::convert_vec_str_to_langids_lossy(LANGUAGES);
        let default = &available[0];
        fluent_langneg::negotiate_languages(
            &requested,
            &available,
            Some(default),
            fluent_langneg::NegotiationStrategy::Lookup,
        )
        .first()
        .and_then(|best| available.iter().position(|a| a == *best))
        .map_or(LANGUAGES[0], |i| LANGUAGES[i])
    }

    /// Message IDs of a catalogue, for completeness checks.
    pub fn keys(lang: &str) -> Vec<String> {
        let Some((_, files)) = SOURCES.iter().find(|(l, _)| *l == lang) else {
            return Vec::new();
        };
        files
            .iter()
            .flat_map(|src| src.lines())
            .filter(|l| l.chars().next().is_some_and(|c| c.is_ascii_lowercase()))
            .filter_map(|l| l.split_once('=').map(|(k, _)| k.trim().to_owned()))
            .collect()
    }
}

impl I18n {
    /// Local date and time texts of a UTC instant, in the office's time zone, for pages and
    /// mails alike: the date in the language's own words and order (CLDR, by ICU4X:
    /// "Montag, 7. Dezember 2026", "Monday, December 7, 2026"), always in the Gregorian
    /// calendar the office keeps; the time on the office's 24-hour clock ("08:00"), as its
    /// appointment grid is laid out. A language without a catalogue is written as the
    /// default one.
    pub fn local_date_time(
        &self,
        timezone: chrono_tz::Tz,
        lang: &str,
        t: chrono::DateTime<chrono::Utc>,
    ) -> (String, String) {
        let formatter = self
            .dates
            .get(lang)
            .or_else(|| self.dates.get(LANGUAGES[0]));
        date_and_time(formatter, timezone, t)
    }

    /// A calendar day (a deadline) in the language's own words and order.
    pub fn local_date(&self, lang: &str, day: chrono::NaiveDate) -> String {
        use chrono::Datelike;
        let formatter = self
            .dates
            .get(lang)
            .or_else(|| self.dates.get(LANGUAGES[0]));
        let date = u8::try_from(day.month())
            .ok()
            .zip(u8::try_from(day.day()).ok())
            .and_then(|(m, d)| icu_datetime::input::Date::try_new_gregorian(day.year(), m, d).ok());
        match (formatter, date) {
            (Some(f), Some(d)) => f.format(&d).to_string(),
            _ => day.format("%Y-%m-%d").to_string(),
        }
    }
}

fn date_and_time(
    formatter: Option<&DateFormatter>,
    timezone: chrono_tz::Tz,
    t: chrono::DateTime<chrono::Utc>,
) -> (String, String) {
    use chrono::Datelike;
    let local = t.with_timezone(&timezone);
    let time = local.format("%H:%M").to_string();
    let date = u8::try_from(local.month())
        .ok()
        .zip(u8::try_from(local.day()).ok())
        .and_then(|(m, d)| icu_datetime::input::Date::try_new_gregorian(local.year(), m, d).ok());
    let text = match (formatter, date) {
        (Some(f), Some(d)) => f.format(&d).to_string(),
        // Every catalogue language has a formatter, and the date came from a valid instant.
        _ => local.format("%Y-%m-%d").to_string(),
    };
    (text, time)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_date_is_written_in_each_languages_words_and_order() {
        use chrono::TimeZone;
        let berlin = chrono_tz::Europe::Berlin;
        // 07:30 UTC on a Monday in December is 08:30 in Berlin.
        let t = chrono::Utc
            .with_ymd_and_hms(2026, 12, 7, 7, 30, 0)
            .single()
            .expect("a time");
        let i18n = I18n::load().expect("catalogues load");
        let text = |lang| i18n.local_date_time(berlin, lang, t);
        assert_eq!(
            text("de"),
            ("Montag, 7. Dezember 2026".into(), "08:30".into())
        );
        assert_eq!(
            text("en"),
            ("Monday, December 7, 2026".into(), "08:30".into())
        );
        // A language without a catalogue is written as the default one.
        assert_eq!(text("xx"), text("de"));
        // The languages the hearing brings: their own words and order, and the office's
        // Gregorian calendar in Persian digits, not the Persian calendar.
        let other = |lang| date_and_time(date_formatter(lang).ok().as_ref(), berlin, t).0;
        assert_eq!(other("tr"), "7 Aralık 2026 Pazartesi");
        assert!(other("fa").contains("۲۰۲۶"), "{}", other("fa"));
        // Late in the evening UTC is already the next day in Berlin.
        let late = chrono::Utc
            .with_ymd_and_hms(2026, 12, 7, 23, 30, 0)
            .single()
            .expect("a time");
        assert_eq!(
            i18n.local_date_time(berlin, "de", late),
            ("Dienstag, 8. Dezember 2026".into(), "00:30".into())
        );
    }

    #[test]
    fn catalogues_load_and_have_the_same_keys() {
        I18n::load().expect("catalogues parse");
        let mut de = I18n::keys("de");
        de.sort();
        assert!(de.len() > 20);
        assert_eq!(LANGUAGES.len(), 15);
        for lang in LANGUAGES {
            let mut keys = I18n::keys(lang);
            keys.sort();
            assert_eq!(de, keys, "{lang} must define the same messages as de");
        }
    }

    /// Each message's and attribute's variables, by ID, of every file of `lang`.
    fn variables(
        lang: &str,
    ) -> std::collections::BTreeMap<String, std::collections::BTreeSet<String>> {
        use fluent_syntax::ast;
        fn inline(e: &ast::InlineExpression<&str>, out: &mut std::collections::BTreeSet<String>) {
            match e {
                ast::InlineExpression::VariableReference { id } => {
                    out.insert(id.name.to_owned());
                }
                ast::InlineExpression::FunctionReference { arguments, .. } => {
                    for a in &arguments.positional {
                        inline(a, out);
                    }
                    for n in &arguments.named {
                        inline(&n.value, out);
                    }
                }
                ast::InlineExpression::Placeable { expression } => expr(expression, out),
                _ => {}
            }
        }
        fn expr(e: &ast::Expression<&str>, out: &mut std::collections::BTreeSet<String>) {
            match e {
                ast::Expression::Inline(i) => inline(i, out),
                ast::Expression::Select { selector, variants } => {
                    inline(selector, out);
                    for v in variants {
                        pattern(&v.value, out);
                    }
                }
            }
        }
        fn pattern(p: &ast::Pattern<&str>, out: &mut std::collections::BTreeSet<String>) {
            for el in &p.elements {
                if let ast::PatternElement::Placeable { expression } = el {
                    expr(expression, out);
                }
            }
        }
        let mut all = std::collections::BTreeMap::new();
        let files = SOURCES
            .iter()
            .find(|(l, _)| *l == lang)
            .map(|(_, f)| *f)
            .unwrap_or(&[]);
        for src in files {
            let res = fluent_syntax::parser::parse(*src).expect("parses");
            for entry in &res.body {
                if let ast::Entry::Message(m) = entry {
                    let mut vars = std::collections::BTreeSet::new();
                    if let Some(v) = &m.value {
                        pattern(v, &mut vars);
                    }
                    all.insert(m.id.name.to_owned(), vars);
                    for a in &m.attributes {
                        let mut vars = std::collections::BTreeSet::new();
                        pattern(&a.value, &mut vars);
                        all.insert(format!("{}.{}", m.id.name, a.id.name), vars);
                    }
                }
            }
        }
        all
    }

    #[test]
    fn every_message_has_the_same_variables_in_every_language() {
        let de = variables("de");
        assert!(de.values().any(|v| !v.is_empty()));
        for lang in LANGUAGES {
            let other = variables(lang);
            assert_eq!(
                de.keys().collect::<Vec<_>>(),
                other.keys().collect::<Vec<_>>(),
                "{lang}: messages and attributes"
            );
            for (id, vars) in &de {
                assert_eq!(Some(vars), other.get(id), "{lang}: variables of {id}");
            }
        }
    }

    #[test]
    fn every_language_reads_right_way_round() {
        let i18n = I18n::load().expect("loads");
        let german = i18n.t("de", "site-name", None);
        for lang in LANGUAGES {
            let rtl = RIGHT_TO_LEFT.contains(lang);
            assert_eq!(rtl, matches!(*lang, "ar" | "fa"), "{lang}");
            let name = i18n.t(lang, "site-name", None);
            assert!(!name.is_empty() && name != "site-name", "{lang}");
            if *lang != "de" {
                assert_ne!(name, german, "{lang}");
            }
        }
    }

    #[test]
    fn arguments_are_filled_in() {
        let i = I18n::load().expect("load");
        let mut args = FluentArgs::new();
        args.set("name", "Erika");
        assert!(i.t("en", "mail-greeting", Some(&args)).contains("Erika"));
        assert!(i.t("de", "mail-greeting", Some(&args)).contains("Erika"));
        assert_eq!(i.t("en", "no-such-key", None), "no-such-key");
    }

    #[test]
    fn language_negotiation() {
        assert_eq!(I18n::negotiate(Some("en"), Some("de")), "en");
        assert_eq!(I18n::negotiate(Some("xx"), Some("en-GB,en;q=0.9")), "en");
        assert_eq!(
            I18n::negotiate(None, Some("nl;q=1, en;q=0.5, de;q=0.7")),
            "de"
        );
        assert_eq!(I18n::negotiate(None, None), "de");
    }

    #[test]
    fn accept_language_follows_quality_and_full_tags() {
        let pick = |h: &str| I18n::negotiate(None, Some(h));
        assert_eq!(pick("de-AT,de;q=0.9,en;q=0.8"), "de");
        assert_eq!(pick("en-GB"), "en");
        assert_eq!(pick("nl;q=1.0, en;q=0.5"), "en");
        assert_eq!(pick("nl;q=1.0, fr-CH;q=0.8, en;q=0.5"), "fr");
        assert_eq!(pick("fa-IR, ar;q=0.9"), "fa");
        assert_eq!(pick("en;q=0.2, de;q=0.9"), "de");
        assert_eq!(pick("en;Q=0.2, de;Q=0.9"), "de");
        assert_eq!(pick("nl-BE, nl;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5"), "en");
        // Equal weights keep the header's order.
        assert_eq!(pick("en, de"), "en");
        for default in ["*", "", "garbage", ";;;,,,q=1", "xx-YY;q=0.9", "de;q=0"] {
            assert_eq!(pick(default), "de", "{default:?}");
        }
    }

    #[test]
    fn accept_language_cases_the_primary_subtag_comparison_got_wrong() {
        let pick = |h: &str| I18n::negotiate(None, Some(h));
        // "q=0" means "not acceptable": English was picked because it was the only match.
        assert_eq!(pick("en;q=0"), "de");
        assert_eq!(pick("nl, en;q=0"), "de");
        // An underscore-separated tag has the primary subtag "en_gb", which matched nothing.
        assert_eq!(pick("en_GB"), "en");
    }
}
