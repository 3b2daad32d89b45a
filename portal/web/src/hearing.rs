//! The online hearing's citizen pages (docs/hearing.md): sign-in by case number and access
//! code or by the letter's QR link, the case with its evidence photos, the answer, documents,
//! and the receipt. The register (`vamt-hearing`) decides; this module turns requests into
//! its calls and its answers into pages.
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Router;
use cookie::{Cookie, SameSite};
use minijinja::{context, Value};
use serde::{Deserialize, Serialize};
use vamt_hearing::answer::{AnswerField, Fault, FormProblem};
use vamt_hearing::docket::{CaseView, LoginRefusal, Reader};
use vamt_hearing::{Answer, AnswerForm, HearingError, SanctionKind};
use vamt_payments::ledger::{Subject, Way};

use super::door::ClientAddr;
use super::page::{cookie, internal, render, set_cookie, Lang, LangForm};
use crate::AppState;

/// The session cookie of a hearing: only sent to the hearing's pages.
const SESSION_COOKIE: &str = "vamt_hearing";

#[derive(Deserialize, Default)]
pub struct LoginForm {
    #[serde(default)]
    case_number: String,
    #[serde(default)]
    code: String,
}

/// The QR link's query: the case number and the code as printed on the letter.
#[derive(Deserialize, Default)]
pub struct QrQuery {
    #[serde(default)]
    c: String,
    #[serde(default)]
    k: String,
}

/// Why the sign-in page is shown again.
#[derive(Clone, Copy, PartialEq, Eq)]
enum LoginNotice {
    None,
    Typo,
    Refused,
    Throttled(i64),
    SessionExpired,
    LoggedOut,
}

fn login_page(
    st: &AppState,
    lang: &str,
    status: StatusCode,
    case_number: &str,
    notice: LoginNotice,
) -> Response {
    let (error, minutes, info) = match notice {
        LoginNotice::None => (None, 0, None),
        LoginNotice::Typo => (Some("hearing-error-typo"), 0, None),
        LoginNotice::Refused => (Some("hearing-error-refused"), 0, None),
        LoginNotice::Throttled(m) => (Some("hearing-error-throttled"), m, None),
        LoginNotice::SessionExpired => (None, 0, Some("hearing-session-expired")),
        LoginNotice::LoggedOut => (None, 0, Some("hearing-logged-out")),
    };
    // The typo is the code's; a refusal names neither field, since it must not tell which
    // of the two was wrong.
    let field = match notice {
        LoginNotice::Typo => "code",
        _ => "case_number",
    };
    render(
        st,
        status,
        lang,
        "hearing_login.html",
        "/hearing",
        context! { error, minutes, info, field, case_number },
    )
}

/// `GET /hearing`
async fn start(
    State(st): State<AppState>,
    Lang(lang): Lang,
    headers: axum::http::HeaderMap,
) -> Response {
    if let Some(token) = cookie(&headers, SESSION_COOKIE) {
        if let Ok(Some(_)) = st.hearings.session(&token).await {
            return Redirect::to("/hearing/case").into_response();
        }
    }
    login_page(&st, lang, StatusCode::OK, "", LoginNotice::None)
}

/// `POST /hearing/login`
async fn login(
    State(st): State<AppState>,
    client: ClientAddr,
    LangForm(Lang(lang), f): LangForm<LoginForm>,
) -> Response {
    sign_in(&st, lang, &client, &f.case_number, &f.code).await
}

/// `GET /hearing/qr?c=…&k=…`: the letter's QR code signs in at once.
async fn qr(
    State(st): State<AppState>,
    client: ClientAddr,
    Lang(lang): Lang,
    Query(q): Query<QrQuery>,
) -> Response {
    sign_in(&st, lang, &client, &q.c, &q.k).await
}

