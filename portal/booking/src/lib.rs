//! The booking domain: the catalogue (locations, services, clerks, opening hours), bookings
//! and their state, the batch writer that books under a storm, holds awaiting their
//! confirmation, the waiting list, reminders, retention, statistics and the mails to
//! citizens. Every function takes an [`Office`] or its parts and knows nothing of HTTP: the
//! web crate calls it, the jobs run it. It imports no axum, page templates, signalling,
//! SFU or TURN (`portal/web/tests/portal/layers.rs` fails the build's tests if it does).
#![forbid(unsafe_code)]

pub mod batch;
pub mod booking;
pub mod catalogue;
pub mod clerk;
pub mod config;
pub mod demo;
pub mod hold;
pub mod ics;
pub mod invite;
pub mod mails;
pub mod metrics;
pub mod notify;
pub mod office;
pub mod reminder;
pub mod retention;
pub mod stats;
pub mod waitlist;

pub use office::Office;
