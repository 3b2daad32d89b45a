//! The case record's retention job: uploads nobody finished are deleted once their sender
//! had `documents.resume_hours` to resume them (a phone that went away leaves no half file
//! behind for ever), and a case's files and key are erased once its last download link
//! has expired (or, without one, `documents.download_days` after the case was opened).
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use crate::{intake, CaseError, Cases};

/// How often the job runs.
pub const INTERVAL: Duration = Duration::from_secs(3600);

/// Deletes what is due now; returns how many uploads were deleted.
pub async fn run_once(cases: &Cases) -> Result<u64, CaseError> {
    let now = cases.now();
    let n = intake::abandon_stale(cases, now - cases.settings.resume_for).await?;
    if n > 0 {
        tracing::info!(uploads = n, "unfinished uploads deleted");
    }
    let erased = erase_expired(cases, now).await?;
    if erased > 0 {
        tracing::info!(
            cases = erased,
            "case files erased after their download period"
        );
    }
    Ok(n + erased)
}

/// Erases the cases whose files are past their time: the last download link expired, or
/// no link and the case older than the download period.
async fn erase_expired(
    cases: &Cases,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<u64, CaseError> {
    use vamt_portal_core::sql::ts;
    let due: Vec<String> = sqlx::query_scalar(
        "SELECT c.id FROM cases c WHERE c.erased_at IS NULL AND c.created_at < $1 \
         AND NOT EXISTS (SELECT 1 FROM case_deliveries d WHERE d.case_id = c.id \
         AND d.link_expires_at >= $2)",
    )
    .bind(ts(now - cases.settings.download_for))
    .bind(ts(now))
    .fetch_all(cases.db.pool())
    .await?;
    for id in &due {
        let case = crate::case::by_id(cases, id).await?;
        crate::case::erase(cases, &case, &crate::case::Actor::System).await?;
    }
    Ok(due.len() as u64)
}

/// Runs [`run_once`] every [`INTERVAL`] until `stop`.
pub async fn run(cases: Arc<Cases>, stop: impl Future<Output = ()>) {
    vamt_portal_storage::job::every("case retention", INTERVAL, stop, || run_once(&cases)).await;
}
