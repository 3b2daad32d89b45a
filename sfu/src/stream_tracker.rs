//! Whether each simulcast layer a publisher sends is actually arriving. Sans-IO: the caller
//! passes every packet's arrival time and, between packets, the time of its periodic check.
//!
//! Layer selection used to follow only the subscriber's estimate and tile size. A publisher
//! whose uplink shrinks stops its top layer (the browser's encoder drops the layers its own
//! estimate cannot carry), and a subscriber kept on that layer saw nothing: in issue 18 the
//! clerk saw no video of the citizen for 91 s. As LiveKit's stream trackers do, a layer that
//! goes quiet is marked stopped within about a second so subscribers move to the best layer
//! still arriving, and marked active again once it has been back steadily for a while.
use std::time::{Duration, Instant};

use crate::layer::Layer;

/// A layer is arriving while at least its sample count of packets came in the last this
/// long. LiveKit checks video layers in cycles of the same 500 ms (5 packets a cycle for the
/// middle and top layer, 1 for the bottom one) and so notices a stop 0.5 to 1 s late; here
/// the window slides with every check, so a stop is seen at most 0.5 s after the last
/// packet (0.37 s at 30 packets a second: 0.5 s after the fifth-last). A
/// camera layer at 30 fps sends at least one packet a frame (a key frame many): 15 frames,
/// at least 15 packets, in half a second. Only a layer the encoder has switched off, or a
/// path that lost it, falls below 5; an encoder dropping a frame or two under load does not.
/// With the key frame of the lower layer (one round trip), a subscriber shows the lower
/// layer within a second of the top going quiet.
pub const WINDOW: Duration = Duration::from_millis(500);

/// How long a stopped layer must arrive steadily (never below its rate for a window) before
/// subscribers are moved back to it. A returning top layer starts at a low rate and a
/// browser re-enables a layer as soon as its estimate allows, so a shorter wait makes the
/// picture switch up and down (each switch costs a key frame); LiveKit waits 2 s for the
/// bottom layer and 10 s for the others. We wait 2 s the first time, so the clerk gets the
/// sharp picture of an ID card back soon, and twice as long each time the layer stops again
/// within [`FLAP`] of returning, up to [`MAX_HOLD`].
pub const RESUME: Duration = Duration::from_secs(2);
/// A layer that stops again within this long of returning counts as flapping.
pub const FLAP: Duration = Duration::from_secs(10);
/// The longest wait before a flapping layer is taken again.
pub const MAX_HOLD: Duration = Duration::from_secs(16);

/// The most packets a window must hold (the top and middle layers' count).
const RING: usize = 5;

/// Whether a stream is arriving.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Arriving (or not seen yet and not yet given up on).
    Active,
    /// Quiet: too few packets in the last [`WINDOW`].
    Stopped,
}

/// The arrival state of one stream (one simulcast layer). No allocation: the last few
/// arrival times sit in a fixed ring.
#[derive(Debug, Clone)]
pub struct StreamTracker {
    /// Packets needed in a window to count as arriving (1 to [`RING`]).
    samples: usize,
    /// The latest arrival times, oldest overwritten first.
    recent: [Option<Instant>; RING],
    next: usize,
    status: Status,
    /// When the first packet arrived (`None`: not yet).
    first: Option<Instant>,
    /// Whether any packet has arrived yet.
    seen: bool,
    /// When the stream last became active, to recognise flapping.
    active_since: Option<Instant>,
    /// Since when a stopped stream has arrived steadily.
    steady_since: Option<Instant>,
    /// How long it must arrive steadily to be active again.
    hold: Duration,
}

impl StreamTracker {
    /// A tracker that needs `samples` packets per [`WINDOW`] (clamped to 1..=5). It starts
    /// active: until packets tell otherwise, nothing restricts the selection.
    pub fn new(samples: usize) -> Self {
        Self {
            samples: samples.clamp(1, RING),
            recent: [None; RING],
            next: 0,
            status: Status::Active,
            first: None,
            seen: false,
            active_since: None,
            steady_since: None,
            hold: RESUME,
        }
    }

    /// The tracker for a simulcast layer. The bottom layer needs only one packet a window
    /// (as in LiveKit): it is the fallback, and calling it stopped helps no one while it
    /// still brings a frame now and then.
    pub fn for_layer(layer: Layer) -> Self {
        Self::new(if layer == Layer::Low { 1 } else { RING })
    }

    /// The status as of the last observation or check.
    pub fn status(&self) -> Status {
        self.status
    }

    /// Whether any packet arrived yet.
    pub fn seen(&self) -> bool {
        self.seen
    }

    /// Whether the stream is active and has been seen (not merely presumed).
    pub fn arriving(&self) -> bool {
        self.seen && self.status == Status::Active
    }

