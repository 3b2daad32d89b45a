-- PostgreSQL twin of sqlite/0016_call_invites.sql.
-- Guests the clerk invites into one call (an interpreter, a colleague): by a link with its
-- own role, valid until a while after the appointment. The link's key is stored only
-- hashed; the guest's name sealed like the citizen's (vamt-booking invite.rs).
CREATE TABLE call_invites (
    id TEXT PRIMARY KEY,
    booking_id TEXT NOT NULL REFERENCES bookings(id),
    role TEXT NOT NULL,
    name_sealed TEXT NOT NULL,
    key_hash TEXT NOT NULL,
    created_by BIGINT NOT NULL REFERENCES clerks(id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE INDEX call_invites_booking ON call_invites (booking_id);
