//! What `vamt serve` leaves on disk: owner-only whatever the umask, keys apart from the
//! data (moved there from an older install's data directory), no personal data readable
//! by other users of the host.
#![cfg(unix)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p)
        .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
        .permissions()
        .mode()
        & 0o777
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("port")
}

fn http(addr: &str, request: &str) -> String {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    s.write_all(request.as_bytes()).expect("write");
    let mut out = String::new();
    let _ = s.read_to_string(&mut out);
    out
}

struct Killed(std::process::Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn serve_keeps_its_files_owner_only_and_its_keys_apart_from_the_data() {
    let dir = tempfile::tempdir().expect("dir");
    let data = dir.path().join("data");
    // An older install: its data key in the data directory.
    std::fs::create_dir_all(&data).expect("data dir");
    let legacy_key = "ab".repeat(32);
    std::fs::write(data.join("data.key"), &legacy_key).expect("key");
    let port = free_port();
    let addr = format!("127.0.0.1:{port}");
    let config = dir.path().join("vamt.toml");
    std::fs::write(
        &config,
        format!(
            "[http]\nlisten = \"{addr}\"\n[media]\nport = {}\n[turn]\nenabled = false\n\
             [storage]\ndata_dir = \"{}\"\n[booking]\ndays = [\"mon\", \"tue\", \"wed\", \"thu\", \"fri\", \"sat\", \"sun\"]\n\
             opens = \"00:00\"\ncloses = \"23:59\"\nlead_minutes = 0\n",
            free_port(),
            data.display()
        ),
    )
    .expect("config");
    // The loosest umask there is: every file the server makes would be world-writable.
    let mut child = Killed(
        Command::new("sh")
            .arg("-c")
            .arg(format!(
                "umask 000; exec '{}' serve --config '{}'",
                env!("CARGO_BIN_EXE_vamt"),
                config.display()
            ))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("vamt serve"),
    );
    let stdout = child.0.stdout.take().expect("stdout");
    let mut banner = String::new();
    let mut lines = BufReader::new(stdout).lines();
    for line in lines.by_ref() {
        let line = line.expect("line");
        banner.push_str(&line);
        banner.push('\n');
        if line.contains("vamt is running at") {
            break;
        }
    }
    assert!(banner.contains("vamt is running at"), "{banner}");
    // Read the rest of both streams (logs go to either), so the server never blocks on a
    // full pipe.
    let log = std::sync::Arc::new(std::sync::Mutex::new(banner.clone()));
    let keep = |lines: Box<dyn Iterator<Item = String> + Send>| {
        let log = log.clone();
        std::thread::spawn(move || {
            for line in lines {
                if let Ok(mut l) = log.lock() {
                    l.push_str(&line);
                    l.push('\n');
                }
            }
        });
    };
    keep(Box::new(lines.map_while(Result::ok)));
    let stderr = child.0.stderr.take().expect("stderr");
    keep(Box::new(
        BufReader::new(stderr).lines().map_while(Result::ok),
    ));

    // A booking, so the outbox holds a mail with a name and address.
    let slots = http(
        &addr,
        "GET /api/v1/slots?services=meldebescheinigung HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    let start = slots
        .split("\"start\":\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap_or_else(|| panic!("a free time: {slots}"))
        .to_owned();
    let body = format!(
        "{{\"services\":[\"meldebescheinigung\"],\"start\":\"{start}\",\"name\":\"Erika Mustermann\",\"email\":\"erika@example.org\"}}"
    );
    let booked = http(
        &addr,
        &format!(
            "POST /api/v1/bookings HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        ),
    );
    assert!(booked.starts_with("HTTP/1.1 202"), "{booked}");
    let outbox = data.join("outbox");
    let mut mails = Vec::new();
    for _ in 0..100 {
        mails = std::fs::read_dir(&outbox)
            .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
            .unwrap_or_default();
        if !mails.is_empty() {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(!mails.is_empty(), "a mail in the outbox");

    let keys = dir.path().join("data-keys");
    assert_eq!(mode(&data), 0o700, "data directory");
    assert_eq!(mode(&keys), 0o700, "key directory");
    assert_eq!(mode(&outbox), 0o700, "outbox");
    for m in &mails {
        assert_eq!(mode(m), 0o600, "{}", m.display());
    }
    for f in ["vamt.db", "vamt.db-wal", "vamt.db-shm"] {
        let p = data.join(f);
        if f == "vamt.db" || p.exists() {
            assert_eq!(mode(&p), 0o600, "{f}");
        }
    }
    for k in ["data.key", "token.key", "turn.key"] {
        assert_eq!(mode(&keys.join(k)), 0o600, "{k}");
        assert!(!data.join(k).exists(), "{k} left in the data directory");
    }
    assert_eq!(
        std::fs::read_to_string(keys.join("data.key")).expect("moved key"),
        legacy_key,
        "the older install's key, moved, not a new one"
    );
    // Nothing anywhere under the data directory that others may read.
    let mut stack = vec![data.clone()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d)
            .expect("read_dir")
            .filter_map(Result::ok)
        {
            let p = e.path();
            assert_eq!(mode(&p) & 0o077, 0, "{} is open to others", p.display());
            if p.is_dir() {
                stack.push(p);
            }
        }
    }
    let log = log.lock().map(|l| l.clone()).unwrap_or_default();
    assert!(log.contains("key moved out of the data directory"), "{log}");
}
