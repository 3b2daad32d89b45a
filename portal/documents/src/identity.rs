//! The identity check the clerk records during the call: by which method, what was seen,
//! and the outcome. Frames of the card stay in the clerk's browser (zoomed and frozen
//! there); the record holds words only.
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use vamt_portal_core::sql::{parse_ts, ts};

use crate::audit::{self, Event};
use crate::case::{Actor, Case};
use crate::{CaseError, Cases};

/// How the citizen's identity was checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// The national ID card held to the camera.
    IdCard,
    /// A passport held to the camera.
    Passport,
    /// Questions only the citizen can answer, for services that allow them.
    SecurityQuestions,
}

/// One point of the checklist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Check {
    /// The photo matches the person in the call.
    PhotoMatches,
    /// The hologram or kinegram shows when the card is tilted.
    SecurityFeatureVisible,
    /// The document is valid today.
    Valid,
    /// The name matches the booking's.
    NameMatches,
    /// The security questions were answered.
    QuestionsAnswered,
}

/// The outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The identity is established.
    Confirmed,
    /// It is not.
    Failed,
}

/// A recorded identity check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdentityCheck {
    /// How.
    pub method: Method,
    /// What was seen.
    pub checks: Vec<Check>,
    /// The outcome.
    pub outcome: Outcome,
    /// When it was recorded (set by the server).
    #[serde(default, skip_deserializing)]
    pub at: Option<DateTime<Utc>>,
}

/// Why a check cannot be recorded as given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdentityError {
    /// "Confirmed" without every point its method needs.
    #[error("a confirmed identity needs every point of its method's checklist: {0:?} missing")]
    Incomplete(Vec<Check>),
}

impl Method {
    /// The stored word.
    pub fn word(self) -> &'static str {
        match self {
            Method::IdCard => "id_card",
            Method::Passport => "passport",
            Method::SecurityQuestions => "security_questions",
        }
    }

    /// The method a stored word names.
    pub fn parse(word: &str) -> Option<Method> {
        Some(match word {
            "id_card" => Method::IdCard,
            "passport" => Method::Passport,
            "security_questions" => Method::SecurityQuestions,
            _ => return None,
        })
    }

    /// The checklist a confirmed identity needs with this method.
    pub fn checklist(self) -> &'static [Check] {
        match self {
            Method::IdCard | Method::Passport => &[
                Check::PhotoMatches,
                Check::SecurityFeatureVisible,
                Check::Valid,
                Check::NameMatches,
            ],
            Method::SecurityQuestions => &[Check::QuestionsAnswered, Check::NameMatches],
        }
    }
}

impl Outcome {
    fn word(self) -> &'static str {
        match self {
            Outcome::Confirmed => "confirmed",
            Outcome::Failed => "failed",
        }
    }

    fn parse(word: &str) -> Option<Outcome> {
        Some(match word {
            "confirmed" => Outcome::Confirmed,
            "failed" => Outcome::Failed,
            _ => return None,
        })
    }
}

impl IdentityCheck {
    /// Refuses a confirmation that lacks a point of its method's checklist.
    pub fn validate(&self) -> Result<(), IdentityError> {
        if self.outcome == Outcome::Failed {
            return Ok(());
        }
        let missing: Vec<Check> = self
            .method
            .checklist()
            .iter()
            .copied()
            .filter(|c| !self.checks.contains(c))
            .collect();
        if missing.is_empty() {
            Ok(())
        } else {
            Err(IdentityError::Incomplete(missing))
        }
    }

    pub(crate) fn from_columns(
        method: Option<&str>,
        outcome: Option<&str>,
        checks: Option<&str>,
        at: Option<&str>,
    ) -> Option<IdentityCheck> {
        Some(IdentityCheck {
            method: Method::parse(method?)?,
            outcome: Outcome::parse(outcome?)?,
            checks: serde_json::from_str(checks.unwrap_or("[]")).unwrap_or_default(),
            at: at.and_then(parse_ts),
        })
    }
}

/// Where the guided check stands, as both sides' pages show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IdentityStatus {
    /// The document the clerk asked the citizen to show, while no check has been recorded
    /// since: the citizen's page walks them through showing it.
    pub requested: Option<Method>,
    /// When it was asked for.
    pub requested_at: Option<DateTime<Utc>>,
    /// The outcome of the last recorded check.
    pub outcome: Option<Outcome>,
}

