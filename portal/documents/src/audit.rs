//! The case's audit log: every step (joined, identity checked, document received, kept,
//! discarded, signed, sealed, delivered, downloaded, erased) as one entry, append-only and
//! hash-chained. Each entry's hash covers the one before it, so a changed entry breaks every
//! link after it; the case row keeps the last number and hash, so an entry cut from the end
//! is found too. The database refuses changes to the table (triggers); the chain finds them
//! when someone with the database's keys made them anyway (`vamt audit verify`).
//!
//! Entries hold no personal data: words, IDs, sizes and hashes, never names or file names.
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use vamt_portal_core::sql::{parse_ts, ts};
use vamt_portal_storage::db::Db;

/// What happened, as the word stored in `case_audit.event`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// The case record was opened (the first step of the call that needed it).
    Opened,
    /// The clerk recorded the identity check.
    IdentityChecked,
    /// A document arrived whole and was accepted.
    DocumentReceived,
    /// An upload was refused (by content, size or checksum); nothing of it is kept.
    UploadRefused,
    /// The clerk kept a received document in the case.
    DocumentKept,
    /// The clerk discarded a received document; its bytes are erased.
    DocumentDiscarded,
    /// A document's bytes were fetched.
    Downloaded,
    /// The clerk asked the citizen to sign a document.
    SignatureRequested,
    /// The citizen confirmed having read the document to sign.
    DocumentRead,
    /// A TAN went to the booking's e-mail address.
    TanSent,
    /// The citizen signed; the signed document is in the case.
    DocumentSigned,
    /// A document was sealed with the authority's key.
    DocumentSealed,
    /// The clerk recorded how a result goes out (download, post).
    Delivered,
    /// The case's key and files were erased.
    Erased,
    /// Someone entered the call (`detail.role`); the actor says who.
    Joined,
    /// Someone left the call (or was removed, or the call ended for everyone).
    Left,
    /// The clerk asked the citizen to show an identity document (`detail.method`).
    IdentityRequested,
    /// The clerk shared a document with the call's guests (an interpreter), or stopped.
    DocumentShared,
    /// The clerk asked for a fee (`detail`: payment, amount, ways).
    PaymentRequested,
    /// The citizen chose a way and the provider opened a transaction.
    PaymentStarted,
    /// A provider's notification moved a payment (`detail`: from, to, source, event).
    PaymentState,
    /// A provider's notification did not fit and changed nothing.
    PaymentRefused,
    /// An admin gave money back or recorded a refund (`detail`: amount, reason).
    RefundRequested,
}

impl Event {
    /// The event of a stored word (the payments domain names its steps by word, since it
    /// does not depend on the case record).
    pub fn of_payment(word: &str) -> Option<Event> {
        [
            Event::PaymentRequested,
            Event::PaymentStarted,
            Event::PaymentState,
            Event::PaymentRefused,
            Event::RefundRequested,
        ]
        .into_iter()
        .find(|e| e.as_str() == word)
    }

    /// The stored word.
    pub fn as_str(self) -> &'static str {
        match self {
            Event::Opened => "opened",
            Event::IdentityChecked => "identity_checked",
            Event::DocumentReceived => "document_received",
            Event::UploadRefused => "upload_refused",
            Event::DocumentKept => "document_kept",
            Event::DocumentDiscarded => "document_discarded",
            Event::Downloaded => "downloaded",
            Event::SignatureRequested => "signature_requested",
            Event::DocumentRead => "document_read",
            Event::TanSent => "tan_sent",
            Event::DocumentSigned => "document_signed",
            Event::DocumentSealed => "document_sealed",
            Event::Delivered => "delivered",
            Event::Erased => "erased",
            Event::Joined => "joined",
            Event::Left => "left",
            Event::IdentityRequested => "identity_requested",
            Event::DocumentShared => "document_shared",
            Event::PaymentRequested => "payment_requested",
            Event::PaymentStarted => "payment_started",
            Event::PaymentState => "payment_state",
            Event::PaymentRefused => "payment_refused",
            Event::RefundRequested => "refund_requested",
        }
    }
}

