//! The release of unconfirmed bookings: a booking whose citizen has not confirmed it from
//! the e-mail within `booking.confirm_minutes` is cancelled and its time offered again, so
//! a typo in an address, or a bot that never reads mail, holds nothing for long. A hold
//! whose mail the server refused for good is released as soon as the courier gives up.
use std::future::Future;
use std::time::Duration;

use crate::booking;
use crate::Office;

/// How often the job looks for lapsed holds.
pub const INTERVAL: Duration = Duration::from_secs(60);

/// Releases what has lapsed now and offers each freed time to the waiting list; returns
/// how many were released.
pub async fn run_once(st: &Office) -> Result<u64, sqlx::Error> {
    let released = booking::release_unconfirmed(&st.db, st.now()).await?;
    for id in &released {
        freed(st, id).await?;
    }
    let n = released.len() as u64;
    if n > 0 {
        tracing::info!(bookings = n, "unconfirmed bookings released");
    }
    Ok(n)
}

/// Releases booking `id` now if it is still held unconfirmed: its opt-in (or waiting-list
/// offer) mail was given up, so the link to confirm it never reached anyone, and its time
/// need not wait `booking.confirm_minutes` to be offered again.
pub async fn release_now(st: &Office, id: &str) -> Result<bool, sqlx::Error> {
    if !booking::release_hold(&st.db, id).await? {
        return Ok(false);
    }
    freed(st, id).await?;
    tracing::info!(booking = %id, "hold released: its mail could not be delivered");
    Ok(true)
}

/// What follows a released hold: the waiting list's offer, if it was one, lapses, and the
/// freed time is offered to the next in line.
async fn freed(st: &Office, id: &str) -> Result<(), sqlx::Error> {
    crate::waitlist::lapsed(&st.db, id).await?;
    crate::waitlist::offer_to_next(st, id).await;
    st.metrics.unconfirmed_released.inc();
    Ok(())
}

/// Runs the job at start and then every [`INTERVAL`] until `stop` completes.
pub async fn run(st: std::sync::Arc<Office>, stop: impl Future<Output = ()>) {
    vamt_portal_storage::job::every("hold", INTERVAL, stop, || run_once(&st)).await;
}
