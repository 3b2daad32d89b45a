//! Where slow hashes run: clerks' passwords and hearing access codes (Argon2id, ~20 MiB and
//! tens of milliseconds of one core each, by design). Run on the async workers, 12 parallel
//! wrong sign-ins raised other users' signalling round trip from 0.5 ms to 250 ms. So they
//! run on the blocking pool, and no more at once than half the cores: the rest keep serving
//! calls and pages, and sign-ins beyond that wait their turn. Process-wide, as the cores are.
use std::sync::LazyLock;

use tokio::sync::Semaphore;

static GATE: LazyLock<Semaphore> = LazyLock::new(|| {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    Semaphore::new((cores / 2).max(1))
});

/// The blocking pool failed to run the work (the runtime is shutting down).
#[derive(Debug, Clone, Copy, thiserror::Error)]
#[error("the slow hash did not run")]
pub struct HashPoolError;

/// Runs `work` (a slow hash) on the blocking pool, at most half the cores at once.
pub async fn run<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, HashPoolError> {
    let _permit = GATE.acquire().await.map_err(|_| HashPoolError)?;
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|_| HashPoolError)
}
