//! What the benchmark's publishers send: real Opus packets from libopus and VP8-shaped video
//! frames whose payload carries the send time, so a subscriber can measure the added delay.
use std::time::Duration;

/// Opus at 48 kHz, 20 ms frames, as browsers send it.
pub const OPUS_FRAME: Duration = Duration::from_millis(20);
/// Camera frame interval (30 frames per second).
pub const VIDEO_FRAME: Duration = Duration::from_micros(33_333);

/// One simulcast layer as a browser sends a 720p camera: its RID and its bitrate.
#[derive(Debug, Clone, Copy)]
pub struct Layer {
    /// The RTP stream ID (`a=rid`).
    pub rid: &'static str,
    /// Layer index (0 = lowest); carried in each frame to see what a subscriber received.
    pub index: u8,
    /// Bytes per frame at 30 frames per second.
    pub frame_bytes: usize,
}

/// Chrome's default 720p simulcast: 1.5 Mbit/s, 500 kbit/s and 150 kbit/s. Listed top layer
/// first, as janus.js offers them: Janus reads the first RID as its highest substream.
pub const LAYERS: [Layer; 3] = [
    Layer {
        rid: "h",
        index: 2,
        frame_bytes: 1_500_000 / 8 / 30,
    },
    Layer {
        rid: "m",
        index: 1,
        frame_bytes: 500_000 / 8 / 30,
    },
    Layer {
        rid: "l",
        index: 0,
        frame_bytes: 150_000 / 8 / 30,
    },
];

/// Where the send time and the layer sit in a video frame (after the VP8 key frame header).
const STAMP_AT: usize = 10;
const FRAME_HEADER: usize = STAMP_AT + 9;

/// A second of speech-like audio (a gliding tone with a syllable envelope), encoded once with
/// libopus at 32 kbit/s with in-band FEC, then sent in a loop.
pub fn opus_frames() -> Result<Vec<Vec<u8>>, opus::Error> {
    let mut enc = opus::Encoder::new(48_000, opus::Channels::Mono, opus::Application::Voip)?;
    enc.set_bitrate(opus::Bitrate::Bits(32_000))?;
    enc.set_inband_fec(true)?;
    enc.set_packet_loss_perc(5)?;
    let samples_per_frame = 960;
    let mut frames = Vec::with_capacity(50);
    let mut out = vec![0u8; 1500];
    for f in 0..50 {
        let pcm: Vec<i16> = (0..samples_per_frame)
            .map(|i| {
                let t = (f * samples_per_frame + i) as f32 / 48_000.0;
                let pitch = 140.0 + 60.0 * (t * 2.0).sin();
                let envelope = (t * 4.0 * std::f32::consts::PI).sin().abs();
                (envelope * 9000.0 * (t * pitch * 2.0 * std::f32::consts::PI).sin()) as i16
            })
            .collect();
        let n = enc.encode(&pcm, &mut out)?;
        frames.push(out[..n].to_vec());
    }
    Ok(frames)
}

/// A VP8-shaped frame of `layer`'s size: a valid VP8 frame tag (and key frame start code and
/// 1280×720 dimensions when `keyframe`), then the send time in microseconds and the layer.
pub fn video_frame(layer: Layer, keyframe: bool, sent_us: u64) -> Vec<u8> {
    let mut f = vec![0u8; layer.frame_bytes.max(FRAME_HEADER)];
    // Frame tag: bit 0 is 0 for a key frame; version 0; show_frame; first partition size.
    let first_part = (f.len() as u32).min(0x7ffff);
    let tag = u32::from(!keyframe) | (1 << 4) | (first_part << 5);
    f[0..3].copy_from_slice(&tag.to_le_bytes()[..3]);
    if keyframe {
        f[3..6].copy_from_slice(&[0x9d, 0x01, 0x2a]);
        f[6..8].copy_from_slice(&1280u16.to_le_bytes());
        f[8..10].copy_from_slice(&720u16.to_le_bytes());
    }
    f[STAMP_AT..STAMP_AT + 8].copy_from_slice(&sent_us.to_be_bytes());
    f[STAMP_AT + 8] = layer.index;
    f
}

/// The send time and layer of a received frame, if it is one of ours.
pub fn read_stamp(frame: &[u8]) -> Option<(u64, u8)> {
    let stamp = frame.get(STAMP_AT..STAMP_AT + 8)?;
    let layer = *frame.get(STAMP_AT + 8)?;
    Some((u64::from_be_bytes(stamp.try_into().ok()?), layer))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opus_frames_are_real_opus_packets() {
        let frames = opus_frames().expect("libopus encodes");
        assert_eq!(frames.len(), 50);
        let mut dec = opus::Decoder::new(48_000, opus::Channels::Mono).expect("decoder");
        let mut pcm = vec![0i16; 960];
        for f in &frames {
            // TOC byte: config 0..=31; a mono 20 ms frame decodes to 960 samples.
            assert_eq!(dec.decode(f, &mut pcm, false).expect("decodes"), 960);
            assert!(f.len() > 10 && f.len() < 200, "{} bytes", f.len());
        }
    }

    #[test]
    fn video_frames_carry_their_stamp_and_a_valid_vp8_tag() {
        let key = video_frame(LAYERS[0], true, 123_456_789);
        assert_eq!(key.len(), LAYERS[0].frame_bytes);
        assert_eq!(key[0] & 1, 0, "key frame bit");
        assert_eq!(&key[3..6], &[0x9d, 0x01, 0x2a]);
        assert_eq!(read_stamp(&key), Some((123_456_789, 2)));
        let delta = video_frame(LAYERS[2], false, 7);
        assert_eq!(delta[0] & 1, 1);
        assert_eq!(read_stamp(&delta), Some((7, 0)));
        assert_eq!(read_stamp(&[1, 2, 3]), None);
    }
}
