//! The invoice number's format (`payments.invoice.number_format`, docs/payments.md §4 and
//! §6.1): literal text with the placeholders `{year}` and `{seq}` / `{seq:0N}`, e.g.
//! `{year}-{seq:06}` → `2026-000042`.
//!
//! The number must be at most 21 characters of `[0-9A-Za-z-]` so that, its dashes removed,
//! it fits the RF reference's body (§6.3) and can be typed on a bank transfer. The format is
//! checked once at start ([`NumberFormat::parse`]); rendering checks the length again because
//! a sequence number can outgrow its padding.
use std::fmt;
use std::str::FromStr;

/// The longest invoice number: the RF reference's body (§6.3).
pub const MAX_NUMBER_LEN: usize = 21;

/// A checked `number_format`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberFormat {
    parts: Vec<Part>,
    source: String,
}

/// A piece of the format.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    /// Text copied as is (only `[0-9A-Za-z-]`).
    Literal(String),
    /// The issue year, four digits.
    Year,
    /// The sequence number, zero-padded to `width` digits (0: no padding).
    Seq { width: usize },
}

/// Why a `number_format` or a number rendered from it was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NumberFormatError {
    /// No `{seq}` placeholder: every number would be the same.
    #[error("the invoice number format must contain {{seq}} or {{seq:0N}}")]
    MissingSeq,
    /// A placeholder appears twice (the number could not be read back unambiguously).
    #[error("the placeholder {{{0}}} appears more than once")]
    Repeated(&'static str),
    /// A placeholder other than `{year}`, `{seq}`, `{seq:0N}`.
    #[error("unknown placeholder {{{0}}}; allowed are {{year}}, {{seq}} and {{seq:0N}}")]
    UnknownPlaceholder(String),
    /// A `{` without its `}`, or a `}` without its `{`.
    #[error("unbalanced brace in the invoice number format")]
    UnbalancedBrace,
    /// A literal character outside `[0-9A-Za-z-]`.
    #[error("{0:?} is not allowed in an invoice number (letters, digits and '-' only)")]
    InvalidCharacter(char),
    /// The shortest number the format gives is already too long, or a rendered one is.
    #[error("the invoice number would have {0} characters, at most 21 are allowed")]
    TooLong(usize),
    /// A year outside 0–9999 (four digits).
    #[error("year {0} has no four-digit form")]
    YearOutOfRange(i32),
}

impl NumberFormat {
    /// Checks `format`: literal `[0-9A-Za-z-]`, `{seq}` or `{seq:0N}` exactly once,
    /// `{year}` at most once, and the shortest number it renders (year four digits, the
    /// sequence at its padding) at most 21 characters.
    pub fn parse(format: &str) -> Result<NumberFormat, NumberFormatError> {
        let mut parts = Vec::new();
        let mut literal = String::new();
        let mut chars = format.chars();
        let (mut seen_year, mut seen_seq) = (false, false);
        while let Some(c) = chars.next() {
            match c {
                '{' => {
                    let mut name = String::new();
                    loop {
                        match chars.next() {
                            Some('}') => break,
                            Some('{') | None => return Err(NumberFormatError::UnbalancedBrace),
                            Some(c) => name.push(c),
                        }
                    }
                    if !literal.is_empty() {
                        parts.push(Part::Literal(std::mem::take(&mut literal)));
                    }
                    let part = placeholder(&name)?;
                    let seen = match part {
                        Part::Year => &mut seen_year,
                        _ => &mut seen_seq,
                    };
                    if *seen {
                        let name = if part == Part::Year { "year" } else { "seq" };
                        return Err(NumberFormatError::Repeated(name));
                    }
                    *seen = true;
                    parts.push(part);
                }
                '}' => return Err(NumberFormatError::UnbalancedBrace),
                c if c.is_ascii_alphanumeric() || c == '-' => literal.push(c),
                c => return Err(NumberFormatError::InvalidCharacter(c)),
            }
        }
        if !literal.is_empty() {
            parts.push(Part::Literal(literal));
        }
        if !seen_seq {
            return Err(NumberFormatError::MissingSeq);
        }
        let shortest: usize = parts
            .iter()
            .map(|part| match part {
                Part::Literal(text) => text.len(),
                Part::Year => 4,
                Part::Seq { width } => (*width).max(1),
            })
            .sum();
        if shortest > MAX_NUMBER_LEN {
            return Err(NumberFormatError::TooLong(shortest));
        }
        Ok(NumberFormat {
            parts,
            source: format.to_owned(),
        })
    }

    /// The number of the `seq`-th invoice of `year`: `{year}-{seq:06}`, 2026, 42 →
    /// `2026-000042`. Refused when the year has no four-digit form or when the sequence has
    /// outgrown the format so far that the number exceeds 21 characters.
    pub fn render(&self, year: i32, seq: u64) -> Result<String, NumberFormatError> {
        if !(0..=9999).contains(&year) {
            return Err(NumberFormatError::YearOutOfRange(year));
        }
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Literal(text) => out.push_str(text),
                Part::Year => out.push_str(&format!("{year:04}")),
                Part::Seq { width } => out.push_str(&format!("{seq:0width$}")),
            }
        }
        if out.len() > MAX_NUMBER_LEN {
            return Err(NumberFormatError::TooLong(out.len()));
        }
        Ok(out)
    }

    /// Whether the format contains `{year}` (otherwise numbers do not say their year).
    pub fn has_year(&self) -> bool {
        self.parts.contains(&Part::Year)
    }

    /// The format as configured.
    pub fn as_str(&self) -> &str {
        &self.source
    }
}

