-- PostgreSQL twin of sqlite/0020_payment_subjects.sql: a payment's subject is an
-- appointment or a hearing case (the warning fine paid in the hearing); exactly one.
ALTER TABLE payments ALTER COLUMN booking_id DROP NOT NULL;
ALTER TABLE payments ADD COLUMN hearing_case_id TEXT REFERENCES hearing_cases(id);
ALTER TABLE payments ADD CONSTRAINT payments_one_subject
    CHECK ((booking_id IS NULL) <> (hearing_case_id IS NULL));
CREATE UNIQUE INDEX payments_by_hearing ON payments (hearing_case_id, ordinal);
CREATE UNIQUE INDEX payments_one_open_hearing ON payments (hearing_case_id) WHERE state IN ('requested', 'started');
