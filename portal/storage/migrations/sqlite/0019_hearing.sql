-- The online hearing for administrative offences (issue 22, vamt-hearing, docs/hearing.md).
-- A case's personal data (addressee, vehicle, the answer, uploads, evidence) is sealed under
-- the case's own key (`wrapped_key`, as cases do); erasing that key erases the case. What
-- stays readable is what the office's lists filter on: number, state, answer's kind, dates.

-- Systems that import cases over the API, each with its own token (only its SHA-256 here).
CREATE TABLE hearing_sources (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    token_sha256 TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);

CREATE TABLE hearing_cases (
    id TEXT PRIMARY KEY,
    case_number TEXT NOT NULL UNIQUE,
    -- The imported case as JSON, sealed under the case key; its SHA-256 tells a re-import
    -- of the same case (nothing changes) from a corrected one.
    sealed_case TEXT NOT NULL,
    content_sha256 TEXT NOT NULL,
    wrapped_key TEXT,
    -- Argon2id of the access code of the last letter; NULL before the first letter.
    code_hash TEXT,
    letter_at TEXT,
    sanction TEXT NOT NULL,
    amount_minor INTEGER NOT NULL,
    currency TEXT NOT NULL,
    deadline TEXT NOT NULL,
    source TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    -- new | answered | processed
    state TEXT NOT NULL,
    -- admit | contest | driver; NULL before an answer.
    answer TEXT,
    -- The answer as JSON, sealed under the case key.
    sealed_answer TEXT,
    answered_at TEXT,
    amended INTEGER NOT NULL DEFAULT 0,
    paid_at TEXT,
    processed_at TEXT,
    erase_after TEXT NOT NULL,
    erased_at TEXT
);
CREATE INDEX hearing_cases_state ON hearing_cases (state, answer);

-- The evidence photos: each under a random ID that only a session of its case is served.
CREATE TABLE hearing_evidence (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES hearing_cases(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    name TEXT NOT NULL,
    media_type TEXT NOT NULL,
    data BLOB NOT NULL
);
CREATE INDEX hearing_evidence_case ON hearing_evidence (case_id);

-- Documents the citizen sends with the answer.
CREATE TABLE hearing_uploads (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES hearing_cases(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    sealed_name TEXT NOT NULL,
    size INTEGER NOT NULL,
    data BLOB NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX hearing_uploads_case ON hearing_uploads (case_id);

CREATE TABLE hearing_sessions (
    token_sha256 TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES hearing_cases(id) ON DELETE CASCADE,
    expires_at TEXT NOT NULL
);

-- Who did what with a case: imports, letters, logins, answers, and every view by staff.
-- Append-only. No personal data: words and IDs.
CREATE TABLE hearing_audit (
    case_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    event TEXT NOT NULL,
    PRIMARY KEY (case_id, seq)
);
CREATE TRIGGER hearing_audit_append_only_update BEFORE UPDATE ON hearing_audit
BEGIN
    SELECT RAISE(ABORT, 'hearing_audit is append-only');
END;
