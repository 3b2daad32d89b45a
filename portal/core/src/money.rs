//! Money: whole minor units of an ISO 4217 currency, never a float, so that fees, payments
//! and refunds add up to the cent and a provider's amount compares exactly with the one
//! requested. Every sum is checked: an overflow or two currencies in one sum is an error,
//! never a wrapped or mixed number. Shown in each language's digits by ICU4X's decimal
//! formatter (CLDR data compiled in); machines read and write the plain decimal
//! ([`Money::parse`], `Display`), people type with either decimal sign ([`Money::parse_typed`]).
//!
//! One type for the whole portal: the catalogue's fees, the payments domain and its
//! providers, the pages. (The payments crate had its own until issue 21 merged them.)
use std::fmt;
use std::str::FromStr;

use icu_decimal::input::Decimal;
use icu_decimal::options::GroupingStrategy;
use icu_decimal::DecimalFormatter;
use icu_locale_core::Locale;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The currencies whose minor unit the portal knows (ISO 4217's exponent). A code outside
/// is refused rather than guessed: taking yen as cents would charge a hundred times over.
/// The euro's neighbours a city office meets, and the yen (no decimals) and the Kuwaiti
/// dinar (three) so that every exponent the formatting handles is in use.
/// Most whole units an amount typed in may have: no fee of a citizens' office comes near.
const MAX_WHOLE: i64 = 100_000;

const KNOWN: &[(&str, u8)] = &[
    ("EUR", 2),
    ("CHF", 2),
    ("GBP", 2),
    ("USD", 2),
    ("SEK", 2),
    ("NOK", 2),
    ("DKK", 2),
    ("PLN", 2),
    ("CZK", 2),
    ("JPY", 0),
    ("KWD", 3),
];

/// A currency by its ISO 4217 code, one of those whose minor unit is known.
///
/// Made only by [`Currency::parse`] or the constants, so its exponent is always the
/// standard's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Currency {
    code: &'static str,
    exponent: u8,
}

impl Currency {
    /// The euro (two decimals).
    pub const EUR: Currency = Currency {
        code: "EUR",
        exponent: 2,
    };
    /// The Swiss franc (two decimals).
    pub const CHF: Currency = Currency {
        code: "CHF",
        exponent: 2,
    };
    /// The pound sterling (two decimals).
    pub const GBP: Currency = Currency {
        code: "GBP",
        exponent: 2,
    };
    /// The US dollar (two decimals).
    pub const USD: Currency = Currency {
        code: "USD",
        exponent: 2,
    };
    /// The yen (no minor unit).
    pub const JPY: Currency = Currency {
        code: "JPY",
        exponent: 0,
    };

    /// The currency of `code`: three capital letters, one of the known ones.
    pub fn parse(code: &str) -> Result<Currency, MoneyError> {
        if code.len() != 3 || !code.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(MoneyError::NotACurrencyCode);
        }
        KNOWN
            .iter()
            .find(|(known, _)| *known == code)
            .map(|&(code, exponent)| Currency { code, exponent })
            .ok_or_else(|| MoneyError::UnknownCurrency(code.to_owned()))
    }

    /// The ISO 4217 code (`EUR`).
    pub fn code(self) -> &'static str {
        self.code
    }

    /// Decimals of the minor unit: 2 for the euro's cents, 0 for the yen.
    pub fn exponent(self) -> u8 {
        self.exponent
    }

    /// Minor units in one major unit (100 for the euro).
    fn unit(self) -> u64 {
        10u64.pow(u32::from(self.exponent))
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code)
    }
}

impl FromStr for Currency {
    type Err = MoneyError;

    fn from_str(code: &str) -> Result<Self, Self::Err> {
        Currency::parse(code)
    }
}

impl Serialize for Currency {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code)
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = String::deserialize(deserializer)?;
        Currency::parse(&code).map_err(serde::de::Error::custom)
    }
}

/// An amount in minor units of its currency: `{"minor":1250,"currency":"EUR"}` is 12.50 €.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    /// Minor units (cents for the euro); negative only for what is owed back.
    pub minor: i64,
    /// Its currency.
    pub currency: Currency,
}

