//! The EPC QR payload (EPC069-12, "GiroCode"; docs/payments.md §6.2) printed on an invoice,
//! so that a banking app fills in the transfer: beneficiary, IBAN, amount in euro and the RF
//! creditor reference, and the [`Iban`] and [`Bic`] it needs.
//!
//! Only the text is made here; drawing the QR code (byte mode, level M) is the PDF crate's.
//! Everything is checked before a payload is written, because a wrong IBAN or amount on
//! paper reaches the citizen's bank and cannot be recalled.
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::money::{Currency, Money};
use crate::rf::{group4, mod97, CreditorReference};

/// The longest payload the guideline allows, in bytes (assumed in §6.2; vamt's is < 150).
pub const MAX_PAYLOAD_BYTES: usize = 331;
/// The longest beneficiary name, in characters.
pub const MAX_NAME_CHARS: usize = 70;
/// The smallest amount, in euro cents (0.01).
pub const MIN_AMOUNT_MINOR: i64 = 1;
/// The largest amount, in euro cents (999999999.99).
pub const MAX_AMOUNT_MINOR: i64 = 99_999_999_999;

/// An IBAN whose check digits hold, kept compact and in upper case
/// (`DE89370400440532013000`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Iban(String);

/// Why a text is no IBAN.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IbanError {
    /// Shorter than 15 or longer than 34 characters (spaces removed).
    #[error("an IBAN has 15 to 34 characters, this one {0}")]
    Length(usize),
    /// Not two letters (the country) and two digits (the check) at the start.
    #[error("an IBAN starts with a two-letter country code and two check digits")]
    Start,
    /// A character other than a letter or a digit.
    #[error("{0:?} is not allowed in an IBAN")]
    InvalidCharacter(char),
    /// The check digits do not match (ISO 7064 MOD 97-10).
    #[error("the IBAN's check digits are wrong")]
    BadCheckDigits,
}

impl Iban {
    /// Reads an IBAN as printed or typed: whitespace removed, upper-cased, 15–34 letters and
    /// digits, country letters and check digits first, remainder modulo 97 (the first four
    /// characters moved to the end) equal to 1.
    ///
    /// The country's own length is not checked: the remainder catches every single typo and
    /// transposition, and a table of countries would need keeping up to date.
    pub fn parse(text: &str) -> Result<Iban, IbanError> {
        let compact: String = text
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if let Some(c) = compact.chars().find(|c| !c.is_ascii_alphanumeric()) {
            return Err(IbanError::InvalidCharacter(c));
        }
        // ASCII only from here on, so bytes are characters.
        if !(15..=34).contains(&compact.len()) {
            return Err(IbanError::Length(compact.len()));
        }
        let start = compact.as_bytes();
        if !(start[0].is_ascii_uppercase()
            && start[1].is_ascii_uppercase()
            && start[2].is_ascii_digit()
            && start[3].is_ascii_digit())
        {
            return Err(IbanError::Start);
        }
        let rearranged = compact.chars().skip(4).chain(compact.chars().take(4));
        if mod97(rearranged) != Some(1) {
            return Err(IbanError::BadCheckDigits);
        }
        Ok(Iban(compact))
    }

    /// The compact form (`DE89370400440532013000`): for the QR code and comparisons.
    pub fn compact(&self) -> &str {
        &self.0
    }

    /// The print form in groups of four (`DE89 3704 0044 0532 0130 00`).
    pub fn grouped(&self) -> String {
        group4(&self.0)
    }

    /// The country code (`DE`).
    pub fn country(&self) -> &str {
        self.0.get(..2).unwrap_or_default()
    }
}

/// The compact form.
impl fmt::Display for Iban {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for Iban {
    type Err = IbanError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Iban::parse(text)
    }
}

impl Serialize for Iban {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Iban {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Iban::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// A BIC (ISO 9362), 8 or 11 characters: bank (4 letters), country (2 letters), location
/// (2 letters or digits), optional branch (3 letters or digits). Upper case.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Bic(String);

/// Why a text is no BIC.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a BIC has 8 or 11 letters and digits: bank (4 letters), country (2 letters), location (2), branch (3, optional)")]
pub struct BicError;

impl Bic {
    /// Reads a BIC: whitespace removed, upper-cased, the ISO 9362 shape.
    pub fn parse(text: &str) -> Result<Bic, BicError> {
        let bic: String = text
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let b = bic.as_bytes();
        let shape = (b.len() == 8 || b.len() == 11)
            && b[..6].iter().all(u8::is_ascii_uppercase)
            && b[6..]
                .iter()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
        if shape {
            Ok(Bic(bic))
        } else {
            Err(BicError)
        }
    }

    /// The BIC (`COBADEFFXXX`).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Bic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for Bic {
    type Err = BicError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Bic::parse(text)
    }
}

/// The beneficiary printed in every invoice's QR code (`payments.invoice.creditor_name`,
/// `iban`, `bic`), checked once at start so that a wrong configuration stops the start
/// rather than the first invoice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Beneficiary {
    name: String,
    iban: Iban,
    bic: Option<Bic>,
}

