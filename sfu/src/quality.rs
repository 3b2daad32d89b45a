//! A participant's connection quality from the SFU's view of its link: packet loss both
//! ways and round-trip time, as str0m reports them every stats interval. Pure.
use std::time::Duration;

/// How well a participant's connection carries the call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Quality {
    /// Loss under 3 %, round trip under 300 ms: no one notices.
    Good,
    /// Some loss or delay: the picture may soften, speech still clear.
    Fair,
    /// 10 % loss or a round trip of 800 ms and more: speech breaks up.
    Poor,
}

impl Quality {
    /// The name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Quality::Good => "good",
            Quality::Fair => "fair",
            Quality::Poor => "poor",
        }
    }
}

/// The quality one report shows. Opus with FEC hides a few percent of loss; beyond ten it
/// cannot, and half a second each way makes people talk over each other.
pub fn assess(
    ingress_loss: Option<f32>,
    egress_loss: Option<f32>,
    rtt: Option<Duration>,
) -> Quality {
    let loss = ingress_loss.unwrap_or(0.0).max(egress_loss.unwrap_or(0.0));
    let rtt = rtt.unwrap_or(Duration::ZERO);
    if loss >= 0.10 || rtt >= Duration::from_millis(800) {
        Quality::Poor
    } else if loss >= 0.03 || rtt >= Duration::from_millis(300) {
        Quality::Fair
    } else {
        Quality::Good
    }
}

/// What was announced, and what a new report changes. A worse quality is announced at once
/// (people should know why the picture froze); a better one only after two reports in a row
/// agree, so a link hovering at a threshold does not flap the indicator.
#[derive(Debug, Clone, Default)]
pub struct QualityTracker {
    announced: Option<Quality>,
    better: Option<Quality>,
}

impl QualityTracker {
    /// The quality to announce now, if it changed. Before any announcement the connection
    /// counts as good (the page's default), so a good first report announces nothing.
    pub fn update(&mut self, q: Quality) -> Option<Quality> {
        let current = self.announced.unwrap_or(Quality::Good);
        if q > current {
            self.better = None;
            self.announced = Some(q);
            return Some(q);
        }
        if q == current {
            self.better = None;
            return None;
        }
        if self.better == Some(q) {
            self.better = None;
            self.announced = Some(q);
            return Some(q);
        }
        self.better = Some(q);
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Option<Duration> {
        Some(Duration::from_millis(n))
    }

    #[test]
    fn loss_either_way_and_delay_grade_the_link() {
        assert_eq!(assess(None, None, None), Quality::Good);
        assert_eq!(assess(Some(0.01), Some(0.02), ms(80)), Quality::Good);
        assert_eq!(
            assess(Some(0.04), None, ms(80)),
            Quality::Fair,
            "upstream loss"
        );
        assert_eq!(
            assess(None, Some(0.05), ms(80)),
            Quality::Fair,
            "downstream loss"
        );
        assert_eq!(assess(None, None, ms(350)), Quality::Fair, "delay");
        assert_eq!(assess(Some(0.12), None, ms(80)), Quality::Poor);
        assert_eq!(assess(None, None, ms(900)), Quality::Poor);
    }

    #[test]
    fn worse_is_told_at_once_better_after_two_reports() {
        let mut t = QualityTracker::default();
        assert_eq!(t.update(Quality::Good), None, "good is the default");
        assert_eq!(t.update(Quality::Poor), Some(Quality::Poor));
        assert_eq!(t.update(Quality::Poor), None);
        assert_eq!(
            t.update(Quality::Good),
            None,
            "one good report is not enough"
        );
        assert_eq!(
            t.update(Quality::Poor),
            None,
            "back to poor: nothing changed"
        );
        assert_eq!(t.update(Quality::Fair), None);
        assert_eq!(t.update(Quality::Fair), Some(Quality::Fair));
        assert_eq!(t.update(Quality::Good), None);
        assert_eq!(t.update(Quality::Good), Some(Quality::Good));
    }
}