/// `units` × 10^−`decimals` as `lang` writes a number, with exactly `decimals` places
/// (`1,5` in German, `1.5` in English): the clerks' statistics' hours.
pub fn number_text(lang: &str, units: i64, decimals: u8) -> String {
    formatted(lang, units, decimals, GroupingStrategy::Auto)
}

/// [`number_text`] with a choice of grouping (a form field's amount is never grouped).
fn formatted(lang: &str, units: i64, decimals: u8, grouping: GroupingStrategy) -> String {
    let mut value = Decimal::from(units);
    let places = i16::from(decimals);
    value.multiply_pow10(-places);
    value.absolute.pad_end(-places);
    let locale: Locale = lang.parse().unwrap_or(icu_locale_core::locale!("de"));
    match DecimalFormatter::try_new((&locale).into(), grouping.into()) {
        Ok(formatter) => formatter.format_to_string(&value),
        // Compiled data has every language; without it, the plain digits.
        Err(_) => value.to_string(),
    }
}

impl Money {
    /// `minor` minor units of `currency`.
    pub const fn new(minor: i64, currency: Currency) -> Money {
        Money { minor, currency }
    }

    /// Nothing, in `currency`: where a sum starts.
    pub const fn zero(currency: Currency) -> Money {
        Money { minor: 0, currency }
    }

    /// Whether it is more than nothing.
    pub fn is_positive(self) -> bool {
        self.minor > 0
    }

    /// `self + other`, refused across currencies or on overflow.
    pub fn checked_add(self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(other)?;
        let minor = self
            .minor
            .checked_add(other.minor)
            .ok_or(MoneyError::Overflow)?;
        Ok(Money::new(minor, self.currency))
    }

    /// `self - other`, refused across currencies or on overflow.
    pub fn checked_sub(self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(other)?;
        let minor = self
            .minor
            .checked_sub(other.minor)
            .ok_or(MoneyError::Overflow)?;
        Ok(Money::new(minor, self.currency))
    }

    /// `quantity` times `self` (a price per copy times the copies), refused on overflow.
    pub fn checked_mul(self, quantity: u32) -> Result<Money, MoneyError> {
        let minor = self
            .minor
            .checked_mul(i64::from(quantity))
            .ok_or(MoneyError::Overflow)?;
        Ok(Money::new(minor, self.currency))
    }

    /// The sum of `items`, all in `currency`; nothing in `currency` when there are none, so
    /// that an empty list still has a currency.
    pub fn sum(
        currency: Currency,
        items: impl IntoIterator<Item = Money>,
    ) -> Result<Money, MoneyError> {
        items
            .into_iter()
            .try_fold(Money::zero(currency), Money::checked_add)
    }

    /// An amount as a decimal string in `currency`'s major unit: `12.50`, `12.5`, `12`,
    /// `-3.20`. A dot is the only decimal sign and there is no grouping: this reads what
    /// machines write (providers, storage, the API), not what people type. More decimals
    /// than the currency has are refused, not rounded: `12.505` euro is no amount.
    pub fn parse(text: &str, currency: Currency) -> Result<Money, MoneyError> {
        let (negative, digits) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (whole, frac) = match digits.split_once('.') {
            Some((whole, frac)) => (whole, Some(frac)),
            None => (digits, None),
        };
        let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !all_digits(whole) || !frac.is_none_or(all_digits) {
            return Err(MoneyError::NotADecimal);
        }
        let frac = frac.unwrap_or("");
        let exponent = usize::from(currency.exponent);
        if frac.len() > exponent {
            return Err(MoneyError::TooManyDecimals {
                currency,
                allowed: currency.exponent,
            });
        }
        // Digit by digit in i128, stopping as soon as no i64 can hold it: a long run of
        // digits is refused before it costs anything.
        let limit = i128::from(i64::MAX) + 1;
        let mut minor: i128 = 0;
        let padded = frac
            .bytes()
            .chain(std::iter::repeat_n(b'0', exponent - frac.len()));
        for b in whole.bytes().chain(padded) {
            minor = minor * 10 + i128::from(b - b'0');
            if minor > limit {
                return Err(MoneyError::Overflow);
            }
        }
        let minor = if negative { -minor } else { minor };
        let minor = i64::try_from(minor).map_err(|_| MoneyError::Overflow)?;
        Ok(Money::new(minor, currency))
    }

