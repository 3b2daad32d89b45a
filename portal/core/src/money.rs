//! Money: whole minor units (cents) with their currency, never a float, so fees, payments
//! and their ledgers add up exactly; shown in each language's digits by ICU4X's decimal
//! formatter (CLDR data compiled in), as 15 languages and payments follow.
use icu_decimal::input::Decimal;
use icu_decimal::options::GroupingStrategy;
use icu_decimal::DecimalFormatter;
use icu_locale_core::Locale;

/// A currency (ISO 4217). The portal takes fees in euros; payments add what a city needs.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum Currency {
    /// The euro: two decimals.
    #[serde(rename = "EUR")]
    Eur,
}

impl Currency {
    /// The ISO 4217 code.
    pub const fn code(self) -> &'static str {
        match self {
            Self::Eur => "EUR",
        }
    }

    /// Decimals of the minor unit (two for the euro's cents).
    pub const fn minor_digits(self) -> u8 {
        match self {
            Self::Eur => 2,
        }
    }
}

/// An amount of money in minor units of its currency.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct Money {
    /// Minor units (cents).
    pub minor: i64,
    /// Its currency.
    pub currency: Currency,
}

/// Most whole units an amount typed in may have: no fee of a citizens' office comes near.
const MAX_WHOLE: i64 = 100_000;

impl Money {
    /// `cents` euro cents.
    pub const fn eur(cents: i64) -> Self {
        Self {
            minor: cents,
            currency: Currency::Eur,
        }
    }

    /// An amount as a person types it: `12`, `12,5`, `12.50` (either language's decimal
    /// sign), at most as many decimals as the currency has, no sign, no grouping, at most
    /// 100,000 whole units. `None` for anything else.
    pub fn parse(text: &str, currency: Currency) -> Option<Self> {
        let text = text.trim().replace(',', ".");
        let (whole, frac) = text.split_once('.').unwrap_or((&text, ""));
        let digits = usize::from(currency.minor_digits());
        let all_digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
        if whole.is_empty() || frac.len() > digits || !all_digits(whole) || !all_digits(frac) {
            return None;
        }
        let whole: i64 = whole.parse().ok().filter(|w| *w <= MAX_WHOLE)?;
        let frac: i64 = format!("{frac:0<digits$}").parse().ok()?;
        Some(Self {
            minor: whole * 10_i64.pow(u32::from(currency.minor_digits())) + frac,
            currency,
        })
    }

    /// The amount in `lang`'s digits, with all its decimals and the language's grouping
    /// (`1.234,50` in German, `1,234.50` in English), without the currency: the
    /// catalogue's sentence puts the currency where the language puts it.
    pub fn amount_text(self, lang: &str) -> String {
        self.digits(lang, GroupingStrategy::Auto)
    }

    /// The amount as a form field shows it for editing: as [`Money::amount_text`] but
    /// never grouped, so that [`Money::parse`] reads it back.
    pub fn input_text(self, lang: &str) -> String {
        self.digits(lang, GroupingStrategy::Never)
    }

    fn digits(self, lang: &str, grouping: GroupingStrategy) -> String {
        let mut amount = Decimal::from(self.minor);
        let digits = i16::from(self.currency.minor_digits());
        amount.multiply_pow10(-digits);
        amount.absolute.pad_end(-digits);
        let locale: Locale = lang.parse().unwrap_or(icu_locale_core::locale!("de"));
        match DecimalFormatter::try_new((&locale).into(), grouping.into()) {
            Ok(formatter) => formatter.format_to_string(&amount),
            // Compiled data has every language; without it, the plain digits.
            Err(_) => amount.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_shown_in_each_languages_digits() {
        assert_eq!(Money::eur(1250).amount_text("de"), "12,50");
        assert_eq!(Money::eur(1250).amount_text("en"), "12.50");
        assert_eq!(Money::eur(123_450).amount_text("de"), "1.234,50");
        assert_eq!(Money::eur(123_450).amount_text("en"), "1,234.50");
        assert_eq!(Money::eur(500).amount_text("de"), "5,00");
        assert_eq!(Money::eur(7).amount_text("en"), "0.07");
        // Languages the hearing brings: Arabic digits where CLDR says so, French spacing.
        assert_eq!(Money::eur(123_450).amount_text("fr"), "1\u{202f}234,50");
        assert_eq!(Money::eur(1250).amount_text("ar-EG"), "١٢٫٥٠");
        // A form field's value reads back.
        assert_eq!(Money::eur(123_450).input_text("en"), "1234.50");
        assert_eq!(
            Money::parse(&Money::eur(123_450).input_text("de"), Currency::Eur),
            Some(Money::eur(123_450))
        );
    }

    #[test]
    fn an_amount_is_parsed_as_people_type_it_or_refused() {
        for (text, cents) in [("12", 1200), ("12,5", 1250), ("12.50", 1250), (" 0,07 ", 7)] {
            assert_eq!(
                Money::parse(text, Currency::Eur),
                Some(Money::eur(cents)),
                "{text}"
            );
        }
        for bad in [
            "", ",5", "12,505", "1.234", "-3", "1.234,50", "12 €", "abc", "100001",
        ] {
            assert_eq!(Money::parse(bad, Currency::Eur), None, "{bad:?}");
        }
        assert_eq!(
            Money::parse("100000", Currency::Eur),
            Some(Money::eur(10_000_000))
        );
    }
}
