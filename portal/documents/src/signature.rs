//! Signatures: the clerk asks the citizen to sign a PDF of the case; the citizen reads it,
//! confirms having read it, and signs, with pen, touch or mouse on a signature pad (the
//! strokes) or with a TAN sent to the booking's e-mail address. The signed document is the
//! PDF with a page added: the signature, who, when, how, and the SHA-256 of the document
//! before signing; then sealed with the authority's key when one is configured.
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use vamt_portal_core::sql::{parse_ts, ts};
use vamt_portal_storage::secret::random_id;

use crate::audit::{self, Event};
use crate::case::{Actor, Case};
use crate::document::{self, Document, Origin, State as DocState};
use crate::kind::FileKind;
use crate::{CaseError, Cases};

/// How long a TAN may be used.
pub const TAN_VALIDITY: chrono::Duration = chrono::Duration::minutes(10);
/// Wrong TANs before the TAN is spent (a new one must be sent).
pub const TAN_ATTEMPTS: i64 = 5;
/// A signature's strokes: at most this many points in all, so a signature stays a
/// signature (a fast hand writes a few hundred).
pub const MAX_POINTS: usize = 5000;

/// Where a signature request stands, as its stored word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    /// The clerk asked; the citizen has not signed.
    Requested,
    /// Signed; the signed document is in the case.
    Signed,
    /// The clerk withdrew the request.
    Withdrawn,
}

impl State {
    fn as_str(self) -> &'static str {
        match self {
            State::Requested => "requested",
            State::Signed => "signed",
            State::Withdrawn => "withdrawn",
        }
    }

    fn parse(word: &str) -> Option<State> {
        Some(match word {
            "requested" => State::Requested,
            "signed" => State::Signed,
            "withdrawn" => State::Withdrawn,
            _ => return None,
        })
    }
}

/// How the citizen signs.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "method", rename_all = "lowercase", deny_unknown_fields)]
pub enum How {
    /// Drawn on the signature pad: strokes of points in the unit square (0,0 top left).
    Drawn {
        /// Each stroke's points.
        strokes: Vec<Vec<[f32; 2]>>,
    },
    /// The TAN from the e-mail.
    Tan {
        /// The six digits.
        tan: String,
    },
}

impl How {
    fn word(&self) -> &'static str {
        match self {
            How::Drawn { .. } => "drawn",
            How::Tan { .. } => "tan",
        }
    }
}

/// A signature request.
#[derive(Debug, Clone, Serialize)]
pub struct Signature {
    /// `SG_…`
    pub id: String,
    /// The document to sign.
    pub document_id: String,
    /// Where it stands.
    pub state: State,
    /// `drawn` or `tan`, once signed.
    pub method: Option<String>,
    /// SHA-256 (hex) of the document as asked to sign.
    pub sha256_before: String,
    /// When the citizen confirmed having read it.
    pub read_at: Option<DateTime<Utc>>,
    /// When it was signed.
    pub signed_at: Option<DateTime<Utc>>,
    /// The signed (and sealed) document, once signed.
    pub signed_document_id: Option<String>,
}

#[derive(sqlx::FromRow)]
struct SignatureRow {
    id: String,
    document_id: String,
    state: String,
    method: Option<String>,
    sha256_before: String,
    tan_hash: Option<String>,
    tan_expires_at: Option<String>,
    tan_attempts: i64,
    read_at: Option<String>,
    signed_at: Option<String>,
    signed_document_id: Option<String>,
}

const COLUMNS: &str = "id, document_id, state, method, sha256_before, tan_hash, \
     tan_expires_at, tan_attempts, read_at, signed_at, signed_document_id";

impl SignatureRow {
    fn public(&self) -> Signature {
        Signature {
            id: self.id.clone(),
            document_id: self.document_id.clone(),
            state: State::parse(&self.state).unwrap_or(State::Withdrawn),
            method: self.method.clone(),
            sha256_before: self.sha256_before.clone(),
            read_at: self.read_at.as_deref().and_then(parse_ts),
            signed_at: self.signed_at.as_deref().and_then(parse_ts),
            signed_document_id: self.signed_document_id.clone(),
        }
    }
}

