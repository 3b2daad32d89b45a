//! The case record of one appointment: opened the first time the call needs it (an upload,
//! the identity check), with its key made then.
use chrono::{DateTime, Utc};
use serde::Serialize;
use vamt_portal_core::sql::ts;
use vamt_portal_storage::secret::random_id;

use crate::audit::{self, Event};
use crate::case_key::CaseKey;
use crate::identity::IdentityCheck;
use crate::{CaseError, Cases};

/// A case's ID, `CS_` and 20 hex digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct CaseId(pub String);

impl std::fmt::Display for CaseId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Who did something to a case, as the audit log and the documents' origin name them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// The citizen of the appointment.
    Citizen,
    /// A clerk, by their account's ID.
    Clerk(i64),
    /// A guest the clerk invited (an interpreter, a colleague), by the invitation's ID.
    Guest(String),
    /// The office itself (a job).
    System,
}

impl Actor {
    /// The actor a room token's subject names: `clerk:<id>`, `guest:<invite>`, else the
    /// citizen (`citizen:<booking>`).
    pub fn from_subject(sub: &str) -> Actor {
        if let Some(id) = sub.strip_prefix("clerk:") {
            Actor::Clerk(id.parse().unwrap_or(0))
        } else if let Some(invite) = sub.strip_prefix("guest:") {
            Actor::Guest(invite.to_owned())
        } else {
            Actor::Citizen
        }
    }
}

impl std::fmt::Display for Actor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Actor::Citizen => f.write_str("citizen"),
            Actor::Clerk(id) => write!(f, "clerk:{id}"),
            Actor::Guest(invite) => write!(f, "guest:{invite}"),
            Actor::System => f.write_str("system"),
        }
    }
}

/// A case record.
#[derive(Debug, Clone)]
pub struct Case {
    /// Its ID.
    pub id: CaseId,
    /// The appointment it belongs to.
    pub booking_id: String,
    /// When it was opened.
    pub created_at: DateTime<Utc>,
    /// The identity check, once recorded.
    pub identity: Option<IdentityCheck>,
    /// When the case was erased (its key and files are gone).
    pub erased_at: Option<DateTime<Utc>>,
    wrapped_key: Option<String>,
}

#[derive(sqlx::FromRow)]
struct CaseRow {
    id: String,
    booking_id: String,
    created_at: String,
    wrapped_key: Option<String>,
    identity_method: Option<String>,
    identity_outcome: Option<String>,
    identity_checks: Option<String>,
    identity_at: Option<String>,
    erased_at: Option<String>,
}

const COLUMNS: &str = "id, booking_id, created_at, wrapped_key, identity_method, \
     identity_outcome, identity_checks, identity_at, erased_at";

impl CaseRow {
    fn into_case(self) -> Case {
        let identity = IdentityCheck::from_columns(
            self.identity_method.as_deref(),
            self.identity_outcome.as_deref(),
            self.identity_checks.as_deref(),
            self.identity_at.as_deref(),
        );
        Case {
            id: CaseId(self.id),
            booking_id: self.booking_id,
            created_at: vamt_portal_core::sql::parse_ts(&self.created_at).unwrap_or_default(),
            identity,
            erased_at: self
                .erased_at
                .as_deref()
                .and_then(vamt_portal_core::sql::parse_ts),
            wrapped_key: self.wrapped_key,
        }
    }
}

impl Case {
    /// The case's key; [`CaseError::Erased`] once erased.
    pub fn key(&self, cases: &Cases) -> Result<CaseKey, CaseError> {
        let wrapped = self.wrapped_key.as_deref().ok_or(CaseError::Erased)?;
        Ok(CaseKey::unwrap(&cases.vault, &self.id.0, wrapped)?)
    }
}

/// The case of `booking`, if it was opened.
pub async fn of_booking(cases: &Cases, booking: &str) -> Result<Option<Case>, CaseError> {
    let row: Option<CaseRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM cases WHERE booking_id = $1"
    )))
    .bind(booking)
    .fetch_optional(cases.db.pool())
    .await?;
    Ok(row.map(CaseRow::into_case))
}

/// Case `id`.
pub async fn by_id(cases: &Cases, id: &str) -> Result<Case, CaseError> {
    let row: Option<CaseRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM cases WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(cases.db.pool())
    .await?;
    row.map(CaseRow::into_case).ok_or(CaseError::NotFound)
}

/// The case of `booking`, opened now (with a fresh key and the chain's first entry) if it
/// was not. Two first steps at once open one case: the second finds the first's.
pub async fn open(cases: &Cases, booking: &str, by: &Actor) -> Result<Case, CaseError> {
    if let Some(c) = of_booking(cases, booking).await? {
        return Ok(c);
    }
    let now = cases.now();
    let id = random_id("CS_");
    let key = CaseKey::generate();
    let inserted = sqlx::query(
        "INSERT INTO cases (id, booking_id, created_at, wrapped_key, audit_seq, audit_head) \
         VALUES ($1, $2, $3, $4, 0, $5) ON CONFLICT (booking_id) DO NOTHING",
    )
    .bind(&id)
    .bind(booking)
    .bind(ts(now))
    .bind(key.wrap(&cases.vault, &id))
    .bind(audit::genesis(&id))
    .execute(cases.db.pool())
    .await?
    .rows_affected();
    if inserted == 1 {
        audit::append(
            &cases.db,
            &id,
            now,
            &by.to_string(),
            Event::Opened,
            serde_json::json!({ "booking": booking }),
        )
        .await?;
    }
    of_booking(cases, booking).await?.ok_or(CaseError::NotFound)
}

/// Erases the case: its key first (from then on nothing of it opens), then its files'
/// bytes and names. The audit log stays; it holds no personal data.
pub async fn erase(cases: &Cases, case: &Case, by: &Actor) -> Result<(), CaseError> {
    let now = cases.now();
    sqlx::query("UPDATE cases SET wrapped_key = NULL, erased_at = $1 WHERE id = $2")
        .bind(ts(now))
        .bind(&case.id.0)
        .execute(cases.db.pool())
        .await?;
    crate::document::erase_all(cases, &case.id).await?;
    audit::append(
        &cases.db,
        &case.id.0,
        now,
        &by.to_string(),
        Event::Erased,
        serde_json::json!({}),
    )
    .await?;
    Ok(())
}
