//! The citizen's answer to the hearing: admit, contest with a statement, or name the person
//! who drove; with a corrected address if the letter's was wrong. Checked here, without I/O,
//! so the page shows every problem at once, field by field.
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::case::Address;

/// The longest statement: about three typed pages.
pub const MAX_STATEMENT: usize = 10_000;

/// What the citizen answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Answer {
    /// The citizen admits the offence (a remark may go with it).
    Admit {
        /// Anything the citizen adds.
        remark: String,
    },
    /// The citizen contests it and says why.
    Contest {
        /// The statement.
        statement: String,
    },
    /// Somebody else drove: who.
    Driver {
        /// The driver's name and address.
        driver: Address,
        /// The driver's date of birth.
        born_on: NaiveDate,
        /// Anything the citizen adds.
        remark: String,
    },
}

impl Answer {
    /// The answer's word, as the office's filters and the database name it.
    pub fn kind(&self) -> AnswerKind {
        match self {
            Answer::Admit { .. } => AnswerKind::Admit,
            Answer::Contest { .. } => AnswerKind::Contest,
            Answer::Driver { .. } => AnswerKind::Driver,
        }
    }
}

/// The kinds of answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnswerKind {
    /// Admitted.
    Admit,
    /// Contested.
    Contest,
    /// A driver named.
    Driver,
}

impl AnswerKind {
    /// The word.
    pub fn as_str(self) -> &'static str {
        match self {
            AnswerKind::Admit => "admit",
            AnswerKind::Contest => "contest",
            AnswerKind::Driver => "driver",
        }
    }

    /// Reads the word.
    pub fn parse(word: &str) -> Option<AnswerKind> {
        match word {
            "admit" => Some(AnswerKind::Admit),
            "contest" => Some(AnswerKind::Contest),
            "driver" => Some(AnswerKind::Driver),
            _ => None,
        }
    }
}

/// An answer with the address correction, as submitted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Submission {
    /// The answer.
    pub answer: Answer,
    /// The citizen's own address, if the letter's was wrong.
    pub corrected_address: Option<Address>,
}

/// A form field of the answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AnswerField {
    /// Which answer.
    Kind,
    /// The statement or remark.
    Statement,
    /// The driver's name.
    DriverName,
    /// The driver's street.
    DriverStreet,
    /// The driver's postcode.
    DriverPostcode,
    /// The driver's city.
    DriverCity,
    /// The driver's country.
    DriverCountry,
    /// The driver's date of birth.
    DriverBornOn,
    /// The corrected street.
    OwnStreet,
    /// The corrected postcode.
    OwnPostcode,
    /// The corrected city.
    OwnCity,
    /// The corrected country.
    OwnCountry,
}

impl AnswerField {
    /// The form field's name (and its element ID on the page).
    pub fn as_str(self) -> &'static str {
        match self {
            AnswerField::Kind => "kind",
            AnswerField::Statement => "statement",
            AnswerField::DriverName => "driver_name",
            AnswerField::DriverStreet => "driver_street",
            AnswerField::DriverPostcode => "driver_postcode",
            AnswerField::DriverCity => "driver_city",
            AnswerField::DriverCountry => "driver_country",
            AnswerField::DriverBornOn => "driver_born_on",
            AnswerField::OwnStreet => "own_street",
            AnswerField::OwnPostcode => "own_postcode",
            AnswerField::OwnCity => "own_city",
            AnswerField::OwnCountry => "own_country",
        }
    }
}

/// What is wrong with a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Fault {
    /// Empty, but needed.
    Missing,
    /// Too long.
    TooLong,
    /// Not of its form (a postcode, a country code, a date).
    Invalid,
    /// A date of birth that makes no driver: in the future, or younger than 15 (the
    /// youngest licence, AM) on the day of the offence, or over 120.
    ImplausibleAge,
}

/// One problem of a submitted form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct FormProblem {
    /// The field.
    pub field: AnswerField,
    /// What is wrong.
    pub fault: Fault,
}

/// The answer form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AnswerForm {
    /// `admit`, `contest` or `driver`.
    #[serde(default)]
    pub kind: String,
    /// The statement (contest) or remark (admit, driver).
    #[serde(default)]
    pub statement: String,
    /// The driver's name.
    #[serde(default)]
    pub driver_name: String,
    /// The driver's street.
    #[serde(default)]
    pub driver_street: String,
    /// The driver's postcode.
    #[serde(default)]
    pub driver_postcode: String,
    /// The driver's city.
    #[serde(default)]
    pub driver_city: String,
    /// The driver's country (ISO code; Germany if empty).
    #[serde(default)]
    pub driver_country: String,
    /// The driver's date of birth, `YYYY-MM-DD` (a date input).
    #[serde(default)]
    pub driver_born_on: String,
    /// Whether the citizen corrects their address.
    #[serde(default)]
    pub correct_address: Option<String>,
    /// The corrected street.
    #[serde(default)]
    pub own_street: String,
    /// The corrected postcode.
    #[serde(default)]
    pub own_postcode: String,
    /// The corrected city.
    #[serde(default)]
    pub own_city: String,
    /// The corrected country.
    #[serde(default)]
    pub own_country: String,
}

