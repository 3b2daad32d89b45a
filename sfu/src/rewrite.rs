//! One forwarded stream's continuity. A subscriber sees a single RTP stream per track, but
//! the packets come from whichever simulcast layer it gets now, each with its own sequence
//! numbers, timestamps and VP8 picture IDs. At every switch (always at a key frame) the
//! offsets are re-based so the subscriber's numbers continue where they left off: no gap a
//! receiver would NACK, no timestamp jump its jitter buffer would stall on, no picture ID
//! jump its decoder would take for lost frames. The timestamp advances at a switch by the
//! capture time between the two layers' frames when their Sender Reports tell it (see
//! [`crate::sync`]), so the outgoing timestamps stay one line against the publisher's clock
//! and the receiver's lip sync needs no new mapping; by the arrival time otherwise. Pure:
//! the caller supplies the time.
use std::time::Instant;

/// VP8 picture IDs are 15 bits (browsers use the long form).
const PICTURE_ID_MASK: u16 = 0x7fff;

/// The state of one subscriber's copy of one track.
#[derive(Debug, Clone, Default)]
pub struct Rewrite {
    started: bool,
    /// Outgoing = incoming + this (extended sequence numbers).
    seq_delta: i64,
    ts_delta: u32,
    pid_delta: u16,
    /// Incoming packets below this belong to the layer before the last switch.
    floor: u64,
    last_seq: u64,
    last_ts: u32,
    last_pid: Option<u16>,
    last_at: Option<Instant>,
    /// When the last packet sent was captured (SFU clock), if its Sender Report told.
    last_captured: Option<Instant>,
}

/// Where a packet goes out: sequence number, timestamp, picture ID.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mapped {
    /// Extended outgoing sequence number.
    pub seq: u64,
    /// Outgoing RTP timestamp.
    pub ts: u32,
    /// Outgoing VP8 picture ID, when the packet has one.
    pub picture_id: Option<u16>,
}

impl Rewrite {
    /// Starts (or switches) the stream at this packet, which begins a key frame of the new
    /// source. `clock` is the RTP clock rate (90 000 for video), `now` the arrival time,
    /// `captured` when the packet was captured, if known ([`crate::sync::CaptureClock`]).
    pub fn rebase(
        &mut self,
        seq: u64,
        ts: u32,
        picture_id: Option<u16>,
        now: Instant,
        captured: Option<Instant>,
        clock: u32,
    ) {
        if !self.started {
            // The first packet keeps its 16-bit number: an outgoing stream must start in
            // rollover 0, which the receiver assumes without signalling.
            self.seq_delta = i64::from(seq as u16) - seq as i64;
            self.ts_delta = 0;
            self.pid_delta = 0;
            self.started = true;
        } else {
            let next_seq = self.last_seq + 1;
            self.seq_delta = next_seq as i64 - seq as i64;
            // Advance the timestamp by the capture time between the last packet sent and this
            // one (or, unknown, the arrival time), at least one tick, so the new layer's
            // first frame is later than the old layer's last. By the capture time, a layer
            // that arrives later than the other (queued, paced) does not shift the stream's
            // timeline against the audio's.
            let since = match (self.last_captured, captured) {
                (Some(last), Some(c)) => Some(c.saturating_duration_since(last)),
                _ => self.last_at.map(|t| now.saturating_duration_since(t)),
            };
            let elapsed = since.map_or(0, |d| d.as_micros() as u64);
            // To the nearest tick: each layer's Sender Report is exact only to a tick.
            let step = ((elapsed * u64::from(clock) + 500_000) / 1_000_000)
                .clamp(1, u64::from(u32::MAX)) as u32;
            self.ts_delta = self.last_ts.wrapping_add(step).wrapping_sub(ts);
            if let (Some(last), Some(pid)) = (self.last_pid, picture_id) {
                self.pid_delta = last.wrapping_add(1).wrapping_sub(pid) & PICTURE_ID_MASK;
            }
        }
        self.floor = seq;
    }

    /// Whether [`Rewrite::rebase`] has been called.
    pub fn started(&self) -> bool {
        self.started
    }

