//! Reading an import from the offence-processing system: JSON Lines (one case per line) or
//! CSV (a header row, then one case per record; comma or semicolon). Every line is checked
//! before anything is stored, and every problem is reported with its line number and field,
//! so a file with one bad line is fixed and sent again whole: nothing half-imported remains.
//!
//! The formats, field by field, are in `docs/hearing.md`.
use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use vamt_portal_core::money::{Currency, Money};

use crate::case::{Address, CaseNumber, HearingCase, Offence, Sanction, SanctionKind, Vehicle};

/// A field of the import formats (named as the CSV header and the JSON keys name it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    /// `case_number`
    CaseNumber,
    /// `offence_code`
    OffenceCode,
    /// `offence_text`
    OffenceText,
    /// `committed_at`
    CommittedAt,
    /// `place`
    Place,
    /// `legal_basis`
    LegalBasis,
    /// `sanction`
    Sanction,
    /// `amount`
    Amount,
    /// `currency`
    Currency,
    /// `plate`
    Plate,
    /// `vehicle`
    Vehicle,
    /// `evidence`
    Evidence,
    /// `name`
    Name,
    /// `street`
    Street,
    /// `postcode`
    Postcode,
    /// `city`
    City,
    /// `country`
    Country,
    /// `deadline`
    Deadline,
    /// `language`
    Language,
}

impl Field {
    /// The field's name in both formats.
    pub fn as_str(self) -> &'static str {
        match self {
            Field::CaseNumber => "case_number",
            Field::OffenceCode => "offence_code",
            Field::OffenceText => "offence_text",
            Field::CommittedAt => "committed_at",
            Field::Place => "place",
            Field::LegalBasis => "legal_basis",
            Field::Sanction => "sanction",
            Field::Amount => "amount",
            Field::Currency => "currency",
            Field::Plate => "plate",
            Field::Vehicle => "vehicle",
            Field::Evidence => "evidence",
            Field::Name => "name",
            Field::Street => "street",
            Field::Postcode => "postcode",
            Field::City => "city",
            Field::Country => "country",
            Field::Deadline => "deadline",
            Field::Language => "language",
        }
    }

    /// Whether a case must have it: all but the vehicle's description, the photos, the
    /// country (Germany) and the letter's language (German).
    fn required(self) -> bool {
        !matches!(
            self,
            Field::Vehicle | Field::Evidence | Field::Country | Field::Language
        )
    }
}

/// What is wrong with a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The line is not JSON, or the CSV record is broken (the parser's words).
    Syntax(String),
    /// A required field is empty or absent.
    Missing(Field),
    /// A field's value is not of its form (see `docs/hearing.md`).
    Invalid(Field),
    /// A warning fine outside 5–55 € (§ 56 OWiG).
    WarningFineRange,
    /// The deadline lies before the offence.
    DeadlineBeforeOffence,
    /// The same case number on an earlier line of this file.
    Duplicate {
        /// The earlier line.
        first_line: usize,
    },
    /// An evidence photo named in the line is not among the files sent with it.
    EvidenceMissing(String),
    /// An evidence photo that is not a JPEG or PNG by its content.
    EvidenceNotImage(String),
    /// The case is already answered and the line changes it: the office withdraws and
    /// re-issues a case instead of changing one under the citizen.
    AlreadyAnswered,
    /// The CSV header lacks a column.
    MissingColumn(Field),
}

impl Problem {
    /// The problem's word, for the admin page's text (`hearing-import-problem-<word>`).
    pub fn word(&self) -> &'static str {
        match self {
            Problem::Syntax(_) => "syntax",
            Problem::Missing(_) => "missing",
            Problem::Invalid(_) => "invalid",
            Problem::WarningFineRange => "warning-fine-range",
            Problem::DeadlineBeforeOffence => "deadline-before-offence",
            Problem::Duplicate { .. } => "duplicate",
            Problem::EvidenceMissing(_) => "evidence-missing",
            Problem::EvidenceNotImage(_) => "evidence-not-image",
            Problem::AlreadyAnswered => "already-answered",
            Problem::MissingColumn(_) => "missing-column",
        }
    }

    /// The field or detail the problem names, if any.
    pub fn detail(&self) -> String {
        match self {
            Problem::Syntax(s) | Problem::EvidenceMissing(s) | Problem::EvidenceNotImage(s) => {
                s.clone()
            }
            Problem::Missing(f) | Problem::Invalid(f) | Problem::MissingColumn(f) => {
                f.as_str().to_owned()
            }
            Problem::Duplicate { first_line } => first_line.to_string(),
            _ => String::new(),
        }
    }
}