async fn sign_in(
    st: &AppState,
    lang: &str,
    client: &ClientAddr,
    case_number: &str,
    code: &str,
) -> Response {
    let now = st.now();
    let case_key = vamt_hearing::CaseNumber::parse(case_number)
        .map_or_else(|| case_number.trim().to_lowercase(), |c| c.to_string());
    let source = client.bucket();
    let waits = [
        st.hearing_sign_in.accounts.check(&case_key, now),
        st.hearing_sign_in.clients.check(&source, now),
    ];
    if let Some(wait) = waits.iter().filter_map(|w| w.err()).max() {
        tracing::warn!(client = %source, wait_seconds = wait.num_seconds(), "hearing sign-in refused during back-off");
        let minutes = ((wait.num_seconds() + 59) / 60).max(1);
        let mut resp = login_page(
            st,
            lang,
            StatusCode::TOO_MANY_REQUESTS,
            case_number,
            LoginNotice::Throttled(minutes),
        );
        if let Ok(v) = HeaderValue::from_str(&wait.num_seconds().max(1).to_string()) {
            resp.headers_mut().insert(header::RETRY_AFTER, v);
        }
        return resp;
    }
    match st.hearings.login(case_number, code).await {
        Ok(Ok((token, _))) => {
            st.hearing_sign_in.accounts.succeeded(&case_key);
            let c = Cookie::build((SESSION_COOKIE, token))
                .path("/hearing")
                .http_only(true)
                // The QR link is opened from a camera app: a top-level navigation from
                // elsewhere, whose redirect must carry the cookie.
                .same_site(SameSite::Lax)
                .secure(st.settings.http.public_url.starts_with("https://"))
                .build();
            let mut resp = Redirect::to("/hearing/case").into_response();
            set_cookie(&mut resp, c);
            resp
        }
        Ok(Err(LoginRefusal::Typo)) => login_page(
            st,
            lang,
            StatusCode::UNPROCESSABLE_ENTITY,
            case_number,
            LoginNotice::Typo,
        ),
        Ok(Err(LoginRefusal::Refused)) => {
            st.hearing_sign_in.accounts.failed(&case_key, now);
            st.hearing_sign_in.clients.failed(&source, now);
            login_page(
                st,
                lang,
                StatusCode::UNAUTHORIZED,
                case_number,
                LoginNotice::Refused,
            )
        }
        Ok(Err(LoginRefusal::Expired(deadline))) => {
            let date = st.i18n.local_date(lang, deadline);
            render(
                st,
                StatusCode::GONE,
                lang,
                "hearing_expired.html",
                "/hearing",
                context! { date },
            )
        }
        Err(e) => internal(st, lang, &e),
    }
}

/// The case of the request's session, or the sign-in page.
async fn session(
    st: &AppState,
    headers: &axum::http::HeaderMap,
    lang: &str,
) -> Result<String, Response> {
    let Some(token) = cookie(headers, SESSION_COOKIE) else {
        return Err(Redirect::to("/hearing").into_response());
    };
    match st.hearings.session(&token).await {
        Ok(Some(id)) => Ok(id),
        Ok(None) => Err(login_page(
            st,
            lang,
            StatusCode::UNAUTHORIZED,
            "",
            LoginNotice::SessionExpired,
        )),
        Err(e) => Err(internal(st, lang, &e)),
    }
}

/// The case of the request's hearing session, for the pages behind the sign-in; without a
/// session the sign-in page answers (the one place that decides it).
pub struct CaseSession(String);

impl axum::extract::FromRequestParts<AppState> for CaseSession {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        st: &AppState,
    ) -> Result<Self, Response> {
        let lang = super::page::lang(super::page::query_lang(&parts.uri), &parts.headers);
        session(st, &parts.headers, lang).await.map(CaseSession)
    }
}

/// `POST /hearing/logout`
async fn logout(
    State(st): State<AppState>,
    Lang(lang): Lang,
    headers: axum::http::HeaderMap,
) -> Response {
    if let Some(token) = cookie(&headers, SESSION_COOKIE) {
        if let Err(e) = st.hearings.logout(&token).await {
            return internal(&st, lang, &e);
        }
    }
    let mut resp = login_page(&st, lang, StatusCode::OK, "", LoginNotice::LoggedOut);
    set_cookie(
        &mut resp,
        Cookie::build((SESSION_COOKIE, ""))
            .path("/hearing")
            .max_age(cookie::time::Duration::ZERO)
            .build(),
    );
    resp
}

#[derive(Deserialize, Default)]
pub struct CaseQuery {
    #[serde(default)]
    saved: Option<String>,
    #[serde(default)]
    upload: Option<String>,
}

