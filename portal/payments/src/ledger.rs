//! The payments as stored (docs/payments.md §2.5): one row per payment, and the
//! notifications it took. The stored truth is the list of notifications; the payment is
//! their fold ([`crate::apply`] one after the other, in any order: the core guarantees the
//! same result), and the row's `state` is a cache of that fold for lists and the settle job.
//!
//! A notification is applied in one transaction: read the row and its notifications, fold,
//! apply the new one, insert it and move the row's `version` from the value read. A writer
//! that lost the race to another node reads again; a second insert of the same event ID
//! hits the primary key, which is what a duplicate is.
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use vamt_portal_core::sql::{parse_ts, ts};
use vamt_portal_storage::db::Db;
use vamt_portal_storage::secret::{constant_time_eq, random_token};

use crate::fee::Quote;
use crate::money::{Currency, Money, MoneyError};
use crate::payment::{
    apply, Event, EventId, FailReason, Hold, Notification, Outcome, Payment, ProviderRef, RefundId,
    Refusal, State, Status,
};
pub use crate::provider::{AttemptId, PaymentId};

/// A way of paying, as configured and stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Way {
    /// A public-sector payment platform through XBezahldienste.
    Xbezahldienste,
    /// PayPal (Orders v2).
    Paypal,
    /// A PDF invoice paid by bank transfer.
    Invoice,
}

impl Way {
    /// Every way, in the order pages offer them.
    pub const ALL: [Way; 3] = [Way::Xbezahldienste, Way::Paypal, Way::Invoice];

    /// The stored word, also the configuration section's name.
    pub fn word(self) -> &'static str {
        match self {
            Way::Xbezahldienste => "xbezahldienste",
            Way::Paypal => "paypal",
            Way::Invoice => "invoice",
        }
    }

    /// The way of a stored word.
    pub fn parse(word: &str) -> Option<Way> {
        Way::ALL.into_iter().find(|w| w.word() == word)
    }

    /// Whether the money is taken online (a provider with a pay page), so the settle job
    /// asks about it and it can time out.
    pub fn online(self) -> bool {
        !matches!(self, Way::Invoice)
    }
}

/// What brought a notification, for the audit log and the metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Source {
    /// The provider's answer to creating the transaction.
    Create,
    /// The status query the citizen's return triggered.
    Return,
    /// A verified push from the provider.
    Webhook,
    /// The settle job's status query.
    Status,
    /// Our capture (PayPal).
    Capture,
    /// A bank statement line.
    Camt,
    /// An admin or a clerk, by hand.
    Manual,
    /// The settle job gave up.
    Timeout,
}

impl Source {
    /// Every source, for the metrics' labels.
    pub const ALL: [Source; 8] = [
        Source::Create,
        Source::Return,
        Source::Webhook,
        Source::Status,
        Source::Capture,
        Source::Camt,
        Source::Manual,
        Source::Timeout,
    ];

    /// The stored word.
    pub fn word(self) -> &'static str {
        match self {
            Source::Create => "create",
            Source::Return => "return",
            Source::Webhook => "webhook",
            Source::Status => "status",
            Source::Capture => "capture",
            Source::Camt => "camt",
            Source::Manual => "manual",
            Source::Timeout => "timeout",
        }
    }
}

/// Whom a payment is for: an appointment's fees, or a hearing's warning fine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    /// The appointment (booking ID).
    Booking(String),
    /// The hearing case (its ID, not its number).
    Hearing(String),
}

impl Subject {
    /// The ID of the appointment or case.
    pub fn id(&self) -> &str {
        match self {
            Subject::Booking(id) | Subject::Hearing(id) => id,
        }
    }

    /// The appointment, if it is one.
    pub fn booking(&self) -> Option<&str> {
        match self {
            Subject::Booking(id) => Some(id),
            Subject::Hearing(_) => None,
        }
    }

    /// The column that names it.
    fn column(&self) -> &'static str {
        match self {
            Subject::Booking(_) => "booking_id",
            Subject::Hearing(_) => "hearing_case_id",
        }
    }
}

