//! Delivery of the office's results: per document the clerk records how it goes out (a
//! download now, or by post) and when; a download comes with a link that expires
//! (`documents.download_days`), after which the case's files are erased
//! (`retention.rs`). The link's key is stored only hashed.
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use vamt_portal_core::sql::{parse_ts, ts};
use vamt_portal_storage::secret::{hash_token, random_token};

use crate::audit::{self, Event};
use crate::case::{Actor, Case};
use crate::document::{self, Document, Origin};
use crate::{CaseError, Cases};

/// How a result goes out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    /// The citizen downloads it (in the call, and by the mailed link until it expires).
    Download,
    /// It goes by post; the file stays in the case until the case is erased.
    Post,
}

impl Method {
    fn as_str(self) -> &'static str {
        match self {
            Method::Download => "download",
            Method::Post => "post",
        }
    }
}

/// A recorded delivery.
#[derive(Debug, Clone, Serialize)]
pub struct Delivery {
    /// The document.
    pub document_id: String,
    /// How.
    pub method: Method,
    /// When it went out.
    pub sent_at: DateTime<Utc>,
    /// Until when its link works (downloads).
    pub link_expires_at: Option<DateTime<Utc>>,
}

/// Why a delivery is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeliveryError {
    /// Only the office's own documents, whole and kept, are delivered.
    #[error("only a kept document of the office can be delivered")]
    NotDeliverable,
    /// The link is wrong or has expired.
    #[error("the link is wrong or has expired")]
    Expired,
}

/// Records that `doc` goes out by `method`; for a download, returns the link's key (to
/// mail to the citizen). Recording again replaces the earlier record and its link.
pub async fn record(
    cases: &Cases,
    case: &Case,
    doc: &Document,
    method: Method,
    by: &Actor,
) -> Result<(Delivery, Option<String>), CaseError> {
    if doc.origin != Origin::Office || doc.state != document::State::Kept {
        return Err(DeliveryError::NotDeliverable.into());
    }
    let now = cases.now();
    let (key, expires) = match method {
        Method::Download => (
            Some(random_token(24)),
            Some(now + cases.settings.download_for),
        ),
        Method::Post => (None, None),
    };
    sqlx::query("DELETE FROM case_deliveries WHERE document_id = $1")
        .bind(&doc.id.0)
        .execute(cases.db.pool())
        .await?;
    sqlx::query(
        "INSERT INTO case_deliveries (document_id, case_id, method, sent_at, link_hash, \
         link_expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&doc.id.0)
    .bind(&case.id.0)
    .bind(method.as_str())
    .bind(ts(now))
    .bind(key.as_deref().map(hash_token))
    .bind(expires.map(ts))
    .execute(cases.db.pool())
    .await?;
    audit::append(
        &cases.db,
        &case.id.0,
        now,
        &by.to_string(),
        Event::Delivered,
        serde_json::json!({ "document": doc.id.0, "method": method.as_str() }),
    )
    .await?;
    Ok((
        Delivery {
            document_id: doc.id.0.clone(),
            method,
            sent_at: now,
            link_expires_at: expires,
        },
        key,
    ))
}

/// The deliveries of `case`.
pub async fn list(cases: &Cases, case: &Case) -> Result<Vec<Delivery>, CaseError> {
    #[derive(sqlx::FromRow)]
    struct Row {
        document_id: String,
        method: String,
        sent_at: String,
        link_expires_at: Option<String>,
    }
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT document_id, method, sent_at, link_expires_at FROM case_deliveries \
         WHERE case_id = $1 ORDER BY sent_at",
    )
    .bind(&case.id.0)
    .fetch_all(cases.db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Delivery {
            document_id: r.document_id,
            method: if r.method == "post" {
                Method::Post
            } else {
                Method::Download
            },
            sent_at: parse_ts(&r.sent_at).unwrap_or_default(),
            link_expires_at: r.link_expires_at.as_deref().and_then(parse_ts),
        })
        .collect())
}

/// The document a download link names, if its key is right and it has not expired; the
/// download is recorded.
pub async fn download(
    cases: &Cases,
    doc_id: &str,
    key: &str,
) -> Result<(Document, Vec<u8>), CaseError> {
    #[derive(sqlx::FromRow)]
    struct Row {
        case_id: String,
        link_hash: Option<String>,
        link_expires_at: Option<String>,
    }
    let row: Option<Row> = sqlx::query_as(
        "SELECT case_id, link_hash, link_expires_at FROM case_deliveries WHERE document_id = $1",
    )
    .bind(doc_id)
    .fetch_optional(cases.db.pool())
    .await?;
    let now = cases.now();
    let Some(row) = row else {
        return Err(DeliveryError::Expired.into());
    };
    let right = row.link_hash.as_deref().is_some_and(|h| {
        subtle::ConstantTimeEq::ct_eq(h.as_bytes(), hash_token(key).as_bytes()).into()
    });
    let live = row
        .link_expires_at
        .as_deref()
        .and_then(parse_ts)
        .is_some_and(|until| now < until);
    if !right || !live {
        return Err(DeliveryError::Expired.into());
    }
    let case = crate::case::by_id(cases, &row.case_id).await?;
    let doc = document::find(cases, &case, doc_id).await?;
    let bytes = document::content(cases, &case, &doc, &Actor::Citizen).await?;
    Ok((doc, bytes))
}
