-- The waiting list: a citizen who finds no time asks to be told. A freed time (a
-- cancellation, a lapsed hold) is held for the first in line as an unconfirmed booking
-- (offered_booking_id), which they confirm from the offer mail like any booking; unconfirmed
-- in time, it goes to the next. Name and e-mail are sealed like a booking's.
CREATE TABLE waitlist (
    -- The queue's order: first come, first served (also within one second).
    id INTEGER PRIMARY KEY,
    -- What links and logs name (WL_…).
    entry TEXT NOT NULL UNIQUE,
    service_id INTEGER NOT NULL REFERENCES services(id),
    location_id INTEGER NOT NULL REFERENCES locations(id),
    status TEXT NOT NULL CHECK (status IN ('waiting', 'offered', 'booked', 'lapsed', 'withdrawn', 'expired')),
    citizen_name TEXT NOT NULL,
    email TEXT NOT NULL,
    email_index TEXT NOT NULL,
    locale TEXT NOT NULL,
    -- SHA-256 of the secret in the entry's withdraw link.
    key_hash TEXT NOT NULL,
    offered_booking_id TEXT REFERENCES bookings(id),
    created_at TEXT NOT NULL,
    -- Waiting entries end here unless a time came up before.
    expires_at TEXT NOT NULL
);
CREATE INDEX waitlist_queue ON waitlist (service_id, location_id, id) WHERE status = 'waiting';
CREATE UNIQUE INDEX waitlist_one_per_address ON waitlist (service_id, email_index) WHERE status IN ('waiting', 'offered');
CREATE INDEX waitlist_by_offer ON waitlist (offered_booking_id);
