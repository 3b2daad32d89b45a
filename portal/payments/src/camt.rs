//! Bank statements (CAMT.053, docs/payments.md §6.4): the treasury uploads the account's
//! statement, vamt reads the credit transfers and matches each to an open invoice by its RF
//! creditor reference.
//!
//! Two steps, both without I/O: [`parse_statement`] turns the XML into typed
//! [`Statement`]s (any `camt.053.001.NN`, elements matched by local name, because the paths
//! used are the same in every version except `Sts` and the payer's name, which are read in
//! both forms), and [`match_statements`] decides for every transaction whether it pays an
//! invoice or why not, by the rules of §6.4 in their order. Storage applies the matches
//! (`Paid` with the line's identity as `EventId`) and keeps the report.
//!
//! The file comes from a person's upload, so the reader is defensive: at most 20 MB, no DTD
//! (roxmltree refuses them, so no external entities and no entity expansion), limits on
//! nodes, nesting and entries, and a malformed amount or date spoils only its own line.
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::hash::BuildHasher;

use roxmltree::{Document, Node, ParsingOptions};
use sha2::{Digest, Sha256};

use crate::epc::Iban;
use crate::money::{Currency, Money};
use crate::rf::CreditorReference;

/// The largest statement file read, in bytes.
pub const MAX_FILE_BYTES: usize = 20 * 1024 * 1024;
/// The most entries (`Ntry`) in one file; a city office's daily statement has hundreds.
pub const MAX_ENTRIES: usize = 50_000;
/// The deepest element nesting; the paths read are about a dozen deep.
pub const MAX_DEPTH: usize = 64;
/// The most XML nodes; bounds the tree's memory (a real 20 MB statement has fewer).
const MAX_NODES: u32 = 1_500_000;
/// The namespace of every version, followed by the version's number (`02`, `08`, …).
const NAMESPACE_PREFIX: &str = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.";
/// The longest remittance text kept for the report (one `Ustrd` line's limit).
const MAX_REMITTANCE_CHARS: usize = 140;

/// Why a whole file was refused (a single bad line is reported as `malformed` instead).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CamtError {
    /// Larger than [`MAX_FILE_BYTES`].
    #[error("the statement file has {0} bytes, at most 20 MB are read")]
    TooLarge(usize),
    /// Not UTF-8 (vamt reads UTF-8 statements only).
    #[error("the statement file is not UTF-8")]
    NotUtf8,
    /// The file has a document type declaration; refused so that no entity is expanded.
    #[error("the statement file has a DTD, which is not accepted")]
    Dtd,
    /// More XML nodes, deeper nesting or more entries than the limits allow.
    #[error("the statement file exceeds the limits on size, nesting or entries")]
    TooComplex,
    /// Not well-formed XML.
    #[error("the statement file is not well-formed XML: {0}")]
    Xml(String),
    /// Not a `Document/BkToCstmrStmt` in a `camt.053.001.NN` namespace.
    #[error("the file is no CAMT.053 bank statement")]
    NotCamt053,
    /// A statement whose account is not given as a valid IBAN.
    #[error("statement {0:?} names no valid account IBAN")]
    NoAccountIban(String),
}

/// The account statement file (`BkToCstmrStmt`): one or more statements.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementFile {
    /// `GrpHdr/MsgId`: the file's identity, shown in the report.
    pub message_id: String,
    /// The statements (`Stmt`), usually one.
    pub statements: Vec<Statement>,
}

/// One statement of one account (`Stmt`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// `Stmt/Id`.
    pub id: String,
    /// `Stmt/ElctrncSeqNb`, if given.
    pub electronic_seq: Option<String>,
    /// `Stmt/Acct/Id/IBAN`: whose account this is.
    pub account: Iban,
    /// The entries (`Ntry`) in the file's order.
    pub entries: Vec<Entry>,
}

/// Money in (`CRDT`) or out (`DBIT`) of the account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// `CRDT`.
    Credit,
    /// `DBIT`.
    Debit,
}

impl Direction {
    /// The CAMT code (`CRDT`, `DBIT`), as the report's `direction` column shows it.
    pub fn code(self) -> &'static str {
        match self {
            Direction::Credit => "CRDT",
            Direction::Debit => "DBIT",
        }
    }
}

/// An entry's status (`Sts`, or `Sts/Cd` from `.001.08` on).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum EntryStatus {
    /// `BOOK`: booked, final.
    Booked,
    /// `PDNG`: pending, may still vanish.
    Pending,
    /// `INFO`: information only.
    Info,
    /// Any other code, or none (empty).
    Other(String),
}

/// An amount as the statement writes it, with its reading.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Amount {
    /// The text (`29.00`).
    pub text: String,
    /// The `Ccy` attribute (`EUR`).
    pub currency: String,
    /// The amount, when the text is a non-negative decimal in a known currency with no more
    /// decimals than it has; `None` makes the line `malformed`.
    pub money: Option<Money>,
}

/// A calendar date (`2026-12-07`), as `BookgDt/Dt` or the date part of `BookgDt/DtTm`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// The year.
    pub year: u16,
    /// The month, 1–12.
    pub month: u8,
    /// The day, 1–31 (valid in its month).
    pub day: u8,
}

impl Date {
    /// Reads `YYYY-MM-DD`, or its start in a date-time (`2026-12-07T10:00:00+01:00`).
    pub fn parse(text: &str) -> Option<Date> {
        let text = text.trim();
        let date = text.get(..10)?;
        let rest = text.get(10..)?;
        if !(rest.is_empty() || rest.starts_with('T')) {
            return None;
        }
        let b = date.as_bytes();
        if b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let number = |s: &str| -> Option<u16> {
            if s.bytes().all(|c| c.is_ascii_digit()) {
                s.parse().ok()
            } else {
                None
            }
        };
        let year = number(date.get(..4)?)?;
        let month = u8::try_from(number(date.get(5..7)?)?).ok()?;
        let day = u8::try_from(number(date.get(8..10)?)?).ok()?;
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (1..=days)
            .contains(&day)
            .then_some(Date { year, month, day })
    }
}

