//! Receiving a document over HTTPS, chunk by chunk, resumable: the sender declares name,
//! size and SHA-256 ([`begin`]), sends chunks in order, each at the offset the server has
//! ([`put_chunk`]; after a dropped link it asks where to go on), and closes ([`complete`]):
//! the server checks the size, the checksum and the content's kind. A refused file leaves
//! nothing behind but an audit entry that says why.
use sha2::{Digest, Sha256};
use vamt_portal_core::sql::ts;
use vamt_portal_storage::secret::random_id;

use crate::audit::{self, Event};
use crate::case::{Actor, Case};
use crate::document::{self, chunk_context, name_context, Document, Origin, State};
use crate::kind::{FileKind, NotAccepted, HEAD, TAIL};
use crate::{CaseError, Cases};

/// The largest chunk one request may carry: 1 MiB, under the web server's default body
/// limit (2 MiB), and small enough that a phone on a bad link loses little when one fails.
pub const MAX_CHUNK: usize = 1 << 20;

/// Why an upload (or a step of it) is refused. Each has its word for the API.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The declared size is 0 or over the limit.
    #[error("the file is larger than {limit} bytes, or empty")]
    Size {
        /// The limit in bytes.
        limit: u64,
    },
    /// The declared SHA-256 is not 64 hexadecimal digits.
    #[error("the checksum must be a SHA-256 in 64 hexadecimal digits")]
    Checksum,
    /// A chunk larger than [`MAX_CHUNK`], empty, or beyond the declared size.
    #[error("a chunk must hold 1 to {MAX_CHUNK} bytes within the declared size")]
    Chunk,
    /// A chunk at another offset than where the upload stands.
    #[error("the upload stands at byte {received}; send from there")]
    Offset {
        /// Bytes received so far.
        received: i64,
    },
    /// Completed before every byte arrived.
    #[error("{received} of {size} bytes have arrived")]
    Incomplete {
        /// Bytes received.
        received: i64,
        /// Bytes declared.
        size: i64,
    },
    /// The bytes do not have the declared SHA-256: changed or cut on the way.
    #[error("the file's checksum does not match; it was changed or cut on the way")]
    Mismatch,
    /// Not a PDF, JPEG or PNG, or one cut off.
    #[error(transparent)]
    Kind(#[from] NotAccepted),
    /// The document is not in a state that allows this step.
    #[error("the document is not in a state that allows this")]
    WrongState,
}

impl Refusal {
    /// The word the API and the counters use.
    pub fn word(&self) -> &'static str {
        match self {
            Refusal::Size { .. } => "size",
            Refusal::Checksum => "checksum",
            Refusal::Chunk => "chunk",
            Refusal::Offset { .. } => "offset",
            Refusal::Incomplete { .. } => "incomplete",
            Refusal::Mismatch => "mismatch",
            Refusal::Kind(NotAccepted::Unknown) => "kind",
            Refusal::Kind(NotAccepted::Truncated(_)) => "truncated",
            Refusal::WrongState => "state",
        }
    }
}

/// What the sender declares when an upload begins.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Declared {
    /// The file's name (shown to the other side; only its last path segment is kept).
    pub name: String,
    /// Its size in bytes.
    pub size: u64,
    /// Its SHA-256, hex.
    pub sha256: String,
}

/// The file name as kept: its last path segment, without control characters, at most 200
/// characters. Browsers send a bare name; others may send a path.
pub fn clean_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or("");
    let clean: String = last.chars().filter(|c| !c.is_control()).take(200).collect();
    if clean.trim().is_empty() {
        "document".to_owned()
    } else {
        clean
    }
}

/// Begins an upload into `case` from `origin`.
pub async fn begin(
    cases: &Cases,
    case: &Case,
    origin: Origin,
    declared: &Declared,
) -> Result<Document, CaseError> {
    let limit = cases.settings.max_file_bytes;
    if declared.size == 0 || declared.size > limit {
        cases.metrics.refused.with_label_values(&["size"]).inc();
        return Err(Refusal::Size { limit }.into());
    }
    let sha = declared.sha256.to_ascii_lowercase();
    if sha.len() != 64 || !sha.bytes().all(|b| b.is_ascii_hexdigit()) {
        cases.metrics.refused.with_label_values(&["checksum"]).inc();
        return Err(Refusal::Checksum.into());
    }
    let key = case.key(cases)?;
    let id = random_id("DC_");
    sqlx::query(
        "INSERT INTO case_documents (id, case_id, origin, state, sealed_name, size, sha256, \
         received, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $8)",
    )
    .bind(&id)
    .bind(&case.id.0)
    .bind(origin.as_str())
    .bind(State::Uploading.as_str())
    .bind(key.seal_text(&name_context(&id), &clean_name(&declared.name)))
    .bind(declared.size as i64)
    .bind(&sha)
    .bind(ts(cases.now()))
    .execute(cases.db.pool())
    .await?;
    document::find(cases, case, &id).await
}