/// A payment as stored: the row, and the fold of its notifications.
#[derive(Debug, Clone)]
pub struct Stored {
    /// Its ID.
    pub id: PaymentId,
    /// Whom it is for.
    pub subject: Subject,
    /// The clerk who asked.
    pub requested_by: Option<i64>,
    /// What is owed, item by item.
    pub quote: Quote,
    /// The ways offered.
    pub ways: Vec<Way>,
    /// The way chosen, once chosen.
    pub way: Option<Way>,
    /// The provider's transaction or order ID.
    pub provider_ref: Option<ProviderRef>,
    /// The provider's capture ID (PayPal), once known.
    pub capture_ref: Option<ProviderRef>,
    /// The idempotency key of the current create call.
    pub attempt_id: Option<AttemptId>,
    /// How the provider says it was paid (`CREDITCARD`, `PAYPAL`, `TRANSFER`).
    pub payment_method: Option<String>,
    /// When it was asked for.
    pub requested_at: DateTime<Utc>,
    /// When it reached a provider.
    pub started_at: Option<DateTime<Utc>>,
    /// When it ended (paid, failed, cancelled).
    pub settled_at: Option<DateTime<Utc>>,
    /// How often the settle job asked.
    pub checks: i64,
    /// The provider's last refusal (its code), for the admin page.
    pub last_error: Option<String>,
    /// The payment, as its notifications leave it.
    pub payment: Payment,
    version: i64,
    return_key_sha256: String,
}

impl Stored {
    /// Where it stands, with refunds and holds.
    pub fn status(&self) -> Status {
        self.payment.status()
    }

    /// What was asked for.
    pub fn amount(&self) -> Money {
        self.quote.total
    }

    /// Whether `key` is this payment's return key (in constant time: the key guards the
    /// return endpoint, which anyone can call).
    pub fn return_key_matches(&self, key: &str) -> bool {
        constant_time_eq(&sha256_hex(key), &self.return_key_sha256)
    }

    /// Whether it has not ended: requested, or at a provider.
    pub fn is_open(&self) -> bool {
        matches!(self.status().state, State::Requested | State::Started)
    }
}

/// What [`notify`] did with a notification.
#[derive(Debug, Clone)]
pub enum Taken {
    /// Applied: the state before and after (they may be equal: a late Started gives only
    /// its reference).
    Applied {
        /// Before.
        from: State,
        /// After.
        to: State,
    },
    /// A refund taken but not counted (yet).
    Held(Hold),
    /// Its event ID was taken before: nothing changed.
    Duplicate,
    /// It does not fit: nothing changed.
    Refused(Refusal),
}

/// Why the ledger could not do something.
#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    /// The database failed.
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    /// No such payment.
    #[error("no such payment")]
    NotFound,
    /// The appointment has a payment that has not ended: a second one would let the
    /// citizen pay the same fee twice, in two tabs.
    #[error("the appointment has an open payment")]
    OpenPaymentExists,
    /// Nothing is owed (a free service asks for no payment).
    #[error("a payment is of more than nothing")]
    NothingOwed,
    /// The way is not one this payment offers, or the payment has moved on.
    #[error("the payment cannot be started that way now")]
    NotStartable,
    /// A stored row no longer reads (a changed database): refused, not guessed.
    #[error("stored payment {0} does not read: {1}")]
    Corrupt(String, String),
    /// Concurrent writers kept winning: try again later.
    #[error("too many concurrent changes")]
    Busy,
}

impl From<MoneyError> for LedgerError {
    fn from(e: MoneyError) -> Self {
        LedgerError::Corrupt(String::new(), e.to_string())
    }
}

