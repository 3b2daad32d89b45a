//! Fees paid in the call (issue 21, docs/payments.md): the clerk asks for the appointment's
//! fees, both pages show the payment live, the citizen goes to the provider's pay page in a
//! second tab and comes back, and providers' notifications arrive. The decisions are the
//! payments domain's (`vamt_payments::cashier`); this module turns HTTP into its calls and
//! its steps into the case's audit log and the room's `payment_changed` notice.
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use fluent_bundle::FluentArgs;
use minijinja::context;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use vamt_documents::audit;
use vamt_documents::case::{self, Actor};
use vamt_payments::cashier::{Begun, CashError, Observer, Record, StartTexts};
use vamt_payments::ledger::{LedgerError, Stored, Subject, Way};
use vamt_payments::provider::{Inbound, ProviderError, Rejected};
use vamt_payments::{Chosen, Item, Line, Money, OptionId, ServiceId, State as PayState};
use vamt_portal_storage::db::Db;
use vamt_signalling::Role;

use super::api::{fail, ApiJson, ErrorCode};
use super::case::{CallClerk, CallCredential};
use super::page::{lang, render};
use crate::AppState;
use vamt_booking::booking;

/// The notice the room gets when a payment changed: both pages fetch it again.
pub const NOTICE: &str = "payment_changed";

/// The largest webhook body taken: PayPal's events are a few KiB.
const WEBHOOK_MAX: usize = 64 * 1024;

/// Writes each payment step into the case's audit log, tells the call's room, and issues
/// the receipt when a payment is paid; for a hearing's warning fine, into the hearing's log,
/// marking the case paid.
pub struct Recorder {
    office: Arc<vamt_booking::office::Office>,
    cases: Arc<vamt_documents::Cases>,
    hub: Arc<vamt_signalling::hub::Hub>,
    hearings: Arc<vamt_hearing::Docket>,
}

impl Recorder {
    /// The recorder over the office (mails), the case record, the signalling hub and the
    /// hearing's register.
    pub fn new(
        office: Arc<vamt_booking::office::Office>,
        cases: Arc<vamt_documents::Cases>,
        hub: Arc<vamt_signalling::hub::Hub>,
        hearings: Arc<vamt_hearing::Docket>,
    ) -> Recorder {
        Recorder {
            office,
            cases,
            hub,
            hearings,
        }
    }

    async fn record_hearing(&self, case: &str, record: &Record) {
        let logged = if paid_now(record).is_some() {
            self.hearings.mark_paid(case, &record.actor()).await
        } else {
            self.hearings
                .audit(case, &record.actor(), record.event_word())
                .await
        };
        if let Err(e) = logged {
            tracing::error!(error = %e, event = record.event_word(), "payment step not recorded in the hearing");
        }
    }
}

#[async_trait::async_trait]
impl Observer for Recorder {
    async fn record(&self, subject: &Subject, record: &Record) {
        let booking = match subject {
            Subject::Booking(booking) => booking.as_str(),
            Subject::Hearing(case) => return self.record_hearing(case, record).await,
        };
        let Some(event) = audit::Event::of_payment(record.event_word()) else {
            return;
        };
        let logged = async {
            let case = case::open(&self.cases, booking, &Actor::System).await?;
            audit::append(
                &self.cases.db,
                &case.id.0,
                self.cases.now(),
                &record.actor(),
                event,
                record.detail(),
            )
            .await?;
            Ok::<_, Box<dyn std::error::Error + Send + Sync>>(())
        };
        if let Err(e) = logged.await {
            // The payment itself is stored; a lost audit line is an operator's alarm, not a
            // reason to refuse the provider's word.
            tracing::error!(error = %e, event = record.event_word(), "payment step not recorded in the case");
        }
        let room: Result<Option<String>, sqlx::Error> =
            sqlx::query_scalar("SELECT room_id FROM bookings WHERE id = $1")
                .bind(booking)
                .fetch_optional(self.cases.db.pool())
                .await;
        if let Some(payment) = paid_now(record) {
            if let Err(e) = receipt(&self.office, &self.cases, booking, payment).await {
                tracing::error!(error = %e, "receipt not issued");
            }
        }
        if let Ok(Some(room)) = room {
            self.hub.notify_room(&room, NOTICE);
        }
    }
}

type Failure = Box<dyn std::error::Error + Send + Sync>;

/// The payment a record says has just been paid (not a refund of a paid one).
fn paid_now(record: &Record) -> Option<&str> {
    match record {
        Record::Changed {
            payment, from, to, ..
        } if *to == PayState::Paid && *from != PayState::Paid => Some(payment),
        _ => None,
    }
}

