//! Simulcast layer selection: which of a publisher's three encodings a subscriber gets,
//! from the bandwidth the subscriber's link is estimated to carry. Pure: no I/O, no clock.

/// A simulcast layer, named by its RID as browsers send it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Layer {
    /// `l`: a quarter of the resolution.
    Low,
    /// `m`: half the resolution.
    Medium,
    /// `h`: full resolution.
    High,
}

impl Layer {
    /// The RID on the wire.
    pub fn rid(self) -> &'static str {
        match self {
            Layer::Low => "l",
            Layer::Medium => "m",
            Layer::High => "h",
        }
    }

    /// The layer a RID names.
    pub fn from_rid(rid: &str) -> Option<Layer> {
        match rid {
            "l" => Some(Layer::Low),
            "m" => Some(Layer::Medium),
            "h" => Some(Layer::High),
            _ => None,
        }
    }

    /// What the call page asks the browser to send on this layer, bits per second.
    pub fn bitrate(self) -> u64 {
        match self {
            Layer::Low => 150_000,
            Layer::Medium => 500_000,
            Layer::High => 1_500_000,
        }
    }

    /// The resolution the call page sends on this layer from a 720p camera.
    pub fn size(self) -> (u32, u32) {
        match self {
            Layer::Low => (320, 180),
            Layer::Medium => (640, 360),
            Layer::High => (1280, 720),
        }
    }

    /// The smallest layer that fills a video element of `width` × `height` device pixels.
    /// Sending more than the screen shows wastes the subscriber's bandwidth and decoder: a
    /// thumbnail gets the low layer even on a fast link. Either side may be the limiting one
    /// (portrait phones crop a landscape picture), so the layer must cover both; a tile a
    /// little larger than a layer (up to an eighth) still gets that layer, as browsers scale
    /// up that much without visible loss.
    pub fn for_size(width: u32, height: u32) -> Layer {
        let covers = |l: Layer| {
            let (w, h) = l.size();
            u64::from(width) * 8 <= u64::from(w) * 9 && u64::from(height) * 8 <= u64::from(h) * 9
        };
        [Layer::Low, Layer::Medium]
            .into_iter()
            .find(|l| covers(*l))
            .unwrap_or(Layer::High)
    }

    fn up(self) -> Option<Layer> {
        match self {
            Layer::Low => Some(Layer::Medium),
            Layer::Medium => Some(Layer::High),
            Layer::High => None,
        }
    }
}

/// Kept for audio per subscribed audio track (Opus with FEC and headers).
pub const AUDIO_RESERVE: u64 = 64_000;
/// A layer is taken up only when the budget exceeds its bitrate by this factor…
const UP_MARGIN: f64 = 1.25;
/// …and left only when the budget falls below this share of it: between the two the
/// current layer stays, so an estimate wobbling around a threshold does not make the
/// picture flicker between sizes.
const DOWN_MARGIN: f64 = 0.9;

/// The layer each of a subscriber's `video_tracks` should get from an estimate of
/// `estimate_bps`, given what it gets now.
pub fn choose(
    estimate_bps: u64,
    audio_tracks: usize,
    video_tracks: usize,
    current: Option<Layer>,
) -> Layer {
    let video = video_tracks.max(1) as u64;
    let budget = estimate_bps.saturating_sub(AUDIO_RESERVE * audio_tracks as u64) / video;
    let fits = |l: Layer, margin: f64| budget as f64 >= l.bitrate() as f64 * margin;
    // Start from what is shown, step down while it does not fit, then up while the next
    // one fits with room to spare.
    let mut layer = current.unwrap_or(Layer::Low);
    while layer != Layer::Low && !fits(layer, DOWN_MARGIN) {
        layer = match layer {
            Layer::High => Layer::Medium,
            _ => Layer::Low,
        };
    }
    while let Some(next) = layer.up() {
        if fits(next, UP_MARGIN) {
            layer = next;
        } else {
            break;
        }
    }
    layer
}

/// What the subscriber's estimator should probe for: enough to start the next layer up
/// (minimum) and the top layer for everything (desired).
pub fn probe_goal(audio_tracks: usize, video_tracks: usize, current: Layer) -> (u64, u64) {
    let audio = AUDIO_RESERVE * audio_tracks as u64;
    let video = video_tracks as u64;
    let next = current.up().unwrap_or(current);
    (
        audio + next.bitrate() * video,
        audio + Layer::High.bitrate() * video,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rendered_size_caps_the_layer() {
        assert_eq!(Layer::for_size(0, 0), Layer::Low, "hidden tile");
        assert_eq!(Layer::for_size(160, 90), Layer::Low, "thumbnail");
        assert_eq!(Layer::for_size(320, 180), Layer::Low);
        assert_eq!(
            Layer::for_size(360, 200),
            Layer::Low,
            "a little larger still fits"
        );
        assert_eq!(Layer::for_size(400, 225), Layer::Medium);
        assert_eq!(Layer::for_size(640, 360), Layer::Medium);
        assert_eq!(Layer::for_size(1280, 720), Layer::High);
        assert_eq!(Layer::for_size(3840, 2160), Layer::High);
        // A portrait phone showing the picture cropped to full height needs the height.
        assert_eq!(Layer::for_size(390, 700), Layer::High);
        assert_eq!(Layer::for_size(200, 340), Layer::Medium);
    }

    #[test]
    fn estimate_picks_the_largest_layer_that_fits_with_room() {
        assert_eq!(choose(100_000, 1, 1, None), Layer::Low);
        assert_eq!(
            choose(64_000 + 600_000, 1, 1, None),
            Layer::Low,
            "500k needs 625k of room"
        );
        assert_eq!(choose(64_000 + 700_000, 1, 1, None), Layer::Medium);
        assert_eq!(choose(64_000 + 1_900_000, 1, 1, None), Layer::High);
        assert_eq!(choose(10_000_000, 1, 1, None), Layer::High);
    }

    #[test]
    fn budget_is_shared_between_video_tracks() {
        // Camera and screen share of one participant, or two others' cameras.
        assert_eq!(choose(128_000 + 2 * 1_900_000, 2, 2, None), Layer::High);
        assert_eq!(choose(128_000 + 2 * 700_000, 2, 2, None), Layer::Medium);
        assert_eq!(choose(128_000 + 2 * 200_000, 2, 2, None), Layer::Low);
    }

    #[test]
    fn hysteresis_keeps_the_layer_near_a_threshold() {
        // 1.5 Mbit/s fits High only with room to go up, but keeps it once there.
        let near = 64_000 + 1_500_000;
        assert_eq!(choose(near, 1, 1, Some(Layer::Medium)), Layer::Medium);
        assert_eq!(choose(near, 1, 1, Some(Layer::High)), Layer::High);
        // Clearly too little: down, possibly two steps at once.
        assert_eq!(
            choose(64_000 + 1_200_000, 1, 1, Some(Layer::High)),
            Layer::Medium
        );
        assert_eq!(
            choose(64_000 + 300_000, 1, 1, Some(Layer::High)),
            Layer::Low
        );
    }

    #[test]
    fn probing_aims_one_layer_up_and_at_the_top() {
        assert_eq!(
            probe_goal(1, 1, Layer::Low),
            (64_000 + 500_000, 64_000 + 1_500_000)
        );
        assert_eq!(
            probe_goal(1, 1, Layer::High),
            (64_000 + 1_500_000, 64_000 + 1_500_000)
        );
        assert_eq!(Layer::from_rid("m"), Some(Layer::Medium));
        assert_eq!(Layer::from_rid("q"), None);
        assert_eq!(Layer::High.rid(), "h");
    }
}
