//! Invoices (docs/payments.md §3.3, §6.1): the way of paying without a provider. An
//! invoice gets a number without gaps, an RF creditor reference made from it (what the
//! banking app puts on the transfer after reading the EPC QR code), a due date, and stays
//! `started` until an admin marks it paid or a bank statement line matches its reference.
//! Invoices are never deleted: a cancelled one keeps its number.
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use vamt_portal_core::config::ConfigError;
use vamt_portal_storage::db::Db;

use crate::epc::{epc_payload, Beneficiary, Bic, EpcError, Iban};
use crate::invoice_number::NumberFormat;
use crate::ledger::{LedgerError, Stored};
use crate::money::{Currency, Money};
use crate::rf::CreditorReference;

/// `[payments.invoice]`
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct InvoiceConfig {
    /// Offer invoices.
    pub enabled: bool,
    /// The beneficiary's name, as on the account (≤ 70).
    pub creditor_name: String,
    /// The account (checked with mod 97).
    pub iban: String,
    /// Its bank's BIC (optional inside the EEA).
    pub bic: String,
    /// Days from issue to due (1–90).
    pub due_days: u32,
    /// `{year}-{seq:06}`.
    pub number_format: String,
    /// Letters and digits before the number in the RF reference (a treasury's office code).
    pub reference_prefix: String,
    /// The sender's lines on invoices and receipts.
    pub letterhead: Vec<String>,
    /// Phone, e-mail, opening hours.
    pub contact: Vec<String>,
    /// The tax note (administrative fees carry no VAT).
    pub tax_note: String,
    /// Lines at the foot of each page.
    pub footer: Vec<String>,
}

impl Default for InvoiceConfig {
    fn default() -> Self {
        InvoiceConfig {
            enabled: false,
            creditor_name: String::new(),
            iban: String::new(),
            bic: String::new(),
            due_days: 14,
            number_format: "{year}-{seq:06}".into(),
            reference_prefix: String::new(),
            letterhead: Vec::new(),
            contact: Vec::new(),
            tax_note: String::new(),
            footer: Vec::new(),
        }
    }
}

/// What `[payments.invoice]` yields.
#[derive(Debug, Clone)]
pub struct InvoiceSettings {
    /// Who is paid, and where.
    pub beneficiary: Beneficiary,
    /// Days to pay.
    pub due_days: u32,
    /// How numbers look.
    pub format: NumberFormat,
    /// Before the number in the reference.
    pub reference_prefix: String,
    /// Sender lines.
    pub letterhead: Vec<String>,
    /// Contact lines.
    pub contact: Vec<String>,
    /// The tax note.
    pub tax_note: String,
    /// Footer lines.
    pub footer: Vec<String>,
}

impl InvoiceConfig {
    /// Checks the section: the account, the format, the prefix.
    pub fn validate(&self) -> Result<InvoiceSettings, ConfigError> {
        let key = |k: &str| format!("payments.invoice.{k}");
        let iban =
            Iban::parse(&self.iban).map_err(|e| ConfigError::new(&key("iban"), e.to_string()))?;
        let bic = if self.bic.trim().is_empty() {
            None
        } else {
            Some(Bic::parse(&self.bic).map_err(|e| ConfigError::new(&key("bic"), e.to_string()))?)
        };
        let beneficiary = Beneficiary::new(&self.creditor_name, iban, bic)
            .map_err(|e| ConfigError::new(&key("creditor_name"), e.to_string()))?;
        if !(1..=90).contains(&self.due_days) {
            return Err(ConfigError::new(&key("due_days"), "1 to 90"));
        }
        let format = NumberFormat::parse(&self.number_format)
            .map_err(|e| ConfigError::new(&key("number_format"), e.to_string()))?;
        if !self
            .reference_prefix
            .chars()
            .all(|c| c.is_ascii_alphanumeric())
        {
            return Err(ConfigError::new(
                &key("reference_prefix"),
                "letters and digits only",
            ));
        }
        // The longest number the format makes must still fit the reference.
        let longest = format
            .render(9999, 999_999)
            .map_err(|e| ConfigError::new(&key("number_format"), e.to_string()))?;
        CreditorReference::for_invoice(&self.reference_prefix, &longest)
            .map_err(|e| ConfigError::new(&key("reference_prefix"), e.to_string()))?;
        Ok(InvoiceSettings {
            beneficiary,
            due_days: self.due_days,
            format,
            reference_prefix: self.reference_prefix.clone(),
            letterhead: self.letterhead.clone(),
            contact: self.contact.clone(),
            tax_note: self.tax_note.clone(),
            footer: self.footer.clone(),
        })
    }
}

/// Where an invoice stands (the payment's state says the rest).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvoiceState {
    /// Issued, not paid.
    Open,
    /// Paid.
    Paid,
    /// Cancelled: its number stays used.
    Cancelled,
}

impl InvoiceState {
    /// The stored word.
    pub fn word(self) -> &'static str {
        match self {
            InvoiceState::Open => "open",
            InvoiceState::Paid => "paid",
            InvoiceState::Cancelled => "cancelled",
        }
    }

    fn parse(word: &str) -> Option<InvoiceState> {
        [
            InvoiceState::Open,
            InvoiceState::Paid,
            InvoiceState::Cancelled,
        ]
        .into_iter()
        .find(|s| s.word() == word)
    }
}