/// `2026-12-07`.
impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// One entry (`Ntry`): a booking on the account, of one or (a batch) several transactions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// `NtryRef`, if given.
    pub entry_ref: Option<String>,
    /// `Amt` with `Ccy`; `None` when missing.
    pub amount: Option<Amount>,
    /// `CdtDbtInd` as written.
    pub direction_text: String,
    /// `CdtDbtInd` read; `None` when it is neither `CRDT` nor `DBIT`.
    pub direction: Option<Direction>,
    /// `Sts`.
    pub status: EntryStatus,
    /// `RvslInd`: `Some(false)` when absent, `None` when it is no boolean.
    pub reversal: Option<bool>,
    /// `BookgDt/Dt` or `BookgDt/DtTm` as written (empty when missing).
    pub booking_date_text: String,
    /// The booking date, if readable.
    pub booking_date: Option<Date>,
    /// `ValDt/Dt` (or `DtTm`), if readable.
    pub value_date: Option<Date>,
    /// `AcctSvcrRef`: the bank's unique reference of the entry.
    pub bank_reference: Option<String>,
    /// `NtryDtls/TxDtls`, in order; empty when the bank gives no details.
    pub transactions: Vec<Transaction>,
}

/// One transaction of an entry (`TxDtls`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transaction {
    /// `AmtDtls/TxAmt/Amt`, the transaction's own amount (in a batch).
    pub amount: Option<Amount>,
    /// `Refs/EndToEndId`.
    pub end_to_end_id: Option<String>,
    /// `Refs/AcctSvcrRef`: preferred over the entry's as the line's identity.
    pub bank_reference: Option<String>,
    /// `RmtInf/Strd/CdtrRefInf/Ref`, every one given, as written.
    pub structured_references: Vec<String>,
    /// `RmtInf/Ustrd`, the lines as written.
    pub unstructured: Vec<String>,
    /// `RltdPties/Dbtr/Nm` (`.001.02`) or `RltdPties/Dbtr/Pty/Nm` (`.001.08`): the payer.
    /// Personal data: for the admin's report only.
    pub payer: Option<String>,
}

/// Reads a CAMT.053 statement file.
///
/// Refuses the whole file only when it cannot be read as a statement at all (size, encoding,
/// DTD, limits, XML, root, a statement without an IBAN); anything wrong inside an entry is
/// kept as read and makes that line `malformed` in [`match_statements`].
pub fn parse_statement(xml: &[u8]) -> Result<StatementFile, CamtError> {
    if xml.len() > MAX_FILE_BYTES {
        return Err(CamtError::TooLarge(xml.len()));
    }
    let text = std::str::from_utf8(xml).map_err(|_| CamtError::NotUtf8)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let options = ParsingOptions {
        // The default already; said here because it is the import's safety.
        allow_dtd: false,
        nodes_limit: MAX_NODES,
        ..ParsingOptions::default()
    };
    let doc = Document::parse_with_options(text, options).map_err(|e| match e {
        roxmltree::Error::DtdDetected => CamtError::Dtd,
        roxmltree::Error::NodesLimitReached => CamtError::TooComplex,
        e => CamtError::Xml(e.to_string()),
    })?;
    check_depth(&doc)?;

    let root = doc.root_element();
    let versioned = root
        .tag_name()
        .namespace()
        .and_then(|ns| ns.strip_prefix(NAMESPACE_PREFIX))
        .is_some_and(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()));
    if root.tag_name().name() != "Document" || !versioned {
        return Err(CamtError::NotCamt053);
    }
    let report = child(root, "BkToCstmrStmt").ok_or(CamtError::NotCamt053)?;
    let entries: usize = children(report, "Stmt")
        .map(|stmt| children(stmt, "Ntry").count())
        .sum();
    if entries > MAX_ENTRIES {
        return Err(CamtError::TooComplex);
    }
    let message_id = path_text(report, &["GrpHdr", "MsgId"]).unwrap_or_default();
    let mut statements = Vec::new();
    for stmt in children(report, "Stmt") {
        let id = path_text(stmt, &["Id"]).unwrap_or_default();
        let account = path_text(stmt, &["Acct", "Id", "IBAN"])
            .and_then(|iban| Iban::parse(&iban).ok())
            .ok_or_else(|| CamtError::NoAccountIban(id.clone()))?;
        statements.push(Statement {
            electronic_seq: path_text(stmt, &["ElctrncSeqNb"]),
            account,
            entries: children(stmt, "Ntry").map(read_entry).collect(),
            id,
        });
    }
    if statements.is_empty() {
        return Err(CamtError::NotCamt053);
    }
    Ok(StatementFile {
        message_id,
        statements,
    })
}

/// Refuses nesting deeper than [`MAX_DEPTH`]. roxmltree builds the tree without recursion,
/// but the limit keeps any later walk of it cheap. Nodes come in document order, so a
/// parent's depth is known before its children's.
fn check_depth(doc: &Document<'_>) -> Result<(), CamtError> {
    let mut depth: Vec<u16> = Vec::new();
    for node in doc.descendants() {
        let d = match node.parent() {
            Some(parent) => depth.get(parent.id().get_usize()).copied().unwrap_or(0) + 1,
            None => 0,
        };
        if usize::from(d) > MAX_DEPTH {
            return Err(CamtError::TooComplex);
        }
        let index = node.id().get_usize();
        if depth.len() <= index {
            depth.resize(index + 1, 0);
        }
        depth[index] = d;
    }
    Ok(())
}

/// The first child element named `name` (local name, any namespace).
fn child<'a, 'i>(node: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    node.children()
        .find(|n| n.is_element() && n.tag_name().name() == name)
}

/// The child elements named `name`.
fn children<'a, 'i: 'a>(
    node: Node<'a, 'i>,
    name: &'a str,
) -> impl Iterator<Item = Node<'a, 'i>> + 'a {
    node.children()
        .filter(move |n| n.is_element() && n.tag_name().name() == name)
}

/// The element at `path` below `node`, first match at each step.
fn path<'a, 'i>(node: Node<'a, 'i>, names: &[&str]) -> Option<Node<'a, 'i>> {
    names.iter().try_fold(node, |node, name| child(node, name))
}

/// The trimmed text of an element; `None` when missing or empty.
fn text_of(node: Node<'_, '_>) -> Option<String> {
    let text = node.text().unwrap_or_default().trim();
    (!text.is_empty()).then(|| text.to_owned())
}

/// The trimmed text at `path`; `None` when missing or empty.
fn path_text(node: Node<'_, '_>, names: &[&str]) -> Option<String> {
    path(node, names).and_then(text_of)
}

fn read_amount(node: Node<'_, '_>) -> Amount {
    let text = node.text().unwrap_or_default().trim().to_owned();
    let currency = node.attribute("Ccy").unwrap_or_default().trim().to_owned();
    // CAMT amounts are unsigned (the direction says which way); a sign is malformed.
    let money = Currency::parse(&currency)
        .ok()
        .and_then(|ccy| Money::parse(&text, ccy).ok())
        .filter(|money| money.minor >= 0 && !text.starts_with('-'));
    Amount {
        text,
        currency,
        money,
    }
}