/// One problem as the page's error summary lists it.
#[derive(Serialize)]
struct Shown {
    field: &'static str,
    text: String,
}

/// What the case page shows of an answer.
#[derive(Serialize, Default)]
struct AnswerShown {
    kind: &'static str,
    statement: String,
    driver: Option<vamt_hearing::Address>,
    born_on: String,
}

fn field_label(field: AnswerField) -> &'static str {
    match field {
        AnswerField::Kind => "hearing-kind-legend",
        AnswerField::Statement => "hearing-statement",
        AnswerField::DriverName => "hearing-driver-name",
        AnswerField::DriverStreet | AnswerField::OwnStreet => "hearing-street",
        AnswerField::DriverPostcode | AnswerField::OwnPostcode => "hearing-postcode",
        AnswerField::DriverCity | AnswerField::OwnCity => "hearing-city",
        AnswerField::DriverCountry | AnswerField::OwnCountry => "hearing-country",
        AnswerField::DriverBornOn => "hearing-born-on",
    }
}

fn problem_text(st: &AppState, lang: &str, p: &FormProblem) -> String {
    let mut args = fluent_bundle::FluentArgs::new();
    args.set("field", st.i18n.t(lang, field_label(p.field), None));
    let key = match (p.field, p.fault) {
        (AnswerField::Kind, _) => "hearing-problem-kind",
        (_, Fault::ImplausibleAge) => "hearing-problem-born-on",
        (AnswerField::DriverPostcode | AnswerField::OwnPostcode, Fault::Invalid) => {
            "hearing-problem-postcode"
        }
        (_, Fault::Missing) => "hearing-problem-missing",
        (_, Fault::TooLong) => "hearing-problem-too-long",
        (_, Fault::Invalid) => "hearing-problem-invalid",
    };
    st.i18n.t(lang, key, Some(&args))
}

async fn case_page(
    st: &AppState,
    lang: &str,
    view: &CaseView,
    status: StatusCode,
    problems: &[FormProblem],
    typed: Option<&AnswerForm>,
    notice: Value,
) -> Response {
    let c = &view.case;
    let tz = st.settings.booking.timezone;
    let (offence_date, offence_time) = {
        use chrono::TimeZone;
        let at = tz
            .from_local_datetime(&c.committed_at)
            .earliest()
            .map_or_else(|| c.committed_at.and_utc(), |t| t.to_utc());
        st.i18n.local_date_time(tz, lang, at)
    };
    let deadline = st.i18n.local_date(lang, c.deadline);
    let today = st.hearings.today();
    let open = view.state != vamt_hearing::docket::CaseState::Processed && today <= c.deadline;
    let answer = view.submission.as_ref().map(|s| match &s.answer {
        Answer::Admit { remark } => AnswerShown {
            kind: "admit",
            statement: remark.clone(),
            ..AnswerShown::default()
        },
        Answer::Contest { statement } => AnswerShown {
            kind: "contest",
            statement: statement.clone(),
            ..AnswerShown::default()
        },
        Answer::Driver {
            driver,
            born_on,
            remark,
        } => AnswerShown {
            kind: "driver",
            statement: remark.clone(),
            driver: Some(driver.clone()),
            born_on: born_on.to_string(),
        },
    });
    let answered = view
        .answered_at
        .map(|t| st.i18n.local_date_time(tz, lang, t));
    let shown: Vec<Shown> = problems
        .iter()
        .map(|p| Shown {
            field: p.field.as_str(),
            text: problem_text(st, lang, p),
        })
        .collect();
    // The form shows what was typed (after a refusal) or the stored answer.
    let form = match typed {
        Some(f) => context! {
            kind => f.kind.clone(), statement => f.statement.clone(),
            driver_name => f.driver_name.clone(), driver_street => f.driver_street.clone(),
            driver_postcode => f.driver_postcode.clone(), driver_city => f.driver_city.clone(),
            driver_country => f.driver_country.clone(), driver_born_on => f.driver_born_on.clone(),
            correct_address => f.correct_address.is_some(), own_street => f.own_street.clone(),
            own_postcode => f.own_postcode.clone(), own_city => f.own_city.clone(), own_country => f.own_country.clone(),
        },
        None => {
            let a = answer.as_ref();
            let d = a.and_then(|a| a.driver.as_ref());
            let own = view
                .submission
                .as_ref()
                .and_then(|s| s.corrected_address.as_ref());
            context! {
                kind => a.map(|a| a.kind), statement => a.map(|a| a.statement.clone()),
                driver_name => d.map(|d| d.name.clone()), driver_street => d.map(|d| d.street.clone()),
                driver_postcode => d.map(|d| d.postcode.clone()), driver_city => d.map(|d| d.city.clone()),
                driver_country => d.map(|d| d.country.clone()), driver_born_on => a.map(|a| a.born_on.clone()),
                correct_address => own.is_some(), own_street => own.map(|o| o.street.clone()),
                own_postcode => own.map(|o| o.postcode.clone()), own_city => own.map(|o| o.city.clone()),
                own_country => own.map(|o| o.country.clone()),
            }
        }
    };
    let amount = super::pay::money_words(&st.i18n, lang, c.sanction.amount);
    let evidence_count = view.evidence.len();
    render(
        st,
        status,
        lang,
        "hearing_case.html",
        "/hearing/case",
        context! {
            case => Value::from_serialize(c),
            offence_date, offence_time, deadline, amount, open,
            sanction => c.sanction.kind.as_str(),
            evidence => Value::from_serialize(&view.evidence), evidence_count,
            uploads => Value::from_serialize(&view.uploads),
            answer => Value::from_serialize(&answer),
            answered => answered.map(|(d, t)| context! { date => d, time => t }),
            problems => Value::from_serialize(&shown),
            form, notice,
            processed => view.state == vamt_hearing::docket::CaseState::Processed,
            paid => view.paid_at.is_some(),
            max_mb => st.hearings.settings.max_upload_bytes / 1_000_000,
            max_uploads => st.hearings.settings.max_uploads,
            pay_ways => online_ways(st).iter().map(|w| w.word()).collect::<Vec<_>>(),
        },
    )
}