/// The quote's lines for a PDF, in `lang`.
fn pdf_lines(
    i18n: &vamt_portal_core::i18n::I18n,
    lang: &str,
    slugs: &[(i64, String)],
    p: &Stored,
) -> Vec<vamt_pdf::InvoiceLine> {
    p.quote
        .items
        .iter()
        .map(|i| vamt_pdf::InvoiceLine {
            quantity: i.quantity.to_string(),
            description: item_text(i18n, lang, slugs, &i.item),
            unit: money_words(i18n, lang, i.unit),
            amount: money_words(i18n, lang, i.total),
        })
        .collect()
}

/// Puts `bytes` into the booking's case as the office's kept document `name`, records its
/// delivery by download, and returns the link for the mail.
async fn into_case(
    office: &vamt_booking::office::Office,
    cases: &vamt_documents::Cases,
    booking_id: &str,
    name: &str,
    bytes: &[u8],
) -> Result<(String, chrono::DateTime<chrono::Utc>), Failure> {
    use vamt_documents::document::{Origin, State as DocState};
    let case = case::open(cases, booking_id, &Actor::System).await?;
    let doc =
        vamt_documents::intake::store(cases, &case, Origin::Office, name, bytes, DocState::Kept)
            .await?;
    let (delivery, key) = vamt_documents::delivery::record(
        cases,
        &case,
        &doc,
        vamt_documents::delivery::Method::Download,
        &Actor::System,
    )
    .await?;
    let key = key.ok_or("no download key")?;
    let until = delivery.link_expires_at.ok_or("no link expiry")?;
    let url = office
        .settings
        .http
        .link(&["documents", &doc.id.0, "download"], &[("key", &key)]);
    Ok((url, until))
}

/// The four column headings of the PDFs' line table, in `lang`.
fn pdf_columns(i18n: &vamt_portal_core::i18n::I18n, lang: &str) -> [String; 4] {
    [
        "pdf-col-quantity",
        "pdf-col-description",
        "pdf-col-unit",
        "pdf-col-amount",
    ]
    .map(|k| i18n.t(lang, k, None))
}

/// The receipt of a paid payment: a PDF in the case's downloads and a mail with its link.
async fn receipt(
    office: &vamt_booking::office::Office,
    cases: &vamt_documents::Cases,
    booking_id: &str,
    payment: &str,
) -> Result<(), Failure> {
    let p = vamt_payments::ledger::get(&office.db, payment).await?;
    let b = booking::find(&office.db, &office.vault, booking_id)
        .await?
        .ok_or("booking gone")?;
    let lang = b.locale.as_str();
    let t = |k: &str| office.i18n.t(lang, k, None);
    let slugs = service_slugs(&office.db).await?;
    let status = p.status();
    let paid_on = p.settled_at.unwrap_or_else(|| (office.clock)());
    let (date, _) = office
        .i18n
        .local_date_time(office.settings.booking.timezone, lang, paid_on);
    let way = p
        .way
        .map_or(String::new(), |w| t(&format!("pay-way-{}", w.word())));
    let mut facts = vec![
        (t("receipt-payment"), p.id.to_string()),
        (t("receipt-paid-on"), date),
        (t("receipt-way"), way),
    ];
    if let Some(r) = &status.paid_ref {
        facts.push((t("receipt-reference"), r.to_string()));
    }
    let lines = pdf_lines(&office.i18n, lang, &slugs, &p);
    let total = money_words(&office.i18n, lang, p.amount());
    let columns = pdf_columns(&office.i18n, lang);
    let bytes = vamt_pdf::receipt_pdf(
        &vamt_pdf::ReceiptDoc {
            letterhead: &[t("site-name")],
            contact: &[],
            recipient: std::slice::from_ref(&b.citizen_name),
            title: &t("receipt-title"),
            paid_mark: &t("receipt-paid-mark"),
            facts: &facts,
            columns: [&columns[0], &columns[1], &columns[2], &columns[3]],
            lines: &lines,
            total: (&t("pay-total"), &total),
            notes: &[t("receipt-note")],
            footer: &[],
            direction: super::pdf_text::direction(lang),
        },
        super::pdf_text::fonts()?,
    )?;
    let name = format!("{}-{}.pdf", t("receipt-file"), p.id);
    let (url, until) = into_case(office, cases, booking_id, &name, &bytes).await?;
    let mut args = FluentArgs::new();
    args.set("amount", total);
    vamt_booking::notify::send_payment(office, &b, "receipt", args, url, until).await;
    Ok(())
}