/// A date element's `Dt` or `DtTm`, as written.
fn date_text(node: Option<Node<'_, '_>>) -> String {
    node.and_then(|n| path_text(n, &["Dt"]).or_else(|| path_text(n, &["DtTm"])))
        .unwrap_or_default()
}

fn read_entry(ntry: Node<'_, '_>) -> Entry {
    let direction_text = path_text(ntry, &["CdtDbtInd"]).unwrap_or_default();
    let direction = match direction_text.as_str() {
        "CRDT" => Some(Direction::Credit),
        "DBIT" => Some(Direction::Debit),
        _ => None,
    };
    // `.001.02`: <Sts>BOOK</Sts>; `.001.08`: <Sts><Cd>BOOK</Cd></Sts>.
    let status = child(ntry, "Sts")
        .and_then(|sts| path_text(sts, &["Cd"]).or_else(|| text_of(sts)))
        .unwrap_or_default();
    let status = match status.as_str() {
        "BOOK" => EntryStatus::Booked,
        "PDNG" => EntryStatus::Pending,
        "INFO" => EntryStatus::Info,
        _ => EntryStatus::Other(status),
    };
    let reversal = match path_text(ntry, &["RvslInd"]).as_deref() {
        None | Some("false" | "0") => Some(false),
        Some("true" | "1") => Some(true),
        Some(_) => None,
    };
    let booking_date_text = date_text(child(ntry, "BookgDt"));
    let value_date = Date::parse(&date_text(child(ntry, "ValDt")));
    let transactions = children(ntry, "NtryDtls")
        .flat_map(|details| children(details, "TxDtls"))
        .map(read_transaction)
        .collect();
    Entry {
        entry_ref: path_text(ntry, &["NtryRef"]),
        amount: child(ntry, "Amt").map(read_amount),
        direction_text,
        direction,
        status,
        reversal,
        booking_date: Date::parse(&booking_date_text),
        booking_date_text,
        value_date,
        bank_reference: path_text(ntry, &["AcctSvcrRef"]),
        transactions,
    }
}

fn read_transaction(tx: Node<'_, '_>) -> Transaction {
    let remittances: Vec<Node<'_, '_>> = children(tx, "RmtInf").collect();
    let structured_references = remittances
        .iter()
        .flat_map(|rmt| children(*rmt, "Strd"))
        .flat_map(|strd| children(strd, "CdtrRefInf"))
        .filter_map(|info| path_text(info, &["Ref"]))
        .collect();
    let unstructured = remittances
        .iter()
        .flat_map(|rmt| children(*rmt, "Ustrd"))
        .map(|line| line.text().unwrap_or_default().to_owned())
        .collect();
    let debtor = path(tx, &["RltdPties", "Dbtr"]);
    let payer = debtor.and_then(|d| path_text(d, &["Nm"]).or_else(|| path_text(d, &["Pty", "Nm"])));
    Transaction {
        amount: path(tx, &["AmtDtls", "TxAmt", "Amt"]).map(read_amount),
        end_to_end_id: path_text(tx, &["Refs", "EndToEndId"]),
        bank_reference: path_text(tx, &["Refs", "AcctSvcrRef"]),
        structured_references,
        unstructured,
        payer,
    }
}

// ---------------------------------------------------------------------------------------
// Matching
// ---------------------------------------------------------------------------------------

/// An invoice's state (`invoices.state`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InvoiceState {
    /// Issued, not paid.
    Open,
    /// Paid.
    Paid,
    /// Cancelled (kept with its number, never deleted).
    Cancelled,
}

/// What the matcher needs to know of an invoice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceInfo {
    /// The invoice number (`2026-000042`).
    pub number: String,
    /// Its state.
    pub state: InvoiceState,
    /// The amount it asks for.
    pub amount: Money,
}

/// Invoices by their compact RF reference (`RF022026000042`).
///
/// A trait rather than a map so that storage may answer from whatever it loaded; maps keyed
/// by the compact reference implement it.
pub trait InvoiceLookup {
    /// The invoice whose reference is `reference`, if any.
    fn invoice(&self, reference: &CreditorReference) -> Option<InvoiceInfo>;
}

impl<S: BuildHasher> InvoiceLookup for HashMap<String, InvoiceInfo, S> {
    fn invoice(&self, reference: &CreditorReference) -> Option<InvoiceInfo> {
        self.get(reference.compact()).cloned()
    }
}

impl InvoiceLookup for BTreeMap<String, InvoiceInfo> {
    fn invoice(&self, reference: &CreditorReference) -> Option<InvoiceInfo> {
        self.get(reference.compact()).cloned()
    }
}

/// What the matcher is given besides the statement.
#[derive(Debug)]
pub struct MatchInput<'a, L: ?Sized> {
    /// `payments.invoice.iban`: the account whose statements are imported.
    pub account: &'a Iban,
    /// `payments.invoice.statement_account_check`: refuse a file of another account.
    pub check_account: bool,
    /// The identities of lines imported before (`camt:…`).
    pub imported: &'a HashSet<String>,
    /// The invoices, by compact reference.
    pub invoices: &'a L,
    /// The numbers of the open invoices, for suggesting one when a line has no reference.
    pub open_numbers: &'a [String],
}

/// The file is another account's statement.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("statement {statement_id:?} is of account {found}, not of {expected}")]
pub struct AccountMismatch {
    /// The statement's `Stmt/Id`.
    pub statement_id: String,
    /// The configured account.
    pub expected: Iban,
    /// The statement's account.
    pub found: Iban,
}

/// Why a line was not matched (the report's `reason` column).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UnmatchedReason {
    /// Money out (`DBIT`); refunds are recorded by hand.
    Debit,
    /// Not booked (`PDNG`, `INFO`, …): it may still vanish.
    NotBooked,
    /// A reversal (a returned payment).
    Reversal,
    /// Imported before, or earlier in this file.
    Duplicate,
    /// No RF reference found.
    NoReference,
    /// Only RF-like references with wrong check digits.
    BadCheckDigits,
    /// A valid reference of no invoice.
    UnknownReference,
    /// The invoice is cancelled.
    CancelledInvoice,
    /// The invoice is paid already (a payment made twice).
    AlreadyPaid,
    /// Another currency than the invoice's.
    CurrencyMismatch,
    /// Another amount than the invoice's (over- or underpayment).
    AmountMismatch,
    /// A field needed to decide could not be read.
    Malformed,
}

