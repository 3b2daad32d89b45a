//! Per-connection limits: a token bucket for message rate.
use std::time::{Duration, Instant};

/// Messages per second a client may send on average.
pub const MESSAGES_PER_SECOND: f64 = 20.0;
/// Messages a client may send in a burst (trickle ICE sends a dozen candidates at once).
pub const BURST: f64 = 60.0;
/// How often the server pings each socket (a WebSocket ping frame).
pub const HEARTBEAT_INTERVAL: Duration = Duration::from_secs(15);
/// A socket with no frame (a pong included) for this long counts as dropped: three
/// heartbeats missed.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(45);
/// Messages dropped for rate in a row after which the socket counts as abusive.
pub const MAX_DROPPED: u32 = 500;

/// A token bucket: `take` succeeds while tokens remain; tokens refill continuously.
#[derive(Debug, Clone)]
pub struct TokenBucket {
    capacity: f64,
    per_second: f64,
    tokens: f64,
    last: Instant,
}

impl TokenBucket {
    /// A full bucket.
    pub fn new(capacity: f64, per_second: f64, now: Instant) -> Self {
        Self {
            capacity,
            per_second,
            tokens: capacity,
            last: now,
        }
    }

    /// Takes one token if there is one.
    pub fn take(&mut self, now: Instant) -> bool {
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.tokens = (self.tokens + elapsed * self.per_second).min(self.capacity);
        self.last = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_allows_bursts_then_the_sustained_rate() {
        let t0 = Instant::now();
        let mut b = TokenBucket::new(10.0, 5.0, t0);
        assert_eq!((0..20).filter(|_| b.take(t0)).count(), 10, "burst");
        assert!(!b.take(t0));
        // One second later: five more.
        let t1 = t0 + Duration::from_secs(1);
        assert_eq!((0..20).filter(|_| b.take(t1)).count(), 5);
        // A long pause refills only up to capacity.
        let t2 = t1 + Duration::from_secs(3600);
        assert_eq!((0..20).filter(|_| b.take(t2)).count(), 10);
    }
}
