//! The booking JSON API against its OpenAPI document: the document is valid OpenAPI 3.1
//! (by openapi-spec-validator, with every reference resolved), every answer the API gives
//! here is one it documents, and every failure, down to a path that does not parse, has the
//! documented error shape and one of the documented codes.
use crate::common;

use std::path::PathBuf;
use std::process::Command;

use axum::body::Body;
use axum::http::{header, HeaderMap, Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    json: Value,
}

async fn send(stack: &common::Stack, req: Request<Body>) -> Answer {
    let resp = vamt_portal::app(stack.state.clone())
        .oneshot(req)
        .await
        .expect("infallible");
    let status = resp.status();
    let headers = resp.headers().clone();
    let ctype = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let bytes = resp.into_body().collect().await.expect("body").to_bytes();
    assert!(ctype.starts_with("application/json"), "{status} {ctype}");
    Answer {
        status,
        headers,
        json: serde_json::from_slice(&bytes).expect("JSON body"),
    }
}

fn get(uri: &str) -> Request<Body> {
    Request::get(uri).body(Body::empty()).expect("request")
}

fn post(uri: &str, body: Value) -> Request<Body> {
    Request::post(uri)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .expect("request")
}

/// Every `$ref` in `v`.
fn refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                if k == "$ref" {
                    if let Some(s) = x.as_str() {
                        out.push(s.to_owned());
                    }
                }
                refs(x, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
        _ => {}
    }
}

/// The OpenAPI validator: openapi-spec-validator (PyPI), which checks a document against
/// the official OAS 3.1 JSON Schema and for what a schema cannot say (a path parameter is in
/// its path template, references resolve, operation IDs are unique). `scripts/install-deps
/// test` installs it into `target/tools/openapi`; `VAMT_OPENAPI_VALIDATOR` names another
/// copy; else the one on `PATH`.
fn validator() -> PathBuf {
    if let Some(v) = std::env::var_os("VAMT_OPENAPI_VALIDATOR").filter(|v| !v.is_empty()) {
        return v.into();
    }
    let installed = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../target/tools/openapi/bin/openapi-spec-validator");
    if installed.is_file() {
        return installed;
    }
    "openapi-spec-validator".into()
}

/// Validates `doc` as OpenAPI 3.1: `Err` with the validator's words.
fn validate(doc: &Value) -> Result<(), String> {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("openapi.json");
    std::fs::write(&file, doc.to_string()).expect("write the document");
    let v = validator();
    let out = Command::new(&v)
        .args(["--schema", "3.1", "--validation-errors", "all"])
        .arg(&file)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "the OpenAPI validator {} runs ({e}); install it with `scripts/install-deps test`",
                v.display()
            )
        });
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    if out.status.success() {
        Ok(())
    } else {
        Err(said)
    }
}

/// The error codes the document declares (the enum of `ErrorCode`).
fn documented_codes(doc: &Value) -> Vec<String> {
    doc["components"]["schemas"]["ErrorCode"]["enum"]
        .as_array()
        .expect("the error code enum is documented")
        .iter()
        .map(|c| c.as_str().expect("a code is a string").to_owned())
        .collect()
}

