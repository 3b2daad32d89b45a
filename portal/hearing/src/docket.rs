//! The office's register of hearing cases in the database: import, letters, the citizen's
//! login and session, the answer and its documents, the evidence photos, the office's lists,
//! and erasure on schedule. Personal data (the case as imported, the answer, file names and
//! bytes) is sealed under the case's own key; the columns the lists filter on are not.
use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use prometheus::Registry;
use sha2::{Digest, Sha256};
use sqlx::Row;
use vamt_portal_core::file_kind::FileKind;
use vamt_portal_core::sql::{parse_ts, ts};
use vamt_portal_core::Clock;
use vamt_portal_storage::case_key::{CaseKey, SealError};
use vamt_portal_storage::db::Db;
use vamt_portal_storage::secret::{hash_token, random_id, random_token};
use vamt_portal_storage::vault::Vault;

use crate::access_code::AccessCode;
use crate::answer::{AnswerKind, Submission};
use crate::case::{CaseNumber, HearingCase};
use crate::config::HearingSettings;
use crate::import::{ImportLine, LineProblem, Problem};
use crate::metrics::HearingMetrics;

/// Something the hearing could not do.
#[derive(Debug, thiserror::Error)]
pub enum HearingError {
    /// The database failed.
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    /// A case's sealed data did not open (a wrong vault key, or an erased case).
    #[error("the case's data does not open")]
    Sealed,
    /// No such case (or not this session's).
    #[error("no such case")]
    NotFound,
    /// The access code could not be hashed.
    #[error("hashing failed")]
    Hash,
    /// The hearing's deadline has passed: nothing more can be submitted.
    #[error("the deadline has passed")]
    PastDeadline,
    /// The office has processed the case: the answer can no longer change.
    #[error("the case is processed")]
    Processed,
    /// The case already has as many documents as allowed.
    #[error("too many documents")]
    TooManyUploads,
    /// A document larger than allowed.
    #[error("the document is too large")]
    TooLarge,
    /// A document that is not a PDF, JPEG or PNG by its content.
    #[error("not a PDF, JPEG or PNG")]
    FileType,
    /// The first start's demo case was refused by the import's checks (a mistake in it).
    #[error("the demo case does not import: {0}")]
    Demo(String),
}

impl From<SealError> for HearingError {
    fn from(_: SealError) -> Self {
        HearingError::Sealed
    }
}

/// Where a case stands in the office.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseState {
    /// Imported, not answered.
    New,
    /// Answered by the citizen.
    Answered,
    /// Taken over into the office's case system.
    Processed,
}

impl CaseState {
    /// The word in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            CaseState::New => "new",
            CaseState::Answered => "answered",
            CaseState::Processed => "processed",
        }
    }

    fn parse(word: &str) -> CaseState {
        match word {
            "answered" => CaseState::Answered,
            "processed" => CaseState::Processed,
            _ => CaseState::New,
        }
    }
}

/// What an import did, case by case.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ImportReport {
    /// Cases new to the register.
    pub new: usize,
    /// Cases whose data changed (not yet answered).
    pub updated: usize,
    /// Cases sent again unchanged.
    pub unchanged: usize,
}

/// A login refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginRefusal {
    /// The code's check symbol caught a typo (no hash spent, no attempt counted).
    Typo,
    /// Unknown case number or wrong code: one answer for both.
    Refused,
    /// The code is right but the deadline has passed.
    Expired(NaiveDate),
}

/// One row of the office's list (no personal data: nothing sealed is opened for it).
#[derive(Debug, Clone, serde::Serialize)]
pub struct CaseRow {
    /// The case's ID.
    pub id: String,
    /// Its number.
    pub case_number: String,
    /// Where it stands.
    pub state: CaseState,
    /// The answer's kind.
    pub answer: Option<AnswerKind>,
    /// When answered.
    pub answered_at: Option<DateTime<Utc>>,
    /// Whether the answer was changed after the first.
    pub amended: bool,
    /// The deadline.
    pub deadline: NaiveDate,
    /// `fine` or `warning_fine`.
    pub sanction: String,
    /// The amount in minor units, and its currency.
    pub amount_minor: i64,
    /// ISO 4217.
    pub currency: String,
    /// When the warning fine was paid.
    pub paid_at: Option<DateTime<Utc>>,
    /// When the last letter was issued.
    pub letter_at: Option<DateTime<Utc>>,
    /// Whether its personal data is erased.
    pub erased: bool,
}

/// The office's filters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filter {
    /// Every case.
    All,
    /// Answered, not processed.
    New,
    /// Contested.
    Contested,
    /// A driver named.
    DriverNamed,
    /// Warning fine paid.
    Paid,
    /// Not answered yet.
    Unanswered,
    /// Processed.
    Processed,
}

