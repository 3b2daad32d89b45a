//! The XBezahldienste simulator (`docs/payments.md` §3.1, §5.2).

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::{json, Value};

use crate::money::{format_minor, parse_decimal, DecimalError};
use crate::server::{self, lock, Common};
use crate::{Sim, XbdConfig};

/// Lifetime of a token unless the control API changes it (§5.2).
const DEFAULT_TOKEN_TTL: u64 = 300;
/// The standard's upper bound for amounts, in minor units (999999 major units).
const MAX_AMOUNT_MINOR: i128 = 99_999_900;

/// Starts an XBezahldienste simulator on `127.0.0.1:0`, serving in a tokio task.
///
/// API: `POST /auth/token`, `POST /paymenttransaction/{originatorId}/{endPointId}`,
/// `GET /paymenttransaction/{originatorId}/{endPointId}/{transactionId}`,
/// `GET /status/{originatorId}/{endPointId}`. Pay page: `GET /pay/{transactionId}`.
/// Control: `/_sim/…` (see the crate's README in `docs/payments.md` §5).
pub async fn xbezahldienste(cfg: XbdConfig) -> std::io::Result<Sim> {
    start(cfg, None).await
}

/// Starts an XBezahldienste simulator in mTLS mode (§5.2): `https://127.0.0.1:…`, a client
/// certificate of the simulator's own CA required, no bearer token needed (the platforms
/// that use mTLS send no `Authorization`). Writes into `dir` (created if missing) the CA,
/// the server's certificate and the client's certificate and key, all PEM; PKCS#12 is not
/// written.
pub async fn xbezahldienste_mtls(
    cfg: XbdConfig,
    dir: &std::path::Path,
) -> std::io::Result<(Sim, crate::XbdTls)> {
    let (config, files) = crate::tls::mtls_files(dir).map_err(std::io::Error::other)?;
    let sim = start(cfg, Some(tokio_rustls::TlsAcceptor::from(config))).await?;
    Ok((sim, files))
}

async fn start(cfg: XbdConfig, tls: Option<tokio_rustls::TlsAcceptor>) -> std::io::Result<Sim> {
    let common = Common::new(vec![cfg.client_secret.clone()], is_api, unavailable);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
    let scheme = if tls.is_some() { "https" } else { "http" };
    let base = format!("{scheme}://{}", listener.local_addr()?);
    // In mTLS mode the pay pages are served apart, over plain HTTP: the citizen's browser
    // has no client certificate (as at a real platform, whose pay page is public).
    let page_listener = match tls {
        Some(_) => Some(tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?),
        None => None,
    };
    let page_base = match &page_listener {
        Some(l) => format!("http://{}", l.local_addr()?),
        None => base.clone(),
    };
    let state = Arc::new(Xbd {
        mtls: tls.is_some(),
        cfg,
        base: base.clone(),
        page_base,
        common: common.clone(),
        miscompute: AtomicBool::new(false),
        st: Mutex::new(XbdState::default()),
    });
    let pages = Router::new()
        .route("/pay/{id}", get(pay_page))
        .route("/pay/{id}/{action}", post(pay_action))
        .route("/_sim/reset", post(reset))
        .route("/_sim/transactions/{id}", get(sim_transaction))
        .route("/_sim/transactions/{id}/set", post(sim_set))
        .route("/_sim/expire/{id}", post(sim_expire))
        .route("/_sim/token_ttl", post(sim_token_ttl))
        .route("/_sim/miscompute", post(sim_miscompute))
        .route("/_sim/fail_next", post(sim_fail_next))
        .with_state(state.clone())
        .merge(server::control_routes(common.clone()));
    let api = Router::new()
        .route("/auth/token", post(token))
        .route("/paymenttransaction/{o}/{e}", post(create))
        .route("/paymenttransaction/{o}/{e}/{id}", get(status_query))
        .route("/status/{o}/{e}", get(tenant_status))
        .with_state(state);
    let gate = axum::middleware::from_fn_with_state(common.clone(), server::gate);
    let mut tasks = Vec::new();
    let router = match page_listener {
        Some(l) => {
            tasks.push(tokio::spawn(server::accept_on(
                l,
                pages.clone().layer(gate.clone()),
            )));
            api.merge(pages).layer(gate)
        }
        None => api.merge(pages).layer(gate),
    };
    // The listener is already bound (the URL had to be known for the pay page links).
    tasks.push(tokio::spawn(server::accept_with(listener, router, tls)));
    Ok(Sim {
        url: base,
        common,
        tasks,
    })
}