/// The invoice of `p`: a PDF with the EPC QR code in the case's downloads, and a mail with
/// its link and the transfer's details.
async fn invoice_out(
    st: &AppState,
    p: &Stored,
    inv: &vamt_payments::invoice::Invoice,
) -> Result<(), Failure> {
    let settings = st
        .cashier
        .invoice_settings()
        .ok_or("invoices not configured")?;
    let booking_id = p
        .subject
        .booking()
        .ok_or("an invoice is for an appointment")?;
    let b = booking::find(&st.db, &st.vault, booking_id)
        .await?
        .ok_or("booking gone")?;
    let lang = b.locale.as_str();
    let t = |k: &str| st.i18n.t(lang, k, None);
    let slugs = service_slugs(&st.db).await?;
    let day = |d: chrono::NaiveDate| {
        let noon = d.and_hms_opt(12, 0, 0).unwrap_or_default().and_utc();
        st.i18n
            .local_date_time(st.settings.booking.timezone, lang, noon)
            .0
    };
    let total = money_words(&st.i18n, lang, p.amount());
    let facts = vec![
        (t("invoice-number"), inv.number.clone()),
        (t("invoice-issued"), day(inv.issued_on)),
        (t("invoice-due"), day(inv.due_on)),
    ];
    let mut payment = vec![
        (
            t("invoice-creditor"),
            settings.beneficiary.name().to_owned(),
        ),
        (t("invoice-iban"), settings.beneficiary.iban().grouped()),
    ];
    if let Some(bic) = settings.beneficiary.bic() {
        payment.push((t("invoice-bic"), bic.as_str().to_owned()));
    }
    payment.extend([
        (t("invoice-amount"), total.clone()),
        (t("invoice-reference"), inv.reference.grouped()),
        (t("invoice-due"), day(inv.due_on)),
    ]);
    let epc = inv.epc(settings).ok();
    let lines = pdf_lines(&st.i18n, lang, &slugs, p);
    let columns = pdf_columns(&st.i18n, lang);
    let notes: Vec<String> = [settings.tax_note.clone()]
        .into_iter()
        .filter(|n| !n.is_empty())
        .collect();
    let (label, caption) = (t("invoice-qr-label"), t("invoice-qr-caption"));
    let bytes = vamt_pdf::invoice_pdf(
        &vamt_pdf::InvoiceDoc {
            letterhead: &settings.letterhead,
            contact: &settings.contact,
            recipient: std::slice::from_ref(&b.citizen_name),
            title: &t("invoice-title"),
            facts: &facts,
            columns: [&columns[0], &columns[1], &columns[2], &columns[3]],
            lines: &lines,
            total: (&t("pay-total"), &total),
            notes: &notes,
            payment_heading: &t("invoice-payment-heading"),
            payment: &payment,
            qr: epc.as_deref().map(|payload| vamt_pdf::Qr {
                payload,
                label: &label,
                caption: &caption,
            }),
            footer: &settings.footer,
            direction: super::pdf_text::direction(lang),
        },
        super::pdf_text::fonts()?,
    )?;
    let name = format!("{}-{}.pdf", t("invoice-file"), inv.number);
    let (url, until) = into_case(&st.office, &st.cases, booking_id, &name, &bytes).await?;
    let mut args = FluentArgs::new();
    args.set("amount", total);
    args.set("number", inv.number.clone());
    args.set("reference", inv.reference.grouped());
    args.set("iban", settings.beneficiary.iban().grouped());
    args.set("creditor", settings.beneficiary.name().to_owned());
    args.set("due", day(inv.due_on));
    vamt_booking::notify::send_payment(&st.office, &b, "invoice", args, url, until).await;
    Ok(())
}

/// The text of `money` in `lang`: `12,50 €`, `€12.50`.
fn money_text(st: &AppState, lang: &str, money: Money) -> String {
    money_words(&st.i18n, lang, money)
}

pub(crate) fn money_words(i18n: &vamt_portal_core::i18n::I18n, lang: &str, money: Money) -> String {
    let mut args = FluentArgs::new();
    args.set("amount", money.amount_text(lang));
    let symbol = if money.currency.code() == "EUR" {
        "€"
    } else {
        money.currency.code()
    };
    args.set("currency", symbol);
    i18n.t(lang, "pay-money", Some(&args))
}

/// One fee the clerk may ask for: a booked service with its options.
#[derive(Serialize, ToSchema)]
pub struct FeeOut {
    /// The catalogue's service ID.
    pub service: i64,
    /// Its name in the reader's language.
    pub name: String,
    /// Its base fee, as text.
    pub base: String,
    /// What may be added.
    pub options: Vec<FeeOptionOut>,
}

/// An option of a fee (an extra copy).
#[derive(Serialize, ToSchema)]
pub struct FeeOptionOut {
    /// Its ID (`extra-copy`).
    pub id: String,
    /// Its name.
    pub name: String,
    /// Price of one, as text.
    pub unit: String,
    /// The most one appointment may order.
    pub max: u32,
}

/// One line of a payment.
#[derive(Serialize, ToSchema)]
pub struct PayLineOut {
    /// What it is for, in the reader's language.
    pub name: String,
    /// How many.
    pub quantity: u32,
    /// Its total, as text.
    pub total: String,
}

