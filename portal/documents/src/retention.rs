//! The case record's retention job: uploads nobody finished are deleted once their sender
//! had `documents.resume_hours` to resume them (a phone that went away leaves no half file
//! behind for ever).
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use crate::{intake, CaseError, Cases};

/// How often the job runs.
pub const INTERVAL: Duration = Duration::from_secs(3600);

/// Deletes what is due now; returns how many uploads were deleted.
pub async fn run_once(cases: &Cases) -> Result<u64, CaseError> {
    let n = intake::abandon_stale(cases, cases.now() - cases.settings.resume_for).await?;
    if n > 0 {
        tracing::info!(uploads = n, "unfinished uploads deleted");
    }
    Ok(n)
}

/// Runs [`run_once`] every [`INTERVAL`] until `stop`.
pub async fn run(cases: Arc<Cases>, stop: impl Future<Output = ()>) {
    vamt_portal_storage::job::every("case retention", INTERVAL, stop, || run_once(&cases)).await;
}