fn sha256_hex(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[derive(sqlx::FromRow)]
struct Row {
    id: String,
    booking_id: Option<String>,
    hearing_case_id: Option<String>,
    requested_by: Option<i64>,
    currency: String,
    amount_minor: i64,
    quote_json: String,
    ways: String,
    return_key_sha256: String,
    provider: Option<String>,
    provider_ref: Option<String>,
    capture_ref: Option<String>,
    attempt_id: Option<String>,
    payment_method: Option<String>,
    version: i64,
    requested_at: String,
    started_at: Option<String>,
    settled_at: Option<String>,
    checks: i64,
    last_error: Option<String>,
}

const COLUMNS: &str =
    "id, booking_id, hearing_case_id, requested_by, currency, amount_minor, quote_json, ways, \
     return_key_sha256, provider, provider_ref, capture_ref, attempt_id, payment_method, \
     version, requested_at, started_at, settled_at, checks, last_error";

#[derive(sqlx::FromRow)]
struct NotificationRow {
    event_id: String,
    seq: i64,
    kind: String,
    amount_minor: Option<i64>,
    provider_ref: Option<String>,
    refund_id: Option<String>,
    fail_reason: Option<String>,
}

impl NotificationRow {
    fn into_notification(self, currency: Currency) -> Result<Notification, String> {
        let bad = |what: &str| format!("notification {}: {what}", self.event_id);
        let pref = |r: &Option<String>| {
            r.as_deref()
                .and_then(|t| ProviderRef::new(t).ok())
                .ok_or_else(|| bad("reference"))
        };
        let amount = |m: Option<i64>| {
            m.map(|minor| Money::new(minor, currency))
                .ok_or_else(|| bad("amount"))
        };
        let event = match self.kind.as_str() {
            "started" => Event::Started {
                provider_ref: pref(&self.provider_ref)?,
            },
            "paid" => Event::Paid {
                amount: amount(self.amount_minor)?,
                provider_ref: pref(&self.provider_ref)?,
            },
            "failed" => Event::Failed {
                reason: self
                    .fail_reason
                    .as_deref()
                    .and_then(FailReason::parse)
                    .ok_or_else(|| bad("reason"))?,
            },
            "cancelled" => Event::Cancelled,
            "refunded" => Event::Refunded {
                amount: amount(self.amount_minor)?,
                refund_id: self
                    .refund_id
                    .as_deref()
                    .and_then(|t| RefundId::new(t).ok())
                    .ok_or_else(|| bad("refund"))?,
            },
            _ => return Err(bad("kind")),
        };
        Ok(Notification {
            id: EventId::new(&self.event_id).map_err(|_| bad("id"))?,
            seq: u64::try_from(self.seq).unwrap_or(0),
            event,
        })
    }
}

fn kind_of(event: &Event) -> &'static str {
    match event {
        Event::Started { .. } => "started",
        Event::Paid { .. } => "paid",
        Event::Failed { .. } => "failed",
        Event::Cancelled => "cancelled",
        Event::Refunded { .. } => "refunded",
    }
}

async fn fold<'c, E>(exec: E, row: Row) -> Result<Stored, LedgerError>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    let corrupt = |why: String| LedgerError::Corrupt(row.id.clone(), why);
    let currency = Currency::parse(&row.currency).map_err(|e| corrupt(e.to_string()))?;
    let quote: Quote = serde_json::from_str(&row.quote_json).map_err(|e| corrupt(e.to_string()))?;
    let requested = Money::new(row.amount_minor, currency);
    let mut payment = Payment::request(requested).map_err(|e| corrupt(e.to_string()))?;
    let rows: Vec<NotificationRow> = sqlx::query_as(
        "SELECT event_id, seq, kind, amount_minor, provider_ref, refund_id, fail_reason \
         FROM payment_notifications WHERE payment_id = $1",
    )
    .bind(&row.id)
    .fetch_all(exec)
    .await?;
    for r in rows {
        let n = r.into_notification(currency).map_err(corrupt)?;
        payment = match apply(&payment, &n) {
            Outcome::Applied(p) | Outcome::Held(p, _) => p,
            // A stored notification was taken once; the core's order-independence means it
            // is taken again. Anything else is a changed database.
            Outcome::Duplicate | Outcome::Refused(_) => {
                return Err(corrupt(format!("notification {} no longer applies", n.id)))
            }
        };
    }
    let ways = row.ways.split(',').filter_map(Way::parse).collect();
    Ok(Stored {
        way: row.provider.as_deref().and_then(Way::parse),
        provider_ref: row
            .provider_ref
            .as_deref()
            .and_then(|t| ProviderRef::new(t).ok()),
        capture_ref: row
            .capture_ref
            .as_deref()
            .and_then(|t| ProviderRef::new(t).ok()),
        requested_at: parse_ts(&row.requested_at).unwrap_or_default(),
        started_at: row.started_at.as_deref().and_then(parse_ts),
        settled_at: row.settled_at.as_deref().and_then(parse_ts),
        id: PaymentId::new(&row.id)
            .map_err(|_| LedgerError::Corrupt(row.id.clone(), "id".into()))?,
        subject: match (row.booking_id, row.hearing_case_id) {
            (Some(b), _) => Subject::Booking(b),
            (None, Some(h)) => Subject::Hearing(h),
            (None, None) => return Err(LedgerError::Corrupt(row.id, "subject".into())),
        },
        requested_by: row.requested_by,
        quote,
        ways,
        attempt_id: row
            .attempt_id
            .as_deref()
            .and_then(|a| AttemptId::new(a).ok()),
        payment_method: row.payment_method,
        checks: row.checks,
        last_error: row.last_error,
        payment,
        version: row.version,
        return_key_sha256: row.return_key_sha256,
    })
}