/// A way the citizen may pay.
#[derive(Serialize, ToSchema)]
pub struct WayOut {
    /// `xbezahldienste`, `paypal`, `invoice`.
    pub way: String,
    /// The button's text.
    pub name: String,
}

/// A payment as both sides of the call see it.
#[derive(Serialize, ToSchema)]
pub struct PaymentOut {
    /// Its ID.
    pub id: String,
    /// `requested`, `started`, `paid`, `failed`, `cancelled`, `partially_refunded`,
    /// `refunded`.
    pub state: String,
    /// The state in the reader's language.
    pub state_text: String,
    /// The total, as text.
    pub amount: String,
    /// Item by item.
    pub lines: Vec<PayLineOut>,
    /// The ways offered (while it is requested).
    pub ways: Vec<WayOut>,
    /// Where the citizen's choice is posted (a form in a new tab).
    pub start: String,
    /// Refunded so far, as text, when anything was.
    pub refunded: Option<String>,
}

/// What the call's payment panel shows.
#[derive(Serialize, ToSchema)]
pub struct PaymentPanel {
    /// The fees the clerk may ask for (the clerk only; empty for the citizen).
    pub fees: Vec<FeeOut>,
    /// The appointment's latest payment.
    pub payment: Option<PaymentOut>,
    /// Whether any way of paying is configured.
    pub offered: bool,
}

fn item_name(st: &AppState, lang: &str, slugs: &[(i64, String)], item: &Item) -> String {
    item_text(&st.i18n, lang, slugs, item)
}

fn item_text(
    i18n: &vamt_portal_core::i18n::I18n,
    lang: &str,
    slugs: &[(i64, String)],
    item: &Item,
) -> String {
    let slug = |id: ServiceId| {
        slugs
            .iter()
            .find(|(s, _)| *s == id.0)
            .map_or_else(|| id.to_string(), |(_, slug)| slug.clone())
    };
    match item {
        Item::Service { service } => i18n.t(lang, &format!("service-{}", slug(*service)), None),
        Item::Option { option, .. } => {
            i18n.t(lang, &format!("fee-option-{}", option.as_str()), None)
        }
        Item::WarningFine => i18n.t(lang, "hearing-sanction-warning_fine", None),
    }
}

/// Every service's (ID, slug): a quote names services by ID, the catalogue's texts by slug.
/// Inactive ones too, since an old payment may name one.
pub(crate) async fn service_slugs(db: &Db) -> Result<Vec<(i64, String)>, sqlx::Error> {
    sqlx::query_as("SELECT id, slug FROM services")
        .fetch_all(db.pool())
        .await
}

fn payment_out(st: &AppState, lang: &str, slugs: &[(i64, String)], p: &Stored) -> PaymentOut {
    let status = p.status();
    let state = status.state.word();
    PaymentOut {
        id: p.id.to_string(),
        state: state.to_owned(),
        state_text: st.i18n.t(lang, &format!("pay-state-{state}"), None),
        amount: money_text(st, lang, p.amount()),
        lines: p
            .quote
            .items
            .iter()
            .map(|i| PayLineOut {
                name: item_name(st, lang, slugs, &i.item),
                quantity: i.quantity,
                total: money_text(st, lang, i.total),
            })
            .collect(),
        ways: if status.state == PayState::Requested {
            p.ways
                .iter()
                .filter(|w| st.cashier.ways().contains(w))
                .map(|w| WayOut {
                    way: w.word().to_owned(),
                    name: st.i18n.t(lang, &format!("pay-way-{}", w.word()), None),
                })
                .collect()
        } else {
            Vec::new()
        },
        start: format!("/pay/{}/start", p.id),
        refunded: status
            .refunded
            .is_positive()
            .then(|| money_text(st, lang, status.refunded)),
    }
}

fn cash_failed(st: &AppState, lang: &str, e: &CashError) -> Response {
    match e {
        CashError::Ledger(LedgerError::OpenPaymentExists) => fail(st, lang, ErrorCode::PaymentOpen),
        CashError::Ledger(LedgerError::NothingOwed) => fail(st, lang, ErrorCode::NothingOwed),
        CashError::Ledger(LedgerError::NotFound) => fail(st, lang, ErrorCode::NotFound),
        CashError::Ledger(LedgerError::NotStartable) => fail(st, lang, ErrorCode::WrongState),
        CashError::Fee(_) => fail(st, lang, ErrorCode::InvalidRequest),
        CashError::NotOffered => fail(st, lang, ErrorCode::PaymentNotOffered),
        CashError::Provider(ProviderError::Unavailable(_) | ProviderError::Malformed(_))
        | CashError::Ledger(LedgerError::Busy) => fail(st, lang, ErrorCode::PaymentUnavailable),
        CashError::Provider(_) => fail(st, lang, ErrorCode::PaymentRefused),
        other => {
            tracing::error!(error = %other, "payment failed");
            fail(st, lang, ErrorCode::Internal)
        }
    }
}

