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