/// A problem on a line of the file (1-based, as an editor numbers them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineProblem {
    /// The line.
    pub line: usize,
    /// What is wrong.
    pub problem: Problem,
}

/// A case read from the file, with the line it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportLine {
    /// The line.
    pub line: usize,
    /// The case.
    pub case: HearingCase,
}

/// The import's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// JSON Lines (`.jsonl`, `application/x-ndjson`).
    JsonLines,
    /// CSV with a header row (`.csv`, `text/csv`).
    Csv,
}

impl Format {
    /// The format of a file by its name, or by its first non-blank character (`{` is JSON).
    pub fn detect(file_name: &str, bytes: &[u8]) -> Format {
        let lower = file_name.to_ascii_lowercase();
        if lower.ends_with(".csv") {
            return Format::Csv;
        }
        if lower.ends_with(".jsonl") || lower.ends_with(".ndjson") || lower.ends_with(".json") {
            return Format::JsonLines;
        }
        match bytes.iter().find(|b| !b.is_ascii_whitespace()) {
            Some(b'{') => Format::JsonLines,
            _ => Format::Csv,
        }
    }
}

/// The most cases in one file: a day's letters of a large city are a few thousand.
pub const MAX_CASES: usize = 20_000;
/// The most evidence photos per case.
pub const MAX_EVIDENCE: usize = 20;

/// The fields of one case as written, before checking: text by field, and the photos' names.
#[derive(Debug, Default)]
struct RawCase {
    fields: HashMap<Field, String>,
    evidence: Vec<String>,
}

impl RawCase {
    fn get(&self, field: Field) -> &str {
        self.fields.get(&field).map_or("", String::as_str)
    }

    /// Sets `field` from its text; the photos' names from CSV's `|`- or space-separated list.
    fn set(&mut self, field: Field, value: String) {
        if field == Field::Evidence {
            self.evidence = value
                .split(['|', ' '])
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect();
        } else {
            self.fields.insert(field, value);
        }
    }

    /// A JSON line: an object of the fields, each a string (`evidence` a list of strings).
    /// An unknown key is refused: a misspelt field would otherwise go unnoticed. (CSV
    /// ignores a column of no field: spreadsheets add their own.)
    fn from_json(line: &str) -> Result<RawCase, String> {
        let object: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(line).map_err(|e| json_words(&e))?;
        let mut raw = RawCase::default();
        for (key, value) in object {
            let field = Field::named(&key).ok_or_else(|| format!("unknown field `{key}`"))?;
            match (field, value) {
                (Field::Evidence, serde_json::Value::Array(names)) => {
                    raw.evidence = names
                        .into_iter()
                        .map(|n| match n {
                            serde_json::Value::String(s) => Ok(s),
                            _ => Err(format!("`{key}` holds a name that is not a string")),
                        })
                        .collect::<Result<_, _>>()?;
                }
                (_, serde_json::Value::String(text)) if field != Field::Evidence => {
                    raw.fields.insert(field, text);
                }
                (_, serde_json::Value::Null) => {}
                _ => return Err(format!("`{key}` is not of its type")),
            }
        }
        Ok(raw)
    }
}

impl Field {
    /// The field named `name` in the formats (a CSV header, a JSON key).
    fn named(name: &str) -> Option<Field> {
        ALL_FIELDS.iter().copied().find(|f| f.as_str() == name)
    }
}

const ALL_FIELDS: [Field; 19] = [
    Field::CaseNumber,
    Field::OffenceCode,
    Field::OffenceText,
    Field::CommittedAt,
    Field::Place,
    Field::LegalBasis,
    Field::Sanction,
    Field::Amount,
    Field::Currency,
    Field::Plate,
    Field::Vehicle,
    Field::Evidence,
    Field::Name,
    Field::Street,
    Field::Postcode,
    Field::City,
    Field::Country,
    Field::Deadline,
    Field::Language,
];