fn is_api(path: &str) -> bool {
    !path.starts_with("/_sim/") && !path.starts_with("/pay/")
}

fn unavailable() -> Response {
    problem(
        StatusCode::SERVICE_UNAVAILABLE,
        "UNSPECIFIED",
        "Der Bezahldienst ist voruebergehend nicht erreichbar.",
    )
}

struct Xbd {
    /// Clients are authenticated by their TLS certificate; no bearer token is asked for.
    mtls: bool,
    cfg: XbdConfig,
    base: String,
    /// Where the pay pages are: `base`, or in mTLS mode a plain HTTP listener of their own.
    page_base: String,
    common: Arc<Common>,
    /// `POST /_sim/miscompute`: every create answers `CALCULATION_ERROR` (§5.4).
    miscompute: AtomicBool,
    st: Mutex<XbdState>,
}

#[derive(Default)]
struct XbdState {
    tokens: HashMap<String, Instant>,
    token_ttl: Option<u64>,
    transactions: HashMap<String, Txn>,
    request_ids: HashSet<String>,
    reference_seq: u64,
    /// `POST /_sim/fail_next`: (operation, status, functionalCode) for the next calls.
    fail_next: Vec<(String, u16, String)>,
}

#[derive(Clone)]
struct Txn {
    id: String,
    reference: String,
    /// The request as received, echoed byte for byte as `paymentRequest`.
    request: Box<RawValue>,
    redirect_url: String,
    description: String,
    purpose: String,
    gros_minor: i128,
    currency: String,
    status: &'static str,
    timestamp: Option<String>,
    method: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TxnOut<'a> {
    payment_request: &'a RawValue,
    payment_information: Value,
}

impl Txn {
    fn to_json(&self, sim: &Xbd) -> Response {
        let (base, cfg, page_base) = (&sim.base, &sim.cfg, &sim.page_base);
        let info = json!({
            "transactionUrl": format!(
                "{base}/paymenttransaction/{}/{}/{}", cfg.originator_id, cfg.endpoint_id, self.id
            ),
            // "muss nur im Status INITIAL enthalten sein": given only while payable.
            "transactionRedirectUrl": (self.status == "INITIAL").then(|| format!("{page_base}/pay/{}", self.id)),
            "transactionId": self.id,
            "transactionReference": self.reference,
            "transactionTimestamp": self.timestamp,
            "paymentMethod": self.method,
            "paymentMethodDetail": self.method.map(|_| "Visa **** 1111 (Simulator)"),
            "status": self.status,
            "statusDetail": Value::Null,
        });
        let out = TxnOut {
            payment_request: &self.request,
            payment_information: info,
        };
        match serde_json::to_vec(&out) {
            Ok(bytes) => (
                StatusCode::OK,
                [(header::CONTENT_TYPE, "application/json")],
                bytes,
            )
                .into_response(),
            Err(e) => problem(
                StatusCode::INTERNAL_SERVER_ERROR,
                "UNSPECIFIED",
                &e.to_string(),
            ),
        }
    }

    /// Ends an open transaction; a final status stays (the status model has no way out).
    fn finish(&mut self, status: &'static str) {
        if self.status != "INITIAL" {
            return;
        }
        self.set(status);
    }

