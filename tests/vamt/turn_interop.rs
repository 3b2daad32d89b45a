//! Interop: coturn's own client, `turnutils_uclient` (Debian package `coturn`), allocates,
//! binds channels or sends indications, and relays through `vamt turn` on loopback; and is
//! refused a loopback peer when the relay runs with its secure defaults.
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

struct Relay {
    child: Child,
    listen: String,
    tls: Option<String>,
    metrics: String,
}

impl Drop for Relay {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn relay(extra: &[&str]) -> Relay {
    let mut child = Command::new(env!("CARGO_BIN_EXE_vamt"))
        .args([
            "turn",
            "--listen",
            "127.0.0.1:0",
            "--metrics",
            "127.0.0.1:0",
        ])
        .args(["--realm", "vamt.test"])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("vamt turn starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let mut listen = None;
    let mut metrics = None;
    let mut tls = None;
    while listen.is_none() || metrics.is_none() {
        let line = lines
            .next()
            .expect("vamt turn prints its addresses")
            .expect("line");
        if let Some(a) = line.strip_prefix("vamt turn listening on ") {
            listen = Some(a.to_owned());
        } else if let Some(a) = line.strip_prefix("vamt turn metrics on ") {
            metrics = Some(a.to_owned());
        } else if let Some(a) = line.strip_prefix("vamt turn tls on ") {
            tls = Some(a.to_owned());
        }
    }
    Relay {
        child,
        listen: listen.expect("listen"),
        tls,
        metrics: metrics.expect("metrics"),
    }
}

/// Runs `turnutils_uclient` against the relay; returns everything it printed.
fn uclient(relay: &Relay, args: &[&str]) -> String {
    uclient_at(&relay.listen, args)
}

fn uclient_at(addr: &str, args: &[&str]) -> String {
    let (host, port) = addr.rsplit_once(':').expect("host:port");
    let out = Command::new("turnutils_uclient")
        .args(["-p", port])
        .args(args)
        .arg(host)
        .output()
        .expect("turnutils_uclient runs (Debian package coturn; scripts/install-deps test)");
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn metrics(relay: &Relay) -> String {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(&relay.metrics).expect("metrics endpoint");
    s.set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    s.write_all(b"GET /metrics HTTP/1.0\r\nHost: x\r\n\r\n")
        .expect("request");
    let mut body = String::new();
    let _ = s.read_to_string(&mut body);
    body
}

fn counter(text: &str, line_prefix: &str) -> u64 {
    text.lines()
        .find_map(|l| l.strip_prefix(line_prefix))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0)
}

#[test]
fn coturns_client_relays_through_us_over_channels_and_indications() {
    let r = relay(&["--user", "alice:wonderland", "--allow-loopback-peers"]);
    // Channels (ChannelBind + ChannelData), then Send/Data indications (-s): two client
    // pairs each, 30 messages of 200 and 1000 bytes, relay to relay (-y), no RTCP (-c).
    for mode in [&["-l", "200"][..], &["-s", "-l", "1000"]] {
        let out = uclient(
            &r,
            &[
                &[
                    "-u",
                    "alice",
                    "-w",
                    "wonderland",
                    "-y",
                    "-c",
                    "-n",
                    "30",
                    "-m",
                    "2",
                ][..],
                mode,
            ]
            .concat(),
        );
        assert!(
            out.contains("tot_send_msgs=60, tot_recv_msgs=60"),
            "every message came back ({mode:?}):\n{out}"
        );
        assert!(out.contains("Total lost packets 0 (0.000000%)"), "{out}");
    }
    let m = metrics(&r);
    assert!(
        counter(&m, "vamt_turn_allocations_created_total ") >= 4,
        "{m}"
    );
    assert!(
        counter(
            &m,
            "vamt_turn_relayed_packets_total{direction=\"to_peer\",transport=\"udp\"} "
        ) >= 120,
        "{m}"
    );
    assert!(
        counter(
            &m,
            "vamt_turn_relayed_packets_total{direction=\"to_client\",transport=\"udp\"} "
        ) >= 120,
        "{m}"
    );
}

#[test]
fn rest_api_credentials_work_and_a_wrong_secret_is_refused() {
    let r = relay(&[
        "--static-auth-secret",
        "north-north-north-1",
        "--allow-loopback-peers",
    ]);
    let out = uclient(
        &r,
        &[
            "-W",
            "north-north-north-1",
            "-u",
            "citizen",
            "-y",
            "-c",
            "-n",
            "10",
            "-m",
            "1",
        ],
    );
    assert!(out.contains("tot_send_msgs=20, tot_recv_msgs=20"), "{out}");
    let out = uclient(
        &r,
        &[
            "-W",
            "some-other-secret-1",
            "-u",
            "citizen",
            "-y",
            "-c",
            "-n",
            "10",
            "-m",
            "1",
        ],
    );
    assert!(!out.contains("tot_recv_msgs=20"), "nothing relayed:\n{out}");
    let m = metrics(&r);
    assert!(counter(&m, "vamt_turn_auth_failures_total ") >= 1, "{m}");
}

#[test]
fn with_secure_defaults_a_loopback_peer_is_forbidden() {
    // Relay to relay on 127.0.0.1 is exactly what the deny list must stop.
    let r = relay(&["--user", "alice:wonderland"]);
    let out = uclient(
        &r,
        &[
            "-u",
            "alice",
            "-w",
            "wonderland",
            "-y",
            "-c",
            "-n",
            "5",
            "-m",
            "1",
        ],
    );
    assert!(
        out.contains("403"),
        "403 Forbidden for a loopback peer:\n{out}"
    );
    assert!(!out.contains("tot_recv_msgs=10"), "{out}");
    let m = metrics(&r);
    assert!(counter(&m, "vamt_turn_peer_denied_total ") >= 1, "{m}");
}

#[test]
fn coturns_client_relays_through_us_over_tcp_and_tls() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).expect("cert");
    let (cert_path, key_path) = (dir.path().join("turn.crt"), dir.path().join("turn.key"));
    std::fs::write(&cert_path, cert.cert.pem()).expect("write cert");
    std::fs::write(&key_path, cert.signing_key.serialize_pem()).expect("write key");
    let r = relay(&[
        "--user",
        "alice:wonderland",
        "--allow-loopback-peers",
        "--tls-listen",
        "127.0.0.1:0",
        "--tls-cert",
        cert_path.to_str().expect("path"),
        "--tls-key",
        key_path.to_str().expect("path"),
    ]);
    let common = [
        "-u",
        "alice",
        "-w",
        "wonderland",
        "-y",
        "-c",
        "-n",
        "20",
        "-m",
        "1",
    ];
    // TCP on the same port as UDP.
    let out = uclient(&r, &[&["-t"][..], &common].concat());
    assert!(
        out.contains("tot_send_msgs=40, tot_recv_msgs=40"),
        "TCP:\n{out}"
    );
    assert!(out.contains("Total lost packets 0 (0.000000%)"), "{out}");
    // TLS (the client tries older protocol versions first, which rustls refuses).
    let tls = r.tls.clone().expect("tls address");
    let out = uclient_at(&tls, &[&["-t", "-S"][..], &common].concat());
    assert!(
        out.contains("tot_send_msgs=40, tot_recv_msgs=40"),
        "TLS:\n{out}"
    );
    let m = metrics(&r);
    for transport in ["tcp", "tls"] {
        for direction in ["to_peer", "to_client"] {
            let line = format!(
                "vamt_turn_relayed_packets_total{{direction=\"{direction}\",transport=\"{transport}\"}} "
            );
            assert!(counter(&m, &line) >= 40, "{line}\n{m}");
        }
    }
}

