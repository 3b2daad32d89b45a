//! The release of unconfirmed bookings: a booking whose citizen has not confirmed it from
//! the e-mail within `booking.confirm_minutes` is cancelled and its time offered again, so
//! a typo in an address, or a bot that never reads mail, holds nothing for long.
use std::future::Future;
use std::time::Duration;

use crate::booking;
use crate::AppState;

/// How often the job looks for lapsed holds.
pub const INTERVAL: Duration = Duration::from_secs(60);

/// Releases what has lapsed now and offers each freed time to the waiting list; returns
/// how many were released.
pub async fn run_once(st: &AppState) -> Result<u64, sqlx::Error> {
    let released = booking::release_unconfirmed(&st.db, st.now()).await?;
    for id in &released {
        crate::waitlist::lapsed(&st.db, id).await?;
        crate::web::booking::offer_to_waitlist(st, id).await;
    }
    let n = released.len() as u64;
    if n > 0 {
        st.metrics.unconfirmed_released.inc_by(n);
        tracing::info!(bookings = n, "unconfirmed bookings released");
    }
    Ok(n)
}

/// Runs the job at start and then every [`INTERVAL`] until `stop` completes.
pub async fn run(st: AppState, stop: impl Future<Output = ()>) {
    crate::job::every("hold", INTERVAL, stop, || run_once(&st)).await;
}
