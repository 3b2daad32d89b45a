-- PostgreSQL twin of sqlite/0014_case_record.sql: the same tables, keys and refusals.
CREATE TABLE cases (
    id TEXT PRIMARY KEY,
    booking_id TEXT NOT NULL UNIQUE REFERENCES bookings(id),
    created_at TEXT NOT NULL,
    wrapped_key TEXT,
    identity_method TEXT,
    identity_outcome TEXT,
    identity_checks TEXT,
    identity_at TEXT,
    audit_seq BIGINT NOT NULL DEFAULT 0,
    audit_head TEXT NOT NULL,
    erased_at TEXT
);

CREATE TABLE case_audit (
    case_id TEXT NOT NULL REFERENCES cases(id),
    seq BIGINT NOT NULL,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    event TEXT NOT NULL,
    detail TEXT NOT NULL,
    hash TEXT NOT NULL,
    PRIMARY KEY (case_id, seq)
);
CREATE FUNCTION case_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'case_audit is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER case_audit_append_only BEFORE UPDATE OR DELETE ON case_audit
    FOR EACH ROW EXECUTE FUNCTION case_audit_append_only();

CREATE TABLE case_documents (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases(id),
    origin TEXT NOT NULL,
    state TEXT NOT NULL,
    kind TEXT,
    sealed_name TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    received BIGINT NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    completed_at TEXT
);
CREATE INDEX case_documents_case ON case_documents (case_id);

CREATE TABLE case_document_chunks (
    document_id TEXT NOT NULL REFERENCES case_documents(id) ON DELETE CASCADE,
    start_at BIGINT NOT NULL,
    len BIGINT NOT NULL,
    data BYTEA NOT NULL,
    PRIMARY KEY (document_id, start_at)
);