/// `GET /hearing/case`
async fn case(
    State(st): State<AppState>,
    Lang(lang): Lang,
    CaseSession(id): CaseSession,
    Query(q): Query<CaseQuery>,
) -> Response {
    let view = match st.hearings.view(&id, Reader::Citizen).await {
        Ok(v) => v,
        Err(e) => return internal(&st, lang, &e),
    };
    // The document just added is the newest (its name is not carried in the address).
    let name = view.uploads.last().map(|u| u.name.clone());
    let notice = context! { saved => q.saved, upload => q.upload, name };
    case_page(&st, lang, &view, StatusCode::OK, &[], None, notice).await
}

/// `POST /hearing/answer`
async fn answer(
    State(st): State<AppState>,
    CaseSession(id): CaseSession,
    LangForm(Lang(lang), form): LangForm<AnswerForm>,
) -> Response {
    let view = match st.hearings.view(&id, Reader::Citizen).await {
        Ok(v) => v,
        Err(e) => return internal(&st, lang, &e),
    };
    let checked = form.check(
        view.case.committed_at.date(),
        st.hearings.today(),
        &view.case.addressee.name,
    );
    match checked {
        Err(problems) => {
            case_page(
                &st,
                lang,
                &view,
                StatusCode::UNPROCESSABLE_ENTITY,
                &problems,
                Some(&form),
                context! {},
            )
            .await
        }
        Ok(submission) => match st.hearings.answer(&id, &submission).await {
            Ok(()) => Redirect::to("/hearing/case?saved=answer#answer").into_response(),
            Err(HearingError::PastDeadline | HearingError::Processed) => {
                Redirect::to("/hearing/case?saved=closed").into_response()
            }
            Err(e) => internal(&st, lang, &e),
        },
    }
}