fn text(raw: &RawCase, field: Field, max: usize, out: &mut Vec<Problem>) -> String {
    let value = raw.get(field).trim();
    // The office's texts may break lines; names and address lines are one line each.
    let multiline = matches!(field, Field::OffenceText | Field::Place | Field::LegalBasis);
    let bad = |c: char| c.is_control() && !(multiline && matches!(c, '\n' | '\r' | '\t'));
    if value.chars().count() > max || value.chars().any(bad) {
        out.push(Problem::Invalid(field));
    }
    value.to_owned()
}

fn check(raw: RawCase) -> Result<HearingCase, Vec<Problem>> {
    let mut problems = Vec::new();
    for field in ALL_FIELDS.into_iter().filter(|f| f.required()) {
        if raw.get(field).trim().is_empty() {
            problems.push(Problem::Missing(field));
        }
    }
    let missing = |f: Field, p: &Vec<Problem>| p.contains(&Problem::Missing(f));

    let case_number = CaseNumber::parse(raw.get(Field::CaseNumber));
    if case_number.is_none() && !missing(Field::CaseNumber, &problems) {
        problems.push(Problem::Invalid(Field::CaseNumber));
    }
    let code = raw.get(Field::OffenceCode).trim().to_owned();
    let six_digits = code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit());
    if !six_digits && !missing(Field::OffenceCode, &problems) {
        problems.push(Problem::Invalid(Field::OffenceCode));
    }
    let offence_text = text(&raw, Field::OffenceText, 1000, &mut problems);
    let committed_at =
        NaiveDateTime::parse_from_str(raw.get(Field::CommittedAt).trim(), "%Y-%m-%dT%H:%M").ok();
    if committed_at.is_none() && !missing(Field::CommittedAt, &problems) {
        problems.push(Problem::Invalid(Field::CommittedAt));
    }
    let place = text(&raw, Field::Place, 300, &mut problems);
    let legal_basis = text(&raw, Field::LegalBasis, 500, &mut problems);
    let kind = SanctionKind::parse(raw.get(Field::Sanction).trim());
    if kind.is_none() && !missing(Field::Sanction, &problems) {
        problems.push(Problem::Invalid(Field::Sanction));
    }
    let currency = Currency::parse(raw.get(Field::Currency).trim()).ok();
    if currency.is_none() && !missing(Field::Currency, &problems) {
        problems.push(Problem::Invalid(Field::Currency));
    }
    let amount = currency.and_then(|c| Money::parse(raw.get(Field::Amount).trim(), c).ok());
    if currency.is_some()
        && !missing(Field::Amount, &problems)
        && !amount.is_some_and(Money::is_positive)
    {
        problems.push(Problem::Invalid(Field::Amount));
    }
    if let (Some(SanctionKind::WarningFine), Some(a)) = (kind, amount) {
        // § 56 (1) OWiG: a warning fine is 5 to 55 euros.
        if a.currency != Currency::EUR || !(500..=5500).contains(&a.minor) {
            problems.push(Problem::WarningFineRange);
        }
    }
    let plate = text(&raw, Field::Plate, 20, &mut problems);
    let vehicle = text(&raw, Field::Vehicle, 200, &mut problems);
    let evidence_ok = |n: &String| {
        (1..=100).contains(&n.len())
            && n.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
            && !n.starts_with('.')
    };
    if raw.evidence.len() > MAX_EVIDENCE || !raw.evidence.iter().all(evidence_ok) {
        problems.push(Problem::Invalid(Field::Evidence));
    }
    let name = text(&raw, Field::Name, 200, &mut problems);
    let street = text(&raw, Field::Street, 200, &mut problems);
    let postcode = text(&raw, Field::Postcode, 12, &mut problems);
    let city = text(&raw, Field::City, 100, &mut problems);
    let country = match raw.get(Field::Country).trim() {
        "" => "DE".to_owned(),
        c if c.len() == 2 && c.bytes().all(|b| b.is_ascii_alphabetic()) => c.to_ascii_uppercase(),
        _ => {
            problems.push(Problem::Invalid(Field::Country));
            String::new()
        }
    };
    let deadline = NaiveDate::parse_from_str(raw.get(Field::Deadline).trim(), "%Y-%m-%d").ok();
    if deadline.is_none() && !missing(Field::Deadline, &problems) {
        problems.push(Problem::Invalid(Field::Deadline));
    }
    if let (Some(at), Some(d)) = (committed_at, deadline) {
        if d < at.date() {
            problems.push(Problem::DeadlineBeforeOffence);
        }
    }
    let language = match raw.get(Field::Language).trim() {
        "" => None,
        l if vamt_portal_core::i18n::LANGUAGES.contains(&l) => Some(l.to_owned()),
        _ => {
            problems.push(Problem::Invalid(Field::Language));
            None
        }
    };
    match (case_number, kind, amount, committed_at, deadline) {
        (Some(case_number), Some(kind), Some(amount), Some(committed_at), Some(deadline))
            if problems.is_empty() =>
        {
            Ok(HearingCase {
                case_number,
                offence: Offence {
                    code,
                    text: offence_text,
                },
                committed_at,
                place,
                legal_basis,
                sanction: Sanction { kind, amount },
                vehicle: Vehicle {
                    plate,
                    description: vehicle,
                },
                evidence: raw.evidence,
                addressee: Address {
                    name,
                    street,
                    postcode,
                    city,
                    country,
                },
                deadline,
                language,
            })
        }
        _ => Err(problems),
    }
}