/// The placeholder named `name` (between the braces).
fn placeholder(name: &str) -> Result<Part, NumberFormatError> {
    let unknown = || NumberFormatError::UnknownPlaceholder(name.to_owned());
    match name {
        "year" => Ok(Part::Year),
        "seq" => Ok(Part::Seq { width: 0 }),
        _ => {
            // `seq:0N` only: Rust's `{seq:6}` would pad with spaces, which no number allows.
            let digits = name.strip_prefix("seq:0").ok_or_else(unknown)?;
            if digits.is_empty() || digits.len() > 2 || !digits.bytes().all(|b| b.is_ascii_digit())
            {
                return Err(unknown());
            }
            let width: usize = digits.parse().map_err(|_| unknown())?;
            if width > MAX_NUMBER_LEN {
                return Err(NumberFormatError::TooLong(width));
            }
            Ok(Part::Seq { width })
        }
    }
}

/// The format as configured.
impl fmt::Display for NumberFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

impl FromStr for NumberFormat {
    type Err = NumberFormatError;

    fn from_str(format: &str) -> Result<Self, Self::Err> {
        NumberFormat::parse(format)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rf::CreditorReference;
    use proptest::prelude::*;

    #[test]
    fn the_default_format() {
        let format = NumberFormat::parse("{year}-{seq:06}").unwrap();
        assert_eq!(format.render(2026, 42).unwrap(), "2026-000042");
        assert_eq!(format.render(2026, 1_234_567).unwrap(), "2026-1234567");
        assert!(format.has_year());
        assert_eq!(format.to_string(), "{year}-{seq:06}");
    }

    #[test]
    fn literals_and_unpadded_seq() {
        let format = NumberFormat::parse("RE-{seq}-{year}").unwrap();
        assert_eq!(format.render(2026, 7).unwrap(), "RE-7-2026");
        assert!(!NumberFormat::parse("{seq:04}").unwrap().has_year());
        assert_eq!(
            NumberFormat::parse("{seq:04}")
                .unwrap()
                .render(2026, 3)
                .unwrap(),
            "0003"
        );
        assert_eq!(
            NumberFormat::parse("{year}{seq:00}")
                .unwrap()
                .render(2026, 3)
                .unwrap(),
            "20263"
        );
    }

    #[test]
    fn bad_formats_are_refused() {
        use NumberFormatError::*;
        let cases: &[(&str, NumberFormatError)] = &[
            ("{year}-", MissingSeq),
            ("", MissingSeq),
            ("{seq}{seq}", Repeated("seq")),
            ("{year}{year}{seq}", Repeated("year")),
            ("{seq:6}", UnknownPlaceholder("seq:6".into())),
            ("{seq:0}", UnknownPlaceholder("seq:0".into())),
            ("{seq:0x}", UnknownPlaceholder("seq:0x".into())),
            ("{month}{seq}", UnknownPlaceholder("month".into())),
            ("{seq", UnbalancedBrace),
            ("seq}", UnbalancedBrace),
            ("{se{q}", UnbalancedBrace),
            ("{year}/{seq}", InvalidCharacter('/')),
            ("{year} {seq}", InvalidCharacter(' ')),
            ("Rä{seq}", InvalidCharacter('ä')),
            ("{seq:022}", TooLong(22)),
            ("{seq:22}", UnknownPlaceholder("seq:22".into())),
            ("{year}-{seq:017}", TooLong(22)),
            ("ABCDEFGHIJKLMNOPQRSTU{seq}", TooLong(22)),
        ];
        for (format, error) in cases {
            assert_eq!(NumberFormat::parse(format).as_ref(), Err(error), "{format}");
        }
        assert!(NumberFormat::parse("{year}-{seq:016}").is_ok());
    }

    #[test]
    fn rendering_refuses_what_outgrows_the_limit() {
        let format = NumberFormat::parse("{year}-{seq:016}").unwrap();
        assert_eq!(format.render(2026, 1).unwrap().len(), 21);
        assert_eq!(
            format.render(2026, 10_000_000_000_000_000),
            Err(NumberFormatError::TooLong(22))
        );
        assert_eq!(
            format.render(10_000, 1),
            Err(NumberFormatError::YearOutOfRange(10_000))
        );
        assert_eq!(
            format.render(-1, 1),
            Err(NumberFormatError::YearOutOfRange(-1))
        );
    }

    #[test]
    fn the_number_makes_the_spec_reference() {
        let number = NumberFormat::parse("{year}-{seq:06}")
            .unwrap()
            .render(2026, 42)
            .unwrap();
        let rf = CreditorReference::for_invoice("", &number).unwrap();
        assert_eq!(rf.compact(), "RF022026000042");
    }

    proptest! {
        #[test]
        fn parse_never_panics(format in "\\PC*") {
            if let Ok(format) = NumberFormat::parse(&format) {
                let _ = format.render(2026, 42);
            }
        }

        #[test]
        fn rendered_numbers_fit_the_reference(
            format in "[A-Za-z0-9-]{0,4}\\{year\\}[A-Za-z0-9-]{0,3}\\{seq:0[1-9]\\}[A-Z]{0,2}",
            year in 0i32..=9999,
            seq in any::<u64>(),
        ) {
            // A format whose fixed text alone is longer than a reference's body is refused
            // at start (`TooLong`); the property is about the formats that are taken.
            let Ok(format) = NumberFormat::parse(&format) else {
                return Ok(());
            };
            if let Ok(number) = format.render(year, seq) {
                prop_assert!(number.len() <= MAX_NUMBER_LEN);
                prop_assert!(number.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'));
                prop_assert!(CreditorReference::for_invoice("", &number).is_ok());
            }
        }
    }
}