/// Stores `bytes` at offset `start` of upload `doc`; returns the bytes received now. A
/// chunk sent again after its answer was lost (same offset, same length, already stored)
/// is answered as received, so a retry is harmless.
pub async fn put_chunk(
    cases: &Cases,
    case: &Case,
    doc: &Document,
    start: i64,
    bytes: &[u8],
) -> Result<i64, CaseError> {
    if doc.state != State::Uploading {
        return Err(Refusal::WrongState.into());
    }
    let len = bytes.len() as i64;
    if bytes.is_empty() || bytes.len() > MAX_CHUNK || start < 0 || start + len > doc.size {
        cases.metrics.refused.with_label_values(&["chunk"]).inc();
        return Err(Refusal::Chunk.into());
    }
    if start != doc.received {
        let again: Option<i64> = sqlx::query_scalar(
            "SELECT len FROM case_document_chunks WHERE document_id = $1 AND start_at = $2",
        )
        .bind(&doc.id.0)
        .bind(start)
        .fetch_optional(cases.db.pool())
        .await?;
        if again == Some(len) {
            return Ok(doc.received);
        }
        return Err(Refusal::Offset {
            received: doc.received,
        }
        .into());
    }
    let key = case.key(cases)?;
    let mut tx = cases.db.begin().await?;
    let moved = sqlx::query(
        "UPDATE case_documents SET received = received + $1 WHERE id = $2 AND received = $3 \
         AND state = 'uploading'",
    )
    .bind(len)
    .bind(&doc.id.0)
    .bind(start)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if moved == 0 {
        // Another request stored this offset first.
        tx.rollback().await?;
        let now = document::find(cases, case, &doc.id.0).await?;
        return Err(Refusal::Offset {
            received: now.received,
        }
        .into());
    }
    insert_chunk(&mut tx, &key, &doc.id.0, start, bytes).await?;
    tx.commit().await?;
    cases.metrics.bytes_received.inc_by(len as u64);
    Ok(start + len)
}

/// Closes upload `doc`: every byte there, the declared checksum, a PDF, JPEG or PNG whole.
/// A file refused here is deleted at once (nothing of it stays) and the refusal recorded.
pub async fn complete(
    cases: &Cases,
    case: &Case,
    doc: &Document,
    by: &Actor,
) -> Result<Document, CaseError> {
    if doc.state != State::Uploading {
        return if doc.state == State::Received || doc.state == State::Kept {
            Ok(doc.clone())
        } else {
            Err(Refusal::WrongState.into())
        };
    }
    if doc.received != doc.size {
        return Err(Refusal::Incomplete {
            received: doc.received,
            size: doc.size,
        }
        .into());
    }
    let key = case.key(cases)?;
    let bytes = document::read_chunks(cases, &key, &doc.id.0).await?;
    let verdict = if hex::encode(Sha256::digest(&bytes)) != doc.sha256 {
        Err(Refusal::Mismatch)
    } else {
        let head = &bytes[..bytes.len().min(HEAD)];
        let tail = &bytes[bytes.len().saturating_sub(TAIL)..];
        FileKind::sniff(head, tail).map_err(Refusal::Kind)
    };
    let now = cases.now();
    let kind = match verdict {
        Ok(kind) => kind,
        Err(refusal) => {
            delete(cases, &doc.id.0).await?;
            cases
                .metrics
                .refused
                .with_label_values(&[refusal.word()])
                .inc();
            audit::append(
                &cases.db,
                &case.id.0,
                now,
                &by.to_string(),
                Event::UploadRefused,
                serde_json::json!({ "reason": refusal.word(), "size": doc.size }),
            )
            .await?;
            return Err(refusal.into());
        }
    };
    sqlx::query("UPDATE case_documents SET kind = $1 WHERE id = $2")
        .bind(kind.as_str())
        .bind(&doc.id.0)
        .execute(cases.db.pool())
        .await?;
    if !document::transition(cases, &doc.id.0, State::Received, now).await? {
        return Err(Refusal::WrongState.into());
    }
    audit::append(
        &cases.db,
        &case.id.0,
        now,
        &by.to_string(),
        Event::DocumentReceived,
        serde_json::json!({
            "document": doc.id.0,
            "origin": doc.origin.as_str(),
            "kind": kind.as_str(),
            "size": doc.size,
            "sha256": doc.sha256,
        }),
    )
    .await?;
    cases
        .metrics
        .received
        .with_label_values(&[kind.as_str()])
        .inc();
    document::find(cases, case, &doc.id.0).await
}