/// Why a signing step is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignError {
    /// Only a whole PDF can be signed.
    #[error("only a received PDF can be signed")]
    NotAPdf,
    /// Not asked, signed already, or withdrawn.
    #[error("this signature is not waiting to be given")]
    NotRequested,
    /// The citizen has not confirmed having read the document.
    #[error("the document must be read (and that confirmed) before it is signed")]
    NotRead,
    /// Strokes outside the pad, none, or too many points.
    #[error("the signature drawing is empty or not within the pad")]
    BadDrawing,
    /// No TAN sent, expired, spent or wrong.
    #[error("the TAN is wrong or no longer valid")]
    BadTan,
    /// The document changed since the signature was asked for.
    #[error("the document is not the one the signature was asked for")]
    Changed,
    /// The PDF could not be stamped or sealed.
    #[error("the signed document could not be made: {0}")]
    Pdf(String),
}

/// The signature requests of `case`, oldest first.
pub async fn list(cases: &Cases, case: &Case) -> Result<Vec<Signature>, CaseError> {
    let rows: Vec<SignatureRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM case_signatures WHERE case_id = $1 ORDER BY requested_at, id"
    )))
    .bind(&case.id.0)
    .fetch_all(cases.db.pool())
    .await?;
    Ok(rows.iter().map(SignatureRow::public).collect())
}

async fn row(cases: &Cases, case: &Case, id: &str) -> Result<SignatureRow, CaseError> {
    let row: Option<SignatureRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM case_signatures WHERE id = $1 AND case_id = $2"
    )))
    .bind(id)
    .bind(&case.id.0)
    .fetch_optional(cases.db.pool())
    .await?;
    row.ok_or(CaseError::NotFound)
}

/// Signature request `id` of `case` while it waits to be given; refused once signed or
/// withdrawn.
async fn pending(cases: &Cases, case: &Case, id: &str) -> Result<SignatureRow, CaseError> {
    let r = row(cases, case, id).await?;
    if State::parse(&r.state) != Some(State::Requested) {
        return Err(SignError::NotRequested.into());
    }
    Ok(r)
}

/// Signature `id` of `case`.
pub async fn find(cases: &Cases, case: &Case, id: &str) -> Result<Signature, CaseError> {
    Ok(row(cases, case, id).await?.public())
}

/// The clerk asks the citizen to sign `doc` (a whole PDF of the case).
pub async fn request(
    cases: &Cases,
    case: &Case,
    doc: &Document,
    by: &Actor,
) -> Result<Signature, CaseError> {
    if doc.kind != Some(FileKind::Pdf) || !doc.state.has_content() {
        return Err(SignError::NotAPdf.into());
    }
    let now = cases.now();
    let id = random_id("SG_");
    sqlx::query(
        "INSERT INTO case_signatures (id, case_id, document_id, state, sha256_before, \
         tan_attempts, requested_at) VALUES ($1, $2, $3, $4, $5, 0, $6)",
    )
    .bind(&id)
    .bind(&case.id.0)
    .bind(&doc.id.0)
    .bind(State::Requested.as_str())
    .bind(&doc.sha256)
    .bind(ts(now))
    .execute(cases.db.pool())
    .await?;
    audit::append(
        &cases.db,
        &case.id.0,
        now,
        &by.to_string(),
        Event::SignatureRequested,
        serde_json::json!({ "signature": id, "document": doc.id.0, "sha256": doc.sha256 }),
    )
    .await?;
    find(cases, case, &id).await
}

/// The citizen confirms having read the document to sign.
pub async fn confirm_read(
    cases: &Cases,
    case: &Case,
    id: &str,
    by: &Actor,
) -> Result<Signature, CaseError> {
    let r = pending(cases, case, id).await?;
    if r.read_at.is_none() {
        let now = cases.now();
        sqlx::query("UPDATE case_signatures SET read_at = $1 WHERE id = $2")
            .bind(ts(now))
            .bind(id)
            .execute(cases.db.pool())
            .await?;
        audit::append(
            &cases.db,
            &case.id.0,
            now,
            &by.to_string(),
            Event::DocumentRead,
            serde_json::json!({ "signature": id, "document": r.document_id }),
        )
        .await?;
    }
    find(cases, case, id).await
}