impl Filter {
    /// Reads the filter's word in the page's query.
    pub fn parse(word: &str) -> Filter {
        match word {
            "new" => Filter::New,
            "contested" => Filter::Contested,
            "driver" => Filter::DriverNamed,
            "paid" => Filter::Paid,
            "unanswered" => Filter::Unanswered,
            "processed" => Filter::Processed,
            _ => Filter::All,
        }
    }

    fn sql(self) -> &'static str {
        match self {
            Filter::All => "1 = 1",
            Filter::New => "state = 'answered'",
            Filter::Contested => "answer = 'contest'",
            Filter::DriverNamed => "answer = 'driver'",
            Filter::Paid => "paid_at IS NOT NULL",
            Filter::Unanswered => "state = 'new'",
            Filter::Processed => "state = 'processed'",
        }
    }
}

/// An evidence photo's place on the page.
#[derive(Debug, Clone, serde::Serialize)]
pub struct EvidenceRef {
    /// Its random ID (served only to a session of its case).
    pub id: String,
    /// Its number on the page, from 1.
    pub seq: i64,
}

/// A document the citizen sent.
#[derive(Debug, Clone, serde::Serialize)]
pub struct UploadRef {
    /// Its ID.
    pub id: String,
    /// Its file name.
    pub name: String,
    /// Its size in bytes.
    pub size: i64,
    /// `pdf`, `jpeg` or `png`.
    pub kind: String,
    /// When it arrived.
    pub at: DateTime<Utc>,
}

/// A case with everything the citizen submitted, opened for one reader.
#[derive(Debug, Clone)]
pub struct CaseView {
    /// The case's ID.
    pub id: String,
    /// The case as imported.
    pub case: HearingCase,
    /// Where it stands.
    pub state: CaseState,
    /// The photos.
    pub evidence: Vec<EvidenceRef>,
    /// The answer, if any.
    pub submission: Option<Submission>,
    /// When answered (the latest change).
    pub answered_at: Option<DateTime<Utc>>,
    /// Whether the answer was changed.
    pub amended: bool,
    /// The documents sent.
    pub uploads: Vec<UploadRef>,
    /// When the warning fine was paid.
    pub paid_at: Option<DateTime<Utc>>,
}

/// Runs `work` (an access code's hash) where slow hashes run (storage's `slow_hash`).
async fn hashing<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, HearingError> {
    vamt_portal_storage::slow_hash::run(work)
        .await
        .map_err(|_| HearingError::Hash)
}

/// The register: the database, the vault, the settings, the counters, the clock and the
/// office's time zone (deadlines are the office's days).
pub struct Docket {
    /// The database.
    pub db: Db,
    vault: Vault,
    /// `[hearing]`.
    pub settings: HearingSettings,
    /// The counters.
    pub metrics: HearingMetrics,
    clock: Clock,
    tz: chrono_tz::Tz,
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn evidence_context(id: &str) -> String {
    format!("hearing.evidence:{id}")
}

fn upload_context(id: &str) -> String {
    format!("hearing.upload:{id}")
}

impl Docket {
    /// The register, its counters registered in `registry`.
    pub fn new(
        db: Db,
        vault: Vault,
        settings: HearingSettings,
        registry: &Registry,
        clock: Clock,
        tz: chrono_tz::Tz,
    ) -> Result<Docket, prometheus::Error> {
        Ok(Docket {
            db,
            vault,
            settings,
            metrics: HearingMetrics::new(registry)?,
            clock,
            tz,
        })
    }

    /// Now.
    pub fn now(&self) -> DateTime<Utc> {
        (self.clock)()
    }

    /// Today in the office's time zone.
    pub fn today(&self) -> NaiveDate {
        self.now().with_timezone(&self.tz).date_naive()
    }

    fn key(&self, id: &str, wrapped: Option<&str>) -> Result<CaseKey, HearingError> {
        let wrapped = wrapped.ok_or(HearingError::Sealed)?;
        Ok(CaseKey::unwrap(&self.vault, id, wrapped)?)
    }

