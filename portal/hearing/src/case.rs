//! A hearing case as the offence-processing system hands it over: the offence, the
//! sanction, the vehicle, the evidence photos' names, the addressee and the deadline.
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use vamt_portal_core::money::Money;

/// The case number of the offence-processing system, in its canonical spelling (upper
/// case, no spaces), as letters print it and the login compares it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CaseNumber(String);

impl CaseNumber {
    /// Reads a case number as typed: case and spaces do not matter. 3–40 of `A–Z 0–9 . / -`.
    pub fn parse(typed: &str) -> Option<CaseNumber> {
        let canonical: String = typed
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '/' | '-');
        ((3..=40).contains(&canonical.len()) && canonical.chars().all(allowed))
            .then_some(CaseNumber(canonical))
    }

    /// The number as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for CaseNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// What the office may impose: a warning fine (Verwarnungsgeld, § 56 OWiG, 5–55 €), which
/// ends the matter when paid in time, or a fine (Bußgeld) that a notice of a fine will set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SanctionKind {
    /// Verwarnungsgeld: can be paid right in the hearing.
    WarningFine,
    /// Bußgeld: announced in the hearing, set later by a notice.
    Fine,
}

impl SanctionKind {
    /// The word in the import formats and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            SanctionKind::WarningFine => "warning_fine",
            SanctionKind::Fine => "fine",
        }
    }

    /// Reads the word of [`SanctionKind::as_str`].
    pub fn parse(word: &str) -> Option<SanctionKind> {
        match word {
            "warning_fine" => Some(SanctionKind::WarningFine),
            "fine" => Some(SanctionKind::Fine),
            _ => None,
        }
    }
}

/// The offence: its number in the federal catalogue (Tatbestandsnummer) and its text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Offence {
    /// The six-digit catalogue number.
    pub code: String,
    /// The office's wording of the offence.
    pub text: String,
}

/// The sanction and its amount.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sanction {
    /// Warning fine or fine.
    pub kind: SanctionKind,
    /// The amount.
    pub amount: Money,
}

/// The vehicle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vehicle {
    /// The registration plate.
    pub plate: String,
    /// Kind, make, colour as the office wrote them.
    #[serde(default)]
    pub description: String,
}

/// A postal address with a name: the addressee, a corrected address, a named driver's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    /// Full name.
    pub name: String,
    /// Street and number.
    pub street: String,
    /// Postcode.
    pub postcode: String,
    /// City.
    pub city: String,
    /// ISO 3166-1 alpha-2 country code.
    #[serde(default = "germany")]
    pub country: String,
}

fn germany() -> String {
    "DE".to_owned()
}

/// One case as imported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HearingCase {
    /// The case number.
    pub case_number: CaseNumber,
    /// The offence.
    pub offence: Offence,
    /// When, in the office's local time.
    pub committed_at: NaiveDateTime,
    /// Where.
    pub place: String,
    /// The legal basis as the office cites it.
    pub legal_basis: String,
    /// Warning fine or fine, and how much.
    pub sanction: Sanction,
    /// The vehicle.
    pub vehicle: Vehicle,
    /// The evidence photos' file names, in the order the page shows them.
    #[serde(default)]
    pub evidence: Vec<String>,
    /// To whom the letter goes.
    pub addressee: Address,
    /// The last day to answer.
    pub deadline: NaiveDate,
    /// The language the letter is written in (the page negotiates its own); German if not
    /// given.
    #[serde(default)]
    pub language: Option<String>,
}
