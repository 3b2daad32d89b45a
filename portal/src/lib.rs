//! vamt's portal: booking pages, the call page, the clerk console, and the HTTP edge of
//! signalling (`/ws`), health and metrics.
#![forbid(unsafe_code)]

pub mod booking;
pub mod catalogue;
pub mod clerk;
pub mod config;
pub mod db;
pub mod demo;
pub mod hold;
pub mod i18n;
pub mod ics;
pub mod job;
pub mod mail;
pub mod mail_queue;
pub mod metrics;
pub mod pow;
pub mod reminder;
pub mod retention;
pub mod schedule;
pub mod secret;
pub mod shield;
pub mod state;
pub mod stats;
pub mod vault;
pub mod waitlist;
pub mod web;

pub use state::AppState;
pub use web::app;
