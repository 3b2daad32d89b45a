//! The RF creditor reference (ISO 11649, docs/payments.md §6.3): `RF`, two check digits and a
//! body of 1–21 letters and digits, printed in groups of four (`RF02 2026 0000 42`) and used
//! compact (`RF022026000042`) in the EPC QR code and when a bank statement is matched.
//!
//! The check digits are ISO 7064 MOD 97-10, the same arithmetic as the IBAN's, so the
//! remainder is computed here once ([`mod97`]) and the IBAN in `epc` uses it too.
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The longest body ISO 11649 allows: 25 characters in all, less `RF` and the check digits.
pub const MAX_BODY_LEN: usize = 21;

/// A valid RF creditor reference, kept compact and in upper case (`RF022026000042`).
///
/// Made only by [`CreditorReference::from_body`], [`CreditorReference::for_invoice`] or
/// [`CreditorReference::parse`], so its check digits always hold.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CreditorReference(String);

/// Why a text is no RF creditor reference, or a body cannot make one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RfError {
    /// The body (or the text after `RF` and the check digits) is empty.
    #[error("the reference's body is empty")]
    EmptyBody,
    /// The body is longer than the 21 characters ISO 11649 allows.
    #[error("the reference's body has {0} characters, at most 21 are allowed")]
    BodyTooLong(usize),
    /// A character other than a letter A–Z or a digit.
    #[error("{0:?} is not allowed in a creditor reference (letters A-Z and digits only)")]
    InvalidCharacter(char),
    /// The text does not start with `RF` and two digits.
    #[error("a creditor reference starts with RF and two check digits")]
    NotRf,
    /// The check digits do not match the body (ISO 7064 MOD 97-10).
    #[error("the reference's check digits are wrong")]
    BadCheckDigits,
}

/// The remainder modulo 97 of `chars` read as one number in which each letter stands for
/// two digits (A = 10 … Z = 35), as ISO 7064 MOD 97-10 (RF references, IBANs) reads it.
///
/// Digit by digit, so that no big integer is needed whatever the length. `None` when a
/// character is neither an ASCII digit nor an upper-case ASCII letter.
pub(crate) fn mod97(chars: impl IntoIterator<Item = char>) -> Option<u32> {
    let mut rest = 0u32;
    for c in chars {
        let value = match c {
            '0'..='9' => u32::from(c) - u32::from('0'),
            'A'..='Z' => u32::from(c) - u32::from('A') + 10,
            _ => return None,
        };
        // A letter is two digits, a digit one: shift by as many places as it takes.
        let shift = if value >= 10 { 100 } else { 10 };
        rest = (rest * shift + value) % 97;
    }
    Some(rest)
}

impl CreditorReference {
    /// The reference for `body`: upper-cased, 1–21 letters and digits, with the check digits
    /// computed (`2348231` → `RF712348231`).
    pub fn from_body(body: &str) -> Result<CreditorReference, RfError> {
        let body = body.to_ascii_uppercase();
        check_body(&body)?;
        // Body, then `RF00`; the remainder then gives the check digits as 98 − remainder.
        let rest = mod97(body.chars().chain("RF00".chars())).ok_or(RfError::NotRf)?;
        let check = 98 - rest;
        Ok(CreditorReference(format!("RF{check:02}{body}")))
    }

    /// The body for an invoice (§6.3): `prefix` (letters and digits, may be empty) then the
    /// invoice number with everything but ASCII letters and digits removed, upper case
    /// (`""`, `2026-000042` → `2026000042`).
    ///
    /// The number's separators are dropped because the body allows letters and digits only;
    /// a prefix with other characters is refused rather than altered, since it is
    /// configuration and an operator should see the mistake.
    pub fn invoice_body(prefix: &str, invoice_number: &str) -> Result<String, RfError> {
        if let Some(c) = prefix.chars().find(|c| !c.is_ascii_alphanumeric()) {
            return Err(RfError::InvalidCharacter(c));
        }
        let mut body = prefix.to_ascii_uppercase();
        body.extend(
            invoice_number
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .map(|c| c.to_ascii_uppercase()),
        );
        check_body(&body)?;
        Ok(body)
    }

