//! The fines office's side of the online hearing (docs/hearing.md): the cases with filters,
//! the import (a page upload, and the API for the offence-processing system with a token
//! per system), the letters, one case (every view audited), marking cases as taken over,
//! and the export of the answers for the case system.
use std::collections::HashMap;

use axum::extract::{Multipart, Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Json, Router};
use minijinja::{context, Value};
use serde::{Deserialize, Serialize};
use vamt_hearing::docket::{CaseRow, CaseView, Filter, ImportReport, Reader};
use vamt_hearing::import::{self, Format, LineProblem};
use vamt_hearing::{Answer, HearingError};

use super::guard::Admin;
use super::page::{internal, render, Lang, LangForm};
use crate::AppState;

/// The largest import: a day's cases with their photos (20 000 cases of JSON are ~20 MB;
/// photos of a few hundred cases more).
const IMPORT_MAX: usize = 200 * 1_000_000;

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    show: Option<String>,
    #[serde(default)]
    processed: Option<usize>,
}

/// A refused line as the page shows it.
#[derive(Serialize)]
struct ProblemShown {
    line: usize,
    text: String,
}

fn problems_shown(st: &AppState, lang: &str, problems: &[LineProblem]) -> Vec<ProblemShown> {
    problems
        .iter()
        .map(|p| {
            let mut args = fluent_bundle::FluentArgs::new();
            args.set("detail", p.problem.detail());
            let problem = st.i18n.t(
                lang,
                &format!("hearing-import-problem-{}", p.problem.word()),
                Some(&args),
            );
            let mut line = fluent_bundle::FluentArgs::new();
            line.set("line", p.line);
            line.set("problem", problem);
            ProblemShown {
                line: p.line,
                text: st.i18n.t(lang, "hearing-import-line", Some(&line)),
            }
        })
        .collect()
}

async fn list_page(
    st: &AppState,
    lang: &str,
    status: StatusCode,
    show: &str,
    extra: Value,
) -> Response {
    let rows = match st.hearings.list(Filter::parse(show), 500).await {
        Ok(r) => r,
        Err(e) => return internal(st, lang, &e),
    };
    let without_letter = match st.hearings.without_letter().await {
        Ok(ids) => ids.len(),
        Err(e) => return internal(st, lang, &e),
    };
    let rows: Vec<Value> = rows.iter().map(|r| row_value(st, lang, r)).collect();
    render(
        st,
        status,
        lang,
        "admin_hearing.html",
        "/admin/hearing",
        context! {
            rows, show, without_letter,
            filters => ["all", "new", "contested", "driver", "paid", "unanswered", "processed"],
            ..extra
        },
    )
}

fn row_value(st: &AppState, lang: &str, r: &CaseRow) -> Value {
    let tz = st.settings.booking.timezone;
    let money = vamt_portal_core::money::Currency::parse(&r.currency)
        .map(|c| {
            super::pay::money_words(
                &st.i18n,
                lang,
                vamt_portal_core::money::Money::new(r.amount_minor, c),
            )
        })
        .unwrap_or_default();
    context! {
        id => r.id.clone(), case_number => r.case_number.clone(), state => r.state.as_str(),
        answer => r.answer.map(|a| a.as_str()), amended => r.amended,
        received => r.answered_at.map(|t| { let (d, h) = st.i18n.local_date_time(tz, lang, t); format!("{d}, {h}") }),
        deadline => st.i18n.local_date(lang, r.deadline), sanction => r.sanction.clone(), amount => money,
        paid => r.paid_at.is_some(), erased => r.erased, letter => r.letter_at.is_some(),
    }
}

/// `GET /admin/hearing`
async fn page(
    State(st): State<AppState>,
    _: Admin,
    Lang(lang): Lang,
    Query(q): Query<ListQuery>,
) -> Response {
    let show = q.show.unwrap_or_else(|| "all".to_owned());
    list_page(
        &st,
        lang,
        StatusCode::OK,
        &show,
        context! { processed => q.processed },
    )
    .await
}