/// Asks for `quote` for `subject`, offering `ways`. Refused while the subject has an open
/// payment.
pub async fn request(
    db: &Db,
    subject: &Subject,
    by: Option<i64>,
    quote: &Quote,
    ways: &[Way],
    now: DateTime<Utc>,
) -> Result<Stored, LedgerError> {
    if !quote.total.is_positive() {
        return Err(LedgerError::NothingOwed);
    }
    let id = PaymentId::generate().as_str().to_owned();
    let ways_text: Vec<&str> = ways.iter().map(|w| w.word()).collect();
    let quote_json = serde_json::to_string(quote)
        .map_err(|e| LedgerError::Corrupt(id.clone(), e.to_string()))?;
    // The column is one of `Subject::column`'s two names.
    let column = subject.column();
    let _turn = db.writer_turn().await;
    let mut tx = db.begin().await?;
    let open: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT COUNT(*) FROM payments WHERE {column} = $1 AND state IN ('requested', 'started')"
    )))
    .bind(subject.id())
    .fetch_one(&mut *tx)
    .await?;
    if open > 0 {
        return Err(LedgerError::OpenPaymentExists);
    }
    let ordinal: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT COALESCE(MAX(ordinal), 0) + 1 FROM payments WHERE {column} = $1"
    )))
    .bind(subject.id())
    .fetch_one(&mut *tx)
    .await?;
    let inserted = sqlx::query(sqlx::AssertSqlSafe(format!(
        "INSERT INTO payments (id, {column}, requested_by, currency, amount_minor, quote_json, \
         ways, return_key_sha256, state, requested_at, next_check_at, ordinal) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
    )))
    .bind(&id)
    .bind(subject.id())
    .bind(by)
    .bind(quote.total.currency.code())
    .bind(quote.total.minor)
    .bind(&quote_json)
    .bind(ways_text.join(","))
    // No key until an attempt begins: nothing can return to a payment never started.
    .bind("")
    .bind(State::Requested.word())
    .bind(ts(now))
    .bind(ts(now + chrono::Duration::minutes(1)))
    .bind(ordinal)
    .execute(&mut *tx)
    .await;
    match inserted {
        Ok(_) => {}
        // The partial unique index: another node asked for the same subject meanwhile.
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            return Err(LedgerError::OpenPaymentExists)
        }
        Err(e) => return Err(e.into()),
    }
    tx.commit().await?;
    get(db, &id).await
}

/// The payment `id`.
pub async fn get(db: &Db, id: &str) -> Result<Stored, LedgerError> {
    let row: Option<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM payments WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(db.pool())
    .await?;
    fold(db.pool(), row.ok_or(LedgerError::NotFound)?).await
}

/// The appointment's latest payment, if any.
pub async fn of_booking(db: &Db, booking: &str) -> Result<Option<Stored>, LedgerError> {
    of_subject(db, &Subject::Booking(booking.to_owned())).await
}

/// The subject's latest payment, if any.
pub async fn of_subject(db: &Db, subject: &Subject) -> Result<Option<Stored>, LedgerError> {
    let column = subject.column();
    let row: Option<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM payments WHERE {column} = $1 ORDER BY ordinal DESC LIMIT 1"
    )))
    .bind(subject.id())
    .fetch_optional(db.pool())
    .await?;
    match row {
        Some(row) => Ok(Some(fold(db.pool(), row).await?)),
        None => Ok(None),
    }
}

/// The payment whose provider reference is `provider_ref` (a PayPal order ID a webhook
/// names).
pub async fn by_provider_ref(
    db: &Db,
    way: Way,
    provider_ref: &str,
) -> Result<Option<Stored>, LedgerError> {
    let row: Option<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM payments WHERE provider = $1 AND (provider_ref = $2 OR capture_ref = $2)"
    )))
    .bind(way.word())
    .bind(provider_ref)
    .fetch_optional(db.pool())
    .await?;
    match row {
        Some(row) => Ok(Some(fold(db.pool(), row).await?)),
        None => Ok(None),
    }
}