    /// Stores an import read by [`crate::import::read`], with the evidence photos sent with
    /// it (by file name). All or nothing: a case whose photo is missing or not an image, or
    /// an answered case the file would change, refuses the whole file.
    pub async fn import(
        &self,
        lines: &[ImportLine],
        photos: &HashMap<String, Vec<u8>>,
        source: &str,
    ) -> Result<Result<ImportReport, Vec<LineProblem>>, HearingError> {
        let now = self.now();
        let mut tx = self.db.begin().await?;
        let mut report = ImportReport::default();
        let mut problems = Vec::new();
        for ImportLine { line, case } in lines {
            let json = serde_json::to_string(case).map_err(|_| HearingError::Sealed)?;
            let content = sha256_hex(json.as_bytes());
            let existing = sqlx::query(
                "SELECT id, content_sha256, state FROM hearing_cases WHERE case_number = $1",
            )
            .bind(case.case_number.as_str())
            .fetch_optional(&mut *tx)
            .await?;
            let existing: Option<(String, String, String)> =
                existing.map(|r| (r.get(0), r.get(1), r.get(2)));
            if let Some((_, sha, _)) = &existing {
                if *sha == content {
                    report.unchanged += 1;
                    continue;
                }
            }
            if let Some((_, _, state)) = &existing {
                if state != CaseState::New.as_str() {
                    problems.push(LineProblem {
                        line: *line,
                        problem: Problem::AlreadyAnswered,
                    });
                    continue;
                }
            }
            let mut images = Vec::new();
            for name in &case.evidence {
                match photos.get(name) {
                    None => problems.push(LineProblem {
                        line: *line,
                        problem: Problem::EvidenceMissing(name.clone()),
                    }),
                    Some(bytes) => match FileKind::sniff(bytes, tail(bytes)) {
                        Ok(kind @ (FileKind::Jpeg | FileKind::Png)) => {
                            images.push((name, kind, bytes))
                        }
                        _ => problems.push(LineProblem {
                            line: *line,
                            problem: Problem::EvidenceNotImage(name.clone()),
                        }),
                    },
                }
            }
            if !problems.is_empty() {
                // Go on checking the rest, writing nothing more that will be rolled back.
                continue;
            }
            let key = CaseKey::generate();
            let id = match &existing {
                Some((id, _, _)) => id.clone(),
                None => random_id("HC_"),
            };
            let sealed = key.seal_text(&format!("hearing.case:{id}"), &json);
            let erase_after = ts(self.end_of(case.deadline) + self.settings.retain_for);
            if existing.is_some() {
                sqlx::query(
                    "UPDATE hearing_cases SET sealed_case = $1, content_sha256 = $2, wrapped_key = $3, \
                     sanction = $4, amount_minor = $5, currency = $6, deadline = $7, erase_after = $8 \
                     WHERE id = $9",
                )
                .bind(&sealed)
                .bind(&content)
                .bind(key.wrap(&self.vault, &id))
                .bind(case.sanction.kind.as_str())
                .bind(case.sanction.amount.minor)
                .bind(case.sanction.amount.currency.code())
                .bind(case.deadline.to_string())
                .bind(&erase_after)
                .bind(&id)
                .execute(&mut *tx)
                .await?;
                sqlx::query("DELETE FROM hearing_evidence WHERE case_id = $1")
                    .bind(&id)
                    .execute(&mut *tx)
                    .await?;
                report.updated += 1;
            } else {
                sqlx::query(
                    "INSERT INTO hearing_cases (id, case_number, sealed_case, content_sha256, wrapped_key, \
                     sanction, amount_minor, currency, deadline, source, imported_at, state, erase_after) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'new', $12)",
                )
                .bind(&id)
                .bind(case.case_number.as_str())
                .bind(&sealed)
                .bind(&content)
                .bind(key.wrap(&self.vault, &id))
                .bind(case.sanction.kind.as_str())
                .bind(case.sanction.amount.minor)
                .bind(case.sanction.amount.currency.code())
                .bind(case.deadline.to_string())
                .bind(source)
                .bind(ts(now))
                .bind(&erase_after)
                .execute(&mut *tx)
                .await?;
                report.new += 1;
            }
            for (seq, (name, kind, bytes)) in (1i64..).zip(images) {
                let eid = random_token(18);
                sqlx::query(
                    "INSERT INTO hearing_evidence (id, case_id, seq, name, media_type, data) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(&eid)
                .bind(&id)
                .bind(seq)
                .bind(key.seal_text(&format!("hearing.evidence-name:{eid}"), name))
                .bind(kind.media_type())
                .bind(key.seal(&evidence_context(&eid), bytes))
                .execute(&mut *tx)
                .await?;
            }
            audit_in(
                &mut tx,
                &id,
                now,
                &format!("import:{source}"),
                if existing.is_some() {
                    "updated"
                } else {
                    "imported"
                },
            )
            .await?;
        }
        if !problems.is_empty() {
            tx.rollback().await?;
            self.metrics.imports_refused.inc();
            problems.sort_by_key(|p| p.line);
            return Ok(Err(problems));
        }
        tx.commit().await?;
        for (outcome, n) in [
            ("new", report.new),
            ("updated", report.updated),
            ("unchanged", report.unchanged),
        ] {
            self.metrics
                .imported
                .with_label_values(&[outcome])
                .inc_by(n as u64);
        }
        Ok(Ok(report))
    }

    /// The first instant after the office's day `day`.
    fn end_of(&self, day: NaiveDate) -> DateTime<Utc> {
        use chrono::TimeZone;
        let next = day
            .succ_opt()
            .unwrap_or(day)
            .and_hms_opt(0, 0, 0)
            .unwrap_or_default();
        self.tz
            .from_local_datetime(&next)
            .earliest()
            .map_or_else(|| next.and_utc(), |t| t.with_timezone(&Utc))
    }

    /// Issues letters: a new access code for each case (the previous letter's code stops
    /// working), returned with the case for printing. The code exists in clear only here.
    pub async fn issue_letters(
        &self,
        ids: &[String],
        actor: &str,
    ) -> Result<Vec<(HearingCase, AccessCode)>, HearingError> {
        let now = self.now();
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            let (case, _) = self.open_case(id).await?;
            let code = AccessCode::generate();
            let for_hash = code.clone();
            let hash = hashing(move || for_hash.hash())
                .await?
                .map_err(|_| HearingError::Hash)?;
            sqlx::query("UPDATE hearing_cases SET code_hash = $1, letter_at = $2 WHERE id = $3 AND erased_at IS NULL")
                .bind(hash)
                .bind(ts(now))
                .bind(id)
                .execute(self.db.pool())
                .await?;
            self.audit(id, actor, "letter").await?;
            self.metrics.letters.inc();
            out.push((case, code));
        }
        Ok(out)
    }

