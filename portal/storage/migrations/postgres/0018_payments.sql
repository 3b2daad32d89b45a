-- PostgreSQL twin of sqlite/0018_payments.sql.
-- Fees paid in the call (issue 21, docs/payments.md §2.5, §6.1). A payment is the fold of
-- the notifications it took (vamt-payments' `apply`); the row caches the fold's state for
-- lists and the settle job, written under an optimistic version like cases.audit_seq.

-- Options a service's fee may add (an extra certified copy), priced per unit. Their names
-- come from the Fluent catalogue (fee-option-<slug>), like the services' names.
CREATE TABLE service_fee_options (
    service_id BIGINT NOT NULL REFERENCES services(id) ON DELETE CASCADE,
    slug TEXT NOT NULL,
    unit_minor BIGINT NOT NULL CHECK (unit_minor > 0),
    max_quantity BIGINT NOT NULL CHECK (max_quantity BETWEEN 1 AND 99),
    PRIMARY KEY (service_id, slug)
);

CREATE TABLE payments (
    id TEXT PRIMARY KEY,
    booking_id TEXT NOT NULL REFERENCES bookings(id),
    -- The appointment's first, second … payment: the latest is the one both pages show.
    ordinal BIGINT NOT NULL,
    -- Who asked (the clerk of the call).
    requested_by BIGINT REFERENCES clerks(id),
    currency TEXT NOT NULL,
    amount_minor BIGINT NOT NULL CHECK (amount_minor > 0),
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
    refunded_minor BIGINT NOT NULL DEFAULT 0,
    failure TEXT,
    -- What the provider said how it was paid (CREDITCARD, PAYPAL, TRANSFER), for the CSV.
    payment_method TEXT,
    provider_fee_minor BIGINT,
    version BIGINT NOT NULL DEFAULT 0,
    requested_at TEXT NOT NULL,
    started_at TEXT,
    settled_at TEXT,
    -- The settle job's schedule (§3.5) and how often it asked.
    next_check_at TEXT,
    checks BIGINT NOT NULL DEFAULT 0,
    -- The last refusal by the provider (its functional code), for the admin page.
    last_error TEXT
);
CREATE UNIQUE INDEX payments_by_booking ON payments (booking_id, ordinal);
CREATE INDEX payments_settle ON payments (state, next_check_at);
CREATE INDEX payments_by_day ON payments (requested_at);

-- Every notification a payment took (applied or held); duplicates and refusals are not
-- stored (the core says a refusal stays one, so the fold without them is the same).
CREATE TABLE payment_notifications (
    payment_id TEXT NOT NULL REFERENCES payments(id),
    event_id TEXT NOT NULL,
    seq BIGINT NOT NULL,
    kind TEXT NOT NULL,
    amount_minor BIGINT,
    provider_ref TEXT,
    refund_id TEXT,
    fail_reason TEXT,
    outcome TEXT NOT NULL,
    source TEXT NOT NULL,
    envelope_id TEXT,
    received_at TEXT NOT NULL,
    PRIMARY KEY (payment_id, event_id)
);

-- Refunds an admin started or recorded: the key is stored before the provider is called,
-- so that a crash during the call retries with the same idempotency key.
CREATE TABLE payment_refunds (
    id TEXT PRIMARY KEY,
    payment_id TEXT NOT NULL REFERENCES payments(id),
    amount_minor BIGINT NOT NULL CHECK (amount_minor > 0),
    reason TEXT NOT NULL,
    requested_by BIGINT REFERENCES clerks(id),
    requested_at TEXT NOT NULL,
    provider_refund_id TEXT,
    outcome TEXT NOT NULL
);
CREATE INDEX payment_refunds_by_payment ON payment_refunds (payment_id);

-- Invoice numbers without gaps (§6.1): drawn from the year's counter in the transaction that
-- inserts the invoice, so a rollback gives the number back.
CREATE TABLE invoice_counters (
    year BIGINT PRIMARY KEY,
    next BIGINT NOT NULL
);
CREATE TABLE invoices (
    number TEXT PRIMARY KEY,
    year BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    payment_id TEXT NOT NULL UNIQUE REFERENCES payments(id),
    reference TEXT NOT NULL UNIQUE,
    amount_minor BIGINT NOT NULL,
    currency TEXT NOT NULL,
    issued_on TEXT NOT NULL,
    due_on TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'open',
    UNIQUE (year, seq)
);

-- At most one open payment per appointment, whatever node asks (ledger::request).
CREATE UNIQUE INDEX payments_one_open ON payments (booking_id) WHERE state IN ('requested', 'started');
