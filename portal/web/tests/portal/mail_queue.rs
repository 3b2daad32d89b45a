//! Mails to a real SMTP conversation through the queue: a booking is answered while the
//! mail server refuses, the mail waits sealed in the database and goes out once the server
//! takes it; a mail the server refuses for good, or that waits for a day, is given up.
use crate::common;

use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::StatusCode;
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use vamt_booking::notify;
use vamt_portal_storage::outbox::Round;

/// What the sink answers to RCPT TO.
const ACCEPT: u8 = 0;
const TRY_LATER: u8 = 1;
const REFUSE: u8 = 2;

/// A small SMTP server speaking the real protocol on loopback: it takes a message or
/// refuses its recipient with 451 (try later) or 550 (never), as the test sets.
struct Sink {
    port: u16,
    mode: Arc<AtomicU8>,
    received: Arc<Mutex<Vec<String>>>,
}

impl Sink {
    async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind sink");
        let port = listener.local_addr().expect("addr").port();
        let mode = Arc::new(AtomicU8::new(ACCEPT));
        let received = Arc::new(Mutex::new(Vec::new()));
        let (m, r) = (mode.clone(), received.clone());
        tokio::spawn(async move {
            while let Ok((sock, _)) = listener.accept().await {
                let (m, r) = (m.clone(), r.clone());
                tokio::spawn(async move {
                    let _ = session(sock, m, r).await;
                });
            }
        });
        Self {
            port,
            mode,
            received,
        }
    }

    fn set(&self, mode: u8) {
        self.mode.store(mode, Ordering::SeqCst);
    }

    fn messages(&self) -> Vec<String> {
        self.received.lock().expect("lock").clone()
    }
}

async fn session(
    sock: tokio::net::TcpStream,
    mode: Arc<AtomicU8>,
    received: Arc<Mutex<Vec<String>>>,
) -> std::io::Result<()> {
    let (rd, mut wr) = sock.into_split();
    let mut rd = BufReader::new(rd);
    wr.write_all(b"220 sink ESMTP\r\n").await?;
    let mut line = String::new();
    loop {
        line.clear();
        if rd.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let verb = line.get(..4).unwrap_or("").to_ascii_uppercase();
        let reply: &[u8] = match verb.as_str() {
            "EHLO" => b"250-sink\r\n250 8BITMIME\r\n",
            "HELO" | "MAIL" | "RSET" | "NOOP" => b"250 ok\r\n",
            "RCPT" => match mode.load(Ordering::SeqCst) {
                ACCEPT => b"250 ok\r\n",
                TRY_LATER => b"451 4.3.0 mailbox busy, try later\r\n",
                _ => b"550 5.1.1 no such mailbox\r\n",
            },
            "DATA" => {
                wr.write_all(b"354 go ahead\r\n").await?;
                let mut text = String::new();
                loop {
                    line.clear();
                    if rd.read_line(&mut line).await? == 0 {
                        return Ok(());
                    }
                    if line == ".\r\n" {
                        break;
                    }
                    text.push_str(&line);
                }
                received.lock().expect("lock").push(text);
                b"250 queued\r\n"
            }
            "QUIT" => {
                wr.write_all(b"221 bye\r\n").await?;
                return Ok(());
            }
            _ => b"502 not implemented\r\n",
        };
        wr.write_all(reply).await?;
    }
}

/// Books the `n`th free time for `email` through the API; the answer must not wait for
/// the mail server.
async fn book(stack: &common::Stack, n: usize, email: &str) {
    let starts = free_starts(stack).await;
    book_at(stack, &starts[n], email).await;
}

/// The free times on offer now.
async fn free_starts(stack: &common::Stack) -> Vec<Value> {
    let slots = axum::http::Request::get("/api/v1/slots?services=meldebescheinigung")
        .body(axum::body::Body::empty())
        .expect("request");
    let slots = common::call(stack, slots).await;
    let slots: Value = serde_json::from_str(&slots.body).expect("slots");
    slots["slots"]
        .as_array()
        .map(|a| a.iter().map(|s| s["start"].clone()).collect())
        .unwrap_or_default()
}