/// The parts of an import: the case file and the photos by their file names.
struct Upload {
    file_name: String,
    file: Vec<u8>,
    photos: HashMap<String, Vec<u8>>,
}

async fn read_upload(mut form: Multipart) -> Option<Upload> {
    let mut file = None;
    let mut photos = HashMap::new();
    while let Ok(Some(field)) = form.next_field().await {
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field.file_name().unwrap_or_default().to_owned();
        let bytes = field.bytes().await.ok()?;
        match name.as_str() {
            "file" if !bytes.is_empty() => file = Some((file_name, bytes.to_vec())),
            "photos" if !bytes.is_empty() => {
                photos.insert(file_name, bytes.to_vec());
            }
            _ => {}
        }
    }
    let (file_name, file) = file?;
    Some(Upload {
        file_name,
        file,
        photos,
    })
}

/// What an import came to: stored, or refused with every bad line.
enum Imported {
    Done(ImportReport),
    Refused(Vec<LineProblem>),
}

async fn run_import(
    st: &AppState,
    upload: &Upload,
    source: &str,
) -> Result<Imported, HearingError> {
    let format = Format::detect(&upload.file_name, &upload.file);
    let lines = match import::read(format, &upload.file) {
        Ok(lines) => lines,
        Err(problems) => {
            st.hearings.metrics.imports_refused.inc();
            return Ok(Imported::Refused(problems));
        }
    };
    Ok(
        match st.hearings.import(&lines, &upload.photos, source).await? {
            Ok(report) => {
                tracing::info!(
                    source,
                    new = report.new,
                    updated = report.updated,
                    unchanged = report.unchanged,
                    "hearing cases imported"
                );
                Imported::Done(report)
            }
            Err(problems) => Imported::Refused(problems),
        },
    )
}

/// `POST /admin/hearing/import` (multipart: `file`, any number of `photos`)
async fn import_page(
    State(st): State<AppState>,
    Admin(clerk): Admin,
    Lang(lang): Lang,
    form: Multipart,
) -> Response {
    let Some(upload) = read_upload(form).await else {
        return Redirect::to("/admin/hearing").into_response();
    };
    match run_import(&st, &upload, &format!("clerk:{}", clerk.id)).await {
        Ok(Imported::Done(report)) => {
            list_page(
                &st,
                lang,
                StatusCode::OK,
                "all",
                context! { report => Value::from_serialize(&report) },
            )
            .await
        }
        Ok(Imported::Refused(problems)) => {
            let shown = problems_shown(&st, lang, &problems);
            list_page(
                &st,
                lang,
                StatusCode::UNPROCESSABLE_ENTITY,
                "all",
                context! { refused => Value::from_serialize(&shown) },
            )
            .await
        }
        Err(e) => internal(&st, lang, &e),
    }
}