    /// The outgoing numbers of an incoming packet of the current source, or `None` for a
    /// late packet from before the last switch (its numbers belong to the old layer's run).
    pub fn map(
        &mut self,
        seq: u64,
        ts: u32,
        picture_id: Option<u16>,
        now: Instant,
        captured: Option<Instant>,
    ) -> Option<Mapped> {
        if !self.started || seq < self.floor {
            return None;
        }
        let out = (seq as i64 + self.seq_delta) as u64;
        let ts = ts.wrapping_add(self.ts_delta);
        let pid = picture_id.map(|p| p.wrapping_add(self.pid_delta) & PICTURE_ID_MASK);
        if out > self.last_seq || self.last_at.is_none() {
            self.last_seq = out;
            self.last_ts = ts;
            self.last_at = Some(now);
            self.last_captured = captured;
            if pid.is_some() {
                self.last_pid = pid;
            }
        }
        Some(Mapped {
            seq: out,
            ts,
            picture_id: pid,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn the_first_packet_keeps_its_16_bit_number_and_timestamp() {
        let t0 = Instant::now();
        let mut r = Rewrite::default();
        assert_eq!(r.map(5, 0, None, t0, None), None, "nothing before a start");
        r.rebase(70_000, 1234, Some(99), t0, None, 90_000);
        let m = r.map(70_000, 1234, Some(99), t0, None).expect("mapped");
        assert_eq!(m.seq, 70_000 - 65_536);
        assert_eq!(m.ts, 1234);
        assert_eq!(m.picture_id, Some(99));
        assert_eq!(
            r.map(70_001, 4234, Some(100), t0, None).map(|m| m.seq),
            Some(4465)
        );
    }

    #[test]
    fn a_switch_continues_every_number_where_the_old_layer_left_off() {
        let t0 = Instant::now();
        let mut r = Rewrite::default();
        // Layer l: seq 100.., ts 9000.., picture IDs 7..
        r.rebase(100, 9_000, Some(7), t0, None, 90_000);
        for i in 0..10u64 {
            let at = t0 + Duration::from_millis(33 * i);
            r.map(
                100 + i,
                9_000 + 3_000 * i as u32,
                Some(7 + i as u16),
                at,
                None,
            );
        }
        // Switch to layer h (its own numbers) 33 ms after the last l packet.
        let at = t0 + Duration::from_millis(33 * 10);
        r.rebase(50_000, 4_000_000_000, Some(32_760), at, None, 90_000);
        let m = r
            .map(50_000, 4_000_000_000, Some(32_760), at, None)
            .expect("mapped");
        assert_eq!(m.seq, 110, "next sequence number");
        assert_eq!(m.ts, 9_000 + 3_000 * 9 + 2_970, "33 ms later at 90 kHz");
        assert_eq!(m.picture_id, Some(17), "next picture ID");
        // The h layer's picture IDs wrap at 15 bits; ours follow without a jump.
        let m = r
            .map(50_001, 4_000_003_000, Some(0), at, None)
            .expect("mapped");
        assert_eq!((m.seq, m.picture_id), (111, Some(25)));
        // Timestamps wrap at 32 bits on the h layer; ours continue.
        let m = r
            .map(
                50_002,
                4_000_003_000u32.wrapping_add(300_000_000),
                None,
                at,
                None,
            )
            .expect("mapped");
        assert_eq!(m.ts, 38_970 + 300_003_000);
        // A late l packet after the switch is dropped, not sent with h's numbering.
        assert_eq!(r.map(99, 8_000, Some(6), at, None), None);
        assert_eq!(
            r.map(49_999, 3_999_997_000, Some(32_759), at, None),
            None,
            "h before the switch"
        );
    }

    #[test]
    fn reordered_packets_keep_their_place() {
        let t0 = Instant::now();
        let mut r = Rewrite::default();
        r.rebase(10, 0, None, t0, None, 48_000);
        let a = r.map(12, 1920, None, t0, None).expect("12");
        let b = r.map(11, 960, None, t0, None).expect("11 late");
        assert_eq!((a.seq, b.seq), (12, 11));
        // The late one did not move the "last sent" mark: a switch continues after 12.
        r.rebase(500, 0, None, t0, None, 48_000);
        assert_eq!(r.map(500, 0, None, t0, None).map(|m| m.seq), Some(13));
    }

    #[test]
    fn a_switch_advances_by_capture_time_when_known_so_a_late_layer_keeps_the_timeline() {
        // Issue 18: the new layer's key frame arrives 500 ms after its capture (queued on the
        // publisher's uplink), the old layer's packets 20 ms after theirs.
        let t0 = Instant::now();
        let ms = |n: u64| Duration::from_millis(n);
        let mut r = Rewrite::default();
        r.rebase(100, 0, None, t0 + ms(20), Some(t0), 90_000);
        for i in 0..10u64 {
            let cap = t0 + ms(40 * i);
            r.map(100 + i, 3_600 * i as u32, None, cap + ms(20), Some(cap));
        }
        // Frame 10 of the other layer (own timestamps), captured 40 ms after frame 9.
        let cap = t0 + ms(400);
        r.rebase(7_000, 1_000_000, None, cap + ms(500), Some(cap), 90_000);
        let m = r
            .map(7_000, 1_000_000, None, cap + ms(500), Some(cap))
            .expect("mapped");
        assert_eq!(
            m.ts,
            3_600 * 10,
            "40 ms of capture after frame 9, not 520 ms"
        );
        // Without capture times it is the arrival time, as before.
        let mut r = Rewrite::default();
        r.rebase(100, 0, None, t0, None, 90_000);
        r.map(100, 0, None, t0, None);
        r.rebase(7_000, 1_000_000, None, t0 + ms(520), None, 90_000);
        let m = r
            .map(7_000, 1_000_000, None, t0 + ms(520), None)
            .expect("mapped");
        assert_eq!(m.ts, 520 * 90);
    }
}