/// Books `start` for `email` through the API.
async fn book_at(stack: &common::Stack, start: &Value, email: &str) {
    let body = json!({
        "services": ["meldebescheinigung"], "start": start,
        "name": "Ada Queue", "email": email, "lang": "en",
    });
    let answer = common::call(
        stack,
        common::json_request("POST", "/api/v1/bookings", &body),
    )
    .await;
    assert_eq!(answer.status, StatusCode::ACCEPTED, "{}", answer.body);
}

async fn queued(stack: &common::Stack) -> Vec<(String, String, i64)> {
    sqlx::query_as("SELECT recipient, message, attempts FROM mail_queue")
        .fetch_all(stack.state.db.pool())
        .await
        .expect("queue")
}

fn mails(stack: &common::Stack, outcome: &str) -> u64 {
    stack
        .state
        .outbox
        .metrics
        .mails
        .with_label_values(&[outcome])
        .get()
}

#[tokio::test]
async fn mails_wait_in_the_queue_while_the_server_refuses_and_go_out_when_it_takes_them() {
    let sink = Sink::start().await;
    let stack = common::start(
        common::monday_morning(),
        json!({ "mail": { "smtp_url": format!("smtp://127.0.0.1:{}", sink.port) } }),
    )
    .await;

    // The server says "later": the citizen's booking is answered all the same, and the
    // opt-in mail waits, sealed.
    sink.set(TRY_LATER);
    book(&stack, 3, "ada@example.org").await;
    assert_eq!(mails(&stack, "queued"), 1);
    let round = notify::deliver_due(&stack.state).await.expect("round");
    assert_eq!(
        round,
        Round {
            deferred: 1,
            ..Round::default()
        }
    );
    let rows = queued(&stack).await;
    assert_eq!(rows.len(), 1);
    let (recipient, message, attempts) = &rows[0];
    assert_eq!(*attempts, 1);
    for sealed in [recipient, message] {
        assert!(!sealed.contains("ada@example.org") && !sealed.contains("Ada Queue"));
    }
    assert_eq!(stack.state.outbox.metrics.waiting.get(), 1);

    // Not due again before its pause is over, even when the server is back.
    sink.set(ACCEPT);
    assert_eq!(
        notify::deliver_due(&stack.state).await.expect("round"),
        Round::default()
    );
    assert!(sink.messages().is_empty());
    stack.clock.advance(chrono::Duration::minutes(1));
    let round = notify::deliver_due(&stack.state).await.expect("round");
    assert_eq!(round.sent, 1);
    let got = sink.messages();
    assert_eq!(got.len(), 1);
    assert!(got[0].contains("To: ada@example.org"), "{}", got[0]);
    assert!(got[0].contains("/booking/"), "the confirm link: {}", got[0]);
    assert!(
        queued(&stack).await.is_empty(),
        "a sent mail leaves the queue"
    );
    assert_eq!(stack.state.outbox.metrics.waiting.get(), 0);

    // Refused for good (550): given up at once, nothing kept, and the held time is free
    // again at once: the link to confirm it can reach no one.
    sink.set(REFUSE);
    let refused_start = free_starts(&stack).await[6].clone();
    book_at(&stack, &refused_start, "nobody@example.org").await;
    assert!(!free_starts(&stack).await.contains(&refused_start));
    let round = notify::deliver_due(&stack.state).await.expect("round");
    assert_eq!(round.given_up, 1);
    assert!(queued(&stack).await.is_empty());
    assert_eq!(mails(&stack, "failed"), 1);
    assert!(free_starts(&stack).await.contains(&refused_start));
    assert_eq!(stack.state.office.metrics.unconfirmed_released.get(), 1);

    // "Later" for a whole day: given up too.
    sink.set(TRY_LATER);
    book(&stack, 9, "busy@example.org").await;
    assert_eq!(
        notify::deliver_due(&stack.state)
            .await
            .expect("round")
            .deferred,
        1
    );
    stack.clock.advance(chrono::Duration::hours(25));
    assert_eq!(
        notify::deliver_due(&stack.state)
            .await
            .expect("round")
            .given_up,
        1
    );
    assert!(queued(&stack).await.is_empty());
    assert_eq!(mails(&stack, "failed"), 2);
    assert_eq!(stack.state.office.metrics.unconfirmed_released.get(), 2);
    assert_eq!(sink.messages().len(), 1);
}