fn line(
    value: &str,
    field: AnswerField,
    max: usize,
    required: bool,
    out: &mut Vec<FormProblem>,
) -> String {
    let v = value.trim();
    if required && v.is_empty() {
        out.push(FormProblem {
            field,
            fault: Fault::Missing,
        });
    } else if v.chars().count() > max {
        out.push(FormProblem {
            field,
            fault: Fault::TooLong,
        });
    } else if v.chars().any(char::is_control) {
        out.push(FormProblem {
            field,
            fault: Fault::Invalid,
        });
    }
    v.to_owned()
}

fn country(value: &str, field: AnswerField, out: &mut Vec<FormProblem>) -> String {
    let v = value.trim();
    if v.is_empty() {
        return "DE".to_owned();
    }
    if v.len() == 2 && v.bytes().all(|b| b.is_ascii_alphabetic()) {
        v.to_ascii_uppercase()
    } else {
        out.push(FormProblem {
            field,
            fault: Fault::Invalid,
        });
        String::new()
    }
}

fn postcode(value: &str, country: &str, field: AnswerField, out: &mut Vec<FormProblem>) -> String {
    let v = line(value, field, 12, true, out);
    // A German postcode has five digits; other countries' forms vary too much to check.
    if !v.is_empty() && country == "DE" && !(v.len() == 5 && v.bytes().all(|b| b.is_ascii_digit()))
    {
        out.push(FormProblem {
            field,
            fault: Fault::Invalid,
        });
    }
    v
}

struct AddressFields {
    name: Option<AnswerField>,
    street: AnswerField,
    postcode: AnswerField,
    city: AnswerField,
    country: AnswerField,
}

fn address(
    name: &str,
    street: &str,
    code: &str,
    city: &str,
    land: &str,
    fields: AddressFields,
    out: &mut Vec<FormProblem>,
) -> Address {
    let name = match fields.name {
        Some(f) => line(name, f, 200, true, out),
        None => name.trim().to_owned(),
    };
    let country = country(land, fields.country, out);
    Address {
        name,
        street: line(street, fields.street, 200, true, out),
        postcode: postcode(code, &country, fields.postcode, out),
        city: line(city, fields.city, 100, true, out),
        country,
    }
}

impl AnswerForm {
    /// Checks the form against the case's offence date and the addressee's name (a
    /// corrected address keeps the name the letter went to). Every problem at once.
    pub fn check(
        &self,
        offence_on: NaiveDate,
        today: NaiveDate,
        addressee: &str,
    ) -> Result<Submission, Vec<FormProblem>> {
        let mut out = Vec::new();
        let kind = AnswerKind::parse(self.kind.trim());
        if kind.is_none() {
            out.push(FormProblem {
                field: AnswerField::Kind,
                fault: Fault::Missing,
            });
        }
        let statement = line(
            &self.statement,
            AnswerField::Statement,
            MAX_STATEMENT,
            kind == Some(AnswerKind::Contest),
            &mut out,
        );
        // Line breaks belong in a statement; the control check above refused them.
        out.retain(|p| !(p.field == AnswerField::Statement && p.fault == Fault::Invalid));
        let answer = match kind {
            Some(AnswerKind::Admit) => Some(Answer::Admit { remark: statement }),
            Some(AnswerKind::Contest) => Some(Answer::Contest { statement }),
            Some(AnswerKind::Driver) => {
                let driver = address(
                    &self.driver_name,
                    &self.driver_street,
                    &self.driver_postcode,
                    &self.driver_city,
                    &self.driver_country,
                    AddressFields {
                        name: Some(AnswerField::DriverName),
                        street: AnswerField::DriverStreet,
                        postcode: AnswerField::DriverPostcode,
                        city: AnswerField::DriverCity,
                        country: AnswerField::DriverCountry,
                    },
                    &mut out,
                );
                let born_on = self.born_on(offence_on, today, &mut out);
                born_on.map(|born_on| Answer::Driver {
                    driver,
                    born_on,
                    remark: statement,
                })
            }
            None => None,
        };
        let corrected_address = self.correct_address.is_some().then(|| {
            address(
                addressee,
                &self.own_street,
                &self.own_postcode,
                &self.own_city,
                &self.own_country,
                AddressFields {
                    name: None,
                    street: AnswerField::OwnStreet,
                    postcode: AnswerField::OwnPostcode,
                    city: AnswerField::OwnCity,
                    country: AnswerField::OwnCountry,
                },
                &mut out,
            )
        });
        match answer {
            Some(answer) if out.is_empty() => Ok(Submission {
                answer,
                corrected_address,
            }),
            _ => Err(out),
        }
    }