    /// IDs of the cases matching `filter` (oldest import first) that have no letter yet,
    /// or all of them.
    pub async fn without_letter(&self) -> Result<Vec<String>, HearingError> {
        Ok(sqlx::query_scalar(
            "SELECT id FROM hearing_cases WHERE letter_at IS NULL AND erased_at IS NULL ORDER BY imported_at, case_number",
        )
        .fetch_all(self.db.pool())
        .await?)
    }

    /// Checks a login. An unknown case number costs the same slow hash as a wrong code
    /// (one Argon2 verification, see `AccessCode::verify`) and gets the same refusal; a typo
    /// caught by the check symbol costs none.
    pub async fn login(
        &self,
        typed_case: &str,
        typed_code: &str,
    ) -> Result<Result<(String, String), LoginRefusal>, HearingError> {
        let Ok(code) = AccessCode::parse(typed_code) else {
            return Ok(Err(LoginRefusal::Typo));
        };
        let row = match CaseNumber::parse(typed_case) {
            Some(number) => sqlx::query(
                "SELECT id, code_hash, deadline FROM hearing_cases WHERE case_number = $1 AND erased_at IS NULL",
            )
            .bind(number.as_str())
            .fetch_optional(self.db.pool())
            .await?
            .map(|r| {
                let id: String = r.get(0);
                let hash: Option<String> = r.get(1);
                let deadline: String = r.get(2);
                (id, hash, deadline)
            }),
            None => None,
        };
        let stored = row.as_ref().and_then(|(_, h, _)| h.clone());
        // Every path from here spends exactly one Argon2 verification: a found case's hash,
        // or (unknown case, case without a letter) the decoy inside `verify`.
        let matched = hashing(move || code.verify(stored.as_deref())).await?;
        let Some((id, _, deadline)) = row.filter(|_| matched) else {
            self.metrics
                .code_checks
                .with_label_values(&["refused"])
                .inc();
            return Ok(Err(LoginRefusal::Refused));
        };
        let deadline = NaiveDate::parse_from_str(&deadline, "%Y-%m-%d").unwrap_or_default();
        if self.today() > deadline {
            self.metrics
                .code_checks
                .with_label_values(&["expired"])
                .inc();
            self.audit(&id, "citizen", "login_after_deadline").await?;
            return Ok(Err(LoginRefusal::Expired(deadline)));
        }
        self.metrics
            .code_checks
            .with_label_values(&["accepted"])
            .inc();
        let token = random_token(32);
        sqlx::query(
            "INSERT INTO hearing_sessions (token_sha256, case_id, expires_at) VALUES ($1, $2, $3)",
        )
        .bind(hash_token(&token))
        .bind(&id)
        .bind(ts(self.now() + self.settings.session_for))
        .execute(self.db.pool())
        .await?;
        sqlx::query("DELETE FROM hearing_sessions WHERE expires_at < $1")
            .bind(ts(self.now()))
            .execute(self.db.pool())
            .await?;
        self.audit(&id, "citizen", "login").await?;
        Ok(Ok((token, id)))
    }