/// `GET /api/v1/calls/{booking}/payment`
#[utoipa::path(get, path = "/api/v1/calls/{booking}/payment",
    params(("booking" = String, Path, description = "The booking's ID")),
    responses(
        (status = 200, description = "The fees the clerk may ask for (clerk only) and the appointment's payment", body = PaymentPanel),
        (status = 403, description = "`not_in_call`: a guest's token", body = super::api::ApiError)))]
pub async fn get_payment(State(st): State<AppState>, who: CallCredential) -> Response {
    if !matches!(who.claims.role, Role::Clerk | Role::Citizen) {
        return fail(&st, who.lang, ErrorCode::NotInCall);
    }
    panel(&st, &who, StatusCode::OK).await
}

async fn panel(st: &AppState, who: &CallCredential, status: StatusCode) -> Response {
    let lang = who.lang;
    let internal = |e: &dyn std::fmt::Display| {
        tracing::error!(error = %e, "payment panel failed");
        fail(st, lang, ErrorCode::Internal)
    };
    let slugs = match service_slugs(&st.db).await {
        Ok(s) => s,
        Err(e) => return internal(&e),
    };
    let payment = match vamt_payments::ledger::of_booking(&st.db, &who.claims.booking).await {
        Ok(p) => p,
        Err(e) => return internal(&e),
    };
    let fees = if who.claims.role == Role::Clerk {
        match fees_of(st, lang, &who.claims.booking, &slugs).await {
            Ok(f) => f,
            Err(e) => return internal(&e),
        }
    } else {
        Vec::new()
    };
    (
        status,
        Json(PaymentPanel {
            fees,
            payment: payment.as_ref().map(|p| payment_out(st, lang, &slugs, p)),
            offered: !st.cashier.ways().is_empty(),
        }),
    )
        .into_response()
}

async fn booked_services(st: &AppState, booking_id: &str) -> Result<Vec<ServiceId>, sqlx::Error> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT service_id FROM booking_services WHERE booking_id = $1 ORDER BY position",
    )
    .bind(booking_id)
    .fetch_all(st.db.pool())
    .await?;
    Ok(ids.into_iter().map(ServiceId).collect())
}

async fn fees_of(
    st: &AppState,
    lang: &str,
    booking_id: &str,
    slugs: &[(i64, String)],
) -> Result<Vec<FeeOut>, Box<dyn std::error::Error + Send + Sync>> {
    let schedule = vamt_payments::price_list::fee_schedule(&st.db, st.cashier.currency()).await?;
    let mut out = Vec::new();
    for service in booked_services(st, booking_id).await? {
        // A free service without options asks nothing: it is not on the list.
        let Some(fee) = schedule
            .fee(service)
            .filter(|f| f.base.is_positive() || !f.options.is_empty())
        else {
            continue;
        };
        out.push(FeeOut {
            service: service.0,
            name: item_name(st, lang, slugs, &Item::Service { service }),
            base: money_text(st, lang, fee.base),
            options: fee
                .options
                .iter()
                .map(|o| FeeOptionOut {
                    id: o.id.as_str().to_owned(),
                    name: st
                        .i18n
                        .t(lang, &format!("fee-option-{}", o.id.as_str()), None),
                    unit: money_text(st, lang, o.unit),
                    max: o.max_quantity,
                })
                .collect(),
        });
    }
    Ok(out)
}

/// An option the clerk ticked.
#[derive(Deserialize, ToSchema)]
pub struct ChosenIn {
    /// The service it belongs to.
    pub service: i64,
    /// The option's ID.
    pub option: String,
    /// How many.
    pub quantity: u32,
}

/// What the clerk asks for: every booked service's fee, with these options.
#[derive(Deserialize, ToSchema)]
pub struct PaymentIn {
    /// Options chosen (an extra copy).
    #[serde(default)]
    pub options: Vec<ChosenIn>,
    /// Ways to offer (all configured if empty).
    #[serde(default)]
    pub ways: Vec<String>,
}

/// `POST /api/v1/calls/{booking}/payment`
#[utoipa::path(post, path = "/api/v1/calls/{booking}/payment",
    params(("booking" = String, Path, description = "The booking's ID")),
    request_body = PaymentIn,
    responses(
        (status = 201, description = "Payment requested; both pages are told", body = PaymentPanel),
        (status = 409, description = "`payment_open`: the appointment has a payment that has not ended", body = super::api::ApiError),
        (status = 422, description = "`nothing_owed`: the services are free", body = super::api::ApiError)))]