#[tokio::test]
async fn the_courier_sends_a_queued_mail_at_once() {
    let sink = Sink::start().await;
    let stack = common::start(
        common::monday_morning(),
        json!({ "mail": { "smtp_url": format!("smtp://127.0.0.1:{}", sink.port) } }),
    )
    .await;
    let (stop, mut stop_rx) = tokio::sync::watch::channel(false);
    let state = stack.state.clone();
    let courier = tokio::spawn(async move {
        notify::courier(&state, async move {
            let _ = stop_rx.wait_for(|v| *v).await;
        })
        .await
    });
    book(&stack, 2, "eve@example.org").await;
    // Woken by the booking, not by its 30-second round: the mail arrives well before that.
    let mut waited = 0;
    while sink.messages().is_empty() && waited < 100 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        waited += 1;
    }
    assert_eq!(sink.messages().len(), 1, "delivered within 10 s");
    assert!(sink.messages()[0].contains("To: eve@example.org"));
    let _ = stop.send(true);
    courier.await.expect("courier stops");
    assert!(queued(&stack).await.is_empty());
}

#[tokio::test]
async fn a_mail_that_cannot_be_unsealed_is_given_up_and_stops_no_other() {
    let sink = Sink::start().await;
    let stack = common::start(
        common::monday_morning(),
        json!({ "mail": { "smtp_url": format!("smtp://127.0.0.1:{}", sink.port) } }),
    )
    .await;
    // Sealed under another data key (or damaged): first in line.
    sqlx::query(
        "INSERT INTO mail_queue (id, reference, kind, recipient, message, created_at, attempts, next_at) \
         VALUES ('ML_broken', 'BK_broken', 'optin', 'v1:garbage', 'v1:garbage', '2026-01-01T00:00:00Z', 0, '2026-01-01T00:00:00Z')",
    )
    .execute(stack.state.db.pool())
    .await
    .expect("insert");
    book(&stack, 4, "zoe@example.org").await;
    let round = notify::deliver_due(&stack.state).await.expect("round");
    assert_eq!(
        round,
        Round {
            sent: 1,
            given_up: 1,
            undeliverable: vec!["BK_broken".to_owned()],
            ..Round::default()
        }
    );
    assert!(queued(&stack).await.is_empty());
    assert_eq!(sink.messages().len(), 1);
    assert!(sink.messages()[0].contains("To: zoe@example.org"));
}

/// At the release many bookings queue their mails at once; they are stored together, and
/// each row is its own mail, sealed for its own ID.
#[tokio::test]
async fn mails_queued_at_the_same_moment_are_all_stored_each_for_its_own_citizen() {
    let stack = common::start(
        common::monday_morning(),
        // Nothing listens there: the mails stay queued (no courier runs here either).
        json!({ "mail": { "smtp_url": "smtp://127.0.0.1:9" } }),
    )
    .await;
    let stack = std::sync::Arc::new(stack);
    // Thirty different times, read before anyone books (a list read later has shifted).
    let starts = free_starts(&stack).await;
    assert!(starts.len() >= 30, "enough free times");
    let mut tasks = Vec::new();
    for (n, start) in starts.into_iter().take(30).enumerate() {
        let stack = stack.clone();
        tasks.push(tokio::spawn(async move {
            book_at(&stack, &start, &format!("citizen{n}@example.org")).await;
        }));
    }
    for t in tasks {
        t.await.expect("booked");
    }
    assert_eq!(mails(&stack, "queued"), 30);
    let rows: Vec<(String, String)> = sqlx::query_as("SELECT id, recipient FROM mail_queue")
        .fetch_all(stack.state.db.pool())
        .await
        .expect("queue");
    let mut to: Vec<String> = rows
        .iter()
        .map(|(id, sealed)| {
            stack
                .state
                .vault
                .open(&format!("mail_queue.recipient:{id}"), sealed)
                .expect("sealed for its own ID")
        })
        .collect();
    to.sort();
    let mut want: Vec<String> = (0..30).map(|n| format!("citizen{n}@example.org")).collect();
    want.sort();
    assert_eq!(to, want);
}