/// An error answer has the one error shape: a code the document declares, a message.
fn error_shape(doc: &Value, a: &Answer) -> String {
    let e = &a.json["error"];
    let code = e["code"].as_str().unwrap_or_else(|| panic!("{}", a.json));
    assert!(
        documented_codes(doc).iter().any(|c| c == code),
        "`{code}` is in the documented enum"
    );
    assert!(
        e["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{}",
        a.json
    );
    code.to_owned()
}

/// Checks an answer against the document: the operation exists and documents the status;
/// an error answer has the one error shape, and its status's description names its code.
fn documented(doc: &Value, method: &str, template: &str, a: &Answer) {
    let op = &doc["paths"][template][method];
    assert!(op.is_object(), "{method} {template} is documented");
    let status = a.status.as_u16().to_string();
    let response = &op["responses"][&status];
    assert!(
        response.is_object(),
        "{method} {template} documents {status}: {}",
        a.json
    );
    if a.status.is_client_error() || a.status.is_server_error() {
        let code = error_shape(doc, a);
        assert!(
            response["description"]
                .as_str()
                .is_some_and(|d| d.contains(&format!("`{code}`"))),
            "{method} {template} documents `{code}` under {status}"
        );
    }
}

#[tokio::test]
async fn the_openapi_document_is_valid_and_the_api_answers_as_documented() {
    let stack = common::start(common::monday_morning(), json!({})).await;
    let doc = send(&stack, get("/api/openapi.json")).await;
    assert_eq!(doc.status, StatusCode::OK);
    let doc = doc.json;
    // A validator of its own accepts it as OpenAPI 3.1, and a parser reads it.
    if let Err(e) = validate(&doc) {
        panic!("/api/openapi.json is not valid OpenAPI 3.1: {e}");
    }
    let spec = oas3::from_json(doc.to_string()).expect("valid OpenAPI");
    assert!(spec.openapi.starts_with("3.1"), "{}", spec.openapi);
    let mut all = Vec::new();
    refs(&doc, &mut all);
    assert!(!all.is_empty());
    for r in &all {
        let name = r
            .strip_prefix("#/components/schemas/")
            .unwrap_or_else(|| panic!("local schema reference: {r}"));
        assert!(
            doc["components"]["schemas"][name].is_object(),
            "{r} resolves"
        );
    }
    for path in [
        "/api/v1/challenge",
        "/api/v1/services",
        "/api/v1/slots",
        "/api/v1/bookings",
        "/api/v1/bookings/{id}",
        "/api/v1/bookings/{id}/confirm",
        "/api/v1/bookings/{id}/cancel",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} documented");
    }

    let challenge = send(&stack, get("/api/v1/challenge")).await;
    documented(&doc, "get", "/api/v1/challenge", &challenge);
    assert_eq!(challenge.json["algorithm"], "SHA-256");

    let services = send(&stack, get("/api/v1/services?lang=en")).await;
    documented(&doc, "get", "/api/v1/services", &services);
    let list = services.json.as_array().expect("array");
    let passport = list
        .iter()
        .find(|s| s["slug"] == "reisepass")
        .expect("passport listed");
    assert_eq!(passport["virtual_ok"], false);
    assert!(passport["not_virtual_reason"].is_string());
    let meld = list
        .iter()
        .find(|s| s["slug"] == "meldebescheinigung")
        .expect("listed");
    assert_eq!(meld["fee_cents"], 1000);
    assert!(meld["documents"].as_str().is_some_and(|d| !d.is_empty()));

    let slots = send(&stack, get("/api/v1/slots?services=meldebescheinigung")).await;
    documented(&doc, "get", "/api/v1/slots", &slots);
    let free = slots.json["slots"].as_array().expect("slots").clone();
    assert!(free.len() > 10);
    let start = free[2]["start"].clone();

    let multi = send(
        &stack,
        get("/api/v1/slots?services=meldebescheinigung,steuer-id"),
    )
    .await;
    assert_eq!(multi.status, StatusCode::OK);
    let first = &multi.json["slots"][0];
    let minutes = (chrono::DateTime::parse_from_rfc3339(first["end"].as_str().expect("end"))
        .expect("time")
        - chrono::DateTime::parse_from_rfc3339(first["start"].as_str().expect("start"))
            .expect("time"))
    .num_minutes();
    assert_eq!(minutes, 30, "both services back to back");

    for (uri, want) in [
        (
            "/api/v1/slots?services=no-such-thing",
            StatusCode::NOT_FOUND,
        ),
        ("/api/v1/slots?services=reisepass", StatusCode::CONFLICT),
        ("/api/v1/slots", StatusCode::BAD_REQUEST),
    ] {
        let a = send(&stack, get(uri)).await;
        assert_eq!(a.status, want, "{uri}: {}", a.json);
        documented(&doc, "get", "/api/v1/slots", &a);
    }

    let book = |email: &str| {
        post(
            "/api/v1/bookings",
            json!({
                "services": ["meldebescheinigung"],
                "start": start,
                "name": "Ada Api",
                "email": email,
                "lang": "en",
            }),
        )
    };
    let held = send(&stack, book("ada@example.org")).await;
    documented(&doc, "post", "/api/v1/bookings", &held);
    assert_eq!(held.status, StatusCode::ACCEPTED, "{}", held.json);
    assert_eq!(held.json["status"], "pending");
    assert_eq!(held.json["starts_at"], start);

    let taken = send(&stack, book("bob@example.org")).await;
    documented(&doc, "post", "/api/v1/bookings", &taken);
    assert_eq!(taken.status, StatusCode::CONFLICT);
    assert_eq!(taken.json["error"]["code"], "slot_taken");
    let alternatives = taken.json["error"]["alternatives"]
        .as_array()
        .expect("alternatives");
    assert!(!alternatives.is_empty());
    assert!(alternatives.iter().all(|a| a["start"] != start));

    // Taken far ahead: the alternatives are the free times around it, not the first ones
    // from now.
    let far = free[free.len() - 20]["start"].clone();
    let far_booking = |email: &str| {
        post(
            "/api/v1/bookings",
            json!({"services": ["meldebescheinigung"], "start": far, "name": "Far Away", "email": email, "lang": "en"}),
        )
    };
    assert_eq!(
        send(&stack, far_booking("far@example.org")).await.status,
        StatusCode::ACCEPTED
    );
    let far_taken = send(&stack, far_booking("near@example.org")).await;
    assert_eq!(far_taken.json["error"]["code"], "slot_taken");
    let around: Vec<&str> = far_taken.json["error"]["alternatives"]
        .as_array()
        .expect("alternatives")
        .iter()
        .filter_map(|a| a["start"].as_str())
        .collect();
    let expected: Vec<&str> = free[free.len() - 25..free.len() - 15]
        .iter()
        .filter_map(|a| a["start"].as_str())
        .filter(|s| Some(*s) != far.as_str())
        .collect();
    assert_eq!(around.len(), 10);
    assert!(
        expected.iter().filter(|s| around.contains(s)).count() >= 8,
        "around {far}: {around:?}"
    );
    // Exactly the ten nearest of what the full search offers now.
    let now_free = send(&stack, get("/api/v1/slots?services=meldebescheinigung")).await;
    let far_at = chrono::DateTime::parse_from_rfc3339(far.as_str().expect("far")).expect("time");
    let mut nearest: Vec<&str> = now_free.json["slots"]
        .as_array()
        .expect("slots")
        .iter()
        .filter_map(|a| a["start"].as_str())
        .collect();
    nearest.sort_by_key(|s| {
        let t = chrono::DateTime::parse_from_rfc3339(s).expect("time");
        ((t - far_at).abs(), t)
    });
    let mut nearest: Vec<&str> = nearest.into_iter().take(10).collect();
    nearest.sort();
    assert_eq!(around, nearest);

    // A full day: its alternatives come from the days around it, still exactly the
    // nearest ten of all that is free.
    let day = far.as_str().expect("far")[..10].to_owned();
    let free_that_day = |json: &Value| -> Vec<String> {
        json["slots"]
            .as_array()
            .expect("slots")
            .iter()
            .filter_map(|a| a["start"].as_str())
            .filter(|s| s.starts_with(&day))
            .map(str::to_owned)
            .collect()
    };
    for i in 0..200 {
        let now_free = send(&stack, get("/api/v1/slots?services=meldebescheinigung")).await;
        let Some(next) = free_that_day(&now_free.json).first().cloned() else {
            break;
        };
        let filled = send(
            &stack,
            post(
                "/api/v1/bookings",
                json!({"services": ["meldebescheinigung"], "start": next, "name": "Full Day", "email": format!("full{i}@example.org"), "lang": "en"}),
            ),
        )
        .await;
        assert_eq!(filled.status, StatusCode::ACCEPTED, "{}", filled.json);
    }
    let now_free = send(&stack, get("/api/v1/slots?services=meldebescheinigung")).await;
    assert!(free_that_day(&now_free.json).is_empty(), "the day is full");
    let late = send(
        &stack,
        post(
            "/api/v1/bookings",
            json!({"services": ["meldebescheinigung"], "start": far, "name": "Too Late", "email": "late@example.org", "lang": "en"}),
        ),
    )
    .await;
    assert_eq!(late.json["error"]["code"], "slot_taken");
    let offered: Vec<&str> = late.json["error"]["alternatives"]
        .as_array()
        .expect("alternatives")
        .iter()
        .filter_map(|a| a["start"].as_str())
        .collect();
    let mut all: Vec<&str> = now_free.json["slots"]
        .as_array()
        .expect("slots")
        .iter()
        .filter_map(|a| a["start"].as_str())
        .collect();
    all.sort_by_key(|s| {
        let t = chrono::DateTime::parse_from_rfc3339(s).expect("time");
        ((t - far_at).abs(), t)
    });
    let mut expected: Vec<&str> = all.into_iter().take(10).collect();
    expected.sort();
    assert_eq!(offered.len(), 10);
    assert!(offered.iter().all(|s| !s.starts_with(&day)));
    assert_eq!(offered, expected);
    assert!(around.windows(2).all(|w| w[0] < w[1]), "in time order");

    // Translated messages, stable codes.
    let bad_mail = send(
        &stack,
        post(
            "/api/v1/bookings",
            json!({"services": ["meldebescheinigung"], "start": alternatives[0]["start"],
                   "name": "Ada", "email": "not-an-address", "lang": "de"}),
        ),
    )
    .await;
    documented(&doc, "post", "/api/v1/bookings", &bad_mail);
    assert_eq!(bad_mail.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad_mail.json["error"]["code"], "invalid_email");
    assert!(bad_mail.json["error"]["message"]
        .as_str()
        .is_some_and(|m| m.contains("E-Mail")));
    let not_json = send(
        &stack,
        Request::post("/api/v1/bookings")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from("{\"services\": "))
            .expect("request"),
    )
    .await;
    documented(&doc, "post", "/api/v1/bookings", &not_json);
    assert_eq!(not_json.status, StatusCode::BAD_REQUEST);
    assert_eq!(not_json.json["error"]["code"], "invalid_request");

    let (id, key) = common::key_from_outbox(&stack, "ada@example.org");
    assert_eq!(held.json["id"], id.as_str());
    let wrong = send(&stack, get(&format!("/api/v1/bookings/{id}?key=guess"))).await;
    documented(&doc, "get", "/api/v1/bookings/{id}", &wrong);
    assert_eq!(wrong.status, StatusCode::NOT_FOUND);
    let seen = send(&stack, get(&format!("/api/v1/bookings/{id}?key={key}"))).await;
    documented(&doc, "get", "/api/v1/bookings/{id}", &seen);
    assert_eq!(seen.json["status"], "pending");

    let confirm = format!("/api/v1/bookings/{id}/confirm");
    for _ in 0..2 {
        let done = send(&stack, post(&confirm, json!({"key": key}))).await;
        documented(&doc, "post", "/api/v1/bookings/{id}/confirm", &done);
        assert_eq!(done.status, StatusCode::OK);
        assert_eq!(done.json["status"], "confirmed");
    }
    let mails_to_ada = std::fs::read_dir(stack.state.settings.data_dir.join("outbox"))
        .expect("outbox")
        .filter_map(Result::ok)
        .filter(|e| {
            std::fs::read_to_string(e.path()).is_ok_and(|m| m.contains("To: ada@example.org"))
        })
        .count();
    assert_eq!(mails_to_ada, 2, "opt-in, and one confirmation");

    // Moving it: the times it can move to, a taken one refused with alternatives, a move.
    let movable = send(
        &stack,
        get(&format!("/api/v1/bookings/{id}/slots?key={key}")),
    )
    .await;
    documented(&doc, "get", "/api/v1/bookings/{id}/slots", &movable);
    assert_eq!(movable.status, StatusCode::OK);
    let to = movable.json["slots"][1]["start"].clone();
    let rebook = format!("/api/v1/bookings/{id}/rebook");
    let unknown = send(&stack, post(&rebook, json!({"key": "guess", "start": to}))).await;
    documented(&doc, "post", "/api/v1/bookings/{id}/rebook", &unknown);
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let moved = send(&stack, post(&rebook, json!({"key": key, "start": to}))).await;
    documented(&doc, "post", "/api/v1/bookings/{id}/rebook", &moved);
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.json);
    assert_eq!(moved.json["starts_at"], to);
    let gone = send(
        &stack,
        post(
            &rebook,
            json!({"key": key, "start": "2020-01-01T00:00:00Z"}),
        ),
    )
    .await;
    documented(&doc, "post", "/api/v1/bookings/{id}/rebook", &gone);
    assert_eq!(gone.status, StatusCode::CONFLICT);
    assert_eq!(gone.json["error"]["code"], "slot_taken");

    let cancel = format!("/api/v1/bookings/{id}/cancel");
    let done = send(&stack, post(&cancel, json!({"key": key}))).await;
    documented(&doc, "post", "/api/v1/bookings/{id}/cancel", &done);
    assert_eq!(done.json["status"], "cancelled");
    let lapsed = send(&stack, post(&confirm, json!({"key": key}))).await;
    documented(&doc, "post", "/api/v1/bookings/{id}/confirm", &lapsed);
    assert_eq!(lapsed.status, StatusCode::GONE);
    // The time is free again at once.
    let again = send(&stack, book("bob@example.org")).await;
    assert_eq!(again.status, StatusCode::ACCEPTED, "{}", again.json);
}