impl UnmatchedReason {
    /// The report's code (`no_reference`).
    pub fn code(self) -> &'static str {
        match self {
            UnmatchedReason::Debit => "debit",
            UnmatchedReason::NotBooked => "not_booked",
            UnmatchedReason::Reversal => "reversal",
            UnmatchedReason::Duplicate => "duplicate",
            UnmatchedReason::NoReference => "no_reference",
            UnmatchedReason::BadCheckDigits => "bad_check_digits",
            UnmatchedReason::UnknownReference => "unknown_reference",
            UnmatchedReason::CancelledInvoice => "cancelled_invoice",
            UnmatchedReason::AlreadyPaid => "already_paid",
            UnmatchedReason::CurrencyMismatch => "currency_mismatch",
            UnmatchedReason::AmountMismatch => "amount_mismatch",
            UnmatchedReason::Malformed => "malformed",
        }
    }
}

impl fmt::Display for UnmatchedReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// The decision about one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MatchOutcome {
    /// The line pays the invoice: apply `Paid { amount, provider_ref }` with `EventId` =
    /// `identity` and `seq` = the booking date.
    Matched {
        /// The invoice's reference.
        invoice: CreditorReference,
        /// The invoice's number.
        invoice_number: String,
        /// The amount paid (equal to the invoice's).
        amount: Money,
        /// The line's identity (`camt:{IBAN}:…`).
        identity: String,
        /// The bank's reference (`AcctSvcrRef`) or `h:` and the hash.
        provider_ref: String,
        /// The booking date: the paid date.
        booking_date: Date,
    },
    /// The line is reported for the treasury.
    Unmatched {
        /// Why.
        reason: UnmatchedReason,
        /// With `no_reference`: an open invoice's number found in the text (a suggestion,
        /// never applied).
        suggested_invoice: Option<String>,
        /// With `reversal`: the paid invoice whose payment was returned.
        returned_invoice: Option<CreditorReference>,
        /// With `amount_mismatch` or `currency_mismatch`: what the invoice asks for.
        expected: Option<Money>,
    },
}

/// One line of the report: a transaction (or an entry without details) with its decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportLine {
    /// The statement's `Stmt/Id`.
    pub statement_id: String,
    /// The entry's position in its statement (0-based).
    pub entry_index: usize,
    /// The transaction's position in its entry (0-based; 0 for an entry without details).
    pub transaction_index: usize,
    /// The booking date.
    pub booking_date: Option<Date>,
    /// The value date.
    pub value_date: Option<Date>,
    /// The line's amount (the transaction's, else the entry's).
    pub amount: Option<Amount>,
    /// `CRDT` / `DBIT`.
    pub direction: Option<Direction>,
    /// The line's identity (`camt:{IBAN}:{AcctSvcrRef}` or `camt:{IBAN}:h:{hash}`).
    pub identity: String,
    /// The reference as found (valid or not).
    pub reference: Option<String>,
    /// The unstructured remittance, lines joined by a space, at most 140 characters.
    pub remittance: String,
    /// The payer's name (personal data: admin report only).
    pub payer: Option<String>,
    /// `EndToEndId`.
    pub end_to_end_id: Option<String>,
    /// The bank's reference used (the transaction's, else the entry's).
    pub bank_reference: Option<String>,
    /// The decision.
    pub outcome: MatchOutcome,
}

/// The report's summary.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Summary {
    /// Entries (`Ntry`) in the file.
    pub entries: usize,
    /// Of those, credits (`CRDT`).
    pub credits: usize,
    /// Lines matched.
    pub matched: usize,
    /// Their sum in minor units, per currency (i128: no sum of a file can overflow it).
    pub matched_sum: BTreeMap<Currency, i128>,
    /// Lines not matched (every reason, debits included).
    pub unmatched: usize,
    /// Their sum in minor units, per currency, of the lines whose amount could be read.
    pub unmatched_sum: BTreeMap<Currency, i128>,
}

/// The outcome of matching a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// `GrpHdr/MsgId`.
    pub message_id: String,
    /// Every line, matched or not, in the file's order.
    pub lines: Vec<ReportLine>,
    /// The counts and sums.
    pub summary: Summary,
}

/// Decides for every transaction of `file` (§6.4): matched to an invoice, or why not, by the
/// first rule that applies: `debit`, `not_booked`, `reversal`, `duplicate`, `no_reference` /
/// `bad_check_digits`, `unknown_reference`, `cancelled_invoice` / `already_paid`,
/// `currency_mismatch` / `amount_mismatch`; `malformed` where a rule's field is unreadable.
///
/// Lines earlier in the same file count as imported (a statement listing a line twice pays
/// once) and invoices matched earlier in the file as paid. A statement of another account
/// than `input.account` refuses the whole file when `input.check_account` is set.
pub fn match_statements<L: InvoiceLookup + ?Sized>(
    file: &StatementFile,
    input: &MatchInput<'_, L>,
) -> Result<Report, AccountMismatch> {
    if input.check_account {
        if let Some(other) = file.statements.iter().find(|s| s.account != *input.account) {
            return Err(AccountMismatch {
                statement_id: other.id.clone(),
                expected: input.account.clone(),
                found: other.account.clone(),
            });
        }
    }
    let mut state = MatchState {
        input,
        seen: HashSet::new(),
        paid_now: HashSet::new(),
    };
    let mut lines = Vec::new();
    let mut summary = Summary::default();
    for statement in &file.statements {
        for (entry_index, entry) in statement.entries.iter().enumerate() {
            summary.entries += 1;
            if entry.direction == Some(Direction::Credit) {
                summary.credits += 1;
            }
            let count = entry.transactions.len();
            let transactions: Vec<Option<&Transaction>> = if count == 0 {
                vec![None]
            } else {
                entry.transactions.iter().map(Some).collect()
            };
            for (ordinal, tx) in transactions.into_iter().enumerate() {
                let line = state.decide(statement, entry_index, entry, tx, ordinal);
                let (sum, total) = match line.outcome {
                    MatchOutcome::Matched { .. } => {
                        (&mut summary.matched_sum, &mut summary.matched)
                    }
                    MatchOutcome::Unmatched { .. } => {
                        (&mut summary.unmatched_sum, &mut summary.unmatched)
                    }
                };
                *total += 1;
                if let Some(money) = line.amount.as_ref().and_then(|a| a.money) {
                    *sum.entry(money.currency).or_insert(0) += i128::from(money.minor);
                }
                lines.push(line);
            }
        }
    }
    Ok(Report {
        message_id: file.message_id.clone(),
        lines,
        summary,
    })
}

/// What matching remembers from line to line.
struct MatchState<'m, 'a, L: ?Sized> {
    input: &'m MatchInput<'a, L>,
    /// Identities of lines of this file past the duplicate rule.
    seen: HashSet<String>,
    /// Invoices matched earlier in this file.
    paid_now: HashSet<CreditorReference>,
}