/// Chooses `way` for a requested payment and gives it a fresh attempt ID (the idempotency
/// key of the create call about to be made) and a fresh return key, returned here once
/// for the return URLs and stored only as its SHA-256. Refused for a way not offered, or a
/// payment that is no longer merely requested.
pub async fn begin_attempt(db: &Db, id: &str, way: Way) -> Result<(Stored, String), LedgerError> {
    let stored = get(db, id).await?;
    if !stored.ways.contains(&way) || stored.status().state != State::Requested {
        return Err(LedgerError::NotStartable);
    }
    let attempt = AttemptId::generate();
    let key = random_token(32);
    let moved = sqlx::query(
        "UPDATE payments SET provider = $1, attempt_id = $2, return_key_sha256 = $5, \
         version = version + 1 WHERE id = $3 AND version = $4 AND state = 'requested'",
    )
    .bind(way.word())
    .bind(attempt.as_str())
    .bind(id)
    .bind(stored.version)
    .bind(sha256_hex(&key))
    .execute(db.pool())
    .await?
    .rows_affected();
    if moved == 0 {
        return Err(LedgerError::Busy);
    }
    Ok((get(db, id).await?, key))
}

/// Stores what the provider needs to be asked again (its transaction/order ID, the
/// capture's), and how it was paid when it says so.
pub async fn set_handle(
    db: &Db,
    id: &str,
    provider_ref: Option<&ProviderRef>,
    capture_ref: Option<&ProviderRef>,
    payment_method: Option<&str>,
) -> Result<(), LedgerError> {
    sqlx::query(
        "UPDATE payments SET provider_ref = COALESCE($1, provider_ref), \
         capture_ref = COALESCE($2, capture_ref), payment_method = COALESCE($3, payment_method) \
         WHERE id = $4",
    )
    .bind(provider_ref.map(ProviderRef::as_str))
    .bind(capture_ref.map(ProviderRef::as_str))
    .bind(payment_method)
    .bind(id)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// Records the provider's refusal (its code) for the admin page; `None` clears it.
pub async fn set_last_error(db: &Db, id: &str, error: Option<&str>) -> Result<(), LedgerError> {
    sqlx::query("UPDATE payments SET last_error = $1 WHERE id = $2")
        .bind(error)
        .bind(id)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Applies `n` to payment `id`, from `source` (`envelope`: the provider's message ID, kept
/// for the audit). Idempotent: a notification whose event ID the payment took is a
/// duplicate, whatever the order or the node it arrives at.
pub async fn notify(
    db: &Db,
    id: &str,
    n: &Notification,
    source: Source,
    envelope: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(Taken, Stored), LedgerError> {
    for _ in 0..5 {
        let stored = get(db, id).await?;
        let from = stored.status().state;
        let (taken, payment) = match apply(&stored.payment, n) {
            Outcome::Duplicate => return Ok((Taken::Duplicate, stored)),
            Outcome::Refused(r) => return Ok((Taken::Refused(r), stored)),
            Outcome::Applied(p) => {
                let to = p.status().state;
                (Taken::Applied { from, to }, p)
            }
            Outcome::Held(p, hold) => (Taken::Held(hold), p),
        };
        let status = payment.status();
        let (amount, provider_ref, refund_id, reason) = match &n.event {
            Event::Started { provider_ref } => (None, Some(provider_ref.as_str()), None, None),
            Event::Paid {
                amount,
                provider_ref,
            } => (Some(amount.minor), Some(provider_ref.as_str()), None, None),
            Event::Failed { reason } => (None, None, None, Some(reason.word())),
            Event::Cancelled => (None, None, None, None),
            Event::Refunded { amount, refund_id } => {
                (Some(amount.minor), None, Some(refund_id.as_str()), None)
            }
        };
        let _turn = db.writer_turn().await;
        let mut tx = db.begin().await?;
        let inserted = sqlx::query(
            "INSERT INTO payment_notifications (payment_id, event_id, seq, kind, amount_minor, \
             provider_ref, refund_id, fail_reason, outcome, source, envelope_id, received_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(id)
        .bind(n.id.as_str())
        .bind(i64::try_from(n.seq).unwrap_or(i64::MAX))
        .bind(kind_of(&n.event))
        .bind(amount)
        .bind(provider_ref)
        .bind(refund_id)
        .bind(reason)
        .bind(if matches!(taken, Taken::Held(_)) {
            "held"
        } else {
            "applied"
        })
        .bind(source.word())
        .bind(envelope)
        .bind(ts(now))
        .execute(&mut *tx)
        .await;
        match inserted {
            Ok(_) => {}
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                // Taken by another writer between our read and this insert.
                return Ok((Taken::Duplicate, get(db, id).await?));
            }
            Err(e) => return Err(e.into()),
        }
        let ended = matches!(
            status.state,
            State::Paid
                | State::Failed
                | State::Cancelled
                | State::PartiallyRefunded
                | State::Refunded
        );
        let moved = sqlx::query(
            "UPDATE payments SET state = $1, refunded_minor = $2, failure = $3, \
             provider_ref = COALESCE(provider_ref, $4), \
             started_at = CASE WHEN $5 = 1 AND started_at IS NULL THEN $6 ELSE started_at END, \
             settled_at = CASE WHEN $7 = 1 AND settled_at IS NULL THEN $6 ELSE settled_at END, \
             version = version + 1 WHERE id = $8 AND version = $9",
        )
        .bind(status.state.word())
        .bind(status.refunded.minor)
        .bind(status.failure.map(FailReason::word))
        .bind(status.provider_ref.as_ref().map(ProviderRef::as_str))
        .bind(i64::from(status.state != State::Requested))
        .bind(ts(now))
        .bind(i64::from(ended))
        .bind(id)
        .bind(stored.version)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if moved == 0 {
            tx.rollback().await?;
            continue;
        }
        tx.commit().await?;
        return Ok((taken, get(db, id).await?));
    }
    Err(LedgerError::Busy)
}

/// Open online payments whose next check is due, claimed for `claim_for` so that two nodes
/// do not ask about the same payment at once (§3.5). Also failed or expired online
/// payments within `recheck_until` of being requested, every six hours, since a provider
/// may still report the money taken.
pub async fn due(
    db: &Db,
    now: DateTime<Utc>,
    claim_for: chrono::Duration,
    limit: i64,
) -> Result<Vec<Stored>, LedgerError> {
    let ids: Vec<String> = sqlx::query_scalar(
        "SELECT id FROM payments WHERE state IN ('requested', 'started', 'failed') \
         AND next_check_at IS NOT NULL AND next_check_at <= $1 ORDER BY next_check_at LIMIT $2",
    )
    .bind(ts(now))
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    let mut claimed = Vec::new();
    for id in ids {
        let moved = sqlx::query(
            "UPDATE payments SET next_check_at = $1 WHERE id = $2 AND next_check_at <= $3",
        )
        .bind(ts(now + claim_for))
        .bind(&id)
        .bind(ts(now))
        .execute(db.pool())
        .await?
        .rows_affected();
        if moved == 1 {
            claimed.push(get(db, &id).await?);
        }
    }
    Ok(claimed)
}

/// Sets when the settle job asks next (`None`: never again), counting the check.
pub async fn schedule(
    db: &Db,
    id: &str,
    next: Option<DateTime<Utc>>,
    counted: bool,
) -> Result<(), LedgerError> {
    sqlx::query("UPDATE payments SET next_check_at = $1, checks = checks + $2 WHERE id = $3")
        .bind(next.map(ts))
        .bind(i64::from(counted))
        .bind(id)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Payments requested in `[from, to)`, newest first, at most `limit`.
pub async fn between(
    db: &Db,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<Stored>, LedgerError> {
    let rows: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM payments WHERE requested_at >= $1 AND requested_at < $2 \
         ORDER BY requested_at DESC LIMIT $3"
    )))
    .bind(ts(from))
    .bind(ts(to))
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        out.push(fold(db.pool(), row).await?);
    }
    Ok(out)
}

/// Open payments by way and state, for the gauge.
pub async fn open_counts(db: &Db) -> Result<Vec<(Option<String>, String, i64)>, LedgerError> {
    Ok(sqlx::query_as(
        "SELECT provider, state, COUNT(*) FROM payments \
         WHERE state IN ('requested', 'started') GROUP BY provider, state",
    )
    .fetch_all(db.pool())
    .await?)
}
