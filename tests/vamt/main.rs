//! The binary's integration suite, as one test binary (one link of the whole workspace
//! instead of seven): the command line, files and permissions, observability, TURN interop
//! with coturn's client, and the load generator and benchmarks at a tiny load.
mod bench_sfu;
mod bench_turn;
mod cli;
mod files;
mod loadtest_booking;
mod observability;
mod turn_interop;