/// The reference search's result (rule 5).
enum Found {
    /// A valid reference, preferring one that names an invoice.
    Valid(CreditorReference),
    /// Only candidates with wrong check digits; the first, as written.
    BadCheckDigits(String),
    /// No candidate at all.
    None,
}

impl<L: InvoiceLookup + ?Sized> MatchState<'_, '_, L> {
    fn decide(
        &mut self,
        statement: &Statement,
        entry_index: usize,
        entry: &Entry,
        tx: Option<&Transaction>,
        ordinal: usize,
    ) -> ReportLine {
        let single = entry.transactions.len() <= 1;
        // The transaction's own amount; the entry's stands for it only when it is alone.
        let amount = match tx.and_then(|t| t.amount.clone()) {
            Some(amount) => Some(amount),
            None if single => entry.amount.clone(),
            None => None,
        };
        let structured = tx.map_or(&[][..], |t| &t.structured_references[..]);
        let unstructured = tx.map_or(&[][..], |t| &t.unstructured[..]);
        let bank_reference = tx
            .and_then(|t| t.bank_reference.clone())
            .or_else(|| entry.bank_reference.clone().filter(|_| single));
        let provider_ref = match &bank_reference {
            Some(reference) => reference.clone(),
            None => format!(
                "h:{}",
                line_hash(
                    entry,
                    amount.as_ref(),
                    tx,
                    structured,
                    unstructured,
                    ordinal
                )
            ),
        };
        let identity = format!("camt:{}:{provider_ref}", statement.account.compact());
        let remittance: String = unstructured
            .iter()
            .map(|line| line.trim())
            .collect::<Vec<_>>()
            .join(" ")
            .chars()
            .take(MAX_REMITTANCE_CHARS)
            .collect();
        let found = self.find_reference(structured, unstructured);
        let mut line = ReportLine {
            statement_id: statement.id.clone(),
            entry_index,
            transaction_index: ordinal,
            booking_date: entry.booking_date,
            value_date: entry.value_date,
            amount,
            direction: entry.direction,
            identity,
            reference: match &found {
                Found::Valid(rf) => Some(rf.compact().to_owned()),
                Found::BadCheckDigits(text) => Some(text.clone()),
                Found::None => None,
            },
            remittance,
            payer: tx.and_then(|t| t.payer.clone()),
            end_to_end_id: tx.and_then(|t| t.end_to_end_id.clone()),
            bank_reference,
            outcome: unmatched(UnmatchedReason::Malformed),
        };
        line.outcome = self.rules(entry, &line, found, provider_ref, structured, unstructured);
        line
    }

    /// The rules of §6.4, in order.
    fn rules(
        &mut self,
        entry: &Entry,
        line: &ReportLine,
        found: Found,
        provider_ref: String,
        structured: &[String],
        unstructured: &[String],
    ) -> MatchOutcome {
        use UnmatchedReason as R;
        // 1. Money out.
        match entry.direction {
            None => return unmatched(R::Malformed),
            Some(Direction::Debit) => return unmatched(R::Debit),
            Some(Direction::Credit) => {}
        }
        // 2. Pending entries may still vanish.
        if entry.status != EntryStatus::Booked {
            return unmatched(R::NotBooked);
        }
        // 3. A returned payment: flagged for the admin, never an automatic change.
        match entry.reversal {
            None => return unmatched(R::Malformed),
            Some(true) => {
                let returned = match found {
                    Found::Valid(rf) => self
                        .input
                        .invoices
                        .invoice(&rf)
                        .filter(|invoice| {
                            invoice.state == InvoiceState::Paid || self.paid_now.contains(&rf)
                        })
                        .map(|_| rf),
                    _ => None,
                };
                return MatchOutcome::Unmatched {
                    reason: R::Reversal,
                    suggested_invoice: None,
                    returned_invoice: returned,
                    expected: None,
                };
            }
            Some(false) => {}
        }
        // 4. Imported before, or earlier in this file.
        if self.input.imported.contains(&line.identity) || !self.seen.insert(line.identity.clone())
        {
            return unmatched(R::Duplicate);
        }
        // 5. The reference.
        let reference = match found {
            Found::Valid(rf) => rf,
            Found::BadCheckDigits(_) => return unmatched(R::BadCheckDigits),
            Found::None => {
                return MatchOutcome::Unmatched {
                    reason: R::NoReference,
                    suggested_invoice: self.suggest(structured, unstructured),
                    returned_invoice: None,
                    expected: None,
                }
            }
        };
        // 6. An invoice of that reference.
        let Some(invoice) = self.input.invoices.invoice(&reference) else {
            return unmatched(R::UnknownReference);
        };
        // 7. Its state (an invoice matched earlier in this file counts as paid).
        match invoice.state {
            InvoiceState::Cancelled => return unmatched(R::CancelledInvoice),
            InvoiceState::Paid => return unmatched(R::AlreadyPaid),
            InvoiceState::Open if self.paid_now.contains(&reference) => {
                return unmatched(R::AlreadyPaid)
            }
            InvoiceState::Open => {}
        }
        // 8. Exactly the invoice's amount, in its currency.
        let expected = Some(invoice.amount);
        let mismatch = |reason| MatchOutcome::Unmatched {
            reason,
            suggested_invoice: None,
            returned_invoice: None,
            expected,
        };
        let Some(amount) = &line.amount else {
            return unmatched(R::Malformed);
        };
        // A missing or misspelt code is unreadable; a real code that differs, a mismatch.
        let code = amount.currency.as_bytes();
        if code.len() != 3 || !code.iter().all(u8::is_ascii_uppercase) {
            return unmatched(R::Malformed);
        }
        if amount.currency != invoice.amount.currency.code() {
            return mismatch(R::CurrencyMismatch);
        }
        let Some(money) = amount.money else {
            return unmatched(R::Malformed);
        };
        if money != invoice.amount {
            return mismatch(R::AmountMismatch);
        }
        // 9. Matched, given a booking date to record it under.
        let Some(booking_date) = entry.booking_date else {
            return unmatched(R::Malformed);
        };
        self.paid_now.insert(reference.clone());
        MatchOutcome::Matched {
            invoice: reference,
            invoice_number: invoice.number,
            amount: money,
            identity: line.identity.clone(),
            provider_ref,
            booking_date,
        }
    }

