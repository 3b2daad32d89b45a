//! The office's cash desk: what happens to a payment between the clerk's request and the
//! money's arrival (docs/payments.md §1.1). It asks the ledger, calls the configured
//! providers, and gives every notification to the core through the ledger, so that the
//! return, a webhook and the settle job may all report the same fact without harm.
//!
//! It knows no HTTP server and no case record: the web crate turns requests into these
//! calls, and an [`Observer`] it installs writes each step into the case's audit log and
//! tells the call's room that the payment changed.
use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use chrono::{DateTime, Duration, Utc};
use vamt_portal_core::Clock;
use vamt_portal_storage::db::Db;
use vamt_portal_storage::secret::random_token;

use crate::camt;
use crate::fee::{FeeError, Quote};
use crate::invoice::{self, Invoice, InvoiceSettings};
use crate::ledger::{self, LedgerError, Source, Stored, Subject, Taken, Way};
use crate::metrics::PaymentMetrics;
use crate::money::{Currency, Money};
use crate::payment::{Event, EventId, FailReason, Notification, ProviderRef, RefundId, State};
use crate::price_list::PriceListError;
use crate::provider::{
    CreateRequest, Handle, Inbound, Provider, ProviderError, RefundKey, Rejected,
};

/// What the cash desk is told at start.
#[derive(Debug, Clone)]
pub struct CashSettings {
    /// The catalogue's currency.
    pub currency: Currency,
    /// How long an online payment may stay requested or started before the settle job
    /// times it out (§3.5).
    pub settle_after: Duration,
    /// How long failed online payments are asked about again (every six hours).
    pub recheck_for: Duration,
    /// The portal's public URL (`https://termine.example.de`), for the return links.
    pub public_url: String,
    /// Invoices, when offered.
    pub invoice: Option<InvoiceSettings>,
    /// The office's time zone: an invoice's date and the year its number counts in.
    pub timezone: chrono_tz::Tz,
}

/// Where the citizen's choice leads.
#[derive(Debug, Clone)]
pub enum Begun {
    /// To the provider's pay page.
    PayPage(String),
    /// To an invoice (to render, mail and put into the case).
    Invoice(Invoice),
}

/// One step of a payment, as the case's audit log records it: words, IDs and amounts,
/// never a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Record {
    /// The clerk asked for payment.
    Requested {
        /// The payment.
        payment: String,
        /// `29.00 EUR`.
        amount: String,
        /// The ways offered.
        ways: Vec<&'static str>,
        /// The clerk who asked.
        by: Option<i64>,
    },
    /// The citizen chose a way and the provider opened a transaction.
    Started {
        /// The payment.
        payment: String,
        /// The provider.
        provider: &'static str,
        /// Its reference.
        provider_ref: String,
    },
    /// A notification moved the payment (or gave a refund that counts).
    Changed {
        /// The payment.
        payment: String,
        /// Before.
        from: State,
        /// After.
        to: State,
        /// What brought it.
        source: Source,
        /// The provider's fact.
        event_id: String,
    },
    /// An admin gave money back (or recorded a refund made elsewhere).
    RefundRequested {
        /// The payment.
        payment: String,
        /// `16.00 EUR`.
        amount: String,
        /// The admin's reason (the form says it is shown to the payer and kept).
        reason: String,
        /// The admin.
        by: i64,
    },
    /// A notification did not fit and changed nothing.
    Refused {
        /// The payment.
        payment: String,
        /// The provider's fact.
        event_id: String,
        /// Why (the core's words).
        refusal: String,
    },
}

impl Record {
    /// Who did it, as the audit log names actors: the clerk for a request, else the
    /// office (a provider's word, taken by the portal).
    pub fn actor(&self) -> String {
        match self {
            Record::Requested { by: Some(id), .. } => format!("clerk:{id}"),
            Record::RefundRequested { by, .. } => format!("clerk:{by}"),
            _ => "system".to_owned(),
        }
    }

