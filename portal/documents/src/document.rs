//! The documents of a case: from the citizen or from the office, received whole (by
//! `intake`), kept or discarded by the clerk, fetched by either side.
use chrono::{DateTime, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};
use vamt_portal_core::sql::{parse_ts, ts};

use crate::audit::{self, Event};
use crate::case::{Actor, Case, CaseId};
use crate::case_key::CaseKey;
use crate::kind::FileKind;
use crate::{CaseError, Cases};

/// A document's ID, `DC_` and 20 hex digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct DocumentId(pub String);

impl std::fmt::Display for DocumentId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Who handed the document over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    /// The citizen uploaded it.
    Citizen,
    /// The office (a clerk) did.
    Office,
}

impl Origin {
    /// The stored word.
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::Citizen => "citizen",
            Origin::Office => "office",
        }
    }

    fn parse(word: &str) -> Option<Origin> {
        Some(match word {
            "citizen" => Origin::Citizen,
            "office" => Origin::Office,
            _ => return None,
        })
    }
}

/// Where a document stands, stored as its word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    /// Chunks are arriving.
    Uploading,
    /// Arrived whole and checked; the clerk has not decided yet.
    Received,
    /// The clerk keeps it in the case.
    Kept,
    /// The clerk discarded it; its bytes are gone.
    Discarded,
    /// Erased with the case.
    Erased,
}

impl State {
    /// The stored word.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Uploading => "uploading",
            State::Received => "received",
            State::Kept => "kept",
            State::Discarded => "discarded",
            State::Erased => "erased",
        }
    }

    fn parse(word: &str) -> Option<State> {
        Some(match word {
            "uploading" => State::Uploading,
            "received" => State::Received,
            "kept" => State::Kept,
            "discarded" => State::Discarded,
            "erased" => State::Erased,
            _ => return None,
        })
    }

    /// The states a document may come to this one from: the one list of allowed moves.
    pub fn comes_from(self) -> &'static [State] {
        match self {
            State::Uploading => &[],
            State::Received => &[State::Uploading],
            State::Kept => &[State::Received],
            State::Discarded => &[State::Received, State::Kept],
            State::Erased => &[
                State::Uploading,
                State::Received,
                State::Kept,
                State::Discarded,
            ],
        }
    }

    /// Whether its bytes can be fetched.
    pub fn has_content(self) -> bool {
        matches!(self, State::Received | State::Kept)
    }
}

/// A document as both sides see it.
#[derive(Debug, Clone, Serialize)]
pub struct Document {
    /// Its ID.
    pub id: DocumentId,
    /// Its case.
    #[serde(skip)]
    pub case_id: CaseId,
    /// Who handed it over.
    pub origin: Origin,
    /// Where it stands.
    pub state: State,
    /// What it is, once received whole.
    pub kind: Option<FileKind>,
    /// Its file name as given (opened with the case key).
    pub name: String,
    /// Its size in bytes, as declared when the upload began.
    pub size: i64,
    /// Its SHA-256 (hex), as declared and then checked.
    pub sha256: String,
    /// Bytes received so far: where a resumed upload goes on.
    pub received: i64,
    /// When the upload began.
    pub created_at: DateTime<Utc>,
    /// Shown to the call's guests (an interpreter) by the clerk; they see no other.
    pub shared_with_guests: bool,
}

#[derive(sqlx::FromRow)]
pub(crate) struct DocumentRow {
    id: String,
    case_id: String,
    origin: String,
    state: String,
    kind: Option<String>,
    sealed_name: String,
    size: i64,
    sha256: String,
    received: i64,
    created_at: String,
    shared_with_guests: i64,
}

pub(crate) const COLUMNS: &str =
    "id, case_id, origin, state, kind, sealed_name, size, sha256, received, created_at, \
     shared_with_guests";