pub async fn request_payment(
    State(st): State<AppState>,
    CallClerk(who): CallClerk,
    ApiJson(_, body): ApiJson<PaymentIn>,
) -> Response {
    let lang = who.lang;
    let services = match booked_services(&st, &who.claims.booking).await {
        Ok(s) => s,
        Err(e) => {
            tracing::error!(error = %e, "booked services not read");
            return fail(&st, lang, ErrorCode::Internal);
        }
    };
    let schedule =
        match vamt_payments::price_list::fee_schedule(&st.db, st.cashier.currency()).await {
            Ok(s) => s,
            Err(e) => return cash_failed(&st, lang, &e.into()),
        };
    let mut lines = Vec::new();
    for service in services {
        let mut options = Vec::new();
        for c in body.options.iter().filter(|c| c.service == service.0) {
            let Ok(option) = OptionId::new(&c.option) else {
                return fail(&st, lang, ErrorCode::InvalidRequest);
            };
            options.push(Chosen {
                option,
                quantity: c.quantity,
            });
        }
        // A free service with nothing chosen is no line of the payment.
        let free = schedule.fee(service).is_none_or(|f| !f.base.is_positive());
        if free && options.iter().all(|o| o.quantity == 0) {
            continue;
        }
        lines.push(Line { service, options });
    }
    let mut ways = Vec::new();
    for w in &body.ways {
        match Way::parse(w) {
            Some(w) => ways.push(w),
            None => return fail(&st, lang, ErrorCode::InvalidRequest),
        }
    }
    // The schedule read above prices the quote: one read of the catalogue per request.
    let quote = match schedule.quote(&lines) {
        Ok(q) => q,
        Err(e) => return cash_failed(&st, lang, &e.into()),
    };
    let by = match Actor::from_subject(&who.claims.sub) {
        Actor::Clerk(id) => Some(id),
        _ => None,
    };
    if let Err(e) = st
        .cashier
        .request(
            &Subject::Booking(who.claims.booking.clone()),
            by,
            &quote,
            &ways,
        )
        .await
    {
        return cash_failed(&st, lang, &e);
    }
    panel(&st, &who, StatusCode::CREATED).await
}

/// `POST /api/v1/calls/{booking}/payment/withdraw`
#[utoipa::path(post, path = "/api/v1/calls/{booking}/payment/withdraw",
    params(("booking" = String, Path, description = "The booking's ID")),
    responses(
        (status = 200, description = "The open payment is cancelled (a provider's later word that it was paid still counts)", body = PaymentPanel),
        (status = 404, description = "`not_found`: no payment", body = super::api::ApiError)))]
pub async fn withdraw_payment(State(st): State<AppState>, CallClerk(who): CallClerk) -> Response {
    let lang = who.lang;
    let payment = match vamt_payments::ledger::of_booking(&st.db, &who.claims.booking).await {
        Ok(Some(p)) if p.is_open() => p,
        Ok(Some(_)) => return fail(&st, lang, ErrorCode::WrongState),
        Ok(None) => return fail(&st, lang, ErrorCode::NotFound),
        Err(e) => return cash_failed(&st, lang, &e.into()),
    };
    if let Err(e) = st.cashier.withdraw(payment.id.as_str()).await {
        return cash_failed(&st, lang, &e);
    }
    panel(&st, &who, StatusCode::OK).await
}

/// The citizen's choice, posted by the call page's form into a new tab (a form's target is
/// a user action, so pop-up blockers let it through; the call goes on in the first tab).
#[derive(Deserialize)]
pub struct StartForm {
    way: String,
    /// The call's room token: a form cannot send the bearer header.
    token: String,
    #[serde(default)]
    lang: Option<String>,
}

#[derive(Deserialize)]
pub struct PaymentPath {
    payment: String,
}

fn result_page(st: &AppState, lang: &str, status: StatusCode, outcome: &str) -> Response {
    page(st, lang, status, outcome, None, None)
}

/// The result page; `refresh` sends the browser on after that many seconds (to the pay
/// page at once, or back to the same return URL while the provider is being asked).
fn page(
    st: &AppState,
    lang: &str,
    status: StatusCode,
    outcome: &str,
    refresh: Option<(u32, &str)>,
    back: Option<&str>,
) -> Response {
    let mut resp = render(
        st,
        status,
        lang,
        "pay_result.html",
        "/",
        context! {
            outcome => outcome,
            refresh => refresh.map(|(seconds, url)| context! { seconds => seconds, url => url }),
            back => back,
        },
    );
    resp.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    resp
}

