//! Mails on their way to the SMTP server. A request that sends a mail only queues it (a
//! row, stored together with the mails other requests queue at the same moment) and wakes
//! the courier, so a citizen never waits for the mail server, and a mail
//! the server cannot take now (it is down, it answers 4xx) is tried again with growing
//! pauses instead of being lost. Rows live in the database, so a restart or another node
//! picks them up; each is claimed before its attempt, so no two nodes send it twice. The
//! recipient and text are sealed like other personal data, and a row goes as soon as the
//! server has the mail or the mail is given up.
//!
//! Without an SMTP server (`mail.smtp_url` unset) mails go straight to the outbox folder,
//! which is a queue on disk of its own: nothing is queued then.
use std::future::Future;
use std::time::Duration;

use chrono::{DateTime, Utc};

use prometheus::{IntCounterVec, IntGauge, Opts, Registry};

use crate::db::{parse_ts, ts, Db};
use crate::group::{Drain, Group};
use crate::mail::{Composed, MailError, Mailer};
use crate::secret::random_id;
use crate::vault::Vault;
use vamt_portal_core::Clock;

/// How long a mail is tried before it is given up (and counted as failed).
pub const GIVE_UP_AFTER: chrono::Duration = chrono::Duration::hours(24);

/// How long one node may hold a mail it is sending before another node may try it.
const CLAIM: chrono::Duration = chrono::Duration::minutes(5);

/// How often the courier looks even when nothing woke it (mails due for another try).
pub const INTERVAL: Duration = Duration::from_secs(30);

/// Queue errors.
#[derive(Debug, thiserror::Error)]
pub enum QueueError {
    /// The database failed.
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    /// Storing the batch this mail was queued with failed (the error is shared by all).
    #[error("storing queued mails: {0}")]
    Batch(String),
}

/// The pause before attempt `attempts + 1`, after `attempts` failed: 1, 5, 15 minutes,
/// then hourly.
pub fn backoff(attempts: i64) -> chrono::Duration {
    match attempts {
        i64::MIN..=1 => chrono::Duration::minutes(1),
        2 => chrono::Duration::minutes(5),
        3 => chrono::Duration::minutes(15),
        _ => chrono::Duration::hours(1),
    }
}

fn field(id: &str, column: &str) -> String {
    format!("mail_queue.{column}:{id}")
}

/// The outbox's counters, registered in the process registry.
#[derive(Clone)]
pub struct OutboxMetrics {
    /// E-mails, by outcome: `queued` for the SMTP server, `sent` (the server took it),
    /// `deferred` (refused for now, tried again), `failed` (given up), `outbox` (written to
    /// the outbox folder).
    pub mails: IntCounterVec,
    /// Mails waiting in the queue for the SMTP server.
    pub waiting: IntGauge,
}

impl OutboxMetrics {
    /// Creates the counters and registers them in `registry`.
    pub fn new(registry: &Registry) -> prometheus::Result<Self> {
        let mails = IntCounterVec::new(
            Opts::new("vamt_portal_mails_total", "E-mails by outcome"),
            &["outcome"],
        )?;
        let waiting = IntGauge::new(
            "vamt_portal_mail_queue_messages",
            "Mails waiting in the queue for the SMTP server",
        )?;
        registry.register(Box::new(mails.clone()))?;
        registry.register(Box::new(waiting.clone()))?;
        Ok(Self { mails, waiting })
    }
}

/// The mails of one database on their way out: the SMTP transport (or the outbox folder),
/// the queue's writer and its courier's wake-up.
pub struct Outbox {
    db: Db,
    vault: Vault,
    mailer: Mailer,
    clock: Clock,
    /// Mails waiting to be stored, written together by one task (see `group`).
    queued: Group<Queued>,
    /// Wakes the courier ([`Outbox::run`]) when a mail is queued.
    due: tokio::sync::Notify,
    /// Its counters.
    pub metrics: OutboxMetrics,
}

impl Outbox {
    /// The outbox of `db`, sending through `mailer`.
    pub fn new(db: Db, vault: Vault, mailer: Mailer, clock: Clock, metrics: OutboxMetrics) -> Self {
        Self {
            db,
            vault,
            mailer,
            clock,
            queued: Group::new(),
            due: tokio::sync::Notify::new(),
            metrics,
        }
    }

    /// The transport: composes mails, and names the outbox folder when there is no SMTP
    /// server.
    pub fn mailer(&self) -> &Mailer {
        &self.mailer
    }

