//! The retention job: personal data is erased on schedule, not kept "just in case".
use std::future::Future;
use std::time::Duration;

use crate::booking;
use crate::AppState;

/// How often the job looks for data past its retention period.
pub const INTERVAL: Duration = Duration::from_secs(3600);

/// Erases what is due now; returns how many bookings were erased.
pub async fn run_once(st: &AppState) -> Result<u64, sqlx::Error> {
    let now = st.now();
    let n = booking::erase_personal_data(&st.db, now - st.settings.personal_data_retention, now)
        .await?;
    // Claims on time a day past: kept that long so a clock step cannot reopen a slot.
    booking::prune_claims(&st.db, now - chrono::Duration::days(1)).await?;
    crate::waitlist::expire_and_erase(&st.db, now).await?;
    if n > 0 {
        st.metrics.erased.inc_by(n);
        tracing::info!(
            bookings = n,
            "personal data erased after the retention period"
        );
    }
    Ok(n)
}

/// Runs the job at start and then every [`INTERVAL`] until `stop` completes.
pub async fn run(st: AppState, stop: impl Future<Output = ()>) {
    crate::job::every("retention", INTERVAL, stop, || run_once(&st)).await;
}