    /// A media packet arrived at `now`. Returns the new status if it changed.
    pub fn observe(&mut self, now: Instant) -> Option<Status> {
        // What the silence before this packet meant, then the packet itself.
        let before = self.check(now);
        self.recent[self.next] = Some(now);
        self.next = (self.next + 1) % RING;
        if !self.seen {
            // The first packet of a stream is a start, not a return: active at once.
            self.seen = true;
            self.first = Some(now);
            self.active_since = Some(now);
            let was = self.status;
            self.status = Status::Active;
            return (was != Status::Active).then_some(Status::Active);
        }
        self.check(now).or(before)
    }

    /// Marks a stream that never arrived as stopped (its sender does not send it).
    pub fn give_up(&mut self) -> Option<Status> {
        if self.seen || self.status == Status::Stopped {
            return None;
        }
        self.status = Status::Stopped;
        Some(Status::Stopped)
    }

    /// Re-evaluates at `now`; returns the new status if it changed.
    pub fn check(&mut self, now: Instant) -> Option<Status> {
        if !self.seen {
            return None;
        }
        let flowing = self.flowing(now);
        match self.status {
            Status::Active if !flowing => {
                let lasted = self
                    .active_since
                    .map(|t| now.saturating_duration_since(t))
                    .unwrap_or(Duration::MAX);
                self.hold = if lasted < FLAP {
                    (self.hold * 2).min(MAX_HOLD)
                } else {
                    RESUME
                };
                self.status = Status::Stopped;
                self.steady_since = None;
                Some(Status::Stopped)
            }
            Status::Stopped if flowing => {
                let since = *self.steady_since.get_or_insert(now);
                if now.saturating_duration_since(since) >= self.hold {
                    self.status = Status::Active;
                    self.active_since = Some(now);
                    self.steady_since = None;
                    Some(Status::Active)
                } else {
                    None
                }
            }
            Status::Stopped => {
                self.steady_since = None;
                None
            }
            Status::Active => None,
        }
    }

    /// Whether the last `samples` packets all arrived within the window before `now`. In
    /// the first window after the first packet the ring is still filling: flowing.
    fn flowing(&self, now: Instant) -> bool {
        if self
            .first
            .is_some_and(|t| now.saturating_duration_since(t) < WINDOW)
        {
            return true;
        }
        let idx = (self.next + RING - self.samples) % RING;
        self.recent[idx].is_some_and(|t| now.saturating_duration_since(t) < WINDOW)
    }
}

/// Which of a track's simulcast layers arrive, as subscribers' layer selection needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Available {
    layers: [bool; 3],
}

impl Default for Available {
    /// Every layer: nothing known, nothing restricted.
    fn default() -> Self {
        Self { layers: [true; 3] }
    }
}

impl Available {
    /// Whether `layer` may be chosen.
    pub fn has(&self, layer: Layer) -> bool {
        self.layers[index(layer)]
    }

    /// The layer to forward when `wanted` is what the estimate and tile allow: the best
    /// arriving layer not above it, else the lowest arriving one above it (something rather
    /// than nothing), else `wanted` (nothing arrives: keep the choice until something does).
    pub fn best(&self, wanted: Layer) -> Layer {
        let all = [Layer::Low, Layer::Medium, Layer::High];
        all.iter()
            .rev()
            .find(|l| **l <= wanted && self.has(**l))
            .or_else(|| all.iter().find(|l| **l > wanted && self.has(**l)))
            .copied()
            .unwrap_or(wanted)
    }
}

fn index(layer: Layer) -> usize {
    match layer {
        Layer::Low => 0,
        Layer::Medium => 1,
        Layer::High => 2,
    }
}

/// The trackers of one published video track: one per simulcast layer.
#[derive(Debug, Clone)]
pub struct LayerTrackers {
    layers: [StreamTracker; 3],
    /// When the track's first simulcast packet arrived.
    first: Option<Instant>,
    /// Whether the track sends simulcast at all (a packet with a known RID arrived).
    simulcast: bool,
}

impl Default for LayerTrackers {
    fn default() -> Self {
        Self {
            layers: [Layer::Low, Layer::Medium, Layer::High].map(StreamTracker::for_layer),
            first: None,
            simulcast: false,
        }
    }
}

impl LayerTrackers {
    /// A media packet of `layer` arrived at `now`. True if what subscribers see of the
    /// track changed ([`Self::available`] or [`Self::any_arriving`]).
    pub fn observe(&mut self, layer: Layer, now: Instant) -> bool {
        let before = self.state();
        self.simulcast = true;
        self.first.get_or_insert(now);
        self.layers[index(layer)].observe(now);
        self.state() != before
    }