    /// Rule 5's search: the structured references first, then the `Ustrd` lines joined
    /// without separators and all whitespace removed (banks split long texts over lines,
    /// payers type `RF02 2026 0000 42`), upper-cased, for `RF[0-9]{2}[0-9A-Z]{1,21}`.
    ///
    /// The text after a reference often runs on in letters or digits once spaces are gone
    /// (`RF022026000042VOM07`), so every length at every `RF` is tried, longest first; a
    /// valid candidate that names an invoice wins over one that does not, since a longer
    /// run passes mod 97 by chance about once in 97 tries.
    fn find_reference(&self, structured: &[String], unstructured: &[String]) -> Found {
        let mut texts: Vec<String> = structured.iter().map(|s| squeeze(s)).collect();
        texts.push(squeeze(&unstructured.concat()));
        let mut first_valid = None;
        let mut first_bad = None;
        for text in &texts {
            for candidate in rf_candidates(text) {
                match CreditorReference::parse(candidate) {
                    Ok(rf) => {
                        if self.input.invoices.invoice(&rf).is_some() {
                            return Found::Valid(rf);
                        }
                        first_valid.get_or_insert(rf);
                    }
                    Err(_) => {
                        first_bad.get_or_insert_with(|| candidate.to_owned());
                    }
                }
            }
        }
        match (first_valid, first_bad) {
            (Some(rf), _) => Found::Valid(rf),
            (None, Some(bad)) => Found::BadCheckDigits(bad),
            (None, None) => Found::None,
        }
    }

    /// An open invoice's number in the line's texts, compared on letters and digits only
    /// (`2026-000042` and `2026000042` alike) and not inside a longer run of digits. Tried
    /// on the `Ustrd` lines joined without separators (a number split over two lines) and
    /// with whitespace as a boundary (`2026-000042 1.12.`); fields are kept apart.
    fn suggest(&self, structured: &[String], unstructured: &[String]) -> Option<String> {
        let joined = unstructured.concat();
        let texts: Vec<String> = [false, true]
            .into_iter()
            .map(|keep_spaces| {
                let mut text = String::new();
                for part in structured.iter().chain(std::iter::once(&joined)) {
                    text.push_str(&alphanumeric(part, keep_spaces));
                    text.push('|');
                }
                text
            })
            .collect();
        self.input
            .open_numbers
            .iter()
            .find(|number| {
                let needle = alphanumeric(number, false);
                !needle.is_empty() && texts.iter().any(|text| contains_bounded(text, &needle))
            })
            .cloned()
    }
}

/// An unmatched outcome with nothing else to say.
fn unmatched(reason: UnmatchedReason) -> MatchOutcome {
    MatchOutcome::Unmatched {
        reason,
        suggested_invoice: None,
        returned_invoice: None,
        expected: None,
    }
}