    fn set(&mut self, status: &'static str) {
        self.status = status;
        if status == "PAYED" {
            self.timestamp = Some(server::now_millis());
            self.method = Some("CREDITCARD");
        } else if status == "INITIAL" {
            self.timestamp = None;
            self.method = None;
        } else {
            // FAILED/CANCELED: the time the transaction ended.
            self.timestamp = Some(server::now_millis());
            self.method = None;
        }
    }
}

/// An `application/problem+json` answer (RFC 9457 with `functionalCode`, §3.1.7).
fn problem(status: StatusCode, code: &str, detail: &str) -> Response {
    let title = status.canonical_reason().unwrap_or("Error");
    let body = json!({
        "type": format!("https://xbezahldienste.sim.invalid/errors/{}", code.to_ascii_lowercase()),
        "status": status.as_u16(),
        "title": title,
        "detail": detail,
        "functionalCode": code,
    });
    (
        status,
        [(header::CONTENT_TYPE, "application/problem+json")],
        body.to_string(),
    )
        .into_response()
}

impl Xbd {
    /// The bearer token check: missing or unknown `403 FORBIDDEN` (§5.2), expired `401`
    /// (assumed: RFC 6750's answer to an expired token, so that a client's renewal after a
    /// 401 can be tested).
    fn authorize(&self, headers: &HeaderMap) -> Result<(), Response> {
        if self.mtls {
            return Ok(());
        }
        let Some(token) = server::bearer_token(headers) else {
            return Err(problem(
                StatusCode::FORBIDDEN,
                "FORBIDDEN",
                "Fehlende Authentisierungsdaten",
            ));
        };
        match lock(&self.st).tokens.get(&token) {
            Some(expiry) if *expiry > Instant::now() => Ok(()),
            Some(_) => Err(problem(
                StatusCode::UNAUTHORIZED,
                "FORBIDDEN",
                "Zugriffstoken abgelaufen",
            )),
            None => Err(problem(
                StatusCode::FORBIDDEN,
                "FORBIDDEN",
                "Keine Autorisierung in diesem Kontext",
            )),
        }
    }

    /// The answer `POST /_sim/fail_next` queued for `operation`, if any.
    fn take_failure(&self, operation: &str) -> Option<Response> {
        let (status, code) = {
            let mut st = lock(&self.st);
            let i = st.fail_next.iter().position(|(op, _, _)| op == operation)?;
            let (_, status, code) = st.fail_next.remove(i);
            (status, code)
        };
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
        Some(problem(status, &code, "Simulierter Fehler"))
    }

    fn tenant(&self, o: &str, e: &str) -> Result<(), Response> {
        if o == self.cfg.originator_id && e == self.cfg.endpoint_id {
            Ok(())
        } else {
            Err(problem(
                StatusCode::FORBIDDEN,
                "NO_VALID_ORIGINATOR_OR_ENDPOINT",
                "Der Mandant kann anhand OriginatorID und EndPointID nicht ermittelt werden",
            ))
        }
    }
}

async fn token(State(s): State<Arc<Xbd>>, headers: HeaderMap, body: Bytes) -> Response {
    let fields = server::form_or_json(&headers, &body);
    // Credentials in the body (as §3.1.2 describes) or, as RFC 6749 also allows, Basic.
    let (id, secret) = match (
        server::field(&fields, "client_id"),
        server::field(&fields, "client_secret"),
    ) {
        (Some(i), Some(c)) => (i.to_owned(), c.to_owned()),
        _ => server::basic_credentials(&headers).unwrap_or_default(),
    };
    if server::field(&fields, "grant_type") != Some("client_credentials") {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": "unsupported_grant_type"})),
        )
            .into_response();
    }
    if id != s.cfg.client_id || secret != s.cfg.client_secret {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({"error": "invalid_client"})),
        )
            .into_response();
    }
    let token = format!("sim-{}", uuid::Uuid::new_v4().simple());
    let ttl = {
        let mut st = lock(&s.st);
        let ttl = st.token_ttl.unwrap_or(DEFAULT_TOKEN_TTL);
        st.tokens
            .insert(token.clone(), Instant::now() + Duration::from_secs(ttl));
        ttl
    };
    Json(json!({"access_token": token, "token_type": "Bearer", "expires_in": ttl})).into_response()
}

