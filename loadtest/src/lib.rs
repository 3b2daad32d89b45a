//! vamt-loadtest: runs scenario files against a vamt installation and reports what it saw.
//!
//! A scenario is a list of phases. Today's phase kind is `http`: a number of concurrent
//! clients issue requests to a list of paths until a request budget or a time limit is
//! used up. Media and TURN phases join as their servers grow.
#![forbid(unsafe_code)]

pub mod booking_bench;
pub mod booking_storm;
mod http;
pub mod report;
pub mod scenario;
pub mod sfu_bench;
pub mod sfu_core;
pub mod turn_bench;

pub use report::{PhaseReport, Report};
pub use scenario::{Phase, Scenario, ScenarioError};

/// Runs every phase of `scenario` in order against `base_url` (e.g. `http://127.0.0.1:8080`).
pub async fn run(scenario: &Scenario, base_url: &str) -> Result<Report, ScenarioError> {
    scenario.validate()?;
    let mut phases = Vec::new();
    for phase in &scenario.phase {
        let r = match phase {
            Phase::Http(p) => http::run(p, base_url).await?,
        };
        phases.push(r);
    }
    Ok(Report {
        scenario: scenario.name.clone(),
        phases,
    })
}