impl DocumentRow {
    pub(crate) fn open(self, key: &CaseKey) -> Document {
        // A name that does not open (never, short of a changed row) is shown as its ID.
        let name = key
            .open_text(&name_context(&self.id), &self.sealed_name)
            .unwrap_or_else(|_| self.id.clone());
        Document {
            id: DocumentId(self.id),
            case_id: CaseId(self.case_id),
            origin: Origin::parse(&self.origin).unwrap_or(Origin::Citizen),
            state: State::parse(&self.state).unwrap_or(State::Erased),
            kind: self.kind.as_deref().and_then(FileKind::parse),
            name,
            size: self.size,
            sha256: self.sha256,
            received: self.received,
            created_at: parse_ts(&self.created_at).unwrap_or_default(),
            shared_with_guests: self.shared_with_guests != 0,
        }
    }
}

pub(crate) fn name_context(doc: &str) -> String {
    format!("case_documents.name:{doc}")
}

pub(crate) fn chunk_context(doc: &str, start: i64) -> String {
    format!("case_document_chunks:{doc}:{start}")
}

/// The documents of `case`, oldest first.
pub async fn list(cases: &Cases, case: &Case) -> Result<Vec<Document>, CaseError> {
    let key = case.key(cases)?;
    let rows: Vec<DocumentRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM case_documents WHERE case_id = $1 ORDER BY created_at, id"
    )))
    .bind(&case.id.0)
    .fetch_all(cases.db.pool())
    .await?;
    Ok(rows.into_iter().map(|r| r.open(&key)).collect())
}

/// Document `id` of `case`.
pub async fn find(cases: &Cases, case: &Case, id: &str) -> Result<Document, CaseError> {
    let key = case.key(cases)?;
    let row: Option<DocumentRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM case_documents WHERE id = $1 AND case_id = $2"
    )))
    .bind(id)
    .bind(&case.id.0)
    .fetch_optional(cases.db.pool())
    .await?;
    row.map(|r| r.open(&key)).ok_or(CaseError::NotFound)
}

/// The bytes of `doc`, opened chunk by chunk and checked against its SHA-256; fetching is
/// recorded in the audit log.
pub async fn content(
    cases: &Cases,
    case: &Case,
    doc: &Document,
    by: &Actor,
) -> Result<Vec<u8>, CaseError> {
    if !doc.state.has_content() {
        return Err(CaseError::NotFound);
    }
    let key = case.key(cases)?;
    let bytes = read_chunks(cases, &key, &doc.id.0).await?;
    if hex::encode(Sha256::digest(&bytes)) != doc.sha256 {
        // Each chunk opened, so each is as written; a missing one changes the whole.
        return Err(CaseError::Sealed);
    }
    audit::append(
        &cases.db,
        &case.id.0,
        cases.now(),
        &by.to_string(),
        Event::Downloaded,
        serde_json::json!({ "document": doc.id.0 }),
    )
    .await?;
    Ok(bytes)
}

pub(crate) async fn read_chunks(
    cases: &Cases,
    key: &CaseKey,
    doc: &str,
) -> Result<Vec<u8>, CaseError> {
    #[derive(sqlx::FromRow)]
    struct Chunk {
        start_at: i64,
        data: Vec<u8>,
    }
    let chunks: Vec<Chunk> = sqlx::query_as(
        "SELECT start_at, data FROM case_document_chunks WHERE document_id = $1 ORDER BY start_at",
    )
    .bind(doc)
    .fetch_all(cases.db.pool())
    .await?;
    let mut out = Vec::new();
    for c in chunks {
        if c.start_at != out.len() as i64 {
            return Err(CaseError::Sealed);
        }
        out.extend(key.open(&chunk_context(doc, c.start_at), &c.data)?);
    }
    Ok(out)
}