/// `POST /api/v1/hearing/imports`: the offence-processing system sends a case file
/// (multipart as the page's, or the bare file as `application/x-ndjson` or `text/csv`)
/// with `Authorization: Bearer <its token>`.
async fn import_api(
    State(st): State<AppState>,
    headers: HeaderMap,
    req: axum::extract::Request,
) -> Response {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default()
        .trim()
        .to_owned();
    let source = match st.hearings.source_of(&token).await {
        Ok(Some(s)) if !token.is_empty() => s,
        Ok(_) => {
            tracing::warn!("hearing import refused: unknown token");
            return api_error(StatusCode::UNAUTHORIZED, "unauthorized", Vec::new());
        }
        Err(e) => {
            tracing::error!(error = %e, "hearing import failed");
            return api_error(StatusCode::INTERNAL_SERVER_ERROR, "internal", Vec::new());
        }
    };
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let upload = if content_type.starts_with("multipart/form-data") {
        let Ok(form) =
            <Multipart as axum::extract::FromRequest<AppState>>::from_request(req, &st).await
        else {
            return api_error(StatusCode::BAD_REQUEST, "bad_request", Vec::new());
        };
        read_upload(form).await
    } else {
        let Ok(bytes) = axum::body::to_bytes(req.into_body(), IMPORT_MAX).await else {
            return api_error(StatusCode::PAYLOAD_TOO_LARGE, "too_large", Vec::new());
        };
        let file_name = if content_type.starts_with("text/csv") {
            "cases.csv"
        } else {
            "cases.jsonl"
        };
        Some(Upload {
            file_name: file_name.to_owned(),
            file: bytes.to_vec(),
            photos: HashMap::new(),
        })
    };
    let Some(upload) = upload else {
        return api_error(StatusCode::BAD_REQUEST, "bad_request", Vec::new());
    };
    match run_import(&st, &upload, &format!("api:{source}")).await {
        Ok(Imported::Done(report)) => (StatusCode::OK, Json(report)).into_response(),
        Ok(Imported::Refused(problems)) => {
            let lines = problems
                .iter()
                .map(|p| serde_json::json!({ "line": p.line, "problem": p.problem.word(), "detail": p.problem.detail() }))
                .collect();
            api_error(StatusCode::UNPROCESSABLE_ENTITY, "import_refused", lines)
        }
        Err(e) => {
            tracing::error!(error = %e, "hearing import failed");
            api_error(StatusCode::INTERNAL_SERVER_ERROR, "internal", Vec::new())
        }
    }
}

fn api_error(status: StatusCode, code: &str, lines: Vec<serde_json::Value>) -> Response {
    let mut body = serde_json::json!({ "error": { "code": code } });
    if !lines.is_empty() {
        body["error"]["lines"] = serde_json::Value::Array(lines);
    }
    (status, Json(body)).into_response()
}

/// `GET /admin/hearing/cases/{id}`: one case, its answer and documents; the view is audited.
async fn case_page(
    State(st): State<AppState>,
    Admin(clerk): Admin,
    Lang(lang): Lang,
    Path(id): Path<String>,
) -> Response {
    let actor = format!("clerk:{}", clerk.id);
    let log = match st.hearings.audit_log(&id).await {
        Ok(l) => l,
        Err(e) => return internal(&st, lang, &e),
    };
    let tz = st.settings.booking.timezone;
    let log: Vec<Value> = log
        .iter()
        .map(|(at, who, what)| {
            let (d, h) = st.i18n.local_date_time(tz, lang, *at);
            context! { at => format!("{d}, {h}"), actor => who, event => what }
        })
        .collect();
    let view = match st.hearings.view(&id, Reader::Staff(&actor)).await {
        Ok(v) => Some(v),
        Err(HearingError::NotFound | HearingError::Sealed) => None,
        Err(e) => return internal(&st, lang, &e),
    };
    let Some(view) = view else {
        return render(
            &st,
            StatusCode::OK,
            lang,
            "admin_hearing_case.html",
            "/admin/hearing",
            context! { erased => true, log, id },
        );
    };
    render(
        &st,
        StatusCode::OK,
        lang,
        "admin_hearing_case.html",
        &format!("/admin/hearing/cases/{id}"),
        context! {
            id, log,
            case => Value::from_serialize(&view.case),
            submission => Value::from_serialize(&view.submission),
            answer_kind => view.submission.as_ref().map(|s| s.answer.kind().as_str()),
            uploads => Value::from_serialize(&view.uploads),
            state => view.state.as_str(),
        },
    )
}

/// `GET /admin/hearing/cases/{id}/uploads/{upload}`: a citizen's document (audited).
async fn upload_file(
    State(st): State<AppState>,
    Admin(clerk): Admin,
    Lang(lang): Lang,
    Path((id, upload)): Path<(String, String)>,
) -> Response {
    match st.hearings.upload_bytes(&id, &upload).await {
        Ok((media, bytes)) => {
            if let Err(e) = st
                .hearings
                .audit(&id, &format!("clerk:{}", clerk.id), "downloaded")
                .await
            {
                return internal(&st, lang, &e);
            }
            super::hearing::private_file(&media, bytes, Some(&upload))
        }
        Err(HearingError::NotFound) => {
            super::page::error_page(&st, lang, super::page::PageError::NotFound)
        }
        Err(e) => internal(&st, lang, &e),
    }
}