    /// The periodic check. A layer never seen a window after the track's first packet is
    /// not being sent (a camera too small for three layers sends two). True if what
    /// subscribers see of the track changed.
    pub fn check(&mut self, now: Instant) -> bool {
        let Some(first) = self.first else {
            return false;
        };
        let before = self.state();
        let expired = now.saturating_duration_since(first) >= WINDOW;
        for t in &mut self.layers {
            t.check(now);
            if expired {
                t.give_up();
            }
        }
        self.state() != before
    }

    fn state(&self) -> (Available, bool) {
        (self.available(), self.any_arriving())
    }

    /// Which layers may be chosen.
    pub fn available(&self) -> Available {
        Available {
            layers: [0, 1, 2].map(|i| self.layers[i].status() == Status::Active),
        }
    }

    /// Whether the track sends simulcast and at least one layer arrives now.
    pub fn any_arriving(&self) -> bool {
        self.layers.iter().any(StreamTracker::arriving)
    }

    /// Whether the track sent simulcast and every layer has gone quiet since.
    pub fn all_stopped(&self) -> bool {
        self.simulcast && self.layers.iter().all(|t| t.status() == Status::Stopped)
    }

    /// The tracker of `layer`.
    pub fn layer(&self, layer: Layer) -> &StreamTracker {
        &self.layers[index(layer)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    /// Packets every `gap` from `from` for `dur`; returns the status changes seen.
    fn feed(
        t: &mut StreamTracker,
        from: Instant,
        gap: Duration,
        dur: Duration,
    ) -> Vec<(Duration, Status)> {
        let mut changes = Vec::new();
        let mut at = from;
        while at < from + dur {
            if let Some(s) = t.observe(at) {
                changes.push((at - from, s));
            }
            at += gap;
        }
        changes
    }

    #[test]
    fn a_layer_that_goes_quiet_stops_within_half_a_second_of_its_last_packet() {
        let t0 = Instant::now();
        let mut t = StreamTracker::for_layer(Layer::High);
        assert_eq!(t.status(), Status::Active, "presumed active before packets");
        assert!(!t.arriving());
        // 30 fps, one packet a frame.
        assert!(feed(&mut t, t0, ms(33), Duration::from_secs(3)).is_empty());
        assert!(t.arriving());
        let last = t0 + ms(2970);
        assert_eq!(t.check(last + ms(300)), None, "0.3 s quiet: still active");
        // Five packets in the window until 0.5 s after the fifth-newest (132 ms before the
        // last): the stop is seen at the first check after that.
        assert_eq!(t.check(last + ms(367)), None);
        assert_eq!(t.check(last + ms(368)), Some(Status::Stopped));
        assert_eq!(t.check(last + ms(600)), None, "told once");
    }

    #[test]
    fn a_few_dropped_frames_do_not_stop_a_layer() {
        let t0 = Instant::now();
        let mut t = StreamTracker::for_layer(Layer::High);
        let mut at = t0;
        for i in 0..300u32 {
            // The encoder drops three frames in a row every 30 (100 ms without packets).
            if i % 30 >= 27 {
                at += ms(33);
                continue;
            }
            assert_eq!(t.observe(at), None, "frame {i}");
            assert_eq!(t.check(at + ms(20)), None);
            at += ms(33);
        }
        assert_eq!(t.status(), Status::Active);
    }

    #[test]
    fn a_trickle_below_five_packets_a_window_is_stopped() {
        // Something still comes (a key frame now and then, a retransmission), but not a
        // picture anyone can watch.
        let t0 = Instant::now();
        let mut t = StreamTracker::for_layer(Layer::Medium);
        feed(&mut t, t0, ms(33), Duration::from_secs(1));
        let changes = feed(
            &mut t,
            t0 + Duration::from_secs(1),
            ms(150),
            Duration::from_secs(2),
        );
        assert_eq!(changes.len(), 1, "{changes:?}");
        assert_eq!(changes[0].1, Status::Stopped);
        // The bottom layer, the fallback, counts even such a trickle.
        let mut low = StreamTracker::for_layer(Layer::Low);
        feed(&mut low, t0, ms(33), Duration::from_secs(1));
        let changes = feed(
            &mut low,
            t0 + Duration::from_secs(1),
            ms(150),
            Duration::from_secs(2),
        );
        assert!(changes.is_empty(), "{changes:?}");
    }

    #[test]
    fn a_layer_is_taken_again_after_it_arrives_steadily_for_two_seconds() {
        let t0 = Instant::now();
        let mut t = StreamTracker::for_layer(Layer::High);
        // Active for a long while (no flapping), then 3 s quiet.
        feed(&mut t, t0, ms(33), Duration::from_secs(20));
        let back = t0 + Duration::from_secs(23);
        assert_eq!(t.check(back), Some(Status::Stopped));
        let changes = feed(&mut t, back, ms(33), Duration::from_secs(3));
        assert_eq!(changes.len(), 1, "{changes:?}");
        assert_eq!(changes[0].1, Status::Active);
        // Five packets make the window full 4 × 33 ms after the return; two seconds later.
        let took = changes[0].0;
        assert!(took >= RESUME && took <= RESUME + ms(200), "{took:?}");
    }

    #[test]
    fn an_interrupted_return_starts_the_wait_again() {
        let t0 = Instant::now();
        let mut t = StreamTracker::for_layer(Layer::High);
        feed(&mut t, t0, ms(33), Duration::from_secs(20));
        let back = t0 + Duration::from_secs(23);
        t.check(back);
        // 1.5 s back, a 0.6 s gap, then steady again.
        assert!(feed(&mut t, back, ms(33), ms(1500)).is_empty());
        let again = back + ms(2100);
        let changes = feed(&mut t, again, ms(33), Duration::from_secs(3));
        assert_eq!(changes.len(), 1, "{changes:?}");
        assert!(changes[0].0 >= RESUME, "waited anew: {:?}", changes[0].0);
    }

    #[test]
    fn a_flapping_layer_waits_longer_each_time() {
        let t0 = Instant::now();
        let mut t = StreamTracker::for_layer(Layer::High);
        feed(&mut t, t0, ms(33), Duration::from_secs(20));
        let mut at = t0 + Duration::from_secs(20);
        let mut waits = Vec::new();
        // Each round: quiet (stopped), then back for `on` seconds from one second later.
        for on in [5, 7, 11, 19, 19, 30] {
            assert_eq!(t.check(at + ms(600)), Some(Status::Stopped));
            at += Duration::from_secs(1);
            let changes = feed(&mut t, at, ms(33), Duration::from_secs(on));
            assert_eq!(changes.len(), 1, "{changes:?}");
            waits.push(changes[0].0.as_secs());
            at += Duration::from_secs(on);
        }
        // Each return lasted 3 s (< FLAP): the wait doubled up to MAX_HOLD. The last one
        // lasted 14 s (≥ FLAP): the next wait is the first one again.
        assert_eq!(waits, vec![2, 4, 8, 16, 16, 16]);
        assert_eq!(t.check(at + ms(600)), Some(Status::Stopped));
        let changes = feed(
            &mut t,
            at + Duration::from_secs(1),
            ms(33),
            Duration::from_secs(5),
        );
        assert_eq!(changes[0].0.as_secs(), 2);
    }

    #[test]
    fn availability_picks_the_best_arriving_layer_not_above_the_wanted_one() {
        let all = Available::default();
        assert_eq!(all.best(Layer::High), Layer::High);
        let no_top = Available {
            layers: [true, true, false],
        };
        assert_eq!(no_top.best(Layer::High), Layer::Medium);
        assert_eq!(no_top.best(Layer::Low), Layer::Low);
        let only_top = Available {
            layers: [false, false, true],
        };
        assert_eq!(
            only_top.best(Layer::Low),
            Layer::High,
            "something, not nothing"
        );
        let none = Available { layers: [false; 3] };
        assert_eq!(none.best(Layer::Medium), Layer::Medium);
    }

    #[test]
    fn a_layer_never_sent_is_given_up_a_window_after_the_others_start() {
        let t0 = Instant::now();
        let mut tr = LayerTrackers::default();
        assert_eq!(tr.available(), Available::default());
        assert!(
            !tr.check(t0 + Duration::from_secs(5)),
            "no packets: no news"
        );
        // A small camera: the browser sends only two layers.
        let mut at = t0;
        let mut changed_at = None;
        while at < t0 + Duration::from_secs(2) {
            tr.observe(Layer::Low, at);
            tr.observe(Layer::Medium, at);
            if tr.check(at) && changed_at.is_none() {
                changed_at = Some(at - t0);
            }
            at += ms(33);
        }
        assert!(!tr.available().has(Layer::High));
        assert!(tr.available().has(Layer::Medium));
        let took = changed_at.expect("top given up");
        assert!(took >= WINDOW && took < WINDOW + ms(40), "{took:?}");
        assert!(tr.any_arriving() && !tr.all_stopped());
        // All quiet: every layer stopped.
        assert!(tr.check(at + Duration::from_secs(1)));
        assert!(tr.all_stopped() && !tr.any_arriving());
        // A layer seen for the first time after the others is a start: active at once.
        let mut late = LayerTrackers::default();
        late.observe(Layer::Low, t0);
        late.check(t0 + Duration::from_secs(1));
        assert!(!late.available().has(Layer::High));
        assert!(late.observe(Layer::High, t0 + Duration::from_secs(1)));
        assert!(late.available().has(Layer::High));
    }
}
