//! The portal's integration suite, as one test binary: each of these modules was a binary
//! of its own, and linking 19 binaries of the whole portal took longer in CI than running
//! their tests. Each module still builds its own stacks (its own database, registry and
//! media server), so the modules share nothing but the process.
mod common;

mod admin;
mod api;
mod booking_door;
mod booking_flow;
mod booking_race;
mod case_record;
mod clerk_scope;
mod cross_origin;
mod desk;
mod email_address;
mod guard;
mod hearing;
mod language;
mod layers;
mod mail_queue;
mod payments;
mod rebook;
mod schema;
mod server;
mod signalling;
mod waitlist;