/// The served document, read once per test.
async fn served_document(stack: &common::Stack) -> Value {
    let doc = send(stack, get("/api/openapi.json")).await;
    assert_eq!(doc.status, StatusCode::OK);
    doc.json
}

#[tokio::test]
async fn query_parameters_are_documented_in_the_query_and_the_validator_would_see_otherwise() {
    let stack = common::start(common::monday_morning(), json!({})).await;
    let doc = served_document(&stack).await;
    // Every parameter declared in the path is in its path template, every other one in the
    // query: a generated client sends `key`, `services` and `lang`.
    let mut query = Vec::new();
    for (template, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("path item") {
            for p in op["parameters"].as_array().into_iter().flatten() {
                let name = p["name"].as_str().expect("name");
                match p["in"].as_str() {
                    Some("path") => assert!(
                        template.contains(&format!("{{{name}}}")),
                        "{method} {template}: path parameter {name}"
                    ),
                    Some("query") => query.push(format!("{method} {template} {name}")),
                    other => panic!("{method} {template} {name} in {other:?}"),
                }
            }
        }
    }
    for want in [
        "get /api/v1/services lang",
        "get /api/v1/slots services",
        "get /api/v1/slots lang",
        "get /api/v1/bookings/{id} key",
        "get /api/v1/bookings/{id} lang",
        "get /api/v1/bookings/{id}/slots key",
        "get /api/v1/bookings/{id}/slots lang",
    ] {
        assert!(query.iter().any(|q| q == want), "{want} in {query:?}");
    }

    // The validator refuses the document as it was: a required query parameter declared in
    // the path (it is not in the template), and an optional one (a path parameter must be
    // required).
    assert_eq!(validate(&doc), Ok(()));
    let moved = |name: &str| {
        let mut bad = doc.clone();
        let params = bad["paths"]["/api/v1/bookings/{id}"]["get"]["parameters"]
            .as_array_mut()
            .expect("parameters");
        let p = params
            .iter_mut()
            .find(|p| p["name"] == name)
            .expect("documented");
        p["in"] = json!("path");
        bad
    };
    let key_in_path = validate(&moved("key")).expect_err("key is not in the template");
    assert!(key_in_path.contains("'key'"), "{key_in_path}");
    let lang_in_path = validate(&moved("lang")).expect_err("a path parameter is required");
    assert!(lang_in_path.contains("True was expected"), "{lang_in_path}");
}