fn tan_hash(signature: &str, tan: &str) -> String {
    hex::encode(
        Sha256::new()
            .chain_update(b"vamt tan v1\0")
            .chain_update(signature.as_bytes())
            .chain_update(b"\0")
            .chain_update(tan.as_bytes())
            .finalize(),
    )
}

/// A fresh TAN for signature `id` (the caller mails it to the booking's address; it is
/// stored only hashed). A new TAN replaces the last one.
pub async fn issue_tan(
    cases: &Cases,
    case: &Case,
    id: &str,
    by: &Actor,
) -> Result<String, CaseError> {
    use rand::Rng;
    pending(cases, case, id).await?;
    let tan = format!("{:06}", rand::rng().random_range(0..1_000_000u32));
    let now = cases.now();
    sqlx::query(
        "UPDATE case_signatures SET tan_hash = $1, tan_expires_at = $2, tan_attempts = 0 \
         WHERE id = $3",
    )
    .bind(tan_hash(id, &tan))
    .bind(ts(now + TAN_VALIDITY))
    .bind(id)
    .execute(cases.db.pool())
    .await?;
    audit::append(
        &cases.db,
        &case.id.0,
        now,
        &by.to_string(),
        Event::TanSent,
        serde_json::json!({ "signature": id }),
    )
    .await?;
    Ok(tan)
}

/// Checks a drawing: some strokes, every point on the pad, not too many points.
fn check_drawing(strokes: &[Vec<[f32; 2]>]) -> Result<(), SignError> {
    let points: usize = strokes.iter().map(Vec::len).sum();
    let on_pad = strokes
        .iter()
        .flatten()
        .all(|[x, y]| (0.0..=1.0).contains(x) && (0.0..=1.0).contains(y));
    if !(2..=MAX_POINTS).contains(&points) || !on_pad {
        return Err(SignError::BadDrawing);
    }
    Ok(())
}

/// What the signature page says, in the citizen's language (the caller translates).
pub struct Wording {
    /// The signer's name as the booking has it.
    pub signer: String,
    /// The page's lines: signer, time, method, the document's SHA-256 before signing.
    pub lines: Vec<String>,
    /// The signed document's file name.
    pub file_name: String,
}

