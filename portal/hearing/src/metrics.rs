//! The hearing's counters, `vamt_portal_hearing_*`.
use prometheus::{IntCounter, IntCounterVec, Opts, Registry};

/// The hearing's counters.
#[derive(Clone)]
pub struct HearingMetrics {
    /// Cases imported, by outcome (`new`, `updated`, `unchanged`).
    pub imported: IntCounterVec,
    /// Import files refused for a bad line.
    pub imports_refused: IntCounter,
    /// Access-code checks by their slow hash, by outcome (`accepted`, `refused`, `expired`).
    /// An unknown case number counts as `refused` after the same hash work: the count of
    /// hashes is the count of attempts, whatever was typed.
    pub code_checks: IntCounterVec,
    /// Answers submitted, by kind (`admit`, `contest`, `driver`) and whether amended.
    pub answers: IntCounterVec,
    /// Letters issued (each a new access code).
    pub letters: IntCounter,
    /// Cases whose personal data was erased on schedule.
    pub erased: IntCounter,
}

impl HearingMetrics {
    /// The counters, registered in `registry`.
    pub fn new(registry: &Registry) -> Result<Self, prometheus::Error> {
        let imported = IntCounterVec::new(
            Opts::new(
                "vamt_portal_hearing_cases_imported_total",
                "Hearing cases imported, by outcome.",
            ),
            &["outcome"],
        )?;
        let imports_refused = IntCounter::new(
            "vamt_portal_hearing_imports_refused_total",
            "Hearing import files refused for a bad line (nothing of them stored).",
        )?;
        let code_checks = IntCounterVec::new(
            Opts::new(
                "vamt_portal_hearing_code_checks_total",
                "Access-code checks (each one slow hash), by outcome.",
            ),
            &["outcome"],
        )?;
        let answers = IntCounterVec::new(
            Opts::new(
                "vamt_portal_hearing_answers_total",
                "Hearing answers submitted, by kind.",
            ),
            &["kind", "amended"],
        )?;
        let letters = IntCounter::new(
            "vamt_portal_hearing_letters_total",
            "Hearing letters issued, each with a new access code.",
        )?;
        let erased = IntCounter::new(
            "vamt_portal_hearing_cases_erased_total",
            "Hearing cases whose personal data was erased on schedule.",
        )?;
        registry.register(Box::new(imported.clone()))?;
        registry.register(Box::new(imports_refused.clone()))?;
        registry.register(Box::new(code_checks.clone()))?;
        registry.register(Box::new(answers.clone()))?;
        registry.register(Box::new(letters.clone()))?;
        registry.register(Box::new(erased.clone()))?;
        Ok(Self {
            imported,
            imports_refused,
            code_checks,
            answers,
            letters,
            erased,
        })
    }
}