async fn create(
    State(s): State<Arc<Xbd>>,
    Path((o, e)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(r) = s.authorize(&headers) {
        return r;
    }
    if let Err(r) = s.tenant(&o, &e) {
        return r;
    }
    if let Some(r) = s.take_failure("create") {
        return r;
    }
    let valid = match validate(&body) {
        Ok(v) => v,
        Err(Invalid::Validation(detail)) => {
            return problem(StatusCode::BAD_REQUEST, "VALIDATION_ERROR", &detail)
        }
        Err(Invalid::Calculation(detail)) => {
            return problem(StatusCode::BAD_REQUEST, "CALCULATION_ERROR", &detail)
        }
    };
    if s.miscompute.load(Ordering::Relaxed) {
        return problem(
            StatusCode::BAD_REQUEST,
            "CALCULATION_ERROR",
            "Die Summe der Positionen stimmt nicht mit grosAmount ueberein",
        );
    }
    let txn = {
        let mut st = lock(&s.st);
        if !st.request_ids.insert(valid.request_id.clone()) {
            drop(st);
            // The status code is not in what was found of the standard; 409 assumed.
            return problem(
                StatusCode::CONFLICT,
                "PAYMENT_EXISTS",
                "Mit dieser Request-ID wurde bereits ein PaymentRequest platziert",
            );
        }
        st.reference_seq += 1;
        let txn = Txn {
            id: uuid::Uuid::new_v4().to_string(),
            reference: format!("SIM-KZ-{}", st.reference_seq),
            request: valid.raw,
            redirect_url: valid.redirect_url,
            description: valid.description,
            purpose: valid.purpose,
            gros_minor: valid.gros_minor,
            currency: valid.currency,
            status: "INITIAL",
            timestamp: None,
            method: None,
        };
        st.transactions.insert(txn.id.clone(), txn.clone());
        txn
    };
    txn.to_json(&s)
}

async fn status_query(
    State(s): State<Arc<Xbd>>,
    Path((o, e, id)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> Response {
    if let Err(r) = s.authorize(&headers) {
        return r;
    }
    if let Err(r) = s.tenant(&o, &e) {
        return r;
    }
    if let Some(r) = s.take_failure("status") {
        return r;
    }
    let txn = lock(&s.st).transactions.get(&id).cloned();
    match txn {
        Some(t) => t.to_json(&s),
        None => problem(
            StatusCode::NOT_FOUND,
            "UNSPECIFIED",
            "Unbekannte Transaktion",
        ),
    }
}

async fn tenant_status(
    State(s): State<Arc<Xbd>>,
    Path((o, e)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    if let Err(r) = s.authorize(&headers) {
        return r;
    }
    if let Err(r) = s.tenant(&o, &e) {
        return r;
    }
    Json(json!({})).into_response()
}

async fn pay_page(State(s): State<Arc<Xbd>>, Path(id): Path<String>) -> Response {
    let Some(t) = lock(&s.st).transactions.get(&id).cloned() else {
        return server::html_page(
            StatusCode::NOT_FOUND,
            "Unbekannte Transaktion",
            "<h1>Unbekannte Transaktion</h1>",
        );
    };
    let id = server::html_escape(&t.id);
    let body = format!(
        "<h1>XBezahldienste-Simulator</h1>\
         <p id=\"amount\">{amount} {currency}</p>\
         <p id=\"purpose\">{purpose}</p>\
         <p id=\"description\">{description}</p>\
         <p id=\"status\">{status}</p>\
         <form method=\"post\" action=\"/pay/{id}/pay\"><button id=\"pay\" type=\"submit\">Bezahlen</button></form>\
         <form method=\"post\" action=\"/pay/{id}/cancel\"><button id=\"cancel\" type=\"submit\">Abbrechen</button></form>\
         <form method=\"post\" action=\"/pay/{id}/fail\"><button id=\"fail\" type=\"submit\">Fehlschlagen lassen</button></form>",
        amount = format_minor(t.gros_minor),
        currency = server::html_escape(&t.currency),
        purpose = server::html_escape(&t.purpose),
        description = server::html_escape(&t.description),
        status = t.status,
    );
    server::html_page(StatusCode::OK, "Bezahlen", &body)
}

async fn pay_action(
    State(s): State<Arc<Xbd>>,
    Path((id, action)): Path<(String, String)>,
) -> Response {
    let status = match action.as_str() {
        "pay" => "PAYED",
        "cancel" => "CANCELED",
        "fail" => "FAILED",
        _ => {
            return server::html_page(
                StatusCode::NOT_FOUND,
                "Unbekannt",
                "<h1>Unbekannte Aktion</h1>",
            )
        }
    };
    let url = {
        let mut st = lock(&s.st);
        let Some(t) = st.transactions.get_mut(&id) else {
            return server::html_page(
                StatusCode::NOT_FOUND,
                "Unbekannte Transaktion",
                "<h1>Unbekannte Transaktion</h1>",
            );
        };
        t.finish(status);
        t.redirect_url.clone()
    };
    // "Der Status muss über die Statusabfrage (GET) abgefragt werden": back without
    // parameters, the URL exactly as given.
    server::browser_return(&s.common, &url)
}

async fn reset(State(s): State<Arc<Xbd>>) -> Response {
    *lock(&s.st) = XbdState::default();
    s.miscompute.store(false, Ordering::Relaxed);
    s.common.reset();
    Json(json!({"reset": true})).into_response()
}

async fn sim_transaction(State(s): State<Arc<Xbd>>, Path(id): Path<String>) -> Response {
    let txn = lock(&s.st).transactions.get(&id).cloned();
    match txn {
        Some(t) => t.to_json(&s),
        None => server::control_error(StatusCode::NOT_FOUND, "unknown transaction"),
    }
}

#[derive(Deserialize)]
struct SetBody {
    status: String,
}

async fn sim_set(State(s): State<Arc<Xbd>>, Path(id): Path<String>, body: Bytes) -> Response {
    let body: SetBody = match serde_json::from_slice(&body) {
        Ok(b) => b,
        Err(e) => return server::control_error(StatusCode::BAD_REQUEST, &e.to_string()),
    };
    let status = match body.status.as_str() {
        "INITIAL" => "INITIAL",
        "PAYED" => "PAYED",
        "FAILED" => "FAILED",
        "CANCELED" => "CANCELED",
        other => {
            return server::control_error(
                StatusCode::BAD_REQUEST,
                &format!("unknown status {other}"),
            )
        }
    };
    let mut st = lock(&s.st);
    match st.transactions.get_mut(&id) {
        // Behind the client's back, and on purpose without the status model's rule: a
        // test may want a platform that contradicts itself.
        Some(t) => {
            t.set(status);
            Json(json!({"transactionId": id, "status": status})).into_response()
        }
        None => server::control_error(StatusCode::NOT_FOUND, "unknown transaction"),
    }
}

async fn sim_expire(State(s): State<Arc<Xbd>>, Path(id): Path<String>) -> Response {
    let mut st = lock(&s.st);
    match st.transactions.get_mut(&id) {
        Some(t) => {
            t.finish("FAILED");
            Json(json!({"transactionId": id, "status": t.status})).into_response()
        }
        None => server::control_error(StatusCode::NOT_FOUND, "unknown transaction"),
    }
}

#[derive(Deserialize)]
struct TtlBody {
    seconds: u64,
}

async fn sim_token_ttl(State(s): State<Arc<Xbd>>, body: Bytes) -> Response {
    let body: TtlBody = match serde_json::from_slice(&body) {
        Ok(b) => b,
        Err(e) => return server::control_error(StatusCode::BAD_REQUEST, &e.to_string()),
    };
    let mut st = lock(&s.st);
    st.token_ttl = Some(body.seconds);
    // Tokens already handed out are cut short as well, so a test need not fetch one anew.
    let limit = Instant::now() + Duration::from_secs(body.seconds);
    for expiry in st.tokens.values_mut() {
        if *expiry > limit {
            *expiry = limit;
        }
    }
    Json(json!({"expires_in": body.seconds})).into_response()
}

#[derive(Deserialize)]
struct FailBody {
    operation: String,
    status: Option<u16>,
    #[serde(rename = "functionalCode")]
    functional_code: Option<String>,
}

/// Queues one problem for the next call of `operation` (`create` or `status`, the
/// transaction GET), e.g. `BOOKING_DATA_MISSING`, which no request field can provoke here.
async fn sim_fail_next(State(s): State<Arc<Xbd>>, body: Bytes) -> Response {
    let body: FailBody = match serde_json::from_slice(&body) {
        Ok(b) => b,
        Err(e) => return server::control_error(StatusCode::BAD_REQUEST, &e.to_string()),
    };
    if !matches!(body.operation.as_str(), "create" | "status") {
        return server::control_error(StatusCode::BAD_REQUEST, "operation: create or status");
    }
    let status = body.status.unwrap_or(400);
    let code = body
        .functional_code
        .unwrap_or_else(|| "UNSPECIFIED".to_owned());
    lock(&s.st)
        .fail_next
        .push((body.operation.clone(), status, code.clone()));
    Json(json!({"operation": body.operation, "status": status, "functionalCode": code}))
        .into_response()
}

#[derive(Deserialize)]
struct OnBody {
    on: bool,
}

async fn sim_miscompute(State(s): State<Arc<Xbd>>, body: Bytes) -> Response {
    let body: OnBody = match serde_json::from_slice(&body) {
        Ok(b) => b,
        Err(e) => return server::control_error(StatusCode::BAD_REQUEST, &e.to_string()),
    };
    s.miscompute.store(body.on, Ordering::Relaxed);
    Json(json!({"miscompute": body.on})).into_response()
}

// ---- validation of a PaymentRequest (§3.1.3) ----

enum Invalid {
    Validation(String),
    Calculation(String),
}

struct Valid {
    raw: Box<RawValue>,
    request_id: String,
    redirect_url: String,
    description: String,
    purpose: String,
    currency: String,
    gros_minor: i128,
}

fn v(detail: impl Into<String>) -> Invalid {
    Invalid::Validation(detail.into())
}

/// `^[\w\d-]+$` with Java's ASCII `\w`.
fn is_id_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

/// Java's `\s`: space, tab, newline, vertical tab, form feed, carriage return.
fn is_java_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\u{0B}' | '\u{0C}' | '\r')
}

fn is_purpose_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-' || is_java_space(c)
}

/// `^[\w\d\s-,\.\u00C0-\u017F]+$`.
fn is_description_char(c: char) -> bool {
    is_purpose_char(c) || c == ',' || c == '.' || ('\u{C0}'..='\u{17F}').contains(&c)
}

fn string_field<'a>(
    obj: &'a serde_json::Map<String, Value>,
    name: &str,
    required: bool,
) -> Result<Option<&'a str>, Invalid> {
    match obj.get(name) {
        None | Some(Value::Null) if required => Err(v(format!("{name} fehlt"))),
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.as_str())),
        Some(_) => Err(v(format!("{name} muss ein String sein"))),
    }
}

