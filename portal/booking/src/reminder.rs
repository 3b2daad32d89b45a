//! The reminder job: a mail some hours before each appointment (`mail.reminder_hours`),
//! with the join link, what to have ready and the cancel link, so a citizen who lost the
//! confirmation still finds the call.
use std::future::Future;
use std::time::Duration;

use crate::booking::{self, BookingError};
use crate::Office;

/// How often the job looks for appointments to remind of.
pub const INTERVAL: Duration = Duration::from_secs(300);

/// Sends the reminders due now; returns how many went out. Each booking is claimed before
/// its mail is sent, so a second node or run never sends it twice; a mail that fails is
/// logged and counted, not retried (the confirmation had the same links).
pub async fn run_once(st: &Office) -> Result<u64, BookingError> {
    let Some(lead) = st.settings.mail.reminder_lead else {
        return Ok(0);
    };
    let now = st.now();
    let mut sent = 0;
    for due in booking::due_reminders(&st.db, &st.vault, now, lead).await? {
        if !booking::claim_reminder(&st.db, &due.booking.id, now).await? {
            continue;
        }
        crate::notify::send_reminder(st, &due).await;
        sent += 1;
    }
    if sent > 0 {
        tracing::info!(bookings = sent, "reminders sent");
    }
    Ok(sent)
}

/// Runs the job at start and then every [`INTERVAL`] until `stop` completes.
pub async fn run(st: std::sync::Arc<Office>, stop: impl Future<Output = ()>) {
    vamt_portal_storage::job::every("reminder", INTERVAL, stop, || run_once(&st)).await;
}
