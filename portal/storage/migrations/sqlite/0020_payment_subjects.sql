-- no-transaction
-- A payment's subject is an appointment or a hearing case (issue 22: the warning fine paid in
-- the hearing). SQLite cannot drop a NOT NULL, so the table is rebuilt the way its manual
-- says (ALTER TABLE, "making other kinds of table schema changes"): foreign keys off for the
-- copy (the notifications, refunds and invoices keep pointing at `payments`), checked before
-- the commit. Hence outside sqlx's own transaction.
PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE payments_new (
    id TEXT PRIMARY KEY,
    -- Whom it is for: an appointment or (a warning fine) a hearing case; exactly one.
    booking_id TEXT REFERENCES bookings(id),
    -- The appointment's first, second … payment: the latest is the one both pages show.
    ordinal INTEGER NOT NULL,
    -- Who asked (the clerk of the call).
    requested_by INTEGER REFERENCES clerks(id),
    currency TEXT NOT NULL,
    amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
    -- The quote's items as JSON (service, option, quantity, unit, total): what is owed for.
    quote_json TEXT NOT NULL,
    -- The ways offered to the citizen, comma-separated provider names.
    ways TEXT NOT NULL,
    -- SHA-256 (hex) of the return key the provider's return URL carries.
    return_key_sha256 TEXT NOT NULL,
    -- The way chosen: NULL until the citizen (or the clerk, for an invoice) chooses.
    provider TEXT,
    -- The provider's transaction/order ID and, for PayPal, the capture's (the adapter's Handle).
    provider_ref TEXT,
    capture_ref TEXT,
    -- The idempotency key of the current create call (a new one per attempt).
    attempt_id TEXT,
    -- Cache of the fold: State::word, refunded so far, why it failed.
    state TEXT NOT NULL,
    refunded_minor INTEGER NOT NULL DEFAULT 0,
    failure TEXT,
    -- What the provider said how it was paid (CREDITCARD, PAYPAL, TRANSFER), for the CSV.
    payment_method TEXT,
    provider_fee_minor INTEGER,
    version INTEGER NOT NULL DEFAULT 0,
    requested_at TEXT NOT NULL,
    started_at TEXT,
    settled_at TEXT,
    -- The settle job's schedule (§3.5) and how often it asked.
    next_check_at TEXT,
    checks INTEGER NOT NULL DEFAULT 0,
    -- The last refusal by the provider (its functional code), for the admin page.
    last_error TEXT,
    hearing_case_id TEXT REFERENCES hearing_cases(id),
    CHECK ((booking_id IS NULL) <> (hearing_case_id IS NULL))
);
INSERT INTO payments_new (id, booking_id, ordinal, requested_by, currency, amount_minor, quote_json, ways, return_key_sha256, provider, provider_ref, capture_ref, attempt_id, state, refunded_minor, failure, payment_method, provider_fee_minor, version, requested_at, started_at, settled_at, next_check_at, checks, last_error)
    SELECT id, booking_id, ordinal, requested_by, currency, amount_minor, quote_json, ways, return_key_sha256, provider, provider_ref, capture_ref, attempt_id, state, refunded_minor, failure, payment_method, provider_fee_minor, version, requested_at, started_at, settled_at, next_check_at, checks, last_error FROM payments;
DROP TABLE payments;
ALTER TABLE payments_new RENAME TO payments;
CREATE UNIQUE INDEX payments_by_booking ON payments (booking_id, ordinal);
CREATE UNIQUE INDEX payments_by_hearing ON payments (hearing_case_id, ordinal);
CREATE INDEX payments_settle ON payments (state, next_check_at);
CREATE INDEX payments_by_day ON payments (requested_at);
CREATE UNIQUE INDEX payments_one_open ON payments (booking_id) WHERE state IN ('requested', 'started');
CREATE UNIQUE INDEX payments_one_open_hearing ON payments (hearing_case_id) WHERE state IN ('requested', 'started');
PRAGMA foreign_key_check;
COMMIT;
PRAGMA foreign_keys = ON;
