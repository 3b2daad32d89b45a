//! The online hearing (issue 22): import by the API with a token, all or nothing and line by
//! line; sign-in by code or QR link with one answer for an unknown case and a wrong code
//! (and one slow hash each, counted by the code path); the case page with its evidence,
//! served only to its own session and never cached; the answer with every problem at once;
//! documents checked by content; the office's list, audited views, export, processed and
//! erasure.
use crate::common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use serde_json::json;

use common::{call, get, monday_morning, post, start, Stack};

const JPEG: &[u8] = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9";

fn line(number: &str, deadline: &str, evidence: &[&str]) -> String {
    json!({
        "case_number": number,
        "offence_code": "141312",
        "offence_text": "Sie überschritten die zulässige Höchstgeschwindigkeit innerhalb geschlossener Ortschaften um 12 km/h.",
        "committed_at": "2026-11-03T07:42",
        "place": "Saarbrücken, Mainzer Straße 120",
        "legal_basis": "§ 41 Abs. 1 i. V. m. Anlage 2, § 49 StVO; § 24 StVG; 11.3.2 BKat",
        "sanction": "warning_fine", "amount": "30.00", "currency": "EUR",
        "plate": "SB-AB 123", "vehicle": "PKW, grau",
        "evidence": evidence,
        "name": "Erika Mustermann", "street": "Heidestraße 17", "postcode": "66111", "city": "Saarbrücken",
        "deadline": deadline,
    })
    .to_string()
}

/// A multipart body of a case file and photos.
fn multipart(file_name: &str, file: &str, photos: &[(&str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "vamtboundaryHearing42";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n{file}\r\n"
    )
    .into_bytes();
    for (name, bytes) in photos {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"photos\"; filename=\"{name}\"\r\n\
                 Content-Type: image/jpeg\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn api_import(
    stack: &Stack,
    token: &str,
    file: &str,
    photos: &[(&str, &[u8])],
) -> common::Resp {
    let (content_type, body) = multipart("cases.jsonl", file, photos);
    call(
        stack,
        Request::post("/api/v1/hearing/imports")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(body))
            .expect("request"),
    )
    .await
}

async fn count(stack: &Stack, sql: &'static str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(stack.state.db.pool())
        .await
        .expect("count")
}

fn checks(stack: &Stack, outcome: &str) -> u64 {
    stack
        .state
        .hearings
        .metrics
        .code_checks
        .with_label_values(&[outcome])
        .get()
}

/// Imports two cases (one with two photos) and issues their letters: (case number, code).
async fn two_cases(stack: &Stack) -> Vec<(String, String)> {
    let token = stack
        .state
        .hearings
        .add_source("owi21")
        .await
        .expect("source");
    let file = [
        line("OWI-2026-000001", "2026-12-21", &["a1.jpg", "a2.jpg"]),
        line("OWI-2026-000002", "2026-12-21", &["b1.jpg"]),
    ]
    .join("\n");
    let resp = api_import(
        stack,
        &token,
        &file,
        &[("a1.jpg", JPEG), ("a2.jpg", JPEG), ("b1.jpg", JPEG)],
    )
    .await;
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.body);
    let ids = stack.state.hearings.without_letter().await.expect("ids");
    let letters = stack
        .state
        .hearings
        .issue_letters(&ids, "clerk:1")
        .await
        .expect("letters");
    letters
        .into_iter()
        .map(|(case, code)| (case.case_number.to_string(), code.grouped()))
        .collect()
}

