-- PostgreSQL twin of sqlite/0011_mail_queue.sql: the same table, columns and index.
-- Mails waiting for the SMTP server (mail_queue.rs): a booking never waits for the server,
-- and a mail the server cannot take now is tried again later instead of lost. Recipient
-- and text are sealed by the vault; a row is deleted once the server has the mail or it is
-- given up, so nothing personal stays here longer than a day.
CREATE TABLE mail_queue (
    id TEXT PRIMARY KEY,
    reference TEXT NOT NULL,
    kind TEXT NOT NULL,
    recipient TEXT NOT NULL,
    message TEXT NOT NULL,
    created_at TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_at TEXT NOT NULL,
    claimed_until TEXT
);
CREATE INDEX mail_queue_due ON mail_queue (next_at);