    /// Sends a composed mail: into the outbox folder at once, or into the queue for the
    /// SMTP server (the caller does not wait for the server; the courier retries). Counts
    /// the outcome; `Err` says why the mail was lost.
    pub async fn send(
        &self,
        composed: &Composed,
        reference: &str,
        kind: &str,
    ) -> Result<(), String> {
        let outcome = if self.mailer.outbox().is_some() {
            self.mailer
                .transmit(composed, reference)
                .await
                .map(|()| "outbox")
                .map_err(|e| e.to_string())
        } else {
            self.enqueue(composed, reference, kind)
                .await
                .map(|()| "queued")
                .map_err(|e| e.to_string())
        };
        let label = outcome.as_ref().map_or("failed", |o| *o);
        self.metrics.mails.with_label_values(&[label]).inc();
        outcome.map(|_| ())
    }

    /// Queues a composed mail for the SMTP server, due at once. `reference` names it in
    /// logs (a booking ID), `kind` says which mail it is (`optin`, `confirmation`, …).
    pub async fn enqueue(
        &self,
        composed: &Composed,
        reference: &str,
        kind: &str,
    ) -> Result<(), QueueError> {
        let id = random_id("ML_");
        let now = ts((self.clock)());
        let (reply, stored) = tokio::sync::oneshot::channel();
        let row = Queued {
            recipient: self.vault.seal(&field(&id, "recipient"), &composed.to),
            message: self.vault.seal(&field(&id, "message"), &composed.text),
            id,
            reference: reference.to_owned(),
            kind: kind.to_owned(),
            now,
            reply,
        };
        // At the daily release hundreds of held bookings queue their mail in the same
        // second: one writer stores them together (see `group`).
        if let Some(drain) = self.queued.push(row) {
            tokio::spawn(write_queued(drain, self.db.clone()));
        }
        // A writer that died drops the reply.
        stored
            .await
            .unwrap_or(Err(QueueError::Batch("the queue's writer ended".into())))?;
        self.due.notify_one();
        Ok(())
    }
}

/// A mail waiting to be stored in the queue.
struct Queued {
    id: String,
    reference: String,
    kind: String,
    recipient: String,
    message: String,
    now: String,
    reply: tokio::sync::oneshot::Sender<Result<(), QueueError>>,
}

/// Most mails one statement inserts (7 values each, well under either engine's limit).
const ROWS_PER_STATEMENT: usize = 100;

/// Stores what is queued, batch after batch, each batch in one transaction.
async fn write_queued(mut drain: Drain<Queued>, db: Db) {
    while let Some(batch) = drain.next_batch() {
        let outcome = insert_queued(&db, &batch).await.map_err(|e| e.to_string());
        for m in batch {
            let _ = m.reply.send(match &outcome {
                Ok(()) => Ok(()),
                Err(e) => Err(QueueError::Batch(e.clone())),
            });
        }
    }
}

async fn insert_queued(db: &Db, batch: &[Queued]) -> Result<(), sqlx::Error> {
    let _turn = db.writer_turn().await;
    let mut tx = db.begin().await?;
    for chunk in batch.chunks(ROWS_PER_STATEMENT) {
        let sql = crate::db::values_sql(
            db.engine(),
            "INSERT INTO mail_queue (id, reference, kind, recipient, message, created_at, attempts, next_at) VALUES ",
            chunk.len(),
            7,
            &[(6, "0")],
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for m in chunk {
            q = q
                .bind(&m.id)
                .bind(&m.reference)
                .bind(&m.kind)
                .bind(&m.recipient)
                .bind(&m.message)
                .bind(&m.now)
                .bind(&m.now);
        }
        q.execute(&mut *tx).await?;
    }
    tx.commit().await
}

/// What became of the mails a round tried.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Round {
    /// Taken by the server.
    pub sent: u64,
    /// Refused for now; tried again later.
    pub deferred: u64,
    /// Refused for good, or tried for [`GIVE_UP_AFTER`]: deleted.
    pub given_up: u64,
    /// The references (booking IDs) of the mails given up, for their domain to act on.
    pub undeliverable: Vec<String>,
}

enum Outcome {
    Sent,
    Deferred,
    GivenUp,
}

/// A claimed mail, as [`Outbox::attempt`] reads it; recipient and message sealed.
#[derive(sqlx::FromRow)]
struct ClaimedRow {
    reference: String,
    kind: String,
    recipient: String,
    message: String,
    created_at: String,
    attempts: i64,
}

