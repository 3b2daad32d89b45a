//! Scenario files (TOML).
use std::time::Duration;

use serde::Deserialize;

/// A scenario: a name and phases run one after another.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Shown in reports.
    pub name: String,
    /// The phases.
    pub phase: Vec<Phase>,
}

/// One phase of load.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Phase {
    /// HTTP requests from concurrent clients.
    Http(HttpPhase),
}

/// `kind = "http"`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpPhase {
    /// Shown in reports.
    pub name: String,
    /// Concurrent clients, each with its own keep-alive connection.
    pub clients: usize,
    /// Requests in total over all clients.
    pub requests: usize,
    /// Paths, requested round-robin (e.g. `/`, `/book/wohnsitzummeldung`).
    pub paths: Vec<String>,
    /// Stop after this many seconds even if requests remain.
    #[serde(default = "default_max_seconds")]
    pub max_seconds: u64,
    /// Status codes that count as success.
    #[serde(default = "default_ok_status")]
    pub ok_status: Vec<u16>,
}

fn default_max_seconds() -> u64 {
    60
}

fn default_ok_status() -> Vec<u16> {
    vec![200]
}

impl HttpPhase {
    /// The phase's time limit.
    pub fn limit(&self) -> Duration {
        Duration::from_secs(self.max_seconds)
    }
}

/// A scenario that cannot run.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// The file is not a valid scenario.
    #[error("scenario: {0}")]
    Parse(#[from] toml::de::Error),
    /// A value is out of range.
    #[error("scenario phase {phase:?}: {message}")]
    Invalid {
        /// The phase's name.
        phase: String,
        /// What is wrong.
        message: String,
    },
    /// The target URL is not usable.
    #[error("target URL: {0}")]
    Url(String),
}

impl Scenario {
    /// Parses a scenario file's text.
    pub fn parse(text: &str) -> Result<Self, ScenarioError> {
        let s: Scenario = toml::from_str(text)?;
        s.validate()?;
        Ok(s)
    }

    /// Checks ranges: loads must be bounded in count and time.
    pub fn validate(&self) -> Result<(), ScenarioError> {
        for phase in &self.phase {
            let Phase::Http(p) = phase;
            let bad = |message: &str| ScenarioError::Invalid {
                phase: p.name.clone(),
                message: message.to_owned(),
            };
            if !(1..=10_000).contains(&p.clients) {
                return Err(bad("clients must be 1..=10000"));
            }
            if !(1..=10_000_000).contains(&p.requests) {
                return Err(bad("requests must be 1..=10000000"));
            }
            if !(1..=3600).contains(&p.max_seconds) {
                return Err(bad("max_seconds must be 1..=3600"));
            }
            if p.paths.is_empty() || p.paths.iter().any(|path| !path.starts_with('/')) {
                return Err(bad("paths must be non-empty and start with /"));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_bounds_scenarios() {
        let s = Scenario::parse(
            r#"
name = "browse"
[[phase]]
kind = "http"
name = "pages"
clients = 4
requests = 100
paths = ["/", "/book/x"]
"#,
        )
        .expect("valid");
        assert_eq!(s.phase.len(), 1);
        let Phase::Http(p) = &s.phase[0];
        assert_eq!(p.ok_status, vec![200]);
        assert_eq!(p.max_seconds, 60);

        let unbounded =
            "name='x'\n[[phase]]\nkind='http'\nname='p'\nclients=0\nrequests=1\npaths=['/']\n";
        assert!(matches!(
            Scenario::parse(unbounded),
            Err(ScenarioError::Invalid { .. })
        ));
        let typo = "name='x'\n[[phase]]\nkind='http'\nname='p'\nclients=1\nrequests=1\npaths=['/']\nclinets=3\n";
        assert!(matches!(
            Scenario::parse(typo),
            Err(ScenarioError::Parse(_))
        ));
        let unknown = "name='x'\n[[phase]]\nkind='carrier-pigeon'\nname='p'\n";
        assert!(Scenario::parse(unknown).is_err());
    }
}