/// `POST /hearing/upload` (multipart, field `file`)
async fn upload(
    State(st): State<AppState>,
    Lang(lang): Lang,
    CaseSession(id): CaseSession,
    mut form: Multipart,
) -> Response {
    let mut file = None;
    while let Ok(Some(field)) = form.next_field().await {
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or_default().to_owned();
            match field.bytes().await {
                Ok(b) => file = Some((name, b)),
                Err(_) => {
                    return Redirect::to("/hearing/case?upload=too-large#documents").into_response()
                }
            }
        }
    }
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return Redirect::to("/hearing/case?upload=type#documents").into_response();
    };
    let to = |outcome: &str| {
        Redirect::to(&format!("/hearing/case?upload={outcome}#documents")).into_response()
    };
    match st.hearings.upload(&id, &name, &bytes).await {
        Ok(_) => to("added"),
        Err(HearingError::TooLarge) => to("too-large"),
        Err(HearingError::FileType) => to("type"),
        Err(HearingError::TooManyUploads) => to("too-many"),
        Err(HearingError::PastDeadline | HearingError::Processed) => {
            Redirect::to("/hearing/case?saved=closed").into_response()
        }
        Err(e) => internal(&st, lang, &e),
    }
}

/// `GET /hearing/evidence/{id}`: a photo of the session's case, never cached on the way.
async fn evidence(
    State(st): State<AppState>,
    Lang(lang): Lang,
    CaseSession(id): CaseSession,
    Path(evidence_id): Path<String>,
) -> Response {
    match st.hearings.evidence(&id, &evidence_id).await {
        Ok((media_type, bytes)) => private_file(&media_type, bytes, None),
        Err(HearingError::NotFound) => {
            super::page::error_page(&st, lang, super::page::PageError::NotFound)
        }
        Err(e) => internal(&st, lang, &e),
    }
}

#[derive(Deserialize, Default)]
pub struct PayForm {
    #[serde(default)]
    way: String,
}

/// The online ways a warning fine can be paid (an invoice would be a second letter).
fn online_ways(st: &AppState) -> Vec<Way> {
    st.cashier
        .ways()
        .into_iter()
        .filter(|w| w.online())
        .collect()
}

/// `POST /hearing/pay`: the warning fine through the payment module, to the provider's page;
/// an open payment of the case is taken on, not asked for twice.
async fn pay(
    State(st): State<AppState>,
    CaseSession(id): CaseSession,
    LangForm(Lang(lang), form): LangForm<PayForm>,
) -> Response {
    let view = match st.hearings.view(&id, Reader::Citizen).await {
        Ok(v) => v,
        Err(e) => return internal(&st, lang, &e),
    };
    let ways = online_ways(&st);
    let way = Way::parse(&form.way).filter(|w| ways.contains(w));
    let payable = view.case.sanction.kind == SanctionKind::WarningFine && view.paid_at.is_none();
    let Some(way) = way.filter(|_| payable) else {
        return Redirect::to("/hearing/case#pay").into_response();
    };
    let subject = Subject::Hearing(id.clone());
    let stored = match vamt_payments::ledger::of_subject(&st.db, &subject).await {
        Ok(Some(open)) if open.is_open() => open,
        Ok(_) => {
            let quote = vamt_payments::Quote::warning_fine(view.case.sanction.amount);
            match st.cashier.request(&subject, None, &quote, &ways).await {
                Ok(p) => p,
                Err(e) => return internal(&st, lang, &e),
            }
        }
        Err(e) => return internal(&st, lang, &e),
    };
    // The transfer's text on the office's bank statement (27 characters at some platforms):
    // VG (Verwarnungsgeld) and the case number.
    let purpose = format!("VG {}", view.case.case_number);
    super::pay::begin(&st, lang, &stored, way, purpose).await
}

/// `GET /hearing/receipt.pdf`: what the citizen submitted, as a PDF in their language.
async fn receipt(
    State(st): State<AppState>,
    Lang(lang): Lang,
    CaseSession(id): CaseSession,
) -> Response {
    let view = match st.hearings.view(&id, Reader::Citizen).await {
        Ok(v) => v,
        Err(e) => return internal(&st, lang, &e),
    };
    match receipt_pdf(&st, lang, &view) {
        Ok(Some(bytes)) => private_file(
            "application/pdf",
            bytes,
            Some(&format!("receipt-{}.pdf", view.case.case_number)),
        ),
        Ok(None) => Redirect::to("/hearing/case").into_response(),
        Err(e) => internal(&st, lang, &e),
    }
}