    /// The case of a session, its expiry moved on (a session lasts while it is used).
    pub async fn session(&self, token: &str) -> Result<Option<String>, HearingError> {
        let now = self.now();
        let row: Option<(String, String)> = sqlx::query_as(
            "SELECT case_id, expires_at FROM hearing_sessions WHERE token_sha256 = $1",
        )
        .bind(hash_token(token))
        .fetch_optional(self.db.pool())
        .await?;
        let Some((case_id, expires)) = row else {
            return Ok(None);
        };
        let Some(expires) = parse_ts(&expires).filter(|e| *e > now) else {
            return Ok(None);
        };
        // Moved on at most once a minute: the case page's photos are requests of the same
        // session, and a write for each would be a write per image.
        if expires < now + self.settings.session_for - Duration::minutes(1) {
            sqlx::query("UPDATE hearing_sessions SET expires_at = $1 WHERE token_sha256 = $2")
                .bind(ts(now + self.settings.session_for))
                .bind(hash_token(token))
                .execute(self.db.pool())
                .await?;
        }
        Ok(Some(case_id))
    }

    /// Ends a session.
    pub async fn logout(&self, token: &str) -> Result<(), HearingError> {
        sqlx::query("DELETE FROM hearing_sessions WHERE token_sha256 = $1")
            .bind(hash_token(token))
            .execute(self.db.pool())
            .await?;
        Ok(())
    }

    async fn open_case(&self, id: &str) -> Result<(HearingCase, CaseKey), HearingError> {
        let row: Option<(String, Option<String>)> = sqlx::query_as(
            "SELECT sealed_case, wrapped_key FROM hearing_cases WHERE id = $1 AND erased_at IS NULL",
        )
        .bind(id)
        .fetch_optional(self.db.pool())
        .await?;
        let (sealed, wrapped) = row.ok_or(HearingError::NotFound)?;
        self.unseal(id, &sealed, wrapped.as_deref())
    }

    /// The case as imported and its key, from the row's sealed case and wrapped key.
    fn unseal(
        &self,
        id: &str,
        sealed: &str,
        wrapped: Option<&str>,
    ) -> Result<(HearingCase, CaseKey), HearingError> {
        let key = self.key(id, wrapped)?;
        let json = key.open_text(&format!("hearing.case:{id}"), sealed)?;
        let case = serde_json::from_str(&json).map_err(|_| HearingError::Sealed)?;
        Ok((case, key))
    }

    /// A case with what was submitted, for its citizen or (audited) for staff.
    pub async fn view(&self, id: &str, reader: Reader<'_>) -> Result<CaseView, HearingError> {
        let row = sqlx::query(
            "SELECT sealed_case, wrapped_key, state, sealed_answer, answered_at, amended, paid_at \
             FROM hearing_cases WHERE id = $1 AND erased_at IS NULL",
        )
        .bind(id)
        .fetch_optional(self.db.pool())
        .await?
        .ok_or(HearingError::NotFound)?;
        let sealed_case: String = row.get(0);
        let wrapped: Option<String> = row.get(1);
        let (case, key) = self.unseal(id, &sealed_case, wrapped.as_deref())?;
        let state: String = row.get(2);
        let sealed_answer: Option<String> = row.get(3);
        let answered_at: Option<String> = row.get(4);
        let amended: i64 = row.get(5);
        let paid_at: Option<String> = row.get(6);
        let submission = match sealed_answer {
            Some(s) => {
                let json = key.open_text(&format!("hearing.answer:{id}"), &s)?;
                Some(serde_json::from_str(&json).map_err(|_| HearingError::Sealed)?)
            }
            None => None,
        };
        let evidence = sqlx::query_as::<_, (String, i64)>(
            "SELECT id, seq FROM hearing_evidence WHERE case_id = $1 ORDER BY seq",
        )
        .bind(id)
        .fetch_all(self.db.pool())
        .await?
        .into_iter()
        .map(|(id, seq)| EvidenceRef { id, seq })
        .collect();
        let mut uploads = Vec::new();
        for (uid, kind, sealed_name, size, at) in sqlx::query_as::<_, (String, String, String, i64, String)>(
            "SELECT id, kind, sealed_name, size, created_at FROM hearing_uploads WHERE case_id = $1 ORDER BY created_at, id",
        )
        .bind(id)
        .fetch_all(self.db.pool())
        .await?
        {
            let name = key.open_text(&format!("hearing.upload-name:{uid}"), &sealed_name)?;
            uploads.push(UploadRef { id: uid, name, size, kind, at: parse_ts(&at).unwrap_or_default() });
        }
        if let Reader::Staff(actor) = reader {
            self.audit(id, actor, "viewed").await?;
        }
        Ok(CaseView {
            id: id.to_owned(),
            case,
            state: CaseState::parse(&state),
            evidence,
            submission,
            answered_at: answered_at.as_deref().and_then(parse_ts),
            amended: amended != 0,
            uploads,
            paid_at: paid_at.as_deref().and_then(parse_ts),
        })
    }