fn check_text(
    name: &str,
    value: Option<&str>,
    max: usize,
    allowed: fn(char) -> bool,
) -> Result<(), Invalid> {
    if let Some(s) = value {
        if s.is_empty() {
            return Err(v(format!("{name} darf nicht leer sein")));
        }
        if s.chars().count() > max {
            return Err(v(format!("{name} ist laenger als {max} Zeichen")));
        }
        if !s.chars().all(allowed) {
            return Err(v(format!("{name} enthaelt unzulaessige Zeichen")));
        }
    }
    Ok(())
}

/// A JSON number field as minor units at `scale`, within `0..=max`.
fn number(
    raw: &HashMap<String, Box<RawValue>>,
    name: &str,
    scale: u32,
    max: i128,
    required: bool,
) -> Result<Option<i128>, Invalid> {
    let Some(r) = raw.get(name).filter(|r| r.get() != "null") else {
        return if required {
            Err(v(format!("{name} fehlt")))
        } else {
            Ok(None)
        };
    };
    let text = r.get().trim();
    match parse_decimal(text, scale) {
        Ok(n) if (0..=max).contains(&n) => Ok(Some(n)),
        Ok(_) => Err(v(format!(
            "{name} liegt ausserhalb des zulaessigen Bereichs"
        ))),
        Err(DecimalError::TooPrecise) if scale == 0 => {
            Err(v(format!("{name} muss eine ganze Zahl sein")))
        }
        Err(DecimalError::TooPrecise) => {
            Err(v(format!("{name} hat mehr als {scale} Nachkommastellen")))
        }
        Err(DecimalError::TooLarge) => Err(v(format!("{name} ist zu gross"))),
        Err(DecimalError::Syntax) => Err(v(format!("{name} muss eine Zahl sein"))),
    }
}

