//! The retention job: personal data is erased on schedule, not kept "just in case".
use std::future::Future;
use std::time::Duration;

use crate::booking;
use crate::Office;

/// How often the job looks for data past its retention period.
pub const INTERVAL: Duration = Duration::from_secs(3600);

/// Erases what is due now; returns how many bookings were erased.
pub async fn run_once(st: &Office) -> Result<u64, sqlx::Error> {
    let now = st.now();
    let n = booking::erase_personal_data(&st.db, now - st.settings.personal_data_retention, now)
        .await?;
    // Claims on time a day past: kept that long so a clock step cannot reopen a slot.
    booking::prune_claims(&st.db, now - chrono::Duration::days(1)).await?;
    crate::waitlist::expire_and_erase(&st.db, now).await?;
    if let Some(dir) = st.outbox.mailer().outbox() {
        match erase_outbox(
            dir,
            std::time::SystemTime::now(),
            st.settings.personal_data_retention,
        )
        .await
        {
            Ok(0) => {}
            Ok(files) => tracing::info!(files, "outbox mails erased after the retention period"),
            Err(e) => tracing::error!(error = %e, "outbox not erased"),
        }
    }
    if n > 0 {
        st.metrics.erased.inc_by(n);
        tracing::info!(
            bookings = n,
            "personal data erased after the retention period"
        );
    }
    Ok(n)
}

/// Erases the outbox's mails written longer than `keep` before `now`: they hold the name,
/// address and join link in plain text, and were kept for ever. Returns how many.
pub async fn erase_outbox(
    dir: &std::path::Path,
    now: std::time::SystemTime,
    keep: chrono::Duration,
) -> std::io::Result<u64> {
    let keep = keep.to_std().unwrap_or_default();
    let mut entries = match tokio::fs::read_dir(dir).await {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(e),
    };
    let mut erased = 0;
    while let Some(entry) = entries.next_entry().await? {
        let path = entry.path();
        if path.extension().is_none_or(|x| x != "eml") {
            continue;
        }
        let written = entry.metadata().await?.modified()?;
        if now.duration_since(written).is_ok_and(|age| age > keep) {
            tokio::fs::remove_file(&path).await?;
            erased += 1;
        }
    }
    Ok(erased)
}

/// Runs the job at start and then every [`INTERVAL`] until `stop` completes.
pub async fn run(st: std::sync::Arc<Office>, stop: impl Future<Output = ()>) {
    vamt_portal_storage::job::every("retention", INTERVAL, stop, || run_once(&st)).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_outbox_is_erased_after_the_retention_period() {
        let dir = tempfile::tempdir().expect("dir");
        let now = std::time::SystemTime::now();
        let old = dir.path().join("20250101T000000.000-BK_old.eml");
        let new = dir.path().join("20261207T000000.000-BK_new.eml");
        let other = dir.path().join("notes.txt");
        for p in [&old, &new, &other] {
            std::fs::write(p, "Hello Erika, your link: /call/BK_x?key=secret").expect("write");
        }
        let f = std::fs::File::options()
            .write(true)
            .open(&old)
            .expect("open");
        f.set_modified(now - std::time::Duration::from_secs(31 * 86_400))
            .expect("mtime");
        let erased = erase_outbox(dir.path(), now, chrono::Duration::days(30))
            .await
            .expect("erase");
        assert_eq!(erased, 1);
        assert!(!old.exists());
        assert!(new.exists());
        assert!(other.exists(), "only mails");
        assert_eq!(
            erase_outbox(&dir.path().join("missing"), now, chrono::Duration::days(30))
                .await
                .expect("no outbox yet"),
            0
        );
    }
}
