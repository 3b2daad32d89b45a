//! Lip sync across the SFU: when each forwarded packet was captured, on the publisher's clock.
//!
//! A receiver aligns a participant's audio and video with the RTCP Sender Reports of each
//! stream (an NTP time and the RTP timestamp of the same instant). str0m builds the Sender
//! Reports of the SFU's outgoing streams from the `wallclock` given with each written packet
//! ([`str0m::rtp::RtpWrite::new`]): the last written RTP timestamp is taken to be that
//! instant. The SFU used to give the packet's arrival time, so a stream whose packets came
//! late (video queued on a thin uplink, a key frame paced out over a second, a layer switch)
//! was described as captured that much later than the audio, and the receiver held the
//! audio back to match. That is the likely cause of issue 18: the clerk's Chrome delayed
//! the citizen's audio from 40 ms to 760 ms on average (1.6 s at worst) in its jitter
//! buffer while video stalled and switched layers, with no backlog on the citizen's uplink,
//! and needed 42 s to come back under 120 ms (its Sender Report history aging out). In
//! simulation (`tests/simulated_call.rs`), video reaching the SFU 500 ms after its audio
//! made the subscriber's reports put them 501 ms apart; with capture times, 12 µs.
//!
//! Instead, as LiveKit does, the capture time of a packet is read from the publisher's own
//! Sender Report of the stream it came on (each simulcast layer has its own), and carried
//! into the SFU's clock by one offset per publisher ([`CaptureClock`]), the same for all its
//! streams: audio and video keep the relation the publisher stated, whatever the queueing.
//! Pure: the caller supplies times.
use std::time::{Duration, Instant, SystemTime};

/// A publisher stream's latest Sender Report: the RTP timestamp of an NTP instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SenderClock {
    rtp: u32,
    /// The NTP time, in microseconds since the Unix epoch.
    ntp_us: i64,
}

impl SenderClock {
    /// The mapping a Sender Report states; `None` for an NTP time before 1970 (a sender
    /// that does not know the time).
    pub fn new(rtp: u32, ntp: SystemTime) -> Option<Self> {
        let since = ntp.duration_since(SystemTime::UNIX_EPOCH).ok()?;
        Some(Self {
            rtp,
            ntp_us: i64::try_from(since.as_micros()).ok()?,
        })
    }

    /// When the media of RTP timestamp `ts` was captured, in microseconds since the Unix
    /// epoch on the publisher's clock. `clock` is the RTP clock rate (48 000 for Opus,
    /// 90 000 for video). Timestamps up to 2³¹ ticks (6.6 h of video) from the report's
    /// count, either way: reports come every few seconds.
    pub fn capture_us(&self, ts: u32, clock: u32) -> i64 {
        let ticks = i64::from(ts.wrapping_sub(self.rtp) as i32);
        self.ntp_us + ticks * 1_000_000 / i64::from(clock.max(1))
    }
}

/// Carries a publisher's capture times (its NTP clock) into the SFU's [`Instant`]s.
///
/// The offset is the smallest seen between a packet's arrival and its capture: the
/// translated time of a packet is then never later than its arrival (str0m reports no RTP
/// time for a wallclock in the future), and it is one offset for all of the publisher's
/// streams, so their relation is kept. It only ever moves earlier; a publisher's clock
/// drifting the other way leaves the translated times a little further in the past, which
/// the receiver does not see (it compares streams, not clocks).
#[derive(Debug, Clone, Default)]
pub struct CaptureClock {
    /// (arrival, capture µs) of the packet with the smallest such offset yet.
    anchor: Option<(Instant, i64)>,
}

impl CaptureClock {
    /// The SFU instant at which a packet that arrived at `arrived` was captured
    /// (`captured_us` from [`SenderClock::capture_us`]).
    pub fn local(&mut self, arrived: Instant, captured_us: i64) -> Instant {
        let (a0, c0) = *self.anchor.get_or_insert((arrived, captured_us));
        let since_arrival = duration_us(arrived.saturating_duration_since(a0));
        let since_capture = captured_us.saturating_sub(c0);
        if since_capture >= since_arrival {
            // Captured later than the anchor's offset allows: this packet came faster, and
            // becomes the anchor.
            self.anchor = Some((arrived, captured_us));
            return arrived;
        }
        // Earlier than `arrived` by construction; an instant the platform cannot represent
        // falls back to the arrival.
        let local = if since_capture >= 0 {
            a0.checked_add(Duration::from_micros(since_capture.unsigned_abs()))
        } else {
            a0.checked_sub(Duration::from_micros(since_capture.unsigned_abs()))
        };
        local.unwrap_or(arrived)
    }
}

fn duration_us(d: Duration) -> i64 {
    i64::try_from(d.as_micros()).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: i64 = 1_000;

    #[test]
    fn a_report_maps_timestamps_either_side_and_across_the_wrap() {
        let ntp = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let base = 1_700_000_000 * 1_000 * MS;
        let s = SenderClock::new(u32::MAX - 899, ntp).expect("after 1970");
        assert_eq!(s.capture_us(u32::MAX - 899, 90_000), base);
        // 1800 ticks later at 90 kHz, across the 32-bit wrap: 20 ms.
        assert_eq!(s.capture_us(900, 90_000), base + 20 * MS);
        assert_eq!(s.capture_us(u32::MAX - 899 - 960, 48_000), base - 20 * MS);
        assert_eq!(
            SenderClock::new(0, SystemTime::UNIX_EPOCH - Duration::from_secs(1)),
            None
        );
    }

    #[test]
    fn streams_delayed_differently_keep_the_publishers_relation() {
        let t0 = Instant::now();
        let mut c = CaptureClock::default();
        let pub0 = 5_000_000 * MS;
        // Audio captured at pub0 + 20k ms arrives 30 ms later; video captured at the same
        // instants arrives 530 ms later (queued on the uplink).
        for k in 0..50i64 {
            let cap = pub0 + 20 * k * MS;
            let a = c.local(t0 + Duration::from_millis(30 + 20 * k as u64), cap);
            let v = c.local(t0 + Duration::from_millis(530 + 20 * k as u64), cap);
            assert_eq!(a, v, "one capture instant, one local instant ({k})");
            // The audio's (smaller) delay is the offset.
            assert_eq!(a, t0 + Duration::from_millis(30 + 20 * k as u64));
        }
    }

    #[test]
    fn a_faster_packet_moves_the_offset_and_nothing_is_later_than_its_arrival() {
        let t0 = Instant::now();
        let mut c = CaptureClock::default();
        // The first packet waited 100 ms more than the later ones.
        assert_eq!(
            c.local(t0 + Duration::from_millis(100), 0),
            t0 + Duration::from_millis(100)
        );
        let at = t0 + Duration::from_millis(120);
        assert_eq!(c.local(at, 120 * MS), at, "came faster: the new anchor");
        // A late one is placed by the new anchor, before its arrival.
        let late = c.local(t0 + Duration::from_millis(900), 140 * MS);
        assert_eq!(late, t0 + Duration::from_millis(140));
        // A publisher clock far in the past or future never panics nor lands in the future.
        let at = t0 + Duration::from_secs(1);
        assert!(c.local(at, i64::MIN / 2) <= at);
        assert!(c.local(at, i64::MAX / 2) <= at);
    }
}
