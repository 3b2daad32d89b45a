//! The admins' view of the payments (docs/payments.md §6.6): by day, by service and by state
//! for a date range, the same as CSV for the city's accounting, and the hand-made steps
//! (mark an invoice paid, refund) that are an admin's and not the call's clerk's.
use std::collections::BTreeMap;

use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Router;
use chrono::{Datelike, NaiveDate, TimeZone};
use minijinja::context;
use serde::{Deserialize, Serialize};
use vamt_payments::cashier::{CashError, RefundError};
use vamt_payments::ledger::Stored;
use vamt_payments::{Item, Money, State as PayState};

use super::guard::Admin;
use super::page::{internal, render, Lang, LangForm};
use crate::AppState;

/// The range shown: `from` and `to` are days in the office's time zone, both included.
#[derive(Deserialize, Default)]
pub struct Range {
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    to: Option<String>,
    #[serde(default)]
    saved: Option<String>,
    #[serde(default)]
    refused: Option<String>,
}

/// At most this many payments in one view or export: a month of a large city's office.
const LIMIT: i64 = 20_000;

impl Range {
    /// The days asked for, or this month so far.
    fn days(&self, today: NaiveDate) -> (NaiveDate, NaiveDate) {
        let first = today.with_day(1).unwrap_or(today);
        let from = self
            .from
            .as_deref()
            .and_then(|d| d.parse().ok())
            .unwrap_or(first);
        let to = self
            .to
            .as_deref()
            .and_then(|d| d.parse().ok())
            .unwrap_or(today)
            .max(from);
        (from, to)
    }
}

fn today(st: &AppState) -> NaiveDate {
    st.now()
        .with_timezone(&st.settings.booking.timezone)
        .date_naive()
}