/// `text` without whitespace, ASCII upper case.
fn squeeze(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// `text` upper-cased with only ASCII letters and digits kept (`2026-000042` →
/// `2026000042`); whitespace becomes `|` when `keep_spaces`, else it is dropped like the rest.
fn alphanumeric(text: &str, keep_spaces: bool) -> String {
    text.chars()
        .filter_map(|c| {
            if c.is_ascii_alphanumeric() {
                Some(c.to_ascii_uppercase())
            } else if keep_spaces && c.is_whitespace() {
                Some('|')
            } else {
                None
            }
        })
        .collect()
}

/// Whether `needle` occurs in `hay` with no digit right before or after it.
fn contains_bounded(hay: &str, needle: &str) -> bool {
    let bytes = hay.as_bytes();
    hay.match_indices(needle).any(|(at, _)| {
        let before = at.checked_sub(1).and_then(|i| bytes.get(i));
        let after = bytes.get(at + needle.len());
        !before.is_some_and(u8::is_ascii_digit) && !after.is_some_and(u8::is_ascii_digit)
    })
}

/// Every `RF[0-9]{2}[0-9A-Z]{1,21}` in `text` (upper case, no whitespace), at each start
/// longest first.
fn rf_candidates(text: &str) -> impl Iterator<Item = &str> {
    let bytes = text.as_bytes();
    (0..bytes.len()).flat_map(move |start| {
        let head = bytes.get(start..start + 4);
        let is_rf = head.is_some_and(|h| {
            h[0] == b'R' && h[1] == b'F' && h[2].is_ascii_digit() && h[3].is_ascii_digit()
        });
        let run = if is_rf {
            bytes[start + 4..]
                .iter()
                .take(crate::rf::MAX_BODY_LEN)
                .take_while(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
                .count()
        } else {
            0
        };
        // ASCII only in the candidate, so the slice ends on character boundaries.
        (1..=run)
            .rev()
            .filter_map(move |len| text.get(start..start + 4 + len))
    })
}

/// The fallback identity when the bank gives no reference (§6.4 rule 4): the first 32 hex
/// digits of SHA-256 over `BookgDt|Amt|Ccy|CdtDbtInd|EndToEndId|Ref|Ustrd…|ordinal`.
fn line_hash(
    entry: &Entry,
    amount: Option<&Amount>,
    tx: Option<&Transaction>,
    structured: &[String],
    unstructured: &[String],
    ordinal: usize,
) -> String {
    let mut fields: Vec<&str> = vec![
        entry.booking_date_text.as_str(),
        amount.map_or("", |a| a.text.as_str()),
        amount.map_or("", |a| a.currency.as_str()),
        entry.direction_text.as_str(),
        tx.and_then(|t| t.end_to_end_id.as_deref()).unwrap_or(""),
        structured.first().map_or("", String::as_str),
    ];
    fields.extend(unstructured.iter().map(String::as_str));
    let ordinal = ordinal.to_string();
    fields.push(&ordinal);
    let digest = Sha256::digest(fields.join("|").as_bytes());
    digest.iter().take(16).map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const IBAN: &str = "DE89370400440532013000";

    /// A `.001.08` file of one statement with `entries` (each a `<Ntry>…</Ntry>`).
    fn file(entries: &str) -> Vec<u8> {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt>
<GrpHdr><MsgId>M1</MsgId></GrpHdr>
<Stmt><Id>S1</Id><Acct><Id><IBAN>{IBAN}</IBAN></Id></Acct>{entries}</Stmt>
</BkToCstmrStmt></Document>"#
        )
        .into_bytes()
    }

    /// A booked credit of `amount` EUR with bank reference `r` and `details` in one TxDtls.
    fn credit(r: &str, amount: &str, details: &str) -> String {
        format!(
            "<Ntry><Amt Ccy=\"EUR\">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd>\
             <Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2026-12-07</Dt></BookgDt>\
             <AcctSvcrRef>{r}</AcctSvcrRef><NtryDtls><TxDtls>{details}</TxDtls></NtryDtls></Ntry>"
        )
    }

    fn strd(reference: &str) -> String {
        format!("<RmtInf><Strd><CdtrRefInf><Ref>{reference}</Ref></CdtrRefInf></Strd></RmtInf>")
    }

    fn invoices() -> HashMap<String, InvoiceInfo> {
        let eur = |minor| Money::new(minor, Currency::EUR);
        let mut map = HashMap::new();
        for (seq, state) in [
            (42, InvoiceState::Open),
            (43, InvoiceState::Paid),
            (44, InvoiceState::Cancelled),
            (45, InvoiceState::Open),
        ] {
            let number = format!("2026-{seq:06}");
            let rf = CreditorReference::for_invoice("", &number).unwrap();
            map.insert(
                rf.compact().to_owned(),
                InvoiceInfo {
                    number,
                    state,
                    amount: eur(2900),
                },
            );
        }
        map
    }

    fn rf(seq: u32) -> String {
        CreditorReference::for_invoice("", &format!("2026-{seq:06}"))
            .unwrap()
            .compact()
            .to_owned()
    }

    fn run(xml: &[u8], imported: &HashSet<String>) -> Report {
        let statement = parse_statement(xml).unwrap();
        let account = Iban::parse(IBAN).unwrap();
        let invoices = invoices();
        let open = vec!["2026-000042".to_owned(), "2026-000045".to_owned()];
        let input = MatchInput {
            account: &account,
            check_account: true,
            imported,
            invoices: &invoices,
            open_numbers: &open,
        };
        match_statements(&statement, &input).unwrap()
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

    #[test]
    fn states_and_amounts() {
        let xml = file(
            &[
                credit("A", "29.00", &strd(&rf(42))),
                credit("B", "29.00", &strd(&rf(43))),
                credit("C", "29.00", &strd(&rf(44))),
                credit("D", "29.01", &strd(&rf(45))),
                "<Ntry><Amt Ccy=\"CHF\">29.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>\
             <BookgDt><Dt>2026-12-07</Dt></BookgDt><AcctSvcrRef>E</AcctSvcrRef>\
             <NtryDtls><TxDtls><RmtInf><Ustrd>rf"
                    .to_owned()
                    + &rf(45)[2..]
                    + "</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>",
                credit("F", "29.0x", &strd(&rf(45))),
                credit("G", "29.00", &strd(&rf(42))),
            ]
            .concat(),
        );
        let report = run(&xml, &HashSet::new());
        assert_eq!(
            reasons(&report),
            [
                "matched",
                "already_paid",
                "cancelled_invoice",
                "amount_mismatch",
                "currency_mismatch",
                "malformed",
                "already_paid"
            ]
        );
        assert_eq!(report.summary.matched, 1);
        assert_eq!(report.summary.matched_sum[&Currency::EUR], 2900);
        assert_eq!(report.summary.unmatched, 6);
        // 29.00 × 3 + 29.01 (the CHF and the malformed line aside).
        assert_eq!(
            report.summary.unmatched_sum[&Currency::EUR],
            2900 * 3 + 2901
        );
        assert_eq!(report.summary.unmatched_sum[&Currency::CHF], 2900);
        match &report.lines[3].outcome {
            MatchOutcome::Unmatched { expected, .. } => {
                assert_eq!(*expected, Some(Money::new(2900, Currency::EUR)))
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_matched_line_carries_what_storage_applies() {
        let report = run(
            &file(&credit("2026120700001", "29.00", &strd(&rf(42)))),
            &HashSet::new(),
        );
        assert_eq!(
            report.lines[0].outcome,
            MatchOutcome::Matched {
                invoice: CreditorReference::parse("RF022026000042").unwrap(),
                invoice_number: "2026-000042".into(),
                amount: Money::new(2900, Currency::EUR),
                identity: format!("camt:{IBAN}:2026120700001"),
                provider_ref: "2026120700001".into(),
                booking_date: Date {
                    year: 2026,
                    month: 12,
                    day: 7
                },
            }
        );
    }

    #[test]
    fn imported_identities_are_duplicates() {
        let imported = HashSet::from([format!("camt:{IBAN}:A")]);
        let report = run(&file(&credit("A", "29.00", &strd(&rf(42)))), &imported);
        assert_eq!(reasons(&report), ["duplicate"]);
    }

    #[test]
    fn reversal_of_a_paid_invoice_is_flagged() {
        let entry =
            credit("R", "29.00", &strd(&rf(43))).replace("<Sts>", "<RvslInd>true</RvslInd><Sts>");
        let report = run(&file(&entry), &HashSet::new());
        assert_eq!(
            report.lines[0].outcome,
            MatchOutcome::Unmatched {
                reason: UnmatchedReason::Reversal,
                suggested_invoice: None,
                returned_invoice: Some(CreditorReference::parse(&rf(43)).unwrap()),
                expected: None,
            }
        );
    }

    #[test]
    fn no_reference_suggests_an_open_number() {
        let entry = credit(
            "N",
            "29.00",
            "<RmtInf><Ustrd>Rechnung 2026-000045 vom</Ustrd><Ustrd> 1.12.</Ustrd></RmtInf>",
        );
        let report = run(&file(&entry), &HashSet::new());
        match &report.lines[0].outcome {
            MatchOutcome::Unmatched {
                reason: UnmatchedReason::NoReference,
                suggested_invoice,
                ..
            } => assert_eq!(suggested_invoice.as_deref(), Some("2026-000045")),
            other => panic!("{other:?}"),
        }
        // Inside a longer number it is no suggestion.
        let entry = credit(
            "N",
            "29.00",
            "<RmtInf><Ustrd>Kunde 12026000045</Ustrd></RmtInf>",
        );
        match &run(&file(&entry), &HashSet::new()).lines[0].outcome {
            MatchOutcome::Unmatched {
                suggested_invoice, ..
            } => assert_eq!(*suggested_invoice, None),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn reference_followed_by_text_is_found() {
        let entry = credit(
            "T",
            "29.00",
            "<RmtInf><Ustrd>rf02 2026 0000 42 Gebuehr 7</Ustrd></RmtInf>",
        );
        let report = run(&file(&entry), &HashSet::new());
        assert_eq!(reasons(&report), ["matched"]);
        assert_eq!(report.lines[0].reference.as_deref(), Some("RF022026000042"));
    }

    #[test]
    fn batch_entries_take_the_transactions_amounts_and_hash_identities() {
        let tx = |amount: &str, reference: &str| {
            format!(
                "<TxDtls><AmtDtls><TxAmt><Amt Ccy=\"EUR\">{amount}</Amt></TxAmt></AmtDtls>{}</TxDtls>",
                strd(reference)
            )
        };
        let entry = format!(
            "<Ntry><Amt Ccy=\"EUR\">58.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>\
             <BookgDt><DtTm>2026-12-07T09:00:00+01:00</DtTm></BookgDt><AcctSvcrRef>BATCH</AcctSvcrRef>\
             <NtryDtls><TxDtls>{}</TxDtls></NtryDtls><NtryDtls>{}{}</NtryDtls></Ntry>",
            strd(&rf(42)),
            tx("29.00", &rf(42)),
            tx("29.00", &rf(45)),
        );
        let report = run(&file(&entry), &HashSet::new());
        // The first TxDtls has no amount of its own in a batch: malformed.
        assert_eq!(reasons(&report), ["malformed", "matched", "matched"]);
        let ids: HashSet<_> = report.lines.iter().map(|l| l.identity.clone()).collect();
        assert_eq!(
            ids.len(),
            3,
            "each transaction of a batch has its own identity"
        );
        assert!(report.lines[1]
            .identity
            .starts_with(&format!("camt:{IBAN}:h:")));
        assert_eq!(
            report.lines[1].identity.len(),
            format!("camt:{IBAN}:h:").len() + 32
        );
        assert_eq!(report.summary.entries, 1);
        assert_eq!(report.summary.credits, 1);
    }

    #[test]
    fn unreadable_fields_are_malformed_in_rule_order() {
        let base = credit("X", "29.00", &strd(&rf(42)));
        let cases = [
            (base.replace("CRDT", "CRED"), "malformed"),
            (base.replace("<Sts><Cd>BOOK</Cd></Sts>", ""), "not_booked"),
            (
                base.replace("<Sts>", "<RvslInd>yes</RvslInd><Sts>"),
                "malformed",
            ),
            (
                base.replace("<BookgDt><Dt>2026-12-07</Dt></BookgDt>", ""),
                "malformed",
            ),
            (base.replace("2026-12-07", "2026-02-30"), "malformed"),
            (base.replace("29.00", "-29.00"), "malformed"),
            (base.replace("29.00", "29.001"), "malformed"),
            (base.replace(" Ccy=\"EUR\"", ""), "malformed"),
            (
                base.replace("Ccy=\"EUR\"", "Ccy=\"USD\""),
                "currency_mismatch",
            ),
        ];
        for (entry, reason) in cases {
            assert_eq!(
                reasons(&run(&file(&entry), &HashSet::new())),
                [reason],
                "{entry}"
            );
        }
    }

    #[test]
    fn another_account_refuses_the_file() {
        let xml = String::from_utf8(file(""))
            .unwrap()
            .replace(IBAN, "DE02120300000000202051");
        let statement = parse_statement(xml.as_bytes()).unwrap();
        let account = Iban::parse(IBAN).unwrap();
        let invoices = invoices();
        let mut input = MatchInput {
            account: &account,
            check_account: true,
            imported: &HashSet::new(),
            invoices: &invoices,
            open_numbers: &[],
        };
        let error = match_statements(&statement, &input).unwrap_err();
        assert_eq!(error.found.compact(), "DE02120300000000202051");
        input.check_account = false;
        assert!(match_statements(&statement, &input).is_ok());
    }

    #[test]
    fn files_that_are_no_statement_are_refused() {
        assert_eq!(parse_statement(b"\xff\xfe"), Err(CamtError::NotUtf8));
        assert!(matches!(
            parse_statement(b"<Document"),
            Err(CamtError::Xml(_))
        ));
        assert_eq!(
            parse_statement(b"<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.054.001.08\"><BkToCstmrStmt/></Document>"),
            Err(CamtError::NotCamt053)
        );
        assert_eq!(
            parse_statement(b"<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.08\"><BkToCstmrStmt/></Document>"),
            Err(CamtError::NotCamt053)
        );
        let dtd = "<?xml version=\"1.0\"?><!DOCTYPE d [<!ENTITY a \"aaaa\">]>\
                   <Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.08\">&a;</Document>";
        assert_eq!(parse_statement(dtd.as_bytes()), Err(CamtError::Dtd));
        let deep = format!("{}{}", "<a>".repeat(100), "</a>".repeat(100));
        assert_eq!(parse_statement(deep.as_bytes()), Err(CamtError::TooComplex));
        let big = vec![b' '; MAX_FILE_BYTES + 1];
        assert_eq!(
            parse_statement(&big),
            Err(CamtError::TooLarge(MAX_FILE_BYTES + 1))
        );
        let no_iban = String::from_utf8(file("")).unwrap().replace(IBAN, "DE00");
        assert_eq!(
            parse_statement(no_iban.as_bytes()),
            Err(CamtError::NoAccountIban("S1".into()))
        );
    }

    #[test]
    fn dates() {
        assert_eq!(
            Date::parse("2024-02-29").map(|d| d.to_string()),
            Some("2024-02-29".into())
        );
        assert_eq!(Date::parse("2100-02-29"), None);
        assert_eq!(Date::parse("2026-13-01"), None);
        assert_eq!(Date::parse("2026-1-01"), None);
        assert_eq!(Date::parse("2026-12-07T23:59:59Z").map(|d| d.day), Some(7));
        assert_eq!(Date::parse("2026-12-07X"), None);
        assert_eq!(Date::parse("+026-12-07"), None);
    }

    #[test]
    fn candidates_at_every_length() {
        let all: Vec<&str> = rf_candidates("XRF02AB-RF1").collect();
        assert_eq!(all, ["RF02AB", "RF02A"]);
    }

    proptest! {
        #[test]
        fn arbitrary_input_never_panics(text in "\\PC*") {
            let _ = parse_statement(text.as_bytes());
            let _ = Date::parse(&text);
            let _ = rf_candidates(&squeeze(&text)).count();
        }

        #[test]
        fn arbitrary_entries_never_panic(
            amount in "\\PC{0,8}",
            remittance in "[ -~äöü]{0,60}",
            reference in "[ -~]{0,30}",
            date in "[0-9T:-]{0,14}",
        ) {
            let escape = |s: &str| s.replace('&', "&amp;").replace('<', "&lt;");
            let entry = format!(
                "<Ntry><Amt Ccy=\"EUR\">{}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>\
                 <BookgDt><Dt>{date}</Dt></BookgDt><NtryDtls><TxDtls><RmtInf>\
                 <Strd><CdtrRefInf><Ref>{}</Ref></CdtrRefInf></Strd><Ustrd>{}</Ustrd>\
                 </RmtInf></TxDtls></NtryDtls></Ntry>",
                escape(&amount), escape(&reference), escape(&remittance),
            );
            // Whatever the texts, the file stays well-formed (they are escaped).
            let report = run(&file(&entry), &HashSet::new());
            prop_assert_eq!(report.lines.len(), 1);
        }
    }
}