/// The receipt of what was submitted for `view`'s case, in `lang`; `None` before an answer.
/// The citizen downloads it, and the office's export carries it (in German).
pub(crate) fn receipt_pdf(
    st: &AppState,
    lang: &str,
    view: &CaseView,
) -> Result<Option<Vec<u8>>, String> {
    let (Some(submission), Some(at)) = (&view.submission, view.answered_at) else {
        return Ok(None);
    };
    let fonts = super::pdf_text::fonts()?;
    let t = |key: &str| st.i18n.t(lang, key, None);
    let (date, time) = st
        .i18n
        .local_date_time(st.settings.booking.timezone, lang, at);
    let mut when = fluent_bundle::FluentArgs::new();
    when.set("date", date);
    when.set("time", time);
    let address = |a: &vamt_hearing::Address| {
        format!(
            "{}\n{}\n{} {}\n{}",
            a.name, a.street, a.postcode, a.city, a.country
        )
    };
    let kind = submission.answer.kind().as_str();
    let mut facts = vec![
        (t("hearing-case-number"), view.case.case_number.to_string()),
        (
            t("hearing-receipt-received"),
            st.i18n.t(lang, "hearing-when-value", Some(&when)),
        ),
        (
            t("hearing-receipt-answer"),
            t(&format!("hearing-answer-{kind}")),
        ),
    ];
    let statement = match &submission.answer {
        Answer::Admit { remark } | Answer::Driver { remark, .. } => remark,
        Answer::Contest { statement } => statement,
    };
    if !statement.is_empty() {
        facts.push((t("hearing-statement"), statement.clone()));
    }
    if let Answer::Driver {
        driver, born_on, ..
    } = &submission.answer
    {
        facts.push((
            t("hearing-driver-legend"),
            format!(
                "{}\n{}: {}",
                address(driver),
                t("hearing-born-on"),
                st.i18n.local_date(lang, *born_on)
            ),
        ));
    }
    if let Some(own) = &submission.corrected_address {
        facts.push((t("hearing-own-address-legend"), address(own)));
    }
    if !view.uploads.is_empty() {
        let names: Vec<&str> = view.uploads.iter().map(|u| u.name.as_str()).collect();
        facts.push((t("hearing-receipt-documents"), names.join("\n")));
    }
    let mut number = fluent_bundle::FluentArgs::new();
    number.set("number", view.case.case_number.to_string());
    let letterhead = super::hearing_office::letterhead(st, lang);
    let doc = vamt_pdf::HearingReceiptDoc {
        letterhead: &letterhead,
        title: &t("hearing-receipt-title"),
        intro: &st.i18n.t(lang, "hearing-receipt-intro", Some(&number)),
        facts: &facts,
        footer: &st.hearings.settings.footer,
        direction: super::pdf_text::direction(lang),
    };
    vamt_pdf::hearing_receipt_pdf(&doc, fonts)
        .map(Some)
        .map_err(|e| e.to_string())
}

/// A file only its reader may have: no copy in a proxy or the browser's disk cache.
pub(crate) fn private_file(
    media_type: &str,
    bytes: Vec<u8>,
    download_name: Option<&str>,
) -> Response {
    let mut resp = (StatusCode::OK, bytes).into_response();
    let h = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(media_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    h.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    if let Some(name) = download_name {
        let ascii: String = name
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
            .collect();
        if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{ascii}\"")) {
            h.insert(header::CONTENT_DISPOSITION, v);
        }
    }
    resp
}

/// The citizen's hearing routes.
pub(crate) fn routes() -> Router<AppState> {
    use axum::routing::{get, post};
    Router::new()
        .route("/hearing", get(start))
        .route("/hearing/login", post(login))
        .route("/hearing/qr", get(qr))
        .route("/hearing/logout", post(logout))
        .route("/hearing/case", get(case))
        .route("/hearing/answer", post(answer))
        .route(
            "/hearing/upload",
            // The limit plus room for the form's envelope; larger bodies stop at the door.
            post(upload).layer(axum::extract::DefaultBodyLimit::max(101 * 1_000_000)),
        )
        .route("/hearing/evidence/{id}", get(evidence))
        .route("/hearing/receipt.pdf", get(receipt))
        .route("/hearing/pay", post(pay))
}