/// A request that fails: the operation it reaches (method, template) if any, its status
/// and code.
type Case = (
    Request<Body>,
    Option<(&'static str, &'static str)>,
    StatusCode,
    &'static str,
);

#[tokio::test]
async fn every_failure_under_the_api_is_json_with_a_documented_code() {
    let stack = common::start(common::monday_morning(), json!({})).await;
    let doc = served_document(&stack).await;
    let codes = documented_codes(&doc);
    for code in ["invalid_request", "no_such_endpoint", "method_not_allowed"] {
        assert!(codes.iter().any(|c| c == code), "{code} in {codes:?}");
    }
    // docs/api.md explains every code the document declares.
    let guide = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/api.md"))
        .expect("docs/api.md");
    for code in &codes {
        assert!(
            guide.contains(&format!("| `{code}` |")),
            "docs/api.md explains `{code}`"
        );
    }

    let raw = |method: &str, uri: &str, ctype: Option<&str>, body: &str| {
        let mut b = Request::builder().method(method).uri(uri);
        if let Some(c) = ctype {
            b = b.header(header::CONTENT_TYPE, c);
        }
        b.body(Body::from(body.to_owned())).expect("request")
    };
    let cases: Vec<Case> = vec![
        // An `{id}` that is not UTF-8 once decoded.
        (
            get("/api/v1/bookings/%FF?key=k"),
            Some(("get", "/api/v1/bookings/{id}")),
            StatusCode::BAD_REQUEST,
            "invalid_request",
        ),
        (
            raw(
                "POST",
                "/api/v1/bookings/%FF/cancel",
                Some("application/json"),
                r#"{"key":"k"}"#,
            ),
            Some(("post", "/api/v1/bookings/{id}/cancel")),
            StatusCode::BAD_REQUEST,
            "invalid_request",
        ),
        // A required query field missing.
        (
            get("/api/v1/bookings/BK_x"),
            Some(("get", "/api/v1/bookings/{id}")),
            StatusCode::BAD_REQUEST,
            "invalid_request",
        ),
        (
            get("/api/v1/bookings/BK_x/slots?lang=en"),
            Some(("get", "/api/v1/bookings/{id}/slots")),
            StatusCode::BAD_REQUEST,
            "invalid_request",
        ),
        (
            get("/api/v1/slots?lang=en"),
            Some(("get", "/api/v1/slots")),
            StatusCode::BAD_REQUEST,
            "invalid_request",
        ),
        // Malformed JSON, a field of the wrong type, a field missing.
        (
            raw(
                "POST",
                "/api/v1/bookings",
                Some("application/json"),
                "{\"services\": ",
            ),
            Some(("post", "/api/v1/bookings")),
            StatusCode::BAD_REQUEST,
            "invalid_request",
        ),
        (
            raw(
                "POST",
                "/api/v1/bookings/BK_x/confirm",
                Some("application/json"),
                r#"{"key": 5}"#,
            ),
            Some(("post", "/api/v1/bookings/{id}/confirm")),
            StatusCode::BAD_REQUEST,
            "invalid_request",
        ),
        (
            raw(
                "POST",
                "/api/v1/bookings/BK_x/rebook",
                Some("application/json"),
                r#"{"key": "k"}"#,
            ),
            Some(("post", "/api/v1/bookings/{id}/rebook")),
            StatusCode::BAD_REQUEST,
            "invalid_request",
        ),
        // Not JSON by its content type, or none.
        (
            raw("POST", "/api/v1/bookings", Some("text/plain"), "{}"),
            Some(("post", "/api/v1/bookings")),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        ),
        (
            raw(
                "POST",
                "/api/v1/bookings/BK_x/cancel",
                None,
                r#"{"key":"k"}"#,
            ),
            Some(("post", "/api/v1/bookings/{id}/cancel")),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        ),
        // Over the body limit (2 MB).
        (
            raw(
                "POST",
                "/api/v1/bookings",
                Some("application/json"),
                &format!("{{\"name\": \"{}\"}}", "x".repeat(3 << 20)),
            ),
            Some(("post", "/api/v1/bookings")),
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
        ),
        // No such endpoint.
        (
            get("/api/v1/nothing-here"),
            None,
            StatusCode::NOT_FOUND,
            "no_such_endpoint",
        ),
        (
            get("/api/v1/bookings/BK_x/y/z"),
            None,
            StatusCode::NOT_FOUND,
            "no_such_endpoint",
        ),
        (
            get("/api/v2/services"),
            None,
            StatusCode::NOT_FOUND,
            "no_such_endpoint",
        ),
        // An endpoint asked with a method it does not take.
        (
            get("/api/v1/bookings"),
            None,
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
        ),
        (
            raw("DELETE", "/api/v1/bookings/BK_x", None, ""),
            None,
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
        ),
    ];
    for (req, op, status, code) in cases {
        let what = format!("{} {}", req.method(), req.uri());
        let a = send(&stack, req).await;
        assert_eq!(a.status, status, "{what}: {}", a.json);
        assert_eq!(error_shape(&doc, &a), code, "{what}");
        if let Some((method, template)) = op {
            documented(&doc, method, template, &a);
        }
        if status == StatusCode::METHOD_NOT_ALLOWED {
            assert!(a.headers.contains_key(header::ALLOW), "{what}: Allow");
        }
    }
    // Translated like every other failure.
    let de = send(&stack, get("/api/v1/nothing-here?lang=de")).await;
    let en = send(&stack, get("/api/v1/nothing-here?lang=en")).await;
    assert_ne!(de.json["error"]["message"], en.json["error"]["message"]);

    // Pages keep their own 404 and 405.
    let page = vamt_portal::app(stack.state.clone())
        .oneshot(get("/nothing-here"))
        .await
        .expect("infallible");
    assert_eq!(page.status(), StatusCode::NOT_FOUND);
    assert!(page
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|c| c.starts_with("text/html")));
}