/// The payments requested on the days `from..=to` of the office.
async fn payments_between(
    st: &AppState,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<Stored>, vamt_payments::ledger::LedgerError> {
    let tz = st.settings.booking.timezone;
    let start = |d: NaiveDate| {
        tz.from_local_datetime(&d.and_hms_opt(0, 0, 0).unwrap_or_default())
            .earliest()
            .map_or_else(
                || d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc(),
                |t| t.to_utc(),
            )
    };
    let end = to.succ_opt().unwrap_or(to);
    vamt_payments::ledger::between(&st.db, start(from), start(end), LIMIT).await
}

/// A row of a summary: what, how many, how much.
#[derive(Serialize, Default, Clone)]
struct Sum {
    key: String,
    count: i64,
    amount: String,
    #[serde(skip)]
    minor: i64,
}

fn add(map: &mut BTreeMap<String, Sum>, key: String, minor: i64) {
    let e = map.entry(key.clone()).or_insert_with(|| Sum {
        key,
        ..Sum::default()
    });
    e.count += 1;
    e.minor += minor;
}

fn amount_text(st: &AppState, lang: &str, minor: i64) -> String {
    super::pay::money_words(&st.i18n, lang, Money::new(minor, st.cashier.currency()))
}

async fn slugs(st: &AppState) -> Result<BTreeMap<i64, String>, sqlx::Error> {
    Ok(super::pay::service_slugs(&st.db)
        .await?
        .into_iter()
        .collect())
}

/// The catalogue service a line is for; a hearing's warning fine has none.
fn service_of(item: &Item) -> Option<i64> {
    match item {
        Item::Service { service } | Item::Option { service, .. } => Some(service.0),
        Item::WarningFine => None,
    }
}

/// A line's key in the CSV and its name's message: the service's slug, or `warning-fine`.
fn line_key(item: &Item, slugs: &BTreeMap<i64, String>) -> String {
    match service_of(item) {
        Some(service) => slugs.get(&service).cloned().unwrap_or_default(),
        None => vamt_payments::provider::WARNING_FINE.to_owned(),
    }
}

/// `GET /admin/payments`
pub async fn page(
    State(st): State<AppState>,
    Admin(me): Admin,
    Lang(lang): Lang,
    Query(range): Query<Range>,
) -> Response {
    let (from, to) = range.days(today(&st));
    let (payments, slugs) = match (payments_between(&st, from, to).await, slugs(&st).await) {
        (Ok(p), Ok(s)) => (p, s),
        (Err(e), _) => return internal(&st, lang, &e),
        (_, Err(e)) => return internal(&st, lang, &e),
    };
    let tz = st.settings.booking.timezone;
    let (mut by_day, mut by_state, mut by_service) =
        (BTreeMap::new(), BTreeMap::new(), BTreeMap::new());
    let mut rows = Vec::new();
    for p in &payments {
        let status = p.status();
        let day = p.requested_at.with_timezone(&tz).date_naive().to_string();
        add(&mut by_day, day.clone(), p.amount().minor);
        add(
            &mut by_state,
            st.i18n
                .t(lang, &format!("pay-state-{}", status.state.word()), None),
            p.amount().minor,
        );
        for i in &p.quote.items {
            let name = match i.item {
                Item::WarningFine => st.i18n.t(lang, "hearing-sanction-warning_fine", None),
                _ => st.i18n.t(
                    lang,
                    &format!("service-{}", line_key(&i.item, &slugs)),
                    None,
                ),
            };
            add(&mut by_service, name, i.total.minor);
        }
        let left = p.amount().minor - status.refunded.minor;
        rows.push(context! {
            id => p.id.to_string(),
            day => day,
            booking => p.subject.id().to_owned(),
            amount => amount_text(&st, lang, p.amount().minor),
            way => p.way.map(|w| st.i18n.t(lang, &format!("pay-way-{}", w.word()), None)),
            state => status.state.word(),
            state_text => st.i18n.t(lang, &format!("pay-state-{}", status.state.word()), None),
            refunded => status.refunded.is_positive().then(|| amount_text(&st, lang, status.refunded.minor)),
            refundable => matches!(status.state, PayState::Paid | PayState::PartiallyRefunded),
            left => Money::new(left, st.cashier.currency()).input_text(lang),
            online_refund => p.way.is_some_and(|w| w == vamt_payments::ledger::Way::Paypal),
            markable => p.is_open(),
            error => p.last_error.clone(),
        });
    }
    let finish = |m: BTreeMap<String, Sum>| -> Vec<Sum> {
        m.into_values()
            .map(|mut s| {
                s.amount = amount_text(&st, lang, s.minor);
                s
            })
            .collect()
    };
    let query = format!("from={from}&to={to}");
    render(
        &st,
        StatusCode::OK,
        lang,
        "admin_payments.html",
        &format!("/admin/payments?{query}"),
        context! {
            me,
            from => from.to_string(),
            to => to.to_string(),
            query,
            rows,
            by_day => finish(by_day),
            by_state => finish(by_state),
            by_service => finish(by_service),
            saved => range.saved.is_some(),
            refused => range.refused,
        },
    )
}

/// One CSV cell: quoted when it must be, and never a formula a spreadsheet would run.
pub(crate) fn cell(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

const CSV_COLUMNS: &[&str] = &[
    "payment_id",
    "booking_id",
    "requested_on",
    "requested_at",
    "state",
    "provider",
    "payment_method",
    "provider_ref",
    "paid_ref",
    "paid_on",
    "currency",
    "line_no",
    "service_id",
    "service_key",
    "option_id",
    "quantity",
    "unit_amount",
    "line_amount",
    "payment_amount",
    "refunded_amount",
];

/// `GET /admin/payments.csv`: one row per quote line of each payment (so accounting can book
/// per service; the payment's totals repeat on each of its lines). No names or addresses:
/// who paid is in the case, where access is logged.
pub async fn csv(
    State(st): State<AppState>,
    _: Admin,
    Lang(lang): Lang,
    Query(range): Query<Range>,
) -> Response {
    let (from, to) = range.days(today(&st));
    let (payments, slugs) = match (payments_between(&st, from, to).await, slugs(&st).await) {
        (Ok(p), Ok(s)) => (p, s),
        (Err(e), _) => return internal(&st, lang, &e),
        (_, Err(e)) => return internal(&st, lang, &e),
    };
    let tz = st.settings.booking.timezone;
    let mut out = CSV_COLUMNS.join(",");
    out.push_str("\r\n");
    for p in payments.iter().rev() {
        let status = p.status();
        for (n, i) in p.quote.items.iter().enumerate() {
            let service = service_of(&i.item)
                .map(|s| s.to_string())
                .unwrap_or_default();
            let option = match &i.item {
                Item::Option { option, .. } => option.as_str().to_owned(),
                Item::Service { .. } | Item::WarningFine => String::new(),
            };
            let row = [
                p.id.to_string(),
                p.subject.id().to_owned(),
                p.requested_at.with_timezone(&tz).date_naive().to_string(),
                p.requested_at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
                status.state.word().to_owned(),
                p.way.map(|w| w.word().to_owned()).unwrap_or_default(),
                p.payment_method.clone().unwrap_or_default(),
                status
                    .provider_ref
                    .as_ref()
                    .map(ToString::to_string)
                    .unwrap_or_default(),
                status
                    .paid_ref
                    .as_ref()
                    .map(ToString::to_string)
                    .unwrap_or_default(),
                p.settled_at
                    .filter(|_| status.paid_ref.is_some())
                    .map(|t| t.with_timezone(&tz).date_naive().to_string())
                    .unwrap_or_default(),
                p.amount().currency.code().to_owned(),
                (n + 1).to_string(),
                service,
                line_key(&i.item, &slugs),
                option,
                i.quantity.to_string(),
                i.unit.decimal(),
                i.total.decimal(),
                p.amount().decimal(),
                status.refunded.decimal(),
            ];
            let cells: Vec<String> = row.iter().map(|c| cell(c)).collect();
            out.push_str(&cells.join(","));
            out.push_str("\r\n");
        }
    }
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"payments-{from}-{to}.csv\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        out,
    )
        .into_response()
}

fn back(lang: &str, outcome: Result<(), &str>) -> Response {
    match outcome {
        Ok(()) => Redirect::to(&format!("/admin/payments?lang={lang}&saved=1")).into_response(),
        Err(why) => {
            Redirect::to(&format!("/admin/payments?lang={lang}&refused={why}")).into_response()
        }
    }
}

/// `POST /admin/payments/{id}/paid`: an invoice paid at the counter, or found by eye.
pub async fn mark_paid(
    State(st): State<AppState>,
    Admin(me): Admin,
    Path(id): Path<String>,
    LangForm(Lang(lang), _): LangForm<Vec<(String, String)>>,
) -> Response {
    match st.cashier.mark_paid(&id, me.id).await {
        Ok(_) => back(lang, Ok(())),
        Err(e) => {
            tracing::warn!(error = %e, "marking paid failed");
            back(lang, Err("mark"))
        }
    }
}

/// The refund form.
#[derive(Deserialize)]
pub struct RefundForm {
    amount: String,
    reason: String,
    #[serde(default)]
    reference: String,
}

/// `POST /admin/payments/{id}/refund`
pub async fn refund(
    State(st): State<AppState>,
    Admin(me): Admin,
    Path(id): Path<String>,
    LangForm(Lang(lang), f): LangForm<RefundForm>,
) -> Response {
    let Some(amount) = Money::parse_typed(&f.amount, st.cashier.currency()) else {
        return back(lang, Err("amount"));
    };
    let reference = Some(f.reference.as_str()).filter(|r| !r.trim().is_empty());
    match st
        .cashier
        .refund(&id, amount, &f.reason, reference, me.id)
        .await
    {
        Ok(_) => back(lang, Ok(())),
        Err(CashError::Refund(r)) => back(
            lang,
            Err(match r {
                RefundError::NotPaid => "not_paid",
                RefundError::Amount => "amount",
                RefundError::Reason => "reason",
                RefundError::ReferenceNeeded => "reference",
            }),
        ),
        Err(e) => {
            tracing::warn!(error = %e, "refund failed");
            back(lang, Err("provider"))
        }
    }
}

/// The largest statement file taken (a month of a busy account is a few MB).
const STATEMENT_MAX: usize = 20 * 1024 * 1024;

/// `POST /admin/payments/statement`: a bank statement (CAMT.053) uploaded; the matched lines
/// pay their invoices, the rest is shown as the report for the treasury.
pub async fn statement(
    State(st): State<AppState>,
    _: Admin,
    Lang(lang): Lang,
    mut form: axum::extract::Multipart,
) -> Response {
    let mut xml = None;
    while let Ok(Some(field)) = form.next_field().await {
        if field.name() == Some("statement") {
            match field.bytes().await {
                Ok(b) => xml = Some(b),
                Err(_) => return back(lang, Err("statement")),
            }
        }
    }
    let Some(xml) = xml.filter(|x| !x.is_empty()) else {
        return back(lang, Err("statement"));
    };
    let report = match st.cashier.import_statement(&xml).await {
        Ok(r) => r,
        Err(CashError::Statement(e)) => {
            tracing::warn!(error = %e, "statement refused");
            return back(lang, Err("statement"));
        }
        Err(CashError::Account(_)) => return back(lang, Err("account")),
        Err(e) => return internal(&st, lang, &e),
    };
    let lines: Vec<_> = report
        .lines
        .iter()
        .map(|l| {
            let (outcome, suggested) = match &l.outcome {
                vamt_payments::MatchOutcome::Matched { invoice_number, .. } => {
                    ("matched", Some(invoice_number.clone()))
                }
                vamt_payments::MatchOutcome::Unmatched {
                    reason,
                    suggested_invoice,
                    ..
                } => (reason.code(), suggested_invoice.clone()),
            };
            context! {
                date => l.booking_date.map(|d| format!("{:04}-{:02}-{:02}", d.year, d.month, d.day)),
                amount => l.amount.as_ref().map(|a| format!("{} {}", a.text, a.currency)),
                direction => l.direction.map(|d| d.code()),
                outcome,
                outcome_text => st.i18n.t(lang, &format!("statement-{outcome}"), None),
                reference => l.reference.clone(),
                suggested,
                payer => l.payer.clone(),
                remittance => l.remittance.clone(),
            }
        })
        .collect();
    let s = &report.summary;
    render(
        &st,
        StatusCode::OK,
        lang,
        "admin_statement.html",
        "/admin/payments",
        context! {
            message_id => report.message_id.clone(),
            entries => s.entries,
            credits => s.credits,
            matched => s.matched,
            unmatched => report.lines.len().saturating_sub(s.matched),
            lines,
        },
    )
}

/// An option of a service's fee, as the service page's form sends it.
#[derive(Deserialize)]
pub struct OptionForm {
    option: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    max: String,
    #[serde(default)]
    remove: Option<String>,
}

/// `POST /admin/services/{id}/options`: adds, changes or removes a fee option (an extra
/// copy). Its name comes from the catalogue's texts (`fee-option-<option>`).
pub async fn service_option(
    State(st): State<AppState>,
    _: Admin,
    Path(id): Path<i64>,
    LangForm(Lang(lang), f): LangForm<OptionForm>,
) -> Response {
    use vamt_payments::price_list;
    let to = |outcome: &str| {
        Redirect::to(&format!(
            "/admin/services/{id}?lang={lang}&{outcome}#options"
        ))
        .into_response()
    };
    let Ok(option) = vamt_payments::OptionId::new(f.option.trim()) else {
        return to("option=id");
    };
    let service = vamt_payments::ServiceId(id);
    let result = if f.remove.is_some() {
        price_list::remove_option(&st.db, service, &option).await
    } else {
        let Some(unit) =
            Money::parse_typed(&f.unit, st.cashier.currency()).filter(|m| m.is_positive())
        else {
            return to("option=unit");
        };
        let Some(max) = f
            .max
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|m| (1..=99).contains(m))
        else {
            return to("option=max");
        };
        price_list::set_option(&st.db, service, &option, unit, max).await
    };
    match result {
        Ok(()) => to("saved=1"),
        Err(e) => internal(&st, lang, &e),
    }
}

/// The admins' payment routes.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/admin/services/{id}/options",
            axum::routing::post(service_option),
        )
        .route(
            "/admin/payments/statement",
            axum::routing::post(statement)
                .layer(axum::extract::DefaultBodyLimit::max(STATEMENT_MAX)),
        )
        .route("/admin/payments", axum::routing::get(page))
        .route("/admin/payments.csv", axum::routing::get(csv))
        .route("/admin/payments/{id}/paid", axum::routing::post(mark_paid))
        .route("/admin/payments/{id}/refund", axum::routing::post(refund))
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn csv_cells_are_quoted_and_never_formulas() {
        assert_eq!(cell("29.00"), "29.00");
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("=HYPERLINK(1)"), "'=HYPERLINK(1)");
        assert_eq!(cell("-5"), "'-5");
    }
}
