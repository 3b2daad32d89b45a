-- The case record: one per appointment, which the clerk works in during the call
-- (vamt-documents). Its files are sealed under a key of their own (`wrapped_key`: the case
-- key, sealed by the data key); erasing that key erases every byte of the case.
CREATE TABLE cases (
    id TEXT PRIMARY KEY,
    booking_id TEXT NOT NULL UNIQUE REFERENCES bookings(id),
    created_at TEXT NOT NULL,
    -- NULL once the case is erased.
    wrapped_key TEXT,
    -- The identity check (identity.rs): method and outcome as one word each, the ticked
    -- checklist as a JSON list of words. No image: frames are never uploaded.
    identity_method TEXT,
    identity_outcome TEXT,
    identity_checks TEXT,
    identity_at TEXT,
    -- The audit chain's head: its last entry's number and hash (an entry deleted from the
    -- end is found by them).
    audit_seq INTEGER NOT NULL DEFAULT 0,
    audit_head TEXT NOT NULL,
    erased_at TEXT
);

-- The audit log: append-only (the triggers refuse changes) and hash-chained (audit.rs;
-- `vamt audit verify` checks it). No personal data: words, IDs, sizes and hashes.
CREATE TABLE case_audit (
    case_id TEXT NOT NULL REFERENCES cases(id),
    seq INTEGER NOT NULL,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    event TEXT NOT NULL,
    detail TEXT NOT NULL,
    hash TEXT NOT NULL,
    PRIMARY KEY (case_id, seq)
);
CREATE TRIGGER case_audit_append_only_update BEFORE UPDATE ON case_audit
BEGIN
    SELECT RAISE(ABORT, 'case_audit is append-only');
END;
CREATE TRIGGER case_audit_append_only_delete BEFORE DELETE ON case_audit
BEGIN
    SELECT RAISE(ABORT, 'case_audit is append-only');
END;

-- Documents of a case, from the citizen or the office. The name is sealed under the case
-- key (a file name can name a person); the bytes are in case_document_chunks, each chunk
-- sealed under the case key.
CREATE TABLE case_documents (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases(id),
    origin TEXT NOT NULL,
    state TEXT NOT NULL,
    kind TEXT,
    sealed_name TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    received INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    completed_at TEXT
);
CREATE INDEX case_documents_case ON case_documents (case_id);

CREATE TABLE case_document_chunks (
    document_id TEXT NOT NULL REFERENCES case_documents(id) ON DELETE CASCADE,
    start_at INTEGER NOT NULL,
    len INTEGER NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (document_id, start_at)
);