#[derive(Deserialize, Default)]
pub struct ProcessedForm {
    #[serde(default)]
    ids: String,
}

/// `POST /admin/hearing/processed` (`ids`: the case IDs, separated by commas or spaces)
async fn processed(
    State(st): State<AppState>,
    Admin(clerk): Admin,
    LangForm(Lang(lang), f): LangForm<ProcessedForm>,
) -> Response {
    let ids: Vec<String> = f
        .ids
        .split([',', ' ', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    match st
        .hearings
        .mark_processed(&ids, &format!("clerk:{}", clerk.id))
        .await
    {
        Ok(n) => Redirect::to(&format!(
            "/admin/hearing?show=processed&processed={n}&lang={lang}"
        ))
        .into_response(),
        Err(e) => internal(&st, lang, &e),
    }
}

/// One answered case as the export writes it.
#[derive(Serialize)]
struct ExportRecord {
    case_number: String,
    state: &'static str,
    answer: &'static str,
    answered_at: Option<String>,
    amended: bool,
    statement: String,
    driver: Option<vamt_hearing::Address>,
    driver_born_on: Option<String>,
    corrected_address: Option<vamt_hearing::Address>,
    documents: Vec<String>,
    paid_at: Option<String>,
}

/// The answered cases not yet taken over, each as the export writes it and as viewed (for
/// its receipt and documents).
async fn export_records(
    st: &AppState,
    actor: &str,
) -> Result<Vec<(ExportRecord, CaseView)>, HearingError> {
    let mut out = Vec::new();
    for row in st.hearings.list(Filter::New, 10_000).await? {
        let view = st.hearings.view(&row.id, Reader::Staff(actor)).await?;
        let Some(s) = view.submission.clone() else {
            continue;
        };
        let (statement, driver, born) = match s.answer {
            Answer::Admit { remark } => (remark, None, None),
            Answer::Contest { statement } => (statement, None, None),
            Answer::Driver {
                driver,
                born_on,
                remark,
            } => (remark, Some(driver), Some(born_on.to_string())),
        };
        let record = ExportRecord {
            case_number: row.case_number,
            state: row.state.as_str(),
            answer: row.answer.map_or("", |a| a.as_str()),
            answered_at: row.answered_at.map(|t| t.to_rfc3339()),
            amended: row.amended,
            statement,
            driver,
            driver_born_on: born,
            corrected_address: s.corrected_address,
            documents: view
                .uploads
                .iter()
                .map(|u| format!("{}:{}", u.id, u.name))
                .collect(),
            paid_at: row.paid_at.map(|t| t.to_rfc3339()),
        };
        out.push((record, view));
    }
    Ok(out)
}

/// `GET /admin/hearing/export.json`: the answered cases not yet taken over.
async fn export_json(
    State(st): State<AppState>,
    Admin(clerk): Admin,
    Lang(lang): Lang,
) -> Response {
    match export_records(&st, &format!("clerk:{}", clerk.id)).await {
        Ok(records) => {
            let records: Vec<&ExportRecord> = records.iter().map(|(r, _)| r).collect();
            let mut resp = Json(records).into_response();
            resp.headers_mut().insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, no-store"),
            );
            resp.headers_mut().insert(
                header::CONTENT_DISPOSITION,
                HeaderValue::from_static("attachment; filename=\"hearing-answers.json\""),
            );
            resp
        }
        Err(e) => internal(&st, lang, &e),
    }
}

/// The export's records as CSV, one line per case.
fn answers_csv(records: &[(ExportRecord, CaseView)]) -> String {
    let cell = super::cashbook::cell;
    let addr = |a: &Option<vamt_hearing::Address>| {
        a.as_ref()
            .map(|a| {
                [
                    a.name.clone(),
                    a.street.clone(),
                    a.postcode.clone(),
                    a.city.clone(),
                    a.country.clone(),
                ]
            })
            .unwrap_or_default()
    };
    let mut csv = String::from("case_number,state,answer,answered_at,amended,statement,driver_name,driver_street,driver_postcode,driver_city,driver_country,driver_born_on,own_name,own_street,own_postcode,own_city,own_country,documents,paid_at\r\n");
    for (r, _) in records {
        let mut cells = vec![
            r.case_number.clone(),
            r.state.to_owned(),
            r.answer.to_owned(),
            r.answered_at.clone().unwrap_or_default(),
            r.amended.to_string(),
            r.statement.clone(),
        ];
        cells.extend(addr(&r.driver));
        cells.push(r.driver_born_on.clone().unwrap_or_default());
        cells.extend(addr(&r.corrected_address));
        cells.push(r.documents.join(" "));
        cells.push(r.paid_at.clone().unwrap_or_default());
        csv.push_str(&cells.iter().map(|c| cell(c)).collect::<Vec<_>>().join(","));
        csv.push_str("\r\n");
    }
    csv
}

/// `GET /admin/hearing/export.csv`: the same as CSV, one line per case.
async fn export_csv(State(st): State<AppState>, Admin(clerk): Admin, Lang(lang): Lang) -> Response {
    let records = match export_records(&st, &format!("clerk:{}", clerk.id)).await {
        Ok(r) => r,
        Err(e) => return internal(&st, lang, &e),
    };
    let csv = answers_csv(&records);
    let mut resp = (StatusCode::OK, csv).into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"hearing-answers.csv\""),
    );
    resp
}

