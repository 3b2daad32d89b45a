//! The portal's periodic jobs (retention, reminders): each runs at start and then at its
//! interval until shutdown; a failed round is logged and tried again at the next.
use std::future::Future;
use std::time::Duration;

/// Runs `round` now and then every `interval` until `stop` completes. `name` names the job
/// in the log.
pub async fn every<F, Fut, E>(
    name: &'static str,
    interval: Duration,
    stop: impl Future<Output = ()>,
    mut round: F,
) where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<u64, E>>,
    E: std::fmt::Display,
{
    tokio::pin!(stop);
    let mut tick = tokio::time::interval(interval);
    loop {
        tokio::select! {
            _ = tick.tick() => {
                if let Err(e) = round().await {
                    tracing::error!(job = name, error = %e, "job failed; retrying at the next interval");
                }
            }
            _ = &mut stop => break,
        }
    }
}