    fn born_on(
        &self,
        offence_on: NaiveDate,
        today: NaiveDate,
        out: &mut Vec<FormProblem>,
    ) -> Option<NaiveDate> {
        let field = AnswerField::DriverBornOn;
        let typed = self.driver_born_on.trim();
        if typed.is_empty() {
            out.push(FormProblem {
                field,
                fault: Fault::Missing,
            });
            return None;
        }
        // A date input sends ISO; typed by hand (no date picker) people write 31.12.1980.
        let Some(date) = NaiveDate::parse_from_str(typed, "%Y-%m-%d")
            .or_else(|_| NaiveDate::parse_from_str(typed, "%d.%m.%Y"))
            .ok()
        else {
            out.push(FormProblem {
                field,
                fault: Fault::Invalid,
            });
            return None;
        };
        let age_on = |day: NaiveDate| {
            let mut years = day.year() - date.year();
            if (day.month(), day.day()) < (date.month(), date.day()) {
                years -= 1;
            }
            years
        };
        if date > today || age_on(offence_on) < 15 || age_on(today) > 120 {
            out.push(FormProblem {
                field,
                fault: Fault::ImplausibleAge,
            });
            return None;
        }
        Some(date)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    fn driver_form() -> AnswerForm {
        AnswerForm {
            kind: "driver".into(),
            driver_name: "Max Beispiel".into(),
            driver_street: "Bahnhofstraße 1".into(),
            driver_postcode: "66111".into(),
            driver_city: "Saarbrücken".into(),
            driver_born_on: "1990-05-17".into(),
            ..AnswerForm::default()
        }
    }

    #[test]
    fn a_named_driver_is_checked_and_kept() {
        let s = driver_form()
            .check(day("2026-11-03"), day("2026-12-01"), "Erika Mustermann")
            .expect("good");
        assert_eq!(s.answer.kind(), AnswerKind::Driver);
        assert!(s.corrected_address.is_none());
        let Answer::Driver {
            driver, born_on, ..
        } = s.answer
        else {
            panic!("driver")
        };
        assert_eq!(driver.country, "DE");
        assert_eq!(born_on, day("1990-05-17"));
        let german = AnswerForm {
            driver_born_on: "17.05.1990".into(),
            ..driver_form()
        };
        assert!(german
            .check(day("2026-11-03"), day("2026-12-01"), "E")
            .is_ok());
    }

    #[test]
    fn every_problem_of_the_form_is_reported_at_once() {
        let form = AnswerForm {
            driver_name: String::new(),
            driver_postcode: "6611".into(),
            driver_born_on: "2015-01-01".into(),
            correct_address: Some("on".into()),
            own_street: "x".repeat(201),
            own_postcode: "12345".into(),
            own_city: "Berlin".into(),
            ..driver_form()
        };
        let problems = form
            .check(day("2026-11-03"), day("2026-12-01"), "E")
            .expect_err("refused");
        assert_eq!(
            problems,
            vec![
                FormProblem {
                    field: AnswerField::DriverName,
                    fault: Fault::Missing
                },
                FormProblem {
                    field: AnswerField::DriverPostcode,
                    fault: Fault::Invalid
                },
                FormProblem {
                    field: AnswerField::DriverBornOn,
                    fault: Fault::ImplausibleAge
                },
                FormProblem {
                    field: AnswerField::OwnStreet,
                    fault: Fault::TooLong
                },
            ]
        );
    }

    #[test]
    fn a_contest_needs_a_statement_and_an_answer_needs_a_kind() {
        let empty = AnswerForm {
            kind: "contest".into(),
            ..AnswerForm::default()
        };
        assert_eq!(
            empty.check(day("2026-11-03"), day("2026-12-01"), "E"),
            Err(vec![FormProblem {
                field: AnswerField::Statement,
                fault: Fault::Missing
            }])
        );
        let stated = AnswerForm {
            kind: "contest".into(),
            statement: "Ich war an dem Tag im Urlaub.\nDer Wagen stand in der Garage.".into(),
            ..AnswerForm::default()
        };
        assert!(stated
            .check(day("2026-11-03"), day("2026-12-01"), "E")
            .is_ok());
        let none = AnswerForm::default();
        assert_eq!(
            none.check(day("2026-11-03"), day("2026-12-01"), "E"),
            Err(vec![FormProblem {
                field: AnswerField::Kind,
                fault: Fault::Missing
            }])
        );
    }

    #[test]
    fn a_driver_born_in_the_future_or_too_young_is_implausible() {
        for born in ["2027-01-01", "2011-11-04", "1900-01-01"] {
            let form = AnswerForm {
                driver_born_on: born.into(),
                ..driver_form()
            };
            assert_eq!(
                form.check(day("2026-11-03"), day("2026-12-01"), "E"),
                Err(vec![FormProblem {
                    field: AnswerField::DriverBornOn,
                    fault: Fault::ImplausibleAge
                }]),
                "{born}"
            );
        }
        let fifteen = AnswerForm {
            driver_born_on: "2011-11-03".into(),
            ..driver_form()
        };
        assert!(fifteen
            .check(day("2026-11-03"), day("2026-12-01"), "E")
            .is_ok());
    }
}