/// A port free for both UDP and TCP on loopback (the relay takes both on one port).
fn free_port() -> u16 {
    loop {
        let udp = std::net::UdpSocket::bind("127.0.0.1:0").expect("udp");
        let port = udp.local_addr().expect("addr").port();
        if std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
}

#[test]
fn vamt_serve_relays_over_udp_tcp_and_tls_with_the_portals_rest_credentials() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).expect("cert");
    let (cert_path, key_path) = (dir.path().join("turn.crt"), dir.path().join("turn.key"));
    std::fs::write(&cert_path, cert.cert.pem()).expect("write cert");
    std::fs::write(&key_path, cert.signing_key.serialize_pem()).expect("write key");
    let (http, media, turn, tls) = (free_port(), free_port(), free_port(), free_port());
    let ops = free_port();
    let data = dir.path().join("data");
    let config = format!(
        "[http]\nlisten = \"127.0.0.1:{http}\"\n[media]\nport = {media}\n\
         [turn]\nlisten = \"127.0.0.1:{turn}\"\nallow_loopback_peers = true\n\
         secret = \"serve-test-secret\"\n\
         tls_listen = \"127.0.0.1:{tls}\"\ntls_cert = {cert:?}\ntls_key = {key:?}\n\
         [storage]\ndata_dir = {data:?}\n[metrics]\nlisten = \"127.0.0.1:{ops}\"\n",
        cert = cert_path.to_str().expect("path"),
        key = key_path.to_str().expect("path"),
        data = data.to_str().expect("path"),
    );
    let file = dir.path().join("vamt.toml");
    std::fs::write(&file, config).expect("config");
    let mut child = Command::new(env!("CARGO_BIN_EXE_vamt"))
        .args(["serve", "--config", file.to_str().expect("path")])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("vamt serve starts");
    let stdout = child.stdout.take().expect("stdout");
    let started = BufReader::new(stdout)
        .lines()
        .map_while(Result::ok)
        .any(|l| l.starts_with("vamt is running at"));
    let serve = Relay {
        child,
        listen: format!("127.0.0.1:{turn}"),
        tls: Some(format!("127.0.0.1:{tls}")),
        metrics: format!("127.0.0.1:{ops}"),
    };
    assert!(started, "vamt serve started");

    // The credentials a call page hands out: REST username and password from the secret.
    let (user, pass) = vamt_turn::auth::rest_credentials(
        "serve-test-secret",
        "call-test",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("clock")
            .as_secs(),
        Duration::from_secs(600),
    );
    let common = ["-u", &user, "-w", &pass, "-y", "-c", "-n", "10", "-m", "1"];
    for (name, addr, flags) in [
        ("UDP", &serve.listen, &[][..]),
        ("TCP", &serve.listen, &["-t"][..]),
        ("TLS", serve.tls.as_ref().expect("tls"), &["-t", "-S"][..]),
    ] {
        let out = uclient_at(addr, &[flags, &common].concat());
        assert!(
            out.contains("tot_send_msgs=20, tot_recv_msgs=20"),
            "{name}:\n{out}"
        );
    }
    let m = metrics(&serve);
    for transport in ["udp", "tcp", "tls"] {
        let line = format!(
            "vamt_turn_relayed_packets_total{{direction=\"to_client\",transport=\"{transport}\"}} "
        );
        assert!(counter(&m, &line) >= 20, "{line}\n{m}");
    }
}
