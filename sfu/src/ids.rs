use std::fmt;
use std::sync::Arc;

macro_rules! typed_id {
    ($(#[$doc:meta])* $name:ident, $prefix:literal) => {
        $(#[$doc])*
        // Shared text: IDs are cloned into events, routes and queues; a clone must not
        // allocate.
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(Arc<str>);

        impl $name {
            /// The text prefix of this kind of ID.
            pub const PREFIX: &'static str = $prefix;

            /// A new random ID.
            pub fn random() -> Self {
                Self(Arc::from(format!("{}{}", $prefix, random_suffix())))
            }

            /// Parses an ID from its text form; `None` if the prefix or characters are wrong.
            pub fn parse(s: &str) -> Option<Self> {
                let rest = s.strip_prefix($prefix)?;
                let ok = !rest.is_empty()
                    && rest.len() <= 64
                    && rest.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
                ok.then(|| Self(Arc::from(s)))
            }

            /// The text form, prefix included.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

typed_id!(
    /// A room: one consultation, `RM_…`.
    RoomId,
    "RM_"
);
typed_id!(
    /// One participant's presence in a room, `PA_…`.
    ParticipantId,
    "PA_"
);
typed_id!(
    /// A published media track, `TR_…`.
    TrackId,
    "TR_"
);

fn random_suffix() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::time::{SystemTime, UNIX_EPOCH};
    // Not a secret: IDs only need to be unique. Time plus a counter plus the address of a
    // stack value gives enough spread without pulling a RNG into the media crate.
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let mut x = nanos ^ n.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    format!("{x:016x}{n:x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_carry_their_prefix_and_parse_back() {
        let r = RoomId::random();
        assert!(r.as_str().starts_with("RM_"));
        assert_eq!(RoomId::parse(r.as_str()), Some(r.clone()));
        assert_ne!(RoomId::random(), r);
        assert_eq!(RoomId::parse("PA_abc"), None);
        assert_eq!(RoomId::parse("RM_"), None);
        assert_eq!(RoomId::parse("RM_a b"), None);
        assert!(ParticipantId::parse("PA_x-1_y").is_some());
    }
}