    /// The audit log's event word.
    pub fn event_word(&self) -> &'static str {
        match self {
            Record::Requested { .. } => "payment_requested",
            Record::Started { .. } => "payment_started",
            Record::Changed { .. } => "payment_state",
            Record::Refused { .. } => "payment_refused",
            Record::RefundRequested { .. } => "refund_requested",
        }
    }

    /// The audit entry's detail.
    pub fn detail(&self) -> serde_json::Value {
        match self {
            Record::Requested {
                payment,
                amount,
                ways,
                by: _,
            } => serde_json::json!({ "payment": payment, "amount": amount, "ways": ways }),
            Record::Started {
                payment,
                provider,
                provider_ref,
            } => serde_json::json!({
                "payment": payment, "provider": provider, "provider_ref": provider_ref,
            }),
            Record::Changed {
                payment,
                from,
                to,
                source,
                event_id,
            } => serde_json::json!({
                "payment": payment, "from": from.word(), "to": to.word(),
                "source": source.word(), "event_id": event_id,
            }),
            Record::Refused {
                payment,
                event_id,
                refusal,
            } => {
                serde_json::json!({ "payment": payment, "event_id": event_id, "refusal": refusal })
            }
            Record::RefundRequested {
                payment,
                amount,
                reason,
                by: _,
            } => serde_json::json!({ "payment": payment, "amount": amount, "reason": reason }),
        }
    }
}

/// Told of every step of a payment of `booking`: the web crate writes it into the case's
/// audit log and tells the call's room.
#[async_trait::async_trait]
pub trait Observer: Send + Sync {
    /// `record` happened to a payment for `subject`.
    async fn record(&self, subject: &Subject, record: &Record);
}

