-- Signatures and deliveries of the case record (vamt-documents signature.rs, delivery.rs).
-- A signature request names the document and its SHA-256 as asked to sign; the TAN is
-- stored only hashed (bound to the request), and spent after five wrong tries.
CREATE TABLE case_signatures (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases(id),
    document_id TEXT NOT NULL REFERENCES case_documents(id),
    state TEXT NOT NULL,
    method TEXT,
    sha256_before TEXT NOT NULL,
    tan_hash TEXT,
    tan_expires_at TEXT,
    tan_attempts INTEGER NOT NULL DEFAULT 0,
    read_at TEXT,
    requested_at TEXT NOT NULL,
    signed_at TEXT,
    signed_document_id TEXT REFERENCES case_documents(id)
);
CREATE INDEX case_signatures_case ON case_signatures (case_id);

-- How each result goes out; a download's link key only hashed, with its expiry.
CREATE TABLE case_deliveries (
    document_id TEXT PRIMARY KEY REFERENCES case_documents(id),
    case_id TEXT NOT NULL REFERENCES cases(id),
    method TEXT NOT NULL,
    sent_at TEXT NOT NULL,
    link_hash TEXT,
    link_expires_at TEXT
);
CREATE INDEX case_deliveries_case ON case_deliveries (case_id);
