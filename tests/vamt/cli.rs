//! The binary refuses bad configuration before it binds anything, naming the key.
use std::process::Command;

fn vamt(args: &[&str], envs: &[(&str, &str)]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_vamt"))
        .args(args)
        .envs(envs.iter().copied())
        .output()
        .expect("vamt runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn bad_configuration_is_refused_with_the_key_named() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("vamt.toml");
    std::fs::write(&file, "[booking]\nopens = \"8 o'clock\"\n").expect("write");
    let path = file.to_str().expect("utf-8 path");

    let (code, _, err) = vamt(&["serve", "--config", path], &[]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("booking.opens") && err.contains("HH:MM"),
        "{err}"
    );

    let (code, _, err) = vamt(&["config", "check"], &[("VAMT_MEDIA__PORT", "seventy")]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("media.port"), "{err}");

    let (code, _, err) = vamt(
        &["config", "check", "--config", "/nonexistent/vamt.toml"],
        &[],
    );
    assert_eq!(code, 2);
    assert!(err.contains("does not exist"), "{err}");

    let (code, out, err) = vamt(&["config", "check", "--http", "0.0.0.0:9090"], &[]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("listen = \"0.0.0.0:9090\""), "{out}");
}

#[tokio::test]
async fn clerks_are_added_listed_and_reset_from_the_command_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().to_str().expect("utf-8").to_owned();
    let args = |extra: &[&str]| -> Vec<String> {
        let mut v: Vec<String> = extra.iter().map(|s| (*s).to_owned()).collect();
        v.extend(["--data".to_owned(), data.clone()]);
        v
    };
    let run = |a: Vec<String>| {
        let refs: Vec<&str> = a.iter().map(String::as_str).collect();
        vamt(&refs, &[])
    };
    let (code, out, err) = run(args(&[
        "clerk",
        "add",
        "--username",
        "swolf",
        "--name",
        "Stefanie Wolf",
    ]));
    assert_eq!(code, 0, "{err}");
    let first = out.rsplit(' ').next().expect("password").trim().to_owned();
    assert!(first.len() >= 16, "{out}");
    let (code, _, err) = run(args(&[
        "clerk",
        "add",
        "--username",
        "swolf",
        "--name",
        "Again",
    ]));
    assert_eq!(code, 2);
    assert!(err.contains("exists"), "{err}");
    let (code, out, _) = run(args(&["clerk", "list"]));
    assert_eq!(code, 0);
    assert_eq!(out.trim(), "swolf\tStefanie Wolf\tclerk");
    let (code, _, err) = run(args(&["clerk", "admin", "--username", "swolf"]));
    assert_eq!(code, 0, "{err}");
    let (_, out, _) = run(args(&["clerk", "list"]));
    assert_eq!(out.trim(), "swolf\tStefanie Wolf\tadmin");
    let (code, _, err) = run(args(&["clerk", "admin", "--username", "swolf", "--revoke"]));
    assert_eq!(code, 0, "{err}");
    let (_, out, _) = run(args(&["clerk", "list"]));
    assert_eq!(out.trim(), "swolf\tStefanie Wolf\tclerk");
    let (code, _, err) = run(args(&["clerk", "admin", "--username", "nobody"]));
    assert_eq!(code, 2);
    assert!(err.contains("no clerk"), "{err}");

    let db = vamt_portal_storage::db::open(&format!("sqlite://{data}/vamt.db"))
        .await
        .expect("db");
    let now = chrono::Utc::now();
    let (session, _) = vamt_booking::clerk::login(&db, "swolf", &first, now)
        .await
        .expect("login")
        .expect("first password works");

    let (code, out, err) = run(args(&["clerk", "reset-password", "--username", "swolf"]));
    assert_eq!(code, 0, "{err}");
    let second = out.rsplit(' ').next().expect("password").trim().to_owned();
    assert_ne!(first, second);
    assert!(
        vamt_booking::clerk::login(&db, "swolf", &first, now)
            .await
            .expect("login")
            .is_none(),
        "old password dead"
    );
    assert!(vamt_booking::clerk::login(&db, "swolf", &second, now)
        .await
        .expect("login")
        .is_some());
    assert!(
        vamt_booking::clerk::session(&db, &session, now)
            .await
            .expect("session")
            .is_none(),
        "old sessions ended"
    );
    let (code, _, err) = run(args(&["clerk", "reset-password", "--username", "nobody"]));
    assert_eq!(code, 2);
    assert!(err.contains("no clerk"), "{err}");
}