    /// An evidence photo of case `case_id` (never another case's, whatever the ID): its
    /// media type and bytes.
    pub async fn evidence(
        &self,
        case_id: &str,
        evidence_id: &str,
    ) -> Result<(String, Vec<u8>), HearingError> {
        self.sealed_file(
            "SELECT e.media_type, e.data, c.wrapped_key FROM hearing_evidence e \
             JOIN hearing_cases c ON c.id = e.case_id WHERE e.id = $1 AND e.case_id = $2 AND c.erased_at IS NULL",
            case_id,
            evidence_id,
            &evidence_context(evidence_id),
        )
        .await
    }

    /// A document the citizen sent, for the office (audited) or the citizen: its media type
    /// and bytes.
    pub async fn upload_bytes(
        &self,
        case_id: &str,
        upload_id: &str,
    ) -> Result<(String, Vec<u8>), HearingError> {
        let (kind, bytes) = self
            .sealed_file(
                "SELECT u.kind, u.data, c.wrapped_key FROM hearing_uploads u \
                 JOIN hearing_cases c ON c.id = u.case_id WHERE u.id = $1 AND u.case_id = $2 AND c.erased_at IS NULL",
                case_id,
                upload_id,
                &upload_context(upload_id),
            )
            .await?;
        let media = FileKind::parse(&kind).map_or("application/octet-stream", FileKind::media_type);
        Ok((media.to_owned(), bytes))
    }

    /// The row `sql` finds for (`file_id`, `case_id`): its first column, and its sealed bytes
    /// opened with the case's key for `context`.
    async fn sealed_file(
        &self,
        sql: &'static str,
        case_id: &str,
        file_id: &str,
        context: &str,
    ) -> Result<(String, Vec<u8>), HearingError> {
        let row: Option<(String, Vec<u8>, Option<String>)> = sqlx::query_as(sql)
            .bind(file_id)
            .bind(case_id)
            .fetch_optional(self.db.pool())
            .await?;
        let (what, sealed, wrapped) = row.ok_or(HearingError::NotFound)?;
        let key = self.key(case_id, wrapped.as_deref())?;
        Ok((what, key.open(context, &sealed)?))
    }

    async fn open_for_change(&self, id: &str) -> Result<CaseKey, HearingError> {
        let row: Option<(String, String, Option<String>)> = sqlx::query_as(
            "SELECT state, deadline, wrapped_key FROM hearing_cases WHERE id = $1 AND erased_at IS NULL",
        )
        .bind(id)
        .fetch_optional(self.db.pool())
        .await?;
        let (state, deadline, wrapped) = row.ok_or(HearingError::NotFound)?;
        if CaseState::parse(&state) == CaseState::Processed {
            return Err(HearingError::Processed);
        }
        let deadline = NaiveDate::parse_from_str(&deadline, "%Y-%m-%d").unwrap_or_default();
        if self.today() > deadline {
            return Err(HearingError::PastDeadline);
        }
        self.key(id, wrapped.as_deref())
    }

    /// Stores the citizen's answer (a later one replaces it, marked as amended) until the
    /// deadline.
    pub async fn answer(&self, id: &str, submission: &Submission) -> Result<(), HearingError> {
        let key = self.open_for_change(id).await?;
        let json = serde_json::to_string(submission).map_err(|_| HearingError::Sealed)?;
        let kind = submission.answer.kind();
        let done = sqlx::query(
            "UPDATE hearing_cases SET sealed_answer = $1, answer = $2, state = 'answered', answered_at = $3, \
             amended = CASE WHEN answered_at IS NULL THEN 0 ELSE 1 END WHERE id = $4 AND state <> 'processed' \
             RETURNING amended",
        )
        .bind(key.seal_text(&format!("hearing.answer:{id}"), &json))
        .bind(kind.as_str())
        .bind(ts(self.now()))
        .bind(id)
        .fetch_optional(self.db.pool())
        .await?;
        let amended: i64 = done.ok_or(HearingError::Processed)?.get(0);
        self.metrics
            .answers
            .with_label_values(&[kind.as_str(), if amended != 0 { "yes" } else { "no" }])
            .inc();
        self.audit(id, "citizen", &format!("answered:{}", kind.as_str()))
            .await
    }