/// One stored entry.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct Entry {
    /// 1, 2, 3 … within the case.
    pub seq: i64,
    /// When, as stored (`sql::ts`).
    pub at: String,
    /// Who: `citizen`, `clerk:<id>`, `system`.
    pub actor: String,
    /// What ([`Event`]'s word).
    pub event: String,
    /// Details as JSON text (IDs, sizes, hashes, words).
    pub detail: String,
    /// This entry's link, hex.
    #[serde(skip)]
    pub hash: String,
}

/// The hash the chain of case `case` starts from.
pub fn genesis(case: &str) -> String {
    hex::encode(
        Sha256::new()
            .chain_update(b"vamt audit v1\0")
            .chain_update(case.as_bytes())
            .finalize(),
    )
}

/// The link of an entry after `prev`: SHA-256 over the previous hash and each field,
/// length-prefixed so no field's end can be moved into the next.
pub fn link(prev: &str, case: &str, e: &Entry) -> String {
    let mut h = Sha256::new();
    for field in [
        prev.as_bytes(),
        case.as_bytes(),
        e.seq.to_string().as_bytes(),
        e.at.as_bytes(),
        e.actor.as_bytes(),
        e.event.as_bytes(),
        e.detail.as_bytes(),
    ] {
        h.update((field.len() as u64).to_be_bytes());
        h.update(field);
    }
    hex::encode(h.finalize())
}

/// Where a chain is broken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Break {
    /// Entry `expected` is missing (`found` came in its place).
    #[error("entry {expected} is missing (found {found})")]
    Missing {
        /// The number that should have come.
        expected: i64,
        /// The number that came.
        found: i64,
    },
    /// Entry `seq` is not what was written (its hash does not follow from it and the one
    /// before).
    #[error("entry {seq} was changed")]
    Changed {
        /// The entry.
        seq: i64,
    },
    /// The chain ends before the head the case holds: entries were cut from the end, or
    /// the head was changed.
    #[error("the chain ends at entry {last}, the case's head names entry {head}")]
    Cut {
        /// The last entry found.
        last: i64,
        /// The last entry the case names.
        head: i64,
    },
}

/// Checks `entries` (in order of `seq`) against the chain of `case` and its head.
pub fn verify(case: &str, entries: &[Entry], head_seq: i64, head_hash: &str) -> Result<(), Break> {
    let mut prev = genesis(case);
    let mut expected = 1;
    for e in entries {
        if e.seq != expected {
            return Err(Break::Missing {
                expected,
                found: e.seq,
            });
        }
        if link(&prev, case, e) != e.hash {
            return Err(Break::Changed { seq: e.seq });
        }
        prev = e.hash.clone();
        expected += 1;
    }
    let last = expected - 1;
    if last != head_seq || prev != head_hash {
        return Err(Break::Cut {
            last,
            head: head_seq,
        });
    }
    Ok(())
}

