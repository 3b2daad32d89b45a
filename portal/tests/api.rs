//! The booking JSON API against its OpenAPI document: the document is valid OpenAPI 3.1
//! with every reference resolved, and every answer the API gives here is one it documents.
mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;

struct Answer {
    status: StatusCode,
    json: Value,
}

async fn send(stack: &common::Stack, req: Request<Body>) -> Answer {
    let resp = vamt_portal::app(stack.state.clone())
        .oneshot(req)
        .await
        .expect("infallible");
    let status = resp.status();
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

/// Checks an answer against the document: the operation exists and documents the status;
/// an error answer has the one error shape.
fn documented(doc: &Value, method: &str, template: &str, a: &Answer) {
    let op = &doc["paths"][template][method];
    assert!(op.is_object(), "{method} {template} is documented");
    let code = a.status.as_u16().to_string();
    assert!(
        op["responses"][&code].is_object(),
        "{method} {template} documents {code}: {}",
        a.json
    );
    if a.status.is_client_error() || a.status.is_server_error() {
        let e = &a.json["error"];
        assert!(
            e["code"].is_string() && e["message"].is_string(),
            "{}",
            a.json
        );
        assert!(!e["message"].as_str().unwrap_or_default().is_empty());
    }
}

#[tokio::test]
async fn the_openapi_document_is_valid_and_the_api_answers_as_documented() {
    let stack = common::start(common::monday_morning(), json!({})).await;
    let doc = send(&stack, get("/api/openapi.json")).await;
    assert_eq!(doc.status, StatusCode::OK);
    let doc = doc.json;
    // A parser of its own accepts it as OpenAPI 3.1.
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
        if want != StatusCode::BAD_REQUEST {
            documented(&doc, "get", "/api/v1/slots", &a);
        }
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