/// `POST /pay/{payment}/start`: opens the transaction and sends the browser to the pay
/// page.
pub async fn start(
    State(st): State<AppState>,
    Path(PaymentPath { payment }): Path<PaymentPath>,
    headers: HeaderMap,
    Form(form): Form<StartForm>,
) -> Response {
    let lang = lang(form.lang.as_deref(), &headers);
    let now = st.now().timestamp().max(0) as u64;
    let claims = match st.tokens.verify(&form.token, now) {
        Ok(c) => c,
        Err(_) => return result_page(&st, lang, StatusCode::FORBIDDEN, "forbidden"),
    };
    let stored = match vamt_payments::ledger::get(&st.db, &payment).await {
        Ok(p) => p,
        Err(_) => return result_page(&st, lang, StatusCode::NOT_FOUND, "unknown"),
    };
    // The payment of this call, and the citizen's (or the clerk's, for one who cannot).
    if stored.subject.booking() != Some(claims.booking.as_str())
        || !matches!(claims.role, Role::Citizen | Role::Clerk)
    {
        return result_page(&st, lang, StatusCode::FORBIDDEN, "forbidden");
    }
    let Some(way) = Way::parse(&form.way) else {
        return result_page(&st, lang, StatusCode::BAD_REQUEST, "unknown");
    };
    let reference: String = stored
        .subject
        .id()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(10)
        .collect();
    begin(&st, lang, &stored, way, format!("Gebuehr {reference}")).await
}

/// Takes `stored` to the provider of `way` (the pay page, or the invoice), with `purpose` as
/// the text of the transfer (the bank statement's line): the call's panel and the hearing's
/// warning fine start here alike.
pub(crate) async fn begin(
    st: &AppState,
    lang: &str,
    stored: &Stored,
    way: Way,
    purpose: String,
) -> Response {
    let payment = stored.id.to_string();
    let slugs = service_slugs(&st.db).await.unwrap_or_default();
    let item_names: Vec<String> = stored
        .quote
        .items
        .iter()
        .map(|i| item_name(st, lang, &slugs, &i.item))
        .collect();
    let texts = StartTexts {
        description: item_names.join(", "),
        item_names,
        purpose,
        locale: if lang == "de" { "de-DE" } else { "en-GB" }.to_owned(),
    };
    match st.cashier.start(&payment, way, &texts).await {
        // Not a redirect: the call page's `form-action 'self'` would stop a form's redirect
        // to another site. A page that moves on by itself (and offers the link) is not a
        // form's navigation.
        Ok(Begun::PayPage(url)) => page(st, lang, StatusCode::OK, "go", Some((0, &url)), None),
        Ok(Begun::Invoice(inv)) => {
            if let Err(e) = invoice_out(st, stored, &inv).await {
                tracing::error!(error = %e, "invoice issued but not sent");
            }
            result_page(st, lang, StatusCode::OK, "invoice")
        }
        Err(CashError::Ledger(LedgerError::NotStartable)) => {
            result_page(st, lang, StatusCode::CONFLICT, "not_startable")
        }
        Err(CashError::Provider(ProviderError::Refused { code, .. })) => {
            tracing::error!(code = %code, provider = way.word(), "provider refused the payment");
            result_page(st, lang, StatusCode::BAD_GATEWAY, "refused")
        }
        Err(e) => {
            tracing::warn!(error = %e, provider = way.word(), "payment not started");
            result_page(st, lang, StatusCode::SERVICE_UNAVAILABLE, "unavailable")
        }
    }
}

/// The return key the provider's return URL carries.
#[derive(Deserialize)]
pub struct ReturnQuery {
    #[serde(default)]
    k: String,
    #[serde(default)]
    lang: Option<String>,
}

async fn came_back(
    st: AppState,
    payment: String,
    q: ReturnQuery,
    headers: HeaderMap,
    cancelled: bool,
) -> Response {
    let lang = lang(q.lang.as_deref(), &headers);
    let again = format!(
        "/pay/{}/{payment}?k={}",
        if cancelled { "cancel" } else { "return" },
        q.k
    );
    // While the provider has not said, the page asks again by itself every 5 seconds.
    let checking = |st: &AppState| {
        page(
            st,
            lang,
            StatusCode::OK,
            "checking",
            Some((5, &again)),
            None,
        )
    };
    match st.cashier.came_back(&payment, &q.k, cancelled).await {
        Ok(p) => {
            let outcome = match p.status().state {
                PayState::Paid | PayState::PartiallyRefunded | PayState::Refunded => "paid",
                PayState::Cancelled => "cancelled",
                PayState::Failed => "failed",
                PayState::Requested | PayState::Started => return checking(&st),
            };
            // A hearing's warning fine is paid in the hearing's own tab: back to it.
            let back = matches!(p.subject, Subject::Hearing(_)).then_some("/hearing/case");
            page(&st, lang, StatusCode::OK, outcome, None, back)
        }
        Err(CashError::BadKey) | Err(CashError::Ledger(LedgerError::NotFound)) => {
            result_page(&st, lang, StatusCode::FORBIDDEN, "forbidden")
        }
        Err(e) => {
            // The provider did not answer: the page asks again by itself; the settle job
            // goes on asking in the background.
            tracing::warn!(error = %e, "payment return not settled yet");
            checking(&st)
        }
    }
}

