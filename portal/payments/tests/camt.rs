//! The CAMT.053 import against the sample statements in `tests/data`: one line for each case
//! of docs/payments.md §6.4, each with its expected reason, and exactly the two right
//! invoices matched.
use std::collections::{HashMap, HashSet};

use proptest::prelude::*;

use vamt_payments::camt::{
    match_statements, parse_statement, Date, Direction, InvoiceInfo, InvoiceState, MatchInput,
    MatchOutcome, Report, UnmatchedReason,
};
use vamt_payments::money::{Currency, Money};
use vamt_payments::{CreditorReference, Iban};

const SAMPLE_08: &[u8] = include_bytes!("data/camt053_sample.xml");
const SAMPLE_02: &[u8] = include_bytes!("data/camt053_v02_sample.xml");
const ACCOUNT: &str = "DE89 3704 0044 0532 0130 00";

fn eur(minor: i64) -> Money {
    Money::new(minor, Currency::EUR)
}

/// The office's invoices 2026-000042 … 2026-000046, the last one paid already.
fn invoices() -> HashMap<String, InvoiceInfo> {
    [
        (42, InvoiceState::Open, 2900),
        (43, InvoiceState::Open, 4550),
        (44, InvoiceState::Open, 2900),
        (45, InvoiceState::Open, 2900),
        (46, InvoiceState::Paid, 2900),
    ]
    .into_iter()
    .map(|(seq, state, minor)| {
        let number = format!("2026-{seq:06}");
        let reference = CreditorReference::for_invoice("", &number).unwrap();
        let info = InvoiceInfo {
            number,
            state,
            amount: eur(minor),
        };
        (reference.compact().to_owned(), info)
    })
    .collect()
}

fn open_numbers() -> Vec<String> {
    (42..=45).map(|seq| format!("2026-{seq:06}")).collect()
}

fn import(xml: &[u8], imported: &HashSet<String>) -> Report {
    let file = parse_statement(xml).unwrap();
    let account = Iban::parse(ACCOUNT).unwrap();
    let invoices = invoices();
    let open = open_numbers();
    let input = MatchInput {
        account: &account,
        check_account: true,
        imported,
        invoices: &invoices,
        open_numbers: &open,
    };
    match_statements(&file, &input).unwrap()
}

fn reasons(report: &Report) -> Vec<&'static str> {
    report
        .lines
        .iter()
        .map(|line| match &line.outcome {
            MatchOutcome::Matched { .. } => "matched",
            MatchOutcome::Unmatched { reason, .. } => reason.code(),
        })
        .collect()
}

fn matched_numbers(report: &Report) -> Vec<String> {
    report
        .lines
        .iter()
        .filter_map(|line| match &line.outcome {
            MatchOutcome::Matched { invoice_number, .. } => Some(invoice_number.clone()),
            MatchOutcome::Unmatched { .. } => None,
        })
        .collect()
}

#[test]
fn every_line_of_the_sample_gets_its_reason() {
    let report = import(SAMPLE_08, &HashSet::new());
    assert_eq!(report.message_id, "MSG-2026-12-08-001");
    assert_eq!(
        reasons(&report),
        [
            "matched",           // structured reference from the QR code
            "matched",           // RF typed with spaces, split over two Ustrd lines
            "amount_mismatch",   // 20.00 of 29.00
            "unknown_reference", // valid RF, no such invoice
            "bad_check_digits",  // RF03 for RF02
            "debit",
            "reversal",
            "duplicate", // entry 1 again
            "not_booked",
            "no_reference",
        ]
    );
    assert_eq!(matched_numbers(&report), ["2026-000042", "2026-000043"]);
}

#[test]
fn the_matches_carry_what_storage_applies() {
    let report = import(SAMPLE_08, &HashSet::new());
    let date = Date {
        year: 2026,
        month: 12,
        day: 7,
    };
    assert_eq!(
        report.lines[0].outcome,
        MatchOutcome::Matched {
            invoice: CreditorReference::parse("RF02 2026 0000 42").unwrap(),
            invoice_number: "2026-000042".into(),
            amount: eur(2900),
            identity: "camt:DE89370400440532013000:2026120700001".into(),
            provider_ref: "2026120700001".into(),
            booking_date: date,
        }
    );
    assert_eq!(
        report.lines[1].outcome,
        MatchOutcome::Matched {
            invoice: CreditorReference::parse("RF722026000043").unwrap(),
            invoice_number: "2026-000043".into(),
            amount: eur(4550),
            identity: "camt:DE89370400440532013000:2026120700002".into(),
            provider_ref: "2026120700002".into(),
            booking_date: date,
        }
    );
    let line = &report.lines[1];
    assert_eq!(line.reference.as_deref(), Some("RF722026000043"));
    assert_eq!(line.payer.as_deref(), Some("Max Mustermann"));
    assert_eq!(line.end_to_end_id.as_deref(), Some("E2E-MUSTERMANN-0815"));
    assert_eq!(
        line.remittance,
        "Gebuehr Reisepass RF72 2026 00 00 43 Max Mustermann"
    );
    assert_eq!(line.direction, Some(Direction::Credit));
    assert_eq!(line.value_date, Some(date));
}