/// Reads a whole file. `Ok` holds every case when every line is good; `Err` every problem
/// of every line, in line order.
pub fn read(format: Format, bytes: &[u8]) -> Result<Vec<ImportLine>, Vec<LineProblem>> {
    let raws = match format {
        Format::JsonLines => read_json_lines(bytes),
        Format::Csv => read_csv(bytes),
    }?;
    let mut problems = Vec::new();
    let mut cases = Vec::new();
    let mut first_seen: HashMap<CaseNumber, usize> = HashMap::new();
    for (line, raw) in raws {
        match raw.and_then(check) {
            Ok(case) => {
                if let Some(&first_line) = first_seen.get(&case.case_number) {
                    problems.push(LineProblem {
                        line,
                        problem: Problem::Duplicate { first_line },
                    });
                } else {
                    first_seen.insert(case.case_number.clone(), line);
                    cases.push(ImportLine { line, case });
                }
            }
            Err(ps) => problems.extend(ps.into_iter().map(|problem| LineProblem { line, problem })),
        }
    }
    if cases.len() > MAX_CASES {
        problems.push(LineProblem {
            line: 1,
            problem: Problem::Syntax(format!("more than {MAX_CASES} cases in one file")),
        });
    }
    if problems.is_empty() {
        Ok(cases)
    } else {
        Err(problems)
    }
}

type RawLines = Vec<(usize, Result<RawCase, Vec<Problem>>)>;

fn read_json_lines(bytes: &[u8]) -> Result<RawLines, Vec<LineProblem>> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let line = bytes[..e.valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1;
        vec![LineProblem {
            line,
            problem: Problem::Syntax("not UTF-8".to_owned()),
        }]
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    Ok(text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            let raw = RawCase::from_json(l).map_err(|e| vec![Problem::Syntax(e)]);
            (i + 1, raw)
        })
        .collect())
}

/// serde_json's message without its "at line 1 column N" (the line is ours to tell).
fn json_words(e: &serde_json::Error) -> String {
    let s = e.to_string();
    match s.rfind(" at line ") {
        Some(i) => format!("{} (column {})", &s[..i], e.column()),
        None => s,
    }
}