    /// The amount as a plain decimal in the major unit, every decimal of the currency, no
    /// code: `29.00`, `1250` (yen), `-0.07`. What providers' APIs and the accounts' CSV take;
    /// [`Money::parse`] reads it back.
    pub fn decimal(self) -> String {
        let sign = if self.minor < 0 { "-" } else { "" };
        // unsigned_abs: i64::MIN has no positive i64.
        let abs = self.minor.unsigned_abs();
        let unit = self.currency.unit();
        match usize::from(self.currency.exponent) {
            0 => format!("{sign}{abs}"),
            width => format!("{sign}{}.{:0width$}", abs / unit, abs % unit),
        }
    }

    /// `cents` euro cents: the catalogue's fees are in euros.
    pub const fn eur(cents: i64) -> Money {
        Money::new(cents, Currency::EUR)
    }

    /// An amount as a person types it: `12`, `12,5`, `12.50` (either language's decimal
    /// sign), at most as many decimals as the currency has, no sign, no grouping, at most
    /// 100,000 whole units. `None` for anything else.
    pub fn parse_typed(text: &str, currency: Currency) -> Option<Money> {
        let text = text.trim().replace(',', ".");
        if text.starts_with('-') {
            return None;
        }
        let money = Money::parse(&text, currency).ok()?;
        let whole = money.minor / i64::try_from(currency.unit()).ok()?;
        (whole <= MAX_WHOLE).then_some(money)
    }

    /// The amount in `lang`'s digits, with all its decimals and the language's grouping
    /// (`1.234,50` in German, `1,234.50` in English), without the currency: the
    /// catalogue's sentence puts the currency where the language puts it.
    pub fn amount_text(self, lang: &str) -> String {
        self.digits(lang, GroupingStrategy::Auto)
    }

    /// The amount as a form field shows it for editing: as [`Money::amount_text`] but
    /// never grouped, so that [`Money::parse_typed`] reads it back.
    pub fn input_text(self, lang: &str) -> String {
        self.digits(lang, GroupingStrategy::Never)
    }

    fn digits(self, lang: &str, grouping: GroupingStrategy) -> String {
        formatted(lang, self.minor, self.currency.exponent(), grouping)
    }

    fn same_currency(self, other: Money) -> Result<(), MoneyError> {
        if self.currency == other.currency {
            Ok(())
        } else {
            Err(MoneyError::CurrencyMismatch {
                left: self.currency,
                right: other.currency,
            })
        }
    }
}

/// `12.50 EUR`, `1250 JPY`, `-0.07 EUR`: every decimal of the currency, its code after.
/// Machines' form (logs, storage, provider requests); pages show money in the reader's
/// language through `vamt_portal_core::money`.
impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.decimal(), self.currency.code)
    }
}

/// Reads back what [`Display`](fmt::Display) writes: `12.50 EUR`.
impl FromStr for Money {
    type Err = MoneyError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let (amount, code) = text.split_once(' ').ok_or(MoneyError::NotADecimal)?;
        Money::parse(amount, Currency::parse(code)?)
    }
}

