//! The little signalling needs to know of an SDP offer: whether it sends media. The SFU
//! parses SDP fully; this only lets the session refuse an offer a role may not make before
//! it reaches the media server.

/// Whether `sdp` offers to send audio or video: an audio or video m-section that is not
/// rejected (port 0) and whose direction is `sendrecv` (the default) or `sendonly`.
pub fn sends_media(sdp: &str) -> bool {
    let mut section: Option<bool> = None; // Some(sending) inside an audio/video section
    let mut any = false;
    for line in sdp.lines().map(str::trim_end) {
        if let Some(m) = line.strip_prefix("m=") {
            any |= section.unwrap_or(false);
            let mut parts = m.split_whitespace();
            let kind = parts.next().unwrap_or("");
            let port = parts.next().unwrap_or("0");
            section = (matches!(kind, "audio" | "video") && port != "0").then_some(true);
            continue;
        }
        if let Some(sending) = section.as_mut() {
            match line {
                "a=recvonly" | "a=inactive" => *sending = false,
                "a=sendrecv" | "a=sendonly" => *sending = true,
                _ => {}
            }
        }
    }
    any || section.unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";

    #[test]
    fn receive_only_offers_send_nothing() {
        let sdp = format!(
            "{HEAD}m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\na=recvonly\r\n\
             m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:1\r\na=recvonly\r\n\
             m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=mid:2\r\n"
        );
        assert!(!sends_media(&sdp));
        assert!(!sends_media(HEAD), "no media at all");
    }

    #[test]
    fn any_sending_audio_or_video_section_counts() {
        let camera =
            format!("{HEAD}m=audio 9 X 111\r\na=recvonly\r\nm=video 9 X 96\r\na=sendonly\r\n");
        assert!(sends_media(&camera));
        // No direction attribute: sendrecv (RFC 3264).
        let default = format!("{HEAD}m=audio 9 X 111\r\na=mid:0\r\n");
        assert!(sends_media(&default));
        let both =
            format!("{HEAD}m=video 9 X 96\r\na=sendrecv\r\nm=audio 9 X 111\r\na=inactive\r\n");
        assert!(sends_media(&both));
    }

    #[test]
    fn rejected_sections_and_data_channels_do_not() {
        let rejected = format!("{HEAD}m=video 0 X 96\r\na=sendonly\r\n");
        assert!(!sends_media(&rejected));
        let data =
            format!("{HEAD}m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=sendrecv\r\n");
        assert!(!sends_media(&data));
    }
}