fn read_csv(bytes: &[u8]) -> Result<RawLines, Vec<LineProblem>> {
    let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
    // German spreadsheets write `;`, others `,`: the header row tells which.
    let header_line = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
    let delimiter = if header_line.iter().filter(|&&b| b == b';').count()
        > header_line.iter().filter(|&&b| b == b',').count()
    {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(bytes);
    let headers = reader.headers().map_err(|e| {
        vec![LineProblem {
            line: 1,
            problem: Problem::Syntax(e.to_string()),
        }]
    })?;
    let columns: Vec<Option<Field>> = headers
        .iter()
        .map(|h| Field::named(&h.trim().to_ascii_lowercase()))
        .collect();
    let absent: Vec<LineProblem> = ALL_FIELDS
        .into_iter()
        .filter(|f| f.required() && !columns.contains(&Some(*f)))
        .map(|f| LineProblem {
            line: 1,
            problem: Problem::MissingColumn(f),
        })
        .collect();
    if !absent.is_empty() {
        return Err(absent);
    }
    let mut out = Vec::new();
    for record in reader.records() {
        match record {
            Ok(record) => {
                let line = record
                    .position()
                    .and_then(|p| usize::try_from(p.line()).ok())
                    .unwrap_or(0);
                if record.iter().all(|v| v.trim().is_empty()) {
                    continue;
                }
                if record.len() != columns.len() {
                    out.push((
                        line,
                        Err(vec![Problem::Syntax(format!(
                            "{} fields, the header has {}",
                            record.len(),
                            columns.len()
                        ))]),
                    ));
                    continue;
                }
                let mut raw = RawCase::default();
                for (value, column) in record.iter().zip(&columns) {
                    if let Some(field) = column {
                        raw.set(*field, value.to_owned());
                    }
                }
                out.push((line, Ok(raw)));
            }
            Err(e) => {
                let line = e
                    .position()
                    .and_then(|p| usize::try_from(p.line()).ok())
                    .unwrap_or(0);
                let words = match e.kind() {
                    csv::ErrorKind::Utf8 { .. } => "not UTF-8".to_owned(),
                    _ => "broken CSV record".to_owned(),
                };
                out.push((line, Err(vec![Problem::Syntax(words)])));
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) const GOOD_LINE: &str = r#"{"case_number":"OWI-2026-004711","offence_code":"141312","offence_text":"Sie überschritten die zulässige Höchstgeschwindigkeit innerhalb geschlossener Ortschaften um 12 km/h.","committed_at":"2026-11-03T07:42","place":"Saarbrücken, Mainzer Straße 120","legal_basis":"§ 41 Abs. 1 i. V. m. Anlage 2, § 49 StVO; § 24 Abs. 1, 3 Nr. 5 StVG; 11.3.2 BKat","sanction":"warning_fine","amount":"30.00","currency":"EUR","plate":"SB-AB 123","vehicle":"PKW, grau","evidence":["OWI-2026-004711-1.jpg"],"name":"Erika Mustermann","street":"Heidestraße 17","postcode":"66111","city":"Saarbrücken","deadline":"2026-12-21"}"#;

    #[test]
    fn a_good_json_lines_file_reads_whole() {
        let second = GOOD_LINE
            .replace("OWI-2026-004711", "owi-2026-004712")
            .replace(
                "\"warning_fine\",\"amount\":\"30.00\"",
                "\"fine\",\"amount\":\"128.50\"",
            );
        let file = format!("{GOOD_LINE}\n\n{second}\n");
        let cases = read(Format::JsonLines, file.as_bytes()).expect("reads");
        assert_eq!(cases.len(), 2);
        assert_eq!(cases[0].line, 1);
        assert_eq!(cases[1].line, 3);
        let c = &cases[1].case;
        assert_eq!(c.case_number.as_str(), "OWI-2026-004712");
        assert_eq!(c.sanction.kind, SanctionKind::Fine);
        assert_eq!(c.sanction.amount, Money::new(12850, Currency::EUR));
        assert_eq!(c.addressee.country, "DE");
        assert_eq!(c.evidence, vec!["owi-2026-004712-1.jpg".to_owned()]);
        assert_eq!(c.committed_at.format("%H:%M").to_string(), "07:42");
    }

    #[test]
    fn every_bad_line_is_reported_with_its_number_and_nothing_is_read() {
        let bad_json = "{\"case_number\": ";
        let no_amount = GOOD_LINE
            .replace("OWI-2026-004711", "OWI-2026-1")
            .replace("\"amount\":\"30.00\"", "\"amount\":\"\"");
        let too_much = GOOD_LINE
            .replace("OWI-2026-004711", "OWI-2026-2")
            .replace("30.00", "60.00");
        let early = GOOD_LINE
            .replace("OWI-2026-004711", "OWI-2026-3")
            .replace("2026-12-21", "2026-10-01");
        let unknown = GOOD_LINE.replace("\"plate\"", "\"kennzeichen\"");
        let file = [
            GOOD_LINE, bad_json, &no_amount, &too_much, &early, GOOD_LINE, &unknown,
        ]
        .join("\n");
        let problems = read(Format::JsonLines, file.as_bytes()).expect_err("refused");
        let found: Vec<(usize, &str)> = problems
            .iter()
            .map(|p| (p.line, p.problem.word()))
            .collect();
        assert_eq!(
            found,
            vec![
                (2, "syntax"),
                (3, "missing"),
                (4, "warning-fine-range"),
                (5, "deadline-before-offence"),
                (6, "duplicate"),
                (7, "syntax"),
            ]
        );
        assert_eq!(problems[1].problem, Problem::Missing(Field::Amount));
        assert_eq!(problems[4].problem, Problem::Duplicate { first_line: 1 });
    }

    #[test]
    fn a_csv_file_with_semicolons_reads_like_the_json() {
        let csv = "case_number;offence_code;offence_text;committed_at;place;legal_basis;sanction;amount;currency;plate;vehicle;evidence;name;street;postcode;city;country;deadline;language\n\
            OWI-2026-004711;141312;\"Sie überschritten die Höchstgeschwindigkeit; 12 km/h\";2026-11-03T07:42;Saarbrücken;§ 49 StVO;warning_fine;30.00;EUR;SB-AB 123;PKW;a.jpg|b.jpg;Erika Mustermann;Heidestraße 17;66111;Saarbrücken;DE;2026-12-21;tr\n";
        let cases = read(Format::Csv, csv.as_bytes()).expect("reads");
        assert_eq!(cases.len(), 1);
        assert_eq!(cases[0].line, 2);
        assert_eq!(cases[0].case.evidence, vec!["a.jpg", "b.jpg"]);
        assert_eq!(cases[0].case.language.as_deref(), Some("tr"));
        assert!(cases[0].case.offence.text.contains("; 12 km/h"));
    }

    #[test]
    fn csv_problems_name_the_record_line_even_after_a_quoted_line_break() {
        let csv = "case_number,offence_code,offence_text,committed_at,place,legal_basis,sanction,amount,currency,plate,name,street,postcode,city,deadline\n\
            A-1,141312,\"two\nlines\",2026-11-03T07:42,X,Y,fine,80,EUR,P,N,S,1,C,2026-12-01\n\
            A-2,14131,text,2026-11-03T07:42,X,Y,fine,80,EUR,P,N,S,1,C,2026-12-01\n\
            A-3,141312,text,2026-11-03 07:42,X,Y,fine,80,EUR,P,N,S,1,C\n";
        let problems = read(Format::Csv, csv.as_bytes()).expect_err("refused");
        let found: Vec<(usize, &str, String)> = problems
            .iter()
            .map(|p| (p.line, p.problem.word(), p.problem.detail()))
            .collect();
        assert_eq!(
            found,
            vec![
                (4, "invalid", "offence_code".to_owned()),
                (5, "syntax", "14 fields, the header has 15".to_owned()),
            ]
        );
    }

    #[test]
    fn a_csv_header_without_a_required_column_is_refused_at_line_one() {
        let problems = read(Format::Csv, b"case_number,place\nA-1,X\n").expect_err("refused");
        assert!(problems.iter().all(|p| p.line == 1));
        assert!(problems.contains(&LineProblem {
            line: 1,
            problem: Problem::MissingColumn(Field::Deadline)
        }));
    }

    #[test]
    fn case_numbers_are_canonical() {
        assert_eq!(
            CaseNumber::parse(" owi-2026 004711 ").map(|c| c.to_string()),
            Some("OWI-2026004711".to_owned())
        );
        assert_eq!(CaseNumber::parse("ab"), None);
        assert_eq!(CaseNumber::parse("A<script>"), None);
    }

    #[test]
    fn formats_are_told_by_name_or_content() {
        assert_eq!(Format::detect("x.CSV", b"{"), Format::Csv);
        assert_eq!(Format::detect("upload", b"  {\"a\":1}"), Format::JsonLines);
        assert_eq!(Format::detect("upload", b"case_number"), Format::Csv);
    }
}