#[test]
fn config_check_never_prints_secrets() {
    let secret = "a-very-secret-token-signing-key-0123456789";
    let key = "ab".repeat(32);
    let (code, out, err) = vamt(
        &[
            "config",
            "check",
            "--smtp",
            "smtps://mailer:hunter2-password@mail.example.de:465",
        ],
        &[
            ("VAMT_SECURITY__TOKEN_SECRET", secret),
            ("VAMT_SECURITY__DATA_KEY", key.as_str()),
        ],
    );
    assert_eq!(code, 0, "{err}");
    for leaked in [secret, key.as_str(), "hunter2-password"] {
        assert!(
            !out.contains(leaked) && !err.contains(leaked),
            "printed a secret: {out}"
        );
    }
    assert!(
        out.contains("smtps://mailer:<redacted>@mail.example.de:465"),
        "{out}"
    );
    assert!(out.contains("token_secret = \"<redacted>\""), "{out}");
}

#[tokio::test]
async fn audit_verify_names_each_case_whose_chain_is_broken() {
    use vamt_documents::audit::{genesis, link, Entry};
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().to_str().expect("utf-8").to_owned();
    // Any command that opens the database creates and migrates it.
    let (code, _, err) = vamt(&["clerk", "list", "--data", &data], &[]);
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = vamt(&["audit", "verify", "--data", &data], &[]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("0 cases"), "{out}");

    let db = vamt_portal_storage::db::open(&format!("sqlite://{data}/vamt.db"))
        .await
        .expect("db");
    let mut conn = db.pool().acquire().await.expect("connection");
    // The cases' bookings are not what is checked here.
    sqlx::query("PRAGMA foreign_keys = OFF")
        .execute(&mut *conn)
        .await
        .expect("pragma");
    for (case, head_seq) in [("CS_sound", 1), ("CS_cut", 2)] {
        let mut e = Entry {
            seq: 1,
            at: "2026-12-07T10:00:00Z".into(),
            actor: "system".into(),
            event: "opened".into(),
            detail: "{}".into(),
            hash: String::new(),
        };
        e.hash = link(&genesis(case), case, &e);
        sqlx::query(
            "INSERT INTO cases (id, booking_id, created_at, audit_seq, audit_head) \
             VALUES ($1, $2, '2026-12-07T10:00:00Z', $3, $4)",
        )
        .bind(case)
        .bind(format!("BK_{case}"))
        .bind(head_seq)
        .bind(&e.hash)
        .execute(&mut *conn)
        .await
        .expect("case");
        sqlx::query(
            "INSERT INTO case_audit (case_id, seq, at, actor, event, detail, hash) \
             VALUES ($1, 1, $2, $3, $4, $5, $6)",
        )
        .bind(case)
        .bind(&e.at)
        .bind(&e.actor)
        .bind(&e.event)
        .bind(&e.detail)
        .bind(&e.hash)
        .execute(&mut *conn)
        .await
        .expect("entry");
    }
    drop(conn);
    db.close().await;
    let (code, out, _) = vamt(&["audit", "verify", "--data", &data], &[]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("CS_cut: BROKEN"), "{out}");
    assert!(!out.contains("CS_sound: BROKEN"), "{out}");
    assert!(out.contains("1 sound, 1 broken"), "{out}");
}

#[test]
fn vamt_seal_seals_a_pdf_made_elsewhere_and_pdfsig_finds_a_changed_byte() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    // A PDF the project did not make: cairo writes it (pdftocairo), from a minimal one.
    let plain = dir.path().join("plain.pdf");
    std::fs::write(
        &plain,
        b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n",
    )
    .expect("write");
    let foreign = dir.path().join("foreign.pdf");
    let made = Command::new("pdftocairo")
        .arg("-pdf")
        .arg(&plain)
        .arg(&foreign)
        .status()
        .expect("pdftocairo (poppler-utils; scripts/install-deps test installs it)");
    assert!(made.success());
    let sealed = dir.path().join("sealed.pdf");
    let data_s = data.to_str().expect("utf-8");
    let (code, out, err) = vamt(
        &[
            "seal",
            foreign.to_str().expect("utf-8"),
            sealed.to_str().expect("utf-8"),
            "--data",
            data_s,
        ],
        &[],
    );
    assert_eq!(code, 0, "{out}{err}");
    let check = |path: &std::path::Path| {
        let o = Command::new("pdfsig").arg(path).output().expect("pdfsig");
        String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr)
    };
    let report = check(&sealed);
    assert!(report.contains("Signature is Valid"), "{report}");
    assert!(report.contains("DEMO SEAL"), "{report}");
    // One byte changed inside the signed range (not in the signature's own hex).
    let mut bytes = std::fs::read(&sealed).expect("read");
    let at = bytes
        .windows(9)
        .position(|w| w == b"/MediaBox")
        .expect("a page");
    bytes[at + 1] = b'm';
    let changed = dir.path().join("changed.pdf");
    std::fs::write(&changed, bytes).expect("write");
    let report = check(&changed);
    assert!(!report.contains("Signature is Valid"), "{report}");
}
