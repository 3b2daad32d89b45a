//! The portal's core: what every part of the portal shares, with no network, database or
//! runtime (the one file it reads is the configuration, when the binary asks). The slot
//! engine (`schedule`, pure, with its typed IDs), the configuration and its validation, the
//! translation catalogue and language negotiation, templates' text functions, the rules of
//! the door (`shield`: client addresses, hourly limits, back-off), the SQL text both
//! database engines share, money, and the clock. Storage, the domains (booking, and later
//! payments, documents, hearing) and the web crate build on it; it depends on none of them
//! (`portal/web/tests/portal/layers.rs` checks the direction).
#![forbid(unsafe_code)]

pub mod clock;
pub mod config;
pub mod file_kind;
pub mod i18n;
pub mod money;
pub mod schedule;
pub mod shield;
pub mod sql;
pub mod templates;

pub use clock::Clock;