    /// Stores a document the citizen sends, checked by size and by content.
    pub async fn upload(
        &self,
        id: &str,
        name: &str,
        bytes: &[u8],
    ) -> Result<UploadRef, HearingError> {
        let key = self.open_for_change(id).await?;
        if bytes.len() as u64 > self.settings.max_upload_bytes {
            return Err(HearingError::TooLarge);
        }
        let kind = FileKind::sniff(bytes, tail(bytes)).map_err(|_| HearingError::FileType)?;
        let count: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM hearing_uploads WHERE case_id = $1")
                .bind(id)
                .fetch_one(self.db.pool())
                .await?;
        if count >= i64::from(self.settings.max_uploads) {
            return Err(HearingError::TooManyUploads);
        }
        let uid = random_id("HU_");
        let name: String = name
            .chars()
            .filter(|c| !c.is_control() && !matches!(c, '/' | '\\'))
            .take(120)
            .collect();
        let name = if name.trim().is_empty() {
            format!("document.{}", kind.as_str())
        } else {
            name
        };
        let now = self.now();
        let size = i64::try_from(bytes.len()).unwrap_or(i64::MAX);
        sqlx::query(
            "INSERT INTO hearing_uploads (id, case_id, kind, sealed_name, size, data, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&uid)
        .bind(id)
        .bind(kind.as_str())
        .bind(key.seal_text(&format!("hearing.upload-name:{uid}"), &name))
        .bind(size)
        .bind(key.seal(&upload_context(&uid), bytes))
        .bind(ts(now))
        .execute(self.db.pool())
        .await?;
        self.audit(id, "citizen", "uploaded").await?;
        Ok(UploadRef {
            id: uid,
            name,
            size,
            kind: kind.as_str().to_owned(),
            at: now,
        })
    }

    /// Records that the warning fine was paid.
    pub async fn mark_paid(&self, id: &str, actor: &str) -> Result<(), HearingError> {
        sqlx::query("UPDATE hearing_cases SET paid_at = $1 WHERE id = $2 AND paid_at IS NULL")
            .bind(ts(self.now()))
            .bind(id)
            .execute(self.db.pool())
            .await?;
        self.audit(id, actor, "paid").await
    }

    /// The office's list.
    pub async fn list(&self, filter: Filter, limit: i64) -> Result<Vec<CaseRow>, HearingError> {
        let sql = format!(
            "SELECT id, case_number, state, answer, answered_at, amended, deadline, sanction, amount_minor, \
             currency, paid_at, letter_at, erased_at FROM hearing_cases WHERE {} \
             ORDER BY COALESCE(answered_at, imported_at) DESC, case_number LIMIT {}",
            filter.sql(),
            limit.clamp(1, 10_000)
        );
        // The filter's condition is one of `Filter::sql`'s constants, the limit a number.
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch_all(self.db.pool())
            .await?;
        Ok(rows
            .into_iter()
            .map(|r| {
                let answered_at: Option<String> = r.get(4);
                let paid_at: Option<String> = r.get(10);
                let letter_at: Option<String> = r.get(11);
                let erased_at: Option<String> = r.get(12);
                let answer: Option<String> = r.get(3);
                let deadline: String = r.get(6);
                let amended: i64 = r.get(5);
                let state: String = r.get(2);
                CaseRow {
                    id: r.get(0),
                    case_number: r.get(1),
                    state: CaseState::parse(&state),
                    answer: answer.as_deref().and_then(AnswerKind::parse),
                    answered_at: answered_at.as_deref().and_then(parse_ts),
                    amended: amended != 0,
                    deadline: NaiveDate::parse_from_str(&deadline, "%Y-%m-%d").unwrap_or_default(),
                    sanction: r.get(7),
                    amount_minor: r.get(8),
                    currency: r.get(9),
                    paid_at: paid_at.as_deref().and_then(parse_ts),
                    letter_at: letter_at.as_deref().and_then(parse_ts),
                    erased: erased_at.is_some(),
                }
            })
            .collect())
    }

    /// Marks answered cases as taken over into the office's case system; their personal
    /// data is erased [`HearingSettings::retain_for`] later (or after the deadline's, if later).
    pub async fn mark_processed(&self, ids: &[String], actor: &str) -> Result<usize, HearingError> {
        let now = self.now();
        let erase = ts(now + self.settings.retain_for);
        let mut done = 0;
        for id in ids {
            let n = sqlx::query(
                "UPDATE hearing_cases SET state = 'processed', processed_at = $1, \
                 erase_after = CASE WHEN erase_after < $2 THEN $2 ELSE erase_after END \
                 WHERE id = $3 AND state = 'answered'",
            )
            .bind(ts(now))
            .bind(&erase)
            .bind(id)
            .execute(self.db.pool())
            .await?
            .rows_affected();
            if n > 0 {
                done += 1;
                self.audit(id, actor, "processed").await?;
            }
        }
        Ok(done)
    }

    /// Erases the personal data of every case past its retention: the key, the sealed case
    /// and answer, photos, documents and sessions. The row keeps number, state and dates.
    pub async fn erase_due(&self) -> Result<usize, HearingError> {
        let now = ts(self.now());
        let due: Vec<String> = sqlx::query_scalar(
            "SELECT id FROM hearing_cases WHERE erase_after <= $1 AND erased_at IS NULL",
        )
        .bind(&now)
        .fetch_all(self.db.pool())
        .await?;
        for id in &due {
            let mut tx = self.db.begin().await?;
            for delete in [
                "DELETE FROM hearing_evidence WHERE case_id = $1",
                "DELETE FROM hearing_uploads WHERE case_id = $1",
                "DELETE FROM hearing_sessions WHERE case_id = $1",
            ] {
                sqlx::query(delete).bind(id).execute(&mut *tx).await?;
            }
            sqlx::query(
                "UPDATE hearing_cases SET wrapped_key = NULL, sealed_case = '', sealed_answer = NULL, \
                 code_hash = NULL, erased_at = $1 WHERE id = $2",
            )
            .bind(&now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            audit_in(&mut tx, id, self.now(), "retention", "erased").await?;
            tx.commit().await?;
            self.metrics.erased.inc();
        }
        Ok(due.len())
    }

    /// Appends to a case's audit log.
    pub async fn audit(&self, id: &str, actor: &str, event: &str) -> Result<(), HearingError> {
        let mut tx = self.db.begin().await?;
        audit_in(&mut tx, id, self.now(), actor, event).await?;
        tx.commit().await?;
        Ok(())
    }

    /// A case's audit log, oldest first: (when, who, what).
    pub async fn audit_log(
        &self,
        id: &str,
    ) -> Result<Vec<(DateTime<Utc>, String, String)>, HearingError> {
        let rows: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT at, actor, event FROM hearing_audit WHERE case_id = $1 ORDER BY seq",
        )
        .bind(id)
        .fetch_all(self.db.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(at, actor, event)| (parse_ts(&at).unwrap_or_default(), actor, event))
            .collect())
    }