#[tokio::test]
async fn an_import_is_all_or_nothing_reported_by_line_and_idempotent() {
    let stack = start(monday_morning(), json!({})).await;
    let token = stack
        .state
        .hearings
        .add_source("owi21")
        .await
        .expect("source");
    let unknown = api_import(
        &stack,
        "vamt_imp_wrong",
        &line("OWI-1", "2026-12-21", &[]),
        &[],
    )
    .await;
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);

    let good = line("OWI-2026-000001", "2026-12-21", &["a1.jpg"]);
    let bad = [
        good.clone(),
        "{not json".to_owned(),
        line("OWI-2026-000003", "2026-10-01", &[]),
        good.clone(),
        line("OWI-2026-000004", "2026-12-21", &["missing.jpg"]),
    ]
    .join("\n");
    let refused = api_import(&stack, &token, &bad, &[("a1.jpg", JPEG)]).await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    let body = common::json(&refused.body);
    let lines: Vec<(i64, String)> = body["error"]["lines"]
        .as_array()
        .expect("lines")
        .iter()
        .map(|l| {
            (
                l["line"].as_i64().unwrap_or(0),
                l["problem"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    assert_eq!(
        lines,
        vec![
            (2, "syntax".to_owned()),
            (3, "deadline-before-offence".to_owned()),
            (4, "duplicate".to_owned())
        ]
    );
    assert_eq!(
        count(&stack, "SELECT COUNT(*) FROM hearing_cases").await,
        0,
        "nothing half-imported"
    );

    // The photo is checked against what was sent with the file, also all or nothing.
    let no_photo = [
        good.clone(),
        line("OWI-2026-000004", "2026-12-21", &["missing.jpg"]),
    ]
    .join("\n");
    let refused = api_import(&stack, &token, &no_photo, &[("a1.jpg", JPEG)]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("evidence-missing"),
        "{}",
        refused.body
    );
    let not_image = api_import(&stack, &token, &good, &[("a1.jpg", b"GIF89a not a jpeg")]).await;
    assert!(
        not_image.body.contains("evidence-not-image"),
        "{}",
        not_image.body
    );
    assert_eq!(count(&stack, "SELECT COUNT(*) FROM hearing_cases").await, 0);

    let first = api_import(&stack, &token, &good, &[("a1.jpg", JPEG)]).await;
    assert_eq!(
        common::json(&first.body),
        json!({"new": 1, "updated": 0, "unchanged": 0})
    );
    let again = api_import(&stack, &token, &good, &[("a1.jpg", JPEG)]).await;
    assert_eq!(
        common::json(&again.body),
        json!({"new": 0, "updated": 0, "unchanged": 1})
    );
    let corrected = good.replace("Mainzer Straße 120", "Mainzer Straße 122");
    let changed = api_import(&stack, &token, &corrected, &[("a1.jpg", JPEG)]).await;
    assert_eq!(
        common::json(&changed.body),
        json!({"new": 0, "updated": 1, "unchanged": 0})
    );
    assert_eq!(count(&stack, "SELECT COUNT(*) FROM hearing_cases").await, 1);
    assert_eq!(
        count(&stack, "SELECT COUNT(*) FROM hearing_evidence").await,
        1
    );
    // Nothing personal in clear in the database.
    let sealed: String = sqlx::query_scalar("SELECT sealed_case FROM hearing_cases")
        .fetch_one(stack.state.db.pool())
        .await
        .expect("row");
    assert!(!sealed.contains("Mustermann") && !sealed.contains("SB-AB"));
}

#[tokio::test]
async fn an_unknown_case_and_a_wrong_code_get_the_same_answer_after_the_same_hash() {
    let stack = start(monday_morning(), json!({})).await;
    let cases = two_cases(&stack).await;
    let (number, code) = &cases[0];
    let wrong_code = vamt_hearing::AccessCode::generate().grouped();

    let before = checks(&stack, "refused");
    let unknown = login(
        &stack,
        format!("case_number=OWI-9999-999999&code={wrong_code}&lang=en"),
    )
    .await;
    assert_eq!(
        checks(&stack, "refused"),
        before + 1,
        "an unknown case costs one hash"
    );
    let wrong = login(
        &stack,
        format!("case_number={number}&code={wrong_code}&lang=en"),
    )
    .await;
    assert_eq!(
        checks(&stack, "refused"),
        before + 2,
        "a wrong code costs one hash"
    );
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.status, unknown.status);
    let message = |body: &str| {
        body.split("<ul><li>")
            .nth(1)
            .and_then(|s| s.split("</li>").next())
            .map(str::to_owned)
    };
    assert_eq!(message(&unknown.body), message(&wrong.body));
    assert!(unknown
        .body
        .contains("The case number or the access code is not right"));

    // A typo caught by the check symbol costs no hash and no attempt.
    let mut typo: Vec<char> = code.chars().collect();
    typo[0] = if typo[0] == '2' { '3' } else { '2' };
    let typo: String = typo.into_iter().collect();
    let caught = login(&stack, format!("case_number={number}&code={typo}&lang=en")).await;
    assert_eq!(caught.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(caught.body.contains("typo"));
    assert_eq!(checks(&stack, "refused"), before + 2);

    // Case number and code as typed by a person: lower case, spaces.
    let ok = login(
        &stack,
        format!(
            "case_number={}&code={}",
            number.to_lowercase(),
            code.to_lowercase().replace('-', "+")
        ),
    )
    .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    assert_eq!(ok.location, "/hearing/case");
    assert_eq!(checks(&stack, "accepted"), 1);
}

#[tokio::test]
async fn a_case_backs_off_after_wrong_codes_and_the_right_one_waits_too() {
    let stack = start(monday_morning(), json!({})).await;
    let cases = two_cases(&stack).await;
    let (number, code) = &cases[0];
    for _ in 0..5 {
        let wrong = vamt_hearing::AccessCode::generate().grouped();
        let r = login(&stack, format!("case_number={number}&code={wrong}")).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    let hashes = checks(&stack, "refused") + checks(&stack, "accepted");
    let right = login(&stack, format!("case_number={number}&code={code}")).await;
    assert_eq!(right.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        checks(&stack, "refused") + checks(&stack, "accepted"),
        hashes,
        "no hash in the back-off"
    );
    stack.clock.advance(chrono::Duration::minutes(16));
    let later = login(&stack, format!("case_number={number}&code={code}")).await;
    assert_eq!(later.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn the_qr_link_signs_in_and_the_case_shows_only_its_own_evidence() {
    let stack = start(monday_morning(), json!({})).await;
    let cases = two_cases(&stack).await;
    let (number, code) = &cases[0];
    let plain = code.replace('-', "");
    let signed_in = call(
        &stack,
        get(&format!("/hearing/qr?c={number}&k={plain}"), ""),
    )
    .await;
    assert_eq!(signed_in.status, StatusCode::SEE_OTHER);
    let session = signed_in.cookie.expect("session");
    let page = call(&stack, get("/hearing/case?lang=en", &session)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page
        .body
        .contains("Sie überschritten die zulässige Höchstgeschwindigkeit"));
    assert!(page.body.contains("SB-AB 123"));
    assert!(
        page.body.contains("section 55"),
        "the right to remain silent"
    );
    assert!(page.body.contains("Courtesy translation"));
    let photos: Vec<String> = page
        .body
        .match_indices("<img src=\"/hearing/evidence/")
        .map(|(i, _)| {
            let rest = &page.body[i + "<img src=\"".len()..];
            rest[..rest.find('"').unwrap_or(0)].to_owned()
        })
        .collect();
    assert_eq!(photos.len(), 2);
    let photo = call(&stack, get(&photos[0], &session)).await;
    assert_eq!(photo.status, StatusCode::OK);
    assert_eq!(photo.bytes, JPEG);
    let h = |name| photo_header(&stack, &photos[0], &session, name);
    assert_eq!(h(header::CACHE_CONTROL).await, "private, no-store");
    assert_eq!(h(header::CONTENT_TYPE).await, "image/jpeg");

    // The other case's photo is not served to this session, nor to none, nor by a guess.
    let other: String = sqlx::query_scalar(
        "SELECT e.id FROM hearing_evidence e JOIN hearing_cases c ON c.id = e.case_id WHERE c.case_number = 'OWI-2026-000002'",
    )
    .fetch_one(stack.state.db.pool())
    .await
    .expect("other photo");
    assert_eq!(
        call(&stack, get(&format!("/hearing/evidence/{other}"), &session))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        call(&stack, get(&photos[0], "")).await.status,
        StatusCode::SEE_OTHER
    );
    let guessed = format!("{}A", &photos[0][..photos[0].len() - 1]);
    assert_eq!(
        call(&stack, get(&guessed, &session)).await.status,
        StatusCode::NOT_FOUND
    );
    // The photo IDs are 144 random bits, not a counter.
    assert!(photos[0].len() - "/hearing/evidence/".len() >= 24);

    // In Arabic the page is mirrored, the case number kept left to right.
    let arabic = call(&stack, get("/hearing/case?lang=ar", &session)).await;
    assert!(arabic.body.contains("<html lang=\"ar\" dir=\"rtl\">"));
    assert!(arabic
        .body
        .contains(&format!("<bdi class=\"ltr\">{}</bdi>", "SB-AB 123")));
    assert!(arabic
        .body
        .contains("lang=\"de\" dir=\"ltr\" id=\"rights-original\""));
}

async fn photo_header(stack: &Stack, uri: &str, session: &str, name: header::HeaderName) -> String {
    let resp = tower::ServiceExt::oneshot(vamt_portal::app(stack.state.clone()), get(uri, session))
        .await
        .expect("infallible");
    resp.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// Signs in by the form, as the sign-in page sends it.
async fn login(stack: &Stack, form: String) -> common::Resp {
    call(stack, post("/hearing/login", &form, "")).await
}

async fn signed_in(stack: &Stack, number: &str, code: &str) -> String {
    let r = login(stack, format!("case_number={number}&code={code}")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    r.cookie.expect("session")
}

#[tokio::test]
async fn an_answer_names_the_driver_is_amended_and_reaches_the_office() {
    let stack = start(monday_morning(), json!({})).await;
    let cases = two_cases(&stack).await;
    let (number, code) = &cases[0];
    let session = signed_in(&stack, number, code).await;

    let bad = call(
        &stack,
        post("/hearing/answer", "lang=en&kind=driver&driver_name=&driver_street=Bahnhofstr.+1&driver_postcode=661&driver_city=Saarbr%C3%BCcken&driver_born_on=2020-01-01", &session),
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    for expected in [
        "href=\"#driver_name\"",
        "href=\"#driver_postcode\"",
        "href=\"#driver_born_on\"",
        "five digits",
    ] {
        assert!(bad.body.contains(expected), "{expected}");
    }
    assert!(
        bad.body.contains("value=\"Bahnhofstr. 1\""),
        "what was typed stays"
    );
    assert_eq!(
        count(
            &stack,
            "SELECT COUNT(*) FROM hearing_cases WHERE answer IS NOT NULL"
        )
        .await,
        0
    );

    let good = "lang=en&kind=driver&driver_name=Max+Beispiel&driver_street=Bahnhofstr.+1&driver_postcode=66111&driver_city=Saarbr%C3%BCcken&driver_born_on=1990-05-17&statement=Mein+Bruder+fuhr.";
    let saved = call(&stack, post("/hearing/answer", good, &session)).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let contest = "lang=en&kind=contest&statement=Ich+war+im+Urlaub.";
    assert_eq!(
        call(&stack, post("/hearing/answer", contest, &session))
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        call(&stack, post("/hearing/answer", good, &session))
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let page = call(&stack, get("/hearing/case?lang=en&saved=answer", &session)).await;
    assert!(page.body.contains("Driver named"));
    assert!(page.body.contains("value=\"Max Beispiel\""));

    // A document: a PDF is taken, a text file called .pdf is not.
    let pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";
    let upload = |bytes: &'static [u8], name: &'static str| {
        let boundary = "vamtboundaryUpload";
        let mut body = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/pdf\r\n\r\n").into_bytes();
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        Request::post("/hearing/upload")
            .header(header::COOKIE, session.clone())
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(Body::from(body))
            .expect("request")
    };
    let taken = call(&stack, upload(pdf, "Fahrtenbuch.pdf")).await;
    assert!(
        taken.location.contains("upload=added"),
        "{}",
        taken.location
    );
    let refused = call(&stack, upload(b"just text", "brief.pdf")).await;
    assert!(
        refused.location.contains("upload=type"),
        "{}",
        refused.location
    );

    // The office: the list by filter, the case (its view audited), the export, processed.
    let admin = common::sign_in(&stack, "clerk", &stack.demo.clerk_password).await;
    let list = call(&stack, get("/admin/hearing?show=driver&lang=en", &admin)).await;
    assert!(list.body.contains(number.as_str()), "{}", list.body);
    assert!(list.body.contains("(changed)"));
    let contested = call(&stack, get("/admin/hearing?show=contested&lang=en", &admin)).await;
    assert!(!contested.body.contains(number.as_str()));
    let id: String = sqlx::query_scalar("SELECT id FROM hearing_cases WHERE case_number = $1")
        .bind(number)
        .fetch_one(stack.state.db.pool())
        .await
        .expect("id");
    let view = call(
        &stack,
        get(&format!("/admin/hearing/cases/{id}?lang=en"), &admin),
    )
    .await;
    assert!(view.body.contains("Max Beispiel") && view.body.contains("Fahrtenbuch.pdf"));
    let log = stack.state.hearings.audit_log(&id).await.expect("log");
    assert!(log
        .iter()
        .any(|(_, actor, event)| actor.starts_with("clerk:") && event == "viewed"));
    let csv = call(&stack, get("/admin/hearing/export.csv", &admin)).await;
    assert!(
        csv.body.contains("Max Beispiel") && csv.body.contains("1990-05-17"),
        "{}",
        csv.body
    );
    // The export for the case system: answers, each case's receipt and documents.
    let zipped = call(&stack, get("/admin/hearing/export.zip", &admin)).await;
    assert_eq!(zipped.status, StatusCode::OK);
    let mut archive =
        zip::ZipArchive::new(std::io::Cursor::new(zipped.bytes.clone())).expect("a ZIP");
    let mut names: Vec<String> = archive.file_names().map(str::to_owned).collect();
    names.sort();
    assert_eq!(
        names,
        [
            format!("{number}/1-Fahrtenbuch.pdf"),
            format!("{number}/receipt.pdf"),
            "answers.csv".to_owned(),
            "answers.json".to_owned(),
        ]
    );
    let mut receipt = Vec::new();
    std::io::Read::read_to_end(
        &mut archive
            .by_name(&format!("{number}/receipt.pdf"))
            .expect("receipt"),
        &mut receipt,
    )
    .expect("read");
    let text = pdf_text(&receipt, "export-receipt.pdf");
    assert!(
        text.contains("Fahrende Person benannt") && text.contains("Max Beispiel"),
        "{text}"
    );
    let processed = call(
        &stack,
        post(
            "/admin/hearing/processed",
            &format!("ids={id}&lang=en"),
            &admin,
        ),
    )
    .await;
    assert_eq!(
        processed.status,
        StatusCode::SEE_OTHER,
        "{}",
        processed.body
    );
    let closed = call(&stack, post("/hearing/answer", contest, &session)).await;
    assert!(closed.location.contains("saved=closed"));

    // After the retention the personal data is gone; the row and the log stay.
    stack.clock.advance(chrono::Duration::days(200));
    assert_eq!(stack.state.hearings.erase_due().await.expect("erase"), 2);
    assert_eq!(
        count(&stack, "SELECT COUNT(*) FROM hearing_evidence").await,
        0
    );
    assert_eq!(
        count(&stack, "SELECT COUNT(*) FROM hearing_uploads").await,
        0
    );
    assert_eq!(count(&stack, "SELECT COUNT(*) FROM hearing_cases WHERE wrapped_key IS NOT NULL OR sealed_answer IS NOT NULL").await, 0);
    let admin = common::sign_in(&stack, "clerk", &stack.demo.clerk_password).await;
    let erased = call(
        &stack,
        get(&format!("/admin/hearing/cases/{id}?lang=en"), &admin),
    )
    .await;
    assert!(erased.body.contains("has been erased"));
}

#[tokio::test]
async fn after_the_deadline_the_code_says_what_to_do() {
    let stack = start(monday_morning(), json!({})).await;
    let cases = two_cases(&stack).await;
    let (number, code) = &cases[1];
    stack.clock.advance(chrono::Duration::days(30));
    let late = login(&stack, format!("case_number={number}&code={code}&lang=en")).await;
    assert_eq!(late.status, StatusCode::GONE);
    assert!(
        late.body
            .contains("The deadline was Monday, December 21, 2026"),
        "{}",
        late.body
    );
    assert!(late.cookie.is_none());
}

fn pdf_text(bytes: &[u8], name: &str) -> String {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).expect("write");
    let path = path.to_string_lossy().into_owned();
    common::tool("pdftotext", &["-layout", &path, "-"])
}

#[tokio::test]
async fn the_print_file_carries_codes_that_sign_in_and_the_receipt_says_what_was_sent() {
    let stack = start(
        monday_morning(),
        json!({ "hearing": { "letterhead": ["Stadt Musterstadt", "Bußgeldstelle"] } }),
    )
    .await;
    let token = stack
        .state
        .hearings
        .add_source("owi21")
        .await
        .expect("source");
    let arabic = line("OWI-2026-000002", "2026-12-21", &[])
        .replace("\"deadline\"", "\"language\":\"ar\",\"deadline\"");
    let file = [line("OWI-2026-000001", "2026-12-21", &[]), arabic].join("\n");
    assert_eq!(
        api_import(&stack, &token, &file, &[]).await.status,
        StatusCode::OK
    );
    let admin = common::sign_in(&stack, "clerk", &stack.demo.clerk_password).await;
    let print = call(&stack, post("/admin/hearing/letters", "lang=de", &admin)).await;
    assert_eq!(print.status, StatusCode::OK, "{}", print.body);
    assert!(print.bytes.starts_with(b"%PDF-"));
    let text = pdf_text(&print.bytes, "letters.pdf");
    assert!(text.contains("Stadt Musterstadt") && text.contains("Erika Mustermann"));
    assert!(text.contains("OWI-2026-000001") && text.contains("OWI-2026-000002"));
    assert!(
        text.contains("Anhörung im Bußgeldverfahren"),
        "the German letter"
    );
    assert!(
        text.contains("30,00"),
        "the amount as German writes it: {text}"
    );
    // Each letter's code, as printed, signs in to its case.
    let codes: Vec<String> = text
        .split_whitespace()
        // pdftotext wraps right-to-left lines' Latin runs in directional marks.
        .map(|w| {
            w.chars()
                .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
                .collect::<String>()
        })
        .filter(|w| w.len() == 24 && w.matches('-').count() == 4)
        .collect();
    assert_eq!(codes.len(), 2, "{text}");
    for code in &codes {
        assert!(vamt_hearing::AccessCode::parse(code).is_ok(), "{code}");
    }
    let first = codes.first().expect("code");
    let r = login(&stack, format!("case_number=OWI-2026-000001&code={first}")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "the first letter's code");
    // Nothing more without a letter; a letter issued again retires the old code.
    assert!(stack
        .state
        .hearings
        .without_letter()
        .await
        .expect("ids")
        .is_empty());
    let id: String =
        sqlx::query_scalar("SELECT id FROM hearing_cases WHERE case_number = 'OWI-2026-000001'")
            .fetch_one(stack.state.db.pool())
            .await
            .expect("id");
    let again = call(
        &stack,
        post(
            &format!("/admin/hearing/cases/{id}/letter"),
            "lang=de",
            &admin,
        ),
    )
    .await;
    assert_eq!(again.status, StatusCode::OK);
    let old = login(&stack, format!("case_number=OWI-2026-000001&code={first}")).await;
    assert_eq!(
        old.status,
        StatusCode::UNAUTHORIZED,
        "the old code stopped working"
    );

    // The receipt of an answer, in English, names what was sent.
    let session = signed_in(&stack, "OWI-2026-000002", &codes[1]).await;
    let answer = "kind=contest&statement=Ich+war+an+diesem+Tag+in+Lissabon.";
    assert_eq!(
        call(&stack, post("/hearing/answer", answer, &session))
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let receipt = call(&stack, get("/hearing/receipt.pdf?lang=en", &session)).await;
    assert_eq!(receipt.status, StatusCode::OK);
    let text = pdf_text(&receipt.bytes, "receipt.pdf");
    assert!(text.contains("Confirmation of receipt"), "{text}");
    assert!(
        text.contains("Accusation contested") && text.contains("Lissabon"),
        "{text}"
    );
    let arabic = call(&stack, get("/hearing/receipt.pdf?lang=ar", &session)).await;
    let text = pdf_text(&arabic.bytes, "receipt-ar.pdf");
    assert!(
        text.contains("OWI-2026-000002"),
        "the case number stays whole: {text}"
    );
}

#[tokio::test]
async fn the_office_imports_a_csv_on_its_page_and_sees_each_bad_line() {
    let stack = start(monday_morning(), json!({})).await;
    let admin = common::sign_in(&stack, "clerk", &stack.demo.clerk_password).await;
    let header = "case_number;offence_code;offence_text;committed_at;place;legal_basis;sanction;amount;currency;plate;name;street;postcode;city;deadline";
    let good = "OWI-2026-7;141312;Zu schnell;2026-11-03T07:42;Saarbrücken;§ 49 StVO;fine;80.00;EUR;SB-X 1;Erika Mustermann;Heidestraße 17;66111;Saarbrücken;2026-12-21";
    let bad = "OWI-2026-8;141312;Zu schnell;2026-11-03T07:42;Saarbrücken;§ 49 StVO;warning_fine;80.00;EUR;SB-X 1;Erika Mustermann;Heidestraße 17;66111;Saarbrücken;2026-12-21";
    let upload = |csv: String| {
        let (content_type, body) = multipart("faelle.csv", &csv, &[]);
        Request::post("/admin/hearing/import?lang=en")
            .header(header::COOKIE, admin.clone())
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(body))
            .expect("request")
    };
    let refused = call(&stack, upload(format!("{header}\n{good}\n{bad}\n"))).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("Nothing was imported"),
        "{}",
        refused.body
    );
    assert!(
        refused
            .body
            .contains("Line 3: a warning fine is 5 to 55 euros"),
        "{}",
        refused.body
    );
    assert_eq!(count(&stack, "SELECT COUNT(*) FROM hearing_cases").await, 0);
    let done = call(&stack, upload(format!("{header}\n{good}\n"))).await;
    assert_eq!(done.status, StatusCode::OK);
    assert!(
        done.body.contains("Import: 1 new, 0 changed, 0 unchanged."),
        "{}",
        done.body
    );
    // A clerk without the admin role does not get in.
    let anonymous = call(&stack, get("/admin/hearing", "")).await;
    assert_ne!(anonymous.status, StatusCode::OK);
}

#[tokio::test]
async fn a_session_lasts_while_it_is_used_and_ends_when_it_is_not() {
    let stack = start(monday_morning(), json!({})).await;
    let cases = two_cases(&stack).await;
    let (number, code) = &cases[0];
    let session = signed_in(&stack, number, code).await;
    // Used every 20 minutes, it outlives its 30.
    for _ in 0..3 {
        stack.clock.advance(chrono::Duration::minutes(20));
        let page = call(&stack, get("/hearing/case?lang=en", &session)).await;
        assert_eq!(page.status, StatusCode::OK);
    }
    // Left for 31 minutes, it is over: the sign-in page says so.
    stack.clock.advance(chrono::Duration::minutes(31));
    let page = call(&stack, get("/hearing/case?lang=en", &session)).await;
    assert_eq!(page.status, StatusCode::UNAUTHORIZED);
    assert!(
        page.body.contains("Your session has expired"),
        "{}",
        page.body
    );
}