/// A name safe as a ZIP entry's: letters, digits, `.`, `-`, `_`; never a path.
fn entry_name(name: &str) -> String {
    let kept: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    kept.trim_start_matches('.').chars().take(100).collect()
}

/// The export for the case system as one ZIP: `answers.json`, `answers.csv`, and per case
/// `<case number>/receipt.pdf` (in German, the office's language) and the citizen's
/// documents. Stored, not deflated: PDFs, JPEGs and PNGs are compressed already.
async fn export_zip(State(st): State<AppState>, Admin(clerk): Admin, Lang(lang): Lang) -> Response {
    use std::io::Write;
    let actor = format!("clerk:{}", clerk.id);
    let records = match export_records(&st, &actor).await {
        Ok(r) => r,
        Err(e) => return internal(&st, lang, &e),
    };
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let json: Vec<&ExportRecord> = records.iter().map(|(r, _)| r).collect();
    match serde_json::to_vec_pretty(&json) {
        Ok(bytes) => files.push(("answers.json".to_owned(), bytes)),
        Err(e) => return internal(&st, lang, &e),
    }
    files.push(("answers.csv".to_owned(), answers_csv(&records).into_bytes()));
    for (record, view) in &records {
        let folder = entry_name(&record.case_number);
        match super::hearing::receipt_pdf(&st, vamt_portal_core::i18n::LANGUAGES[0], view) {
            Ok(Some(pdf)) => files.push((format!("{folder}/receipt.pdf"), pdf)),
            Ok(None) => {}
            Err(e) => return internal(&st, lang, &e),
        }
        for (n, upload) in view.uploads.iter().enumerate() {
            match st.hearings.upload_bytes(&view.id, &upload.id).await {
                Ok((_, bytes)) => {
                    let name = format!("{folder}/{}-{}", n + 1, entry_name(&upload.name));
                    files.push((name, bytes));
                }
                Err(e) => return internal(&st, lang, &e),
            }
        }
    }
    let zipped = (|| -> Result<Vec<u8>, zip::result::ZipError> {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        for (name, bytes) in &files {
            zip.start_file(name.as_str(), options)?;
            zip.write_all(bytes)?;
        }
        Ok(zip.finish()?.into_inner())
    })();
    match zipped {
        Ok(bytes) => {
            tracing::info!(cases = records.len(), "hearing answers exported");
            super::hearing::private_file("application/zip", bytes, Some("hearing-answers.zip"))
        }
        Err(e) => internal(&st, lang, &e),
    }
}

