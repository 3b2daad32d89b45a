//! The media loop's wake-up for str0m's timeouts, to the microsecond.
//!
//! The pacer releases a subscriber's video packets a fraction of a millisecond apart and
//! asks to be woken for each. The runtime's timer rounds every sleep up to the next whole
//! millisecond, so each paced packet could wait up to a millisecond longer than asked: that
//! was most of the loop's p99 added latency. A `timerfd` wakes the loop through the same
//! epoll as its sockets, when asked.
use std::io;
use std::time::{Duration, Instant};

/// What tokio's `AsyncFd` wants: the raw descriptor.
#[cfg(target_os = "linux")]
struct Fd(nix::sys::timerfd::TimerFd);

#[cfg(target_os = "linux")]
impl std::os::fd::AsRawFd for Fd {
    fn as_raw_fd(&self) -> std::os::fd::RawFd {
        std::os::fd::AsFd::as_fd(&self.0).as_raw_fd()
    }
}

/// A one-shot timer, re-armed when the loop's next deadline changes.
pub struct Timer {
    #[cfg(target_os = "linux")]
    fd: tokio::io::unix::AsyncFd<Fd>,
    armed: Option<Instant>,
}

impl Timer {
    /// A timer on the current runtime.
    pub fn new() -> io::Result<Self> {
        #[cfg(target_os = "linux")]
        {
            use nix::sys::timerfd::{ClockId, TimerFd, TimerFlags};
            let fd = TimerFd::new(
                ClockId::CLOCK_MONOTONIC,
                TimerFlags::TFD_NONBLOCK | TimerFlags::TFD_CLOEXEC,
            )
            .map_err(io::Error::from)?;
            // SAFETY: `Fd` owns the timer's descriptor, and nothing closes or replaces it
            // while the `AsyncFd` holds it (it deregisters before dropping it).
            #[allow(unsafe_code)]
            let fd = unsafe {
                tokio::io::unix::AsyncFd::register_with_interest(
                    Fd(fd),
                    tokio::io::Interest::READABLE,
                )?
            };
            Ok(Self { fd, armed: None })
        }
        #[cfg(not(target_os = "linux"))]
        Ok(Self { armed: None })
    }

    /// Sets the timer to fire at `deadline` (at once if it has passed).
    pub fn arm(&mut self, deadline: Instant) -> io::Result<()> {
        if self.armed == Some(deadline) {
            return Ok(());
        }
        self.armed = Some(deadline);
        #[cfg(target_os = "linux")]
        {
            use nix::sys::time::TimeSpec;
            use nix::sys::timerfd::{Expiration, TimerSetTimeFlags};
            // A zero expiry would disarm the timer: a due deadline fires after 1 µs.
            let after = deadline
                .saturating_duration_since(Instant::now())
                .max(Duration::from_micros(1));
            self.fd
                .get_ref()
                .0
                .set(
                    Expiration::OneShot(TimeSpec::from_duration(after)),
                    TimerSetTimeFlags::empty(),
                )
                .map_err(io::Error::from)?;
        }
        Ok(())
    }

    /// Waits until the armed deadline.
    pub async fn fired(&mut self) -> io::Result<()> {
        #[cfg(target_os = "linux")]
        loop {
            let mut ready = self.fd.readable().await?;
            // Reading the expiry count resets the timer's readiness; nothing to read means a
            // spurious wake-up (the timer was re-armed meanwhile).
            match ready.try_io(|fd| fd.get_ref().0.wait().map_err(io::Error::from)) {
                Ok(result) => {
                    self.armed = None;
                    return result;
                }
                Err(_would_block) => continue,
            }
        }
        #[cfg(not(target_os = "linux"))]
        {
            if let Some(deadline) = self.armed {
                tokio::time::sleep_until(deadline.into()).await;
                self.armed = None;
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn fires_at_the_deadline_also_when_it_has_passed_and_when_moved() {
        let mut t = Timer::new().expect("timer");
        let start = Instant::now();
        t.arm(start + Duration::from_micros(300)).expect("arm");
        t.fired().await.expect("fired");
        assert!(start.elapsed() >= Duration::from_micros(300));
        // A deadline in the past fires at once rather than never.
        t.arm(start).expect("arm");
        tokio::time::timeout(Duration::from_secs(5), t.fired())
            .await
            .expect("a past deadline fires")
            .expect("fired");
        // Moving a deadline later replaces the earlier one.
        let moved = Instant::now();
        t.arm(moved + Duration::from_millis(1)).expect("arm");
        t.arm(moved + Duration::from_millis(20)).expect("re-arm");
        t.fired().await.expect("fired");
        assert!(moved.elapsed() >= Duration::from_millis(20));
    }
}