    /// The reference of invoice `invoice_number` under `prefix` (`payments.invoice.
    /// reference_prefix`): [`CreditorReference::invoice_body`] with its check digits
    /// (`""`, `2026-000042` → `RF022026000042`).
    pub fn for_invoice(prefix: &str, invoice_number: &str) -> Result<CreditorReference, RfError> {
        CreditorReference::from_body(&CreditorReference::invoice_body(prefix, invoice_number)?)
    }

    /// Reads a reference as people and banks write it: spaces (any whitespace) removed,
    /// upper-cased, then `RF`, two check digits 02–98 and a body of 1–21 letters and digits
    /// whose remainder modulo 97 (the first four characters moved to the end) is 1.
    ///
    /// Check digits 00, 01 and 99 pass the remainder test for some bodies but are never
    /// computed (98 − remainder is 02–98); they are refused so that one body has exactly one
    /// compact form and references compare as strings.
    pub fn parse(text: &str) -> Result<CreditorReference, RfError> {
        let compact: String = text
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let rest = compact.strip_prefix("RF").ok_or(RfError::NotRf)?;
        let check = rest.get(..2).ok_or(RfError::NotRf)?;
        if !check.bytes().all(|b| b.is_ascii_digit()) {
            return Err(RfError::NotRf);
        }
        let body = rest.get(2..).ok_or(RfError::NotRf)?;
        check_body(body)?;
        let valid = mod97(body.chars().chain(compact.chars().take(4))) == Some(1);
        if !valid || !("02"..="98").contains(&check) {
            return Err(RfError::BadCheckDigits);
        }
        Ok(CreditorReference(compact))
    }

    /// The compact form (`RF022026000042`): for the QR code, storage and matching.
    pub fn compact(&self) -> &str {
        &self.0
    }

    /// The print form in groups of four (`RF02 2026 0000 42`), for the invoice.
    pub fn grouped(&self) -> String {
        group4(&self.0)
    }

    /// The two check digits (`02`).
    pub fn check_digits(&self) -> &str {
        // Always present: every constructor writes `RF` and two digits.
        self.0.get(2..4).unwrap_or_default()
    }

    /// The body after the check digits (`2026000042`).
    pub fn body(&self) -> &str {
        self.0.get(4..).unwrap_or_default()
    }
}

/// 1–21 characters `[0-9A-Z]` (already upper-cased).
fn check_body(body: &str) -> Result<(), RfError> {
    if body.is_empty() {
        return Err(RfError::EmptyBody);
    }
    if let Some(c) = body
        .chars()
        .find(|c| !(c.is_ascii_digit() || c.is_ascii_uppercase()))
    {
        return Err(RfError::InvalidCharacter(c));
    }
    // Only ASCII is left, so bytes are characters.
    if body.len() > MAX_BODY_LEN {
        return Err(RfError::BodyTooLong(body.len()));
    }
    Ok(())
}