#[derive(Deserialize, Default)]
pub struct SourceForm {
    #[serde(default)]
    name: String,
}

/// `POST /admin/hearing/sources`: a new importing system; its token is shown once.
async fn add_source(
    State(st): State<AppState>,
    _: Admin,
    LangForm(Lang(lang), f): LangForm<SourceForm>,
) -> Response {
    let name = f.name.trim();
    if name.is_empty() || name.len() > 80 || name.chars().any(char::is_control) {
        return Redirect::to("/admin/hearing").into_response();
    }
    match st.hearings.add_source(name).await {
        Ok(token) => {
            list_page(
                &st,
                lang,
                StatusCode::OK,
                "all",
                context! { token, token_for => name },
            )
            .await
        }
        Err(e) => internal(&st, lang, &e),
    }
}

/// The sender's lines: the configured letterhead, or the portal's name.
pub(crate) fn letterhead(st: &AppState, lang: &str) -> Vec<String> {
    if st.hearings.settings.letterhead.is_empty() {
        vec![st.i18n.t(lang, "site-name", None)]
    } else {
        st.hearings.settings.letterhead.clone()
    }
}

/// One letter's texts, in the language the case names (German if none).
struct LetterText {
    letterhead: Vec<String>,
    recipient: Vec<String>,
    title: String,
    intro: String,
    facts: Vec<(String, String)>,
    respond: String,
    code_label: String,
    code: String,
    url: String,
    keep: String,
    direction: vamt_pdf::Direction,
}

fn letter_text(
    st: &AppState,
    case: &vamt_hearing::HearingCase,
    code: &vamt_hearing::AccessCode,
) -> LetterText {
    let lang = case
        .language
        .as_deref()
        .filter(|l| vamt_portal_core::i18n::I18n::supports(l))
        .unwrap_or(vamt_portal_core::i18n::LANGUAGES[0]);
    let t = |key: &str| st.i18n.t(lang, key, None);
    let with = |key: &str, name: &str, value: String| {
        let mut args = fluent_bundle::FluentArgs::new();
        args.set(name.to_owned(), value);
        st.i18n.t(lang, key, Some(&args))
    };
    let tz = st.settings.booking.timezone;
    let at = {
        use chrono::TimeZone;
        tz.from_local_datetime(&case.committed_at)
            .earliest()
            .map_or_else(|| case.committed_at.and_utc(), |t| t.to_utc())
    };
    let (date, time) = st.i18n.local_date_time(tz, lang, at);
    let mut when = fluent_bundle::FluentArgs::new();
    when.set("date", date);
    when.set("time", time);
    let base = st.settings.http.public_url.trim_end_matches('/');
    // The link opens the hearing in the letter's language (the page offers the others).
    let url = format!(
        "{base}/hearing/qr?c={}&k={}&lang={lang}",
        case.case_number,
        code.plain()
    );
    let a = &case.addressee;
    let mut recipient = vec![
        a.name.clone(),
        a.street.clone(),
        format!("{} {}", a.postcode, a.city),
    ];
    if a.country != "DE" {
        recipient.push(a.country.clone());
    }
    LetterText {
        letterhead: letterhead(st, lang),
        recipient,
        title: t("hearing-letter-title"),
        intro: with(
            "hearing-letter-intro",
            "date",
            st.i18n.local_date(lang, case.deadline),
        ),
        facts: vec![
            (t("hearing-case-number"), case.case_number.to_string()),
            (
                t("hearing-offence"),
                format!("{} ({})", case.offence.text, case.offence.code),
            ),
            (
                t("hearing-when"),
                st.i18n.t(lang, "hearing-when-value", Some(&when)),
            ),
            (t("hearing-place"), case.place.clone()),
            (t("hearing-plate"), case.vehicle.plate.clone()),
            (t("hearing-legal-basis"), case.legal_basis.clone()),
            (
                t(&format!("hearing-sanction-{}", case.sanction.kind.as_str())),
                super::pay::money_words(&st.i18n, lang, case.sanction.amount),
            ),
        ],
        respond: with("hearing-letter-how", "url", format!("{base}/hearing")),
        code_label: t("hearing-code"),
        code: code.grouped(),
        url,
        keep: t("hearing-letter-keep"),
        direction: super::pdf_text::direction(lang),
    }
}

