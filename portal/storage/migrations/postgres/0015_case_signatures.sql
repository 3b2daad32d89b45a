-- PostgreSQL twin of sqlite/0015_case_signatures.sql.
CREATE TABLE case_signatures (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases(id),
    document_id TEXT NOT NULL REFERENCES case_documents(id),
    state TEXT NOT NULL,
    method TEXT,
    sha256_before TEXT NOT NULL,
    tan_hash TEXT,
    tan_expires_at TEXT,
    tan_attempts BIGINT NOT NULL DEFAULT 0,
    read_at TEXT,
    requested_at TEXT NOT NULL,
    signed_at TEXT,
    signed_document_id TEXT REFERENCES case_documents(id)
);
CREATE INDEX case_signatures_case ON case_signatures (case_id);

CREATE TABLE case_deliveries (
    document_id TEXT PRIMARY KEY REFERENCES case_documents(id),
    case_id TEXT NOT NULL REFERENCES cases(id),
    method TEXT NOT NULL,
    sent_at TEXT NOT NULL,
    link_hash TEXT,
    link_expires_at TEXT
);
CREATE INDEX case_deliveries_case ON case_deliveries (case_id);