/// `text` (ASCII) in groups of four separated by one space, the last group shorter.
pub(crate) fn group4(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    for (i, c) in text.chars().enumerate() {
        if i > 0 && i % 4 == 0 {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

/// The compact form, as stored.
impl fmt::Display for CreditorReference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for CreditorReference {
    type Err = RfError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        CreditorReference::parse(text)
    }
}

impl Serialize for CreditorReference {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for CreditorReference {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        CreditorReference::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn iso_11649_example_body() {
        let rf = CreditorReference::from_body("2348231").unwrap();
        assert_eq!(rf.compact(), "RF712348231");
        assert_eq!(rf.check_digits(), "71");
        assert_eq!(rf.body(), "2348231");
    }

    #[test]
    fn invoice_reference_from_the_spec() {
        let rf = CreditorReference::for_invoice("", "2026-000042").unwrap();
        assert_eq!(rf.compact(), "RF022026000042");
        assert_eq!(rf.grouped(), "RF02 2026 0000 42");
        assert_eq!(
            CreditorReference::parse("RF022026000042").unwrap(),
            rf,
            "the spec's compact reference is valid"
        );
    }

    #[test]
    fn prefix_goes_before_the_number_upper_case() {
        assert_eq!(
            CreditorReference::invoice_body("ba", "2026-000042").unwrap(),
            "BA2026000042"
        );
        let rf = CreditorReference::for_invoice("BA", "2026-000042").unwrap();
        assert!(CreditorReference::parse(rf.compact()).is_ok());
        assert_eq!(
            CreditorReference::invoice_body("B-A", "1"),
            Err(RfError::InvalidCharacter('-'))
        );
    }

    #[test]
    fn iso_11649_validation_vectors() {
        let rf = CreditorReference::parse("RF18 5390 0754 7034").unwrap();
        assert_eq!(rf.compact(), "RF18539007547034");
        assert_eq!(rf.grouped(), "RF18 5390 0754 7034");
        assert_eq!(
            CreditorReference::parse("RF17 5390 0754 7034"),
            Err(RfError::BadCheckDigits)
        );
        assert_eq!(
            CreditorReference::parse("rf712348231").unwrap().compact(),
            "RF712348231"
        );
    }

    #[test]
    fn from_body_upper_cases_and_validates() {
        let rf = CreditorReference::from_body("abc123").unwrap();
        assert_eq!(rf.body(), "ABC123");
        assert!(CreditorReference::parse(rf.compact()).is_ok());
        assert_eq!(CreditorReference::from_body(""), Err(RfError::EmptyBody));
        assert_eq!(
            CreditorReference::from_body("1234567890123456789012"),
            Err(RfError::BodyTooLong(22))
        );
        assert!(CreditorReference::from_body("123456789012345678901").is_ok());
        assert_eq!(
            CreditorReference::from_body("12-3"),
            Err(RfError::InvalidCharacter('-'))
        );
        assert_eq!(
            CreditorReference::from_body("ä"),
            Err(RfError::InvalidCharacter('ä'))
        );
    }

    #[test]
    fn malformed_texts_are_refused() {
        for text in [
            "",
            "R",
            "RF",
            "RF0",
            "RF02",
            "XX022026000042",
            "RFA22026000042",
        ] {
            assert!(CreditorReference::parse(text).is_err(), "{text:?}");
        }
        assert_eq!(CreditorReference::parse("RF02"), Err(RfError::EmptyBody));
    }

    #[test]
    fn non_canonical_check_digits_are_refused() {
        // RF00/RF97 and RF01/RF98 are the same modulo 97; only 02–98 is ever computed.
        let rf = CreditorReference::from_body("2026000042").unwrap();
        assert_eq!(rf.check_digits(), "02");
        assert_eq!(
            CreditorReference::parse("RF992026000042"),
            Err(RfError::BadCheckDigits)
        );
    }

    #[test]
    fn serde_round_trip_is_compact() {
        let rf = CreditorReference::from_body("2026000042").unwrap();
        let json = serde_json::to_string(&rf).unwrap();
        assert_eq!(json, "\"RF022026000042\"");
        assert_eq!(
            serde_json::from_str::<CreditorReference>(&json).unwrap(),
            rf
        );
        assert!(serde_json::from_str::<CreditorReference>("\"RF032026000042\"").is_err());
    }

    proptest! {
        #[test]
        fn parse_never_panics(text in "\\PC*") {
            let _ = CreditorReference::parse(&text);
            let _ = CreditorReference::from_body(&text);
            let _ = CreditorReference::for_invoice(&text, &text);
        }

        #[test]
        fn every_computed_reference_parses_back(body in "[0-9A-Za-z]{1,21}") {
            let rf = CreditorReference::from_body(&body).unwrap();
            prop_assert_eq!(CreditorReference::parse(rf.compact()).unwrap(), rf.clone());
            prop_assert_eq!(CreditorReference::parse(&rf.grouped()).unwrap(), rf.clone());
            prop_assert_eq!(rf.body(), body.to_ascii_uppercase());
        }

        #[test]
        fn one_changed_check_digit_is_caught(body in "[0-9A-Z]{1,21}", delta in 1u32..=9) {
            let rf = CreditorReference::from_body(&body).unwrap();
            let check: u32 = rf.check_digits().parse().unwrap();
            let wrong = (check / 10) * 10 + (check % 10 + delta) % 10;
            let text = format!("RF{wrong:02}{body}");
            prop_assert!(CreditorReference::parse(&text).is_err());
        }
    }
}
