//! The portal's storage: the database (SQLite on one host, PostgreSQL for several nodes,
//! one schema and its migrations), group commit for writes that come in storms, the vault
//! that seals personal data at rest, key files, and the outbox that carries mails to the
//! SMTP server (and later webhooks and sealing jobs). It knows rows, keys and mails, not
//! what a booking is: the domains build on it.
#![forbid(unsafe_code)]

pub mod case_key;
pub mod config;
pub mod db;
pub mod group;
pub mod job;
pub mod mail;
pub mod outbox;
pub mod private_file;
pub mod secret;
pub mod slow_hash;
pub mod vault;