/// Appends `event` by `actor` with `detail` to the chain of `case`. Concurrent appenders
/// take turns: the head moves only from the value read (`WHERE audit_seq = $n`), and a
/// loser reads again.
pub async fn append(
    db: &Db,
    case: &str,
    at: DateTime<Utc>,
    actor: &str,
    event: Event,
    detail: serde_json::Value,
) -> Result<Entry, sqlx::Error> {
    let _turn = db.writer_turn().await;
    loop {
        let mut tx = db.begin().await?;
        let (seq, head): (i64, String) =
            sqlx::query_as("SELECT audit_seq, audit_head FROM cases WHERE id = $1")
                .bind(case)
                .fetch_one(&mut *tx)
                .await?;
        let mut entry = Entry {
            seq: seq + 1,
            at: ts(at),
            actor: actor.to_owned(),
            event: event.as_str().to_owned(),
            detail: detail.to_string(),
            hash: String::new(),
        };
        entry.hash = link(&head, case, &entry);
        let moved = sqlx::query(
            "UPDATE cases SET audit_seq = $1, audit_head = $2 WHERE id = $3 AND audit_seq = $4",
        )
        .bind(entry.seq)
        .bind(&entry.hash)
        .bind(case)
        .bind(seq)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if moved == 0 {
            // Another appender moved the head since it was read.
            tx.rollback().await?;
            continue;
        }
        sqlx::query(
            "INSERT INTO case_audit (case_id, seq, at, actor, event, detail, hash) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(case)
        .bind(entry.seq)
        .bind(&entry.at)
        .bind(&entry.actor)
        .bind(&entry.event)
        .bind(&entry.detail)
        .bind(&entry.hash)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        return Ok(entry);
    }
}

/// The entries of `case`, in order.
pub async fn entries(db: &Db, case: &str) -> Result<Vec<Entry>, sqlx::Error> {
    sqlx::query_as(
        "SELECT seq, at, actor, event, detail, hash FROM case_audit WHERE case_id = $1 ORDER BY seq",
    )
    .bind(case)
    .fetch_all(db.pool())
    .await
}

/// What `vamt audit verify` found.
#[derive(Debug, Default)]
pub struct Report {
    /// Cases whose chain holds.
    pub sound: u64,
    /// Entries checked in all.
    pub entries: u64,
    /// Broken chains: the case and where.
    pub broken: Vec<(String, Break)>,
}

/// Checks the chain of every case.
pub async fn verify_all(db: &Db) -> Result<Report, sqlx::Error> {
    #[derive(sqlx::FromRow)]
    struct Head {
        id: String,
        audit_seq: i64,
        audit_head: String,
    }
    let heads: Vec<Head> =
        sqlx::query_as("SELECT id, audit_seq, audit_head FROM cases ORDER BY created_at, id")
            .fetch_all(db.pool())
            .await?;
    let mut report = Report::default();
    for head in heads {
        let all = entries(db, &head.id).await?;
        report.entries += all.len() as u64;
        match verify(&head.id, &all, head.audit_seq, &head.audit_head) {
            Ok(()) => report.sound += 1,
            Err(b) => report.broken.push((head.id, b)),
        }
    }
    Ok(report)
}

/// When an entry was written.
pub fn at(e: &Entry) -> Option<DateTime<Utc>> {
    parse_ts(&e.at)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(case: &str, n: i64) -> Vec<Entry> {
        let mut prev = genesis(case);
        (1..=n)
            .map(|seq| {
                let mut e = Entry {
                    seq,
                    at: format!("2026-12-07T10:{seq:02}:00Z"),
                    actor: "clerk:1".into(),
                    event: Event::DocumentReceived.as_str().into(),
                    detail: format!("{{\"size\":{seq}}}"),
                    hash: String::new(),
                };
                e.hash = link(&prev, case, &e);
                prev = e.hash.clone();
                e
            })
            .collect()
    }

    fn head(c: &[Entry]) -> (i64, String) {
        c.last()
            .map(|e| (e.seq, e.hash.clone()))
            .unwrap_or((0, genesis("CS_1")))
    }

    #[test]
    fn a_sound_chain_verifies_and_every_kind_of_tampering_is_found() {
        let c = chain("CS_1", 5);
        let (seq, hash) = head(&c);
        assert_eq!(verify("CS_1", &c, seq, &hash), Ok(()));
        assert_eq!(verify("CS_1", &[], 0, &genesis("CS_1")), Ok(()));
        // The same entries do not verify as another case's.
        assert!(verify("CS_2", &c, seq, &hash).is_err());

        let mut changed = c.clone();
        changed[2].detail = "{\"size\":999}".into();
        assert_eq!(
            verify("CS_1", &changed, seq, &hash),
            Err(Break::Changed { seq: 3 })
        );

        // Rewriting the changed entry's hash only moves the break to the next entry.
        changed[2].hash = link(&c[1].hash, "CS_1", &changed[2]);
        assert_eq!(
            verify("CS_1", &changed, seq, &hash),
            Err(Break::Changed { seq: 4 })
        );

        let mut gap = c.clone();
        gap.remove(1);
        assert_eq!(
            verify("CS_1", &gap, seq, &hash),
            Err(Break::Missing {
                expected: 2,
                found: 3
            })
        );

        let cut = &c[..4];
        assert_eq!(
            verify("CS_1", cut, seq, &hash),
            Err(Break::Cut { last: 4, head: 5 })
        );
    }

    #[test]
    fn fields_cannot_be_shifted_into_each_other() {
        let mut a = chain("CS_1", 1).remove(0);
        let mut b = a.clone();
        a.actor = "clerk:1".into();
        a.event = "xy".into();
        b.actor = "clerk:1x".into();
        b.event = "y".into();
        assert_ne!(link("p", "CS_1", &a), link("p", "CS_1", &b));
    }
}