/// Why an amount or a currency was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    /// Not three capital letters.
    #[error("a currency is three capital letters (ISO 4217)")]
    NotACurrencyCode,
    /// A well-formed code whose minor unit the portal does not know.
    #[error("unknown currency {0}")]
    UnknownCurrency(String),
    /// Two currencies in one sum or comparison.
    #[error("{left} and {right} do not add up")]
    CurrencyMismatch {
        /// The left-hand amount's currency.
        left: Currency,
        /// The right-hand amount's currency.
        right: Currency,
    },
    /// The result does not fit in 64 bits of minor units.
    #[error("amount out of range")]
    Overflow,
    /// Not a decimal number (`12.50`).
    #[error("not a decimal amount")]
    NotADecimal,
    /// More decimals than the currency's minor unit has.
    #[error("{currency} has {allowed} decimals")]
    TooManyDecimals {
        /// The currency.
        currency: Currency,
        /// Its decimals.
        allowed: u8,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn currencies_are_known_codes_with_their_exponent() {
        assert_eq!(Currency::parse("EUR"), Ok(Currency::EUR));
        for code in ["EUR", "CHF", "GBP", "USD"] {
            assert_eq!(
                Currency::parse(code).map(Currency::exponent),
                Ok(2),
                "{code}"
            );
        }
        assert_eq!(Currency::parse("JPY").map(Currency::exponent), Ok(0));
        assert_eq!(Currency::parse("KWD").map(Currency::exponent), Ok(3));
        assert_eq!(
            Currency::parse("XYZ"),
            Err(MoneyError::UnknownCurrency("XYZ".into()))
        );
        for bad in ["eur", "EURO", "EU", "", "E1R", "ÉUR"] {
            assert_eq!(
                Currency::parse(bad),
                Err(MoneyError::NotACurrencyCode),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn money_is_shown_with_all_its_decimals_and_its_code() {
        assert_eq!(Money::new(1250, Currency::EUR).to_string(), "12.50 EUR");
        assert_eq!(Money::new(7, Currency::EUR).to_string(), "0.07 EUR");
        assert_eq!(Money::new(-7, Currency::EUR).to_string(), "-0.07 EUR");
        assert_eq!(Money::new(1250, Currency::JPY).to_string(), "1250 JPY");
        let kwd = Currency::parse("KWD").expect("known");
        assert_eq!(Money::new(1250, kwd).to_string(), "1.250 KWD");
        assert_eq!(
            Money::new(i64::MIN, Currency::EUR).to_string(),
            "-92233720368547758.08 EUR"
        );
    }

    #[test]
    fn decimals_are_read_into_minor_units_or_refused() {
        let eur = |text| Money::parse(text, Currency::EUR);
        assert_eq!(eur("12.50"), Ok(Money::new(1250, Currency::EUR)));
        assert_eq!(eur("12.5"), Ok(Money::new(1250, Currency::EUR)));
        assert_eq!(eur("12"), Ok(Money::new(1200, Currency::EUR)));
        assert_eq!(eur("-3.20"), Ok(Money::new(-320, Currency::EUR)));
        assert_eq!(
            eur("12.505"),
            Err(MoneyError::TooManyDecimals {
                currency: Currency::EUR,
                allowed: 2
            })
        );
        assert_eq!(
            Money::parse("12.5", Currency::JPY),
            Err(MoneyError::TooManyDecimals {
                currency: Currency::JPY,
                allowed: 0
            })
        );
        assert_eq!(
            Money::parse("1250", Currency::JPY),
            Ok(Money::new(1250, Currency::JPY))
        );
        for bad in [
            "", ".5", "12.", "+3", "1,50", "1 000", "12.5.0", "--1", "-", "1e3", " 1",
        ] {
            assert_eq!(eur(bad), Err(MoneyError::NotADecimal), "{bad:?}");
        }
        assert_eq!(
            eur("92233720368547758.07"),
            Ok(Money::new(i64::MAX, Currency::EUR))
        );
        assert_eq!(eur("92233720368547758.08"), Err(MoneyError::Overflow));
        assert_eq!(
            eur("-92233720368547758.08"),
            Ok(Money::new(i64::MIN, Currency::EUR))
        );
        assert_eq!(eur(&"9".repeat(10_000)), Err(MoneyError::Overflow));
    }

    #[test]
    fn sums_refuse_overflow_and_mixed_currencies() {
        let eur = |m| Money::new(m, Currency::EUR);
        assert_eq!(eur(1250).checked_add(eur(50)), Ok(eur(1300)));
        assert_eq!(eur(1250).checked_sub(eur(1300)), Ok(eur(-50)));
        assert_eq!(eur(1250).checked_mul(3), Ok(eur(3750)));
        assert_eq!(eur(i64::MAX).checked_add(eur(1)), Err(MoneyError::Overflow));
        assert_eq!(eur(i64::MIN).checked_sub(eur(1)), Err(MoneyError::Overflow));
        assert_eq!(
            eur(i64::MAX / 2 + 1).checked_mul(2),
            Err(MoneyError::Overflow)
        );
        assert_eq!(
            eur(1).checked_add(Money::new(1, Currency::CHF)),
            Err(MoneyError::CurrencyMismatch {
                left: Currency::EUR,
                right: Currency::CHF
            })
        );
        assert_eq!(Money::sum(Currency::EUR, []), Ok(eur(0)));
        assert_eq!(
            Money::sum(Currency::EUR, [eur(1), eur(2), eur(3)]),
            Ok(eur(6))
        );
        assert!(matches!(
            Money::sum(Currency::EUR, [eur(1), Money::new(2, Currency::USD)]),
            Err(MoneyError::CurrencyMismatch { .. })
        ));
        assert_eq!(
            Money::sum(Currency::EUR, [eur(i64::MAX), eur(1)]),
            Err(MoneyError::Overflow)
        );
    }

    #[test]
    fn json_form_is_minor_units_and_the_code() {
        let m = Money::new(1250, Currency::EUR);
        let json = serde_json::to_string(&m).expect("serialize");
        assert_eq!(json, r#"{"minor":1250,"currency":"EUR"}"#);
        assert_eq!(serde_json::from_str::<Money>(&json).ok(), Some(m));
        assert!(serde_json::from_str::<Money>(r#"{"minor":1,"currency":"XYZ"}"#).is_err());
        assert!(serde_json::from_str::<Money>(r#"{"minor":1.5,"currency":"EUR"}"#).is_err());
    }

    fn currency() -> impl Strategy<Value = Currency> {
        prop::sample::select(KNOWN.to_vec())
            .prop_map(|(code, exponent)| Currency { code, exponent })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        /// What is shown reads back to the same amount, in every known currency.
        #[test]
        fn display_reads_back(minor in any::<i64>(), currency in currency()) {
            let m = Money::new(minor, currency);
            prop_assert_eq!(m.to_string().parse::<Money>(), Ok(m));
        }

        /// Checked arithmetic agrees with 128-bit arithmetic wherever 64 bits hold the
        /// result, and refuses exactly where they do not.
        #[test]
        fn arithmetic_is_exact_or_refused(a in any::<i64>(), b in any::<i64>(), q in any::<u32>()) {
            let (ma, mb) = (Money::new(a, Currency::EUR), Money::new(b, Currency::EUR));
            let fits = |x: i128| i64::try_from(x).map(|m| Money::new(m, Currency::EUR)).map_err(|_| MoneyError::Overflow);
            prop_assert_eq!(ma.checked_add(mb), fits(i128::from(a) + i128::from(b)));
            prop_assert_eq!(ma.checked_sub(mb), fits(i128::from(a) - i128::from(b)));
            prop_assert_eq!(ma.checked_mul(q), fits(i128::from(a) * i128::from(q)));
        }
    }

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
            Money::parse_typed(&Money::eur(123_450).input_text("de"), Currency::EUR),
            Some(Money::eur(123_450))
        );
    }

    #[test]
    fn an_amount_is_parsed_as_people_type_it_or_refused() {
        for (text, cents) in [("12", 1200), ("12,5", 1250), ("12.50", 1250), (" 0,07 ", 7)] {
            assert_eq!(
                Money::parse_typed(text, Currency::EUR),
                Some(Money::eur(cents)),
                "{text}"
            );
        }
        for bad in [
            "", ",5", "12,505", "1.234", "-3", "1.234,50", "12 €", "abc", "100001",
        ] {
            assert_eq!(Money::parse_typed(bad, Currency::EUR), None, "{bad:?}");
        }
        assert_eq!(
            Money::parse_typed("100000", Currency::EUR),
            Some(Money::eur(10_000_000))
        );
    }
}