impl Outbox {
    /// Tries every mail that is due now, oldest first.
    pub async fn run_once(&self) -> Result<Round, QueueError> {
        let st = self;
        let now = (self.clock)();
        let due: Vec<String> = sqlx::query_scalar(
        "SELECT id FROM mail_queue WHERE next_at <= $1 AND (claimed_until IS NULL OR claimed_until < $1) \
         ORDER BY next_at, created_at LIMIT 200",
    )
    .bind(ts(now))
    .fetch_all(st.db.pool())
    .await?;
        let mut round = Round::default();
        for id in due {
            if let Some((outcome, reference)) = st.attempt(&id, now).await? {
                match outcome {
                    Outcome::Sent => round.sent += 1,
                    Outcome::Deferred => round.deferred += 1,
                    Outcome::GivenUp => {
                        round.given_up += 1;
                        round.undeliverable.push(reference);
                    }
                }
            }
        }
        let waiting: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM mail_queue")
            .fetch_one(st.db.pool())
            .await?;
        st.metrics.waiting.set(waiting);
        Ok(round)
    }

    /// One attempt at mail `id`, if this node wins its claim.
    async fn attempt(
        &self,
        id: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<(Outcome, String)>, QueueError> {
        let st = self;
        // Claimed and read in one statement: a row another node holds is not returned.
        let row = sqlx::query_as::<_, ClaimedRow>(
        "UPDATE mail_queue SET claimed_until = $1 WHERE id = $2 AND (claimed_until IS NULL OR claimed_until < $3) \
         RETURNING reference, kind, recipient, message, created_at, attempts",
    )
    .bind(ts(now + CLAIM))
    .bind(id)
    .bind(ts(now))
    .fetch_optional(st.db.pool())
    .await?;
        let Some(row) = row else { return Ok(None) };
        let (reference, kind): (String, String) = (row.reference, row.kind);
        let created = parse_ts(&row.created_at).unwrap_or(now);
        let attempts: i64 = row.attempts + 1;
        // A mail that cannot be unsealed (the data key changed) never will be: it is given up
        // like a refused one, so it does not stop the mails queued behind it.
        let unsealed = st
            .vault
            .open(&field(id, "recipient"), &row.recipient)
            .and_then(|to| Ok((to, st.vault.open(&field(id, "message"), &row.message)?)));
        let sent = match unsealed {
            Ok((to, text)) => st.mailer.transmit(&Composed { to, text }, &reference).await,
            Err(e) => {
                tracing::error!(reference = %reference, kind = %kind, error = %e, "queued mail cannot be unsealed");
                Err(MailError::Build(e.to_string()))
            }
        };
        let outcome = match sent {
            Ok(()) => Outcome::Sent,
            Err(MailError::Smtp {
                permanent: false, ..
            })
            | Err(MailError::Outbox(_))
                if now + backoff(attempts) < created + GIVE_UP_AFTER =>
            {
                Outcome::Deferred
            }
            Err(_) => Outcome::GivenUp,
        };
        match outcome {
            Outcome::Sent | Outcome::GivenUp => {
                sqlx::query("DELETE FROM mail_queue WHERE id = $1")
                    .bind(id)
                    .execute(st.db.pool())
                    .await?;
            }
            Outcome::Deferred => {
                let next = now + backoff(attempts);
                sqlx::query(
                "UPDATE mail_queue SET attempts = $1, next_at = $2, claimed_until = NULL WHERE id = $3",
            )
            .bind(attempts)
            .bind(ts(next))
            .bind(id)
            .execute(st.db.pool())
            .await?;
                tracing::warn!(reference = %reference, kind = %kind, attempts, next = %next, "mail server did not take the mail; trying again later");
            }
        }
        match outcome {
            Outcome::Sent => st.metrics.mails.with_label_values(&["sent"]).inc(),
            Outcome::Deferred => st.metrics.mails.with_label_values(&["deferred"]).inc(),
            Outcome::GivenUp => {
                tracing::error!(reference = %reference, kind = %kind, attempts, "mail given up: the server refused it or did not take it within a day");
                st.metrics.mails.with_label_values(&["failed"]).inc();
            }
        }
        Ok(Some((outcome, reference)))
    }

    /// Delivers queued mails until `stop` completes: at once when a mail is queued, and every
    /// [`INTERVAL`] for those due again. `undeliverable` is told of each round's mails given
    /// up (their domain may release what they held).
    pub async fn run<F, Fut>(&self, stop: impl Future<Output = ()>, undeliverable: F)
    where
        F: Fn(Vec<String>) -> Fut,
        Fut: Future<Output = ()>,
    {
        let st = self;
        tokio::pin!(stop);
        loop {
            match st.run_once().await {
                Ok(r) if r != Round::default() => {
                    tracing::debug!(
                        sent = r.sent,
                        deferred = r.deferred,
                        given_up = r.given_up,
                        "mail round"
                    );
                    if !r.undeliverable.is_empty() {
                        undeliverable(r.undeliverable).await;
                    }
                }
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "mail queue round failed; retrying"),
            }
            tokio::select! {
                _ = st.due.notified() => {}
                _ = tokio::time::sleep(INTERVAL) => {}
                _ = &mut stop => break,
            }
        }
    }
}