/// Why no EPC payload can be written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EpcError {
    /// The beneficiary's name is empty (after trimming).
    #[error("the beneficiary's name is empty")]
    EmptyName,
    /// The beneficiary's name is longer than 70 characters.
    #[error("the beneficiary's name has {0} characters, at most 70 are allowed")]
    NameTooLong(usize),
    /// The name contains a line break or another control character, which would shift
    /// every following line of the payload.
    #[error("the beneficiary's name contains a line break or control character")]
    ControlCharacter,
    /// The amount is not in euro: the EPC QR code is for SEPA credit transfers in euro only
    /// (the invoice then goes without QR code).
    #[error("an EPC QR code carries euro only, not {0}")]
    NotEuro(Currency),
    /// The amount is outside 0.01–999999999.99 €.
    #[error("the amount must be 0.01 to 999999999.99 EUR, not {0}")]
    AmountOutOfRange(Money),
    /// The whole payload exceeds 331 bytes.
    #[error("the payload has {0} bytes, at most 331 are allowed")]
    TooLong(usize),
}

impl Beneficiary {
    /// The beneficiary `name` (trimmed; 1–70 characters, no control characters) with
    /// `iban` and, optionally, `bic` (EPC version 002 makes it optional in the EEA).
    pub fn new(name: &str, iban: Iban, bic: Option<Bic>) -> Result<Beneficiary, EpcError> {
        let name = name.trim();
        if name.is_empty() {
            return Err(EpcError::EmptyName);
        }
        // Control characters include `\n` and `\r`, the payload's line separators.
        if name.chars().any(char::is_control) {
            return Err(EpcError::ControlCharacter);
        }
        let chars = name.chars().count();
        if chars > MAX_NAME_CHARS {
            return Err(EpcError::NameTooLong(chars));
        }
        Ok(Beneficiary {
            name: name.to_owned(),
            iban,
            bic,
        })
    }

    /// The name as printed.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The account.
    pub fn iban(&self) -> &Iban {
        &self.iban
    }

    /// The bank's BIC, if configured.
    pub fn bic(&self) -> Option<&Bic> {
        self.bic.as_ref()
    }
}

