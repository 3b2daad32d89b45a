//! The case record over its API, on a real portal and database: documents both ways,
//! byte-identical, resumable; bad files refused with nothing kept; the guided identity
//! check; documents shared with an interpreter; joins and leaves in the audit log; the
//! audit chain, which finds a changed or deleted entry; erasure by the case key.
use crate::common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use vamt_signalling::{Role, RoomClaims};

use common::{
    call, citizen_token, clerk_token, demo_booking, json, json_request, monday_morning, sign_in,
    start, with_token, Stack,
};

fn get(uri: &str, token: &str) -> Request<Body> {
    with_token(
        Request::get(uri).body(Body::empty()).expect("request"),
        token,
    )
}

fn post_json(uri: &str, token: &str, body: &Value) -> Request<Body> {
    with_token(json_request("POST", uri, body), token)
}

fn put(uri: &str, token: &str, bytes: Vec<u8>) -> Request<Body> {
    with_token(
        Request::put(uri)
            .header(header::CONTENT_TYPE, "application/octet-stream")
            .body(Body::from(bytes))
            .expect("request"),
        token,
    )
}

/// Raw bytes of a response (the content endpoint).
async fn fetch(stack: &Stack, req: Request<Body>) -> (StatusCode, Vec<u8>) {
    let resp = tower::ServiceExt::oneshot(vamt_portal::app(stack.state.clone()), req)
        .await
        .expect("infallible");
    let status = resp.status();
    let bytes = http_body_util::BodyExt::collect(resp.into_body())
        .await
        .expect("body")
        .to_bytes();
    (status, bytes.to_vec())
}