/// The citizen signs signature `id` as `how`; the signed document (the PDF with its
/// signature page, sealed when the office has a seal) goes into the case, kept. A wrong TAN
/// counts against [`TAN_ATTEMPTS`].
pub async fn sign(
    cases: &Cases,
    case: &Case,
    id: &str,
    how: &How,
    wording: &Wording,
    by: &Actor,
) -> Result<(Signature, Document), CaseError> {
    let r = pending(cases, case, id).await?;
    if r.read_at.is_none() {
        return Err(SignError::NotRead.into());
    }
    let now = cases.now();
    match how {
        How::Drawn { strokes } => check_drawing(strokes)?,
        How::Tan { tan } => {
            let live = r
                .tan_expires_at
                .as_deref()
                .and_then(parse_ts)
                .is_some_and(|until| now < until);
            if !live || r.tan_attempts >= TAN_ATTEMPTS {
                return Err(SignError::BadTan.into());
            }
            let given = tan_hash(id, tan.trim());
            let matches = r
                .tan_hash
                .as_deref()
                .is_some_and(|h| bool::from(h.as_bytes().ct_eq(given.as_bytes())));
            if !matches {
                sqlx::query(
                    "UPDATE case_signatures SET tan_attempts = tan_attempts + 1 WHERE id = $1",
                )
                .bind(id)
                .execute(cases.db.pool())
                .await?;
                return Err(SignError::BadTan.into());
            }
        }
    }
    let doc = document::find(cases, case, &r.document_id).await?;
    if doc.sha256 != r.sha256_before || !doc.state.has_content() {
        return Err(SignError::Changed.into());
    }
    let key = case.key(cases)?;
    let original = document::read_chunks(cases, &key, &doc.id.0).await?;
    let method = match how {
        How::Drawn { strokes } => vamt_pdf::SignatureMethod::Drawn {
            strokes: strokes
                .iter()
                .map(|s| s.iter().map(|[x, y]| (*x, *y)).collect())
                .collect(),
        },
        How::Tan { .. } => vamt_pdf::SignatureMethod::Tan,
    };
    let record = vamt_pdf::SignatureRecord {
        signer: wording.signer.clone(),
        at: now,
        method,
        sha256_before: r.sha256_before.clone(),
        lines: wording.lines.clone(),
    };
    let signed = vamt_pdf::append_signature_page(&original, &record)
        .map_err(|e| SignError::Pdf(e.to_string()))?;
    let (bytes, sealed) = match cases.sealer.get() {
        Some(sealer) => (
            vamt_pdf::seal(&signed, sealer, now, "Signed in a video consultation")
                .map_err(|e| SignError::Pdf(e.to_string()))?,
            true,
        ),
        None => (signed, false),
    };
    let out = crate::intake::store(
        cases,
        case,
        Origin::Office,
        &wording.file_name,
        &bytes,
        DocState::Kept,
    )
    .await?;
    // The request is spent whatever happens next: one signature, one signed document.
    let done = sqlx::query(
        "UPDATE case_signatures SET state = 'signed', method = $1, signed_at = $2, \
         signed_document_id = $3, tan_hash = NULL WHERE id = $4 AND state = 'requested'",
    )
    .bind(how.word())
    .bind(ts(now))
    .bind(&out.id.0)
    .bind(id)
    .execute(cases.db.pool())
    .await?
    .rows_affected();
    if done == 0 {
        return Err(SignError::NotRequested.into());
    }
    audit::append(
        &cases.db,
        &case.id.0,
        now,
        &by.to_string(),
        Event::DocumentSigned,
        serde_json::json!({
            "signature": id,
            "document": doc.id.0,
            "method": how.word(),
            "sha256_before": r.sha256_before,
            "signed_document": out.id.0,
            "sha256_signed": out.sha256,
        }),
    )
    .await?;
    if sealed {
        audit::append(
            &cases.db,
            &case.id.0,
            now,
            &Actor::System.to_string(),
            Event::DocumentSealed,
            serde_json::json!({ "document": out.id.0, "sha256": out.sha256 }),
        )
        .await?;
    }
    Ok((find(cases, case, id).await?, out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_drawing_must_be_on_the_pad_and_of_a_signatures_size() {
        assert_eq!(check_drawing(&[vec![[0.1, 0.2], [0.5, 0.6]]]), Ok(()));
        assert_eq!(check_drawing(&[]), Err(SignError::BadDrawing));
        assert_eq!(
            check_drawing(&[vec![[0.1, 0.2]]]),
            Err(SignError::BadDrawing)
        );
        assert_eq!(
            check_drawing(&[vec![[0.1, 0.2], [1.5, 0.6]]]),
            Err(SignError::BadDrawing)
        );
        assert_eq!(
            check_drawing(&[vec![[f32::NAN, 0.2], [0.5, 0.6]]]),
            Err(SignError::BadDrawing)
        );
        assert_eq!(
            check_drawing(&[vec![[0.5, 0.5]; MAX_POINTS + 1]]),
            Err(SignError::BadDrawing)
        );
    }

    #[test]
    fn a_tan_hash_is_bound_to_its_signature() {
        assert_ne!(tan_hash("SG_1", "123456"), tan_hash("SG_2", "123456"));
        assert_ne!(tan_hash("SG_1", "123456"), tan_hash("SG_1", "123457"));
    }

    #[test]
    fn the_wire_form_of_how_refuses_unknown_fields() {
        let drawn: How =
            serde_json::from_str(r#"{"method":"drawn","strokes":[[[0.1,0.2],[0.3,0.4]]]}"#)
                .expect("drawn");
        assert!(matches!(drawn, How::Drawn { .. }));
        assert!(serde_json::from_str::<How>(r#"{"method":"tan","tan":"1","x":1}"#).is_err());
        assert!(serde_json::from_str::<How>(r#"{"method":"ink"}"#).is_err());
    }
}
