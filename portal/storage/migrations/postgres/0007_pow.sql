-- PostgreSQL twin of sqlite/0007_pow.sql: the same tables, columns and constraints.
-- Proofs of work spent (pow.rs): a solved challenge books once, on any node. Kept until
-- the challenge expires, after which a replay fails as expired anyway.
CREATE TABLE pow_spent (
    challenge TEXT PRIMARY KEY,
    expires_at TEXT NOT NULL
);
CREATE INDEX pow_spent_by_expiry ON pow_spent (expires_at);
