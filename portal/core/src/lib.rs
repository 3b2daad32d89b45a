//! The portal's core: what every part of the portal shares and nothing of it does I/O.
//! The slot engine (`schedule`, pure, with its typed IDs), the configuration and its
//! validation, the translation catalogue and language negotiation, the rules of the door
//! (`shield`: client addresses, hourly limits, back-off), the SQL text both database
//! engines share, and the clock. Storage, the domains (booking, and later payments,
//! documents, hearing) and the web crate build on it; it depends on none of them
//! (`portal/web/tests/layers.rs` checks the direction).
#![forbid(unsafe_code)]

pub mod clock;
pub mod config;
pub mod i18n;
pub mod money;
pub mod schedule;
pub mod shield;
pub mod sql;
pub mod templates;

pub use clock::Clock;