#[test]
fn the_unmatched_lines_say_what_the_treasury_needs() {
    let report = import(SAMPLE_08, &HashSet::new());
    let outcome = |i: usize| &report.lines[i].outcome;
    let MatchOutcome::Unmatched { expected, .. } = outcome(2) else {
        panic!("underpayment matched");
    };
    assert_eq!(*expected, Some(eur(2900)));
    assert_eq!(
        report.lines[2].amount.as_ref().unwrap().money,
        Some(eur(2000))
    );
    assert_eq!(report.lines[4].reference.as_deref(), Some("RF032026000042"));
    let MatchOutcome::Unmatched {
        returned_invoice, ..
    } = outcome(6)
    else {
        panic!("reversal matched");
    };
    assert_eq!(
        returned_invoice.as_ref().map(CreditorReference::compact),
        Some("RF882026000046")
    );
    assert_eq!(
        *outcome(9),
        MatchOutcome::Unmatched {
            reason: UnmatchedReason::NoReference,
            suggested_invoice: Some("2026-000045".into()),
            returned_invoice: None,
            expected: None,
        }
    );
}

#[test]
fn the_summary_counts_and_sums() {
    let summary = import(SAMPLE_08, &HashSet::new()).summary;
    assert_eq!(summary.entries, 10);
    assert_eq!(summary.credits, 9);
    assert_eq!(summary.matched, 2);
    assert_eq!(
        summary.matched_sum.get(&Currency::EUR),
        Some(&(2900 + 4550))
    );
    assert_eq!(summary.unmatched, 8);
    // 20.00 + 29.00 × 6 + 12.00 (the debit).
    assert_eq!(
        summary.unmatched_sum.get(&Currency::EUR),
        Some(&(2000 + 2900 * 6 + 1200))
    );
}

#[test]
fn importing_the_same_file_again_changes_nothing() {
    let first = import(SAMPLE_08, &HashSet::new());
    let imported: HashSet<String> = first
        .lines
        .iter()
        .map(|line| line.identity.clone())
        .collect();
    let again = import(SAMPLE_08, &imported);
    assert!(matched_numbers(&again).is_empty());
    // Debits, reversals and pending lines are decided before the duplicate rule.
    assert_eq!(
        reasons(&again),
        [
            "duplicate",
            "duplicate",
            "duplicate",
            "duplicate",
            "duplicate",
            "debit",
            "reversal",
            "duplicate",
            "not_booked",
            "duplicate",
        ]
    );
}

#[test]
fn the_older_version_is_read_too() {
    let report = import(SAMPLE_02, &HashSet::new());
    assert_eq!(reasons(&report), ["matched", "not_booked", "no_reference"]);
    assert_eq!(matched_numbers(&report), ["2026-000045"]);
    assert_eq!(report.lines[0].payer.as_deref(), Some("Lea Fischer"));
    let hashed = &report.lines[2].identity;
    let prefix = "camt:DE89370400440532013000:h:";
    assert!(hashed.starts_with(prefix), "{hashed}");
    assert_eq!(hashed.len(), prefix.len() + 32);
    assert!(hashed[prefix.len()..]
        .bytes()
        .all(|b| b.is_ascii_hexdigit()));
    // The same line read again has the same identity.
    assert_eq!(
        &import(SAMPLE_02, &HashSet::new()).lines[2].identity,
        hashed
    );
}

#[test]
fn a_statement_of_another_account_is_refused() {
    let file = parse_statement(SAMPLE_08).unwrap();
    let account = Iban::parse("DE02120300000000202051").unwrap();
    let invoices = invoices();
    let input = MatchInput {
        account: &account,
        check_account: true,
        imported: &HashSet::new(),
        invoices: &invoices,
        open_numbers: &[],
    };
    let error = match_statements(&file, &input).unwrap_err();
    assert_eq!(error.statement_id, "STMT-2026-341");
    assert_eq!(error.found.compact(), "DE89370400440532013000");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// A damaged upload (a byte changed, a span doubled, maybe cut off) is refused or read:
    /// never a panic, and a match only ever of an open invoice.
    #[test]
    fn damaged_files_never_panic(
        cut in 0usize..2 * SAMPLE_08.len(),
        at in 0usize..SAMPLE_08.len(),
        byte in any::<u8>(),
        span in 0usize..400,
    ) {
        let mut damaged = SAMPLE_08.to_vec();
        damaged[at] = byte;
        let end = (at + span).min(damaged.len());
        let copy = damaged[at..end].to_vec();
        damaged.splice(at..at, copy);
        damaged.truncate(cut.max(at));
        if let Ok(file) = parse_statement(&damaged) {
            let account = Iban::parse(ACCOUNT).unwrap();
            let invoices = invoices();
            let open = open_numbers();
            let imported = HashSet::new();
            let input = MatchInput {
                account: &account,
                check_account: false,
                imported: &imported,
                invoices: &invoices,
                open_numbers: &open,
            };
            if let Ok(report) = match_statements(&file, &input) {
                for number in matched_numbers(&report) {
                    prop_assert!(
                        ["2026-000042", "2026-000043", "2026-000044", "2026-000045"]
                            .contains(&number.as_str()),
                        "{number}"
                    );
                }
            }
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
        let _ = parse_statement(&bytes);
    }
}
