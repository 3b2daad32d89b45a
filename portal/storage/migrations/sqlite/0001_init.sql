-- Timestamps are UTC, RFC 3339 text ("2026-11-23T08:00:00Z"): sortable and the same on
-- every engine.
CREATE TABLE services (
    id INTEGER PRIMARY KEY,
    -- Names and descriptions come from the Fluent catalogue by slug (service-<slug>).
    slug TEXT NOT NULL UNIQUE,
    duration_minutes INTEGER NOT NULL,
    fee_cents INTEGER NOT NULL DEFAULT 0,
    active INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE clerks (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE clerk_sessions (
    -- SHA-256 of the cookie value: a database leak does not hand out sessions.
    token_hash TEXT PRIMARY KEY,
    clerk_id INTEGER NOT NULL REFERENCES clerks(id) ON DELETE CASCADE,
    expires_at TEXT NOT NULL
);

CREATE TABLE bookings (
    id TEXT PRIMARY KEY,
    service_id INTEGER NOT NULL REFERENCES services(id),
    starts_at TEXT NOT NULL,
    ends_at TEXT NOT NULL,
    -- Which of the slot's parallel places this booking holds (0 .. capacity-1).
    seat INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('booked', 'cancelled')),
    -- Personal data, sealed by the vault (XChaCha20-Poly1305, key outside the database);
    -- emptied once the retention period after the appointment is over.
    citizen_name TEXT NOT NULL,
    email TEXT NOT NULL,
    personal_data_erased_at TEXT,
    locale TEXT NOT NULL,
    room_id TEXT NOT NULL UNIQUE,
    -- SHA-256 of the secret in the join link.
    join_key_hash TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- No double booking: one live booking per place and slot, enforced by the database.
CREATE UNIQUE INDEX bookings_one_per_seat ON bookings (starts_at, seat) WHERE status = 'booked';
CREATE INDEX bookings_by_start ON bookings (starts_at);
CREATE INDEX bookings_to_erase ON bookings (ends_at) WHERE personal_data_erased_at IS NULL;