    /// The case ID of a case number (for the office's search).
    pub async fn find(&self, typed: &str) -> Result<Option<String>, HearingError> {
        let Some(number) = CaseNumber::parse(typed) else {
            return Ok(None);
        };
        Ok(
            sqlx::query_scalar("SELECT id FROM hearing_cases WHERE case_number = $1")
                .bind(number.as_str())
                .fetch_optional(self.db.pool())
                .await?,
        )
    }

    /// Adds an importing system; returns its token (shown once, only its hash is kept).
    pub async fn add_source(&self, name: &str) -> Result<String, HearingError> {
        let token = format!("vamt_imp_{}", random_token(32));
        sqlx::query(
            "INSERT INTO hearing_sources (name, token_sha256, created_at) VALUES ($1, $2, $3)",
        )
        .bind(name)
        .bind(hash_token(&token))
        .bind(ts(self.now()))
        .execute(self.db.pool())
        .await?;
        Ok(token)
    }

    /// The importing system a bearer token belongs to.
    pub async fn source_of(&self, token: &str) -> Result<Option<String>, HearingError> {
        Ok(sqlx::query_scalar(
            "SELECT name FROM hearing_sources WHERE token_sha256 = $1 AND revoked_at IS NULL",
        )
        .bind(hash_token(token))
        .fetch_optional(self.db.pool())
        .await?)
    }
}

/// Who reads a case.
#[derive(Debug, Clone, Copy)]
pub enum Reader<'a> {
    /// The citizen in their session.
    Citizen,
    /// A member of staff (audited), e.g. `clerk:7`.
    Staff(&'a str),
}

fn tail(bytes: &[u8]) -> &[u8] {
    &bytes[bytes
        .len()
        .saturating_sub(vamt_portal_core::file_kind::TAIL)..]
}

async fn audit_in(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    id: &str,
    at: DateTime<Utc>,
    actor: &str,
    event: &str,
) -> Result<(), HearingError> {
    sqlx::query(
        "INSERT INTO hearing_audit (case_id, seq, at, actor, event) \
         VALUES ($1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM hearing_audit WHERE case_id = $1), $2, $3, $4)",
    )
    .bind(id)
    .bind(ts(at))
    .bind(actor)
    .bind(event)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// How often the erasure job runs.
pub const ERASE_INTERVAL: std::time::Duration = std::time::Duration::from_secs(3600);

/// Erases what is due every [`ERASE_INTERVAL`] until `stop`.
pub async fn run(docket: std::sync::Arc<Docket>, stop: impl std::future::Future<Output = ()>) {
    vamt_portal_storage::job::every("hearing retention", ERASE_INTERVAL, stop, || async {
        let n = docket.erase_due().await?;
        if n > 0 {
            tracing::info!(
                cases = n,
                "hearing cases' personal data erased after retention"
            );
        }
        Ok::<u64, HearingError>(n as u64)
    })
    .await;
}