fn validate(body: &[u8]) -> Result<Valid, Invalid> {
    let text = std::str::from_utf8(body).map_err(|_| v("Kein UTF-8"))?;
    let value: Value = serde_json::from_str(text).map_err(|e| v(format!("Kein JSON: {e}")))?;
    let Value::Object(obj) = &value else {
        return Err(v("PaymentRequest muss ein Objekt sein"));
    };
    // The numbers as the client wrote them: the checks below never go through f64.
    let raw_top: HashMap<String, Box<RawValue>> =
        serde_json::from_str(text).map_err(|e| v(format!("Kein JSON: {e}")))?;

    let request_id = string_field(obj, "requestId", true)?;
    check_text("requestId", request_id, 36, is_id_char)?;
    if let Some(ts) = string_field(obj, "requestTimestamp", false)? {
        chrono::DateTime::parse_from_rfc3339(ts)
            .map_err(|_| v("requestTimestamp ist kein Zeitstempel (RFC 3339)"))?;
    }
    let currency = string_field(obj, "currency", true)?.unwrap_or_default();
    if currency.chars().count() != 3
        || !currency
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        return Err(v("currency muss aus genau 3 Zeichen bestehen"));
    }
    let gros = number(&raw_top, "grosAmount", 2, MAX_AMOUNT_MINOR, true)?.unwrap_or_default();
    let purpose = string_field(obj, "purpose", false)?;
    check_text("purpose", purpose, 27, is_purpose_char)?;
    let description = string_field(obj, "description", false)?;
    check_text("description", description, 250, is_description_char)?;
    let redirect = string_field(obj, "redirectUrl", true)?.unwrap_or_default();
    if redirect.is_empty() {
        return Err(v("redirectUrl darf nicht leer sein"));
    }
    if redirect.chars().count() > 2082 {
        return Err(v("redirectUrl ist laenger als 2082 Zeichen"));
    }
    if let Some(requestor) = obj.get("requestor").filter(|r| !r.is_null()) {
        let Value::Object(r) = requestor else {
            return Err(v("requestor muss ein Objekt sein"));
        };
        if let Some(g) = string_field(r, "gender", false)? {
            if !matches!(g, "M" | "F" | "D") {
                return Err(v("requestor.gender muss M, F oder D sein"));
            }
        }
    }
    let items = match obj.get("items") {
        Some(Value::Array(a)) => a,
        Some(_) => return Err(v("items muss eine Liste sein")),
        None => return Err(v("items fehlt")),
    };
    if items.is_empty() || items.len() > 99 {
        return Err(v("items muss 1 bis 99 Positionen enthalten"));
    }
    let raw_items: Vec<HashMap<String, Box<RawValue>>> = match raw_top.get("items") {
        Some(r) => serde_json::from_str(r.get())
            .map_err(|_| v("items muss eine Liste von Objekten sein"))?,
        None => Vec::new(),
    };
    let mut sum: i128 = 0;
    for (i, (item, raw)) in items.iter().zip(raw_items.iter()).enumerate() {
        let Value::Object(item) = item else {
            return Err(v(format!("items[{i}] muss ein Objekt sein")));
        };
        let name = |f: &str| format!("items[{i}].{f}");
        let id = string_field(item, "id", true)
            .map_err(|_| v(format!("{} fehlt oder ist kein String", name("id"))))?;
        check_text(&name("id"), id, 36, is_id_char)?;
        let reference = string_field(item, "reference", false)?;
        check_text(&name("reference"), reference, 36, is_id_char)?;
        let desc = string_field(item, "description", false)?;
        check_text(&name("description"), desc, 250, is_description_char)?;
        number(raw, "taxRate", 2, 10_000, false)
            .map_err(|_| v(format!("{} muss 0 bis 100 sein", name("taxRate"))))?;
        let quantity = number(raw, "quantity", 0, 999_999, false).map_err(|_| {
            v(format!(
                "{} muss eine ganze Zahl von 1 bis 999999 sein",
                name("quantity")
            ))
        })?;
        if quantity == Some(0) {
            return Err(v(format!(
                "{} muss eine ganze Zahl von 1 bis 999999 sein",
                name("quantity")
            )));
        }
        for f in ["singleNetAmount", "singleTaxAmount"] {
            number(raw, f, 2, MAX_AMOUNT_MINOR, false).map_err(|e| match e {
                Invalid::Validation(d) => v(format!("items[{i}].{d}")),
                other => other,
            })?;
        }
        let net =
            number(raw, "totalNetAmount", 2, MAX_AMOUNT_MINOR, false).map_err(|e| match e {
                Invalid::Validation(d) => v(format!("items[{i}].{d}")),
                other => other,
            })?;
        let tax =
            number(raw, "totalTaxAmount", 2, MAX_AMOUNT_MINOR, false).map_err(|e| match e {
                Invalid::Validation(d) => v(format!("items[{i}].{d}")),
                other => other,
            })?;
        sum += net.unwrap_or(0) + tax.unwrap_or(0);
        match item.get("bookingData") {
            None | Some(Value::Null) => {}
            Some(Value::Object(map)) => {
                for (k, val) in map {
                    match val {
                        Value::String(s) if s.chars().count() <= 250 => {}
                        _ => {
                            return Err(v(format!(
                                "{}.{k} muss ein String mit hoechstens 250 Zeichen sein",
                                name("bookingData")
                            )))
                        }
                    }
                }
            }
            Some(_) => return Err(v(format!("{} muss ein Objekt sein", name("bookingData")))),
        }
    }
    if currency != "EUR" {
        return Err(v(format!("Waehrung {currency} wird nicht unterstuetzt")));
    }
    if sum != gros {
        return Err(Invalid::Calculation(format!(
            "grosAmount {} stimmt nicht mit der Summe der Positionen {} ueberein",
            format_minor(gros),
            format_minor(sum)
        )));
    }
    let raw = RawValue::from_string(text.trim().to_owned()).map_err(|e| v(e.to_string()))?;
    Ok(Valid {
        raw,
        request_id: request_id.unwrap_or_default().to_owned(),
        redirect_url: redirect.to_owned(),
        description: description.unwrap_or_default().to_owned(),
        purpose: purpose.unwrap_or_default().to_owned(),
        currency: currency.to_owned(),
        gros_minor: gros,
    })
}
