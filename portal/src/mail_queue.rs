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
use sqlx::Row;

use crate::db::{parse_ts, ts};
use crate::mail::{Composed, MailError};
use crate::secret::random_id;
use crate::AppState;

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

/// Queues a composed mail for the SMTP server, due at once. `reference` names it in logs
/// (a booking ID), `kind` says which mail it is (`optin`, `confirmation`, …).
pub async fn enqueue(
    st: &AppState,
    composed: &Composed,
    reference: &str,
    kind: &str,
) -> Result<(), QueueError> {
    let id = random_id("ML_");
    let now = ts(st.now());
    let (reply, stored) = tokio::sync::oneshot::channel();
    let row = Queued {
        recipient: st.vault.seal(&field(&id, "recipient"), &composed.to),
        message: st.vault.seal(&field(&id, "message"), &composed.text),
        id,
        reference: reference.to_owned(),
        kind: kind.to_owned(),
        now,
        reply,
    };
    // At the daily release hundreds of held bookings queue their mail in the same second:
    // one writer per database stores them together (see `group`).
    let key = st.db.connect_options().database_url.to_string();
    if let Some(drain) = QUEUED.push(&key, row) {
        tokio::spawn(write_queued(drain, st.db.clone()));
    }
    // A writer that died drops the reply.
    stored
        .await
        .unwrap_or(Err(QueueError::Batch("the queue's writer ended".into())))?;
    st.mail_due.notify_one();
    Ok(())
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

static QUEUED: crate::group::Group<Queued> = crate::group::Group::new();

/// Most mails one statement inserts (7 values each, well under either engine's limit).
const ROWS_PER_STATEMENT: usize = 100;

/// Stores what is queued, batch after batch, each batch in one transaction.
async fn write_queued(mut drain: crate::group::Drain<Queued>, db: crate::db::Db) {
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

async fn insert_queued(db: &crate::db::Db, batch: &[Queued]) -> Result<(), sqlx::Error> {
    let _turn = crate::db::writer_turn(db).await;
    let mut tx = db.begin().await?;
    for chunk in batch.chunks(ROWS_PER_STATEMENT) {
        let sql = crate::db::values_sql(
            crate::db::engine(db),
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
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Round {
    /// Taken by the server.
    pub sent: u64,
    /// Refused for now; tried again later.
    pub deferred: u64,
    /// Refused for good, or tried for [`GIVE_UP_AFTER`]: deleted.
    pub given_up: u64,
}

/// Tries every mail that is due now, oldest first.
pub async fn run_once(st: &AppState) -> Result<Round, QueueError> {
    let now = st.now();
    let due = sqlx::query(
        "SELECT id FROM mail_queue WHERE next_at <= $1 AND (claimed_until IS NULL OR claimed_until < $1) \
         ORDER BY next_at, created_at LIMIT 200",
    )
    .bind(ts(now))
    .fetch_all(&st.db)
    .await?;
    let mut round = Round::default();
    for row in due {
        let id: String = row.get(0);
        if let Some(outcome) = attempt(st, &id, now).await? {
            match outcome {
                Outcome::Sent => round.sent += 1,
                Outcome::Deferred => round.deferred += 1,
                Outcome::GivenUp => round.given_up += 1,
            }
        }
    }
    let waiting: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM mail_queue")
        .fetch_one(&st.db)
        .await?;
    st.metrics.mail_queue.set(waiting);
    Ok(round)
}

enum Outcome {
    Sent,
    Deferred,
    GivenUp,
}

/// One attempt at mail `id`, if this node wins its claim.
async fn attempt(
    st: &AppState,
    id: &str,
    now: DateTime<Utc>,
) -> Result<Option<Outcome>, QueueError> {
    // Claimed and read in one statement: a row another node holds is not returned.
    let row = sqlx::query(
        "UPDATE mail_queue SET claimed_until = $1 WHERE id = $2 AND (claimed_until IS NULL OR claimed_until < $3) \
         RETURNING reference, kind, recipient, message, created_at, attempts",
    )
    .bind(ts(now + CLAIM))
    .bind(id)
    .bind(ts(now))
    .fetch_optional(&st.db)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let (reference, kind): (String, String) = (row.get(0), row.get(1));
    let created = parse_ts(row.get::<&str, _>(4)).unwrap_or(now);
    let attempts: i64 = row.get::<i64, _>(5) + 1;
    // A mail that cannot be unsealed (the data key changed) never will be: it is given up
    // like a refused one, so it does not stop the mails queued behind it.
    let unsealed = st
        .vault
        .open(&field(id, "recipient"), row.get(2))
        .and_then(|to| Ok((to, st.vault.open(&field(id, "message"), row.get(3))?)));
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
                .execute(&st.db)
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
            .execute(&st.db)
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
            // A booking still unconfirmed when its mail is given up was held by this mail
            // (the opt-in or a waiting list's offer, the only link to confirm it): it is
            // released now. Any other booking, or a waiting-list entry, is left as it is.
            // If this fails, the hold job releases it when its time to confirm is up.
            if let Err(e) = crate::hold::release_now(st, &reference).await {
                tracing::error!(booking = %reference, error = %e, "hold of an undeliverable mail not released");
            }
        }
    }
    Ok(Some(outcome))
}

/// Delivers queued mails until `stop` completes: at once when a mail is queued, and every
/// [`INTERVAL`] for those due again.
pub async fn run(st: AppState, stop: impl Future<Output = ()>) {
    tokio::pin!(stop);
    loop {
        match run_once(&st).await {
            Ok(r) if r != Round::default() => {
                tracing::debug!(
                    sent = r.sent,
                    deferred = r.deferred,
                    given_up = r.given_up,
                    "mail round"
                )
            }
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "mail queue round failed; retrying"),
        }
        tokio::select! {
            _ = st.mail_due.notified() => {}
            _ = tokio::time::sleep(INTERVAL) => {}
            _ = &mut stop => break,
        }
    }
}