/// The EPC QR payload (§6.2) for `amount` to `beneficiary` with `reference` as the
/// structured remittance: version 002, UTF-8, `SCT`, lines separated by `\n`, ending after
/// the reference without a trailing newline:
///
/// ```text
/// BCD
/// 002
/// 1
/// SCT
/// COBADEFFXXX
/// Stadtkasse Musterstadt
/// DE89370400440532013000
/// EUR29.00
///
/// RF022026000042
/// ```
///
/// The amount must be euro, 0.01–999999999.99, and is always written with two decimals
/// from the cents (no float on the way). The purpose code stays empty (some apps show it
/// confusingly).
pub fn epc_payload(
    beneficiary: &Beneficiary,
    amount: Money,
    reference: &CreditorReference,
) -> Result<String, EpcError> {
    if amount.currency != Currency::EUR {
        return Err(EpcError::NotEuro(amount.currency));
    }
    if !(MIN_AMOUNT_MINOR..=MAX_AMOUNT_MINOR).contains(&amount.minor) {
        return Err(EpcError::AmountOutOfRange(amount));
    }
    let (euros, cents) = (amount.minor / 100, amount.minor % 100);
    let lines = [
        "BCD",
        "002",
        "1",
        "SCT",
        beneficiary.bic.as_ref().map_or("", Bic::as_str),
        &beneficiary.name,
        beneficiary.iban.compact(),
        &format!("EUR{euros}.{cents:02}"),
        "",
        reference.compact(),
    ];
    let payload = lines.join("\n");
    if payload.len() > MAX_PAYLOAD_BYTES {
        return Err(EpcError::TooLong(payload.len()));
    }
    Ok(payload)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn musterstadt(bic: Option<&str>) -> Beneficiary {
        Beneficiary::new(
            "Stadtkasse Musterstadt",
            Iban::parse("DE89370400440532013000").unwrap(),
            bic.map(|b| Bic::parse(b).unwrap()),
        )
        .unwrap()
    }

    fn rf42() -> CreditorReference {
        CreditorReference::parse("RF022026000042").unwrap()
    }

    #[test]
    fn the_spec_example() {
        let payload = epc_payload(
            &musterstadt(Some("COBADEFFXXX")),
            Money::new(2900, Currency::EUR),
            &rf42(),
        )
        .unwrap();
        let expected = "BCD\n002\n1\nSCT\nCOBADEFFXXX\nStadtkasse Musterstadt\n\
                        DE89370400440532013000\nEUR29.00\n\nRF022026000042";
        assert_eq!(payload, expected);
        assert_eq!(payload.len(), 96, "the spec counts 96 bytes");
        assert!(!payload.ends_with('\n'));
    }

    #[test]
    fn without_bic_the_line_is_empty() {
        let payload =
            epc_payload(&musterstadt(None), Money::new(5, Currency::EUR), &rf42()).unwrap();
        assert_eq!(
            payload.lines().collect::<Vec<_>>(),
            [
                "BCD",
                "002",
                "1",
                "SCT",
                "",
                "Stadtkasse Musterstadt",
                "DE89370400440532013000",
                "EUR0.05",
                "",
                "RF022026000042"
            ]
        );
    }

    #[test]
    fn amounts_at_and_beyond_the_limits() {
        let b = musterstadt(None);
        let eur = |minor| Money::new(minor, Currency::EUR);
        assert!(epc_payload(&b, eur(1), &rf42())
            .unwrap()
            .contains("\nEUR0.01\n"));
        assert!(epc_payload(&b, eur(99_999_999_999), &rf42())
            .unwrap()
            .contains("\nEUR999999999.99\n"));
        assert!(epc_payload(&b, eur(1_000), &rf42())
            .unwrap()
            .contains("\nEUR10.00\n"));
        for minor in [0, -1, 100_000_000_000, i64::MIN, i64::MAX] {
            assert_eq!(
                epc_payload(&b, eur(minor), &rf42()),
                Err(EpcError::AmountOutOfRange(eur(minor)))
            );
        }
        assert_eq!(
            epc_payload(&b, Money::new(2900, Currency::CHF), &rf42()),
            Err(EpcError::NotEuro(Currency::CHF))
        );
    }

    #[test]
    fn names_are_checked() {
        let iban = Iban::parse("DE89370400440532013000").unwrap();
        let new = |name: &str| Beneficiary::new(name, iban.clone(), None);
        assert_eq!(new("  "), Err(EpcError::EmptyName));
        assert_eq!(new("Stadt\nkasse"), Err(EpcError::ControlCharacter));
        assert_eq!(new("Stadt\rkasse"), Err(EpcError::ControlCharacter));
        assert_eq!(new(&"ä".repeat(71)), Err(EpcError::NameTooLong(71)));
        // 70 characters of two bytes each: allowed, the limit is in characters.
        let long = new(&"ä".repeat(70)).unwrap();
        let payload = epc_payload(&long, Money::new(2900, Currency::EUR), &rf42()).unwrap();
        assert!(payload.len() <= MAX_PAYLOAD_BYTES);
        assert_eq!(new(" Kasse ").unwrap().name(), "Kasse");
    }

    #[test]
    fn ibans() {
        let iban = Iban::parse("de89 3704 0044 0532 0130 00").unwrap();
        assert_eq!(iban.compact(), "DE89370400440532013000");
        assert_eq!(iban.grouped(), "DE89 3704 0044 0532 0130 00");
        assert_eq!(iban.country(), "DE");
        assert_eq!(
            Iban::parse("DE88370400440532013000"),
            Err(IbanError::BadCheckDigits)
        );
        // Two digits swapped.
        assert_eq!(
            Iban::parse("DE89370400440532031000"),
            Err(IbanError::BadCheckDigits)
        );
        assert_eq!(Iban::parse("DE89"), Err(IbanError::Length(4)));
        assert_eq!(Iban::parse(""), Err(IbanError::Length(0)));
        assert_eq!(
            Iban::parse("DE89-3704-0044-0532-0130-00"),
            Err(IbanError::InvalidCharacter('-'))
        );
        assert_eq!(Iban::parse("8937040044053201300012"), Err(IbanError::Start));
        // Other countries' published examples.
        for text in [
            "AT61 1904 3002 3457 3201",
            "CH93 0076 2011 6238 5295 7",
            "GB29 NWBK 6016 1331 9268 19",
            "FR14 2004 1010 0505 0001 3M02 606",
        ] {
            assert!(Iban::parse(text).is_ok(), "{text}");
        }
    }

    #[test]
    fn bics() {
        assert_eq!(Bic::parse("cobadeffxxx").unwrap().as_str(), "COBADEFFXXX");
        assert!(Bic::parse("COBADEFF").is_ok());
        for bad in [
            "",
            "COBADEF",
            "COBADEFFXX",
            "C0BADEFF",
            "COBADEFF-XX",
            "COBADEFFXXXX",
        ] {
            assert_eq!(Bic::parse(bad), Err(BicError), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn parsers_never_panic(text in "\\PC*") {
            let _ = Iban::parse(&text);
            let _ = Bic::parse(&text);
            if let Ok(iban) = Iban::parse("DE89370400440532013000") {
                if let Ok(b) = Beneficiary::new(&text, iban, None) {
                    let payload = epc_payload(&b, Money::new(2900, Currency::EUR), &rf42());
                    if let Ok(payload) = payload {
                        prop_assert_eq!(payload.lines().count(), 10);
                    }
                }
            }
        }

        #[test]
        fn amounts_are_written_from_the_cents(minor in MIN_AMOUNT_MINOR..=MAX_AMOUNT_MINOR) {
            let payload =
                epc_payload(&musterstadt(None), Money::new(minor, Currency::EUR), &rf42())
                    .unwrap();
            let line = payload.lines().nth(7).unwrap();
            let amount = line.strip_prefix("EUR").unwrap();
            prop_assert_eq!(Money::parse(amount, Currency::EUR).unwrap().minor, minor);
            prop_assert_eq!(amount.split_once('.').unwrap().1.len(), 2);
        }
    }
}