/// Stores whole `bytes` the office made (a signed or sealed document) into `case` as
/// `state`, chunk by chunk like an upload, and records its arrival.
pub async fn store(
    cases: &Cases,
    case: &Case,
    origin: Origin,
    name: &str,
    bytes: &[u8],
    state: State,
) -> Result<Document, CaseError> {
    let head = &bytes[..bytes.len().min(HEAD)];
    let tail = &bytes[bytes.len().saturating_sub(TAIL)..];
    let kind = FileKind::sniff(head, tail).map_err(Refusal::Kind)?;
    let key = case.key(cases)?;
    let id = random_id("DC_");
    let now = cases.now();
    let mut tx = cases.db.begin().await?;
    sqlx::query(
        "INSERT INTO case_documents (id, case_id, origin, state, kind, sealed_name, size, \
         sha256, received, created_at, completed_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $7, $9, $9)",
    )
    .bind(&id)
    .bind(&case.id.0)
    .bind(origin.as_str())
    .bind(state.as_str())
    .bind(kind.as_str())
    .bind(key.seal_text(&name_context(&id), &clean_name(name)))
    .bind(bytes.len() as i64)
    .bind(hex::encode(Sha256::digest(bytes)))
    .bind(ts(now))
    .execute(&mut *tx)
    .await?;
    for (i, chunk) in bytes.chunks(MAX_CHUNK).enumerate() {
        insert_chunk(&mut tx, &key, &id, (i * MAX_CHUNK) as i64, chunk).await?;
    }
    tx.commit().await?;
    document::find(cases, case, &id).await
}

/// Stores `bytes` at offset `start` of document `doc`, sealed under the case's `key` for
/// that place (a chunk moved to another offset or document does not open).
async fn insert_chunk(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    key: &crate::case_key::CaseKey,
    doc: &str,
    start: i64,
    bytes: &[u8],
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO case_document_chunks (document_id, start_at, len, data) VALUES ($1, $2, $3, $4)",
    )
    .bind(doc)
    .bind(start)
    .bind(bytes.len() as i64)
    .bind(key.seal(&chunk_context(doc, start), bytes))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Deletes an upload and its chunks.
async fn delete(cases: &Cases, doc: &str) -> Result<(), CaseError> {
    sqlx::query("DELETE FROM case_document_chunks WHERE document_id = $1")
        .bind(doc)
        .execute(cases.db.pool())
        .await?;
    sqlx::query("DELETE FROM case_documents WHERE id = $1")
        .bind(doc)
        .execute(cases.db.pool())
        .await?;
    Ok(())
}

/// Deletes uploads that began before `before` and never completed (a sender that went
/// away); returns how many.
pub async fn abandon_stale(
    cases: &Cases,
    before: chrono::DateTime<chrono::Utc>,
) -> Result<u64, CaseError> {
    let stale: Vec<String> = sqlx::query_scalar(
        "SELECT id FROM case_documents WHERE state = 'uploading' AND created_at < $1",
    )
    .bind(ts(before))
    .fetch_all(cases.db.pool())
    .await?;
    for id in &stale {
        delete(cases, id).await?;
    }
    Ok(stale.len() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_keep_their_last_segment_without_control_characters() {
        assert_eq!(clean_name("C:\\Users\\x\\Antrag.pdf"), "Antrag.pdf");
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("a\u{0}b\nc.png"), "abc.png");
        assert_eq!(clean_name("/"), "document");
        assert_eq!(clean_name(&"x".repeat(500)).chars().count(), 200);
    }

    #[test]
    fn every_refusal_has_its_own_word() {
        let all = [
            Refusal::Size { limit: 1 },
            Refusal::Checksum,
            Refusal::Chunk,
            Refusal::Offset { received: 0 },
            Refusal::Incomplete {
                received: 0,
                size: 1,
            },
            Refusal::Mismatch,
            Refusal::Kind(NotAccepted::Unknown),
            Refusal::Kind(NotAccepted::Truncated(FileKind::Pdf)),
            Refusal::WrongState,
        ];
        let mut words: Vec<&str> = all.iter().map(Refusal::word).collect();
        words.sort();
        words.dedup();
        assert_eq!(words.len(), all.len());
    }
}