/// Uploads `bytes` as `name` in 1 MiB chunks; returns the answer to `complete`.
async fn upload(
    stack: &Stack,
    booking: &str,
    token: &str,
    name: &str,
    bytes: &[u8],
) -> common::Resp {
    let base = format!("/api/v1/calls/{booking}/documents");
    let r = call(
        stack,
        post_json(
            &base,
            token,
            &json!({ "name": name, "size": bytes.len(), "sha256": hex::encode(Sha256::digest(bytes)) }),
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let doc = json(&r.body);
    let id = doc["id"].as_str().expect("id").to_owned();
    let chunk = doc["chunk_max"].as_u64().expect("chunk_max") as usize;
    for (i, part) in bytes.chunks(chunk).enumerate() {
        let start = i * chunk;
        let r = call(
            stack,
            put(
                &format!("{base}/{id}/content?start={start}"),
                token,
                part.to_vec(),
            ),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(json(&r.body)["received"], (start + part.len()) as u64);
    }
    call(
        stack,
        post_json(&format!("{base}/{id}/complete"), token, &json!({})),
    )
    .await
}

fn pdf(size: usize, seed: u8) -> Vec<u8> {
    let mut v = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut x = u32::from(seed) | 1;
    while v.len() < size - 7 {
        // xorshift: incompressible filler, so the bytes are not all alike.
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        v.push(x as u8);
    }
    v.extend_from_slice(b"\n%%EOF\n");
    v
}

fn png() -> Vec<u8> {
    let mut v = b"\x89PNG\r\n\x1a\n".to_vec();
    v.extend_from_slice(&[0, 0, 0, 13]);
    v.extend_from_slice(b"IHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde");
    v.extend_from_slice(&[0, 0, 0, 0]);
    v.extend_from_slice(b"IEND\xaeB`\x82");
    v
}

async fn count(stack: &Stack, sql: &'static str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(stack.state.db.pool())
        .await
        .expect("count")
}

#[tokio::test]
async fn documents_go_both_ways_byte_identical_and_an_upload_resumes_where_it_stands() {
    let stack = start(monday_morning(), json!({})).await;
    let (booking, key) = demo_booking(&stack);
    let citizen = citizen_token(&stack, &booking, &key).await;
    let clerk = clerk_token(&stack, &booking).await;
    let base = format!("/api/v1/calls/{booking}/documents");

    // 5 MB from the citizen, with a lost answer and a chunk sent out of turn on the way.
    let file = pdf(5_000_000, 7);
    let r = call(
        &stack,
        post_json(
            &base,
            &citizen,
            &json!({ "name": "C:\\Scans\\Meldebescheinigung.pdf", "size": file.len(), "sha256": hex::encode(Sha256::digest(&file)) }),
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let id = json(&r.body)["id"].as_str().expect("id").to_owned();
    let chunk = 1 << 20;
    let first = call(
        &stack,
        put(
            &format!("{base}/{id}/content?start=0"),
            &citizen,
            file[..chunk].to_vec(),
        ),
    )
    .await;
    assert_eq!(json(&first.body)["received"], chunk as u64);
    // The same chunk again (its answer was lost): harmless.
    let again = call(
        &stack,
        put(
            &format!("{base}/{id}/content?start=0"),
            &citizen,
            file[..chunk].to_vec(),
        ),
    )
    .await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.body);
    assert_eq!(json(&again.body)["received"], chunk as u64);
    // A chunk ahead of where the upload stands: refused, saying where it stands.
    let ahead = call(
        &stack,
        put(
            &format!("{base}/{id}/content?start={}", 2 * chunk),
            &citizen,
            file[2 * chunk..3 * chunk].to_vec(),
        ),
    )
    .await;
    assert_eq!(ahead.status, StatusCode::CONFLICT, "{}", ahead.body);
    let err = json(&ahead.body);
    assert_eq!(err["error"]["code"], "upload_offset");
    assert_eq!(err["error"]["received"], chunk as u64);
    // Completing early: refused, nothing lost.
    let early = call(
        &stack,
        post_json(&format!("{base}/{id}/complete"), &citizen, &json!({})),
    )
    .await;
    assert_eq!(early.status, StatusCode::CONFLICT, "{}", early.body);
    assert_eq!(json(&early.body)["error"]["code"], "upload_incomplete");
    // After a dropped link the sender asks where to go on, and goes on from there.
    let status = call(&stack, get(&format!("{base}/{id}"), &citizen)).await;
    let mut at = json(&status.body)["received"].as_u64().expect("received") as usize;
    while at < file.len() {
        let end = (at + chunk).min(file.len());
        let r = call(
            &stack,
            put(
                &format!("{base}/{id}/content?start={at}"),
                &citizen,
                file[at..end].to_vec(),
            ),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        at = end;
    }
    let done = call(
        &stack,
        post_json(&format!("{base}/{id}/complete"), &citizen, &json!({})),
    )
    .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    let doc = json(&done.body);
    assert_eq!(doc["state"], "received");
    assert_eq!(doc["kind"], "pdf");
    assert_eq!(doc["name"], "Meldebescheinigung.pdf");

    // A photo from the citizen too.
    let photo = png();
    let r = upload(&stack, &booking, &citizen, "ausweis.png", &photo).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let photo_id = json(&r.body)["id"].as_str().expect("id").to_owned();

    // The clerk sees both and receives them byte-identical.
    let list = json(&call(&stack, get(&base, &clerk)).await.body);
    assert_eq!(list.as_array().map(Vec::len), Some(2), "{list}");
    let (s, got) = fetch(&stack, get(&format!("{base}/{id}/content"), &clerk)).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        got == file,
        "the clerk receives the citizen's PDF byte-identical"
    );
    let (s, got) = fetch(&stack, get(&format!("{base}/{photo_id}/content"), &clerk)).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(got, photo);

    // The clerk keeps the PDF, discards the photo; the citizen may not decide.
    let kept = call(
        &stack,
        post_json(&format!("{base}/{id}/keep"), &clerk, &json!({})),
    )
    .await;
    assert_eq!(json(&kept.body)["state"], "kept", "{}", kept.body);
    let not_yours = call(
        &stack,
        post_json(&format!("{base}/{photo_id}/discard"), &citizen, &json!({})),
    )
    .await;
    assert_eq!(not_yours.status, StatusCode::FORBIDDEN);
    assert_eq!(json(&not_yours.body)["error"]["code"], "clerk_only");
    let gone = call(
        &stack,
        post_json(&format!("{base}/{photo_id}/discard"), &clerk, &json!({})),
    )
    .await;
    assert_eq!(json(&gone.body)["state"], "discarded", "{}", gone.body);
    let (s, _) = fetch(&stack, get(&format!("{base}/{photo_id}/content"), &clerk)).await;
    assert_eq!(
        s,
        StatusCode::NOT_FOUND,
        "a discarded document has no bytes left"
    );

    // The office's document goes to the citizen the same way.
    let notice = pdf(300_000, 9);
    let r = upload(&stack, &booking, &clerk, "Bescheid.pdf", &notice).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let out = json(&r.body);
    assert_eq!(out["origin"], "office");
    let (s, got) = fetch(
        &stack,
        get(
            &format!("{base}/{}/content", out["id"].as_str().expect("id")),
            &citizen,
        ),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert!(got == notice);

    // At rest, nothing of the files or their names is in the clear.
    let chunks: Vec<Vec<u8>> = sqlx::query_scalar("SELECT data FROM case_document_chunks")
        .fetch_all(stack.state.db.pool())
        .await
        .expect("chunks");
    assert!(!chunks.is_empty());
    for c in &chunks {
        assert!(
            !c.windows(5).any(|w| w == b"%PDF-"),
            "a chunk holds plain PDF bytes"
        );
    }
    let names: Vec<String> = sqlx::query_scalar("SELECT sealed_name FROM case_documents")
        .fetch_all(stack.state.db.pool())
        .await
        .expect("names");
    assert!(names.iter().all(|n| !n.contains("Meldebescheinigung")));
}

#[tokio::test]
async fn bad_files_and_strangers_are_refused_and_nothing_is_kept() {
    let stack = start(
        monday_morning(),
        json!({ "documents": { "max_file_mb": 1 } }),
    )
    .await;
    let (booking, key) = demo_booking(&stack);
    let citizen = citizen_token(&stack, &booking, &key).await;
    let base = format!("/api/v1/calls/{booking}/documents");

    // An executable named .pdf.
    let mut exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff".to_vec();
    exe.extend(std::iter::repeat_n(0u8, 4000));
    let r = upload(&stack, &booking, &citizen, "antrag.pdf", &exe).await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{}", r.body);
    assert_eq!(json(&r.body)["error"]["code"], "file_type");
    // A PDF cut off on the way (its end missing).
    let whole = pdf(200_000, 3);
    let cut = whole[..150_000].to_vec();
    let r = upload(&stack, &booking, &citizen, "cut.pdf", &cut).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(json(&r.body)["error"]["code"], "file_truncated");
    assert_eq!(
        count(&stack, "SELECT COUNT(*) FROM case_documents").await,
        0
    );
    assert_eq!(
        count(&stack, "SELECT COUNT(*) FROM case_document_chunks").await,
        0
    );

    // Bytes that are not what was declared.
    let r = call(
        &stack,
        post_json(
            &base,
            &citizen,
            &json!({ "name": "a.pdf", "size": whole.len(), "sha256": "00".repeat(32) }),
        ),
    )
    .await;
    let id = json(&r.body)["id"].as_str().expect("id").to_owned();
    for (i, part) in whole.chunks(1 << 20).enumerate() {
        call(
            &stack,
            put(
                &format!("{base}/{id}/content?start={}", i << 20),
                &citizen,
                part.to_vec(),
            ),
        )
        .await;
    }
    let r = call(
        &stack,
        post_json(&format!("{base}/{id}/complete"), &citizen, &json!({})),
    )
    .await;
    assert_eq!(
        json(&r.body)["error"]["code"],
        "checksum_mismatch",
        "{}",
        r.body
    );
    assert_eq!(
        count(&stack, "SELECT COUNT(*) FROM case_documents").await,
        0
    );

    // Over the limit (1 MB here), and a chunk past the declared size.
    let r = call(
        &stack,
        post_json(
            &base,
            &citizen,
            &json!({ "name": "big.pdf", "size": 1_000_001, "sha256": "00".repeat(32) }),
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.body);
    assert_eq!(json(&r.body)["error"]["code"], "file_too_large");
    let r = call(
        &stack,
        post_json(
            &base,
            &citizen,
            &json!({ "name": "s.pdf", "size": 10, "sha256": "00".repeat(32) }),
        ),
    )
    .await;
    let small = json(&r.body)["id"].as_str().expect("id").to_owned();
    let r = call(
        &stack,
        put(
            &format!("{base}/{small}/content?start=0"),
            &citizen,
            vec![0; 11],
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    // Unknown fields in the declaration.
    let r = call(
        &stack,
        post_json(
            &base,
            &citizen,
            &json!({ "name": "s.pdf", "size": 10, "sha256": "00".repeat(32), "path": "/etc" }),
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);

    // Nobody, a forged token, a token of another call, and an observer of this one.
    let r = call(
        &stack,
        Request::get(&base).body(Body::empty()).expect("request"),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(json(&r.body)["error"]["code"], "unauthorized");
    let r = call(&stack, get(&base, "not.a.token")).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let now = stack.clock.now().timestamp() as u64;
    let claims = |booking: &str, role: Role| RoomClaims {
        sub: "citizen:BK_other".into(),
        name: "Someone".into(),
        room: "RM_other".into(),
        booking: booking.into(),
        role,
        iat: now,
        exp: now + 600,
        lobby: false,
        opens_at: None,
    };
    let stranger = stack
        .state
        .tokens
        .sign(&claims("BK_other", Role::Citizen))
        .expect("sign");
    let r = call(
        &stack,
        post_json(
            &base,
            &stranger,
            &json!({ "name": "x.pdf", "size": 10, "sha256": "00".repeat(32) }),
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert_eq!(json(&r.body)["error"]["code"], "not_in_call");
    let observer = stack
        .state
        .tokens
        .sign(&claims(&booking, Role::Observer))
        .expect("sign");
    let r = call(&stack, get(&base, &observer)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        json(&r.body),
        json!([]),
        "a guest sees only what the clerk shares"
    );
    let r = call(
        &stack,
        post_json(
            &base,
            &observer,
            &json!({ "name": "x.pdf", "size": 10, "sha256": "00".repeat(32) }),
        ),
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "a guest hands nothing over: {}",
        r.body
    );
    // An expired token says so.
    stack.clock.advance(chrono::Duration::hours(1));
    let r = call(&stack, get(&base, &citizen)).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(json(&r.body)["error"]["code"], "token_expired");

    // What was refused is in the audit log, without names.
    let audit: Vec<(String, String)> =
        sqlx::query_as("SELECT event, detail FROM case_audit ORDER BY seq")
            .fetch_all(stack.state.db.pool())
            .await
            .expect("audit");
    let refused: Vec<&str> = audit
        .iter()
        .filter(|(e, _)| e == "upload_refused")
        .map(|(_, d)| d.as_str())
        .collect();
    assert_eq!(refused.len(), 3, "{audit:?}");
    assert!(refused[0].contains("\"kind\"") && refused[1].contains("truncated"));
    assert!(audit
        .iter()
        .all(|(_, d)| !d.contains("antrag") && !d.contains("cut.pdf")));
}

#[tokio::test]
async fn the_identity_check_is_recorded_and_the_audit_chain_finds_a_changed_or_deleted_entry() {
    let stack = start(monday_morning(), json!({})).await;
    let (booking, key) = demo_booking(&stack);
    let citizen = citizen_token(&stack, &booking, &key).await;
    let clerk = clerk_token(&stack, &booking).await;
    let uri = format!("/api/v1/calls/{booking}/identity");

    let incomplete = json!({ "method": "id_card", "checks": ["photo_matches", "valid"], "outcome": "confirmed" });
    let r = call(&stack, post_json(&uri, &clerk, &incomplete)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(json(&r.body)["error"]["code"], "identity_incomplete");
    let r = call(&stack, post_json(&uri, &citizen, &incomplete)).await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "the citizen cannot check themselves"
    );
    let whole = json!({ "method": "id_card", "checks": ["photo_matches", "security_feature_visible", "valid", "name_matches"], "outcome": "confirmed" });
    let r = call(&stack, post_json(&uri, &clerk, &whole)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let case = json(&r.body);
    assert_eq!(case["identity"]["outcome"], "confirmed");
    let events: Vec<&str> = case["timeline"]
        .as_array()
        .expect("timeline")
        .iter()
        .filter_map(|e| e["event"].as_str())
        .collect();
    assert_eq!(events, ["opened", "identity_checked"]);
    upload(&stack, &booking, &citizen, "a.png", &png()).await;

    let db = &stack.state.db;
    let report = vamt_documents::audit::verify_all(db).await.expect("verify");
    assert!(report.broken.is_empty(), "{:?}", report.broken);
    assert_eq!((report.sound, report.entries), (1, 3));

    // The database refuses to change or delete an entry.
    let change = "UPDATE case_audit SET detail = '{}' WHERE seq = 2";
    assert!(sqlx::query(change).execute(db.pool()).await.is_err());
    assert!(sqlx::query("DELETE FROM case_audit WHERE seq = 3")
        .execute(db.pool())
        .await
        .is_err());

    // Someone who drops the guard and changes an entry is found; so is a cut-off end.
    let drop = match db.engine() {
        vamt_portal_core::sql::Engine::Sqlite => vec![
            "DROP TRIGGER case_audit_append_only_update",
            "DROP TRIGGER case_audit_append_only_delete",
        ],
        vamt_portal_core::sql::Engine::Postgres => {
            vec!["DROP TRIGGER case_audit_append_only ON case_audit"]
        }
    };
    for sql in drop {
        sqlx::query(sql)
            .execute(db.pool())
            .await
            .expect("drop trigger");
    }
    sqlx::query(change)
        .execute(db.pool())
        .await
        .expect("tamper");
    let report = vamt_documents::audit::verify_all(db).await.expect("verify");
    assert_eq!(report.broken.len(), 1, "{:?}", report.broken);
    assert_eq!(
        report.broken[0].1,
        vamt_documents::audit::Break::Changed { seq: 2 }
    );

    let stack = start(monday_morning(), json!({})).await;
    let (booking, key) = demo_booking(&stack);
    let citizen = citizen_token(&stack, &booking, &key).await;
    upload(&stack, &booking, &citizen, "a.png", &png()).await;
    let db = &stack.state.db;
    for sql in match db.engine() {
        vamt_portal_core::sql::Engine::Sqlite => vec!["DROP TRIGGER case_audit_append_only_delete"],
        vamt_portal_core::sql::Engine::Postgres => {
            vec!["DROP TRIGGER case_audit_append_only ON case_audit"]
        }
    } {
        sqlx::query(sql)
            .execute(db.pool())
            .await
            .expect("drop trigger");
    }
    sqlx::query("DELETE FROM case_audit WHERE seq = (SELECT MAX(seq) FROM case_audit)")
        .execute(db.pool())
        .await
        .expect("cut");
    let report = vamt_documents::audit::verify_all(db).await.expect("verify");
    assert!(
        matches!(
            report.broken.first(),
            Some((_, vamt_documents::audit::Break::Cut { .. }))
        ),
        "{:?}",
        report.broken
    );
}

#[tokio::test]
async fn erasing_the_case_key_erases_the_case() {
    let stack = start(monday_morning(), json!({})).await;
    let (booking, key) = demo_booking(&stack);
    let citizen = citizen_token(&stack, &booking, &key).await;
    let r = upload(&stack, &booking, &citizen, "a.png", &png()).await;
    let id = json(&r.body)["id"].as_str().expect("id").to_owned();
    let cases = &stack.state.cases;
    let case = vamt_documents::case::of_booking(cases, &booking)
        .await
        .expect("read")
        .expect("opened");
    vamt_documents::case::erase(cases, &case, &vamt_documents::case::Actor::System)
        .await
        .expect("erase");
    assert_eq!(
        count(&stack, "SELECT COUNT(*) FROM case_document_chunks").await,
        0
    );
    assert_eq!(
        count(
            &stack,
            "SELECT COUNT(*) FROM cases WHERE wrapped_key IS NOT NULL"
        )
        .await,
        0
    );
    let (s, _) = fetch(
        &stack,
        get(
            &format!("/api/v1/calls/{booking}/documents/{id}/content"),
            &citizen,
        ),
    )
    .await;
    assert_eq!(s, StatusCode::GONE);
    let report = vamt_documents::audit::verify_all(&stack.state.db)
        .await
        .expect("verify");
    assert!(report.broken.is_empty());
}

#[tokio::test]
async fn an_upload_nobody_finishes_is_deleted_once_it_can_no_longer_be_resumed() {
    let stack = start(
        monday_morning(),
        json!({ "documents": { "resume_hours": 2 } }),
    )
    .await;
    let (booking, key) = demo_booking(&stack);
    let citizen = citizen_token(&stack, &booking, &key).await;
    let base = format!("/api/v1/calls/{booking}/documents");
    let file = pdf(100_000, 5);
    let r = call(&stack, post_json(&base, &citizen, &json!({ "name": "half.pdf", "size": file.len(), "sha256": hex::encode(Sha256::digest(&file)) }))).await;
    let id = json(&r.body)["id"].as_str().expect("id").to_owned();
    call(
        &stack,
        put(
            &format!("{base}/{id}/content?start=0"),
            &citizen,
            file[..50_000].to_vec(),
        ),
    )
    .await;
    let cases = &stack.state.cases;
    stack.clock.advance(chrono::Duration::minutes(119));
    assert_eq!(
        vamt_documents::retention::run_once(cases)
            .await
            .expect("round"),
        0
    );
    assert_eq!(
        count(&stack, "SELECT COUNT(*) FROM case_document_chunks").await,
        1
    );
    stack.clock.advance(chrono::Duration::minutes(2));
    assert_eq!(
        vamt_documents::retention::run_once(cases)
            .await
            .expect("round"),
        1
    );
    assert_eq!(
        count(&stack, "SELECT COUNT(*) FROM case_document_chunks").await,
        0
    );
    assert_eq!(
        count(&stack, "SELECT COUNT(*) FROM case_documents").await,
        0
    );
}

#[tokio::test]
async fn a_program_gets_its_token_and_ice_servers_and_too_early_in_a_form_it_can_read() {
    let stack = start(monday_morning(), json!({})).await;
    let (booking, key) = demo_booking(&stack);
    let r = call(
        &stack,
        json_request(
            "POST",
            &format!("/api/v1/calls/{booking}/token"),
            &json!({ "key": "wrong" }),
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let token = citizen_token(&stack, &booking, &key).await;
    let r = call(
        &stack,
        post_json(
            &format!("/api/v1/calls/{booking}/token/refresh"),
            &token,
            &json!({}),
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v = json(&r.body);
    assert!(v["ice_servers"].is_array());
    assert!(v["expires_at"].as_u64() > Some(stack.clock.now().timestamp() as u64));

    // Days before the appointment, the room is closed: the API says when it opens.
    let early = start(monday_morning() - chrono::Duration::days(2), json!({})).await;
    let (b2, k2) = demo_booking(&early);
    // The demo booking starts when the stack does; move it two days on.
    sqlx::query("UPDATE bookings SET starts_at = $1 WHERE id = $2")
        .bind(vamt_portal_core::sql::ts(monday_morning()))
        .bind(&b2)
        .execute(early.state.db.pool())
        .await
        .expect("move");
    let r = call(
        &early,
        json_request(
            "POST",
            &format!("/api/v1/calls/{b2}/token"),
            &json!({ "key": k2 }),
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    let err = json(&r.body);
    assert_eq!(err["error"]["code"], "too_early");
    assert!(err["error"]["opens_at"].is_string());
}

/// A small, well-formed PDF (one page saying `text`), with a correct cross-reference table,
/// as an office's document would be.
fn real_pdf(text: &str) -> Vec<u8> {
    let content = format!("BT /F1 24 Tf 72 720 Td ({text}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R \
         /Resources << /Font << /F1 5 0 R >> >> >>"
            .to_owned(),
        format!(
            "<< /Length {} >>\nstream\n{content}\nendstream",
            content.len()
        ),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
    ];
    let mut out = b"%PDF-1.7\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for off in offsets {
        out.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// Runs a poppler tool on `pdf`; its standard output (and error) as text.
fn poppler(tool: &str, pdf: &[u8], extra: &[&str]) -> String {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("doc.pdf");
    std::fs::write(&path, pdf).expect("write");
    let out = std::process::Command::new(tool)
        .args(extra)
        .arg(&path)
        .args(if tool == "pdftotext" {
            &["-"][..]
        } else {
            &[][..]
        })
        .output()
        .unwrap_or_else(|e| {
            panic!("{tool} (poppler-utils; scripts/install-deps test installs it): {e}")
        });
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[tokio::test]
async fn the_citizen_reads_and_signs_by_pad_and_by_tan_and_the_sealed_result_is_delivered() {
    let stack = start(monday_morning(), json!({})).await;
    let (booking, key) = demo_booking(&stack);
    let citizen = citizen_token(&stack, &booking, &key).await;
    let clerk = clerk_token(&stack, &booking).await;
    let base = format!("/api/v1/calls/{booking}");

    let form = real_pdf("Antrag auf Meldebescheinigung");
    let r = upload(&stack, &booking, &clerk, "Antrag.pdf", &form).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let doc = json(&r.body)["id"].as_str().expect("id").to_owned();
    let r = call(
        &stack,
        post_json(
            &format!("{base}/documents/{doc}/signature"),
            &citizen,
            &json!({}),
        ),
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "only the clerk asks for a signature"
    );
    let r = call(
        &stack,
        post_json(
            &format!("{base}/documents/{doc}/signature"),
            &clerk,
            &json!({}),
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let sig = json(&r.body)["id"].as_str().expect("id").to_owned();

    // Signing before confirming to have read it is refused; so is a drawing off the pad.
    let strokes = json!({ "method": "drawn", "strokes": [[[0.1, 0.5], [0.2, 0.3], [0.3, 0.6], [0.45, 0.4]], [[0.5, 0.5], [0.9, 0.45]]] });
    let r = call(
        &stack,
        post_json(&format!("{base}/signatures/{sig}/sign"), &citizen, &strokes),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(json(&r.body)["error"]["code"], "signature_refused");
    let r = call(
        &stack,
        post_json(
            &format!("{base}/signatures/{sig}/read"),
            &citizen,
            &json!({}),
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let off_pad = json!({ "method": "drawn", "strokes": [[[0.1, 0.5], [1.7, 0.3]]] });
    let r = call(
        &stack,
        post_json(&format!("{base}/signatures/{sig}/sign"), &citizen, &off_pad),
    )
    .await;
    assert_eq!(
        json(&r.body)["error"]["code"],
        "signature_refused",
        "{}",
        r.body
    );
    let r = call(
        &stack,
        post_json(&format!("{base}/signatures/{sig}/sign"), &clerk, &strokes),
    )
    .await;
    assert_eq!(json(&r.body)["error"]["code"], "citizen_only", "{}", r.body);

    let r = call(
        &stack,
        post_json(&format!("{base}/signatures/{sig}/sign"), &citizen, &strokes),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let signed = json(&r.body);
    assert_eq!(signed["signature"]["state"], "signed");
    assert_eq!(signed["signature"]["method"], "drawn");
    let signed_id = signed["document"]["id"].as_str().expect("id").to_owned();
    let (s, pdf) = fetch(
        &stack,
        get(&format!("{base}/documents/{signed_id}/content"), &citizen),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    // Signed once more the same request cannot be.
    let r = call(
        &stack,
        post_json(&format!("{base}/signatures/{sig}/sign"), &citizen, &strokes),
    )
    .await;
    assert_eq!(
        json(&r.body)["error"]["code"],
        "signature_refused",
        "{}",
        r.body
    );

    // The signed document: the original's page and the signature page, saying who and
    // the document's hash before signing; sealed, as poppler verifies.
    let text = poppler("pdftotext", &pdf, &[]);
    assert!(text.contains("Antrag auf Meldebescheinigung"), "{text}");
    assert!(text.contains("Erika Mustermann"), "{text}");
    let before = hex::encode(Sha256::digest(&form));
    assert!(
        text.contains(&before),
        "the hash before signing is on the page: {text}"
    );
    let info = poppler("pdfinfo", &pdf, &[]);
    assert!(
        info.contains("Pages:           2") || info.contains("Pages: 2"),
        "{info}"
    );
    let check = poppler("pdfsig", &pdf, &[]);
    assert!(check.contains("Signature is Valid"), "{check}");
    assert!(check.contains("DEMO SEAL"), "{check}");

    // By TAN: mailed to the booking's address, five tries, then spent.
    let r = upload(
        &stack,
        &booking,
        &clerk,
        "Vollmacht.pdf",
        &real_pdf("Vollmacht"),
    )
    .await;
    let doc2 = json(&r.body)["id"].as_str().expect("id").to_owned();
    let r = call(
        &stack,
        post_json(
            &format!("{base}/documents/{doc2}/signature"),
            &clerk,
            &json!({}),
        ),
    )
    .await;
    let sig2 = json(&r.body)["id"].as_str().expect("id").to_owned();
    call(
        &stack,
        post_json(
            &format!("{base}/signatures/{sig2}/read"),
            &citizen,
            &json!({}),
        ),
    )
    .await;
    let r = call(
        &stack,
        post_json(
            &format!("{base}/signatures/{sig2}/tan"),
            &citizen,
            &json!({}),
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.body);
    let mail = common::outbox_to(&stack, "erika@example.org")
        .into_iter()
        .find(|m| m.contains("TAN"))
        .expect("the TAN mail");
    let tan = mail
        .split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 6)
        .expect("six digits in the mail")
        .to_owned();
    let wrong = if tan == "000000" { "111111" } else { "000000" };
    let r = call(
        &stack,
        post_json(
            &format!("{base}/signatures/{sig2}/sign"),
            &citizen,
            &json!({ "method": "tan", "tan": wrong }),
        ),
    )
    .await;
    assert_eq!(
        json(&r.body)["error"]["code"],
        "signature_refused",
        "{}",
        r.body
    );
    let r = call(
        &stack,
        post_json(
            &format!("{base}/signatures/{sig2}/sign"),
            &citizen,
            &json!({ "method": "tan", "tan": tan }),
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(json(&r.body)["signature"]["method"], "tan");

    // The clerk delivers the signed result by download: a mail with a link that works
    // until it expires; then the case's files are erased.
    let r = call(
        &stack,
        post_json(
            &format!("{base}/documents/{signed_id}/deliver"),
            &clerk,
            &json!({ "method": "download" }),
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let mail = common::outbox_to(&stack, "erika@example.org")
        .into_iter()
        .find(|m| m.contains("/download?key="))
        .expect("the result mail");
    let at = mail.find("/documents/").expect("link");
    let link: String = mail[at..]
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect();
    let (s, got) = fetch(
        &stack,
        Request::get(link.as_str())
            .body(Body::empty())
            .expect("request"),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert!(got == pdf, "the link gives the signed document");
    let (s, _) = fetch(
        &stack,
        Request::get(link.replace("key=", "key=x").as_str())
            .body(Body::empty())
            .expect("request"),
    )
    .await;
    assert_ne!(s, StatusCode::OK, "a wrong key gives nothing");
    stack.clock.advance(chrono::Duration::days(15));
    let (s, _) = fetch(
        &stack,
        Request::get(link.as_str())
            .body(Body::empty())
            .expect("request"),
    )
    .await;
    assert_ne!(s, StatusCode::OK, "an expired link gives nothing");
    vamt_documents::retention::run_once(&stack.state.cases)
        .await
        .expect("retention");
    assert_eq!(
        count(&stack, "SELECT COUNT(*) FROM case_document_chunks").await,
        0
    );
    let events: Vec<String> = sqlx::query_scalar("SELECT event FROM case_audit ORDER BY seq")
        .fetch_all(stack.state.db.pool())
        .await
        .expect("audit");
    for e in [
        "signature_requested",
        "document_read",
        "document_signed",
        "document_sealed",
        "tan_sent",
        "delivered",
        "downloaded",
        "erased",
    ] {
        assert!(events.iter().any(|x| x == e), "{e} in {events:?}");
    }
}

#[tokio::test]
async fn the_clerk_invites_an_interpreter_who_joins_by_link_and_has_no_part_in_the_case() {
    let stack = start(monday_morning(), json!({})).await;
    let (booking, key) = demo_booking(&stack);
    let citizen = citizen_token(&stack, &booking, &key).await;
    let clerk = clerk_token(&stack, &booking).await;
    // The clerk's call page shows the appointment beside the call: who, what, what to check.
    let cookie = sign_in(
        &stack,
        &stack.demo.clerk_username,
        &stack.demo.clerk_password,
    )
    .await;
    let page = call(
        &stack,
        common::get(&format!("/clerk/call/{booking}?lang=en"), &cookie),
    )
    .await;
    assert_eq!(page.status, StatusCode::OK);
    let panel = &page.body[page
        .body
        .find("appointment-title")
        .expect("the appointment panel")..];
    assert!(
        panel.contains("Erika Mustermann") && panel.contains("To check"),
        "{panel}"
    );
    let uri = format!("/api/v1/calls/{booking}/invites");
    let body = json!({ "role": "interpreter", "name": "Ayşe Demir" });
    let r = call(&stack, post_json(&uri, &citizen, &body)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "only the clerk invites");
    let r = call(
        &stack,
        post_json(&uri, &clerk, &json!({ "role": "interpreter", "name": "" })),
    )
    .await;
    assert_eq!(json(&r.body)["error"]["code"], "invalid_name", "{}", r.body);
    let r = call(&stack, post_json(&uri, &clerk, &body)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let inv = json(&r.body);
    let url = inv["url"].as_str().expect("url");
    let path = &url[url.find("/call/").expect("path")..];

    // The guest's page: the call in the interpreter's role, without the case record.
    let page = call(
        &stack,
        Request::get(path).body(Body::empty()).expect("request"),
    )
    .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body.contains("data-role=\"interpreter\""),
        "{}",
        page.body
    );
    assert!(
        !page.body.contains("docs-file"),
        "no documents section for a guest"
    );
    let start =
        page.body.find("id=\"call-config\">").expect("config") + "id=\"call-config\">".len();
    let end = start + page.body[start..].find("</script>").expect("end");
    let config = json(&page.body[start..end]);
    assert_eq!(config["role"], "interpreter");
    let guest = config["token"].as_str().expect("token");
    let docs = format!("/api/v1/calls/{booking}/documents");
    let r = call(&stack, get(&docs, guest)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(json(&r.body), json!([]), "no case yet, nothing to see");

    // The interpreter sees a document only while the clerk shares it.
    let done = upload(&stack, &booking, &citizen, "ausweis.png", &png()).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    let doc = json(&done.body)["id"].as_str().expect("id").to_owned();
    let r = call(&stack, get(&docs, guest)).await;
    assert_eq!(json(&r.body), json!([]), "not shared: not listed");
    let (status, _) = fetch(&stack, get(&format!("{docs}/{doc}/content"), guest)).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "not shared: not fetched");
    let share = format!("{docs}/{doc}/share");
    let r = call(&stack, post_json(&share, guest, &json!({ "shared": true }))).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "a guest shares nothing");
    let r = call(
        &stack,
        post_json(&share, &citizen, &json!({ "shared": true })),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "only the clerk shares");
    let r = call(
        &stack,
        post_json(&share, &clerk, &json!({ "shared": true, "all": 1 })),
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::BAD_REQUEST,
        "unknown fields refused: {}",
        r.body
    );
    let r = call(
        &stack,
        post_json(&share, &clerk, &json!({ "shared": true })),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(json(&r.body)["shared_with_guests"], true);
    let r = call(&stack, get(&docs, guest)).await;
    let listed = json(&r.body);
    assert_eq!(listed.as_array().map(Vec::len), Some(1), "{listed}");
    assert_eq!(listed[0]["id"], doc.as_str());
    let (status, bytes) = fetch(&stack, get(&format!("{docs}/{doc}/content"), guest)).await;
    assert_eq!((status, bytes), (StatusCode::OK, png()));
    // A guest reads; it does not upload.
    let r = call(
        &stack,
        post_json(
            &docs,
            guest,
            &json!({ "name": "x.pdf", "size": 10, "sha256": "00" }),
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let r = call(
        &stack,
        post_json(&share, &clerk, &json!({ "shared": false })),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let (status, _) = fetch(&stack, get(&format!("{docs}/{doc}/content"), guest)).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "no longer shared");
    let timeline = timeline_events(&stack, &booking, &clerk).await;
    let shared = timeline
        .iter()
        .filter(|e| e["event"] == "document_shared")
        .count();
    assert_eq!(shared, 2, "{timeline:?}");
    assert!(
        timeline.iter().any(|e| e["event"] == "downloaded"
            && e["actor"]
                .as_str()
                .is_some_and(|a| a.starts_with("guest:IV_"))),
        "the guest's download is audited as the guest's: {timeline:?}"
    );

    // A wrong key, and a withdrawn invitation, open nothing.
    let wrong = path.replace("key=", "key=x");
    let r = call(
        &stack,
        Request::get(wrong.as_str())
            .body(Body::empty())
            .expect("request"),
    )
    .await;
    assert!(!r.body.contains("call-config"), "a wrong key opens no call");
    let id = inv["id"].as_str().expect("id");
    let r = call(
        &stack,
        with_token(
            Request::delete(format!("{uri}/{id}"))
                .body(Body::empty())
                .expect("request"),
            &clerk,
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let r = call(
        &stack,
        Request::get(path).body(Body::empty()).expect("request"),
    )
    .await;
    assert!(
        !r.body.contains("call-config"),
        "a withdrawn invitation opens no call"
    );
    let names: Vec<String> = sqlx::query_scalar("SELECT name_sealed FROM call_invites")
        .fetch_all(stack.state.db.pool())
        .await
        .expect("invites");
    assert!(
        names.iter().all(|n| !n.contains("Ayşe")),
        "the guest's name is sealed"
    );
}

#[tokio::test]
async fn the_clerk_asks_for_the_id_document_and_the_request_stands_until_a_check_is_recorded() {
    let stack = start(monday_morning(), json!({})).await;
    let (booking, key) = demo_booking(&stack);
    let citizen = citizen_token(&stack, &booking, &key).await;
    let clerk = clerk_token(&stack, &booking).await;
    let status = format!("/api/v1/calls/{booking}/identity");
    let ask = format!("/api/v1/calls/{booking}/identity/request");

    let r = call(&stack, get(&status, &citizen)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(json(&r.body)["requested"], Value::Null);
    let r = call(
        &stack,
        post_json(&ask, &citizen, &json!({ "method": "id_card" })),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "only the clerk asks");
    let r = call(
        &stack,
        post_json(&ask, &clerk, &json!({ "method": "security_questions" })),
    )
    .await;
    assert_eq!(
        json(&r.body)["error"]["code"],
        "invalid_request",
        "{}",
        r.body
    );
    let r = call(
        &stack,
        post_json(&ask, &clerk, &json!({ "method": "driving_licence" })),
    )
    .await;
    assert!(r.status.is_client_error(), "{}", r.body);
    let r = call(
        &stack,
        post_json(&ask, &clerk, &json!({ "method": "id_card" })),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(json(&r.body)["requested"], "id_card");
    // The citizen's page reads the same: it walks them through the card's sides.
    let r = json(&call(&stack, get(&status, &citizen)).await.body);
    assert_eq!(r["requested"], "id_card");
    assert!(r["requested_at"].is_string(), "{r}");
    assert_eq!(r["outcome"], Value::Null);
    // Asked again, for the passport: the last request counts.
    call(
        &stack,
        post_json(&ask, &clerk, &json!({ "method": "passport" })),
    )
    .await;
    assert_eq!(
        json(&call(&stack, get(&status, &citizen)).await.body)["requested"],
        "passport"
    );

    let whole = json!({ "method": "passport", "checks": ["photo_matches", "security_feature_visible", "valid", "name_matches"], "outcome": "confirmed" });
    let r = call(&stack, post_json(&status, &clerk, &whole)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = json(&call(&stack, get(&status, &citizen)).await.body);
    assert_eq!(
        (r["requested"].clone(), r["outcome"].clone()),
        (Value::Null, json!("confirmed"))
    );
    let timeline = timeline_events(&stack, &booking, &clerk).await;
    let events: Vec<&str> = timeline
        .iter()
        .filter_map(|e| e["event"].as_str())
        .collect();
    assert_eq!(
        events,
        [
            "opened",
            "identity_requested",
            "identity_requested",
            "identity_checked"
        ]
    );
}

#[tokio::test]
async fn the_clerks_note_is_saved_from_the_call_sealed_and_shown_beside_it() {
    let stack = start(monday_morning(), json!({})).await;
    let (booking, key) = demo_booking(&stack);
    let citizen = citizen_token(&stack, &booking, &key).await;
    let clerk = clerk_token(&stack, &booking).await;
    let uri = format!("/api/v1/calls/{booking}/note");
    let note = json!({ "note": "Rückruf wegen Geburtsurkunde" });
    let r = call(
        &stack,
        with_token(json_request("PUT", &uri, &note), &citizen),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "the note is the office's");
    let r = call(&stack, with_token(json_request("PUT", &uri, &note), &clerk)).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let sealed: String = sqlx::query_scalar("SELECT clerk_note FROM bookings WHERE id = $1")
        .bind(&booking)
        .fetch_one(stack.state.db.pool())
        .await
        .expect("note");
    assert!(
        !sealed.is_empty() && !sealed.contains("Geburtsurkunde"),
        "sealed at rest"
    );
    let cookie = sign_in(
        &stack,
        &stack.demo.clerk_username,
        &stack.demo.clerk_password,
    )
    .await;
    let page = call(
        &stack,
        common::get(&format!("/clerk/call/{booking}?lang=en"), &cookie),
    )
    .await;
    assert!(
        page.body.contains("Rückruf wegen Geburtsurkunde"),
        "shown in the call's panel"
    );
}

#[tokio::test]
async fn joining_and_leaving_the_call_are_steps_of_the_case() {
    use futures_util::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::Message;

    let stack = start(monday_morning(), json!({})).await;
    let (booking, _) = demo_booking(&stack);
    let clerk = clerk_token(&stack, &booking).await;
    let room: String = sqlx::query_scalar("SELECT room_id FROM bookings WHERE id = $1")
        .bind(&booking)
        .fetch_one(stack.state.db.pool())
        .await
        .expect("room");
    let (mut ws, _) = tokio_tungstenite::connect_async(format!("ws://{}/ws", stack.addr))
        .await
        .expect("websocket");
    let join = json!({ "type": "join", "protocol": 1, "room": room, "token": clerk });
    ws.send(Message::Text(join.to_string().into()))
        .await
        .expect("send");
    loop {
        let m = tokio::time::timeout(std::time::Duration::from_secs(5), ws.next())
            .await
            .expect("an answer")
            .expect("open")
            .expect("frame");
        if let Message::Text(t) = m {
            assert!(t.contains("\"joined\""), "{t}");
            break;
        }
    }
    // The record is written beside the call, not in its way: wait for it.
    let seen = entries_once(&stack, &booking, "joined").await;
    let joined = seen
        .iter()
        .find(|e| e.event == "joined")
        .expect("a joined entry");
    assert!(joined.actor.starts_with("clerk:"), "{joined:?}");
    assert_eq!(json(&joined.detail)["role"], "clerk");
    ws.send(Message::Text(json!({ "type": "leave" }).to_string().into()))
        .await
        .expect("send");
    let seen = entries_once(&stack, &booking, "left").await;
    let order: Vec<&str> = seen.iter().map(|e| e.event.as_str()).collect();
    assert_eq!(order, ["opened", "joined", "left"]);
    let report = vamt_documents::audit::verify_all(&stack.state.db)
        .await
        .expect("verify");
    assert!(report.broken.is_empty(), "{:?}", report.broken);
}

/// The audit entries of `booking`'s case once one of them is `event` (polled: the hub's
/// joins and leaves are recorded beside the call); at most 5 s.
async fn entries_once(
    stack: &Stack,
    booking: &str,
    event: &str,
) -> Vec<vamt_documents::audit::Entry> {
    let cases = &stack.state.cases;
    for _ in 0..100 {
        if let Ok(Some(case)) = vamt_documents::case::of_booking(cases, booking).await {
            let all = vamt_documents::audit::entries(&cases.db, &case.id.0)
                .await
                .expect("entries");
            if all.iter().any(|e| e.event == event) {
                return all;
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("no {event} entry in the case of {booking}");
}

/// The events of the case's timeline, as the clerk's view shows it.
async fn timeline_events(stack: &Stack, booking: &str, clerk: &str) -> Vec<Value> {
    let case = json(
        &call(stack, get(&format!("/api/v1/calls/{booking}/case"), clerk))
            .await
            .body,
    );
    case["timeline"].as_array().expect("timeline").clone()
}