/// Asks the citizen of `case` to show a document of `method` to the camera. Recorded in the
/// audit log only: the request is open until a check is recorded after it.
pub async fn request(
    cases: &Cases,
    case: &Case,
    by: &Actor,
    method: Method,
) -> Result<(), CaseError> {
    audit::append(
        &cases.db,
        &case.id.0,
        cases.now(),
        &by.to_string(),
        Event::IdentityRequested,
        serde_json::json!({ "method": method.word() }),
    )
    .await?;
    Ok(())
}

/// The guided check's state: the last request, unless a check was recorded after it.
pub async fn status(cases: &Cases, case: &Case) -> Result<IdentityStatus, CaseError> {
    let entries = audit::entries(&cases.db, &case.id.0).await?;
    let asked = entries
        .iter()
        .rev()
        .take_while(|e| e.event != Event::IdentityChecked.as_str())
        .find(|e| e.event == Event::IdentityRequested.as_str());
    let requested = asked.and_then(|e| {
        let detail: serde_json::Value = serde_json::from_str(&e.detail).ok()?;
        Method::parse(detail.get("method")?.as_str()?)
    });
    Ok(IdentityStatus {
        requested,
        requested_at: asked.filter(|_| requested.is_some()).and_then(audit::at),
        outcome: case.identity.as_ref().map(|c| c.outcome),
    })
}

/// Records `check` for `case` (a later record replaces an earlier one; the audit log keeps
/// both).
pub async fn record(
    cases: &Cases,
    case: &Case,
    by: &Actor,
    check: &IdentityCheck,
) -> Result<(), CaseError> {
    check.validate()?;
    let now = cases.now();
    let mut checks = check.checks.clone();
    checks.sort();
    checks.dedup();
    let checks_json = serde_json::to_string(&checks).unwrap_or_else(|_| "[]".into());
    sqlx::query(
        "UPDATE cases SET identity_method = $1, identity_outcome = $2, identity_checks = $3, \
         identity_at = $4 WHERE id = $5",
    )
    .bind(check.method.word())
    .bind(check.outcome.word())
    .bind(&checks_json)
    .bind(ts(now))
    .bind(&case.id.0)
    .execute(cases.db.pool())
    .await?;
    audit::append(
        &cases.db,
        &case.id.0,
        now,
        &by.to_string(),
        Event::IdentityChecked,
        serde_json::json!({
            "method": check.method.word(),
            "outcome": check.outcome.word(),
            "checks": checks,
        }),
    )
    .await?;
    cases
        .metrics
        .identity_checks
        .with_label_values(&[check.outcome.word()])
        .inc();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_confirmation_needs_its_methods_whole_checklist() {
        let mut c = IdentityCheck {
            method: Method::IdCard,
            checks: vec![Check::PhotoMatches, Check::Valid, Check::NameMatches],
            outcome: Outcome::Confirmed,
            at: None,
        };
        assert_eq!(
            c.validate(),
            Err(IdentityError::Incomplete(vec![
                Check::SecurityFeatureVisible
            ]))
        );
        c.checks.push(Check::SecurityFeatureVisible);
        assert_eq!(c.validate(), Ok(()));
        let failed = IdentityCheck {
            checks: vec![],
            outcome: Outcome::Failed,
            ..c.clone()
        };
        assert_eq!(failed.validate(), Ok(()));
        let questions = IdentityCheck {
            method: Method::SecurityQuestions,
            checks: vec![Check::QuestionsAnswered, Check::NameMatches],
            outcome: Outcome::Confirmed,
            at: None,
        };
        assert_eq!(questions.validate(), Ok(()));
    }

    #[test]
    fn unknown_fields_and_words_are_refused() {
        assert!(serde_json::from_str::<IdentityCheck>(
            r#"{"method":"id_card","checks":[],"outcome":"failed","extra":1}"#
        )
        .is_err());
        assert!(serde_json::from_str::<IdentityCheck>(
            r#"{"method":"library_card","checks":[],"outcome":"failed"}"#
        )
        .is_err());
    }
}