#[tokio::test]
async fn an_address_the_mail_library_refuses_is_refused_and_holds_nothing() {
    let stack = common::start(common::monday_morning(), json!({})).await;
    let doc = served_document(&stack).await;
    let stored = || async {
        let db = &stack.state.db;
        let bookings: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM bookings")
            .fetch_one(db.pool())
            .await
            .expect("count");
        let queued: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM mail_queue")
            .fetch_one(db.pool())
            .await
            .expect("count");
        (bookings, queued, common::outbox(&stack).len())
    };
    let stored_before = stored().await;
    let before = send(&stack, get("/api/v1/slots?services=meldebescheinigung")).await;
    let start = before.json["slots"][0]["start"].clone();
    // Each of these passed the portal's own check before and was refused by lettre only
    // when the opt-in mail was composed: 202, no mail, the time held until it lapsed.
    for email in [
        "a;b@example.org",
        "a(b)@example.org",
        "Ada <ada@example.org>",
    ] {
        let refused = send(
            &stack,
            post(
                "/api/v1/bookings",
                json!({"services": ["meldebescheinigung"], "start": start, "name": "Ada",
                       "email": email, "lang": "en"}),
            ),
        )
        .await;
        documented(&doc, "post", "/api/v1/bookings", &refused);
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{email}");
        assert_eq!(refused.json["error"]["code"], "invalid_email", "{email}");
    }
    let after = send(&stack, get("/api/v1/slots?services=meldebescheinigung")).await;
    assert_eq!(before.json, after.json, "the free times are unchanged");
    assert_eq!(
        stored().await,
        stored_before,
        "no booking held, no mail queued or sent"
    );

    // The same time with an address lettre takes is booked.
    let ok = send(
        &stack,
        post(
            "/api/v1/bookings",
            json!({"services": ["meldebescheinigung"], "start": start, "name": "Ada",
                   "email": "a+b@example.org", "lang": "en"}),
        ),
    )
    .await;
    assert_eq!(ok.status, StatusCode::ACCEPTED, "{}", ok.json);
}