/// An issued invoice.
#[derive(Debug, Clone)]
pub struct Invoice {
    /// `2026-000042`.
    pub number: String,
    /// The payment it asks for.
    pub payment_id: String,
    /// The RF reference.
    pub reference: CreditorReference,
    /// The amount.
    pub amount: Money,
    /// Issued on (the office's day).
    pub issued_on: NaiveDate,
    /// Due on.
    pub due_on: NaiveDate,
    /// Where it stands.
    pub state: InvoiceState,
}

impl Invoice {
    /// The EPC QR code's text for this invoice (euro only).
    pub fn epc(&self, settings: &InvoiceSettings) -> Result<String, EpcError> {
        epc_payload(&settings.beneficiary, self.amount, &self.reference)
    }
}

type InvoiceRow = (String, String, String, i64, String, String, String, String);

fn from_row(r: InvoiceRow) -> Result<Invoice, LedgerError> {
    let (number, payment_id, reference, amount, currency, issued, due, state) = r;
    let corrupt = |why: &str| LedgerError::Corrupt(payment_id.clone(), format!("invoice: {why}"));
    let currency = Currency::parse(&currency).map_err(|_| corrupt("currency"))?;
    Ok(Invoice {
        reference: CreditorReference::parse(&reference).map_err(|_| corrupt("reference"))?,
        amount: Money::new(amount, currency),
        issued_on: issued.parse().map_err(|_| corrupt("issued_on"))?,
        due_on: due.parse().map_err(|_| corrupt("due_on"))?,
        state: InvoiceState::parse(&state).ok_or_else(|| corrupt("state"))?,
        number,
        payment_id,
    })
}

const COLUMNS: &str =
    "number, payment_id, reference, amount_minor, currency, issued_on, due_on, state";

/// The invoice of `payment`, if one was issued.
pub async fn of_payment(db: &Db, payment: &str) -> Result<Option<Invoice>, LedgerError> {
    let row: Option<InvoiceRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM invoices WHERE payment_id = $1"
    )))
    .bind(payment)
    .fetch_optional(db.pool())
    .await?;
    row.map(from_row).transpose()
}

/// The invoice with the compact RF reference `reference`.
pub async fn by_reference(db: &Db, reference: &str) -> Result<Option<Invoice>, LedgerError> {
    let row: Option<InvoiceRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM invoices WHERE reference = $1"
    )))
    .bind(reference)
    .fetch_optional(db.pool())
    .await?;
    row.map(from_row).transpose()
}

/// The numbers of the open invoices (a statement line naming one without its reference is
/// reported with the suggestion).
pub async fn open_numbers(db: &Db) -> Result<Vec<String>, LedgerError> {
    Ok(
        sqlx::query_scalar("SELECT number FROM invoices WHERE state = 'open' ORDER BY number")
            .fetch_all(db.pool())
            .await?,
    )
}

/// Issues the invoice of `payment` on `today` (the office's day), or returns the one it
/// has. The number is drawn from the year's counter in the transaction that inserts the
/// invoice (§6.1): a rollback gives it back, so the sequence has no gaps.
pub async fn issue(
    db: &Db,
    payment: &Stored,
    settings: &InvoiceSettings,
    today: NaiveDate,
) -> Result<Invoice, LedgerError> {
    if let Some(existing) = of_payment(db, payment.id.as_str()).await? {
        return Ok(existing);
    }
    let year = today.year();
    let due = today + chrono::Days::new(u64::from(settings.due_days));
    let corrupt = |why: String| LedgerError::Corrupt(payment.id.to_string(), why);
    let _turn = db.writer_turn().await;
    let mut tx = db.begin().await?;
    // First statement of the transaction: it takes the year's row lock (PostgreSQL) or the
    // write lock (SQLite) at once, so two issuers queue instead of deadlocking.
    let seq: i64 = sqlx::query_scalar(
        "INSERT INTO invoice_counters (year, next) VALUES ($1, 2) \
         ON CONFLICT (year) DO UPDATE SET next = invoice_counters.next + 1 \
         RETURNING next - 1",
    )
    .bind(i64::from(year))
    .fetch_one(&mut *tx)
    .await?;
    let number = settings
        .format
        .render(year, u64::try_from(seq).unwrap_or(0))
        .map_err(|e| corrupt(e.to_string()))?;
    let reference = CreditorReference::for_invoice(&settings.reference_prefix, &number)
        .map_err(|e| corrupt(e.to_string()))?;
    sqlx::query(
        "INSERT INTO invoices (number, year, seq, payment_id, reference, amount_minor, currency, \
         issued_on, due_on, state) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'open')",
    )
    .bind(&number)
    .bind(i64::from(year))
    .bind(seq)
    .bind(payment.id.as_str())
    .bind(reference.compact())
    .bind(payment.amount().minor)
    .bind(payment.amount().currency.code())
    .bind(today.to_string())
    .bind(due.to_string())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Invoice {
        number,
        payment_id: payment.id.to_string(),
        reference,
        amount: payment.amount(),
        issued_on: today,
        due_on: due,
        state: InvoiceState::Open,
    })
}

/// Marks the invoice of `payment` as `state` (after the payment was paid or cancelled).
pub async fn set_state(db: &Db, payment: &str, state: InvoiceState) -> Result<(), LedgerError> {
    sqlx::query("UPDATE invoices SET state = $1 WHERE payment_id = $2")
        .bind(state.word())
        .bind(payment)
        .execute(db.pool())
        .await?;
    Ok(())
}
