//! Per-connection limits: a token bucket for message rate, the time a socket has to join,
//! and how many sockets one client address may hold open.
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
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
/// How long a new socket may take to send a valid `join` or `resume`. The call page sends
/// it as soon as the socket opens (the camera is asked for before), so a real client needs
/// a round trip; ten seconds leave room for a slow phone network, while a socket opened only
/// to hold memory and a connection slot is gone long before the 45 s idle timeout.
pub const JOIN_DEADLINE: Duration = Duration::from_secs(10);
/// Open signalling sockets one client address may hold. Each call page holds one (two for
/// a moment while it resumes); a household or a small office behind one NAT rarely has more
/// than a handful of calls at once, and 20 leave room for that while 300 idle sockets from
/// one source (38 MB) do not fit.
pub const MAX_SOCKETS_PER_ADDRESS: usize = 20;
/// The `reason` label of an upgrade refused for [`MAX_SOCKETS_PER_ADDRESS`].
pub const REFUSED_ADDRESS_LIMIT: &str = "address_limit";

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

/// Open sockets per client address, up to a cap. [`AddressSlots::take`] hands out a
/// [`AddressSlot`] that gives its place back when dropped, so a socket counts exactly as
/// long as it lives, however it ends.
#[derive(Debug, Clone)]
pub struct AddressSlots {
    open: Arc<Mutex<HashMap<IpAddr, usize>>>,
    max: usize,
}

/// One open socket's place in [`AddressSlots`]; freed on drop.
#[derive(Debug)]
pub struct AddressSlot {
    open: Arc<Mutex<HashMap<IpAddr, usize>>>,
    addr: IpAddr,
}

impl AddressSlots {
    /// At most `max` sockets per address.
    pub fn new(max: usize) -> Self {
        Self {
            open: Arc::default(),
            max,
        }
    }

    /// A place for one more socket from `addr`, or `None` when it holds `max` already.
    pub fn take(&self, addr: IpAddr) -> Option<AddressSlot> {
        let mut open = lock(&self.open);
        let n = open.entry(addr).or_insert(0);
        if *n >= self.max {
            return None;
        }
        *n += 1;
        Some(AddressSlot {
            open: self.open.clone(),
            addr,
        })
    }

    /// Sockets open from `addr` now.
    pub fn open(&self, addr: IpAddr) -> usize {
        lock(&self.open).get(&addr).copied().unwrap_or(0)
    }
}

impl Drop for AddressSlot {
    fn drop(&mut self) {
        let mut open = lock(&self.open);
        if let Some(n) = open.get_mut(&self.addr) {
            *n = n.saturating_sub(1);
            // Gone addresses leave no entry behind: the map is as large as the open sockets.
            if *n == 0 {
                open.remove(&self.addr);
            }
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // Every update is one insert or decrement: a poisoned lock still holds a valid map.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_gets_its_cap_of_slots_and_a_freed_one_back() {
        let slots = AddressSlots::new(2);
        let a: IpAddr = "192.0.2.1".parse().expect("ip");
        let b: IpAddr = "192.0.2.2".parse().expect("ip");
        let first = slots.take(a).expect("first");
        let _second = slots.take(a).expect("second");
        assert!(slots.take(a).is_none(), "third refused");
        let _other = slots.take(b).expect("another address has its own");
        drop(first);
        assert_eq!(slots.open(a), 1);
        let _again = slots.take(a).expect("a freed slot is free");
        assert!(slots.take(a).is_none());
    }

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