impl LetterText {
    fn doc<'a>(&'a self, footer: &'a [String]) -> vamt_pdf::LetterDoc<'a> {
        vamt_pdf::LetterDoc {
            letterhead: &self.letterhead,
            recipient: &self.recipient,
            title: &self.title,
            intro: &self.intro,
            facts: &self.facts,
            respond: &self.respond,
            access_code_label: &self.code_label,
            access_code: &self.code,
            login_url: &self.url,
            qr_caption: "",
            keep_note: &self.keep,
            footer,
            direction: self.direction,
        }
    }
}

/// Issues letters for `ids` (each a new access code) as one PDF.
async fn letters_for(
    st: &AppState,
    lang: &str,
    ids: &[String],
    actor: &str,
    file_name: &str,
) -> Response {
    let fonts = match super::pdf_text::fonts() {
        Ok(f) => f,
        Err(e) => return internal(st, lang, &e),
    };
    let letters = match st.hearings.issue_letters(ids, actor).await {
        Ok(l) => l,
        Err(e) => return internal(st, lang, &e),
    };
    let texts: Vec<LetterText> = letters
        .iter()
        .map(|(case, code)| letter_text(st, case, code))
        .collect();
    let footer = &st.hearings.settings.footer;
    let docs: Vec<vamt_pdf::LetterDoc> = texts.iter().map(|t| t.doc(footer)).collect();
    match vamt_pdf::letters_pdf(&docs, fonts) {
        Ok(bytes) => super::hearing::private_file("application/pdf", bytes, Some(file_name)),
        Err(e) => internal(st, lang, &e),
    }
}

/// `POST /admin/hearing/letters`: the print file of every case without a letter.
async fn letters(State(st): State<AppState>, Admin(clerk): Admin, Lang(lang): Lang) -> Response {
    let ids = match st.hearings.without_letter().await {
        Ok(ids) if !ids.is_empty() => ids,
        Ok(_) => return Redirect::to("/admin/hearing").into_response(),
        Err(e) => return internal(&st, lang, &e),
    };
    letters_for(
        &st,
        lang,
        &ids,
        &format!("clerk:{}", clerk.id),
        "hearing-letters.pdf",
    )
    .await
}

/// `POST /admin/hearing/cases/{id}/letter`: one case's letter again, with a new code.
async fn letter(
    State(st): State<AppState>,
    Admin(clerk): Admin,
    Lang(lang): Lang,
    Path(id): Path<String>,
) -> Response {
    letters_for(
        &st,
        lang,
        std::slice::from_ref(&id),
        &format!("clerk:{}", clerk.id),
        "hearing-letter.pdf",
    )
    .await
}

/// The office's hearing routes.
pub(crate) fn routes() -> Router<AppState> {
    use axum::routing::{get, post};
    Router::new()
        .route("/admin/hearing", get(page))
        .route(
            "/admin/hearing/import",
            post(import_page).layer(axum::extract::DefaultBodyLimit::max(IMPORT_MAX)),
        )
        .route("/admin/hearing/cases/{id}", get(case_page))
        .route("/admin/hearing/letters", post(letters))
        .route("/admin/hearing/cases/{id}/letter", post(letter))
        .route(
            "/admin/hearing/cases/{id}/uploads/{upload}",
            get(upload_file),
        )
        .route("/admin/hearing/processed", post(processed))
        .route("/admin/hearing/export.json", get(export_json))
        .route("/admin/hearing/export.csv", get(export_csv))
        .route("/admin/hearing/export.zip", get(export_zip))
        .route("/admin/hearing/sources", post(add_source))
        .route(
            "/api/v1/hearing/imports",
            post(import_api).layer(axum::extract::DefaultBodyLimit::max(IMPORT_MAX)),
        )
}