/// `GET /pay/return/{payment}?k=…` (and POST: some platforms return by an auto-submitted
/// form): asks the provider and shows the result.
pub async fn return_get(
    State(st): State<AppState>,
    Path(PaymentPath { payment }): Path<PaymentPath>,
    Query(q): Query<ReturnQuery>,
    headers: HeaderMap,
) -> Response {
    came_back(st, payment, q, headers, false).await
}

/// `GET /pay/cancel/{payment}?k=…`: PayPal's cancel link.
pub async fn cancel_get(
    State(st): State<AppState>,
    Path(PaymentPath { payment }): Path<PaymentPath>,
    Query(q): Query<ReturnQuery>,
    headers: HeaderMap,
) -> Response {
    came_back(st, payment, q, headers, true).await
}

/// `POST /pay/webhook/paypal`: a PayPal webhook, taken only with a valid signature.
pub async fn paypal_webhook(
    State(st): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if body.len() > WEBHOOK_MAX {
        return (
            StatusCode::BAD_REQUEST,
            Json(serde_json::json!({"error": "size"})),
        )
            .into_response();
    }
    let inbound = Inbound {
        headers: &headers,
        body: &body,
    };
    match st.cashier.pushed(Way::Paypal, &inbound).await {
        Ok(_) => StatusCode::OK.into_response(),
        Err(CashError::Rejected(Rejected::Unavailable(e))) => {
            tracing::warn!(error = %e, "webhook not verifiable now");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
        Err(CashError::Rejected(r)) => {
            let transmission = headers
                .get("paypal-transmission-id")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .chars()
                .take(64)
                .collect::<String>();
            // Never the body: it may carry a payer's name.
            tracing::warn!(reason = r.reason(), transmission = %transmission, "webhook refused");
            (
                StatusCode::BAD_REQUEST,
                Json(serde_json::json!({"error": "signature"})),
            )
                .into_response()
        }
        Err(CashError::NotOffered) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "webhook not applied; PayPal sends it again");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}

/// This feature's API routes.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/calls/{booking}/payment",
            get(get_payment).post(request_payment),
        )
        .route(
            "/api/v1/calls/{booking}/payment/withdraw",
            post(withdraw_payment),
        )
}

/// The pages and callbacks under `/pay/`.
pub(crate) fn page_routes() -> Router<AppState> {
    Router::new()
        .route("/pay/{payment}/start", post(start))
        .route(
            "/pay/return/{payment}",
            get(return_get).post(return_get_form),
        )
        .route("/pay/cancel/{payment}", get(cancel_get))
        .route("/pay/webhook/paypal", post(paypal_webhook))
}

/// The return as a POST (an auto-submitted form of the platform): the body is ignored.
async fn return_get_form(
    st: State<AppState>,
    path: Path<PaymentPath>,
    q: Query<ReturnQuery>,
    headers: HeaderMap,
) -> Response {
    return_get(st, path, q, headers).await
}

/// Whether `path` is one of the provider callbacks exempt from the cross-origin rule (a
/// provider's return is a cross-site redirect or form by nature). Matched against the
/// route templates by name, segment for segment, so no later route falls under it by
/// prefix; none of them changes anything on the caller's word (docs/payments.md §1.3).
pub fn exempt_from_origin_rule(path: &str) -> bool {
    const EXEMPT: &[&str] = &[
        "/pay/return/{payment}",
        "/pay/cancel/{payment}",
        "/pay/webhook/paypal",
    ];
    let parts: Vec<&str> = path.split('/').collect();
    EXEMPT.iter().any(|template| {
        let t: Vec<&str> = template.split('/').collect();
        t.len() == parts.len()
            && t.iter().zip(&parts).all(|(t, p)| {
                if t.starts_with('{') {
                    !p.is_empty()
                } else {
                    t == p
                }
            })
    })
}

#[cfg(test)]
mod tests {
    use super::exempt_from_origin_rule;

    #[test]
    fn only_the_named_callbacks_are_exempt() {
        assert!(exempt_from_origin_rule("/pay/return/PY_1"));
        assert!(exempt_from_origin_rule("/pay/cancel/PY_1"));
        assert!(exempt_from_origin_rule("/pay/webhook/paypal"));
        for path in [
            "/pay/PY_1/start",
            "/pay/return/",
            "/pay/return/PY_1/more",
            "/pay/webhook/paypal/x",
            "/pay/webhook/other",
            "/api/v1/calls/b/payment",
        ] {
            assert!(!exempt_from_origin_rule(path), "{path}");
        }
    }
}