/// Why the cash desk could not do something.
#[derive(Debug, thiserror::Error)]
pub enum CashError {
    /// The ledger failed.
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    /// The quote could not be made (an unknown option, too many copies).
    #[error("fee: {0}")]
    Fee(#[from] FeeError),
    /// The catalogue's fees could not be read.
    #[error(transparent)]
    PriceList(#[from] PriceListError),
    /// The provider did not give an answer to use.
    #[error(transparent)]
    Provider(#[from] ProviderError),
    /// That way of paying is not configured.
    #[error("way of paying not offered")]
    NotOffered,
    /// The return key does not fit the payment.
    #[error("wrong return key")]
    BadKey,
    /// A pushed notification was refused before the core.
    #[error("notification rejected: {0}")]
    Rejected(#[from] Rejected),
    /// A refund that cannot be made as asked.
    #[error("refund: {0}")]
    Refund(RefundError),
    /// A bank statement that cannot be read.
    #[error("statement: {0}")]
    Statement(camt::CamtError),
    /// A bank statement of another account.
    #[error(transparent)]
    Account(camt::AccountMismatch),
}

/// Why a refund was refused before anything was given back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RefundError {
    /// Only a paid payment is refunded.
    #[error("the payment is not paid")]
    NotPaid,
    /// More than nothing and at most what is left unrefunded.
    #[error("the amount is more than is left, or nothing")]
    Amount,
    /// A reason is required (1 to 255 characters): it is shown in the audit log.
    #[error("a reason is required")]
    Reason,
    /// The provider has no refund operation: name the refund made in its back office.
    #[error("the refund's reference at the platform or bank is required")]
    ReferenceNeeded,
}

/// The cash desk.
pub struct Cashier {
    db: Db,
    settings: CashSettings,
    providers: BTreeMap<Way, Arc<dyn Provider>>,
    /// The counters.
    pub metrics: PaymentMetrics,
    clock: Clock,
    observer: OnceLock<Arc<dyn Observer>>,
}

/// What the citizen's language adds to a create call.
#[derive(Debug, Clone)]
pub struct StartTexts {
    /// Each quote item's name, in the quote's order.
    pub item_names: Vec<String>,
    /// Short booking text (`Gebuehr BK-7Q2M`).
    pub purpose: String,
    /// The lines as one text.
    pub description: String,
    /// `de-DE`.
    pub locale: String,
}

/// The settle job's schedule: asked 1, 2, 5, 10, 15 and 30 minutes after the request,
/// then every 30 minutes (§3.5). Most pay pages end in minutes; a provider that was down
/// is asked again soon, and a forgotten tab costs a query per half hour.
const CHECK_AFTER_MINUTES: [i64; 6] = [1, 2, 5, 10, 15, 30];

/// Failed online payments are asked again this often while `recheck_for` lasts.
const RECHECK_EVERY_HOURS: i64 = 6;

fn taken_word(taken: &Taken) -> &'static str {
    match taken {
        Taken::Applied { .. } => "applied",
        Taken::Held(_) => "held",
        Taken::Duplicate => "duplicate",
        Taken::Refused(_) => "refused",
    }
}

fn micros(at: DateTime<Utc>) -> u64 {
    u64::try_from(at.timestamp_micros()).unwrap_or(0)
}

impl Cashier {
    /// The desk over `db` with `providers` (the configured online ways), its counters
    /// registered in `registry`.
    pub fn new(
        db: Db,
        settings: CashSettings,
        providers: BTreeMap<Way, Arc<dyn Provider>>,
        registry: &prometheus::Registry,
        clock: Clock,
    ) -> Result<Cashier, prometheus::Error> {
        Ok(Cashier {
            db,
            settings,
            providers,
            metrics: PaymentMetrics::new(registry)?,
            clock,
            observer: OnceLock::new(),
        })
    }

    /// Installs the observer (once; the web crate does it when it assembles the portal).
    pub fn observe(&self, observer: Arc<dyn Observer>) {
        let _ = self.observer.set(observer);
    }

    /// The ways configured, in the order pages offer them.
    pub fn ways(&self) -> Vec<Way> {
        let mut ways: Vec<Way> = self.providers.keys().copied().collect();
        if self.settings.invoice.is_some() {
            ways.push(Way::Invoice);
        }
        ways
    }

    /// The invoice settings, when invoices are offered.
    pub fn invoice_settings(&self) -> Option<&InvoiceSettings> {
        self.settings.invoice.as_ref()
    }

    /// The currency fees are in.
    pub fn currency(&self) -> Currency {
        self.settings.currency
    }

    async fn record(&self, subject: &Subject, record: Record) {
        if let Some(o) = self.observer.get() {
            o.record(subject, &record).await;
        }
    }

    fn provider(&self, way: Option<Way>) -> Result<(Way, &Arc<dyn Provider>), CashError> {
        let way = way.ok_or(CashError::NotOffered)?;
        let p = self.providers.get(&way).ok_or(CashError::NotOffered)?;
        Ok((way, p))
    }

    fn count_call<T>(&self, way: Way, operation: &str, result: &Result<T, ProviderError>) {
        let outcome = match result {
            Ok(_) => "ok",
            Err(e) => e.kind(),
        };
        self.metrics
            .provider_requests
            .with_label_values(&[way.word(), operation, outcome])
            .inc();
    }

    /// Asks for `quote` for `subject` (by clerk `by`), offering `ways` (those configured if
    /// empty). Refused while the subject has an open payment.
    pub async fn request(
        &self,
        subject: &Subject,
        by: Option<i64>,
        quote: &Quote,
        ways: &[Way],
    ) -> Result<Stored, CashError> {
        let offered: Vec<Way> = if ways.is_empty() {
            self.ways()
        } else {
            ways.to_vec()
        };
        let configured = self.ways();
        if offered.is_empty() || offered.iter().any(|w| !configured.contains(w)) {
            return Err(CashError::NotOffered);
        }
        let stored =
            ledger::request(&self.db, subject, by, quote, &offered, (self.clock)()).await?;
        self.metrics.requested.inc();
        self.record(
            subject,
            Record::Requested {
                payment: stored.id.to_string(),
                amount: quote.total.to_string(),
                ways: offered.iter().map(|w| w.word()).collect(),
                by,
            },
        )
        .await;
        Ok(stored)
    }

    /// The citizen chose `way`: opens the transaction at the provider and returns the pay
    /// page to send them to, or issues the invoice. A provider that does not answer leaves
    /// the payment requested, so the citizen can try again.
    pub async fn start(&self, id: &str, way: Way, texts: &StartTexts) -> Result<Begun, CashError> {
        if way == Way::Invoice {
            return self.issue_invoice(id).await.map(Begun::Invoice);
        }
        let (way, provider) = self.provider(Some(way))?;
        let (stored, key) = ledger::begin_attempt(&self.db, id, way).await?;
        let attempt = stored
            .attempt_id
            .clone()
            .ok_or(CashError::Ledger(LedgerError::Busy))?;
        let base = self.settings.public_url.trim_end_matches('/');
        let return_url = format!("{base}/pay/return/{id}?k={key}");
        let cancel_url = format!("{base}/pay/cancel/{id}?k={key}");
        let req = CreateRequest {
            payment: &stored.id,
            attempt: &attempt,
            quote: &stored.quote,
            item_names: &texts.item_names,
            purpose: &texts.purpose,
            description: &texts.description,
            return_url: &return_url,
            cancel_url: &cancel_url,
            locale: &texts.locale,
        };
        let created = provider.create(&req).await;
        self.count_call(way, "create", &created);
        let created = match created {
            Ok(c) => c,
            Err(e) => {
                if let ProviderError::Refused { code, .. } = &e {
                    ledger::set_last_error(&self.db, id, Some(code)).await?;
                }
                return Err(e.into());
            }
        };
        ledger::set_handle(
            &self.db,
            id,
            Some(&created.handle.provider_ref),
            created.handle.capture_ref.as_ref(),
            None,
        )
        .await?;
        self.metrics.started.with_label_values(&[way.word()]).inc();
        self.record(
            &stored.subject,
            Record::Started {
                payment: id.to_owned(),
                provider: way.word(),
                provider_ref: created.handle.provider_ref.to_string(),
            },
        )
        .await;
        self.take(&stored, way, &[created.started], Source::Create, None)
            .await?;
        Ok(Begun::PayPage(created.redirect.to_string()))
    }

    /// Issues the invoice of a requested payment (the citizen's or the clerk's choice) and
    /// records it as started with the invoice number as its reference.
    pub async fn issue_invoice(&self, id: &str) -> Result<Invoice, CashError> {
        let settings = self
            .settings
            .invoice
            .as_ref()
            .ok_or(CashError::NotOffered)?;
        if let Some(existing) = invoice::of_payment(&self.db, id).await? {
            return Ok(existing);
        }
        let (stored, _key) = ledger::begin_attempt(&self.db, id, Way::Invoice).await?;
        let today = (self.clock)()
            .with_timezone(&self.settings.timezone)
            .date_naive();
        let issued = invoice::issue(&self.db, &stored, settings, today).await?;
        let bad = || CashError::Ledger(LedgerError::Corrupt(id.into(), "invoice number".into()));
        let provider_ref = ProviderRef::new(&issued.number).map_err(|_| bad())?;
        ledger::set_handle(&self.db, id, Some(&provider_ref), None, Some("TRANSFER")).await?;
        self.metrics
            .started
            .with_label_values(&[Way::Invoice.word()])
            .inc();
        self.record(
            &stored.subject,
            Record::Started {
                payment: id.to_owned(),
                provider: Way::Invoice.word(),
                provider_ref: issued.number.clone(),
            },
        )
        .await;
        let started = Notification {
            id: EventId::new(&format!("inv:{}:issued", issued.number)).map_err(|_| bad())?,
            seq: 0,
            event: Event::Started { provider_ref },
        };
        self.take(&stored, Way::Invoice, &[started], Source::Create, None)
            .await?;
        Ok(issued)
    }

    /// An admin gives back `amount` of a paid payment, for `reason`. Where the provider's API
    /// refunds (PayPal), it is asked, with a refund key stored first so that a retry after a
    /// crash refunds once; where it does not (XBezahldienste, invoices), `reference` names
    /// the refund made in the platform's back office or by the treasury, and it is recorded.
    pub async fn refund(
        &self,
        id: &str,
        amount: Money,
        reason: &str,
        reference: Option<&str>,
        admin: i64,
    ) -> Result<Stored, CashError> {
        let stored = ledger::get(&self.db, id).await?;
        let status = stored.status();
        let paid = matches!(status.state, State::Paid | State::PartiallyRefunded);
        let left = stored
            .amount()
            .checked_sub(status.refunded)
            .map_err(|_| CashError::Refund(RefundError::Amount))?;
        if !paid {
            return Err(CashError::Refund(RefundError::NotPaid));
        }
        if !amount.is_positive() || amount.currency != left.currency || amount.minor > left.minor {
            return Err(CashError::Refund(RefundError::Amount));
        }
        let reason = reason.trim();
        if reason.is_empty() || reason.chars().count() > 255 {
            return Err(CashError::Refund(RefundError::Reason));
        }
        let way = stored.way.unwrap_or(Way::Invoice);
        let now = (self.clock)();
        let key = RefundKey::generate();
        sqlx::query(
            "INSERT INTO payment_refunds (id, payment_id, amount_minor, reason, requested_by, \
             requested_at, outcome) VALUES ($1, $2, $3, $4, $5, $6, 'requested')",
        )
        .bind(key.as_str())
        .bind(id)
        .bind(amount.minor)
        .bind(reason)
        .bind(admin)
        .bind(vamt_portal_core::sql::ts(now))
        .execute(self.db.pool())
        .await
        .map_err(LedgerError::from)?;
        let provider = stored
            .way
            .filter(|w| w.online())
            .and_then(|w| self.providers.get(&w));
        let said = match (provider, Self::handle(&stored)) {
            (Some(p), Some(handle)) => {
                let r = p.refund(&handle, amount, reason, &key).await;
                self.count_call(way, "refund", &r);
                match r {
                    Ok(n) => Some(n),
                    Err(ProviderError::Unsupported) => None,
                    Err(e) => return Err(e.into()),
                }
            }
            _ => None,
        };
        let (notifications, outcome) = match said {
            Some(n) => {
                let outcome = if n.is_empty() { "pending" } else { "completed" };
                (n, outcome)
            }
            None => {
                let reference = reference
                    .map(|r| r.split_whitespace().collect::<String>())
                    .filter(|r| !r.is_empty())
                    .ok_or(CashError::Refund(RefundError::ReferenceNeeded))?;
                let refund_id = RefundId::new(&reference)
                    .map_err(|_| CashError::Refund(RefundError::ReferenceNeeded))?;
                let n = Notification {
                    id: EventId::new(&format!("manual:refund:{reference}"))
                        .map_err(|_| CashError::Refund(RefundError::ReferenceNeeded))?,
                    seq: micros(now),
                    event: Event::Refunded { amount, refund_id },
                };
                (vec![n], "manual")
            }
        };
        sqlx::query("UPDATE payment_refunds SET outcome = $1 WHERE id = $2")
            .bind(outcome)
            .bind(key.as_str())
            .execute(self.db.pool())
            .await
            .map_err(LedgerError::from)?;
        self.metrics
            .refunds
            .with_label_values(&[way.word(), outcome])
            .inc();
        self.record(
            &stored.subject,
            Record::RefundRequested {
                payment: id.to_owned(),
                amount: amount.to_string(),
                reason: reason.to_owned(),
                by: admin,
            },
        )
        .await;
        let source = if outcome == "manual" {
            Source::Manual
        } else {
            Source::Capture
        };
        self.take(&stored, way, &notifications, source, None).await
    }

    /// Imports a bank statement (CAMT.053): every line that matches an open invoice by its
    /// RF reference and amount pays it, through the ledger, with the line's identity as the
    /// event ID (a statement imported twice pays nothing twice). Returns the matcher's report,
    /// with lines that lost a race to another payment marked `already_paid`.
    pub async fn import_statement(&self, xml: &[u8]) -> Result<camt::Report, CashError> {
        let settings = self
            .settings
            .invoice
            .as_ref()
            .ok_or(CashError::NotOffered)?;
        let file = camt::parse_statement(xml).map_err(CashError::Statement)?;
        let rows: Vec<(String, String, String, i64, String, String)> = sqlx::query_as(
            "SELECT reference, number, payment_id, amount_minor, currency, state FROM invoices",
        )
        .fetch_all(self.db.pool())
        .await
        .map_err(LedgerError::from)?;
        let mut invoices = std::collections::HashMap::new();
        let mut payment_of = std::collections::HashMap::new();
        for (reference, number, payment, amount, currency, state) in rows {
            let Ok(currency) = Currency::parse(&currency) else {
                continue;
            };
            let state = match state.as_str() {
                "paid" => camt::InvoiceState::Paid,
                "cancelled" => camt::InvoiceState::Cancelled,
                _ => camt::InvoiceState::Open,
            };
            payment_of.insert(reference.clone(), payment);
            invoices.insert(
                reference,
                camt::InvoiceInfo {
                    number,
                    state,
                    amount: Money::new(amount, currency),
                },
            );
        }
        let imported: std::collections::HashSet<String> =
            sqlx::query_scalar("SELECT event_id FROM payment_notifications WHERE source = 'camt'")
                .fetch_all(self.db.pool())
                .await
                .map_err(LedgerError::from)?
                .into_iter()
                .collect();
        let open = invoice::open_numbers(&self.db).await?;
        let mut report = camt::match_statements(
            &file,
            &camt::MatchInput {
                account: settings.beneficiary.iban(),
                check_account: true,
                imported: &imported,
                invoices: &invoices,
                open_numbers: &open,
            },
        )
        .map_err(CashError::Account)?;
        for line in &mut report.lines {
            let camt::MatchOutcome::Matched {
                invoice,
                amount,
                identity,
                provider_ref,
                booking_date,
                ..
            } = &line.outcome
            else {
                self.metrics
                    .statement_lines
                    .with_label_values(&[match &line.outcome {
                        camt::MatchOutcome::Unmatched { reason, .. } => reason.code(),
                        camt::MatchOutcome::Matched { .. } => "matched",
                    }])
                    .inc();
                continue;
            };
            let Some(payment) = payment_of.get(invoice.compact()) else {
                continue;
            };
            let booked = chrono::NaiveDate::from_ymd_opt(
                i32::from(booking_date.year),
                u32::from(booking_date.month),
                u32::from(booking_date.day),
            )
            .and_then(|d| d.and_hms_opt(12, 0, 0))
            .map_or_else(|| (self.clock)(), |d| d.and_utc());
            let taken = self
                .statement_paid(payment, identity, *amount, provider_ref, booked)
                .await?;
            let code = match taken {
                Taken::Applied { .. } | Taken::Held(_) => "matched",
                Taken::Duplicate => "duplicate",
                Taken::Refused(_) => "already_paid",
            };
            self.metrics
                .statement_lines
                .with_label_values(&[code])
                .inc();
            if code != "matched" {
                line.outcome = camt::MatchOutcome::Unmatched {
                    reason: if code == "duplicate" {
                        camt::UnmatchedReason::Duplicate
                    } else {
                        camt::UnmatchedReason::AlreadyPaid
                    },
                    suggested_invoice: None,
                    returned_invoice: None,
                    expected: None,
                };
            }
        }
        Ok(report)
    }

    /// An admin marks a payment paid by hand (an invoice paid at the counter, or found on
    /// a statement by eye): the amount is the one asked for, the reference names the admin.
    pub async fn mark_paid(&self, id: &str, admin: i64) -> Result<Stored, CashError> {
        let stored = ledger::get(&self.db, id).await?;
        let way = stored.way.unwrap_or(Way::Invoice);
        let now = (self.clock)();
        let bad = || CashError::Ledger(LedgerError::NotFound);
        let n = Notification {
            id: EventId::new(&format!("manual:paid:{}", random_token(12))).map_err(|_| bad())?,
            seq: micros(now),
            event: Event::Paid {
                amount: stored.amount(),
                provider_ref: ProviderRef::new(&format!("manual:{admin}")).map_err(|_| bad())?,
            },
        };
        let after = self.take(&stored, way, &[n], Source::Manual, None).await?;
        if after.status().state == State::Paid {
            invoice::set_state(&self.db, id, invoice::InvoiceState::Paid).await?;
        }
        Ok(after)
    }

    /// Applies a bank statement line that matched an invoice (CAMT.053). `identity` is the
    /// line's, used as the event ID, so a statement imported twice changes nothing.
    pub async fn statement_paid(
        &self,
        id: &str,
        identity: &str,
        amount: Money,
        bank_ref: &str,
        booked: DateTime<Utc>,
    ) -> Result<Taken, CashError> {
        let stored = ledger::get(&self.db, id).await?;
        let bad = || CashError::Ledger(LedgerError::NotFound);
        let n = Notification {
            id: EventId::new(identity).map_err(|_| bad())?,
            seq: micros(booked),
            event: Event::Paid {
                amount,
                provider_ref: ProviderRef::new(bank_ref).map_err(|_| bad())?,
            },
        };
        let now = (self.clock)();
        let (taken, _) = ledger::notify(&self.db, id, &n, Source::Camt, None, now).await?;
        self.metrics
            .notifications
            .with_label_values(&[Way::Invoice.word(), Source::Camt.word(), taken_word(&taken)])
            .inc();
        if let Taken::Applied { from, to } = &taken {
            self.metrics
                .transitions
                .with_label_values(&[Way::Invoice.word(), to.word()])
                .inc();
            self.record(
                &stored.subject,
                Record::Changed {
                    payment: id.to_owned(),
                    from: *from,
                    to: *to,
                    source: Source::Camt,
                    event_id: identity.to_owned(),
                },
            )
            .await;
            invoice::set_state(&self.db, id, invoice::InvoiceState::Paid).await?;
        }
        Ok(taken)
    }

    /// Gives `notifications` to the payment, one by one, recording each change.
    async fn take(
        &self,
        stored: &Stored,
        way: Way,
        notifications: &[Notification],
        source: Source,
        envelope: Option<&str>,
    ) -> Result<Stored, CashError> {
        let now = (self.clock)();
        let id = stored.id.as_str();
        let mut latest = None;
        for n in notifications {
            let (taken, after) = ledger::notify(&self.db, id, n, source, envelope, now).await?;
            let outcome = taken_word(&taken);
            self.metrics
                .notifications
                .with_label_values(&[way.word(), source.word(), outcome])
                .inc();
            match taken {
                // A refund is a change even where the state stays (a second partial one).
                Taken::Applied { from, to }
                    if from != to || matches!(n.event, Event::Refunded { .. }) =>
                {
                    self.metrics
                        .transitions
                        .with_label_values(&[way.word(), to.word()])
                        .inc();
                    self.record(
                        &stored.subject,
                        Record::Changed {
                            payment: id.to_owned(),
                            from,
                            to,
                            source,
                            event_id: n.id.to_string(),
                        },
                    )
                    .await;
                }
                Taken::Refused(r) => {
                    tracing::warn!(payment = id, event = %n.id, refusal = %r, "payment notification refused");
                    self.record(
                        &stored.subject,
                        Record::Refused {
                            payment: id.to_owned(),
                            event_id: n.id.to_string(),
                            refusal: r.to_string(),
                        },
                    )
                    .await;
                }
                _ => {}
            }
            latest = Some(after);
        }
        match latest {
            Some(s) => Ok(s),
            None => Ok(ledger::get(&self.db, id).await?),
        }
    }

    fn handle(stored: &Stored) -> Option<Handle> {
        Some(Handle {
            provider_ref: stored.provider_ref.clone()?,
            capture_ref: stored
                .capture_ref
                .clone()
                .or_else(|| stored.status().paid_ref),
        })
    }

    /// The citizen came back from the provider's page (`cancelled`: by its cancel link).
    /// Nothing of the request is believed: the key only lets it ask the provider, over our
    /// own authenticated connection, and apply what the provider says.
    pub async fn came_back(
        &self,
        id: &str,
        key: &str,
        cancelled: bool,
    ) -> Result<Stored, CashError> {
        let stored = ledger::get(&self.db, id).await?;
        if !stored.return_key_matches(key) {
            let way = stored.way.map_or("none", Way::word);
            self.metrics
                .signature_failures
                .with_label_values(&[way, "return_key"])
                .inc();
            return Err(CashError::BadKey);
        }
        let (way, provider) = self.provider(stored.way)?;
        let Some(handle) = Self::handle(&stored) else {
            // Never reached the provider: nothing to ask.
            return Ok(stored);
        };
        let (source, said) = if cancelled {
            let r = provider.cancelled(&handle).await;
            self.count_call(way, "status", &r);
            (Source::Return, r?)
        } else {
            // Capture first (PayPal takes the money now; others have nothing to take),
            // then ask: both answers are facts with fixed IDs, so the second is a duplicate.
            let captured = provider.capture(&handle).await;
            self.count_call(way, "capture", &captured);
            let mut said = match captured {
                Ok(n) => n,
                Err(ProviderError::Refused { .. }) => Vec::new(),
                Err(e) => return Err(e.into()),
            };
            let status = provider.status(&handle).await;
            self.count_call(way, "status", &status);
            said.extend(status?);
            (Source::Return, said)
        };
        self.take(&stored, way, &said, source, None).await
    }

    /// A notification `way` pushed (a PayPal webhook): verified by the provider's signature,
    /// then given to the payment it names. `Ok(None)`: verified, but about no payment of
    /// ours (another integration on the same account).
    pub async fn pushed(
        &self,
        way: Way,
        inbound: &Inbound<'_>,
    ) -> Result<Option<Stored>, CashError> {
        let (way, provider) = self.provider(Some(way))?;
        let verified = match provider.verify(inbound).await {
            Ok(v) => v,
            Err(e) => {
                self.metrics
                    .signature_failures
                    .with_label_values(&[way.word(), e.reason()])
                    .inc();
                return Err(e.into());
            }
        };
        let stored = match (&verified.payment, &verified.provider_ref) {
            (Some(p), _) => match ledger::get(&self.db, p.as_str()).await {
                Ok(s) => Some(s),
                Err(LedgerError::NotFound) => None,
                Err(e) => return Err(e.into()),
            },
            (None, Some(r)) => ledger::by_provider_ref(&self.db, way, r.as_str()).await?,
            (None, None) => None,
        };
        let Some(stored) = stored else {
            tracing::info!(provider = way.word(), event_type = %verified.event_type, transmission = %verified.transmission_id, "verified notification about no payment of ours");
            return Ok(None);
        };
        // The event must be about the transaction we opened for that payment: a custom_id
        // copied into another order does not make that order's money ours.
        if let (Some(said), Some(ours)) = (&verified.provider_ref, &stored.provider_ref) {
            if said != ours {
                tracing::warn!(provider = way.word(), payment = %stored.id, transmission = %verified.transmission_id, "notification names another transaction than the payment's");
                return Ok(None);
            }
        }
        if stored.way != Some(way) {
            return Ok(None);
        }
        if verified.capture_ref.is_some() {
            ledger::set_handle(
                &self.db,
                stored.id.as_str(),
                None,
                verified.capture_ref.as_ref(),
                None,
            )
            .await?;
        }
        let mut after = self
            .take(
                &stored,
                way,
                &verified.notifications,
                Source::Webhook,
                Some(&verified.envelope_id),
            )
            .await?;
        if verified.capture_wanted {
            if let Some(handle) = Self::handle(&after) {
                let captured = provider.capture(&handle).await;
                self.count_call(way, "capture", &captured);
                if let Ok(n) = captured {
                    after = self.take(&after, way, &n, Source::Capture, None).await?;
                }
            }
        }
        Ok(Some(after))
    }

    /// The clerk withdraws a payment that has not ended (the citizen will pay at the
    /// counter, the fee was wrong). A provider's later Paid still counts: money taken is
    /// never ignored.
    pub async fn withdraw(&self, id: &str) -> Result<Stored, CashError> {
        let stored = ledger::get(&self.db, id).await?;
        let n = Notification {
            id: EventId::new(&format!("vamt:withdrawn:{id}"))
                .map_err(|_| CashError::Ledger(LedgerError::NotFound))?,
            seq: micros((self.clock)()),
            event: Event::Cancelled,
        };
        let way = stored.way.unwrap_or(Way::Invoice);
        self.take(&stored, way, &[n], Source::Manual, None).await
    }

    /// One round of the settle job (§3.5): asks the providers about due payments, times
    /// out what never ends, and refreshes the gauge. Returns how many it looked at.
    pub async fn settle_due(&self) -> Result<usize, CashError> {
        let now = (self.clock)();
        let due = ledger::due(&self.db, now, Duration::minutes(1), 50).await?;
        let count = due.len();
        for stored in due {
            if let Err(e) = self.settle_one(&stored, now).await {
                tracing::warn!(payment = %stored.id, error = %e, "settling a payment failed; asked again later");
                ledger::schedule(
                    &self.db,
                    stored.id.as_str(),
                    Some(now + Duration::minutes(5)),
                    true,
                )
                .await?;
            }
        }
        self.metrics.open.reset();
        for (provider, state, n) in ledger::open_counts(&self.db).await? {
            self.metrics
                .open
                .with_label_values(&[provider.as_deref().unwrap_or("none"), &state])
                .set(n);
        }
        Ok(count)
    }

    async fn settle_one(&self, stored: &Stored, now: DateTime<Utc>) -> Result<(), CashError> {
        let id = stored.id.as_str();
        if stored.way == Some(Way::Invoice) {
            // An invoice has a due date, not a time-out: whether it is paid late is the
            // treasury's business (§3.3). The job never asks about it again.
            ledger::schedule(&self.db, id, None, false).await?;
            return Ok(());
        }
        let age = now - stored.requested_at;
        let mut after = stored.clone();
        let online = stored.way.filter(|w| w.online());
        if let (Some(way), Some(handle)) = (online, Self::handle(stored)) {
            if let Ok((_, provider)) = self.provider(Some(way)) {
                let mut said = Vec::new();
                let status = provider.status(&handle).await;
                self.count_call(way, "status", &status);
                match status {
                    Ok(n) => said.extend(n),
                    // An unreachable provider counts as "still open": the time-out below
                    // still ends it (the issue: never started forever).
                    Err(e) => {
                        tracing::info!(payment = id, error = %e, "provider not answering the settle job")
                    }
                }
                after = self.take(stored, way, &said, Source::Status, None).await?;
            }
        }
        if after.is_open() && age >= self.settings.settle_after {
            let n = Notification {
                id: EventId::new(&format!("vamt:expired:{id}"))
                    .map_err(|_| CashError::Ledger(LedgerError::NotFound))?,
                seq: micros(now),
                event: Event::Failed {
                    reason: FailReason::Expired,
                },
            };
            let way = stored.way.unwrap_or(Way::Invoice);
            self.metrics.expired.with_label_values(&[way.word()]).inc();
            after = self.take(&after, way, &[n], Source::Timeout, None).await?;
        }
        let next = if after.is_open() {
            let minutes = CHECK_AFTER_MINUTES
                .into_iter()
                .map(Duration::minutes)
                .find(|m| *m > age)
                .map_or(now + Duration::minutes(30), |m| stored.requested_at + m);
            Some(
                minutes
                    .min(stored.requested_at + self.settings.settle_after)
                    .max(now + Duration::seconds(30)),
            )
        } else if after.status().state == State::Failed
            && online.is_some()
            && age < self.settings.recheck_for
        {
            Some(now + Duration::hours(RECHECK_EVERY_HOURS))
        } else {
            None
        };
        ledger::schedule(&self.db, id, next, true).await?;
        Ok(())
    }
}

/// How often the settle job looks for due payments: the first check is a minute after the
/// request, so half a minute keeps each on time within its schedule.
const SETTLE_INTERVAL: std::time::Duration = std::time::Duration::from_secs(30);

/// Runs the settle job until `stop` completes.
pub async fn run(cashier: Arc<Cashier>, stop: impl std::future::Future<Output = ()>) {
    vamt_portal_storage::job::every("payments-settle", SETTLE_INTERVAL, stop, || async {
        cashier.settle_due().await.map(|n| n as u64)
    })
    .await;
}