/// Moves `doc` to `to` if that is an allowed move from where it stands now; false if not.
pub(crate) async fn transition(
    cases: &Cases,
    doc: &str,
    to: State,
    now: DateTime<Utc>,
) -> Result<bool, CaseError> {
    let from: Vec<String> = to
        .comes_from()
        .iter()
        .map(|s| format!("'{}'", s.as_str()))
        .collect();
    if from.is_empty() {
        return Ok(false);
    }
    let done = sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE case_documents SET state = $1, completed_at = COALESCE(completed_at, $2) \
         WHERE id = $3 AND state IN ({})",
        from.join(", ")
    )))
    .bind(to.as_str())
    .bind(ts(now))
    .bind(doc)
    .execute(cases.db.pool())
    .await?
    .rows_affected();
    Ok(done == 1)
}

/// What the clerk decides about a received document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Keep it in the case.
    Keep,
    /// Discard it: its bytes are erased now.
    Discard,
}

/// The clerk's decision on `doc`. A document kept may still be discarded; one discarded
/// stays so.
pub async fn decide(
    cases: &Cases,
    case: &Case,
    doc: &Document,
    decision: Decision,
    by: &Actor,
) -> Result<Document, CaseError> {
    let now = cases.now();
    let (to, event) = match decision {
        Decision::Keep => (State::Kept, Event::DocumentKept),
        Decision::Discard => (State::Discarded, Event::DocumentDiscarded),
    };
    if doc.state == to {
        return Ok(doc.clone());
    }
    if !transition(cases, &doc.id.0, to, now).await? {
        return Err(CaseError::Refused(crate::intake::Refusal::WrongState));
    }
    if to == State::Discarded {
        sqlx::query("DELETE FROM case_document_chunks WHERE document_id = $1")
            .bind(&doc.id.0)
            .execute(cases.db.pool())
            .await?;
    }
    audit::append(
        &cases.db,
        &case.id.0,
        now,
        &by.to_string(),
        event,
        serde_json::json!({ "document": doc.id.0 }),
    )
    .await?;
    find(cases, case, &doc.id.0).await
}

/// Shows `doc` to the call's guests, or stops showing it. Only a document with content can
/// be shared; the audit log says who shared what and when.
pub async fn share(
    cases: &Cases,
    case: &Case,
    doc: &Document,
    shared: bool,
    by: &Actor,
) -> Result<Document, CaseError> {
    if shared && !doc.state.has_content() {
        return Err(CaseError::Refused(crate::intake::Refusal::WrongState));
    }
    if doc.shared_with_guests == shared {
        return Ok(doc.clone());
    }
    sqlx::query("UPDATE case_documents SET shared_with_guests = $1 WHERE id = $2")
        .bind(i64::from(shared))
        .bind(&doc.id.0)
        .execute(cases.db.pool())
        .await?;
    audit::append(
        &cases.db,
        &case.id.0,
        cases.now(),
        &by.to_string(),
        Event::DocumentShared,
        serde_json::json!({ "document": doc.id.0, "shared": shared }),
    )
    .await?;
    find(cases, case, &doc.id.0).await
}

/// Erases every document's bytes and name of `case` (with the case).
pub(crate) async fn erase_all(cases: &Cases, case: &CaseId) -> Result<(), CaseError> {
    sqlx::query(
        "DELETE FROM case_document_chunks WHERE document_id IN \
         (SELECT id FROM case_documents WHERE case_id = $1)",
    )
    .bind(&case.0)
    .execute(cases.db.pool())
    .await?;
    sqlx::query("UPDATE case_documents SET state = 'erased', sealed_name = '' WHERE case_id = $1")
        .bind(&case.0)
        .execute(cases.db.pool())
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_round_trip_and_only_listed_moves_exist() {
        let all = [
            State::Uploading,
            State::Received,
            State::Kept,
            State::Discarded,
            State::Erased,
        ];
        for s in all {
            assert_eq!(State::parse(s.as_str()), Some(s));
            assert!(!s.comes_from().contains(&s), "{s:?} to itself");
        }
        assert!(!State::Received.comes_from().contains(&State::Discarded));
        assert!(!State::Kept.comes_from().contains(&State::Uploading));
        assert!(State::Kept.has_content() && !State::Discarded.has_content());
    }
}
